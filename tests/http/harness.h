/* harness.h - HTTP tests start the real build/quizd on 127.0.0.1 with a
 * temporary database and talk to it with libcurl. Paths of the programs come
 * from $QUIZD and $QUIZADM (the Makefile sets them). */
#ifndef QUIZ_TEST_HARNESS_H
#define QUIZ_TEST_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct server {
	pid_t pid;
	int port;
	char dir[256]; /* temporary directory, removed by server_stop */
	char db[320];
	char log[320]; /* quizd's standard error */
	char base[64]; /* "http://127.0.0.1:PORT" */
};

/* Creates a temporary directory and database (migrated by quizadm init).
 * Returns 0 or -1. Does not start quizd. */
int server_prepare(struct server *s);
/* Starts quizd on a free port with extra flags (NULL-terminated list, may be
 * NULL) and waits until /healthz answers. Returns 0 or -1. */
int server_start(struct server *s, const char *const extra[]);
/* prepare + start. */
int server_up(struct server *s, const char *const extra[]);
/* SIGTERM, wait, and (when remove) delete the temporary directory. Returns
 * -1 (and keeps the directory) when quizd did not exit 0 or its log holds a
 * sanitizer report, so teardown can fail the run. */
int server_stop(struct server *s, bool remove);
/* SIGKILL and wait (the directory stays). */
void server_kill(struct server *s);

/* Runs quizadm --db <db> ARGS... (NULL-terminated). Returns its exit code;
 * its standard output goes into *out when out is not NULL (caller frees). */
int run_quizadm(struct server *s, char **out, const char *arg, ...);

struct http_res {
	long status;
	char *body;
	size_t len;
	json_t *json; /* parsed body, or NULL */
	char *headers; /* raw response headers */
};

/* One request. token: Bearer token or NULL. body may be NULL. headers: extra
 * "Name: value" lines, NULL-terminated, or NULL. Returns 0 (res filled) or
 * -1 (transport error). */
int http_call(struct server *s, const char *method, const char *path, const char *token,
	      const char *body, const char *content_type, const char *const headers[],
	      struct http_res *res);
/* Shorthands with JSON bodies. */
int http_get(struct server *s, const char *path, const char *token, struct http_res *res);
int http_send(struct server *s, const char *method, const char *path, const char *token,
	      const char *json_body, struct http_res *res);
void http_res_free(struct http_res *res);
/* The value of a response header (new string) or NULL. */
char *http_res_header(const struct http_res *res, const char *name);
/* The error code of an error envelope, or "" (borrowed). */
const char *http_error_code(const struct http_res *res);

/* Logs in; returns the token (caller frees) or NULL. csrf (may be NULL)
 * receives the CSRF token (caller frees). */
char *test_login(struct server *s, const char *username, const char *password, char **csrf);
/* Adds a user through quizadm; asserts success. */
void test_add_user(struct server *s, const char *username, const char *password, const char *role,
		   const char *unit, const char *audience);
/* Imports units given as CSV text through quizadm; asserts success. */
void test_add_units_csv(struct server *s, const char *csv);

#endif
