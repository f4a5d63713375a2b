/* api_report.c - handlers for reports (participation, plans, chasing,
 * yearly page), plans administration, certificates and personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "cert.h"
#include "clock.h"
#include "db.h"
#include "db_report.h"
#include "export.h"
#include "plan.h"
#include "report.h"
#include "util.h"

#define CT_CSV "text/csv; charset=utf-8"
#define CT_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define CT_HTML "text/html; charset=utf-8"

/* Parses a whole decimal number in [min, max]. */
static bool parse_int(const char *s, long long min, long long max, long long *out)
{
	if (!s || !*s || strlen(s) > 18)
		return false;
	long long v = 0;
	bool neg = *s == '-';
	for (const char *p = s + neg; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	if (neg && !s[1])
		return false;
	v = neg ? -v : v;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Fills q from the query string. Returns false after a 400 in out. */
static bool query_from_request(struct req *r, struct resp *out, struct report_query *q,
			       bool with_depth)
{
	memset(q, 0, sizeof *q);
	long long v;
	const char *year = http_query(r, "year");
	q->year = clock_vn_year(clock_now_ms());
	if (year) {
		if (!parse_int(year, 2000, 2100, &v)) {
			resp_error(out, 400, "bad_request",
				   "'year' must be a year from 2000 to 2100.");
			return false;
		}
		q->year = (int)v;
	}
	q->depth = 1;
	const char *depth = with_depth ? http_query(r, "depth") : NULL;
	if (depth) {
		if (!parse_int(depth, 0, REPORT_MAX_DEPTH, &v)) {
			resp_error(out, 400, "bad_request",
				   "'depth' must be an integer from 0 to %d.", REPORT_MAX_DEPTH);
			return false;
		}
		q->depth = (int)v;
	}
	const char *unit = http_query(r, "unit");
	if (unit && *unit) {
		if (!util_valid_code(unit)) {
			resp_error(out, 400, "bad_request", "'unit' must be a unit code.");
			return false;
		}
		q->unit_code = unit;
	}
	const char *audience = http_query(r, "audience");
	if (audience && *audience)
		q->audience = audience;
	q->scope_path = http_role_of(r->user.role) == ROLE_ADMIN ? NULL : r->user.unit_path;
	return true;
}

static int report_error(struct resp *out, int rc, const char *err)
{
	switch (rc) {
	case REPORT_BAD_REQUEST:
		return resp_error(out, 400, "bad_request", "%s.", err);
	case REPORT_NOT_FOUND:
		return resp_error(out, 404, "not_found", "%s.", err);
	case REPORT_FORBIDDEN:
		return resp_error(out, 403, "forbidden", "%s.", err);
	default:
		fprintf(stderr, "report: %s\n", err);
		return resp_error(out, 500, "internal", "The report could not be computed.");
	}
}

/* format= and lang=; false after a 400. */
static bool format_from_request(struct req *r, struct resp *out, const char **format,
				const char **lang)
{
	*format = http_query(r, "format");
	if (!*format || !**format)
		*format = "json";
	if (strcmp(*format, "json") && strcmp(*format, "csv") && strcmp(*format, "xlsx")) {
		resp_error(out, 400, "bad_request", "'format' must be json, csv or xlsx.");
		return false;
	}
	*lang = http_query(r, "lang");
	if (!*lang || !**lang)
		*lang = "vi";
	if (!export_valid_lang(*lang)) {
		resp_error(out, 400, "bad_request", "'lang' must be vi or en.");
		return false;
	}
	return true;
}

/* Answers a table as CSV or XLSX, named name-year.ext. */
static int send_table(struct resp *out, const struct export_table *t, const char *format,
		      const char *name, int year)
{
	char disposition[128];
	size_t len = 0;
	char err[256];
	if (strcmp(format, "csv") == 0) {
		char *csv = export_csv(t, &len);
		resp_raw(out, 200, CT_CSV, csv, len);
		free(csv);
		snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%d.csv\"",
			 name, year);
	} else {
		char *xlsx = export_xlsx(t, &len, err, sizeof err);
		if (!xlsx) {
			fprintf(stderr, "report: %s\n", err);
			return resp_error(out, 500, "internal",
					  "The spreadsheet could not be written.");
		}
		resp_raw(out, 200, CT_XLSX, xlsx, len);
		free(xlsx);
		snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%d.xlsx\"",
			 name, year);
	}
	resp_header(out, "Content-Disposition", disposition);
	return 0;
}

static json_t *percent_json(bool has, double v)
{
	return has ? json_real(v) : json_null();
}

json_t *api_participation_json(const struct report_table *t)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < t->n; i++) {
		const struct report_row *w = &t->rows[i];
		json_array_append_new(
			rows,
			json_pack("{s:s,s:s,s:s,s:I,s:s,s:I,s:I,s:o,s:I,s:o,s:I}", "unit_code",
				  w->unit_code, "unit_name", w->unit_name, "audience", w->audience,
				  "headcount", (json_int_t)w->headcount, "headcount_source",
				  w->headcount_source, "registered", (json_int_t)w->registered,
				  "participants", (json_int_t)w->participants,
				  "participation_percent",
				  percent_json(w->has_percent, w->participation_percent), "passed",
				  (json_int_t)w->passed, "passed_percent",
				  percent_json(w->has_percent, w->passed_percent), "attempts",
				  (json_int_t)w->attempts));
	}
	return json_pack("{s:i,s:o}", "year", t->year, "rows", rows);
}

json_t *api_plan_report_json(const struct report_plan *p)
{
	json_t *targets = json_array();
	for (int i = 0; i < p->ntargets; i++) {
		const struct report_target *t = &p->targets[i];
		json_array_append_new(
			targets,
			json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:f,s:o,s:I,s:I,s:b,s:f}", "id",
				  t->target.id, "metric", t->target.metric, "audience",
				  t->target.audience, "unit_kind",
				  t->target.unit_kind[0] ? json_string(t->target.unit_kind)
							 : json_null(),
				  "topic",
				  t->target.topic[0] ? json_string(t->target.topic) : json_null(),
				  "comparator", t->target.comparator, "threshold",
				  t->target.threshold, "actual_percent",
				  percent_json(t->has_actual, t->actual_percent), "numerator",
				  (json_int_t)t->numerator, "denominator",
				  (json_int_t)t->denominator, "met", t->met, "gap_percent",
				  t->gap_percent));
	}
	json_t *unit = p->unit_code[0]
			       ? json_pack("{s:s,s:s}", "code", p->unit_code, "name", p->unit_name)
			       : json_null();
	return json_pack("{s:{s:s,s:s},s:i,s:s,s:o,s:o}", "plan", "code", p->plan.code, "title",
			 p->plan.title, "year", p->year, "deadline", p->deadline, "unit", unit,
			 "targets", targets);
}

int api_report_participation(struct req *r, struct resp *out)
{
	struct report_query q;
	const char *format, *lang;
	if (!query_from_request(r, out, &q, true) || !format_from_request(r, out, &format, &lang))
		return 0;
	struct report_table t;
	char err[512];
	int rc = report_participation(r->db, &q, &t, err, sizeof err);
	if (rc)
		return report_error(out, rc, err);
	if (strcmp(format, "json") == 0) {
		resp_json(out, 200, api_participation_json(&t));
	} else {
		struct export_table et;
		export_participation(&t, lang, &et);
		send_table(out, &et, format, "participation", q.year);
		export_table_cleanup(&et);
	}
	report_table_cleanup(&t);
	return 0;
}

int api_report_plan(struct req *r, struct resp *out)
{
	struct report_query q;
	if (!query_from_request(r, out, &q, false))
		return 0;
	if (!util_valid_code(r->params[0]))
		return resp_error(out, 404, "not_found", "Unknown plan.");
	struct report_plan *p = xmalloc(sizeof *p);
	char err[512];
	int rc = report_plan(r->db, r->params[0], &q, p, err, sizeof err);
	if (rc)
		report_error(out, rc, err);
	else
		resp_json(out, 200, api_plan_report_json(p));
	free(p);
	return 0;
}

json_t *api_missing_json(const struct report_missing *m)
{
	json_t *people = json_array();
	for (size_t i = 0; i < m->n; i++) {
		const struct report_missing_person *p = &m->people[i];
		json_t *missing = json_array();
		for (size_t k = 0; k < p->nmissing; k++) {
			char closes[32];
			clock_format(p->missing[k].closes_at, closes);
			json_array_append_new(missing,
					      json_pack("{s:I,s:s,s:s,s:s}", "quiz_id",
							(json_int_t)p->missing[k].id, "code",
							p->missing[k].code, "title",
							p->missing[k].title, "closes_at", closes));
		}
		json_array_append_new(people,
				      json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o}", "user_id",
						(json_int_t)p->user_id, "username", p->username,
						"full_name", p->full_name, "unit_code",
						p->unit_code, "unit_name", p->unit_name, "audience",
						p->audience, "missing", missing));
	}
	return json_pack("{s:i,s:s,s:i,s:s,s:i,s:o}", "year", m->year, "unit_deadline",
			 m->unit_deadline, "unit_days_left", m->unit_days_left,
			 "department_deadline", m->department_deadline, "department_days_left",
			 m->department_days_left, "people", people);
}

int api_report_missing(struct req *r, struct resp *out)
{
	struct report_query q;
	const char *format, *lang;
	if (!query_from_request(r, out, &q, false) || !format_from_request(r, out, &format, &lang))
		return 0;
	long long quiz = 0;
	const char *quiz_arg = http_query(r, "quiz");
	if (quiz_arg && *quiz_arg && !parse_int(quiz_arg, 1, INT64_MAX / 2, &quiz))
		return resp_error(out, 400, "bad_request", "'quiz' must be a quiz id.");
	struct report_missing m;
	char err[512];
	int rc = report_missing_people(r->db, &q, quiz, &m, err, sizeof err);
	if (rc)
		return report_error(out, rc, err);
	if (strcmp(format, "json") == 0) {
		resp_json(out, 200, api_missing_json(&m));
	} else {
		struct export_table et;
		export_missing(&m, lang, &et);
		send_table(out, &et, format, "missing", q.year);
		export_table_cleanup(&et);
	}
	report_missing_cleanup(&m);
	return 0;
}

int api_report_yearly(struct req *r, struct resp *out)
{
	struct report_query q;
	if (!query_from_request(r, out, &q, false))
		return 0;
	const char *plan = http_query(r, "plan");
	if (!plan || !*plan)
		return resp_error(out, 400, "bad_request", "'plan' is required (a plan code).");
	if (!util_valid_code(plan))
		return resp_error(out, 404, "not_found", "Unknown plan.");
	struct report_plan *p = xmalloc(sizeof *p);
	struct report_table t = { 0 };
	char err[512];
	int rc = report_plan(r->db, plan, &q, p, err, sizeof err);
	if (!rc) {
		q.depth = 1;
		rc = report_participation(r->db, &q, &t, err, sizeof err);
	}
	if (rc) {
		report_error(out, rc, err);
	} else {
		char *html = export_yearly_html(p, &t);
		resp_raw(out, 200, CT_HTML, html, strlen(html));
		free(html);
	}
	report_table_cleanup(&t);
	free(p);
	return 0;
}

/* ---- plans ------------------------------------------------------------- */

struct plans_ctx {
	json_t *list;
};

static void on_plan(void *ctx, const char *code, const char *definition, bool builtin)
{
	struct plans_ctx *c = ctx;
	json_error_t jerr;
	json_t *j = json_loads(definition, 0, &jerr);
	if (!j) {
		fprintf(stderr, "plans: stored plan %s unreadable\n", code);
		return;
	}
	json_object_set_new(j, "builtin", json_boolean(builtin));
	json_array_append_new(c->list, j);
}

int api_admin_plans(struct req *r, struct resp *out)
{
	struct plans_ctx c = { json_array() };
	if (plan_install_builtins(r->db) || db_plan_each(r->db, on_plan, &c)) {
		json_decref(c.list);
		fprintf(stderr, "plans: %s\n", db_errmsg(r->db));
		return resp_error(out, 500, "internal", "The plans could not be read.");
	}
	return resp_json(out, 200, json_pack("{s:o}", "plans", c.list));
}

int api_admin_plan_put(struct req *r, struct resp *out)
{
	const char *code = r->params[0];
	if (!util_valid_code(code))
		return resp_error(out, 400, "bad_request",
				  "The plan code must match [A-Za-z0-9_.-]{1,64}.");
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	struct plan *p = xmalloc(sizeof *p);
	char err[512];
	json_t *given = json_object_get(body, "code");
	if (json_is_object(body) && !given)
		json_object_set_new(body, "code", json_string(code));
	else if (json_is_object(body) &&
		 (!json_is_string(given) || strcmp(json_string_value(given), code) != 0)) {
		resp_error(out, 400, "bad_request",
			   "Field 'code' must equal the code in the path (%s).", code);
		goto out;
	}
	if (plan_from_json(body, p, err, sizeof err)) {
		resp_error(out, 400, "bad_request", "%s.", err);
		goto out;
	}
	if (plan_install_builtins(r->db) || plan_save(r->db, p)) {
		fprintf(stderr, "plans: %s\n", db_errmsg(r->db));
		resp_error(out, 500, "internal", "The plan could not be saved.");
		goto out;
	}
	resp_json(out, 200, json_pack("{s:o}", "plan", plan_to_json(p)));
out:
	free(p);
	json_decref(body);
	return 0;
}

/* ---- certificates ------------------------------------------------------ */

static void key_path(const struct req *r, char *buf, size_t len)
{
	cert_key_path(r->app->cfg.data_dir, r->app->cfg.db_path, buf, len);
}

int api_certificate(struct req *r, struct resp *out)
{
	int64_t id;
	if (!http_param_id(r, 0, &id))
		return resp_error(out, 404, "not_found", "Attempt not found.");
	char path[1024], err[512];
	key_path(r, path, sizeof path);
	if (cert_key_ensure(r->app->cfg.data_dir, r->app->cfg.db_path, NULL, err, sizeof err)) {
		fprintf(stderr, "certificate: %s\n", err);
		return resp_error(out, 500, "internal", "Certificates are not available.");
	}
	struct cert c;
	int rc = cert_issue(r->db, path, id, r->user.id, &c, err, sizeof err);
	if (rc == CERT_NOT_FOUND)
		return resp_error(out, 404, "not_found", "Attempt not found.");
	if (rc == CERT_NOT_ELIGIBLE)
		return resp_error(out, 409, "no_certificate", "%s.", err);
	if (rc) {
		fprintf(stderr, "certificate: %s\n", err);
		return resp_error(out, 500, "internal", "The certificate could not be issued.");
	}
	char *html = cert_html(&c, "/api/v1/certificates/");
	resp_raw(out, 200, CT_HTML, html, strlen(html));
	free(html);
	resp_header(out, "X-Certificate-Code", c.code);
	return 0;
}

int api_certificate_check(struct req *r, struct resp *out)
{
	const char *code = r->params[0];
	char path[1024], err[512];
	key_path(r, path, sizeof path);
	struct cert c;
	int rc = cert_verify(r->db, path, code, &c, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "certificate: %s\n", err);
		return resp_error(out, 500, "internal", "The certificate could not be checked.");
	}
	if (rc == 0)
		return resp_error(out, 404, "not_found", "No certificate has this code.");
	char issued[32];
	clock_format(c.issued_at, issued);
	return resp_json(out, 200,
			 json_pack("{s:{s:b,s:s,s:I,s:s,s:s,s:s,s:s,s:s}}", "certificate", "valid",
				   1, "code", c.code, "attempt_id", (json_int_t)c.attempt_id,
				   "full_name", c.full_name, "quiz_title", c.quiz_title, "date",
				   c.date, "score", c.score, "issued_at", issued));
}
