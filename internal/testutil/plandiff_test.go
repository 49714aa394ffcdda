package testutil

import (
	"encoding/json"
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

func planOf(t *testing.T, changes string) *tfjson.Plan {
	t.Helper()
	var p tfjson.Plan
	doc := `{"format_version": "1.2", "resource_changes": ` + changes + `}`
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func TestDiffPlans(t *testing.T) {
	base := `[
	  {"address": "aws_vpc.a", "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/16", "tags": {"Name": "a"}}, "after_unknown": {"id": true}, "after_sensitive": {}}},
	  {"address": "aws_subnet.b", "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/20"}, "after_unknown": {"id": true}, "after_sensitive": {}}}
	]`
	tests := []struct {
		name  string
		other string
		want  []string
	}{
		{"same plan", base, nil},
		{"value", `[
		  {"address": "aws_vpc.a", "change": {"actions": ["create"], "after": {"cidr_block": "10.1.0.0/16", "tags": {"Name": "a"}}, "after_unknown": {"id": true}, "after_sensitive": {}}},
		  {"address": "aws_subnet.b", "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/20"}, "after_unknown": {"id": true}, "after_sensitive": {}}}
		]`, []string{`aws_vpc.a: planned values differ at cidr_block: "10.0.0.0/16" vs "10.1.0.0/16"`}},
		{"unknown", `[
		  {"address": "aws_vpc.a", "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/16"}, "after_unknown": {"id": true, "tags": true}, "after_sensitive": {}}},
		  {"address": "aws_subnet.b", "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/20"}, "after_unknown": {"id": true}, "after_sensitive": {}}}
		]`, []string{
			`aws_vpc.a: planned values differ at tags: {"Name":"a"} vs null`,
			`aws_vpc.a: unknown after apply differ at tags: null vs true`,
		}},
		{"address and action", `[
		  {"address": "aws_vpc.renamed", "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/16", "tags": {"Name": "a"}}, "after_unknown": {"id": true}, "after_sensitive": {}}},
		  {"address": "aws_subnet.b", "change": {"actions": ["delete", "create"], "after": {"cidr_block": "10.0.0.0/20"}, "after_unknown": {"id": true}, "after_sensitive": {}}}
		]`, []string{
			`aws_subnet.b: actions [create] vs [delete create]`,
			`aws_vpc.a: only in the first plan`,
			`aws_vpc.renamed: only in the second plan`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DiffPlans(planOf(t, base), planOf(t, tt.other))
			if !slices.Equal(got, tt.want) {
				t.Errorf("DiffPlans =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
