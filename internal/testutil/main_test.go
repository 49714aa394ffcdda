package testutil

import (
	"os"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// TestMain removes the jsii runtime this test binary unpacked into a temp
// folder as it started: the package links jsii (Main closes it for the
// packages it serves), whose package init unpacks it, and only Close
// removes it.
func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}
