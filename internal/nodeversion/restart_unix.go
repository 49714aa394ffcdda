//go:build unix

package nodeversion

import (
	"fmt"
	"os"
	"syscall"

	"github.com/aws/jsii-runtime-go"
)

// restart replaces the process with a fresh run of the same program, which
// picks up the changed environment. jsii.Close first removes the runtime
// files jsii unpacked while initializing (its Node.js process has not
// started yet). It does not return.
func restart() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	jsii.Close()
	err = syscall.Exec(exe, os.Args, os.Environ())
	// jsii is closed: this process cannot synthesize any more.
	fmt.Fprintf(os.Stderr, "restarting %s: %v (set %s yourself to skip the restart)\n", exe, err, SilenceVar)
	os.Exit(1)
}
