/* test_fold_key_pg.c - fold_key() on PostgreSQL (engine/sql/pg/06-people.sql,
 * a plpgsql function with translate() tables) answers what the C function
 * SQLite calls answers (engine/db.c sql_fold_key -> quiz_normalise_answer
 * (text, true)): for every code point the tables handle (the Latin, marks
 * and punctuation ranges, every code point the C fold changes anywhere in
 * Unicode) and a sample of the rest, alone and between letters; for names
 * in Vietnamese with their white space; and for strings drawn at random
 * from characters that compose, decompose, fold and separate.
 *
 * Runs when QUIZ_TEST_PG names a PostgreSQL database (a schema of its own,
 * migrations 01..06 read from engine/sql/pg: make runs the tests from the
 * repository root); prints a skip otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <unistr.h>

#include "quiz_rules.h"
#include "testsql.h"
#include "util.h"

#define MIGRATIONS_DIR "engine/sql/pg"
/* The migrations fold_key needs: 06 makes it, 01 the users it indexes. */
static const char *const migration_files[] = {
	"01-accounts.sql",         "02-quizzes.sql",         "03-reports.sql",
	"04-contest-versions.sql", "05-option-feedback.sql", "06-people.sql",
};
/* Strings sent to PostgreSQL in one query. */
#define BATCH 4000

/* The whole file, or NULL. */
static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	struct strbuf sb;
	sb_init(&sb);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_append(&sb, buf, n);
	bool ok = !ferror(fp);
	fclose(fp);
	if (!ok) {
		sb_cleanup(&sb);
		return NULL;
	}
	return sb_steal(&sb);
}

struct pg_fixture {
	char schema[64];
	PGconn *conn;
};

static int setup(void **state)
{
	if (!testsql_pg()) {
		*state = NULL;
		return 0;
	}
	struct pg_fixture *f = xcalloc(1, sizeof *f);
	char url[1024];
	if (testsql_schema_new(f->schema, sizeof f->schema, url, sizeof url) < 0) {
		free(f);
		return -1;
	}
	f->conn = PQconnectdb(url);
	if (PQstatus(f->conn) != CONNECTION_OK) {
		fprintf(stderr, "test_fold_key_pg: %s", PQerrorMessage(f->conn));
		return -1;
	}
	for (size_t i = 0; i < sizeof migration_files / sizeof *migration_files; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s/%s", MIGRATIONS_DIR, migration_files[i]);
		char *sql = read_file(path);
		if (!sql) {
			fprintf(stderr, "test_fold_key_pg: cannot read %s\n", path);
			return -1;
		}
		PGresult *r = PQexec(f->conn, sql);
		free(sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "test_fold_key_pg: %s: %s", path, PQerrorMessage(f->conn));
			PQclear(r);
			return -1;
		}
		PQclear(r);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct pg_fixture *f = *state;
	if (!f)
		return 0;
	PQfinish(f->conn);
	int rc = testsql_schema_drop(f->schema);
	free(f);
	return rc;
}

static struct pg_fixture *fixture_or_skip(void **state)
{
	if (!*state) {
		print_message("test_fold_key_pg: skipped (QUIZ_TEST_PG is not set)\n");
		skip();
	}
	return *state;
}

/* A batch of strings and the number of them checked. */
struct batch {
	char *texts[BATCH];
	size_t n;
	size_t checked;
};

/* The batch as a PostgreSQL array literal: every element quoted, with "
 * and \ escaped. */
static char *array_literal(const struct batch *b)
{
	size_t len = 3;
	for (size_t i = 0; i < b->n; i++)
		len += 2 * strlen(b->texts[i]) + 3;
	char *out = xmalloc(len);
	char *p = out;
	*p++ = '{';
	for (size_t i = 0; i < b->n; i++) {
		if (i)
			*p++ = ',';
		*p++ = '"';
		for (const char *s = b->texts[i]; *s; s++) {
			if (*s == '"' || *s == '\\')
				*p++ = '\\';
			*p++ = *s;
		}
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
	return out;
}

/* Folds the batch on PostgreSQL and in C; every pair must be equal. */
static void check_batch(PGconn *conn, struct batch *b)
{
	if (!b->n)
		return;
	char *arr = array_literal(b);
	const char *params[1] = { arr };
	PGresult *r = PQexecParams(conn,
				   "SELECT fold_key(x) FROM unnest($1::text[]) WITH ORDINALITY"
				   " AS u(x, n) ORDER BY n",
				   1, NULL, params, NULL, NULL, 0);
	free(arr);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("fold_key on PostgreSQL: %s", PQerrorMessage(conn));
	assert_int_equal(PQntuples(r), (int)b->n);
	for (size_t i = 0; i < b->n; i++) {
		char *c = quiz_normalise_answer(b->texts[i], true);
		assert_non_null(c);
		const char *pg = PQgetvalue(r, (int)i, 0);
		if (strcmp(c, pg)) {
			ucs4_t first = 0;
			u8_mbtouc(&first, (const uint8_t *)b->texts[i], strlen(b->texts[i]));
			fail_msg("fold_key(\"%s\") (first code point U+%04X): C \"%s\","
				 " PostgreSQL \"%s\"",
				 b->texts[i], (unsigned)first, c, pg);
		}
		free(c);
		free(b->texts[i]);
	}
	PQclear(r);
	b->checked += b->n;
	b->n = 0;
}

static void add_text(PGconn *conn, struct batch *b, const char *text)
{
	if (b->n == BATCH)
		check_batch(conn, b);
	b->texts[b->n++] = xstrdup(text);
}

static size_t encode(ucs4_t cp, char *out)
{
	int n = u8_uctomb((uint8_t *)out, cp, 6);
	return n > 0 ? (size_t)n : 0;
}

/* The code point alone and between two capitals (folded, and joined to
 * what surrounds it by NFC). */
static void add_code_point(PGconn *conn, struct batch *b, ucs4_t cp)
{
	char alone[8] = { 0 };
	encode(cp, alone);
	add_text(conn, b, alone);
	char around[16];
	snprintf(around, sizeof around, "A%sB", alone);
	add_text(conn, b, around);
}

static bool fold_changes(ucs4_t cp)
{
	char s[8] = { 0 };
	encode(cp, s);
	char *f = quiz_normalise_answer(s, true);
	bool changed = !f || strcmp(f, s);
	free(f);
	return changed;
}

static void every_code_point_folds_as_in_c(void **state)
{
	struct pg_fixture *f = fixture_or_skip(state);
	struct batch *b = xcalloc(1, sizeof *b);
	size_t sampled = 0;
	for (ucs4_t cp = 1; cp < 0x110000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		bool latin = cp <= 0x36F || (cp >= 0x1E00 && cp <= 0x1EFF) ||
			     (cp >= 0x2000 && cp <= 0x206F);
		if (latin || fold_changes(cp)) {
			add_code_point(f->conn, b, cp);
		} else if (cp % 61 == 0) {
			add_code_point(f->conn, b, cp);
			sampled++;
		}
	}
	check_batch(f->conn, b);
	print_message("fold_key: %zu strings equal on both engines (%zu code points sampled"
		      " among those the C fold leaves as they are)\n",
		      b->checked, sampled);
	assert_true(b->checked > 2 * (0x370 + 0x100 + 0x70));
	free(b);
}

static void names_and_mixed_text_fold_as_in_c(void **state)
{
	struct pg_fixture *f = fixture_or_skip(state);
	static const char *const names[] = {
		"Nguyễn Văn An",
		"  NGUYỄN   THỊ   MINH  KHAI  ",
		"Đặng Thùy Trâm",
		"đỗ đức dục",
		"Trần\tHưng\nĐạo",
		"Phạm\u00a0Nhật\u2003Vượng",
		"Nguye\u0302\u0303n Va\u0306n A", /* written decomposed */
		"Lê Quý Đôn (nhà bác học)",
		"Ngô Bảo Châu, GS.TS.",
		"Hồ Xuân Hương - \"Bà chúa thơ Nôm\"",
		"Ê-đê Ơ Ư Ă Â Ô",
		"İstanbul ǅemal ǈubica ǋeđo",
		"ΣΟΦΊΑ Παπαδοπούλου",
		"ДМИТРИЙ Ёлкин",
		"O’Neil Mc-Donald_Jr.",
		"한국어 이름",
		"µ ſ ς ϐ ϑ ϕ",
		"ＦＵＬＬＷＩＤＴＨ ａｂｃ",
		"",
		" ",
		"\u0301\u0300",
		"a\u0301 \u0301b",
	};
	struct batch *b = xcalloc(1, sizeof *b);
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		add_text(f->conn, b, names[i]);
	/* Random strings over characters that compose, decompose, fold,
	 * separate or are white space. */
	static const ucs4_t pool[] = {
		'a',    'E',    'o',    'U',    'y',    'D',    ' ',    ' ',    '\t',   '-',
		0x0300, 0x0301, 0x0303, 0x0309, 0x0323, 0x0302, 0x0306, 0x031B, 0x00C0, 0x1EA0,
		0x1EDD, 0x0110, 0x0111, 0x00A0, 0x2003, 0x3000, 0x0130, 0x01C5, 0x03A3, 0x0416,
		0x1100, 0x1161, 0x11A8, 0xAC00, 0xFF21, 0x2019, 0x00B5, 0x1E9E, 0x0345, 0x0F73,
	};
	uint64_t seed = 0x9E3779B97F4A7C15ULL;
	for (int i = 0; i < 20000; i++) {
		char s[128];
		size_t len = 0;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		int chars = 1 + (int)((seed >> 33) % 12);
		for (int k = 0; k < chars; k++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			len += encode(pool[(seed >> 33) % (sizeof pool / sizeof *pool)], s + len);
		}
		s[len] = '\0';
		add_text(f->conn, b, s);
	}
	check_batch(f->conn, b);
	PGresult *r = PQexec(f->conn, "SELECT fold_key(NULL) = ''");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_code_point_folds_as_in_c),
		cmocka_unit_test(names_and_mixed_text_fold_as_in_c),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
