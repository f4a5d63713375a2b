/* report_missing.c - chasing: the rostered participants of a subtree who
 * have not completed a mandatory quiz meant for them this year, with the
 * unit's and the department's reporting deadlines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_report.h"
#include "report.h"
#include "report_priv.h"
#include "util.h"

void report_missing_cleanup(struct report_missing *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->people[i].missing);
	free(m->people);
	m->people = NULL;
	m->n = 0;
}

struct missing_ctx {
	struct report_missing_quiz *quizzes;
	char (*quiz_aud)[32];
	char (*quiz_scope)[512];
	size_t nq, capq;
	int64_t only_quiz;
	int64_t *done_user, *done_quiz;
	size_t ndone, capdone;
	struct report_missing *out;
	size_t cap_people;
};

static void on_mandatory(void *ctx, const struct db_mandatory_quiz *q)
{
	struct missing_ctx *c = ctx;
	if (c->only_quiz && q->id != c->only_quiz)
		return;
	if (c->nq == c->capq) {
		c->capq = c->capq ? c->capq * 2 : 16;
		c->quizzes = xrealloc(c->quizzes, c->capq * sizeof *c->quizzes);
		c->quiz_aud = xrealloc(c->quiz_aud, c->capq * sizeof *c->quiz_aud);
		c->quiz_scope = xrealloc(c->quiz_scope, c->capq * sizeof *c->quiz_scope);
	}
	struct report_missing_quiz *m = &c->quizzes[c->nq];
	m->id = q->id;
	util_strlcpy(m->code, q->code, sizeof m->code);
	util_strlcpy(m->title, q->title, sizeof m->title);
	m->closes_at = q->closes_at;
	util_strlcpy(c->quiz_aud[c->nq], q->audience, sizeof c->quiz_aud[0]);
	util_strlcpy(c->quiz_scope[c->nq], q->scope_path, sizeof c->quiz_scope[0]);
	c->nq++;
}

static void on_done(void *ctx, int64_t user_id, int64_t quiz_id)
{
	struct missing_ctx *c = ctx;
	if (c->ndone == c->capdone) {
		c->capdone = c->capdone ? c->capdone * 2 : 256;
		c->done_user = xrealloc(c->done_user, c->capdone * sizeof *c->done_user);
		c->done_quiz = xrealloc(c->done_quiz, c->capdone * sizeof *c->done_quiz);
	}
	c->done_user[c->ndone] = user_id;
	c->done_quiz[c->ndone] = quiz_id;
	c->ndone++;
}

static int cmp_done(const void *x, const void *y, void *ctx)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	const struct missing_ctx *c = ctx;
	if (c->done_user[i] != c->done_user[j])
		return c->done_user[i] < c->done_user[j] ? -1 : 1;
	return c->done_quiz[i] < c->done_quiz[j] ? -1 : c->done_quiz[i] > c->done_quiz[j];
}

static bool has_done(const struct missing_ctx *c, const size_t *order, int64_t user, int64_t quiz)
{
	size_t lo = 0, hi = c->ndone;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		size_t k = order[mid];
		if (c->done_user[k] < user || (c->done_user[k] == user && c->done_quiz[k] < quiz))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->ndone && c->done_user[order[lo]] == user && c->done_quiz[order[lo]] == quiz;
}

struct person_pass {
	struct missing_ctx *c;
	const size_t *order;
};

static void on_person(void *ctx, const struct db_roster_person *p)
{
	struct person_pass *pp = ctx;
	struct missing_ctx *c = pp->c;
	struct report_missing_person person;
	memset(&person, 0, sizeof person);
	for (size_t i = 0; i < c->nq; i++) {
		if (strcmp(c->quiz_aud[i], p->audience) != 0)
			continue;
		if (c->quiz_scope[i][0] && !db_unit_path_within(p->unit_path, c->quiz_scope[i]))
			continue;
		if (has_done(c, pp->order, p->id, c->quizzes[i].id))
			continue;
		person.missing =
			xrealloc(person.missing, (person.nmissing + 1) * sizeof *person.missing);
		person.missing[person.nmissing++] = c->quizzes[i];
	}
	if (!person.nmissing)
		return;
	person.user_id = p->id;
	util_strlcpy(person.username, p->username, sizeof person.username);
	util_strlcpy(person.full_name, p->full_name, sizeof person.full_name);
	util_strlcpy(person.unit_code, p->unit_code, sizeof person.unit_code);
	util_strlcpy(person.unit_name, p->unit_name, sizeof person.unit_name);
	util_strlcpy(person.audience, p->audience, sizeof person.audience);
	struct report_missing *out = c->out;
	if (out->n == c->cap_people) {
		c->cap_people = c->cap_people ? c->cap_people * 2 : 64;
		out->people = xrealloc(out->people, c->cap_people * sizeof *out->people);
	}
	out->people[out->n++] = person;
}

static int days_until(int year, int month, int day, int64_t now_ms)
{
	int64_t today = (now_ms + CLOCK_VN_OFFSET_MS) / 86400000LL;
	if (now_ms + CLOCK_VN_OFFSET_MS < 0)
		today--;
	int64_t target = (clock_vn_date_ms(year, month, day) + CLOCK_VN_OFFSET_MS) / 86400000LL;
	return (int)(target - today);
}

/* The path of the subtree to chase: the named unit (inside the scope), the
 * scope, or every unit ("/"). */
static enum outcome chase_path(struct db *db, const struct report_query *q, char *path,
			       size_t pathlen, struct problem *p)
{
	struct db_unit u;
	util_strlcpy(path, q->scope_path ? q->scope_path : "/", pathlen);
	if (!q->unit_code)
		return OUTCOME_OK;
	int found = db_unit_by_code(db, q->unit_code, &u);
	if (found < 0)
		return report_internal(db, p);
	if (!found)
		return problem_set(p, OUTCOME_NOT_FOUND, "Unknown unit %s.", q->unit_code);
	if (q->scope_path && !db_unit_path_within(u.path, q->scope_path))
		return problem_set(p, OUTCOME_FORBIDDEN, "Unit %s is outside your unit's subtree.",
				   q->unit_code);
	util_strlcpy(path, u.path, pathlen);
	return OUTCOME_OK;
}

/* Reads the people of the subtree at path who miss a mandatory quiz of
 * the year into c->out, in one read transaction. */
static enum outcome read_missing(struct db *db, int year, const char *path, struct missing_ctx *c,
				 struct problem *p)
{
	size_t *order = NULL;
	enum outcome o = OUTCOME_INTERNAL;
	if (db_begin_read(db))
		return report_internal(db, p);
	if (db_report_mandatory_quizzes(db, clock_vn_year_start_ms(year),
					clock_vn_year_start_ms(year + 1), on_mandatory, c))
		goto out;
	if (c->only_quiz && c->nq == 0) {
		o = problem_set(p, OUTCOME_NOT_FOUND,
				"Quiz %lld is not a mandatory quiz open in %d.",
				(long long)c->only_quiz, year);
		goto out;
	}
	if (db_report_completed_mandatory(db, path, on_done, c))
		goto out;
	order = xmalloc((c->ndone + 1) * sizeof *order);
	for (size_t i = 0; i < c->ndone; i++)
		order[i] = i;
	qsort_r(order, c->ndone, sizeof *order, cmp_done, c);
	struct person_pass pp = { c, order };
	if (db_report_roster_people(db, path, on_person, &pp))
		goto out;
	o = OUTCOME_OK;
out:
	if (o == OUTCOME_INTERNAL)
		report_internal(db, p);
	if (o == OUTCOME_OK)
		db_commit(db);
	else
		db_rollback(db);
	free(order);
	return o;
}

enum outcome report_missing_people(struct db *db, const struct report_query *q, int64_t quiz_id,
				   struct report_missing *out, struct problem *p)
{
	struct report_query pq;
	char path[512];
	int year;
	memset(out, 0, sizeof *out);
	enum outcome o = report_check_unit_query(q, &pq, &year, p);
	if (o == OUTCOME_OK && quiz_id < 0)
		o = problem_set(p, OUTCOME_INVALID, "'quiz' must be a quiz id.");
	if (o == OUTCOME_OK)
		o = chase_path(db, &pq, path, sizeof path, p);
	if (o != OUTCOME_OK)
		return o;
	struct missing_ctx c = { 0 };
	c.only_quiz = quiz_id;
	c.out = out;
	out->year = year;
	int64_t now = clock_now_ms();
	snprintf(out->unit_deadline, sizeof out->unit_deadline, "%04d-11-30", year);
	snprintf(out->department_deadline, sizeof out->department_deadline, "%04d-12-15", year);
	out->unit_days_left = days_until(year, 11, 30, now);
	out->department_days_left = days_until(year, 12, 15, now);
	o = read_missing(db, year, path, &c, p);
	if (o != OUTCOME_OK)
		report_missing_cleanup(out);
	free(c.quizzes);
	free(c.quiz_aud);
	free(c.quiz_scope);
	free(c.done_user);
	free(c.done_quiz);
	return o;
}
