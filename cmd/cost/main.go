// Command cost prints an itemised monthly cost estimate of a synthesized
// environment stack (cdktf.out/stacks/<env>/cdk.tf.json) at the AWS us-east-1
// list prices of prices.go, under usage assumptions given as flags.
//
//	go run ./cmd/cost -env dev                 # table for people
//	go run ./cmd/cost -stack cdktf.out/stacks/prod -json
//	go run ./cmd/cost -update-readme           # README.md's cost section (dev and prod)
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the command; it returns the exit code: 0 done, 1 failed, 2 bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cost", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack directory (cdktf.out/stacks/<env>) or its cdk.tf.json")
	env := fs.String("env", "", "environment name; short for -stack "+defaultStackDir+"/<env>")
	asJSON := fs.Bool("json", false, "print JSON for tools instead of a table")
	updateReadme := fs.Bool("update-readme", false, "rewrite the cost section of "+readmeFile+" from "+readmeDev+" and "+readmeProd+" (run from the repository root)")
	a := DefaultAssumptions()
	fs.BoolVar(&a.AlwaysOn, "always-on", false, "price services with an office-hours schedule as running all month")
	for _, f := range a.fields() {
		fs.Func(f.Flag, f.Usage+" (default "+flagNum(*f.Value)+")", func(s string) (err error) {
			*f.Value, err = strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
			switch v := *f.Value; {
			case err != nil:
				return errors.New("not a number")
			case !(v >= 0 && v < math.Inf(1)): // NaN too
				return errors.New("want a number >= 0")
			case f.Flag == "hours" && v > 744:
				return errors.New("a month has at most 744 hours")
			case f.Flag == "spot-discount" && v >= 1:
				return errors.New("want a fraction below 1 (0.70 is 70% off)")
			}
			return nil
		})
	}
	if err := fs.Parse(args); err != nil {
		return map[bool]int{true: 0, false: 2}[errors.Is(err, flag.ErrHelp)] // -h is no error
	}
	exit := func(code int, err error) int {
		if err == nil {
			return 0
		}
		fmt.Fprintln(stderr, "cost:", err)
		return code
	}
	path, pathErr := StackPath(*stack, *env)
	switch {
	case fs.NArg() > 0:
		return exit(2, fmt.Errorf("unexpected argument %q; flags only (see -h)", fs.Arg(0)))
	case *updateReadme && (*stack != "" || *env != "" || *asJSON):
		return exit(2, errors.New("-update-readme reads "+readmeDev+" and "+readmeProd+"; drop -stack, -env and -json"))
	case *updateReadme:
		section, err := ReadmeSection(readmeDev, readmeProd, a)
		if err == nil {
			err = UpdateReadme(readmeFile, section)
		}
		return exit(1, err)
	case pathErr != nil:
		return exit(2, pathErr)
	}
	rep, err := estimateFile(path, a)
	if err != nil {
		return exit(1, err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return exit(1, enc.Encode(rep))
	}
	return exit(1, WriteTable(stdout, rep))
}

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

// WriteTable prints a report for people: components, total, assumptions and notes.
func WriteTable(w io.Writer, r Report) error {
	var b, table strings.Builder
	fmt.Fprintf(&b, "Monthly cost estimate of %s (%s)\nPrices: %s; sources in cmd/cost/prices.go\n\n", r.Stack, r.Region, r.PricesAsOf)
	// Money is right-aligned in 11 characters (up to $99,999,999.99), a rule above TOTAL.
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "COMPONENT\tDETAIL\t%11s  %11s\n", "MIN $/MONTH", "MAX $/MONTH")
	for _, l := range slices.Concat(r.Lines, []Line{{"TOTAL", "", r.Min, r.Max}}) {
		fmt.Fprintf(tw, "%s\t%s\t%11.2f  %11.2f\n", l.Component, l.Detail, l.Min, l.Max)
	}
	tw.Flush()
	lines := strings.SplitAfter(table.String(), "\n")
	rule := strings.Repeat("-", len(lines[0])-1) + "\n" // the header is ASCII: a byte a column
	b.WriteString(strings.Join(slices.Insert(lines, len(lines)-2, rule), "") + "\nAssumptions (change with flags):\n")
	for _, f := range r.Assumptions.fields() {
		fmt.Fprintf(&b, "  -%-17s %-10s %s\n", f.Flag, flagNum(*f.Value), f.Usage)
	}
	if len(r.Notes) > 0 {
		b.WriteString("\nNotes:\n  - " + strings.Join(r.Notes, "\n  - ") + "\n")
	}
	fmt.Fprintf(&b, "\nNot counted: %s.\n", r.NotCounted)
	_, err := io.WriteString(w, b.String())
	return err
}

// flagNum prints an assumption as a flag takes it: 1000000, not 1e+06.
func flagNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// The README's cost section sits between these markers, which it keeps, and
// shows the golden stacks (paths from the repository root).
const (
	beginMarker, endMarker            = "<!-- cost:begin -->", "<!-- cost:end -->"
	readmeFile, readmeDev, readmeProd = "README.md", "stacks/testdata/dev.tf.json", "stacks/testdata/prod.tf.json"
)

// ReadmeSection renders the README's cost section of the dev and prod stacks, markers
// included, without a final newline or any path of the machine it runs on.
func ReadmeSection(devPath, prodPath string, a Assumptions) (string, error) {
	allMonth := a
	allMonth.AlwaysOn = true
	dev, devErr := estimateFile(devPath, a)
	devAllMonth, _ := estimateFile(devPath, allMonth) // fails only as dev does
	prod, prodErr := estimateFile(prodPath, a)
	if err := errors.Join(devErr, prodErr); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n<!-- Generated by `go run ./cmd/cost -update-readme` from stacks/testdata/{dev,prod}.tf.json; do not edit by hand. -->\n\n"+
		"Estimated monthly cost of each environment, read from its synthesized stack, at %s "+
		"(the pricing page of every figure is in [`cmd/cost/prices.go`](cmd/cost/prices.go)). "+
		"Where the service autoscales, a cell shows the cost at the minimum–maximum number of tasks. "+
		"The dev column prices a service with an office-hours schedule (`bridge.schedule`) for those hours; the next one prices it running all month (`-always-on`). "+
		"For another stack or other assumptions: `go run ./cmd/cost -env <name> [flags]`.\n\n"+
		"| Component | dev | dev, all month | prod |\n| --- | ---: | ---: | ---: |\n", beginMarker, pricesAsOf)
	// Rows in report order: prod's, then any only dev has.
	var rows []string
	for _, l := range slices.Concat(prod.Lines, dev.Lines) {
		if !slices.Contains(rows, l.Component) {
			rows = append(rows, l.Component)
		}
	}
	for _, c := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c, cell(dev, c), cell(devAllMonth, c), cell(prod, c))
	}
	fmt.Fprintf(&b, "| **Total** | **%s** | **%s** | **%s** |\n", dollars(dev.Min, dev.Max), dollars(devAllMonth.Min, devAllMonth.Max), dollars(prod.Min, prod.Max))
	b.WriteString("\nAssumptions (the defaults of the command's flags):\n\n")
	for _, f := range a.fields() {
		fmt.Fprintf(&b, "- `-%s %s`: %s\n", f.Flag, flagNum(*f.Value), f.Usage)
	}
	if len(dev.Notes)+len(prod.Notes) > 0 {
		b.WriteString("\nNotes:\n\n")
	}
	for i, r := range []Report{dev, prod} {
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s: %s\n", []string{"dev", "prod"}[i], n)
		}
	}
	fmt.Fprintf(&b, "\nNot counted: %s.\n%s", notCounted, endMarker)
	return b.String(), nil
}

// cell is the cost of a component in a report, "—" when the report has no such line.
func cell(r Report, component string) string {
	if i := slices.IndexFunc(r.Lines, func(l Line) bool { return l.Component == component }); i >= 0 {
		return dollars(r.Lines[i].Min, r.Lines[i].Max)
	}
	return "—"
}

// dollars is a monthly cost: "$12.34", or "$12.34–$56.78" when it scales.
func dollars(min, max float64) string { return rangeText("$%.2f", min, max) }

// UpdateReadme replaces the cost section of the README at path with section.
func UpdateReadme(path, section string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot update the README: %w", err)
	}
	before, rest, begins := strings.Cut(string(data), beginMarker)
	_, after, ends := strings.Cut(rest, endMarker)
	if !begins || !ends {
		return fmt.Errorf("%s: no cost section: add a line %s and, below it, a line %s where the section goes", path, beginMarker, endMarker)
	}
	return os.WriteFile(path, []byte(before+section+after), 0o644)
}
