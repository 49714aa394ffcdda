// Package stacks composes the modules into one Terraform stack per environment
// and declares the stack outputs.
package stacks

import (
	"fmt"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/internal/awsprovider"
	"github.com/n8n-builder/infra/modules/cdnlogs"
	"github.com/n8n-builder/infra/modules/certificates"
	"github.com/n8n-builder/infra/modules/dns"
	"github.com/n8n-builder/infra/modules/ecr"
	"github.com/n8n-builder/infra/modules/ecs"
	"github.com/n8n-builder/infra/modules/frontend"
	"github.com/n8n-builder/infra/modules/loadbalancer"
	"github.com/n8n-builder/infra/modules/monitoring"
	"github.com/n8n-builder/infra/modules/networking"
	"github.com/n8n-builder/infra/modules/secrets"
	"github.com/n8n-builder/infra/modules/waf"
)

// Build is New for the app's main: a panic while defining the stack is a bug
// (a user error that environments does not catch yet), returned as one line
// that names the environment file, instead of a Go and JavaScript stack trace.
func Build(app cdktf.App, env *environments.Environment) (stack cdktf.TerraformStack, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg, _, _ := strings.Cut(strings.TrimSpace(fmt.Sprint(r)), "\n")
			err = fmt.Errorf("%s: the stack could not be built, a check is missing in environments/ (please report it): %s", env.File, msg)
		}
	}()
	return New(app, env), nil
}

// New defines the stack of one environment under app, named after it.
func New(app cdktf.App, env *environments.Environment) cdktf.TerraformStack {
	stack := cdktf.NewTerraformStack(app, jsii.String(env.Name))
	configureTerraform(stack, env)
	global := configureProviders(stack, env)

	net := networking.New(stack, "networking", networking.Props{
		Region:                 env.Region,
		NamePrefix:             env.Prefix(),
		CidrBlock:              env.Network.VpcCidr,
		AvailabilityZones:      env.Network.AvailabilityZones,
		PublicSubnetCidrs:      env.Network.PublicSubnetCidrs,
		PrivateSubnetCidrs:     env.Network.PrivateSubnetCidrs,
		NatMode:                env.Network.NatMode,
		AppPort:                bridgePort,
		PrivateALB:             env.PrivateALB(),
		AlbAllowedCidrs:        env.LoadBalancer.AllowedCidrs,
		CloudFrontPrefixListID: env.CloudFrontPrefixList(),
		CloudFrontOriginPort:   originPort(env),
		BridgeEgressPorts:      env.Network.BridgeEgressPorts,
		FlowLogs:               env.Network.FlowLogs.Enabled,
		FlowLogRetentionDays:   env.Network.FlowLogs.RetentionDays,
	})

	repo := ecr.New(stack, "ecr", ecr.Props{
		Name:               env.ResourceName("bridge"),
		ImmutableTags:      env.ECR.ImmutableTags,
		ForceDelete:        !env.Protected,
		UntaggedExpiryDays: env.ECR.UntaggedExpiryDays,
		KeepTaggedImages:   env.ECR.KeepTaggedImages,
	})

	recovery := 0 // unprotected: delete at once, so destroy and re-create work
	if env.Protected {
		recovery = env.Secret.RecoveryWindowDays
	}
	secret := secrets.New(stack, "secrets", secrets.Props{
		Name:               env.SecretName(),
		RecoveryWindowDays: recovery,
	})

	uiCert, albCert := certificatesFor(stack, env, global)

	// A private ALB lives in the private subnets, beside the tasks: it needs
	// no route to the internet, and CloudFront's VPC origin reaches it there.
	albSubnets := net.PublicSubnetIDs
	if env.PrivateALB() {
		albSubnets = net.PrivateSubnetIDs
	}
	lb := loadbalancer.New(stack, "loadbalancer", loadbalancer.Props{
		NamePrefix:                 env.Prefix(),
		Region:                     env.Region,
		VpcID:                      net.VpcID,
		Internal:                   env.PrivateALB(),
		SubnetIDs:                  albSubnets,
		SecurityGroupID:            net.AlbSecurityGroupID,
		AppPort:                    bridgePort,
		HealthCheckPath:            "/health",
		DeregistrationDelaySeconds: env.Bridge.DrainSeconds,
		HTTPS:                      env.LoadBalancer.HTTPS,
		CertificateArn:             albCert,
		SslPolicy:                  env.LoadBalancer.SslPolicy,
		DeletionProtection:         env.Protected,
		AccessLogs:                 env.LoadBalancer.AccessLogs,
		ForceDestroyLogs:           !env.Protected,
	})

	// The execution role may pull from the repository the image is in: this
	// stack's, or another private ECR repository named by bridge.image (whose
	// repository policy must then let this account pull). An image outside
	// ECR gets no ECR permission: public registries need none.
	image, imageRepo := *repo.RepositoryURL+":"+env.Bridge.ImageTag, repo.RepositoryArn
	if env.Bridge.Image != "" {
		image, imageRepo = env.Bridge.Image, nil
		if arn := ecr.RepositoryArnOf(env.Bridge.Image); arn != "" {
			imageRepo = jsii.String(arn)
		}
	}
	b := env.Bridge
	svc := ecs.New(stack, "ecs", ecs.Props{
		NamePrefix:                    env.Prefix(),
		Region:                        env.Region,
		Cpu:                           b.Cpu,
		Memory:                        b.Memory,
		Architecture:                  b.Architecture,
		EphemeralStorageGiB:           b.EphemeralStorageGiB,
		Image:                         jsii.String(image),
		ImageRepositoryArn:            imageRepo,
		ContainerPort:                 bridgePort,
		NodeEnv:                       b.NodeEnv,
		Environment:                   b.Environment,
		SecretArn:                     secret.Arn,
		SecretValueFrom:               secret.ApiKeyValueFrom,
		SecretReadPolicyJSON:          secret.ReadPolicyJSON,
		LogRetentionDays:              env.LogRetentionDays,
		ContainerInsights:             b.ContainerInsights,
		EnableExec:                    b.EnableExec,
		FargateSpot:                   b.FargateSpot,
		DesiredCount:                  b.DesiredCount,
		HealthCheckGracePeriodSeconds: b.HealthCheckGracePeriodSeconds,
		// ECS sends SIGTERM once the target has drained (the deregistration
		// delay below, the sessions' time); the bridge then gets as long again
		// to finish and exit, capped at Fargate's maximum.
		StopTimeoutSeconds: min(b.DrainSeconds, ecs.MaxStopTimeoutSeconds),
		SubnetIDs:          net.TaskSubnetIDs,
		AssignPublicIP:     net.TasksNeedPublicIP,
		SecurityGroupID:    net.BridgeSecurityGroupID,
		TargetGroupArn:     lb.TargetGroupArn,
		DependsOn:          lb.Listeners,
		Autoscaling: ecs.Autoscaling{
			Enabled:                   b.Autoscaling.Enabled,
			MinTasks:                  b.Autoscaling.MinTasks,
			MaxTasks:                  b.Autoscaling.MaxTasks,
			CpuTargetPercent:          b.Autoscaling.CpuTargetPercent,
			RequestsPerTarget:         b.Autoscaling.RequestsPerTarget,
			RequestCountResourceLabel: jsii.String(*lb.ArnSuffix + "/" + *lb.TargetGroupArnSuffix),
		},
		Schedule: ecs.Schedule{
			Enabled:   b.Schedule.Enabled,
			Days:      b.Schedule.Days,
			StartHour: b.Schedule.StartHour,
			StopHour:  b.Schedule.StopHour,
			TimeZone:  b.Schedule.TimeZone,
		},
	})

	var webACL *string
	if env.WAF.Enabled {
		webACL = waf.New(stack, "waf", waf.Props{
			NamePrefix:           env.Prefix(),
			RateLimitPer5Min:     env.WAF.RateLimitPer5Min,
			AllowedCidrs:         env.WAF.AllowedCidrs,
			CallbackPath:         callbackPath,
			CallbackAllowedCidrs: env.WAF.CallbackAllowedCidrs,
			Provider:             global,
		}).WebACLArn
	}

	// CloudFront reaches the bridge by the name on the ALB's certificate when
	// it has one, else by the ALB's own DNS name over HTTP. That holds through
	// a VPC origin too: inside the VPC, HTTPS still keeps the bridge's
	// traffic (API calls, the key-holding agent's output) encrypted up to the
	// ALB, but needs a certificate for a name of ours — the ALB's own
	// *.elb.amazonaws.com name can have none — so without a domain the hop
	// is HTTP, on AWS's network between CloudFront's VPC origin interfaces
	// and the internal ALB.
	origin := lb.DNSName
	if env.LoadBalancer.HTTPS {
		origin = jsii.String(env.APIDomain())
	}
	var vpcOriginALB *string
	if env.PrivateALB() {
		vpcOriginALB = lb.Arn
	}
	var aliases []string
	if env.DomainName != "" {
		aliases = []string{env.DomainName}
	}
	// The WAF allow-lists are IPv4: a dual-stack client arriving over IPv6
	// would be blocked although its IPv4 address is allowed, so IPv6 goes off
	// with them.
	ipv6 := len(env.WAF.AllowedCidrs) == 0 && len(env.WAF.CallbackAllowedCidrs) == 0
	ui := frontend.New(stack, "frontend", frontend.Props{
		NamePrefix:            env.Prefix(),
		ForceDestroy:          !env.Protected,
		Versioning:            env.Protected,
		PriceClass:            env.UI.PriceClass,
		BridgeOriginDomain:    origin,
		BridgeOriginHTTPS:     env.LoadBalancer.HTTPS,
		BridgeVpcOriginALBArn: vpcOriginALB,
		Aliases:               aliases,
		CertificateArn:        uiCert,
		WebACLArn:             webACL,
		DisableIPv6:           !ipv6,
	})

	if env.UI.AccessLogs {
		cdnlogs.New(stack, "cdn_logs", cdnlogs.Props{
			NamePrefix:      env.Prefix(),
			DistributionArn: ui.DistributionArn,
			RetentionDays:   env.LogRetentionDays,
			Provider:        global,
		})
	}

	if env.ManagesDNS() {
		dns.New(stack, "ui_alias", dns.Props{
			ZoneID: env.HostedZoneID, Name: env.DomainName,
			TargetDNSName: ui.DomainName, TargetZoneID: ui.HostedZoneID,
			IPv4Only: !ipv6,
		})
		// Only a public ALB is called by its name. Behind a VPC origin the
		// name is only on the certificate: CloudFront finds the ALB by ARN.
		if env.LoadBalancer.HTTPS && !env.PrivateALB() {
			dns.New(stack, "api_alias", dns.Props{
				ZoneID: env.HostedZoneID, Name: env.APIDomain(),
				TargetDNSName: lb.DNSName, TargetZoneID: lb.ZoneID,
				EvaluateTargetHealth: true,
				IPv4Only:             true, // the ALB is IPv4-only
			})
		}
	}

	var mon *monitoring.Monitoring
	if env.Alerts.On() {
		keyWindow := 7 // the shortest KMS allows: unprotected stacks leave little behind
		if env.Protected {
			keyWindow = 30
		}
		mon = monitoring.New(stack, "monitoring", monitoring.Props{
			NamePrefix:            env.Prefix(),
			Region:                env.Region,
			GlobalProvider:        global,
			Emails:                env.Alerts.Emails,
			MonthlyBudgetUsd:      env.Alerts.MonthlyBudgetUsd,
			KeyDeletionWindowDays: keyWindow,
			LoadBalancerArnSuffix: lb.ArnSuffix,
			TargetGroupArnSuffix:  lb.TargetGroupArnSuffix,
			ClusterName:           svc.ClusterName,
			ServiceName:           svc.ServiceName,
			DistributionID:        ui.DistributionID,
		})
	}

	defineOutputs(stack, env, net, repo, secret, lb, svc, ui, mon)
	if env.Protected {
		preventDestroy(stack)
	}
	return stack
}

// originPort is the ALB port CloudFront connects to: HTTPS when the ALB has
// a certificate, else HTTP.
func originPort(env *environments.Environment) int {
	if env.LoadBalancer.HTTPS {
		return 443
	}
	return 80
}

// bridgePort is the port the bridge container listens on, which the target
// group and the security groups must use too.
const bridgePort = ecs.DefaultContainerPort

// callbackPath is where your n8n POSTs failed executions (one of
// frontend.BridgePaths).
const callbackPath = "/error-callback"

// configureProviders defines the AWS provider of the environment's region and,
// when that is not us-east-1 but something must live there (CloudFront's
// certificate, its WAF web ACL, its access log delivery, the alarm on its metrics), a second one
// aliased "us_east_1". It returns
// that provider, or nil when the default provider is already in us-east-1.
func configureProviders(stack cdktf.TerraformStack, env *environments.Environment) cdktf.TerraformProvider {
	tags := &[]*provider.AwsProviderDefaultTags{{
		Tags: &map[string]*string{
			"Project":     jsii.String(env.ProjectName),
			"Environment": jsii.String(env.Name),
			"ManagedBy":   jsii.String("cdktf"),
		},
	}}
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{
		Region:      jsii.String(env.Region),
		DefaultTags: tags,
	})
	if env.Region == globalRegion || !(env.ManagesDNS() || env.WAF.Enabled || env.UI.AccessLogs || env.Alerts.On()) {
		return nil
	}
	return provider.NewAwsProvider(stack, jsii.String("aws_us_east_1"), &provider.AwsProviderConfig{
		Alias:       jsii.String("us_east_1"),
		Region:      jsii.String(globalRegion),
		DefaultTags: tags,
	})
}

// globalRegion is where CloudFront looks for certificates and web ACLs.
const globalRegion = "us-east-1"

// certificatesFor returns the certificate ARNs for CloudFront and for the
// ALB's HTTPS listener: given in the environment file, or created and
// validated in Route 53 when the stack manages DNS; nil where none is needed.
func certificatesFor(stack cdktf.TerraformStack, env *environments.Environment, global cdktf.TerraformProvider) (ui, alb *string) {
	if env.UI.CertificateArn != "" {
		ui = jsii.String(env.UI.CertificateArn)
	}
	if env.LoadBalancer.CertificateArn != "" {
		alb = jsii.String(env.LoadBalancer.CertificateArn)
	}
	if !env.ManagesDNS() {
		return ui, alb
	}
	apiDomain := ""
	if env.LoadBalancer.HTTPS && alb == nil {
		apiDomain = env.APIDomain()
	}
	uiDomain := ""
	if ui == nil {
		uiDomain = env.DomainName
	}
	certs := certificates.New(stack, "certificates", certificates.Props{
		DomainName:     uiDomain,
		APIDomainName:  apiDomain,
		HostedZoneID:   env.HostedZoneID,
		GlobalProvider: global,
	})
	if ui == nil {
		ui = certs.UICertificateArn
	}
	if alb == nil && apiDomain != "" {
		alb = certs.APICertificateArn
	}
	return ui, alb
}

// configureTerraform sets the provider constraint and the state backend.
func configureTerraform(stack cdktf.TerraformStack, env *environments.Environment) {
	awsprovider.Pin(stack)

	if s3 := backendS3(env); s3 != nil {
		cfg := &cdktf.S3BackendConfig{
			Bucket:  jsii.String(s3.Bucket),
			Key:     jsii.String(s3.Key),
			Region:  jsii.String(s3.Region),
			Encrypt: jsii.Bool(s3.Encrypt),
		}
		if s3.KmsKeyID != "" {
			cfg.KmsKeyId = jsii.String(s3.KmsKeyID)
		}
		cdktf.NewS3Backend(stack, cfg)
		// cdktf 0.20 predates S3-native locking (Terraform >= 1.10), so its
		// config type has no field for it.
		stack.AddOverride(jsii.String("terraform.backend.s3.use_lockfile"), jsii.Bool(s3.UseLockfile))
		return
	}
	// cdktf's default local path is absolute (the project directory at synth
	// time). Terraform runs in cdktf.out/stacks/<env>, so this relative path
	// puts the state in the same place, the project root, portably.
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{
		Path: jsii.String("../../../" + env.LocalStateFile()),
	})
}

func backendS3(env *environments.Environment) *environments.S3Backend {
	if env.Backend == nil {
		return nil
	}
	return env.Backend.S3
}
