/* db_quiz.c - the migration that creates banks, quizzes and attempts, and
 * the SQL for quiz definitions (audiences, draws, rounds). Banks live in
 * db_bank.c, attempts and answers in db_attempt.c. */
#include "db_quiz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "util.h"

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

static const char SQL_QUIZ_INSERT[] =
	"INSERT INTO quizzes (code, title, kind, mandatory, unit_scope_id, time_limit_s, "
	"max_attempts,"
	" pass_percent, opens_at, closes_at, shuffle_questions, shuffle_options, review,"
	" prediction_question, freeze_at, definition, created_at, mode)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
DB_PG_RETURNING_ID(SQL_QUIZ_INSERT);
static const char SQL_QUIZ_AUDIENCE_INSERT[] =
	"INSERT INTO quiz_audiences (quiz_id, audience) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
static const char SQL_QUIZ_DRAW_INSERT[] =
	"INSERT INTO quiz_draws (quiz_id, position, bank_id, topic, difficulty, count)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_QUIZ_ROUND_INSERT[] =
	"INSERT INTO quiz_rounds (quiz_id, code, opens_at, closes_at) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_QUIZ_GET[] =
	"SELECT q.id, q.code, q.title, q.kind, q.mandatory, q.unit_scope_id, u.code, u.path,"
	" q.time_limit_s, q.max_attempts, q.pass_percent, q.opens_at, q.closes_at,"
	" q.shuffle_questions, q.shuffle_options, q.review, q.prediction_question, q.freeze_at,"
	" q.definition, q.created_at, q.mode, q.revision"
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

static int insert_children(struct db *db, const struct db_quiz *q);

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

/* Binds a quiz's fields from code to definition (16 parameters) from
 * parameter first on, in the order SQL_QUIZ_INSERT and SQL_QUIZ_UPDATE share. */
static void bind_quiz_fields(db_st *st, int first, const struct db_quiz *q)
{
	int i = first;
	dbs_bind_text(st, i++, q->code, -1, DBS_STATIC);
	dbs_bind_text(st, i++, q->title, -1, DBS_STATIC);
	dbs_bind_text(st, i++, q->kind, -1, DBS_STATIC);
	dbs_bind_int(st, i++, q->mandatory ? 1 : 0);
	if (q->unit_scope_id)
		dbs_bind_int64(st, i, q->unit_scope_id);
	i++;
	dbs_bind_int64(st, i++, q->time_limit_s);
	dbs_bind_int(st, i++, q->max_attempts);
	dbs_bind_double(st, i++, q->pass_percent);
	dbs_bind_int64(st, i++, q->opens_at);
	dbs_bind_int64(st, i++, q->closes_at);
	dbs_bind_int(st, i++, q->shuffle_questions ? 1 : 0);
	dbs_bind_int(st, i++, q->shuffle_options ? 1 : 0);
	dbs_bind_text(st, i++, q->review, -1, DBS_STATIC);
	db_bind_text_or_null(st, i++, q->prediction_question);
	if (q->freeze_at)
		dbs_bind_int64(st, i, q->freeze_at);
	i++;
	dbs_bind_text(st, i, q->definition ? q->definition : "{}", -1, DBS_STATIC);
}

int db_quiz_insert(struct db *db, struct db_quiz *q)
{
	db_st *st = db_stmt(db, SQL_QUIZ_INSERT);
	if (!st)
		return -1;
	bind_quiz_fields(st, 1, q);
	dbs_bind_int64(st, 17, q->created_at);
	dbs_bind_text(st, 18, q->practice ? "practice" : "exam", -1, DBS_STATIC);
	int rc = db_exec_stmt(db, st, "insert quiz");
	if (rc == DB_CONFLICT)
		snprintf(db->err, sizeof db->err, "a quiz with code %s exists", q->code);
	if (rc)
		return rc;
	q->id = db_last_insert_id(db);
	return insert_children(db, q);
}

/* The audiences, draws and rounds of q (its id set). */
static int insert_children(struct db *db, const struct db_quiz *q)
{
	db_st *st;
	int rc;
	for (size_t i = 0; i < q->naudiences; i++) {
		if (!(st = db_stmt(db, SQL_QUIZ_AUDIENCE_INSERT)))
			return -1;
		dbs_bind_int64(st, 1, q->id);
		dbs_bind_text(st, 2, q->audiences[i], -1, DBS_STATIC);
		if ((rc = db_exec_stmt(db, st, "insert quiz audience")))
			return rc;
	}
	for (size_t i = 0; i < q->ndraws; i++) {
		if (!(st = db_stmt(db, SQL_QUIZ_DRAW_INSERT)))
			return -1;
		dbs_bind_int64(st, 1, q->id);
		dbs_bind_int(st, 2, (int)i);
		dbs_bind_int64(st, 3, q->draws[i].bank_id);
		db_bind_text_or_null(st, 4, q->draws[i].topic);
		if (q->draws[i].difficulty)
			dbs_bind_int(st, 5, q->draws[i].difficulty);
		dbs_bind_int(st, 6, q->draws[i].count);
		if ((rc = db_exec_stmt(db, st, "insert quiz draw")))
			return rc;
	}
	for (size_t i = 0; i < q->nrounds; i++) {
		if (!(st = db_stmt(db, SQL_QUIZ_ROUND_INSERT)))
			return -1;
		dbs_bind_int64(st, 1, q->id);
		dbs_bind_text(st, 2, q->rounds[i].code, -1, DBS_STATIC);
		dbs_bind_int64(st, 3, q->rounds[i].opens_at);
		dbs_bind_int64(st, 4, q->rounds[i].closes_at);
		if ((rc = db_exec_stmt(db, st, "insert quiz round")))
			return rc;
	}
	return 0;
}

int db_quiz_get(struct db *db, int64_t id, struct db_quiz *out)
{
	db_st *st = db_stmt(db, SQL_QUIZ_GET);
	if (!st)
		return -1;
	memset(out, 0, sizeof *out);
	dbs_bind_int64(st, 1, id);
	int rc = db_step_row(db, st, "load quiz");
	if (rc != 1) {
		dbs_reset(st);
		return rc;
	}
	out->id = dbs_column_int64(st, 0);
	util_strlcpy(out->code, db_col_text(st, 1), sizeof out->code);
	out->title = db_col_dup(st, 2);
	util_strlcpy(out->kind, db_col_text(st, 3), sizeof out->kind);
	out->mandatory = dbs_column_int(st, 4) != 0;
	out->unit_scope_id = dbs_column_int64(st, 5);
	util_strlcpy(out->unit_scope_code, db_col_text(st, 6), sizeof out->unit_scope_code);
	util_strlcpy(out->unit_scope_path, db_col_text(st, 7), sizeof out->unit_scope_path);
	out->time_limit_s = dbs_column_int64(st, 8);
	out->max_attempts = dbs_column_int(st, 9);
	out->pass_percent = dbs_column_double(st, 10);
	out->opens_at = dbs_column_int64(st, 11);
	out->closes_at = dbs_column_int64(st, 12);
	out->shuffle_questions = dbs_column_int(st, 13) != 0;
	out->shuffle_options = dbs_column_int(st, 14) != 0;
	util_strlcpy(out->review, db_col_text(st, 15), sizeof out->review);
	out->prediction_question = db_col_dup_or_null(st, 16);
	out->freeze_at = dbs_column_int64(st, 17);
	out->definition = db_col_dup(st, 18);
	out->created_at = dbs_column_int64(st, 19);
	out->practice = !strcmp(db_col_text(st, 20), "practice");
	out->revision = dbs_column_int64(st, 21);
	dbs_reset(st);

	if (!(st = db_stmt(db, SQL_QUIZ_AUDIENCES)))
		goto fail;
	dbs_bind_int64(st, 1, id);
	while ((rc = dbs_step(st)) == DBS_ROW) {
		out->audiences =
			xrealloc(out->audiences, (out->naudiences + 1) * sizeof *out->audiences);
		util_strlcpy(out->audiences[out->naudiences++], db_col_text(st, 0),
			     sizeof out->audiences[0]);
	}
	dbs_reset(st);
	if (rc != DBS_DONE)
		goto fail_sql;
	if (!(st = db_stmt(db, SQL_QUIZ_DRAWS)))
		goto fail;
	dbs_bind_int64(st, 1, id);
	while ((rc = dbs_step(st)) == DBS_ROW) {
		out->draws = xrealloc(out->draws, (out->ndraws + 1) * sizeof *out->draws);
		struct db_quiz_draw *d = &out->draws[out->ndraws++];
		memset(d, 0, sizeof *d);
		d->bank_id = dbs_column_int64(st, 0);
		util_strlcpy(d->bank_code, db_col_text(st, 1), sizeof d->bank_code);
		util_strlcpy(d->topic, db_col_text(st, 2), sizeof d->topic);
		d->difficulty = dbs_column_int(st, 3);
		d->count = dbs_column_int(st, 4);
	}
	dbs_reset(st);
	if (rc != DBS_DONE)
		goto fail_sql;
	if (!(st = db_stmt(db, SQL_QUIZ_ROUNDS)))
		goto fail;
	dbs_bind_int64(st, 1, id);
	while ((rc = dbs_step(st)) == DBS_ROW) {
		out->rounds = xrealloc(out->rounds, (out->nrounds + 1) * sizeof *out->rounds);
		struct db_quiz_round *r = &out->rounds[out->nrounds++];
		util_strlcpy(r->code, db_col_text(st, 0), sizeof r->code);
		r->opens_at = dbs_column_int64(st, 1);
		r->closes_at = dbs_column_int64(st, 2);
	}
	dbs_reset(st);
	if (rc != DBS_DONE)
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
	db_st *st = db_stmt(db, SQL_QUIZ_IDS);
	if (!st)
		return -1;
	return db_collect_ids(db, st, "list quizzes", ids, n);
}

static const char SQL_QUIZ_ATTEMPT_COUNTS[] =
	"SELECT quiz_id, count(DISTINCT CASE WHEN state <> 'in_progress' THEN user_id END),"
	" count(*) FROM attempts GROUP BY quiz_id ORDER BY quiz_id";
/* One row per person with a finished attempt, in the subtree at ?2 (of the
 * person's unit now); erased people have left. */
static const char SQL_QUIZ_RESULTS[] =
	"SELECT u.id, u.username, u.full_name, un.code, u.audience, count(*), max(a.score),"
	" max(CASE WHEN a.max_score > 0 THEN a.score * 100.0 / a.max_score ELSE 0 END),"
	" max(coalesce(a.passed, 0)), max(a.finished_at)"
	" FROM attempts a JOIN users u ON u.id = a.user_id JOIN units un ON un.id = u.unit_id"
	" WHERE a.quiz_id = ?1 AND a.state IN ('submitted', 'expired') AND a.practice = 0"
	" AND u.erased_at IS NULL"
	" AND substr(un.path, 1, length(?2)) = ?2"
	" GROUP BY u.id, un.code, un.path ORDER BY un.path, u.full_name, u.id";

static void attempt_count_row(db_st *st, db_row_fn fn, void *ctx)
{
	((db_quiz_count_fn)fn)(ctx, dbs_column_int64(st, 0), dbs_column_int64(st, 1),
			       dbs_column_int64(st, 2));
}

int db_quiz_attempt_counts(struct db *db, db_quiz_count_fn fn, void *ctx)
{
	db_st *st = db_stmt(db, SQL_QUIZ_ATTEMPT_COUNTS);
	if (!st)
		return -1;
	return db_each_row(db, st, attempt_count_row, (db_row_fn)fn, ctx, "count quiz attempts");
}

static void result_row(db_st *st, void *row)
{
	struct db_quiz_result *r = row;
	memset(r, 0, sizeof *r);
	r->user_id = dbs_column_int64(st, 0);
	util_strlcpy(r->username, db_col_text(st, 1), sizeof r->username);
	r->full_name = db_col_dup(st, 2);
	util_strlcpy(r->unit_code, db_col_text(st, 3), sizeof r->unit_code);
	util_strlcpy(r->audience, db_col_text(st, 4), sizeof r->audience);
	r->attempts = dbs_column_int(st, 5);
	r->best_score = dbs_column_double(st, 6);
	r->best_percent = dbs_column_double(st, 7);
	r->passed = dbs_column_int(st, 8) != 0;
	r->last_submitted_at = dbs_column_int64(st, 9);
}

void db_quiz_results_free(struct db_quiz_result *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].full_name);
	free(rows);
}

int db_quiz_results(struct db *db, int64_t quiz_id, const char *unit_path,
		    struct db_quiz_result **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_st *st = db_stmt(db, SQL_QUIZ_RESULTS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	dbs_bind_text(st, 2, unit_path, -1, DBS_STATIC);
	return db_collect_rows(db, st, sizeof **out, result_row, (void **)out, n, "quiz results");
}

/* Migration 11: a quiz's revision, moved by every edit, so that each
 * process's cached definition sees the edit. */
const char db_sql_quiz_revision[] =
	"ALTER TABLE quizzes ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;";

static const char SQL_QUIZ_REVISION[] = "SELECT revision FROM quizzes WHERE id = ?1";
static const char SQL_QUIZ_STARTED[] = "SELECT EXISTS (SELECT 1 FROM attempts WHERE quiz_id = ?1)";
static const char SQL_QUIZ_UPDATE[] =
	"UPDATE quizzes SET code = ?2, title = ?3, kind = ?4, mandatory = ?5, unit_scope_id = ?6,"
	" time_limit_s = ?7, max_attempts = ?8, pass_percent = ?9, opens_at = ?10,"
	" closes_at = ?11, shuffle_questions = ?12, shuffle_options = ?13, review = ?14,"
	" prediction_question = ?15, freeze_at = ?16, definition = ?17, mode = ?18,"
	" revision = revision + 1 WHERE id = ?1";
static const char SQL_QUIZ_AUDIENCES_DELETE[] = "DELETE FROM quiz_audiences WHERE quiz_id = ?1";
static const char SQL_QUIZ_DRAWS_DELETE[] = "DELETE FROM quiz_draws WHERE quiz_id = ?1";
static const char SQL_QUIZ_ROUNDS_DELETE[] = "DELETE FROM quiz_rounds WHERE quiz_id = ?1";

int db_quiz_revision(struct db *db, int64_t id, int64_t *revision)
{
	db_st *st = db_stmt(db, SQL_QUIZ_REVISION);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	int rc = db_step_row(db, st, "quiz revision");
	*revision = rc == 1 ? dbs_column_int64(st, 0) : 0;
	dbs_reset(st);
	return rc;
}

int db_quiz_started(struct db *db, int64_t id, bool *started)
{
	db_st *st = db_stmt(db, SQL_QUIZ_STARTED);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	int rc = db_step_row(db, st, "quiz started");
	*started = rc == 1 && dbs_column_int(st, 0) != 0;
	dbs_reset(st);
	return rc < 0 ? -1 : 0;
}

static int delete_children(struct db *db, int64_t id)
{
	const char *const sql[] = { SQL_QUIZ_AUDIENCES_DELETE, SQL_QUIZ_DRAWS_DELETE,
				    SQL_QUIZ_ROUNDS_DELETE };
	for (size_t i = 0; i < 3; i++) {
		db_st *st = db_stmt(db, sql[i]);
		if (!st)
			return -1;
		dbs_bind_int64(st, 1, id);
		if (db_exec_stmt(db, st, "replace quiz parts"))
			return -1;
	}
	return 0;
}

int db_quiz_update(struct db *db, const struct db_quiz *q)
{
	db_st *st = db_stmt(db, SQL_QUIZ_UPDATE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, q->id);
	bind_quiz_fields(st, 2, q);
	dbs_bind_text(st, 18, q->practice ? "practice" : "exam", -1, DBS_STATIC);
	int rc = db_exec_stmt(db, st, "update quiz");
	if (rc == DB_CONFLICT)
		snprintf(db->err, sizeof db->err, "a quiz with code %s exists", q->code);
	if (rc)
		return rc;
	if (delete_children(db, q->id))
		return -1;
	return insert_children(db, q);
}
