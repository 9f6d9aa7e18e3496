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
    # A pattern that is not one, or that could take exponential time, is
    # each key's error.
    for bad in ("cap(", "(a)\\1", "a{1,99999}"):
        d = search(site, admin, {"search": bad, "search_regex": True,
                                 "part": {}, "stocklocation": {}}).json()
        assert "regular expression" in d["part"]["error"], (bad, d)
        assert "regular expression" in d["stocklocation"]["error"]
    d = search(site, admin, {"search": "cap", "search_regex": "maybe",
                             "part": {}}).json()
    assert "search_regex" in d["part"]["error"]
    # Keys of models we do not serve, and non-objects, are left out.
    d = search(site, admin, {"search": "cap", "salesorder": {},
                             "part": "yes"}).json()
    assert d == {}
    r = site.cgi("api", method="POST", path=SEARCH,
                 body={"search": "cap", "part": {}})
    assert r.status in (401, 403), r


def test_patterns_and_whole_words(site, admin, api, world):
    """InvenTree's search_regex (each word a regular expression, case
    ignored) and search_whole (each word as a whole word), in
    POST /api/search/ and on the lists themselves."""
    def found(model, term, **opts):
        body = dict({"search": term, "limit": 50, model: {}}, **opts)
        d = search(site, admin, body).json()[model]
        assert "error" not in d, d
        return sorted(pks(d["results"]))
    c1, c2, bolt = world["c1"], world["c2"], world["bolt"]
    assert found("part", "^capacitor ^1", search_regex=True) == []  # 2 words
    assert found("part", "^capacitor", search_regex=True) == [c1, c2]
    assert found("part", "0[68]0[35]$", search_regex=True) == [c1, c2]
    assert found("part", "10+(nf|uf)", search_regex=True) == [c1, c2]
    assert found("part", "m[0-9]", search_regex=True) == [bolt]
    assert found("part", "capac.tor", search_regex=True) == [c1, c2]
    assert found("part", "capac.tor") == []     # a dot is a dot
    # a category's name is searched too, as by the plain search
    assert found("part", "^mech", search_regex=True) == [bolt]
    # whole words: "cap" is inside "Capacitor", "M3" is a word of its own
    assert found("part", "cap") == [c1, c2]
    assert found("part", "cap", search_whole=True) == []
    assert found("part", "m3", search_whole=True) == [bolt]
    assert found("part", "100nf 0603", search_whole=True) == [c1]
    assert found("part", "10", search_whole=True) == []
    assert found("part", "10uf", search_whole=True) == [c2]
    assert found("part", "(10|100)nf", search_whole=True,
                 search_regex=True) == [c1]
    # the word's own characters mean themselves
    api.part("Fuse 1.5A (slow)", world["m"])
    fuse = found("part", "1.5a", search_whole=True)
    assert len(fuse) == 1 and found("part", "1x5a", search_whole=True) == []
    assert found("part", "(slow)", search_whole=True) == fuse
    assert found("stockitem", "hex", search_whole=True) == [world["s2"]]
    assert found("stockitem", "^bolt", search_regex=True) == []
    assert found("stockitem", "^hex", search_regex=True) == [world["s2"]]
    assert found("stocklocation", "shel", search_whole=True) == []
    assert found("stocklocation", "shel(f|ves)", search_regex=True) == [
        world["shelf"]]
    # the same on a list's own query
    got = api.list("/api/part/", search="0603$", search_regex="true")
    assert sorted(pks(got)) == [c1]
    r = api.get("/api/part/", search="cap(", search_regex="true")
    assert r.status == 400 and "search" in r.json(), r


def test_every_searched_list_takes_patterns(site, admin, world):
    """Each list with a search takes search_regex and search_whole: its
    columns as the short words' scan has them."""
    from conftest import program_routes
    lists = sorted({(r["program"], r["pattern"]) for r in program_routes()
                    if r["method"] == "GET" and "<" not in r["pattern"]
                    and r["pattern"].endswith("/")})
    tried = 0
    for program, path in lists:
        for opt in ("search_regex", "search_whole"):
            r = site.cgi(program, path=path, headers=admin,
                         query=f"search=a.&{opt}=true&limit=1")
            if r.status == 404:
                continue
            body = r.body.decode("utf-8", "replace")
            assert "cannot be searched so" not in body, (path, body)
            tried += 1
    assert tried > 20, tried
