"""`stockroom restore FILE` while the server runs (issue 21), in every way
of serving (the `srv` fixture): a backup made by the daily backup task
(the worker, as the data directory's owner, as cron would run it) is
restored while a reader keeps asking for the category list; every one of
its requests is answered 200, before and after the switch, and the server
then serves the restored data and takes writes, FastCGI processes and
their kept connections included.
"""
import os
import subprocess
import threading
import time

import pytest

from conftest import AS_ROOT

pytestmark = pytest.mark.sqlite_only("stockroom restore writes a SQLite "
                                     "backup file into the database")

READER_PAUSE = 0.02         # seconds between the reader's requests


def as_owner(srv, argv):
    """Runs argv as the owner of the tree's data directory (www-data for
    Apache's trees when the tests run as root), as an operator would."""
    st = os.stat(srv.site / "data")
    if AS_ROOT and st.st_uid != 0:
        argv = ["setpriv", f"--reuid={st.st_uid}", f"--regid={st.st_gid}",
                "--clear-groups", *argv]
    return subprocess.run(argv, capture_output=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C"})


def category_names(srv, auth):
    r = srv.get("/api/part/category/", headers=auth)
    assert r.status == 200, r
    return {c["name"] for c in r.json()}


def add_category(srv, auth, name):
    r = srv.request("POST", "/api/part/category/", headers=auth,
                    body={"name": name})
    assert r.status == 201, r


def daily_backup(srv):
    """The backup task, queued and run by the tree's worker; its file."""
    data = srv.site / "data"
    before = set(data.glob("backups/stockroom-*.sqlite3"))
    enqueue = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], "
               "timeout=30); c.execute(\"INSERT INTO task (name, args) "
               "VALUES ('backup', '{}')\"); c.commit()")
    p = as_owner(srv, ["/usr/bin/python3", "-c", enqueue,
                       str(data / "stockroom.sqlite3")])
    assert p.returncode == 0, p.stderr
    p = as_owner(srv, [str(srv.site / "bin" / "worker"), "--once"])
    assert p.returncode == 0, p.stderr
    new = set(data.glob("backups/stockroom-*.sqlite3")) - before
    new = [b for b in new if not b.name.endswith("-before-restore.sqlite3")]
    assert len(new) == 1, (new, p.stderr)
    return new[0]


def test_restore_while_serving(srv):
    mode = f"{srv.kind}{'-fcgid' if srv.fcgid else ''}" \
        f"{'-fastcgi' if srv.fastcgi and not srv.fcgid else ''}"
    auth = srv.token_headers("restore")
    kept, later = f"kept-{mode}", f"later-{mode}"
    add_category(srv, auth, kept)
    backup = daily_backup(srv)
    add_category(srv, auth, later)
    assert {kept, later} <= category_names(srv, auth)

    answers, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            r = srv.get("/api/part/category/", headers=auth)
            names = {c["name"] for c in r.json()} \
                if r.status == 200 and r.is_json else None
            answers.append((r.status, names))
            time.sleep(READER_PAUSE)

    t = threading.Thread(target=reader)
    t.start()
    try:
        time.sleep(0.5)
        p = as_owner(srv, [str(srv.site / "bin" / "stockroom"), "restore",
                           str(backup)])
        time.sleep(1.0)
    finally:
        stop.set()
        t.join(60)
    assert p.returncode == 0, p.stderr.decode()
    assert b"restored" in p.stdout, p.stdout
    bad = [a for a in answers if a[0] != 200]
    assert not bad, (len(bad), bad[:3], srv.log_tail())
    # Each answer saw the database before or after, never a mixture; the
    # last ones the restored one.
    seen = [kept in n and later in n for _, n in answers]
    assert seen[0] and not seen[-1], seen
    assert seen == sorted(seen, reverse=True), seen
    print(f"{srv!r}: {len(answers)} reads during the restore, all 200; "
          f"{seen.count(True)} before, {seen.count(False)} after")

    names = category_names(srv, auth)
    assert kept in names and later not in names
    add_category(srv, auth, f"after-{mode}")
    assert srv.get("/api/health/").status == 200
