# The OpenAPI document of the API (issue 14): each program prints its own
# with --openapi, from its route table and its resources' descriptions
# (lib/openapi.c); tools/openapi.py merges them.  It is written where the
# programs look for it, db/ beside their cgi-bin/ (BUILD/db/ here, the
# tree's db/ once installed), and api.cgi serves it at /api/schema/.

OPENAPI	= $(BUILD)/db/openapi.json

all: $(OPENAPI)
install: $(OPENAPI)

$(OPENAPI): $(PROGRAMS) tools/openapi.py
	$(PYTHON) tools/openapi.py --out $@ $(PROGRAMS)

# The validator the tests run on it (tests/cgi/test_openapi.py):
# @apidevtools/swagger-parser from npm, in tests/openapi/node_modules.
OPENAPI_CHECK_STAMP = tests/openapi/node_modules/.package-lock.json

.PHONY: openapi-check-deps
test-deps: openapi-check-deps
openapi-check-deps: $(OPENAPI_CHECK_STAMP)

$(OPENAPI_CHECK_STAMP): tests/openapi/package.json tests/openapi/package-lock.json
	@$(MAKE) --no-print-directory web-deps
	cd tests/openapi && npm ci --no-audit --no-fund --loglevel=error
	@touch $@
