// Package jsonencode builds JSON-valued attributes (a task's container
// definitions, a dashboard body) as Terraform's jsonencode() through cdktf's
// Fn, so they stay expressions in cdk.tf.json and in the HCL that
// `cdktf synth --hcl` writes.
package jsonencode

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Of returns Terraform's jsonencode(v) as a cdktf token (through
// cdktf's Fn), so the value stays an expression in both outputs: a hand-made
// JSON string with references inside is valid cdk.tf.json, but
// `cdktf synth --hcl` turns it into broken tokens. v is turned into plain
// maps and lists, and every string escaped for an HCL quoted string: cdktf
// 0.20.11 escapes "${" itself but not `"`, `\` or "%{", so without this a
// value such as `say "hi"` would end the string early.
func Of(v any) *string {
	data, err := json.Marshal(v)
	if err != nil {
		panic("jsonencode: " + err.Error()) // cannot happen: plain values
	}
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil {
		panic("jsonencode: " + err.Error())
	}
	return cdktf.Fn_Jsonencode(quoteStrings(tree))
}

// quoteStrings escapes every string (keys too) in a JSON tree of maps and
// lists for an HCL quoted string (see Of).
func quoteStrings(v any) any {
	switch v := v.(type) {
	case string:
		return hclQuoted(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = quoteStrings(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[hclQuoted(k)] = quoteStrings(x)
		}
		return out
	}
	return v // numbers, booleans, null
}

// hclQuoted escapes s for the inside of an HCL quoted string, except for
// "${", which cdktf escapes (and which marks its tokens).
func hclQuoted(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == '%' && strings.HasPrefix(s[i+1:], "{"):
			b.WriteString("%%") // "%%{" is a literal "%{", not a directive
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
