"""stockroom migrate-db DATABASE_URL (issue 13): a SQLite install moved
into a new PostgreSQL database in one command, then served from it with the
same answers.  Runs in the SQLite pass (the source is a SQLite site) with a
throwaway cluster of its own (tests/pgserver.py)."""
import subprocess

import pytest

from conftest import BUILD, check_sanitizer
from inventory_api import Api
from pgserver import PgServer

pytestmark = pytest.mark.sqlite_only("the source of the move is a SQLite "
                                     "file; the target a cluster of its own")


@pytest.fixture(scope="module")
def pg():
    with PgServer() as server:
        yield server


def run(site, *args, env=None):
    proc = subprocess.run([*site.wrap, str(BUILD / "bin" / args[0]),
                           *args[1:]], env=dict(site.base_env, **(env or {})),
                          capture_output=True, timeout=300)
    check_sanitizer(proc, " ".join(args))
    return proc


def on(site, url):
    """The same site served from PostgreSQL (same data directory)."""
    site.base_env["STOCKROOM_DATABASE_URL"] = url
    return site


def answers(site, admin):
    """What a client sees of the whole inventory."""
    api = Api(site, admin)
    got = {path: api.list(path) for path in (
        "/api/part/category/", "/api/part/", "/api/stock/location/",
        "/api/stock/", "/api/company/", "/api/company/part/",
        "/api/user/")}
    got["track"] = api.list("/api/stock/track/", limit=200)
    return got


def test_a_whole_install_moves_and_serves_the_same(site, admin, pg):
    assert run(site, "inventory", "demo").returncode == 0
    api = Api(site, admin)
    part = api.list("/api/part/")[0]["pk"]
    api.ok("POST", "/api/stock/", {"part": part, "quantity": "2.5",
                                   "batch": "moved"})
    before = answers(site, admin)
    url = pg.create_database("moved")
    proc = run(site, "stockroom", "migrate-db", url)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    assert "stock quantities agree" in out and "stock_item " in out, out
    assert url not in out and url not in proc.stderr.decode()
    # Vacuumed after a commit that waited for its WAL (the cluster's own
    # default is asynchronous): the copied pages are all-visible, so a
    # deep page is read from an index alone, and the planner has counts.
    seen = pg.query(url, "SELECT relname, relallvisible, relpages, "
                    "reltuples FROM pg_class WHERE relname IN "
                    "('part', 'stock_item', 'stock_tracking')")
    assert len(seen) == 3 and all(
        r["relpages"] > 0 and r["relallvisible"] == r["relpages"] and
        r["reltuples"] > 0 for r in seen), seen

    on(site, url)
    # The same token signs in: accounts and tokens moved too.
    assert answers(site, admin) == before
    checked = run(site, "stockroom", "check")
    assert checked.returncode == 0, checked.stderr.decode()
    assert b"counts (PostgreSQL): ok" in checked.stdout
    # New rows get ids past the copied ones.
    top = max(p["pk"] for p in before["/api/part/"])
    made = Api(site, admin).ok("POST", "/api/part/", {"name": "after move"})
    assert made["pk"] > top


def test_a_database_with_data_is_refused_and_left_alone(site, admin, pg):
    url = pg.create_database("taken")
    assert run(site, "stockroom", "migrate-db", url).returncode == 0
    Api(site, admin).ok("POST", "/api/part/category/", {"name": "later"})
    proc = run(site, "stockroom", "migrate-db", url)
    assert proc.returncode == 1
    assert b"not empty" in proc.stderr
    on(site, url)
    assert [c["name"] for c in Api(site, admin).list(
        "/api/part/category/")] == []       # nothing copied twice


def test_refuses_what_is_not_postgresql(site):
    proc = run(site, "stockroom", "migrate-db", "mysql://root:pw@db/x")
    assert proc.returncode == 1
    assert b"postgresql://" in proc.stderr and b"pw" not in proc.stderr
