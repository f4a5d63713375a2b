/* api_admin_org.c - POST /api/v1/admin/units, PUT
 * /api/v1/admin/units/{code}/headcounts and POST /api/v1/admin/users (admin
 * and unit_admin): read the upload, call org.c, answer. */
#include <string.h>

#include "api.h"
#include "app.h"
#include "org.h"

/* The failed answer of an upload: the envelope plus "errors" when there
 * are some. */
static int upload_fail(struct resp *out, enum outcome o, const struct problem *p,
		       const struct org_errors *errors)
{
	api_fail(out, o, p);
	if (errors->n)
		json_object_set_new(out->json, "errors", org_errors_json(errors));
	return 0;
}

/* Reads a JSON array or a CSV upload into rows; NULL after answering. */
static json_t *upload_rows(struct req *r, struct resp *out)
{
	struct problem p;
	if (api_body_is_csv(r)) {
		struct org_errors errors = { 0 };
		json_t *rows = org_csv_to_rows(r->body, r->body_len, &errors);
		if (!rows)
			upload_fail(out,
				    problem_set(&p, OUTCOME_INVALID,
						"The CSV file cannot be read: line %d: %s",
						errors.items[0].line, errors.items[0].message),
				    &p, &errors);
		org_errors_cleanup(&errors);
		return rows;
	}
	json_t *rows = http_body_json(r, out);
	if (rows && !json_is_array(rows)) {
		api_fail(out,
			 problem_set(&p, OUTCOME_INVALID, "Expected a JSON array (or text/csv)."),
			 &p);
		json_decref(rows);
		return NULL;
	}
	return rows;
}

static void actor_of(const struct req *r, struct org_actor *actor)
{
	actor->user_id = r->user.id;
	actor->username = r->user.username;
	actor->scope_path = http_role_of(r->user.role) == ROLE_ADMIN ? NULL : r->user.unit_path;
}

int api_admin_units(struct req *r, struct resp *out)
{
	struct org_errors errors = { 0 };
	struct org_actor actor;
	struct problem p = { { 0 } };
	int created, updated;
	json_t *rows = upload_rows(r, out);
	if (!rows)
		return 0;
	actor_of(r, &actor);
	enum outcome o = org_units_upload(r->db, rows, &actor, &created, &updated, &errors, &p);
	if (o != OUTCOME_OK)
		upload_fail(out, o, &p, &errors);
	else
		resp_json(out, 200, json_pack("{s:i,s:i}", "created", created, "updated", updated));
	org_errors_cleanup(&errors);
	json_decref(rows);
	return 0;
}

int api_admin_headcounts(struct req *r, struct resp *out)
{
	struct org_errors errors = { 0 };
	struct org_actor actor;
	struct problem p = { { 0 } };
	json_t *rows = http_body_json(r, out);
	if (!rows)
		return 0;
	actor_of(r, &actor);
	enum outcome o = org_headcounts_upload(r->db, &actor, r->params[0], rows, &errors, &p);
	if (o != OUTCOME_OK)
		upload_fail(out, o, &p, &errors);
	else
		resp_json(out, 204, NULL);
	org_errors_cleanup(&errors);
	json_decref(rows);
	return 0;
}

int api_admin_users(struct req *r, struct resp *out)
{
	struct org_errors errors = { 0 };
	struct org_actor actor;
	struct problem p = { { 0 } };
	json_t *passwords = NULL;
	int created;
	json_t *rows = upload_rows(r, out);
	if (!rows)
		return 0;
	actor_of(r, &actor);
	enum outcome o = org_users_upload(r->db, r->app->auth, rows, &actor, &created, &passwords,
					  &errors, &p);
	if (o != OUTCOME_OK)
		upload_fail(out, o, &p, &errors);
	else
		resp_json(out, 200,
			  json_pack("{s:i,s:o,s:o}", "created", created, "passwords", passwords,
				    "errors", org_errors_json(&errors)));
	org_errors_cleanup(&errors);
	json_decref(rows);
	return 0;
}
