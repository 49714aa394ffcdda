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
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
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
		fs.Func(f.Flag, f.Usage+" (default "+flagNum(*f.Value)+")", func(s string) error {
			v, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
			switch {
			case err != nil:
				return errors.New("not a number")
			case !(v >= 0 && v < math.Inf(1)): // NaN too
				return errors.New("want a number >= 0")
			case f.Flag == "hours" && v > 744:
				return errors.New("a month has at most 744 hours")
			case f.Flag == "spot-discount" && v >= 1:
				return errors.New("want a fraction below 1 (0.70 is 70% off)")
			}
			*f.Value = v
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
	if fs.NArg() > 0 {
		return exit(2, fmt.Errorf("unexpected argument %q; flags only (see -h)", fs.Arg(0)))
	}
	if *updateReadme {
		if *stack != "" || *env != "" || *asJSON {
			return exit(2, errors.New("-update-readme reads "+readmeDev+" and "+readmeProd+"; drop -stack, -env and -json"))
		}
		section, err := ReadmeSection(readmeDev, readmeProd, a)
		if err == nil {
			err = UpdateReadme(readmeFile, section)
		}
		return exit(1, err)
	}
	path, err := StackPath(*stack, *env)
	if err != nil {
		return exit(2, err)
	}
	rep, err := estimateFile(path, a)
	switch {
	case err != nil:
	case *asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	default:
		err = WriteTable(stdout, rep)
	}
	return exit(1, err)
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
	rule := strings.Repeat("-", utf8.RuneCountInString(lines[0])-1) + "\n"
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
