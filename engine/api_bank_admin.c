/* api_bank_admin.c - the handlers of stored banks for administrators
 * (api.md "Banks and quizzes"): GET /api/v1/admin/banks, GET
 * /api/v1/admin/banks/{code}, PUT and DELETE
 * /api/v1/admin/banks/{code}/questions/{question_code}, GET
 * /api/v1/admin/banks/{code}/export. The rules live in bank_admin.c. */
#include <stdlib.h>

#include "api.h"
#include "audit.h"
#include "bank_admin.h"
#include "rescore.h"

int api_admin_bank_list(struct req *r, struct resp *out)
{
	struct problem p;
	json_t *body = NULL;
	enum outcome rc = bank_admin_list(r->db, &body, &p);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	return resp_json(out, 200, body);
}

int api_admin_bank_get(struct req *r, struct resp *out)
{
	struct problem p;
	json_t *body = NULL;
	enum outcome rc = bank_admin_get(r->db, r->params[0], &body, &p);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	return resp_json(out, 200, body);
}

int api_admin_question_put(struct req *r, struct resp *out)
{
	json_t *question = http_body_json(r, out);
	if (!question)
		return 0;
	struct problem p;
	json_t *body = NULL;
	struct audit_actor who = { r->user.id, r->user.username };
	enum outcome rc = bank_admin_put_question(r->db, &who, r->params[0], r->params[1], question,
						  &body, &p);
	json_decref(question);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	return resp_json(out, 200, body);
}

int api_admin_question_retire(struct req *r, struct resp *out)
{
	struct problem p;
	struct audit_actor who = { r->user.id, r->user.username };
	enum outcome rc = bank_admin_retire(r->db, &who, r->params[0], r->params[1], &p);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	return resp_json(out, 204, NULL);
}

int api_admin_bank_export(struct req *r, struct resp *out)
{
	struct problem p;
	char *text = NULL;
	size_t len = 0;
	const char *type = NULL;
	enum outcome rc = bank_admin_export(r->db, r->params[0], http_query(r, "format"), &text,
					    &len, &type, &p);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	resp_raw(out, 200, type, text, len);
	free(text);
	return 0;
}

int api_admin_question_rescore(struct req *r, struct resp *out)
{
	struct problem p;
	struct rescore_result res;
	struct audit_actor who = { r->user.id, r->user.username };
	enum outcome rc = rescore_question(r->db, &who, r->params[0], r->params[1], &res, &p);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	return resp_json(out, 200,
			 json_pack("{s:i,s:i,s:i}", "attempts", res.attempts, "changed",
				   res.changed, "passed_changed", res.passed_changed));
}
