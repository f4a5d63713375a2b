/* db_settings.c - migration 20 (settings) and its SQL. */
#include "db_settings.h"

#include "db_priv.h"

const char db_sql_settings[] = "CREATE TABLE settings ("
			       "  key TEXT PRIMARY KEY,"
			       "  value TEXT NOT NULL,"
			       "  updated_at INTEGER NOT NULL) WITHOUT ROWID;";

static const char SQL_GET[] = "SELECT value FROM settings WHERE key = ?1";
static const char SQL_PUT[] = "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)"
			      " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
			      " updated_at = excluded.updated_at";
static const char SQL_DELETE[] = "DELETE FROM settings WHERE key = ?1";

int db_setting_get(struct db *db, const char *key, char **value)
{
	db_st *st = db_stmt(db, SQL_GET);
	*value = NULL;
	if (!st)
		return -1;
	dbs_bind_text(st, 1, key, -1, DBS_STATIC);
	int rc = db_step_row(db, st, "setting");
	if (rc == 1)
		*value = db_col_dup(st, 0);
	dbs_reset(st);
	return rc;
}

int db_setting_put(struct db *db, const char *key, const char *value, int64_t now_ms)
{
	db_st *st = db_stmt(db, value ? SQL_PUT : SQL_DELETE);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, key, -1, DBS_STATIC);
	if (value) {
		dbs_bind_text(st, 2, value, -1, DBS_STATIC);
		dbs_bind_int64(st, 3, now_ms);
	}
	return db_exec_stmt(db, st, "save setting") ? -1 : 0;
}
