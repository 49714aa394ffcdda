// Package statebucket defines an S3 bucket for Terraform state: private,
// versioned (every state write can be rolled back), encrypted with a key of
// its own, reachable over TLS only, and with S3-native locking (Terraform >=
// 1.10, `use_lockfile`) no DynamoDB table is needed.
//
// The bucket and its hardening (public access block, ACLs off, TLS-only
// policy, default encryption) come from modules/privatebucket, like every
// bucket of this app; this package adds what is the state's own: the key,
// versioning and how long old state versions are kept.
//
// The key is a customer-managed KMS key rather than SSE-S3 because state maps
// the whole deployment: reading it then takes kms:Decrypt on this key as well
// as s3:GetObject, so a principal with broad S3 read (a log shipper, an
// auditor's ReadOnlyAccess) does not get the state with it. The backend must
// name the key (`kms_key_id`), otherwise Terraform writes with SSE-S3.
package statebucket

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/internal/moved"
	"github.com/n8n-builder/infra/modules/privatebucket"
)

// Props configures StateBucket.
type Props struct {
	// Bucket is the bucket's name, the one the environments' backend.s3.bucket
	// names. Required.
	Bucket string
	// NoncurrentVersionDays keeps overwritten state versions this long.
	// Default: 90.
	NoncurrentVersionDays int
	// Provider is the AWS provider of the bucket's region. Default: the
	// stack's default provider.
	Provider cdktf.TerraformProvider
}

// withDefaults fills in the documented default of every field left at zero.
func (p Props) withDefaults() Props {
	p.NoncurrentVersionDays = cmp.Or(p.NoncurrentVersionDays, 90)
	return p
}

// validate panics on programmer misuse, naming every problem at once; the
// environments loader checks the bucket names before this runs.
func (p Props) validate() {
	var problems []string
	if p.Bucket == "" {
		problems = append(problems, "Bucket is required")
	}
	if p.NoncurrentVersionDays < 1 {
		problems = append(problems, fmt.Sprintf("NoncurrentVersionDays %d must be at least 1", p.NoncurrentVersionDays))
	}
	if len(problems) > 0 {
		panic("statebucket: " + strings.Join(problems, "; "))
	}
}

// StateBucket is the state bucket and its key.
type StateBucket struct {
	constructs.Construct
	BucketName *string
	BucketArn  *string
	// KeyArn is what a backend's kms_key_id must name.
	KeyArn *string
}

// New defines the bucket, its key and its guards under scope.
func New(scope constructs.Construct, id string, props Props) *StateBucket {
	props = props.withDefaults()
	props.validate()
	c := constructs.NewConstruct(scope, jsii.String(id))
	p := props.Provider

	key := kmskey.NewKmsKey(c, jsii.String("key"), &kmskey.KmsKeyConfig{
		Description:       jsii.String("Terraform state in s3://" + props.Bucket),
		EnableKeyRotation: jsii.Bool(true),
		// The longest wait: a key deleted by mistake makes every state
		// version unreadable, and can be restored until then.
		DeletionWindowInDays: jsii.Number(30),
		Provider:             p,
	})
	kmsalias.NewKmsAlias(c, jsii.String("key_alias"), &kmsalias.KmsAliasConfig{
		Name:        jsii.String("alias/terraform-state-" + props.Bucket),
		TargetKeyId: key.KeyId(),
		Provider:    p,
	})

	// The construct IDs "bucket", "bucket_policy" and
	// "bucket_policy_document" are the ones this package gave them before it
	// used privatebucket.
	bucket := privatebucket.New(c, "bucket", privatebucket.Props{
		Name:      props.Bucket,
		KmsKeyArn: *key.Arn(),
		Provider:  p,
	})
	// The hardening resources had IDs of their own before: Terraform moves
	// them in an existing bootstrap state instead of deleting and re-creating
	// them (which would leave the state bucket unguarded for a moment).
	moved.From(c, bucket.PublicAccessBlock, "public_access_block")
	moved.From(c, bucket.Encryption, "encryption")
	moved.From(c, bucket.Ownership, "ownership_controls")

	// Versioning and the lifecycle rule stay here, under their old IDs,
	// rather than privatebucket's Versioned: the state's rule ("expire-old-
	// state-versions", multipart uploads aborted after 7 days) differs from
	// Versioned's, and making them one would rewrite the rule of every
	// existing state bucket.
	versioning := s3bucketversioning.NewS3BucketVersioningA(c, jsii.String("versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket:                  bucket.ID,
		VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")},
		Provider:                p,
	})
	s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(c, jsii.String("lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket: bucket.ID,
		Rule: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{{
			Id:     jsii.String("expire-old-state-versions"),
			Status: jsii.String("Enabled"),
			Filter: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{Prefix: jsii.String("")},
			NoncurrentVersionExpiration: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration{
				NoncurrentDays: jsii.Number(props.NoncurrentVersionDays),
			},
			AbortIncompleteMultipartUpload: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload{
				DaysAfterInitiation: jsii.Number(7),
			},
		}},
		// S3 refuses noncurrent-version rules on a bucket whose versioning
		// is still being switched on.
		DependsOn: &[]cdktf.ITerraformDependable{versioning},
		Provider:  p,
	})
	bucket.Policy()
	return &StateBucket{Construct: c, BucketName: bucket.Name, BucketArn: bucket.Arn, KeyArn: key.Arn()}
}
