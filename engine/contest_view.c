/* contest_view.c - the leaderboard a request sees: freeze, unit filter,
 * paging and the JSON of api.md, over the kept boards of contest_board.c. */
#include "contest_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "contest.h"
#include "contest_board.h"
#include "contest_names.h"
#include "db.h"
#include "db_contest.h"
#include "db_quiz.h"
#include "quiz_cache.h"
#include "quiz_rules.h"
#include "util.h"

/* Logs a storage failure once and answers a message fit to show. */
static enum outcome internal(struct db *db, struct problem *p)
{
	fprintf(stderr, "leaderboard: %s\n", db_errmsg(db));
	return problem_set(p, OUTCOME_INTERNAL, "The leaderboard could not be read.");
}

/* True when round is one of q's round codes ("main" for a contest defined
 * without rounds). */
static bool quiz_has_round(const struct db_quiz *q, const char *round)
{
	if (!q->nrounds)
		return strcmp(round, "main") == 0;
	for (size_t i = 0; i < q->nrounds; i++)
		if (strcmp(q->rounds[i].code, round) == 0)
			return true;
	return false;
}

/* Whether q's viewer may see quiz's leaderboard (see contest_view.h). */
static bool viewer_may_see(const struct db_quiz *quiz, const struct contest_view_query *q)
{
	if (q->admin)
		return true;
	const char *path = q->viewer_unit_path ? q->viewer_unit_path : "";
	if (q->unit_admin)
		return quiz_scope_meets(quiz->unit_scope_id ? quiz->unit_scope_path : NULL, path);
	struct quiz_participant who = {
		.unit_path = path,
		.audience = q->viewer_audience ? q->viewer_audience : "",
	};
	return quiz_visible_to(quiz, &who);
}

/* One line as api.md shows it, with the names the board carries. */
static json_t *line_json(const struct contest_names *names, const struct contest_board_line *l,
			 int64_t unit_rank)
{
	const char *full_name = contest_names_person(names, l->participant_id);
	const char *unit_code = "", *unit_name = "";
	char submitted[40];
	if (l->unit_id)
		contest_names_unit(names, l->unit_id, &unit_code, &unit_name);
	clock_format(l->submitted_at, submitted);
	json_t *j = json_pack("{s:I, s:s, s:o, s:o, s:f, s:i, s:o, s:I, s:s}", "rank",
			      (json_int_t)l->rank, "full_name",
			      full_name ? full_name : CONTEST_ERASED_NAME, "unit_code",
			      unit_code[0] ? json_string(unit_code) : json_null(), "unit_name",
			      unit_name[0] ? json_string(unit_name) : json_null(), "score",
			      l->score, "correct_count", l->correct_count, "prediction",
			      l->has_prediction ? json_integer(l->prediction) : json_null(),
			      "duration_ms", (json_int_t)l->duration_ms, "submitted_at", submitted);
	if (unit_rank)
		json_object_set_new(j, "unit_rank", json_integer(unit_rank));
	return j;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Checks what the query names against the contest: round, unit, paging.
 * unit_path receives the unit's path ("" without a unit). */
static enum outcome check_query(struct db *db, const struct contest_view_query *q,
				const struct db_quiz *quiz, char *unit_path, size_t pathlen,
				struct problem *p)
{
	if (q->round && *q->round && !quiz_has_round(quiz, q->round))
		return problem_set(p, OUTCOME_INVALID,
				   "Query 'round': the contest has no round '%.64s'.", q->round);
	unit_path[0] = '\0';
	if (q->unit_code && *q->unit_code) {
		struct db_unit unit;
		int rc = util_valid_code(q->unit_code) ? db_unit_by_code(db, q->unit_code, &unit)
						       : 0;
		if (rc < 0)
			return internal(db, p);
		if (rc == 0)
			return problem_set(p, OUTCOME_INVALID,
					   "Query 'unit': no unit with code '%.64s'.",
					   q->unit_code);
		util_strlcpy(unit_path, unit.path, pathlen);
	}
	if (q->limit < 1 || q->limit > CONTEST_PAGE_LIMIT_MAX)
		return problem_set(p, OUTCOME_INVALID,
				   "Query 'limit' must be an integer from 1 to %d.",
				   CONTEST_PAGE_LIMIT_MAX);
	if (q->offset < 0 || q->offset > CONTEST_PAGE_OFFSET_MAX)
		return problem_set(p, OUTCOME_INVALID,
				   "Query 'offset' must be an integer from 0 to %d.",
				   CONTEST_PAGE_OFFSET_MAX);
	return OUTCOME_OK;
}

/* The lines of the subtree at unit_path: member[i] set for each, their
 * ranks among themselves in unit_ranks[i]. Returns how many, or -1. */
static long long filter_unit(struct db *db, const char *unit_path,
			     const struct contest_board_line *lines, size_t n, bool *member,
			     int64_t *unit_ranks)
{
	int64_t *unit_ids = NULL;
	size_t nunit_ids = 0;
	if (db_units_within(db, unit_path, &unit_ids, &nunit_ids) < 0)
		return -1;
	int64_t *ranks = xcalloc(n + 1, sizeof *ranks);
	for (size_t i = 0; i < n; i++) {
		ranks[i] = lines[i].rank;
		member[i] = lines[i].unit_id && bsearch(&lines[i].unit_id, unit_ids, nunit_ids,
							sizeof *unit_ids, cmp_id);
	}
	size_t total = contest_rank_within(ranks, member, n, unit_ranks);
	free(ranks);
	free(unit_ids);
	return (long long)total;
}

/* The offset-th to (offset+limit)-th listed line, as JSON. */
static json_t *page_json(const struct contest_names *names, const struct contest_view_query *q,
			 const struct contest_board_line *lines, size_t n, const bool *member,
			 const int64_t *unit_ranks)
{
	json_t *list = json_array();
	size_t listed = 0, end = (size_t)(q->offset + q->limit);
	for (size_t i = 0; i < n && listed < end; i++) {
		if (member && !member[i])
			continue;
		if (listed++ < (size_t)q->offset)
			continue;
		json_array_append_new(list,
				      line_json(names, &lines[i], member ? unit_ranks[i] : 0));
	}
	return list;
}

enum outcome contest_leaderboard_view(struct db *db, struct quiz_qcache *qc,
				      const struct contest_view_query *q, json_t **out,
				      struct problem *p)
{
	struct contest_board *board = NULL;
	int64_t *unit_ranks = NULL;
	bool *member = NULL;
	char unit_path[512];
	enum outcome o;
	*out = NULL;
	int found = 0;
	/* The definition as cached at its stored revision. */
	const struct db_quiz *quiz = quiz_qcache_quiz(qc, db, q->quiz_id, &found);
	if (found < 0)
		return internal(db, p);
	if (!quiz || strcmp(quiz->kind, "contest") != 0)
		return problem_set(p, OUTCOME_NOT_FOUND, "No contest with id %lld.",
				   (long long)q->quiz_id);
	if (!viewer_may_see(quiz, q)) {
		o = problem_set(p, OUTCOME_FORBIDDEN,
				"Bạn không thuộc đối tượng hoặc đơn vị của cuộc thi này. (You are "
				"outside this contest's audiences or units.)");
		goto out;
	}
	o = check_query(db, q, quiz, unit_path, sizeof unit_path, p);
	if (o != OUTCOME_OK)
		goto out;
	/* Admins always see the live board; everyone else sees it as it stood
	 * at freeze_at once that time has come. */
	bool frozen = quiz->freeze_at && clock_now_ms() >= quiz->freeze_at && !q->admin;
	struct contest_board_key key = {
		.quiz_id = quiz->id,
		.round = q->round && *q->round ? q->round : NULL,
		.use_prediction = quiz->prediction_question && quiz->prediction_question[0],
		.has_cutoff = frozen,
		.cutoff_ms = quiz->freeze_at,
	};
	board = contest_board_get(db, &key);
	if (!board) {
		o = internal(db, p);
		goto out;
	}
	size_t nlines = 0;
	const struct contest_board_line *lines = contest_board_lines(board, &nlines);
	long long total = (long long)nlines;
	if (unit_path[0]) {
		member = xcalloc(nlines + 1, sizeof *member);
		unit_ranks = xcalloc(nlines + 1, sizeof *unit_ranks);
		total = filter_unit(db, unit_path, lines, nlines, member, unit_ranks);
	}
	json_t *list = total < 0 ? NULL
				 : page_json(contest_board_names(board), q, lines, nlines, member,
					     unit_ranks);
	if (!list) {
		o = internal(db, p);
		goto out;
	}
	*out = json_pack("{s:o, s:I, s:b}", "entries", list, "total", (json_int_t)total, "frozen",
			 frozen);
	o = OUTCOME_OK;
out:
	free(member);
	free(unit_ranks);
	contest_board_release(board);
	return o;
}
