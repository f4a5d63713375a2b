/* api_quiz_admin.c - the handlers of quizzes for administrators (api.md
 * "Banks and quizzes"): GET /api/v1/admin/quizzes, GET
 * /api/v1/admin/quizzes/{id}, GET /api/v1/admin/quizzes/{id}/results. The
 * rules live in quiz_admin.c and quiz_def.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "audit.h"
#include "clock.h"
#include "export.h"
#include "quiz_admin.h"
#include "quiz_builder.h"
#include "quiz_def.h"
#include "quiz_edit.h"
#include "quiz_service.h"
#include "rng.h"

#define CT_CSV "text/csv; charset=utf-8"
#define CT_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

int api_admin_quiz_list(struct req *r, struct resp *out)
{
	struct problem p;
	long long limit = 50, offset = 0;
	json_t *body = NULL;
	enum outcome rc = api_query_int(r, "limit", &limit, &p);
	if (rc == OUTCOME_OK)
		rc = api_query_int(r, "offset", &offset, &p);
	const char *kind = http_query(r, "kind"), *state = http_query(r, "state");
	if (rc == OUTCOME_OK)
		rc = quiz_admin_list(r->db, kind && *kind ? kind : NULL,
				     state && *state ? state : NULL, clock_now_ms(), limit, offset,
				     &body, &p);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	return resp_json(out, 200, body);
}

int api_admin_quiz_get(struct req *r, struct resp *out)
{
	struct problem p;
	int64_t id;
	json_t *def = NULL;
	if (!http_param_id(r, 0, &id))
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "No such quiz."), &p);
	enum outcome rc = quiz_definition_get(r->db, id, &def, &p);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	return resp_json(out, 200, json_pack("{s:o}", "quiz", def));
}

int api_admin_quiz_results(struct req *r, struct resp *out)
{
	struct problem p;
	int64_t id;
	if (!http_param_id(r, 0, &id))
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "No such quiz."), &p);
	const char *format = http_query(r, "format"), *lang = http_query(r, "lang");
	if (!format || !*format)
		format = "json";
	enum outcome rc = export_check_format(format, lang && *lang ? lang : "vi", &p);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	bool admin = http_role_of(r->user.role) == ROLE_ADMIN;
	struct quiz_results res;
	rc = quiz_admin_results(r->db, id, http_query(r, "unit"), admin ? NULL : r->user.unit_path,
				&res, &p);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	if (!strcmp(format, "json")) {
		resp_json(out, 200, quiz_results_json(&res));
		quiz_results_cleanup(&res);
		return 0;
	}
	char *data = NULL;
	size_t len = 0;
	rc = export_results_file(&res, format, lang, &data, &len, &p);
	quiz_results_cleanup(&res);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	resp_raw(out, 200, strcmp(format, "csv") == 0 ? CT_CSV : CT_XLSX, data, len);
	free(data);
	char disposition[96];
	snprintf(disposition, sizeof disposition, "attachment; filename=\"results-%lld.%s\"",
		 (long long)id, format);
	resp_header(out, "Content-Disposition", disposition);
	return 0;
}

int api_admin_quiz_check(struct req *r, struct resp *out)
{
	json_t *def = http_body_json(r, out);
	if (!def)
		return 0;
	struct problem p;
	json_t *body = NULL;
	enum outcome rc = quiz_check_draws(r->db, def, &body, &p);
	json_decref(def);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	return resp_json(out, 200, body);
}

int api_admin_quiz_preview(struct req *r, struct resp *out)
{
	struct problem p;
	int64_t id;
	if (!http_param_id(r, 0, &id))
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "No such quiz."), &p);
	json_t *body = NULL;
	enum outcome rc = quiz_preview(r->db, id, rng_u64(), &body, &p);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	return resp_json(out, 200, body);
}

int api_admin_quiz_put(struct req *r, struct resp *out)
{
	struct problem p;
	int64_t id;
	if (!http_param_id(r, 0, &id))
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "No such quiz."), &p);
	json_t *def = http_body_json(r, out);
	if (!def)
		return 0;
	struct audit_actor who = { r->user.id, r->user.username };
	json_t *body = NULL;
	enum outcome rc = quiz_update(r->db, quiz_service_qcache(quiz_service_of(r->app)), &who, id,
				      def, clock_now_ms(), &body, &p);
	json_decref(def);
	if (rc != OUTCOME_OK)
		return api_fail(out, rc, &p);
	return resp_json(out, 200, body);
}
