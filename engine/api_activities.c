/* api_activities.c - activities beyond quizzes (api.md "Activities beyond
 * quizzes"): POST and GET /api/v1/admin/activities, PATCH
 * /api/v1/admin/activities/{id}, POST and GET
 * /api/v1/admin/activities/{id}/attendees, GET
 * /api/v1/admin/activities/{id}/check-in, POST
 * /api/v1/activities/{id}/check-in. Each reads the request, calls
 * activity.c, and answers. */
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "api.h"
#include "app.h"
#include "cards.h"
#include "cert.h"
#include "people.h"

static void actor_of(const struct req *r, struct people_actor *actor)
{
	actor->user_id = r->user.id;
	actor->username = r->user.username;
	actor->scope_path = http_role_of(r->user.role) == ROLE_ADMIN ? NULL : r->user.unit_path;
}

static int not_found(struct resp *out)
{
	struct problem p;
	return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "Activity not found."), &p);
}

int api_admin_activity_create(struct req *r, struct resp *out)
{
	struct people_actor actor;
	struct problem p = { { 0 } };
	json_t *answer = NULL;
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	actor_of(r, &actor);
	enum outcome o = activity_create(r->db, &actor, body, &answer, &p);
	json_decref(body);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 201, answer);
}

int api_admin_activity_list(struct req *r, struct resp *out)
{
	struct people_actor actor;
	struct problem p = { { 0 } };
	json_t *answer = NULL;
	actor_of(r, &actor);
	enum outcome o = activity_list_json(r->db, &actor, http_query(r, "unit"),
					    http_query(r, "year"), &answer, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, answer);
}

int api_admin_activity_patch(struct req *r, struct resp *out)
{
	struct people_actor actor;
	struct problem p = { { 0 } };
	int64_t id;
	json_t *answer = NULL;
	if (!http_param_id(r, 0, &id))
		return not_found(out);
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	actor_of(r, &actor);
	struct cert_signer *signer = cert_signer_new(r->app->cfg.data_dir, r->app->cfg.db_path);
	enum outcome o = activity_update(r->db, signer, &actor, id, body, &answer, &p);
	cert_signer_free(signer);
	json_decref(body);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, answer);
}

int api_admin_activity_attendees_add(struct req *r, struct resp *out)
{
	struct people_actor actor;
	struct problem p = { { 0 } };
	int64_t id;
	json_t *answer = NULL;
	if (!http_param_id(r, 0, &id))
		return not_found(out);
	actor_of(r, &actor);
	struct cert_signer *signer = cert_signer_new(r->app->cfg.data_dir, r->app->cfg.db_path);
	enum outcome o = activity_attendees_add(r->db, signer, &actor, id, r->body, r->body_len,
						api_body_is_csv(r), &answer, &p);
	cert_signer_free(signer);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, answer);
}

int api_admin_activity_attendees(struct req *r, struct resp *out)
{
	struct people_actor actor;
	struct problem p = { { 0 } };
	int64_t id;
	json_t *answer = NULL;
	if (!http_param_id(r, 0, &id))
		return not_found(out);
	actor_of(r, &actor);
	enum outcome o = activity_attendees_json(r->db, &actor, id, &answer, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, answer);
}

int api_admin_activity_check_in_page(struct req *r, struct resp *out)
{
	struct people_actor actor;
	struct problem p = { { 0 } };
	struct cards_site site = { r->app->cfg.public_url, http_host(r),
				   r->app->cfg.secure_cookies };
	int64_t id;
	char *html = NULL;
	if (!http_param_id(r, 0, &id))
		return not_found(out);
	actor_of(r, &actor);
	enum outcome o = activity_check_in_page(r->db, &actor, &site, id, &html, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	resp_raw(out, 200, "text/html; charset=utf-8", html, strlen(html));
	free(html);
	return 0;
}

int api_activity_check_in(struct req *r, struct resp *out)
{
	struct problem p = { { 0 } };
	int64_t id;
	if (!http_param_id(r, 0, &id))
		return not_found(out);
	struct cert_signer *signer = cert_signer_new(r->app->cfg.data_dir, r->app->cfg.db_path);
	enum outcome o = activity_check_in(r->db, signer, r->user.id, id, &p);
	cert_signer_free(signer);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, json_pack("{s:b}", "checked_in", 1));
}
