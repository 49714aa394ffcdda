package testutil

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/n8n-builder/infra/internal/awsprovider"
)

// PlanTogether plans several synthesized stacks (by name) in one init, one
// plan and one show, and returns each stack's plan as if planned alone: its
// addresses, actions and planned values. Every terraform command spends
// seconds of CPU loading the provider's schema whatever the size of the
// configuration, so one plan of nine module test stacks costs a fraction
// of nine plans.
//
// Each stack becomes a child module of a generated root configuration. Its
// provider blocks move to the root, one aliased block per distinct
// configuration (with the mock credentials of PrepareStack), and are passed
// down; its backend goes (a child module has none). Names must be valid
// Terraform identifiers.
func (tf *Terraform) PlanTogether(t testing.TB, stacks map[string]Config) map[string]*tfjson.Plan {
	t.Helper()
	dir := t.TempDir()
	var rootProviders []map[string]any // distinct configurations, alias p0, p1, ...
	calls := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(stacks)) {
		var stack map[string]any
		if err := json.Unmarshal(stacks[name].JSON, &stack); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		passed := map[string]string{} // child's provider address -> root's
		var aliases []string
		blocks, _ := stack["provider"].(map[string]any)["aws"].([]any)
		for _, b := range blocks {
			block := maps.Clone(b.(map[string]any))
			address := "aws"
			if alias, ok := block["alias"].(string); ok {
				address = "aws." + alias
				aliases = append(aliases, address)
				delete(block, "alias")
			}
			i := slices.IndexFunc(rootProviders, func(p map[string]any) bool { return reflect.DeepEqual(p, block) })
			if i < 0 {
				i = len(rootProviders)
				rootProviders = append(rootProviders, block)
			}
			passed[address] = fmt.Sprintf("aws.p%d", i)
		}
		delete(stack, "provider")
		terraform, _ := stack["terraform"].(map[string]any)
		delete(terraform, "backend")
		if len(aliases) > 0 {
			aws := terraform["required_providers"].(map[string]any)["aws"].(map[string]any)
			aws["configuration_aliases"] = aliases
		}
		file := "cdk.tf.json"
		data, _ := json.Marshal(stack)
		if hcl := stacks[name].HCL; hcl != nil {
			if len(aliases) > 0 {
				t.Fatalf("%s: PlanTogether takes HCL only of stacks without aliased providers", name)
			}
			file, data = "cdk.tf", withoutProvidersAndBackend(t, hcl)
		}
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, file), data, 0o644); err != nil {
			t.Fatal(err)
		}
		calls[name] = map[string]any{"source": "./" + name, "providers": passed}
	}
	var providers []map[string]any
	for i, p := range rootProviders {
		mock := maps.Clone(p)
		maps.Copy(mock, mockCredentials)
		mock["alias"] = fmt.Sprintf("p%d", i)
		providers = append(providers, mock)
	}
	root, _ := json.MarshalIndent(map[string]any{
		"terraform": map[string]any{"required_providers": map[string]any{"aws": map[string]any{"source": "hashicorp/aws", "version": awsprovider.Constraint}}},
		"provider":  map[string]any{"aws": providers},
		"module":    calls,
	}, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "main.tf.json"), root, 0o644); err != nil {
		t.Fatal(err)
	}
	plan, _ := tf.Plan(t, dir)
	out := map[string]*tfjson.Plan{}
	for name := range stacks {
		out[name] = childPlan(plan, name)
	}
	return out
}

// Config is one stack for PlanTogether: as synthesized (JSON), and if HCL
// is set, the same stack as `cdktf synth --hcl` writes it, planned instead.
type Config struct {
	JSON, HCL []byte
}

// withoutProvidersAndBackend removes the provider blocks and the backend
// from an HCL configuration: as a child module it takes its providers from
// the root and has no backend.
func withoutProvidersAndBackend(t testing.TB, src []byte) []byte {
	t.Helper()
	f, diags := hclwrite.ParseConfig(src, "cdk.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, b := range f.Body().Blocks() {
		switch b.Type() {
		case "provider":
			f.Body().RemoveBlock(b)
		case "terraform":
			for _, inner := range b.Body().Blocks() {
				if inner.Type() == "backend" {
					b.Body().RemoveBlock(inner)
				}
			}
		}
	}
	return f.Bytes()
}

// childPlan is the part of a plan that belongs to the child module name,
// with the addresses it would have as the root module. It rewrites those
// addresses in plan itself: call it once per child.
func childPlan(plan *tfjson.Plan, name string) *tfjson.Plan {
	module := "module." + name
	strip := func(address string) string {
		return strings.TrimPrefix(strings.TrimPrefix(address, module), ".")
	}
	child := func(values *tfjson.StateValues) *tfjson.StateValues {
		if values == nil || values.RootModule == nil {
			return nil
		}
		for _, m := range values.RootModule.ChildModules {
			if m.Address == module {
				stripModule(m, strip)
				return &tfjson.StateValues{RootModule: m}
			}
		}
		return &tfjson.StateValues{RootModule: &tfjson.StateModule{}}
	}
	out := &tfjson.Plan{
		FormatVersion:    plan.FormatVersion,
		TerraformVersion: plan.TerraformVersion,
		PlannedValues:    child(plan.PlannedValues),
	}
	if plan.PriorState != nil {
		out.PriorState = &tfjson.State{FormatVersion: plan.PriorState.FormatVersion, Values: child(plan.PriorState.Values)}
	}
	for _, rc := range plan.ResourceChanges {
		if rc.ModuleAddress == module || strings.HasPrefix(rc.ModuleAddress, module+".") {
			c := *rc
			c.Address, c.ModuleAddress, c.PreviousAddress = strip(c.Address), strip(c.ModuleAddress), strip(c.PreviousAddress)
			out.ResourceChanges = append(out.ResourceChanges, &c)
		}
	}
	return out
}

// stripModule rewrites the addresses of a module's values (and its
// children's) with strip.
func stripModule(m *tfjson.StateModule, strip func(string) string) {
	m.Address = strip(m.Address)
	for _, r := range m.Resources {
		r.Address = strip(r.Address)
	}
	for _, c := range m.ChildModules {
		stripModule(c, strip)
	}
}
