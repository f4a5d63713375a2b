/* db_pg.h - the PostgreSQL side of the storage module, through libpq.
 * Storage-private: only engine/db*.c include it (via db_priv.h). One
 * struct db_pg is one connection, used by one thread at a time, as a
 * struct db. Statements are the SQLite texts of engine/db*.c, translated
 * once per connection (placeholders ?N and ? become $N) or replaced by
 * their DB_PG_SQL variant, prepared lazily under a name of their own and
 * reused; parameters travel as text (blobs as binary), results come back
 * as text and are read like SQLite columns.
 *
 * Statement functions answer with the codes of SQLite that db_priv.h
 * names DBS_*; the last error's message is db_pg_errmsg's, as
 * sqlite3_errmsg is a SQLite connection's. */
#ifndef QUIZ_DB_PG_H
#define QUIZ_DB_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db_pg;
struct db_pg_st;
struct db_pg_sql;

/* True when path names a PostgreSQL database (postgresql:// or
 * postgres://), false for a SQLite file. */
bool db_pg_is_url(const char *path);

/* Connects to url and sets the session up (synchronous_commit on, hex
 * bytea, UTF-8). Returns a new connection (free with db_pg_close) or NULL
 * with the reason in err. */
struct db_pg *db_pg_open(const char *url, char *err, size_t errlen);
/* Closes the connection and frees its statements; accepts NULL. */
void db_pg_close(struct db_pg *pg);

/* The connection's libpq handle (libpq's PGconn, borrowed), for the bulk
 * copy of db_copy.c (COPY FROM STDIN has no statement of its own). */
struct pg_conn;
struct pg_conn *db_pg_conn(struct db_pg *pg);
/* The message of the connection's last error (borrowed). */
const char *db_pg_errmsg(const struct db_pg *pg);
/* Runs SQL text that may hold several statements and takes no parameters
 * (transaction control, migrations): 0 or -1. A connection lost outside a transaction is opened
 * again first. */
int db_pg_exec(struct db_pg *pg, const char *sql);
/* Opens a transaction: for reads REPEATABLE READ (a snapshot, as a SQLite
 * read transaction); for writes with the writers' lock of the current
 * schema (pg_advisory_xact_lock), so writers take turns as on SQLite. Sent
 * ahead of the transaction's first statement, in its round trip; a
 * transaction that sends no statement costs none. 0 or -1. */
int db_pg_begin(struct db_pg *pg, bool write);
/* Runs a savepoint command (a static text) ahead of the next statement,
 * in its round trip, or at once outside a transaction: 0, or -1 when it
 * (or commands deferred before it) had to run now and failed. A deferred
 * command that fails makes the statement it rides with fail. */
int db_pg_defer(struct db_pg *pg, const char *sql);
/* COMMIT: 0, or -1 when the server rolled the transaction back instead
 * (a statement of it had failed) or the commit failed. */
int db_pg_commit(struct db_pg *pg);
/* Rolls back the open transaction, if any; never fails. */
void db_pg_rollback(struct db_pg *pg);
/* Rows changed by the last INSERT, UPDATE or DELETE. */
int64_t db_pg_changes(const struct db_pg *pg);
/* The id returned by the last INSERT whose PostgreSQL text adds RETURNING
 * id to a SQLite text without it. */
int64_t db_pg_last_insert_id(const struct db_pg *pg);

/* Round trips made so far: commands and pipelines sent, each waited for. */
uint64_t db_pg_round_trips(const struct db_pg *pg);

/* A new statement for the static SQLite text sql (its DB_PG_SQL variant
 * or suffix when it has one, see db_priv.h), translated but not yet prepared on the server: that
 * happens at its first step. Owned by the connection (freed by
 * db_pg_close); the caller keeps it and reuses it. NULL on error. */
struct db_pg_st *db_pg_prepare(struct db_pg *pg, const char *sql);

/* Parameters, numbered from 1 as in SQLite. Text and blobs are copied
 * unless copy is false (the caller keeps them until the step). Each
 * returns DBS_OK, or DBS_ERROR (with a message) for a number the
 * statement does not have. */
int db_pg_bind_int64(struct db_pg_st *st, int idx, int64_t v);
int db_pg_bind_double(struct db_pg_st *st, int idx, double v);
/* len < 0: up to the terminating NUL. */
int db_pg_bind_text(struct db_pg_st *st, int idx, const char *s, int len, bool copy);
int db_pg_bind_blob(struct db_pg_st *st, int idx, const void *p, int len, bool copy);
int db_pg_bind_null(struct db_pg_st *st, int idx);
/* The largest parameter number of the statement. */
int db_pg_bind_parameter_count(const struct db_pg_st *st);
/* Sets every parameter to NULL. */
void db_pg_clear_bindings(struct db_pg_st *st);

/* Runs the statement on its first call (preparing it on the server the
 * first time), then walks the rows: DBS_ROW, DBS_DONE, DBS_CONSTRAINT
 * (SQLSTATE class 23) or DBS_ERROR, with the message in the connection's
 * error buffer. A step after DBS_DONE runs the statement again. */
int db_pg_step(struct db_pg_st *st);
/* Forgets the result so the next step runs the statement again; the
 * parameters stay. */
void db_pg_reset(struct db_pg_st *st);
/* Runs n bound statements of one connection that only read, in one
 * pipeline (one round trip, the server running each while the last one's
 * rows travel): each keeps its result for its next step, which walks it
 * without running the statement again (a reset drops it). 0, or -1 with
 * nothing kept; a statement the server refused fails at its step. */
int db_pg_prefetch(struct db_pg_st *const *sts, int n);

/* Columns of the current row, numbered from 0, read as SQLite reads them:
 * NULL is 0, 0.0 or a NULL pointer; booleans are 1 and 0; bytea is
 * unescaped. Pointers stay valid until the next step or reset. */
int db_pg_column_count(const struct db_pg_st *st);
int db_pg_column_type(struct db_pg_st *st, int col);
int64_t db_pg_column_int64(struct db_pg_st *st, int col);
double db_pg_column_double(struct db_pg_st *st, int col);
const unsigned char *db_pg_column_text(struct db_pg_st *st, int col);
const void *db_pg_column_blob(struct db_pg_st *st, int col);
int db_pg_column_bytes(struct db_pg_st *st, int col);

/* The DB_PG_SQL pair of a SQLite text (by its address), or NULL. */
const struct db_pg_sql *db_pg_variant(const char *sql);
/* True when word (upper case) occurs in sql as a keyword, outside
 * literals, quoted names and comments. */
bool db_pg_has_keyword(const char *sql, const char *word);
/* True for a statement that changes rows: INSERT, UPDATE, DELETE, MERGE,
 * or a WITH that holds one. */
bool db_pg_is_write(const char *sql);
/* The PostgreSQL text of a SQLite statement: ?N becomes $N and a bare ?
 * the number after the largest so far, outside string literals, quoted
 * names and comments; $N already there stays. *nparams receives the
 * largest number of either kind. Returns a new
 * string (caller frees). */
char *db_pg_translate(const char *sql, int *nparams);

#endif
