/* db_attempt.c - SQL for attempts, their drawn questions and answers. */
#include "db_attempt.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "util.h"

#define ATTEMPT_COLS                                                                               \
	"id, quiz_id, user_id, unit_id, audience, round_code, seed, state, started_at, deadline,"  \
	" finished_at, score, max_score, correct_count, question_count, passed, duration_ms,"      \
	" prediction, practice"

/* Migration 23: the attempts in progress by person and quiz, so a start's
 * lookup reads the entries of one person and quiz, all in progress.
 * Without it PostgreSQL, its statistics not yet gathered on a table a
 * contest's morning fills, may look the attempt up through attempts_open
 * and read every attempt in progress. */
const char db_sql_attempts_open[] =
	"CREATE INDEX attempts_in_progress ON attempts(user_id, quiz_id)"
	" WHERE state = 'in_progress';";

/* Migration 24: on PostgreSQL the references of attempt_questions are
 * checked once per statement by triggers instead of per row by foreign
 * keys (engine/sql/pg/24-attempt-questions-refs.sql: the row checks and
 * their locks were most of a start's time there). SQLite keeps its
 * foreign keys, checked in-process: nothing changes here. */
const char db_sql_attempt_questions_refs[] = "";
/* Migration 25: on PostgreSQL a draw is one row of attempt_draws and
 * attempt_questions a view of it (engine/sql/pg/25-attempt-draws.sql);
 * SQLite keeps its table: nothing changes here. */
const char db_sql_attempt_draws[] = "";

static const char SQL_ATTEMPT_GET[] = "SELECT " ATTEMPT_COLS " FROM attempts WHERE id = ?1";
static const char SQL_ATTEMPT_IN_PROGRESS[] =
	"SELECT " ATTEMPT_COLS " FROM attempts"
	" WHERE user_id = ?2 AND quiz_id = ?1 AND state = 'in_progress' ORDER BY id DESC LIMIT 1";
/* The attempt in progress (columns 0..18, NULL when none) and the count
 * of every attempt (column 19) in one statement: a start reads both, and
 * on PostgreSQL each statement is a round trip of the one committer. */
static const char SQL_ATTEMPT_OPEN_COUNT[] =
	"SELECT a.*, c.n FROM (SELECT count(*) AS n FROM attempts"
	" WHERE user_id = ?2 AND quiz_id = ?1) c LEFT JOIN (SELECT " ATTEMPT_COLS
	" FROM attempts WHERE user_id = ?2 AND quiz_id = ?1 AND state = 'in_progress'"
	" ORDER BY id DESC LIMIT 1) a ON 1 = 1";
static const char SQL_ATTEMPT_BEST[] =
	"SELECT " ATTEMPT_COLS " FROM attempts"
	" WHERE user_id = ?2 AND quiz_id = ?1 AND state <> 'in_progress'"
	" ORDER BY score DESC, duration_ms ASC, id ASC LIMIT 1";
static const char SQL_ATTEMPT_INSERT[] =
	"INSERT INTO attempts (quiz_id, user_id, unit_id, audience, round_code, seed, state,"
	" started_at, deadline, question_count, max_score, practice, client_addr)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'in_progress', ?7, ?8, ?9, ?10, ?11, ?12)";
DB_PG_RETURNING_ID(SQL_ATTEMPT_INSERT);
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
/* PostgreSQL only: a run of starts (db_attempts_open_many) as JSON rows
 * {"k": index in the run, "q": quiz, "u": person}; each row gives the
 * newest attempt in progress (columns 0..18, NULL when none), the count of
 * every attempt (19) and k (20). */
static const char SQL_ATTEMPTS_OPEN_MANY[] =
	"SELECT a.*, (SELECT count(*) FROM attempts c WHERE c.user_id = s.u AND c.quiz_id = s.q),"
	" s.k FROM json_to_recordset(CAST(?1 AS json)) AS s(k bigint, q bigint, u bigint)"
	" LEFT JOIN LATERAL (SELECT " ATTEMPT_COLS " FROM attempts WHERE user_id = s.u"
	" AND quiz_id = s.q AND state = 'in_progress' ORDER BY id DESC LIMIT 1) a ON true";
/* PostgreSQL only: a run of new attempts (db_attempts_insert_many) as JSON
 * rows, each with its draw (q: question ids, o: option orders, by
 * position), inserted by one statement, the draw as one row of
 * attempt_draws (migration 25; attempt_questions is its view there); each
 * row gives k and the new id. */
static const char SQL_ATTEMPTS_INSERT_MANY[] =
	"WITH s AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence('attempts', 'id')) AS id,"
	" s.* FROM json_to_recordset(CAST(?1 AS json)) AS s(k bigint, quiz_id bigint,"
	" user_id bigint, unit_id bigint, audience text, round_code text, seed bigint,"
	" started_at bigint, deadline bigint, n bigint, practice bigint, client_addr text,"
	" q bigint[], o text[])),"
	" a AS (INSERT INTO attempts (id, quiz_id, user_id, unit_id, audience, round_code, seed,"
	" state, started_at, deadline, question_count, max_score, practice, client_addr)"
	" SELECT id, quiz_id, user_id, unit_id, audience, round_code, seed, 'in_progress',"
	" started_at, deadline, n, n, practice, client_addr FROM s),"
	" d AS (INSERT INTO attempt_draws (attempt_id, question_ids, option_orders)"
	" SELECT id, q, o FROM s WHERE n > 0)"
	" SELECT k, id FROM s";
static const char SQL_ATTEMPT_QUESTIONS[] =
	"SELECT question_id, option_order FROM attempt_questions WHERE attempt_id = ?1"
	" ORDER BY position";
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
		/* The rule reads each row's attempt by its key, a subquery per
		 * row: as EXISTS (... state = 'in_progress' ...) PostgreSQL,
		 * its statistics behind a table a contest's morning fills, hashed
		 * every attempt in progress (attempts_in_progress) per statement. */
		sb_puts(&sb, ") AS v WHERE (SELECT a.state = 'in_progress' AND a.deadline + ?1 >="
			     " v.column5 FROM attempts a WHERE a.id = v.column1)"
			     " ON CONFLICT (attempt_id, question_id) DO UPDATE SET"
			     " choices = excluded.choices, text = excluded.text, saved_at = "
			     "excluded.saved_at");
		answer_sql[k] = sb_steal(&sb);
	}
}

static const char SQL_ANSWER_EXISTS[] =
	"SELECT 1 FROM answers WHERE attempt_id = ?1 AND question_id = ?2";

int db_answer_exists(struct db *db, int64_t attempt_id, int64_t question_id)
{
	db_st *st = db_stmt(db, SQL_ANSWER_EXISTS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, attempt_id);
	dbs_bind_int64(st, 2, question_id);
	int rc = db_step_row(db, st, "find answer");
	dbs_reset(st);
	return rc;
}

int db_answers_save(struct db *db, const struct db_answer_write *rows, size_t n, int64_t grace_ms,
		    size_t *saved)
{
	*saved = 0;
	pthread_once(&answer_sql_once, answer_sql_init);
	for (size_t i = 0; i < n;) {
		size_t k = n - i < ANSWER_ROWS_MAX ? n - i : ANSWER_ROWS_MAX;
		db_st *st = db_stmt(db, answer_sql[k]);
		if (!st)
			return -1;
		dbs_bind_int64(st, 1, grace_ms);
		for (size_t j = 0; j < k; j++) {
			const struct db_answer_write *r = &rows[i + j];
			int b = 2 + 5 * (int)j;
			dbs_bind_int64(st, b, r->attempt_id);
			dbs_bind_int64(st, b + 1, r->question_id);
			if (r->choices)
				dbs_bind_text(st, b + 2, r->choices, -1, DBS_STATIC);
			if (r->text)
				dbs_bind_text(st, b + 3, r->text, -1, DBS_STATIC);
			dbs_bind_int64(st, b + 4, r->saved_at);
		}
		if (db_exec_stmt(db, st, "save answers"))
			return -1;
		*saved += (size_t)(int)db_changes(db);
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

static void attempt_from_row(db_st *st, struct db_attempt *a)
{
	memset(a, 0, sizeof *a);
	a->id = dbs_column_int64(st, 0);
	a->quiz_id = dbs_column_int64(st, 1);
	a->user_id = dbs_column_int64(st, 2);
	a->unit_id = dbs_column_int64(st, 3);
	util_strlcpy(a->audience, db_col_text(st, 4), sizeof a->audience);
	util_strlcpy(a->round_code, db_col_text(st, 5), sizeof a->round_code);
	a->seed = (uint64_t)dbs_column_int64(st, 6);
	util_strlcpy(a->state, db_col_text(st, 7), sizeof a->state);
	a->started_at = dbs_column_int64(st, 8);
	a->deadline = dbs_column_int64(st, 9);
	a->finished_at = dbs_column_int64(st, 10);
	a->score = dbs_column_double(st, 11);
	a->max_score = dbs_column_double(st, 12);
	a->correct_count = dbs_column_int(st, 13);
	a->question_count = dbs_column_int(st, 14);
	a->passed = dbs_column_int(st, 15) != 0;
	a->duration_ms = dbs_column_int64(st, 16);
	a->has_prediction = dbs_column_type(st, 17) != DBS_NULL;
	a->prediction = dbs_column_int64(st, 17);
	a->practice = dbs_column_int(st, 18) != 0;
}

static int attempt_lookup(struct db *db, db_st *st, struct db_attempt *out)
{
	int rc = db_step_row(db, st, "load attempt");
	if (rc == 1)
		attempt_from_row(st, out);
	dbs_reset(st);
	return rc;
}

int db_attempt_get(struct db *db, int64_t id, struct db_attempt *out)
{
	db_st *st = db_stmt(db, SQL_ATTEMPT_GET);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	return attempt_lookup(db, st, out);
}

int db_attempt_in_progress(struct db *db, int64_t quiz_id, int64_t user_id, struct db_attempt *out)
{
	db_st *st = db_stmt(db, SQL_ATTEMPT_IN_PROGRESS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	dbs_bind_int64(st, 2, user_id);
	return attempt_lookup(db, st, out);
}

int db_attempt_best(struct db *db, int64_t quiz_id, int64_t user_id, struct db_attempt *out)
{
	db_st *st = db_stmt(db, SQL_ATTEMPT_BEST);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	dbs_bind_int64(st, 2, user_id);
	return attempt_lookup(db, st, out);
}

int db_attempt_open_count(struct db *db, int64_t quiz_id, int64_t user_id, struct db_attempt *out,
			  int *count)
{
	db_st *st = db_stmt(db, SQL_ATTEMPT_OPEN_COUNT);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	dbs_bind_int64(st, 2, user_id);
	int rc = db_step_row(db, st, "count attempts");
	bool open = rc == 1 && dbs_column_type(st, 0) != DBS_NULL;
	if (open)
		attempt_from_row(st, out);
	if (rc == 1)
		*count = dbs_column_int(st, 19);
	dbs_reset(st);
	return rc == 1 ? open : -1;
}

/* Binds an attempt's columns, ?1..?12 of SQL_ATTEMPT_INSERT. */
static void bind_attempt(db_st *st, const struct db_attempt *a, size_t n)
{
	dbs_bind_int64(st, 1, a->quiz_id);
	dbs_bind_int64(st, 2, a->user_id);
	if (a->unit_id)
		dbs_bind_int64(st, 3, a->unit_id);
	db_bind_text_or_null(st, 4, a->audience);
	dbs_bind_text(st, 5, a->round_code[0] ? a->round_code : "main", -1, DBS_STATIC);
	dbs_bind_int64(st, 6, (int64_t)a->seed);
	dbs_bind_int64(st, 7, a->started_at);
	dbs_bind_int64(st, 8, a->deadline);
	dbs_bind_int(st, 9, (int)n);
	dbs_bind_double(st, 10, (double)n);
	dbs_bind_int(st, 11, a->practice ? 1 : 0);
	db_bind_text_or_null(st, 12, a->client_addr[0] ? a->client_addr : NULL);
}

/* Binds draw rows from..from+k-1 as (position, question, option order)
 * from parameter base on. */
static void bind_draw(db_st *st, int base, const struct db_attempt_question *qs, size_t from,
		      size_t k)
{
	for (size_t j = 0; j < k; j++) {
		int b = base + 3 * (int)j;
		dbs_bind_int(st, b, (int)(from + j));
		dbs_bind_int64(st, b + 1, qs[from + j].question_id);
		dbs_bind_text(st, b + 2, qs[from + j].option_order, -1, DBS_STATIC);
	}
}

/* What a new attempt holds besides what its caller set. */
static void attempt_inserted(struct db_attempt *a, size_t n)
{
	util_strlcpy(a->state, "in_progress", sizeof a->state);
	a->question_count = (int)n;
	a->max_score = (double)n;
}

int db_attempt_insert(struct db *db, struct db_attempt *a, const struct db_attempt_question *qs,
		      size_t n)
{
	/* On PostgreSQL, where each statement is a round trip of the one
	 * committer, the attempt goes in with its draw, as a run of one. */
	if (db->pg) {
		struct db_start_insert one = { a, qs, n };
		return db_attempts_insert_many(db, &one, 1);
	}
	pthread_once(&draw_sql_once, draw_sql_init);
	db_st *st = db_stmt(db, SQL_ATTEMPT_INSERT);
	if (!st)
		return -1;
	bind_attempt(st, a, n);
	int rc = db_exec_stmt(db, st, "insert attempt");
	if (rc)
		return rc;
	a->id = db_last_insert_id(db);
	attempt_inserted(a, n);
	/* The draw goes in with multi-row INSERTs: one statement (and one
	 * statement journal) for up to DRAW_ROWS_MAX rows instead of one each. */
	for (size_t i = 0; i < n;) {
		size_t k = n - i < DRAW_ROWS_MAX ? n - i : DRAW_ROWS_MAX;
		db_st *rows = db_stmt(db, draw_sql[k]);
		if (!rows)
			return -1;
		dbs_bind_int64(rows, 1, a->id);
		bind_draw(rows, 2, qs, i, k);
		if ((rc = db_exec_stmt(db, rows, "insert attempt questions")))
			return rc;
		i += k;
	}
	return 0;
}

int db_attempt_questions(struct db *db, int64_t attempt_id, struct db_attempt_question **out,
			 size_t *n)
{
	db_st *st = db_stmt(db, SQL_ATTEMPT_QUESTIONS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, attempt_id);
	struct db_attempt_question *v = NULL;
	size_t len = 0;
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		v = xrealloc(v, (len + 1) * sizeof *v);
		v[len].question_id = dbs_column_int64(st, 0);
		v[len].option_order = db_col_dup(st, 1);
		len++;
	}
	dbs_reset(st);
	if (rc != DBS_DONE) {
		db_attempt_questions_free(v, len);
		return db_fail(db, "load attempt questions");
	}
	*out = v;
	*n = len;
	return 0;
}

int db_answers(struct db *db, int64_t attempt_id, struct db_answer **out, size_t *n)
{
	db_st *st = db_stmt(db, SQL_ANSWERS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, attempt_id);
	struct db_answer *v = NULL;
	size_t len = 0;
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		v = xrealloc(v, (len + 1) * sizeof *v);
		v[len].question_id = dbs_column_int64(st, 0);
		v[len].choices = db_col_dup_or_null(st, 1);
		v[len].text = db_col_dup_or_null(st, 2);
		v[len].saved_at = dbs_column_int64(st, 3);
		len++;
	}
	dbs_reset(st);
	if (rc != DBS_DONE) {
		db_answers_free(v, len);
		return db_fail(db, "load answers");
	}
	*out = v;
	*n = len;
	return 0;
}

int db_answer_set_score(struct db *db, int64_t attempt_id, int64_t question_id, double score)
{
	db_st *st = db_stmt(db, SQL_ANSWER_SET_SCORE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, attempt_id);
	dbs_bind_int64(st, 2, question_id);
	dbs_bind_double(st, 3, score);
	return db_exec_stmt(db, st, "score answer");
}

int db_attempt_finish(struct db *db, const struct db_attempt *a)
{
	db_st *st = db_stmt(db, SQL_ATTEMPT_FINISH);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, a->id);
	dbs_bind_text(st, 2, a->state, -1, DBS_STATIC);
	dbs_bind_int64(st, 3, a->finished_at);
	dbs_bind_double(st, 4, a->score);
	dbs_bind_double(st, 5, a->max_score);
	dbs_bind_int(st, 6, a->correct_count);
	dbs_bind_int(st, 7, a->passed ? 1 : 0);
	dbs_bind_int64(st, 8, a->duration_ms);
	if (a->has_prediction)
		dbs_bind_int64(st, 9, a->prediction);
	if (db_exec_stmt(db, st, "finish attempt"))
		return -1;
	return (int)db_changes(db) > 0 ? 1 : 0;
}

int db_attempts_due(struct db *db, int64_t before_ms, size_t limit, int64_t **ids, size_t *n)
{
	db_st *st = db_stmt(db, SQL_ATTEMPTS_DUE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, before_ms);
	dbs_bind_int64(st, 2, (int64_t)limit);
	return db_collect_ids(db, st, "due attempts", ids, n);
}

static const char SQL_RESCORE_DRAWS[] =
	"SELECT a.id, a.quiz_id, aq.question_id, a.score, a.correct_count, a.passed,"
	" s.choices, s.text, s.score, a.max_score FROM questions q"
	" JOIN attempt_questions aq ON aq.question_id = q.id"
	" JOIN attempts a ON a.id = aq.attempt_id"
	" LEFT JOIN answers s ON s.attempt_id = a.id AND s.question_id = aq.question_id"
	" WHERE q.bank_id = ?1 AND q.code = ?2 AND a.state IN ('submitted', 'expired')"
	" ORDER BY a.id";
static const char SQL_ATTEMPT_RESCORE[] =
	"UPDATE attempts SET score = ?2, correct_count = ?3, passed = ?4 WHERE id = ?1";

static void rescore_draw_row(db_st *st, void *row)
{
	struct db_rescore_draw *d = row;
	memset(d, 0, sizeof *d);
	d->attempt_id = dbs_column_int64(st, 0);
	d->quiz_id = dbs_column_int64(st, 1);
	d->question_id = dbs_column_int64(st, 2);
	d->score = dbs_column_double(st, 3);
	d->correct_count = dbs_column_int(st, 4);
	d->passed = dbs_column_int(st, 5) != 0;
	d->choices = db_col_dup_or_null(st, 6);
	d->text = db_col_dup_or_null(st, 7);
	d->answer_score = dbs_column_double(st, 8);
	d->max_score = dbs_column_double(st, 9);
}

void db_rescore_draws_free(struct db_rescore_draw *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].choices);
		free(d[i].text);
	}
	free(d);
}

int db_rescore_draws(struct db *db, int64_t bank_id, const char *code, struct db_rescore_draw **out,
		     size_t *n)
{
	*out = NULL;
	*n = 0;
	db_st *st = db_stmt(db, SQL_RESCORE_DRAWS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, bank_id);
	dbs_bind_text(st, 2, code, -1, DBS_STATIC);
	return db_collect_rows(db, st, sizeof **out, rescore_draw_row, (void **)out, n,
			       "attempts that drew a question");
}

int db_attempt_rescore(struct db *db, int64_t id, double score, int correct_count, bool passed)
{
	db_st *st = db_stmt(db, SQL_ATTEMPT_RESCORE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	dbs_bind_double(st, 2, score);
	dbs_bind_int(st, 3, correct_count);
	dbs_bind_int(st, 4, passed ? 1 : 0);
	return db_exec_stmt(db, st, "rescore attempt");
}

/* Runs st, bound to the JSON text of a run of n, reading k (column kcol) of
 * each row and handing the row to row(st, k, ctx); every k in 0..n-1 must
 * come back once. 0, DB_CONFLICT or -1. */
static int run_rows(struct db *db, db_st *st, json_t *rows, size_t n, int kcol,
		    void (*row)(db_st *st, size_t k, void *ctx), void *ctx, const char *what)
{
	char *text = json_dumps(rows, JSON_COMPACT);
	if (!text)
		return db_fail(db, what);
	dbs_bind_text(st, 1, text, -1, DBS_STATIC);
	size_t seen = 0;
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		int64_t k = dbs_column_int64(st, kcol);
		if (k >= 0 && (size_t)k < n) {
			row(st, (size_t)k, ctx);
			seen++;
		}
	}
	dbs_reset(st);
	free(text);
	if (rc == DBS_DONE && seen == n)
		return 0;
	int ret = db_fail(db, what);
	return (rc & 0xff) == DBS_CONSTRAINT ? DB_CONFLICT : ret;
}

static void open_row(db_st *st, size_t k, void *ctx)
{
	struct db_start_lookup *l = (struct db_start_lookup *)ctx + k;
	l->open = dbs_column_type(st, 0) != DBS_NULL;
	if (l->open)
		attempt_from_row(st, &l->cur);
	l->count = dbs_column_int(st, 19);
}

int db_attempts_open_many(struct db *db, struct db_start_lookup *v, size_t n)
{
	if (!db->pg) {
		for (size_t i = 0; i < n; i++) {
			int rc = db_attempt_open_count(db, v[i].quiz_id, v[i].user_id, &v[i].cur,
						       &v[i].count);
			if (rc < 0)
				return -1;
			v[i].open = rc == 1;
		}
		return 0;
	}
	db_st *st = db_stmt(db, SQL_ATTEMPTS_OPEN_MANY);
	if (!st)
		return -1;
	json_t *rows = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, json_pack("{sI sI sI}", "k", (json_int_t)i, "q",
						      (json_int_t)v[i].quiz_id, "u",
						      (json_int_t)v[i].user_id));
	int rc = run_rows(db, st, rows, n, 20, open_row, v, "look up starts");
	json_decref(rows);
	return rc;
}

/* A start as a row of SQL_ATTEMPTS_INSERT_MANY. */
static json_t *start_row(size_t k, const struct db_start_insert *s)
{
	const struct db_attempt *a = s->a;
	json_t *q = json_array(), *o = json_array();
	for (size_t i = 0; i < s->n; i++) {
		json_array_append_new(q, json_integer(s->qs[i].question_id));
		json_array_append_new(o, json_string(s->qs[i].option_order));
	}
	return json_pack("{sI sI sI so* ss* ss sI sI sI sI sI ss* so so}", "k", (json_int_t)k,
			 "quiz_id", (json_int_t)a->quiz_id, "user_id", (json_int_t)a->user_id,
			 "unit_id", a->unit_id ? json_integer(a->unit_id) : NULL, "audience",
			 a->audience[0] ? a->audience : NULL, "round_code",
			 a->round_code[0] ? a->round_code : "main", "seed", (json_int_t)a->seed,
			 "started_at", (json_int_t)a->started_at, "deadline",
			 (json_int_t)a->deadline, "n", (json_int_t)s->n, "practice",
			 (json_int_t)(a->practice ? 1 : 0), "client_addr",
			 a->client_addr[0] ? a->client_addr : NULL, "q", q, "o", o);
}

static void inserted_row(db_st *st, size_t k, void *ctx)
{
	struct db_start_insert *s = (struct db_start_insert *)ctx + k;
	s->a->id = dbs_column_int64(st, 1);
	attempt_inserted(s->a, s->n);
}

int db_attempts_insert_many(struct db *db, struct db_start_insert *v, size_t n)
{
	if (!db->pg) {
		for (size_t i = 0; i < n; i++) {
			int rc = db_attempt_insert(db, v[i].a, v[i].qs, v[i].n);
			if (rc)
				return rc;
		}
		return 0;
	}
	db_st *st = db_stmt(db, SQL_ATTEMPTS_INSERT_MANY);
	if (!st)
		return -1;
	json_t *rows = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, start_row(i, &v[i]));
	int rc = run_rows(db, st, rows, n, 0, inserted_row, v, "insert starts");
	json_decref(rows);
	return rc;
}
