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
#include "report_priv.h"

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

double report_percent(int64_t part, int64_t whole)
{
	if (whole <= 0)
		return 0;
	return round((double)part * 1000.0 / (double)whole) / 10.0;
}

static void map_put(struct year_data *d, int64_t id, int idx)
{
	size_t mask = d->map_cap - 1;
	for (size_t i = report_mix(id) & mask;; i = (i + 1) & mask) {
		if (d->map_idx[i] < 0) {
			d->map_ids[i] = id;
			d->map_idx[i] = idx;
			return;
		}
	}
}

int report_map_get(const struct year_data *d, int64_t id)
{
	size_t mask = d->map_cap - 1;
	for (size_t i = report_mix(id) & mask;; i = (i + 1) & mask) {
		if (d->map_idx[i] < 0)
			return -1;
		if (d->map_ids[i] == id)
			return d->map_idx[i];
	}
}

int report_aud_index(struct year_data *d, const char *audience)
{
	for (int i = 0; i < d->naud; i++)
		if (strcmp(d->aud[i], audience) == 0)
			return i;
	if (d->naud == MAX_AUD || strlen(audience) >= sizeof d->aud[0])
		return -1;
	util_strlcpy(d->aud[d->naud], audience, sizeof d->aud[0]);
	return d->naud++;
}

void report_year_free(struct year_data *d)
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
	free(d->attended);
	free(d->reached);
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
			int p = report_map_get(d, x->parent_id);
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
	int u = report_map_get(d, unit_id), a = report_aud_index(d, audience);
	if (u > 0 && a >= 0)
		d->declared[report_cell(u, a)] = count;
}

static void on_roster(void *ctx, int64_t unit_id, const char *audience, int64_t count)
{
	struct year_data *d = ctx;
	int u = report_map_get(d, unit_id), a = report_aud_index(d, audience);
	if (u > 0 && a >= 0)
		d->roster_direct[report_cell(u, a)] += count;
}

static void on_figures(void *ctx, int64_t unit_id, const char *audience, int64_t participants,
		       int64_t passed, int64_t attempts)
{
	struct year_data *d = ctx;
	int u = report_map_get(d, unit_id), a = report_aud_index(d, audience);
	if (u <= 0 || a < 0)
		return;
	d->participants[report_cell(u, a)] += participants;
	d->passed[report_cell(u, a)] += passed;
	d->attempts[report_cell(u, a)] += attempts;
}

static void on_reach(void *ctx, int64_t unit_id, const char *audience, int64_t reached,
		     int64_t attended)
{
	struct year_data *d = ctx;
	int u = report_map_get(d, unit_id), a = report_aud_index(d, audience);
	if (u <= 0 || a < 0)
		return;
	d->reached[report_cell(u, a)] += reached;
	d->attended[report_cell(u, a)] += attended;
}

/* Children first: headcounts (a declaration replaces the subtree's sum),
 * registered accounts and the participation sums. */
static void roll_up(struct year_data *d)
{
	int64_t *child_sum = xcalloc((size_t)d->nunits * MAX_AUD, sizeof *child_sum);
	for (int u = d->nunits - 1; u >= 0; u--) {
		int p = d->units[u].parent;
		for (int a = 0; a < d->naud; a++) {
			size_t i = report_cell(u, a);
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
			size_t pi = report_cell(p, a);
			child_sum[pi] += d->headcount[i];
			d->registered[pi] += d->registered[i];
			d->declared_in_subtree[pi] |= below || d->declared[i] >= 0;
			d->participants[pi] += d->participants[i];
			d->passed[pi] += d->passed[i];
			d->attempts[pi] += d->attempts[i];
			d->attended[pi] += d->attended[i];
			d->reached[pi] += d->reached[i];
		}
	}
	free(child_sum);
}

void report_hit_paths(struct year_data *d, const int *units, size_t n)
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

void report_on_person_row(void *ctx, const struct db_reach *row)
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
	int u = row->unit_id > 0 ? report_map_get(pr->d, row->unit_id) : -1;
	if (u > 0)
		person_rows_add(pr, u, row->passed_attempts > 0);
}

void report_person_rows_cleanup(struct person_rows *pr)
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
	report_hit_paths(d, units, n);
	for (size_t k = 0; k < d->ntouched; k++) {
		int x = d->touched[k];
		if (d->hits[x] > 1)
			matrix[report_cell(x, a)] -= d->hits[x] - 1;
		d->hits[x] = 0;
	}
}

/* A person's corrections: pr->ctx holds two matrices, the first counting
 * them in every unit of their rows, the second in the "passed" ones
 * (participants and passed; or reached and attended, for the people
 * reached in several units). */
static void flush_person_figures(struct person_rows *pr)
{
	struct year_data *d = pr->d;
	int64_t **const *m = pr->ctx;
	int a = report_aud_index(d, pr->audience);
	if (a < 0)
		return;
	d->movers[a] = true;
	correct_matrix(d, *m[0], a, pr->units, pr->n);
	correct_matrix(d, *m[1], a, pr->passed_units, pr->npassed);
}

enum outcome report_internal(struct db *db, struct problem *p)
{
	fprintf(stderr, "report: %s\n", db_errmsg(db));
	return problem_set(p, OUTCOME_INTERNAL, "The report could not be computed.");
}

/* After the units: the tree linked, the per-unit tables made. */
static void units_read(void *ctx)
{
	struct year_data *d = ctx;
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
	d->attended = xcalloc(cells, sizeof(int64_t));
	d->reached = xcalloc(cells, sizeof(int64_t));
	d->source = xcalloc(cells, sizeof(const char *));
	d->declared_in_subtree = xcalloc(cells, sizeof(bool));
	d->hits = xcalloc((size_t)d->nunits, sizeof *d->hits);
}

static void counts_read(void *ctx)
{
	roll_up(ctx);
}

struct year_data *report_year_read(struct db *db, int year, const struct report_plan_ahead *ahead,
				   struct problem *p)
{
	struct year_data *d = xcalloc(1, sizeof *d);
	d->year = year;
	for (int i = 0; org_audiences[i]; i++)
		report_aud_index(d, org_audiences[i]);
	d->cap_units = 64;
	d->units = xcalloc((size_t)d->cap_units, sizeof *d->units);
	d->nunits = 1;
	struct unit *root = &d->units[ROOT];
	root->parent = -1;
	root->first_child = root->next_sibling = root->last_child = -1;
	util_strlcpy(root->path, "/", sizeof root->path);
	/* The matrices the rows of people in several units correct, made
	 * once the units are read. */
	int64_t **quiz_matrices[2] = { &d->participants, &d->passed };
	int64_t **reach_matrices[2] = { &d->reached, &d->attended };
	struct person_rows pr = { .d = d, .flush = flush_person_figures, .ctx = quiz_matrices };
	struct person_rows rr = { .d = d, .flush = flush_person_figures, .ctx = reach_matrices };
	struct db_year_reads reads = {
		.ctx = d,
		.unit = on_unit,
		.units_done = units_read,
		.headcount = on_headcount,
		.roster = on_roster,
		.figures = on_figures,
		.reach = on_reach,
		.counts_done = counts_read,
		.multi = report_on_person_row,
		.multi_ctx = &pr,
		.reach_multi = report_on_person_row,
		.reach_multi_ctx = &rr,
	};
	if (ahead) {
		reads.plan_slots = ahead->slots;
		reads.plan_nslots = ahead->nslots;
		reads.plan_count = ahead->count;
		reads.plan_ctx = ahead->ctx;
	}
	if (db_report_year(db, year, &reads))
		goto fail;
	report_person_rows_cleanup(&pr);
	report_person_rows_cleanup(&rr);
	return d;
fail:
	report_internal(db, p);
	free(pr.units);
	free(pr.passed_units);
	free(rr.units);
	free(rr.passed_units);
	report_year_free(d);
	return NULL;
}

struct year_data *report_year_load(struct db *db, int year, struct problem *p)
{
	if (db_begin_read(db)) {
		report_internal(db, p);
		return NULL;
	}
	struct year_data *d = report_year_read(db, year, NULL, p);
	if (d)
		db_commit(db);
	else
		db_rollback(db);
	return d;
}

enum outcome report_resolve_unit(const struct year_data *d, const struct report_query *q,
				 int *index, struct problem *p)
{
	const char *code = q->unit_code && *q->unit_code ? q->unit_code : NULL;
	*index = ROOT;
	if (!code && q->scope_path) {
		for (int i = 1; i < d->nunits; i++) {
			if (strcmp(d->units[i].path, q->scope_path) == 0) {
				*index = i;
				return OUTCOME_OK;
			}
		}
		return problem_set(p, OUTCOME_FORBIDDEN, "Your unit no longer exists.");
	}
	if (!code)
		return OUTCOME_OK;
	for (int i = 1; i < d->nunits; i++) {
		if (strcmp(d->units[i].code, code) != 0)
			continue;
		if (q->scope_path && !db_unit_path_within(d->units[i].path, q->scope_path))
			return problem_set(p, OUTCOME_FORBIDDEN,
					   "Unit %s is outside your unit's subtree.", code);
		*index = i;
		return OUTCOME_OK;
	}
	return problem_set(p, OUTCOME_NOT_FOUND, "Unknown unit %s.", code);
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
		size_t i = report_cell(u, a);
		if (aud_filter < 0 && !d->headcount[i] && !d->registered[i] &&
		    !d->participants[i] && !d->attempts[i] && !d->reached[i])
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
		r->attended = d->attended[i];
		r->reached = d->reached[i];
		r->has_percent = r->headcount > 0;
		r->participation_percent = report_percent(r->participants, r->headcount);
		r->passed_percent = report_percent(r->passed, r->headcount);
		r->reached_percent = report_percent(r->reached, r->headcount);
	}
	if (level >= q->depth)
		return;
	for (int c = d->units[u].first_child; c >= 0; c = d->units[c].next_sibling)
		add_rows(d, c, level + 1, aud_filter, q, t, cap);
}

/* Checks the query; *year receives its year (this year when 0). */
static enum outcome report_check_query(const struct report_query *q, int *year, struct problem *p)
{
	*year = q->year ? q->year : clock_vn_year(clock_now_ms());
	if (*year < 2000 || *year > 2100)
		return problem_set(p, OUTCOME_INVALID, "'year' must be a year from 2000 to 2100.");
	if (q->depth < 0 || q->depth > REPORT_MAX_DEPTH)
		return problem_set(p, OUTCOME_INVALID, "'depth' must be an integer from 0 to %d.",
				   REPORT_MAX_DEPTH);
	if (q->unit_code && *q->unit_code && !util_valid_code(q->unit_code))
		return problem_set(p, OUTCOME_INVALID, "'unit' must be a unit code.");
	if (q->audience && *q->audience && !org_valid_audience(q->audience))
		return problem_set(p, OUTCOME_INVALID, "'audience' %s is not a known audience.",
				   q->audience);
	return OUTCOME_OK;
}

enum outcome report_participation(struct db *db, const struct report_query *q,
				  struct report_table *out, struct problem *p)
{
	int year, u;
	memset(out, 0, sizeof *out);
	enum outcome o = report_check_query(q, &year, p);
	if (o != OUTCOME_OK)
		return o;
	struct year_data *d = report_year_load(db, year, p);
	if (!d)
		return OUTCOME_INTERNAL;
	out->year = year;
	o = report_resolve_unit(d, q, &u, p);
	if (o != OUTCOME_OK) {
		report_year_free(d);
		return o;
	}
	int aud = q->audience && *q->audience ? report_aud_index(d, q->audience) : -1;
	size_t cap = 0;
	if (u == ROOT) {
		for (int c = d->units[ROOT].first_child; c >= 0; c = d->units[c].next_sibling)
			add_rows(d, c, 0, aud, q, out, &cap);
	} else {
		add_rows(d, u, 0, aud, q, out, &cap);
	}
	report_year_free(d);
	return OUTCOME_OK;
}

enum outcome report_check_unit_query(const struct report_query *q, struct report_query *unit_q,
				     int *year, struct problem *p)
{
	*unit_q = *q;
	unit_q->depth = 0;
	unit_q->audience = NULL;
	if (unit_q->unit_code && !*unit_q->unit_code)
		unit_q->unit_code = NULL;
	return report_check_query(unit_q, year, p);
}
