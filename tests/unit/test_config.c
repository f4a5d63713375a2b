/* test_config.c - quizd's flags and QUIZD_* variables: the database as a
 * path or a postgresql:// URL, from --db or QUIZD_DB; a URL needs the key
 * folder every instance shares (--data-dir or QUIZD_DATA_DIR). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

#define PG_URL "postgresql://quiz@db.example.vn:5432/quiz?sslmode=verify-full"

/* argv as main gets it: writable strings. */
static char prog[] = "quizd", db_flag[] = "--db", sqlite_path[] = "/var/lib/quiz/quiz.db",
	    pg_url[] = PG_URL, dir_flag[] = "--data-dir", keys[] = "/srv/keys";

static int teardown_env(void **state)
{
	(void)state;
	unsetenv("QUIZD_DB");
	unsetenv("QUIZD_DATA_DIR");
	return 0;
}

static void database_url_comes_from_quizd_db(void **state)
{
	(void)state;
	struct config cfg;
	char err[256] = "";
	char *argv[] = { prog, NULL };
	setenv("QUIZD_DB", PG_URL, 1);
	setenv("QUIZD_DATA_DIR", "/var/lib/quiz/keys", 1);
	assert_int_equal(config_load(&cfg, 1, argv, err, sizeof err), 0);
	assert_string_equal(cfg.app.db_path, PG_URL);
	assert_string_equal(cfg.app.data_dir, "/var/lib/quiz/keys");
}

static void db_flag_wins_over_quizd_db(void **state)
{
	(void)state;
	struct config cfg;
	char err[256] = "";
	char *argv[] = { prog, db_flag, sqlite_path, NULL };
	setenv("QUIZD_DB", PG_URL, 1);
	assert_int_equal(config_load(&cfg, 3, argv, err, sizeof err), 0);
	assert_string_equal(cfg.app.db_path, "/var/lib/quiz/quiz.db");
	char *url_argv[] = { prog, db_flag, pg_url, dir_flag, keys, NULL };
	unsetenv("QUIZD_DB");
	assert_int_equal(config_load(&cfg, 5, url_argv, err, sizeof err), 0);
	assert_string_equal(cfg.app.db_path, PG_URL);
}

/* Instances on one database sign and check with the same keys; a URL has
 * no folder beside it to keep them in. */
static void a_database_url_needs_the_key_folder(void **state)
{
	(void)state;
	struct config cfg;
	char err[256] = "";
	char *url_argv[] = { prog, db_flag, pg_url, NULL };
	assert_int_equal(config_load(&cfg, 3, url_argv, err, sizeof err), -1);
	assert_non_null(strstr(err, "--data-dir"));
	char *path_argv[] = { prog, db_flag, sqlite_path, NULL };
	assert_int_equal(config_load(&cfg, 3, path_argv, err, sizeof err), 0);
	setenv("QUIZD_DATA_DIR", "/var/lib/quiz/keys", 1);
	assert_int_equal(config_load(&cfg, 3, url_argv, err, sizeof err), 0);
	assert_string_equal(cfg.app.data_dir, "/var/lib/quiz/keys");
}

static void no_database_is_a_clear_error(void **state)
{
	(void)state;
	struct config cfg;
	char err[256] = "";
	char *argv[] = { prog, NULL };
	unsetenv("QUIZD_DB");
	assert_int_equal(config_load(&cfg, 1, argv, err, sizeof err), -1);
	assert_non_null(strstr(err, "QUIZD_DB"));
	setenv("QUIZD_DB", "", 1);
	err[0] = '\0';
	assert_int_equal(config_load(&cfg, 1, argv, err, sizeof err), -1);
	assert_non_null(strstr(err, "--db"));
	char *dangling[] = { prog, db_flag, NULL };
	err[0] = '\0';
	assert_int_equal(config_load(&cfg, 2, dangling, err, sizeof err), -1);
	assert_string_equal(err, "--db needs a value");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(database_url_comes_from_quizd_db, teardown_env),
		cmocka_unit_test_teardown(db_flag_wins_over_quizd_db, teardown_env),
		cmocka_unit_test_teardown(no_database_is_a_clear_error, teardown_env),
		cmocka_unit_test_teardown(a_database_url_needs_the_key_folder, teardown_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
