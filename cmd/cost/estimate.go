package main

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Assumptions are the usage figures a stack cannot tell. Each is a flag of the
// command (see fields) and is printed with every report.
type Assumptions struct {
	// Hours the stack runs in a month. Default: 730 (24 × 365 / 12).
	Hours float64 `json:"hours"`
	// NATGB is the data processed by all NAT gateways together (image pulls,
	// calls to the Anthropic API). Default: 50 GB.
	NATGB float64 `json:"natGB"`
	// ALBLCU is the average LCUs each load balancer uses. Default: 1.
	ALBLCU float64 `json:"albLCU"`
	// LogGB is the application log data ingested into CloudWatch Logs.
	// Default: 5 GB.
	LogGB float64 `json:"logGB"`
	// FlowLogGB is the VPC flow log data ingested, when flow logs are on.
	// Default: 10 GB.
	FlowLogGB float64 `json:"flowLogGB"`
	// InsightsMetrics is the custom metrics Container Insights publishes per
	// cluster: about 40 for one cluster with one service and one task family
	// (cluster, service and task-family dimensions). Default: 40.
	InsightsMetrics float64 `json:"insightsMetrics"`
	// Requests is the HTTP requests to the UI through CloudFront; each web ACL
	// inspects as many. Default: 1,000,000.
	Requests float64 `json:"requests"`
	// CDNGB is the data CloudFront sends to viewers. Default: 50 GB.
	CDNGB float64 `json:"cdnGB"`
	// ECRGB is the image data stored in each ECR repository. Default: 5 GB.
	ECRGB float64 `json:"ecrGB"`
	// S3GB is the data stored in each S3 bucket. Default: 1 GB.
	S3GB float64 `json:"s3GB"`
	// SecretCalls is the Secrets Manager API calls (tasks read the secret at
	// start). Default: 10,000.
	SecretCalls float64 `json:"secretCalls"`
	// SpotDiscount is Fargate Spot's discount off on-demand; AWS advertises up
	// to 70% and publishes a moving current price. Default: 0.70.
	SpotDiscount float64 `json:"spotDiscount"`
}

// DefaultAssumptions are the flags' defaults; the README section uses them.
func DefaultAssumptions() Assumptions {
	return Assumptions{
		Hours:           730,
		NATGB:           50,
		ALBLCU:          1,
		LogGB:           5,
		FlowLogGB:       10,
		InsightsMetrics: 40,
		Requests:        1_000_000,
		CDNGB:           50,
		ECRGB:           5,
		S3GB:            1,
		SecretCalls:     10_000,
		SpotDiscount:    0.70,
	}
}

// assumption is one field of Assumptions with its flag name and meaning.
type assumption struct {
	Flag  string
	Value *float64
	Usage string
}

// fields lists the assumptions in the order flags and reports show them.
func (a *Assumptions) fields() []assumption {
	return []assumption{
		{"hours", &a.Hours, "hours per month"},
		{"nat-gb", &a.NATGB, "GB processed per month by all NAT gateways"},
		{"alb-lcu", &a.ALBLCU, "average LCUs per load balancer"},
		{"log-gb", &a.LogGB, "GB of application logs ingested per month"},
		{"flowlog-gb", &a.FlowLogGB, "GB of VPC flow logs ingested per month (when on)"},
		{"insights-metrics", &a.InsightsMetrics, "Container Insights metrics per cluster (when on)"},
		{"requests", &a.Requests, "requests per month through CloudFront (and each WAF web ACL)"},
		{"cdn-gb", &a.CDNGB, "GB per month CloudFront sends to viewers"},
		{"ecr-gb", &a.ECRGB, "GB of images stored per ECR repository"},
		{"s3-gb", &a.S3GB, "GB stored per S3 bucket"},
		{"secret-calls", &a.SecretCalls, "Secrets Manager API calls per month"},
		{"spot-discount", &a.SpotDiscount, "Fargate Spot discount off on-demand (0-1)"},
	}
}

// Validate reports every assumption out of range.
func (a Assumptions) Validate() error {
	var errs []error
	for _, f := range a.fields() {
		if *f.Value < 0 || math.IsNaN(*f.Value) || math.IsInf(*f.Value, 0) {
			errs = append(errs, fmt.Errorf("-%s is %v; want a number >= 0", f.Flag, *f.Value))
		}
	}
	if a.Hours > 744 {
		errs = append(errs, fmt.Errorf("-hours is %v; a month has at most 744 hours", a.Hours))
	}
	if a.SpotDiscount >= 1 {
		errs = append(errs, fmt.Errorf("-spot-discount is %v; want a fraction below 1 (0.70 is 70%% off)", a.SpotDiscount))
	}
	return errors.Join(errs...)
}

// Line is one priced component: a monthly cost with autoscaling at its
// minimum and at its maximum (equal when nothing scales).
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

// notCounted says what no line covers.
const notCounted = "data transfer out to the internet and between AZs; " +
	"CloudWatch, ECR and other account free tiers (only CloudFront's always-free tier is taken off); " +
	"Container Insights performance log ingestion; S3 and CloudWatch request charges; " +
	"taxes, Savings Plans and credits"

// Estimate prices inv under a. It is a pure function: same input, same report.
func Estimate(inv Inventory, a Assumptions) (Report, error) {
	if inv.Region != pricedRegion {
		return Report{}, fmt.Errorf("region %q is not priced: the price table (cmd/cost/prices.go) has only %s list prices; estimate the stack with the region set to %s, or add that region's prices", inv.Region, pricedRegion, pricedRegion)
	}
	if err := a.Validate(); err != nil {
		return Report{}, err
	}
	e := estimator{a: a, rep: Report{
		Stack: inv.Stack, Region: inv.Region, PricesAsOf: pricesAsOf,
		Assumptions: a, Notes: append([]string{}, inv.Notes...), NotCounted: notCounted,
	}}
	e.network(inv)
	e.loadBalancers(inv)
	e.fargate(inv)
	e.observability(inv)
	e.storage(inv)
	e.edge(inv)
	e.unpriced(inv)
	for _, l := range e.rep.Lines {
		e.rep.Min += l.Min
		e.rep.Max += l.Max
	}
	return e.rep, nil
}

// estimator appends lines to a report.
type estimator struct {
	a   Assumptions
	rep Report
}

func (e *estimator) add(component, detail string, min, max float64) {
	e.rep.Lines = append(e.rep.Lines, Line{component, detail, min, max})
}

func (e *estimator) fixed(component, detail string, usd float64) {
	e.add(component, detail, usd, usd)
}

func (e *estimator) note(format string, args ...any) {
	e.rep.Notes = append(e.rep.Notes, fmt.Sprintf(format, args...))
}

// network prices NAT gateways and public IPv4 addresses.
func (e *estimator) network(inv Inventory) {
	h := e.a.Hours
	if n := inv.NATGateways; n > 0 {
		e.fixed("NAT gateway hours", fmt.Sprintf("%d × %s h × %s", n, num(h), usd(priceNATHour)), float64(n)*h*priceNATHour.USD)
		e.fixed("NAT data processed", fmt.Sprintf("%s GB × %s", num(e.a.NATGB), usd(priceNATGB)), e.a.NATGB*priceNATGB.USD)
	}
	var parts []string
	fixedIPs := inv.ElasticIPs
	if inv.ElasticIPs > 0 {
		parts = append(parts, fmt.Sprintf("%d EIP", inv.ElasticIPs))
	}
	for _, lb := range inv.LoadBalancers {
		if !lb.Internal {
			fixedIPs += lb.Subnets
			parts = append(parts, fmt.Sprintf("%d %s", lb.Subnets, lbKind(lb)))
		}
	}
	minIPs, maxIPs := float64(fixedIPs), float64(fixedIPs)
	for _, s := range inv.Services {
		if s.PublicIP {
			minIPs += float64(s.MinTasks)
			maxIPs += float64(s.MaxTasks)
			parts = append(parts, rangeText(s.MinTasks, s.MaxTasks)+" task")
		}
	}
	if maxIPs > 0 {
		e.add("Public IPv4 addresses", fmt.Sprintf("(%s) = %s × %s h × %s", strings.Join(parts, " + "), rangeF(minIPs, maxIPs), num(h), usd(priceIPv4Hour)),
			minIPs*h*priceIPv4Hour.USD, maxIPs*h*priceIPv4Hour.USD)
	}
}

// loadBalancers prices ALB hours and LCUs.
func (e *estimator) loadBalancers(inv Inventory) {
	n := 0
	for _, lb := range inv.LoadBalancers {
		if lb.Type != "application" {
			e.note("aws_lb.%s is a %s load balancer: not priced (only its public IPv4 addresses are)", lb.Name, lb.Type)
			continue
		}
		n++
	}
	if n == 0 {
		return
	}
	h := e.a.Hours
	e.fixed("ALB hours", fmt.Sprintf("%d × %s h × %s", n, num(h), usd(priceALBHour)), float64(n)*h*priceALBHour.USD)
	e.fixed("ALB LCUs", fmt.Sprintf("%d × %s LCU × %s h × %s", n, num(e.a.ALBLCU), num(h), usd(priceLCUHour)), float64(n)*e.a.ALBLCU*h*priceLCUHour.USD)
}

// fargate prices each service's tasks at their minimum and maximum count.
func (e *estimator) fargate(inv Inventory) {
	h := e.a.Hours
	for _, s := range inv.Services {
		suffix := ""
		if len(inv.Services) > 1 {
			suffix = " (" + s.Name + ")"
		}
		vcpuRate, gbRate := priceFargateX86VCPU, priceFargateX86GB
		if s.Arch == "ARM64" {
			vcpuRate, gbRate = priceFargateARMVCPU, priceFargateARMGB
			if spotShare(s) > 0 {
				e.note("aws_ecs_service.%s runs ARM64 tasks on FARGATE_SPOT, which Fargate has not supported (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html); priced as ARM64 less the Spot discount", s.Name)
			}
		}
		// cost is the month of n tasks of unit vCPU or GB, Spot tasks discounted.
		cost := func(n int, unit float64, p price) float64 {
			od, spot := split(float64(n), s.Strategy)
			return (od + spot*(1-e.a.SpotDiscount)) * unit * h * p.USD
		}
		vcpu, gb := s.CPU/1024, s.MemoryMiB/1024
		tasks := rangeText(s.MinTasks, s.MaxTasks) + " task" + plural(s.MaxTasks)
		how := capacityText(s, e.a.SpotDiscount)
		e.add("Fargate vCPU"+suffix, fmt.Sprintf("%s × %s vCPU × %s h × %s%s", tasks, num(vcpu), num(h), usd(vcpuRate), how),
			cost(s.MinTasks, vcpu, vcpuRate), cost(s.MaxTasks, vcpu, vcpuRate))
		e.add("Fargate memory"+suffix, fmt.Sprintf("%s × %s GB × %s h × %s%s", tasks, num(gb), num(h), usd(gbRate), how),
			cost(s.MinTasks, gb, gbRate), cost(s.MaxTasks, gb, gbRate))
		if extra := s.EphemeralGiB - 20; extra > 0 {
			// Storage is not discounted on Spot.
			p := priceFargateStorageGB
			e.add("Fargate ephemeral storage"+suffix, fmt.Sprintf("%s × (%s − 20) GB × %s h × %s", tasks, num(s.EphemeralGiB), num(h), usd(p)),
				float64(s.MinTasks)*extra*h*p.USD, float64(s.MaxTasks)*extra*h*p.USD)
		}
	}
}

// split returns how many of n tasks run on FARGATE and on FARGATE_SPOT: the
// base of a provider first, the rest in proportion to the weights, as ECS
// places them. An empty strategy is launch_type FARGATE.
func split(n float64, strategy []CapacityProvider) (onDemand, spot float64) {
	if len(strategy) == 0 {
		return n, 0
	}
	put := func(cp CapacityProvider, k float64) {
		if cp.Name == "FARGATE_SPOT" {
			spot += k
		} else {
			onDemand += k
		}
	}
	rest, weights := n, 0.0
	for _, cp := range strategy {
		k := math.Min(cp.Base, rest)
		put(cp, k)
		rest -= k
		weights += cp.Weight
	}
	if weights == 0 {
		put(strategy[0], rest)
		return onDemand, spot
	}
	for _, cp := range strategy {
		put(cp, rest*cp.Weight/weights)
	}
	return onDemand, spot
}

// spotShare is the fraction of a service's maximum tasks on Spot.
func spotShare(s Service) float64 {
	if s.MaxTasks == 0 {
		return 0
	}
	_, spot := split(float64(s.MaxTasks), s.Strategy)
	return spot / float64(s.MaxTasks)
}

// capacityText describes where the tasks run, for a line's detail.
func capacityText(s Service, discount float64) string {
	off := fmt.Sprintf("%s%% off", num(discount*100))
	switch share := spotShare(s); {
	case share == 0:
		return ""
	case share == 1:
		return " on Spot (" + off + ")"
	default:
		return fmt.Sprintf(" (%s%% on Spot at %s)", num(math.Round(share*100)), off)
	}
}

// observability prices CloudWatch Logs, flow logs, Container Insights and alarms.
func (e *estimator) observability(inv Inventory) {
	var app, flow []LogGroup
	for _, g := range inv.LogGroups {
		if g.FlowLogs {
			flow = append(flow, g)
		} else {
			app = append(app, g)
		}
	}
	if len(app) > 0 {
		e.logs("CloudWatch Logs", e.a.LogGB, app)
	}
	if inv.FlowLogs > 0 {
		if len(flow) == 0 {
			flow = inv.LogGroups
			e.note("no log group is the destination of a flow log by reference; flow log storage uses the longest retention of all groups")
		}
		e.logs("VPC flow logs", e.a.FlowLogGB, flow)
	}
	clusters := 0
	for _, c := range inv.Clusters {
		switch c.Insights {
		case "enabled":
			clusters++
		case "enhanced":
			clusters++
			e.note("aws_ecs_cluster.%s has Container Insights with enhanced observability, which adds task- and container-level metrics: priced like standard, so a lower bound", c.Name)
		}
	}
	if clusters > 0 {
		e.fixed("Container Insights", fmt.Sprintf("%d cluster × %s metrics × %s", clusters, num(e.a.InsightsMetrics), usd(priceMetricMonth)),
			float64(clusters)*e.a.InsightsMetrics*priceMetricMonth.USD)
	}
	if n := inv.Alarms + 2*inv.TargetTrackingPolicies; n > 0 {
		var parts []string
		if inv.Alarms > 0 {
			parts = append(parts, fmt.Sprintf("%d alarm%s", inv.Alarms, plural(inv.Alarms)))
		}
		if p := inv.TargetTrackingPolicies; p > 0 {
			parts = append(parts, fmt.Sprintf("%d target-tracking polic%s × 2 alarms", p, map[bool]string{true: "y", false: "ies"}[p == 1]))
		}
		e.fixed("CloudWatch alarms", fmt.Sprintf("(%s) × %s", strings.Join(parts, " + "), usd(priceAlarmMonth)), float64(n)*priceAlarmMonth.USD)
	}
}

// logs adds the ingestion and storage lines of gb a month into groups. Stored
// data settles at a month's ingestion times the retention in months; the
// longest retention of the groups is used (an upper bound), and a group that
// never expires counts as one year.
func (e *estimator) logs(component string, gb float64, groups []LogGroup) {
	days := 0
	for _, g := range groups {
		d := g.RetentionDays
		if d == 0 {
			d = 365
			e.note("log group %s never expires; its storage is counted as one year of logs", g.Name)
		}
		days = max(days, d)
	}
	months := float64(days) * 12 / 365
	e.fixed(component+" ingestion", fmt.Sprintf("%s GB × %s (%d group%s)", num(gb), usd(priceLogIngestGB), len(groups), plural(len(groups))), gb*priceLogIngestGB.USD)
	e.fixed(component+" storage", fmt.Sprintf("%s GB × %d days retention (%s months) × %s", num(gb), days, num(months), usd(priceLogStoreGB)), gb*months*priceLogStoreGB.USD)
}

// storage prices secrets, keys, ECR and S3.
func (e *estimator) storage(inv Inventory) {
	if n := inv.Secrets; n > 0 {
		e.fixed("Secrets Manager", fmt.Sprintf("%d × %s + %s calls × %s per 10k", n, usd(priceSecretMonth), num(e.a.SecretCalls), usd(priceSecret10kAPI)),
			float64(n)*priceSecretMonth.USD+e.a.SecretCalls/10_000*priceSecret10kAPI.USD)
	}
	if n := inv.KMSKeys; n > 0 {
		e.fixed("KMS keys", fmt.Sprintf("%d × %s", n, usd(priceKMSKeyMonth)), float64(n)*priceKMSKeyMonth.USD)
	}
	if n := inv.Repositories; n > 0 {
		e.fixed("ECR storage", fmt.Sprintf("%d repo × %s GB × %s", n, num(e.a.ECRGB), usd(priceECRGBMonth)), float64(n)*e.a.ECRGB*priceECRGBMonth.USD)
	}
	if n := inv.Buckets; n > 0 {
		e.fixed("S3 storage", fmt.Sprintf("%d bucket%s × %s GB × %s", n, plural(n), num(e.a.S3GB), usd(priceS3GBMonth)), float64(n)*e.a.S3GB*priceS3GBMonth.USD)
	}
}

// edge prices CloudFront, WAF, Route 53 and ACM.
func (e *estimator) edge(inv Inventory) {
	if len(inv.Distributions) > 0 {
		gb := math.Max(0, e.a.CDNGB-cdnFreeGB)
		e.fixed("CloudFront data out", afterFree(e.a.CDNGB, cdnFreeGB, " GB", usd(priceCDNGB)), gb*priceCDNGB.USD)
		req := math.Max(0, e.a.Requests-cdnFreeRequests)
		e.fixed("CloudFront requests", afterFree(e.a.Requests, cdnFreeRequests, " requests", usd(priceCDN10kRequests)+" per 10k"), req/10_000*priceCDN10kRequests.USD)
		for _, d := range inv.Distributions {
			if d.PriceClass != "PriceClass_100" {
				e.note("aws_cloudfront_distribution.%s uses %s: viewers outside North America and Europe pay more than the US rates used here", d.Name, d.PriceClass)
			}
		}
	}
	if n := len(inv.WebACLs); n > 0 {
		rules := 0
		for _, acl := range inv.WebACLs {
			rules += acl.Rules
			for _, g := range acl.PaidRuleGroups {
				e.note("aws_wafv2_web_acl.%s uses %s, which has a subscription and request fee not priced here", acl.Name, g)
			}
		}
		e.fixed("WAF web ACL", fmt.Sprintf("%d × %s", n, usd(priceWebACLMonth)), float64(n)*priceWebACLMonth.USD)
		e.fixed("WAF rules", fmt.Sprintf("%d × %s", rules, usd(priceWAFRuleMonth)), float64(rules)*priceWAFRuleMonth.USD)
		e.fixed("WAF requests", fmt.Sprintf("%d × %s M × %s per M", n, num(e.a.Requests/1e6), usd(priceWAFMillionCalls)), float64(n)*e.a.Requests/1e6*priceWAFMillionCalls.USD)
	}
	if n := len(inv.Records); n > 0 {
		alias := 0
		for _, r := range inv.Records {
			if r.Alias {
				alias++
			}
		}
		e.fixed("Route 53 records", fmt.Sprintf("%d record%s, %d alias (alias queries free)", n, plural(n), alias), 0)
		e.note("Route 53 counts only the stack's records, at $0: records cost nothing, alias queries to CloudFront and ALBs are free, and other records (DNS validation) see negligible queries; the hosted zone (%s/month) is yours and not counted", usd(priceHostedZoneMonth))
	}
	if n := inv.Certificates; n > 0 {
		e.fixed("ACM certificates", fmt.Sprintf("%d public certificate%s (free)", n, plural(n)), float64(n)*priceCertificate.USD)
	}
}

// unpriced notes resources the report does not know.
func (e *estimator) unpriced(inv Inventory) {
	types := make([]string, 0, len(inv.Unpriced))
	for t := range inv.Unpriced {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		e.note("%d × %s: not priced by this report", inv.Unpriced[t], t)
	}
}

// afterFree describes usage priced after a free allowance.
func afterFree(used, free float64, unit, rate string) string {
	if used <= free {
		return fmt.Sprintf("%s%s, within the %s%s free tier", num(used), unit, num(free), unit)
	}
	return fmt.Sprintf("(%s − %s free)%s × %s", num(used), num(free), unit, rate)
}

func lbKind(lb LoadBalancer) string {
	switch lb.Type {
	case "application":
		return "ALB"
	case "network":
		return "NLB"
	}
	return lb.Type + " LB"
}

// num formats a quantity without trailing zeros and with thousands separators.
func num(f float64) string {
	s := fmt.Sprintf("%.4f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	if neg {
		whole = "-" + whole
	}
	if frac != "" {
		return whole + "." + frac
	}
	return whole
}

// usd formats a unit price with the digits it needs, at least cents:
// "$0.04048", "$0.50".
func usd(p price) string {
	s := strings.TrimRight(fmt.Sprintf("%.6f", p.USD), "0")
	if _, frac, _ := strings.Cut(s, "."); len(frac) < 2 {
		s += strings.Repeat("0", 2-len(frac))
	}
	return "$" + s
}

func rangeText(min, max int) string {
	if min == max {
		return fmt.Sprint(min)
	}
	return fmt.Sprintf("%d–%d", min, max)
}

func rangeF(min, max float64) string {
	if min == max {
		return num(min)
	}
	return num(min) + "–" + num(max)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
