package modules_test

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/n8n-builder/infra/internal/modulestacks"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/ecs"
)

// ecsVariants are four stacks, each a whole stack (networking, ECR, secret,
// a minimal ALB, the service; modulestacks.ECS), as Terraform plans it:
//   - base: defaults, on-demand Fargate, no exec, no autoscaling;
//   - scaled: ARM64, 50 GiB, exec, Container Insights, extra environment,
//     autoscaling and a weekend-ish office-hours schedule;
//   - scheduled: one task in office hours, no autoscaling (as dev);
//   - spot: Fargate Spot, in public subnets with public IPs (as dev runs
//     without NAT), with an image from a public registry (not ECR).
type ecsVariants struct {
	base, scaled, scheduled, spot *testutil.Synthesized
}

var ecsStacks = synthOnce(func() ecsVariants {
	return ecsVariants{
		base:   modulestacks.ECS(ecs.Props{DesiredCount: 1}),
		scaled: modulestacks.ECS(modulestacks.ScaledProps()),
		scheduled: modulestacks.ECS(ecs.Props{DesiredCount: 1, Schedule: ecs.Schedule{
			Enabled: true, Days: []string{"MON", "TUE", "WED", "THU", "FRI"}, StartHour: 8, StopHour: 19, TimeZone: "Europe/Berlin",
		}}),
		spot: modulestacks.ECS(ecs.Props{DesiredCount: 1, FargateSpot: true, AssignPublicIP: true, Image: jsii.String(publicImage)}),
	}
})

// publicImage is the spot variant's image: a public registry, no ECR.
const publicImage = "public.ecr.aws/example/bridge:1.0.0"

// container is the part of a container definition the tests read.
type container struct {
	Name         string `json:"name"`
	Image        string `json:"image"`
	Essential    bool   `json:"essential"`
	PortMappings []struct {
		ContainerPort int    `json:"containerPort"`
		HostPort      int    `json:"hostPort"`
		Protocol      string `json:"protocol"`
	} `json:"portMappings"`
	Environment []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"environment"`
	Secrets []struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	} `json:"secrets"`
	LogConfiguration struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	} `json:"logConfiguration"`
	LinuxParameters struct {
		InitProcessEnabled bool `json:"initProcessEnabled"`
	} `json:"linuxParameters"`
	StopTimeout            int   `json:"stopTimeout"`
	ReadonlyRootFilesystem *bool `json:"readonlyRootFilesystem"`
	HealthCheck            *struct {
		Command                                 []string
		Interval, Timeout, Retries, StartPeriod int
	} `json:"healthCheck"`
}

// taskDefinition returns the one task definition and its decoded container.
func taskDefinition(t *testing.T, s *testutil.Synthesized) (map[string]any, container) {
	t.Helper()
	td := s.Resource(t, "aws_ecs_task_definition", resourceName(t, s, "aws_ecs_task_definition", "task_definition"))
	var defs []container
	testutil.DecodeJSONEncode(t, td["container_definitions"], &defs)
	if len(defs) != 1 {
		t.Fatalf("%d containers, want 1", len(defs))
	}
	return td, defs[0]
}

func TestECSContainerDefinition(t *testing.T) {
	v := ecsStacks()
	base, scaled := v.base, v.scaled
	_, c := taskDefinition(t, base)
	if c.Name != "bridge" || !c.Essential {
		t.Errorf("name = %q, essential = %v; want an essential container \"bridge\"", c.Name, c.Essential)
	}
	if want := base.Ref("aws_ecr_repository", "repository", "repository_url") + ":1.0.0"; c.Image != want {
		t.Errorf("image = %q, want %q", c.Image, want)
	}
	if len(c.PortMappings) != 1 || c.PortMappings[0].ContainerPort != 3000 || c.PortMappings[0].Protocol != "tcp" {
		t.Errorf("portMappings = %+v, want 3000/tcp", c.PortMappings)
	}
	if c.StopTimeout != 120 {
		t.Errorf("stopTimeout = %d, want the default 120", c.StopTimeout)
	}
	if !c.LinuxParameters.InitProcessEnabled {
		t.Error("linuxParameters.initProcessEnabled is off; spawned processes would not be reaped")
	}
	if c.ReadonlyRootFilesystem == nil || *c.ReadonlyRootFilesystem {
		t.Errorf("readonlyRootFilesystem = %v, want an explicit false", c.ReadonlyRootFilesystem)
	}
	for _, p := range healthCheckProblems(c, 120) {
		t.Error(p)
	}
	_, scaledC := taskDefinition(t, scaled)
	for _, p := range healthCheckProblems(scaledC, 300) {
		t.Errorf("scaled: %s", p)
	}
	lc := c.LogConfiguration
	wantLogs := map[string]string{
		"awslogs-group":         base.Ref("aws_cloudwatch_log_group", "ecs_log_group", "name"),
		"awslogs-region":        "us-east-1",
		"awslogs-stream-prefix": "bridge",
	}
	if lc.LogDriver != "awslogs" || len(lc.Options) != len(wantLogs) {
		t.Errorf("logConfiguration = %+v, want awslogs with %v", lc, wantLogs)
	}
	for k, v := range wantLogs {
		if lc.Options[k] != v {
			t.Errorf("log option %s = %q, want %q", k, lc.Options[k], v)
		}
	}
}

// The API key arrives only through `secrets`, from the JSON key of the
// secret; never as a plain environment value.
func TestECSAPIKeyIsASecret(t *testing.T) {
	v := ecsStacks()
	base, scaled := v.base, v.scaled
	for _, tt := range []struct {
		name string
		s    *testutil.Synthesized
	}{{"base", base}, {"scaled", scaled}} {
		t.Run(tt.name, func(t *testing.T) {
			_, c := taskDefinition(t, tt.s)
			want := tt.s.Ref("aws_secretsmanager_secret", "secret", "arn") + ":ANTHROPIC_API_KEY::"
			if len(c.Secrets) != 1 || c.Secrets[0].Name != "ANTHROPIC_API_KEY" || c.Secrets[0].ValueFrom != want {
				t.Errorf("secrets = %+v, want only ANTHROPIC_API_KEY from %s", c.Secrets, want)
			}
			for _, e := range c.Environment {
				if e.Name == "ANTHROPIC_API_KEY" {
					t.Errorf("environment has ANTHROPIC_API_KEY = %q; it must come from secrets only", e.Value)
				}
			}
			td, _ := taskDefinition(t, tt.s)
			if strings.Contains(td["container_definitions"].(string), `"name" = "ANTHROPIC_API_KEY", "value"`) {
				t.Error("container_definitions holds ANTHROPIC_API_KEY as a plain value")
			}
		})
	}
}

func TestECSEnvironment(t *testing.T) {
	v := ecsStacks()
	base, scaled := v.base, v.scaled
	tests := []struct {
		name string
		s    *testutil.Synthesized
		want [][2]string
	}{
		{"defaults", base, [][2]string{{"NODE_ENV", "production"}, {"PORT", "3000"}}},
		{"extra sorted", scaled, [][2]string{
			{"ALPHA", "first"}, {"N8N_URL", "https://n8n.example.com/?a=1&b=2"}, {"NODE_ENV", "staging"},
			{"PORT", "3000"}, {"QUOTED", "say \"hi\" \\ %%{x}\nnext line"}, {"TEMPLATE", "$${not.a.ref}"}, {"ZED", "last"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := taskDefinition(t, tt.s)
			var got [][2]string
			for _, e := range c.Environment {
				got = append(got, [2]string{e.Name, e.Value})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("environment =\n%q\nwant (sorted by name; \"${\" and \"%%{\" escaped for Terraform)\n%q", got, tt.want)
			}
		})
	}
}

func TestECSTaskDefinition(t *testing.T) {
	v := ecsStacks()
	base, scaled := v.base, v.scaled
	testutil.AssertResource(t, base, "aws_ecs_task_definition", map[string]any{
		"family": "proj-test-bridge", "requires_compatibilities": []any{"FARGATE"}, "network_mode": "awsvpc",
		"cpu": "2048", "memory": "4096",
		"runtime_platform":   map[string]any{"operating_system_family": "LINUX", "cpu_architecture": "X86_64"},
		"execution_role_arn": base.Ref("aws_iam_role", "execution_role", "arn"),
		"task_role_arn":      base.Ref("aws_iam_role", "task_role", "arn"),
	})
	testutil.AssertResource(t, scaled, "aws_ecs_task_definition", map[string]any{
		"cpu": "1024", "memory": "2048",
		"runtime_platform":  map[string]any{"cpu_architecture": "ARM64"},
		"ephemeral_storage": map[string]any{"size_in_gib": 50},
	})
	testutil.RefuteResource(t, scaled, "aws_ecs_task_definition", map[string]any{"runtime_platform": map[string]any{"cpu_architecture": "X86_64"}})
	// 21 GiB is the default: no block at all.
	td, _ := taskDefinition(t, base)
	if v, ok := td["ephemeral_storage"]; ok {
		t.Errorf("ephemeral_storage = %v at 21 GiB, want no block", v)
	}
	_, c := taskDefinition(t, scaled)
	if c.StopTimeout != 90 {
		t.Errorf("stopTimeout = %d, want 90", c.StopTimeout)
	}
}

func TestECSCluster(t *testing.T) {
	v := ecsStacks()
	base, scaled, spot := v.base, v.scaled, v.spot
	tests := []struct {
		name, insights, provider string
		s                        *testutil.Synthesized
	}{
		{"base", "disabled", "FARGATE", base},
		{"scaled", "enabled", "FARGATE", scaled},
		{"spot", "disabled", "FARGATE_SPOT", spot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.AssertResource(t, tt.s, "aws_ecs_cluster", map[string]any{
				"name": "proj-test-cluster", "setting": []any{map[string]any{"name": "containerInsights", "value": tt.insights}},
			})
			testutil.AssertResource(t, tt.s, "aws_ecs_cluster_capacity_providers", map[string]any{
				"cluster_name":                       tt.s.Ref("aws_ecs_cluster", "cluster", "name"),
				"capacity_providers":                 []any{"FARGATE", "FARGATE_SPOT"},
				"default_capacity_provider_strategy": []any{map[string]any{"capacity_provider": tt.provider, "weight": 1}},
			})
		})
	}
}

func TestECSLogGroup(t *testing.T) {
	v := ecsStacks()
	base, scaled := v.base, v.scaled
	testutil.AssertResource(t, base, "aws_cloudwatch_log_group", map[string]any{"name": "/ecs/proj-test/bridge", "retention_in_days": 30})
	testutil.AssertResource(t, scaled, "aws_cloudwatch_log_group", map[string]any{"name": "/ecs/proj-test/bridge", "retention_in_days": 90})
}

func TestECSService(t *testing.T) {
	v := ecsStacks()
	base, scaled, spot := v.base, v.scaled, v.spot
	s := base
	testutil.AssertResource(t, s, "aws_ecs_service", map[string]any{
		"name":            "proj-test-bridge",
		"cluster":         s.Ref("aws_ecs_cluster", "cluster", "arn"),
		"task_definition": s.Ref("aws_ecs_task_definition", "task_definition", "arn"),
		"desired_count":   1,
		"network_configuration": map[string]any{
			"subnets": []any{
				s.Ref("aws_subnet", "private_subnet_us-east-1a", "id"),
				s.Ref("aws_subnet", "private_subnet_us-east-1b", "id"),
			},
			"security_groups":  []any{s.Ref("aws_security_group", "bridge_security_group", "id")},
			"assign_public_ip": false,
		},
		"load_balancer": []any{map[string]any{
			"target_group_arn": s.Ref("aws_lb_target_group", "target_group", "arn"),
			"container_name":   "bridge", "container_port": 3000,
		}},
		"health_check_grace_period_seconds":  120,
		"deployment_circuit_breaker":         map[string]any{"enable": true, "rollback": true},
		"deployment_minimum_healthy_percent": 100,
		"deployment_maximum_percent":         200,
		"enable_execute_command":             false,
		"propagate_tags":                     "SERVICE",
		"enable_ecs_managed_tags":            true,
		"wait_for_steady_state":              false,
		"capacity_provider_strategy":         []any{map[string]any{"capacity_provider": "FARGATE", "weight": 1}},
	})
	testutil.RefuteResource(t, s, "aws_ecs_service", map[string]any{"network_configuration": map[string]any{"assign_public_ip": true}})
	testutil.AssertResource(t, scaled, "aws_ecs_service", map[string]any{"health_check_grace_period_seconds": 300, "enable_execute_command": true})
	testutil.AssertResource(t, spot, "aws_ecs_service", map[string]any{
		"capacity_provider_strategy": []any{map[string]any{"capacity_provider": "FARGATE_SPOT", "weight": 1}},
	})
	testutil.RefuteResource(t, spot, "aws_ecs_service", map[string]any{
		"capacity_provider_strategy": []any{map[string]any{"capacity_provider": "FARGATE", "weight": 1}},
	})
	// Without NAT: public subnets, a public IP, and still only the bridge group.
	testutil.AssertResource(t, spot, "aws_ecs_service", map[string]any{
		"network_configuration": map[string]any{
			"subnets": []any{
				spot.Ref("aws_subnet", "public_subnet_us-east-1a", "id"),
				spot.Ref("aws_subnet", "public_subnet_us-east-1b", "id"),
			},
			"security_groups":  []any{spot.Ref("aws_security_group", "bridge_security_group", "id")},
			"assign_public_ip": true,
		},
	})
	for _, s := range []*testutil.Synthesized{base, spot} {
		for n, svc := range s.Resources("aws_ecs_service") {
			if _, ok := svc["launch_type"]; ok {
				t.Errorf("%s sets launch_type beside a capacity provider strategy", n)
			}
		}
	}
}

// The service waits for the listener (target group attached to the ALB),
// the capacity providers and the role policies.
func TestECSServiceDependsOn(t *testing.T) {
	base := ecsStacks().base
	svc := base.Resource(t, "aws_ecs_service", resourceName(t, base, "aws_ecs_service", "ecs_service"))
	deps := testutil.Strings(svc["depends_on"])
	for _, want := range []string{
		"aws_lb_listener." + resourceName(t, base, "aws_lb_listener", "listener"),
		"aws_ecs_cluster_capacity_providers." + resourceName(t, base, "aws_ecs_cluster_capacity_providers", "capacity_providers"),
		"aws_iam_role_policy." + resourceName(t, base, "aws_iam_role_policy", "execution_secret_policy"),
		"aws_iam_role_policy." + resourceName(t, base, "aws_iam_role_policy", "execution_pull_policy"),
	} {
		if !slices.Contains(deps, want) {
			t.Errorf("depends_on = %v, want it to contain %s", deps, want)
		}
	}
}

func TestECSAutoscaling(t *testing.T) {
	v := ecsStacks()
	base, scaled := v.base, v.scaled
	t.Run("off", func(t *testing.T) {
		if n := base.Count("aws_appautoscaling_target") + base.Count("aws_appautoscaling_policy"); n != 0 {
			t.Errorf("%d autoscaling resources without autoscaling", n)
		}
		for n, svc := range base.Resources("aws_ecs_service") {
			if lc, ok := svc["lifecycle"]; ok {
				t.Errorf("%s has lifecycle %v, want none: desired_count is Terraform's", n, lc)
			}
		}
	})
	t.Run("on", func(t *testing.T) {
		s := scaled
		testutil.AssertResource(t, s, "aws_appautoscaling_target", map[string]any{
			"service_namespace":  "ecs",
			"resource_id":        "service/" + s.Ref("aws_ecs_cluster", "cluster", "name") + "/" + s.Ref("aws_ecs_service", "ecs_service", "name"),
			"scalable_dimension": "ecs:service:DesiredCount",
			"min_capacity":       2, "max_capacity": 6,
		})
		if n := s.Count("aws_appautoscaling_policy"); n != 2 {
			t.Errorf("%d scaling policies, want 2", n)
		}
		target := s.Ref("aws_appautoscaling_target", "autoscaling_target", "resource_id")
		testutil.AssertResource(t, s, "aws_appautoscaling_policy", map[string]any{
			"name": "proj-test-bridge-cpu", "policy_type": "TargetTrackingScaling", "resource_id": target,
			"target_tracking_scaling_policy_configuration": map[string]any{
				"target_value":                    70,
				"predefined_metric_specification": map[string]any{"predefined_metric_type": "ECSServiceAverageCPUUtilization"},
				"scale_out_cooldown":              60, "disable_scale_in": true,
			},
		})
		testutil.AssertResource(t, s, "aws_appautoscaling_policy", map[string]any{
			"name": "proj-test-bridge-requests", "policy_type": "TargetTrackingScaling", "resource_id": target,
			"target_tracking_scaling_policy_configuration": map[string]any{
				"target_value": 300,
				"predefined_metric_specification": map[string]any{
					"predefined_metric_type": "ALBRequestCountPerTarget",
					"resource_label":         s.Ref("aws_lb", "alb", "arn_suffix") + "/" + s.Ref("aws_lb_target_group", "target_group", "arn_suffix"),
				},
			},
		})
		// No policy scales in: neither metric sees an idle WebSocket session.
		for n, p := range s.Resources("aws_appautoscaling_policy") {
			cfg, _ := p["target_tracking_scaling_policy_configuration"].(map[string]any)
			if cfg["disable_scale_in"] != true {
				t.Errorf("%s scales in (disable_scale_in = %v); it would cut live sessions", n, cfg["disable_scale_in"])
			}
		}
		svc := s.Resource(t, "aws_ecs_service", resourceName(t, s, "aws_ecs_service", "ecs_service"))
		lc, _ := svc["lifecycle"].(map[string]any)
		if got := testutil.Strings(lc["ignore_changes"]); !slices.Equal(got, []string{"desired_count"}) {
			t.Errorf("service lifecycle.ignore_changes = %v, want [desired_count]", got)
		}
	})
}

func TestECSExecutionRole(t *testing.T) {
	base := ecsStacks().base
	s := base
	testutil.AssertResource(t, s, "aws_iam_role", map[string]any{"name": "proj-test-ecs-execution"})
	if n := s.Count("aws_iam_role_policy_attachment"); n != 0 {
		t.Errorf("%d managed policy attachments, want none (AWS's execution policy grants on *)", n)
	}
	testutil.AssertResource(t, s, "aws_iam_role_policy", map[string]any{
		"role":   s.Ref("aws_iam_role", "execution_role", "id"),
		"policy": "${data.aws_iam_policy_document." + dataName(t, s, "aws_iam_policy_document", "execution_secret_policy_document") + ".json}",
	})
	sts := policyStatements(t, s, "execution_secret_policy_document")
	arn := s.Ref("aws_secretsmanager_secret", "secret", "arn")
	if len(sts) != 1 || !slices.Equal(testutil.Strings(sts[0]["actions"]), []string{"secretsmanager:GetSecretValue"}) ||
		!slices.Equal(testutil.Strings(sts[0]["resources"]), []string{arn}) {
		t.Errorf("execution secret policy = %v, want only GetSecretValue on %s", sts, arn)
	}
	// The twin: nothing in the execution role's own document is a wildcard.
	for _, st := range sts {
		if slices.Contains(testutil.Strings(st["resources"]), "*") {
			t.Errorf("execution secret policy grants %v on *", st["actions"])
		}
	}
}

// TestECSExecutionPullPolicy: the execution role pulls from the image's own
// repository only and writes to the service's log group only; with an image
// outside ECR it gets no ECR permission at all.
func TestECSExecutionPullPolicy(t *testing.T) {
	v := ecsStacks()
	base, spot := v.base, v.spot
	logs := []string{"logs:CreateLogStream", "logs:PutLogEvents"}
	pull := []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}
	for _, tt := range []struct {
		name string
		s    *testutil.Synthesized
		want map[string]string // sid -> "actions on resources"
	}{
		{"image in ECR", base, map[string]string{
			"PullBridgeImage": fmt.Sprint(pull, " on ", []string{base.Ref("aws_ecr_repository", "repository", "arn")}),
			"EcrLogin":        fmt.Sprint([]string{"ecr:GetAuthorizationToken"}, " on ", []string{"*"}),
			"WriteBridgeLogs": fmt.Sprint(logs, " on ", logResources(base)),
		}},
		{"public image", spot, map[string]string{
			"WriteBridgeLogs": fmt.Sprint(logs, " on ", logResources(spot)),
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			testutil.AssertResource(t, s, "aws_iam_role_policy", map[string]any{
				"name": "pull-image-write-logs", "role": s.Ref("aws_iam_role", "execution_role", "id"),
				"policy": "${data.aws_iam_policy_document." + dataName(t, s, "aws_iam_policy_document", "execution_pull_policy_document") + ".json}",
			})
			got := map[string]string{}
			for _, st := range policyStatements(t, s, "execution_pull_policy_document") {
				got[fmt.Sprint(st["sid"])] = fmt.Sprint(testutil.Strings(st["actions"]), " on ", testutil.Strings(st["resources"]))
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("execution pull policy:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func logResources(s *testutil.Synthesized) []string {
	arn := s.Ref("aws_cloudwatch_log_group", "ecs_log_group", "arn")
	return []string{arn, arn + ":*"}
}

func TestECSTaskRole(t *testing.T) {
	v := ecsStacks()
	base, scaled := v.base, v.scaled
	ssm := []string{
		"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
		"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
	}
	for _, tt := range []struct {
		name string
		s    *testutil.Synthesized
		exec bool
	}{{"exec off", base, false}, {"exec on", scaled, true}} {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			testutil.AssertResource(t, s, "aws_iam_role", map[string]any{"name": "proj-test-ecs-task"})
			testutil.AssertResource(t, s, "aws_iam_role_policy", map[string]any{
				"name": "read-anthropic-key", "role": s.Ref("aws_iam_role", "task_role", "id"),
				"policy": "${data.aws_iam_policy_document." + dataName(t, s, "aws_iam_policy_document", "secret_read_policy") + ".json}",
			})
			var got []string
			for _, st := range policyStatements(t, s, "") {
				for _, a := range testutil.Strings(st["actions"]) {
					if strings.HasPrefix(a, "ssmmessages:") {
						got = append(got, a)
					}
				}
			}
			if !tt.exec {
				if len(got) != 0 || s.Count("aws_iam_role_policy") != 3 {
					t.Errorf("exec off: ssmmessages actions %v and %d role policies, want none and 3", got, s.Count("aws_iam_role_policy"))
				}
				return
			}
			if !slices.Equal(got, ssm) {
				t.Errorf("ssmmessages actions = %v, want %v", got, ssm)
			}
			testutil.AssertResource(t, s, "aws_iam_role_policy", map[string]any{
				"name": "ecs-exec", "role": s.Ref("aws_iam_role", "task_role", "id"),
			})
		})
	}
}

// TestECSTrustPolicies: both roles trust ECS tasks of the stack's own account
// (read from the log group's ARN, no plan-time lookup) and region only.
func TestECSTrustPolicies(t *testing.T) {
	base := ecsStacks().base
	trust := "${data.aws_iam_policy_document." + dataName(t, base, "aws_iam_policy_document", "ecs_tasks_assume_role") + ".json}"
	for _, role := range []string{"proj-test-ecs-execution", "proj-test-ecs-task"} {
		testutil.AssertResource(t, base, "aws_iam_role", map[string]any{"name": role, "assume_role_policy": trust})
	}
	sts := policyStatements(t, base, "ecs_tasks_assume_role")
	if len(sts) != 1 || !slices.Equal(testutil.Strings(sts[0]["actions"]), []string{"sts:AssumeRole"}) {
		t.Fatalf("trust statements = %v, want one sts:AssumeRole", sts)
	}
	arn := strings.TrimSuffix(strings.TrimPrefix(base.Ref("aws_cloudwatch_log_group", "ecs_log_group", "arn"), "${"), "}")
	account := `${element(split(":", ` + arn + `), 4)}`
	want := fmt.Sprint([]map[string]any{
		{"test": "StringEquals", "variable": "aws:SourceAccount", "values": []any{account}},
		{"test": "ArnLike", "variable": "aws:SourceArn", "values": []any{"arn:aws:ecs:us-east-1:" + account + ":*"}},
	})
	if got := fmt.Sprint(sts[0]["condition"]); got != want {
		t.Errorf("trust conditions:\n got %s\nwant %s", got, want)
	}
}

// Only the ECS Exec and ECR login statements may name "*" (neither
// ssmmessages channels nor the registry token have resource types); no statement anywhere may use a wildcard action.
func TestECSNoWildcards(t *testing.T) {
	v := ecsStacks()
	base, scaled, spot := v.base, v.scaled, v.spot
	for _, s := range []*testutil.Synthesized{base, scaled, spot} {
		for _, st := range policyStatements(t, s, "") {
			for _, a := range testutil.Strings(st["actions"]) {
				if a == "*" || strings.HasSuffix(a, ":*") {
					t.Errorf("wildcard action %s in %v", a, st)
				}
			}
			if slices.Contains(testutil.Strings(st["resources"]), "*") && st["sid"] != "EcsExecChannels" && st["sid"] != "EcrLogin" {
				t.Errorf("statement %v grants on *", st)
			}
		}
	}
}

func TestECSOutputs(t *testing.T) {
	base := ecsStacks().base
	s := base
	want := map[string]string{
		"cluster_name":        s.Ref("aws_ecs_cluster", "cluster", "name"),
		"cluster_arn":         s.Ref("aws_ecs_cluster", "cluster", "arn"),
		"service_name":        s.Ref("aws_ecs_service", "ecs_service", "name"),
		"log_group_name":      s.Ref("aws_cloudwatch_log_group", "ecs_log_group", "name"),
		"task_role_arn":       s.Ref("aws_iam_role", "task_role", "arn"),
		"execution_role_arn":  s.Ref("aws_iam_role", "execution_role", "arn"),
		"task_definition_arn": s.Ref("aws_ecs_task_definition", "task_definition", "arn"),
	}
	for n, w := range want {
		o, _ := s.Outputs()[n].(map[string]any)
		if o["value"] != w {
			t.Errorf("output %s = %v, want %s", n, o["value"], w)
		}
	}
}

// lifecycleIgnores returns the lifecycle.ignore_changes of a resource.
func lifecycleIgnores(res map[string]any) []string {
	lc, _ := res["lifecycle"].(map[string]any)
	return testutil.Strings(lc["ignore_changes"])
}

func TestECSSchedule(t *testing.T) {
	v := ecsStacks()
	base, scaled, scheduled, spot := v.base, v.scaled, v.scheduled, v.spot
	t.Run("without autoscaling", func(t *testing.T) {
		s := scheduled
		target := s.Resource(t, "aws_appautoscaling_target", resourceName(t, s, "aws_appautoscaling_target", "autoscaling_target"))
		testutil.AssertResource(t, s, "aws_appautoscaling_target", map[string]any{
			"resource_id":        "service/" + s.Ref("aws_ecs_cluster", "cluster", "name") + "/" + s.Ref("aws_ecs_service", "ecs_service", "name"),
			"scalable_dimension": "ecs:service:DesiredCount", "min_capacity": 1, "max_capacity": 1,
		})
		if got := lifecycleIgnores(target); !slices.Equal(got, []string{"min_capacity", "max_capacity"}) {
			t.Errorf("target lifecycle.ignore_changes = %v, want [min_capacity max_capacity]: an apply must not undo the schedule", got)
		}
		if n := s.Count("aws_appautoscaling_policy"); n != 0 {
			t.Errorf("%d scaling policies without autoscaling", n)
		}
		ref := s.Ref("aws_appautoscaling_target", "autoscaling_target", "resource_id")
		testutil.AssertResource(t, s, "aws_appautoscaling_scheduled_action", map[string]any{
			"name": "proj-test-bridge-office-hours-start", "resource_id": ref, "scalable_dimension": s.Ref("aws_appautoscaling_target", "autoscaling_target", "scalable_dimension"),
			"schedule": "cron(0 8 ? * MON,TUE,WED,THU,FRI *)", "timezone": "Europe/Berlin",
			"scalable_target_action": map[string]any{"min_capacity": "1", "max_capacity": "1"},
		})
		testutil.AssertResource(t, s, "aws_appautoscaling_scheduled_action", map[string]any{
			"name": "proj-test-bridge-office-hours-stop", "resource_id": ref,
			"schedule": "cron(0 19 ? * MON,TUE,WED,THU,FRI *)", "timezone": "Europe/Berlin",
			"scalable_target_action": map[string]any{"min_capacity": "0", "max_capacity": "0"},
		})
		if n := s.Count("aws_appautoscaling_scheduled_action"); n != 2 {
			t.Errorf("%d scheduled actions, want 2", n)
		}
		// One change at a time to the target: the stop action waits for the start action.
		stop := s.Resource(t, "aws_appautoscaling_scheduled_action", resourceName(t, s, "aws_appautoscaling_scheduled_action", "schedule_stop"))
		if got, want := testutil.Strings(stop["depends_on"]), []string{"aws_appautoscaling_scheduled_action." + resourceName(t, s, "aws_appautoscaling_scheduled_action", "schedule_start")}; !slices.Equal(got, want) {
			t.Errorf("stop action depends_on = %v, want %v", got, want)
		}
		svc := s.Resource(t, "aws_ecs_service", resourceName(t, s, "aws_ecs_service", "ecs_service"))
		if got := lifecycleIgnores(svc); !slices.Equal(got, []string{"desired_count"}) {
			t.Errorf("service lifecycle.ignore_changes = %v, want [desired_count]: an apply must not wake the service", got)
		}
	})
	t.Run("with autoscaling", func(t *testing.T) {
		s := scaled
		testutil.AssertResource(t, s, "aws_appautoscaling_scheduled_action", map[string]any{
			"name": "proj-test-bridge-office-hours-start", "schedule": "cron(0 6 ? * MON,SAT *)", "timezone": "Asia/Kolkata",
			"scalable_target_action": map[string]any{"min_capacity": "2", "max_capacity": "6"},
		})
		testutil.AssertResource(t, s, "aws_appautoscaling_scheduled_action", map[string]any{
			"name": "proj-test-bridge-office-hours-stop", "schedule": "cron(0 22 ? * MON,SAT *)",
			"scalable_target_action": map[string]any{"min_capacity": "0", "max_capacity": "0"},
		})
		start := s.Resource(t, "aws_appautoscaling_scheduled_action", resourceName(t, s, "aws_appautoscaling_scheduled_action", "schedule_start"))
		if got := testutil.Strings(start["depends_on"]); len(got) != 2 || !strings.HasPrefix(got[0], "aws_appautoscaling_policy.") {
			t.Errorf("start action depends_on = %v, want the two scaling policies", got)
		}
	})
	t.Run("off", func(t *testing.T) {
		if n := base.Count("aws_appautoscaling_scheduled_action") + spot.Count("aws_appautoscaling_scheduled_action"); n != 0 {
			t.Errorf("%d scheduled actions without a schedule", n)
		}
		// The twin of the checks above: these read real lifecycle blocks.
		if n := base.Count("aws_appautoscaling_target"); n != 0 {
			t.Errorf("%d scalable targets without autoscaling or schedule", n)
		}
	})
}

func TestECSCronAt(t *testing.T) {
	for _, tt := range []struct {
		hour int
		days []string
		want string
	}{
		{8, []string{"FRI", "MON", "WED"}, "cron(0 8 ? * MON,WED,FRI *)"},
		{0, []string{"SUN"}, "cron(0 0 ? * SUN *)"},
		{23, ecs.Weekdays, "cron(0 23 ? * MON,TUE,WED,THU,FRI,SAT,SUN *)"},
	} {
		if got := ecs.CronAt(tt.hour, tt.days); got != tt.want {
			t.Errorf("CronAt(%d, %v) = %q, want %q", tt.hour, tt.days, got, tt.want)
		}
	}
}

func TestECSHoursPerWeek(t *testing.T) {
	for _, tt := range []struct {
		s    ecs.Schedule
		want int
	}{
		{ecs.Schedule{}, 168},
		{ecs.Schedule{Enabled: true, Days: []string{"MON", "TUE", "WED", "THU", "FRI"}, StartHour: 8, StopHour: 19}, 55},
		{ecs.Schedule{Enabled: true, Days: []string{"SAT"}, StartHour: 0, StopHour: 23}, 23},
	} {
		if got := tt.s.HoursPerWeek(); got != tt.want {
			t.Errorf("%+v.HoursPerWeek() = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestECSNewPanicsOnMisuse(t *testing.T) {
	tests := []struct {
		name string
		p    ecs.Props
		fill bool
		want []string
	}{
		{"missing", ecs.Props{}, false, []string{"required props missing"}},
		{"spot on arm", ecs.Props{FargateSpot: true, Architecture: ecs.ArchARM}, true, []string{"Fargate Spot"}},
		{"key as env", ecs.Props{Environment: map[string]string{"ANTHROPIC_API_KEY": "sk"}}, true, []string{"ANTHROPIC_API_KEY"}},
		{"storage", ecs.Props{EphemeralStorageGiB: ecs.MaxEphemeralStorageGiB + 1}, true, []string{"EphemeralStorageGiB 201 must be 21 to 200"}},
		// Every problem in one panic, not the first one found.
		{"all at once", ecs.Props{FargateSpot: true, Architecture: ecs.ArchARM, Environment: map[string]string{"PORT": "1"}}, false,
			[]string{"required props missing: Image, NamePrefix", "Fargate Spot", "may not set PORT"}},
		{"schedule day", ecs.Props{DesiredCount: 1, Schedule: ecs.Schedule{Enabled: true, Days: []string{"Mon"}, StartHour: 8, StopHour: 9, TimeZone: "UTC"}}, true, []string{"Schedule.Days"}},
		{"schedule hours", ecs.Props{DesiredCount: 1, Schedule: ecs.Schedule{Enabled: true, Days: []string{"MON"}, StartHour: 9, StopHour: 9, TimeZone: "UTC"}}, true, []string{"StartHour (9) < StopHour (9)"}},
		{"schedule of no tasks", ecs.Props{Schedule: ecs.Schedule{Enabled: true, Days: []string{"MON"}, StartHour: 8, StopHour: 9, TimeZone: "UTC"}}, true, []string{"DesiredCount"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fill {
				fillECSProps(&tt.p)
			}
			defer func() {
				r := recover()
				msg, _ := r.(string)
				for _, w := range tt.want {
					if !strings.Contains(msg, w) {
						t.Errorf("panic = %v, want a message containing %q", r, w)
					}
				}
			}()
			ecs.New(testutil.NewStack(), "ecs", tt.p)
		})
	}
}

// fillECSProps sets every required prop to a placeholder.
func fillECSProps(p *ecs.Props) {
	x := jsii.String("x")
	p.NamePrefix, p.Region, p.Image = "p", "us-east-1", x
	p.SecretArn, p.SecretValueFrom, p.SecretReadPolicyJSON = x, x, x
	p.SubnetIDs, p.SecurityGroupID, p.TargetGroupArn = &[]*string{x}, x, x
}

// healthCheckProblems says where the container health check of c differs
// from: Node.js itself (no curl or wget) asking 127.0.0.1:3000/health, three
// retries, the given start period.
func healthCheckProblems(c container, startPeriod int) []string {
	hc := c.HealthCheck
	if hc == nil {
		return []string{"no container healthCheck"}
	}
	var out []string
	if len(hc.Command) != 4 || hc.Command[0] != "CMD" || hc.Command[1] != "node" || hc.Command[2] != "-e" {
		out = append(out, fmt.Sprintf("healthCheck.command = %q, want [CMD node -e <script>]", hc.Command))
	} else if !strings.Contains(hc.Command[3], "http://127.0.0.1:3000/health") {
		out = append(out, fmt.Sprintf("health check script %q does not ask 127.0.0.1:3000/health", hc.Command[3]))
	}
	for _, tool := range []string{"curl", "wget", "CMD-SHELL"} {
		if strings.Contains(strings.Join(hc.Command, " "), tool) {
			out = append(out, "healthCheck.command needs "+tool+", which a Node.js image may lack")
		}
	}
	if hc.StartPeriod != startPeriod || hc.Retries != 3 || hc.Interval != 30 || hc.Timeout != 5 {
		out = append(out, fmt.Sprintf("healthCheck = %+v, want interval 30, timeout 5, retries 3, startPeriod %d", *hc, startPeriod))
	}
	return out
}

// TestECSHealthCheckProblemsCatches is the failing twin of healthCheckProblems.
func TestECSHealthCheckProblemsCatches(t *testing.T) {
	base := ecsStacks().base
	_, good := taskDefinition(t, base)
	curl := good
	hc := *good.HealthCheck
	hc.Command = []string{"CMD-SHELL", "curl -f http://localhost:3000/health || exit 1"}
	curl.HealthCheck = &hc
	for name, tt := range map[string]struct {
		c     container
		start int
	}{"curl": {curl, 120}, "none": {container{}, 120}, "start period": {good, 60}} {
		if len(healthCheckProblems(tt.c, tt.start)) == 0 {
			t.Errorf("%s: not flagged", name)
		}
	}
}

// TestECSHealthCheckCommandRuns runs the container's health check command
// with the node on this machine against a local server: exit 0 on a 200
// from /health, 1 on a 503 and 1 when nothing listens.
func TestECSHealthCheckCommandRuns(t *testing.T) {
	base := ecsStacks().base
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on the PATH (the jsii runtime needs it too)")
	}
	_, c := taskDefinition(t, base)
	script := c.HealthCheck.Command[3]
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	run := func() int {
		cmd := exec.Command(node, "-e", strings.Replace(script, "127.0.0.1:3000", "127.0.0.1:"+port, 1))
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	if got := run(); got != 0 {
		t.Errorf("healthy server: exit %d, want 0", got)
	}
	status = http.StatusServiceUnavailable
	if got := run(); got != 1 {
		t.Errorf("503 from /health: exit %d, want 1", got)
	}
	srv.Close()
	if got := run(); got != 1 {
		t.Errorf("nothing listening: exit %d, want 1", got)
	}
}
