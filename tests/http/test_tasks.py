"""HTTP-level test of the after-response task runner (TASK_AFTER_RESPONSE)
through a real lighttpd, which sends SIGTERM to a CGI program as soon as it
has the whole answer: the runner must survive that (it is detached) and
must not hold the answer up."""
import importlib.util
import pathlib
import sqlite3
import time

import pytest

_spec = importlib.util.spec_from_file_location(
    "http_conftest", pathlib.Path(__file__).with_name("conftest.py"))
hc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hc)


@pytest.fixture(scope="module")
def lighttpd_backoffice(workdir):
    """lighttpd.conf as shipped, serving a tree whose stockroom.conf turns
    TASK_AFTER_RESPONSE on."""
    yield from hc.serve_lighttpd(workdir, "lighttpd-backoffice",
                                 "lighttpd.conf",
                                 settings="TASK_AFTER_RESPONSE = true\n",
                                 instance="HTTP test backoffice")


@pytest.mark.sqlite_only("drives the task queue through the SQLite file")
def test_after_response_runner_under_lighttpd(lighttpd_backoffice):
    srv = lighttpd_backoffice
    auth = srv.token_headers("http-tasks")
    db = sqlite3.connect(srv.site / "data" / "stockroom.sqlite3", timeout=30)
    with db:
        db.execute("UPDATE task_schedule SET next_run = unixepoch() + 86400")
        db.execute("UPDATE task_runner SET last_start = 0")
        db.execute("INSERT INTO task (name, args) VALUES "
                   "('noop', '{\"sleep\": 3}')")
    t0 = time.monotonic()
    r = srv.get("/api/part/", headers=auth)
    assert r.status == 200, r
    assert time.monotonic() - t0 < 2.5, "the answer waited for the task"
    deadline = time.monotonic() + 20
    while True:
        row = db.execute("SELECT status, claimed_by, attempts FROM task "
                         "WHERE name = 'noop'").fetchone()
        if row[0] == "done" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    # Done, by the detached runner, although lighttpd ended the program
    # that started it as soon as it had the answer.
    assert row == ("done", "backoffice", 1), (row, srv.log_tail())
    r = srv.get("/api/")
    assert r.json()["worker_running"] is True
    assert r.json()["worker_pending_tasks"] == 0
    db.close()
