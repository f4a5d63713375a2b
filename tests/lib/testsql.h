/* testsql.h - the engine the unit and HTTP tests run on, and raw SQL for the
 * few tests that change a database behind the engine's back.
 *
 * Without QUIZ_TEST_PG the tests use SQLite files in temporary folders, as
 * always. With QUIZ_TEST_PG set to a base PostgreSQL URL (e.g.
 * postgresql:///quiztest?host=/tmp/pg.X, from scripts/pg-test-cluster.sh),
 * each fixture gets a schema of its own, t_<pid>_<counter>, made here
 * through libpq, and hands the engine the base URL with
 * options=-csearch_path%3D<schema> appended; the fixture drops the schema
 * when it ends. Tests may use libpq; engine code may not. */
#ifndef QUIZ_TESTSQL_H
#define QUIZ_TESTSQL_H

#include <stdbool.h>
#include <stddef.h>

/* The base URL of QUIZ_TEST_PG, or NULL when the tests run on SQLite. */
const char *testsql_pg(void);

/* Makes a new empty schema in the database of QUIZ_TEST_PG: its name goes
 * to schema (at least 64 bytes) and the URL that selects it to url.
 * Returns 0, or -1 with the reason on stderr. */
int testsql_schema_new(char *schema, size_t schema_size, char *url, size_t url_size);

/* Drops the schema and everything in it (no connection may use it any
 * more). Returns 0, or -1 with the reason on stderr. */
int testsql_schema_drop(const char *schema);

/* Runs one or more SQL statements on the database db (a SQLite path or a
 * PostgreSQL URL, as the engine takes it) in a connection of their own.
 * Returns the number of rows the last statement changed, or -1 with the
 * engine's message on stderr. */
long testsql_exec(const char *db, const char *sql);

/* A shell command that prints everything the database db stores (the SQLite
 * file with its write-ahead log; PostgreSQL: pg_dump of the schema's data),
 * for tests that search the stored bytes. Returns 0, or -1 when the command
 * does not fit. */
int testsql_dump_command(const char *db, char *cmd, size_t size);

#endif
