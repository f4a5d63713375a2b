/* report_view.c - the JSON of the reports (api.md "Reports") and the
 * yearly page, built once for the API and quizadm. */
#include "report_view.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "export.h"
#include "settings.h"
#include "util.h"

static json_t *percent_json(bool has, double v)
{
	return has ? json_real(v) : json_null();
}

static json_t *participation_json(const struct report_table *t)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < t->n; i++) {
		const struct report_row *w = &t->rows[i];
		json_array_append_new(
			rows,
			json_pack("{s:s,s:s,s:s,s:I,s:s,s:I,s:I,s:o,s:I,s:o,s:I,s:I,s:I,s:o}",
				  "unit_code", w->unit_code, "unit_name", w->unit_name, "audience",
				  w->audience, "headcount", (json_int_t)w->headcount,
				  "headcount_source", w->headcount_source, "registered",
				  (json_int_t)w->registered, "participants",
				  (json_int_t)w->participants, "participation_percent",
				  percent_json(w->has_percent, w->participation_percent), "passed",
				  (json_int_t)w->passed, "passed_percent",
				  percent_json(w->has_percent, w->passed_percent), "attempts",
				  (json_int_t)w->attempts, "attended", (json_int_t)w->attended,
				  "reached", (json_int_t)w->reached, "reached_percent",
				  percent_json(w->has_percent, w->reached_percent)));
	}
	return json_pack("{s:i,s:o}", "year", t->year, "rows", rows);
}

json_t *report_plan_json(const struct report_plan *p)
{
	json_t *targets = json_array();
	for (int i = 0; i < p->ntargets; i++) {
		const struct report_target *t = &p->targets[i];
		json_array_append_new(
			targets,
			json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:f,s:s,s:o,s:I,s:I,s:b,s:f}", "id",
				  t->target.id, "metric", t->target.metric, "audience",
				  t->target.audience, "unit_kind",
				  t->target.unit_kind[0] ? json_string(t->target.unit_kind)
							 : json_null(),
				  "topic",
				  t->target.topic[0] ? json_string(t->target.topic) : json_null(),
				  "comparator", t->target.comparator, "threshold",
				  t->target.threshold, "counts", t->target.counts, "actual_percent",
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

json_t *report_weekly_json(const struct report_weekly *w)
{
	json_t *weeks = json_array();
	for (int k = 0; k < w->nweeks; k++) {
		const struct report_week *x = &w->weeks[k];
		json_array_append_new(
			weeks,
			json_pack("{s:i,s:s,s:s,s:I,s:I,s:I,s:I,s:o}", "week", x->week, "starts_on",
				  x->starts_on, "ends_on", x->ends_on, "attempts",
				  (json_int_t)x->attempts, "participants",
				  (json_int_t)x->participants, "new_participants",
				  (json_int_t)x->new_participants, "cumulative_participants",
				  (json_int_t)x->cumulative_participants, "cumulative_percent",
				  percent_json(x->has_percent, x->cumulative_percent)));
	}
	json_t *unit = w->unit_code[0]
			       ? json_pack("{s:s,s:s}", "code", w->unit_code, "name", w->unit_name)
			       : json_null();
	return json_pack("{s:i,s:o,s:o,s:I,s:I,s:o}", "year", w->year, "unit", unit, "audience",
			 w->audience[0] ? json_string(w->audience) : json_null(), "headcount",
			 (json_int_t)w->headcount, "participants", (json_int_t)w->participants,
			 "weeks", weeks);
}

static json_t *missing_quizzes_json(const struct report_missing_person *p)
{
	json_t *missing = json_array();
	for (size_t k = 0; k < p->nmissing; k++) {
		char closes[32];
		clock_format(p->missing[k].closes_at, closes);
		json_array_append_new(missing, json_pack("{s:I,s:s,s:s,s:s}", "quiz_id",
							 (json_int_t)p->missing[k].id, "code",
							 p->missing[k].code, "title",
							 p->missing[k].title, "closes_at", closes));
	}
	return missing;
}

static json_t *missing_json(const struct report_missing *m)
{
	json_t *people = json_array();
	for (size_t i = 0; i < m->n; i++) {
		const struct report_missing_person *p = &m->people[i];
		json_array_append_new(people,
				      json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o}", "user_id",
						(json_int_t)p->user_id, "username", p->username,
						"full_name", p->full_name, "unit_code",
						p->unit_code, "unit_name", p->unit_name, "audience",
						p->audience, "missing", missing_quizzes_json(p)));
	}
	return json_pack("{s:i,s:s,s:i,s:s,s:i,s:o}", "year", m->year, "unit_deadline",
			 m->unit_deadline, "unit_days_left", m->unit_days_left,
			 "department_deadline", m->department_deadline, "department_days_left",
			 m->department_days_left, "people", people);
}

enum outcome report_yearly_page(struct db *db, const char *plan_code, const struct report_query *q,
				char **html, struct problem *p)
{
	struct report_plan *plan = xmalloc(sizeof *plan);
	struct report_table units = { 0 };
	struct report_query uq = *q;
	*html = NULL;
	enum outcome o = report_plan(db, plan_code, q, plan, p);
	if (o == OUTCOME_OK) {
		uq.depth = 1;
		o = report_participation(db, &uq, &units, p);
	}
	if (o == OUTCOME_OK) {
		/* A unit reports to the department; the department, for the whole
		 * province, to the authority (names from the settings). */
		char department[SETTINGS_VALUE_MAX + 1], authority[SETTINGS_VALUE_MAX + 1];
		settings_get(db, SETTINGS_DEPARTMENT, department, sizeof department);
		settings_get(db, SETTINGS_AUTHORITY, authority, sizeof authority);
		*html = plan->unit_is_root
				? export_yearly_html(plan, &units, department, authority)
				: export_yearly_html(plan, &units, plan->unit_name, department);
	}
	report_table_cleanup(&units);
	free(plan);
	return o;
}

enum outcome report_participation_output(struct db *db, const struct report_query *q,
					 const char *format, const char *lang,
					 struct report_output *out, struct problem *p)
{
	struct report_table t;
	memset(out, 0, sizeof *out);
	enum outcome o = export_check_format(format, lang, p);
	if (o == OUTCOME_OK)
		o = report_participation(db, q, &t, p);
	if (o != OUTCOME_OK)
		return o;
	out->year = t.year;
	if (strcmp(format, "json") == 0)
		out->json = participation_json(&t);
	else
		o = export_participation_file(&t, format, lang, &out->file, &out->len, p);
	report_table_cleanup(&t);
	return o;
}

enum outcome report_missing_output(struct db *db, const struct report_query *q, int64_t quiz_id,
				   const char *format, const char *lang, struct report_output *out,
				   struct problem *p)
{
	struct report_missing m;
	memset(out, 0, sizeof *out);
	enum outcome o = export_check_format(format, lang, p);
	if (o == OUTCOME_OK)
		o = report_missing_people(db, q, quiz_id, &m, p);
	if (o != OUTCOME_OK)
		return o;
	out->year = m.year;
	if (strcmp(format, "json") == 0)
		out->json = missing_json(&m);
	else
		o = export_missing_file(&m, format, lang, &out->file, &out->len, p);
	report_missing_cleanup(&m);
	return o;
}
