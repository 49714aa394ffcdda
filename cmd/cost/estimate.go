package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Assumptions are the usage figures a stack cannot tell: one flag each (see fields).
type Assumptions struct {
	Hours           float64 `json:"hours"`   // 730 = 24 × 365 / 12
	NATGB           float64 `json:"natGB"`   // image pulls, calls to the Anthropic API
	NATS3GB         float64 `json:"natS3GB"` // of NATGB: image layers (ECR serves them from S3)
	ALBLCU          float64 `json:"albLCU"`
	LogGB           float64 `json:"logGB"`
	FlowLogGB       float64 `json:"flowLogGB"`
	InsightsMetrics float64 `json:"insightsMetrics"` // about 40 for a cluster with one service
	Requests        float64 `json:"requests"`
	CDNGB           float64 `json:"cdnGB"`
	CDNLogGB        float64 `json:"cdnLogGB"` // about 1 KB of JSON per request
	ECRGB           float64 `json:"ecrGB"`
	S3GB            float64 `json:"s3GB"`
	SecretCalls     float64 `json:"secretCalls"`  // tasks read the secret at start
	SpotDiscount    float64 `json:"spotDiscount"` // AWS advertises up to 70%; the current price moves
	AlwaysOn        bool    `json:"alwaysOn"`     // price scheduled services as running all month
}

// DefaultAssumptions are the flags' defaults; the README section uses them.
func DefaultAssumptions() Assumptions {
	return Assumptions{Hours: 730, NATGB: 50, NATS3GB: 30, ALBLCU: 1, LogGB: 5, FlowLogGB: 10, InsightsMetrics: 40,
		Requests: 1_000_000, CDNGB: 50, CDNLogGB: 1, ECRGB: 5, S3GB: 1, SecretCalls: 10_000, SpotDiscount: 0.70}
}

// assumption is one field of Assumptions with its flag name and meaning.
type assumption struct {
	Flag, Usage string
	Value       *float64
}

// fields lists the assumptions in the order flags and reports show them.
func (a *Assumptions) fields() []assumption {
	return []assumption{
		{"hours", "hours per month", &a.Hours},
		{"nat-gb", "GB processed per month by all NAT gateways", &a.NATGB},
		{"nat-s3-gb", "GB of -nat-gb that is S3 (ECR image layers): free through an S3 gateway endpoint", &a.NATS3GB},
		{"alb-lcu", "average LCUs per load balancer", &a.ALBLCU},
		{"log-gb", "GB of application logs ingested per month", &a.LogGB},
		{"flowlog-gb", "GB of VPC flow logs ingested per month (when on)", &a.FlowLogGB},
		{"insights-metrics", "Container Insights metrics per cluster (when on)", &a.InsightsMetrics},
		{"requests", "requests per month through CloudFront (and each WAF web ACL)", &a.Requests},
		{"cdn-gb", "GB per month CloudFront sends to viewers", &a.CDNGB},
		{"cdn-log-gb", "GB of CloudFront access logs per month (when on)", &a.CDNLogGB},
		{"ecr-gb", "GB of images stored per ECR repository", &a.ECRGB},
		{"s3-gb", "GB stored per S3 bucket", &a.S3GB},
		{"secret-calls", "Secrets Manager API calls per month", &a.SecretCalls},
		{"spot-discount", "Fargate Spot discount off on-demand (0-1)", &a.SpotDiscount},
	}
}

// Line is one priced component: its monthly cost at the autoscaling minimum and maximum.
type Line struct {
	Component string  `json:"component"`
	Detail    string  `json:"detail"`
	Min       float64 `json:"min"`
	Max       float64 `json:"max"`
}

// Report is the monthly estimate of one stack.
type Report struct {
	Stack       string      `json:"stack"`
	Region      string      `json:"region"`
	PricesAsOf  string      `json:"pricesAsOf"`
	Assumptions Assumptions `json:"assumptions"`
	Lines       []Line      `json:"lines"`
	Min         float64     `json:"totalMin"`
	Max         float64     `json:"totalMax"`
	Notes       []string    `json:"notes"`
	NotCounted  string      `json:"notCounted"`
}

var notCounted = "data transfer out to the internet and between AZs; " +
	"the Route 53 hosted zone of a custom domain (yours: " + priceHostedZoneMonth.String() + " a month); " +
	"CloudWatch, ECR and other account free tiers (only CloudFront's always-free tier is taken off); " +
	"Container Insights performance log ingestion; S3 and CloudWatch request charges; " +
	"taxes, Savings Plans and credits"

// Estimate prices the stack under a, reporting every problem of the stack at once.
func Estimate(s *Stack, a Assumptions) (Report, error) {
	if s.Region != pricedRegion {
		return Report{}, fmt.Errorf("region %q is not priced: the price table (cmd/cost/prices.go) has only %s list prices; estimate the stack with the region set to %s, or add that region's prices", s.Region, pricedRegion, pricedRegion)
	}
	e := &estimator{Stack: s, a: a, rep: Report{Stack: s.Path, Region: s.Region, PricesAsOf: pricesAsOf,
		Assumptions: a, Notes: []string{}, NotCounted: notCounted}}
	known := slices.Clone(free)
	for _, c := range components {
		if slices.ContainsFunc(c.types, func(t string) bool { return len(s.resources[t]) > 0 }) {
			c.price(e, s.resources[c.types[0]])
		}
		known = append(known, c.types...)
	}
	for _, typ := range slices.Sorted(maps.Keys(s.resources)) {
		if !slices.Contains(known, typ) {
			e.note("%d × %s: not priced by this report", len(s.resources[typ]), typ)
		}
	}
	return e.rep, errors.Join(e.errs...)
}

// estimator reads a stack and adds lines, notes and problems to a report.
type estimator struct {
	*Stack
	a    Assumptions
	rep  Report
	errs []error
}

func (e *estimator) add(c, detail string, min, max float64) {
	e.rep.Lines = append(e.rep.Lines, Line{c, detail, min, max})
	e.rep.Min, e.rep.Max = e.rep.Min+min, e.rep.Max+max
}
func (e *estimator) fixed(c, detail string, usd float64) { e.add(c, detail, usd, usd) }
func (e *estimator) note(format string, a ...any) {
	if n := fmt.Sprintf(format, a...); !slices.Contains(e.rep.Notes, n) {
		e.rep.Notes = append(e.rep.Notes, n) // once, though two components read a service
	}
}
func (e *estimator) fail(r resource, format string, a ...any) {
	if err := fmt.Errorf("%s: %s", r, fmt.Sprintf(format, a...)); !slices.ContainsFunc(e.errs, func(x error) bool { return x.Error() == err.Error() }) {
		e.errs = append(e.errs, err) // once, though two components read a service
	}
}

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
			parts = append(parts, fmt.Sprintf("%s %s × %s h", rangeText("%d", min, max), what, num(hours)))
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
			if get(svc.Attrs, "network_configuration.assign_public_ip") == true {
				min, max, hours, _ := e.running(svc)
				count(min, max, "task", hours)
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
			minTasks, maxTasks, h, schedule := e.running(svc)
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
			how := ""
			if spot /= max(all, 1); spot > 0 { // weights are whole numbers
				how = fmt.Sprintf(" (%s%% on Spot at %s%% off)", num(math.Round(spot*100)), num(e.a.SpotDiscount*100))
			}
			tasks := rangeText("%d", minTasks, maxTasks) + " task" + plural(maxTasks)
			// line adds the month of the tasks at per unit (vCPU or GB) each, the Spot share discounted.
			line := func(component string, per float64, unit string, rate price) {
				cost := func(n int) float64 { return float64(n) * (1 - spot*e.a.SpotDiscount) * per * h * rate.USD }
				e.add(component, fmt.Sprintf("%s × %s %s × %s h%s × %s%s", tasks, num(per), unit, num(h), schedule, rate, how), cost(minTasks), cost(maxTasks))
			}
			line("Fargate vCPU", e.number(td, "cpu")/1024, "vCPU", vcpuRate)
			line("Fargate memory", e.number(td, "memory")/1024, "GB", gbRate)
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
		flowLogs := func(g resource) bool { return len(e.referrers("aws_flow_log", "log_destination", g)) > 0 }
		cdnLogs := func(g resource) bool {
			return len(e.referrers("aws_cloudwatch_log_delivery_destination", "delivery_destination_configuration.destination_resource_arn", g)) > 0
		}
		e.logGroups("CloudWatch Logs", e.a.LogGB, groups, func(g resource) bool { return !flowLogs(g) && !cdnLogs(g) })
		e.logGroups("VPC flow logs", e.a.FlowLogGB, groups, flowLogs)
		e.logGroups("CloudFront access logs", e.a.CDNLogGB, groups, cdnLogs)
	}},
	// containerInsights is the only setting a cluster has.
	{[]string{"aws_ecs_cluster"}, func(e *estimator, clusters []resource) {
		n := len(slices.DeleteFunc(slices.Clone(clusters), func(c resource) bool { return get(c.Attrs, "setting.value") != "enabled" }))
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
			if pc := cmp.Or(d.Attrs["price_class"], any("PriceClass_All")); pc != "PriceClass_100" { // unset is All
				e.note("%s uses %v: viewers outside North America and Europe pay more than the US rates used here", d, pc)
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

// running is how a service runs: its minimum and maximum task count (its scaling target's, else
// desired_count) and how many hours a month, with how the schedule says so: all of them, or with
// an office-hours schedule (one action on its scaling target that starts it and one that stops it,
// to 0 tasks, at whole hours on the same days; see modules/ecs) its hours a week over the month's
// weeks. -always-on prices the month whatever the schedule.
func (e *estimator) running(svc resource) (min, max int, hours float64, schedule string) {
	min = int(e.number(svc, "desired_count"))
	max = min
	crons := map[bool][]string{} // schedules, by whether the action stops the service (to 0 tasks)
	for _, t := range e.referrers("aws_appautoscaling_target", "resource_id", svc) {
		min, max = int(e.number(t, "min_capacity")), int(e.number(t, "max_capacity"))
		for _, a := range e.referrers("aws_appautoscaling_scheduled_action", "resource_id", t) {
			stops := fmt.Sprint(get(a.Attrs, "scalable_target_action.max_capacity")) == "0"
			crons[stops] = append(crons[stops], fmt.Sprint(a.Attrs["schedule"]))
		}
	}
	var start, stop int
	var days, stopDays string
	actions := slices.Concat(crons[false], crons[true])
	n, _ := fmt.Sscanf(strings.Join(actions, " "), "cron(0 %d ? * %s *) cron(0 %d ? * %s *)", &start, &days, &stop, &stopDays)
	weekly := (strings.Count(days, ",") + 1) * (stop - start)
	switch {
	case len(crons) == 0: // no schedule: all month
	case len(actions) != 2 || len(crons) != 2 || n != 4 || days != stopDays || start >= stop || strings.ContainsAny(days, "-/#L"):
		e.fail(svc, "office-hours schedule %v is not priced: only one start and one stop (to 0 tasks), each cron(0 <hour> ? * <day list> *), on the same days, start first", actions)
	case e.a.AlwaysOn:
		e.note("%s is priced running all month (-always-on); its office hours (%s %02d:00-%02d:00) are %d h a week", svc, days, start, stop, weekly)
	default:
		return min, max, float64(weekly) * e.a.Hours / (7 * 24), fmt.Sprintf(" (office hours, %d h a week)", weekly)
	}
	return min, max, e.a.Hours, ""
}

// logGroups adds the lines of gb a month into the groups it selects. Stored data settles at a
// month's ingestion times the retention in months (the groups' longest: an upper bound).
func (e *estimator) logGroups(component string, gb float64, groups []resource, selects func(resource) bool) {
	groups = slices.DeleteFunc(slices.Clone(groups), func(g resource) bool { return !selects(g) })
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

// num formats a quantity (never negative) without trailing zeros, with thousands separators.
func num(f float64) string {
	whole, frac, _ := strings.Cut(strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.4f", f), "0"), "."), ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return strings.TrimSuffix(whole+"."+frac, ".")
}

// String is the unit price with the digits it needs, at least cents: "$0.04048", "$0.50".
func (p price) String() string {
	s := strings.TrimRight(fmt.Sprintf("%.6f", p.USD), "0")
	_, frac, _ := strings.Cut(s, ".")
	return "$" + s + strings.Repeat("0", max(0, 2-len(frac)))
}

// rangeText prints min, or "min–max" when they print differently: "2–6" tasks, "$12.34–$56.78".
func rangeText(format string, min, max any) string {
	lo, hi := fmt.Sprintf(format, min), fmt.Sprintf(format, max)
	return map[bool]string{true: lo, false: lo + "–" + hi}[lo == hi]
}

func plural(n int) string { return map[bool]string{true: "", false: "s"}[n == 1] }

// Stack is a cdk.tf.json: its default AWS provider's region, its resources by type and name.
type Stack struct {
	Path, Region string
	resources    map[string][]resource
}

// resource is one resource block of the stack.
type resource struct {
	Type, Name string
	Attrs      map[string]any
}

func (r resource) String() string { return r.Type + "." + r.Name }

func parseStack(data []byte) (*Stack, error) {
	var doc struct {
		Provider map[string][]map[string]any
		Resource map[string]map[string]map[string]any
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not a synthesized cdktf stack (a JSON object with provider and resource): %w", err)
	}
	aws := doc.Provider["aws"]
	i := slices.IndexFunc(aws, func(p map[string]any) bool { return p["alias"] == nil })
	if i < 0 {
		return nil, errors.New("no AWS provider without an alias (provider.aws); is this a synthesized cdktf AWS stack?")
	}
	region, _ := aws[i]["region"].(string)
	if region == "" || strings.Contains(region, "${") {
		return nil, fmt.Errorf("provider.aws region is %q; the report needs a literal region (set Region on the AwsProvider)", region)
	}
	s := &Stack{Region: region, resources: map[string][]resource{}}
	for typ, byName := range doc.Resource {
		for _, name := range slices.Sorted(maps.Keys(byName)) {
			r := resource{typ, name, byName[name]}
			if r.Attrs["count"] != nil || r.Attrs["for_each"] != nil {
				return nil, fmt.Errorf("%s uses count or for_each; the report prices one instance per resource block", r)
			}
			s.resources[typ] = append(s.resources[typ], r)
		}
	}
	return s, nil
}

// refersTo reports whether attribute v refers to r, as in "service/${aws_ecs_cluster.c.name}/${aws_ecs_service.bridge.name}":
// it looks for the address of a resource of the stack instead of parsing expressions.
func refersTo(v any, r resource) bool {
	s, _ := v.(string)
	return strings.Contains(s, "${"+r.Type+"."+r.Name+".")
}

// referrers are the resources of type typ whose attribute at path refers to r.
func (e *estimator) referrers(typ, path string, r resource) []resource {
	return slices.DeleteFunc(slices.Clone(e.resources[typ]), func(x resource) bool { return !refersTo(get(x.Attrs, path), r) })
}

// number reads a numeric attribute, a JSON number or a numeric string (cdktf writes
// both); when absent, def, or a problem without def.
func (e *estimator) number(r resource, path string, def ...float64) float64 {
	v := get(r.Attrs, path)
	f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
	switch {
	case v == nil && len(def) > 0:
		return def[0]
	case v == nil:
		e.fail(r, "%s is missing", path)
	case err != nil:
		e.fail(r, "%s is %q, not a number (a Terraform expression cannot be priced)", path, fmt.Sprint(v))
	}
	return f
}

// get returns the attribute at a dotted path ("runtime_platform.cpu_architecture") through
// nested blocks, which cdktf renders as an object or a list of one.
func get(attrs map[string]any, path string) any {
	var v any = attrs
	for key := range strings.SplitSeq(path, ".") {
		if list, ok := v.([]any); ok && len(list) > 0 {
			v = list[0]
		}
		m, _ := v.(map[string]any)
		v = m[key]
	}
	return v
}

// blocks returns the items of a repeated nested block.
func blocks(v any) []map[string]any {
	list, _ := v.([]any)
	var out []map[string]any
	for _, item := range list {
		m, _ := item.(map[string]any)
		out = append(out, m)
	}
	return out
}
