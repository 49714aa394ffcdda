#!/usr/bin/env bash
# Builds Trivy v0.74.0 from the Go module proxy into a cache folder outside the
# repo, once, and prints the path of the binary. The build takes about five
# minutes and 3.5 GB of memory; later runs find the binary and return at once.
#
#   TRIVY_INSTALL_DIR  where to put it; default
#                      ${XDG_CACHE_HOME:-$HOME/.cache}/n8n-builder-tools/trivy-v0.74.0
#
# The security-scan test (stacks/scan_test.go) looks there too, or at $TRIVY.
set -euo pipefail

version=0.74.0
module=github.com/aquasecurity/trivy
dir="${TRIVY_INSTALL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-builder-tools/trivy-v$version}"
bin="$dir/trivy"

# built_version prints the module version recorded in a Go binary: a build
# without the release ldflags reports "dev" to `trivy --version`.
built_version() {
  go version -m "$1" 2>/dev/null | awk -v m="$module" '$1 == "mod" && $2 == m { print $3 }'
}

if [ -x "$bin" ] && [ "$(built_version "$bin")" = "v$version" ]; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "go is not on the PATH (Trivy $version needs Go >= 1.26.3)" >&2; exit 1; }
echo "building trivy v$version into $dir (about 5 minutes and 3.5 GB of memory)..." >&2
mkdir -p "$dir"
# GOEXPERIMENT=jsonv2: Trivy $version uses encoding/json/v2. GOFLAGS is cleared
# so a -mod setting meant for this repo does not reach the install; the ldflag
# makes `trivy --version` say $version, as a release build does.
env -u GOFLAGS GOEXPERIMENT=jsonv2 GOBIN="$dir" \
  go install -ldflags "-X $module/pkg/version/app.ver=$version" "$module/cmd/trivy@v$version"

got=$(built_version "$bin")
if [ "$got" != "v$version" ]; then
  echo "built $bin, but it records $module ${got:-no version}, want v$version" >&2
  exit 1
fi
echo "$bin"
