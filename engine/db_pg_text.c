/* db_pg_text.c - the texts PostgreSQL runs: the DB_PG_SQL variants found
 * by the address of their SQLite text, and the translation of SQLite's
 * placeholders (see db_pg.h). */
#include "db_pg.h"
#include "db_priv.h"

#include <assert.h>
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* The DB_PG_SQL variants of every linked storage file, between the
 * linker-made bounds of their section (weak: a build without any). */
extern const struct db_pg_sql __start_db_pg_sql[] __attribute__((weak));
extern const struct db_pg_sql __stop_db_pg_sql[] __attribute__((weak));

static struct db_pg_sql *variants;
static size_t n_variants;
static pthread_once_t variants_once = PTHREAD_ONCE_INIT;

static int variant_cmp(const void *a, const void *b)
{
	const char *x = ((const struct db_pg_sql *)a)->lite;
	const char *y = ((const struct db_pg_sql *)b)->lite;
	return x < y ? -1 : x > y;
}

/* Sorted by address once per process, at the first lookup. */
static void load_variants(void)
{
	if (!__start_db_pg_sql || !__stop_db_pg_sql)
		return;
	size_t bytes = (size_t)((const char *)__stop_db_pg_sql - (const char *)__start_db_pg_sql);
	/* Holds while struct db_pg_sql is aligned to its own size (db_priv.h). */
	assert(bytes % sizeof *variants == 0);
	n_variants = bytes / sizeof *variants;
	if (!n_variants)
		return;
	variants = xmalloc(n_variants * sizeof *variants);
	memcpy(variants, __start_db_pg_sql, n_variants * sizeof *variants);
	qsort(variants, n_variants, sizeof *variants, variant_cmp);
}

const struct db_pg_sql *db_pg_variant(const char *sql)
{
	pthread_once(&variants_once, load_variants);
	struct db_pg_sql key = { sql, NULL, NULL };
	return n_variants ? bsearch(&key, variants, n_variants, sizeof *variants, variant_cmp)
			  : NULL;
}

/* Where the literal, quoted name or comment starting at p ends (the
 * character after it), or p itself when none starts there. Standard
 * strings double their quote; E'...' strings also escape with \. */
static const char *skip_quoted(const char *sql, const char *p)
{
	if (*p == '\'' || *p == '"') {
		char q = *p;
		bool backslash = q == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
				 (p - 1 == sql || !(isalnum((unsigned char)p[-2]) || p[-2] == '_'));
		for (p++; *p; p++) {
			if (backslash && *p == '\\' && p[1])
				p++;
			else if (*p == q && p[1] == q)
				p++;
			else if (*p == q)
				return p + 1;
		}
		return p;
	}
	if (p[0] == '-' && p[1] == '-') {
		while (*p && *p != '\n')
			p++;
		return p;
	}
	if (p[0] == '/' && p[1] == '*') {
		const char *end = strstr(p + 2, "*/");
		return end ? end + 2 : p + strlen(p);
	}
	return p;
}

char *db_pg_translate(const char *sql, int *nparams)
{
	struct strbuf out;
	sb_init(&out);
	int largest = 0;
	const char *run = sql, *p = sql;
	while (*p) {
		const char *end = skip_quoted(sql, p);
		if (end != p) {
			p = end;
			continue;
		}
		if (*p == '$' && isdigit((unsigned char)p[1])) {
			/* A variant written with PostgreSQL's own placeholders. */
			int n = 0;
			for (p++; isdigit((unsigned char)*p) && n < 100000; p++)
				n = n * 10 + (*p - '0');
			if (n > largest)
				largest = n;
			continue;
		}
		if (*p != '?') {
			p++;
			continue;
		}
		sb_append(&out, run, (size_t)(p - run));
		p++;
		int n = 0;
		if (isdigit((unsigned char)*p)) {
			while (isdigit((unsigned char)*p) && n < 100000)
				n = n * 10 + (*p++ - '0');
		} else {
			n = largest + 1;
		}
		if (n > largest)
			largest = n;
		sb_printf(&out, "$%d", n);
		run = p;
	}
	sb_append(&out, run, (size_t)(p - run));
	*nparams = largest;
	return sb_steal(&out);
}

/* True when word (upper case) occurs in sql as a keyword, outside
 * literals and comments. */
bool db_pg_has_keyword(const char *sql, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = sql; *p;) {
		const char *end = skip_quoted(sql, p);
		if (end != p) {
			p = end;
			continue;
		}
		bool starts = p == sql || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
		if (starts && !strncasecmp(p, word, n) &&
		    !(isalnum((unsigned char)p[n]) || p[n] == '_'))
			return true;
		p++;
	}
	return false;
}

/* Whether a statement changes rows: its first word, or for WITH a
 * writing keyword anywhere. */
bool db_pg_is_write(const char *sql)
{
	while (isspace((unsigned char)*sql) || *sql == '(')
		sql++;
	static const char *const verbs[] = { "INSERT", "UPDATE", "DELETE", "MERGE" };
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (!strncasecmp(sql, verbs[i], strlen(verbs[i])))
			return true;
	if (strncasecmp(sql, "WITH", 4))
		return false;
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (db_pg_has_keyword(sql, verbs[i]))
			return true;
	return false;
}
