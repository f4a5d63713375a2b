/* api_registration.c - self-registration windows and confirmation:
 * GET /api/v1/registration (public: the windows open now),
 * GET /api/v1/registration/{id}/units (public: the units to pick from),
 * GET/POST/DELETE /api/v1/admin/contests/{id}/registration,
 * GET /api/v1/admin/users/unconfirmed, POST /api/v1/admin/users/{id}/confirm
 * and /api/v1/admin/users/confirm.
 * Each reads the request, calls registration.c and answers. */
#include "api.h"
#include "registration.h"

static void actor_of(const struct req *r, struct org_actor *actor)
{
	actor->user_id = r->user.id;
	actor->username = r->user.username;
	actor->scope_path = http_role_of(r->user.role) == ROLE_ADMIN ? NULL : r->user.unit_path;
}

/* The {id} of the path, or a 404 answered. */
static bool path_id(struct req *r, struct resp *out, int64_t *id, const char *what)
{
	struct problem p;
	if (http_param_id(r, 0, id))
		return true;
	api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "No such %s.", what), &p);
	return false;
}

static int answer(struct resp *out, enum outcome o, const struct problem *p, int status,
		  json_t *body)
{
	if (o != OUTCOME_OK)
		return api_fail(out, o, p);
	return resp_json(out, status, body);
}

int api_registration_list(struct req *r, struct resp *out)
{
	struct problem p = { { 0 } };
	json_t *body = NULL;
	enum outcome o = registration_open_list(r->db, &body, &p);
	return answer(out, o, &p, 200, body);
}

int api_registration_units(struct req *r, struct resp *out)
{
	struct problem p = { { 0 } };
	json_t *body = NULL;
	int64_t id;
	if (!path_id(r, out, &id, "contest"))
		return 0;
	enum outcome o = registration_units(r->db, id, &body, &p);
	return answer(out, o, &p, 200, body);
}

int api_admin_registration_get(struct req *r, struct resp *out)
{
	struct org_actor actor;
	struct problem p = { { 0 } };
	json_t *body = NULL;
	int64_t id;
	if (!path_id(r, out, &id, "contest"))
		return 0;
	actor_of(r, &actor);
	enum outcome o = registration_window_get(r->db, &actor, id, &body, &p);
	return answer(out, o, &p, 200, body);
}

int api_admin_registration_open(struct req *r, struct resp *out)
{
	struct org_actor actor;
	struct problem p = { { 0 } };
	json_t *window = NULL;
	int64_t id;
	if (!path_id(r, out, &id, "contest"))
		return 0;
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	actor_of(r, &actor);
	enum outcome o = registration_window_open(r->db, &actor, id, body, &window, &p);
	json_decref(body);
	return answer(out, o, &p, 200, window);
}

int api_admin_registration_close(struct req *r, struct resp *out)
{
	struct org_actor actor;
	struct problem p = { { 0 } };
	int64_t id;
	if (!path_id(r, out, &id, "contest"))
		return 0;
	actor_of(r, &actor);
	enum outcome o = registration_window_close(r->db, &actor, id, &p);
	return answer(out, o, &p, 204, NULL);
}

int api_admin_users_unconfirmed(struct req *r, struct resp *out)
{
	struct org_actor actor;
	struct problem p = { { 0 } };
	json_t *body = NULL;
	actor_of(r, &actor);
	enum outcome o = registration_unconfirmed(r->db, &actor, &body, &p);
	return answer(out, o, &p, 200, body);
}

int api_admin_user_confirm(struct req *r, struct resp *out)
{
	struct org_actor actor;
	struct problem p = { { 0 } };
	json_t *body = NULL;
	int64_t id;
	if (!path_id(r, out, &id, "user"))
		return 0;
	actor_of(r, &actor);
	enum outcome o = registration_confirm(r->db, &actor, id, &body, &p);
	return answer(out, o, &p, 200, body);
}

int api_admin_users_confirm(struct req *r, struct resp *out)
{
	struct org_actor actor;
	struct problem p = { { 0 } };
	json_t *answer_body = NULL;
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	actor_of(r, &actor);
	enum outcome o = registration_confirm_many(r->db, &actor, body, &answer_body, &p);
	json_decref(body);
	return answer(out, o, &p, 200, answer_body);
}
