/* http.c - libmicrohttpd glue: connection state, body cap, routing, the
 * checks before any handler, responses, starting and stopping. Sessions
 * are in http_session.c, web pages in http_static.c, the access log and
 * metrics in http_log.c. */
#include "http_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app.h"
#include "auth.h"
#include "db.h"
#include "session_cache.h"

/* The pages hold no inline script or style (tests/web checks them under
 * this policy); data: images are the QR codes drawn as data URIs. */
#define HTTP_CSP                                                                                   \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/* ---- responses ---------------------------------------------------------- */

static void resp_clear_body(struct resp *out)
{
	json_decref(out->json);
	out->json = NULL;
	free(out->body);
	out->body = NULL;
	out->body_len = 0;
	out->content_type = NULL;
}

int resp_json(struct resp *out, int status, json_t *body)
{
	resp_clear_body(out);
	out->status = status;
	out->json = body;
	return 0;
}

int resp_error(struct resp *out, int status, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return resp_json(out, status,
			 json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
}

int resp_raw(struct resp *out, int status, const char *content_type, const char *body, size_t len)
{
	resp_clear_body(out);
	out->status = status;
	out->body = xmalloc(len + 1);
	memcpy(out->body, body, len);
	out->body[len] = '\0';
	out->body_len = len;
	out->content_type = content_type;
	return 0;
}

void resp_header(struct resp *out, const char *name, const char *value)
{
	if (out->nheaders >= 8)
		return;
	out->headers[out->nheaders][0] = xstrdup(name);
	out->headers[out->nheaders][1] = xstrdup(value);
	out->nheaders++;
}

/* ---- streamed answers --------------------------------------------------- */

struct http_stream {
	struct MHD_Connection *conn;
	pthread_mutex_t lock;
	bool suspended; /* the connection sleeps until a wake */
	bool pending; /* a wake came while the reader was running */
	http_stream_read read;
	void (*done)(void *ctx);
	void *ctx;
};

struct http_stream *http_stream_new(struct req *r)
{
	struct http_stream *s = xcalloc(1, sizeof *s);
	s->conn = r->conn_;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void http_stream_discard(struct http_stream *s)
{
	if (!s)
		return;
	if (s->done)
		s->done(s->ctx);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int resp_stream(struct resp *out, struct http_stream *s, const char *content_type,
		http_stream_read read, void (*done)(void *ctx), void *ctx)
{
	resp_clear_body(out);
	http_stream_discard(out->stream);
	s->read = read;
	s->done = done;
	s->ctx = ctx;
	out->stream = s;
	out->status = 200;
	out->content_type = content_type;
	return 0;
}

void http_stream_wake(void *ctx)
{
	struct http_stream *s = ctx;
	pthread_mutex_lock(&s->lock);
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	} else {
		s->pending = true;
	}
	pthread_mutex_unlock(&s->lock);
}

/* libmicrohttpd's content reader: with nothing to send, the connection is
 * suspended from inside the reader (the one place besides the access
 * handler where libmicrohttpd allows it), so a waiting listener costs no
 * thread and no polling; a wake resumes it and the reader runs again. */
static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct http_stream *s = cls;
	for (;;) {
		long n = s->read(s->ctx, buf, max);
		if (n > 0)
			return (ssize_t)n;
		if (n < 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
		pthread_mutex_lock(&s->lock);
		if (s->pending) {
			s->pending = false;
			pthread_mutex_unlock(&s->lock);
			continue;
		}
		s->suspended = true;
		MHD_suspend_connection(s->conn);
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
}

static void stream_free(void *cls)
{
	http_stream_discard(cls);
}

static void resp_cleanup(struct resp *out)
{
	http_stream_discard(out->stream);
	out->stream = NULL;
	resp_clear_body(out);
	for (int i = 0; i < out->nheaders; i++) {
		free(out->headers[i][0]);
		free(out->headers[i][1]);
	}
	out->nheaders = 0;
}

/* ---- request helpers ---------------------------------------------------- */

enum role http_role_of(const char *role)
{
	if (strcmp(role, "admin") == 0)
		return ROLE_ADMIN;
	if (strcmp(role, "unit_admin") == 0)
		return ROLE_UNIT_ADMIN;
	return ROLE_PARTICIPANT;
}

const char *http_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn_, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_request_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn_, MHD_HEADER_KIND, name);
}

const char *http_host(struct req *r)
{
	return http_request_header(r, "Host");
}

json_t *http_body_json(struct req *r, struct resp *out)
{
	json_error_t e;
	if (!r->body_len) {
		resp_error(out, 400, "bad_request", "A JSON body is required.");
		return NULL;
	}
	json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		resp_error(out, 400, "bad_request", "Malformed JSON at line %d, column %d: %s",
			   e.line, e.column, e.text);
		return NULL;
	}
	return j;
}

bool http_param_id(struct req *r, int i, int64_t *id)
{
	if (i >= r->nparams)
		return false;
	const char *s = r->params[i];
	int64_t v = 0;
	if (!*s || strlen(s) > 18)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	*id = v;
	return v > 0;
}

void http_suspend(struct req *r, int (*resume)(struct req *r, struct resp *out), void *ctx)
{
	r->resume = resume;
	r->resume_ctx = ctx;
	MHD_suspend_connection(r->conn_);
}

void http_wake(struct req *r)
{
	MHD_resume_connection(r->conn_);
}

/* ---- routing ------------------------------------------------------------ */

/* Matches path against pattern without allocating; on success the {name}
 * segments are recorded as (start, length) pairs in seg. */
struct segment {
	const char *start;
	size_t len;
};

static bool route_match(const char *pattern, const char *path, struct segment *seg, int *nseg)
{
	const char *p = pattern, *s = path;
	int n = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *se = strchr(s, '/');
			if (!se)
				se = s + strlen(s);
			if (se == s || n >= HTTP_MAX_PARAMS)
				return false;
			seg[n].start = s;
			seg[n].len = (size_t)(se - s);
			n++;
			p = pe + 1;
			s = se;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	*nseg = n;
	return true;
}

/* The hash of a path's first ROUTE_KEY_SLASHES segments ("/api/v1/attempts"
 * of "/api/v1/attempts/7/answers/3"), never 0. A pattern with no {name}
 * among them matches only paths of the same key, so the routes other keys
 * are skipped without matching; a pattern with one gets 0 (always tried). */
#define ROUTE_KEY_SLASHES 3

static uint32_t route_key(const char *path, bool is_pattern)
{
	uint32_t h = 2166136261u;
	int slashes = 0;
	for (const char *p = path; *p; p++) {
		if (*p == '/' && ++slashes > ROUTE_KEY_SLASHES)
			break;
		if (is_pattern && *p == '{')
			return 0;
		h = (h ^ (unsigned char)*p) * 16777619u;
	}
	return h | 1u;
}

static void find_route(struct conn_state *cs, const char *method, const char *url)
{
	struct http_server *srv = cs->srv;
	struct segment seg[HTTP_MAX_PARAMS];
	int nseg = 0;
	uint32_t key = route_key(url, false);
	cs->route_index = -1;
	for (size_t i = 0; i < srv->nroutes; i++) {
		const struct route *rt = &srv->routes[i];
		if (srv->route_keys[i] && srv->route_keys[i] != key)
			continue;
		if (!route_match(rt->pattern, url, seg, &nseg))
			continue;
		if (strcmp(rt->method, method) != 0) {
			cs->method_mismatch = true;
			continue;
		}
		cs->route = rt;
		cs->route_index = (ssize_t)i;
		for (int k = 0; k < nseg; k++)
			cs->req.params[k] = xstrndup(seg[k].start, seg[k].len);
		cs->req.nparams = nseg;
		return;
	}
}

/* ---- the access handler ------------------------------------------------- */

static struct db *thread_db(struct http_server *srv)
{
	struct db *db = pthread_getspecific(srv->db_key);
	if (!db) {
		db = srv->open_db(srv->app);
		pthread_setspecific(srv->db_key, db);
	}
	return db;
}

static enum MHD_Result queue(struct conn_state *cs, struct MHD_Connection *c, struct resp *out,
			     int fd, size_t fd_size)
{
	struct MHD_Response *r;
	char *text = NULL;
	size_t len = 0;
	if (out->stream) {
		/* the block size is what an unchunked (HTTP/1.0) stream's buffer
		 * holds; a chunked one writes into the connection's send buffer */
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, stream_reader,
						      out->stream, stream_free);
		if (r) {
			out->stream = NULL;
			MHD_add_response_header(r, "X-Accel-Buffering", "no");
		}
	} else if (fd >= 0) {
		r = MHD_create_response_from_fd(fd_size, fd);
		len = fd_size;
	} else if (out->body) {
		len = out->body_len;
		r = MHD_create_response_from_buffer(len, out->body, MHD_RESPMEM_MUST_FREE);
		out->body = NULL;
	} else if (out->json) {
		text = json_dumps(out->json, JSON_COMPACT);
		len = text ? strlen(text) : 0;
		r = MHD_create_response_from_buffer(len, text ? text : (char *)(uintptr_t) "",
						    text ? MHD_RESPMEM_MUST_FREE
							 : MHD_RESPMEM_PERSISTENT);
		out->content_type = "application/json; charset=utf-8";
	} else {
		r = MHD_create_response_from_buffer(0, (char *)(uintptr_t) "",
						    MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		return MHD_NO;
	if (out->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, out->content_type);
	bool cache_set = false;
	for (int i = 0; i < out->nheaders; i++)
		if (strcasecmp(out->headers[i][0], "Cache-Control") == 0)
			cache_set = true;
	if (!cache_set)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy", HTTP_CSP);
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	for (int i = 0; i < out->nheaders; i++)
		MHD_add_response_header(r, out->headers[i][0], out->headers[i][1]);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)out->status, r);
	MHD_destroy_response(r);

	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - cs->t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - cs->t0.tv_nsec) / 1e6;
	http_log_request(cs, out->status, len, ms);
	return ret;
}

/* The checks every route makes before its handler: the session, the
 * route's role, and the CSRF header of cookie writes. Returns true when the
 * request may go on; otherwise out holds the refusal. */
static bool admit(struct conn_state *cs, struct resp *out)
{
	struct req *r = &cs->req;
	const struct route *rt = cs->route;
	if (!r->db) {
		resp_error(out, 503, "unavailable", "The database cannot be opened.");
		return false;
	}
	if (http_session_authenticate(cs->srv, r) != 0) {
		resp_error(out, 500, "internal", "Storage error while checking the session.");
		return false;
	}
	if (rt->role != ROLE_PUBLIC) {
		if (!r->authed) {
			resp_error(out, 401, "unauthorized",
				   "Đăng nhập để tiếp tục. (Login required.)");
			return false;
		}
		if (http_role_of(r->user.role) < rt->role) {
			resp_error(out, 403, "forbidden",
				   "Tài khoản không có quyền này. (Not allowed.)");
			return false;
		}
	}
	if (r->authed && !http_session_csrf_ok(r)) {
		resp_error(out, 403, "forbidden",
			   "Thiếu hoặc sai X-CSRF-Token. (Missing or wrong X-CSRF-Token header.)");
		return false;
	}
	return true;
}

/* Runs the checks and the handler; fills out. */
static void dispatch(struct conn_state *cs, struct resp *out)
{
	struct req *r = &cs->req;
	/* A request with a body was admitted when its headers came in. */
	if (!cs->admitted && !admit(cs, out))
		return;
	if (cs->route->handler(r, out) != 0 && out->status == 0)
		resp_error(out, 500, "internal", "Internal error.");
}

/* ---- request bodies ----------------------------------------------------- */

/* Bodies above this size that will be refused are answered at once and the
 * connection closed without reading them. Smaller ones are read (and
 * dropped as they come) first: a client that has already sent its whole
 * body could otherwise lose the answer to the reset a close with unread
 * data causes. */
#define HTTP_EARLY_REFUSAL_BYTES (64u * 1024)

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The declared body length (Content-Length), or the route's limit for a
 * chunked body; 0 when the request has no body. */
static size_t expected_body(struct conn_state *cs, struct MHD_Connection *c, bool *declared)
{
	const char *cl =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	*declared = cl != NULL;
	if (cl) {
		unsigned long long n = strtoull(cl, NULL, 10);
		return n > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)n;
	}
	if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
		return cs->body_limit;
	return 0;
}

/* Takes n bytes from the process-wide budget of bodies in memory. */
static bool budget_take(struct http_server *srv, size_t n)
{
	size_t used = __atomic_load_n(&srv->body_budget_used, __ATOMIC_RELAXED);
	do {
		if (n > srv->body_budget || used > srv->body_budget - n)
			return false;
	} while (!__atomic_compare_exchange_n(&srv->body_budget_used, &used, used + n, true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return true;
}

static void budget_give(struct http_server *srv, size_t n)
{
	if (n)
		__atomic_fetch_sub(&srv->body_budget_used, n, __ATOMIC_RELAXED);
}

/* Decides from the headers what becomes of a request with a body: too
 * large (413), refused by the checks (401/403), or over the body budget
 * (503) are answered without keeping the body; an admitted body reserves
 * its size in the budget. Returns true when out holds a refusal that must
 * go at once (the body is not read and the connection closes). */
static bool judge_body(struct conn_state *cs, struct MHD_Connection *c, struct resp *out)
{
	bool declared = false;
	size_t expected = expected_body(cs, c, &declared);
	if (!expected)
		return false;
	cs->req.db = thread_db(cs->srv);
	if (!cs->route) {
		/* Pages, 404 and 405 read no body: a small one is dropped, a
		 * large one refused. */
		cs->drop_body = true;
		if (declared && expected <= HTTP_EARLY_REFUSAL_BYTES)
			return false;
		resp_error(out, 413, "too_large", "This request takes no body.");
	} else if (expected > cs->body_limit) {
		resp_error(out, 413, "too_large", "Request body larger than %zu bytes.",
			   cs->body_limit);
	} else if (!admit(cs, out)) {
		/* out holds the refusal */
	} else if (!budget_take(cs->srv, expected)) {
		resp_error(out, 503, "unavailable",
			   "Too many request bodies in progress; try again shortly.");
		resp_header(out, "Retry-After", "5");
		__atomic_fetch_add(&cs->srv->body_budget_refused, 1, __ATOMIC_RELAXED);
	} else {
		cs->budget_held = expected;
		cs->admitted = true;
		/* The session cache entry behind render may serve another
		 * request of this thread while the body comes in. */
		cs->req.render = NULL;
		return false;
	}
	cs->refused = true;
	if (declared && expected <= HTTP_EARLY_REFUSAL_BYTES && out->status != 503)
		return false;
	resp_header(out, "Connection", "close");
	return true;
}

/* Takes one chunk of a body: kept when admitted, dropped when refused.
 * Returns false when the connection must be cut (the body came too slowly,
 * or grew past what it declared). */
static bool take_chunk(struct conn_state *cs, const char *data, size_t n)
{
	const struct http_config *cfg = &cs->srv->cfg;
	/* A body gets the idle limit's time before its rate is held to
	 * --body-min-rate. */
	double took = seconds_since(&cs->t0), grace = cfg->connection_timeout_s;
	size_t got = cs->body_seen + n;
	if (took > grace && (double)got < (took - grace) * cfg->body_min_rate_kib * 1024.0)
		return false;
	cs->body_seen = got;
	if (cs->refused || cs->drop_body)
		return true;
	if (got > cs->budget_held)
		return false;
	sb_append(&cs->body, data, n);
	return true;
}

/* The first call of a request: headers only. Requests without a body
 * queue nothing here (libmicrohttpd 0.9.75 drops keep-alive when we do);
 * those with one are judged before a byte of it is read. */
static enum MHD_Result on_headers(struct http_server *srv, struct MHD_Connection *c,
				  const char *url, const char *method, void **con_cls)
{
	struct conn_state *cs = xcalloc(1, sizeof *cs);
	cs->srv = srv;
	clock_gettime(CLOCK_MONOTONIC, &cs->t0);
	sb_init(&cs->body);
	cs->req.app = srv->app;
	cs->req.method = method;
	cs->req.path = url;
	cs->req.conn_ = c;
	*con_cls = cs;
	http_client_address(srv, c, cs->req.client_addr, sizeof cs->req.client_addr);
	/* The headers are in: the header deadline no longer applies. */
	http_guard_headers_in(c);
	find_route(cs, method, url);
	cs->body_limit = cs->route && (cs->route->flags & ROUTE_UPLOAD) ? HTTP_BODY_UPLOAD
									: HTTP_BODY_DEFAULT;
	struct resp out = { 0 };
	enum MHD_Result ret = MHD_YES;
	if (judge_body(cs, c, &out))
		ret = queue(cs, c, &out, -1, 0);
	else if (cs->refused) {
		/* Answered once the small body has been read and dropped. */
		cs->refusal = out;
		memset(&out, 0, sizeof out);
	}
	resp_cleanup(&out);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct http_server *srv = cls;
	struct conn_state *cs = *con_cls;
	if (!cs)
		return on_headers(srv, c, url, method, con_cls);
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		return take_chunk(cs, upload_data, n) ? MHD_YES : MHD_NO;
	}

	struct resp out = { 0 };
	int fd = -1;
	size_t fd_size = 0;
	struct req *r = &cs->req;
	if (cs->suspended) {
		/* Woken after http_wake: the handler's second half answers. */
		cs->suspended = false;
		int (*resume)(struct req *, struct resp *) = r->resume;
		r->resume = NULL;
		if (resume(r, &out) != 0 && out.status == 0)
			resp_error(&out, 500, "internal", "Internal error.");
		goto respond;
	}
	r->body = cs->body.data ? cs->body.data : "";
	r->body_len = cs->body.len;
	const char *ct =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	r->content_type = ct ? ct : "";
	r->db = thread_db(srv);

	if (cs->refused) {
		out = cs->refusal;
		memset(&cs->refusal, 0, sizeof cs->refusal);
	} else if (cs->route) {
		dispatch(cs, &out);
		if (r->resume) {
			cs->suspended = true;
			resp_cleanup(&out);
			return MHD_YES;
		}
	} else if (!cs->method_mismatch && (!strcmp(method, "GET") || !strcmp(method, "HEAD")) &&
		   strncmp(url, "/api/", 5) != 0 &&
		   http_static_serve(srv, c, url, &out, &fd, &fd_size)) {
		cs->route_index = (ssize_t)srv->nroutes;
	} else if (cs->method_mismatch) {
		resp_error(&out, 405, "method_not_allowed", "Method %s not allowed on %s.", method,
			   url);
	} else {
		resp_error(&out, 404, "not_found", "No such resource: %s", url);
	}
respond:;
	enum MHD_Result ret = queue(cs, c, &out, fd, fd_size);
	resp_cleanup(&out);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	struct conn_state *cs = *con_cls;
	/* Until the next request's headers are in, the header deadline. */
	http_guard_request_done(c);
	if (!cs)
		return;
	for (int i = 0; i < cs->req.nparams; i++)
		free(cs->req.params[i]);
	sb_cleanup(&cs->body);
	resp_cleanup(&cs->refusal);
	budget_give(cs->srv, cs->budget_held);
	free(cs);
	*con_cls = NULL;
}

static void close_thread_db(void *p)
{
	db_close(p);
}

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return -1;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (!host[0] || !strcmp(host, "0.0.0.0") || !strcmp(host, "*"))
		sa->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (!strcmp(host, "localhost"))
		sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	return 0;
}

/* Fills the limits left at 0 with their defaults. */
static void config_defaults(struct http_config *cfg)
{
	if (!cfg->connection_limit)
		cfg->connection_limit = 4096;
	if (!cfg->connection_timeout_s)
		cfg->connection_timeout_s = 30;
	if (!cfg->per_ip_connection_limit)
		cfg->per_ip_connection_limit = 256;
	if (!cfg->header_timeout_s)
		cfg->header_timeout_s = 10;
	if (!cfg->connection_memory_kib)
		cfg->connection_memory_kib = 8;
	if (cfg->header_timeout_s > cfg->connection_timeout_s)
		cfg->header_timeout_s = cfg->connection_timeout_s;
	if (!cfg->body_min_rate_kib)
		cfg->body_min_rate_kib = 8;
	if (!cfg->body_budget) {
		/* An eighth of the machine's memory, within 64 MiB..1 GiB. */
		long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
		size_t ram = pages > 0 && page > 0 ? (size_t)pages * (size_t)page : 0;
		size_t b = ram / 8;
		cfg->body_budget = b < (64u << 20) ? (64u << 20) : b > (1u << 30) ? (1u << 30) : b;
	}
}

bool http_metrics_allowed(struct req *r)
{
	const struct http_server *srv = r->app->http;
	if (http_addr_is_loopback(r->client_addr) ||
	    http_addr_in_list(&srv->metrics_allow, r->client_addr))
		return true;
	const char *want = srv->cfg.metrics_token;
	const char *authz = http_request_header(r, "Authorization");
	if (!want || !authz || strncasecmp(authz, "Bearer ", 7) != 0)
		return false;
	const char *sent = authz + 7 + strspn(authz + 7, " ");
	return auth_equal(sent, want);
}

struct http_server *http_start(const struct http_config *cfg, const struct route *routes,
			       size_t nroutes, struct app *app,
			       struct db *(*open_db)(struct app *app), char *err, size_t errlen)
{
	struct sockaddr_in sa;
	if (parse_listen(cfg->listen, &sa)) {
		snprintf(err, errlen, "bad listen address %s (want IPv4:PORT)", cfg->listen);
		return NULL;
	}
	struct http_server *srv = xcalloc(1, sizeof *srv);
	srv->cfg = *cfg;
	if (http_addr_list_parse(cfg->trusted_proxies, &srv->trusted_proxies, "--trusted-proxy",
				 err, errlen) ||
	    http_addr_list_parse(cfg->metrics_allow, &srv->metrics_allow, "--metrics-allow", err,
				 errlen)) {
		free(srv);
		return NULL;
	}
	config_defaults(&srv->cfg);
	srv->body_budget = srv->cfg.body_budget;
	srv->routes = routes;
	srv->nroutes = nroutes;
	srv->metrics = xcalloc(nroutes + 2, sizeof *srv->metrics);
	srv->route_keys = xcalloc(nroutes + 1, sizeof *srv->route_keys);
	for (size_t i = 0; i < nroutes; i++)
		srv->route_keys[i] = route_key(routes[i].pattern, true);
	srv->app = app;
	srv->open_db = open_db;
	srv->web_dir = cfg->web_dir ? xstrdup(cfg->web_dir) : NULL;
	srv->chartjs = xstrdup(cfg->chartjs ? cfg->chartjs : HTTP_CHARTJS_DEFAULT);
	pthread_key_create(&srv->db_key, close_thread_db);
	pthread_key_create(&srv->session_cache_key, session_cache_free);
	http_log_start(srv);
	if (http_guard_start(srv)) {
		snprintf(err, errlen, "cannot start the header deadline thread");
		http_stop(srv);
		return NULL;
	}
	int threads = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			MHD_USE_TURBO,
		0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT,
		srv->cfg.connection_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		srv->cfg.per_ip_connection_limit,
		/* The idle limit; the header deadline is http_guard.c's. */
		MHD_OPTION_CONNECTION_TIMEOUT, srv->cfg.connection_timeout_s,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		/* libmicrohttpd zeroes a connection's pool between keep-alive
		 * requests; bodies are copied out as they arrive, so the pool only
		 * holds headers and the send buffer: 8 KiB is plenty (the default
		 * 32 KiB doubles the zeroing), and an event stream, whose send
		 * buffer stays touched for as long as it is open, costs half of
		 * 16 KiB (bench_live: KB per connected player). */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)srv->cfg.connection_memory_kib * 1024,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
		http_guard_notify, srv, MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(err, errlen, "cannot listen on %s: %s", cfg->listen, strerror(errno));
		http_stop(srv);
		return NULL;
	}
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : ntohs(sa.sin_port);
	return srv;
}

unsigned http_port(const struct http_server *s)
{
	return s->port;
}

void http_stop(struct http_server *s)
{
	if (!s)
		return;
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	http_guard_stop(s);
	http_log_stop(s);
	pthread_key_delete(s->db_key);
	pthread_key_delete(s->session_cache_key);
	free(s->metrics);
	free(s->route_keys);
	free(s->web_dir);
	free(s->chartjs);
	free(s);
}
