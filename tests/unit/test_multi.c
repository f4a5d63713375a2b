/* test_multi.c - several quizd instances on one database, each seen as a
 * connection of its own: a session ended, an account disabled or a role
 * changed through another connection reaches a worker's session cache
 * after SESSION_CACHE_MS (by the injected clock) and not before, while
 * this process's own revocations reach it at once; the job lock of the
 * sweeper is held by one connection at a time on PostgreSQL (granted on
 * SQLite, where one file serves one process); two sweeps run at once from
 * two connections finalise each expired attempt exactly once. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "account.h"
#include "auth.h"
#include "bank.h"
#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_attempt.h"
#include "db_contest.h"
#include "db_fixture.h"
#include "db_job.h"
#include "db_people.h"
#include "http.h"
#include "quiz_cache.h"
#include "quiz_def.h"
#include "quiz_write.h"
#include "session_cache.h"
#include "testdb.h"
#include "util.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

struct fixture {
	struct testdb tdb;
	struct db *db, *other; /* this instance's connection, another instance's */
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char err[256];
	f->db = testdb_open(&f->tdb, "test_multi");
	assert_non_null(f->db);
	f->other = db_open(f->tdb.path, err, sizeof err);
	assert_non_null(f->other);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->other);
	testdb_remove(&f->tdb, f->db);
	free(f);
	return 0;
}

/* A session of a new participant: its token into token. */
static int64_t session_for(struct db *db, const char *username, char token[AUTH_TOKEN_LEN + 1])
{
	int64_t uid = db_fixture_person(db, username, username, "participant", 0, "pupil");
	assert_true(uid > 0);
	unsigned char hash[32];
	auth_token_new(token, hash);
	assert_int_equal(db_session_create(db, hash, uid, T0, T0 + 3600 * 1000), 0);
	return uid;
}

static int find(struct session_cache *c, struct db *db, const char *token, int64_t now,
		struct db_user *u)
{
	struct http_session_render *render = NULL;
	int rc = session_cache_find(c, db, token, now, u, &render);
	if (rc == 1)
		assert_non_null(render);
	return rc;
}

static void session_ended_elsewhere_is_refused_after_the_bound(void **state)
{
	struct fixture *f = *state;
	char token[AUTH_TOKEN_LEN + 1];
	session_for(f->db, "s1", token);
	struct session_cache *c = session_cache_new();
	struct db_user u;
	assert_int_equal(find(c, f->db, token, T0, &u), 1);
	assert_string_equal(u.username, "s1");
	/* Another instance logs the session out: no counter of this process
	 * moves, so the entry is trusted up to the bound, and no longer. */
	unsigned char hash[32];
	auth_token_hash(token, hash);
	assert_int_equal(db_session_delete(f->other, hash), 0);
	assert_int_equal(find(c, f->db, token, T0 + SESSION_CACHE_MS - 1, &u), 1);
	assert_int_equal(find(c, f->db, token, T0 + SESSION_CACHE_MS, &u), 0);
	assert_int_equal(find(c, f->db, token, T0 + SESSION_CACHE_MS + 1, &u), 0);
	assert_true(SESSION_CACHE_MS <= 1000);
	session_cache_free(c);
}

static void disabled_or_changed_elsewhere_is_seen_after_the_bound(void **state)
{
	struct fixture *f = *state;
	char t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1];
	int64_t u1 = session_for(f->db, "d1", t1);
	int64_t u2 = session_for(f->db, "r1", t2);
	struct session_cache *c = session_cache_new();
	struct db_user u;
	assert_int_equal(find(c, f->db, t1, T0, &u), 1);
	assert_int_equal(find(c, f->db, t2, T0, &u), 1);
	assert_string_equal(u.role, "participant");
	struct db_person p;
	assert_int_equal(db_people_get(f->other, u1, &p), 1);
	p.disabled = true;
	assert_int_equal(db_people_update(f->other, &p, T0 + 10), 0);
	assert_int_equal(db_people_get(f->other, u2, &p), 1);
	util_strlcpy(p.role, "unit_admin", sizeof p.role);
	assert_int_equal(db_people_update(f->other, &p, T0 + 10), 0);
	int64_t before = T0 + SESSION_CACHE_MS - 1, after = T0 + SESSION_CACHE_MS;
	assert_int_equal(find(c, f->db, t1, before, &u), 1);
	assert_int_equal(find(c, f->db, t2, before, &u), 1);
	assert_string_equal(u.role, "participant");
	assert_int_equal(find(c, f->db, t1, after, &u), 0);
	assert_int_equal(find(c, f->db, t2, after, &u), 1);
	assert_string_equal(u.role, "unit_admin");
	session_cache_free(c);
}

static void revocation_in_this_process_is_seen_at_once(void **state)
{
	struct fixture *f = *state;
	char token[AUTH_TOKEN_LEN + 1];
	session_for(f->db, "l1", token);
	struct session_cache *c = session_cache_new();
	struct db_user u;
	assert_int_equal(find(c, f->db, token, T0, &u), 1);
	struct problem p;
	assert_int_equal(account_session_end(f->db, token, &p), OUTCOME_OK);
	assert_int_equal(find(c, f->db, token, T0 + 1, &u), 0);
	session_cache_free(c);
}

static void job_lock_is_held_by_one_connection_at_a_time(void **state)
{
	struct fixture *f = *state;
	/* PostgreSQL: an advisory lock per schema and job; SQLite: granted,
	 * one file serving one process. */
	bool pg = getenv("QUIZ_TEST_PG") && *getenv("QUIZ_TEST_PG");
	assert_int_equal(db_job_try_lock(f->db, "sweeper"), 1);
	assert_int_equal(db_job_try_lock(f->other, "sweeper"), pg ? 0 : 1);
	/* Another job's lock is its own. */
	assert_int_equal(db_job_try_lock(f->other, "other-job"), 1);
	assert_int_equal(db_job_unlock(f->other, "other-job"), 0);
	if (!pg)
		assert_int_equal(db_job_unlock(f->other, "sweeper"), 0);
	assert_int_equal(db_job_unlock(f->db, "sweeper"), 0);
	assert_int_equal(db_job_try_lock(f->other, "sweeper"), 1);
	assert_int_equal(db_job_unlock(f->other, "sweeper"), 0);
	/* A closed connection holds nothing. */
	char err[256];
	struct db *third = db_open(f->tdb.path, err, sizeof err);
	assert_non_null(third);
	assert_int_equal(db_job_try_lock(third, "sweeper"), 1);
	db_close(third);
	assert_int_equal(db_job_try_lock(f->db, "sweeper"), 1);
	assert_int_equal(db_job_unlock(f->db, "sweeper"), 0);
}

/* ---- two sweepers --------------------------------------------------------- */

#define ATTEMPTS 60
#define GRACE 2000

struct sweeper {
	struct db *db;
	int64_t now;
	size_t swept;
	int rc;
};

static void *sweep_all(void *arg)
{
	struct sweeper *s = arg;
	struct quiz_qcache *qc = quiz_qcache_new();
	for (;;) {
		struct quiz_write w;
		/* Small steps, so the two sweeps interleave. */
		quiz_sweep_prepare(s->now, GRACE, 3, &w);
		s->rc = quiz_write_run(s->db, qc, &w);
		s->swept += w.swept;
		bool more = s->rc == 0 && w.status == OUTCOME_OK && w.swept == 3;
		quiz_write_cleanup(&w);
		if (!more)
			break;
	}
	quiz_qcache_free(qc);
	return NULL;
}

static int64_t quiz_with_attempts(struct db *db, int64_t started)
{
	const char *bank = "{\"code\":\"mb\",\"title\":\"M\",\"language\":\"vi\","
			   "\"audiences\":[\"pupil\"],\"questions\":["
			   "{\"code\":\"m1\",\"type\":\"single\",\"topics\":[\"malware\"],"
			   "\"difficulty\":1,\"stem\":\"A?\",\"explanation\":\"V\",\"options\":[{"
			   "\"text\":\"a\","
			   "\"correct\":true},{\"text\":\"b\",\"correct\":false},"
			   "{\"text\":\"c\",\"correct\":false}]}]}";
	struct bank_result res;
	bank_result_init(&res);
	int imported = bank_import_text(db, bank, strlen(bank), "mb.json", &res);
	if (imported)
		fprintf(stderr, "bank: %s\n", res.problem.message);
	assert_int_equal(imported, 0);
	bank_result_cleanup(&res);
	json_error_t e;
	json_t *def = json_loads(
		"{\"code\":\"mq\",\"title\":\"M\",\"kind\":\"contest\",\"audiences\":[\"pupil\"],"
		"\"draw\":[{\"bank\":\"mb\",\"count\":1}],\"time_limit_s\":60,\"max_attempts\":1,"
		"\"pass_percent\":50,\"opens_at\":\"2020-01-01T00:00:00Z\","
		"\"closes_at\":\"2090-01-01T00:00:00Z\",\"review\":\"after_submit\"}",
		0, &e);
	assert_non_null(def);
	int64_t quiz_id;
	struct problem pr;
	assert_int_equal(quiz_create(db, def, &quiz_id, &pr), OUTCOME_OK);
	json_decref(def);
	struct quiz_qcache *qc = quiz_qcache_new();
	int found;
	const struct db_quiz *q = quiz_qcache_quiz(qc, db, quiz_id, &found);
	assert_non_null(q);
	for (int i = 0; i < ATTEMPTS; i++) {
		char name[16];
		snprintf(name, sizeof name, "p%d", i);
		struct quiz_participant part = { .user_id = db_fixture_person(
							 db, name, name, "participant", 0, "pupil"),
						 .unit_path = "",
						 .audience = "pupil" };
		struct quiz_write w;
		assert_int_equal(quiz_start_prepare(db, qc, q, &part, started, GRACE, &w),
				 OUTCOME_OK);
		assert_int_equal(quiz_write_run(db, qc, &w), 0);
		assert_int_equal(w.status, OUTCOME_OK);
		quiz_write_cleanup(&w);
	}
	quiz_qcache_free(qc);
	return quiz_id;
}

static void two_sweeps_at_once_finalise_each_attempt_once(void **state)
{
	struct fixture *f = *state;
	int64_t started = clock_now_ms() - 3600 * 1000;
	int64_t quiz_id = quiz_with_attempts(f->db, started);
	int64_t due = started + 60 * 1000 + GRACE + 1;
	struct sweeper a = { .db = f->db, .now = due }, b = { .db = f->other, .now = due };
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, sweep_all, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, sweep_all, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(a.rc, 0);
	assert_int_equal(b.rc, 0);
	/* Each attempt finalised by one of them, and logged once. */
	assert_int_equal(a.swept + b.swept, ATTEMPTS);
	struct db_contest_attempt *log = NULL;
	size_t n = 0;
	assert_int_equal(db_contest_completed_since(f->db, quiz_id, NULL, 0, &log, &n), 0);
	assert_int_equal(n, ATTEMPTS);
	free(log);
	int64_t resets = -1, last = 0;
	assert_int_equal(db_contest_marks(f->db, quiz_id, &resets, &last), 0);
	assert_int_equal(resets, 0);
	/* A third sweep finds nothing left. */
	struct sweeper c = { .db = f->other, .now = due + 1000 };
	sweep_all(&c);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.swept, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(session_ended_elsewhere_is_refused_after_the_bound,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			disabled_or_changed_elsewhere_is_seen_after_the_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(revocation_in_this_process_is_seen_at_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(job_lock_is_held_by_one_connection_at_a_time, setup,
						teardown),
		cmocka_unit_test_setup_teardown(two_sweeps_at_once_finalise_each_attempt_once,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
