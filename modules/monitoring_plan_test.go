package modules_test

import (
	"testing"

	"github.com/n8n-builder/infra/internal/testutil"
)

// TestMonitoringPlanAndApply runs the eu-west-1 variant (two topics, e-mails, a
// budget) through terraform validate and plan with the real provider, to
// catch schema errors the synthesized JSON cannot show, then applies and
// destroys it under `terraform test` with a mocked provider. Skipped without
// terraform and the provider mirror (failed under CI).
func TestMonitoringPlanAndApply(t *testing.T) {
	t.Parallel()
	plan := modulePlan(t, "monitoring_away")
	counts := testutil.CountByType(plan)
	for typ, n := range map[string]int{
		"aws_kms_key": 2, "aws_kms_alias": 2, "aws_kms_key_policy": 2, "aws_sns_topic": 2, "aws_sns_topic_policy": 2,
		"aws_sns_topic_subscription": 4, "aws_cloudwatch_metric_alarm": 7, "aws_cloudwatch_dashboard": 1, "aws_budgets_budget": 1,
	} {
		if counts[typ] != n {
			t.Errorf("%s: %d planned, want %d", typ, counts[typ], n)
		}
	}
	moduleApplied(t, "monitoring")
}
