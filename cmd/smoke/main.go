// Command smoke checks a deployed stack from the outside, the way the chat UI
// uses it: the bridge's /health and WebSocket on the ALB, the WebSocket and
// the single-page UI through CloudFront, and, where https is served, that
// plain http redirects to it. With loadBalancer.exposure "cloudfront" the ALB
// is internal, so it says so and checks /health and the WebSocket through
// CloudFront only. Run it after `terraform apply` and after each deploy:
//
//	go run ./cmd/smoke -dir cdktf.out/stacks/dev
//
// It prints one PASS, FAIL or SKIP line per check and exits 0 when all pass,
// 1 when a check fails and 2 on a usage error or unreadable outputs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/n8n-builder/infra/stacks/outputs"
)

const usageLine = "usage: smoke [-dir <stack dir> | -outputs <file>] [-load-balancer-exposure public|cloudfront] [-alb-url URL ...] [-timeout 10m] [-interval 10s] [-request-timeout 10s] [-hold 3s] [-attempts 3]"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the exit, so tests can check the exit codes.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("smoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine)
		fs.PrintDefaults()
	}
	dir := fs.String("dir", "", "read the stack outputs by running terraform output -json in `dir` (e.g. cdktf.out/stacks/dev)")
	outputsFile := fs.String("outputs", "", "read the stack outputs from `file`, a saved terraform output -json")
	var overrides Targets
	fs.StringVar(&overrides.Exposure, strings.ReplaceAll(exposureOutput, "_", "-"), "", "`exposure` to use instead of the output "+exposureOutput+": "+ExposurePublic+" or "+ExposureCloudFront)
	for _, f := range fields {
		fs.StringVar(f.get(&overrides), f.flag(), "", "`URL` to use instead of the output "+f.output)
	}
	var opts Options
	fs.DurationVar(&opts.Timeout, "timeout", 10*time.Minute, "give up after this long, most of it waiting for /health")
	fs.DurationVar(&opts.Interval, "interval", 10*time.Second, "pause between /health polls")
	fs.DurationVar(&opts.RequestTimeout, "request-timeout", 10*time.Second, "fail a request, WebSocket handshake or ping that takes longer")
	fs.DurationVar(&opts.Hold, "hold", 3*time.Second, "keep each WebSocket open this long before pinging it")
	fs.IntVar(&opts.Attempts, "attempts", 3, "tries per check after /health passed, 2s apart")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := checkArgs(fs, *dir, *outputsFile, opts); err != nil {
		fmt.Fprintf(stderr, "smoke: %v\n%s\n", err, usageLine)
		return 2
	}
	outs, err := readOutputs(ctx, *dir, *outputsFile)
	if err != nil {
		fmt.Fprintf(stderr, "smoke: %v\n", err)
		return 2
	}
	targets, err := targetsFrom(outs, overrides)
	if err != nil {
		fmt.Fprintf(stderr, "smoke: %v\n", err)
		return 2
	}
	if !Run(ctx, targets, opts, stdout) {
		// A scheduled environment outside its hours has no tasks: say so
		// rather than leave a timeout unexplained.
		if hours, ok := outs[outputs.OfficeHours].(string); ok {
			fmt.Fprintf(stdout, "note: the bridge runs only in office hours (%s) and has no tasks outside them; the README's \"Office hours\" shows how to wake it up\n", hours)
		}
		return 1
	}
	return 0
}

// checkArgs rejects flag values that parse but make no sense. A zero would
// silently mean the default in Options, so it is refused here.
func checkArgs(fs *flag.FlagSet, dir, outputsFile string, opts Options) error {
	var errs []error
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	if dir != "" && outputsFile != "" {
		errs = append(errs, errors.New("-dir and -outputs both name the outputs; pass one"))
	}
	for _, d := range []struct {
		flag  string
		value time.Duration
	}{
		{"timeout", opts.Timeout}, {"interval", opts.Interval}, {"request-timeout", opts.RequestTimeout}, {"hold", opts.Hold},
	} {
		if d.value <= 0 {
			errs = append(errs, fmt.Errorf("-%s %s: must be positive", d.flag, d.value))
		}
	}
	if opts.Attempts < 1 {
		errs = append(errs, fmt.Errorf("-attempts %d: must be at least 1", opts.Attempts))
	}
	return errors.Join(errs...)
}
