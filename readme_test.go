package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeSection returns the README text from the heading to the next "## ".
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, heading+"\n")
	if start < 0 {
		t.Fatalf("README.md has no %q section", heading)
	}
	rest := text[start+len(heading):]
	if end := strings.Index(rest, "\n## "); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

// TestReadmeLayout keeps the README's layout section in step with the tree:
// every path it lists exists, and every Go package directory is listed
// (modules by name in the modules/<unit>/ line; their tests, all in
// modules/, as modules/<unit>_test.go, each file named after its module).
func TestReadmeLayout(t *testing.T) {
	layout := readmeSection(t, "## Layout")
	listed := map[string]bool{}
	parent := ""
	for _, line := range strings.Split(layout, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(line, "```") {
			continue
		}
		path := strings.TrimSuffix(fields[0], "/")
		if strings.HasPrefix(line, "  ") {
			path = parent + "/" + path // an indented entry lives in the one above
		} else {
			parent = path
		}
		listed[path] = true
		if strings.Contains(path, "<") {
			continue // modules/<unit>
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("README layout lists %s, which does not exist", path)
		}
	}
	if len(listed) < 10 {
		t.Fatalf("read %d entries from the layout section: %v", len(listed), listed)
	}

	modulesLine := regexp.MustCompile(`modules/<unit>/.*\(([^)]*)\)`).FindStringSubmatch(layout)
	if modulesLine == nil {
		t.Fatal("README layout has no modules/<unit>/ line naming the modules")
	}
	named := map[string]bool{}
	for _, m := range strings.Split(modulesLine[1], ",") {
		named[strings.TrimSpace(m)] = true
	}
	moduleTable := readmeSection(t, "## Modules")
	for _, dir := range packageDirs(t) {
		switch top, rest, _ := strings.Cut(dir, "/"); {
		case dir == "modules":
			// The module tests: one package for all modules (see
			// modules/main_test.go), a file per module.
			if !listed["modules/<unit>_test.go"] {
				t.Error("README layout does not list modules/<unit>_test.go, where the module tests live")
			}
			tests, _ := filepath.Glob("modules/*_test.go")
			for _, f := range tests {
				unit, _, _ := strings.Cut(filepath.Base(f), "_")
				if info, err := os.Stat(filepath.Join("modules", unit)); unit != "main" && (err != nil || !info.IsDir()) {
					t.Errorf("%s tests no module: there is no modules/%s/", f, unit)
				}
			}
		case top == "modules":
			if !named[rest] {
				t.Errorf("README layout's modules line does not name %s", rest)
			}
			if !strings.Contains(moduleTable, "| `"+rest+"` |") {
				t.Errorf("README module reference has no row for %s", rest)
			}
		case top == "cmd" || top == "internal" || top == "stacks":
			if !listed[dir] && !listed[top+"/"+strings.Split(rest, "/")[0]] && !(top == "stacks" && rest == "") {
				t.Errorf("README layout does not list %s", dir)
			}
		}
	}
}

// packageDirs lists the directories holding Go files, relative to the root,
// without testdata and node_modules.
func packageDirs(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	var dirs []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if dir := filepath.ToSlash(filepath.Dir(path)); strings.HasSuffix(path, ".go") && !seen[dir] && dir != "." {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}
