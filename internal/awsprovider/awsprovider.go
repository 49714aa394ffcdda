// Package awsprovider holds the hashicorp/aws version constraint every stack
// (and every test stack) is synthesized with.
package awsprovider

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Constraint admits the provider the v19 bindings were generated for (5.84)
// and every later 5.x: the bindings pin exactly 5.84.0, which would refuse
// newer, already-installed providers (and their fixes).
const Constraint = "~> 5.84"

// Pin overrides the required_providers entry the bindings write for aws:
// Constraint instead of the exact 5.84.0, and the full registry address
// instead of the short source "aws".
func Pin(stack cdktf.TerraformStack) {
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), jsii.String(Constraint))
	stack.AddOverride(jsii.String("terraform.required_providers.aws.source"), jsii.String("hashicorp/aws"))
}
