"""Sign-in throttling through the real servers (issue 21).

100 simultaneous `Authorization: Basic victim:guess-N` requests, all sent at
once from one client address, must be answered with at most
LOGIN_MAX_FAILURES password checks (401) and 429 for the rest, in every way
of serving (the `srv` fixture): before the attempts were counted ahead of
the check, plain CGI checked all 100.  The right password is refused while
the window lasts and works once it has passed.

Each test runs from a client address of its own in 127.0.0.0/8 (Linux
answers for the whole range on loopback), for a user of its own, so the
other tests' sign-ins from 127.0.0.1 are not throttled.  The tree's
stockroom.conf gets the shortest LOGIN_FAILURE_WINDOW (10 s) for the test
and is put back afterwards.
"""
import base64
import json
import socket
import threading
import time

import pytest

from conftest import Response

GUESSES = 100
LIMIT = 5                   # LOGIN_MAX_FAILURES, the default
WINDOW = 10                 # LOGIN_FAILURE_WINDOW, its least value
PASSWORD = "Victim-pass-2026-ok"
MODES = ["lighttpd", "lighttpd-fastcgi", "apache", "htaccess",
         "apache-fcgid", "htaccess-fcgid"]


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def raw_request(srv, source, path, headers):
    """The bytes of a GET of prefix+path, Connection: close."""
    lines = [f"GET {srv.prefix}{path} HTTP/1.1", "Host: 127.0.0.1",
             "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def read_answer(s, deadline):
    got = b""
    while True:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        got += chunk
    return got


def burst(srv, source, requests, timeout=120):
    """Opens one connection per request from address source, waits until
    all are connected, sends them all at once and returns the answers."""
    socks = []
    for _ in requests:
        s = socket.socket()
        s.bind((source, 0))
        s.connect(("127.0.0.1", srv.port))
        socks.append(s)
    gate = threading.Barrier(len(requests))
    answers = [None] * len(requests)
    deadline = time.monotonic() + timeout

    def one(i):
        gate.wait()
        t0 = time.monotonic()
        try:
            socks[i].sendall(requests[i])
            raw = read_answer(socks[i], deadline)
        finally:
            socks[i].close()
        answers[i] = Response(raw, time.monotonic() - t0)

    threads = [threading.Thread(target=one, args=(i,))
               for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout + 5)
    return answers


def get_from(srv, source, path, headers):
    return burst(srv, source, [raw_request(srv, source, path, headers)])[0]


@pytest.fixture
def short_window(srv):
    """The tree's stockroom.conf with LOGIN_FAILURE_WINDOW = 10 for the
    test (settings are read at every request), put back afterwards."""
    conf = srv.site / "stockroom.conf"
    before = conf.read_text()
    conf.write_text(before + f"LOGIN_FAILURE_WINDOW = {WINDOW}\n"
                    f"LOGIN_MAX_CONCURRENT = {2 * LIMIT}\n")
    try:
        yield
    finally:
        conf.write_text(before)


def test_simultaneous_guesses_checked_at_most_the_limit(srv, short_window):
    name = "victim-" + mode_of(srv)
    source = f"127.0.{10 + MODES.index(mode_of(srv))}.2"
    admin = srv.token_headers("throttle")
    r = srv.request("POST", "/api/user/", headers=admin,
                    body={"username": name, "password": PASSWORD})
    assert r.status == 201, r

    requests = [raw_request(srv, source, "/api/user/me/",
                            {"Authorization": basic(name, f"guess-{i}")})
                for i in range(GUESSES)]
    t0 = time.monotonic()
    answers = burst(srv, source, requests)
    spent = time.monotonic() - t0
    statuses = [a.status for a in answers]
    checked, refused = statuses.count(401), statuses.count(429)
    print(f"{srv!r}: {checked} x 401, {refused} x 429 in {spent:.1f}s")
    odd = [a for a in answers if a.status not in (401, 429)]
    assert not odd, (len(odd), [round(a.elapsed, 2) for a in odd], odd[:3],
                     server_errors(srv))
    assert 1 <= checked <= LIMIT, statuses
    for a in answers:
        assert a.is_json, a
        if a.status == 429:
            assert int(a.header("Retry-After")) >= 1, a
            assert "Try again" in a.json()["detail"]
    assert spent < WINDOW, "the burst outlasted the window: inconclusive"

    # The right password is refused too while the window lasts ...
    good = {"Authorization": basic(name, PASSWORD)}
    r = get_from(srv, source, "/api/user/me/", good)
    assert r.status == 429, r
    wait = int(r.header("Retry-After"))
    assert 1 <= wait <= WINDOW
    # ... and works once it has passed.
    time.sleep(wait + 1)
    r = get_from(srv, source, "/api/user/me/", good)
    assert r.status == 200, r
    assert json.loads(r.body)["username"] == name


def server_errors(srv):
    """The server's own lines of its error log (not the programs')."""
    return "\n".join(line for line in srv.log_tail(400).splitlines()
                     if " rid=" not in line)[-3000:]


def mode_of(srv):
    if srv.kind == "lighttpd":
        return "lighttpd-fastcgi" if srv.fastcgi else "lighttpd"
    return srv.kind + ("-fcgid" if srv.fcgid else "")
