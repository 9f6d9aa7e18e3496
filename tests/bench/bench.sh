#!/usr/bin/env bash
# make bench: wrk against the installed programs and a large generated
# inventory, through lighttpd (CGI, FastCGI) and Apache (CGI, mod_fcgid).  Prints, per endpoint, requests/s, p50 and p99
# latency, the ratio to the trivial hello.cgi, and the peak RSS of one
# request run as a plain CGI process.  The endpoints: the hand-written
# rows of ENDPOINTS, then every other GET route of every program, from
# their own --routes (tests/bench/routes.py: "<pattern> list",
# "<pattern> detail"; the routes left out, and why, head the report).
# Not a test: nothing here fails on a
# slow machine; the figures go into BENCHMARKS.md by hand.
#
# Environment (mk/inventory.mk sets it): BUILD (the build dir), BENCH_DIR
# (installed tree in $BENCH_DIR/site, data in $BENCH_DIR/data), BENCH_PORT,
# BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_THREADS, BENCH_STATIC_SITE;
# BENCH_MODES, words of cgi fastcgi apache fastcgi-pg, keeps those modes
# (hello is measured all the same); BENCH_ONLY, an extended regular
# expression, keeps the endpoints whose
# names match it (and hello) for a quick look at a few rows, and the
# import's row when "import" matches it; BENCH_DATA_ONLY=1 generates the
# data (and its user) and stops, so that a machine busy with other work can
# make the slow part ready for a run on a quiet one.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
BENCH_DIR=${BENCH_DIR:-$PWD/$BUILD/bench}
PORT=${BENCH_PORT:-18480}
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-8}
THREADS=${BENCH_THREADS:-2}
SITE=$BENCH_DIR/site
# BENCH_SCALE (make bench SCALE=10): the dataset's size as a multiple of
# the benchmark inventory, each kept in a data directory of its own
# (data, data-x10) and generated once.  A run's rows are kept in
# results-x<scale>.tsv; a run at another scale shows each row's req/s at
# scale 1 divided by its own (how many times slower it is on the bigger
# data) from the last scale-1 run.
SCALE=${BENCH_SCALE:-1}
if ! [[ $SCALE =~ ^[1-9][0-9]?$ ]]; then
	echo "SCALE must be a whole number from 1 to 99, not '$SCALE'" >&2
	exit 2
fi
if [ "$SCALE" = 1 ]; then DATA=$BENCH_DIR/data; else DATA=$BENCH_DIR/data-x$SCALE; fi
RESULTS=$BENCH_DIR/results-x$SCALE.tsv
export STOCKROOM_DATA_DIR=$DATA STOCKROOM_CONFIG=/dev/null
BASE=http://127.0.0.1:$PORT
USER=bench
PASS=bench-password-0123456789

if [ ! -s "$DATA/stockroom.sqlite3" ] || \
   [ "$(sqlite3 "$DATA/stockroom.sqlite3" 'SELECT count(*) FROM part' 2>/dev/null || echo 0)" -lt 1000 ]; then
	rm -rf "$DATA"
	mkdir -m 700 -p "$DATA"
	echo "generating the benchmark inventory at scale $SCALE (once; kept in $DATA)..."
	"$SITE/bin/stockroom" migrate >/dev/null
	"$SITE/bin/inventory" generate -p $((100000 * SCALE)) -c $((500 * SCALE)) \
	    -l $((200 * SCALE)) -i $((1000000 * SCALE)) -t $((2000000 * SCALE))
fi
"$SITE/bin/stockroom" migrate >/dev/null
# Companies and supplier parts (issue 15): added to data generated before
# there were any, once.
if [ "$(sqlite3 "$DATA/stockroom.sqlite3" 'SELECT count(*) FROM company')" -eq 0 ]; then
	echo "generating the benchmark companies (once; kept in $DATA)..."
	"$SITE/bin/inventory" companies -n $((2000 * SCALE)) -s $((150000 * SCALE))
fi
# Bills of materials (issue 16): added to data generated before there
# were any, once.
if [ "$(sqlite3 "$DATA/stockroom.sqlite3" 'SELECT count(*) FROM bom_item')" -eq 0 ]; then
	echo "generating the benchmark BOMs (once; kept in $DATA)..."
	"$SITE/bin/inventory" boms
fi
# Parameters with units (issue 17): ten a part, once.
if [ "$(sqlite3 "$DATA/stockroom.sqlite3" 'SELECT count(*) FROM part_parameter')" -eq 0 ]; then
	echo "generating the benchmark parameters (once; kept in $DATA)..."
	"$SITE/bin/inventory" parameters
fi
# Purchase orders (issue 15): 20,000 orders with their lines, once; and
# the placed order the receive row receives against (ten lines of one
# supplier's parts, a billion packs each).
if [ "$(sqlite3 "$DATA/stockroom.sqlite3" 'SELECT count(*) FROM purchase_order')" -eq 0 ]; then
	echo "generating the benchmark purchase orders (once; kept in $DATA)..."
	"$SITE/bin/inventory" orders -n $((20000 * SCALE))
	sqlite3 "$DATA/stockroom.sqlite3" "INSERT INTO purchase_order (reference,
	    reference_int, supplier, status, creation_date, description)
	    SELECT 'PO-BENCH', 0, supplier, 20, date('now'), 'bench receive'
	    FROM supplier_part GROUP BY supplier HAVING count(*) >= 10 LIMIT 1;
	    INSERT INTO purchase_order_line (order_id, part, quantity)
	    SELECT o.id, sp.id, 100000000000000 FROM purchase_order o
	    JOIN supplier_part sp ON sp.supplier = o.supplier
	    WHERE o.reference = 'PO-BENCH' ORDER BY sp.id LIMIT 10;"
fi
# One segment per search index, as the daily fts_merge task keeps a running
# site (data generated before the generator did this has a dozen).
for t in part_fts stock_item_fts; do
	[ "$(sqlite3 "$DATA/stockroom.sqlite3" "SELECT count(DISTINCT segid) FROM ${t}_idx")" -le 1 ] ||
		sqlite3 "$DATA/stockroom.sqlite3" "INSERT INTO $t ($t) VALUES ('optimize')"
done
if ! "$SITE/bin/stockroom" listusers | grep -q " $USER "; then
	printf '%s\n' "$PASS" | "$SITE/bin/stockroom" createsuperuser "$USER" >/dev/null
fi
if [ -n "${BENCH_DATA_ONLY:-}" ]; then
	echo "the benchmark data at scale $SCALE is ready in $DATA"
	exit 0
fi

# apache_start NAME [MODULE...]: (re)start Apache on the tree with
# apache.conf and these modules besides those it needs, its files in
# $BENCH_DIR/NAME; fails, saying why, if it does not answer.  Started as
# root, Apache serves as www-data, which then gets the data directory
# (apache_stop gives it back) and must be able to reach the tree.
APID=
DATA_OWNER=
apache_start() {
	local name=$1 dir=$BENCH_DIR/$1 m mods="" user=""
	shift
	apache_stop
	rm -rf "$dir"
	mkdir -p "$dir"
	chmod 755 "$dir"
	for m in mpm_event authz_core alias cgid mime dir headers env setenvif "$@"; do
		mods+="LoadModule ${m}_module /usr/lib/apache2/modules/mod_$m.so"$'\n'
	done
	if [ "$(id -u)" = 0 ]; then
		user=$'User www-data\nGroup www-data'
		DATA_OWNER=$(stat -c %u:%g "$DATA")
		chown -R www-data:www-data "$DATA"
		if ! setpriv --reuid=www-data --regid=www-data --clear-groups sh -c \
		    'test -w "$1/stockroom.sqlite3" && test -x "$2/cgi-bin/part.cgi"' \
		    sh "$DATA" "$SITE"; then
			echo "www-data cannot reach $SITE or $DATA: no Apache rows" \
			    "(BENCH_DIR=/var/tmp/stockroom-bench, say, to have them)" >&2
			return 1
		fi
	fi
	printf '%s\n' \
	    "ServerRoot \"$dir\"" "ServerName 127.0.0.1" "Listen 127.0.0.1:$PORT" \
	    "PidFile \"$dir/httpd.pid\"" "ErrorLog \"$dir/error.log\"" \
	    "LogLevel warn" "DefaultRuntimeDir \"$dir\"" "Mutex default" \
	    "$mods" "ScriptSock \"$dir/cgid.sock\"" \
	    "<IfModule mod_fcgid.c>" "FcgidIPCDir \"$dir/fcgid\"" \
	    "FcgidProcessTableFile \"$dir/fcgid-shm\"" "</IfModule>" \
	    "TypesConfig /etc/mime.types" "$user" \
	    "<Directory />" "AllowOverride None" "Require all denied" "</Directory>" \
	    "Define STOCKROOM_ROOT $SITE" "Include \"$PWD/apache.conf\"" \
	    "SetEnv STOCKROOM_DATA_DIR $DATA" >"$dir/httpd.conf"
	apache2 -f "$dir/httpd.conf" -DFOREGROUND >>"$dir/stdout.log" 2>&1 &
	APID=$!
	for _ in $(seq 100); do
		curl -fsS -o /dev/null "$BASE/api/" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "apache2 ($name) did not start; see $dir/error.log" >&2
	return 1
}
apache_stop() {
	if [ -n "$APID" ]; then
		kill "$APID" 2>/dev/null || true
		wait "$APID" 2>/dev/null || true
		APID=
	fi
	if [ -n "$DATA_OWNER" ]; then
		chown -R "$DATA_OWNER" "$DATA"
		DATA_OWNER=
	fi
}

# The programs log each request to standard error: keep it out of the table.
# serve CONF: (re)start lighttpd with the repository's CONF, wait for it.
LPID=
serve() {
	if [ -n "$LPID" ]; then
		kill "$LPID" 2>/dev/null || true
		wait "$LPID" 2>/dev/null || true
	fi
	STOCKROOM_ROOT=$SITE PORT=$PORT lighttpd -D -f "$1" 2>>"$BENCH_DIR/lighttpd.log" &
	LPID=$!
	for _ in $(seq 100); do
		curl -fsS -o /dev/null "$BASE/api/" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "lighttpd -f $1 did not start; see $BENCH_DIR/lighttpd.log" >&2
	exit 1
}
trap '[ -z "$LPID" ] || { kill $LPID 2>/dev/null; wait $LPID 2>/dev/null; } || true; apache_stop' EXIT
serve lighttpd.conf
TOKEN=$(curl -fsS -u "$USER:$PASS" "$BASE/api/user/token/?name=bench" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
AUTH="Authorization: Token $TOKEN"

db() { sqlite3 "$DATA/stockroom.sqlite3" "$1"; }
NPARTS=$(db "SELECT count(*) FROM part")
# The part read (detail, stock by part) and the part whose item the transfer
# moves are different: every transfer adds two tracking entries to its item,
# and a stock list counts each item's entries (tracking_items), so reading
# the moved item would make each run slower than the last.  (Runs before
# 2026-11-23 19:15 did that: part 50017's first item had 64,265 entries.)
PK=$(( NPARTS / 2 + 18 ))
MOVED=$(( PK + 1 ))
SEARCH=${BENCH_SEARCH:-shielded rel}
SEARCH_Q=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$SEARCH")
# Every word of a term must match (in any field, any order), and a
# "quoted phrase" is one word.  "part search" is the term as one phrase
# (the query of every run before word-by-word search, so comparable);
# "words" is the term as typed (each word matches thousands of parts on
# the benchmark data); "1 word" its first word alone.
PHRASE_Q=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(chr(34) + sys.argv[1] + chr(34)))' "$SEARCH")
SEARCH1_Q=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1].split()[0]))' "$SEARCH")
# The transfer moves one whole item between two leaf locations.
read -r ITEM QTY <<<"$(db "SELECT id, quantity FROM stock_item WHERE part = $MOVED ORDER BY id LIMIT 1" | tr '|' ' ')"
QTY=$(python3 -c "print('%d.%05d' % divmod($QTY, 100000))")
read -r LOC_A LOC_B <<<"$(db "SELECT min(id), max(id) FROM stock_location WHERE structural = 0" | tr '|' ' ')"
BENCH_PO=$(db "SELECT id FROM purchase_order WHERE reference = 'PO-BENCH'")
BENCH_PO_LINES=$(db "SELECT group_concat(id) FROM purchase_order_line WHERE order_id = $BENCH_PO")
export BENCH_SEARCH_TERM=$SEARCH BENCH_PART=$PK BENCH_TOKEN=$TOKEN BENCH_ITEM=$ITEM BENCH_QTY=$QTY BENCH_LOC_A=$LOC_A BENCH_LOC_B=$LOC_B BENCH_PO BENCH_PO_LINES

# name|path|wrk extra args.  After the first six, the lists of issue 22's
# table: each page carries a count, and a tree's rows their subtree's
# counts (read from the tallies of migration 0010).
ENDPOINTS=(
	"hello|/cgi-bin/hello.cgi|"
	"part list page|/api/part/?limit=50&offset=50000|"
	"part search|/api/part/?search=$PHRASE_Q&limit=50|"
	"part search, words|/api/part/?search=$SEARCH_Q&limit=50|"
	"part search, 1 word|/api/part/?search=$SEARCH1_Q&limit=50|"
	"search, 4 lists|/api/search/|-s tests/bench/search.lua"
	"barcode scan|/api/barcode/|-s tests/bench/barcode.lua"
	"part detail|/api/part/$PK/|"
	"stock by part|/api/stock/?part=$PK&location_detail=true&limit=50|"
	"stock transfer|/api/stock/transfer/|-s tests/bench/transfer.lua"
	"stock in-stock count|/api/stock/?in_stock=true&limit=1|"
	"location list|/api/stock/location/?limit=50|"
	"stock by status|/api/stock/?status=10&limit=50|"
	"stock in location|/api/stock/?location=1&cascade=true&limit=50|"
	"location detail|/api/stock/location/1/|"
	"category list|/api/part/category/?limit=50|"
	"parts in category|/api/part/?category=1&cascade=true&limit=50|"
	"tracking list|/api/stock/track/?limit=50|"
	"stock list|/api/stock/?limit=50|"
	"settings list|/api/settings/global/|"
	"company list|/api/company/?limit=50|"
	"supplier part list|/api/company/part/?limit=50&offset=1000|"
	"PO list page|/api/order/po/?limit=50&offset=1000|"
	"PO receive 10 lines|/api/order/po/$BENCH_PO/receive/|-s tests/bench/receive.lua"
	# What InvenTree's mobile app sends (tests/cgi/test_app_replay.py):
	# its Parts and Stock tabs at the top, the top-level trees, a part's
	# stock.
	"app: parts tab|/api/part/?category=null&cascade=true&active=true&ordering=%2Bname&category_detail=true&limit=25&offset=0|"
	"app: top categories|/api/part/category/?cascade=false&ordering=%2Bpathstring&limit=25&offset=0|"
	"app: stock tab|/api/stock/?location=null&cascade=true&part_detail=true&location_detail=true&supplier_detail=true&supplier_part_detail=true&in_stock=true&ordering=%2Bpart__name&limit=25&offset=0|"
	"app: top locations|/api/stock/location/?cascade=false&ordering=%2Bpathstring&limit=25&offset=0|"
	"app: stock of a part|/api/stock/?part=$PK&in_stock=true&limit=25&offset=0|"
	# A category's parts in the app: the same filters under category 1
	# (active=true: the count is migration 0037's tally).
	"app: parts of a category|/api/part/?category=1&cascade=true&active=true&ordering=%2Bname&category_detail=true&limit=25&offset=0|"
	# A location's Stock tab, on the generator's first location (the
	# largest subtree: a quarter of the items).
	"app: stock of a location|/api/stock/?location=1&cascade=true&part_detail=true&location_detail=true&supplier_detail=true&supplier_part_detail=true&in_stock=true&ordering=%2Bpart__name&limit=25&offset=0|"
)
# The BOM of the generator's largest assembly (200 lines, every tenth with
# a substitute), whole as the web page reads it, and its can-build figure
# (issue 16); only on data generated with BOMs.
ASM=$(db "SELECT part FROM bom_item GROUP BY part ORDER BY count(*) DESC, part LIMIT 1" 2>/dev/null || true)
if [ -n "$ASM" ]; then
	ENDPOINTS+=(
		"BOM of an assembly|/api/bom/?part=$ASM&sub_part_detail=true&limit=1000|"
		"can build|/api/part/$ASM/requirements/|"
	)
	# A build order of ten of it in production (issue 16's second half),
	# once, its 200 lines made as the migration makes them: its line list
	# as the build page reads it (available stock, allocations, details).
	BUILD_ID=$(db "SELECT id FROM build WHERE reference = 'BO-9999'" 2>/dev/null || true)
	if [ -z "$BUILD_ID" ]; then
		sqlite3 "$DATA/stockroom.sqlite3" "INSERT INTO build (reference,
		    reference_int, part, quantity, status, creation_date)
		    VALUES ('BO-9999', 9999, $ASM, 1000000, 20, date('now'));
		    INSERT INTO build_line (build, bom_item, quantity)
		    SELECT b.id, i.id, i.quantity * 10 * (10000000 + i.attrition)
		    / 10000000 + i.setup_quantity FROM build b JOIN bom_item i
		    ON i.part = b.part WHERE b.reference = 'BO-9999';"
		BUILD_ID=$(db "SELECT id FROM build WHERE reference = 'BO-9999'")
	fi
	# The build actions on it: auto-allocate (interchangeable stock) and
	# unallocate in turn, so that the data does not grow; and, on a
	# second build order of 100,000 of it whose 200 lines are allocated
	# from one large item of each component (made once here), an output
	# of one board created and completed in turn -- each complete
	# consumes the board's share of every line (200 consumed items split
	# off, with their history) and makes its stock item.  That row grows
	# the data (200 items a complete), as the receive row does.
	BUILD_DONE=$(db "SELECT id FROM build WHERE reference = 'BO-9998'" 2>/dev/null || true)
	if [ -z "$BUILD_DONE" ]; then
		sqlite3 "$DATA/stockroom.sqlite3" "INSERT INTO build (reference,
		    reference_int, part, quantity, status, creation_date,
		    destination) VALUES ('BO-9998', 9998, $ASM, 10000000000, 20,
		    date('now'), $LOC_A);
		    INSERT INTO build_line (build, bom_item, quantity)
		    SELECT b.id, i.id, i.quantity * 100000 * (10000000 +
		    i.attrition) / 10000000 + i.setup_quantity FROM build b
		    JOIN bom_item i ON i.part = b.part WHERE b.reference = 'BO-9998';
		    INSERT INTO stock_item (part, location, quantity, notes)
		    SELECT DISTINCT sub_part, $LOC_A, 100000000000000, 'BO-9998'
		    FROM bom_item WHERE part = $ASM;
		    INSERT INTO build_item (build_line, stock_item, part, quantity)
		    SELECT l.id, (SELECT max(s.id) FROM stock_item s WHERE
		    s.part = q.sub_part AND s.notes = 'BO-9998'), q.sub_part,
		    l.quantity FROM build_line l JOIN bom_item q ON q.id =
		    l.bom_item JOIN build b ON b.id = l.build
		    WHERE b.reference = 'BO-9998';
		    INSERT INTO stock_item_fts (rowid, batch, serial, notes)
		    SELECT id, batch, serial, notes FROM stock_item
		    WHERE notes = 'BO-9998';"
		BUILD_DONE=$(db "SELECT id FROM build WHERE reference = 'BO-9998'")
	fi
	export BENCH_BUILD=$BUILD_ID BENCH_BUILD_COMPLETE=$BUILD_DONE
	ENDPOINTS+=(
		"build line list|/api/build/line/?build=$BUILD_ID&limit=1000|"
		"build auto-allocate/unallocate|/api/build/$BUILD_ID/auto-allocate/|-s tests/bench/build_alloc.lua"
		"build create/complete output|/api/build/$BUILD_DONE/complete/|-s tests/bench/build_complete.lua"
	)
fi

# Parameters (issue 17): the parts whose resistance is 4.7 kohm to
# 5.1 kohm (958 of 100,000 on the benchmark data), written with prefixes
# as people filter, by name and sorted by the value; and a part's
# parameters as the app reads them.
RES_TPL=$(db "SELECT id FROM parameter_template WHERE name = 'Resistance'" 2>/dev/null || true)
if [ -n "$RES_TPL" ]; then
	RANGE="parameter_${RES_TPL}_gte=4.7k&parameter_${RES_TPL}_lte=5.1k"
	ENDPOINTS+=(
		"parts by parameter range|/api/part/?$RANGE&limit=50|"
		"parts by parameter range, sorted|/api/part/?$RANGE&ordering=parameter_${RES_TPL}&limit=50|"
		"parameters of a part|/api/parameter/?model_type=part&model_id=$PK|"
	)
fi
# The lists of issues 17 to 20, as their pages (and the app) read them.
ENDPOINTS+=(
	"parameter templates|/api/parameter/template/?limit=50|"
	"variants of a part|/api/part/?variant_of=$PK&limit=50|"
	"custom units|/api/units/?limit=50|"
	"all unit names|/api/units/all/|"
	"KiCad categories|/api/kicad/category/?limit=50|"
	"label templates|/api/label/template/?limit=50|"
	"data outputs|/api/data-output/?limit=50|"
	"import sessions|/api/importer/session/?limit=50|"
	"webhook list|/api/admin/webhook/?limit=50|"
	"plugin list|/api/plugins/?limit=50|"
)
# Then every other GET route of every program, from their own route tables
# (tests/bench/routes.py, issue 22): "<pattern> list" (?limit=50 when the
# route pages) and "<pattern> detail" on its list's first row; the routes
# it skips, and why, go in the report's header.
printf '%s\n' "${ENDPOINTS[@]}" | cut -d'|' -f2 >"$BENCH_DIR/covered.txt"
mapfile -t ROUTE_ROWS < <(ls "$SITE"/cgi-bin/*.cgi | grep -v '/hello\.cgi$' |
	xargs python3 tests/bench/routes.py "$BASE" "$TOKEN" HARDENING.md \
	"$BENCH_DIR/covered.txt" 2>"$BENCH_DIR/routes-skipped.txt")
ENDPOINTS+=("${ROUTE_ROWS[@]}")

# The body of POST /api/search/ (as the mobile app sends it; search.lua too).
search_body() {
	python3 -c 'import json,sys; print(json.dumps({"search": sys.argv[1],
	    "limit": 5, "part": {}, "partcategory": {}, "stockitem": {},
	    "stocklocation": {}}))' "$SEARCH"
}

# Peak RSS (KiB) of one request, run as a CGI process with the same data.
rss() {	# rss PROGRAM METHOD PATH QUERY [BODY]
	local body=${5:-}
	env -i PATH=/usr/bin:/bin STOCKROOM_DATA_DIR="$DATA" STOCKROOM_CONFIG=/dev/null \
	    GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD="$2" PATH_INFO="$3" \
	    QUERY_STRING="$4" HTTP_HOST=localhost HTTP_AUTHORIZATION="Token $TOKEN" \
	    CONTENT_TYPE=application/json CONTENT_LENGTH=${#body} \
	    /usr/bin/time -f '%M' "$SITE/cgi-bin/$1.cgi" <<<"$body" 2>&1 >/dev/null | tail -1
}

printf '\nStockroom benchmark, %s, %s, scale %d: %d parts, %s stock items\n' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc) cores $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" \
    "$SCALE" "$NPARTS" "$(db 'SELECT count(*) FROM stock_item')"
printf 'wrk -t%d -c%d -d%ds on 127.0.0.1:%d against\n' "$THREADS" "$CONNS" "$SECS" "$PORT"
printf '  cgi, fastcgi: lighttpd with lighttpd.conf (CGI), lighttpd-fastcgi.conf (FastCGI)\n'
printf '  apache-cgi, apache-fcgid: Apache with apache.conf, mod_cgid (CGI), then mod_fcgid loaded too\n'
printf '  fastcgi-pg: lighttpd-fastcgi.conf with DATABASE_URL naming PostgreSQL (the same data)\n'
printf '  (vs hello: against the hello CGI through the same server)\n'
printf '%d rows: %d hand-written, then %d from the programs'"'"' GET routes (tests/bench/routes.py);\n' \
    "${#ENDPOINTS[@]}" "$(( ${#ENDPOINTS[@]} - ${#ROUTE_ROWS[@]} ))" "${#ROUTE_ROWS[@]}"
printf 'GET routes without a row of their own:\n'
sed 's/^skipped /  /' "$BENCH_DIR/routes-skipped.txt"
printf '\n'
# The endpoint column as wide as the longest row name.
NAMEW=$(printf '%s\n' "${ENDPOINTS[@]}" | cut -d'|' -f1 | awk '{ n = length > n ? length : n } END { print n }')
if [ "$SCALE" = 1 ]; then
	printf "%-12s %-${NAMEW}s %10s %9s %9s %8s %9s %s\n" mode endpoint "req/s" p50 p99 "vs hello" "RSS KiB" errors
else
	printf 'x1/x%d: the row'"'"'s req/s in the last scale-1 run (%s) over this run'"'"'s\n\n' "$SCALE" "$BENCH_DIR/results-x1.tsv"
	printf "%-12s %-${NAMEW}s %10s %9s %9s %8s %9s %6s %s\n" mode endpoint "req/s" p50 p99 "vs hello" "RSS KiB" "x1/x$SCALE" errors
fi
HELLO=0
# measure MODE: every endpoint through the running server.  RSS: under
# CGI, the peak of one request run as a plain process; under FastCGI, the
# peak (VmHWM) of the program's largest process after its run.  hello.cgi
# is a plain CGI program: under FastCGI the ratio is to the CGI hello of
# the same server.  mod_fcgid starts a program's processes as requests
# come, so there each endpoint is first run for 2 s unmeasured.
# Each program's mount (tools/server-routes.py --list, as the servers are
# configured), longest first; and the program a path runs: the one whose
# mount is the longest that matches.
MOUNTS=$(ls "$SITE"/cgi-bin/*.cgi | grep -v '/hello\.cgi$' |
	xargs python3 tools/server-routes.py --list |
	awk '{ print length($1), $1, $2 }' | sort -rn | cut -d' ' -f2-)
program_of() {	# program_of PATH
	local m p
	while read -r m p; do
		[[ $1 == "$m"* || $1/ == "$m" ]] && { echo "${p%.cgi}"; return; }
	done <<<"$MOUNTS"
	echo api
}

# scale_ratio MODE NAME RPS: the row's req/s in the last scale-1 run over
# RPS, to two places, or "-" when scale 1 has no such row.
scale_ratio() {
	[ -s "$BENCH_DIR/results-x1.tsv" ] || { echo -; return; }
	awk -F'\t' -v m="$1" -v n="$2" -v r="$3" '
	    $1 == m && $2 == n { one = $3 }
	    END { if (one == "" || r + 0 == 0) print "-"; else printf "%.2f\n", one / r }' \
	    "$BENCH_DIR/results-x1.tsv"
}

measure() {
	local mode=$1 e name path extra out rps p50 p99 errs mem ratio prog
	for e in "${ENDPOINTS[@]}"; do
		IFS='|' read -r name path extra <<<"$e"
		if [ -n "${BENCH_ONLY:-}" ] && [ "$name" != hello ] &&
		    ! grep -qE -- "$BENCH_ONLY" <<<"$name"; then
			continue
		fi
		case $mode in fastcgi*|apache-fcgid) [ "$name" = hello ] && continue;; esac
		prog=$(program_of "$path")
		if [ "$mode" = apache-fcgid ]; then
			# shellcheck disable=SC2086
			wrk -t"$THREADS" -c"$CONNS" -d2s -H "$AUTH" $extra "$BASE$path" >/dev/null
		fi
		# shellcheck disable=SC2086
		out=$(wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -H "$AUTH" $extra "$BASE$path")
		rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
		p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
		p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
		errs=$(awk '/Non-2xx/ {print $5}' <<<"$out")
		errs=${errs:-0}
		if [ "$name" = hello ]; then
			HELLO=$rps
			mem=$(env -i /usr/bin/time -f '%M' "$SITE/cgi-bin/hello.cgi" 2>&1 >/dev/null | tail -1)
		elif [[ $mode == fastcgi* ]] || [ "$mode" = apache-fcgid ]; then
			mem=$(for pid in $(pgrep -f "^$SITE/cgi-bin/$prog.cgi\$"); do
				awk '/^VmHWM/ {print $2}' "/proc/$pid/status"
			done | sort -n | tail -1)
		elif [ "$name" = "barcode scan" ]; then
			mem=$(rss barcode POST /api/barcode/ "" \
			    "{\"barcode\":\"{\\\"part\\\": $PK}\"}")
		elif [ "$name" = "search, 4 lists" ]; then
			mem=$(rss api POST /api/search/ "" "$(search_body)")
		elif [ "$name" = "stock transfer" ]; then
			mem=$(rss stock POST /api/stock/transfer/ "" \
			    "{\"items\":[{\"pk\":$ITEM,\"quantity\":\"$QTY\"}],\"location\":$LOC_A}")
		elif [ "$name" = "build auto-allocate/unallocate" ]; then
			mem=$(rss build POST "/api/build/$BUILD_ID/auto-allocate/" "" \
			    '{"interchangeable":true}')
			rss build POST "/api/build/$BUILD_ID/unallocate/" "" '{}' >/dev/null
		elif [ "$name" = "build create/complete output" ]; then
			local o
			o=$(db "INSERT INTO build_output (build, quantity) VALUES ($BUILD_DONE, 100000) RETURNING id")
			mem=$(rss build POST "/api/build/$BUILD_DONE/complete/" "" \
			    "{\"outputs\":[{\"output\":$o}],\"location\":$LOC_A}")
		elif [ "$name" = "PO receive 10 lines" ]; then
			mem=$(rss order POST "/api/order/po/$BENCH_PO/receive/" "" \
			    "{\"location\":$LOC_A,\"items\":[$(sed -E 's/([0-9]+)/{"line_item":\1,"quantity":1}/g' <<<"$BENCH_PO_LINES")]}")
		else
			mem=$(rss $prog GET "${path%%\?*}" "$( [[ $path == *\?* ]] && echo "${path#*\?}")")
		fi
		ratio=$(python3 -c "print('%.0f%%' % (100 * $rps / $HELLO))")
		printf '%s\t%s\t%s\t%s\n' "$mode" "$name" "$rps" "$p99" >>"$RESULTS"
		if [ "$SCALE" = 1 ]; then
			printf "%-12s %-${NAMEW}s %10s %9s %9s %8s %9s %s\n" "$mode" "$name" "$rps" "$p50" "$p99" "$ratio" "$mem" "$errs"
		else
			printf "%-12s %-${NAMEW}s %10s %9s %9s %8s %9s %6s %s\n" "$mode" "$name" "$rps" "$p50" "$p99" "$ratio" "$mem" "$(scale_ratio "$mode" "$name" "$rps")" "$errs"
		fi
	done
}
mode() { [ -z "${BENCH_MODES:-}" ] || grep -qw -- "$1" <<<"$BENCH_MODES"; }
if mode cgi; then
	measure cgi
else
	BENCH_ONLY='^$' measure cgi		# hello alone: the baseline
fi
# The same programs as FastCGI (lighttpd-fastcgi.conf): processes kept
# between requests, each with its database connection open.  Hello stays
# the CGI baseline of the issue's targets.
if mode fastcgi; then
	serve lighttpd-fastcgi.conf
	measure fastcgi
fi

# Apache 2.4 with the repository's apache.conf, as CGI (mod_cgid), then the
# same with mod_fcgid loaded, which apache.conf then hands the programs to:
# a shared host's two cases, in the same run.
kill "$LPID" 2>/dev/null || true
wait "$LPID" 2>/dev/null || true
LPID=
if mode apache && ! { apache_start apache-cgi && measure apache-cgi &&
       apache_start apache-fcgid fcgid && measure apache-fcgid; }; then
	echo "(no more Apache rows: see $BENCH_DIR/apache-*/error.log)"
fi
apache_stop

# PostgreSQL (issue 13): the same inventory copied by stockroom migrate-db
# into a throwaway cluster (tests/pgserver.py), and every row again through
# lighttpd-fastcgi.conf with DATABASE_URL naming it.  Compare with the
# fastcgi rows, and with hello (CGI, SQLite-free) of this run.
if mode fastcgi-pg && [ "${BENCH_PG:-1}" = 1 ] && PGOUT=$(python3 tests/pgserver.py start 2>>"$BENCH_DIR/pg.log"); then
	read -r PGDIR PGURL <<<"$PGOUT"
	echo "copying the benchmark inventory into PostgreSQL (stockroom migrate-db)..." >&2
	if "$SITE/bin/stockroom" migrate-db "$PGURL" >"$BENCH_DIR/migrate-db.log" 2>&1; then
		# The programs read their settings per request, from what
		# lighttpd passes them (STOCKROOM_DATA_DIR), not from its own
		# environment: the URL goes in the tree's stockroom.conf.
		cp -p "$SITE/stockroom.conf" "$BENCH_DIR/stockroom.conf.saved" 2>/dev/null || : >"$BENCH_DIR/stockroom.conf.saved"
		printf 'DATABASE_URL = "%s"\n' "$PGURL" >>"$SITE/stockroom.conf"
		serve lighttpd-fastcgi.conf
		if curl -fsS "$BASE/api/" | grep -q '"database":"postgresql"'; then
			measure fastcgi-pg
		else
			echo "(no PostgreSQL rows: the programs are not on it)"
		fi
		cp -p "$BENCH_DIR/stockroom.conf.saved" "$SITE/stockroom.conf"
	else
		echo "(no PostgreSQL rows: see $BENCH_DIR/migrate-db.log)"
	fi
	kill "$LPID" 2>/dev/null || true
	wait "$LPID" 2>/dev/null || true
	LPID=
	python3 tests/pgserver.py stop "$PGDIR" 2>>"$BENCH_DIR/pg.log" || true
elif mode fastcgi-pg; then
	echo "(no PostgreSQL rows: see $BENCH_DIR/pg.log)"
fi
serve lighttpd.conf

printf '\nPeak RSS of one unpaginated, streamed GET /api/part/ (%d parts): %s KiB\n' \
    "$NPARTS" "$(rss part GET /api/part/ '')"
printf 'Peak RSS of GET /api/stock/?location=%d (cascade, unpaginated): %s KiB\n' \
    "$LOC_A" "$(rss stock GET /api/stock/ "location=$LOC_A")"

# Export (issue 18, docs/export.md): every part as CSV and as XLSX, each by
# one CGI process with the same data: wall time, peak RSS, the file's size.
export_run() {	# export_run FORMAT -> "<s> s, <KiB> KiB"; the file in $BENCH_DIR
	env -i PATH=/usr/bin:/bin STOCKROOM_DATA_DIR="$DATA" STOCKROOM_CONFIG=/dev/null \
	    GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/api/part/ \
	    QUERY_STRING="export=$1" HTTP_HOST=localhost \
	    HTTP_AUTHORIZATION="Token $TOKEN" \
	    /usr/bin/time -f '%e s, %M KiB' "$SITE/cgi-bin/part.cgi" </dev/null \
	    2>&1 >"$BENCH_DIR/export.$1" | tail -1
}
for fmt in csv xlsx; do
	printf 'Export of every part (%d) as %s: %s, %s bytes\n' "$NPARTS" \
	    "$fmt" "$(export_run "$fmt")" "$(stat -c %s "$BENCH_DIR/export.$fmt")"
done

# Import (issue 18, docs/import.md): 100,000 parts from CSV (and their
# export as XLSX uploaded back), into an empty data directory of its own
# (tests/bench/import.sh): each step's wall time and peak RSS.  Its name
# for BENCH_ONLY: "import" (BENCH_ONLY=import keeps it and the importer's
# list rows).
if [ -z "${BENCH_ONLY:-}" ] || grep -qE -- "$BENCH_ONLY" <<<"import"; then
	BENCH_DIR="$BENCH_DIR" CGI_DIR="$SITE/cgi-bin" BIN_DIR="$SITE/bin" \
	    bash tests/bench/import.sh
fi

# The requests whose CPU time is measured below (name|program|path|query).
export BENCH_CPU_CASES="api root|api|/api/|
stock status|stock|/api/stock/status/|
part list page|part|/api/part/|limit=50&offset=50000
part search|part|/api/part/|search=$PHRASE_Q&limit=50
part detail|part|/api/part/$PK/|
stock by part|stock|/api/stock/|part=$PK&location_detail=true&limit=50
stock in-stock count|stock|/api/stock/|in_stock=true&limit=1
location list|stock|/api/stock/location/|limit=50
category list|part|/api/part/category/|limit=50
company list|company|/api/company/|limit=50
supplier part list|company|/api/company/part/|limit=50&offset=1000
PO list page|order|/api/order/po/|limit=50&offset=1000"
if [ -n "${BENCH_ONLY:-}" ]; then
	BENCH_CPU_CASES=$(grep -E -- "^[^|]*($BENCH_ONLY)" <<<"$BENCH_CPU_CASES" || true)
fi

# CPU time per request, which a busy machine distorts less than req/s:
# each endpoint run 100 times in a row as a plain CGI process.  With
# BENCH_STATIC_SITE (make bench sets it: the release build of make dist),
# the same requests also through its statically linked programs.
printf '\nCPU per request (user+sys, 100 sequential runs of the CGI program):\n'
BENCH_SITE=$SITE BENCH_TOKEN=$TOKEN python3 - <<'PY'
import os, resource, subprocess
site, tok = os.environ["BENCH_SITE"], os.environ["BENCH_TOKEN"]
static = os.environ.get("BENCH_STATIC_SITE", "")
base = dict(PATH="/usr/bin:/bin", STOCKROOM_DATA_DIR=os.environ["STOCKROOM_DATA_DIR"],
            STOCKROOM_CONFIG="/dev/null", GATEWAY_INTERFACE="CGI/1.1",
            HTTP_HOST="localhost", HTTP_AUTHORIZATION="Token " + tok, REQUEST_METHOD="GET")
cases = [("hello", "hello", "/x", "")] + \
    [c.split("|") for c in os.environ["BENCH_CPU_CASES"].splitlines()]
def cpu(program, env):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(100):
        subprocess.run([program], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 10
if static:
    print(f"  {'':<16} {'dynamic':>8} {'static':>8}  (static: make dist's programs)")
for name, prog, path, q in cases:
    env = dict(base, PATH_INFO=path, QUERY_STRING=q)
    line = f"  {name:<16} {cpu(f'{site}/cgi-bin/{prog}.cgi', env):6.2f} ms"
    if static and prog != "hello":
        line += f" {cpu(f'{static}/cgi-bin/{prog}.cgi', env):6.2f} ms"
    print(line)
PY

# The same under FastCGI: one process of each program, started as a FastCGI
# server starts it, fed 300 requests in a row (after 50 to warm it) through
# the test suite's FastCGI client; its own CPU time divided by the count.
printf '\nCPU per request in one FastCGI process (300 sequential requests):\n'
BENCH_SITE=$SITE BENCH_TOKEN=$TOKEN PYTHONPATH=tests:tests/cgi /usr/bin/python3 - <<'PY'
import os, pathlib, tempfile
import conftest
from test_fastcgi import FastCGI
site, tok = os.environ["BENCH_SITE"], os.environ["BENCH_TOKEN"]
s = conftest.Site(pathlib.Path(tempfile.mkdtemp()))
s.base_env = dict(PATH="/usr/bin:/bin", STOCKROOM_CONFIG="/dev/null",
                  STOCKROOM_DATA_DIR=os.environ["STOCKROOM_DATA_DIR"])
s.program = lambda name: pathlib.Path(site, "cgi-bin", f"{name}.cgi")
h = {"Authorization": "Token " + tok}
cases = [c.split("|") for c in os.environ["BENCH_CPU_CASES"].splitlines()]
for name, prog, path, q in cases:
    f = FastCGI(s, prog)
    try:
        for _ in range(50):
            assert f.request("GET", path, query=q, headers=h).status == 200
        def cpu():
            st = open(f"/proc/{f.proc.pid}/stat").read().rsplit(")", 1)[1].split()
            return int(st[11]) + int(st[12])
        c0 = cpu()
        for _ in range(300):
            f.request("GET", path, query=q, headers=h)
        ms = (cpu() - c0) * 1000 / os.sysconf("SC_CLK_TCK") / 300
        print(f"  {name:<16} {ms:6.2f} ms")
    finally:
        f.stop()
PY
