/* test_migrate.c - quizadm migrate: a demo province on SQLite, with
 * attempts, contest results, an attendance with its signed certificate,
 * audit entries and Vietnamese text, moved into an empty PostgreSQL schema,
 * verified by quizadm (row counts, reports byte-equal), then served by
 * quizd on PostgreSQL: a migrated account logs in, reads its history and
 * a migrated attempt as on SQLite, a migrated certificate still verifies
 * and new rows take ids past the copied ones. A target that is not empty is
 * refused, and so are a missing source and a bad URL, each with a clear
 * message. The copies need QUIZ_TEST_PG (tests/lib/testsql.h); without it
 * they print why they are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "testsql.h"

#define ADMIN_PASSWORD "QuanTri-Demo-2026"
#define PUPIL_PASSWORD "ThiSinh-Demo-2026"

static struct server src; /* the demo province, always on SQLite */
static struct server dst; /* the PostgreSQL schema it moves into */

/* A server on a SQLite file whatever QUIZ_TEST_PG says (the source of a
 * move is always a file). */
static int prepare_sqlite(struct server *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/quiztest.XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->db, sizeof s->db, "%s/quiz.db", s->dir);
	snprintf(s->log, sizeof s->log, "%s/quizd.log", s->dir);
	return run_quizadm(s, NULL, "init", NULL) == 0 ? 0 : -1;
}

/* The whole text of a file (caller frees), or "" when it cannot be read. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0;
	if (f) {
		FILE *mem = open_memstream(&text, &len);
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			fwrite(buf, 1, n, mem);
		fclose(mem);
		fclose(f);
	}
	return text ? text : strdup("");
}

/* Runs quizadm migrate --from from --to to; its exit code, with standard
 * output and error in *out and *err (caller frees). */
static int run_migrate(const char *from, const char *to, char **out, char **err)
{
	char cmd[2048], out_path[320], err_path[320];
	const char *quizadm = getenv("QUIZADM");
	snprintf(out_path, sizeof out_path, "%s/migrate.out", src.dir);
	snprintf(err_path, sizeof err_path, "%s/migrate.err", src.dir);
	snprintf(cmd, sizeof cmd, "'%s' migrate --from '%s' --to '%s' >'%s' 2>'%s'",
		 quizadm && *quizadm ? quizadm : "build/quizadm", from, to, out_path, err_path);
	int status = system(cmd);
	*out = slurp(out_path);
	*err = slurp(err_path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int setup(void **state)
{
	(void)state;
	if (prepare_sqlite(&src) ||
	    run_quizadm(&src, NULL, "demo", "--banks", "question-banks/vi", NULL) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int rc = server_stop(&src, true);
	if (dst.dir[0] && server_stop(&dst, true))
		rc = -1;
	return rc;
}

/* Bad input, each refused before anything is written, with a message that
 * names what is wrong. */
static void migrate_names_a_missing_source_and_a_bad_target(void **state)
{
	(void)state;
	char *out, *err, missing[320];
	snprintf(missing, sizeof missing, "%s/nothing-here.db", src.dir);
	assert_int_not_equal(run_migrate(missing, "postgresql:///quiz", &out, &err), 0);
	assert_non_null(strstr(err, "cannot open the source"));
	assert_non_null(strstr(err, "nothing-here.db"));
	assert_int_equal(access(missing, F_OK), -1); /* not created empty */
	free(out);
	free(err);

	assert_int_not_equal(run_migrate(src.db, "/tmp/other.db", &out, &err), 0);
	assert_non_null(strstr(err, "--to must be a postgresql:// URL"));
	free(out);
	free(err);

	/* Nothing listens on port 1: the target cannot be reached. */
	assert_int_not_equal(
		run_migrate(src.db, "postgresql://127.0.0.1:1/quiz?connect_timeout=5", &out, &err),
		0);
	assert_non_null(strstr(err, "quizadm: target: "));
	free(out);
	free(err);
}

/* The body of GET path as token on s (asserts 200); caller frees. */
static json_t *get_json(struct server *s, const char *path, const char *token)
{
	struct http_res res;
	assert_int_equal(http_get(s, path, token, &res), 0);
	if (res.status != 200)
		fprintf(stderr, "GET %s: %ld %s\n", path, res.status, res.body);
	assert_int_equal(res.status, 200);
	json_t *j = json_incref(res.json);
	http_res_free(&res);
	return j;
}

/* Takes the first quiz token may take, answering every question with its
 * first option, and submits; the attempt's id. */
static long long take_attempt(struct server *s, const char *token)
{
	json_t *list = get_json(s, "/api/v1/quizzes", token);
	json_t *quiz = json_array_get(json_object_get(list, "quizzes"), 0);
	assert_non_null(quiz);
	char path[160], body[64];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/quizzes/%lld/attempts",
		 (long long)json_integer_value(json_object_get(quiz, "id")));
	json_decref(list);
	assert_int_equal(http_send(s, "POST", path, token, NULL, &res), 0);
	if (res.status != 201)
		fprintf(stderr, "start: %s\n", res.body);
	assert_int_equal(res.status, 201);
	json_t *attempt = json_object_get(res.json, "attempt");
	long long id = json_integer_value(json_object_get(attempt, "id"));
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(attempt, "questions"), i, q)
	{
		json_t *option = json_array_get(json_object_get(q, "options"), 0);
		snprintf(path, sizeof path, "/api/v1/attempts/%lld/answers/%lld", id,
			 (long long)json_integer_value(json_object_get(q, "id")));
		if (option)
			snprintf(body, sizeof body, "{\"choices\":[%lld]}",
				 (long long)json_integer_value(json_object_get(option, "id")));
		else
			snprintf(body, sizeof body, "{\"text\":\"mật khẩu\"}");
		assert_int_equal(test_status(s, "PUT", path, token, body), 200);
	}
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/attempts/%lld/submit", id);
	assert_int_equal(test_status(s, "POST", path, token, "{}"), 200);
	return id;
}

/* What the source holds besides the demo: an attendance with its signed
 * certificate (a blob) and the audit entry of the training. Fills the
 * pupil's history and one of its finished attempts as the source serves
 * them, and the certificate's code. */
static void add_attendance(json_t **history, json_t **attempt, char *attempt_path, size_t path_size,
			   char *cert_code, size_t code_size, long long *activity)
{
	assert_int_equal(server_start(&src, NULL), 0);
	char *admin = test_login(&src, "admin", ADMIN_PASSWORD, NULL);
	char *pupil = test_login(&src, "hs.an", PUPIL_PASSWORD, NULL);
	assert_non_null(admin);
	assert_non_null(pupil);
	*activity = test_create_training(&src, admin, "tap-huan-1", "DEMO-THCS-DP", true);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/activities/%lld/check-in", *activity);
	assert_int_equal(test_status(&src, "POST", path, pupil, NULL), 200);
	snprintf(attempt_path, path_size, "/api/v1/attempts/%lld",
		 (long long)take_attempt(&src, pupil));
	*history = get_json(&src, "/api/v1/me/history", pupil);
	json_t *row, *found = NULL;
	size_t i;
	json_array_foreach(json_object_get(*history, "activities"), i,
			   row) if (json_integer_value(json_object_get(row, "activity_id")) ==
				    *activity) found = row;
	assert_non_null(found);
	snprintf(cert_code, code_size, "%s",
		 json_string_value(json_object_get(found, "certificate")));
	assert_true(strlen(cert_code) > 10);
	*attempt = get_json(&src, attempt_path, pupil);
	free(admin);
	free(pupil);
	assert_int_equal(server_stop(&src, false), 0);
}

/* The target's folder beside the source's, with the signing keys copied
 * as the operator is told to. */
static void prepare_target(void)
{
	memset(&dst, 0, sizeof dst);
	snprintf(dst.dir, sizeof dst.dir, "/tmp/quiztest.XXXXXX");
	assert_non_null(mkdtemp(dst.dir));
	snprintf(dst.log, sizeof dst.log, "%s/quizd.log", dst.dir);
	assert_int_equal(testsql_schema_new(dst.schema, sizeof dst.schema, dst.db, sizeof dst.db),
			 0);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cp '%s'/*.key '%s'/", src.dir, dst.dir);
	assert_int_equal(system(cmd), 0);
}

/* The participation report of the province as quizadm prints it. */
static char *participation(struct server *s)
{
	char *out = NULL;
	assert_int_equal(run_quizadm(s, &out, "report", "participation", "--depth", "8", "--format",
				     "json", NULL),
			 0);
	return out;
}

static const char *const counted[] = { "users",       "attempts",     "answers",
				       "attendances", "certificates", "audit_log" };
#define N_COUNTED (sizeof counted / sizeof counted[0])

/* The rows of a few tables of the target (on PostgreSQL a SELECT reports
 * its row count). */
static void count_rows(long *n)
{
	for (size_t i = 0; i < N_COUNTED; i++) {
		char sql[96];
		snprintf(sql, sizeof sql, "SELECT 1 FROM %s", counted[i]);
		n[i] = testsql_exec(dst.db, sql);
		assert_true(n[i] >= 0);
	}
}

/* The count of table in migrate's verification table (source and target
 * columns asserted equal). */
static long verified_count(const char *out, const char *table)
{
	char head[64];
	snprintf(head, sizeof head, "\n%s ", table);
	const char *line = strstr(out, head);
	assert_non_null(line);
	long a = -1, b = -2;
	assert_int_equal(sscanf(line + strlen(head), "%ld %ld", &a, &b), 2);
	assert_int_equal(a, b);
	return a;
}

static void migrate_copies_a_demo_province_that_quizd_then_serves(void **state)
{
	(void)state;
	if (!testsql_pg()) {
		printf("skipped: QUIZ_TEST_PG is not set (the copy needs a PostgreSQL "
		       "cluster; make test-pg provides one)\n");
		skip();
	}
	json_t *history, *attempt;
	char attempt_path[96], cert_code[256];
	long long activity;
	add_attendance(&history, &attempt, attempt_path, sizeof attempt_path, cert_code,
		       sizeof cert_code, &activity);
	prepare_target();

	char *out, *err;
	int rc = run_migrate(src.db, dst.db, &out, &err);
	if (rc != 0)
		fprintf(stderr, "migrate: %s%s\n", out, err);
	assert_int_equal(rc, 0);
	/* Progress on standard error, the verification on standard output. */
	assert_non_null(strstr(err, "copying"));
	assert_non_null(strstr(err, "rows/s"));
	assert_null(strstr(out, "DIFFERS"));
	assert_true(verified_count(out, "users") > 300);
	assert_true(verified_count(out, "attempts") > 200);
	assert_int_equal(verified_count(out, "attendances"), 1);
	assert_int_equal(verified_count(out, "certificates"), 1);
	assert_true(verified_count(out, "audit_log") >= 3);
	assert_non_null(strstr(out, "participation report"));
	assert_non_null(strstr(out, "plan "));
	assert_non_null(strstr(out, "equal"));
	free(out);
	free(err);

	/* The same report read again by another quizadm on each engine. */
	char *a = participation(&src), *b = participation(&dst);
	assert_string_equal(a, b);
	assert_non_null(strstr(b, "Trường THCS Đông Phước"));
	free(a);
	free(b);

	/* quizd on PostgreSQL: a migrated account logs in and reads what it
	 * read on SQLite. */
	assert_int_equal(server_start(&dst, NULL), 0);
	char *pupil = test_login(&dst, "hs.an", PUPIL_PASSWORD, NULL);
	assert_non_null(pupil);
	json_t *history2 = get_json(&dst, "/api/v1/me/history", pupil);
	json_t *attempt2 = get_json(&dst, attempt_path, pupil);
	if (!json_equal(history, history2)) {
		char *lite = json_dumps(history, JSON_SORT_KEYS);
		char *pg = json_dumps(history2, JSON_SORT_KEYS);
		fprintf(stderr, "history on SQLite:     %s\nhistory on PostgreSQL: %s\n", lite, pg);
		free(lite);
		free(pg);
	}
	assert_true(json_equal(history, history2));
	assert_true(json_equal(attempt, attempt2));
	/* The signature (a blob) came across unchanged: the code verifies. */
	char path[512];
	snprintf(path, sizeof path, "/api/v1/certificates/%s", cert_code);
	assert_int_equal(test_status(&dst, "GET", path, NULL, NULL), 200);
	/* New rows take ids past the copied ones. */
	char *admin = test_login(&dst, "admin", ADMIN_PASSWORD, NULL);
	assert_non_null(admin);
	assert_true(test_create_training(&dst, admin, "tap-huan-2", "DEMO-THCS-DP", true) >
		    activity);
	free(admin);
	free(pupil);
	json_decref(history);
	json_decref(history2);
	json_decref(attempt);
	json_decref(attempt2);
}

/* The target now holds a province: a second move into it is refused and
 * changes nothing. */
static void migrate_refuses_a_target_that_is_not_empty(void **state)
{
	(void)state;
	if (!testsql_pg() || !dst.db[0]) {
		printf("skipped: needs QUIZ_TEST_PG and the province the test before moved\n");
		skip();
	}
	long before[N_COUNTED], after[N_COUNTED];
	count_rows(before);
	char *out, *err;
	assert_int_not_equal(run_migrate(src.db, dst.db, &out, &err), 0);
	assert_non_null(strstr(err, "the target is not empty: table "));
	free(out);
	free(err);
	count_rows(after);
	assert_memory_equal(before, after, sizeof before);
	assert_true(before[0] > 300); /* the demo's people are there */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrate_names_a_missing_source_and_a_bad_target),
		cmocka_unit_test(migrate_copies_a_demo_province_that_quizd_then_serves),
		cmocka_unit_test(migrate_refuses_a_target_that_is_not_empty),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
