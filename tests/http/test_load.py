"""Many writers and readers at once through each real server (issue 7):
8 writer threads adjust the same two stock items (add 0.1, remove 0.1,
transfer 1 to another location) while reader threads list and read them.
Every request is a new connection to lighttpd or Apache on loopback (each
way of serving of the `srv` fixture); under CGI every one is a program of
its own, under lighttpd-fastcgi.conf a few kept-running programs take
turns, all sharing one SQLite database.

What must hold: no 5xx and no answer mentioning a busy or locked
database, every write answered 201 the first time (no retries), and
afterwards the quantities, the split items and the tracking history add
up exactly.  Counts are fixed (WRITERS x WRITES writes, at most READS
reads per reader) and every request has a time limit, so the test is
bounded; LOAD_WRITES=n changes the writes per writer."""
import concurrent.futures
import json
import os
import threading
import time
from decimal import Decimal


WRITERS = 8
WRITES = int(os.environ.get("LOAD_WRITES", "150"))   # per writer
READERS = 3
READS = 400                 # at most, per reader; they stop with the writers
START = Decimal("1000")     # never drained: at most WRITERS*WRITES/3 removed
STEP = Decimal("0.1")
TIMEOUT = 60                # seconds for any one request


def sign_in(srv):
    return srv.token_headers("http-load")


def decoded(r):
    """The JSON body with exact decimals (1000.1 stays 1000.1)."""
    return json.loads(r.body, parse_float=Decimal)


def made(srv, auth, path, body):
    r = srv.request("POST", path, headers=auth, body=body)
    assert r.status == 201, r
    return r.json()["pk"]


def plan(w, k, items):
    """Writer w's k-th write: (operation, item)."""
    return ("add", "remove", "transfer")[k % 3], items[(w + k) % 2]


def bad(r):
    """Why an answer breaks the promise, or None."""
    if r.status is None:
        return "no answer"
    if r.status >= 500:
        return f"{r.status}"
    text = r.body.decode("utf-8", "replace").lower()
    if "database is locked" in text or "sqlite_busy" in text or (
            r.status >= 300 and ("busy" in text or "locked" in text)):
        return "mentions busy/locked"       # (a part has a "locked" field)
    return None


def test_concurrent_writers_and_readers(srv):
    auth = sign_in(srv)
    tag = os.urandom(4).hex()
    home = made(srv, auth, "/api/stock/location/", {"name": f"load {tag} A"})
    away = made(srv, auth, "/api/stock/location/", {"name": f"load {tag} B"})
    part = made(srv, auth, "/api/part/", {"name": f"load {tag}"})
    items = [made(srv, auth, "/api/stock/", {
        "part": part, "location": home, "quantity": str(START)})
        for _ in range(2)]

    writes_done = threading.Event()
    problems = []               # (what, request, status, body, when)
    lock = threading.Lock()

    def note(what, req, status, body):
        """Keeps a broken promise with the time (to find in the log)."""
        with lock:
            problems.append((what, req, status, body,
                             time.strftime("%H:%M:%S")))

    def writer(w):
        for k in range(WRITES):
            op, pk = plan(w, k, items)
            body = {"items": [{"pk": pk, "quantity": "1" if op == "transfer"
                               else str(STEP)}]}
            if op == "transfer":
                body["location"] = away
            try:
                r = srv.request("POST", f"/api/stock/{op}/", headers=auth,
                                body=body, timeout=TIMEOUT)
            except (OSError, TimeoutError) as e:
                note("no answer", (op, pk), None, repr(e))
                continue
            why = bad(r) or (None if r.status == 201 else
                             f"write answered {r.status}")
            if why:
                note(why, (op, pk), r.status, r.body[:300])

    reads = [0] * READERS
    paths = [f"/api/stock/?part={part}", f"/api/part/{part}/",
             f"/api/stock/track/?item={items[0]}&limit=5",
             f"/api/stock/{items[1]}/", f"/api/stock/track/?part={part}"
             "&limit=20&ordering=-date"]
    low = 2 * START - STEP * WRITERS * WRITES      # loose sanity bounds
    high = 2 * START + STEP * WRITERS * WRITES

    def reader(n):
        for k in range(READS):
            if writes_done.is_set():
                return
            path = paths[(n + k) % len(paths)]
            try:
                r = srv.get(path, headers=auth, timeout=TIMEOUT)
            except (OSError, TimeoutError) as e:
                note("no answer", path, None, repr(e))
                continue
            reads[n] += 1
            why = bad(r) or (None if r.status == 200 and r.is_json else
                             f"read answered {r.status}")
            if why:
                note(why, path, r.status, r.body[:300])
                continue
            if path.startswith("/api/part/"):
                total = decoded(r)["in_stock"]
                if not low <= total <= high:
                    note(f"in_stock {total} out of bounds", path, r.status,
                         r.body[:300])

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(WRITERS + READERS) as pool:
        rs = [pool.submit(reader, n) for n in range(READERS)]
        ws = [pool.submit(writer, w) for w in range(WRITERS)]
        for f in ws:
            f.result()
        writes_done.set()
        for f in rs:
            f.result()
    elapsed = time.monotonic() - t0
    kind = srv.kind + (" (FastCGI)" if getattr(srv, "fastcgi", False)
                       else "")
    print(f"{kind}: {WRITERS * WRITES} writes and {sum(reads)} reads "
          f"in {elapsed:.1f}s")
    # The server's own log says what it saw of a request with no answer.
    assert problems == [], (problems[:10], srv.log_tail(60))
    assert all(n > 0 for n in reads), reads     # readers did run alongside

    # What every item should hold, from the plan.
    count = {(op, pk): 0 for op in ("add", "remove", "transfer")
             for pk in items}
    for w in range(WRITERS):
        for k in range(WRITES):
            count[plan(w, k, items)] += 1

    children = decoded(srv.get(f"/api/stock/?part={part}&location={away}",
                               headers=auth))
    for pk in items:
        adds, removes, moves = (count[(op, pk)] for op in
                                ("add", "remove", "transfer"))
        expect = START + STEP * (adds - removes) - moves
        r = srv.get(f"/api/stock/{pk}/", headers=auth)
        assert r.status == 200, r
        it = decoded(r)
        assert it["quantity"] == expect and it["location"] == home, (pk, it)

        # Each transfer of 1 split off one child of 1 at the other location.
        mine = [c for c in children if c["parent"] == pk]
        assert len(mine) == moves, (pk, len(mine), moves)
        assert all(c["quantity"] == 1 for c in mine), mine[:3]

        # The history, in commit order, replays to the same quantity: every
        # entry's quantity is the one before plus added minus removed.
        r = srv.get(f"/api/stock/track/?item={pk}", headers=auth)
        assert r.status == 200, r
        track = sorted(decoded(r), key=lambda t: t["pk"])
        types = [t["tracking_type"] for t in track]
        assert types[0] == 1 and track[0]["deltas"]["quantity"] == START
        assert types.count(11) == adds and types.count(12) == removes
        assert types.count(42) == moves
        assert len(track) == 1 + adds + removes + moves, types
        q = START
        split_off = set()
        for t in track[1:]:
            d = t["deltas"]
            q += d.get("added", 0) - d.get("removed", 0)
            assert d["quantity"] == q, (pk, t, q)
            assert d.get("added", STEP) == STEP
            if t["tracking_type"] == 42:
                assert d["removed"] == 1
                split_off.add(d["stockitem"])
            else:
                assert d.get("removed", STEP) == STEP
        assert q == expect
        assert split_off == {c["pk"] for c in mine}

    # Each child's own history: one "split from parent" entry of 1.
    for c in children[:20]:
        track = decoded(srv.get(f"/api/stock/track/?item={c['pk']}",
                                headers=auth))
        assert [t["tracking_type"] for t in track] == [40], track
        assert track[0]["deltas"]["stockitem"] == c["parent"]
        assert track[0]["deltas"]["quantity"] == 1

    adds = sum(v for (op, _), v in count.items() if op == "add")
    removes = sum(v for (op, _), v in count.items() if op == "remove")
    p = decoded(srv.get(f"/api/part/{part}/", headers=auth))
    assert p["in_stock"] == 2 * START + STEP * (adds - removes), p
    assert p["stock_item_count"] == 2 + len(children)
