"""The release tarballs in userlands we did not build in (issue 23): each
tarball of DIST_ARCHS unpacked into an empty root and into an older Debian
(userland.py says what those are), every program run there as CGI with
nothing but the CGI environment, the first-run setup through the API, part
images (libgd linked in) and attachments.  make test runs x86_64; make
dist-test every architecture (aarch64 under qemu-user-static)."""
import re
import struct
import subprocess
import tarfile
import zlib

import pytest

import userland as u
from userland import basic

ADMIN = ("owner", "Owner-pass-2468")
ROOT_KINDS = ["empty", u.SUITE]


def png(w, h):
    """A w x h RGB PNG, made here (no libgd on this side)."""
    def chunk(t, d):
        return (struct.pack(">I", len(d)) + t + d
                + struct.pack(">I", zlib.crc32(t + d)))
    raw = b"".join(b"\x00" + b"".join(bytes([x % 256, y % 256, 128])
                                       for x in range(w))
                   for y in range(h))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def multipart(fields, files, boundary="dist-test-boundary"):
    out = b""
    for name, value in fields:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"{name}\"\r\n\r\n{value}\r\n").encode()
    for name, filename, ctype, data in files:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"{name}\"; filename=\"{filename}\"\r\n"
                f"Content-Type: {ctype}\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", out


def programs(site):
    return sorted(p.name[:-4] for p in (site / "cgi-bin").glob("*.cgi"))


@pytest.fixture(scope="module", params=[(a, k) for a in u.ARCHS
                                        for k in ROOT_KINDS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def root(request, tmp_path_factory):
    arch, kind = request.param
    if not u.AS_ROOT:
        pytest.skip("chroot and mount namespaces need root (make test runs "
                    "as root on CI)")
    if kind == "empty":
        path = tmp_path_factory.mktemp(f"empty-{arch}")
    else:
        path, why = u.debootstrap(arch)
        if path is None:
            pytest.skip(f"no {u.SUITE} userland for {arch}: {why}")
    r = u.Root(path, arch, kind)
    yield r
    if kind != "empty":
        # The cached userland stays; the tree unpacked into it goes.
        subprocess.run(["rm", "-rf", str(path / "srv")], check=False)


@pytest.mark.parametrize("arch", u.ARCHS)
def test_every_program_is_static(arch, tmp_path):
    """No program interpreter, no needed library: nothing for a host's
    loader to miss.  (ldd says "statically linked" for static-pie,
    "not a dynamic executable" for plain static.)"""
    site = u.unpack(u.tarball(arch), tmp_path)
    files = sorted((site / "cgi-bin").glob("*.cgi")) + \
        sorted((site / "bin").iterdir())
    assert len(files) >= 10, files
    machine = {"x86_64": "X86-64", "aarch64": "AArch64"}[arch]
    for f in files:
        hdr = subprocess.run(["readelf", "-hldW", str(f)], text=True,
                             capture_output=True, check=True).stdout
        assert machine in hdr, (f, hdr[:400])
        assert "INTERP" not in hdr and "(NEEDED)" not in hdr, (f, hdr)
        if arch == u.HOST_ARCH:
            ldd = subprocess.run(["ldd", str(f)], text=True,
                                 capture_output=True).stdout + \
                subprocess.run(["ldd", str(f)], text=True,
                               capture_output=True).stderr
            assert re.search(r"statically linked|not a dynamic executable",
                             ldd), (f, ldd)


@pytest.mark.parametrize("arch", u.ARCHS)
def test_tarball_holds_the_tree_and_no_secret(arch):
    """The installed tree in one directory stockroom-<version>/, its data
    directory empty but for its .htaccess: a database or a secret_key made
    at build time would be shared by every site unpacked from it."""
    names = tarfile.open(u.tarball(arch)).getnames()
    top = f"stockroom-{u.VERSION}"
    assert all(n == top or n.startswith(top + "/") for n in names), names
    for need in ("index.html", ".htaccess", "cgi-bin/.htaccess",
                 "cgi-bin/api.cgi", "bin/stockroom", "bin/worker",
                 "db/apache.conf", "db/lighttpd.conf", "stockroom.conf",
                 "docs/README.md", "data/.htaccess"):
        assert f"{top}/{need}" in names, need
    assert [n for n in names if n.startswith(f"{top}/data/")] == \
        [f"{top}/data/.htaccess"]
    conf = tarfile.open(u.tarball(arch)).extractfile(f"{top}/stockroom.conf")
    assert "AUTO_MIGRATE = true" in conf.read().decode().splitlines()


def test_tarball_name_api_and_tool_agree_on_the_version(root):
    p = root.tool("stockroom", "--version")
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode() == f"stockroom {u.VERSION}\n"
    r = root.cgi("api")
    assert r.status in (200, 503), r
    if r.status == 200:
        assert r.json()["version"] == u.VERSION


def test_first_run_setup(root):
    """What a shared-hosting customer does with no shell: open the page,
    read the setup code from data/ with the file manager, create the first
    superuser, then a client gets a token and lists parts."""
    h = root.cgi("api", path="/api/health/")
    assert h.header("Content-Type") == "application/json", h
    # A fresh tree has no database until a request applies the migrations
    # (AUTO_MIGRATE = true in the tarball's stockroom.conf).
    assert h.status in (200, 503), h
    s = root.cgi("auth", path="/api/auth/setup/")
    assert s.status == 200 and s.json()["setup_required"] is True, s
    code = (root.data / "setup_code").read_text().strip()
    assert len(code) == 32
    r = root.cgi("auth", method="POST", path="/api/auth/setup/",
                 body={"setup_code": code, "username": ADMIN[0],
                       "password": ADMIN[1], "email": ""})
    assert r.status == 201 and r.json()["is_superuser"] is True, r
    assert not (root.data / "setup_code").exists()
    r = root.cgi("user", path="/api/user/token/", query="name=dist-test",
                 headers={"Authorization": basic(*ADMIN)})
    assert r.status == 200, r
    root.token = {"Authorization": "Token " + r.json()["token"]}
    r = root.cgi("part", path="/api/part/", headers=root.token)
    assert r.status == 200 and r.json() == [], r
    h = root.cgi("api", path="/api/health/")
    assert h.status == 200 and h.json()["status"] == "healthy", h
    a = root.cgi("api")
    assert a.status == 200 and a.json()["version"] == u.VERSION, a
    assert (root.data / "secret_key").exists()


def signed_in(root):
    if root.token is None:
        pytest.skip("the first-run setup failed")
    return root.token


def test_every_program_answers(root):
    """One env -i request per program: a JSON answer, never a 5xx."""
    tok = signed_in(root)
    paths = {"api": "/api/", "media": "/media/no/such/file"}
    seen = []
    for prog in programs(root.site):
        r = root.cgi(prog, path=paths.get(prog, f"/api/{prog}/"),
                     headers=tok)
        assert r.status < 500, (prog, r, r.stderr)
        assert r.header("Content-Type") == "application/json", (prog, r)
        r.json()
        seen.append(prog)
        rt = root.run([f"{root.inside}/cgi-bin/{prog}.cgi", "--routes"])
        assert rt.returncode == 0 and rt.stdout.strip(), (prog, rt)
    assert {"api", "part", "stock", "user", "auth", "media"} <= set(seen)


def test_tools(root):
    signed_in(root)
    st = root.tool("stockroom", "status")
    assert st.returncode == 0, st.stderr
    lu = root.tool("stockroom", "listusers")
    assert lu.returncode == 0 and ADMIN[0] in lu.stdout.decode(), lu
    w = root.tool("worker", "--once")
    assert w.returncode == 0, w.stderr
    if root.kind != "empty" and root.arch == u.HOST_ARCH:
        # The older Debian's own ldd finds nothing to load, and it is
        # older: glibc 2.31, where the programs were built with 2.36.
        env = {"PATH": "/usr/bin:/bin"}
        p = root.run(["/usr/bin/ldd", f"{root.inside}/cgi-bin/part.cgi"],
                     env=env)
        out = (p.stdout + p.stderr).decode()
        assert re.search(r"statically linked|not a dynamic executable",
                         out), out
        v = root.run(["/usr/bin/ldd", "--version"], env=env).stdout.decode()
        assert " 2.31" in v.splitlines()[0], v


def test_part_image_and_attachment(root):
    """libgd is linked into the static programs: a part image gets its
    thumbnail; an attachment is stored and served back by media.cgi."""
    tok = signed_in(root)
    r = root.cgi("part", method="POST", path="/api/part/",
                 body={"name": "Static part"}, headers=tok)
    assert r.status == 201, r
    pk = r.json()["pk"]
    ct, body = multipart([], [("image", "p.png", "image/png", png(300, 20))])
    r = root.cgi("part", method="PATCH", path=f"/api/part/{pk}/", body=body,
                 content_type=ct, headers=tok)
    assert r.status == 200, (r, r.stderr)
    part = r.json()
    assert part["image"] and part["thumbnail"], part
    thumb = root.cgi("media", path=part["thumbnail"], headers=tok)
    assert thumb.status == 200, thumb
    assert thumb.body.startswith(b"\x89PNG"), thumb.body[:16]
    # 300 x 20 shrinks to 256 x 17 (IMAGE_THUMB_SIDE).
    assert struct.unpack(">II", thumb.body[16:24]) == (256, 17)
    data = b"datasheet bytes\n" * 100
    ct, body = multipart([("model_type", "part"), ("model_id", str(pk))],
                         [("attachment", "d.pdf", "application/pdf", data)])
    r = root.cgi("attachment", method="POST", path="/api/attachment/",
                 body=body, content_type=ct, headers=tok)
    assert r.status == 201, r
    got = root.cgi("media", path=r.json()["attachment"], headers=tok)
    assert got.status == 200 and got.body == data, got

