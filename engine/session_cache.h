/* session_cache.h - the sessions one worker thread looked up, kept for a
 * bounded time so a participant answering question after question costs
 * one storage read per SESSION_CACHE_MS, not one per request. */
#ifndef QUIZ_SESSION_CACHE_H
#define QUIZ_SESSION_CACHE_H

#include <stdint.h>

#include "db_account.h"

struct db;
struct http_session_render;

/* How long an entry is trusted without asking storage. Revocations made in
 * this process (account_revocations) drop every entry at once; one made
 * through another instance (a logout, a disabled account, a changed role,
 * an erasure) reaches this one within this bound, well inside the second
 * issue 14 allows. */
#define SESSION_CACHE_MS 500

/* One thread's cache (not shared between threads). */
struct session_cache;

struct session_cache *session_cache_new(void);
/* Frees a cache; accepts NULL. Its type fits pthread_key_create. */
void session_cache_free(void *cache);

/* The user of token's live session: from the cache while its entry is
 * younger than SESSION_CACHE_MS (by clock now_ms), within the session's
 * expiry and no session was revoked in this process since; else from
 * storage (account_session_find) on db, and kept. 1 found (*user filled,
 * *render set to the entry's rendering place, which lives as long as the
 * entry: see struct req), 0 not a live session, -1 storage error
 * (db_errmsg). */
int session_cache_find(struct session_cache *cache, struct db *db, const char *token,
		       int64_t now_ms, struct db_user *user, struct http_session_render **render);

#endif
