#!/bin/sh
# run.sh - the browser tests: installs playwright-core when missing, makes a
# demo database, starts quizd on a free port with the web pages, runs the
# tests with node's test runner, stops quizd and exits with the runner's
# status. Run from anywhere; paths are taken from the repository root.
# Arguments go to node --test, e.g. --test-name-pattern=deadline.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

QUIZD=${QUIZD:-build/quizd}
QUIZADM=${QUIZADM:-build/quizadm}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

for f in "$QUIZD" "$QUIZADM"; do
	[ -x "$f" ] || { echo "run.sh: $f is missing; run make first" >&2; exit 1; }
done
[ -x "$CHROMIUM" ] || { echo "run.sh: $CHROMIUM is missing; run scripts/install-deps.sh --test" >&2; exit 1; }
command -v node >/dev/null || { echo "run.sh: node is missing; run scripts/install-deps.sh --test" >&2; exit 1; }

if [ ! -d tests/web/node_modules/playwright-core ] || [ ! -d tests/web/node_modules/axe-core ]; then
	echo "run.sh: installing node modules in tests/web" >&2
	if [ -f tests/web/package-lock.json ]; then
		(cd tests/web && npm ci --no-audit --no-fund >&2)
	else
		(cd tests/web && npm install --no-audit --no-fund >&2)
	fi
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/quiz-web.XXXXXX")
QUIZD_PID=""
cleanup() {
	if [ -n "$QUIZD_PID" ]; then
		kill "$QUIZD_PID" 2>/dev/null || true
		wait "$QUIZD_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# The demo as `make run` makes it: with the shipped banks (and the demo
# quizzes over them, where quizadm makes some).
# Private copies: a `make` in the same tree while the tests run rewrites
# build/quizd in place, which can bring down a quizd running from it.
cp "$QUIZD" "$TMP/quizd"
cp "$QUIZADM" "$TMP/quizadm"
QUIZD="$TMP/quizd"
QUIZADM="$TMP/quizadm"

DB="$TMP/web.db"
BANKS=question-banks/vi
if [ -d "$BANKS" ] && "$QUIZADM" --db "$DB" demo --banks "$BANKS" >"$TMP/demo.log" 2>&1; then
	:
else
	[ -d "$BANKS" ] && { echo "run.sh: quizadm demo --banks $BANKS failed; using the demo without banks:" >&2; cat "$TMP/demo.log" >&2; }
	DB="$TMP/web-plain.db"
	"$QUIZADM" --db "$DB" demo >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; exit 1; }
fi

# A free port: ask the kernel for one, then give it to quizd.
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')
"$QUIZD" --db "$DB" --listen "127.0.0.1:$PORT" --web web 2>"$TMP/quizd.log" &
QUIZD_PID=$!

i=0
until curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$QUIZD_PID" 2>/dev/null; then
		echo "run.sh: quizd did not start" >&2
		cat "$TMP/quizd.log" >&2
		exit 1
	fi
	sleep 0.1
done

mkdir -p build/screenshots
status=0
BASE_URL="http://127.0.0.1:$PORT" CHROMIUM="$CHROMIUM" SCREENSHOTS="$ROOT/build/screenshots" \
	node --test --test-concurrency=1 --test-reporter=spec "$@" tests/web/*.test.mjs || status=$?
if ! kill -0 "$QUIZD_PID" 2>/dev/null; then
	echo "run.sh: quizd exited while the tests ran" >&2
	[ "$status" -ne 0 ] || status=1
fi
if [ "$status" -ne 0 ]; then
	echo "run.sh: quizd log (last 40 lines):" >&2
	tail -n 40 "$TMP/quizd.log" >&2
fi
exit "$status"
