// Package outputs names the stack outputs. The stacks declare them under
// these names and cmd/smoke reads them by these names, so renaming one is a
// change in one place, and a rename that skips it fails the smoke tests,
// which read the golden stacks' outputs.
//
// It is a package of its own, without dependencies, so that cmd/smoke does
// not link cdktf and the provider bindings.
package outputs

// Names of the stack outputs. What each holds is in its description in
// stacks/outputs.go and in the README's outputs table.
const (
	VpcID = "vpc_id"
	// LoadBalancerExposure is loadBalancer.exposure: "public" or
	// "cloudfront" (the ALB is internal; cmd/smoke then checks through
	// CloudFront only).
	LoadBalancerExposure      = "load_balancer_exposure"
	ALBDNSName                = "alb_dns_name"
	ALBURL                    = "alb_url"
	ErrorCallbackURL          = "error_callback_url"
	WebSocketURL              = "websocket_url"
	WebSocketViaCloudFrontURL = "websocket_url_via_cloudfront"
	ECRRepositoryURL          = "ecr_repository_url"
	ECSClusterName            = "ecs_cluster_name"
	ECSServiceName            = "ecs_service_name"
	SecretsManagerArn         = "secrets_manager_arn"
	LogGroupName              = "log_group_name"
	CloudFrontURL             = "cloudfront_url"
	CloudFrontDistributionID  = "cloudfront_distribution_id"
	S3BucketName              = "s3_bucket_name"
	// OfficeHours exists only with an office-hours schedule (bridge.schedule).
	OfficeHours = "office_hours"
	// UIURL and APIURL exist only with a custom domain (and, for APIURL, HTTPS).
	UIURL  = "ui_url"
	APIURL = "api_url"
	// AlertsTopicArn and DashboardURL exist only with alerts on.
	AlertsTopicArn = "alerts_topic_arn"
	DashboardURL   = "dashboard_url"
)
