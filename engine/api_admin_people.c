/* api_admin_people.c - the people and units of the administration (api.md
 * second part): GET /api/v1/admin/units, GET /api/v1/admin/users, GET
 * /api/v1/admin/users/{id}/attempts, PATCH /api/v1/admin/users/{id}, GET
 * /api/v1/admin/audit. Each reads the
 * request, calls people.c or audit.c, and answers. */
#include <stdio.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "api.h"
#include "app.h"
#include "audit.h"
#include "cards.h"
#include "people.h"

static void actor_of(const struct req *r, struct people_actor *actor)
{
	actor->user_id = r->user.id;
	actor->username = r->user.username;
	actor->scope_path = http_role_of(r->user.role) == ROLE_ADMIN ? NULL : r->user.unit_path;
}

int api_admin_units_list(struct req *r, struct resp *out)
{
	struct people_actor actor;
	struct problem p = { { 0 } };
	long long depth = -1;
	json_t *body = NULL;
	enum outcome o = api_query_int(r, "depth", &depth, &p);
	if (o == OUTCOME_OK && http_query(r, "depth") && depth < 0)
		o = problem_set(&p, OUTCOME_INVALID, "Query 'depth' must be 0 or more.");
	actor_of(r, &actor);
	if (o == OUTCOME_OK)
		o = people_units_json(r->db, &actor, http_query(r, "root"), depth, &body, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, body);
}

int api_admin_users_list(struct req *r, struct resp *out)
{
	struct people_actor actor;
	struct problem p = { { 0 } };
	struct people_query q = {
		.unit = http_query(r, "unit"),
		.audience = http_query(r, "audience"),
		.role = http_query(r, "role"),
		.q = http_query(r, "q"),
		.disabled = http_query(r, "disabled"),
		.limit = 50,
		.offset = 0,
	};
	json_t *body = NULL;
	enum outcome o = api_query_int(r, "limit", &q.limit, &p);
	if (o == OUTCOME_OK)
		o = api_query_int(r, "offset", &q.offset, &p);
	actor_of(r, &actor);
	if (o == OUTCOME_OK)
		o = people_list_json(r->db, &actor, &q, &body, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, body);
}

int api_admin_user_attempts(struct req *r, struct resp *out)
{
	struct people_actor actor;
	struct problem p = { { 0 } };
	int64_t id;
	json_t *body = NULL;
	if (!http_param_id(r, 0, &id))
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "User not found."), &p);
	actor_of(r, &actor);
	enum outcome o = people_record_json(r->db, &actor, id, &body, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, body);
}

int api_admin_user_patch(struct req *r, struct resp *out)
{
	struct people_actor actor;
	struct problem p = { { 0 } };
	int64_t id;
	json_t *answer = NULL;
	if (!http_param_id(r, 0, &id))
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "User not found."), &p);
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	actor_of(r, &actor);
	enum outcome o = people_update(r->db, &actor, id, body, &answer, &p);
	json_decref(body);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, answer);
}

static int password_resume(struct req *r, struct resp *out)
{
	struct account_result res;
	if (!api_account_resumed(r, out, &res))
		return 0;
	resp_json(out, 200, json_pack("{s:s}", "password", res.password));
	sodium_memzero(res.password, sizeof res.password);
	return 0;
}

int api_admin_user_password(struct req *r, struct resp *out)
{
	struct people_actor actor;
	struct problem p = { { 0 } };
	struct account_op *op = NULL;
	int64_t id;
	if (!http_param_id(r, 0, &id))
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "User not found."), &p);
	actor_of(r, &actor);
	enum outcome o = people_password_begin(r->app, r->db, &actor, id, &op, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	api_account_suspend(r, op, password_resume);
	return 0;
}

int api_admin_cards(struct req *r, struct resp *out)
{
	struct people_actor actor;
	struct problem p = { { 0 } };
	struct cards_keyring keys = { r->app->cfg.data_dir, r->app->cfg.db_path };
	struct cards_site site = { r->app->cfg.public_url, http_host(r),
				   r->app->cfg.secure_cookies };
	char *html = NULL;
	actor_of(r, &actor);
	enum outcome o = cards_issue(r->db, &keys, &site, &actor, r->params[0],
				     http_query(r, "audience"), &html, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	resp_raw(out, 200, "text/html; charset=utf-8", html, strlen(html));
	free(html);
	return 0;
}

int api_admin_audit(struct req *r, struct resp *out)
{
	struct problem p = { { 0 } };
	long long limit = 50, offset = 0;
	json_t *body = NULL;
	enum outcome o = api_query_int(r, "limit", &limit, &p);
	if (o == OUTCOME_OK)
		o = api_query_int(r, "offset", &offset, &p);
	if (o == OUTCOME_OK)
		o = audit_page_json(r->db, limit, offset, &body, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, body);
}

void api_audit(struct req *r, const char *action, const char *target, json_t *detail)
{
	struct audit_actor who = { r->user.id, r->user.username };
	struct problem p = { { 0 } };
	if (audit_record(r->db, &who, action, target, detail, &p) != OUTCOME_OK)
		fprintf(stderr, "quizd: %s\n", p.message);
	json_decref(detail);
}
