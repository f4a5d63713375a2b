/* live_events.c - what the listeners of a live game read: each event is
 * rendered once into a chain the game keeps, and every listener reads the
 * chain from its own place, so an event costs one rendering and one wake
 * per listener, and a listener holds no copy of it. A scores event leaves
 * each player's own rank to be added when that player reads it. Events
 * every listener has read leave the chain. All with live_lock held. */
#include "live_priv.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

/* ---- the chain ---------------------------------------------------------- */

static struct live_event *event_new(const char *name, const char *data, size_t data_len)
{
	size_t head = strlen("event: ") + strlen(name) + strlen("\ndata: ");
	struct live_event *e = xcalloc(1, sizeof *e + head + data_len + 3);
	e->len = (size_t)snprintf(e->text, head + 1, "event: %s\ndata: ", name);
	memcpy(e->text + e->len, data, data_len);
	e->len += data_len;
	return e;
}

/* A complete event ("\n\n" added) from JSON. */
static struct live_event *event_json(const char *name, json_t *data)
{
	char *text = json_dumps(data, JSON_COMPACT);
	struct live_event *e = event_new(name, text ? text : "{}", text ? strlen(text) : 2);
	memcpy(e->text + e->len, "\n\n", 2);
	e->len += 2;
	free(text);
	return e;
}

static void event_free(struct live_event *e)
{
	free(e->ranks);
	free(e);
}

static void event_release(struct live_event *e)
{
	if (e && --e->holds == 0 && !e->in_chain && !e->readers)
		event_free(e);
}

/* Drops the events at the head of the chain that nobody reads any more
 * (the last one stays: new listeners start from it). */
static void prune(struct live_game *g)
{
	while (g->events != g->events_tail && g->events->readers == 0) {
		struct live_event *e = g->events;
		g->events = e->next;
		e->in_chain = false;
		if (!e->holds)
			event_free(e);
	}
}

/* Appends e to the chain and wakes every listener. */
static void append(struct live_game *g, struct live_event *e)
{
	e->in_chain = true;
	g->events_tail->next = e;
	g->events_tail = e;
	for (struct live_listener *l = g->listeners; l; l = l->next)
		if (!l->ended)
			l->wake(l->wake_ctx);
	prune(g);
}

void live_events_init(struct live_game *g)
{
	/* an empty event to stand on */
	g->events = g->events_tail = xcalloc(1, sizeof *g->events);
	g->events->in_chain = true;
}

void live_events_cleanup(struct live_game *g)
{
	/* no listener is left, so nothing else holds an event */
	struct live_event *lobby = g->lobby;
	g->lobby = NULL;
	while (g->events) {
		struct live_event *e = g->events;
		g->events = e->next;
		if (e == lobby)
			lobby = NULL;
		event_free(e);
	}
	if (lobby)
		event_free(lobby);
	g->events_tail = NULL;
}

/* ---- the events --------------------------------------------------------- */

static json_t *lobby_json(const struct live_game *g)
{
	json_t *names = json_array();
	for (size_t i = 0; i < g->nplayers; i++)
		json_array_append_new(names, json_string(g->players[i].nickname));
	return json_pack("{s:o}", "players", names);
}

static json_t *question_json(const struct live_game *g, int64_t now_ms)
{
	const struct db_live_question *q = &g->questions[g->index];
	json_t *opts = json_array();
	for (size_t i = 0; i < q->noptions; i++)
		json_array_append_new(opts,
				      json_pack("{s:I,s:s}", "id", (json_int_t)q->options[i].id,
						"text", q->options[i].text));
	char ends[32];
	clock_format(g->ends_at, ends);
	int64_t left = g->ends_at - now_ms;
	return json_pack("{s:I,s:I,s:s,s:o,s:s,s:I,s:I}", "index", (json_int_t)g->index, "count",
			 (json_int_t)g->nquestions, "stem", q->stem, "options", opts, "ends_at",
			 ends, "remaining_ms", (json_int_t)(left > 0 ? left : 0), "seconds",
			 (json_int_t)g->seconds);
}

static json_t *closed_json(const struct live_game *g)
{
	const struct db_live_question *q = &g->questions[g->index];
	json_t *right = json_array(), *dist = json_object();
	for (size_t i = 0; i < q->noptions; i++) {
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)q->options[i].id);
		json_object_set_new(dist, key, json_integer(g->distribution[i]));
		if (q->options[i].correct)
			json_array_append_new(right, json_integer(q->options[i].id));
	}
	return json_pack("{s:I,s:o,s:o}", "index", (json_int_t)g->index, "correct_choices", right,
			 "distribution", dist);
}

static int by_score(const void *a, const void *b)
{
	const struct live_player *x = *(struct live_player *const *)a;
	const struct live_player *y = *(struct live_player *const *)b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int by_player(const void *a, const void *b)
{
	const struct live_rank *x = a, *y = b;
	return x->player_id < y->player_id ? -1 : x->player_id > y->player_id;
}

/* The scores (or end) event: the top LIVE_TOP as shared text without its
 * closing brace, and every player's rank (ties share the rank of the
 * first) for the ending each player reads. */
static struct live_event *scores_event(const struct live_game *g, const char *name)
{
	struct live_player **order = xcalloc(g->nplayers + 1, sizeof *order);
	struct live_rank *ranks = xcalloc(g->nplayers + 1, sizeof *ranks);
	for (size_t i = 0; i < g->nplayers; i++)
		order[i] = (struct live_player *)&g->players[i];
	qsort(order, g->nplayers, sizeof *order, by_score);
	json_t *top = json_array();
	for (size_t i = 0; i < g->nplayers; i++) {
		bool tie = i > 0 && order[i]->score == order[i - 1]->score;
		ranks[i] =
			(struct live_rank){ order[i]->id, tie ? ranks[i - 1].rank : (int64_t)i + 1,
					    order[i]->score };
		if (i < LIVE_TOP)
			json_array_append_new(top,
					      json_pack("{s:s,s:I}", "nickname", order[i]->nickname,
							"score", (json_int_t)order[i]->score));
	}
	qsort(ranks, g->nplayers, sizeof *ranks, by_player);
	json_t *shared = json_pack("{s:o}", "top", top);
	char *text = json_dumps(shared, JSON_COMPACT);
	json_decref(shared);
	size_t len = strlen(text);
	/* without the closing brace: each listener ends it */
	struct live_event *e = event_new(name, text, len - 1);
	free(text);
	e->personal = true;
	e->ranks = ranks;
	e->nranks = g->nplayers;
	free(order);
	return e;
}

/* The ending of a personal event for listener l, appended to its own text. */
static void personal_ending(const struct live_event *e, struct live_listener *l)
{
	struct live_rank key = { .player_id = l->player_id };
	const struct live_rank *r =
		l->player_id ? bsearch(&key, e->ranks, e->nranks, sizeof key, by_player) : NULL;
	if (r)
		sb_printf(&l->own, ",\"you\":{\"rank\":%lld,\"score\":%lld}}\n\n",
			  (long long)r->rank, (long long)r->score);
	else
		sb_puts(&l->own, "}\n\n");
}

static struct live_event *lobby_event(struct live_game *g)
{
	json_t *j = lobby_json(g);
	struct live_event *e = event_json("lobby", j);
	json_decref(j);
	e->nplayers = g->nplayers;
	return e;
}

void live_broadcast_lobby(struct live_game *g, int64_t now_ms)
{
	/* (a clock moved back sends at once) */
	if (now_ms >= g->lobby_sent_at && now_ms - g->lobby_sent_at < LIVE_LOBBY_EVERY_MS) {
		g->lobby_due = true;
		live_timer_poke();
		return;
	}
	g->lobby_due = false;
	g->lobby_sent_at = now_ms;
	struct live_event *e = lobby_event(g);
	if (g->lobby) {
		g->lobby->superseded = true;
		event_release(g->lobby);
	}
	e->holds++;
	g->lobby = e;
	append(g, e);
}

void live_broadcast_question(struct live_game *g, int64_t now_ms)
{
	json_t *j = question_json(g, now_ms);
	append(g, event_json("question", j));
	json_decref(j);
}

void live_close_question(struct live_game *g)
{
	if (g->state != LIVE_QUESTION || g->closed)
		return;
	g->closed = true;
	json_t *j = closed_json(g);
	append(g, event_json("closed", j));
	json_decref(j);
	append(g, scores_event(g, "scores"));
}

void live_broadcast_end(struct live_game *g)
{
	append(g, scores_event(g, "end"));
}

/* ---- listeners ---------------------------------------------------------- */

/* Appends e's text (and, for a personal event, l's ending) to l's own. */
static void own_event(struct live_listener *l, struct live_event *e)
{
	sb_append(&l->own, e->text, e->len);
	if (e->personal)
		personal_ending(e, l);
	if (!e->holds && !e->in_chain)
		event_free(e);
}

void live_listener_attach(struct live_game *g, struct live_listener *l, int64_t now_ms)
{
	l->game = g;
	l->at = g->events_tail;
	l->at_off = l->at->len;
	l->at->readers++;
	sb_puts(&l->own, "retry: 2000\n\n");
	if (g->state == LIVE_LOBBY) {
		/* the lobby as rendered for everyone, unless players came since */
		if (!g->lobby || g->lobby->nplayers != g->nplayers) {
			event_release(g->lobby);
			g->lobby = lobby_event(g);
			g->lobby->holds++;
		}
		l->greeting = g->lobby;
		l->greeting->holds++;
		return;
	}
	if (g->state == LIVE_QUESTION && !g->closed) {
		json_t *j = question_json(g, now_ms);
		const struct live_player *pl = live_player_by_id(g, l->player_id);
		if (pl)
			json_object_set_new(j, "answered",
					    json_boolean(pl->answered_index == g->index));
		own_event(l, event_json("question", j));
		json_decref(j);
		return;
	}
	/* A closed question or the end: the last question, its result and the
	 * scores. */
	if (g->index >= 0) {
		json_t *q = question_json(g, now_ms), *c = closed_json(g);
		own_event(l, event_json("question", q));
		own_event(l, event_json("closed", c));
		json_decref(q);
		json_decref(c);
	}
	own_event(l, scores_event(g, g->state == LIVE_ENDED ? "end" : "scores"));
	if (g->state == LIVE_ENDED)
		l->ended = true;
}

void live_listener_detach(struct live_listener *l)
{
	event_release(l->greeting);
	l->greeting = NULL;
	l->at->readers--;
	prune(l->game);
	sb_cleanup(&l->own);
}

/* Copies up to max bytes of text from at offset *off. */
static size_t take(char *buf, size_t max, const char *text, size_t len, size_t *off)
{
	size_t n = len - *off < max ? len - *off : max;
	memcpy(buf, text + *off, n);
	*off += n;
	return n;
}

long live_listener_read(void *listener, char *buf, size_t max)
{
	struct live_listener *l = listener;
	pthread_mutex_lock(&live_lock);
	size_t n = 0;
	while (n < max) {
		if (l->own_sent < l->own.len) {
			n += take(buf + n, max - n, l->own.data, l->own.len, &l->own_sent);
			if (l->own_sent == l->own.len) {
				/* mostly a few bytes: held only while unread */
				sb_cleanup(&l->own);
				l->own_sent = 0;
			}
			continue;
		}
		if (l->greeting) {
			n += take(buf + n, max - n, l->greeting->text, l->greeting->len,
				  &l->greeting_off);
			if (l->greeting_off == l->greeting->len) {
				event_release(l->greeting);
				l->greeting = NULL;
			}
			continue;
		}
		if (l->at_off < l->at->len) {
			n += take(buf + n, max - n, l->at->text, l->at->len, &l->at_off);
			if (l->at_off == l->at->len && l->at->personal)
				personal_ending(l->at, l);
			continue;
		}
		struct live_event *next = l->at->next;
		if (!next)
			break;
		next->readers++;
		l->at->readers--;
		l->at = next;
		/* a lobby with a newer one behind it says nothing new */
		l->at_off = next->superseded ? next->len : 0;
		prune(l->game);
	}
	bool over = n == 0 && l->ended;
	pthread_mutex_unlock(&live_lock);
	return over ? -1 : (long)n;
}
