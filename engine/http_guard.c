/* http_guard.c - the deadline for request headers. libmicrohttpd closes a
 * connection only when it has been silent for its timeout, so a client
 * that sends one header line every few seconds would hold its slot for
 * ever. Every connection is tracked from the moment it opens (and again
 * after each answer, while it waits for the next request); one thread
 * looks every 250 ms and shuts down the sockets whose headers have not
 * all arrived within --header-timeout. */
#include <stdlib.h>
#include <sys/socket.h>

#include "clock.h"
#include "http_priv.h"

/* One open connection. waiting_since_ms is 0 while a request is being
 * served (headers in), else when the wait for headers began. */
struct http_tracked {
	struct http_tracked *prev, *next;
	int fd;
	int64_t waiting_since_ms; /* atomic */
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void http_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
		       enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *srv = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct http_tracked *t = xcalloc(1, sizeof *t);
		t->fd = ci ? ci->connect_fd : -1;
		t->waiting_since_ms = now_ms();
		pthread_mutex_lock(&srv->guard_lock);
		t->next = srv->guard_list;
		if (t->next)
			t->next->prev = t;
		srv->guard_list = t;
		pthread_mutex_unlock(&srv->guard_lock);
		*socket_context = t;
		return;
	}
	struct http_tracked *t = *socket_context;
	if (!t)
		return;
	/* Removed under the lock before libmicrohttpd closes the socket, so
	 * the watcher never shuts down a number that was reused. */
	pthread_mutex_lock(&srv->guard_lock);
	if (t->prev)
		t->prev->next = t->next;
	else
		srv->guard_list = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&srv->guard_lock);
	free(t);
	*socket_context = NULL;
}

static struct http_tracked *tracked(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

void http_guard_headers_in(struct MHD_Connection *c)
{
	struct http_tracked *t = tracked(c);
	if (t)
		__atomic_store_n(&t->waiting_since_ms, 0, __ATOMIC_RELAXED);
}

void http_guard_request_done(struct MHD_Connection *c)
{
	struct http_tracked *t = tracked(c);
	if (t)
		__atomic_store_n(&t->waiting_since_ms, now_ms(), __ATOMIC_RELAXED);
}

static void *guard_main(void *arg)
{
	struct http_server *srv = arg;
	const int64_t limit_ms = (int64_t)srv->cfg.header_timeout_s * 1000;
	pthread_mutex_lock(&srv->guard_lock);
	while (!srv->guard_stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&srv->guard_wake, &srv->guard_lock, &until);
		int64_t now = now_ms();
		for (struct http_tracked *t = srv->guard_list; t; t = t->next) {
			int64_t since = __atomic_load_n(&t->waiting_since_ms, __ATOMIC_RELAXED);
			if (!since || now - since <= limit_ms || t->fd < 0)
				continue;
			/* libmicrohttpd sees the end of the stream and closes it. */
			shutdown(t->fd, SHUT_RDWR);
			__atomic_store_n(&t->waiting_since_ms, 0, __ATOMIC_RELAXED);
			__atomic_fetch_add(&srv->guard_closed, 1, __ATOMIC_RELAXED);
		}
	}
	pthread_mutex_unlock(&srv->guard_lock);
	return NULL;
}

int http_guard_start(struct http_server *srv)
{
	pthread_mutex_init(&srv->guard_lock, NULL);
	pthread_cond_init(&srv->guard_wake, NULL);
	srv->guard_inited = true;
	if (pthread_create(&srv->guard_thread, NULL, guard_main, srv) != 0)
		return -1;
	srv->guard_started = true;
	return 0;
}

void http_guard_stop(struct http_server *srv)
{
	if (!srv->guard_inited)
		return;
	pthread_mutex_lock(&srv->guard_lock);
	srv->guard_stopping = true;
	pthread_cond_signal(&srv->guard_wake);
	pthread_mutex_unlock(&srv->guard_lock);
	if (srv->guard_started)
		pthread_join(srv->guard_thread, NULL);
	pthread_mutex_destroy(&srv->guard_lock);
	pthread_cond_destroy(&srv->guard_wake);
}
