"""CGI-level tests of api.cgi and of the request/response library, run by
executing the built programs with a CGI environment (no web server)."""
import json
import os
import sqlite3
import stat
import subprocess

import pytest

from conftest import ENGINE

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_json_error(r, status):
    assert r.status == status, r
    assert r.header("Content-Type") == "application/json"
    body = r.json()
    assert isinstance(body, dict) and body, body
    return body


def test_root_describes_server(site):
    r = site.cgi("api")
    assert r.status == 200
    d = r.json()
    assert d["server"] == "InvenTree"
    assert d["product"] == "Stockroom"
    assert d["apiVersion"] >= 206          # inventree-python's minimum
    assert d["instance"] == "Stockroom"
    assert d["worker_running"] is False
    assert d["worker_pending_tasks"] == 0
    assert d["debug_mode"] is False
    # The engine the site runs on (it said "sqlite" on PostgreSQL too).
    assert d["database"] == {"sqlite": "sqlite", "pg": "postgresql"}[ENGINE]


def test_root_without_trailing_slash(site):
    assert site.cgi("api", path="/api").status == 200


def test_every_answer_has_security_headers_and_request_id(site):
    for r in (site.cgi("api"), site.cgi("api", path="/api/nope/"),
              site.cgi("api", method="DELETE")):
        for k, v in SECURITY_HEADERS.items():
            assert r.header(k) == v, (k, r.headers)
        assert "frame-ancestors 'none'" in r.header("Content-Security-Policy")
        assert len(r.header("X-Request-ID")) == 32


def test_request_id_echoed_when_well_formed(site):
    r = site.cgi("api", headers={"X-Request-ID": "abc-123_x.y"})
    assert r.header("X-Request-ID") == "abc-123_x.y"
    assert b"rid=abc-123_x.y GET /api/ 200" in r.stderr
    r = site.cgi("api", headers={"X-Request-ID": "bad id <script>"})
    assert r.header("X-Request-ID") != "bad id <script>"
    assert len(r.header("X-Request-ID")) == 32


def test_log_line_per_request(site):
    r = site.cgi("api", path="/api/health/", query="secret=hunter2")
    lines = r.stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert " GET /api/health/ 200 " in lines[0]
    assert "us user=-" in lines[0]
    assert "hunter2" not in lines[0]      # query strings are never logged


def test_log_file_setting(site):
    log = site.data / "requests.log"
    r = site.cgi("api", env={"STOCKROOM_LOG_FILE": str(log)})
    assert r.status == 200 and r.stderr == b""
    assert " GET /api/ 200 " in log.read_text()
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600


def latest_migration():
    from conftest import ROOT
    return len(list((ROOT / "db" / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql")))


def test_health_ok(site):
    r = site.cgi("api", path="/api/health/")
    assert r.status == 200
    assert r.json() == {"status": "healthy", "database": "ok",
                        "schema_version": latest_migration(),
                        "pending_migrations": 0}


def test_health_reports_pending_migrations(bare_site):
    bare_site.data.mkdir(mode=0o700)
    bare_site.db().close()
    r = bare_site.cgi("api", path="/api/health/")
    assert r.status == 503
    d = r.json()
    assert d["status"] == "unhealthy"
    assert d["pending_migrations"] >= 1
    assert "migrations pending" in d["reason"]


def test_health_reports_world_writable_data_dir(site):
    os.chmod(site.data, 0o777)
    r = site.cgi("api", path="/api/health/")
    assert r.status == 503
    assert "writable by other users" in r.json()["reason"]


def test_health_reports_newer_database(site):
    db = site.db()
    db.execute("PRAGMA user_version = 999")
    db.close()
    r = site.cgi("api", path="/api/health/")
    assert r.status == 503
    assert "newer" in r.json()["reason"]


@pytest.mark.sqlite_only("writes garbage over the SQLite file")
def test_health_reports_corrupt_database(site):
    for suffix in ("", "-wal", "-shm"):
        p = site.data / ("stockroom.sqlite3" + suffix)
        if p.exists():
            p.unlink()
    (site.data / "stockroom.sqlite3").write_bytes(b"this is not a database" * 100)
    r = site.cgi("api", path="/api/health/")
    assert r.status == 503
    assert r.json()["status"] == "unhealthy"


def test_first_request_creates_data_dir(bare_site):
    r = bare_site.cgi("api", path="/api/health/")
    assert bare_site.data.is_dir()
    assert stat.S_IMODE(os.stat(bare_site.data).st_mode) == 0o700
    assert r.status == 503        # created, but nothing migrated yet


def test_auto_migrate_on_first_request(bare_site):
    env = {"STOCKROOM_AUTO_MIGRATE": "true"}
    r = bare_site.cgi("echo", method="GET", path="/api/echo/", env=env)
    assert r.status == 200
    r = bare_site.cgi("api", path="/api/health/")
    assert r.status == 200 and r.json()["pending_migrations"] == 0


def test_concurrent_auto_migrate_applies_each_step_once(bare_site):
    bare_site.data.mkdir(mode=0o700)
    env = dict(bare_site.base_env, STOCKROOM_AUTO_MIGRATE="1",
               REQUEST_METHOD="GET", PATH_INFO="/api/echo/")
    procs = [subprocess.Popen([str(bare_site.program("echo"))], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL) for _ in range(8)]
    outs = [p.communicate(timeout=60) for p in procs]
    for out, _ in outs:
        assert out.startswith(b"Status: 200"), out[:200]
    db = bare_site.db()
    rows = db.execute("SELECT version, count(*) FROM schema_migrations "
                      "GROUP BY version").fetchall()
    assert all(n == 1 for _, n in rows) and len(rows) >= 1


def test_schema_behind_is_503_without_auto_migrate(bare_site):
    bare_site.data.mkdir(mode=0o700)
    r = bare_site.cgi("echo", path="/api/echo/")
    d = assert_json_error(r, 503)
    assert "stockroom migrate" in d["detail"]


def test_unknown_api_path_is_json_404(site):
    r = site.cgi("api", path="/api/no/such/thing/")
    d = assert_json_error(r, 404)
    assert d == {"detail": "API endpoint not found",
                 "url": "/api/no/such/thing/"}


def test_404_url_keeps_install_prefix(site):
    r = site.cgi("api", path="/api/nope/",
                 request_uri="/~alice/stockroom/api/nope/")
    assert r.json()["url"] == "/~alice/stockroom/api/nope/"


def test_wrong_method_is_405_with_allow(site):
    r = site.cgi("api", method="POST")
    assert_json_error(r, 405)
    assert r.header("Allow") == "GET, HEAD, OPTIONS"
    r = site.cgi("api", method="BREW")
    assert_json_error(r, 405)
    assert r.header("Allow") == "GET, HEAD, OPTIONS"
    for bad in ("get", "G ET", "X" * 30):
        assert_json_error(site.cgi("api", method=bad), 400)


def test_head_has_no_body(site):
    r = site.cgi("api", method="HEAD")
    assert r.status == 200 and r.body == b""
    assert int(r.header("Content-Length")) > 0


def test_etag_and_304(site):
    r = site.cgi("api")
    etag = r.header("ETag")
    assert etag and etag.startswith('"')
    r2 = site.cgi("api", headers={"If-None-Match": etag})
    assert r2.status == 304 and r2.body == b""
    assert r2.header("ETag") == etag
    r3 = site.cgi("api", headers={"If-None-Match": 'W/' + etag + ', "x"'})
    assert r3.status == 304
    r4 = site.cgi("api", headers={"If-None-Match": '"other"'})
    assert r4.status == 200 and r4.body


def test_options_describes_endpoint(site):
    r = site.cgi("api", method="OPTIONS", path="/api/health/")
    assert r.status == 200
    d = r.json()
    assert d["name"] == "Health check"
    assert "GET" in r.header("Allow")


def test_cors_preflight_and_grant(site):
    env = {"STOCKROOM_CORS_ALLOWED_ORIGINS": "https://app.example.org, https://b.example"}
    pre = {"Origin": "https://app.example.org",
           "Access-Control-Request-Method": "GET"}
    r = site.cgi("api", method="OPTIONS", headers=pre, env=env)
    assert r.status == 204
    assert r.header("Access-Control-Allow-Origin") == "https://app.example.org"
    assert "GET" in r.header("Access-Control-Allow-Methods")
    assert "Authorization" in r.header("Access-Control-Allow-Headers")
    r = site.cgi("api", headers={"Origin": "https://b.example"}, env=env)
    assert r.header("Access-Control-Allow-Origin") == "https://b.example"
    assert r.header("Access-Control-Allow-Credentials") == "true"
    r = site.cgi("api", headers={"Origin": "https://evil.example"}, env=env)
    assert r.header("Access-Control-Allow-Origin") is None
    # Not configured: no CORS at all.
    r = site.cgi("api", headers={"Origin": "https://app.example.org"})
    assert r.header("Access-Control-Allow-Origin") is None


def test_bad_config_file_is_500_json_naming_nothing_secret(site, tmp_path):
    conf = tmp_path / "stockroom.conf"
    conf.write_text("SECRET_KEY = hunter2hunter2\nMAX_BODY_SIZE = lots\n")
    r = site.cgi("api", env={"STOCKROOM_CONFIG": str(conf)})
    d = assert_json_error(r, 500)
    assert "configuration" in d["detail"]
    assert b"MAX_BODY_SIZE" in r.stderr           # the log says which
    assert b"hunter2" not in r.stderr and b"hunter2" not in r.body


def test_config_file_next_to_install_root(site, tmp_path):
    """Under suEXEC only the file beside the programs is read."""
    root = tmp_path / "root"
    (root / "cgi-bin").mkdir(parents=True)
    exe = root / "cgi-bin" / "api.cgi"
    exe.write_bytes(site.program("api").read_bytes())
    exe.chmod(0o755)
    (root / "stockroom.conf").write_text(
        f'INSTANCE_NAME = "Bench lab"\nDATA_DIR = {site.data}\n')
    env = {k: v for k, v in site.base_env.items()
           if k not in ("STOCKROOM_CONFIG", "STOCKROOM_DATA_DIR")}
    env.update(REQUEST_METHOD="GET", PATH_INFO="/api/")
    out = subprocess.run([str(exe)], env=env, capture_output=True,
                         timeout=30).stdout
    assert out.startswith(b"Status: 200")
    assert b'"instance":"Bench lab"' in out


# --- Bodies, through the test-only echo program -------------------------

def test_json_body(site):
    r = site.cgi("echo", method="POST", body={"name": "Résistor", "n": [1, 2]})
    assert r.status == 200
    assert r.json()["data"] == {"name": "Résistor", "n": [1, 2]}


def test_form_body(site):
    r = site.cgi("echo", method="POST", body="name=M3+bolt&tag=a&tag=b&x=%C3%BC",
                 content_type="application/x-www-form-urlencoded")
    assert r.status == 200
    assert r.json()["data"] == {"name": "M3 bolt", "tag": ["a", "b"], "x": "ü"}


def test_empty_body_is_empty_object(site):
    r = site.cgi("echo", method="POST")
    assert r.status == 200 and r.json()["data"] == {}


@pytest.mark.parametrize("body", [
    b"{", b"{\"a\": }", b"[1, 2", b"nul", b"{\"a\": 1} trailing",
    b"{\"a\": \"\xff\"}", b"{\"a\": \"x\x00y\"}",
])
def test_malformed_json_is_400(site, body):
    r = site.cgi("echo", method="POST", body=body,
                 content_type="application/json")
    d = assert_json_error(r, 400)
    assert d["detail"].startswith("JSON parse error")


def test_deeply_nested_json_is_400_not_a_crash(site):
    r = site.cgi("echo", method="POST", body=b"[" * 100000,
                 content_type="application/json")
    assert_json_error(r, 400)


def test_body_over_cap_is_413_and_not_read(site):
    big = b"{\"a\": \"" + b"x" * 5000 + b"\"}"
    r = site.cgi("echo", method="POST", body=big,
                 content_type="application/json",
                 env={"STOCKROOM_MAX_BODY_SIZE": "4096"})
    d = assert_json_error(r, 413)
    assert "4096" in d["detail"]


def test_content_length_beyond_cap_without_body_is_413(site):
    r = site.cgi("echo", method="POST", content_type="application/json",
                 content_length=10**12)
    assert_json_error(r, 413)


def test_short_body_is_400(site):
    r = site.cgi("echo", method="POST", body=b"{\"a\": 1}",
                 content_type="application/json", content_length=100)
    d = assert_json_error(r, 400)
    assert "shorter" in d["detail"]


def test_never_reads_past_content_length(site):
    r = site.cgi("echo", method="POST", body=b"{\"a\": 1}GARBAGE",
                 content_type="application/json", content_length=8)
    assert r.status == 200 and r.json()["data"] == {"a": 1}


def test_stalled_body_is_408(site):
    """A client that never sends its body cannot hold the program."""
    env = dict(site.base_env, REQUEST_METHOD="POST", PATH_INFO="/api/echo/",
               CONTENT_TYPE="application/json", CONTENT_LENGTH="10",
               STOCKROOM_READ_TIMEOUT="1")
    p = subprocess.Popen([str(site.program("echo"))], env=env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    p.stdin.write(b"{\"a\"")
    p.stdin.flush()
    out = p.stdout.read()       # stdin stays open: the body never ends
    p.stdin.close()
    p.wait(timeout=20)
    assert out.startswith(b"Status: 408"), out[:200]


@pytest.mark.parametrize("ctype", ["text/plain", "application/xml",
                                   "image/png", ""])
def test_wrong_content_type_is_415(site, ctype):
    r = site.cgi("echo", method="POST", body=b"{}", content_type=ctype or None)
    assert_json_error(r, 415)


def test_malformed_content_length_is_400(site):
    for cl in ("abc", "-1", "1e3", " 5"):
        r = site.cgi("echo", method="POST", body=b"{}",
                     content_type="application/json", env={"CONTENT_LENGTH": cl})
        assert_json_error(r, 400)


@pytest.mark.parametrize("query", ["a=%zz", "a=%", "a=%00", "a=b%0Ac",
                                   "x=%C3", "%FF=1", "a=%1b"])
def test_bad_percent_encoding_is_400(site, query):
    r = site.cgi("echo", query=query)
    assert_json_error(r, 400)


def test_query_decoding(site):
    r = site.cgi("echo", query="search=m3+bolt&name=%C3%BC&flag")
    assert r.json()["query"] == {"search": "m3 bolt", "name": "ü", "flag": ""}


def test_too_many_query_parameters_is_400(site):
    r = site.cgi("echo", query="&".join(f"a{i}=1" for i in range(100)))
    assert_json_error(r, 400)


def test_overlong_query_is_414(site):
    r = site.cgi("echo", query="a=" + "x" * 9000)
    assert_json_error(r, 414)


def test_overlong_header_is_431(site):
    r = site.cgi("echo", headers={"X-Junk": "x" * 20000})
    assert_json_error(r, 431)


def test_control_characters_in_path_are_400(site):
    r = site.cgi("echo", path="/api/echo/\x1b[31m/")
    assert_json_error(r, 400)
    r = site.cgi("api", path="/api/\xff".encode("latin-1").decode("utf-8", "surrogateescape"))
    assert_json_error(r, 400)


def test_malformed_cookies_are_ignored(site):
    r = site.cgi("echo", headers={"Cookie": "=x; ;;bad cookie=1; probe=ok"})
    assert r.status == 200 and r.json()["cookie"] == "ok"


def test_id_parameters(site):
    assert site.cgi("echo", path="/api/echo/42/").json() == {"pk": 42}
    assert site.cgi("echo", path="/api/echo/42").json() == {"pk": 42}
    for bad in ("0", "-1", "042", "1x", "9" * 30):
        assert_json_error(site.cgi("echo", path=f"/api/echo/{bad}/"), 404)


def test_base_url_from_request(site):
    r = site.cgi("echo", path="/api/echo/",
                 request_uri="/~alice/stockroom/api/echo/?x=1", query="x=1")
    d = r.json()
    assert d["prefix"] == "/~alice/stockroom"
    assert d["base_url"] == "http://localhost/~alice/stockroom"
    r = site.cgi("echo", env={"HTTPS": "on"})
    assert r.json()["base_url"] == "https://localhost"


def test_site_url_setting_wins(site):
    r = site.cgi("echo", env={"STOCKROOM_SITE_URL": "https://inv.example.org/stores/"})
    d = r.json()
    assert d["base_url"] == "https://inv.example.org/stores"
    assert d["prefix"] == "/stores"


def test_program_prints_routes():
    from conftest import BUILD
    out = subprocess.run([str(BUILD / "cgi-bin" / "api.cgi"), "--routes"],
                         capture_output=True, timeout=10, check=True).stdout
    routes = json.loads(out)
    assert {(r["method"], r["pattern"], r["area"]) for r in routes} == {
        ("GET", "/api/", "public"), ("GET", "/api/health/", "public"),
        ("POST", "/api/search/", "user"), ("GET", "/api/schema/", "user"),
        ("GET", "/api/metadata/<model:word>/<pk>/", "user"),
        ("PUT", "/api/metadata/<model:word>/<pk>/", "user"),
        ("PATCH", "/api/metadata/<model:word>/<pk>/", "user")}


def test_handler_cache_control_survives(site, admin):
    """Answers carrying a secret (a new API token) are never cached."""
    r = site.cgi("user", path="/api/user/token/", query="name=ci",
                 headers=admin)
    assert r.status == 200
    assert r.header_all("Cache-Control") == ["no-store"]
    assert site.cgi("api").header("Cache-Control") == "private, no-cache"


@pytest.mark.sqlite_only("SQLite's WAL file")
def test_wal_is_emptied_when_the_last_process_closes(site, admin):
    """The WAL files are kept between processes, but emptied by the last
    connection: a WAL left to grow would be re-read by every process that
    opens the database first (a 25 ms regression the benchmark caught)."""
    for i in range(3):       # each GET of a token writes a row
        assert site.cgi("user", path="/api/user/token/", query=f"name=w{i}",
                        headers=admin).status == 200
    wal = site.data / "stockroom.sqlite3-wal"
    assert wal.exists()                  # kept, not recreated each time
    assert wal.stat().st_size == 0       # but empty
