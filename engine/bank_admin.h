/* bank_admin.h - the administrator's side of stored banks (api.md "Banks
 * and quizzes"): the list with counts by topic, one bank with every
 * question's latest version (retired ones too), a question edited as a new
 * version, a question retired, and a bank exported in any format.
 *
 * An edited question is checked with the loader's rules (bank_validate, so
 * an error names the field), stored as a new version beside the old one
 * (attempts keep the version they drew), and the bank's generation moves so
 * that every quizd's cached draw pools see the change. */
#ifndef QUIZ_BANK_ADMIN_H
#define QUIZ_BANK_ADMIN_H

#include <jansson.h>
#include <stddef.h>

#include "outcome.h"

struct db;
struct audit_actor;

/* {"banks":[{"code","title","language","audiences","question_count",
 * "topics":{"topic":count},"difficulties":{"1":count,...},"updated_at"}]}
 * (current questions only): new reference in *out.
 * OUTCOME_OK or OUTCOME_INTERNAL. */
enum outcome bank_admin_list(struct db *db, json_t **out, struct problem *p);

/* {"bank":{code,title,language,audiences,"questions":[{...native question
 * ..., "id","version","retired"}]}}: new reference in *out. OUTCOME_OK,
 * OUTCOME_NOT_FOUND or OUTCOME_INTERNAL. */
enum outcome bank_admin_get(struct db *db, const char *code, json_t **out, struct problem *p);

/* Stores question (borrowed; its "code", when given, must be qcode) as the
 * new current version of qcode in bank code, or as its first version; an
 * unchanged question keeps its version. {"question":{...,"id","version"}}
 * in *out. A new version is written to the audit log as who's
 * "question.update" (before and after) in the same transaction.
 * OUTCOME_OK, OUTCOME_INVALID (the first broken rule, naming the field),
 * OUTCOME_NOT_FOUND (no such bank) or OUTCOME_INTERNAL. */
enum outcome bank_admin_put_question(struct db *db, const struct audit_actor *who, const char *code,
				     const char *qcode, json_t *question, json_t **out,
				     struct problem *p);

/* Retires the current version of qcode: drawn no more; attempts and
 * statistics keep it; who's "question.retire" in the audit log.
 * OUTCOME_OK, OUTCOME_NOT_FOUND (no such bank, or no current question with
 * that code) or OUTCOME_INTERNAL. */
enum outcome bank_admin_retire(struct db *db, const struct audit_actor *who, const char *code,
			       const char *qcode, struct problem *p);

/* The bank's current questions as a file in format ("json", "gift" or
 * "moodle-xml"; NULL: json): new string in *text (caller frees), its length
 * and content type. OUTCOME_OK, OUTCOME_INVALID (format), OUTCOME_NOT_FOUND
 * or OUTCOME_INTERNAL. */
enum outcome bank_admin_export(struct db *db, const char *code, const char *format, char **text,
			       size_t *len, const char **content_type, struct problem *p);

#endif
