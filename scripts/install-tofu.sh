#!/usr/bin/env bash
# Builds OpenTofu v1.12.6 from the Go module proxy into a cache folder outside
# the repo, once, and prints the path of the binary. The build takes a few
# minutes of CPU; later runs find the binary and return at once.
#
#   TOFU_INSTALL_DIR  where to put it; default
#                     ${XDG_CACHE_HOME:-$HOME/.cache}/n8n-builder-tools/tofu-v1.12.6
#
# `go install github.com/opentofu/opentofu/cmd/tofu@v1.12.6` refuses to build
# because OpenTofu's go.mod has a `replace` directive (its fork of hcl/v2).
# A throwaway helper module that requires OpenTofu and repeats that one
# replace builds the same program. The terraform tiers of the tests
# (internal/testutil) look for the binary there too, or at $TOFU.
set -euo pipefail

version=1.12.6
module=github.com/opentofu/opentofu
# The replace directive of OpenTofu's own go.mod at v$version.
replace='github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828'
dir="${TOFU_INSTALL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-builder-tools/tofu-v$version}"
bin="$dir/tofu"

# built_version prints the OpenTofu module version recorded in a Go binary
# (the module of the main package: "mod", even when built from a helper).
built_version() {
  go version -m "$1" 2>/dev/null | awk -v m="$module" '$1 == "mod" && $2 == m { print $3 }'
}

if [ -x "$bin" ] && [ "$(built_version "$bin")" = "v$version" ]; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "go is not on the PATH (OpenTofu $version needs Go >= 1.26.6)" >&2; exit 1; }
echo "building tofu v$version into $dir (a few minutes of CPU)..." >&2
mkdir -p "$dir"
helper=$(mktemp -d)
trap 'rm -rf "$helper"' EXIT
cat > "$helper/go.mod" <<EOF
module tofu-build

go 1.26.6

replace $replace
EOF
# GOFLAGS is cleared so a -mod setting meant for this repo does not reach the
# build; CGO off, -trimpath and version.dev=no as in OpenTofu's release
# builds (.goreleaser.yaml), so `tofu version` says $version, not $version-dev.
(
  cd "$helper"
  # go get lists every module it adds; show that only if it fails.
  env -u GOFLAGS go get "$module/cmd/tofu@v$version" >get.log 2>&1 || { cat get.log >&2; exit 1; }
  env -u GOFLAGS CGO_ENABLED=0 go build -trimpath -ldflags "-X '$module/version.dev=no'" -o "$bin" "$module/cmd/tofu"
)

got=$(built_version "$bin")
if [ "$got" != "v$version" ]; then
  echo "built $bin, but it records $module ${got:-no version}, want v$version" >&2
  exit 1
fi
echo "$bin"
