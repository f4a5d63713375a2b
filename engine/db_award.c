/* db_award.c - SQL for publication, winners and integrity checks. */
#include "db_award.h"

#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "util.h"

/* The attempts that count: completed, official (not practice), of a
 * person. */
#define COUNTED(a)                                                                                 \
	a ".quiz_id = ?1 AND " a ".state IN ('submitted', 'expired') AND " a ".practice"           \
	  " = 0 AND " a ".user_id IS NOT NULL"

static const char SQL_PUBLISH[] =
	"UPDATE quizzes SET published_at = COALESCE(published_at, ?2) WHERE id = ?1"
	" RETURNING published_at";
static const char SQL_PUBLISHED_AT[] =
	"SELECT COALESCE(published_at, 0) FROM quizzes WHERE id = ?1";
static const char SQL_PERSON[] =
	"SELECT CASE WHEN u.erased_at IS NULL THEN COALESCE(u.id, 0) ELSE 0 END,"
	" CASE WHEN u.erased_at IS NULL THEN u.username END,"
	" CASE WHEN u.erased_at IS NULL THEN u.full_name END,"
	" un.code, un.name,"
	" CASE WHEN u.erased_at IS NULL THEN COALESCE(u.birth_year, 0) ELSE 0 END,"
	" CASE WHEN u.erased_at IS NULL THEN u.phone END"
	" FROM attempts a LEFT JOIN users u ON u.id = a.user_id"
	" LEFT JOIN units un ON un.id = a.unit_id WHERE a.id = ?1";
#define PHONE_KEY "replace(replace(replace(u.phone, ' ', ''), '.', ''), '-', '')"
static const char SQL_SHARED_PHONES[] =
	"SELECT p, group_concat(id, ',') FROM (SELECT DISTINCT " PHONE_KEY " AS p, u.id AS id"
	" FROM attempts a JOIN users u ON u.id = a.user_id WHERE " COUNTED(
		"a") " AND u.erased_at IS NULL AND u.phone IS NOT NULL AND " PHONE_KEY " <> ''"
		     " ORDER BY p, id) GROUP BY p HAVING count(*) > 1 ORDER BY p";
/* PostgreSQL has no group_concat: string_agg, in id order. */
DB_PG_SQL(SQL_SHARED_PHONES,
	  "SELECT p, string_agg(CAST(id AS TEXT), ',' ORDER BY id) FROM (SELECT DISTINCT " PHONE_KEY
	  " AS p, u.id AS id FROM attempts a JOIN users u ON u.id = a.user_id WHERE " COUNTED(
		  "a") " AND u.erased_at IS NULL AND u.phone IS NOT NULL AND " PHONE_KEY " <> '')"
		       " s GROUP BY p HAVING count(*) > 1 ORDER BY p");
static const char SQL_SHARED_ADDRESSES[] =
	"SELECT c, group_concat(id, ',') FROM (SELECT DISTINCT a.client_addr AS c, a.user_id AS id"
	" FROM attempts a WHERE a.quiz_id = ?1 AND a.practice = 0 AND a.user_id IS NOT NULL"
	" AND a.client_addr IS NOT NULL AND a.client_addr <> '' ORDER BY c, id)"
	" GROUP BY c HAVING count(*) > 1 ORDER BY c";
DB_PG_SQL(SQL_SHARED_ADDRESSES,
	  "SELECT c, string_agg(CAST(id AS TEXT), ',' ORDER BY id) FROM (SELECT DISTINCT"
	  " a.client_addr AS c, a.user_id AS id FROM attempts a WHERE a.quiz_id = ?1"
	  " AND a.practice = 0 AND a.user_id IS NOT NULL AND a.client_addr IS NOT NULL"
	  " AND a.client_addr <> '') s GROUP BY c HAVING count(*) > 1 ORDER BY c");
/* An attempt's time, the length of what it showed, its questions, those not
 * fully right, and its answers as "question=choices" in question order. */
#define ATTEMPT_FIGURES                                                                            \
	"SELECT a.id, a.user_id,"                                                                  \
	" CASE WHEN a.state = 'expired' THEN a.deadline - a.started_at"                            \
	" WHEN a.duration_ms IS NOT NULL AND a.duration_ms >= 0 THEN a.duration_ms"                \
	" ELSE a.finished_at - a.started_at END,"                                                  \
	" (SELECT COALESCE(sum(length(q.stem)), 0) FROM attempt_questions aq"                      \
	" JOIN questions q ON q.id = aq.question_id WHERE aq.attempt_id = a.id)"                   \
	" + (SELECT COALESCE(sum(length(o.text)), 0) FROM attempt_questions aq"                    \
	" JOIN options o ON o.question_id = aq.question_id WHERE aq.attempt_id = a.id),"           \
	" a.question_count,"                                                                       \
	" (SELECT count(*) FROM attempt_questions aq LEFT JOIN answers n"                          \
	" ON n.attempt_id = aq.attempt_id AND n.question_id = aq.question_id"                      \
	" WHERE aq.attempt_id = a.id AND COALESCE(n.score, 0) < 0.999999),"
#define ANSWER_ITEM "aq.question_id || '=' || COALESCE(n.choices, '\"' || n.text || '\"', '-')"
#define ANSWER_ROWS                                                                                \
	" FROM attempt_questions aq LEFT JOIN answers n ON n.attempt_id = aq.attempt_id"           \
	" AND n.question_id = aq.question_id WHERE aq.attempt_id = a.id"
static const char SQL_ATTEMPTS[] =
	ATTEMPT_FIGURES " (SELECT group_concat(x, ';') FROM (SELECT " ANSWER_ITEM
			" AS x" ANSWER_ROWS " ORDER BY aq.question_id))"
			" FROM attempts a WHERE " COUNTED("a") " ORDER BY a.id";
DB_PG_SQL(SQL_ATTEMPTS, ATTEMPT_FIGURES " (SELECT string_agg(" ANSWER_ITEM ", ';'"
					" ORDER BY aq.question_id)" ANSWER_ROWS ")"
					" FROM attempts a WHERE " COUNTED("a") " ORDER BY a.id");

int db_quiz_publish(struct db *db, int64_t quiz_id, int64_t now_ms, int64_t *published_at)
{
	db_st *st = db_stmt(db, SQL_PUBLISH);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	dbs_bind_int64(st, 2, now_ms);
	int rc = db_step_row(db, st, "publish");
	if (rc == 1) {
		*published_at = dbs_column_int64(st, 0);
		/* RETURNING: the update is done when the statement is. */
		if (db_step_row(db, st, "publish") < 0)
			rc = -1;
	}
	dbs_reset(st);
	return rc;
}

int db_quiz_published_at(struct db *db, int64_t quiz_id, int64_t *published_at)
{
	db_st *st = db_stmt(db, SQL_PUBLISHED_AT);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	int rc = db_step_row(db, st, "published at");
	if (rc == 1)
		*published_at = dbs_column_int64(st, 0);
	dbs_reset(st);
	return rc;
}

int db_award_person(struct db *db, int64_t attempt_id, struct db_award_person *out)
{
	db_st *st = db_stmt(db, SQL_PERSON);
	if (!st)
		return -1;
	memset(out, 0, sizeof *out);
	dbs_bind_int64(st, 1, attempt_id);
	int rc = db_step_row(db, st, "winner");
	if (rc == 1) {
		out->user_id = dbs_column_int64(st, 0);
		util_strlcpy(out->username, db_col_text(st, 1), sizeof out->username);
		util_strlcpy(out->full_name, db_col_text(st, 2), sizeof out->full_name);
		util_strlcpy(out->unit_code, db_col_text(st, 3), sizeof out->unit_code);
		util_strlcpy(out->unit_name, db_col_text(st, 4), sizeof out->unit_name);
		out->birth_year = dbs_column_int(st, 5);
		util_strlcpy(out->phone, db_col_text(st, 6), sizeof out->phone);
	}
	dbs_reset(st);
	return rc;
}

void db_award_shares_free(struct db_award_share *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].user_ids);
	free(s);
}

static void share_row(db_st *st, void *row)
{
	struct db_award_share *s = row;
	util_strlcpy(s->value, db_col_text(st, 0), sizeof s->value);
	s->user_ids = db_col_dup(st, 1);
}

static int shares(struct db *db, const char *sql, int64_t quiz_id, struct db_award_share **out,
		  size_t *n)
{
	*out = NULL;
	*n = 0;
	db_st *st = db_stmt(db, sql);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	return db_collect_rows(db, st, sizeof **out, share_row, (void **)out, n, "shared values");
}

int db_award_shared_phones(struct db *db, int64_t quiz_id, struct db_award_share **out, size_t *n)
{
	return shares(db, SQL_SHARED_PHONES, quiz_id, out, n);
}

int db_award_shared_addresses(struct db *db, int64_t quiz_id, struct db_award_share **out,
			      size_t *n)
{
	return shares(db, SQL_SHARED_ADDRESSES, quiz_id, out, n);
}

void db_award_attempts_free(struct db_award_attempt *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i].answers);
	free(a);
}

static void attempt_row(db_st *st, void *row)
{
	struct db_award_attempt *a = row;
	a->attempt_id = dbs_column_int64(st, 0);
	a->user_id = dbs_column_int64(st, 1);
	a->duration_ms = dbs_column_int64(st, 2);
	a->chars = dbs_column_int64(st, 3);
	a->question_count = dbs_column_int(st, 4);
	a->wrong_count = dbs_column_int(st, 5);
	a->answers = db_col_dup(st, 6);
}

int db_award_attempts(struct db *db, int64_t quiz_id, struct db_award_attempt **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_st *st = db_stmt(db, SQL_ATTEMPTS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	return db_collect_rows(db, st, sizeof **out, attempt_row, (void **)out, n,
			       "integrity attempts");
}
