/* session_cache.c - a worker thread's sessions, trusted for a bounded time. */
#include "session_cache.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "auth.h"
#include "http.h"
#include "util.h"

/* Direct-mapped by token: with 256 slots a few hundred busy participants
 * on one worker evicted each other (about four in ten requests went to
 * storage in bench_quiz's 256 participants); 4096 keep that near 3%. A
 * slot's entry (about 2 KB) is made on first use, so a worker holds only
 * the entries of the sessions it has seen (at most 4096). */
#define SESSION_CACHE_SLOTS 4096

struct session_cached {
	char token[AUTH_TOKEN_LEN + 1];
	struct db_user user;
	struct http_session_render render;
	int64_t until;
	uint64_t epoch;
	bool used;
};

struct session_cache {
	struct session_cached *slots[SESSION_CACHE_SLOTS];
};

struct session_cache *session_cache_new(void)
{
	return xcalloc(1, sizeof(struct session_cache));
}

void session_cache_free(void *cache)
{
	struct session_cache *c = cache;
	if (!c)
		return;
	for (size_t i = 0; i < SESSION_CACHE_SLOTS; i++)
		free(c->slots[i]);
	free(c);
}

static struct session_cached *slot_of(struct session_cache *cache, const char *token)
{
	/* Tokens are random: a few of their characters spread them evenly. */
	unsigned h = 2166136261u;
	for (int i = 0; i < 8; i++)
		h = (h ^ (unsigned char)token[i]) * 16777619u;
	struct session_cached **slot = &cache->slots[h % SESSION_CACHE_SLOTS];
	if (!*slot)
		*slot = xcalloc(1, sizeof **slot);
	return *slot;
}

int session_cache_find(struct session_cache *cache, struct db *db, const char *token,
		       int64_t now_ms, struct db_user *user, struct http_session_render **render)
{
	if (!token || strlen(token) != AUTH_TOKEN_LEN)
		return 0;
	uint64_t epoch = account_revocations();
	struct session_cached *e = slot_of(cache, token);
	if (e->used && e->epoch == epoch && now_ms < e->until &&
	    memcmp(e->token, token, AUTH_TOKEN_LEN) == 0) {
		*user = e->user;
		*render = &e->render;
		return 1;
	}
	e->used = false;
	e->render.len = 0;
	int64_t expires = 0;
	int rc = account_session_find(db, token, now_ms, user, &expires);
	if (rc <= 0)
		return rc;
	memcpy(e->token, token, AUTH_TOKEN_LEN + 1);
	e->user = *user;
	e->until = now_ms + SESSION_CACHE_MS < expires ? now_ms + SESSION_CACHE_MS : expires;
	e->epoch = epoch;
	e->used = true;
	*render = &e->render;
	return 1;
}
