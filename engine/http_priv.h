/* http_priv.h - what the files of the HTTP glue share (http.c: connections
 * and routing; http_session.c: sessions and CSRF; http_static.c: web pages;
 * http_log.c: access log and metrics). Only these files include it, and
 * with it microhttpd.h. */
#ifndef QUIZ_HTTP_PRIV_H
#define QUIZ_HTTP_PRIV_H

#include <microhttpd.h>
#include <pthread.h>
#include <sys/types.h>
#include <time.h>

#include "http.h"
#include "util.h"

#define N_BUCKETS 14

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

/* http_session.c */
/* Fills r->user when a valid token came (Bearer header or sid cookie);
 * returns -1 on a storage error. */
int http_session_authenticate(struct http_server *srv, struct req *r);
/* True unless a write authenticated by cookie lacks the right X-CSRF-Token. */
bool http_session_csrf_ok(struct req *r);

/* http_static.c */
/* Serves a file under the web directory; returns true when url names one
 * (out filled; *fd_out >= 0 when the body is that file, *size_out bytes). */
bool http_static_serve(struct http_server *srv, struct MHD_Connection *c, const char *url,
		       struct resp *out, int *fd_out, size_t *size_out);

/* http_log.c */
/* Starts / stops the access log's flusher thread (stop writes what is left). */
void http_log_start(struct http_server *srv);
void http_log_stop(struct http_server *srv);
/* Records one answered request in the metrics and, when enabled, the log. */
void http_log_request(struct conn_state *cs, int status, size_t bytes, double ms);

#endif
