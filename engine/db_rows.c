/* db_rows.c - handing a statement's rows one at a time to a caller's
 * callback, for the storage files that read that way, and fetching several
 * statements' rows at once. */
#include "db_priv.h"

#include <assert.h>
#include <stdlib.h>

#include "util.h"

int db_each_row(struct db *db, db_st *st, void (*row)(db_st *st, db_row_fn fn, void *ctx),
		db_row_fn fn, void *ctx, const char *what)
{
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW)
		row(st, fn, ctx);
	int ret = rc == DBS_DONE ? 0 : db_fail(db, what);
	dbs_reset(st);
	return ret;
}

int db_collect_rows(struct db *db, db_st *st, size_t size, void (*read)(db_st *st, void *row),
		    void **rows, size_t *n, const char *what)
{
	char *out = NULL;
	size_t count = 0, cap = 0;
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 256;
			out = xrealloc(out, cap * size);
		}
		read(st, out + count++ * size);
	}
	int ret = rc == DBS_DONE ? 0 : db_fail(db, what);
	dbs_reset(st);
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

int db_prefetch(struct db *db, db_st *const *sts, int n, const char *what)
{
	if (!db->pg || n < 1)
		return 0;
	assert(n <= DB_PREFETCH_MAX);
	struct db_pg_st *pg[DB_PREFETCH_MAX];
	for (int i = 0; i < n; i++)
		pg[i] = sts[i]->pg;
	return db_pg_prefetch(pg, n) ? db_fail(db, what) : 0;
}
