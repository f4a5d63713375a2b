/* http_log.c - request metrics (counts and latency histograms by route)
 * and the access log, gathered in memory and written in batches. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "http_priv.h"

static const double bucket_ms[N_BUCKETS] = { 0.5, 1,   2.5, 5,    10,   25,   50,
					     100, 250, 500, 1000, 2500, 5000, 10000 };

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
	sb_printf(sb,
		  "# HELP quiz_http_body_budget_bytes Request bodies held in memory, and the "
		  "budget.\n# TYPE quiz_http_body_budget_bytes gauge\n"
		  "quiz_http_body_budget_bytes{state=\"used\"} %zu\n"
		  "quiz_http_body_budget_bytes{state=\"limit\"} %zu\n"
		  "# HELP quiz_http_edge_refusals_total Requests refused at the edge.\n"
		  "# TYPE quiz_http_edge_refusals_total counter\n"
		  "quiz_http_edge_refusals_total{reason=\"body_budget\"} %llu\n"
		  "quiz_http_edge_refusals_total{reason=\"header_deadline\"} %llu\n",
		  __atomic_load_n(&s->body_budget_used, __ATOMIC_RELAXED), s->body_budget,
		  (unsigned long long)__atomic_load_n(&s->body_budget_refused, __ATOMIC_RELAXED),
		  (unsigned long long)__atomic_load_n(&s->guard_closed, __ATOMIC_RELAXED));
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

void http_log_request(struct conn_state *cs, int status, size_t bytes, double ms)
{
	metrics_record(cs->srv, cs->route_index, status, ms);
	if (cs->srv->cfg.access_log)
		access_log(cs, status, bytes, ms);
}

void http_log_start(struct http_server *srv)
{
	pthread_mutex_init(&srv->log_lock, NULL);
	pthread_cond_init(&srv->log_wake, NULL);
	sb_init(&srv->log_buf);
	if (srv->cfg.access_log && pthread_create(&srv->log_thread, NULL, log_flusher, srv) == 0)
		srv->log_thread_started = true;
}

void http_log_stop(struct http_server *srv)
{
	pthread_mutex_lock(&srv->log_lock);
	srv->stopping = true;
	pthread_cond_signal(&srv->log_wake);
	pthread_mutex_unlock(&srv->log_lock);
	if (srv->log_thread_started)
		pthread_join(srv->log_thread, NULL);
	log_flush_locked(srv);
	sb_cleanup(&srv->log_buf);
	pthread_mutex_destroy(&srv->log_lock);
	pthread_cond_destroy(&srv->log_wake);
}
