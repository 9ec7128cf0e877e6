#!/usr/bin/env bash
# Configures and builds asyncsvr with Ninja. Usage: scripts/build.sh [BUILD_TYPE] [TARGET...]
# BUILD_DIR (default build/) and JOBS (default 2) may be set in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."

build_type="${1:-Release}"
shift || true
build_dir="${BUILD_DIR:-build}"
jobs="${JOBS:-2}"

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" ${CMAKE_ARGS:-} >/dev/null
ninja -C "$build_dir" -j "$jobs" "$@"
