/* quiz_write.c - the writes of attempts: preparing a start (the draw), an
 * answer save and a finish outside any transaction, applying them inside
 * one (the group committer's, or their own), and what a request decides
 * before it queues one. */
#include "quiz_write.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_live.h"
#include "quiz_cache.h"
#include "quiz_view.h"
#include "rng.h"
#include "util.h"

void quiz_write_cleanup(struct quiz_write *w)
{
	if (!w)
		return;
	db_attempt_questions_free(w->questions, w->nquestions);
	free(w->choices);
	free(w->text);
	w->questions = NULL;
	w->nquestions = 0;
	w->choices = w->text = NULL;
}

/* A write of kind arriving at now_ms, with nothing else set. */
static void write_init(struct quiz_write *w, enum quiz_write_kind kind, int64_t now_ms,
		       int64_t grace_ms)
{
	memset(w, 0, sizeof *w);
	w->kind = kind;
	w->now_ms = now_ms;
	w->grace_ms = grace_ms;
}

enum outcome quiz_start_prepare(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
				const struct quiz_participant *p, int64_t now_ms, int64_t grace_ms,
				struct quiz_write *w)
{
	write_init(w, QUIZ_WRITE_START, now_ms, grace_ms);
	if (!quiz_visible_to(q, p))
		return w->status = quiz_refusal(&w->problem, OUTCOME_FORBIDDEN, NULL);
	const struct db_quiz_round *round = quiz_round_at(q, now_ms);
	if (!round) {
		char detail[64];
		snprintf(detail, sizeof detail, "The quiz is %s.",
			 now_ms < q->opens_at     ? "not open yet"
			 : now_ms >= q->closes_at ? "closed"
						  : "between rounds");
		return w->status = quiz_refusal(&w->problem, OUTCOME_QUIZ_NOT_OPEN, detail);
	}
	struct db_attempt *a = &w->attempt;
	a->quiz_id = q->id;
	a->user_id = p->user_id;
	a->unit_id = p->unit_id;
	util_strlcpy(a->audience, p->audience ? p->audience : "", sizeof a->audience);
	util_strlcpy(a->round_code, round->code, sizeof a->round_code);
	/* The seed is stored as a signed 64-bit integer: keep it positive. */
	a->seed = rng_u64() & (uint64_t)INT64_MAX;
	a->started_at = now_ms;
	a->deadline = quiz_deadline(q, now_ms);
	a->practice = q->practice;
	util_strlcpy(a->client_addr, p->client_addr ? p->client_addr : "", sizeof a->client_addr);
	w->max_attempts = q->max_attempts;
	w->pass_percent = q->pass_percent;

	struct quiz_pool *pools = xcalloc(q->ndraws, sizeof *pools);
	int64_t **ids = xcalloc(q->ndraws, sizeof *ids);
	int total = quiz_question_count(q);
	int64_t *drawn = xcalloc((size_t)total + 1, sizeof *drawn);
	for (size_t i = 0; i < q->ndraws; i++) {
		const struct db_quiz_draw *d = &q->draws[i];
		if (quiz_qcache_pool(qc, db, d, &ids[i], &pools[i].n)) {
			return w->status = problem_set(&w->problem, OUTCOME_INVALID, "%s",
						       db_errmsg(db));
			w->status = OUTCOME_INTERNAL;
			goto out;
		}
		pools[i].ids = ids[i];
		pools[i].count = d->count;
	}
	int n = quiz_draw(a->seed, pools, q->ndraws, q->shuffle_questions, drawn);
	if (n < 0) {
		w->status = problem_set(
			&w->problem, OUTCOME_INTERNAL,
			"The question banks no longer hold enough questions for this quiz.");
		goto out;
	}
	w->questions = xcalloc((size_t)n + 1, sizeof *w->questions);
	for (int i = 0; i < n; i++) {
		const struct db_question *qq = quiz_qcache_get(qc, db, drawn[i]);
		if (!qq) {
			w->status = problem_set(&w->problem, OUTCOME_INTERNAL,
						"loading question %lld: %s", (long long)drawn[i],
						db_errmsg(db));
			goto out;
		}
		if (qq->noptions > QUIZ_OPTIONS_MAX) {
			w->status = problem_set(
				&w->problem, OUTCOME_INTERNAL,
				"Question %lld has %zu options; an attempt shows at most %d.",
				(long long)drawn[i], qq->noptions, QUIZ_OPTIONS_MAX);
			goto out;
		}
		int64_t order[QUIZ_OPTIONS_MAX];
		size_t no = quiz_option_order(a->seed, qq, q->shuffle_options, order);
		w->questions[i].question_id = drawn[i];
		w->questions[i].option_order = quiz_ids_text(order, no);
		w->nquestions++;
	}
	w->status = OUTCOME_OK;
out:
	for (size_t i = 0; i < q->ndraws; i++)
		free(ids[i]);
	free(ids);
	free(pools);
	free(drawn);
	return w->status;
}

enum outcome quiz_answer_prepare(struct db *db, struct quiz_qcache *qc, int64_t user_id,
				 int64_t attempt_id, int64_t question_id, json_t *body,
				 int64_t now_ms, int64_t grace_ms, struct quiz_write *w)
{
	write_init(w, QUIZ_WRITE_ANSWER, now_ms, grace_ms);
	w->attempt_id = attempt_id;
	w->question_id = question_id;
	bool drawn = false;
	int64_t owner = 0, deadline = 0;
	/* Only what never changes is checked here (from the cache); whether the
	 * attempt is still in progress is checked where it counts, inside the
	 * writing transaction. */
	int rc = quiz_qcache_attempt(qc, db, attempt_id, question_id, &owner, &deadline, &drawn,
				     &w->practice);
	if (rc < 0)
		goto internal;
	if (rc == 0 || owner != user_id)
		return w->status = quiz_refusal(&w->problem, OUTCOME_NOT_FOUND, NULL);
	if (now_ms > deadline + grace_ms)
		return w->status = quiz_refusal(&w->problem, OUTCOME_TIME_OVER, NULL);
	w->attempt.deadline = deadline;
	if (!drawn) {
		return w->status = problem_set(&w->problem, OUTCOME_INVALID,
					       "Question %lld is not in this attempt.",
					       (long long)question_id);
	}
	const struct db_question *q = quiz_qcache_get(qc, db, question_id);
	if (!q)
		goto internal;
	if (!json_is_object(body)) {
		return w->status = problem_set(&w->problem, OUTCOME_INVALID,
					       "The body must be a JSON object.");
	}
	json_t *choices = json_object_get(body, "choices");
	json_t *text = json_object_get(body, "text");
	if (json_object_size(body) != 1 || (!choices && !text)) {
		return w->status = problem_set(&w->problem, OUTCOME_INVALID,
					       "The body must be {\"choices\":[option_id,...]} or "
					       "{\"text\":\"...\"}.");
	}
	if (!strcmp(q->type, "short")) {
		if (!json_is_string(text) || json_string_length(text) > QUIZ_ANSWER_TEXT_MAX ||
		    strlen(json_string_value(text)) != json_string_length(text)) {
			return w->status = problem_set(&w->problem, OUTCOME_INVALID,
						       "Field 'text' must be a string of at most "
						       "%d bytes (this question "
						       "takes "
						       "a typed answer).",
						       QUIZ_ANSWER_TEXT_MAX);
		}
		w->text = xstrdup(json_string_value(text));
		return w->status = OUTCOME_OK;
	}
	if (!json_is_array(choices)) {
		return w->status = problem_set(&w->problem, OUTCOME_INVALID,
					       "Field 'choices' must be an array of option ids "
					       "(this question takes "
					       "choices).");
	}
	size_t n = json_array_size(choices);
	size_t max = !strcmp(q->type, "multiple") ? q->noptions : 1;
	if (n > max) {
		return w->status = problem_set(
			       &w->problem, OUTCOME_INVALID,
			       "Field 'choices': a %s question takes at most %zu choice%s.",
			       q->type, max, max == 1 ? "" : "s");
	}
	/* The bound that keeps ids safe is checked here, next to it, whatever
	 * the stored question holds. */
	int64_t ids[QUIZ_OPTIONS_MAX];
	if (n > QUIZ_OPTIONS_MAX) {
		return w->status = problem_set(&w->problem, OUTCOME_INVALID,
					       "Field 'choices': at most %d choices are accepted.",
					       QUIZ_OPTIONS_MAX);
	}
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(choices, i);
		if (!json_is_integer(c) || !quiz_find_option(q, json_integer_value(c))) {
			return w->status = problem_set(&w->problem, OUTCOME_INVALID,
						       "Field 'choices': element %zu is not an "
						       "option of question %lld.",
						       i + 1, (long long)question_id);
		}
		ids[i] = json_integer_value(c);
		for (size_t j = 0; j < i; j++)
			if (ids[j] == ids[i]) {
				return w->status = problem_set(
					       &w->problem, OUTCOME_INVALID,
					       "Field 'choices': option %lld is repeated.",
					       (long long)ids[i]);
			}
	}
	qsort(ids, n, sizeof *ids, quiz_cmp_i64);
	w->choices = quiz_ids_text(ids, n);
	return w->status = OUTCOME_OK;
internal:
	return w->status = problem_set(&w->problem, OUTCOME_INTERNAL, "%s", db_errmsg(db));
}

void quiz_finish_prepare(int64_t attempt_id, bool submit, bool has_prediction, int64_t prediction,
			 int64_t now_ms, int64_t grace_ms, struct quiz_write *w)
{
	write_init(w, QUIZ_WRITE_FINISH, now_ms, grace_ms);
	w->attempt_id = attempt_id;
	w->submit = submit;
	w->has_prediction = has_prediction;
	w->prediction = prediction;
}

void quiz_sweep_prepare(int64_t now_ms, int64_t grace_ms, size_t limit, struct quiz_write *w)
{
	write_init(w, QUIZ_WRITE_SWEEP, now_ms, grace_ms);
	w->limit = limit;
}

/* ---- writes: applying --------------------------------------------------- */

/* Scores and closes attempt id if it is in progress: submitted when submit
 * is set and it is not past deadline + grace, expired (at its deadline)
 * when past deadline + grace; otherwise left alone. *completed receives
 * the attempt's quiz when this closed it, else 0. Returns 0 or -1. */
static int finalise(struct db *db, struct quiz_qcache *qc, int64_t id, bool submit,
		    bool has_prediction, int64_t prediction, int64_t now_ms, int64_t grace_ms,
		    int64_t *completed)
{
	struct db_attempt a;
	struct db_attempt_question *qs = NULL;
	struct db_answer *as = NULL;
	size_t nq = 0, na = 0;
	int ret = -1;
	*completed = 0;
	int rc = db_attempt_get(db, id, &a);
	if (rc <= 0)
		return rc;
	if (strcmp(a.state, "in_progress") != 0)
		return 0;
	bool late = now_ms > a.deadline + grace_ms;
	if (!late && !submit)
		return 0;
	int found;
	const struct db_quiz *q = quiz_qcache_quiz(qc, db, a.quiz_id, &found);
	if (!q)
		return found < 0 ? -1 : 0;
	if (db_attempt_questions(db, id, &qs, &nq) || db_answers(db, id, &as, &na))
		goto out;
	double score = 0;
	int correct = 0;
	for (size_t i = 0; i < na; i++) {
		const struct db_question *qq = quiz_qcache_get(qc, db, as[i].question_id);
		if (!qq)
			goto out;
		size_t nc = 0;
		int64_t *choices = quiz_ids_parse(as[i].choices, &nc);
		double s = quiz_score_answer(qq, choices, nc, as[i].text);
		free(choices);
		if (db_answer_set_score(db, id, as[i].question_id, s))
			goto out;
		score += s;
		if (s > 1 - QUIZ_SCORE_EPS)
			correct++;
	}
	util_strlcpy(a.state, late ? "expired" : "submitted", sizeof a.state);
	a.finished_at = late || now_ms > a.deadline ? a.deadline : now_ms;
	a.score = score;
	a.max_score = (double)nq;
	a.correct_count = correct;
	a.question_count = (int)nq;
	double percent = nq ? score * 100.0 / (double)nq : 0;
	a.passed = percent + QUIZ_SCORE_EPS >= q->pass_percent;
	a.duration_ms = a.finished_at - a.started_at;
	a.has_prediction = !late && has_prediction && q->prediction_question;
	a.prediction = prediction;
	rc = db_attempt_finish(db, &a);
	if (rc < 0)
		goto out;
	*completed = rc == 1 ? a.quiz_id : 0;
	ret = 0;
out:
	db_attempt_questions_free(qs, nq);
	db_answers_free(as, na);
	return ret;
}

/* Whether run[i]'s person and quiz came earlier in the run. */
static bool start_repeats(struct quiz_write **run, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (run[j]->attempt.quiz_id == run[i]->attempt.quiz_id &&
		    run[j]->attempt.user_id == run[i]->attempt.user_id)
			return true;
	return false;
}

/* Settles a start from its lookup: resumed (the attempt in progress),
 * refused (no attempt left), to insert (*insert), or, when the attempt in
 * progress is past its deadline, true: to be finalised first. */
static bool start_settle(struct quiz_write *w, const struct db_start_lookup *l, bool *insert)
{
	*insert = false;
	if (l->open) {
		if (w->now_ms > l->cur.deadline + w->grace_ms)
			return true;
		w->attempt = l->cur;
		w->created = false;
		w->status = OUTCOME_OK;
	} else if (w->max_attempts && l->count >= w->max_attempts) {
		w->status = quiz_refusal(&w->problem, OUTCOME_NO_ATTEMPTS_LEFT, NULL);
	} else {
		*insert = true;
	}
	return false;
}

/* A start alone: looked up, then settled as in a run; an attempt in
 * progress past its deadline is finalised first (it counts as completed)
 * and the person looked up again. */
static int apply_start(struct db *db, struct quiz_qcache *qc, struct quiz_write *w)
{
	struct db_start_lookup l = { .quiz_id = w->attempt.quiz_id, .user_id = w->attempt.user_id };
	bool insert;
	for (;;) {
		int rc = db_attempt_open_count(db, l.quiz_id, l.user_id, &l.cur, &l.count);
		if (rc < 0)
			return -1;
		l.open = rc == 1;
		if (!start_settle(w, &l, &insert))
			break;
		if (finalise(db, qc, l.cur.id, false, false, 0, w->now_ms, w->grace_ms,
			     &w->completed_quiz_id))
			return -1;
		if (!w->completed_quiz_id)
			return -1;
	}
	if (!insert)
		return 0;
	if (db_attempt_insert(db, &w->attempt, w->questions, w->nquestions))
		return -1;
	w->created = true;
	w->status = OUTCOME_OK;
	return 0;
}

size_t quiz_starts_apply(struct db *db, struct quiz_write **run, size_t n,
			 struct quiz_write **later)
{
	assert(n <= DB_START_RUN_MAX);
	struct db_start_lookup *look = xcalloc(n ? n : 1, sizeof *look);
	struct db_start_insert ins[DB_START_RUN_MAX];
	struct quiz_write *mine[DB_START_RUN_MAX];
	bool left[DB_START_RUN_MAX] = { false }, inserting[DB_START_RUN_MAX] = { false };
	size_t m = 0, k = 0;
	for (size_t i = 0; i < n; i++) {
		left[i] = start_repeats(run, i);
		if (!left[i]) {
			look[m].quiz_id = run[i]->attempt.quiz_id;
			look[m].user_id = run[i]->attempt.user_id;
			mine[m++] = run[i];
		}
	}
	bool savepoint = !db_savepoint(db);
	bool ok = savepoint && !db_attempts_open_many(db, look, m);
	for (size_t i = 0, j = 0; ok && i < n; i++) {
		if (left[i])
			continue;
		left[i] = start_settle(mine[j], &look[j], &inserting[i]);
		if (inserting[i])
			ins[k++] = (struct db_start_insert){ &run[i]->attempt, run[i]->questions,
							     run[i]->nquestions };
		j++;
	}
	if (ok && k && db_attempts_insert_many(db, ins, k)) {
		/* Undone (with the lookups, which changed nothing): each start
		 * that was to insert is applied again by itself. */
		db_savepoint_rollback(db);
		for (size_t i = 0; i < n; i++)
			left[i] = left[i] || inserting[i];
	} else if (ok) {
		ok = !db_savepoint_release(db);
	} else if (savepoint) {
		db_savepoint_rollback(db);
	}
	size_t nlater = 0;
	for (size_t i = 0; i < n; i++) {
		if (!ok || left[i]) {
			later[nlater++] = run[i];
		} else if (inserting[i]) {
			run[i]->created = true;
			run[i]->status = OUTCOME_OK;
		}
	}
	free(look);
	return nlater;
}

/* Saves per statement; db_answers_save splits larger groups itself. */
#define ANSWER_GROUP 32

/* Writes one group (no (attempt, question) twice) with one statement and
 * sets each write's status: saved, or refused by the storage rule, in which
 * case the attempt's state now (inside the writing transaction) decides
 * between attempt_closed and time_over. */
static int answers_flush(struct db *db, struct quiz_write **g, size_t k)
{
	/* quiz_answers_apply flushes before a group outgrows the array. */
	assert(k >= 1 && k <= ANSWER_GROUP);
	struct db_answer_write rows[ANSWER_GROUP] = { { 0 } };
	bool again[ANSWER_GROUP] = { false };
	size_t nrows = 0;
	for (size_t i = 0; i < k; i++) {
		/* Practice takes one answer per question: a second is refused
		 * here, inside the writing transaction, and left out of the rows. */
		if (g[i]->practice) {
			int had = db_answer_exists(db, g[i]->attempt_id, g[i]->question_id);
			if (had < 0)
				return -1;
			again[i] = had == 1;
		}
		if (!again[i])
			rows[nrows++] =
				(struct db_answer_write){ g[i]->attempt_id, g[i]->question_id,
							  g[i]->choices, g[i]->text, g[i]->now_ms };
	}
	size_t saved = 0;
	if (nrows && db_answers_save(db, rows, nrows, g[0]->grace_ms, &saved))
		return -1;
	for (size_t i = 0; i < k; i++) {
		g[i]->status = OUTCOME_OK;
		if (again[i]) {
			g[i]->status = quiz_refusal(&g[i]->problem, OUTCOME_ALREADY_ANSWERED, NULL);
			continue;
		}
		/* All saved is the common case; otherwise each attempt says which
		 * rows the rule of db_answers_save refused. */
		if (saved < nrows) {
			struct db_attempt a;
			if (db_attempt_get(db, g[i]->attempt_id, &a) < 0)
				return -1;
			if (strcmp(a.state, "in_progress") ||
			    a.deadline + g[i]->grace_ms < g[i]->now_ms)
				g[i]->status = quiz_refusal(&g[i]->problem,
							    !strcmp(a.state, "submitted")
								    ? OUTCOME_ATTEMPT_CLOSED
								    : OUTCOME_TIME_OVER,
							    NULL);
		}
	}
	return 0;
}

int quiz_answers_apply(struct db *db, struct quiz_write **ws, size_t n)
{
	struct quiz_write *g[ANSWER_GROUP];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		/* A second save of the same question starts a new statement, so
		 * the two apply in order, each under its own arrival time. */
		bool repeat = false;
		for (size_t j = 0; j < k && !repeat; j++)
			repeat = g[j]->attempt_id == ws[i]->attempt_id &&
				 g[j]->question_id == ws[i]->question_id;
		if (repeat || k == ANSWER_GROUP) {
			if (answers_flush(db, g, k))
				return -1;
			k = 0;
		}
		g[k++] = ws[i];
	}
	return k ? answers_flush(db, g, k) : 0;
}

static int apply_sweep(struct db *db, struct quiz_qcache *qc, struct quiz_write *w)
{
	int64_t *ids = NULL;
	size_t n = 0;
	if (db_attempts_due(db, w->now_ms - w->grace_ms, w->limit, &ids, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int64_t completed = 0;
		if (finalise(db, qc, ids[i], false, false, 0, w->now_ms, w->grace_ms, &completed)) {
			free(ids);
			return -1;
		}
		w->swept += completed != 0;
	}
	free(ids);
	return 0;
}

static int apply_live_answer(struct db *db, struct quiz_write *w)
{
	const struct quiz_live_answer *a = &w->live;
	int rc = db_live_answer_store(db, a->game_id, a->player_id, a->index, a->option_id,
				      a->correct, a->points, w->now_ms);
	if (rc == DB_CONFLICT) {
		w->status = problem_set(&w->problem, OUTCOME_ALREADY_ANSWERED,
					"This question is answered.");
		return 0;
	}
	if (rc)
		return -1;
	w->status = OUTCOME_OK;
	return 0;
}

int quiz_write_apply(struct db *db, struct quiz_qcache *qc, struct quiz_write *w)
{
	switch (w->kind) {
	case QUIZ_WRITE_START:
		return apply_start(db, qc, w);
	case QUIZ_WRITE_ANSWER:
		/* One save is a group of one: the same rule, the same statement. */
		return quiz_answers_apply(db, &w, 1);
	case QUIZ_WRITE_FINISH:
		if (finalise(db, qc, w->attempt_id, w->submit, w->has_prediction, w->prediction,
			     w->now_ms, w->grace_ms, &w->completed_quiz_id))
			return -1;
		w->status = OUTCOME_OK;
		return 0;
	case QUIZ_WRITE_SWEEP:
		return apply_sweep(db, qc, w);
	case QUIZ_WRITE_LIVE_ANSWER:
		return apply_live_answer(db, w);
	case QUIZ_WRITE_CALL:
		w->status = w->apply(w->apply_ctx, db);
		return w->status == OUTCOME_INTERNAL ? -1 : 0;
	}
	return -1;
}

int quiz_write_run(struct db *db, struct quiz_qcache *qc, struct quiz_write *w)
{
	if (db_begin_write(db))
		goto fail;
	if (quiz_write_apply(db, qc, w)) {
		db_rollback(db);
		goto fail;
	}
	if (db_commit(db)) {
		db_rollback(db);
		goto fail;
	}
	return 0;
fail:
	w->status = problem_set(&w->problem, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	return -1;
}

/* ---- what a request needs before it queues a write ---------------------- */

enum outcome quiz_start_begin(struct db *db, struct quiz_qcache *qc, int64_t quiz_id,
			      const struct quiz_participant *p, int64_t now_ms, int64_t grace_ms,
			      struct quiz_write *w, char **text)
{
	*text = NULL;
	memset(w, 0, sizeof *w);
	int found;
	const struct db_quiz *q = quiz_qcache_quiz(qc, db, quiz_id, &found);
	if (!q)
		return w->status = found < 0 ? problem_set(&w->problem, OUTCOME_INTERNAL, "%s",
							   db_errmsg(db))
					     : problem_set(&w->problem, OUTCOME_NOT_FOUND,
							   "No such quiz.");
	/* A resume needs no write: answer it from a read. */
	if (quiz_visible_to(q, p)) {
		struct db_attempt cur;
		int rc = db_attempt_in_progress(db, q->id, p->user_id, &cur);
		if (rc < 0)
			return w->status = problem_set(&w->problem, OUTCOME_INTERNAL, "%s",
						       db_errmsg(db));
		if (rc == 1 && now_ms <= cur.deadline + grace_ms)
			return w->status = quiz_attempt_view(db, qc, p->user_id, cur.id, now_ms,
							     text, &w->problem);
	}
	return quiz_start_prepare(db, qc, q, p, now_ms, grace_ms, w);
}

/* Attempt attempt_id if it is user_id's: 1, 0 (none, or someone else's;
 * w->status set), -1 (w->status set). */
static int own_attempt(struct db *db, int64_t user_id, int64_t attempt_id, struct db_attempt *a,
		       struct quiz_write *w)
{
	int rc = db_attempt_get(db, attempt_id, a);
	if (rc < 0) {
		w->status = problem_set(&w->problem, OUTCOME_INTERNAL, "%s", db_errmsg(db));
		return -1;
	}
	if (rc == 0 || a->user_id != user_id) {
		w->status = quiz_refusal(&w->problem, OUTCOME_NOT_FOUND, NULL);
		return 0;
	}
	return 1;
}

enum outcome quiz_attempt_open(struct db *db, struct quiz_qcache *qc, int64_t user_id,
			       int64_t attempt_id, int64_t now_ms, int64_t grace_ms,
			       struct quiz_write *w, char **text)
{
	*text = NULL;
	memset(w, 0, sizeof *w);
	struct db_attempt a;
	if (own_attempt(db, user_id, attempt_id, &a, w) <= 0)
		return w->status;
	if (!strcmp(a.state, "in_progress") && now_ms > a.deadline + grace_ms) {
		/* Past its deadline: finalise it now rather than show it open. */
		quiz_finish_prepare(attempt_id, false, false, 0, now_ms, grace_ms, w);
		return w->status = OUTCOME_OK;
	}
	return w->status =
		       quiz_attempt_view(db, qc, user_id, attempt_id, now_ms, text, &w->problem);
}

enum outcome quiz_submit_begin(struct db *db, struct quiz_qcache *qc, int64_t user_id,
			       int64_t attempt_id, json_t *body, int64_t now_ms, int64_t grace_ms,
			       struct quiz_write *w, char **text)
{
	*text = NULL;
	memset(w, 0, sizeof *w);
	bool has_prediction = false;
	int64_t prediction = 0;
	if (body) {
		json_t *pr = json_object_get(body, "prediction");
		if (!json_is_object(body) || (pr && !json_is_null(pr) &&
					      (!json_is_integer(pr) || json_integer_value(pr) < 0)))
			return w->status = problem_set(
				       &w->problem, OUTCOME_INVALID,
				       "Field 'prediction' must be a non-negative integer.");
		if (pr && !json_is_null(pr)) {
			has_prediction = true;
			prediction = json_integer_value(pr);
		}
	}
	struct db_attempt a;
	if (own_attempt(db, user_id, attempt_id, &a, w) <= 0)
		return w->status;
	if (strcmp(a.state, "in_progress") != 0)
		return w->status = quiz_attempt_view(db, qc, user_id, attempt_id, now_ms, text,
						     &w->problem);
	quiz_finish_prepare(attempt_id, true, has_prediction, prediction, now_ms, grace_ms, w);
	return w->status = OUTCOME_OK;
}
