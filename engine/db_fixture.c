/* db_fixture.c - direct inserts for tests, benchmarks and demo data. */
#include "db_fixture.h"

#include <stdio.h>
#include <string.h>

#include "db_activity.h"
#include "db_priv.h"
#include "util.h"

static const char SQL_BANK[] = "INSERT INTO banks (code, title, language, audiences, updated_at)"
			       " VALUES (?1, ?1, 'vi', json_array(?2), 0)";
DB_PG_SQL(SQL_BANK,
	  "INSERT INTO banks (code, title, language, audiences, updated_at)"
	  " VALUES (?1, ?1, 'vi', json_build_array(CAST(?2 AS TEXT))::text, 0) RETURNING id");
static const char SQL_QUESTION[] =
	"INSERT INTO questions (bank_id, code, version, current, type, difficulty, stem,"
	" explanation, content_hash) VALUES (?1, ?2, 1, 1, 'single', 1, ?2, '', x'00')";
DB_PG_SQL(SQL_QUESTION,
	  "INSERT INTO questions (bank_id, code, version, current, type, difficulty,"
	  " stem, explanation, content_hash)"
	  " VALUES (?1, ?2, 1, 1, 'single', 1, ?2, '', decode('00', 'hex')) RETURNING id");
static const char SQL_QUESTION_TOPIC[] =
	"INSERT INTO question_topics (question_id, topic) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
static const char SQL_QUIZ[] =
	"INSERT INTO quizzes (code, title, kind, mandatory, unit_scope_id, time_limit_s,"
	" max_attempts, pass_percent, opens_at, closes_at, shuffle_questions, shuffle_options,"
	" review, definition, created_at)"
	" VALUES (?1, ?2, 'quiz', ?3, ?4, 900, 3, 80, ?5, ?6, 1, 1, 'after_submit', '{}', ?5)";
DB_PG_RETURNING_ID(SQL_QUIZ);
static const char SQL_CONTEST[] =
	"UPDATE quizzes SET kind = 'contest', freeze_at = nullif(?2, 0) WHERE id = ?1";
static const char SQL_QUIZ_AUDIENCE[] =
	"INSERT INTO quiz_audiences (quiz_id, audience) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
static const char SQL_PERSON[] =
	"INSERT INTO users (username, pw_hash, full_name, role, unit_id, audience, created_at)"
	" VALUES (?1, '!', ?2, ?3, ?4, ?5, 0)";
DB_PG_RETURNING_ID(SQL_PERSON);
static const char SQL_ATTEMPT[] =
	"INSERT INTO attempts (quiz_id, user_id, unit_id, audience, seed, state, started_at,"
	" deadline, question_count, round_code, prediction)"
	" VALUES (?1, ?2, ?3, ?4, 0, 'in_progress', ?5, ?6, ?7, coalesce(?8, 'main'), ?9)";
DB_PG_RETURNING_ID(SQL_ATTEMPT);
static const char SQL_ATTEMPT_QUESTION[] =
	"INSERT INTO attempt_questions (attempt_id, position, question_id, option_order)"
	" VALUES (?1, ?2, ?3, '[]')";
static const char SQL_ATTEMPT_FINISH[] =
	"UPDATE attempts SET state = ?2, finished_at = ?3, score = ?4, max_score = ?5,"
	" passed = ?6, duration_ms = ?3 - started_at WHERE id = ?1";

static int64_t insert_id(struct db *db, db_st *st, const char *what)
{
	return db_exec_stmt(db, st, what) ? -1 : db_last_insert_id(db);
}

/* Calls add(item) for each item of a comma-separated list. */
static int each_item(struct db *db, const char *sql, int64_t id, const char *list)
{
	char item[128];
	const char *p = list;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n >= sizeof item)
			n = sizeof item - 1;
		memcpy(item, p, n);
		item[n] = '\0';
		p = comma ? comma + 1 : NULL;
		if (!item[0])
			continue;
		db_st *st = db_stmt(db, sql);
		if (!st)
			return -1;
		dbs_bind_int64(st, 1, id);
		dbs_bind_text(st, 2, item, -1, DBS_TRANSIENT);
		if (db_exec_stmt(db, st, "insert list item"))
			return -1;
	}
	return 0;
}

int64_t db_fixture_bank(struct db *db, const char *code, const char *audience)
{
	db_st *st = db_stmt(db, SQL_BANK);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, code, -1, DBS_STATIC);
	dbs_bind_text(st, 2, audience, -1, DBS_STATIC);
	return insert_id(db, st, "insert bank");
}

int64_t db_fixture_question(struct db *db, int64_t bank_id, const char *code, const char *topics)
{
	db_st *st = db_stmt(db, SQL_QUESTION);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, bank_id);
	dbs_bind_text(st, 2, code, -1, DBS_STATIC);
	int64_t id = insert_id(db, st, "insert question");
	if (id < 0 || each_item(db, SQL_QUESTION_TOPIC, id, topics))
		return -1;
	return id;
}

int64_t db_fixture_quiz(struct db *db, const char *code, const char *title, bool mandatory,
			const char *audiences, int64_t scope_unit_id, int64_t opens_at,
			int64_t closes_at)
{
	db_st *st = db_stmt(db, SQL_QUIZ);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, code, -1, DBS_STATIC);
	dbs_bind_text(st, 2, title, -1, DBS_STATIC);
	dbs_bind_int(st, 3, mandatory ? 1 : 0);
	if (scope_unit_id)
		dbs_bind_int64(st, 4, scope_unit_id);
	dbs_bind_int64(st, 5, opens_at);
	dbs_bind_int64(st, 6, closes_at);
	int64_t id = insert_id(db, st, "insert quiz");
	if (id < 0 || each_item(db, SQL_QUIZ_AUDIENCE, id, audiences))
		return -1;
	return id;
}

int db_fixture_contest(struct db *db, int64_t quiz_id, int64_t freeze_at)
{
	db_st *st = db_stmt(db, SQL_CONTEST);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	dbs_bind_int64(st, 2, freeze_at);
	return db_exec_stmt(db, st, "make contest") ? -1 : 0;
}

int64_t db_fixture_person(struct db *db, const char *username, const char *full_name,
			  const char *role, int64_t unit_id, const char *audience)
{
	db_st *st = db_stmt(db, SQL_PERSON);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, username, -1, DBS_STATIC);
	dbs_bind_text(st, 2, full_name, -1, DBS_STATIC);
	dbs_bind_text(st, 3, role, -1, DBS_STATIC);
	if (unit_id)
		dbs_bind_int64(st, 4, unit_id);
	db_bind_text_or_null(st, 5, audience);
	return insert_id(db, st, "insert person");
}

int64_t db_fixture_attempt(struct db *db, const struct db_fixture_attempt *a)
{
	db_st *st = db_stmt(db, SQL_ATTEMPT);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, a->quiz_id);
	if (a->user_id)
		dbs_bind_int64(st, 2, a->user_id);
	if (a->unit_id)
		dbs_bind_int64(st, 3, a->unit_id);
	db_bind_text_or_null(st, 4, a->audience);
	dbs_bind_int64(st, 5, a->started_at);
	dbs_bind_int64(st, 6, a->started_at + 900000);
	dbs_bind_int64(st, 7, (int64_t)a->nquestions);
	db_bind_text_or_null(st, 8, a->round_code);
	if (a->has_prediction)
		dbs_bind_int64(st, 9, a->prediction);
	int64_t id = insert_id(db, st, "insert attempt");
	if (id < 0)
		return -1;
	for (size_t i = 0; i < a->nquestions; i++) {
		st = db_stmt(db, SQL_ATTEMPT_QUESTION);
		if (!st)
			return -1;
		dbs_bind_int64(st, 1, id);
		dbs_bind_int64(st, 2, (int64_t)i);
		dbs_bind_int64(st, 3, a->question_ids[i]);
		if (db_exec_stmt(db, st, "insert attempt question"))
			return -1;
	}
	if (strcmp(a->state, "in_progress") == 0)
		return id;
	st = db_stmt(db, SQL_ATTEMPT_FINISH);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	dbs_bind_text(st, 2, a->state, -1, DBS_STATIC);
	dbs_bind_int64(st, 3, a->finished_at);
	dbs_bind_double(st, 4, a->score);
	dbs_bind_double(st, 5, a->max_score);
	dbs_bind_int(st, 6, a->passed ? 1 : 0);
	if (db_exec_stmt(db, st, "finish attempt"))
		return -1;
	return id;
}

int64_t db_fixture_activity(struct db *db, const char *code, const char *kind, int64_t unit_id,
			    const char *topics, int64_t starts_at, int64_t ends_at)
{
	struct db_activity a = { .unit_id = unit_id,
				 .starts_at_ms = starts_at,
				 .ends_at_ms = ends_at };
	util_strlcpy(a.code, code, sizeof a.code);
	util_strlcpy(a.title, code, sizeof a.title);
	util_strlcpy(a.kind, kind, sizeof a.kind);
	util_strlcpy(a.audiences, "[]", sizeof a.audiences);
	util_strlcpy(a.topics, topics, sizeof a.topics);
	int64_t id = 0;
	return db_activity_insert(db, &a, starts_at, &id) ? -1 : id;
}

int db_fixture_attendance(struct db *db, int64_t activity_id, int64_t user_id, int year,
			  int64_t unit_id, const char *audience, int64_t at)
{
	return db_attendance_add(db, activity_id, user_id, year, unit_id, audience, "list", at);
}

static const char SQL_UNIT_TRAININGS[] =
	"WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n + 1 < ?2)"
	" INSERT INTO activities (code, title, kind, unit_id, audiences, topics, starts_at,"
	" ends_at, check_in_open, certificate, created_at, updated_at)"
	" SELECT 'fixture-' || u.id || '-' || k.n, 'Tập huấn ' || (k.n + 1), 'training', u.id,"
	" '[]', '[\"passwords\"]', ?1, ?1 + 7200000, 0, 0, ?1, ?1 FROM units u, k";
static const char SQL_UNIT_ATTENDANCES[] =
	"INSERT INTO attendances (activity_id, user_id, year, unit_id, audience, how, at)"
	" SELECT a.id, s.id, ?1, s.unit_id, s.audience, 'list', a.starts_at FROM users s"
	" JOIN activities a ON a.unit_id = s.unit_id AND a.code LIKE 'fixture-%'"
	" WHERE s.role = 'participant' AND s.audience IS NOT NULL LIMIT ?2";

int db_fixture_unit_trainings(struct db *db, int per_unit, int64_t starts_at, int64_t limit,
			      int year, int64_t *added)
{
	db_st *st = db_stmt(db, SQL_UNIT_TRAININGS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, starts_at);
	dbs_bind_int(st, 2, per_unit);
	if (db_exec_stmt(db, st, "unit trainings"))
		return -1;
	if (!(st = db_stmt(db, SQL_UNIT_ATTENDANCES)))
		return -1;
	dbs_bind_int(st, 1, year);
	dbs_bind_int64(st, 2, limit);
	if (db_exec_stmt(db, st, "unit attendances"))
		return -1;
	*added = (int)db_changes(db);
	return 0;
}
