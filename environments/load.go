package environments

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

// Embedded holds the environment files of this repository, so tests do not
// depend on the working directory.
//
//go:embed *.json
var Embedded embed.FS

// envNamePattern keeps environment names usable inside AWS resource names.
var envNamePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// LoadAll reads every *.json file at the top of fsys, sorted by name. dir is
// only used to label files in errors (e.g. "environments"). It returns all
// environments, or an error that lists every problem of every file.
func LoadAll(fsys fs.FS, dir string) ([]*Environment, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no environment files (*.json) found", dir)
	}
	sort.Strings(names)
	var envs []*Environment
	var errs []error
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		env, err := Parse(path.Join(dir, name), data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		envs = append(envs, env)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return envs, nil
}

// Parse decodes and validates one environment file. file is its path (for
// messages); the environment name is the file name without ".json".
func Parse(file string, data []byte) (*Environment, error) {
	name := strings.TrimSuffix(path.Base(file), ".json")
	if !envNamePattern.MatchString(name) {
		return nil, fmt.Errorf("%s: file name: environment name %q must be lowercase letters, digits and single hyphens, starting with a letter (e.g. dev.json)", file, name)
	}

	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %s", file, describeJSONError(data, err))
	}
	if _, ok := raw.(map[string]any); !ok {
		return nil, fmt.Errorf("%s: (top level): must be a JSON object, got %s", file, jsonKind(raw))
	}
	if unknown := unknownFields(raw, reflect.TypeOf(Environment{}), ""); len(unknown) > 0 {
		errs := make([]error, len(unknown))
		for i, u := range unknown {
			errs[i] = fmt.Errorf("%s: %s", file, u)
		}
		return nil, errors.Join(errs...)
	}

	env := Defaults()
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&env); err != nil {
		return nil, fmt.Errorf("%s: %s", file, describeJSONError(data, err))
	}
	env.Name = name
	env.File = file
	env.fillDerivedDefaults()
	if err := env.validate(); err != nil {
		return nil, err
	}
	return &env, nil
}

// UnmarshalJSON gives a backend block its defaults: encrypted, locked.
func (b *S3Backend) UnmarshalJSON(data []byte) error {
	type plain S3Backend
	p := plain{Encrypt: true, UseLockfile: true}
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*b = S3Backend(p)
	return nil
}

// fillDerivedDefaults sets the defaults that depend on other fields.
func (e *Environment) fillDerivedDefaults() {
	if e.Backend != nil && e.Backend.S3 != nil {
		if e.Backend.S3.Key == "" {
			e.Backend.S3.Key = e.ProjectName + "/" + e.Name + "/terraform.tfstate"
		}
		if e.Backend.S3.Region == "" {
			e.Backend.S3.Region = e.Region
		}
	}
	n := &e.Network
	if len(n.PublicSubnetCidrs) == 0 && len(n.PrivateSubnetCidrs) == 0 {
		if pub, priv, ok := deriveSubnets(n.VpcCidr); ok {
			n.PublicSubnetCidrs, n.PrivateSubnetCidrs = pub, priv
		}
	}
}

// describeJSONError turns a decoding error into "line L, column C: what".
func describeJSONError(data []byte, err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		// Offset counts the bytes read, the offending one included.
		line, col := position(data, max(syntax.Offset-1, 0))
		if syntax.Offset >= int64(len(data)) {
			return fmt.Sprintf("line %d: malformed JSON: the file ends early (unclosed object, list or string)", line)
		}
		return fmt.Sprintf("line %d, column %d: malformed JSON: %s", line, col, syntax.Error())
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		field := typ.Field
		if field == "" {
			field = "(top level)"
		}
		return fmt.Sprintf("%s: line %d, column %d: expected %s, got JSON %s", field, line, col, goKind(typ.Type), typ.Value)
	}
	return "malformed JSON: " + err.Error()
}

// position converts a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func goKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list of " + goKind(t.Elem()) + "s"
	case reflect.Map:
		return "an object of " + goKind(t.Elem()) + " values"
	case reflect.Struct, reflect.Pointer:
		return "an object"
	}
	return t.String()
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "a list"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "an object"
}

// unknownFields lists, sorted, every key of raw that t does not declare,
// with its dotted path and the keys that are allowed there.
func unknownFields(raw any, t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	obj, ok := raw.(map[string]any)
	if !ok || t.Kind() != reflect.Struct {
		return nil
	}
	known := map[string]reflect.Type{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		known[tag] = t.Field(i).Type
		names = append(names, tag)
	}
	sort.Strings(names)
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		ft, ok := known[k]
		if !ok {
			out = append(out, fmt.Sprintf("%s%s: unknown field; valid fields here: %s", prefix, k, strings.Join(names, ", ")))
			continue
		}
		out = append(out, unknownFields(obj[k], ft, prefix+k+".")...)
	}
	return out
}
