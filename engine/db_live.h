/* db_live.h - storage of live games (migration 12): the game, its players
 * with their scores, and every answer, so that a game survives a restart
 * and another instance can take it over. See db.h for the return
 * conventions. */
#ifndef QUIZ_DB_LIVE_H
#define QUIZ_DB_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* The ids of the current single-choice and true/false questions of the
 * bank with code bank, of topic (NULL: any) and difficulty (0: any), in id
 * order: a new array in *ids (caller frees). 0 or -1. */
int db_live_question_ids(struct db *db, const char *bank, const char *topic, int difficulty,
			 int64_t **ids, size_t *n);

#define DB_LIVE_OPTIONS_MAX 16
struct db_live_option {
	int64_t id;
	char *text; /* owned */
	int correct;
};
struct db_live_question {
	int64_t id;
	char *stem; /* owned */
	struct db_live_option options[DB_LIVE_OPTIONS_MAX];
	size_t noptions;
};
/* Reads question id with its options in their order (at most
 * DB_LIVE_OPTIONS_MAX: the bank loader's limit is the same). 1, 0 when
 * there is no such question, or -1. */
int db_live_question(struct db *db, int64_t id, struct db_live_question *q);
/* Frees what a question read holds; accepts a zeroed one. */
void db_live_question_cleanup(struct db_live_question *q);

/* One draw rule of quiz quiz_id: bank code, topic ("" any), difficulty
 * (0 any), count. */
struct db_live_draw {
	char bank[64];
	char topic[64];
	int64_t difficulty, count;
};
#define DB_LIVE_PATH_MAX 512
/* The draw rules of a quiz in order: a new array (caller frees); *found
 * false when there is no such quiz, else scope_path holds the path of its
 * unit scope ("" when it has none). 0 or -1. */
int db_live_quiz_draws(struct db *db, int64_t quiz_id, struct db_live_draw **rows, size_t *n,
		       bool *found, char scope_path[DB_LIVE_PATH_MAX]);
/* The unit scope of a quiz: the scope unit's path, "" for every unit. */
struct db_live_scope {
	char path[DB_LIVE_PATH_MAX];
};
/* The distinct unit scopes of the quizzes that draw from the bank with code
 * bank: a new array (caller frees), empty when no quiz draws from it (or
 * there is no such bank). 0 or -1. */
int db_live_bank_scopes(struct db *db, const char *bank, struct db_live_scope **rows, size_t *n);

/* A game as stored. question_ids: comma list in the order asked. */
struct db_live_game {
	int64_t id, host_user_id, seconds;
	char pin[16];
	char state[16]; /* "lobby", "question", "ended" */
	int64_t question_index; /* -1 before the first */
	int64_t question_started_at, question_ends_at, created_at, ended_at;
	char *question_ids; /* owned */
};
/* Stores a new game in the lobby; its id in *id. DB_CONFLICT when the pin
 * is held by a game that has not ended. 0 or -1. */
int db_live_game_insert(struct db *db, const char *pin, int64_t host_user_id, int64_t seconds,
			const char *question_ids, int64_t now_ms, int64_t *id);
/* Reads game id (1), or 0 when there is none, or -1. */
int db_live_game_get(struct db *db, int64_t id, struct db_live_game *g);
/* The id of the game holding pin that has not ended: 1, 0 none, -1. */
int db_live_game_by_pin(struct db *db, const char *pin, int64_t *id);
/* Stores the game's state, question index and times. 0 or -1. */
int db_live_game_update(struct db *db, const struct db_live_game *g);

/* Adds a player; *id its id. DB_CONFLICT when the nickname is taken in the
 * game. user_id 0: nobody logged in. 0, DB_CONFLICT or -1. */
int db_live_player_insert(struct db *db, int64_t game_id, const char *nickname,
			  const unsigned char token_hash[32], int64_t user_id, int64_t now_ms,
			  int64_t *id);
struct db_live_player {
	int64_t id, user_id, score;
	char nickname[64];
	unsigned char token_hash[32];
};
/* The players of a game whose id is above after_id (0: all), in joining
 * order: a new array (caller frees). 0 or -1. */
int db_live_players(struct db *db, int64_t game_id, int64_t after_id, struct db_live_player **rows,
		    size_t *n);
/* How many players joined game_id (through any instance); -1 on error. */
int64_t db_live_player_count(struct db *db, int64_t game_id);

/* Stores one answer and adds its points to the player's score, inside the
 * caller's write transaction (the quiz service's group commit, see
 * quiz_write.h). DB_CONFLICT, with nothing written, when the player already
 * answered that question; after -1 the caller rolls back what this did.
 * 0, DB_CONFLICT or -1. */
int db_live_answer_store(struct db *db, int64_t game_id, int64_t player_id, int64_t index,
			 int64_t option_id, int correct, int64_t points, int64_t now_ms);
struct db_live_answer {
	int64_t player_id, option_id, points;
	int correct;
};
/* The answers to question index of a game: a new array (caller frees). */
int db_live_answers(struct db *db, int64_t game_id, int64_t index, struct db_live_answer **rows,
		    size_t *n);

/* One line of a finished game's export: players by score, with their
 * account's username when one was linked ("" otherwise). */
struct db_live_result {
	char nickname[64];
	char username[64];
	int64_t score, correct, answered;
};
int db_live_results(struct db *db, int64_t game_id, struct db_live_result **rows, size_t *n);
/* The distinct users linked to players of an ended game (none when it has
 * not ended): a new array (caller frees). 0 or -1. */
int db_live_game_users(struct db *db, int64_t game_id, int64_t **user_ids, size_t *n);

#endif
