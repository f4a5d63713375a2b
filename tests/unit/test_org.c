/* test_org.c - the org tree and people on a real migrated database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "auth.h"
#include "db.h"
#include "db_account.h"
#include "org.h"
#include "testdb.h"

struct fixture {
	struct testdb tdb;
	struct db *db;
	struct auth *auth;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->db = testdb_open(&f->tdb, "test_org");
	if (!f->db)
		return -1;
	struct auth_config cfg;
	auth_config_defaults(&cfg);
	cfg.memlimit = 8192 * 1024;
	cfg.opslimit = 1;
	f->auth = auth_new(&cfg);
	json_t *rows =
		json_loads("[{\"code\":\"P\",\"name\":\"Tỉnh\",\"kind\":\"province\"},"
			   "{\"code\":\"D1\",\"name\":\"Huyện "
			   "1\",\"kind\":\"district\",\"parent_code\":\"P\"},"
			   "{\"code\":\"D2\",\"name\":\"Huyện "
			   "2\",\"kind\":\"district\",\"parent_code\":\"P\"},"
			   "{\"code\":\"S1\",\"name\":\"Trường "
			   "1\",\"kind\":\"school\",\"parent_code\":\"D1\",\"level\":\"thcs\"}]",
			   0, NULL);
	struct org_actor admin = { 0 };
	struct org_errors errors = { 0 };
	int created, updated;
	int rc = org_import_units(f->db, rows, &admin, &created, &updated, &errors);
	json_decref(rows);
	if (rc || created != 4)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	testdb_remove(&f->tdb, f->db);
	auth_free(f->auth);
	free(f);
	return 0;
}

static void migrations_reach_the_latest_version_and_rerun_is_a_no_op(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_schema_version(f->db), db_schema_version_latest());
	assert_int_equal(db_migrate(f->db), 0);
	assert_int_equal(db_schema_version(f->db), db_schema_version_latest());
}

static void subtree_paths_follow_the_tree(void **state)
{
	struct fixture *f = *state;
	struct db_unit p, d1, s1, d2;
	assert_int_equal(db_unit_by_code(f->db, "P", &p), 1);
	assert_int_equal(db_unit_by_code(f->db, "D1", &d1), 1);
	assert_int_equal(db_unit_by_code(f->db, "D2", &d2), 1);
	assert_int_equal(db_unit_by_code(f->db, "S1", &s1), 1);
	assert_true(db_unit_path_within(s1.path, d1.path));
	assert_true(db_unit_path_within(s1.path, p.path));
	assert_false(db_unit_path_within(s1.path, d2.path));
	assert_false(db_unit_path_within(d1.path, s1.path));
	assert_string_equal(s1.level, "thcs");
	assert_string_equal(s1.parent_code, "D1");
}

static void moving_a_unit_moves_its_subtree_and_cycles_are_refused(void **state)
{
	struct fixture *f = *state;
	struct org_actor admin = { 0 };
	struct org_errors errors = { 0 };
	int created, updated;
	json_t *rows = json_loads("[{\"code\":\"D1\",\"name\":\"Huyện "
				  "1\",\"kind\":\"district\",\"parent_code\":\"D2\"}]",
				  0, NULL);
	assert_int_equal(org_import_units(f->db, rows, &admin, &created, &updated, &errors), 0);
	assert_int_equal(updated, 1);
	json_decref(rows);
	struct db_unit s1, d2;
	db_unit_by_code(f->db, "S1", &s1);
	db_unit_by_code(f->db, "D2", &d2);
	assert_true(db_unit_path_within(s1.path, d2.path));
	/* D2 under S1 (its own descendant) is refused and nothing changes. */
	rows = json_loads("[{\"code\":\"D2\",\"name\":\"Huyện "
			  "2\",\"kind\":\"district\",\"parent_code\":\"S1\"}]",
			  0, NULL);
	assert_int_equal(org_import_units(f->db, rows, &admin, &created, &updated, &errors), 1);
	assert_int_equal(errors.n, 1);
	json_decref(rows);
	org_errors_cleanup(&errors);
	/* Put D1 back. */
	rows = json_loads("[{\"code\":\"D1\",\"name\":\"Huyện "
			  "1\",\"kind\":\"district\",\"parent_code\":\"P\"}]",
			  0, NULL);
	assert_int_equal(org_import_units(f->db, rows, &admin, &created, &updated, &errors), 0);
	json_decref(rows);
}

static void unit_admin_cannot_import_outside_or_move_its_own_unit(void **state)
{
	struct fixture *f = *state;
	struct db_unit d1;
	db_unit_by_code(f->db, "D1", &d1);
	struct org_actor actor = { .user_id = 1, .scope_path = d1.path };
	struct org_errors errors = { 0 };
	int created, updated;
	json_t *rows = json_loads("[{\"code\":\"S5\",\"name\":\"Trường "
				  "5\",\"kind\":\"school\",\"parent_code\":\"D2\"}]",
				  0, NULL);
	assert_int_equal(org_import_units(f->db, rows, &actor, &created, &updated, &errors), 1);
	json_decref(rows);
	org_errors_cleanup(&errors);
	rows = json_loads("[{\"code\":\"D1\",\"name\":\"Huyện "
			  "1\",\"kind\":\"district\",\"parent_code\":\"D2\"}]",
			  0, NULL);
	assert_int_equal(org_import_units(f->db, rows, &actor, &created, &updated, &errors), 1);
	json_decref(rows);
	org_errors_cleanup(&errors);
	rows = json_loads("[{\"code\":\"S6\",\"name\":\"Trường "
			  "6\",\"kind\":\"school\",\"parent_code\":\"D1\"}]",
			  0, NULL);
	assert_int_equal(org_import_units(f->db, rows, &actor, &created, &updated, &errors), 0);
	assert_int_equal(created, 1);
	json_decref(rows);
}

static void users_import_creates_good_rows_and_reports_bad_ones(void **state)
{
	struct fixture *f = *state;
	struct org_actor admin = { 0 };
	struct org_errors errors = { 0 };
	json_t *passwords = NULL;
	int created;
	json_t *rows = json_loads(
		"[{\"username\":\"a1\",\"full_name\":\"Nguyễn "
		"Ánh\",\"unit_code\":\"S1\",\"audience\":\"pupil\",\"role\":\"participant\"},"
		"{\"username\":\"bad "
		"name\",\"full_name\":\"X\",\"unit_code\":\"S1\",\"audience\":\"pupil\"},"
		"{\"username\":\"a2\",\"full_name\":\"X\",\"unit_code\":\"S1\",\"audience\":"
		"\"martian\"},"
		"{\"username\":\"a3\",\"password\":\"123456\",\"full_name\":\"X\",\"unit_code\":"
		"\"S1\",\"audience\":\"pupil\"},"
		"{\"username\":\"A1\",\"full_name\":\"Dup\",\"unit_code\":\"S1\",\"audience\":"
		"\"pupil\"},"
		"{\"username\":\"a4\",\"password\":\"Mat-Khau-Tot-1\",\"full_name\":\"Trần "
		"Bình\",\"unit_code\":\"D2\",\"audience\":\"civil_servant\"}]",
		0, NULL);
	assert_int_equal(
		org_import_users(f->db, f->auth, rows, &admin, &created, &passwords, &errors), 0);
	assert_int_equal(created, 2);
	assert_int_equal(errors.n, 4);
	assert_int_equal(errors.items[0].line, 2);
	assert_int_equal(errors.items[1].line, 3);
	assert_int_equal(errors.items[2].line, 4);
	assert_int_equal(errors.items[3].line, 5);
	assert_int_equal(json_array_size(passwords), 1);
	struct db_user u;
	assert_int_equal(db_user_by_username(f->db, "a1", &u), 1);
	assert_string_equal(u.full_name, "Nguyễn Ánh");
	struct auth_verify v;
	auth_verify_wait(
		f->auth, u.pw_hash,
		json_string_value(json_object_get(json_array_get(passwords, 0), "password")), &v);
	assert_true(v.ok);
	json_decref(passwords);
	json_decref(rows);
	org_errors_cleanup(&errors);
}

static void throttle_locks_after_the_limit_and_clears(void **state)
{
	struct fixture *f = *state;
	int64_t now = 1000000;
	for (int i = 0; i < 4; i++)
		assert_int_equal(db_throttle_fail(f->db, "u:x", now, 60000, 5, 1000), 0);
	int64_t until = db_throttle_fail(f->db, "u:x", now, 60000, 5, 1000);
	assert_int_equal(until, now + 1000);
	assert_int_equal(db_throttle_locked_until(f->db, "u:x", now + 10), now + 1000);
	assert_int_equal(db_throttle_locked_until(f->db, "u:x", now + 1000), 0);
	/* The next failure doubles the lock. */
	assert_int_equal(db_throttle_fail(f->db, "u:x", now + 2000, 60000, 5, 1000),
			 now + 2000 + 2000);
	/* A new window starts over. */
	assert_int_equal(db_throttle_fail(f->db, "u:x", now + 100000, 60000, 5, 1000), 0);
	assert_int_equal(db_throttle_clear(f->db, "u:x"), 0);
	assert_int_equal(db_throttle_clear(f->db, "u:none"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrations_reach_the_latest_version_and_rerun_is_a_no_op),
		cmocka_unit_test(subtree_paths_follow_the_tree),
		cmocka_unit_test(moving_a_unit_moves_its_subtree_and_cycles_are_refused),
		cmocka_unit_test(unit_admin_cannot_import_outside_or_move_its_own_unit),
		cmocka_unit_test(users_import_creates_good_rows_and_reports_bad_ones),
		cmocka_unit_test(throttle_locks_after_the_limit_and_clears),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
