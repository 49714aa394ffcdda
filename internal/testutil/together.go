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
// addresses, actions, planned values and configuration. Every terraform
// command spends seconds of CPU loading the provider's schema whatever the
// size of the configuration, so one plan of nine module test stacks costs a
// fraction of nine plans.
//
// Each stack becomes a child module of a generated root configuration. Its
// provider blocks move to the root, one aliased block per distinct
// configuration (with the mock credentials of PrepareStack), and are passed
// down; its backend goes (a child module has none). Names must be valid
// Terraform identifiers.
func (tf *Terraform) PlanTogether(t testing.TB, stacks map[string]Config) map[string]Plan {
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
	var whole map[string]any
	if err := json.Unmarshal(tf.showPlan(t, dir), &whole); err != nil {
		t.Fatalf("plan JSON: %v", err)
	}
	out := map[string]Plan{}
	for name := range stacks {
		data, err := childPlan(whole, name)
		if err != nil {
			t.Fatal(err)
		}
		var p tfjson.Plan
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("%s: plan JSON: %v", name, err)
		}
		out[name] = Plan{Plan: &p, JSON: data}
	}
	return out
}

// Plan is one stack's part of a plan made with PlanTogether: parsed, and
// as JSON (what a scanner reads).
type Plan struct {
	*tfjson.Plan
	JSON []byte
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

// childPlan is the part of a plan (as `show -json` writes it) that belongs
// to the child module name, as `show -json` would write it had the module
// been planned alone as the root: its planned values, prior state, resource
// changes and configuration, at a root module's addresses. Scanners read
// the configuration too (Trivy resolves references between resources
// through it), so it is the child's own, not the generated root's.
func childPlan(plan map[string]any, name string) ([]byte, error) {
	module := "module." + name
	strip := func(address any) any {
		s, ok := address.(string)
		if !ok {
			return address
		}
		return strings.TrimPrefix(strings.TrimPrefix(s, module), ".")
	}
	values := func(v any) map[string]any {
		root, _ := object(v)["root_module"].(map[string]any)
		for _, m := range list(root["child_modules"]) {
			if m := object(m); m["address"] == module {
				return map[string]any{"root_module": stripModule(m, strip)}
			}
		}
		return map[string]any{"root_module": map[string]any{}}
	}
	out := map[string]any{
		"format_version":    plan["format_version"],
		"terraform_version": plan["terraform_version"],
		"planned_values":    values(plan["planned_values"]),
	}
	if prior, ok := plan["prior_state"].(map[string]any); ok {
		out["prior_state"] = map[string]any{"format_version": prior["format_version"], "values": values(prior["values"])}
	}
	var changes []any
	for _, c := range list(plan["resource_changes"]) {
		c := maps.Clone(object(c))
		at, _ := c["module_address"].(string)
		if at != module && !strings.HasPrefix(at, module+".") {
			continue
		}
		for _, k := range []string{"address", "module_address", "previous_address"} {
			if v, ok := c[k]; ok {
				c[k] = strip(v)
			}
		}
		if c["module_address"] == "" {
			delete(c, "module_address")
		}
		changes = append(changes, c)
	}
	out["resource_changes"] = changes
	calls, _ := object(object(object(plan["configuration"])["root_module"])["module_calls"])[name].(map[string]any)
	out["configuration"] = map[string]any{"root_module": object(calls["module"])}
	return json.Marshal(out)
}

// stripModule returns a module's values (and its children's) with the
// addresses rewritten by strip.
func stripModule(m map[string]any, strip func(any) any) map[string]any {
	m = maps.Clone(m)
	if a := strip(m["address"]); a != "" {
		m["address"] = a
	} else {
		delete(m, "address") // the root module has none
	}
	var resources []any
	for _, r := range list(m["resources"]) {
		r := maps.Clone(object(r))
		r["address"] = strip(r["address"])
		resources = append(resources, r)
	}
	if resources != nil {
		m["resources"] = resources
	}
	var children []any
	for _, c := range list(m["child_modules"]) {
		children = append(children, stripModule(object(c), strip))
	}
	if children != nil {
		m["child_modules"] = children
	}
	return m
}

func object(v any) map[string]any { m, _ := v.(map[string]any); return m }
func list(v any) []any            { l, _ := v.([]any); return l }
