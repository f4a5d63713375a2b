/* db_quiz.h - storage of quiz definitions: the quiz, its audiences, its
 * draws from banks and its rounds. See db.h for the return conventions:
 * 0 ok / -1 error, lookups 1 found / 0 not found / -1 error, DB_CONFLICT
 * for uniqueness violations. Pointers in struct db_quiz are heap copies
 * owned by the struct and freed by db_quiz_cleanup. */
#ifndef QUIZ_DB_QUIZ_H
#define QUIZ_DB_QUIZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "db_account.h"

struct db_quiz_draw {
	int64_t bank_id;
	char bank_code[DB_CODE_MAX];
	char topic[40]; /* "" when any */
	int difficulty; /* 0 when any */
	int count;
};

struct db_quiz_round {
	char code[DB_CODE_MAX];
	int64_t opens_at;
	int64_t closes_at;
};

struct db_quiz {
	int64_t id;
	char code[DB_CODE_MAX];
	char *title;
	char kind[16];
	bool mandatory;
	int64_t unit_scope_id; /* 0: every unit */
	char unit_scope_code[DB_CODE_MAX];
	char unit_scope_path[512];
	bool practice; /* mode "practice": unlimited, never ranked or reported */
	int64_t time_limit_s; /* 0: none (practice only) */
	int max_attempts; /* 0: unlimited */
	double pass_percent;
	int64_t opens_at;
	int64_t closes_at;
	bool shuffle_questions;
	bool shuffle_options;
	char review[16];
	char *prediction_question; /* NULL when none */
	int64_t freeze_at; /* 0 when none */
	char *definition; /* the JSON text as posted */
	int64_t created_at;
	int64_t revision; /* moved by every edit */
	char (*audiences)[32];
	size_t naudiences;
	struct db_quiz_draw *draws;
	size_t ndraws;
	struct db_quiz_round *rounds;
	size_t nrounds;
};
void db_quiz_cleanup(struct db_quiz *q);

/* Inserts q with its audiences, draws and rounds; sets q->id. DB_CONFLICT
 * when the code is taken. */
int db_quiz_insert(struct db *db, struct db_quiz *q);
int db_quiz_get(struct db *db, int64_t id, struct db_quiz *out);
/* The ids of every quiz, ascending (new array, caller frees). */
int db_quiz_ids(struct db *db, int64_t **ids, size_t *n);
/* Every quiz, by id (new array of n quizzes in *out; free each with
 * db_quiz_cleanup, then the array). */
int db_quiz_list(struct db *db, struct db_quiz **out, size_t *n);

/* Calls fn once per quiz that has attempts: the people with a finished
 * attempt and the attempts of any state. 0 or -1. */
typedef void (*db_quiz_count_fn)(void *ctx, int64_t quiz_id, int64_t participants,
				 int64_t attempts);
int db_quiz_attempt_counts(struct db *db, db_quiz_count_fn fn, void *ctx);

/* One person's finished attempts at a quiz (their unit is the one they are
 * in now). */
struct db_quiz_result {
	int64_t user_id;
	char username[DB_CODE_MAX];
	char *full_name;
	char unit_code[DB_CODE_MAX];
	char audience[32];
	int attempts;
	double best_score;
	double best_percent;
	bool passed; /* any attempt passed */
	int64_t last_submitted_at;
};
void db_quiz_results_free(struct db_quiz_result *rows, size_t n);
/* Every person with a finished attempt at quiz_id whose unit lies in the
 * subtree at unit_path ("/" for all), by unit then name. 0 or -1. */
int db_quiz_results(struct db *db, int64_t quiz_id, const char *unit_path,
		    struct db_quiz_result **out, size_t *n);

/* The quiz's revision (moved by every edit): 1, 0 when there is no such
 * quiz, -1. */
int db_quiz_revision(struct db *db, int64_t id, int64_t *revision);
/* Whether the quiz has any attempt, of any state. 0 or -1. */
int db_quiz_started(struct db *db, int64_t id, bool *started);
/* Replaces quiz q->id with q (its audiences, draws and rounds too) and
 * moves its revision. DB_CONFLICT when the code is taken. */
int db_quiz_update(struct db *db, const struct db_quiz *q);

#endif
