"""Fixtures for the HTTP-level tests: real lighttpd and Apache 2.4 servers on
loopback ports, serving trees laid out by `make install`.

One session starts (lazily, once each):
  lighttpd  the repository's lighttpd.conf unchanged (CGI), serving tree
            "lighttpd" at /
  lighttpd_fastcgi  lighttpd-fastcgi.conf unchanged, as `make run` runs it:
            the same programs as FastCGI applications
  apache    a minimal httpd.conf written here that includes the repository's
            apache.conf unchanged, serving tree "apache" at /, and in the same
            server tree "htaccess" at /~alice/stockroom/ (Alias + AllowOverride
            All) configured only by the tree's own .htaccess files and its
            stockroom.conf, with no SetEnv, as under suEXEC; and tree
            "htaccess-min" at /~bob/stockroom/ the same way but with only
            AllowOverride FileInfo Options AuthConfig.  The programs run as
            CGI (mod_cgid).
  apache_fcgid  the same three trees in a second Apache that also loads
            mod_fcgid (Debian's libapache2-mod-fcgid): apache.conf and the
            .htaccess files then run the programs as FastCGI applications,
            kept running by mod_fcgid.

Every tree also holds the test-only program echo.cgi (tests/cgi/prog_echo.c)
in cgi-bin/, reachable at <prefix>/cgi-bin/echo.cgi/api/echo/.

The `srv` fixture is parametrized over the six ways of serving, so each
test runs against lighttpd (CGI), lighttpd (FastCGI), Apache with
apache.conf and Apache with .htaccess (both as CGI), and the same two under
mod_fcgid.  Servers are stopped and the trees removed at the end of the
session, whatever happened.
"""
import atexit
import base64
import contextlib
import itertools
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
BUILD = pathlib.Path(os.environ.get("BUILD", "build"))
if not BUILD.is_absolute():
    BUILD = ROOT / BUILD
AS_ROOT = os.geteuid() == 0
APACHE_USER = "www-data"
APACHE_MODULES = "/usr/lib/apache2/modules"
START_TIMEOUT = 20      # seconds for a server to answer after starting
STOP_TIMEOUT = 10       # seconds for it to exit after SIGTERM
TEST_USER = ("httptest", "Tall-Shelves-Hold-42-Bins")
SERVER_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
# STOCKROOM_TEST_ENGINE=pg: each installed tree's stockroom.conf names a
# PostgreSQL database of its own in one throwaway cluster.
ENGINE = os.environ.get("STOCKROOM_TEST_ENGINE", "sqlite")
_pg = None
_pg_names = itertools.count(1)


def pg_database():
    """A new database in the run's cluster (started at the first call),
    and its URL."""
    global _pg
    if _pg is None:
        from pgserver import PgServer
        _pg = PgServer().start()
        atexit.register(_pg.stop)
    return _pg.create_database(f"tree_{os.getpid()}_{next(_pg_names)}")


class Response:
    """An HTTP answer: status (None when the server closed the connection
    without answering), headers (list of pairs, case-insensitive lookup),
    body bytes (de-chunked), raw bytes and the time it took."""

    def __init__(self, raw, elapsed):
        self.raw = raw
        self.elapsed = elapsed
        self.status = None
        self.reason = ""
        self.headers = []
        self.body = b""
        if not raw:
            return
        head, sep, body = raw.partition(b"\r\n\r\n")
        assert sep, f"no end of headers in answer: {raw[:300]!r}"
        lines = head.decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        assert version.startswith("HTTP/1."), lines[0]
        code, _, self.reason = rest.partition(" ")
        self.status = int(code)
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers.append((name.strip(), value.strip()))
        te = (self.header("Transfer-Encoding") or "").lower()
        self.body = dechunk(body) if te == "chunked" else body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body)

    @property
    def is_json(self):
        ct = self.header("Content-Type") or ""
        return ct.split(";")[0].strip() == "application/json"

    def __repr__(self):
        return f"<Response {self.status} {self.raw[:400]!r}>"


def dechunk(data):
    """Decodes a chunked body (RFC 9112 section 7.1); trailers ignored."""
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2:]
    return out


def free_port():
    """A loopback TCP port nobody listens on (never 80 or 8080)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in (80, 8080):
            return port


def exchange(port, data, shut_wr=False, timeout=15, pause=None):
    """Sends raw bytes to 127.0.0.1:port and reads until the server closes.
    A server that answers before reading everything may reset the
    connection: send errors are ignored and whatever arrived is kept.
    shut_wr half-closes after sending.  Never waits longer than timeout
    seconds in total."""
    t0 = time.monotonic()
    got = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
            if shut_wr:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        while True:
            left = timeout - (time.monotonic() - t0)
            if left <= 0:
                raise TimeoutError(f"no end of answer after {timeout}s: "
                                   f"{got[:300]!r}")
            s.settimeout(left)
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            except socket.timeout:
                raise TimeoutError(f"no end of answer after {timeout}s: "
                                   f"{got[:300]!r}") from None
            if not chunk:
                break
            got += chunk
    return Response(got, time.monotonic() - t0)


class Server:
    """One way of serving a tree: a base URL (port + prefix) and the tree."""

    def __init__(self, kind, port, prefix, site, log, user):
        self.kind = kind            # "lighttpd", "apache" or "htaccess"
        self.fastcgi = False        # lighttpd-fastcgi.conf, or mod_fcgid
        self.fcgid = False          # Apache with mod_fcgid loaded
        self.user = user            # (name, password), or None
        self.port = port
        self.prefix = prefix        # "" or "/~alice/stockroom"
        self.site = site            # the installed tree
        self.log = log              # the server's error log

    @property
    def is_apache(self):
        return self.kind in ("apache", "htaccess")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{self.prefix}{path}"

    def request(self, method, path, headers=None, body=None,
                content_type=None, content_length=None, shut_wr=False,
                timeout=15):
        """Sends one HTTP/1.1 request (Connection: close) for prefix+path.
        body: bytes, str, or a JSON-able object (sent as application/json).
        content_length overrides the body's true length."""
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            content_type = content_type or "application/json"
        if isinstance(body, str):
            body = body.encode()
        lines = [f"{method} {self.prefix + path} HTTP/1.1", "Host: 127.0.0.1",
                 "Connection: close"]
        if content_type is not None:
            lines.append(f"Content-Type: {content_type}")
        if content_length is None and body is not None:
            content_length = len(body)
        if content_length is not None:
            lines.append(f"Content-Length: {content_length}")
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        return exchange(self.port, data + (body or b""), shut_wr=shut_wr,
                        timeout=timeout)

    def token_headers(self, name):
        """{"Authorization": "Token ..."} for the tree's superuser, a token
        named name fetched with Basic auth (skips the test when the tree
        has no user)."""
        if self.user is None:
            pytest.skip("stockroom createsuperuser is not available")
        basic = base64.b64encode(":".join(self.user).encode()).decode()
        r = self.get(f"/api/user/token/?name={name}",
                     headers={"Authorization": "Basic " + basic})
        assert r.status == 200, r
        return {"Authorization": "Token " + r.json()["token"]}

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def log_tail(self, n=30):
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-n:])

    def __repr__(self):
        mode = " (mod_fcgid)" if self.fcgid else ""
        return f"<{self.kind}{mode} at {self.url('/')}>"


def multipart(fields, files, boundary="----stockroom-http-test-7d41c2"):
    """A multipart/form-data body (RFC 7578) of fields {name: value} and
    files {name: (filename, content type, data)}: (content type, bytes)."""
    out = b""
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"{name}\"\r\n\r\n{value}\r\n").encode()
    for name, (filename, ctype, data) in files.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"{name}\"; filename=\"{filename}\"\r\n"
                f"Content-Type: {ctype}\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", out


@contextlib.contextmanager
def stalled_posts(srv, auth, name, clients=5):
    """Holds clients connections to srv open, each in the middle of the
    body of a POST (as auth's user) of a category named name: its first
    100 bytes sent, no more.  Once they are closed, checks that no such
    category was written."""
    body = json.dumps({"name": name, "description": "x" * 900}).encode()
    head = (f"POST {srv.prefix}/api/part/category/ HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nAuthorization: {auth['Authorization']}\r\n"
            f"Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    stalled = []
    try:
        for _ in range(clients):
            c = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
            c.sendall(head + body[:100])
            stalled.append(c)
        time.sleep(0.5)
        yield
    finally:
        for c in stalled:
            c.close()
    r = srv.get("/api/part/category/?name=" + name.replace(" ", "%20"),
                headers=auth)
    assert r.status == 200 and r.json() == [], r


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, timeout=300, **kw)
    assert proc.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed:\n"
        + proc.stdout.decode(errors="replace")
        + proc.stderr.decode(errors="replace"))
    return proc


def install_tree(dest, instance, data_dir_env=None, prefix="", conf=""):
    """Lays out an installed tree in dest with `make install` for the URL
    prefix it will be served under, adds echo.cgi and a stockroom.conf
    naming the instance (plus conf), and migrates its database."""
    build = os.path.relpath(BUILD, ROOT) if BUILD.is_relative_to(ROOT) \
        else str(BUILD)
    run(["make", "-s", "install", f"DESTDIR={dest}", f"BUILD={build}",
         f"BASE_PATH={prefix}/"], cwd=ROOT)
    echo = dest / "cgi-bin" / "echo.cgi"
    shutil.copyfile(BUILD / "tests" / "echo.cgi", echo)
    echo.chmod(0o755)
    conf_file = dest / "stockroom.conf"
    if ENGINE == "pg" and "DATABASE_URL" not in conf:
        conf += f'DATABASE_URL = "{pg_database()}"\n'
    conf_file.write_text(f'# HTTP test tree\nINSTANCE_NAME = "{instance}"\n'
                         + conf)
    conf_file.chmod(0o644)
    env = dict(SERVER_ENV)
    if data_dir_env is not None:
        env["STOCKROOM_DATA_DIR"] = str(data_dir_env)
    run([str(dest / "bin" / "stockroom"), "migrate"], env=env)
    # A user to sign in with, where the tool can make one.
    proc = subprocess.run([str(dest / "bin" / "stockroom"), "createsuperuser",
                           TEST_USER[0]], env=env, capture_output=True,
                          input=TEST_USER[1].encode() + b"\n", timeout=60)
    return TEST_USER if proc.returncode == 0 else None


def routes_only_tree(path):
    """A directory holding only the db/apache-routes.conf that apache.conf
    includes (make install puts it in every tree): enough for Apache to
    start on apache.conf where no tree is served."""
    (path / "db").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(BUILD / "servers" / "apache-routes.conf",
                    path / "db" / "apache-routes.conf")


def give_to_apache(tree):
    """Under root, Apache's children run as www-data: the data directory
    becomes theirs (still mode 0700), the rest stays root's and readable."""
    if not AS_ROOT:
        return
    data = tree / "data"
    for p in [data, *data.rglob("*")]:
        shutil.chown(p, APACHE_USER, APACHE_USER)


def wait_until_serving(proc, port, log, what):
    """Polls until port accepts and answers HTTP, the process dies, or
    START_TIMEOUT passes."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n"
                               + read_log(log))
        try:
            r = exchange(port, b"GET /api/health/ HTTP/1.1\r\n"
                         b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n",
                         timeout=5)
            if r.status is not None:
                return
        except (ConnectionRefusedError, TimeoutError, OSError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not answer on port {port} within "
                       f"{START_TIMEOUT}s:\n" + read_log(log))


def read_log(log):
    try:
        return pathlib.Path(log).read_text(errors="replace")[-4000:]
    except OSError:
        return "(no log)"


def stop(proc):
    """Ends a server we started, by its pid; its whole process group (its
    CGI children) if it does not go in time."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="session")
def workdir():
    """A private directory for the session's trees and server files; it is
    traversable (0755) because Apache's children run as www-data."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="stockroom-http-"))
    d.chmod(0o755)
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def start_lighttpd(conf, site, port, log, what):
    """Runs lighttpd -D -f conf (a path) on the installed tree site, as
    `make run` does, its output to log; returns the process once it
    answers on port (stopped again if it does not)."""
    env = dict(SERVER_ENV, STOCKROOM_ROOT=str(site),
               STOCKROOM_DATA_DIR=str(site / "data"), PORT=str(port))
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["lighttpd", "-D", "-f", str(conf)],
            env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
            start_new_session=True)
    try:
        wait_until_serving(proc, port, log, what)
    except BaseException:
        stop(proc)
        raise
    return proc


def serve_lighttpd(workdir, name, conf, fastcgi=False, settings="",
                   instance="HTTP test lighttpd"):
    """Installs tree <name>-site and runs lighttpd -D -f conf on it (as
    `make run` does), yielding its Server and stopping it at the end.
    settings: lines added to the tree's stockroom.conf once installed."""
    site = workdir / f"{name}-site"
    user = install_tree(site, instance, data_dir_env=site / "data")
    if settings:
        with open(site / "stockroom.conf", "a") as f:
            f.write(settings)
    port = free_port()
    log = workdir / f"{name}.log"
    proc = start_lighttpd(ROOT / conf, site, port, log, name)
    try:
        server = Server("lighttpd", port, "", site, log, user)
        server.fastcgi = fastcgi
        yield server
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def lighttpd(workdir):
    """lighttpd -D -f lighttpd.conf: the programs as CGI."""
    yield from serve_lighttpd(workdir, "lighttpd", "lighttpd.conf")


APACHE_BASE = """\
# Written by tests/http/conftest.py: the least a server needs around
# the repository's apache.conf and a shared-hosting tree.
ServerRoot "{dir}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{dir}/httpd.pid"
ErrorLog "{dir}/error.log"
LogLevel warn
DefaultRuntimeDir "{dir}"
# The platform's own lock (pthread on Linux), as a stock Debian has it:
# file locks (fcntl) under the threaded event MPM made mod_fcgid fail to
# lock its process table ("Resource deadlock avoided") and drop requests
# in bursts of 100.
Mutex default
{modules}
<IfModule mod_cgid.c>
	ScriptSock "{dir}/cgid.sock"
</IfModule>
<IfModule mod_fcgid.c>
	FcgidIPCDir "{dir}/fcgid"
	FcgidProcessTableFile "{dir}/fcgid-shm"
</IfModule>
TypesConfig /etc/mime.types
{user}
<Directory />
	AllowOverride None
	Require all denied
</Directory>
"""

# Tree {site} at / as the server whose configuration you control, and
# tree {site2} at /~alice/stockroom as on a shared host.
APACHE_SITES = """
# The server whose configuration you control.
Define STOCKROOM_ROOT {site}
Include "{repo}/apache.conf"

# Shared hosting: the tree's own .htaccess files do everything.
Alias /~alice/stockroom "{site2}"
<Directory "{site2}">
	AllowOverride All
	Require all granted
</Directory>
"""

APACHE_CONF = APACHE_BASE + APACHE_SITES + """
# A stingier host: only the overrides htdocs/.htaccess says it needs.
Alias /~bob/stockroom "{site3}"
<Directory "{site3}">
	AllowOverride FileInfo Options AuthConfig
	Require all granted
</Directory>
"""

APACHE_MODS = ["mpm_event", "authz_core", "alias", "cgid", "rewrite", "mime",
               "dir", "headers", "env", "setenvif"]


def load_modules(mods):
    return "\n".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so"
                     for m in mods)


def apache_user():
    """APACHE_BASE's {user}: whom Apache serves as when started as root."""
    return f"User {APACHE_USER}\nGroup {APACHE_USER}" if AS_ROOT else ""


def start_apache(adir, text, port, what):
    """Writes text as adir/httpd.conf, checks it (apache2 -t) and runs
    Apache on it in the foreground; returns (process, error log) once it
    answers on port (stopped again if it does not)."""
    conf = adir / "httpd.conf"
    conf.write_text(text)
    log = adir / "error.log"
    run(["apache2", "-f", str(conf), "-t"], env=SERVER_ENV)
    with open(adir / "stdout.log", "wb") as out:
        proc = subprocess.Popen(
            ["apache2", "-f", str(conf), "-DFOREGROUND"],
            env=SERVER_ENV, stdin=subprocess.DEVNULL, stdout=out,
            stderr=out, start_new_session=True)
    try:
        wait_until_serving(proc, port, log, what)
    except BaseException:
        stop(proc)
        raise
    return proc, log


@pytest.fixture(scope="session")
def apache_syntax(workdir):
    """A function: apache2 -t on the base test configuration plus text,
    with modules swapped as asked ({"cgid": "cgi"}); returns (exit status,
    output)."""
    adir = workdir / "apache-syntax"
    adir.mkdir(mode=0o755)

    def check(text, swap=None):
        mods = [(swap or {}).get(m, m) for m in APACHE_MODS]
        conf = adir / "httpd.conf"
        conf.write_text(APACHE_BASE.format(
            dir=adir, port=free_port(), modules=load_modules(mods),
            user="") + text)
        proc = subprocess.run(["apache2", "-t", "-f", str(conf)],
                              env=SERVER_ENV, capture_output=True,
                              timeout=60)
        return proc.returncode, (proc.stdout + proc.stderr).decode(
            errors="replace")
    return check


def start_apache_in(adir, conf, what, modules=APACHE_MODS, **fields):
    """Makes adir and starts Apache there on a free port, its httpd.conf
    the template conf filled in (dir, port, modules, user and fields);
    returns (port, process, log)."""
    adir.mkdir(mode=0o755)
    port = free_port()
    proc, log = start_apache(adir, conf.format(
        dir=adir, port=port, modules=load_modules(modules),
        user=apache_user(), **fields), port, what)
    return port, proc, log


def serve_apache(workdir, name, modules, fcgid=False):
    """Installs the trees "apache", "htaccess" and "htaccess-min" (each
    prefixed with name) and runs Apache with the given modules on them,
    yielding their Servers by kind and stopping it at the end."""
    site = workdir / f"{name}-site"
    site2 = workdir / f"{name}-alice-site"
    site3 = workdir / f"{name}-bob-site"
    user = install_tree(site, "HTTP test apache")
    user2 = install_tree(site2, "HTTP test alice",
                         prefix="/~alice/stockroom")
    user3 = install_tree(site3, "HTTP test bob", prefix="/~bob/stockroom")
    for tree in (site, site2, site3):
        give_to_apache(tree)
    port, proc, log = start_apache_in(workdir / name, APACHE_CONF, name,
                                      modules, site=site, site2=site2,
                                      site3=site3, repo=ROOT)
    try:
        servers = {
            "apache": Server("apache", port, "", site, log, user),
            "htaccess": Server("htaccess", port, "/~alice/stockroom", site2,
                               log, user2),
            "htaccess-min": Server("htaccess", port, "/~bob/stockroom",
                                   site3, log, user3),
        }
        for s in servers.values():
            s.fcgid = s.fastcgi = fcgid
        yield servers
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def apache(workdir):
    """Apache 2.4 in the foreground, serving three trees: "apache" with
    apache.conf at /, "htaccess" by its .htaccess files at /~alice/stockroom
    (AllowOverride All), and "htaccess-min" the same at /~bob/stockroom with
    only the overrides htdocs/.htaccess asks a host for.  The programs run
    as CGI."""
    yield from serve_apache(workdir, "apache", APACHE_MODS)


FCGID_SO = pathlib.Path(APACHE_MODULES) / "mod_fcgid.so"


@pytest.fixture(scope="session")
def apache_fcgid(workdir):
    """The same three trees as `apache` in an Apache that has mod_fcgid
    loaded: apache.conf and the .htaccess files hand the programs to it
    (<IfModule mod_fcgid.c>), which keeps them running as FastCGI
    applications."""
    if not FCGID_SO.exists():
        pytest.fail(f"{FCGID_SO} is missing: make test-deps installs "
                    "libapache2-mod-fcgid")
    yield from serve_apache(workdir, "apache-fcgid", APACHE_MODS + ["fcgid"],
                            fcgid=True)


@pytest.fixture(scope="session")
def lighttpd_fastcgi(workdir):
    """lighttpd -D -f lighttpd-fastcgi.conf: the same programs kept running
    as FastCGI applications (what `make run` starts)."""
    yield from serve_lighttpd(workdir, "lighttpd-fcgi",
                              "lighttpd-fastcgi.conf", fastcgi=True)


@pytest.fixture(scope="session",
                params=["lighttpd", "lighttpd-fastcgi", "apache", "htaccess",
                        "apache-fcgid", "htaccess-fcgid"])
def srv(request):
    """Each way of serving Stockroom in turn."""
    if request.param == "lighttpd":
        return request.getfixturevalue("lighttpd")
    if request.param == "lighttpd-fastcgi":
        return request.getfixturevalue("lighttpd_fastcgi")
    if request.param.endswith("-fcgid"):
        kind = request.param.removesuffix("-fcgid")
        return request.getfixturevalue("apache_fcgid")[kind]
    return request.getfixturevalue("apache")[request.param]
