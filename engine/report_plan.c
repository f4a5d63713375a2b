/* report_plan.c - the plan report: each target of a plan measured over a
 * unit's subtree in a year. Persons targets divide distinct participants
 * (covering the topic, when the target names one) by the headcount; units
 * targets count the units of a kind whose subtree's participants in some
 * quiz (or topic) reached the plan's unit_min_participation of their
 * headcount. A target that counts activities also takes attendances: a
 * person reached by a quiz or an activity (of the topic) counts once, and
 * an activity's attendees count for a unit as a quiz's participants do.
 * People who moved are counted once, as in report.c. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "db_report.h"
#include "plan.h"
#include "report.h"
#include "report_priv.h"
#include "util.h"

/* A count per (unit, quiz): open addressing. */
struct uq_entry {
	int64_t quiz_id;
	int64_t count;
	int32_t unit;
};
struct uq_map {
	struct uq_entry *e;
	size_t cap, n;
};

static size_t uq_hash(int unit, int64_t quiz_id)
{
	return report_mix(quiz_id * 1000003 + unit);
}

static struct uq_entry *uq_get(struct uq_map *m, int unit, int64_t quiz_id)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		struct uq_map bigger = { xcalloc(cap, sizeof(struct uq_entry)), cap, 0 };
		for (size_t i = 0; i < bigger.cap; i++)
			bigger.e[i].unit = -1;
		for (size_t i = 0; i < m->cap; i++) {
			if (m->e[i].unit < 0)
				continue;
			struct uq_entry *dst = uq_get(&bigger, m->e[i].unit, m->e[i].quiz_id);
			dst->count = m->e[i].count;
		}
		free(m->e);
		*m = bigger;
	}
	size_t mask = m->cap - 1;
	for (size_t i = uq_hash(unit, quiz_id) & mask;; i = (i + 1) & mask) {
		if (m->e[i].unit < 0) {
			m->e[i].unit = unit;
			m->e[i].quiz_id = quiz_id;
			m->e[i].count = 0;
			m->n++;
			return &m->e[i];
		}
		if (m->e[i].unit == unit && m->e[i].quiz_id == quiz_id)
			return &m->e[i];
	}
}

static bool within(const struct year_data *d, int u, int root)
{
	for (int x = u; x >= 0; x = d->units[x].parent)
		if (x == root)
			return true;
	return false;
}

/* Units metric: per unit of the kind and quiz, the distinct participants
 * of its subtree; pr gathers the rows of the people who moved. */
struct units_ctx {
	struct year_data *d;
	const char *kind;
	int aud;
	struct uq_map map;
	struct person_rows pr;
};

static void add_unit_quiz(struct units_ctx *c, int64_t unit_id, int64_t quiz_id,
			  int64_t participants)
{
	int u = report_map_get(c->d, unit_id);
	if (u <= 0)
		return;
	for (int x = u; x > ROOT; x = c->d->units[x].parent)
		if (strcmp(c->d->units[x].kind, c->kind) == 0)
			uq_get(&c->map, x, quiz_id)->count += participants;
}

static void flush_person_quiz(struct person_rows *pr)
{
	struct units_ctx *c = pr->ctx;
	struct year_data *d = c->d;
	if (pr->n < 2)
		return;
	report_hit_paths(d, pr->units, pr->n);
	for (size_t k = 0; k < d->ntouched; k++) {
		int x = d->touched[k];
		if (d->hits[x] > 1 && x > ROOT && strcmp(d->units[x].kind, c->kind) == 0)
			uq_get(&c->map, x, pr->quiz_id)->count -= d->hits[x] - 1;
		d->hits[x] = 0;
	}
}

/* A plan's units targets read together: one context per slot. */
struct units_read {
	struct units_ctx *c;
	int n;
};

static void on_slot_count(void *ctx, int slot, int64_t unit_id, int64_t quiz_id, bool activity,
			  int64_t participants)
{
	struct units_read *r = ctx;
	assert(slot >= 0 && slot < r->n);
	/* An activity's attendees, kept apart from the quizzes by a negative id. */
	add_unit_quiz(&r->c[slot], unit_id, activity ? -quiz_id : quiz_id, participants);
}

static void on_slot_multi(void *ctx, int slot, const struct db_reach *row)
{
	struct units_read *r = ctx;
	assert(slot >= 0 && slot < r->n);
	report_on_person_row(&r->c[slot].pr, row);
}

/* The counts of the units targets as read with the year (report_plan_ahead),
 * kept until the year's units are known, then handed to their targets. */
struct count_row {
	int target; /* the plan's target the row counts for */
	bool activity;
	int64_t unit_id, quiz_id, participants;
};
struct count_rows {
	const int *target_of; /* the read slot's target */
	struct count_row *v;
	size_t n, cap;
};

static void keep_count(void *ctx, int slot, int64_t unit_id, int64_t quiz_id, bool activity,
		       int64_t participants)
{
	struct count_rows *k = ctx;
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 1024;
		k->v = xrealloc(k->v, k->cap * sizeof *k->v);
	}
	k->v[k->n++] =
		(struct count_row){ k->target_of[slot], activity, unit_id, quiz_id, participants };
}

/* The plan's units targets as slots, in target order (slots[k] is target
 * target_of[k]); how many. */
static int units_slots(const struct plan *p, struct db_plan_slot *slots, int *target_of)
{
	int n = 0;
	for (int i = 0; i < p->ntargets; i++) {
		const struct plan_target *t = &p->targets[i];
		if (strcmp(t->metric, "persons") == 0)
			continue;
		slots[n] = (struct db_plan_slot){ t->audience, t->topic[0] ? t->topic : NULL,
						  strcmp(t->counts, "activities") == 0 };
		target_of[n++] = i;
	}
	return n;
}

/* Persons with a topic: distinct people under root whose attempts covered it. */
struct topic_people {
	struct year_data *d;
	int root;
	int64_t last_counted;
	bool any;
	int64_t count;
};

static void on_topic_person(void *ctx, const struct db_reach *row)
{
	struct topic_people *t = ctx;
	if (t->any && t->last_counted == row->user_key)
		return;
	int u = row->unit_id > 0 ? report_map_get(t->d, row->unit_id) : -1;
	if (u > 0 && within(t->d, u, t->root)) {
		t->count++;
		t->last_counted = row->user_key;
		t->any = true;
	}
}

static int measure_persons(struct db *db, struct year_data *d, int root, int a,
			   struct report_target *out)
{
	const struct plan_target *t = &out->target;
	const char *topic = t->topic[0] ? t->topic : NULL;
	bool activities = strcmp(t->counts, "activities") == 0;
	out->denominator = d->headcount[report_cell(root, a)];
	if (!topic) {
		out->numerator = activities ? d->reached[report_cell(root, a)]
					    : d->participants[report_cell(root, a)];
		return 0;
	}
	struct topic_people tp = { .d = d, .root = root };
	if ((activities ? db_report_reach_topic_people : db_report_topic_people)(
		    db, d->year, t->audience, topic, on_topic_person, &tp))
		return -1;
	out->numerator = tp.count;
	return 0;
}

/* A units target from its slot's counts: the units of the kind under root,
 * and those where some quiz or activity reached the plan's participation. */
static void count_units(struct year_data *d, const struct plan *p, int root,
			const struct units_ctx *c, struct report_target *out)
{
	const struct plan_target *t = &out->target;
	bool *ran = xcalloc((size_t)d->nunits, sizeof *ran);
	for (size_t i = 0; i < c->map.cap; i++) {
		const struct uq_entry *e = &c->map.e[i];
		if (e->unit < 0 || e->count <= 0)
			continue;
		int64_t hc = d->headcount[report_cell(e->unit, c->aud)];
		if ((double)e->count * 100.0 >= p->unit_min_participation * (double)hc)
			ran[e->unit] = true;
	}
	for (int u = 1; u < d->nunits; u++) {
		if (strcmp(d->units[u].kind, t->unit_kind) != 0 || !within(d, u, root))
			continue;
		out->denominator++;
		if (ran[u])
			out->numerator++;
	}
	free(ran);
}

/* Measures every target of p into targets: persons targets one by one,
 * the units targets together (two statements for all of them; their
 * counts kept when read with the year). */
static int measure_targets(struct db *db, struct year_data *d, const struct plan *p, int root,
			   const struct count_rows *kept, struct report_target *targets)
{
	struct db_plan_slot slots[PLAN_MAX_TARGETS];
	struct units_ctx c[PLAN_MAX_TARGETS];
	int target_of[PLAN_MAX_TARGETS], n = 0, ret = -1;
	for (int i = 0; i < p->ntargets; i++) {
		struct report_target *out = &targets[i];
		out->target = p->targets[i];
		const struct plan_target *t = &out->target;
		int a = report_aud_index(d, t->audience);
		if (a < 0)
			continue;
		if (strcmp(t->metric, "persons") == 0) {
			if (measure_persons(db, d, root, a, out))
				goto out;
			continue;
		}
		slots[n] = (struct db_plan_slot){ t->audience, t->topic[0] ? t->topic : NULL,
						  strcmp(t->counts, "activities") == 0 };
		c[n] = (struct units_ctx){ .d = d, .kind = t->unit_kind, .aud = a };
		c[n].pr = (struct person_rows){ .d = d, .flush = flush_person_quiz, .ctx = &c[n] };
		target_of[n++] = i;
	}
	/* The movers' rows only when the year has movers in a slot's audience
	 * (read in the same snapshot). */
	bool movers = false;
	for (int k = 0; k < n; k++)
		movers = movers || d->movers[c[k].aud];
	struct units_read r = { c, n };
	if (kept) {
		/* Each kept row to its target's slot here (a target whose
		 * audience the year cannot hold has none). */
		int slot_of[PLAN_MAX_TARGETS];
		for (int i = 0; i < p->ntargets; i++)
			slot_of[i] = -1;
		for (int k = 0; k < n; k++)
			slot_of[target_of[k]] = k;
		for (size_t j = 0; j < kept->n; j++) {
			const struct count_row *row = &kept->v[j];
			int k = slot_of[row->target];
			if (k >= 0)
				on_slot_count(&r, k, row->unit_id, row->quiz_id, row->activity,
					      row->participants);
		}
	}
	if (n > 0 && db_report_plan(db, d->year, slots, n, kept ? NULL : on_slot_count,
				    movers ? on_slot_multi : NULL, &r))
		goto out;
	for (int k = 0; k < n; k++) {
		report_person_rows_cleanup(&c[k].pr);
		c[k].pr.units = c[k].pr.passed_units = NULL;
		count_units(d, p, root, &c[k], &targets[target_of[k]]);
	}
	ret = 0;
out:
	for (int k = 0; k < n; k++) {
		free(c[k].pr.units);
		free(c[k].pr.passed_units);
		free(c[k].map.e);
	}
	return ret;
}

/* The outcome of a measured target against its threshold. */
static void judge_target(struct report_target *t)
{
	t->has_actual = t->denominator > 0;
	t->actual_percent = report_percent(t->numerator, t->denominator);
	/* Compared exactly, not on the rounded figure. */
	double lhs = (double)t->numerator * 100.0;
	double rhs = t->target.threshold * (double)t->denominator;
	t->met = t->has_actual && (strcmp(t->target.comparator, ">") == 0 ? lhs > rhs : lhs >= rhs);
	t->gap_percent = t->met ? 0 : round((t->target.threshold - t->actual_percent) * 10) / 10;
	if (t->gap_percent < 0)
		t->gap_percent = 0;
}

/* Loads a plan, installing the built-in templates first when it is not
 * stored yet. */
static enum outcome load_plan(struct db *db, const char *plan_code, struct plan *plan,
			      struct problem *p)
{
	bool builtin = false;
	if (!util_valid_code(plan_code))
		return problem_set(p, OUTCOME_NOT_FOUND, "Unknown plan.");
	int rc = plan_load(db, plan_code, plan, &builtin);
	if (rc == 0) {
		if (plan_install_builtins(db))
			return report_internal(db, p);
		rc = plan_load(db, plan_code, plan, &builtin);
	}
	if (rc < 0)
		return report_internal(db, p);
	if (rc == 0)
		return problem_set(p, OUTCOME_NOT_FOUND, "Unknown plan %s.", plan_code);
	return OUTCOME_OK;
}

enum outcome report_plan(struct db *db, const char *plan_code, const struct report_query *q,
			 struct report_plan *out, struct problem *p)
{
	struct report_query pq;
	int year, root;
	memset(out, 0, sizeof *out);
	enum outcome o = report_check_unit_query(q, &pq, &year, p);
	if (o == OUTCOME_OK)
		o = load_plan(db, plan_code, &out->plan, p);
	if (o != OUTCOME_OK)
		return o;
	/* The year and the targets' figures from one snapshot, the units
	 * targets' counts read with the year when they fit. */
	struct db_plan_slot slots[PLAN_MAX_TARGETS];
	int target_of[PLAN_MAX_TARGETS];
	struct count_rows kept = { .target_of = target_of };
	struct report_plan_ahead ahead = { slots, units_slots(&out->plan, slots, target_of),
					   keep_count, &kept };
	bool read_ahead = ahead.nslots > 0 && ahead.nslots <= DB_PLAN_AHEAD;
	if (db_begin_read(db))
		return report_internal(db, p);
	struct year_data *d = report_year_read(db, year, read_ahead ? &ahead : NULL, p);
	o = d ? report_resolve_unit(d, &pq, &root, p) : OUTCOME_INTERNAL;
	if (o != OUTCOME_OK) {
		db_rollback(db);
		report_year_free(d);
		free(kept.v);
		return o;
	}
	out->year = year;
	util_strlcpy(out->unit_code, d->units[root].code, sizeof out->unit_code);
	util_strlcpy(out->unit_name, d->units[root].name, sizeof out->unit_name);
	out->unit_is_root = root == ROOT || d->units[root].parent == ROOT;
	plan_deadline(&out->plan, year, clock_now_ms(), out->deadline);
	bool failed = measure_targets(db, d, &out->plan, root, read_ahead ? &kept : NULL,
				      out->targets) != 0;
	free(kept.v);
	for (int i = 0; !failed && i < out->plan.ntargets; i++)
		judge_target(&out->targets[i]);
	if (failed) {
		o = report_internal(db, p);
		db_rollback(db);
	} else {
		db_commit(db);
	}
	out->ntargets = failed ? 0 : out->plan.ntargets;
	report_year_free(d);
	return o;
}
