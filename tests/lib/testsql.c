/* testsql.c - test databases on either engine; see testsql.h. */
#include "testsql.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char SEARCH_PATH[] = "options=-csearch_path%3D";

const char *testsql_pg(void)
{
	const char *base = getenv("QUIZ_TEST_PG");
	return base && *base ? base : NULL;
}

static bool is_url(const char *db)
{
	return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
}

static PGconn *pg_connect(const char *url)
{
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "testsql: cannot connect to %s: %s", url, PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* Runs sql on c; returns the rows the last statement changed or -1. */
static long pg_run(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	long changed = -1;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		changed = atol(PQcmdTuples(r));
	else
		fprintf(stderr, "testsql: %s\n  in: %s\n", PQerrorMessage(c), sql);
	PQclear(r);
	return changed;
}

int testsql_schema_new(char *schema, size_t schema_size, char *url, size_t url_size)
{
	static atomic_int counter;
	const char *base = testsql_pg();
	if (!base) {
		fprintf(stderr, "testsql: QUIZ_TEST_PG is not set\n");
		return -1;
	}
	int n = snprintf(schema, schema_size, "t_%ld_%d", (long)getpid(),
			 atomic_fetch_add(&counter, 1) + 1);
	int m = snprintf(url, url_size, "%s%c%s%s", base, strchr(base, '?') ? '&' : '?',
			 SEARCH_PATH, schema);
	if (n < 0 || (size_t)n >= schema_size || m < 0 || (size_t)m >= url_size) {
		fprintf(stderr, "testsql: the URL of QUIZ_TEST_PG is too long: %s\n", base);
		return -1;
	}
	PGconn *c = pg_connect(base);
	if (!c)
		return -1;
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
	long rc = pg_run(c, sql);
	PQfinish(c);
	return rc < 0 ? -1 : 0;
}

int testsql_schema_drop(const char *schema)
{
	const char *base = testsql_pg();
	if (!base || !schema || !*schema)
		return 0;
	PGconn *c = pg_connect(base);
	if (!c)
		return -1;
	char sql[128];
	/* Without the notice listing every object the drop cascades to. */
	snprintf(sql, sizeof sql,
		 "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE", schema);
	long rc = pg_run(c, sql);
	PQfinish(c);
	return rc < 0 ? -1 : 0;
}

long testsql_exec(const char *db, const char *sql)
{
	if (is_url(db)) {
		PGconn *c = pg_connect(db);
		if (!c)
			return -1;
		long changed = pg_run(c, sql);
		PQfinish(c);
		return changed;
	}
	sqlite3 *raw = NULL;
	if (sqlite3_open_v2(db, &raw, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "testsql: cannot open %s: %s\n", db, sqlite3_errmsg(raw));
		sqlite3_close(raw);
		return -1;
	}
	sqlite3_busy_timeout(raw, 10000);
	char *err = NULL;
	long changed = -1;
	if (sqlite3_exec(raw, sql, NULL, NULL, &err) == SQLITE_OK)
		changed = sqlite3_changes(raw);
	else
		fprintf(stderr, "testsql: %s\n  in: %s\n", err ? err : sqlite3_errmsg(raw), sql);
	sqlite3_free(err);
	sqlite3_close(raw);
	return changed;
}

int testsql_dump_command(const char *db, char *cmd, size_t size)
{
	int n;
	if (is_url(db)) {
		const char *schema = strstr(db, SEARCH_PATH);
		if (!schema)
			return -1;
		schema += strlen(SEARCH_PATH);
		const char *bin = getenv("PGBIN");
		n = snprintf(cmd, size, "'%s/pg_dump' --data-only --schema='%.*s' '%s' 2>/dev/null",
			     bin && *bin ? bin : "/usr/lib/postgresql/15/bin",
			     (int)strcspn(schema, "&"), schema, db);
	} else {
		n = snprintf(cmd, size, "cat '%s' '%s-wal' 2>/dev/null", db, db);
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
}
