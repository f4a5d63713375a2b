/* db_copy.h - moving a province: every table of a SQLite database copied
 * into an empty PostgreSQL schema migrated to the same version (quizadm
 * migrate).
 *
 * The copy runs in one PostgreSQL transaction: tables in an order that
 * satisfies their foreign keys, each streamed with COPY (rows read one at a
 * time from a SQLite read transaction, sent in batches, never a whole table
 * in memory), with the target's own triggers disabled so the summary tables
 * kept by triggers arrive as they were; afterwards identity sequences are set
 * past the highest id and the tables that exist only on PostgreSQL (the
 * people search index) are rebuilt from the copied rows. A failure rolls
 * everything back: the target stays empty. */
#ifndef QUIZ_DB_COPY_H
#define QUIZ_DB_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_copy;

/* Prepares a copy of src (a SQLite database at this program's schema
 * version) into dst (a PostgreSQL database migrated by db_migrate): reads
 * both schemas, orders the tables by their foreign keys and counts the rows
 * to copy. Refuses, with a message naming the cause, a src that is not
 * SQLite, a dst that is not PostgreSQL, schema versions that differ, tables
 * or columns that differ, and a dst that holds rows other than those its
 * migrations wrote. Returns a new copy (free with db_copy_free) or NULL with
 * the message in err. src and dst stay the caller's and must outlive it. */
struct db_copy *db_copy_prepare(struct db *src, struct db *dst, char *err, size_t errlen);
void db_copy_free(struct db_copy *c);

/* The tables to copy, in copying order, and their rows in the source as
 * counted by db_copy_prepare. */
size_t db_copy_tables(const struct db_copy *c);
const char *db_copy_table(const struct db_copy *c, size_t i);
int64_t db_copy_table_rows(const struct db_copy *c, size_t i);

/* Called during db_copy_run with the table being copied, its rows copied so
 * far and in all: every few seconds, and once with done set when the table
 * is complete. */
typedef void db_copy_progress_fn(void *ctx, const char *table, int64_t copied, int64_t total,
				 bool done);

/* Copies every table (see the file comment) and commits. Returns 0, or -1
 * with a message in err naming the table (the target is left as before). */
int db_copy_run(struct db_copy *c, db_copy_progress_fn *progress, void *ctx, char *err,
		size_t errlen);

/* The rows table i holds now in the source and in the target, counted
 * again (for the verification after a copy). 0 or -1 with a message in err. */
int db_copy_count_both(struct db_copy *c, size_t i, int64_t *in_src, int64_t *in_dst, char *err,
		       size_t errlen);

/* The first and last year with people reached in db's reports (either
 * engine), both 0 when none. 0 or -1 (db_errmsg). */
int db_copy_report_years(struct db *db, int *first, int *last);

#endif
