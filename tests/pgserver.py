"""A throwaway PostgreSQL server for tests.

    with PgServer() as pg:
        url = pg.create_database("stockroom")
        pg.psql(url, "SELECT 1")

initdb makes a cluster in a new temporary directory, and postgres listens
only on a unix socket in that directory (no TCP port, so runs never
collide).  As root, both run as an unprivileged user (postgres, which
Debian's package creates; PGSERVER_USER names another) who owns the
directory; otherwise as the current user.  The directory is made in /tmp
(PGSERVER_TMPDIR names another).  Everything is stopped and
removed when the block ends.  Debian's server binaries
(/usr/lib/postgresql/<version>/bin) are required: without them this fails,
naming `make test-deps`, rather than letting a test skip.

Durability is switched off (fsync, full-page writes, synchronous commit):
the cluster lives for one test run.  The cluster is created with the C
locale; the schema does not depend on it (text columns say COLLATE "C").
"""
import glob
import json
import os
import pathlib
import pwd
import re
import shutil
import subprocess
import tempfile

PG_VERSION = os.environ.get("PGSERVER_VERSION", "15")
PG_ROOT = "/usr/lib/postgresql"


def pg_bindir():
    """Debian's server binaries for PG_VERSION (or the newest installed)."""
    want = pathlib.Path(PG_ROOT) / PG_VERSION / "bin"
    if (want / "initdb").exists():
        return want
    found = sorted((pathlib.Path(p).parent for p in
                    glob.glob(f"{PG_ROOT}/*/bin/initdb")),
                   key=lambda b: [int(x) for x in re.findall(
                       r"\d+", b.parent.name)])
    if found:
        return found[-1]
    raise RuntimeError(
        f"PostgreSQL's server programs are missing (no {want}/initdb): "
        "run `make test-deps` (installs postgresql and postgresql-contrib)")


def check_extensions(bindir, names=("citext", "pg_trgm")):
    """The contrib extensions the schema creates must be installed."""
    ext = pathlib.Path("/usr/share/postgresql") / bindir.parent.name / \
        "extension"
    missing = [n for n in names if not (ext / f"{n}.control").exists()]
    if missing:
        raise RuntimeError(
            f"PostgreSQL's extensions {missing} are missing (not in {ext}): "
            "run `make test-deps` (installs postgresql-contrib)")


class PgServer:
    """One cluster, one server on a socket in a temporary directory."""

    def __init__(self, user=None):
        self.bindir = pg_bindir()
        check_extensions(self.bindir)
        self.psql_bin = self.bindir / "psql"
        if not self.psql_bin.exists():
            self.psql_bin = shutil.which("psql")
        if os.geteuid() == 0:
            self.user = user or os.environ.get("PGSERVER_USER", "postgres")
            try:
                self.pw = pwd.getpwnam(self.user)
            except KeyError:
                raise RuntimeError(
                    f"no user {self.user!r} to run PostgreSQL as (root "
                    "may not): run `make test-deps`, or set PGSERVER_USER")
            self.as_user = ["runuser", "-u", self.user, "--"]
        else:
            self.pw = pwd.getpwuid(os.geteuid())
            self.user = self.pw.pw_name
            self.as_user = []
        self.dir = None
        self.log = None
        self.started = False

    # -- life -----------------------------------------------------------

    def start(self):
        # In /tmp, not $TMPDIR: the server's user must reach it, and a
        # socket's path may not be longer than 107 bytes.
        self.dir = pathlib.Path(tempfile.mkdtemp(
            prefix="stockroom-pg-", dir=os.environ.get("PGSERVER_TMPDIR",
                                                       "/tmp")))
        os.chown(self.dir, self.pw.pw_uid, self.pw.pw_gid)
        # 0711: programs run as another user (Apache's www-data) reach the
        # socket; the cluster's files are in data/, 0700
        os.chmod(self.dir, 0o711)
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self._run([self.bindir / "initdb", "-D", self.data, "-U", self.user,
                   "--auth=trust", "--no-locale", "--encoding=UTF8",
                   "--no-sync"], what="initdb")
        opts = (f"-k {self.dir} -c listen_addresses='' -c fsync=off "
                "-c full_page_writes=off -c synchronous_commit=off "
                "-c max_connections=100 -c shared_buffers=16MB")
        self._run([self.bindir / "pg_ctl", "-D", self.data, "-l", self.log,
                   "-o", opts, "-w", "-t", "60", "start"], what="pg_ctl start")
        self.started = True
        return self

    def stop(self):
        if self.started:
            self._run([self.bindir / "pg_ctl", "-D", self.data, "-m", "fast",
                       "-w", "-t", "60", "stop"], what="pg_ctl stop",
                      check=False)
            self.started = False
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()

    def _run(self, argv, what, check=True):
        proc = subprocess.run([*self.as_user, *map(str, argv)],
                              capture_output=True, text=True, timeout=120,
                              cwd="/")
        if check and proc.returncode != 0:
            log = ""
            if self.log is not None and self.log.exists():
                log = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{what} failed ({proc.returncode}):\n"
                               f"{proc.stdout}{proc.stderr}{log}")
        return proc

    # -- databases ------------------------------------------------------

    def url(self, db):
        return f"postgresql://{self.user}@/{db}?host={self.dir}"

    def create_database(self, name):
        """Creates database name (template0, UTF-8) and returns its URL."""
        self.psql(self.url("postgres"),
                  f'CREATE DATABASE "{name}" TEMPLATE template0 '
                  "ENCODING 'UTF8'")
        return self.url(name)

    def psql(self, url, sql=None, files=(), single_transaction=False,
             check=True, extra=(), then=(), input=None,
             stderr=subprocess.PIPE):
        """Runs psql on url with -f files, then -c sql, then the -c
        commands in then, stopping at the first error (ON_ERROR_STOP);
        returns the CompletedProcess (text).  stderr=subprocess.STDOUT puts
        each error among the output, where it happened."""
        argv = [str(self.psql_bin), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-d", url, *extra]
        if single_transaction:
            argv.append("-1")
        for f in files:
            argv += ["-f", str(f)]
        for c in ([sql] if sql is not None else []) + list(then):
            argv += ["-c", c]
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=stderr,
                              text=True, timeout=120, input=input)
        if check and proc.returncode != 0:
            raise AssertionError(f"psql failed: {proc.stderr or proc.stdout}")
        return proc

    def query(self, url, sql):
        """The rows of one SELECT, as a list of dicts (through JSON)."""
        proc = self.psql(url, "SELECT coalesce(json_agg(q), '[]') FROM "
                         f"({sql}) AS q", extra=["-A", "-t"])
        return json.loads(proc.stdout)

    def migrate(self, url, files):
        """Applies PostgreSQL migrations (paths named NNNN_name.sql) in
        order, each in its own transaction together with its row in
        schema_migrations, as the runner does on SQLite."""
        for f in files:
            f = pathlib.Path(f)
            version = int(f.name[:4])
            self.psql(url, files=[f], single_transaction=True, then=[
                "INSERT INTO schema_migrations (version, name) "
                f"VALUES ({version}, '{f.stem}')"])


def main(argv):
    """For scripts (make bench): `start` makes a cluster and a database
    "stockroom" and prints its directory and URL; `stop DIR` stops and
    removes it."""
    import sys
    if argv[1:] == ["start"]:
        pg = PgServer().start()
        url = pg.create_database("stockroom")
        print(pg.dir, url)
        return 0
    if len(argv) == 3 and argv[1] == "stop":
        pg = PgServer()
        pg.dir = pathlib.Path(argv[2])
        pg.data = pg.dir / "data"
        pg.started = True
        pg.stop()
        return 0
    print("usage: pgserver.py start | stop DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv))
