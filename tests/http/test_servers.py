"""HTTP-level tests: Stockroom through a real lighttpd (lighttpd.conf, and
lighttpd-fastcgi.conf), a real Apache 2.4 (apache.conf) and the same Apache
serving a tree configured only by its .htaccess files under
/~alice/stockroom/, each Apache as CGI and under mod_fcgid (see
conftest.py); most tests run against every one (the `srv` fixture).

Where a server rejects a request itself before any program runs, the test
says so and checks that server's own answer precisely; everything that
reaches a program must come back as the API contract's JSON.
"""
import base64
import concurrent.futures
import http.client
import importlib.util
import json
import os
import pathlib
import re
import stat
import subprocess
import tempfile
import time

import pytest

_spec = importlib.util.spec_from_file_location(
    "http_conftest", pathlib.Path(__file__).with_name("conftest.py"))
hc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hc)

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
BUILD = pathlib.Path(os.environ.get("BUILD", "build"))
if not BUILD.is_absolute():
    BUILD = ROOT / BUILD

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
ECHO = "/cgi-bin/echo.cgi/api/echo/"
INSTANCE = {"lighttpd": "HTTP test lighttpd", "apache": "HTTP test apache",
            "htaccess": "HTTP test alice"}
# Early error answers (405, 413, 415) are sent several times: under Apache's
# mod_cgid a program that exits without reading the whole body closes its
# socket with unread data, the server's next read fails with ECONNRESET and
# the answer is lost, depending on timing (see test_body_over_cap_is_413_json).
TRIES = 5


def assert_json_error(r, status):
    """The program answered: the status and a {"detail": ...} object."""
    assert r.status == status, r
    assert r.is_json, r
    body = r.json()
    assert isinstance(body, dict) and body.get("detail"), body
    return body


def assert_server_rejects(r, status):
    """The web server answered itself, before any program ran."""
    assert r.status == status, r
    assert not r.is_json, r
    assert r.header("X-Request-ID") is None, r


# --- The API root, through each server ----------------------------------

@pytest.mark.parametrize("path", ["/api/", "/api"])
def test_api_root_is_server_info(srv, path):
    r = srv.get(path)
    assert r.status == 200, r
    assert r.is_json
    d = r.json()
    assert d["server"] == "InvenTree"
    assert d["apiVersion"] >= 206
    # The tree's own stockroom.conf was found (no SetEnv anywhere).
    assert d["instance"] == INSTANCE[srv.kind]


def test_health(srv):
    r = srv.get("/api/health/")
    assert r.status == 200, r
    d = r.json()
    assert d["status"] == "healthy"
    assert d["database"] == "ok"
    assert d["pending_migrations"] == 0


def test_unknown_api_path_is_json_404_with_prefix(srv):
    r = srv.get("/api/no/such/")
    d = assert_json_error(r, 404)
    assert d == {"detail": "API endpoint not found",
                 "url": srv.prefix + "/api/no/such/"}


def test_post_to_root_is_405_with_allow(srv):
    r = srv.request("POST", "/api/", content_length=0)
    assert_json_error(r, 405)
    assert r.header("Allow") == "GET, HEAD, OPTIONS"


def test_head_has_no_body(srv):
    r = srv.request("HEAD", "/api/")
    assert r.status == 200, r
    assert r.body == b""
    assert r.header("Content-Type") == "application/json"


@pytest.mark.parametrize("path", ["/api/", "/api/no/such/", "/api/health/"])
def test_security_headers_on_api_answers(srv, path):
    r = srv.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert r.header_all(name) == [value], (name, r.headers)
    csp = r.header_all("Content-Security-Policy")
    assert len(csp) == 1 and "frame-ancestors 'none'" in csp[0], r.headers
    assert len(r.header("X-Request-ID")) == 32


def test_request_id_echoed(srv):
    r = srv.get("/api/", headers={"X-Request-ID": "abc-123_x.y"})
    assert r.header_all("X-Request-ID") == ["abc-123_x.y"]
    r = srv.get("/api/", headers={"X-Request-ID": "bad id <script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", r.header("X-Request-ID")), r.headers


def test_etag_and_if_none_match(srv):
    r = srv.get("/api/")
    etag = r.header("ETag")
    assert etag and etag.startswith('"'), r.headers
    r2 = srv.get("/api/", headers={"If-None-Match": etag})
    assert r2.status == 304, r2
    assert r2.body == b""
    assert r2.header("ETag") == etag
    r3 = srv.get("/api/", headers={"If-None-Match": '"something-else"'})
    assert r3.status == 200 and r3.json()["server"] == "InvenTree"


def test_request_line_reaches_server_log(srv):
    """A program's log line (standard error) lands in the server's error
    log, where an operator looks; the query string never does."""
    rid = f"http-log-{srv.kind}-{os.getpid()}"
    r = srv.get("/api/health/?search=hunter2", headers={"X-Request-ID": rid})
    assert r.status == 200, r
    want = f"rid={rid} GET /api/health/ 200 "
    deadline = time.monotonic() + 5
    while want not in srv.log.read_text(errors="replace"):
        assert time.monotonic() < deadline, srv.log_tail()
        time.sleep(0.05)
    assert "hunter2" not in srv.log.read_text(errors="replace")


def test_options_describes_endpoint(srv):
    r = srv.request("OPTIONS", "/api/health/")
    assert r.status == 200, r
    assert r.json()["name"] == "Health check"
    assert "GET" in r.header("Allow")


def route_table(program):
    """A built program's routes (its --routes), or [] if it is not built."""
    exe = BUILD / "cgi-bin" / f"{program}.cgi"
    if not exe.exists():
        return []
    out = subprocess.run([str(exe), "--routes"], capture_output=True,
                         timeout=30, check=True).stdout
    return json.loads(out)


def api_families():
    """Programs in cgi-bin/ other than api.c that serve /api/<name>/...;
    a program not built yet counts as one.  (media.c serves /media/.)"""
    found = []
    for src in sorted((ROOT / "cgi-bin").glob("*.c")):
        name = src.stem
        routes = route_table(name)
        if name != "api" and all(r["pattern"].startswith(f"/api/{name}/")
                                 for r in routes):
            found.append(name)
    return found


def plain_get_routes(program):
    """The GET patterns without parameters in a built program's table."""
    return [r["pattern"] for r in route_table(program)
            if r["method"] == "GET" and "<" not in r["pattern"]]


def plain_routes(program):
    """Its GET patterns without parameters, or, for a program that only
    takes writes (barcode.cgi), its POST ones: (method, pattern)."""
    gets = [("GET", p) for p in plain_get_routes(program)]
    return gets or [(r["method"], r["pattern"]) for r in route_table(program)
                    if r["method"] == "POST" and "<" not in r["pattern"]]


@pytest.mark.parametrize("family", api_families())
def test_each_family_reaches_its_program(srv, family):
    """/api/<family>/... runs cgi-bin/<family>.cgi with the whole API path
    as PATH_INFO: the program's own endpoints (its GETs, or its POSTs when
    it has no GET) answer (signed in or not,
    never api.cgi's "API endpoint not found"), and an unknown endpoint
    under the family is a JSON 404 with the full URL."""
    routes = plain_routes(family)
    assert routes, family
    for method, pattern in routes:
        for path in (pattern, pattern.rstrip("/")):
            r = srv.request(method, path,
                            body={} if method == "POST" else None)
            assert r.is_json and r.status in (200, 401, 403), (path, r)
    for path in (f"/api/{family}/no-such-endpoint/",
                 f"/api/{family}/no-such-endpoint?x=1"):
        r = srv.get(path)
        d = assert_json_error(r, 404)
        assert d["url"] == srv.prefix + path.split("?")[0], d


def test_keep_alive_framing(srv):
    """Several answers on one connection, so each must be framed exactly
    (Content-Length or chunked) by program and server together."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=15)
    try:
        conn.request("GET", srv.prefix + "/api/")
        r = conn.getresponse()
        first = json.loads(r.read())
        etag = r.getheader("ETag")
        assert r.status == 200 and first["server"] == "InvenTree"
        conn.request("HEAD", srv.prefix + "/api/")
        r = conn.getresponse()
        assert r.status == 200 and r.read() == b""
        conn.request("GET", srv.prefix + "/api/", headers={
            "If-None-Match": etag})
        r = conn.getresponse()
        assert r.status == 304 and r.read() == b""
        conn.request("POST", srv.prefix + ECHO, body=b'{"n": 1}',
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        assert r.status == 200 and json.loads(r.read())["data"] == {"n": 1}
        conn.request("GET", srv.prefix + "/api/nope/")
        r = conn.getresponse()
        assert r.status == 404 and json.loads(r.read())["detail"]
        asset = page_assets(srv.site)[0]
        conn.request("GET", srv.prefix + "/" + asset)
        r = conn.getresponse()
        assert r.status == 200 and r.read() == (srv.site / asset).read_bytes()
    finally:
        conn.close()


def test_concurrent_requests(srv):
    """Twenty clients at once: every one answered, the database stays
    healthy (SQLite locking under the server's user)."""
    def one(i):
        if i % 2:
            return srv.request("POST", ECHO, body={"i": i}, timeout=30)
        return srv.get("/api/health/", timeout=30)
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(one, range(20)))
    for i, r in enumerate(answers):
        assert r.status == 200, (i, r)
        if i % 2:
            assert r.json()["data"] == {"i": i}
        else:
            assert r.json()["status"] == "healthy"


# --- The page -------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/index.html", "/some/spa/route",
                                  "/part/12/", "/missing/style.css"])
def test_page_and_spa_fallback(srv, path):
    r = srv.get(path)
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("text/html"), r.headers
    assert r.body == (srv.site / "index.html").read_bytes()
    for name, value in SECURITY_HEADERS.items():
        assert r.header_all(name) == [value], (name, r.headers)
    csp = r.header_all("Content-Security-Policy")
    assert len(csp) == 1 and "default-src 'self'" in csp[0], r.headers
    # The scanner's decoder is WebAssembly (zxing-wasm): compiling it is
    # allowed, evaluating script text is not.
    assert "script-src 'self' 'wasm-unsafe-eval';" in csp[0], csp
    assert "unsafe-inline" not in csp[0] and "'unsafe-eval'" not in csp[0], csp
    # The page is always revalidated, even under an asset-like URL.
    assert r.header_all("Cache-Control") == ["no-cache"], r.headers


def test_prefix_without_slash_redirects(apache):
    """/~alice/stockroom (no final slash) is sent to the page at
    /~alice/stockroom/, so the page's relative links work."""
    r = apache["htaccess"].get("")
    assert r.status == 301, r
    assert r.header("Location").endswith("/~alice/stockroom/"), r.headers


def page_assets(site):
    """The files the installed page links to, relative to its <base>."""
    html = (site / "index.html").read_text()
    found = re.findall(r'(?:href|src)="([A-Za-z0-9_][^"#?:]*'
                       r'\.(?:css|js|svg))"', html)
    assert found, html
    return found


ASSET_TYPES = {"css": ("text/css",),
               "js": ("text/javascript", "application/javascript"),
               "svg": ("image/svg+xml",)}


def test_page_knows_its_prefix(srv):
    """make install BASE_PATH=... wrote the tree's prefix into the page."""
    html = (srv.site / "index.html").read_text()
    if "<base href=" in html:
        assert f'<base href="{srv.prefix}/">' in html


def test_page_assets(srv):
    for rel in page_assets(srv.site):
        r = srv.get("/" + rel)
        assert r.status == 200, (rel, r)
        ctype = r.header("Content-Type").split(";")[0]
        assert ctype in ASSET_TYPES[rel.rsplit(".", 1)[1]], (rel, r.headers)
        assert r.body == (srv.site / rel).read_bytes()
        assert r.header("X-Content-Type-Options") == "nosniff", r.headers


# --- What is never served -------------------------------------------------

NEVER_SERVED = ["/data/", "/data", "/data/stockroom.sqlite3",
                "/data/secret_key", "/data/setup_code", "/data/media/",
                "/data/.htaccess", "/bin/stockroom",
                "/bin/", "/db/migrations/0001_foundation.sql", "/db/",
                "/templates/", "/stockroom.conf", "/.htaccess",
                "/cgi-bin/.htaccess", "/cgi-bin/"]


def secrets_of(site):
    """Byte strings that must never appear in an answer."""
    found = [b"SQLite format 3", b"\x7fELF", b"# HTTP test tree",
             b"RewriteEngine", b"CGIPassAuth"]
    key = site / "data" / "secret_key"
    found.append(key.read_bytes().strip())
    found.append((site / "db" / "migrations" / "0001_foundation.sql")
                 .read_bytes()[:80])
    return found


def assert_nothing_leaks(srv, r):
    for s in secrets_of(srv.site):
        assert s not in r.body, (s, r)
    # No directory listing either.
    assert b"stockroom.sqlite3" not in r.body and b"Index of" not in r.body


@pytest.mark.parametrize("path", NEVER_SERVED)
def test_never_served(srv, path):
    r = srv.get(path)
    assert r.status in (403, 404), r
    assert_nothing_leaks(srv, r)


# Spellings of the same files: whatever the status, nothing leaks.
@pytest.mark.parametrize("path", [
    "/./data/secret_key", "/cgi-bin/../data/secret_key", "/data//secret_key",
    "/%64ata/secret_key", "/data%2fsecret_key", "/data/secret_key%00",
    "/DATA/secret_key", "/data/secret_key/", "/stockroom%2econf",
    "/%2ehtaccess", "/data/stockroom.sqlite3-wal", "/api/../data/secret_key",
    "/index.html/../data/secret_key", "/cgi-bin/api.cgi/../../data/secret_key",
])
def test_never_served_under_other_spellings(srv, path):
    r = srv.get(path)
    assert r.status is not None, r
    assert_nothing_leaks(srv, r)


def test_data_dir_not_world_readable(srv):
    data = srv.site / "data"
    mode = stat.S_IMODE(os.stat(data).st_mode)
    assert mode == 0o700, oct(mode)
    srv.get("/api/health/")         # a request does not loosen it
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700


def test_fresh_install_data_dir_is_0700():
    with tempfile.TemporaryDirectory() as d:
        site = pathlib.Path(d) / "site"
        build = os.path.relpath(BUILD, ROOT) \
            if BUILD.is_relative_to(ROOT) else str(BUILD)
        subprocess.run(["make", "-s", "install", f"DESTDIR={site}",
                        f"BUILD={build}"], cwd=ROOT, check=True,
                       capture_output=True, timeout=300)
        assert stat.S_IMODE(os.stat(site / "data").st_mode) == 0o700


# --- Headers reach the programs ------------------------------------------

@pytest.mark.parametrize("auth", ["Basic YWxpY2U6c2VjcmV0",
                                  "Token 0123456789abcdef",
                                  "Bearer 0123456789abcdef"])
def test_authorization_reaches_programs(srv, auth):
    """Apache hides Authorization from CGI programs unless CGIPassAuth is
    on (apache.conf, cgi-bin/.htaccess).  Credentials nobody issued can
    only be refused by a program that received them: a JSON 401 from the
    program (or, were the echo program to ignore them, its report that it
    saw the header) proves the header got through."""
    r = srv.get(ECHO)
    assert r.status == 200, r
    assert r.json()["authorization_seen"] is False
    r = srv.get(ECHO, headers={"Authorization": auth})
    assert r.header("X-Request-ID") is not None, r     # from the program
    if r.status == 200:
        assert r.json()["authorization_seen"] is True
    else:
        assert_json_error(r, 401)
        assert r.header("WWW-Authenticate"), r.headers


def test_valid_credentials_work(srv):
    """How inventree-python signs in, through the server: Basic auth to
    get a token, then the token."""
    if srv.user is None:
        pytest.skip("stockroom createsuperuser is not available")
    name, password = srv.user
    basic = base64.b64encode(f"{name}:{password}".encode()).decode()
    r = srv.get(ECHO, headers={"Authorization": "Basic " + basic})
    assert r.status == 200, r
    assert r.json()["authorization_seen"] is True
    r = srv.get("/api/user/token/?name=http-test",
                headers={"Authorization": "Basic " + basic})
    assert r.status == 200, r
    token = r.json()["token"]
    r = srv.get("/api/user/me/", headers={"Authorization": "Token " + token})
    assert r.status == 200, r
    assert r.json()["username"] == name


def test_echo_sees_prefix_and_query(srv):
    r = srv.get(ECHO + "?search=m3+bolt&name=%C3%BC",
                headers={"Cookie": "probe=ok"})
    assert r.status == 200, r
    d = r.json()
    assert d["query"] == {"search": "m3 bolt", "name": "ü"}
    assert d["path"] == "/api/echo/"
    assert d["prefix"] == srv.prefix + "/cgi-bin/echo.cgi"
    assert d["cookie"] == "ok"


def test_json_body_round_trip(srv):
    r = srv.request("POST", ECHO, body={"name": "Résistor", "n": [1, 2]})
    assert r.status == 200, r
    assert r.json()["data"] == {"name": "Résistor", "n": [1, 2]}


# --- Bad input, through each server ----------------------------------------

@pytest.mark.parametrize("body", [b"{", b"{\"a\": }", b"[1, 2",
                                  b"{\"a\": 1} trailing",
                                  b"{\"a\": \"\xff\"}"])
def test_malformed_json_is_400(srv, body):
    r = srv.request("POST", ECHO, body=body, content_type="application/json")
    d = assert_json_error(r, 400)
    assert d["detail"].startswith("JSON parse error")


def test_body_over_cap_is_413_json(srv):
    """Over the default MAX_BODY_SIZE (1 MiB), under the servers' own limits
    (64 MiB): the program answers 413 without reading the body, and that
    answer must reach the client intact every time."""
    big = b"{\"a\": \"" + b"x" * (1024 * 1024 + 100) + b"\"}"
    for _ in range(TRIES):
        r = srv.request("POST", ECHO, body=big,
                        content_type="application/json", timeout=30)
        d = assert_json_error(r, 413)
        assert "1048576" in d["detail"]


def test_body_under_cap_is_read(srv):
    body = b"{\"a\": \"" + b"x" * (1000 * 1000) + b"\"}"
    r = srv.request("POST", ECHO, body=body, content_type="application/json",
                    timeout=30)
    assert r.status == 200, r
    assert len(r.json()["data"]["a"]) == 1000 * 1000


def test_body_shorter_than_content_length(srv):
    """Content-Length: 100, ten bytes, then the client half-closes.
    lighttpd buffers the whole body before starting a program and takes
    the half-close for a client that went away: it closes the connection
    without answering.  Apache (mod_cgid) notices the early end while
    passing the body on to the program and answers its own 400; mod_fcgid,
    which reads the whole body before it passes the request on, its own
    500.  In no case does a program run."""
    r = srv.request("POST", ECHO, body=b"{\"a\": 1234", content_length=100,
                    content_type="application/json", shut_wr=True,
                    timeout=70)
    assert r.elapsed < 65, r
    if srv.kind == "lighttpd":
        assert r.status is None and r.raw == b"", r
    else:
        assert_server_rejects(r, 500 if srv.fcgid else 400)


@pytest.mark.parametrize("size", [2, 256 * 1024])
@pytest.mark.parametrize("ctype", ["text/plain", "application/xml",
                                   "image/png"])
def test_wrong_content_type_is_415(srv, ctype, size):
    body = b"{" + b" " * (size - 2) + b"}"
    for _ in range(TRIES):
        r = srv.request("POST", ECHO, body=body, content_type=ctype)
        assert_json_error(r, 415)


@pytest.mark.parametrize("path,headers,status", [
    ("/api/part/", {"Authorization": "Token expired-or-wrong"}, 401),
    ("/api/no/such/", {}, 404),
])
def test_early_answer_to_a_post_with_a_body(srv, path, headers, status):
    """The everyday case of an answer given before the body is read: a
    client with a stale token POSTs a record (or POSTs to a wrong URL)."""
    body = {"name": "M3 bolt", "notes": "x" * (128 * 1024)}
    for _ in range(TRIES):
        r = srv.request("POST", path, body=body, headers=headers)
        assert_json_error(r, status)


def test_405_with_a_body_it_does_not_read(srv):
    body = b"{\"a\": \"" + b"x" * (256 * 1024) + b"\"}"
    for _ in range(TRIES):
        r = srv.request("POST", "/api/", body=body,
                        content_type="application/json")
        assert_json_error(r, 405)


# (query, who rejects it under lighttpd): lighttpd refuses control
# characters and bytes that never occur in UTF-8 (C0, C1, F5-FF) in the URL
# itself; everything else, and everything under Apache, reaches the
# program, which answers 400 in JSON.
BAD_QUERIES = [
    ("a=%C3", "program"),           # truncated UTF-8
    ("a=%C3%28", "program"),        # bad continuation byte
    ("a=%80", "program"),           # lone continuation byte
    ("a=%ED%A0%80", "program"),     # UTF-16 surrogate
    ("a=%C0%AF", "server"),         # overlong encoding (bad lead byte)
    ("%FF=1", "server"),            # never in UTF-8
    ("a=b%0Ac", "server"),          # LF
    ("a=%1b", "server"),            # ESC
    ("a=%7F", "server"),            # DEL
    ("a=%00", "server"),            # NUL
]


@pytest.mark.parametrize("query,under_lighttpd", BAD_QUERIES)
def test_bad_percent_encoding_in_query_is_400(srv, query, under_lighttpd):
    for path in (ECHO, "/api/"):
        r = srv.get(path + "?" + query)
        if srv.kind == "lighttpd" and under_lighttpd == "server":
            assert_server_rejects(r, 400)
        else:
            assert_json_error(r, 400)


def test_stray_percent_in_query(srv):
    """Apache passes "%zz" on and the program rejects it; lighttpd
    (url-normalize-required) re-encodes a stray "%" as %25 first, so the
    program sees a well-formed query whose value is the text "%zz"."""
    r = srv.get(ECHO + "?a=%zz")
    if srv.kind == "lighttpd":
        assert r.status == 200, r
        assert r.json()["query"] == {"a": "%zz"}
    else:
        assert_json_error(r, 400)


@pytest.mark.parametrize("path", ["/api/a%00b/", ECHO + "%00/"])
def test_nul_in_path(srv, path):
    """Rejected by the servers themselves: lighttpd with 400, Apache
    (which never decodes %00 in a path) with 404."""
    r = srv.get(path)
    assert_server_rejects(r, 400 if srv.kind == "lighttpd" else 404)


def test_control_character_in_path_is_400(srv):
    r = srv.get("/api/a%1bb/")
    if srv.kind == "lighttpd":
        assert_server_rejects(r, 400)
    else:
        assert_json_error(r, 400)


@pytest.mark.parametrize("path", ["/api/nope/", "/api/part-x/",
                                  "/api/echo/", "/api/health/extra/"])
def test_unknown_api_paths(srv, path):
    d = assert_json_error(srv.get(path), 404)
    assert d["url"] == srv.prefix + path


def test_unknown_program_is_404(srv):
    r = srv.get("/cgi-bin/nope.cgi")
    assert r.status == 404, r


@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH"])
def test_wrong_method_is_405(srv, method):
    r = srv.request(method, "/api/", content_length=0)
    assert_json_error(r, 405)
    assert r.header("Allow") == "GET, HEAD, OPTIONS"


def test_unknown_method(srv):
    """lighttpd refuses methods it does not know (501); Apache passes them
    to the program, which answers 405."""
    r = srv.request("BREW", "/api/")
    if srv.kind == "lighttpd":
        assert_server_rejects(r, 501)
    else:
        assert_json_error(r, 405)


def test_trace_is_not_echoed(srv):
    """TRACE would reflect credentials.  lighttpd hands it to the program,
    which refuses it (405 JSON); apache.conf's TraceEnable off makes Apache
    refuse it itself (405) for the whole test server, .htaccess trees
    included (a .htaccess cannot: Apache answers TRACE before reading it)."""
    r = srv.request("TRACE", "/api/",
                    headers={"Authorization": "Basic c2VjcmV0OnNlY3JldA=="})
    if srv.kind == "lighttpd":
        assert_json_error(r, 405)
    else:
        assert_server_rejects(r, 405)
    assert b"c2VjcmV0" not in r.body


def test_post_without_length(srv):
    """lighttpd wants a Content-Length on POST (411); Apache takes a POST
    without one as an empty body and the program answers."""
    r = srv.request("POST", "/api/")
    if srv.kind == "lighttpd":
        assert_server_rejects(r, 411)
    else:
        assert_json_error(r, 405)


def test_overlong_header_20k(srv):
    """Over both servers' own limits: lighttpd (max-request-field-size
    16 KiB) answers 431, Apache (LimitRequestFieldSize 8190) 400."""
    r = srv.get("/api/", headers={"X-Junk": "x" * 20000}, timeout=30)
    assert r.elapsed < 25, r
    assert_server_rejects(r, 431 if srv.kind == "lighttpd" else 400)


def test_overlong_header_12k(srv):
    """Between the limits: lighttpd passes it and the program answers 431
    in JSON; Apache refuses it itself."""
    r = srv.get("/api/", headers={"X-Junk": "x" * 12000}, timeout=30)
    if srv.kind == "lighttpd":
        assert_json_error(r, 431)
    else:
        assert_server_rejects(r, 400)


def test_overlong_query_is_414(srv):
    """Over the program's 8 KiB query limit: lighttpd passes it on and the
    program answers 414 in JSON; Apache's own request-line limit
    (LimitRequestLine 8190) answers 414 first."""
    r = srv.get("/api/?a=" + "x" * 9000)
    if srv.kind == "lighttpd":
        assert_json_error(r, 414)
    else:
        assert_server_rejects(r, 414)


# --- /media/ -------------------------------------------------------------

def test_media_reaches_its_program(srv):
    """/media/<path> runs media.cgi with the whole path as PATH_INFO: an
    anonymous caller gets its JSON 401, a signed-in one its 404 for a file
    that is not there, never the page or a file from the tree."""
    path = "/media/attachments/00/" + "0" * 32
    assert_json_error(srv.get(path), 401)
    if srv.user is not None:
        name, password = srv.user
        basic = base64.b64encode(f"{name}:{password}".encode()).decode()
        r = srv.get(path, headers={"Authorization": "Basic " + basic})
        assert_json_error(r, 404)
    # Dot segments are resolved before routing: at worst a page answers
    # (under a prefix, "../.." may leave the tree for the server's root).
    for probe in ("/media/../data/secret_key", "/media/%2e%2e/data/secret_key",
                  "/media/../../etc/passwd", "/media/%2e%2e/%2e%2e/etc/passwd"):
        r = srv.get(probe)
        assert r.status is not None, (probe, r)
        assert r.status != 200 or r.body.startswith(b"<!doctype html>"), \
            (probe, r)
        assert b"root:x:0:0" not in r.body
        assert_nothing_leaks(srv, r)


# --- The overrides htdocs/.htaccess asks a host for are enough -------------

def test_htaccess_needs_only_fileinfo_options_authconfig(apache):
    """htdocs/.htaccess says it needs AllowOverride FileInfo, Options and
    AuthConfig: with just those, the tree works and keeps its secrets."""
    bob = apache["htaccess-min"]
    r = bob.get("/api/")
    assert r.status == 200 and r.json()["instance"] == "HTTP test bob", r
    d = assert_json_error(bob.get("/api/no/such/"), 404)
    assert d["url"] == "/~bob/stockroom/api/no/such/"
    r = bob.get("/some/spa/route")
    assert r.status == 200, r
    assert r.body == (bob.site / "index.html").read_bytes()
    assert "default-src 'self'" in r.header("Content-Security-Policy")
    assert r.header("X-Frame-Options") == "DENY"
    r = bob.get(ECHO, headers={"Authorization": "Token 0123456789abcdef"})
    assert r.header("X-Request-ID") is not None, r
    assert r.status == 401 or r.json()["authorization_seen"] is True, r
    for path in NEVER_SERVED:
        r = bob.get(path)
        assert r.status in (403, 404), (path, r)
        assert_nothing_leaks(bob, r)


# --- apache.conf where its comments say it may go ------------------------

def test_apache_conf_inside_a_virtual_host(apache_syntax, workdir):
    """Its header says: include it inside a <VirtualHost> or at top level."""
    hc.routes_only_tree(workdir / "vhost-site")
    code, out = apache_syntax(
        "<VirtualHost 127.0.0.1:*>\n"
        f"\tDefine STOCKROOM_ROOT {workdir}/vhost-site\n"
        f"\tInclude \"{ROOT}/apache.conf\"\n"
        "</VirtualHost>\n")
    assert code == 0, out


def test_apache_conf_with_mod_cgi(apache_syntax, workdir):
    """mod_cgi (with the prefork MPM) instead of mod_cgid."""
    hc.routes_only_tree(workdir / "cgi-site")
    code, out = apache_syntax(
        f"Define STOCKROOM_ROOT {workdir}/cgi-site\n"
        f"Include \"{ROOT}/apache.conf\"\n",
        swap={"mpm_event": "mpm_prefork", "cgid": "cgi"})
    assert code == 0, out


# --- Files: upload through the server, download from /media/ ------------

def test_upload_and_download_an_attachment(srv):
    """A part, a file attached to it by a multipart POST, and the file
    fetched back from the URL the API gives, all through the server."""
    auth = srv.token_headers("http-files")
    r = srv.request("POST", "/api/part/", headers=auth,
                    body={"name": f"HTTP test bolt {os.getpid()}",
                          "description": "for an attachment"})
    assert r.status == 201, r
    part = r.json()["pk"]
    data = bytes(range(256)) * 300 + b"end of file"
    ctype, body = hc.multipart(
        {"model_type": "part", "model_id": str(part), "comment": "datasheet"},
        {"attachment": ("datasheet.bin", "application/octet-stream", data)})
    r = srv.request("POST", "/api/attachment/", headers=auth, body=body,
                    content_type=ctype, timeout=30)
    assert r.status == 201, r
    att = r.json()
    assert att["filename"] == "datasheet.bin"
    assert att["file_size"] == len(data)
    url = att["attachment"]
    assert url.startswith(srv.prefix + "/media/"), url
    path = url[len(srv.prefix):]
    r = srv.get(path, headers=auth, timeout=30)
    assert r.status == 200, r
    assert r.body == data
    assert r.header("X-Sendfile") is None
    r = srv.get(path, headers=dict(auth, Range="bytes=256-511"))
    assert r.status == 206, r
    assert r.body == bytes(range(256))
    assert_json_error(srv.get(path), 401)


def fastcgi_pids(site, program):
    """Processes running site's cgi-bin/<program>.cgi."""
    exe = str(site / "cgi-bin" / f"{program}.cgi")
    pids = set()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.readlink(f"/proc/{d}/exe") == exe:
                    pids.add(int(d))
            except OSError:
                pass
    return pids


def test_fastcgi_programs_stay_running(lighttpd_fastcgi):
    """Under lighttpd-fastcgi.conf the programs are started once and serve
    request after request (under CGI none would be left between requests)."""
    srv = lighttpd_fastcgi
    assert srv.get("/api/").status == 200
    before = fastcgi_pids(srv.site, "api")
    assert len(before) == 2, before         # max-procs
    for _ in range(20):
        r = srv.get("/api/")
        assert r.status == 200 and r.json()["server"] == "InvenTree"
    assert fastcgi_pids(srv.site, "api") == before
    # Every program of cgi-bin/ has its own processes (one left out of
    # fastcgi.server would still answer, as CGI, but slower).
    for src in (ROOT / "cgi-bin").glob("*.c"):
        assert len(fastcgi_pids(srv.site, src.stem)) == 2, src.stem


def test_fastcgi_stalled_bodies_hold_no_program(lighttpd_fastcgi):
    """Under lighttpd-fastcgi.conf, clients whose request bodies stop
    arriving hold no program process: lighttpd reads a whole body before it
    passes the request on, so with more stalled clients than processes
    (two per program) the programs keep answering, and nothing the stalled
    requests would have written is written."""
    srv = lighttpd_fastcgi
    auth = srv.token_headers("http-stall")
    cat_name = f"Stalled {os.getpid()}"
    with hc.stalled_posts(srv, auth, cat_name):
        for _ in range(10):
            r = srv.get("/api/part/category/", headers=auth)
            assert r.status == 200, r
            assert cat_name not in r.body.decode()
