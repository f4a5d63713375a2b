/* quiz_edit.h - editing a stored quiz definition (api.md: PUT
 * /api/v1/admin/quizzes/{id}). Before the first attempt anything may
 * change; after it only the title, a later closes_at, review, freeze_at
 * and rounds that have not opened. The stored revision moves, so every
 * process's cached definition sees the edit (quiz_cache.h). */
#ifndef QUIZ_QUIZ_EDIT_H
#define QUIZ_QUIZ_EDIT_H

#include <jansson.h>
#include <stdint.h>

#include "outcome.h"

struct db;
struct audit_actor;
struct quiz_qcache;

/* Replaces quiz id with def (borrowed; an "id", which must be id, and a
 * "question_count" are taken out of it), checked as at creation, in one
 * transaction with who's "quiz.update" audit entry (before and after).
 * {"quiz":{...}} in *out. OUTCOME_OK, OUTCOME_NOT_FOUND, OUTCOME_INVALID
 * (the field named), OUTCOME_QUIZ_STARTED (a field that may no longer
 * change, named), OUTCOME_CONFLICT (code taken) or OUTCOME_INTERNAL.
 * Once committed, qc (this process's quiz cache, or NULL) reads the new
 * revision on its next use of the quiz. */
enum outcome quiz_update(struct db *db, struct quiz_qcache *qc, const struct audit_actor *who,
			 int64_t id, json_t *def, int64_t now_ms, json_t **out, struct problem *p);

#endif
