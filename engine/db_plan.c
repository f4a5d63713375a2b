/* db_plan.c - SQL for plans (table of migration 3, db_report.c). */
#include "db_plan.h"

#include <stdlib.h>

#include "db_priv.h"
#include "util.h"

static const char SQL_PLAN_INSTALL[] =
	"INSERT INTO plans (code, title, definition, builtin, updated_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code) DO UPDATE SET title = excluded.title,"
	" definition = excluded.definition, updated_at = excluded.updated_at"
	" WHERE plans.builtin = 1 AND excluded.builtin = 1";
static const char SQL_PLAN_PUT[] =
	"INSERT INTO plans (code, title, definition, builtin, updated_at)"
	" VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT (code) DO UPDATE SET title = excluded.title,"
	" definition = excluded.definition, builtin = 0, updated_at = excluded.updated_at";
static const char SQL_PLAN_GET[] = "SELECT definition, builtin FROM plans WHERE code = ?1";
static const char SQL_PLAN_EACH[] = "SELECT code, definition, builtin FROM plans ORDER BY code";

int db_plan_install(struct db *db, const char *code, const char *title, const char *definition,
		    bool builtin, int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_PLAN_INSTALL);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, code, -1, DBS_STATIC);
	dbs_bind_text(st, 2, title, -1, DBS_STATIC);
	dbs_bind_text(st, 3, definition, -1, DBS_STATIC);
	dbs_bind_int(st, 4, builtin ? 1 : 0);
	dbs_bind_int64(st, 5, now_ms);
	return db_exec_stmt(db, st, "install plan") ? -1 : 0;
}

int db_plan_put(struct db *db, const char *code, const char *title, const char *definition,
		int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_PLAN_PUT);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, code, -1, DBS_STATIC);
	dbs_bind_text(st, 2, title, -1, DBS_STATIC);
	dbs_bind_text(st, 3, definition, -1, DBS_STATIC);
	dbs_bind_int64(st, 4, now_ms);
	return db_exec_stmt(db, st, "put plan") ? -1 : 0;
}

int db_plan_get(struct db *db, const char *code, char **definition, bool *builtin)
{
	db_st *st = db_stmt(db, SQL_PLAN_GET);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, code, -1, DBS_STATIC);
	int ret = db_step_row(db, st, "get plan");
	if (ret == 1) {
		*definition = xstrdup(db_col_text(st, 0));
		*builtin = dbs_column_int(st, 1) != 0;
	}
	dbs_reset(st);
	return ret;
}

static void plan_row(db_st *st, db_row_fn fn, void *ctx)
{
	((db_plan_fn *)fn)(ctx, db_col_text(st, 0), db_col_text(st, 1), dbs_column_int(st, 2) != 0);
}

int db_plan_each(struct db *db, db_plan_fn *fn, void *ctx)
{
	db_st *st = db_stmt(db, SQL_PLAN_EACH);
	if (!st)
		return -1;
	return db_each_row(db, st, plan_row, (db_row_fn)fn, ctx, "list plans");
}
