/* api_service.c - GET /healthz and GET /metrics (the latter only to the
 * clients http_metrics_allowed names). */
#include "account.h"
#include "api.h"
#include "app.h"
#include "health.h"
#include "util.h"

int api_healthz(struct req *r, struct resp *out)
{
	struct problem p;
	enum outcome o = health_check(r->db, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, json_pack("{s:s}", "status", "ok"));
}

int api_metrics(struct req *r, struct resp *out)
{
	if (!http_metrics_allowed(r)) {
		struct problem p;
		problem_set(&p, OUTCOME_FORBIDDEN,
			    "Metrics are answered to loopback, --metrics-allow addresses and "
			    "the --metrics-token bearer only.");
		return api_fail(out, OUTCOME_FORBIDDEN, &p);
	}
	struct strbuf sb;
	sb_init(&sb);
	http_metrics_write(r->app->http, &sb);
	account_metrics_write(r->db, &sb);
	health_gauges_write(r->db, &sb);
	resp_raw(out, 200, "text/plain; version=0.0.4; charset=utf-8", sb.data ? sb.data : "",
		 sb.len);
	sb_cleanup(&sb);
	return 0;
}
