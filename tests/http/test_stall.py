"""Slow and stalled clients through the real servers (issue 7): a client
that stops sending or stops reading must not hold a program, or the
server's connection, forever.

The servers run the shipped lighttpd.conf and apache.conf unchanged (and a
.htaccess tree under the same Apache); their trees set READ_TIMEOUT = 2, so
the programs' own limit is short, and log to a file of their own
(LOG_FILE), so each tree's request lines can be read.  The servers' limits
are the shipped ones, read from the configuration files:
lighttpd's server.max-read-idle and Apache's Timeout.

Each scenario takes up to a server timeout (tens of seconds), so all of
them, against all three ways of serving, start together when the module's
first test asks for them; each test then checks the record of its own.
Which program belongs to which client is found in /proc: a program of the
tree whose CGI environment has REMOTE_PORT equal to the client's port."""
import concurrent.futures
import importlib.util
import json
import os
import pathlib
import re
import socket
import time
from decimal import Decimal

import pytest

pytestmark = pytest.mark.sqlite_only(
    "fills its tree with tools/inventory generate, which writes SQLite files")

_spec = importlib.util.spec_from_file_location(
    "http_conftest", pathlib.Path(__file__).with_name("conftest.py"))
hc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hc)

KINDS = ["lighttpd", "apache", "htaccess"]
READ_TIMEOUT = 2            # the trees' setting, seconds
MARGIN = 15                 # seconds of slack on a loaded machine
GONE = 3                    # looks in a row that must miss a program
ITEMS = 6000                # stock items: the full list is about 9 MB
TREE_CONF = f"READ_TIMEOUT = {READ_TIMEOUT}\nLOG_FILE = stockroom.log\n"
BIG_LIST = "/api/stock/?part_detail=true&location_detail=true"


def config_seconds(path, pattern):
    """The number a shipped configuration sets, or a failure saying it
    sets none."""
    m = re.search(pattern, (hc.ROOT / path).read_text(), re.M)
    assert m, f"{path} sets no {pattern}"
    return int(m.group(1))


def server_timeout(kind):
    """How long the server waits on a client that sends or reads nothing."""
    if kind == "lighttpd":
        return config_seconds("lighttpd.conf",
                              r"^server\.max-read-idle\s*=\s*(\d+)")
    return config_seconds("apache.conf", r"^Timeout\s+(\d+)")


def test_configs_set_timeouts():
    """The limits HARDENING.md lists are in the shipped files."""
    assert server_timeout("lighttpd") <= 60
    assert config_seconds("lighttpd.conf",
                          r"^server\.max-write-idle\s*=\s*(\d+)") <= 300
    limits = re.search(r'^\s*cgi\.limits\s*=\s*\((.*)\)',
                       (hc.ROOT / "lighttpd.conf").read_text(), re.M)
    assert limits, "lighttpd.conf sets no cgi.limits"
    assert re.search(r'"read-timeout"\s*=>\s*\d+', limits.group(1))
    assert re.search(r'"write-timeout"\s*=>\s*\d+', limits.group(1))
    assert server_timeout("apache") <= 60
    assert config_seconds("apache.conf", r"^\s*CGIDScriptTimeout\s+(\d+)") \
        <= 120
    # .htaccess cannot set these: Apache refuses Timeout there.
    text = (hc.ROOT / "htdocs" / ".htaccess").read_text()
    assert not re.search(r"^\s*(Timeout|CGIDScriptTimeout)\b", text, re.M)


# --- The servers ------------------------------------------------------------

def stall_tree(site, instance, **kw):
    user = hc.install_tree(site, instance, conf=TREE_CONF, **kw)
    env = dict(hc.SERVER_ENV)
    if "data_dir_env" in kw:
        env["STOCKROOM_DATA_DIR"] = str(kw["data_dir_env"])
    hc.run([str(site / "bin" / "inventory"), "generate", "-p", "300", "-c",
            "3", "-l", "3", "-i", str(ITEMS), "-t", str(ITEMS)], env=env)
    return user


APACHE_STALL = hc.APACHE_BASE + hc.APACHE_SITES


@pytest.fixture(scope="module")
def servers(workdir):
    """lighttpd.conf as shipped, and Apache with apache.conf as shipped
    plus a .htaccess tree, each serving trees with READ_TIMEOUT = 2 and
    ITEMS stock items."""
    procs = []
    out = {}
    try:
        site = workdir / "stall-lighttpd-site"
        user = stall_tree(site, "HTTP test stall lighttpd",
                          data_dir_env=site / "data")
        port = hc.free_port()
        log = workdir / "stall-lighttpd.log"
        procs.append(hc.start_lighttpd(hc.ROOT / "lighttpd.conf", site, port,
                                       log, "lighttpd (stall)"))
        out["lighttpd"] = hc.Server("lighttpd", port, "", site, log, user)

        site = workdir / "stall-apache-site"
        site2 = workdir / "stall-alice-site"
        user = stall_tree(site, "HTTP test stall apache")
        user2 = stall_tree(site2, "HTTP test stall alice",
                           prefix="/~alice/stockroom")
        hc.give_to_apache(site)
        hc.give_to_apache(site2)
        port, proc, log = hc.start_apache_in(
            workdir / "stall-apache", APACHE_STALL, "apache2 (stall)",
            site=site, site2=site2, repo=hc.ROOT)
        procs.append(proc)
        out["apache"] = hc.Server("apache", port, "", site, log, user)
        out["htaccess"] = hc.Server("htaccess", port, "/~alice/stockroom",
                                    site2, log, user2)
        yield out
    finally:
        for p in reversed(procs):
            hc.stop(p)


# --- Watching programs ------------------------------------------------------

def programs_for(site, port):
    """Pids of the tree's CGI programs serving the client whose local port
    is port (their REMOTE_PORT)."""
    prefix = str(site / "cgi-bin") + "/"
    mark = f"REMOTE_PORT={port}".encode()
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            if not os.readlink(f"/proc/{d}/exe").startswith(prefix):
                continue
            with open(f"/proc/{d}/environ", "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue            # gone, or a zombie: not running
        if mark in env:
            pids.append(int(d))
    return pids


def describe(pids):
    """What each process is doing, for a failure message."""
    out = []
    for pid in pids:
        try:
            stat = pathlib.Path(f"/proc/{pid}/stat").read_text().split()
            wchan = pathlib.Path(f"/proc/{pid}/wchan").read_text()
            fds = {fd: os.readlink(f"/proc/{pid}/fd/{fd}")
                   for fd in os.listdir(f"/proc/{pid}/fd")}
        except OSError as e:
            out.append((pid, repr(e)))
            continue
        status = {k: v.strip() for k, _, v in (
            ln.partition(":") for ln in pathlib.Path(
                f"/proc/{pid}/status").read_text().splitlines())}
        try:
            syscall = pathlib.Path(f"/proc/{pid}/syscall").read_text()
        except OSError:
            syscall = "?"
        out.append(dict(pid=pid, state=stat[2], wchan=wchan, fds=fds,
                        cpu_ticks=int(stat[13]) + int(stat[14]),
                        syscall=syscall.split()[:1],
                        sig={k: status.get(k) for k in (
                            "SigPnd", "ShdPnd", "SigBlk", "SigIgn")}))
    return out


class Client:
    """One raw connection, with a record of when a program served it."""

    def __init__(self, srv, rcvbuf=None):
        self.srv = srv
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect(("127.0.0.1", srv.port))
        self.port = self.sock.getsockname()[1]
        self.t0 = time.monotonic()
        self.first_seen = None      # seconds after connecting
        self.last_seen = None
        self.got = b""
        self.closed_at = None       # when the server closed, or None

    def now(self):
        return time.monotonic() - self.t0

    def look(self):
        if programs_for(self.srv.site, self.port):
            t = self.now()
            self.first_seen = self.first_seen if self.first_seen is not None \
                else t
            self.last_seen = t
            return True
        return False

    def send(self, data):
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def head(self, method, path, auth, extra=(), end=True):
        lines = [f"{method} {self.srv.prefix + path} HTTP/1.1",
                 "Host: 127.0.0.1", "Connection: close",
                 f"Authorization: {auth['Authorization']}", *extra]
        return ("\r\n".join(lines) + ("\r\n\r\n" if end else "\r\n")).encode()

    def read_until_closed(self, limit):
        """Reads, looking for the program every 0.2 s, until the server
        closes or limit seconds after connecting."""
        self.sock.settimeout(0.2)
        looked = -1
        while self.now() < limit:
            if self.now() - looked >= 0.2:
                looked = self.now()
                self.look()
            try:
                chunk = self.sock.recv(1 << 20)
            except socket.timeout:
                continue
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.closed_at = self.now()
                break
            self.got += chunk
        self.settle()

    def watch(self, seconds, done=None):
        """Looks for the program every 0.2 s, reading nothing, for seconds
        or until it has run (seen, or done() says so) and has not been
        seen GONE times in a row; returns when it was first missed, or
        None.  (One look can miss a live program: seen under load.)"""
        end = self.now() + seconds
        missed = None
        while self.now() < end:
            if self.look():
                missed = None
            else:
                missed = self.now() if missed is None else missed
            if missed is not None and self.now() - missed >= GONE * 0.2 \
                    and done is not None and (
                        self.first_seen is not None or done()):
                return missed
            time.sleep(0.2)
        return None

    def settle(self):
        """A program ended by the server may take a moment to exit: looks
        until it has not been seen GONE times in a row (at most 5 s)."""
        end = self.now() + 5
        quiet = 0
        while quiet < GONE and self.now() < end:
            quiet = 0 if self.look() else quiet + 1
            time.sleep(0.1)
        self.left = [] if quiet >= GONE else \
            programs_for(self.srv.site, self.port)

    def answer(self):
        return hc.Response(self.got, self.closed_at)

    def close(self):
        self.sock.close()


# --- The scenarios ------------------------------------------------------------

def sign_in(srv):
    return srv.token_headers("http-stall")


def state(srv, auth, pk):
    """(quantity, number of tracking entries) of one stock item."""
    r = srv.get(f"/api/stock/{pk}/", headers=auth)
    assert r.status == 200, r
    q = json.loads(r.body, parse_float=Decimal)["quantity"]
    r = srv.get(f"/api/stock/track/?item={pk}", headers=auth)
    assert r.status == 200, r
    return q, len(r.json())


def stalled_body(srv, ctx):
    """Content-Length: 1000, a hundred bytes of a stock adjustment, then
    nothing (the connection stays open)."""
    c = Client(srv)
    body = json.dumps({"items": [{"pk": ctx["items"][0], "quantity": "5"}],
                       "notes": "x" * 2000}).encode()
    c.send(c.head("POST", "/api/stock/add/", ctx["auth"],
                  ["Content-Type: application/json",
                   "Content-Length: 1000"]) + body[:100])
    c.read_until_closed(ctx["limit"])
    c.close()
    return c


def slow_body(srv, ctx):
    """The body's first bytes, a pause longer than READ_TIMEOUT (but
    shorter than the server's timeout), then the rest."""
    c = Client(srv)
    body = json.dumps({"items": [{"pk": ctx["items"][1],
                                  "quantity": "0.1"}]}).encode()
    c.send(c.head("POST", "/api/stock/remove/", ctx["auth"],
                  ["Content-Type: application/json",
                   f"Content-Length: {len(body)}"]) + body[:10])
    c.watch(READ_TIMEOUT + 2)
    c.send(body[10:])
    c.read_until_closed(ctx["limit"])
    c.close()
    return c


def headers_only(srv, ctx):
    """A request line and some headers, never the empty line that ends
    them."""
    c = Client(srv)
    c.send(c.head("POST", "/api/stock/transfer/", ctx["auth"],
                  ["Content-Type: application/json"], end=False))
    c.read_until_closed(ctx["limit"])
    c.close()
    return c


def never_reads(srv, ctx):
    """Asks for the whole stock list (about 9 MB) with a small receive
    buffer and reads nothing until the program is gone; then reads what
    the server still sends."""
    c = Client(srv, rcvbuf=4096)
    c.send(c.head("GET", BIG_LIST, ctx["auth"]))
    # A program too quick to be seen has still logged its request line.
    c.gone_at = c.watch(ctx["limit"], done=lambda: "GET /api/stock/ "
                        in tree_log(srv, ctx))
    c.stuck = describe(programs_for(srv.site, c.port))
    # Reading 9 MB through a 4 KB window can take long on a loaded machine.
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    c.read_until_closed(c.now() + 60)
    c.close()
    return c


SCENARIOS = {f.__name__: f for f in (stalled_body, slow_body, headers_only,
                                     never_reads)}


@pytest.fixture(scope="module")
def runs(servers):
    """Starts every scenario against every server at once; a dict of
    (kind, scenario) -> (future of the Client, the context it ran with)."""
    ctxs = {}
    for kind, srv in servers.items():
        auth = sign_in(srv)
        r = srv.request("POST", "/api/part/", headers=auth,
                        body={"name": "stall test"})
        assert r.status == 201, r
        part = r.json()["pk"]
        items = []
        for _ in range(3):
            r = srv.request("POST", "/api/stock/", headers=auth,
                            body={"part": part, "quantity": "10"})
            assert r.status == 201, r
            items.append(r.json()["pk"])
        ctxs[kind] = dict(auth=auth, items=items,
                          limit=server_timeout(kind) + MARGIN,
                          before={pk: state(srv, auth, pk) for pk in items},
                          log_size=log_size(srv))
    pool = concurrent.futures.ThreadPoolExecutor(len(ctxs) * len(SCENARIOS))
    futures = {(kind, name): (pool.submit(fn, servers[kind], ctxs[kind]),
                              ctxs[kind])
               for kind in ctxs for name, fn in SCENARIOS.items()}
    try:
        yield futures
    finally:
        pool.shutdown(wait=True)


def log_size(srv):
    try:
        return (srv.site / "data" / "stockroom.log").stat().st_size
    except FileNotFoundError:
        return 0


def tree_log(srv, ctx):
    """The tree's request lines since the scenarios started."""
    try:
        with open(srv.site / "data" / "stockroom.log", "rb") as f:
            f.seek(ctx["log_size"])
            return f.read().decode(errors="replace")
    except FileNotFoundError:
        return ""


def result(runs, kind, name):
    future, ctx = runs[(kind, name)]
    return future.result(timeout=ctx["limit"] + 60), ctx


# --- The tests ------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_stalled_body(servers, runs, kind):
    """A body that never finishes arriving: the client is answered 408 or
    the connection closed within the server's timeout; no program is left;
    nothing is written.  Apache starts the program at once and passes the
    body on as it comes, so the program itself gives up after READ_TIMEOUT
    (its log says 408), long before Apache's own Timeout answers the
    client.  lighttpd waits for the whole body before starting a program,
    so none ever starts; max-read-idle closes the connection."""
    srv = servers[kind]
    c, ctx = result(runs, kind, "stalled_body")
    r = c.answer()
    assert c.closed_at is not None, f"still open after {ctx['limit']}s: {r}"
    assert r.status in (None, 408), r
    assert c.left == [], c.left
    lines = [ln for ln in tree_log(srv, ctx).splitlines()
             if "/api/stock/add/" in ln]
    if srv.is_apache:
        assert c.first_seen is not None, "the program never started"
        assert c.last_seen <= READ_TIMEOUT + MARGIN, c.last_seen
        assert len(lines) == 1 and " 408 " in lines[0], lines
    else:
        assert c.first_seen is None, c.first_seen
        assert lines == [], lines
    assert state(srv, ctx["auth"], ctx["items"][0]) == \
        ctx["before"][ctx["items"][0]]
    print(f"{kind}: {r.status} after {c.closed_at:.1f}s, program seen "
          f"{c.first_seen}..{c.last_seen}")


@pytest.mark.parametrize("kind", KINDS)
def test_slow_body(servers, runs, kind):
    """A body that pauses longer than READ_TIMEOUT and then arrives:
    under Apache the program has given up and its own 408 (JSON) reaches
    the client, and nothing is written; lighttpd hands the program the
    whole body at once, so the adjustment is made (201)."""
    srv = servers[kind]
    c, ctx = result(runs, kind, "slow_body")
    r = c.answer()
    pk = ctx["items"][1]
    q, n = ctx["before"][pk]
    assert c.left == [], c.left
    if srv.is_apache:
        assert r.status == 408 and r.is_json, r
        assert "Timed out reading the request body" in r.json()["detail"]
        assert state(srv, ctx["auth"], pk) == (q, n)
    else:
        assert r.status == 201, r
        assert state(srv, ctx["auth"], pk) == (q - Decimal("0.1"), n + 1)


@pytest.mark.parametrize("kind", KINDS)
def test_headers_only(servers, runs, kind):
    """Headers that never end: answered (408) or closed within the
    server's timeout; no program ever starts; nothing is written."""
    srv = servers[kind]
    c, ctx = result(runs, kind, "headers_only")
    r = c.answer()
    assert c.closed_at is not None, f"still open after {ctx['limit']}s: {r}"
    assert r.status in (None, 408), r
    assert c.first_seen is None and c.left == []
    assert "/api/stock/transfer/" not in tree_log(srv, ctx)
    assert state(srv, ctx["auth"], ctx["items"][2]) == \
        ctx["before"][ctx["items"][2]]
    print(f"{kind}: {r.status} after {c.closed_at:.1f}s")


@pytest.mark.parametrize("kind", KINDS)
def test_client_that_never_reads(servers, runs, kind):
    """A client that asks for a 9 MB list and reads nothing.  Apache's
    Timeout ends the program, which was blocked writing, and cuts the
    answer short; lighttpd takes the whole answer from the program at
    once (the program ends), keeps it, and delivers all of it when the
    client reads (max-write-idle would close it later)."""
    srv = servers[kind]
    c, ctx = result(runs, kind, "never_reads")
    assert c.gone_at is not None, (
        f"program still running after {ctx['limit']}s (seen from "
        f"{c.first_seen}s): {c.stuck}")
    assert c.left == []
    full = srv.get(BIG_LIST, headers=ctx["auth"], timeout=60)
    assert full.status == 200 and len(full.json()) >= ITEMS, full
    assert c.closed_at is not None, "the rest of the answer never ended"
    assert c.got.startswith(b"HTTP/1.1 200 "), c.got[:300]
    if srv.is_apache:
        assert c.first_seen is not None, "the program never started"
        assert len(c.got) < len(full.raw) - 100000, (len(c.got),
                                                    len(full.raw))
    else:
        assert len(c.answer().json()) == len(full.json())
    print(f"{kind}: program seen {c.first_seen}..{c.last_seen}, gone at "
          f"{c.gone_at:.1f}s, {len(c.got)} of {len(full.raw)} bytes read")
