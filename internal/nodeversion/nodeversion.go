// Package nodeversion replaces the 12-line banner jsii prints on a Node.js
// release it no longer supports with one line of our own.
//
// jsii fixes the environment of its Node.js process while the cdktf package
// initializes, before main runs, so setting the silencing variable in main is
// too late: Quiet sets it and restarts the program (exec, same process ID and
// arguments) instead.
package nodeversion

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// SilenceVar is the variable jsii reads: a comma-separated list of Node.js
// major versions whose end-of-life banner it leaves out.
const SilenceVar = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"

// Supported is the oldest Node.js major version jsii supports: 20 reached
// the end of its jsii support on 2026-10-30.
const Supported = 22

// Quiet looks at the Node.js that jsii will start (JSII_NODE, else node on
// the PATH). On a release older than Supported whose banner is not silenced
// yet, it prints one line to stderr, silences the banner and restarts the
// program; it returns only if nothing needs doing (or, where exec is not
// available, after the line). The restart runs main again from the start:
// call it before the first jsii call and before anything with side effects.
func Quiet() {
	major, version, ok := nodeMajor()
	if !ok || major >= Supported || silenced(major) {
		return
	}
	fmt.Fprintf(os.Stderr, "note: Node.js %s is past its end of support in jsii; this still works, but use Node.js 22 or 24\n", version)
	os.Setenv(SilenceVar, strings.Trim(os.Getenv(SilenceVar)+","+strconv.Itoa(major), ","))
	restart()
}

func nodeMajor() (major int, version string, ok bool) {
	node := os.Getenv("JSII_NODE")
	if node == "" {
		node = "node"
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return 0, "", false // jsii reports a missing node itself
	}
	version = strings.TrimSpace(string(out))
	major, err = strconv.Atoi(strings.SplitN(strings.TrimPrefix(version, "v"), ".", 2)[0])
	return major, version, err == nil
}

func silenced(major int) bool {
	for v := range strings.SplitSeq(os.Getenv(SilenceVar), ",") {
		if strings.TrimSpace(v) == strconv.Itoa(major) {
			return true
		}
	}
	return false
}
