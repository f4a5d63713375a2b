/* db_cert.c - SQL for certificates (table of migration 3, db_report.c). */
#include "db_cert.h"

#include <string.h>

#include "db_priv.h"
#include "util.h"

static const char SQL_CERT_ATTEMPT[] =
	"SELECT a.id, COALESCE(a.user_id, 0), a.state, COALESCE(a.passed, 0), q.mandatory,"
	" COALESCE(a.finished_at, 0), COALESCE(a.score, 0), COALESCE(a.max_score, 0),"
	" COALESCE(s.full_name, ''), q.code, q.title"
	" FROM attempts a JOIN quizzes q ON q.id = a.quiz_id"
	" LEFT JOIN users s ON s.id = a.user_id AND s.erased_at IS NULL WHERE a.id = ?1";
static const char SQL_CERT_STORE[] =
	"INSERT INTO certificates (code, attempt_id, user_id, canonical, issued_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING";
static const char SQL_CERT_BY_CODE[] =
	"SELECT attempt_id, canonical, issued_at FROM certificates WHERE code = ?1";

int db_cert_attempt(struct db *db, int64_t attempt_id, struct db_cert_attempt *out)
{
	sqlite3_stmt *st = db_stmt(db, SQL_CERT_ATTEMPT);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, attempt_id);
	int ret = db_step_row(db, st, "certificate attempt");
	if (ret == 1) {
		memset(out, 0, sizeof *out);
		out->attempt_id = sqlite3_column_int64(st, 0);
		out->user_id = sqlite3_column_int64(st, 1);
		util_strlcpy(out->state, db_col_text(st, 2), sizeof out->state);
		out->passed = sqlite3_column_int(st, 3) != 0;
		out->mandatory = sqlite3_column_int(st, 4) != 0;
		out->finished_at = sqlite3_column_int64(st, 5);
		out->score = sqlite3_column_double(st, 6);
		out->max_score = sqlite3_column_double(st, 7);
		util_strlcpy(out->full_name, db_col_text(st, 8), sizeof out->full_name);
		util_strlcpy(out->quiz_code, db_col_text(st, 9), sizeof out->quiz_code);
		util_strlcpy(out->quiz_title, db_col_text(st, 10), sizeof out->quiz_title);
	}
	sqlite3_reset(st);
	return ret;
}

int db_cert_store(struct db *db, const char *code, int64_t attempt_id, int64_t user_id,
		  const char *canonical, int64_t now_ms)
{
	sqlite3_stmt *st = db_stmt(db, SQL_CERT_STORE);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, attempt_id);
	if (user_id)
		sqlite3_bind_int64(st, 3, user_id);
	sqlite3_bind_text(st, 4, canonical, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now_ms);
	return db_exec_stmt(db, st, "store certificate") ? -1 : 0;
}

int db_cert_by_code(struct db *db, const char *code, int64_t *attempt_id, char **canonical,
		    int64_t *issued_at)
{
	sqlite3_stmt *st = db_stmt(db, SQL_CERT_BY_CODE);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	int ret = db_step_row(db, st, "find certificate");
	if (ret == 1) {
		*attempt_id = sqlite3_column_int64(st, 0);
		*canonical = xstrdup(db_col_text(st, 1));
		*issued_at = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return ret;
}
