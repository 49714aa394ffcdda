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
	code := program()
	// Every program that links jsii unpacks its runtime into a temp folder
	// as it starts (package init), and only Close removes it: so on every
	// way out, the refusals included.
	jsii.Close()
	os.Exit(code)
}

// program is the whole command; it returns the exit status.
func program() int {
	// Flag errors are bad input like any other: one line, exit 1.
	flags := flag.NewFlagSet("infra", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	dir := flags.String("environments", "environments", "directory of the environment files (<env>.json)")
	switch err := flags.Parse(os.Args[1:]); {
	case errors.Is(err, flag.ErrHelp):
		fmt.Println(usage)
		return 0
	case err != nil:
		return refuse(fmt.Sprintf("%v; %s", err, usage))
	case flags.NArg() > 0:
		return refuse(fmt.Sprintf("unexpected argument %q; name the folder of environment files with -environments <folder>", flags.Arg(0)))
	case *dir == "":
		return refuse("-environments: the folder name is empty; " + usage)
	}

	// Validate every file before the jsii runtime starts: on any problem,
	// nothing is synthesized and cdktf.out is left as it was.
	envs, err := environments.LoadDir(*dir)
	if err != nil {
		return refuse(err.Error())
	}
	if err := stacks.CheckOutput(""); err != nil {
		return refuse(err.Error())
	}
	nodeversion.Quiet() // may restart the program with jsii's banner silenced
	return synth(envs)
}

// synth builds and writes the stacks, then tidies and reports cdktf.out.
func synth(envs []*environments.Environment) int {
	for _, env := range envs {
		if w := env.LocalStateWarning(); w != "" {
			fmt.Fprintln(os.Stderr, "warning: "+w)
		}
	}

	app := stacks.NewApp("")
	for _, env := range envs {
		if err := build(app, env); err != nil {
			return refuse(err.Error())
		}
	}
	if err := stacks.Synth(app); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

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

// refuse prints the problems and returns the exit status 1.
func refuse(problems string) int {
	fmt.Fprintln(os.Stderr, problems)
	fmt.Fprintln(os.Stderr, "nothing was synthesized")
	return 1
}
