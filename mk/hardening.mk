# Hardening: fuzzing, valgrind, fault and crash tests (issue 7).
#
#   make fuzz-build   build the libFuzzer harnesses of tests/fuzz/ into
#                     $(BUILD)/fuzz/ (clang; installs it if missing)
#   make fuzz         run each harness for FUZZ_SECONDS (default 60) from
#                     its committed seeds; a crash fails the run and leaves
#                     the input in $(BUILD)/fuzz/artifacts/
#   make fuzz-replay  run every committed corpus file through its harness
#                     once (tests/run does this as the fuzz-replay level)
#   make valgrind     all the CGI-level tests (tests/cgi) with every
#                     program run under valgrind; any error or leak fails
#                     (VALGRIND_TESTS= to choose files).  It takes hours
#                     on 2 cores (HARDENING.md has the figures); time
#                     limits in the tests are multiplied by SLOW
#                     (tests/conftest.py) while STOCKROOM_VALGRIND is set
#   make torture      the slow fault tests: many kill -9 iterations
#
# The fuzz build compiles the library (lib/, domain/) with clang, coverage instrumentation and
# AddressSanitizer + UndefinedBehaviorSanitizer into its own directory; the
# normal build is untouched.

FUZZ_BUILD	= $(BUILD)/fuzz
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_MAX_LEN	?= 16384
FUZZ_DEPS	= clang libclang-rt-14-dev
FUZZ_SAN	= -fsanitize=address,undefined -fno-sanitize-recover=all \
		  -fno-omit-frame-pointer
FUZZ_CFLAGS	= -std=c11 -D_GNU_SOURCE -g -O1 $(FUZZ_SAN) -Wall -Wextra \
		  -Wno-missing-field-initializers -Ilib -Idomain $(PG_INCLUDE) \
		  -MMD -MP
FUZZ_SRC	= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES	= $(FUZZ_SRC:tests/fuzz/%.c=%)
FUZZERS		= $(FUZZ_NAMES:%=$(FUZZ_BUILD)/bin/%)
FUZZ_LIB_OBJ	= $(LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o) \
		  $(FUZZ_BUILD)/obj/gen/migrations.o \
		  $(FUZZ_BUILD)/obj/gen/pg_migrations.o
# Shared by the harnesses: the fuzzing site, and password checks replaced
# by a plain comparison (tests/fuzz/support.h says why).
FUZZ_SUPPORT	= $(FUZZ_BUILD)/obj/tests/fuzz/support.o
FUZZ_LDWRAP	= -Wl,--wrap=pwd_check,--wrap=pwd_dummy
VALGRIND	?= valgrind
# JSIMD_FORCENONE=1: libjpeg-turbo (under libgd, for part images) decodes
# with its C code.  With its SIMD code valgrind reports uninitialised
# values born in libjpeg-turbo's buffers (a 30x30 JPEG, in the thumbnail);
# with the C code the same test has none.  libjpeg-turbo's authors call
# such reports memory checkers' trouble with SIMD instructions, and its
# own MemorySanitizer fuzzers set the same variable.
VALGRIND_TESTS	?= tests/cgi

.PHONY: fuzz-deps fuzz-build fuzz fuzz-replay valgrind torture

fuzz-deps:
	@sh tools/deps.sh $(FUZZ_DEPS)

fuzz-build: $(FUZZERS)

$(FUZZ_BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/obj/lib/%.o: lib/%.c | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/obj/domain/%.o: domain/%.c | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/obj/tests/fuzz/%.o: tests/fuzz/%.c | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/bin/%: $(FUZZ_BUILD)/obj/tests/fuzz/%.o $(FUZZ_SUPPORT) \
    $(FUZZ_LIB_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $(FUZZ_LDWRAP) -o $@ $< \
	    $(FUZZ_SUPPORT) $(FUZZ_LIB_OBJ) $(LIBCSV) $(LIBS)

# New inputs go to $(FUZZ_BUILD)/corpus/, never into the committed seeds;
# the figures for HARDENING.md are in $(FUZZ_BUILD)/logs/.
fuzz: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/logs $(FUZZ_BUILD)/artifacts
	@set -e; for h in $(FUZZ_NAMES); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$h; \
	    dict=; [ -f tests/fuzz/$$h.dict ] && dict=-dict=tests/fuzz/$$h.dict; \
	    echo "fuzz: $$h for $(FUZZ_SECONDS)s"; \
	    if ! $(FUZZ_BUILD)/bin/$$h -max_total_time=$(FUZZ_SECONDS) \
		-print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		-max_len=$(FUZZ_MAX_LEN) $$dict \
		-artifact_prefix=$(FUZZ_BUILD)/artifacts/$$h- \
		$(FUZZ_BUILD)/corpus/$$h tests/fuzz/corpus/$$h \
		> $(FUZZ_BUILD)/logs/$$h.log 2>&1; then \
		tail -n 60 $(FUZZ_BUILD)/logs/$$h.log; \
		echo "fuzz: $$h FAILED; the input is in $(FUZZ_BUILD)/artifacts/."; \
		echo "Fix the bug and add the input to tests/fuzz/corpus/$$h/."; \
		exit 1; \
	    fi; \
	    grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)' \
		$(FUZZ_BUILD)/logs/$$h.log | sed "s/^/  $$h: /"; \
	    grep -E 'cov: [0-9]+' $(FUZZ_BUILD)/logs/$$h.log | tail -n 1 | sed "s/^/  $$h: /"; \
	done

fuzz-replay: fuzz-build
	@bash tests/fuzz/replay.sh $(FUZZ_BUILD)

valgrind: all
	@sh tools/deps.sh valgrind
	@rm -rf $(BUILD)/valgrind && mkdir -p $(BUILD)/valgrind
	@chmod 1777 $(BUILD)/valgrind	# fault tests run programs as nobody
	@start=$$(date +%s); STOCKROOM_VALGRIND="env JSIMD_FORCENONE=1 \
	    $(VALGRIND) -q --leak-check=full \
	    --show-leak-kinds=definite,indirect,possible \
	    --errors-for-leak-kinds=definite,indirect,possible \
	    --error-exitcode=99 --track-fds=no \
	    --log-file=$(CURDIR)/$(BUILD)/valgrind/%p.log" \
	    BUILD=$(BUILD) $(PYTHON) -m pytest -q -p no:cacheprovider \
	    --rootdir=tests $(VALGRIND_TESTS); rc=$$?; \
	    for f in $(BUILD)/valgrind/*.log; do \
		[ -s "$$f" ] && { echo "== $$f"; cat "$$f"; rc=1; }; \
	    done; \
	    echo "valgrind: $$(ls $(BUILD)/valgrind | wc -l) program runs in" \
		"$$(( $$(date +%s) - start )) s"; \
	    [ $$rc -eq 0 ] && echo "valgrind: no errors, no leaks"; exit $$rc

torture: all
	@STOCKROOM_TORTURE=1 BUILD=$(BUILD) $(PYTHON) -m pytest -q \
	    -p no:cacheprovider --rootdir=tests tests/cgi/test_faults.py

-include $(shell find $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)
