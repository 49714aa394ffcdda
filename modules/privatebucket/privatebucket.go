// Package privatebucket defines an S3 bucket nobody outside the account can
// read, with the hardening every bucket of this app gets: all four public
// access blocks, default encryption (SSE-S3, or SSE-KMS with a key of the
// caller's), ACLs off (BucketOwnerEnforced) and a bucket policy that refuses
// requests without TLS. The UI bucket, the ALB log bucket and the Terraform
// state buckets (modules/statebucket) all get it here.
//
// The resources are created beside the bucket in the caller's scope, not in
// a construct of their own, with construct IDs derived from the bucket's:
// "<id>", "<id>_public_access_block", "<id>_encryption", "<id>_ownership",
// "<id>_policy" and "<id>_policy_document". The buckets were defined inline
// before this module existed, and a new construct level would change every
// Terraform address and so replace the buckets in existing state.
package privatebucket

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
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

// MaxPrefixLength is the longest bucket_prefix Terraform accepts: S3 allows
// 63 characters and Terraform appends a unique 26-character suffix.
const MaxPrefixLength = 37

// DenyInsecureTransportSid is the Sid of the TLS-only statement every
// bucket policy starts with.
const DenyInsecureTransportSid = "DenyInsecureTransport"

// Props configures Bucket.
type Props struct {
	// BucketPrefix starts the bucket's name; Terraform appends a unique
	// suffix (bucket names are global). At most MaxPrefixLength characters.
	// Required unless Name is set; not both.
	BucketPrefix string
	// Name is the bucket's whole name, for a bucket that other configuration
	// names before it exists (a backend's state bucket). Default: none, the
	// name comes from BucketPrefix.
	Name string
	// ForceDestroy lets `terraform destroy` delete the bucket with its
	// objects. Default: false (destroy fails on a non-empty bucket).
	ForceDestroy bool
	// KmsKeyArn, when set, makes the default encryption SSE-KMS with this
	// key and an S3 Bucket Key (one KMS request per bucket key period instead
	// of one per object). Default: SSE-S3 (AES256; see New for why).
	KmsKeyArn string
	// Provider is the AWS provider of the bucket's region; every resource of
	// the bucket uses it. Default: the stack's default provider.
	Provider cdktf.TerraformProvider
}

// validate panics on programmer misuse, naming every problem at once; the
// environments loader reports user errors before this runs.
func (p Props) validate() {
	var problems []string
	switch {
	case p.BucketPrefix == "" && p.Name == "":
		problems = append(problems, "BucketPrefix or Name is required")
	case p.BucketPrefix != "" && p.Name != "":
		problems = append(problems, fmt.Sprintf("BucketPrefix %q and Name %q are both set: set one", p.BucketPrefix, p.Name))
	}
	if len(p.BucketPrefix) > MaxPrefixLength {
		problems = append(problems, fmt.Sprintf("BucketPrefix %q is %d characters, Terraform allows %d", p.BucketPrefix, len(p.BucketPrefix), MaxPrefixLength))
	}
	if len(problems) > 0 {
		panic("privatebucket: " + strings.Join(problems, "; "))
	}
}

// Bucket is a private, encrypted S3 bucket without ACLs. Its bucket policy
// comes from Policy, which every caller must call once: the TLS-only
// statement is part of it.
type Bucket struct {
	scope    constructs.Construct
	id       string
	provider cdktf.TerraformProvider
	// Bucket is the aws_s3_bucket, for what the caller adds (versioning,
	// lifecycle rules, origins).
	Bucket s3bucket.S3Bucket
	// Name is the bucket's name (generated from BucketPrefix, or Name); ID
	// the same as a resource ID.
	Name, ID, Arn *string
	// RegionalDomainName is the bucket's regional endpoint, e.g. for a
	// CloudFront origin.
	RegionalDomainName *string
	// PublicAccessBlock is the bucket's public access block; a bucket policy
	// waits for it.
	PublicAccessBlock s3bucketpublicaccessblock.S3BucketPublicAccessBlock
	// Encryption is the default encryption configuration (SSE-S3, or SSE-KMS
	// with KmsKeyArn).
	Encryption s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationA
	// Ownership turns ACLs off.
	Ownership s3bucketownershipcontrols.S3BucketOwnershipControls
}

// New defines the bucket and its hardening under scope, with construct IDs
// derived from id (see the package documentation).
func New(scope constructs.Construct, id string, props Props) *Bucket {
	props.validate()
	p := props.Provider
	cfg := &s3bucket.S3BucketConfig{ForceDestroy: jsii.Bool(props.ForceDestroy), Provider: p}
	if props.Name != "" {
		cfg.Bucket = jsii.String(props.Name)
	} else {
		cfg.BucketPrefix = jsii.String(props.BucketPrefix)
	}
	bucket := s3bucket.NewS3Bucket(scope, jsii.String(id), cfg)
	b := &Bucket{
		scope: scope, id: id, provider: p, Bucket: bucket,
		Name: bucket.Bucket(), ID: bucket.Id(), Arn: bucket.Arn(),
		RegionalDomainName: bucket.BucketRegionalDomainName(),
	}
	b.PublicAccessBlock = s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(scope, jsii.String(id+"_public_access_block"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Bucket:                bucket.Id(),
		BlockPublicAcls:       jsii.Bool(true),
		BlockPublicPolicy:     jsii.Bool(true),
		IgnorePublicAcls:      jsii.Bool(true),
		RestrictPublicBuckets: jsii.Bool(true),
		Provider:              p,
	})
	// SSE-S3 (AES256) by default, not SSE-KMS: ALB access-log delivery
	// supports only SSE-S3, and with a KMS key CloudFront (OAC) could only read
	// the UI if the key policy let cloudfront.amazonaws.com decrypt — another
	// key to manage for files that are public through CloudFront anyway.
	rule := &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{
		ApplyServerSideEncryptionByDefault: &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{
			SseAlgorithm: jsii.String("AES256"),
		},
	}
	if props.KmsKeyArn != "" {
		rule.ApplyServerSideEncryptionByDefault.SseAlgorithm = jsii.String("aws:kms")
		rule.ApplyServerSideEncryptionByDefault.KmsMasterKeyId = jsii.String(props.KmsKeyArn)
		rule.BucketKeyEnabled = jsii.Bool(true)
	}
	b.Encryption = s3bucketserversideencryptionconfiguration.NewS3BucketServerSideEncryptionConfigurationA(scope, jsii.String(id+"_encryption"), &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationAConfig{
		Bucket:   bucket.Id(),
		Rule:     &[]*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{rule},
		Provider: p,
	})
	// BucketOwnerEnforced turns ACLs off: this account owns every object,
	// whoever writes it (e.g. ELB log delivery), and access is by policy alone.
	// After the public access block: S3 answers "A conflicting conditional
	// operation is currently in progress" to bucket-level changes made at once.
	b.Ownership = s3bucketownershipcontrols.NewS3BucketOwnershipControls(scope, jsii.String(id+"_ownership"), &s3bucketownershipcontrols.S3BucketOwnershipControlsConfig{
		Bucket:    bucket.Id(),
		Rule:      &s3bucketownershipcontrols.S3BucketOwnershipControlsRule{ObjectOwnership: jsii.String("BucketOwnerEnforced")},
		DependsOn: &[]cdktf.ITerraformDependable{b.PublicAccessBlock},
		Provider:  p,
	})
	return b
}

// Versioned turns versioning on and expires noncurrent versions
// noncurrentDays after they were replaced or deleted (and incomplete
// multipart uploads after a day): a versioned bucket that is synced with
// `aws s3 sync --delete` would otherwise keep every old object forever.
// Call it at most once per bucket; resources "<id>_versioning" and
// "<id>_lifecycle".
func (b *Bucket) Versioned(noncurrentDays int) (s3bucketversioning.S3BucketVersioningA, s3bucketlifecycleconfiguration.S3BucketLifecycleConfiguration) {
	if noncurrentDays < 1 {
		panic(fmt.Sprintf("privatebucket: noncurrentDays %d must be at least 1", noncurrentDays))
	}
	versioning := s3bucketversioning.NewS3BucketVersioningA(b.scope, jsii.String(b.id+"_versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket:                  b.ID,
		VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")},
		Provider:                b.provider,
	})
	lifecycle := s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(b.scope, jsii.String(b.id+"_lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket: b.ID,
		Rule: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{{
			Id:     jsii.String("expire-noncurrent-versions"),
			Status: jsii.String("Enabled"),
			// An empty prefix: the rule covers the whole bucket.
			Filter: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{Prefix: jsii.String("")},
			NoncurrentVersionExpiration: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration{
				NoncurrentDays: jsii.Number(noncurrentDays),
			},
			AbortIncompleteMultipartUpload: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload{
				DaysAfterInitiation: jsii.Number(1),
			},
		}},
		// S3 refuses noncurrent-version rules while versioning is being
		// switched on.
		DependsOn: &[]cdktf.ITerraformDependable{versioning},
		Provider:  b.provider,
	})
	return versioning, lifecycle
}

// Policy defines the bucket policy: the TLS-only statement, then statements.
// Call it once per bucket.
func (b *Bucket) Policy(statements ...iampolicy.Statement) s3bucketpolicy.S3BucketPolicy {
	all := append([]iampolicy.Statement{{
		Sid:    DenyInsecureTransportSid,
		Effect: "Deny",
		// A deny may (and should) cover every action: a list would leave gaps.
		Actions:    []string{"s3:*"},
		Resources:  []string{*b.Arn, *b.Arn + "/*"},
		Principals: map[string][]string{"*": {"*"}},
		Conditions: []iampolicy.Condition{{Test: "Bool", Variable: "aws:SecureTransport", Values: []string{"false"}}},
	}}, statements...)
	doc := iampolicy.New(b.scope, b.id+"_policy_document", all...)
	return s3bucketpolicy.NewS3BucketPolicy(b.scope, jsii.String(b.id+"_policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: b.ID,
		Policy: doc.Json(),
		// One bucket-level change at a time (see Ownership): after the public
		// access block, which a public-looking policy would otherwise trip, and
		// after the ownership controls.
		DependsOn: &[]cdktf.ITerraformDependable{b.PublicAccessBlock, b.Ownership},
		Provider:  b.provider,
	})
}
