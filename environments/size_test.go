package environments

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// The tests of this file read files of about 1 MB on one line, as generated
// files are. They assert results, not timings: when positions were counted
// from the start of the file for every token, each took minutes, far beyond
// the test timeout.

// TestLargeOneLineFilePositions puts two problems after a million bytes of
// tokens (and multi-byte characters, so that columns count characters, not
// bytes) and checks their exact positions.
func TestLargeOneLineFilePositions(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"], "bridgeEgressPorts": [`)
	for i := range 180_000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("443")
	}
	b.WriteString(`]}, "bridge": {"imageTag": "1.0.0", "environment": {`)
	for i := range 15_000 {
		fmt.Fprintf(&b, `"V%d": "été", `, i)
	}
	b.WriteString(`"Z": "ü"}}, `)
	firstRegion := utf8.RuneCountInString(b.String()) + 1
	b.WriteString(`"region": "us-east-1", `)
	secondRegion := utf8.RuneCountInString(b.String()) + 1
	b.WriteString(`"region": "eu-west-1", "ui": {"priceClass": `)
	number := utf8.RuneCountInString(b.String()) + 1
	b.WriteString(`100}}`)
	data := []byte(b.String())
	if len(data) < 900_000 || len(data) > MaxFileBytes || strings.Contains(b.String(), "\n") {
		t.Fatalf("generated %d bytes (newline: %v); want one line of 0.9 to 1 MiB", len(data), strings.Contains(b.String(), "\n"))
	}

	_, err := Parse("environments/big.json", data)
	if err == nil {
		t.Fatal("accepted a file with a duplicate key")
	}
	want := fmt.Sprintf("environments/big.json: region: line 1, column %d: duplicate key (first at line 1, column %d); JSON would keep only the last one: write it once\n"+
		"environments/big.json: ui.priceClass: line 1, column %d: expected a string, got JSON 100", secondRegion, firstRegion, number)
	if err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

// TestLargeOneLineFileAccepted loads a valid file of 10,000 WAF CIDRs, the
// most a WAF IP set holds, spaced out to nearly 1 MiB on one line.
func TestLargeOneLineFileAccepted(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"]}, "bridge": {"imageTag": "1.0.0"}, "waf": {"allowedCidrs": [`)
	for i := range wafIPSetMaxAddresses {
		if i > 0 {
			b.WriteString("," + strings.Repeat(" ", 80))
		}
		fmt.Fprintf(&b, `"10.%d.%d.0/24"`, i/256, i%256)
	}
	b.WriteString(`]}}`)
	if b.Len() < 900_000 || b.Len() > MaxFileBytes {
		t.Fatalf("generated %d bytes; want 0.9 to 1 MiB", b.Len())
	}
	env, err := Parse("environments/big.json", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if n, last := len(env.WAF.AllowedCidrs), env.WAF.AllowedCidrs[len(env.WAF.AllowedCidrs)-1]; n != wafIPSetMaxAddresses || last != "10.39.15.0/24" {
		t.Errorf("waf.allowedCidrs has %d entries, the last %q; want %d, the last \"10.39.15.0/24\"", n, last, wafIPSetMaxAddresses)
	}
}

// TestManyProblemsAreCounted: a generated list of 300,000 repeated ports is
// checked in full, but reported in maxProblemsPerFile lines and a count.
// Its failing twin is a file with exactly maxProblemsPerFile problems,
// printed without a count line.
func TestManyProblemsAreCounted(t *testing.T) {
	ports := func(n int) string { return strings.TrimSuffix(strings.Repeat("443,", n), ",") }
	for _, tt := range []struct {
		name      string
		repeats   int
		wantLines int
		wantLast  string
	}{
		// 299,999 repeats, the quota line: 300,000 problems.
		{"generated list", 300_000, maxProblemsPerFile + 1, fmt.Sprintf("environments/big.json: %d more problems not shown; fix the ones above first", 300_000-maxProblemsPerFile)},
		{"exactly the limit", maxProblemsPerFile + 1, maxProblemsPerFile, fmt.Sprintf("environments/big.json: network.bridgeEgressPorts[%d]: 443 repeats network.bridgeEgressPorts[0]; list each entry once", maxProblemsPerFile)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Ports beyond the quota are only reported from 61 entries on.
			_, err := Parse("environments/big.json", []byte(`{"network": {"availabilityZones": ["us-east-1a", "us-east-1b"], "bridgeEgressPorts": [`+ports(tt.repeats)+`]}, "bridge": {"imageTag": "1.0.0"}}`))
			if err == nil {
				t.Fatal("accepted repeated ports")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != tt.wantLines || lines[len(lines)-1] != tt.wantLast {
				t.Errorf("%d lines ending in %q; want %d ending in %q", len(lines), lines[len(lines)-1], tt.wantLines, tt.wantLast)
			}
		})
	}
}
