/* db_bank.h - storage of question banks and their versioned questions. See
 * db.h for the return conventions: 0 ok / -1 error, lookups 1 found / 0 not
 * found / -1 error. Strings in the structs below that are pointers are heap
 * copies owned by the struct and freed by its _cleanup function.
 *
 * Questions are never edited in place: a changed question is inserted as a
 * new version and the old one is marked not current, so every attempt keeps
 * the exact text, options and weights it was drawn with. */
#ifndef QUIZ_DB_BANK_H
#define QUIZ_DB_BANK_H

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

/* Every bank with the count of its current questions, by code. New array
 * in *out (caller frees each with db_bank_cleanup(&row.bank), then the
 * array). */
struct db_bank_summary {
	struct db_bank bank;
	int question_count;
};
int db_bank_list(struct db *db, struct db_bank_summary **out, size_t *n);
/* Calls fn once per (bank, topic) with the count of the bank's current
 * questions on that topic, by bank id then topic; with by_difficulty, once
 * per (bank, difficulty) instead, the difficulty as decimal text. 0 or -1. */
typedef void (*db_topic_count_fn)(void *ctx, int64_t bank_id, const char *topic, int count);
int db_bank_topic_counts(struct db *db, bool by_difficulty, db_topic_count_fn fn, void *ctx);
/* The ids of the latest version of every question code of a bank, current
 * or retired, by code. New array in *ids (caller frees). */
int db_bank_latest_ids(struct db *db, int64_t bank_id, int64_t **ids, size_t *n);
/* Moves the bank's generation forward (strictly), so caches of its draw
 * pools see a change made without an import. */
int db_bank_touch(struct db *db, int64_t bank_id, int64_t now_ms);

#endif
