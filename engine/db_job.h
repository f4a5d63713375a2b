/* db_job.h - jobs that one instance at a time may run (the expiry sweeper),
 * guarded by a lock held in storage, so several quizd instances on one
 * database never run the same job at once. */
#ifndef QUIZ_DB_JOB_H
#define QUIZ_DB_JOB_H

struct db;

/* Takes the lock of the job named name (a short ASCII word, e.g.
 * "sweeper") for this connection without waiting: 1 taken, 0 held by
 * another connection, -1 on error (db_errmsg). On PostgreSQL it is a
 * session advisory lock keyed by the schema and the name, released by
 * db_job_unlock or when the connection ends, so a killed instance never
 * keeps it. On SQLite it is always granted: one SQLite file serves one
 * quizd process (see docs/operations.md), whose threads do not share a
 * job. Take and release it around each run of the job, not for the life
 * of the connection: a connection opened again after a broken one holds
 * nothing. */
int db_job_try_lock(struct db *db, const char *name);
/* Releases a lock db_job_try_lock took on this connection: 0, or -1 on
 * error. */
int db_job_unlock(struct db *db, const char *name);

#endif
