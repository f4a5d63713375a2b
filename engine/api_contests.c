/* api_contests.c - GET /contests/{id}/leaderboard: the query into a
 * contest_view_query, the rules and JSON in contest_view.c. */
#include "api.h"
#include "contest_view.h"

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
	o = contest_leaderboard_view(r->db, &q, &body, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, body);
}
