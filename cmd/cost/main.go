// Command cost prints an itemised monthly cost estimate of a synthesized
// environment stack (cdktf.out/stacks/<env>/cdk.tf.json) at AWS us-east-1
// list prices, under usage assumptions given as flags.
//
// Usage:
//
//	go run ./cmd/cost -env dev                 # table for people
//	go run ./cmd/cost -stack cdktf.out/stacks/prod -json
//	go run ./cmd/cost -readme                  # README cost section (dev and prod)
//	go run ./cmd/cost -update-readme           # rewrite that section of README.md in place
//
// Prices live in prices.go, with the pricing page of each figure.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command; it returns the exit code: 0 done, 1 failed, 2 bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cost", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack directory (cdktf.out/stacks/<env>) or its cdk.tf.json")
	env := fs.String("env", "", "environment name; short for -stack "+defaultStackDir+"/<env>")
	asJSON := fs.Bool("json", false, "print JSON for tools instead of a table")
	readme := fs.Bool("readme", false, "print the README cost section (dev and prod side by side)")
	updateReadme := fs.Bool("update-readme", false, "rewrite the cost section of -readme-file in place")
	devStack := fs.String("readme-dev", "stacks/testdata/dev.tf.json", "dev stack of -readme and -update-readme")
	prodStack := fs.String("readme-prod", "stacks/testdata/prod.tf.json", "prod stack of -readme and -update-readme")
	readmeFile := fs.String("readme-file", "README.md", "README that -update-readme rewrites between "+beginMarker+" and "+endMarker)
	a := DefaultAssumptions()
	for _, f := range a.fields() {
		fs.Var(numFlag{f.Value}, f.Flag, f.Usage)
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: cost (-env <name> | -stack <dir or cdk.tf.json>) [-json] [assumption flags]\n"+
			"       cost -readme | -update-readme [-readme-dev f] [-readme-prod f] [-readme-file f]\n\n"+
			"Monthly AWS cost estimate of a synthesized stack at %s (us-east-1 only).\n\nFlags:\n", pricesAsOf)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cost: unexpected argument %q; flags only (see -h)\n", fs.Arg(0))
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "cost:", err)
		return 1
	}
	if *readme || *updateReadme {
		if *stack != "" || *env != "" || *asJSON {
			fmt.Fprintln(stderr, "cost: -readme and -update-readme read -readme-dev and -readme-prod; drop -stack, -env and -json")
			return 2
		}
		section, err := ReadmeSection(*devStack, *prodStack, a)
		if err != nil {
			return fail(err)
		}
		if *updateReadme {
			if err := UpdateReadme(*readmeFile, section); err != nil {
				return fail(err)
			}
			fmt.Fprintf(stderr, "cost: updated the cost section of %s\n", *readmeFile)
			return 0
		}
		fmt.Fprintln(stdout, section)
		return 0
	}
	path, err := StackPath(*stack, *env)
	if err != nil {
		fmt.Fprintln(stderr, "cost:", err)
		return 2
	}
	inv, err := ReadStack(path)
	if err != nil {
		return fail(err)
	}
	rep, err := Estimate(*inv, a)
	if err != nil {
		return fail(fmt.Errorf("stack %s: %w", path, err))
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = WriteTable(stdout, rep)
	}
	if err != nil {
		return fail(err)
	}
	return 0
}

// numFlag is a float64 flag whose default prints as written (730, 1000000),
// not in exponent form.
type numFlag struct{ p *float64 }

func (f numFlag) String() string {
	if f.p == nil {
		return ""
	}
	return strconv.FormatFloat(*f.p, 'f', -1, 64)
}

func (f numFlag) Set(s string) error {
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil {
		return errors.New("not a number")
	}
	*f.p = v
	return nil
}

// WriteTable prints a report for people: one line per component with its
// minimum and maximum monthly cost, the total, the assumptions and notes.
func WriteTable(w io.Writer, r Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Monthly cost estimate of %s (%s)\n", r.Stack, r.Region)
	fmt.Fprintf(&b, "Prices: %s; sources in cmd/cost/prices.go\n\n", r.PricesAsOf)
	rows := [][4]string{{"COMPONENT", "DETAIL", "MIN $/MONTH", "MAX $/MONTH"}}
	for _, l := range r.Lines {
		rows = append(rows, [4]string{l.Component, l.Detail, money(l.Min), money(l.Max)})
	}
	rows = append(rows, [4]string{"TOTAL", "", money(r.Min), money(r.Max)})
	var width [4]int
	for _, row := range rows {
		for i, cell := range row {
			width[i] = max(width[i], len([]rune(cell)))
		}
	}
	for i, row := range rows {
		if i == len(rows)-1 {
			b.WriteString(strings.Repeat("-", width[0]+width[1]+width[2]+width[3]+6) + "\n")
		}
		fmt.Fprintf(&b, "%s  %s  %s  %s\n", pad(row[0], width[0], false), pad(row[1], width[1], false),
			pad(row[2], width[2], true), pad(row[3], width[3], true))
	}
	b.WriteString("\nAssumptions (change with flags):\n")
	a := r.Assumptions
	for _, f := range a.fields() {
		fmt.Fprintf(&b, "  -%-17s %-10s %s\n", f.Flag, numFlag{f.Value}.String(), f.Usage)
	}
	if len(r.Notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "  - %s\n", n)
		}
	}
	fmt.Fprintf(&b, "\nNot counted: %s.\n", r.NotCounted)
	_, err := io.WriteString(w, b.String())
	return err
}

// pad fills s with spaces to width runes, on the left when right-aligned.
func pad(s string, width int, right bool) string {
	fill := strings.Repeat(" ", width-len([]rune(s)))
	if right {
		return fill + s
	}
	return s + fill
}

// money formats dollars with cents.
func money(usd float64) string {
	return fmt.Sprintf("%.2f", usd)
}
