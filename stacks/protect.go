package stacks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// PreventDestroy lists the resource types a protected environment refuses to
// destroy, with why. Terraform checks lifecycle.prevent_destroy while it
// plans, so `terraform destroy` (or `cdktf destroy`) of a protected stack
// stops before deleting anything, and so does any change that would replace
// one of these. The way to remove them on purpose is to set protected to
// false, apply, then destroy (see the README's Destroy section).
//
// Left out on purpose, because they are re-created identical from the
// configuration in minutes and refusing their replacement would block
// ordinary changes: NAT gateways and their Elastic IPs (natMode changes add
// and remove them; the egress addresses change when they are re-created),
// ACM certificates (free, re-validated through DNS by themselves, replaced
// create-before-destroy when the domain changes), and everything else
// (roles, security groups, ECS, listeners, WAF, DNS records, alarms).
var PreventDestroy = map[string]string{
	"aws_lb":                      "its DNS name is where n8n and CloudFront reach the bridge; deletion protection alone stops destroy only after the rest is gone",
	"aws_cloudfront_distribution": "its domain is the UI's address; a new one takes about 15 minutes to deploy",
	"aws_s3_bucket":               "the UI build and the access logs",
	"aws_ecr_repository":          "the bridge images every deploy and rollback pulls",
	"aws_secretsmanager_secret":   "the API key; a deleted secret blocks its name for the recovery window",
	"aws_vpc":                     "replacing it replaces every subnet, security group, the ALB and the tasks: an outage and a new ALB name",
	"aws_cloudwatch_log_group":    "the container and flow logs: the record of what happened",
	"aws_sns_topic":               "alarm recipients would have to confirm their e-mail subscriptions again",
	"aws_kms_key":                 "what it encrypted (the state bucket of the bootstrap stack, the alert topic) is unreadable without it",
}

// preventDestroy sets lifecycle.prevent_destroy on every resource in stack
// whose type is in PreventDestroy, keeping the rest of its lifecycle
// (ignore_changes, create_before_destroy). It runs once the stack is
// complete, so resources added by any module later are covered by type.
func preventDestroy(stack cdktf.TerraformStack) {
	for _, c := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		r, ok := c.(cdktf.TerraformResource)
		if !ok {
			continue
		}
		if _, protect := PreventDestroy[*r.TerraformResourceType()]; !protect {
			continue
		}
		lc := cdktf.TerraformResourceLifecycle{}
		if cur := r.Lifecycle(); cur != nil {
			lc = *cur
		}
		lc.PreventDestroy = jsii.Bool(true)
		r.SetLifecycle(&lc)
	}
}
