/* http_session.c - who is asking: the session token from the Bearer
 * header or the sid cookie, looked up through the account module and kept
 * per worker thread for up to a second; the CSRF check of cookie writes. */
#include <string.h>
#include <strings.h>

#include "account.h"
#include "auth.h"
#include "clock.h"
#include "http_priv.h"

static const char *cookie_sid(struct MHD_Connection *c)
{
	return MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "sid");
}

/* Each worker thread keeps the sessions it looked up in the last second,
 * so a participant answering question after question costs one storage
 * read per second, not one per request. Entries die after
 * HTTP_SESSION_CACHE_MS, at the session's expiry, or when this process
 * revokes any session (account_revocations() moves). */
#define SESSION_CACHE_SLOTS 256

struct session_cached {
	char token[AUTH_TOKEN_LEN + 1];
	struct db_user user;
	struct http_session_render render;
	int64_t until;
	uint64_t epoch;
	bool used;
};

static struct session_cached *session_slot(struct http_server *srv, const char *token)
{
	struct session_cached *cache = pthread_getspecific(srv->session_cache_key);
	if (!cache) {
		cache = xcalloc(SESSION_CACHE_SLOTS, sizeof *cache);
		pthread_setspecific(srv->session_cache_key, cache);
	}
	/* Tokens are random: a few of their characters spread them evenly. */
	unsigned h = 2166136261u;
	for (int i = 0; i < 8; i++)
		h = (h ^ (unsigned char)token[i]) * 16777619u;
	unsigned slot = h % SESSION_CACHE_SLOTS;
	return &cache[slot];
}

int http_session_authenticate(struct http_server *srv, struct req *r)
{
	struct MHD_Connection *c = r->conn_;
	const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	const char *token = NULL;
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		token = authz + 7;
		while (*token == ' ')
			token++;
	} else if ((token = cookie_sid(c))) {
		r->via_cookie = true;
	}
	if (!token || strlen(token) != AUTH_TOKEN_LEN)
		return 0;
	int64_t now = clock_now_ms();
	uint64_t epoch = account_revocations();
	struct session_cached *e = session_slot(srv, token);
	if (e->used && e->epoch == epoch && now < e->until &&
	    memcmp(e->token, token, AUTH_TOKEN_LEN) == 0) {
		r->user = e->user;
	} else {
		e->used = false;
		e->render.len = 0;
		int64_t expires = 0;
		int rc = account_session_find(r->db, token, now, &r->user, &expires);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return 0;
		memcpy(e->token, token, AUTH_TOKEN_LEN + 1);
		e->user = r->user;
		e->until = now + HTTP_SESSION_CACHE_MS < expires ? now + HTTP_SESSION_CACHE_MS
								 : expires;
		e->epoch = epoch;
		e->used = true;
	}
	r->render = &e->render;
	r->authed = true;
	util_strlcpy(r->token, token, sizeof r->token);
	return 0;
}

bool http_session_csrf_ok(struct req *r)
{
	if (!r->via_cookie)
		return true;
	if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))
		return true;
	const char *sent = MHD_lookup_connection_value(r->conn_, MHD_HEADER_KIND, "X-CSRF-Token");
	if (!sent)
		return false;
	char want[AUTH_TOKEN_LEN + 1];
	auth_csrf_token(r->token, want);
	return auth_equal(sent, want);
}
