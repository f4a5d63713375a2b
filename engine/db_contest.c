/* db_contest.c - SQL for contest leaderboards and item statistics. */
#include "db_contest.h"

#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "util.h"

/* Migration 4. A leaderboard kept in memory is valid while its quiz's
 * counter is unchanged: the triggers count every insert, update or delete
 * that touches a completed attempt (finishing is an update from
 * in_progress), inside the writer's transaction. */
const char db_sql_contests[] =
	"CREATE TABLE contest_versions ("
	"  quiz_id INTEGER PRIMARY KEY,"
	"  change_count INTEGER NOT NULL);"
	"CREATE TRIGGER contest_version_insert AFTER INSERT ON attempts"
	" WHEN NEW.state <> 'in_progress' BEGIN"
	"  INSERT INTO contest_versions (quiz_id, change_count) VALUES (NEW.quiz_id, 1)"
	"  ON CONFLICT (quiz_id) DO UPDATE SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER contest_version_update AFTER UPDATE ON attempts"
	" WHEN NEW.state <> 'in_progress' OR OLD.state <> 'in_progress' BEGIN"
	"  INSERT INTO contest_versions (quiz_id, change_count) VALUES (OLD.quiz_id, 1)"
	"  ON CONFLICT (quiz_id) DO UPDATE SET change_count = change_count + 1;"
	"  INSERT INTO contest_versions (quiz_id, change_count)"
	"  SELECT NEW.quiz_id, 1 WHERE NEW.quiz_id <> OLD.quiz_id"
	"  ON CONFLICT (quiz_id) DO UPDATE SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER contest_version_delete AFTER DELETE ON attempts"
	" WHEN OLD.state <> 'in_progress' BEGIN"
	"  INSERT INTO contest_versions (quiz_id, change_count) VALUES (OLD.quiz_id, 1)"
	"  ON CONFLICT (quiz_id) DO UPDATE SET change_count = change_count + 1;"
	" END;";

/* Migration 14. The log of completions lets a kept board take in what
 * was completed after it was ranked, rather than ranking everything again:
 * a completion (an insert of a completed attempt, or an update from
 * in_progress in the same quiz) appends one row, in commit order. Any other
 * change to what a board ranks by (a rescore, a deletion, a move) counts in
 * reset_count, and a board ranked before it is ranked again in full. */
const char db_sql_contest_log[] =
	"CREATE TABLE contest_log ("
	"  seq INTEGER PRIMARY KEY,"
	"  quiz_id INTEGER NOT NULL,"
	"  attempt_id INTEGER NOT NULL);"
	"CREATE INDEX contest_log_quiz ON contest_log (quiz_id, seq);"
	"ALTER TABLE contest_versions ADD COLUMN reset_count INTEGER NOT NULL DEFAULT 0;"
	"CREATE TRIGGER contest_log_insert AFTER INSERT ON attempts"
	" WHEN NEW.state <> 'in_progress' BEGIN"
	"  INSERT INTO contest_log (quiz_id, attempt_id) VALUES (NEW.quiz_id, NEW.id);"
	" END;"
	"CREATE TRIGGER contest_log_complete AFTER UPDATE ON attempts"
	" WHEN OLD.state = 'in_progress' AND NEW.state <> 'in_progress'"
	" AND NEW.quiz_id = OLD.quiz_id BEGIN"
	"  INSERT INTO contest_log (quiz_id, attempt_id) VALUES (NEW.quiz_id, NEW.id);"
	" END;"
	"CREATE TRIGGER contest_reset_update AFTER UPDATE ON attempts"
	" WHEN (OLD.state <> 'in_progress' AND (NEW.state IS NOT OLD.state"
	"  OR NEW.score IS NOT OLD.score OR NEW.max_score IS NOT OLD.max_score"
	"  OR NEW.correct_count IS NOT OLD.correct_count OR NEW.prediction IS NOT OLD.prediction"
	"  OR NEW.started_at IS NOT OLD.started_at OR NEW.deadline IS NOT OLD.deadline"
	"  OR NEW.finished_at IS NOT OLD.finished_at OR NEW.duration_ms IS NOT OLD.duration_ms"
	"  OR NEW.unit_id IS NOT OLD.unit_id OR NEW.user_id IS NOT OLD.user_id"
	"  OR NEW.round_code IS NOT OLD.round_code OR NEW.practice IS NOT OLD.practice"
	"  OR NEW.quiz_id IS NOT OLD.quiz_id))"
	" OR (NEW.state <> 'in_progress' AND NEW.quiz_id <> OLD.quiz_id) BEGIN"
	"  INSERT INTO contest_versions (quiz_id, change_count, reset_count)"
	"  VALUES (OLD.quiz_id, 1, 1) ON CONFLICT (quiz_id) DO UPDATE SET"
	"  reset_count = reset_count + 1;"
	"  INSERT INTO contest_versions (quiz_id, change_count, reset_count)"
	"  SELECT NEW.quiz_id, 1, 1 WHERE NEW.quiz_id <> OLD.quiz_id"
	"  ON CONFLICT (quiz_id) DO UPDATE SET reset_count = reset_count + 1;"
	" END;"
	"CREATE TRIGGER contest_reset_delete AFTER DELETE ON attempts"
	" WHEN OLD.state <> 'in_progress' BEGIN"
	"  INSERT INTO contest_versions (quiz_id, change_count, reset_count)"
	"  VALUES (OLD.quiz_id, 1, 1) ON CONFLICT (quiz_id) DO UPDATE SET"
	"  reset_count = reset_count + 1;"
	" END;";

/* Migration 22. What a leaderboard line shows of its person and unit
 * (full name, erasure; unit code and name) moves one counter, in the
 * writer's transaction, so that a board may carry the names of its lines
 * and check them with the same read as its attempts (db_contest_version). */
const char db_sql_contest_labels[] =
	"CREATE TABLE contest_label_versions ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  change_count INTEGER NOT NULL);"
	"INSERT INTO contest_label_versions (id, change_count) VALUES (1, 0);"
	"CREATE TRIGGER contest_label_users_update AFTER UPDATE OF full_name, erased_at ON users"
	" WHEN NEW.full_name IS NOT OLD.full_name OR NEW.erased_at IS NOT OLD.erased_at BEGIN"
	"  UPDATE contest_label_versions SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER contest_label_users_delete AFTER DELETE ON users BEGIN"
	"  UPDATE contest_label_versions SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER contest_label_units_update AFTER UPDATE OF code, name ON units"
	" WHEN NEW.code IS NOT OLD.code OR NEW.name IS NOT OLD.name BEGIN"
	"  UPDATE contest_label_versions SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER contest_label_units_delete AFTER DELETE ON units BEGIN"
	"  UPDATE contest_label_versions SET change_count = change_count + 1;"
	" END;";

/* ?2: round code or NULL. */
static const char SQL_CONTEST_ATTEMPTS[] =
	"SELECT a.id, a.user_id, a.state = 'expired', a.score, a.max_score, a.correct_count,"
	" a.prediction, a.started_at, a.deadline, a.finished_at, a.duration_ms, a.unit_id"
	" FROM attempts a WHERE a.quiz_id = ?1 AND a.state IN ('submitted', 'expired')"
	" AND a.practice = 0 AND (CAST(?2 AS TEXT) IS NULL OR a.round_code = ?2) ORDER BY a.id";
static const char SQL_CONTEST_COMPLETED_SINCE[] =
	"SELECT a.id, a.user_id, a.state = 'expired', a.score, a.max_score, a.correct_count,"
	" a.prediction, a.started_at, a.deadline, a.finished_at, a.duration_ms, a.unit_id, l.seq"
	" FROM contest_log l JOIN attempts a ON a.id = l.attempt_id"
	" WHERE l.quiz_id = ?1 AND l.seq > ?3 AND a.state IN ('submitted', 'expired')"
	" AND a.practice = 0 AND (CAST(?2 AS TEXT) IS NULL OR a.round_code = ?2) ORDER BY l.seq";
static const char SQL_CONTEST_MARKS[] =
	"SELECT coalesce((SELECT reset_count FROM contest_versions WHERE quiz_id = ?1), 0),"
	" coalesce((SELECT max(seq) FROM contest_log WHERE quiz_id = ?1), 0)";
/* Both counters only grow, so their sum moves whenever either does. */
static const char SQL_CONTEST_VERSION[] =
	"SELECT coalesce((SELECT change_count FROM contest_versions WHERE quiz_id = ?1), 0)"
	" + (SELECT change_count FROM contest_label_versions WHERE id = 1)";
static const char SQL_CONTEST_LABELS_VERSION[] =
	"SELECT change_count FROM contest_label_versions WHERE id = 1";
static const char SQL_UNITS_WITHIN[] =
	"SELECT id FROM units WHERE substr(path, 1, length(?1)) = ?1 ORDER BY id";
/* IN rather than a join: each person once, read in id order (about four
 * times faster than DISTINCT over the attempts). */
static const char SQL_CONTEST_PEOPLE[] =
	"SELECT u.id, u.erased_at IS NOT NULL, u.full_name FROM users u"
	" WHERE u.id IN (SELECT a.user_id FROM attempts a WHERE a.quiz_id = ?1"
	" AND a.state IN ('submitted', 'expired') AND a.practice = 0)";
static const char SQL_CONTEST_PERSON[] =
	"SELECT id, erased_at IS NOT NULL, full_name FROM users WHERE id = ?1";
static const char SQL_CONTEST_UNITS[] = "SELECT id, code, name FROM units";
static const char SQL_CONTEST_UNIT[] = "SELECT id, code, name FROM units WHERE id = ?1";
static const char SQL_ITEM_SCORES[] =
	"SELECT aq.attempt_id, aq.question_id, coalesce(an.score, 0)"
	" FROM attempts a JOIN attempt_questions aq ON aq.attempt_id = a.id"
	" LEFT JOIN answers an ON an.attempt_id = aq.attempt_id AND an.question_id = aq.question_id"
	" LEFT JOIN units un ON un.id = a.unit_id"
	" WHERE a.quiz_id = ?1 AND a.state IN ('submitted', 'expired') AND a.practice = 0"
	" AND (CAST(?2 AS TEXT) IS NULL OR (un.path IS NOT NULL AND substr(un.path, 1, length(?2)) "
	"= ?2))";
static const char SQL_QUESTION_CODE[] =
	"SELECT q.code, b.code FROM questions q JOIN banks b ON b.id = q.bank_id WHERE q.id = ?1";

static void contest_attempt_row(db_st *st, void *row)
{
	struct db_contest_attempt *r = row;
	memset(r, 0, sizeof *r);
	r->attempt_id = dbs_column_int64(st, 0);
	r->user_id = dbs_column_int64(st, 1);
	r->expired = dbs_column_int(st, 2) != 0;
	r->score = dbs_column_double(st, 3);
	r->max_score = dbs_column_double(st, 4);
	r->correct_count = dbs_column_int(st, 5);
	r->has_prediction = dbs_column_type(st, 6) != DBS_NULL;
	r->prediction = dbs_column_int64(st, 6);
	r->started_at = dbs_column_int64(st, 7);
	r->deadline = dbs_column_int64(st, 8);
	r->finished_at = dbs_column_int64(st, 9);
	r->duration_ms = dbs_column_type(st, 10) == DBS_NULL ? -1 : dbs_column_int64(st, 10);
	r->unit_id = dbs_column_int64(st, 11);
	if (dbs_column_count(st) > 12)
		r->seq = dbs_column_int64(st, 12);
}

int db_contest_attempts(struct db *db, int64_t quiz_id, const char *round_code,
			struct db_contest_attempt **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_st *st = db_stmt(db, SQL_CONTEST_ATTEMPTS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	db_bind_text_or_null(st, 2, round_code);
	return db_collect_rows(db, st, sizeof **out, contest_attempt_row, (void **)out, n,
			       "contest attempts");
}

int db_contest_version(struct db *db, int64_t quiz_id, int64_t *version)
{
	db_st *st = db_stmt(db, SQL_CONTEST_VERSION);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	int ret = db_step_row(db, st, "contest version");
	*version = ret == 1 ? dbs_column_int64(st, 0) : 0;
	dbs_reset(st);
	return ret < 0 ? -1 : 0;
}

int db_contest_completed_since(struct db *db, int64_t quiz_id, const char *round_code,
			       int64_t after_seq, struct db_contest_attempt **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_st *st = db_stmt(db, SQL_CONTEST_COMPLETED_SINCE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	db_bind_text_or_null(st, 2, round_code);
	dbs_bind_int64(st, 3, after_seq);
	return db_collect_rows(db, st, sizeof **out, contest_attempt_row, (void **)out, n,
			       "contest completions");
}

int db_contest_marks(struct db *db, int64_t quiz_id, int64_t *resets, int64_t *last_seq)
{
	db_st *st = db_stmt(db, SQL_CONTEST_MARKS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	int ret = db_step_row(db, st, "contest marks");
	*resets = ret == 1 ? dbs_column_int64(st, 0) : 0;
	*last_seq = ret == 1 ? dbs_column_int64(st, 1) : 0;
	dbs_reset(st);
	return ret < 0 ? -1 : 0;
}

int db_units_within(struct db *db, const char *unit_path, int64_t **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	db_st *st = db_stmt(db, SQL_UNITS_WITHIN);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, unit_path, -1, DBS_STATIC);
	return db_collect_ids(db, st, "units within", ids, n);
}

int db_contest_labels_version(struct db *db, int64_t *version)
{
	db_st *st = db_stmt(db, SQL_CONTEST_LABELS_VERSION);
	if (!st)
		return -1;
	int ret = db_step_row(db, st, "contest labels version");
	*version = ret == 1 ? dbs_column_int64(st, 0) : 0;
	dbs_reset(st);
	return ret < 0 ? -1 : 0;
}

/* Steps st to its end, handing each row (id, then two texts; for people
 * the second is NULL once erased) to fn. Returns how many rows or -1. */
static int labels_each(struct db *db, db_st *st, bool people,
		       void (*fn)(void *ctx, int64_t id, const char *a, const char *b), void *ctx,
		       const char *what)
{
	int rc, rows = 0;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		int64_t id = dbs_column_int64(st, 0);
		if (people)
			fn(ctx, id, dbs_column_int(st, 1) ? NULL : db_col_text(st, 2), NULL);
		else
			fn(ctx, id, db_col_text(st, 1), db_col_text(st, 2));
		rows++;
	}
	dbs_reset(st);
	return rc == DBS_DONE ? rows : db_fail(db, what);
}

int db_contest_people_each(struct db *db, int64_t quiz_id, int64_t user_id,
			   void (*fn)(void *ctx, int64_t id, const char *full_name,
				      const char *unused),
			   void *ctx)
{
	db_st *st = db_stmt(db, user_id ? SQL_CONTEST_PERSON : SQL_CONTEST_PEOPLE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id ? user_id : quiz_id);
	return labels_each(db, st, true, fn, ctx, "contest people");
}

int db_contest_units_each(struct db *db, int64_t unit_id,
			  void (*fn)(void *ctx, int64_t id, const char *code, const char *name),
			  void *ctx)
{
	db_st *st = db_stmt(db, unit_id ? SQL_CONTEST_UNIT : SQL_CONTEST_UNITS);
	if (!st)
		return -1;
	if (unit_id)
		dbs_bind_int64(st, 1, unit_id);
	return labels_each(db, st, false, fn, ctx, "contest units");
}

static void item_score_row(db_st *st, void *row)
{
	struct db_item_score *r = row;
	r->attempt_id = dbs_column_int64(st, 0);
	r->question_id = dbs_column_int64(st, 1);
	r->score = dbs_column_double(st, 2);
}

int db_item_scores(struct db *db, int64_t quiz_id, const char *unit_path,
		   struct db_item_score **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_st *st = db_stmt(db, SQL_ITEM_SCORES);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	db_bind_text_or_null(st, 2, unit_path);
	return db_collect_rows(db, st, sizeof **out, item_score_row, (void **)out, n,
			       "item scores");
}

int db_question_code(struct db *db, int64_t question_id, char *code, char *bank_code)
{
	db_st *st = db_stmt(db, SQL_QUESTION_CODE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, question_id);
	int ret = db_step_row(db, st, "question code");
	if (ret == 1) {
		util_strlcpy(code, db_col_text(st, 0), DB_CODE_MAX);
		util_strlcpy(bank_code, db_col_text(st, 1), DB_CODE_MAX);
	}
	dbs_reset(st);
	return ret;
}
