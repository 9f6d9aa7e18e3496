"""The inventory API (part.cgi, stock.cgi) through every way of serving it
(issue #4): every list filter of categories, parts, locations, stock items
and tracking with exact expected pks, a bad value of every filter (400
naming it), search (non-ASCII, and terms with spaces, '&', '+', '%'),
ordering both ways, limit/offset with next/previous URLs that keep the
other parameters and the install prefix, tree/ listings, counts, delete
semantics, every adjustment rule, the detail flags, status codes and the
bulk delete of stock.  The CGI-level tests (tests/cgi/test_part.py and
friends) hold the same rules for the programs run directly; these check
that nothing between the client and the program (query-string decoding,
PATH_INFO, REQUEST_URI and the prefix, FastCGI) changes them.

One small data set per server variant is built once (the module-scoped
`world`), under names carrying a random tag; other tests in the session
may add their own rows to the same server, so every list answer is
compared on the rows of this data set (`mine`).  Tests that change data
make their own objects."""
import base64
import http.client
import itertools
import json
import re
import secrets
import urllib.parse

import pytest

CAT = "/api/part/category/"
PART = "/api/part/"
LOC = "/api/stock/location/"
STOCK = "/api/stock/"
TRACK = "/api/stock/track/"
OTHER_PASSWORD = "Quiet-Lamps-Sort-77-Screws"


def query_string(params, plus=False):
    """params (a dict, or a string used as it is) as a query string:
    spaces as %20, or as '+' when plus (what HTML forms and Python's
    requests send)."""
    if isinstance(params, str):
        return params
    quote = urllib.parse.quote_plus if plus else urllib.parse.quote
    return urllib.parse.urlencode(
        {k: str(v).lower() if isinstance(v, bool) else v
         for k, v in params.items()}, quote_via=quote)


class Client:
    """The API through one server, as one signed-in user."""

    def __init__(self, srv, auth):
        self.srv = srv
        self.auth = auth

    def call(self, method, path, body=None, query=None, plus=False):
        q = query_string(query, plus) if query else ""
        return self.srv.request(method, path + ("?" + q if q else ""),
                                headers=self.auth, body=body)

    def ok(self, method, path, body=None, query=None, expect=None,
           plus=False):
        r = self.call(method, path, body, query, plus)
        want = expect or {"GET": 200, "POST": 201, "DELETE": 204}.get(
            method, 200)
        assert r.status == want, (r, self.srv.log_tail())
        assert r.status == 204 or r.is_json, r
        return r.json() if r.body else None

    def get(self, path, **query):
        return self.ok("GET", path, query=query)

    def follow(self, url):
        """GET an absolute URL the server gave (next/previous): it must
        point back at this server under its prefix."""
        u = urllib.parse.urlsplit(url)
        assert (u.scheme, u.netloc) == ("http", "127.0.0.1"), url
        assert u.path.startswith(self.srv.prefix + "/api/"), url
        path = u.path[len(self.srv.prefix):]
        return self.ok("GET", path + ("?" + u.query if u.query else ""))


def sign_in(srv, name, password, token_name):
    basic = base64.b64encode(f"{name}:{password}".encode()).decode()
    r = srv.get(f"/api/user/token/?name={token_name}",
                headers={"Authorization": "Basic " + basic})
    assert r.status == 200, r
    return {"Authorization": "Token " + r.json()["token"]}


class World(dict):
    """Names ("C0", "P1", "I6", "U2", ...) to pks, plus the API client and
    the universes of this data set's pks per list."""

    def pk(self, names):
        return sorted(self[n] for n in names.split())

    def fmt(self, query):
        return {k: v.format(**self) if isinstance(v, str) else v
                for k, v in query.items()}


def pks(rows):
    return sorted(r["pk"] for r in rows)


def mine(rows, universe):
    """The pks of rows that belong to this data set, in answer order."""
    return [r["pk"] for r in rows if r["pk"] in universe]


@pytest.fixture(scope="module")
def world(srv):
    """The data set, made once per server variant through the server:

    categories  C0 Ivh Electronics <tag>
                   C1 Passives
                      C2 Resistors
                      C3 Capacitors & Größe+1   (starred)
                   C4 ICs                        (structural)
                C5 Ivh Mechanical <tag>
    locations   L0 Ivh Workshop <tag>
                   L1 Shelf A
                      L2 Bin 1
                   L3 Racks                      (structural)
                L4 Ivh Store <tag>               (external)
    parts       P1 Resistor  C2  IPN R-10K rev A, default location L2,
                                 minimum 10 (low: 9 in stock), starred
                P2 Capacitor C3  assembly, salable, minimum 1
                P3 Widerstände C1 IPN W-47K rev B, trackable, testable
                P4 Hex bolt  C5  IPN HB-M3, inactive, not a component,
                                 template
                P5 Loose     --  not purchaseable, virtual, locked
    items       I1 P1 5+1 in L2, batch B-1, expires 2030-01-01
                I2 P2 20-1 in L1, status 50, expires 2031-06-30
                I3 P3 1 in L4, serial SN-001
                I4 P2 3-1 in L0, status 60, batch B-2
                I5 P1 2 -> counted 3 by U2, no location
                I6 P2 1 in L4: split from I2 (status, expiry copied)
                I7 P4 7 in L4
    users       U1 the test user, U2 a second superuser (one entry)
    """
    if srv.user is None:
        pytest.skip("stockroom createsuperuser is not available")
    api = Client(srv, sign_in(srv, *srv.user, "http-inventory"))
    tag = secrets.token_hex(3)
    w = World(api=api, tag=tag)

    def cat(key, name, parent=None, **kw):
        w[key] = api.ok("POST", CAT, dict(name=name, parent=parent and
                                          w[parent], **kw))["pk"]

    def loc(key, name, parent=None, **kw):
        w[key] = api.ok("POST", LOC, dict(name=name, parent=parent and
                                          w[parent], **kw))["pk"]

    cat("C0", f"Ivh Electronics {tag}", description="Electronic parts")
    cat("C1", "Passives", "C0")
    cat("C2", "Resistors", "C1")
    cat("C3", "Capacitors & Größe+1", "C1")
    cat("C4", "ICs", "C0", structural=True)
    cat("C5", f"Ivh Mechanical {tag}")
    loc("L0", f"Ivh Workshop {tag}", description="Main workshop")
    loc("L1", "Shelf A", "L0")
    loc("L2", "Bin 1", "L1")
    loc("L3", "Racks", "L0", structural=True)
    loc("L4", f"Ivh Store {tag}", external=True,
        description=f"Außenlager & Co + 10% {tag}")

    def part(key, name, category, **kw):
        w[key] = api.ok("POST", PART, dict(
            name=name, category=category and w[category], **kw))["pk"]

    part("P1", "Ivh Resistor 10k", "C2", IPN="R-10K", revision="A",
         default_location=w["L2"], minimum_stock=10,
         description="Nuts and Bolts 5%", keywords="smd")
    part("P2", "Ivh Capacitor 100nF", "C3", assembly=True, salable=True,
         minimum_stock=1, description=f"Nuts & Bolts + 5% Größe {tag} spare")
    part("P3", "Ivh Widerstände 4,7kΩ", "C1", IPN="W-47K", revision="B",
         trackable=True, testable=True)
    part("P4", "Ivh Hex bolt M3 & nut", "C5", IPN="HB-M3", active=False,
         component=False, is_template=True,
         description=f"Nuts & Bolts + 5% Größe {tag} extra")
    part("P5", "Ivh Loose virtual", None, purchaseable=False, virtual=True,
         locked=True, description="odd %zz text")

    def item(key, p, quantity, location, **kw):
        w[key] = api.ok("POST", STOCK, dict(
            part=w[p], quantity=quantity,
            location=location and w[location], **kw))["pk"]

    item("I1", "P1", 5, "L2", batch="B-1", expiry_date="2030-01-01")
    item("I2", "P2", 20, "L1", status=50, expiry_date="2031-06-30")
    item("I3", "P3", 1, "L4", serial="SN-001")
    item("I4", "P2", 3, "L0", status=60, batch="B-2")
    item("I5", "P1", 2, None)
    item("I7", "P4", 7, "L4", notes=f"Ivh note {tag}")

    # Stars (the test user's), a split, and entries of every kind.
    api.ok("PATCH", CAT + f"{w['C3']}/", {"starred": True})
    api.ok("PATCH", PART + f"{w['P1']}/", {"starred": True})
    api.ok("POST", STOCK + "transfer/", {
        "items": [{"pk": w["I2"], "quantity": 1}], "location": w["L4"],
        "notes": f"Ivh split ü & co {tag}"})
    w["I6"] = api.get(STOCK, parent=w["I2"])[0]["pk"]
    api.ok("POST", STOCK + "add/", {"items": [{"pk": w["I1"],
                                               "quantity": 1}]})
    api.ok("POST", STOCK + "remove/", {"items": [{"pk": w["I4"],
                                                  "quantity": 1}]})
    w["U1"] = api.get("/api/user/me/")["pk"]
    other = f"ivh-{tag}"
    w["U2"] = api.ok("POST", "/api/user/", {
        "username": other, "password": OTHER_PASSWORD,
        "is_superuser": True})["pk"]
    api2 = Client(srv, sign_in(srv, other, OTHER_PASSWORD, "http-inv2"))
    api2.ok("POST", STOCK + "count/", {"items": [{"pk": w["I5"],
                                                  "quantity": 3}],
                                       "notes": "recount"})

    w["cats"] = set(w.pk("C0 C1 C2 C3 C4 C5"))
    w["locs"] = set(w.pk("L0 L1 L2 L3 L4"))
    w["parts"] = set(w.pk("P1 P2 P3 P4 P5"))
    w["items"] = set(w.pk("I1 I2 I3 I4 I5 I6 I7"))
    # The ground truth for the tracking filters: every entry of the
    # data set's items, from the unfiltered list.
    w["entries"] = [t for t in api.get(TRACK) if t["item"] in w["items"]]
    w["tracks"] = {t["pk"] for t in w["entries"]}
    return w


def part_of(w):
    return {w[i]: w[p] for i, p in (("I1", "P1"), ("I2", "P2"),
                                    ("I3", "P3"), ("I4", "P2"),
                                    ("I5", "P1"), ("I6", "P2"),
                                    ("I7", "P4"))}


# ---- the data set as built --------------------------------------------

def test_world_as_built(world):
    w, api = world, world["api"]
    assert api.get(STOCK + f"{w['I6']}/")["parent"] == w["I2"]
    q = {i["pk"]: i["quantity"] for i in api.get(STOCK)
         if i["pk"] in w["items"]}
    assert q == {w["I1"]: 6.0, w["I2"]: 19.0, w["I3"]: 1.0, w["I4"]: 2.0,
                 w["I5"]: 3.0, w["I6"]: 1.0, w["I7"]: 7.0}
    stock = {p["pk"]: p["in_stock"] for p in api.get(PART)
             if p["pk"] in w["parts"]}
    assert stock == {w["P1"]: 9.0, w["P2"]: 20.0, w["P3"]: 1.0,
                     w["P4"]: 7.0, w["P5"]: 0.0}
    types = {}
    for t in w["entries"]:
        types.setdefault(t["item"], []).append(t["tracking_type"])
    assert types == {w["I1"]: [11, 1], w["I2"]: [42, 1], w["I3"]: [1],
                     w["I4"]: [12, 1], w["I5"]: [10, 1], w["I6"]: [40],
                     w["I7"]: [1]}


# ---- filters ------------------------------------------------------------

ALL_C = "C0 C1 C2 C3 C4 C5"
ALL_L = "L0 L1 L2 L3 L4"
ALL_P = "P1 P2 P3 P4 P5"
ALL_I = "I1 I2 I3 I4 I5 I6 I7"


def minus(all_names, names):
    drop = set(names.split())
    return " ".join(n for n in all_names.split() if n not in drop)


CATEGORY_FILTERS = [
    ({"parent": "{C0}"}, "C1 C4"),
    ({"parent": "{C1}"}, "C2 C3"),
    ({"parent": "null"}, "C0 C5"),
    ({"parent": "None"}, "C0 C5"),
    ({"parent": "null", "cascade": "true"}, ALL_C),
    ({"cascade": "false"}, "C0 C5"),              # top level (API 174)
    ({"parent": "{C0}", "cascade": "true"}, "C1 C2 C3 C4"),
    ({"parent": "{C0}", "cascade": "false"}, "C1 C4"),
    ({"parent": "{C0}", "cascade": "1", "depth": "1"}, "C1 C4"),
    ({"parent": "{C0}", "cascade": "yes", "depth": "2"}, "C1 C2 C3 C4"),
    ({"depth": "0"}, "C0 C5"),
    ({"depth": "1"}, "C0 C1 C4 C5"),
    ({"top_level": "true"}, "C0 C5"),
    ({"top_level": "false"}, "C1 C2 C3 C4"),
    ({"structural": "yes"}, "C4"),
    ({"structural": "no"}, minus(ALL_C, "C4")),
    ({"name": "Resistors"}, "C2"),
    ({"name": "Capacitors & Größe+1"}, "C3"),
    ({"level": "2"}, "C2 C3"),
    ({"level": "1"}, "C1 C4"),
    ({"starred": "true"}, "C3"),
    ({"starred": "false"}, minus(ALL_C, "C3")),
    ({"parent": "{C0}", "cascade": "true", "level": "2"}, "C2 C3"),
]

PART_FILTERS = [
    ({"category": "{C0}"}, "P1 P2 P3"),
    ({"category": "{C1}"}, "P1 P2 P3"),
    ({"category": "{C1}", "cascade": "false"}, "P3"),
    ({"category": "{C2}", "cascade": "0"}, "P1"),
    ({"category": "{C5}"}, "P4"),
    ({"category": "null", "cascade": "false"}, "P5"),
    ({"category": "null"}, "P1 P2 P3 P4 P5"),    # null + cascade: all
    ({"default_location": "{L2}"}, "P1"),
    ({"default_location": "null"}, "P2 P3 P4 P5"),
    ({"active": "false"}, "P4"),
    ({"active": "true"}, "P1 P2 P3 P5"),
    ({"assembly": "1"}, "P2"),
    ({"assembly": "0"}, "P1 P3 P4 P5"),
    ({"component": "false"}, "P4"),
    ({"component": "true"}, "P1 P2 P3 P5"),
    ({"purchaseable": "no"}, "P5"),
    ({"purchaseable": "yes"}, "P1 P2 P3 P4"),
    ({"salable": "true"}, "P2"),
    ({"salable": "false"}, "P1 P3 P4 P5"),
    ({"trackable": "true"}, "P3"),
    ({"trackable": "false"}, "P1 P2 P4 P5"),
    ({"virtual": "true"}, "P5"),
    ({"virtual": "false"}, "P1 P2 P3 P4"),
    ({"is_template": "true"}, "P4"),
    ({"is_template": "false"}, "P1 P2 P3 P5"),
    ({"locked": "true"}, "P5"),
    ({"locked": "false"}, "P1 P2 P3 P4"),
    ({"testable": "true"}, "P3"),
    ({"testable": "false"}, "P1 P2 P4 P5"),
    ({"has_stock": "true"}, "P1 P2 P3 P4"),
    ({"has_stock": "false"}, "P5"),
    ({"low_stock": "true"}, "P1"),
    ({"low_stock": "false"}, "P2 P3 P4 P5"),
    ({"has_IPN": "true"}, "P1 P3 P4"),
    ({"has_IPN": "false"}, "P2 P5"),
    ({"IPN": "R-10K"}, "P1"),
    ({"IPN": ""}, "P2 P5"),
    ({"name": "Ivh Capacitor 100nF"}, "P2"),
    ({"name": "Ivh Hex bolt M3 & nut"}, "P4"),
    ({"name": "Ivh Widerstände 4,7kΩ"}, "P3"),
    ({"revision": "A"}, "P1"),
    ({"revision": "B"}, "P3"),
    ({"starred": "true"}, "P1"),
    ({"starred": "false"}, "P2 P3 P4 P5"),
    ({"category": "{C0}", "has_stock": "true", "trackable": "false"},
     "P1 P2"),
]

LOCATION_FILTERS = [
    ({"parent": "{L0}"}, "L1 L3"),
    ({"parent": "null"}, "L0 L4"),
    ({"cascade": "false"}, "L0 L4"),
    ({"cascade": "true"}, "L0 L1 L2 L3 L4"),
    ({"parent": "{L0}", "cascade": "true"}, "L1 L2 L3"),
    ({"parent": "{L0}", "cascade": "true", "depth": "1"}, "L1 L3"),
    ({"depth": "0"}, "L0 L4"),
    ({"top_level": "true"}, "L0 L4"),
    ({"top_level": "false"}, "L1 L2 L3"),
    ({"structural": "true"}, "L3"),
    ({"structural": "false"}, "L0 L1 L2 L4"),
    ({"external": "true"}, "L4"),
    ({"external": "false"}, "L0 L1 L2 L3"),
    ({"name": "Bin 1"}, "L2"),
    ({"level": "2"}, "L2"),
    ({"level": "1"}, "L1 L3"),
]

STOCK_FILTERS = [
    ({"part": "{P1}"}, "I1 I5"),
    ({"part": "{P2}"}, "I2 I4 I6"),
    ({"location": "{L0}"}, "I1 I2 I4"),
    ({"location": "{L0}", "cascade": "false"}, "I4"),
    ({"location": "{L1}"}, "I1 I2"),
    ({"location": "{L4}"}, "I3 I6 I7"),
    ({"location": "null", "cascade": "false"}, "I5"),
    ({"location": "null", "cascade": "true"}, ALL_I),
    ({"category": "{C0}"}, "I1 I2 I3 I4 I5 I6"),
    ({"category": "{C3}"}, "I2 I4 I6"),
    ({"category": "{C5}"}, "I7"),
    ({"parent": "{I2}"}, "I6"),
    ({"status": "10"}, "I1 I3 I5 I7"),
    ({"status": "50"}, "I2 I6"),
    ({"status": "60"}, "I4"),
    ({"status": "85"}, ""),
    ({"in_stock": "true"}, "I1 I2 I3 I5 I6 I7"),
    ({"in_stock": "false"}, "I4"),
    ({"batch": "B-1"}, "I1"),
    ({"serial": "SN-001"}, "I3"),
    ({"has_batch": "true"}, "I1 I4"),
    ({"has_batch": "false"}, "I2 I3 I5 I6 I7"),
    ({"serialized": "true"}, "I3"),
    ({"serialized": "false"}, "I1 I2 I4 I5 I6 I7"),
    ({"expiry_date_lte": "2030-12-31"}, "I1"),
    ({"expiry_date_lte": "2031-06-30"}, "I1 I2 I6"),
    ({"expiry_date_gte": "2031-01-01"}, "I2 I6"),
    ({"expiry_date_gte": "2030-01-01", "expiry_date_lte": "2030-01-01"},
     "I1"),
    ({"active": "false"}, "I7"),
    ({"active": "true"}, "I1 I2 I3 I4 I5 I6"),
    ({"part": "{P2}", "in_stock": "true"}, "I2 I6"),
    ({"location": "{L4}", "status": "50"}, "I6"),
]


def by_filter(cases, names="query,expect"):
    """Parametrizes a test over (query, expect) cases, each named by its
    query."""
    return pytest.mark.parametrize(names, cases,
                                   ids=[json.dumps(q) for q, _ in cases])


def check_filter(world, path, universe, query, expect):
    api = world["api"]
    rows = api.ok("GET", path, query=world.fmt(query))
    assert isinstance(rows, list)
    assert sorted(mine(rows, world[universe])) == world.pk(expect), \
        (query, rows)


@by_filter(CATEGORY_FILTERS)
def test_category_filter(world, query, expect):
    """The list and tree/ take the same filters."""
    check_filter(world, CAT, "cats", query, expect)
    check_filter(world, CAT + "tree/", "cats", query, expect)


@by_filter(PART_FILTERS)
def test_part_filter(world, query, expect):
    check_filter(world, PART, "parts", query, expect)


@by_filter(LOCATION_FILTERS)
def test_location_filter(world, query, expect):
    check_filter(world, LOC, "locs", query, expect)
    check_filter(world, LOC + "tree/", "locs", query, expect)


@by_filter(STOCK_FILTERS)
def test_stock_filter(world, query, expect):
    check_filter(world, STOCK, "items", query, expect)


def test_stock_updated_filters(world):
    """Every item was made today (UTC): the dates around each item's own
    `updated` select exactly the items updated before/after them."""
    api = world["api"]
    items = [i for i in api.get(STOCK) if i["pk"] in world["items"]]
    days = sorted({i["updated"][:10] for i in items})
    assert len(items) == 7
    for day in days:
        before = sorted(i["pk"] for i in items if i["updated"][:10] <= day)
        after = sorted(i["pk"] for i in items if i["updated"][:10] >= day)
        assert sorted(mine(api.get(STOCK, updated_before=day),
                           world["items"])) == before
        assert sorted(mine(api.get(STOCK, updated_after=day),
                           world["items"])) == after
    assert mine(api.get(STOCK, updated_before="2000-01-01"),
                world["items"]) == []
    assert mine(api.get(STOCK, updated_after="2999-12-31"),
                world["items"]) == []
    assert sorted(mine(api.get(STOCK, updated_after="2000-01-01",
                               updated_before="2999-12-31"),
                       world["items"])) == world.pk(ALL_I)


TRACK_FILTERS = [
    # (query, which of the data set's entries: a predicate on the entry)
    ({"item": "{I2}"}, lambda w, t: t["item"] == w["I2"]),
    ({"item": "{I5}"}, lambda w, t: t["item"] == w["I5"]),
    ({"user": "{U1}"}, lambda w, t: t["user"] == w["U1"]),
    ({"user": "{U2}"}, lambda w, t: t["user"] == w["U2"]),
    ({"user": "null"}, lambda w, t: t["user"] is None),
    ({"tracking_type": "40"}, lambda w, t: t["tracking_type"] == 40),
    ({"tracking_type": "1"}, lambda w, t: t["tracking_type"] == 1),
    ({"part": "{P2}"}, lambda w, t: part_of(w)[t["item"]] == w["P2"]),
    ({"part": "{P1}", "tracking_type": "10"},
     lambda w, t: part_of(w)[t["item"]] == w["P1"] and
     t["tracking_type"] == 10),
    ({"item": "{I2}", "user": "{U2}"}, lambda w, t: False),
]


@by_filter(TRACK_FILTERS, "query,pred")
def test_track_filter(world, query, pred):
    api = world["api"]
    rows = api.ok("GET", TRACK, query=world.fmt(query))
    want = [t["pk"] for t in world["entries"] if pred(world, t)]
    assert mine(rows, world["tracks"]) == want     # newest first


def test_track_filter_exact_entries(world):
    """The subsets above, spelled out."""
    w, api = world, world["api"]
    u2 = api.get(TRACK, user=w["U2"])
    assert [(t["item"], t["tracking_type"], t["notes"], t["deltas"])
            for t in u2 if t["pk"] in w["tracks"]] == [
        (w["I5"], 10, "recount", {"quantity": 3.0})]
    split = [t for t in api.get(TRACK, tracking_type=40)
             if t["pk"] in w["tracks"]]
    assert [(t["item"], t["deltas"]) for t in split] == [
        (w["I6"], {"stockitem": w["I2"], "quantity": 1.0,
                   "location": w["L4"]})]
    assert [t["tracking_type"] for t in api.get(TRACK, item=w["I2"])] == \
        [42, 1]
    assert sorted(t["item"] for t in api.get(TRACK, part=w["P2"])) == \
        sorted([w["I2"], w["I2"], w["I4"], w["I4"], w["I6"]])


# ---- bad filter values --------------------------------------------------

LONG = "x" * 201
BAD = {
    CAT: [("parent", "abc"), ("parent", "0"), ("parent", "999999999"),
          ("parent", "1.5"), ("cascade", "x"), ("depth", "-1"),
          ("depth", "101"), ("depth", "x"), ("top_level", "maybe"),
          ("structural", "2"), ("name", LONG), ("level", "x"),
          ("level", "1.5"), ("starred", "maybe"), ("search", LONG),
          ("limit", "ten"), ("limit", "0"), ("offset", "-1")],
    PART: [("category", "x"), ("category", "999999999"), ("category", "0"),
           ("cascade", "x"), ("default_location", "abc"),
           ("default_location", "999999999"),
           *[(b, "maybe") for b in (
               "active", "assembly", "component", "purchaseable",
               "salable", "trackable", "virtual", "is_template", "locked",
               "testable", "has_stock", "low_stock", "has_IPN",
               "starred", "category_detail")],
           ("has_stock", "2"), ("IPN", LONG), ("name", LONG),
           ("revision", LONG), ("search", LONG), ("limit", "ten"),
           ("offset", "-1")],
    LOC: [("parent", "nope"), ("parent", "999999999"), ("cascade", "x"),
          ("depth", "-1"), ("top_level", "maybe"), ("structural", "x"),
          ("external", "2"), ("name", LONG), ("level", "x"),
          ("search", LONG), ("limit", "-5"), ("offset", "x")],
    STOCK: [("part", "x"), ("part", "999999999"), ("location", "0"),
            ("location", "999999999"), ("cascade", "x"), ("category", "-3"),
            ("category", "999999999"), ("parent", "abc"),
            ("parent", "999999999"), ("status", "11"), ("status", "OK"),
            ("in_stock", "sure"), ("batch", LONG), ("serial", LONG),
            ("has_batch", "x"), ("serialized", "x"),
            ("updated_before", "yesterday"), ("updated_after", "2024-13-01"),
            ("expiry_date_lte", "2024-1-1"),
            ("expiry_date_gte", "2024-01-01x"), ("active", "x"),
            ("part_detail", "x"), ("location_detail", "x"),
            ("search", LONG), ("limit", "ten"), ("offset", "-1")],
    TRACK: [("item", "x"), ("item", "999999999"), ("user", "abc"),
            ("user", "999999999"), ("tracking_type", "x"),
            ("tracking_type", "1.5"), ("part", "0"), ("part", "999999999"),
            ("item_detail", "maybe"), ("user_detail", "2"),
            ("search", LONG), ("limit", "ten"), ("offset", "-1")],
}
BAD_CASES = [pytest.param(path, name, value, id=f"{path}?{name}={value[:12]}")
             for path, cases in BAD.items() for name, value in cases]


@pytest.mark.parametrize("path,name,value", BAD_CASES)
def test_bad_filter_value_names_the_field(world, path, name, value):
    query = {name: value}
    if name == "offset":
        query["limit"] = "5"
    r = world["api"].call("GET", path, query=query)
    assert r.status == 400 and r.is_json, r
    assert list(r.json()) == [name], r


@pytest.mark.parametrize("path", [CAT + "tree/", LOC + "tree/"])
def test_tree_listing_bad_filter(world, path):
    r = world["api"].call("GET", path, query={"parent": "abc"})
    assert r.status == 400 and list(r.json()) == ["parent"], r


# ---- search -------------------------------------------------------------

SEARCHES = [
    # (list, universe, term, expected)
    (CAT, "cats", "pass", "C1 C2 C3"),
    (CAT, "cats", "Größe+1", "C3"),              # non-ASCII, %2B
    (CAT, "cats", "& Größe", "C3"),
    (CAT, "cats", "{tag}", ALL_C),               # pathstring
    (CAT, "cats", "resist", "C2"),               # any case
    (PART, "parts", "Widerstände", "P3"),        # full text, non-ASCII
    (PART, "parts", "kΩ", "P3"),                 # short term, non-ASCII
    (PART, "parts", "Nuts & Bolts + 5% Größe {tag}", "P2 P4"),
    (PART, "parts", "Bolts 5%", "P1 P2 P4"),     # every word, anywhere
    (PART, "parts", '"Bolts 5%"', "P1"),         # a quoted phrase: as is
    (PART, "parts", "100%", ""),
    (PART, "parts", "r-10k", "P1"),              # IPN, any case
    (PART, "parts", "Passives", "P3"),           # category name
    (PART, "parts", "M3 & nut", "P4"),
    (LOC, "locs", "bin", "L2"),
    (LOC, "locs", "Außenlager & Co + 10% {tag}", "L4"),
    (LOC, "locs", "Shelf A/Bin", "L2"),          # pathstring
    (STOCK, "items", "SN-001", "I3"),
    (STOCK, "items", "Größe {tag}", "I2 I4 I6 I7"),   # the part's text
    (STOCK, "items", "Ivh Store {tag}", "I3 I6 I7"),  # location name
    (STOCK, "items", "Ivh note {tag}", "I7"),          # notes
    (STOCK, "items", "B-2", "I4"),                    # batch
    (STOCK, "items", "B-", "I1 I4 I7"),               # short: batch, IPN
    (TRACK, "tracks", "split ü & co {tag}", None),    # notes
    (TRACK, "tracks", "recount", None),
]


@pytest.mark.parametrize("plus", [False, True], ids=["pct20", "plus"])
@pytest.mark.parametrize("path,universe,term,expect", SEARCHES,
                         ids=[f"{p}:{t}" for p, _, t, _ in SEARCHES])
def test_search(world, path, universe, term, expect, plus):
    """Each term sent urlencoded with spaces as %20 and as '+'."""
    term = term.format(**world)
    api = world["api"]
    rows = api.ok("GET", path, query={"search": term}, plus=plus)
    got = sorted(mine(rows, world[universe]))
    if path == TRACK:
        want = sorted(t["pk"] for t in world["entries"]
                      if term in t["notes"])
        assert len(want) == (2 if "split" in term else 1)
    else:
        want = world.pk(expect)
    assert got == want, (term, rows)


def test_search_raw_query_strings(world):
    """Query strings as a client might write them by hand: '+' is a space,
    %2B a plus, %26 an ampersand, and a bare '&' ends the value."""
    w, api = world, world["api"]
    tag = w["tag"]

    def got(qs, universe="parts", path=PART):
        return sorted(mine(api.ok("GET", path, query=qs), w[universe]))

    assert got(f"search=Nuts+%26+Bolts+%2B+5%25+Gr%C3%B6%C3%9Fe+{tag}") == \
        w.pk("P2 P4")
    assert got(f"search=Nuts%20%26%20Bolts%20%2B%205%25%20Gr%C3%B6%C3%9Fe"
               f"%20{tag}") == w.pk("P2 P4")
    assert got("search=Gr%C3%B6%C3%9Fe%2B1", "cats", CAT) == w.pk("C3")
    # '+' is a space, so two words in any order; %2B is a plus in one word.
    assert got("search=1+Gr%C3%B6%C3%9Fe", "cats", CAT) == w.pk("C3")
    assert got("search=1%2BGr%C3%B6%C3%9Fe", "cats", CAT) == []
    assert got("name=Ivh+Capacitor+100nF") == w.pk("P2")
    assert got("name=Ivh%20Hex%20bolt%20M3%20%26%20nut") == w.pk("P4")
    # "M3 " then a parameter " nut" of no meaning: the name does not match
    assert got("name=Ivh+Hex+bolt+M3+&+nut") == []
    # A malformed escape: the program refuses it (as at the CGI level),
    # but lighttpd normalizes the URL first, sending it on as %25zz.
    r = api.call("GET", PART, query="search=%zz")
    if api.srv.is_apache:
        assert r.status == 400 and r.json() == {"detail": (
            "Malformed parameter: bad percent-encoding, control character "
            "or invalid UTF-8")}, r
    else:
        assert r.status == 200 and mine(r.json(), w["parts"]) == [w["P5"]]


# ---- ordering -----------------------------------------------------------

def none_first(v):
    return (v is not None, v if v is not None else 0)


def order_cases():
    text = lambda f: (lambda w, r: r[f] or "")           # noqa: E731
    num = lambda f: (lambda w, r: r[f])                  # noqa: E731
    nul = lambda f: (lambda w, r: none_first(r[f]))      # noqa: E731
    cases = []
    for f, k in (("name", text("name")), ("pathstring", text("pathstring")),
                 ("level", num("level")), ("pk", num("pk")),
                 ("part_count", num("part_count"))):
        cases.append((CAT, "cats", f, k))
    for f, k in (("name", text("name")), ("IPN", text("IPN")),
                 ("pk", num("pk")), ("creation_date", text("creation_date")),
                 ("in_stock", num("in_stock")),
                 ("total_in_stock", num("in_stock")),
                 ("unallocated_stock", num("in_stock")),
                 ("minimum_stock", num("minimum_stock")),
                 ("category", nul("category")),
                 ("revision", text("revision"))):
        cases.append((PART, "parts", f, k))
    for f, k in (("name", text("name")), ("pathstring", text("pathstring")),
                 ("level", num("level")), ("pk", num("pk")),
                 ("items", num("items"))):
        cases.append((LOC, "locs", f, k))
    for f, k in (("pk", num("pk")), ("part", num("part")),
                 ("part__name", lambda w, r: w["part_names"][r["part"]]),
                 ("quantity", num("quantity")),
                 ("location", lambda w, r: none_first(
                     w["loc_paths"].get(r["location"]))),
                 ("status", num("status")), ("updated", text("updated")),
                 ("stocktake_date", nul("stocktake_date")),
                 ("batch", text("batch")), ("serial", text("serial")),
                 ("expiry_date", nul("expiry_date"))):
        cases.append((STOCK, "items", f, k))
    for f, k in (("date", text("date")), ("pk", num("pk")),
                 ("tracking_type", num("tracking_type"))):
        cases.append((TRACK, "tracks", f, k))
    return cases


ORDER_CASES = order_cases()


@pytest.fixture(scope="module")
def names(world):
    """Part names and location paths, for the orderings by them."""
    api = world["api"]
    world["part_names"] = {p["pk"]: p["name"] for p in api.get(PART)}
    world["loc_paths"] = {l["pk"]: l["pathstring"] for l in api.get(LOC)}
    return world


@pytest.mark.parametrize("path,universe,field,key", ORDER_CASES,
                         ids=[f"{p}:{f}" for p, _, f, _ in ORDER_CASES])
def test_ordering(names, path, universe, field, key):
    """ordering=f sorts by f then pk; -f is exactly the reverse."""
    w, api = names, names["api"]
    rows = [r for r in api.get(path) if r["pk"] in w[universe]]
    want = [r["pk"] for r in sorted(rows, key=lambda r: (key(w, r),
                                                          r["pk"]))]
    assert len(want) == len(w[universe])
    asc = api.get(path, ordering=field)
    assert mine(asc, w[universe]) == want, field
    desc = api.get(path, ordering="-" + field)
    assert mine(desc, w[universe]) == want[::-1], field


def test_ordering_defaults_and_unknown_fields(world):
    w, api = world, world["api"]
    names = [p["name"] for p in api.get(PART) if p["pk"] in w["parts"]]
    assert names == sorted(names)                    # by name
    assert mine(api.get(PART, ordering="bogus"), w["parts"]) == \
        mine(api.get(PART), w["parts"])
    assert mine(api.get(PART, ordering="bogus,-pk"), w["parts"]) == \
        w.pk(ALL_P)[::-1]
    assert mine(api.get(STOCK), w["items"]) == w.pk(ALL_I)     # by pk
    tracks = mine(api.get(TRACK), w["tracks"])
    assert tracks == sorted(tracks, reverse=True)              # newest
    paths = [c["pathstring"] for c in api.get(CAT)
             if c["pk"] in w["cats"]]
    assert paths == sorted(paths)                    # by pathstring


# ---- pagination ---------------------------------------------------------

def base(world):
    return f"http://127.0.0.1{world['api'].srv.prefix}"


def test_pagination_keeps_parameters_and_prefix(world):
    """next/previous are absolute URLs under the server's prefix that keep
    every other parameter (re-encoded: %20 for a space), then limit, then
    offset (left out at 0)."""
    w, api = world, world["api"]
    tag = w["tag"]
    term = f"Nuts & Bolts + 5% Größe {tag}"
    enc = ("search=Nuts%20%26%20Bolts%20%2B%205%25%20Gr%C3%B6%C3%9Fe%20"
           + tag)
    for plus in (False, True):
        page = api.ok("GET", PART, query={"search": term,
                                          "ordering": "-name", "limit": 1},
                      plus=plus)
        assert page["count"] == 2 and pks(page["results"]) == w.pk("P4")
        assert page["previous"] is None
        assert page["next"] == (f"{base(w)}/api/part/?{enc}"
                                "&ordering=-name&limit=1&offset=1")
    page2 = api.follow(page["next"])
    assert page2["count"] == 2 and pks(page2["results"]) == w.pk("P2")
    assert page2["next"] is None
    assert page2["previous"] == (f"{base(w)}/api/part/?{enc}"
                                 "&ordering=-name&limit=1")
    assert api.follow(page2["previous"]) == page


@pytest.mark.parametrize("path,query,order", [
    (CAT, {"parent": "{C0}", "cascade": "true", "ordering": "name"},
     "C3 C4 C1 C2"),
    (LOC, {"parent": "{L0}", "cascade": "true", "ordering": "-pk"},
     "L3 L2 L1"),
    (PART, {"category": "{C0}", "ordering": "pk"}, "P1 P2 P3"),
    (STOCK, {"location": "{L4}", "ordering": "-pk"}, "I6 I7 I3"),
    (STOCK, {"category": "{C0}", "part_detail": "true"},
     "I1 I2 I3 I4 I5 I6"),
], ids=["category", "location", "part", "stock", "stock-detail"])
def test_pagination_walk(world, path, query, order):
    """Walking next to the end and previous back gives every row once, in
    order, with the query's own parameters kept in every URL."""
    w, api = world, world["api"]
    q = w.fmt(query)
    want = [w[n] for n in order.split()]
    page = api.ok("GET", path, query=dict(q, limit=2))
    assert page["count"] == len(want) and page["previous"] is None
    seen, pages = [], [page]
    while True:
        seen += [r["pk"] for r in page["results"]]
        assert len(page["results"]) <= 2
        if page["next"] is None:
            break
        u = urllib.parse.urlsplit(page["next"])
        assert u.path == w["api"].srv.prefix + path
        got = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        assert got == dict({k: [v] for k, v in q.items()}, limit=["2"],
                           offset=[str(len(seen))])
        page = api.follow(page["next"])
        pages.append(page)
    assert seen == want
    back = pages[-1]
    for expected in reversed(pages[:-1]):
        back = api.follow(back["previous"])
        assert back == expected
    assert back["previous"] is None


def test_next_url_names_the_host_and_port_asked_for(world):
    """A client that sends Host with the port (any browser, requests,
    http.client) gets next/previous URLs it can follow as they are."""
    w, srv = world, world["api"].srv

    def get(url):
        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=15)
        try:
            conn.request("GET", u.path + "?" + u.query,
                         headers=w["api"].auth)
            r = conn.getresponse()
            body = r.read()
        finally:
            conn.close()
        assert r.status == 200, (r.status, body)
        return json.loads(body)

    origin = f"http://127.0.0.1:{srv.port}{srv.prefix}"
    page = get(f"{origin}/api/stock/?location={w['L4']}&ordering=pk"
               "&limit=2")
    assert page["next"] == (f"{origin}/api/stock/?location={w['L4']}"
                            "&ordering=pk&limit=2&offset=2")
    last = get(page["next"])
    assert pks(last["results"]) == [w["I6"]]
    assert last["previous"] == (f"{origin}/api/stock/?location={w['L4']}"
                                "&ordering=pk&limit=2")
    assert get(last["previous"]) == page


@pytest.mark.parametrize("path", ["/api//part/", "/api/./part/",
                                  "//api/part/", "/api/stock/../part/",
                                  "/api/part/./"],
                         ids=["double-slash", "dot", "leading-slashes",
                              "dot-dot", "trailing-dot"])
def test_next_url_of_an_unnormalized_path(world, path):
    """The servers merge slashes and resolve dot segments before they set
    PATH_INFO; the prefix found in REQUEST_URI must be too.  (It was
    "/api" for /api//part/, so next pointed at /api/api/part/.)"""
    w, api = world, world["api"]
    page = api.ok("GET", path, query=w.fmt({"category": "{C0}",
                                            "ordering": "pk", "limit": 1}))
    assert pks(page["results"]) == w.pk("P1")
    assert page["next"] == (f"{base(w)}/api/part/?category={w['C0']}"
                            "&ordering=pk&limit=1&offset=1")
    assert pks(api.follow(page["next"])["results"]) == w.pk("P2")


def test_pagination_of_tracking(world):
    w, api = world, world["api"]
    want = [t["pk"] for t in w["entries"]
            if part_of(w)[t["item"]] == w["P2"]]
    assert len(want) == 5
    page = api.get(TRACK, part=w["P2"], limit=2, offset=1)
    assert page["count"] == 5
    assert [t["pk"] for t in page["results"]] == want[1:3]
    assert page["previous"] == f"{base(w)}/api/stock/track/?part={w['P2']}" \
        "&limit=2"
    assert page["next"] == f"{base(w)}/api/stock/track/?part={w['P2']}" \
        "&limit=2&offset=3"
    last = api.follow(page["next"])
    assert [t["pk"] for t in last["results"]] == want[3:]
    assert last["next"] is None
    past = api.get(TRACK, part=w["P2"], limit=2, offset=50)
    assert past["results"] == [] and past["count"] == 5
    assert past["next"] is None
    assert past["previous"].endswith("&limit=2&offset=48")


def test_unpaginated_list_is_a_bare_array(world):
    api = world["api"]
    for path in (CAT, PART, LOC, STOCK, TRACK):
        r = api.call("GET", path)
        assert r.status == 200 and isinstance(r.json(), list), (path, r)
        r = api.call("GET", path, query={"limit": ""})
        assert isinstance(r.json(), list), (path, r)


# ---- trees, counts ------------------------------------------------------

def check_tree_listing(w, path, pks, children, expected):
    """path's tree/ lists, of the nodes pks, exactly the rows expected
    gives as (key, name, parent key, level, structural, count of children
    under the name children)."""
    rows = {r["pk"]: r for r in w["api"].get(path + "tree/")
            if r["pk"] in pks}
    assert len(rows) == len(expected)
    for key, name, parent, level, structural, n in expected:
        assert rows[w[key]] == {
            "pk": w[key], "name": name, "parent": parent and w[parent],
            "level": level, "icon": "", "structural": structural,
            children: n}


def test_category_tree_listing(world):
    w = world
    check_tree_listing(w, CAT, w["cats"], "subcategories", (
        ("C0", f"Ivh Electronics {w['tag']}", None, 0, False, 2),
        ("C1", "Passives", "C0", 1, False, 2),
        ("C2", "Resistors", "C1", 2, False, 0),
        ("C3", "Capacitors & Größe+1", "C1", 2, False, 0),
        ("C4", "ICs", "C0", 1, True, 0),
        ("C5", f"Ivh Mechanical {w['tag']}", None, 0, False, 0)))


def test_location_tree_listing(world):
    w = world
    check_tree_listing(w, LOC, w["locs"], "sublocations", (
        ("L0", f"Ivh Workshop {w['tag']}", None, 0, False, 2),
        ("L1", "Shelf A", "L0", 1, False, 1),
        ("L2", "Bin 1", "L1", 2, False, 0),
        ("L3", "Racks", "L0", 1, True, 0),
        ("L4", f"Ivh Store {w['tag']}", None, 0, False, 0)))


def test_category_counts_and_paths(world):
    w, api = world, world["api"]
    tag = w["tag"]
    for key, parts, subs, path in (
            ("C0", 3, 4, f"Ivh Electronics {tag}"),
            ("C1", 3, 2, f"Ivh Electronics {tag}/Passives"),
            ("C2", 1, 0, f"Ivh Electronics {tag}/Passives/Resistors"),
            ("C3", 1, 0, f"Ivh Electronics {tag}/Passives/"
                         "Capacitors & Größe+1"),
            ("C4", 0, 0, f"Ivh Electronics {tag}/ICs"),
            ("C5", 1, 0, f"Ivh Mechanical {tag}")):
        c = api.get(CAT + f"{w[key]}/")
        assert (c["part_count"], c["subcategories"], c["pathstring"]) == \
            (parts, subs, path), key
    c = api.get(CAT + f"{w['C3']}/", path_detail=True)
    assert [p["name"] for p in c["path"]] == [
        f"Ivh Electronics {tag}", "Passives", "Capacitors & Größe+1"]
    listed = {c["pk"]: c for c in api.get(CAT) if c["pk"] in w["cats"]}
    for pk, c in listed.items():
        assert c == api.get(CAT + f"{pk}/")


def test_location_counts_and_paths(world):
    w, api = world, world["api"]
    tag = w["tag"]
    for key, items, subs, path in (
            ("L0", 3, 3, f"Ivh Workshop {tag}"),
            ("L1", 2, 1, f"Ivh Workshop {tag}/Shelf A"),
            ("L2", 1, 0, f"Ivh Workshop {tag}/Shelf A/Bin 1"),
            ("L3", 0, 0, f"Ivh Workshop {tag}/Racks"),
            ("L4", 3, 0, f"Ivh Store {tag}")):
        loc = api.get(LOC + f"{w[key]}/")
        assert (loc["items"], loc["sublocations"], loc["pathstring"]) == \
            (items, subs, path), key
    assert api.get(LOC + f"{w['L4']}/")["external"] is True
    r = api.get(LOC + f"{w['L2']}/", path_detail=True)
    assert r["path"] == [{"pk": w["L0"], "name": f"Ivh Workshop {tag}"},
                         {"pk": w["L1"], "name": "Shelf A"},
                         {"pk": w["L2"], "name": "Bin 1"}]


# ---- delete semantics ---------------------------------------------------

SERIAL = itertools.count(1)


@pytest.fixture
def tag(world):
    """A name part no other test of this run uses."""
    return f"{world['tag']}-{next(SERIAL)}"


def test_category_delete_moves_children_and_parts_up(world, tag):
    api = world["api"]
    top = api.ok("POST", CAT, {"name": f"Del {tag}"})["pk"]
    mid = api.ok("POST", CAT, {"name": "Mid", "parent": top})["pk"]
    low = api.ok("POST", CAT, {"name": "Low", "parent": mid})["pk"]
    p = api.ok("POST", PART, {"name": f"Del part {tag}",
                              "category": mid})["pk"]
    q = api.ok("POST", PART, {"name": f"Low part {tag}",
                              "category": low})["pk"]
    api.ok("DELETE", CAT + f"{mid}/")
    assert api.call("GET", CAT + f"{mid}/").status == 404
    c = api.get(CAT + f"{low}/")
    assert (c["parent"], c["level"], c["pathstring"]) == \
        (top, 1, f"Del {tag}/Low")
    assert api.get(PART + f"{p}/")["category"] == top
    assert api.get(PART + f"{q}/")["category"] == low
    assert api.get(CAT + f"{top}/")["part_count"] == 2
    # a top-level category: its parts are left without one
    api.ok("DELETE", CAT + f"{top}/")
    assert api.get(PART + f"{p}/")["category"] is None
    assert api.get(CAT + f"{low}/")["parent"] is None


def test_category_delete_children_and_parts_in_body(world, tag):
    api = world["api"]
    top = api.ok("POST", CAT, {"name": f"Del {tag}"})["pk"]
    mid = api.ok("POST", CAT, {"name": "Mid", "parent": top})["pk"]
    low = api.ok("POST", CAT, {"name": "Low", "parent": mid})["pk"]
    # Inactive: deleting a category's parts follows the parts' own rules
    # (issue 12), and an active part cannot be deleted.
    p = api.ok("POST", PART, {"name": f"Mid part {tag}", "category": mid,
                              "active": False,
                              "initial_stock": {"quantity": 2}})["pk"]
    item = pks(api.get(STOCK, part=p))
    assert len(item) == 1
    q = api.ok("POST", PART, {"name": f"Low part {tag}", "active": False,
                              "category": low})["pk"]
    keep = api.ok("POST", PART, {"name": f"Top part {tag}",
                                 "category": top})["pk"]
    api.ok("DELETE", CAT + f"{mid}/", {"delete_child_categories": True,
                                       "delete_parts": True})
    for pk in (mid, low):
        assert api.call("GET", CAT + f"{pk}/").status == 404
    for pk in (p, q):
        assert api.call("GET", PART + f"{pk}/").status == 404
    assert api.call("GET", STOCK + f"{item[0]}/").status == 404
    assert api.get(PART, search=f"part {tag}") == [
        api.get(PART + f"{keep}/")]
    assert api.get(CAT + f"{top}/")["subcategories"] == 0


def test_category_delete_options_in_query_string(world, tag):
    api = world["api"]
    top = api.ok("POST", CAT, {"name": f"Del {tag}"})["pk"]
    mid = api.ok("POST", CAT, {"name": "Mid", "parent": top})["pk"]
    low = api.ok("POST", CAT, {"name": "Low", "parent": mid})["pk"]
    q = api.ok("POST", PART, {"name": f"Low part {tag}",
                              "category": low})["pk"]
    r = api.call("DELETE", CAT + f"{mid}/",
                 query={"delete_parts": "maybe"})
    assert r.status == 400 and list(r.json()) == ["delete_parts"], r
    r = api.call("DELETE", CAT + f"{mid}/",
                 body={"delete_child_categories": "perhaps"})
    assert r.status == 400 and list(r.json()) == [
        "delete_child_categories"], r
    assert api.get(CAT + f"{low}/")["parent"] == mid     # nothing changed
    api.ok("DELETE", CAT + f"{mid}/",
           query={"delete_child_categories": "true"})
    assert api.call("GET", CAT + f"{low}/").status == 404
    assert api.get(PART + f"{q}/")["category"] == top    # parts kept


def test_location_delete_semantics(world, tag):
    api = world["api"]
    part = api.ok("POST", PART, {"name": f"Loc part {tag}"})["pk"]
    top = api.ok("POST", LOC, {"name": f"Del {tag}"})["pk"]
    mid = api.ok("POST", LOC, {"name": "Mid", "parent": top})["pk"]
    low = api.ok("POST", LOC, {"name": "Low", "parent": mid})["pk"]
    i_mid = api.ok("POST", STOCK, {"part": part, "quantity": 3,
                                   "location": mid})["pk"]
    i_low = api.ok("POST", STOCK, {"part": part, "quantity": 4,
                                   "location": low})["pk"]
    api.ok("DELETE", LOC + f"{mid}/")
    assert api.get(STOCK + f"{i_mid}/")["location"] == top
    b = api.get(LOC + f"{low}/")
    assert (b["parent"], b["pathstring"], b["level"]) == \
        (top, f"Del {tag}/Low", 1)
    assert api.get(LOC + f"{top}/")["items"] == 2
    # with items and sublocations, from the query string
    api.ok("DELETE", LOC + f"{top}/", query={"delete_stock_items": "1",
                                             "delete_sub_locations": "1"})
    for pk in (top, low):
        assert api.call("GET", LOC + f"{pk}/").status == 404
    for pk in (i_mid, i_low):
        assert api.call("GET", STOCK + f"{pk}/").status == 404
    assert api.get(PART + f"{part}/")["in_stock"] == 0.0
    # a top-level location: its items are left without one
    solo = api.ok("POST", LOC, {"name": f"Solo {tag}"})["pk"]
    kid = api.ok("POST", LOC, {"name": "Kid", "parent": solo})["pk"]
    i = api.ok("POST", STOCK, {"part": part, "quantity": 1,
                               "location": solo})["pk"]
    r = api.call("DELETE", LOC + f"{solo}/",
                 body={"delete_stock_items": "maybe"})
    assert r.status == 400 and list(r.json()) == ["delete_stock_items"], r
    api.ok("DELETE", LOC + f"{solo}/", {"delete_stock_items": False})
    assert api.get(STOCK + f"{i}/")["location"] is None
    assert api.get(LOC + f"{kid}/")["parent"] is None
    assert i in pks(api.get(STOCK, location="null", cascade="false"))


# ---- adjustments --------------------------------------------------------

@pytest.fixture
def adj(world, tag):
    """Two items of a new part on shelf A of a new location, 10 and 2.5."""
    api = world["api"]
    w = {"api": api}
    w["w"] = api.ok("POST", LOC, {"name": f"Adj {tag}"})["pk"]
    w["a"] = api.ok("POST", LOC, {"name": "A", "parent": w["w"]})["pk"]
    w["b"] = api.ok("POST", LOC, {"name": "B", "parent": w["w"]})["pk"]
    w["p"] = api.ok("POST", PART, {"name": f"Adj part {tag}"})["pk"]
    w["i1"] = api.ok("POST", STOCK, {"part": w["p"], "quantity": 10,
                                     "location": w["a"]})["pk"]
    w["i2"] = api.ok("POST", STOCK, {"part": w["p"], "quantity": "2.5",
                                     "location": w["a"]})["pk"]
    return w


def qty(api, pk):
    return api.get(STOCK + f"{pk}/")["quantity"]


def track_of(api, pk):
    return api.get(TRACK, item=pk)


def test_count_and_count_to_zero_keeps_the_item(world, adj):
    api = adj["api"]
    api.ok("POST", STOCK + "count/", {"items": [{"pk": adj["i1"],
                                                 "quantity": "7.5"}],
                                      "notes": "stocktake"})
    i = api.get(STOCK + f"{adj['i1']}/")
    assert i["quantity"] == 7.5 and i["stocktake_date"] is not None
    t = track_of(api, adj["i1"])[0]
    assert (t["tracking_type"], t["notes"], t["deltas"], t["user"]) == \
        (10, "stocktake", {"quantity": 7.5}, world["U1"])
    api.ok("POST", STOCK + "count/", {"items": [{"pk": adj["i1"],
                                                 "quantity": 0}]})
    i = api.get(STOCK + f"{adj['i1']}/")
    assert i["quantity"] == 0.0 and i["in_stock"] is False
    assert [t["tracking_type"] for t in track_of(api, adj["i1"])] == \
        [10, 10, 1]
    assert api.get(PART + f"{adj['p']}/")["in_stock"] == 2.5


def test_add_and_remove(adj):
    api = adj["api"]
    api.ok("POST", STOCK + "add/", {"items": [
        {"pk": adj["i1"], "quantity": 5},
        {"pk": adj["i2"], "quantity": "0.5"}], "notes": "delivery"})
    assert (qty(api, adj["i1"]), qty(api, adj["i2"])) == (15.0, 3.0)
    api.ok("POST", STOCK + "remove/", {"items": [
        {"pk": adj["i1"], "quantity": "14.99999"}]})
    assert qty(api, adj["i1"]) == 0.00001
    t = track_of(api, adj["i1"])
    assert [e["tracking_type"] for e in t] == [12, 11, 1]
    assert t[0]["deltas"] == {"removed": 14.99999, "quantity": 0.00001}
    assert t[1]["deltas"] == {"added": 5.0, "quantity": 15.0}
    assert t[1]["notes"] == "delivery"
    assert api.get(PART + f"{adj['p']}/")["in_stock"] == 3.00001
    # removing all of it keeps the item (delete_on_deplete is off)
    api.ok("POST", STOCK + "remove/", {"items": [
        {"pk": adj["i2"], "quantity": 3}]})
    assert qty(api, adj["i2"]) == 0.0


def test_remove_to_zero_deletes_when_asked(adj):
    api = adj["api"]
    i = api.ok("POST", STOCK, {"part": adj["p"], "quantity": 2,
                               "location": adj["a"],
                               "delete_on_deplete": True})
    assert i["delete_on_deplete"] is True
    api.ok("POST", STOCK + "remove/", {"items": [{"pk": i["pk"],
                                                  "quantity": 2}]})
    assert api.call("GET", STOCK + f"{i['pk']}/").status == 404


def test_a_tenth_ten_times_is_exactly_one(adj):
    api = adj["api"]
    api.ok("POST", STOCK + "count/", {"items": [{"pk": adj["i1"],
                                                 "quantity": 0}]})
    for _ in range(10):
        api.ok("POST", STOCK + "add/", {"items": [{"pk": adj["i1"],
                                                   "quantity": 0.1}]})
    r = api.call("GET", STOCK + f"{adj['i1']}/")
    assert re.search(rb'"quantity":1\.0[,}]', r.body), r
    r = api.call("GET", PART + f"{adj['p']}/")
    assert re.search(rb'"in_stock":3\.5[,}]', r.body), r
    for _ in range(10):
        api.ok("POST", STOCK + "remove/", {"items": [{"pk": adj["i1"],
                                                      "quantity": "0.1"}]})
    r = api.call("GET", STOCK + f"{adj['i1']}/")
    assert re.search(rb'"quantity":0\.0[,}]', r.body), r


def entry_count(api):
    return api.get(TRACK, limit=1)["count"]


def test_one_transaction_bad_item_changes_nothing(adj):
    api = adj["api"]
    before = entry_count(api)
    r = api.call("POST", STOCK + "remove/", {"items": [
        {"pk": adj["i1"], "quantity": 1},
        {"pk": adj["i2"], "quantity": 3}]})
    assert r.status == 400 and r.json() == {"items": [
        {}, {"quantity": ["Quantity must not exceed available stock "
                          "quantity (2.5)"]}]}, r
    r = api.call("POST", STOCK + "add/", {"items": [
        {"pk": adj["i1"], "quantity": 1}, {"pk": 424242424, "quantity": 1}]})
    assert r.status == 400 and r.json() == {"items": [
        {}, {"pk": ['Invalid pk "424242424" - object does not exist.']}]}, r
    r = api.call("POST", STOCK + "transfer/", {"items": [
        {"pk": adj["i1"], "quantity": 4}, {"pk": adj["i2"], "quantity": 0}],
        "location": adj["b"]})
    assert r.status == 400 and r.json() == {"items": [
        {}, {"quantity": ["Quantity must be greater than zero"]}]}, r
    r = api.call("POST", STOCK + "count/", {"items": [
        {"pk": adj["i1"], "quantity": 4}, {"pk": adj["i2"]}]})
    assert r.status == 400 and list(r.json()["items"][1]) == ["quantity"]
    assert (qty(api, adj["i1"]), qty(api, adj["i2"])) == (10.0, 2.5)
    assert api.get(STOCK, location=adj["b"]) == []
    assert entry_count(api) == before


@pytest.mark.parametrize("op,items,field", [
    ("add", [{"quantity": 0}], "quantity"),
    ("add", [{"quantity": -1}], "quantity"),
    ("remove", [{"quantity": "-0.5"}], "quantity"),
    ("transfer", [{"quantity": 0}], "quantity"),
    ("count", [{"quantity": -1}], "quantity"),
    ("remove", [{"quantity": "10.00001"}], "quantity"),
    ("transfer", [{"quantity": 11}], "quantity"),
    ("add", [{"quantity": "1.000001"}], "quantity"),
    ("add", [{"quantity": "x"}], "quantity"),
    ("add", [{"pk": "x", "quantity": 1}], "pk"),
])
def test_adjustment_quantity_rules(adj, op, items, field):
    api = adj["api"]
    body = {"items": [dict({"pk": adj["i1"]}, **it) for it in items]}
    if op == "transfer":
        body["location"] = adj["b"]
    r = api.call("POST", STOCK + f"{op}/", body)
    assert r.status == 400 and list(r.json()) == ["items"], r
    assert list(r.json()["items"][0]) == [field], r
    assert qty(api, adj["i1"]) == 10.0
    assert [t["tracking_type"] for t in track_of(api, adj["i1"])] == [1]


@pytest.mark.parametrize("op,body,field", [
    ("add", {"items": []}, "items"),
    ("add", {}, "items"),
    ("count", {"items": "all"}, "items"),
    ("transfer", {"items": [{"pk": 1, "quantity": 1}]}, "location"),
    ("transfer", {"items": [{"pk": 1, "quantity": 1}],
                  "location": 999999999}, "location"),
    ("add", {"items": [{"pk": 1, "quantity": 1}], "notes": 5}, "notes"),
])
def test_adjustment_request_errors(adj, op, body, field):
    r = adj["api"].call("POST", STOCK + f"{op}/", body)
    assert r.status == 400 and list(r.json()) == [field], r


def test_transfer_whole_item_moves_it(adj):
    api = adj["api"]
    api.ok("POST", STOCK + "transfer/", {"items": [
        {"pk": adj["i1"], "quantity": 10}], "location": adj["b"],
        "notes": "moved"})
    i = api.get(STOCK + f"{adj['i1']}/")
    assert (i["location"], i["quantity"], i["parent"]) == \
        (adj["b"], 10.0, None)
    t = track_of(api, adj["i1"])[0]
    assert (t["tracking_type"], t["deltas"], t["notes"]) == \
        (20, {"location": adj["b"]}, "moved")
    assert pks(api.get(STOCK, location=adj["b"])) == [adj["i1"]]


def test_transfer_part_of_an_item_splits_it(adj):
    api = adj["api"]
    api.ok("POST", STOCK + "transfer/", {"items": [
        {"pk": adj["i1"], "quantity": "3.5"}], "location": adj["b"],
        "notes": "half"})
    orig = api.get(STOCK + f"{adj['i1']}/")
    assert (orig["quantity"], orig["location"]) == (6.5, adj["a"])
    moved = api.get(STOCK, location=adj["b"])
    assert len(moved) == 1
    child = moved[0]
    assert (child["quantity"], child["parent"], child["part"]) == \
        (3.5, adj["i1"], adj["p"])
    assert pks(api.get(STOCK, parent=adj["i1"])) == [child["pk"]]
    t = track_of(api, adj["i1"])
    assert [e["tracking_type"] for e in t] == [42, 1]
    assert t[0]["deltas"] == {"stockitem": child["pk"], "removed": 3.5,
                              "quantity": 6.5}
    t = track_of(api, child["pk"])
    assert [e["tracking_type"] for e in t] == [40]
    assert t[0]["deltas"] == {"stockitem": adj["i1"], "quantity": 3.5,
                              "location": adj["b"]}
    assert t[0]["notes"] == "half"
    assert api.get(PART + f"{adj['p']}/")["in_stock"] == 12.5
    assert api.get(LOC + f"{adj['w']}/")["items"] == 3


def test_serialized_items_are_not_split(adj):
    api = adj["api"]
    s = api.ok("POST", STOCK, {"part": adj["p"], "quantity": 1,
                               "location": adj["a"],
                               "serial": "ADJ-1"})["pk"]
    r = api.call("POST", STOCK + "transfer/", {
        "items": [{"pk": s, "quantity": "0.5"}], "location": adj["b"]})
    assert r.status == 400 and list(r.json()["items"][0]) == ["quantity"]
    r = api.call("POST", STOCK + "add/", {"items": [{"pk": s,
                                                      "quantity": 1}]})
    assert r.status == 400
    api.ok("POST", STOCK + "transfer/", {"items": [{"pk": s, "quantity": 1}],
                                         "location": adj["b"]})
    assert api.get(STOCK + f"{s}/")["location"] == adj["b"]


def test_change_status(world, adj):
    api = adj["api"]
    r = api.ok("POST", STOCK + "change_status/", {
        "items": [adj["i1"], str(adj["i2"])], "status": 65,
        "note": "failed inspection"})
    assert r == {"items": [adj["i1"], adj["i2"]], "status": 65,
                 "note": "failed inspection"}
    assert api.get(PART + f"{adj['p']}/")["in_stock"] == 0.0
    t = track_of(api, adj["i1"])[0]
    assert (t["tracking_type"], t["deltas"], t["notes"]) == \
        (25, {"status": 65}, "failed inspection")
    r = api.call("POST", STOCK + "change_status/",
                 {"items": [adj["i1"], 999999999], "status": 10})
    assert r.status == 400 and list(r.json()) == ["items"], r
    assert api.get(STOCK + f"{adj['i1']}/")["status"] == 65


# ---- detail flags, status codes, bulk delete ---------------------------

def test_part_and_location_detail(world):
    w, api = world, world["api"]
    part1 = api.get(PART + f"{w['P1']}/")
    l2 = {"pk": w["L2"], "name": "Bin 1",
          "pathstring": f"Ivh Workshop {w['tag']}/Shelf A/Bin 1",
          "description": "", "parent": w["L1"], "level": 2}
    i = api.get(STOCK + f"{w['I1']}/", part_detail=True,
                location_detail=True)
    assert i["part_detail"] == part1
    assert i["location_detail"] == l2
    i5 = api.get(STOCK + f"{w['I5']}/", location_detail="yes")
    assert i5["location_detail"] is None and "part_detail" not in i5
    plain = api.get(STOCK + f"{w['I1']}/")
    assert "part_detail" not in plain and "location_detail" not in plain
    rows = api.get(STOCK, part=w["P1"], part_detail=True,
                   location_detail=True)
    assert [(r["pk"], r["part_detail"], r["location_detail"])
            for r in rows] == [(w["I1"], part1, l2), (w["I5"], part1, None)]
    page = api.get(STOCK, part=w["P1"], location_detail=1, limit=1)
    assert page["results"][0]["location_detail"] == l2
    assert "part_detail" not in page["results"][0]


def test_category_detail(world):
    w, api = world, world["api"]
    c2 = api.get(CAT + f"{w['C2']}/")
    p1 = api.get(PART + f"{w['P1']}/", category_detail=True)
    assert p1["category_detail"] == c2
    rows = {p["pk"]: p for p in api.get(PART, category_detail="true")
            if p["pk"] in w["parts"]}
    assert rows[w["P1"]]["category_detail"] == c2
    assert rows[w["P5"]]["category_detail"] is None
    assert rows[w["P3"]]["category_detail"]["pathstring"] == \
        f"Ivh Electronics {w['tag']}/Passives"
    assert all("category_detail" not in p for p in api.get(PART))


def test_track_item_and_user_detail(world):
    w, api = world, world["api"]
    rows = api.get(TRACK, item=w["I5"], item_detail=True, user_detail=True)
    assert [r["tracking_type"] for r in rows] == [10, 1]
    assert rows[0]["item_detail"] == {
        "pk": w["I5"], "part": w["P1"], "part_name": "R-10K | "
        "Ivh Resistor 10k | A", "location": None, "quantity": 3.0,
        "serial": None, "supplier_part": None, "barcode_hash": "",
        "part_units": ""}
    assert rows[0]["user_detail"] == {
        "pk": w["U2"], "username": f"ivh-{w['tag']}", "first_name": "",
        "last_name": ""}
    assert rows[1]["user_detail"]["pk"] == w["U1"]
    plain = api.get(TRACK, item=w["I5"])[0]
    assert "item_detail" not in plain and "user_detail" not in plain
    one = api.get(TRACK + f"{rows[0]['pk']}/")
    assert one["item"] == w["I5"] and one["tracking_type"] == 10


def test_stock_status_codes(world):
    r = world["api"].get(STOCK + "status/")
    assert r["class"] == "StockStatus"
    vals = {v["key"]: (v["name"], v["label"], v["in_stock"])
            for v in r["values"].values()}
    assert sorted(vals) == [10, 50, 55, 60, 65, 70, 75, 85]
    assert vals[10][1] == "OK" and vals[50][1] == "Attention needed"
    assert {k for k, v in vals.items() if v[2]} == {10, 50, 55, 85}
    assert all(k == v["name"] for k, v in r["values"].items())


def test_bulk_delete_of_stock(adj):
    api = adj["api"]
    ids = [api.ok("POST", STOCK, {"part": adj["p"], "quantity": 1,
                                  "location": adj["b"]})["pk"]
           for _ in range(3)]
    r = api.call("DELETE", STOCK, {"items": [ids[0], 999999999]})
    assert r.status == 400 and "999999999" in r.body.decode(), r
    assert pks(api.get(STOCK, location=adj["b"])) == ids   # none deleted
    r = api.call("DELETE", STOCK, {"items": []})
    assert r.status == 400 and r.is_json, r
    r = api.call("DELETE", STOCK, {"items": ["x"]})
    assert r.status == 400 and list(r.json()) == ["items"], r
    api.ok("DELETE", STOCK, {"items": [ids[0], str(ids[1])]})
    assert pks(api.get(STOCK, location=adj["b"])) == [ids[2]]
    for pk in ids[:2]:
        assert api.call("GET", STOCK + f"{pk}/").status == 404
    assert api.get(PART + f"{adj['p']}/")["in_stock"] == 13.5
    api.ok("DELETE", STOCK + f"{ids[2]}/")
    assert api.call("DELETE", STOCK + f"{ids[2]}/").status == 404
