package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// treeRSS returns the summed resident set size, in bytes, of root and all its
// descendants, read from procDir (normally "/proc"). A Go app spawns node for
// jsii, so the app's own RSS alone would miss most of the memory.
//
// Processes that exit while the tree is being read are skipped; if root itself
// is gone the sum is 0. Summing RSS counts pages shared between processes
// (libc, ...) more than once; for a Go binary plus node that overlap is small.
func treeRSS(procDir string, root int) (int64, error) {
	pids, err := descendants(procDir, root)
	if err != nil {
		return 0, err
	}
	pageSize := int64(os.Getpagesize())
	var sum int64
	for _, pid := range pids {
		data, err := os.ReadFile(filepath.Join(procDir, strconv.Itoa(pid), "statm"))
		if err != nil {
			continue // exited meanwhile
		}
		pages, err := parseStatmResident(data)
		if err != nil {
			return 0, fmt.Errorf("pid %d: %w", pid, err)
		}
		sum += pages * pageSize
	}
	return sum, nil
}

// descendants returns root followed by every process below it (children,
// grandchildren, ...), found through the parent pid in procDir/<pid>/stat.
// root is returned even if it has already exited.
func descendants(procDir string, root int) ([]int, error) {
	entries, err := os.ReadDir(procDir)
	if err != nil {
		return nil, err
	}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue // not a process directory ("self", "meminfo", ...)
		}
		data, err := os.ReadFile(filepath.Join(procDir, e.Name(), "stat"))
		if err != nil {
			continue // exited meanwhile
		}
		ppid, err := parseStatPPID(data)
		if err != nil {
			return nil, fmt.Errorf("pid %d: %w", pid, err)
		}
		children[ppid] = append(children[ppid], pid)
	}
	tree := []int{root}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i]]...)
	}
	return tree, nil
}

// parseStatPPID returns the parent pid from the contents of /proc/<pid>/stat:
// "pid (comm) state ppid ...". comm may itself hold spaces and parentheses, so
// the fields are counted from the last ')'.
func parseStatPPID(stat []byte) (int, error) {
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, fmt.Errorf("stat %q: no ')' after the command name", stat)
	}
	fields := bytes.Fields(stat[end+1:])
	if len(fields) < 2 {
		return 0, fmt.Errorf("stat %q: want state and ppid after the command name", stat)
	}
	ppid, err := strconv.Atoi(string(fields[1]))
	if err != nil {
		return 0, fmt.Errorf("stat %q: ppid: %w", stat, err)
	}
	return ppid, nil
}

// parseStatmResident returns the resident page count, the second field of
// /proc/<pid>/statm ("size resident shared text lib data dt").
func parseStatmResident(statm []byte) (int64, error) {
	fields := bytes.Fields(statm)
	if len(fields) < 2 {
		return 0, fmt.Errorf("statm %q: want at least 2 fields", statm)
	}
	pages, err := strconv.ParseInt(string(fields[1]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("statm %q: resident: %w", statm, err)
	}
	return pages, nil
}

// watchPeak samples treeRSS(procDir, pid) at once and then every interval,
// until the returned stop function is called; stop returns the largest sum
// seen, in bytes. Call stop after the process has been waited for, so the
// last samples cover its exit. A peak shorter than interval can be missed.
func watchPeak(procDir string, pid int, interval time.Duration) (stop func() int64) {
	done := make(chan struct{})
	peak := make(chan int64)
	go func() {
		var highest int64
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			if rss, err := treeRSS(procDir, pid); err == nil && rss > highest {
				highest = rss
			}
			select {
			case <-done:
				peak <- highest
				return
			case <-tick.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		return <-peak
	}
}
