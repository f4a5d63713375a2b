#!/bin/sh
# The cluster layout of docker-compose.yml (profile "cluster") on one machine
# without containers: PostgreSQL, two quizd on it and HAProxy in front
# (deploy/haproxy.cfg). For the two-instance tests and the benchmarks.
#
#   scripts/cluster.sh start DIR    start everything; DIR holds the logs, pid
#                                   files, keys and DIR/cluster.env
#   scripts/cluster.sh status DIR   each process and its /healthz; 0 when all run
#   scripts/cluster.sh stop DIR     stop HAProxy, both quizd, then PostgreSQL
#   scripts/cluster.sh db-stop DIR [fast|immediate]   stop only PostgreSQL
#                                   (immediate: as after a crash, no checkpoint)
#   scripts/cluster.sh db-start DIR start it again (the instances reconnect)
#
# DIR/cluster.env (sourceable) names what start made:
#   QUIZ_CLUSTER_URL     http://127.0.0.1:PORT, through HAProxy
#   QUIZ_CLUSTER_Q1_URL  the first quizd directly (pid in DIR/quizd1.pid)
#   QUIZ_CLUSTER_Q2_URL  the second quizd directly (pid in DIR/quizd2.pid)
#   QUIZ_CLUSTER_DB      the database URL both use (give it to quizadm --db)
#   QUIZ_CLUSTER_DATA_DIR  the key directory both share (quizadm --data-dir)
#
# Settings (environment):
#   QUIZ_CLUSTER_PORT, QUIZ_CLUSTER_Q1_PORT, QUIZ_CLUSTER_Q2_PORT
#       ports of HAProxy and of the two quizd (free ports when unset)
#   QUIZ_CLUSTER_CPUS="0 1"  pin quizd 1 and 2 to these cores (taskset -c)
#   QUIZ_CLUSTER_DB    an existing database URL to use instead of starting a
#                      PostgreSQL cluster in DIR/pg (scripts/pg-test-cluster.sh)
#   QUIZ_CLUSTER_QUIZD_ARGS  more quizd flags for both instances
#   QUIZD_*            read by both quizd as usual (e.g. QUIZD_THREADS)
#   BUILD              where quizd and quizadm are (build)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
QUIZD=$BUILD/quizd
QUIZADM=$BUILD/quizadm
PG_CLUSTER=$ROOT/scripts/pg-test-cluster.sh
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
HAPROXY_CFG=$ROOT/deploy/haproxy.cfg

die() {
	echo "cluster.sh: $*" >&2
	exit 1
}

usage() {
	echo "usage: scripts/cluster.sh start|stop|status|db-start DIR, or db-stop DIR [fast|immediate]" >&2
	exit 2
}

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Prints the HTTP status of URL/healthz (000 when nothing answers).
healthz() {
	curl -s -o /dev/null -m 3 -w '%{http_code}' "$1/healthz" || true
}

# Waits up to $2 seconds for URL/healthz to answer 200.
wait_healthy() {
	n=0
	while [ "$(healthz "$1")" != 200 ]; do
		n=$((n + 1))
		[ "$n" -le $(($2 * 5)) ] || return 1
		sleep 0.2
	done
}

# Whether the process of pid file $1 runs (a killed one not yet reaped by
# its parent is a zombie: not running).
alive() {
	[ -s "$1" ] || return 1
	state=$(ps -o stat= -p "$(cat "$1")" 2>/dev/null) || return 1
	case $state in
	Z*) return 1 ;;
	esac
}

# Stops the process of pid file $1: SIGTERM, then SIGKILL after 15 s.
stop_pid() {
	alive "$1" || {
		rm -f "$1"
		return 0
	}
	pid=$(cat "$1")
	kill "$pid" 2>/dev/null || true
	n=0
	while alive "$1"; do
		n=$((n + 1))
		if [ "$n" -gt 150 ]; then
			echo "cluster.sh: pid $pid did not stop in 15 s, killing it" >&2
			kill -9 "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.1
	done
	rm -f "$1"
}

# The core instance $1 (1 or 2) is pinned to, from QUIZ_CLUSTER_CPUS.
cpu_of() {
	# shellcheck disable=SC2086
	set -- "$1" ${QUIZ_CLUSTER_CPUS:-}
	[ $# -gt "$1" ] || return 0
	shift "$1"
	echo "$1"
}

start_quizd() {
	i=$1
	port=$2
	cpu=$(cpu_of "$i")
	pin=""
	[ -z "$cpu" ] || pin="taskset -c $cpu"
	# shellcheck disable=SC2086
	$pin "$QUIZD" --db "$DB" --listen "127.0.0.1:$port" --data-dir "$DIR/keys" \
		--trusted-proxy 127.0.0.1 --per-ip-connections 4096 \
		${QUIZ_CLUSTER_QUIZD_ARGS:-} >"$DIR/quizd$i.log" 2>&1 &
	echo $! >"$DIR/quizd$i.pid"
	wait_healthy "http://127.0.0.1:$port" 60 || {
		tail -n 20 "$DIR/quizd$i.log" >&2
		return 1
	}
}

cmd_stop() {
	stop_pid "$DIR/haproxy.pid"
	stop_pid "$DIR/quizd2.pid"
	stop_pid "$DIR/quizd1.pid"
	if [ -e "$DIR/pg-started" ]; then
		"$PG_CLUSTER" stop "$DIR/pg"
		rm -f "$DIR/pg-started"
	fi
	rm -f "$DIR/cluster.env"
}

cmd_start() {
	[ -x "$QUIZD" ] && [ -x "$QUIZADM" ] || die "build quizd and quizadm first (make)"
	command -v haproxy >/dev/null || die "haproxy is missing (apt-get install haproxy)"
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
	# PostgreSQL runs as an unprivileged user when we are root
	# (pg-test-cluster.sh): it must pass through DIR to DIR/pg.
	chmod 711 "$DIR"
	for p in haproxy quizd1 quizd2; do
		! alive "$DIR/$p.pid" || die "$p already runs from $DIR (scripts/cluster.sh stop $DIR)"
	done
	trap 'echo "cluster.sh: start failed, stopping what started" >&2; cmd_stop' EXIT
	if [ -n "${QUIZ_CLUSTER_DB:-}" ]; then
		DB=$QUIZ_CLUSTER_DB
	else
		[ -x "$PG_CLUSTER" ] || die "$PG_CLUSTER is missing"
		"$PG_CLUSTER" start "$DIR/pg" >"$DIR/pg-cluster.log" 2>&1 || {
			cat "$DIR/pg-cluster.log" >&2
			die "PostgreSQL did not start"
		}
		touch "$DIR/pg-started"
		DB=$("$PG_CLUSTER" url "$DIR/pg")
	fi
	mkdir -p "$DIR/keys"
	chmod 700 "$DIR/keys"
	# Migrations run once, here, before either instance starts; this also
	# makes the keys both instances must share.
	"$QUIZADM" --db "$DB" --data-dir "$DIR/keys" init >"$DIR/quizadm-init.log" 2>&1 || {
		cat "$DIR/quizadm-init.log" >&2
		die "quizadm init failed"
	}
	p1=${QUIZ_CLUSTER_Q1_PORT:-$(free_port)}
	p2=${QUIZ_CLUSTER_Q2_PORT:-$(free_port)}
	lb=${QUIZ_CLUSTER_PORT:-$(free_port)}
	start_quizd 1 "$p1" || die "quizd 1 did not answer /healthz on port $p1"
	start_quizd 2 "$p2" || die "quizd 2 did not answer /healthz on port $p2"
	QUIZ_LB_BIND=127.0.0.1:$lb QUIZ_LB_Q1=127.0.0.1:$p1 QUIZ_LB_Q2=127.0.0.1:$p2 \
		QUIZ_LB_SOCKET=$DIR/haproxy.sock \
		haproxy -f "$HAPROXY_CFG" -db >"$DIR/haproxy.log" 2>&1 &
	echo $! >"$DIR/haproxy.pid"
	wait_healthy "http://127.0.0.1:$lb" 30 || {
		tail -n 20 "$DIR/haproxy.log" >&2
		die "HAProxy did not answer /healthz on port $lb"
	}
	cat >"$DIR/cluster.env" <<EOF
QUIZ_CLUSTER_URL=http://127.0.0.1:$lb
QUIZ_CLUSTER_Q1_URL=http://127.0.0.1:$p1
QUIZ_CLUSTER_Q2_URL=http://127.0.0.1:$p2
QUIZ_CLUSTER_DB='$DB'
QUIZ_CLUSTER_DATA_DIR=$DIR/keys
EOF
	trap - EXIT
	cat "$DIR/cluster.env"
}

# db-stop [MODE] or db-start: PostgreSQL alone, as its owner (the
# unprivileged user pg-test-cluster.sh runs it as when we are root).
cmd_db() {
	[ -e "$DIR/pg-started" ] || die "no PostgreSQL started by this script in $DIR"
	data=$DIR/pg/data
	run=""
	[ "$(id -u)" -ne 0 ] || run="runuser -u $(stat -c %U "$data") --"
	case $1 in
	stop) $run "$PGBIN/pg_ctl" -D "$data" -m "$2" -w stop >/dev/null ;;
	start) $run "$PGBIN/pg_ctl" -D "$data" -l "$DIR/pg/server.log" -w -t 60 start >/dev/null ;;
	esac
}

cmd_status() {
	[ -e "$DIR/cluster.env" ] || {
		echo "not started in $DIR"
		return 1
	}
	# shellcheck disable=SC1091
	. "$DIR/cluster.env"
	ok=0
	for p in quizd1:$QUIZ_CLUSTER_Q1_URL quizd2:$QUIZ_CLUSTER_Q2_URL haproxy:$QUIZ_CLUSTER_URL; do
		name=${p%%:*}
		url=${p#*:}
		if alive "$DIR/$name.pid"; then
			code=$(healthz "$url")
			echo "$name pid $(cat "$DIR/$name.pid") $url /healthz $code"
			[ "$code" = 200 ] || ok=1
		else
			echo "$name not running"
			ok=1
		fi
	done
	echo "database $QUIZ_CLUSTER_DB"
	return $ok
}

case $#:${1:-} in
2:* | 3:db-stop) ;;
*) usage ;;
esac
DIR=$2
case $1 in
start) cmd_start ;;
stop) [ -d "$DIR" ] || die "$DIR is not a directory"; cmd_stop ;;
status) cmd_status ;;
db-stop)
	case ${3:-fast} in
	fast | immediate) cmd_db stop "${3:-fast}" ;;
	*) usage ;;
	esac
	;;
db-start) cmd_db start ;;
*) usage ;;
esac
