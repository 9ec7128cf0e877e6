#!/usr/bin/env bash
# Installs what asyncsvr needs on Debian 12. Idempotent and non-interactive: it only calls apt-get
# when a package is missing.
#
#   scripts/install-deps.sh           to build, run and benchmark the server
#   scripts/install-deps.sh --test    also what the test suite needs (scripts/test.sh)
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-program-options1.81-dev libboost-log1.81-dev
  libboost-test1.81-dev libboost-json1.81-dev libssl-dev
  procps iproute2 util-linux curl
  openssl  # throw-away certificates for the TLS benchmark and the CLI test
  liburing-dev  # the io_uring build variant (-DASYNCSVR_IO_URING=ON) the benchmarks compare
  jq gnuplot-nox  # scripts/bench.sh reads the generator's JSON and draws its plots
)
if [ "${1:-}" = --test ]; then
  packages+=(
    systemd dpkg-dev            # systemd-analyze verify of the unit; dpkg-shlibdeps for the .deb
    g++-mingw-w64-x86-64-posix  # scripts/check-windows.sh
    chromium                    # the dashboard test renders the status page headless
    nftables                    # the half-open test drops a peer's packets in its own namespace
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
