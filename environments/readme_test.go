package environments

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/modules/ecs"
	"github.com/n8n-builder/infra/modules/loadbalancer"
)

// configRow is one row of the README's configuration reference.
type configRow struct {
	fields       []string // the backticked names of the first cell, with the row's prefix
	def, allowed string
}

// configReference reads the README's configuration reference table.
func configReference(t *testing.T) []configRow {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start, end := strings.Index(text, "### Configuration reference"), strings.Index(text, "## Outputs")
	if start < 0 || end < start {
		t.Fatal("README.md has no configuration reference before its outputs")
	}
	var rows []configRow
	for _, line := range strings.Split(text[start:end], "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 5 || !strings.Contains(cells[1], "`") {
			continue
		}
		var fields []string
		for _, m := range backticked.FindAllStringSubmatch(cells[1], -1) {
			name := strings.TrimPrefix(m[1], ".")
			// "`bridge.cpu` / `bridge.memory`", "`ecr.immutableTags`, `untaggedExpiryDays`":
			// a name without a dot shares the first name's prefix.
			if len(fields) > 0 && !strings.Contains(name, ".") {
				if i := strings.LastIndex(fields[0], "."); i >= 0 {
					name = fields[0][:i+1] + name
				}
			}
			fields = append(fields, name)
		}
		rows = append(rows, configRow{fields, strings.TrimSpace(cells[2]), strings.TrimSpace(cells[3])})
	}
	if len(rows) < 20 {
		t.Fatalf("read %d rows from the configuration reference, want the whole table", len(rows))
	}
	return rows
}

var (
	backticked = regexp.MustCompile("`([^`]+)`")
	// leadingRange is a valid-values cell that starts with a range, "21–200".
	leadingRange = regexp.MustCompile(`^(\d+)–(\d+)`)
	// namedRange is "`cpuTargetPercent` 1–100" inside a cell.
	namedRange = regexp.MustCompile("`(\\w+)` (\\d+)–(\\d+)")
)

// TestReadmeRangesMatchValidation: every numeric range the configuration
// reference states is the one the loader enforces: both ends are accepted,
// one past either end is refused with an error naming the field.
func TestReadmeRangesMatchValidation(t *testing.T) {
	type bound struct {
		field  string
		lo, hi int
	}
	var bounds []bound
	for _, r := range configReference(t) {
		if m := leadingRange.FindStringSubmatch(r.allowed); m != nil && len(r.fields) == 1 {
			lo, _ := strconv.Atoi(m[1])
			hi, _ := strconv.Atoi(m[2])
			bounds = append(bounds, bound{r.fields[0], lo, hi})
		}
		for _, m := range namedRange.FindAllStringSubmatch(r.allowed, -1) {
			lo, _ := strconv.Atoi(m[2])
			hi, _ := strconv.Atoi(m[3])
			bounds = append(bounds, bound{r.fields[0] + "." + m[1], lo, hi})
		}
	}
	if len(bounds) < 4 {
		t.Fatalf("found %d ranges in the configuration reference: %v", len(bounds), bounds)
	}
	for _, b := range bounds {
		for _, c := range []struct {
			value int
			ok    bool
		}{{b.lo, true}, {b.hi, true}, {b.lo - 1, false}, {b.hi + 1, false}} {
			_, err := Parse("environments/test.json", withField(t, b.field, c.value))
			refused := err != nil && strings.Contains(err.Error(), ": "+b.field+": ")
			if c.ok && err != nil {
				t.Errorf("README says %s is %d–%d, but %d is refused: %v", b.field, b.lo, b.hi, c.value, err)
			}
			if !c.ok && !refused {
				t.Errorf("README says %s is %d–%d, but %d is not refused (err = %v)", b.field, b.lo, b.hi, c.value, err)
			}
		}
	}
}

// withField returns the minimal valid file with field (a dotted path) set to
// value; autoscaling fields are only checked with autoscaling on, and more
// than one task needs shared session state.
func withField(t *testing.T, field string, value any) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(minimal), &doc); err != nil {
		t.Fatal(err)
	}
	set := func(path string, v any) {
		m := doc
		parts := strings.Split(path, ".")
		for _, p := range parts[:len(parts)-1] {
			if _, ok := m[p].(map[string]any); !ok {
				m[p] = map[string]any{}
			}
			m = m[p].(map[string]any)
		}
		m[parts[len(parts)-1]] = v
	}
	if strings.HasPrefix(field, "bridge.autoscaling.") {
		set("bridge.autoscaling.enabled", true)
	}
	if strings.HasPrefix(field, "bridge.autoscaling.") || field == "bridge.desiredCount" {
		set("bridge.sharedSessionState", true)
	}
	set(field, value)
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestReadmeDefaultsMatchCode: a row's default, where it is one value in
// backticks, is what Defaults() holds for its first field.
func TestReadmeDefaultsMatchCode(t *testing.T) {
	data, err := json.Marshal(Defaults())
	if err != nil {
		t.Fatal(err)
	}
	var defaults map[string]any
	if err := json.Unmarshal(data, &defaults); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range configReference(t) {
		m := backticked.FindStringSubmatch(r.def)
		if m == nil || len(r.fields) == 0 {
			continue
		}
		var got any = defaults
		for _, p := range strings.Split(r.fields[0], ".") {
			obj, _ := got.(map[string]any)
			got = obj[p]
		}
		if got == nil {
			continue // an object row such as bridge.autoscaling, or a field with no default
		}
		text := fmt.Sprint(got)
		if _, isString := got.(string); !isString {
			b, _ := json.Marshal(got)
			text = string(b)
		}
		if text != m[1] {
			t.Errorf("README: %s defaults to `%s`, the code to %s", r.fields[0], m[1], text)
		}
		checked++
	}
	if checked < 15 {
		t.Errorf("checked %d defaults, want most of the table", checked)
	}
}

// TestReadmeStatesModuleRules: the facts the README states about rules the
// modules own match their constants.
func TestReadmeStatesModuleRules(t *testing.T) {
	rows := map[string]configRow{}
	for _, r := range configReference(t) {
		for _, f := range r.fields {
			rows[f] = r
		}
	}
	for _, k := range ecs.ReservedEnvironment {
		if !strings.Contains(rows["bridge.environment"].allowed, "`"+k+"`") {
			t.Errorf("README's bridge.environment row does not name the reserved %s", k)
		}
	}
	if want := fmt.Sprintf("≤ %d characters", loadbalancer.MaxNameLength); !strings.Contains(rows["projectName"].allowed, want) {
		t.Errorf("README's projectName row does not say %q", want)
	}
	if want := fmt.Sprintf("%d–%d", ecs.MinEphemeralStorageGiB, ecs.MaxEphemeralStorageGiB); rows["bridge.ephemeralStorageGiB"].allowed != want {
		t.Errorf("README's bridge.ephemeralStorageGiB range is %q, want %q", rows["bridge.ephemeralStorageGiB"].allowed, want)
	}
	if want := "`" + strings.Join(ecs.Architectures, "` or `") + "`"; rows["bridge.architecture"].allowed != want {
		t.Errorf("README's bridge.architecture values are %q, want %q", rows["bridge.architecture"].allowed, want)
	}
}
