/* bank_admin.c - listing, browsing, editing, retiring and exporting stored
 * banks for the administration API (see bank_admin.h). */
#include "bank_admin.h"

#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "audit.h"
#include "bank.h"
#include "bank_formats.h"
#include "clock.h"
#include "db.h"
#include "db_bank.h"
#include "util.h"

static enum outcome storage_failed(struct db *db, struct problem *p, const char *what)
{
	return problem_set(p, OUTCOME_INTERNAL, "%s: %s", what, db_errmsg(db));
}

static json_t *audiences_of(const struct db_bank *b)
{
	json_error_t e;
	json_t *aud = json_loads(b->audiences_json ? b->audiences_json : "[]", 0, &e);
	return aud ? aud : json_array();
}

struct topic_counts {
	const struct db_bank_summary *banks;
	json_t **counts; /* parallel to banks: the topics, then the difficulties */
	size_t n;
};

static void add_topic_count(void *ctx, int64_t bank_id, const char *topic, int count)
{
	struct topic_counts *tc = ctx;
	for (size_t i = 0; i < tc->n; i++)
		if (tc->banks[i].bank.id == bank_id)
			json_object_set_new(tc->counts[i], topic, json_integer(count));
}

/* Counts by topic into topics[] and by difficulty into difficulties[]
 * (each n new objects, filled in place). 0 or -1. */
static int count_questions(struct db *db, const struct db_bank_summary *rows, size_t n,
			   json_t **topics, json_t **difficulties)
{
	for (size_t i = 0; i < n; i++) {
		topics[i] = json_object();
		difficulties[i] = json_object();
	}
	struct topic_counts tc = { rows, topics, n };
	if (db_bank_topic_counts(db, false, add_topic_count, &tc))
		return -1;
	tc.counts = difficulties;
	return db_bank_topic_counts(db, true, add_topic_count, &tc);
}

enum outcome bank_admin_list(struct db *db, json_t **out, struct problem *p)
{
	struct db_bank_summary *rows = NULL;
	size_t n = 0;
	*out = NULL;
	if (db_begin_read(db))
		return storage_failed(db, p, "listing banks");
	if (db_bank_list(db, &rows, &n)) {
		db_rollback(db);
		return storage_failed(db, p, "listing banks");
	}
	json_t **topics = xcalloc(n ? n : 1, sizeof(json_t *));
	json_t **difficulties = xcalloc(n ? n : 1, sizeof(json_t *));
	int rc = count_questions(db, rows, n, topics, difficulties);
	db_rollback(db);
	json_t *banks = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct db_bank *b = &rows[i].bank;
		char when[40];
		clock_format(b->updated_at, when);
		json_array_append_new(banks, json_pack("{s:s,s:s,s:s,s:o,s:i,s:o,s:o,s:s}", "code",
						       b->code, "title", b->title, "language",
						       b->language, "audiences", audiences_of(b),
						       "question_count", rows[i].question_count,
						       "topics", topics[i], "difficulties",
						       difficulties[i], "updated_at", when));
		db_bank_cleanup(&rows[i].bank);
	}
	free(topics);
	free(difficulties);
	free(rows);
	if (rc) {
		json_decref(banks);
		return storage_failed(db, p, "counting bank questions");
	}
	*out = json_pack("{s:o}", "banks", banks);
	return OUTCOME_OK;
}

static json_t *versioned_question(const struct db_question *q)
{
	json_t *jq = bank_question_json(q);
	json_object_set_new(jq, "id", json_integer(q->id));
	json_object_set_new(jq, "version", json_integer(q->version));
	return jq;
}

static enum outcome find_bank(struct db *db, const char *code, struct db_bank *b, struct problem *p)
{
	int rc = db_bank_by_code(db, code, b);
	if (rc == 0)
		return problem_set(p, OUTCOME_NOT_FOUND, "no bank with code %s", code);
	if (rc < 0)
		return storage_failed(db, p, "finding bank");
	return OUTCOME_OK;
}

enum outcome bank_admin_get(struct db *db, const char *code, json_t **out, struct problem *p)
{
	struct db_bank b = { 0 };
	int64_t *ids = NULL;
	size_t n = 0;
	*out = NULL;
	if (db_begin_read(db))
		return storage_failed(db, p, "reading bank");
	enum outcome ret = find_bank(db, code, &b, p);
	if (ret != OUTCOME_OK)
		goto out;
	if (db_bank_latest_ids(db, b.id, &ids, &n)) {
		ret = storage_failed(db, p, "reading bank");
		goto out;
	}
	json_t *qs = json_array();
	for (size_t i = 0; i < n; i++) {
		struct db_question q;
		if (db_question_get(db, ids[i], &q) != 1) {
			json_decref(qs);
			ret = storage_failed(db, p, "reading bank question");
			goto out;
		}
		json_t *jq = versioned_question(&q);
		json_object_set_new(jq, "retired", json_boolean(!q.current));
		json_array_append_new(qs, jq);
		db_question_cleanup(&q);
	}
	*out = json_pack("{s:{s:s,s:s,s:s,s:o,s:o}}", "bank", "code", b.code, "title", b.title,
			 "language", b.language, "audiences", audiences_of(&b), "questions", qs);
out:
	db_rollback(db);
	free(ids);
	db_bank_cleanup(&b);
	return ret;
}

/* Checks question with the loader's rules, inside a bank of one question
 * that carries the stored bank's own fields. */
static enum outcome check_question(const struct db_bank *b, const char *qcode, json_t *question,
				   struct problem *p)
{
	if (!json_is_object(question))
		return problem_set(p, OUTCOME_INVALID, "the body must be one question object");
	json_t *jcode = json_object_get(question, "code");
	if (jcode && (!json_is_string(jcode) || strcmp(json_string_value(jcode), qcode)))
		return problem_set(p, OUTCOME_INVALID,
				   "code must be %s, the question code of the path", qcode);
	if (!jcode)
		json_object_set_new(question, "code", json_string(qcode));
	json_t *bank =
		json_pack("{s:s,s:s,s:s,s:o,s:[O]}", "code", b->code, "title", b->title, "language",
			  b->language, "audiences", audiences_of(b), "questions", question);
	struct bank_result res;
	bank_result_init(&res);
	enum outcome ret = OUTCOME_OK;
	if (!bank_validate(bank, "question", NULL, NULL, 0, &res)) {
		ret = bank_result_invalid(&res);
		*p = res.problem;
	}
	bank_result_cleanup(&res);
	json_decref(bank);
	return ret;
}

/* Inside a write transaction: stores q as the new current version unless
 * the current one has the same content; q->id is then the stored one and
 * *before the replaced version (NULL when there was none or nothing
 * changed). *written tells whether a version was stored. */
static int store_version(struct db *db, struct db_question *q, json_t **before, bool *written)
{
	int64_t old_id = 0;
	int old_version = 0, max_version = 0;
	unsigned char old_hash[DB_QUESTION_HASH_LEN];
	*before = NULL;
	*written = false;
	int found = db_question_current(db, q->bank_id, q->code, &old_id, &old_version, old_hash);
	if (found < 0)
		return -1;
	if (found == 1 && !memcmp(old_hash, q->hash, DB_QUESTION_HASH_LEN)) {
		q->id = old_id;
		return 0;
	}
	if (found == 1) {
		struct db_question old;
		if (db_question_get(db, old_id, &old) != 1)
			return -1;
		*before = versioned_question(&old);
		db_question_cleanup(&old);
		if (db_question_set_current(db, old_id, false))
			return -1;
	}
	if (db_question_max_version(db, q->bank_id, q->code, &max_version))
		return -1;
	q->version = max_version + 1;
	if (db_question_insert(db, q))
		return -1;
	*written = true;
	return db_bank_touch(db, q->bank_id, clock_now_ms());
}

static void target_of(char *buf, size_t size, const char *code, const char *qcode)
{
	snprintf(buf, size, "question:%s/%s", code, qcode);
}

/* Inside the write: stores q, reads it back into *out and audits a new
 * version. */
static enum outcome write_question(struct db *db, const struct audit_actor *who, const char *code,
				   struct db_question *q, json_t **out, struct problem *p)
{
	json_t *before = NULL;
	bool written = false;
	struct db_question stored;
	if (store_version(db, q, &before, &written) || db_question_get(db, q->id, &stored) != 1) {
		json_decref(before);
		return storage_failed(db, p, "storing question");
	}
	json_t *after = versioned_question(&stored);
	db_question_cleanup(&stored);
	enum outcome ret = OUTCOME_OK;
	if (written) {
		char target[160];
		target_of(target, sizeof target, code, q->code);
		json_t *detail = json_pack("{s:o,s:O}", "before", before ? before : json_null(),
					   "after", after);
		ret = audit_record(db, who, "question.update", target, detail, p);
		json_decref(detail);
	} else {
		json_decref(before);
	}
	if (ret == OUTCOME_OK)
		*out = json_pack("{s:o}", "question", after);
	else
		json_decref(after);
	return ret;
}

enum outcome bank_admin_put_question(struct db *db, const struct audit_actor *who, const char *code,
				     const char *qcode, json_t *question, json_t **out,
				     struct problem *p)
{
	struct db_bank b = { 0 };
	struct db_question q = { 0 };
	*out = NULL;
	enum outcome ret = find_bank(db, code, &b, p);
	if (ret == OUTCOME_OK)
		ret = check_question(&b, qcode, question, p);
	if (ret != OUTCOME_OK)
		goto out;
	bank_question_from_json(question, b.id, &q);
	if (db_begin_write(db)) {
		ret = storage_failed(db, p, "storing question");
		goto out;
	}
	ret = write_question(db, who, code, &q, out, p);
	if (ret == OUTCOME_OK && db_commit(db))
		ret = storage_failed(db, p, "storing question");
	if (ret != OUTCOME_OK) {
		db_rollback(db);
		json_decref(*out);
		*out = NULL;
	}
out:
	db_question_cleanup(&q);
	db_bank_cleanup(&b);
	return ret;
}

enum outcome bank_admin_retire(struct db *db, const struct audit_actor *who, const char *code,
			       const char *qcode, struct problem *p)
{
	struct db_bank b = { 0 };
	if (db_begin_write(db))
		return storage_failed(db, p, "retiring question");
	enum outcome ret = find_bank(db, code, &b, p);
	if (ret != OUTCOME_OK)
		goto fail;
	int64_t id = 0;
	int version = 0;
	unsigned char hash[DB_QUESTION_HASH_LEN];
	int found = db_question_current(db, b.id, qcode, &id, &version, hash);
	if (found == 0) {
		ret = problem_set(p, OUTCOME_NOT_FOUND, "no current question %s in bank %s", qcode,
				  code);
		goto fail;
	}
	if (found < 0 || db_question_set_current(db, id, false) ||
	    db_bank_touch(db, b.id, clock_now_ms())) {
		ret = storage_failed(db, p, "retiring question");
		goto fail;
	}
	char target[160];
	target_of(target, sizeof target, code, qcode);
	json_t *detail =
		json_pack("{s:{s:I,s:i}}", "before", "id", (json_int_t)id, "version", version);
	ret = audit_record(db, who, "question.retire", target, detail, p);
	json_decref(detail);
	if (ret != OUTCOME_OK)
		goto fail;
	if (db_commit(db)) {
		ret = storage_failed(db, p, "retiring question");
		goto fail;
	}
	db_bank_cleanup(&b);
	return OUTCOME_OK;
fail:
	db_rollback(db);
	db_bank_cleanup(&b);
	return ret;
}

enum outcome bank_admin_export(struct db *db, const char *code, const char *format, char **text,
			       size_t *len, const char **content_type, struct problem *p)
{
	enum bank_format f = BANK_FORMAT_JSON;
	*text = NULL;
	*len = 0;
	if (format && (bank_format_from_name(format, &f) || f == BANK_FORMAT_AIKEN))
		return problem_set(p, OUTCOME_INVALID,
				   "Query 'format' must be json, gift or moodle-xml.");
	json_t *bank = NULL;
	enum outcome ret = bank_export_json(db, code, &bank, p);
	if (ret != OUTCOME_OK)
		return ret;
	char err[256] = "";
	*text = bank_export_text(bank, f, err, sizeof err);
	json_decref(bank);
	if (!*text)
		return problem_set(p, OUTCOME_INTERNAL, "exporting bank %s: %s", code, err);
	*len = strlen(*text);
	*content_type = f == BANK_FORMAT_GIFT         ? "text/plain; charset=utf-8"
			: f == BANK_FORMAT_MOODLE_XML ? "application/xml; charset=utf-8"
						      : "application/json; charset=utf-8";
	return OUTCOME_OK;
}
