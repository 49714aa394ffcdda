package environments

import (
	"testing"

	"github.com/n8n-builder/infra/internal/testutil"
)

// TestMain closes jsii at the end (testutil.Main): the modules whose
// constants the package reads link it, and its package init unpacks the
// runtime into a temp folder that only Close removes.
func TestMain(m *testing.M) { testutil.Main(m, nil) }
