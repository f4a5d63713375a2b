/* testdb.c - a temporary migrated database per test fixture; see testdb.h. */
#include "testdb.h"
#include "testsql.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char p[600];
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			if (unlink(p) != 0)
				fprintf(stderr, "testdb: cannot remove %s: %s\n", p,
					strerror(errno));
		}
		closedir(d);
	}
	if (rmdir(dir) != 0 && errno != ENOENT)
		fprintf(stderr, "testdb: cannot remove %s: %s\n", dir, strerror(errno));
}

struct db *testdb_open(struct testdb *t, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	int n = snprintf(t->dir, sizeof t->dir, "%s/%s.XXXXXX", tmp, name);
	if (n < 0 || (size_t)n >= sizeof t->dir) {
		fprintf(stderr, "testdb: temporary directory name too long: %s/%s\n", tmp, name);
		return NULL;
	}
	if (!mkdtemp(t->dir)) {
		fprintf(stderr, "testdb: cannot make %s: %s\n", t->dir, strerror(errno));
		return NULL;
	}
	t->schema[0] = '\0';
	if (!testsql_pg())
		snprintf(t->path, sizeof t->path, "%s/quiz.db", t->dir);
	else if (testsql_schema_new(t->schema, sizeof t->schema, t->path, sizeof t->path)) {
		remove_dir(t->dir);
		return NULL;
	}
	char err[256];
	struct db *db = db_open(t->path, err, sizeof err);
	if (!db) {
		fprintf(stderr, "testdb: cannot open %s: %s\n", t->path, err);
		testdb_remove(t, NULL);
		return NULL;
	}
	if (db_migrate(db) != 0) {
		fprintf(stderr, "testdb: migrations failed on %s\n", t->path);
		testdb_remove(t, db);
		return NULL;
	}
	return db;
}

void testdb_remove(struct testdb *t, struct db *db)
{
	db_close(db);
	testsql_schema_drop(t->schema);
	remove_dir(t->dir);
}
