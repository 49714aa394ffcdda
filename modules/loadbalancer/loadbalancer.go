// Package loadbalancer defines the Application Load Balancer in front of the
// bridge tasks, internet-facing or internal (behind a CloudFront VPC origin):
// the ALB, its IP target group, the HTTP (and, with HTTPS, the redirecting
// HTTP and the TLS) listeners, and an optional S3 bucket for its access logs.
//
// The provider bindings also ship a package named alb; this module uses the
// lb, lblistener and lbtargetgroup packages, which create the same resource
// types (aws_lb, ...), so no import alias is needed.
package loadbalancer

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawselbserviceaccount"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/modules/iampolicy"
	"github.com/n8n-builder/infra/modules/privatebucket"
)

// Props configures LoadBalancer. The zero value of a field means its
// documented default; values come validated from the environment file.
type Props struct {
	// NamePrefix is "<project>-<env>". The ALB is named "<prefix>-alb" and the
	// target group "<prefix>-tg"; AWS allows MaxNameLength characters for
	// either (the environments loader checks the length). Required.
	NamePrefix string
	// Region of the stack. It only decides whether the access-log bucket
	// policy also names the region's legacy ELB account (regions launched
	// before August 2022). Default: "us-east-1".
	Region string
	// VpcID the target group lives in. Required.
	VpcID *string
	// Internal makes the ALB internal: no public address, nodes in private
	// subnets, reachable only from inside the VPC (a CloudFront VPC origin).
	// Default: false (internet-facing).
	Internal bool
	// SubnetIDs are the subnets the ALB gets a node in (two AZs): public
	// ones, or private ones when Internal. Required.
	SubnetIDs *[]*string
	// SecurityGroupID of the ALB (80/443 in, the app port out). Required.
	SecurityGroupID *string
	// AppPort the bridge containers listen on (ecs.DefaultContainerPort in the
	// stacks). Required.
	AppPort int
	// HealthCheckPath the target group probes. Default: "/health".
	HealthCheckPath string
	// DeregistrationDelaySeconds a target taken out of service keeps its open
	// connections (WebSocket sessions) before ECS stops its task, 1 to
	// MaxDeregistrationDelaySeconds. Default: 300 (the ELB default).
	DeregistrationDelaySeconds int
	// HTTPS serves the bridge on 443 and turns port 80 into a permanent
	// redirect to it. Default: false (port 80 forwards, plain HTTP).
	HTTPS bool
	// CertificateArn of the regional ACM certificate of the HTTPS listener, a
	// token. Pass aws_acm_certificate_validation.certificate_arn (not the
	// certificate's own ARN) so the listener waits until the certificate is
	// issued. Required when HTTPS; ignored otherwise.
	CertificateArn *string
	// SslPolicy of the HTTPS listener, one of SslPolicies. Default:
	// DefaultSslPolicy (TLS 1.3 and 1.2).
	SslPolicy string
	// DeletionProtection makes AWS refuse to delete the ALB (prod). Default:
	// false, so `terraform destroy` works.
	DeletionProtection bool
	// AccessLogs creates an S3 bucket "<prefix>-alb-logs-<random>" and sends
	// the ALB's access logs there; they expire after 90 days. Default: false
	// (no bucket, no logs).
	AccessLogs bool
	// ForceDestroyLogs lets `terraform destroy` delete the log bucket with the
	// logs inside (dev). Default: false: destroy fails on a non-empty bucket.
	ForceDestroyLogs bool
}

// Names of the ALB and the target group are "<prefix><suffix>"; the ELB API
// refuses either longer than MaxNameLength characters.
const (
	ALBNameSuffix         = "-alb"
	TargetGroupNameSuffix = "-tg"
	MaxNameLength         = 32
)

// LogBucketPrefixSuffix ends the access-log bucket's name prefix:
// "<prefix>-alb-logs-" and a unique suffix S3 appends.
const LogBucketPrefixSuffix = "-alb-logs-"

// MaxDeregistrationDelaySeconds is the longest deregistration delay a
// target group allows.
const MaxDeregistrationDelaySeconds = 3600

// DefaultSslPolicy is the HTTPS listener's policy when Props leave it out:
// TLS 1.3, and 1.2 for older clients.
const DefaultSslPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// SslPolicies are the ALB policies that offer TLS 1.3 (and 1.2 for older clients).
var SslPolicies = []string{
	DefaultSslPolicy,
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
}

// logRetentionDays after which access-log objects expire: long enough to
// look into an incident, short enough to keep the bucket cheap.
const logRetentionDays = 90

// legacyElbAccountRegions are the regions launched before August 2022, where
// AWS documents the bucket policy for a regional Elastic Load Balancing
// account; they are the regions aws_elb_service_account knows (China and
// GovCloud left out: other partitions). The data source fails with
// "unsupported AWS Region" anywhere else, so it is only read here.
var legacyElbAccountRegions = []string{
	"af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ca-central-1",
	"eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3",
	"me-south-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// logDeliveryPrincipal is the service that writes ALB access logs in regions
// launched since August 2022.
const logDeliveryPrincipal = "logdelivery.elasticloadbalancing.amazonaws.com"

// withDefaults fills in the documented default of every field left at zero.
func (p Props) withDefaults() Props {
	p.Region = cmp.Or(p.Region, "us-east-1")
	p.HealthCheckPath = cmp.Or(p.HealthCheckPath, "/health")
	p.DeregistrationDelaySeconds = cmp.Or(p.DeregistrationDelaySeconds, 300)
	p.SslPolicy = cmp.Or(p.SslPolicy, DefaultSslPolicy)
	return p
}

// validate panics on programmer misuse, naming every problem at once; the
// environments loader reports user errors before this runs.
func (p Props) validate() {
	var problems []string
	if p.NamePrefix == "" {
		problems = append(problems, "NamePrefix is empty")
	}
	for _, name := range []string{p.NamePrefix + ALBNameSuffix, p.NamePrefix + TargetGroupNameSuffix} {
		if len(name) > MaxNameLength {
			problems = append(problems, fmt.Sprintf("name %q is %d characters, AWS allows %d: shorten the project name", name, len(name), MaxNameLength))
		}
	}
	if p.VpcID == nil || p.SubnetIDs == nil || p.SecurityGroupID == nil {
		problems = append(problems, "VpcID, SubnetIDs and SecurityGroupID are required (from the networking module)")
	}
	if p.AppPort < 1 || p.AppPort > 65535 {
		problems = append(problems, fmt.Sprintf("AppPort %d is not a TCP port (the bridge container's port is required)", p.AppPort))
	}
	if p.HTTPS && p.CertificateArn == nil {
		problems = append(problems, "HTTPS needs CertificateArn")
	}
	if p.DeregistrationDelaySeconds < 1 || p.DeregistrationDelaySeconds > MaxDeregistrationDelaySeconds {
		problems = append(problems, fmt.Sprintf("DeregistrationDelaySeconds %d must be 1 to %d", p.DeregistrationDelaySeconds, MaxDeregistrationDelaySeconds))
	}
	if !slices.Contains(SslPolicies, p.SslPolicy) {
		problems = append(problems, fmt.Sprintf("SslPolicy %q is not a TLS 1.3 policy; valid: %s", p.SslPolicy, strings.Join(SslPolicies, ", ")))
	}
	if len(problems) > 0 {
		panic("loadbalancer: " + strings.Join(problems, "; "))
	}
}

// LoadBalancer is the ALB of the bridge with its target group and listeners.
type LoadBalancer struct {
	constructs.Construct
	// Arn of the ALB.
	Arn *string
	// ArnSuffix of the ALB ("app/<name>/<id>"), the CloudWatch LoadBalancer dimension.
	ArnSuffix *string
	// DNSName of the ALB, e.g. for the CloudFront origin or a CNAME.
	DNSName *string
	// ZoneID is the ALB's canonical hosted zone, for Route 53 alias records.
	ZoneID *string
	// TargetGroupArn is what the ECS service registers its tasks in.
	TargetGroupArn *string
	// TargetGroupArnSuffix is the CloudWatch TargetGroup dimension and, with
	// ArnSuffix, the ALBRequestCountPerTarget resource label.
	TargetGroupArnSuffix *string
	// Listeners are all listeners of the ALB. The ECS service must depend on
	// them: AWS refuses to attach a service to a target group that no
	// listener uses yet.
	Listeners []cdktf.ITerraformDependable
	// LogBucketName is the access-log bucket, nil when AccessLogs is off.
	LogBucketName *string
	// HTTPS tells whether the bridge is served over TLS on 443, so the stack
	// can pick the URL scheme.
	HTTPS bool
}

// New defines the load balancer resources under scope.
func New(scope constructs.Construct, id string, props Props) *LoadBalancer {
	props = props.withDefaults()
	props.validate()
	c := constructs.NewConstruct(scope, jsii.String(id))
	l := &LoadBalancer{Construct: c, HTTPS: props.HTTPS}

	var accessLogs *lb.LbAccessLogs
	var albDependsOn *[]cdktf.ITerraformDependable
	if props.AccessLogs {
		bucket, policy := defineLogBucket(c, props)
		l.LogBucketName = bucket.Name
		accessLogs = &lb.LbAccessLogs{Bucket: bucket.Name, Enabled: jsii.Bool(true)}
		// The ALB writes a test object when access logging is turned on and
		// fails with "Access Denied for bucket" if the policy is not in place.
		albDependsOn = &[]cdktf.ITerraformDependable{policy}
	}

	alb := lb.NewLb(c, jsii.String("alb"), &lb.LbConfig{
		Name:             jsii.String(props.NamePrefix + ALBNameSuffix),
		LoadBalancerType: jsii.String("application"),
		// AWS cannot change the scheme in place: switching replaces the ALB.
		Internal:       jsii.Bool(props.Internal),
		Subnets:        props.SubnetIDs,
		SecurityGroups: &[]*string{props.SecurityGroupID},
		// The chat UI's WebSocket stays open while Claude Code works and can
		// sit idle for long stretches; 3600 s keeps it up to an hour idle
		// (the default, 60 s, would cut it).
		IdleTimeout: jsii.Number(3600),
		// Headers with invalid characters are a request-smuggling vector and
		// nothing legitimate sends them.
		DropInvalidHeaderFields: jsii.Bool(true),
		EnableHttp2:             jsii.Bool(true),
		// "defensive" is AWS's default, spelled out so a provider default
		// change cannot loosen it; "strictest" would reject some clients.
		DesyncMitigationMode:     jsii.String("defensive"),
		EnableDeletionProtection: jsii.Bool(props.DeletionProtection),
		AccessLogs:               accessLogs,
		DependsOn:                albDependsOn,
	})
	l.Arn = alb.Arn()
	l.ArnSuffix = alb.ArnSuffix()
	l.DNSName = alb.DnsName()
	l.ZoneID = alb.ZoneId()

	tg := defineTargetGroup(c, props)
	l.TargetGroupArn = tg.Arn()
	l.TargetGroupArnSuffix = tg.ArnSuffix()

	l.Listeners = defineListeners(c, props, alb, tg)
	return l
}

// defineTargetGroup creates the IP target group the Fargate tasks (awsvpc
// networking, so IP targets) register in.
//
// It keeps the fixed name "<prefix>-tg" and no create_before_destroy: a new
// group could not take the old one's name while it exists, and name_prefix
// allows only 6 characters, losing the readable name. The price: a change
// that replaces the group (port, protocol, target type, VPC) fails while a
// listener still uses it; such a change needs a planned migration.
func defineTargetGroup(c constructs.Construct, props Props) lbtargetgroup.LbTargetGroup {
	return lbtargetgroup.NewLbTargetGroup(c, jsii.String("target_group"), &lbtargetgroup.LbTargetGroupConfig{
		Name:       jsii.String(props.NamePrefix + TargetGroupNameSuffix),
		TargetType: jsii.String("ip"),
		Protocol:   jsii.String("HTTP"),
		Port:       jsii.Number(props.AppPort),
		VpcId:      props.VpcID,
		HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
			Enabled:            jsii.Bool(true),
			Path:               jsii.String(props.HealthCheckPath),
			Protocol:           jsii.String("HTTP"),
			Port:               jsii.String("traffic-port"),
			Matcher:            jsii.String("200"),
			Interval:           jsii.Number(30),
			Timeout:            jsii.Number(5),
			HealthyThreshold:   jsii.Number(2),
			UnhealthyThreshold: jsii.Number(3),
		},
		// A WebSocket stays on its task anyway; the cookie brings a client's
		// reconnects and HTTP calls back to the task holding its session
		// state (kept in memory), for a day.
		Stickiness: &lbtargetgroup.LbTargetGroupStickiness{
			Type:           jsii.String("lb_cookie"),
			CookieDuration: jsii.Number(86400),
			Enabled:        jsii.Bool(true),
		},
		// ECS sends SIGTERM to a task only once its target has drained: this
		// is the time open WebSocket sessions get on a task being replaced.
		DeregistrationDelay: jsii.String(strconv.Itoa(props.DeregistrationDelaySeconds)),
	})
}

// defineListeners creates HTTP:80 forwarding to the target group, or, with
// HTTPS, HTTP:80 redirecting to HTTPS:443, which forwards.
func defineListeners(c constructs.Construct, props Props, alb lb.Lb, tg lbtargetgroup.LbTargetGroup) []cdktf.ITerraformDependable {
	forward := &[]*lblistener.LbListenerDefaultAction{{
		Type:           jsii.String("forward"),
		TargetGroupArn: tg.Arn(),
	}}
	if !props.HTTPS {
		http := lblistener.NewLbListener(c, jsii.String("http_listener"), &lblistener.LbListenerConfig{
			LoadBalancerArn: alb.Arn(),
			Port:            jsii.Number(80),
			Protocol:        jsii.String("HTTP"),
			DefaultAction:   forward,
		})
		return []cdktf.ITerraformDependable{http}
	}
	// The same construct ID in both modes: switching an environment to HTTPS
	// updates the port-80 listener in place instead of replacing it.
	http := lblistener.NewLbListener(c, jsii.String("http_listener"), &lblistener.LbListenerConfig{
		LoadBalancerArn: alb.Arn(),
		Port:            jsii.Number(80),
		Protocol:        jsii.String("HTTP"),
		DefaultAction: &[]*lblistener.LbListenerDefaultAction{{
			Type: jsii.String("redirect"),
			Redirect: &lblistener.LbListenerDefaultActionRedirect{
				Protocol:   jsii.String("HTTPS"),
				Port:       jsii.String("443"),
				StatusCode: jsii.String("HTTP_301"),
			},
		}},
	})
	https := lblistener.NewLbListener(c, jsii.String("https_listener"), &lblistener.LbListenerConfig{
		LoadBalancerArn: alb.Arn(),
		Port:            jsii.Number(443),
		Protocol:        jsii.String("HTTPS"),
		SslPolicy:       jsii.String(props.SslPolicy),
		CertificateArn:  props.CertificateArn,
		DefaultAction:   forward,
	})
	return []cdktf.ITerraformDependable{http, https}
}

// defineLogBucket creates the private access-log bucket and its policy, and
// returns both (the ALB must wait for the policy).
func defineLogBucket(c constructs.Construct, props Props) (*privatebucket.Bucket, s3bucketpolicy.S3BucketPolicy) {
	bucket := privatebucket.New(c, "log_bucket", privatebucket.Props{
		BucketPrefix: props.NamePrefix + LogBucketPrefixSuffix,
		ForceDestroy: props.ForceDestroyLogs,
	})
	// Logs are written once and never changed, so the bucket is not
	// versioned; the rule below is their whole lifecycle.
	s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(c, jsii.String("log_bucket_lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket: bucket.ID,
		Rule: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{{
			Id:     jsii.String("expire-access-logs"),
			Status: jsii.String("Enabled"),
			// An empty prefix: the rule covers the whole bucket.
			Filter:     &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{Prefix: jsii.String("")},
			Expiration: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleExpiration{Days: jsii.Number(logRetentionDays)},
			AbortIncompleteMultipartUpload: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload{
				DaysAfterInitiation: jsii.Number(1),
			},
		}},
	})
	return bucket, bucket.Policy(logDeliveryStatements(c, props, *bucket.Arn)...)
}

// logDeliveryStatements are the bucket policy's write access for ELB log
// delivery (privatebucket adds TLS only) under AWSLogs/ (where the ALB writes without a prefix;
// the account ID that follows is not known at synth time).
//
// Which principal delivers depends on the region's age. AWS documents the
// regional ELB account (arn:aws:iam::127311923021:root in us-east-1) for
// regions launched before August 2022 and the service principal
// logdelivery.elasticloadbalancing.amazonaws.com for later ones. Both are
// granted where the region has a legacy account, as terraform-aws-modules'
// s3-bucket does for every region: the bucket then works whichever one AWS
// uses, and S3 accepts the service principal in old regions too. The legacy
// account comes from aws_elb_service_account, which the provider looks up
// in a built-in table (no AWS call; checked in its source).
func logDeliveryStatements(c constructs.Construct, props Props, bucketArn string) []iampolicy.Statement {
	logs := bucketArn + "/AWSLogs/*"
	statements := []iampolicy.Statement{{
		Sid:        "ElbLogDeliveryWrite",
		Actions:    []string{"s3:PutObject"},
		Resources:  []string{logs},
		Principals: map[string][]string{"Service": {logDeliveryPrincipal}},
	}}
	if slices.Contains(legacyElbAccountRegions, props.Region) {
		account := dataawselbserviceaccount.NewDataAwsElbServiceAccount(c, jsii.String("elb_service_account"), &dataawselbserviceaccount.DataAwsElbServiceAccountConfig{})
		statements = append(statements, iampolicy.Statement{
			Sid:        "ElbAccountLogWrite",
			Actions:    []string{"s3:PutObject"},
			Resources:  []string{logs},
			Principals: map[string][]string{"AWS": {*account.Arn()}},
		})
	}
	return statements
}
