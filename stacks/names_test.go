package stacks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/environments"
)

// TestNameSuffixesCoverTheStacks keeps environments.NameSuffixes (the loader's
// check that two environments never name the same AWS resource) in step with
// the stacks: every fixed resource name <prefix>-<thing> has its <thing> there.
func TestNameSuffixesCoverTheStacks(t *testing.T) {
	found := 0
	for name, s := range synthesized {
		prefix := s.env.Prefix() + "-"
		resources, _ := s.Tree()["resource"].(map[string]any)
		for typ, byName := range resources {
			for id, r := range byName.(map[string]any) {
				attrs, _ := r.(map[string]any)
				for _, key := range []string{"name", "family"} {
					v, ok := attrs[key].(string)
					if !ok || !strings.HasPrefix(v, prefix) {
						continue
					}
					found++
					if thing := strings.TrimPrefix(v, prefix); !slices.Contains(environments.NameSuffixes, thing) {
						t.Errorf("%s: %s.%s %s = %q: add %q to environments.NameSuffixes (environments/across.go)", name, typ, id, key, v, thing)
					}
				}
			}
		}
	}
	if found < 10 {
		t.Errorf("found %d fixed resource names; the walk missed them", found)
	}
}
