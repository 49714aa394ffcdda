package testutil

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"

	tfjson "github.com/hashicorp/terraform-json"
)

// DiffPlans compares two plans of the same configuration (say, its JSON and
// its HCL form, or under Terraform and OpenTofu): the same resource
// addresses, each with the same actions and the same planned values, known
// and unknown (sensitive markings too). It returns one line per difference,
// sorted; none means the plans would create the same infrastructure.
func DiffPlans(a, b *tfjson.Plan) []string {
	ca, cb := changesByAddress(a), changesByAddress(b)
	var diffs []string
	for _, addr := range slices.Sorted(maps.Keys(ca)) {
		x, ok := cb[addr]
		if !ok {
			diffs = append(diffs, addr+": only in the first plan")
			continue
		}
		y := ca[addr]
		if !slices.Equal(y.Actions, x.Actions) {
			diffs = append(diffs, fmt.Sprintf("%s: actions %v vs %v", addr, y.Actions, x.Actions))
		}
		for _, part := range []struct {
			name string
			a, b any
		}{
			{"planned values", y.After, x.After},
			{"unknown after apply", y.AfterUnknown, x.AfterUnknown},
			{"sensitive", y.AfterSensitive, x.AfterSensitive},
		} {
			for _, key := range differingKeys(part.a, part.b) {
				diffs = append(diffs, fmt.Sprintf("%s: %s differ at %s: %s vs %s", addr, part.name, key, short(field(part.a, key)), short(field(part.b, key))))
			}
		}
	}
	for _, addr := range slices.Sorted(maps.Keys(cb)) {
		if _, ok := ca[addr]; !ok {
			diffs = append(diffs, addr+": only in the second plan")
		}
	}
	return diffs
}

func changesByAddress(p *tfjson.Plan) map[string]*tfjson.Change {
	out := map[string]*tfjson.Change{}
	for _, rc := range p.ResourceChanges {
		out[rc.Address] = rc.Change
	}
	return out
}

// differingKeys returns the top-level attributes in which two planned
// objects differ ("" for values that are not both objects).
func differingKeys(a, b any) []string {
	if reflect.DeepEqual(a, b) {
		return nil
	}
	ma, okA := a.(map[string]any)
	mb, okB := b.(map[string]any)
	if !okA || !okB {
		return []string{""}
	}
	keys := map[string]bool{}
	for k := range ma {
		keys[k] = true
	}
	for k := range mb {
		keys[k] = true
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if !reflect.DeepEqual(ma[k], mb[k]) {
			out = append(out, k)
		}
	}
	return out
}

func field(v any, key string) any {
	if key == "" {
		return v
	}
	m, _ := v.(map[string]any)
	return m[key]
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}
