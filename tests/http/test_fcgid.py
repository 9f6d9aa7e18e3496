"""Apache's mod_fcgid (issue 21): where it is loaded, apache.conf and the
tree's .htaccess files hand the programs to it, and it keeps them running
as FastCGI applications; where it is not, they run as CGI.

The whole HTTP suite runs against the `apache_fcgid` server too (the `srv`
fixture's "apache-fcgid" and "htaccess-fcgid"); this file checks what is
particular to mod_fcgid:
  - the programs really run as FastCGI applications, and the same processes
    answer request after request;
  - under .htaccess, where the host's FcgidMaxRequestLen (128 KiB unless
    raised) cannot be changed, a larger request body runs the program as
    CGI instead, so uploads work;
  - a shared host's layout with suEXEC: the tree in a user's public_html,
    served under /~<user>/stockroom/ by its .htaccess files only, Apache
    loading mod_suexec and mod_fcgid and the host's own settings (no
    apache.conf), every program run through Debian's suexec wrapper as the
    tree's owner, kept running by mod_fcgid.
"""
import importlib.util
import os
import pathlib
import secrets
import shutil
import tempfile
import time

import pytest

_here = pathlib.Path(__file__).parent
_spec = importlib.util.spec_from_file_location(
    "http_conftest", _here / "conftest.py")
hc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hc)
_spec = importlib.util.spec_from_file_location(
    "http_test_suexec", _here / "test_suexec.py")
sx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sx)

ENV = "/cgi-bin/echo.cgi/api/echo/env/"
# mod_fcgid's default FcgidMaxRequestLen, which .htaccess must live with.
FCGID_DEFAULT_MAX = 131072


def programs_running(site, program):
    """{pid: bytes written so far} of the processes running site's
    cgi-bin/<program>.cgi."""
    exe = str(site / "cgi-bin" / f"{program}.cgi")
    found = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            if os.readlink(f"/proc/{d}/exe") != exe:
                continue
            io = pathlib.Path(f"/proc/{d}/io").read_text()
        except OSError:
            continue
        found[int(d)] = int(io.split("wchar:")[1].split()[0])
    return found


def answered_by(srv, program, path):
    """Requests path and returns (the answer, the pid of the process that
    wrote it): the one process of the program whose written byte count
    grew meanwhile."""
    before = programs_running(srv.site, program)
    r = srv.get(path)
    after = programs_running(srv.site, program)
    grew = [pid for pid, n in after.items() if n > before.get(pid, -1)]
    return r, grew


@pytest.fixture(params=["apache", "htaccess"])
def fcgid_srv(request, apache_fcgid):
    return apache_fcgid[request.param]


def test_programs_run_as_fastcgi(fcgid_srv):
    """Under mod_fcgid the program is started with a listening socket and
    reads its requests over it: FCGI_ROLE (a FastCGI parameter) is among
    what it sees."""
    r = fcgid_srv.get(ENV)
    assert r.status == 200, r
    assert "FCGI_ROLE" in r.json()["names"], r.json()
    assert "mod_fcgid" in (r.header("Server") or ""), r.headers


def test_same_processes_answer_again(fcgid_srv):
    """Twenty requests in a row are answered by processes that were there
    before them and are still there after: kept, not one per request."""
    srv = fcgid_srv
    for _ in range(3):
        assert srv.get("/api/").status == 200
    kept = set(programs_running(srv.site, "api"))
    assert kept, "no api.cgi process is left between requests"
    for _ in range(20):
        r, pids = answered_by(srv, "api", "/api/")
        assert r.status == 200 and r.json()["server"] == "InvenTree", r
        assert len(pids) == 1 and pids[0] in kept, (pids, kept)
    assert set(programs_running(srv.site, "api")) == kept


def test_stalled_bodies_start_no_program(fcgid_srv):
    """mod_fcgid reads a whole request body before it passes the request
    on: uploads whose bodies stop arriving start no process and hold none,
    the programs keep answering, and nothing they would write is written."""
    srv = fcgid_srv
    auth = srv.token_headers("fcgid-stall")
    name = f"Stalled fcgid {os.getpid()}"
    assert srv.get("/api/part/category/", headers=auth).status == 200
    before = set(programs_running(srv.site, "part"))
    with hc.stalled_posts(srv, auth, name):
        for _ in range(10):
            r = srv.get("/api/part/category/", headers=auth)
            assert r.status == 200 and name not in r.body.decode(), r
        assert set(programs_running(srv.site, "part")) == before


def test_cgi_where_mod_fcgid_is_not_loaded(apache):
    """The same files in an Apache without mod_fcgid: CGI, nothing left
    running between requests."""
    for kind in ("apache", "htaccess"):
        srv = apache[kind]
        r = srv.get(ENV)
        assert r.status == 200, r
        assert "FCGI_ROLE" not in r.json()["names"], (kind, r.json())
        time.sleep(0.2)
        assert not programs_running(srv.site, "echo"), kind


def env_with_body(srv, size):
    """GET env with a JSON body of size bytes (the programs ignore a GET's
    body; the servers still read it): the names the program saw."""
    body = b'"' + b"x" * (size - 2) + b'"'
    r = srv.request("GET", ENV, body=body, content_type="application/json",
                    timeout=60)
    assert r.status == 200, (r, srv.log_tail())
    return r.json()["names"]


def test_htaccess_large_body_runs_as_cgi(apache_fcgid):
    """cgi-bin/.htaccess sends a request whose body is over mod_fcgid's
    default limit to CGI; smaller ones stay with mod_fcgid."""
    srv = apache_fcgid["htaccess"]
    assert "FCGI_ROLE" in env_with_body(srv, 1000)
    assert "FCGI_ROLE" in env_with_body(srv, FCGID_DEFAULT_MAX)
    assert "FCGI_ROLE" not in env_with_body(srv, FCGID_DEFAULT_MAX + 1)
    # apache.conf raises the limit instead: the same body stays FastCGI.
    assert "FCGI_ROLE" in env_with_body(apache_fcgid["apache"],
                                        4 * FCGID_DEFAULT_MAX)


# --- A shared host: .htaccess, suEXEC and mod_fcgid --------------------------

# The host's configuration: its own, not apache.conf.  Every customer's
# programs run as that customer (SuexecUserGroup, as a control panel writes
# for each site); the customer's tree is configured by its .htaccess files.
# (A ~user URL through mod_userdir would make suEXEC require the programs
# under public_html/cgi-bin, Debian's suexec-custom default, which this
# test does not change: an Alias gives the same URL.)
SHARED_HOST = """
SuexecUserGroup {user} {user}
SetEnv STOCKROOM_PROBE arrives
Alias /~{user}/stockroom "{site}"
<Directory "{home}/public_html">
	AllowOverride FileInfo Options AuthConfig
	Require all granted
</Directory>
<FilesMatch "^\\.ht">
	Require all denied
</FilesMatch>
"""


@pytest.fixture(scope="module")
def shared_host():
    """Apache with mod_suexec and mod_fcgid serving a tree in
    <suEXEC docroot>/<user>/public_html/stockroom/ (owned by a throwaway
    user, no data directory yet: the first request makes it, as the user),
    torn down with the user at the end, whatever happened."""
    if not hc.AS_ROOT:
        pytest.skip("suEXEC needs root (make test runs as root on CI)")
    if not hc.FCGID_SO.exists():
        pytest.fail(f"{hc.FCGID_SO} is missing: make test-deps installs "
                    "libapache2-mod-fcgid")
    sx.install_wrapper()
    settings = sx.suexec_settings()
    name = "stockroom-fx-" + secrets.token_hex(3)
    home = pathlib.Path(settings["AP_DOC_ROOT"]) / name
    site = home / "public_html" / "stockroom"
    adir = pathlib.Path(tempfile.mkdtemp(prefix="stockroom-fcgid-"))
    adir.chmod(0o755)
    log_existed = pathlib.Path(settings["AP_LOG_EXEC"]).exists()
    proc = None
    user_made = False
    try:
        hc.run(["useradd", "--system", "--user-group", "--no-create-home",
                "--home-dir", str(home), "--shell", "/usr/sbin/nologin",
                "--comment", "Stockroom mod_fcgid test (temporary)", name])
        user_made = True
        pw = sx.owner_account(name, settings)
        site.parent.mkdir(mode=0o755, parents=True)
        home.chmod(0o755)
        prefix = f"/~{name}/stockroom"
        hc.install_tree(site, "HTTP test shared host", prefix=prefix,
                        conf="AUTO_MIGRATE = true\n")
        shutil.rmtree(site / "data")
        sx.chown_tree(home, pw.pw_uid, pw.pw_gid)
        port, proc, log = sx.start_apache(
            adir, ["suexec", "fcgid"],
            SHARED_HOST.format(user=name, site=site, home=home),
            "apache2 (suEXEC, mod_fcgid)")
        s = sx.SuexecSite("htaccess", port, prefix, site, log, None)
        s.fcgid = s.fastcgi = True
        s.uid, s.gid, s.settings = pw.pw_uid, pw.pw_gid, settings
        s.suexec_log = pathlib.Path(settings["AP_LOG_EXEC"])
        s.log_start = s.suexec_log_size()
        # The first request migrates (AUTO_MIGRATE), as the user.
        r = s.get(ENV)
        assert r.status == 200, (r, s.log_tail())
        sx.create_superuser_as(site, pw)
        s.user = hc.TEST_USER
        yield s
    finally:
        sx.tear_down(proc, (home, adir), name if user_made else None,
                     None if log_existed else
                     pathlib.Path(settings["AP_LOG_EXEC"]))


def test_shared_host_runs_fastcgi_as_the_owner(shared_host):
    """The process was started through suEXEC's wrapper (it runs as the
    tree's owner, and the wrapper logged it), and reads its requests as
    FastCGI.  Unlike under suEXEC with CGI, what it sees of each request
    is Apache's request environment, SetEnv included: suEXEC cleans only
    the environment the process starts with, and mod_fcgid sends the
    request's variables over the socket."""
    s = shared_host
    d = s.get(ENV).json()
    assert "FCGI_ROLE" in d["names"], d
    assert (d["uid"], d["euid"], d["gid"]) == (s.uid, s.uid, s.gid), d
    assert "STOCKROOM_PROBE" in d["names"], d
    log = s.suexec_log_since(s.log_start)
    assert f"uid: ({s.uid}/" in log and "cmd: echo.cgi" in log, log[-2000:]


def test_shared_host_keeps_processes_of_the_owner(shared_host):
    s = shared_host
    assert s.get("/api/").status == 200
    kept = programs_running(s.site, "api")
    assert kept
    for pid in kept:
        assert os.stat(f"/proc/{pid}").st_uid == s.uid, pid
    for _ in range(10):
        r, pids = answered_by(s, "api", "/api/")
        assert r.status == 200, r
        assert len(pids) == 1 and pids[0] in kept, (pids, kept)


def test_shared_host_api(shared_host):
    """Sign in, write, read back, with the data directory the programs made
    as the user; an unknown path is the program's JSON 404 with the
    prefix."""
    s = shared_host
    auth = s.token_headers("shared-host")
    sx.check_category_written(s, auth, "Bins under mod_fcgid")
    r = s.get("/api/no/such/")
    assert r.status == 404 and r.json()["url"] == s.prefix + "/api/no/such/"
    st = os.stat(s.site / "data")
    assert (st.st_uid, st.st_mode & 0o777) == (s.uid, 0o700)


def test_shared_host_upload_over_fcgid_limit(shared_host):
    """An attachment larger than the host's FcgidMaxRequestLen (left at
    its default here) is stored: the request ran as CGI, through suEXEC."""
    s = shared_host
    auth = s.token_headers("shared-host-upload")
    r = s.request("POST", "/api/part/", headers=auth,
                  body={"name": "Datasheet holder", "description": "x"})
    assert r.status == 201, r
    data = os.urandom(3 * FCGID_DEFAULT_MAX)
    boundary = "----stockroom-fcgid-test"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; "
            f"name=\"model_type\"\r\n\r\npart\r\n--{boundary}\r\n"
            f"Content-Disposition: form-data; name=\"model_id\"\r\n\r\n"
            f"{r.json()['pk']}\r\n--{boundary}\r\nContent-Disposition: "
            f"form-data; name=\"attachment\"; filename=\"big.bin\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() \
        + data + f"\r\n--{boundary}--\r\n".encode()
    r = s.request("POST", "/api/attachment/", headers=auth, body=body,
                  content_type=f"multipart/form-data; boundary={boundary}",
                  timeout=60)
    assert r.status == 201, (r, s.log_tail())
    path = r.json()["attachment"][len(s.prefix):]
    r = s.get(path, headers=auth, timeout=60)
    assert r.status == 200 and r.body == data, r


def test_shared_host_secrets_not_served(shared_host):
    s = shared_host
    for path in ("/data/", "/data/stockroom.sqlite3", "/stockroom.conf",
                 "/.htaccess", "/cgi-bin/.htaccess", "/db/apache-routes.conf",
                 "/bin/stockroom"):
        r = s.get(path)
        assert r.status in (403, 404), (path, r)
