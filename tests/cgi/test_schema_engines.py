"""Both engines' migrations make the same schema (issue 13).

db/migrations/NNNN_name.sql are applied to a new SQLite database by the
real tool (`stockroom migrate`), db/migrations/pg/NNNN_name.sql to a new
database on a throwaway PostgreSQL server (tests/pgserver.py); then the
catalogs are compared: tables; columns (NOT NULL, has a default, type
family, case-insensitive or not); primary keys; unique constraints and
indexes; foreign keys (columns, target, ON DELETE, ON UPDATE); the number
of CHECK constraints of each table; indexes by name (columns or
expressions, uniqueness, partial or not); triggers by table, name, timing,
event, UPDATE OF columns and WHEN.  Every difference is listed in the
failure, and a test makes drifts on purpose to show that each is seen.
Then the same statements, written in SQLite's dialect and rewritten by
lib/dialect.c as the programs' will be, must give the same rows and the
same refusals on both, PostgreSQL must plan the searches and the
in-stock filter on their indexes, and every constant statement of the
programs must prepare against its schema (but those in PG_PENDING).

What only one engine has, by design, is named here and nowhere else:
SQLite's FTS5 tables (and their shadow tables), PostgreSQL's trigram
indexes that replace them.  There are no FTS triggers to except: the
programs keep the FTS5 tables in step (see 0003's and 0018's comments).
"""
import pathlib
import re
import sqlite3
import subprocess

import pytest

from conftest import Site, pg_dialect
from pgserver import PgServer

pytestmark = pytest.mark.sqlite_only("it compares the two engines itself")

ROOT = pathlib.Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "db" / "migrations"
PG_MIGRATIONS = MIGRATIONS / "pg"

# SQLite only: FTS5 virtual tables (their shadow tables are <name>_*).
FTS_TABLES = ("part_fts", "stock_item_fts")
# FTS triggers would be named here; the FTS tables are kept by lib/ code.
FTS_TRIGGERS = ()
# PostgreSQL only: the pg_trgm GIN indexes that replace FTS_TABLES.
PG_SEARCH_INDEXES = {"part_search": "part", "stock_item_search": "stock_item",
                     "manufacturer_part_search": "manufacturer_part",
                     "supplier_part_search": "supplier_part"}


def migration_names(d):
    return sorted(p.name for p in d.glob("*.sql"))


# --- SQLite's schema ---------------------------------------------------------

def sql_tokens(sql):
    """SQL's words and punctuation, without comments and string literals
    (a literal becomes the token "'")."""
    return re.findall(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\""
                      r"|\w+|[^\s\w]", sql, re.S)


def count_checks(sql):
    toks = [t for t in sql_tokens(sql) if not t.startswith(("--", "/*"))]
    return sum(1 for i, t in enumerate(toks[:-1])
               if t.upper() == "CHECK" and toks[i + 1] == "(")


def nocase_columns(sql):
    """The columns of CREATE TABLE sql declared COLLATE NOCASE."""
    toks = [t for t in sql_tokens(sql) if not t.startswith(("--", "/*"))]
    defs, cur, depth = [], [], 0
    for t in toks[toks.index("(") + 1:]:
        if t == "(":
            depth += 1
        elif t == ")":
            if depth == 0:
                break
            depth -= 1
        elif t == "," and depth == 0:
            defs.append(cur)
            cur = []
            continue
        cur.append(t.upper())
    defs.append(cur)
    return {d[0].strip('"').lower() for d in defs
            if any(a == "COLLATE" and b == "NOCASE"
                   for a, b in zip(d, d[1:]))}


def index_key_texts(sql):
    """The key expressions of CREATE INDEX sql, as written."""
    m = re.search(r"\bON\s+\w+\s*\(", sql, re.I)
    depth, start, out = 1, m.end(), []
    for i in range(m.end(), len(sql)):
        c = sql[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                out.append(sql[start:i])
                return out
        elif c == "," and depth == 1:
            out.append(sql[start:i])
            start = i + 1
    raise AssertionError(f"cannot read index {sql}")


def norm_expr(s):
    """An index expression in a form both engines' texts reduce to."""
    s = s.lower()
    s = re.sub(r"::[a-z_ ]+(\[\])?", "", s)
    s = re.sub(r"\bifnull\b", "coalesce", s)
    return "expr:" + re.sub(r"[\s()\"]", "", s)


def sqlite_family(decl):
    """SQLite's type affinity of a declared type, as a family name."""
    d = decl.upper()
    if "INT" in d:
        return "integer"
    if any(w in d for w in ("CHAR", "CLOB", "TEXT")):
        return "text"
    if d == "" or "BLOB" in d:
        return "blob"
    if any(w in d for w in ("REAL", "FLOA", "DOUB")):
        return "real"
    return "numeric"


def sqlite_schema(path):
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    schema, virtual = {}, []
    tables = db.execute("SELECT name, sql FROM sqlite_schema WHERE type = "
                        "'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                        "ORDER BY name").fetchall()
    for t in tables:
        name = t["name"]
        if t["sql"].upper().startswith("CREATE VIRTUAL TABLE"):
            virtual.append(name)
            continue
        if any(name.startswith(f + "_") for f in FTS_TABLES):
            continue
        cols = db.execute(f'PRAGMA table_info("{name}")').fetchall()
        pk = tuple(c["name"].lower() for c in sorted(
            (c for c in cols if c["pk"]), key=lambda c: c["pk"]))
        nocase = nocase_columns(t["sql"])
        columns = {c["name"].lower(): (bool(c["notnull"] or c["pk"]),
                                       c["dflt_value"] is not None,
                                       sqlite_family(c["type"]) +
                                       (" nocase" if c["name"].lower() in
                                        nocase else ""))
                   for c in cols}
        indexes, uniques = {}, set()
        for ix in db.execute(f'PRAGMA index_list("{name}")').fetchall():
            keys = [k for k in db.execute(
                f'PRAGMA index_xinfo("{ix["name"]}")').fetchall() if k["key"]]
            texts = None
            key = []
            for k in keys:
                if k["cid"] == -2:
                    if texts is None:
                        sql = db.execute("SELECT sql FROM sqlite_schema WHERE "
                                         "name = ?", (ix["name"],)).fetchone()
                        texts = index_key_texts(sql[0])
                    key.append(norm_expr(texts[k["seqno"]]))
                else:
                    key.append(k["name"].lower())
            key = tuple(key)
            if ix["unique"] and ix["origin"] != "pk":
                uniques.add((key, bool(ix["partial"])))
            if ix["origin"] == "c":
                indexes[ix["name"]] = (key, bool(ix["unique"]),
                                       bool(ix["partial"]))
        fks = {}
        for f in db.execute(f'PRAGMA foreign_key_list("{name}")').fetchall():
            fk = fks.setdefault(f["id"], {"from": [], "to": [],
                                          "table": f["table"].lower(),
                                          "on_delete": f["on_delete"],
                                          "on_update": f["on_update"]})
            fk["from"].append(f["from"].lower())
            fk["to"].append(f["to"].lower() if f["to"] else None)
        fkset = set()
        for fk in fks.values():
            to = fk["to"]
            if None in to:		# REFERENCES t: t's primary key
                info = db.execute(f'PRAGMA table_info("{fk["table"]}")')
                to = [c["name"].lower() for c in sorted(
                    (c for c in info if c["pk"]), key=lambda c: c["pk"])]
            fkset.add((tuple(fk["from"]), fk["table"], tuple(to),
                       fk["on_delete"].upper(), fk["on_update"].upper()))
        schema[name.lower()] = {
            "columns": columns, "pk": pk, "uniques": uniques,
            "indexes": indexes, "fks": fkset,
            "checks": count_checks(t["sql"]), "triggers": set(),
        }
    for tr in db.execute("SELECT name, tbl_name, sql FROM sqlite_schema "
                         "WHERE type = 'trigger'").fetchall():
        if tr["name"] in FTS_TRIGGERS:
            continue
        toks = [t.upper() for t in sql_tokens(tr["sql"])
                if not t.startswith(("--", "/*"))]
        body = toks.index("BEGIN")
        head = toks[:body]
        timing = ("INSTEAD OF" if "INSTEAD" in head else
                  "BEFORE" if "BEFORE" in head else "AFTER")
        event = next(w for w in head if w in ("INSERT", "DELETE", "UPDATE"))
        on = head.index("ON")
        cols = ()
        if event == "UPDATE" and head[head.index("UPDATE") + 1] == "OF":
            cols = tuple(sorted(w.lower() for w in
                                head[head.index("UPDATE") + 2:on] if w != ","))
        schema[tr["tbl_name"].lower()]["triggers"].add(
            (tr["name"], timing, event, cols, "WHEN" in head))
    db.close()
    assert sorted(virtual) == sorted(FTS_TABLES), (
        f"SQLite's virtual tables are {virtual}: FTS_TABLES in this test "
        "names the ones PostgreSQL replaces with trigram indexes")
    return schema


# --- PostgreSQL's schema -----------------------------------------------------

PG_FAMILY = {"int2": "integer", "int4": "integer", "int8": "integer",
             "text": "text", "citext": "text nocase", "varchar": "text",
             "bpchar": "text", "float4": "real", "float8": "real",
             "bytea": "blob", "numeric": "numeric"}
PG_FK_ACTION = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE",
                "n": "SET NULL", "d": "SET DEFAULT"}

PG_TABLES = """
SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n
  ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"""
PG_COLUMNS = """
SELECT c.relname AS tbl, a.attname AS name, a.attnotnull AS notnull,
  a.atthasdef AS hasdef, t.typname AS type
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0
  AND NOT a.attisdropped"""
PG_INDEXES = """
SELECT c.relname AS tbl, ic.relname AS name, i.indisunique AS uniq,
  i.indisprimary AS pk, i.indpred IS NOT NULL AS partial, am.amname AS am,
  EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
    AND k.conrelid = i.indrelid AND k.contype IN ('u', 'p')) AS constraint,
  ARRAY(SELECT pg_get_indexdef(i.indexrelid, g, true)
        FROM generate_series(1, i.indnkeyatts) g ORDER BY g) AS keys,
  ARRAY(SELECT i.indkey[g - 1] FROM generate_series(1, i.indnkeyatts) g
        ORDER BY g) AS attnums
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public'"""
PG_CONSTRAINTS = """
SELECT c.relname AS tbl, k.conname AS name, k.contype AS type,
  ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n
        ORDER BY u.o) AS cols,
  f.relname AS target,
  ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, o)
        JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n
        ORDER BY u.o) AS tocols,
  k.confdeltype AS on_delete, k.confupdtype AS on_update,
  k.condeferrable AS deferrable, k.condeferred AS deferred
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class f ON f.oid = k.confrelid
WHERE n.nspname = 'public'"""
PG_TRIGGERS = """
SELECT c.relname AS tbl, t.tgname AS name, t.tgtype AS type,
  t.tgqual IS NOT NULL AS has_when,
  ARRAY(SELECT a.attname FROM unnest(t.tgattr) u(n)
        JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = u.n)
    AS cols
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND NOT t.tgisinternal"""


def pg_key(text, attnum):
    return text.strip('"').lower() if attnum else norm_expr(text)


def pg_schema(pg, url):
    schema = {r["name"]: {"columns": {}, "pk": (), "uniques": set(),
                          "indexes": {}, "fks": set(), "checks": 0,
                          "triggers": set()}
              for r in pg.query(url, PG_TABLES)}
    for r in pg.query(url, PG_COLUMNS):
        schema[r["tbl"]]["columns"][r["name"].lower()] = (
            r["notnull"], r["hasdef"], PG_FAMILY.get(r["type"], r["type"]))
    for r in pg.query(url, PG_INDEXES):
        t = schema[r["tbl"]]
        key = tuple(pg_key(k, a) for k, a in zip(r["keys"], r["attnums"]))
        if r["pk"]:
            t["pk"] = key
            continue
        if r["name"] in PG_SEARCH_INDEXES:
            continue
        if r["uniq"]:
            t["uniques"].add((key, r["partial"]))
        if not r["constraint"]:
            t["indexes"][r["name"]] = (key, r["uniq"], r["partial"])
    for r in pg.query(url, PG_CONSTRAINTS):
        t = schema[r["tbl"]]
        if r["type"] == "c":
            t["checks"] += 1
        elif r["type"] == "f":
            t["fks"].add((tuple(c.lower() for c in r["cols"]), r["target"],
                          tuple(c.lower() for c in r["tocols"]),
                          PG_FK_ACTION[r["on_delete"]],
                          PG_FK_ACTION[r["on_update"]]))
    for r in pg.query(url, PG_TRIGGERS):
        ty = r["type"]
        assert ty & 1, f"trigger {r['name']} is not FOR EACH ROW"
        timing = ("INSTEAD OF" if ty & 64 else "BEFORE" if ty & 2
                  else "AFTER")
        event = ("INSERT" if ty & 4 else "DELETE" if ty & 8 else
                 "UPDATE" if ty & 16 else "TRUNCATE")
        schema[r["tbl"]]["triggers"].add(
            (r["name"], timing, event, tuple(sorted(c.lower() for c in
                                                    r["cols"])),
             r["has_when"]))
    return schema


# --- comparing them ----------------------------------------------------------

def compare(lite, pgs):
    """Every difference between two schemas, as sentences."""
    out = []
    for t in sorted(set(lite) - set(pgs)):
        out.append(f"table {t}: only on SQLite")
    for t in sorted(set(pgs) - set(lite)):
        out.append(f"table {t}: only on PostgreSQL")
    for t in sorted(set(lite) & set(pgs)):
        a, b = lite[t], pgs[t]
        for c in sorted(set(a["columns"]) | set(b["columns"])):
            ca, cb = a["columns"].get(c), b["columns"].get(c)
            if ca is None or cb is None:
                out.append(f"column {t}.{c}: only on "
                           f"{'SQLite' if cb is None else 'PostgreSQL'}")
                continue
            for what, x, y in zip(("NOT NULL", "has a default", "type"),
                                  ca, cb):
                if x != y:
                    out.append(f"column {t}.{c}: {what} is {x} on SQLite, "
                               f"{y} on PostgreSQL")
        if a["pk"] != b["pk"]:
            out.append(f"table {t}: primary key {a['pk']} on SQLite, "
                       f"{b['pk']} on PostgreSQL")
        for what in ("uniques", "fks", "triggers"):
            for x in sorted(a[what] - b[what], key=repr):
                out.append(f"table {t}: {what[:-1]} {x} only on SQLite")
            for x in sorted(b[what] - a[what], key=repr):
                out.append(f"table {t}: {what[:-1]} {x} only on PostgreSQL")
        if a["checks"] != b["checks"]:
            out.append(f"table {t}: {a['checks']} CHECK constraints on "
                       f"SQLite, {b['checks']} on PostgreSQL")
        for ix in sorted(set(a["indexes"]) | set(b["indexes"])):
            ia, ib = a["indexes"].get(ix), b["indexes"].get(ix)
            if ia != ib:
                out.append(f"index {ix} on {t}: (keys, unique, partial) is "
                           f"{ia} on SQLite, {ib} on PostgreSQL")
    return out


# --- fixtures ----------------------------------------------------------------

@pytest.fixture(scope="module")
def pg():
    with PgServer() as server:
        yield server


@pytest.fixture(scope="module")
def engines(pg, tmp_path_factory):
    """(SQLite database path, PostgreSQL URL), each fully migrated."""
    site = Site(tmp_path_factory.mktemp("lite"))
    site.tool("migrate")
    url = pg.create_database("stockroom")
    pg.migrate(url, sorted(PG_MIGRATIONS.glob("*.sql")))
    return site.data / "stockroom.sqlite3", url


@pytest.fixture(scope="module")
def dialect():
    """lib/dialect.c's dialect_pg() (conftest.pg_dialect): SQLite's SQL to
    PostgreSQL's, with the number of parameters."""
    return pg_dialect


# --- the tests ---------------------------------------------------------------

def test_every_migration_has_a_twin():
    lite, pgs = migration_names(MIGRATIONS), migration_names(PG_MIGRATIONS)
    assert lite, "no migrations found"
    missing = sorted(set(lite) - set(pgs))
    extra = sorted(set(pgs) - set(lite))
    assert not missing and not extra, (
        f"SQLite migrations without a PostgreSQL twin in db/migrations/pg/: "
        f"{missing}; PostgreSQL migrations without a SQLite one: {extra}")


def test_migrations_are_recorded_alike(pg, engines):
    path, url = engines
    db = sqlite3.connect(path)
    lite = db.execute("SELECT version, name FROM schema_migrations "
                      "ORDER BY version").fetchall()
    user_version = db.execute("PRAGMA user_version").fetchone()[0]
    db.close()
    rows = pg.query(url, "SELECT version, name FROM schema_migrations "
                         "ORDER BY version")
    assert [(r["version"], r["name"]) for r in rows] == lite
    assert user_version == lite[-1][0] == len(migration_names(MIGRATIONS))


def test_schemas_match(pg, engines):
    path, url = engines
    diffs = compare(sqlite_schema(path), pg_schema(pg, url))
    assert not diffs, ("the migrations of the two engines differ:\n  "
                       + "\n  ".join(diffs))


def test_postgresql_only_objects(pg, engines):
    """The trigram indexes exist (GIN, on the searched columns), and every
    foreign key can be deferred by a bulk copy but is checked at once
    otherwise, as SQLite's are."""
    _, url = engines
    ix = {r["name"]: r for r in pg.query(url, PG_INDEXES)
          if r["name"] in PG_SEARCH_INDEXES}
    assert {n: r["tbl"] for n, r in ix.items()} == PG_SEARCH_INDEXES
    assert all(r["am"] == "gin" for r in ix.values())
    assert ix["part_search"]["keys"] == ["name", "ipn", "description",
                                         "keywords"]
    assert ix["stock_item_search"]["keys"] == ["batch", "serial", "notes"]
    bad = [f"{r['tbl']}.{r['name']}" for r in pg.query(url, PG_CONSTRAINTS)
           if r["type"] == "f" and not (r["deferrable"] and not r["deferred"])]
    assert not bad, f"not DEFERRABLE INITIALLY IMMEDIATE: {bad}"


def test_postgresql_plans_use_the_indexes(pg, engines, dialect):
    """The partial index serves the stock list's in_stock filter as
    written in domain/inventory/stock.c (its "+status" included), and the
    trigram indexes serve a rewritten LIKE.  With sequential scans off, an
    index the planner cannot prove usable is still not chosen."""
    _, url = engines
    queries = {
        "stock_item_in_stock": "SELECT count(*) FROM stock_item s WHERE"
        + stock_in_stock_sql(),
        "part_search": "SELECT id FROM part WHERE name LIKE ?1 OR "
        "IPN LIKE ?1",
        "stock_item_search": "SELECT id FROM stock_item WHERE notes LIKE ?1",
    }
    for index, sql in queries.items():
        text, n = dialect(sql)
        text = re.sub(r"\$1\b", "'%abc%'", text)
        plan = pg.psql(url, "SET enable_seqscan = off; EXPLAIN (COSTS OFF) "
                       + text).stdout
        assert index in plan, f"{sql}\n{text}\n{plan}"


def test_identities_follow_explicit_ids(pg):
    """An explicit id still inserts; after sr_sync_identities() the next
    insert without one goes past it, as a SQLite rowid would."""
    url = pg.create_database("identities")
    pg.migrate(url, sorted(PG_MIGRATIONS.glob("*.sql")))
    pg.psql(url, "INSERT INTO part (id, name) VALUES (41, 'a')", then=[
        "INSERT INTO stock_location (id, name) VALUES (7, 'b')",
        "SELECT sr_sync_identities()",
        "INSERT INTO part (name) VALUES ('c')",
        "INSERT INTO stock_location (name) VALUES ('d')"])
    assert pg.query(url, "SELECT id, name FROM part ORDER BY id") == [
        {"id": 41, "name": "a"}, {"id": 42, "name": "c"}]
    assert pg.query(url, "SELECT max(id) AS id FROM stock_location") == [
        {"id": 8}]


# Each drift, and a word its report must contain.
DRIFTS = [
    ("ALTER TABLE part ALTER COLUMN units DROP NOT NULL", "part.units"),
    ("ALTER TABLE task_runner ALTER COLUMN last_seen TYPE text",
     "task_runner.last_seen"),
    ("ALTER TABLE audit_log ADD COLUMN extra text", "audit_log.extra"),
    ("ALTER TABLE groups ALTER COLUMN name TYPE text", "groups.name"),
    ("ALTER TABLE sessions ALTER COLUMN remote_addr DROP DEFAULT",
     "sessions.remote_addr"),
    ("DROP INDEX stock_item_batch", "stock_item_batch"),
    ("DROP INDEX part_identity", "('name', 'ipn', 'revision')"),
    ("DROP INDEX attachment_file; CREATE UNIQUE INDEX attachment_file ON "
     "attachment(file)", "attachment_file"),
    ("ALTER TABLE stock_item DROP CONSTRAINT stock_item_location_fkey, "
     "ADD FOREIGN KEY (location) REFERENCES stock_location(id) "
     "ON DELETE CASCADE DEFERRABLE", "('location',)"),
    ("ALTER TABLE users DROP CONSTRAINT users_email_check",
     "table users: 11 CHECK"),
    ("DROP TRIGGER stock_item_au ON stock_item", "stock_item_au"),
    ("DROP TABLE media_orphan CASCADE", "table media_orphan"),
]


def test_comparison_sees_drift(pg, engines):
    """The comparison is not blind: each kind of drift, made on a copy of
    the PostgreSQL schema, is reported."""
    path, _ = engines
    url = pg.create_database("drift")
    pg.migrate(url, sorted(PG_MIGRATIONS.glob("*.sql")))
    pg.psql(url, "; ".join(sql for sql, _ in DRIFTS))
    report = "\n".join(compare(sqlite_schema(path), pg_schema(pg, url)))
    unseen = [sql for sql, word in DRIFTS if word not in report]
    assert not unseen, f"drift not reported: {unseen}\nreport:\n{report}"


# --- the same statements on both engines -------------------------------------

def run_sqlite(path, statements):
    """[(failed, rows as text)] of each (sql, params) on SQLite."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    out = []
    for sql, params in statements:
        try:
            rows = db.execute(sql, params).fetchall()
            out.append((False, ["|".join("<NULL>" if v is None else str(v)
                                         for v in r) for r in rows]))
        except sqlite3.Error as e:
            out.append((True, [str(e)]))
    db.close()
    return out


def pg_literal(v):
    if v is None:
        return "NULL"
    return "'" + str(v).replace("'", "''") + "'"


def run_pg(pg, url, dialect, statements):
    """[(failed, rows as text)] of each (sql, params) on PostgreSQL, as the
    programs will run them: rewritten by dialect_pg(), prepared with the
    parameters' types left to the server, values sent as text."""
    script = ["\\pset format unaligned", "\\pset tuples_only on",
              "\\pset null '<NULL>'", "\\set ON_ERROR_STOP 0"]
    for i, (sql, params) in enumerate(statements):
        text, n = dialect(sql)
        assert n == len(params), f"{sql}: {n} parameters, {len(params)} given"
        args = "(" + ", ".join(map(pg_literal, params)) + ")" if params else ""
        script += [f"\\echo @@{i}", f"PREPARE s{i} AS {text};",
                   f"EXECUTE s{i}{args};", "\\echo @@error :ERROR",
                   f"DEALLOCATE s{i};"]
    proc = pg.psql(url, input="\n".join(script) + "\n", check=False,
                   stderr=subprocess.STDOUT)
    out, cur = [], None
    for line in proc.stdout.splitlines():
        if line.startswith("@@error "):
            if line == "@@error true":	# the rows are psql's messages
                cur = [True, [e for e in cur[1] if "ERROR:" in e]]
            out.append(tuple(cur))
        elif re.fullmatch(r"@@\d+", line):
            cur = [False, []]
        elif cur is not None:
            cur[1].append(line)
    assert len(out) == len(statements), proc.stdout
    return out


def stock_in_stock_sql():
    src = (ROOT / "domain" / "inventory" / "stock.c").read_text()
    return re.search(r'#define STOCK_IN_STOCK "([^"]*)"', src).group(1)


FAILS = "must fail"

# A category tree, parts, stock items, a user and their history, files:
# (SQLite's SQL, parameters[, FAILS]).  Nothing reads an id made after a
# refused insert: PostgreSQL's identities, unlike rowids, spend one on it.
SCENARIO = [
    ("INSERT INTO part_category (name, description) VALUES (?1, ?2)",
     ["Electronics", "root"]),
    ("UPDATE part_category SET path = '/' || last_insert_rowid() || '/', "
     "pathstring = name WHERE id = last_insert_rowid()", []),
    ("INSERT INTO part_category (name, parent, level, path, pathstring) "
     "SELECT ?1, id, level + 1, path, pathstring || '/' || ?1 "
     "FROM part_category WHERE name = ?2", ["Resistors", "Electronics"]),
    ("UPDATE part_category SET path = path || id || '/' "
     "WHERE id = last_insert_rowid()", []),
    ("INSERT INTO part_category (name, parent, level, path, pathstring) "
     "SELECT ?1, id, level + 1, path, pathstring || '/' || ?1 "
     "FROM part_category WHERE name = ?2", ["capacitors", "Electronics"]),
    ("UPDATE part_category SET path = path || id || '/' "
     "WHERE id = last_insert_rowid()", []),
    ("SELECT c.name, c.level, c.pathstring, c.path FROM part_category c "
     "WHERE c.path LIKE ?1 ORDER BY c.name", ["/1/%"]),
    ("INSERT INTO part (name, IPN, category, minimum_stock) "
     "SELECT ?1, ?2, id, ?3 FROM part_category WHERE name = ?4",
     ["Resistor 10k", "R-10K", 500000, "Resistors"]),
    ("INSERT INTO part (name, IPN, category) SELECT ?1, ?2, id "
     "FROM part_category WHERE name = ?3", ["resistor 1k", "R-1K",
                                            "Resistors"]),
    ("INSERT INTO part (name, IPN, category) SELECT ?1, ?2, id "
     "FROM part_category WHERE name = ?3", ["Ärger", "X-1", "capacitors"]),
    ("SELECT p.name FROM part p WHERE p.id IN (SELECT value FROM "
     "json_each(?)) ORDER BY p.id", ["[3,1]"]),
    ("SELECT key, value, type FROM json_each(?1)", ["[5,null,-2]"]),
    ("SELECT key, value, type FROM json_each(?1)", ['{"b":1,"a":2}']),
    ("SELECT count(*) FROM json_each(?1)", ["[1,"], FAILS),
    ("INSERT INTO part_category (name, parent) SELECT name, parent "
     "FROM part_category WHERE name = ?1", ["Resistors"], FAILS),
    ("INSERT INTO part (name, IPN) VALUES (?1, ?2)",
     ["Resistor 10k", "R-10K"], FAILS),
    ("SELECT count(*) FROM part WHERE creation_date = date('now')", []),
    ("SELECT name, IPN, active, component, in_stock, metadata FROM part "
     "ORDER BY name", []),
    ("SELECT name FROM part WHERE name LIKE ?1 ESCAPE '\\' ORDER BY id",
     ["%RESISTOR%"]),
    ("SELECT name FROM part WHERE name LIKE ?1 ORDER BY id", ["ä%"]),
    ("INSERT INTO stock_item (part, quantity, status, serial) "
     "SELECT id, ?2, ?3, ?4 FROM part WHERE IPN = ?1",
     ["R-10K", 300000, 10, ""]),
    ("INSERT INTO stock_item (part, quantity, status, serial) "
     "SELECT id, ?2, ?3, ?4 FROM part WHERE IPN = ?1",
     ["R-10K", 100000, 60, ""]),
    ("INSERT INTO stock_item (part, quantity, status, serial) "
     "SELECT id, ?2, ?3, ?4 FROM part WHERE IPN = ?1",
     ["R-10K", 100000, 10, "SN1"]),
    ("INSERT INTO stock_item (part, quantity, status, serial) "
     "SELECT id, ?2, ?3, ?4 FROM part WHERE IPN = ?1",
     ["R-10K", 100000, 10, "SN1"], FAILS),
    ("INSERT INTO stock_item (part, quantity, status) VALUES (?1, ?2, ?3)",
     [999, 1, 10], FAILS),
    ("INSERT INTO stock_item (part, quantity, status) SELECT id, 1, 20 "
     "FROM part WHERE IPN = ?1", ["R-10K"], FAILS),
    ("SELECT IPN, in_stock, stock_count FROM part ORDER BY id", []),
    ("SELECT count(*) FROM stock_item s WHERE" + stock_in_stock_sql(), []),
    ("UPDATE stock_item SET status = 10, updated = "
     "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE status = 60", []),
    ("DELETE FROM stock_item WHERE serial = ?1", ["SN1"]),
    ("SELECT IPN, in_stock, stock_count FROM part ORDER BY id", []),
    ("SELECT count(*), min(length(updated)), max(length(updated)) "
     "FROM stock_item", []),
    ("INSERT INTO users (username, email) VALUES (?1, ?2)",
     ["Alice", "alice@example.org"]),
    ("INSERT INTO users (username) VALUES (?1)", ["ALICE"], FAILS),
    ("SELECT username, email, is_active, length(date_joined), token_version "
     "FROM users WHERE username = ?1", ["alice"]),
    ("SELECT count(*) FROM users WHERE username LIKE ?1", ["AL%"]),
    ("INSERT INTO stock_tracking (item, tracking_type, user, deltas) "
     "SELECT min(id), 1, (SELECT id FROM users WHERE username = ?1), ?2 "
     "FROM stock_item", ["alice", '{"quantity": 3}']),
    ("SELECT t.tracking_type, u.username, t.deltas FROM stock_tracking t "
     "JOIN users u ON u.id = t.user", []),
    ("DELETE FROM users WHERE username = ?1", ["ALICE"]),
    ("SELECT count(*), count(user) FROM stock_tracking", []),
    ("UPDATE part SET image = ?2 WHERE IPN = ?1",
     ["R-1K", "part_images/a.png"]),
    ("UPDATE part SET image = ?2, thumbnail = ?3 WHERE IPN = ?1",
     ["R-1K", "part_images/b.png", "part_images/b.thumb.png"]),
    ("INSERT INTO attachment (model_type, model_id, file, filename) "
     "SELECT 'part', id, ?2, 'x.pdf' FROM part WHERE IPN = ?1",
     ["R-1K", "attachments/x.pdf"]),
    ("INSERT INTO attachment (model_type, model_id, file, link) "
     "VALUES ('part', 1, 'attachments/y.pdf', 'https://example.org/')", [],
     FAILS),
    ("SELECT path FROM media_orphan ORDER BY path", []),
    ("DELETE FROM part WHERE IPN = ?1", ["R-1K"]),
    ("SELECT path FROM media_orphan ORDER BY path", []),
    ("SELECT count(*) FROM attachment", []),
    ("DELETE FROM part_category WHERE name = ?1", ["Resistors"], FAILS),
    ("DELETE FROM part WHERE IPN = ?1", ["R-10K"]),
    ("SELECT count(*) FROM stock_item", []),
    ("SELECT count(*) FROM stock_tracking", []),
    ("INSERT INTO task (name, args, run_at) VALUES (?, ?, unixepoch() + ?)",
     ["expire", "{}", 60]),
    ("SELECT name, status, run_at - created, attempts FROM task", []),
    ("SELECT name, every, next_run FROM task_schedule ORDER BY name", []),
    ("SELECT name, strftime('%Y-%m-%dT%H:%M:%SZ', every, 'unixepoch'), "
     "min(max(unixepoch() - next_run, 0), 1) FROM task_schedule "
     "ORDER BY name", []),
    # The counts of migration 0010: a location tree, items moving inside
    # it (one count down and up again in one statement), a category move.
    ("INSERT INTO stock_location (name, path) VALUES ('Store', '/1/')", []),
    ("INSERT INTO stock_location (name, parent, level, path) "
     "SELECT ?1, id, 1, '/1/' || ?2 || '/' FROM stock_location "
     "WHERE name = 'Store'", ["Shelf A", 2]),
    ("INSERT INTO stock_location (name, parent, level, path) "
     "SELECT ?1, id, 1, '/1/' || ?2 || '/' FROM stock_location "
     "WHERE name = 'Store'", ["Shelf B", 3]),
    ("INSERT INTO part (name, IPN, category) SELECT 'Capacitor', 'C-1', id "
     "FROM part_category WHERE name = 'capacitors'", []),
    ("INSERT INTO stock_item (part, location, quantity, status) "
     "SELECT p.id, l.id, ?1, ?2 FROM part p, stock_location l "
     "WHERE p.IPN = 'C-1' AND l.name = ?3", [5, 10, "Shelf A"]),
    ("INSERT INTO stock_item (part, location, quantity, status) "
     "SELECT p.id, l.id, ?1, ?2 FROM part p, stock_location l "
     "WHERE p.IPN = 'C-1' AND l.name = ?3", [0, 10, "Shelf A"]),
    ("SELECT name, id, n FROM tally WHERE n <> 0 ORDER BY name, id", []),
    ("UPDATE stock_item SET location = (SELECT id FROM stock_location "
     "WHERE name = 'Shelf B')", []),
    ("UPDATE stock_item SET quantity = 3 WHERE quantity = 0", []),
    ("UPDATE stock_item SET status = 65 WHERE quantity = 5", []),
    ("SELECT name, id, n FROM tally ORDER BY name, id", []),
    ("UPDATE part_category SET parent = (SELECT id FROM part_category "
     "WHERE name = 'Resistors') WHERE name = 'capacitors'", []),
    ("SELECT ancestor, descendant FROM part_category_tree "
     "ORDER BY ancestor, descendant", []),
    ("DELETE FROM part WHERE IPN = 'C-1'", []),
    ("SELECT name, id, n FROM tally ORDER BY name, id", []),
]


def test_statements_agree(pg, engines, dialect, tmp_path):
    path, url = engines
    # Fresh copies, so that other tests see the empty schemas.
    lite = tmp_path / "scenario.sqlite3"
    src = sqlite3.connect(path)
    dst = sqlite3.connect(lite)
    src.backup(dst)
    src.close()
    dst.close()
    url = pg.create_database("scenario")
    pg.migrate(url, sorted(PG_MIGRATIONS.glob("*.sql")))

    stmts = [s[:2] for s in SCENARIO]
    a = run_sqlite(lite, stmts)
    b = run_pg(pg, url, dialect, stmts)
    diffs = []
    for s, (fa, ra), (fb, rb) in zip(SCENARIO, a, b):
        want_fail = len(s) > 2
        if fa != want_fail:
            diffs.append(f"{s[0]}: SQLite {'failed' if fa else 'succeeded'}"
                         f" ({ra})")
        if fa != fb or (not fa and ra != rb):
            diffs.append(f"{s[0]} {s[1]}:\n    SQLite:     "
                         f"{'error ' if fa else ''}{ra}\n    PostgreSQL: "
                         f"{'error ' if fb else ''}{rb}")
    assert not diffs, "\n".join(diffs)


# SQLite's time functions as Stockroom uses them (and their neighbours):
# (expression, parameters).  Fixed times, so both engines must agree.
TIME_EXPRESSIONS = [
    ("strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000, 'unixepoch')", []),
    ("strftime('%Y-%m-%dT%H:%M:%SZ', ?1, 'unixepoch')", [1700000000]),
    ("date(?1, 'unixepoch', '-30 days')", [1700000000]),
    ("date(?, '+1 day')", ["2024-12-31"]),
    ("strftime('%Y-%m-%d', '2024-05-01 10:00:00', ?1)", ["+30 days"]),
    ("date('2024-01-31', '+1 month')", []),
    ("date('2024-03-31', '-1 month')", []),
    ("date('2024-02-29', '+1 year')", []),
    ("date('2024-01-15', '-13 months')", []),
    ("strftime('%Y-%m-%dT%H:%M:%fZ', '2024-02-29 12:34:56.789')", []),
    ("strftime('%Y-%m-%dT%H:%M:%fZ', '2024-02-29T12:34:56Z', '+1.5 hours')",
     []),
    ("strftime('%j|%W|%w|%s|%J|%%', '2024-03-10')", []),
    ("strftime('%j|%W|%w', '2023-01-01')", []),
    ("strftime('%j|%W|%w', '2024-12-31')", []),
    ("datetime('2024-01-01T10:00:00Z', '+90 minutes')", []),
    ("datetime('2024-01-01 10:00+02:00')", []),
    ("datetime('2024-01-01 23:59:59', '+1 second')", []),
    ("datetime(2460379.5)", []),
    ("strftime('%H:%M', '12:30')", []),
    ("date('2024-01-01', 'start of month', '+1 month', '-1 day')", []),
    ("date('2024-05-17 13:00', 'start of year')", []),
    ("datetime('2024-05-17 13:14:15', 'start of day')", []),
    ("date('2024-01-03', 'weekday 0')", []),
    ("unixepoch('2024-01-01')", []),
    ("unixepoch('2024-01-01 00:00:01.999')", []),
    ("unixepoch(?1, 'unixepoch', '+1 day')", [1700000000]),
    ("date('garbage')", []),
    ("date('2024-13-01')", []),
    ("date('2024-01-01', 'bogus')", []),
    ("date('2024-01-01', '+1 fortnight')", []),
    ("strftime('%Q', '2024-01-01')", []),
    ("length(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", []),
    ("unixepoch() - unixepoch('now')", []),
    ("max(unixepoch() - 1700000000, 0) > 0", []),
]


def test_time_functions_agree(pg, engines, dialect):
    path, url = engines
    stmts = [("SELECT " + e, p) for e, p in TIME_EXPRESSIONS]
    a = run_sqlite(path, stmts)
    b = run_pg(pg, url, dialect, stmts)
    # PostgreSQL shows a boolean as t/f, SQLite as 1/0.
    b = [(f, [{"t": "1", "f": "0"}.get(v, v) for v in r]) for f, r in b]
    diffs = [f"{e} {p}: SQLite {'error ' if fa else ''}{ra}, PostgreSQL "
             f"{'error ' if fb else ''}{rb}"
             for (e, p), (fa, ra), (fb, rb) in zip(TIME_EXPRESSIONS, a, b)
             if fa or fb or ra != rb]
    assert not diffs, "\n".join(diffs)


# --- the programs' own statements --------------------------------------------

# Statements of the programs that do not prepare on PostgreSQL yet, and
# why: none of them for a want of the schema.  The connection work of
# issue 13 takes them off this list.
PG_PENDING = {
    "domain/inventory/part.c:part_sql_fts_delete": "FTS5 table",
    "domain/inventory/part.c:part_sql_fts_insert": "FTS5 table",
    "domain/inventory/part.c:part_sql_forget_stock": "FTS5 table",
    "domain/inventory/stock.c:stock_sql_fts_delete": "FTS5 table",
    "domain/inventory/stock.c:stock_sql_fts_insert": "FTS5 table",
    "domain/inventory/tally.c:tally_sql_part_index":
        "FTS5 table (stockroom check on SQLite only)",
    "lib/dbrestore.c:restore_sql_has_migrations":
        "reads a SQLite backup file's own catalog (stockroom restore of a "
        "SQLite file): never run on PostgreSQL",
    "lib/dbmove.c:dbmove_sql_tables":
        "reads the SQLite file's own catalog (stockroom migrate-db's "
        "source): never run on PostgreSQL",
    "lib/dbmove.c:dbmove_sql_columns":
        "reads the SQLite file's own catalog (stockroom migrate-db's "
        "source): never run on PostgreSQL",
    "domain/tasks/task.c:task_sql_failed":
        "a parameter's type cannot be inferred without the connection's",
    "domain/tasks/task.c:task_sql_after_slot":
        "a parameter's type cannot be inferred without the connection's",
}


def program_statements():
    """{file:name: SQL} of every `static const char name[] = "...";` in
    lib/, domain/ and cgi-bin/ that is a whole statement."""
    out = {}
    files = sorted([*ROOT.glob("lib/*.c"), *ROOT.glob("domain/**/*.c"),
                    *ROOT.glob("cgi-bin/*.c")])
    for f in files:
        src = f.read_text()
        for m in re.finditer(r'static const char (\w+)\[\]\s*=\s*'
                             r'((?:\s*"(?:[^"\\]|\\.)*")+)\s*;', src):
            sql = "".join(re.sub(r"\\(.)", lambda e: {"n": "\n", "t": "\t"}
                                 .get(e.group(1), e.group(1)), lit)
                          for lit in re.findall(r'"((?:[^"\\]|\\.)*)"',
                                                m.group(2)))
            if (re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", sql,
                         re.I) and not re.search(r"%(\.\*)?(s|d|l|z)", sql)):
                out[f"{f.relative_to(ROOT)}:{m.group(1)}"] = sql
    return out


def test_programs_statements_prepare(pg, engines, dialect):
    """Each constant statement of the programs, rewritten by
    lib/dialect.c, prepares against the PostgreSQL schema: every table,
    column and function it names exists there with a type that fits."""
    _, url = engines
    stmts = program_statements()
    assert len(stmts) > 50, f"found only {len(stmts)} statements"
    stale = sorted(set(PG_PENDING) - set(stmts))
    assert not stale, f"PG_PENDING names statements that are gone: {stale}"
    script = ["\\set ON_ERROR_STOP 0"]
    for i, (name, sql) in enumerate(stmts.items()):
        text, _ = dialect(sql)
        script += [f"\\echo @@{name}", f"PREPARE s{i} AS {text};",
                   f"DEALLOCATE s{i};"]
    proc = pg.psql(url, input="\n".join(script) + "\n", check=False,
                   stderr=subprocess.STDOUT)
    failed, cur = {}, None
    for line in proc.stdout.splitlines():
        if line.startswith("@@"):
            cur = line[2:]
        elif "ERROR:" in line and cur not in failed:
            failed[cur] = line.split("ERROR:", 1)[1].strip()
    unexpected = {n: e for n, e in failed.items() if n not in PG_PENDING}
    assert not unexpected, "\n".join(f"{n}: {e}\n    {stmts[n]}"
                                     for n, e in unexpected.items())
    # The list stays honest: what prepares now is no longer pending.
    fixed = sorted(n for n in PG_PENDING if n not in failed)
    assert not fixed, f"PG_PENDING names statements that prepare: {fixed}"
