/* http_session.c - who is asking: the session token from the Bearer
 * header or the sid cookie, looked up through each worker thread's
 * session_cache (trusted for SESSION_CACHE_MS); the CSRF check of cookie
 * writes. */
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "clock.h"
#include "http_priv.h"
#include "session_cache.h"

static const char *cookie_sid(struct MHD_Connection *c)
{
	return MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "sid");
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
	struct session_cache *cache = pthread_getspecific(srv->session_cache_key);
	if (!cache) {
		cache = session_cache_new();
		pthread_setspecific(srv->session_cache_key, cache);
	}
	int rc = session_cache_find(cache, r->db, token, clock_now_ms(), &r->user, &r->render);
	if (rc <= 0)
		return rc;
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
