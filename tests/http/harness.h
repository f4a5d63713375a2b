/* harness.h - HTTP tests start the real build/quizd on 127.0.0.1 with a
 * temporary database and talk to it with libcurl. Paths of the programs come
 * from $QUIZD and $QUIZADM (the Makefile sets them). */
#ifndef QUIZ_TEST_HARNESS_H
#define QUIZ_TEST_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct server {
	pid_t pid;
	int port;
	char dir[256]; /* temporary directory, removed by server_stop */
	/* quizd's --db: dir/quiz.db, or with QUIZ_TEST_PG the URL of a schema
	 * of its own (tests/lib/testsql.h), dropped by server_stop */
	char db[512];
	char schema[64];
	char log[320]; /* quizd's standard error */
	char base[64]; /* "http://127.0.0.1:PORT" */
};

/* Creates a temporary directory and database (migrated by quizadm init):
 * a SQLite file, or a PostgreSQL schema when QUIZ_TEST_PG is set. Returns 0
 * or -1. Does not start quizd. */
int server_prepare(struct server *s);
/* Starts quizd on a free port with extra flags (NULL-terminated list, may be
 * NULL) and waits until /healthz answers. Returns 0 or -1. */
int server_start(struct server *s, const char *const extra[]);
/* prepare + start. */
int server_up(struct server *s, const char *const extra[]);
/* SIGTERM, wait, and (when remove) delete the temporary directory and the
 * PostgreSQL schema. Returns
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
/* Adds the three people most tests act as, through quizadm (units D1 and
 * S1 must exist): "root" (admin, password Root-Password-1), "d1admin" (unit
 * administrator of D1, District-One-1) and "pupil1" (participant of S1,
 * audience pupil, Pupil-Password-1), and logs each in. Returns 0 with the
 * three tokens (caller frees), or -1 when a login failed. */
int test_add_roles(struct server *s, char **admin, char **d1admin, char **pupil);
/* A tree of units as CSV: province P; districts D1, D2 in it; schools S1
 * in D1 and S2 in D2. */
extern const char TEST_UNITS_CSV[];
/* Imports units given as CSV text through quizadm; asserts success. */
void test_add_units_csv(struct server *s, const char *csv);

/* The status of one request (asserts it was answered). */
long test_status(struct server *s, const char *method, const char *path, const char *token,
		 const char *json_body);
/* The id of the user whose session token is (GET /api/v1/me, asserts 200). */
int64_t test_user_id(struct server *s, const char *token);
/* now + offset_s seconds as RFC 3339 UTC ("2026-01-02T03:04:05Z"). */
void test_stamp(long offset_s, char *buf, size_t size);
/* Takes quiz_id as the holder of token through the API, as quiz.js does:
 * starts an attempt (asserts 201), answers each question (asserts 200) with
 * its first option whose text starts with "Đúng" when right[n], else its
 * first other option, n being the question's number (the first digit 1-3
 * of its stem), and submits with submit_body (asserts 200). Returns the
 * submit's answer {"attempt":A} (new reference). */
json_t *test_take_attempt(struct server *s, const char *token, int64_t quiz_id, const bool right[3],
			  const char *submit_body);

/* Creates a quiz from its definition (JSON text) as the holder of token
 * (asserts 201); returns its id. */
int64_t test_create_quiz(struct server *s, const char *token, const char *definition);
/* Uploads a bank (POST /api/v1/admin/banks?query) of content_type as the
 * holder of token (asserts 200). */
void test_upload_bank(struct server *s, const char *token, const char *query, const char *text,
		      const char *content_type);
/* Creates a training on phishing for pupils in unit, open for check-in from
 * a minute ago for an hour, giving certificates or not, as the holder of
 * token (asserts 201); returns its id. */
long long test_create_training(struct server *s, const char *token, const char *code,
			       const char *unit, bool certificate);
#endif
