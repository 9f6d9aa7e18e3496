"""Plugins (issue 20; docs/plugins.md; domain/plugins/plugin.c): discovery
in PLUGINS_DIR and control through InvenTree's /api/plugins/ paths, the
isolated runs (lib/run.c), validation plugins vetoing writes through the
resource layer, URL plugins as CGI programs behind Stockroom's sign-in,
and event plugins through the task queue -- with the examples shipped in
contrib/plugins/ and small misbehaving plugins made here."""
import json
import os
import pathlib
import shutil
import stat
import subprocess
import time

import pytest

from conftest import BUILD, SLOW, check_sanitizer, make_user
from inventory_api import Api

CONTRIB = pathlib.Path(__file__).resolve().parents[2] / "contrib" / "plugins"
PLUGINS = "/api/plugins/"


def add_plugin(root, slug, program, kinds, program_name="run.sh", **manifest):
    """A plugin folder under root: plugin.json and an executable program."""
    d = root / slug
    d.mkdir()
    m = dict(slug=slug, name=slug.replace("_", " ").title(), version="0.1",
             author="tests", description="made by test_plugins.py",
             kinds=kinds, program=program_name, **manifest)
    (d / "plugin.json").write_text(json.dumps(m))
    p = d / program_name
    p.write_text(program)
    p.chmod(0o755)
    return d


@pytest.fixture
def plugins(site, tmp_path):
    """PLUGINS_DIR with the shipped examples, for the site and its tools."""
    root = tmp_path / "plugins"
    shutil.copytree(CONTRIB, root)
    for f in root.glob("*/*"):
        f.chmod(0o644 if f.name == "plugin.json" else 0o755)
    site.base_env["STOCKROOM_PLUGINS_DIR"] = str(root)
    return root


@pytest.fixture
def api(site, admin):
    return Api(site, admin)


def call(site, user, method, path, body=None, **kw):
    return site.cgi("plugin", method=method, path=path, body=body,
                    headers=user, **kw)


def activate(site, admin, slug, active=True):
    r = call(site, admin, "PATCH", f"{PLUGINS}{slug}/activate/",
             {"active": active})
    assert r.status == 200, r
    assert r.json()["active"] is active
    return r.json()


def set_setting(site, admin, slug, key, value):
    r = call(site, admin, "PATCH", f"{PLUGINS}{slug}/settings/{key}/",
             {"value": value})
    assert r.status == 200, r
    return r.json()


def part_count(site):
    db = site.db()
    n = db.execute("SELECT count(*) FROM part").fetchone()[0]
    db.close()
    return n


# --- discovery and control ---------------------------------------------------

def test_no_plugins_dir_is_the_empty_list(site, admin, tmp_path):
    site.base_env["STOCKROOM_PLUGINS_DIR"] = str(tmp_path / "none")
    assert call(site, admin, "GET", PLUGINS).json() == []
    r = call(site, admin, "GET", PLUGINS, query="limit=100&offset=0")
    assert r.json() == {"count": 0, "next": None, "previous": None,
                        "results": []}


def test_list_in_inventree_shape(site, admin, plugins):
    rows = call(site, admin, "GET", PLUGINS).json()
    assert [p["key"] for p in rows] == ["acme_barcode", "event_log",
                                        "ipn_pattern", "low_stock",
                                        "stock_report"]
    p = rows[2]
    assert p["pk"] is None and p["active"] is False
    assert p["name"] == "IPN pattern" and p["package_name"] is None
    assert p["meta"]["version"] == "1.0" and p["meta"]["author"] == "Stockroom"
    assert p["meta"]["slug"] == "ipn_pattern"
    assert p["mixins"] == {"validation": {"key": "validation",
                                          "human_name": "Validation"}}
    assert p["is_builtin"] is False and p["is_installed"] is True
    assert p["kinds"] == ["validation"] and p["problem"] is None
    # The app's request: paginated, active only.
    activate(site, admin, "stock_report")
    r = call(site, admin, "GET", PLUGINS, query="limit=100&offset=0&active=true")
    assert r.json()["count"] == 1
    assert r.json()["results"][0]["key"] == "stock_report"
    assert r.json()["results"][0]["pk"] is not None


def test_only_superusers_see_and_change_a_plugin(site, admin, plugins):
    user = make_user(site, "clerk", {"part": ["view", "add", "change"]})
    assert call(site, user, "GET", PLUGINS).status == 200      # the app's list
    for method, path, body in (
            ("GET", "ipn_pattern/", None),
            ("PATCH", "ipn_pattern/activate/", {"active": True}),
            ("GET", "ipn_pattern/settings/", None),
            ("PATCH", "ipn_pattern/settings/PATTERN/", {"value": "x"})):
        assert call(site, user, method, PLUGINS + path, body).status == 403
    assert call(site, {}, "GET", PLUGINS + "ipn_pattern/").status == 401


def test_api_root_lists_the_active_plugins(site, admin, plugins):
    """GET /api/ says what InvenTree's does: plugins are enabled, and
    the active ones by name, slug and version (none until activated)."""
    r = site.cgi("api").json()
    assert r["plugins_enabled"] is True and r["active_plugins"] == []
    activate(site, admin, "event_log")
    activate(site, admin, "ipn_pattern")
    r = site.cgi("api").json()
    assert r["active_plugins"] == [
        dict(name="Event log", slug="event_log", version="1.0"),
        dict(name=json.loads((plugins / "ipn_pattern" / "plugin.json")
                             .read_text())["name"],
             slug="ipn_pattern",
             version=json.loads((plugins / "ipn_pattern" / "plugin.json")
                                .read_text())["version"])]
    activate(site, admin, "event_log", False)
    assert [p["slug"] for p in site.cgi("api").json()["active_plugins"]] \
        == ["ipn_pattern"]
    # A plugin whose folder has gone is not listed, though still active.
    shutil.rmtree(plugins / "ipn_pattern")
    assert site.cgi("api").json()["active_plugins"] == []


def test_detail_activate_deactivate(site, admin, plugins):
    r = call(site, admin, "GET", PLUGINS + "ipn_pattern/")
    assert r.status == 200 and r.json()["active"] is False
    assert call(site, admin, "GET", PLUGINS + "nope/").status == 404
    p = activate(site, admin, "ipn_pattern")
    assert isinstance(p["pk"], int)
    # POST with no body activates (InvenTree's default).
    r = call(site, admin, "POST", PLUGINS + "ipn_pattern/activate/", {})
    assert r.status == 200 and r.json()["active"] is True
    activate(site, admin, "ipn_pattern", False)
    r = call(site, admin, "PATCH", PLUGINS + "ipn_pattern/activate/",
             {"active": "yes"})
    assert r.status == 400 and "active" in r.json()


def test_broken_manifest_cannot_be_activated(site, admin, plugins):
    add_plugin(plugins, "escape", "#!/bin/sh\n", ["validation"],
               program_name="run.sh")
    m = json.loads((plugins / "escape" / "plugin.json").read_text())
    m["program"] = "../ipn_pattern/validate.sh"
    (plugins / "escape" / "plugin.json").write_text(json.dumps(m))
    add_plugin(plugins, "writable", "#!/bin/sh\n", ["url"])
    (plugins / "writable" / "run.sh").chmod(0o777)
    add_plugin(plugins, "wrongslug", "#!/bin/sh\n", ["url"])
    m = json.loads((plugins / "wrongslug" / "plugin.json").read_text())
    m["slug"] = "other"
    (plugins / "wrongslug" / "plugin.json").write_text(json.dumps(m))
    for slug, why in (("escape", "program"), ("writable", "writable"),
                      ("wrongslug", "slug")):
        p = call(site, admin, "GET", f"{PLUGINS}{slug}/").json()
        assert why in p["problem"], p
        r = call(site, admin, "PATCH", f"{PLUGINS}{slug}/activate/",
                 {"active": True})
        assert r.status == 400 and "cannot be activated" in r.json()["active"][0]


def test_plugins_dir_inside_data_dir_is_refused(site, admin):
    site.base_env["STOCKROOM_PLUGINS_DIR"] = str(site.data / "plugins")
    r = call(site, admin, "GET", PLUGINS)
    assert r.status == 500
    assert b"PLUGINS_DIR" in r.stderr


def test_settings(site, admin, plugins):
    r = call(site, admin, "GET", PLUGINS + "ipn_pattern/settings/")
    assert r.status == 200
    (s,) = r.json()
    assert s["key"] == "PATTERN" and s["value"] == "^[A-Z]{3}-[0-9]{4}$"
    assert s["typ"] == "plugin" and s["plugin"] == "ipn_pattern"
    assert s["name"] == "IPN pattern"
    s = set_setting(site, admin, "ipn_pattern", "PATTERN", "^P[0-9]+$")
    assert s["value"] == "^P[0-9]+$"
    r = call(site, admin, "GET", PLUGINS + "ipn_pattern/settings/PATTERN/")
    assert r.json()["value"] == "^P[0-9]+$"
    # Setting a value does not activate the plugin.
    assert call(site, admin, "GET", PLUGINS + "ipn_pattern/").json()[
        "active"] is False
    r = call(site, admin, "GET", PLUGINS + "ipn_pattern/settings/NOPE/")
    assert r.status == 404
    r = call(site, admin, "PATCH", PLUGINS + "ipn_pattern/settings/PATTERN/",
             {})
    assert r.status == 400 and "value" in r.json()


def test_typed_settings(site, admin, plugins):
    add_plugin(plugins, "typed", "#!/bin/sh\n", ["event"], settings=[
        {"key": "ON", "type": "boolean", "default": False},
        {"key": "N", "type": "integer", "default": 3}])
    vals = {s["key"]: s["value"] for s in call(
        site, admin, "GET", PLUGINS + "typed/settings/").json()}
    assert vals == {"ON": "False", "N": "3"}
    assert set_setting(site, admin, "typed", "ON", True)["value"] == "True"
    assert set_setting(site, admin, "typed", "N", "12")["value"] == "12"
    for key, bad in (("ON", "maybe"), ("N", "1.5"), ("N", [1])):
        r = call(site, admin, "PATCH", f"{PLUGINS}typed/settings/{key}/",
                 {"value": bad})
        assert r.status == 400, (key, bad)


# --- validation plugins ------------------------------------------------------

def test_validator_not_activated_never_runs(site, admin, plugins, api):
    api.ok("POST", "/api/part/", dict(name="Free", IPN="whatever"))


def test_ipn_pattern_vetoes(site, admin, plugins, api):
    activate(site, admin, "ipn_pattern")
    r = api.call("POST", "/api/part/", dict(name="Bad", IPN="bad-1"))
    assert r.status == 400, r
    assert r.json() == {"IPN": ["IPN must match the pattern "
                                "^[A-Z]{3}-[0-9]{4}$"]}
    n = part_count(site)
    good = api.ok("POST", "/api/part/", dict(name="Good", IPN="RES-0001"))
    assert part_count(site) == n + 1
    api.ok("POST", "/api/part/", dict(name="No IPN"))
    # An update is checked too.
    r = api.call("PATCH", f"/api/part/{good['pk']}/", dict(IPN="nope"))
    assert r.status == 400 and "IPN" in r.json()
    assert api.get(f"/api/part/{good['pk']}/").json()["IPN"] == "RES-0001"
    # Its setting is the pattern.
    set_setting(site, admin, "ipn_pattern", "PATTERN", "^P[0-9]+$")
    api.ok("POST", "/api/part/", dict(name="P", IPN="P42"))
    r = api.call("POST", "/api/part/", dict(name="Q", IPN="RES-0002"))
    assert r.status == 400 and "^P[0-9]+$" in r.json()["IPN"][0]
    # Deactivated: it runs no more.
    activate(site, admin, "ipn_pattern", False)
    api.ok("POST", "/api/part/", dict(name="Q", IPN="RES-0002"))


def test_validator_sees_the_proposed_object_and_only_its_models(
        site, admin, plugins, api, tmp_path):
    seen = tmp_path / "seen.json"
    add_plugin(plugins, "spy", f"#!/bin/sh\ncat > {seen}\nexit 0\n",
               ["validation"], models=["company"])
    activate(site, admin, "spy")
    api.ok("POST", "/api/part/", dict(name="Not a company"))
    assert not seen.exists()
    c = api.ok("POST", "/api/company/", dict(name="Acme", currency="EUR"))
    got = json.loads(seen.read_text())
    assert got["model"] == "company" and got["action"] == "create"
    assert got["pk"] is None and got["data"]["name"] == "Acme"
    assert got["data"]["currency"] == "EUR"
    assert got["user"]["username"] == admin.username
    api.ok("PATCH", f"/api/company/{c['pk']}/", dict(description="x"))
    got = json.loads(seen.read_text())
    assert got["action"] == "update" and got["pk"] == c["pk"]
    assert got["data"]["description"] == "x"


def test_veto_of_a_stock_item_with_a_plain_message(site, admin, plugins, api):
    add_plugin(plugins, "nostock",
               "#!/bin/sh\necho 'No stock today'\nexit 1\n",
               ["validation"], models=["stockitem"])
    activate(site, admin, "nostock")
    part = api.part("Widget")
    r = api.call("POST", "/api/stock/", dict(part=part["pk"], quantity=5))
    assert r.status == 400
    assert r.json() == {"non_field_errors": ["No stock today"]}


@pytest.mark.parametrize("body, why", [
    ("sleep 30", "timed out"),
    ("while :; do :; done", "timed out"),
    ("kill -SEGV $$", "signal 11"),
    ("exit 3", "exit code 3"),
    ("exit 1", "exit code 1 with no message"),
    ("exec head -c 300000000 /dev/zero | tr '\\0' x > big", ""),
])
def test_validator_failure_is_503_and_nothing_saved(site, admin, plugins, api,
                                                    body, why):
    add_plugin(plugins, "broken", f"#!/bin/sh\n{body}\n", ["validation"],
               timeout_ms=500)
    activate(site, admin, "broken")
    n = part_count(site)
    r = api.call("POST", "/api/part/", dict(name="Never", IPN="X"))
    assert r.status == 503, r
    assert "Validation plugin broken failed" in r.json()["detail"]
    assert why in r.json()["detail"]
    assert part_count(site) == n
    # Logged, shown in its detail and in health until it is activated again.
    assert b"plugin broken (validation)" in r.stderr
    p = call(site, admin, "GET", PLUGINS + "broken/").json()
    assert why in p["last_failure"]["error"]
    h = site.cgi("api", path="/api/health/").json()
    assert h["status"] == "healthy"
    assert [f["plugin"] for f in h["plugin_failures"]] == ["broken"]
    activate(site, admin, "broken", False)
    assert "plugin_failures" not in site.cgi("api", path="/api/health/").json()
    assert call(site, admin, "GET", PLUGINS + "broken/").json()[
        "last_failure"] is None
    api.ok("POST", "/api/part/", dict(name="Now", IPN="X"))


def test_memory_limit(site, admin, plugins, api):
    # Asks for 1 GiB at once: the address-space limit refuses it.
    add_plugin(plugins, "hog",
               "#!/usr/bin/python3\nimport sys\nx = bytearray(1 << 30)\n",
               ["validation"], program_name="hog.py")
    activate(site, admin, "hog")
    r = api.call("POST", "/api/part/", dict(name="Never"))
    assert r.status == 503, r
    assert "exit code 1 with no message" in r.json()["detail"]
    assert b"MemoryError" not in r.body         # its stderr is not shown


def test_clean_environment(site, admin, plugins, api, tmp_path):
    seen = tmp_path / "env.txt"
    add_plugin(plugins, "envspy",
               f"#!/bin/sh\nenv > {seen}\npwd >> {seen}\nexit 0\n",
               ["validation"])
    activate(site, admin, "envspy")
    api.ok("POST", "/api/part/", dict(name="Seen"))
    text = seen.read_text()
    env = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    secret = (site.data / "secret_key").read_text().strip()
    assert len(secret) >= 32 and secret not in text
    assert str(site.data) not in text
    assert not any(k.startswith(("STOCKROOM_DATA", "STOCKROOM_DATABASE",
                                 "STOCKROOM_SECRET", "HTTP_")) for k in env)
    assert env["STOCKROOM_PLUGIN"] == "envspy"
    cwd = text.splitlines()[-1]
    assert cwd.startswith("/tmp/stockroom-run-")
    assert not os.path.exists(cwd)      # removed after the run


# --- URL plugins -------------------------------------------------------------

def url(site, user, method, path, body=None, **kw):
    return site.cgi("plugin_url", method=method, path=path, body=body,
                    headers=user, **kw)


def test_url_plugin_report(site, admin, plugins):
    assert url(site, admin, "GET", "/api/plugin/stock_report/").status == 404
    activate(site, admin, "stock_report")
    set_setting(site, admin, "stock_report", "TITLE", 'Weekly "stock"')
    r = url(site, admin, "GET", "/api/plugin/stock_report/week/",
            query="n=1")
    assert r.status == 200, r
    assert r.header("Content-Type") == "application/json"
    assert r.json() == {"title": 'Weekly "stock"',
                        "user": {"id": admin.pk, "username": admin.username},
                        "method": "GET", "path": "/week/", "query": "n=1"}
    assert url(site, {}, "GET", "/api/plugin/stock_report/").status == 401
    assert url(site, admin, "GET", "/api/plugin/nope/").status == 404


def test_url_plugin_permission(site, admin, plugins):
    activate(site, admin, "stock_report")
    viewer = make_user(site, "viewer", {"stock": ["view"]})
    other = make_user(site, "other", {"part": ["view"]})
    r = url(site, viewer, "GET", "/api/plugin/stock_report/")
    assert r.status == 200 and r.json()["user"]["username"] == "viewer"
    assert url(site, other, "GET", "/api/plugin/stock_report/").status == 403


def test_url_plugin_cannot_be_told_who_the_caller_is(site, admin, plugins,
                                                     tmp_path):
    add_plugin(plugins, "whoami",
               "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
               "env\ncat\n", ["url"], permission="user")
    activate(site, admin, "whoami")
    user = make_user(site, "mallory", {"part": ["view"]})
    forged = dict(user, **{"Remote-User": "admin",
                           "X-Stockroom-User-Id": str(admin.pk),
                           "X-Remote-User": "admin", "Cookie": "sessionid=x"})
    r = url(site, forged, "POST", "/api/plugin/whoami/x", {"a": 1},
            env={"REMOTE_USER": "admin", "STOCKROOM_USER_ID": str(admin.pk)})
    assert r.status == 200, r
    text = r.body.decode()
    env = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    assert env["REMOTE_USER"] == "mallory"
    assert env["STOCKROOM_USERNAME"] == "mallory"
    assert env["STOCKROOM_USER_ID"] == str(user.pk)
    assert env["REQUEST_METHOD"] == "POST" and env["PATH_INFO"] == "/x"
    assert not any(k.startswith("HTTP_") for k in env)
    assert user.token not in text and "Authorization" not in text
    assert "sessionid" not in text and "Token" not in text
    assert text.rstrip().endswith('{"a":1}')


def test_url_plugin_failures(site, admin, plugins):
    add_plugin(plugins, "slow", "#!/bin/sh\nsleep 30\n", ["url"],
               permission="user", timeout_ms=300)
    add_plugin(plugins, "noheaders", "#!/bin/sh\nprintf 'hello'\n", ["url"],
               permission="user")
    add_plugin(plugins, "cookie",
               "#!/bin/sh\nprintf 'Status: 201 Created\\r\\nSet-Cookie: "
               "sessionid=evil\\r\\nLocation: /x\\r\\n\\r\\nok'\n", ["url"],
               permission="user")
    add_plugin(plugins, "split",
               "#!/bin/sh\nprintf 'Content-Type: text/plain\rX-Evil: 1"
               "\r\n\r\nok'\n", ["url"], permission="user")
    for s in ("slow", "noheaders", "cookie", "split"):
        activate(site, admin, s)
    r = url(site, admin, "GET", "/api/plugin/split/")
    assert r.status == 502 and r.header("X-Evil") is None
    r = url(site, admin, "GET", "/api/plugin/slow/")
    assert r.status == 502 and "timed out" in r.json()["detail"]
    assert url(site, admin, "GET", "/api/plugin/noheaders/").status == 502
    r = url(site, admin, "GET", "/api/plugin/cookie/")
    assert r.status == 201 and r.body == b"ok"
    assert r.header("Set-Cookie") is None and r.header("Location") == "/x"


# --- event plugins -----------------------------------------------------------

def worker(site):
    proc = subprocess.run([*site.wrap, str(BUILD / "bin" / "worker"),
                           "--once"], env=site.base_env, capture_output=True,
                          timeout=120 * SLOW)
    check_sanitizer(proc, "worker --once")
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stderr.decode(errors="replace")


def schedule_rows(site):
    db = site.db()
    rows = (db.execute("SELECT name, next_run FROM task_schedule").fetchall(),
            db.execute("SELECT slug, active, next_run FROM plugin").fetchall(),
            db.execute("SELECT id, name, status, run_at, attempts, last_error "
                       "FROM task ORDER BY id").fetchall())
    db.close()
    return rows


def plugin_tasks(site):
    db = site.db()
    rows = db.execute("SELECT status, attempts, args FROM task WHERE name = "
                      "'plugin_event' ORDER BY id").fetchall()
    db.close()
    return rows


def test_event_plugin_delivers_at_least_once(site, admin, plugins, api,
                                             tmp_path):
    log = tmp_path / "events.log"
    part = api.part("Widget")
    api.stock(part["pk"], 5)
    assert plugin_tasks(site) == []             # not active: not queued
    activate(site, admin, "event_log")
    # LOG_FILE not set: the plugin fails, the task waits for a retry.
    api.stock(part["pk"], 3)
    (t,) = plugin_tasks(site)
    args = json.loads(t[2])
    assert args["event"] == "stock.changed" and args["id"] == part["pk"]
    assert len(args["key"]) == 32
    worker(site)
    (t,) = plugin_tasks(site)
    assert t[0] == "pending" and t[1] == 1
    set_setting(site, admin, "event_log", "LOG_FILE", str(log))
    db = site.db()
    with db:
        db.execute("UPDATE task SET run_at = 0 WHERE name = 'plugin_event'")
    db.close()
    worker(site)
    (t,) = plugin_tasks(site)
    assert t[0] == "done", t
    (line,) = log.read_text().splitlines()
    got = json.loads(line)
    assert got["event"] == "stock.changed" and got["key"] == args["key"]
    assert got["model"] == "part" and got["object"]["pk"] == part["pk"]
    assert got["object"]["name"] == "Widget"
    assert got["settings"]["LOG_FILE"] == str(log)
    # An event it does not subscribe to is not queued.
    before = len(plugin_tasks(site))
    api.ok("POST", "/api/company/", dict(name="Acme"))
    assert len(plugin_tasks(site)) == before


HANGS_ONCE = """#!/bin/sh
# Logs each event; the first time it then hangs (the worker is killed).
line=$(cat)
printf '%s\\n' "$line" >> "$PLUGIN_SETTING_DIR/events.log"
if [ ! -e "$PLUGIN_SETTING_DIR/hung" ]; then
  echo $$ > "$PLUGIN_SETTING_DIR/hung"
  sleep 60
fi
"""


def test_event_plugin_worker_killed_mid_delivery_loses_nothing(
        site, admin, plugins, api, tmp_path):
    """At least once across a worker killed while the plugin runs: the task
    stays claimed (not done, not lost); once its claim runs out the next
    worker delivers the event again, with the same idempotency key."""
    out = tmp_path / "out"
    out.mkdir()
    add_plugin(plugins, "hangs_once", HANGS_ONCE, ["event"],
               events=["stock.changed"],
               settings=[dict(key="DIR", name="Dir", type="string",
                              default="")])
    activate(site, admin, "hangs_once")
    set_setting(site, admin, "hangs_once", "DIR", str(out))
    c = site.db()
    with c:
        c.execute("UPDATE task_schedule SET next_run = unixepoch() + 86400")
    c.close()
    part = api.part("Widget")
    api.stock(part["pk"], 4)
    (t,) = plugin_tasks(site)
    key = json.loads(t[2])["key"]
    proc = subprocess.Popen([*site.wrap, str(BUILD / "bin" / "worker"),
                             "--once"], env=site.base_env,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    hung = out / "hung"
    try:
        for _ in range(600):
            if hung.exists() and hung.read_text().strip():
                break
            time.sleep(0.1)
        assert hung.exists(), "the worker never ran the plugin"
    finally:
        proc.kill()
        proc.wait()
        try:
            os.kill(int(hung.read_text()), 9)
        except (OSError, ValueError):
            pass
    (t,) = plugin_tasks(site)
    assert t[0] != "done", t                 # not counted as delivered
    # Time passes: the task's claim runs out.
    c = site.db()
    with c:
        c.execute("UPDATE task SET claimed_until = 0, run_at = 0 "
                  "WHERE name = 'plugin_event'")
    c.close()
    worker(site)
    (t,) = plugin_tasks(site)
    assert t[0] == "done", t
    lines = [json.loads(x) for x in
             (out / "events.log").read_text().splitlines()]
    assert len(lines) == 2
    assert {x["key"] for x in lines} == {key}
    assert all(x["event"] == "stock.changed" and x["id"] == part["pk"]
               for x in lines)


def test_event_for_a_deactivated_plugin_is_dropped(site, admin, plugins, api,
                                                   tmp_path):
    log = tmp_path / "events.log"
    activate(site, admin, "event_log")
    set_setting(site, admin, "event_log", "LOG_FILE", str(log))
    part = api.part("Widget")
    api.stock(part["pk"], 5)
    activate(site, admin, "event_log", False)
    worker(site)
    assert [t[0] for t in plugin_tasks(site)] == ["done"]
    assert not log.exists()


# --- barcode plugins ---------------------------------------------------------

def scan(site, user, data):
    return site.cgi("barcode", method="POST", path="/api/barcode/",
                    body={"barcode": data}, headers=user)


def test_barcode_plugin_matches_what_no_built_in_form_does(site, admin,
                                                           plugins, api):
    part = api.part("Resistor", IPN="RES-0001")
    label = "ACME;PN=RES-0001;QTY=10"
    r = scan(site, admin, label)
    assert r.status == 400 and r.json()["plugin"] == "None"   # not active
    activate(site, admin, "acme_barcode")
    r = scan(site, admin, label)
    assert r.status == 200, r
    b = r.json()
    assert b["plugin"] == "acme_barcode" and b["barcode_data"] == label
    assert b["part"]["pk"] == part["pk"]
    assert b["part"]["api_url"] == f"/api/part/{part['pk']}/"
    assert b["part"]["instance"]["IPN"] == "RES-0001"
    assert b["success"] == "Match found for barcode data"
    # Built-in forms first; a label of an unknown part or of another
    # vendor is no match.
    assert scan(site, admin, f"INV-PA{part['pk']}").json()[
        "plugin"] == "InvenTreeBarcode"
    assert scan(site, admin, "ACME;PN=NOPE;QTY=1").status == 400
    assert scan(site, admin, "OTHER;PN=RES-0001;QTY=1").status == 400
    # Its setting: another prefix.
    set_setting(site, admin, "acme_barcode", "PREFIX", "OTHER")
    assert scan(site, admin, "OTHER;PN=RES-0001;QTY=1").status == 200
    # The match still needs the view permission of its model.
    clerk = make_user(site, "clerk", {"stock": ["view"]})
    assert scan(site, clerk, "OTHER;PN=RES-0001;QTY=1").status == 403


def test_barcode_plugins_in_turn_and_failures_skipped(site, admin, plugins,
                                                      api):
    part = api.part("Widget")
    add_plugin(plugins, "a_crash", "#!/bin/sh\nkill -KILL $$\n", ["barcode"])
    add_plugin(plugins, "b_no", "#!/bin/sh\nexit 1\n", ["barcode"])
    add_plugin(plugins, "c_yes",
               f"#!/bin/sh\necho '{{\"model\": \"part\", \"pk\": {part['pk']}}}'\n",
               ["barcode"])
    for s in ("a_crash", "b_no", "c_yes"):
        activate(site, admin, s)
    r = scan(site, admin, "anything at all")
    assert r.status == 200, r
    assert r.json()["plugin"] == "c_yes"
    assert r.json()["part"]["pk"] == part["pk"]
    assert b"plugin a_crash (barcode): killed by signal 9" in r.stderr


# --- scheduled plugins -------------------------------------------------------

def test_scheduled_plugin_runs_on_its_schedule(site, admin, plugins,
                                               tmp_path):
    out = tmp_path / "runs.log"
    add_plugin(plugins, "tick", f"#!/bin/sh\ncat >> {out}\necho >> {out}\n",
               ["schedule"], every=3600)
    add_plugin(plugins, "noevery", "#!/bin/sh\n", ["schedule"])
    assert "every" in call(site, admin, "GET", PLUGINS + "noevery/").json()[
        "problem"]
    db = site.db()
    with db:
        db.execute("UPDATE task_schedule SET next_run = unixepoch() + 86400")
    assert db.execute("SELECT count(*) FROM task_schedule WHERE name = "
                      "'plugin_schedule'").fetchone()[0] == 0
    db.close()
    activate(site, admin, "tick")
    worker(site)
    (line,) = out.read_text().splitlines()
    got = json.loads(line)
    assert got["schedule"] == 3600 and len(got["key"]) == 32
    assert "plugin" not in got and "kind" not in got
    # Not due again for an hour, however often the schedule is looked at.
    db = site.db()
    with db:
        db.execute("UPDATE task_schedule SET next_run = 0 "
                   "WHERE name = 'plugin_schedule'")
    db.close()
    worker(site)
    assert len(out.read_text().splitlines()) == 1
    db = site.db()
    with db:
        db.execute("UPDATE task_schedule SET next_run = 0 "
                   "WHERE name = 'plugin_schedule'")
        db.execute("UPDATE plugin SET next_run = 0")
    db.close()
    log = worker(site)
    # (Seen once in a full run on PostgreSQL, not again in a dozen alone:
    # the worker's log and the rows say which step did not happen.)
    assert len(out.read_text().splitlines()) == 2, (
        log, plugin_tasks(site), schedule_rows(site))
    # Deactivated: no more runs.
    activate(site, admin, "tick", False)
    db = site.db()
    with db:
        db.execute("UPDATE task_schedule SET next_run = 0 "
                   "WHERE name = 'plugin_schedule'")
        db.execute("UPDATE plugin SET next_run = 0")
    db.close()
    worker(site)
    assert len(out.read_text().splitlines()) == 2


class Receiver:
    """A local HTTP endpoint for a notifier: answers each POST with the
    next of statuses (then 200) and keeps what it got."""

    def __init__(self, statuses=()):
        import http.server
        import threading
        got, todo = [], list(statuses)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                got.append((dict(self.headers), json.loads(self.rfile.read(n))))
                self.send_response(todo.pop(0) if todo else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.got = got
        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_low_stock_notifier_posts_once_at_least(site, admin, plugins, api):
    rx = Receiver(statuses=[503])
    try:
        part = api.part("Fuse 1A", minimum_stock=10)
        api.stock(part["pk"], 3)
        plain = api.part("Plenty")
        activate(site, admin, "low_stock")
        set_setting(site, admin, "low_stock", "NOTIFY_URL", rx.url)
        api.stock(part["pk"], 1)
        api.stock(plain["pk"], 3)             # no minimum: nothing said
        worker(site)
        assert len(rx.got) == 1               # answered 503: retried later
        assert sorted(t[0] for t in plugin_tasks(site)) == ["done", "pending"]
        db = site.db()
        with db:
            db.execute("UPDATE task SET run_at = 0 WHERE name = "
                       "'plugin_event'")
        db.close()
        worker(site)
        assert len(rx.got) == 2
        assert [t[0] for t in plugin_tasks(site)] == ["done", "done"]
        (h1, b1), (h2, b2) = rx.got
        assert b1 == b2 and b1["part"] == part["pk"]
        assert b1["text"] == "Low stock: Fuse 1A has 4, minimum 10"
        assert h1["Idempotency-Key"] == h2["Idempotency-Key"] == b1["key"]
    finally:
        rx.close()


def test_dead_letters_are_the_failed_tasks_a_superuser_retries(
        site, admin, plugins, api, tmp_path):
    log = tmp_path / "events.log"
    part = api.part("Widget")
    activate(site, admin, "event_log")          # LOG_FILE not set: fails
    api.stock(part["pk"], 2)
    db = site.db()
    with db:
        db.execute("UPDATE task SET max_attempts = 1 "
                   "WHERE name = 'plugin_event'")
    db.close()
    worker(site)
    r = site.cgi("admin", path="/api/admin/task/", headers=admin,
                 query="name=plugin_event&status=failed")
    assert r.status == 200, r
    (dead,) = r.json()
    assert "plugin event_log: failed with exit code 2" in dead["last_error"]
    key = json.loads(plugin_tasks(site)[0][2])["key"]
    assert dead["args"]["key"] == key and dead["args"]["plugin"] == "event_log"
    set_setting(site, admin, "event_log", "LOG_FILE", str(log))
    r = site.cgi("admin", method="POST", headers=admin, body={},
                 path=f"/api/admin/task/{dead['pk']}/retry/")
    assert r.status == 200, r
    worker(site)
    assert [t[0] for t in plugin_tasks(site)] == ["done"]
    assert json.loads(log.read_text())["key"] == key     # the same key
