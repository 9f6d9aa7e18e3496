"""`make run` as a newcomer runs it (README, "Two commands"), into a
private site and data directory: it serves the page and the API through
lighttpd-fastcgi.conf; and a second `make run` on the port in use stops
before it builds or installs anything (issue 21: it used to reinstall the
tree under the running server, then fail to bind).
"""
import importlib.util
import os
import pathlib
import signal
import socket
import subprocess
import time

import pytest

_spec = importlib.util.spec_from_file_location(
    "http_conftest", pathlib.Path(__file__).with_name("conftest.py"))
hc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hc)

START = 120                 # seconds: make run builds what is missing first


def make_run(port, site, data, log):
    """Starts `make run` in a session of its own, output to log."""
    build = os.path.relpath(hc.BUILD, hc.ROOT) \
        if hc.BUILD.is_relative_to(hc.ROOT) else str(hc.BUILD)
    with open(log, "wb") as out:
        return subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}",
             f"SITE={site}", f"DATA_DIR={data}", f"BUILD={build}"],
            cwd=hc.ROOT, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
            env=dict(os.environ, PATH=os.environ.get("PATH", "")
                     + ":/usr/sbin:/sbin"))


def end(proc):
    """Ends make run and everything it started (its session)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=hc.STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=hc.STOP_TIMEOUT)


@pytest.fixture(scope="module")
def running(workdir):
    """A first make run, serving on a free port until the module ends."""
    port = hc.free_port()
    site, data = workdir / "run-site", workdir / "run-data"
    log = workdir / "make-run.log"
    proc = make_run(port, site, data, log)
    try:
        deadline = time.monotonic() + START
        while True:
            assert proc.poll() is None, hc.read_log(log)
            try:
                r = hc.exchange(port, b"GET /api/ HTTP/1.1\r\nHost: "
                                b"127.0.0.1\r\nConnection: close\r\n\r\n",
                                timeout=5)
                if r.status is not None:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, hc.read_log(log)
            time.sleep(0.2)
        yield hc.Server("lighttpd", port, "", site, log, None)
    finally:
        end(proc)


def test_make_run_serves(running):
    srv = running
    r = srv.get("/api/")
    assert r.status == 200 and r.json()["server"] == "InvenTree", r
    assert r.json()["apiVersion"] >= 206
    r = srv.get("/")
    assert r.status == 200 and b"<!doctype html>" in r.body.lower(), r
    text = srv.log.read_text(errors="replace")
    assert f"Stockroom is at http://127.0.0.1:{srv.port}/" in text, text
    # lighttpd-fastcgi.conf: the programs are kept running.
    exe = str(srv.site / "cgi-bin" / "api.cgi")
    kept = [d for d in os.listdir("/proc") if d.isdigit()
            and os.path.exists(f"/proc/{d}/exe")
            and os.readlink(f"/proc/{d}/exe") == exe]
    assert kept, "no api.cgi process kept by make run's lighttpd"


def test_make_run_answers_only_to_its_own_names(running):
    """make run sets ALLOWED_HOSTS to 127.0.0.1 and localhost: another
    name (a DNS-rebinding page's, say) gets 400 JSON."""
    srv = running
    conf = (srv.site / "stockroom.conf").read_text()
    assert "ALLOWED_HOSTS = 127.0.0.1 localhost" in conf, conf
    for host in (f"127.0.0.1:{srv.port}", f"localhost:{srv.port}"):
        r = hc.exchange(srv.port, f"GET /api/ HTTP/1.1\r\nHost: {host}\r\n"
                        "Connection: close\r\n\r\n".encode(), timeout=15)
        assert r.status == 200, (host, r)
    r = hc.exchange(srv.port, b"GET /api/part/ HTTP/1.1\r\nHost: rebind."
                    b"example\r\nConnection: close\r\n\r\n", timeout=15)
    assert r.status == 400 and r.is_json, r
    assert "ALLOWED_HOSTS" in r.json()["detail"]


def test_second_make_run_on_the_port_touches_nothing(running, workdir):
    """The port is taken by the first make run: the second, aimed at the
    same site, says so and stops; the tree under the running server is
    not reinstalled, and the first still serves."""
    srv = running
    files = [srv.site / "cgi-bin" / "api.cgi", srv.site / "index.html",
             srv.site / "db" / "lighttpd-routes.conf"]
    before = {f: os.stat(f).st_mtime_ns for f in files}
    log = workdir / "make-run-2.log"
    proc = make_run(srv.port, srv.site, workdir / "run-data", log)
    try:
        proc.wait(timeout=START)
    finally:
        end(proc)
    text = hc.read_log(log)
    assert proc.returncode != 0, text
    assert f"port {srv.port} on 127.0.0.1 is in use" in text, text
    assert "nothing was built or installed" in text, text
    assert {f: os.stat(f).st_mtime_ns for f in files} == before
    assert srv.get("/api/health/").status == 200


def test_make_run_on_a_busy_port_installs_nothing(workdir):
    """Whatever holds the port: no site, no data directory made."""
    site, data = workdir / "busy-site", workdir / "busy-data"
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        log = workdir / "make-run-busy.log"
        proc = make_run(port, site, data, log)
        try:
            proc.wait(timeout=START)
        finally:
            end(proc)
    assert proc.returncode != 0, hc.read_log(log)
    assert not site.exists() and not data.exists(), hc.read_log(log)
