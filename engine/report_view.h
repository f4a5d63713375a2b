/* report_view.h - the reports as api.md shows them: the JSON of a
 * participation table, a plan report and the people to chase, and the
 * printable yearly page. Domain code shared by the handlers and quizadm, so
 * both answer the same bytes. */
#ifndef QUIZ_REPORT_VIEW_H
#define QUIZ_REPORT_VIEW_H

#include <jansson.h>
#include <stddef.h>

#include "outcome.h"
#include "report.h"

struct db;

/* {"plan":{"code","title"},"year","deadline","unit","targets":[...]}: a
 * new reference. */
json_t *report_plan_json(const struct report_plan *p);
/* {"year","unit":{"code","name"}|null,"audience","headcount",
 * "participants","weeks":[{"week","starts_on","ends_on","attempts",
 * "participants","new_participants","cumulative_participants",
 * "cumulative_percent"}]}: a new reference. */
json_t *report_weekly_json(const struct report_weekly *w);
/* A table report as its request asked: JSON, or a spreadsheet file. */
struct report_output {
	json_t *json; /* format "json": a new reference */
	char *file; /* "csv" or "xlsx": a new buffer (caller frees) */
	size_t len;
	int year; /* the year reported (for the file's name) */
};

/* The participation table of q in format ("json", "csv" or "xlsx") with
 * lang's headers ("vi" or "en"): JSON {"year","rows":[{"unit_code",
 * "unit_name","audience","headcount","headcount_source","registered",
 * "participants","participation_percent","passed","passed_percent",
 * "attempts","attended","reached","reached_percent"}]} or the file of export.h. Returns OUTCOME_OK with out filled,
 * OUTCOME_INVALID for a format or lang, or as report_participation. */
enum outcome report_participation_output(struct db *db, const struct report_query *q,
					 const char *format, const char *lang,
					 struct report_output *out, struct problem *p);
/* The people to chase (report_missing_people) the same way: JSON {"year",
 * "unit_deadline","unit_days_left","department_deadline",
 * "department_days_left","people":[{...,"missing":[...]}]} or the file. */
enum outcome report_missing_output(struct db *db, const struct report_query *q, int64_t quiz_id,
				   const char *format, const char *lang, struct report_output *out,
				   struct problem *p);

/* The printable yearly page of plan_code over q's unit (export.h): the plan
 * report and the participation of the unit and its children. Returns
 * OUTCOME_OK with a new string in *html (caller frees), or as report_plan. */
enum outcome report_yearly_page(struct db *db, const char *plan_code, const struct report_query *q,
				char **html, struct problem *p);

#endif
