#!/bin/bash
# make bench: runs every benchmark and prints its figures. Each speed figure
# is a ratio against a reference measured in this same run (the ceiling
# server, raw libsodium, a bare SQL aggregate), never an absolute target.
set -u
BUILD=${1:-build}
# bench_live holds thousands of event streams, each a descriptor here and
# one in quizd: raise the open-files limit as far as the hard limit allows.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cd "$(dirname "$0")/.."
OUT=$BUILD/bench-out
mkdir -p "$OUT"
DUR=${BENCH_SECONDS:-5}
CONNS=${BENCH_CONNECTIONS:-64}

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.05; done; return 1; }
rps() { wrk -t2 -c"$CONNS" -d"${DUR}s" "$@" 2>&1 | awk '/Requests\/sec/ {print $2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
peak_rss_mb() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

echo "== HTTP: quizd against the libmicrohttpd ceiling (wrk -t2 -c$CONNS -d${DUR}s, keep-alive)"
PORT=$(free_port)
"$BUILD/bench/ceiling" "$PORT" &
CPID=$!
wait_http "http://127.0.0.1:$PORT/"
CEIL=$(rps "http://127.0.0.1:$PORT/")
kill $CPID; wait $CPID 2>/dev/null

DB=$OUT/bench.db
rm -f "$DB" "$DB"-wal "$DB"-shm
"$BUILD/quizadm" --db "$DB" units import /dev/stdin >/dev/null <<CSV
code,name,kind,parent_code
B,Bench,province,
CSV
{
	echo "username,password,full_name,unit_code,audience,role"
	for i in $(seq 0 49); do echo "bench$i,bench-password-1,Người Thử $i,B,public,participant"; done
} > "$OUT/users.csv"
"$BUILD/quizadm" --db "$DB" users import "$OUT/users.csv" >/dev/null
PORT=$(free_port)
# The login burst's 1000 clients all come from 127.0.0.1, as through a proxy:
# the per-address limit (256 by default) would refuse three in four.
"$BUILD/quizd" --db "$DB" --listen "127.0.0.1:$PORT" --per-ip-connections 2048 \
	2>"$OUT/quizd.log" &
QPID=$!
wait_http "http://127.0.0.1:$PORT/healthz"
HEALTH=$(rps "http://127.0.0.1:$PORT/healthz")
TOKEN=$(curl -s -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
	-d '{"username":"bench0","password":"bench-password-1"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
ME=$(rps -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/me")
echo "ceiling (constant answer):     $CEIL req/s"
echo "GET /healthz:                  $HEALTH req/s   ratio $(ratio "$HEALTH" "$CEIL")"
echo "GET /api/v1/me (Bearer):       $ME req/s   ratio $(ratio "$ME" "$CEIL") (target >= 0.60)"
echo "(quizd writes its access log to $OUT/quizd.log during the run)"

echo
echo "== Logins: a burst of 1000 concurrent logins against raw Argon2id verification"
RSS0=$(peak_rss_mb $QPID)
"$BUILD/bench/bench_login" "http://127.0.0.1:$PORT" bench 50 bench-password-1 1000
RSS1=$(peak_rss_mb $QPID)
echo "quizd peak RSS: $RSS0 MB before the burst, $RSS1 MB after (hashing pool: cores x 19 MiB)"
kill $QPID; wait $QPID 2>/dev/null

for b in "$BUILD"/bench/bench_*; do
	case "$(basename "$b")" in bench_login) continue ;; esac
	[ -x "$b" ] || continue
	echo
	echo "== $(basename "$b")"
	"$b" "$BUILD" || echo "$(basename "$b") failed"
done
