package environments

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Embedded holds the environment files of this repository, so tests do not
// depend on the working directory.
//
//go:embed *.json
var Embedded embed.FS

// envNamePattern keeps environment names usable as stack names and inside
// AWS resource names.
var envNamePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// LoadDir reads every environment file of the folder dir, as the app does
// with its -environments flag. Only regular files are read, each at most
// MaxFileBytes: a FIFO, a device or a dangling symbolic link is reported, it
// never blocks the run. It returns all environments, or an error with one
// line per problem of every file.
func LoadDir(dir string) ([]*Environment, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: folder not found; -environments must name a folder of <env>.json files (default: environments)", label(dir))
	case err != nil:
		return nil, fmt.Errorf("%s: cannot read the folder: %v", label(dir), errors.Unwrap(err))
	case !info.IsDir():
		return nil, fmt.Errorf("%s: is not a folder; -environments must name a folder of <env>.json files (default: environments)", label(dir))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot list the folder: %v", label(dir), errors.Unwrap(err))
	}
	var files []file
	for _, e := range entries {
		if isCandidate(e.Name()) {
			data, problem := readRegular(filepath.Join(dir, e.Name()))
			files = append(files, file{e.Name(), data, problem})
		}
	}
	return build(dir, files)
}

// LoadAll reads every environment file at the top of fsys (the embedded
// files, a test's fstest.MapFS). dir labels the files in errors (e.g.
// "environments"). The checks are those of LoadDir, by file mode only.
func LoadAll(fsys fs.FS, dir string) ([]*Environment, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("%s: cannot list the folder: %v", label(dir), err)
	}
	var files []file
	for _, e := range entries {
		if !isCandidate(e.Name()) {
			continue
		}
		data, problem := readFS(fsys, e.Name())
		files = append(files, file{e.Name(), data, problem})
	}
	return build(dir, files)
}

// file is a candidate environment file: its content, or why it was not read.
type file struct {
	name    string
	data    []byte
	problem string
}

// isCandidate reports whether a folder entry looks like an environment file.
// The extension matches in any case so that dev.JSON is reported, not skipped.
func isCandidate(name string) bool {
	return strings.EqualFold(path.Ext(name), ".json")
}

// readRegular reads the file at p if it is a regular file (following symbolic
// links) of at most MaxFileBytes. It opens with O_NONBLOCK and checks the
// opened file's mode, so a FIFO swapped in after the first check cannot
// block either.
func readRegular(p string) ([]byte, string) {
	info, err := os.Lstat(p)
	if err != nil {
		return nil, "cannot be read: " + reason(err)
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(p)
		info, err = os.Stat(p)
		switch {
		case errors.Is(err, syscall.ELOOP):
			return nil, fmt.Sprintf("is a symbolic link loop (-> %q); point it at a regular file", target)
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Sprintf("is a symbolic link to %q, which does not exist; fix or remove the link", target)
		case err != nil:
			return nil, "cannot follow the symbolic link: " + reason(err)
		}
	}
	if problem := checkMode(info); problem != "" {
		return nil, problem
	}
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, "cannot be read: " + reason(err)
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, "cannot be read: " + reason(err)
	}
	if problem := checkMode(info); problem != "" {
		return nil, problem
	}
	return readLimited(f)
}

// readFS is readRegular for an fs.FS: fs.Stat follows symbolic links.
func readFS(fsys fs.FS, name string) ([]byte, string) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, "cannot be read (a dangling symbolic link?): " + reason(err)
	}
	if problem := checkMode(info); problem != "" {
		return nil, problem
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, "cannot be read: " + reason(err)
	}
	defer f.Close()
	return readLimited(f)
}

// checkMode refuses everything but a regular file of at most MaxFileBytes.
func checkMode(info fs.FileInfo) string {
	const only = "; only regular files are read as environments"
	m := info.Mode()
	switch {
	case m.IsDir():
		return "is a folder, not a file" + only
	case m&fs.ModeNamedPipe != 0:
		return "is a named pipe (FIFO), not a file" + only
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return "is a device, not a file" + only
	case m&fs.ModeSocket != 0:
		return "is a socket, not a file" + only
	case !m.IsRegular():
		return "is not a regular file" + only
	case info.Size() > MaxFileBytes:
		return fmt.Sprintf("is %d bytes; an environment file may have at most %d (1 MiB)", info.Size(), MaxFileBytes)
	}
	return ""
}

func readLimited(r io.Reader) ([]byte, string) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, "cannot be read: " + reason(err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Sprintf("is more than %d bytes; an environment file may have at most %d (1 MiB)", MaxFileBytes, MaxFileBytes)
	}
	return data, ""
}

// reason is the cause of a file system error without the path (the message
// names the file already).
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// label prints a path as it is, or quoted when it is empty or holds
// characters (a newline, a control character) that would break the
// one-line-per-problem output.
func label(p string) string {
	if p != "" && strconv.CanBackquote(p) && !strings.ContainsAny(p, "`") {
		return p
	}
	return strconv.Quote(p)
}

// build parses the files (sorted by name), checks them against each other,
// and returns every environment or every problem.
func build(dir string, files []file) ([]*Environment, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no environment files (*.json) found; add one, e.g. dev.json", label(dir))
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.name, b.name) })
	var envs []*Environment
	var errs []error
	lower := map[string]string{}
	for _, f := range files {
		file := label(path.Join(filepath.ToSlash(dir), f.name))
		if other, ok := lower[strings.ToLower(f.name)]; ok {
			errs = append(errs, fmt.Errorf("%s: file name: differs from %s only in letter case; on macOS and Windows they are the same file: keep one", file, other))
		}
		lower[strings.ToLower(f.name)] = f.name
		if f.problem != "" {
			errs = append(errs, fmt.Errorf("%s: %s", file, f.problem))
			continue
		}
		env, err := parse(file, f.name, f.data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		envs = append(envs, env)
	}
	errs = append(errs, acrossFiles(envs)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return envs, nil
}

// Parse decodes and validates one environment file. file is its path (for
// messages); the environment name is the file name without ".json".
func Parse(file string, data []byte) (*Environment, error) {
	return parse(file, path.Base(filepath.ToSlash(file)), data)
}

// parse checks, in order, the file name, the encoding, the JSON syntax, the
// JSON against the Environment type, and then the values; each stage reports
// every problem it finds, and a stage runs only on what the previous accepted.
func parse(file, base string, data []byte) (*Environment, error) {
	fail := func(msg string) error {
		p := &problems{file: file}
		p.line(msg)
		return p.err()
	}
	name, problem := envName(base)
	if problem != "" {
		return nil, fail("file name: " + problem)
	}
	if problem := checkEncoding(data); problem != "" {
		return nil, fail(problem)
	}
	tree, problem := parseTree(data)
	if problem != "" {
		return nil, fail(problem)
	}
	if tree.kind != kObject {
		return nil, fail(fmt.Sprintf("(top level): must be a JSON object, got %s", tree.kind))
	}
	check := &schemaCheck{set: map[string]bool{}}
	check.walk(tree, reflect.TypeOf(Environment{}), "")
	if len(check.problems) > 0 {
		p := &problems{file: file}
		check.report(p)
		return nil, p.err()
	}

	env := Defaults()
	if err := json.Unmarshal(data, &env); err != nil {
		// Cannot happen after the checks above; reported, never a panic.
		return nil, fail("malformed JSON: " + err.Error())
	}
	env.Name = name
	env.File = file
	env.set = check.set
	env.fillDerivedDefaults()
	if err := env.validate(); err != nil {
		return nil, err
	}
	return &env, nil
}

// envName derives the environment (and stack) name from a file name, or
// says why the file name cannot be one.
func envName(base string) (string, string) {
	stem := base[:len(base)-len(path.Ext(base))]
	switch {
	case path.Ext(base) != ".json":
		return "", fmt.Sprintf("the extension must be .json in lowercase; rename the file to %s", label(stem+".json"))
	case strings.HasPrefix(base, "."):
		return "", "a hidden file is not an environment; rename it (e.g. dev.json) or move it out of the folder"
	case !envNamePattern.MatchString(stem):
		return "", fmt.Sprintf("environment name %s must be lowercase letters, digits and single hyphens, starting with a letter (e.g. dev.json): it names the stack and AWS resources", strconv.Quote(shorten(stem)))
	case slices.Contains(reservedStackNames, stem):
		return "", fmt.Sprintf("environment name %q is reserved: the CDKTF app (JavaScript constructs) cannot hold a stack of that name; rename the file (any other lowercase name, e.g. %s-env.json)", stem, stem)
	}
	return stem, ""
}

// reservedStackNames are names envNamePattern lets through that the
// constructs library refuses as construct IDs: it keeps a scope's children in
// a plain JavaScript object, so a name of a property every object inherits
// counts as taken ("There is already a Construct with name 'constructor'").
// Of Object.prototype's properties only "constructor" is lowercase letters;
// prototype, tostring, valueof, hasownproperty and the like were tried and
// synthesize.
var reservedStackNames = []string{"constructor"}

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
	if e.Alerts.Enabled == nil {
		on := e.Protected
		e.Alerts.Enabled = &on
	}
	lb := &e.LoadBalancer
	if lb.Exposure == "" {
		lb.Exposure = ExposurePublic
		if e.Protected {
			lb.Exposure = ExposureCloudFront
		}
	}
	// nil: left out. An explicit [] stays empty, and validation refuses it.
	if lb.AllowedCidrs == nil && lb.Exposure == ExposurePublic {
		lb.AllowedCidrs = []string{"0.0.0.0/0"}
	}
	n := &e.Network
	if len(n.PublicSubnetCidrs) == 0 && len(n.PrivateSubnetCidrs) == 0 {
		if pub, priv, ok := deriveSubnets(n.VpcCidr); ok {
			n.PublicSubnetCidrs, n.PrivateSubnetCidrs = pub, priv
		}
	}
}

// redact hides whatever follows an Anthropic key prefix, so a key pasted
// into the wrong field never reaches a terminal or a CI log.
func redact(msg string) string {
	if !strings.Contains(strings.ToLower(msg), "sk-ant-") {
		return msg // the common case, without the cost of a case-insensitive regexp
	}
	return anthropicKey.ReplaceAllString(msg, "sk-ant-…")
}

var anthropicKey = regexp.MustCompile(`(?i)sk-ant-[A-Za-z0-9_-]+`)
