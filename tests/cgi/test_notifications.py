"""CGI-level tests of events (domain/tasks/event.c), subscriptions
("starred" parts and categories, domain/inventory/star.c), low-stock
notifications and their e-mail (domain/inventory/notify.c, through a real
sendmail stand-in), and notifications.cgi (/api/notifications/)."""
import email
import email.header
import json
import sqlite3
import stat
import subprocess

import pytest

from conftest import BUILD, check_sanitizer, make_user
from test_attachment import media_files, upload

WORKER = BUILD / "bin" / "worker"


def db(site):
    return site.db()


def quiet_schedules(site):
    """Pushes the periodic tasks into the future, so only ours run."""
    c = db(site)
    with c:
        c.execute("UPDATE task_schedule SET next_run = unixepoch() + 86400")
    c.close()


def worker(site, env=None):
    proc = subprocess.run([*site.wrap, str(WORKER), "--once"],
                          env=dict(site.base_env, **(env or {})),
                          capture_output=True, timeout=120)
    check_sanitizer(proc, "worker --once")
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stderr.decode(errors="replace")


def tasks(site, name=None):
    c = db(site)
    c.row_factory = sqlite3.Row
    rows = [dict(r) for r in c.execute(
        "SELECT * FROM task WHERE ?1 IS NULL OR name = ?1 ORDER BY id",
        (name,))]
    c.close()
    return rows


def pending(site, name):
    return [t for t in tasks(site, name) if t["status"] == "pending"]


def notes(site):
    c = db(site)
    c.row_factory = sqlite3.Row
    rows = [dict(r) for r in c.execute(
        "SELECT * FROM notification ORDER BY id")]
    c.close()
    return rows


def api(site, who, method="GET", path="/api/notifications/", **kw):
    return site.cgi("notifications", method=method, path=path, headers=who,
                    **kw)


def post(site, who, prog, path, body):
    r = site.cgi(prog, method="POST", path=path, headers=who, body=body)
    assert r.status == 201, r
    return r.json()


def patch(site, who, prog, path, body):
    return site.cgi(prog, method="PATCH", path=path, headers=who, body=body)


def remove(site, who, item, qty):
    r = site.cgi("stock", method="POST", path="/api/stock/remove/",
                 headers=who, body={"items": [{"pk": item,
                                               "quantity": str(qty)}]})
    assert r.status in (200, 201), r


def add(site, who, item, qty):
    r = site.cgi("stock", method="POST", path="/api/stock/add/",
                 headers=who, body={"items": [{"pk": item,
                                               "quantity": str(qty)}]})
    assert r.status in (200, 201), r


@pytest.fixture
def shop(site, admin):
    """Categories Top > Fasteners, a part in Fasteners with minimum stock
    10 and one item of 20, and users: `fan` stars the part, `catfan` the
    top category, `bystander` nothing, `blind` stars the part but may not
    view parts; all may change parts (starring is a PATCH)."""
    quiet_schedules(site)
    top = post(site, admin, "part", "/api/part/category/", {"name": "Top"})
    sub = post(site, admin, "part", "/api/part/category/",
               {"name": "Fasteners", "parent": top["pk"]})
    part = post(site, admin, "part", "/api/part/",
                {"name": "M3 bolt", "category": sub["pk"],
                 "minimum_stock": 10})
    item = post(site, admin, "stock", "/api/stock/",
                {"part": part["pk"], "quantity": 20})
    rw = {"part": ["view", "change"], "part_category": ["view", "change"],
          "stock": ["view", "change"]}
    users = {n: make_user(site, n, roles=rw, email=f"{n}@example.org")
             for n in ("fan", "catfan", "bystander", "blind")}
    for who, prog, path in (
            ("fan", "part", f"/api/part/{part['pk']}/"),
            ("blind", "part", f"/api/part/{part['pk']}/"),
            ("catfan", "part", f"/api/part/category/{top['pk']}/")):
        r = patch(site, users[who], prog, path, {"starred": True})
        assert r.status == 200 and r.json()["starred"] is True, r
    # blind loses the part rule set (keeps stock: stock changes still run).
    c = db(site)
    with c:
        c.execute("DELETE FROM group_rules WHERE area IN ('part', "
                  "'part_category') AND group_id = (SELECT group_id FROM "
                  "user_groups WHERE user_id = ?)", (users["blind"].pk,))
    c.close()
    worker(site)    # the stock item's creation: above the minimum, nothing
    return dict(top=top["pk"], sub=sub["pk"], part=part["pk"],
                item=item["pk"], admin=admin, **users)


# --- events -----------------------------------------------------------------

def test_part_delete_removes_its_files_through_a_task(site, admin):
    quiet_schedules(site)
    part = post(site, admin, "part", "/api/part/",
                {"name": "Doomed", "active": False})["pk"]
    assert upload(site, admin, "part", part).status == 201
    assert upload(site, admin, "part", part).status == 201
    assert len(media_files(site)) == 2
    assert pending(site, "media_sweep") == []
    r = site.cgi("part", method="DELETE", path=f"/api/part/{part}/",
                 headers=admin)
    assert r.status == 204, r
    # The event enqueued one sweep; the request removed nothing itself.
    assert len(pending(site, "media_sweep")) == 1
    assert len(media_files(site)) == 2
    worker(site)
    assert media_files(site) == []
    assert tasks(site, "media_sweep")[0]["status"] == "done"


def test_attachment_delete_enqueues_one_sweep(site, admin):
    quiet_schedules(site)
    part = post(site, admin, "part", "/api/part/", {"name": "Kept"})["pk"]
    a = [upload(site, admin, "part", part).json()["pk"] for _ in range(3)]
    for pk in a[:2]:
        r = site.cgi("attachment", method="DELETE", headers=admin,
                     path=f"/api/attachment/{pk}/")
        assert r.status == 204, r
    r = site.cgi("attachment", method="DELETE", headers=admin,
                 path="/api/attachment/", body={"items": [a[2]]})
    assert r.status == 204, r
    # Three deletes, one waiting sweep (task_enqueue_once).
    assert len(pending(site, "media_sweep")) == 1
    worker(site)
    assert media_files(site) == []


def test_stock_item_delete_sweeps_its_attachments(site, admin):
    quiet_schedules(site)
    part = post(site, admin, "part", "/api/part/", {"name": "Held"})["pk"]
    item = post(site, admin, "stock", "/api/stock/",
                {"part": part, "quantity": 1})["pk"]
    assert upload(site, admin, "stockitem", item).status == 201
    r = site.cgi("stock", method="DELETE", path=f"/api/stock/{item}/",
                 headers=admin)
    assert r.status == 204, r
    assert len(pending(site, "media_sweep")) == 1
    worker(site)
    assert media_files(site) == []


def test_delete_without_files_enqueues_nothing(site, admin):
    quiet_schedules(site)
    part = post(site, admin, "part", "/api/part/",
                {"name": "Bare", "active": False})["pk"]
    r = site.cgi("part", method="DELETE", path=f"/api/part/{part}/",
                 headers=admin)
    assert r.status == 204, r
    assert tasks(site) == []


def test_category_delete_with_parts_emits_part_deleted(site, admin):
    quiet_schedules(site)
    cat = post(site, admin, "part", "/api/part/category/", {"name": "Bin"})
    # Inactive: deleting a category's parts follows the parts' own rules
    # (issue 12), and an active part cannot be deleted.
    part = post(site, admin, "part", "/api/part/",
                {"name": "Inside", "category": cat["pk"],
                 "active": False})["pk"]
    assert upload(site, admin, "part", part).status == 201
    r = site.cgi("part", method="DELETE", headers=admin,
                 path=f"/api/part/category/{cat['pk']}/",
                 body={"delete_parts": True})
    assert r.status == 204, r
    assert len(pending(site, "media_sweep")) == 1
    worker(site)
    assert media_files(site) == []


def test_failed_delete_enqueues_nothing(site, admin):
    """An active part cannot be deleted: the transaction, event and task
    included, is rolled back."""
    quiet_schedules(site)
    part = post(site, admin, "part", "/api/part/", {"name": "Busy"})["pk"]
    assert upload(site, admin, "part", part).status == 201
    r = site.cgi("part", method="DELETE", path=f"/api/part/{part}/",
                 headers=admin)
    assert r.status == 400, r
    assert tasks(site) == []
    assert len(media_files(site)) == 1


# --- subscriptions ------------------------------------------------------------

def test_star_and_unstar_a_part(site, admin):
    part = post(site, admin, "part", "/api/part/", {"name": "Nut"})["pk"]
    other = make_user(site, "other", roles={"part": ["view", "change"]})
    path = f"/api/part/{part}/"
    assert site.cgi("part", path=path, headers=admin).json()["starred"] \
        is False
    r = patch(site, admin, "part", path, {"starred": True})
    assert r.status == 200 and r.json()["starred"] is True, r
    assert site.cgi("part", path=path, headers=admin).json()["starred"]
    # Per user.
    assert site.cgi("part", path=path, headers=other).json()["starred"] \
        is False
    lst = site.cgi("part", headers=admin, query="starred=true").json()
    assert [p["pk"] for p in lst] == [part]
    assert all(p["starred"] for p in lst)
    assert site.cgi("part", headers=other, query="starred=true").json() \
        == []
    assert part in [p["pk"] for p in site.cgi(
        "part", headers=other, query="starred=false").json()]
    # Idempotent, then off.
    assert patch(site, admin, "part", path, {"starred": True}).status == 200
    r = patch(site, admin, "part", path, {"starred": "false"})
    assert r.status == 200 and r.json()["starred"] is False
    assert site.cgi("part", headers=admin, query="starred=true").json() \
        == []
    # Nested part_detail in the stock list carries it too.
    patch(site, admin, "part", path, {"starred": True})
    post(site, admin, "stock", "/api/stock/", {"part": part, "quantity": 1})
    s = site.cgi("stock", headers=admin, query="part_detail=true").json()
    assert s[0]["part_detail"]["starred"] is True


def test_star_a_category_and_inventree_semantics(site, admin):
    top = post(site, admin, "part", "/api/part/category/",
               {"name": "Top"})["pk"]
    sub = post(site, admin, "part", "/api/part/category/",
               {"name": "Sub", "parent": top})["pk"]
    part = post(site, admin, "part", "/api/part/",
                {"name": "Washer", "category": sub})["pk"]
    r = patch(site, admin, "part", f"/api/part/category/{top}/",
              {"starred": True})
    assert r.status == 200 and r.json()["starred"] is True, r
    cats = site.cgi("part", path="/api/part/category/", headers=admin,
                    query="starred=true").json()
    assert [c["pk"] for c in cats] == [top]
    assert {c["pk"]: c["starred"] for c in site.cgi(
        "part", path="/api/part/category/", headers=admin).json()} \
        == {top: True, sub: False}
    # As InvenTree's set_starred(): already subscribed through the parent,
    # so starring the subcategory or the part changes nothing...
    r = patch(site, admin, "part", f"/api/part/category/{sub}/",
              {"starred": True})
    assert r.status == 200 and r.json()["starred"] is False
    r = patch(site, admin, "part", f"/api/part/{part}/", {"starred": True})
    assert r.status == 200 and r.json()["starred"] is False
    c = db(site)
    assert c.execute("SELECT count(*) FROM part_star").fetchone()[0] == 0
    assert c.execute("SELECT category FROM part_category_star").fetchall() \
        == [(top,)]
    # ...and deleting the category deletes its stars.
    r = site.cgi("part", method="DELETE", headers=admin,
                 path=f"/api/part/category/{top}/")
    assert r.status == 204, r
    assert c.execute("SELECT count(*) FROM part_category_star") \
        .fetchone()[0] == 0
    c.close()


@pytest.mark.parametrize("value", ["maybe", 3, None, [True], {"a": 1}])
def test_bad_starred_is_400_and_changes_nothing(site, admin, value):
    part = post(site, admin, "part", "/api/part/", {"name": "Pin"})["pk"]
    r = patch(site, admin, "part", f"/api/part/{part}/",
              {"starred": value, "description": "changed"})
    assert r.status == 400 and "starred" in r.json(), r
    p = site.cgi("part", path=f"/api/part/{part}/", headers=admin).json()
    assert p["starred"] is False and p["description"] == ""
    r = site.cgi("part", headers=admin, query="starred=maybe")
    assert r.status == 400 and "starred" in r.json()
    r = site.cgi("part", path="/api/part/category/", headers=admin,
                 query="starred=maybe")
    assert r.status == 400 and "starred" in r.json()


def test_starring_needs_change_permission(site, admin):
    """As in InvenTree, starring is a PATCH of the part."""
    part = post(site, admin, "part", "/api/part/", {"name": "Rivet"})["pk"]
    viewer = make_user(site, "viewer", roles={"part": ["view"]})
    r = patch(site, viewer, "part", f"/api/part/{part}/", {"starred": True})
    assert r.status == 403, r
    assert db(site).execute("SELECT count(*) FROM part_star") \
        .fetchone()[0] == 0


# --- low stock ----------------------------------------------------------------

def test_low_stock_notifies_subscribers_only(site, shop):
    remove(site, shop["admin"], shop["item"], 15)     # 20 -> 5 < 10
    assert len(pending(site, "low_stock")) == 1
    assert notes(site) == []                          # not in the request
    worker(site)
    got = {n["user_id"] for n in notes(site)}
    assert got == {shop["fan"].pk, shop["catfan"].pk}
    n = notes(site)[0]
    assert n["category"] == "part.notify_low_stock"
    assert n["name"] == "Low stock notification"
    assert "M3 bolt" in n["message"]
    assert n["target_model"] == "part" and n["target_id"] == shop["part"]
    # What a subscriber sees.
    lst = api(site, shop["fan"]).json()
    assert len(lst) == 1
    m = lst[0]
    assert set(m) >= {"pk", "target", "source", "user", "category", "name",
                      "message", "creation", "age", "age_human", "read"}
    assert m["read"] is False and m["user"] == shop["fan"].pk
    assert m["target"]["model_type"] == "part"
    assert m["target"]["model_id"] == shop["part"]
    assert m["target"]["name"] == "M3 bolt"
    assert m["target"]["link"] == f"/part/{shop['part']}"
    assert m["creation"].endswith("Z") and m["age"] >= 0
    assert isinstance(m["age_human"], str)
    # Not for the others.
    assert api(site, shop["bystander"]).json() == []
    assert api(site, shop["blind"]).json() == []
    assert api(site, shop["admin"]).json() == []


def test_one_notification_per_dip(site, shop):
    a, item = shop["admin"], shop["item"]
    remove(site, a, item, 15)           # 5: below
    remove(site, a, item, 1)            # 4: still below, same task waits
    assert len(pending(site, "low_stock")) == 1
    worker(site)
    assert len(notes(site)) == 2
    remove(site, a, item, 1)            # 3: further down, told already
    assert pending(site, "low_stock") == []
    worker(site)
    assert len(notes(site)) == 2
    add(site, a, item, 7)               # 10: back at the minimum
    assert len(pending(site, "low_stock")) == 1
    worker(site)
    assert len(notes(site)) == 2
    assert db(site).execute("SELECT low_stock_notified FROM part WHERE "
                            "id = ?", (shop["part"],)).fetchone()[0] == 0
    remove(site, a, item, 1)            # 9: a new dip
    worker(site)
    assert len(notes(site)) == 4


def test_dip_and_recovery_before_the_task_runs(site, shop):
    """The task decides on the committed state: down and back up before
    it runs is no notification."""
    remove(site, shop["admin"], shop["item"], 15)
    add(site, shop["admin"], shop["item"], 15)
    worker(site)
    assert notes(site) == []


def test_no_notification_without_a_minimum(site, shop):
    r = patch(site, shop["admin"], "part", f"/api/part/{shop['part']}/",
              {"minimum_stock": 0})
    assert r.status == 200, r
    remove(site, shop["admin"], shop["item"], 20)
    assert pending(site, "low_stock") == []
    worker(site)
    assert notes(site) == []


def test_raising_the_minimum_notifies(site, shop):
    r = patch(site, shop["admin"], "part", f"/api/part/{shop['part']}/",
              {"minimum_stock": 50})
    assert r.status == 200, r
    worker(site)
    assert {n["user_id"] for n in notes(site)} == \
        {shop["fan"].pk, shop["catfan"].pk}


def test_other_stock_changes_count(site, shop):
    """Deleting the item, a status change and an edit are stock changes
    too; a move is not."""
    a = shop["admin"]
    loc = post(site, a, "stock", "/api/stock/location/", {"name": "Shelf"})
    r = site.cgi("stock", method="POST", path="/api/stock/transfer/",
                 headers=a, body={"items": [{"pk": shop["item"],
                                             "quantity": 20}],
                                  "location": loc["pk"]})
    assert r.status in (200, 201), r
    assert pending(site, "low_stock") == []
    r = site.cgi("stock", method="POST", path="/api/stock/change_status/",
                 headers=a, body={"items": [shop["item"]], "status": 65})
    assert r.status in (200, 201), r
    worker(site)
    assert len(notes(site)) == 2
    r = site.cgi("stock", method="PATCH", path=f"/api/stock/{shop['item']}/",
                 headers=a, body={"status": 10})
    assert r.status == 200, r
    worker(site)                        # back up: mark cleared
    r = site.cgi("stock", method="DELETE", path=f"/api/stock/{shop['item']}/",
                 headers=a)
    assert r.status == 204, r
    worker(site)
    assert len(notes(site)) == 4


def test_failed_adjustment_enqueues_nothing(site, shop):
    r = site.cgi("stock", method="POST", path="/api/stock/remove/",
                 headers=shop["admin"],
                 body={"items": [{"pk": shop["item"], "quantity": 15},
                                 {"pk": 999, "quantity": 1}]})
    assert r.status == 400, r
    assert pending(site, "low_stock") == []


# --- e-mail -------------------------------------------------------------------

def fake_sendmail(site, exit_code=0):
    """A real program standing in for sendmail: it writes its arguments
    and its standard input to files in the site's directory."""
    out = site.tmp / "mail"
    out.mkdir(exist_ok=True)
    prog = site.tmp / "sendmail"
    prog.write_text(
        "#!/bin/sh\n"
        f"d={out}\n"
        "n=$(ls \"$d\" | wc -l)\n"
        "printf '%s\\n' \"$@\" > \"$d/$n.args\"\n"
        "cat > \"$d/$n.msg\"\n"
        f"exit {exit_code}\n")
    prog.chmod(stat.S_IRWXU)
    return prog, out


def test_low_stock_email_through_sendmail(site, shop):
    prog, out = fake_sendmail(site)
    env = {"STOCKROOM_SENDMAIL": str(prog),
           "STOCKROOM_EMAIL_FROM": "stock@example.org"}
    # A name with a header in it and non-ASCII letters.
    r = patch(site, shop["admin"], "part", f"/api/part/{shop['part']}/",
              {"name": "Écrou ☃ Bcc: evil@example.net"})
    assert r.status == 200, r
    remove(site, shop["admin"], shop["item"], 15)
    worker(site, env)                   # the notifications, two mail tasks
    assert len(tasks(site, "notify_email")) == 2
    worker(site, env)
    assert all(t["status"] == "done" for t in tasks(site, "notify_email"))
    sent = sorted(out.glob("*.msg"))
    assert len(sent) == 2
    rcpts = set()
    for m in sent:
        args = m.with_suffix(".args").read_text().splitlines()
        assert args[:3] == ["-i", "-f", "stock@example.org"]
        assert args[3] == "--" and len(args) == 5
        rcpts.add(args[4])
        raw = m.read_bytes()
        msg = email.message_from_bytes(raw)
        assert msg["To"] == args[4]
        assert msg["From"] == "stock@example.org"
        assert msg.get_all("Bcc") is None and b"\nBcc:" not in raw
        subject = str(email.header.make_header(
            email.header.decode_header(msg["Subject"])))
        assert subject == ("[Stockroom] Low stock notification: "
                           "Écrou ☃ Bcc: evil@example.net")
        assert msg.get_content_charset() == "utf-8"
        body = msg.get_payload(decode=True).decode()
        assert "In stock: 5" in body and "Minimum stock: 10" in body
    assert rcpts == {"fan@example.org", "catfan@example.org"}


def test_email_failure_is_retried_and_no_email_without_setting(site, shop):
    prog, out = fake_sendmail(site, exit_code=75)
    env = {"STOCKROOM_SENDMAIL": str(prog)}
    remove(site, shop["admin"], shop["item"], 15)
    worker(site, env)
    worker(site, env)
    mails = tasks(site, "notify_email")
    assert len(mails) == 2
    assert all(t["status"] == "pending" and t["attempts"] == 1 and
               "exited with 75" in t["last_error"] for t in mails)
    # Without SENDMAIL no mail task is made at all.
    c = db(site)
    with c:
        c.execute("DELETE FROM task")
        c.execute("DELETE FROM notification")
    c.close()
    add(site, shop["admin"], shop["item"], 10)
    worker(site)
    remove(site, shop["admin"], shop["item"], 10)
    worker(site)
    assert len(notes(site)) == 2 and tasks(site, "notify_email") == []


def test_bad_sendmail_setting_is_refused(site, shop):
    r = api(site, shop["fan"], env={"STOCKROOM_SENDMAIL": "sendmail"})
    assert r.status == 500 or r.status == 503, r
    r = api(site, shop["fan"],
            env={"STOCKROOM_EMAIL_FROM": "x@example.org\nBcc: y@z"})
    assert r.status in (500, 503), r


# --- /api/notifications/ -----------------------------------------------------

@pytest.fixture
def told(site, shop):
    remove(site, shop["admin"], shop["item"], 15)
    worker(site)
    add(site, shop["admin"], shop["item"], 15)
    worker(site)
    remove(site, shop["admin"], shop["item"], 15)
    worker(site)
    assert len(api(site, shop["fan"]).json()) == 2
    return shop


def test_read_unread_and_readall(site, told):
    fan = told["fan"]
    first, second = api(site, fan).json()       # newest first
    assert first["pk"] > second["pk"]
    path = f"/api/notifications/{first['pk']}/"
    r = api(site, fan, "PATCH", path, body={"read": True})
    assert r.status == 200 and r.json()["read"] is True, r
    assert [n["pk"] for n in api(site, fan, query="read=true").json()] \
        == [first["pk"]]
    assert [n["pk"] for n in api(site, fan, query="read=false").json()] \
        == [second["pk"]]
    r = api(site, fan, "PUT", path, body={"read": False})
    assert r.status == 200 and r.json()["read"] is False
    r = api(site, fan, "POST", "/api/notifications/readall/", body={})
    assert r.status == 200 and r.json() == {"status": "ok"}, r
    assert api(site, fan, query="read=false").json() == []
    # catfan's are untouched.
    assert len(api(site, told["catfan"], query="read=false").json()) == 2
    # InvenTree's GET readall.
    r = api(site, told["catfan"], "GET", "/api/notifications/readall/")
    assert r.status == 200
    assert api(site, told["catfan"], query="read=false").json() == []


def test_pagination_and_ordering(site, told):
    fan = told["fan"]
    r = api(site, fan, query="limit=1").json()
    assert r["count"] == 2 and len(r["results"]) == 1
    assert r["next"] is not None and r["previous"] is None
    asc = [n["pk"] for n in api(site, fan, query="ordering=pk").json()]
    assert asc == sorted(asc)
    one = api(site, fan, path=f"/api/notifications/{asc[0]}/")
    assert one.status == 200 and one.json()["pk"] == asc[0]


def test_users_see_only_their_own(site, told):
    mine = api(site, told["fan"]).json()[0]["pk"]
    path = f"/api/notifications/{mine}/"
    other = told["catfan"]
    assert api(site, other, path=path).status == 404
    assert api(site, other, "PATCH", path, body={"read": True}).status == 404
    assert api(site, other, "DELETE", path).status == 404
    assert mine not in [n["pk"] for n in api(site, other).json()]
    assert api(site, told["fan"], path=path).json()["read"] is False
    r = api(site, told["fan"], "DELETE", path)
    assert r.status == 204, r
    assert api(site, told["fan"], path=path).status == 404
    assert len(api(site, told["fan"]).json()) == 1


def test_anonymous_is_401(site, told):
    for method, path in (("GET", "/api/notifications/"),
                         ("GET", "/api/notifications/1/"),
                         ("POST", "/api/notifications/readall/"),
                         ("DELETE", "/api/notifications/1/")):
        r = site.cgi("notifications", method=method, path=path)
        assert r.status == 401 and "detail" in r.json(), (method, path, r)


@pytest.mark.parametrize("body", [{"read": "maybe"}, {"read": 2},
                                  {"read": None}, [1], "read"])
def test_bad_input_is_400_and_changes_nothing(site, told, body):
    pk = api(site, told["fan"]).json()[0]["pk"]
    path = f"/api/notifications/{pk}/"
    r = api(site, told["fan"], "PATCH", path, body=json.dumps(body),
            content_type="application/json")
    assert r.status == 400, r
    assert isinstance(r.json(), dict)
    assert api(site, told["fan"], path=path).json()["read"] is False


def test_bad_queries_and_paths(site, told):
    fan = told["fan"]
    r = api(site, fan, query="read=maybe")
    assert r.status == 400 and "read" in r.json()
    r = api(site, fan, "PUT", "/api/notifications/1/", body={})
    assert r.status in (400, 404)
    r = api(site, fan, path="/api/notifications/abc/")
    assert r.status == 404
    r = api(site, fan, "POST", "/api/notifications/")
    assert r.status == 405 and "detail" in r.json()
    r = api(site, fan, "PATCH", "/api/notifications/1/",
            body=b'{"read": tru', content_type="application/json")
    assert r.status == 400
    assert all(n["read"] == 0 for n in notes(site))


def test_deleting_a_user_deletes_their_notifications(site, told):
    r = site.cgi("user", method="DELETE", headers=told["admin"],
                 path=f"/api/user/{told['fan'].pk}/")
    assert r.status == 204, r
    assert {n["user_id"] for n in notes(site)} == {told["catfan"].pk}


def test_deleted_part_leaves_a_null_target(site, told):
    a = told["admin"]
    r = patch(site, a, "part", f"/api/part/{told['part']}/",
              {"active": False})
    assert r.status == 200, r
    r = site.cgi("part", method="DELETE", path=f"/api/part/{told['part']}/",
                 headers=a)
    assert r.status == 204, r
    lst = api(site, told["fan"]).json()
    assert len(lst) == 2 and all(n["target"] is None for n in lst)
    assert json.dumps(lst)
