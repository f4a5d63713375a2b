/* http.c - libmicrohttpd glue: connection state, body cap, routing, auth,
 * CSRF, static files, access log and metrics. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "auth.h"
#include "clock.h"
#include "db.h"
#include "util.h"

#define N_BUCKETS 14
static const double bucket_ms[N_BUCKETS] = { 0.5, 1,   2.5, 5,    10,   25,   50,
					     100, 250, 500, 1000, 2500, 5000, 10000 };

struct route_metrics {
	uint64_t by_class[6]; /* 1xx..5xx at index 1..5 */
	uint64_t buckets[N_BUCKETS];
	uint64_t count;
	uint64_t sum_us;
};

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_config cfg;
	const struct route *routes;
	size_t nroutes;
	struct route_metrics *metrics; /* nroutes + 2: static files, unmatched */
	struct app *app;
	struct db *(*open_db)(struct app *app);
	pthread_key_t db_key;
	pthread_key_t session_cache_key;
	unsigned port;
	char *web_dir;
	/* Access log lines wait here and go to standard error in one write
	 * when 32 KiB have gathered, or within a second (the flusher thread),
	 * so the log costs a copy per request instead of a system call. */
	pthread_mutex_t log_lock;
	struct strbuf log_buf;
	pthread_t log_thread;
	bool log_thread_started;
	bool stopping;
	pthread_cond_t log_wake;
};

#define LOG_FLUSH_BYTES (32u * 1024)

struct conn_state {
	struct http_server *srv;
	struct req req;
	const struct route *route;
	ssize_t route_index; /* -1 unmatched; nroutes: static */
	bool method_mismatch;
	struct strbuf body;
	size_t body_limit;
	bool too_large;
	bool suspended;
	struct timespec t0;
};

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

static void resp_cleanup(struct resp *out)
{
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

const char *http_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn_, MHD_HEADER_KIND, name);
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

static void find_route(struct conn_state *cs, const char *method, const char *url)
{
	struct http_server *srv = cs->srv;
	struct segment seg[HTTP_MAX_PARAMS];
	int nseg = 0;
	cs->route_index = -1;
	for (size_t i = 0; i < srv->nroutes; i++) {
		const struct route *rt = &srv->routes[i];
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

/* ---- authentication ----------------------------------------------------- */

static const char *cookie_sid(struct MHD_Connection *c)
{
	return MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "sid");
}

/* Each worker thread keeps the sessions it looked up in the last second,
 * so a participant answering question after question costs one storage
 * read per second, not one per request. Entries die after
 * HTTP_SESSION_CACHE_MS, at the session's expiry, or when this process
 * revokes any session (the epoch moves). */
#define SESSION_CACHE_SLOTS 256

struct session_cached {
	unsigned char hash[32];
	struct db_user user;
	struct http_session_render render;
	int64_t until;
	uint64_t epoch;
	bool used;
};

static uint64_t session_epoch;

void http_sessions_changed(void)
{
	__atomic_add_fetch(&session_epoch, 1, __ATOMIC_ACQ_REL);
}

static struct session_cached *session_slot(struct http_server *srv, const unsigned char hash[32])
{
	struct session_cached *cache = pthread_getspecific(srv->session_cache_key);
	if (!cache) {
		cache = xcalloc(SESSION_CACHE_SLOTS, sizeof *cache);
		pthread_setspecific(srv->session_cache_key, cache);
	}
	unsigned slot = ((unsigned)hash[0] | (unsigned)hash[1] << 8) % SESSION_CACHE_SLOTS;
	return &cache[slot];
}

/* Fills r->user when a valid token came; returns -1 on a storage error. */
static int authenticate(struct http_server *srv, struct req *r)
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
	unsigned char hash[32];
	auth_token_hash(token, hash);
	int64_t now = clock_now_ms();
	uint64_t epoch = __atomic_load_n(&session_epoch, __ATOMIC_ACQUIRE);
	struct session_cached *e = session_slot(srv, hash);
	if (e->used && e->epoch == epoch && now < e->until && memcmp(e->hash, hash, 32) == 0) {
		r->user = e->user;
	} else {
		e->used = false;
		e->render.len = 0;
		int64_t expires = 0;
		int rc = db_session_user(r->db, hash, now, &r->user, &expires);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return 0;
		memcpy(e->hash, hash, 32);
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

static bool csrf_ok(struct req *r)
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

/* ---- static files ------------------------------------------------------- */

static const char *mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return "application/octet-stream";
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".webmanifest", "application/manifest+json" },
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcasecmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

/* Pages, scripts and styles go out gzip-compressed to clients that take it:
 * most users are on phones with poor connections, and text shrinks to a
 * third or less. */
static bool compressible(const char *type)
{
	return strncmp(type, "text/", 5) == 0 || strcmp(type, "application/json") == 0 ||
	       strcmp(type, "image/svg+xml") == 0 || strcmp(type, "application/manifest+json") == 0;
}

static bool accepts_gzip(const char *accept)
{
	const char *g = accept ? strcasestr(accept, "gzip") : NULL;
	if (!g)
		return false;
	/* "gzip;q=0" refuses it. */
	const char *q = g + 4 + strspn(g + 4, " ");
	if (*q != ';')
		return true;
	q += 1 + strspn(q + 1, " ");
	return strncmp(q, "q=", 2) != 0 || strtod(q + 2, NULL) > 0;
}

/* Reads len bytes of fd and returns them gzip-compressed (new buffer, its
 * length in *out_len), or NULL. */
static char *gzip_file(int fd, size_t len, size_t *out_len)
{
	char *raw = xmalloc(len ? len : 1), *z = NULL;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, raw + got, len - got);
		if (n <= 0)
			goto out;
		got += (size_t)n;
	}
	z_stream zs = { 0 };
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		goto out;
	size_t cap = deflateBound(&zs, (uLong)len);
	z = xmalloc(cap);
	zs.next_in = (Bytef *)raw;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)z;
	zs.avail_out = (uInt)cap;
	int rc = deflate(&zs, Z_FINISH);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(z);
		z = NULL;
	}
out:
	free(raw);
	return z;
}

/* Serves a file under web_dir; returns true when the path names one. */
/* Serves a file under web_dir; returns true when the path names one. Pages
 * are revalidated with an ETag on every use, so a phone on a poor
 * connection gets a 304 of a few bytes instead of the file again, and an
 * upgrade is seen at once. */
static bool serve_static(struct http_server *srv, struct MHD_Connection *c, const char *url,
			 struct resp *out, int *fd_out, size_t *size_out)
{
	if (!srv->web_dir || strstr(url, "..") || url[0] != '/')
		return false;
	char path[1024];
	const char *rel = url[1] ? url + 1 : "index.html";
	snprintf(path, sizeof path, "%s/%s", srv->web_dir, rel);
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		size_t n = strlen(path);
		snprintf(path + n, sizeof path - n, "%sindex.html", path[n - 1] == '/' ? "" : "/");
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	const char *type = mime_of(path);
	bool gzip =
		st.st_size >= 256 && st.st_size <= (1 << 20) && compressible(type) &&
		accepts_gzip(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding"));
	char etag[80];
	snprintf(etag, sizeof etag, "\"%llx-%llx-%lx%s\"", (unsigned long long)st.st_mtim.tv_sec,
		 (unsigned long long)st.st_size, (long)st.st_mtim.tv_nsec, gzip ? "-gz" : "");
	resp_header(out, "ETag", etag);
	resp_header(out, "Cache-Control", "no-cache");
	resp_header(out, "Vary", "Accept-Encoding");
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		close(fd);
		out->status = 304;
		return true;
	}
	if (gzip) {
		size_t zlen = 0;
		char *z = gzip_file(fd, (size_t)st.st_size, &zlen);
		close(fd);
		if (!z)
			return false;
		resp_raw(out, 200, type, z, zlen);
		free(z);
		resp_header(out, "Content-Encoding", "gzip");
		return true;
	}
	out->status = 200;
	out->content_type = type;
	*fd_out = fd;
	*size_out = (size_t)st.st_size;
	return true;
}

/* ---- metrics and log ---------------------------------------------------- */

static void metrics_record(struct http_server *srv, ssize_t idx, int status, double ms)
{
	size_t i = idx < 0 ? srv->nroutes + 1 : (size_t)idx;
	struct route_metrics *m = &srv->metrics[i];
	int cls = status / 100;
	if (cls < 1 || cls > 5)
		cls = 5;
	__atomic_fetch_add(&m->by_class[cls], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->count, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->sum_us, (uint64_t)(ms * 1000), __ATOMIC_RELAXED);
	for (int b = 0; b < N_BUCKETS; b++)
		if (ms <= bucket_ms[b])
			__atomic_fetch_add(&m->buckets[b], 1, __ATOMIC_RELAXED);
}

static const char *metric_route_name(const struct http_server *s, size_t i, char *buf, size_t len)
{
	if (i < s->nroutes)
		snprintf(buf, len, "%s %s", s->routes[i].method, s->routes[i].pattern);
	else
		snprintf(buf, len, "%s", i == s->nroutes ? "static" : "unmatched");
	return buf;
}

void http_metrics_write(const struct http_server *s, struct strbuf *sb)
{
	char name[256];
	sb_puts(sb, "# HELP quiz_http_requests_total HTTP requests by route and status class.\n"
		    "# TYPE quiz_http_requests_total counter\n");
	for (size_t i = 0; i < s->nroutes + 2; i++) {
		const struct route_metrics *m = &s->metrics[i];
		metric_route_name(s, i, name, sizeof name);
		for (int c = 1; c <= 5; c++) {
			uint64_t v = __atomic_load_n(&m->by_class[c], __ATOMIC_RELAXED);
			if (v)
				sb_printf(sb,
					  "quiz_http_requests_total{route=\"%s\",code=\"%dxx\"} "
					  "%llu\n",
					  name, c, (unsigned long long)v);
		}
	}
	sb_puts(sb, "# HELP quiz_http_request_duration_seconds Request latency by route.\n"
		    "# TYPE quiz_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < s->nroutes + 2; i++) {
		const struct route_metrics *m = &s->metrics[i];
		uint64_t count = __atomic_load_n(&m->count, __ATOMIC_RELAXED);
		if (!count)
			continue;
		metric_route_name(s, i, name, sizeof name);
		for (int b = 0; b < N_BUCKETS; b++)
			sb_printf(sb,
				  "quiz_http_request_duration_seconds_bucket{route=\"%s\",le=\"%"
				  "g\"} %llu\n",
				  name, bucket_ms[b] / 1000.0,
				  (unsigned long long)__atomic_load_n(&m->buckets[b],
								      __ATOMIC_RELAXED));
		sb_printf(sb,
			  "quiz_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} "
			  "%llu\n",
			  name, (unsigned long long)count);
		sb_printf(sb, "quiz_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", name,
			  (double)__atomic_load_n(&m->sum_us, __ATOMIC_RELAXED) / 1e6);
		sb_printf(sb, "quiz_http_request_duration_seconds_count{route=\"%s\"} %llu\n", name,
			  (unsigned long long)count);
	}
}

/* Writes the gathered lines; the caller holds log_lock. */
static void log_flush_locked(struct http_server *srv)
{
	size_t off = 0;
	while (off < srv->log_buf.len) {
		ssize_t n = write(2, srv->log_buf.data + off, srv->log_buf.len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	srv->log_buf.len = 0;
}

static void *log_flusher(void *arg)
{
	struct http_server *srv = arg;
	pthread_mutex_lock(&srv->log_lock);
	while (!srv->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&srv->log_wake, &srv->log_lock, &until);
		log_flush_locked(srv);
	}
	pthread_mutex_unlock(&srv->log_lock);
	return NULL;
}

static char *put_text(char *p, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	memcpy(p, s, n);
	return p + n;
}

static char *put_uint(char *p, uint64_t v, int min_digits)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v || n < min_digits);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* The log line is assembled by hand: at tens of thousands of requests a
 * second, printf-style formatting was a tenth of the server's time. */
static void access_log(struct conn_state *cs, int status, size_t bytes, double ms)
{
	static _Thread_local int64_t stamp_sec = -1;
	static _Thread_local char stamp[32];
	struct http_server *srv = cs->srv;
	char line[1400], *p = line;
	int64_t now = clock_now_ms();
	if (now / 1000 != stamp_sec) {
		stamp_sec = now / 1000;
		clock_format(stamp_sec * 1000, stamp);
		stamp[19] = '\0'; /* keep "YYYY-MM-DDTHH:MM:SS" */
	}
	p = put_text(p, stamp, 19);
	*p++ = '.';
	p = put_uint(p, (uint64_t)(now % 1000), 3);
	*p++ = 'Z';
	*p++ = ' ';
	p = put_text(p, cs->req.client_addr, 64);
	*p++ = ' ';
	p = put_text(p, cs->req.method, 16);
	*p++ = ' ';
	p = put_text(p, cs->req.path, 1024);
	*p++ = ' ';
	p = put_uint(p, (uint64_t)status, 1);
	*p++ = ' ';
	p = put_uint(p, bytes, 1);
	*p++ = ' ';
	uint64_t us = ms > 0 ? (uint64_t)(ms * 1000) : 0;
	p = put_uint(p, us / 1000, 1);
	*p++ = '.';
	p = put_uint(p, us % 1000, 3);
	p = put_text(p, "ms user=", 8);
	p = put_uint(p, cs->req.authed ? (uint64_t)cs->req.user.id : 0, 1);
	*p++ = '\n';
	pthread_mutex_lock(&srv->log_lock);
	sb_append(&srv->log_buf, line, (size_t)(p - line));
	if (srv->log_buf.len >= LOG_FLUSH_BYTES)
		log_flush_locked(srv);
	pthread_mutex_unlock(&srv->log_lock);
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

static void client_addr(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	buf[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
			  (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  buf, (socklen_t)len);
}

static enum MHD_Result queue(struct conn_state *cs, struct MHD_Connection *c, struct resp *out,
			     int fd, size_t fd_size)
{
	struct MHD_Response *r;
	char *text = NULL;
	size_t len = 0;
	if (fd >= 0) {
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
	for (int i = 0; i < out->nheaders; i++)
		MHD_add_response_header(r, out->headers[i][0], out->headers[i][1]);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)out->status, r);
	MHD_destroy_response(r);

	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - cs->t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - cs->t0.tv_nsec) / 1e6;
	metrics_record(cs->srv, cs->route_index, out->status, ms);
	if (cs->srv->cfg.access_log)
		access_log(cs, out->status, len, ms);
	return ret;
}

/* Runs auth, role and CSRF checks and the handler; fills out. */
static void dispatch(struct conn_state *cs, struct resp *out)
{
	struct req *r = &cs->req;
	const struct route *rt = cs->route;
	if (!r->db) {
		resp_error(out, 503, "unavailable", "The database cannot be opened.");
		return;
	}
	if (authenticate(cs->srv, r) != 0) {
		resp_error(out, 500, "internal", "Storage error while checking the session.");
		return;
	}
	if (rt->role != ROLE_PUBLIC) {
		if (!r->authed) {
			resp_error(out, 401, "unauthorized",
				   "Đăng nhập để tiếp tục. (Login required.)");
			return;
		}
		if (http_role_of(r->user.role) < rt->role) {
			resp_error(out, 403, "forbidden",
				   "Tài khoản không có quyền này. (Not allowed.)");
			return;
		}
	}
	if (r->authed && !csrf_ok(r)) {
		resp_error(out, 403, "forbidden",
			   "Thiếu hoặc sai X-CSRF-Token. (Missing or wrong X-CSRF-Token header.)");
		return;
	}
	if (rt->handler(r, out) != 0 && out->status == 0)
		resp_error(out, 500, "internal", "Internal error.");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct http_server *srv = cls;
	struct conn_state *cs = *con_cls;
	if (!cs) {
		/* First call: headers only. Queue nothing here (see README of the
		 * issue: libmicrohttpd 0.9.75 drops keep-alive when we do). */
		cs = xcalloc(1, sizeof *cs);
		cs->srv = srv;
		clock_gettime(CLOCK_MONOTONIC, &cs->t0);
		sb_init(&cs->body);
		cs->req.app = srv->app;
		cs->req.method = method;
		cs->req.path = url;
		cs->req.conn_ = c;
		client_addr(c, cs->req.client_addr, sizeof cs->req.client_addr);
		find_route(cs, method, url);
		cs->body_limit = cs->route && (cs->route->flags & ROUTE_UPLOAD) ? HTTP_BODY_UPLOAD
										: HTTP_BODY_DEFAULT;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > cs->body_limit)
			cs->too_large = true;
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!cs->too_large && cs->body.len + *upload_data_size <= cs->body_limit)
			sb_append(&cs->body, upload_data, *upload_data_size);
		else
			cs->too_large = true;
		*upload_data_size = 0;
		return MHD_YES;
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

	if (cs->too_large) {
		resp_error(&out, 413, "too_large", "Request body larger than %zu bytes.",
			   cs->body_limit);
		/* The rest of the body was not read: do not reuse the connection. */
		resp_header(&out, "Connection", "close");
	} else if (cs->route) {
		dispatch(cs, &out);
		if (r->resume) {
			cs->suspended = true;
			resp_cleanup(&out);
			return MHD_YES;
		}
	} else if (!cs->method_mismatch && (!strcmp(method, "GET") || !strcmp(method, "HEAD")) &&
		   strncmp(url, "/api/", 5) != 0 &&
		   serve_static(srv, c, url, &out, &fd, &fd_size)) {
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
	(void)c;
	(void)toe;
	struct conn_state *cs = *con_cls;
	if (!cs)
		return;
	for (int i = 0; i < cs->req.nparams; i++)
		free(cs->req.params[i]);
	sb_cleanup(&cs->body);
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
	srv->routes = routes;
	srv->nroutes = nroutes;
	srv->metrics = xcalloc(nroutes + 2, sizeof *srv->metrics);
	srv->app = app;
	srv->open_db = open_db;
	srv->web_dir = cfg->web_dir ? xstrdup(cfg->web_dir) : NULL;
	pthread_key_create(&srv->db_key, close_thread_db);
	pthread_key_create(&srv->session_cache_key, free);
	pthread_mutex_init(&srv->log_lock, NULL);
	pthread_cond_init(&srv->log_wake, NULL);
	sb_init(&srv->log_buf);
	if (cfg->access_log && pthread_create(&srv->log_thread, NULL, log_flusher, srv) == 0)
		srv->log_thread_started = true;
	int threads = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			MHD_USE_TURBO,
		0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT,
		cfg->connection_limit ? cfg->connection_limit : 4096u,
		MHD_OPTION_CONNECTION_TIMEOUT,
		cfg->connection_timeout_s ? cfg->connection_timeout_s : 30u,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		/* libmicrohttpd zeroes a connection's pool between keep-alive
		 * requests; bodies are copied out as they arrive, so the pool only
		 * holds headers and 16 KiB is plenty (the default 32 KiB doubles
		 * the zeroing). */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, srv, MHD_OPTION_END);
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
	pthread_mutex_lock(&s->log_lock);
	s->stopping = true;
	pthread_cond_signal(&s->log_wake);
	pthread_mutex_unlock(&s->log_lock);
	if (s->log_thread_started)
		pthread_join(s->log_thread, NULL);
	log_flush_locked(s);
	sb_cleanup(&s->log_buf);
	pthread_mutex_destroy(&s->log_lock);
	pthread_cond_destroy(&s->log_wake);
	pthread_key_delete(s->db_key);
	pthread_key_delete(s->session_cache_key);
	free(s->metrics);
	free(s->web_dir);
	free(s);
}
