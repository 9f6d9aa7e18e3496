"""Serves installed trees for the browser tests and stops them again.

    python3 tests/browser/servers.py WORKDIR

lays out trees with `make install` and starts:
  lighttpd  the repository's lighttpd-fastcgi.conf (as `make run`), a
            tree at /
  apache    (when apache2 and tests/http/conftest.py are there) the
            shared-hosting layout of tests/http: a tree at /~alice/stockroom/
            configured only by its own .htaccess files, built with
            BASE_PATH=/~alice/stockroom/
Each tree gets a superuser.  Prints one JSON line describing the servers,
then waits: closing standard input (or SIGTERM) stops them.
"""
import importlib.util
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
BUILD = os.environ.get("BUILD", "build")
ADMIN = ("admin", "Quiet-Aisle-Seven-91")
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
PREFIX = "/~alice/stockroom"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install(dest, base="/", data_env=None, admin=True):
    subprocess.run(["make", "-s", "install", f"DESTDIR={dest}",
                    f"BUILD={BUILD}", f"BASE_PATH={base}"], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    env = dict(ENV)
    if data_env:
        env["STOCKROOM_DATA_DIR"] = str(data_env)
    subprocess.run([str(dest / "bin" / "stockroom"), "migrate"], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    if admin:
        subprocess.run([str(dest / "bin" / "stockroom"), "createsuperuser",
                        ADMIN[0]], env=env, check=True,
                       input=ADMIN[1].encode() + b"\n",
                       stdout=subprocess.DEVNULL)


def wait_port(proc, port, log, what):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited: " + log.read_text()[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not start")


def load_http_conftest():
    path = ROOT / "tests" / "http" / "conftest.py"
    if not path.exists() or shutil.which("apache2") is None:
        return None
    spec = importlib.util.spec_from_file_location("http_conftest", path)
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
        mod.APACHE_CONF, mod.APACHE_MODS, mod.APACHE_MODULES
    except Exception as e:  # noqa: BLE001 - report and go on without Apache
        print(f"servers.py: no Apache fixture ({e})", file=sys.stderr)
        return None
    return mod


def main():
    work = pathlib.Path(sys.argv[1])
    work.mkdir(parents=True, exist_ok=True)
    work.chmod(0o755)
    procs, out = [], {"admin": list(ADMIN), "servers": []}

    def stop_all(*_):
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop_all)

    def serve_lighttpd(site, log, what, port=None):
        """Starts lighttpd-fastcgi.conf (as `make run`) on site, its data
        in site/data, logging to log; returns its port once it listens."""
        again = port is not None
        port = port or free_port()
        with open(log, "ab" if again else "wb") as f:
            p = subprocess.Popen(
                ["lighttpd", "-D", "-f", str(ROOT / "lighttpd-fastcgi.conf")],
                env=dict(ENV, STOCKROOM_ROOT=str(site), PORT=str(port),
                         STOCKROOM_DATA_DIR=str(site / "data")),
                stdin=subprocess.DEVNULL, stdout=f, stderr=f,
                start_new_session=True)
        procs.append(p)
        wait_port(p, port, log, what)
        return port

    # The offline scenario stops the main server (SIGUSR1 to this process)
    # and starts it again on the same port (SIGUSR2): the page's origin,
    # its service worker and its queue stay the same.
    main_server = {}

    def stop_main(*_):
        p = procs[main_server["index"]]
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=10)

    def start_main(*_):
        if procs[main_server["index"]].poll() is None:
            return
        serve_lighttpd(main_server["site"], main_server["log"], "lighttpd",
                       main_server["port"])
        main_server["index"] = len(procs) - 1

    signal.signal(signal.SIGUSR1, stop_main)
    signal.signal(signal.SIGUSR2, start_main)

    try:
        site = work / "lighttpd-site"
        install(site, "/", site / "data")
        log = work / "lighttpd.log"
        port = serve_lighttpd(site, log, "lighttpd")
        main_server.update(index=len(procs) - 1, site=site, log=log, port=port)
        out["servers"].append({"name": "lighttpd", "base": f"http://127.0.0.1:{port}/",
                               "log": str(log), "plugins_dir": str(site / "plugins"),
                               "control_pid": os.getpid()})

        # A tree nobody has signed up to yet: first-run setup.
        fresh = work / "fresh-site"
        install(fresh, "/", fresh / "data", admin=False)
        flog = work / "fresh.log"
        fport = serve_lighttpd(fresh, flog, "lighttpd (fresh)")
        out["servers"].append({"name": "fresh", "base": f"http://127.0.0.1:{fport}/",
                               "log": str(flog),
                               "setup_code_file": str(fresh / "data" / "setup_code")})

        http = load_http_conftest()
        if http is not None and os.environ.get("BROWSER_NO_APACHE") != "1":
            alice = work / "alice-site"
            install(alice, PREFIX + "/")
            http.give_to_apache(alice)
            adir = work / "apache"
            adir.mkdir(mode=0o755, exist_ok=True)
            aport = free_port()
            modules = "\n".join(f"LoadModule {m}_module {http.APACHE_MODULES}/mod_{m}.so"
                                for m in http.APACHE_MODS)
            # The tests/http layout, with only the shared-hosting tree ours:
            # the apache.conf tree is an empty directory.
            root_site = work / "apache-root"
            root_site.mkdir(mode=0o755, exist_ok=True)
            http.routes_only_tree(root_site)
            conf = adir / "httpd.conf"
            conf.write_text(http.APACHE_CONF.format(
                dir=adir, port=aport, modules=modules, site=root_site,
                site2=alice, site3=root_site, repo=ROOT,
                user=f"User {http.APACHE_USER}\nGroup {http.APACHE_USER}"
                if http.AS_ROOT else ""))
            alog = adir / "error.log"
            with open(adir / "stdout.log", "wb") as f:
                p = subprocess.Popen(["apache2", "-f", str(conf), "-DFOREGROUND"],
                                     env=ENV, stdin=subprocess.DEVNULL, stdout=f,
                                     stderr=f, start_new_session=True)
            procs.append(p)
            wait_port(p, aport, alog, "apache2")
            out["servers"].append({"name": "apache-htaccess-prefix",
                                   "base": f"http://127.0.0.1:{aport}{PREFIX}/",
                                   "log": str(alog)})
    except Exception as e:  # noqa: BLE001
        out["error"] = str(e)
    print(json.dumps(out), flush=True)
    sys.stdin.read()
    stop_all()


if __name__ == "__main__":
    main()
