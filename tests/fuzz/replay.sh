#!/usr/bin/env bash
# Runs every committed corpus file through its libFuzzer harness once, as a
# regression test.  Usage: replay.sh FUZZ_BUILD_DIR
# Prints "N passed, N failed" (one case per corpus file; a harness that
# crashes counts the whole of its corpus as failed) and exits non-zero on
# any crash, sanitizer report or leak.
set -u
dir=${1:?usage: replay.sh FUZZ_BUILD_DIR}
cd "$(dirname "$0")/../.."
passed=0 failed=0
for src in tests/fuzz/fuzz_*.c; do
	h=$(basename "$src" .c)
	bin="$dir/bin/$h"
	files=(tests/fuzz/corpus/"$h"/*)
	if [ ! -x "$bin" ]; then
		echo "  fuzz-replay: $bin is not built (make fuzz-build)"
		failed=$((failed + 1))
		continue
	fi
	if [ ! -e "${files[0]}" ]; then
		echo "  fuzz-replay: tests/fuzz/corpus/$h/ is empty"
		failed=$((failed + 1))
		continue
	fi
	log="$dir/replay-$h.log"
	if "$bin" -runs=1 "${files[@]}" >"$log" 2>&1; then
		passed=$((passed + ${#files[@]}))
	else
		failed=$((failed + ${#files[@]}))
		echo "  fuzz-replay: $h FAILED on $(grep -o 'Running: .*' "$log" | tail -n 1)"
		grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -n 5 | sed 's/^/    /'
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
