"""Parameters (issue 17; docs/parameters.md): templates and part
parameters at current InvenTree's /api/parameter/... (parameter.cgi) and
at the paths clients below API 429 use, /api/part/parameter/...
(part.cgi), over the same tables; category templates and the defaults a
new part gets; values with units stored with their number in the
template's units; the part list's parameter filters and ordering against
a brute-force oracle on random data."""
import random

import pytest

from conftest import make_user
from inventory_api import Api, pks

TPL = "/api/parameter/template/"
PAR = "/api/parameter/"
OLD_TPL = "/api/part/parameter/template/"
OLD_PAR = "/api/part/parameter/"
CATP = "/api/part/category/parameters/"
PART = "/api/part/"


class ParamApi(Api):
    def template(self, name, units="", path=TPL, **kw):
        return self.ok("POST", path, dict(name=name, units=units, **kw))

    def param(self, part, template, data, **kw):
        return self.ok("POST", PAR, dict(model_type="part", model_id=part,
                                         template=template, data=data, **kw))

    def param_call(self, part, template, data):
        return self.call("POST", PAR, dict(model_type="part", model_id=part,
                                           template=template, data=data))


@pytest.fixture
def api(site, admin):
    return ParamApi(site, admin)


def close(a, b):
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


# --- templates ---------------------------------------------------------------

def test_template_fields_on_both_paths(api):
    t = api.template("Resistance", "ohm", description="Nominal resistance")
    assert t == {"pk": t["pk"], "name": "Resistance", "units": "ohm",
                 "description": "Nominal resistance", "model_type": None,
                 "checkbox": False, "choices": "", "selectionlist": None,
                 "enabled": True, "unique": 0}
    old = api.list(OLD_TPL + f"{t['pk']}/")
    assert old["parts"] == 0 and old["name"] == "Resistance"
    api.template("Package", path=OLD_TPL, choices="0402, 0603, 0805")
    names = [x["name"] for x in api.list(TPL)]
    assert names == ["Package", "Resistance"]
    assert [x["name"] for x in api.list(TPL, has_units=True)] == [
        "Resistance"]
    assert [x["name"] for x in api.list(TPL, has_choices=True)] == [
        "Package"]
    assert [x["name"] for x in api.list(TPL, search="nominal")] == [
        "Resistance"]
    assert [x["name"] for x in api.list(TPL, ordering="-name")] == [
        "Resistance", "Package"]
    page = api.list(OLD_TPL, limit=1)
    assert page["count"] == 2 and len(page["results"]) == 1


@pytest.mark.parametrize("body,field,msg", [
    ({"units": "xyz"}, "units", "Invalid physical unit: xyz"),
    ({"units": "10"}, "units", "Invalid physical unit: 10"),
    ({"units": "kg m"}, "units", "Invalid physical unit: kg m"),
    ({"units": "V", "checkbox": True}, "units",
     "Checkbox parameters cannot have units"),
    ({"choices": "a,b", "checkbox": True}, "choices",
     "Checkbox parameters cannot have choices"),
    ({"choices": "a, b,a"}, "choices", "Choices must be unique"),
    ({"name": ""}, "name", "This field may not be blank."),
])
def test_template_rules(api, body, field, msg):
    r = api.call("POST", TPL, dict({"name": "T"}, **body))
    assert r.status == 400 and r.json()[field] == [msg], r.json()


def test_template_units_taken_and_name_unique(api):
    for u in ("kΩ", "Ω", "µF", "uF", "V", "mA", "%", "degC", "Hz", "m/s",
              "R", "Ohms"):
        t = api.template(f"T {u}", u)
        assert t["units"] == u
    r = api.call("POST", TPL, {"name": "T V", "units": "V"})
    assert r.status == 400 and r.json() == {
        "name": ["Parameter template with this Name already exists."]}
    t = api.list(TPL, name="T V")[0]
    assert api.ok("PATCH", TPL + f"{t['pk']}/", {"units": "mV"})[
        "units"] == "mV"
    r = api.call("PATCH", TPL + f"{t['pk']}/", {"units": "bogus"})
    assert r.status == 400


# --- parameters --------------------------------------------------------------

@pytest.mark.parametrize("units,data,want", [
    ("ohm", "10k", 1e4), ("ohm", "10 kΩ", 1e4), ("ohm", "0.01M", 1e4),
    ("ohm", "4k7", 4700), ("ohm", "4R7", 4.7), ("ohm", "1 kohm", 1000),
    ("ohm", "2M2", 2.2e6), ("ohm", "470", 470), ("kΩ", "4k7", 4.7),
    ("F", "100nF", 1e-7), ("F", "0.1 µF", 1e-7), ("F", "100n", 1e-7),
    ("F", "0.1 uF", 1e-7), ("nF", "0.1 uF", 100), ("V", "3.3", 3.3),
    ("V", "500 mV", 0.5), ("%", "5%", 5), ("Hz", "16 MHz", 1.6e7),
    ("ohm", "1 QΩ", 1e30), ("ohm", "1 qΩ", 1e-30),
])
def test_parameter_numeric_value(api, units, data, want):
    t = api.template("X", units)["pk"]
    p = api.part("P")["pk"]
    r = api.param(p, t, data)
    assert r["data"] == data and close(r["data_numeric"], want), r
    assert r["template_detail"]["units"] == units
    assert r["model_type"] == "part" and r["model_id"] == p


def test_parameter_refused_with_the_reason(api):
    t = api.template("Resistance", "ohm")["pk"]
    p = api.part("P")["pk"]
    r = api.param_call(p, t, "10 V")
    assert r.status == 400 and r.json() == {"data": [
        "Could not convert 10 V to ohm: 10 V is a voltage, ohm is a "
        "resistance"]}
    r = api.param_call(p, t, "ten")
    assert r.status == 400 and r.json() == {"data": [
        "Invalid quantity supplied (ten)"]}
    r = api.param_call(p, t, "10 xyz")
    assert r.json() == {"data": [
        "Invalid quantity supplied (10 xyz): xyz is not a unit"]}
    r = api.param_call(p, t, "1e306 kohm")
    assert r.json() == {"data": ["Value out of range (1e306 kohm)"]}
    r = api.param_call(p, t, "")
    assert r.status == 400 and "data" in r.json()
    r = api.call("POST", PAR, dict(model_type="stockitem", model_id=p,
                                   template=t, data="1k"))
    assert r.json() == {"model_type": ['"stockitem" is not a valid choice.']}
    r = api.param_call(99999, t, "1k")
    assert r.json() == {"model_id": [
        'Invalid pk "99999" - object does not exist.']}
    assert api.list(PAR) == []


def test_parameter_without_units_choices_checkbox(api):
    p = api.part("P")["pk"]
    free = api.template("Free")["pk"]
    assert api.param(p, free, "12.5")["data_numeric"] == 12.5
    q = api.part("Q")["pk"]
    assert api.param(q, free, "10k")["data_numeric"] is None
    pkg = api.template("Package", choices="0402, 0603,0805")["pk"]
    # A plain number is one, as InvenTree's float("0603").
    assert api.param(p, pkg, "0603")["data_numeric"] == 603
    r = api.param_call(q, pkg, "1206")
    assert r.json() == {"data": ["Invalid choice for parameter value"]}
    rohs = api.template("RoHS", checkbox=True)["pk"]
    r = api.param(p, rohs, "yes")
    assert r["data"] == "True" and r["data_numeric"] == 1
    r = api.param(q, rohs, "0")
    assert r["data"] == "False" and r["data_numeric"] == 0
    r = api.call("POST", PAR, dict(model_id=q, template=pkg, data="0402"))
    assert r.status == 201        # model_type defaults to part


def test_one_parameter_per_part_and_template(api):
    t = api.template("R", "ohm")["pk"]
    p = api.part("P")["pk"]
    api.param(p, t, "1k")
    r = api.param_call(p, t, "2k")
    assert r.status == 400 and r.json() == {"non_field_errors": [
        "The fields model_id, template must make a unique set."]}
    r = api.call("POST", OLD_PAR, dict(part=p, template=t, data="2k"))
    assert r.json() == {"non_field_errors": [
        "The fields part, template must make a unique set."]}


def test_old_paths_as_inventree_python_uses_them(api):
    """PartParameter and PartParameterTemplate below API 429:
    part/parameter/?part=, template_detail's units (getunits())."""
    t = api.template("Capacitance", "F", path=OLD_TPL)["pk"]
    p = api.part("C1")["pk"]
    r = api.ok("POST", OLD_PAR, dict(part=p, template=t, data="100n"))
    assert r["part"] == p and close(r["data_numeric"], 1e-7)
    assert "model_id" not in r and "model_type" not in r
    rows = api.list(OLD_PAR, part=p)
    assert len(rows) == 1 and rows[0]["template_detail"]["units"] == "F"
    assert api.list(OLD_TPL + f"{t}/")["parts"] == 1
    assert api.list(OLD_PAR, part=p, part_detail=True)[0][
        "part_detail"]["name"] == "C1"
    # The same row at the current path, by model.
    rows = api.list(PAR, model_type="part", model_id=p)
    assert [x["pk"] for x in rows] == [r["pk"]]
    assert api.list(PAR, model_type="stockitem", model_id=p) == []
    r = api.ok("PATCH", OLD_PAR + f"{r['pk']}/", {"data": "0.47u"})
    assert close(r["data_numeric"], 4.7e-7)
    assert api.list(OLD_TPL, part=p)[0]["pk"] == t
    api.ok("DELETE", OLD_PAR + f"{r['pk']}/")
    assert api.list(PAR) == []


def test_template_parts_count_is_kept(api, site):
    """A template's `parts` (its number of parameters) is kept in tally
    (migration 0032) through creates, a parameter moved to another
    template, deletes of a parameter, of parts (the cascade) and of a
    template, a bulk delete; stockroom check counts it again each time."""
    from conftest import assert_check_clean
    rng = random.Random(32)
    ts = [api.template(f"T{i}", "ohm")["pk"] for i in range(3)]
    parts = [api.part(f"R{i}")["pk"] for i in range(12)]
    made = {}
    for p in parts:
        for t in rng.sample(ts, rng.randint(0, 3)):
            made[(p, t)] = api.param(p, t, f"{rng.randint(1, 99)}k")["pk"]

    def counts():
        return {t: api.list(OLD_TPL + f"{t}/")["parts"] for t in ts}

    def want():
        return {t: sum(1 for (_, x) in made if x == t) for t in ts}

    assert counts() == want()
    assert_check_clean(site)
    # a parameter moved to a template its part has no value of
    (p, t), pk = next(((k, v) for k, v in made.items()
                       if (k[0], ts[2]) not in made and k[1] != ts[2]))
    api.ok("PATCH", PAR + f"{pk}/", dict(template=ts[2]))
    made[(p, ts[2])] = made.pop((p, t))
    assert counts() == want()
    # one deleted, a part deleted (its parameters by the cascade)
    (k, pk) = next(iter(made.items()))
    api.ok("DELETE", PAR + f"{pk}/")
    del made[k]
    gone = next(p for p in parts if any(q == p for q, _ in made))
    api.ok("PATCH", PART + f"{gone}/", dict(active=False))
    api.ok("DELETE", PART + f"{gone}/")
    made = {k: v for k, v in made.items() if k[0] != gone}
    assert counts() == want()
    # a bulk delete of one template's parameters
    bulk = [v for (p, t), v in made.items() if t == ts[1]]
    if bulk:
        api.ok("DELETE", PAR, {"items": bulk}, expect=204)
    made = {k: v for k, v in made.items() if k[1] != ts[1]}
    assert counts() == want()
    # a template deleted: its parameters go, the others' counts stay
    api.ok("DELETE", TPL + f"{ts[0]}/")
    made = {k: v for k, v in made.items() if k[1] != ts[0]}
    ts = ts[1:]
    assert counts() == want()
    # ordered by the kept count
    order = [t["pk"] for t in api.list(OLD_TPL, ordering="-parts")
             if t["pk"] in ts]
    assert [want()[t] for t in order] == sorted(want().values(),
                                                reverse=True)
    assert_check_clean(site)


def test_parameter_detail_change_delete_and_bulk_delete(api, admin):
    t = api.template("R", "ohm")["pk"]
    a, b, c = (api.part(n)["pk"] for n in "ABC")
    ra, rb, rc = (api.param(x, t, "1k") for x in (a, b, c))
    assert ra["updated_by"] == admin.pk and ra["updated"].endswith("Z")
    r = api.ok("PATCH", PAR + f"{ra['pk']}/", {"data": "2k2",
                                                 "note": "measured"})
    assert r["data_numeric"] == 2200 and r["note"] == "measured"
    r = api.call("PATCH", PAR + f"{ra['pk']}/", {"data": "5 F"})
    assert r.status == 400
    assert api.list(PAR + f"{ra['pk']}/")["data"] == "2k2"
    api.ok("DELETE", PAR, {"items": [rb["pk"], rc["pk"]]})
    assert [x["pk"] for x in api.list(PAR)] == [ra["pk"]]
    assert api.list(PAR, search="measured")[0]["pk"] == ra["pk"]
    # A deleted part takes its parameters; a deleted template too.
    api.ok("PATCH", PART + f"{a}/", {"active": False})
    api.ok("DELETE", PART + f"{a}/")
    assert api.list(PAR) == []


def test_new_units_recompute_the_numbers(api):
    t = api.template("Voltage", "V")["pk"]
    p, q = api.part("P")["pk"], api.part("Q")["pk"]
    api.param(p, t, "3.3")
    api.param(q, t, "500 mV")
    api.ok("PATCH", TPL + f"{t}/", {"units": "mV"})
    nums = sorted(x["data_numeric"] for x in api.list(PAR))
    assert close(nums[0], 3.3) and close(nums[1], 500)   # "3.3" is 3.3 mV
    api.ok("PATCH", TPL + f"{t}/", {"units": ""})
    nums = sorted((x["data_numeric"] is None, x["data_numeric"] or 0)
                  for x in api.list(PAR))
    assert nums == [(False, 3.3), (True, 0)]


def test_parameters_need_part_rights(api, site):
    t = api.template("R", "ohm")["pk"]
    p = api.part("P")["pk"]
    api.param(p, t, "1k")
    viewer = ParamApi(site, make_user(site, "viewer", {"part": ["view"]}))
    assert len(viewer.list(PAR)) == 1 and len(viewer.list(OLD_TPL)) == 1
    assert viewer.param_call(p, t, "2k").status == 403
    assert viewer.call("POST", TPL, {"name": "X"}).status == 403


def test_options_describe_the_fields(api):
    post = api.call("OPTIONS", PAR).json()["actions"]["POST"]
    assert post["template"]["api_url"] == TPL
    assert post["model_id"]["api_url"] == PART
    assert post["data_numeric"]["read_only"] is True
    assert post["data_numeric"]["type"] == "float"
    post = api.call("OPTIONS", OLD_PAR).json()["actions"]["POST"]
    assert post["template"]["api_url"] == OLD_TPL


# --- category templates ------------------------------------------------------

def test_category_templates_and_new_parts_defaults(api):
    top = api.category("Passives")["pk"]
    res = api.category("Resistors", parent=top)["pk"]
    r = api.template("Resistance", "ohm")["pk"]
    pkg = api.template("Package", choices="0402,0603")["pk"]
    tol = api.template("Tolerance", "%")["pk"]
    c1 = api.ok("POST", CATP, dict(category=res, template=r,
                                   default_value="10k"))
    assert c1["template_detail"]["name"] == "Resistance"
    assert c1["category_detail"]["name"] == "Resistors"
    api.ok("POST", CATP, dict(category=res, template=pkg,
                              default_value="0603"))
    api.ok("POST", CATP, dict(category=top, template=tol,
                              default_value="5"))
    r2 = api.call("POST", CATP, dict(category=top, template=pkg,
                                     default_value="0805"))
    assert r2.status == 400 and r2.json() == {"default_value": [
        "Invalid choice for parameter value"]}
    r2 = api.call("POST", CATP, dict(category=top, template=r,
                                     default_value="5 V"))
    assert r2.status == 400 and "is a voltage" in r2.json()[
        "default_value"][0]
    assert len(api.list(CATP, category=res)) == 3
    assert len(api.list(CATP, category=res, fetch_parent=False)) == 2
    assert len(api.list(CATP, category=top)) == 1
    p = api.part("R 10k", category=res)["pk"]
    got = {x["template"]: x for x in api.list(PAR, model_id=p)}
    assert set(got) == {r, pkg}
    assert got[r]["data"] == "10k" and got[r]["data_numeric"] == 1e4
    assert got[pkg]["data"] == "0603"
    assert api.list(PAR, model_id=api.part("Loose")["pk"]) == []


# --- the part list: filters and ordering ------------------------------------

def test_part_filters_by_parameter(api):
    r = api.template("Resistance", "ohm")["pk"]
    c = api.template("Capacitance", "F")["pk"]
    rohs = api.template("RoHS", checkbox=True)["pk"]
    pk = {}
    for name, tpl, data in [("R1", r, "1k"), ("R2", r, "4k7"),
                            ("R3", r, "10 kΩ"), ("R4", r, "1M"),
                            ("C1", c, "10nF"), ("C2", c, "100n"),
                            ("C3", c, "0.47 µF"), ("C4", c, "1u"),
                            ("C5", c, "10uF")]:
        pk[name] = api.part(name)["pk"]
        api.param(pk[name], tpl, data)
    api.param(pk["C2"], rohs, "true")

    def names(**q):
        return sorted(x["name"] for x in api.list(PART, **q))
    assert names(**{f"parameter_{c}_gte": "10n", f"parameter_{c}_lte":
                    "1u"}) == ["C1", "C2", "C3", "C4"]
    assert names(**{f"parameter_{c}_gt": "10n", f"parameter_{c}_lt":
                    "1 µF"}) == ["C2", "C3"]
    assert names(**{f"parameter_{c}": "0.1uF"}) == ["C2"]
    assert names(**{f"parameter_{r}_gte": "4.7k", f"parameter_{r}_lte":
                    "0.01M"}) == ["R2", "R3"]
    assert names(**{f"parameter_{r}": "4700"}) == ["R2"]
    assert len(names(**{f"parameter_{r}_ne": "4k7"})) == 8
    assert names(**{f"parameter_{rohs}": "yes"}) == ["C2"]
    assert names(**{f"parameter_{r}_icontains": "K"}) == ["R1", "R2", "R3"]
    rr = api.call("GET", PART, **{f"parameter_{r}_gte": "10 V"})
    assert rr.status == 400 and rr.json() == {f"parameter_{r}_gte": [
        "Could not convert 10 V to ohm: 10 V is a voltage, ohm is a "
        "resistance"]}
    rr = api.call("GET", PART, parameter_999_gte="1")
    assert rr.status == 400 and rr.json() == {"parameter_999_gte": [
        "Invalid parameter template ID: 999"]}
    order = [x["name"] for x in api.list(PART, ordering=f"parameter_{c}")]
    assert order[:5] == ["C1", "C2", "C3", "C4", "C5"]
    order = [x["name"] for x in api.list(PART, ordering=f"-parameter_{c}")]
    assert order[:5] == ["C5", "C4", "C3", "C2", "C1"]
    page = api.list(PART, limit=2, offset=1, ordering=f"parameter_{r}",
                    **{f"parameter_{r}_gte": "1k"})
    assert page["count"] == 4
    assert [x["name"] for x in page["results"]] == ["R2", "R3"]
    # with a search (its ids first, then the page's rows), and exported
    page = api.list(PART, limit=2, offset=1, search="C",
                    ordering=f"-parameter_{c}")
    assert page["count"] == 5
    assert [x["name"] for x in page["results"]] == ["C4", "C3"]
    r = api.call("GET", PART, export="csv", ordering=f"parameter_{c}",
                 **{f"parameter_{c}_gte": "0.1u"})
    assert r.status == 200
    lines = r.body.decode().splitlines()
    assert [ln.split(",")[1] for ln in lines[1:]] == ["C2", "C3", "C4", "C5"]


OPS = {"": lambda a, b: a == b, "_gt": lambda a, b: a > b,
       "_gte": lambda a, b: a >= b, "_lt": lambda a, b: a < b,
       "_lte": lambda a, b: a <= b}

# Notations of one value in ohm, and of one in F.
R_VALUES = [1, 2.2, 4.7, 10, 22, 47, 100, 220, 470, 1000, 2200, 4700, 1e4,
            4.7e4, 1e5, 1e6, 2.2e6]
C_VALUES = [1e-12, 2.2e-11, 1e-10, 4.7e-10, 1e-9, 1e-8, 4.7e-8, 1e-7,
            2.2e-7, 1e-6, 4.7e-6, 1e-5, 1e-4]


def r_text(rng, v):
    forms = [f"{v:g}", f"{v:g} ohm", f"{v / 1e3:g}k", f"{v / 1e3:g} kΩ",
             f"{v / 1e6:g}M", f"{v / 1e3:g} kohm"]
    return rng.choice(forms)


def c_text(rng, v):
    forms = [f"{v * 1e9:g}n", f"{v * 1e9:g}nF", f"{v * 1e6:g} µF",
             f"{v * 1e6:g}uF", f"{v * 1e12:g} pF", f"{v:g} F"]
    return rng.choice(forms)


def test_filters_and_ordering_against_an_oracle(api):
    """Random parts with random parameters in random notations (and some
    text that is no number), then random filters, combined, and the
    parameter orderings: the list must be the oracle's, computed from the
    stored rows by InvenTree's rules."""
    rng = random.Random(17)
    r = api.template("Resistance", "ohm")["pk"]
    c = api.template("Capacitance", "F")["pk"]
    note = api.template("Note")["pk"]
    parts = {}
    for i in range(60):
        p = api.part(f"P{i:02d}")["pk"]
        parts[p] = {}
        if rng.random() < 0.7:
            api.param(p, r, r_text(rng, rng.choice(R_VALUES)))
        if rng.random() < 0.6:
            api.param(p, c, c_text(rng, rng.choice(C_VALUES)))
        if rng.random() < 0.5:
            api.param(p, note, rng.choice(["5", "12", "abc", "Xyz", "7.5",
                                           "zz", "100"]))
    for row in api.list(PAR):
        parts[row["model_id"]][row["template"]] = (row["data"],
                                                   row["data_numeric"])
        assert row["template"] == note or row["data_numeric"] is not None

    def oracle_filter(tpl, op, value, num):
        out = set()
        for p, params in parts.items():
            hit = False
            if tpl in params:
                data, dn = params[tpl]
                if op == "_icontains":
                    hit = value.lower() in data.lower()
                else:
                    # InvenTree's: a number compares with numbers, and
                    # with the text of rows that have none; text (no
                    # number) with every row's text.
                    f = OPS["" if op == "_ne" else op]
                    if num is None:
                        hit = f(data, value)
                    elif dn is not None:
                        hit = f(dn, num)
                    else:
                        hit = f(data, value)
            if (op == "_ne") != hit:
                out.add(p)
        return out

    queries = [(r, v * rng.choice([1, 1]), r_text(rng, v)) for v in R_VALUES]
    queries += [(c, v, c_text(rng, v)) for v in C_VALUES]
    queries += [(note, float(x) if x[0].isdigit() else None, x)
                for x in ("5", "12", "abc", "Xyz", "zz", "100", "7.5")]
    for _ in range(80):
        q, want = {}, set(parts)
        # Often two or three of one template (a range): one subquery.
        same = rng.choice([r, c, note, None])
        for _ in range(rng.choice([1, 2, 2, 3])):
            tpl, num, text = rng.choice([x for x in queries
                                         if same in (None, x[0])])
            op = rng.choice(list(OPS) + ["_ne", "_icontains"])
            if op == "_icontains":
                text = rng.choice(["a", "k", "Z", "1"])
            if f"parameter_{tpl}{op}" in q:
                continue        # one value per query parameter
            q[f"parameter_{tpl}{op}"] = text
            want &= oracle_filter(tpl, op, text, num)
        got = pks(api.list(PART, **q))
        assert got == sorted(want), q
        page = api.list(PART, limit=5, **q)
        assert page["count"] == len(want)

    for tpl in (r, c, note):
        for desc in (False, True):
            # With the parameter first, numbers before text; in each
            # group by number, text, id, all reversed by "-".
            def group(p):
                if tpl not in parts[p]:
                    return (1, 0)
                return (0, parts[p][tpl][1] is None)

            def within(p):
                data, dn = parts[p].get(tpl, ("", None))
                return (dn or 0, data, p)
            want = sorted(parts, key=lambda p: (group(p), within(p)))
            if desc:
                want = sorted(parts, key=lambda p: within(p), reverse=True)
                want = sorted(want, key=group)     # stable: keeps the rest
            got = [x["pk"] for x in api.list(
                PART, ordering=("-" if desc else "") + f"parameter_{tpl}")]
            assert got == want, (tpl, desc)


def test_parameter_metadata(api):
    t = api.template("R", "ohm")["pk"]
    p = api.param(api.part("P")["pk"], t, "1k")["pk"]
    c = api.ok("POST", CATP, dict(category=api.category("C")["pk"],
                                  template=t))["pk"]
    for path in (TPL + f"{t}/", OLD_TPL + f"{t}/", PAR + f"{p}/",
                 OLD_PAR + f"{p}/", CATP + f"{c}/"):
        api.ok("PATCH", path + "metadata/", {"metadata": {"a": 1}})
        api.ok("PATCH", path + "metadata/", {"metadata": {"b": 2}})
        assert api.list(path + "metadata/")["metadata"] == {"a": 1, "b": 2}
        api.ok("PUT", path + "metadata/", {"metadata": {}})


def test_part_list_nests_parameters(api):
    """?parameters=true (InvenTree's output option) nests each part's
    parameters: the web app's parameter columns read them."""
    c = api.template("Capacitance", "F")["pk"]
    pkg = api.template("Package")["pk"]
    p = api.ok("POST", PART, dict(name="C1"))["pk"]
    q = api.ok("POST", PART, dict(name="C2"))["pk"]
    a = api.param(p, c, "100n")
    api.param(p, pkg, "0603")
    rows = {x["pk"]: x for x in api.list(PART, parameters=True)}
    got = rows[p]["parameters"]
    assert [x["template"] for x in got] == sorted([c, pkg])
    cap = [x for x in got if x["template"] == c][0]
    assert cap["pk"] == a["pk"] and cap["data"] == "100n"
    assert close(cap["data_numeric"], 1e-7)
    assert rows[q]["parameters"] == []
    assert "parameters" not in api.list(PART)[0]
    assert api.list(f"{PART}{p}/", parameters=True)["parameters"] == got
