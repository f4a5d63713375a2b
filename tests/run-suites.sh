#!/bin/sh
# Runs test binaries one after another, prints each one's cmocka summary and
# a closing "N passed, N failed, N skipped" line; exits non-zero when any
# test failed. Skipped tests are named with the reason they printed; with
# SKIP_FAILS=1 (the PostgreSQL run, where every test must run) a skipped
# test counts as a failure.
set -u
kind=$1
shift
passed=0
failed=0
skipped=0
broken=0
for bin in "$@"; do
	out=$("$bin" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	s=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	s=${s:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# Crashed or failed before cmocka could count: one failure.
		f=1
		broken=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out"
		echo "FAILED: $bin (exit $rc)"
	else
		echo "ok: $(basename "$bin"): $p passed"
	fi
	if [ "$s" -ne 0 ]; then
		# The reasons the runner printed, and the tests it skipped.
		printf '%s\n' "$out" | grep -i 'skip' | grep -v '^\[  SKIPPED \] [0-9]* test' |
			grep -v 'SKIPPED TEST' | sort -u | sed "s|^|  $(basename "$bin"): |"
	fi
done
echo "$kind: $passed passed, $failed failed, $skipped skipped"
[ "${SKIP_FAILS:-0}" = 1 ] && [ "$skipped" -ne 0 ] && echo "$kind: a test was skipped; every test must run here" && exit 1
[ "$failed" -eq 0 ] && [ "$broken" -eq 0 ]
