package stacks

import (
	"fmt"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/modules/ecr"
	"github.com/n8n-builder/infra/modules/ecs"
	"github.com/n8n-builder/infra/modules/frontend"
	"github.com/n8n-builder/infra/modules/loadbalancer"
	"github.com/n8n-builder/infra/modules/monitoring"
	"github.com/n8n-builder/infra/modules/networking"
	"github.com/n8n-builder/infra/modules/secrets"
	"github.com/n8n-builder/infra/stacks/outputs"
)

// defineOutputs declares the stack outputs: what the deploy steps, the smoke
// check (cmd/smoke) and the n8n error workflow need. Their names are the
// constants of package outputs, which cmd/smoke reads them by.
func defineOutputs(stack cdktf.TerraformStack, env *environments.Environment, net *networking.Networking,
	repo *ecr.Repository, secret *secrets.Secret, lb *loadbalancer.LoadBalancer, svc *ecs.Service, ui *frontend.Frontend, mon *monitoring.Monitoring) {
	// The UI's origin: the custom domain when set, else CloudFront's name.
	uiHost := *ui.DomainName
	if env.DomainName != "" {
		uiHost = env.DomainName
	}
	// The bridge as the world reaches it (bridgeURL, wsURL) and on the ALB.
	var albURL, bridgeURL, wsURL string
	albDescription := "DNS name of the bridge's internet-facing Application Load Balancer."
	albURLDescription := "URL of the bridge on the ALB (https with a certificate, else http)."
	wsDescription := "The bridge's WebSocket on the ALB (ws:// in an HTTP-only environment)."
	switch {
	case env.PrivateALB():
		// No name of ours points at a private ALB: its own name, with the
		// scheme of its listener (with https, the certificate names api.<domain>).
		albURL = "http://" + *lb.DNSName
		if env.LoadBalancer.HTTPS {
			albURL = "https://" + *lb.DNSName
		}
		bridgeURL, wsURL = "https://"+uiHost, "wss://"+uiHost+"/ws"
		albDescription = "DNS name of the bridge's internal ALB: it resolves to private addresses and is reachable only inside the VPC (CloudFront reaches it through a VPC origin)."
		albURLDescription = "URL of the bridge on the internal ALB, reachable only inside the VPC; from outside, use the CloudFront URLs."
		wsDescription = "The bridge's WebSocket, through CloudFront (the ALB is internal)."
	case env.LoadBalancer.HTTPS:
		albURL, bridgeURL, wsURL = "https://"+env.APIDomain(), "https://"+env.APIDomain(), "wss://"+env.APIDomain()+"/ws"
	default:
		albURL, bridgeURL, wsURL = "http://"+*lb.DNSName, "http://"+*lb.DNSName, "ws://"+*lb.DNSName+"/ws"
	}

	output(stack, outputs.VpcID, net.VpcID, "ID of the VPC.")
	output(stack, outputs.LoadBalancerExposure, env.LoadBalancer.Exposure, "loadBalancer.exposure: \"public\" (internet-facing ALB) or \"cloudfront\" (internal ALB; every URL goes through CloudFront and its WAF).")
	output(stack, outputs.ALBDNSName, lb.DNSName, albDescription)
	output(stack, outputs.ALBURL, albURL, albURLDescription)
	output(stack, outputs.ErrorCallbackURL, bridgeURL+callbackPath, "Paste into the HTTP Request node of your n8n error workflow.")
	output(stack, outputs.WebSocketURL, wsURL, wsDescription)
	output(stack, outputs.WebSocketViaCloudFrontURL, "wss://"+uiHost+"/ws", "The WebSocket URL the chat UI should use: same origin as the UI, always wss://.")
	output(stack, outputs.ECRRepositoryURL, repo.RepositoryURL, "Push the bridge image here.")
	output(stack, outputs.ECSClusterName, svc.ClusterName, "ECS cluster of the bridge service.")
	output(stack, outputs.ECSServiceName, svc.ServiceName, "ECS service of the bridge (force a new deployment after pushing an image).")
	output(stack, outputs.SecretsManagerArn, secret.Arn, "Secret holding {\"ANTHROPIC_API_KEY\": ...}; set it with put-secret-value.")
	output(stack, outputs.LogGroupName, svc.LogGroupName, "CloudWatch log group of the bridge containers (aws logs tail).")
	output(stack, outputs.CloudFrontURL, "https://"+*ui.DomainName, "The chat UI on CloudFront's own domain.")
	output(stack, outputs.CloudFrontDistributionID, ui.DistributionID, "Invalidate with it after uploading the UI.")
	output(stack, outputs.S3BucketName, ui.BucketName, "Upload the built UI here (aws s3 sync).")
	if sc := env.Bridge.Schedule; sc.Enabled {
		output(stack, outputs.OfficeHours, officeHours(sc), "When the bridge runs; outside these hours it has no tasks (to wake it by hand, see the README).")
	}
	if env.DomainName != "" {
		output(stack, outputs.UIURL, "https://"+env.DomainName, "The chat UI on its custom domain.")
	}
	if mon != nil {
		output(stack, outputs.AlertsTopicArn, mon.TopicArn, "SNS topic the alarms notify; subscribe more endpoints to it.")
		output(stack, outputs.DashboardURL, "https://"+env.Region+".console.aws.amazon.com/cloudwatch/home?region="+env.Region+"#dashboards/dashboard/"+*mon.DashboardName, "CloudWatch dashboard with the alarm signals.")
	}
	if env.LoadBalancer.HTTPS && !env.PrivateALB() {
		output(stack, outputs.APIURL, "https://"+env.APIDomain(), "The bridge on its custom domain.")
	}
}

// output declares a stack output with a description.
func output(stack cdktf.TerraformStack, name string, value any, description string) {
	if s, ok := value.(string); ok {
		value = jsii.String(s)
	}
	cdktf.NewTerraformOutput(stack, jsii.String(name), &cdktf.TerraformOutputConfig{
		Value:       value,
		Description: jsii.String(description),
	})
}

// officeHours describes a schedule for people: "MON,TUE 08:00-19:00 Europe/Berlin".
func officeHours(sc environments.Schedule) string {
	return fmt.Sprintf("%s %02d:00-%02d:00 %s", strings.Join(sc.Days, ","), sc.StartHour, sc.StopHour, sc.TimeZone)
}
