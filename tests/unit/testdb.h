/* testdb.h - a temporary database for unit tests: a fresh directory under
 * $TMPDIR (or /tmp) holding one SQLite database built by the real
 * migrations, and its removal with everything SQLite left beside it
 * (-wal, -shm, -journal). With QUIZ_TEST_PG set (tests/lib/testsql.h) the
 * database is a fresh PostgreSQL schema instead, dropped at removal; the
 * directory is made all the same, for the files a test writes. */
#ifndef TESTDB_H
#define TESTDB_H

#include "db.h"

struct testdb {
	char dir[256]; /* the temporary directory */
	/* What db_open takes for extra connections: the database file in
	 * dir, or the PostgreSQL URL that selects the schema. */
	char path[512];
	char schema[64]; /* the PostgreSQL schema, or "" on SQLite */
};

/* Makes a new directory named after `name` (e.g. "test_bank") and a
 * database in it migrated to the latest schema. Returns the open handle
 * (the caller closes it through testdb_remove) or NULL with the reason on
 * stderr; nothing is left behind on failure. */
struct db *testdb_open(struct testdb *t, const char *name);

/* Closes `db` (NULL is fine) and removes the directory of `t` with every
 * file in it. Other connections to the database must be closed first. */
void testdb_remove(struct testdb *t, struct db *db);

#endif
