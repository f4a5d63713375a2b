/* db_fixture.h - direct inserts of banks, questions, quizzes, people and
 * finished attempts, for tests, benchmarks and demo data that need many
 * rows quickly. They write the same tables the quiz module writes and take
 * the same path through the schema: an attempt is inserted in progress with
 * its drawn questions, then finalised, so the report triggers see exactly
 * what they see in service. Call them inside db_begin_write()/db_commit()
 * for speed. See db.h for the return conventions. */
#ifndef QUIZ_DB_FIXTURE_H
#define QUIZ_DB_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* A bank; returns its id, or -1. */
int64_t db_fixture_bank(struct db *db, const char *code, const char *audience);
/* A question of bank_id tagged with topics (comma-separated, may be "").
 * Returns its id, or -1. */
int64_t db_fixture_question(struct db *db, int64_t bank_id, const char *code, const char *topics);
/* A quiz for audiences (comma-separated), open [opens_at, closes_at),
 * scope_unit_id 0 for every unit. Returns its id, or -1. */
int64_t db_fixture_quiz(struct db *db, const char *code, const char *title, bool mandatory,
			const char *audiences, int64_t scope_unit_id, int64_t opens_at,
			int64_t closes_at);
/* Makes quiz_id a contest, frozen at freeze_at (0: never). Returns 0 or -1. */
int db_fixture_contest(struct db *db, int64_t quiz_id, int64_t freeze_at);
/* A person (password unusable); unit_id 0 for none. Returns the id, or -1. */
int64_t db_fixture_person(struct db *db, const char *username, const char *full_name,
			  const char *role, int64_t unit_id, const char *audience);

struct db_fixture_attempt {
	int64_t quiz_id, user_id, unit_id; /* user_id/unit_id 0: NULL */
	const char *audience;
	const char *state; /* "submitted", "expired" or "in_progress" */
	int64_t started_at, finished_at;
	double score, max_score;
	bool passed;
	const int64_t *question_ids; /* the drawn questions */
	size_t nquestions;
	const char *round_code; /* NULL: "main" */
	bool has_prediction;
	int64_t prediction;
};
/* Inserts an attempt with its questions and, unless in progress, finalises
 * it. Returns the attempt id, or -1. */
int64_t db_fixture_attempt(struct db *db, const struct db_fixture_attempt *a);

/* An activity of kind (training, seminar, event, live_game) held by
 * unit_id in [starts_at, ends_at), for every audience, about topics (a
 * JSON array text). Returns its id, or -1. */
int64_t db_fixture_activity(struct db *db, const char *code, const char *kind, int64_t unit_id,
			    const char *topics, int64_t starts_at, int64_t ends_at);
/* user_id attended activity_id (as an uploaded list does), with the unit
 * and audience given and the activity's year: 1 added, 0 already there,
 * -1. */
int db_fixture_attendance(struct db *db, int64_t activity_id, int64_t user_id, int year,
			  int64_t unit_id, const char *audience, int64_t at);
/* Bulk, for benchmarks: per_unit trainings (about passwords, starting at
 * starts_at, two hours) for every unit, then at most limit attendances of
 * the participants of each unit at its trainings (year given), each through
 * the attendance triggers; the count in *added. Call inside
 * db_begin_write()/db_commit(). 0 or -1. */
int db_fixture_unit_trainings(struct db *db, int per_unit, int64_t starts_at, int64_t limit,
			      int year, int64_t *added);

#endif
