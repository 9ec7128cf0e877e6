#!/usr/bin/env bash
# Builds the Debian package: a Release build without tests or benchmarks in build-package/ (with
# the /usr prefix the package installs under), then cpack. Prints the .deb's path last.
# PACKAGE_BUILD_DIR (default build-package/) and JOBS (default 2) may be set in the environment
# (not BUILD_DIR, which scripts/test.sh exports for its own build). Right after a Release build
# of the same sources, ccache serves every object and this takes seconds; from scratch, minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir="${PACKAGE_BUILD_DIR:-build-package}"
CMAKE_ARGS="-DCMAKE_INSTALL_PREFIX=/usr -DASYNCSVR_BUILD_TESTS=OFF -DASYNCSVR_BUILD_BENCH=OFF" \
  BUILD_DIR="$build_dir" scripts/build.sh Release asyncsvr asyncsvr-cli

rm -f "$build_dir"/asyncsvr_*.deb
(cd "$build_dir" && cpack -G DEB >/dev/null)
deb="$(ls "$build_dir"/asyncsvr_*.deb)"
# The package is only useful with the binaries, the unit and its maintainer scripts in it.
contents="$(dpkg-deb -c "$deb")"
for file in /usr/bin/asyncsvr /usr/bin/asyncsvr-cli /etc/asyncsvr/asyncsvr.conf \
  /usr/lib/systemd/system/asyncsvr.service; do
  grep -q " \.$file\$" <<<"$contents" || { echo "package.sh: $deb lacks $file" >&2; exit 1; }
done
dpkg-deb -I "$deb" postinst prerm postrm conffiles >/dev/null
echo "$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
