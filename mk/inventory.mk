# Inventory data for people and for benchmarks (issue 4).
#
#   make demo    load a small, realistic workshop inventory (a few hundred
#                parts, a category tree, shelves and bins, stock with
#                history, suppliers and manufacturers with supplier parts
#                and price breaks) into DATA_DIR (default var/, the one `make run`
#                uses); makes a superuser "admin" and prints its password
#                when the database has no user yet
#   make bench   build, install into $(BUILD)/bench/site, generate a large
#                inventory once (100,000 parts, 1,000,000 stock items,
#                2,000,000 tracking entries) and measure the API with wrk
#                through lighttpd (CGI and FastCGI) and Apache (CGI and
#                mod_fcgid) against a trivial hello CGI: hand-written rows,
#                then every other GET route of the programs' --routes
#                (BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_PORT to tune);
#                the CPU per CGI request also for the static programs of
#                make dist (mk/dist.mk)
#   make bench SCALE=10
#                the same on a dataset ten times as big (1,000,000 parts,
#                10,000,000 stock items; generated once into
#                $(BUILD)/bench/data-x10), each row also as its req/s in
#                the last scale-1 run over this run's
#   make bench BENCH_DATA_ONLY=1 [SCALE=N]
#                build, install and generate the data, then stop before
#                measuring (a busy machine may do that part; measure on a
#                quiet one)

BENCH_DIR	?= $(CURDIR)/$(BUILD)/bench
BENCH_PORT	?= 18480
BENCH_SECONDS	?= 10
BENCH_CONNECTIONS ?= 8
SCALE		?= 1
BENCH_DATA_ONLY	?=

.PHONY: demo bench bench-callgrind

demo: deps
	@$(MAKE) --no-print-directory all
	@STOCKROOM_DATA_DIR="$(DATA_DIR)" $(BUILD)/bin/stockroom migrate
	@STOCKROOM_DATA_DIR="$(DATA_DIR)" $(BUILD)/bin/stockroom ensure-admin
	@STOCKROOM_DATA_DIR="$(DATA_DIR)" $(BUILD)/bin/inventory demo
	@echo "Now 'make run' and sign in (the API is at /api/part/, /api/stock/)."

# After deps (order only): under make -j the compiler may not be installed yet.
$(BUILD)/bench/hello.cgi: tests/bench/hello.c | deps
	@mkdir -p $(@D)
	$(CC) -O2 -o $@ $<

# What tests/bench/bench.sh runs besides the build and lighttpd: wrk, the
# data and memory tools, Apache with mod_fcgid, and python3 with pytest (its
# FastCGI CPU figures drive the programs through the test suite's client).
BENCH_DEPS = wrk curl sqlite3 time procps python3 python3-pytest apache2 \
	     postgresql postgresql-contrib \
	     libapache2-mod-fcgid

bench: deps $(BUILD)/bench/hello.cgi
	@sh tools/deps.sh $(BENCH_DEPS)
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory install DESTDIR="$(BENCH_DIR)/site" >/dev/null
	@install -m 0755 $(BUILD)/bench/hello.cgi "$(BENCH_DIR)/site/cgi-bin/"
	@$(MAKE) --no-print-directory DIST_ARCHS=$(DIST_HOST) dist-deps
	@$(MAKE) --no-print-directory DIST_ARCHS=$(DIST_HOST) dist-$(DIST_HOST)
	@BUILD="$(BUILD)" BENCH_DIR="$(BENCH_DIR)" BENCH_PORT="$(BENCH_PORT)" \
	    BENCH_STATIC_SITE="$(DIST_DIR)/$(DIST_HOST)/tree/$(DIST_NAME)" \
	    BENCH_SECONDS="$(BENCH_SECONDS)" BENCH_SCALE="$(SCALE)" \
	    BENCH_CONNECTIONS="$(BENCH_CONNECTIONS)" BENCH_DATA_ONLY="$(BENCH_DATA_ONLY)" \
	    bash tests/bench/bench.sh

# Instructions per request under callgrind (tests/bench/callgrind.py): the
# same requests as make bench, on its tree and data (make bench first).
bench-callgrind:
	@sh tools/deps.sh valgrind sqlite3 python3
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory install DESTDIR="$(BENCH_DIR)/site" >/dev/null
	@test -s "$(BENCH_DIR)/data/stockroom.sqlite3" || { echo "make bench first (it generates the data)"; exit 1; }
	@$(PYTHON) tests/bench/callgrind.py "$(BENCH_DIR)/site" "$(BENCH_DIR)/data"
