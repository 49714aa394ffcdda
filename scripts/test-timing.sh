#!/usr/bin/env bash
# Times the test suite of this checkout against a baseline commit on the same
# machine, interleaved so that load changes hit both alike:
#   - go test -count=1 ./...         at the baseline and here (the full suite);
#   - go test -short -count=1 ./...  here (the quick loop), next to
#   - one synth of the bare cdktf app (cmd/synthbench/bareapp), its yardstick.
# Each round runs them one after the other, baseline and full taking turns
# to go first. The script prints every run, each round's ratios and the
# medians: wall seconds, CPU seconds (user+sys of the whole process tree:
# terraform, providers and node included) and the load average before the run.
# Builds and the jsii package cache are warmed first and not timed; the test
# cache is never used (-count=1).
#
# Usage, from the repository root (Linux; needs GNU time at /usr/bin/time):
#
#	scripts/test-timing.sh [rounds (default 3)] [baseline commit (default e4888e0)]
#
# Set TF_PROVIDER_MIRROR (and TRIVY) as for the tests; both commits see the same.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
base=${2:-e4888e0}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CHECKPOINT_DISABLE=1 AWS_EC2_METADATA_DISABLED=true

work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/base" "$base" >/dev/null
go build -o "$work/bare" ./cmd/synthbench/bareapp

# measure LABEL DIR CMD...: runs CMD in DIR and appends "label wall cpu load" to results.
measure() {
  local label=$1 dir=$2
  shift 2
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  if ! (cd "$dir" && /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >"$work/out" 2>&1); then
    echo "$label failed in $dir:" >&2
    tail -40 "$work/out" >&2
    exit 1
  fi
  read -r wall user sys <"$work/time"
  cpu=$(echo "$user + $sys" | bc)
  printf '%-12s %8.1f s wall %8.1f s CPU   load %s\n' "$label" "$wall" "$cpu" "$load"
  echo "$label $wall $cpu $load $i" >>"$work/results"
}

echo "warming builds and the jsii cache (not timed)..."
for dir in "$work/base" .; do
  (cd "$dir" && go vet ./...) # compiles every package and its tests
done
(cd "$work" && CDKTF_OUTDIR="$work/out.bare" ./bare)

for i in $(seq "$rounds"); do
  echo "round $i of $rounds"
  # The order alternates: a machine that slows down or speeds up during a
  # round would otherwise always favour the same side.
  if ((i % 2)); then
    measure baseline "$work/base" go test -count=1 ./...
    measure full . go test -count=1 ./...
  else
    measure full . go test -count=1 ./...
    measure baseline "$work/base" go test -count=1 ./...
  fi
  measure short . go test -short -count=1 ./...
  measure bare-synth "$work" env CDKTF_OUTDIR="$work/out.bare" ./bare
done

echo
echo "medians over $rounds rounds (baseline $base, here $(git rev-parse --short HEAD)):"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for label in baseline full short bare-synth; do
  wall=$(awk -v l="$label" '$1==l {print $2}' "$work/results" | median)
  cpu=$(awk -v l="$label" '$1==l {print $3}' "$work/results" | median)
  printf '%-12s %8.1f s wall %8.1f s CPU\n' "$label" "$wall" "$cpu"
  eval "wall_${label//-/_}=$wall cpu_${label//-/_}=$cpu"
done
echo
for i in $(seq "$rounds"); do
  awk -v r="$i" '$5==r && $1=="baseline" {bw=$2; bc=$3} $5==r && $1=="full" {fw=$2; fc=$3}
    END {printf "round %d: full / baseline wall %.2f, CPU %.2f\n", r, fw/bw, fc/bc}' "$work/results"
done
echo "full / baseline wall: $(echo "scale=2; $wall_full / $wall_baseline" | bc)   CPU: $(echo "scale=2; $cpu_full / $cpu_baseline" | bc)   (target: at most 0.5)"
echo "short / bare synth wall: $(echo "scale=1; $wall_short / $wall_bare_synth" | bc)   (target: at most 5)"
