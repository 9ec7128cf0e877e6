#!/usr/bin/env bash
# `systemd-analyze verify` on the systemd unit, with ExecStart pointing at the built binary (the
# installed path does not exist here). Usage: unit_file_verify.sh UNIT_FILE SERVER_BINARY
set -euo pipefail
unit="$1"
binary="$2"

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed (apt install systemd)"
  exit 77  # ctest reports the test as skipped (SKIP_RETURN_CODE)
fi
grep -q '^ExecStart=/usr/bin/asyncsvr ' "$unit" || {
  echo "FAIL: $unit has no ExecStart=/usr/bin/asyncsvr line to point at the built binary"
  exit 1
}

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
sed "s|^ExecStart=/usr/bin/asyncsvr |ExecStart=$binary |" "$unit" >"$dir/asyncsvr.service"
# Without a running systemd, verify still checks every directive, every path it names and the
# dependency graph; its warnings go to stderr, so any output there fails the test.
if ! systemd-analyze verify --man=no "$dir/asyncsvr.service" 2>"$dir/errors"; then
  cat "$dir/errors"
  echo "FAIL: systemd-analyze verify"
  exit 1
fi
if [ -s "$dir/errors" ]; then
  cat "$dir/errors"
  echo "FAIL: systemd-analyze verify warned"
  exit 1
fi
echo "OK: systemd-analyze verify passed"
