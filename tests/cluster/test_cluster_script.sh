#!/bin/sh
# scripts/cluster.sh end to end: start the layout (PostgreSQL, two quizd,
# HAProxy), check HAProxy spreads /healthz over both instances, that an
# account made by quizadm (QUIZD_DB from the environment) logs in through
# HAProxy, that a killed instance leaves the other serving every request,
# that status reports it, and that stop ends every process.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLUSTER=$ROOT/scripts/cluster.sh
BUILD=${BUILD:-$ROOT/build}
export BUILD
DIR=$(mktemp -d /tmp/quiz-cluster-test.XXXXXX)
failed=0
passed=0

cleanup() {
	"$CLUSTER" stop "$DIR" >/dev/null 2>&1 || true
	rm -rf "$DIR"
}
trap cleanup EXIT

ok() {
	passed=$((passed + 1))
	echo "ok - $1"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL - $1"
}

# The instance header of an answer through HAProxy to GET $1, or the status
# when it is not one of $2 (a list; "200" when not given).
instance_of() {
	code=$(curl -s -o /dev/null -D "$DIR/headers" -w '%{http_code}' -m 5 "$QUIZ_CLUSTER_URL$1")
	case " ${2:-200} " in
	*" $code "*) tr -d '\r' <"$DIR/headers" | sed -n 's/^[Xx]-[Qq]uiz-[Ii]nstance: //p' ;;
	*) echo "status-$code" ;;
	esac
}

# A command on HAProxy's admin socket.
lb_admin() {
	printf '%s\n' "$1" | /usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
s.recv(65536)' "$DIR/haproxy.sock"
}

# Six /healthz through HAProxy: who answered each, one word each.
six_healthz() {
	for _ in 1 2 3 4 5 6; do
		printf ' %s' "$(instance_of /healthz)"
	done
}

QUIZ_CLUSTER_DB_GIVEN=${QUIZ_CLUSTER_DB:-}
"$CLUSTER" start "$DIR" >"$DIR/start.out" 2>&1 || {
	cat "$DIR/start.out"
	echo "FAIL - scripts/cluster.sh start"
	exit 1
}
ok "cluster.sh start"
# shellcheck disable=SC1091
. "$DIR/cluster.env"

# quizadm init made both keys the instances share before either started.
cert=$(wc -c <"$QUIZ_CLUSTER_DATA_DIR/certificate-signing.key" 2>/dev/null || echo 0)
card=$(wc -c <"$QUIZ_CLUSTER_DATA_DIR/login-card.key" 2>/dev/null || echo 0)
[ "$cert" -eq 64 ] && [ "$card" -eq 32 ] && ok "quizadm init made the signing key and the login-card key" ||
	fail "keys in $QUIZ_CLUSTER_DATA_DIR: certificate $cert bytes, login card $card bytes"

"$CLUSTER" status "$DIR" >"$DIR/status.out" && ok "status: every process runs and answers" ||
	{ cat "$DIR/status.out"; fail "status after start"; }

seen=$(six_healthz)
case "$seen" in
*status-*) fail "/healthz through HAProxy not 200 every time:$seen" ;;
*q1*q2* | *q2*q1*) ok "/healthz through HAProxy reaches both instances:$seen" ;;
*) fail "/healthz through HAProxy reached one instance only:$seen" ;;
esac

QUIZD_DB=$QUIZ_CLUSTER_DB QUIZD_DATA_DIR=$QUIZ_CLUSTER_DATA_DIR "$BUILD/quizadm" user add \
	--username clusteradmin --password 'Cluster-Test-2026' --role admin >"$DIR/quizadm.out" 2>&1 &&
	ok "quizadm user add with QUIZD_DB from the environment" ||
	{ cat "$DIR/quizadm.out"; fail "quizadm user add with QUIZD_DB"; }
for n in 1 2; do
	code=$(curl -s -o "$DIR/login.json" -w '%{http_code}' -m 20 -H 'Content-Type: application/json' \
		-d '{"username":"clusteradmin","password":"Cluster-Test-2026"}' "$QUIZ_CLUSTER_URL/api/v1/auth/login")
	if [ "$code" = 200 ] && grep -q '"token"' "$DIR/login.json"; then
		ok "login $n through HAProxy"
	else
		fail "login $n through HAProxy: $code $(cat "$DIR/login.json")"
	fi
done

# HAProxy replaces an X-Forwarded-For the client sent: quizd, which
# believes the header from the proxy's address, logs the real client. The
# same header sent to quizd directly (from that trusted address) is
# believed, so the check can tell the two apart.
curl -s -o /dev/null -m 5 -H 'X-Forwarded-For: 10.9.9.9' "$QUIZ_CLUSTER_URL/api/v1/xff-through-proxy"
curl -s -o /dev/null -m 5 -H 'X-Forwarded-For: 10.9.9.9' "$QUIZ_CLUSTER_Q1_URL/api/v1/xff-direct"
n=0
while [ $n -lt 50 ]; do
	proxied=$(grep -h 'xff-through-proxy' "$DIR/quizd1.log" "$DIR/quizd2.log" | awk '{print $2}')
	direct=$(grep -h 'xff-direct' "$DIR/quizd1.log" | awk '{print $2}')
	[ -z "$proxied" ] || [ -z "$direct" ] || break
	n=$((n + 1))
	sleep 0.2
done
[ "$proxied" = 127.0.0.1 ] && [ "$direct" = 10.9.9.9 ] &&
	ok "a client's own X-Forwarded-For is replaced by HAProxy (logged $proxied; sent directly: $direct)" ||
	fail "X-Forwarded-For through HAProxy logged as '$proxied', directly as '$direct'"

# Requests naming a live game go to one instance per game, whatever their
# query and route; the games spread over both (no such games: 401 without a
# player, 404 for an unknown player, 405 for GET on answers, each answered
# by the game's instance).
games=""
for id in 1 2 3 4 5 6 7 8 9 10 11 12; do
	a=$(instance_of "/api/v1/live/$id/events" 401)
	b=$(instance_of "/api/v1/live/$id/events?player=x$id" 404)
	c=$(instance_of "/api/v1/live/$id/answers" 405)
	[ "$a" = "$b" ] && [ "$a" = "$c" ] || a="split:$a/$b/$c"
	games="$games $a"
done
case "$games" in
*split* | *status-*) fail "a live game's requests reached different instances:$games" ;;
*q1*q2* | *q2*q1*) ok "each live game's requests reach one instance, games on both:$games" ;;
*) fail "every live game on one instance:$games" ;;
esac

# A live game's event stream: when the instance holding the game leaves
# HAProxy's rotation, its stream is closed at once and a reconnection
# reaches the other instance, which loads the game from storage.
token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$DIR/login.json")
QUIZD_DB=$QUIZ_CLUSTER_DB QUIZD_DATA_DIR=$QUIZ_CLUSTER_DATA_DIR "$BUILD/quizadm" bank import \
	"$ROOT/question-banks/vi/civil_servant.json" >"$DIR/bank.out" 2>&1 || cat "$DIR/bank.out"
curl -s -o "$DIR/game.json" -m 20 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
	-d '{"bank":"vi-civil-servant","count":2,"seconds_per_question":30}' "$QUIZ_CLUSTER_URL/api/v1/live"
game=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$DIR/game.json")
if [ -z "$game" ]; then
	fail "live game created through HAProxy: $(cat "$DIR/game.json")"
else
	(
		curl -sN -m 30 -D "$DIR/events.headers" -H "Authorization: Bearer $token" \
			"$QUIZ_CLUSTER_URL/api/v1/live/$game/events" >"$DIR/events.out" || true
		touch "$DIR/events.ended"
	) &
	n=0
	while ! grep -q '^event: lobby' "$DIR/events.out" 2>/dev/null && [ $n -lt 50 ]; do
		n=$((n + 1))
		sleep 0.2
	done
	owner=$(tr -d '\r' <"$DIR/events.headers" | sed -n 's/^[Xx]-[Qq]uiz-[Ii]nstance: //p')
	lb_admin "disable health quiz/$owner"
	lb_admin "set server quiz/$owner health down"
	n=0
	while [ ! -e "$DIR/events.ended" ] && [ $n -lt 25 ]; do
		n=$((n + 1))
		sleep 0.2
	done
	[ -e "$DIR/events.ended" ] && ok "the stream of game $game on $owner closed within 5 s of $owner leaving" ||
		fail "the stream of game $game stayed open on $owner after it left the rotation"
	curl -sN -m 3 -D "$DIR/events2.headers" -H "Authorization: Bearer $token" \
		"$QUIZ_CLUSTER_URL/api/v1/live/$game/events" >"$DIR/events2.out" || true
	other=$(tr -d '\r' <"$DIR/events2.headers" | sed -n 's/^[Xx]-[Qq]uiz-[Ii]nstance: //p')
	if [ -n "$other" ] && [ "$other" != "$owner" ] && grep -q '^event: lobby' "$DIR/events2.out"; then
		ok "reconnected, game $game is served by $other from storage"
	else
		fail "reconnection to game $game: instance '$other' (was $owner), $(head -c 200 "$DIR/events2.out")"
	fi
	lb_admin "set server quiz/$owner health up"
	lb_admin "enable health quiz/$owner"
	wait
fi

# /healthz fails on an instance whose database is gone, so HAProxy takes
# it out; once PostgreSQL is back the instances reconnect and return.
# (Only with the PostgreSQL the script started itself.)
if [ -z "${QUIZ_CLUSTER_DB_GIVEN:-}" ]; then
	"$CLUSTER" db-stop "$DIR" immediate
	code=$(curl -s -o "$DIR/health.json" -w '%{http_code}' -m 5 "$QUIZ_CLUSTER_Q1_URL/healthz")
	[ "$code" = 503 ] && grep -q 'cannot be read' "$DIR/health.json" &&
		ok "with PostgreSQL stopped, an instance's /healthz is 503" ||
		fail "with PostgreSQL stopped, /healthz gave $code $(cat "$DIR/health.json")"
	n=0
	while [ "$(instance_of /healthz 503)" != "" ] && [ $n -lt 100 ]; do
		n=$((n + 1))
		sleep 0.2
	done
	[ "$(instance_of /healthz 503)" = "" ] && ok "HAProxy answers 503 itself once both instances are out" ||
		fail "HAProxy still reaches an instance with PostgreSQL stopped"
	"$CLUSTER" db-start "$DIR"
	n=0
	seen=""
	while [ $n -lt 100 ]; do
		seen=$(six_healthz)
		case "$seen" in
		*status-*) ;;
		*q1*q2* | *q2*q1*) break ;;
		esac
		n=$((n + 1))
		sleep 0.2
	done
	case "$seen" in
	*status-*) fail "after PostgreSQL restarted, /healthz through HAProxy:$seen" ;;
	*q1*q2* | *q2*q1*) ok "after PostgreSQL restarted, both instances serve again:$seen" ;;
	*) fail "after PostgreSQL restarted, one instance only:$seen" ;;
	esac
fi

# SIGKILL quizd 1, and wait until it is gone (its sockets closed): a
# request racing the kill itself may fail, as in any crash.
pid1=$(cat "$DIR/quizd1.pid")
kill -9 "$pid1"
n=0
while [ $n -lt 50 ]; do
	case $(ps -o stat= -p "$pid1" 2>/dev/null || echo gone) in
	gone | Z*) break ;;
	esac
	n=$((n + 1))
	sleep 0.1
done
seen=$(six_healthz)
case "$seen" in
*status-* | *q1*) fail "with quizd 1 killed, not every request answered by quizd 2:$seen" ;;
*) ok "with quizd 1 killed, quizd 2 answers every request:$seen" ;;
esac
games=""
for id in 1 2 3 4 5 6 7 8 9 10 11 12; do
	games="$games $(instance_of "/api/v1/live/$id/events" 401)"
done
case "$games" in
*status-* | *q1*) fail "with quizd 1 killed, live games not all on quizd 2:$games" ;;
*) ok "with quizd 1 killed, its live games move to quizd 2" ;;
esac
if "$CLUSTER" status "$DIR" >"$DIR/status.out"; then
	fail "status exits 0 with quizd 1 killed"
else
	grep -q '^quizd1 not running' "$DIR/status.out" && ok "status names the stopped instance" ||
		{ cat "$DIR/status.out"; fail "status output with quizd 1 killed"; }
fi

pids="$(cat "$DIR/quizd2.pid") $(cat "$DIR/haproxy.pid")"
"$CLUSTER" stop "$DIR" >"$DIR/stop.out" 2>&1 || { cat "$DIR/stop.out"; fail "cluster.sh stop"; }
left=""
for pid in $pids; do
	case $(ps -o stat= -p "$pid" 2>/dev/null || echo gone) in
	gone | Z*) ;;
	*) left="$left $pid" ;;
	esac
done
[ -z "$left" ] && [ ! -e "$DIR/pg" ] && ok "stop ends every process and the database" ||
	fail "stop left processes:$left or $DIR/pg"

echo "cluster script: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
