"""Tests of the task queue (domain/tasks/): the worker tool in --once and loop
modes, the exactly-once claim with concurrent runners, retries with backoff,
a runner killed mid-task, the shipped tasks (backup, expire, media sweep),
the superuser's API and /api/'s worker fields."""
import json
import re
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import BUILD, SLOW, check_sanitizer, make_user
from test_attachment import media_files, upload

WORKER = BUILD / "bin" / "worker"


def db(site):
    return site.db()


def worker(site, *args, timeout=120):
    proc = subprocess.run([*site.wrap, str(WORKER), *args],
                          env=site.base_env, capture_output=True,
                          timeout=timeout * SLOW)
    check_sanitizer(proc, "worker " + " ".join(args))
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stderr.decode(errors="replace")


def enqueue(site, name, args="{}", n=1, **cols):
    c = db(site)
    with c:
        keys = ["name", "args", *cols]
        for _ in range(n):
            c.execute(f"INSERT INTO task ({', '.join(keys)}) VALUES "
                      f"({', '.join('?' * len(keys))})",
                      (name, args, *cols.values()))
    c.close()


def tasks(site, where="TRUE"):
    c = db(site)
    c.row_factory = sqlite3.Row
    rows = [dict(r) for r in c.execute(
        f"SELECT * FROM task WHERE {where} ORDER BY id")]
    c.close()
    return rows


def quiet_schedules(site):
    """Pushes the periodic tasks into the future, so only ours run."""
    c = db(site)
    with c:
        c.execute("UPDATE task_schedule SET next_run = unixepoch() + 86400")
    c.close()


@pytest.mark.sqlite_only("reads the backup task's SQLite copies (PostgreSQL is backed up with pg_dump)")
def test_first_run_does_the_periodic_tasks(site):
    r = site.cgi("api").json()
    assert r["worker_running"] is False and r["worker_pending_tasks"] == 0
    log = worker(site, "--once")
    done = {t["name"]: t for t in tasks(site)}
    assert set(done) == {"backup", "expire", "media_sweep",
                         "fts_merge"}, done
    assert all(t["status"] == "done" and t["attempts"] == 1
               for t in done.values()), (done, log)
    assert "task 1 backup done" in log
    backups = list((site.data / "backups").iterdir())
    assert len(backups) == 1
    assert re.fullmatch(r"stockroom-\d{8}T\d{6}Z\.sqlite3", backups[0].name)
    assert oct(backups[0].stat().st_mode & 0o777) == "0o600"
    b = sqlite3.connect(backups[0])
    assert b.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert b.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] \
        == db(site).execute("SELECT count(*) FROM schema_migrations") \
        .fetchone()[0]
    b.close()
    # Not due again for an hour or a day.
    worker(site, "--once")
    assert len(tasks(site)) == 4
    r = site.cgi("api").json()
    assert r["worker_running"] is True
    assert r["worker_pending_tasks"] == 0


def test_api_counts_pending_tasks(site):
    quiet_schedules(site)
    enqueue(site, "noop", n=3)
    assert site.cgi("api").json()["worker_pending_tasks"] == 3
    worker(site, "--once")
    assert site.cgi("api").json()["worker_pending_tasks"] == 0


def test_exactly_once_with_concurrent_runners(site):
    quiet_schedules(site)
    n = 150
    enqueue(site, "noop", n=n)
    procs = [subprocess.Popen([*site.wrap, str(WORKER), "--once"],
                              env=site.base_env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in range(6)]
    logs = []
    for p in procs:
        out, err = p.communicate(timeout=300 * SLOW)
        p.stderr = err
        check_sanitizer(p, "worker --once")
        assert p.returncode == 0, err.decode(errors="replace")
        logs.append(err.decode(errors="replace"))
    ran = [int(m) for log in logs
           for m in re.findall(r"task (\d+) noop done", log)]
    assert sorted(ran) == list(range(1, n + 1)), "a task ran twice or not"
    assert sum(1 for log in logs if "noop done" in log) >= 2, \
        "expected the runners to share the work"
    rows = tasks(site)
    assert all(t["status"] == "done" and t["attempts"] == 1 for t in rows)


def test_retries_with_backoff_then_failed(site):
    quiet_schedules(site)
    enqueue(site, "no_such_task", max_attempts=3)
    c = db(site)
    for attempt, backoff in ((1, 30), (2, 60)):
        t0 = int(time.time())
        worker(site, "--once")
        t = tasks(site)[0]
        assert t["status"] == "pending" and t["attempts"] == attempt
        assert 'unknown task "no_such_task"' in t["last_error"]
        assert t0 + backoff <= t["run_at"] <= int(time.time()) + backoff
        # Not yet due: a runner leaves it.
        worker(site, "--once")
        assert tasks(site)[0]["attempts"] == attempt
        with c:     # time passes
            c.execute("UPDATE task SET run_at = unixepoch()")
    worker(site, "--once")
    t = tasks(site)[0]
    assert t["status"] == "failed" and t["attempts"] == 3
    assert t["finished"] is not None
    worker(site, "--once")
    assert tasks(site)[0]["attempts"] == 3     # failed stays failed
    c.close()


def test_bad_arguments_fail(site):
    quiet_schedules(site)
    enqueue(site, "noop", args="[1, 2", max_attempts=1)
    worker(site, "--once")
    t = tasks(site)[0]
    assert t["status"] == "failed"
    assert "not a JSON object" in t["last_error"]


def test_runner_killed_mid_task(site):
    quiet_schedules(site)
    enqueue(site, "noop", args='{"sleep": 20}')
    p = subprocess.Popen([str(WORKER), "--once"], env=site.base_env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while tasks(site)[0]["status"] != "running":
        assert time.time() < deadline, "the task was never claimed"
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=10)
    t = tasks(site)[0]
    assert t["status"] == "running" and t["attempts"] == 1
    assert t["claimed_until"] > time.time() + 200
    # While the lease lasts, nobody else takes it.
    c = db(site)
    with c:
        c.execute("UPDATE task SET args = '{}'")
    worker(site, "--once")
    assert tasks(site)[0]["status"] == "running"
    # The lease ends: the next runner takes it over.
    with c:
        c.execute("UPDATE task SET claimed_until = unixepoch() - 1")
    log = worker(site, "--once")
    t = tasks(site)[0]
    assert t["status"] == "done" and t["attempts"] == 2, t
    assert "task 1 noop done (attempt 2" in log
    # A dead runner's task with no attempts left is failed, not rerun.
    enqueue(site, "noop", status="running", attempts=5, max_attempts=5,
            claimed_until=int(time.time()) - 1)
    worker(site, "--once")
    t = tasks(site)[1]
    assert t["status"] == "failed" and "lease ended" in t["last_error"]
    c.close()


def test_loop_mode_runs_and_stops_on_sigterm(site):
    quiet_schedules(site)
    p = subprocess.Popen([*site.wrap, str(WORKER), "1"], env=site.base_env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(0.5)
        enqueue(site, "noop", n=2)
        deadline = time.time() + 20 * SLOW
        while any(t["status"] != "done" for t in tasks(site)):
            assert time.time() < deadline, tasks(site)
            time.sleep(0.1)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=20 * SLOW)
    finally:
        if p.poll() is None:
            p.kill()
    p.stderr = err
    check_sanitizer(p, "worker 1")
    assert p.returncode == 0, err


def test_worker_usage(site):
    proc = subprocess.run([str(WORKER), "--bogus"], env=site.base_env,
                          capture_output=True, timeout=30)
    assert proc.returncode == 2 and b"usage" in proc.stderr


def test_media_sweep_removes_files_of_deleted_parts(site, admin):
    quiet_schedules(site)
    part = site.cgi("part", method="POST", path="/api/part/",
                    body={"name": "Doomed", "active": False},
                    headers=admin).json()["pk"]
    assert upload(site, admin, "part", part).status == 201
    assert len(media_files(site)) == 1
    r = site.cgi("part", method="DELETE", path=f"/api/part/{part}/",
                 headers=admin)
    assert r.status == 204, r
    assert len(media_files(site)) == 1     # waits for the sweep
    enqueue(site, "media_sweep")
    worker(site, "--once")
    assert media_files(site) == []
    assert db(site).execute("SELECT count(*) FROM media_orphan") \
        .fetchone()[0] == 0


def test_expire_forgets_what_has_expired(site, admin):
    quiet_schedules(site)
    c = db(site)
    now = int(time.time())
    with c:
        for i, expires in enumerate((now - 10, now + 3600)):
            c.execute("INSERT INTO sessions (user_id, digest, token_version,"
                      " created, expires, last_seen) VALUES (?, ?, 0, ?, ?, ?)",
                      (admin.pk, f"{i:064d}", now, expires, now))
        c.execute("INSERT INTO login_attempts (username, remote_addr, time)"
                  " VALUES ('x', '1.2.3.4', ?), ('y', '1.2.3.4', ?)",
                  (now - 200000, now))
    enqueue(site, "expire")
    worker(site, "--once")
    assert [r[0] for r in c.execute("SELECT expires FROM sessions "
                                    "WHERE digest LIKE '000%'")] == [now + 3600]
    assert [r[0] for r in c.execute("SELECT username FROM login_attempts")] \
        == ["y"]
    # The admin's token still works.
    assert site.cgi("user", path="/api/user/me/", headers=admin).status == 200
    c.close()


@pytest.mark.sqlite_only("the backup task copies the SQLite file (PostgreSQL: pg_dump)")
def test_backups_keep_the_newest(site):
    quiet_schedules(site)
    d = site.data / "backups"
    d.mkdir()
    for day in range(1, 10):
        (d / f"stockroom-200001{day:02d}T000000Z.sqlite3").write_bytes(b"x")
    (d / "unrelated.txt").write_text("kept")
    enqueue(site, "backup")
    worker(site, "--once")
    names = sorted(p.name for p in d.iterdir())
    backups = [n for n in names if n.startswith("stockroom-")]
    assert len(backups) == 7
    assert backups[0] == "stockroom-20000104T000000Z.sqlite3"
    assert not backups[-1].startswith("stockroom-2000")
    assert "unrelated.txt" in names


def test_superuser_api(site, admin):
    quiet_schedules(site)
    enqueue(site, "no_such_task", max_attempts=1)
    enqueue(site, "noop")
    worker(site, "--once")
    r = site.cgi("admin", path="/api/admin/task/", headers=admin)
    assert r.status == 200, r
    rows = r.json()
    assert [t["name"] for t in rows] == ["noop", "no_such_task"]
    failed = rows[1]
    assert failed["status"] == "failed" and failed["attempts"] == 1
    assert failed["runner"] == "worker" and failed["args"] == {}
    assert failed["finished"].endswith("Z")
    r = site.cgi("admin", path="/api/admin/task/", query="status=failed",
                 headers=admin)
    assert [t["pk"] for t in r.json()] == [failed["pk"]]
    r = site.cgi("admin", path="/api/admin/task/", query="limit=1",
                 headers=admin)
    assert r.json()["count"] == 2
    r = site.cgi("admin", method="POST", headers=admin,
                 path=f"/api/admin/task/{failed['pk']}/retry/", body={})
    assert r.status == 200, r
    assert r.json()["status"] == "pending" and r.json()["attempts"] == 0
    r = site.cgi("admin", method="POST", headers=admin,
                 path=f"/api/admin/task/{rows[0]['pk']}/retry/", body={})
    assert r.status == 400 and "status" in r.json()
    r = site.cgi("admin", method="POST", headers=admin,
                 path="/api/admin/task/999/retry/", body={})
    assert r.status == 404
    staff = make_user(site, "partsman", roles={"part": ["view", "change"]})
    assert site.cgi("admin", path="/api/admin/task/",
                    headers=staff).status == 403


# --- the after-response runner (TASK_AFTER_RESPONSE) -----------------------

AFTER = {"STOCKROOM_TASK_AFTER_RESPONSE": "true"}


def wait_for(site, pred, seconds=20):
    deadline = time.time() + seconds * SLOW
    while not pred():
        if time.time() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_after_response_runner_detaches(site, admin):
    quiet_schedules(site)
    # Under valgrind (SLOW) the program itself takes seconds: the task
    # lasts longer (noop sleeps at most 30 s), so the comparison still
    # means something.
    sleep = min(4 * SLOW, 30)
    enqueue(site, "noop", args='{"sleep": %d}' % sleep)
    t0 = time.time()
    r = site.cgi("part", path="/api/part/", headers=admin, env=AFTER)
    assert r.status == 200, r
    # The answer did not wait for the task (the runner let go of stdout).
    assert time.time() - t0 < sleep - 0.5
    assert wait_for(site, lambda: tasks(site)[0]["status"] == "done"), \
        tasks(site)
    t = tasks(site)[0]
    assert t["claimed_by"] == "backoffice" and t["attempts"] == 1
    assert site.cgi("api").json()["worker_running"] is True


def test_after_response_at_most_once_a_minute(site, admin):
    quiet_schedules(site)
    enqueue(site, "noop")
    site.cgi("part", path="/api/part/", headers=admin, env=AFTER)
    assert wait_for(site, lambda: tasks(site)[0]["status"] == "done")
    enqueue(site, "noop")
    for _ in range(3):
        site.cgi("part", path="/api/part/", headers=admin, env=AFTER)
    time.sleep(1.5)
    assert tasks(site)[1]["status"] == "pending"
    c = db(site)
    with c:     # a minute passes
        c.execute("UPDATE task_runner SET last_start = last_start - 60")
    c.close()
    site.cgi("part", path="/api/part/", headers=admin, env=AFTER)
    assert wait_for(site, lambda: tasks(site)[1]["status"] == "done")


def test_after_response_off_by_default(site, admin):
    quiet_schedules(site)
    enqueue(site, "noop")
    site.cgi("part", path="/api/part/", headers=admin)
    time.sleep(1.5)
    assert tasks(site)[0]["status"] == "pending"
    c = db(site)
    assert c.execute("SELECT last_start FROM task_runner WHERE name = "
                     "'backoffice'").fetchone()[0] == 0
    c.close()


def test_nothing_due_starts_nothing(site, admin):
    quiet_schedules(site)
    site.cgi("part", path="/api/part/", headers=admin, env=AFTER)
    c = db(site)
    assert c.execute("SELECT last_start FROM task_runner WHERE name = "
                     "'backoffice'").fetchone()[0] == 0
    c.close()


def fts_segments(site, table):
    c = db(site)
    n = c.execute(f"SELECT count(DISTINCT segid) FROM {table}_idx") \
        .fetchone()[0]
    c.close()
    return n


@pytest.mark.sqlite_only("FTS5 segments (PostgreSQL searches through pg_trgm)")
def test_fts_merge_leaves_one_segment_and_search_works(site, admin):
    quiet_schedules(site)
    # Each part written in a request of its own: a segment each, which
    # FTS5 merges only now and then.
    for i in range(12):
        r = site.cgi("part", method="POST", path="/api/part/",
                     body={"name": f"Shielded relay {i}",
                           "description": "coil 12 V"}, headers=admin)
        assert r.status == 201, r
        r = site.cgi("stock", method="POST", path="/api/stock/",
                     body={"part": r.json()["pk"], "quantity": 1,
                           "batch": f"LOT-{i}"}, headers=admin)
        assert r.status == 201, r
    assert fts_segments(site, "part_fts") > 1
    assert fts_segments(site, "stock_item_fts") > 1
    enqueue(site, "fts_merge")
    worker(site, "--once")
    assert [t["status"] for t in tasks(site, "name = 'fts_merge'")] == \
        ["done"]
    assert fts_segments(site, "part_fts") == 1
    assert fts_segments(site, "stock_item_fts") == 1
    r = site.cgi("part", path="/api/part/", query="search=ielded rel",
                 headers=admin)
    assert len(r.json()) == 12
    r = site.cgi("stock", path="/api/stock/", query="search=LOT-1",
                 headers=admin)
    assert sorted(i["batch"] for i in r.json()) == ["LOT-1", "LOT-10",
                                                     "LOT-11"]
    # Nothing left to merge: the next run is quick and changes nothing.
    enqueue(site, "fts_merge")
    worker(site, "--once")
    assert fts_segments(site, "part_fts") == 1
