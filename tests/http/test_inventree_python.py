"""InvenTree's own Python client, unchanged, against a served Stockroom.

Runs only when INVENTREE_PYTHON points at a checkout of inventree-python
(github inventree/inventree-python; its code is never part of this
repository) and requests is importable; skipped otherwise.  The same
checks run by hand against any server (CLIENT-CHECK.md records them
against `make run` with `make demo` data):

    INVENTREE_PYTHON=/path/to/inventree-python \\
        python3 tests/http/test_inventree_python.py URL USER PASSWORD [--demo]

(--demo adds a check of the demo data: a search of several words.)

Each check drives the client's classes the way a script would and looks
at what comes back: sign-in, categories, parts, locations, stock items and
their adjustments and history, barcodes (scan, assign, unassign), metadata,
attachments, purchase orders (create, list, filters, lines, issue,
receive, receiveAll, complete), build orders (lines, allocation, outputs
created, completed, scrapped and cancelled, finish), parameters (templates,
values with units, a category's templates, filters), labels (templates
of a model, printing one into a PDF and downloading it), and, through the client's raw get/patch (it has no settings
class), settings and the OpenAPI schema.
"""
import os
import sys
import tempfile
import uuid

import pytest


def client():
    """The inventree package of $INVENTREE_PYTHON, or None (and why)."""
    path = os.environ.get("INVENTREE_PYTHON")
    if not path:
        return None, ("INVENTREE_PYTHON is not set (a checkout of "
                      "inventree-python)")
    sys.path.insert(0, path)
    try:
        import inventree.api  # noqa: F401
        import inventree.part  # noqa: F401
        import inventree.stock  # noqa: F401
    except ImportError as e:
        return None, f"cannot import inventree from {path}: {e}"
    import inventree
    return inventree, None


# --- the checks: each takes (api, names) and raises on a failure ----------

def check_connect(api, n):
    assert api.connected and api.token
    assert api.api_version == api.server_details["apiVersion"] >= 206
    from inventree.api import InvenTreeAPI
    again = InvenTreeAPI(api.base_url, token=api.token, timeout=30)
    assert again.connected
    me = api.get("user/me/")
    assert me["username"]


def check_categories(api, n):
    from inventree.part import PartCategory
    top = PartCategory.create(api, {"name": n("Cat"), "description": "t"})
    child = PartCategory.create(api, {"name": n("Sub"), "parent": top.pk})
    assert [c.pk for c in top.getChildCategories()] == [child.pk]
    assert child.getParentCategory().pk == top.pk
    assert any(c.pk == top.pk for c in PartCategory.list(api,
                                                        search=top.name))
    child.save({"description": "changed"})
    child.reload()
    assert child.description == "changed"
    assert "name" in PartCategory.fieldNames(api)
    child.setMetadata({"k": 1})
    assert child.getMetadata() == {"k": 1}
    child.delete()
    n.keep["category"] = top.pk


def check_parts(api, n):
    from inventree.part import Part, PartCategory
    cat = n.keep["category"]
    p = Part.create(api, {"name": n("Part"), "category": cat,
                          "description": "a part", "IPN": n("IPN")})
    assert p.active is True
    assert [x.pk for x in Part.list(api, category=cat)] == [p.pk]
    assert any(x.pk == p.pk for x in Part.list(api, search=p.IPN))
    assert p.getCategory().pk == cat
    p.save({"description": "new"})
    p.reload()
    assert p.description == "new"
    req = p.getRequirements()
    assert "can_build" in req
    p.setMetadata({"a": 1})
    p.setMetadata({"b": 2})
    assert p.getMetadata() == {"a": 1, "b": 2}
    assert "active" in Part.fieldNames(api)
    assert PartCategory(api, cat).getParts()[0].pk == p.pk
    n.keep["part"] = p.pk


def check_locations(api, n):
    from inventree.stock import StockLocation
    a = StockLocation.create(api, {"name": n("Shelf")})
    b = StockLocation.create(api, {"name": n("Bin"), "parent": a.pk})
    assert [x.pk for x in a.getChildLocations()] == [b.pk]
    assert b.getParentLocation().pk == a.pk
    n.keep["shelf"], n.keep["bin"] = a.pk, b.pk


def check_stock_and_adjustments(api, n):
    from inventree.stock import StockItem
    # the client's StockItem.create always answers a list
    [item] = StockItem.create(api, {"part": n.keep["part"], "quantity": 10,
                                    "location": n.keep["shelf"]})
    item.countStock(12, notes="counted")
    item.addStock(3)
    item.removeStock(5)
    item.reload()
    assert float(item.quantity) == 10
    item.transferStock(n.keep["bin"], quantity=4)
    item.reload()
    assert float(item.quantity) == 6 and item.location == n.keep["shelf"]
    moved = StockItem.list(api, part=n.keep["part"],
                           location=n.keep["bin"])
    assert len(moved) == 1 and float(moved[0].quantity) == 4
    StockItem.adjustStockItems(api, "add", [{"pk": item.pk,
                                             "quantity": 1}])
    item.reload()
    assert float(item.quantity) == 7
    labels = [t.label for t in item.getTrackingEntries()]
    assert labels[-1] == "Stock item created"   # newest first
    assert {"Stock counted", "Stock manually added",
            "Stock manually removed", "Split child item"} <= set(labels)
    assert "Split from parent item" in [
        t.label for t in moved[0].getTrackingEntries()]
    n.keep["item"] = item.pk


def check_barcodes(api, n):
    import requests
    from inventree.part import Part
    from inventree.stock import StockItem, StockLocation
    r = api.scanBarcode({"part": n.keep["part"]})
    assert r["part"]["pk"] == n.keep["part"], r
    for cls, key in ((Part, "part"), (StockItem, "item"),
                     (StockLocation, "shelf")):
        obj = cls(api, n.keep[key])
        code = n("BC")
        obj.assignBarcode(code)
        hit = api.scanBarcode(code)
        model = {"item": "stockitem", "shelf": "stocklocation"}.get(key, key)
        assert hit[model]["pk"] == obj.pk, hit
        obj.unassignBarcode()
        with pytest.raises(requests.HTTPError):
            api.scanBarcode(code)


def check_attachments(api, n):
    from inventree.part import Part
    p = Part(api, n.keep["part"])
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
        f.write("hello")
        f.flush()
        p.uploadAttachment(f.name, comment="a file")
    p.addLinkAttachment("https://example.org/", comment="a link")
    assert len(p.getAttachments()) == 2


def check_settings(api, n):
    s = api.get("settings/global/STOCK_ENABLE_EXPIRY/")
    assert s["key"] == "STOCK_ENABLE_EXPIRY" and s["type"] == "boolean"
    old = s["value"]
    api.patch("settings/global/STOCK_ENABLE_EXPIRY/", {"value": True})
    assert api.get("settings/global/STOCK_ENABLE_EXPIRY/")["value"] == \
        "True"
    api.patch("settings/global/STOCK_ENABLE_EXPIRY/", {"value": old})
    u = api.patch("settings/user/SEARCH_PREVIEW_RESULTS/", {"value": 15})
    assert u["value"] == "15"
    keys = [x["key"] for x in api.get("settings/global/")]
    assert "PROJECT_CODES_ENABLED" in keys


def check_schema(api, n):
    d = api.get("schema/", params={"format": "json"})
    assert d["openapi"].startswith("3.")
    assert "/api/part/{pk}/" in d["paths"]
    assert "/api/settings/global/{key}/" in d["paths"]


def check_purchase_orders(api, n):
    """Company, supplier part, order: create, list, filters, lines,
    issue, receive one line in part, receiveAll, complete."""
    from inventree.company import Company, SupplierPart
    from inventree.part import Part
    from inventree.purchase_order import PurchaseOrder, \
        PurchaseOrderLineItem
    from inventree.stock import StockItem, StockLocation
    co = Company.create(api, {"name": n("Supplier"), "is_supplier": True})
    part = Part.create(api, {"name": n("Bought"), "description": "po",
                             "purchaseable": True})
    sp = SupplierPart.create(api, {"part": part.pk, "supplier": co.pk,
                                   "SKU": n("SKU")})
    loc = StockLocation.create(api, {"name": n("Goods in")})
    po = PurchaseOrder.create(api, {"supplier": co.pk,
                                    "description": n("Order")})
    assert po.reference.startswith("PO-") and po.status == 10
    assert po.getSupplier().pk == co.pk
    assert [o.pk for o in PurchaseOrder.list(api, supplier=co.pk)] == [po.pk]
    assert po.pk in [o.pk for o in PurchaseOrder.list(api, outstanding=True)]
    a = po.addLineItem(part=sp.pk, quantity=5)
    b = po.addLineItem(part=sp.pk, quantity=2, reference="second")
    po.addExtraLineItem(description="Freight", quantity=1, price="4.5")
    assert len(po.getLineItems()) == 2 and len(po.getExtraLineItems()) == 1
    assert a.getSupplierPart().pk == sp.pk and a.getPart().pk == part.pk
    assert Part(api, part.pk).ordering == 7
    po.issue()
    po.reload()
    assert po.status == 20
    a.receive(quantity=2, location=loc.pk)
    a.reload()
    assert a.received == 2
    po.receiveAll(loc.pk)
    assert all(li.received == li.quantity for li in po.getLineItems())
    got = StockItem.list(api, part=part.pk)
    assert sum(i.quantity for i in got) == 7
    assert all(i.supplier_part == sp.pk and i.purchase_order == po.pk
               for i in got)
    po.complete()
    po.reload()
    assert po.status == 30 and Part(api, part.pk).ordering == 0
    assert po.pk in [o.pk for o in PurchaseOrder.list(api, status=30)]
    assert b.getOrder().pk == po.pk
    assert PurchaseOrderLineItem.list(api, order=po.pk, received=True)


def check_builds(api, n):
    """BOM, build order: issue, getLines, allocate (raw post: the client
    has no method), createBuildOutput, completeBuildOutput, scrap and
    cancel outputs, finish; the stock after, Part.getBuilds() and the
    consumed stock (StockItem.list(consumed_by=))."""
    from inventree.build import Build, BuildItem, BuildLine
    from inventree.part import BomItem, Part
    from inventree.stock import StockItem, StockLocation
    loc = StockLocation.create(api, {"name": n("Line side")})
    board = Part.create(api, {"name": n("Board"), "description": "b",
                              "assembly": True})
    res = Part.create(api, {"name": n("Res"), "description": "r",
                            "component": True})
    BomItem.create(api, {"part": board.pk, "sub_part": res.pk,
                         "quantity": 2})
    [item] = StockItem.create(api, {"part": res.pk, "quantity": 20,
                                    "location": loc.pk})
    refs = [b.reference for b in Build.list(api)]
    num = max([int(r[3:]) for r in refs if r[3:].isdigit()] + [0]) + 1
    bo = Build.create(api, {"part": board.pk, "reference": f"BO-{num:04d}",
                            "quantity": 5, "destination": loc.pk})
    bo.issue()
    bo.reload()
    assert bo.status == 20
    lines = bo.getLines()
    assert [ln.quantity for ln in lines] == [10]
    assert lines[0].getBuild().pk == bo.pk
    api.post(f"build/{bo.pk}/allocate/", {"items": [
        {"build_line": lines[0].pk, "stock_item": item.pk, "quantity": 10}]})
    alloc = BuildItem.list(api, build=bo.pk)
    assert [a.quantity for a in alloc] == [10]
    assert alloc[0].getBuildLine().pk == lines[0].pk
    assert alloc[0].getStockItem().pk == item.pk
    assert BuildLine(api, lines[0].pk).allocated == 10
    outs = bo.createBuildOutput(quantity=3)
    assert [o.quantity for o in outs] == [3]
    bo.completeBuildOutput(outs[0])
    item.reload()
    assert item.quantity == 14
    spare = bo.createBuildOutput(quantity=1)[0]
    bo.scrapBuildOutput(spare, discard_allocations=True)
    gone = bo.createBuildOutput(quantity=1)[0]
    bo.cancelBuildOutputs([gone])
    made = bo.getBuildOutputs(complete=True)
    assert sorted(m.quantity for m in made) == [1, 3]
    bo.complete(accept_incomplete=True)
    bo.reload()
    item.reload()
    assert bo.status == 40 and bo.completed == 3
    assert item.quantity == 10          # the rest of the allocation used
    assert Part(api, board.pk).in_stock == 3
    assert [x.pk for x in board.getBuilds()] == [bo.pk]
    # What it consumed: items of their own, consumed_by the build (6 as
    # the outputs completed, 4 at the finish), out of stock.
    used = StockItem.list(api, consumed_by=bo.pk)
    assert sorted(u.quantity for u in used) == [4, 6]
    assert all(u.parent == item.pk and not u.in_stock for u in used)
    assert Part(api, res.pk).in_stock == 10


def check_parameters(api, n):
    """Parameters as the client reads them at the server's version: from
    API 429 its Parameter and ParameterTemplate at /api/parameter/, below
    that the legacy PartParameter classes; a category's templates; values
    with units come back with their number in the template's units."""
    from inventree.base import Parameter, ParameterTemplate
    from inventree.part import (Part, PartCategory, PartParameter,
                                PartParameterTemplate)
    modern = api.api_version >= 429
    Template = ParameterTemplate if modern else PartParameterTemplate
    Param = Parameter if modern else PartParameter
    t = Template.create(api, {"name": n("Resistance"), "units": "ohm"})
    cat = PartCategory.create(api, {"name": n("ParamCat")})
    cp = api.post("part/category/parameters/", {
        "category": cat.pk, "template": t.pk, "default_value": "10k"})
    assert cp["template"] == t.pk
    part = Part.create(api, {"name": n("R"), "category": cat.pk,
                             "description": "parameters"})
    params = part.getParameters()
    assert [(p.template, p.data, p.data_numeric) for p in params] == [
        (t.pk, "10k", 10000)]
    assert isinstance(params[0], Param)
    assert Template(api, params[0].template).units == "ohm"
    params[0].save({"data": "4k7"})
    params[0].reload()
    assert params[0].data_numeric == 4700
    found = Part.list(api, **{f"parameter_{t.pk}_gte": "4.7 kΩ",
                              f"parameter_{t.pk}_lte": "0.01M"})
    assert [x.pk for x in found] == [part.pk]
    templates = cat.getCategoryParameterTemplates()
    assert [x.getTemplate().pk for x in templates] == [t.pk]
    second = {"template": t.pk, "data": "1k"}
    second.update({"model_type": "part", "model_id": part.pk} if modern
                  else {"part": part.pk})
    try:
        Param.create(api, second)
        raise AssertionError("a second value of one template was taken")
    except Exception as e:      # the client raises on the server's 400
        assert "unique" in str(e), e
    if modern:
        Parameter.bulkDelete(api, items=[params[0].pk])
    else:
        params[0].delete()
    assert part.getParameters() == []
    part.save({"active": False})
    part.delete()
    t.delete()


def check_labels(api, n):
    """Label templates of a model and printing one into a PDF (the
    client's LabelPrintingMixin: getLabelTemplates, printLabel with a
    destination, which downloads the data output's "output")."""
    from inventree.part import Part
    from inventree.stock import StockItem, StockLocation
    for cls, key in ((Part, "part"), (StockItem, "item"),
                     (StockLocation, "shelf")):
        obj = cls(api, n.keep[key])
        templates = obj.getLabelTemplates(enabled=True)
        assert len(templates) == 4, templates
        assert all(t.model_type == obj.getModelType() for t in templates)
        t = [t for t in templates if "62 mm" in t.name][0]
        r = obj.printLabel(t)
        assert r["complete"] is True and r["output"], r
        with tempfile.TemporaryDirectory() as d:
            obj.printLabel(t.pk, plugin="inventreelabel", destination=d)
            (pdf,) = os.listdir(d)
            with open(os.path.join(d, pdf), "rb") as f:
                assert f.read(5) == b"%PDF-"


def check_cleanup(api, n):
    from inventree.part import Part
    from inventree.stock import StockItem
    StockItem.bulkDelete(api, items=[i.pk for i in StockItem.list(
        api, part=n.keep["part"])])
    p = Part(api, n.keep["part"])
    p.save({"active": False})
    p.delete()


def check_demo_search(api, n):
    """On `make demo` data: several words match each one, anywhere."""
    from inventree.part import Part
    found = Part.list(api, search="capacitor 0603")
    assert found and all("0603" in (p.name + p.description + p.IPN)
                         for p in found), [p.name for p in found]


CHECKS = [check_connect, check_categories, check_parts, check_locations,
          check_stock_and_adjustments, check_barcodes, check_attachments,
          check_settings, check_schema, check_purchase_orders,
          check_builds, check_parameters, check_labels, check_cleanup]


class Names:
    """Unique names for one run (so a run can repeat on the same data),
    and the pks the checks hand on."""

    def __init__(self):
        self.run = uuid.uuid4().hex[:8]
        self.keep = {}

    def __call__(self, what):
        return f"{what}-{self.run}"


def run_checks(url, user, password, demo=False):
    """[(name, None or the failure)], every check in order (and the
    demo data's with demo)."""
    from inventree.api import InvenTreeAPI
    api = InvenTreeAPI(url, username=user, password=password, timeout=30)
    names, out = Names(), []
    for c in CHECKS + ([check_demo_search] if demo else []):
        try:
            c(api, names)
            out.append((c.__name__, None))
        except Exception as e:      # record and go on
            out.append((c.__name__, f"{type(e).__name__}: {e}"))
    return out


inventree, SKIP = client()


@pytest.mark.skipif(inventree is None, reason=SKIP or "")
def test_inventree_python_client(lighttpd_fastcgi):
    srv = lighttpd_fastcgi
    if srv.user is None:
        pytest.skip("stockroom createsuperuser is not available")
    results = run_checks(srv.url(""), *srv.user)
    assert [n for n, _ in results] == [c.__name__ for c in CHECKS]
    failed = [(n, e) for n, e in results if e is not None]
    assert not failed, failed


if __name__ == "__main__":
    if inventree is None:
        sys.exit(SKIP)
    results = run_checks(*sys.argv[1:4], demo="--demo" in sys.argv[4:])
    for name, err in results:
        print(f"{'FAIL' if err else 'ok  '} {name}" + (f": {err}" if err
                                                        else ""))
    sys.exit(1 if any(e for _, e in results) else 0)
