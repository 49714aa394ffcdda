package testutil

import (
	"os"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// TestMain cleans up as Main does for the packages it serves: it closes
// jsii, whose package init unpacked its runtime into a temp folder that
// only Close removes, and removes scratch.
func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.RemoveAll(scratch())
	os.Exit(code)
}
