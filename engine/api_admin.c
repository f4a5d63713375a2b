/* api_admin.c - units, headcounts and users (admin and unit_admin). */
#include <string.h>

#include "api.h"
#include "app.h"
#include "db.h"
#include "org.h"
#include "util.h"

/* Reads a JSON array or a CSV upload into rows; NULL after answering. */
static json_t *upload_rows(struct req *r, struct resp *out)
{
	if (api_body_is_csv(r)) {
		struct org_errors errors = { 0 };
		json_t *rows = org_csv_to_rows(r->body, r->body_len, &errors);
		if (!rows) {
			resp_error(out, 400, "bad_request",
				   "The CSV file cannot be read: line %d: %s", errors.items[0].line,
				   errors.items[0].message);
			json_object_set_new(out->json, "errors", org_errors_json(&errors));
		}
		org_errors_cleanup(&errors);
		return rows;
	}
	json_t *rows = http_body_json(r, out);
	if (rows && !json_is_array(rows)) {
		resp_error(out, 400, "bad_request", "Expected a JSON array (or text/csv).");
		json_decref(rows);
		return NULL;
	}
	return rows;
}

static void actor_of(const struct req *r, struct org_actor *actor)
{
	actor->user_id = r->user.id;
	actor->scope_path = http_role_of(r->user.role) == ROLE_ADMIN ? NULL : r->user.unit_path;
}

/* The 400 for an upload with errors: the envelope plus "errors". */
static void upload_errors(struct resp *out, const struct org_errors *errors, const char *what)
{
	resp_error(out, 400, "bad_request", "%zu problem(s) in the %s; first at line %d: %s",
		   errors->n, what, errors->items[0].line, errors->items[0].message);
	json_object_set_new(out->json, "errors", org_errors_json(errors));
}

int api_admin_units(struct req *r, struct resp *out)
{
	struct org_errors errors = { 0 };
	struct org_actor actor;
	json_t *rows = upload_rows(r, out);
	int ret = 0, created, updated;
	if (!rows)
		return 0;
	actor_of(r, &actor);
	if (actor.scope_path && !actor.scope_path[0]) {
		resp_error(out, 403, "forbidden", "Your account has no unit.");
		goto out;
	}
	int rc = org_import_units(r->db, rows, &actor, &created, &updated, &errors);
	if (rc < 0) {
		ret = -1;
		goto out;
	}
	if (rc > 0) {
		upload_errors(out, &errors, "units");
		goto out;
	}
	resp_json(out, 200, json_pack("{s:i,s:i}", "created", created, "updated", updated));
out:
	org_errors_cleanup(&errors);
	json_decref(rows);
	return ret;
}

int api_admin_headcounts(struct req *r, struct resp *out)
{
	struct org_errors errors = { 0 };
	struct db_unit unit;
	json_t *rows = NULL;
	int ret = 0;
	int rc = db_unit_by_code(r->db, r->params[0], &unit);
	if (rc < 0)
		return -1;
	if (!rc)
		return resp_error(out, 404, "not_found", "No unit with code %s.", r->params[0]);
	if (!api_can_manage_unit(r, unit.path))
		return resp_error(out, 403, "forbidden",
				  "Unit %s is outside your part of the tree.", unit.code);
	rows = http_body_json(r, out);
	if (!rows)
		return 0;
	rc = org_set_headcounts(r->db, unit.id, rows, r->user.id, &errors);
	if (rc < 0)
		ret = -1;
	else if (rc > 0)
		upload_errors(out, &errors, "headcounts");
	else
		resp_json(out, 204, NULL);
	org_errors_cleanup(&errors);
	json_decref(rows);
	return ret;
}

int api_admin_users(struct req *r, struct resp *out)
{
	struct org_errors errors = { 0 };
	struct org_actor actor;
	json_t *passwords = NULL;
	json_t *rows = upload_rows(r, out);
	int ret = 0, created;
	if (!rows)
		return 0;
	actor_of(r, &actor);
	if (actor.scope_path && !actor.scope_path[0]) {
		resp_error(out, 403, "forbidden", "Your account has no unit.");
		goto out;
	}
	if (org_import_users(r->db, r->app->auth, rows, &actor, &created, &passwords, &errors)) {
		ret = -1;
		goto out;
	}
	resp_json(out, 200,
		  json_pack("{s:i,s:O,s:o}", "created", created, "passwords", passwords, "errors",
			    org_errors_json(&errors)));
out:
	json_decref(passwords);
	org_errors_cleanup(&errors);
	json_decref(rows);
	return ret;
}
