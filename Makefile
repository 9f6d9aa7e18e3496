# Stockroom: inventory management that anyone can host.
#
#   make            build everything into build/
#   make run        install what is missing, build, and serve on
#                   http://127.0.0.1:8080/ (PORT=... to change)
#   make test       install what is missing, build, run every test level
#   make install DESTDIR=dir   lay out a deployable tree in dir
#
# SAN=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer (make
# test does this itself, into build/asan).

BUILD	?= build
PORT	?= 8080
DATA_DIR ?= $(CURDIR)/var
SITE	?= $(CURDIR)/$(BUILD)/site
CC	?= cc
PYTHON	?= /usr/bin/python3
# make run serves the programs as FastCGI applications (kept running);
# LIGHTTPD_CONF=lighttpd.conf runs them as CGI, one process per request.
LIGHTTPD_CONF ?= lighttpd-fastcgi.conf

DEPS_BUILD = gcc make libc6-dev libsqlite3-dev libcjson-dev libscrypt-dev \
	     libfcgi-dev libmd-dev libpq-dev libxlsxwriter-dev libcsv-dev
# libxlsxwriter is loaded by lib/export.c for an XLSX export (dlopen), so
# that no other request pays for linking it (docs/export.md).
DEPS_BUILD += libxlsxwriter4
# libzip and expat read an imported XLSX workbook: loaded with dlopen() by
# lib/xlsxread.c (importer.cgi, on its first XLSX file), never linked;
# expat (lib/xmldl.c) also reads udunits2's unit database for
# /api/units/all/.
DEPS_BUILD += libzip-dev libexpat1-dev
# udunits2 (parameters' units) is loaded with dlopen() when a unit is
# met (domain/inventory/units.h), never linked.
# libcurl sends webhook deliveries: loaded with dlopen() by the worker
# only (domain/tasks/webhook.c), never linked.
DEPS_RUN   = lighttpd libudunits2-0 libcurl4 libzip4 libexpat1
# PostgreSQL's server (initdb, pg_ctl, psql) and contrib (citext, pg_trgm):
# tests start a throwaway cluster of their own (tests/pgserver.py).
DEPS_TEST  = apache2 apache2-suexec-custom python3 python3-pytest curl \
	     postgresql postgresql-contrib python3-psycopg2

CSTD	= -std=c11 -D_GNU_SOURCE
# Descriptions (routes, fields) leave the members they do not need out:
# C makes those zero, which is what they mean.
WARN	= -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wwrite-strings \
	  -Wformat=2 -Wno-format-nonliteral -Wno-missing-field-initializers
ifeq ($(SAN),1)
OPT	= -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	  -fno-sanitize-recover=all
# The sanitizers' runtimes linked in, not as libasan.so and libubsan.so:
# at each exit LeakSanitizer reads every library's globals, and each of
# those two has megabytes of its own, never touched before (a page fault
# each page): a program run of the tests took 87 ms of CPU, now 70.
LDSAN	= -fsanitize=address,undefined -static-libasan -static-libubsan
else
OPT	= -O2 -g -D_FORTIFY_SOURCE=2
LDSAN	=
endif
HARDEN	= -fstack-protector-strong -fPIE
# libpq's header only: the library is loaded with dlopen() by a process
# whose DATABASE_URL names PostgreSQL (lib/pg.h), never linked.
PG_INCLUDE = -I$(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) $(HARDEN) -Ilib -Idomain $(PG_INCLUDE) -MMD -MP $(CFLAGS)
LDFLAGS_ALL = -pie -Wl,-z,relro,-z,now $(LDSAN) $(LDFLAGS)
# SQLite is linked statically (Debian's libsqlite3.a): each request is a new
# process, and resolving libsqlite3.so at every start cost about as much as
# the whole rest of a small request (see BENCHMARKS.md).  libfcgi (the
# FastCGI loop, lib/app.c) likewise, so that an installed tree needs no
# FastCGI package on the host.
LIBS	= -Wl,-Bstatic -lsqlite3 -lfcgi -Wl,-Bdynamic -lcjson -lscrypt -lm \
	  $(LIBMD)
# md5 for barcode hashes (InvenTree's hash_barcode) and SHA-256 for the
# webhooks' signatures (lib/hmac.c), from Debian's libmd: linked statically
# (only the digests used are pulled in).  (A release build has -lmd in
# its LIBS and sets this empty: mk/dist.mk.)
LIBMD	= -Wl,-Bstatic -lmd -Wl,-Bdynamic
# libcsv (Debian's libcsv-dev) reads the importer's CSV and TSV files
# (lib/csvread.c): linked statically, into importer.cgi only.
LIBCSV	= -Wl,-Bstatic -lcsv -Wl,-Bdynamic

# The library: lib/ is the infrastructure (requests, answers, database,
# routes, validation, lists, resources); domain/ the areas of the
# inventory (domain/<area>/) and the tables that join them.
LIB_SRC	 = $(wildcard lib/*.c) $(wildcard domain/*.c) $(wildcard domain/*/*.c)
CGI_SRC	 = $(wildcard cgi-bin/*.c)
TOOL_SRC = $(wildcard tools/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
TESTPROG_SRC = $(wildcard tests/cgi/prog_*.c)
MIGRATIONS = $(sort $(wildcard db/migrations/*.sql))
PG_MIGRATIONS = $(sort $(wildcard db/migrations/pg/*.sql))

LIB_OBJ	 = $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/migrations.o \
	   $(BUILD)/obj/gen/pg_migrations.o
LIBA	 = $(BUILD)/libstockroom.a
PROGRAMS = $(CGI_SRC:cgi-bin/%.c=$(BUILD)/cgi-bin/%.cgi)
TOOLS	 = $(TOOL_SRC:tools/%.c=$(BUILD)/bin/%)
UNITS	 = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TESTPROGS = $(TESTPROG_SRC:tests/cgi/prog_%.c=$(BUILD)/tests/%.cgi)

.PHONY: all deps test-deps install run test unit asan clean
.DELETE_ON_ERROR:

all: $(PROGRAMS) $(TOOLS) $(UNITS) $(TESTPROGS)

$(BUILD)/gen/migrations.c: $(MIGRATIONS) tools/embed-migrations.sh
	@mkdir -p $(@D)
	sh tools/embed-migrations.sh $(MIGRATIONS) > $@

$(BUILD)/gen/pg_migrations.c: $(PG_MIGRATIONS) tools/embed-migrations.sh
	@mkdir -p $(@D)
	sh tools/embed-migrations.sh -n db_pg_migrations $(PG_MIGRATIONS) > $@

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/cgi-bin/%.cgi: $(BUILD)/obj/cgi-bin/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(LIBA) $(PROGRAM_LIBS) $(LIBS)

$(BUILD)/cgi-bin/barcode.cgi: PROGRAM_LIBS = $(LIBMD)
$(BUILD)/cgi-bin/importer.cgi: PROGRAM_LIBS = $(LIBCSV)

$(BUILD)/bin/%: $(BUILD)/obj/tools/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(LIBA) $(LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(LIBA) $(LIBS)

$(BUILD)/tests/%.cgi: $(BUILD)/obj/tests/cgi/prog_%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(LIBA) $(LIBS)

deps:
	@sh tools/deps.sh $(DEPS_BUILD) $(DEPS_RUN)

test-deps:
	@sh tools/deps.sh $(DEPS_BUILD) $(DEPS_RUN) $(DEPS_TEST)

# The deployable tree: the page at its root, programs in cgi-bin/, the tool
# in bin/, plugins/ (PLUGINS_DIR: the site puts its plugins there,
# docs/plugins.md), a data directory that only its owner can enter,
# holding a database with every migration applied (ready to upload as it
# is).  Modes
# follow suEXEC's rules (nothing writable by group or others).
#
# Into a tree that is being served (an upgrade), in this order: the tools,
# then the migrations (so the new programs never meet a database behind
# them), then each program and each page file written whole under a
# temporary name and renamed over the old one (tools/install-swap.sh), so
# that the server always finds a whole program, old or new.  A FastCGI
# process whose program was replaced serves the requests already queued
# for it, then leaves (lib/app.c).
SWAP	= sh $(CURDIR)/tools/install-swap.sh
install: $(PROGRAMS) $(TOOLS)
	@test -n "$(DESTDIR)" || { echo "usage: make install DESTDIR=/path/to/site"; exit 2; }
	umask 022; mkdir -p "$(DESTDIR)/cgi-bin" "$(DESTDIR)/bin" \
	    "$(DESTDIR)/db/migrations" "$(DESTDIR)/templates" \
	    "$(DESTDIR)/plugins"
	install -m 0644 $(MIGRATIONS) "$(DESTDIR)/db/migrations/"
	umask 022; cp -R templates/. "$(DESTDIR)/templates/"
	install -m 0644 apache.conf lighttpd.conf lighttpd-fastcgi.conf \
	    $(filter %.conf,$(SERVER_ROUTES)) $(OPENAPI) "$(DESTDIR)/db/"
	$(SWAP) 0755 "$(DESTDIR)/bin" $(TOOLS)
	install -d -m 0700 "$(DESTDIR)/data"
	printf 'Require all denied\n' > "$(DESTDIR)/data/.htaccess"
	chmod 0600 "$(DESTDIR)/data/.htaccess"
	STOCKROOM_CONFIG=/dev/null STOCKROOM_DATA_DIR="$(DESTDIR)/data" \
	    "$(DESTDIR)/bin/stockroom" migrate
	$(SWAP) 0755 "$(DESTDIR)/cgi-bin" $(PROGRAMS)
	umask 022; dest="$(abspath $(DESTDIR))"; cd htdocs && \
	    find . -type f ! -path ./index.html ! -path ./.htaccess | \
	    while read -r f; do d="$$dest/$${f%/*}"; mkdir -p "$$d" && \
		$(SWAP) 0644 "$$d" "$$f" || exit 1; done
	umask 022; sh web/install-page.sh htdocs/index.html "$(BASE_PATH)" \
	    > "$(DESTDIR)/.index.html.new" && \
	    mv -f "$(DESTDIR)/.index.html.new" "$(DESTDIR)/index.html"
	install -m 0644 $(BUILD)/servers/htaccess "$(DESTDIR)/.htaccess.new" && \
	    mv -f "$(DESTDIR)/.htaccess.new" "$(DESTDIR)/.htaccess"

# The port is checked first: a second make run on a port in use must not
# reinstall the tree under the server running there.  The tree's
# stockroom.conf gets ALLOWED_HOSTS (unless it has one): a page of another
# site that points a name of its own at 127.0.0.1 (DNS rebinding) then
# gets 400.
run: deps
	@$(PYTHON) tools/port-free.py $(PORT)
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory install DESTDIR="$(SITE)" >/dev/null
	@grep -qs '^ALLOWED_HOSTS' "$(SITE)/stockroom.conf" || printf '%s\n' \
	    '# Written by make run: the names it is served under (README).' \
	    'ALLOWED_HOSTS = 127.0.0.1 localhost' >> "$(SITE)/stockroom.conf"
	@STOCKROOM_DATA_DIR="$(DATA_DIR)" "$(SITE)/bin/stockroom" migrate
	@STOCKROOM_DATA_DIR="$(DATA_DIR)" "$(SITE)/bin/stockroom" ensure-admin
	@echo "Stockroom is at http://127.0.0.1:$(PORT)/  (data in $(DATA_DIR); Ctrl-C stops it)"
	@STOCKROOM_ROOT="$(SITE)" STOCKROOM_DATA_DIR="$(DATA_DIR)" PORT="$(PORT)" \
	    exec lighttpd -D -f $(LIGHTTPD_CONF)

asan:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SAN=1 all

test: test-deps
	@$(MAKE) --no-print-directory -j$$(nproc) all
	@$(MAKE) --no-print-directory -j$$(nproc) asan
	@BUILD="$(BUILD)" PYTHON="$(PYTHON)" bash tests/run

clean:
	rm -rf $(BUILD)

# Each part of the system may add its own targets (bench, demo, fuzz, ...)
# in a fragment of its own.
include $(sort $(wildcard mk/*.mk))

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
.SECONDARY:
