package main

import (
	"slices"
	"time"
)

// sample is one timed synth: wall time from start to exit, and the peak
// summed RSS of the process tree in bytes.
type sample struct {
	wall time.Duration
	peak int64
}

// median returns the middle wall time of samples (the mean of the two middle
// ones for an even count), or 0 for none. The median, not the mean, so that
// one run disturbed by the machine does not move the result.
func median(samples []sample) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	walls := make([]time.Duration, len(samples))
	for i, s := range samples {
		walls[i] = s.wall
	}
	slices.Sort(walls)
	mid := len(walls) / 2
	if len(walls)%2 == 1 {
		return walls[mid]
	}
	return (walls[mid-1] + walls[mid]) / 2
}

// maxPeak returns the largest peak of samples in bytes, or 0 for none. The
// memory target is a ceiling, so the worst run counts.
func maxPeak(samples []sample) int64 {
	var highest int64
	for _, s := range samples {
		highest = max(highest, s.peak)
	}
	return highest
}

// ratio returns real/bare, or 0 if bare is 0.
func ratio(real, bare time.Duration) float64 {
	if bare == 0 {
		return 0
	}
	return float64(real) / float64(bare)
}
