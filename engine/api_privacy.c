/* api_privacy.c - GET /api/v1/admin/users/{id}/export and DELETE
 * /api/v1/admin/users/{id}: personal data, through privacy.c. */
#include <stdio.h>

#include "api.h"
#include "privacy.h"

int api_admin_user_export(struct req *r, struct resp *out)
{
	int64_t id;
	struct problem p = { { 0 } };
	json_t *view = NULL;
	if (!http_param_id(r, 0, &id))
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "User not found."), &p);
	enum outcome o = privacy_export(r->db, id, &view, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, view);
}

int api_admin_user_erase(struct req *r, struct resp *out)
{
	int64_t id;
	struct problem p = { { 0 } };
	if (!http_param_id(r, 0, &id))
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "User not found."), &p);
	enum outcome o = privacy_erase(r->db, id, r->user.id, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	char target[32];
	snprintf(target, sizeof target, "user:%lld", (long long)id);
	api_audit(r, "user.erase", target, NULL);
	return resp_json(out, 204, NULL);
}
