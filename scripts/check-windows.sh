#!/usr/bin/env bash
# Checks that the Windows-only sources compile, without Windows: a MinGW-w64 cross compiler
# syntax-checks each translation unit against the Windows headers with the project's warnings.
# They include no Boost, so nothing else is needed.
set -euo pipefail
cd "$(dirname "$0")/.."

compiler=x86_64-w64-mingw32-g++-posix  # the posix thread model provides std::thread
if ! command -v "$compiler" >/dev/null; then
  echo "check-windows: $compiler missing; scripts/install-deps.sh --test installs it" >&2
  exit 1
fi

sources=(app/asyncsvr/windows_service.cpp)
for source in "${sources[@]}"; do
  "$compiler" -std=c++20 -fsyntax-only -Wall -Wextra -Werror -Wpedantic -Wshadow \
    -Wnon-virtual-dtor -Wold-style-cast -DUNICODE -D_UNICODE -Iapp "$source"
  echo "check-windows: $source compiles for Windows"
done
