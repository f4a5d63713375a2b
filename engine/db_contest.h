/* db_contest.h - the reads behind contest leaderboards and item statistics.
 * See db.h for the return conventions. Nothing here writes. */
#ifndef QUIZ_DB_CONTEST_H
#define QUIZ_DB_CONTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "db_account.h"

/* One completed (submitted or expired) attempt of a contest. */
struct db_contest_attempt {
	int64_t attempt_id;
	int64_t user_id; /* 0 when the attempt has no person */
	int64_t unit_id; /* the unit it was made in; 0 when none */
	bool expired;
	double score;
	double max_score;
	int correct_count;
	bool has_prediction;
	int64_t prediction;
	int64_t started_at;
	int64_t deadline;
	int64_t finished_at;
	int64_t duration_ms; /* -1 when not recorded */
	int64_t seq; /* its place in the log of completions (0 from db_contest_attempts) */
};

/* The completed attempts of quiz_id, of round round_code only when it is
 * not NULL. New array in *out (caller frees), count in *n. */
int db_contest_attempts(struct db *db, int64_t quiz_id, const char *round_code,
			struct db_contest_attempt **out, size_t *n);
/* A number that grows whenever a completed attempt of quiz_id is
 * inserted, changed or deleted, or what a line shows of a person or unit
 * changes (db_contest_labels_version): equal values mean the same
 * completed attempts with the same results and names. */
int db_contest_version(struct db *db, int64_t quiz_id, int64_t *version);
/* The completed official attempts of quiz_id (of round round_code only
 * when not NULL) whose completion was logged after after_seq, in log
 * order, each with its seq. New array in *out (caller frees). */
int db_contest_completed_since(struct db *db, int64_t quiz_id, const char *round_code,
			       int64_t after_seq, struct db_contest_attempt **out, size_t *n);
/* How many times a completed attempt of quiz_id was changed otherwise than
 * by completing (rescored, deleted, moved: a board ranked before must be
 * ranked again in full), and the last seq in its log of completions (0
 * before any). */
int db_contest_marks(struct db *db, int64_t quiz_id, int64_t *resets, int64_t *last_seq);
/* The ids of the units in the subtree at unit_path ("/1/4/"), ascending.
 * New array in *ids (caller frees). */
int db_units_within(struct db *db, const char *unit_path, int64_t **ids, size_t *n);

/* What leaderboard lines show of people and units, for a board to carry
 * (contest_names.c). The counter of changes to it (migration 22: full
 * names, erasures, unit codes and names), which db_contest_version
 * includes. */
int db_contest_labels_version(struct db *db, int64_t *version);
/* Calls fn(ctx, id, full_name, NULL) for each person with a completed
 * official attempt of quiz_id, or only for person user_id when it is not
 * 0; full_name is NULL once the person was erased (borrowed for the call).
 * Returns how many, or -1. */
int db_contest_people_each(struct db *db, int64_t quiz_id, int64_t user_id,
			   void (*fn)(void *ctx, int64_t id, const char *full_name,
				      const char *unused),
			   void *ctx);
/* Calls fn(ctx, id, code, name) for every unit, or only for unit unit_id
 * when it is not 0 (borrowed for the call). Returns how many, or -1. */
int db_contest_units_each(struct db *db, int64_t unit_id,
			  void (*fn)(void *ctx, int64_t id, const char *code, const char *name),
			  void *ctx);

/* One question drawn in one completed attempt, with the score its answer
 * got (0 when unanswered). */
struct db_item_score {
	int64_t attempt_id;
	int64_t question_id;
	double score;
};

/* The drawn questions of the completed attempts of quiz_id, restricted to
 * attempts made in units under unit_path when it is neither NULL nor "".
 * New array in *out (caller frees). */
int db_item_scores(struct db *db, int64_t quiz_id, const char *unit_path,
		   struct db_item_score **out, size_t *n);
/* The code of a stored question and of its bank into code and bank_code
 * (DB_CODE_MAX bytes each). 1, 0, -1. */
int db_question_code(struct db *db, int64_t question_id, char *code, char *bank_code);

#endif
