// Package planscan scans Terraform plan JSON with Trivy: it prepares the plan
// so Trivy reads what Terraform will do, runs `trivy config` offline and reads
// its report, and applies the ignore file that records why a finding is
// accepted.
package planscan

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Clean returns planJSON rewritten so that Trivy v0.74 reads it faithfully.
// The whole document is walked; numbers keep their exact text.
//
//   - It drops the "constant_value" of every expression that also has
//     "references". In a plan made from .tf.json, Terraform describes a "${…}"
//     string in the configuration section with both keys: the references and
//     the literal template text. Trivy's plan parser takes whichever key it
//     meets first while ranging over a Go map, so on some runs it reads the
//     literal "${aws_vpc.x.id}" instead of following the reference (which it
//     needs, e.g., to tie a security-group rule to its group).
//   - It drops null elements from arrays. Terraform writes a list element it
//     cannot know until apply (an ARN in an IAM policy document) as null;
//     Trivy renders it as "<nil>" in the HCL it makes from the plan, which
//     then fails to parse, and Trivy scans nothing and reports no failures.
//     An unknown element is a reference to another resource, never a
//     wildcard or a public CIDR, so no check can miss anything without it.
func Clean(planJSON []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(planJSON))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("plan JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("plan JSON: more than one value")
	}
	doc = clean(doc)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // keep "<", ">" and "&" readable
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func clean(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["references"]; ok {
			delete(v, "constant_value")
		}
		for k, child := range v {
			v[k] = clean(child)
		}
		return v
	case []any:
		kept := v[:0]
		for _, child := range v {
			if child != nil {
				kept = append(kept, clean(child))
			}
		}
		return kept
	default:
		return v
	}
}
