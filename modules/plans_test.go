package modules_test

import (
	"strings"
	"sync"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/n8n-builder/infra/internal/testutil"
)

// The terraform tiers of the module tests read plans of these stacks, all
// made together on first use: one init, plan and show for the nine of them
// (testutil.PlanTogether) instead of three commands each, every one of
// which loads the provider's schema.
var (
	modulePlansOnce sync.Once
	modulePlans     map[string]*tfjson.Plan
)

// modulePlan returns the terraform plan of one module test stack, or skips
// the test without terraform (fails under CI).
func modulePlan(t *testing.T, name string) *tfjson.Plan {
	t.Helper()
	tf := testutil.NeedTerraform(t)
	modulePlansOnce.Do(func() {
		frontend := frontendStacks()
		stacks := map[string]*testutil.Synthesized{
			"cdnlogs":               cdnlogsStack(),
			"certificates_regional": certificatesStacks().regional,
			"ecs_scaled":            ecsStacks().scaled,
			"frontend_dev":          frontend.dev,
			"frontend_prod":         frontend.prod,
			"frontend_private_alb":  frontend.privateALB,
			"loadbalancer_prod":     loadbalancerStacks().prod,
			"monitoring_away":       monitoringStacks().away,
			"waf_restricted":        wafStacks().restricted,
		}
		configs := map[string][]byte{}
		for name, s := range stacks {
			configs[name] = []byte(s.JSON)
		}
		modulePlans = tf.PlanTogether(t, configs)
	})
	plan, ok := modulePlans[name]
	if !ok {
		t.Fatalf("no plan of %s: planning the module stacks failed in an earlier test, or no such stack", name)
	}
	return plan
}

// The apply tiers apply and destroy their stacks under `terraform test` with
// a mocked provider, all in one run of the command for the same reason: one
// test file each, applying its stack (the first is the root configuration,
// whose provider blocks, default and aliased, the mocks follow).
var (
	moduleAppliesOnce sync.Once
	moduleApplies     string // what terraform test printed
)

// moduleApplied fails the test unless the test file named file passed:
// its stack applied, met its checks and was destroyed.
func moduleApplied(t *testing.T, file string) {
	t.Helper()
	tf := testutil.NeedTerraform(t)
	moduleAppliesOnce.Do(func() {
		ecs := ecsStacks().scaled
		moduleApplies, _ = tf.TestWithMocks(t, map[string][]byte{
			"":                []byte(certificatesStacks().regional.JSON),
			"ecs_scaled":      []byte(ecs.JSON),
			"monitoring_away": []byte(monitoringStacks().away.JSON),
		}, []testutil.TestFile{
			{Name: "certificates", Runs: []testutil.TestRun{{Name: "apply"}}},
			{Name: "ecs", Runs: []testutil.TestRun{{Name: "apply", Config: "ecs_scaled", Checks: ecsEnvironmentChecks(t, ecs)}}},
			{Name: "monitoring", Runs: []testutil.TestRun{{Name: "apply", Config: "monitoring_away"}}},
		})
	})
	if !strings.Contains(moduleApplies, "\n"+file+".tftest.hcl... pass") {
		t.Errorf("%s.tftest.hcl did not pass; terraform test printed:\n%s", file, moduleApplies)
	}
}
