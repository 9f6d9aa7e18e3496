#!/bin/sh
# Makes sure the Debian packages named as arguments are installed.  As root,
# installs the missing ones with apt-get; otherwise prints the exact command
# to run and fails, so nothing half-works.
set -eu
missing=""
for p in "$@"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "Stockroom needs these Debian packages:$missing" >&2
	echo "Install them as root, then run make again:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! apt-get install -y -q $missing >/dev/null 2>&1; then
	apt-get update -q >/dev/null
	apt-get install -y -q $missing >/dev/null
fi
