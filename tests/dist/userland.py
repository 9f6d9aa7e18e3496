"""Helpers for tests/dist: the release tarballs (make dist) unpacked into
roots that hold nothing we built against, and their programs run there as
CGI.

A root is a directory the programs are run in with chroot, inside a fresh
mount and PID namespace whose only mount is /proc (every Linux host has
one; the programs read /proc/self/exe to find their install).  Two kinds:
  empty     the unpacked tree, /proc, and /dev/null and /dev/urandom as
            device nodes (libscrypt reads /dev/urandom), nothing else: no
            /lib, no /usr, no /etc, no loader, no libc;
  bullseye  an older Debian userland (glibc 2.31) made by debootstrap from
            the mirror and cached in $BUILD/userland/; for a foreign
            architecture only debootstrap's first stage (its packages
            unpacked, not configured: that needs the architecture's CPU).
The tree goes to /srv/stockroom-<version>/ in the root.  Programs of
another architecture run under Debian's qemu-user-static, copied into the
root (a static program itself).  The environment is exactly the CGI
variables (env -i), as a web server passes them.
"""
import base64
import json
import os
import pathlib
import shutil
import stat
import subprocess
import sys
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import parse_cgi  # noqa: E402  (tests/conftest.py)

BUILD = pathlib.Path(os.environ.get("BUILD", "build"))
if not BUILD.is_absolute():
    BUILD = ROOT / BUILD
DIST_DIR = pathlib.Path(os.environ.get("DIST_DIR", BUILD / "dist"))
ARCHS = os.environ.get("DIST_ARCHS", "x86_64").split()
VERSION = os.environ.get("DIST_VERSION", "")
HOST_ARCH = os.uname().machine
DEBIAN_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}
QEMU = {"x86_64": "qemu-x86_64-static", "aarch64": "qemu-aarch64-static"}
MIRROR = os.environ.get("DIST_MIRROR", "http://deb.debian.org/debian")
SUITE = os.environ.get("DIST_SUITE", "bullseye")
USERLAND = BUILD / "userland"
AS_ROOT = os.geteuid() == 0


def tarball(arch):
    """The one tarball of arch in DIST_DIR, of version VERSION."""
    p = DIST_DIR / f"stockroom-{VERSION}-linux-{arch}.tar.gz"
    assert VERSION, "DIST_VERSION is not set (make dist-test sets it)"
    assert p.is_file(), f"{p} is missing: run make dist"
    return p


def unpack(tar, dest):
    """Unpacks tar into dest with tar(1), as a user would; returns the
    tree (dest/stockroom-<version>)."""
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-C", str(dest), "-xzf", str(tar)], check=True,
                   timeout=120)
    return dest / f"stockroom-{VERSION}"


def mirror_reachable():
    """None, or why the mirror cannot serve SUITE."""
    url = f"{MIRROR}/dists/{SUITE}/Release"
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            r.read(1)
        return None
    except Exception as e:  # noqa: BLE001  (any failure is the reason)
        return f"{url}: {e}"


def debootstrap(arch):
    """The cached SUITE userland of arch: (path, None) or (None, why not)."""
    deb = DEBIAN_ARCH[arch]
    dest = USERLAND / f"{SUITE}-{deb}"
    if (dest / ".stockroom-complete").exists():
        return dest, None
    if not AS_ROOT:
        return None, "debootstrap needs root"
    if shutil.which("debootstrap") is None:
        return None, "debootstrap is not installed (make test-deps)"
    why = mirror_reachable()
    if why is not None:
        return None, f"the Debian mirror is unreachable ({why})"
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    cmd = ["debootstrap", "--variant=minbase", f"--arch={deb}"]
    if arch != HOST_ARCH:
        cmd.append("--foreign")
    cmd += [SUITE, str(tmp), MIRROR]
    log = USERLAND / f"{SUITE}-{deb}.log"
    with open(log, "wb") as out:
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT,
                              timeout=1800)
    assert proc.returncode == 0, (f"{' '.join(cmd)} failed:\n"
                                  + log.read_text(errors="replace")[-3000:])
    (tmp / ".stockroom-complete").write_text(" ".join(cmd) + "\n")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest, None


class Root:
    """A root with the tarball of arch unpacked at /srv; runs its programs
    there."""

    def __init__(self, path, arch, kind):
        self.path = path
        self.arch = arch
        self.kind = kind
        self.token = None       # set by the first-run test
        self.unshare = shutil.which("unshare")
        self.chroot = shutil.which("chroot")
        srv = path / "srv"
        shutil.rmtree(srv, ignore_errors=True)
        self.site = unpack(tarball(arch), srv)
        self.inside = f"/srv/stockroom-{VERSION}"
        (path / "proc").mkdir(exist_ok=True)
        # What every host has besides /proc: /dev/null, and /dev/urandom,
        # which libscrypt reads for password salts.
        (path / "dev").mkdir(exist_ok=True)
        for name, minor in (("null", 3), ("urandom", 9)):
            if not (path / "dev" / name).exists():
                os.mknod(path / "dev" / name, 0o666 | stat.S_IFCHR,
                         os.makedev(1, minor))
        self.qemu = []
        if arch != HOST_ARCH:
            q = shutil.which(QEMU[arch])
            assert q, f"{QEMU[arch]} is missing (make dist-test-deps)"
            shutil.copy2(q, path / QEMU[arch])
            self.qemu = ["/" + QEMU[arch]]

    @property
    def data(self):
        return self.site / "data"

    def run(self, argv, env=None, stdin=b"", timeout=60):
        """Runs argv (paths inside the root) in the root with exactly env."""
        cmd = [self.unshare, "--mount", "--pid", "--fork",
               f"--mount-proc={self.path}/proc", self.chroot, str(self.path),
               *self.qemu, *argv]
        return subprocess.run(cmd, env=env or {}, input=stdin,
                              capture_output=True, timeout=timeout)

    def tool(self, name, *args, **kw):
        return self.run([f"{self.inside}/bin/{name}", *args], **kw)

    def cgi(self, program, method="GET", path=None, query="", body=None,
            headers=None, content_type=None):
        """One CGI request to cgi-bin/<program>.cgi; the parsed answer."""
        if path is None:
            path = "/api/" if program == "api" else f"/api/{program}/"
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            content_type = content_type or "application/json"
        if isinstance(body, str):
            body = body.encode()
        env = {
            "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_NAME": "localhost", "SERVER_PORT": "80",
            "REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": method,
            "PATH_INFO": path, "QUERY_STRING": query,
            "SCRIPT_NAME": f"/cgi-bin/{program}.cgi",
            "REQUEST_URI": path + ("?" + query if query else ""),
            "HTTP_HOST": "localhost",
        }
        if body is not None:
            env["CONTENT_LENGTH"] = str(len(body))
        if content_type:
            env["CONTENT_TYPE"] = content_type
        for k, v in (headers or {}).items():
            env["HTTP_" + k.upper().replace("-", "_")] = v
        proc = self.run([f"{self.inside}/cgi-bin/{program}.cgi"], env=env,
                        stdin=body or b"")
        assert proc.returncode == 0, (program, proc.returncode,
                                      proc.stderr.decode(errors="replace"))
        r = parse_cgi(proc.stdout)
        r.stderr = proc.stderr
        return r


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
