"""Parameters (issue 17; docs/parameters.md): templates and part
parameters at current InvenTree's /api/parameter/... (parameter.cgi) and
at the paths clients below API 429 use, /api/part/parameter/...
(part.cgi), over the same tables; category templates and the defaults a
new part gets; values with units stored with their number in the
template's units; the part list's parameter filters and ordering against
a brute-force oracle on random data."""
import random

import pytest

from inventory_api import Api, pks

TPL = "/api/parameter/template/"
PAR = "/api/parameter/"
OLD_TPL = "/api/part/parameter/template/"
OLD_PAR = "/api/part/parameter/"
CATP = "/api/part/category/parameters/"
PART = "/api/part/"


class ParamApi(Api):
    @staticmethod
    def program(path):
        if path.startswith("/api/parameter"):
            return "parameter"
        return Api.program(path)

    def template(self, name, units="", path=TPL, **kw):
        return self.ok("POST", path, dict(name=name, units=units, **kw))

    def param(self, part, template, data, **kw):
        return self.ok("POST", PAR, dict(model_type="part", model_id=part,
                                         template=template, data=data, **kw))


@pytest.fixture
def api(site, admin):
    return ParamApi(site, admin)


def test_smoke(api):
    t = api.template("Resistance", "ohm", description="R")
    p = api.part("R1")["pk"]
    r = api.param(p, t["pk"], "4k7")
    print(r)
    assert r["data_numeric"] == 4700
