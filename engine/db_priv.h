/* db_priv.h - shared by the storage module's files only. Nothing outside
 * engine/db*.c includes this header or sqlite3.h. */
#ifndef QUIZ_DB_PRIV_H
#define QUIZ_DB_PRIV_H

#include <sqlite3.h>

#include "db.h"

/* Slots of the statement cache, one per distinct SQL text. The texts of
 * every engine/db*.c must fill at most half of it (checked by
 * tests/unit/test_db_stmt_cache.c); a full cache makes db_stmt fail with a
 * message, it never overflows. */
#define DB_STMT_CACHE 1024

struct db {
	sqlite3 *sql;
	/* Prepared statements keyed by the address of their static SQL text. */
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} cache[DB_STMT_CACHE];
	char err[512];
};

/* Returns the cached, reset, unbound statement for a static SQL constant,
 * preparing it the first time. The statement is borrowed: do not finalize.
 * NULL on error (message in db->err). */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);
/* Records the connection's current error prefixed by what; returns -1. */
int db_fail(struct db *db, const char *what);
/* Steps a statement that returns no rows; 0 on SQLITE_DONE, DB_CONFLICT on a
 * constraint violation, -1 otherwise. Resets the statement. */
int db_exec_stmt(struct db *db, sqlite3_stmt *st, const char *what);
/* Column text or "" (never NULL). */
const char *db_col_text(sqlite3_stmt *st, int col);
/* Binds text, or NULL when s is NULL or empty. */
int db_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s);

/* A caller's row callback, of the type its db_*.h declares, carried as a
 * plain function pointer and called back through a cast to that type. */
typedef void (*db_row_fn)(void);
/* Runs a statement that yields rows: row(st, fn, ctx) reads each row's
 * columns and calls fn with them. Resets the statement. 0 or -1. */
int db_each_row(struct db *db, sqlite3_stmt *st,
		void (*row)(sqlite3_stmt *st, db_row_fn fn, void *ctx), db_row_fn fn, void *ctx,
		const char *what);

/* Collects every row into a new array (caller frees *rows) of elements of
 * size bytes, each filled by read(st, element); the count in *n. Resets the
 * statement. 0, or -1 with *rows NULL. */
int db_collect_rows(struct db *db, sqlite3_stmt *st, size_t size,
		    void (*read)(sqlite3_stmt *st, void *row), void **rows, size_t *n,
		    const char *what);

/* Heap copy of a column's text ("" for NULL; caller frees). */
char *db_col_dup(sqlite3_stmt *st, int col);
/* Heap copy of a column's text, or NULL when the column is NULL. */
char *db_col_dup_or_null(sqlite3_stmt *st, int col);
/* Steps a statement expected to return at most one row: 1 row (read its
 * columns, then reset), 0 none, -1 error. Does not reset. */
int db_step_row(struct db *db, sqlite3_stmt *st, const char *what);
/* Collects the first column of every row as int64 into a new array (caller
 * frees *ids) and resets the statement. 0 or -1. */
int db_collect_ids(struct db *db, sqlite3_stmt *st, const char *what, int64_t **ids, size_t *n);

/* Fills a user from the first 11 columns of a row laid out as
 * id, username, full_name, role, unit_id, unit code, unit path, audience,
 * birth_year, phone, pw_hash (see db_account.c). */
struct db_user;
void db_user_from_row(sqlite3_stmt *st, struct db_user *out);

/* Migrations, in order; version N is migrations[N-1]. Each part of the
 * storage module defines its own SQL text. */
extern const char db_sql_accounts[];
extern const char db_sql_quizzes[];
extern const char db_sql_reports[];
extern const char db_sql_contests[];
extern const char db_sql_option_feedback[];
extern const char db_sql_quiz_revision[];
extern const char db_sql_people[];
extern const char db_sql_people_search_erased[];
extern const char db_sql_people_search_prefix[];
extern const char db_sql_practice[];
extern const char db_sql_registration[];
extern const char db_sql_reports_confirmed[];
extern const char db_sql_live[];
extern const char db_sql_activities[];
extern const char db_sql_contest_log[];
extern const char db_sql_report_weeks[];
extern const char db_sql_certificates_attendance[];
extern const char db_sql_headcount_version[];
extern const char db_sql_reach[];
extern const char db_sql_settings[];
extern const char db_sql_activity_topics[];
extern const char db_sql_contest_labels[];

#endif
