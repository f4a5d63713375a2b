/* quiz_edit.c - editing a stored quiz under the rules of api.md (see
 * quiz_edit.h). */
#include "quiz_edit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "db.h"
#include "db_quiz.h"
#include "quiz_cache.h"
#include "quiz_def.h"

static enum outcome frozen(struct problem *p, const char *field)
{
	return problem_set(p, OUTCOME_QUIZ_STARTED,
			   "Field '%s' cannot change once the quiz has an attempt (only title, "
			   "a later closes_at, review, freeze_at and rounds not yet open may).",
			   field);
}

static int cmp_audience(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static bool same_audiences(const struct db_quiz *a, const struct db_quiz *b)
{
	if (a->naudiences != b->naudiences)
		return false;
	size_t size = sizeof a->audiences[0];
	char(*x)[32] = calloc(a->naudiences ? a->naudiences : 1, size);
	char(*y)[32] = calloc(b->naudiences ? b->naudiences : 1, size);
	if (!x || !y)
		abort();
	memcpy(x, a->audiences, a->naudiences * size);
	memcpy(y, b->audiences, b->naudiences * size);
	qsort(x, a->naudiences, size, cmp_audience);
	qsort(y, b->naudiences, size, cmp_audience);
	bool same = true;
	for (size_t i = 0; same && i < a->naudiences; i++)
		same = strcmp(x[i], y[i]) == 0;
	free(x);
	free(y);
	return same;
}

static bool same_draws(const struct db_quiz *a, const struct db_quiz *b)
{
	if (a->ndraws != b->ndraws)
		return false;
	for (size_t i = 0; i < a->ndraws; i++) {
		const struct db_quiz_draw *x = &a->draws[i], *y = &b->draws[i];
		if (x->bank_id != y->bank_id || strcmp(x->topic, y->topic) ||
		    x->difficulty != y->difficulty || x->count != y->count)
			return false;
	}
	return true;
}

static const struct db_quiz_round *round_named(const struct db_quiz *q, const char *code)
{
	for (size_t i = 0; i < q->nrounds; i++)
		if (!strcmp(q->rounds[i].code, code))
			return &q->rounds[i];
	return NULL;
}

/* True when q has the one round a definition without rounds gets: "main",
 * spanning the quiz's window. */
static bool implicit_round(const struct db_quiz *q)
{
	return q->nrounds == 1 && !strcmp(q->rounds[0].code, "main") &&
	       q->rounds[0].opens_at == q->opens_at && q->rounds[0].closes_at == q->closes_at;
}

/* A "rounds" sent back as GET showed it for a quiz without rounds of its
 * own is that implicit round: it follows the new window. */
static void drop_echoed_round(const struct db_quiz *old, json_t *def)
{
	json_t *rounds = json_object_get(def, "rounds");
	json_t *r = json_array_get(rounds, 0);
	int64_t opens = 0, closes = 0;
	if (!implicit_round(old) || json_array_size(rounds) != 1 ||
	    !json_is_string(json_object_get(r, "code")) ||
	    strcmp(json_string_value(json_object_get(r, "code")), "main") ||
	    !json_is_string(json_object_get(r, "opens_at")) ||
	    !json_is_string(json_object_get(r, "closes_at")) ||
	    clock_parse(json_string_value(json_object_get(r, "opens_at")), &opens) ||
	    clock_parse(json_string_value(json_object_get(r, "closes_at")), &closes) ||
	    opens != old->opens_at || closes != old->closes_at)
		return;
	json_object_del(def, "rounds");
}

/* Rounds: one that has opened stays as it is; any other may change, appear
 * or go, as long as it opens later than now. The implicit round follows
 * the quiz's window (whose closes_at may only move later). */
static enum outcome check_rounds(const struct db_quiz *old, const struct db_quiz *nq,
				 int64_t now_ms, struct problem *p)
{
	if (implicit_round(old) && implicit_round(nq))
		return OUTCOME_OK;
	for (size_t i = 0; i < old->nrounds; i++) {
		const struct db_quiz_round *r = &old->rounds[i];
		if (r->opens_at > now_ms)
			continue;
		const struct db_quiz_round *n = round_named(nq, r->code);
		if (!n || n->opens_at != r->opens_at || n->closes_at != r->closes_at)
			return problem_set(p, OUTCOME_QUIZ_STARTED,
					   "Field 'rounds': round %s has opened and cannot change.",
					   r->code);
	}
	for (size_t i = 0; i < nq->nrounds; i++) {
		const struct db_quiz_round *n = &nq->rounds[i];
		const struct db_quiz_round *r = round_named(old, n->code);
		bool kept = r && r->opens_at <= now_ms;
		if (!kept && n->opens_at <= now_ms)
			return problem_set(p, OUTCOME_QUIZ_STARTED,
					   "Field 'rounds': round %s must open later than now.",
					   n->code);
	}
	return OUTCOME_OK;
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* What may change once a quiz has an attempt. */
static enum outcome check_started(const struct db_quiz *old, const struct db_quiz *nq,
				  int64_t now_ms, struct problem *p)
{
	if (strcmp(old->code, nq->code))
		return frozen(p, "code");
	if (strcmp(old->kind, nq->kind))
		return frozen(p, "kind");
	if (old->practice != nq->practice)
		return frozen(p, "mode");
	if (old->mandatory != nq->mandatory)
		return frozen(p, "mandatory");
	if (!same_audiences(old, nq))
		return frozen(p, "audiences");
	if (old->unit_scope_id != nq->unit_scope_id)
		return frozen(p, "unit_scope");
	if (!same_draws(old, nq))
		return frozen(p, "draw");
	if (old->time_limit_s != nq->time_limit_s)
		return frozen(p, "time_limit_s");
	if (old->max_attempts != nq->max_attempts)
		return frozen(p, "max_attempts");
	if (fabs(old->pass_percent - nq->pass_percent) > 1e-9)
		return frozen(p, "pass_percent");
	if (old->opens_at != nq->opens_at)
		return frozen(p, "opens_at");
	if (old->shuffle_questions != nq->shuffle_questions)
		return frozen(p, "shuffle_questions");
	if (old->shuffle_options != nq->shuffle_options)
		return frozen(p, "shuffle_options");
	if (!same_text(old->prediction_question, nq->prediction_question))
		return frozen(p, "prediction_question");
	if (nq->closes_at < old->closes_at)
		return problem_set(p, OUTCOME_QUIZ_STARTED,
				   "Field 'closes_at' may only move later once the quiz has an "
				   "attempt.");
	return check_rounds(old, nq, now_ms, p);
}

/* Inside the write transaction: the checks, the write and its audit. */
static enum outcome apply(struct db *db, const struct audit_actor *who, struct db_quiz *old,
			  struct db_quiz *nq, json_t *def, int64_t now_ms, struct problem *p)
{
	bool started = false;
	drop_echoed_round(old, def);
	enum outcome o = quiz_definition_parse(db, def, nq, p);
	if (o != OUTCOME_OK)
		return o;
	if (db_quiz_started(db, old->id, &started))
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	if (started && (o = check_started(old, nq, now_ms, p)))
		return o;
	nq->id = old->id;
	nq->created_at = old->created_at;
	nq->revision = old->revision + 1;
	nq->definition = json_dumps(def, JSON_COMPACT);
	int rc = db_quiz_update(db, nq);
	if (rc)
		return problem_set(p, rc == DB_CONFLICT ? OUTCOME_CONFLICT : OUTCOME_INTERNAL, "%s",
				   db_errmsg(db));
	char target[48];
	snprintf(target, sizeof target, "quiz:%lld", (long long)old->id);
	json_t *detail = json_pack("{s:o,s:o}", "before", quiz_definition_json(old), "after",
				   quiz_definition_json(nq));
	o = audit_record(db, who, "quiz.update", target, detail, p);
	json_decref(detail);
	return o;
}

enum outcome quiz_update(struct db *db, struct quiz_qcache *qc, const struct audit_actor *who,
			 int64_t id, json_t *def, int64_t now_ms, json_t **out, struct problem *p)
{
	struct db_quiz old, nq;
	memset(&old, 0, sizeof old);
	memset(&nq, 0, sizeof nq);
	*out = NULL;
	if (!json_is_object(def))
		return problem_set(p, OUTCOME_INVALID,
				   "The body must be a quiz definition object.");
	json_t *given = json_object_get(def, "id");
	if (given && (!json_is_integer(given) || json_integer_value(given) != id))
		return problem_set(p, OUTCOME_INVALID, "Field 'id' must be %lld, the path's id.",
				   (long long)id);
	/* What GET answers beside the definition may come back with it. */
	json_object_del(def, "id");
	json_object_del(def, "question_count");
	if (db_begin_write(db))
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	int rc = db_quiz_get(db, id, &old);
	enum outcome o = OUTCOME_OK;
	if (rc == 0)
		o = problem_set(p, OUTCOME_NOT_FOUND, "No quiz with id %lld.", (long long)id);
	else if (rc < 0)
		o = problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	if (o == OUTCOME_OK)
		o = apply(db, who, &old, &nq, def, now_ms, p);
	if (o == OUTCOME_OK && db_commit(db))
		o = problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	if (o == OUTCOME_OK) {
		quiz_qcache_forget(qc, id);
		*out = json_pack("{s:o}", "quiz", quiz_definition_json(&nq));
	} else {
		db_rollback(db);
	}
	db_quiz_cleanup(&old);
	db_quiz_cleanup(&nq);
	return o;
}
