#!/bin/sh
# The unit and HTTP suites on PostgreSQL (make test-pg): starts a throwaway
# cluster in a temporary folder (scripts/pg-test-cluster.sh), runs the
# runners with QUIZ_TEST_PG set to its URL (each fixture then works in a
# schema of its own, tests/lib/testsql.h) and stops the cluster however the
# suites end. The folder is named after the working tree, so a run killed
# before it could stop its cluster has it stopped and replaced by the next.
# Before the suites: tests/storage/compare_triggers.py and
# compare_schemas.py.
#   tests/run-pg.sh "UNIT_BINS" "HTTP_BINS"   (QUIZD and QUIZADM from the caller)
set -u
unit_bins=$1
http_bins=$2
here=$(dirname "$0")
dir="${TMPDIR:-/tmp}/quiz-pg.$(pwd | cksum | cut -d ' ' -f 1)"
trap '"$here/../scripts/pg-test-cluster.sh" stop "$dir"' EXIT
trap 'exit 130' INT TERM
url=$("$here/../scripts/pg-test-cluster.sh" start "$dir") || exit 1
export QUIZ_TEST_PG="$url"
# Every test runs on PostgreSQL: a skipped one fails the run.
export SKIP_FAILS=1
status=0
# The summaries PostgreSQL's triggers keep against SQLite's for the same
# rows, and the Vietnamese year and week of both (tests/storage).
python3 "$here/storage/compare_triggers.py" --quizadm "${QUIZADM:?}" || status=1
# The tables, columns, indexes and triggers of both engines' migrations.
python3 "$here/storage/compare_schemas.py" --quizadm "$QUIZADM" || status=1
# shellcheck disable=SC2086
"$here/run-suites.sh" "unit (postgresql)" $unit_bins || status=1
# shellcheck disable=SC2086
"$here/run-suites.sh" "HTTP (postgresql)" $http_bins || status=1
exit $status
