package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// components are the report's lines in order: the table to extend when the app creates a new
// resource type (one that costs nothing goes in free; the report notes any other as not priced).
// An entry runs when the stack has a resource of a type it lists and gets those of the first type.
var components = []struct {
	types []string
	price func(e *estimator, rs []resource)
}{
	{[]string{"aws_nat_gateway"}, func(e *estimator, rs []resource) {
		n, h := len(rs), e.a.Hours
		e.fixed("NAT gateway hours", fmt.Sprintf("%d × %s h × %s", n, num(h), priceNATHour), float64(n)*h*priceNATHour.USD)
		gb, what := e.a.NATGB, num(e.a.NATGB)+" GB"
		if slices.ContainsFunc(e.resources["aws_vpc_endpoint"], func(r resource) bool {
			return slices.Contains([]any{nil, "Gateway"}, r.Attrs["vpc_endpoint_type"]) && strings.HasSuffix(fmt.Sprint(r.Attrs["service_name"]), ".s3")
		}) {
			gb -= min(e.a.NATS3GB, gb)
			what = fmt.Sprintf("(%s − %s S3 through the gateway endpoint) GB", num(e.a.NATGB), num(e.a.NATGB-gb))
		}
		e.fixed("NAT data processed", fmt.Sprintf("%s × %s", what, priceNATGB), gb*priceNATGB.USD)
	}},
	// Address-hours: per EIP and subnet of an internet-facing ALB all month, per task that gets one while it runs.
	{[]string{"aws_eip", "aws_lb", "aws_ecs_service"}, func(e *estimator, eips []resource) {
		var parts []string // "2 ALB × 730 h"
		var lo, hi float64
		count := func(min, max int, what string, hours float64) {
			lo, hi = lo+float64(min)*hours, hi+float64(max)*hours
			parts = append(parts, fmt.Sprintf("%s %s × %s h", rangeText(min, max), what, num(hours)))
		}
		if n := len(eips); n > 0 {
			count(n, n, "EIP", e.a.Hours)
		}
		for _, lb := range e.resources["aws_lb"] {
			if subnets, _ := lb.Attrs["subnets"].([]any); lb.Attrs["internal"] != true {
				count(len(subnets), len(subnets), "ALB", e.a.Hours)
			}
		}
		for _, svc := range e.resources["aws_ecs_service"] {
			if min, max := e.tasks(svc); get(svc.Attrs, "network_configuration.assign_public_ip") == true {
				run, _ := e.runHours(svc)
				count(min, max, "task", run)
			}
		}
		if hi > 0 {
			e.add("Public IPv4 addresses", fmt.Sprintf("(%s) × %s", strings.Join(parts, " + "), priceIPv4Hour), lo*priceIPv4Hour.USD, hi*priceIPv4Hour.USD)
		}
	}},
	// Application load balancers, the only kind the app makes.
	{[]string{"aws_lb"}, func(e *estimator, rs []resource) {
		n, h := len(rs), e.a.Hours
		e.fixed("ALB hours", fmt.Sprintf("%d × %s h × %s", n, num(h), priceALBHour), float64(n)*h*priceALBHour.USD)
		e.fixed("ALB LCUs", fmt.Sprintf("%d × %s LCU × %s h × %s", n, num(e.a.ALBLCU), num(h), priceLCUHour), float64(n)*e.a.ALBLCU*h*priceLCUHour.USD)
	}},
	{[]string{"aws_ecs_service", "aws_ecs_task_definition", "aws_appautoscaling_target", "aws_ecs_cluster_capacity_providers", "aws_appautoscaling_scheduled_action"}, func(e *estimator, services []resource) {
		for _, svc := range services {
			h, schedule := e.runHours(svc)
			i := slices.IndexFunc(e.resources["aws_ecs_task_definition"], func(td resource) bool { return refersTo(svc.Attrs["task_definition"], td) })
			if i < 0 {
				e.fail(svc, "task_definition %q is not an aws_ecs_task_definition of the stack", svc.Attrs["task_definition"])
				continue
			}
			td := e.resources["aws_ecs_task_definition"][i]
			vcpuRate, gbRate := priceFargateX86VCPU, priceFargateX86GB
			if get(td.Attrs, "runtime_platform.cpu_architecture") == "ARM64" {
				vcpuRate, gbRate = priceFargateARMVCPU, priceFargateARMGB
			}
			// The share of tasks on Spot, by the weights of the strategy (the app sets no base).
			var spot, all float64
			for _, cp := range blocks(svc.Attrs["capacity_provider_strategy"]) {
				w := e.number(resource{svc.Type, svc.Name + ".capacity_provider_strategy", cp}, "weight", 0)
				if all += w; cp["capacity_provider"] == "FARGATE_SPOT" {
					spot += w
				}
			}
			spot /= max(all, 1) // weights are whole numbers
			how := ""
			if spot > 0 {
				how = fmt.Sprintf(" (%s%% on Spot at %s%% off)", num(math.Round(spot*100)), num(e.a.SpotDiscount*100))
			}
			// cost is the month of n tasks of per vCPU or GB each, the Spot share discounted.
			cost := func(n int, per float64, rate price) float64 {
				return float64(n) * (1 - spot*e.a.SpotDiscount) * per * h * rate.USD
			}
			minTasks, maxTasks := e.tasks(svc)
			vcpu, gb, tasks := e.number(td, "cpu")/1024, e.number(td, "memory")/1024, rangeText(minTasks, maxTasks)+" task"+plural(maxTasks)
			e.add("Fargate vCPU", fmt.Sprintf("%s × %s vCPU × %s h%s × %s%s", tasks, num(vcpu), num(h), schedule, vcpuRate, how),
				cost(minTasks, vcpu, vcpuRate), cost(maxTasks, vcpu, vcpuRate))
			e.add("Fargate memory", fmt.Sprintf("%s × %s GB × %s h%s × %s%s", tasks, num(gb), num(h), schedule, gbRate, how),
				cost(minTasks, gb, gbRate), cost(maxTasks, gb, gbRate))
			disk, p := e.number(td, "ephemeral_storage.size_in_gib", 20), priceFargateStorageGB
			if extra := disk - 20; extra > 0 { // above the free 20 GiB; not discounted on Spot
				e.add("Fargate ephemeral storage", fmt.Sprintf("%s × (%s − 20) GB × %s h × %s", tasks, num(disk), num(h), p),
					float64(minTasks)*extra*h*p.USD, float64(maxTasks)*extra*h*p.USD)
			}
		}
	}},
	// The log groups by what fills them: the application, VPC flow logs, CloudFront's access logs.
	{[]string{"aws_cloudwatch_log_group", "aws_flow_log"}, func(e *estimator, groups []resource) {
		for _, fl := range e.resources["aws_flow_log"] {
			if !slices.ContainsFunc(groups, func(g resource) bool { return refersTo(fl.Attrs["log_destination"], g) }) {
				e.fail(fl, "log_destination is not an aws_cloudwatch_log_group of the stack; only flow logs to CloudWatch Logs are priced")
			}
		}
		filledBy := map[string][]resource{}
		for _, g := range groups {
			by := "CloudWatch Logs"
			if slices.ContainsFunc(e.resources["aws_flow_log"], func(fl resource) bool { return refersTo(fl.Attrs["log_destination"], g) }) {
				by = "VPC flow logs"
			} else if slices.ContainsFunc(e.resources["aws_cloudwatch_log_delivery_destination"], func(d resource) bool {
				return refersTo(get(d.Attrs, "delivery_destination_configuration.destination_resource_arn"), g)
			}) {
				by = "CloudFront access logs"
			}
			filledBy[by] = append(filledBy[by], g)
		}
		e.logGroups("CloudWatch Logs", e.a.LogGB, filledBy["CloudWatch Logs"])
		e.logGroups("VPC flow logs", e.a.FlowLogGB, filledBy["VPC flow logs"])
		e.logGroups("CloudFront access logs", e.a.CDNLogGB, filledBy["CloudFront access logs"])
	}},
	{[]string{"aws_ecs_cluster"}, func(e *estimator, clusters []resource) {
		n := len(slices.DeleteFunc(slices.Clone(clusters), func(c resource) bool {
			return !slices.ContainsFunc(blocks(c.Attrs["setting"]), func(s map[string]any) bool { return s["name"] == "containerInsights" && s["value"] == "enabled" })
		}))
		if n > 0 {
			e.fixed("Container Insights", fmt.Sprintf("%d cluster × %s metrics × %s", n, num(e.a.InsightsMetrics), priceMetricMonth), float64(n)*e.a.InsightsMetrics*priceMetricMonth.USD)
		}
	}},
	// Alarms are billed per metric they read (a metric-math alarm: each metric of its expression);
	// AWS makes two (high and low), of a metric each, for each target-tracking policy.
	{[]string{"aws_cloudwatch_metric_alarm", "aws_appautoscaling_policy"}, func(e *estimator, alarms []resource) {
		policies := slices.DeleteFunc(slices.Clone(e.resources["aws_appautoscaling_policy"]), func(r resource) bool { return r.Attrs["policy_type"] != "TargetTrackingScaling" })
		tracking := 2 * len(policies)
		n, metrics := len(alarms)+tracking, tracking
		for _, a := range alarms {
			metrics += max(1, len(slices.DeleteFunc(blocks(a.Attrs["metric_query"]), func(q map[string]any) bool { return q["metric"] == nil })))
		}
		e.fixed("CloudWatch alarms", fmt.Sprintf("%d alarm%s (%d for target tracking) reading %d metrics × %s", n, plural(n), tracking, metrics, priceAlarmMonth), float64(metrics)*priceAlarmMonth.USD)
	}},
	{[]string{"aws_cloudwatch_dashboard"}, func(e *estimator, rs []resource) {
		e.fixed("CloudWatch dashboards", fmt.Sprintf("%d × %s", len(rs), priceDashboardMonth), float64(len(rs))*priceDashboardMonth.USD)
	}},
	{[]string{"aws_budgets_budget"}, func(e *estimator, rs []resource) {
		n, days := len(rs), e.a.Hours/24
		e.fixed("AWS Budgets", fmt.Sprintf("%d × %s days × %s", n, num(days), priceBudgetDay), float64(n)*days*priceBudgetDay.USD)
	}},
	{[]string{"aws_secretsmanager_secret"}, func(e *estimator, rs []resource) {
		e.fixed("Secrets Manager", fmt.Sprintf("%d × %s + %s calls × %s per 10k", len(rs), priceSecretMonth, num(e.a.SecretCalls), priceSecret10kAPI),
			float64(len(rs))*priceSecretMonth.USD+e.a.SecretCalls/10_000*priceSecret10kAPI.USD)
	}},
	// Customer-managed keys; their requests (a few per alarm notification) are negligible.
	{[]string{"aws_kms_key"}, func(e *estimator, rs []resource) {
		e.fixed("KMS keys", fmt.Sprintf("%d × %s", len(rs), priceKMSKeyMonth), float64(len(rs))*priceKMSKeyMonth.USD)
	}},
	{[]string{"aws_ecr_repository"}, func(e *estimator, rs []resource) {
		e.fixed("ECR storage", fmt.Sprintf("%d repo × %s GB × %s", len(rs), num(e.a.ECRGB), priceECRGBMonth), float64(len(rs))*e.a.ECRGB*priceECRGBMonth.USD)
	}},
	{[]string{"aws_s3_bucket"}, func(e *estimator, rs []resource) {
		e.fixed("S3 storage", fmt.Sprintf("%d bucket%s × %s GB × %s", len(rs), plural(len(rs)), num(e.a.S3GB), priceS3GBMonth), float64(len(rs))*e.a.S3GB*priceS3GBMonth.USD)
	}},
	{[]string{"aws_cloudfront_distribution"}, func(e *estimator, distributions []resource) {
		gb, req := max(0, e.a.CDNGB-cdnFreeGB), max(0, e.a.Requests-cdnFreeRequests)
		e.fixed("CloudFront data out", afterFree(e.a.CDNGB, cdnFreeGB, " GB", priceCDNGB.String()), gb*priceCDNGB.USD)
		e.fixed("CloudFront requests", afterFree(e.a.Requests, cdnFreeRequests, " requests", priceCDN10kRequests.String()+" per 10k"), req/10_000*priceCDN10kRequests.USD)
		for _, d := range distributions {
			pc, _ := d.Attrs["price_class"].(string)
			if pc = cmp.Or(pc, "PriceClass_All"); pc != "PriceClass_100" {
				e.note("aws_cloudfront_distribution.%s uses %s: viewers outside North America and Europe pay more than the US rates used here", d.Name, pc)
			}
		}
	}},
	// Every viewer request counts: an upper bound, as only the UI behaviour runs the function.
	{[]string{"aws_cloudfront_function"}, func(e *estimator, rs []resource) {
		n := max(0, e.a.Requests-cfFunctionFree)
		e.fixed("CloudFront Functions", afterFree(e.a.Requests, cfFunctionFree, " invocations", priceCFFunctionMillion.String()+" per M"), n/1e6*priceCFFunctionMillion.USD)
	}},
	{[]string{"aws_wafv2_web_acl"}, func(e *estimator, acls []resource) {
		n, rules := len(acls), 0
		for _, acl := range acls {
			rules += len(blocks(acl.Attrs["rule"]))
		}
		e.fixed("WAF web ACL", fmt.Sprintf("%d × %s", n, priceWebACLMonth), float64(n)*priceWebACLMonth.USD)
		e.fixed("WAF rules", fmt.Sprintf("%d × %s", rules, priceWAFRuleMonth), float64(rules)*priceWAFRuleMonth.USD)
		e.fixed("WAF requests", fmt.Sprintf("%d × %s M × %s per M", n, num(e.a.Requests/1e6), priceWAFMillionCalls), float64(n)*e.a.Requests/1e6*priceWAFMillionCalls.USD)
	}},
}

// free are the types the app creates that cost nothing by themselves: an IP set (billed as a rule of its web ACL),
// Route 53 records (alias queries are free), the S3 gateway endpoint (the app's only endpoint; it lowers NAT data
// processed), the alarm topic (no monthly fee; publishes cost cents per 100,000), CloudFront VPC origins.
var free = []string{
	"aws_acm_certificate", "aws_acm_certificate_validation", "aws_cloudfront_origin_access_control",
	"aws_cloudfront_response_headers_policy", "aws_cloudfront_vpc_origin", "aws_cloudwatch_log_delivery",
	"aws_cloudwatch_log_delivery_destination", "aws_cloudwatch_log_delivery_source",
	"aws_cloudwatch_log_resource_policy", "aws_default_security_group", "aws_ecr_lifecycle_policy", "aws_iam_role",
	"aws_iam_role_policy", "aws_internet_gateway", "aws_kms_alias", "aws_kms_key_policy", "aws_lb_listener",
	"aws_lb_target_group", "aws_route", "aws_route53_record", "aws_route_table", "aws_route_table_association",
	"aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy",
	"aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration",
	"aws_s3_bucket_versioning", "aws_secretsmanager_secret_version", "aws_security_group", "aws_sns_topic",
	"aws_sns_topic_policy", "aws_sns_topic_subscription", "aws_subnet", "aws_vpc", "aws_vpc_endpoint",
	"aws_vpc_security_group_egress_rule", "aws_vpc_security_group_ingress_rule", "aws_wafv2_ip_set",
}

// tasks is a service's minimum and maximum task count: its scaling target's, else desired_count.
func (e *estimator) tasks(svc resource) (min, max int) {
	min = int(e.number(svc, "desired_count"))
	max = min
	for _, t := range e.resources["aws_appautoscaling_target"] {
		if refersTo(t.Attrs["resource_id"], svc) {
			min, max = int(e.number(t, "min_capacity")), int(e.number(t, "max_capacity"))
		}
	}
	return min, max
}

// runHours is how many hours a month a service runs, and how the schedule says so: all of them,
// or with an office-hours schedule (one action on its scaling target that starts it and one that
// stops it, to 0 tasks, at whole hours on the same days; see modules/ecs) its hours a week over
// the month's weeks. -always-on prices the month whatever the schedule.
func (e *estimator) runHours(svc resource) (float64, string) {
	var start, stop []resource
	for _, t := range e.resources["aws_appautoscaling_target"] {
		for _, a := range e.resources["aws_appautoscaling_scheduled_action"] {
			if refersTo(t.Attrs["resource_id"], svc) && refersTo(a.Attrs["resource_id"], t) {
				if fmt.Sprint(get(a.Attrs, "scalable_target_action.max_capacity")) == "0" {
					stop = append(stop, a)
				} else {
					start = append(start, a)
				}
			}
		}
	}
	if len(start)+len(stop) == 0 {
		return e.a.Hours, ""
	}
	var days [2]string
	var hours [2]int
	var crons []any
	ok := len(start) == 1 && len(stop) == 1
	for i, a := range slices.Concat(start, stop) {
		crons = append(crons, a.Attrs["schedule"])
		if n, _ := fmt.Sscanf(fmt.Sprint(a.Attrs["schedule"]), "cron(0 %d ? * %s *)", &hours[min(i, 1)], &days[min(i, 1)]); n != 2 {
			ok = false
		}
	}
	if !ok || days[0] != days[1] || hours[0] >= hours[1] || strings.ContainsAny(days[0], "-/#L") {
		e.fail(svc, "office-hours schedule %v is not priced: only one start and one stop (to 0 tasks), each cron(0 <hour> ? * <day list> *), on the same days, start first", crons)
		return e.a.Hours, ""
	}
	weekly := (strings.Count(days[0], ",") + 1) * (hours[1] - hours[0])
	if e.a.AlwaysOn {
		e.note("%s is priced running all month (-always-on); its office hours (%s %02d:00-%02d:00) are %d h a week", svc, days[0], hours[0], hours[1], weekly)
		return e.a.Hours, ""
	}
	return float64(weekly) * e.a.Hours / (7 * 24), fmt.Sprintf(" (office hours, %d h a week)", weekly)
}

// logGroups adds the lines of gb a month into groups. Stored data settles at a month's
// ingestion times the retention in months (the groups' longest: an upper bound).
func (e *estimator) logGroups(component string, gb float64, groups []resource) {
	days := 0
	for _, g := range groups {
		days = max(days, int(e.number(g, "retention_in_days")))
	}
	if n, months := len(groups), float64(days)*12/365; n > 0 {
		e.fixed(component+" ingestion", fmt.Sprintf("%s GB × %s (%d group%s)", num(gb), priceLogIngestGB, n, plural(n)), gb*priceLogIngestGB.USD)
		e.fixed(component+" storage", fmt.Sprintf("%s GB × %d days retention (%s months) × %s", num(gb), days, num(months), priceLogStoreGB), gb*months*priceLogStoreGB.USD)
	}
}

func afterFree(used, free float64, unit, rate string) string {
	if used <= free {
		return fmt.Sprintf("%s%s, within the %s%s free tier", num(used), unit, num(free), unit)
	}
	return fmt.Sprintf("(%s − %s free)%s × %s", num(used), num(free), unit, rate)
}
