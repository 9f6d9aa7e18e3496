"""Fault and crash tests (issue 7): what the programs answer when the data
directory, the disk or the database is not as it should be, and what is
left of the database when a program dies in the middle of a write.

Each fault must give a 503 JSON answer (never a crash, never HTML), the
health endpoint must say why, and nothing may be half-written.  Writes go
through the test-only txwrite.cgi (tests/cgi/prog_txwrite.c), which writes
a batch of rows in one transaction with an optional delay after each row.

`make torture` runs the same file with STOCKROOM_TORTURE=1: many more
kill -9 iterations.  STOCKROOM_FAULT_SEED makes the random kill points
repeatable; a failing iteration prints the seed it ran with.
"""
import json
import os
import pathlib
import random
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import time

import pytest

from conftest import BUILD, SLOW, Site, check_sanitizer

pytestmark = pytest.mark.sqlite_only("damage, a full disk and locks of the SQLite file")

TORTURE = os.environ.get("STOCKROOM_TORTURE") == "1"
NOBODY = 65534
SETPRIV = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
           "--clear-groups"]


def assert_503_json(r, *words):
    assert r.status == 503, r
    assert r.header("Content-Type") == "application/json"
    detail = r.json()["detail"]
    for w in words:
        assert w in detail, (w, detail)
    return detail


def db_path(site):
    return site.data / "stockroom.sqlite3"


def write(site, batch, rows=5, size=10, env=None):
    return site.cgi("txwrite", method="POST", path="/api/txwrite/",
                    body={"batch": batch, "rows": rows, "size": size},
                    env=env)


def rows_in_db(site, batch=None):
    """Counts test rows straight from the file, and checks its integrity."""
    db = sqlite3.connect(db_path(site))
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        if batch is None:
            q = db.execute("SELECT count(*) FROM setting WHERE key LIKE '%:%'")
        else:
            q = db.execute("SELECT count(*) FROM setting WHERE key LIKE ?",
                           (batch + ":%",))
        return q.fetchone()[0]
    finally:
        db.close()


def remove_db(site):
    for suffix in ("", "-wal", "-shm"):
        p = site.data / ("stockroom.sqlite3" + suffix)
        if p.exists():
            p.unlink()


def checkpoint(site):
    """Moves everything from the WAL into the main file."""
    db = sqlite3.connect(db_path(site))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def test_txwrite_writes_all_rows(site):
    """The write program itself works, so the faults below mean something."""
    r = write(site, "ok", rows=7)
    assert r.status == 201, r
    assert rows_in_db(site, "ok") == 7
    r = site.cgi("txwrite", path="/api/txwrite/", query="batch=ok")
    assert r.json() == {"rows": 7}


# --- The data directory ------------------------------------------------------

@pytest.fixture
def nobody_site():
    """A migrated site whose data directory belongs to an unprivileged user,
    with every program run as that user (root ignores file modes)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to an unprivileged user "
                    "(as a normal user, run the program as that user)")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    for p in (BUILD.resolve(), *BUILD.resolve().parents):
        if not os.stat(p).st_mode & stat.S_IXOTH:
            pytest.skip(f"{p} cannot be entered by other users")
    top = pathlib_tmp()
    try:
        s = Site(top)
        s.tool("migrate")
        for dirpath, dirnames, filenames in os.walk(s.data):
            os.chown(dirpath, NOBODY, NOBODY)
            for f in filenames:
                os.chown(os.path.join(dirpath, f), NOBODY, NOBODY)
        s.wrap = SETPRIV + s.wrap
        yield s
    finally:
        os.chmod(top / "data", 0o700)
        shutil.rmtree(top)


def pathlib_tmp():
    top = pathlib.Path(tempfile.mkdtemp(prefix="stockroom-faults-"))
    os.chmod(top, 0o711)        # enterable by the unprivileged user
    return top


def test_unprivileged_user_can_write_normally(nobody_site):
    """The setup is sound: as the owner, with normal modes, writes work."""
    r = write(nobody_site, "fine")
    assert r.status == 201, r
    assert nobody_site.cgi("api", path="/api/health/").status == 200


def test_read_only_data_dir(nobody_site):
    s = nobody_site
    os.chmod(s.data, 0o500)
    r = s.cgi("api", path="/api/health/")
    assert r.status == 503
    assert r.json()["reason"] == "data directory is not writable"
    assert_503_json(write(s, "ro"), "Database unavailable")
    assert_503_json(s.cgi("txwrite", path="/api/txwrite/"),
                    "Database unavailable")
    os.chmod(s.data, 0o700)
    assert rows_in_db(s, "ro") == 0


def test_read_only_database_file(nobody_site):
    s = nobody_site
    checkpoint(s)
    os.chmod(db_path(s), 0o400)
    r = s.cgi("api", path="/api/health/")
    assert r.status == 503
    assert r.json()["reason"] == "database is read-only"
    r = s.cgi("txwrite", path="/api/txwrite/")
    assert r.status == 200, r       # reading still works
    assert_503_json(write(s, "ro"), "Database unavailable")
    os.chmod(db_path(s), 0o600)
    assert rows_in_db(s, "ro") == 0


def test_world_writable_data_dir_is_refused(site):
    os.chmod(site.data, 0o777)
    for r in (write(site, "ww"), site.cgi("echo")):
        assert_503_json(r, "writable by other users")
    r = site.cgi("api", path="/api/health/")
    assert r.status == 503 and "writable by other users" in r.json()["reason"]
    os.chmod(site.data, 0o700)
    assert rows_in_db(site, "ww") == 0


# --- The disk ------------------------------------------------------------------

FSIZE_LIMIT = 1536 * 1024      # above a migrated database (0.8 MiB)


def test_file_size_limit_write_fails_cleanly(site):
    """A full disk as an unprivileged user can have it: RLIMIT_FSIZE with
    SIGXFSZ ignored, so writes past the limit fail with EFBIG.  SQLite
    reports an I/O error, the program answers 503 JSON, and the batch is
    all-or-nothing."""
    assert db_path(site).stat().st_size < FSIZE_LIMIT
    full = site.wrap
    site.wrap = ["sh", "-c", 'trap "" XFSZ; exec "$@"', "sh",
                 "prlimit", f"--fsize={FSIZE_LIMIT}", "--"] + full
    r = write(site, "big", rows=400, size=5000)       # ~2 MB: over the limit
    detail = assert_503_json(r, "Database unavailable")
    assert "disk" in detail or "I/O" in detail, detail
    assert b"insert" in r.stderr or b"commit" in r.stderr, r.stderr
    r = write(site, "small", rows=3)                  # still fits
    assert r.status == 201, r
    site.wrap = full
    assert rows_in_db(site, "big") == 0
    assert rows_in_db(site, "small") == 3


@pytest.fixture
def tmpfs_site():
    """A site on a small tmpfs (a real ENOSPC); needs mount(2).  4 MiB: the
    migrated database is about 0.5 MiB and its WAL as much again until a
    checkpoint (1 MiB no longer held both); the test fills the rest."""
    top = pathlib_tmp()
    mnt = top / "fs"
    mnt.mkdir()
    rc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700",
                         "tmpfs", str(mnt)], capture_output=True)
    if rc.returncode != 0:
        shutil.rmtree(top)
        pytest.skip("cannot mount a tmpfs here: "
                    + rc.stderr.decode(errors="replace").strip())
    try:
        s = Site(mnt)
        s.tool("migrate")
        yield s
    finally:
        subprocess.run(["umount", "-l", str(mnt)])
        shutil.rmtree(top)


def fill(path, leave):
    """Fills the file system holding path until about leave bytes are free."""
    st = os.statvfs(path)
    free = st.f_bavail * st.f_frsize
    with open(path / "filler", "wb") as f:
        try:
            f.write(b"\0" * max(0, free - leave))
        except OSError:
            pass


def test_disk_full_write_fails_cleanly(tmpfs_site):
    s = tmpfs_site
    checkpoint(s)
    fill(s.tmp, 96 * 1024)
    r = write(s, "big", rows=300, size=4000)          # ~1.2 MB
    detail = assert_503_json(r, "Database unavailable")
    assert "full" in detail or "I/O" in detail, detail
    h = s.cgi("api", path="/api/health/")
    (s.tmp / "filler").unlink()
    assert rows_in_db(s, "big") == 0
    assert write(s, "after", rows=3).status == 201
    assert rows_in_db(s, "after") == 3
    assert h.status == 503 and "disk" in h.json()["reason"]


# --- The database file ---------------------------------------------------------

def test_missing_database(site):
    """A database that existed and went missing (moved, unmounted, deleted)
    is reported, never replaced by an empty one - not even with
    AUTO_MIGRATE, and not by 'stockroom migrate'."""
    remove_db(site)
    for env in ({}, {"STOCKROOM_AUTO_MIGRATE": "true"}):
        detail = assert_503_json(write(site, "gone", env=env), "missing")
        assert "backup" in detail
        r = site.cgi("api", path="/api/health/", env=env)
        assert r.status == 503
        assert "missing" in r.json()["reason"]
        assert not db_path(site).exists()
    proc = site.tool("migrate", check=False)
    assert proc.returncode == 1 and b"missing" in proc.stderr
    assert not db_path(site).exists()
    # Deleting the marker is the way to start again with an empty one.
    (site.data / "database_created").unlink()
    site.tool("migrate")
    assert write(site, "again", rows=1).status == 201


def test_garbage_database(site):
    remove_db(site)
    db_path(site).write_bytes(b"this is not a database" * 200)
    assert_503_json(write(site, "x"), "Database unavailable")
    assert_503_json(site.cgi("echo"), "Database unavailable")
    r = site.cgi("api", path="/api/health/")
    assert r.status == 503
    assert r.json()["reason"] == "database unreachable"
    assert db_path(site).read_bytes() == b"this is not a database" * 200


def corrupt_table(site, table="setting"):
    checkpoint(site)
    db = sqlite3.connect(db_path(site))
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                      (table,)).fetchone()[0]
    size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    with open(db_path(site), "r+b") as f:
        f.seek((root - 1) * size)
        f.write(b"\xff" * 200)


def test_damaged_database_page_is_503(site):
    assert write(site, "a", rows=3).status == 201
    corrupt_table(site)
    assert_503_json(write(site, "b", rows=3), "Database")


DAMAGED = "database damaged"
NO_QUICK_CHECK = {"STOCKROOM_HEALTH_QUICK_CHECK_MAX_MB": "0"}


def damage_record(site):
    """The damage record (lib/dbcheck.h), or None; checks it is private."""
    p = site.data / "database_damaged"
    if not p.exists():
        return None
    assert no_access_for_others(p) == 0o600
    return p.read_text()


def assert_health_damaged(site, env=None):
    r = site.cgi("api", path="/api/health/", env=env)
    assert r.status == 503, r
    d = r.json()
    assert d["reason"].startswith(DAMAGED), d
    assert "stockroom check" in d["reason"]
    assert d["database"] == "error"
    assert d["damaged_since"].endswith("Z"), d       # the time, nothing else
    return d


def copy_db(src, dst):
    """A consistent copy of the database file (SQLite's backup API)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    a.close()
    b.close()


def restore_db(site, good):
    remove_db(site)
    shutil.copyfile(good, db_path(site))
    os.chmod(db_path(site), 0o600)


def run_worker(site):
    proc = subprocess.run([*site.wrap, str(BUILD / "bin" / "worker"),
                           "--once"], env=site.base_env, capture_output=True,
                          timeout=120 * SLOW)
    check_sanitizer(proc, "worker --once")
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stderr.decode(errors="replace")


def test_health_reports_damaged_database_page(site):
    """A small database: health runs PRAGMA quick_check itself, and
    records what it finds so that it stays reported."""
    assert write(site, "a", rows=3).status == 201
    assert site.cgi("api", path="/api/health/").status == 200
    corrupt_table(site)
    assert damage_record(site) is None
    assert_health_damaged(site)
    assert "health quick_check" in damage_record(site)
    assert_health_damaged(site)


def test_health_quick_check_only_below_the_size_limit(site):
    """HEALTH_QUICK_CHECK_MAX_MB = 0 (what a large database gets): health
    no longer reads the pages, so it cannot see this damage by itself."""
    corrupt_table(site)
    r = site.cgi("api", path="/api/health/", env=NO_QUICK_CHECK)
    assert r.status == 200, r
    assert damage_record(site) is None
    assert_health_damaged(site)                     # default: 4 MB


def test_damage_met_by_a_request_is_recorded_for_health(site):
    """The large-database path: a request that meets SQLITE_CORRUPT
    records it, and health reports it from the record (cheap at any size)
    until 'stockroom check' finds the restored file sound."""
    assert write(site, "a", rows=3).status == 201
    good = site.tmp / "good.sqlite3"
    copy_db(db_path(site), good)
    corrupt_table(site)
    assert site.cgi("api", path="/api/health/", env=NO_QUICK_CHECK).status \
        == 200
    assert_503_json(write(site, "b", rows=3), "damaged")
    record = damage_record(site)
    assert record is not None and "malformed" in record, record
    # One line: time, step, SQLite's error; no data, no path, no SQL.
    assert record.count("\n") == 1 and str(site.data) not in record
    assert "VALUES" not in record.upper() and "b:" not in record
    d = assert_health_damaged(site, env=NO_QUICK_CHECK)
    assert record.startswith(d["damaged_since"] + " ")
    # A second failure keeps the first record (since when).
    assert_503_json(write(site, "c", rows=3), "damaged")
    assert damage_record(site) == record
    # The tool refuses the damaged file and keeps the record.
    proc = site.tool("check", check=False)
    assert proc.returncode == 1, proc
    assert b"damaged" in proc.stderr and b"backup" in proc.stderr
    assert damage_record(site) == record
    # Restored from a backup: still reported until the check has run.
    restore_db(site, good)
    assert_health_damaged(site, env=NO_QUICK_CHECK)
    proc = site.tool("check")
    assert b"ok; removed the damage record" in proc.stdout, proc.stdout
    assert damage_record(site) is None
    r = site.cgi("api", path="/api/health/", env=NO_QUICK_CHECK)
    assert r.status == 200 and r.json()["status"] == "healthy", r
    assert write(site, "d", rows=3).status == 201
    assert rows_in_db(site, "a") == 3


def test_stockroom_check_on_sound_and_missing_databases(site):
    proc = site.tool("check")
    assert proc.stdout.startswith(b"database ") and b": ok\n" in proc.stdout
    assert damage_record(site) is None
    remove_db(site)
    proc = site.tool("check", check=False)
    assert proc.returncode == 1 and b"no database file" in proc.stderr
    assert not db_path(site).exists()           # never creates one


def test_daily_backup_checks_the_database_first(site):
    """The daily backup task runs the full integrity_check before copying:
    damage no request has met yet is recorded, and no backup is made of
    the damaged file (the older, sound ones are kept).  Once the file is
    sound again, the next backup forgets the record."""
    good = site.tmp / "good.sqlite3"
    copy_db(db_path(site), good)
    corrupt_table(site)
    run_worker(site)                            # the first run: all due
    backups = site.data / "backups"
    assert not backups.exists() or not any(backups.iterdir())
    assert "backup integrity_check" in damage_record(site)
    assert_health_damaged(site, env=NO_QUICK_CHECK)
    db = sqlite3.connect(db_path(site))
    status, error = db.execute("SELECT status, last_error FROM task WHERE "
                               "name = 'backup'").fetchone()
    db.close()
    assert status == "pending" and "damaged" in error, (status, error)
    restore_db(site, good)          # a copy from before: all tasks due
    log = run_worker(site)
    assert "sound again" in log, log
    assert damage_record(site) is None
    assert len(list(backups.iterdir())) == 1
    assert site.cgi("api", path="/api/health/").status == 200


def test_damaged_database_page_is_json_and_not_written(site):
    """What holds today: a JSON error with no internal detail, nothing
    written."""
    assert write(site, "a", rows=3).status == 201
    corrupt_table(site)
    r = write(site, "b", rows=3)
    assert r.status in (500, 503), r
    assert r.header("Content-Type") == "application/json"
    assert "malformed" not in r.json()["detail"]      # DEBUG is off
    assert b"malformed" in r.stderr                   # the log says it


def test_migrations_behind(site):
    db = sqlite3.connect(db_path(site))
    have = db.execute("PRAGMA user_version").fetchone()[0]
    db.execute(f"PRAGMA user_version = {have - 1}")
    db.close()
    assert_503_json(write(site, "old"), "schema is behind", "stockroom migrate")
    r = site.cgi("api", path="/api/health/")
    assert r.status == 503
    d = r.json()
    assert d["reason"] == "database migrations pending"
    assert d["pending_migrations"] == 1
    db = sqlite3.connect(db_path(site))
    db.execute(f"PRAGMA user_version = {have}")
    db.close()
    assert rows_in_db(site, "old") == 0


# --- kill -9 in the middle of a write transaction ------------------------------

def cgi_env(site, method, path, body=b"", extra=None):
    e = dict(site.base_env, GATEWAY_INTERFACE="CGI/1.1", REQUEST_METHOD=method,
             PATH_INFO=path, QUERY_STRING="", SERVER_NAME="localhost",
             SERVER_PORT="80", REMOTE_ADDR="127.0.0.1")
    if body:
        e.update(CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(body)))
    e.update(extra or {})
    return e


def start_write(site, batch, rows, delay_us):
    body = json.dumps({"batch": batch, "rows": rows, "size": 200}).encode()
    env = cgi_env(site, "POST", "/api/txwrite/", body,
                  {"STOCKROOM_TEST_DELAY_US": str(delay_us)})
    p = subprocess.Popen([str(site.program("txwrite"))], env=env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    p.stdin.write(body)
    p.stdin.close()
    p.stdin = None          # so communicate() leaves it alone
    return p


def kill_after(p, plusses, pause):
    """Reads the writer's progress ('+' per row inserted) until it has
    inserted plusses rows, waits pause seconds, then kills it."""
    seen = 0
    while seen < plusses:
        c = os.read(p.stderr.fileno(), 1)
        if not c:
            break                       # it ended first
        seen += c == b"+"
    time.sleep(pause)
    p.kill()


def test_kill_9_during_write_transaction(site):
    """Kills the writer at random points, many times: after each kill the
    programs still answer, the file passes PRAGMA integrity_check, and each
    batch is either all there or not there at all.  The kill points follow
    the writer's own progress, so they land where intended however loaded
    the machine: mostly with the transaction open and some rows inserted,
    some at the start, some around the commit."""
    iterations = 400 if TORTURE else 25
    seed = int(os.environ.get("STOCKROOM_FAULT_SEED", random.randrange(1 << 30)))
    rnd = random.Random(seed)
    rows, delay_us = 40, 1500

    done, inside = set(), 0
    for i in range(iterations):
        batch = f"k{i}"
        where = rnd.random()
        target = (0 if where < 0.15 else rows if where < 0.3
                  else rnd.randint(1, rows - 1))
        p = start_write(site, batch, rows, delay_us)
        # Around the commit, wait long enough that some runs finish.
        kill_after(p, target, rnd.uniform(0, 0.03 if target == rows
                                          else 0.002))
        out, err = p.communicate(timeout=60)
        completed = p.returncode == 0 and out.startswith(b"Status: 201")
        what = f"iteration {i}, STOCKROOM_FAULT_SEED={seed}"
        r = site.cgi("txwrite", path="/api/txwrite/", query=f"batch={batch}")
        assert r.status == 200, (what, r)
        n = r.json()["rows"]
        assert n in (0, rows), (what, n)
        if completed:
            assert n == rows, what
        if n == rows:
            done.add(batch)
        elif 0 < target < rows:
            inside += 1
        assert rows_in_db(site, batch) == n, what
    print(f"kill -9: {iterations} kills, {inside} with the transaction open "
          f"and rows inserted, {len(done)} committed; seed {seed}")
    assert rows_in_db(site) == rows * len(done)
    assert inside >= iterations // 3, (inside, iterations, seed)
    assert write(site, "after", rows=3).status == 201   # no stale lock


# --- Secrets and file modes on a shared host -----------------------------------

SECRET = "s3cr3t-KEY-do-not-print-0123456789"


def every_kind_of_answer(site, env):
    """Runs requests that reach every answer path we have: success, 404,
    405, OPTIONS, CORS, 400 bodies, a database refusal, a bad config file;
    returns all their output and log lines as one bytes string."""
    out = []
    calls = [
        ("api", {}), ("api", {"path": "/api/health/"}),
        ("api", {"path": "/api/nope/"}), ("api", {"method": "DELETE"}),
        ("api", {"method": "OPTIONS", "path": "/api/health/"}),
        ("api", {"headers": {"Origin": "https://a.example",
                             "Access-Control-Request-Method": "GET"},
                 "method": "OPTIONS"}),
        ("echo", {"method": "POST", "body": b"{bad",
                  "content_type": "application/json"}),
        ("echo", {"query": "a=%zz"}),
        ("echo", {"headers": {"Cookie": "sessionid=x",
                              "Authorization": "Token abc"}}),
        ("txwrite", {"method": "POST", "path": "/api/txwrite/",
                     "body": {"batch": "s", "rows": 2}}),
        ("txwrite", {"method": "POST", "path": "/api/txwrite/",
                     "body": {"batch": "bad batch"}}),
    ]
    e = dict(env, STOCKROOM_DEBUG="true", STOCKROOM_LOG_LEVEL="debug",
             STOCKROOM_CORS_ALLOWED_ORIGINS="https://a.example")
    for prog, kw in calls:
        r = site.cgi(prog, env=e, **kw)
        out += [r.body, r.stderr] + [v.encode() for _, v in r.headers]
    os.chmod(site.data, 0o777)          # a refusal that names the directory
    r = site.cgi("echo", env=e)
    out += [r.body, r.stderr]
    os.chmod(site.data, 0o700)
    for cmd in (["status"], ["settings"], ["migrate"]):
        p = site.tool(*cmd, env=e, check=False)
        out += [p.stdout, p.stderr]
    return b"\n".join(out)


def test_secret_key_setting_never_printed(site, tmp_path):
    everything = every_kind_of_answer(site, {"STOCKROOM_SECRET_KEY": SECRET})
    assert b"debug_mode\":true" in everything       # DEBUG really was on
    assert SECRET.encode() not in everything
    # From the config file, next to a line that is wrong:
    conf = tmp_path / "stockroom.conf"
    conf.write_text(f'DEBUG = true\nSECRET_KEY = "{SECRET}"\n'
                    f'LOG_LEVEL = debug\nREAD_TIMEOUT = {SECRET}\n')
    r = site.cgi("api", env={"STOCKROOM_CONFIG": str(conf)})
    assert r.status == 500
    assert SECRET.encode() not in r.body + r.stderr
    conf.write_text(f'DEBUG = true\nSECRET_KEY = "{SECRET}"\n')
    everything = every_kind_of_answer(site, {"STOCKROOM_CONFIG": str(conf)})
    assert SECRET.encode() not in everything


def test_secret_key_file_never_printed(site):
    key = (site.data / "secret_key").read_bytes()
    assert len(key) == 64
    log = site.data / "log.txt"
    everything = every_kind_of_answer(site, {"STOCKROOM_LOG_FILE": str(log)})
    everything += log.read_bytes()
    assert b"GET /api/ 200" in everything           # the log was written
    assert key not in everything
    assert key[:16] not in everything


def umask0(site):
    site.wrap = ["sh", "-c", 'umask 000; exec "$@"', "sh"] + site.wrap


def no_access_for_others(path):
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode & 0o077 == 0, f"{path}: mode {mode:o}"
    return mode


def test_programs_create_private_files_even_with_umask_0(bare_site):
    """Data directory 0700; database, WAL, secret key and log with no group
    or other access, whatever umask the web server hands the program."""
    umask0(bare_site)
    log = bare_site.data / "requests.log"
    env = {"STOCKROOM_LOG_FILE": str(log), "STOCKROOM_AUTO_MIGRATE": "true"}
    r = write(bare_site, "m", env=env)
    assert r.status == 201, r
    assert no_access_for_others(bare_site.data) == 0o700
    assert log.exists() and db_path(bare_site).exists()
    for p in bare_site.data.iterdir():
        no_access_for_others(p)


def test_migrate_creates_private_data_dir_and_key_with_umask_0(bare_site):
    umask0(bare_site)
    bare_site.tool("migrate")
    assert no_access_for_others(bare_site.data) == 0o700
    assert no_access_for_others(bare_site.data / "secret_key") == 0o600


def test_migrate_creates_private_database_with_umask_0(bare_site):
    umask0(bare_site)
    bare_site.tool("migrate")
    no_access_for_others(db_path(bare_site))


def test_cors_wildcard_never_allows_cookies(site):
    """CORS_ALLOWED_ORIGINS = * lets any site read answers, so it must not
    let them read a signed-in user's answers: no Allow-Credentials, or the
    browser would send the session cookie along (found in review: it did).
    An origin listed by name still gets credentials."""
    env = {"STOCKROOM_CORS_ALLOWED_ORIGINS": "https://a.example, *"}
    evil = {"Origin": "https://evil.example"}
    for r in (site.cgi("api", headers=evil, env=env),
              site.cgi("api", method="OPTIONS", env=env,
                       headers=dict(evil, **{
                           "Access-Control-Request-Method": "GET"}))):
        assert r.header("Access-Control-Allow-Origin") == "https://evil.example"
        assert r.header("Access-Control-Allow-Credentials") is None
    r = site.cgi("api", headers={"Origin": "https://a.example"}, env=env)
    assert r.header("Access-Control-Allow-Credentials") == "true"
    r = site.cgi("api", headers={"Origin": "*"}, env=env)
    assert r.header("Access-Control-Allow-Credentials") is None
