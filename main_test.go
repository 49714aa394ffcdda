package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/internal/nodeversion"
)

// binary is the app for the end-to-end tests: this test binary itself,
// which is main() when asApp is set (see TestMain). Running it saves a go
// build of the app per test run.
var binary string

// asApp names the variable that makes the test binary run as the app; the
// tests set it for every command they start.
const asApp = "INFRA_TEST_RUN_AS_APP"

func TestMain(m *testing.M) {
	if os.Getenv(asApp) != "" {
		main()
		return
	}
	var err error
	if binary, err = os.Executable(); err != nil {
		panic(err)
	}
	os.Setenv(asApp, "1")
	code := m.Run()
	jsii.Close() // removes the runtime this binary unpacked as it started
	os.Exit(code)
}

// run executes the app in workDir, with this process's environment plus
// env, and returns its exit code and stderr.
func run(t *testing.T, workDir string, env ...string) (int, string) {
	t.Helper()
	code, _, stderr := runApp(t, workDir, append(os.Environ(), env...))
	return code, stderr
}

// appLimit is how long a run of the app may take: a hang (a FIFO read, say)
// is a failure, not a stuck test run.
const appLimit = 2 * time.Minute

// runApp executes the app in workDir with args and the environment environ
// and returns its exit code, stdout and stderr. The app gets a temp folder
// of its own, which must be empty when it exits, whatever the exit: jsii
// unpacks its runtime into a temp folder as any program linking it starts
// (package init), and only jsii.Close removes it.
func runApp(t *testing.T, workDir string, environ []string, args ...string) (int, string, string) {
	t.Helper()
	tmp := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), appLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = workDir
	cmd.Env = append(environ, "TMPDIR="+tmp)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("still running after %s (blocked?); stderr so far:\n%s", appLimit, stderr.String())
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("the app left %s in its temp folder", left[0].Name())
	}
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode(), stdout.String(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// TestBadInput refuses each broken environment file in testdata/bad (alone
// in an environments/ folder) with the message in the matching .want file,
// naming file and field, without a panic; every fifth through the app,
// beside an existing cdktf.out: exit 1 and cdktf.out untouched (see refusal).
func TestBadInput(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.json"))
	if len(files) < 25 {
		t.Fatalf("%d bad-input files, want at least 25", len(files))
	}
	for i, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		throughApp := i%5 == 0 // see refusal
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(file, ".json") + ".want")
			if err != nil {
				t.Fatal(err)
			}
			work := t.TempDir()
			mustWrite(t, filepath.Join(work, "environments", name+".json"), data)
			problems := refusal(t, work, throughApp, func() (int, string) { return run(t, work) })
			if w := strings.TrimSpace(string(want)); !strings.Contains(problems, "environments/"+name+".json: ") || !strings.Contains(problems, w) {
				t.Errorf("problems do not name the file and %q:\n%s", w, problems)
			}
			if strings.Contains(problems, "panic") || strings.Contains(problems, "goroutine") {
				t.Errorf("panicked:\n%s", problems)
			}
		})
	}
}

// The refusal suites (TestBadInput, TestHostileEnvironments) run some cases
// through the app (a sample of each kind, and every case that needs the
// process) and the rest through environments.LoadDir, in the test binary.
// Every refusal is an error of LoadDir that main prints before "nothing was
// synthesized" and exit 1, which the cases through the app check. Each start
// of the app costs about 0.1 s of CPU (Go initializing the jsii bindings):
// starting it two hundred times was a third of the quick loop's CPU, and
// 20 s of the full suite's.

// refusal returns the problems found in the environments folder in work.
// throughApp: run the app there (runApp), beside an existing cdktf.out, and
// fail unless it exits 1, ends with "nothing was synthesized" and leaves
// cdktf.out as it was. Otherwise load the folder in the test binary as the
// app run from work would (paths relative to work), failing if it loads.
func refusal(t *testing.T, work string, throughApp bool, runApp func() (code int, stderr string)) string {
	t.Helper()
	if !throughApp {
		_, err := environments.LoadDir(filepath.Join(work, "environments"))
		if err == nil {
			t.Fatal("the folder was accepted; want a refusal")
		}
		return strings.ReplaceAll(err.Error(), work+string(filepath.Separator), "")
	}
	mustWrite(t, filepath.Join(work, "cdktf.out", "stacks", "old", "cdk.tf.json"), []byte("previous output"))
	before := listTree(t, filepath.Join(work, "cdktf.out"))
	code, stderr := runApp()
	if code != 1 {
		t.Errorf("exit code %d, want 1; stderr:\n%s", code, stderr)
	}
	problems, ok := strings.CutSuffix(stderr, "\nnothing was synthesized\n")
	if !ok {
		t.Errorf("stderr does not end with one line \"nothing was synthesized\":\n%s", stderr)
	}
	if after := listTree(t, filepath.Join(work, "cdktf.out")); after != before {
		t.Errorf("cdktf.out changed:\nbefore %s\nafter  %s", before, after)
	}
	return problems
}

func TestUnknownEnvironmentsDir(t *testing.T) {
	code, stderr := run(t, t.TempDir())
	if code != 1 || !strings.Contains(stderr, "environments") {
		t.Errorf("exit %d, stderr %q; want 1 and a message naming environments", code, stderr)
	}
}

// TestUnusableOutput: a place the stacks cannot be written to, or a
// malformed CDKTF_CONTEXT_JSON, is refused in one line before the jsii
// runtime starts, not with Go and JavaScript stack traces.
func TestUnusableOutput(t *testing.T) {
	for _, tt := range []struct {
		name string
		file string   // made a regular file, in the work folder
		env  []string // for the app
		want string   // its first line starts so
	}{
		{"cdktf.out is a file", "cdktf.out", nil, "cdktf.out: the stacks cannot be written there: "},
		{"CDKTF_OUTDIR under a file", "out", []string{"CDKTF_OUTDIR=out/stacks"}, "out/stacks: the stacks cannot be written there: "},
		{"CDKTF_CONTEXT_JSON not JSON", "", []string{"CDKTF_CONTEXT_JSON={bad"}, "CDKTF_CONTEXT_JSON (the cdktf CLI sets it) is not a JSON object: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			data, err := os.ReadFile(filepath.Join("environments", "dev.json"))
			if err != nil {
				t.Fatal(err)
			}
			mustWrite(t, filepath.Join(work, "environments", "dev.json"), data)
			if tt.file != "" {
				mustWrite(t, filepath.Join(work, tt.file), nil)
			}
			code, stderr := run(t, work, append([]string{"CDKTF_OUTDIR="}, tt.env...)...)
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if code != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], tt.want) || lines[1] != "nothing was synthesized" {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1, a line starting %q and \"nothing was synthesized\"", code, stderr, tt.want)
			}
		})
	}
}

// TestSynthesizesEveryEnvironment runs the app as a user runs it in a
// checkout (default folders) on copies of the repository's environment
// files plus qa.json, protected but with local state, into a cdktf.out that
// holds the stack of an environment that no longer exists and an HCL stack
// from an earlier `cdktf synth --hcl`. It must write one stack per file,
// remove what no longer belongs, and say so in one line per stack plus the
// next command; warn once, naming qa.json (the repository's own files warn
// of nothing: dev is unprotected, prod keeps its state in S3); and on a
// Node.js older than 22 print one short note instead of jsii's banner. One
// run for all of it: each start of the jsii runtime costs seconds of CPU.
func TestSynthesizesEveryEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the stacks package synthesizes every environment, and environments' TestLocalStateWarning checks the warning")
	}
	work := t.TempDir()
	envs := []string{"dev", "prod", "qa"}
	for _, env := range envs[:2] {
		data, err := os.ReadFile(filepath.Join("environments", env+".json"))
		if err != nil {
			t.Fatal(err)
		}
		mustWrite(t, filepath.Join(work, "environments", env+".json"), data)
	}
	if files, _ := filepath.Glob(filepath.Join("environments", "*.json")); len(files) != 2 {
		t.Fatalf("environments/ holds %v; this test copies dev.json and prod.json", files)
	}
	mustWrite(t, filepath.Join(work, "environments", "qa.json"), []byte(`{"protected": true, "network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0"}}`))
	out := filepath.Join(work, "cdktf.out")
	mustWrite(t, filepath.Join(out, "stacks", "gone", "cdk.tf.json"), []byte("{}"))
	mustWrite(t, filepath.Join(out, "stacks", "dev", "cdk.tf"), []byte("# from cdktf synth --hcl"))
	// As a new user runs it: without the banner switch, and with Node.js the
	// only tool on the PATH (no terraform: synthesizing needs none).
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(node, filepath.Join(bin, "node")); err != nil {
		t.Fatal(err)
	}
	environ := []string{"PATH=" + bin}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, nodeversion.SilenceVar+"=") && !strings.HasPrefix(kv, "CDKTF_OUTDIR=") && !strings.HasPrefix(kv, "PATH=") {
			environ = append(environ, kv)
		}
	}
	code, stdout, stderr := runApp(t, work, environ)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}

	var want strings.Builder
	for _, env := range envs {
		path := filepath.Join("cdktf.out", "stacks", env, "cdk.tf.json")
		data, err := os.ReadFile(filepath.Join(work, path))
		if err != nil {
			t.Fatalf("stack %s not written: %v", env, err)
		}
		var stack struct {
			Resource map[string]map[string]any `json:"resource"`
		}
		if err := json.Unmarshal(data, &stack); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, byName := range stack.Resource {
			n += len(byName)
		}
		fmt.Fprintf(&want, "%-4s  %3d resources  %s\n", env, n, path)
	}
	want.WriteString("next: npx cdktf diff dev\n")
	if stdout != want.String() {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want.String())
	}
	for _, stale := range []string{filepath.Join("stacks", "gone"), filepath.Join("stacks", "dev", "cdk.tf")} {
		if _, err := os.Stat(filepath.Join(out, stale)); !os.IsNotExist(err) {
			t.Errorf("%s is still there (err %v)", stale, err)
		}
	}

	version, err := exec.Command(node, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	major, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(strings.TrimSpace(string(version)), "v"), ".", 2)[0])
	wantErr := ""
	if major < nodeversion.Supported {
		wantErr = "note: Node.js " + strings.TrimSpace(string(version)) + " is past its end of support in jsii; this still works, but use Node.js 22 or 24\n"
	}
	wantErr += "warning: environments/qa.json: protected, but its state is the local file terraform.qa.tfstate; set backend.s3 (README \"Remote state\")\n"
	if stderr != wantErr {
		t.Errorf("stderr (Node.js %s):\n%s\nwant:\n%s", strings.TrimSpace(string(version)), stderr, wantErr)
	}
}

func mustWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// listTree describes every file under dir with its size and modification time.
func listTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil {
			b.WriteString(path + " " + info.ModTime().String() + " " + strconv.FormatInt(info.Size(), 10) + ";")
		}
		return err
	})
	return b.String()
}
