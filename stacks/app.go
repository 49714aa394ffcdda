package stacks

import (
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
