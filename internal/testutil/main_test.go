package testutil

import "testing"

// TestMain cleans up as Main does for every package it serves: the package
// links jsii, whose package init unpacks its runtime into a temp folder that
// only Close removes, and its helpers use scratch.
func TestMain(m *testing.M) { Main(m, nil) }
