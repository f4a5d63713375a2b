#!/bin/bash
# make bench: runs every benchmark and prints its figures. Each speed figure
# is a ratio against a reference measured in this same run (the ceiling
# server, raw libsodium, a bare SQL aggregate, the same benchmark on SQLite),
# never an absolute target.
#
# bench_quiz and bench_report run twice, on SQLite and then on PostgreSQL (a
# throwaway cluster started here by scripts/pg-test-cluster.sh, fsync and
# synchronous_commit on, stopped at the end), and their figures are set side
# by side. Logins are also measured through HAProxy with one and with two
# quizd instances on PostgreSQL (scripts/cluster.sh), each pinned to a core.
#
# Environment: BENCH_SECONDS (5), BENCH_CONNECTIONS (64), BENCH_CLUSTER_LOGINS
# (600), BENCH_REPORT_SCALE (1; see bench_report.c), BENCH_PG_SETTINGS (lines
# added to the benchmark cluster's postgresql.conf, see pg_start), BENCH_ONLY
# (see want below). PGBIN: PostgreSQL's programs (/usr/lib/postgresql/15/bin).
set -u
BUILD=${1:-build}
# bench_live holds thousands of event streams, each a descriptor here and
# one in quizd: raise the open-files limit as far as the hard limit allows.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cd "$(dirname "$0")/.." || exit 1
OUT=$BUILD/bench-out
mkdir -p "$OUT"
DUR=${BENCH_SECONDS:-5}
CONNS=${BENCH_CONNECTIONS:-64}

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.05; done; return 1; }
rps() { wrk -t2 -c"$CONNS" -d"${DUR}s" "$@" 2>&1 | awk '/Requests\/sec/ {print $2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
peak_rss_mb() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# The last value of KEY in a figures file (BENCH_FIGURES), empty when none.
fig() { [ -f "$1" ] && awk -v k="$2" '$1 == k { v = $2 } END { print v }' "$1"; }

# ---- PostgreSQL for the engine comparison --------------------------------
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
# The benchmark cluster's settings beyond pg-test-cluster.sh's test sizing
# (32 MB of shared buffers, 256 MB of WAL between checkpoints): a server's
# memory and WAL room. Durability stays as the tests have it: fsync,
# synchronous_commit and full_page_writes on.
PG_SETTINGS=${BENCH_PG_SETTINGS-"shared_buffers = 1GB
max_wal_size = 2GB"}
PG_DIR=""
CLUSTER_DIR=""
stop_all() {
	if [ -n "$CLUSTER_DIR" ]; then
		BUILD=$BUILD scripts/cluster.sh stop "$CLUSTER_DIR" >/dev/null 2>&1
		rm -rf "$CLUSTER_DIR"
	fi
	CLUSTER_DIR=""
	pg_stop
}
pg_stop() {
	[ -z "$PG_DIR" ] || scripts/pg-test-cluster.sh stop "$PG_DIR" >/dev/null 2>&1
	PG_DIR=""
}
trap stop_all EXIT
trap 'exit 130' INT TERM
# Starts the benchmark's cluster once (a Unix socket in a folder under /tmp,
# as pg-test-cluster.sh wants); 1 when it cannot.
pg_start() {
	[ -z "$PG_DIR" ] || return 0
	PG_DIR=$(mktemp -d /tmp/quiz-bench-pg.XXXXXX)
	if ! PG_TEST_CLUSTER_SETTINGS=$PG_SETTINGS \
		scripts/pg-test-cluster.sh start "$PG_DIR" >"$OUT/pg-cluster.log" 2>&1; then
		echo "PostgreSQL did not start:"
		cat "$OUT/pg-cluster.log"
		rm -rf "$PG_DIR"
		PG_DIR=""
		return 1
	fi
}
pg_sql() { PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" "$@"; }
# An empty database NAME in the benchmark's cluster; prints its URL.
pg_fresh_db() {
	pg_sql -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >&2 &&
		echo "postgresql:///$1?host=$PG_DIR"
}

# One line of an engine comparison: TITLE SQLITE PG CHECK LIMIT, CHECK being
# min (PostgreSQL / SQLite at least LIMIT), max (at most LIMIT) or none.
engine_row() {
	awk -v t="$1" -v a="$2" -v b="$3" -v c="$4" -v l="${5:-0}" 'BEGIN {
		if (a == "" || b == "" || a + 0 <= 0) {
			printf "%-36s %12s %12s %10s\n", t, a == "" ? "-" : a, b == "" ? "-" : b, "n/a"
			exit
		}
		r = b / a
		if (c == "none") {
			printf "%-36s %12.1f %12.1f %10.2f\n", t, a, b, r
			exit
		}
		ok = (c == "min") ? r >= l : r <= l
		printf "%-36s %12.1f %12.1f %10.2f   target %s %.2f: %s\n", t, a, b, r,
			c == "min" ? ">=" : "<=", l, ok ? "met" : "NOT met"
	}'
}
engine_head() {
	echo
	echo "== $1 on PostgreSQL beside SQLite, same run"
	echo "(PostgreSQL 15 on a Unix socket: fsync, synchronous_commit on; $(printf '%s\n' "$PG_SETTINGS" | awk 'NR > 1 { printf ", " } { printf "%s", $0 }'))"
	printf '%-36s %12s %12s %10s\n' "" SQLite PostgreSQL "PG/SQLite"
}

# bench_quiz on each engine: saves and starts on PostgreSQL at least half
# of SQLite's (issue 14).
engines_quiz() {
	local sq=$OUT/figures-quiz-sqlite.txt pg=$OUT/figures-quiz-pg.txt url
	rm -f "$sq" "$pg"
	echo
	echo "== bench_quiz (SQLite)"
	BENCH_FIGURES=$sq "$BUILD/bench/bench_quiz" "$BUILD" || echo "bench_quiz failed"
	echo
	echo "== bench_quiz (PostgreSQL)"
	if pg_start && url=$(pg_fresh_db bench_quiz); then
		BENCH_DB=$url BENCH_FIGURES=$pg "$BUILD/bench/bench_quiz" "$BUILD" ||
			echo "bench_quiz on PostgreSQL failed"
	fi
	engine_head bench_quiz
	engine_row "answer saves/s" "$(fig "$sq" saves_per_s)" "$(fig "$pg" saves_per_s)" min 0.5
	engine_row "attempt starts/s" "$(fig "$sq" starts_per_s)" "$(fig "$pg" starts_per_s)" min 0.5
	engine_row "answer saves p99 (ms)" "$(fig "$sq" saves_p99_ms)" "$(fig "$pg" saves_p99_ms)" none
}

# bench_report on each engine: the PostgreSQL province is the SQLite one
# copied by quizadm migrate (as an operator moves a province), then
# VACUUM ANALYZE as after any bulk load; reports within 2x of SQLite's.
engines_report() {
	local sq=$OUT/figures-report-sqlite.txt pg=$OUT/figures-report-pg.txt url file t0
	rm -f "$sq" "$pg"
	echo
	echo "== bench_report (SQLite)"
	BENCH_FIGURES=$sq "$BUILD/bench/bench_report" "$BUILD" || echo "bench_report failed"
	echo
	echo "== bench_report (PostgreSQL)"
	file=$(fig "$sq" province_file)
	if [ -n "$file" ] && pg_start && url=$(pg_fresh_db bench_report); then
		t0=$(date +%s)
		if "$BUILD/quizadm" migrate --from "$file" --to "$url" \
			>"$OUT/report-migrate.log" 2>&1; then
			pg_sql -d bench_report -c "VACUUM ANALYZE"
			echo "province copied from $file by quizadm migrate in $(($(date +%s) - t0)) s" \
				"(log: $OUT/report-migrate.log), then VACUUM ANALYZE"
		else
			echo "quizadm migrate failed (tail of $OUT/report-migrate.log below);" \
				"bench_report generates the province on PostgreSQL instead"
			tail -n 5 "$OUT/report-migrate.log"
			url=$(pg_fresh_db bench_report)
		fi
		BENCH_DB=$url BENCH_FIGURES=$pg "$BUILD/bench/bench_report" "$BUILD" ||
			echo "bench_report on PostgreSQL failed"
	fi
	engine_head bench_report
	engine_row "participation report (ms, median)" "$(fig "$sq" participation_ms)" \
		"$(fig "$pg" participation_ms)" max 2
	engine_row "plan report (ms, median)" "$(fig "$sq" plan_ms)" "$(fig "$pg" plan_ms)" max 2
	engine_row "fastest SQL aggregate (ms, median)" "$(fig "$sq" aggregate_ms)" \
		"$(fig "$pg" aggregate_ms)" none
	pg_stop
}

# Sends one command to HAProxy's admin socket.
haproxy_cmd() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
print(s.recv(65536).decode().strip())' "$1" "$2"
}

# Waits up to 20 s for HAProxy to send a request to instance $2 (q1, q2).
wait_instance() {
	for _ in $(seq 100); do
		curl -s -D - -o /dev/null "$1/healthz" | grep -qi "^x-quiz-instance: $2" && return 0
		sleep 0.2
	done
	return 1
}

# Logins through HAProxy with one instance (the second in maintenance), then
# two, each quizd pinned to its own core, beside raw Argon2id verification on
# the same cores (bench_login's reference), all in this run.
logins_cluster() {
	local n cpus one=$OUT/figures-logins-1.txt two=$OUT/figures-logins-2.txt
	local logins=${BENCH_CLUSTER_LOGINS:-600}
	n=$(nproc)
	if [ "$n" -ge 2 ]; then cpus="0 1"; else cpus="0 0"; fi
	rm -f "$one" "$two"
	echo
	echo "== Logins through HAProxy on PostgreSQL: one, then two quizd instances, each pinned (taskset)"
	CLUSTER_DIR=$(mktemp -d /tmp/quiz-bench-cluster.XXXXXX)
	chmod 755 "$CLUSTER_DIR"
	# One hashing thread per instance, as fits an instance of one core (the
	# default, one per core of the machine, would run two on each).
	if ! QUIZ_CLUSTER_CPUS=$cpus QUIZD_HASH_THREADS=1 BUILD=$BUILD \
		scripts/cluster.sh start "$CLUSTER_DIR" \
		>"$OUT/cluster.log" 2>&1; then
		echo "scripts/cluster.sh did not start:"
		tail -n 20 "$OUT/cluster.log"
		return
	fi
	# shellcheck disable=SC1091
	. "$CLUSTER_DIR/cluster.env"
	"$BUILD/quizadm" --db "$QUIZ_CLUSTER_DB" --data-dir "$QUIZ_CLUSTER_DATA_DIR" \
		units import /dev/stdin >/dev/null <<CSV
code,name,kind,parent_code
B,Bench,province,
CSV
	"$BUILD/quizadm" --db "$QUIZ_CLUSTER_DB" --data-dir "$QUIZ_CLUSTER_DATA_DIR" \
		users import "$OUT/users.csv" >/dev/null
	echo "this machine has $n cores: quizd 1 on core ${cpus% *}, quizd 2 on core ${cpus#* }," \
		"one hashing thread each; the load generator (bench_login, one thread), HAProxy and" \
		"PostgreSQL are not pinned and share these cores with them"
	echo "-- one instance (quizd 2 in maintenance in HAProxy)"
	haproxy_cmd "$CLUSTER_DIR/haproxy.sock" "disable server quiz/q2" >/dev/null
	BENCH_LOGIN_CPUS=${cpus% *} BENCH_LOGIN_CONNECTIONS=200 BENCH_FIGURES=$one \
		"$BUILD/bench/bench_login" "$QUIZ_CLUSTER_URL" bench 50 bench-password-1 "$logins"
	echo "-- two instances"
	haproxy_cmd "$CLUSTER_DIR/haproxy.sock" "enable server quiz/q2" >/dev/null
	wait_instance "$QUIZ_CLUSTER_URL" q2 || echo "HAProxy did not take quizd 2 back in 20 s"
	BENCH_LOGIN_CPUS=$cpus BENCH_LOGIN_CONNECTIONS=200 BENCH_FIGURES=$two \
		"$BUILD/bench/bench_login" "$QUIZ_CLUSTER_URL" bench 50 bench-password-1 "$logins"
	awk -v l1="$(fig "$one" logins_per_s)" -v r1="$(fig "$one" raw_verify_per_s)" \
		-v l2="$(fig "$two" logins_per_s)" -v r2="$(fig "$two" raw_verify_per_s)" 'BEGIN {
		if (l1 <= 0 || r1 <= 0 || l2 <= 0 || r2 <= 0) { print "logins: figures missing"; exit }
		printf "%-28s %10s %24s %8s\n", "", "logins/s", "raw Argon2id verifies/s", "ratio"
		printf "%-28s %10.1f %24.1f %8.2f\n", "one instance, one core", l1, r1, l1 / r1
		printf "%-28s %10.1f %24.1f %8.2f\n", "two instances, two cores", l2, r2, l2 / r2
		printf "scale from one instance to two: %.2fx logins/s (raw Argon2id: %.2fx)\n", l2 / l1, r2 / r1
	}'
	BUILD=$BUILD scripts/cluster.sh stop "$CLUSTER_DIR" >/dev/null 2>&1
	rm -rf "$CLUSTER_DIR"
	CLUSTER_DIR=""
}

# The accounts every login benchmark logs in with.
{
	echo "username,password,full_name,unit_code,audience,role"
	for i in $(seq 0 49); do echo "bench$i,bench-password-1,Người Thử $i,B,public,participant"; done
} > "$OUT/users.csv"

# quizd over HTTP beside the ceiling, then a login burst on the same quizd.
http_and_logins() {
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
}

# BENCH_ONLY="http cluster-logins bench_quiz ...": only these sections (for
# checking one of them; the figures are meant to come from a whole run).
want() {
	[ -z "${BENCH_ONLY:-}" ] && return 0
	case " $BENCH_ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

want http && http_and_logins
want cluster-logins && logins_cluster

for b in "$BUILD"/bench/bench_*; do
	[ -x "$b" ] || continue
	want "$(basename "$b")" || continue
	case "$(basename "$b")" in
	bench_login) continue ;;
	bench_quiz) engines_quiz; continue ;;
	bench_report) engines_report; continue ;;
	esac
	echo
	echo "== $(basename "$b")"
	"$b" "$BUILD" || echo "$(basename "$b") failed"
done
