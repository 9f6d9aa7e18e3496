"""/api/bom/ through the real servers (issue 16): each configuration maps
the BOM family to bom.cgi and a part's bom-validate/ to part.cgi, with the
whole API path, the body and the Authorization header; a cycle is a 400
naming its path; pages link under the server's prefix."""
import uuid


def test_bom_through_the_server(srv):
    r = srv.get("/api/bom/")
    assert r.is_json and r.status == 401, r
    auth = srv.token_headers("http-bom")
    tag = uuid.uuid4().hex[:8]     # the servers share one tree per kind

    def post(path, body, expect=201):
        r = srv.request("POST", path, headers=auth, body=body)
        assert r.status == expect, (r, r.json() if r.is_json else None)
        return r.json()

    top = post("/api/part/", {"name": f"Top {tag}", "assembly": True})
    mid = post("/api/part/", {"name": f"Mid {tag}", "assembly": True})
    res = post("/api/part/", {"name": f"R {tag}",
                              "initial_stock": {"quantity": 10}})
    post("/api/bom/", {"part": top["pk"], "sub_part": mid["pk"],
                       "quantity": 1})
    line = post("/api/bom/", {"part": mid["pk"], "sub_part": res["pk"],
                              "quantity": "2.5", "reference": "R1"})
    assert line["quantity"] == 2.5 and line["can_build"] == 4
    e = post("/api/bom/", {"part": mid["pk"], "sub_part": top["pk"],
                           "quantity": 1}, expect=400)
    assert e == {"sub_part": [f"Part 'Mid {tag}' is used in BOM for "
                              f"'Top {tag}' (recursive): Top {tag} > "
                              f"Mid {tag}"]}
    r = srv.get(f"/api/bom/?part={mid['pk']}&limit=1&sub_part_detail=true",
                headers=auth)
    assert r.status == 200, r
    page = r.json()
    assert page["count"] == 1 and page["next"] is None
    assert page["results"][0]["sub_part_detail"]["name"] == f"R {tag}"
    r = srv.get(f"/api/bom/?uses={res['pk']}&limit=1&offset=0",
                headers=auth)
    assert [b["part"] for b in r.json()["results"]] == [mid["pk"]]
    r = srv.request("PUT", f"/api/part/{mid['pk']}/bom-validate/",
                    headers=auth, body={"valid": True})
    assert r.status == 200 and r.json()["bom_validated"] is True, r
    r = srv.get(f"/api/part/{mid['pk']}/requirements/", headers=auth)
    assert r.json()["can_build"] == 4
    r = srv.request("PATCH", f"/api/bom/{line['pk']}/validate/",
                    headers=auth, body={"valid": False})
    assert r.status == 200 and r.json() == {"valid": False}, r
    r = srv.get(f"/api/part/{mid['pk']}/bom-validate/", headers=auth)
    assert r.json()["bom_validated"] is True     # the BOM is unchanged
    r = srv.request("DELETE", "/api/bom/", headers=auth,
                    body={"items": [line["pk"]]})
    assert r.status == 204, r
    r = srv.get(f"/api/part/{mid['pk']}/bom-validate/", headers=auth)
    assert r.json()["bom_validated"] is False
