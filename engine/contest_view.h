/* contest_view.h - a contest leaderboard as one request sees it: the rules
 * applied per request over the kept boards of contest_board.h (the freeze
 * for everyone but admins, the unit subtree filter with ranks inside it,
 * paging), and the JSON of api.md ("Contests"). Domain code: handlers and
 * quizadm call it, and unit tests reach every rule without HTTP. */
#ifndef QUIZ_CONTEST_VIEW_H
#define QUIZ_CONTEST_VIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "outcome.h"

struct db;
struct quiz_qcache;

#define CONTEST_PAGE_LIMIT_DEFAULT 50
#define CONTEST_PAGE_LIMIT_MAX 1000
#define CONTEST_PAGE_OFFSET_MAX INT32_MAX
/* How an erased person appears on a leaderboard. */
#define CONTEST_ERASED_NAME "(đã xoá)"

struct contest_view_query {
	int64_t quiz_id;
	const char *round; /* NULL or "": every round */
	const char *unit_code; /* NULL or "": every participant */
	bool admin; /* admins see every board, live, frozen or not */
	/* Who else asks: a unit administrator sees a contest whose unit scope
	 * meets their subtree; a participant one they may take (its audiences
	 * and unit scope, quiz_visible_to). */
	bool unit_admin;
	const char *viewer_unit_path; /* NULL or "": no unit */
	const char *viewer_audience; /* NULL or "": none */
	int64_t limit; /* 1..CONTEST_PAGE_LIMIT_MAX */
	int64_t offset; /* 0..CONTEST_PAGE_OFFSET_MAX */
};

/* The page of quiz q->quiz_id's leaderboard: {"entries":[{"rank",
 * "full_name","unit_code","unit_name","score","correct_count","prediction",
 * "duration_ms","submitted_at"[,"unit_rank"]}],"total","frozen"}. Once the
 * contest's freeze_at has come (clock_now_ms), everyone but admins sees the
 * board as it stood then. With a unit, only the participants whose best
 * attempt was made in its subtree are listed, each with unit_rank, and
 * total counts them. Returns OUTCOME_OK with a new reference in *out;
 * OUTCOME_NOT_FOUND (no such contest), OUTCOME_FORBIDDEN (the viewer may
 * not see the contest: names and schools of minors), OUTCOME_INVALID (unknown round or
 * unit, limit or offset out of range) or OUTCOME_INTERNAL, with p filled.
 * The contest comes from qc (checked against its stored revision), names
 * and units from the board (contest_board_names): without a unit filter,
 * a request served a published board reads nothing else from storage. */
enum outcome contest_leaderboard_view(struct db *db, struct quiz_qcache *qc,
				      const struct contest_view_query *q, json_t **out,
				      struct problem *p);

#endif
