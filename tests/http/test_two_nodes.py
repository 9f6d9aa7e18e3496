"""Two web nodes on one PostgreSQL database (issue 13).

Two installed trees, each served by its own lighttpd with
lighttpd-fastcgi.conf (two "machines" on two ports), both with the same
DATABASE_URL (a throwaway cluster, tests/pgserver.py) and the same
SECRET_KEY, as docs/scale-out.md describes.  A token made on one node
signs in on the other, and the load test's eight writers and three readers
(test_load.py) send their requests to the two nodes in turn: every write
answered 201 the first time, and the quantities, splits and history exact.
"""
import itertools
import os
import re
import subprocess
import threading

import pytest

import test_load
from conftest import (ROOT, SERVER_ENV, Server, free_port, install_tree,
                      start_lighttpd, stop)
from pgserver import PgServer

pytestmark = pytest.mark.sqlite_only("starts a cluster of its own: run "
                                     "once, in the SQLite pass")


class Alternating:
    """Looks like one Server to test_load; each request goes to the next
    node in turn."""

    def __init__(self, nodes):
        self.nodes = nodes
        self.kind = "two lighttpd nodes"
        self.fastcgi = True
        self.turn = itertools.cycle(nodes)
        self.lock = threading.Lock()

    def node(self):
        with self.lock:
            return next(self.turn)

    def request(self, *a, **kw):
        return self.node().request(*a, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def token_headers(self, name):
        return self.nodes[0].token_headers(name)

    def log_tail(self, n=30):
        return "\n".join(f"--- {s.log}\n{s.log_tail(n)}" for s in self.nodes)


@pytest.fixture(scope="module")
def nodes(workdir):
    pg = PgServer().start()
    procs = []
    try:
        url = pg.create_database("two_nodes")
        conf = (f'DATABASE_URL = "{url}"\n'
                f'SECRET_KEY = "{os.urandom(24).hex()}"\n')
        servers, user = [], None
        for name in ("a", "b"):
            site = workdir / f"node-{name}"
            # The second tree's createsuperuser finds the first's user.
            made = install_tree(site, f"node {name}",
                                data_dir_env=site / "data", conf=conf)
            user = user or made
            # make install migrated a SQLite file before the conf named
            # PostgreSQL: gone, so that nothing can quietly use it
            (site / "data" / "stockroom.sqlite3").unlink(missing_ok=True)
            port, log = free_port(), workdir / f"node-{name}.log"
            procs.append(start_lighttpd(ROOT / "lighttpd-fastcgi.conf",
                                        site, port, log, f"node {name}"))
            s = Server("lighttpd", port, "", site, log, user)
            s.fastcgi = True
            s.pg, s.pg_url = pg, url
            servers.append(s)
        yield servers
    finally:
        for p in procs:
            stop(p)
        pg.stop()


def test_both_nodes_serve_the_same_database(nodes):
    a, b = nodes
    auth = a.token_headers("two-nodes")         # made through node a
    r = b.request("POST", "/api/part/category/", headers=auth,
                  body={"name": "made on b"})
    assert r.status == 201, (r, b.log_tail())
    pk = r.json()["pk"]
    r = a.get(f"/api/part/category/{pk}/", headers=auth)
    assert r.status == 200 and r.json()["name"] == "made on b", r
    for s in nodes:
        h = s.get("/api/health/")
        assert h.status == 200 and h.json()["database"] == "ok", h
        # each node has a data directory of its own, and no SQLite file
        # comes back
        assert not (s.site / "data" / "stockroom.sqlite3").exists()


def test_writers_split_across_both_nodes(nodes):
    test_load.test_concurrent_writers_and_readers(Alternating(nodes))


def test_tasks_run_once_with_runners_on_both_nodes(nodes):
    """The task queue is the database's: three runners on each node take
    100 tasks, each exactly once (FOR UPDATE SKIP LOCKED), both nodes
    doing some.  The first six tasks take a second each, so that runners
    started a few milliseconds later still find work (without them, on a
    busy machine, the first node's runners had done all 100 before the
    other's had started)."""
    a = nodes[0]
    a.pg.psql(a.pg_url, "UPDATE task_schedule SET next_run = "
              "sr_unixepoch() + 86400", then=[
                  "INSERT INTO task (name, args) SELECT 'noop', CASE WHEN "
                  "g <= 6 THEN '{\"sleep\": 1}' ELSE '{}' END "
                  "FROM generate_series(1, 100) AS g"])
    first = int(a.pg.query(a.pg_url, "SELECT min(id) AS m FROM task "
                           "WHERE status = 'pending'")[0]["m"])
    procs = [(s, subprocess.Popen(
        [str(s.site / "bin" / "worker"), "--once"],
        env=dict(SERVER_ENV, STOCKROOM_DATA_DIR=str(s.site / "data")),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        for _ in range(3) for s in nodes]
    ran = {s.site: [] for s in nodes}
    for s, p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode(errors="replace")
        ran[s.site] += [int(m) for m in re.findall(
            r"task (\d+) noop done", err.decode(errors="replace"))]
    every = sorted(t for got in ran.values() for t in got)
    assert every == list(range(first, first + 100)), "a task ran twice or not"
    assert all(ran.values()), {str(k): len(v) for k, v in ran.items()}
    left = a.pg.query(a.pg_url, "SELECT count(*) AS n FROM task WHERE "
                      "name = 'noop' AND (status <> 'done' OR attempts <> 1)")
    assert left[0]["n"] == 0


def test_notifications_made_on_one_node_are_read_on_the_other(nodes):
    """A low-stock notification: the part is starred through node a, its
    stock taken below the minimum through node b, the task run by node b's
    worker; the subscriber reads it through node a and marks it read, and
    node b shows it read."""
    a, b = nodes
    auth = a.token_headers("two-nodes")
    tag = os.urandom(4).hex()
    part = test_load.made(a, auth, "/api/part/", {
        "name": f"two-node bolt {tag}", "minimum_stock": 10})
    shelf = test_load.made(a, auth, "/api/stock/location/",
                           {"name": f"two-node shelf {tag}"})
    item = test_load.made(a, auth, "/api/stock/", {
        "part": part, "location": shelf, "quantity": "20"})
    r = a.request("PATCH", f"/api/part/{part}/", headers=auth,
                  body={"starred": True})
    assert r.status == 200 and r.json()["starred"] is True, r
    r = b.request("POST", "/api/stock/remove/", headers=auth,
                  body={"items": [{"pk": item, "quantity": "15"}]})
    assert r.status in (200, 201), r
    p = subprocess.run([str(b.site / "bin" / "worker"), "--once"],
                       env=dict(SERVER_ENV,
                                STOCKROOM_DATA_DIR=str(b.site / "data")),
                       capture_output=True, timeout=300)
    assert p.returncode == 0, p.stderr.decode(errors="replace")

    def mine(node):
        r = node.get("/api/notifications/", headers=auth)
        assert r.status == 200, r
        return [n for n in r.json() if n["target"] and
                n["target"]["model_id"] == part]

    got = mine(a)
    assert [(n["category"], n["read"]) for n in got] == \
        [("part.notify_low_stock", False)], got
    r = a.request("PATCH", f"/api/notifications/{got[0]['pk']}/",
                  headers=auth, body={"read": True})
    assert r.status == 200, r
    assert [n["read"] for n in mine(b)] == [True]


# Last: the failures it makes throttle the sign-ins of this address.
def test_sign_in_throttling_counts_both_nodes(nodes):
    """Failed sign-ins are counted in the database: five failures spread
    over the two nodes (LOGIN_MAX_FAILURES) and the next attempt, on
    either, is 429."""
    import base64
    bad = "Basic " + base64.b64encode(b"throttled-user:wrong").decode()
    got = [nodes[i % 2].get("/api/user/token/",
                            headers={"Authorization": bad}).status
           for i in range(8)]
    assert got == [401] * 5 + [429] * 3, got
