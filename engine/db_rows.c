/* db_rows.c - handing a statement's rows one at a time to a caller's
 * callback, for the storage files that read that way. */
#include "db_priv.h"

#include <stdlib.h>

#include "util.h"

int db_each_row(struct db *db, sqlite3_stmt *st,
		void (*row)(sqlite3_stmt *st, db_row_fn fn, void *ctx), db_row_fn fn, void *ctx,
		const char *what)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row(st, fn, ctx);
	int ret = rc == SQLITE_DONE ? 0 : db_fail(db, what);
	sqlite3_reset(st);
	return ret;
}

int db_collect_rows(struct db *db, sqlite3_stmt *st, size_t size,
		    void (*read)(sqlite3_stmt *st, void *row), void **rows, size_t *n,
		    const char *what)
{
	char *out = NULL;
	size_t count = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 256;
			out = xrealloc(out, cap * size);
		}
		read(st, out + count++ * size);
	}
	int ret = rc == SQLITE_DONE ? 0 : db_fail(db, what);
	sqlite3_reset(st);
	if (ret) {
		free(out);
		*rows = NULL;
		*n = 0;
		return -1;
	}
	*rows = out;
	*n = count;
	return 0;
}
