"""Parts: create/edit/delete, computed stock, filters, search, ordering,
pagination and streaming of the list."""
import sqlite3
import urllib.parse

import pytest

from inventory_api import Api, pks

PART = "/api/part/"


@pytest.fixture
def api(site, admin):
    return Api(site, admin)


@pytest.fixture
def cats(api):
    e = api.category("Electronics")["pk"]
    r = api.category("Resistors", e)["pk"]
    m = api.category("Mechanical")["pk"]
    return dict(e=e, r=r, m=m)


def test_create_defaults_and_shape(api, cats):
    p = api.part("Resistor 10k", cats["r"], IPN="R-10K",
                 description="Thick film 0603", keywords="smd")
    for k, v in dict(name="Resistor 10k", IPN="R-10K", category=cats["r"],
                     active=True, component=True, purchaseable=True,
                     assembly=False, salable=False, trackable=False,
                     virtual=False, is_template=False, in_stock=0.0,
                     total_in_stock=0.0, unallocated_stock=0.0,
                     minimum_stock=0.0, default_location=None,
                     full_name="R-10K | Resistor 10k", image=None).items():
        assert p[k] == v, k
    assert isinstance(p["pk"], int) and len(p["creation_date"]) == 10
    assert api.list(PART + f"{p['pk']}/") == p


def test_quantities_are_numbers_as_inventree_sends_them(site, api, cats):
    p = api.part("P", cats["r"], minimum_stock="2.5",
                 initial_stock={"quantity": 10})
    r = api.get(PART + f"{p['pk']}/")
    assert b'"in_stock":10.0' in r.body
    assert b'"minimum_stock":2.5' in r.body


def test_validation_errors(api, cats):
    r = api.call("POST", PART, {"IPN": "x"})
    assert r.status == 400 and r.json()["name"] == ["This field is required."]
    r = api.call("POST", PART, {"name": "x", "category": 999})
    assert r.status == 400 and "category" in r.json()
    r = api.call("POST", PART, {"name": "x", "active": "perhaps"})
    assert r.status == 400 and "active" in r.json()
    r = api.call("POST", PART, {"name": "x", "minimum_stock": "1.123456"})
    assert r.status == 400 and "minimum_stock" in r.json()
    api.part("dup", IPN="D1")
    r = api.call("POST", PART, {"name": "dup", "IPN": "D1"})
    assert r.status == 400 and "non_field_errors" in r.json()


def test_form_encoded_create(api, cats):
    r = api.site.cgi("part", method="POST", path=PART,
                     body=f"name=Form+part&category={cats['r']}&active=false",
                     content_type="application/x-www-form-urlencoded",
                     headers=api.headers)
    assert r.status == 201, r
    assert r.json()["active"] is False and r.json()["name"] == "Form part"


def test_patch_with_whole_object_like_the_client(api, cats):
    """inventree-python's save() sends back every field it received."""
    p = api.part("P", cats["r"], initial_stock={"quantity": 3})
    p["description"] = "changed"
    p["category"] = cats["m"]
    q = api.ok("PATCH", PART + f"{p['pk']}/", p)
    assert q["description"] == "changed" and q["category"] == cats["m"]
    assert q["in_stock"] == 3.0
    r = api.call("PUT", PART + f"{p['pk']}/", {"description": "no name"})
    assert r.status == 400 and "name" in r.json()


def test_initial_stock(api, cats):
    loc = api.location("Shelf")["pk"]
    p = api.part("P", cats["r"], initial_stock={"quantity": "12.5",
                                                "location": loc})
    assert p["in_stock"] == 12.5
    items = api.list("/api/stock/", part=p["pk"])
    assert len(items) == 1 and items[0]["location"] == loc
    track = api.list("/api/stock/track/", item=items[0]["pk"])
    assert [t["tracking_type"] for t in track] == [1]
    r = api.call("POST", PART, {"name": "Q", "initial_stock":
                                {"quantity": "x"}})
    assert r.status == 400 and "initial_stock" in r.json()
    assert api.list(PART, name="Q") == []      # nothing half-made


def test_in_stock_counts_only_in_stock_statuses(api, cats):
    p = api.part("P", cats["r"])["pk"]
    for status, q in ((10, 1), (50, 2), (55, 4), (85, 8), (60, 16), (65, 32),
                      (70, 64), (75, 128)):
        api.stock(p, q, status=status)
    r = api.list(PART + f"{p}/")
    assert r["in_stock"] == 15.0 and r["total_in_stock"] == 15.0
    assert r["stock_item_count"] == 8


def test_flag_and_stock_filters(api, cats):
    a = api.part("A", cats["r"], minimum_stock=10,
                 initial_stock={"quantity": 5})["pk"]
    b = api.part("B", cats["r"], minimum_stock=1,
                 initial_stock={"quantity": 5})["pk"]
    c = api.part("C", cats["m"], active=False, assembly=True)["pk"]
    assert pks(api.list(PART, low_stock=True)) == [a]
    assert pks(api.list(PART, low_stock=False)) == sorted([b, c])
    assert pks(api.list(PART, has_stock=True)) == sorted([a, b])
    assert pks(api.list(PART, has_stock="no")) == [c]
    assert pks(api.list(PART, active=False)) == [c]
    assert pks(api.list(PART, assembly=1)) == [c]
    assert pks(api.list(PART, IPN="")) == sorted([a, b, c])


def test_category_filter_cascades(api, cats):
    a = api.part("A", cats["r"])["pk"]
    b = api.part("B", cats["e"])["pk"]
    c = api.part("C")["pk"]
    assert pks(api.list(PART, category=cats["e"])) == sorted([a, b])
    assert pks(api.list(PART, category=cats["e"], cascade=False)) == [b]
    # InvenTree's rule: null under a cascade is the whole tree (the app's
    # top-level Parts tab), without one the parts outside every category.
    assert pks(api.list(PART, category="null")) == sorted([a, b, c])
    assert pks(api.list(PART, category="null", cascade=True)) == \
        sorted([a, b, c])
    assert pks(api.list(PART, category="null", cascade=False)) == [c]


@pytest.mark.parametrize("q", [{"category": "x"}, {"category": "12345"},
                               {"active": "maybe"}, {"has_stock": "2"},
                               {"offset": "-1"}])
def test_bad_filter_values_name_the_field(api, cats, q):
    r = api.get(PART, limit=5, **q) if "offset" in q else api.get(PART, **q)
    assert r.status == 400, r
    assert list(q)[0] in r.json()


def test_search(api, cats):
    a = api.part("Resistor 10k", cats["r"], IPN="R-0603-10K")["pk"]
    b = api.part("Hex bolt M3", cats["m"], description="Stainless steel",
                 keywords="fastener")["pk"]
    c = api.part("Capacitor 100nF", cats["e"], IPN="C-100N")["pk"]
    assert pks(api.list(PART, search="esist")) == [a]      # substring
    assert pks(api.list(PART, search="RESIST")) == [a]     # any case
    assert pks(api.list(PART, search="0603")) == [a]       # IPN
    assert pks(api.list(PART, search="stainless")) == [b]  # description
    assert pks(api.list(PART, search="fasten")) == [b]     # keywords
    assert pks(api.list(PART, search="Mechan")) == [b]     # category name
    assert pks(api.list(PART, search="M3")) == [b]         # short term
    assert pks(api.list(PART, search="0n")) == [c]
    assert api.list(PART, search="nothing-like-this") == []
    assert pks(api.list(PART, search='"quoted')) == []
    assert pks(api.list(PART, search="100%")) == []


def test_search_matches_every_word_in_any_field_and_order(api, cats):
    """InvenTree's search: each word of the term must match, in any of the
    searched fields, in any order; a "quoted phrase" is one word."""
    a = api.part("Resistor 10k", cats["r"], IPN="R-0603-10K")["pk"]
    b = api.part("Hex bolt M3", cats["m"], description="Stainless steel",
                 keywords="fastener")["pk"]
    c = api.part("Capacitor 100nF", cats["e"], IPN="C-0805-100N")["pk"]
    assert pks(api.list(PART, search="resistor 0603")) == [a]
    assert pks(api.list(PART, search="0603 RESIST")) == [a]
    assert pks(api.list(PART, search="cap 100nF")) == [c]
    assert pks(api.list(PART, search="capacitor 0603")) == []
    assert pks(api.list(PART, search="stainless fastener")) == [b]
    assert pks(api.list(PART, search="bolt m3")) == [b]     # a short word
    assert pks(api.list(PART, search="Mechan hex")) == [b]  # category too
    assert pks(api.list(PART, search="resistor,10k")) == [a]
    assert pks(api.list(PART, search="  resistor   10k  ")) == [a]
    assert pks(api.list(PART, search='"hex bolt"')) == [b]
    assert pks(api.list(PART, search='"bolt hex"')) == []
    assert pks(api.list(PART, search='"hex bolt" steel')) == [b]
    assert sorted(pks(api.list(PART, search="0"))) == sorted([a, c])
    page = api.list(PART, search="resistor 0603", limit=1)
    assert page["count"] == 1 and pks(page["results"]) == [a]
    r = api.get(PART, search=" ".join(["w%d" % i for i in range(11)]))
    assert r.status == 400 and "search" in r.json(), r


def test_search_index_follows_edits_and_deletes(api, cats):
    p = api.part("Widget", cats["r"])["pk"]
    api.ok("PATCH", PART + f"{p}/", {"name": "Gadget"})
    assert api.list(PART, search="Widget") == []
    assert pks(api.list(PART, search="Gadget")) == [p]
    api.ok("PATCH", PART + f"{p}/", {"active": False})
    api.ok("DELETE", PART + f"{p}/")
    assert api.list(PART, search="Gadget") == []


def test_in_bom_for_is_never_ignored(api, cats):
    """The app asks for a part's BOM with in_bom_for: no part is in a BOM
    until BOMs exist, and the filter never returns every part."""
    a = api.part("A", cats["r"])["pk"]
    api.part("B", cats["r"])
    assert api.list(PART, in_bom_for=a) == []
    page = api.list(PART, in_bom_for=a, limit=5)
    assert page["count"] == 0 and page["results"] == []
    r = api.get(PART, in_bom_for=999999)
    assert r.status == 400 and "in_bom_for" in r.json(), r


def test_ordering(api, cats):
    for n in ("b", "c", "a"):
        api.part(n, cats["r"])
    assert [p["name"] for p in api.list(PART)] == ["a", "b", "c"]
    assert [p["name"] for p in api.list(PART, ordering="-name")] == \
        ["c", "b", "a"]
    assert [p["name"] for p in api.list(PART, ordering="pk")] == \
        ["b", "c", "a"]
    assert [p["name"] for p in api.list(PART, ordering="bogus")] == \
        ["a", "b", "c"]
    # The app's "+field" (ascending), encoded or arriving as a space.
    assert [p["name"] for p in api.list(PART, ordering="+pk")] == \
        ["b", "c", "a"]
    r = api.site.cgi("part", path=PART, query="ordering=+pk",
                     headers=api.headers)
    assert [p["name"] for p in r.json()] == ["b", "c", "a"], r
    assert [p["name"] for p in api.list(PART, ordering="-pk")] == \
        ["a", "c", "b"]


def test_pagination(api, cats):
    for i in range(7):
        api.part(f"p{i}", cats["r"])
    page = api.list(PART, limit=3, category=cats["r"])
    assert page["count"] == 7 and len(page["results"]) == 3
    assert page["previous"] is None
    nxt = urllib.parse.urlsplit(page["next"])
    assert nxt.scheme == "http" and nxt.netloc == "localhost"
    assert nxt.path == PART
    q = urllib.parse.parse_qs(nxt.query)
    assert q == {"limit": ["3"], "offset": ["3"],
                 "category": [str(cats["r"])]}
    page2 = api.list(PART, limit=3, offset=3, category=cats["r"])
    assert [p["name"] for p in page2["results"]] == ["p3", "p4", "p5"]
    prev = urllib.parse.parse_qs(urllib.parse.urlsplit(
        page2["previous"]).query)
    assert "offset" not in prev and prev["limit"] == ["3"]
    last = api.list(PART, limit=3, offset=6)
    assert last["next"] is None and len(last["results"]) == 1
    assert api.list(PART, limit=3, offset=100)["results"] == []


def test_pagination_urls_keep_the_install_prefix(site, admin):
    r = site.cgi("part", path=PART, query="limit=1&search=a%20b",
                 headers=admin,
                 request_uri="/~alice/stockroom/api/part/?limit=1&search=a%20b")
    assert r.status == 200, r
    site.cgi("part", method="POST", path=PART, body={"name": "a b"},
             headers=admin)
    site.cgi("part", method="POST", path=PART, body={"name": "a bc"},
             headers=admin)
    r = site.cgi("part", path=PART, query="limit=1&search=a%20b",
                 headers=admin,
                 request_uri="/~alice/stockroom/api/part/?limit=1&search=a%20b")
    nxt = r.json()["next"]
    assert nxt.startswith("http://localhost/~alice/stockroom/api/part/?")
    assert "search=a%20b" in nxt and "offset=1" in nxt


def test_unpaginated_list_is_a_streamed_array(site, api, cats):
    for i in range(3):
        api.part(f"p{i}", cats["r"])
    r = api.get(PART)
    assert r.status == 200 and r.header("Content-Length") is None
    assert isinstance(r.json(), list) and len(r.json()) == 3
    r = api.call("HEAD", PART)
    assert r.status == 200 and r.body == b""


def test_category_detail(api, cats):
    api.part("A", cats["r"])
    api.part("B")
    rows = api.list(PART, category_detail=True, ordering="name")
    assert rows[0]["category_detail"]["pathstring"] == "Electronics/Resistors"
    assert rows[1]["category_detail"] is None
    assert "category_detail" not in api.list(PART)[0]


def test_delete(site, api, cats):
    p = api.part("P", cats["r"], initial_stock={"quantity": 2})["pk"]
    r = api.call("DELETE", PART + f"{p}/")
    assert r.status == 400 and "active" in r.body.decode()
    api.ok("PATCH", PART + f"{p}/", {"active": False})
    api.ok("DELETE", PART + f"{p}/")
    assert api.get(PART + f"{p}/").status == 404
    assert api.list("/api/stock/") == []
    assert api.call("DELETE", PART + "9999/").status == 404
    db = site.db()
    if site.engine == "sqlite":   # PostgreSQL never defers a foreign key
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT count(*) FROM stock_tracking").fetchone()[0] == 0


def test_permissions(site, api, cats):
    from conftest import make_user
    viewer = Api(site, make_user(site, "pv", roles={"part": ["view"]}))
    assert viewer.get(PART).status == 200
    assert viewer.call("POST", PART, {"name": "x"}).status == 403
    adder = Api(site, make_user(site, "pa", roles={"part": ["add"]}))
    assert adder.call("POST", PART, {"name": "x"}).status == 201
    assert adder.call("DELETE", PART + "1/").status == 403


def test_a_whole_list_longer_than_one_fetch(site, api):
    """An unpaginated list is streamed (on PostgreSQL through a cursor,
    1,000 rows a fetch): every row once, in order, with each row's nested
    category read between the fetches."""
    cat = api.category("Many")["pk"]
    db = site.db()
    db.executemany("INSERT INTO part (name, category) VALUES (?, ?)",
                   [(f"many {i:05d}", cat) for i in range(2500)])
    db.commit()
    db.close()
    rows = api.list(PART, ordering="name", category_detail=True)
    assert [r["name"] for r in rows] == [f"many {i:05d}" for i in range(2500)]
    assert {r["category_detail"]["name"] for r in rows} == {"Many"}


# --- units (issue 17): InvenTree's validate_physical_units() ------------

GOOD_UNITS = [
    "", "  ", "m", "mm", "kg", "g", "m/s", "m^2", "m2", "L", "mL", "ft",
    "inch", "ohm", "kΩ", "V", "%", "percent", "degC", "h", "s",
    # InvenTree's additions to pint (conversion.py), prefixes, plurals
    "piece", "pieces", "each", "ea", "dozen", "dz", "dozens", "hundred",
    "thousand", "kpiece",
    # pint reads "pcs" as pc (parsec) + plural "s": InvenTree takes it
    "pcs", "pc",
]
BAD_UNITS = ["xyz", "box", "roll", "KG", "Each", "Pieces", "3", "10 m",
             "m/", "(m)", "m s", "1/s", "pcs.", "meter @ 5"]


@pytest.mark.parametrize("units", GOOD_UNITS)
def test_units_that_are_units(api, units):
    p = api.part("P", units=units)
    assert p["units"] == units.strip()
    q = api.ok("PATCH", PART + f"{p['pk']}/", {"units": "m"})
    assert q["units"] == "m"
    q = api.ok("PUT", PART + f"{p['pk']}/", {"name": "P", "units": units})
    assert q["units"] == units.strip()


def test_units_that_are_not_refused_on_every_write(api, cats):
    p = api.part("P", cats["r"], units="m")
    for units in BAD_UNITS:
        r = api.call("POST", PART, {"name": "Q", "units": units})
        assert r.status == 400, (units, r)
        assert r.json() == {"units": [f"Invalid physical unit: {units}"]}
        for method in ("PATCH", "PUT"):
            r = api.call(method, PART + f"{p['pk']}/",
                         {"name": "P", "units": units, "description": "x"})
            assert r.status == 400, (method, units, r)
            assert list(r.json()) == ["units"]
    # Nothing was written.
    assert api.list(PART, name="Q") == []
    q = api.get(PART + f"{p['pk']}/").json()
    assert q["units"] == "m" and q["description"] == ""
    # Longer than InvenTree's 20 characters: the field's own limit.
    r = api.call("PATCH", PART + f"{p['pk']}/", {"units": "m" * 21})
    assert r.status == 400 and "units" in r.json()


def test_units_take_the_custom_units(api):
    r = api.call("POST", PART, {"name": "Cable", "units": "reel"})
    assert r.status == 400 and "units" in r.json()
    api.ok("POST", "/api/units/", {"name": "reel", "definition": "500"})
    for units in ("reel", "reels", "kreel"):
        assert api.part(f"Cable {units}", units=units)["units"] == units
    # The custom unit deleted: the parts keep it (below).
    unit = api.list("/api/units/", name="reel")[0]["pk"]
    api.ok("DELETE", f"/api/units/{unit}/")
    assert api.list(PART, name="Cable reel")[0]["units"] == "reel"


def test_parts_with_units_no_longer_valid_stay_editable(site, api, cats):
    """Units stored before the check (or a custom unit deleted since):
    the part lists, reads and takes edits of its other fields -- also
    a whole object sent back, as the web app and inventree-python do --
    and only a change of its units must be a unit."""
    p = api.part("Old", cats["r"], units="m")
    db = site.db()
    db.execute("UPDATE part SET units = ' box of 12 ' WHERE id = ?",
               (p["pk"],))
    db.commit()
    assert api.list(PART, name="Old")[0]["units"] == " box of 12 "
    url = PART + f"{p['pk']}/"
    q = api.ok("PATCH", url, {"description": "still here"})
    assert q["description"] == "still here"
    assert q["units"] == " box of 12 "
    whole = api.get(url).json()
    whole["minimum_stock"] = 4
    q = api.ok("PATCH", url, whole)
    assert q["minimum_stock"] == 4.0
    q = api.ok("PUT", url, {"name": "Old", "units": "box of 12"})
    assert q["units"] == "box of 12"
    # A change of the units is checked.
    r = api.call("PATCH", url, {"units": "box of 10"})
    assert r.status == 400 and r.json() == {
        "units": ["Invalid physical unit: box of 10"]}
    assert api.get(url).json()["units"] == "box of 12"
    assert api.ok("PATCH", url, {"units": "dozen"})["units"] == "dozen"
    assert api.ok("PATCH", url, {"units": ""})["units"] == ""


def test_units_in_options(api):
    post = api.call("OPTIONS", PART).json()["actions"]["POST"]
    u = post["units"]
    assert u["type"] == "string" and u["required"] is False
    assert u["max_length"] == 20 and u["label"] == "Units"
    assert u["help_text"] == "Units of measure for this part"
