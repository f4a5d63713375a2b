/* db_report.h - the participation summary the reports read (storage of
 * plans, certificates and personal data: db_plan.h, db_cert.h,
 * db_person.h). See db.h for the return conventions.
 *
 * The reports never scan `attempts`: triggers of migration 3 keep per-person
 * rows (per unit, quiz and topic) and from them per-unit counters in step
 * with every insert, update and delete of an attempt, inside the writer's
 * transaction; a report reads the counters (a few thousand rows) and only
 * the rows of people attached to several units in the year. The year is the
 * Asia/Ho_Chi_Minh year of `finished_at`. */
#ifndef QUIZ_DB_REPORT_H
#define QUIZ_DB_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "db_account.h"

/* Every unit, parents before children (ordered by depth, then code compared
 * by bytes on both engines); parent_code is left empty. */
typedef void db_unit_fn(void *ctx, const struct db_unit *u);
int db_report_units(struct db *db, db_unit_fn *fn, void *ctx);
/* A number that changes whenever a unit, a declared headcount or the roster
 * changes (what headcounts are made of); 0 or -1. */
int db_report_headcount_version(struct db *db, int64_t *version);
typedef void db_count_fn(void *ctx, int64_t unit_id, const char *audience, int64_t count);
typedef void db_figures_fn(void *ctx, int64_t unit_id, const char *audience, int64_t participants,
			   int64_t passed, int64_t attempts);
/* A person's row: completed and passed attempts of one person in a year
 * while attached to one unit (and of one quiz). user_key is the person's
 * id, or minus the attempt id for an attempt without a person. unit_id 0:
 * no unit; quiz_id 0: all quizzes. */
struct db_reach {
	const char *audience; /* borrowed for the callback */
	int64_t user_key;
	int64_t unit_id;
	int64_t quiz_id;
	int64_t attempts;
	int64_t passed_attempts;
};
typedef void db_reach_fn(void *ctx, const struct db_reach *row);
/* Every person of audience whose attempts covered topic in the year, per
 * unit and quiz, ordered by person. */
int db_report_topic_people(struct db *db, int year, const char *audience, const char *topic,
			   db_reach_fn *fn, void *ctx);

/* Participation per week (migration 15): for the units of the subtree at
 * path (a unit path, "/" for every unit) and one audience (NULL: every
 * audience), per week of the year with figures (1..54, Monday-first weeks,
 * week 1 holding 1 January; in week order): the sums over those units of
 * the people attached to each with a completed attempt in the week
 * (participants), of those whose first completed attempt of the year in
 * that unit fell in the week (newcomers), and of the completed attempts. */
typedef void db_week_fn(void *ctx, int week, int64_t participants, int64_t newcomers,
			int64_t attempts);
int db_report_unit_weeks(struct db *db, int year, const char *path, const char *audience,
			 db_week_fn *fn, void *ctx);
/* The same subtree's weeks of the people attached to more than one unit in
 * the year (report_multi): one call per person, unit and week, ordered by
 * audience, person, unit and week; audience is borrowed for the call. */
typedef void db_person_week_fn(void *ctx, const char *audience, int64_t user_key, int64_t unit_id,
			       int week);
int db_report_multi_weeks(struct db *db, int year, const char *path, const char *audience,
			  db_person_week_fn *fn, void *ctx);
typedef void db_reach_unit_fn(void *ctx, int64_t unit_id, const char *audience, int64_t reached,
			      int64_t attended);

/* What a report starts from, read in one call (one round trip on
 * PostgreSQL) and handed to these callbacks in this order, all with ctx
 * but the last two:
 *  - unit: every unit, as db_report_units; then units_done;
 *  - headcount: the year's declared headcounts;
 *  - roster: live participant accounts per unit and audience (kept by
 *    triggers on users);
 *  - figures: the year's figures of the people attached directly to each
 *    unit (not its subtree): distinct participants, those who passed,
 *    completed attempts;
 *  - reach (migration 19, db_reach.c): the year's people of each unit
 *    (directly attached) and audience reached by a completed quiz or an
 *    attendance (each once), and those of them who attended an activity;
 *    then counts_done;
 *  - multi, with multi_ctx: the rows of the people attached to more than
 *    one unit in the year (they moved), one per person and unit, ordered
 *    by audience and person;
 *  - reach_multi, with reach_multi_ctx: the rows of the people reached in
 *    several units of the year and an audience, one person after another:
 *    attempts holds how many summaries reached them there (1 or 2),
 *    passed_attempts 1 when they attended there. */
struct db_plan_slot;
typedef void db_plan_count_fn(void *ctx, int slot, int64_t unit_id, int64_t quiz_id, bool activity,
			      int64_t participants);
/* A plan's units targets whose counts db_report_year reads with the year
 * (at most DB_PLAN_AHEAD slots). */
#define DB_PLAN_AHEAD 8
struct db_year_reads {
	void *ctx;
	db_unit_fn *unit;
	void (*units_done)(void *ctx);
	db_count_fn *headcount, *roster;
	db_figures_fn *figures;
	db_reach_unit_fn *reach;
	void (*counts_done)(void *ctx);
	db_reach_fn *multi, *reach_multi;
	void *multi_ctx, *reach_multi_ctx;
	/* Optional (plan_nslots 0: none): the counts of a plan's units
	 * targets, as db_report_plan's count gives them, sent with the year's
	 * reads (the server runs them while the year's rows are read) and
	 * handed to plan_count with plan_ctx after reach_multi's rows. */
	const struct db_plan_slot *plan_slots;
	int plan_nslots;
	db_plan_count_fn *plan_count;
	void *plan_ctx;
};
/* 0, or -1 (a callback may have been called before the failure). */
int db_report_year(struct db *db, int year, const struct db_year_reads *r);
/* The people of audience whose completed attempts covered topic or who
 * attended an activity about it, ordered by person (a person may come in
 * several rows, one after another). */
int db_report_reach_topic_people(struct db *db, int year, const char *audience, const char *topic,
				 db_reach_fn *fn, void *ctx);
/* A plan's units targets, read together: each slot an audience, a topic
 * (NULL: any) and whether activities count. */
struct db_plan_slot {
	const char *audience;
	const char *topic;
	bool activities;
};
/* Per slot, unit (directly attached) and quiz, the distinct participants of
 * the slot's audience in a year (with a topic, those whose drawn questions
 * covered it); when activities count, also per unit and activity of the
 * year (about the topic) its attendees of the audience, with activity true
 * and the activity's id as quiz_id. In no particular order. */
/* Per slot, the rows of the people of its audience attached to more than
 * one unit in the year, per unit and quiz (covering the topic, when the
 * slot names one; passed_attempts 0 then), ordered by person and quiz. */
typedef void db_plan_reach_fn(void *ctx, int slot, const struct db_reach *row);
/* Reads any number of slots (two statements per eight slots, fetched
 * together: one round trip on PostgreSQL), giving every row its slot's
 * index: eight slots' counts, then their movers' rows, then the next
 * eight's. count NULL: the counts are not read (db_report_year read them
 * with the year); multi NULL: the movers' rows are not read (the caller
 * knows there are none). 0 or -1. */
int db_report_plan(struct db *db, int year, const struct db_plan_slot *slots, int nslots,
		   db_plan_count_fn *count, db_plan_reach_fn *multi, void *ctx);

/* Reference aggregates for the report benchmark, each one SQL statement
 * over the completed-or-not attempts finished in [from_ms, to_ms):
 * which 0: count(*) over the finished_at index range; 1: count(*) grouped
 * by unit and audience; 2: the sum of the year's per-unit participants.
 * *result is the total. Returns 0 or -1. */
int db_report_reference_aggregate(struct db *db, int which, int64_t from_ms, int64_t to_ms,
				  int year, int64_t *result);

/* Chasing: mandatory quizzes whose window meets [from_ms, to_ms), one call
 * per (quiz, audience). scope_path is the path of the quiz's unit scope or
 * "" for every unit. */
struct db_mandatory_quiz {
	int64_t id;
	const char *code, *title, *audience, *scope_path;
	int64_t opens_at, closes_at;
};
typedef void db_mandatory_fn(void *ctx, const struct db_mandatory_quiz *q);
int db_report_mandatory_quizzes(struct db *db, int64_t from_ms, int64_t to_ms, db_mandatory_fn *fn,
				void *ctx);
/* Live participant accounts inside the subtree at path, ordered by unit
 * path then full name. */
struct db_roster_person {
	int64_t id, unit_id;
	const char *username, *full_name, *audience, *unit_code, *unit_name, *unit_path;
};
typedef void db_roster_person_fn(void *ctx, const struct db_roster_person *p);
int db_report_roster_people(struct db *db, const char *path, db_roster_person_fn *fn, void *ctx);
/* (user_id, quiz_id) pairs of completed attempts by people in the subtree at
 * path, of mandatory quizzes. */
typedef void db_pair_fn(void *ctx, int64_t user_id, int64_t quiz_id);
int db_report_completed_mandatory(struct db *db, const char *path, db_pair_fn *fn, void *ctx);

#endif
