/* quiz_view.c - what participants see: the attempt object (text built
 * from the fragments the question cache rendered once; the review only
 * when its policy allows) and the quiz list. */
#include "quiz_view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "quiz_cache.h"
#include "quiz_def.h"
#include "quiz_write.h"
#include "util.h"

static double round_to(double v, double unit)
{
	return round(v / unit) * unit;
}

enum outcome quiz_answer_reply(struct db *db, struct quiz_qcache *qc, const struct quiz_write *w,
			       int64_t now_ms, char **text, struct problem *p)
{
	int64_t remaining = w->attempt.deadline > now_ms ? w->attempt.deadline - now_ms : 0;
	if (!w->practice) {
		/* The answer to nearly every save: written as text, without
		 * building and serialising a JSON object per request. */
		char buf[64];
		snprintf(buf, sizeof buf, "{\"saved\":true,\"remaining_ms\":%lld}",
			 (long long)remaining);
		*text = xstrdup(buf);
		return OUTCOME_OK;
	}
	json_t *body = json_pack("{s:b,s:I}", "saved", 1, "remaining_ms", (json_int_t)remaining);
	const struct db_question *qq = quiz_qcache_get(qc, db, w->question_id);
	if (!qq) {
		json_decref(body);
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	}
	size_t nc = 0;
	int64_t *choices = quiz_ids_parse(w->choices, &nc);
	double s = quiz_score_answer(qq, choices, nc, w->text);
	free(choices);
	json_t *right = json_array();
	json_t *said = json_object();
	for (size_t k = 0; k < qq->noptions; k++) {
		const struct db_option *o = &qq->options[k];
		char key[24];
		if (strcmp(qq->type, "short") && o->weight > QUIZ_SCORE_EPS)
			json_array_append_new(right, json_integer(o->id));
		snprintf(key, sizeof key, "%lld", (long long)o->id);
		if (o->feedback && *o->feedback)
			json_object_set_new(said, key, json_string(o->feedback));
	}
	json_object_set_new(body, "feedback",
			    json_pack("{s:b,s:o,s:s,s:o}", "correct", s > 1 - QUIZ_SCORE_EPS,
				      "correct_choices", right, "explanation",
				      qq->explanation ? qq->explanation : "", "option_feedback",
				      said));
	*text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	return OUTCOME_OK;
}

/* The review of one question: new reference. */
static json_t *review_entry(const struct db_question *qq, const struct db_answer *ans)
{
	size_t nc = 0;
	int64_t *choices = ans ? quiz_ids_parse(ans->choices, &nc) : NULL;
	double s = quiz_score_answer(qq, choices, nc, ans ? ans->text : NULL);
	free(choices);
	json_t *right = json_array();
	json_t *accepted = json_array();
	for (size_t k = 0; k < qq->noptions; k++) {
		if (!strcmp(qq->type, "short"))
			json_array_append_new(accepted, json_string(qq->options[k].text));
		else if (qq->options[k].weight > QUIZ_SCORE_EPS)
			json_array_append_new(right, json_integer(qq->options[k].id));
	}
	json_t *entry = json_pack("{s:I,s:b,s:f,s:o,s:s}", "question_id", (json_int_t)qq->id,
				  "correct", s > 1 - QUIZ_SCORE_EPS, "score", round_to(s, 0.0001),
				  "correct_choices", right, "explanation", qq->explanation);
	if (!strcmp(qq->type, "short"))
		json_object_set_new(entry, "accepted_answers", accepted);
	else
		json_decref(accepted);
	if (qq->reference)
		json_object_set_new(entry, "reference", json_string(qq->reference));
	return entry;
}

/* The attempt object from its rows (borrowed). */
static char *attempt_text(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
			  const struct db_attempt *a, const struct db_attempt_question *qs,
			  size_t nq, const struct db_answer *as, size_t na, int64_t now_ms)
{
	char *out = NULL;
	json_t *review = NULL;
	struct strbuf sb;
	sb_init(&sb);
	bool finished = strcmp(a->state, "in_progress") != 0;
	bool review_open = quiz_review_open(q, a, now_ms);
	char started[40], deadline[40];
	clock_format(a->started_at, started);
	clock_format(a->deadline, deadline);
	int64_t remaining = finished || now_ms >= a->deadline ? 0 : a->deadline - now_ms;
	sb_printf(&sb,
		  "{\"id\":%lld,\"quiz_id\":%lld,\"state\":\"%s\",\"round_code\":\"%s\","
		  "\"started_at\":\"%s\",\"deadline\":\"%s\",\"remaining_ms\":%lld,\"questions\":[",
		  (long long)a->id, (long long)a->quiz_id, a->state, a->round_code, started,
		  deadline, (long long)remaining);
	if (review_open)
		review = json_array();
	for (size_t i = 0; i < nq; i++) {
		const struct db_question *qq = quiz_qcache_get(qc, db, qs[i].question_id);
		if (!qq)
			goto done;
		sb_puts(&sb, i ? "," : "");
		sb_puts(&sb, quiz_qcache_head(qq));
		size_t no = 0;
		int64_t *order = quiz_ids_parse(qs[i].option_order, &no);
		bool first = true;
		for (size_t k = 0; k < no; k++)
			for (size_t m = 0; m < qq->noptions; m++)
				if (qq->options[m].id == order[k] && quiz_qcache_option(qq, m)) {
					sb_puts(&sb, first ? "" : ",");
					sb_puts(&sb, quiz_qcache_option(qq, m));
					first = false;
				}
		free(order);
		sb_puts(&sb, "]}");
		if (review) {
			const struct db_answer *ans = NULL;
			for (size_t k = 0; k < na && !ans; k++)
				if (as[k].question_id == qq->id)
					ans = &as[k];
			json_array_append_new(review, review_entry(qq, ans));
		}
	}
	sb_puts(&sb, "],\"answers\":{");
	for (size_t i = 0; i < na; i++) {
		sb_printf(&sb, "%s\"%lld\":", i ? "," : "", (long long)as[i].question_id);
		if (as[i].text) {
			char *t = quiz_json_text(json_string(as[i].text));
			sb_printf(&sb, "{\"text\":%s}", t ? t : "\"\"");
			free(t);
		} else {
			/* choices are stored as written by ids_json_text */
			sb_printf(&sb, "{\"choices\":%s}", as[i].choices ? as[i].choices : "[]");
		}
	}
	sb_puts(&sb, "},\"result\":");
	if (finished) {
		double percent = a->max_score > 0 ? a->score * 100.0 / a->max_score : 0;
		json_t *result = json_pack(
			"{s:f,s:f,s:f,s:i,s:i,s:b,s:I}", "score", round_to(a->score, 0.01),
			"max_score", a->max_score, "percent", round_to(percent, 0.1),
			"correct_count", a->correct_count, "question_count", a->question_count,
			"passed", a->passed, "duration_ms", (json_int_t)a->duration_ms);
		if (a->has_prediction)
			json_object_set_new(result, "prediction", json_integer(a->prediction));
		char *t = quiz_json_text(result);
		sb_puts(&sb, t);
		free(t);
	} else {
		sb_puts(&sb, "null");
	}
	sb_puts(&sb, ",\"review\":");
	if (review) {
		char *t = quiz_json_text(review);
		review = NULL;
		sb_puts(&sb, t);
		free(t);
	} else {
		sb_puts(&sb, "null");
	}
	if (q->prediction_question && !finished) {
		char *t = quiz_json_text(json_string(q->prediction_question));
		sb_printf(&sb, ",\"prediction_question\":%s", t);
		free(t);
	}
	sb_puts(&sb, "}");
	out = sb_steal(&sb);
done:
	json_decref(review);
	sb_cleanup(&sb);
	return out;
}

/* The attempt object as text: new string, or NULL on a storage error. */
static char *stored_attempt_text(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
				 const struct db_attempt *a, int64_t now_ms)
{
	struct db_attempt_question *qs = NULL;
	struct db_answer *as = NULL;
	size_t nq = 0, na = 0;
	char *out = NULL;
	if (!db_attempt_questions(db, a->id, &qs, &nq) && !db_answers(db, a->id, &as, &na))
		out = attempt_text(db, qc, q, a, qs, nq, as, na, now_ms);
	db_attempt_questions_free(qs, nq);
	db_answers_free(as, na);
	return out;
}

enum outcome quiz_started_view(struct db *db, struct quiz_qcache *qc, const struct quiz_write *w,
			       int64_t now_ms, char **text, struct problem *p)
{
	int found;
	const struct db_quiz *q = quiz_qcache_quiz(qc, db, w->attempt.quiz_id, &found);
	*text = !q ? NULL
		: w->kind != QUIZ_WRITE_START || !w->created
			? stored_attempt_text(db, qc, q, &w->attempt, now_ms)
			: attempt_text(db, qc, q, &w->attempt, w->questions, w->nquestions, NULL, 0,
				       now_ms);
	if (!*text)
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	return OUTCOME_OK;
}

enum outcome quiz_attempt_view(struct db *db, struct quiz_qcache *qc, int64_t user_id,
			       int64_t attempt_id, int64_t now_ms, char **text, struct problem *p)
{
	struct db_attempt a;
	int found;
	*text = NULL;
	int rc = db_attempt_get(db, attempt_id, &a);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	if (rc == 0 || a.user_id != user_id)
		return quiz_refusal(p, OUTCOME_NOT_FOUND, NULL);
	const struct db_quiz *q = quiz_qcache_quiz(qc, db, a.quiz_id, &found);
	if (q)
		*text = stored_attempt_text(db, qc, q, &a, now_ms);
	if (!*text)
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	return OUTCOME_OK;
}

json_t *quiz_attempt_json(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
			  const struct db_attempt *a, int64_t now_ms)
{
	char *text = stored_attempt_text(db, qc, q, a, now_ms);
	if (!text)
		return NULL;
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	free(text);
	return j;
}

enum outcome quiz_list_view(struct db *db, struct quiz_qcache *qc, const struct quiz_participant *p,
			    int64_t now_ms, json_t **out, struct problem *pr)
{
	int64_t *ids = NULL;
	size_t n = 0;
	if (db_quiz_ids(db, &ids, &n))
		return problem_set(pr, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	json_t *arr = json_array();
	bool failed = false;
	for (size_t i = 0; i < n && !failed; i++) {
		int found;
		const struct db_quiz *q = quiz_qcache_quiz(qc, db, ids[i], &found);
		if (!q) {
			failed = found < 0;
			continue;
		}
		if (!quiz_visible_to(q, p))
			continue;
		int used = 0;
		struct db_attempt best, cur;
		int has_best = 0, has_cur = 0;
		if ((has_cur = db_attempt_open_count(db, q->id, p->user_id, &cur, &used)) < 0 ||
		    (has_best = db_attempt_best(db, q->id, p->user_id, &best)) < 0) {
			failed = true;
			continue;
		}
		json_t *jbest = json_null();
		if (has_best)
			jbest = json_pack(
				"{s:f,s:f,s:f}", "score", round_to(best.score, 0.01), "max_score",
				best.max_score, "percent",
				round_to(best.max_score > 0 ? best.score * 100 / best.max_score : 0,
					 0.1));
		json_array_append_new(
			arr,
			json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:o,s:i,s:o,s:o,s:i,s:i,s:s,s:o,s:o}",
				  "id", (json_int_t)q->id, "code", q->code, "title", q->title,
				  "kind", q->kind, "mode", q->practice ? "practice" : "exam",
				  "mandatory", q->mandatory, "time_limit_s",
				  q->time_limit_s ? json_integer(q->time_limit_s) : json_null(),
				  "question_count", quiz_question_count(q), "opens_at",
				  quiz_time_json(q->opens_at), "closes_at",
				  quiz_time_json(q->closes_at), "max_attempts", q->max_attempts,
				  "attempts_used", used, "state", quiz_time_state(q, now_ms),
				  "best", jbest, "attempt_in_progress",
				  has_cur && now_ms <= cur.deadline ? json_integer(cur.id)
								    : json_null()));
	}
	free(ids);
	if (failed) {
		json_decref(arr);
		return problem_set(pr, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	}
	*out = json_pack("{s:o}", "quizzes", arr);
	return OUTCOME_OK;
}
