package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestParseStatPPID(t *testing.T) {
	tests := []struct {
		name string
		stat string
		want int
	}{
		{"plain", "42 (node) S 7 42 42 0 -1", 7},
		{"comm_with_space_and_parens", "42 (a b) (c)) R 9 42 42 0 -1", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatPPID([]byte(tt.stat))
			if err != nil || got != tt.want {
				t.Errorf("parseStatPPID(%q) = %d, %v; want %d, nil", tt.stat, got, err, tt.want)
			}
		})
	}
}

func TestParseStatPPIDFails(t *testing.T) {
	for _, stat := range []string{"", "42 node S 7", "42 (node) S", "42 (node) S x"} {
		if got, err := parseStatPPID([]byte(stat)); err == nil {
			t.Errorf("parseStatPPID(%q) = %d, nil; want an error", stat, got)
		}
	}
}

func TestParseStatmResident(t *testing.T) {
	got, err := parseStatmResident([]byte("1000 250 30 4 0 500 0\n"))
	if err != nil || got != 250 {
		t.Errorf("parseStatmResident = %d, %v; want 250, nil", got, err)
	}
	for _, statm := range []string{"", "1000", "1000 x"} {
		if _, err := parseStatmResident([]byte(statm)); err == nil {
			t.Errorf("parseStatmResident(%q): want an error", statm)
		}
	}
}

// fakeProc writes a /proc look-alike: pid -> {ppid, resident pages}.
func fakeProc(t *testing.T, procs map[int][2]int) string {
	t.Helper()
	dir := t.TempDir()
	for pid, p := range procs {
		d := filepath.Join(dir, strconv.Itoa(pid))
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		stat := strconv.Itoa(pid) + " (x y) S " + strconv.Itoa(p[0]) + " 1 1 0\n"
		statm := "9999 " + strconv.Itoa(p[1]) + " 0 0 0 0 0\n"
		if err := os.WriteFile(filepath.Join(d, "stat"), []byte(stat), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "statm"), []byte(statm), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Non-process entries must be skipped.
	if err := os.WriteFile(filepath.Join(dir, "meminfo"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTreeRSSFake(t *testing.T) {
	// 1 ─┬─ 10 (app) ─── 11 (node) ─── 12 (helper)
	//    └─ 20 (unrelated) ─── 21
	proc := fakeProc(t, map[int][2]int{
		1:  {0, 1000},
		10: {1, 10},
		11: {10, 200},
		12: {11, 3},
		20: {1, 5000},
		21: {20, 7000},
	})
	page := int64(os.Getpagesize())
	tests := []struct {
		root int
		want int64
	}{
		{10, (10 + 200 + 3) * page},
		{11, (200 + 3) * page},
		{12, 3 * page},
		{99, 0}, // exited
	}
	for _, tt := range tests {
		got, err := treeRSS(proc, tt.root)
		if err != nil || got != tt.want {
			t.Errorf("treeRSS(root %d) = %d, %v; want %d, nil", tt.root, got, err, tt.want)
		}
	}
}

// TestTreeRSSLive checks the sampler on a real tree: sh with two sleep
// children. The tree must be found in full and weigh more than sh alone.
func TestTreeRSSLive(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	cmd := exec.Command("sh", "-c", "sleep 30 & sleep 30 & wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sh := cmd.Process.Pid
	t.Cleanup(func() {
		syscall.Kill(-sh, syscall.SIGKILL)
		cmd.Wait()
	})

	var tree []int
	for deadline := time.Now().Add(5 * time.Second); len(tree) < 3 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var err error
		if tree, err = descendants("/proc", sh); err != nil {
			t.Fatal(err)
		}
	}
	if len(tree) != 3 || tree[0] != sh {
		t.Fatalf("descendants(sh %d) = %v, want sh and 2 sleep children", sh, tree)
	}
	if self := os.Getpid(); slices.Contains(tree, self) {
		t.Errorf("descendants(sh %d) = %v, contains the test process %d", sh, tree, self)
	}

	total, err := treeRSS("/proc", sh)
	if err != nil {
		t.Fatal(err)
	}
	alone, err := treeRSS("/proc", tree[1]) // one sleep, no children
	if err != nil {
		t.Fatal(err)
	}
	if alone <= 0 || total <= alone {
		t.Errorf("treeRSS(sh) = %d, treeRSS(one sleep) = %d; want 0 < one sleep < whole tree", total, alone)
	}

	stop := watchPeak("/proc", sh, 5*time.Millisecond)
	time.Sleep(30 * time.Millisecond)
	if peak := stop(); peak < alone {
		t.Errorf("watchPeak(sh) = %d, want at least %d (one sleep)", peak, alone)
	}
}

// TestWatchPeakGoneProcess checks that a process that has already exited
// gives a peak of 0, not an error or a hang.
func TestWatchPeakGoneProcess(t *testing.T) {
	proc := fakeProc(t, map[int][2]int{1: {0, 5}})
	stop := watchPeak(proc, 99, time.Millisecond)
	if peak := stop(); peak != 0 {
		t.Errorf("watchPeak(exited pid) = %d, want 0", peak)
	}
}
