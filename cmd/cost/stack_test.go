package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadStackSmall(t *testing.T) {
	inv, err := ReadStack("testdata/small.tf.json")
	if err != nil {
		t.Fatal(err)
	}
	want := &Inventory{
		Stack:         "testdata/small.tf.json",
		Region:        "us-east-1",
		NATGateways:   1,
		ElasticIPs:    1,
		LoadBalancers: []LoadBalancer{{Name: "alb", Type: "application", Subnets: 2}},
		Services:      []Service{{Name: "bridge", MinTasks: 1, MaxTasks: 1, CPU: 256, MemoryMiB: 512, Arch: "X86_64", EphemeralGiB: 20}},
		Clusters:      []Cluster{{Name: "cluster", Insights: "disabled"}},
		LogGroups:     []LogGroup{{Name: "bridge", RetentionDays: 30}},
		Secrets:       1,
		Repositories:  1,
		Buckets:       1,
		Distributions: []Distribution{{Name: "ui", PriceClass: "PriceClass_100"}},
		Records:       []Record{{Name: "ui", Alias: true}},
		Certificates:  1,
		Unpriced:      map[string]int{},
	}
	if !reflect.DeepEqual(inv, want) {
		t.Errorf("got  %+v\nwant %+v", inv, want)
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
				"capacity_provider_strategy": {"capacity_provider": "FARGATE_SPOT", "weight": 1},
				"network_configuration": {"assign_public_ip": true}}},
			"aws_appautoscaling_target": {"t": {"min_capacity": 2, "max_capacity": 6, "service_namespace": "ecs",
				"resource_id": "service/${aws_ecs_cluster.c.name}/${aws_ecs_service.svc.name}"}},
			"aws_ecs_cluster": {"c": {"setting": {"name": "containerInsights", "value": "enhanced"}}}`},
		{"lists and strings", `
			"aws_ecs_task_definition": {"td": {"cpu": "2048", "memory": "4096",
				"runtime_platform": [{"cpu_architecture": "ARM64", "operating_system_family": "LINUX"}],
				"ephemeral_storage": [{"size_in_gib": "50"}]}},
			"aws_ecs_service": {"svc": {"task_definition": "${aws_ecs_task_definition.td.arn}", "desired_count": "2",
				"capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT", "weight": "1"}],
				"network_configuration": [{"assign_public_ip": "true"}]}},
			"aws_appautoscaling_target": {"t": {"min_capacity": "2", "max_capacity": "6", "service_namespace": "ecs",
				"resource_id": "service/${aws_ecs_cluster.c.name}/${aws_ecs_service.svc.name}"}},
			"aws_ecs_cluster": {"c": {"setting": [{"name": "containerInsights", "value": "enhanced"}]}}`},
	}
	want := Service{Name: "svc", MinTasks: 2, MaxTasks: 6, CPU: 2048, MemoryMiB: 4096, Arch: "ARM64", EphemeralGiB: 50,
		Strategy: []CapacityProvider{{Name: "FARGATE_SPOT", Weight: 1}}, PublicIP: true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := ParseStack([]byte(stackJSON(usEast1, tt.resources)))
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Services) != 1 || !reflect.DeepEqual(inv.Services[0], want) {
				t.Errorf("services: got %+v; want [%+v]", inv.Services, want)
			}
			if len(inv.Clusters) != 1 || inv.Clusters[0].Insights != "enhanced" {
				t.Errorf("clusters: got %+v; want one with Insights enhanced", inv.Clusters)
			}
		})
	}
}

func TestParseStackPicksUnaliasedProvider(t *testing.T) {
	inv, err := ParseStack([]byte(stackJSON(`[{"alias": "edge", "region": "eu-west-1"}, {"region": "us-east-1"}]`, "")))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Region != "us-east-1" {
		t.Errorf("region: got %q; want us-east-1 (the provider without alias)", inv.Region)
	}
}

func TestParseStackCounts(t *testing.T) {
	inv, err := ParseStack([]byte(stackJSON(usEast1, `
		"aws_nat_gateway": {"a": {"count": 2}, "b": {}},
		"aws_eip": {"a": {"count": "2"}},
		"aws_lb": {"alb": {"internal": true, "subnets": ["s1", "s2"]}, "nlb": {"load_balancer_type": "network", "subnet_mapping": [{"subnet_id": "a"}]}},
		"aws_subnet": {"a": {"availability_zone": "us-east-1a"}},
		"aws_vpc_endpoint": {"ecr": {"count": 3}},
		"aws_vpc": {"v": {}},
		"aws_flow_log": {"f": {"log_destination": "${aws_cloudwatch_log_group.flow.arn}"}},
		"aws_cloudwatch_log_group": {"flow": {"retention_in_days": "90"}, "app": {}},
		"aws_wafv2_web_acl": {"w": {"scope": "CLOUDFRONT", "rule": [
			{"name": "bots", "statement": {"managed_rule_group_statement": {"name": "AWSManagedRulesBotControlRuleSet"}}},
			{"name": "common", "statement": [{"managed_rule_group_statement": [{"name": "AWSManagedRulesCommonRuleSet"}]}]}]}}`)))
	if err != nil {
		t.Fatal(err)
	}
	if inv.NATGateways != 3 || inv.ElasticIPs != 2 {
		t.Errorf("got %d NAT gateways, %d EIPs; want 3 and 2 (count honoured)", inv.NATGateways, inv.ElasticIPs)
	}
	wantLBs := []LoadBalancer{{Name: "alb", Type: "application", Internal: true, Subnets: 2}, {Name: "nlb", Type: "network", Subnets: 1}}
	if !reflect.DeepEqual(inv.LoadBalancers, wantLBs) {
		t.Errorf("load balancers: got %+v; want %+v", inv.LoadBalancers, wantLBs)
	}
	if want := map[string]int{"aws_vpc_endpoint": 3}; !reflect.DeepEqual(inv.Unpriced, want) {
		t.Errorf("unpriced: got %v; want %v (aws_vpc is free, so not listed)", inv.Unpriced, want)
	}
	wantGroups := []LogGroup{{Name: "app"}, {Name: "flow", RetentionDays: 90, FlowLogs: true}}
	if !reflect.DeepEqual(inv.LogGroups, wantGroups) {
		t.Errorf("log groups: got %+v; want %+v", inv.LogGroups, wantGroups)
	}
	wantACL := []WebACL{{Name: "w", Scope: "CLOUDFRONT", Rules: 2, PaidRuleGroups: []string{"AWSManagedRulesBotControlRuleSet"}}}
	if !reflect.DeepEqual(inv.WebACLs, wantACL) {
		t.Errorf("web ACLs: got %+v; want %+v", inv.WebACLs, wantACL)
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
	service := func(attrs string) string {
		return `"aws_ecs_task_definition": {"td": {"cpu": "256", "memory": "512"}},
			"aws_ecs_service": {"bridge": {"task_definition": "${aws_ecs_task_definition.td.arn}", ` + attrs + `}}`
	}
	tests := []struct {
		name, path string
		want       []string
	}{
		{"missing file", filepath.Join(dir, "nope", "cdk.tf.json"), []string{"cannot read stack", "nope", "cdktf synth"}},
		{"malformed JSON", write("bad.json", `{"provider": `), []string{"bad.json", "not valid JSON"}},
		{"not an object", write("array.json", `[1, 2]`), []string{"array.json", "not an object"}},
		{"no provider", write("noprov.json", `{"resource": {}}`), []string{"noprov.json", "no AWS provider"}},
		{"only an aliased provider", write("alias.json", stackJSON(`[{"alias": "x", "region": "us-east-1"}]`, "")), []string{"no AWS provider without an alias"}},
		{"no region", write("noregion.json", stackJSON(`[{}]`, "")), []string{"provider.aws has no region"}},
		{"region expression", write("varregion.json", stackJSON(`[{"region": "${var.region}"}]`, "")), []string{"Terraform expression", "literal region"}},
		{"count expression", write("countref.json", stackJSON(usEast1, service(`"desired_count": "${var.tasks}"`))),
			[]string{"aws_ecs_service.bridge", "desired_count", "${var.tasks}", "not a number"}},
		{"for_each", write("foreach.json", stackJSON(usEast1, `"aws_nat_gateway": {"n": {"for_each": "${toset(var.azs)}"}}`)),
			[]string{"aws_nat_gateway.n", "for_each"}},
		{"EC2 launch type", write("ec2.json", stackJSON(usEast1, service(`"launch_type": "EC2"`))), []string{"aws_ecs_service.bridge", `launch_type is "EC2"`}},
		{"unknown task definition", write("td.json", stackJSON(usEast1, `"aws_ecs_service": {"s": {"task_definition": "family:3"}}`)),
			[]string{"aws_ecs_service.s", `task_definition "family:3"`}},
		{"flow logs to S3", write("flows3.json", stackJSON(usEast1, `"aws_flow_log": {"f": {"log_destination_type": "s3"}}`)), []string{"aws_flow_log.f", `"s3"`}},
		{"windows task", write("win.json", stackJSON(usEast1, `"aws_ecs_service": {"s": {}}, "aws_ecs_task_definition": {"td": {"cpu": "256", "memory": "512",
			"runtime_platform": {"operating_system_family": "WINDOWS_SERVER_2022_CORE"}}}`)), []string{"aws_ecs_task_definition.td", "only LINUX"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadStack(tt.path)
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
