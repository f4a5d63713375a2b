/* api_contests.c - GET /contests/{id}/leaderboard: the query into a
 * contest_view_query, the rules and JSON in contest_view.c; standings,
 * results, publication, winners and integrity: the rules in
 * contest_award.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "contest_award.h"
#include "contest_view.h"
#include "export.h"
#include "quiz_service.h"

int api_contest_leaderboard(struct req *r, struct resp *out)
{
	struct problem p;
	json_t *body = NULL;
	long long limit = CONTEST_PAGE_LIMIT_DEFAULT, offset = 0;
	int64_t id;
	if (!http_param_id(r, 0, &id))
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "No such contest."), &p);
	enum outcome o = api_query_int(r, "limit", &limit, &p);
	if (o == OUTCOME_OK)
		o = api_query_int(r, "offset", &offset, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	struct contest_view_query q = {
		.quiz_id = id,
		.round = http_query(r, "round"),
		.unit_code = http_query(r, "unit"),
		.admin = http_role_of(r->user.role) == ROLE_ADMIN,
		.unit_admin = http_role_of(r->user.role) == ROLE_UNIT_ADMIN,
		.viewer_unit_path = r->user.unit_path,
		.viewer_audience = r->user.audience,
		.limit = limit,
		.offset = offset,
	};
	o = contest_leaderboard_view(r->db, quiz_service_qcache(quiz_service_of(r->app)), &q, &body,
				     &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, body);
}

/* Answers o's JSON, or the failure. */
static int answer(struct resp *out, enum outcome o, json_t *body, const struct problem *p)
{
	if (o != OUTCOME_OK)
		return api_fail(out, o, p);
	return resp_json(out, 200, body);
}

static bool contest_id(struct req *r, int64_t *id, struct problem *p)
{
	if (http_param_id(r, 0, id))
		return true;
	problem_set(p, OUTCOME_NOT_FOUND, "No such contest.");
	return false;
}

int api_contest_standings(struct req *r, struct resp *out)
{
	struct problem p;
	json_t *body = NULL;
	long long depth = 1;
	int64_t id;
	if (!contest_id(r, &id, &p))
		return api_fail(out, OUTCOME_NOT_FOUND, &p);
	enum outcome o = api_query_int(r, "depth", &depth, &p);
	if (o == OUTCOME_OK)
		o = contest_standings_view(r->db, id, http_query(r, "round"), http_query(r, "unit"),
					   depth > 10 || depth < 1 ? 0 : (int)depth,
					   http_role_of(r->user.role) == ROLE_ADMIN, &body, &p);
	return answer(out, o, body, &p);
}

int api_contest_results(struct req *r, struct resp *out)
{
	struct problem p;
	json_t *body = NULL;
	int64_t id;
	if (!contest_id(r, &id, &p))
		return api_fail(out, OUTCOME_NOT_FOUND, &p);
	enum outcome o = contest_results_view(r->db, id, http_role_of(r->user.role) == ROLE_ADMIN,
					      &body, &p);
	return answer(out, o, body, &p);
}

int api_contest_publish(struct req *r, struct resp *out)
{
	struct problem p;
	json_t *body = NULL;
	int64_t id;
	if (!contest_id(r, &id, &p))
		return api_fail(out, OUTCOME_NOT_FOUND, &p);
	struct audit_actor who = { r->user.id, r->user.username };
	enum outcome o = contest_publish(r->db, id, &who, &body, &p);
	return answer(out, o, body, &p);
}

int api_contest_winners(struct req *r, struct resp *out)
{
	struct problem p;
	json_t *body = NULL;
	long long top = 0;
	int64_t id;
	if (!contest_id(r, &id, &p))
		return api_fail(out, OUTCOME_NOT_FOUND, &p);
	const char *format = http_query(r, "format");
	if (!format || !*format)
		format = "json";
	enum outcome o = export_check_format(format, "vi", &p);
	if (o == OUTCOME_OK)
		o = api_query_int(r, "top", &top, &p);
	if (o == OUTCOME_OK && top < 1 && http_query(r, "top"))
		o = problem_set(&p, OUTCOME_INVALID, "Query 'top' must be from 1 to %d.",
				CONTEST_WINNERS_TOP_MAX);
	if (o == OUTCOME_OK)
		o = contest_winners_view(r->db, id, http_query(r, "round"), top, &body, &p);
	if (o != OUTCOME_OK || !strcmp(format, "json"))
		return answer(out, o, body, &p);
	char *data = NULL, disposition[96];
	size_t len = 0;
	o = contest_winners_file(body, format, &data, &len, &p);
	json_decref(body);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	resp_raw(out, 200,
		 !strcmp(format, "csv")
			 ? "text/csv; charset=utf-8"
			 : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		 data, len);
	free(data);
	snprintf(disposition, sizeof disposition, "attachment; filename=\"winners-%lld.%s\"",
		 (long long)id, format);
	resp_header(out, "Content-Disposition", disposition);
	return 0;
}

int api_contest_integrity(struct req *r, struct resp *out)
{
	struct problem p;
	json_t *body = NULL;
	int64_t id;
	if (!contest_id(r, &id, &p))
		return api_fail(out, OUTCOME_NOT_FOUND, &p);
	enum outcome o = contest_integrity_view(r->db, id, &body, &p);
	return answer(out, o, body, &p);
}
