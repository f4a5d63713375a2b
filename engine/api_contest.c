/* api_contest.c - contest leaderboards and item statistics of a quiz. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "contest.h"
#include "db_contest.h"
#include "db_quiz.h"
#include "itemstats.h"
#include "util.h"

#define LEADERBOARD_LIMIT_DEFAULT 50
#define LEADERBOARD_LIMIT_MAX 1000
/* How an erased person appears on a leaderboard. */
#define ERASED_NAME "(đã xoá)"

/* Parses an optional non-negative integer query argument within [min, max].
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
		resp_error(out, 400, "bad_request", "Query '%s' must be an integer from %lld to %lld.",
			   name, min, max);
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

static bool entry_in_unit(const struct contest_entry *e, void *ctx)
{
	const struct db_contest_attempt *rows = ctx;
	return rows[e->attempt_index].in_unit;
}

static json_t *entry_json(struct db *db, const struct db_contest_attempt *row,
			  const struct contest_entry *e, bool with_unit_rank)
{
	struct db_contest_person who;
	char submitted[40];
	int rc = db_contest_person(db, row->attempt_id, &who);
	if (rc < 0)
		return NULL;
	if (rc == 0)
		who.erased = true;
	clock_format(e->submitted_at, submitted);
	json_t *j = json_pack("{s:I, s:s, s:o, s:o, s:f, s:i, s:o, s:I, s:s}", "rank",
			      (json_int_t)e->rank, "full_name",
			      who.erased ? ERASED_NAME : who.full_name, "unit_code",
			      who.unit_code[0] ? json_string(who.unit_code) : json_null(), "unit_name",
			      who.unit_name[0] ? json_string(who.unit_name) : json_null(), "score",
			      row->score, "correct_count", row->correct_count, "prediction",
			      row->has_prediction ? json_integer(row->prediction) : json_null(),
			      "duration_ms", (json_int_t)e->duration_ms, "submitted_at", submitted);
	if (with_unit_rank)
		json_object_set_new(j, "unit_rank", json_integer(e->unit_rank));
	return j;
}

int api_contest_leaderboard(struct req *r, struct resp *out)
{
	struct db_quiz quiz;
	struct db_unit unit;
	struct db_contest_attempt *rows = NULL;
	struct contest_attempt *attempts = NULL;
	struct contest_entry *entries = NULL, **listed = NULL;
	size_t nrows = 0, nentries = 0, nlisted = 0;
	long long limit = LEADERBOARD_LIMIT_DEFAULT, offset = 0;
	int64_t id;
	int ret = 0, rc;
	bool have_quiz = false;
	json_t *list = NULL;

	memset(&quiz, 0, sizeof quiz);
	if (!http_param_id(r, 0, &id))
		return resp_error(out, 404, "not_found", "No such contest.");
	rc = db_quiz_get(r->db, id, &quiz);
	if (rc < 0) {
		ret = -1;
		goto out;
	}
	have_quiz = rc > 0;
	if (!have_quiz || strcmp(quiz.kind, "contest") != 0) {
		resp_error(out, 404, "not_found", "No contest with id %lld.", (long long)id);
		goto out;
	}
	const char *round = http_query(r, "round");
	if (round && !*round)
		round = NULL;
	if (round && !quiz_has_round(&quiz, round)) {
		resp_error(out, 400, "bad_request", "Query 'round': the contest has no round '%.64s'.",
			   round);
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
			resp_error(out, 400, "bad_request", "Query 'unit': no unit with code '%.64s'.",
				   unit_code);
			goto out;
		}
	}
	if (!query_int(r, out, "limit", 1, LEADERBOARD_LIMIT_MAX, &limit) ||
	    !query_int(r, out, "offset", 0, INT32_MAX, &offset))
		goto out;

	/* Admins always see the live board; everyone else sees it as it stood
	 * at freeze_at once that time has come. */
	int64_t now = clock_now_ms();
	bool frozen = quiz.freeze_at && now >= quiz.freeze_at &&
		      http_role_of(r->user.role) != ROLE_ADMIN;
	if (db_contest_attempts(r->db, quiz.id, round, unit_code ? unit.path : NULL, &rows,
				&nrows) < 0) {
		ret = -1;
		goto out;
	}
	attempts = nrows ? xcalloc(nrows, sizeof *attempts) : NULL;
	for (size_t i = 0; i < nrows; i++) {
		struct contest_attempt *a = &attempts[i];
		/* An attempt without a person stands alone. */
		a->participant_id = rows[i].user_id ? rows[i].user_id : -rows[i].attempt_id;
		a->expired = rows[i].expired;
		a->score = rows[i].score;
		a->max_score = rows[i].max_score;
		a->correct_count = rows[i].correct_count;
		a->has_prediction = rows[i].has_prediction;
		a->prediction = rows[i].prediction;
		a->started_at = rows[i].started_at;
		a->deadline = rows[i].deadline;
		a->finished_at = rows[i].finished_at;
		a->duration_ms = rows[i].duration_ms;
	}
	struct contest_rules rules = {
		.use_prediction = quiz.prediction_question && quiz.prediction_question[0],
		.has_cutoff = frozen,
		.cutoff_ms = quiz.freeze_at,
	};
	nentries = contest_leaderboard(attempts, nrows, &rules, &entries, NULL);
	listed = nentries ? xcalloc(nentries, sizeof *listed) : NULL;
	if (unit_code)
		contest_rank_within(attempts, entries, nentries, entry_in_unit, rows);
	for (size_t i = 0; i < nentries; i++)
		if (!unit_code || rows[entries[i].attempt_index].in_unit)
			listed[nlisted++] = &entries[i];

	list = json_array();
	for (size_t i = (size_t)offset; i < nlisted && i < (size_t)(offset + limit); i++) {
		const struct contest_entry *e = listed[i];
		json_t *j = entry_json(r->db, &rows[e->attempt_index], e, unit_code != NULL);
		if (!j) {
			ret = -1;
			goto out;
		}
		json_array_append_new(list, j);
	}
	resp_json(out, 200,
		  json_pack("{s:O, s:I, s:b}", "entries", list, "total", (json_int_t)nlisted,
			    "frozen", frozen));
out:
	json_decref(list);
	free(listed);
	free(entries);
	free(attempts);
	free(rows);
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
		obs[i] = (struct itemstats_obs){scores[i].attempt_id, scores[i].question_id,
						scores[i].score, 1.0};
	}
	nres = itemstats_compute(obs, nscores, &res);
	questions = json_array();
	for (size_t i = 0; i < nres; i++) {
		char code[DB_CODE_MAX] = "";
		if (db_question_code(db, res[i].question_id, code) < 0)
			goto out;
		json_array_append_new(
			questions,
			json_pack("{s:I, s:s, s:I, s:o, s:o}", "question_id",
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
	if (!http_query(r, "quiz"))
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
