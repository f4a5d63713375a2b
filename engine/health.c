/* health.c - schema check and storage gauges for /healthz and /metrics. */
#include "health.h"

#include "clock.h"
#include "db.h"
#include "db_metrics.h"
#include "util.h"

enum outcome health_check(struct db *db, struct problem *p)
{
	int v = db_schema_version(db);
	if (v < 0)
		return problem_set(p, OUTCOME_UNAVAILABLE, "The database cannot be read: %s",
				   db_errmsg(db));
	if (v != db_schema_version_latest())
		return problem_set(p, OUTCOME_UNAVAILABLE,
				   "Database schema is at version %d, not %d.", v,
				   db_schema_version_latest());
	return OUTCOME_OK;
}

void health_gauges_write(struct db *db, struct strbuf *sb)
{
	int64_t now = clock_now_ms();
	int64_t active = db_metrics_active_attempts(db, now);
	int64_t sessions = db_metrics_live_sessions(db, now);
	if (active >= 0)
		sb_printf(
			sb,
			"# HELP quiz_active_attempts Attempts in progress before their deadline.\n"
			"# TYPE quiz_active_attempts gauge\nquiz_active_attempts %lld\n",
			(long long)active);
	if (sessions >= 0)
		sb_printf(sb,
			  "# HELP quiz_live_sessions Sessions not yet expired.\n"
			  "# TYPE quiz_live_sessions gauge\nquiz_live_sessions %lld\n",
			  (long long)sessions);
}
