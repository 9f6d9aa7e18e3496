#!/usr/bin/env bash
# The import's benchmark row (issue 18, docs/import.md): a CSV file of
# BENCH_IMPORT_ROWS parts (100,000; names, IPNs, descriptions and category
# paths of 50 categories, made with create_paths) imported into an empty
# data directory of its own by importer.cgi run as plain CGI processes:
# upload, accept_fields/, accept_rows/ {"all": true}, each with its wall
# time and peak RSS.  Then the same rows as an XLSX workbook (the export's
# of the imported parts): its upload.  Not a test: nothing here fails on a
# slow machine; the figures go into BENCHMARKS.md by hand.
#
# make bench runs it from tests/bench/bench.sh with the installed tree.
# By hand, from the repository's root, at a small scale:
#   BENCH_IMPORT_ROWS=2000 CGI_DIR=build/cgi-bin BIN_DIR=build/bin \
#       BENCH_DIR=/tmp/import-bench bash tests/bench/import.sh
set -euo pipefail
ROWS=${BENCH_IMPORT_ROWS:-100000}
BENCH_DIR=${BENCH_DIR:?BENCH_DIR}
CGI_DIR=${CGI_DIR:-$BENCH_DIR/site/cgi-bin}
BIN_DIR=${BIN_DIR:-$BENCH_DIR/site/bin}
CGI_DIR=$(cd "$CGI_DIR" && pwd)
BIN_DIR=$(cd "$BIN_DIR" && pwd)
DIR=$BENCH_DIR/import
IUSER=importer
IPASS=import-bench-password-0123

rm -rf "$DIR"
mkdir -p "$DIR"
mkdir -m 700 "$DIR/data"
export STOCKROOM_DATA_DIR=$DIR/data STOCKROOM_CONFIG=/dev/null
"$BIN_DIR/stockroom" migrate >/dev/null
printf '%s\n' "$IPASS" | "$BIN_DIR/stockroom" createsuperuser "$IUSER" >/dev/null
AUTH="Basic $(printf '%s:%s' "$IUSER" "$IPASS" | base64 -w0)"

# The file: a header and ROWS parts.
awk -v n="$ROWS" 'BEGIN {
	print "Name,IPN,Description,Category"
	for (i = 1; i <= n; i++)
		printf "Part %d,BI-%06d,\"imported part %d, bench\",Bench/Group %d/Cat %d\n",
		    i, i, i, i % 5, i % 50
}' >"$DIR/parts.csv"

# cgi METHOD PATH CONTENT_TYPE BODYFILE -> the answer in $DIR/answer.json;
# prints "<s> s, <KiB> KiB".
cgi() {
	env -i PATH=/usr/bin:/bin STOCKROOM_DATA_DIR="$STOCKROOM_DATA_DIR" \
	    STOCKROOM_CONFIG=/dev/null GATEWAY_INTERFACE=CGI/1.1 \
	    REQUEST_METHOD="$1" PATH_INFO="$2" QUERY_STRING= \
	    HTTP_HOST=localhost HTTP_AUTHORIZATION="$AUTH" \
	    CONTENT_TYPE="$3" CONTENT_LENGTH="$(stat -c %s "$4")" \
	    /usr/bin/time -f '%e s, %M KiB' "$CGI_DIR/importer.cgi" <"$4" \
	    2>&1 >"$DIR/answer.raw" | tail -1
	body <"$DIR/answer.raw" >"$DIR/answer.json"
}

body() {	# a CGI answer on stdin -> its body, after the headers
	python3 -c 'import re,sys; d=sys.stdin.buffer.read(); m=re.search(rb"\r?\n\r?\n", d); sys.stdout.buffer.write(d[m.end():] if m else d)'
}

# multipart FILE NAME -> the upload's body in $DIR/upload.body
B=----StockroomImportBench0123456789
multipart() {
	{
		printf -- '--%s\r\nContent-Disposition: form-data; name="model_type"\r\n\r\npart\r\n' "$B"
		printf -- '--%s\r\nContent-Disposition: form-data; name="create_paths"\r\n\r\ntrue\r\n' "$B"
		printf -- '--%s\r\nContent-Disposition: form-data; name="data_file"; filename="%s"\r\nContent-Type: application/octet-stream\r\n\r\n' "$B" "$2"
		cat "$1"
		printf -- '\r\n--%s--\r\n' "$B"
	} >"$DIR/upload.body"
}

session() {	# the pk of the session in $DIR/answer.json
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["pk"]) if "pk" in d else sys.exit("import: " + json.dumps(d)[:300])' "$DIR/answer.json"
}

multipart "$DIR/parts.csv" parts.csv
printf '{}' >"$DIR/empty.json"
printf '{"all": true}' >"$DIR/all.json"
up=$(cgi POST /api/importer/session/ "multipart/form-data; boundary=$B" "$DIR/upload.body")
S=$(session)
fields=$(cgi POST "/api/importer/session/$S/accept_fields/" application/json "$DIR/empty.json")
rows=$(cgi POST "/api/importer/session/$S/accept_rows/" application/json "$DIR/all.json")
made=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["created"]))' "$DIR/answer.json")
printf 'Import of %d parts from CSV (%s bytes; 56 categories made from their paths), one CGI process each:\n' \
    "$ROWS" "$(stat -c %s "$DIR/parts.csv")"
printf '  upload %s; accept_fields %s; accept_rows %s; %d parts made\n' \
    "$up" "$fields" "$rows" "$made"

# The same parts as XLSX (the export's file): its upload and check.
env -i PATH=/usr/bin:/bin STOCKROOM_DATA_DIR="$STOCKROOM_DATA_DIR" \
    STOCKROOM_CONFIG=/dev/null GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET \
    PATH_INFO=/api/part/ QUERY_STRING="export=xlsx" HTTP_HOST=localhost \
    HTTP_AUTHORIZATION="$AUTH" "$CGI_DIR/part.cgi" </dev/null 2>/dev/null |
    body >"$DIR/parts.xlsx"
multipart "$DIR/parts.xlsx" parts.xlsx
up=$(cgi POST /api/importer/session/ "multipart/form-data; boundary=$B" "$DIR/upload.body")
S=$(session)
fields=$(cgi POST "/api/importer/session/$S/accept_fields/" application/json "$DIR/empty.json")
printf 'Upload of the same parts as XLSX (%s bytes): upload %s; accept_fields %s (every row a duplicate)\n' \
    "$(stat -c %s "$DIR/parts.xlsx")" "$up" "$fields"
