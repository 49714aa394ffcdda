package modules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/testutil"
)

// TestECSPlan runs the combined test stack (networking, ECR, secret, ALB and
// the "scaled" service, most options on, autoscaling with an office-hours
// schedule) through terraform init, validate
// and plan with the real provider, to catch schema errors the synthesized
// JSON cannot show. Skipped without terraform and the provider mirror
// (failed under CI).
func TestECSPlan(t *testing.T) {
	t.Parallel()
	plan := modulePlan(t, "ecs_scaled")
	counts := testutil.CountByType(plan)
	want := map[string]int{
		"aws_ecr_repository": 1, "aws_ecr_lifecycle_policy": 1,
		"aws_secretsmanager_secret": 1, "aws_secretsmanager_secret_version": 1,
		"aws_ecs_cluster": 1, "aws_ecs_cluster_capacity_providers": 1, "aws_ecs_task_definition": 1,
		"aws_ecs_service": 1, "aws_iam_role": 2, "aws_iam_role_policy_attachment": 0,
		"aws_cloudwatch_log_group":  1,
		"aws_appautoscaling_target": 1, "aws_appautoscaling_policy": 2, "aws_iam_role_policy": 4,
		"aws_appautoscaling_scheduled_action": 2,
	}
	for typ, n := range want {
		if counts[typ] != n {
			t.Errorf("%s: %d planned, want %d", typ, counts[typ], n)
		}
	}
	// Values the provider plans as given (known before apply).
	for _, r := range testutil.PlannedResources(plan) {
		switch r.Type {
		case "aws_secretsmanager_secret_version":
			if got := fmt.Sprint(r.AttributeValues["version_stages"]); got != "[TERRAFORM_PLACEHOLDER]" {
				t.Errorf("planned version_stages = %s, want [TERRAFORM_PLACEHOLDER]", got)
			}
		case "aws_appautoscaling_scheduled_action":
			v := r.AttributeValues
			if v["timezone"] != "Asia/Kolkata" || !strings.HasSuffix(fmt.Sprint(v["schedule"]), " ? * MON,SAT *)") {
				t.Errorf("planned scheduled action %v: timezone %v schedule %v", v["name"], v["timezone"], v["schedule"])
			}
		case "aws_ecs_service":
			if got := fmt.Sprint(r.AttributeValues["capacity_provider_strategy"]); !strings.Contains(got, "capacity_provider:FARGATE ") {
				t.Errorf("planned capacity_provider_strategy = %s, want FARGATE", got)
			}
		}
	}
	for _, rc := range plan.ResourceChanges {
		if !rc.Change.Actions.Create() && !rc.Change.Actions.Read() {
			t.Errorf("%s: action %v, want create on a fresh plan", rc.Address, rc.Change.Actions)
		}
	}
}

// TestECSEnvironmentValuesSurviveTerraform applies the "scaled" stack with
// `terraform test` and a mocked provider and reads the container's
// environment back through jsondecode: each value arrives exactly as
// configured, quotes, backslashes, newlines and template sequences included.
func TestECSEnvironmentValuesSurviveTerraform(t *testing.T) {
	t.Parallel()
	moduleApplied(t, "ecs")
}

// ecsEnvironmentChecks are the state checks of TestECSEnvironmentValuesSurviveTerraform.
func ecsEnvironmentChecks(t *testing.T, scaled *testutil.Synthesized) []testutil.StateCheck {
	td := "aws_ecs_task_definition." + resourceName(t, scaled, "aws_ecs_task_definition", "task_definition")
	return []testutil.StateCheck{{
		Expr: "[for e in jsondecode(" + td + ".container_definitions)[0].environment : e.value]",
		// HCL: "$${" and "%%{" are a literal "${" and "%{".
		Want: `["first", "https://n8n.example.com/?a=1&b=2", "staging", "3000", "say \"hi\" \\ %%{x}\nnext line", "$${not.a.ref}", "last"]`,
	}}
}
