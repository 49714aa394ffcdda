// Command infra synthesizes one Terraform stack per environment file in
// environments/ into cdktf.out/stacks/<env>/cdk.tf.json, removes the stacks
// of environments that no longer exist, and prints one line per stack.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/internal/nodeversion"
	"github.com/n8n-builder/infra/internal/synthout"
	"github.com/n8n-builder/infra/stacks"
)

const usage = "usage: go run . [-environments <folder of <env>.json files>]"

func main() {
	// Flag errors are bad input like any other: one line, exit 1.
	flags := flag.NewFlagSet("infra", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	dir := flags.String("environments", "environments", "directory of the environment files (<env>.json)")
	switch err := flags.Parse(os.Args[1:]); {
	case errors.Is(err, flag.ErrHelp):
		fmt.Println(usage)
		return
	case err != nil:
		refuse(fmt.Sprintf("%v; %s", err, usage))
	case flags.NArg() > 0:
		refuse(fmt.Sprintf("unexpected argument %q; name the folder of environment files with -environments <folder>", flags.Arg(0)))
	case *dir == "":
		refuse("-environments: the folder name is empty; " + usage)
	}

	// Validate every file before the jsii runtime starts: on any problem,
	// nothing is synthesized and cdktf.out is left as it was.
	envs, err := environments.LoadDir(*dir)
	if err != nil {
		refuse(err.Error())
	}
	nodeversion.Quiet() // may restart the program with jsii's banner silenced
	os.Exit(synth(envs))
}

// synth builds and writes the stacks, then tidies and reports cdktf.out.
func synth(envs []*environments.Environment) int {
	for _, env := range envs {
		if w := env.LocalStateWarning(); w != "" {
			fmt.Fprintln(os.Stderr, "warning: "+w)
		}
	}

	defer jsii.Close()
	app := cdktf.NewApp(nil)
	for _, env := range envs {
		if err := build(app, env); err != nil {
			jsii.Close()
			refuse(err.Error())
		}
	}
	app.Synth()

	outdir := *app.Outdir()
	warnings, err := synthout.Prune(outdir)
	for _, w := range warnings {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cleaning up", outdir+":", err)
		return 1
	}
	written, err := synthout.Read(outdir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// Under `npx cdktf synth|diff|deploy` the cdktf CLI reports the stacks.
	if os.Getenv("CDKTF_CONTEXT_JSON") == "" {
		synthout.Report(os.Stdout, written)
	}
	return 0
}

// build defines the stack of env; see stacks.Build.
func build(app cdktf.App, env *environments.Environment) error {
	stack, err := stacks.Build(app, env)
	// `cdktf synth --hcl` asks for HCL through this variable (cdktf reads it too).
	if v := os.Getenv("SYNTH_HCL_OUTPUT"); err == nil && (v == "true" || v == "1") {
		stacks.PrepareHCL(stack)
	}
	return err
}

// refuse prints the problems and exits with status 1.
func refuse(problems string) {
	fmt.Fprintln(os.Stderr, problems)
	fmt.Fprintln(os.Stderr, "nothing was synthesized")
	os.Exit(1)
}
