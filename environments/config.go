// Package environments loads and validates the per-environment configuration
// files (environments/<name>.json) that drive the stacks: the tfvars of this app.
//
// A field left out of a file takes the default from Defaults. The defaults are
// the safe, production-shaped values; dev.json spells out what it relaxes.
package environments

import (
	"github.com/n8n-builder/infra/modules/ecs"
	"github.com/n8n-builder/infra/modules/loadbalancer"
)

// Environment is one validated environment file.
type Environment struct {
	// Name comes from the file name (dev.json -> "dev"), never from the file.
	Name string `json:"-"`
	// File is the path the environment was read from, for error messages.
	File string `json:"-"`
	// set holds the dotted path of every field the file wrote.
	set map[string]bool

	// Region is the AWS region of the stack. Default: "us-east-1".
	Region string `json:"region"`
	// ProjectName prefixes every resource name: <project>-<env>-<thing>.
	// Default: "n8n-builder".
	ProjectName string `json:"projectName"`
	// Protected refuses destroy: lifecycle.prevent_destroy on the resources
	// listed in stacks.PreventDestroy, so a destroy stops while planning. It
	// also keeps data: ALB deletion protection, S3 versioning and no
	// force_destroy, ECR without force_delete, a secret recovery window.
	// Default: true. dev sets false so `terraform destroy` leaves nothing behind.
	Protected bool `json:"protected"`
	// LogRetentionDays is the retention of the container log group.
	// Default: 30. One of the values CloudWatch Logs accepts.
	LogRetentionDays int `json:"logRetentionDays"`
	// DomainName is the custom domain of the UI (the bridge is api.<domain>).
	// Default: none (CloudFront and ALB default names).
	DomainName string `json:"domainName"`
	// HostedZoneID is the Route 53 zone of DomainName. When set, certificates are
	// created and validated through DNS and alias records are added.
	// Default: none (bring certificates and DNS yourself).
	HostedZoneID string `json:"hostedZoneId"`

	Network      Network      `json:"network"`
	Bridge       Bridge       `json:"bridge"`
	ECR          ECR          `json:"ecr"`
	Secret       Secret       `json:"secret"`
	LoadBalancer LoadBalancer `json:"loadBalancer"`
	UI           UI           `json:"ui"`
	WAF          WAF          `json:"waf"`
	Alerts       Alerts       `json:"alerts"`
	// Backend stores state in S3 when set. Default: local state next to the
	// project (terraform.<env>.tfstate).
	Backend *Backend `json:"backend"`
}

// Network configures the VPC.
type Network struct {
	// VpcCidr is the VPC's IPv4 range, /16 to /24. Default: "10.0.0.0/16".
	VpcCidr string `json:"vpcCidr"`
	// AvailabilityZones are the two AZs the subnets go into. Required: nothing
	// may ask AWS at plan time.
	AvailabilityZones []string `json:"availabilityZones"`
	// PublicSubnetCidrs and PrivateSubnetCidrs, one per AZ. Default: derived
	// from VpcCidr (four equal blocks of a sixteenth of the VPC each).
	PublicSubnetCidrs  []string `json:"publicSubnetCidrs"`
	PrivateSubnetCidrs []string `json:"privateSubnetCidrs"`
	// BridgeEgressPorts are the TCP ports the bridge tasks may open to the
	// internet (through NAT, or their own public IP). Default: [443]. Add e.g. 5678 if your n8n API is
	// served over plain HTTP on its own port.
	BridgeEgressPorts []int `json:"bridgeEgressPorts"`
	// NatMode is "perAz" (one NAT gateway per AZ, survives an AZ outage),
	// "single" (one NAT gateway) or "none" (no NAT gateway: the tasks run in
	// the public subnets with a public IP each; only where Protected is
	// false). Default: "perAz".
	NatMode string `json:"natMode"`
	// FlowLogs sends VPC flow logs to CloudWatch Logs.
	FlowLogs FlowLogs `json:"flowLogs"`
}

// NAT modes.
const (
	NatSingle = "single"
	NatPerAZ  = "perAz"
	NatNone   = "none"
)

// FlowLogs configures VPC flow logs.
type FlowLogs struct {
	// Enabled turns flow logs on. Default: true.
	Enabled bool `json:"enabled"`
	// RetentionDays of the flow log group. Default: 30.
	RetentionDays int `json:"retentionDays"`
}

// Bridge configures the bridge server's ECS service.
type Bridge struct {
	// Cpu units of the task, a Fargate size. Default: 2048 (2 vCPU).
	Cpu int `json:"cpu"`
	// Memory of the task in MiB, valid for Cpu. Default: 4096.
	Memory int `json:"memory"`
	// DesiredCount of tasks (the starting count when autoscaling). Default: 1:
	// the bridge keeps sessions in memory, so one task, which ECS replaces in
	// either AZ when it fails. More need SharedSessionState.
	DesiredCount int `json:"desiredCount"`
	// Architecture is "X86_64" or "ARM64". Default: "X86_64".
	Architecture string `json:"architecture"`
	// EphemeralStorageGiB of the task, 21 to 200; Claude Code works on disk.
	// Default: 21 (the free amount).
	EphemeralStorageGiB int `json:"ephemeralStorageGiB"`
	// ImageTag of the bridge image in this stack's ECR repository. Default: "latest".
	ImageTag string `json:"imageTag"`
	// Image overrides the whole image reference (another registry). Default: none.
	Image string `json:"image"`
	// NodeEnv is the container's NODE_ENV. Default: "production".
	NodeEnv string `json:"nodeEnv"`
	// Environment adds plain container environment variables. Never secrets.
	Environment map[string]string `json:"environment"`
	// FargateSpot runs tasks on Fargate Spot (about 70% cheaper; AWS may stop
	// a task with two minutes' warning). Only where Protected is false.
	// Default: false (dev.json turns it on).
	FargateSpot bool `json:"fargateSpot"`
	// HealthCheckGracePeriodSeconds before ALB health checks count. Default: 120.
	HealthCheckGracePeriodSeconds int `json:"healthCheckGracePeriodSeconds"`
	// DrainSeconds is how long a task taken out of service (deploy, scale-in,
	// replacement) keeps serving its open WebSocket sessions: the target
	// group's deregistration delay, after which ECS sends SIGTERM. The
	// container then gets the same time again, at most Fargate's 120 s, to
	// exit (its stop timeout). 2 to 3600. Default: 300.
	DrainSeconds int `json:"drainSeconds"`
	// SharedSessionState states that the bridge keeps its sessions where
	// every task can reach them (not in memory). Required for more than one
	// task (desiredCount > 1 or autoscaling): n8n's /error-callback carries
	// no stickiness cookie and may reach a task that does not hold the
	// session. Default: false.
	SharedSessionState bool `json:"sharedSessionState"`
	// ContainerInsights on the cluster. Default: true.
	ContainerInsights bool `json:"containerInsights"`
	// EnableExec allows `aws ecs execute-command` into tasks. Default: false.
	EnableExec bool `json:"enableExec"`
	// Autoscaling of the service. Default: off.
	Autoscaling Autoscaling `json:"autoscaling"`
	// Schedule runs the service in office hours only: outside them scheduled
	// scaling sets it to zero tasks. Default: off (runs around the clock).
	Schedule Schedule `json:"schedule"`
}

// Schedule is an office-hours schedule: the service runs from StartHour:00
// to StopHour:00 on Days, on the clock of TimeZone, with zero tasks otherwise.
type Schedule struct {
	// Enabled turns the schedule on. Default: false.
	Enabled bool `json:"enabled"`
	// Days the service runs: "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN".
	// Default: MON to FRI.
	Days []string `json:"days"`
	// StartHour and StopHour are whole hours 0-23, StartHour before StopHour
	// (a schedule does not run past midnight). Default: 8 and 19.
	StartHour int `json:"startHour"`
	StopHour  int `json:"stopHour"`
	// TimeZone is an IANA time zone name such as "Europe/Berlin"; the hours
	// follow its daylight saving time. Default: "UTC".
	TimeZone string `json:"timeZone"`
}

// Autoscaling configures target tracking on the ECS service.
type Autoscaling struct {
	// Enabled turns autoscaling on; desired_count is then left to it. Default: false.
	Enabled bool `json:"enabled"`
	// MinTasks and MaxTasks bound the service. Default: 1 and 4.
	MinTasks int `json:"minTasks"`
	MaxTasks int `json:"maxTasks"`
	// CpuTargetPercent is the average CPU to track, 1-100. Default: 60.
	CpuTargetPercent int `json:"cpuTargetPercent"`
	// RequestsPerTarget is the ALB request count per task to track. Default: 500.
	RequestsPerTarget int `json:"requestsPerTarget"`
}

// ECR configures the image repository.
type ECR struct {
	// ImmutableTags refuses to overwrite a tag. Default: true (then imageTag
	// must not be "latest").
	ImmutableTags bool `json:"immutableTags"`
	// UntaggedExpiryDays expires untagged images. Default: 7.
	UntaggedExpiryDays int `json:"untaggedExpiryDays"`
	// KeepTaggedImages is how many tagged images are kept. Default: 30.
	KeepTaggedImages int `json:"keepTaggedImages"`
}

// Secret configures the Anthropic API key secret.
type Secret struct {
	// RecoveryWindowDays, 7-30, of a protected environment; an unprotected one
	// deletes at once (0) so destroy and re-create work. Default: 30.
	RecoveryWindowDays int `json:"recoveryWindowDays"`
}

// LoadBalancer configures the ALB.
type LoadBalancer struct {
	// Exposure says how the bridge is reached. "public": an internet-facing
	// ALB in the public subnets, which CloudFront and your n8n call directly.
	// "cloudfront": an internal ALB in the private subnets that only
	// CloudFront reaches, through a VPC origin; every URL then goes through
	// CloudFront and its WAF. Default: "cloudfront" where protected is true,
	// else "public".
	Exposure string `json:"exposure"`
	// HTTPS serves the bridge on 443 and redirects 80 to it. Needs a
	// certificate: CertificateArn, or DomainName with HostedZoneID. Default: false.
	HTTPS bool `json:"https"`
	// CertificateArn of an existing regional ACM certificate. Default: none.
	CertificateArn string `json:"certificateArn"`
	// SslPolicy of the HTTPS listener. Default: "ELBSecurityPolicy-TLS13-1-2-2021-06".
	SslPolicy string `json:"sslPolicy"`
	// AllowedCidrs may reach the ALB listeners; "public" exposure only.
	// Default: ["0.0.0.0/0"] (the CloudFront origin and the external n8n must
	// reach it).
	AllowedCidrs []string `json:"allowedCidrs"`
	// CloudFrontPrefixListID is the region's AWS-managed prefix list
	// "com.amazonaws.global.cloudfront.origin-facing" (pl-...). "public":
	// when set, CloudFront may reach the ALB on its origin port whatever
	// AllowedCidrs says, so AllowedCidrs can be narrowed to your own network
	// and n8n; default none. "cloudfront": the only source the internal ALB
	// admits; default the region's list from a built-in table, required in
	// regions the table lacks. (It counts as about 55 rules against the
	// security group's rule quota of 60.)
	CloudFrontPrefixListID string `json:"cloudFrontPrefixListId"`
	// AccessLogs writes ALB access logs to an S3 bucket. Default: true.
	AccessLogs bool `json:"accessLogs"`
}

// Exposures of the bridge (loadBalancer.exposure).
const (
	ExposurePublic     = "public"
	ExposureCloudFront = "cloudfront"
)

// UI configures the chat UI's S3 bucket and CloudFront distribution.
type UI struct {
	// PriceClass of the distribution. Default: "PriceClass_100".
	PriceClass string `json:"priceClass"`
	// CertificateArn of an existing us-east-1 ACM certificate for DomainName.
	// Default: none.
	CertificateArn string `json:"certificateArn"`
	// AccessLogs delivers CloudFront's access logs (standard logging v2) to
	// a CloudWatch log group in us-east-1, kept logRetentionDays. Default: true.
	AccessLogs bool `json:"accessLogs"`
}

// WAF configures the web ACL in front of CloudFront.
type WAF struct {
	// Enabled attaches a WAF web ACL to CloudFront. Default: true.
	Enabled bool `json:"enabled"`
	// RateLimitPer5Min is the request limit per client IP in 5 minutes. Default: 1000.
	RateLimitPer5Min int `json:"rateLimitPer5Min"`
	// AllowedCidrs, when set, are the only client ranges let through. Default: none (all).
	AllowedCidrs []string `json:"allowedCidrs"`
	// CallbackAllowedCidrs, when set, are the only IPv4 ranges that may call
	// /error-callback: the addresses your n8n calls from. Needs
	// loadBalancer.exposure "cloudfront" (in "public" mode n8n calls the ALB
	// directly, around the WAF). Default: none (anyone).
	CallbackAllowedCidrs []string `json:"callbackAllowedCidrs"`
}

// Alerts configures the alarm topic, the CloudWatch alarms and dashboard,
// and the budget (modules/monitoring).
type Alerts struct {
	// Enabled creates the encrypted SNS topic, the alarms and the dashboard.
	// Default: the value of protected (on in prod, off in dev). Needs
	// bridge.containerInsights (the running-task count comes from it).
	Enabled *bool `json:"enabled"`
	// Emails subscribe to the topic; each address confirms by mail first.
	// Default: none.
	Emails []string `json:"emails"`
	// MonthlyBudgetUsd adds an AWS Budgets alert on the account's monthly
	// cost (80 % actual, 100 % forecast). Default: 0, none.
	MonthlyBudgetUsd int `json:"monthlyBudgetUsd"`
}

// On reports whether alerts are enabled (after defaults are filled).
func (a Alerts) On() bool { return a.Enabled != nil && *a.Enabled }

// Backend is the remote state backend.
type Backend struct {
	S3 *S3Backend `json:"s3"`
}

// S3Backend stores state in S3 with S3-native locking.
type S3Backend struct {
	// Bucket holding the state. Required.
	Bucket string `json:"bucket"`
	// Key of the state object. Default: "<project>/<env>/terraform.tfstate".
	Key string `json:"key"`
	// Region of the bucket. Default: the environment's region.
	Region string `json:"region"`
	// Encrypt the state object. Default: true.
	Encrypt bool `json:"encrypt"`
	// UseLockfile locks with an S3 lock file (Terraform >= 1.10). Default: true.
	UseLockfile bool `json:"useLockfile"`
	// KmsKeyID encrypts with a customer key. Default: none (SSE-S3).
	KmsKeyID string `json:"kmsKeyId"`
}

// Defaults returns the configuration a field takes when a file leaves it out.
func Defaults() Environment {
	return Environment{
		Region:           "us-east-1",
		ProjectName:      "n8n-builder",
		Protected:        true,
		LogRetentionDays: 30,
		Network: Network{
			VpcCidr:           "10.0.0.0/16",
			NatMode:           NatPerAZ,
			BridgeEgressPorts: []int{443},
			FlowLogs:          FlowLogs{Enabled: true, RetentionDays: 30},
		},
		Bridge: Bridge{
			Cpu:                           2048,
			Memory:                        4096,
			DesiredCount:                  1,
			Architecture:                  ecs.ArchX86,
			EphemeralStorageGiB:           ecs.MinEphemeralStorageGiB,
			ImageTag:                      "latest",
			NodeEnv:                       "production",
			HealthCheckGracePeriodSeconds: 120,
			DrainSeconds:                  300,
			ContainerInsights:             true,
			Autoscaling:                   Autoscaling{MinTasks: 1, MaxTasks: 4, CpuTargetPercent: 60, RequestsPerTarget: 500},
			Schedule:                      Schedule{Days: []string{"MON", "TUE", "WED", "THU", "FRI"}, StartHour: 8, StopHour: 19, TimeZone: "UTC"},
		},
		ECR:    ECR{ImmutableTags: true, UntaggedExpiryDays: 7, KeepTaggedImages: 30},
		Secret: Secret{RecoveryWindowDays: 30},
		LoadBalancer: LoadBalancer{
			SslPolicy:  loadbalancer.DefaultSslPolicy,
			AccessLogs: true,
			// Exposure and AllowedCidrs depend on other fields: see
			// fillDerivedDefaults.
		},
		UI:  UI{PriceClass: "PriceClass_100", AccessLogs: true},
		WAF: WAF{Enabled: true, RateLimitPer5Min: 1000},
	}
}
