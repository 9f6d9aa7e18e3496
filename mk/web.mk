# The web app (issue 6): web/ holds its sources, bundled by esbuild from npm
# into htdocs/assets/ with htdocs/index.html rendered from templates/.
#
#   make web                build the page (npm ci first when needed)
#   make web-watch          rebuild on every change while developing
#   make install DESTDIR=d BASE_PATH=/~alice/stockroom/
#                           the page under a URL prefix (default /)
#   make test-browser       the Chromium tests alone
#
# The web server needs no Node: what is deployed is plain files.

BASE_PATH ?= /
NPM_STAMP = web/node_modules/.package-lock.json
WEB_SRC	  = $(shell find web/src -type f 2>/dev/null) web/build.mjs templates/index.html

.PHONY: web web-deps web-watch browser-deps test-browser
all: web
install: web
test-deps: browser-deps

web: htdocs/index.html

web-deps:
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || \
	    sh tools/deps.sh nodejs npm

# npm ci only when node_modules is missing or the lock file changed.
$(NPM_STAMP): web/package.json web/package-lock.json
	@$(MAKE) --no-print-directory web-deps
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

htdocs/index.html: $(NPM_STAMP) $(WEB_SRC) lib/stockroom.h
	cd web && node build.mjs

web-watch: $(NPM_STAMP)
	cd web && node build.mjs --watch

browser-deps:
	@sh tools/deps.sh chromium

test-browser: all browser-deps
	@BUILD="$(BUILD)" bash tests/browser/run.sh
