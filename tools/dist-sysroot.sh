#!/bin/sh
# Unpacks (does not install) the Debian -dev packages whose static archives
# the release build links, for one architecture, into a directory:
#   sh tools/dist-sysroot.sh DEBIAN_ARCH DIR PACKAGE...
# DIR/usr/include and DIR/usr/lib/<triplet> then hold that architecture's
# headers and lib*.a; DIR/debs keeps the .deb files (under build/, never
# committed).  Needs the architecture known to apt (tools/dist-apt.sh).
set -eu
arch=$1 dir=$2
shift 2
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp/debs"
pkgs=""
for p in "$@"; do pkgs="$pkgs $p:$arch"; done
# shellcheck disable=SC2086
(cd "$dir.tmp/debs" && apt-get download -q $pkgs 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
n=$(find "$dir.tmp/debs" -name '*.deb' | wc -l)
if [ "$n" -ne "$#" ]; then
	echo "dist-sysroot: got $n of $# packages for $arch:$pkgs" >&2
	exit 1
fi
for d in "$dir.tmp"/debs/*.deb; do
	dpkg-deb -x "$d" "$dir.tmp"
done
rm -rf "$dir"
mv "$dir.tmp" "$dir"
