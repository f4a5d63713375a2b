/* quiz_builder.c - draw-rule check and draw preview (see quiz_builder.h). */
#include "quiz_builder.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_bank.h"
#include "db_quiz.h"
#include "quiz_def.h"
#include "quiz_rules.h"
#include "util.h"

enum outcome quiz_check_draws(struct db *db, json_t *def, json_t **out, struct problem *p)
{
	struct db_quiz q;
	memset(&q, 0, sizeof q);
	*out = NULL;
	if (!json_is_object(def))
		return problem_set(p, OUTCOME_INVALID,
				   "The body must be a quiz definition object.");
	if (db_begin_read(db))
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	enum outcome ret = quiz_parse_draws(db, def, &q, p);
	size_t *matching = xcalloc(q.ndraws ? q.ndraws : 1, sizeof *matching);
	size_t *available = xcalloc(q.ndraws ? q.ndraws : 1, sizeof *available);
	if (ret == OUTCOME_OK)
		ret = quiz_draw_availability(db, &q, matching, available, p);
	db_rollback(db);
	if (ret == OUTCOME_OK) {
		json_t *rules = json_array();
		bool all = true;
		int total = 0;
		for (size_t i = 0; i < q.ndraws; i++) {
			const struct db_quiz_draw *d = &q.draws[i];
			bool possible = available[i] >= (size_t)d->count;
			all = all && possible;
			total += d->count;
			json_array_append_new(
				rules,
				json_pack("{s:s,s:o,s:o,s:i,s:I,s:I,s:b}", "bank", d->bank_code,
					  "topic",
					  d->topic[0] ? json_string(d->topic) : json_null(),
					  "difficulty",
					  d->difficulty ? json_integer(d->difficulty) : json_null(),
					  "count", d->count, "matching", (json_int_t)matching[i],
					  "available", (json_int_t)available[i], "possible",
					  possible));
		}
		*out = json_pack("{s:o,s:i,s:b}", "rules", rules, "question_count", total,
				 "possible", all);
	}
	free(matching);
	free(available);
	db_quiz_cleanup(&q);
	return ret;
}

static json_t *preview_question(const struct db_question *q, uint64_t seed, bool shuffle)
{
	int64_t *order = xcalloc(q->noptions ? q->noptions : 1, sizeof *order);
	size_t n = quiz_option_order(seed, q, shuffle, order);
	json_t *opts = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct db_option *o = quiz_find_option(q, order[i]);
		if (o)
			json_array_append_new(opts, json_pack("{s:I,s:s}", "id", (json_int_t)o->id,
							      "text", o->text));
	}
	free(order);
	return json_pack("{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)q->id, "code", q->code, "type",
			 q->type, "stem", q->stem, "options", opts);
}

/* Draws the question ids of one attempt of q: the count drawn, -1 when a
 * rule runs short, -2 on storage. */
static int draw_ids(struct db *db, const struct db_quiz *q, uint64_t seed, int64_t *ids)
{
	struct quiz_pool *pools = xcalloc(q->ndraws ? q->ndraws : 1, sizeof *pools);
	int64_t **owned = xcalloc(q->ndraws ? q->ndraws : 1, sizeof *owned);
	int n = 0;
	for (size_t i = 0; i < q->ndraws && n >= 0; i++) {
		const struct db_quiz_draw *d = &q->draws[i];
		if (db_question_pool(db, d->bank_id, d->topic, d->difficulty, &owned[i],
				     &pools[i].n))
			n = -2;
		pools[i].ids = owned[i];
		pools[i].count = d->count;
	}
	if (n == 0)
		n = quiz_draw(seed, pools, q->ndraws, q->shuffle_questions, ids);
	for (size_t i = 0; i < q->ndraws; i++)
		free(owned[i]);
	free(owned);
	free(pools);
	return n;
}

enum outcome quiz_preview(struct db *db, int64_t id, uint64_t seed, json_t **out, struct problem *p)
{
	struct db_quiz q;
	*out = NULL;
	if (db_begin_read(db))
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	int rc = db_quiz_get(db, id, &q);
	if (rc <= 0) {
		db_rollback(db);
		return rc == 0 ? problem_set(p, OUTCOME_NOT_FOUND, "No quiz with id %lld.",
					     (long long)id)
			       : problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	}
	int total = quiz_question_count(&q);
	int64_t *ids = xcalloc(total > 0 ? (size_t)total : 1, sizeof *ids);
	int n = draw_ids(db, &q, seed, ids);
	enum outcome ret = OUTCOME_OK;
	if (n == -1)
		ret = problem_set(p, OUTCOME_CONFLICT,
				  "A draw rule of this quiz cannot be filled from its bank now.");
	json_t *qs = json_array();
	for (int i = 0; ret == OUTCOME_OK && i < n; i++) {
		struct db_question dq;
		if (db_question_get(db, ids[i], &dq) != 1)
			break;
		json_array_append_new(qs, preview_question(&dq, seed, q.shuffle_options));
		db_question_cleanup(&dq);
	}
	if (ret == OUTCOME_OK && (n < 0 || json_array_size(qs) != (size_t)n))
		ret = problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	db_rollback(db);
	if (ret == OUTCOME_OK)
		*out = json_pack("{s:O,s:i}", "questions", qs, "question_count", n);
	json_decref(qs);
	free(ids);
	db_quiz_cleanup(&q);
	return ret;
}
