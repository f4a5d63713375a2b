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

/* A player's place in a scores or end event (see struct live_event). */
struct live_rank {
	int64_t player_id, rank, score;
};

/* One event, rendered once as "event: NAME\ndata: JSON..." and shared by
 * every listener: a game keeps its events in a chain, oldest first, and a
 * listener reads the chain from where it is (live_events.c). A scores or
 * end event ends its text before the closing brace: each listener adds its
 * own part when it reads it (a player's "you", from ranks). */
struct live_event {
	struct live_event *next; /* the next in the chain */
	size_t readers; /* listeners positioned on it */
	size_t holds; /* other references (the game's lobby, greetings) */
	bool in_chain;
	bool superseded; /* a lobby event with a later one behind it: skipped */
	bool personal; /* needs each listener's own ending */
	struct live_rank *ranks; /* personal: by player id */
	size_t nranks;
	size_t nplayers; /* a lobby event: the players it lists */
	size_t len;
	char text[];
};

struct live_listener {
	struct live_game *game;
	int64_t player_id; /* 0: the host */
	/* What is read, in order: own (text for this listener alone) from
	 * own_sent, then greeting (a shared event: the lobby as it was when
	 * the listener came) from greeting_off, then the chain after at. */
	struct strbuf own;
	size_t own_sent;
	struct live_event *greeting;
	size_t greeting_off;
	struct live_event *at; /* the chain's event being read (a reader of it) */
	size_t at_off; /* bytes of at already read; at->len when done */
	bool ended; /* no more events: the stream ends once the rest is read */
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
	struct live_player *players; /* in id order (joining order) */
	size_t nplayers, players_cap;
	/* players by token hash: open addressing on the hash's first bytes,
	 * index + 1 (0: empty), token_slots a power of two over twice the
	 * players */
	uint32_t *token_slots;
	size_t ntoken_slots;
	int64_t distribution[DB_LIVE_OPTIONS_MAX]; /* answers per option of the current question */
	size_t nanswered; /* players who answered the current question */
	size_t writes_pending; /* answers being stored outside live_lock: keeps the game cached */
	struct live_listener *listeners;
	struct live_event *events, *events_tail; /* the chain; never empty */
	struct live_event *lobby; /* the last lobby rendered (held) */
	int64_t lobby_sent_at; /* when a lobby event last went out */
	bool lobby_due; /* players joined since: the timer sends the lobby */
	size_t host_listeners;
	int64_t host_left_at; /* when the last host listener left (or the game loaded) */
	/* Several instances (the proxy sends a game's requests to one, see
	 * docs/architecture.md): when the timer last compared the game with
	 * storage, when an unknown token last read every stored player, and
	 * whether storage showed it moved on elsewhere (no request uses a
	 * retired copy; it goes once its listeners left). */
	int64_t checked_at, full_sync_at;
	bool retired;
	struct live_game *next;
};

/* The one lock of the service: games, players, listeners. */
extern pthread_mutex_t live_lock;

/* The game id from the cache, loaded from storage on a miss (live_lock
 * held on return when the answer is OUTCOME_OK; not held otherwise). */
enum outcome live_game_locked(struct db *db, int64_t id, struct live_game **out, struct problem *p);
/* The cached game id, which a pending write keeps in the cache; live_lock
 * held on return. */
struct live_game *live_game_pinned(int64_t id);
/* The game id if this process holds it (live_lock held on return with
 * *out set), else *out NULL and the lock not held; OUTCOME_UNAVAILABLE
 * when the service is stopping. Loads nothing. */
enum outcome live_game_if_cached(int64_t id, struct live_game **out, struct problem *p);
/* The player with the token's hash, or NULL, reading from storage on db the players who joined through
 * another instance when the token is unknown: those after the last one g
 * holds, then, for a token still unknown, every player at most once per
 * LIVE_CHECK_MS. NULL when none has the token. live_lock held. */
struct live_player *live_player_known(struct db *db, struct live_game *g, const char *token);
/* The player with id, or NULL. live_lock held. */
struct live_player *live_player_by_id(struct live_game *g, int64_t id);
/* Appends a player (its id above every other's) to g. live_lock held. */
struct live_player *live_player_add(struct live_game *g, int64_t id, int64_t user_id,
				    const char *nickname, const unsigned char token_hash[32]);
/* True when user hosts g (its creator, or an admin). */
bool live_is_host(const struct live_game *g, const struct db_user *user);
/* live_events.c, all with live_lock held. The game's event chain: started
 * empty, and freed with what it holds. */
void live_events_init(struct live_game *g);
void live_events_cleanup(struct live_game *g);
/* Tells every listener: the question now open / closed (with scores) /
 * the end's scores. */
void live_broadcast_question(struct live_game *g, int64_t now_ms);
void live_close_question(struct live_game *g);
void live_broadcast_end(struct live_game *g);
/* The players in the lobby: sent at once, or due (for the timer) when one
 * went out less than LIVE_LOBBY_EVERY_MS ago. */
void live_broadcast_lobby(struct live_game *g, int64_t now_ms);
/* A new listener of g: positioned after the chain's last event, with the
 * game's current state as its first read. */
void live_listener_attach(struct live_game *g, struct live_listener *l, int64_t now_ms);
/* Takes l off the chain (and releases what it holds). */
void live_listener_detach(struct live_listener *l);

/* live.c */
void live_end(struct db *db, struct live_game *g, int64_t now_ms);
/* Wakes the timer thread (a new deadline). */
void live_timer_poke(void);
/* The token's hash (BLAKE2b-256). */
void live_token_hash(const char *token, unsigned char hash[32]);

#endif
