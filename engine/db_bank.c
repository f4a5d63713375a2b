/* db_bank.c - SQL for question banks and their versioned questions (the
 * tables themselves are created by the quizzes migration in db_quiz.c). */
#include "db_bank.h"

#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "util.h"

/* Migration 5: a sentence per option saying why that choice is right or
 * wrong (NULL when the bank gives none). */
const char db_sql_option_feedback[] = "ALTER TABLE options ADD COLUMN feedback TEXT;";

static const char SQL_BANK_UPSERT[] =
	"INSERT INTO banks (code, title, language, audiences, updated_at) VALUES (?1, ?2, ?3, ?4, "
	"?5)"
	" ON CONFLICT (code) DO UPDATE SET title = excluded.title, language = excluded.language,"
	" audiences = excluded.audiences,"
	" updated_at = CASE WHEN excluded.updated_at > banks.updated_at THEN excluded.updated_at"
	" ELSE banks.updated_at + 1 END RETURNING id";
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
DB_PG_RETURNING_ID(SQL_QUESTION_INSERT);
static const char SQL_TOPIC_INSERT[] =
	"INSERT INTO question_topics (question_id, topic) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
static const char SQL_OPTION_INSERT[] = "INSERT INTO options (question_id, position, text, weight, "
					"correct, feedback) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
DB_PG_RETURNING_ID(SQL_OPTION_INSERT);
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
	db_st *st = db_stmt(db, SQL_BANK_UPSERT);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, code, -1, DBS_STATIC);
	dbs_bind_text(st, 2, title, -1, DBS_STATIC);
	dbs_bind_text(st, 3, language, -1, DBS_STATIC);
	dbs_bind_text(st, 4, audiences_json, -1, DBS_STATIC);
	dbs_bind_int64(st, 5, now_ms);
	int rc = db_step_row(db, st, "save bank");
	if (rc == 1)
		*bank_id = dbs_column_int64(st, 0);
	dbs_reset(st);
	return rc == 1 ? 0 : -1;
}

int db_bank_generation(struct db *db, int64_t bank_id, int64_t *generation)
{
	db_st *st = db_stmt(db, SQL_BANK_GENERATION);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, bank_id);
	int rc = db_step_row(db, st, "bank generation");
	*generation = rc == 1 ? dbs_column_int64(st, 0) : 0;
	dbs_reset(st);
	return rc < 0 ? -1 : 0;
}

int db_bank_by_code(struct db *db, const char *code, struct db_bank *out)
{
	db_st *st = db_stmt(db, SQL_BANK_BY_CODE);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, code, -1, DBS_STATIC);
	int rc = db_step_row(db, st, "find bank");
	if (rc == 1) {
		memset(out, 0, sizeof *out);
		out->id = dbs_column_int64(st, 0);
		util_strlcpy(out->code, db_col_text(st, 1), sizeof out->code);
		out->title = db_col_dup(st, 2);
		util_strlcpy(out->language, db_col_text(st, 3), sizeof out->language);
		out->audiences_json = db_col_dup(st, 4);
		out->updated_at = dbs_column_int64(st, 5);
	}
	dbs_reset(st);
	return rc;
}

int db_question_current(struct db *db, int64_t bank_id, const char *code, int64_t *id, int *version,
			unsigned char *hash)
{
	db_st *st = db_stmt(db, SQL_QUESTION_CURRENT);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, bank_id);
	dbs_bind_text(st, 2, code, -1, DBS_STATIC);
	int rc = db_step_row(db, st, "find question");
	if (rc == 1) {
		*id = dbs_column_int64(st, 0);
		*version = dbs_column_int(st, 1);
		memset(hash, 0, DB_QUESTION_HASH_LEN);
		int len = dbs_column_bytes(st, 2);
		const void *blob = dbs_column_blob(st, 2);
		if (blob)
			memcpy(hash, blob,
			       len < DB_QUESTION_HASH_LEN ? (size_t)len : DB_QUESTION_HASH_LEN);
	}
	dbs_reset(st);
	return rc;
}

int db_question_max_version(struct db *db, int64_t bank_id, const char *code, int *version)
{
	db_st *st = db_stmt(db, SQL_QUESTION_MAX_VERSION);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, bank_id);
	dbs_bind_text(st, 2, code, -1, DBS_STATIC);
	int rc = db_step_row(db, st, "question version");
	if (rc == 1)
		*version = dbs_column_int(st, 0);
	dbs_reset(st);
	return rc == 1 ? 0 : -1;
}

int db_question_insert(struct db *db, struct db_question *q)
{
	db_st *st = db_stmt(db, SQL_QUESTION_INSERT);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, q->bank_id);
	dbs_bind_text(st, 2, q->code, -1, DBS_STATIC);
	dbs_bind_int(st, 3, q->version);
	dbs_bind_text(st, 4, q->type, -1, DBS_STATIC);
	dbs_bind_int(st, 5, q->difficulty);
	dbs_bind_text(st, 6, q->stem, -1, DBS_STATIC);
	dbs_bind_text(st, 7, q->explanation, -1, DBS_STATIC);
	db_bind_text_or_null(st, 8, q->reference);
	dbs_bind_int(st, 9, q->ignore_diacritics ? 1 : 0);
	dbs_bind_blob(st, 10, q->hash, DB_QUESTION_HASH_LEN, DBS_STATIC);
	int rc = db_exec_stmt(db, st, "insert question");
	if (rc)
		return rc;
	q->id = db_last_insert_id(db);
	for (size_t i = 0; i < q->ntopics; i++) {
		st = db_stmt(db, SQL_TOPIC_INSERT);
		if (!st)
			return -1;
		dbs_bind_int64(st, 1, q->id);
		dbs_bind_text(st, 2, q->topics[i], -1, DBS_STATIC);
		if ((rc = db_exec_stmt(db, st, "insert question topic")))
			return rc;
	}
	for (size_t i = 0; i < q->noptions; i++) {
		st = db_stmt(db, SQL_OPTION_INSERT);
		if (!st)
			return -1;
		dbs_bind_int64(st, 1, q->id);
		dbs_bind_int(st, 2, (int)i);
		dbs_bind_text(st, 3, q->options[i].text, -1, DBS_STATIC);
		dbs_bind_double(st, 4, q->options[i].weight);
		if (q->options[i].correct >= 0)
			dbs_bind_int(st, 5, q->options[i].correct);
		db_bind_text_or_null(st, 6, q->options[i].feedback);
		if ((rc = db_exec_stmt(db, st, "insert option")))
			return rc;
		q->options[i].id = db_last_insert_id(db);
	}
	return 0;
}

int db_question_set_current(struct db *db, int64_t id, bool current)
{
	db_st *st = db_stmt(db, SQL_QUESTION_SET_CURRENT);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	dbs_bind_int(st, 2, current ? 1 : 0);
	return db_exec_stmt(db, st, "mark question");
}

int db_bank_current_ids(struct db *db, int64_t bank_id, int64_t **ids, size_t *n)
{
	db_st *st = db_stmt(db, SQL_BANK_CURRENT_IDS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, bank_id);
	return db_collect_ids(db, st, "list bank questions", ids, n);
}

int db_question_get(struct db *db, int64_t id, struct db_question *out)
{
	db_st *st = db_stmt(db, SQL_QUESTION_GET);
	if (!st)
		return -1;
	memset(out, 0, sizeof *out);
	dbs_bind_int64(st, 1, id);
	int rc = db_step_row(db, st, "load question");
	if (rc != 1) {
		dbs_reset(st);
		return rc;
	}
	out->id = dbs_column_int64(st, 0);
	out->bank_id = dbs_column_int64(st, 1);
	util_strlcpy(out->code, db_col_text(st, 2), sizeof out->code);
	out->version = dbs_column_int(st, 3);
	out->current = dbs_column_int(st, 4) != 0;
	util_strlcpy(out->type, db_col_text(st, 5), sizeof out->type);
	out->difficulty = dbs_column_int(st, 6);
	out->stem = db_col_dup(st, 7);
	out->explanation = db_col_dup(st, 8);
	out->reference = db_col_dup_or_null(st, 9);
	out->ignore_diacritics = dbs_column_int(st, 10) != 0;
	int len = dbs_column_bytes(st, 11);
	const void *blob = dbs_column_blob(st, 11);
	if (blob)
		memcpy(out->hash, blob,
		       len < DB_QUESTION_HASH_LEN ? (size_t)len : DB_QUESTION_HASH_LEN);
	dbs_reset(st);

	st = db_stmt(db, SQL_QUESTION_TOPICS);
	if (!st)
		goto fail;
	dbs_bind_int64(st, 1, id);
	while ((rc = dbs_step(st)) == DBS_ROW) {
		out->topics = xrealloc(out->topics, (out->ntopics + 1) * sizeof *out->topics);
		out->topics[out->ntopics++] = db_col_dup(st, 0);
	}
	dbs_reset(st);
	if (rc != DBS_DONE) {
		db_fail(db, "load question topics");
		goto fail;
	}
	st = db_stmt(db, SQL_QUESTION_OPTIONS);
	if (!st)
		goto fail;
	dbs_bind_int64(st, 1, id);
	while ((rc = dbs_step(st)) == DBS_ROW) {
		out->options = xrealloc(out->options, (out->noptions + 1) * sizeof *out->options);
		struct db_option *o = &out->options[out->noptions++];
		o->id = dbs_column_int64(st, 0);
		o->text = db_col_dup(st, 1);
		o->weight = dbs_column_double(st, 2);
		o->correct = dbs_column_type(st, 3) == DBS_NULL ? -1 : dbs_column_int(st, 3);
		o->feedback = db_col_dup_or_null(st, 4);
	}
	dbs_reset(st);
	if (rc != DBS_DONE) {
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
	db_st *st = db_stmt(db, by_topic ? SQL_POOL_TOPIC : SQL_POOL_ANY);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, bank_id);
	dbs_bind_int(st, 2, difficulty);
	if (by_topic)
		dbs_bind_text(st, 3, topic, -1, DBS_STATIC);
	return db_collect_ids(db, st, "question pool", ids, n);
}

static const char SQL_BANK_LIST[] =
	"SELECT b.id, b.code, b.title, b.language, b.audiences, b.updated_at,"
	" (SELECT count(*) FROM questions q WHERE q.bank_id = b.id AND q.current = 1)"
	" FROM banks b ORDER BY b.code";
static const char SQL_BANK_TOPIC_COUNTS[] =
	"SELECT q.bank_id, t.topic, count(*) FROM questions q"
	" JOIN question_topics t ON t.question_id = q.id WHERE q.current = 1"
	" GROUP BY q.bank_id, t.topic ORDER BY q.bank_id, t.topic";
static const char SQL_BANK_DIFFICULTY_COUNTS[] =
	"SELECT q.bank_id, CAST(q.difficulty AS TEXT), count(*) FROM questions q"
	" WHERE q.current = 1 GROUP BY q.bank_id, q.difficulty ORDER BY q.bank_id, q.difficulty";
static const char SQL_BANK_LATEST_IDS[] =
	"SELECT q.id FROM questions q WHERE q.bank_id = ?1 AND q.version ="
	" (SELECT max(v.version) FROM questions v WHERE v.bank_id = q.bank_id AND v.code = q.code)"
	" ORDER BY q.code";
static const char SQL_BANK_TOUCH[] =
	"UPDATE banks SET updated_at = CASE WHEN ?2 > updated_at THEN ?2 ELSE updated_at + 1 END"
	" WHERE id = ?1";

static void bank_summary_row(db_st *st, void *row)
{
	struct db_bank_summary *s = row;
	memset(s, 0, sizeof *s);
	s->bank.id = dbs_column_int64(st, 0);
	util_strlcpy(s->bank.code, db_col_text(st, 1), sizeof s->bank.code);
	s->bank.title = db_col_dup(st, 2);
	util_strlcpy(s->bank.language, db_col_text(st, 3), sizeof s->bank.language);
	s->bank.audiences_json = db_col_dup(st, 4);
	s->bank.updated_at = dbs_column_int64(st, 5);
	s->question_count = dbs_column_int(st, 6);
}

int db_bank_list(struct db *db, struct db_bank_summary **out, size_t *n)
{
	db_st *st = db_stmt(db, SQL_BANK_LIST);
	if (!st)
		return -1;
	return db_collect_rows(db, st, sizeof **out, bank_summary_row, (void **)out, n,
			       "list banks");
}

static void topic_count_row(db_st *st, db_row_fn fn, void *ctx)
{
	((db_topic_count_fn)fn)(ctx, dbs_column_int64(st, 0), db_col_text(st, 1),
				dbs_column_int(st, 2));
}

int db_bank_topic_counts(struct db *db, bool by_difficulty, db_topic_count_fn fn, void *ctx)
{
	db_st *st = db_stmt(db, by_difficulty ? SQL_BANK_DIFFICULTY_COUNTS : SQL_BANK_TOPIC_COUNTS);
	if (!st)
		return -1;
	return db_each_row(db, st, topic_count_row, (db_row_fn)fn, ctx, "count bank questions");
}

int db_bank_latest_ids(struct db *db, int64_t bank_id, int64_t **ids, size_t *n)
{
	db_st *st = db_stmt(db, SQL_BANK_LATEST_IDS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, bank_id);
	return db_collect_ids(db, st, "list bank question versions", ids, n);
}

int db_bank_touch(struct db *db, int64_t bank_id, int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_BANK_TOUCH);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, bank_id);
	dbs_bind_int64(st, 2, now_ms);
	return db_exec_stmt(db, st, "touch bank");
}
