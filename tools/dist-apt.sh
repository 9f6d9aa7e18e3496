#!/bin/sh
# Makes apt able to fetch what the static release build needs (mk/dist.mk):
#   sh tools/dist-apt.sh [src] [ARCH...]
# "src": Debian's source packages (deb-src lines beside the deb lines of
# /etc/apt/sources.list.d/debian.sources), for cJSON, which Debian ships
# without a static archive.  ARCH (a Debian architecture such as arm64): its
# binary package lists (dpkg --add-architecture), for the -dev packages
# whose static archives a cross build links.  Nothing is installed.  As
# root it changes apt's configuration and runs apt-get update once; otherwise
# it prints the commands to run and fails.
set -eu
SRC_LIST=/etc/apt/sources.list.d/stockroom-deb-src.sources
DEBIAN_LIST=/etc/apt/sources.list.d/debian.sources
todo=""
for want in "$@"; do
	case $want in
	src)
		apt-get source --print-uris cjson >/dev/null 2>&1 ||
			todo="$todo src"
		;;
	*)
		[ "$want" = "$(dpkg --print-architecture)" ] ||
			dpkg --print-foreign-architectures | grep -qx "$want" ||
			todo="$todo $want"
		;;
	esac
done
[ -z "$todo" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "The release build needs apt to know more (as root):" >&2
	for t in $todo; do
		case $t in
		src) echo "  sed 's/^Types: deb\$/Types: deb-src/' $DEBIAN_LIST > $SRC_LIST" >&2 ;;
		*) echo "  dpkg --add-architecture $t" >&2 ;;
		esac
	done
	echo "  apt-get update" >&2
	exit 1
fi
for t in $todo; do
	case $t in
	src)
		if [ ! -f "$DEBIAN_LIST" ]; then
			echo "dist-apt: no $DEBIAN_LIST to take deb-src lines from;" \
			    "add deb-src lines for your mirror by hand" >&2
			exit 1
		fi
		echo "dist-apt: adding Debian's source lists ($SRC_LIST)"
		sed 's/^Types: deb$/Types: deb-src/' "$DEBIAN_LIST" > "$SRC_LIST"
		;;
	*)
		echo "dist-apt: adding the $t architecture to dpkg"
		dpkg --add-architecture "$t"
		;;
	esac
done
apt-get update -q >/dev/null
for t in $todo; do
	if [ "$t" = src ] && ! apt-get source --print-uris cjson >/dev/null 2>&1; then
		echo "dist-apt: the mirror serves no source packages" \
		    "(apt-get source cjson fails)" >&2
		exit 1
	fi
done
