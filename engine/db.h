/* db.h - the storage module: the only place that knows SQL or SQLite.
 *
 * One `struct db` is one connection; it is not shared between threads
 * (quizd opens one per worker thread). Every function that can fail returns
 * -1 (or NULL) and leaves a message in db_errmsg(). Lookups return 1 when
 * found, 0 when not found, -1 on error. Writes that span several statements
 * run inside db_begin_write()/db_commit().
 *
 * The functions of each part of the domain live in their own header:
 * db_account.h (units, users, sessions), db_bank.h (banks, questions),
 * db_quiz.h (quiz definitions), db_attempt.h (attempts, answers), and the
 * others beside it. */
#ifndef QUIZ_DB_H
#define QUIZ_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* Returned by writes that hit a uniqueness or reference rule. */
#define DB_CONFLICT 1

/* Opens (creating if needed) the database at path with WAL, foreign keys,
 * synchronous=FULL and a busy timeout. Does not migrate. Returns a new
 * handle (free with db_close) or NULL with a message in err. */
struct db *db_open(const char *path, char *err, size_t errlen);
/* Applies the numbered migrations not yet applied (PRAGMA user_version),
 * each in one transaction. Returns 0 or -1. */
int db_migrate(struct db *db);
/* The schema version the code knows / the database has. */
int db_schema_version_latest(void);
int db_schema_version(struct db *db);
/* Closes the connection; accepts NULL. */
void db_close(struct db *db);
/* The last error message of this handle (borrowed; valid until the next call). */
const char *db_errmsg(const struct db *db);

/* BEGIN IMMEDIATE: takes the write lock at once, so concurrent writers wait
 * on busy_timeout instead of failing on upgrade. */
int db_begin_write(struct db *db);
/* A deferred (read) transaction, for consistent multi-statement reads. */
int db_begin_read(struct db *db);
int db_commit(struct db *db);
/* Rolls back if a transaction is open; never fails. */
void db_rollback(struct db *db);

/* PostgreSQL: the round trips this connection made to the server so far
 * (commands and pipelines, each waited for); 0 on SQLite, in-process. */
uint64_t db_round_trips(const struct db *db);
/* Savepoints nest inside a db_begin_write() transaction. Each returns 0/-1;
 * db_savepoint_rollback also releases the savepoint. */
int db_savepoint(struct db *db);
int db_savepoint_release(struct db *db);
int db_savepoint_rollback(struct db *db);

/* WAL checkpoints, so the group committer need not run them itself:
 * db_wal_autocheckpoint sets this connection's automatic checkpoint
 * threshold (0: never); db_wal_checkpoint runs a PASSIVE checkpoint (never
 * blocks writers) and reports the WAL's size and what was copied (either
 * pointer may be NULL). Both 0 or -1. */
int db_wal_autocheckpoint(struct db *db, int pages);
int db_wal_checkpoint(struct db *db, int *wal_pages, int *checkpointed);

/* Copies the whole database into dest with SQLite's online backup API,
 * consistent while other connections write. Returns 0 or -1. */
int db_backup(struct db *db, const char *dest);

#endif
