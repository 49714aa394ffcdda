package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/n8n-builder/infra/environments"
)

// hostile is one adversarial input: an environments folder (files, plus a
// setup for what a map of contents cannot hold) and what must come of it.
type hostile struct {
	category string
	name     string
	files    map[string]string
	setup    func(t *testing.T, dir string) // dir: the environments folder
	args     []string                       // instead of -environments environments
	want     []string                       // each must appear in stderr
	accept   bool                           // a valid input: LoadDir must accept it
}

// Categories of the adversarial suite (those of issue 11).
const (
	catJSON    = "JSON edges"
	catFiles   = "files and folders"
	catStrings = "strings that reach Terraform"
	catDupes   = "duplicates and quotas"
	catNaming  = "AWS naming rules"
	catSecrets = "secrets in plain sight"
	catAcross  = "across files"
	catRegions = "regions"
	catOff     = "switched-off sections"
)

// TestHostileEnvironments refuses every adversarial input (in parallel):
// one line per problem naming the file or folder, the expected text, no
// panic or jsii trace. Through the app (see refusal: one case per category,
// and every case with arguments or a setup), also exit 1 within a deadline
// (a FIFO must not block) and cdktf.out untouched. Valid inputs (accept) go
// through environments.LoadDir: synthesizing each would take seconds, and
// TestSynthesizesEveryEnvironment covers that path.
func TestHostileEnvironments(t *testing.T) {
	cases := hostileCases()
	perCategory := map[string]int{}
	names := map[string]bool{}
	for _, c := range cases {
		perCategory[c.category]++
		if names[c.name] {
			t.Fatalf("two cases named %q", c.name)
		}
		names[c.name] = true
	}
	for _, cat := range []string{catJSON, catFiles, catStrings, catDupes, catNaming, catSecrets, catAcross, catRegions, catOff} {
		if perCategory[cat] < 4 {
			t.Errorf("category %q has %d cases, want at least 4", cat, perCategory[cat])
		}
	}
	if len(cases) < 60 {
		t.Errorf("%d cases, want at least 60", len(cases))
	}
	t.Logf("cases per category: %v", perCategory)

	sampled := map[string]bool{} // categories with a refusal run through the app
	for _, c := range cases {
		// Arguments, FIFOs, symlinks and the like (setup) need the process
		// itself: its flags, its deadline.
		throughApp := c.args != nil || c.setup != nil || !sampled[c.category]
		sampled[c.category] = sampled[c.category] || !c.accept
		t.Run(strings.ReplaceAll(c.category, " ", "_")+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			dir := filepath.Join(work, "environments")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, name := range slices.Sorted(maps.Keys(c.files)) {
				mustWrite(t, filepath.Join(dir, name), []byte(c.files[name]))
			}
			if c.setup != nil {
				c.setup(t, dir)
			}
			if c.accept {
				if _, err := environments.LoadDir(dir); err != nil {
					t.Fatalf("refused a valid input:\n%v", err)
				}
				return
			}

			args := c.args
			if args == nil {
				args = []string{"-environments", "environments"}
			}
			problems := refusal(t, work, throughApp, func() (int, string) {
				code, _, stderr := runApp(t, work, os.Environ(), args...)
				return code, stderr
			})
			checkProblems(t, c, problems)
			if t.Failed() {
				t.Logf("problems:\n%s", problems)
			}
		})
	}
}

// checkProblems checks the problems the app printed (or LoadDir returned)
// for case c: the expected text, no panic or jsii trace, each line naming a
// file or the folder.
func checkProblems(t *testing.T, c hostile, problems string) {
	t.Helper()
	if problems == "" {
		t.Errorf("no problem printed")
	}
	for _, w := range c.want {
		if !strings.Contains(problems, w) {
			t.Errorf("problems do not contain %q", w)
		}
	}
	for _, bad := range []string{"panic", "goroutine ", "jsii", "@jsii", "    at ", "sk-ant-api03"} {
		if strings.Contains(problems, bad) {
			t.Errorf("problems contain %q", bad)
		}
	}
	for _, line := range strings.Split(problems, "\n") {
		if !strings.HasPrefix(line, "environments/") && !strings.HasPrefix(line, "environments: ") &&
			!strings.HasPrefix(line, `"environments/`) && !strings.HasPrefix(line, c.labelPrefix()) {
			t.Errorf("line does not start by naming a file or the folder: %q", line)
		}
	}
}

// labelPrefix is how lines start when the case names its own folder.
func (c hostile) labelPrefix() string {
	switch {
	case len(c.args) == 2 && c.args[0] == "-environments" && c.args[1] != "":
		return c.args[1]
	case len(c.args) == 2 && c.args[0] == "-environments":
		return "-environments: "
	case len(c.args) > 0 && strings.HasPrefix(c.args[0], "-"):
		return "flag " // the flag package's own words
	}
	return "unexpected argument"
}

// base is the smallest valid environment; cfg merges overrides into it.
func base() map[string]any {
	return map[string]any{
		"network": map[string]any{"availabilityZones": []any{"us-east-1a", "us-east-1b"}},
		"bridge":  map[string]any{"imageTag": "1.0.0"},
	}
}

// cfg returns base() with overrides merged in (objects merge, the rest replaces).
func cfg(overrides map[string]any) string {
	merged := merge(base(), overrides)
	b, err := json.MarshalIndent(merged, "", "  ")
	if err != nil {
		panic(err)
	}
	return string(b)
}

// oneLine is cfg written on a single line, as generated files are.
func oneLine(overrides map[string]any) string {
	b, err := json.Marshal(merge(base(), overrides))
	if err != nil {
		panic(err)
	}
	return string(b)
}

// repeated is a list of n copies of v.
func repeated(v any, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func merge(dst, src map[string]any) map[string]any {
	for k, v := range src {
		if sv, ok := v.(map[string]any); ok {
			if dv, ok := dst[k].(map[string]any); ok {
				dst[k] = merge(dv, sv)
				continue
			}
		}
		dst[k] = v
	}
	return dst
}

type obj = map[string]any

// one is a folder holding a single file x.json.
func one(content string) map[string]string { return map[string]string{"x.json": content} }

// valid is the minimal valid file as written by hand.
const valid = `{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0"}}`

func utf16(s string, bigEndian, bom bool) string {
	var b []byte
	if bom {
		if bigEndian {
			b = append(b, 0xFE, 0xFF)
		} else {
			b = append(b, 0xFF, 0xFE)
		}
	}
	for _, r := range s { // ASCII only
		if bigEndian {
			b = append(b, 0, byte(r))
		} else {
			b = append(b, byte(r), 0)
		}
	}
	return string(b)
}

func symlink(name, target string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Skipf("symbolic links unavailable: %v", err)
		}
	}
}

func hostileCases() []hostile {
	x := "environments/x.json: "
	cases := []hostile{
		// JSON edges.
		{category: catJSON, name: "empty file", files: one(""), want: []string{x + "(file): the file is empty"}},
		{category: catJSON, name: "whitespace only", files: one(" \n\t\r\n "), want: []string{x + "(file): the file holds only whitespace"}},
		{category: catJSON, name: "utf-8 byte-order mark", files: one("\xEF\xBB\xBF" + valid), want: []string{x + "(file): the file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without"}},
		{category: catJSON, name: "utf-16 le with bom", files: one(utf16(valid, false, true)), want: []string{x + "(file): the file is UTF-16"}},
		{category: catJSON, name: "utf-16 be with bom", files: one(utf16(valid, true, true)), want: []string{x + "(file): the file is UTF-16"}},
		{category: catJSON, name: "utf-16 le without bom", files: one(utf16(valid, false, false)), want: []string{x + "(file): the file looks like UTF-16"}},
		{category: catJSON, name: "utf-16 be without bom", files: one(utf16(valid, true, false)), want: []string{x + "(file): the file looks like UTF-16"}},
		{category: catJSON, name: "utf-32 with bom", files: one("\xFF\xFE\x00\x00{\x00\x00\x00}\x00\x00\x00"), want: []string{x + "(file): the file is UTF-32"}},
		{category: catJSON, name: "invalid utf-8 in a string", files: one("{\n  \"bridge\": {\"imageTag\": \"1.0\xff\"}}"), want: []string{x + "(file): line 2, column 30: invalid UTF-8 (byte 0xFF)"}},
		{category: catJSON, name: "invalid utf-8 in a key", files: one("{\"reg\xc3\x28ion\": \"us-east-1\"}"), want: []string{x + "(file): line 1, column 6: invalid UTF-8 (byte 0xC3)"}},
		{category: catJSON, name: "lone surrogate escape", files: one(`{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0", "nodeEnv": "prod\ud800"}}`), want: []string{x + "bridge.nodeEnv: ", "U+FFFD"}},
		{category: catJSON, name: "nul byte", files: one("{\"region\": \"us-east-1\"}\x00"), want: []string{x + "(file): line 1, column 24: a NUL byte"}},
		{category: catJSON, name: "line comment", files: one("{\n  // dev settings\n  \"region\": \"us-east-1\"\n}"), want: []string{x + "line 2, column 3: malformed JSON", "JSON has no comments"}},
		{category: catJSON, name: "block comment", files: one("{ \"region\": /* here */ \"us-east-1\" }"), want: []string{x + "line 1, column 13: malformed JSON", "JSON has no comments"}},
		{category: catJSON, name: "comment after the object", files: one(valid + "\n// end\n"), want: []string{x + "line 2, column 1: malformed JSON: text after the end of the top-level object", "no comments"}},
		{category: catJSON, name: "second object", files: one(valid + " {}"), want: []string{x + "line 1, column 99: malformed JSON: text after the end of the top-level object"}},
		{category: catJSON, name: "duplicate top-level key", files: one("{\n \"region\": \"eu-west-1\",\n \"region\": \"us-east-1\"\n}"), want: []string{x + "region: line 3, column 2: duplicate key (first at line 2, column 2)"}},
		{category: catJSON, name: "duplicate nested key", files: one(`{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0", "cpu": 1024, "cpu": 4096}}`), want: []string{x + "bridge.cpu: line 1, column 111: duplicate key (first at line 1, column 98)"}},
		{category: catJSON, name: "duplicate key in a map", files: one(`{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0", "environment": {"LOG": "info", "LOG": "debug"}}}`), want: []string{x + "bridge.environment.LOG: line 1, column ", "duplicate key"}},
		{category: catJSON, name: "duplicate key spelled with an escape", files: one(`{"region": "us-east-1", "re\u0067ion": "eu-west-1", "network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0"}}`), want: []string{x + "region: line 1, column 25: duplicate key"}},
		{category: catJSON, name: "null top-level field", files: one(cfg(obj{"region": nil})), want: []string{x + "region: line ", "null is not allowed; leave the field out to use its default, or give a string"}},
		{category: catJSON, name: "null object", files: one(cfg(obj{"waf": nil})), want: []string{x + "waf: line ", "null is not allowed"}},
		{category: catJSON, name: "null list", files: one(cfg(obj{"loadBalancer": obj{"allowedCidrs": nil}})), want: []string{x + "loadBalancer.allowedCidrs: line ", "give a list of strings"}},
		{category: catJSON, name: "null list element", files: one(cfg(obj{"network": obj{"availabilityZones": []any{"us-east-1a", nil}}})), want: []string{x + "network.availabilityZones[1]: line ", "null is not allowed"}},
		{category: catJSON, name: "null map value", files: one(cfg(obj{"bridge": obj{"environment": obj{"LOG_LEVEL": nil}}})), want: []string{x + "bridge.environment.LOG_LEVEL: line ", "null is not allowed"}},
		{category: catJSON, name: "null backend", files: one(cfg(obj{"backend": obj{"s3": nil}})), want: []string{x + "backend.s3: line ", "null is not allowed"}},
		{category: catJSON, name: "top level null", files: one("null"), want: []string{x + "(top level): must be a JSON object, got null"}},
		{category: catJSON, name: "top level list", files: one("[" + valid + "]"), want: []string{x + "(top level): must be a JSON object, got a list"}},
		{category: catJSON, name: "several type errors", files: one(cfg(obj{"protected": "yes", "bridge": obj{"cpu": "2048", "memory": 4096.5}, "network": obj{"availabilityZones": "us-east-1a"}})), want: []string{
			x + "protected: line ", "expected true or false, got JSON string \"yes\"",
			x + "bridge.cpu: line ", "expected a whole number, got JSON string \"2048\"",
			x + "bridge.memory: line ", "expected a whole number, got 4096.5",
			x + "network.availabilityZones: line ", "expected a list of strings, got JSON string \"us-east-1a\"",
		}},
		{category: catJSON, name: "exponent for a whole number", files: one(cfg(obj{"bridge": obj{"cpu": json.Number("2.048e3")}})), want: []string{x + "bridge.cpu: line ", "expected a whole number, got 2.048e3"}},
		{category: catJSON, name: "huge number", files: one(cfg(obj{"bridge": obj{"desiredCount": json.Number("99999999999999999999999")}})), want: []string{x + "bridge.desiredCount: line ", "99999999999999999999999 is out of range"}},
		{category: catJSON, name: "number beyond float64", files: one(cfg(obj{"logRetentionDays": json.Number("1e400")})), want: []string{x + "logRetentionDays: line ", "expected a whole number, got 1e400"}},
		{category: catJSON, name: "negative zero", files: one(cfg(obj{"network": obj{"bridgeEgressPorts": []any{json.Number("-0")}}})), want: []string{x + "network.bridgeEgressPorts[0]: 0 is not a TCP port"}},
		{category: catJSON, name: "deeply nested", files: one(`{"extra": ` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`), want: []string{x + "line 1, column ", "nested deeper than 32 levels"}},
		// Generated files come on one line; 240,000 tokens of it are read
		// at once (counting each position from the start took minutes).
		{category: catJSON, name: "a million bytes on one line", files: one(oneLine(obj{"network": obj{"bridgeEgressPorts": repeated(443, 240_000)}})), want: []string{
			x + "network.bridgeEgressPorts: lists 240000 ports; a security group holds at most 60 outbound rules",
			x + "network.bridgeEgressPorts[1]: 443 repeats network.bridgeEgressPorts[0]",
			"more problems not shown; fix the ones above first",
		}},
		{category: catJSON, name: "trailing comma", files: one("{\n  \"region\": \"us-east-1\",\n}"), want: []string{x + "line 3, column 1: malformed JSON", "no comma before a closing bracket"}},
		{category: catJSON, name: "single quotes", files: one(`{'region': 'us-east-1'}`), want: []string{x + "line 1, column 2: malformed JSON", "double quotes"}},
		{category: catJSON, name: "truncated", files: one(`{"region": "us-east-1", "network": {`), want: []string{x + "line 1: malformed JSON: the file ends early"}},

		// Files and folders.
		{category: catFiles, name: "folder named like a file", setup: func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "dev.json"), 0o755) }, want: []string{"environments/dev.json: is a folder, not a file; only regular files are read"}},
		{category: catFiles, name: "dangling symlink", setup: symlink("dev.json", "nowhere.json"), want: []string{`environments/dev.json: is a symbolic link to "nowhere.json", which does not exist`}},
		{category: catFiles, name: "symlink loop", setup: func(t *testing.T, dir string) {
			symlink("a.json", "b.json")(t, dir)
			symlink("b.json", "a.json")(t, dir)
		}, want: []string{"environments/a.json: is a symbolic link loop", "environments/b.json: is a symbolic link loop"}},
		{category: catFiles, name: "fifo", setup: func(t *testing.T, dir string) {
			if runtime.GOOS == "windows" {
				t.Skip("no FIFOs")
			}
			if err := syscall.Mkfifo(filepath.Join(dir, "dev.json"), 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
		}, want: []string{"environments/dev.json: is a named pipe (FIFO), not a file"}},
		{category: catFiles, name: "symlink to a fifo", setup: func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			symlink("dev.json", "pipe")(t, dir)
		}, want: []string{"environments/dev.json: is a named pipe (FIFO), not a file"}},
		{category: catFiles, name: "device file", setup: func(t *testing.T, dir string) {
			if _, err := os.Stat("/dev/zero"); err != nil {
				t.Skip("no /dev/zero")
			}
			symlink("zero.json", "/dev/zero")(t, dir)
		}, want: []string{"environments/zero.json: is a device, not a file"}},
		{category: catFiles, name: "huge file", files: one(`{"region": "us-east-1"` + strings.Repeat(" ", 2<<20) + `}`), want: []string{x + "is 2097175 bytes; an environment file may have at most 1048576 (1 MiB)"}},
		{category: catFiles, name: "names differing only by case", files: map[string]string{"dev.json": valid, "Dev.json": valid}, want: []string{
			"environments/dev.json: file name: differs from Dev.json only in letter case",
			`environments/Dev.json: file name: environment name "Dev" must be lowercase`,
		}},
		{category: catFiles, name: "uppercase extension", files: map[string]string{"dev.JSON": valid}, want: []string{"environments/dev.JSON: file name: the extension must be .json in lowercase; rename the file to dev.json"}},
		{category: catFiles, name: "uppercase extension beside the file", files: map[string]string{"dev.json": valid, "dev.Json": valid}, want: []string{"environments/dev.json: file name: differs from dev.Json only in letter case", "environments/dev.Json: file name: the extension must be .json"}},
		{category: catFiles, name: "hidden file", files: map[string]string{".dev.json": valid}, want: []string{"environments/.dev.json: file name: a hidden file is not an environment"}},
		{category: catFiles, name: "only an extension", files: map[string]string{".json": valid}, want: []string{"environments/.json: file name: a hidden file is not an environment"}},
		{category: catFiles, name: "space in the name", files: map[string]string{"my env.json": valid}, want: []string{`environments/my env.json: file name: environment name "my env" must be lowercase letters, digits and single hyphens`}},
		{category: catFiles, name: "dot in the name", files: map[string]string{"dev.eu.json": valid}, want: []string{`environments/dev.eu.json: file name: environment name "dev.eu" must be`}},
		{category: catFiles, name: "underscore and digit start", files: map[string]string{"1st_env.json": valid}, want: []string{`environments/1st_env.json: file name: environment name "1st_env" must be`}},
		{category: catFiles, name: "double hyphen", files: map[string]string{"dev--a.json": valid}, want: []string{`environments/dev--a.json: file name: environment name "dev--a" must be`}},
		{category: catFiles, name: "non-ascii name", files: map[string]string{"dév.json": valid}, want: []string{`environments/dév.json: file name: environment name "dév" must be`}},
		{category: catFiles, name: "newline in the name", files: map[string]string{"a\nb.json": valid}, want: []string{`"environments/a\nb.json": file name: environment name "a\nb" must be`}},
		{category: catFiles, name: "environment name too long", files: map[string]string{"a-very-long-environment-name.json": valid}, want: []string{`environments/a-very-long-environment-name.json: file name: environment name "a-very-long-environment-name" is 28 characters; at most 25 fit`}},
		{category: catFiles, name: "stack name javascript reserves", files: map[string]string{"constructor.json": valid}, want: []string{`environments/constructor.json: file name: environment name "constructor" is reserved: the CDKTF app (JavaScript constructs) cannot hold a stack of that name`}},
		{category: catFiles, name: "other names of javascript objects", accept: true, files: map[string]string{"prototype.json": valid, "valueof.json": cfg(obj{"projectName": "b"}), "tostring.json": cfg(obj{"projectName": "c"})}},
		{category: catFiles, name: "missing folder", args: []string{"-environments", "no-such-folder"}, want: []string{"no-such-folder: folder not found; -environments must name a folder"}},
		{category: catFiles, name: "folder is a file", files: one(valid), args: []string{"-environments", "environments/x.json"}, want: []string{"environments/x.json: is not a folder"}},
		{category: catFiles, name: "empty folder", files: map[string]string{"README.md": "# envs"}, want: []string{"environments: no environment files (*.json) found"}},
		{category: catFiles, name: "flag without its folder", args: []string{"-environments"}, want: []string{"flag needs an argument: -environments; usage: go run . [-environments"}},
		{category: catFiles, name: "unknown flag", args: []string{"-env", "environments"}, want: []string{"flag provided but not defined: -env; usage:"}},
		{category: catFiles, name: "empty folder name", args: []string{"-environments", ""}, want: []string{"-environments: the folder name is empty"}},
		{category: catFiles, name: "stray argument", files: one(valid), args: []string{"environments"}, want: []string{`unexpected argument "environments"; name the folder of environment files with -environments <folder>`}},

		// Strings that reach Terraform.
		{category: catStrings, name: "cdktf token in the image", files: one(cfg(obj{"bridge": obj{"image": "${TfToken[TOKEN.1]}"}})), want: []string{x + `bridge.image: "${TfToken[TOKEN.1]}" holds a CDKTF token`}},
		{category: catStrings, name: "list token in a cidr", files: one(cfg(obj{"loadBalancer": obj{"allowedCidrs": []any{"#{TfToken[TOKEN.7]}"}}})), want: []string{x + "loadBalancer.allowedCidrs[0]: ", "holds a CDKTF token"}},
		{category: catStrings, name: "template in nodeEnv", files: one(cfg(obj{"bridge": obj{"nodeEnv": "${var.env}"}})), want: []string{x + `bridge.nodeEnv: "${var.env}" holds Terraform template syntax`}},
		{category: catStrings, name: "directive in an environment value", files: one(cfg(obj{"bridge": obj{"environment": obj{"GREETING": "%{ if true }hi%{ endif }"}}})), want: []string{x + "bridge.environment.GREETING: ", "holds Terraform template syntax"}},
		{category: catStrings, name: "template in an environment name", files: one(cfg(obj{"bridge": obj{"environment": obj{"${path.root}": "x"}}})), want: []string{x + `bridge.environment["${path.root}"]: its name "${path.root}" holds Terraform template syntax`}},
		{category: catStrings, name: "template in the backend key", files: one(cfg(obj{"backend": obj{"s3": obj{"bucket": "my-state", "key": "${terraform.workspace}/state"}}})), want: []string{x + "backend.s3.key: ", "holds Terraform template syntax"}},
		{category: catStrings, name: "template in the project name", files: one(cfg(obj{"projectName": "${local.name}"})), want: []string{x + "projectName: ", "holds Terraform template syntax"}},
		{category: catStrings, name: "template in the domain", files: one(cfg(obj{"domainName": "${aws_lb.x.dns_name}", "hostedZoneId": "Z123"})), want: []string{x + "domainName: ", "holds Terraform template syntax"}},
		{category: catStrings, name: "image with uppercase repository", files: one(cfg(obj{"bridge": obj{"image": "ghcr.io/Org/Bridge:1.0"}})), want: []string{x + `bridge.image: "ghcr.io/Org/Bridge:1.0" is not an OCI image reference`}},
		{category: catStrings, name: "image with a short digest", files: one(cfg(obj{"bridge": obj{"image": "ghcr.io/org/bridge@sha256:abc"}})), want: []string{x + "bridge.image: ", "is not an OCI image reference"}},
		{category: catStrings, name: "image with an empty tag", files: one(cfg(obj{"bridge": obj{"image": "ghcr.io/org/bridge:"}})), want: []string{x + "bridge.image: ", "is not an OCI image reference"}},
		{category: catStrings, name: "image with a space", files: one(cfg(obj{"bridge": obj{"image": "ghcr.io/org/bridge:1.0 --privileged"}})), want: []string{x + "bridge.image: ", "is not an OCI image reference"}},
		{category: catStrings, name: "image and imageTag both", files: one(cfg(obj{"bridge": obj{"image": "ghcr.io/org/bridge:1.0", "imageTag": "2.0"}})), want: []string{x + "bridge.imageTag: is ignored when bridge.image is set"}},
		{category: catStrings, name: "emoji and joiners kept", accept: true, files: one(cfg(obj{"bridge": obj{"environment": obj{"GREETING": "hi \U0001F468\u200d\U0001F469\u200d\U0001F467 multi\nline\ttext"}}}))},
		{category: catStrings, name: "right-to-left override", files: one(cfg(obj{"bridge": obj{"nodeEnv": "prod\u202euction"}})), want: []string{x + "bridge.nodeEnv: ", "holds the control or invisible character U+202E"}},
		{category: catStrings, name: "control character in an environment value", files: one(cfg(obj{"bridge": obj{"environment": obj{"A": "x\u0007"}}})), want: []string{x + "bridge.environment.A: ", "holds the control or invisible character U+0007"}},
		{category: catStrings, name: "leading whitespace", files: one(cfg(obj{"ui": obj{"priceClass": " PriceClass_100"}})), want: []string{x + `ui.priceClass: " PriceClass_100" has leading or trailing whitespace`}},

		// Duplicates and quotas.
		{category: catDupes, name: "duplicate egress port", files: one(cfg(obj{"network": obj{"bridgeEgressPorts": []any{443, 5678, 443}}})), want: []string{x + "network.bridgeEgressPorts[2]: 443 repeats network.bridgeEgressPorts[0]; list each entry once"}},
		{category: catDupes, name: "duplicate alb cidr", files: one(cfg(obj{"loadBalancer": obj{"allowedCidrs": []any{"203.0.113.0/24", "203.0.113.0/24"}}})), want: []string{x + `loadBalancer.allowedCidrs[1]: "203.0.113.0/24" repeats loadBalancer.allowedCidrs[0]`}},
		{category: catDupes, name: "duplicate waf cidr", files: one(cfg(obj{"waf": obj{"allowedCidrs": []any{"198.51.100.0/24", "203.0.113.0/24", "198.51.100.0/24"}}})), want: []string{x + "waf.allowedCidrs[2]: ", "repeats waf.allowedCidrs[0]"}},
		{category: catDupes, name: "duplicate az", files: one(cfg(obj{"network": obj{"availabilityZones": []any{"us-east-1a", "us-east-1a"}}})), want: []string{x + "network.availabilityZones[1]: \"us-east-1a\" repeats network.availabilityZones[0]"}},
		{category: catDupes, name: "duplicate subnet", files: one(cfg(obj{"network": obj{"publicSubnetCidrs": []any{"10.0.0.0/20", "10.0.0.0/20"}, "privateSubnetCidrs": []any{"10.0.32.0/20", "10.0.48.0/20"}}})), want: []string{x + "network.publicSubnetCidrs[1]: ", "repeats network.publicSubnetCidrs[0]"}},
		{category: catDupes, name: "prefix list leaves room for two cidrs", files: one(cfg(obj{"loadBalancer": obj{"cloudFrontPrefixListId": "pl-3b927c52", "allowedCidrs": []any{"198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/24"}}})), want: []string{x + "loadBalancer.allowedCidrs: lists 3 CIDRs, which make 61 inbound rules on the ALB's security group (the CloudFront prefix list counts as 55); AWS allows 60: list at most 2 CIDRs"}},
		{category: catDupes, name: "too many alb cidrs", files: one(cfg(obj{"loadBalancer": obj{"allowedCidrs": cidrs(31)}})), want: []string{x + "loadBalancer.allowedCidrs: lists 31 CIDRs, which make 62 inbound rules", "list at most 30 CIDRs"}},
		{category: catDupes, name: "too many egress ports", files: one(cfg(obj{"network": obj{"bridgeEgressPorts": ports(61)}})), want: []string{x + "network.bridgeEgressPorts: lists 61 ports; a security group holds at most 60 outbound rules"}},
		{category: catDupes, name: "waf allows /0", files: one(cfg(obj{"waf": obj{"allowedCidrs": []any{"0.0.0.0/0"}}})), want: []string{x + `waf.allowedCidrs[0]: "0.0.0.0/0": AWS WAF IP sets do not accept /0`}},
		{category: catDupes, name: "waf cidr with host bits", files: one(cfg(obj{"waf": obj{"allowedCidrs": []any{"203.0.113.7/24"}}})), want: []string{x + `waf.allowedCidrs[0]: "203.0.113.7/24" has host bits set; did you mean "203.0.113.0/24"?`}},
		{category: catDupes, name: "waf ipv6", files: one(cfg(obj{"waf": obj{"allowedCidrs": []any{"2001:db8::/32"}}})), want: []string{x + `waf.allowedCidrs[0]: "2001:db8::/32" is not an IPv4 network CIDR`}},
		{category: catDupes, name: "desired count too high", files: one(cfg(obj{"bridge": obj{"desiredCount": 100000}})), want: []string{x + "bridge.desiredCount: 100000 tasks is more than 100"}},
		{category: catDupes, name: "max tasks too high", files: one(cfg(obj{"bridge": obj{"autoscaling": obj{"enabled": true, "maxTasks": 5000}}})), want: []string{x + "bridge.autoscaling.maxTasks: 5000 tasks is more than 100"}},
		{category: catDupes, name: "container definition too big", files: one(cfg(obj{"bridge": obj{"environment": bigEnvironment()}})), want: []string{x + "bridge.environment: makes the container definition about", "64 KiB"}},

		// AWS naming rules beyond length.
		{category: catNaming, name: "loopback vpc", files: one(cfg(obj{"network": obj{"vpcCidr": "127.0.0.0/16"}})), want: []string{x + `network.vpcCidr: "127.0.0.0/16" is a range AWS does not allow for a VPC`}},
		{category: catNaming, name: "alb name starting with internal-", files: one(cfg(obj{"projectName": "internal"})), want: []string{x + `projectName: "internal" would make the ALB name "internal-x-alb", and AWS refuses names starting with "internal-"`}},
		{category: catNaming, name: "security group name starting with sg-", files: one(cfg(obj{"projectName": "sg"})), want: []string{x + `projectName: "sg" would make the security group name "sg-x-alb"`}},
		{category: catNaming, name: "bucket prefix sthree-", files: one(cfg(obj{"projectName": "sthree"})), want: []string{x + `projectName: "sthree" would make the UI bucket prefix "sthree-x-ui-"`}},
		{category: catNaming, name: "bucket prefix amzn-s3-demo-", files: one(cfg(obj{"projectName": "amzn-s3-demo"})), want: []string{x + `projectName: "amzn-s3-demo" would make the UI bucket prefix`}},
		{category: catNaming, name: "state bucket reserved prefix", files: one(cfg(obj{"backend": obj{"s3": obj{"bucket": "xn--state"}}})), want: []string{x + `backend.s3.bucket: "xn--state" starts with "xn--", a prefix S3 reserves`}},
		{category: catNaming, name: "state bucket reserved suffix", files: one(cfg(obj{"backend": obj{"s3": obj{"bucket": "my-state-s3alias"}}})), want: []string{x + `backend.s3.bucket: "my-state-s3alias" ends with "-s3alias"`}},
		{category: catNaming, name: "state bucket directory suffix", files: one(cfg(obj{"backend": obj{"s3": obj{"bucket": "state--x-s3"}}})), want: []string{x + `backend.s3.bucket: "state--x-s3" ends with "--x-s3"`}},
		{category: catNaming, name: "state bucket with dots", files: one(cfg(obj{"backend": obj{"s3": obj{"bucket": "my.state.bucket"}}})), want: []string{x + `backend.s3.bucket: "my.state.bucket" has dots`}},
		{category: catNaming, name: "state bucket as an ip address", files: one(cfg(obj{"backend": obj{"s3": obj{"bucket": "192.168.5.4"}}})), want: []string{x + `backend.s3.bucket: "192.168.5.4" has dots`}},
		{category: catNaming, name: "state bucket too short", files: one(cfg(obj{"backend": obj{"s3": obj{"bucket": "ab"}}})), want: []string{x + `backend.s3.bucket: "ab" is not an S3 bucket name: 3-63`}},
		{category: catNaming, name: "certificate name over 64", files: one(cfg(obj{"domainName": strings.Repeat("a", 50) + ".example.com", "hostedZoneId": "Z123", "loadBalancer": obj{"https": true}})), want: []string{x + "domainName: makes the bridge's name", "ACM certificates take at most 64"}},
		{category: catNaming, name: "ip address as domain", files: one(cfg(obj{"domainName": "192.0.2.10", "hostedZoneId": "Z123"})), want: []string{x + `domainName: "192.0.2.10" is an IP address`}},
		{category: catNaming, name: "domain with a trailing dot", files: one(cfg(obj{"domainName": "builder.example.com.", "hostedZoneId": "Z123"})), want: []string{x + `domainName: "builder.example.com." ends with a dot`}},
		{category: catNaming, name: "domain in uppercase", files: one(cfg(obj{"domainName": "Builder.Example.com", "hostedZoneId": "Z123"})), want: []string{x + `domainName: "Builder.Example.com" must be lowercase`}},
		{category: catNaming, name: "wildcard domain", files: one(cfg(obj{"domainName": "*.example.com", "hostedZoneId": "Z123"})), want: []string{x + `domainName: "*.example.com" has an invalid label "*"`}},

		// Secrets in plain sight.
		{category: catSecrets, name: "the key by name", files: one(cfg(obj{"bridge": obj{"environment": obj{"ANTHROPIC_API_KEY": "x"}}})), want: []string{x + "bridge.environment.ANTHROPIC_API_KEY: would put the Anthropic API key in plain text", "from the secret n8n-builder-x-anthropic-key"}},
		{category: catSecrets, name: "the key in lowercase", files: one(cfg(obj{"bridge": obj{"environment": obj{"anthropic_api_key": "x"}}})), want: []string{x + "bridge.environment.anthropic_api_key: would put the Anthropic API key"}},
		{category: catSecrets, name: "the key with hyphens", files: one(cfg(obj{"bridge": obj{"environment": obj{"anthropic-api-key": "x"}}})), want: []string{x + "bridge.environment.anthropic-api-key: would put the Anthropic API key"}},
		{category: catSecrets, name: "the key in camel case", files: one(cfg(obj{"bridge": obj{"environment": obj{"AnthropicApiKey": "x"}}})), want: []string{x + "bridge.environment.AnthropicApiKey: would put the Anthropic API key"}},
		{category: catSecrets, name: "the key with spaces", files: one(cfg(obj{"bridge": obj{"environment": obj{" ANTHROPIC_API_KEY ": "x"}}})), want: []string{x + `bridge.environment[" ANTHROPIC_API_KEY "]: would put the Anthropic API key`}},
		{category: catSecrets, name: "claude token", files: one(cfg(obj{"bridge": obj{"environment": obj{"CLAUDE_CODE_OAUTH_TOKEN": "x"}}})), want: []string{x + "bridge.environment.CLAUDE_CODE_OAUTH_TOKEN: would put the Anthropic API key"}},
		{category: catSecrets, name: "a key as a value", files: one(cfg(obj{"bridge": obj{"environment": obj{"LLM_KEY": "sk-ant-api03-AbCdEf0123456789"}}})), want: []string{x + "bridge.environment.LLM_KEY: looks like an Anthropic API key (sk-ant-…); never put the key in an environment file"}},
		{category: catSecrets, name: "a key in another field", files: one(cfg(obj{"bridge": obj{"nodeEnv": "sk-ant-api03-AbCdEf0123456789"}})), want: []string{x + "bridge.nodeEnv: looks like an Anthropic API key (sk-ant-…)"}},
	}
	cases = append(cases, switchedOffCases()...)
	cases = append(cases, acrossCases()...)
	cases = append(cases, regionCases()...)
	return cases
}

// switchedOffCases: the values of a section whose switch is off are checked
// all the same (turning it on must not fail on them), and valid ones are kept.
func switchedOffCases() []hostile {
	x := "environments/x.json: "
	return []hostile{
		{category: catOff, name: "schedule off with invalid hours and zone", files: one(cfg(obj{"bridge": obj{"schedule": obj{"enabled": false, "startHour": 30, "stopHour": 2, "timeZone": "Mars/Base"}}})), want: []string{
			x + "bridge.schedule.startHour: 30 must be a whole hour 0 to 23", x + `bridge.schedule.timeZone: "Mars/Base" is not an IANA time zone name`,
		}},
		{category: catOff, name: "autoscaling off with max below min", files: one(cfg(obj{"bridge": obj{"autoscaling": obj{"enabled": false, "minTasks": 50, "maxTasks": 2}}})), want: []string{x + "bridge.autoscaling.maxTasks: 2 is less than minTasks 50"}},
		{category: catOff, name: "waf off with a rate limit below the minimum", files: one(cfg(obj{"waf": obj{"enabled": false, "rateLimitPer5Min": 5}})), want: []string{x + "waf.rateLimitPer5Min: 5 must be 10 to 2000000000"}},
		{category: catOff, name: "unprotected with a recovery window AWS refuses", files: one(cfg(obj{"protected": false, "secret": obj{"recoveryWindowDays": 3}})), want: []string{x + "secret.recoveryWindowDays: 3 must be 7 to 30 (0 is allowed where protected is false)"}},
		{category: catOff, name: "flow logs off with a retention CloudWatch refuses", files: one(cfg(obj{"network": obj{"flowLogs": obj{"enabled": false, "retentionDays": 2}}})), want: []string{x + "network.flowLogs.retentionDays: 2 is not a CloudWatch Logs retention"}},
		{category: catOff, name: "valid values under switches that are off", accept: true, files: one(cfg(obj{
			"protected": false, "secret": obj{"recoveryWindowDays": 14},
			"network":      obj{"flowLogs": obj{"enabled": false, "retentionDays": 90}},
			"loadBalancer": obj{"sslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06"},
			"waf":          obj{"enabled": false, "rateLimitPer5Min": 5000},
			"bridge": obj{
				"autoscaling": obj{"enabled": false, "minTasks": 2, "maxTasks": 8},
				"schedule":    obj{"enabled": false, "days": []any{"SAT"}, "startHour": 9, "stopHour": 12, "timeZone": "Europe/Berlin"},
			},
		}))},
	}
}

func acrossCases() []hostile {
	other := cfg(obj{"projectName": "a"})
	return []hostile{
		{category: catAcross, name: "resource names collide", files: map[string]string{"c.json": cfg(obj{"projectName": "a-b"}), "b-c.json": other}, want: []string{
			`environments/c.json: projectName: "a-b" with environment "c" names a resource "a-b-c-alb", as environments/b-c.json does (projectName "a", environment "b-c")`,
		}},
		{category: catAcross, name: "shared state object", files: map[string]string{
			"dev.json":  cfg(obj{"backend": obj{"s3": obj{"bucket": "team-state", "key": "n8n/terraform.tfstate"}}}),
			"prod.json": cfg(obj{"backend": obj{"s3": obj{"bucket": "team-state", "key": "n8n/terraform.tfstate", "region": "eu-west-1"}}}),
		}, want: []string{"environments/prod.json: backend.s3.key: the state object s3://team-state/n8n/terraform.tfstate is also the state of environments/dev.json"}},
		{category: catAcross, name: "shared state object by default key", files: map[string]string{
			"dev.json":  cfg(obj{"backend": obj{"s3": obj{"bucket": "team-state", "key": "n8n-builder/prod/terraform.tfstate"}}}),
			"prod.json": cfg(obj{"backend": obj{"s3": obj{"bucket": "team-state"}}}),
		}, want: []string{"environments/prod.json: backend.s3.key: the state object s3://team-state/n8n-builder/prod/terraform.tfstate is also the state of environments/dev.json"}},
		{category: catAcross, name: "same domain", files: map[string]string{
			"dev.json":  cfg(obj{"domainName": "builder.example.com", "hostedZoneId": "Z123"}),
			"prod.json": cfg(obj{"domainName": "builder.example.com", "hostedZoneId": "Z123"}),
		}, want: []string{`environments/prod.json: domainName: "builder.example.com" is also served by environments/dev.json`}},
		{category: catAcross, name: "domain of another's bridge", files: map[string]string{
			"dev.json":  cfg(obj{"domainName": "api.example.com", "hostedZoneId": "Z123"}),
			"prod.json": cfg(obj{"domainName": "example.com", "hostedZoneId": "Z123", "loadBalancer": obj{"https": true}}),
		}, want: []string{`environments/prod.json: domainName: "api.example.com" is also served by environments/dev.json`}},
		{category: catAcross, name: "state is another's lock file", files: map[string]string{
			"dev.json": cfg(obj{"backend": obj{"s3": obj{"bucket": "team-state", "key": "tf/state"}}}),
			"qa.json":  cfg(obj{"backend": obj{"s3": obj{"bucket": "team-state", "key": "tf/state.tflock"}}}),
		}, want: []string{"environments/qa.json: backend.s3.key: the state object s3://team-state/tf/state.tflock is the lock file of environments/dev.json"}},
		{category: catAcross, name: "lock file is another's state", files: map[string]string{
			"a.json": cfg(obj{"backend": obj{"s3": obj{"bucket": "team-state", "key": "tf/state.tflock"}}}),
			"b.json": cfg(obj{"backend": obj{"s3": obj{"bucket": "team-state", "key": "tf/state"}}}),
		}, want: []string{"environments/b.json: backend.s3.key: the lock file of this state, s3://team-state/tf/state.tflock, is the state object of environments/a.json"}},
		{category: catAcross, name: "lock file name of a state without locking", accept: true, files: map[string]string{
			"dev.json": cfg(obj{"backend": obj{"s3": obj{"bucket": "team-state", "key": "tf/state", "useLockfile": false}}}),
			"qa.json":  cfg(obj{"backend": obj{"s3": obj{"bucket": "team-state", "key": "tf/state.tflock"}}}),
		}},
		{category: catAcross, name: "one bad file stops all", files: map[string]string{"dev.json": valid, "prod.json": cfg(obj{"bridge": obj{"cpu": 3}})}, want: []string{"environments/prod.json: bridge.cpu: 3 is not a Fargate CPU size"}},
		{category: catAcross, name: "every file reported", files: map[string]string{"a.json": "{", "b.json": cfg(obj{"region": "mars-1"}), "c.json": ""}, want: []string{
			"environments/a.json: line 1: malformed JSON", `environments/b.json: region: "mars-1" is not an AWS commercial region`, "environments/c.json: (file): the file is empty",
		}},
		{category: catAcross, name: "same bucket, own keys", accept: true, files: map[string]string{
			"dev.json": cfg(obj{"backend": obj{"s3": obj{"bucket": "team-state"}}}), "prod.json": cfg(obj{"backend": obj{"s3": obj{"bucket": "team-state"}}}),
		}},
		{category: catAcross, name: "same project, prefix of another environment", accept: true, files: map[string]string{"prod.json": valid, "prod-eu.json": valid}},
	}
}

func regionCases() []hostile {
	var cases []hostile
	for _, r := range []string{"ap-east-2", "ap-southeast-6", "ap-southeast-7", "mx-central-1", "ca-west-1", "il-central-1", "eu-south-2", "me-central-1", "af-south-1", "ap-northeast-3", "eu-central-2", "us-west-2"} {
		// The default private ALB admits CloudFront's prefix list, whose id
		// the environment names where the built-in table has none.
		cases = append(cases, hostile{category: catRegions, name: "accepts " + r, accept: true, files: one(cfg(obj{"region": r, "network": obj{"availabilityZones": []any{r + "a", r + "b"}},
			"loadBalancer": obj{"cloudFrontPrefixListId": "pl-0123abcd"}}))})
	}
	cases = append(cases, hostile{category: catRegions, name: "private ALB in a region without a built-in prefix list id", files: one(cfg(obj{"region": "ap-east-2", "network": obj{"availabilityZones": []any{"ap-east-2a", "ap-east-2b"}}})),
		want: []string{`environments/x.json: loadBalancer.cloudFrontPrefixListId: is required with loadBalancer.exposure "cloudfront" in ap-east-2, which has no built-in id`}})
	x := "environments/x.json: "
	refuse := []struct{ region, want string }{
		{"US-EAST-1", `region: "US-EAST-1" must be lowercase: "us-east-1"`},
		{"us-east-1a", `region: "us-east-1a" is an availability zone; the region is "us-east-1"`},
		{"us-gov-west-1", `region: "us-gov-west-1" is in another AWS partition`},
		{"cn-north-1", `region: "cn-north-1" is in another AWS partition`},
		{"useast1", `region: "useast1" is not an AWS commercial region`},
		{"us-east", `region: "us-east" is not an AWS commercial region`},
		{"", `region: "" is not an AWS commercial region`},
		{"us-east-1 ", `region: "us-east-1 " is not an AWS commercial region`},
	}
	for _, r := range refuse {
		cases = append(cases, hostile{category: catRegions, name: "refuses " + strings.TrimSpace(r.region) + "|" + fmt.Sprint(len(r.region)), files: one(cfg(obj{"region": r.region})), want: []string{x + r.want}})
	}
	cases = append(cases,
		hostile{category: catRegions, name: "az of another region", files: one(cfg(obj{"region": "eu-west-1", "network": obj{"availabilityZones": []any{"eu-west-1a", "eu-west-2b"}}})), want: []string{x + `network.availabilityZones[1]: "eu-west-2b" is not an AZ of region eu-west-1`}},
		hostile{category: catRegions, name: "az id instead of a name", files: one(cfg(obj{"network": obj{"availabilityZones": []any{"use1-az1", "use1-az2"}}})), want: []string{x + `network.availabilityZones[0]: "use1-az1" is not an AZ of region us-east-1`}},
		hostile{category: catRegions, name: "local zone", files: one(cfg(obj{"network": obj{"availabilityZones": []any{"us-east-1a", "us-east-1-bos-1a"}}})), want: []string{x + `network.availabilityZones[1]: "us-east-1-bos-1a" is not an AZ of region us-east-1`}},
		hostile{category: catRegions, name: "state bucket region malformed", files: one(cfg(obj{"backend": obj{"s3": obj{"bucket": "my-state", "region": "EU"}}})), want: []string{x + `backend.s3.region: "EU" is not an AWS commercial region`}},
	)
	return cases
}

// cidrs returns n distinct /32 CIDRs.
func cidrs(n int) []any {
	var out []any
	for i := range n {
		out = append(out, fmt.Sprintf("198.51.100.%d/32", i+1))
	}
	return out
}

// ports returns n distinct ports.
func ports(n int) []any {
	var out []any
	for i := range n {
		out = append(out, 1000+i)
	}
	return out
}

// bigEnvironment is 80 variables of 1 KB: more than a task definition holds.
func bigEnvironment() map[string]any {
	env := map[string]any{}
	for i := range 80 {
		env[fmt.Sprintf("VAR_%02d", i)] = strings.Repeat("v", 1000)
	}
	return env
}
