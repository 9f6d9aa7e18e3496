"""/api/notifications/ through the real servers: each configuration maps
the notifications family to notifications.cgi (not api.cgi's 404), with
the whole API path and the Authorization header."""


def test_notifications_list_through_the_server(srv):
    r = srv.get("/api/notifications/")
    assert r.is_json and r.status == 401, r
    auth = srv.token_headers("http-notifications")
    r = srv.get("/api/notifications/", headers=auth)
    assert r.status == 200, r
    assert r.json() == []
    r = srv.get("/api/notifications/?limit=5&read=false", headers=auth)
    assert r.status == 200, r
    assert r.json()["count"] == 0 and r.json()["results"] == []
    r = srv.get("/api/notifications/1/", headers=auth)
    assert r.status == 404 and r.json()["detail"].startswith("No "), r
    r = srv.request("POST", "/api/notifications/readall/", headers=auth,
                    body={})
    assert r.status == 200 and r.json() == {"status": "ok"}, r
