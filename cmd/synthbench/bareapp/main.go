// Command bareapp is the smallest cdktf-go app that loads the AWS provider
// bindings: one stack, one resource. cmd/synthbench times it next to the real
// app, so the ratio shows what our own code adds to the jsii floor.
package main

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func main() {
	defer jsii.Close()
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("bare"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("us-east-1")})
	vpc.NewVpc(constructs.Construct(stack), jsii.String("vpc"), &vpc.VpcConfig{CidrBlock: jsii.String("10.0.0.0/16")})
	app.Synth()
}
