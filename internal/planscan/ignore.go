package planscan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// IgnoreFile is the list of accepted findings, in the schema of Trivy's
// .trivyignore.yaml (misconfigurations only) plus one key of ours:
//
//	misconfigurations:
//	  - id: AWS-0053                  # the check (Finding.ID)
//	    statement: the ALB is public by design: CloudFront and n8n call it
//	    paths: [dev.tfplan.json]      # optional: plan file names (globs)
//	    resources: [aws_lb.alb_*]     # optional, ours: resource addresses (globs)
//	    expired_at: 2026-12-31        # optional: the rule stops matching after
//
// The rules are applied here, not by Trivy: Trivy matches "paths" against the
// file it made from the plan (always "main.tf"), so it cannot tell one
// environment's plan from another, and it cannot scope a rule to one
// resource. Trivy skips the "resources" key, so `trivy config --ignorefile`
// accepts more than this package does, never less.
type IgnoreFile struct {
	Path  string
	Rules []*Rule
}

// Rule accepts the findings of one check, optionally only in some plan files
// and on some resources.
type Rule struct {
	// ID of the check, as Trivy reports it in Finding.ID ("AWS-0104").
	ID string `yaml:"id"`
	// Statement is why the finding is accepted. Required.
	Statement string `yaml:"statement"`
	// Paths are globs on the base name of the scanned plan file. Empty: every plan.
	Paths []string `yaml:"paths"`
	// Resources are globs on the resource address. Empty: every resource.
	Resources []string `yaml:"resources"`
	// ExpiredAt, if set, is when the rule stops matching.
	ExpiredAt time.Time `yaml:"expired_at"`
	// Line is where the rule starts in the file.
	Line int `yaml:"-"`
}

// String names the rule for messages: "line 12 (AWS-0104)".
func (r *Rule) String() string { return fmt.Sprintf("line %d (%s)", r.Line, r.ID) }

// LoadIgnoreFile reads and checks an ignore file. Every problem is reported,
// each with its line: unknown keys (a misspelled "paths" would widen a rule
// to every plan), a rule without an id or without a statement, a bad glob.
func LoadIgnoreFile(file string) (*IgnoreFile, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	f, err := ParseIgnoreFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	f.Path = file
	return f, nil
}

// ParseIgnoreFile parses and checks the content of an ignore file.
func ParseIgnoreFile(data []byte) (*IgnoreFile, error) {
	var doc struct {
		Misconfigurations []*Rule `yaml:"misconfigurations"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		if _, ok := err.(*yaml.TypeError); ok {
			return nil, fmt.Errorf("%w\n(allowed: \"misconfigurations\", a list of id, statement, paths, resources, expired_at)", err)
		}
		return nil, err
	}
	// A second pass over the node tree gives each rule its line.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	for i, line := range ruleLines(&root) {
		if i < len(doc.Misconfigurations) {
			doc.Misconfigurations[i].Line = line
		}
	}

	var errs []error
	for _, r := range doc.Misconfigurations {
		if r == nil {
			errs = append(errs, errors.New("an empty rule"))
			continue
		}
		if strings.TrimSpace(r.ID) == "" {
			errs = append(errs, fmt.Errorf("line %d: no id (the check ID Trivy reports, e.g. AWS-0104)", r.Line))
		}
		if strings.TrimSpace(r.Statement) == "" {
			errs = append(errs, fmt.Errorf("%s: no statement: say why the finding is accepted", r))
		}
		for _, g := range append(append([]string{}, r.Paths...), r.Resources...) {
			if _, err := path.Match(g, ""); err != nil || g == "" {
				errs = append(errs, fmt.Errorf("%s: bad glob %q", r, g))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &IgnoreFile{Rules: doc.Misconfigurations}, nil
}

// ruleLines returns the line of each item of the "misconfigurations" list.
func ruleLines(root *yaml.Node) []int {
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "misconfigurations" {
			var lines []int
			for _, item := range m.Content[i+1].Content {
				lines = append(lines, item.Line)
			}
			return lines
		}
	}
	return nil
}

// Match returns the first rule that accepts finding f in the plan file
// planFile at time now, or nil.
func (f *IgnoreFile) Match(planFile string, finding Finding, now time.Time) *Rule {
	if f == nil {
		return nil
	}
	for _, r := range f.Rules {
		if r.matches(filepath.Base(planFile), finding, now) {
			return r
		}
	}
	return nil
}

func (r *Rule) matches(planName string, f Finding, now time.Time) bool {
	if !r.ExpiredAt.IsZero() && r.ExpiredAt.Before(now) { // as Trivy prunes
		return false
	}
	if r.ID != f.ID && (f.AVDID == "" || r.ID != f.AVDID) {
		return false
	}
	return matchAny(r.Paths, planName) && matchAny(r.Resources, f.Resource)
}

// matchAny reports whether name matches one of globs; no globs match all.
func matchAny(globs []string, name string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}
