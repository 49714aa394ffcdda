// Command bootstrap synthesizes the stack that creates the S3 buckets the
// environments keep their Terraform state in (backend.s3 in
// environments/<env>.json), into cdktf.out/bootstrap/stacks/bootstrap. It is
// the first step of a first deploy; see the README's "Remote state".
//
//	go run ./cmd/bootstrap
//	terraform -chdir=cdktf.out/bootstrap/stacks/bootstrap init
//	terraform -chdir=cdktf.out/bootstrap/stacks/bootstrap apply
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path"

	"github.com/aws/jsii-runtime-go"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/internal/nodeversion"
	"github.com/n8n-builder/infra/stacks"
)

// outdir is where the app writes, beside the main app's stacks in
// cdktf.out/stacks; Terraform then runs four levels below the project root
// (cdktf.out/bootstrap/stacks/bootstrap), where the stack's local state path
// starts.
const (
	outdir      = "cdktf.out/bootstrap"
	outdirDepth = 4
)

func main() {
	code := program()
	// jsii unpacks its runtime into a temp folder as the program starts
	// (package init); only Close removes it, so on every way out.
	jsii.Close()
	os.Exit(code)
}

// program is the whole command; it returns the exit status.
func program() int {
	flags := flag.NewFlagSet("bootstrap", flag.ContinueOnError)
	dir := flags.String("environments", "environments", "directory of the environment files (<env>.json)")
	if err := flags.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2 // the flag package printed the problem and the usage
	}

	// Every check runs before the jsii runtime starts: on a problem
	// nothing is written.
	envs, err := environments.LoadDir(*dir) // as the app reads it
	if err != nil {
		return fail(err)
	}
	buckets, err := stacks.StateBuckets(envs)
	if err != nil {
		return fail(err)
	}
	// This also creates outdir: cdktf creates only its last folder, and a
	// fresh checkout has no cdktf.out yet.
	if err := stacks.CheckOutput(outdir); err != nil {
		return fail(err)
	}
	nodeversion.Quiet() // may restart the program with jsii's banner silenced
	app := stacks.NewApp(outdir)
	stacks.NewBootstrap(app, buckets, outdirDepth)
	if err := stacks.Synth(app); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("wrote " + path.Join(outdir, "stacks", stacks.BootstrapStack) + "; its state will be " + stacks.BootstrapStateFile)
	return 0
}

// fail prints err; its result is the exit status.
func fail(err error) int {
	fmt.Fprintln(os.Stderr, err)
	fmt.Fprintln(os.Stderr, "nothing was synthesized")
	return 1
}
