package stacks_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/testutil"
)

// The exit tier proves that the synthesized configuration outlives CDKTF
// (see "Leaving CDKTF" in the README): OpenTofu plans every stack to the
// same resource addresses, actions and planned values as Terraform. It
// reuses the terraform plans the other tiers read.
func TestOpenTofuPlansLikeTerraform(t *testing.T) {
	for _, name := range slices.Sorted(maps.Keys(synthesized)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tofu := makePlan(t, planKey{"tofu", name}).plan
			terraform := makePlan(t, planKey{"terraform", name}).plan
			if len(tofu.ResourceChanges) == 0 {
				t.Fatal("OpenTofu plans nothing")
			}
			if diffs := testutil.DiffPlans(terraform, tofu); len(diffs) > 0 {
				t.Errorf("%d differences between the plans of Terraform and OpenTofu:\n%s", len(diffs), strings.Join(diffs, "\n"))
			}
		})
	}
}
