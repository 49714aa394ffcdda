//go:build !linux

package testutil

import (
	"errors"
	"os/exec"
)

// canStopWithParent: elsewhere nothing ends a provider server with the test
// binary, so commands start their own providers.
const canStopWithParent = false

func startWithParent(*exec.Cmd) error { return errors.New("provider servers need Linux") }
