package stacks

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/internal/awsprovider"
	"github.com/n8n-builder/infra/modules/statebucket"
)

// BootstrapStack is the name of the stack that creates the state buckets.
const BootstrapStack = "bootstrap"

// BootstrapStateFile is where the bootstrap stack keeps its own (small)
// state, relative to the project root: its buckets must exist before any
// backend can use them, so it cannot keep its state in one of them.
const BootstrapStateFile = "terraform.bootstrap.tfstate"

// OutputStateKeyArns is the bootstrap output mapping each state bucket to the
// ARN of its KMS key, the value of that backend's kmsKeyId.
const OutputStateKeyArns = "state_kms_key_arns"

// StateBuckets returns the region of every bucket the environments' backends
// name, by bucket, or an error naming each file whose bucket is set in two
// regions, or when no environment has a backend.s3. Run before any construct.
func StateBuckets(envs []*environments.Environment) (map[string]string, error) {
	regions := map[string]string{} // bucket -> region
	users := map[string][]string{} // bucket -> environment files
	var errs []error
	for _, env := range envs {
		if env.Backend == nil || env.Backend.S3 == nil {
			continue
		}
		b := env.Backend.S3
		if r, ok := regions[b.Bucket]; ok && r != b.Region {
			errs = append(errs, fmt.Errorf("%s: backend.s3.region: %q, but %s put bucket %s in %s",
				env.File, b.Region, strings.Join(users[b.Bucket], ", "), b.Bucket, r))
			continue
		}
		regions[b.Bucket] = b.Region
		users[b.Bucket] = append(users[b.Bucket], env.File)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(regions) == 0 {
		return nil, errors.New("no environment sets backend.s3: name a state bucket in a protected environment first (see environments/prod.json)")
	}
	return regions, nil
}

// NewBootstrap defines, under app, the stack that creates the S3 state
// buckets (bucket -> region, from StateBuckets), so they are named in one
// place: the environment files. outdirDepth is how many directories below
// the project root the stack's Terraform runs (4 for
// cdktf.out/bootstrap/stacks/bootstrap): its local state is at the root.
func NewBootstrap(app cdktf.App, regions map[string]string, outdirDepth int) cdktf.TerraformStack {
	stack := cdktf.NewTerraformStack(app, jsii.String(BootstrapStack))
	awsprovider.Pin(stack)
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{
		Path: jsii.String(strings.Repeat("../", outdirDepth) + BootstrapStateFile),
	})
	tags := &[]*provider.AwsProviderDefaultTags{{Tags: &map[string]*string{
		"Purpose": jsii.String("terraform-state"), "ManagedBy": jsii.String("cdktf"),
	}}}
	buckets := slices.Sorted(maps.Keys(regions))
	// The first bucket's region is the default provider; any other region
	// gets an aliased one.
	providers := map[string]cdktf.TerraformProvider{}
	for _, b := range buckets {
		r := regions[b]
		if _, ok := providers[r]; ok {
			continue
		}
		cfg := &provider.AwsProviderConfig{Region: jsii.String(r), DefaultTags: tags}
		id := "aws"
		if len(providers) > 0 {
			id = "aws_" + strings.ReplaceAll(r, "-", "_")
			cfg.Alias = jsii.String(strings.ReplaceAll(r, "-", "_"))
		}
		providers[r] = provider.NewAwsProvider(stack, jsii.String(id), cfg)
	}

	keys := map[string]*string{}
	for _, b := range buckets {
		var p cdktf.TerraformProvider
		if r := regions[b]; r != regions[buckets[0]] {
			p = providers[r]
		}
		// The bucket name is a stable config key: the construct ID follows it.
		sb := statebucket.New(stack, "state_"+strings.NewReplacer(".", "_", "-", "_").Replace(b), statebucket.Props{Bucket: b, Provider: p})
		keys[b] = sb.KeyArn
	}
	cdktf.NewTerraformOutput(stack, jsii.String(OutputStateKeyArns), &cdktf.TerraformOutputConfig{
		Value:       keys,
		Description: jsii.String("Each state bucket's KMS key: put it in the environment's backend.s3.kmsKeyId."),
	})
	preventDestroy(stack)
	return stack
}
