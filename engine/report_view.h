/* report_view.h - the reports as api.md shows them: the JSON of a
 * participation table, a plan report and the people to chase, and the
 * printable yearly page. Domain code shared by the handlers and quizadm, so
 * both answer the same bytes. */
#ifndef QUIZ_REPORT_VIEW_H
#define QUIZ_REPORT_VIEW_H

#include <jansson.h>

#include "outcome.h"
#include "report.h"

struct db;

/* {"year","rows":[{"unit_code","unit_name","audience","headcount",
 * "headcount_source","registered","participants","participation_percent",
 * "passed","passed_percent","attempts"}]}: a new reference. */
json_t *report_participation_json(const struct report_table *t);
/* {"plan":{"code","title"},"year","deadline","unit","targets":[...]}: a
 * new reference. */
json_t *report_plan_json(const struct report_plan *p);
/* {"year","unit_deadline","unit_days_left","department_deadline",
 * "department_days_left","people":[...]}: a new reference. */
json_t *report_missing_json(const struct report_missing *m);

/* The printable yearly page of plan_code over q's unit (export.h): the plan
 * report and the participation of the unit and its children. Returns
 * OUTCOME_OK with a new string in *html (caller frees), or as report_plan. */
enum outcome report_yearly_page(struct db *db, const char *plan_code, const struct report_query *q,
				char **html, struct problem *p);

#endif
