/* http.h - the HTTP glue: libmicrohttpd server, request bodies with a cap,
 * the route table, authentication and role checks before any handler,
 * JSON responses and the error envelope, access log and metrics.
 *
 * Handlers (api_*.c) see `struct req` and fill `struct resp`; they never see
 * libmicrohttpd. */
#ifndef QUIZ_HTTP_H
#define QUIZ_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_account.h"

struct app;
struct db;
struct resp;

enum role { ROLE_PUBLIC = 0, ROLE_PARTICIPANT = 1, ROLE_UNIT_ADMIN = 2, ROLE_ADMIN = 3 };

/* The role of a user record ("participant" ...). */
enum role http_role_of(const char *role);

#define HTTP_MAX_PARAMS 4
#define HTTP_BODY_DEFAULT (1u << 20)
#define HTTP_BODY_UPLOAD (16u << 20)

struct req {
	struct app *app;
	struct db *db; /* this worker thread's connection */
	const char *method;
	const char *path;
	char *params[HTTP_MAX_PARAMS]; /* decoded {name} segments, in order */
	int nparams;
	const char *body; /* NUL-terminated; "" when none */
	size_t body_len;
	const char *content_type; /* "" when none */
	char client_addr[64]; /* the real client (see --trusted-proxy) */
	bool authed;
	bool via_cookie;
	struct db_user user; /* valid when authed (pw_hash empty) */
	char token[64]; /* the session token when authed */
	/* A place to keep a rendering of the authenticated user that lives as
	 * long as the session's cache entry (see session_cache.h): a
	 * handler may fill it once and reuse it; NULL when there is none. */
	struct http_session_render *render;
	/* Set by a handler that suspends (see http_suspend). */
	int (*resume)(struct req *r, struct resp *out);
	void *resume_ctx;
	void *conn_; /* private to http.c */
};

struct http_session_render {
	char body[1000];
	size_t len; /* 0: empty */
};

struct http_stream;

struct resp {
	int status;
	struct http_stream *stream; /* owned; a streamed body (resp_stream) */
	json_t *json; /* owned; serialised when body is NULL */
	char *body; /* owned raw body, or NULL */
	size_t body_len;
	const char *content_type;
	char *headers[8][2]; /* owned name/value pairs */
	int nheaders;
};

typedef int (*http_handler)(struct req *r, struct resp *out);

/* Route flags */
#define ROUTE_UPLOAD 1u /* bodies up to 16 MiB (banks, CSV) */

struct route {
	const char *method;
	const char *pattern; /* "/api/v1/attempts/{id}/answers/{question_id}" */
	http_handler handler;
	enum role role; /* least role needed; ROLE_PUBLIC: no login */
	unsigned flags;
};

/* Responses. Each replaces what out held. */
/* Takes ownership of body (a json_t reference). Always returns 0. */
int resp_json(struct resp *out, int status, json_t *body);
/* The api.md error envelope; message is printf-style. Returns 0. */
int resp_error(struct resp *out, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A raw body (copied) with a content type. Returns 0. */
int resp_raw(struct resp *out, int status, const char *content_type, const char *body, size_t len);
/* Adds a header (copied). */
void resp_header(struct resp *out, const char *name, const char *value);

/* A streamed body (server-sent events) without a thread per listener:
 * read(ctx, buf, max) writes up to max bytes and returns how many (> 0), 0
 * when it has nothing now (the connection then sleeps, suspended, until
 * http_stream_wake), or -1 to end the stream. done(ctx) runs once, when the
 * connection ends (or at once when the answer is never sent). */
typedef long (*http_stream_read)(void *ctx, char *buf, size_t max);
/* A new stream for r, to be handed to resp_stream; its wake may be given
 * to the producer before resp_stream is called. Freed by resp_stream's
 * done. */
struct http_stream *http_stream_new(struct req *r);
/* Makes out a 200 streamed answer of content_type read from s. Takes s.
 * Returns 0. */
int resp_stream(struct resp *out, struct http_stream *s, const char *content_type,
		http_stream_read read, void (*done)(void *ctx), void *ctx);
/* Frees a stream that resp_stream never took; accepts NULL. */
void http_stream_discard(struct http_stream *s);
/* Asks the stream's connection to read again; any thread, any time until
 * done has run. ctx is the struct http_stream. */
void http_stream_wake(void *ctx);

/* Request helpers. */
/* A request header, or NULL. Borrowed for the request's life. */
const char *http_request_header(struct req *r, const char *name);
/* A query-string argument, or NULL. Borrowed for the request's life. */
const char *http_query(struct req *r, const char *name);
/* The request's Host header (borrowed), or NULL. */
const char *http_host(struct req *r);
/* Parses the body as JSON. On failure fills out with 400 bad_request and
 * returns NULL. New reference. */
json_t *http_body_json(struct req *r, struct resp *out);
/* The path parameter i as a positive integer id; false when it is not one. */
bool http_param_id(struct req *r, int i, int64_t *id);

/* True when the request may read /metrics: its client address (after the
 * trusted-proxy rule) is loopback or in --metrics-allow, or it carries
 * Authorization: Bearer <--metrics-token>. */
bool http_metrics_allowed(struct req *r);

/* Suspends the request until http_wake(r) is called from any thread; the
 * handler then returns 0 without a response and resume(r, out) runs on the
 * server's thread to answer. Must be called from a handler. */
void http_suspend(struct req *r, int (*resume)(struct req *r, struct resp *out), void *ctx);
void http_wake(struct req *r);

struct http_config {
	const char *listen; /* "127.0.0.1:8080" */
	int threads; /* worker threads; 0 = cores */
	unsigned connection_limit;
	unsigned connection_timeout_s;
	unsigned per_ip_connection_limit; /* connections per client address; 0: 256 */
	unsigned header_timeout_s; /* time to receive a request's headers; 0: 10 */
	unsigned connection_memory_kib; /* libmicrohttpd's memory per connection
					   (headers, the write buffer); 0: 8 */
	unsigned body_min_rate_kib; /* a body must arrive at this rate once it has taken
				       connection_timeout_s, KiB/s; 0: 8 */
	size_t body_budget; /* bytes of request bodies held in memory at once,
			       process-wide; 0: an eighth of the machine's memory,
			       within 64 MiB..1 GiB */
	const char *trusted_proxies; /* comma list whose X-Forwarded-For is believed */
	const char *metrics_allow; /* comma list of addresses that may read /metrics */
	const char *metrics_token; /* Bearer token that may read /metrics, or NULL */
	const char *web_dir; /* static files, or NULL */
	const char *chartjs; /* the file served as /vendor/chart.js with the pages;
				NULL: HTTP_CHARTJS_DEFAULT */
	bool access_log;
	bool secure_cookies; /* Secure flag on cookies (behind TLS) */
};

/* Where Debian's libjs-chart.js puts Chart.js (its UMD build). */
#define HTTP_CHARTJS_DEFAULT "/usr/share/javascript/chart.js/chart.min.js"

struct http_server;

/* Starts serving the routes on a new server. app is passed to handlers.
 * open_db() is called once per worker thread for its connection. Returns
 * NULL with a message in err. */
struct http_server *http_start(const struct http_config *cfg, const struct route *routes,
			       size_t nroutes, struct app *app,
			       struct db *(*open_db)(struct app *app), char *err, size_t errlen);
/* The bound port (useful with port 0). */
unsigned http_port(const struct http_server *s);
/* Stops accepting, finishes running requests, frees; accepts NULL. */
void http_stop(struct http_server *s);

/* Writes the Prometheus exposition of the request metrics into sb. */
struct strbuf;
void http_metrics_write(const struct http_server *s, struct strbuf *sb);

#endif
