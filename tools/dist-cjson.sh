#!/bin/sh
# Builds cJSON as a static archive from Debian's source package (Debian's
# libcjson-dev has only the shared library):
#   sh tools/dist-cjson.sh SRCDIR CC OUTDIR [CFLAGS...]
# SRCDIR receives `apt-get source cjson` once (Debian's patches applied);
# OUTDIR gets lib/libcjson.a and include/cjson/cJSON.h.  Needs deb-src
# lines (tools/dist-apt.sh src) and dpkg-dev.
set -eu
srcdir=$1 cc=$2 out=$3
shift 3
if ! ls -d "$srcdir"/cjson-*/cJSON.c >/dev/null 2>&1; then
	rm -rf "$srcdir"
	mkdir -p "$srcdir"
	(cd "$srcdir" && apt-get source -q cjson 2>&1 |
		grep -v '^W: Download is performed unsandboxed' >&2 || true)
fi
c=$(ls -d "$srcdir"/cjson-*/cJSON.c | tail -n 1)
[ -f "$c" ] || { echo "dist-cjson: apt-get source cjson gave no cJSON.c" >&2; exit 1; }
mkdir -p "$out/lib" "$out/include/cjson"
cp "$(dirname "$c")/cJSON.h" "$out/include/cjson/cJSON.h"
# shellcheck disable=SC2068
$cc -std=c89 -O2 -fPIE -fstack-protector-strong -D_FORTIFY_SOURCE=2 $@ \
    -c -o "$out/cJSON.o" "$c"
rm -f "$out/lib/libcjson.a"
ar rcs "$out/lib/libcjson.a" "$out/cJSON.o"
