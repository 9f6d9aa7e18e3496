"""`stockroom restore FILE` (issue 21): a backup made by the daily task
goes back into the live database only when it is a sound Stockroom
database of a schema the program knows; anything else is refused with the
reason and changes nothing.  (Through a running server:
tests/http/test_restore_http.py.)"""
import os
import shutil
import sqlite3

import pytest

from conftest import ADMIN_PASSWORD, undo_migrations
from test_tasks import enqueue, quiet_schedules, worker

pytestmark = pytest.mark.sqlite_only("stockroom restore writes a SQLite backup file into the database")


def db(site):
    return site.db()


def names(site):
    return [r[0] for r in db(site).execute(
        "SELECT name FROM part_category ORDER BY id")]


def add_category(site, admin, name):
    r = site.cgi("part", method="POST", path="/api/part/category/",
                 headers=admin, body={"name": name})
    assert r.status == 201, r


def daily_backup(site):
    """The daily task's backup, made by the worker; its path."""
    before = set((site.data / "backups").glob("*.sqlite3")) \
        if (site.data / "backups").exists() else set()
    quiet_schedules(site)
    enqueue(site, "backup")
    worker(site, "--once")
    new = set((site.data / "backups").glob("stockroom-*.sqlite3")) - before
    assert len(new) == 1, new
    return new.pop()


@pytest.fixture
def backup(site, admin, tmp_path):
    """A daily backup holding the category "Kept"; "Later" added after."""
    add_category(site, admin, "Kept")
    b = daily_backup(site)
    add_category(site, admin, "Later")
    assert names(site) == ["Kept", "Later"]
    return b


def test_restore_a_daily_backup(site, admin, backup):
    r = site.tool("restore", str(backup))
    out = r.stdout.decode()
    assert "restored" in out and "schema version" in out, out
    assert names(site) == ["Kept"]
    # What was live is kept beside the backups, and is itself restorable.
    kept = [p for p in (site.data / "backups").iterdir()
            if p.name.endswith("-before-restore.sqlite3")]
    assert len(kept) == 1 and str(kept[0]) in out
    assert oct(kept[0].stat().st_mode & 0o777) == "0o600"
    site.tool("restore", str(kept[0]))
    assert names(site) == ["Kept", "Later"]
    # The programs go on: the same inode, WAL and all.
    r = site.cgi("part", path="/api/part/category/", headers=admin)
    assert r.status == 200 and len(r.json()) == 2
    assert db(site).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # No temporary copy is left in the data directory.
    assert not [p for p in site.data.iterdir()
                if p.name.startswith(".restore-")]


def refused(site, path, why):
    """restore path fails naming why, and the database is unchanged."""
    before = names(site)
    r = site.tool("restore", str(path), check=False)
    err = r.stderr.decode()
    assert r.returncode == 1, (r.stdout, err)
    assert why in err, err
    assert names(site) == before
    assert not [p for p in site.data.iterdir()
                if p.name.startswith(".restore-")]
    return err


def test_refuses_what_is_not_a_database(site, admin, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"SQLite format 3\0" + os.urandom(5000))
    refused(site, junk, "not an SQLite database")
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    refused(site, empty, "not a database file")
    refused(site, tmp_path / "absent", "No such file")
    refused(site, tmp_path, "not a database file")


def test_refuses_another_applications_database(site, admin, tmp_path):
    other = tmp_path / "other.sqlite3"
    c = sqlite3.connect(other)
    c.execute("CREATE TABLE notes (body TEXT)")
    c.commit()
    c.close()
    refused(site, other, "not a Stockroom database")
    c = sqlite3.connect(other)
    c.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
              " name TEXT)")
    c.execute("INSERT INTO schema_migrations VALUES (1, 'something_else')")
    c.execute("PRAGMA user_version = 1")
    c.commit()
    c.close()
    refused(site, other, "not this Stockroom's schema")


def test_refuses_a_newer_schema(site, admin, backup, tmp_path):
    newer = tmp_path / "newer.sqlite3"
    shutil.copyfile(backup, newer)
    c = sqlite3.connect(newer)
    v = c.execute("PRAGMA user_version").fetchone()[0]
    c.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
              (v + 1, "9999_from_the_future"))
    c.execute(f"PRAGMA user_version = {v + 1}")
    c.commit()
    c.close()
    err = refused(site, newer, "made by a newer Stockroom")
    assert "install the newer version first" in err


def test_refuses_a_damaged_backup(site, admin, backup, tmp_path):
    bad = tmp_path / "bad.sqlite3"
    shutil.copyfile(backup, bad)
    data = bytearray(bad.read_bytes())
    page = 4096
    # Garbage over every page after the first two: b-tree pages broken.
    for off in range(2 * page, len(data), page):
        data[off:off + 64] = b"\xff" * 64
    bad.write_bytes(bytes(data))
    refused(site, bad, "damaged")


def test_refuses_a_file_in_use_and_the_live_database(site, admin, backup,
                                                      tmp_path):
    busy = tmp_path / "busy.sqlite3"
    shutil.copyfile(backup, busy)
    (tmp_path / "busy.sqlite3-wal").write_bytes(b"x" * 100)
    refused(site, busy, "write-ahead log beside it")
    refused(site, site.data / "stockroom.sqlite3", "the live database")
    link = tmp_path / "link.sqlite3"
    link.symlink_to(backup)
    refused(site, link, "is a symbolic link")


def test_an_older_backup_is_brought_up_to_date(site, admin, backup,
                                               tmp_path):
    """A backup made before the last migration is migrated on the way in:
    the live database is never behind the program."""
    old = tmp_path / "old.sqlite3"
    shutil.copyfile(backup, old)
    c = sqlite3.connect(old)
    v = c.execute("PRAGMA user_version").fetchone()[0]
    # The migration before the last (a branch may leave a number out).
    undo_migrations(c, c.execute("SELECT max(version) FROM "
                                 "schema_migrations WHERE version < ?",
                                 (v,)).fetchone()[0])
    c.close()
    out = site.tool("restore", str(old)).stdout.decode()
    assert "brought up to date by 1 migration" in out, out
    assert db(site).execute("PRAGMA user_version").fetchone()[0] == v
    assert names(site) == ["Kept"]
    r = site.cgi("auth", method="POST", path="/api/auth/login/",
                 body={"username": "admin", "password": ADMIN_PASSWORD})
    assert r.status == 200, r


def test_restore_clears_the_damage_record_and_a_missing_database(
        site, admin, backup):
    (site.data / "database_damaged").write_text("2026-12-06 test\n")
    site.tool("restore", str(backup))
    assert not (site.data / "database_damaged").exists()
    # A database that went missing: the programs refuse to make an empty
    # one (README); restore brings it back.
    for suffix in ("", "-wal", "-shm"):
        p = site.data / ("stockroom.sqlite3" + suffix)
        if p.exists():
            p.unlink()
    assert site.cgi("api", path="/api/health/").status == 503
    site.tool("restore", str(backup))
    assert names(site) == ["Kept"]
    assert site.cgi("api", path="/api/health/").status == 200
