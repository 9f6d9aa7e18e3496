"""inventree-python through the real servers: what a web server could
refuse before any program runs.  (Program-level shapes are in
tests/cgi/test_client_compat.py.)"""
import pytest


@pytest.mark.parametrize("path", ["/api/", "/api/part/"])
def test_get_with_json_body_reaches_program(srv, path):
    """The client sends every GET with a JSON body "{}" (requests'
    json={}); lighttpd refuses that by default with its own HTML 400, so
    lighttpd.conf enables method-get-body.  The answer must be the
    program's JSON (200, or 401 without credentials)."""
    r = srv.request("GET", path, body={})
    assert r.is_json, r
    assert r.status in (200, 401), r
