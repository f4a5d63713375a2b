/* quiz_admin.c - the administrator's list of quizzes and the results of a
 * quiz (see quiz_admin.h). */
#include "quiz_admin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_account.h"
#include "quiz_def.h"
#include "quiz_rules.h"

struct counts {
	json_t *rows; /* the listed quizzes, each with "id" */
};

static void set_counts(void *ctx, int64_t quiz_id, int64_t participants, int64_t attempts)
{
	struct counts *c = ctx;
	size_t i;
	json_t *row;
	json_array_foreach(c->rows, i, row)
	{
		if (json_integer_value(json_object_get(row, "id")) != quiz_id)
			continue;
		json_object_set_new(row, "participants", json_integer(participants));
		json_object_set_new(row, "attempts", json_integer(attempts));
	}
}

static enum outcome check_list_query(const char *kind, const char *state, long long limit,
				     long long offset, struct problem *p)
{
	if (kind && strcmp(kind, "quiz") && strcmp(kind, "contest"))
		return problem_set(p, OUTCOME_INVALID, "Query 'kind' must be quiz or contest.");
	if (state && strcmp(state, "upcoming") && strcmp(state, "open") && strcmp(state, "closed"))
		return problem_set(p, OUTCOME_INVALID,
				   "Query 'state' must be upcoming, open or closed.");
	if (limit < 1 || limit > 500)
		return problem_set(p, OUTCOME_INVALID, "Query 'limit' must be 1 to 500.");
	if (offset < 0)
		return problem_set(p, OUTCOME_INVALID, "Query 'offset' must be 0 or more.");
	return OUTCOME_OK;
}

static json_t *list_row(const struct db_quiz *q, int64_t now_ms)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:i,s:i,s:i}", "id", (json_int_t)q->id,
			 "code", q->code, "title", q->title, "kind", q->kind, "mode",
			 q->practice ? "practice" : "exam", "state", quiz_time_state(q, now_ms),
			 "opens_at", quiz_time_json(q->opens_at), "closes_at",
			 quiz_time_json(q->closes_at), "question_count", quiz_question_count(q),
			 "participants", 0, "attempts", 0);
}

enum outcome quiz_admin_list(struct db *db, const char *kind, const char *state, int64_t now_ms,
			     long long limit, long long offset, json_t **out, struct problem *p)
{
	*out = NULL;
	enum outcome ret = check_list_query(kind, state, limit, offset, p);
	if (ret != OUTCOME_OK)
		return ret;
	struct db_quiz *qs = NULL;
	size_t n = 0;
	if (db_begin_read(db))
		return problem_set(p, OUTCOME_INTERNAL, "listing quizzes: %s", db_errmsg(db));
	if (db_quiz_list(db, &qs, &n)) {
		db_rollback(db);
		return problem_set(p, OUTCOME_INTERNAL, "listing quizzes: %s", db_errmsg(db));
	}
	struct counts c = { json_array() };
	long long total = 0;
	for (size_t i = 0; i < n; i++) {
		const struct db_quiz *q = &qs[i];
		if ((kind && strcmp(kind, q->kind)) ||
		    (state && strcmp(state, quiz_time_state(q, now_ms))))
			continue;
		if (total >= offset && total < offset + limit)
			json_array_append_new(c.rows, list_row(q, now_ms));
		total++;
	}
	for (size_t i = 0; i < n; i++)
		db_quiz_cleanup(&qs[i]);
	free(qs);
	int rc = db_quiz_attempt_counts(db, set_counts, &c);
	db_rollback(db);
	if (rc) {
		json_decref(c.rows);
		return problem_set(p, OUTCOME_INTERNAL, "counting attempts: %s", db_errmsg(db));
	}
	*out = json_pack("{s:o,s:I}", "quizzes", c.rows, "total", (json_int_t)total);
	return OUTCOME_OK;
}

void quiz_results_cleanup(struct quiz_results *r)
{
	db_quiz_results_free(r->rows, r->n);
	r->rows = NULL;
	r->n = 0;
}

/* The subtree to report on: the unit asked for (inside the caller's scope)
 * or the caller's whole scope. */
static enum outcome results_path(struct db *db, const char *unit_code, const char *scope_path,
				 char *path, size_t size, struct problem *p)
{
	snprintf(path, size, "%s", scope_path ? scope_path : "/");
	if (!unit_code || !*unit_code)
		return OUTCOME_OK;
	struct db_unit u;
	int rc = db_unit_by_code(db, unit_code, &u);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "finding unit: %s", db_errmsg(db));
	if (rc == 0)
		return problem_set(p, OUTCOME_NOT_FOUND, "No unit with code %.64s.", unit_code);
	if (scope_path && !db_unit_path_within(u.path, scope_path))
		return problem_set(p, OUTCOME_FORBIDDEN, "Unit %.64s is outside your units.",
				   unit_code);
	snprintf(path, size, "%s", u.path);
	return OUTCOME_OK;
}

enum outcome quiz_admin_results(struct db *db, int64_t quiz_id, const char *unit_code,
				const char *scope_path, struct quiz_results *r, struct problem *p)
{
	r->rows = NULL;
	r->n = 0;
	char path[512];
	if (db_begin_read(db))
		return problem_set(p, OUTCOME_INTERNAL, "reading results: %s", db_errmsg(db));
	struct db_quiz q;
	int rc = db_quiz_get(db, quiz_id, &q);
	enum outcome ret = OUTCOME_OK;
	if (rc == 0)
		ret = problem_set(p, OUTCOME_NOT_FOUND, "No quiz with id %lld.",
				  (long long)quiz_id);
	else if (rc < 0)
		ret = problem_set(p, OUTCOME_INTERNAL, "reading quiz: %s", db_errmsg(db));
	else
		db_quiz_cleanup(&q);
	if (ret == OUTCOME_OK)
		ret = results_path(db, unit_code, scope_path, path, sizeof path, p);
	if (ret == OUTCOME_OK && db_quiz_results(db, quiz_id, path, &r->rows, &r->n))
		ret = problem_set(p, OUTCOME_INTERNAL, "reading results: %s", db_errmsg(db));
	db_rollback(db);
	return ret;
}

json_t *quiz_results_json(const struct quiz_results *r)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct db_quiz_result *x = &r->rows[i];
		json_array_append_new(
			rows, json_pack("{s:I,s:s,s:s,s:s,s:s,s:i,s:f,s:f,s:b,s:o}", "user_id",
					(json_int_t)x->user_id, "username", x->username,
					"full_name", x->full_name, "unit_code", x->unit_code,
					"audience", x->audience, "attempts", x->attempts,
					"best_score", x->best_score, "best_percent",
					round(x->best_percent * 10) / 10, "passed", x->passed,
					"last_submitted_at", quiz_time_json(x->last_submitted_at)));
	}
	return json_pack("{s:o,s:I}", "results", rows, "total", (json_int_t)r->n);
}
