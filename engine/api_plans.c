/* api_plans.c - GET /admin/plans and PUT /admin/plans/{code}: the plans
 * reports are measured against (plan.h). */
#include <stdio.h>

#include "api.h"
#include "plan.h"

int api_admin_plans(struct req *r, struct resp *out)
{
	struct problem p;
	json_t *body = NULL;
	enum outcome o = plan_list_json(r->db, &body, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, body);
}

int api_admin_plan_put(struct req *r, struct resp *out)
{
	struct problem p;
	json_t *answer = NULL;
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	enum outcome o = plan_put_json(r->db, r->params[0], body, &answer, &p);
	if (o != OUTCOME_OK) {
		json_decref(body);
		return api_fail(out, o, &p);
	}
	char target[128];
	snprintf(target, sizeof target, "plan:%s", r->params[0]);
	api_audit(r, "plan.put", target, json_pack("{s:o}", "after", body));
	return resp_json(out, 200, answer);
}
