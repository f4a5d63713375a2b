/* db.c - connection, statement cache, transactions, migrations, backup,
 * on either engine: a path opens SQLite, a postgresql:// URL PostgreSQL
 * (engine/db_pg.c holds what only PostgreSQL needs). */
#include "db_priv.h"

#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quiz_rules.h"
#include "util.h"

struct migration {
	const char *name;
	const char *sql;
};

/* Append only: a released version's SQL never changes. */
static const struct migration migrations[] = {
	{ "accounts and units", db_sql_accounts },
	{ "banks, quizzes and attempts", db_sql_quizzes },
	{ "plans, certificates and reports", db_sql_reports },
	{ "contest leaderboard versions", db_sql_contests },
	{ "per-option feedback", db_sql_option_feedback },
	{ "audit log, people's state and search, login cards", db_sql_people },
	{ "practice, publication and attempt addresses", db_sql_practice },
	{ "self-registration windows and marks", db_sql_registration },
	{ "reports count self-registered people once confirmed", db_sql_reports_confirmed },
	{ "erased people out of the search index", db_sql_people_search_erased },
	{ "quiz revisions", db_sql_quiz_revision },
	{ "live games", db_sql_live },
	{ "activities beyond quizzes and their attendance", db_sql_activities },
	{ "contest completion log", db_sql_contest_log },
	{ "participation per week", db_sql_report_weeks },
	{ "certificates of attendance", db_sql_certificates_attendance },
	{ "headcount inputs version", db_sql_headcount_version },
	{ "people search with prefix indexes", db_sql_people_search_prefix },
	{ "people reached by quizzes or activities; live games attended", db_sql_reach },
	{ "settings (names of the reporting bodies)", db_sql_settings },
	{ "activity topics as rows", db_sql_activity_topics },
	{ "names and units on contest boards", db_sql_contest_labels },
	{ "attempts in progress by person and quiz", db_sql_attempts_open },
	{ "drawn questions' references checked per statement (PostgreSQL)",
	  db_sql_attempt_questions_refs },
	{ "drawn questions as one row per attempt (PostgreSQL)", db_sql_attempt_draws },
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

static const char SQL_PRAGMAS[] = "PRAGMA journal_mode=WAL;"
				  "PRAGMA synchronous=FULL;"
				  "PRAGMA foreign_keys=ON;"
				  "PRAGMA temp_store=MEMORY;"
				  "PRAGMA cache_size=-16000;";

static void set_err(struct db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct db *db, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(db->err, sizeof db->err, fmt, ap);
	va_end(ap);
}

int db_fail(struct db *db, const char *what)
{
	set_err(db, "%s: %s", what, db->pg ? db_pg_errmsg(db->pg) : sqlite3_errmsg(db->sql));
	return -1;
}

/* Once per process, whichever the engine:
 *  - SQLite keeps global memory statistics behind one mutex that every
 *    allocation of every connection takes; quizd needs none of them.
 *  - glibc gives the top of the heap back to the kernel as soon as 128 KB
 *    of it are free, and serves blocks from 128 KB up (adjusting as it
 *    goes) with mmap: a report's arrays and libpq's results, allocated
 *    and freed at every request, then fault every page in again (on
 *    PostgreSQL a participation report spent a quarter of its time so:
 *    1.8 ms, 1.3 ms with these). Freed memory up to 32 MB is kept for the
 *    next request, and blocks under 4 MB come from the heap. */
static pthread_once_t configure_once = PTHREAD_ONCE_INIT;

static void configure_process(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
	mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
}

/* fold_key(text): the text as people search compares it, folded by the
 * same function that compares short answers without diacritics (case,
 * marks, đ -> d); NULL for text that is not UTF-8. The people search index
 * (migration 6) is kept by triggers that call it, so every connection
 * registers it. */
static void sql_fold_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *text = sqlite3_value_text(argv[0]);
	char *folded = text ? quiz_normalise_answer((const char *)text, true) : NULL;
	if (!folded) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	sqlite3_result_text(ctx, folded, -1, free);
}

struct db *db_open(const char *path, char *err, size_t errlen)
{
	struct db *db = xcalloc(1, sizeof *db);
	pthread_once(&configure_once, configure_process);
	if (db_pg_is_url(path)) {
		db->pg = db_pg_open(path, err, errlen);
		if (!db->pg)
			goto fail;
		return db;
	}
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &db->sql, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db->sql, 10000);
	if (sqlite3_create_function(db->sql, "fold_key", 1,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				    sql_fold_key, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot configure database %s: %s", path,
			 sqlite3_errmsg(db->sql));
		goto fail;
	}
	char *msg = NULL;
	if (sqlite3_exec(db->sql, SQL_PRAGMAS, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "cannot configure database %s: %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		goto fail;
	}
	return db;
fail:
	db_close(db);
	return NULL;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < DB_STMT_CACHE; i++)
		sqlite3_finalize(db->cache[i].st.lite);
	sqlite3_close(db->sql);
	db_pg_close(db->pg); /* with its statements */
	free(db);
}

int64_t db_changes(struct db *db)
{
	return db->pg ? db_pg_changes(db->pg) : sqlite3_changes64(db->sql);
}

int64_t db_last_insert_id(struct db *db)
{
	return db->pg ? db_pg_last_insert_id(db->pg) : sqlite3_last_insert_rowid(db->sql);
}

uint64_t db_round_trips(const struct db *db)
{
	return db->pg ? db_pg_round_trips(db->pg) : 0;
}

const char *db_errmsg(const struct db *db)
{
	return db->err;
}

db_st *db_stmt(struct db *db, const char *sql)
{
	uintptr_t h = (uintptr_t)sql;
	size_t slot = (size_t)((h >> 3) * 0x9E3779B97F4A7C15ULL >> 54) % DB_STMT_CACHE;
	for (size_t probe = 0; probe < DB_STMT_CACHE; probe++) {
		size_t i = (slot + probe) % DB_STMT_CACHE;
		if (db->cache[i].sql == sql) {
			db_st *st = &db->cache[i].st;
			if (st->pg) {
				db_pg_reset(st->pg);
				db_pg_clear_bindings(st->pg);
			} else {
				sqlite3_reset(st->lite);
				sqlite3_clear_bindings(st->lite);
			}
			return st;
		}
		if (!db->cache[i].sql && db->pg) {
			db->cache[i].sql = sql;
			db->cache[i].st.pg = db_pg_prepare(db->pg, sql);
			return &db->cache[i].st;
		}
		if (!db->cache[i].sql) {
			sqlite3_stmt *st = NULL;
			if (sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
					       NULL) != SQLITE_OK) {
				db_fail(db, "prepare");
				return NULL;
			}
			db->cache[i].sql = sql;
			db->cache[i].st.lite = st;
			return &db->cache[i].st;
		}
	}
	/* Cannot happen while tests/unit/test_db_stmt_cache.c passes: it counts
	 * every SQL text of engine/db*.c against DB_STMT_CACHE. */
	set_err(db,
		"statement cache full: %d distinct SQL texts prepared; raise DB_STMT_CACHE in "
		"engine/db_priv.h",
		DB_STMT_CACHE);
	return NULL;
}

db_st *db_prepare_dynamic(struct db *db, const char *sql)
{
	sqlite3_stmt *lite = NULL;
	if (db->pg) {
		set_err(db, "statements built at run time are read from SQLite only");
		return NULL;
	}
	if (sqlite3_prepare_v2(db->sql, sql, -1, &lite, NULL) != SQLITE_OK) {
		db_fail(db, "prepare");
		sqlite3_finalize(lite);
		return NULL;
	}
	db_st *st = xcalloc(1, sizeof *st);
	st->lite = lite;
	return st;
}

void db_st_free(db_st *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->lite);
	free(st);
}

int db_exec_stmt(struct db *db, db_st *st, const char *what)
{
	int rc = dbs_step(st);
	int ret = 0;
	if (rc == DBS_DONE || rc == DBS_ROW)
		ret = 0;
	else if ((rc & 0xff) == DBS_CONSTRAINT)
		ret = (db_fail(db, what), DB_CONFLICT);
	else
		ret = db_fail(db, what);
	dbs_reset(st);
	return ret;
}

const char *db_col_text(db_st *st, int col)
{
	const unsigned char *t = dbs_column_text(st, col);
	return t ? (const char *)t : "";
}

int db_bind_text_or_null(db_st *st, int idx, const char *s)
{
	if (!s || !*s)
		return dbs_bind_null(st, idx);
	return dbs_bind_text(st, idx, s, -1, DBS_TRANSIENT);
}

char *db_col_dup(db_st *st, int col)
{
	return xstrdup(db_col_text(st, col));
}

char *db_col_dup_or_null(db_st *st, int col)
{
	return dbs_column_type(st, col) == DBS_NULL ? NULL : db_col_dup(st, col);
}

int db_step_row(struct db *db, db_st *st, const char *what)
{
	int rc = dbs_step(st);
	if (rc == DBS_ROW)
		return 1;
	if (rc == DBS_DONE)
		return 0;
	return db_fail(db, what);
}

int db_collect_ids(struct db *db, db_st *st, const char *what, int64_t **ids, size_t *n)
{
	size_t cap = 64, len = 0;
	int64_t *v = xmalloc(cap * sizeof *v);
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		if (len == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[len++] = dbs_column_int64(st, 0);
	}
	dbs_reset(st);
	if (rc != DBS_DONE) {
		free(v);
		return db_fail(db, what);
	}
	*ids = v;
	*n = len;
	return 0;
}

static int exec_simple(struct db *db, const char *sql)
{
	if (db->pg) {
		if (db_pg_exec(db->pg, sql))
			return db_fail(db, sql);
		return 0;
	}
	char *msg = NULL;
	if (sqlite3_exec(db->sql, sql, NULL, NULL, &msg) != SQLITE_OK) {
		set_err(db, "%s: %s", sql, msg ? msg : sqlite3_errmsg(db->sql));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int db_begin_write(struct db *db)
{
	if (db->pg)
		return db_pg_begin(db->pg, true) ? db_fail(db, "BEGIN") : 0;
	return exec_simple(db, "BEGIN IMMEDIATE");
}

int db_begin_read(struct db *db)
{
	if (db->pg)
		return db_pg_begin(db->pg, false) ? db_fail(db, "BEGIN") : 0;
	return exec_simple(db, "BEGIN");
}

int db_commit(struct db *db)
{
	if (db->pg)
		return db_pg_commit(db->pg) ? db_fail(db, "COMMIT") : 0;
	return exec_simple(db, "COMMIT");
}

void db_rollback(struct db *db)
{
	if (db->pg)
		db_pg_rollback(db->pg);
	else if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

static const char SQL_SAVEPOINT[] = "SAVEPOINT quiz_job";
static const char SQL_RELEASE[] = "RELEASE quiz_job";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO quiz_job";

static int exec_cached(struct db *db, const char *sql, const char *what)
{
	if (db->pg)
		return db_pg_defer(db->pg, sql) ? db_fail(db, what) : 0;
	db_st *st = db_stmt(db, sql);
	if (!st)
		return -1;
	return db_exec_stmt(db, st, what) ? -1 : 0;
}

int db_savepoint(struct db *db)
{
	return exec_cached(db, SQL_SAVEPOINT, "savepoint");
}

int db_savepoint_release(struct db *db)
{
	return exec_cached(db, SQL_RELEASE, "release savepoint");
}

int db_savepoint_rollback(struct db *db)
{
	if (exec_cached(db, SQL_ROLLBACK_TO, "rollback to savepoint"))
		return -1;
	return db_savepoint_release(db);
}

/* PostgreSQL keeps its own write-ahead log: nothing to do there. */
int db_wal_autocheckpoint(struct db *db, int pages)
{
	if (db->pg)
		return 0;
	if (sqlite3_wal_autocheckpoint(db->sql, pages) != SQLITE_OK)
		return db_fail(db, "wal_autocheckpoint");
	return 0;
}

int db_wal_checkpoint(struct db *db, int *wal_pages, int *checkpointed)
{
	if (db->pg) {
		if (wal_pages)
			*wal_pages = 0;
		if (checkpointed)
			*checkpointed = 0;
		return 0;
	}
	int rc = sqlite3_wal_checkpoint_v2(db->sql, NULL, SQLITE_CHECKPOINT_PASSIVE, wal_pages,
					   checkpointed);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return db_fail(db, "wal checkpoint");
	return 0;
}

int db_schema_version_latest(void)
{
	return N_MIGRATIONS;
}

static const char SQL_USER_VERSION[] = "PRAGMA user_version";

static const char SQL_PG_HAS_VERSION[] = "SELECT to_regclass('schema_version') IS NOT NULL";
static const char SQL_PG_VERSION[] = "SELECT coalesce(max(version), 0) FROM schema_version";

/* PostgreSQL: 0 before the first migration made schema_version. */
static int pg_schema_version(struct db *db)
{
	db_st *st = db_stmt(db, SQL_PG_HAS_VERSION);
	if (!st)
		return -1;
	int has = db_step_row(db, st, "schema version");
	has = has == 1 ? dbs_column_int(st, 0) : -1;
	dbs_reset(st);
	if (has <= 0)
		return has;
	st = db_stmt(db, SQL_PG_VERSION);
	if (!st)
		return -1;
	int v = db_step_row(db, st, "schema version") == 1 ? dbs_column_int(st, 0) : -1;
	dbs_reset(st);
	return v;
}

int db_schema_version(struct db *db)
{
	if (db->pg)
		return pg_schema_version(db);
	db_st *st = db_stmt(db, SQL_USER_VERSION);
	if (!st)
		return -1;
	int v = dbs_step(st) == DBS_ROW ? dbs_column_int(st, 0) : db_fail(db, "user_version");
	dbs_reset(st);
	return v;
}

/* PostgreSQL: each migration and its version in one transaction, under
 * the writers' lock, reading the version again inside it, so instances
 * started together apply each migration once. */
static int pg_migrate(struct db *db)
{
	if (db_pg_migration_count != N_MIGRATIONS) {
		set_err(db,
			"this build embeds %d PostgreSQL migrations (engine/sql/pg) for %d SQLite "
			"ones: it cannot run on PostgreSQL",
			db_pg_migration_count, N_MIGRATIONS);
		return -1;
	}
	for (;;) {
		if (db_begin_write(db) ||
		    exec_simple(db, "CREATE TABLE IF NOT EXISTS schema_version "
				    "(version BIGINT NOT NULL)"))
			goto fail;
		int v = db_schema_version(db);
		if (v < 0)
			goto fail;
		if (v > N_MIGRATIONS) {
			set_err(db, "database schema version %d is newer than this program (%d)", v,
				N_MIGRATIONS);
			goto fail;
		}
		if (v == N_MIGRATIONS)
			return db_commit(db);
		char bump[96];
		snprintf(bump, sizeof bump,
			 "DELETE FROM schema_version; INSERT INTO schema_version VALUES (%d)",
			 v + 1);
		if (db_pg_exec(db->pg, db_pg_migrations[v])) {
			char what[160];
			snprintf(what, sizeof what, "migration %s", db_pg_migration_names[v]);
			db_fail(db, what);
			goto fail;
		}
		if (exec_simple(db, bump) || db_commit(db))
			goto fail;
	}
fail:
	db_rollback(db);
	return -1;
}

int db_migrate(struct db *db)
{
	if (db->pg)
		return pg_migrate(db);
	if (db_begin_write(db))
		return -1;
	int version = db_schema_version(db);
	if (version < 0)
		goto fail;
	if (version > N_MIGRATIONS) {
		set_err(db, "database schema version %d is newer than this program (%d)", version,
			N_MIGRATIONS);
		goto fail;
	}
	for (int v = version; v < N_MIGRATIONS; v++) {
		if (exec_simple(db, migrations[v].sql))
			goto fail;
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v + 1);
		if (exec_simple(db, pragma))
			goto fail;
	}
	return db_commit(db);
fail:
	db_rollback(db);
	return -1;
}

int db_backup(struct db *db, const char *dest)
{
	if (db->pg) {
		set_err(db, "backup copies a SQLite database only: back a PostgreSQL database up "
			    "with pg_dump (see docs/operations.md)");
		return -1;
	}
	sqlite3 *out = NULL;
	int ret = -1;
	if (sqlite3_open(dest, &out) != SQLITE_OK) {
		set_err(db, "cannot open %s: %s", dest,
			out ? sqlite3_errmsg(out) : "out of memory");
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(out, "main", db->sql, "main");
	if (!b) {
		set_err(db, "backup to %s: %s", dest, sqlite3_errmsg(out));
		goto out;
	}
	int rc;
	/* Copy in steps so writers are not held up for the whole copy; a write
	 * between steps makes SQLite restart the copy, which stays consistent. */
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != DBS_DONE) {
		set_err(db, "backup to %s: %s", dest, sqlite3_errstr(rc));
		goto out;
	}
	ret = 0;
out:
	sqlite3_close(out);
	return ret;
}
