/* db_rows.c - handing a statement's rows one at a time to a caller's
 * callback, for the storage files that read that way. */
#include "db_priv.h"

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
