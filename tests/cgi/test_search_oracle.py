"""Searched lists against a brute-force oracle (issue 14).

SQLite finds a search's matches in ways that depend on what they are
(lib/list.c: few rows through fewer trigrams and a check of their text,
many through every trigram and trigram_at(); a large page walked down the
name's index, a small one sorted; a category's or location's name read in
C): whatever the way, the page must be the same rows in the same order
with the same count.  The oracle is the rule itself, applied in Python to
the rows read from the database: a part has a word when the word, ASCII
case ignored, is in its name, IPN, description, keywords, one of its MPNs
or SKUs, or its category's name; an item when it is in its batch, serial
or notes, its part's own text or its location's name (for a word of one or
two characters, not the index's: its batch, serial, part's name and IPN,
location's name).  The data is `inventory generate`'s, which is ASCII, so
the index's case folding and LIKE's agree.  The terms: one to three
words, pieces of the rows' text in random case, the generator's common
words (in every part), rare ones, short ones, names of categories and
locations, words that match nothing."""
import random
import re
import subprocess

import pytest

from conftest import BUILD, SANITIZED, check_sanitizer
from inventory_api import Api

pytestmark = pytest.mark.sqlite_only("tools/inventory writes the data into "
                                     "a SQLite file; PostgreSQL's search "
                                     "is compared with SQLite's in "
                                     "test_search_engines.py")

TERMS = 60 if SANITIZED else 240


def inventory(site, *args):
    proc = subprocess.run([str(BUILD / "bin" / "inventory"), *args],
                          env=site.base_env, capture_output=True, timeout=600)
    check_sanitizer(proc, "inventory " + " ".join(args))
    assert proc.returncode == 0, proc.stderr.decode()


def has(texts, word):
    w = word.lower()
    return any(t is not None and w in t.lower() for t in texts)


class Oracle:
    def __init__(self, db):
        cat = dict(db.execute("SELECT id, name FROM part_category"))
        loc = dict(db.execute("SELECT id, name FROM stock_location"))
        codes = {}
        for part, code in db.execute(
                "SELECT part, MPN FROM manufacturer_part UNION ALL "
                "SELECT part, SKU FROM supplier_part"):
            codes.setdefault(part, []).append(code)
        self.parts = []
        self.own = {}
        for pk, name, ipn, desc, kw, c in db.execute(
                "SELECT id, name, IPN, description, keywords, category "
                "FROM part"):
            self.own[pk] = (name, ipn, desc, kw)
            self.parts.append((name, pk, [name, ipn, desc, kw,
                                          cat.get(c)] + codes.get(pk, [])))
        self.items = []
        for pk, part, location, batch, serial, notes in db.execute(
                "SELECT id, part, location, batch, serial, notes "
                "FROM stock_item"):
            name, ipn, desc, kw = self.own[part]
            self.items.append((pk, [batch, serial, notes, name, ipn, desc,
                                    kw, loc.get(location)],
                               [batch, serial, name, ipn,
                                loc.get(location)]))

    def part_ids(self, words, ordering):
        rows = [(name, pk) for name, pk, texts in self.parts
                if all(has(texts, w) for w in words)]
        if ordering in (None, "name"):
            rows.sort()
        elif ordering == "-name":
            rows.sort(reverse=True)
        elif ordering == "pk":
            rows.sort(key=lambda r: r[1])
        return [pk for _, pk in rows]

    def item_ids(self, words):
        return sorted(pk for pk, long, short in self.items
                      if all(has(long if len(w) >= 3 else short, w)
                             for w in words))


def words_of(rng, texts):
    """A piece of one of texts: 1 to 10 characters, in random case."""
    t = rng.choice(texts)
    n = rng.choice([1, 2, 3, 3, 4, 5, 6, 8, 10])
    at = rng.randrange(max(1, len(t) - n + 1))
    s = t[at:at + n]
    s = "".join(c.swapcase() if rng.random() < 0.3 else c for c in s)
    return s.replace('"', "").split() or ["zz"]


def terms(rng, corpus, names):
    common = ["series", "grade", "ser", "ade"]
    for _ in range(TERMS):
        k = rng.random()
        words = []
        for _ in range(rng.choice([1, 1, 2, 2, 2, 3])):
            if k < 0.1:
                words.append(rng.choice(common))
            elif k < 0.15:
                words += words_of(rng, names)
            elif k < 0.2:
                words.append("".join(rng.choice("qxzjkv0189")
                                     for _ in range(rng.randint(3, 6))))
            else:
                words += words_of(rng, corpus)
            k = rng.random()
        yield " ".join(words[:5])


def split(term):
    """The words of a term, as the lists cut them (DRF's SearchFilter: at
    spaces and commas)."""
    return [w for w in re.split(r"[ \t,]+", term) if w]


@pytest.fixture
def data(site, admin):
    n = 600 if SANITIZED else 3000
    inventory(site, "generate", "-p", str(n), "-c", "30", "-l", "20",
              "-i", str(3 * n), "-t", str(3 * n))
    inventory(site, "companies", "-n", "20", "-s", str(n // 2))
    db = site.db()
    # `inventory companies` leaves the parts' rows of the index without
    # their new numbers (the programs rewrite a part's row when one of its
    # numbers changes): the index as they would have written it.
    db.execute("DELETE FROM part_fts")
    db.execute("INSERT INTO part_fts (rowid, name, IPN, description, "
               "keywords, MPN, SKU) SELECT * FROM part_search_text")
    db.commit()
    oracle = Oracle(db)
    corpus = [t for r in db.execute(
        "SELECT name, IPN, description, keywords FROM part ORDER BY id "
        "LIMIT 400") for t in r if t] + [r[0] for r in db.execute(
            "SELECT * FROM (SELECT MPN FROM manufacturer_part LIMIT 100) "
            "UNION ALL SELECT * FROM (SELECT batch FROM stock_item WHERE "
            "batch <> '' LIMIT 100)")]
    names = [r[0] for r in db.execute(
        "SELECT name FROM part_category UNION ALL "
        "SELECT name FROM stock_location")]
    # The IPNs of parts with several items: one part, more items than
    # parts (a page of items is not bounded by the parts found).
    few = [r[0] for r in db.execute(
        "SELECT p.IPN FROM part p WHERE p.stock_count >= 3 ORDER BY p.id "
        "LIMIT 8")]
    db.close()
    return Api(site, admin), oracle, corpus, names, few


def test_searched_pages_are_the_oracle_s(data):
    api, oracle, corpus, names, few = data
    rng = random.Random(14)
    wrong, found, many = [], 0, 0
    for term in list(terms(rng, corpus, names)) + few:
        words = split(term)
        ordering = rng.choice([None, None, None, "name", "-name", "pk"])
        want = oracle.part_ids(words, ordering)
        found += bool(want)
        many += len(want) > 300
        limit = rng.choice([1, 7, 50])
        offset = rng.choice([0, 0, 0, limit, max(0, len(want) - 3)])
        extra = {"ordering": ordering} if ordering else {}
        page = api.list("/api/part/", search=term, limit=limit,
                        offset=offset, **extra)
        got = [r["pk"] for r in page["results"]]
        if page["count"] != len(want) or got != want[offset:offset + limit]:
            wrong.append(("part", term, ordering, limit, offset,
                          page["count"], len(want), got[:5],
                          want[offset:offset + 5]))
        if rng.random() < 0.25:
            whole = [r["pk"] for r in api.list("/api/part/", search=term,
                                                **extra)]
            if whole != want:
                wrong.append(("part, whole", term, ordering, len(whole),
                              len(want)))
        want = oracle.item_ids(words)
        offset = rng.choice([0, 0, 1, limit, max(0, len(want) - 2)])
        page = api.list("/api/stock/", search=term, limit=limit,
                        offset=offset)
        got = [r["pk"] for r in page["results"]]
        if page["count"] != len(want) or \
                got != want[offset:offset + limit]:
            wrong.append(("stock", term, offset, page["count"], len(want),
                          got[:5], want[offset:offset + 5]))
    assert wrong == [], (len(wrong), wrong[:5])
    assert found > TERMS // 2, found     # the terms mostly find things
    assert many > 5, many                # and some find very many


def test_search_of_several_lists_is_the_oracle_s(data):
    api, oracle, corpus, names, few = data
    rng = random.Random(41)
    for term in list(terms(rng, corpus, names))[:20]:
        words = split(term)
        r = api.call("POST", "/api/search/", {
            "search": term, "limit": 5, "part": {}, "stockitem": {}})
        assert r.status == 200, r
        got = r.json()
        want = oracle.part_ids(words, None)
        assert got["part"]["count"] == len(want), term
        assert [p["pk"] for p in got["part"]["results"]] == want[:5], term
        want = oracle.item_ids(words)
        assert got["stockitem"]["count"] == len(want), term
        assert [s["pk"] for s in got["stockitem"]["results"]] == \
            want[:5], term
