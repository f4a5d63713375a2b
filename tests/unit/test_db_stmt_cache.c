/* test_db_stmt_cache.c - the storage layer's statement cache cannot fill up
 * unnoticed: every SQL text the storage files (engine/db*.c, found by glob,
 * so new files count) can hand to db_stmt is counted from the source and
 * must fit in at most half of DB_STMT_CACHE; and a cache that does fill
 * gives a clear error to the caller, never a crash, while the statements
 * already cached keep working.
 *
 * What is counted, per engine/db*.c file:
 *  - every `const char NAME[] =` (static or not): one SQL text each;
 *  - every array of SQL pointers `char *NAME[SIZE]` (texts built once per
 *    process, like the multi-row INSERTs): SIZE texts, with SIZE a number,
 *    a #define of the same file, or either "+ 1" (element 0 unused);
 *  - every string literal passed straight to db_stmt.
 * The source directory is $QUIZ_ENGINE_DIR or "engine" (make runs the tests
 * from the repository root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <regex.h>

#include <cmocka.h>

#include "db_account.h"
#include "db_priv.h"
#include "testdb.h"
#include "util.h"

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb;
	sb_init(&sb);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_append(&sb, buf, n);
	fclose(f);
	return sb_steal(&sb);
}

/* Number of matches of the extended regular expression pattern in text. */
static int count_matches(const char *text, const char *pattern)
{
	regex_t re;
	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE), 0);
	int n = 0;
	regmatch_t m[1];
	for (const char *p = text; regexec(&re, p, 1, m, 0) == 0; p += m[0].rm_eo)
		n++;
	regfree(&re);
	return n;
}

/* The value of `#define name N` in text, or -1. */
static long define_value(const char *text, const char *name)
{
	char pattern[160];
	snprintf(pattern, sizeof pattern, "^#define[ \t]+%s[ \t]+([0-9]+)", name);
	regex_t re;
	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE), 0);
	regmatch_t m[2];
	long v = -1;
	if (regexec(&re, text, 2, m, 0) == 0)
		v = strtol(text + m[1].rm_so, NULL, 10);
	regfree(&re);
	return v;
}

/* Sum of the sizes of the arrays of SQL pointers declared in text. */
static long generated_texts(const char *file, const char *text)
{
	regex_t re;
	assert_int_equal(regcomp(&re,
				 "char[ \t]*\\*[ \t]*(const[ \t]+)?[A-Za-z_][A-Za-z0-9_]*[ \t]*"
				 "\\[[ \t]*([A-Za-z0-9_]+)[ \t]*(\\+[ \t]*1)?[ \t]*\\]",
				 REG_EXTENDED | REG_NEWLINE),
			 0);
	long total = 0;
	regmatch_t m[4];
	for (const char *p = text; regexec(&re, p, 4, m, 0) == 0; p += m[0].rm_eo) {
		char size[64];
		int len = (int)(m[2].rm_eo - m[2].rm_so);
		snprintf(size, sizeof size, "%.*s", len, p + m[2].rm_so);
		long v = (size[0] >= '0' && size[0] <= '9') ? strtol(size, NULL, 10)
							    : define_value(text, size);
		if (v < 0)
			fail_msg("%s: cannot size the SQL array [%s]; give its size a #define "
				 "with a number in the same file",
				 file, size);
		total += v;
	}
	regfree(&re);
	return total;
}

static void every_sql_text_fits_in_half_the_statement_cache(void **state)
{
	(void)state;
	const char *dir = getenv("QUIZ_ENGINE_DIR");
	if (!dir || !*dir)
		dir = "engine";
	DIR *d = opendir(dir);
	assert_non_null(d);
	long total = 0;
	int files = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, "db", 2) != 0 || n < 3 ||
		    strcmp(e->d_name + n - 2, ".c") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		char *text = read_file(path);
		assert_non_null(text);
		long constants = count_matches(text, "const[ \t]+char[ \t]+[A-Za-z_][A-Za-z0-9_]*"
						     "[ \t]*\\[[ \t]*\\][ \t]*=");
		long literals = count_matches(text, "db_stmt\\([^,;]*,[ \t\n]*\"");
		long generated = generated_texts(path, text);
		fprintf(stderr, "%s: %ld constants, %ld generated, %ld literals\n", path, constants,
			generated, literals);
		total += constants + generated + literals;
		files++;
		free(text);
	}
	closedir(d);
	fprintf(stderr, "%d storage files, %ld SQL texts, statement cache of %d slots\n", files,
		total, DB_STMT_CACHE);
	/* db.c, the accounts, banks, quizzes, attempts and reports at least. */
	assert_true(files >= 5);
	assert_true(total >= 100);
	/* Half full at most: room to grow, and short probe chains. */
	if (total * 2 > DB_STMT_CACHE)
		fail_msg("%ld SQL texts need a statement cache of at least %ld slots; raise "
			 "DB_STMT_CACHE in engine/db_priv.h",
			 total, total * 2);
}

static void a_full_statement_cache_is_a_clear_error(void **state)
{
	(void)state;
	struct testdb t;
	struct db *db = testdb_open(&t, "test_db_stmt_cache");
	assert_non_null(db);
	enum { TEXT = 32 };
	char(*texts)[TEXT] = xcalloc(DB_STMT_CACHE + 1, TEXT);
	for (int i = 0; i <= DB_STMT_CACHE; i++)
		snprintf(texts[i], TEXT, "SELECT %d", i);
	/* Every slot fills, whatever the statements the migrations cached. */
	int cached = 0;
	db_st *st = NULL;
	for (int i = 0; i <= DB_STMT_CACHE && (st = db_stmt(db, texts[i])) != NULL; i++)
		cached++;
	assert_null(st);
	assert_true(cached <= DB_STMT_CACHE);
	assert_non_null(strstr(db_errmsg(db), "statement cache full"));
	assert_non_null(strstr(db_errmsg(db), "DB_STMT_CACHE"));
	/* A storage function needing a new statement fails cleanly. */
	struct db_unit u;
	assert_int_equal(db_unit_by_code(db, "NONE", &u), -1);
	assert_non_null(strstr(db_errmsg(db), "statement cache full"));
	/* What is cached still runs. */
	st = db_stmt(db, texts[0]);
	assert_non_null(st);
	assert_int_equal(dbs_step(st), DBS_ROW);
	assert_int_equal(dbs_column_int(st, 0), 0);
	dbs_reset(st);
	free(texts);
	testdb_remove(&t, db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_sql_text_fits_in_half_the_statement_cache),
		cmocka_unit_test(a_full_statement_cache_is_a_clear_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
