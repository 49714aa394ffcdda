package stacks

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// NewApp returns the cdktf app the commands synthesize into; outdir "" keeps
// cdktf's choice (CDKTF_OUTDIR, else cdktf.out).
//
// It skips cdktf's synth-time validations. For these stacks there are two:
// that each stack declares its provider (New always does, and the module
// tests' Testing_Synth still runs it), and, because of the moved blocks,
// that `terraform version` on the synthesizing machine prints at least 1.5.
// The second made synthesis panic on a machine without terraform on the
// PATH, OpenTofu's included, though nothing synthesized needs it there:
// Terraform and OpenTofu check the configuration at init and plan.
func NewApp(outdir string) cdktf.App {
	config := &cdktf.AppConfig{SkipValidation: jsii.Bool(true)}
	if outdir != "" {
		config.Outdir = jsii.String(outdir)
	}
	return cdktf.NewApp(config)
}

// Synth writes the app's stacks. A failure inside cdktf (a stack's folder
// that is a file, a disk that fills up) comes back as a one-line error
// instead of a panic with Go and JavaScript stack traces.
func Synth(app cdktf.App) (err error) {
	defer func() {
		if r := recover(); r != nil {
			msg, _, _ := strings.Cut(strings.TrimSpace(fmt.Sprint(r)), "\n")
			err = fmt.Errorf("%s: synthesis failed: %s", *app.Outdir(), msg)
		}
	}()
	app.Synth()
	return nil
}

// CheckOutput reports what NewApp(outdir) and its synth would otherwise fail
// on with a JavaScript stack trace, so a command can refuse it before the
// jsii runtime starts: a CDKTF_CONTEXT_JSON (the cdktf CLI's) that is not a
// JSON object, or a folder the stacks cannot go in (outdir, or cdktf's
// choice). It creates that folder.
func CheckOutput(outdir string) error {
	if v := os.Getenv("CDKTF_CONTEXT_JSON"); v != "" {
		var context map[string]any
		if err := json.Unmarshal([]byte(v), &context); err != nil {
			return fmt.Errorf("CDKTF_CONTEXT_JSON (the cdktf CLI sets it) is not a JSON object: %v", err)
		}
	}
	outdir = cmp.Or(outdir, os.Getenv("CDKTF_OUTDIR"), "cdktf.out")
	if err := os.MkdirAll(filepath.Join(outdir, "stacks"), 0o755); err != nil {
		return fmt.Errorf("%s: the stacks cannot be written there: %v", outdir, err)
	}
	return nil
}
