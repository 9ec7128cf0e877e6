#!/usr/bin/env bash
# Runs the half-open test in a network namespace of its own, where it may filter the loopback
# device without touching the machine's. Skips (77) where namespaces cannot be made (no root, or
# a container that forbids them) or nft is missing.
# Usage: half_open.sh PATH_TO_INTEGRATION_HALF_OPEN [ARGUMENTS...]
set -euo pipefail
if ! command -v nft >/dev/null || ! unshare -n true 2>/dev/null; then
  echo "half_open: skipped: cannot create a network namespace with nftables here"
  exit 77
fi
exec unshare -n "$@"
