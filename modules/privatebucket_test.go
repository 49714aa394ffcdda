package modules_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"

	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/iampolicy"
	"github.com/n8n-builder/infra/modules/privatebucket"
)

// privatebucketVariants are three stacks: a bucket ("logs") with one extra
// policy statement, a versioned one ("site"), and a versioned one with a
// fixed name, a KMS key and a provider of its own ("state").
type privatebucketVariants struct{ logs, versioned, named *testutil.Synthesized }

// privatebucketKeyArn is the KMS key of the "state" variant.
const privatebucketKeyArn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

var privatebucketStacks = synthOnce(func() (v privatebucketVariants) {
	stack := testutil.NewStack()
	b := privatebucket.New(stack, "logs", privatebucket.Props{BucketPrefix: "proj-dev-logs-", ForceDestroy: true})
	b.Policy(iampolicy.Statement{
		Sid: "ServiceWrites", Actions: []string{"s3:PutObject"}, Resources: []string{*b.Arn + "/x/*"},
		Principals: map[string][]string{"Service": {"logging.s3.amazonaws.com"}},
	})
	v.logs = testutil.Synth(stack)

	stack = testutil.NewStack()
	site := privatebucket.New(stack, "site", privatebucket.Props{BucketPrefix: "proj-prod-ui-"})
	site.Versioned(30)
	site.Policy()
	v.versioned = testutil.Synth(stack)

	stack = testutil.NewStack()
	west := provider.NewAwsProvider(stack, jsii.String("aws_west"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1"), Alias: jsii.String("west")})
	state := privatebucket.New(stack, "state", privatebucket.Props{Name: "proj-terraform-state", KmsKeyArn: privatebucketKeyArn, Provider: west})
	state.Versioned(90)
	state.Policy()
	v.named = testutil.Synth(stack)
	return v
})

func TestPrivateBucketHardening(t *testing.T) {
	s := privatebucketStacks().logs
	id := s.Ref("aws_s3_bucket", "logs", "id")
	testutil.AssertResource(t, s, "aws_s3_bucket", map[string]any{"bucket_prefix": "proj-dev-logs-", "force_destroy": true})
	testutil.AssertResource(t, s, "aws_s3_bucket_public_access_block", map[string]any{
		"bucket": id, "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true,
	})
	testutil.AssertResource(t, s, "aws_s3_bucket_server_side_encryption_configuration", map[string]any{
		"bucket": id, "rule": []any{map[string]any{"apply_server_side_encryption_by_default": map[string]any{"sse_algorithm": "AES256"}}},
	})
	testutil.AssertResource(t, s, "aws_s3_bucket_ownership_controls", map[string]any{
		"bucket": id, "rule": map[string]any{"object_ownership": "BucketOwnerEnforced"},
	})
}

// TestPrivateBucketPolicy: the TLS-only deny comes first, covers the bucket and its
// objects, and the caller's statements follow it.
func TestPrivateBucketPolicy(t *testing.T) {
	s := privatebucketStacks().logs
	docs := s.DataSources("aws_iam_policy_document")
	if len(docs) != 1 {
		t.Fatalf("%d policy documents, want 1", len(docs))
	}
	var doc struct {
		Statement []struct {
			Sid       string   `json:"sid"`
			Effect    string   `json:"effect"`
			Actions   []string `json:"actions"`
			Resources []string `json:"resources"`
			Condition []struct {
				Test, Variable string
				Values         []string
			} `json:"condition"`
		} `json:"statement"`
	}
	for _, d := range docs {
		raw, _ := json.Marshal(d)
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
	}
	if len(doc.Statement) != 2 || doc.Statement[0].Sid != privatebucket.DenyInsecureTransportSid || doc.Statement[1].Sid != "ServiceWrites" {
		t.Fatalf("statements %+v, want the TLS deny, then ServiceWrites", doc.Statement)
	}
	deny := doc.Statement[0]
	arn := s.Ref("aws_s3_bucket", "logs", "arn")
	if deny.Effect != "Deny" || strings.Join(deny.Actions, ",") != "s3:*" || strings.Join(deny.Resources, ",") != arn+","+arn+"/*" ||
		len(deny.Condition) != 1 || deny.Condition[0].Variable != "aws:SecureTransport" || strings.Join(deny.Condition[0].Values, ",") != "false" {
		t.Errorf("TLS statement %+v", deny)
	}
}

// TestPrivateBucketOneChangeAtATime: S3 refuses concurrent bucket-level changes, so the
// ownership controls wait for the public access block and the policy for both.
func TestPrivateBucketOneChangeAtATime(t *testing.T) {
	s := privatebucketStacks().logs
	pab := "aws_s3_bucket_public_access_block." + resourceName(t, s, "aws_s3_bucket_public_access_block", "")
	own := "aws_s3_bucket_ownership_controls." + resourceName(t, s, "aws_s3_bucket_ownership_controls", "")
	for typ, want := range map[string][]string{
		"aws_s3_bucket_ownership_controls": {pab},
		"aws_s3_bucket_policy":             {pab, own},
	} {
		for _, r := range s.Resources(typ) {
			if got := testutil.Strings(r["depends_on"]); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s depends_on %v, want %v", typ, got, want)
			}
		}
	}
}

// TestPrivateBucketConstructIDs: the resources sit beside the bucket with IDs derived
// from its own, which keeps the addresses the buckets had before the module.
func TestPrivateBucketConstructIDs(t *testing.T) {
	s := privatebucketStacks().logs
	// Defined at the top of the stack, the names are the construct IDs as they are.
	for typ, want := range map[string]string{
		"aws_s3_bucket":                                      "logs",
		"aws_s3_bucket_public_access_block":                  "logs_public_access_block",
		"aws_s3_bucket_server_side_encryption_configuration": "logs_encryption",
		"aws_s3_bucket_ownership_controls":                   "logs_ownership",
		"aws_s3_bucket_policy":                               "logs_policy",
	} {
		if n := resourceName(t, s, typ, ""); n != want {
			t.Errorf("%s is named %s, want %s", typ, n, want)
		}
	}
}

func TestPrivateBucketMisusePanics(t *testing.T) {
	for prefix, want := range map[string]string{
		"":                          "BucketPrefix or Name is required",
		strings.Repeat("a", 38):     "is 38 characters, Terraform allows 37",
		strings.Repeat("a", 37)[1:]: "",
	} {
		t.Run(want, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if want == "" && msg != "" || !strings.Contains(msg, want) {
					t.Errorf("panic %q, want %q", msg, want)
				}
			}()
			privatebucket.New(testutil.NewStack(), "b", privatebucket.Props{BucketPrefix: prefix})
		})
	}
}

// TestPrivateBucketVersioned: versioning on, and old versions expire: without the rule a
// bucket synced with --delete keeps every replaced file forever.
func TestPrivateBucketVersioned(t *testing.T) {
	v := privatebucketStacks()
	s, versioned := v.logs, v.versioned
	id := versioned.Ref("aws_s3_bucket", "site", "id")
	testutil.AssertResource(t, versioned, "aws_s3_bucket_versioning", map[string]any{
		"bucket": id, "versioning_configuration": map[string]any{"status": "Enabled"},
	})
	testutil.AssertResource(t, versioned, "aws_s3_bucket_lifecycle_configuration", map[string]any{
		"bucket": id,
		"rule": []any{map[string]any{
			"id": "expire-noncurrent-versions", "status": "Enabled", "filter": map[string]any{"prefix": ""},
			"noncurrent_version_expiration":     map[string]any{"noncurrent_days": 30},
			"abort_incomplete_multipart_upload": map[string]any{"days_after_initiation": 1},
		}},
		"depends_on": []any{"aws_s3_bucket_versioning.site_versioning"},
	})
	if n := s.Count("aws_s3_bucket_versioning") + s.Count("aws_s3_bucket_lifecycle_configuration"); n != 0 {
		t.Errorf("the unversioned bucket has %d versioning or lifecycle resources, want none", n)
	}
}

func TestPrivateBucketVersionedPanicsOnZeroDays(t *testing.T) {
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "noncurrentDays 0") {
			t.Errorf("panic %q, want one naming noncurrentDays 0", msg)
		}
	}()
	privatebucket.New(testutil.NewStack(), "b", privatebucket.Props{BucketPrefix: "b-"}).Versioned(0)
}

// TestPrivateBucketNamedKMSProvider: Name fixes the whole name (no prefix),
// KmsKeyArn makes the default encryption SSE-KMS with a bucket key, and
// Provider puts every resource in that provider's region.
func TestPrivateBucketNamedKMSProvider(t *testing.T) {
	v := privatebucketStacks()
	s := v.named
	bucket := s.Resource(t, "aws_s3_bucket", "state")
	if bucket["bucket"] != "proj-terraform-state" || bucket["bucket_prefix"] != nil {
		t.Errorf("bucket %v, want bucket proj-terraform-state and no bucket_prefix", bucket)
	}
	testutil.AssertResource(t, s, "aws_s3_bucket_server_side_encryption_configuration", map[string]any{
		"bucket": s.Ref("aws_s3_bucket", "state", "id"),
		"rule": []any{map[string]any{"bucket_key_enabled": true, "apply_server_side_encryption_by_default": map[string]any{
			"sse_algorithm": "aws:kms", "kms_master_key_id": privatebucketKeyArn,
		}}},
	})
	n := 0
	for typ, byName := range s.Tree()["resource"].(map[string]any) {
		for name, r := range byName.(map[string]any) {
			n++
			if got := r.(map[string]any)["provider"]; got != "aws.west" {
				t.Errorf("%s.%s: provider %v, want aws.west", typ, name, got)
			}
		}
	}
	if n != 7 {
		t.Errorf("%d resources, want 7 (bucket, public access block, encryption, ownership, versioning, lifecycle, policy)", n)
	}

	// Zero values keep what the other buckets had: SSE-S3 without a bucket
	// key, the default provider.
	for name, r := range v.logs.Resources("aws_s3_bucket_server_side_encryption_configuration") {
		rule := r["rule"].([]any)[0].(map[string]any)
		if sse := rule["apply_server_side_encryption_by_default"].(map[string]any); sse["sse_algorithm"] != "AES256" || sse["kms_master_key_id"] != nil || rule["bucket_key_enabled"] != nil {
			t.Errorf("%s: rule %v, want AES256 alone", name, rule)
		}
		if r["provider"] != nil {
			t.Errorf("%s: provider %v, want the default", name, r["provider"])
		}
	}
}

func TestPrivateBucketNameOrPrefixPanics(t *testing.T) {
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, `BucketPrefix "b-" and Name "b" are both set`) {
			t.Errorf("panic %q, want one naming both", msg)
		}
	}()
	privatebucket.New(testutil.NewStack(), "b", privatebucket.Props{BucketPrefix: "b-", Name: "b"})
}
