package environments

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzLoadAll feeds arbitrary bytes, as an environment file beside a valid
// one, to the loader. Whatever the input: no panic, and all or nothing:
// either every environment and no error, or no environment and an error of
// one line per problem, each naming the file. An accepted environment holds
// no string Terraform would evaluate and survives a round trip through JSON
// unchanged. `go test` runs the seed corpus; explore further with
// `go test ./environments -run '^$' -fuzz FuzzLoadAll -fuzztime 60s`.
func FuzzLoadAll(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add("fuzz.json", seed)
	}
	f.Add("Fuzz.JSON", []byte(minimal))
	f.Add(".hidden.json", []byte(minimal))
	f.Add("a-very-long-environment-name-x.json", []byte(minimal))

	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if !fs.ValidPath(name) || strings.Contains(name, "/") || name == "ok.json" || !isCandidate(name) {
			name = "fuzz.json"
		}
		fsys := fstest.MapFS{name: {Data: data}, "ok.json": {Data: []byte(minimal)}}
		envs, err := LoadAll(fsys, "envs")
		if (envs == nil) == (err == nil) {
			t.Fatalf("got %d environments and error %v; want exactly one of them", len(envs), err)
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "envs/") && !strings.HasPrefix(line, `"envs/`) {
					t.Fatalf("problem line does not name the file: %q", line)
				}
				if leaked.MatchString(line) {
					t.Fatalf("problem line shows an API key: %q", line)
				}
			}
			return
		}
		if len(envs) != 2 {
			t.Fatalf("got %d environments, want 2", len(envs))
		}
		for _, env := range envs {
			assertNoTemplates(t, reflect.ValueOf(env).Elem(), env.Name)
			assertRoundTrip(t, env)
		}
	})
}

// leaked matches an Anthropic key prefix followed by key characters.
var leaked = regexp.MustCompile(`(?i)sk-ant-[A-Za-z0-9_-]`)

func assertNoTemplates(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			assertNoTemplates(t, v.Elem(), path)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				assertNoTemplates(t, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			assertNoTemplates(t, v.Index(i), path)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			assertNoTemplates(t, k, path)
			assertNoTemplates(t, v.MapIndex(k), path)
		}
	case reflect.String:
		if s := v.String(); strings.Contains(s, "${") || strings.Contains(s, "%{") || strings.Contains(s, "TfToken[") {
			t.Fatalf("%s: accepted %q, which Terraform or cdktf would evaluate", path, s)
		}
	}
}

// assertRoundTrip writes env back as JSON, decodes it again over the
// defaults and validates it with the same fields marked as written: an
// accepted environment is stable, and valid as it stands.
func assertRoundTrip(t *testing.T, env *Environment) {
	t.Helper()
	// Go writes unset lists, maps and pointers as null, which a file may not hold.
	data, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	if data, err = json.Marshal(dropNulls(tree)); err != nil {
		t.Fatal(err)
	}
	again := Defaults()
	if err := json.Unmarshal(data, &again); err != nil {
		t.Fatal(err)
	}
	again.Name, again.File, again.set = env.Name, env.File, env.set
	if err := again.validate(); err != nil {
		t.Fatalf("accepted environment is invalid when read back: %v\n%s", err, data)
	}
	if !reflect.DeepEqual(*env, again) {
		t.Fatalf("round trip changed the environment:\nfirst  %+v\nsecond %+v", *env, again)
	}
}

func dropNulls(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if x == nil {
				delete(v, k)
			} else {
				v[k] = dropNulls(x)
			}
		}
	case []any:
		for i, x := range v {
			v[i] = dropNulls(x)
		}
	}
	return v
}

// fuzzSeeds are the repository's environment files, the examples, the bad
// inputs of testdata/bad and hand-made edge cases.
func fuzzSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, pattern := range []string{"*.json", "examples/*.json", "../testdata/bad/*.json"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, data)
		}
	}
	if len(seeds) < 20 {
		f.Fatalf("only %d seed files found", len(seeds))
	}
	for _, s := range []string{
		"", " ", "null", "[]", "{}", "0", `"x"`, "{", "}", "\xEF\xBB\xBF{}", "\xFF\xFE{\x00}\x00", "{\x00}",
		`{"region": "us-east-1", "region": "us-east-1"}`,
		`{"bridge": {"environment": {"A": "1", "A": "2"}}}`,
		`{"bridge": {"environment": {"A": null}}}`,
		`{"bridge": {"cpu": 1e3, "memory": 4096.0, "desiredCount": -0}}`,
		`{"bridge": {"desiredCount": 18446744073709551616}}`,
		`{"network": {"availabilityZones": ["us-east-1a", null]}}`,
		`{"bridge": {"image": "${TfToken[TOKEN.1]}"}}`,
		`{"bridge": {"nodeEnv": "%{ if x }y%{ endif }"}}`,
		`{"bridge": {"environment": {"anthropic-api-key": "sk-ant-api03-xyz"}}}`,
		`{"region": "ap-east-2", "network": {"availabilityZones": ["ap-east-2a", "ap-east-2b"]}, "bridge": {"imageTag": "1.0.0"}}`,
		`{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0", "image": "ghcr.io/org/bridge@sha256:` + strings.Repeat("a", 64) + `"}}`,
		`{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"], "bridgeEgressPorts": [443, 443]}, "bridge": {"imageTag": "1.0.0"}}`,
		`{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0", "environment": {"LOG": "a\tb\nc"}}}`,
		`{"x": ` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`,
		`{"region": "us-east-1"} // c`,
		"{\"region\": \"\\ud800\"}",
		"{\"region\": \"us-east-1\xff\"}",
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}
