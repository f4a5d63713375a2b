/* report.h - participation figures per unit subtree, audience and year, the
 * plan report (persons and units metrics, topic targets), and the list of
 * people still to chase. Domain code: reads storage, builds no JSON, and is
 * tested without HTTP.
 *
 * Definitions are those of api.md ("Reports"): a row covers the unit's whole
 * subtree; a person counts once per year and audience however many attempts;
 * the headcount is the unit's declaration, or else its own participant
 * accounts plus its children's headcounts; the year runs in Asia/Ho_Chi_Minh
 * time. */
#ifndef QUIZ_REPORT_H
#define QUIZ_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outcome.h"
#include "plan.h"

struct db;

#define REPORT_MAX_DEPTH 32

struct report_query {
	int year; /* 0: this year (Asia/Ho_Chi_Minh) */
	const char *unit_code; /* NULL or "": the scope's unit, or (admin) every root */
	const char *scope_path; /* NULL: anywhere (admin); else a unit_admin's subtree */
	const char *audience; /* NULL or "": every audience with figures */
	int depth; /* 0: the unit alone; 1: and its children; ... */
};

struct report_row {
	char unit_code[65];
	char unit_name[256];
	char unit_kind[32];
	int level; /* 0 for the report's unit, 1 for its children, ... */
	char audience[32];
	int64_t headcount;
	const char *headcount_source; /* "declared", "roster" or "mixed" (static) */
	int64_t registered, participants, passed, attempts;
	int64_t attended; /* people with an attendance at an activity */
	int64_t reached; /* people with a completed attempt or an attendance, once */
	bool has_percent; /* false when the headcount is 0 */
	double participation_percent, passed_percent, reached_percent; /* one decimal */
};

struct report_table {
	int year;
	struct report_row *rows;
	size_t n;
};
void report_table_cleanup(struct report_table *t);

/* The participation rows of api.md, parents before children (children by
 * code), audiences in plan-targets.md order. Returns OUTCOME_OK (out
 * filled; clean it up), or OUTCOME_INVALID (a field of q),
 * OUTCOME_NOT_FOUND (unknown unit), OUTCOME_FORBIDDEN (outside the scope),
 * OUTCOME_INTERNAL (logged), with a message in p. */
enum outcome report_participation(struct db *db, const struct report_query *q,
				  struct report_table *out, struct problem *p);

struct report_target {
	struct plan_target target;
	int64_t numerator, denominator;
	bool has_actual; /* false when the denominator is 0 */
	double actual_percent, gap_percent; /* one decimal */
	bool met;
};

struct report_plan {
	struct plan plan;
	int year;
	char deadline[11]; /* "YYYY-MM-DD" */
	char unit_code[65]; /* "" when the report covers every root */
	char unit_name[256];
	bool unit_is_root; /* also true when the report covers every root */
	int ntargets;
	struct report_target targets[PLAN_MAX_TARGETS];
};

/* The plan report for q->year over the unit of q (depth and audience are
 * ignored). Installs the built-in plans first when needed. Returns as
 * report_participation (OUTCOME_NOT_FOUND also for an unknown plan). */
enum outcome report_plan(struct db *db, const char *plan_code, const struct report_query *q,
			 struct report_plan *out, struct problem *p);

/* Chasing. */
struct report_missing_quiz {
	int64_t id;
	char code[65];
	char title[256];
	int64_t closes_at;
};
struct report_missing_person {
	int64_t user_id;
	char username[65];
	char full_name[256];
	char unit_code[65];
	char unit_name[256];
	char audience[32];
	size_t nmissing;
	struct report_missing_quiz *missing; /* owned */
};
struct report_missing {
	int year;
	char unit_deadline[11], department_deadline[11]; /* 30 Nov and 15 Dec of year */
	int unit_days_left, department_days_left; /* negative once past */
	size_t n;
	struct report_missing_person *people;
};
void report_missing_cleanup(struct report_missing *m);
/* The rostered participants of the unit's subtree who have not completed a
 * mandatory quiz meant for them (their audience, inside the quiz's unit
 * scope, window meeting the year), or only quiz_id when not 0. Days are
 * counted in Asia/Ho_Chi_Minh dates from now. Returns as report_participation
 * (OUTCOME_NOT_FOUND also when quiz_id is not a mandatory quiz of the year);
 * out is filled on OUTCOME_OK only. */
enum outcome report_missing_people(struct db *db, const struct report_query *q, int64_t quiz_id,
				   struct report_missing *out, struct problem *p);

/* Participation per week of the year. Weeks are Monday-first inside the
 * Asia/Ho_Chi_Minh year, week 1 holding 1 January (so a year has 53 or 54,
 * the first and last possibly short). */
#define REPORT_MAX_WEEKS 54
struct report_week {
	int week; /* 1.. */
	char starts_on[11], ends_on[11]; /* "YYYY-MM-DD", inside the year */
	int64_t attempts; /* completed in the week */
	int64_t participants; /* people with a completed attempt in the week */
	int64_t new_participants; /* people whose first one of the year it was */
	int64_t cumulative_participants; /* new_participants up to this week */
	bool has_percent; /* false when the headcount is 0 */
	double cumulative_percent; /* of the headcount, one decimal */
};
struct report_weekly {
	int year;
	char unit_code[65], unit_name[256]; /* "" for every root */
	char audience[32]; /* "" for every audience */
	int64_t headcount, participants; /* the year's, as report_participation */
	int nweeks;
	struct report_week weeks[REPORT_MAX_WEEKS];
};
/* Every week of q->year over the subtree of q's unit (depth ignored), for
 * q->audience or every audience (a person counts once per audience, as in
 * the participation rows). The last week's cumulative_participants is the
 * year's participants. Returns as report_participation. */
enum outcome report_participation_weekly(struct db *db, const struct report_query *q,
					 struct report_weekly *out, struct problem *p);

/* Percent with one decimal: part / whole x 100 rounded half away from 0. */
double report_percent(int64_t part, int64_t whole);

#endif
