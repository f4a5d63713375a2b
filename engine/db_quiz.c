/* db_quiz.c - SQL for question banks, quiz definitions and attempts. */
#include "db_quiz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "util.h"

/* Migration 5: a sentence per option saying why that choice is right or
 * wrong (NULL when the bank gives none). */
const char db_sql_option_feedback[] = "ALTER TABLE options ADD COLUMN feedback TEXT;";

/* Questions are never edited in place: re-importing a bank with a changed
 * question inserts a new version and marks the old one not current, so an
 * attempt keeps pointing at the exact text it was drawn with. */
const char db_sql_quizzes[] =
	"CREATE TABLE banks ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  language TEXT NOT NULL,"
	"  audiences TEXT NOT NULL," /* JSON array of audience codes */
	"  updated_at INTEGER NOT NULL);"
	"CREATE TABLE questions ("
	"  id INTEGER PRIMARY KEY,"
	"  bank_id INTEGER NOT NULL REFERENCES banks(id),"
	"  code TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  current INTEGER NOT NULL DEFAULT 1,"
	"  type TEXT NOT NULL CHECK (type IN ('single','multiple','true_false','short')),"
	"  difficulty INTEGER NOT NULL CHECK (difficulty BETWEEN 1 AND 3),"
	"  stem TEXT NOT NULL,"
	"  explanation TEXT NOT NULL,"
	"  reference TEXT,"
	"  ignore_diacritics INTEGER NOT NULL DEFAULT 0,"
	"  content_hash BLOB NOT NULL,"
	"  UNIQUE (bank_id, code, version));"
	"CREATE INDEX questions_draw ON questions(bank_id, current, difficulty);"
	"CREATE TABLE question_topics ("
	"  question_id INTEGER NOT NULL REFERENCES questions(id),"
	"  topic TEXT NOT NULL,"
	"  PRIMARY KEY (question_id, topic)) WITHOUT ROWID;"
	"CREATE INDEX question_topics_topic ON question_topics(topic, question_id);"
	"CREATE TABLE options ("
	"  id INTEGER PRIMARY KEY,"
	"  question_id INTEGER NOT NULL REFERENCES questions(id),"
	"  position INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  weight REAL NOT NULL," /* the score weight: 1 correct, 0 wrong, or the multiple weight */
	"  correct INTEGER);" /* the bank's flag (0/1), NULL when it gave a weight */
	"CREATE INDEX options_question ON options(question_id, position);"
	"CREATE INDEX questions_code ON questions(bank_id, code, current);"
	"CREATE TABLE quizzes ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('quiz','contest')),"
	"  mandatory INTEGER NOT NULL DEFAULT 0,"
	"  unit_scope_id INTEGER REFERENCES units(id),"
	"  time_limit_s INTEGER NOT NULL,"
	"  max_attempts INTEGER NOT NULL,"
	"  pass_percent REAL NOT NULL,"
	"  opens_at INTEGER NOT NULL,"
	"  closes_at INTEGER NOT NULL,"
	"  shuffle_questions INTEGER NOT NULL,"
	"  shuffle_options INTEGER NOT NULL,"
	"  review TEXT NOT NULL CHECK (review IN ('after_submit','after_close','never')),"
	"  prediction_question TEXT,"
	"  freeze_at INTEGER,"
	"  definition TEXT NOT NULL," /* the JSON as posted, for export */
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE quiz_audiences ("
	"  quiz_id INTEGER NOT NULL REFERENCES quizzes(id),"
	"  audience TEXT NOT NULL,"
	"  PRIMARY KEY (quiz_id, audience)) WITHOUT ROWID;"
	"CREATE TABLE quiz_draws ("
	"  quiz_id INTEGER NOT NULL REFERENCES quizzes(id),"
	"  position INTEGER NOT NULL,"
	"  bank_id INTEGER NOT NULL REFERENCES banks(id),"
	"  topic TEXT,"
	"  difficulty INTEGER,"
	"  count INTEGER NOT NULL,"
	"  PRIMARY KEY (quiz_id, position)) WITHOUT ROWID;"
	"CREATE TABLE quiz_rounds ("
	"  quiz_id INTEGER NOT NULL REFERENCES quizzes(id),"
	"  code TEXT NOT NULL,"
	"  opens_at INTEGER NOT NULL,"
	"  closes_at INTEGER NOT NULL,"
	"  PRIMARY KEY (quiz_id, code)) WITHOUT ROWID;"
	/* user_id is NULL once a person is erased; unit_id and audience are the
	 * participant's at start, so reports stay right after the person moves. */
	"CREATE TABLE attempts ("
	"  id INTEGER PRIMARY KEY,"
	"  quiz_id INTEGER NOT NULL REFERENCES quizzes(id),"
	"  user_id INTEGER REFERENCES users(id),"
	"  unit_id INTEGER REFERENCES units(id),"
	"  audience TEXT,"
	"  round_code TEXT NOT NULL DEFAULT 'main',"
	"  seed INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('in_progress','submitted','expired')),"
	"  started_at INTEGER NOT NULL,"
	"  deadline INTEGER NOT NULL,"
	"  finished_at INTEGER," /* submission time, or the deadline when expired */
	"  score REAL,"
	"  max_score REAL,"
	"  correct_count INTEGER,"
	"  question_count INTEGER NOT NULL,"
	"  passed INTEGER,"
	"  duration_ms INTEGER,"
	"  prediction INTEGER);"
	"CREATE INDEX attempts_user ON attempts(user_id, quiz_id);"
	"CREATE INDEX attempts_quiz ON attempts(quiz_id, state);" /* leaderboards, item stats */
	"CREATE INDEX attempts_open ON attempts(state, deadline);"
	"CREATE INDEX attempts_report ON attempts(finished_at, unit_id, audience);"
	"CREATE TABLE attempt_questions ("
	"  attempt_id INTEGER NOT NULL REFERENCES attempts(id),"
	"  position INTEGER NOT NULL,"
	"  question_id INTEGER NOT NULL REFERENCES questions(id),"
	"  option_order TEXT NOT NULL," /* JSON array of option ids, as shown */
	"  PRIMARY KEY (attempt_id, position)) WITHOUT ROWID;"
	"CREATE TABLE answers ("
	"  attempt_id INTEGER NOT NULL REFERENCES attempts(id),"
	"  question_id INTEGER NOT NULL REFERENCES questions(id),"
	"  choices TEXT," /* JSON array of option ids */
	"  text TEXT,"
	"  saved_at INTEGER NOT NULL,"
	"  score REAL," /* set when the attempt is finalised */
	"  PRIMARY KEY (attempt_id, question_id)) WITHOUT ROWID;";

/* ---- helpers ------------------------------------------------------------ */

static char *col_dup(sqlite3_stmt *st, int col)
{
	return xstrdup(db_col_text(st, col));
}

static char *col_dup_or_null(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : col_dup(st, col);
}

int db_wal_autocheckpoint(struct db *db, int pages)
{
	if (sqlite3_wal_autocheckpoint(db->sql, pages) != SQLITE_OK)
		return db_fail(db, "wal_autocheckpoint");
	return 0;
}

int db_wal_checkpoint(struct db *db, int *wal_pages, int *checkpointed)
{
	int rc = sqlite3_wal_checkpoint_v2(db->sql, NULL, SQLITE_CHECKPOINT_PASSIVE, wal_pages,
					   checkpointed);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return db_fail(db, "wal checkpoint");
	return 0;
}

static const char SQL_SAVEPOINT[] = "SAVEPOINT quiz_job";
static const char SQL_RELEASE[] = "RELEASE quiz_job";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO quiz_job";

static int exec_cached(struct db *db, const char *sql, const char *what)
{
	sqlite3_stmt *st = db_stmt(db, sql);
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

/* Steps a statement returning one integer-ish row; 1 row, 0 none, -1. */
static int step_row(struct db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_fail(db, what);
}

/* Collects the first column of every row as int64 into a new array. */
static int collect_ids(struct db *db, sqlite3_stmt *st, const char *what, int64_t **ids, size_t *n)
{
	size_t cap = 64, len = 0;
	int64_t *v = xmalloc(cap * sizeof *v);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[len++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return db_fail(db, what);
	}
	*ids = v;
	*n = len;
	return 0;
}

/* ---- banks and questions ------------------------------------------------ */

static const char SQL_BANK_UPSERT[] =
	"INSERT INTO banks (code, title, language, audiences, updated_at) VALUES (?1, ?2, ?3, ?4, "
	"?5)"
	" ON CONFLICT (code) DO UPDATE SET title = excluded.title, language = excluded.language,"
	" audiences = excluded.audiences,"
	" updated_at = max(excluded.updated_at, banks.updated_at + 1) RETURNING id";
static const char SQL_BANK_GENERATION[] = "SELECT updated_at FROM banks WHERE id = ?1";
static const char SQL_BANK_BY_CODE[] =
	"SELECT id, code, title, language, audiences, updated_at FROM banks WHERE code = ?1";
static const char SQL_QUESTION_CURRENT[] =
	"SELECT id, version, content_hash FROM questions"
	" WHERE bank_id = ?1 AND code = ?2 AND current = 1 ORDER BY version DESC LIMIT 1";
static const char SQL_QUESTION_MAX_VERSION[] =
	"SELECT coalesce(max(version), 0) FROM questions WHERE bank_id = ?1 AND code = ?2";
static const char SQL_QUESTION_INSERT[] = "INSERT INTO questions (bank_id, code, version, current, "
					  "type, difficulty, stem, explanation,"
					  " reference, ignore_diacritics, content_hash) VALUES "
					  "(?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_TOPIC_INSERT[] =
	"INSERT OR IGNORE INTO question_topics (question_id, topic) VALUES (?1, ?2)";
static const char SQL_OPTION_INSERT[] = "INSERT INTO options (question_id, position, text, weight, "
					"correct, feedback) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_QUESTION_SET_CURRENT[] = "UPDATE questions SET current = ?2 WHERE id = ?1";
static const char SQL_BANK_CURRENT_IDS[] =
	"SELECT id FROM questions WHERE bank_id = ?1 AND current = 1 ORDER BY id";
static const char SQL_QUESTION_GET[] =
	"SELECT id, bank_id, code, version, current, type, difficulty, stem, explanation, "
	"reference,"
	" ignore_diacritics, content_hash FROM questions WHERE id = ?1";
static const char SQL_QUESTION_TOPICS[] =
	"SELECT topic FROM question_topics WHERE question_id = ?1 ORDER BY topic";
static const char SQL_QUESTION_OPTIONS[] =
	"SELECT id, text, weight, correct, feedback FROM options WHERE question_id = ?1"
	" ORDER BY position";
static const char SQL_POOL_ANY[] = "SELECT id FROM questions WHERE bank_id = ?1 AND current = 1"
				   " AND (?2 = 0 OR difficulty = ?2) ORDER BY id";
static const char SQL_POOL_TOPIC[] =
	"SELECT q.id FROM question_topics t JOIN questions q ON q.id = t.question_id"
	" WHERE t.topic = ?3 AND q.bank_id = ?1 AND q.current = 1"
	" AND (?2 = 0 OR q.difficulty = ?2) ORDER BY q.id";

void db_bank_cleanup(struct db_bank *b)
{
	if (!b)
		return;
	free(b->title);
	free(b->audiences_json);
	memset(b, 0, sizeof *b);
}

void db_question_cleanup(struct db_question *q)
{
	if (!q)
		return;
	free(q->stem);
	free(q->explanation);
	free(q->reference);
	for (size_t i = 0; i < q->ntopics; i++)
		free(q->topics[i]);
	free(q->topics);
	for (size_t i = 0; i < q->noptions; i++) {
		free(q->options[i].text);
		free(q->options[i].feedback);
	}
	free(q->options);
	memset(q, 0, sizeof *q);
}

int db_bank_upsert(struct db *db, const char *code, const char *title, const char *language,
		   const char *audiences_json, int64_t now_ms, int64_t *bank_id)
{
	sqlite3_stmt *st = db_stmt(db, SQL_BANK_UPSERT);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, language, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, audiences_json, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now_ms);
	int rc = step_row(db, st, "save bank");
	if (rc == 1)
		*bank_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == 1 ? 0 : -1;
}

int db_bank_generation(struct db *db, int64_t bank_id, int64_t *generation)
{
	sqlite3_stmt *st = db_stmt(db, SQL_BANK_GENERATION);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, bank_id);
	int rc = step_row(db, st, "bank generation");
	*generation = rc == 1 ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

int db_bank_by_code(struct db *db, const char *code, struct db_bank *out)
{
	sqlite3_stmt *st = db_stmt(db, SQL_BANK_BY_CODE);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	int rc = step_row(db, st, "find bank");
	if (rc == 1) {
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(st, 0);
		util_strlcpy(out->code, db_col_text(st, 1), sizeof out->code);
		out->title = col_dup(st, 2);
		util_strlcpy(out->language, db_col_text(st, 3), sizeof out->language);
		out->audiences_json = col_dup(st, 4);
		out->updated_at = sqlite3_column_int64(st, 5);
	}
	sqlite3_reset(st);
	return rc;
}

int db_question_current(struct db *db, int64_t bank_id, const char *code, int64_t *id, int *version,
			unsigned char *hash)
{
	sqlite3_stmt *st = db_stmt(db, SQL_QUESTION_CURRENT);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, bank_id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	int rc = step_row(db, st, "find question");
	if (rc == 1) {
		*id = sqlite3_column_int64(st, 0);
		*version = sqlite3_column_int(st, 1);
		memset(hash, 0, DB_QUESTION_HASH_LEN);
		int len = sqlite3_column_bytes(st, 2);
		const void *blob = sqlite3_column_blob(st, 2);
		if (blob)
			memcpy(hash, blob,
			       len < DB_QUESTION_HASH_LEN ? (size_t)len : DB_QUESTION_HASH_LEN);
	}
	sqlite3_reset(st);
	return rc;
}

int db_question_max_version(struct db *db, int64_t bank_id, const char *code, int *version)
{
	sqlite3_stmt *st = db_stmt(db, SQL_QUESTION_MAX_VERSION);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, bank_id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	int rc = step_row(db, st, "question version");
	if (rc == 1)
		*version = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == 1 ? 0 : -1;
}

int db_question_insert(struct db *db, struct db_question *q)
{
	sqlite3_stmt *st = db_stmt(db, SQL_QUESTION_INSERT);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, q->bank_id);
	sqlite3_bind_text(st, 2, q->code, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, q->version);
	sqlite3_bind_text(st, 4, q->type, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, q->difficulty);
	sqlite3_bind_text(st, 6, q->stem, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, q->explanation, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 8, q->reference);
	sqlite3_bind_int(st, 9, q->ignore_diacritics ? 1 : 0);
	sqlite3_bind_blob(st, 10, q->hash, DB_QUESTION_HASH_LEN, SQLITE_STATIC);
	int rc = db_exec_stmt(db, st, "insert question");
	if (rc)
		return rc;
	q->id = sqlite3_last_insert_rowid(db->sql);
	for (size_t i = 0; i < q->ntopics; i++) {
		st = db_stmt(db, SQL_TOPIC_INSERT);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, q->id);
		sqlite3_bind_text(st, 2, q->topics[i], -1, SQLITE_STATIC);
		if ((rc = db_exec_stmt(db, st, "insert question topic")))
			return rc;
	}
	for (size_t i = 0; i < q->noptions; i++) {
		st = db_stmt(db, SQL_OPTION_INSERT);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, q->id);
		sqlite3_bind_int(st, 2, (int)i);
		sqlite3_bind_text(st, 3, q->options[i].text, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 4, q->options[i].weight);
		if (q->options[i].correct >= 0)
			sqlite3_bind_int(st, 5, q->options[i].correct);
		db_bind_text_or_null(st, 6, q->options[i].feedback);
		if ((rc = db_exec_stmt(db, st, "insert option")))
			return rc;
		q->options[i].id = sqlite3_last_insert_rowid(db->sql);
	}
	return 0;
}

int db_question_set_current(struct db *db, int64_t id, bool current)
{
	sqlite3_stmt *st = db_stmt(db, SQL_QUESTION_SET_CURRENT);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, current ? 1 : 0);
	return db_exec_stmt(db, st, "mark question");
}

int db_bank_current_ids(struct db *db, int64_t bank_id, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, SQL_BANK_CURRENT_IDS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, bank_id);
	return collect_ids(db, st, "list bank questions", ids, n);
}

int db_question_get(struct db *db, int64_t id, struct db_question *out)
{
	sqlite3_stmt *st = db_stmt(db, SQL_QUESTION_GET);
	if (!st)
		return -1;
	memset(out, 0, sizeof *out);
	sqlite3_bind_int64(st, 1, id);
	int rc = step_row(db, st, "load question");
	if (rc != 1) {
		sqlite3_reset(st);
		return rc;
	}
	out->id = sqlite3_column_int64(st, 0);
	out->bank_id = sqlite3_column_int64(st, 1);
	util_strlcpy(out->code, db_col_text(st, 2), sizeof out->code);
	out->version = sqlite3_column_int(st, 3);
	out->current = sqlite3_column_int(st, 4) != 0;
	util_strlcpy(out->type, db_col_text(st, 5), sizeof out->type);
	out->difficulty = sqlite3_column_int(st, 6);
	out->stem = col_dup(st, 7);
	out->explanation = col_dup(st, 8);
	out->reference = col_dup_or_null(st, 9);
	out->ignore_diacritics = sqlite3_column_int(st, 10) != 0;
	int len = sqlite3_column_bytes(st, 11);
	const void *blob = sqlite3_column_blob(st, 11);
	if (blob)
		memcpy(out->hash, blob,
		       len < DB_QUESTION_HASH_LEN ? (size_t)len : DB_QUESTION_HASH_LEN);
	sqlite3_reset(st);

	st = db_stmt(db, SQL_QUESTION_TOPICS);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->topics = xrealloc(out->topics, (out->ntopics + 1) * sizeof *out->topics);
		out->topics[out->ntopics++] = col_dup(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, "load question topics");
		goto fail;
	}
	st = db_stmt(db, SQL_QUESTION_OPTIONS);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->options = xrealloc(out->options, (out->noptions + 1) * sizeof *out->options);
		struct db_option *o = &out->options[out->noptions++];
		o->id = sqlite3_column_int64(st, 0);
		o->text = col_dup(st, 1);
		o->weight = sqlite3_column_double(st, 2);
		o->correct =
			sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 3);
		o->feedback = col_dup_or_null(st, 4);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, "load question options");
		goto fail;
	}
	return 1;
fail:
	db_question_cleanup(out);
	return -1;
}

int db_question_pool(struct db *db, int64_t bank_id, const char *topic, int difficulty,
		     int64_t **ids, size_t *n)
{
	bool by_topic = topic && *topic;
	sqlite3_stmt *st = db_stmt(db, by_topic ? SQL_POOL_TOPIC : SQL_POOL_ANY);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, bank_id);
	sqlite3_bind_int(st, 2, difficulty);
	if (by_topic)
		sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
	return collect_ids(db, st, "question pool", ids, n);
}

/* ---- quizzes ------------------------------------------------------------ */

static const char SQL_QUIZ_INSERT[] =
	"INSERT INTO quizzes (code, title, kind, mandatory, unit_scope_id, time_limit_s, "
	"max_attempts,"
	" pass_percent, opens_at, closes_at, shuffle_questions, shuffle_options, review,"
	" prediction_question, freeze_at, definition, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
static const char SQL_QUIZ_AUDIENCE_INSERT[] =
	"INSERT OR IGNORE INTO quiz_audiences (quiz_id, audience) VALUES (?1, ?2)";
static const char SQL_QUIZ_DRAW_INSERT[] =
	"INSERT INTO quiz_draws (quiz_id, position, bank_id, topic, difficulty, count)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_QUIZ_ROUND_INSERT[] =
	"INSERT INTO quiz_rounds (quiz_id, code, opens_at, closes_at) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_QUIZ_GET[] =
	"SELECT q.id, q.code, q.title, q.kind, q.mandatory, q.unit_scope_id, u.code, u.path,"
	" q.time_limit_s, q.max_attempts, q.pass_percent, q.opens_at, q.closes_at,"
	" q.shuffle_questions, q.shuffle_options, q.review, q.prediction_question, q.freeze_at,"
	" q.definition, q.created_at"
	" FROM quizzes q LEFT JOIN units u ON u.id = q.unit_scope_id WHERE q.id = ?1";
static const char SQL_QUIZ_IDS[] = "SELECT id FROM quizzes ORDER BY id";
static const char SQL_QUIZ_AUDIENCES[] =
	"SELECT audience FROM quiz_audiences WHERE quiz_id = ?1 ORDER BY audience";
static const char SQL_QUIZ_DRAWS[] =
	"SELECT d.bank_id, b.code, d.topic, d.difficulty, d.count FROM quiz_draws d"
	" JOIN banks b ON b.id = d.bank_id WHERE d.quiz_id = ?1 ORDER BY d.position";
static const char SQL_QUIZ_ROUNDS[] =
	"SELECT code, opens_at, closes_at FROM quiz_rounds WHERE quiz_id = ?1"
	" ORDER BY opens_at, code";

void db_quiz_cleanup(struct db_quiz *q)
{
	if (!q)
		return;
	free(q->title);
	free(q->prediction_question);
	free(q->definition);
	free(q->audiences);
	free(q->draws);
	free(q->rounds);
	memset(q, 0, sizeof *q);
}

int db_quiz_insert(struct db *db, struct db_quiz *q)
{
	sqlite3_stmt *st = db_stmt(db, SQL_QUIZ_INSERT);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, q->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, q->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, q->mandatory ? 1 : 0);
	if (q->unit_scope_id)
		sqlite3_bind_int64(st, 5, q->unit_scope_id);
	sqlite3_bind_int64(st, 6, q->time_limit_s);
	sqlite3_bind_int(st, 7, q->max_attempts);
	sqlite3_bind_double(st, 8, q->pass_percent);
	sqlite3_bind_int64(st, 9, q->opens_at);
	sqlite3_bind_int64(st, 10, q->closes_at);
	sqlite3_bind_int(st, 11, q->shuffle_questions ? 1 : 0);
	sqlite3_bind_int(st, 12, q->shuffle_options ? 1 : 0);
	sqlite3_bind_text(st, 13, q->review, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 14, q->prediction_question);
	if (q->freeze_at)
		sqlite3_bind_int64(st, 15, q->freeze_at);
	sqlite3_bind_text(st, 16, q->definition ? q->definition : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 17, q->created_at);
	int rc = db_exec_stmt(db, st, "insert quiz");
	if (rc == DB_CONFLICT)
		snprintf(db->err, sizeof db->err, "a quiz with code %s exists", q->code);
	if (rc)
		return rc;
	q->id = sqlite3_last_insert_rowid(db->sql);
	for (size_t i = 0; i < q->naudiences; i++) {
		if (!(st = db_stmt(db, SQL_QUIZ_AUDIENCE_INSERT)))
			return -1;
		sqlite3_bind_int64(st, 1, q->id);
		sqlite3_bind_text(st, 2, q->audiences[i], -1, SQLITE_STATIC);
		if ((rc = db_exec_stmt(db, st, "insert quiz audience")))
			return rc;
	}
	for (size_t i = 0; i < q->ndraws; i++) {
		if (!(st = db_stmt(db, SQL_QUIZ_DRAW_INSERT)))
			return -1;
		sqlite3_bind_int64(st, 1, q->id);
		sqlite3_bind_int(st, 2, (int)i);
		sqlite3_bind_int64(st, 3, q->draws[i].bank_id);
		db_bind_text_or_null(st, 4, q->draws[i].topic);
		if (q->draws[i].difficulty)
			sqlite3_bind_int(st, 5, q->draws[i].difficulty);
		sqlite3_bind_int(st, 6, q->draws[i].count);
		if ((rc = db_exec_stmt(db, st, "insert quiz draw")))
			return rc;
	}
	for (size_t i = 0; i < q->nrounds; i++) {
		if (!(st = db_stmt(db, SQL_QUIZ_ROUND_INSERT)))
			return -1;
		sqlite3_bind_int64(st, 1, q->id);
		sqlite3_bind_text(st, 2, q->rounds[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, q->rounds[i].opens_at);
		sqlite3_bind_int64(st, 4, q->rounds[i].closes_at);
		if ((rc = db_exec_stmt(db, st, "insert quiz round")))
			return rc;
	}
	return 0;
}

int db_quiz_get(struct db *db, int64_t id, struct db_quiz *out)
{
	sqlite3_stmt *st = db_stmt(db, SQL_QUIZ_GET);
	if (!st)
		return -1;
	memset(out, 0, sizeof *out);
	sqlite3_bind_int64(st, 1, id);
	int rc = step_row(db, st, "load quiz");
	if (rc != 1) {
		sqlite3_reset(st);
		return rc;
	}
	out->id = sqlite3_column_int64(st, 0);
	util_strlcpy(out->code, db_col_text(st, 1), sizeof out->code);
	out->title = col_dup(st, 2);
	util_strlcpy(out->kind, db_col_text(st, 3), sizeof out->kind);
	out->mandatory = sqlite3_column_int(st, 4) != 0;
	out->unit_scope_id = sqlite3_column_int64(st, 5);
	util_strlcpy(out->unit_scope_code, db_col_text(st, 6), sizeof out->unit_scope_code);
	util_strlcpy(out->unit_scope_path, db_col_text(st, 7), sizeof out->unit_scope_path);
	out->time_limit_s = sqlite3_column_int64(st, 8);
	out->max_attempts = sqlite3_column_int(st, 9);
	out->pass_percent = sqlite3_column_double(st, 10);
	out->opens_at = sqlite3_column_int64(st, 11);
	out->closes_at = sqlite3_column_int64(st, 12);
	out->shuffle_questions = sqlite3_column_int(st, 13) != 0;
	out->shuffle_options = sqlite3_column_int(st, 14) != 0;
	util_strlcpy(out->review, db_col_text(st, 15), sizeof out->review);
	out->prediction_question = col_dup_or_null(st, 16);
	out->freeze_at = sqlite3_column_int64(st, 17);
	out->definition = col_dup(st, 18);
	out->created_at = sqlite3_column_int64(st, 19);
	sqlite3_reset(st);

	if (!(st = db_stmt(db, SQL_QUIZ_AUDIENCES)))
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->audiences =
			xrealloc(out->audiences, (out->naudiences + 1) * sizeof *out->audiences);
		util_strlcpy(out->audiences[out->naudiences++], db_col_text(st, 0),
			     sizeof out->audiences[0]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail_sql;
	if (!(st = db_stmt(db, SQL_QUIZ_DRAWS)))
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->draws = xrealloc(out->draws, (out->ndraws + 1) * sizeof *out->draws);
		struct db_quiz_draw *d = &out->draws[out->ndraws++];
		memset(d, 0, sizeof *d);
		d->bank_id = sqlite3_column_int64(st, 0);
		util_strlcpy(d->bank_code, db_col_text(st, 1), sizeof d->bank_code);
		util_strlcpy(d->topic, db_col_text(st, 2), sizeof d->topic);
		d->difficulty = sqlite3_column_int(st, 3);
		d->count = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail_sql;
	if (!(st = db_stmt(db, SQL_QUIZ_ROUNDS)))
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->rounds = xrealloc(out->rounds, (out->nrounds + 1) * sizeof *out->rounds);
		struct db_quiz_round *r = &out->rounds[out->nrounds++];
		util_strlcpy(r->code, db_col_text(st, 0), sizeof r->code);
		r->opens_at = sqlite3_column_int64(st, 1);
		r->closes_at = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail_sql;
	return 1;
fail_sql:
	db_fail(db, "load quiz");
fail:
	db_quiz_cleanup(out);
	return -1;
}

int db_quiz_list(struct db *db, struct db_quiz **out, size_t *n)
{
	int64_t *ids = NULL;
	size_t nids = 0;
	if (db_quiz_ids(db, &ids, &nids))
		return -1;
	struct db_quiz *list = xcalloc(nids ? nids : 1, sizeof *list);
	size_t got = 0;
	for (size_t i = 0; i < nids; i++) {
		int rc = db_quiz_get(db, ids[i], &list[got]);
		if (rc < 0) {
			for (size_t j = 0; j < got; j++)
				db_quiz_cleanup(&list[j]);
			free(list);
			free(ids);
			return -1;
		}
		if (rc == 1)
			got++;
	}
	free(ids);
	*out = list;
	*n = got;
	return 0;
}

int db_quiz_ids(struct db *db, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, SQL_QUIZ_IDS);
	if (!st)
		return -1;
	return collect_ids(db, st, "list quizzes", ids, n);
}

/* ---- attempts and answers ---------------------------------------------- */

#define ATTEMPT_COLS                                                                               \
	"id, quiz_id, user_id, unit_id, audience, round_code, seed, state, started_at, deadline,"  \
	" finished_at, score, max_score, correct_count, question_count, passed, duration_ms,"      \
	" prediction"

static const char SQL_ATTEMPT_GET[] = "SELECT " ATTEMPT_COLS " FROM attempts WHERE id = ?1";
static const char SQL_ATTEMPT_IN_PROGRESS[] =
	"SELECT " ATTEMPT_COLS " FROM attempts"
	" WHERE user_id = ?2 AND quiz_id = ?1 AND state = 'in_progress' ORDER BY id DESC LIMIT 1";
static const char SQL_ATTEMPT_COUNT[] =
	"SELECT count(*) FROM attempts WHERE user_id = ?2 AND quiz_id = ?1";
static const char SQL_ATTEMPT_BEST[] =
	"SELECT " ATTEMPT_COLS " FROM attempts"
	" WHERE user_id = ?2 AND quiz_id = ?1 AND state <> 'in_progress'"
	" ORDER BY score DESC, duration_ms ASC, id ASC LIMIT 1";
static const char SQL_ATTEMPT_INSERT[] =
	"INSERT INTO attempts (quiz_id, user_id, unit_id, audience, round_code, seed, state,"
	" started_at, deadline, question_count, max_score)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'in_progress', ?7, ?8, ?9, ?10)";
/* INSERTs of 1..DRAW_ROWS_MAX attempt_questions rows (?1 the attempt, then
 * position, question, option order per row), built once per process; the
 * statement cache keys them by these stable pointers. */
#define DRAW_ROWS_MAX 32
static char *draw_sql[DRAW_ROWS_MAX + 1];
static pthread_once_t draw_sql_once = PTHREAD_ONCE_INIT;

static void draw_sql_init(void)
{
	for (int k = 1; k <= DRAW_ROWS_MAX; k++) {
		struct strbuf sb;
		sb_init(&sb);
		sb_puts(&sb, "INSERT INTO attempt_questions (attempt_id, position, question_id,"
			     " option_order) VALUES ");
		for (int j = 0; j < k; j++)
			sb_printf(&sb, "%s(?1, ?%d, ?%d, ?%d)", j ? ", " : "", 2 + 3 * j, 3 + 3 * j,
				  4 + 3 * j);
		draw_sql[k] = sb_steal(&sb);
	}
}
static const char SQL_ATTEMPT_QUESTIONS[] =
	"SELECT question_id, option_order FROM attempt_questions WHERE attempt_id = ?1"
	" ORDER BY position";
static const char SQL_ANSWER_SAVE[] =
	"INSERT INTO answers (attempt_id, question_id, choices, text, saved_at)"
	" SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM attempts WHERE id = ?1"
	"  AND state = 'in_progress' AND deadline + ?6 >= ?5)"
	" ON CONFLICT (attempt_id, question_id) DO UPDATE SET choices = excluded.choices,"
	" text = excluded.text, saved_at = excluded.saved_at";
/* INSERTs of 1..ANSWER_ROWS_MAX answers (?1 the grace, then attempt,
 * question, choices, text, saved_at per row), each row kept only while its
 * attempt is in progress and saved_at <= deadline + grace; built once per
 * process like the draw INSERTs. */
#define ANSWER_ROWS_MAX 32
static char *answer_sql[ANSWER_ROWS_MAX + 1];
static pthread_once_t answer_sql_once = PTHREAD_ONCE_INIT;

static void answer_sql_init(void)
{
	for (int k = 1; k <= ANSWER_ROWS_MAX; k++) {
		struct strbuf sb;
		sb_init(&sb);
		sb_puts(&sb,
			"INSERT INTO answers (attempt_id, question_id, choices, text, saved_at)"
			" SELECT v.column1, v.column2, v.column3, v.column4, v.column5 FROM "
			"(VALUES ");
		for (int j = 0; j < k; j++) {
			int b = 2 + 5 * j;
			sb_printf(&sb, "%s(?%d, ?%d, ?%d, ?%d, ?%d)", j ? ", " : "", b, b + 1,
				  b + 2, b + 3, b + 4);
		}
		sb_puts(&sb, ") AS v WHERE EXISTS (SELECT 1 FROM attempts a WHERE a.id = v.column1"
			     " AND a.state = 'in_progress' AND a.deadline + ?1 >= v.column5)"
			     " ON CONFLICT (attempt_id, question_id) DO UPDATE SET"
			     " choices = excluded.choices, text = excluded.text, saved_at = "
			     "excluded.saved_at");
		answer_sql[k] = sb_steal(&sb);
	}
}

int db_answers_save(struct db *db, const struct db_answer_write *rows, size_t n, int64_t grace_ms,
		    size_t *saved)
{
	*saved = 0;
	pthread_once(&answer_sql_once, answer_sql_init);
	for (size_t i = 0; i < n;) {
		size_t k = n - i < ANSWER_ROWS_MAX ? n - i : ANSWER_ROWS_MAX;
		sqlite3_stmt *st = db_stmt(db, answer_sql[k]);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, grace_ms);
		for (size_t j = 0; j < k; j++) {
			const struct db_answer_write *r = &rows[i + j];
			int b = 2 + 5 * (int)j;
			sqlite3_bind_int64(st, b, r->attempt_id);
			sqlite3_bind_int64(st, b + 1, r->question_id);
			if (r->choices)
				sqlite3_bind_text(st, b + 2, r->choices, -1, SQLITE_STATIC);
			if (r->text)
				sqlite3_bind_text(st, b + 3, r->text, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, b + 4, r->saved_at);
		}
		if (db_exec_stmt(db, st, "save answers"))
			return -1;
		*saved += (size_t)sqlite3_changes(db->sql);
		i += k;
	}
	return 0;
}

static const char SQL_ANSWERS[] =
	"SELECT question_id, choices, text, saved_at FROM answers WHERE attempt_id = ?1";
static const char SQL_ANSWER_SET_SCORE[] =
	"UPDATE answers SET score = ?3 WHERE attempt_id = ?1 AND question_id = ?2";
static const char SQL_ATTEMPT_FINISH[] =
	"UPDATE attempts SET state = ?2, finished_at = ?3, score = ?4, max_score = ?5,"
	" correct_count = ?6, passed = ?7, duration_ms = ?8, prediction = ?9"
	" WHERE id = ?1 AND state = 'in_progress'";
static const char SQL_ATTEMPTS_DUE[] =
	"SELECT id FROM attempts WHERE state = 'in_progress' AND deadline < ?1"
	" ORDER BY deadline LIMIT ?2";

void db_attempt_questions_free(struct db_attempt_question *qs, size_t n)
{
	if (!qs)
		return;
	for (size_t i = 0; i < n; i++)
		free(qs[i].option_order);
	free(qs);
}

void db_answers_free(struct db_answer *as, size_t n)
{
	if (!as)
		return;
	for (size_t i = 0; i < n; i++) {
		free(as[i].choices);
		free(as[i].text);
	}
	free(as);
}

static void attempt_from_row(sqlite3_stmt *st, struct db_attempt *a)
{
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(st, 0);
	a->quiz_id = sqlite3_column_int64(st, 1);
	a->user_id = sqlite3_column_int64(st, 2);
	a->unit_id = sqlite3_column_int64(st, 3);
	util_strlcpy(a->audience, db_col_text(st, 4), sizeof a->audience);
	util_strlcpy(a->round_code, db_col_text(st, 5), sizeof a->round_code);
	a->seed = (uint64_t)sqlite3_column_int64(st, 6);
	util_strlcpy(a->state, db_col_text(st, 7), sizeof a->state);
	a->started_at = sqlite3_column_int64(st, 8);
	a->deadline = sqlite3_column_int64(st, 9);
	a->finished_at = sqlite3_column_int64(st, 10);
	a->score = sqlite3_column_double(st, 11);
	a->max_score = sqlite3_column_double(st, 12);
	a->correct_count = sqlite3_column_int(st, 13);
	a->question_count = sqlite3_column_int(st, 14);
	a->passed = sqlite3_column_int(st, 15) != 0;
	a->duration_ms = sqlite3_column_int64(st, 16);
	a->has_prediction = sqlite3_column_type(st, 17) != SQLITE_NULL;
	a->prediction = sqlite3_column_int64(st, 17);
}

static int attempt_lookup(struct db *db, sqlite3_stmt *st, struct db_attempt *out)
{
	int rc = step_row(db, st, "load attempt");
	if (rc == 1)
		attempt_from_row(st, out);
	sqlite3_reset(st);
	return rc;
}

int db_attempt_get(struct db *db, int64_t id, struct db_attempt *out)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ATTEMPT_GET);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return attempt_lookup(db, st, out);
}

int db_attempt_in_progress(struct db *db, int64_t quiz_id, int64_t user_id, struct db_attempt *out)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ATTEMPT_IN_PROGRESS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, quiz_id);
	sqlite3_bind_int64(st, 2, user_id);
	return attempt_lookup(db, st, out);
}

int db_attempt_best(struct db *db, int64_t quiz_id, int64_t user_id, struct db_attempt *out)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ATTEMPT_BEST);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, quiz_id);
	sqlite3_bind_int64(st, 2, user_id);
	return attempt_lookup(db, st, out);
}

int db_attempt_count(struct db *db, int64_t quiz_id, int64_t user_id, int *count)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ATTEMPT_COUNT);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, quiz_id);
	sqlite3_bind_int64(st, 2, user_id);
	int rc = step_row(db, st, "count attempts");
	if (rc == 1)
		*count = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == 1 ? 0 : -1;
}

int db_attempt_insert(struct db *db, struct db_attempt *a, const struct db_attempt_question *qs,
		      size_t n)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ATTEMPT_INSERT);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a->quiz_id);
	sqlite3_bind_int64(st, 2, a->user_id);
	if (a->unit_id)
		sqlite3_bind_int64(st, 3, a->unit_id);
	db_bind_text_or_null(st, 4, a->audience);
	sqlite3_bind_text(st, 5, a->round_code[0] ? a->round_code : "main", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (int64_t)a->seed);
	sqlite3_bind_int64(st, 7, a->started_at);
	sqlite3_bind_int64(st, 8, a->deadline);
	sqlite3_bind_int(st, 9, (int)n);
	sqlite3_bind_double(st, 10, (double)n);
	int rc = db_exec_stmt(db, st, "insert attempt");
	if (rc)
		return rc;
	a->id = sqlite3_last_insert_rowid(db->sql);
	util_strlcpy(a->state, "in_progress", sizeof a->state);
	a->question_count = (int)n;
	a->max_score = (double)n;
	/* The draw goes in with multi-row INSERTs: one statement (and one
	 * statement journal) for up to DRAW_ROWS_MAX rows instead of one each. */
	pthread_once(&draw_sql_once, draw_sql_init);
	for (size_t i = 0; i < n;) {
		size_t k = n - i < DRAW_ROWS_MAX ? n - i : DRAW_ROWS_MAX;
		if (!(st = db_stmt(db, draw_sql[k])))
			return -1;
		sqlite3_bind_int64(st, 1, a->id);
		for (size_t j = 0; j < k; j++) {
			int base = 2 + 3 * (int)j;
			sqlite3_bind_int(st, base, (int)(i + j));
			sqlite3_bind_int64(st, base + 1, qs[i + j].question_id);
			sqlite3_bind_text(st, base + 2, qs[i + j].option_order, -1, SQLITE_STATIC);
		}
		if ((rc = db_exec_stmt(db, st, "insert attempt questions")))
			return rc;
		i += k;
	}
	return 0;
}

int db_attempt_questions(struct db *db, int64_t attempt_id, struct db_attempt_question **out,
			 size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ATTEMPT_QUESTIONS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, attempt_id);
	struct db_attempt_question *v = NULL;
	size_t len = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (len + 1) * sizeof *v);
		v[len].question_id = sqlite3_column_int64(st, 0);
		v[len].option_order = col_dup(st, 1);
		len++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_attempt_questions_free(v, len);
		return db_fail(db, "load attempt questions");
	}
	*out = v;
	*n = len;
	return 0;
}

int db_answer_save(struct db *db, int64_t attempt_id, int64_t question_id, const char *choices,
		   const char *text, int64_t saved_at, int64_t grace_ms)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ANSWER_SAVE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, attempt_id);
	sqlite3_bind_int64(st, 2, question_id);
	if (choices)
		sqlite3_bind_text(st, 3, choices, -1, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, saved_at);
	sqlite3_bind_int64(st, 6, grace_ms);
	int rc = db_exec_stmt(db, st, "save answer");
	if (rc)
		return -1;
	return sqlite3_changes(db->sql) > 0 ? 1 : 0;
}

int db_answers(struct db *db, int64_t attempt_id, struct db_answer **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ANSWERS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, attempt_id);
	struct db_answer *v = NULL;
	size_t len = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (len + 1) * sizeof *v);
		v[len].question_id = sqlite3_column_int64(st, 0);
		v[len].choices = col_dup_or_null(st, 1);
		v[len].text = col_dup_or_null(st, 2);
		v[len].saved_at = sqlite3_column_int64(st, 3);
		len++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_answers_free(v, len);
		return db_fail(db, "load answers");
	}
	*out = v;
	*n = len;
	return 0;
}

int db_answer_set_score(struct db *db, int64_t attempt_id, int64_t question_id, double score)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ANSWER_SET_SCORE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, attempt_id);
	sqlite3_bind_int64(st, 2, question_id);
	sqlite3_bind_double(st, 3, score);
	return db_exec_stmt(db, st, "score answer");
}

int db_attempt_finish(struct db *db, const struct db_attempt *a)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ATTEMPT_FINISH);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a->id);
	sqlite3_bind_text(st, 2, a->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, a->finished_at);
	sqlite3_bind_double(st, 4, a->score);
	sqlite3_bind_double(st, 5, a->max_score);
	sqlite3_bind_int(st, 6, a->correct_count);
	sqlite3_bind_int(st, 7, a->passed ? 1 : 0);
	sqlite3_bind_int64(st, 8, a->duration_ms);
	if (a->has_prediction)
		sqlite3_bind_int64(st, 9, a->prediction);
	if (db_exec_stmt(db, st, "finish attempt"))
		return -1;
	return sqlite3_changes(db->sql) > 0 ? 1 : 0;
}

int db_attempts_due(struct db *db, int64_t before_ms, size_t limit, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ATTEMPTS_DUE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, before_ms);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	return collect_ids(db, st, "due attempts", ids, n);
}
