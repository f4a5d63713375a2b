/* db_job.c - the locks of jobs one instance at a time may run. */
#include "db_job.h"

#include "db_priv.h"

/* One SQLite file serves one process: granted. The texts differ so each
 * has its own statement and its own PostgreSQL variant. */
static const char SQL_JOB_TRY_LOCK[] = "SELECT ?1 IS NOT NULL";
/* A session lock (not a transaction's): the job runs several transactions
 * under it. The two-key form keeps these apart from the writers' lock,
 * which takes one bigint key. */
DB_PG_SQL(SQL_JOB_TRY_LOCK,
	  "SELECT pg_try_advisory_lock(hashtext(current_schema()), hashtext(?1::text))");
static const char SQL_JOB_UNLOCK[] = "SELECT ?1 IS NULL";
DB_PG_SQL(SQL_JOB_UNLOCK,
	  "SELECT pg_advisory_unlock(hashtext(current_schema()), hashtext(?1::text))");

static int job_lock_call(struct db *db, const char *sql, const char *name, const char *what)
{
	db_st *st = db_stmt(db, sql);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, name, -1, DBS_STATIC);
	int rc = db_step_row(db, st, what);
	int got = rc == 1 ? dbs_column_int(st, 0) : rc;
	dbs_reset(st);
	return got;
}

int db_job_try_lock(struct db *db, const char *name)
{
	int got = job_lock_call(db, SQL_JOB_TRY_LOCK, name, "job lock");
	return got < 0 ? -1 : got != 0;
}

int db_job_unlock(struct db *db, const char *name)
{
	return job_lock_call(db, SQL_JOB_UNLOCK, name, "job unlock") < 0 ? -1 : 0;
}
