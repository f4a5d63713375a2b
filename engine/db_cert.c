/* db_cert.c - SQL for certificates (table of migration 3, db_report.c,
 * rebuilt by migration 16 to hold certificates of attendance too). */
#include "db_cert.h"

#include <string.h>

#include "db_priv.h"
#include "util.h"

/* A certificate names either an attempt or a person's attendance of an
 * activity, never both; each is certified once. */
const char db_sql_certificates_attendance[] =
	"CREATE TABLE certificates_new ("
	"  code TEXT PRIMARY KEY,"
	"  attempt_id INTEGER UNIQUE REFERENCES attempts(id),"
	"  activity_id INTEGER REFERENCES activities(id),"
	"  user_id INTEGER REFERENCES users(id),"
	"  canonical TEXT NOT NULL,"
	"  issued_at INTEGER NOT NULL,"
	"  CHECK ((attempt_id IS NULL) <> (activity_id IS NULL)),"
	"  CHECK (activity_id IS NULL OR user_id IS NOT NULL),"
	"  UNIQUE (activity_id, user_id)) WITHOUT ROWID;"
	"INSERT INTO certificates_new (code, attempt_id, user_id, canonical, issued_at)"
	" SELECT code, attempt_id, user_id, canonical, issued_at FROM certificates;"
	"DROP TABLE certificates;"
	"ALTER TABLE certificates_new RENAME TO certificates;"
	"CREATE INDEX certificates_user ON certificates(user_id);";

static const char SQL_CERT_ATTEMPT[] =
	"SELECT a.id, COALESCE(a.user_id, 0), a.state, COALESCE(a.passed, 0), q.mandatory,"
	" COALESCE(a.finished_at, 0), COALESCE(a.score, 0), COALESCE(a.max_score, 0),"
	" COALESCE(s.full_name, ''), q.code, q.title"
	" FROM attempts a JOIN quizzes q ON q.id = a.quiz_id"
	" LEFT JOIN users s ON s.id = a.user_id AND s.erased_at IS NULL WHERE a.id = ?1";
static const char SQL_CERT_ATTENDANCE[] =
	"SELECT a.certificate, a.starts_at, a.kind, a.code, a.title, s.full_name"
	" FROM attendances t JOIN activities a ON a.id = t.activity_id"
	" JOIN users s ON s.id = t.user_id AND s.erased_at IS NULL"
	" WHERE t.activity_id = ?1 AND t.user_id = ?2";
static const char SQL_CERT_MISSING[] =
	"SELECT t.user_id FROM attendances t JOIN users s ON s.id = t.user_id"
	" AND s.erased_at IS NULL WHERE t.activity_id = ?1 AND NOT EXISTS (SELECT 1"
	" FROM certificates c WHERE c.activity_id = t.activity_id AND c.user_id = t.user_id)"
	" ORDER BY t.at, t.user_id";
static const char SQL_CERT_STORE[] =
	"INSERT INTO certificates (code, attempt_id, activity_id, user_id, canonical, issued_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING";
static const char SQL_CERT_OF_ATTEMPT[] =
	"SELECT code, canonical, issued_at FROM certificates WHERE attempt_id = ?1";
static const char SQL_CERT_OF_ATTENDANCE[] = "SELECT code, canonical, issued_at FROM certificates"
					     " WHERE activity_id = ?1 AND user_id = ?2";
static const char SQL_CERT_BY_CODE[] =
	"SELECT COALESCE(attempt_id, 0), COALESCE(activity_id, 0), canonical, issued_at"
	" FROM certificates WHERE code = ?1";

int db_cert_attempt(struct db *db, int64_t attempt_id, struct db_cert_attempt *out)
{
	db_st *st = db_stmt(db, SQL_CERT_ATTEMPT);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, attempt_id);
	int ret = db_step_row(db, st, "certificate attempt");
	if (ret == 1) {
		memset(out, 0, sizeof *out);
		out->attempt_id = dbs_column_int64(st, 0);
		out->user_id = dbs_column_int64(st, 1);
		util_strlcpy(out->state, db_col_text(st, 2), sizeof out->state);
		out->passed = dbs_column_int(st, 3) != 0;
		out->mandatory = dbs_column_int(st, 4) != 0;
		out->finished_at = dbs_column_int64(st, 5);
		out->score = dbs_column_double(st, 6);
		out->max_score = dbs_column_double(st, 7);
		util_strlcpy(out->full_name, db_col_text(st, 8), sizeof out->full_name);
		util_strlcpy(out->quiz_code, db_col_text(st, 9), sizeof out->quiz_code);
		util_strlcpy(out->quiz_title, db_col_text(st, 10), sizeof out->quiz_title);
	}
	dbs_reset(st);
	return ret;
}

int db_cert_attendance(struct db *db, int64_t activity_id, int64_t user_id,
		       struct db_cert_attendance *out)
{
	db_st *st = db_stmt(db, SQL_CERT_ATTENDANCE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, activity_id);
	dbs_bind_int64(st, 2, user_id);
	int ret = db_step_row(db, st, "certificate attendance");
	if (ret == 1) {
		memset(out, 0, sizeof *out);
		out->activity_id = activity_id;
		out->user_id = user_id;
		out->offered = dbs_column_int(st, 0) != 0;
		out->starts_at = dbs_column_int64(st, 1);
		util_strlcpy(out->kind, db_col_text(st, 2), sizeof out->kind);
		util_strlcpy(out->code, db_col_text(st, 3), sizeof out->code);
		util_strlcpy(out->title, db_col_text(st, 4), sizeof out->title);
		util_strlcpy(out->full_name, db_col_text(st, 5), sizeof out->full_name);
	}
	dbs_reset(st);
	return ret;
}

int db_cert_attendance_missing(struct db *db, int64_t activity_id, int64_t **user_ids, size_t *n)
{
	db_st *st = db_stmt(db, SQL_CERT_MISSING);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, activity_id);
	return db_collect_ids(db, st, "attendees without a certificate", user_ids, n);
}

int db_cert_store(struct db *db, const char *code, int64_t attempt_id, int64_t activity_id,
		  int64_t user_id, const char *canonical, int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_CERT_STORE);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, code, -1, DBS_STATIC);
	if (attempt_id)
		dbs_bind_int64(st, 2, attempt_id);
	if (activity_id)
		dbs_bind_int64(st, 3, activity_id);
	if (user_id)
		dbs_bind_int64(st, 4, user_id);
	dbs_bind_text(st, 5, canonical, -1, DBS_STATIC);
	dbs_bind_int64(st, 6, now_ms);
	return db_exec_stmt(db, st, "store certificate") ? -1 : 0;
}

int db_cert_issued(struct db *db, int64_t attempt_id, int64_t activity_id, int64_t user_id,
		   char *code, size_t code_size, char **canonical, int64_t *issued_at)
{
	db_st *st = db_stmt(db, activity_id ? SQL_CERT_OF_ATTENDANCE : SQL_CERT_OF_ATTEMPT);
	if (!st)
		return -1;
	if (activity_id) {
		dbs_bind_int64(st, 1, activity_id);
		dbs_bind_int64(st, 2, user_id);
	} else {
		dbs_bind_int64(st, 1, attempt_id);
	}
	int ret = db_step_row(db, st, "issued certificate");
	if (ret == 1) {
		util_strlcpy(code, db_col_text(st, 0), code_size);
		*canonical = xstrdup(db_col_text(st, 1));
		*issued_at = dbs_column_int64(st, 2);
	}
	dbs_reset(st);
	return ret;
}

int db_cert_by_code(struct db *db, const char *code, int64_t *attempt_id, int64_t *activity_id,
		    char **canonical, int64_t *issued_at)
{
	db_st *st = db_stmt(db, SQL_CERT_BY_CODE);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, code, -1, DBS_STATIC);
	int ret = db_step_row(db, st, "find certificate");
	if (ret == 1) {
		*attempt_id = dbs_column_int64(st, 0);
		*activity_id = dbs_column_int64(st, 1);
		*canonical = xstrdup(db_col_text(st, 2));
		*issued_at = dbs_column_int64(st, 3);
	}
	dbs_reset(st);
	return ret;
}
