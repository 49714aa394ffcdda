// Command infra synthesizes one Terraform stack per environment file in
// environments/ into cdktf.out/stacks/<env>/cdk.tf.json.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/stacks"
)

func main() {
	dir := flag.String("environments", "environments", "directory of the environment files (<env>.json)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "unexpected argument %q; name the folder of environment files with -environments <folder>\n", flag.Arg(0))
		fmt.Fprintln(os.Stderr, "nothing was synthesized")
		os.Exit(1)
	}

	// Validate every file before the jsii runtime starts: on any problem,
	// nothing is synthesized and cdktf.out is left as it was.
	envs, err := environments.LoadDir(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		fmt.Fprintln(os.Stderr, "nothing was synthesized")
		os.Exit(1)
	}

	for _, env := range envs {
		if w := env.LocalStateWarning(); w != "" {
			fmt.Fprintln(os.Stderr, "warning: "+w)
		}
	}

	defer jsii.Close()
	app := cdktf.NewApp(nil)
	for _, env := range envs {
		stacks.New(app, env)
	}
	app.Synth()
}
