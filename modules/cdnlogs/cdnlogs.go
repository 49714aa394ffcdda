// Package cdnlogs turns on CloudFront standard logging (v2) for a
// distribution: CloudWatch Logs vended-log delivery (a delivery source for
// the distribution, a destination, the delivery between them) into a log
// group with a retention. Unlike legacy standard logging it needs no S3
// bucket with ACLs enabled. All of it lives in us-east-1, where CloudFront's
// logs are delivered from.
package cdnlogs

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchlogdelivery"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchlogdeliverydestination"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchlogdeliverysource"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchlogresourcepolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/modules/iampolicy"
)

// Props configures AccessLogs.
type Props struct {
	// NamePrefix starts every name: "<project>-<env>". Required.
	NamePrefix string
	// DistributionArn of the CloudFront distribution to log. Required.
	DistributionArn *string
	// RetentionDays of the log group, a value CloudWatch Logs accepts.
	// Default: 30.
	RetentionDays int
	// Provider is an AWS provider in us-east-1. Default: the stack's default
	// provider, which must then be in us-east-1.
	Provider cdktf.TerraformProvider
}

func (p Props) validate() {
	if p.NamePrefix == "" || p.DistributionArn == nil {
		panic("cdnlogs: NamePrefix and DistributionArn are required")
	}
}

// AccessLogs is the delivery of a distribution's access logs.
type AccessLogs struct {
	constructs.Construct
	// LogGroupName holds one JSON record per viewer request.
	LogGroupName *string
}

// New defines the log group and the delivery under scope.
func New(scope constructs.Construct, id string, props Props) *AccessLogs {
	if props.RetentionDays == 0 {
		props.RetentionDays = 30
	}
	props.validate()
	c := constructs.NewConstruct(scope, jsii.String(id))
	p := props.Provider
	name := props.NamePrefix + "-cloudfront"

	// Under /aws/vendedlogs/, as AWS advises for vended logs.
	group := cloudwatchloggroup.NewCloudwatchLogGroup(c, jsii.String("log_group"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            jsii.String("/aws/vendedlogs/cloudfront/" + props.NamePrefix),
		RetentionInDays: jsii.Number(props.RetentionDays),
		Provider:        p,
	})
	// The log delivery service writes into the group for this account's
	// delivery sources only. Written here, not left to AWS to add on first
	// delivery, so it is reviewed and scoped like every other policy.
	account := iampolicy.AccountOf(group.Arn())
	write := iampolicy.New(c, "delivery_write_policy_document", iampolicy.Statement{
		Sid:        "LogDeliveryWrite",
		Actions:    []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resources:  []string{*group.Arn() + ":log-stream:*"},
		Principals: map[string][]string{"Service": {"delivery.logs.amazonaws.com"}},
		Conditions: []iampolicy.Condition{
			{Test: "StringEquals", Variable: "aws:SourceAccount", Values: []string{account}},
			{Test: "ArnLike", Variable: "aws:SourceArn", Values: []string{"arn:aws:logs:us-east-1:" + account + ":*"}},
		},
	})
	policy := cloudwatchlogresourcepolicy.NewCloudwatchLogResourcePolicy(c, jsii.String("delivery_write_policy"), &cloudwatchlogresourcepolicy.CloudwatchLogResourcePolicyConfig{
		PolicyName:     jsii.String(name + "-log-delivery"),
		PolicyDocument: write.Json(),
		Provider:       p,
	})

	source := cloudwatchlogdeliverysource.NewCloudwatchLogDeliverySource(c, jsii.String("delivery_source"), &cloudwatchlogdeliverysource.CloudwatchLogDeliverySourceConfig{
		Name:        jsii.String(name),
		LogType:     jsii.String("ACCESS_LOGS"),
		ResourceArn: props.DistributionArn,
		Provider:    p,
	})
	destination := cloudwatchlogdeliverydestination.NewCloudwatchLogDeliveryDestination(c, jsii.String("delivery_destination"), &cloudwatchlogdeliverydestination.CloudwatchLogDeliveryDestinationConfig{
		Name:         jsii.String(name),
		OutputFormat: jsii.String("json"),
		DeliveryDestinationConfiguration: &[]*cloudwatchlogdeliverydestination.CloudwatchLogDeliveryDestinationDeliveryDestinationConfiguration{{
			DestinationResourceArn: group.Arn(),
		}},
		Provider: p,
	})
	cloudwatchlogdelivery.NewCloudwatchLogDelivery(c, jsii.String("delivery"), &cloudwatchlogdelivery.CloudwatchLogDeliveryConfig{
		DeliverySourceName:     source.Name(),
		DeliveryDestinationArn: destination.Arn(),
		Provider:               p,
		// The first delivery must find the write permission in place.
		DependsOn: &[]cdktf.ITerraformDependable{policy},
	})
	return &AccessLogs{Construct: c, LogGroupName: group.Name()}
}
