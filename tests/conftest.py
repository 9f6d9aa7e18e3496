"""Shared pytest fixtures for Stockroom's CGI-level and HTTP-level tests.

The CGI contract is the test interface: `Site.cgi()` runs a built program
with a CGI environment and a body on stdin, as a web server would, and
parses what it prints.  Under a sanitizer build (BUILD=build/asan) every run
is also checked for a sanitizer report.

STOCKROOM_TEST_ENGINE=pg runs the same tests against PostgreSQL: one
throwaway cluster for the run (tests/pgserver.py), and for each Site a
database of its own (a copy of a migrated template for `site`, an empty one
for `bare_site`) named by STOCKROOM_DATABASE_URL.  Tests that look at the
SQLite file itself say so with the `sqlite_only` mark and are skipped there.
"""
import atexit
import itertools
import json
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = pathlib.Path(os.environ.get("BUILD", "build"))
if not BUILD.is_absolute():
    BUILD = ROOT / BUILD
SANITIZED = BUILD.name == "asan"
# `make valgrind` sets STOCKROOM_VALGRIND to a valgrind command line; every
# program run through Site then goes through it (exit status 99 on an error
# or a leak, reported by check_sanitizer).
VALGRIND = os.environ.get("STOCKROOM_VALGRIND", "").split()
# How much longer than natively a program may take: valgrind runs code 10 to
# 50 times slower (scrypt above all).  Time limits that guard against a hang
# are multiplied by it; limits that are the point of a test (a program must
# answer before a task it started ends) scale the task's time with it too.
SLOW = 10 if VALGRIND else 1
ENGINE = os.environ.get("STOCKROOM_TEST_ENGINE", "sqlite")
assert ENGINE in ("sqlite", "pg"), f"STOCKROOM_TEST_ENGINE={ENGINE!r}"


class PgDatabases:
    """The run's PostgreSQL cluster, started at the first Site, and a
    migrated template database that each `site` copies.  The databases
    are made and dropped on one kept connection (a psql a time took
    0.1 s), by copying the template's files (PostgreSQL 15's default
    writes the whole template through the WAL)."""

    def __init__(self):
        self.server = None
        self.admin = None
        self.strategy = ""
        self.counter = itertools.count(1)

    def start(self, tmp):
        if self.server is not None:
            return
        from pgserver import PgServer
        import psycopg2
        self.server = PgServer().start()
        atexit.register(self.server.stop)
        url = self.server.create_database("sr_template")
        env = {"PATH": "/usr/bin:/bin", "STOCKROOM_CONFIG": "/dev/null",
               "STOCKROOM_DATA_DIR": str(tmp / "template-data"),
               "STOCKROOM_DATABASE_URL": url}
        subprocess.run([str(BUILD / "bin" / "stockroom"), "migrate"],
                       env=env, check=True, capture_output=True, timeout=120)
        self.admin = psycopg2.connect(self.server.url("postgres"))
        self.admin.autocommit = True
        atexit.register(self.admin.close)	# (before the server stops)
        if self.admin.server_version >= 150000:
            self.strategy = " STRATEGY FILE_COPY"
        self.admin_template = None

    def admin_template_for(self, tmp):
        """The template with the admin already made (sr_admin_template),
        and the data directory whose secret key its token's digest
        needs; made at the first `site` that has an `admin`."""
        if self.admin_template is None:
            d = pathlib.Path(tempfile.mkdtemp(prefix="stockroom-admin-"))
            atexit.register(shutil.rmtree, d, True)
            self.execute('CREATE DATABASE sr_admin_template TEMPLATE '
                         'sr_template' + self.strategy)
            s = Site(d, url=self.server.url("sr_admin_template"))
            s.data.mkdir(mode=0o700)
            write_secret_key(s.data)
            self.admin_template = (s.data, make_admin(s))
        return self.admin_template

    def execute(self, sql):
        with self.admin.cursor() as c:
            c.execute(sql)

    def create(self, tmp, migrated, template=None):
        self.start(tmp)
        name = f"sr_{os.getpid()}_{next(self.counter)}"
        template = template or ("sr_template" if migrated else "template0")
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE {template}'
                     + self.strategy)
        return name, self.server.url(name)

    def drop(self, name):
        try:
            self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception:
            pass	# the cluster stops at the end of the run anyway


PG = PgDatabases()


class SqliteTemplate:
    """The run's migrated SQLite data directory, made at the first `site`
    and copied for each one (with a secret key of its own), as PgDatabases
    copies a template database: `stockroom migrate` of every migration
    took 0.2 s a test, and 1.5 s with the sanitizers, most of the
    sanitizer level's time.  The migrations themselves are tested through
    bare_site (test_migrate, test_upgrade, test_schema_engines).

    A second one has the `admin` fixture's superuser and token made in it
    (by the programs, once): two scrypt hashes of a password, 0.2 s a test
    (0.4 s with the sanitizers).  Its copies keep its secret key, which
    the token's digest needs."""

    def __init__(self):
        self.data = None
        self.admin = None

    def copy_admin_to(self, data):
        """Copies the template with the admin into data; returns the
        admin's headers."""
        if self.admin is None:
            d = pathlib.Path(tempfile.mkdtemp(prefix="stockroom-admin-"))
            atexit.register(shutil.rmtree, d, True)
            s = Site(d, url="")
            self.copy_to(s.data)
            self.admin = (s.data, make_admin(s))
        shutil.copytree(self.admin[0], data, symlinks=True)
        return self.admin[1]

    def copy_to(self, data):
        if self.data is None:
            d = pathlib.Path(tempfile.mkdtemp(prefix="stockroom-template-"))
            atexit.register(shutil.rmtree, d, True)
            env = {"PATH": "/usr/bin:/bin", "STOCKROOM_CONFIG": "/dev/null",
                   "STOCKROOM_DATA_DIR": str(d / "data"), **sanitizer_env()}
            proc = subprocess.run([*valgrind_wrap(),
                                   str(BUILD / "bin" / "stockroom"), "migrate"],
                                  env=env, capture_output=True,
                                  timeout=120 * SLOW)
            check_sanitizer(proc, "stockroom migrate (the template)")
            assert proc.returncode == 0, proc.stderr.decode()
            (d / "data" / "secret_key").unlink()
            self.data = d / "data"
        shutil.copytree(self.data, data, symlinks=True)
        write_secret_key(data)


def write_secret_key(data):
    """A new DATA_DIR/secret_key, as the programs make it (64 hex digits,
    0600)."""
    fd = os.open(data / "secret_key",
                 os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, os.urandom(32).hex().encode())
    os.close(fd)


SQLITE = SqliteTemplate()

_dialect = None


def pg_dialect(sql):
    """lib/dialect.c's dialect_pg() (built once as a shared object):
    SQLite's SQL rewritten for PostgreSQL, and its number of parameters."""
    global _dialect
    if _dialect is None:
        import ctypes
        import tempfile
        so = pathlib.Path(tempfile.mkdtemp(prefix="dialect-")) / "d.so"
        subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", "-shared",
                        "-fPIC", "-O1", "-Ilib", "-o", str(so),
                        "lib/dialect.c", "lib/mem.c"], cwd=ROOT, check=True)
        lib, libc = ctypes.CDLL(str(so)), ctypes.CDLL(None)
        fn = lib.dialect_pg
        fn.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                       ctypes.POINTER(ctypes.c_int), ctypes.c_char_p,
                       ctypes.c_size_t]
        fn.restype = ctypes.c_int
        libc.free.argtypes = [ctypes.c_void_p]

        def translate(text):
            out, n = ctypes.c_void_p(), ctypes.c_int()
            err = ctypes.create_string_buffer(256)
            rc = fn(text.encode(), ctypes.byref(out), ctypes.byref(n), err,
                    256)
            assert rc == 0, (f"dialect_pg refused {text!r}: "
                             f"{err.value.decode()}")
            res = ctypes.string_at(out.value).decode()
            libc.free(out)
            return res, n.value
        _dialect = translate
    return _dialect(sql)


class PgCursor:
    """A psycopg2 cursor with sqlite3's lastrowid (the id the INSERT gave)."""

    def __init__(self, cur, conn, insert):
        self.cur = cur
        self.rowcount = cur.rowcount if cur else -1
        self.lastrowid = None
        if insert:
            with conn.cursor() as c:
                try:
                    c.execute("SELECT lastval()")
                    self.lastrowid = c.fetchone()[0]
                except Exception:
                    pass

    def fetchone(self):
        return self.cur.fetchone() if self.cur else None

    def fetchall(self):
        return self.cur.fetchall() if self.cur else []

    def __iter__(self):
        return iter(self.cur or [])


class PgDb:
    """What tests use of a sqlite3 connection, on the site's PostgreSQL
    database: SQL in SQLite's dialect (with ? parameters) goes through the
    programs' own rewrite; each statement commits by itself."""

    def __init__(self, url):
        import psycopg2
        import psycopg2.extras
        self.extras = psycopg2.extras
        self.conn = psycopg2.connect(url)
        self.conn.autocommit = True
        self.row_factory = None

    def execute(self, sql, params=()):
        import re
        if re.match(r"\s*PRAGMA\s+busy_timeout\b", sql, re.I):
            c = PgCursor(None, self.conn, False)        # waits anyway
            c.connection = self
            return c
        # PostgreSQL's schema version is the newest row of
        # schema_migrations (docs/postgresql.md): the tests' PRAGMA
        # user_version reads and moves that.
        m = re.match(r"\s*PRAGMA\s+user_version\s*(?:=\s*(\d+))?\s*$",
                     sql, re.I)
        if m:
            have = "(SELECT coalesce(max(version), 0) FROM schema_migrations)"
            if m.group(1) is None:
                return self.execute(f"SELECT {have}")
            n = int(m.group(1))
            self.execute(f"DELETE FROM schema_migrations WHERE version > {n}")
            return self.execute(
                "INSERT INTO schema_migrations (version, name) SELECT g, "
                f"'moved by a test' FROM generate_series({have} + 1, {n}) g")
        text, _ = pg_dialect(sql)
        text = re.sub(r"\$(\d+)", lambda m: f"%(p{m.group(1)})s",
                      text.replace("%", "%%"))
        cur = self.conn.cursor(cursor_factory=self.extras.DictCursor
                               if self.row_factory else None)
        cur.execute(text, {f"p{i + 1}": v for i, v in enumerate(params)})
        c = PgCursor(cur, self.conn, re.match(r"\s*INSERT\b", sql, re.I))
        c.connection = self
        return c

    def executemany(self, sql, seq):
        for params in seq:
            self.execute(sql, params)

    def commit(self):
        pass

    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only(why): the test reads or damages the SQLite "
        "file itself; skipped on PostgreSQL")


    config.addinivalue_line(
        "markers", "pg_pending(why): what the test checks does not work on "
        "PostgreSQL yet (issue 13); skipped there, with the reason")


def pytest_runtest_setup(item):
    m = item.get_closest_marker("sqlite_only")
    if m is not None and ENGINE == "pg":
        pytest.skip("SQLite only: " + (m.args[0] if m.args else ""))
    m = item.get_closest_marker("pg_pending")
    if m is not None and ENGINE == "pg":
        pytest.skip("not yet on PostgreSQL (issue 13): " +
                    (m.args[0] if m.args else ""))


class Response:
    """A parsed answer: status, headers (case-insensitive), body bytes."""

    def __init__(self, status, headers, body, stderr=b""):
        self.status = status
        self.headers = headers
        self.body = body
        self.stderr = stderr

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.body[:200]!r}>"


def parse_cgi(out):
    """Splits CGI output (RFC 3875 section 6) into a Response."""
    sep = out.find(b"\r\n\r\n")
    assert sep >= 0, f"no end of headers in CGI output: {out[:300]!r}"
    head, body = out[:sep].decode("latin-1"), out[sep + 4:]
    headers, status = [], 200
    for line in head.split("\r\n"):
        name, _, value = line.partition(":")
        value = value.strip()
        if name.lower() == "status":
            status = int(value.split()[0])
        else:
            headers.append((name, value))
    return Response(status, headers, body)


def sanitizer_env():
    return {
        "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:exitcode=99",
        "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:exitcode=99",
        "LSAN_OPTIONS": "exitcode=99",
    }


def valgrind_wrap():
    """The valgrind command line for one Site.  Its log files are named
    <token>-<pid>.log, the token new for each Site: over a run of thousands
    of programs the system reuses pids, and a reused name would overwrite
    an earlier report, or be refused to a program run as another user."""
    token = os.urandom(4).hex()
    return [a.replace("%p", token + "-%p", 1) if a.startswith("--log-file=")
            else a for a in VALGRIND]


def check_sanitizer(proc, what):
    err = proc.stderr if isinstance(proc.stderr, bytes) else b""
    if proc.returncode == 99 or b"Sanitizer" in err or b"runtime error:" in err:
        raise AssertionError(f"sanitizer report from {what}:\n"
                             + err.decode("utf-8", "replace"))


class Site:
    """A data directory with a migrated database, and ways to call programs."""

    def __init__(self, tmp_path, migrated=True, template=None, url=None):
        """url: a database the caller made and keeps ("" for the SQLite
        file in the data directory); otherwise on PostgreSQL a new one,
        a copy of template, dropped by close()."""
        self.pg_name = None
        if url is None and ENGINE == "pg":
            self.pg_name, url = PG.create(tmp_path, migrated, template)
        self.tmp = tmp_path
        self.data = tmp_path / "data"
        self.build = BUILD
        self.base_env = {
            "PATH": "/usr/bin:/bin",
            "STOCKROOM_DATA_DIR": str(self.data),
            "STOCKROOM_CONFIG": "/dev/null",
        }
        self.base_env.update(sanitizer_env())
        self.engine = ENGINE
        self.preset_admin = None
        if url:
            self.base_env["STOCKROOM_DATABASE_URL"] = url
            self.base_env["STOCKROOM_PG_TRACE"] = "1"
        # Command prefix for every program run (valgrind, setpriv, prlimit).
        self.wrap = valgrind_wrap()

    def tool(self, *args, env=None, check=True, input=None):
        """Runs build/bin/stockroom with this site's settings."""
        e = dict(self.base_env, **(env or {}))
        if isinstance(input, str):
            input = input.encode()
        proc = subprocess.run([*self.wrap, str(BUILD / "bin" / "stockroom"), *args],
                              env=e, capture_output=True,
                              timeout=60 * SLOW, input=input)
        check_sanitizer(proc, "stockroom " + " ".join(args))
        if check:
            assert proc.returncode == 0, proc.stderr.decode()
        return proc

    def program(self, name):
        for p in (BUILD / "cgi-bin" / f"{name}.cgi",
                  BUILD / "tests" / f"{name}.cgi"):
            if p.exists():
                return p
        raise AssertionError(f"no program {name}")

    def cgi(self, program, method="GET", path=None, query="", body=None,
            headers=None, content_type=None, content_length=None, env=None,
            request_uri=None, timeout=30):
        """Runs cgi-bin/<program>.cgi once.  body may be bytes, str or a
        JSON-able object (sent as application/json)."""
        if path is None:
            path = f"/api/{program}/" if program != "api" else "/api/"
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            content_type = content_type or "application/json"
        if isinstance(body, str):
            body = body.encode()
        e = dict(self.base_env)
        e.update({
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REQUEST_URI": request_uri or (path + ("?" + query if query else "")),
            "HTTP_HOST": "localhost",
        })
        if body is not None:
            e["CONTENT_LENGTH"] = str(len(body) if content_length is None
                                      else content_length)
        elif content_length is not None:
            e["CONTENT_LENGTH"] = str(content_length)
        if content_type:
            e["CONTENT_TYPE"] = content_type
        for k, v in (headers or {}).items():
            e["HTTP_" + k.upper().replace("-", "_")] = v
        e.update(env or {})
        proc = subprocess.run([*self.wrap, str(self.program(program))], env=e,
                              input=body or b"", capture_output=True,
                              timeout=timeout * SLOW)
        check_sanitizer(proc, f"{program} {method} {path}")
        assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
        r = parse_cgi(proc.stdout)
        r.stderr = proc.stderr
        return r


    def db(self, timeout=30):
        """A connection to the site's database: sqlite3's, or on
        PostgreSQL one that takes the same SQL (PgDb)."""
        if ENGINE == "pg":
            return PgDb(self.base_env["STOCKROOM_DATABASE_URL"])
        import sqlite3
        return sqlite3.connect(self.data / "stockroom.sqlite3",
                               timeout=timeout)

    def close(self):
        """Drops the site's PostgreSQL database, if it has one."""
        if self.pg_name is not None:
            PG.drop(self.pg_name)
            self.pg_name = None


@pytest.fixture
def site(request, tmp_path):
    # A test that has the admin gets a copy of the template it is made in
    # (SqliteTemplate); the `admin` fixture then only hands it out.
    with_admin = "admin" in request.fixturenames and not VALGRIND
    if ENGINE == "pg":
        # On a copy of the template database: what `stockroom migrate`
        # would still make, the data directory and its secret key.
        if with_admin:
            PG.start(tmp_path)
            data, headers = PG.admin_template_for(tmp_path)
            s = Site(tmp_path, template="sr_admin_template")
            s.data.mkdir(mode=0o700)
            shutil.copy2(data / "secret_key", s.data / "secret_key")
            s.preset_admin = headers
        else:
            s = Site(tmp_path)
            s.data.mkdir(mode=0o700)
            write_secret_key(s.data)
    else:
        s = Site(tmp_path)
        if with_admin:
            s.preset_admin = SQLITE.copy_admin_to(s.data)
        else:
            SQLITE.copy_to(s.data)
    yield s
    s.close()


@pytest.fixture
def bare_site(tmp_path):
    """A site whose data directory (and database) does not exist yet."""
    s = Site(tmp_path, migrated=False)
    yield s
    s.close()


def pytest_terminal_summary(terminalreporter):
    """Writes "passed failed skipped" for tests/run to add up."""
    path = os.environ.get("STOCKROOM_COUNTS")
    if not path:
        return
    st = terminalreporter.stats
    passed = len(st.get("passed", []))
    failed = len(st.get("failed", [])) + len(st.get("error", []))
    skipped = len(st.get("skipped", []))
    with open(path, "w") as f:
        f.write(f"{passed} {failed} {skipped}\n")


# --- Accounts: signed-in identities for tests ------------------------------

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "Adm1n-test-password"
RULESET_AREAS = ("admin", "part_category", "part", "stock_location", "stock",
                 "build", "purchase_order", "sales_order", "return_order")
RULESET_PERMS = ("view", "add", "change", "delete")


class UserHeaders(dict):
    """Request headers that sign in as a user ({"Authorization": "Token
    ..."}), also carrying .username, .password, .pk and .token."""


def basic_header(username, password):
    import base64
    cred = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": "Basic " + cred}


def get_token(site, username, password, name="tests"):
    """Gets an API token the way clients do: Basic auth on /api/user/token/.
    (Basic costs a full scrypt check per request: tests use the token.)"""
    r = site.cgi("user", path="/api/user/token/", query="name=" + name,
                 headers=basic_header(username, password))
    assert r.status == 200, r
    return r.json()["token"]


def password_hash(password):
    """A libscrypt MCF string for password, with the server's parameters
    (N=2^14, r=8, p=1); libscrypt salts with the decoded salt bytes."""
    import base64
    import hashlib
    salt = os.urandom(16)
    h = hashlib.scrypt(password.encode(), salt=salt, n=1 << 14, r=8, p=1,
                       dklen=64)
    return "$s1$0e0801$%s$%s" % (base64.b64encode(salt).decode(),
                                 base64.b64encode(h).decode())


@pytest.fixture
def admin(site):
    """Headers for a superuser made with `stockroom createsuperuser`, and
    a token got with its password (made once, in the template the site
    is a copy of: the `site` fixture)."""
    h = site.preset_admin
    if h is None:
        return make_admin(site)
    c = UserHeaders(h)
    c.__dict__.update(h.__dict__)	# username, password, pk, token
    return c


def make_admin(site):
    """Makes the admin in site, as the `admin` fixture describes."""
    site.tool("createsuperuser", ADMIN_USERNAME, "admin@example.org",
              input=ADMIN_PASSWORD + "\n")
    h = UserHeaders(Authorization="Token " + get_token(
        site, ADMIN_USERNAME, ADMIN_PASSWORD))
    h.username, h.password = ADMIN_USERNAME, ADMIN_PASSWORD
    h.token = h["Authorization"].split()[1]
    import sqlite3
    db = site.db()
    h.pk = db.execute("SELECT id FROM users WHERE username = ?",
                      (ADMIN_USERNAME,)).fetchone()[0]
    db.close()
    return h


@pytest.fixture
def api(site, admin):
    """The inventory API as the admin (tests/cgi/inventory_api.py's Api)."""
    from inventory_api import Api
    return Api(site, admin)


def program_routes():
    """Every route of the built programs, as their --routes print them."""
    out = []
    for prog in sorted((BUILD / "cgi-bin").glob("*.cgi")):
        out += json.loads(subprocess.run(
            [str(prog), "--routes"], capture_output=True, check=True,
            timeout=30).stdout)
    return out


def make_user(site, username, roles=None, superuser=False, password=None,
              email=""):
    """Creates an active user with the given rule sets ({"part": ["view"],
    "stock": ["view", "add", "change", "delete"], ...}; implications apply
    as on the server) through a group of their own, and returns their
    headers (a UserHeaders).  Rows are written straight into the database
    (with a real scrypt hash); the token is then obtained through Basic
    auth on /api/user/token/, the path clients use."""
    import sqlite3
    password = password or f"Pw-{username}-0123456789"
    db = site.db()
    with db:
        cur = db.execute(
            "INSERT INTO users (username, email, password, is_superuser,"
            " is_staff) VALUES (?, ?, ?, ?, ?)",
            (username, email, password_hash(password), int(superuser),
             int(superuser)))
        pk = cur.lastrowid
        if roles:
            g = db.execute("INSERT INTO groups (name) VALUES (?)",
                           (f"group-{username}",)).lastrowid
            db.execute("INSERT INTO user_groups (user_id, group_id)"
                       " VALUES (?, ?)", (pk, g))
            for area, perms in roles.items():
                assert area in RULESET_AREAS, area
                assert all(p in RULESET_PERMS for p in perms), perms
                db.execute(
                    "INSERT INTO group_rules (group_id, area, can_view,"
                    " can_add, can_change, can_delete) VALUES (?,?,?,?,?,?)",
                    (g, area, *(int(p in perms) for p in RULESET_PERMS)))
    db.close()
    token = get_token(site, username, password)
    h = UserHeaders(Authorization="Token " + token)
    h.username, h.password, h.pk, h.token = username, password, pk, token
    return h


# --- Databases behind the programs -------------------------------------------

# What takes a database back from each migration's schema to the one
# before, newest last, for the tests of what meets an older database
# (upgrade, restore, a migration on existing data).  A new migration adds
# its own here.
MIGRATION_UNDO = {
    11: [f"{sql} {t}{rest}" for t in ("part", "stock_item", "stock_location")
         for sql, rest in (("DROP INDEX", "_barcode_hash"),
                           ("ALTER TABLE", " DROP COLUMN barcode_hash"),
                           ("ALTER TABLE", " DROP COLUMN barcode_data"))],
    12: ["DROP INDEX login_attempts_pending",
         "ALTER TABLE login_attempts DROP COLUMN pending"],
    # SQLite drops no column that is a foreign key: stock_item's
    # supplier_part is renamed out of the way of the migration's ADD
    # COLUMN instead (and stays, always null).  The attachment table keeps
    # its wider CHECK; the migration makes it again all the same.
    13: ["DROP TABLE user_setting"],
    14: ["DROP INDEX stock_item_supplier_part",
         "ALTER TABLE stock_item RENAME COLUMN supplier_part TO "
         "supplier_part_undone_" + os.urandom(3).hex(),
         "DROP TABLE supplier_price_break", "DROP TABLE supplier_part",
         "DROP TABLE manufacturer_part", "DROP TABLE address",
         "DROP TABLE contact", "DROP TABLE company"],
    15: ["DROP INDEX stock_item_purchase_order",
         "ALTER TABLE stock_item RENAME COLUMN purchase_order TO "
         "purchase_order_undone_" + os.urandom(3).hex(),
         "DROP TABLE purchase_order_extra_line",
         "DROP TABLE purchase_order_line", "DROP TABLE purchase_order"],
    16: ["DROP TABLE build", "DROP TABLE part_bom",
         "DROP TABLE bom_item_substitute", "DROP TABLE bom_item"],
    # The list indexes as they were, without id (PostgreSQL's
    # part_low_stock keeps NULLS FIRST: the same keys), and no triggers
    # counting manufacturer and supplier parts (their counts stay in
    # tally: the migration sets them again).
    17: [sql for ix, on in (
        ("part_name", "part(name)"), ("part_ipn", "part(IPN)"),
        ("company_name", "company(name)"),
        ("manufacturer_part_mpn", "manufacturer_part(MPN)"),
        ("supplier_part_sku", "supplier_part(SKU)"))
        for sql in (f"DROP INDEX {ix}", f"CREATE INDEX {ix} ON {on}")] +
        [f"DROP TRIGGER IF EXISTS {t}_tally_{e}" for t in ("manufacturer_part",
         "supplier_part") for e in ("ai", "ad")],
    # The parts' search index as it was, without the numbers.
    18: ["DROP VIEW part_search_text", "DROP TABLE part_fts",
        "CREATE VIRTUAL TABLE part_fts USING fts5(name, IPN, description, "
        "keywords, tokenize = 'trigram')",
        "INSERT INTO part_fts (rowid, name, IPN, description, keywords) "
        "SELECT id, name, IPN, description, keywords FROM part"],
    19: ["DROP INDEX part_category_list",
         "CREATE INDEX part_category_idx ON part(category)"],
    20: ["DROP TABLE build_item", "DROP TABLE build_output",
         "DROP TABLE build_line"],
    21: ["DROP TABLE category_parameter_template",
         "DROP TABLE part_parameter", "DROP TABLE parameter_template"],
    # The importer's tables (issue 18, the import half).
    22: ["DROP TABLE import_row", "DROP TABLE import_column_map",
        "DROP TABLE import_session"],
    23: ["DROP INDEX part_parameter_text"],
    24: ["DELETE FROM task WHERE name = 'webhooks'",
         "DROP TABLE webhook_delivery", "DROP TABLE webhook"],
    # A part's kept allocated / building / ordering figures.
    25: [f"DROP TRIGGER {t}" for t in (
        "build_item_allocated_ai", "build_item_allocated_ad",
        "build_item_allocated_au", "build_output_building_ai",
        "build_output_building_ad", "build_output_building_au",
        "build_building_ad", "build_building_au",
        "purchase_order_line_ordering_ai", "purchase_order_line_ordering_ad",
        "purchase_order_line_ordering_au", "purchase_order_line_ordering_mv",
        "purchase_order_ordering_bd",
        "purchase_order_ordering_au",
        "supplier_part_ordering_ad", "supplier_part_ordering_au")] + [
        "DROP VIEW part_ordering_line", "DROP VIEW part_building_output",
        "ALTER TABLE part DROP COLUMN allocated",
        "ALTER TABLE part DROP COLUMN building",
        "ALTER TABLE part DROP COLUMN ordering"],
    # Consumed stock: the column (a foreign key) renamed out of the way as
    # in 14; the migration's triggers and in-stock index stay, naming it
    # (always null, so they count as 0003's and 0010's did), and are
    # dropped and made again when it runs again.
    26: ["DROP INDEX stock_item_consumed_by",
         "ALTER TABLE stock_item RENAME COLUMN consumed_by TO "
         "consumed_by_undone_" + os.urandom(3).hex()],
    # The importer's create_paths (issue 18).
    27: ["ALTER TABLE import_session DROP COLUMN create_paths"],
    # Templates and variants, KiCad's categories (issue 17).  variant_of, a foreign key, is
    # renamed out of the way (as 14 does); the tracking codes keep their
    # wider CHECK.
    28: [f"DROP TRIGGER IF EXISTS part_variant_{t}" for t in ("ai", "au", "stock",
                                                      "ad")] +
        ["DROP TABLE custom_unit", "DROP TABLE kicad_category",
         "DROP TABLE part_variant_tree", "DROP INDEX part_variant_of",
         "ALTER TABLE part DROP COLUMN variant_stock",
         "ALTER TABLE part RENAME COLUMN variant_of TO variant_of_undone_" +
         os.urandom(3).hex()],
    # Plugins' activation, settings and failures (issue 20).
    29: ["DELETE FROM task WHERE name IN ('plugin_event', "
         "'plugin_schedule')",
         "DELETE FROM task_schedule WHERE name = 'plugin_schedule'",
         "DROP TABLE plugin_setting", "DROP TABLE plugin"],
    # Labels: templates and the outputs of printing.
    30: ["DROP TRIGGER data_output_orphan", "DROP TABLE data_output",
         "DROP TABLE label_template"],
    # Build orders' tracking codes: the wider CHECK stays (as 28's), the
    # rows keep their codes; nothing to take back.
    31: [],
    # Each template's count of parameters kept in tally (its rows in
    # tally: the migration sets them again, as 17's).
    32: [f"DROP TRIGGER IF EXISTS part_parameter_tally_{t}"
         for t in ("ai", "ad", "au")],
    33: [f"{sql} {t}{rest}" for t in ("supplier_part", "manufacturer_part",
                                      "purchase_order", "build")
         for sql, rest in (("DROP INDEX", "_barcode_hash"),
                           ("ALTER TABLE", " DROP COLUMN barcode_hash"),
                           ("ALTER TABLE", " DROP COLUMN barcode_data"))],
    # Cheaper stock triggers and tracking CHECK (issue 15): the same
    # figures and codes as before it; the programs before it run on its
    # triggers and table alike, so nothing to take back.
    34: [],
    # The importer's sheet (issue 18).
    35: ["ALTER TABLE import_session DROP COLUMN sheet"],
    # The sparse columns' indexes over their values only: back over
    # every row.
    36: [f"DROP INDEX {i}" for i in ("part_variant_of",
                                     "part_default_location",
                                     "stock_item_parent")] +
        ["CREATE INDEX part_variant_of ON part(variant_of)",
         "CREATE INDEX part_default_location ON part(default_location)",
         "CREATE INDEX stock_item_parent ON stock_item(parent)"],
    # (Their counts stay in tally: the migration counts them again.)
    37: [f"DROP TRIGGER IF EXISTS {t}_{e}" for t in (
        "supplier_price_break_tally", "purchase_order_line_tally",
        "part_parameter_rows", "bom_item_substitute_tally",
        "part_active_tally") for e in ("ai", "ad", "bd", "au")],
}


@pytest.fixture
def figures_kept(site):
    """After the test every part's kept figures (ordering, allocated,
    building, in stock) are what the rows say: stockroom check.  A test
    file takes it for all its tests with
    pytestmark = pytest.mark.usefixtures("figures_kept")."""
    yield
    assert_check_clean(site)


def assert_check_clean(site):
    """`stockroom check` finds every kept count and figure as the rows
    give it."""
    proc = site.tool("check", check=False)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert b"counts " in proc.stdout and b": ok" in proc.stdout


def undo_migrations(db, version):
    """Takes the sqlite3 connection's database back to schema `version`:
    undoes each later migration (MIGRATION_UNDO, newest first, those it
    knows) and forgets them (schema_migrations, schema_compatible,
    user_version).  Commits."""
    have = db.execute("PRAGMA user_version").fetchone()[0]
    for v in range(have, version, -1):
        for sql in MIGRATION_UNDO.get(v, ()):
            db.execute(sql)
    db.execute("DELETE FROM schema_migrations WHERE version > ?", (version,))
    db.execute("DELETE FROM schema_compatible WHERE version > ?", (version,))
    db.execute(f"PRAGMA user_version = {int(version)}")
    db.commit()
