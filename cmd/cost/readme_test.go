package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/golden"
)

// The repository's golden stacks and README, seen from this package's
// directory (go test runs in cmd/cost).
var (
	repoDevStack  = filepath.Join("..", "..", "stacks", "testdata", "dev.tf.json")
	repoProdStack = filepath.Join("..", "..", "stacks", "testdata", "prod.tf.json")
	repoReadme    = filepath.Join("..", "..", "README.md")
)

// TestReadmeCostSectionIsCurrent fails when README.md's cost section is not
// what the golden stacks and the default assumptions give.
func TestReadmeCostSectionIsCurrent(t *testing.T) {
	want, err := ReadmeSection(repoDevStack, repoProdStack, DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(repoReadme)
	if err != nil {
		t.Fatal(err)
	}
	updated := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(updated, readme, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := UpdateReadme(updated, want); err != nil {
		t.Fatalf("README.md: %v", err)
	}
	generated, _ := os.ReadFile(updated)
	if d := golden.Diff(string(generated), string(readme)); d != "" {
		t.Errorf("README.md's cost section is out of date; from the repository root run\n\n"+
			"\tgo run ./cmd/cost -update-readme\n\n(- generated, + README.md):\n%s", d)
	}
}

// TestReadmeFromFixtures pins the Markdown layout on this package's own
// dev and prod fixtures.
func TestReadmeFromFixtures(t *testing.T) {
	section, err := ReadmeSection("testdata/dev.tf.json", "testdata/prod.tf.json", DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "readme.golden.md", []byte(section+"\n"))
	for _, want := range []string{
		"| Fargate vCPU | $59.10 | $59.10 | $118.20–$354.60 |", // 1 task of 2 vCPU; prod 2–6 tasks
		"| WAF web ACL | — | — | $5.00 |",                      // no WAF in dev
		"| NAT gateway hours | $32.85 | $32.85 | $65.70 |",     // one NAT in dev, one per AZ in prod
	} {
		if !strings.Contains(section, want) {
			t.Errorf("section lacks the row %q", want)
		}
	}
}

// replaceSection runs UpdateReadme on a copy of readme.
func replaceSection(t *testing.T, readme, section string) (string, error) {
	path := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
		t.Fatal(err)
	}
	err := UpdateReadme(path, section)
	got, _ := os.ReadFile(path)
	return string(got), err
}

func TestReplaceSection(t *testing.T) {
	readme := "# Title\n\n## Costs\n\n" + beginMarker + "\nold table\n" + endMarker + "\n\n## Testing\n"
	got, err := replaceSection(t, readme, beginMarker+"\nnew table\n"+endMarker)
	if err != nil {
		t.Fatal(err)
	}
	want := "# Title\n\n## Costs\n\n" + beginMarker + "\nnew table\n" + endMarker + "\n\n## Testing\n"
	if got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestReplaceSectionWithoutMarkers(t *testing.T) {
	for _, readme := range []string{
		"# Title\n",
		endMarker + "\n" + beginMarker + "\n", // in the wrong order
	} {
		got, err := replaceSection(t, readme, "x")
		if err == nil || !strings.Contains(err.Error(), "no cost section") {
			t.Errorf("%q: got %v; want a no cost section error", readme, err)
		}
		if got != readme {
			t.Errorf("%q: the README changed to %q despite the error", readme, got)
		}
	}
}

func TestRunUpdateReadme(t *testing.T) {
	// A repository of its own: this package's fixtures as the golden stacks.
	root := t.TempDir()
	before := "# n8n builder\n\n" + beginMarker + "\nstale\n" + endMarker + "\n\nMore.\n"
	for path, body := range map[string]string{readmeFile: before, readmeDev: "", readmeProd: ""} {
		if body == "" {
			data, err := os.ReadFile(filepath.Join("testdata", filepath.Base(path)))
			if err != nil {
				t.Fatal(err)
			}
			body = string(data)
		}
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(path)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, path), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(root)
	path := readmeFile
	if code, _, errOut := runCost("-update-readme"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	printed, err := ReadmeSection(readmeDev, readmeProd, DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "# n8n builder\n\n" + printed + "\n\nMore.\n"
	if d := golden.Diff(want, string(after)); d != "" {
		t.Errorf("README after -update-readme differs from ReadmeSection in place (- want, + got):\n%s", d)
	}
	// A second run changes nothing.
	runCost("-update-readme")
	if again, _ := os.ReadFile(path); string(again) != string(after) {
		t.Error("a second -update-readme changed the README")
	}
}

// TestDevCostTargets pins issue 14's budget on the repository's dev stack: at most $75 a month
// running all month at 2 vCPU / 4 GB, and less again with its office-hours schedule.
func TestDevCostTargets(t *testing.T) {
	a := DefaultAssumptions()
	scheduled, err := estimateFile(repoDevStack, a)
	if err != nil {
		t.Fatal(err)
	}
	a.AlwaysOn = true
	allMonth, err := estimateFile(repoDevStack, a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fmt.Sprint(allMonth.Lines), "1 task × 2 vCPU × 730 h") {
		t.Errorf("dev is not priced at one 2 vCPU task all month: %v", allMonth.Lines)
	}
	if allMonth.Max > 75 {
		t.Errorf("dev running all month costs $%.2f, want at most $75", allMonth.Max)
	}
	if scheduled.Max >= allMonth.Max {
		t.Errorf("dev with office hours costs $%.2f, not less than all month ($%.2f)", scheduled.Max, allMonth.Max)
	}
}
