package testutil

import (
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// TestChildPlan splits a plan of two child modules: each part has only its
// module's resources and changes, at the addresses of a root module.
func TestChildPlan(t *testing.T) {
	module := func(name string, resources ...string) *tfjson.StateModule {
		m := &tfjson.StateModule{Address: "module." + name}
		for _, r := range resources {
			m.Resources = append(m.Resources, &tfjson.StateResource{Address: "module." + name + "." + r, Mode: tfjson.ManagedResourceMode})
		}
		return m
	}
	change := func(module, resource string) *tfjson.ResourceChange {
		return &tfjson.ResourceChange{Address: module + "." + resource, ModuleAddress: module, PreviousAddress: module + ".aws_vpc.old"}
	}
	plan := &tfjson.Plan{
		PlannedValues: &tfjson.StateValues{RootModule: &tfjson.StateModule{ChildModules: []*tfjson.StateModule{
			module("dev", "aws_vpc.a", "aws_subnet.b"), module("prod", "aws_vpc.a"), module("dev_hcl", "aws_vpc.a"),
		}}},
		ResourceChanges: []*tfjson.ResourceChange{
			change("module.dev", "aws_vpc.a"), change("module.dev", "aws_subnet.b"), change("module.prod", "aws_vpc.a"), change("module.dev_hcl", "aws_vpc.a"),
		},
	}
	dev := childPlan(plan, "dev")
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
	if prod := childPlan(plan, "prod"); len(prod.ResourceChanges) != 1 || len(PlannedResources(prod)) != 1 {
		t.Errorf("prod: %d changes, %d planned; want 1 and 1", len(prod.ResourceChanges), len(PlannedResources(prod)))
	}
	if none := childPlan(plan, "staging"); len(none.ResourceChanges) != 0 || len(PlannedResources(none)) != 0 {
		t.Errorf("a module not in the plan has %d changes", len(none.ResourceChanges))
	}
}
