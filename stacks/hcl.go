package stacks

import (
	"maps"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webacl"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// PrepareHCL readies a finished stack for HCL output (`cdktf synth --hcl`,
// which sets SYNTH_HCL_OUTPUT=true for the app). cdktf 0.20.11 writes an
// attribute the provider bindings leave untyped as "[object Object]", and
// the wafv2 rule `statement` is one: its schema nests too deep for the
// binding generator. So the rules of every web ACL are moved into an
// override in the shape cdktf's HCL renderer reads, each object a block,
// from the stack's own resolved JSON: the HCL states the same rules. The
// stack must not be synthesized as JSON afterwards.
func PrepareHCL(stack cdktf.TerraformStack) {
	tree, _ := stack.ToTerraform().(map[string]any)
	resources, _ := tree["resource"].(map[string]any)
	acls, _ := resources["aws_wafv2_web_acl"].(map[string]any)
	for _, c := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if r, ok := c.(cdktf.TerraformResource); ok {
			keepTrailingNewlines(r, resources)
		}
		acl, ok := c.(wafv2webacl.Wafv2WebAcl)
		if !ok {
			continue
		}
		body, _ := acls[*acl.FriendlyUniqueId()].(map[string]any)
		rules, _ := body["rule"].([]any)
		if len(rules) == 0 {
			continue
		}
		acl.ResetRule()
		acl.AddOverride(jsii.String("rule"), hclBlocks(rules))
	}
}

// keepTrailingNewlines makes a multi-line string attribute of a resource
// (a CloudFront function's code) come out of the HCL as it is in the JSON:
// cdktf writes such a string as a heredoc, which adds a newline of its own at
// the end. An override is written as a quoted string as it is, so the string
// is handed over with its backslashes and newlines escaped the HCL way.
func keepTrailingNewlines(r cdktf.TerraformResource, resources map[string]any) {
	byName, _ := resources[*r.TerraformResourceType()].(map[string]any)
	body, _ := byName[*r.FriendlyUniqueId()].(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(body)) {
		if v, ok := body[k].(string); ok && strings.Contains(v, "\n") {
			r.AddOverride(jsii.String(k), strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(v))
		}
	}
}

// hclBlocks describes a list of blocks (JSON objects) to cdktf's HCL
// renderer: every nested object is a block, a list of objects repeated
// blocks; strings, numbers, booleans and lists of them are attributes, left
// for the renderer to quote.
func hclBlocks(list []any) map[string]any {
	var blocks []any
	for _, item := range list {
		blocks = append(blocks, hclBody(item.(map[string]any)))
	}
	return map[string]any{"value": blocks, "isBlock": true, "type": "list", "storageClassType": "list"}
}

func hclBody(obj map[string]any) map[string]any {
	out := map[string]any{}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch v := obj[k].(type) {
		case map[string]any:
			out[k] = map[string]any{"value": hclBody(v), "isBlock": true, "type": "struct", "storageClassType": "struct"}
		case []any:
			if len(v) > 0 {
				if _, isObject := v[0].(map[string]any); isObject {
					out[k] = hclBlocks(v)
					continue
				}
			}
			out[k] = v
		default:
			out[k] = v
		}
	}
	return out
}
