package testutil

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// providerServers keeps aws provider processes running between commands, in
// the provider's debug mode, attached through TF_REATTACH_PROVIDERS. Without
// them a plan starts the 600 MB provider three times and `show` once more,
// each building the provider's schema: with one server per directory the
// plan and its show pay for it once (a quarter less CPU on the prod plan).
//
// The aws provider refuses to be configured twice in one process ("unable to
// add custom RootCAs HTTPClient"), so a command that may configure it (all
// but show and validate) gets a server of its own, which the commands that
// do not configure (the show after a plan) may reuse. A configuration with
// more than one aws provider block (an alias) starts its own providers as
// usual: one server cannot hold two configurations.
type providerServers struct {
	binary string // the provider in the mirror, "" when servers are off
	host   string // the registry host the CLI resolves hashicorp/aws to

	mu    sync.Mutex
	byDir map[string]*providerServer
	live  []*providerServer // oldest first
}

type providerServer struct {
	cmd        *exec.Cmd
	reattach   string // the value of TF_REATTACH_PROVIDERS
	configured bool   // a command may have configured it
	busy       bool
}

// maxServers bounds the servers a test binary keeps (each holds the schema:
// hundreds of MB); the least recently started idle one stops first.
const maxServers = 3

// servers are the provider servers of the test binary, by mirror and host;
// the processes end with it (see startWithParent).
var servers sync.Map // mirror|host -> *providerServers

// newProviderServers finds the one provider version in the mirror, under the
// CLI's registry host; with several, it cannot know which the configuration
// picks, and turns off.
func newProviderServers(mirror, host string) *providerServers {
	found, _ := servers.LoadOrStore(mirror+"|"+host, &providerServers{host: host, byDir: map[string]*providerServer{}})
	p := found.(*providerServers)
	bins, _ := filepath.Glob(filepath.Join(mirror, host, "hashicorp", "aws", "*", runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-aws_*"))
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(bins) == 1 && canStopWithParent {
		p.binary = bins[0]
	}
	return p
}

// lease returns the server for a command with args in dir, or nil when the
// command starts its own providers: init (which installs them), servers
// off, or a command that configures the provider (plan, apply, test) in a
// configuration that is not one synthesized stack with one aws provider.
// A command that configures nothing (show, validate, and a `terraform test`
// whose providers are all mocked: Terraform asks a mocked provider's real
// one only for its schema and validation) may use any idle server nobody
// configured, whatever its directory: one server serves them all, instead
// of a provider started for the schema again and again (thirty times in a
// `terraform test` of three stacks).
func (p *providerServers) lease(dir string, mocked bool, args []string) *providerServer {
	if p == nil || len(args) == 0 || args[0] == "init" {
		return nil
	}
	configures := !mocked && args[0] != "show" && args[0] != "validate"
	if configures && !oneAWSProvider(dir) {
		return nil // one server cannot hold several configurations
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.binary == "" {
		return nil
	}
	if s := p.byDir[dir]; s != nil && !s.busy && !(configures && s.configured) {
		s.busy, s.configured = true, s.configured || configures
		return s
	}
	if !configures {
		if i := slices.IndexFunc(p.live, func(s *providerServer) bool { return !s.busy && !s.configured }); i >= 0 {
			p.live[i].busy = true
			return p.live[i]
		}
	}
	s, err := startProviderServer(p.binary, p.host)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testutil: provider server: %v; commands start their own providers\n", err)
		p.binary = ""
		return nil
	}
	s.busy, s.configured = true, configures
	if old := p.byDir[dir]; old != nil && !old.busy {
		p.stop(old)
	}
	p.byDir[dir] = s
	p.live = append(p.live, s)
	for len(p.live) > maxServers {
		i := slices.IndexFunc(p.live, func(x *providerServer) bool { return !x.busy })
		if i < 0 {
			break
		}
		p.stop(p.live[i])
	}
	return s
}

// release ends a lease (nil is fine).
func (p *providerServers) release(s *providerServer) {
	if s == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s.busy = false
}

// stop ends an idle server; p.mu is held.
func (p *providerServers) stop(s *providerServer) {
	s.cmd.Process.Kill()
	s.cmd.Wait()
	p.live = slices.DeleteFunc(p.live, func(x *providerServer) bool { return x == s })
	for dir, x := range p.byDir {
		if x == s {
			delete(p.byDir, dir)
		}
	}
}

// oneAWSProvider reports whether dir holds only a synthesized stack (with
// the test's override files) that has exactly one aws provider block.
func oneAWSProvider(dir string) bool {
	tf, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	data, err := os.ReadFile(filepath.Join(dir, "cdk.tf.json"))
	if len(tf) > 0 || err != nil {
		return false
	}
	var stack struct {
		Provider struct {
			AWS []json.RawMessage `json:"aws"`
		} `json:"provider"`
	}
	return json.Unmarshal(data, &stack) == nil && len(stack.Provider.AWS) == 1
}

// startProviderServer starts the provider in debug mode and reads the
// reattach configuration it prints, keyed for the CLI's registry host.
func startProviderServer(binary, host string) (*providerServer, error) {
	cmd := exec.Command(binary, "-debug")
	// Its socket goes into TMPDIR; a killed server leaves it there.
	cmd.Env = append(os.Environ(), "TMPDIR="+scratch())
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := startWithParent(cmd); err != nil {
		return nil, err
	}
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(out)
		lines.Buffer(make([]byte, 64*1024), 1024*1024)
		for lines.Scan() {
			if _, conf, ok := strings.Cut(lines.Text(), "TF_REATTACH_PROVIDERS='"); ok {
				found <- strings.TrimSuffix(conf, "'")
				break
			}
		}
		io.Copy(io.Discard, out) // keep reading its logs
	}()
	select {
	case conf := <-found:
		var byAddr map[string]json.RawMessage
		if err := json.Unmarshal([]byte(conf), &byAddr); err != nil || len(byAddr) != 1 {
			cmd.Process.Kill()
			return nil, fmt.Errorf("unexpected reattach configuration %q", conf)
		}
		keyed, _ := json.Marshal(map[string]json.RawMessage{host + "/hashicorp/aws": slices.Collect(maps.Values(byAddr))[0]})
		return &providerServer{cmd: cmd, reattach: string(keyed)}, nil
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		return nil, errors.New(binary + " -debug printed no reattach configuration within 2 minutes")
	}
}
