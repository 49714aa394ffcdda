package main

import (
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	s := time.Second
	tests := []struct {
		name  string
		walls []time.Duration
		want  time.Duration
	}{
		{"none", nil, 0},
		{"one", []time.Duration{3 * s}, 3 * s},
		{"odd_unsorted", []time.Duration{5 * s, 1 * s, 3 * s}, 3 * s},
		{"even_takes_mean_of_middle", []time.Duration{4 * s, 1 * s, 2 * s, 100 * s}, 3 * s},
		{"outlier_ignored", []time.Duration{2 * s, 2 * s, 60 * s}, 2 * s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			samples := make([]sample, len(tt.walls))
			for i, w := range tt.walls {
				samples[i] = sample{wall: w}
			}
			if got := median(samples); got != tt.want {
				t.Errorf("median(%v) = %v, want %v", tt.walls, got, tt.want)
			}
		})
	}
}

func TestMedianLeavesInputOrder(t *testing.T) {
	samples := []sample{{wall: 3}, {wall: 1}, {wall: 2}}
	median(samples)
	if samples[0].wall != 3 || samples[1].wall != 1 || samples[2].wall != 2 {
		t.Errorf("median reordered its input: %v", samples)
	}
}

func TestMaxPeak(t *testing.T) {
	if got := maxPeak(nil); got != 0 {
		t.Errorf("maxPeak(nil) = %d, want 0", got)
	}
	samples := []sample{{peak: 700e6}, {peak: 1300e6}, {peak: 900e6}}
	if got, want := maxPeak(samples), int64(1300e6); got != want {
		t.Errorf("maxPeak = %d, want %d", got, want)
	}
}

func TestRatio(t *testing.T) {
	if got := ratio(3*time.Second, 2*time.Second); got != 1.5 {
		t.Errorf("ratio(3s, 2s) = %v, want 1.5", got)
	}
	if got := ratio(time.Second, 0); got != 0 {
		t.Errorf("ratio(1s, 0) = %v, want 0", got)
	}
}

func TestMB(t *testing.T) {
	tests := []struct {
		bytes int64
		want  int64
	}{
		{0, 0},
		{499_999, 0},
		{500_000, 1},
		{1_200_000_000, 1200},
	}
	for _, tt := range tests {
		if got := mb(tt.bytes); got != tt.want {
			t.Errorf("mb(%d) = %d, want %d", tt.bytes, got, tt.want)
		}
	}
}
