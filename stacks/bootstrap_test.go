package stacks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/stacks"
)

func bootstrapStack(t *testing.T) *testutil.Synthesized {
	t.Helper()
	return testutil.Parse(bootstrapJSON)
}

func TestStateBuckets(t *testing.T) {
	env := func(file, bucket, region string) *environments.Environment {
		e := &environments.Environment{File: file}
		if bucket != "" {
			e.Backend = &environments.Backend{S3: &environments.S3Backend{Bucket: bucket, Region: region}}
		}
		return e
	}
	got, err := stacks.StateBuckets([]*environments.Environment{
		env("environments/dev.json", "", ""),
		env("environments/prod.json", "state-a", "eu-west-1"),
		env("environments/staging.json", "state-a", "eu-west-1"),
		env("environments/us.json", "state-b", "us-east-1"),
	})
	if want := "map[state-a:eu-west-1 state-b:us-east-1]"; err != nil || fmt.Sprint(got) != want {
		t.Errorf("StateBuckets = %v, %v; want %s", got, err, want)
	}
	_, err = stacks.StateBuckets([]*environments.Environment{env("environments/dev.json", "", "")})
	if err == nil || !strings.Contains(err.Error(), "no environment sets backend.s3") {
		t.Errorf("without backends: err = %v, want one saying no environment sets backend.s3", err)
	}
	_, err = stacks.StateBuckets([]*environments.Environment{
		env("environments/prod.json", "state-a", "eu-west-1"), env("environments/us.json", "state-a", "us-east-1"),
	})
	if want := `environments/us.json: backend.s3.region: "us-east-1", but environments/prod.json put bucket state-a in eu-west-1`; err == nil || err.Error() != want {
		t.Errorf("one bucket in two regions: err = %v, want %s", err, want)
	}
}

// TestBootstrap: the state bucket of prod's backend is private, versioned,
// encrypted with its own rotating key, TLS-only, keeps old versions 90 days,
// refuses destroy; the stack's own state is local at the project root.
func TestBootstrap(t *testing.T) {
	s := bootstrapStack(t)
	backend := stack(t, "prod").env.Backend.S3
	testutil.AssertResource(t, s, "aws_s3_bucket", map[string]any{"bucket": backend.Bucket, "lifecycle": map[string]any{"prevent_destroy": true}})
	bucket := s.Ref("aws_s3_bucket", "bucket", "id")
	key := s.Ref("aws_kms_key", "key", "arn")
	testutil.AssertResource(t, s, "aws_kms_key", map[string]any{"enable_key_rotation": true, "deletion_window_in_days": 30, "lifecycle": map[string]any{"prevent_destroy": true}})
	testutil.AssertResource(t, s, "aws_s3_bucket_versioning", map[string]any{"bucket": bucket, "versioning_configuration": map[string]any{"status": "Enabled"}})
	testutil.AssertResource(t, s, "aws_s3_bucket_server_side_encryption_configuration", map[string]any{
		"bucket": bucket,
		"rule": []any{map[string]any{"bucket_key_enabled": true,
			"apply_server_side_encryption_by_default": map[string]any{"sse_algorithm": "aws:kms", "kms_master_key_id": key}}},
	})
	testutil.AssertResource(t, s, "aws_s3_bucket_public_access_block", map[string]any{
		"bucket": bucket, "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true,
	})
	testutil.AssertResource(t, s, "aws_s3_bucket_ownership_controls", map[string]any{"bucket": bucket, "rule": map[string]any{"object_ownership": "BucketOwnerEnforced"}})
	testutil.AssertResource(t, s, "aws_s3_bucket_lifecycle_configuration", map[string]any{
		"bucket": bucket,
		"rule":   []any{map[string]any{"status": "Enabled", "noncurrent_version_expiration": map[string]any{"noncurrent_days": 90}}},
	})
	var tlsOnly bool
	for _, doc := range s.DataSources("aws_iam_policy_document") {
		for _, st := range doc["statement"].([]any) {
			st := st.(map[string]any)
			tlsOnly = tlsOnly || (st["effect"] == "Deny" && fmt.Sprint(st["condition"]) == "[map[test:Bool values:[false] variable:aws:SecureTransport]]")
		}
	}
	if !tlsOnly {
		t.Error("no Deny on aws:SecureTransport false in the bucket policy")
	}
	if got := fmt.Sprint(s.Tree()["terraform"].(map[string]any)["backend"]); got != "map[local:map[path:../../../../"+stacks.BootstrapStateFile+"]]" {
		t.Errorf("backend = %s, want local state at the project root", got)
	}
	if _, ok := s.Outputs()[stacks.OutputStateKeyArns]; !ok {
		t.Errorf("no output %s", stacks.OutputStateKeyArns)
	}
}

// TestBootstrapPlanAndScan plans the bootstrap stack and scans the plan: no
// HIGH or CRITICAL finding, and no rule of the ignore file applies to it.
func TestBootstrapPlanAndScan(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	assertCounts(t, plan(t, stacks.BootstrapStack), map[string]int{
		"aws_s3_bucket": 1, "aws_kms_key": 1, "aws_kms_alias": 1, "aws_s3_bucket_policy": 1, "aws_s3_bucket_lifecycle_configuration": 1,
	})
	findings := scanPlan(t, needTrivy(t), stacks.BootstrapStack)
	for _, f := range findings {
		switch {
		case f.Severity == "HIGH" || f.Severity == "CRITICAL":
			t.Errorf("bootstrap %s %s on %s: %s (accepted: %v)", f.ID, f.Severity, f.Resource, f.Title, f.Accepted)
		default:
			t.Logf("bootstrap %s %s %s: %s", f.ID, f.Severity, f.Resource, f.Title)
		}
	}
}
