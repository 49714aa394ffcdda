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
	"flag"
	"fmt"
	"os"
	"path"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/environments"
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
	dir := flag.String("environments", "environments", "directory of the environment files (<env>.json)")
	flag.Parse()

	// Every check runs before the jsii runtime starts: on a problem
	// nothing is written.
	envs, err := environments.LoadAll(os.DirFS(*dir), *dir)
	if err != nil {
		fail(err)
	}
	buckets, err := stacks.StateBuckets(envs)
	if err != nil {
		fail(err)
	}
	// cdktf creates only the last folder of outdir, and a fresh checkout
	// has no cdktf.out yet.
	if err := os.MkdirAll(outdir, 0o755); err != nil {
		fail(err)
	}
	defer jsii.Close()
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})
	stacks.NewBootstrap(app, buckets, outdirDepth)
	app.Synth()
	fmt.Println("wrote " + path.Join(outdir, "stacks", stacks.BootstrapStack) + "; its state will be " + stacks.BootstrapStateFile)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	fmt.Fprintln(os.Stderr, "nothing was synthesized")
	os.Exit(1)
}
