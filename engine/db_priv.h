/* db_priv.h - shared by the storage module's files only. Nothing outside
 * engine/db*.c includes this header or sqlite3.h. */
#ifndef QUIZ_DB_PRIV_H
#define QUIZ_DB_PRIV_H

#include <sqlite3.h>

#include <stdint.h>

#include "db.h"
#include "db_pg.h"
#include "db_report.h"

/* Engine-neutral statements. Every db_*.c file speaks to its statements
 * through these wrappers, never through an engine's own calls, so one
 * storage module serves either engine. Result and type codes keep SQLite's
 * values, so the SQLite engine passes them through unchanged. */
enum {
	DBS_OK = SQLITE_OK,
	DBS_ERROR = SQLITE_ERROR,
	DBS_BUSY = SQLITE_BUSY,
	DBS_LOCKED = SQLITE_LOCKED,
	DBS_CONSTRAINT = SQLITE_CONSTRAINT,
	DBS_ROW = SQLITE_ROW,
	DBS_DONE = SQLITE_DONE,
};
enum {
	DBS_INTEGER = SQLITE_INTEGER,
	DBS_FLOAT = SQLITE_FLOAT,
	DBS_TEXT = SQLITE_TEXT,
	DBS_BLOB = SQLITE_BLOB,
	DBS_NULL = SQLITE_NULL,
};
/* Bound text or blob that stays valid until the statement is reset
 * (DBS_STATIC) or that the engine must copy (DBS_TRANSIENT). */
#define DBS_STATIC SQLITE_STATIC
#define DBS_TRANSIENT SQLITE_TRANSIENT

/* A prepared statement of the connection's engine: SQLite's, or
 * PostgreSQL's when pg is set (engine/db_pg.c). */
typedef struct db_st {
	sqlite3_stmt *lite;
	struct db_pg_st *pg;
} db_st;

static inline int dbs_bind_int64(db_st *s, int i, int64_t v)
{
	return s->pg ? db_pg_bind_int64(s->pg, i, v) : sqlite3_bind_int64(s->lite, i, v);
}
static inline int dbs_bind_int(db_st *s, int i, int v)
{
	return s->pg ? db_pg_bind_int64(s->pg, i, v) : sqlite3_bind_int(s->lite, i, v);
}
static inline int dbs_bind_double(db_st *s, int i, double v)
{
	return s->pg ? db_pg_bind_double(s->pg, i, v) : sqlite3_bind_double(s->lite, i, v);
}
static inline int dbs_bind_text(db_st *s, int i, const char *t, int n, void (*keep)(void *))
{
	return s->pg ? db_pg_bind_text(s->pg, i, t, n, keep != DBS_STATIC)
		     : sqlite3_bind_text(s->lite, i, t, n, keep);
}
static inline int dbs_bind_blob(db_st *s, int i, const void *b, int n, void (*keep)(void *))
{
	return s->pg ? db_pg_bind_blob(s->pg, i, b, n, keep != DBS_STATIC)
		     : sqlite3_bind_blob(s->lite, i, b, n, keep);
}
static inline int dbs_bind_null(db_st *s, int i)
{
	return s->pg ? db_pg_bind_null(s->pg, i) : sqlite3_bind_null(s->lite, i);
}
static inline int dbs_bind_parameter_count(db_st *s)
{
	return s->pg ? db_pg_bind_parameter_count(s->pg) : sqlite3_bind_parameter_count(s->lite);
}
/* DBS_ROW, DBS_DONE, or an error code (DBS_CONSTRAINT for a broken rule). */
static inline int dbs_step(db_st *s)
{
	return s->pg ? db_pg_step(s->pg) : sqlite3_step(s->lite);
}
static inline void dbs_reset(db_st *s)
{
	if (s->pg)
		db_pg_reset(s->pg);
	else
		sqlite3_reset(s->lite);
}
static inline int dbs_column_count(db_st *s)
{
	return s->pg ? db_pg_column_count(s->pg) : sqlite3_column_count(s->lite);
}
static inline int dbs_column_type(db_st *s, int c)
{
	return s->pg ? db_pg_column_type(s->pg, c) : sqlite3_column_type(s->lite, c);
}
static inline int64_t dbs_column_int64(db_st *s, int c)
{
	return s->pg ? db_pg_column_int64(s->pg, c) : sqlite3_column_int64(s->lite, c);
}
static inline int dbs_column_int(db_st *s, int c)
{
	return s->pg ? (int)db_pg_column_int64(s->pg, c) : sqlite3_column_int(s->lite, c);
}
static inline double dbs_column_double(db_st *s, int c)
{
	return s->pg ? db_pg_column_double(s->pg, c) : sqlite3_column_double(s->lite, c);
}
static inline const unsigned char *dbs_column_text(db_st *s, int c)
{
	return s->pg ? db_pg_column_text(s->pg, c) : sqlite3_column_text(s->lite, c);
}
static inline const void *dbs_column_blob(db_st *s, int c)
{
	return s->pg ? db_pg_column_blob(s->pg, c) : sqlite3_column_blob(s->lite, c);
}
static inline int dbs_column_bytes(db_st *s, int c)
{
	return s->pg ? db_pg_column_bytes(s->pg, c) : sqlite3_column_bytes(s->lite, c);
}

/* The PostgreSQL text of a statement whose SQLite text cannot run there,
 * written right under it: DB_PG_SQL(SQL_X, "..."). The pair lands in the
 * db_pg_sql section, where the PostgreSQL engine finds the variant by the
 * address of the SQLite text. Variants go through the same "?N" -> "$N"
 * translation as statements without one. DB_PG_RETURNING_ID(SQL_X) marks an
 * INSERT whose caller reads db_last_insert_id: on PostgreSQL its text gets
 * " RETURNING id", and the returned id becomes the connection's last one. */
/* Aligned to its own (power-of-two) size: the compiler aligns objects of
 * 16 bytes or more to 16, so a 24-byte entry left gaps in the section and
 * reading it as an array met garbage. */
struct db_pg_sql {
	const char *lite;
	const char *pg; /* NULL: the SQLite text */
	const char *suffix; /* appended on PostgreSQL, or NULL */
} __attribute__((aligned(32)));
#define DB_PG_SQL(lite_text, pg_text)                                                              \
	static const struct db_pg_sql lite_text##_pg                                               \
		__attribute__((used, section("db_pg_sql"))) = { lite_text, pg_text, NULL }
#define DB_PG_RETURNING_ID(lite_text)                                                              \
	static const struct db_pg_sql lite_text##_pg                                               \
		__attribute__((used, section("db_pg_sql"))) = { lite_text, NULL, " RETURNING id" }

/* Slots of the statement cache, one per distinct SQL text. The texts of
 * every engine/db*.c must fill at most half of it (checked by
 * tests/unit/test_db_stmt_cache.c); a full cache makes db_stmt fail with a
 * message, it never overflows. */
#define DB_STMT_CACHE 1024

struct db {
	sqlite3 *sql; /* NULL on PostgreSQL */
	struct db_pg *pg; /* NULL on SQLite */
	/* Prepared statements keyed by the address of their static SQL text. */
	struct {
		const char *sql;
		db_st st;
	} cache[DB_STMT_CACHE];
	char err[512];
};

/* Rows changed by the last INSERT, UPDATE or DELETE, and the id the last
 * INSERT gave its row. */
int64_t db_changes(struct db *db);
int64_t db_last_insert_id(struct db *db);

/* Returns the cached, reset, unbound statement for a static SQL constant,
 * preparing it the first time. The statement is borrowed: do not finalize.
 * NULL on error (message in db->err). */
db_st *db_stmt(struct db *db, const char *sql);
/* A statement whose text is built at run time (a table's name in it), so
 * not cached: prepared for this call and freed by db_st_free (accepts
 * NULL). For SQLite databases (the source of db_copy.c). NULL on error
 * (message in db->err). */
db_st *db_prepare_dynamic(struct db *db, const char *sql);
void db_st_free(db_st *st);
/* Records the connection's current error prefixed by what; returns -1. */
int db_fail(struct db *db, const char *what);
/* Steps a statement that returns no rows; 0 on SQLITE_DONE, DB_CONFLICT on a
 * constraint violation, -1 otherwise. Resets the statement. */
int db_exec_stmt(struct db *db, db_st *st, const char *what);
/* Column text or "" (never NULL). */
const char *db_col_text(db_st *st, int col);
/* Binds text, or NULL when s is NULL or empty. */
int db_bind_text_or_null(db_st *st, int idx, const char *s);

/* A caller's row callback, of the type its db_*.h declares, carried as a
 * plain function pointer and called back through a cast to that type. */
typedef void (*db_row_fn)(void);
/* Runs a statement that yields rows: row(st, fn, ctx) reads each row's
 * columns and calls fn with them. Resets the statement. 0 or -1. */
int db_each_row(struct db *db, db_st *st, void (*row)(db_st *st, db_row_fn fn, void *ctx),
		db_row_fn fn, void *ctx, const char *what);

/* Runs n bound statements that only read, at most DB_PREFETCH_MAX, at
 * once: on PostgreSQL in one round trip, each keeping its rows for its next
 * step (db_each_row and the like walk them; fetching the statement again
 * with db_stmt, or a reset, drops them); on SQLite nothing, its statements
 * run at their step. 0, or -1 with the error recorded as what. */
#define DB_PREFETCH_MAX 16
int db_prefetch(struct db *db, db_st *const *sts, int n, const char *what);

/* Collects every row into a new array (caller frees *rows) of elements of
 * size bytes, each filled by read(st, element); the count in *n. Resets the
 * statement. 0, or -1 with *rows NULL. */
int db_collect_rows(struct db *db, db_st *st, size_t size, void (*read)(db_st *st, void *row),
		    void **rows, size_t *n, const char *what);

/* Heap copy of a column's text ("" for NULL; caller frees). */
char *db_col_dup(db_st *st, int col);
/* Heap copy of a column's text, or NULL when the column is NULL. */
char *db_col_dup_or_null(db_st *st, int col);
/* Steps a statement expected to return at most one row: 1 row (read its
 * columns, then reset), 0 none, -1 error. Does not reset. */
int db_step_row(struct db *db, db_st *st, const char *what);
/* Collects the first column of every row as int64 into a new array (caller
 * frees *ids) and resets the statement. 0 or -1. */
int db_collect_ids(struct db *db, db_st *st, const char *what, int64_t **ids, size_t *n);

/* Fills a user from the first 11 columns of a row laid out as
 * id, username, full_name, role, unit_id, unit code, unit path, audience,
 * birth_year, phone, pw_hash (see db_account.c). */
struct db_user;
void db_user_from_row(db_st *st, struct db_user *out);

/* PostgreSQL's migrations, engine/sql/pg/NN-*.sql in file-name order,
 * embedded at build time (build/gen/db_pg_sql.c, made by
 * scripts/embed-pg-sql.sh); version N is db_pg_migrations[N-1]. */
extern const char *const db_pg_migrations[];
extern const char *const db_pg_migration_names[];
extern const int db_pg_migration_count;

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
/* db_report_plan.c, for db_report_year: the counts statement of a plan's
 * first DB_PLAN_AHEAD units targets, bound (NULL on failure), and its rows
 * handed to count. */
db_st *db_report_plan_counts_bound(struct db *db, int year, const struct db_plan_slot *slots,
				   int nslots);
int db_report_plan_counts_rows(struct db *db, db_st *st, db_plan_count_fn *count, void *ctx);
extern const char db_sql_attempts_open[];
extern const char db_sql_attempt_questions_refs[];
extern const char db_sql_attempt_draws[];

#endif
