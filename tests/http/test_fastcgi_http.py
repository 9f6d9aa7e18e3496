"""lighttpd-fastcgi.conf's program processes and the server's life: they
end with lighttpd, even when lighttpd is killed outright."""
import importlib.util
import os
import pathlib
import signal
import time

_spec = importlib.util.spec_from_file_location(
    "http_conftest", pathlib.Path(__file__).with_name("conftest.py"))
hc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hc)

# max-procs (lighttpd-fastcgi.conf) processes of every program of cgi-bin/
PROGRAMS = 2 * len(list((hc.ROOT / "cgi-bin").glob("*.c")))
GONE_WITHIN = 15        # seconds


def programs(site):
    """pid -> parent pid of the processes running site's cgi-bin/*.cgi."""
    found = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            exe = os.readlink(f"/proc/{d}/exe")
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if exe.startswith(str(site / "cgi-bin") + "/"):
            found[int(d)] = ppid
    return found


def waiting(procs, within=30):
    """Waits until each of procs waits in poll() for its first request
    (app_await()), so that it has asked for its signal: a program the
    server started but the kernel has not run yet (a loaded machine) has
    not, and a server killed before that leaves it behind."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        busy = []
        for pid in procs:
            try:
                with open(f"/proc/{pid}/wchan") as f:
                    if "poll" not in f.read():
                        busy.append(pid)
            except OSError:
                pass
        if not busy:
            return
        time.sleep(0.1)


def test_programs_end_when_lighttpd_is_killed(workdir):
    """SIGKILL gives lighttpd no chance to stop its FastCGI programs; they
    ask the kernel for SIGTERM when their parent dies (app.c,
    app_end_with_server()), so none is left waiting on its socket."""
    run = hc.serve_lighttpd(workdir, "lighttpd-kill9",
                            "lighttpd-fastcgi.conf", fastcgi=True)
    srv = next(run)
    left = {}
    try:
        assert srv.get("/api/").status == 200
        procs = programs(srv.site)
        assert len(procs) == PROGRAMS, procs
        waiting(procs)
        (server_pid,) = set(procs.values())
        os.kill(server_pid, signal.SIGKILL)
        deadline = time.monotonic() + GONE_WITHIN
        while time.monotonic() < deadline:
            left = programs(srv.site)
            if not left:
                break
            time.sleep(0.2)
        assert not left, f"still running after lighttpd died: {left}"
    finally:
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        run.close()
