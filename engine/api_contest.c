/* api_contest.c - contest leaderboards and item statistics of a quiz. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "contest.h"
#include "contest_board.h"
#include "db_contest.h"
#include "db_quiz.h"
#include "itemstats.h"
#include "util.h"

#define LEADERBOARD_LIMIT_DEFAULT 50
#define LEADERBOARD_LIMIT_MAX 1000
/* How an erased person appears on a leaderboard. */
#define ERASED_NAME "(đã xoá)"

/* Parses an optional integer query argument within [min, max] into *value
 * (left alone when the argument is absent or empty).
 * Returns false after answering 400 naming it. */
static bool query_int(struct req *r, struct resp *out, const char *name, long long min,
		      long long max, long long *value)
{
	const char *s = http_query(r, name);
	char *end = NULL;
	if (!s || !*s)
		return true;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max) {
		resp_error(out, 400, "bad_request",
			   "Query '%s' must be an integer from %lld to %lld.", name, min, max);
		return false;
	}
	*value = v;
	return true;
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

static json_t *line_json(struct db *db, const struct contest_board_line *l, int64_t unit_rank)
{
	struct db_contest_person who;
	char submitted[40];
	int rc = db_contest_person(db, l->attempt_id, &who);
	if (rc < 0)
		return NULL;
	if (rc == 0)
		who.erased = true;
	clock_format(l->submitted_at, submitted);
	json_t *j = json_pack(
		"{s:I, s:s, s:o, s:o, s:f, s:i, s:o, s:I, s:s}", "rank", (json_int_t)l->rank,
		"full_name", who.erased ? ERASED_NAME : who.full_name, "unit_code",
		who.unit_code[0] ? json_string(who.unit_code) : json_null(), "unit_name",
		who.unit_name[0] ? json_string(who.unit_name) : json_null(), "score", l->score,
		"correct_count", l->correct_count, "prediction",
		l->has_prediction ? json_integer(l->prediction) : json_null(), "duration_ms",
		(json_int_t)l->duration_ms, "submitted_at", submitted);
	if (unit_rank)
		json_object_set_new(j, "unit_rank", json_integer(unit_rank));
	return j;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int api_contest_leaderboard(struct req *r, struct resp *out)
{
	struct db_quiz quiz;
	struct db_unit unit;
	struct contest_board *board = NULL;
	int64_t *unit_ids = NULL, *ranks = NULL, *unit_ranks = NULL;
	size_t nunit_ids = 0, nlines = 0, total;
	bool *member = NULL;
	long long limit = LEADERBOARD_LIMIT_DEFAULT, offset = 0;
	int64_t id;
	int ret = 0, rc;
	json_t *list = NULL;

	memset(&quiz, 0, sizeof quiz);
	if (!http_param_id(r, 0, &id))
		return resp_error(out, 404, "not_found", "No such contest.");
	rc = db_quiz_get(r->db, id, &quiz);
	if (rc < 0) {
		ret = -1;
		goto out;
	}
	if (rc == 0 || strcmp(quiz.kind, "contest") != 0) {
		resp_error(out, 404, "not_found", "No contest with id %lld.", (long long)id);
		goto out;
	}
	const char *round = http_query(r, "round");
	if (round && !*round)
		round = NULL;
	if (round && !quiz_has_round(&quiz, round)) {
		resp_error(out, 400, "bad_request",
			   "Query 'round': the contest has no round '%.64s'.", round);
		goto out;
	}
	const char *unit_code = http_query(r, "unit");
	if (unit_code && !*unit_code)
		unit_code = NULL;
	if (unit_code) {
		rc = util_valid_code(unit_code) ? db_unit_by_code(r->db, unit_code, &unit) : 0;
		if (rc < 0) {
			ret = -1;
			goto out;
		}
		if (rc == 0) {
			resp_error(out, 400, "bad_request",
				   "Query 'unit': no unit with code '%.64s'.", unit_code);
			goto out;
		}
	}
	if (!query_int(r, out, "limit", 1, LEADERBOARD_LIMIT_MAX, &limit) ||
	    !query_int(r, out, "offset", 0, INT32_MAX, &offset))
		goto out;

	/* Admins always see the live board; everyone else sees it as it stood
	 * at freeze_at once that time has come. */
	bool frozen = quiz.freeze_at && clock_now_ms() >= quiz.freeze_at &&
		      http_role_of(r->user.role) != ROLE_ADMIN;
	struct contest_board_key key = {
		.quiz_id = quiz.id,
		.round = round,
		.use_prediction = quiz.prediction_question && quiz.prediction_question[0],
		.has_cutoff = frozen,
		.cutoff_ms = quiz.freeze_at,
	};
	board = contest_board_get(r->db, &key);
	if (!board) {
		ret = -1;
		goto out;
	}
	const struct contest_board_line *lines = contest_board_lines(board, &nlines);
	total = nlines;
	if (unit_code) {
		if (db_units_within(r->db, unit.path, &unit_ids, &nunit_ids) < 0) {
			ret = -1;
			goto out;
		}
		ranks = xcalloc(nlines + 1, sizeof *ranks);
		unit_ranks = xcalloc(nlines + 1, sizeof *unit_ranks);
		member = xcalloc(nlines + 1, sizeof *member);
		for (size_t i = 0; i < nlines; i++) {
			ranks[i] = lines[i].rank;
			member[i] =
				lines[i].unit_id && bsearch(&lines[i].unit_id, unit_ids, nunit_ids,
							    sizeof *unit_ids, cmp_id);
		}
		total = contest_rank_within(ranks, member, nlines, unit_ranks);
	}

	/* The page: the offset-th to (offset+limit)-th listed line. */
	list = json_array();
	size_t listed = 0;
	for (size_t i = 0; i < nlines && listed < (size_t)(offset + limit); i++) {
		if (member && !member[i])
			continue;
		if (listed++ < (size_t)offset)
			continue;
		json_t *j = line_json(r->db, &lines[i], member ? unit_ranks[i] : 0);
		if (!j) {
			ret = -1;
			goto out;
		}
		json_array_append_new(list, j);
	}
	resp_json(out, 200,
		  json_pack("{s:O, s:I, s:b}", "entries", list, "total", (json_int_t)total,
			    "frozen", frozen));
out:
	json_decref(list);
	free(member);
	free(unit_ranks);
	free(ranks);
	free(unit_ids);
	contest_board_release(board);
	db_quiz_cleanup(&quiz);
	return ret;
}

/* A number rounded to 4 decimals, or null. */
static json_t *index_json(bool defined, double v)
{
	return defined ? json_real(round(v * 10000) / 10000) : json_null();
}

json_t *api_question_stats_json(struct db *db, int64_t quiz_id, const char *unit_path)
{
	struct db_item_score *scores = NULL;
	struct itemstats_obs *obs = NULL;
	struct itemstats_result *res = NULL;
	size_t nscores = 0, nres = 0;
	json_t *questions = NULL, *ret = NULL;
	if (db_item_scores(db, quiz_id, unit_path, &scores, &nscores) < 0)
		goto out;
	obs = nscores ? xcalloc(nscores, sizeof *obs) : NULL;
	for (size_t i = 0; i < nscores; i++) {
		/* Each question scores 0..1 in an attempt (quiz_score_answer). */
		obs[i] = (struct itemstats_obs){ scores[i].attempt_id, scores[i].question_id,
						 scores[i].score, 1.0 };
	}
	nres = itemstats_compute(obs, nscores, &res);
	questions = json_array();
	for (size_t i = 0; i < nres; i++) {
		char code[DB_CODE_MAX] = "";
		if (db_question_code(db, res[i].question_id, code) < 0)
			goto out;
		json_array_append_new(
			questions,
			json_pack(
				"{s:I, s:s, s:I, s:o, s:o}", "question_id",
				(json_int_t)res[i].question_id, "code", code, "attempts",
				(json_int_t)res[i].attempts, "facility_index",
				index_json(res[i].facility_defined, res[i].facility),
				"discrimination_index",
				index_json(res[i].discrimination_defined, res[i].discrimination)));
	}
	ret = json_pack("{s:O}", "questions", questions);
out:
	json_decref(questions);
	free(res);
	free(obs);
	free(scores);
	return ret;
}

int api_report_questions(struct req *r, struct resp *out)
{
	struct db_quiz quiz;
	long long quiz_id = 0;
	const char *unit_path = NULL;
	int ret = 0;
	memset(&quiz, 0, sizeof quiz);
	const char *quiz_arg = http_query(r, "quiz");
	if (!quiz_arg || !*quiz_arg)
		return resp_error(out, 400, "bad_request", "Query 'quiz' (a quiz id) is required.");
	if (!query_int(r, out, "quiz", 1, INT64_MAX, &quiz_id))
		return 0;
	int rc = db_quiz_get(r->db, quiz_id, &quiz);
	if (rc < 0) {
		ret = -1;
		goto out;
	}
	if (rc == 0) {
		resp_error(out, 404, "not_found", "No quiz with id %lld.", quiz_id);
		goto out;
	}
	/* A unit administrator sees the attempts made in their own subtree. */
	if (http_role_of(r->user.role) != ROLE_ADMIN) {
		if (!r->user.unit_path[0]) {
			resp_error(out, 403, "forbidden", "Your account has no unit.");
			goto out;
		}
		unit_path = r->user.unit_path;
	}
	json_t *body = api_question_stats_json(r->db, quiz.id, unit_path);
	if (!body) {
		ret = -1;
		goto out;
	}
	resp_json(out, 200, body);
out:
	db_quiz_cleanup(&quiz);
	return ret;
}
