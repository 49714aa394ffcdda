package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Inventory is what a synthesized stack deploys, reduced to what costs money.
// ReadStack fills it from a cdk.tf.json; Estimate prices it.
type Inventory struct {
	// Stack is the file the inventory was read from, for the report header.
	Stack string
	// Region of the default (unaliased) AWS provider.
	Region string

	NATGateways   int
	ElasticIPs    int
	LoadBalancers []LoadBalancer
	Services      []Service
	Clusters      []Cluster
	LogGroups     []LogGroup
	// FlowLogs counts aws_flow_log resources.
	FlowLogs      int
	Secrets       int
	KMSKeys       int
	Repositories  int
	Buckets       int
	Distributions []Distribution
	WebACLs       []WebACL
	Records       []Record
	Certificates  int
	// Alarms counts aws_cloudwatch_metric_alarm resources.
	Alarms int
	// TargetTrackingPolicies each make two alarms (high and low) that AWS bills.
	TargetTrackingPolicies int

	// Unpriced counts resources of types this report neither prices nor knows
	// to be free, by type; the report lists them so nothing is silently missed.
	Unpriced map[string]int
	// Notes are remarks from reading the stack (e.g. a fallback taken).
	Notes []string
}

// LoadBalancer is an aws_lb.
type LoadBalancer struct {
	Name string
	// Type is "application", "network" or "gateway".
	Type     string
	Internal bool
	// Subnets the load balancer has a node (and, if internet-facing, a public
	// IPv4 address) in.
	Subnets int
}

// Service is an aws_ecs_service with its task definition and scaling bounds.
type Service struct {
	Name string
	// MinTasks and MaxTasks come from an aws_appautoscaling_target; without
	// one, both are desired_count.
	MinTasks, MaxTasks int
	// CPU units (1024 per vCPU) and memory in MiB of the task.
	CPU, MemoryMiB float64
	// Arch is "X86_64" or "ARM64".
	Arch string
	// EphemeralGiB is the task's ephemeral storage; 20 when not set.
	EphemeralGiB float64
	// Strategy is how tasks spread over capacity providers; empty means all on
	// FARGATE (launch_type FARGATE).
	Strategy []CapacityProvider
	// PublicIP is network_configuration.assign_public_ip: a public IPv4 per task.
	PublicIP bool
}

// CapacityProvider is one item of a capacity provider strategy.
type CapacityProvider struct {
	Name         string
	Base, Weight float64
}

// Cluster is an aws_ecs_cluster.
type Cluster struct {
	Name string
	// Insights is the containerInsights setting: "disabled", "enabled" or
	// "enhanced".
	Insights string
}

// LogGroup is an aws_cloudwatch_log_group.
type LogGroup struct {
	Name string
	// RetentionDays is 0 when logs never expire.
	RetentionDays int
	// FlowLogs is true when an aws_flow_log delivers to this group.
	FlowLogs bool
}

// Distribution is an aws_cloudfront_distribution.
type Distribution struct {
	Name       string
	PriceClass string
}

// WebACL is an aws_wafv2_web_acl.
type WebACL struct {
	Name  string
	Scope string
	Rules int
	// PaidRuleGroups are managed rule groups with a subscription fee on top of
	// the rule price (Bot Control, fraud control); they are named in notes.
	PaidRuleGroups []string
}

// Record is an aws_route53_record.
type Record struct {
	Name  string
	Alias bool
}

// defaultStackDir is where `cdktf synth` writes an environment's stack.
const defaultStackDir = "cdktf.out/stacks"

// stackFile is the file cdktf writes into each stack directory.
const stackFile = "cdk.tf.json"

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

// ReadStack reads a synthesized stack file into an Inventory.
func ReadStack(path string) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read stack: %w (synthesize it first: cdktf synth)", err)
	}
	inv, err := ParseStack(data)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", path, err)
	}
	inv.Stack = path
	return inv, nil
}

// ParseStack builds an Inventory from the JSON of a synthesized stack.
func ParseStack(data []byte) (*Inventory, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not a synthesized stack: the JSON is not an object")
	}
	region, err := providerRegion(doc)
	if err != nil {
		return nil, err
	}
	r := reader{res: resourcesOf(doc)}
	inv := &Inventory{Region: region, Unpriced: map[string]int{}}
	r.read(inv)
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	return inv, nil
}

// providerRegion returns the region of the unaliased AWS provider.
func providerRegion(doc map[string]any) (string, error) {
	providers, _ := doc["provider"].(map[string]any)
	var main map[string]any
	for _, p := range blocks(providers["aws"]) {
		if _, aliased := p["alias"]; !aliased {
			main = p
			break
		}
	}
	if main == nil {
		return "", errors.New(`no AWS provider without an alias (provider.aws); is this a synthesized cdktf AWS stack?`)
	}
	region, ok := main["region"].(string)
	if !ok || region == "" {
		return "", errors.New(`provider.aws has no region; set Region on the AwsProvider`)
	}
	if isRef(region) {
		return "", fmt.Errorf("provider.aws region is %q, a Terraform expression; the report needs a literal region", region)
	}
	return region, nil
}

// resource is one resource of the stack: its type, name and attributes.
type resource struct {
	Type, Name string
	Attrs      map[string]any
}

func (r resource) String() string { return r.Type + "." + r.Name }

// resourcesOf lists the resources of doc, sorted by type and name.
func resourcesOf(doc map[string]any) map[string][]resource {
	out := map[string][]resource{}
	types, _ := doc["resource"].(map[string]any)
	for typ, v := range types {
		byName, _ := v.(map[string]any)
		for name, a := range byName {
			if strings.HasPrefix(name, "//") {
				continue // cdktf metadata
			}
			attrs, _ := a.(map[string]any)
			out[typ] = append(out[typ], resource{typ, name, attrs})
		}
		sort.Slice(out[typ], func(i, j int) bool { return out[typ][i].Name < out[typ][j].Name })
	}
	return out
}

// reader collects an Inventory and every problem it meets.
type reader struct {
	res  map[string][]resource
	errs []error
}

func (r *reader) fail(res resource, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: %s", res, fmt.Sprintf(format, args...)))
}

// priced are the resource types read below.
var priced = map[string]bool{
	"aws_nat_gateway": true, "aws_eip": true, "aws_lb": true, "aws_alb": true,
	"aws_ecs_service": true, "aws_ecs_task_definition": true, "aws_ecs_cluster": true,
	"aws_appautoscaling_target": true, "aws_appautoscaling_policy": true,
	"aws_cloudwatch_log_group": true, "aws_flow_log": true, "aws_cloudwatch_metric_alarm": true,
	"aws_secretsmanager_secret": true, "aws_kms_key": true, "aws_ecr_repository": true,
	"aws_s3_bucket": true, "aws_cloudfront_distribution": true, "aws_wafv2_web_acl": true,
	"aws_route53_record": true, "aws_acm_certificate": true,
	"aws_ecs_cluster_capacity_providers": true,
}

// free are resource types that cost nothing by themselves (their usage, if
// any, is billed through a priced resource).
var free = map[string]bool{
	"aws_vpc": true, "aws_subnet": true, "aws_internet_gateway": true, "aws_route_table": true,
	"aws_route": true, "aws_route_table_association": true, "aws_security_group": true,
	"aws_security_group_rule": true, "aws_vpc_security_group_ingress_rule": true,
	"aws_vpc_security_group_egress_rule": true, "aws_default_security_group": true,
	"aws_default_network_acl": true, "aws_default_route_table": true, "aws_network_acl": true,
	"aws_iam_role": true, "aws_iam_policy": true, "aws_iam_role_policy": true,
	"aws_iam_role_policy_attachment": true, "aws_lb_target_group": true, "aws_lb_listener": true,
	"aws_lb_listener_rule": true, "aws_ecr_lifecycle_policy": true, "aws_ecr_repository_policy": true,
	"aws_secretsmanager_secret_version": true, "aws_kms_alias": true,
	"aws_s3_bucket_policy": true, "aws_s3_bucket_public_access_block": true,
	"aws_s3_bucket_versioning": true, "aws_s3_bucket_server_side_encryption_configuration": true,
	"aws_s3_bucket_ownership_controls": true, "aws_s3_bucket_lifecycle_configuration": true,
	"aws_cloudfront_origin_access_control": true, "aws_cloudfront_response_headers_policy": true,
	"aws_cloudfront_cache_policy": true, "aws_cloudfront_origin_request_policy": true,
	"aws_acm_certificate_validation": true, "aws_wafv2_web_acl_association": true,
	"aws_s3_object": true, "aws_ssm_parameter": true, "aws_s3_bucket_cors_configuration": true,
	"aws_s3_bucket_website_configuration": true, "aws_s3_bucket_acl": true, "aws_iam_policy_attachment": true,
	"aws_lb_listener_certificate": true, "aws_cloudwatch_log_resource_policy": true, "aws_eip_association": true,
}

// read fills inv from the resources.
func (r *reader) read(inv *Inventory) {
	types := make([]string, 0, len(r.res))
	for typ := range r.res {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, typ := range types {
		if !priced[typ] && !free[typ] {
			inv.Unpriced[typ] = r.countAll(typ)
		}
	}
	inv.NATGateways = r.countAll("aws_nat_gateway")
	inv.ElasticIPs = r.countAll("aws_eip")
	inv.FlowLogs = r.countAll("aws_flow_log")
	inv.Secrets = r.countAll("aws_secretsmanager_secret")
	inv.KMSKeys = r.countAll("aws_kms_key")
	inv.Repositories = r.countAll("aws_ecr_repository")
	inv.Buckets = r.countAll("aws_s3_bucket")
	inv.Certificates = r.countAll("aws_acm_certificate")
	inv.Alarms = r.countAll("aws_cloudwatch_metric_alarm")
	for _, res := range r.res["aws_appautoscaling_policy"] {
		if str(res.Attrs["policy_type"]) == "TargetTrackingScaling" {
			inv.TargetTrackingPolicies += r.count(res)
		}
	}
	r.readLoadBalancers(inv)
	r.readServices(inv)
	r.readClusters(inv)
	r.readLogGroups(inv)
	for _, res := range r.res["aws_cloudfront_distribution"] {
		pc := str(res.Attrs["price_class"])
		if pc == "" {
			pc = "PriceClass_All" // the provider's default
		}
		for i := 0; i < r.count(res); i++ {
			inv.Distributions = append(inv.Distributions, Distribution{res.Name, pc})
		}
	}
	r.readWebACLs(inv)
	for _, res := range r.res["aws_route53_record"] {
		_, alias := res.Attrs["alias"]
		for i := 0; i < r.count(res); i++ {
			inv.Records = append(inv.Records, Record{res.Name, alias})
		}
	}
}

func (r *reader) readLoadBalancers(inv *Inventory) {
	for _, typ := range []string{"aws_alb", "aws_lb"} {
		for _, res := range r.res[typ] {
			lb := LoadBalancer{Name: res.Name, Type: str(res.Attrs["load_balancer_type"])}
			if lb.Type == "" {
				lb.Type = "application" // the provider's default
			}
			lb.Internal = r.boolean(res, "internal")
			lb.Subnets = len(list(res.Attrs["subnets"]))
			if lb.Subnets == 0 {
				lb.Subnets = len(list(res.Attrs["subnet_mapping"]))
			}
			if lb.Subnets == 0 {
				// subnets is a single expression (a splat): assume one subnet per
				// AZ of the stack's subnets.
				lb.Subnets = r.availabilityZones()
				inv.Notes = append(inv.Notes, fmt.Sprintf("%s: subnets is not a list; counted %d (one per availability zone of the stack's subnets)", res, lb.Subnets))
			}
			for i := 0; i < r.count(res); i++ {
				inv.LoadBalancers = append(inv.LoadBalancers, lb)
			}
		}
	}
}

// availabilityZones counts the distinct literal AZs of the stack's subnets, or
// 2 (this app's fixed number) when none is literal.
func (r *reader) availabilityZones() int {
	azs := map[string]bool{}
	for _, res := range r.res["aws_subnet"] {
		if az := str(res.Attrs["availability_zone"]); az != "" && !isRef(az) {
			azs[az] = true
		}
	}
	if len(azs) == 0 {
		return 2
	}
	return len(azs)
}

// serviceRef matches a reference to an ECS service, e.g.
// "service/${aws_ecs_cluster.c.name}/${aws_ecs_service.bridge.name}".
var serviceRef = regexp.MustCompile(`\$\{aws_ecs_service\.([A-Za-z0-9_-]+)\.`)

// taskDefRef matches a reference to a task definition.
var taskDefRef = regexp.MustCompile(`^\$\{aws_ecs_task_definition\.([A-Za-z0-9_-]+)\.`)

func (r *reader) readServices(inv *Inventory) {
	taskDefs := map[string]resource{}
	for _, res := range r.res["aws_ecs_task_definition"] {
		taskDefs[res.Name] = res
	}
	services := r.res["aws_ecs_service"]
	targets := map[string]resource{} // service name -> scaling target
	for _, t := range r.res["aws_appautoscaling_target"] {
		if ns := str(t.Attrs["service_namespace"]); ns != "" && ns != "ecs" {
			continue
		}
		if m := serviceRef.FindStringSubmatch(str(t.Attrs["resource_id"])); m != nil {
			targets[m[1]] = t
		} else if len(services) == 1 {
			targets[services[0].Name] = t
		} else {
			r.fail(t, "resource_id %q names no aws_ecs_service of the stack", str(t.Attrs["resource_id"]))
		}
	}
	var clusterDefault []CapacityProvider
	if cps := r.res["aws_ecs_cluster_capacity_providers"]; len(cps) > 0 {
		clusterDefault = r.strategy(cps[0], "default_capacity_provider_strategy")
	}
	for _, res := range services {
		svc := Service{Name: res.Name, EphemeralGiB: 20, Arch: "X86_64"}
		desired := 1.0 // the provider's default
		if _, ok := res.Attrs["desired_count"]; ok {
			desired = r.number(res, "desired_count")
		}
		svc.MinTasks, svc.MaxTasks = int(desired), int(desired)
		if t, ok := targets[res.Name]; ok {
			svc.MinTasks = int(r.number(t, "min_capacity"))
			svc.MaxTasks = int(r.number(t, "max_capacity"))
		}
		switch lt := str(res.Attrs["launch_type"]); {
		case res.Attrs["capacity_provider_strategy"] != nil:
			svc.Strategy = r.strategy(res, "capacity_provider_strategy")
		case lt == "" && clusterDefault != nil:
			svc.Strategy = clusterDefault
		case lt != "" && lt != "FARGATE":
			r.fail(res, "launch_type is %q; only FARGATE is priced", lt)
		}
		if nc := block(res.Attrs["network_configuration"]); nc != nil {
			svc.PublicIP = r.boolean(resource{res.Type, res.Name, nc}, "assign_public_ip")
		}
		var td resource
		var ok bool
		if m := taskDefRef.FindStringSubmatch(str(res.Attrs["task_definition"])); m != nil {
			td, ok = taskDefs[m[1]]
		} else if len(taskDefs) == 1 {
			for _, only := range taskDefs {
				td, ok = only, true
			}
		}
		if !ok {
			r.fail(res, "task_definition %q is not an aws_ecs_task_definition of the stack", str(res.Attrs["task_definition"]))
			continue
		}
		svc.CPU = r.number(td, "cpu")
		svc.MemoryMiB = r.number(td, "memory")
		if rp := block(td.Attrs["runtime_platform"]); rp != nil {
			if arch := str(rp["cpu_architecture"]); arch != "" {
				svc.Arch = arch
			}
			if family := str(rp["operating_system_family"]); family != "" && family != "LINUX" {
				r.fail(td, "operating_system_family is %q; only LINUX is priced", family)
			}
		}
		if svc.Arch != "X86_64" && svc.Arch != "ARM64" {
			r.fail(td, "cpu_architecture is %q; want X86_64 or ARM64", svc.Arch)
		}
		if es := block(td.Attrs["ephemeral_storage"]); es != nil {
			svc.EphemeralGiB = r.number(resource{td.Type, td.Name, es}, "size_in_gib")
		}
		for i := 0; i < r.count(res); i++ {
			inv.Services = append(inv.Services, svc)
		}
	}
}

// strategy reads a capacity provider strategy list attribute.
func (r *reader) strategy(res resource, attr string) []CapacityProvider {
	var out []CapacityProvider
	for _, item := range blocks(res.Attrs[attr]) {
		at := resource{res.Type, res.Name + "." + attr, item}
		cp := CapacityProvider{Name: str(item["capacity_provider"])}
		if _, ok := item["base"]; ok {
			cp.Base = r.number(at, "base")
		}
		if _, ok := item["weight"]; ok {
			cp.Weight = r.number(at, "weight")
		}
		if cp.Name != "FARGATE" && cp.Name != "FARGATE_SPOT" {
			r.fail(res, "capacity provider %q; only FARGATE and FARGATE_SPOT are priced", cp.Name)
		}
		out = append(out, cp)
	}
	return out
}

func (r *reader) readClusters(inv *Inventory) {
	for _, res := range r.res["aws_ecs_cluster"] {
		c := Cluster{Name: res.Name, Insights: "disabled"}
		for _, s := range blocks(res.Attrs["setting"]) {
			if str(s["name"]) == "containerInsights" {
				c.Insights = str(s["value"])
			}
		}
		for i := 0; i < r.count(res); i++ {
			inv.Clusters = append(inv.Clusters, c)
		}
	}
}

// logGroupRef matches a reference to a log group, e.g. in log_destination.
var logGroupRef = regexp.MustCompile(`\$\{aws_cloudwatch_log_group\.([A-Za-z0-9_-]+)\.`)

func (r *reader) readLogGroups(inv *Inventory) {
	flowGroups := map[string]bool{}
	for _, fl := range r.res["aws_flow_log"] {
		if t := str(fl.Attrs["log_destination_type"]); t != "" && t != "cloud-watch-logs" {
			r.fail(fl, "log_destination_type is %q; only cloud-watch-logs is priced", t)
			continue
		}
		dest := str(fl.Attrs["log_destination"]) + str(fl.Attrs["log_group_name"])
		if m := logGroupRef.FindStringSubmatch(dest); m != nil {
			flowGroups[m[1]] = true
		}
	}
	for _, res := range r.res["aws_cloudwatch_log_group"] {
		g := LogGroup{Name: res.Name, FlowLogs: flowGroups[res.Name]}
		if _, ok := res.Attrs["retention_in_days"]; ok {
			g.RetentionDays = int(r.number(res, "retention_in_days"))
		}
		for i := 0; i < r.count(res); i++ {
			inv.LogGroups = append(inv.LogGroups, g)
		}
	}
}

// paidRuleGroups have a subscription and per-request fee on top of the rule
// price (see the WAF pricing page); the report names them instead of pricing.
var paidRuleGroups = map[string]bool{
	"AWSManagedRulesBotControlRuleSet": true,
	"AWSManagedRulesATPRuleSet":        true,
	"AWSManagedRulesACFPRuleSet":       true,
	"AWSManagedRulesAntiDDoSRuleSet":   true,
}

func (r *reader) readWebACLs(inv *Inventory) {
	for _, res := range r.res["aws_wafv2_web_acl"] {
		acl := WebACL{Name: res.Name, Scope: str(res.Attrs["scope"])}
		for _, rule := range blocks(res.Attrs["rule"]) {
			acl.Rules++
			stmt := block(rule["statement"])
			if mg := block(stmt["managed_rule_group_statement"]); mg != nil && paidRuleGroups[str(mg["name"])] {
				acl.PaidRuleGroups = append(acl.PaidRuleGroups, str(mg["name"]))
			}
		}
		for i := 0; i < r.count(res); i++ {
			inv.WebACLs = append(inv.WebACLs, acl)
		}
	}
}

// countAll is the number of instances of every resource of typ.
func (r *reader) countAll(typ string) int {
	n := 0
	for _, res := range r.res[typ] {
		n += r.count(res)
	}
	return n
}

// count is the number of instances of res: its count meta-argument, or 1.
func (r *reader) count(res resource) int {
	if _, ok := res.Attrs["for_each"]; ok {
		r.fail(res, "uses for_each; the report cannot count its instances")
		return 0
	}
	if _, ok := res.Attrs["count"]; !ok {
		return 1
	}
	return int(r.number(res, "count"))
}

// number reads a numeric attribute given as a JSON number or numeric string.
func (r *reader) number(res resource, attr string) float64 {
	v, ok := res.Attrs[attr]
	if !ok {
		r.fail(res, "%s is missing", attr)
		return 0
	}
	var s string
	switch v := v.(type) {
	case json.Number:
		s = v.String()
	case string:
		s = v
	case float64:
		return v
	default:
		r.fail(res, "%s is %v, not a number", attr, v)
		return 0
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		r.fail(res, "%s is %q, not a number (a Terraform expression cannot be priced)", attr, s)
		return 0
	}
	return f
}

// boolean reads a boolean attribute given as a JSON bool or "true"/"false";
// a missing attribute is false.
func (r *reader) boolean(res resource, attr string) bool {
	switch v := res.Attrs[attr].(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	r.fail(res, "%s is %v, not true or false", attr, res.Attrs[attr])
	return false
}

// block returns a single nested block, rendered as an object or as a list
// holding one object.
func block(v any) map[string]any {
	if b := blocks(v); len(b) > 0 {
		return b[0]
	}
	return nil
}

// blocks returns a repeated nested block, rendered as a list of objects or a
// single object.
func blocks(v any) []map[string]any {
	switch v := v.(type) {
	case map[string]any:
		return []map[string]any{v}
	case []any:
		var out []map[string]any
		for _, item := range v {
			if m, ok := item.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// list returns a list attribute, or nil when it is not a list.
func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// str returns a string attribute, or "" when it is not a string.
func str(v any) string {
	s, _ := v.(string)
	return s
}

// isRef reports whether s holds a Terraform expression.
func isRef(s string) bool { return strings.Contains(s, "${") }
