/* rescore.c - scoring finished attempts again after a key fix (see
 * rescore.h). */
#include "rescore.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "contest_board.h"
#include "db.h"
#include "db_attempt.h"
#include "db_bank.h"
#include "db_quiz.h"
#include "quiz_rules.h"
#include "util.h"

/* What a rescore needs while it runs: the current version (the key), the
 * drawn versions seen so far and the pass marks of the quizzes met. */
struct rescore_ctx {
	struct db *db;
	struct db_question key;
	struct db_question *drawn;
	size_t ndrawn;
	int64_t *quiz_ids;
	double *pass_percent;
	size_t nquizzes;
	json_t *changed_ids; /* attempts whose score changed */
};

static void ctx_cleanup(struct rescore_ctx *c)
{
	db_question_cleanup(&c->key);
	for (size_t i = 0; i < c->ndrawn; i++)
		db_question_cleanup(&c->drawn[i]);
	free(c->drawn);
	free(c->quiz_ids);
	free(c->pass_percent);
	json_decref(c->changed_ids);
}

/* The drawn version with this id, loaded once and checked against the key:
 * 1, 0 when its options do not line up (p says why), -1 on storage. */
static int drawn_version(struct rescore_ctx *c, int64_t id, const struct db_question **out,
			 struct problem *p)
{
	for (size_t i = 0; i < c->ndrawn; i++)
		if (c->drawn[i].id == id) {
			*out = &c->drawn[i];
			return 1;
		}
	c->drawn = xrealloc(c->drawn, (c->ndrawn + 1) * sizeof *c->drawn);
	struct db_question *q = &c->drawn[c->ndrawn];
	if (db_question_get(c->db, id, q) != 1)
		return -1;
	c->ndrawn++;
	*out = q;
	if (strcmp(q->type, c->key.type) ||
	    (strcmp(q->type, "short") && q->noptions != c->key.noptions)) {
		problem_set(p, OUTCOME_CONFLICT,
			    "version %d of %s (%s, %zu options) does not line up with the current "
			    "version %d (%s, %zu options): a rescore needs the same options in the "
			    "same order",
			    q->version, q->code, q->type, q->noptions, c->key.version, c->key.type,
			    c->key.noptions);
		return 0;
	}
	return 1;
}

static int pass_percent_of(struct rescore_ctx *c, int64_t quiz_id, double *percent)
{
	for (size_t i = 0; i < c->nquizzes; i++)
		if (c->quiz_ids[i] == quiz_id) {
			*percent = c->pass_percent[i];
			return 0;
		}
	struct db_quiz q;
	if (db_quiz_get(c->db, quiz_id, &q) != 1)
		return -1;
	*percent = q.pass_percent;
	db_quiz_cleanup(&q);
	c->quiz_ids = xrealloc(c->quiz_ids, (c->nquizzes + 1) * sizeof *c->quiz_ids);
	c->pass_percent = xrealloc(c->pass_percent, (c->nquizzes + 1) * sizeof *c->pass_percent);
	c->quiz_ids[c->nquizzes] = quiz_id;
	c->pass_percent[c->nquizzes++] = *percent;
	return 0;
}

/* The answer's score under the key: the drawn options (whose ids the answer
 * holds) with the key's weights and flags, position by position. */
static double score_with_key(const struct rescore_ctx *c, const struct db_question *drawn,
			     const struct db_rescore_draw *d)
{
	if (!d->choices && !d->text)
		return 0;
	if (!strcmp(drawn->type, "short"))
		return quiz_score_answer(&c->key, NULL, 0, d->text);
	struct db_question rekeyed = *drawn;
	struct db_option *opts = xcalloc(drawn->noptions, sizeof *opts);
	for (size_t i = 0; i < drawn->noptions; i++) {
		opts[i] = drawn->options[i];
		opts[i].weight = c->key.options[i].weight;
		opts[i].correct = c->key.options[i].correct;
	}
	rekeyed.options = opts;
	size_t nc = 0;
	int64_t *choices = quiz_ids_parse(d->choices, &nc);
	double s = quiz_score_answer(&rekeyed, choices, nc, d->text);
	free(choices);
	free(opts);
	return s;
}

/* Rescores one attempt's answer to the question; counts it in res. */
static enum outcome rescore_one(struct rescore_ctx *c, const struct db_rescore_draw *d,
				struct rescore_result *res, struct problem *p)
{
	const struct db_question *drawn;
	int rc = drawn_version(c, d->question_id, &drawn, p);
	if (rc == 0)
		return OUTCOME_CONFLICT;
	res->attempts++;
	double s = rc < 0 ? 0 : score_with_key(c, drawn, d);
	double percent_mark = 0;
	if (rc < 0 || pass_percent_of(c, d->quiz_id, &percent_mark))
		return problem_set(p, OUTCOME_INTERNAL, "rescoring: %s", db_errmsg(c->db));
	if (fabs(s - d->answer_score) < QUIZ_SCORE_EPS)
		return OUTCOME_OK;
	double score = d->score + s - d->answer_score;
	int correct = d->correct_count - (d->answer_score > 1 - QUIZ_SCORE_EPS) +
		      (s > 1 - QUIZ_SCORE_EPS);
	double percent = d->max_score > 0 ? score * 100.0 / d->max_score : 0;
	bool passed = percent + QUIZ_SCORE_EPS >= percent_mark;
	if (db_answer_set_score(c->db, d->attempt_id, d->question_id, s) ||
	    db_attempt_rescore(c->db, d->attempt_id, score, correct, passed))
		return problem_set(p, OUTCOME_INTERNAL, "rescoring: %s", db_errmsg(c->db));
	res->changed++;
	json_array_append_new(c->changed_ids, json_integer(d->attempt_id));
	if (passed != d->passed)
		res->passed_changed++;
	return OUTCOME_OK;
}

static enum outcome find_key(struct rescore_ctx *c, const char *code, const char *qcode,
			     int64_t *bank_id, struct problem *p)
{
	struct db_bank b;
	int rc = db_bank_by_code(c->db, code, &b);
	if (rc == 0)
		return problem_set(p, OUTCOME_NOT_FOUND, "no bank with code %s", code);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "rescoring: %s", db_errmsg(c->db));
	*bank_id = b.id;
	db_bank_cleanup(&b);
	int64_t id = 0;
	int version = 0;
	unsigned char hash[DB_QUESTION_HASH_LEN];
	rc = db_question_current(c->db, *bank_id, qcode, &id, &version, hash);
	if (rc == 0)
		return problem_set(p, OUTCOME_NOT_FOUND, "no current question %s in bank %s", qcode,
				   code);
	if (rc < 0 || db_question_get(c->db, id, &c->key) != 1)
		return problem_set(p, OUTCOME_INTERNAL, "rescoring: %s", db_errmsg(c->db));
	return OUTCOME_OK;
}

/* The audit entry of a finished rescore, inside its transaction. */
static enum outcome audit_rescore(struct rescore_ctx *c, const struct audit_actor *who,
				  const char *code, const char *qcode,
				  const struct rescore_result *res, struct problem *p)
{
	char target[160];
	snprintf(target, sizeof target, "question:%s/%s", code, qcode);
	json_t *detail = json_pack("{s:I,s:i,s:i,s:i,s:i,s:O}", "key_id", (json_int_t)c->key.id,
				   "key_version", c->key.version, "attempts", res->attempts,
				   "changed", res->changed, "passed_changed", res->passed_changed,
				   "changed_attempts", c->changed_ids);
	enum outcome ret = audit_record(c->db, who, "question.rescore", target, detail, p);
	json_decref(detail);
	return ret;
}

enum outcome rescore_question(struct db *db, const struct audit_actor *who, const char *code,
			      const char *qcode, struct rescore_result *res, struct problem *p)
{
	struct rescore_ctx c = { .db = db, .changed_ids = json_array() };
	struct db_rescore_draw *draws = NULL;
	size_t n = 0;
	int64_t bank_id = 0;
	memset(res, 0, sizeof *res);
	if (db_begin_write(db))
		return problem_set(p, OUTCOME_INTERNAL, "rescoring: %s", db_errmsg(db));
	enum outcome ret = find_key(&c, code, qcode, &bank_id, p);
	if (ret == OUTCOME_OK && db_rescore_draws(db, bank_id, qcode, &draws, &n))
		ret = problem_set(p, OUTCOME_INTERNAL, "rescoring: %s", db_errmsg(db));
	for (size_t i = 0; ret == OUTCOME_OK && i < n; i++)
		ret = rescore_one(&c, &draws[i], res, p);
	if (ret == OUTCOME_OK)
		ret = audit_rescore(&c, who, code, qcode, res, p);
	if (ret == OUTCOME_OK && db_commit(db))
		ret = problem_set(p, OUTCOME_INTERNAL, "rescoring: %s", db_errmsg(db));
	if (ret != OUTCOME_OK) {
		db_rollback(db);
		memset(res, 0, sizeof *res);
	} else if (res->changed) {
		/* Answer once the leaderboards hold the new results. */
		contest_board_sync();
	}
	db_rescore_draws_free(draws, n);
	ctx_cleanup(&c);
	return ret;
}
