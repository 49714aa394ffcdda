package environments

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/n8n-builder/infra/modules/ecs"
	"github.com/n8n-builder/infra/modules/loadbalancer"
)

// minimal is the smallest valid file: everything else takes its default.
const minimal = `{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0"}}`

func TestDefaults(t *testing.T) {
	env, err := Parse("environments/staging.json", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		field     string
		got, want any
	}{
		{"Name", env.Name, "staging"},
		{"Region", env.Region, "us-east-1"},
		{"ProjectName", env.ProjectName, "n8n-builder"},
		{"Protected", env.Protected, true},
		{"Bridge.Cpu", env.Bridge.Cpu, 2048},
		{"Bridge.Memory", env.Bridge.Memory, 4096},
		{"Bridge.DesiredCount", env.Bridge.DesiredCount, 1},
		{"LogRetentionDays", env.LogRetentionDays, 30},
		{"Network.NatMode", env.Network.NatMode, NatPerAZ},
		{"Network.PublicSubnetCidrs", env.Network.PublicSubnetCidrs, []string{"10.0.0.0/20", "10.0.16.0/20"}},
		{"Network.PrivateSubnetCidrs", env.Network.PrivateSubnetCidrs, []string{"10.0.32.0/20", "10.0.48.0/20"}},
		{"Prefix()", env.Prefix(), "n8n-builder-staging"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}
}

// TestExposureDefaults: a protected environment gets a private ALB and no
// ALB allow-list; an unprotected one a public ALB open to everyone; an
// explicit exposure wins either way.
func TestExposureDefaults(t *testing.T) {
	tests := []struct {
		name, json   string
		exposure     string
		allowedCidrs []string
		prefixList   string
	}{
		{"protected", `{}`, ExposureCloudFront, nil, "pl-3b927c52"},
		{"unprotected", `{"protected": false, "secret": {"recoveryWindowDays": 0}}`, ExposurePublic, []string{"0.0.0.0/0"}, ""},
		{"protected, public on purpose", `{"loadBalancer": {"exposure": "public"}}`, ExposurePublic, []string{"0.0.0.0/0"}, ""},
		{"public with a prefix list", `{"loadBalancer": {"exposure": "public", "allowedCidrs": ["203.0.113.0/24"], "cloudFrontPrefixListId": "pl-0123abcd"}}`, ExposurePublic, []string{"203.0.113.0/24"}, "pl-0123abcd"},
		{"private, prefix list given", `{"loadBalancer": {"cloudFrontPrefixListId": "pl-0123abcd"}}`, ExposureCloudFront, nil, "pl-0123abcd"},
		{"private in another region", `{"region": "eu-west-1", "network": {"availabilityZones": ["eu-west-1a", "eu-west-1b"]}}`, ExposureCloudFront, nil, "pl-4fa04526"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Parse("environments/staging.json", []byte(mergeMinimal(tt.json)))
			if err != nil {
				t.Fatal(err)
			}
			lb := env.LoadBalancer
			if lb.Exposure != tt.exposure || !reflect.DeepEqual(lb.AllowedCidrs, tt.allowedCidrs) || env.CloudFrontPrefixList() != tt.prefixList {
				t.Errorf("exposure %q, allowedCidrs %v, prefix list %q; want %q, %v, %q",
					lb.Exposure, lb.AllowedCidrs, env.CloudFrontPrefixList(), tt.exposure, tt.allowedCidrs, tt.prefixList)
			}
			if env.PrivateALB() != (tt.exposure == ExposureCloudFront) {
				t.Errorf("PrivateALB() = %v with exposure %q", env.PrivateALB(), lb.Exposure)
			}
		})
	}
}

func TestDeriveSubnetsOfSmallVpc(t *testing.T) {
	pub, priv, ok := deriveSubnets("192.168.4.0/24")
	want := []string{"192.168.4.0/28", "192.168.4.16/28"}
	if !ok || !reflect.DeepEqual(pub, want) || !reflect.DeepEqual(priv, []string{"192.168.4.32/28", "192.168.4.48/28"}) {
		t.Errorf("deriveSubnets = %v %v %v", pub, priv, ok)
	}
}

func TestS3BackendDefaults(t *testing.T) {
	env, err := Parse("environments/staging.json", []byte(`{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0"},
		"backend": {"s3": {"bucket": "my-state"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := S3Backend{Bucket: "my-state", Key: "n8n-builder/staging/terraform.tfstate", Region: "us-east-1", Encrypt: true, UseLockfile: true}
	if got := *env.Backend.S3; got != want {
		t.Errorf("backend = %+v, want %+v", got, want)
	}
}

// TestValidation has one case per rule: the file content (merged over the
// minimal file's keys where it repeats them) and the message expected.
func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		file string // file name, default test.json
		json string
		want []string
	}{
		{"malformed JSON with position", "", "{\n  \"region\": \"us-east-1\",\n  oops\n}", []string{"environments/test.json: line 3, column 3: malformed JSON"}},
		{"truncated JSON", "", `{"region": "us-east-1"`, []string{"environments/test.json: line 1: malformed JSON: the file ends early"}},
		{"not an object", "", `[1, 2]`, []string{"(top level): must be a JSON object, got a list"}},
		{"wrong type", "", `{"bridge": {"cpu": "2048"}}`, []string{"environments/test.json: bridge.cpu: line 1, column ", "expected a whole number, got JSON string"}},
		{"unknown fields, all of them", "", `{"regoin": "x", "bridge": {"cpus": 1}}`, []string{
			"environments/test.json: bridge.cpus: line 1, column ", "unknown field; valid fields here: architecture,",
			"environments/test.json: regoin: line 1, column ", "unknown field; valid fields here: alerts, backend, bridge,",
		}},
		{"case matters for field names", "", `{"Region": "us-east-1"}`, []string{"Region: line 1, column ", "unknown field (did you mean \"region\"?)"}},
		{"bad environment name", "Prod.json", minimal, []string{"environments/Prod.json: file name: environment name \"Prod\" must be lowercase"}},
		{"bad region", "", `{"region": "us-middle-1"}`, []string{"environments/test.json: region: \"us-middle-1\" is not an AWS commercial region (<geography>-<direction>-<number>"}},
		{"az of another region", "", `{"region": "eu-west-1", "network": {"availabilityZones": ["eu-west-1a", "us-east-1b"]}}`, []string{"network.availabilityZones[1]: \"us-east-1b\" is not an AZ of region eu-west-1"}},
		{"one az", "", `{"network": {"availabilityZones": ["us-east-1a"]}}`, []string{"network.availabilityZones: needs exactly two AZs of region us-east-1, got 1"}},
		{"same az twice", "", `{"network": {"availabilityZones": ["us-east-1a", "us-east-1a"]}}`, []string{"network.availabilityZones[1]: \"us-east-1a\" repeats network.availabilityZones[0]; list each entry once"}},
		{"invalid vpc cidr", "", `{"network": {"vpcCidr": "10.0.0.0/33"}}`, []string{"network.vpcCidr: \"10.0.0.0/33\" is not an IPv4 CIDR"}},
		{"vpc cidr with host bits", "", `{"network": {"vpcCidr": "10.0.0.1/16"}}`, []string{"did you mean \"10.0.0.0/16\""}},
		{"vpc too large", "", `{"network": {"vpcCidr": "10.0.0.0/8"}}`, []string{"network.vpcCidr: \"10.0.0.0/8\": the prefix length must be /16 to /24"}},
		{"subnet outside vpc", "", `{"network": {"publicSubnetCidrs": ["10.0.0.0/20", "10.1.0.0/20"], "privateSubnetCidrs": ["10.0.32.0/20", "10.0.48.0/20"]}}`, []string{"network.publicSubnetCidrs[1]: \"10.1.0.0/20\" does not fit inside network.vpcCidr \"10.0.0.0/16\""}},
		{"overlapping subnets", "", `{"network": {"publicSubnetCidrs": ["10.0.0.0/20", "10.0.16.0/20"], "privateSubnetCidrs": ["10.0.8.0/24", "10.0.48.0/20"]}}`, []string{"network.privateSubnetCidrs[0]: \"10.0.8.0/24\" overlaps network.publicSubnetCidrs[0] \"10.0.0.0/20\""}},
		{"only one subnet list", "", `{"network": {"publicSubnetCidrs": ["10.0.0.0/20", "10.0.16.0/20"]}}`, []string{"network.privateSubnetCidrs: needs one CIDR per AZ (two), got 0"}},
		{"bad nat mode", "", `{"network": {"natMode": "double"}}`, []string{"network.natMode: \"double\" is not a NAT mode; valid: \"perAz\" (one NAT gateway per AZ), \"single\" (one NAT gateway) or \"none\""}},
		{"no nat when protected", "", `{"network": {"natMode": "none"}}`, []string{"network.natMode: \"none\" puts the bridge tasks in public subnets with public IPs; allowed only where protected is false"}},
		{"bad egress port", "", `{"network": {"bridgeEgressPorts": [443, 70000]}}`, []string{"network.bridgeEgressPorts[1]: 70000 is not a TCP port"}},
		{"bad log retention", "", `{"logRetentionDays": 31}`, []string{"logRetentionDays: 31 is not a CloudWatch Logs retention; valid: 1, 3"}},
		{"bad flow log retention", "", `{"network": {"flowLogs": {"retentionDays": 0}}}`, []string{"network.flowLogs.retentionDays: 0 is not"}},
		{"fargate cpu", "", `{"bridge": {"cpu": 3000}}`, []string{"bridge.cpu: 3000 is not a Fargate CPU size; valid: 256, 512, 1024, 2048, 4096, 8192, 16384"}},
		{"fargate memory for cpu", "", `{"bridge": {"cpu": 256, "memory": 4096}}`, []string{"bridge.memory: 4096 MiB is not offered by Fargate with 256 CPU units; valid: 512, 1024, 2048"}},
		{"negative desired count", "", `{"bridge": {"desiredCount": -1}}`, []string{"bridge.desiredCount: -1 must be 0 or more"}},
		{"architecture", "", `{"bridge": {"architecture": "arm"}}`, []string{"bridge.architecture: \"arm\" is not a Fargate architecture"}},
		{"ephemeral storage", "", `{"bridge": {"ephemeralStorageGiB": 500}}`, []string{"bridge.ephemeralStorageGiB: 500 must be 21 to 200"}},
		{"image tag", "", `{"bridge": {"imageTag": "v 1"}}`, []string{"bridge.imageTag: \"v 1\" is not a valid image tag"}},
		{"latest with immutable tags", "", `{"bridge": {"imageTag": "latest"}}`, []string{"bridge.imageTag: \"latest\" cannot be pushed twice when ecr.immutableTags is true"}},
		{"reserved env var", "", `{"bridge": {"environment": {"ANTHROPIC_API_KEY": "sk-x"}}}`, []string{"bridge.environment.ANTHROPIC_API_KEY: would put the Anthropic API key in plain text"}},
		{"bad env var name", "", `{"bridge": {"environment": {"1X": "y"}}}`, []string{"bridge.environment.1X: is not a valid environment variable name"}},
		{"spot when protected", "", `{"bridge": {"fargateSpot": true}}`, []string{"bridge.fargateSpot: Spot tasks can be stopped"}},
		{"drain too long", "", `{"bridge": {"drainSeconds": 3601}}`, []string{"bridge.drainSeconds: 3601 must be 2 to 3600"}},
		{"drain too short", "", `{"bridge": {"drainSeconds": 1}}`, []string{"bridge.drainSeconds: 1 must be 2 to 3600"}},
		{"stop timeout is drain now", "", `{"bridge": {"stopTimeoutSeconds": 60}}`, []string{"bridge.stopTimeoutSeconds:", "unknown field; valid fields here:", "drainSeconds"}},
		{"two tasks without shared sessions", "", `{"bridge": {"desiredCount": 2}}`, []string{"bridge.desiredCount: 2 tasks needs bridge.sharedSessionState: the bridge keeps sessions in memory"}},
		{"autoscaling without shared sessions", "", `{"bridge": {"autoscaling": {"enabled": true}}}`, []string{"bridge.autoscaling.enabled: needs bridge.sharedSessionState"}},
		{"alert e-mail", "", `{"alerts": {"emails": ["oncall@example.com", "oncall"]}}`, []string{"alerts.emails[1]: \"oncall\" is not an e-mail address"}},
		{"negative budget", "", `{"alerts": {"monthlyBudgetUsd": -5}}`, []string{"alerts.monthlyBudgetUsd: -5 must be 0 (no budget)"}},
		{"e-mails while alerts off", "", `{` + unprotected + `"alerts": {"emails": ["oncall@example.com"], "monthlyBudgetUsd": 100}}`, []string{"alerts.emails: is set but alerts are off", "alerts.monthlyBudgetUsd: is set but alerts are off"}},
		{"alerts without container insights", "", `{"bridge": {"containerInsights": false}}`, []string{"alerts.enabled: the alarm on running tasks reads Container Insights"}},
		{"alerts enabled not a bool", "", `{"alerts": {"enabled": "yes"}}`, []string{"alerts.enabled: line 1, column"}},
		{"grace period", "", `{"bridge": {"healthCheckGracePeriodSeconds": -5}}`, []string{"bridge.healthCheckGracePeriodSeconds: -5 must be 1 to 7200"}},
		{"spot on arm", "", `{"protected": false, "secret": {"recoveryWindowDays": 0}, "bridge": {"fargateSpot": true, "architecture": "ARM64"}}`, []string{"bridge.fargateSpot: Fargate Spot runs X86_64 tasks only"}},
		{"autoscaling min > max", "", `{"bridge": {"autoscaling": {"enabled": true, "minTasks": 3, "maxTasks": 2}}}`, []string{"bridge.autoscaling.maxTasks: 2 is less than minTasks 3"}},
		{"desired outside autoscaling range", "", `{"bridge": {"desiredCount": 5, "autoscaling": {"enabled": true, "minTasks": 1, "maxTasks": 4}}}`, []string{"bridge.desiredCount: 5 must be within autoscaling minTasks..maxTasks (1..4)"}},
		{"cpu target", "", `{"bridge": {"autoscaling": {"enabled": true, "cpuTargetPercent": 0}}}`, []string{"bridge.autoscaling.cpuTargetPercent: 0 must be 1 to 100"}},
		{"schedule without days", "", `{"bridge": {"schedule": {"enabled": true, "days": []}}}`, []string{"bridge.schedule.days: must list at least one day"}},
		{"schedule day name", "", `{"bridge": {"schedule": {"enabled": true, "days": ["MON", "Tuesday", "mon"]}}}`, []string{"bridge.schedule.days[1]: \"Tuesday\" is not a day; valid: MON, TUE, WED, THU, FRI, SAT, SUN", "bridge.schedule.days[2]: \"mon\" is not a day"}},
		{"schedule day twice", "", `{"bridge": {"schedule": {"enabled": true, "days": ["MON", "TUE", "MON"]}}}`, []string{"bridge.schedule.days[2]: \"MON\" repeats bridge.schedule.days[0]"}},
		{"schedule hours out of range", "", `{"bridge": {"schedule": {"enabled": true, "startHour": -1, "stopHour": 24}}}`, []string{"bridge.schedule.startHour: -1 must be a whole hour 0 to 23", "bridge.schedule.stopHour: 24 must be a whole hour 0 to 23"}},
		{"schedule stop before start", "", `{"bridge": {"schedule": {"enabled": true, "startHour": 20, "stopHour": 6}}}`, []string{"bridge.schedule.stopHour: 6 must be after startHour 20"}},
		{"schedule stop at start", "", `{"bridge": {"schedule": {"enabled": true, "startHour": 9, "stopHour": 9}}}`, []string{"bridge.schedule.stopHour: 9 must be after startHour 9"}},
		{"schedule time zone", "", `{"bridge": {"schedule": {"enabled": true, "timeZone": "Mars/Olympus_Mons"}}}`, []string{"bridge.schedule.timeZone: \"Mars/Olympus_Mons\" is not an IANA time zone name"}},
		{"schedule time zone case", "", `{"bridge": {"schedule": {"enabled": true, "timeZone": "europe/berlin"}}}`, []string{"bridge.schedule.timeZone: \"europe/berlin\" is not an IANA time zone name"}},
		{"schedule machine time zone", "", `{"bridge": {"schedule": {"enabled": true, "timeZone": "Local"}}}`, []string{"bridge.schedule.timeZone: \"Local\" is not an IANA time zone name"}},
		{"schedule empty time zone", "", `{"bridge": {"schedule": {"enabled": true, "timeZone": ""}}}`, []string{"bridge.schedule.timeZone: \"\" is not an IANA time zone name"}},
		{"schedule of no tasks", "", `{"bridge": {"desiredCount": 0, "schedule": {"enabled": true}}}`, []string{"bridge.schedule: starts bridge.desiredCount tasks at startHour, which is 0"}},
		{"ecr lifecycle", "", `{"ecr": {"untaggedExpiryDays": 0, "keepTaggedImages": 0}}`, []string{"ecr.untaggedExpiryDays: 0 must be at least 1", "ecr.keepTaggedImages: 0 must be at least 1"}},
		{"recovery window when protected", "", `{"secret": {"recoveryWindowDays": 0}}`, []string{"secret.recoveryWindowDays: 0 must be 7 to 30 (0 is allowed where protected is false)"}},
		// Switched-off sections keep their values checked (validateSchedule).
		{"recovery window when unprotected", "", `{"protected": false, "secret": {"recoveryWindowDays": 31}}`, []string{"secret.recoveryWindowDays: 31 must be 7 to 30"}},
		{"schedule off with invalid values", "", `{"bridge": {"schedule": {"enabled": false, "days": ["Monday"], "startHour": 30, "stopHour": 2, "timeZone": "Mars/Base"}}}`, []string{
			"bridge.schedule.days[0]: \"Monday\" is not a day", "bridge.schedule.startHour: 30 must be a whole hour 0 to 23", "bridge.schedule.stopHour: 2 must be after startHour 30", "bridge.schedule.timeZone: \"Mars/Base\" is not an IANA time zone name",
		}},
		{"schedule off without days", "", `{"bridge": {"schedule": {"enabled": false, "days": []}}}`, []string{"bridge.schedule.days: must list at least one day"}},
		{"autoscaling off with invalid values", "", `{"bridge": {"autoscaling": {"enabled": false, "minTasks": 50, "maxTasks": 2, "cpuTargetPercent": 101, "requestsPerTarget": 0}}}`, []string{
			"bridge.autoscaling.maxTasks: 2 is less than minTasks 50", "bridge.autoscaling.cpuTargetPercent: 101 must be 1 to 100", "bridge.autoscaling.requestsPerTarget: 0 must be at least 1",
		}},
		{"autoscaling off without tasks", "", `{"bridge": {"autoscaling": {"minTasks": 0}}}`, []string{"bridge.autoscaling.minTasks: 0 must be at least 1"}},
		{"waf rate limit while off", "", `{"waf": {"enabled": false, "rateLimitPer5Min": 5}}`, []string{"waf.rateLimitPer5Min: 5 must be 10 to 2000000000"}},
		{"flow log retention while off", "", `{"network": {"flowLogs": {"enabled": false, "retentionDays": 2}}}`, []string{"network.flowLogs.retentionDays: 2 is not a CloudWatch Logs retention"}},
		{"ssl policy without https", "", `{"loadBalancer": {"sslPolicy": "ELBSecurityPolicy-2016-08"}}`, []string{"loadBalancer.sslPolicy: \"ELBSecurityPolicy-2016-08\" is not a TLS 1.3 policy"}},
		{"reserved stack name", "constructor.json", `{}`, []string{"environments/constructor.json: file name: environment name \"constructor\" is reserved: the CDKTF app (JavaScript constructs) cannot hold a stack of that name"}},
		{"project name characters", "", `{"projectName": "N8N_builder"}`, []string{"projectName: \"N8N_builder\" must be lowercase letters"}},
		{"project name too long", "", `{"projectName": "a-very-long-project-name-x"}`, []string{"projectName: \"a-very-long-project-name-x\" is too long: the ALB name \"a-very-long-project-name-x-test-alb\" would be 35 characters, AWS allows 32; use at most 23 characters"}},
		{"domain name", "", `{"domainName": "-bad-.example.com", "hostedZoneId": "Z123"}`, []string{"domainName: \"-bad-.example.com\" has an invalid label \"-bad-\""}},
		{"single-label domain", "", `{"domainName": "localhost", "hostedZoneId": "Z123"}`, []string{"domainName: \"localhost\" must have at least two labels"}},
		{"domain without certificate source", "", `{"domainName": "builder.example.com"}`, []string{"domainName: CloudFront needs a certificate for \"builder.example.com\": set hostedZoneId"}},
		{"zone id format", "", `{"domainName": "builder.example.com", "hostedZoneId": "zone-1"}`, []string{"hostedZoneId: \"zone-1\" is not a Route 53 hosted zone id"}},
		{"zone without domain", "", `{"hostedZoneId": "Z123"}`, []string{"hostedZoneId: is set but domainName is empty"}},
		{"https without domain", "", `{"loadBalancer": {"https": true}}`, []string{"loadBalancer.https: needs domainName"}},
		{"https without certificate source", "", `{"domainName": "builder.example.com", "ui": {"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc-1"}, "loadBalancer": {"https": true}}`, []string{"loadBalancer.https: needs a certificate: set loadBalancer.certificateArn (for api.builder.example.com), or hostedZoneId"}},
		{"certificate without https", "", `{"loadBalancer": {"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc-1"}}`, []string{"loadBalancer.certificateArn: is set but loadBalancer.https is false"}},
		{"alb certificate in another region", "", `{"domainName": "b.example.com", "hostedZoneId": "Z123", "loadBalancer": {"https": true, "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc-1"}}`, []string{"loadBalancer.certificateArn: is in eu-west-1; the ALB needs a certificate in its own region us-east-1"}},
		{"malformed certificate arn", "", `{"domainName": "b.example.com", "hostedZoneId": "Z123", "loadBalancer": {"https": true, "certificateArn": "cert-1"}}`, []string{"loadBalancer.certificateArn: \"cert-1\" is not an ACM certificate ARN"}},
		{"ui certificate outside us-east-1", "", `{"region": "eu-west-1", "network": {"availabilityZones": ["eu-west-1a", "eu-west-1b"]}, "domainName": "b.example.com", "ui": {"certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc-1"}}`, []string{"ui.certificateArn: is in eu-west-1; CloudFront only uses certificates from us-east-1"}},
		{"ssl policy", "", `{"loadBalancer": {"sslPolicy": "ELBSecurityPolicy-2016-08"}}`, []string{"loadBalancer.sslPolicy: \"ELBSecurityPolicy-2016-08\" is not a TLS 1.3 policy"}},
		{"alb allow-list", "", `{"loadBalancer": {"exposure": "public", "allowedCidrs": ["10.0.0.0/33"]}}`, []string{"loadBalancer.allowedCidrs[0]: \"10.0.0.0/33\" is not an IPv4 network CIDR"}},
		{"prefix list id", "", `{"loadBalancer": {"cloudFrontPrefixListId": "cloudfront"}}`, []string{"loadBalancer.cloudFrontPrefixListId: \"cloudfront\" is not a prefix list id"}},
		{"repeated alb allow-list entry", "", `{"loadBalancer": {"exposure": "public", "allowedCidrs": ["203.0.113.0/24", "198.51.100.0/24", "203.0.113.0/24"]}}`, []string{"loadBalancer.allowedCidrs[2]: \"203.0.113.0/24\" repeats loadBalancer.allowedCidrs[0]"}},
		{"repeated waf allow-list entry", "", `{"waf": {"allowedCidrs": ["203.0.113.0/24", "203.0.113.0/24"]}}`, []string{"waf.allowedCidrs[1]: \"203.0.113.0/24\" repeats waf.allowedCidrs[0]"}},
		{"repeated egress port", "", `{"network": {"bridgeEgressPorts": [443, 5678, 443]}}`, []string{"network.bridgeEgressPorts[2]: 443 repeats network.bridgeEgressPorts[0]"}},
		{"empty alb allow-list", "", `{"loadBalancer": {"exposure": "public", "allowedCidrs": []}}`, []string{"loadBalancer.allowedCidrs: must list at least one CIDR"}},
		{"exposure", "", `{"loadBalancer": {"exposure": "private"}}`, []string{"loadBalancer.exposure: \"private\" is not an exposure; valid: \"public\" (an internet-facing ALB) or \"cloudfront\""}},
		{"alb allow-list with a private alb", "", `{"loadBalancer": {"allowedCidrs": ["203.0.113.0/24"]}}`, []string{"loadBalancer.allowedCidrs: applies only to loadBalancer.exposure \"public\""}},
		{"private alb where no prefix list is known", "", `{"region": "eu-south-1", "network": {"availabilityZones": ["eu-south-1a", "eu-south-1b"]}}`, []string{"loadBalancer.cloudFrontPrefixListId: is required with loadBalancer.exposure \"cloudfront\" in eu-south-1", "aws ec2 describe-managed-prefix-lists"}},
		{"callback allow-list with a public alb", "", `{"loadBalancer": {"exposure": "public"}, "waf": {"callbackAllowedCidrs": ["203.0.113.7/32"]}}`, []string{"waf.callbackAllowedCidrs: needs loadBalancer.exposure \"cloudfront\""}},
		{"callback allow-list while off", "", `{"waf": {"enabled": false, "callbackAllowedCidrs": ["203.0.113.7/32"]}}`, []string{"waf.callbackAllowedCidrs: is set but waf.enabled is false"}},
		{"callback allow-list entry", "", `{"waf": {"callbackAllowedCidrs": ["2001:db8::/32"]}}`, []string{"waf.callbackAllowedCidrs[0]: \"2001:db8::/32\" is not an IPv4 network CIDR"}},
		{"price class", "", `{"ui": {"priceClass": "PriceClass_50"}}`, []string{"ui.priceClass: \"PriceClass_50\" is not a CloudFront price class"}},
		{"waf rate limit", "", `{"waf": {"rateLimitPer5Min": 5}}`, []string{"waf.rateLimitPer5Min: 5 must be 10 to 2000000000"}},
		{"waf allow-list while off", "", `{"waf": {"enabled": false, "allowedCidrs": ["203.0.113.0/24"]}}`, []string{"waf.allowedCidrs: is set but waf.enabled is false"}},
		{"backend without s3", "", `{"backend": {}}`, []string{"backend.s3: is required when backend is set"}},
		{"backend bucket", "", `{"backend": {"s3": {"bucket": "Bad_Bucket"}}}`, []string{"backend.s3.bucket: \"Bad_Bucket\" is not an S3 bucket name"}},
		{"backend kms without encrypt", "", `{"backend": {"s3": {"bucket": "state", "encrypt": false, "kmsKeyId": "alias/state"}}}`, []string{"backend.s3.kmsKeyId: is set but encrypt is false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = "test.json"
			}
			_, err := Parse("environments/"+file, []byte(mergeMinimal(tt.json)))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not contain %q:\n%v", want, err)
				}
			}
		})
	}
}

// unprotected are the fields an unprotected file needs besides the minimal ones.
const unprotected = `"protected": false, "secret": {"recoveryWindowDays": 0}, `

// TestAccepts holds the valid twins of validation cases: settings allowed
// in one place and refused in another must pass where they are allowed.
func TestAccepts(t *testing.T) {
	tests := []struct {
		name  string
		json  string
		check func(*Environment) bool
	}{
		{"no nat when unprotected", `{` + unprotected + `"network": {"natMode": "none"}}`, func(e *Environment) bool { return e.Network.NatMode == NatNone }},
		{"spot when unprotected", `{` + unprotected + `"bridge": {"fargateSpot": true}}`, func(e *Environment) bool { return e.Bridge.FargateSpot }},
		{"two tasks with shared sessions", `{"bridge": {"desiredCount": 2, "sharedSessionState": true}}`, func(e *Environment) bool { return e.Bridge.DesiredCount == 2 }},
		{"autoscaling with shared sessions", `{"bridge": {"sharedSessionState": true, "autoscaling": {"enabled": true, "maxTasks": 3}}}`, func(e *Environment) bool { return e.Bridge.Autoscaling.Enabled }},
		{"drain at the maximum", `{"bridge": {"drainSeconds": 3600}}`, func(e *Environment) bool { return e.Bridge.DrainSeconds == 3600 }},
		{"alerts on where protected", `{"alerts": {"emails": ["oncall@example.com"], "monthlyBudgetUsd": 250}}`, func(e *Environment) bool {
			return e.Alerts.On() && e.Alerts.MonthlyBudgetUsd == 250 && len(e.Alerts.Emails) == 1
		}},
		{"alerts off where unprotected", `{` + unprotected + `"bridge": {"containerInsights": false}}`, func(e *Environment) bool { return !e.Alerts.On() }},
		{"alerts asked for where unprotected", `{` + unprotected + `"alerts": {"enabled": true, "emails": ["dev@example.com"]}}`, func(e *Environment) bool { return e.Alerts.On() }},
		{"alerts turned off where protected", `{"alerts": {"enabled": false}, "bridge": {"containerInsights": false}}`, func(e *Environment) bool { return !e.Alerts.On() }},
		{"schedule with defaults", `{"bridge": {"schedule": {"enabled": true}}}`, func(e *Environment) bool {
			s := e.Bridge.Schedule
			return s.Enabled && reflect.DeepEqual(s.Days, []string{"MON", "TUE", "WED", "THU", "FRI"}) && s.StartHour == 8 && s.StopHour == 19 && s.TimeZone == "UTC"
		}},
		{"schedule of a whole day", `{"bridge": {"schedule": {"enabled": true, "days": ["SUN"], "startHour": 0, "stopHour": 23, "timeZone": "America/Argentina/Salta"}}}`, func(e *Environment) bool {
			s := e.Bridge.Schedule
			return reflect.DeepEqual(s.Days, []string{"SUN"}) && s.StartHour == 0 && s.StopHour == 23
		}},
		{"schedule with autoscaling and no starting count", `{"bridge": {"desiredCount": 1, "sharedSessionState": true, "autoscaling": {"enabled": true}, "schedule": {"enabled": true, "timeZone": "Etc/GMT+5"}}}`, func(e *Environment) bool { return e.Bridge.Schedule.TimeZone == "Etc/GMT+5" }},
		// The valid twins of the switched-off cases of TestValidation: valid
		// values under a switch that is off are kept, not refused.
		{"schedule off keeps valid values", `{"bridge": {"desiredCount": 0, "schedule": {"enabled": false, "days": ["SAT"], "startHour": 9, "stopHour": 12, "timeZone": "Europe/Berlin"}}}`, func(e *Environment) bool {
			s := e.Bridge.Schedule
			return !s.Enabled && reflect.DeepEqual(s.Days, []string{"SAT"}) && s.StartHour == 9 && s.TimeZone == "Europe/Berlin"
		}},
		{"autoscaling off keeps valid values", `{"bridge": {"desiredCount": 1, "autoscaling": {"enabled": false, "minTasks": 2, "maxTasks": 6, "cpuTargetPercent": 80}}}`, func(e *Environment) bool {
			a := e.Bridge.Autoscaling
			return !a.Enabled && a.MinTasks == 2 && a.MaxTasks == 6 && e.Bridge.DesiredCount == 1
		}},
		{"waf off keeps its rate limit", `{"waf": {"enabled": false, "rateLimitPer5Min": 5000}}`, func(e *Environment) bool { return !e.WAF.Enabled && e.WAF.RateLimitPer5Min == 5000 }},
		{"flow logs off keep their retention", `{"network": {"flowLogs": {"enabled": false, "retentionDays": 90}}}`, func(e *Environment) bool { return e.Network.FlowLogs.RetentionDays == 90 }},
		{"ssl policy without https", `{"loadBalancer": {"sslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06"}}`, func(e *Environment) bool { return e.LoadBalancer.SslPolicy == "ELBSecurityPolicy-TLS13-1-3-2021-06" }},
		{"recovery window kept where unprotected", `{"protected": false, "secret": {"recoveryWindowDays": 14}}`, func(e *Environment) bool { return e.Secret.RecoveryWindowDays == 14 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Parse("environments/test.json", []byte(mergeMinimal(tt.json)))
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tt.check(env) {
				t.Errorf("parsed %+v: the setting did not arrive", env)
			}
		})
	}
}

func TestValidTimeZone(t *testing.T) {
	for name, want := range map[string]bool{
		"UTC": true, "Europe/Berlin": true, "America/New_York": true, "America/Argentina/Salta": true,
		"Etc/GMT+5": true, "America/Port-au-Prince": true, "Asia/Kolkata": true,
		"": false, "Local": false, "europe/berlin": false, "Europe/Nowhere": false,
		"../etc/passwd": false, "/usr/share/zoneinfo/UTC": false, "Europe/Berlin ": false, "America/New York": false,
	} {
		if got := validTimeZone(name); got != want {
			t.Errorf("validTimeZone(%q) = %v, want %v", name, got, want)
		}
	}
}

// mergeMinimal adds the minimal file's required fields to a JSON object case,
// unless the case sets them itself (or is not a valid object at all).
func mergeMinimal(text string) string {
	if !strings.HasPrefix(text, "{") || !strings.HasSuffix(text, "}") || strings.Contains(text, "\n") {
		return text
	}
	body := strings.TrimSuffix(strings.TrimPrefix(text, "{"), "}")
	var extra []string
	if !strings.Contains(text, `"network"`) {
		extra = append(extra, `"network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}`)
	} else if !strings.Contains(text, "availabilityZones") {
		body = strings.Replace(body, `"network": {`, `"network": {"availabilityZones": ["us-east-1a", "us-east-1b"], `, 1)
	}
	if !strings.Contains(text, `"bridge"`) {
		extra = append(extra, `"bridge": {"imageTag": "1.0.0"}`)
	} else if !strings.Contains(text, "imageTag") {
		body = strings.Replace(body, `"bridge": {`, `"bridge": {"imageTag": "1.0.0", `, 1)
	}
	if strings.TrimSpace(body) == "" {
		return "{" + strings.Join(extra, ", ") + "}"
	}
	return "{" + strings.Join(append(extra, body), ", ") + "}"
}

func TestAllProblemsAtOnce(t *testing.T) {
	_, err := Parse("environments/test.json", []byte(`{"region": "mars-1", "bridge": {"cpu": 3000, "desiredCount": -2}, "logRetentionDays": 2}`))
	if err == nil {
		t.Fatal("no error")
	}
	for _, field := range []string{"region:", "network.availabilityZones:", "bridge.cpu:", "bridge.desiredCount:", "logRetentionDays:"} {
		if !strings.Contains(err.Error(), "environments/test.json: "+field) {
			t.Errorf("missing a problem with %s in:\n%v", field, err)
		}
	}
}

// TestModuleRules checks that the loader refuses what the modules would
// panic on, with the modules' own constants: a rule changed in a module
// changes here too.
func TestModuleRules(t *testing.T) {
	for _, k := range ecs.ReservedEnvironment {
		_, err := Parse("environments/test.json", []byte(`{"bridge": {"environment": {"`+k+`": "x"}}}`))
		// The API key has a message of its own (it must go into the secret).
		if want := "bridge.environment." + k + ": "; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("environment %s: got %v, want %q", k, err, want)
		}
	}
	for _, gib := range []int{ecs.MinEphemeralStorageGiB - 1, ecs.MaxEphemeralStorageGiB + 1} {
		_, err := Parse("environments/test.json", []byte(fmt.Sprintf(`{"bridge": {"ephemeralStorageGiB": %d}}`, gib)))
		if err == nil || !strings.Contains(err.Error(), "bridge.ephemeralStorageGiB") {
			t.Errorf("ephemeralStorageGiB %d: got %v, want refused", gib, err)
		}
	}
	for _, arch := range ecs.Architectures {
		env, err := Parse("environments/test.json", []byte(`{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0", "architecture": "`+arch+`"}}`))
		if err != nil || env.Bridge.Architecture != arch {
			t.Errorf("architecture %s: %v", arch, err)
		}
	}
	// A name one character longer than the ALB name allows is refused (the
	// access-log bucket prefix is tighter still: one shorter passes).
	tooLong := strings.Repeat("a", loadbalancer.MaxNameLength-len("-dev"+loadbalancer.ALBNameSuffix)+1)
	for name, ok := range map[string]bool{tooLong[:len(tooLong)-2]: true, tooLong: false} {
		_, err := Parse("environments/dev.json", []byte(`{"projectName": "`+name+`", "network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0"}}`))
		if (err == nil) != ok {
			t.Errorf("projectName of %d characters: err = %v, want ok = %v", len(name), err, ok)
		}
	}
	if d := Defaults(); !slices.Contains(loadbalancer.SslPolicies, d.LoadBalancer.SslPolicy) || d.LoadBalancer.SslPolicy != loadbalancer.DefaultSslPolicy {
		t.Errorf("default sslPolicy %q is not the module's %q", d.LoadBalancer.SslPolicy, loadbalancer.DefaultSslPolicy)
	}
}

func TestRepositoryEnvironmentsAreValid(t *testing.T) {
	envs, err := LoadAll(Embedded, "environments")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range envs {
		names = append(names, e.Name)
	}
	if !reflect.DeepEqual(names, []string{"dev", "prod"}) {
		t.Errorf("environments = %v, want [dev prod]", names)
	}
}

func TestExamplesAreValid(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("examples", "*.json"))
	if len(files) == 0 {
		t.Fatal("no example files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(f, data); err != nil {
			t.Errorf("%v", err)
		}
	}
}

func TestLoadAllReportsEveryFile(t *testing.T) {
	fsys := fstest.MapFS{
		"a.json":    {Data: []byte(`{"region": "nowhere"}`)},
		"b.json":    {Data: []byte(`{`)},
		"good.json": {Data: []byte(minimal)},
	}
	_, err := LoadAll(fsys, "envs")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"envs/a.json: region:", "envs/b.json: line 1: malformed JSON"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

func TestLoadAllEmptyDir(t *testing.T) {
	if _, err := LoadAll(fstest.MapFS{}, "envs"); err == nil || !strings.Contains(err.Error(), "envs: no environment files") {
		t.Errorf("err = %v", err)
	}
}

// TestReadmeDocumentsEveryField keeps the README's configuration reference in
// step with the Environment type: every field name must appear in it.
func TestReadmeDocumentsEveryField(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "### Configuration reference")
	end := strings.Index(text, "## Outputs")
	if start < 0 || end < start {
		t.Fatal("README.md has no configuration reference before its outputs")
	}
	section := text[start:end]
	var walk func(typ reflect.Type, prefix string)
	walk = func(typ reflect.Type, prefix string) {
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		for i := 0; i < typ.NumField(); i++ {
			tag := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			ft := typ.Field(i).Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				walk(ft, prefix+tag+".")
				continue
			}
			if !strings.Contains(section, tag) {
				t.Errorf("README configuration reference does not mention %s%s", prefix, tag)
			}
		}
	}
	walk(reflect.TypeOf(Environment{}), "")
}

func TestLocalStateWarning(t *testing.T) {
	const base = `"network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0"}`
	for _, tt := range []struct {
		name, json, want string
	}{
		{"protected, local state", `{` + base + `}`, `environments/prod.json: protected, but its state is the local file terraform.prod.tfstate; set backend.s3 (README "Remote state")`},
		{"protected, S3", `{` + base + `, "backend": {"s3": {"bucket": "my-state"}}}`, ""},
		{"unprotected, local state", `{"protected": false, ` + base + `}`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Parse("environments/prod.json", []byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			if got := env.LocalStateWarning(); got != tt.want {
				t.Errorf("warning = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLoadDirNamesTheFolder: every folder problem starts with the folder's
// name, quoted where it is empty or unprintable.
func TestLoadDirNamesTheFolder(t *testing.T) {
	for dir, want := range map[string]string{
		"":                `"": folder not found`,
		"no-such-folder":  "no-such-folder: folder not found",
		"no\nsuch-folder": `"no\nsuch-folder": folder not found`,
	} {
		if _, err := LoadDir(dir); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("LoadDir(%q) = %v, want an error starting %q", dir, err, want)
		}
	}
}
