package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Stack is a cdk.tf.json: its default AWS provider's region, its resources by type and name.
type Stack struct {
	Path, Region string
	resources    map[string][]resource
}

// resource is one resource block of the stack.
type resource struct {
	Type, Name string
	Attrs      map[string]any
}

func (r resource) String() string { return r.Type + "." + r.Name }

// defaultStackDir is where `cdktf synth` writes each environment's stackFile.
const defaultStackDir, stackFile = "cdktf.out/stacks", "cdk.tf.json"

// StackPath resolves the -stack and -env flags to a cdk.tf.json path.
func StackPath(stack, env string) (string, error) {
	switch {
	case stack != "" && env != "":
		return "", fmt.Errorf("give -stack or -env, not both (got -stack %q and -env %q)", stack, env)
	case env != "":
		return filepath.Join(defaultStackDir, env, stackFile), nil
	case stack == "":
		return "", errors.New("no stack given: use -env dev (reads " + defaultStackDir + "/dev/" + stackFile + ") or -stack <dir or cdk.tf.json>")
	}
	if fi, err := os.Stat(stack); err == nil && fi.IsDir() {
		return filepath.Join(stack, stackFile), nil
	}
	return stack, nil
}

// estimateFile reads the stack at path and estimates it under a.
func estimateFile(path string, a Assumptions) (Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Report{}, fmt.Errorf("cannot read stack: %w (synthesize it first: cdktf synth)", err)
	}
	s, err := parseStack(data)
	if err == nil {
		s.Path = path
		var rep Report
		if rep, err = Estimate(s, a); err == nil {
			return rep, nil
		}
	}
	return Report{}, fmt.Errorf("stack %s: %w", path, err)
}

func parseStack(data []byte) (*Stack, error) {
	var doc struct {
		Provider map[string][]map[string]any
		Resource map[string]map[string]map[string]any
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not a synthesized cdktf stack (a JSON object with provider and resource): %w", err)
	}
	aws := doc.Provider["aws"]
	i := slices.IndexFunc(aws, func(p map[string]any) bool { return p["alias"] == nil })
	if i < 0 {
		return nil, errors.New("no AWS provider without an alias (provider.aws); is this a synthesized cdktf AWS stack?")
	}
	region, _ := aws[i]["region"].(string)
	if region == "" || strings.Contains(region, "${") {
		return nil, fmt.Errorf("provider.aws region is %q; the report needs a literal region (set Region on the AwsProvider)", region)
	}
	s := &Stack{Region: region, resources: map[string][]resource{}}
	for typ, byName := range doc.Resource {
		for _, name := range slices.Sorted(maps.Keys(byName)) {
			r := resource{typ, name, byName[name]}
			if r.Attrs["count"] != nil || r.Attrs["for_each"] != nil {
				return nil, fmt.Errorf("%s uses count or for_each; the report prices one instance per resource block", r)
			}
			s.resources[typ] = append(s.resources[typ], r)
		}
	}
	return s, nil
}

// refersTo reports whether attribute v refers to r, as in "service/${aws_ecs_cluster.c.name}/${aws_ecs_service.bridge.name}":
// it looks for the address of a resource of the stack instead of parsing expressions.
func refersTo(v any, r resource) bool {
	s, _ := v.(string)
	return strings.Contains(s, "${"+r.Type+"."+r.Name+".")
}

// number reads a numeric attribute, a JSON number or a numeric string (cdktf writes
// both); when absent, def, or a problem without def.
func (e *estimator) number(r resource, path string, def ...float64) float64 {
	v := get(r.Attrs, path)
	switch {
	case v == nil && len(def) > 0:
		return def[0]
	case v == nil:
		e.fail(r, "%s is missing", path)
	}
	f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
	if err != nil && v != nil {
		e.fail(r, "%s is %q, not a number (a Terraform expression cannot be priced)", path, fmt.Sprint(v))
	}
	return f
}

// get returns the attribute at a dotted path ("runtime_platform.cpu_architecture") through
// nested blocks, which cdktf renders as an object or a list of one.
func get(attrs map[string]any, path string) any {
	var v any = attrs
	for key := range strings.SplitSeq(path, ".") {
		if list, ok := v.([]any); ok && len(list) > 0 {
			v = list[0]
		}
		m, _ := v.(map[string]any)
		v = m[key]
	}
	return v
}

// blocks returns the items of a repeated nested block.
func blocks(v any) []map[string]any {
	list, _ := v.([]any)
	var out []map[string]any
	for _, item := range list {
		m, _ := item.(map[string]any)
		out = append(out, m)
	}
	return out
}
