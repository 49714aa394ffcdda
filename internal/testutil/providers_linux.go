package testutil

import (
	"os/exec"
	"runtime"
	"syscall"
)

// canStopWithParent: on Linux a provider server gets SIGKILL when the test
// binary ends (Pdeathsig), however it ends, so none outlives its tests.
const canStopWithParent = true

// spawns are started by one goroutine locked to its thread for the life of
// the process: Pdeathsig fires when the thread that started the child ends,
// and Go may end other threads earlier.
var spawns = make(chan func())

func init() {
	go func() {
		runtime.LockOSThread()
		for f := range spawns {
			f()
		}
	}()
}

// startWithParent starts cmd so that it is killed when the test binary ends.
func startWithParent(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	done := make(chan error)
	spawns <- func() { done <- cmd.Start() }
	return <-done
}
