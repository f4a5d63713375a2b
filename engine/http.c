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

#include "db.h"

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
	http_log_request(cs, out->status, len, ms);
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
	if (http_session_authenticate(cs->srv, r) != 0) {
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
	if (r->authed && !http_session_csrf_ok(r)) {
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
	http_log_start(srv);
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
	http_log_stop(s);
	pthread_key_delete(s->db_key);
	pthread_key_delete(s->session_cache_key);
	free(s->metrics);
	free(s->web_dir);
	free(s);
}
