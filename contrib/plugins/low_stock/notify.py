#!/usr/bin/python3
"""An event plugin (docs/plugins.md): stock.changed arrives on stdin with
the part as its detail shows it ("object").  Below its minimum, one
message is posted to NOTIFY_URL, carrying the event's idempotency key
(the same on every retry) so the receiver can drop a repeat.  Exit 0:
done; exit 2: try again later (the queue backs off)."""
import json
import sys
import urllib.request
from decimal import Decimal

event = json.load(sys.stdin)
url = event["settings"].get("NOTIFY_URL", "")
if not url.startswith(("http://", "https://")):
    print("NOTIFY_URL is not set", file=sys.stderr)
    sys.exit(2)
part = event.get("object")
if not part:
    sys.exit(0)                 # gone since: nothing to say
have = Decimal(str(part.get("in_stock") or 0))
need = Decimal(str(part.get("minimum_stock") or 0))
if need <= 0 or have >= need:
    sys.exit(0)
name = part.get("full_name") or part.get("name")
body = json.dumps({
    "text": f"Low stock: {name} has {have.normalize():f}, "
            f"minimum {need.normalize():f}",
    "part": part["pk"], "key": event["key"]}).encode()
req = urllib.request.Request(url, data=body, method="POST", headers={
    "Content-Type": "application/json", "Idempotency-Key": event["key"]})
try:
    with urllib.request.urlopen(req, timeout=8) as r:
        ok = 200 <= r.status < 300
except OSError as e:
    print(f"post failed: {e}", file=sys.stderr)
    ok = False
sys.exit(0 if ok else 2)
