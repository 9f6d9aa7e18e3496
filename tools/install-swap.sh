#!/bin/sh
# install-swap.sh MODE DIR FILE...: puts each FILE into DIR with MODE, the
# way an upgrade of a live tree needs it: written whole under a temporary
# name in DIR, then renamed over the old one (rename(2) is atomic), so a
# web server starting a program, or sending a file, finds the old one or
# the new one, never a file half written.  (install(1) alone writes into
# the new file under its final name: a CGI request arriving meanwhile got
# a half-written program.)  Used by make install.
set -eu
mode=$1 dir=$2
shift 2
for f in "$@"; do
	name=$(basename "$f")
	tmp="$dir/.$name.new-$$"
	install -m "$mode" "$f" "$tmp"
	mv -f "$tmp" "$dir/$name"
done
