// Package skipdemo is run by TestSkipSummaryWithoutVerbose: one test skips a
// tier the way the real tiers do.
package skipdemo

import (
	"testing"

	"github.com/n8n-builder/infra/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m, nil) }

func TestTier(t *testing.T) { testutil.Missing(t, "terraform", "demo: not installed") }
