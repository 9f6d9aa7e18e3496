"""Build orders (build.cgi, issue 16's second half, its first slice): the
orders with InvenTree's fields, reference pattern, filters, search and
ordering; the status codes; issue, hold and cancel with InvenTree's
rules; delete only when cancelled; permissions (the build rule set)."""
import pytest

from conftest import make_user
from inventory_api import Api, pks

BUILD = "/api/build/"


class BuildApi(Api):
    def build(self, part, reference, quantity=1, **kw):
        return self.ok("POST", BUILD, dict(part=part, reference=reference,
                                           quantity=quantity, **kw))

    def act(self, pk, action, body=None, expect=201):
        return self.ok("POST", BUILD + f"{pk}/{action}/", body or {},
                       expect=expect)


@pytest.fixture
def api(site, admin):
    return BuildApi(site, admin)


@pytest.fixture
def w(api):
    return dict(
        board=api.part("Sensor board", IPN="SB-1", assembly=True)["pk"],
        chip=api.part("Chip", assembly=True, trackable=True)["pk"],
        r1=api.part("R 10k")["pk"],
        store=api.location("Store")["pk"],
        bench=api.location("Bench")["pk"],
    )


def test_create_fields_and_detail(api, w):
    b = api.build(w["board"], "BO-0001", 10, title="First run",
                  batch="B-1", take_from=w["store"], destination=w["bench"],
                  start_date="2026-12-01", target_date="2026-12-24",
                  priority=2, link="https://example.com/bo1", notes="n\nm")
    assert b["reference"] == "BO-0001" and b["title"] == "First run"
    assert b["part"] == w["board"] and b["part_name"] == "Sensor board"
    assert b["part_detail"]["IPN"] == "SB-1"
    assert b["quantity"] == 10 and b["batch"] == "B-1"
    assert b["take_from"] == w["store"] and b["destination"] == w["bench"]
    assert b["status"] == 10 and b["status_text"] == "Pending"
    assert b["status_custom_key"] is None
    assert len(b["creation_date"]) == 10 and b["completion_date"] is None
    assert b["completed"] == 0 and b["issued_by"] is not None
    assert b["responsible"] is None and b["priority"] == 2
    assert b["external"] is False and b["level"] == 0
    assert b["overdue"] is False and b["parent"] is None
    assert b["sales_order"] is None and b["project_code"] is None
    assert b["barcode_hash"] == "" and "reference_int" not in b
    assert api.list(BUILD + f"{b['pk']}/") == b
    r = api.get(BUILD + "999/")
    assert r.status == 404
    assert r.json() == {"detail": "No Build matches the given query."}


@pytest.mark.parametrize("body,field,msg", [
    ({"reference": "X-1"}, "reference",
     "Reference must match required pattern: BO-{ref:04d}"),
    ({"reference": "BO-"}, "reference", None),
    ({"reference": "BO-12a"}, "reference", None),
    ({"reference": ""}, "reference", None),
    ({"quantity": 0}, "quantity",
     "Ensure this value is greater than or equal to 1."),
    ({"quantity": "0.5"}, "quantity", None),
    ({"part": 999}, "part", None),
    ({"title": "t" * 101}, "title", None),
    ({"priority": -1}, "priority", None),
    ({"start_date": "2026-12-10", "target_date": "2026-12-01"},
     "target_date", "Target date must be after start date"),
    ({"link": "javascript:x"}, "link", None),
    ({"take_from": 999}, "take_from", None),
])
def test_validation(api, w, body, field, msg):
    full = dict({"part": w["board"], "reference": "BO-0001",
                 "quantity": 1}, **body)
    r = api.call("POST", BUILD, full)
    assert r.status == 400, r
    assert field in r.json(), r.json()
    if msg:
        assert r.json()[field] == [msg]
    assert api.list(BUILD) == []


def test_rules_of_part_reference_and_parent(api, w):
    r = api.call("POST", BUILD, {"part": w["r1"], "reference": "BO-0001",
                                 "quantity": 1})
    assert r.status == 400 and r.json() == {"part": [
        f'Invalid pk "{w["r1"]}" - object does not exist.']}
    r = api.call("POST", BUILD, {"part": w["chip"], "reference": "BO-0001",
                                 "quantity": "1.5"})
    assert r.status == 400 and r.json() == {"quantity": [
        "Build quantity must be integer value for trackable parts"]}
    a = api.build(w["board"], "BO-0001")
    r = api.call("POST", BUILD, {"part": w["board"], "reference": "BO-0001",
                                 "quantity": 1})
    assert r.status == 400 and r.json() == {"reference": [
        "Build Order with this Reference already exists."]}
    b = api.build(w["board"], "BO-0002", parent=a["pk"])
    assert b["level"] == 1
    c = api.build(w["board"], "BO-0003", parent=b["pk"])
    assert c["level"] == 2
    r = api.call("PATCH", BUILD + f"{a['pk']}/", {"parent": c["pk"]})
    assert r.status == 400 and r.json() == {"parent": [
        "Build order cannot be a parent of itself"]}
    r = api.call("PATCH", BUILD + f"{a['pk']}/", {"parent": a["pk"]})
    assert r.status == 400 and "parent" in r.json()
    assert pks(api.list(BUILD, parent=a["pk"])) == [b["pk"]]
    # Status and dates are the server's.
    r = api.ok("PATCH", BUILD + f"{a['pk']}/", {"status": 40,
                                                "creation_date": "2000-01-01"})
    assert r["status"] == 10 and r["creation_date"] != "2000-01-01"


def test_list_filters_search_ordering(api, w):
    a = api.build(w["board"], "BO-0009", 5, title="Nine")
    b = api.build(w["board"], "BO-0010", 1, title="Ten", external=True,
                  target_date="2020-01-01")
    c = api.build(w["chip"], "BO-0002", 2, batch="CHIP-7")
    # Newest reference first by default; the number orders, not the text.
    assert [x["reference"] for x in api.list(BUILD)] == [
        "BO-0010", "BO-0009", "BO-0002"]
    assert [x["reference"] for x in api.list(BUILD, ordering="reference")] \
        == ["BO-0002", "BO-0009", "BO-0010"]
    assert [x["reference"] for x in api.list(BUILD, ordering="-quantity")] \
        == ["BO-0009", "BO-0002", "BO-0010"]
    assert pks(api.list(BUILD, part=w["chip"])) == [c["pk"]]
    assert pks(api.list(BUILD, external=True)) == [b["pk"]]
    assert pks(api.list(BUILD, overdue=True)) == [b["pk"]]
    assert api.list(BUILD + f"{b['pk']}/")["overdue"] is True
    assert pks(api.list(BUILD, reference="BO-0009")) == [a["pk"]]
    assert pks(api.list(BUILD, search="nine")) == [a["pk"]]
    assert pks(api.list(BUILD, search="CHIP-7")) == [c["pk"]]
    assert pks(api.list(BUILD, search="SB-1")) == sorted([a["pk"], b["pk"]])
    api.act(a["pk"], "cancel")
    assert pks(api.list(BUILD, active=True)) == sorted([b["pk"], c["pk"]])
    assert pks(api.list(BUILD, outstanding=False)) == [a["pk"]]
    assert pks(api.list(BUILD, status=30)) == [a["pk"]]
    page = api.list(BUILD, limit=2, offset=0)
    assert page["count"] == 3 and len(page["results"]) == 2
    r = api.get(BUILD, status=99)
    assert r.status == 400 and "status" in r.json()


def test_status_codes(api):
    s = api.list("/api/build/status/")
    assert s["status_class"] == "BuildStatus"
    assert {k: v["key"] for k, v in s["values"].items()} == {
        "PENDING": 10, "PRODUCTION": 20, "ON_HOLD": 25, "CANCELLED": 30,
        "COMPLETE": 40}
    assert s["values"]["ON_HOLD"]["label"] == "On Hold"


def test_issue_hold_cancel(api, w):
    b = api.build(w["board"], "BO-0001", 3)
    pk = b["pk"]
    status = lambda: api.list(BUILD + f"{pk}/")["status"]   # noqa: E731
    assert api.act(pk, "hold") == {}
    assert status() == 25
    assert api.act(pk, "issue") == {}
    assert status() == 20
    r = api.call("POST", BUILD + f"{pk}/issue/", {})
    assert r.status == 400 and r.json() == {"non_field_errors": [
        "Build order must be pending or on hold to be issued"]}
    api.act(pk, "hold")
    r = api.call("POST", BUILD + f"{pk}/hold/", {})
    assert r.status == 400 and "non_field_errors" in r.json()
    c = api.act(pk, "cancel", {"remove_allocated_stock": True})
    assert c == {"remove_allocated_stock": True,
                 "remove_incomplete_outputs": False}
    d = api.list(BUILD + f"{pk}/")
    assert d["status"] == 30 and d["status_text"] == "Cancelled"
    assert d["completion_date"] is not None
    for action in ("issue", "hold", "cancel"):
        r = api.call("POST", BUILD + f"{pk}/{action}/", {})
        assert r.status == 400, action
    r = api.call("POST", BUILD + f"{pk}/cancel/",
                 {"remove_allocated_stock": "perhaps"})
    assert r.status == 400 and "remove_allocated_stock" in r.json()
    assert api.call("POST", BUILD + "999/issue/", {}).status == 404


def test_only_cancelled_builds_are_deleted(api, w):
    b = api.build(w["board"], "BO-0001")
    r = api.call("DELETE", BUILD + f"{b['pk']}/")
    assert r.status == 400 and r.json() == {"non_field_errors": [
        "Build must be cancelled before it can be deleted"]}
    api.act(b["pk"], "cancel")
    api.ok("DELETE", BUILD + f"{b['pk']}/")
    assert api.get(BUILD + f"{b['pk']}/").status == 404


def test_options_and_metadata(api, w):
    o = api.ok("OPTIONS", BUILD)
    post = o["actions"]["POST"]
    for f in ("reference", "part", "quantity", "title", "batch", "parent",
              "take_from", "destination", "target_date", "priority"):
        assert f in post, f
    assert post["status"]["read_only"] is True
    assert post["part"]["model"] == "part"
    b = api.build(w["board"], "BO-0001")
    md = api.ok("PATCH", BUILD + f"{b['pk']}/metadata/", {"metadata": {"a": 1}})
    assert md == {"metadata": {"a": 1}}


def test_build_rule_set(site, api, w):
    b = api.build(w["board"], "BO-0001")
    viewer = BuildApi(site, make_user(site, "build-view",
                                      roles={"build": ["view"]}))
    assert pks(viewer.list(BUILD)) == [b["pk"]]
    assert viewer.call("POST", BUILD, {"part": w["board"],
                                       "reference": "BO-0002",
                                       "quantity": 1}).status == 403
    for action in ("issue", "hold", "cancel"):
        assert viewer.call("POST", BUILD + f"{b['pk']}/{action}/",
                           {}).status == 403
    parts = BuildApi(site, make_user(site, "parts-only",
                                     roles={"part": ["view", "add"]}))
    assert parts.get(BUILD).status == 403
    assert parts.list("/api/build/status/")["status_class"] == "BuildStatus"
    builder = BuildApi(site, make_user(site, "builder", roles={
        "build": ["view", "add", "change"], "part": ["view"]}))
    builder.build(w["board"], "BO-0002")
    assert builder.act(b["pk"], "issue") == {}
