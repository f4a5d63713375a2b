/* live_priv.h - what the files of live games share (live.c: the service,
 * its cache of games, listeners and events; live_play.c: creating,
 * joining, pacing, answering, exporting). Only they include it. */
#ifndef QUIZ_LIVE_PRIV_H
#define QUIZ_LIVE_PRIV_H

#include <pthread.h>

#include "db_live.h"
#include "live.h"
#include "util.h"

enum live_state { LIVE_LOBBY, LIVE_QUESTION, LIVE_ENDED };

struct live_player {
	int64_t id, user_id, score;
	char nickname[64];
	unsigned char token_hash[32];
	int64_t answered_index; /* the last question answered, -1 none */
	int64_t last_points; /* points of that answer */
};

struct live_listener {
	struct live_game *game;
	int64_t player_id; /* 0: the host */
	struct strbuf out; /* events not read yet, from sent on */
	size_t sent;
	bool ended; /* no more events: the stream ends once out is read */
	void (*wake)(void *ctx);
	void *wake_ctx;
	struct live_listener *prev, *next;
};

struct live_game {
	int64_t id, host_user_id, seconds;
	char pin[16];
	enum live_state state;
	int64_t index; /* current question, -1 in the lobby */
	int64_t started_at, ends_at; /* of the current question */
	bool closed; /* the current question closed */
	int64_t ended_at;
	struct db_live_question *questions;
	size_t nquestions;
	struct live_player *players;
	size_t nplayers, players_cap;
	int64_t distribution[DB_LIVE_OPTIONS_MAX]; /* answers per option of the current question */
	size_t nanswered; /* players who answered the current question */
	size_t writes_pending; /* answers being stored outside live_lock: keeps the game cached */
	struct live_listener *listeners;
	size_t host_listeners;
	int64_t host_left_at; /* when the last host listener left (or the game loaded) */
	struct live_game *next;
};

/* The one lock of the service: games, players, listeners. */
extern pthread_mutex_t live_lock;

/* The game id from the cache, loaded from storage on a miss (live_lock
 * held on return when the answer is OUTCOME_OK; not held otherwise). */
enum outcome live_game_locked(struct db *db, int64_t id, struct live_game **out, struct problem *p);
/* The player with the token's hash, or NULL. live_lock held. */
struct live_player *live_player_by_token(struct live_game *g, const char *token);
/* True when user hosts g (its creator, or an admin). */
bool live_is_host(const struct live_game *g, const struct db_user *user);
/* Tells every listener: the question now open / closed (with scores) /
 * the lobby's players / the end. live_lock held. */
void live_broadcast_question(struct live_game *g, int64_t now_ms);
void live_close_question(struct live_game *g);
void live_broadcast_lobby(struct live_game *g);
void live_end(struct db *db, struct live_game *g, int64_t now_ms);
/* Wakes the timer thread (a new deadline). */
void live_timer_poke(void);
/* The token's hash (BLAKE2b-256). */
void live_token_hash(const char *token, unsigned char hash[32]);

#endif
