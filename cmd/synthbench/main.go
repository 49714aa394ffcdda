// Command synthbench times a full synth of the real app (all environments)
// next to bareapp, the smallest cdktf app that loads the AWS provider, in the
// same run: warm (jsii package cache filled) and cold (empty cache). It prints
// the median wall times, their ratio real/bare and the peak memory of each
// process tree, the node child included, against the targets of the issue:
// ratio ≤ 1.3 and peak ≤ 1200 MB (1 MB = 10^6 bytes).
//
// Usage, from the module root (Linux only: memory is read from /proc):
//
//	go run ./cmd/synthbench [-app .] [-runs 5] [-cold-runs 2] [-interval 25ms] [-check]
//
// Both apps are compiled first, so compile time is not measured. Each synth
// writes to a fresh temp dir through CDKTF_OUTDIR (the app must leave
// cdktf.AppConfig.Outdir unset). The real app runs in its package dir, where it
// finds environments/; bareapp runs in a fresh temp dir.
//
// The jsii package cache is never the user's (~/.cache/aws/jsii): the jsii
// kernel takes its root from JSII_RUNTIME_PACKAGE_CACHE_ROOT, so warm runs
// share one cache filled by an untimed warm-up run of each app, and every cold
// run gets a new empty one. Everything is deleted on exit.
package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// Targets from the issue.
const (
	maxRatio     = 1.3
	maxPeakBytes = 1200e6
)

// bareImportPath is the baseline app; it is built from the current module.
const bareImportPath = "github.com/n8n-builder/infra/cmd/synthbench/bareapp"

// options are the command-line flags.
type options struct {
	// app is the package dir of the real app. Default: "." (the module root).
	app string
	// runs is the number of timed warm synths per app. Default: 5.
	runs int
	// coldRuns is the number of timed cold synths per app; 0 skips them. Default: 2.
	coldRuns int
	// interval between memory samples. Default: 25ms.
	interval time.Duration
	// check makes missed targets exit with status 1. Default: report only.
	check bool
}

// validate returns every flag problem at once.
func (o options) validate() error {
	var errs []error
	if o.runs < 1 {
		errs = append(errs, fmt.Errorf("-runs %d: need at least 1 warm run", o.runs))
	}
	if o.coldRuns < 0 {
		errs = append(errs, fmt.Errorf("-cold-runs %d: must be 0 (skip) or more", o.coldRuns))
	}
	if o.interval <= 0 || o.interval > time.Second {
		errs = append(errs, fmt.Errorf("-interval %v: must be above 0 and at most 1s (e.g. 25ms)", o.interval))
	}
	if st, err := os.Stat(o.app); err != nil || !st.IsDir() {
		errs = append(errs, fmt.Errorf("-app %q: must be the real app's package dir (e.g. . or ./cmd/synthbench/bareapp)", o.app))
	}
	return errors.Join(errs...)
}

// app is one program under test.
type app struct {
	name string
	bin  string
	// baseline marks bareapp.
	baseline bool
	// dir is the working dir of each synth; "" means a fresh temp dir.
	dir string
}

// scenario holds the timed samples of both apps under one cache state.
type scenario struct {
	name       string
	bare, real []sample
}

func main() {
	var o options
	flag.StringVar(&o.app, "app", ".", "package dir of the real app; it runs with this as working dir")
	flag.IntVar(&o.runs, "runs", 5, "timed warm synths per app")
	flag.IntVar(&o.coldRuns, "cold-runs", 2, "timed synths per app with an empty jsii cache (0 skips)")
	flag.DurationVar(&o.interval, "interval", 25*time.Millisecond, "interval between memory samples")
	flag.BoolVar(&o.check, "check", false, "exit 1 if a target is missed")
	flag.Parse()
	if err := o.validate(); err != nil {
		fmt.Fprintf(os.Stderr, "synthbench: %v\n", err)
		os.Exit(2)
	}

	// On Ctrl-C, kill the synth's process group and still remove the temp dirs
	// (a warm cache alone is ~400 MB). SIGPIPE too: piped into head, the tool
	// would otherwise die on its next progress line and leave them behind.
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	met, err := run(ctx, o, os.Stdout, os.Stderr)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "synthbench: %v\n", err)
		os.Exit(1)
	}
	if o.check && !met {
		os.Exit(1)
	}
}

// run builds both apps, times them and prints the table to out and progress
// to log. It reports whether all targets were met.
func run(ctx context.Context, o options, out, log io.Writer) (bool, error) {
	root, err := os.MkdirTemp("", "synthbench-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(root)

	appDir, err := filepath.Abs(o.app)
	if err != nil {
		return false, err
	}
	bare := app{name: "bare", bin: filepath.Join(root, "bin", "bare"), baseline: true}
	realApp := app{name: "real", bin: filepath.Join(root, "bin", "real"), dir: appDir}
	fmt.Fprintf(log, "building %s and %s\n", bareImportPath, o.app)
	if err := goBuild(ctx, bare.bin, "", bareImportPath); err != nil {
		return false, err
	}
	if err := goBuild(ctx, realApp.bin, appDir, "."); err != nil {
		return false, err
	}

	warmCache := filepath.Join(root, "warm-cache")
	fmt.Fprintln(log, "warm-up (untimed, fills the warm jsii cache)")
	var stacks [2][]string
	for i, a := range []app{bare, realApp} {
		s, names, err := synth(ctx, root, a, warmCache, o.interval)
		if err != nil {
			return false, err
		}
		stacks[i] = names
		fmt.Fprintf(log, "  %s  %v  %d MB  stacks: %s\n", a.name, s.wall.Round(10*time.Millisecond), mb(s.peak), strings.Join(names, ", "))
	}

	warm := scenario{name: "warm"}
	for i := range o.runs {
		// Interleaved, so drift of the machine hits both apps alike.
		for _, a := range []app{bare, realApp} {
			s, _, err := synth(ctx, root, a, warmCache, o.interval)
			if err != nil {
				return false, err
			}
			warm.add(a, s)
			fmt.Fprintf(log, "warm %d/%d  %s  %v  %d MB\n", i+1, o.runs, a.name, s.wall.Round(10*time.Millisecond), mb(s.peak))
		}
	}
	scenarios := []scenario{warm}

	if o.coldRuns > 0 {
		cold := scenario{name: "cold"}
		for i := range o.coldRuns {
			for _, a := range []app{bare, realApp} {
				cache, err := os.MkdirTemp(root, "cold-cache-")
				if err != nil {
					return false, err
				}
				s, _, err := synth(ctx, root, a, cache, o.interval)
				os.RemoveAll(cache)
				if err != nil {
					return false, err
				}
				cold.add(a, s)
				fmt.Fprintf(log, "cold %d/%d  %s  %v  %d MB\n", i+1, o.coldRuns, a.name, s.wall.Round(10*time.Millisecond), mb(s.peak))
			}
		}
		scenarios = append(scenarios, cold)
	}

	fmt.Fprintf(out, "\nbare: %s (stacks: %s)\nreal: %s (stacks: %s)\n\n",
		bareImportPath, strings.Join(stacks[0], ", "), o.app, strings.Join(stacks[1], ", "))
	return report(out, scenarios), nil
}

// add records smp for a.
func (s *scenario) add(a app, smp sample) {
	if a.baseline {
		s.bare = append(s.bare, smp)
	} else {
		s.real = append(s.real, smp)
	}
}

// report prints the table and the verdict per target, and reports whether
// every target was met.
func report(out io.Writer, scenarios []scenario) bool {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\truns\tbare median\treal median\tratio\tbare peak MB\treal peak MB")
	ratioOK, peakOK := true, true
	var ratios, peaks []string
	for _, s := range scenarios {
		b, r := median(s.bare), median(s.real)
		q := ratio(r, b)
		bp, rp := maxPeak(s.bare), maxPeak(s.real)
		fmt.Fprintf(tw, "%s\t%d\t%.2fs\t%.2fs\t%.2f\t%d\t%d\n", s.name, len(s.real), b.Seconds(), r.Seconds(), q, mb(bp), mb(rp))
		ratioOK = ratioOK && q <= maxRatio
		peakOK = peakOK && rp <= maxPeakBytes
		ratios = append(ratios, fmt.Sprintf("%s %.2f", s.name, q))
		peaks = append(peaks, fmt.Sprintf("%s %d MB", s.name, mb(rp)))
	}
	tw.Flush()
	fmt.Fprintf(out, "\ntarget ratio ≤ %.1f: %s (%s)\n", maxRatio, verdict(ratioOK), strings.Join(ratios, ", "))
	fmt.Fprintf(out, "target real peak ≤ %d MB: %s (%s)\n", mb(maxPeakBytes), verdict(peakOK), strings.Join(peaks, ", "))
	fmt.Fprintln(out, "(medians of wall time; peak = highest summed RSS of the process tree over the runs, 1 MB = 10^6 bytes)")
	return ratioOK && peakOK
}

// verdict words a target check for the report.
func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// mb converts bytes to rounded MB (10^6 bytes, as in the 1.2 GB target).
func mb(n int64) int64 { return (n + 5e5) / 1e6 }

// goBuild compiles pkg into bin, running the go command in dir ("" = here).
func goBuild(ctx context.Context, bin, dir, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s (in %s): %w\n%s", pkg, cmp.Or(dir, "."), err, out)
	}
	return nil
}

// synth runs a once, with its output in a fresh dir under root and its jsii
// package cache at cacheRoot, and returns the timing and the stack names from
// the manifest.
func synth(ctx context.Context, root string, a app, cacheRoot string, interval time.Duration) (sample, []string, error) {
	runDir, err := os.MkdirTemp(root, a.name+"-run-")
	if err != nil {
		return sample{}, nil, err
	}
	defer os.RemoveAll(runDir)
	outDir := filepath.Join(runDir, "cdktf.out")
	tmpDir := filepath.Join(runDir, "tmp")
	if err := os.Mkdir(tmpDir, 0o700); err != nil {
		return sample{}, nil, err
	}

	cmd := exec.CommandContext(ctx, a.bin)
	cmd.Dir = cmp.Or(a.dir, runDir)
	// Later entries win: these override whatever the caller has set.
	cmd.Env = append(os.Environ(),
		"CDKTF_OUTDIR="+outDir,
		"JSII_RUNTIME_PACKAGE_CACHE_ROOT="+cacheRoot,
		"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20",
		// The Go jsii runtime unpacks its kernel under TMPDIR; keep it in runDir
		// so a crashed run leaves nothing behind.
		"TMPDIR="+tmpDir,
	)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	// Own process group, so cancelling kills node too, not just the Go app.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

	// Flush what earlier runs wrote (a cold run unpacks ~400 MB into its cache),
	// so the writeback does not land in this run's time.
	syscall.Sync()

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, nil, err
	}
	stop := watchPeak("/proc", cmd.Process.Pid, interval)
	err = cmd.Wait()
	wall := time.Since(start)
	peak := stop()
	if err != nil {
		return sample{}, nil, fmt.Errorf("%s synth: %w\n%s", a.name, err, tail(output.Bytes(), 4000))
	}

	stacks, err := manifestStacks(filepath.Join(outDir, "manifest.json"))
	if err != nil {
		return sample{}, nil, fmt.Errorf("%s synth: %w (the benchmark redirects output with CDKTF_OUTDIR, which cdktf ignores when the app sets AppConfig.Outdir)", a.name, err)
	}
	return sample{wall: wall, peak: peak}, stacks, nil
}

// manifestStacks returns the sorted stack names of a cdktf manifest.json.
func manifestStacks(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m struct {
		Stacks map[string]json.RawMessage `json:"stacks"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(m.Stacks) == 0 {
		return nil, fmt.Errorf("%s: no stacks", path)
	}
	names := make([]string, 0, len(m.Stacks))
	for name := range m.Stacks {
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

// tail returns the last n bytes of b: the end of a failed synth's output
// holds the error.
func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
