/* test_fold_key_pg.c - fold_key() and the people search on PostgreSQL
 * answer as on SQLite.
 *
 * fold_key() (engine/sql/pg/06-people.sql, a plpgsql function with
 * translate() tables) answers what the C function SQLite calls answers
 * (engine/db.c sql_fold_key -> quiz_normalise_answer(text, true)): for
 * every code point the tables handle (the Latin, marks and punctuation
 * ranges, every code point the C fold changes anywhere in Unicode) and a
 * sample of the rest, alone and between letters; for names in Vietnamese
 * with their white space; and for strings drawn at random from characters
 * that compose, decompose, fold and separate.
 *
 * user_search_match() (the token index that stands for FTS5 there) finds
 * the same people, in the same order, as FTS5's MATCH on SQLite for the
 * queries people_search_query builds, over the same folded keys: words
 * whole and as prefixes, several words, phrases cut by punctuation, words
 * with no token, Greek letters unicode61 folds further.
 *
 * Runs when QUIZ_TEST_PG names a PostgreSQL database (a schema of its own,
 * with the migrations read from engine/sql/pg: make runs the tests from
 * the repository root); prints a skip otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistr.h>

#include "people.h"
#include "quiz_rules.h"
#include "testsql.h"
#include "util.h"

#define MIGRATIONS_DIR "engine/sql/pg"
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

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int migration_file(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return n > 7 && e->d_name[0] >= '0' && e->d_name[0] <= '9' &&
	       !strcmp(e->d_name + n - 4, ".sql");
}

/* Every NN-*.sql of MIGRATIONS_DIR in name order: 0 or -1. */
static int apply_migrations(PGconn *conn)
{
	struct dirent **names;
	int n = scandir(MIGRATIONS_DIR, &names, migration_file, by_name);
	if (n <= 0) {
		fprintf(stderr, "test_fold_key_pg: no migrations in %s\n", MIGRATIONS_DIR);
		return -1;
	}
	int ret = 0;
	for (int i = 0; i < n; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", MIGRATIONS_DIR, names[i]->d_name);
		char *sql = ret ? NULL : read_file(path);
		if (!ret && !sql) {
			fprintf(stderr, "test_fold_key_pg: cannot read %s\n", path);
			ret = -1;
		}
		if (sql) {
			PGresult *r = PQexec(conn, sql);
			ExecStatusType st = PQresultStatus(r);
			if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
				fprintf(stderr, "test_fold_key_pg: %s: %s", path,
					PQerrorMessage(conn));
				ret = -1;
			}
			PQclear(r);
			free(sql);
		}
		free(names[i]);
	}
	free(names);
	return ret;
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
	if (apply_migrations(f->conn) < 0)
		return -1;
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

/* ---- people search ------------------------------------------------------ */

static uint64_t next_random(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return *seed >> 33;
}

static const char *const surnames[] = { "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng",
					"Bùi",    "Đỗ",   "Hồ", "Ngô",  "Dương", "Lý" };
static const char *const middles[] = { "Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh" };
static const char *const given[] = { "An",    "Anh", "Ánh",  "Ân",   "Bình", "Châu", "Dũng",
				     "Giang", "Hà",  "Hải",  "Hùng", "Lan",  "Linh", "Long",
				     "Mai",   "Nam", "Oanh", "Sơn",  "Tâm",  "Thảo", "Việt" };
/* Names cut by punctuation, repeated words, Greek letters unicode61 folds
 * further, digits. */
static const char *const odd_names[] = {
	"O’Neil Trần-Thị Bích", "Mc-Donald_Jr. Lê", "(Bà) Lan",         "Lê.Văn.Tám", "an an an",
	"Tổ 3 - Ấp 12",         "ΣΟΦΙΑ µ ſ ς",      "Đoàn  Thị   Điểm", "Ơn Ư Ă",
};

#define PEOPLE 3000

/* The folded keys as the triggers write them (erased people: ''). */
static char **people_keys(uint64_t *seed)
{
	char **keys = xcalloc(PEOPLE, sizeof *keys);
	for (int i = 0; i < PEOPLE; i++) {
		char text[256];
		if (i % 97 == 5) {
			keys[i] = xstrdup("");
			continue;
		}
		if (i % 50 == 7)
			snprintf(text, sizeof text, "p%d %s", i,
				 odd_names[next_random(seed) %
					   (sizeof odd_names / sizeof *odd_names)]);
		else
			snprintf(text, sizeof text, "p%d %s %s %s", i,
				 surnames[next_random(seed) % (sizeof surnames / sizeof *surnames)],
				 middles[next_random(seed) % (sizeof middles / sizeof *middles)],
				 given[next_random(seed) % (sizeof given / sizeof *given)]);
		keys[i] = quiz_normalise_answer(text, true);
		assert_non_null(keys[i]);
	}
	return keys;
}

/* A search as a person types it: one to three words, from names or odd
 * ones, some cut short, upper case or with a space at the end. */
static void random_search(uint64_t *seed, char *q, size_t size)
{
	static const char *const odd_words[] = { "o’ne", "neil",   "tran-t", "mc-donald_j", "’",
						 "(ba)", "le.van", "σ",      "μ",           "ς",
						 "s",    "3",      "ấp 1",   "an an" };
	size_t len = 0;
	int words = 1 + (int)(next_random(seed) % 3);
	q[0] = '\0';
	for (int w = 0; w < words; w++) {
		const char *word;
		uint64_t pick = next_random(seed) % 10;
		if (pick < 3)
			word = surnames[next_random(seed) % (sizeof surnames / sizeof *surnames)];
		else if (pick < 5)
			word = middles[next_random(seed) % (sizeof middles / sizeof *middles)];
		else if (pick < 8)
			word = given[next_random(seed) % (sizeof given / sizeof *given)];
		else
			word = odd_words[next_random(seed) %
					 (sizeof odd_words / sizeof *odd_words)];
		size_t n = strlen(word);
		if (w == words - 1 && n > 1 && next_random(seed) % 2) {
			/* A prefix of whole characters. */
			n = 1 + next_random(seed) % (n - 1);
			while ((word[n] & 0xC0) == 0x80)
				n++;
		}
		len += (size_t)snprintf(q + len, size - len, "%s%.*s", w ? " " : "", (int)n, word);
	}
	if (next_random(seed) % 5 == 0)
		snprintf(q + len, size - len, " ");
}

/* The ids a query finds, in order, as "1,5,9". */
static char *lite_ids(sqlite3 *lite, const char *match)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(lite,
					    "SELECT rowid FROM user_search WHERE user_search"
					    " MATCH ?1 ORDER BY rowid",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	struct strbuf sb;
	sb_init(&sb);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sb_printf(&sb, "%s%lld", sb.len ? "," : "", (long long)sqlite3_column_int64(st, 0));
	if (rc != SQLITE_DONE)
		fail_msg("FTS5 MATCH %s: %s", match, sqlite3_errmsg(lite));
	sqlite3_finalize(st);
	return sb_steal(&sb);
}

static char *pg_ids(PGconn *conn, const char *match)
{
	const char *params[1] = { match };
	PGresult *r = PQexecParams(conn, "SELECT m FROM user_search_match($1) AS m ORDER BY m", 1,
				   NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("user_search_match(%s): %s", match, PQerrorMessage(conn));
	struct strbuf sb;
	sb_init(&sb);
	for (int i = 0; i < PQntuples(r); i++)
		sb_printf(&sb, "%s%s", sb.len ? "," : "", PQgetvalue(r, i, 0));
	PQclear(r);
	return sb_steal(&sb);
}

static void search_matches_as_fts5(void **state)
{
	struct pg_fixture *f = fixture_or_skip(state);
	uint64_t seed = 0x2545F4914F6CDD1DULL;
	char **keys = people_keys(&seed);
	sqlite3 *lite;
	assert_int_equal(sqlite3_open(":memory:", &lite), SQLITE_OK);
	/* db_sql_people_search_prefix's table (engine/db_audit.c). */
	assert_int_equal(sqlite3_exec(lite,
				      "CREATE VIRTUAL TABLE user_search USING fts5(key,"
				      " tokenize = 'unicode61', prefix = '1 2 3 4')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_stmt *ins;
	assert_int_equal(sqlite3_prepare_v2(lite,
					    "INSERT INTO user_search (rowid, key) VALUES (?1, ?2)",
					    -1, &ins, NULL),
			 SQLITE_OK);
	struct batch *b = xcalloc(1, sizeof *b);
	for (int i = 0; i < PEOPLE; i++) {
		sqlite3_bind_int64(ins, 1, i + 1);
		sqlite3_bind_text(ins, 2, keys[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
		b->texts[b->n++] = keys[i];
	}
	sqlite3_finalize(ins);
	char *arr = array_literal(b);
	const char *params[1] = { arr };
	PGresult *r = PQexecParams(f->conn,
				   "INSERT INTO user_search (rowid, key) SELECT n, k FROM"
				   " unnest($1::text[]) WITH ORDINALITY AS u(k, n)",
				   1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("user_search on PostgreSQL: %s", PQerrorMessage(f->conn));
	PQclear(r);
	free(arr);
	int queries = 0, found = 0;
	for (int i = 0; i < 1500; i++) {
		char q[256], match[512];
		random_search(&seed, q, sizeof q);
		int rc = people_search_query(q, match, sizeof match);
		if (rc < 0)
			fail_msg("search \"%s\": no query", q);
		if (!rc)
			continue;
		char *want = lite_ids(lite, match), *got = pg_ids(f->conn, match);
		if (strcmp(want, got))
			fail_msg("search \"%s\" (%s): FTS5 finds [%s], PostgreSQL [%s]", q, match,
				 want, got);
		queries++;
		found += *want != '\0';
		free(want);
		free(got);
	}
	print_message("people search: %d queries, %d of them finding people, the same ids on"
		      " both engines\n",
		      queries, found);
	assert_true(queries > 1400);
	assert_true(found > queries / 2 && found < queries);
	for (int i = 0; i < PEOPLE; i++)
		free(keys[i]);
	free(keys);
	free(b);
	sqlite3_close(lite);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_code_point_folds_as_in_c),
		cmocka_unit_test(names_and_mixed_text_fold_as_in_c),
		cmocka_unit_test(search_matches_as_fts5),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
