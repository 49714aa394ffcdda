package stacks_test

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/frontend"
)

// planned returns the planned values of the resources of one type.
func planned(t *testing.T, env, typ string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range testutil.PlannedResources(plan(t, env)) {
		if r.Type == typ {
			out = append(out, r.AttributeValues)
		}
	}
	return out
}

// one returns the planned values of the only resource of a type.
func one(t *testing.T, env, typ string) map[string]any {
	t.Helper()
	rs := planned(t, env, typ)
	if len(rs) != 1 {
		t.Fatalf("%d planned %s, want 1", len(rs), typ)
	}
	return rs[0]
}

// block returns the first element of a nested block in planned values.
func block(v map[string]any, name string) map[string]any {
	list, _ := v[name].([]any)
	if len(list) == 0 {
		return nil
	}
	m, _ := list[0].(map[string]any)
	return m
}

// expect compares attributes of planned values with wanted ones.
func expect(t *testing.T, what string, got map[string]any, want map[string]any) {
	t.Helper()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if g := got[k]; fmt.Sprint(g) != fmt.Sprint(want[k]) {
			t.Errorf("%s: %s = %v, want %v", what, k, g, want[k])
		}
	}
}

func TestPlanResourceCounts(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	tests := []struct {
		env    string
		counts map[string]int
	}{
		{"dev", map[string]int{
			// natMode "none": no NAT gateway, no Elastic IP, no private route out.
			"aws_vpc": 1, "aws_vpc_endpoint": 1, "aws_subnet": 4, "aws_internet_gateway": 1, "aws_nat_gateway": 0, "aws_eip": 0,
			"aws_route_table": 3, "aws_route": 1, "aws_route_table_association": 4,
			"aws_default_security_group": 1, "aws_security_group": 2, "aws_flow_log": 0,
			"aws_ecr_repository": 1, "aws_ecr_lifecycle_policy": 1,
			"aws_secretsmanager_secret": 1, "aws_secretsmanager_secret_version": 1,
			"aws_ecs_cluster": 1, "aws_ecs_task_definition": 1, "aws_ecs_service": 1,
			"aws_iam_role": 2, "aws_iam_role_policy": 4, "aws_iam_role_policy_attachment": 0,
			// The office-hours schedule: a scalable target and its two actions, no policies.
			"aws_cloudwatch_log_group": 1, "aws_appautoscaling_target": 1, "aws_appautoscaling_policy": 0,
			"aws_appautoscaling_scheduled_action": 2,
			"aws_lb":                              1, "aws_lb_target_group": 1, "aws_lb_listener": 1,
			"aws_s3_bucket": 1, "aws_s3_bucket_versioning": 0, "aws_cloudfront_distribution": 1,
			"aws_cloudfront_origin_access_control": 1, "aws_cloudfront_response_headers_policy": 1, "aws_cloudfront_function": 1, "aws_cloudwatch_log_delivery": 0,
			"aws_cloudfront_vpc_origin": 0, "aws_vpc_security_group_ingress_rule": 3,
			"aws_acm_certificate": 0, "aws_route53_record": 0, "aws_wafv2_web_acl": 0,
			"aws_sns_topic": 0, "aws_kms_key": 0, "aws_cloudwatch_metric_alarm": 0, "aws_cloudwatch_dashboard": 0, "aws_budgets_budget": 0,
		}},
		{"prod", map[string]int{
			"aws_vpc": 1, "aws_vpc_endpoint": 1, "aws_subnet": 4, "aws_internet_gateway": 1, "aws_nat_gateway": 2, "aws_eip": 2,
			"aws_route_table": 3, "aws_route": 3, "aws_route_table_association": 4,
			"aws_default_security_group": 1, "aws_security_group": 2, "aws_flow_log": 1,
			"aws_ecr_repository": 1, "aws_ecr_lifecycle_policy": 1,
			"aws_secretsmanager_secret": 1, "aws_secretsmanager_secret_version": 1,
			"aws_ecs_cluster": 1, "aws_ecs_task_definition": 1, "aws_ecs_service": 1,
			"aws_iam_role": 3, "aws_iam_role_policy": 4, "aws_iam_role_policy_attachment": 0,
			"aws_cloudwatch_log_group": 3, "aws_appautoscaling_target": 0, "aws_appautoscaling_policy": 0,
			"aws_appautoscaling_scheduled_action": 0,
			"aws_lb":                              1, "aws_lb_target_group": 1, "aws_lb_listener": 2,
			"aws_s3_bucket": 2, "aws_s3_bucket_versioning": 1, "aws_cloudfront_distribution": 1,
			// The private ALB: one VPC origin, one way in (CloudFront's
			// prefix list) besides the tasks' own rule, and no api.<domain>
			// record (the two validation records and the UI's A and AAAA).
			"aws_cloudfront_vpc_origin": 1, "aws_vpc_security_group_ingress_rule": 2,
			"aws_acm_certificate": 2, "aws_acm_certificate_validation": 2,
			"aws_route53_record": 4, "aws_wafv2_web_acl": 1, "aws_wafv2_ip_set": 0, "aws_cloudfront_function": 1,
			"aws_cloudwatch_log_delivery_source": 1, "aws_cloudwatch_log_delivery_destination": 1, "aws_cloudwatch_log_delivery": 1,
			"aws_kms_key": 1, "aws_kms_key_policy": 1, "aws_sns_topic": 1, "aws_sns_topic_policy": 1, "aws_sns_topic_subscription": 1,
			"aws_cloudwatch_metric_alarm": 7, "aws_cloudwatch_dashboard": 1, "aws_budgets_budget": 1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Parallel()
			assertCounts(t, plan(t, tt.env), tt.counts)
		})
	}
}

func TestPlanLoadBalancer(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	for _, name := range []string{"dev", "prod"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := stack(t, name).env
			expect(t, "aws_lb", one(t, name, "aws_lb"), map[string]any{
				"idle_timeout": 3600, "internal": env.PrivateALB(), "load_balancer_type": "application",
				"drop_invalid_header_fields": true, "enable_http2": true,
				"enable_deletion_protection": env.Protected, "name": env.Prefix() + "-alb",
			})
			tg := one(t, name, "aws_lb_target_group")
			expect(t, "target group", tg, map[string]any{"target_type": "ip", "port": 3000, "protocol": "HTTP", "deregistration_delay": fmt.Sprint(env.Bridge.DrainSeconds)})
			expect(t, "stickiness", block(tg, "stickiness"), map[string]any{"enabled": true, "type": "lb_cookie"})
			expect(t, "health check", block(tg, "health_check"), map[string]any{"path": "/health", "matcher": "200", "interval": 30})
		})
	}
}

func TestPlanListenersPerEnvironment(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	t.Run("dev forwards HTTP", func(t *testing.T) {
		t.Parallel()
		l := one(t, "dev", "aws_lb_listener")
		expect(t, "listener", l, map[string]any{"port": 80, "protocol": "HTTP"})
		expect(t, "default action", block(l, "default_action"), map[string]any{"type": "forward"})
	})
	t.Run("prod redirects to HTTPS", func(t *testing.T) {
		t.Parallel()
		byPort := map[string]map[string]any{}
		for _, l := range planned(t, "prod", "aws_lb_listener") {
			byPort[fmt.Sprint(l["port"])] = l
		}
		expect(t, "listener 80 action", block(byPort["80"], "default_action"), map[string]any{"type": "redirect"})
		expect(t, "listener 80 redirect", block(block(byPort["80"], "default_action"), "redirect"), map[string]any{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"})
		expect(t, "listener 443", byPort["443"], map[string]any{"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"})
		expect(t, "listener 443 action", block(byPort["443"], "default_action"), map[string]any{"type": "forward"})
	})
}

func TestPlanBridgeService(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	for _, name := range []string{"dev", "prod"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := stack(t, name).env
			svc := one(t, name, "aws_ecs_service")
			expect(t, "service", svc, map[string]any{
				"name": env.Prefix() + "-bridge", "health_check_grace_period_seconds": 120,
				"enable_execute_command": env.Bridge.EnableExec, "propagate_tags": "SERVICE",
				"deployment_minimum_healthy_percent": 100, "deployment_maximum_percent": 200,
			})
			if !env.Bridge.Autoscaling.Enabled {
				expect(t, "service", svc, map[string]any{"desired_count": env.Bridge.DesiredCount})
			}
			noNat := env.Network.NatMode == environments.NatNone
			expect(t, "network", block(svc, "network_configuration"), map[string]any{"assign_public_ip": noNat})
			expect(t, "circuit breaker", block(svc, "deployment_circuit_breaker"), map[string]any{"enable": true, "rollback": true})
			provider := "FARGATE"
			if env.Bridge.FargateSpot {
				provider = "FARGATE_SPOT"
			}
			expect(t, "capacity", block(svc, "capacity_provider_strategy"), map[string]any{"capacity_provider": provider})
			expect(t, "load balancer", block(svc, "load_balancer"), map[string]any{"container_name": "bridge", "container_port": 3000})

			td := one(t, name, "aws_ecs_task_definition")
			expect(t, "task definition", td, map[string]any{"cpu": "2048", "memory": "4096", "network_mode": "awsvpc", "requires_compatibilities": "[FARGATE]"})
			expect(t, "runtime platform", block(td, "runtime_platform"), map[string]any{"cpu_architecture": "X86_64", "operating_system_family": "LINUX"})

			expect(t, "ecr", one(t, name, "aws_ecr_repository"), map[string]any{"name": env.Prefix() + "-bridge"})
			expect(t, "secret", one(t, name, "aws_secretsmanager_secret"), map[string]any{"name": env.Prefix() + "-anthropic-key"})
			for _, lg := range planned(t, name, "aws_cloudwatch_log_group") {
				if lg["name"] == "/ecs/"+env.Prefix()+"/bridge" && fmt.Sprint(lg["retention_in_days"]) != "30" {
					t.Errorf("bridge log retention = %v, want 30", lg["retention_in_days"])
				}
			}
		})
	}
}

// TestDevIsCheap pins what makes dev cheap, so a change to dev.json that
// brings back NAT or on-demand tasks fails here, not on the bill.
func TestDevIsCheap(t *testing.T) {
	dev := stack(t, "dev")
	if dev.env.Network.NatMode != environments.NatNone || !dev.env.Bridge.FargateSpot || dev.env.Protected {
		t.Fatalf("dev: natMode %q, fargateSpot %v, protected %v; want none, true, false",
			dev.env.Network.NatMode, dev.env.Bridge.FargateSpot, dev.env.Protected)
	}
	// The tasks sit in the public subnets: the service names them.
	subnets := ""
	for _, svc := range dev.Resources("aws_ecs_service") {
		subnets = fmt.Sprint(svc["network_configuration"])
	}
	for _, az := range dev.env.Network.AvailabilityZones {
		if !strings.Contains(subnets, "public_subnet_"+az) || strings.Contains(subnets, "private_subnet_"+az) {
			t.Errorf("dev service subnets %s, want the public subnet of %s", subnets, az)
		}
	}
	prodSubnets := ""
	for _, svc := range stack(t, "prod").Resources("aws_ecs_service") {
		prodSubnets = fmt.Sprint(svc["network_configuration"])
	}
	if strings.Contains(prodSubnets, "public_subnet_") || !strings.Contains(prodSubnets, "private_subnet_") {
		t.Errorf("prod service subnets %s, want the private subnets", prodSubnets)
	}
}

// TestPlanOfficeHoursInDev: dev runs MON-FRI 08:00-19:00 New York time and
// has zero tasks otherwise; prod has no schedule (the twin).
func TestPlanOfficeHoursInDev(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	sc := stack(t, "dev").env.Bridge.Schedule
	if !sc.Enabled {
		t.Fatal("dev has no office-hours schedule")
	}
	byName := map[string]map[string]any{}
	for _, a := range planned(t, "dev", "aws_appautoscaling_scheduled_action") {
		byName[fmt.Sprint(a["name"])] = a
	}
	days := strings.Join(sc.Days, ",")
	for name, want := range map[string]struct {
		hour     int
		min, max string
	}{
		"n8n-builder-dev-bridge-office-hours-start": {sc.StartHour, "1", "1"},
		"n8n-builder-dev-bridge-office-hours-stop":  {sc.StopHour, "0", "0"},
	} {
		a, ok := byName[name]
		if !ok {
			t.Errorf("no scheduled action %s; planned: %v", name, byName)
			continue
		}
		expect(t, name, a, map[string]any{
			"schedule": fmt.Sprintf("cron(0 %d ? * %s *)", want.hour, days), "timezone": "America/New_York",
			"service_namespace": "ecs", "scalable_dimension": "ecs:service:DesiredCount",
		})
		expect(t, name+" capacity", block(a, "scalable_target_action"), map[string]any{"min_capacity": want.min, "max_capacity": want.max})
	}
	expect(t, "target", one(t, "dev", "aws_appautoscaling_target"), map[string]any{"min_capacity": 1, "max_capacity": 1, "scalable_dimension": "ecs:service:DesiredCount"})

	// Terraform leaves the running count and the target's range to the
	// schedule in dev; in prod (one task, no autoscaling) the count is Terraform's.
	for env, want := range map[string]struct{ service, target string }{
		"dev":  {"[desired_count]", "[min_capacity max_capacity]"},
		"prod": {"[]", "<nil>"},
	} {
		for _, svc := range stack(t, env).Resources("aws_ecs_service") {
			if got := fmt.Sprint(testutil.Strings(lifecycleOf(svc)["ignore_changes"])); got != want.service {
				t.Errorf("%s service ignore_changes = %s, want %s", env, got, want.service)
			}
		}
		for _, tg := range stack(t, env).Resources("aws_appautoscaling_target") {
			got := "<nil>"
			if ig := lifecycleOf(tg)["ignore_changes"]; ig != nil {
				got = fmt.Sprint(testutil.Strings(ig))
			}
			if got != want.target {
				t.Errorf("%s scalable target ignore_changes = %s, want %s", env, got, want.target)
			}
		}
	}
	if n := len(planned(t, "prod", "aws_appautoscaling_scheduled_action")); n != 0 {
		t.Errorf("prod plans %d scheduled actions, want none", n)
	}
}

func lifecycleOf(res map[string]any) map[string]any {
	lc, _ := res["lifecycle"].(map[string]any)
	return lc
}

// TestProdRunsOneBridge: the bridge keeps sessions in memory, so prod runs
// one task, which ECS replaces in either AZ; no autoscaling adds a second.
func TestProdRunsOneBridge(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	prod := stack(t, "prod")
	if b := prod.env.Bridge; b.DesiredCount != 1 || b.Autoscaling.Enabled || b.SharedSessionState {
		t.Fatalf("prod bridge: desiredCount %d, autoscaling %v, sharedSessionState %v; want 1, false, false", b.DesiredCount, b.Autoscaling.Enabled, b.SharedSessionState)
	}
	svc := one(t, "prod", "aws_ecs_service")
	expect(t, "service", svc, map[string]any{"desired_count": 1, "scheduling_strategy": "REPLICA"})
	if n := len(planned(t, "prod", "aws_appautoscaling_target")); n != 0 {
		t.Errorf("%d autoscaling targets in prod, want none", n)
	}
	var subnets string
	for _, r := range prod.Resources("aws_ecs_service") {
		subnets = fmt.Sprint(r["network_configuration"])
	}
	for _, az := range prod.env.Network.AvailabilityZones {
		if !strings.Contains(subnets, "private_subnet_"+az) {
			t.Errorf("prod service subnets %s: no private subnet in %s, so ECS could not replace the task there", subnets, az)
		}
	}
}

// TestDrainDrivesDelayAndStop: bridge.drainSeconds is the target group's
// deregistration delay (the sessions' time; ECS sends SIGTERM after it) and
// the container's stop timeout, capped at Fargate's 120 s.
func TestDrainDrivesDelayAndStop(t *testing.T) {
	for name, s := range synthesized {
		drain := s.env.Bridge.DrainSeconds
		for _, tg := range s.Resources("aws_lb_target_group") {
			if got := fmt.Sprint(tg["deregistration_delay"]); got != fmt.Sprint(drain) {
				t.Errorf("%s: deregistration_delay %s, want drainSeconds %d", name, got, drain)
			}
		}
		for _, td := range s.Resources("aws_ecs_task_definition") {
			var defs []struct {
				StopTimeout int `json:"stopTimeout"`
			}
			testutil.DecodeJSONEncode(t, td["container_definitions"], &defs)
			if len(defs) != 1 || defs[0].StopTimeout != min(drain, 120) {
				t.Errorf("%s: stopTimeout %+v, want min(drainSeconds %d, 120)", name, defs, drain)
			}
		}
	}
	if dev, prod := stack(t, "dev").env.Bridge.DrainSeconds, stack(t, "prod").env.Bridge.DrainSeconds; dev == prod || prod <= 120 {
		t.Errorf("drainSeconds dev %d, prod %d: want them different, and prod above 120 so the cap is exercised", dev, prod)
	}
}

// TestAlertsWhereProtected: prod has the encrypted topic, the alarms, the
// dashboard and the budget; dev none of them.
func TestAlertsWhereProtected(t *testing.T) {
	prod, dev := stack(t, "prod"), stack(t, "dev")
	if !prod.env.Alerts.On() || dev.env.Alerts.On() {
		t.Fatalf("alerts prod %v, dev %v; want on, off", prod.env.Alerts.On(), dev.env.Alerts.On())
	}
	key := prod.Ref("aws_kms_key", "monitoring_topic_key", "arn")
	testutil.AssertResource(t, prod.Synthesized, "aws_sns_topic", map[string]any{"kms_master_key_id": key})
	for typ, n := range map[string]int{"aws_cloudwatch_metric_alarm": 7, "aws_cloudwatch_dashboard": 1, "aws_budgets_budget": 1, "aws_sns_topic_subscription": len(prod.env.Alerts.Emails)} {
		if got := prod.Count(typ); got != n {
			t.Errorf("prod: %d %s, want %d", got, typ, n)
		}
		if got := dev.Count(typ); got != 0 {
			t.Errorf("dev: %d %s, want none", got, typ)
		}
	}
	for _, a := range prod.Resources("aws_cloudwatch_metric_alarm") {
		if fmt.Sprint(a["alarm_actions"]) != "["+prod.Ref("aws_sns_topic", "monitoring_topic", "arn")+"]" {
			t.Errorf("alarm %v notifies %v, not the topic", a["alarm_name"], a["alarm_actions"])
		}
	}
}

func TestPlanFrontend(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	for _, name := range []string{"dev", "prod"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := stack(t, name).env
			var ui map[string]any
			for _, b := range planned(t, name, "aws_s3_bucket") {
				if b["bucket_prefix"] == env.Prefix()+"-ui-" {
					ui = b
				}
			}
			if ui == nil {
				t.Fatalf("no bucket with prefix %s-ui-", env.Prefix())
			}
			for _, pab := range planned(t, name, "aws_s3_bucket_public_access_block") {
				expect(t, "public access block", pab, map[string]any{"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true})
			}

			d := one(t, name, "aws_cloudfront_distribution")
			expect(t, "distribution", d, map[string]any{
				"enabled": true, "is_ipv6_enabled": true, "http_version": "http2and3",
				"default_root_object": "index.html", "price_class": env.UI.PriceClass,
			})
			expect(t, "default behavior", block(d, "default_cache_behavior"), map[string]any{
				"target_origin_id": "ui-bucket", "viewer_protocol_policy": "redirect-to-https",
				"cache_policy_id": frontend.CachingOptimizedPolicyID, "compress": true,
			})
			var paths []string
			for _, b := range d["ordered_cache_behavior"].([]any) {
				b := b.(map[string]any)
				paths = append(paths, b["path_pattern"].(string))
				expect(t, "bridge behavior "+b["path_pattern"].(string), b, map[string]any{
					"target_origin_id": "bridge-alb", "viewer_protocol_policy": "https-only",
					"cache_policy_id":          frontend.CachingDisabledPolicyID,
					"origin_request_policy_id": frontend.AllViewerExceptHostHeaderPolicyID,
					"allowed_methods":          "[DELETE GET HEAD OPTIONS PATCH POST PUT]",
				})
			}
			if want := frontend.BridgePaths; !reflect.DeepEqual(paths, want) {
				t.Errorf("ordered behaviors %v, want %v", paths, want)
			}
			// SPA routing by a function on the UI behaviour only: no error
			// mapping that would answer a bridge 404 with index.html.
			if cer, _ := d["custom_error_response"].([]any); len(cer) != 0 {
				t.Errorf("custom_error_response = %v, want none", cer)
			}
			expect(t, "SPA routing", block(block(d, "default_cache_behavior"), "function_association"), map[string]any{"event_type": "viewer-request"})
			expect(t, "SPA function", one(t, name, "aws_cloudfront_function"), map[string]any{
				"name": env.Prefix() + "-spa-routing", "runtime": "cloudfront-js-2.0", "publish": true, "code": frontend.SPARoutingCode,
			})

			originProtocol := "http-only"
			if env.LoadBalancer.HTTPS {
				originProtocol = "https-only"
			}
			for _, o := range d["origin"].([]any) {
				o := o.(map[string]any)
				if o["origin_id"] != "bridge-alb" {
					continue
				}
				if !env.PrivateALB() {
					expect(t, "bridge origin", block(o, "custom_origin_config"), map[string]any{"origin_protocol_policy": originProtocol, "origin_read_timeout": 60})
					continue
				}
				// Through the VPC origin, by the name on the ALB's certificate.
				expect(t, "bridge origin", o, map[string]any{"domain_name": env.APIDomain(), "custom_origin_config": "[]"})
				expect(t, "bridge VPC origin", block(o, "vpc_origin_config"), map[string]any{"origin_read_timeout": 60, "origin_keepalive_timeout": 60})
				endpoint := block(one(t, name, "aws_cloudfront_vpc_origin"), "vpc_origin_endpoint_config")
				expect(t, "VPC origin endpoint", endpoint, map[string]any{"name": env.Prefix() + "-bridge", "origin_protocol_policy": originProtocol, "http_port": 80, "https_port": 443})
			}

			cert := block(d, "viewer_certificate")
			if env.DomainName == "" {
				expect(t, "viewer certificate", cert, map[string]any{"cloudfront_default_certificate": true})
			} else {
				expect(t, "viewer certificate", cert, map[string]any{"ssl_support_method": "sni-only", "minimum_protocol_version": "TLSv1.2_2021"})
				expect(t, "aliases", d, map[string]any{"aliases": "[" + env.DomainName + "]"})
			}
		})
	}
}

// TestPlanIsCreateOnly: a fresh plan only creates (and reads data sources).
func TestPlanIsCreateOnly(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	for _, name := range []string{"dev", "prod"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, rc := range plan(t, name).ResourceChanges {
				if !rc.Change.Actions.Create() && !rc.Change.Actions.Read() {
					t.Errorf("%s: action %v, want create", rc.Address, rc.Change.Actions)
				}
			}
		})
	}
}

// TestEveryResourceCarriesDefaultTags checks every taggable planned resource.
func TestEveryResourceCarriesDefaultTags(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	for _, name := range []string{"dev", "prod"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := stack(t, name).env
			tagged := 0
			for addr, r := range testutil.PlannedResources(plan(t, name)) {
				tags, ok := r.AttributeValues["tags_all"]
				if !ok {
					continue
				}
				tagged++
				m, _ := tags.(map[string]any)
				for k, v := range map[string]string{"Project": env.ProjectName, "Environment": name, "ManagedBy": "cdktf"} {
					if m[k] != v {
						t.Errorf("%s: tag %s = %v, want %q", addr, k, m[k], v)
					}
				}
			}
			if tagged < 30 {
				t.Errorf("only %d resources have tags_all; the check did not see the stack", tagged)
			}
		})
	}
}
