package modules_test

import (
	"fmt"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/cdnlogs"
)

const cdnDistributionArn = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"

// cdnlogsStack is the module with a 90-day retention, synthesized once.
var cdnlogsStack = synthOnce(func() *testutil.Synthesized {
	stack := testutil.NewStack()
	cdnlogs.New(stack, "cdn_logs", cdnlogs.Props{NamePrefix: "proj-prod", DistributionArn: jsii.String(cdnDistributionArn), RetentionDays: 90})
	return testutil.Synth(stack)
})

func TestCDNLogsDelivery(t *testing.T) {
	s := cdnlogsStack()
	testutil.AssertResource(t, s, "aws_cloudwatch_log_group", map[string]any{"name": "/aws/vendedlogs/cloudfront/proj-prod", "retention_in_days": 90})
	testutil.AssertResource(t, s, "aws_cloudwatch_log_delivery_source", map[string]any{"name": "proj-prod-cloudfront", "log_type": "ACCESS_LOGS", "resource_arn": cdnDistributionArn})
	testutil.AssertResource(t, s, "aws_cloudwatch_log_delivery_destination", map[string]any{
		"name": "proj-prod-cloudfront", "output_format": "json",
		"delivery_destination_configuration": []any{map[string]any{"destination_resource_arn": s.Ref("aws_cloudwatch_log_group", "log_group", "arn")}},
	})
	testutil.AssertResource(t, s, "aws_cloudwatch_log_delivery", map[string]any{
		"delivery_source_name":     s.Ref("aws_cloudwatch_log_delivery_source", "delivery_source", "name"),
		"delivery_destination_arn": s.Ref("aws_cloudwatch_log_delivery_destination", "delivery_destination", "arn"),
		"depends_on":               []any{"aws_cloudwatch_log_resource_policy." + resourceName(t, s, "aws_cloudwatch_log_resource_policy", "")},
	})
	// Not legacy logging: no bucket, no ACLs.
	if n := s.Count("aws_s3_bucket"); n != 0 {
		t.Errorf("%d buckets, want none", n)
	}
}

// TestCDNLogsWritePolicy: only the log delivery service, for this account's
// delivery sources, may write, and only streams of this group.
func TestCDNLogsWritePolicy(t *testing.T) {
	s := cdnlogsStack()
	var docs []map[string]any
	for _, d := range s.DataSources("aws_iam_policy_document") {
		docs = append(docs, d)
	}
	if len(docs) != 1 {
		t.Fatalf("%d policy documents, want 1", len(docs))
	}
	group := s.Ref("aws_cloudwatch_log_group", "log_group", "arn")
	account := fmt.Sprintf(`${element(split(":", %s), 4)}`, group[2:len(group)-1])
	want := fmt.Sprint([]any{map[string]any{
		"sid": "LogDeliveryWrite", "effect": "Allow",
		"actions":    []any{"logs:CreateLogStream", "logs:PutLogEvents"},
		"resources":  []any{group + ":log-stream:*"},
		"principals": []any{map[string]any{"type": "Service", "identifiers": []any{"delivery.logs.amazonaws.com"}}},
		"condition": []any{
			map[string]any{"test": "StringEquals", "variable": "aws:SourceAccount", "values": []any{account}},
			map[string]any{"test": "ArnLike", "variable": "aws:SourceArn", "values": []any{"arn:aws:logs:us-east-1:" + account + ":*"}},
		},
	}})
	if got := fmt.Sprint(docs[0]["statement"]); got != want {
		t.Errorf("write policy:\n got %s\nwant %s", got, want)
	}
}

// The module plans against the provider inside prod: the stacks' plan tier
// (TestPlanResourceCounts) counts its delivery, source and destination.
