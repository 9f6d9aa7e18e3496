"""The programs as FastCGI applications (lib/app.c, app_fastcgi()).

Each program is started the way a FastCGI server (lighttpd's mod_fastcgi,
Apache's mod_fcgid) starts it: with a listening Unix socket as its standard
input.  The tests then talk the FastCGI protocol (the specification's
records, written out below: BEGIN_REQUEST, PARAMS, STDIN in; STDOUT,
STDERR, END_REQUEST out) to the one process, request after request.  The
HTTP tests run the same programs under lighttpd-fastcgi.conf.
"""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import time

import pytest

from conftest import (ENGINE, SANITIZED, SLOW, VALGRIND, check_sanitizer,
                      parse_cgi)

FCGI_BEGIN_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS, FCGI_STDIN = 1, 3, 4, 5
FCGI_STDOUT, FCGI_STDERR = 6, 7
FCGI_RESPONDER = 1
EXIT_TIMEOUT = 60 if (SANITIZED or VALGRIND) else 15


def record(rtype, content, req_id=1):
    return struct.pack(">BBHHBB", 1, rtype, req_id, len(content), 0, 0) + content


def pair(name, value):
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    name, value = name.encode(), value.encode()
    return length(len(name)) + length(len(value)) + name + value


def read_exact(conn, n):
    buf = b""
    while len(buf) < n:
        piece = conn.recv(n - len(buf))
        if not piece:
            raise EOFError("FastCGI connection closed early")
        buf += piece
    return buf


class FastCGI:
    """One program running as a FastCGI application, and a client for it."""

    def __init__(self, site, program, exe=None):
        self.site = site
        self.sock_path = str(site.tmp / f"{program}.sock")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.sock_path)
        self.listener.listen(16)
        self.exe = str(exe or site.program(program))
        # The program's own standard error: where it logs (a FastCGI
        # server sends it to its error log).
        self.log = site.tmp / f"{program}.stderr"
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [*site.wrap, self.exe], stdin=self.listener.fileno(),
                stdout=subprocess.DEVNULL, stderr=log,
                env=dict(site.base_env), close_fds=True)

    def request(self, method="GET", path="/api/", query="", body=None,
                headers=None, env=None, content_length=None):
        """Sends one request on a new connection; returns the parsed answer
        (with .stderr holding the request's FCGI_STDERR bytes)."""
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            headers = dict(headers or {}, **{"Content-Type":
                                             "application/json"})
        if isinstance(body, str):
            body = body.encode()
        params = dict(self.site.base_env)
        params.update({
            "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_NAME": "localhost", "SERVER_PORT": "80",
            "REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": method,
            "PATH_INFO": path, "QUERY_STRING": query,
            "REQUEST_URI": path + ("?" + query if query else ""),
            "HTTP_HOST": "localhost",
        })
        if body is not None:
            params["CONTENT_LENGTH"] = str(len(body) if content_length is None
                                           else content_length)
        for k, v in (headers or {}).items():
            if k.lower() == "content-type":
                params["CONTENT_TYPE"] = v
            else:
                params["HTTP_" + k.upper().replace("-", "_")] = v
        params.update(env or {})
        data = record(FCGI_BEGIN_REQUEST,
                      struct.pack(">HB5x", FCGI_RESPONDER, 0))
        blob = b"".join(pair(k, v) for k, v in params.items())
        for i in range(0, len(blob), 60000):
            data += record(FCGI_PARAMS, blob[i:i + 60000])
        data += record(FCGI_PARAMS, b"")
        body = body or b""
        for i in range(0, len(body), 60000):
            data += record(FCGI_STDIN, body[i:i + 60000])
        data += record(FCGI_STDIN, b"")
        out, err = b"", b""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
            c.settimeout(EXIT_TIMEOUT)
            c.connect(self.sock_path)
            c.sendall(data)
            while True:
                _, rtype, _, clen, plen, _ = struct.unpack(
                    ">BBHHBB", read_exact(c, 8))
                content = read_exact(c, clen + plen)[:clen]
                if rtype == FCGI_STDOUT:
                    out += content
                elif rtype == FCGI_STDERR:
                    err += content
                elif rtype == FCGI_END_REQUEST:
                    break
        r = parse_cgi(out)
        r.stderr = err
        return r

    def alive(self):
        return self.proc.poll() is None

    def wait(self):
        try:
            rc = self.proc.wait(timeout=EXIT_TIMEOUT)
        finally:
            self.close()
        proc = subprocess.CompletedProcess(self.exe, rc, b"",
                                           self.log.read_bytes())
        check_sanitizer(proc, self.exe)
        return rc

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.listener.close()
        if os.path.exists(self.sock_path):
            os.unlink(self.sock_path)

    def stop(self):
        """SIGTERM, as the server sends at shutdown: the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        return self.wait()


@pytest.fixture
def fcgi(site):
    started = []

    def start(program, exe=None):
        f = FastCGI(site, program, exe)
        started.append(f)
        return f
    yield start
    for f in started:
        f.close()


def test_one_process_serves_request_after_request(site, fcgi, admin):
    f = fcgi("part")
    pid = f.proc.pid
    for i in range(5):
        r = f.request("POST", "/api/part/category/", body={"name": f"Bin {i}"},
                      headers=admin)
        assert r.status == 201, r
        assert r.json()["name"] == f"Bin {i}"
    r = f.request("GET", "/api/part/category/", headers=admin)
    assert r.status == 200, r
    assert sorted(c["name"] for c in r.json()) == [f"Bin {i}" for i in range(5)]
    # Nothing of one request carries into the next: without credentials
    # the same process refuses.
    r = f.request("GET", "/api/part/category/")
    assert r.status in (401, 403), r
    assert r.json()["detail"]
    assert f.alive() and f.proc.pid == pid
    # What the process wrote, another (a CGI run) sees.
    r = site.cgi("part", path="/api/part/category/", headers=admin)
    assert len(r.json()) == 5
    assert f.stop() == 0



def test_kept_token_digests_change_nothing(site, fcgi, admin):
    """A process keeps the digests of the last tokens it saw (their scrypt
    round is a third of a small request): the token's row is still read
    at every request, so a revoked token is refused at once; another
    secret key does not find the digest kept under the first; more tokens
    than it keeps each still work; a wrong token never does."""
    from conftest import ADMIN_PASSWORD, get_token
    f = fcgi("user")
    me = "/api/user/me/"
    tokens = [get_token(site, "admin", ADMIN_PASSWORD, name=f"t{i}")
              for i in range(10)]
    for _ in range(2):
        for t in tokens:
            r = f.request("GET", me, headers={"Authorization": "Token " + t})
            assert r.status == 200 and r.json()["username"] == "admin", r
    assert f.request("GET", me, headers={
        "Authorization": "Token " + tokens[0][:-1] + "x"}).status == 401
    # Another secret key, the same process: the kept digest is not used
    # (and is still there for the first key after).
    assert f.request("GET", me, headers=admin).status == 200
    r = f.request("GET", me, headers=admin,
                  env={"STOCKROOM_SECRET_KEY": "another-key-" + "k" * 40})
    assert r.status == 401, r
    assert f.request("GET", me, headers=admin).status == 200
    # Revoked between two requests of the process: refused at once.
    toks = f.request("GET", "/api/user/tokens/", headers=admin).json()
    t5 = [t["pk"] for t in toks if t["name"] == "t5"][0]
    r = f.request("DELETE", f"/api/user/tokens/{t5}/", headers=admin)
    assert r.status == 204, r
    r = f.request("GET", me, headers={"Authorization": "Token " + tokens[5]})
    assert r.status == 401, r
    assert f.request("GET", me, headers={
        "Authorization": "Token " + tokens[6]}).status == 200
    assert f.stop() == 0

def test_request_log_goes_to_the_server(site, fcgi):
    f = fcgi("api")
    r = f.request("GET", "/api/", headers={"X-Request-ID": "fcgi-log-1"})
    assert r.status == 200 and r.json()["server"] == "InvenTree"
    assert f.stop() == 0
    assert b"rid=fcgi-log-1 GET /api/ 200" in f.log.read_bytes()


def test_settings_are_read_per_request(site, fcgi):
    f = fcgi("api")
    a = f.request("GET", "/api/", env={"STOCKROOM_INSTANCE_NAME": "Shop A"})
    b = f.request("GET", "/api/", env={"STOCKROOM_INSTANCE_NAME": "Lab B"})
    c = f.request("GET", "/api/")
    assert (a.json()["instance"], b.json()["instance"],
            c.json()["instance"]) == ("Shop A", "Lab B", "Stockroom")
    # A broken setting breaks that request only.
    r = f.request("GET", "/api/", env={"STOCKROOM_READ_TIMEOUT": "forever"})
    assert r.status == 500 and "configuration" in r.json()["detail"]
    assert f.request("GET", "/api/").status == 200
    assert f.stop() == 0


def test_post_body_and_a_short_body(site, fcgi, admin):
    f = fcgi("part")
    r = f.request("POST", "/api/part/category/", body=b'{"name": "x"}',
                  headers=dict(admin, **{"Content-Type": "application/json"}),
                  content_length=40)
    assert r.status == 400, r
    assert "shorter" in r.json()["detail"]
    r = f.request("GET", "/api/part/category/", headers=admin)
    assert r.json() == []
    big = {"name": "Shelf", "description": "d" * 200000}
    r = f.request("POST", "/api/part/category/", body=big, headers=admin)
    assert r.status == 400 and "description" in r.json(), r
    r = f.request("POST", "/api/part/category/", body={"name": "Shelf"},
                  headers=admin)
    assert r.status == 201, r
    assert f.stop() == 0


@pytest.mark.sqlite_only("removes the SQLite file under a running process")
def test_removed_database_is_not_served_from_the_kept_connection(site, fcgi,
                                                                 admin):
    f = fcgi("part")
    assert f.request("POST", "/api/part/category/", body={"name": "Kept"},
                     headers=admin).status == 201
    for suffix in ("", "-wal", "-shm"):
        p = site.data / ("stockroom.sqlite3" + suffix)
        if p.exists():
            p.unlink()
    r = f.request("GET", "/api/part/category/", headers=admin)
    assert r.status == 503, r
    assert "missing" in r.json()["detail"]
    assert not (site.data / "stockroom.sqlite3").exists()
    assert f.stop() == 0


def test_migrations_behind_are_noticed_by_a_running_process(site, fcgi, admin):
    import sqlite3
    f = fcgi("part")
    assert f.request("GET", "/api/part/", headers=admin).status == 200
    db = site.db()
    have = db.execute("PRAGMA user_version").fetchone()[0]
    db.execute(f"PRAGMA user_version = {have + 1}")
    db.commit()
    db.close()
    r = f.request("GET", "/api/part/", headers=admin)
    assert r.status == 503 and "newer than this program" in r.json()["detail"]
    assert f.stop() == 0


def test_newer_schema_by_compatible_migrations_is_served(site, fcgi, admin):
    """An upgrade migrates first and switches the programs after: the old
    programs go on serving a schema newer than theirs when every newer
    migration is marked "-- compatible" (db.h), as 0010 is."""
    import sqlite3
    db = site.db()
    have = db.execute("PRAGMA user_version").fetchone()[0]
    assert (have,) in db.execute("SELECT version FROM schema_compatible")
    f = fcgi("part")
    assert f.request("GET", "/api/part/", headers=admin).status == 200
    # The next release's migration, compatible: served, CGI and FastCGI.
    db.execute("CREATE TABLE next_release_table (x INTEGER)")
    db.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
               (have + 1, f"{have + 1:04d}_next_release"))
    db.execute("INSERT INTO schema_compatible (version) VALUES (?)",
               (have + 1,))
    db.execute(f"PRAGMA user_version = {have + 1}")
    db.commit()
    assert f.request("GET", "/api/part/", headers=admin).status == 200
    assert f.request("POST", "/api/part/", headers=admin,
                     body={"name": "during the upgrade"}).status == 201
    assert site.cgi("part", path="/api/part/", headers=admin).status == 200
    h = site.cgi("api", path="/api/health/")
    assert h.status == 200 and h.json()["schema_version"] == have + 1
    # One more, not marked: refused, as before.
    db.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
               (have + 2, f"{have + 2:04d}_incompatible"))
    db.execute(f"PRAGMA user_version = {have + 2}")
    db.commit()
    r = f.request("GET", "/api/part/", headers=admin)
    assert r.status == 503 and "newer than this program" in r.json()["detail"]
    assert site.cgi("api", path="/api/health/").status == 503
    db.close()
    assert f.stop() == 0


def test_max_requests_then_a_fresh_process_in_place(site, fcgi):
    """After FASTCGI_MAX_REQUESTS the process starts afresh (execv of its
    own program): the same pid and socket, so the server loses nothing."""
    f = fcgi("api")
    pid = f.proc.pid
    env = {"STOCKROOM_FASTCGI_MAX_REQUESTS": "3"}
    for _ in range(10):
        assert f.request("GET", "/api/", env=env).status == 200
    assert f.alive() and f.proc.pid == pid
    assert f.log.read_text().count("afresh (FASTCGI_MAX_REQUESTS)") == 3
    assert f.stop() == 0


def test_replaced_program_file_becomes_the_new_program(site, fcgi):
    """An upgrade replaces the file (a new inode), as `make install` does:
    the process finishes the request under way, then becomes the new
    program in place (execv): the same pid and the same listening socket,
    so requests queued meanwhile are served, and the web server sees no
    process leave (lighttpd answers 503 for a second when one does:
    tests/http/test_upgrade.py)."""
    exe = site.tmp / "api.cgi"
    shutil.copy2(site.program("api"), exe)
    f = fcgi("api", exe=exe)
    assert f.request("GET", "/api/").status == 200
    pid = f.proc.pid
    tmp = site.tmp / "api.cgi.new"
    shutil.copy2(site.program("api"), tmp)
    os.replace(tmp, exe)
    assert f.request("GET", "/api/").status == 200
    for _ in range(3):
        assert f.request("GET", "/api/").status == 200
    assert f.alive() and f.proc.pid == pid
    assert "afresh (its program file was replaced)" in f.log.read_text()
    if not VALGRIND:
        assert os.readlink(f"/proc/{pid}/exe") == str(exe)  # not (deleted)
    assert f.stop() == 0


def test_idle_process_becomes_the_new_program_within_a_second(site, fcgi):
    """A process that gets no request after the upgrade does not wait for
    one to change: it looks at its file every second."""
    exe = site.tmp / "api.cgi"
    shutil.copy2(site.program("api"), exe)
    f = fcgi("api", exe=exe)
    assert f.request("GET", "/api/").status == 200
    tmp = site.tmp / "api.cgi.new"
    shutil.copy2(site.program("api"), tmp)
    os.replace(tmp, exe)
    deadline = time.monotonic() + 5 * SLOW
    while "afresh" not in f.log.read_text():
        assert time.monotonic() < deadline, f.log.read_text()
        time.sleep(0.1)
    assert f.alive()
    assert f.request("GET", "/api/").status == 200
    assert f.stop() == 0


def test_removed_program_file_serves_its_request_then_exits(site, fcgi):
    """No new program to become (the file was removed): the process
    serves what is queued for it and exits."""
    exe = site.tmp / "api.cgi"
    shutil.copy2(site.program("api"), exe)
    f = fcgi("api", exe=exe)
    assert f.request("GET", "/api/").status == 200
    time.sleep(0.2)     # past its look at the file, waiting for the next
    exe.unlink()
    assert f.request("GET", "/api/").status == 200
    assert f.wait() == 0


def test_sigterm_ends_an_idle_process(site, fcgi):
    f = fcgi("stock")
    assert f.request("GET", "/api/stock/status/").status == 401
    time.sleep(0.2)
    assert f.stop() == 0


@pytest.mark.skipif(SANITIZED or bool(VALGRIND),
                    reason="resident size is the sanitizer's, not ours")
def test_memory_stays_flat_over_many_requests(site, fcgi, admin):
    f = fcgi("part")
    for i in range(30):
        f.request("POST", "/api/part/", headers=admin,
                  body={"name": f"Resistor {i}", "description": "r" * 500})

    def rss():
        with open(f"/proc/{f.proc.pid}/status") as s:
            for line in s:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])

    for _ in range(50):
        f.request("GET", "/api/part/", query="search=resist", headers=admin)
    before = rss()
    for _ in range(400):
        f.request("GET", "/api/part/", query="search=resist", headers=admin)
    grown = rss() - before
    # 400 requests of ~20 KB answers: a per-request leak of even 2 KB
    # would show as 800 KB.
    assert grown < 512, f"resident size grew by {grown} KiB"
    assert f.stop() == 0


def test_kept_statements_give_the_same_answers_as_cgi(site, fcgi, admin):
    """A FastCGI process keeps up to 64 prepared statements by SQL text;
    more than 64 different queries (so some are evicted and prepared
    again), each asked twice, answer exactly as one-off CGI runs do."""
    f = fcgi("part")
    for i in range(6):
        r = f.request("POST", "/api/part/", headers=admin,
                      body={"name": f"Bolt M{i}", "IPN": f"B-{i}",
                            "minimum_stock": i % 3, "active": i % 2 == 0})
        assert r.status == 201, r
    queries = []
    for order in ("name", "-name", "IPN", "-IPN", "pk", "-pk",
                  "minimum_stock", "-minimum_stock"):
        for flt in ("", "active=true", "active=false", "has_IPN=true",
                    "low_stock=false", "search=bolt", "search=M3",
                    "IPN=B-2", "name=Bolt%20M4"):
            q = f"ordering={order}&limit=4&offset=1"
            queries.append(q + ("&" + flt if flt else ""))
    assert len(queries) > 64
    for _ in range(2):
        for q in queries:
            a = f.request("GET", "/api/part/", query=q, headers=admin)
            b = site.cgi("part", path="/api/part/", query=q, headers=admin)
            assert (a.status, a.json()) == (b.status, b.json()), q
    assert f.stop() == 0


@pytest.mark.skipif(ENGINE != "pg", reason="PostgreSQL's prepared "
                    "statements (lib/pg.c)")
def test_a_kept_statement_outlives_a_column_changed_under_it(site, fcgi,
                                                             admin):
    """On PostgreSQL a process prepares each statement once on its kept
    connection.  A migration that changes a column's type under it makes
    the server refuse the prepared statement ("cached plan must not change
    result type"); the process runs it again unprepared, and prepares it
    anew: no request fails."""
    f = fcgi("company")
    r = f.request("POST", "/api/company/", headers=admin,
                  body={"name": "Acme", "phone": "+44 1632 960000"})
    assert r.status == 201, r
    for _ in range(2):
        r = f.request("GET", "/api/company/", query="limit=5", headers=admin)
        assert r.status == 200, r
    site.db().execute("ALTER TABLE company ALTER COLUMN phone TYPE "
                      "varchar(50)")
    for _ in range(2):
        r = f.request("GET", "/api/company/", query="limit=5", headers=admin)
        assert r.status == 200, r
        assert [(c["name"], c["phone"]) for c in r.json()["results"]] == \
            [("Acme", "+44 1632 960000")]
    assert f.stop() == 0
