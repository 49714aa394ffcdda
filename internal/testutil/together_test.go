package testutil

import (
	"encoding/json"
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// TestChildPlan splits a plan of three child modules: each part has only its
// module's resources, changes and configuration, at the addresses of a root
// module, and parses as a plan.
func TestChildPlan(t *testing.T) {
	module := func(name string, resources ...string) map[string]any {
		var rs []any
		for _, r := range resources {
			rs = append(rs, map[string]any{"address": "module." + name + "." + r, "mode": "managed"})
		}
		return map[string]any{"address": "module." + name, "resources": rs}
	}
	change := func(module, resource string) map[string]any {
		return map[string]any{"address": module + "." + resource, "module_address": module, "previous_address": module + ".aws_vpc.old"}
	}
	config := func(resource string) map[string]any {
		return map[string]any{"module": map[string]any{"resources": []any{map[string]any{"address": resource}}}}
	}
	var plan map[string]any
	data, _ := json.Marshal(map[string]any{
		"format_version": "1.2", "terraform_version": "1.11.4",
		"planned_values": map[string]any{"root_module": map[string]any{"child_modules": []any{
			module("dev", "aws_vpc.a", "aws_subnet.b"), module("prod", "aws_vpc.a"), module("dev_hcl", "aws_vpc.a"),
		}}},
		"resource_changes": []any{
			change("module.dev", "aws_vpc.a"), change("module.dev", "aws_subnet.b"), change("module.prod", "aws_vpc.a"), change("module.dev_hcl", "aws_vpc.a"),
		},
		"configuration": map[string]any{"root_module": map[string]any{"module_calls": map[string]any{
			"dev": config("aws_subnet.b"), "prod": config("aws_vpc.a"), "dev_hcl": config("aws_vpc.c"),
		}}},
	})
	json.Unmarshal(data, &plan)

	split := func(name string) *tfjson.Plan {
		t.Helper()
		data, err := childPlan(plan, name)
		if err != nil {
			t.Fatal(err)
		}
		var p tfjson.Plan
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, data)
		}
		return &p
	}
	dev := split("dev")
	var planned, changed []string
	for address := range PlannedResources(dev) {
		planned = append(planned, address)
	}
	for _, c := range dev.ResourceChanges {
		changed = append(changed, c.Address+" "+c.ModuleAddress+" "+c.PreviousAddress)
	}
	slices.Sort(planned)
	if want := []string{"aws_subnet.b", "aws_vpc.a"}; !slices.Equal(planned, want) {
		t.Errorf("planned %v; want %v (dev's only, as a root module's)", planned, want)
	}
	if want := []string{"aws_vpc.a  aws_vpc.old", "aws_subnet.b  aws_vpc.old"}; !slices.Equal(changed, want) {
		t.Errorf("changes %q; want %q", changed, want)
	}
	if a := dev.PlannedValues.RootModule.Address; a != "" {
		t.Errorf("root module address %q; want none", a)
	}
	if rs := dev.Config.RootModule.Resources; len(rs) != 1 || rs[0].Address != "aws_subnet.b" {
		t.Errorf("configuration %+v; want dev's own (aws_subnet.b)", rs)
	}
	if prod := split("prod"); len(prod.ResourceChanges) != 1 || len(PlannedResources(prod)) != 1 || prod.Config.RootModule.Resources[0].Address != "aws_vpc.a" {
		t.Errorf("prod: %d changes, %d planned; want 1 and 1, and prod's configuration", len(prod.ResourceChanges), len(PlannedResources(prod)))
	}
	if none := split("staging"); len(none.ResourceChanges) != 0 || len(PlannedResources(none)) != 0 {
		t.Errorf("a module not in the plan has %d changes", len(none.ResourceChanges))
	}
	// The split copies what it rewrites: dev's part did not change the plan.
	if again := split("dev"); len(PlannedResources(again)) != 2 {
		t.Errorf("a second split of dev has %d planned resources; want 2", len(PlannedResources(again)))
	}
}
