// Package synthout keeps cdktf.out in step with the environment set and
// describes what a synth wrote, for the one-line-per-stack report of `go run .`.
//
// cdktf rewrites manifest.json on every synth but never deletes a stack
// folder: the stack of a removed environment (or of another -environments
// folder) would linger where `cost -env`, `smoke -dir` and terraform find it.
package synthout

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// stackFiles are the files a synth writes into a stack folder: cdk.tf.json,
// or cdk.tf and metadata.json with `cdktf synth --hcl`.
var stackFiles = []string{"cdk.tf.json", "cdk.tf", "metadata.json"}

// Stack is one synthesized stack as manifest.json lists it.
type Stack struct {
	Name string
	// Path is the synthesized file (cdk.tf.json or cdk.tf) under the outdir.
	Path string
	// Resources counts the resource blocks in the file (data sources not).
	Resources int
}

// manifest is the part of cdktf.out/manifest.json read here.
type manifest struct {
	Stacks map[string]struct {
		Name                 string `json:"name"`
		SynthesizedStackPath string `json:"synthesizedStackPath"`
	} `json:"stacks"`
}

// Read returns the stacks of the last synth in outdir, sorted by name.
func Read(outdir string) ([]Stack, error) {
	m, err := readManifest(outdir)
	if err != nil {
		return nil, err
	}
	var stacks []Stack
	for _, name := range slices.Sorted(maps.Keys(m.Stacks)) {
		path := filepath.Join(outdir, filepath.FromSlash(m.Stacks[name].SynthesizedStackPath))
		n, err := countResources(path)
		if err != nil {
			return nil, err
		}
		stacks = append(stacks, Stack{Name: name, Path: path, Resources: n})
	}
	return stacks, nil
}

// Prune makes outdir/stacks hold the stacks of the last synth (manifest.json)
// and nothing else. The folder of a stack that is not in the manifest goes,
// and from the current stacks' folders the file of the other output format
// (a cdk.tf.json beside a fresh cdk.tf would define every resource twice).
// Only what a synth or `terraform init` writes is deleted: a stale folder that
// holds anything else (a state file, notes) keeps those files, loses its
// synthesized stack, and is named in the returned warnings.
func Prune(outdir string) (warnings []string, err error) {
	m, err := readManifest(outdir)
	if err != nil {
		return nil, err
	}
	current := map[string]string{} // stack folder name -> synthesized file name
	for _, s := range m.Stacks {
		rel := filepath.FromSlash(s.SynthesizedStackPath) // stacks/<name>/<file>
		current[filepath.Base(filepath.Dir(rel))] = filepath.Base(rel)
	}
	stacksDir := filepath.Join(outdir, "stacks")
	entries, err := os.ReadDir(stacksDir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue // not a stack folder; a symlink is not followed
		}
		dir := filepath.Join(stacksDir, e.Name())
		if file, ok := current[e.Name()]; ok {
			if err := removeFiles(dir, otherFormat(file)); err != nil {
				return warnings, err
			}
			continue
		}
		if err := removeFiles(dir, stackFiles); err != nil {
			return warnings, err
		}
		extra, err := foreignFiles(dir)
		if err != nil {
			return warnings, err
		}
		if len(extra) > 0 {
			warnings = append(warnings, fmt.Sprintf("%s: stack %q is not in this synth; removed its synthesized files, kept %s", dir, e.Name(), strings.Join(extra, ", ")))
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			return warnings, err
		}
	}
	return warnings, nil
}

func readManifest(outdir string) (*manifest, error) {
	path := filepath.Join(outdir, "manifest.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &m, nil
}

// otherFormat names the files of the other output format than file's.
func otherFormat(file string) []string {
	if file == "cdk.tf" {
		return []string{"cdk.tf.json"}
	}
	return []string{"cdk.tf", "metadata.json"}
}

func removeFiles(dir string, names []string) error {
	for _, name := range names {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// foreignFiles lists what in a stack folder neither a synth nor
// `terraform init` wrote. .terraform/ holds providers, modules and the
// backend pointer, which init recreates; state lives in the backend (the
// local backend of the stacks writes outside cdktf.out).
func foreignFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var extra []string
	for _, e := range entries {
		name := e.Name()
		if slices.Contains(stackFiles, name) || name == ".terraform.lock.hcl" || (name == ".terraform" && e.IsDir()) {
			continue
		}
		extra = append(extra, name)
	}
	return extra, nil
}

// countResources counts the resource blocks of a synthesized stack file.
func countResources(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	if strings.HasSuffix(path, ".json") {
		var doc struct {
			Resource map[string]map[string]json.RawMessage `json:"resource"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return 0, fmt.Errorf("%s: %v", path, err)
		}
		n := 0
		for _, byName := range doc.Resource {
			n += len(byName)
		}
		return n, nil
	}
	file, diags := hclsyntax.ParseConfig(data, path, hcl.InitialPos)
	if diags.HasErrors() {
		return 0, diags
	}
	n := 0
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "resource" {
			n++
		}
	}
	return n, nil
}

// Report writes one line per stack (name, resources, file relative to the
// working directory when below it) and the command to run next.
func Report(w io.Writer, stacks []Stack) {
	wd, _ := os.Getwd()
	width := 0
	for _, s := range stacks {
		width = max(width, len(s.Name))
	}
	for _, s := range stacks {
		path := s.Path
		if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
			path = rel
		}
		fmt.Fprintf(w, "%-*s  %3d resources  %s\n", width, s.Name, s.Resources, path)
	}
	if len(stacks) > 0 {
		fmt.Fprintf(w, "next: npx cdktf diff %s\n", stacks[0].Name)
	}
}
