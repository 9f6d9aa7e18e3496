"""/api/build/ through the real servers (issue 16): each configuration
maps the build family to build.cgi with the whole API path, the body and
the Authorization header; a build order of an untracked assembly walks
issue, auto-allocate, create-output, complete, finish, and the stock
after is exact: the board made, the component's consumed quantity an
item of its own, consumed_by the build and out of stock; hold and cancel
of a second one."""
import uuid


def test_build_through_the_server(srv):
    r = srv.get("/api/build/")
    assert r.is_json and r.status == 401, r
    auth = srv.token_headers("http-build")
    tag = uuid.uuid4().hex[:8]     # the servers share one tree per kind

    def call(method, path, body=None, expect=200):
        r = srv.request(method, path, headers=auth, body=body)
        assert r.status == expect, (r, r.json() if r.is_json else None)
        return r.json()

    def get(path):
        return call("GET", path)

    loc = call("POST", "/api/stock/location/", {"name": f"Cell {tag}"},
               201)
    board = call("POST", "/api/part/", {"name": f"Board {tag}",
                                        "assembly": True}, 201)
    res = call("POST", "/api/part/", {"name": f"R {tag}"}, 201)
    item = call("POST", "/api/stock/", {"part": res["pk"], "quantity": 25,
                                        "location": loc["pk"]}, 201)
    item = item[0] if isinstance(item, list) else item
    call("POST", "/api/bom/", {"part": board["pk"], "sub_part": res["pk"],
                               "quantity": 2}, 201)
    refs = [b["reference"] for b in get("/api/build/")]
    num = max([int(x[3:]) for x in refs if x[3:].isdigit()] + [0]) + 1
    bo = call("POST", "/api/build/", {
        "part": board["pk"], "reference": f"BO-{num:04d}", "quantity": 4,
        "destination": loc["pk"]}, 201)
    b = bo["pk"]
    call("POST", f"/api/build/{b}/issue/", {}, 201)
    call("POST", f"/api/build/{b}/auto-allocate/", {}, 201)
    [line] = get(f"/api/build/line/?build={b}")
    assert (line["quantity"], line["allocated"]) == (8, 8)
    [out] = call("POST", f"/api/build/{b}/create-output/", {"quantity": 4},
                 201)
    call("POST", f"/api/build/{b}/complete/",
         {"outputs": [{"output": out["pk"]}]}, 201)
    call("POST", f"/api/build/{b}/finish/", {}, 201)
    assert get(f"/api/build/{b}/")["status"] == 40
    assert get(f"/api/part/{board['pk']}/")["in_stock"] == 4
    assert get(f"/api/part/{res['pk']}/")["in_stock"] == 17
    [used] = get(f"/api/stock/?consumed_by={b}")
    assert (used["quantity"], used["parent"], used["in_stock"],
            used["location"]) == (8, item["pk"], False, None)
    assert get(f"/api/stock/{item['pk']}/")["quantity"] == 17
    # hold, then cancel a second one (the page's other two moves)
    b2 = call("POST", "/api/build/", {
        "part": board["pk"], "reference": f"BO-{num + 1:04d}",
        "quantity": 1}, 201)["pk"]
    call("POST", f"/api/build/{b2}/hold/", {}, 201)
    assert get(f"/api/build/{b2}/")["status"] == 25
    call("POST", f"/api/build/{b2}/cancel/", {}, 201)
    assert get(f"/api/build/{b2}/")["status"] == 30
