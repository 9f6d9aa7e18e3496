"""An upgrade of a tree that is being served (issue 21): `make install`
into the live tree while 8 writers add stock through the server, in every
way of serving (the `srv` fixture).  Before, `make install` into a live
FastCGI tree under load gave about 2 s of errors (lighttpd's own 503 and
500 pages) and a half-written program could be started.

`make install` now writes each program and page file whole under a
temporary name and renames it over the old one (tools/install-swap.sh),
runs the migrations before the programs switch, and a FastCGI process
whose program was replaced serves the requests queued for it before it
leaves (lib/app.c).  The upgrade here installs the same build again: every
program file is replaced (a new inode), which is what makes the kept
FastCGI processes leave and the server start the new ones.

What must hold: every write answered 201 (no retries), and afterwards the
item's quantity and its history account for exactly those writes.
"""
import os
import subprocess
import threading
import time
from decimal import Decimal

from conftest import BUILD, ROOT
from test_load import decoded, made
from test_restore_http import as_owner

WRITERS = 8
MAX_WRITES = 20000          # per writer, a bound; they stop after the upgrade
AFTER = 1.0                 # seconds of writes after the upgrade has ended
STEP = Decimal("0.1")
START = Decimal("1000")
TIMEOUT = 60


def server_errors(srv):
    """The server's own lines of its error log (not the programs')."""
    return "\n".join(line for line in srv.log_tail(3000).splitlines()
                     if " rid=" not in line)[-3000:]


def program_inodes(srv):
    d = srv.site / "cgi-bin"
    return {p.name: p.stat().st_ino for p in d.glob("*.cgi")
            if p.name != "echo.cgi"}      # the tests' own, not installed


def make_install(srv, dest):
    """`make install DESTDIR=dest` for srv's URL prefix."""
    build = os.path.relpath(BUILD, ROOT) if BUILD.is_relative_to(ROOT) \
        else str(BUILD)
    return subprocess.run(["make", "-s", "install", f"DESTDIR={dest}",
                           f"BUILD={build}", f"BASE_PATH={srv.prefix}/"],
                          cwd=ROOT, capture_output=True, timeout=300)


def test_writers_through_an_upgrade(srv):
    writers_through(srv, lambda: make_install(srv, srv.site))


NEXT_MIGRATION = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
v = db.execute("PRAGMA user_version").fetchone()[0]
if sys.argv[2] == "apply":
    db.execute("CREATE TABLE next_release (x INTEGER)")
    db.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
               (v + 1, "%04d_next_release" % (v + 1)))
    db.execute("INSERT INTO schema_compatible (version) VALUES (?)", (v + 1,))
    db.execute("PRAGMA user_version = %d" % (v + 1))
else:
    db.execute("DROP TABLE next_release")
    db.execute("DELETE FROM schema_migrations WHERE version = ?", (v,))
    db.execute("DELETE FROM schema_compatible WHERE version = ?", (v,))
    db.execute("PRAGMA user_version = %d" % (v - 1))
db.commit()
"""


def test_writers_through_an_upgrade_with_a_migration(srv):
    """The next release's migration, marked compatible (lib/db.h), is
    applied while the old programs serve, then the programs switch: as
    make install orders it.  The old programs go on answering on the
    newer schema (before, 503 "newer than this program")."""
    dbfile = str(srv.site / "data" / "stockroom.sqlite3")

    def upgrade():
        p = as_owner(srv, ["/usr/bin/python3", "-c", NEXT_MIGRATION, dbfile,
                           "apply"])
        assert p.returncode == 0, p.stderr
        time.sleep(0.3)             # old programs on the newer schema
        return make_install(srv, srv.site)
    try:
        writers_through(srv, upgrade)
    finally:
        p = as_owner(srv, ["/usr/bin/python3", "-c", NEXT_MIGRATION, dbfile,
                           "undo"])
        assert p.returncode == 0, p.stderr


def test_writers_through_stockroom_upgrade(srv, workdir):
    """A host without make: the new release unpacked beside the install
    (here laid out by make install, as make dist does), and its tool run
    on the install."""
    release = workdir / f"release-{srv.port}-{srv.prefix.strip('/~')}"
    p = make_install(srv, release)
    assert p.returncode == 0, p.stderr.decode()

    def upgrade():
        return subprocess.run([str(release / "bin" / "stockroom"),
                               "upgrade", str(srv.site)],
                              capture_output=True, timeout=300)
    out = writers_through(srv, upgrade)
    assert b"upgraded" in out.stdout, out
    page = (srv.site / "index.html").read_text()
    assert f'<base href="{srv.prefix}/">' in page


def writers_through(srv, do_upgrade):
    """8 writers add stock while do_upgrade() runs; every write must be
    answered 201 and counted.  Returns do_upgrade()'s process."""
    auth = srv.token_headers("upgrade")
    tag = os.urandom(4).hex()
    home = made(srv, auth, "/api/stock/location/", {"name": f"up {tag}"})
    part = made(srv, auth, "/api/part/", {"name": f"upgrade {tag}"})
    item = made(srv, auth, "/api/stock/", {"part": part, "location": home,
                                           "quantity": str(START)})
    before = program_inodes(srv)

    upgraded = threading.Event()
    lock = threading.Lock()
    ok, problems = [0], []

    def writer(w):
        stop_at = None
        for _ in range(MAX_WRITES):
            if upgraded.is_set():
                stop_at = stop_at or time.monotonic() + AFTER
                if time.monotonic() > stop_at:
                    return
            body = {"items": [{"pk": item, "quantity": str(STEP)}]}
            try:
                r = srv.request("POST", "/api/stock/add/", headers=auth,
                                body=body, timeout=TIMEOUT)
            except (OSError, TimeoutError) as e:
                with lock:
                    problems.append(("no answer", repr(e)))
                continue
            with lock:
                if r.status == 201:
                    ok[0] += 1
                else:
                    problems.append((r.status, r.body[:200]))

    threads = [threading.Thread(target=writer, args=(w,))
               for w in range(WRITERS)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    p = do_upgrade()
    spent = time.monotonic() - t0
    upgraded.set()
    for t in threads:
        t.join(TIMEOUT * 2)
    assert p.returncode == 0, p.stderr.decode()
    after = program_inodes(srv)
    assert all(after[n] != before[n] for n in before), "not replaced"

    print(f"{srv!r}: upgrade took {spent:.1f}s; {ok[0]} writes 201, "
          f"{len(problems)} failed")
    if problems:
        print(server_errors(srv))
    assert not problems, (len(problems), problems[:2])
    r = srv.get(f"/api/stock/{item}/", headers=auth)
    assert r.status == 200, r
    assert decoded(r)["quantity"] == START + STEP * ok[0]
    r = srv.get(f"/api/stock/track/?item={item}", headers=auth)
    adds = [e for e in r.json() if e["tracking_type"] == 11]
    assert len(adds) == ok[0]
    # The new programs serve.
    assert srv.get("/api/health/").status == 200
    if srv.fastcgi and not srv.fcgid:
        # lighttpd's kept stock.cgi processes became the new program in
        # place: the same processes, none left running the old file.
        exe = str(srv.site / "cgi-bin" / "stock.cgi")
        kept = [os.readlink(f"/proc/{d}/exe") for d in os.listdir("/proc")
                if d.isdigit() and os.path.exists(f"/proc/{d}/exe")
                and os.readlink(f"/proc/{d}/exe").startswith(exe)]
        assert kept and all(k == exe for k in kept), kept
    return p
