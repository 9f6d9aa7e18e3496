#!/usr/bin/env bash
# The browser level of tests/run: needs node, web/node_modules (make web)
# and Debian's chromium (make test-deps installs it).  Prints the runner's
# "N passed, N failed" as its last line.
set -u
cd "$(dirname "$0")/../.."
if ! command -v node >/dev/null || [ ! -d web/node_modules/playwright-core ]; then
	echo "browser: node or web/node_modules missing (run make web)"
	echo "0 passed, 1 failed"; exit 1
fi
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
	echo "browser: playwright-core needs Node.js 20 or newer (this is $(node --version));"
	echo "  building the page works with Debian 12's Node 18, the browser tests do not"
	echo "0 passed, 1 failed"; exit 1
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "browser: no Chromium at ${CHROMIUM:-/usr/bin/chromium} (sh tools/deps.sh chromium)"
	echo "0 passed, 1 failed"; exit 1
fi
exec node tests/browser/run.mjs "$@"
