"""`stockroom upgrade INSTALL` (issue 21), run from a new release: what it
lays over the install, what it keeps, and what it refuses.  (Through the
servers, with writers: tests/http/test_upgrade.py.)"""
import os
import sqlite3
import subprocess

import pytest

from conftest import BUILD, ROOT, undo_migrations

pytestmark = pytest.mark.sqlite_only("stockroom upgrade of an install whose database is a SQLite file")


def make_install(dest, prefix=""):
    build = os.path.relpath(BUILD, ROOT) if BUILD.is_relative_to(ROOT) \
        else str(BUILD)
    p = subprocess.run(["make", "-s", "install", f"DESTDIR={dest}",
                        f"BUILD={build}", f"BASE_PATH={prefix}/"],
                       cwd=ROOT, capture_output=True, timeout=300)
    assert p.returncode == 0, p.stderr.decode()


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    rel = tmp_path_factory.mktemp("release") / "stockroom-new"
    make_install(rel)
    return rel


@pytest.fixture
def install(tmp_path):
    """An install served under /~alice/stockroom/, with its own settings."""
    inst = tmp_path / "install"
    make_install(inst, "/~alice/stockroom")
    (inst / "stockroom.conf").write_text('INSTANCE_NAME = "Alice"\n')
    return inst


def upgrade(release, install, check=True):
    p = subprocess.run([str(release / "bin" / "stockroom"), "upgrade",
                        str(install)], capture_output=True, timeout=120,
                       env={"PATH": "/usr/bin:/bin"})
    if check:
        assert p.returncode == 0, p.stderr.decode()
    return p


def test_lays_the_release_over_and_keeps_the_installs_own(release, install):
    db = sqlite3.connect(install / "data" / "stockroom.sqlite3")
    db.execute("INSERT INTO part_category (name) VALUES ('kept')")
    db.commit()
    old = {p: p.stat().st_ino for p in (install / "cgi-bin").glob("*.cgi")}
    conf = (install / "stockroom.conf").read_text()
    out = upgrade(release, install).stdout.decode()
    assert "upgraded" in out and "schema version" in out, out
    # Every program replaced by a rename (a new inode), same bytes.
    for p, ino in old.items():
        assert p.stat().st_ino != ino
        assert p.read_bytes() == (release / "cgi-bin" / p.name).read_bytes()
        assert oct(p.stat().st_mode & 0o777) == "0o755"
    # The install's prefix stays in its page; its settings and data stay.
    page = (install / "index.html").read_text()
    assert '<base href="/~alice/stockroom/">' in page
    assert (install / "stockroom.conf").read_text() == conf
    assert [r[0] for r in db.execute("SELECT name FROM part_category")] == \
        ["kept"]
    # No temporary file left anywhere.
    assert not [p for p in install.rglob("*") if ".upgrade-" in p.name]


def test_migrates_an_install_behind_the_release(release, install):
    db = sqlite3.connect(install / "data" / "stockroom.sqlite3")
    v = db.execute("PRAGMA user_version").fetchone()[0]
    undo_migrations(db, v - 1)
    out = upgrade(release, install).stdout.decode()
    assert f"schema version {v} (1 migration applied)" in out, out
    assert db.execute("PRAGMA user_version").fetchone()[0] == v


def test_refusals(release, install, tmp_path):
    before = {p: p.stat().st_ino for p in (install / "cgi-bin").glob("*")}
    for target, why in ((release, "the same directory"),
                        (tmp_path / "absent", "not a directory"),
                        (tmp_path, "not a Stockroom install")):
        p = upgrade(release, target, check=False)
        assert p.returncode == 1 and why in p.stderr.decode(), p
    # A database newer than the release: not an upgrade; nothing laid.
    db = sqlite3.connect(install / "data" / "stockroom.sqlite3")
    v = db.execute("PRAGMA user_version").fetchone()[0]
    db.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
               (v + 1, "9999_future"))
    db.execute(f"PRAGMA user_version = {v + 1}")
    db.commit()
    p = upgrade(release, install, check=False)
    assert p.returncode == 1 and "not an upgrade" in p.stderr.decode(), p
    assert {p: p.stat().st_ino
            for p in (install / "cgi-bin").glob("*")} == before


def test_a_link_in_the_release_is_refused(release, install, tmp_path):
    rel = tmp_path / "rel"
    make_install(rel)
    (rel / "assets" / "evil").symlink_to("/etc/passwd")
    before = {p: p.stat().st_ino for p in (install / "cgi-bin").glob("*")}
    p = upgrade(rel, install, check=False)
    assert p.returncode == 1 and "not a regular file" in p.stderr.decode()
    assert {p: p.stat().st_ino
            for p in (install / "cgi-bin").glob("*")} == before
    assert not (install / "assets" / "evil").exists()
