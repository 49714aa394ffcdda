package stacks_test

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/testutil"
)

// The exit tiers prove that the synthesized configuration outlives CDKTF
// (see "Leaving CDKTF" in the README): its HCL form (`cdktf synth --hcl`)
// plans to the same resource addresses, actions and planned values as the
// JSON, and OpenTofu plans the JSON the same way Terraform does. Each
// stack is a child module of a generated root (testutil.PlanTogether):
// terraform plans both forms of every environment at once, and OpenTofu
// every environment, in a plan of its own.

func TestHCLPlansLikeJSON(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	for _, name := range slices.Sorted(maps.Keys(synthesized)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := stack(t, name)
			if !bytes.Contains(s.hcl, []byte("jsonencode(")) || bytes.Contains(s.hcl, []byte("[object Object]")) {
				t.Errorf("cdk.tf: values built with Fn.Jsonencode are not jsonencode() expressions, or an untyped value came out as [object Object]")
			}
			json := plan(t, name)
			hcl := makePlan(t, "terraform", name+hclSuffix).Plan
			if len(hcl.ResourceChanges) == 0 {
				t.Fatal("the HCL plans nothing")
			}
			if diffs := testutil.DiffPlans(json, hcl); len(diffs) > 0 {
				t.Errorf("%d differences between the plans of cdk.tf.json and cdk.tf:\n%s", len(diffs), strings.Join(diffs, "\n"))
			}
		})
	}
}

func TestOpenTofuPlansLikeTerraform(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	for _, name := range slices.Sorted(maps.Keys(synthesized)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tofu := makePlan(t, "tofu", name).Plan
			terraform := plan(t, name)
			if len(tofu.ResourceChanges) == 0 {
				t.Fatal("OpenTofu plans nothing")
			}
			if diffs := testutil.DiffPlans(terraform, tofu); len(diffs) > 0 {
				t.Errorf("%d differences between the plans of Terraform and OpenTofu:\n%s", len(diffs), strings.Join(diffs, "\n"))
			}
		})
	}
}
