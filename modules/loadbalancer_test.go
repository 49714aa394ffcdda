package modules_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/modulestacks"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/loadbalancer"
)

// loadbalancerVariants are three stacks: dev-like (HTTP, no logs), prod-like
// (HTTPS, deletion protection, access logs) and an internal ALB with access
// logs in a region launched after August 2022 (no legacy ELB account),
// destroyable.
type loadbalancerVariants struct {
	dev, prod, newRegion *testutil.Synthesized
}

var loadbalancerStacks = synthOnce(func() loadbalancerVariants {
	return loadbalancerVariants{
		dev:  modulestacks.LoadBalancer(loadbalancer.Props{NamePrefix: "proj-dev"}),
		prod: modulestacks.LoadBalancer(modulestacks.LoadBalancerProdProps()),
		newRegion: modulestacks.LoadBalancer(loadbalancer.Props{
			NamePrefix: "proj-uae", Region: "me-central-1", AccessLogs: true, ForceDestroyLogs: true, Internal: true,
		}),
	}
})

func TestLoadBalancer(t *testing.T) {
	v := loadbalancerStacks()
	dev, prod, newRegion := v.dev, v.prod, v.newRegion
	for _, s := range []*testutil.Synthesized{dev, prod} {
		testutil.AssertResource(t, s, "aws_lb", map[string]any{
			"load_balancer_type": "application", "internal": false,
			"idle_timeout": 3600, "drop_invalid_header_fields": true, "enable_http2": true,
			"desync_mitigation_mode": "defensive",
			"subnets":                []any{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"},
			"security_groups":        []any{"sg-0123456789abcdef0"},
		})
		testutil.RefuteResource(t, s, "aws_lb", map[string]any{"internal": true})
	}
	testutil.AssertResource(t, dev, "aws_lb", map[string]any{"name": "proj-dev-alb"})
	testutil.AssertResource(t, newRegion, "aws_lb", map[string]any{"name": "proj-uae-alb", "internal": true})
	testutil.RefuteResource(t, newRegion, "aws_lb", map[string]any{"internal": false})
}

func TestLoadBalancerDeletionProtection(t *testing.T) {
	v := loadbalancerStacks()
	dev, prod := v.dev, v.prod
	testutil.AssertResource(t, prod, "aws_lb", map[string]any{"enable_deletion_protection": true})
	testutil.RefuteResource(t, prod, "aws_lb", map[string]any{"enable_deletion_protection": false})
	testutil.AssertResource(t, dev, "aws_lb", map[string]any{"enable_deletion_protection": false})
	testutil.RefuteResource(t, dev, "aws_lb", map[string]any{"enable_deletion_protection": true})
}

// TestLoadBalancerDeregistrationDelay: the drain time the stack gives (bridge.drainSeconds)
// reaches the target group; the default is ELB's 300 s.
func TestLoadBalancerDeregistrationDelay(t *testing.T) {
	v := loadbalancerStacks()
	dev, prod := v.dev, v.prod
	testutil.AssertResource(t, prod, "aws_lb_target_group", map[string]any{"deregistration_delay": "600"})
	testutil.RefuteResource(t, prod, "aws_lb_target_group", map[string]any{"deregistration_delay": "300"})
	testutil.RefuteResource(t, dev, "aws_lb_target_group", map[string]any{"deregistration_delay": "600"})
}

func TestLoadBalancerTargetGroup(t *testing.T) {
	dev := loadbalancerStacks().dev
	testutil.AssertResource(t, dev, "aws_lb_target_group", map[string]any{
		"name": "proj-dev-tg", "target_type": "ip", "protocol": "HTTP", "port": 3000,
		"vpc_id":               "vpc-0123456789abcdef0",
		"deregistration_delay": "300", // the default
		"health_check": map[string]any{
			"path": "/health", "matcher": "200", "protocol": "HTTP", "interval": 30,
			"healthy_threshold": 2, "unhealthy_threshold": 3, "timeout": 5,
		},
		"stickiness": map[string]any{"type": "lb_cookie", "enabled": true, "cookie_duration": 86400},
	})
	testutil.RefuteResource(t, dev, "aws_lb_target_group", map[string]any{"target_type": "instance"})
	// A fixed name cannot go with create_before_destroy (the new group could
	// not take the name): make sure nobody adds it.
	for name, tg := range dev.Resources("aws_lb_target_group") {
		if _, ok := tg["lifecycle"]; ok {
			t.Errorf("%s has a lifecycle block %v; a fixed name rules out create_before_destroy", name, tg["lifecycle"])
		}
	}
	if n := dev.Count("aws_lb_target_group"); n != 1 {
		t.Errorf("%d target groups, want 1", n)
	}
}

func TestLoadBalancerListeners(t *testing.T) {
	v := loadbalancerStacks()
	dev, prod := v.dev, v.prod
	forward := func(s *testutil.Synthesized) []any {
		return []any{map[string]any{"type": "forward", "target_group_arn": s.Ref("aws_lb_target_group", "target_group", "arn")}}
	}
	t.Run("dev forwards plain HTTP", func(t *testing.T) {
		testutil.AssertResource(t, dev, "aws_lb_listener", map[string]any{
			"port": 80, "protocol": "HTTP", "default_action": forward(dev),
			"load_balancer_arn": dev.Ref("aws_lb", "alb", "arn"),
		})
		testutil.RefuteResource(t, dev, "aws_lb_listener", map[string]any{"port": 443})
		if n := dev.Count("aws_lb_listener"); n != 1 {
			t.Errorf("%d listeners, want 1", n)
		}
	})
	t.Run("prod redirects 80 and forwards 443", func(t *testing.T) {
		testutil.AssertResource(t, prod, "aws_lb_listener", map[string]any{
			"port": 80, "protocol": "HTTP",
			"default_action": []any{map[string]any{"type": "redirect", "redirect": map[string]any{
				"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301",
			}}},
		})
		testutil.RefuteResource(t, prod, "aws_lb_listener", map[string]any{"port": 80, "default_action": forward(prod)})
		testutil.AssertResource(t, prod, "aws_lb_listener", map[string]any{
			"port": 443, "protocol": "HTTPS", "default_action": forward(prod),
			"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "certificate_arn": modulestacks.ALBCertArn,
			"load_balancer_arn": prod.Ref("aws_lb", "alb", "arn"),
		})
		if n := prod.Count("aws_lb_listener"); n != 2 {
			t.Errorf("%d listeners, want 2", n)
		}
	})
}

func TestLoadBalancerAccessLogBucket(t *testing.T) {
	v := loadbalancerStacks()
	dev, prod, newRegion := v.dev, v.prod, v.newRegion
	bucketID := prod.Ref("aws_s3_bucket", "log_bucket", "id")
	testutil.AssertResource(t, prod, "aws_s3_bucket", map[string]any{"bucket_prefix": "proj-prod-alb-logs-", "force_destroy": false})
	testutil.AssertResource(t, newRegion, "aws_s3_bucket", map[string]any{"force_destroy": true})
	testutil.AssertResource(t, prod, "aws_s3_bucket_public_access_block", map[string]any{
		"bucket": bucketID, "block_public_acls": true, "block_public_policy": true,
		"ignore_public_acls": true, "restrict_public_buckets": true,
	})
	testutil.AssertResource(t, prod, "aws_s3_bucket_ownership_controls", map[string]any{
		"bucket": bucketID, "rule": map[string]any{"object_ownership": "BucketOwnerEnforced"},
	})
	testutil.AssertResource(t, prod, "aws_s3_bucket_server_side_encryption_configuration", map[string]any{
		"bucket": bucketID,
		"rule":   []any{map[string]any{"apply_server_side_encryption_by_default": map[string]any{"sse_algorithm": "AES256"}}},
	})
	testutil.RefuteResource(t, prod, "aws_s3_bucket_server_side_encryption_configuration", map[string]any{
		"rule": []any{map[string]any{"apply_server_side_encryption_by_default": map[string]any{"sse_algorithm": "aws:kms"}}},
	})
	testutil.AssertResource(t, prod, "aws_s3_bucket_lifecycle_configuration", map[string]any{
		"bucket": bucketID,
		"rule":   []any{map[string]any{"status": "Enabled", "expiration": map[string]any{"days": 90}}},
	})
	testutil.AssertResource(t, prod, "aws_s3_bucket_policy", map[string]any{
		"bucket": bucketID, "policy": "${data.aws_iam_policy_document." + dataName(t, prod, "aws_iam_policy_document", "log_bucket_policy_document") + ".json}",
	})

	t.Run("alb logs there once the policy exists", func(t *testing.T) {
		testutil.AssertResource(t, prod, "aws_lb", map[string]any{
			"access_logs": map[string]any{"bucket": prod.Ref("aws_s3_bucket", "log_bucket", "bucket"), "enabled": true},
			"depends_on":  []any{address(prod.Ref("aws_s3_bucket_policy", "log_bucket_policy", "id"))},
		})
	})
	t.Run("absent when off", func(t *testing.T) {
		for _, typ := range []string{"aws_s3_bucket", "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block", "aws_s3_bucket_lifecycle_configuration"} {
			if n := dev.Count(typ); n != 0 {
				t.Errorf("dev has %d %s, want none", n, typ)
			}
		}
		if n := len(dev.DataSources("aws_elb_service_account")); n != 0 {
			t.Errorf("dev reads %d aws_elb_service_account, want none", n)
		}
		for name, alb := range dev.Resources("aws_lb") {
			if _, ok := alb["access_logs"]; ok {
				t.Errorf("%s has access_logs %v although off", name, alb["access_logs"])
			}
		}
	})
}

func TestLoadBalancerAccessLogBucketPolicy(t *testing.T) {
	v := loadbalancerStacks()
	prod, newRegion := v.prod, v.newRegion
	bucketArn := prod.Ref("aws_s3_bucket", "log_bucket", "arn")
	elbAccount := "${data.aws_elb_service_account." + dataName(t, prod, "aws_elb_service_account", "elb_service_account") + ".arn}"
	st := logBucketStatements(t, prod)

	deny := st["DenyInsecureTransport"]
	if deny == nil || deny["effect"] != "Deny" ||
		!equal(deny["resources"], bucketArn, bucketArn+"/*") ||
		!strings.Contains(compact(deny["condition"]), `"aws:SecureTransport"`) ||
		!strings.Contains(compact(deny["condition"]), `"values":["false"]`) {
		t.Errorf("no TLS-only deny on the bucket and its objects: %s", compact(deny))
	}

	tests := []struct {
		sid, principalType, principal string
	}{
		{"ElbLogDeliveryWrite", "Service", "logdelivery.elasticloadbalancing.amazonaws.com"},
		{"ElbAccountLogWrite", "AWS", elbAccount},
	}
	for _, tt := range tests {
		t.Run(tt.sid, func(t *testing.T) {
			got := st[tt.sid]
			want := map[string]any{
				"effect": "Allow", "actions": []any{"s3:PutObject"},
				"resources":  []any{bucketArn + "/AWSLogs/*"},
				"principals": []any{map[string]any{"type": tt.principalType, "identifiers": []any{tt.principal}}},
			}
			if compact(pick(got, want)) != compact(want) {
				t.Errorf("got %s\nwant %s", compact(got), compact(want))
			}
		})
	}

	t.Run("new region: service principal only", func(t *testing.T) {
		st := logBucketStatements(t, newRegion)
		if st["ElbLogDeliveryWrite"] == nil {
			t.Error("no service-principal statement")
		}
		if st["ElbAccountLogWrite"] != nil || len(newRegion.DataSources("aws_elb_service_account")) != 0 {
			t.Error("a legacy ELB account in a region that has none: aws_elb_service_account would fail")
		}
	})
}

func TestLoadBalancerValidation(t *testing.T) {
	tests := []struct {
		name  string
		props loadbalancer.Props
		want  string
	}{
		{"https without certificate", modulestacks.WithNetwork(loadbalancer.Props{NamePrefix: "p-dev", HTTPS: true}), "HTTPS needs CertificateArn"},
		{"name too long", modulestacks.WithNetwork(loadbalancer.Props{NamePrefix: "a-very-long-project-name-prod"}), `"a-very-long-project-name-prod-alb" is 33 characters`},
		{"no network", loadbalancer.Props{NamePrefix: "p-dev"}, "VpcID, SubnetIDs and SecurityGroupID are required"},
		{"no prefix", modulestacks.WithNetwork(loadbalancer.Props{}), "NamePrefix is empty"},
		{"not a TLS 1.3 policy", modulestacks.WithNetwork(loadbalancer.Props{NamePrefix: "p-dev", SslPolicy: "ELBSecurityPolicy-2016-08"}), `SslPolicy "ELBSecurityPolicy-2016-08" is not a TLS 1.3 policy`},
		// Every problem in one panic, not the first one found.
		{"all at once", loadbalancer.Props{HTTPS: true}, "NamePrefix is empty; VpcID, SubnetIDs and SecurityGroupID are required (from the networking module); AppPort 0 is not a TCP port (the bridge container's port is required); HTTPS needs CertificateArn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				got, _ := recover().(string)
				if !strings.Contains(got, tt.want) {
					t.Errorf("panic %q, want it to contain %q", got, tt.want)
				}
			}()
			loadbalancer.New(testutil.NewStack(), "lb", tt.props)
		})
	}
}

// logBucketStatements returns the log bucket policy statements by Sid.
func logBucketStatements(t *testing.T, s *testutil.Synthesized) map[string]map[string]any {
	t.Helper()
	doc := s.DataSources("aws_iam_policy_document")[dataName(t, s, "aws_iam_policy_document", "log_bucket_policy_document")]
	out := map[string]map[string]any{}
	list, _ := doc["statement"].([]any)
	for _, x := range list {
		st, _ := x.(map[string]any)
		sid, _ := st["sid"].(string)
		out[sid] = st
	}
	return out
}

// pick keeps the keys of got that want has, for a focused comparison.
func pick(got, want map[string]any) map[string]any {
	out := map[string]any{}
	for k := range want {
		if v, ok := got[k]; ok {
			out[k] = v
		}
	}
	return out
}

func equal(v any, want ...string) bool {
	list, _ := v.([]any)
	if len(list) != len(want) {
		return false
	}
	for i := range want {
		if list[i] != want[i] {
			return false
		}
	}
	return true
}

// compact is v as JSON with sorted keys, for messages and comparisons.
func compact(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
