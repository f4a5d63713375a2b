/* api_service.c - health and metrics. */
#include "api.h"
#include "app.h"
#include "db.h"
#include "util.h"

int api_healthz(struct req *r, struct resp *out)
{
	int v = db_schema_version(r->db);
	if (v != db_schema_version_latest())
		return resp_error(out, 503, "unavailable", "Database schema is at version %d, not %d.",
				  v, db_schema_version_latest());
	return resp_json(out, 200, json_pack("{s:s}", "status", "ok"));
}

int api_metrics(struct req *r, struct resp *out)
{
	struct strbuf sb;
	sb_init(&sb);
	http_metrics_write(r->app->http, &sb);
	api_account_metrics(&sb);
	resp_raw(out, 200, "text/plain; version=0.0.4; charset=utf-8", sb.data ? sb.data : "",
		 sb.len);
	sb_cleanup(&sb);
	return 0;
}
