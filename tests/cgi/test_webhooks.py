"""Outgoing webhooks (domain/tasks/webhook.c, docs/webhooks.md): the
superuser's endpoints at /api/admin/webhook/ (validation, the secret that is
never shown after the create answer), the deliveries an event queues in its
own transaction, and the worker sending them to a receiver on 127.0.0.1
that checks the signature, with retries, backoff and the dead end."""
import hashlib
import hmac
import http.server
import json
import subprocess
import threading
import time

import pytest

from conftest import make_user
from inventory_api import Api
from test_tasks import WORKER, quiet_schedules, worker

WH = "/api/admin/webhook/"
LOG = "/api/admin/webhook_delivery/"


class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST and answers
    with the next status of `statuses` (then 200)."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.got = []
        rec = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(n)
                rec.got.append((dict(self.headers), body))
                code = rec.statuses.pop(0) if rec.statuses else 200
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *a):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def create(api, **body):
    return api.ok("POST", WH, body)


def deliveries(site, where="TRUE"):
    c = site.db()
    rows = c.execute(
        "SELECT id, webhook, event, object_id, status, attempts, "
        f"next_attempt, updated FROM webhook_delivery WHERE {where} "
        "ORDER BY id").fetchall()
    c.close()
    return rows


def make_due(site):
    """Time moves on: every pending delivery and the webhooks task due."""
    c = site.db()
    with c:
        c.execute("UPDATE webhook_delivery SET next_attempt = 0 "
                  "WHERE status = 'pending'")
        c.execute("UPDATE task SET run_at = 0 WHERE name = 'webhooks' "
                  "AND status = 'pending'")
    c.close()


def verify(secret, headers, body):
    ts = headers["X-Stockroom-Timestamp"]
    assert abs(int(ts) - time.time()) < 300
    want = hmac.new(secret.encode(), ts.encode() + b"." + body,
                    hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Stockroom-Signature"],
                               "sha256=" + want)


def test_crud_validation_and_the_secret(site, admin, api):
    w = create(api, url="https://example.org/hook", events=["stock.changed"],
               description="chat")
    assert len(w["secret"]) == 64 and w["active"] is True
    assert w["events"] == ["stock.changed"] and w["url"] == \
        "https://example.org/hook"
    got = api.ok("GET", f"{WH}{w['pk']}/")
    assert "secret" not in got and got["events"] == ["stock.changed"]
    assert all("secret" not in x for x in api.list(WH))
    # A secret given is kept and never shown, not even on create.
    w2 = create(api, url="http://127.0.0.1:9/x", secret="s3cret-given")
    assert "secret" not in w2 and w2["events"] == []
    c = site.db()
    assert c.execute("SELECT secret FROM webhook WHERE id = ?",
                     (w2["pk"],)).fetchone()[0] == "s3cret-given"
    c.close()
    # Change: events replaced, secret untouched when not given.
    p = api.ok("PATCH", f"{WH}{w['pk']}/", {"events": ["part.deleted",
               "part.deleted", "stock.deleted"], "active": False})
    assert p["events"] == ["part.deleted", "stock.deleted"]
    assert p["active"] is False and "secret" not in p
    c = site.db()
    assert c.execute("SELECT secret FROM webhook WHERE id = ?",
                     (w["pk"],)).fetchone()[0] == w["secret"]
    c.close()
    # Validation.
    for bad, field in ((dict(url="ftp://example.org/"), "url"),
                       (dict(url="javascript:alert(1)"), "url"),
                       (dict(), "url"),
                       (dict(url="https://x.org/", events=["nope"]),
                        "events"),
                       (dict(url="https://x.org/", events="stock.changed"),
                        "events")):
        r = api.call("POST", WH, bad)
        assert r.status == 400 and field in r.json(), (bad, r)
    api.ok("DELETE", f"{WH}{w2['pk']}/")
    assert api.call("GET", f"{WH}{w2['pk']}/").status == 404


def test_only_superusers(site, admin, api):
    w = create(api, url="https://example.org/hook")
    staff = make_user(site, "bob", roles={"part": ["view", "add", "change",
                      "delete"], "stock": ["view", "add", "change",
                      "delete"]})
    other = Api(site, staff)
    for method, path in (("GET", WH), ("POST", WH),
                         ("GET", f"{WH}{w['pk']}/"),
                         ("PATCH", f"{WH}{w['pk']}/"),
                         ("DELETE", f"{WH}{w['pk']}/"),
                         ("POST", f"{WH}{w['pk']}/test/"),
                         ("GET", f"{WH}{w['pk']}/deliveries/"),
                         ("GET", LOG)):
        r = other.call(method, path, {"url": "https://x.org/"}
                       if method in ("POST", "PATCH") else None)
        assert r.status == 403, (method, path, r)
    assert site.cgi("admin", path=WH).status == 401


def test_an_event_queues_the_subscribed_deliveries(site, admin, api):
    want = create(api, url="https://a.example/", events=["stock.changed"])
    create(api, url="https://b.example/", events=["part.deleted"])
    every = create(api, url="https://c.example/")
    create(api, url="https://d.example/", active=False)
    part = api.part("Resistor", description="10k")
    assert deliveries(site) == []
    # A failed action queues nothing.
    r = api.call("POST", "/api/stock/", {"part": part["pk"],
                                         "quantity": "-3"})
    assert r.status == 400
    assert deliveries(site) == []
    api.stock(part["pk"], 5)
    rows = deliveries(site)
    assert sorted((r[1], r[2], r[3], r[4], r[5]) for r in rows) == [
        (want["pk"], "stock.changed", part["pk"], "pending", 0),
        (every["pk"], "stock.changed", part["pk"], "pending", 0)]
    log = api.list(LOG, webhook=want["pk"])
    assert [(d["event"], d["object_id"], d["status"]) for d in log] == [
        ("stock.changed", part["pk"], "pending")]
    c = site.db()
    assert c.execute("SELECT count(*) FROM task WHERE name = 'webhooks' "
                     "AND status = 'pending'").fetchone()[0] == 1
    c.close()


def test_the_worker_delivers_signed(site, admin, api, receiver):
    quiet_schedules(site)
    w = create(api, url=receiver.url, events=["stock.changed"])
    part = api.part("Capacitor", description="100n")
    api.stock(part["pk"], 5)
    out = worker(site, "--once")
    assert "webhook delivery" in out and w["secret"] not in out
    assert len(receiver.got) == 1
    headers, body = receiver.got[0]
    verify(w["secret"], headers, body)
    payload = json.loads(body)
    assert payload["event"] == "stock.changed" and payload["id"] == \
        part["pk"] and payload["model"] == "part"
    assert headers["X-Stockroom-Event"] == "stock.changed"
    assert headers["X-Stockroom-Delivery"] == payload["delivery"]
    assert len(payload["delivery"]) == 32 and payload["timestamp"]
    log = api.list(LOG, webhook=w["pk"])
    assert len(log) == 1
    d = log[0]
    assert d["status"] == "delivered" and d["attempts"] == 1
    assert d["http_status"] == 200 and d["latency_ms"] >= 0
    assert d["delivery"] == payload["delivery"]
    # Nothing is sent twice.
    make_due(site)
    worker(site, "--once")
    assert len(receiver.got) == 1


def test_ping_answers_its_own_delivery(site, admin, api):
    """The test action answers the delivery it queued, also when queueing
    the sending task takes a task id of its own (ids of other tasks ahead:
    the browser walk found a 404 here, the last id being the task's)."""
    c = site.db()
    for i in range(3):
        c.execute("INSERT INTO task (name, args, status) VALUES "
                  "('noop', '{}', 'done')")
    c.commit()
    c.close()
    w = create(api, url="http://127.0.0.1:9/hook")
    d = api.ok("POST", f"{WH}{w['pk']}/test/")
    assert d["event"] == "ping" and d["webhook"] == w["pk"]
    (got,) = api.ok("GET", f"{WH}{w['pk']}/deliveries/")
    assert got["pk"] == d["pk"]


def test_a_worker_killed_mid_send_loses_nothing(site, admin, api):
    """At least once: a worker killed while the receiver holds its request
    (unanswered) leaves the delivery pending under its lease, not lost and
    not counted as sent; once the lease and the task's claim have run out
    the next worker sends it again, with the same key and signature."""
    quiet_schedules(site)
    got, first = [], threading.Event()

    class H(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length",
                                                        0)))
            got.append((dict(self.headers), body))
            if len(got) == 1:
                first.set()
                time.sleep(20)      # the worker is killed meanwhile
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/hook"
        w = create(api, url=url)
        api.ok("POST", f"{WH}{w['pk']}/test/")
        proc = subprocess.Popen([*site.wrap, str(WORKER), "--once"],
                                env=site.base_env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            assert first.wait(60), "the worker never sent the delivery"
        finally:
            proc.kill()
            proc.wait()
        (row,) = deliveries(site)
        assert row[4] == "pending", row          # held, not sent, not dead
        # Time passes: the delivery's lease and the task's claim run out.
        c = site.db()
        with c:
            c.execute("UPDATE webhook_delivery SET next_attempt = 0")
            c.execute("UPDATE task SET claimed_until = 0, run_at = 0 "
                      "WHERE name = 'webhooks'")
        c.close()
        worker(site, "--once")
        (row,) = deliveries(site)
        assert row[4] == "delivered", row
        assert len(got) == 2
        (h1, b1), (h2, b2) = got
        assert h1["X-Stockroom-Delivery"] == h2["X-Stockroom-Delivery"]
        assert b1 == b2 and json.loads(b2)["event"] == "ping"
        verify(w["secret"], h2, b2)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_retries_with_backoff_then_dead(site, admin, api, receiver):
    quiet_schedules(site)
    receiver.statuses = [500] * 6
    w = create(api, url=receiver.url)
    d = api.ok("POST", f"{WH}{w['pk']}/test/")
    assert d["event"] == "ping" and d["status"] == "pending"
    worker(site, "--once")
    (row,) = deliveries(site)
    assert row[4] == "pending" and row[5] == 1
    assert 55 <= row[6] - row[7] <= 65       # first retry after a minute
    # The retry is a task of its own, due with the delivery: a run before
    # then sends nothing.
    c = site.db()
    (run_at,) = c.execute("SELECT run_at FROM task WHERE name = 'webhooks' "
                          "AND status = 'pending'").fetchone()
    c.close()
    assert run_at == row[6]
    worker(site, "--once")
    assert len(receiver.got) == 1
    waits = []
    for n in range(2, 7):
        make_due(site)
        worker(site, "--once")
        assert len(receiver.got) == n
        (row,) = deliveries(site)
        assert row[5] == n
        if n < 6:
            assert row[4] == "pending"
            waits.append(row[6] - row[7])
    assert row[4] == "dead"
    assert [round(x / 60) for x in waits] == [5, 30, 120, 720]
    (log,) = api.list(LOG, webhook=w["pk"])
    assert api.list(f"{WH}{w['pk']}/deliveries/") == [log]
    assert api.list(f"{WH}{w['pk'] + 1}/deliveries/") == []
    assert log["status"] == "dead" and log["attempts"] == 6
    assert log["http_status"] == 500 and "500" in log["last_error"]
    for headers, body in receiver.got:
        verify(w["secret"], headers, body)
    # The same delivery key at every attempt (idempotency).
    assert len({h["X-Stockroom-Delivery"] for h, _ in receiver.got}) == 1


def test_a_500_then_success(site, admin, api, receiver):
    quiet_schedules(site)
    receiver.statuses = [500]
    w = create(api, url=receiver.url)
    api.ok("POST", f"{WH}{w['pk']}/test/")
    worker(site, "--once")
    make_due(site)
    worker(site, "--once")
    (log,) = api.list(LOG, webhook=w["pk"])
    assert log["status"] == "delivered" and log["attempts"] == 2
    assert log["http_status"] == 200 and log["last_error"] == ""
    # Deleting the webhook deletes its log.
    api.ok("DELETE", f"{WH}{w['pk']}/")
    assert deliveries(site) == []
    assert api.list(LOG) == []
