package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
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
	e.rep.Notes = append(e.rep.Notes, fmt.Sprintf(format, a...))
}
func (e *estimator) fail(r resource, format string, a ...any) {
	if err := fmt.Errorf("%s: %s", r, fmt.Sprintf(format, a...)); !slices.ContainsFunc(e.errs, func(x error) bool { return x.Error() == err.Error() }) {
		e.errs = append(e.errs, err) // once, though two components read a service
	}
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

// rangeText is "2", or "2–6" when min and max differ.
func rangeText(min, max int) string {
	return map[bool]string{true: fmt.Sprint(min), false: fmt.Sprintf("%d–%d", min, max)}[min == max]
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

// defaultStackDir is where `cdktf synth` writes each environment's stackFile.
const defaultStackDir, stackFile = "cdktf.out/stacks", "cdk.tf.json"

// StackPath resolves the -stack and -env flags to a cdk.tf.json path.
func StackPath(stack, env string) (string, error) {
	switch {
	case stack != "" && env != "":
		return "", fmt.Errorf("give -stack or -env, not both (got -stack %q and -env %q)", stack, env)
	case env != "":
		return filepath.Join(defaultStackDir, env, stackFile), nil
	case stack == "":
		return "", errors.New("no stack given: use -env dev (reads " + defaultStackDir + "/dev/" + stackFile + ") or -stack <dir or cdk.tf.json>")
	}
	if fi, err := os.Stat(stack); err == nil && fi.IsDir() {
		return filepath.Join(stack, stackFile), nil
	}
	return stack, nil
}

// estimateFile reads the stack at path and estimates it under a.
func estimateFile(path string, a Assumptions) (Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Report{}, fmt.Errorf("cannot read stack: %w (synthesize it first: cdktf synth)", err)
	}
	s, err := parseStack(data)
	if err == nil {
		s.Path = path
		var rep Report
		if rep, err = Estimate(s, a); err == nil {
			return rep, nil
		}
	}
	return Report{}, fmt.Errorf("stack %s: %w", path, err)
}

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

// number reads a numeric attribute, a JSON number or a numeric string (cdktf writes
// both); when absent, def, or a problem without def.
func (e *estimator) number(r resource, path string, def ...float64) float64 {
	v := get(r.Attrs, path)
	switch {
	case v == nil && len(def) > 0:
		return def[0]
	case v == nil:
		e.fail(r, "%s is missing", path)
	}
	f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
	if err != nil && v != nil {
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
