// Package modulestacks builds the module test stacks that go through
// Terraform. The modules' tests assert on them as synthesized; the stacks
// package's terraform tiers plan them in the same plan as the environments
// and apply them in the same `terraform test` (stacks/modules_tier_test.go).
// A plan of their own cost the suite about a fifth of its CPU: every
// terraform command, and every provider configuration in it, spends seconds
// loading the provider's schema.
//
// Each function synthesizes in the caller's jsii runtime, which answers one
// call at a time: callers must not call them concurrently.
package modulestacks

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/certificates"
	"github.com/n8n-builder/infra/modules/ecr"
	"github.com/n8n-builder/infra/modules/ecs"
	"github.com/n8n-builder/infra/modules/frontend"
	"github.com/n8n-builder/infra/modules/loadbalancer"
	"github.com/n8n-builder/infra/modules/monitoring"
	"github.com/n8n-builder/infra/modules/networking"
	"github.com/n8n-builder/infra/modules/secrets"
	"github.com/n8n-builder/infra/modules/waf"
)

// Names of the stacks Terraform plans (Planned), which are also their
// names in the plan.
const (
	CertificatesRegional = "certificates_regional"
	ECSScaled            = "ecs_scaled"
	FrontendProd         = "frontend_prod"
	LoadBalancerProd     = "loadbalancer_prod"
	MonitoringAway       = "monitoring_away"
	WAFRestricted        = "waf_restricted"
)

// Planned synthesizes every stack Terraform plans, by name. Variants the
// environments use as they are (the dev and private-ALB frontends, CDN logs)
// plan inside the environments instead.
func Planned() map[string]*testutil.Synthesized {
	return map[string]*testutil.Synthesized{
		CertificatesRegional: Certificates(),
		ECSScaled:            ECS(ScaledProps()),
		FrontendProd:         Frontend(FrontendProdProps()),
		LoadBalancerProd:     LoadBalancer(LoadBalancerProdProps()),
		MonitoringAway:       MonitoringInEU(),
		WAFRestricted:        WAF("eu-west-1", true, WAFRestrictedProps()),
	}
}

// ZoneID is the hosted zone of the certificates and dns test stacks.
const ZoneID = "Z0000000EXAMPLE000000"

// Certificates is a stack in eu-west-1 with an aliased us-east-1 provider
// ("global") and both certificates.
func Certificates() *testutil.Synthesized {
	stack := testutil.NewStackIn("eu-west-1")
	global := provider.NewAwsProvider(stack, jsii.String("aws_global"), &provider.AwsProviderConfig{
		Region: jsii.String("us-east-1"), Alias: jsii.String("global"),
	})
	certificates.New(stack, "certificates", certificates.Props{
		DomainName:     "builder.example.com",
		APIDomainName:  "api.builder.example.com",
		HostedZoneID:   ZoneID,
		GlobalProvider: global,
	})
	return testutil.Synth(stack)
}

// ScaledProps are the service with most options on: ARM64, 50 GiB, exec,
// Container Insights, extra environment (values with quotes, newlines and
// template sequences), autoscaling and a weekend-ish office-hours schedule.
func ScaledProps() ecs.Props {
	return ecs.Props{
		DesiredCount: 2, Architecture: ecs.ArchARM, EphemeralStorageGiB: 50,
		EnableExec: true, ContainerInsights: true, LogRetentionDays: 90,
		Cpu: 1024, Memory: 2048, NodeEnv: "staging", StopTimeoutSeconds: 90,
		HealthCheckGracePeriodSeconds: 300,
		Environment: map[string]string{
			"ZED": "last", "ALPHA": "first", "N8N_URL": "https://n8n.example.com/?a=1&b=2", "TEMPLATE": "${not.a.ref}",
			"QUOTED": "say \"hi\" \\ %{x}\nnext line",
		},
		Autoscaling: ecs.Autoscaling{Enabled: true, MinTasks: 2, MaxTasks: 6, CpuTargetPercent: 70, RequestsPerTarget: 300},
		Schedule:    ecs.Schedule{Enabled: true, Days: []string{"SAT", "MON"}, StartHour: 6, StopHour: 22, TimeZone: "Asia/Kolkata"},
	}
}

// ECS builds a whole stack around the service (networking, ECR, secret, a
// minimal ALB) so Terraform sees real references, filling in what the
// stacks wire: image, secret, subnets, security group, target group,
// listener.
func ECS(p ecs.Props) *testutil.Synthesized {
	stack := testutil.NewStack()
	natMode := networking.NatSingle
	if p.AssignPublicIP {
		natMode = networking.NatNone
	}
	net := networking.New(stack, "networking", networking.Props{
		Region:             "us-east-1",
		NatMode:            natMode,
		NamePrefix:         "proj-test",
		CidrBlock:          "10.0.0.0/16",
		AvailabilityZones:  []string{"us-east-1a", "us-east-1b"},
		PublicSubnetCidrs:  []string{"10.0.0.0/20", "10.0.16.0/20"},
		PrivateSubnetCidrs: []string{"10.0.32.0/20", "10.0.48.0/20"},
		AppPort:            ecs.DefaultContainerPort,
	})
	repo := ecr.New(stack, "ecr", ecr.Props{Name: "proj-test-bridge"})
	secret := secrets.New(stack, "secret", secrets.Props{Name: "proj-test-anthropic-key"})
	alb := lb.NewLb(stack, jsii.String("alb"), &lb.LbConfig{
		Name: jsii.String("proj-test"), LoadBalancerType: jsii.String("application"),
		Subnets: net.PublicSubnetIDs, SecurityGroups: &[]*string{net.AlbSecurityGroupID},
	})
	tg := lbtargetgroup.NewLbTargetGroup(stack, jsii.String("target_group"), &lbtargetgroup.LbTargetGroupConfig{
		Name: jsii.String("proj-test-bridge"), Port: jsii.Number(3000), Protocol: jsii.String("HTTP"),
		TargetType: jsii.String("ip"), VpcId: net.VpcID,
	})
	listener := lblistener.NewLbListener(stack, jsii.String("listener"), &lblistener.LbListenerConfig{
		LoadBalancerArn: alb.Arn(), Port: jsii.Number(80), Protocol: jsii.String("HTTP"),
		DefaultAction: &[]*lblistener.LbListenerDefaultAction{{Type: jsii.String("forward"), TargetGroupArn: tg.Arn()}},
	})

	p.NamePrefix = "proj-test"
	p.Region = "us-east-1"
	if p.Image == nil {
		p.Image = jsii.String(*repo.RepositoryURL + ":1.0.0")
		p.ImageRepositoryArn = repo.RepositoryArn
	}
	p.SecretArn = secret.Arn
	p.SecretValueFrom = secret.ApiKeyValueFrom
	p.SecretReadPolicyJSON = secret.ReadPolicyJSON
	p.SubnetIDs = net.TaskSubnetIDs
	p.SecurityGroupID = net.BridgeSecurityGroupID
	p.TargetGroupArn = tg.Arn()
	p.DependsOn = []cdktf.ITerraformDependable{listener}
	if p.Autoscaling.Enabled {
		p.Autoscaling.RequestCountResourceLabel = jsii.String(*alb.ArnSuffix() + "/" + *tg.ArnSuffix())
	}
	svc := ecs.New(stack, "ecs", p)
	for name, v := range map[string]*string{
		"cluster_name": svc.ClusterName, "cluster_arn": svc.ClusterArn, "service_name": svc.ServiceName,
		"log_group_name": svc.LogGroupName, "task_role_arn": svc.TaskRoleArn,
		"execution_role_arn": svc.ExecutionRoleArn, "task_definition_arn": svc.TaskDefinitionArn,
	} {
		cdktf.NewTerraformOutput(stack, jsii.String(name), &cdktf.TerraformOutputConfig{Value: v})
	}
	return testutil.Synth(stack)
}

// ARNs the prod-shaped frontend is given.
const (
	FrontendCertArn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
	FrontendACLArn  = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/proj-prod-cloudfront/abc"
)

// FrontendProdProps are the prod-shaped UI: versioning, an HTTPS origin
// (the public ALB), a custom domain, a WAF.
func FrontendProdProps() frontend.Props {
	return frontend.Props{
		NamePrefix:         "proj-prod",
		Versioning:         true,
		PriceClass:         "PriceClass_All",
		BridgeOriginDomain: jsii.String("api.builder.example.com"),
		BridgeOriginHTTPS:  true,
		Aliases:            []string{"builder.example.com"},
		CertificateArn:     jsii.String(FrontendCertArn),
		WebACLArn:          jsii.String(FrontendACLArn),
		DisableIPv6:        true,
	}
}

// Frontend is a stack holding the UI only.
func Frontend(p frontend.Props) *testutil.Synthesized {
	stack := testutil.NewStack()
	frontend.New(stack, "frontend", p)
	return testutil.Synth(stack)
}

// ALBCertArn is the prod-shaped load balancer's certificate.
const ALBCertArn = "arn:aws:acm:us-east-1:123456789012:certificate/abc-1"

// LoadBalancerProdProps are the prod-shaped load balancer: HTTPS, deletion
// protection, access logs.
func LoadBalancerProdProps() loadbalancer.Props {
	return loadbalancer.Props{
		NamePrefix: "proj-prod", HTTPS: true, CertificateArn: jsii.String(ALBCertArn),
		DeletionProtection: true, AccessLogs: true, DeregistrationDelaySeconds: 600,
	}
}

// LoadBalancer is a stack holding the load balancer only, in the network
// WithNetwork gives it.
func LoadBalancer(p loadbalancer.Props) *testutil.Synthesized {
	stack := testutil.NewStack()
	loadbalancer.New(stack, "lb", WithNetwork(p))
	return testutil.Synth(stack)
}

// WithNetwork fills in what the networking module provides.
func WithNetwork(p loadbalancer.Props) loadbalancer.Props {
	p.VpcID = jsii.String("vpc-0123456789abcdef0")
	p.SubnetIDs = jsii.Strings("subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb")
	p.SecurityGroupID = jsii.String("sg-0123456789abcdef0")
	p.AppPort = 3000
	return p
}

// MonitoringProps are the monitoring of a service in region, without
// e-mails or a budget.
func MonitoringProps(region string) monitoring.Props {
	return monitoring.Props{
		NamePrefix:            "proj-env",
		Region:                region,
		LoadBalancerArnSuffix: jsii.String("app/proj-env-alb/0123"),
		TargetGroupArnSuffix:  jsii.String("targetgroup/proj-env-tg/4567"),
		ClusterName:           jsii.String("proj-env-cluster"),
		ServiceName:           jsii.String("proj-env-bridge"),
		DistributionID:        jsii.String("EDIST"),
	}
}

// MonitoringInEU is the monitoring in eu-west-1 with a us-east-1 provider
// ("us_east_1"), e-mails (one repeated) and a budget.
func MonitoringInEU() *testutil.Synthesized {
	stack := testutil.NewStackIn("eu-west-1")
	p := MonitoringProps("eu-west-1")
	p.GlobalProvider = provider.NewAwsProvider(stack, jsii.String("aws_us_east_1"), &provider.AwsProviderConfig{
		Alias: jsii.String("us_east_1"), Region: jsii.String("us-east-1"),
	})
	p.Emails = []string{"oncall@example.com", "Lead@example.com", "oncall@example.com"}
	p.MonthlyBudgetUsd = 300
	p.KeyDeletionWindowDays = 7
	monitoring.New(stack, "monitoring", p)
	return testutil.Synth(stack)
}

// WAFRestrictedProps are a web ACL with an allow-list, a callback
// allow-list and a lower rate limit.
func WAFRestrictedProps() waf.Props {
	return waf.Props{
		NamePrefix:           "proj-prod",
		RateLimitPer5Min:     500,
		AllowedCidrs:         []string{"203.0.113.0/24", "198.51.100.7/32"},
		CallbackAllowedCidrs: []string{"192.0.2.10/32"},
	}
}

// WAF is a stack in region holding the web ACL only; with global, on an
// aliased us-east-1 provider ("global"), as CloudFront's must be.
func WAF(region string, global bool, p waf.Props) *testutil.Synthesized {
	stack := testutil.NewStackIn(region)
	if global {
		p.Provider = provider.NewAwsProvider(stack, jsii.String("aws_global"), &provider.AwsProviderConfig{
			Region: jsii.String("us-east-1"), Alias: jsii.String("global"),
		})
	}
	waf.New(stack, "waf", p)
	return testutil.Synth(stack)
}
