/* db_report.h - storage of plans and certificates, the participation
 * summary the reports read, and erasure of a person's data. See db.h for
 * the return conventions.
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

/* Plans: the JSON definition of api.md is stored as text (storage does not
 * parse it). */
/* Inserts the plan unless its code exists. Returns 0 or -1. */
int db_plan_install(struct db *db, const char *code, const char *title, const char *definition,
		    bool builtin, int64_t now_ms);
/* Creates or replaces the plan `code`. Returns 0 or -1. */
int db_plan_put(struct db *db, const char *code, const char *title, const char *definition,
		int64_t now_ms);
/* Looks a plan up; *definition is a new string (caller frees). */
int db_plan_get(struct db *db, const char *code, char **definition, bool *builtin);
/* Calls fn for every plan in code order. Returns 0 or -1. */
int db_plan_each(struct db *db,
		 void (*fn)(void *ctx, const char *code, const char *definition, bool builtin),
		 void *ctx);

/* Every unit, parents before children (ordered by depth, then code);
 * parent_code is left empty. */
int db_report_units(struct db *db, void (*fn)(void *ctx, const struct db_unit *u), void *ctx);
/* The declared headcounts of a year. */
int db_report_headcounts(struct db *db, int year,
			 void (*fn)(void *ctx, int64_t unit_id, const char *audience,
				    int64_t count),
			 void *ctx);
/* Live participant accounts per unit and audience (the roster, kept by
 * triggers on users). */
int db_report_roster(struct db *db,
		     void (*fn)(void *ctx, int64_t unit_id, const char *audience, int64_t count),
		     void *ctx);

/* A year's figures of the people attached directly to each unit (not its
 * subtree): distinct participants, those who passed, completed attempts. */
int db_report_unit_figures(struct db *db, int year,
			   void (*fn)(void *ctx, int64_t unit_id, const char *audience,
				      int64_t participants, int64_t passed, int64_t attempts),
			   void *ctx);
/* Per unit (directly attached) and quiz, the distinct participants of an
 * audience in a year; with topic, only those whose drawn questions covered
 * it. */
int db_report_unit_quiz(struct db *db, int year, const char *audience, const char *topic,
			void (*fn)(void *ctx, int64_t unit_id, int64_t quiz_id,
				   int64_t participants),
			void *ctx);

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
/* The rows of the people who were attached to more than one unit in the
 * year (they moved): with audience NULL, one row per person and unit
 * (ordered by audience, person); else that audience's rows per quiz (and
 * covering topic, when not NULL), ordered by person and quiz. */
int db_report_multi(struct db *db, int year, const char *audience, const char *topic,
		    void (*fn)(void *ctx, const struct db_reach *row), void *ctx);
/* Every person of audience whose attempts covered topic in the year, per
 * unit and quiz, ordered by person. */
int db_report_topic_people(struct db *db, int year, const char *audience, const char *topic,
			   void (*fn)(void *ctx, const struct db_reach *row), void *ctx);

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
int db_report_mandatory_quizzes(struct db *db, int64_t from_ms, int64_t to_ms,
				void (*fn)(void *ctx, const struct db_mandatory_quiz *q),
				void *ctx);
/* Live participant accounts inside the subtree at path, ordered by unit
 * path then full name. */
struct db_roster_person {
	int64_t id, unit_id;
	const char *username, *full_name, *audience, *unit_code, *unit_name, *unit_path;
};
int db_report_roster_people(struct db *db, const char *path,
			    void (*fn)(void *ctx, const struct db_roster_person *p), void *ctx);
/* (user_id, quiz_id) pairs of completed attempts by people in the subtree at
 * path, of mandatory quizzes. */
int db_report_completed_mandatory(struct db *db, const char *path,
				  void (*fn)(void *ctx, int64_t user_id, int64_t quiz_id),
				  void *ctx);

/* Certificates. */
struct db_cert_attempt {
	int64_t attempt_id, user_id;
	char state[16];
	bool passed, mandatory;
	int64_t finished_at;
	double score, max_score;
	char full_name[DB_NAME_MAX];
	char quiz_code[DB_CODE_MAX];
	char quiz_title[512];
};
/* The facts a certificate states about an attempt (any owner). */
int db_cert_attempt(struct db *db, int64_t attempt_id, struct db_cert_attempt *out);
/* Records an issued certificate; issuing again the same code is a no-op.
 * Returns 0 or -1. */
int db_cert_store(struct db *db, const char *code, int64_t attempt_id, int64_t user_id,
		  const char *canonical, int64_t now_ms);
/* Finds a certificate by code; *canonical is a new string (caller frees). */
int db_cert_by_code(struct db *db, const char *code, int64_t *attempt_id, char **canonical,
		    int64_t *issued_at);

/* Personal data. */
/* The stored person, erased or not (1 found, 0 not). created_at and
 * erased_at (0 when not erased) are set. */
int db_person_get(struct db *db, int64_t user_id, struct db_user *out, int64_t *created_at,
		  int64_t *erased_at);
/* The person's attempts, oldest first. */
struct db_person_attempt {
	int64_t id, quiz_id, started_at, finished_at; /* finished_at 0 when not */
	const char *quiz_code, *quiz_title, *state, *unit_code, *audience;
	double score, max_score;
	bool has_score, passed;
};
int db_person_attempts(struct db *db, int64_t user_id,
		       void (*fn)(void *ctx, const struct db_person_attempt *a), void *ctx);
/* Every answer the person saved. */
int db_person_answers(struct db *db, int64_t user_id,
		      void (*fn)(void *ctx, int64_t attempt_id, int64_t question_id,
				 const char *choices, const char *text, int64_t saved_at),
		      void *ctx);
/* Sessions (count only) and certificates held for the person. */
int db_person_session_count(struct db *db, int64_t user_id, int64_t *count);
int db_person_certificates(struct db *db, int64_t user_id,
			   void (*fn)(void *ctx, const char *code, int64_t attempt_id,
				      int64_t issued_at),
			   void *ctx);
/* Erases a person in one transaction: name, username, phone, birth year
 * and password hash wiped, erased_at set, sessions, certificates and the
 * account's login-throttling row deleted, free-text answers wiped. The attempts keep pointing at the
 * erased row, so they stay in the statistics. Returns 0, or -1; 0 also
 * when already erased. */
int db_person_erase(struct db *db, int64_t user_id, int64_t now_ms);

#endif
