/* db_attempt.h - storage of attempts, the questions drawn for them and the
 * answers saved. See db.h for the return conventions: 0 ok / -1 error,
 * lookups 1 found / 0 not found / -1 error. Pointers in the structs below
 * are heap copies freed by the matching _free function. */
#ifndef QUIZ_DB_ATTEMPT_H
#define QUIZ_DB_ATTEMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "db_account.h"

struct db_attempt {
	int64_t id;
	int64_t quiz_id;
	int64_t user_id;
	int64_t unit_id;
	char audience[32];
	char round_code[DB_CODE_MAX];
	uint64_t seed;
	char state[16]; /* in_progress, submitted, expired */
	int64_t started_at;
	int64_t deadline;
	int64_t finished_at; /* 0 while in progress */
	double score;
	double max_score;
	int correct_count;
	int question_count;
	bool passed;
	int64_t duration_ms;
	bool has_prediction;
	int64_t prediction;
	bool practice; /* an attempt of a practice quiz: never ranked or reported */
	char client_addr[64]; /* recorded at start (integrity checks); "" when unknown */
};

struct db_attempt_question {
	int64_t question_id;
	char *option_order; /* JSON array text of option ids, as shown */
};
void db_attempt_questions_free(struct db_attempt_question *qs, size_t n);

struct db_answer {
	int64_t question_id;
	char *choices; /* JSON array text, or NULL */
	char *text; /* or NULL */
	int64_t saved_at;
};
void db_answers_free(struct db_answer *as, size_t n);

int db_attempt_get(struct db *db, int64_t id, struct db_attempt *out);
/* The user's attempt in progress for a quiz (the newest). 1, 0, -1. */
int db_attempt_in_progress(struct db *db, int64_t quiz_id, int64_t user_id, struct db_attempt *out);
/* The user's attempt in progress for a quiz (the newest) into *out, and
 * in *count the attempts the user has for it, of any state, read by one
 * statement: 1 (one in progress), 0 (none), -1. */
int db_attempt_open_count(struct db *db, int64_t quiz_id, int64_t user_id, struct db_attempt *out,
			  int *count);
/* A run of starts, looked up and inserted together: on PostgreSQL one
 * statement (one round trip of the committer) for the run instead of
 * two per start; on SQLite the single-start statements in turn. */
#define DB_START_RUN_MAX 64
/* A start's person and quiz; out: open (cur holds the newest attempt in
 * progress) and count (every attempt of the person in the quiz). */
struct db_start_lookup {
	int64_t quiz_id, user_id;
	bool open;
	struct db_attempt cur;
	int count;
};
/* db_attempt_open_count for each of v[0..n-1], n <= DB_START_RUN_MAX.
 * 0 or -1. */
int db_attempts_open_many(struct db *db, struct db_start_lookup *v, size_t n);
/* A start to insert: a with its n drawn questions. */
struct db_start_insert {
	struct db_attempt *a;
	const struct db_attempt_question *qs;
	size_t n;
};
/* db_attempt_insert for each of v[0..n-1], n <= DB_START_RUN_MAX: all of
 * them or, on PostgreSQL, none (the caller's savepoint undoes what SQLite
 * did before a failure). 0, DB_CONFLICT or -1. */
int db_attempts_insert_many(struct db *db, struct db_start_insert *v, size_t n);
/* The user's best finished attempt for a quiz (highest score): 1, 0, -1. */
int db_attempt_best(struct db *db, int64_t quiz_id, int64_t user_id, struct db_attempt *out);
/* Inserts a in progress with its drawn questions (positions 0..n-1); sets a->id. */
int db_attempt_insert(struct db *db, struct db_attempt *a, const struct db_attempt_question *qs,
		      size_t n);
/* The drawn questions in the order shown (new array, caller frees with
 * db_attempt_questions_free). */
int db_attempt_questions(struct db *db, int64_t attempt_id, struct db_attempt_question **out,
			 size_t *n);
/* Saves answers (each replacing an earlier one for its attempt and
 * question), with one statement per ANSWER_ROWS_MAX (32) rows. The one rule
 * of an answer save: a row is kept only while its attempt is in progress
 * and saved_at <= deadline + grace_ms; other rows are refused. rows must
 * not repeat an (attempt, question) pair. *saved receives how many were
 * saved (rows refused are the others). Returns 0 or -1. */
struct db_answer_write {
	int64_t attempt_id;
	int64_t question_id;
	const char *choices; /* or NULL */
	const char *text; /* or NULL */
	int64_t saved_at;
};
/* 1 when attempt_id holds an answer to question_id, 0 when not, -1. */
int db_answer_exists(struct db *db, int64_t attempt_id, int64_t question_id);
int db_answers_save(struct db *db, const struct db_answer_write *rows, size_t n, int64_t grace_ms,
		    size_t *saved);
/* Every saved answer (new array, caller frees with db_answers_free). */
int db_answers(struct db *db, int64_t attempt_id, struct db_answer **out, size_t *n);
int db_answer_set_score(struct db *db, int64_t attempt_id, int64_t question_id, double score);
/* Writes the final state and result of a (state, finished_at, score,
 * max_score, correct_count, passed, duration_ms, prediction) if it is still
 * in progress. Returns 1 when written, 0 when it was already finished, -1. */
int db_attempt_finish(struct db *db, const struct db_attempt *a);
/* Ids of attempts in progress whose deadline is before `before_ms`, oldest
 * deadline first, at most limit (new array, caller frees). */
int db_attempts_due(struct db *db, int64_t before_ms, size_t limit, int64_t **ids, size_t *n);

/* One finished attempt that drew some version of a question, with its
 * result and its answer to that question (choices and text NULL, answer
 * score 0 when it gave none). */
struct db_rescore_draw {
	int64_t attempt_id;
	int64_t quiz_id;
	int64_t question_id; /* the version drawn */
	double score;
	double max_score;
	int correct_count;
	bool passed;
	char *choices;
	char *text;
	double answer_score;
};
void db_rescore_draws_free(struct db_rescore_draw *d, size_t n);
/* Every submitted or expired attempt that drew any version of question code
 * in a bank, by attempt id (new array in *out). 0 or -1. */
int db_rescore_draws(struct db *db, int64_t bank_id, const char *code, struct db_rescore_draw **out,
		     size_t *n);
/* Writes a finished attempt's new result (reports and leaderboards follow
 * through their triggers). */
int db_attempt_rescore(struct db *db, int64_t id, double score, int correct_count, bool passed);

#endif
