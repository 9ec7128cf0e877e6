#!/usr/bin/env bash
# Installs the dependencies, builds everything and runs every test with ctest. The last line of
# the output is ctest's summary. Extra arguments go to ctest (e.g. -L unit, -R login).
#
# With --sanitizers (first argument), two more passes follow the normal run, each in its own
# Debug build directory: the whole suite built with AddressSanitizer and UndefinedBehaviorSanitizer
# (build-asan/), then the tests that exercise cross-thread work built with ThreadSanitizer
# (build-tsan/). Extra ctest arguments apply to the normal run only; the output still ends with a
# ctest summary (the TSan pass's).
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizers=false
if [ "${1:-}" = --sanitizers ]; then
  sanitizers=true
  shift
fi

scripts/install-deps.sh --test
scripts/build.sh "${BUILD_TYPE:-Release}"
# Before ctest, so that its summary stays the last line. Both take seconds: the package's
# Release objects come from ccache, filled by the build above when BUILD_TYPE is Release.
scripts/check-windows.sh
scripts/package.sh

build_dir="${BUILD_DIR:-build}"
(cd "$build_dir" && ctest --output-on-failure --timeout 600 -j "${JOBS:-2}" "$@")
if ! $sanitizers; then
  exit 0
fi

# Every test, under ASan and UBSan (the allocation-counting test too: its operator new calls
# malloc, which ASan still checks). Neither pass needs the benchmarks' baseline servers.
echo "test.sh: AddressSanitizer and UndefinedBehaviorSanitizer pass (build-asan/)"
CMAKE_ARGS="-DASYNCSVR_SANITIZE=address,undefined -DASYNCSVR_BUILD_BENCH=OFF" BUILD_DIR=build-asan \
  scripts/build.sh Debug
(cd build-asan && ctest --output-on-failure --timeout 600 -j "${JOBS:-2}")

# TSan only has something to find where threads share state, and building just those tests
# keeps this pass's build short: the buffer pool's per-thread caches and the object pools, and the
# integration tests whose sessions hand work to other threads and back (login on the auth threads,
# file work on the file workers, uploads taken over from another session, kick, broadcast, log
# fan-out, shutdown while busy, TLS certificates reloaded while connections arrive).
echo "test.sh: ThreadSanitizer pass (build-tsan/)"
tsan_tests=(unit_memory unit_object_pools integration_login integration_control
  integration_disconnect integration_shutdown integration_upload integration_download
  integration_remote_stream integration_log_output integration_backpressure integration_tls)
CMAKE_ARGS="-DASYNCSVR_SANITIZE=thread -DASYNCSVR_BUILD_BENCH=OFF" BUILD_DIR=build-tsan \
  scripts/build.sh Debug "${tsan_tests[@]}"
(
  IFS='|'
  cd build-tsan && ctest --output-on-failure --timeout 600 -j "${JOBS:-2}" -R "^(${tsan_tests[*]})\$"
)
