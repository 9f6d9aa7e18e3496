"""Searched pages of the keyed lists (parts, stock items, tracking): the page
and its count come from one statement (lib/list.c, list_search_page()), so
check them against the unpaginated list, which takes the other path."""
import pytest

PART = "/api/part/"
STOCK = "/api/stock/"


@pytest.fixture
def parts(api):
    cat = api.category("Passives")["pk"]
    made = []
    # 13 resistors (two spellings of the name order), 4 capacitors.
    for i in range(13):
        made.append(api.part(f"{'resistor' if i % 2 else 'Resistor'} {i:02d}",
                             cat, description="thick film"))
    for i in range(4):
        made.append(api.part(f"Capacitor {i}", cat,
                             description="ceramic, not a resistor"))
    return made


def paged(api, path, limit, **params):
    """Every page of a searched list, in order, and the counts seen."""
    rows, counts, offset = [], set(), 0
    while True:
        page = api.list(path, limit=limit, offset=offset, **params)
        counts.add(page["count"])
        rows += page["results"]
        if page["next"] is None:
            return rows, counts
        offset += limit


@pytest.mark.parametrize("ordering", [None, "name", "-name", "pk", "-IPN"])
@pytest.mark.parametrize("limit", [1, 5, 17, 50])
def test_pages_add_up_to_the_whole_list(api, parts, ordering, limit):
    extra = {"ordering": ordering} if ordering else {}
    whole = api.list(PART, search="resistor", **extra)
    assert len(whole) == 17     # names and the capacitors' description
    rows, counts = paged(api, PART, limit, search="resistor", **extra)
    assert counts == {17}
    assert [r["pk"] for r in rows] == [r["pk"] for r in whole]
    assert rows == whole


def test_search_and_filters_together(api, parts):
    whole = api.list(PART, search="resistor", active=True,
                     ordering="-name")
    page = api.list(PART, search="resistor", active=True, ordering="-name",
                    limit=3, offset=3)
    assert page["count"] == len(whole) == 17
    assert page["results"] == whole[3:6]
    assert "search=resistor" in page["next"] and "offset=6" in page["next"]
    assert "offset=0" in page["previous"] or "offset" not in page["previous"]
    assert api.list(PART, search="resistor", active=False,
                    limit=5) == {"count": 0, "next": None,
                                 "previous": None, "results": []}


def test_past_the_end_still_counts(api, parts):
    page = api.list(PART, search="resistor", limit=5, offset=40)
    assert page["count"] == 17 and page["results"] == []
    assert page["next"] is None


def test_no_match_and_short_terms(api, parts):
    page = api.list(PART, search="inductor", limit=5)
    assert page == {"count": 0, "next": None, "previous": None,
                    "results": []}
    # A two-character term takes the LIKE path, paged the same way.
    whole = api.list(PART, search="01")
    page = api.list(PART, search="01", limit=1)
    assert page["count"] == len(whole) == 1
    assert page["results"] == whole


def test_searched_stock_and_tracking_pages(api, parts):
    loc = api.location("Shelf A")["pk"]
    for p in parts[:6]:
        api.stock(p["pk"], 3, loc, batch=f"B-{p['pk']}")
    whole = api.list(STOCK, search="resistor")
    assert len(whole) == 6
    rows, counts = paged(api, STOCK, 4, search="resistor")
    assert counts == {6} and rows == whole
    items = api.list(STOCK, search="resistor")
    for it in items:
        api.adjust("count", [{"pk": it["pk"], "quantity": 2}],
                   notes=f"stocktake shelf A item {it['pk']}")
    track = api.list(STOCK + "track/", search="stocktake shelf")
    assert len(track) == 6
    rows, counts = paged(api, STOCK + "track/", 4, search="stocktake shelf")
    assert counts == {len(track)} and rows == track


def test_pages_with_large_rows(api, parts):
    """A page is printed row by row into one growing text (lib/list.c,
    list_page_answer()): rows far larger than its first buffer, escapes
    and non-ASCII text come out as the unpaginated list has them."""
    cat = api.category("Big")["pk"]
    notes = ("Zeile \"1\"\n\\ Grüße € \t" * 3000)[:49000]
    for i in range(5):
        api.part(f"big {i}", cat, notes=notes[: 10000 * (i + 1) - 1])
    whole = api.list(PART, category=cat)
    assert [len(p["notes"]) for p in whole] == [9999, 19999, 29999,
                                                39999, 49000]
    rows, counts = paged(api, PART, 2, category=cat)
    assert counts == {5} and rows == whole
    page = api.list(PART, category=cat, limit=5)
    assert page["results"] == whole and page["next"] is None
