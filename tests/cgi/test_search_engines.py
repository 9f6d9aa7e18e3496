"""Search finds the same on both engines (issue 13): the demo inventory
moved into PostgreSQL with stockroom migrate-db, then 2,000 random terms --
pieces of the parts' and items' own text in random ASCII case, words of
one and two characters, several words at once, quoted phrases, and
strings that match nothing -- sent to the part and stock lists of both,
which must answer the same items.  (FTS5 folds the case of every letter,
PostgreSQL's ILIKE of ASCII letters only: docs/scale-out.md.  The terms
change the case of ASCII letters only.)"""
import random
import subprocess

import pytest

from conftest import BUILD, SANITIZED
from inventory_api import Api
from pgserver import PgServer

pytestmark = pytest.mark.sqlite_only("compares a SQLite site with its copy "
                                     "in a cluster of its own")

TERMS = 500 if SANITIZED else 2000    # the sanitizer build: a sample


def texts(rows, fields):
    return [r[f] for r in rows for f in fields if r.get(f)]


def piece(rng, text):
    """A random piece of text: 1 to 8 characters, ASCII case changed."""
    n = rng.choice([1, 2, 3, 3, 4, 5, 6, 8])
    at = rng.randrange(max(1, len(text) - n + 1))
    s = text[at:at + n].strip() or text[:n]
    return "".join(c.swapcase() if c.isascii() and rng.random() < 0.3
                   else c for c in s)


def terms(rng, corpus):
    for _ in range(TERMS):
        kind = rng.random()
        if kind < 0.6:
            yield piece(rng, rng.choice(corpus))
        elif kind < 0.8:
            yield " ".join(piece(rng, rng.choice(corpus))
                           for _ in range(rng.randint(2, 3)))
        elif kind < 0.9:
            yield '"' + piece(rng, rng.choice(corpus)) + " " + \
                piece(rng, rng.choice(corpus)) + '"'
        else:
            yield "".join(rng.choice("qxzjkv0189") for _ in range(
                rng.randint(3, 7)))


def test_the_same_terms_find_the_same_on_both(site, admin, tmp_path):
    proc = subprocess.run([str(BUILD / "bin" / "inventory"), "demo"],
                          env=site.base_env, capture_output=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    lite = Api(site, admin)
    parts, items = lite.list("/api/part/"), lite.list("/api/stock/")
    corpus = texts(parts, ("name", "IPN", "description", "keywords")) + \
        texts(items, ("batch", "serial", "notes"))
    with PgServer() as pg:
        url = pg.create_database("same_terms")
        moved = subprocess.run([str(BUILD / "bin" / "stockroom"),
                                "migrate-db", url], env=site.base_env,
                               capture_output=True, timeout=300)
        assert moved.returncode == 0, moved.stderr.decode()
        other = type(site)(tmp_path / "pg")
        other.base_env.update(site.base_env,
                              STOCKROOM_DATABASE_URL=url)
        both = Api(other, admin)
        rng = random.Random(13)
        differ, found = [], 0
        for i, term in enumerate(terms(rng, corpus)):
            path = "/api/part/" if i % 2 == 0 else "/api/stock/"
            a = sorted(r["pk"] for r in lite.list(path, search=term))
            b = sorted(r["pk"] for r in both.list(path, search=term))
            found += bool(a)
            if a != b:
                differ.append((path, term, a[:10], b[:10]))
        assert differ == [], (len(differ), differ[:10])
        assert found > TERMS // 2, found     # the terms mostly find things
