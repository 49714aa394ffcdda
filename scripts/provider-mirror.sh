#!/usr/bin/env bash
# Prints the provider mirror folder: $TF_PROVIDER_MIRROR if set, otherwise the
# folder above registry.terraform.io/hashicorp/aws/ of an installed provider.
set -euo pipefail
if [ -n "${TF_PROVIDER_MIRROR:-}" ]; then
  echo "$TF_PROVIDER_MIRROR"
  exit 0
fi
bin=$(find / -xdev -path '*/registry.terraform.io/hashicorp/aws/*' -name 'terraform-provider-aws_*' -print -quit 2>/dev/null || true)
if [ -z "$bin" ]; then
  echo "no hashicorp/aws provider mirror found; set TF_PROVIDER_MIRROR" >&2
  exit 1
fi
echo "${bin%%/registry.terraform.io/*}"
