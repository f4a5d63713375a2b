/* plan.h - plans and their targets (plan-targets.md): the built-in
 * templates of Decision 1907 as adopted by Hậu Giang, Hà Nội and Bình
 * Thuận, validation of the plan JSON of api.md, and storage round trips. */
#ifndef QUIZ_PLAN_H
#define QUIZ_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outcome.h"

struct db;

#define PLAN_MAX_DEADLINES 12
#define PLAN_MAX_TARGETS 64

struct plan_target {
	char id[65];
	char metric[8]; /* "persons" or "units" */
	char audience[32];
	char unit_kind[32]; /* units only; "" otherwise */
	char topic[65]; /* "" for none */
	char comparator[3]; /* ">=" or ">" */
	double threshold; /* percent */
	char source[256];
	/* "quizzes": reached by a completed quiz (the default); "activities":
	 * by a completed quiz or an attendance at an activity (api.md) */
	char counts[12];
	char counts_reason[512]; /* why, in the plan's words; "" for none */
};

struct plan {
	char code[65];
	char title[256];
	int ndeadlines;
	int deadline_month[PLAN_MAX_DEADLINES];
	int deadline_day[PLAN_MAX_DEADLINES];
	double unit_min_participation; /* percent of a unit's headcount; default 50 */
	int ntargets;
	struct plan_target targets[PLAN_MAX_TARGETS];
};

/* Parses and validates a plan definition. Returns OUTCOME_OK, or
 * OUTCOME_INVALID with a message naming the field in p. Unknown audiences,
 * unit kinds and metrics are refused; a units target needs a unit_kind. */
enum outcome plan_from_json(json_t *obj, struct plan *out, struct problem *p);
/* The api.md plan object: new reference. */
json_t *plan_to_json(const struct plan *p);

/* Installs the built-in templates whose code is not in the database yet (so
 * edited copies are kept). Returns 0 or -1 (message in db_errmsg). */
int plan_install_builtins(struct db *db);
/* The number of built-in templates, and one of them (0-based). */
size_t plan_builtin_count(void);
const struct plan *plan_builtin(size_t i);

/* Loads a stored plan. Returns 1, 0 when unknown, -1 on error. */
int plan_load(struct db *db, const char *code, struct plan *out, bool *builtin);
/* Stores (creates or replaces) a plan. Returns 0 or -1. */
int plan_save(struct db *db, const struct plan *p);

/* {"plans":[...]}: every stored plan as api.md shows it, with "builtin",
 * after installing the built-in templates when needed. Returns OUTCOME_OK
 * with a new reference in *out, or OUTCOME_INTERNAL (logged). */
enum outcome plan_list_json(struct db *db, json_t **out, struct problem *p);
/* Creates or replaces plan `code` from body (a plan object whose "code" is
 * absent or equal to code). Returns OUTCOME_OK with {"plan":...} (a new
 * reference) in *out, OUTCOME_INVALID naming the field, or
 * OUTCOME_INTERNAL (logged). */
enum outcome plan_put_json(struct db *db, const char *code, json_t *body, json_t **out,
			   struct problem *p);

/* The plan's reporting deadline for a report of `year` as seen at now_ms:
 * the first deadline of that year not yet past (in Asia/Ho_Chi_Minh days),
 * else the year's last deadline. Writes "YYYY-MM-DD" into buf (>= 11
 * bytes). A plan without deadlines answers 31 December. */
void plan_deadline(const struct plan *p, int year, int64_t now_ms, char *buf);

#endif
