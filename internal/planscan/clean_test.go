package planscan

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "drops the literal beside references",
			in:   `{"vpc_id": {"constant_value": "${aws_vpc.v.id}", "references": ["aws_vpc.v.id", "aws_vpc.v"]}}`,
			want: `{"vpc_id": {"references": ["aws_vpc.v.id", "aws_vpc.v"]}}`,
		},
		{
			name: "keeps a constant alone",
			in:   `{"to_port": {"constant_value": 443}, "name": {"constant_value": "x"}}`,
			want: `{"to_port": {"constant_value": 443}, "name": {"constant_value": "x"}}`,
		},
		{
			name: "keeps references alone",
			in:   `{"arn": {"references": ["aws_s3_bucket.b.arn"]}}`,
			want: `{"arn": {"references": ["aws_s3_bucket.b.arn"]}}`,
		},
		{
			name: "nested blocks and child modules",
			in: `{"configuration": {"root_module": {
				"resources": [{"expressions": {"statement": [{"resources": {"constant_value": ["${a.b.arn}"], "references": ["a.b.arn"]}, "sid": {"constant_value": "S"}}]}}],
				"module_calls": {"m": {"module": {"resources": [{"expressions": {"x": {"constant_value": "${c.d.id}", "references": ["c.d.id"]}}}]}}}}}}`,
			want: `{"configuration": {"root_module": {
				"resources": [{"expressions": {"statement": [{"resources": {"references": ["a.b.arn"]}, "sid": {"constant_value": "S"}}]}}],
				"module_calls": {"m": {"module": {"resources": [{"expressions": {"x": {"references": ["c.d.id"]}}}]}}}}}}`,
		},
		{
			name: "drops unknown list elements",
			in:   `{"after": {"statement": [{"resources": [null, "arn:aws:s3:::b", null], "actions": [null]}]}}`,
			want: `{"after": {"statement": [{"resources": ["arn:aws:s3:::b"], "actions": []}]}}`,
		},
		{
			name: "keeps null attributes",
			in:   `{"after": {"kms_key_id": null, "tags": {"Name": null}}}`,
			want: `{"after": {"kms_key_id": null, "tags": {"Name": null}}}`,
		},
		{
			name: "keeps the text of numbers",
			in:   `{"n": 12345678901234567890, "f": 0.10}`,
			want: `{"n": 12345678901234567890, "f": 0.10}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Clean([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, got, []byte(tt.want)) {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestCleanErrors(t *testing.T) {
	for _, in := range []string{``, `{"a": `, `{} {}`} {
		if _, err := Clean([]byte(in)); err == nil || !strings.Contains(err.Error(), "plan JSON") {
			t.Errorf("Clean(%q): error %v, want a plan JSON error", in, err)
		}
	}
}

// TestCleanPlan runs Clean over a real plan: the literal of every reference
// goes, nothing else in the configuration does.
func TestCleanPlan(t *testing.T) {
	raw := readFile(t, "testdata/plan.json")
	if !strings.Contains(string(raw), `"${aws_vpc.networking_vpc_7065E1BC.id}"`) || !strings.Contains(string(raw), "[\n                  null,") {
		t.Fatal("testdata/plan.json lacks the literal or the unknown elements this test is about")
	}
	got, err := Clean(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"${aws_vpc.networking_vpc_7065E1BC.id}"`, `[null`, `null]`} {
		if strings.Contains(string(got), s) {
			t.Errorf("cleaned plan still has %s", s)
		}
	}
	for _, s := range []string{`"constant_value":443`, `"constant_value":"WriteFlowLogs"`, `"references":["aws_vpc.networking_vpc_7065E1BC.id"`} {
		if !strings.Contains(string(got), s) {
			t.Errorf("cleaned plan lost %s", s)
		}
	}
}

// sameJSON compares two documents, numbers by their text.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	return reflect.DeepEqual(decode(t, a), decode(t, b))
}

func decode(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	return v
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
