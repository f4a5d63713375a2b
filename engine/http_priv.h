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

/* A list of addresses and networks from the command line. */
#define HTTP_ADDR_LIST_MAX 32
struct http_addr_net {
	unsigned char addr[16]; /* IPv6, or IPv4 mapped into IPv6 */
	unsigned bits; /* prefix length over the 16 bytes */
};
struct http_addr_list {
	struct http_addr_net nets[HTTP_ADDR_LIST_MAX];
	size_t n;
};

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_addr_list trusted_proxies;
	struct http_addr_list metrics_allow;
	size_t body_budget; /* bytes of bodies that may be held at once */
	size_t body_budget_used; /* atomic */
	uint64_t body_budget_refused; /* atomic: 503s for want of budget */
	/* The header deadline (http_guard.c): open connections, and the thread
	 * that closes those whose headers are late. */
	pthread_mutex_t guard_lock;
	pthread_cond_t guard_wake;
	pthread_t guard_thread;
	struct http_tracked *guard_list;
	uint64_t guard_closed; /* atomic: connections closed for late headers */
	bool guard_inited, guard_started, guard_stopping;
	struct http_config cfg;
	const struct route *routes;
	size_t nroutes;
	uint32_t *route_keys; /* per route: route_key of its pattern (http.c) */
	struct route_metrics *metrics; /* nroutes + 2: static files, unmatched */
	struct app *app;
	struct db *(*open_db)(struct app *app);
	pthread_key_t db_key;
	pthread_key_t session_cache_key;
	unsigned port;
	char *web_dir;
	char *chartjs; /* served as /vendor/chart.js */
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
	bool refused; /* refusal holds the answer; the body is dropped */
	bool drop_body; /* no route: the body is read and dropped */
	bool admitted; /* the route's checks passed on the headers (judge_body) */
	struct resp refusal;
	size_t budget_held; /* bytes taken from the body budget */
	size_t body_seen; /* bytes of body received */
	bool suspended;
	struct timespec t0;
};

/* http_addr.c */
/* Parses "ADDR[/BITS][,ADDR[/BITS]...]" (IPv4 or IPv6) into list; what
 * names the flag in the message. NULL or "" is the empty list. Returns 0,
 * or -1 with a message in err. */
int http_addr_list_parse(const char *text, struct http_addr_list *list, const char *what, char *err,
			 size_t errlen);
/* True when the text address addr is in list. */
bool http_addr_in_list(const struct http_addr_list *list, const char *addr);
/* True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
bool http_addr_is_loopback(const char *addr);
/* The real client of the request into buf: the socket's peer, or, when the
 * peer is a trusted proxy, the right-most X-Forwarded-For address that is
 * not a trusted proxy. */
void http_client_address(const struct http_server *srv, struct MHD_Connection *c, char *buf,
			 size_t len);

/* http_guard.c */
/* libmicrohttpd's connection notification: tracks each open connection. */
void http_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
		       enum MHD_ConnectionNotificationCode toe);
/* A request's headers are all in / its answer is done (the wait for the
 * next request's headers begins). */
void http_guard_headers_in(struct MHD_Connection *c);
void http_guard_request_done(struct MHD_Connection *c);
/* Starts / stops the thread that closes connections with late headers.
 * Start returns -1 when the thread cannot start; stop accepts a server
 * whose guard never started. */
int http_guard_start(struct http_server *srv);
void http_guard_stop(struct http_server *srv);

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
