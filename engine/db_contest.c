/* db_contest.c - SQL for contest leaderboards and item statistics. */
#include "db_contest.h"

#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "util.h"

/* ?2: round code or NULL; ?3: unit path prefix or NULL. */
static const char SQL_CONTEST_ATTEMPTS[] =
	"SELECT a.id, a.user_id, a.state, a.score, a.max_score, a.correct_count, a.prediction,"
	" a.started_at, a.deadline, a.finished_at, a.duration_ms,"
	" ?3 IS NULL OR (un.path IS NOT NULL AND substr(un.path, 1, length(?3)) = ?3)"
	" FROM attempts a LEFT JOIN units un ON un.id = a.unit_id"
	" WHERE a.quiz_id = ?1 AND a.state IN ('submitted', 'expired')"
	" AND (?2 IS NULL OR a.round_code = ?2)";
static const char SQL_CONTEST_PERSON[] =
	"SELECT a.user_id IS NULL OR u.id IS NULL OR u.erased_at IS NOT NULL, u.full_name,"
	" un.code, un.name"
	" FROM attempts a LEFT JOIN users u ON u.id = a.user_id"
	" LEFT JOIN units un ON un.id = a.unit_id WHERE a.id = ?1";
static const char SQL_ITEM_SCORES[] =
	"SELECT aq.attempt_id, aq.question_id, coalesce(an.score, 0)"
	" FROM attempts a JOIN attempt_questions aq ON aq.attempt_id = a.id"
	" LEFT JOIN answers an ON an.attempt_id = aq.attempt_id AND an.question_id = aq.question_id"
	" LEFT JOIN units un ON un.id = a.unit_id"
	" WHERE a.quiz_id = ?1 AND a.state IN ('submitted', 'expired')"
	" AND (?2 IS NULL OR (un.path IS NOT NULL AND substr(un.path, 1, length(?2)) = ?2))";
static const char SQL_QUESTION_CODE[] = "SELECT code FROM questions WHERE id = ?1";

int db_contest_attempts(struct db *db, int64_t quiz_id, const char *round_code,
			const char *unit_path, struct db_contest_attempt **out, size_t *n)
{
	struct db_contest_attempt *rows = NULL;
	size_t count = 0, cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, SQL_CONTEST_ATTEMPTS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, quiz_id);
	db_bind_text_or_null(st, 2, round_code);
	db_bind_text_or_null(st, 3, unit_path);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 256;
			rows = xrealloc(rows, cap * sizeof *rows);
		}
		struct db_contest_attempt *r = &rows[count++];
		memset(r, 0, sizeof *r);
		r->attempt_id = sqlite3_column_int64(st, 0);
		r->user_id = sqlite3_column_int64(st, 1);
		r->expired = strcmp(db_col_text(st, 2), "expired") == 0;
		r->score = sqlite3_column_double(st, 3);
		r->max_score = sqlite3_column_double(st, 4);
		r->correct_count = sqlite3_column_int(st, 5);
		r->has_prediction = sqlite3_column_type(st, 6) != SQLITE_NULL;
		r->prediction = sqlite3_column_int64(st, 6);
		r->started_at = sqlite3_column_int64(st, 7);
		r->deadline = sqlite3_column_int64(st, 8);
		r->finished_at = sqlite3_column_int64(st, 9);
		r->duration_ms = sqlite3_column_type(st, 10) == SQLITE_NULL
					 ? -1
					 : sqlite3_column_int64(st, 10);
		r->in_unit = sqlite3_column_int(st, 11) != 0;
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, "contest attempts");
		sqlite3_reset(st);
		free(rows);
		return -1;
	}
	sqlite3_reset(st);
	*out = rows;
	*n = count;
	return 0;
}

int db_contest_person(struct db *db, int64_t attempt_id, struct db_contest_person *out)
{
	sqlite3_stmt *st = db_stmt(db, SQL_CONTEST_PERSON);
	int ret;
	if (!st)
		return -1;
	memset(out, 0, sizeof *out);
	sqlite3_bind_int64(st, 1, attempt_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->erased = sqlite3_column_int(st, 0) != 0;
		if (!out->erased)
			util_strlcpy(out->full_name, db_col_text(st, 1), sizeof out->full_name);
		util_strlcpy(out->unit_code, db_col_text(st, 2), sizeof out->unit_code);
		util_strlcpy(out->unit_name, db_col_text(st, 3), sizeof out->unit_name);
		ret = 1;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		ret = db_fail(db, "contest person");
	}
	sqlite3_reset(st);
	return ret;
}

int db_item_scores(struct db *db, int64_t quiz_id, const char *unit_path,
		   struct db_item_score **out, size_t *n)
{
	struct db_item_score *rows = NULL;
	size_t count = 0, cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, SQL_ITEM_SCORES);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, quiz_id);
	db_bind_text_or_null(st, 2, unit_path);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 1024;
			rows = xrealloc(rows, cap * sizeof *rows);
		}
		rows[count].attempt_id = sqlite3_column_int64(st, 0);
		rows[count].question_id = sqlite3_column_int64(st, 1);
		rows[count].score = sqlite3_column_double(st, 2);
		count++;
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, "item scores");
		sqlite3_reset(st);
		free(rows);
		return -1;
	}
	sqlite3_reset(st);
	*out = rows;
	*n = count;
	return 0;
}

int db_question_code(struct db *db, int64_t question_id, char *code)
{
	sqlite3_stmt *st = db_stmt(db, SQL_QUESTION_CODE);
	int ret;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, question_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		util_strlcpy(code, db_col_text(st, 0), DB_CODE_MAX);
		ret = 1;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		ret = db_fail(db, "question code");
	}
	sqlite3_reset(st);
	return ret;
}
