/* db_quiz.h - storage of question banks (versioned questions), quiz
 * definitions, attempts and answers. See db.h for the return conventions:
 * 0 ok / -1 error, lookups 1 found / 0 not found / -1 error, DB_CONFLICT for
 * uniqueness violations. Strings in the structs below that are pointers are
 * heap copies owned by the struct and freed by its _cleanup function.
 *
 * Questions are never edited in place: a changed question is inserted as a
 * new version and the old one is marked not current, so every attempt keeps
 * the exact text, options and weights it was drawn with. */
#ifndef QUIZ_DB_QUIZ_H
#define QUIZ_DB_QUIZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "db_account.h"

#define DB_QUESTION_HASH_LEN 32

struct db_bank {
	int64_t id;
	char code[DB_CODE_MAX];
	char *title;
	char language[8];
	char *audiences_json; /* JSON array text, as stored */
	int64_t updated_at;
};
void db_bank_cleanup(struct db_bank *b);

struct db_option {
	int64_t id;
	char *text;
	double weight; /* the score weight: 1/0 for flags, the weight for multiple */
	int correct; /* 1 or 0 when the bank gave a flag, -1 when it gave a weight */
	char *feedback; /* why this choice is right or wrong; NULL when none */
};

struct db_question {
	int64_t id;
	int64_t bank_id;
	char code[DB_CODE_MAX];
	int version;
	bool current;
	char type[16];
	int difficulty;
	char *stem;
	char *explanation;
	char *reference; /* NULL when none */
	bool ignore_diacritics;
	unsigned char hash[DB_QUESTION_HASH_LEN];
	char **topics;
	size_t ntopics;
	struct db_option *options; /* in bank order */
	size_t noptions;
};
void db_question_cleanup(struct db_question *q);

/* Savepoints nest inside a db_begin_write() transaction. Each returns 0/-1;
 * db_savepoint_rollback also releases the savepoint. */
int db_savepoint(struct db *db);
int db_savepoint_release(struct db *db);
int db_savepoint_rollback(struct db *db);

/* WAL checkpoints, so the group committer need not run them itself:
 * db_wal_autocheckpoint sets this connection's automatic checkpoint
 * threshold (0: never); db_wal_checkpoint runs a PASSIVE checkpoint (never
 * blocks writers) and reports the WAL's size and what was copied (either
 * pointer may be NULL). Both 0 or -1. */
int db_wal_autocheckpoint(struct db *db, int pages);
int db_wal_checkpoint(struct db *db, int *wal_pages, int *checkpointed);

/* Banks */
/* Creates or updates the bank by code; sets *bank_id. */
int db_bank_upsert(struct db *db, const char *code, const char *title, const char *language,
		   const char *audiences_json, int64_t now_ms, int64_t *bank_id);
int db_bank_by_code(struct db *db, const char *code, struct db_bank *out);
/* The bank's generation: its updated_at, which every import moves forward
 * (strictly), so caches of its questions know when they are stale. */
int db_bank_generation(struct db *db, int64_t bank_id, int64_t *generation);
/* The current version of question code in a bank: sets *id, *version and
 * hash (DB_QUESTION_HASH_LEN bytes). Returns 1, 0 when none, -1. */
int db_question_current(struct db *db, int64_t bank_id, const char *code, int64_t *id, int *version,
			unsigned char *hash);
/* The highest version ever stored for code (0 when none), current or not. */
int db_question_max_version(struct db *db, int64_t bank_id, const char *code, int *version);
/* Inserts q (id, option ids ignored) as a current question with its topics
 * and options; sets q->id and each q->options[i].id. */
int db_question_insert(struct db *db, struct db_question *q);
int db_question_set_current(struct db *db, int64_t id, bool current);
/* The ids of the bank's current questions (new array in *ids, caller frees). */
int db_bank_current_ids(struct db *db, int64_t bank_id, int64_t **ids, size_t *n);
/* Loads a question (any version) by id with its topics and its options in
 * bank order, each with its weight, flag and feedback. Returns 1, 0, -1. */
int db_question_get(struct db *db, int64_t id, struct db_question *out);
/* Current question ids of a bank matching the optional filters (topic NULL,
 * difficulty 0: any), in id order. New array in *ids (caller frees). */
int db_question_pool(struct db *db, int64_t bank_id, const char *topic, int difficulty,
		     int64_t **ids, size_t *n);

/* Quizzes */
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
	int64_t time_limit_s;
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

/* Attempts */
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
/* Attempts the user has for a quiz, of any state. */
int db_attempt_count(struct db *db, int64_t quiz_id, int64_t user_id, int *count);
/* The user's best finished attempt for a quiz (highest score): 1, 0, -1. */
int db_attempt_best(struct db *db, int64_t quiz_id, int64_t user_id, struct db_attempt *out);
/* Inserts a in progress with its drawn questions (positions 0..n-1); sets a->id. */
int db_attempt_insert(struct db *db, struct db_attempt *a, const struct db_attempt_question *qs,
		      size_t n);
/* The drawn questions in the order shown (new array, caller frees with
 * db_attempt_questions_free). */
int db_attempt_questions(struct db *db, int64_t attempt_id, struct db_attempt_question **out,
			 size_t *n);
/* Saves an answer (replacing an earlier one) only while the attempt is in
 * progress and saved_at <= deadline + grace_ms. Returns 1 saved, 0 refused
 * (attempt finished or too late), -1. */
int db_answer_save(struct db *db, int64_t attempt_id, int64_t question_id, const char *choices,
		   const char *text, int64_t saved_at, int64_t grace_ms);
/* Saves several answers with as few statements as possible, each under
 * the same rule as db_answer_save. rows must not repeat an (attempt,
 * question) pair. *saved receives how many were saved (rows refused are
 * the others). Returns 0 or -1. */
struct db_answer_write {
	int64_t attempt_id;
	int64_t question_id;
	const char *choices; /* or NULL */
	const char *text; /* or NULL */
	int64_t saved_at;
};
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

#endif
