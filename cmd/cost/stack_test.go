package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// readStack parses the stack file at path.
func readStack(t *testing.T, path string) (*Stack, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseStack(data)
	if s != nil {
		s.Path = path
	}
	return s, err
}

func TestReadStackSmall(t *testing.T) {
	s, err := readStack(t, "testdata/small.tf.json")
	if err != nil {
		t.Fatal(err)
	}
	if s.Path != "testdata/small.tf.json" || s.Region != "us-east-1" {
		t.Errorf("got path %q, region %q; want testdata/small.tf.json, us-east-1", s.Path, s.Region)
	}
	var names []string
	for _, r := range s.resources["aws_subnet"] {
		names = append(names, r.Name)
	}
	if want := []string{"private_a", "private_b", "public_a", "public_b"}; !reflect.DeepEqual(names, want) {
		t.Errorf("subnets: got %v; want %v, sorted by name", names, want)
	}
}

// stackJSON is a minimal stack around the given "resource" members.
func stackJSON(provider, resources string) string {
	return `{"//": {"metadata": {"version": "0.20.11"}}, "provider": {"aws": ` + provider + `}, "resource": {` + resources + `}}`
}

const usEast1 = `[{"region": "us-east-1"}]`

func TestParseStackBlockShapes(t *testing.T) {
	// The same service written with single blocks as objects and as lists, with
	// numbers as JSON numbers and as strings.
	tests := []struct{ name, resources string }{
		{"objects and numbers", `
			"aws_ecs_task_definition": {"td": {"cpu": 2048, "memory": 4096,
				"runtime_platform": {"cpu_architecture": "ARM64", "operating_system_family": "LINUX"},
				"ephemeral_storage": {"size_in_gib": 50}}},
			"aws_ecs_service": {"svc": {"task_definition": "${aws_ecs_task_definition.td.arn}", "desired_count": 2,
				"capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT", "weight": 1}],
				"network_configuration": {"assign_public_ip": true}}},
			"aws_appautoscaling_target": {"t": {"min_capacity": 2, "max_capacity": 6, "service_namespace": "ecs",
				"resource_id": "service/${aws_ecs_cluster.c.name}/${aws_ecs_service.svc.name}"}},
			"aws_ecs_cluster": {"c": {"setting": [{"name": "containerInsights", "value": "enabled"}]}}`},
		{"lists and strings", `
			"aws_ecs_task_definition": {"td": {"cpu": "2048", "memory": "4096",
				"runtime_platform": [{"cpu_architecture": "ARM64", "operating_system_family": "LINUX"}],
				"ephemeral_storage": [{"size_in_gib": "50"}]}},
			"aws_ecs_service": {"svc": {"task_definition": "${aws_ecs_task_definition.td.arn}", "desired_count": "2",
				"capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT", "weight": "1"}],
				"network_configuration": [{"assign_public_ip": true}]}},
			"aws_appautoscaling_target": {"t": {"min_capacity": "2", "max_capacity": "6", "service_namespace": "ecs",
				"resource_id": "service/${aws_ecs_cluster.c.name}/${aws_ecs_service.svc.name}"}},
			"aws_ecs_cluster": {"c": {"setting": [{"name": "containerInsights", "value": "enabled"}]}}`},
	}
	want := []Line{
		{"Public IPv4 addresses", "(2–6 task × 730 h) × $0.005", 2 * 730 * 0.005, 6 * 730 * 0.005},
		{"Fargate vCPU", "2–6 tasks × 2 vCPU × 730 h × $0.03238 (100% on Spot at 70% off)", 2 * 2 * 730 * 0.03238 * 0.3, 6 * 2 * 730 * 0.03238 * 0.3},
		{"Fargate memory", "2–6 tasks × 4 GB × 730 h × $0.00356 (100% on Spot at 70% off)", 2 * 4 * 730 * 0.00356 * 0.3, 6 * 4 * 730 * 0.00356 * 0.3},
		{"Fargate ephemeral storage", "2–6 tasks × (50 − 20) GB × 730 h × $0.000111", 2 * 30 * 730 * 0.000111, 6 * 30 * 730 * 0.000111},
		{"Container Insights", "1 cluster × 40 metrics × $0.30", 40 * 0.30, 40 * 0.30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := estimateJSON(t, tt.resources)
			if len(rep.Lines) != len(want) {
				t.Fatalf("got lines %+v; want %+v", rep.Lines, want)
			}
			for i, l := range rep.Lines {
				if w := want[i]; l.Component != w.Component || l.Detail != w.Detail || !near(l.Min, w.Min) || !near(l.Max, w.Max) {
					t.Errorf("line %d: got %+v; want %+v", i, l, w)
				}
			}
		})
	}
}

func TestParseStackPicksUnaliasedProvider(t *testing.T) {
	s, err := parseStack([]byte(stackJSON(`[{"alias": "edge", "region": "eu-west-1"}, {"region": "us-east-1"}]`, "")))
	if err != nil {
		t.Fatal(err)
	}
	if s.Region != "us-east-1" {
		t.Errorf("region: got %q; want us-east-1 (the provider without alias)", s.Region)
	}
}

func TestEstimateCountsAndUnknownTypes(t *testing.T) {
	rep := estimateJSON(t, `
		"aws_nat_gateway": {"a": {}, "b": {}},
		"aws_eip": {"a": {}, "b": {}},
		"aws_lb": {"internal": {"internal": true, "subnets": ["s1", "s2"]}, "public": {"internal": false, "subnets": ["s1", "s2", "s3"]}},
		"aws_efs_file_system": {"a": {}, "b": {}},
		"aws_vpc": {"v": {}},
		"aws_flow_log": {"f": {"log_destination": "${aws_cloudwatch_log_group.flow.arn}"}},
		"aws_cloudwatch_log_group": {"flow": {"retention_in_days": "90"}, "app": {"retention_in_days": 30}},
		"aws_wafv2_web_acl": {"w": {"scope": "CLOUDFRONT", "rule": [{"name": "rate"}, {"name": "common"}]}}`)
	checkLines(t, rep, map[string]span{
		"NAT gateway hours":         same(2 * 730 * 0.045),
		"NAT data processed":        same(100 * 0.045),
		"Public IPv4 addresses":     same((2 + 3) * 730 * 0.005), // the internal ALB has no public address
		"ALB hours":                 same(2 * 730 * 0.0225),
		"ALB LCUs":                  same(2 * 730 * 0.008),
		"CloudWatch Logs ingestion": same(5 * 0.50),
		"CloudWatch Logs storage":   same(5 * (30.0 * 12 / 365) * 0.03), // the app group only
		"VPC flow logs ingestion":   same(10 * 0.50),
		"VPC flow logs storage":     same(10 * (90.0 * 12 / 365) * 0.03),
		"WAF web ACL":               same(5),
		"WAF rules":                 same(2 * 1.00),
		"WAF requests":              same(1 * 0.60),
	})
	// aws_vpc is free, so only the file systems are named.
	if want := []string{"2 × aws_efs_file_system: not priced by this report"}; !reflect.DeepEqual(rep.Notes, want) {
		t.Errorf("notes: got %q; want %q", rep.Notes, want)
	}
}

// TestIssue15Components: the S3 gateway endpoint (Gateway is the type when the stack
// names none, as ours) takes -nat-s3-gb off the NAT gateways; CloudFront Functions beyond the free 2 million invocations;
// CloudFront's access logs priced apart from the app's logs.
func TestIssue15Components(t *testing.T) {
	s, err := parseStack([]byte(stackJSON(usEast1, `
		"aws_nat_gateway": {"a": {}},
		"aws_vpc_endpoint": {"s3": {"service_name": "com.amazonaws.us-east-1.s3"}},
		"aws_cloudfront_function": {"spa": {}},
		"aws_cloudwatch_log_group": {"app": {"retention_in_days": 30}, "cdn": {"retention_in_days": 90}},
		"aws_cloudwatch_log_delivery_destination": {"d": {"delivery_destination_configuration": [{"destination_resource_arn": "${aws_cloudwatch_log_group.cdn.arn}"}]}}`)))
	if err != nil {
		t.Fatal(err)
	}
	a := testAssumptions()
	a.NATS3GB, a.Requests, a.CDNLogGB = 30, 3_000_000, 1
	rep, err := Estimate(s, a)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, rep, map[string]span{
		"NAT gateway hours":                same(730 * 0.045),
		"NAT data processed":               same((100 - 30) * 0.045),
		"CloudFront Functions":             same(1 * 0.10), // 3 M − 2 M free
		"CloudWatch Logs ingestion":        same(5 * 0.50), // the app group only
		"CloudWatch Logs storage":          same(5 * (30.0 * 12 / 365) * 0.03),
		"CloudFront access logs ingestion": same(1 * 0.50),
		"CloudFront access logs storage":   same(1 * (90.0 * 12 / 365) * 0.03),
	})
	if len(rep.Notes) != 0 {
		t.Errorf("notes: %q, want none (every type priced or free)", rep.Notes)
	}
}

func TestComponentsPriceOnlyTypesTheAppCreates(t *testing.T) {
	// Every type the components price or call free appears in a golden stack
	// of the app or of this package: no price entries for what the app never makes.
	// The WAF module's IP set (an IPv4 allow-list) is in no golden stack.
	seen := map[string]bool{"aws_wafv2_ip_set": true}
	for _, path := range []string{repoDevStack, repoProdStack, "testdata/small.tf.json", "testdata/prod.tf.json"} {
		s, err := readStack(t, path)
		if err != nil {
			t.Fatal(err)
		}
		for typ := range s.resources {
			seen[typ] = true
		}
	}
	known := slices.Clone(free)
	for _, c := range components {
		known = append(known, c.types...)
	}
	for _, typ := range known {
		if !seen[typ] {
			t.Errorf("%s is priced or listed free in cmd/cost but no golden stack creates it", typ)
		}
	}
}

func TestReadStackErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, path string
		want       []string
	}{
		{"missing file", filepath.Join(dir, "nope", "cdk.tf.json"), []string{"cannot read stack", "nope", "cdktf synth"}},
		{"malformed JSON", write("bad.json", `{"provider": `), []string{"bad.json", "not a synthesized cdktf stack"}},
		{"not an object", write("array.json", `[1, 2]`), []string{"array.json", "not a synthesized cdktf stack"}},
		{"no provider", write("noprov.json", `{"resource": {}}`), []string{"noprov.json", "no AWS provider"}},
		{"only an aliased provider", write("alias.json", stackJSON(`[{"alias": "x", "region": "us-east-1"}]`, "")), []string{"no AWS provider without an alias"}},
		{"no region", write("noregion.json", stackJSON(`[{}]`, "")), []string{`provider.aws region is ""`, "Region on the AwsProvider"}},
		{"region expression", write("varregion.json", stackJSON(`[{"region": "${var.region}"}]`, "")), []string{"${var.region}", "literal region"}},
		{"count expression", write("countref.json", stackJSON(usEast1, `"aws_ecs_task_definition": {"td": {"cpu": "256", "memory": "512"}},
			"aws_ecs_service": {"bridge": {"task_definition": "${aws_ecs_task_definition.td.arn}", "desired_count": "${var.tasks}"}}`)),
			[]string{"countref.json", "aws_ecs_service.bridge", "desired_count", "${var.tasks}", "not a number"}},
		{"missing task CPU", write("nocpu.json", stackJSON(usEast1, `"aws_ecs_task_definition": {"td": {"memory": "512"}},
			"aws_ecs_service": {"bridge": {"task_definition": "${aws_ecs_task_definition.td.arn}", "desired_count": 1}}`)),
			[]string{"aws_ecs_task_definition.td: cpu is missing"}},
		{"count", write("count.json", stackJSON(usEast1, `"aws_nat_gateway": {"n": {"count": 2}}`)), []string{"aws_nat_gateway.n", "count or for_each"}},
		{"for_each", write("foreach.json", stackJSON(usEast1, `"aws_nat_gateway": {"n": {"for_each": "${toset(var.azs)}"}}`)),
			[]string{"aws_nat_gateway.n", "count or for_each"}},
		{"unknown task definition", write("td.json", stackJSON(usEast1, `"aws_ecs_service": {"s": {"task_definition": "family:3", "desired_count": 1}}`)),
			[]string{"aws_ecs_service.s", `task_definition "family:3"`}},
		{"flow logs to S3", write("flows3.json", stackJSON(usEast1, `"aws_flow_log": {"f": {"log_destination_type": "s3", "log_destination": "${aws_s3_bucket.b.arn}"}}`)),
			[]string{"aws_flow_log.f", "only flow logs to CloudWatch Logs"}},
		{"every problem at once", write("two.json", stackJSON(usEast1, `"aws_cloudwatch_log_group": {"a": {}, "b": {"retention_in_days": "x"}}`)),
			[]string{"aws_cloudwatch_log_group.a: retention_in_days is missing", `aws_cloudwatch_log_group.b: retention_in_days is "x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := estimateFile(tt.path, testAssumptions())
			if err == nil {
				t.Fatalf("got no error; want one containing %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestStackPath(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, stack, env, want, err string
	}{
		{name: "env", env: "dev", want: filepath.Join("cdktf.out", "stacks", "dev", "cdk.tf.json")},
		{name: "directory", stack: dir, want: filepath.Join(dir, "cdk.tf.json")},
		{name: "file", stack: "testdata/small.tf.json", want: "testdata/small.tf.json"},
		{name: "both", stack: dir, env: "dev", err: "not both"},
		{name: "neither", err: "no stack given"},
	}
	for _, tt := range tests {
		got, err := StackPath(tt.stack, tt.env)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: got error %v; want one containing %q", tt.name, err, tt.err)
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

// An S3 interface endpoint bills per hour and GB and does not take traffic off NAT
// data processing the way a gateway endpoint does: the twin of TestIssue15Components.
func TestInterfaceEndpointKeepsNATData(t *testing.T) {
	rep := estimateJSON(t, `
		"aws_nat_gateway": {"a": {}},
		"aws_vpc_endpoint": {"s3": {"vpc_endpoint_type": "Interface", "service_name": "com.amazonaws.us-east-1.s3"}}`)
	checkLines(t, rep, map[string]span{
		"NAT gateway hours":  same(730 * 0.045),
		"NAT data processed": same(100 * 0.045),
	})
}

// TestMonitoringComponents: issue 10's alarms are billed per metric (the metric-math
// alarm reads two), the dashboard and budget per month, SNS is free.
func TestMonitoringComponents(t *testing.T) {
	rep := estimateJSON(t, `
		"aws_cloudwatch_metric_alarm": {"cpu": {"metric_name": "CPUUtilization"}, "tasks": {"metric_query": [
			{"id": "running", "metric": [{"metric_name": "RunningTaskCount"}]},
			{"id": "desired", "metric": [{"metric_name": "DesiredTaskCount"}]},
			{"id": "missing", "expression": "desired - running", "return_data": true}]}},
		"aws_appautoscaling_policy": {"cpu": {"policy_type": "TargetTrackingScaling"}, "step": {"policy_type": "StepScaling"}},
		"aws_cloudwatch_dashboard": {"d": {}},
		"aws_budgets_budget": {"b": {}},
		"aws_kms_key": {"k": {}},
		"aws_sns_topic": {"t": {}}, "aws_sns_topic_subscription": {"s": {}}`)
	checkLines(t, rep, map[string]span{
		"CloudWatch alarms":     same((1 + 2 + 2) * 0.10), // 2 alarms reading 3 metrics, 2 for the target-tracking policy
		"CloudWatch dashboards": same(3.00),
		"AWS Budgets":           same(730.0 / 24 * 0.02),
		"KMS keys":              same(1.00),
	})
	if len(rep.Notes) != 0 {
		t.Errorf("notes: %q, want none (SNS is free)", rep.Notes)
	}
	if d := rep.Lines[0].Detail; d != "4 alarms (2 for target tracking) reading 5 metrics × $0.10" {
		t.Errorf("alarm detail %q", d)
	}
}
