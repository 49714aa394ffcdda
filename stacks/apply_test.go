package stacks_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/internal/modulestacks"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/stacks"
)

// applyChecks picks key values of an environment to assert after apply.
func applyChecks(s *stackOutput) []testutil.StateCheck {
	env := s.env
	addr := func(typ, part string) string { return resourceAddress(s.Synthesized, typ, part) }
	recovery := 0
	if env.Protected {
		recovery = env.Secret.RecoveryWindowDays
	}
	eq := func(expr, want string) testutil.StateCheck { return testutil.StateCheck{Expr: expr, Want: want} }
	return []testutil.StateCheck{
		eq(addr("aws_vpc", "vpc")+".cidr_block", fmt.Sprintf("%q", env.Network.VpcCidr)),
		eq("length("+addr("aws_default_security_group", "default_security_group")+".ingress)", "0"),
		eq(addr("aws_lb", "alb")+".idle_timeout", "3600"),
		eq(addr("aws_lb", "alb")+".enable_deletion_protection", fmt.Sprint(env.Protected)),
		eq(addr("aws_lb_target_group", "target_group")+".stickiness[0].type", `"lb_cookie"`),
		eq(addr("aws_secretsmanager_secret", "secret")+".name", fmt.Sprintf("%q", env.Prefix()+"-anthropic-key")),
		eq(addr("aws_secretsmanager_secret", "secret")+".recovery_window_in_days", fmt.Sprint(recovery)),
		eq(addr("aws_ecr_repository", "repository")+".force_delete", fmt.Sprint(!env.Protected)),
		eq(addr("aws_s3_bucket", "frontend_bucket")+".force_destroy", fmt.Sprint(!env.Protected)),
		eq(addr("aws_ecs_service", "service")+".network_configuration[0].assign_public_ip", fmt.Sprint(env.Network.NatMode == environments.NatNone)),
		eq(addr("aws_cloudfront_distribution", "distribution")+".default_root_object", `"index.html"`),
	}
}

// The package's mocked applies run in one `terraform test`, made on first
// use: one init, one provider server and one load of the provider's schema
// instead of one each per test. Its files run one after the other, each
// applying to a state of its own that Terraform destroys at the file's end:
//   - "dev": apply dev, then destroy it (TestApplyAndDestroy);
//   - "lift": apply prod, apply it again with "protected": false in its
//     file (the README's way to remove prod on purpose), then destroy it;
//   - "refuse": apply prod, whose destroy must then fail while planning
//     (TestProtectedRefusesDestroy has both);
//   - "certificates", "ecs", "monitoring": apply a module test stack (see
//     moduleStacks), then destroy it.
//
// Prod is applied without its WAF (see protectionStacks).
var (
	appliesOnce sync.Once
	applies     string // what terraform test printed
)

// needApplies skips the test without terraform, and synthesizes the stacks
// mockedApplies applies, returning prod's: call it before t.Parallel (jsii).
func needApplies(t *testing.T) protection {
	t.Helper()
	testutil.NeedTerraform(t) // skip before synthesizing
	p, err := protectionStacks()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mockedApplies returns what the package's `terraform test` printed, running
// it on first use. Call needApplies before t.Parallel first.
func mockedApplies(t *testing.T) string {
	t.Helper()
	tf := testutil.NeedTerraform(t)
	appliesOnce.Do(func() {
		p, err := protectionStacks()
		if err != nil {
			t.Fatal(err)
		}
		prod, lifted, dev := p.prod, p.lifted, stack(t, "dev")
		if !prod.env.Protected || lifted.env.Protected || dev.env.Protected {
			t.Fatalf("protected: prod %v, lifted prod %v, dev %v; want true, false, false", prod.env.Protected, lifted.env.Protected, dev.env.Protected)
		}
		configs := map[string][]byte{"": prod.json, "lifted": lifted.json, "dev": dev.json}
		for _, name := range []string{modulestacks.CertificatesRegional, modulestacks.ECSScaled, modulestacks.MonitoringAway} {
			configs[name] = []byte(moduleStacks[name].JSON)
		}
		applies, _ = tf.TestWithMocks(t, configs, []testutil.TestFile{
			{Name: "certificates", Runs: []testutil.TestRun{{Name: "apply", Config: modulestacks.CertificatesRegional}}},
			{Name: "dev", Runs: []testutil.TestRun{{Name: "apply", Config: "dev", Checks: applyChecks(dev)}}},
			{Name: "ecs", Runs: []testutil.TestRun{{Name: "apply", Config: modulestacks.ECSScaled, Checks: ecsEnvironmentChecks(moduleStacks[modulestacks.ECSScaled])}}},
			{Name: "lift", Runs: []testutil.TestRun{
				{Name: "apply_protected", Checks: applyChecks(prod)},
				{Name: "apply_unprotected", Config: "lifted", Checks: applyChecks(lifted)},
			}},
			{Name: "monitoring", Runs: []testutil.TestRun{{Name: "apply", Config: modulestacks.MonitoringAway}}},
			{Name: "refuse", Runs: []testutil.TestRun{{Name: "apply", Checks: applyChecks(prod)}}},
		})
	})
	return applies
}

// appliesRuns is how many runs mockedApplies has; all must pass.
const appliesRuns = "7 passed, 0 failed"

// TestApplyAndDestroy applies dev, the unprotected environment, with a
// mocked AWS provider and destroys it (see mockedApplies), proving the whole
// configuration applies and destroys without an account.
func TestApplyAndDestroy(t *testing.T) {
	needApplies(t)
	t.Parallel() // plans run together (see TestMain)
	if out := mockedApplies(t); !strings.Contains(out, "\ndev.tftest.hcl... pass") || !strings.Contains(out, appliesRuns) {
		t.Errorf("dev did not apply and destroy; terraform test printed:\n%s", out)
	}
}

// TestProtectedRefusesDestroy applies prod under `terraform test` with a
// mocked provider (see mockedApplies):
//   - "refuse": apply, then Terraform's own destroy at the end of the file
//     must fail while planning with prevent_destroy errors (the ALB's, or
//     with a private ALB the distribution's in front of it, among them), and
//     leave every resource of the stack in state: nothing deleted;
//   - "lift": apply, apply again with "protected": false, then the destroy
//     succeeds.
//
// Terraform stops planning the resources that depend on a refused one, so
// it names only some protected resources; TestPreventDestroy checks that
// every one carries the setting.
func TestProtectedRefusesDestroy(t *testing.T) {
	p := needApplies(t)
	t.Parallel() // plans run together (see TestMain)
	out := mockedApplies(t)
	if !strings.Contains(out, "\nlift.tftest.hcl... pass") {
		t.Errorf("lifting protection did not apply and destroy; terraform test printed:\n%s", out)
	}
	for _, problem := range refusalProblems(p.prod.Synthesized, out) {
		t.Error(problem)
	}
}

// resourceAddress is the address (type.name) of the one resource of s of
// type typ whose name contains part.
func resourceAddress(s *testutil.Synthesized, typ, part string) string {
	return strings.TrimSuffix(strings.TrimPrefix(s.Ref(typ, part, "x"), "${"), ".x}")
}

// refusedPattern finds the resources Terraform refused to destroy.
var refusedPattern = regexp.MustCompile(`Resource (\S+) has lifecycle\.prevent_destroy set`)

// refusalProblems reads the output of mockedApplies and says where file
// "refuse" differs from: every run passed; the file failed on
// prevent_destroy errors, the ALB's among them, each for a resource of a
// PreventDestroy type, and left every managed resource of s in state.
func refusalProblems(s *testutil.Synthesized, out string) []string {
	text := strings.Join(strings.Fields(out), " ") // Terraform wraps long lines
	var problems []string
	for _, want := range []string{"refuse.tftest.hcl... fail", appliesRuns} {
		if !strings.Contains(text, want) {
			problems = append(problems, fmt.Sprintf("output lacks %q", want))
		}
	}
	refused := map[string]bool{}
	for _, m := range refusedPattern.FindAllStringSubmatch(text, -1) {
		refused[m[1]] = true
		if typ, _, _ := strings.Cut(m[1], "."); stacks.PreventDestroy[typ] == "" {
			problems = append(problems, m[1]+" was refused, but its type is not in PreventDestroy")
		}
	}
	// A public ALB is refused by name. A private one sits behind the
	// distribution (through its VPC origin), which is refused first, so
	// Terraform never plans the ALB's own destroy; it stays in state
	// (checked below) and carries the setting (TestPreventDestroy).
	alb := resourceAddress(s, "aws_lb", "alb")
	distribution := resourceAddress(s, "aws_cloudfront_distribution", "distribution")
	if !refused[alb] && !(s.Count("aws_cloudfront_vpc_origin") > 0 && refused[distribution]) {
		problems = append(problems, fmt.Sprintf("neither the ALB nor the distribution in front of its VPC origin is among the refused resources %v", slices.Sorted(maps.Keys(refused))))
	}
	_, leftList, _ := strings.Cut(text, "left the following resources in state after executing refuse.tftest.hcl/apply")
	left := map[string]bool{}
	for _, f := range strings.Fields(leftList) {
		left[f] = true
	}
	for _, typ := range slices.Sorted(maps.Keys(s.Tree()["resource"].(map[string]any))) {
		for _, name := range slices.Sorted(maps.Keys(s.Resources(typ))) {
			if addr := typ + "." + name; !left[addr] {
				problems = append(problems, addr+" was not left in state after the refused destroy")
			}
		}
	}
	if len(problems) > 0 {
		problems = append(problems, "terraform test output:\n"+out)
	}
	return problems
}

// TestRefusalProblemsCatches is the failing twin of refusalProblems: a
// destroy that went through, one that deleted something, and one refused for
// a type outside PreventDestroy must each be reported.
func TestRefusalProblemsCatches(t *testing.T) {
	s := stack(t, "prod")
	alb := resourceAddress(s.Synthesized, "aws_lb", "alb")
	var all []string
	for _, typ := range slices.Sorted(maps.Keys(s.Tree()["resource"].(map[string]any))) {
		for _, name := range slices.Sorted(maps.Keys(s.Resources(typ))) {
			all = append(all, "- "+typ+"."+name)
		}
	}
	refused := func(addr string) string {
		return "Error: Instance cannot be destroyed\nResource " + addr + " has\nlifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed.\n"
	}
	good := "dev.tftest.hcl... pass\nlift.tftest.hcl... pass\nrefuse.tftest.hcl... fail\nFailure! " + appliesRuns + ".\n" + refused(alb) +
		"Terraform left the following resources in state after executing\nrefuse.tftest.hcl/apply, and they need to be cleaned up manually:\n" + strings.Join(all, "\n")
	if p := refusalProblems(s.Synthesized, good); len(p) != 0 {
		t.Fatalf("the expected output was flagged:\n%s", strings.Join(p, "\n"))
	}
	// prod's ALB is private: the distribution in front of its VPC origin may
	// be the one refused instead.
	distribution := resourceAddress(s.Synthesized, "aws_cloudfront_distribution", "distribution")
	if p := refusalProblems(s.Synthesized, strings.Replace(good, refused(alb), refused(distribution), 1)); len(p) != 0 {
		t.Errorf("the distribution refused in front of the private ALB was flagged:\n%s", strings.Join(p, "\n"))
	}
	for name, out := range map[string]string{
		"destroyed":    "dev.tftest.hcl... pass\nlift.tftest.hcl... pass\nrefuse.tftest.hcl... pass\nSuccess! " + appliesRuns + ".",
		"one deleted":  strings.Replace(good, all[0]+"\n", "", 1),
		"wrong type":   good + refused("aws_iam_role.ecs_task_role_X"),
		"no ALB":       strings.Replace(good, refused(alb), refused("aws_vpc.networking_vpc_X"), 1),
		"a run failed": strings.Replace(good, " 0 failed", " 1 failed", 1),
	} {
		if p := refusalProblems(s.Synthesized, out); len(p) == 0 {
			t.Errorf("%s: not flagged", name)
		}
	}
}
