/* privacy.h - personal data (Decree 13/2023/NĐ-CP): the one export of
 * everything held about a person and the one erasure, used by the API
 * (api_privacy.c) and quizadm alike. */
#ifndef QUIZ_PRIVACY_H
#define QUIZ_PRIVACY_H

#include <jansson.h>
#include <stdint.h>

#include "outcome.h"

struct db;

/* The person named by username, or else by a numeric id (erased persons
 * are found by id). OUTCOME_OK with *user_id, OUTCOME_NOT_FOUND, or
 * OUTCOME_INTERNAL. */
enum outcome privacy_find(struct db *db, const char *who, int64_t *user_id, struct problem *p);

/* Everything held about user_id, read in one read transaction:
 * {"legal_basis","exported_at","user":{"id","username","full_name","role",
 * "unit_code","audience","birth_year","phone","created_at","erased_at"},
 * "sessions":{"active"},"attempts":[A],"answers":[...],
 * "attendances":[T],"certificates":[{"code","kind":"quiz"|"attendance",
 * "attempt_id","activity_id","issued_at"}]}, A and T as in
 * privacy_history. OUTCOME_OK with *view a new reference,
 * OUTCOME_NOT_FOUND, or OUTCOME_INTERNAL. */
enum outcome privacy_export(struct db *db, int64_t user_id, json_t **view, struct problem *p);

/* The person's own history (GET /api/v1/me/history), read in one read
 * transaction: {"attempts":[A],"activities":[T]} with A {"id","quiz_id",
 * "quiz_code","quiz_title","quiz_kind","state","started_at",
 * "finished_at","unit_code","audience","score","max_score","passed",
 * "certificate_available","certificate"} and T {"activity_id","code",
 * "title","kind","starts_at","ends_at","unit_code","audience","how","at",
 * "certificate_available","certificate"} (certificate: the code issued,
 * or null), oldest first. OUTCOME_OK with *view a new reference, or
 * OUTCOME_INTERNAL. */
enum outcome privacy_history(struct db *db, int64_t user_id, json_t **view, struct problem *p);

/* The attempts and attended activities of user_id as privacy_history shows
 * them ([A] and [T]), read inside the caller's read transaction (the
 * administration's page of a person). 0 with two new references, or -1
 * (db_errmsg) with both NULL. */
int privacy_history_read(struct db *db, int64_t user_id, json_t **attempts, json_t **activities);

/* Erases user_id in one transaction (see db_person_erase: identity wiped,
 * sessions, certificates (of tests and of attendance) and throttling
 * deleted, attempts and attendances kept anonymised)
 * and tells session caches. actor_id (0: none, as in quizadm) may not
 * erase itself (OUTCOME_INVALID). OUTCOME_NOT_FOUND for an unknown id;
 * erasing an erased person again is OUTCOME_OK. */
enum outcome privacy_erase(struct db *db, int64_t user_id, int64_t actor_id, struct problem *p);

#endif
