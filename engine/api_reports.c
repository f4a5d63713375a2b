/* api_reports.c - GET /reports/participation, /reports/participation/weekly,
 * /reports/plans/{code},
 * /reports/missing, /reports/yearly and /reports/questions: each reads its
 * query, calls report.h / itemstats_view.h and answers the view. A unit
 * administrator's reports cover their own subtree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "itemstats_view.h"
#include "report.h"
#include "report_view.h"
#include "util.h"

#define CT_CSV "text/csv; charset=utf-8"
#define CT_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define CT_HTML "text/html; charset=utf-8"

static bool is_admin(const struct req *r)
{
	return http_role_of(r->user.role) == ROLE_ADMIN;
}

/* A parsed number as an int; one out of int's range becomes -1, which the
 * domain refuses with its own message. */
static int as_int(long long v)
{
	return v < -1 || v > 1000000 ? -1 : (int)v;
}

/* Fills q from the query string (year, depth, unit, audience) and the
 * caller's scope. */
static enum outcome query_from_request(struct req *r, struct report_query *q, struct problem *p)
{
	long long year = 0, depth = 1;
	memset(q, 0, sizeof *q);
	enum outcome o = api_query_int(r, "year", &year, p);
	if (o == OUTCOME_OK)
		o = api_query_int(r, "depth", &depth, p);
	if (o != OUTCOME_OK)
		return o;
	/* 0 is "this year" to the domain, not a year one may ask for. */
	const char *given = http_query(r, "year");
	q->year = given && *given && year == 0 ? -1 : as_int(year);
	q->depth = as_int(depth);
	q->unit_code = http_query(r, "unit");
	q->audience = http_query(r, "audience");
	q->scope_path = is_admin(r) ? NULL : r->user.unit_path;
	return OUTCOME_OK;
}

/* format= (json by default) and lang= (vi by default). */
static void format_from_request(struct req *r, const char **format, const char **lang)
{
	*format = http_query(r, "format");
	if (!*format || !**format)
		*format = "json";
	*lang = http_query(r, "lang");
	if (!*lang || !**lang)
		*lang = "vi";
}

/* Answers a table report: its JSON, or its file named name-year.format. */
static int send_output(struct resp *out, struct report_output *o, const char *format,
		       const char *name)
{
	char disposition[128];
	if (o->json)
		return resp_json(out, 200, o->json);
	resp_raw(out, 200, strcmp(format, "csv") == 0 ? CT_CSV : CT_XLSX, o->file, o->len);
	free(o->file);
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%d.%s\"", name,
		 o->year, format);
	resp_header(out, "Content-Disposition", disposition);
	return 0;
}

int api_report_participation(struct req *r, struct resp *out)
{
	struct report_query q;
	struct report_output answer;
	struct problem p;
	const char *format, *lang;
	format_from_request(r, &format, &lang);
	enum outcome o = query_from_request(r, &q, &p);
	if (o == OUTCOME_OK)
		o = report_participation_output(r->db, &q, format, lang, &answer, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return send_output(out, &answer, format, "participation");
}

int api_report_plan(struct req *r, struct resp *out)
{
	struct report_query q;
	struct problem p;
	struct report_plan *plan = xmalloc(sizeof *plan);
	enum outcome o = query_from_request(r, &q, &p);
	if (o == OUTCOME_OK)
		o = report_plan(r->db, r->params[0], &q, plan, &p);
	if (o == OUTCOME_OK)
		resp_json(out, 200, report_plan_json(plan));
	else
		api_fail(out, o, &p);
	free(plan);
	return 0;
}

int api_report_weekly(struct req *r, struct resp *out)
{
	struct report_query q;
	struct problem p;
	struct report_weekly *weekly = xmalloc(sizeof *weekly);
	enum outcome o = query_from_request(r, &q, &p);
	if (o == OUTCOME_OK)
		o = report_participation_weekly(r->db, &q, weekly, &p);
	if (o == OUTCOME_OK)
		resp_json(out, 200, report_weekly_json(weekly));
	else
		api_fail(out, o, &p);
	free(weekly);
	return 0;
}

int api_report_missing(struct req *r, struct resp *out)
{
	struct report_query q;
	struct report_output answer;
	struct problem p;
	const char *format, *lang;
	long long quiz = 0;
	format_from_request(r, &format, &lang);
	enum outcome o = query_from_request(r, &q, &p);
	if (o == OUTCOME_OK)
		o = api_query_int(r, "quiz", &quiz, &p);
	/* 0 is "every quiz" to the domain, not an id one may ask for. */
	const char *given = http_query(r, "quiz");
	if (given && *given && quiz == 0)
		quiz = -1;
	if (o == OUTCOME_OK)
		o = report_missing_output(r->db, &q, quiz, format, lang, &answer, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return send_output(out, &answer, format, "missing");
}

int api_report_yearly(struct req *r, struct resp *out)
{
	struct report_query q;
	struct problem p;
	char *html = NULL;
	const char *plan = http_query(r, "plan");
	enum outcome o = query_from_request(r, &q, &p);
	if (o == OUTCOME_OK && (!plan || !*plan))
		o = problem_set(&p, OUTCOME_INVALID, "'plan' is required (a plan code).");
	if (o == OUTCOME_OK)
		o = report_yearly_page(r->db, plan, &q, &html, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	resp_raw(out, 200, CT_HTML, html, strlen(html));
	free(html);
	return 0;
}

int api_report_questions(struct req *r, struct resp *out)
{
	struct problem p;
	long long quiz_id = 0;
	json_t *body = NULL;
	enum outcome o = api_query_int(r, "quiz", &quiz_id, &p);
	if (o == OUTCOME_OK && quiz_id <= 0)
		o = problem_set(&p, OUTCOME_INVALID, "Query 'quiz' (a quiz id) is required.");
	if (o == OUTCOME_OK)
		o = itemstats_quiz_view(r->db, quiz_id, is_admin(r), r->user.unit_path, &body, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, body);
}
