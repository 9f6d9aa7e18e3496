#!/usr/bin/env python3
"""Exits 0 when 127.0.0.1:PORT can be bound, as lighttpd.conf binds it;
otherwise says why and exits 1.  `make run` asks before it builds or
installs anything, so a second `make run` on a port in use stops at once
instead of reinstalling the tree under the server already running there.

    tools/port-free.py PORT
"""
import errno
import socket
import sys


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: tools/port-free.py PORT")
    port = int(sys.argv[1])
    with socket.socket() as s:
        # As lighttpd does: a connection of an earlier server still in
        # TIME_WAIT does not keep the port.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                why = ("is in use (a Stockroom already running? "
                       "Stop it, or choose another: PORT=9000 make run)")
            else:
                why = f"cannot be used: {e.strerror}"
            sys.exit(f"make run: port {port} on 127.0.0.1 {why}; "
                     "nothing was built or installed.")


if __name__ == "__main__":
    main()
