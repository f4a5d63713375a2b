/* report_priv.h - what the report files share (report.c: a year's figures
 * and participation; report_plan.c: plan targets; report_missing.c:
 * chasing). Not for other modules: use report.h. */
#ifndef QUIZ_REPORT_PRIV_H
#define QUIZ_REPORT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_report.h"
#include "outcome.h"
#include "report.h"

struct db;
struct db_reach;

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

/* A year's unit tree and figures, rolled up to subtrees. */
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
	/* people who attended an activity; people reached by a quiz or an
	 * activity (each once) */
	int64_t *attended, *reached;
	const char **source;
	bool *declared_in_subtree;
	/* audiences with people in several units in the year (report_multi) */
	bool movers[MAX_AUD];
	/* scratch for the corrections */
	int *hits;
	int *touched;
	size_t ntouched, cap_touched;
};

static inline size_t report_cell(int u, int a)
{
	return (size_t)u * MAX_AUD + (size_t)a;
}

static inline size_t report_mix(int64_t id)
{
	uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
	return (size_t)(x ^ (x >> 29));
}

/* The index of unit id, or -1. */
int report_map_get(const struct year_data *d, int64_t id);
/* The index of an audience (added when new), or -1 when the table is full. */
int report_aud_index(struct year_data *d, const char *audience);
/* Counts, for one person's units, how many of them lie under each unit on
 * their paths to the root: d->hits[x] for every x in d->touched (the caller
 * resets them to 0). */
void report_hit_paths(struct year_data *d, const int *units, size_t n);

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
/* The callback of the rows of people in several units (db_report_year,
 * db_report_plan): gathers a person's rows, flushing each
 * person when the next begins. */
void report_on_person_row(void *ctx, const struct db_reach *row);
/* Flushes the last person and frees the arrays. */
void report_person_rows_cleanup(struct person_rows *pr);

/* Loads and rolls up a year (one read transaction). NULL on a storage
 * error, with p filled (OUTCOME_INTERNAL). */
struct year_data *report_year_load(struct db *db, int year, struct problem *p);
/* A plan's units targets whose counts are read with the year (at most
 * DB_PLAN_AHEAD slots), as db_year_reads' plan_* fields. */
struct report_plan_ahead {
	const struct db_plan_slot *slots;
	int nslots;
	db_plan_count_fn *count;
	void *ctx;
};
/* The same inside the caller's read transaction; with ahead (or NULL), a
 * plan's counts read in the same round trip after the year's rows. */
struct year_data *report_year_read(struct db *db, int year, const struct report_plan_ahead *ahead,
				   struct problem *p);
void report_year_free(struct year_data *d);

/* Checks a query about one unit (plans, chasing): *unit_q receives q
 * without depth and audience, and with "" as no unit; *year its year (this
 * year when 0). */
enum outcome report_check_unit_query(const struct report_query *q, struct report_query *unit_q,
				     int *year, struct problem *p);
/* The report's unit: the named one (checked against the scope), the
 * scope's unit, or the virtual root; its index in *index. */
enum outcome report_resolve_unit(const struct year_data *d, const struct report_query *q,
				 int *index, struct problem *p);
/* Logs a storage failure (db_errmsg) once and fills p with a message fit
 * to show. Returns OUTCOME_INTERNAL. */
enum outcome report_internal(struct db *db, struct problem *p);

#endif
