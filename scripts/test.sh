#!/usr/bin/env bash
# Installs the dependencies, builds everything and runs every test with ctest. The last line of
# the output is ctest's summary. Extra arguments go to ctest (e.g. -L unit, -R login).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
scripts/build.sh "${BUILD_TYPE:-Release}"
# Before ctest, so that its summary stays the last line. Both take seconds: the package's
# Release objects come from ccache, filled by the build above when BUILD_TYPE is Release.
scripts/check-windows.sh
scripts/package.sh

build_dir="${BUILD_DIR:-build}"
cd "$build_dir"
ctest --output-on-failure --timeout 600 -j "${JOBS:-2}" "$@"
