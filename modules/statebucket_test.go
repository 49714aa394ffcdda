package modules_test

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"

	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/privatebucket"
	"github.com/n8n-builder/infra/modules/statebucket"
)

// statebucketStack holds two state buckets: "state" with the defaults, and
// "state_west" in another region (an aliased provider) keeping old versions
// 30 days.
var statebucketStack = synthOnce(func() *testutil.Synthesized {
	stack := testutil.NewStack()
	statebucket.New(stack, "state", statebucket.Props{Bucket: "proj-terraform-state"})
	west := provider.NewAwsProvider(stack, jsii.String("aws_west"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1"), Alias: jsii.String("west")})
	statebucket.New(stack, "state_west", statebucket.Props{Bucket: "proj-terraform-state-west", Provider: west, NoncurrentVersionDays: 30})
	return testutil.Synth(stack)
})

// TestStateBucketKey: the bucket has the name the backends give it (no
// generated suffix) and is encrypted by default with a rotating key of its
// own, through an S3 Bucket Key.
func TestStateBucketKey(t *testing.T) {
	s := statebucketStack()
	testutil.AssertResource(t, s, "aws_s3_bucket", map[string]any{"bucket": "proj-terraform-state", "force_destroy": false})
	if b := s.Resource(t, "aws_s3_bucket", resourceName(t, s, "aws_s3_bucket", "state_bucket")); b["bucket_prefix"] != nil {
		t.Errorf("state bucket has bucket_prefix %v, want the fixed name only", b["bucket_prefix"])
	}
	testutil.AssertResource(t, s, "aws_kms_key", map[string]any{
		"description": "Terraform state in s3://proj-terraform-state", "enable_key_rotation": true, "deletion_window_in_days": 30,
	})
	testutil.AssertResource(t, s, "aws_kms_alias", map[string]any{
		"name": "alias/terraform-state-proj-terraform-state", "target_key_id": s.Ref("aws_kms_key", "state_key", "key_id"),
	})
	testutil.AssertResource(t, s, "aws_s3_bucket_server_side_encryption_configuration", map[string]any{
		"bucket": s.Ref("aws_s3_bucket", "state_bucket", "id"),
		"rule": []any{map[string]any{"bucket_key_enabled": true, "apply_server_side_encryption_by_default": map[string]any{
			"sse_algorithm": "aws:kms", "kms_master_key_id": s.Ref("aws_kms_key", "state_key", "arn"),
		}}},
	})
}

// TestStateBucketHardening: the bucket gets privatebucket's guards: public
// access blocked, ACLs off and a TLS-only policy.
func TestStateBucketHardening(t *testing.T) {
	s := statebucketStack()
	id := s.Ref("aws_s3_bucket", "state_bucket", "id")
	testutil.AssertResource(t, s, "aws_s3_bucket_public_access_block", map[string]any{
		"bucket": id, "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true,
	})
	testutil.AssertResource(t, s, "aws_s3_bucket_ownership_controls", map[string]any{"bucket": id, "rule": map[string]any{"object_ownership": "BucketOwnerEnforced"}})
	doc := dataName(t, s, "aws_iam_policy_document", "state_bucket_policy_document")
	testutil.AssertResource(t, s, "aws_s3_bucket_policy", map[string]any{"bucket": id, "policy": "${data.aws_iam_policy_document." + doc + ".json}"})
	statements := policyStatements(t, s, doc)
	if len(statements) != 1 || statements[0]["sid"] != privatebucket.DenyInsecureTransportSid {
		t.Errorf("state bucket policy statements %v, want the TLS-only deny alone", statements)
	}
}

// TestStateBucketVersionsKept: every state write can be rolled back for
// NoncurrentVersionDays (90 by default).
func TestStateBucketVersionsKept(t *testing.T) {
	s := statebucketStack()
	for name, days := range map[string]int{"state": 90, "state_west": 30} {
		id := s.Ref("aws_s3_bucket", name+"_bucket", "id")
		testutil.AssertResource(t, s, "aws_s3_bucket_versioning", map[string]any{"bucket": id, "versioning_configuration": map[string]any{"status": "Enabled"}})
		testutil.AssertResource(t, s, "aws_s3_bucket_lifecycle_configuration", map[string]any{
			"bucket": id,
			"rule": []any{map[string]any{
				"id": "expire-old-state-versions", "status": "Enabled", "filter": map[string]any{"prefix": ""},
				"noncurrent_version_expiration":     map[string]any{"noncurrent_days": days},
				"abort_incomplete_multipart_upload": map[string]any{"days_after_initiation": 7},
			}},
			"depends_on": []any{"aws_s3_bucket_versioning." + resourceName(t, s, "aws_s3_bucket_versioning", name+"_versioning")},
		})
	}
}

// TestStateBucketProvider: every resource of a bucket in another region is
// created by that region's provider.
func TestStateBucketProvider(t *testing.T) {
	s := statebucketStack()
	seen := 0
	for typ, byName := range s.Tree()["resource"].(map[string]any) {
		for name, r := range byName.(map[string]any) {
			got := r.(map[string]any)["provider"]
			switch {
			case strings.HasPrefix(name, "state_west_"):
				seen++
				if got != "aws.west" {
					t.Errorf("%s.%s: provider %v, want aws.west", typ, name, got)
				}
			case got != nil:
				t.Errorf("%s.%s: provider %v, want the default", typ, name, got)
			}
		}
	}
	if seen != 9 {
		t.Errorf("%d resources of state_west, want 9 (bucket, its 3 guards, policy, versioning, lifecycle, key, alias)", seen)
	}
}

// TestStateBucketMovedNotReplaced: the addresses of an existing bootstrap
// state, from before the bucket came from privatebucket, are all still
// there or moved to a resource that is. The three guards changed IDs
// (public_access_block -> bucket_public_access_block, encryption ->
// bucket_encryption, ownership_controls -> bucket_ownership); without the
// moved blocks Terraform would delete and re-create them.
func TestStateBucketMovedNotReplaced(t *testing.T) {
	s := statebucketStack()
	current := map[string]bool{}
	for typ, byName := range s.Tree()["resource"].(map[string]any) {
		for name := range byName.(map[string]any) {
			current[typ+"."+name] = true
		}
	}
	moves := map[string]string{}
	for _, m := range s.Tree()["moved"].([]any) {
		m := m.(map[string]any)
		moves[m["from"].(string)] = m["to"].(string)
	}
	// The resources of statebucket.New(stack, "state", ...) before the
	// change, with cdktf's hashes: the addresses in existing state.
	for _, old := range []string{
		"aws_kms_alias.state_key_alias_A395B6C3",
		"aws_kms_key.state_key_84A4E4B8",
		"aws_s3_bucket.state_bucket_803B4E61",
		"aws_s3_bucket_lifecycle_configuration.state_lifecycle_9EBA48F5",
		"aws_s3_bucket_ownership_controls.state_ownership_controls_8BB8F194",
		"aws_s3_bucket_policy.state_bucket_policy_1C807741",
		"aws_s3_bucket_public_access_block.state_public_access_block_C5CCF4EB",
		"aws_s3_bucket_server_side_encryption_configuration.state_encryption_3FDA0990",
		"aws_s3_bucket_versioning.state_versioning_27DF9ED5",
	} {
		to, moved := moves[old]
		switch {
		case current[old] && moved:
			t.Errorf("%s is still a resource and also moved to %s", old, to)
		case current[old]:
		case !moved:
			t.Errorf("%s is gone without a moved block: Terraform would destroy it", old)
		case !current[to]:
			t.Errorf("%s moves to %s, which is no resource", old, to)
		}
	}
	if len(moves) != 6 {
		t.Errorf("%d moved blocks, want 3 per bucket: %v", len(moves), moves)
	}
}

func TestStateBucketMisusePanics(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		for _, want := range []string{"Bucket is required", "NoncurrentVersionDays -1 must be at least 1"} {
			if !strings.Contains(msg, want) {
				t.Errorf("panic %q, want it to contain %q", msg, want)
			}
		}
	}()
	statebucket.New(testutil.NewStack(), "state", statebucket.Props{NoncurrentVersionDays: -1})
}
