/* db_plan.h - storage of plans (plan.h). See db.h for the return
 * conventions. */
#ifndef QUIZ_DB_PLAN_H
#define QUIZ_DB_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* Plans: the JSON definition of api.md is stored as text (storage does not
 * parse it). */
/* Inserts the plan unless its code exists; a built-in plan replaces the
 * stored copy of itself that nobody edited (builtin still 1). Returns 0 or
 * -1. */
int db_plan_install(struct db *db, const char *code, const char *title, const char *definition,
		    bool builtin, int64_t now_ms);
/* Creates or replaces the plan `code`. Returns 0 or -1. */
int db_plan_put(struct db *db, const char *code, const char *title, const char *definition,
		int64_t now_ms);
/* Looks a plan up; *definition is a new string (caller frees). */
int db_plan_get(struct db *db, const char *code, char **definition, bool *builtin);
/* Calls fn for every plan in code order. Returns 0 or -1. */
typedef void db_plan_fn(void *ctx, const char *code, const char *definition, bool builtin);
int db_plan_each(struct db *db, db_plan_fn *fn, void *ctx);

#endif
