package synthout

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// outdir writes files (path -> content) under a new cdktf.out folder.
func outdir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cdktf.out")
	for path, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tree lists every file under dir, relative and sorted.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	slices.Sort(out)
	return out
}

func manifestOf(stacks ...string) string {
	var parts []string
	for _, s := range stacks {
		name, file, _ := strings.Cut(s, "/")
		parts = append(parts, `"`+name+`": {"name": "`+name+`", "synthesizedStackPath": "stacks/`+name+`/`+file+`"}`)
	}
	return `{"version": "0.20.11", "stacks": {` + strings.Join(parts, ", ") + `}}`
}

const stackJSON = `{"resource": {"aws_vpc": {"a": {}}, "aws_subnet": {"b": {}, "c": {}}}, "data": {"aws_iam_policy_document": {"d": {}}}}`

const stackHCL = `terraform {
  backend "local" {
    path = "x"
  }
}
data "aws_iam_policy_document" "d" {}
resource "aws_vpc" "a" {
  tags = { Name = "${var.x}" }
}
resource "aws_subnet" "b" {}
`

func TestPrune(t *testing.T) {
	tests := []struct {
		name         string
		files        map[string]string
		want         []string
		wantWarnings []string // substrings, one per warning
	}{{
		name: "stale stacks go, current stay",
		files: map[string]string{
			"manifest.json":                            manifestOf("dev/cdk.tf.json"),
			"stacks/dev/cdk.tf.json":                   stackJSON,
			"stacks/dev/.terraform.lock.hcl":           "lock",
			"stacks/prod/cdk.tf.json":                  stackJSON,
			"stacks/prod/.terraform.lock.hcl":          "lock",
			"stacks/prod/.terraform/terraform.tfstate": "backend pointer",
			"stacks/staging/cdk.tf":                    stackHCL,
			"stacks/staging/metadata.json":             "{}",
		},
		want: []string{"manifest.json", "stacks/dev/.terraform.lock.hcl", "stacks/dev/cdk.tf.json"},
	}, {
		name: "a stale folder with other files keeps them, loses its stack",
		files: map[string]string{
			"manifest.json":                  manifestOf("dev/cdk.tf.json"),
			"stacks/dev/cdk.tf.json":         stackJSON,
			"stacks/old/cdk.tf.json":         stackJSON,
			"stacks/old/terraform.tfstate":   "state",
			"stacks/old/.terraform.lock.hcl": "lock",
		},
		want:         []string{"manifest.json", "stacks/dev/cdk.tf.json", "stacks/old/.terraform.lock.hcl", "stacks/old/terraform.tfstate"},
		wantWarnings: []string{`stacks/old: stack "old" is not in this synth; removed its synthesized files, kept terraform.tfstate`},
	}, {
		name: "HCL synth removes the JSON of the same stack",
		files: map[string]string{
			"manifest.json":            manifestOf("dev/cdk.tf"),
			"stacks/dev/cdk.tf":        stackHCL,
			"stacks/dev/metadata.json": "{}",
			"stacks/dev/cdk.tf.json":   stackJSON,
		},
		want: []string{"manifest.json", "stacks/dev/cdk.tf", "stacks/dev/metadata.json"},
	}, {
		name: "JSON synth removes the HCL of the same stack",
		files: map[string]string{
			"manifest.json":            manifestOf("dev/cdk.tf.json"),
			"stacks/dev/cdk.tf":        stackHCL,
			"stacks/dev/metadata.json": "{}",
			"stacks/dev/cdk.tf.json":   stackJSON,
		},
		want: []string{"manifest.json", "stacks/dev/cdk.tf.json"},
	}, {
		name: "files beside the stack folders are not touched",
		files: map[string]string{
			"manifest.json":          manifestOf("dev/cdk.tf.json"),
			"stacks/dev/cdk.tf.json": stackJSON,
			"stacks/README":          "notes",
			"other/cdk.tf.json":      stackJSON,
		},
		want: []string{"manifest.json", "other/cdk.tf.json", "stacks/README", "stacks/dev/cdk.tf.json"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := outdir(t, tt.files)
			warnings, err := Prune(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got := tree(t, dir); !slices.Equal(got, tt.want) {
				t.Errorf("left\n  %v\nwant\n  %v", got, tt.want)
			}
			if len(warnings) != len(tt.wantWarnings) {
				t.Fatalf("warnings %q, want %d", warnings, len(tt.wantWarnings))
			}
			for i, w := range tt.wantWarnings {
				if !strings.Contains(filepath.ToSlash(warnings[i]), w) {
					t.Errorf("warning %q, want it to contain %q", warnings[i], w)
				}
			}
		})
	}
}

// A symlinked stack folder is not followed: what it points at stays.
func TestPruneLeavesSymlinks(t *testing.T) {
	dir := outdir(t, map[string]string{"manifest.json": manifestOf(), "stacks/.keep": ""})
	target := t.TempDir()
	os.WriteFile(filepath.Join(target, "cdk.tf.json"), []byte(stackJSON), 0o644)
	if err := os.Symlink(target, filepath.Join(dir, "stacks", "linked")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, err := Prune(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(target, "cdk.tf.json")); err != nil {
		t.Errorf("followed the symlink: %v", err)
	}
}

func TestPruneNeedsManifest(t *testing.T) {
	dir := outdir(t, map[string]string{"stacks/dev/cdk.tf.json": stackJSON})
	if _, err := Prune(dir); err == nil {
		t.Error("pruned without a manifest.json")
	}
	if got := tree(t, dir); !slices.Equal(got, []string{"stacks/dev/cdk.tf.json"}) {
		t.Errorf("changed files without a manifest: %v", got)
	}
}

func TestReadCountsResources(t *testing.T) {
	dir := outdir(t, map[string]string{
		"manifest.json":          manifestOf("prod/cdk.tf", "dev/cdk.tf.json"),
		"stacks/dev/cdk.tf.json": stackJSON,
		"stacks/prod/cdk.tf":     stackHCL,
	})
	stacks, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Stack{
		{Name: "dev", Path: filepath.Join(dir, "stacks", "dev", "cdk.tf.json"), Resources: 3},
		{Name: "prod", Path: filepath.Join(dir, "stacks", "prod", "cdk.tf"), Resources: 2},
	}
	if !slices.Equal(stacks, want) {
		t.Errorf("Read = %+v\nwant %+v", stacks, want)
	}
}

func TestReport(t *testing.T) {
	wd, _ := os.Getwd()
	var b bytes.Buffer
	Report(&b, []Stack{
		{Name: "dev", Path: filepath.Join(wd, "cdktf.out", "stacks", "dev", "cdk.tf.json"), Resources: 52},
		{Name: "staging", Path: "/elsewhere/stacks/staging/cdk.tf", Resources: 101},
	})
	want := "dev       52 resources  " + filepath.Join("cdktf.out", "stacks", "dev", "cdk.tf.json") + "\n" +
		"staging  101 resources  /elsewhere/stacks/staging/cdk.tf\n" +
		"next: npx cdktf diff dev\n"
	if b.String() != want {
		t.Errorf("Report wrote\n%s\nwant\n%s", b.String(), want)
	}
}
