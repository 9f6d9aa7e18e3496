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
