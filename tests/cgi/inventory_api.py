"""Helpers for the inventory API tests (part.cgi and stock.cgi): calls with
JSON bodies and query dicts, and builders for categories, parts, locations
and stock items."""
import functools
import json
import urllib.parse

from conftest import program_routes


@functools.lru_cache(maxsize=None)
def route_starts():
    """(fixed start of a route's pattern, its program), longest first."""
    starts = {(r["pattern"].split("<")[0], r["program"])
              for r in program_routes()}
    return sorted(starts, key=lambda s: -len(s[0]))


def program_of(path):
    for start, program in route_starts():
        if path.startswith(start):
            return program
    return "part"


class Api:
    """Calls part.cgi / stock.cgi as one user (headers), as a web server
    would: PATH_INFO is the API path, the query string is urlencoded."""

    def __init__(self, site, headers):
        self.site = site
        self.headers = dict(headers)

    @staticmethod
    def program(path):
        """The program that serves path, as the built programs' --routes
        say: the one with the longest fixed start of a route that path
        begins with (/api/company/part/ is company.cgi's)."""
        return program_of(path)

    def call(self, method, path, body=None, headers=None, **params):
        q = urllib.parse.urlencode(
            {k: str(v).lower() if isinstance(v, bool) else v
             for k, v in params.items()})
        h = dict(self.headers, **(headers or {}))
        return self.site.cgi(self.program(path), method=method, path=path,
                             query=q, body=body, headers=h)

    def get(self, path, **params):
        return self.call("GET", path, **params)

    def ok(self, method, path, body=None, expect=None, **params):
        r = self.call(method, path, body=body, **params)
        want = expect or {"GET": 200, "POST": 201, "DELETE": 204}.get(
            method, 200)
        assert r.status == want, r
        return r.json() if r.body else None

    def list(self, path, **params):
        return self.ok("GET", path, **params)

    def category(self, name, parent=None, **kw):
        return self.ok("POST", "/api/part/category/",
                       dict(name=name, parent=parent, **kw))

    def part(self, name, category=None, **kw):
        return self.ok("POST", "/api/part/",
                       dict(name=name, category=category, **kw))

    def location(self, name, parent=None, **kw):
        return self.ok("POST", "/api/stock/location/",
                       dict(name=name, parent=parent, **kw))

    def stock(self, part, quantity, location=None, **kw):
        body = dict(part=part, quantity=quantity, **kw)
        if location is not None:
            body["location"] = location
        return self.ok("POST", "/api/stock/", body)

    def adjust(self, op, items, expect=201, **kw):
        return self.ok("POST", f"/api/stock/{op}/", dict(items=items, **kw),
                       expect=expect)


def pks(rows):
    return sorted(r["pk"] for r in rows)


def body_json(r):
    return json.loads(r.body)
