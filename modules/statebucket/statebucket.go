// Package statebucket defines an S3 bucket for Terraform state: private,
// versioned (every state write can be rolled back), encrypted with a key of
// its own, reachable over TLS only, and with S3-native locking (Terraform >=
// 1.10, `use_lockfile`) no DynamoDB table is needed.
//
// The key is a customer-managed KMS key rather than SSE-S3 because state maps
// the whole deployment: reading it then takes kms:Decrypt on this key as well
// as s3:GetObject, so a principal with broad S3 read (a log shipper, an
// auditor's ReadOnlyAccess) does not get the state with it. The backend must
// name the key (`kms_key_id`), otherwise Terraform writes with SSE-S3.
package statebucket

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketownershipcontrols"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/modules/iampolicy"
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

func (p Props) validate() {
	if p.Bucket == "" {
		panic("statebucket: Bucket is required")
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
	if props.NoncurrentVersionDays == 0 {
		props.NoncurrentVersionDays = 90
	}
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
	bucket := s3bucket.NewS3Bucket(c, jsii.String("bucket"), &s3bucket.S3BucketConfig{
		Bucket:   jsii.String(props.Bucket),
		Provider: p,
	})
	publicBlock := s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(c, jsii.String("public_access_block"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Bucket:                bucket.Id(),
		BlockPublicAcls:       jsii.Bool(true),
		BlockPublicPolicy:     jsii.Bool(true),
		IgnorePublicAcls:      jsii.Bool(true),
		RestrictPublicBuckets: jsii.Bool(true),
		Provider:              p,
	})
	s3bucketownershipcontrols.NewS3BucketOwnershipControls(c, jsii.String("ownership_controls"), &s3bucketownershipcontrols.S3BucketOwnershipControlsConfig{
		Bucket:   bucket.Id(),
		Rule:     &s3bucketownershipcontrols.S3BucketOwnershipControlsRule{ObjectOwnership: jsii.String("BucketOwnerEnforced")},
		Provider: p,
	})
	s3bucketserversideencryptionconfiguration.NewS3BucketServerSideEncryptionConfigurationA(c, jsii.String("encryption"), &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationAConfig{
		Bucket: bucket.Id(),
		Rule: &[]*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{{
			ApplyServerSideEncryptionByDefault: &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{
				SseAlgorithm:   jsii.String("aws:kms"),
				KmsMasterKeyId: key.Arn(),
			},
			// One KMS request per bucket key period instead of per object.
			BucketKeyEnabled: jsii.Bool(true),
		}},
		Provider: p,
	})
	versioning := s3bucketversioning.NewS3BucketVersioningA(c, jsii.String("versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket:                  bucket.Id(),
		VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")},
		Provider:                p,
	})
	s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(c, jsii.String("lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket: bucket.Id(),
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
	tlsOnly := iampolicy.New(c, "bucket_policy_document", iampolicy.Statement{
		// The standard TLS-only guard: a Deny may (and should) cover every
		// S3 action.
		Sid:        "DenyInsecureTransport",
		Effect:     "Deny",
		Actions:    []string{"s3:*"},
		Resources:  []string{*bucket.Arn(), *bucket.Arn() + "/*"},
		Principals: map[string][]string{"*": {"*"}},
		Conditions: []iampolicy.Condition{{Test: "Bool", Variable: "aws:SecureTransport", Values: []string{"false"}}},
	})
	s3bucketpolicy.NewS3BucketPolicy(c, jsii.String("bucket_policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket:   bucket.Id(),
		Policy:   tlsOnly.Json(),
		Provider: p,
		// S3 refuses a policy while the public access block is being
		// changed in parallel; put the block in place first.
		DependsOn: &[]cdktf.ITerraformDependable{publicBlock},
	})
	return &StateBucket{Construct: c, BucketName: bucket.Bucket(), BucketArn: bucket.Arn(), KeyArn: key.Arn()}
}
