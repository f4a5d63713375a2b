/* test_db_copy.c - db_copy.h, the copy behind quizadm migrate, at the
 * storage level: values cross with their types (text with tabs, newlines,
 * backslashes, quotes and Vietnamese; blobs with NUL and backslash bytes;
 * reals to the last bit; the largest integers; NULLs), trigger-kept
 * summaries arrive as they were (not counted twice), every table's rows
 * match, sequences continue past the copied ids, and a target that holds
 * rows, or is not PostgreSQL, is refused with a message. The copies need
 * QUIZ_TEST_PG (tests/lib/testsql.h); without it they print why they are
 * skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_attempt.h"
#include "db_copy.h"
#include "db_fixture.h"
#include "db_settings.h"
#include "testdb.h"
#include "testsql.h"

/* Text a COPY line must escape, in a name as people type them. */
static const char TRICKY_NAME[] = "Nguyễn \"Văn\"\tÁnh \\ Đặng\nThị Ơn";
static const char TRICKY_SETTING[] = "Sở Khoa học và Công nghệ \\N \\\\x41 \t";
/* 0.1 + 0.2: a double that no short decimal writes. */
static const double TRICKY_SCORE = 0.1 + 0.2;

/* The source of a move: always a SQLite file, in its own folder. */
struct source {
	char dir[256];
	char path[320];
	struct db *db;
};

static void source_open(struct source *s)
{
	char err[256];
	snprintf(s->dir, sizeof s->dir, "/tmp/test_db_copy.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof s->path, "%s/src.db", s->dir);
	s->db = db_open(s->path, err, sizeof err);
	assert_non_null(s->db);
	assert_int_equal(db_migrate(s->db), 0);
}

static void source_remove(struct source *s)
{
	char cmd[320];
	db_close(s->db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
	assert_int_equal(system(cmd), 0);
}

static void token_of(unsigned char token[32], unsigned char first)
{
	for (int i = 0; i < 32; i++)
		token[i] = (unsigned char)(first + i * 37);
	token[3] = 0; /* a NUL byte */
	token[4] = '\\';
	token[5] = '\t';
	token[6] = '\n';
}

/* A province in miniature with the values that are hard to carry. Returns
 * the person's id; the attempt's in *attempt. */
static int64_t fill(struct db *db, int64_t *attempt)
{
	int64_t now = clock_now_ms();
	int year = clock_vn_year(now);
	assert_int_equal(db_begin_write(db), 0);
	int64_t person =
		db_fixture_person(db, "nguyen.anh", TRICKY_NAME, "participant", 0, "pupil");
	assert_true(person > 0);
	int64_t bank = db_fixture_bank(db, "hs", "pupil");
	int64_t q1 = db_fixture_question(db, bank, "hs-1", "phishing");
	int64_t quiz =
		db_fixture_quiz(db, "kt-hs", "Kiểm tra an toàn thông tin", true, "pupil", 0,
				clock_vn_year_start_ms(year), clock_vn_year_start_ms(year + 1));
	struct db_fixture_attempt a = { .quiz_id = quiz,
					.user_id = person,
					.audience = "pupil",
					.state = "submitted",
					.started_at = now - 60000,
					.finished_at = now - 1000,
					.score = TRICKY_SCORE,
					.max_score = 1.0,
					.passed = false,
					.question_ids = &q1,
					.nquestions = 1,
					.has_prediction = true,
					.prediction = INT64_MAX - 1 };
	*attempt = db_fixture_attempt(db, &a);
	assert_true(*attempt > 0);
	unsigned char token[32];
	token_of(token, 7);
	assert_int_equal(db_session_create(db, token, person, now, now + 3600000), 0);
	assert_int_equal(db_setting_put(db, "body.department", TRICKY_SETTING, now), 0);
	assert_int_equal(db_commit(db), 0);
	return person;
}

/* The source filled (the person's and the attempt's ids out) and an empty
 * PostgreSQL target; skips, saying why, without QUIZ_TEST_PG. */
static struct db *open_pair(struct source *src, struct testdb *t, int64_t *person, int64_t *attempt)
{
	if (!testsql_pg()) {
		printf("skipped: QUIZ_TEST_PG is not set (the target must be PostgreSQL)\n");
		skip();
	}
	source_open(src);
	*person = fill(src->db, attempt);
	struct db *dst = testdb_open(t, "test_db_copy");
	assert_non_null(dst);
	return dst;
}

static void ignore_progress(void *ctx, const char *table, int64_t copied, int64_t total, bool done)
{
	(void)table;
	(void)total;
	if (done)
		*(int64_t *)ctx += copied;
}

static void copy_carries_values_with_their_types(void **state)
{
	(void)state;
	struct source src;
	struct testdb t;
	int64_t person, attempt_id;
	struct db *dst = open_pair(&src, &t, &person, &attempt_id);

	char err[512] = "";
	struct db_copy *c = db_copy_prepare(src.db, dst, err, sizeof err);
	if (!c)
		fprintf(stderr, "prepare: %s\n", err);
	assert_non_null(c);
	int64_t copied = 0;
	int rc = db_copy_run(c, ignore_progress, &copied, err, sizeof err);
	if (rc)
		fprintf(stderr, "run: %s\n", err);
	assert_int_equal(rc, 0);
	int64_t total = 0;
	for (size_t i = 0; i < db_copy_tables(c); i++) {
		int64_t a = -1, b = -2;
		assert_int_equal(db_copy_count_both(c, i, &a, &b, err, sizeof err), 0);
		assert_int_equal(a, b);
		total += a;
	}
	assert_int_equal(copied, total + 1); /* and the one person's search entry */

	struct db_user u;
	assert_int_equal(db_user_by_username(dst, "nguyen.anh", &u), 1);
	assert_int_equal(u.id, person);
	assert_string_equal(u.full_name, TRICKY_NAME);
	unsigned char token[32];
	token_of(token, 7);
	assert_int_equal(db_session_user(dst, token, clock_now_ms(), &u, NULL), 1);
	assert_int_equal(u.id, person);
	struct db_attempt a;
	assert_int_equal(db_attempt_get(dst, attempt_id, &a), 1);
	assert_memory_equal(&a.score, &TRICKY_SCORE, sizeof a.score);
	assert_true(a.has_prediction);
	assert_int_equal(a.prediction, INT64_MAX - 1);
	assert_int_equal(a.unit_id, 0); /* NULL stayed NULL */
	char *value = NULL;
	assert_int_equal(db_setting_get(dst, "body.department", &value), 1);
	assert_string_equal(value, TRICKY_SETTING);
	free(value);
	/* The next person takes the id after the copied one. */
	assert_int_equal(db_begin_write(dst), 0);
	assert_int_equal(
		db_fixture_person(dst, "tran.binh", "Trần Bình", "participant", 0, "pupil"),
		person + 1);
	assert_int_equal(db_commit(dst), 0);

	db_copy_free(c);
	testdb_remove(&t, dst);
	source_remove(&src);
}

static void copy_refuses_a_target_with_rows(void **state)
{
	(void)state;
	struct source src;
	struct testdb t;
	int64_t person, attempt_id;
	struct db *dst = open_pair(&src, &t, &person, &attempt_id);
	assert_int_equal(db_begin_write(dst), 0);
	assert_true(db_fixture_person(dst, "someone", "Ai Đó", "participant", 0, "pupil") > 0);
	assert_int_equal(db_commit(dst), 0);
	char err[512] = "";
	assert_null(db_copy_prepare(src.db, dst, err, sizeof err));
	assert_string_equal(err, "the target is not empty: table users holds 1 row; migrate "
				 "into a new database or schema");
	testdb_remove(&t, dst);
	source_remove(&src);
}

/* A value PostgreSQL cannot take (SQLite kept text in an integer column):
 * the copy fails naming the table and column, and the target is left as it
 * was, empty, so the same copy can be prepared again. */
static void a_failed_copy_names_the_table_and_leaves_the_target_empty(void **state)
{
	(void)state;
	struct source src;
	struct testdb t;
	int64_t person, attempt_id;
	struct db *dst = open_pair(&src, &t, &person, &attempt_id);
	assert_int_equal(
		testsql_exec(src.path, "UPDATE users SET birth_year = 'nineteen' WHERE id = 1"), 1);
	char err[512] = "";
	struct db_copy *c = db_copy_prepare(src.db, dst, err, sizeof err);
	assert_non_null(c);
	int64_t copied = 0;
	assert_int_equal(db_copy_run(c, ignore_progress, &copied, err, sizeof err), -1);
	assert_non_null(strstr(err, "table users: "));
	assert_non_null(strstr(err, "nineteen"));
	assert_null(strchr(err, '\n'));
	printf("the copy's message: %s\n", err);
	db_copy_free(c);
	c = db_copy_prepare(src.db, dst, err, sizeof err);
	assert_non_null(c); /* still empty */
	db_copy_free(c);
	testdb_remove(&t, dst);
	source_remove(&src);
}

/* Both ends SQLite: refused before anything is read. */
static void copy_refuses_a_target_that_is_not_postgresql(void **state)
{
	(void)state;
	struct source src, other;
	source_open(&src);
	source_open(&other);
	char err[512] = "";
	assert_null(db_copy_prepare(src.db, other.db, err, sizeof err));
	assert_string_equal(err, "the target must be a postgresql:// URL");
	source_remove(&other);
	source_remove(&src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copy_carries_values_with_their_types),
		cmocka_unit_test(copy_refuses_a_target_with_rows),
		cmocka_unit_test(a_failed_copy_names_the_table_and_leaves_the_target_empty),
		cmocka_unit_test(copy_refuses_a_target_that_is_not_postgresql),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
