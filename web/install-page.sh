#!/bin/sh
# Writes the built page shell (htdocs/index.html) for an install prefix:
#   sh web/install-page.sh htdocs/index.html /~alice/stockroom/ > DEST/index.html
# The prefix must start and end with "/" and hold only URL path characters;
# every asset, API and page URL the app makes follows <base href>.
set -eu
src=$1
base=${2:-/}
case $base in
/*/ | /) ;;
*) echo "BASE_PATH must start and end with /, e.g. /~alice/stockroom/ (got: $base)" >&2; exit 2 ;;
esac
if printf '%s' "$base" | LC_ALL=C grep -q '[^A-Za-z0-9/._~-]'; then
	echo "BASE_PATH may hold only letters, digits and / . _ ~ - (got: $base)" >&2
	exit 2
fi
grep -q '<base href="/">' "$src" || { echo "$src has no <base href=\"/\">; run make web" >&2; exit 1; }
sed "s|<base href=\"/\">|<base href=\"$base\">|" "$src"
