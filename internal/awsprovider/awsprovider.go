// Package awsprovider holds the hashicorp/aws version constraint every stack
// (and every test stack) is synthesized with.
package awsprovider

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Constraint is the exact provider release every tier of the tests runs
// (init, validate, plan, apply with mocks, Trivy; under Terraform and
// OpenTofu), so a user's `init` installs that same build: the registry's
// signed checksums verify the package, and the lock file the first init
// writes keeps it. 5.100.0 is the last 5.x release; the v19 bindings are
// generated for 5.84 and work with it. Moving on is a one-line change here
// that the test tiers then check. (A committed lock file per stack was the
// alternative: cdktf.out is generated, and its hashes for every platform
// need the registry, which the tests must not.)
const Constraint = "5.100.0"

// Pin overrides the required_providers entry the bindings write for aws:
// Constraint instead of 5.84.0, and the full registry address instead of the
// short source "aws".
func Pin(stack cdktf.TerraformStack) {
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), jsii.String(Constraint))
	stack.AddOverride(jsii.String("terraform.required_providers.aws.source"), jsii.String("hashicorp/aws"))
}
