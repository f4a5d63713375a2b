/* api_service.c - health and metrics. */
#include "account.h"
#include "api.h"
#include "app.h"
#include "clock.h"
#include "db.h"
#include "db_metrics.h"
#include "util.h"

int api_healthz(struct req *r, struct resp *out)
{
	int v = db_schema_version(r->db);
	if (v != db_schema_version_latest())
		return resp_error(out, 503, "unavailable",
				  "Database schema is at version %d, not %d.", v,
				  db_schema_version_latest());
	return resp_json(out, 200, json_pack("{s:s}", "status", "ok"));
}

int api_metrics(struct req *r, struct resp *out)
{
	struct strbuf sb;
	sb_init(&sb);
	http_metrics_write(r->app->http, &sb);
	account_metrics_write(r->db, &sb);
	int64_t now = clock_now_ms();
	int64_t active = db_metrics_active_attempts(r->db, now);
	int64_t sessions = db_metrics_live_sessions(r->db, now);
	if (active >= 0)
		sb_printf(
			&sb,
			"# HELP quiz_active_attempts Attempts in progress before their deadline.\n"
			"# TYPE quiz_active_attempts gauge\nquiz_active_attempts %lld\n",
			(long long)active);
	if (sessions >= 0)
		sb_printf(&sb,
			  "# HELP quiz_live_sessions Sessions not yet expired.\n"
			  "# TYPE quiz_live_sessions gauge\nquiz_live_sessions %lld\n",
			  (long long)sessions);
	resp_raw(out, 200, "text/plain; version=0.0.4; charset=utf-8", sb.data ? sb.data : "",
		 sb.len);
	sb_cleanup(&sb);
	return 0;
}
