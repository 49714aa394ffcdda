package testutil

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// DecodeJSONEncode parses an attribute synthesized from cdktf's
// Fn.Jsonencode, a template "${jsonencode(<value>)}", into v, as Decode does
// for a JSON string. Strings read as they would in a JSON string attribute:
// a reference is "${type.name.attr}" and a literal "${" is "$${" (likewise
// "%%{"), so a test can tell a value that refers to a resource from one that
// merely looks like it.
func DecodeJSONEncode(t testing.TB, attr any, v any) {
	t.Helper()
	tree, err := jsonencodeArg(attr)
	if err != nil {
		t.Fatalf("attribute is not ${jsonencode(...)}: %v\n%v", err, attr)
	}
	data, _ := json.Marshal(tree)
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("jsonencode argument does not fit %T: %v\n%s", v, err, data)
	}
}

func jsonencodeArg(attr any) (any, error) {
	text, ok := attr.(string)
	if !ok {
		return nil, fmt.Errorf("attribute is %T, want a string", attr)
	}
	src := []byte(text)
	expr, diags := hclsyntax.ParseTemplate(src, "attr", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	wrap, ok := expr.(*hclsyntax.TemplateWrapExpr)
	if !ok {
		return nil, fmt.Errorf("not a single interpolation")
	}
	call, ok := wrap.Wrapped.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "jsonencode" || len(call.Args) != 1 {
		return nil, fmt.Errorf("not a call of jsonencode with one argument")
	}
	return hclTree(call.Args[0], src)
}

// hclTree turns an HCL value expression into plain Go values (maps, lists,
// strings, float64, bool, nil); parts that are not constants become
// "${<source>}".
func hclTree(e hclsyntax.Expression, src []byte) (any, error) {
	switch e := e.(type) {
	case *hclsyntax.ObjectConsExpr:
		out := map[string]any{}
		for _, item := range e.Items {
			k, diags := item.KeyExpr.Value(nil)
			if diags.HasErrors() || !k.Type().Equals(cty.String) {
				return nil, fmt.Errorf("object key %s is not a constant string", source(item.KeyExpr, src))
			}
			v, err := hclTree(item.ValueExpr, src)
			if err != nil {
				return nil, err
			}
			out[k.AsString()] = v
		}
		return out, nil
	case *hclsyntax.TupleConsExpr:
		out := make([]any, 0, len(e.Exprs))
		for _, x := range e.Exprs {
			v, err := hclTree(x, src)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case *hclsyntax.TemplateExpr:
		var b strings.Builder
		for _, part := range e.Parts {
			if lit, ok := part.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type().Equals(cty.String) {
				s := lit.Val.AsString()
				s = strings.ReplaceAll(s, "${", "$${")
				s = strings.ReplaceAll(s, "%{", "%%{")
				b.WriteString(s)
				continue
			}
			b.WriteString("${" + source(part, src) + "}")
		}
		return b.String(), nil
	case *hclsyntax.LiteralValueExpr:
		data, err := ctyjson.Marshal(e.Val, e.Val.Type())
		if err != nil {
			return nil, err
		}
		var v any
		err = json.Unmarshal(data, &v)
		return v, err
	}
	return "${" + source(e, src) + "}", nil
}

func source(e hclsyntax.Node, src []byte) string { return string(e.Range().SliceBytes(src)) }
