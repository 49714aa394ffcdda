// Package moved writes Terraform moved blocks for resources whose construct
// ID changed, so existing state follows the resource instead of Terraform
// deleting the old one and creating the new one.
package moved

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// From records that r was defined as oldID directly under scope before.
//
// The old address is the logical ID cdktf gives a construct at that path
// (the path's names plus a hash of it): an empty construct placed there,
// which synthesizes to nothing, lets cdktf compute it rather than this code
// copying its algorithm.
func From(scope constructs.Construct, r cdktf.TerraformResource, oldID string) {
	old := constructs.NewConstruct(scope, jsii.String(oldID))
	address := *r.TerraformResourceType() + "." + *cdktf.TerraformStack_Of(scope).AllocateLogicalId(old.Node())
	r.MoveFromId(jsii.String(address))
}
