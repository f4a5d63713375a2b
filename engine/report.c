/* report.c - participation, plan and chasing figures.
 *
 * Storage keeps per-unit counters of the people attached directly to each
 * unit (db_report.h). A subtree's figure is the sum over its units, rolled
 * up children-first in C; the only people that sum would count twice are
 * those attached to several units in the year (they moved), and their few
 * rows are read to take the excess off wherever two of their units' paths
 * to the root meet. So a person counts once per unit subtree however many
 * attempts, quizzes or units they have. */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_report.h"
#include "org.h"
#include "util.h"

#define MAX_AUD 32
#define ROOT 0 /* index of the virtual root above every real root */

struct unit {
	int64_t id, parent_id;
	int parent; /* index; -1 for the virtual root */
	int first_child, next_sibling, last_child;
	char code[65];
	char name[256];
	char kind[32];
	char path[512];
};

struct year_data {
	int year;
	int nunits, cap_units;
	struct unit *units;
	/* id -> index, open addressing */
	int64_t *map_ids;
	int *map_idx;
	size_t map_cap;
	int naud;
	char aud[MAX_AUD][32];
	/* [unit * MAX_AUD + aud]: subtree figures once rolled up */
	int64_t *declared; /* -1 when none */
	int64_t *roster_direct, *registered, *headcount, *participants, *passed, *attempts;
	const char **source;
	bool *declared_in_subtree;
	/* scratch for the corrections */
	int *hits;
	int *touched;
	size_t ntouched, cap_touched;
};

double report_percent(int64_t part, int64_t whole)
{
	if (whole <= 0)
		return 0;
	return round((double)part * 1000.0 / (double)whole) / 10.0;
}

static size_t mix(int64_t id)
{
	uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
	return (size_t)(x ^ (x >> 29));
}

static void map_put(struct year_data *d, int64_t id, int idx)
{
	size_t mask = d->map_cap - 1;
	for (size_t i = mix(id) & mask;; i = (i + 1) & mask) {
		if (d->map_idx[i] < 0) {
			d->map_ids[i] = id;
			d->map_idx[i] = idx;
			return;
		}
	}
}

static int map_get(const struct year_data *d, int64_t id)
{
	size_t mask = d->map_cap - 1;
	for (size_t i = mix(id) & mask;; i = (i + 1) & mask) {
		if (d->map_idx[i] < 0)
			return -1;
		if (d->map_ids[i] == id)
			return d->map_idx[i];
	}
}

static int aud_index(struct year_data *d, const char *audience)
{
	for (int i = 0; i < d->naud; i++)
		if (strcmp(d->aud[i], audience) == 0)
			return i;
	if (d->naud == MAX_AUD || strlen(audience) >= sizeof d->aud[0])
		return -1;
	util_strlcpy(d->aud[d->naud], audience, sizeof d->aud[0]);
	return d->naud++;
}

static size_t cell(int u, int a)
{
	return (size_t)u * MAX_AUD + (size_t)a;
}

static void year_data_free(struct year_data *d)
{
	if (!d)
		return;
	free(d->units);
	free(d->map_ids);
	free(d->map_idx);
	free(d->declared);
	free(d->roster_direct);
	free(d->registered);
	free(d->headcount);
	free(d->participants);
	free(d->passed);
	free(d->attempts);
	free(d->source);
	free(d->declared_in_subtree);
	free(d->hits);
	free(d->touched);
	free(d);
}

static void on_unit(void *ctx, const struct db_unit *u)
{
	struct year_data *d = ctx;
	if (d->nunits == d->cap_units) {
		d->cap_units *= 2;
		d->units = xrealloc(d->units, (size_t)d->cap_units * sizeof *d->units);
	}
	struct unit *x = &d->units[d->nunits];
	memset(x, 0, sizeof *x);
	x->id = u->id;
	x->parent_id = u->parent_id;
	x->parent = ROOT;
	x->first_child = x->next_sibling = x->last_child = -1;
	util_strlcpy(x->code, u->code, sizeof x->code);
	util_strlcpy(x->name, u->name, sizeof x->name);
	util_strlcpy(x->kind, u->kind, sizeof x->kind);
	util_strlcpy(x->path, u->path, sizeof x->path);
	d->nunits++;
}

static void link_units(struct year_data *d)
{
	d->map_cap = 16;
	while (d->map_cap < (size_t)d->nunits * 2)
		d->map_cap *= 2;
	d->map_ids = xcalloc(d->map_cap, sizeof *d->map_ids);
	d->map_idx = xmalloc(d->map_cap * sizeof *d->map_idx);
	for (size_t i = 0; i < d->map_cap; i++)
		d->map_idx[i] = -1;
	for (int i = 1; i < d->nunits; i++)
		map_put(d, d->units[i].id, i);
	for (int i = 1; i < d->nunits; i++) {
		struct unit *x = &d->units[i];
		if (x->parent_id > 0) {
			int p = map_get(d, x->parent_id);
			x->parent = p > 0 ? p : ROOT;
		}
		struct unit *p = &d->units[x->parent];
		/* Units arrive by depth then code, so appending keeps children in
		 * code order. */
		if (p->last_child < 0)
			p->first_child = i;
		else
			d->units[p->last_child].next_sibling = i;
		p->last_child = i;
	}
}

static void on_headcount(void *ctx, int64_t unit_id, const char *audience, int64_t count)
{
	struct year_data *d = ctx;
	int u = map_get(d, unit_id), a = aud_index(d, audience);
	if (u > 0 && a >= 0)
		d->declared[cell(u, a)] = count;
}

static void on_roster(void *ctx, int64_t unit_id, const char *audience, int64_t count)
{
	struct year_data *d = ctx;
	int u = map_get(d, unit_id), a = aud_index(d, audience);
	if (u > 0 && a >= 0)
		d->roster_direct[cell(u, a)] += count;
}

static void on_figures(void *ctx, int64_t unit_id, const char *audience, int64_t participants,
		       int64_t passed, int64_t attempts)
{
	struct year_data *d = ctx;
	int u = map_get(d, unit_id), a = aud_index(d, audience);
	if (u <= 0 || a < 0)
		return;
	d->participants[cell(u, a)] += participants;
	d->passed[cell(u, a)] += passed;
	d->attempts[cell(u, a)] += attempts;
}

/* Children first: headcounts (a declaration replaces the subtree's sum),
 * registered accounts and the participation sums. */
static void roll_up(struct year_data *d)
{
	int64_t *child_sum = xcalloc((size_t)d->nunits * MAX_AUD, sizeof *child_sum);
	for (int u = d->nunits - 1; u >= 0; u--) {
		int p = d->units[u].parent;
		for (int a = 0; a < d->naud; a++) {
			size_t i = cell(u, a);
			d->registered[i] += d->roster_direct[i];
			bool below = d->declared_in_subtree[i];
			if (d->declared[i] >= 0) {
				d->headcount[i] = d->declared[i];
				d->source[i] = "declared";
			} else {
				d->headcount[i] = d->roster_direct[i] + child_sum[i];
				d->source[i] = below ? "mixed" : "roster";
			}
			if (p < 0)
				continue;
			size_t pi = cell(p, a);
			child_sum[pi] += d->headcount[i];
			d->registered[pi] += d->registered[i];
			d->declared_in_subtree[pi] |= below || d->declared[i] >= 0;
			d->participants[pi] += d->participants[i];
			d->passed[pi] += d->passed[i];
			d->attempts[pi] += d->attempts[i];
		}
	}
	free(child_sum);
}

/* Counts, for one person's units, how many of them lie under each unit on
 * their paths to the root: d->hits[x] for every x in d->touched (the caller
 * resets them to 0). */
static void hit_paths(struct year_data *d, const int *units, size_t n)
{
	d->ntouched = 0;
	for (size_t k = 0; k < n; k++) {
		for (int x = units[k]; x >= 0; x = d->units[x].parent) {
			if (d->hits[x]++ == 0) {
				if (d->ntouched == d->cap_touched) {
					d->cap_touched = d->cap_touched ? d->cap_touched * 2 : 64;
					d->touched = xrealloc(d->touched,
							      d->cap_touched * sizeof *d->touched);
				}
				d->touched[d->ntouched++] = x;
			}
		}
	}
}

/* A person's rows, gathered while reading the multi-unit people. */
struct person_rows {
	struct year_data *d;
	char audience[32];
	int64_t user_key, quiz_id;
	bool open;
	int *units, *passed_units;
	size_t n, npassed, cap;
	/* what to do with a finished person */
	void (*flush)(struct person_rows *pr);
	void *ctx;
};

static void person_rows_add(struct person_rows *pr, int unit, bool passed)
{
	if (pr->n == pr->cap) {
		pr->cap = pr->cap ? pr->cap * 2 : 8;
		pr->units = xrealloc(pr->units, pr->cap * sizeof *pr->units);
		pr->passed_units = xrealloc(pr->passed_units, pr->cap * sizeof *pr->passed_units);
	}
	pr->units[pr->n++] = unit;
	if (passed)
		pr->passed_units[pr->npassed++] = unit;
}

static void on_person_row(void *ctx, const struct db_reach *row)
{
	struct person_rows *pr = ctx;
	if (pr->open && (row->user_key != pr->user_key || row->quiz_id != pr->quiz_id ||
			 strcmp(row->audience, pr->audience) != 0)) {
		pr->flush(pr);
		pr->open = false;
	}
	if (!pr->open) {
		util_strlcpy(pr->audience, row->audience, sizeof pr->audience);
		pr->user_key = row->user_key;
		pr->quiz_id = row->quiz_id;
		pr->n = pr->npassed = 0;
		pr->open = true;
	}
	int u = row->unit_id > 0 ? map_get(pr->d, row->unit_id) : -1;
	if (u > 0)
		person_rows_add(pr, u, row->passed_attempts > 0);
}

static void person_rows_cleanup(struct person_rows *pr)
{
	if (pr->open)
		pr->flush(pr);
	free(pr->units);
	free(pr->passed_units);
}

/* Takes off what the sums counted more than once for one person. */
static void correct_matrix(struct year_data *d, int64_t *matrix, int a, const int *units, size_t n)
{
	if (n < 2)
		return;
	hit_paths(d, units, n);
	for (size_t k = 0; k < d->ntouched; k++) {
		int x = d->touched[k];
		if (d->hits[x] > 1)
			matrix[cell(x, a)] -= d->hits[x] - 1;
		d->hits[x] = 0;
	}
}

static void flush_person_figures(struct person_rows *pr)
{
	struct year_data *d = pr->d;
	int a = aud_index(d, pr->audience);
	if (a < 0)
		return;
	correct_matrix(d, d->participants, a, pr->units, pr->n);
	correct_matrix(d, d->passed, a, pr->passed_units, pr->npassed);
}

static struct year_data *year_load(struct db *db, int year, char *err, size_t errlen)
{
	struct year_data *d = xcalloc(1, sizeof *d);
	d->year = year;
	for (int i = 0; org_audiences[i]; i++)
		aud_index(d, org_audiences[i]);
	d->cap_units = 64;
	d->units = xcalloc((size_t)d->cap_units, sizeof *d->units);
	d->nunits = 1;
	struct unit *root = &d->units[ROOT];
	root->parent = -1;
	root->first_child = root->next_sibling = root->last_child = -1;
	util_strlcpy(root->path, "/", sizeof root->path);
	struct person_rows pr = { .d = d, .flush = flush_person_figures };
	if (db_begin_read(db))
		goto fail;
	if (db_report_units(db, on_unit, d))
		goto fail;
	link_units(d);
	size_t cells = (size_t)d->nunits * MAX_AUD;
	d->declared = xmalloc(cells * sizeof *d->declared);
	for (size_t i = 0; i < cells; i++)
		d->declared[i] = -1;
	d->roster_direct = xcalloc(cells, sizeof(int64_t));
	d->registered = xcalloc(cells, sizeof(int64_t));
	d->headcount = xcalloc(cells, sizeof(int64_t));
	d->participants = xcalloc(cells, sizeof(int64_t));
	d->passed = xcalloc(cells, sizeof(int64_t));
	d->attempts = xcalloc(cells, sizeof(int64_t));
	d->source = xcalloc(cells, sizeof(const char *));
	d->declared_in_subtree = xcalloc(cells, sizeof(bool));
	d->hits = xcalloc((size_t)d->nunits, sizeof *d->hits);
	if (db_report_headcounts(db, year, on_headcount, d) || db_report_roster(db, on_roster, d) ||
	    db_report_unit_figures(db, year, on_figures, d))
		goto fail;
	roll_up(d);
	if (db_report_multi(db, year, NULL, NULL, on_person_row, &pr))
		goto fail;
	person_rows_cleanup(&pr);
	db_commit(db);
	return d;
fail:
	snprintf(err, errlen, "%s", db_errmsg(db));
	db_rollback(db);
	free(pr.units);
	free(pr.passed_units);
	year_data_free(d);
	return NULL;
}

/* Resolves the report's unit: the named one (checked against the scope),
 * the scope's unit, or the virtual root. Returns an index or -(status). */
static int resolve_unit(struct year_data *d, const struct report_query *q, char *err, size_t errlen)
{
	const char *code = q->unit_code;
	if (!code && q->scope_path) {
		for (int i = 1; i < d->nunits; i++)
			if (strcmp(d->units[i].path, q->scope_path) == 0)
				return i;
		snprintf(err, errlen, "your unit no longer exists");
		return -REPORT_FORBIDDEN;
	}
	if (!code)
		return ROOT;
	for (int i = 1; i < d->nunits; i++) {
		if (strcmp(d->units[i].code, code) == 0) {
			if (q->scope_path &&
			    !db_unit_path_within(d->units[i].path, q->scope_path)) {
				snprintf(err, errlen, "unit %s is outside your unit's subtree",
					 code);
				return -REPORT_FORBIDDEN;
			}
			return i;
		}
	}
	snprintf(err, errlen, "unknown unit %s", code);
	return -REPORT_NOT_FOUND;
}

void report_table_cleanup(struct report_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}

static void add_rows(struct year_data *d, int u, int level, int aud_filter,
		     const struct report_query *q, struct report_table *t, size_t *cap)
{
	/* The audiences of plan-targets.md first (they were indexed first). */
	for (int a = 0; a < d->naud; a++) {
		if (aud_filter >= 0 && a != aud_filter)
			continue;
		size_t i = cell(u, a);
		if (aud_filter < 0 && !d->headcount[i] && !d->registered[i] &&
		    !d->participants[i] && !d->attempts[i])
			continue;
		if (t->n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			t->rows = xrealloc(t->rows, *cap * sizeof *t->rows);
		}
		struct report_row *r = &t->rows[t->n++];
		memset(r, 0, sizeof *r);
		util_strlcpy(r->unit_code, d->units[u].code, sizeof r->unit_code);
		util_strlcpy(r->unit_name, d->units[u].name, sizeof r->unit_name);
		util_strlcpy(r->unit_kind, d->units[u].kind, sizeof r->unit_kind);
		r->level = level;
		util_strlcpy(r->audience, d->aud[a], sizeof r->audience);
		r->headcount = d->headcount[i];
		r->headcount_source = d->source[i];
		r->registered = d->registered[i];
		r->participants = d->participants[i];
		r->passed = d->passed[i];
		r->attempts = d->attempts[i];
		r->has_percent = r->headcount > 0;
		r->participation_percent = report_percent(r->participants, r->headcount);
		r->passed_percent = report_percent(r->passed, r->headcount);
	}
	if (level >= q->depth)
		return;
	for (int c = d->units[u].first_child; c >= 0; c = d->units[c].next_sibling)
		add_rows(d, c, level + 1, aud_filter, q, t, cap);
}

static int check_query(const struct report_query *q, char *err, size_t errlen)
{
	if (q->year < 2000 || q->year > 2100) {
		snprintf(err, errlen, "'year' must be a year from 2000 to 2100");
		return REPORT_BAD_REQUEST;
	}
	if (q->depth < 0 || q->depth > REPORT_MAX_DEPTH) {
		snprintf(err, errlen, "'depth' must be an integer from 0 to %d", REPORT_MAX_DEPTH);
		return REPORT_BAD_REQUEST;
	}
	if (q->audience && !org_valid_audience(q->audience)) {
		snprintf(err, errlen, "'audience' %s is not a known audience", q->audience);
		return REPORT_BAD_REQUEST;
	}
	return 0;
}

int report_participation(struct db *db, const struct report_query *q, struct report_table *out,
			 char *err, size_t errlen)
{
	int rc = check_query(q, err, errlen);
	if (rc)
		return rc;
	struct year_data *d = year_load(db, q->year, err, errlen);
	if (!d)
		return -1;
	memset(out, 0, sizeof *out);
	out->year = q->year;
	int u = resolve_unit(d, q, err, errlen);
	if (u < 0) {
		year_data_free(d);
		return -u;
	}
	int aud = q->audience ? aud_index(d, q->audience) : -1;
	size_t cap = 0;
	if (u == ROOT) {
		for (int c = d->units[ROOT].first_child; c >= 0; c = d->units[c].next_sibling)
			add_rows(d, c, 0, aud, q, out, &cap);
	} else {
		add_rows(d, u, 0, aud, q, out, &cap);
	}
	year_data_free(d);
	return 0;
}

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
	return mix(quiz_id * 1000003 + unit);
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
 * of its subtree. */
struct units_ctx {
	struct year_data *d;
	const char *kind;
	struct uq_map map;
};

static void on_unit_quiz(void *ctx, int64_t unit_id, int64_t quiz_id, int64_t participants)
{
	struct units_ctx *c = ctx;
	int u = map_get(c->d, unit_id);
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
	hit_paths(d, pr->units, pr->n);
	for (size_t k = 0; k < d->ntouched; k++) {
		int x = d->touched[k];
		if (d->hits[x] > 1 && x > ROOT && strcmp(d->units[x].kind, c->kind) == 0)
			uq_get(&c->map, x, pr->quiz_id)->count -= d->hits[x] - 1;
		d->hits[x] = 0;
	}
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
	int u = row->unit_id > 0 ? map_get(t->d, row->unit_id) : -1;
	if (u > 0 && within(t->d, u, t->root)) {
		t->count++;
		t->last_counted = row->user_key;
		t->any = true;
	}
}

static int measure_target(struct db *db, struct year_data *d, const struct plan *p, int root,
			  struct report_target *out)
{
	const struct plan_target *t = &out->target;
	const char *topic = t->topic[0] ? t->topic : NULL;
	int a = aud_index(d, t->audience);
	if (a < 0)
		return 0;
	if (strcmp(t->metric, "persons") == 0) {
		out->denominator = d->headcount[cell(root, a)];
		if (!topic) {
			out->numerator = d->participants[cell(root, a)];
			return 0;
		}
		struct topic_people tp = { .d = d, .root = root };
		if (db_report_topic_people(db, d->year, t->audience, topic, on_topic_person, &tp))
			return -1;
		out->numerator = tp.count;
		return 0;
	}
	struct units_ctx c = { .d = d, .kind = t->unit_kind };
	struct person_rows pr = { .d = d, .flush = flush_person_quiz, .ctx = &c };
	int ret = -1;
	if (db_report_unit_quiz(db, d->year, t->audience, topic, on_unit_quiz, &c) ||
	    db_report_multi(db, d->year, t->audience, topic, on_person_row, &pr))
		goto out;
	person_rows_cleanup(&pr);
	pr.units = pr.passed_units = NULL;
	bool *ran = xcalloc((size_t)d->nunits, sizeof *ran);
	for (size_t i = 0; i < c.map.cap; i++) {
		const struct uq_entry *e = &c.map.e[i];
		if (e->unit < 0 || e->count <= 0)
			continue;
		int64_t hc = d->headcount[cell(e->unit, a)];
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
	ret = 0;
out:
	free(pr.units);
	free(pr.passed_units);
	free(c.map.e);
	return ret;
}

int report_plan(struct db *db, const char *plan_code, const struct report_query *q,
		struct report_plan *out, char *err, size_t errlen)
{
	struct report_query pq = *q;
	pq.depth = 0;
	pq.audience = NULL;
	int rc = check_query(&pq, err, errlen);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	bool builtin = false;
	rc = plan_load(db, plan_code, &out->plan, &builtin);
	if (rc == 0) {
		if (plan_install_builtins(db)) {
			snprintf(err, errlen, "%s", db_errmsg(db));
			return -1;
		}
		rc = plan_load(db, plan_code, &out->plan, &builtin);
	}
	if (rc < 0) {
		snprintf(err, errlen, "cannot read plan %s: %s", plan_code, db_errmsg(db));
		return -1;
	}
	if (rc == 0) {
		snprintf(err, errlen, "unknown plan %s", plan_code);
		return REPORT_NOT_FOUND;
	}
	struct year_data *d = year_load(db, q->year, err, errlen);
	if (!d)
		return -1;
	int root = resolve_unit(d, &pq, err, errlen);
	if (root < 0) {
		year_data_free(d);
		return -root;
	}
	out->year = q->year;
	util_strlcpy(out->unit_code, d->units[root].code, sizeof out->unit_code);
	util_strlcpy(out->unit_name, d->units[root].name, sizeof out->unit_name);
	plan_deadline(&out->plan, q->year, clock_now_ms(), out->deadline);
	int ret = 0;
	if (db_begin_read(db))
		ret = -1;
	for (int i = 0; !ret && i < out->plan.ntargets; i++) {
		struct report_target *t = &out->targets[i];
		t->target = out->plan.targets[i];
		if (measure_target(db, d, &out->plan, root, t)) {
			ret = -1;
			break;
		}
		t->has_actual = t->denominator > 0;
		t->actual_percent = report_percent(t->numerator, t->denominator);
		/* Compared exactly, not on the rounded figure. */
		double lhs = (double)t->numerator * 100.0;
		double rhs = t->target.threshold * (double)t->denominator;
		t->met = t->has_actual &&
			 (strcmp(t->target.comparator, ">") == 0 ? lhs > rhs : lhs >= rhs);
		t->gap_percent =
			t->met ? 0 : round((t->target.threshold - t->actual_percent) * 10) / 10;
		if (t->gap_percent < 0)
			t->gap_percent = 0;
	}
	if (ret) {
		snprintf(err, errlen, "%s", db_errmsg(db));
		db_rollback(db);
	} else {
		db_commit(db);
	}
	out->ntargets = ret ? 0 : out->plan.ntargets;
	year_data_free(d);
	return ret;
}

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

int report_missing_people(struct db *db, const struct report_query *q, int64_t quiz_id,
			  struct report_missing *out, char *err, size_t errlen)
{
	struct report_query pq = *q;
	pq.depth = 0;
	pq.audience = NULL;
	int rc = check_query(&pq, err, errlen);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	char path[512] = "/";
	if (q->unit_code || q->scope_path) {
		struct db_unit u;
		const char *code = q->unit_code;
		int found = code ? db_unit_by_code(db, code, &u) : 1;
		if (found < 0) {
			snprintf(err, errlen, "%s", db_errmsg(db));
			return -1;
		}
		if (!found) {
			snprintf(err, errlen, "unknown unit %s", code);
			return REPORT_NOT_FOUND;
		}
		if (code && q->scope_path && !db_unit_path_within(u.path, q->scope_path)) {
			snprintf(err, errlen, "unit %s is outside your unit's subtree", code);
			return REPORT_FORBIDDEN;
		}
		util_strlcpy(path, code ? u.path : q->scope_path, sizeof path);
	}
	struct missing_ctx c = { 0 };
	c.only_quiz = quiz_id;
	c.out = out;
	size_t *order = NULL;
	int ret = -1;
	out->year = q->year;
	int64_t now = clock_now_ms();
	snprintf(out->unit_deadline, sizeof out->unit_deadline, "%04d-11-30", q->year);
	snprintf(out->department_deadline, sizeof out->department_deadline, "%04d-12-15", q->year);
	out->unit_days_left = days_until(q->year, 11, 30, now);
	out->department_days_left = days_until(q->year, 12, 15, now);
	if (db_begin_read(db))
		goto fail;
	if (db_report_mandatory_quizzes(db, clock_vn_year_start_ms(q->year),
					clock_vn_year_start_ms(q->year + 1), on_mandatory, &c))
		goto fail;
	if (quiz_id && c.nq == 0) {
		db_rollback(db);
		snprintf(err, errlen, "quiz %lld is not a mandatory quiz open in %d",
			 (long long)quiz_id, q->year);
		ret = REPORT_NOT_FOUND;
		goto out;
	}
	if (db_report_completed_mandatory(db, path, on_done, &c))
		goto fail;
	order = xmalloc((c.ndone + 1) * sizeof *order);
	for (size_t i = 0; i < c.ndone; i++)
		order[i] = i;
	qsort_r(order, c.ndone, sizeof *order, cmp_done, &c);
	struct person_pass pp = { &c, order };
	if (db_report_roster_people(db, path, on_person, &pp))
		goto fail;
	db_commit(db);
	ret = 0;
	goto out;
fail:
	snprintf(err, errlen, "%s", db_errmsg(db));
	db_rollback(db);
	report_missing_cleanup(out);
out:
	free(order);
	free(c.quizzes);
	free(c.quiz_aud);
	free(c.quiz_scope);
	free(c.done_user);
	free(c.done_quiz);
	return ret;
}
