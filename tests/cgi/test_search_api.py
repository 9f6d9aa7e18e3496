"""POST /api/search/: InvenTree's search of several lists at once, the only
search the mobile app uses from API 102 (issue 14).  The body is the term,
limit and offset, and one key per model with that list's own filters; each
key answers the page its list would, or {"error": ...}."""
import pytest

from conftest import make_user
from inventory_api import Api, pks

SEARCH = "/api/search/"


@pytest.fixture
def world(api):
    e = api.category("Electronics")["pk"]
    caps = api.category("Capacitors", e)["pk"]
    m = api.category("Mechanical")["pk"]
    shelf = api.location("Capacitor shelf")["pk"]
    c1 = api.part("Capacitor 100nF 0603", caps, IPN="C-0603-100N")["pk"]
    c2 = api.part("Capacitor 10uF 0805", caps, IPN="C-0805-10U")["pk"]
    bolt = api.part("Hex bolt M3", m)["pk"]
    s1 = api.stock(c1, 10, shelf)["pk"]
    s2 = api.stock(bolt, 5, shelf)["pk"]
    return dict(e=e, caps=caps, m=m, shelf=shelf, c1=c1, c2=c2, bolt=bolt,
                s1=s1, s2=s2)


def search(site, headers, body):
    return site.cgi("api", method="POST", path=SEARCH, body=body,
                    headers=headers)


def test_every_model_asked_for_answers_its_page(site, admin, world):
    r = search(site, admin, {"search": "capacitor", "limit": 10,
                             "part": {}, "partcategory": {},
                             "stockitem": {}, "stocklocation": {}})
    assert r.status == 200, r
    d = r.json()
    assert set(d) == {"part", "partcategory", "stockitem", "stocklocation"}
    assert d["part"]["count"] == 2
    assert pks(d["part"]["results"]) == sorted([world["c1"], world["c2"]])
    assert pks(d["partcategory"]["results"]) == [world["caps"]]
    assert pks(d["stocklocation"]["results"]) == [world["shelf"]]
    # Items of a capacitor, and every item on the capacitor shelf.
    assert pks(d["stockitem"]["results"]) == sorted([world["s1"],
                                                     world["s2"]])
    # The same page as the list's own GET.
    api = Api(site, admin)
    assert d["part"] == api.list("/api/part/", search="capacitor",
                                 limit=10) | {"next": d["part"]["next"]}


def test_limit_defaults_to_one_and_offset_pages(site, admin, world):
    d = search(site, admin, {"search": "capacitor", "part": {}}).json()
    assert d["part"]["count"] == 2 and len(d["part"]["results"]) == 1
    first = d["part"]["results"][0]["pk"]
    d = search(site, admin, {"search": "capacitor", "offset": 1,
                             "part": {}}).json()
    assert [p["pk"] for p in d["part"]["results"]] != [first]


def test_each_model_takes_its_own_filters(site, admin, world):
    d = search(site, admin, {
        "search": "0603 capacitor", "limit": 5,
        "part": {"category": world["caps"], "active": True},
        "stockitem": {"location": world["shelf"], "in_stock": "true"},
        "partcategory": {"parent": world["e"]},
    }).json()
    assert pks(d["part"]["results"]) == [world["c1"]]     # every word
    assert pks(d["stockitem"]["results"]) == [world["s1"]]
    assert d["partcategory"]["count"] == 0      # no category has "0603"
    # The app asks for the top level with null.
    d = search(site, admin, {"search": "mechanical", "limit": 5,
                             "partcategory": {"parent": None}}).json()
    assert pks(d["partcategory"]["results"]) == [world["m"]]


def test_a_model_the_user_may_not_view_answers_an_error(site, world):
    clerk = make_user(site, "clerk", roles={"stock": ["view"],
                                            "stock_location": ["view"]})
    d = search(site, clerk, {"search": "capacitor", "limit": 5,
                             "part": {}, "stockitem": {}}).json()
    assert d["part"] == {
        "error": "User does not have permission to view this model"}
    assert d["stockitem"]["count"] == 2


def test_bad_requests(site, admin, world):
    r = search(site, admin, {"part": {}})
    assert r.status == 400 and "search" in r.json(), r
    r = search(site, admin, ["search"])
    assert r.status == 400, r
    r = search(site, admin, {"search": {"x": 1}, "part": {}})
    assert r.status == 400 and "search" in r.json(), r
    # A wrong filter is that key's error, the others still answer.
    d = search(site, admin, {"search": "cap", "limit": 5,
                             "part": {"category": "nonsense"},
                             "stocklocation": {}}).json()
    assert "category" in d["part"]["error"]
    assert d["stocklocation"]["count"] == 1
    # Patterns and whole words are InvenTree's options we do not have:
    # an error, not an answer to another question.
    d = search(site, admin, {"search": "cap", "search_regex": True,
                             "part": {}}).json()
    assert "not supported" in d["part"]["error"]
    # Keys of models we do not serve, and non-objects, are left out.
    d = search(site, admin, {"search": "cap", "salesorder": {},
                             "part": "yes"}).json()
    assert d == {}
    r = site.cgi("api", method="POST", path=SEARCH,
                 body={"search": "cap", "part": {}})
    assert r.status in (401, 403), r
