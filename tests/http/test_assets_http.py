"""The page's files on the wire, under each way of serving (the `srv`
fixture: lighttpd.conf, lighttpd-fastcgi.conf, apache.conf, .htaccess, and
the two Apache ones under mod_fcgid): content-hashed assets cached for a
year and never revalidated, the page itself always revalidated, and the
assets compressed for a browser that accepts it -- the first page (the
parts page: index.html's CSS, script and the chunks it preloads) under its
budget of 60 KB gzipped (issue 19).
"""
import gzip
import json
import importlib.util
import pathlib
import re

import pytest

_spec = importlib.util.spec_from_file_location(
    "http_conftest", pathlib.Path(__file__).with_name("conftest.py"))
hc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hc)

IMMUTABLE = "public, max-age=31536000, immutable"
BUDGET = 60 * 1024
HASHED = re.compile(r"-[A-Z0-9]{8}\.(js|css|wasm)$")
TYPES = {"js": "text/javascript", "css": "text/css",
         "wasm": "application/wasm", "svg": "image/svg+xml"}


def first_page(site):
    """The CSS and scripts index.html loads (entry and preloaded chunks)."""
    html = (site / "index.html").read_text()
    found = re.findall(r'(?:href|src)="(assets/[^"]+\.(?:css|js))"', html)
    assert any(f.endswith(".css") for f in found), html
    assert any(f.endswith(".js") for f in found), html
    return found


def on_demand(site):
    """Assets not on the first page: page chunks and the scanner's
    decoder (its .wasm included)."""
    first = set(first_page(site))
    return sorted(str(p.relative_to(site)) for p in (site / "assets").iterdir()
                  if p.suffix in (".js", ".wasm")
                  and str(p.relative_to(site)) not in first)


def vary(r):
    """Vary's names, each once."""
    names = [v.strip().lower() for h in r.header_all("Vary")
             for v in h.split(",")]
    assert len(names) == len(set(names)), r.headers
    return set(names)


def test_hashed_assets_are_immutable(srv):
    names = first_page(srv.site) + on_demand(srv.site)
    assert any(n.endswith(".wasm") for n in names), names
    for rel in names:
        assert HASHED.search(rel), rel
        r = srv.get("/" + rel)
        assert r.status == 200, (rel, r)
        assert r.header_all("Cache-Control") == [IMMUTABLE], (rel, r.headers)
        assert r.body == (srv.site / rel).read_bytes(), rel
        ctype = r.header("Content-Type").split(";")[0]
        assert ctype == TYPES[rel.rsplit(".", 1)[1]], (rel, r.headers)


@pytest.mark.parametrize("path", ["/", "/index.html", "/parts",
                                  "/part/99999"])
def test_page_is_revalidated(srv, path):
    r = srv.get(path, headers={"Accept-Encoding": "gzip, br"})
    assert r.status == 200, r
    assert r.header_all("Cache-Control") == ["no-cache"], r.headers


def test_unhashed_favicon_is_not_immutable(srv):
    r = srv.get("/assets/favicon.svg")
    assert r.status == 200, r
    assert "immutable" not in (r.header("Cache-Control") or ""), r.headers


def test_missing_asset_is_404_not_the_page(srv):
    r = srv.get("/assets/app-ZZZZZZZZ.js",
                headers={"Accept-Encoding": "gzip"})
    assert r.status == 404, r
    assert b"<base href" not in r.body, r


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_assets_compressed(srv, encoding):
    for rel in first_page(srv.site):
        raw = (srv.site / rel).read_bytes()
        r = srv.get("/" + rel, headers={"Accept-Encoding": encoding})
        assert r.status == 200, (rel, r)
        assert r.header("Content-Encoding") == encoding, (rel, r.headers)
        assert "accept-encoding" in vary(r), (rel, r.headers)
        ctype = r.header("Content-Type").split(";")[0]
        assert ctype == TYPES[rel.rsplit(".", 1)[1]], (rel, r.headers)
        assert r.header_all("Cache-Control") == [IMMUTABLE], (rel, r.headers)
        if encoding == "gzip":
            assert gzip.decompress(r.body) == raw, rel
        # A file of a few hundred bytes (esbuild's shared module helpers,
        # which a CommonJS package on demand -- the labels page's QR
        # encoder -- puts in a chunk of their own) cannot halve.
        if len(raw) >= 1024:
            assert len(r.body) < len(raw) / 2, (rel, len(r.body), len(raw))


def test_uncompressed_without_accept_encoding(srv):
    for rel in first_page(srv.site):
        r = srv.get("/" + rel)
        assert r.header("Content-Encoding") in (None, "identity"), r.headers
        assert r.body == (srv.site / rel).read_bytes()
        assert "accept-encoding" in vary(r), (rel, r.headers)


def test_first_page_under_budget(srv):
    """What a browser fetches for the first page, as Chromium asks for it
    over plain HTTP (gzip; Brotli only over HTTPS): under 60 KB."""
    total = 0
    for rel in first_page(srv.site):
        r = srv.get("/" + rel, headers={"Accept-Encoding": "gzip, deflate"})
        assert r.status == 200 and r.header("Content-Encoding") == "gzip", r
        total += len(r.body)
    assert total < BUDGET, total
    # Brotli is smaller still.
    br = sum(len(srv.get("/" + rel, headers={"Accept-Encoding": "br"}).body)
             for rel in first_page(srv.site))
    assert br < total, (br, total)


def test_decoder_compressed_on_demand(srv):
    """The scanner's decoder (.wasm, 0.9 MB) goes compressed as well."""
    wasm = [n for n in on_demand(srv.site) if n.endswith(".wasm")][0]
    size = (srv.site / wasm).stat().st_size
    r = srv.get("/" + wasm, headers={"Accept-Encoding": "gzip"})
    assert r.status == 200 and r.header("Content-Encoding") == "gzip", r
    assert len(r.body) < size * 0.6, (len(r.body), size)
    assert r.header("Content-Type").split(";")[0] == "application/wasm"


@pytest.mark.parametrize("path,ctype", [
    ("/sw.js", "text/javascript"),
    ("/manifest.webmanifest", "application/manifest+json")])
def test_offline_files_revalidated(srv, path, ctype):
    """The service worker and the manifest sit beside index.html (the
    worker's scope is the whole page) and are always revalidated."""
    r = srv.get(path)
    assert r.status == 200, r
    assert r.header("Content-Type").split(";")[0] == ctype, r.headers
    assert r.header_all("Cache-Control") == ["no-cache"], r.headers
    assert r.body == (srv.site / path.lstrip("/")).read_bytes()


def test_service_worker_keeps_the_first_page(srv):
    """Every file of the first page is in the worker's shell, by the
    relative URL index.html uses (so it works under a prefix)."""
    sw = (srv.site / "sw.js").read_text()
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", sw).group(1))
    for rel in first_page(srv.site):
        assert rel in shell, (rel, shell)
    assert not any(s.endswith(".wasm") for s in shell), shell
    manifest = json.loads((srv.site / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == "./" and manifest["scope"] == "./"
    html = (srv.site / "index.html").read_text()
    assert '<link rel="manifest" href="manifest.webmanifest">' in html
