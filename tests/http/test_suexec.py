"""Stockroom under a real suEXEC (issue 7): Apache 2.4 with mod_suexec and
mod_cgid runs every program as the owner of the tree, through Debian's
suexec wrapper (apache2-suexec-custom, or -pristine when that is the one
installed), the way a shared host runs its customers' CGI programs.

The session fixture, which needs root (as `make test` has on CI; otherwise
every test skips, saying so):
  - makes sure the wrapper is installed (tools/deps.sh, as make test-deps);
  - creates a throwaway system user and group, stockroom-sx-<random>;
  - lays out a tree with `make install` in <suexec docroot>/<that user>/
    (the docroot is read from the wrapper's configuration: /var/www unless
    someone changed /etc/apache2/suexec/www-data, which this test never
    touches), owned by that user, nothing writable by group or others, with
    no data directory: the first request creates it, as that user;
  - starts Apache (its own httpd.conf, here, around the repository's
    apache.conf) with `SuexecUserGroup` naming the user, and `SetEnv`
    lines suEXEC must drop.
At the end the server is stopped, the tree removed, the user and group
deleted, and suEXEC's log removed if this test created it, whatever
happened.  Nothing else on the system is changed, so other sessions'
Apache servers are not affected.
"""
import importlib.util
import os
import pathlib
import pwd
import re
import secrets
import shutil
import stat
import subprocess
import tempfile

import pytest

_spec = importlib.util.spec_from_file_location(
    "http_conftest", pathlib.Path(__file__).with_name("conftest.py"))
hc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hc)

SUEXEC = pathlib.Path("/usr/lib/apache2/suexec")
SUEXEC_CUSTOM_CONF = pathlib.Path("/etc/apache2/suexec") / hc.APACHE_USER
PACKAGE = "apache2-suexec-custom"
ECHO = "/cgi-bin/echo.cgi/api/echo/"
# What suEXEC lets through to a program (safe_env_lst in Apache 2.4's
# support/suexec.c), besides HTTP_* and SSL_* and the PATH it sets itself.
SUEXEC_SAFE_ENV = {
    "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "CONTEXT_DOCUMENT_ROOT",
    "CONTEXT_PREFIX", "DATE_GMT", "DATE_LOCAL", "DOCUMENT_ARGS",
    "DOCUMENT_NAME", "DOCUMENT_PATH_INFO", "DOCUMENT_ROOT", "DOCUMENT_URI",
    "GATEWAY_INTERFACE", "HTTPS", "LAST_MODIFIED", "PATH_INFO",
    "PATH_TRANSLATED", "QUERY_STRING", "QUERY_STRING_UNESCAPED",
    "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT", "REMOTE_PORT",
    "REMOTE_USER", "REDIRECT_ERROR_NOTES", "REDIRECT_HANDLER",
    "REDIRECT_QUERY_STRING", "REDIRECT_REMOTE_USER",
    "REDIRECT_SCRIPT_FILENAME", "REDIRECT_STATUS", "REDIRECT_URL",
    "REQUEST_METHOD", "REQUEST_URI", "REQUEST_SCHEME", "SCRIPT_FILENAME",
    "SCRIPT_NAME", "SCRIPT_URI", "SCRIPT_URL", "SERVER_ADMIN", "SERVER_NAME",
    "SERVER_ADDR", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SIGNATURE",
    "SERVER_SOFTWARE", "UNIQUE_ID", "USER_NAME", "TZ", "PATH",
}

SUEXEC_CONF = """
# suEXEC: every program runs as the tree's owner, through the wrapper.
SuexecUserGroup {user} {user}
Define STOCKROOM_ROOT {site}
Include "{repo}/apache.conf"
# suEXEC drops these (a cleaned environment): the programs must not see
# them, and would use a data directory that does not exist if they did.
SetEnv STOCKROOM_PROBE leaked
SetEnv STOCKROOM_DATA_DIR /nonexistent
"""


def suexec_settings():
    """The wrapper's compiled-in settings (suexec -V, as root) and its
    document root: from the configuration file for suexec-custom, compiled
    in for suexec-pristine.  Skips, saying why, when it cannot be used."""
    if not SUEXEC.exists():
        pytest.skip(f"{SUEXEC} is missing after installing {PACKAGE}")
    st = os.stat(SUEXEC)
    if not st.st_mode & stat.S_ISUID or st.st_uid != 0:
        pytest.skip(f"{SUEXEC} is not setuid root")
    out = subprocess.run([str(SUEXEC), "-V"], capture_output=True,
                         timeout=30)
    text = (out.stdout + out.stderr).decode(errors="replace")
    settings = dict(re.findall(r'-D (\w+)="?([^"\n]*)"?', text))
    if os.path.realpath(SUEXEC).endswith("suexec-custom"):
        try:
            first = SUEXEC_CUSTOM_CONF.read_text().splitlines()[0].strip()
        except (OSError, IndexError):
            pytest.skip(f"cannot read {SUEXEC_CUSTOM_CONF}")
        if not first or first.startswith("#"):
            pytest.skip(f"{SUEXEC_CUSTOM_CONF} disables suEXEC's document "
                        "root (its first line)")
        settings["AP_DOC_ROOT"] = first
    for need in ("AP_DOC_ROOT", "AP_SAFE_PATH", "AP_LOG_EXEC", "AP_UID_MIN"):
        if need not in settings:
            pytest.skip(f"suexec -V does not say {need}:\n{text}")
    if not os.path.isdir(settings["AP_DOC_ROOT"]):
        pytest.skip(f"suEXEC's document root {settings['AP_DOC_ROOT']} "
                    "does not exist")
    return settings


def install_wrapper():
    """Makes sure suEXEC's wrapper is installed (tools/deps.sh, as make
    test-deps); skips, saying why, when it cannot be."""
    deps = subprocess.run(["sh", str(hc.ROOT / "tools" / "deps.sh"),
                           PACKAGE], capture_output=True, timeout=600)
    if deps.returncode != 0:
        pytest.skip(f"cannot install {PACKAGE}: "
                    + (deps.stdout + deps.stderr).decode(errors="replace"))


def owner_account(name, settings):
    """The passwd entry of the throwaway user name (made by the caller);
    skips when its id is below the least suEXEC runs programs as."""
    pw = pwd.getpwnam(name)
    if pw.pw_uid < int(settings["AP_UID_MIN"]):
        pytest.skip(f"system user ids start below suEXEC's minimum "
                    f"{settings['AP_UID_MIN']}")
    return pw


def create_superuser_as(site, pw):
    """Makes the test superuser with the tree's `stockroom` tool, run as
    its owner pw."""
    made = subprocess.run(
        ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}",
         "--clear-groups", str(site / "bin" / "stockroom"),
         "createsuperuser", hc.TEST_USER[0]],
        env=hc.SERVER_ENV, capture_output=True, timeout=60,
        input=hc.TEST_USER[1].encode() + b"\n")
    # (on PostgreSQL install_tree made the user in the shared database)
    assert made.returncode == 0 or (
        hc.ENGINE == "pg" and b"already exists" in made.stderr), \
        made.stderr


def tear_down(proc, dirs, user, log):
    """Undoes a fixture, whatever happened: stops Apache (proc, if it
    started), removes dirs, deletes the throwaway user and its group (gone
    with the user, usually) if it was made, and suEXEC's log if the test
    made it (else None)."""
    if proc is not None:
        hc.stop(proc)
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)
    if user is not None:
        subprocess.run(["userdel", user], capture_output=True, timeout=60)
        subprocess.run(["groupdel", user], capture_output=True, timeout=60)
    if log is not None:
        try:
            log.unlink()
        except OSError:
            pass


def start_apache(adir, modules, conf, what):
    """Starts Apache in adir on a free port, with modules besides the usual
    ones and conf after the base httpd.conf; returns (port, process, log).
    (suEXEC runs only under root, so the User line is always there.)"""
    port = hc.free_port()
    proc, log = hc.start_apache(adir, hc.APACHE_BASE.format(
        dir=adir, port=port,
        modules=hc.load_modules(hc.APACHE_MODS + modules),
        user=hc.apache_user()) + conf, port, what)
    return port, proc, log


def check_category_written(s, headers, name):
    """A category named name, created through server s as headers' user,
    reads back."""
    r = s.request("POST", "/api/part/category/", headers=headers,
                  body={"name": name})
    assert r.status == 201, r
    r = s.get(f"/api/part/category/{r.json()['pk']}/", headers=headers)
    assert r.status == 200 and r.json()["name"] == name


def chown_tree(top, uid, gid):
    for dirpath, dirnames, filenames in os.walk(top):
        os.lchown(dirpath, uid, gid)
        for f in filenames:
            os.lchown(os.path.join(dirpath, f), uid, gid)


class SuexecSite(hc.Server):
    """The server, plus what the tests check against."""
    uid = gid = None
    suexec_log = None
    log_start = 0
    settings = None

    def suexec_log_since(self, offset):
        try:
            with open(self.suexec_log, "rb") as f:
                f.seek(offset)
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def suexec_log_size(self):
        try:
            return os.path.getsize(self.suexec_log)
        except OSError:
            return 0


@pytest.fixture(scope="session")
def suexec_site():
    if not hc.AS_ROOT:
        pytest.skip("the suEXEC layout needs root: to install "
                    f"{PACKAGE}, create a user and start Apache, whose "
                    "wrapper is setuid root (make test runs as root on CI)")
    if shutil.which("apache2") is None or shutil.which("setpriv") is None:
        pytest.skip("apache2 or setpriv is not installed")
    install_wrapper()
    settings = suexec_settings()
    for p in (hc.BUILD.resolve(), *hc.BUILD.resolve().parents):
        if not os.stat(p).st_mode & stat.S_IXOTH:
            pytest.skip(f"{p} cannot be entered by other users")

    name = "stockroom-sx-" + secrets.token_hex(3)
    log_path = pathlib.Path(settings["AP_LOG_EXEC"])
    log_existed = log_path.exists()
    top = pathlib.Path(settings["AP_DOC_ROOT"]) / name
    adir = pathlib.Path(tempfile.mkdtemp(prefix="stockroom-suexec-"))
    adir.chmod(0o755)
    proc = None
    user_made = False
    try:
        hc.run(["useradd", "--system", "--user-group", "--no-create-home",
                "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
                "--comment", "Stockroom suEXEC test (temporary)", name])
        user_made = True
        pw = owner_account(name, settings)
        top.mkdir(mode=0o755)
        site = top / "site"
        hc.install_tree(site, "HTTP test suexec", prefix="",
                        conf="AUTO_MIGRATE = true\n")
        # No data directory: the first request makes it, as the user.
        shutil.rmtree(site / "data")
        chown_tree(top, pw.pw_uid, pw.pw_gid)

        port, proc, log = start_apache(
            adir, ["suexec"],
            SUEXEC_CONF.format(user=name, site=site, repo=hc.ROOT),
            "apache2 (suEXEC)")
        s = SuexecSite("suexec", port, "", site, log, None)
        s.uid, s.gid, s.settings = pw.pw_uid, pw.pw_gid, settings
        s.suexec_log = log_path
        # The first request migrates (AUTO_MIGRATE), as the user; then a
        # superuser, made by the tool run as that user.
        r = s.get(ECHO)
        assert r.status == 200, (r, s.log_tail())
        create_superuser_as(site, pw)
        s.user = hc.TEST_USER
        yield s
    finally:
        tear_down(proc, (top, adir), name if user_made else None,
                  None if log_existed else log_path)


def basic(user):
    import base64
    return "Basic " + base64.b64encode(
        f"{user[0]}:{user[1]}".encode()).decode()


def test_programs_run_as_the_tree_owner(suexec_site):
    s = suexec_site
    d = s.get(ECHO + "env/").json()
    assert (d["uid"], d["euid"]) == (s.uid, s.uid), d
    assert (d["gid"], d["egid"]) == (s.gid, s.gid), d
    assert s.uid != 0 and s.uid != pwd.getpwnam(hc.APACHE_USER).pw_uid


def test_environment_is_cleaned(suexec_site):
    """Only suEXEC's safe list reaches the programs: not the SetEnv lines
    of the configuration, not Apache's own environment; PATH is suEXEC's."""
    s = suexec_site
    r = s.get(ECHO + "env/", headers={"X-Probe": "1"})
    assert r.status == 200, r
    d = r.json()
    names = set(d["names"])
    assert "HTTP_X_PROBE" in names and "REQUEST_METHOD" in names, names
    assert "STOCKROOM_PROBE" not in names
    assert "STOCKROOM_DATA_DIR" not in names
    unsafe = {n for n in names if n not in SUEXEC_SAFE_ENV
              and not n.startswith(("HTTP_", "SSL_"))}
    assert not unsafe, unsafe
    assert d["PATH"] == s.settings["AP_SAFE_PATH"]


def test_health_and_an_authenticated_write(suexec_site):
    s = suexec_site
    r = s.get("/api/health/")
    assert r.status == 200 and r.json()["status"] == "healthy", r
    r = s.get("/api/user/token/?name=suexec",
              headers={"Authorization": basic(s.user)})
    assert r.status == 200, r
    token = {"Authorization": "Token " + r.json()["token"]}
    check_category_written(s, token, "Shelves under suEXEC")


def test_data_belongs_to_the_user_and_is_private(suexec_site):
    """The data directory, database and secrets were created by the
    programs running as the user: theirs, 0700 and 0600."""
    s = suexec_site
    assert s.get("/api/health/").status == 200
    data = s.site / "data"
    st = os.stat(data)
    assert st.st_uid == s.uid and st.st_gid == s.gid
    assert stat.S_IMODE(st.st_mode) == 0o700
    db = data / "stockroom.sqlite3"
    if hc.ENGINE == "sqlite":   # (on PostgreSQL there is no file)
        assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(data / "secret_key").st_mode) == 0o600
    for p in data.rglob("*"):
        st = os.lstat(p)
        assert st.st_uid == s.uid, p
        assert st.st_mode & 0o077 == 0, f"{p}: {stat.S_IMODE(st.st_mode):o}"


def test_tree_follows_suexec_rules(suexec_site):
    """Programs and directories belong to the user and are writable by
    nobody else (what suEXEC demands, and what make install lays out)."""
    s = suexec_site
    for p in [s.site, *s.site.rglob("*")]:
        st = os.lstat(p)
        assert st.st_uid == s.uid, p
        assert st.st_mode & 0o022 == 0, f"{p}: {stat.S_IMODE(st.st_mode):o}"
        assert not st.st_mode & (stat.S_ISUID | stat.S_ISGID), p


@pytest.mark.parametrize("fault", ["program group-writable",
                                   "directory group-writable",
                                   "program owned by root"])
def test_suexec_refuses(suexec_site, fault):
    """suEXEC's refusals are real: the program does not run, Apache answers
    500 and suexec.log says why.  Put right, it runs again."""
    s = suexec_site
    prog = s.site / "cgi-bin" / "echo.cgi"
    target = prog.parent if fault.startswith("directory") else prog
    mode = stat.S_IMODE(os.stat(target).st_mode)
    cgi_bin = str(s.site / "cgi-bin")
    want = {"program group-writable": ["file is writable by others",
                                       f"({cgi_bin}/echo.cgi)"],
            "directory group-writable": ["directory is writable by others",
                                         f"({cgi_bin})"],
            "program owned by root": [f"target uid/gid ({s.uid}/{s.gid}) "
                                      "mismatch", "program (0/0)"]}[fault]
    offset = s.suexec_log_size()
    try:
        if fault == "program owned by root":
            os.chown(prog, 0, 0)
        else:
            os.chmod(target, mode | 0o020)
        r = s.get(ECHO)
        assert r.status == 500, r
        assert not r.is_json            # Apache's own page: no program ran
        lines = s.suexec_log_since(offset)
        assert all(w in lines for w in want), (want, lines)
    finally:
        os.chown(prog, s.uid, s.gid)
        os.chmod(target, mode)
    assert s.get(ECHO).status == 200


def test_programs_refuse_world_writable_data_dir(suexec_site):
    """suEXEC does not look at the data directory; the programs do."""
    s = suexec_site
    data = s.site / "data"
    try:
        os.chmod(data, 0o777)
        r = s.get("/api/health/")
        assert r.status == 503, r
        assert "writable by other users" in r.json()["reason"]
        r = s.get(ECHO)
        assert r.status == 503 and r.is_json, r
        assert "writable by other users" in r.json()["detail"]
    finally:
        os.chmod(data, 0o700)
    assert s.get("/api/health/").status == 200
