/* db_metrics.c - SQL for the gauges of /metrics. */
#include "db_metrics.h"

#include "db_priv.h"

static const char SQL_ACTIVE_ATTEMPTS[] =
	"SELECT count(*) FROM attempts WHERE state = 'in_progress' AND deadline > ?1";
static const char SQL_LIVE_SESSIONS[] = "SELECT count(*) FROM sessions WHERE expires_at > ?1";

static int64_t count_with_time(struct db *db, const char *sql, int64_t now_ms)
{
	db_st *st = db_stmt(db, sql);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, now_ms);
	int64_t n =
		dbs_step(st) == DBS_ROW ? dbs_column_int64(st, 0) : db_fail(db, "metrics count");
	dbs_reset(st);
	return n;
}

int64_t db_metrics_active_attempts(struct db *db, int64_t now_ms)
{
	return count_with_time(db, SQL_ACTIVE_ATTEMPTS, now_ms);
}

int64_t db_metrics_live_sessions(struct db *db, int64_t now_ms)
{
	return count_with_time(db, SQL_LIVE_SESSIONS, now_ms);
}
