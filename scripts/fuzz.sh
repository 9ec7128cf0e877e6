#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs one. Usage: scripts/fuzz.sh TARGET [SECONDS]
# TARGET is the name before _fuzzer (text_block). It starts from the seeds in
# test/fuzz/corpus/TARGET; inputs that reach new code collect in build-fuzz/corpus/TARGET (copy
# the interesting ones into the seeds), and a crash leaves its input in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}"
seconds="${2:-60}"

scripts/install-deps.sh
if ! command -v clang++ >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DASYNCSVR_BUILD_FUZZERS=ON -DASYNCSVR_BUILD_TESTS=OFF -DASYNCSVR_BUILD_BENCH=OFF >/dev/null
ninja -C build-fuzz -j "${JOBS:-2}" "${target}_fuzzer"
mkdir -p "build-fuzz/corpus/$target"
cd build-fuzz
"./test/fuzz/${target}_fuzzer" -max_total_time="$seconds" "corpus/$target" \
  "../test/fuzz/corpus/$target"
