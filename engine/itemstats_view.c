/* itemstats_view.c - item statistics of a quiz from storage to api.md's
 * JSON (itemstats.c does the arithmetic). */
#include "itemstats_view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_contest.h"
#include "db_quiz.h"
#include "itemstats.h"
#include "util.h"

/* A number rounded to 4 decimals, or null. */
static json_t *index_json(bool defined, double v)
{
	return defined ? json_real(round(v * 10000) / 10000) : json_null();
}

static json_t *questions_json(struct db *db, int64_t quiz_id, const char *unit_path)
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
		char code[DB_CODE_MAX] = "", bank[DB_CODE_MAX] = "";
		if (db_question_code(db, res[i].question_id, code, bank) < 0)
			goto out;
		json_array_append_new(
			questions,
			json_pack(
				"{s:I, s:s, s:s, s:I, s:o, s:o}", "question_id",
				(json_int_t)res[i].question_id, "code", code, "bank", bank,
				"attempts", (json_int_t)res[i].attempts, "facility_index",
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

enum outcome itemstats_quiz_view(struct db *db, int64_t quiz_id, bool admin, const char *unit_path,
				 json_t **out, struct problem *p)
{
	struct db_quiz quiz;
	enum outcome o = OUTCOME_OK;
	memset(&quiz, 0, sizeof quiz);
	*out = NULL;
	int rc = db_quiz_get(db, quiz_id, &quiz);
	if (rc == 0) {
		o = problem_set(p, OUTCOME_NOT_FOUND, "No quiz with id %lld.", (long long)quiz_id);
	} else if (!admin && (!unit_path || !unit_path[0])) {
		o = problem_set(p, OUTCOME_FORBIDDEN, "Your account has no unit.");
	} else if (rc > 0) {
		/* A unit administrator sees the attempts made in their own subtree. */
		*out = questions_json(db, quiz.id, admin ? NULL : unit_path);
	}
	if (o == OUTCOME_OK && !*out) {
		fprintf(stderr, "item statistics: %s\n", db_errmsg(db));
		o = problem_set(p, OUTCOME_INTERNAL, "The item statistics could not be read.");
	}
	db_quiz_cleanup(&quiz);
	return o;
}
