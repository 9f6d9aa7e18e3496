#!/usr/bin/env python3
"""Instructions per request, counted by callgrind in one FastCGI process.

    callgrind.py SITE DATA [NAME ...]

SITE is an installed tree (make install), DATA a data directory holding a
generated inventory (make bench makes one).  For each request below (or
the NAMEs given) the program is started as a FastCGI application under
valgrind --tool=callgrind, counting only inside app_handle() (the whole of
a request, from its environment to its answer), and fed WARM requests,
then again WARM + RUNS: the difference over RUNS is one request's cost
once the process is warm (statements prepared, pages mapped), which is
what a FastCGI process pays.  Instruction counts do not depend on the
machine's load, so two builds can be compared on a busy machine.

Prints one line per request: name, instructions per request (millions).
"""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

# CALLGRIND_WARM and CALLGRIND_RUNS override them (a request that takes
# seconds natively takes minutes under callgrind).
WARM = int(os.environ.get("CALLGRIND_WARM", "5"))
RUNS = int(os.environ.get("CALLGRIND_RUNS", "30"))
USER, PASSWORD = "bench", "bench-password-0123456789"

FCGI_BEGIN, FCGI_END, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT = 1, 3, 4, 5, 6


def record(rtype, content):
    return struct.pack(">BBHHBB", 1, rtype, 1, len(content), 0, 0) + content


def pair(name, value):
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    name, value = name.encode(), value.encode()
    return length(len(name)) + length(len(value)) + name + value


def fcgi_request(sock_path, env, body=b""):
    data = record(FCGI_BEGIN, struct.pack(">HB5x", 1, 0))
    data += record(FCGI_PARAMS, b"".join(pair(k, v) for k, v in env.items()))
    data += record(FCGI_PARAMS, b"")
    if body:
        data += record(FCGI_STDIN, body)
    data += record(FCGI_STDIN, b"")
    out = b""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
        c.settimeout(600)
        c.connect(sock_path)
        c.sendall(data)
        buf = b""
        while True:
            while len(buf) < 8:
                piece = c.recv(65536)
                if not piece:
                    raise EOFError("connection closed")
                buf += piece
            _, rtype, _, clen, plen, _ = struct.unpack(">BBHHBB", buf[:8])
            while len(buf) < 8 + clen + plen:
                piece = c.recv(65536)
                if not piece:
                    raise EOFError("connection closed")
                buf += piece
            content, buf = buf[8:8 + clen], buf[8 + clen + plen:]
            if rtype == FCGI_STDOUT:
                out += content
            elif rtype == FCGI_END:
                break
    status = re.search(rb"^Status: (\d+)", out, re.M)
    return (int(status.group(1)) if status else 0), out


def cgi(site, data, program, method, path, query="", body=b"", auth=None):
    env = {"PATH": "/usr/bin:/bin", "STOCKROOM_DATA_DIR": data,
           "STOCKROOM_CONFIG": "/dev/null", "GATEWAY_INTERFACE": "CGI/1.1",
           "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
           "HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1",
           "CONTENT_LENGTH": str(len(body))}
    if auth:
        env["HTTP_AUTHORIZATION"] = auth
    if body:
        env["CONTENT_TYPE"] = "application/json"
    p = subprocess.run([os.path.join(site, "cgi-bin", program + ".cgi")],
                       input=body, capture_output=True, env=env, check=True)
    return p.stdout.split(b"\r\n\r\n", 1)[1]


def token(site, data):
    tool = os.path.join(site, "bin", "stockroom")
    env = dict(os.environ, STOCKROOM_DATA_DIR=data, STOCKROOM_CONFIG="/dev/null")
    users = subprocess.run([tool, "listusers"], env=env, capture_output=True,
                           text=True).stdout
    if f" {USER} " not in users:
        subprocess.run([tool, "createsuperuser", USER], env=env, check=True,
                       input=PASSWORD + "\n", text=True,
                       stdout=subprocess.DEVNULL)
    import base64
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    out = cgi(site, data, "user", "GET", "/api/user/token/", "name=callgrind",
              auth="Basic " + basic)
    # A token's last_seen is written at most once a minute; valgrind is
    # slow enough for that write to land in either count.  Seen "now" in
    # the future, it is not written during the runs.
    sql(data, "UPDATE api_tokens SET last_seen = 4102444800 "
        "WHERE name = 'callgrind'")
    return json.loads(out)["token"]


def sql(data, q):
    return subprocess.run(["sqlite3", os.path.join(data, "stockroom.sqlite3"),
                           q], capture_output=True, text=True,
                          check=True).stdout.strip()


def requests(data):
    """name -> (program, method, path, query, body): make bench's requests."""
    nparts = int(sql(data, "SELECT count(*) FROM part"))
    pk = nparts // 2 + 18
    item, qty = sql(data, "SELECT id, quantity FROM stock_item WHERE part = "
                    f"{pk + 1} ORDER BY id LIMIT 1").split("|")
    qty = "%d.%05d" % divmod(int(qty), 100000)
    loc_a, loc_b = sql(data, "SELECT min(id), max(id) FROM stock_location "
                       "WHERE structural = 0").split("|")
    po = sql(data, "SELECT id FROM purchase_order "
             "WHERE reference = 'PO-BENCH'")
    po_lines = sql(data, "SELECT group_concat(id) FROM purchase_order_line "
                   f"WHERE order_id = {po or 0}").split(",")
    asm = sql(data, "SELECT part FROM bom_item GROUP BY part "
              "ORDER BY count(*) DESC, part LIMIT 1")
    rt = sql(data, "SELECT id FROM parameter_template WHERE name = "
             "'Resistance'")
    reqs = {
        "part list page": ("part", "GET", "/api/part/",
                           "limit=50&offset=50000", None),
        "part search": ("part", "GET", "/api/part/",
                        # the phrase, as every run before word-by-word
                        # search asked for it
                        "search=%22shielded%20rel%22&limit=50", None),
        "part search, words": ("part", "GET", "/api/part/",
                               "search=shielded%20rel&limit=50", None),
        "part search, 1 word": ("part", "GET", "/api/part/",
                                "search=shielded&limit=50", None),
        "stock search, words": ("stock", "GET", "/api/stock/",
                                "search=shielded%20rel&limit=5", None),
        "search, 4 lists": ("api", "POST", "/api/search/", "",
                            lambda n: json.dumps({
                                "search": "shielded rel", "limit": 5,
                                "part": {}, "partcategory": {},
                                "stockitem": {},
                                "stocklocation": {}}).encode()),
        "parts by parameter range": ("part", "GET", "/api/part/",
                                     f"parameter_{rt}_gte=4.7k&parameter_{rt}"
                                     "_lte=5.1k&limit=50", None),
        "parts by parameter range, sorted": ("part", "GET", "/api/part/",
                                             f"parameter_{rt}_gte=4.7k&"
                                             f"parameter_{rt}_lte=5.1k&"
                                             f"ordering=parameter_{rt}&"
                                             "limit=50", None),
        "parameters of a part": ("parameter", "GET", "/api/parameter/",
                                 f"model_type=part&model_id={pk}", None),
        "part detail": ("part", "GET", f"/api/part/{pk}/", "", None),
        "stock by part": ("stock", "GET", "/api/stock/",
                          f"part={pk}&location_detail=true&limit=50", None),
        "stock transfer": ("stock", "POST", "/api/stock/transfer/", "",
                           lambda n: json.dumps({
                               "items": [{"pk": int(item), "quantity": qty}],
                               "location": int(loc_a if n % 2 else loc_b),
                               "notes": "bench"}).encode()),
        "parts in category": ("part", "GET", "/api/part/",
                              "category=1&cascade=true&limit=50", None),
        # InvenTree's app opening its Stock tab (bench.sh's row)
        "app: stock tab": ("stock", "GET", "/api/stock/",
                           "location=null&cascade=true&part_detail=true&"
                           "location_detail=true&supplier_detail=true&"
                           "supplier_part_detail=true&in_stock=true&"
                           "ordering=%2Bpart__name&limit=25&offset=0", None),
        "app: stock of a location": ("stock", "GET", "/api/stock/",
                                     "location=1&cascade=true&"
                                     "part_detail=true&location_detail=true&"
                                     "supplier_detail=true&"
                                     "supplier_part_detail=true&"
                                     "in_stock=true&ordering=%2Bpart__name&"
                                     "limit=25&offset=0", None),
        # InvenTree's app opening its Parts tab (bench.sh's row)
        "app: parts tab": ("part", "GET", "/api/part/",
                           "category=null&cascade=true&active=true&"
                           "ordering=%2Bname&category_detail=true&limit=25&"
                           "offset=0", None),
        # Route rows of make bench (tests/bench/routes.py) whose count
        # is kept in tally (migration 0037)
        "/api/company/price-break/ list": ("company", "GET",
                                           "/api/company/price-break/",
                                           "limit=50", None),
        "/api/part/parameter/ list": ("part", "GET",
                                      "/api/part/parameter/", "limit=50",
                                      None),
        "/api/bom/substitute/ list": ("bom", "GET", "/api/bom/substitute/",
                                      "limit=50", None),
        "app: parts of a category": ("part", "GET", "/api/part/",
                           "category=1&cascade=true&active=true&"
                           "ordering=%2Bname&category_detail=true&limit=25&"
                           "offset=0", None),
        "app: stock tab, -part__name": (
            "stock", "GET", "/api/stock/",
            "location=null&cascade=true&in_stock=true&"
            "ordering=-part__name&limit=25&offset=0", None),
    }
    # Rows on data generated with BOMs and purchase orders (make bench
    # adds PO-BENCH), as tests/bench/bench.sh builds them.
    if asm:
        reqs["BOM of an assembly"] = (
            "bom", "GET", "/api/bom/",
            f"part={asm}&sub_part_detail=true&limit=1000", None)
        reqs["can build"] = ("part", "GET", f"/api/part/{asm}/requirements/",
                             "", None)
    # The build rows of make bench, on the build orders bench.sh makes
    # (BO-9999: ten of the assembly, its lines unallocated between runs;
    # BO-9998: lines allocated from large items, an output of one made
    # and completed in turn).
    build = sql(data, "SELECT id FROM build WHERE reference = 'BO-9999'")
    if build:
        line = sql(data, "SELECT min(id) FROM build_line")
        reqs["build line list"] = ("build", "GET", "/api/build/line/",
                                   f"build={build}&limit=1000", None)
        reqs["build line detail"] = ("build", "GET",
                                     f"/api/build/line/{line}/", "", None)
        reqs["build auto-allocate/unallocate"] = (
            "build", "POST", lambda n, prev: f"/api/build/{build}/" +
            ("auto-allocate/" if n % 2 == 0 else "unallocate/"), "",
            lambda n: b'{"interchangeable":true}' if n % 2 == 0 else b"{}",
            # every count starts from the lines unallocated
            "DELETE FROM build_item WHERE build_line IN (SELECT id FROM "
            f"build_line WHERE build = {build})")
    done = sql(data, "SELECT id FROM build WHERE reference = 'BO-9998'")
    if done:
        def output_of(prev):
            m = re.search(rb'^\[\{"pk":\s*(\d+)', prev or b"")
            if not m:
                raise SystemExit(f"create-output answered {prev!r}")
            return int(m.group(1))
        reqs["build create/complete output"] = (
            "build", "POST", lambda n, prev: f"/api/build/{done}/" +
            ("create-output/" if n % 2 == 0 else "complete/"), "",
            lambda n, prev: b'{"quantity":1}' if n % 2 == 0 else
            json.dumps({"outputs": [{"output": output_of(prev)}],
                        "location": int(loc_a)}).encode(), None)
    # The purchase order line rows of make bench's route rows
    # (tests/bench/routes.py): the list's first page, and the detail of
    # its first row.
    first_line = sql(data, "SELECT id FROM purchase_order_line "
                     "ORDER BY order_id, id LIMIT 1")
    if first_line:
        reqs["/api/order/po-line/ list"] = (
            "order", "GET", "/api/order/po-line/", "limit=50", None)
        reqs["/api/order/po-line/<pk>/ detail"] = (
            "order", "GET", f"/api/order/po-line/{first_line}/", "", None)
    if po:
        reqs["PO receive 10 lines"] = (
            "order", "POST", f"/api/order/po/{po}/receive/", "",
            json.dumps({"location": int(loc_a), "items": [
                {"line_item": int(line), "quantity": 1}
                for line in po_lines]}).encode())
    return reqs


def count(site, data, tok, req, n):
    """Instructions inside app_handle() over n requests in one process."""
    program, method, path, query, body = req[:5]
    # A row that changes the data may first put it back (req[5]: SQL).
    if len(req) > 5 and req[5]:
        sql(data, req[5])
    # Reads look pages up in the write-ahead log first, at a cost that
    # grows with it: every count starts from an empty one.
    sql(data, "PRAGMA wal_checkpoint(TRUNCATE)")
    tmp = tempfile.mkdtemp(prefix="callgrind-")
    sock_path = os.path.join(tmp, "s")
    out = os.path.join(tmp, "callgrind.out")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock_path)
    listener.listen(4)
    env = {"PATH": "/usr/bin:/bin", "STOCKROOM_DATA_DIR": data,
           "STOCKROOM_CONFIG": "/dev/null", "STOCKROOM_LOG_LEVEL": "error"}
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--collect-atstart=no",
         "--toggle-collect=app_handle", f"--callgrind-out-file={out}",
         os.path.join(site, "cgi-bin", program + ".cgi")],
        stdin=listener.fileno(), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env=env)
    try:
        answer = None
        for i in range(n):
            # A body or path may be made from the request's number (and
            # the previous answer: the output create-output made).
            if callable(body):
                b = (body(i, answer) if body.__code__.co_argcount == 2
                     else body(i))
            else:
                b = body or b""
            p = path(i, answer) if callable(path) else path
            fenv = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method,
                    "PATH_INFO": p, "QUERY_STRING": query,
                    "HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1",
                    "HTTP_AUTHORIZATION": "Token " + tok,
                    "SERVER_NAME": "localhost", "SERVER_PORT": "80",
                    "STOCKROOM_DATA_DIR": data,
                    "STOCKROOM_CONFIG": "/dev/null",
                    "STOCKROOM_LOG_LEVEL": "error"}
            if b:
                fenv["CONTENT_TYPE"] = "application/json"
                fenv["CONTENT_LENGTH"] = str(len(b))
            status, answer = fcgi_request(sock_path, fenv, b)
            if status not in (200, 201):
                raise SystemExit(f"{p}?{query}: status {status}: "
                                 f"{answer[-300:]!r}")
            answer = answer.split(b"\r\n\r\n", 1)[-1]
        # The server's stop, after the last request: the process leaves
        # its loop and exits, and callgrind writes its counts.  (Not
        # FASTCGI_MAX_REQUESTS: after that many a process starts afresh in
        # place, it does not exit.)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        listener.close()
    with open(out) as f:
        m = re.search(r"^summary: (\d+)", f.read(), re.M)
    if os.environ.get("CALLGRIND_KEEP"):
        print(f"  (callgrind output: {out})", file=sys.stderr)
    return int(m.group(1)) if m else 0


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    site, data = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tok = token(site, data)
    reqs = requests(data)
    names = sys.argv[3:] or list(reqs)
    for name in names:
        warm = count(site, data, tok, reqs[name], WARM)
        both = count(site, data, tok, reqs[name], WARM + RUNS)
        per = (both - warm) / RUNS
        print(f"{name:20s} {per / 1e6:8.3f} M instructions per request")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
