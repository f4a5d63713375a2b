#!/bin/sh
# A throwaway PostgreSQL cluster for the test suites (make test-pg).
#
#   scripts/pg-test-cluster.sh start DIR   initdb into DIR/data, start it, create
#                                          database quiztest, print its URL
#   scripts/pg-test-cluster.sh url DIR     print the URL of the cluster in DIR
#   scripts/pg-test-cluster.sh stop DIR    stop it (fast) and remove DIR
#
# The server listens only on a Unix socket in DIR (no TCP port, so several
# clusters can run at once), runs as an unprivileged user (initdb refuses
# root: run as root, the script uses the system user quiztest, made when
# missing) and keeps fsync on, as crash tests need real durability. The
# bootstrap superuser is named after the caller, so the URL
# postgresql:///quiztest?host=DIR needs neither a user nor a password
# (trust on the socket only). A DIR left by a killed run is stopped and
# made again by start.
#
# PG_TEST_CLUSTER_SETTINGS: more postgresql.conf lines for start, after the
# test sizing (a later line wins), e.g. the benchmarks' larger shared_buffers.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
RUN_USER=quiztest

usage() {
	echo "usage: $0 start|stop|url DIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
case $2 in
/*) dir=$2 ;;
*) dir=$(pwd)/$2 ;;
esac
data=$dir/data

# Runs a command as the cluster's owner: quiztest when we are root,
# ourselves otherwise.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$RUN_USER" -- "$@"
	else
		"$@"
	fi
}

url() {
	echo "postgresql:///quiztest?host=$dir"
}

# Stops whatever server a previous run left in DIR (a killed test run) and
# removes DIR; nothing to do when DIR does not exist.
clear_dir() {
	if [ -f "$data/postmaster.pid" ]; then
		as_owner "$PGBIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

start() {
	[ -x "$PGBIN/initdb" ] || {
		echo "pg-test-cluster: $PGBIN/initdb missing (install postgresql-15: make test-deps)" >&2
		exit 1
	}
	if [ "$(id -u)" -eq 0 ] && ! id -u "$RUN_USER" >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
	fi
	clear_dir
	mkdir -p "$dir"
	chmod 700 "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$RUN_USER" "$dir"
	fi
	if ! as_owner test -w "$dir"; then
		echo "pg-test-cluster: $RUN_USER cannot write $dir (a folder above it is closed to it); use one under /tmp" >&2
		rm -rf "$dir"
		exit 1
	fi
	superuser=$(id -un)
	if ! as_owner "$PGBIN/initdb" -D "$data" -U "$superuser" --locale=C --encoding=UTF8 \
		--auth=trust --no-sync >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		exit 1
	fi
	# Sized for tests: every quizd opens a connection per HTTP thread plus
	# its committer, sweeper and merger, and unit tests open a few each;
	# a fixture's schema is dropped with its hundred tables, indexes and
	# triggers in one transaction (max_locks_per_transaction).
	cat >>"$data/postgresql.conf" <<EOF

# pg-test-cluster.sh
listen_addresses = ''
unix_socket_directories = '$dir'
max_connections = 300
max_locks_per_transaction = 256
shared_buffers = 32MB
fsync = on
synchronous_commit = on
full_page_writes = on
max_wal_size = 256MB
logging_collector = off
log_min_messages = warning
EOF
	if [ -n "${PG_TEST_CLUSTER_SETTINGS:-}" ]; then
		printf '%s\n' "$PG_TEST_CLUSTER_SETTINGS" >>"$data/postgresql.conf"
	fi
	if ! as_owner "$PGBIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
		cat "$dir/server.log" >&2
		exit 1
	fi
	if ! "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -U "$superuser" -d postgres \
		-c "CREATE DATABASE quiztest" >/dev/null; then
		echo "pg-test-cluster: cannot create database quiztest" >&2
		exit 1
	fi
	url
}

stop() {
	if [ -f "$data/postmaster.pid" ]; then
		as_owner "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null ||
			as_owner "$PGBIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null || true
	fi
	rm -rf "$dir"
}

case $cmd in
start) start ;;
stop) stop ;;
url) url ;;
*) usage ;;
esac
