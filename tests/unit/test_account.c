/* test_account.c - the account module without HTTP: sessions, login
 * throttling, registration, password change (one transaction) and the
 * purge of expired sessions and throttling rows, on a real migrated
 * database with an injected clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "account.h"
#include "app.h"
#include "auth.h"
#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "db_registration.h"
#include "org.h"
#include "registration.h"
#include "report.h"
#include "testdb.h"
#include "testsql.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define MINUTE (60LL * 1000)

static int64_t fake_now;

static int64_t fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

struct fixture {
	struct testdb t;
	struct db *db;
	struct app app;
	int64_t contest; /* for pupils and the public, not yet open to registration */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->db = testdb_open(&f->t, "test_account");
	if (!f->db)
		return -1;
	struct auth_config cfg;
	auth_config_defaults(&cfg);
	cfg.memlimit = 8192 * 1024;
	cfg.opslimit = 1;
	cfg.threads = 2;
	f->app.auth = auth_new(&cfg);
	f->app.cfg.db_path = f->t.path;
	f->app.cfg.data_dir = f->t.dir;
	fake_now = T0;
	clock_set_source(fake_clock, NULL);
	json_t *units = json_loads("[{\"code\":\"P\",\"name\":\"Tỉnh\",\"kind\":\"province\"},"
				   "{\"code\":\"S1\",\"name\":\"Trường 1\",\"kind\":\"school\","
				   "\"parent_code\":\"P\"}]",
				   0, NULL);
	json_t *users = json_loads("[{\"username\":\"an\",\"password\":\"Hoa-Sen-Trang-9\",\"full_"
				   "name\":\"Nguyễn An\","
				   "\"unit_code\":\"S1\",\"audience\":\"pupil\"}]",
				   0, NULL);
	struct org_actor admin = { 0 };
	struct org_errors errors = { 0 };
	json_t *passwords = NULL;
	int created, updated;
	int rc = org_import_units(f->db, units, &admin, &created, &updated, &errors) ||
		 org_import_users(f->db, f->app.auth, users, &admin, &created, &passwords,
				  &errors) ||
		 created != 1;
	json_decref(units);
	json_decref(users);
	json_decref(passwords);
	org_errors_cleanup(&errors);
	f->contest = db_fixture_quiz(f->db, "c", "Hội thi", false, "pupil,public", 0, T0,
				     T0 + 30LL * 24 * 60 * MINUTE);
	rc = rc || f->contest <= 0 || db_fixture_contest(f->db, f->contest, 0);
	*state = f;
	return rc || !f->app.auth ? -1 : 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	clock_set_source(NULL, NULL);
	auth_free(f->app.auth);
	testdb_remove(&f->t, f->db);
	free(f);
	return 0;
}

static enum outcome login_from(struct fixture *f, const char *addr, const char *username,
			       const char *password, struct account_result *res)
{
	struct account_op *op = NULL;
	struct problem p;
	enum outcome o =
		account_login_begin(&f->app, f->db, username, password, addr, &op, res, &p);
	if (o != OUTCOME_OK)
		return o;
	return account_op_complete(op, f->db, res, &p);
}

static enum outcome login(struct fixture *f, const char *username, const char *password,
			  struct account_result *res)
{
	return login_from(f, "10.0.0.1", username, password, res);
}

static enum outcome change_from(struct fixture *f, const char *addr, const char *token,
				const char *old_pw, const char *new_pw, struct account_result *res)
{
	struct account_op *op = NULL;
	struct problem p;
	struct db_user u;
	assert_int_equal(db_user_by_username(f->db, "an", &u), 1);
	struct account_password_change chg = { u.id, token, old_pw, new_pw, addr };
	enum outcome o = account_password_begin(&f->app, f->db, &chg, &op, res, &p);
	if (o != OUTCOME_OK)
		return o;
	return account_op_complete(op, f->db, res, &p);
}

static enum outcome change(struct fixture *f, const char *token, const char *old_pw,
			   const char *new_pw)
{
	struct account_result res;
	return change_from(f, "10.0.0.1", token, old_pw, new_pw, &res);
}

static void login_makes_a_session_that_session_find_sees_until_expiry(void **state)
{
	struct fixture *f = *state;
	struct account_result res;
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &res), OUTCOME_OK);
	assert_string_equal(res.user.username, "an");
	assert_string_equal(res.user.pw_hash, "");
	struct db_user u;
	int64_t expires = 0;
	assert_int_equal(account_session_find(f->db, res.token, fake_now, &u, &expires), 1);
	assert_string_equal(u.unit_code, "S1");
	assert_true(expires > fake_now);
	assert_int_equal(account_session_find(f->db, res.token, expires, &u, NULL), 0);
	assert_int_equal(account_session_find(f->db, "short", fake_now, &u, NULL), 0);
	/* Ending it moves the revocation counter that session caches watch. */
	uint64_t before = account_revocations();
	struct problem p;
	assert_int_equal(account_session_end(f->db, res.token, &p), OUTCOME_OK);
	assert_true(account_revocations() > before);
	assert_int_equal(account_session_find(f->db, res.token, fake_now, &u, NULL), 0);
}

static void five_failed_logins_lock_the_account_at_that_address_only(void **state)
{
	struct fixture *f = *state;
	struct account_result res;
	for (int i = 0; i < 5; i++)
		assert_int_equal(login(f, "AN", "wrong-password-1", &res), OUTCOME_UNAUTHORIZED);
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &res), OUTCOME_RATE_LIMITED);
	assert_true(res.retry_after_s >= 1 && res.retry_after_s <= 60);
	/* The owner, from another address, is not locked out. */
	assert_int_equal(login_from(f, "10.0.0.2", "an", "Hoa-Sen-Trang-9", &res), OUTCOME_OK);
	/* The lock ends after its minute; a success clears the pair's row. */
	fake_now += 61 * 1000;
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &res), OUTCOME_OK);
	int64_t sessions, throttles;
	assert_int_equal(db_account_stored(f->db, &sessions, &throttles), 0);
	assert_int_equal(throttles, 2); /* the address's and the account's rows stay */
	/* An unknown user costs a hash and counts as a failure too. */
	assert_int_equal(login(f, "nobody", "whatever-1234", &res), OUTCOME_UNAUTHORIZED);
}

static void fifty_failures_from_one_address_lock_that_address_for_everyone(void **state)
{
	struct fixture *f = *state;
	struct problem p;
	int retry = 0;
	char who[32];
	for (int i = 0; i < 50; i++) {
		snprintf(who, sizeof who, "name%d", i);
		assert_int_equal(account_throttle_fail(f->db, who, "10.0.0.9", fake_now, &p),
				 OUTCOME_OK);
	}
	assert_int_equal(account_throttle_check(f->db, "an", "10.0.0.9", fake_now, &retry, &p),
			 OUTCOME_RATE_LIMITED);
	assert_true(retry >= 1 && retry <= 60);
	assert_int_equal(account_throttle_check(f->db, "an", "10.0.0.8", fake_now, &retry, &p),
			 OUTCOME_OK);
	/* A right secret forgets the name at its address, not the address. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(account_throttle_fail(f->db, "an", "10.0.0.8", fake_now, &p),
				 OUTCOME_OK);
	assert_int_equal(account_throttle_check(f->db, "an", "10.0.0.8", fake_now, &retry, &p),
			 OUTCOME_RATE_LIMITED);
	assert_int_equal(account_throttle_passed(f->db, "AN", "10.0.0.8", &p), OUTCOME_OK);
	assert_int_equal(account_throttle_check(f->db, "an", "10.0.0.8", fake_now, &retry, &p),
			 OUTCOME_OK);
	assert_int_equal(account_throttle_passed(f->db, "an", "10.0.0.9", &p), OUTCOME_OK);
	assert_int_equal(account_throttle_check(f->db, "an", "10.0.0.9", fake_now, &retry, &p),
			 OUTCOME_RATE_LIMITED);
}

static void a_hundred_failures_from_many_addresses_lock_the_account_everywhere(void **state)
{
	struct fixture *f = *state;
	struct problem p;
	int retry = 0;
	char addr[32];
	for (int i = 0; i < 99; i++) {
		snprintf(addr, sizeof addr, "10.1.%d.%d", i / 200, i % 200);
		assert_int_equal(account_throttle_fail(f->db, "an", addr, fake_now, &p),
				 OUTCOME_OK);
	}
	/* 99 slow guesses from 99 addresses: the owner still gets in. */
	assert_int_equal(account_throttle_check(f->db, "AN", "10.0.0.2", fake_now, &retry, &p),
			 OUTCOME_OK);
	assert_int_equal(account_throttle_fail(f->db, "an", "10.2.0.1", fake_now, &p), OUTCOME_OK);
	/* The hundredth locks the account for 15 minutes, wherever from. */
	assert_int_equal(account_throttle_check(f->db, "an", "10.0.0.2", fake_now, &retry, &p),
			 OUTCOME_RATE_LIMITED);
	assert_true(retry > 14 * 60 && retry <= 15 * 60);
	assert_int_equal(
		account_throttle_check(f->db, "an", "10.0.0.2", fake_now + 15 * MINUTE, &retry, &p),
		OUTCOME_OK);
}

static void a_login_to_an_account_without_a_usable_password_runs_a_verification(void **state)
{
	struct fixture *f = *state;
	struct db_user u;
	assert_int_equal(db_user_by_username(f->db, "an", &u), 1);
	/* "!" is what erasure writes; "" and a foreign hash are as unusable. */
	const char *placeholders[] = { "!", "", "$2y$10$abcdefghijklmnopqrstuv" };
	struct account_result res;
	for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders; i++) {
		assert_int_equal(db_user_set_password(f->db, u.id, placeholders[i]), 0);
		uint64_t before = auth_verifications(f->app.auth);
		assert_int_equal(login_from(f, "10.0.3.1", "an", placeholders[i], &res),
				 OUTCOME_UNAUTHORIZED);
		assert_int_equal(auth_verifications(f->app.auth), before + 1);
	}
	/* An unknown user costs the same verification. */
	uint64_t before = auth_verifications(f->app.auth);
	assert_int_equal(login_from(f, "10.0.3.1", "nobody", "whatever-1234", &res),
			 OUTCOME_UNAUTHORIZED);
	assert_int_equal(auth_verifications(f->app.auth), before + 1);
}

static void wrong_old_passwords_are_throttled_like_logins(void **state)
{
	struct fixture *f = *state;
	struct account_result mine, res;
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &mine), OUTCOME_OK);
	for (int i = 0; i < 5; i++)
		assert_int_equal(change_from(f, "10.0.0.1", mine.token, "wrong-password-1",
					     "Sen-Hong-Do-77", &res),
				 OUTCOME_WRONG_PASSWORD);
	assert_int_equal(
		change_from(f, "10.0.0.1", mine.token, "Hoa-Sen-Trang-9", "Sen-Hong-Do-77", &res),
		OUTCOME_RATE_LIMITED);
	assert_true(res.retry_after_s >= 1 && res.retry_after_s <= 60);
	/* The same rows as logins: a login from there waits too. */
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &res), OUTCOME_RATE_LIMITED);
	fake_now += 61 * 1000;
	assert_int_equal(
		change_from(f, "10.0.0.1", mine.token, "Hoa-Sen-Trang-9", "Sen-Hong-Do-77", &res),
		OUTCOME_OK);
}

static void purge_deletes_expired_sessions_and_spent_throttle_rows_only(void **state)
{
	struct fixture *f = *state;
	struct account_result res;
	/* A session ending at T0 + 1 h, one at T0 + 13 h. */
	int64_t ttl = auth_config(f->app.auth)->session_ttl_ms;
	fake_now = T0 + 60 * MINUTE - ttl;
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &res), OUTCOME_OK);
	fake_now = T0 + 60 * MINUTE;
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &res), OUTCOME_OK);
	/* Throttling rows: one from T0 + 1 h (window until + 1 h 15 min)... */
	assert_int_equal(login(f, "ghost1", "wrong-password-1", &res), OUTCOME_UNAUTHORIZED);
	/* ...and one locked at T0 + 1 h 10 min for a minute, then failing on. */
	fake_now = T0 + 70 * MINUTE;
	for (int i = 0; i < 7; i++)
		db_throttle_fail(f->db, "u:ghost2", fake_now, 15 * MINUTE, 5, 60 * MINUTE);
	int64_t sessions, throttles, purged_s = -1, purged_t = -1;
	assert_int_equal(db_account_stored(f->db, &sessions, &throttles), 0);
	assert_int_equal(sessions, 2);
	assert_int_equal(throttles, 4); /* ua:ghost1|10.0.0.1, u:ghost1, a:10.0.0.1, u:ghost2 */
	struct problem p;
	/* Nothing is over yet at T0 + 59 min. */
	assert_int_equal(account_purge(f->db, T0 + 59 * MINUTE, &purged_s, &purged_t, &p),
			 OUTCOME_OK);
	assert_int_equal(purged_s, 0);
	assert_int_equal(purged_t, 0);
	/* At T0 + 1 h 20 min: the first session and the rows of the first
	 * window go; ghost2's row is locked (4 h) and stays. */
	assert_int_equal(account_purge(f->db, T0 + 80 * MINUTE, &purged_s, &purged_t, &p),
			 OUTCOME_OK);
	assert_int_equal(purged_s, 1);
	assert_int_equal(purged_t, 3);
	assert_int_equal(db_account_stored(f->db, &sessions, &throttles), 0);
	assert_int_equal(sessions, 1);
	assert_int_equal(throttles, 1);
	assert_true(db_throttle_locked_until(f->db, "u:ghost2", T0 + 80 * MINUTE) > 0);
	/* A day later everything is gone. */
	assert_int_equal(account_purge(f->db, T0 + 24 * 60 * MINUTE, &purged_s, &purged_t, &p),
			 OUTCOME_OK);
	assert_int_equal(purged_s, 1);
	assert_int_equal(purged_t, 1);
	assert_int_equal(db_account_stored(f->db, &sessions, &throttles), 0);
	assert_int_equal(sessions + throttles, 0);
}

static void password_change_checks_old_first_then_policy_and_ends_other_sessions(void **state)
{
	struct fixture *f = *state;
	struct account_result mine, other;
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &mine), OUTCOME_OK);
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &other), OUTCOME_OK);
	assert_int_equal(change(f, mine.token, "wrong-password-1", "password"),
			 OUTCOME_WRONG_PASSWORD);
	assert_int_equal(change(f, mine.token, "Hoa-Sen-Trang-9", "password"),
			 OUTCOME_WEAK_PASSWORD);
	assert_int_equal(change(f, mine.token, "Hoa-Sen-Trang-9", "Sen-Hong-Do-77"), OUTCOME_OK);
	struct db_user u;
	assert_int_equal(account_session_find(f->db, mine.token, fake_now, &u, NULL), 1);
	assert_int_equal(account_session_find(f->db, other.token, fake_now, &u, NULL), 0);
	struct account_result res;
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &res), OUTCOME_UNAUTHORIZED);
	assert_int_equal(login(f, "an", "Sen-Hong-Do-77", &res), OUTCOME_OK);
}

static void password_change_that_raced_another_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct account_result mine, other;
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &mine), OUTCOME_OK);
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &other), OUTCOME_OK);
	struct db_user u;
	assert_int_equal(db_user_by_username(f->db, "an", &u), 1);
	struct account_op *op = NULL;
	struct problem p;
	struct account_result begun;
	struct account_password_change chg = { u.id, mine.token, "Hoa-Sen-Trang-9",
					       "Sen-Hong-Do-77", "10.0.0.1" };
	assert_int_equal(account_password_begin(&f->app, f->db, &chg, &op, &begun, &p), OUTCOME_OK);
	/* Another change lands while this one hashes. */
	char hash[AUTH_HASH_MAX];
	assert_int_equal(auth_hash_password(f->app.auth, "Third-Pass-333", hash), 0);
	assert_int_equal(db_user_set_password(f->db, u.id, hash), 0);
	struct account_result res;
	assert_int_equal(account_op_complete(op, f->db, &res, &p), OUTCOME_CONFLICT);
	/* Nothing of the refused change: the other session lives, the
	 * password is the one written meanwhile. */
	assert_int_equal(account_session_find(f->db, other.token, fake_now, &u, NULL), 1);
	assert_int_equal(login(f, "an", "Third-Pass-333", &res), OUTCOME_OK);
}

static void password_change_failing_midway_rolls_back_the_new_hash(void **state)
{
	struct fixture *f = *state;
	struct account_result mine, other;
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &mine), OUTCOME_OK);
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &other), OUTCOME_OK);
	/* Ending the other sessions fails after the hash was written. */
	const char *refuse =
		testsql_pg() ? "CREATE FUNCTION no_logout() RETURNS trigger LANGUAGE plpgsql AS "
			       "$$BEGIN RAISE EXCEPTION 'refused by test'; END$$;"
			       "CREATE TRIGGER no_logout BEFORE DELETE ON sessions "
			       "FOR EACH ROW EXECUTE FUNCTION no_logout();"
			     : "CREATE TRIGGER no_logout BEFORE DELETE ON sessions BEGIN "
			       "SELECT RAISE(ABORT, 'refused by test'); END;";
	assert_true(testsql_exec(f->t.path, refuse) >= 0);
	assert_int_equal(change(f, mine.token, "Hoa-Sen-Trang-9", "Sen-Hong-Do-77"),
			 OUTCOME_INTERNAL);
	assert_true(testsql_exec(f->t.path, testsql_pg() ? "DROP TRIGGER no_logout ON sessions"
							 : "DROP TRIGGER no_logout") >= 0);
	struct account_result res;
	assert_int_equal(login(f, "an", "Sen-Hong-Do-77", &res), OUTCOME_UNAUTHORIZED);
	assert_int_equal(login(f, "an", "Hoa-Sen-Trang-9", &res), OUTCOME_OK);
	struct db_user u;
	assert_int_equal(account_session_find(f->db, other.token, fake_now, &u, NULL), 1);
}

static enum outcome reg(struct fixture *f, const char *json, struct account_result *res,
			struct problem *p)
{
	json_t *j = json_loads(json, 0, NULL);
	assert_non_null(j);
	struct account_registration r = {
		.username = json_string_value(json_object_get(j, "username")),
		.password = json_string_value(json_object_get(j, "password")),
		.full_name = json_string_value(json_object_get(j, "full_name")),
		.unit_code = json_string_value(json_object_get(j, "unit_code")),
		.audience = json_string_value(json_object_get(j, "audience")),
		.phone = json_string_value(json_object_get(j, "phone")),
		.birth_year = (int)json_integer_value(json_object_get(j, "birth_year")),
		.contest_id = f->contest,
		.client_addr = "10.0.0.1",
	};
	struct account_op *op = NULL;
	enum outcome o = account_register_begin(&f->app, f->db, &r, &op, res, p);
	if (o == OUTCOME_OK)
		o = account_op_complete(op, f->db, res, p);
	json_decref(j);
	return o;
}

static void registration_applies_the_roster_rules_and_its_own(void **state)
{
	struct fixture *f = *state;
	struct account_result res;
	struct problem p;
	const char *binh = "{\"username\":\"binh\",\"password\":\"Hoa-Sen-Trang-9\","
			   "\"full_name\":\"Trần Bình\",\"unit_code\":\"S1\",\"audience\":"
			   "\"pupil\",\"birth_year\":2011,\"phone\":\"+84 912\"}";
	/* Closed until an administrator opens it. */
	assert_int_equal(reg(f, binh, &res, &p), OUTCOME_FORBIDDEN);
	assert_non_null(strstr(p.message, "chưa mở đăng ký"));
	struct org_actor admin = { 0 };
	json_t *body = json_loads("{\"audiences\":[\"pupil\"],\"unit_code\":\"P\"}", 0, NULL);
	json_t *window = NULL;
	assert_int_equal(registration_window_open(f->db, &admin, f->contest, body, &window, &p),
			 OUTCOME_OK);
	json_decref(window);
	json_decref(body);
	assert_int_equal(reg(f,
			     "{\"username\":\"binh\",\"password\":\"Hoa-Sen-Trang-9\","
			     "\"full_name\":\"Trần Bình\",\"unit_code\":\"S1\",\"audience\":"
			     "\"pupil\",\"birth_year\":2011,\"phone\":\"+84 912\"}",
			     &res, &p),
			 OUTCOME_OK);
	assert_true(res.user.id > 0);
	assert_string_equal(res.user.unit_code, "S1");
	/* Marked self-registered for the contest, unconfirmed. */
	struct db_self_registered mark;
	assert_int_equal(db_registration_person(f->db, res.user.id, &mark), 1);
	assert_true(mark.self_registered);
	assert_false(mark.confirmed);
	assert_int_equal(mark.quiz_id, f->contest);
	/* One account per phone number and contest. */
	assert_int_equal(reg(f,
			     "{\"username\":\"binh2\",\"password\":\"Hoa-Sen-Trang-9\","
			     "\"full_name\":\"Trần Bình\",\"unit_code\":\"S1\",\"audience\":"
			     "\"pupil\",\"birth_year\":2011,\"phone\":\"+84 912\"}",
			     &res, &p),
			 OUTCOME_CONFLICT);
	assert_non_null(strstr(p.message, "Số điện thoại"));
	/* The phone is required. */
	assert_int_equal(reg(f,
			     "{\"username\":\"binh3\",\"password\":\"Hoa-Sen-Trang-9\","
			     "\"full_name\":\"Trần Bình\",\"unit_code\":\"S1\",\"audience\":"
			     "\"pupil\",\"birth_year\":2011}",
			     &res, &p),
			 OUTCOME_INVALID);
	assert_non_null(strstr(p.message, "phone"));
	/* The roster import's words, not a second wording. */
	assert_int_equal(reg(f,
			     "{\"username\":\"bad name\",\"password\":\"Hoa-Sen-Trang-9\","
			     "\"full_name\":\"X\",\"unit_code\":\"S1\",\"audience\":\"pupil\","
			     "\"birth_year\":2011}",
			     &res, &p),
			 OUTCOME_INVALID);
	struct org_person person = {
		.username = "bad name", .full_name = "X", .audience = "pupil", .unit_code = "S1"
	};
	struct db_unit unit;
	char msg[256];
	assert_int_equal(org_person_check(f->db, &person, &unit, msg, sizeof msg), 0);
	assert_non_null(strstr(p.message, msg));
	assert_int_equal(reg(f,
			     "{\"username\":\"c1\",\"password\":\"Hoa-Sen-Trang-9\","
			     "\"full_name\":\"X\",\"unit_code\":\"S9\",\"audience\":\"pupil\","
			     "\"birth_year\":2011}",
			     &res, &p),
			 OUTCOME_INVALID);
	assert_non_null(strstr(p.message, "unit_code S9 is not a known unit"));
	assert_int_equal(reg(f,
			     "{\"username\":\"c2\",\"password\":\"Hoa-Sen-Trang-9\","
			     "\"full_name\":\"X\",\"unit_code\":\"S1\",\"audience\":\"pupil\"}",
			     &res, &p),
			 OUTCOME_INVALID);
	assert_non_null(strstr(p.message, "birth_year"));
	assert_int_equal(reg(f,
			     "{\"username\":\"c3\",\"password\":\"Hoa-Sen-Trang-9\","
			     "\"full_name\":\"X\",\"unit_code\":\"S1\",\"audience\":"
			     "\"public\",\"birth_year\":1980,\"phone\":\"0913\"}",
			     &res, &p),
			 OUTCOME_FORBIDDEN);
	assert_non_null(strstr(p.message, "đối tượng"));
	assert_int_equal(reg(f,
			     "{\"username\":\"c4\",\"password\":\"password\",\"full_name\":\"X\","
			     "\"unit_code\":\"S1\",\"audience\":\"pupil\",\"birth_year\":2011,"
			     "\"phone\":\"0914\"}",
			     &res, &p),
			 OUTCOME_WEAK_PASSWORD);
	assert_int_equal(reg(f,
			     "{\"username\":\"BINH\",\"password\":\"Hoa-Sen-Trang-9\","
			     "\"full_name\":\"X\",\"unit_code\":\"S1\",\"audience\":\"pupil\","
			     "\"birth_year\":2011,\"phone\":\"0915\"}",
			     &res, &p),
			 OUTCOME_USERNAME_TAKEN);
	assert_int_equal(reg(f,
			     "{\"username\":\"c5\",\"password\":\"Hoa-Sen-Trang-9\","
			     "\"full_name\":\"X\",\"unit_code\":\"S1\",\"audience\":\"pupil\","
			     "\"birth_year\":2011,\"phone\":\"09x\"}",
			     &res, &p),
			 OUTCOME_INVALID);
}

static void registrations_are_limited_per_client_address(void **state)
{
	struct fixture *f = *state;
	struct org_actor admin = { 0 };
	struct problem p;
	json_t *body = json_loads("{\"audiences\":[\"pupil\"],\"unit_code\":\"S1\"}", 0, NULL);
	json_t *window = NULL;
	assert_int_equal(registration_window_open(f->db, &admin, f->contest, body, &window, &p),
			 OUTCOME_OK);
	json_decref(window);
	json_decref(body);
	struct account_result res;
	char json[512];
	for (int i = 0; i < 21; i++) {
		snprintf(json, sizeof json,
			 "{\"username\":\"hs%d\",\"password\":\"Hoa-Sen-Trang-9\","
			 "\"full_name\":\"Học Sinh\",\"unit_code\":\"S1\",\"audience\":"
			 "\"pupil\",\"birth_year\":2011,\"phone\":\"09000000%02d\"}",
			 i, i);
		enum outcome o = reg(f, json, &res, &p);
		if (i < 20) {
			assert_int_equal(o, OUTCOME_OK);
			continue;
		}
		assert_int_equal(o, OUTCOME_RATE_LIMITED);
		assert_true(res.retry_after_s > 14 * 60 && res.retry_after_s <= 15 * 60);
	}
}

/* The school S1's pupils row of the year of T0: registered (the roster) and
 * participants. */
static void s1_figures(struct fixture *f, int64_t *registered, int64_t *participants)
{
	struct report_query q = { .year = 2026, .unit_code = "S1", .audience = "pupil" };
	struct report_table t = { 0 };
	struct problem p;
	assert_int_equal(report_participation(f->db, &q, &t, &p), OUTCOME_OK);
	assert_int_equal(t.n, 1);
	*registered = t.rows[0].registered;
	*participants = t.rows[0].participants;
	assert_int_equal(t.rows[0].headcount, t.rows[0].registered); /* no declaration */
	report_table_cleanup(&t);
}

static void finished_attempt(struct fixture *f, int64_t user_id)
{
	struct db_user u;
	assert_int_equal(db_user_by_id(f->db, user_id, &u), 1);
	struct db_fixture_attempt a = {
		.quiz_id = f->contest,
		.user_id = user_id,
		.unit_id = u.unit_id,
		.audience = "pupil",
		.state = "submitted",
		.started_at = T0 + MINUTE,
		.finished_at = T0 + 10 * MINUTE,
		.score = 8,
		.max_score = 10,
	};
	assert_true(db_fixture_attempt(f->db, &a) > 0);
}

static void a_self_registered_person_counts_in_the_unit_only_once_confirmed(void **state)
{
	struct fixture *f = *state;
	struct org_actor admin = { 0 };
	struct problem p;
	int64_t registered, participants;
	struct db_user an;
	assert_int_equal(db_user_by_username(f->db, "an", &an), 1);
	finished_attempt(f, an.id);
	s1_figures(f, &registered, &participants);
	assert_int_equal(registered, 1);
	assert_int_equal(participants, 1);
	json_t *body = json_loads("{\"audiences\":[\"pupil\"],\"unit_code\":\"P\"}", 0, NULL);
	json_t *out = NULL;
	assert_int_equal(registration_window_open(f->db, &admin, f->contest, body, &out, &p),
			 OUTCOME_OK);
	json_decref(out);
	json_decref(body);
	struct account_result res;
	assert_int_equal(reg(f,
			     "{\"username\":\"binh\",\"password\":\"Hoa-Sen-Trang-9\","
			     "\"full_name\":\"Trần Bình\",\"unit_code\":\"S1\",\"audience\":"
			     "\"pupil\",\"birth_year\":2011,\"phone\":\"0912\"}",
			     &res, &p),
			 OUTCOME_OK);
	int64_t binh = res.user.id;
	finished_attempt(f, binh);
	/* Unconfirmed: neither the roster headcount nor participation moves. */
	s1_figures(f, &registered, &participants);
	assert_int_equal(registered, 1);
	assert_int_equal(participants, 1);
	/* A unit administrator elsewhere cannot confirm; a plain roster person
	 * needs no confirmation. */
	struct org_actor elsewhere = { .user_id = 1, .scope_path = "/999/" };
	assert_int_equal(registration_confirm(f->db, &elsewhere, binh, &out, &p),
			 OUTCOME_FORBIDDEN);
	assert_int_equal(registration_confirm(f->db, &admin, an.id, &out, &p), OUTCOME_INVALID);
	assert_int_equal(registration_confirm(f->db, &admin, 99999, &out, &p), OUTCOME_NOT_FOUND);
	/* Confirmed: both count, their earlier attempt included. */
	assert_int_equal(registration_confirm(f->db, &admin, binh, &out, &p), OUTCOME_OK);
	assert_true(json_is_true(json_object_get(out, "changed")));
	json_decref(out);
	s1_figures(f, &registered, &participants);
	assert_int_equal(registered, 2);
	assert_int_equal(participants, 2);
	/* Confirming again changes nothing. */
	assert_int_equal(registration_confirm(f->db, &admin, binh, &out, &p), OUTCOME_OK);
	assert_true(json_is_false(json_object_get(out, "changed")));
	json_decref(out);
	s1_figures(f, &registered, &participants);
	assert_int_equal(registered, 2);
	assert_int_equal(participants, 2);
}

static void people_are_confirmed_in_bulk_by_ids_or_by_unit(void **state)
{
	struct fixture *f = *state;
	struct org_actor admin = { 0 };
	struct problem p;
	json_t *body = json_loads("{\"audiences\":[\"pupil\"],\"unit_code\":\"P\"}", 0, NULL);
	json_t *out = NULL;
	assert_int_equal(registration_window_open(f->db, &admin, f->contest, body, &out, &p),
			 OUTCOME_OK);
	json_decref(out);
	json_decref(body);
	int64_t ids[3];
	char json[512];
	struct account_result res;
	for (int i = 0; i < 3; i++) {
		snprintf(json, sizeof json,
			 "{\"username\":\"hs%d\",\"password\":\"Hoa-Sen-Trang-9\","
			 "\"full_name\":\"Học Sinh\",\"unit_code\":\"S1\",\"audience\":"
			 "\"pupil\",\"birth_year\":2011,\"phone\":\"090000000%d\"}",
			 i, i);
		assert_int_equal(reg(f, json, &res, &p), OUTCOME_OK);
		ids[i] = res.user.id;
	}
	int64_t registered, participants;
	s1_figures(f, &registered, &participants);
	assert_int_equal(registered, 1);
	/* One bad id refuses the whole list. */
	snprintf(json, sizeof json, "{\"ids\":[%lld,99999]}", (long long)ids[0]);
	body = json_loads(json, 0, NULL);
	assert_int_equal(registration_confirm_many(f->db, &admin, body, &out, &p),
			 OUTCOME_NOT_FOUND);
	json_decref(body);
	s1_figures(f, &registered, &participants);
	assert_int_equal(registered, 1);
	snprintf(json, sizeof json, "{\"ids\":[%lld]}", (long long)ids[0]);
	body = json_loads(json, 0, NULL);
	assert_int_equal(registration_confirm_many(f->db, &admin, body, &out, &p), OUTCOME_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "confirmed")), 1);
	json_decref(out);
	json_decref(body);
	body = json_loads("{\"unit_code\":\"P\"}", 0, NULL);
	assert_int_equal(registration_confirm_many(f->db, &admin, body, &out, &p), OUTCOME_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "confirmed")), 2);
	json_decref(out);
	json_decref(body);
	s1_figures(f, &registered, &participants);
	assert_int_equal(registered, 4);
	body = json_loads("{\"ids\":[1],\"unit_code\":\"P\"}", 0, NULL);
	assert_int_equal(registration_confirm_many(f->db, &admin, body, &out, &p), OUTCOME_INVALID);
	json_decref(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			login_makes_a_session_that_session_find_sees_until_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(
			five_failed_logins_lock_the_account_at_that_address_only, setup, teardown),
		cmocka_unit_test_setup_teardown(
			fifty_failures_from_one_address_lock_that_address_for_everyone, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_hundred_failures_from_many_addresses_lock_the_account_everywhere, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_login_to_an_account_without_a_usable_password_runs_a_verification, setup,
			teardown),
		cmocka_unit_test_setup_teardown(wrong_old_passwords_are_throttled_like_logins,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			purge_deletes_expired_sessions_and_spent_throttle_rows_only, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			password_change_checks_old_first_then_policy_and_ends_other_sessions, setup,
			teardown),
		cmocka_unit_test_setup_teardown(password_change_that_raced_another_writes_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			password_change_failing_midway_rolls_back_the_new_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(registration_applies_the_roster_rules_and_its_own,
						setup, teardown),
		cmocka_unit_test_setup_teardown(registrations_are_limited_per_client_address, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			a_self_registered_person_counts_in_the_unit_only_once_confirmed, setup,
			teardown),
		cmocka_unit_test_setup_teardown(people_are_confirmed_in_bulk_by_ids_or_by_unit,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
