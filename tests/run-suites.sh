#!/bin/sh
# Runs test binaries one after another, prints each one's cmocka summary and
# a closing "N passed, N failed" line; exits non-zero when any test failed.
set -u
kind=$1
shift
passed=0
failed=0
broken=0
for bin in "$@"; do
	out=$("$bin" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# Crashed or failed before cmocka could count: one failure.
		f=1
		broken=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out"
		echo "FAILED: $bin (exit $rc)"
	else
		echo "ok: $(basename "$bin"): $p passed"
	fi
done
echo "$kind: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$broken" -eq 0 ]
