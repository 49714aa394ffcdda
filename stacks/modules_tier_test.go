package stacks_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/n8n-builder/infra/internal/modulestacks"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/waf"
)

// The modules' terraform tiers: their test stacks (internal/modulestacks)
// go into this package's terraform plan and its `terraform test`, beside
// the environments, to catch what the synthesized JSON cannot show: schema
// errors, references Terraform rejects, values the provider plans
// differently. Each terraform command, and each provider configuration in
// it, costs seconds of CPU loading the provider's schema; a plan and a test
// of their own in the modules package cost the suite about a fifth of its
// time. Synthesized in TestMain unless -short (jsii).
var moduleStacks map[string]*testutil.Synthesized

// moduleApplied fails the test unless the mocked applies' test file named
// file passed: its module stack applied, met its checks and was destroyed.
func moduleApplied(t *testing.T, file string) {
	t.Helper()
	if out := mockedApplies(t); !strings.Contains(out, "\n"+file+".tftest.hcl... pass") {
		t.Errorf("%s.tftest.hcl did not pass; terraform test printed:\n%s", file, out)
	}
}

// TestCertificatesPlan proves the validation records' references to the
// certificate's domain_validation_options (a set) pass terraform validate
// and plan.
func TestCertificatesPlan(t *testing.T) {
	t.Parallel()
	assertCounts(t, plan(t, modulestacks.CertificatesRegional), map[string]int{
		"aws_acm_certificate": 2, "aws_acm_certificate_validation": 2, "aws_route53_record": 2,
	})
}

// TestCertificatesMockedApply applies and destroys the regional stack with
// mocked providers (default and aliased).
func TestCertificatesMockedApply(t *testing.T) {
	needApplies(t)
	t.Parallel()
	moduleApplied(t, "certificates")
}

// TestECSPlan plans the whole stack around the scaled service (most
// options on, autoscaling with an office-hours schedule).
func TestECSPlan(t *testing.T) {
	t.Parallel()
	p := plan(t, modulestacks.ECSScaled)
	assertCounts(t, p, map[string]int{
		"aws_ecr_repository": 1, "aws_ecr_lifecycle_policy": 1,
		"aws_secretsmanager_secret": 1, "aws_secretsmanager_secret_version": 1,
		"aws_ecs_cluster": 1, "aws_ecs_cluster_capacity_providers": 1, "aws_ecs_task_definition": 1,
		"aws_ecs_service": 1, "aws_iam_role": 2, "aws_iam_role_policy_attachment": 0,
		"aws_cloudwatch_log_group":  1,
		"aws_appautoscaling_target": 1, "aws_appautoscaling_policy": 2, "aws_iam_role_policy": 4,
		"aws_appautoscaling_scheduled_action": 2,
	})
	// Values the provider plans as given (known before apply).
	for _, r := range testutil.PlannedResources(p) {
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
	for _, rc := range p.ResourceChanges {
		if !rc.Change.Actions.Create() && !rc.Change.Actions.Read() {
			t.Errorf("%s: action %v, want create on a fresh plan", rc.Address, rc.Change.Actions)
		}
	}
}

// TestECSEnvironmentValuesSurviveTerraform applies the scaled stack with a
// mocked provider and reads the container's environment back through
// jsondecode: each value arrives exactly as configured, quotes, backslashes,
// newlines and template sequences included (see ecsEnvironmentChecks).
func TestECSEnvironmentValuesSurviveTerraform(t *testing.T) {
	needApplies(t)
	t.Parallel()
	moduleApplied(t, "ecs")
}

// ecsEnvironmentChecks are the state checks of
// TestECSEnvironmentValuesSurviveTerraform.
func ecsEnvironmentChecks(scaled *testutil.Synthesized) []testutil.StateCheck {
	td := resourceAddress(scaled, "aws_ecs_task_definition", "task_definition")
	return []testutil.StateCheck{{
		Expr: "[for e in jsondecode(" + td + ".container_definitions)[0].environment : e.value]",
		// HCL: "$${" and "%%{" are a literal "${" and "%{".
		Want: `["first", "https://n8n.example.com/?a=1&b=2", "staging", "3000", "say \"hi\" \\ %%{x}\nnext line", "$${not.a.ref}", "last"]`,
	}}
}

// TestFrontendPlan plans the prod-shaped UI (public ALB origin, versioned
// bucket). The dev and private-ALB shapes plan inside dev and prod
// (TestPlanResourceCounts).
func TestFrontendPlan(t *testing.T) {
	t.Parallel()
	assertCounts(t, plan(t, modulestacks.FrontendProd), map[string]int{
		"aws_s3_bucket": 1, "aws_s3_bucket_public_access_block": 1, "aws_s3_bucket_ownership_controls": 1,
		"aws_s3_bucket_server_side_encryption_configuration": 1, "aws_s3_bucket_policy": 1,
		"aws_cloudfront_origin_access_control": 1, "aws_cloudfront_response_headers_policy": 1,
		"aws_cloudfront_distribution": 1, "aws_cloudfront_function": 1,
		"aws_s3_bucket_versioning": 1, "aws_s3_bucket_lifecycle_configuration": 1, "aws_cloudfront_vpc_origin": 0,
	})
}

// TestLoadBalancerPlan plans the prod-shaped load balancer (every resource
// and data source of the module): the provider schema accepts it, and
// aws_elb_service_account resolves without calling AWS.
func TestLoadBalancerPlan(t *testing.T) {
	t.Parallel()
	p := plan(t, modulestacks.LoadBalancerProd)
	assertCounts(t, p, map[string]int{
		"aws_lb": 1, "aws_lb_target_group": 1, "aws_lb_listener": 2, "aws_s3_bucket": 1,
		"aws_s3_bucket_policy": 1, "aws_s3_bucket_public_access_block": 1,
		"aws_s3_bucket_ownership_controls": 1, "aws_s3_bucket_lifecycle_configuration": 1,
		"aws_s3_bucket_server_side_encryption_configuration": 1,
	})
	var arn any
	if p.PriorState != nil && p.PriorState.Values != nil {
		for _, r := range p.PriorState.Values.RootModule.Resources {
			if r.Mode == tfjson.DataResourceMode && r.Type == "aws_elb_service_account" {
				arn = r.AttributeValues["arn"]
			}
		}
	}
	if arn != "arn:aws:iam::127311923021:root" {
		t.Errorf("aws_elb_service_account arn = %v, want us-east-1's ELB account read at plan time", arn)
	}
}

// TestMonitoringPlanAndApply plans the eu-west-1 monitoring (two topics,
// e-mails, a budget), then applies and destroys it with a mocked provider.
func TestMonitoringPlanAndApply(t *testing.T) {
	needApplies(t)
	t.Parallel()
	assertCounts(t, plan(t, modulestacks.MonitoringAway), map[string]int{
		"aws_kms_key": 2, "aws_kms_alias": 2, "aws_kms_key_policy": 2, "aws_sns_topic": 2, "aws_sns_topic_policy": 2,
		"aws_sns_topic_subscription": 4, "aws_cloudwatch_metric_alarm": 7, "aws_cloudwatch_dashboard": 1, "aws_budgets_budget": 1,
	})
	moduleApplied(t, "monitoring")
}

// TestWAFPlan proves the untyped rule statements match the provider's schema.
func TestWAFPlan(t *testing.T) {
	t.Parallel()
	p := plan(t, modulestacks.WAFRestricted)
	assertCounts(t, p, map[string]int{"aws_wafv2_web_acl": 1, "aws_wafv2_ip_set": 2})
	// The provider read the nested maps as blocks: the planned values (where
	// every block is a list) still hold the override and the 5-minute window.
	var planned struct {
		Rule []struct {
			Name      string `json:"name"`
			Statement []struct {
				RateBased []struct {
					Limit  int `json:"limit"`
					Window int `json:"evaluation_window_sec"`
				} `json:"rate_based_statement"`
				Managed []struct {
					Overrides []struct {
						Name string `json:"name"`
					} `json:"rule_action_override"`
				} `json:"managed_rule_group_statement"`
				And []struct {
					Statement []struct {
						Label []struct {
							Key string `json:"key"`
						} `json:"label_match_statement"`
						ByteMatch []struct {
							SearchString string `json:"search_string"`
						} `json:"byte_match_statement"`
					} `json:"statement"`
				} `json:"and_statement"`
			} `json:"statement"`
		} `json:"rule"`
	}
	for _, r := range testutil.PlannedResources(p) {
		if r.Type == "aws_wafv2_web_acl" {
			b, _ := json.Marshal(r.AttributeValues)
			if err := json.Unmarshal(b, &planned); err != nil {
				t.Fatal(err)
			}
		}
	}
	var overrides, matched []string
	var limit, window int
	for _, r := range planned.Rule {
		for _, st := range r.Statement {
			for _, m := range st.Managed {
				for _, o := range m.Overrides {
					overrides = append(overrides, r.Name+"/"+o.Name)
				}
			}
			for _, rb := range st.RateBased {
				limit, window = rb.Limit, rb.Window
			}
			for _, and := range st.And {
				for _, inner := range and.Statement {
					for _, l := range inner.Label {
						matched = append(matched, r.Name+"/label "+l.Key)
					}
					for _, b := range inner.ByteMatch {
						matched = append(matched, r.Name+"/path "+b.SearchString)
					}
				}
			}
		}
	}
	if want := []string{waf.RuleCommon + "/SizeRestrictions_BODY"}; !reflect.DeepEqual(overrides, want) {
		t.Errorf("planned overrides = %v, want %v", overrides, want)
	}
	if want := []string{waf.RuleBodySize + "/label " + waf.BodySizeLabel, waf.RuleCallbackGuard + "/path /error-callback"}; !reflect.DeepEqual(matched, want) {
		t.Errorf("planned and_statements match %v, want %v", matched, want)
	}
	if limit != 500 || window != 300 {
		t.Errorf("planned rate limit %d per %d s, want 500 per 300 s", limit, window)
	}
}
