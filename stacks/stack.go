// Package stacks composes the modules into one Terraform stack per environment
// and declares the stack outputs.
package stacks

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/modules/networking"
)

// AwsProviderConstraint admits the provider the v19 bindings were generated
// for (5.84) and every later 5.x: the bindings pin exactly 5.84.0, which would
// refuse newer, already-installed providers (and their fixes).
const AwsProviderConstraint = "~> 5.84"

// New defines the stack of one environment under app, named after it.
func New(app cdktf.App, env *environments.Environment) cdktf.TerraformStack {
	stack := cdktf.NewTerraformStack(app, jsii.String(env.Name))
	configureTerraform(stack, env)

	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{
		Region: jsii.String(env.Region),
		DefaultTags: &[]*provider.AwsProviderDefaultTags{{
			Tags: &map[string]*string{
				"Project":     jsii.String(env.ProjectName),
				"Environment": jsii.String(env.Name),
				"ManagedBy":   jsii.String("cdktf"),
			},
		}},
	})

	net := networking.New(stack, "networking", networking.Props{
		NamePrefix:           env.Prefix(),
		CidrBlock:            env.Network.VpcCidr,
		AvailabilityZones:    env.Network.AvailabilityZones,
		PublicSubnetCidrs:    env.Network.PublicSubnetCidrs,
		PrivateSubnetCidrs:   env.Network.PrivateSubnetCidrs,
		NatPerAZ:             env.Network.NatMode == environments.NatPerAZ,
		AlbAllowedCidrs:      env.LoadBalancer.AllowedCidrs,
		BridgeEgressPorts:    env.Network.BridgeEgressPorts,
		FlowLogs:             env.Network.FlowLogs.Enabled,
		FlowLogRetentionDays: env.Network.FlowLogs.RetentionDays,
	})

	output(stack, "vpc_id", net.VpcID, "ID of the VPC.")
	return stack
}

// configureTerraform sets the provider constraint and the state backend.
func configureTerraform(stack cdktf.TerraformStack, env *environments.Environment) {
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), jsii.String(AwsProviderConstraint))
	// The bindings write the short source "aws"; spell out the registry address.
	stack.AddOverride(jsii.String("terraform.required_providers.aws.source"), jsii.String("hashicorp/aws"))

	if s3 := backendS3(env); s3 != nil {
		cfg := &cdktf.S3BackendConfig{
			Bucket:  jsii.String(s3.Bucket),
			Key:     jsii.String(s3.Key),
			Region:  jsii.String(s3.Region),
			Encrypt: jsii.Bool(s3.Encrypt),
		}
		if s3.KmsKeyID != "" {
			cfg.KmsKeyId = jsii.String(s3.KmsKeyID)
		}
		cdktf.NewS3Backend(stack, cfg)
		// cdktf 0.20 predates S3-native locking (Terraform >= 1.10), so its
		// config type has no field for it.
		stack.AddOverride(jsii.String("terraform.backend.s3.use_lockfile"), jsii.Bool(s3.UseLockfile))
		return
	}
	// cdktf's default local path is absolute (the project directory at synth
	// time). Terraform runs in cdktf.out/stacks/<env>, so this relative path
	// puts the state in the same place, the project root, portably.
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{
		Path: jsii.String("../../../terraform." + env.Name + ".tfstate"),
	})
}

func backendS3(env *environments.Environment) *environments.S3Backend {
	if env.Backend == nil {
		return nil
	}
	return env.Backend.S3
}

// output declares a stack output with a description.
func output(stack cdktf.TerraformStack, name string, value any, description string) {
	cdktf.NewTerraformOutput(stack, jsii.String(name), &cdktf.TerraformOutputConfig{
		Value:       value,
		Description: jsii.String(description),
	})
}
