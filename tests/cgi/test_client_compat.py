"""Requests exactly as inventree-python (the InvenTree Python client) sends
them, and the shape of answer it needs.  Each test names the client call it
stands for; CLIENT-CHECK.md records the run of the real client these came
from.

What the client always does: every request carries a JSON body ("{}" for
GET, OPTIONS and DELETE too, Content-Type: application/json) and the header
"AUTHORIZATION: Token <key>"; POST, PUT and PATCH add ?format=json.  It
accepts only Content-Type exactly "application/json".
"""
import json

import pytest

from conftest import make_user


def client_call(site, headers, method, path, body=None, query=""):
    """One request the way requests.request(..., json=body) sends it."""
    if method in ("POST", "PUT", "PATCH"):
        query = "&".join(q for q in (query, "format=json") if q)
    prog = "stock" if path.startswith("/api/stock") else (
        "part" if path.startswith("/api/part") else path.split("/")[2])
    return site.cgi(prog, method=method, path=path, query=query,
                    body=json.dumps({} if body is None else body),
                    content_type="application/json",
                    headers={"Authorization": headers["Authorization"]})


# --- every GET carries a body ----------------------------------------------

@pytest.mark.parametrize("path", ["/api/user/me/", "/api/part/",
                                  "/api/part/category/", "/api/stock/",
                                  "/api/stock/location/", "/api/stock/track/"])
def test_get_with_empty_json_body(site, admin, path):
    """InvenTreeAPI.get() / Model.list(): GET with body "{}"."""
    r = client_call(site, admin, "GET", path)
    assert r.status == 200, r
    assert r.header("Content-Type") == "application/json"
    assert isinstance(r.json(), (list, dict))


def test_token_request_with_body(site, admin):
    """InvenTreeAPI.requestToken(): Basic auth, GET user/token/?name=...,
    body "{}"."""
    import base64
    cred = base64.b64encode(
        f"{admin.username}:{admin.password}".encode()).decode()
    r = site.cgi("user", path="/api/user/token/",
                 query="name=inventree-python-client", body="{}",
                 content_type="application/json",
                 headers={"Authorization": "Basic " + cred})
    assert r.status == 200, r
    assert r.json()["token"]


def test_delete_with_empty_json_body(site, admin, api):
    """Model.delete(): DELETE part/category/<pk>/ with body "{}" -> 204."""
    c = api.category("Doomed")
    r = client_call(site, admin, "DELETE", f"/api/part/category/{c['pk']}/")
    assert r.status == 204, r


# --- OPTIONS: fieldNames() / fieldInfo() read actions.POST ----------------

@pytest.mark.parametrize("path,names", [
    ("/api/part/", ["name", "IPN", "description", "category", "active",
                    "revision", "full_name", "pk"]),
    ("/api/part/category/", ["name", "description", "parent", "pk",
                             "pathstring"]),
    ("/api/stock/location/", ["name", "description", "parent", "pk"]),
    ("/api/stock/", ["part", "location", "quantity", "batch", "serial",
                     "status", "notes", "pk"]),
])
def test_options_lists_post_fields(site, admin, path, names):
    """Part.fieldNames(api) and friends: OPTIONS on the list endpoint,
    then actions.POST keys."""
    r = client_call(site, admin, "OPTIONS", path)
    assert r.status == 200, r
    post = r.json()["actions"]["POST"]
    for n in names:
        assert n in post, n
    for n, info in post.items():
        for attr in ("type", "required", "read_only", "label", "help_text"):
            assert attr in info, (n, attr)


def test_options_field_info_as_inventree(site, admin):
    """Part.fieldInfo('active') is a boolean labelled Active, default
    true; name is required; pk and full_name are read-only."""
    post = client_call(site, admin, "OPTIONS", "/api/part/").json()[
        "actions"]["POST"]
    assert post["active"]["type"] == "boolean"
    assert post["active"]["label"] == "Active"
    assert post["active"]["default"] is True
    assert post["name"]["required"] is True
    assert post["name"]["max_length"] == 100
    assert post["pk"]["read_only"] is True
    assert post["full_name"]["read_only"] is True
    assert post["category"]["type"] == "related field"
    stock = client_call(site, admin, "OPTIONS", "/api/stock/").json()[
        "actions"]["POST"]
    assert stock["status"]["type"] == "choice"
    assert stock["status"]["default"] == 10
    assert {"value": 55, "display_name": "Damaged"} in \
        stock["status"]["choices"]
    assert stock["quantity"]["required"] is True


def test_options_detail_has_put(site, admin, api):
    """OPTIONS on a detail endpoint describes PUT, as DRF does."""
    p = api.part("P")
    d = client_call(site, admin, "OPTIONS", f"/api/part/{p['pk']}/").json()
    assert "PUT" in d["actions"] and "POST" not in d["actions"]
    assert "active" in d["actions"]["PUT"]


def test_options_actions_follow_permissions(site):
    """A user who may only view gets no actions (DRF leaves out what the
    user may not do), but still the description."""
    site.tool("migrate")
    viewer = make_user(site, "viewer", {"part": ["view"]})
    r = client_call(site, viewer, "OPTIONS", "/api/part/")
    assert r.status == 200, r
    assert "actions" not in r.json()
    assert r.json()["allowed_methods"]


def test_options_of_an_action_describe_its_input(site, admin):
    """Adjustments describe what they take (issue 12: the mobile app opens
    its stock dialogs only with actions.POST and the nested item fields;
    before, they had no "actions")."""
    r = client_call(site, admin, "OPTIONS", "/api/stock/count/")
    assert r.status == 200, r
    post = r.json()["actions"]["POST"]
    assert set(post) == {"items", "notes"}
    assert set(post["items"]["child"]["children"]) == {
        "pk", "quantity", "batch", "status", "packaging", "expected_quantity"}


# --- Part.getRequirements() ------------------------------------------------

def test_part_requirements(site, admin, api):
    """Part.getRequirements(): GET part/<pk>/requirements/ -> InvenTree's
    requirement numbers; Stockroom has no orders or builds, so only the
    stock is non-zero."""
    loc = api.location("Shelf")["pk"]
    p = api.part("Bolt")
    api.stock(p["pk"], "12.5", loc)
    r = client_call(site, admin, "GET", f"/api/part/{p['pk']}/requirements/")
    assert r.status == 200, r
    d = r.json()
    assert d["total_stock"] == 12.5 and d["unallocated_stock"] == 12.5
    for k in ("can_build", "ordering", "building", "scheduled_to_build",
              "required_for_build_orders", "allocated_to_build_orders",
              "required_for_sales_orders", "allocated_to_sales_orders"):
        assert d[k] == 0, k
    r = client_call(site, admin, "GET", "/api/part/999/requirements/")
    assert r.status == 404, r


# --- StockItem.create(serial_numbers=...) ---------------------------------

def test_create_serialized_items_answers_a_list(site, admin, api):
    """StockItem.create(api, {"part", "quantity": 3, "serial_numbers":
    "1005,1006,1007"}) expects a list of three items of quantity 1, one
    serial each (the client wraps a single object in a list otherwise)."""
    p = api.part("Tracked", trackable=True)
    r = client_call(site, admin, "POST", "/api/stock/",
                    {"part": p["pk"], "quantity": 3,
                     "serial_numbers": "1005,1006,1007"})
    assert r.status == 201, r
    items = r.json()
    assert isinstance(items, list)
    assert [i["serial"] for i in items] == ["1005", "1006", "1007"]
    assert all(i["quantity"] == 1.0 and i["part"] == p["pk"] for i in items)
    track = api.list("/api/stock/track/", item=items[1]["pk"])
    assert [t["tracking_type"] for t in track] == [1]
    # Ranges, spaces and commas mix; duplicates count once.
    r = client_call(site, admin, "POST", "/api/stock/",
                    {"part": p["pk"], "quantity": "4",
                     "serial_numbers": "1-3, 7 7"})
    assert r.status == 201, r
    assert [i["serial"] for i in r.json()] == ["1", "2", "3", "7"]
    # Without serial_numbers (or empty) the answer stays one object.
    r = client_call(site, admin, "POST", "/api/stock/",
                    {"part": p["pk"], "quantity": 2, "serial_numbers": ""})
    assert r.status == 201 and isinstance(r.json(), dict), r


@pytest.mark.parametrize("body,field,msg", [
    ({"quantity": 2, "serial_numbers": "1,2,3"}, "quantity",
     "Number of unique serial numbers (3) must match quantity"),
    ({"quantity": 2, "serial_numbers": "5,9"}, "serial_numbers",
     "The following serial numbers already exist or are invalid : 5"),
    ({"quantity": 2, "serial_numbers": "8-a"}, "serial_numbers",
     "Invalid group: 8-a"),
    ({"quantity": 2, "serial_numbers": "20-1"}, "serial_numbers",
     "Invalid group: 20-1"),
    ({"quantity": 2000, "serial_numbers": "1-2000"}, "serial_numbers",
     "Invalid group: 1-2000"),
])
def test_serial_numbers_errors_change_nothing(site, admin, api, body, field,
                                              msg):
    p = api.part("Tracked", trackable=True)
    api.stock(p["pk"], 1, serial="5")
    before = api.list("/api/stock/", part=p["pk"])
    r = client_call(site, admin, "POST", "/api/stock/",
                    dict(body, part=p["pk"]))
    assert r.status == 400, r
    assert r.json()[field][0].startswith(msg), r.json()
    assert api.list("/api/stock/", part=p["pk"]) == before


def test_serial_numbers_need_a_trackable_part(site, admin, api):
    p = api.part("Plain")
    r = client_call(site, admin, "POST", "/api/stock/",
                    {"part": p["pk"], "quantity": 2, "serial_numbers": "1,2"})
    assert r.status == 400, r
    assert r.json() == {"serial_numbers": [
        "Serial numbers cannot be supplied for a non-trackable part"]}
    r = client_call(site, admin, "POST", "/api/stock/",
                    {"part": 999, "quantity": 2, "serial_numbers": "1,2"})
    assert r.status == 400 and "part" in r.json(), r


# --- getMetadata() / setMetadata() (MetadataMixin, API < 436) --------------

def metadata_targets(api):
    loc = api.location("Shelf")["pk"]
    cat = api.category("Cat")["pk"]
    part = api.part("P", cat)["pk"]
    item = api.stock(part, 1, loc)["pk"]
    return [f"/api/part/category/{cat}/", f"/api/part/{part}/",
            f"/api/stock/location/{loc}/", f"/api/stock/{item}/"]


def test_metadata_get_patch_put(site, admin, api):
    """getMetadata(): GET <url>/<pk>/metadata/ -> {"metadata": {...}};
    setMetadata(d): PATCH {"metadata": d} merges, setMetadata(d,
    overwrite=True): PUT replaces."""
    for base in metadata_targets(api):
        url = base + "metadata/"
        r = client_call(site, admin, "GET", url)
        assert r.status == 200 and r.json() == {"metadata": {}}, (url, r)
        r = client_call(site, admin, "PATCH", url,
                        {"metadata": {"a": 1, "b": {"c": [1, "x"]}}})
        assert r.status == 200, (url, r)
        assert r.json() == {"metadata": {"a": 1, "b": {"c": [1, "x"]}}}
        r = client_call(site, admin, "PATCH", url, {"metadata": {"a": 2}})
        assert r.json() == {"metadata": {"a": 2, "b": {"c": [1, "x"]}}}
        r = client_call(site, admin, "PUT", url, {"metadata": {"z": None}})
        assert r.json() == {"metadata": {"z": None}}, (url, r)
        r = client_call(site, admin, "GET", url)
        assert r.json() == {"metadata": {"z": None}}, (url, r)
        # The object itself is unchanged and still answers.
        assert client_call(site, admin, "GET", base).status == 200


@pytest.mark.parametrize("body,msg", [
    ({}, "This field is required."),
    ({"metadata": [1, 2]}, "Metadata must be a python dict object"),
    ({"metadata": "x"}, "Metadata must be a python dict object"),
])
def test_metadata_bad_body_changes_nothing(site, admin, api, body, msg):
    url = metadata_targets(api)[1] + "metadata/"
    client_call(site, admin, "PATCH", url, {"metadata": {"keep": True}})
    for method in ("PATCH", "PUT"):
        r = client_call(site, admin, method, url, body)
        assert r.status == 400 and r.json() == {"metadata": [msg]}, r
    assert client_call(site, admin, "GET", url).json() == {
        "metadata": {"keep": True}}


def test_metadata_size_cap_and_missing_object(site, admin, api):
    url = metadata_targets(api)[3] + "metadata/"
    big = {"metadata": {"k": "x" * 40000}}
    assert client_call(site, admin, "PATCH", url, big).status == 200
    r = client_call(site, admin, "PATCH", url, {"metadata": {"j": "y" * 40000}})
    assert r.status == 400 and "metadata" in r.json(), r
    assert list(client_call(site, admin, "GET", url).json()["metadata"]) == [
        "k"]
    for path in ("/api/part/999/metadata/", "/api/stock/999/metadata/",
                 "/api/part/category/999/metadata/",
                 "/api/stock/location/999/metadata/"):
        assert client_call(site, admin, "GET", path).status == 404, path
        assert client_call(site, admin, "PATCH", path,
                           {"metadata": {}}).status == 404, path


def test_metadata_permissions(site, api):
    """Reading needs view, writing change, of the object's rule set."""
    site.tool("migrate")
    part = api.part("P")["pk"]
    viewer = make_user(site, "viewer", {"part": ["view"]})
    url = f"/api/part/{part}/metadata/"
    assert client_call(site, viewer, "GET", url).status == 200
    assert client_call(site, viewer, "PATCH", url,
                       {"metadata": {"a": 1}}).status == 403
    other = make_user(site, "other", {"stock": ["view"]})
    assert client_call(site, other, "GET", url).status == 403


# --- API version 207: the client's Attachment class, roles "permissions" ---

def test_api_version_lets_the_client_use_attachments(site):
    """inventree-python's Attachment class (getAttachments,
    uploadAttachment, addLinkAttachment) needs apiVersion >= 207; from
    436 its MetadataMixin uses /api/metadata/<model>/<pk>/ (served here,
    as <object>/<pk>/metadata/ before)."""
    site.tool("migrate")
    d = site.cgi("api", body="{}", content_type="application/json").json()
    assert d["apiVersion"] >= 436


def test_roles_carry_model_permissions(site, admin):
    """API 207: /api/user/roles/ adds "permissions" per model."""
    viewer = make_user(site, "viewer", {"part": ["view"], "stock": ["add"]})
    d = client_call(site, viewer, "GET", "/api/user/roles/").json()
    assert d["permissions"] == {
        "part": ["view"],
        "stockitem": ["view", "add", "change"],
        "stockitemtracking": ["view", "add", "change"]}
    d = client_call(site, admin, "GET", "/api/user/roles/").json()
    assert d["permissions"]["partcategory"] == ["view", "add", "change",
                                                "delete"]
    assert set(d["permissions"]) >= {"part", "partcategory", "stocklocation",
                                     "stockitem", "user", "group"}


def test_attachment_link_and_list_as_the_client_sends_them(site, admin, api):
    """Part.addLinkAttachment(): POST attachment/?format=json {"comment",
    "link", "model_type": "part", "model_id"}; getAttachments(): GET
    attachment/?model_type=part&model_id=<pk>."""
    p = api.part("P")
    r = client_call(site, admin, "POST", "/api/attachment/",
                    {"comment": "datasheet", "link": "https://example.org/d",
                     "model_type": "part", "model_id": p["pk"]})
    assert r.status == 201, r
    r = client_call(site, admin, "GET", "/api/attachment/",
                    query=f"model_type=part&model_id={p['pk']}")
    assert r.status == 200, r
    assert [(a["link"], a["comment"]) for a in r.json()] == [
        ("https://example.org/d", "datasheet")]


def test_attachment_bulk_delete(site, admin, api):
    """Attachment.bulkDelete(api, items=[...]): DELETE attachment/ with
    {"items": [pk, ...]} -> 204; all or nothing."""
    p = api.part("P")
    pks = []
    for i in range(3):
        r = client_call(site, admin, "POST", "/api/attachment/",
                        {"link": f"https://example.org/{i}",
                         "model_type": "part", "model_id": p["pk"]})
        pks.append(r.json()["pk"])
    r = client_call(site, admin, "DELETE", "/api/attachment/",
                    {"items": [pks[0], 999]})
    assert r.status == 404, r
    r = client_call(site, admin, "DELETE", "/api/attachment/", {})
    assert r.status == 400, r
    listed = lambda: [a["pk"] for a in client_call(
        site, admin, "GET", "/api/attachment/",
        query=f"model_type=part&model_id={p['pk']}").json()]
    assert sorted(listed()) == sorted(pks)
    viewer = make_user(site, "viewer", {"part": ["view"]})
    r = client_call(site, viewer, "DELETE", "/api/attachment/",
                    {"items": pks[:2]})
    assert r.status == 403, r
    r = client_call(site, admin, "DELETE", "/api/attachment/",
                    {"items": pks[:2]})
    assert r.status == 204, r
    assert listed() == [pks[2]]
