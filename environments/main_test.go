package environments

import (
	"os"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// TestMain removes the jsii runtime this test binary unpacked into a temp
// folder as it started: the modules whose constants the package reads link
// jsii, whose package init unpacks it, and only Close removes it.
func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}
