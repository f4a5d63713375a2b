/* db_person.c - SQL for a person's data as Decree 13/2023/NĐ-CP asks:
 * everything held about them, and its erasure. */
#include "db_person.h"

#include "db_priv.h"

static const char SQL_PERSON_GET[] =
	"SELECT s.id, s.username, s.full_name, s.role, s.unit_id, u.code, u.path, s.audience,"
	" s.birth_year, s.phone, '', s.created_at, COALESCE(s.erased_at, 0)"
	" FROM users s LEFT JOIN units u ON u.id = s.unit_id WHERE s.id = ?1";
static const char SQL_PERSON_ATTEMPTS[] =
	"SELECT a.id, a.quiz_id, a.started_at, COALESCE(a.finished_at, 0), q.code, q.title,"
	" a.state, COALESCE(u.code, ''), COALESCE(a.audience, ''), a.score, a.max_score,"
	" COALESCE(a.passed, 0), q.kind, q.mandatory, c.code"
	" FROM attempts a JOIN quizzes q ON q.id = a.quiz_id LEFT JOIN units u ON u.id = a.unit_id"
	" LEFT JOIN certificates c ON c.attempt_id = a.id"
	" WHERE a.user_id = ?1 ORDER BY a.started_at, a.id";
static const char SQL_PERSON_ATTENDANCES[] =
	"SELECT t.activity_id, v.code, v.title, v.kind, v.starts_at, v.ends_at, v.certificate,"
	" COALESCE(u.code, ''), t.audience, t.how, t.at, c.code"
	" FROM attendances t JOIN activities v ON v.id = t.activity_id"
	" LEFT JOIN units u ON u.id = t.unit_id"
	" LEFT JOIN certificates c ON c.activity_id = t.activity_id AND c.user_id = t.user_id"
	" WHERE t.user_id = ?1 ORDER BY v.starts_at, t.activity_id";
static const char SQL_PERSON_ANSWERS[] =
	"SELECT n.attempt_id, n.question_id, n.choices, n.text, n.saved_at"
	" FROM answers n JOIN attempts a ON a.id = n.attempt_id"
	" WHERE a.user_id = ?1 ORDER BY n.attempt_id, n.question_id";
static const char SQL_PERSON_SESSIONS[] = "SELECT count(*) FROM sessions WHERE user_id = ?1";
static const char SQL_PERSON_CERTS[] =
	"SELECT code, COALESCE(attempt_id, 0), COALESCE(activity_id, 0), issued_at"
	" FROM certificates WHERE user_id = ?1 ORDER BY issued_at, code";
/* Login throttling keys name the account as "u:" + its ASCII-lowercased
 * username, and the account at an address as "ua:" + that name + "|" +
 * the address (account.c); those rows go too. */
static const char SQL_ERASE_THROTTLE[] =
	"WITH erased (n) AS (SELECT lower(username) FROM users WHERE id = ?1 AND erased_at IS NULL)"
	" DELETE FROM login_throttle WHERE key IN (SELECT 'u:' || n FROM erased)"
	" OR substr(key, 1, length((SELECT n FROM erased)) + 4)"
	" = (SELECT 'ua:' || n || '|' FROM erased)";
static const char SQL_ERASE_USER[] =
	"UPDATE users SET username = 'erased-' || id, full_name = '', phone = NULL,"
	" birth_year = NULL, pw_hash = '!', erased_at = ?2 WHERE id = ?1 AND erased_at IS NULL";
static const char SQL_ERASE_SESSIONS[] = "DELETE FROM sessions WHERE user_id = ?1";
static const char SQL_ERASE_CERTS[] = "DELETE FROM certificates WHERE user_id = ?1";
static const char SQL_ERASE_ANSWER_TEXT[] =
	"UPDATE answers SET text = NULL WHERE text IS NOT NULL"
	" AND attempt_id IN (SELECT id FROM attempts WHERE user_id = ?1)";

int db_person_get(struct db *db, int64_t user_id, struct db_user *out, int64_t *created_at,
		  int64_t *erased_at)
{
	db_st *st = db_stmt(db, SQL_PERSON_GET);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	int ret = db_step_row(db, st, "find person");
	if (ret == 1) {
		db_user_from_row(st, out);
		*created_at = dbs_column_int64(st, 11);
		*erased_at = dbs_column_int64(st, 12);
	}
	dbs_reset(st);
	return ret;
}

static void person_attempt_row(db_st *st, db_row_fn fn, void *ctx)
{
	struct db_person_attempt a = {
		.id = dbs_column_int64(st, 0),
		.quiz_id = dbs_column_int64(st, 1),
		.started_at = dbs_column_int64(st, 2),
		.finished_at = dbs_column_int64(st, 3),
		.quiz_code = db_col_text(st, 4),
		.quiz_title = db_col_text(st, 5),
		.state = db_col_text(st, 6),
		.unit_code = db_col_text(st, 7),
		.audience = db_col_text(st, 8),
		.has_score = dbs_column_type(st, 9) != DBS_NULL,
		.score = dbs_column_double(st, 9),
		.max_score = dbs_column_double(st, 10),
		.passed = dbs_column_int(st, 11) != 0,
		.quiz_kind = db_col_text(st, 12),
		.mandatory = dbs_column_int(st, 13) != 0,
		.certificate = (const char *)dbs_column_text(st, 14),
	};
	((db_person_attempt_fn *)fn)(ctx, &a);
}

int db_person_attempts(struct db *db, int64_t user_id, db_person_attempt_fn *fn, void *ctx)
{
	db_st *st = db_stmt(db, SQL_PERSON_ATTEMPTS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	return db_each_row(db, st, person_attempt_row, (db_row_fn)fn, ctx, "list person attempts");
}

static void attendance_row(db_st *st, db_row_fn fn, void *ctx)
{
	struct db_person_attendance a = {
		.activity_id = dbs_column_int64(st, 0),
		.code = db_col_text(st, 1),
		.title = db_col_text(st, 2),
		.kind = db_col_text(st, 3),
		.starts_at = dbs_column_int64(st, 4),
		.ends_at = dbs_column_int64(st, 5),
		.offered = dbs_column_int(st, 6) != 0,
		.unit_code = db_col_text(st, 7),
		.audience = db_col_text(st, 8),
		.how = db_col_text(st, 9),
		.at = dbs_column_int64(st, 10),
		.certificate = (const char *)dbs_column_text(st, 11),
	};
	((db_person_attendance_fn *)fn)(ctx, &a);
}

int db_person_attendances(struct db *db, int64_t user_id, db_person_attendance_fn *fn, void *ctx)
{
	db_st *st = db_stmt(db, SQL_PERSON_ATTENDANCES);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	return db_each_row(db, st, attendance_row, (db_row_fn)fn, ctx, "list person attendances");
}

static void answer_row(db_st *st, db_row_fn fn, void *ctx)
{
	((db_person_answer_fn *)fn)(ctx, dbs_column_int64(st, 0), dbs_column_int64(st, 1),
				    (const char *)dbs_column_text(st, 2),
				    (const char *)dbs_column_text(st, 3), dbs_column_int64(st, 4));
}

int db_person_answers(struct db *db, int64_t user_id, db_person_answer_fn *fn, void *ctx)
{
	db_st *st = db_stmt(db, SQL_PERSON_ANSWERS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	return db_each_row(db, st, answer_row, (db_row_fn)fn, ctx, "list person answers");
}

int db_person_session_count(struct db *db, int64_t user_id, int64_t *count)
{
	db_st *st = db_stmt(db, SQL_PERSON_SESSIONS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	int ret = 0;
	if (dbs_step(st) == DBS_ROW)
		*count = dbs_column_int64(st, 0);
	else
		ret = db_fail(db, "count sessions");
	dbs_reset(st);
	return ret;
}

static void cert_list_row(db_st *st, db_row_fn fn, void *ctx)
{
	((db_person_cert_fn *)fn)(ctx, db_col_text(st, 0), dbs_column_int64(st, 1),
				  dbs_column_int64(st, 2), dbs_column_int64(st, 3));
}

int db_person_certificates(struct db *db, int64_t user_id, db_person_cert_fn *fn, void *ctx)
{
	db_st *st = db_stmt(db, SQL_PERSON_CERTS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	return db_each_row(db, st, cert_list_row, (db_row_fn)fn, ctx, "list person certificates");
}

static int exec_user_stmt(struct db *db, const char *sql, int64_t user_id, int64_t now_ms,
			  const char *what)
{
	db_st *st = db_stmt(db, sql);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	if (dbs_bind_parameter_count(st) >= 2)
		dbs_bind_int64(st, 2, now_ms);
	return db_exec_stmt(db, st, what) ? -1 : 0;
}

int db_person_erase(struct db *db, int64_t user_id, int64_t now_ms)
{
	if (db_begin_write(db))
		return -1;
	if (exec_user_stmt(db, SQL_ERASE_THROTTLE, user_id, now_ms, "erase login throttling") ||
	    exec_user_stmt(db, SQL_ERASE_USER, user_id, now_ms, "erase person") ||
	    exec_user_stmt(db, SQL_ERASE_SESSIONS, user_id, now_ms, "erase sessions") ||
	    exec_user_stmt(db, SQL_ERASE_CERTS, user_id, now_ms, "erase certificates") ||
	    exec_user_stmt(db, SQL_ERASE_ANSWER_TEXT, user_id, now_ms, "erase answer text"))
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return -1;
}
