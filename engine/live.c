/* live.c - the live-game service: the cache of games (loaded from storage
 * on a miss), the timer thread, listeners and the events they read. */
#include "live_priv.h"

#include <assert.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "db_account.h"
#include "http.h"

pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;

static struct {
	struct live_game *games;
	struct db *db; /* the timer's connection */
	pthread_t timer;
	pthread_cond_t wake;
	bool started, stopping, quiesced;
} svc = { .wake = PTHREAD_COND_INITIALIZER };

/* Ended games stay cached this long for late reconnections, then go (a
 * reconnection after that loads them again). */
#define LIVE_ENDED_KEEP_MS (5LL * 60 * 1000)
/* The timer wakes at least this often, so that a test clock moved forward
 * (quizd --test-clock-file) is noticed; one thread for every game. */
#define LIVE_TIMER_MAX_SLEEP_MS 1000

void live_token_hash(const char *token, unsigned char hash[32])
{
	crypto_generichash(hash, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static size_t token_slot(const unsigned char hash[32], size_t nslots)
{
	uint64_t key;
	memcpy(&key, hash, sizeof key);
	return (size_t)key & (nslots - 1);
}

/* Indexes g->players[i] by its token hash, growing the table first when
 * it would be over half full. */
static void index_token(struct live_game *g, size_t i)
{
	if (2 * (g->nplayers + 1) > g->ntoken_slots) {
		free(g->token_slots);
		g->ntoken_slots = g->ntoken_slots ? 2 * g->ntoken_slots : 64;
		while (2 * (g->nplayers + 1) > g->ntoken_slots)
			g->ntoken_slots *= 2;
		g->token_slots = xcalloc(g->ntoken_slots, sizeof *g->token_slots);
		for (size_t k = 0; k < i; k++)
			index_token(g, k);
	}
	size_t at = token_slot(g->players[i].token_hash, g->ntoken_slots);
	while (g->token_slots[at])
		at = (at + 1) & (g->ntoken_slots - 1);
	assert(i < UINT32_MAX);
	g->token_slots[at] = (uint32_t)i + 1;
}

/* The player with the token's hash, or NULL. live_lock held. */
static struct live_player *live_player_by_token(struct live_game *g, const char *token)
{
	if (!token || strlen(token) != LIVE_TOKEN_LEN || !g->ntoken_slots)
		return NULL;
	unsigned char hash[32];
	live_token_hash(token, hash);
	for (size_t at = token_slot(hash, g->ntoken_slots); g->token_slots[at];
	     at = (at + 1) & (g->ntoken_slots - 1)) {
		struct live_player *pl = &g->players[g->token_slots[at] - 1];
		if (sodium_memcmp(pl->token_hash, hash, 32) == 0)
			return pl;
	}
	return NULL;
}

struct live_player *live_player_by_id(struct live_game *g, int64_t id)
{
	size_t lo = 0, hi = g->nplayers;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->players[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->nplayers && g->players[lo].id == id ? &g->players[lo] : NULL;
}

/* Indexes every player by token hash afresh (after one came in out of
 * order). */
static void index_tokens(struct live_game *g)
{
	size_t total = g->nplayers;
	free(g->token_slots);
	g->token_slots = NULL;
	g->ntoken_slots = 0;
	for (g->nplayers = 0; g->nplayers < total; g->nplayers++)
		index_token(g, g->nplayers);
}

struct live_player *live_player_add(struct live_game *g, int64_t id, int64_t user_id,
				    const char *nickname, const unsigned char token_hash[32])
{
	if (g->nplayers == g->players_cap) {
		g->players_cap = g->players_cap ? g->players_cap * 2 : 16;
		g->players = xrealloc(g->players, g->players_cap * sizeof *g->players);
	}
	/* A player who joined through another instance may be found after a
	 * later one: keep the id order. */
	size_t at = g->nplayers;
	while (at && g->players[at - 1].id > id)
		at--;
	assert(!at || g->players[at - 1].id < id);
	memmove(&g->players[at + 1], &g->players[at], (g->nplayers - at) * sizeof *g->players);
	struct live_player *pl = &g->players[at];
	memset(pl, 0, sizeof *pl);
	pl->id = id;
	pl->user_id = user_id;
	pl->answered_index = -1;
	util_strlcpy(pl->nickname, nickname, sizeof pl->nickname);
	memcpy(pl->token_hash, token_hash, 32);
	if (at == g->nplayers) {
		index_token(g, g->nplayers);
		g->nplayers++;
	} else {
		g->nplayers++;
		index_tokens(g);
	}
	return pl;
}

/* Adds the rows g does not hold yet; with announce, the lobby goes out
 * when any came. live_lock held. */
static void merge_players(struct live_game *g, const struct db_live_player *rows, size_t n,
			  bool announce)
{
	size_t added = 0;
	for (size_t i = 0; i < n; i++) {
		if (live_player_by_id(g, rows[i].id))
			continue;
		live_player_add(g, rows[i].id, rows[i].user_id, rows[i].nickname,
				rows[i].token_hash)
			->score = rows[i].score;
		added++;
	}
	if (announce && added && g->state == LIVE_LOBBY)
		live_broadcast_lobby(g, clock_now_ms());
}

/* Reads the stored players of g after the last it holds (every one with
 * all) and adds those it lacks (announce: see merge_players). live_lock
 * held, or g not yet shared. 0 or -1. */
static int players_sync(struct db *db, struct live_game *g, bool all, bool announce)
{
	int64_t after = !all && g->nplayers ? g->players[g->nplayers - 1].id : 0;
	struct db_live_player *rows = NULL;
	size_t n = 0;
	if (db_live_players(db, g->id, after, &rows, &n))
		return -1;
	merge_players(g, rows, n, announce);
	free(rows);
	return 0;
}

struct live_player *live_player_known(struct db *db, struct live_game *g, const char *token)
{
	struct live_player *pl = live_player_by_token(g, token);
	if (pl || !token || strlen(token) != LIVE_TOKEN_LEN)
		return pl;
	if (players_sync(db, g, false, true) == 0 && (pl = live_player_by_token(g, token)))
		return pl;
	/* Ids are not always committed in order on PostgreSQL: a player may
	 * sit below the last one held. Reading them all is bounded, since
	 * unknown tokens are what a guesser sends. */
	int64_t now = clock_now_ms();
	if (now >= g->full_sync_at && now - g->full_sync_at < LIVE_CHECK_MS)
		return NULL;
	g->full_sync_at = now;
	if (players_sync(db, g, true, true))
		return NULL;
	return live_player_by_token(g, token);
}

bool live_is_host(const struct live_game *g, const struct db_user *user)
{
	return user && (user->id == g->host_user_id || strcmp(user->role, "admin") == 0);
}

/* ---- the end ------------------------------------------------------------ */

void live_end(struct db *db, struct live_game *g, int64_t now_ms)
{
	if (g->state == LIVE_ENDED)
		return;
	live_close_question(g);
	struct db_live_game row = { .id = g->id,
				    .question_index = g->index,
				    .question_started_at = g->started_at,
				    .question_ends_at = g->ends_at,
				    .ended_at = now_ms };
	util_strlcpy(row.state, "ended", sizeof row.state);
	if (db_live_game_update(db, &row))
		fprintf(stderr, "live: game %lld: %s\n", (long long)g->id, db_errmsg(db));
	g->state = LIVE_ENDED;
	g->ended_at = now_ms;
	live_broadcast_end(g);
	for (struct live_listener *l = g->listeners; l; l = l->next)
		l->ended = true;
}

/* ---- the cache ------------------------------------------------------------ */

static void game_free(struct live_game *g)
{
	if (!g)
		return;
	live_events_cleanup(g);
	for (size_t i = 0; i < g->nquestions; i++)
		db_live_question_cleanup(&g->questions[i]);
	free(g->questions);
	free(g->players);
	free(g->token_slots);
	free(g);
}

/* The questions of a stored comma list, read from storage. 0 or -1. */
static int load_questions(struct db *db, struct live_game *g, const char *ids)
{
	size_t n = 1;
	for (const char *s = ids; *s; s++)
		n += *s == ',';
	g->questions = xcalloc(n, sizeof *g->questions);
	for (const char *s = ids; *s;) {
		char *end;
		long long id = strtoll(s, &end, 10);
		if (end == s || db_live_question(db, id, &g->questions[g->nquestions]) != 1)
			return -1;
		g->nquestions++;
		s = *end == ',' ? end + 1 : end;
	}
	return g->nquestions ? 0 : -1;
}

/* The players and, for an open question, who answered what. 0 or -1. */
static int load_players(struct db *db, struct live_game *g)
{
	size_t n = 0;
	if (players_sync(db, g, true, false))
		return -1;
	if (g->index < 0)
		return 0;
	struct db_live_answer *answers = NULL;
	if (db_live_answers(db, g->id, g->index, &answers, &n))
		return -1;
	const struct db_live_question *q = &g->questions[g->index];
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < q->noptions; k++)
			if (q->options[k].id == answers[i].option_id)
				g->distribution[k]++;
		struct live_player *pl = live_player_by_id(g, answers[i].player_id);
		if (pl) {
			pl->answered_index = g->index;
			pl->last_points = answers[i].points;
		}
		g->nanswered++;
	}
	free(answers);
	return 0;
}

/* A game from storage: 1 loaded, 0 none, -1 error. */
static int game_load(struct db *db, int64_t id, struct live_game **out)
{
	struct db_live_game row;
	int rc = db_live_game_get(db, id, &row);
	if (rc != 1)
		return rc;
	struct live_game *g = xcalloc(1, sizeof *g);
	live_events_init(g);
	g->id = row.id;
	g->host_user_id = row.host_user_id;
	g->seconds = row.seconds;
	util_strlcpy(g->pin, row.pin, sizeof g->pin);
	g->state = strcmp(row.state, "lobby") == 0      ? LIVE_LOBBY
		   : strcmp(row.state, "question") == 0 ? LIVE_QUESTION
							: LIVE_ENDED;
	g->index = row.question_index;
	g->started_at = row.question_started_at;
	g->ends_at = row.question_ends_at;
	g->ended_at = row.ended_at;
	g->host_left_at = g->checked_at = clock_now_ms();
	rc = load_questions(db, g, row.question_ids);
	free(row.question_ids);
	if (rc == 0 && g->index >= (int64_t)g->nquestions)
		rc = -1;
	if (rc == 0)
		rc = load_players(db, g);
	if (rc) {
		game_free(g);
		return -1;
	}
	/* Closed questions are not stored: a question is closed when its
	 * time is over or everyone answered. */
	g->closed = g->state == LIVE_QUESTION &&
		    (clock_now_ms() >= g->ends_at || g->nanswered >= g->nplayers);
	*out = g;
	return 1;
}

static struct live_game *cached(int64_t id)
{
	for (struct live_game *g = svc.games; g; g = g->next)
		if (g->id == id && !g->retired)
			return g;
	return NULL;
}

enum outcome live_game_if_cached(int64_t id, struct live_game **out, struct problem *p)
{
	pthread_mutex_lock(&live_lock);
	*out = NULL;
	if (svc.quiesced) {
		pthread_mutex_unlock(&live_lock);
		return problem_set(p, OUTCOME_UNAVAILABLE, "The server is stopping.");
	}
	*out = cached(id);
	if (!*out)
		pthread_mutex_unlock(&live_lock);
	return OUTCOME_OK;
}

struct live_game *live_game_pinned(int64_t id)
{
	pthread_mutex_lock(&live_lock);
	struct live_game *g = cached(id);
	assert(g && g->writes_pending > 0);
	return g;
}

enum outcome live_game_locked(struct db *db, int64_t id, struct live_game **out, struct problem *p)
{
	pthread_mutex_lock(&live_lock);
	if (svc.quiesced) {
		pthread_mutex_unlock(&live_lock);
		return problem_set(p, OUTCOME_UNAVAILABLE, "The server is stopping.");
	}
	struct live_game *g = cached(id);
	if (g) {
		*out = g;
		return OUTCOME_OK;
	}
	pthread_mutex_unlock(&live_lock);
	struct live_game *loaded = NULL;
	int rc = game_load(db, id, &loaded);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "live game %lld: %s", (long long)id,
				   db_errmsg(db));
	if (rc == 0)
		return problem_set(p, OUTCOME_NOT_FOUND, "No such live game.");
	pthread_mutex_lock(&live_lock);
	g = cached(id);
	if (g) {
		game_free(loaded);
	} else {
		loaded->next = svc.games;
		svc.games = g = loaded;
		pthread_cond_signal(&svc.wake);
	}
	*out = g;
	return OUTCOME_OK;
}

/* ---- listeners ------------------------------------------------------------ */

enum outcome live_listen(struct db *db, int64_t live_id, const struct live_caller *who,
			 void (*wake)(void *ctx), void *wake_ctx, struct live_listener **out,
			 struct problem *p)
{
	if (!who->player_token && !who->user)
		return problem_set(p, OUTCOME_UNAUTHORIZED, "A player token or a login is needed.");
	struct live_game *g;
	enum outcome o = live_game_locked(db, live_id, &g, p);
	if (o != OUTCOME_OK)
		return o;
	int64_t player_id = 0;
	if (who->player_token) {
		struct live_player *pl = live_player_known(db, g, who->player_token);
		player_id = pl ? pl->id : -1;
	} else if (!live_is_host(g, who->user)) {
		player_id = -1;
	}
	if (player_id < 0) {
		pthread_mutex_unlock(&live_lock);
		return problem_set(p, OUTCOME_NOT_FOUND, "No such live game.");
	}
	struct live_listener *l = xcalloc(1, sizeof *l);
	l->player_id = player_id;
	l->wake = wake;
	l->wake_ctx = wake_ctx;
	sb_init(&l->own);
	live_listener_attach(g, l, clock_now_ms());
	l->prev = NULL;
	l->next = g->listeners;
	if (g->listeners)
		g->listeners->prev = l;
	g->listeners = l;
	if (!player_id)
		g->host_listeners++;
	pthread_mutex_unlock(&live_lock);
	*out = l;
	return OUTCOME_OK;
}

void live_listener_free(void *listener)
{
	struct live_listener *l = listener;
	if (!l)
		return;
	pthread_mutex_lock(&live_lock);
	struct live_game *g = l->game;
	if (l->prev)
		l->prev->next = l->next;
	else
		g->listeners = l->next;
	if (l->next)
		l->next->prev = l->prev;
	if (!l->player_id && --g->host_listeners == 0)
		g->host_left_at = clock_now_ms();
	live_listener_detach(l);
	pthread_mutex_unlock(&live_lock);
	free(l);
}

/* ---- other instances ------------------------------------------------------ */

/* What a stored game's progress is worth against a cached one's: games
 * only move forward (lobby, question 0, 1, ..., ended). */
static int64_t progress(bool ended, int64_t index)
{
	return ended ? INT64_MAX : index;
}

/* Ends every listener's stream of a copy another instance moved on: they
 * reconnect through the proxy and load the game afresh. live_lock held. */
static void retire(struct live_game *g)
{
	g->retired = true;
	for (struct live_listener *l = g->listeners; l; l = l->next) {
		l->ended = true;
		l->wake(l->wake_ctx);
	}
}

struct game_check {
	int64_t id, after; /* the game, the last player it held */
	int rc; /* of db_live_game_get: 1 read */
	struct db_live_game row;
	struct db_live_player *players;
	size_t nplayers;
};

/* Reads what storage holds of one game, on the timer's connection. */
static void check_read(struct game_check *c)
{
	c->rc = db_live_game_get(svc.db, c->id, &c->row);
	if (c->rc == 1) {
		free(c->row.question_ids);
		c->row.question_ids = NULL;
		if (db_live_players(svc.db, c->id, c->after, &c->players, &c->nplayers))
			c->rc = -1;
	}
	if (c->rc < 0)
		fprintf(stderr, "live: game %lld: %s\n", (long long)c->id, db_errmsg(svc.db));
}

/* Compares each game not compared for LIVE_CHECK_MS with storage: the
 * players who joined through another instance come in (the lobby goes
 * out), and a copy behind what storage shows (another instance asked a
 * later question or ended it: the proxy moved the game while this one
 * was out of its reach) is retired. Reads storage with live_lock
 * released; held on entry and return. */
static void refresh_games(int64_t now_ms)
{
	struct game_check *checks = NULL;
	size_t n = 0, cap = 0;
	for (struct live_game *g = svc.games; g; g = g->next) {
		if (g->retired || g->state == LIVE_ENDED || now_ms - g->checked_at < LIVE_CHECK_MS)
			continue;
		g->checked_at = now_ms;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			checks = xrealloc(checks, cap * sizeof *checks);
		}
		checks[n++] = (struct game_check){
			.id = g->id, .after = g->nplayers ? g->players[g->nplayers - 1].id : 0
		};
	}
	if (!n)
		return;
	pthread_mutex_unlock(&live_lock);
	for (size_t i = 0; i < n; i++)
		check_read(&checks[i]);
	pthread_mutex_lock(&live_lock);
	for (size_t i = 0; i < n; i++) {
		struct game_check *c = &checks[i];
		struct live_game *g = cached(c->id);
		if (g && c->rc == 1) {
			bool ended = strcmp(c->row.state, "ended") == 0;
			if (progress(ended, c->row.question_index) >
			    progress(g->state == LIVE_ENDED, g->index)) {
				if (!g->writes_pending)
					retire(g);
			} else {
				merge_players(g, c->players, c->nplayers, true);
			}
		}
		free(c->players);
	}
	free(checks);
}

/* ---- the timer ------------------------------------------------------------ */

/* One pass over the cached games: closes questions whose time is over,
 * ends games left without a host, forgets ended games nobody follows.
 * Returns the next instant it has work. live_lock held. */
static int64_t timer_pass(int64_t now_ms)
{
	int64_t next = now_ms + LIVE_TIMER_MAX_SLEEP_MS;
	struct live_game **pp = &svc.games;
	while (*pp) {
		struct live_game *g = *pp;
		if (g->retired) {
			if (!g->listeners && !g->writes_pending) {
				*pp = g->next;
				game_free(g);
				continue;
			}
			pp = &g->next;
			continue;
		}
		if (g->lobby_due && g->state == LIVE_LOBBY) {
			int64_t due = g->lobby_sent_at + LIVE_LOBBY_EVERY_MS;
			if (now_ms >= due)
				live_broadcast_lobby(g, now_ms);
			else if (due < next)
				next = due;
		}
		if (g->state == LIVE_QUESTION && !g->closed) {
			if (now_ms >= g->ends_at)
				live_close_question(g);
			else if (g->ends_at < next)
				next = g->ends_at;
		}
		if (g->state != LIVE_ENDED && g->host_listeners == 0 &&
		    now_ms - g->host_left_at >= LIVE_HOST_ABSENT_MS)
			live_end(svc.db, g, now_ms);
		if (g->state == LIVE_ENDED && !g->listeners && !g->writes_pending &&
		    now_ms - g->ended_at >= LIVE_ENDED_KEEP_MS) {
			*pp = g->next;
			game_free(g);
			continue;
		}
		pp = &g->next;
	}
	return next;
}

static void *timer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&live_lock);
	while (!svc.stopping) {
		refresh_games(clock_now_ms());
		if (svc.stopping)
			break;
		int64_t now = clock_now_ms();
		int64_t next = timer_pass(now);
		int64_t wait_ms = next - now;
		if (wait_ms < 1)
			wait_ms = 1;
		if (wait_ms > LIVE_TIMER_MAX_SLEEP_MS)
			wait_ms = LIVE_TIMER_MAX_SLEEP_MS;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += wait_ms / 1000;
		ts.tv_nsec += (wait_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&svc.wake, &live_lock, &ts);
	}
	pthread_mutex_unlock(&live_lock);
	return NULL;
}

void live_timer_poke(void)
{
	pthread_cond_signal(&svc.wake);
}

int live_service_start(struct db *db, char *err, size_t errlen)
{
	svc.db = db;
	svc.stopping = false;
	svc.quiesced = false;
	int rc = pthread_create(&svc.timer, NULL, timer_main, NULL);
	if (rc) {
		snprintf(err, errlen, "live games: cannot start the timer: %s", strerror(rc));
		svc.db = NULL;
		return -1;
	}
	svc.started = true;
	return 0;
}

void live_service_quiesce(void)
{
	pthread_mutex_lock(&live_lock);
	svc.quiesced = true;
	for (struct live_game *g = svc.games; g; g = g->next)
		for (struct live_listener *l = g->listeners; l; l = l->next) {
			l->ended = true;
			l->wake(l->wake_ctx);
		}
	pthread_mutex_unlock(&live_lock);
}

void live_service_stop(void)
{
	if (svc.started) {
		pthread_mutex_lock(&live_lock);
		svc.stopping = true;
		pthread_cond_signal(&svc.wake);
		pthread_mutex_unlock(&live_lock);
		pthread_join(svc.timer, NULL);
	}
	while (svc.games) {
		struct live_game *g = svc.games;
		svc.games = g->next;
		game_free(g);
	}
	db_close(svc.db);
	svc.db = NULL;
	svc.started = false;
}
