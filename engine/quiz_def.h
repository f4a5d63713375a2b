/* quiz_def.h - quiz definitions: the JSON of api.md checked field by field,
 * every draw rule checked against the banks (with the shortfall of each),
 * stored in one transaction, and rendered back. */
#ifndef QUIZ_QUIZ_DEF_H
#define QUIZ_QUIZ_DEF_H

#include <jansson.h>
#include <stdint.h>

#include "db_quiz.h"
#include "outcome.h"

struct db;

/* Validates a quiz definition (api.md; borrowed) and stores it. Returns
 * OUTCOME_OK with *quiz_id, OUTCOME_INVALID (p names the field, or each
 * draw rule that lacks questions and by how many), OUTCOME_CONFLICT (code
 * taken) or OUTCOME_INTERNAL. Runs its own transaction. */
enum outcome quiz_create(struct db *db, json_t *def, int64_t *quiz_id, struct problem *p);
/* {"id","code","title","kind","mode","mandatory","audiences","unit_scope","draw",
 * "question_count","time_limit_s","max_attempts","pass_percent","opens_at",
 * "closes_at","shuffle_questions","shuffle_options","review",
 * "prediction_question","freeze_at","rounds"}: new reference. */
json_t *quiz_definition_json(const struct db_quiz *q);
/* The definition of quiz id as quiz_definition_json renders it, in *out
 * (new reference). OUTCOME_OK, OUTCOME_NOT_FOUND or OUTCOME_INTERNAL. */
enum outcome quiz_definition_get(struct db *db, int64_t id, json_t **out, struct problem *p);
/* Fills q (zeroed by the caller, cleaned by it) from def, every field
 * checked as quiz_create checks it, draw rules against the banks.
 * OUTCOME_OK, OUTCOME_INVALID or OUTCOME_INTERNAL. */
enum outcome quiz_definition_parse(struct db *db, json_t *def, struct db_quiz *q,
				   struct problem *p);
/* Fills q->draws from def's "draw" (each rule checked: bank, topic,
 * difficulty, count) and nothing else. OUTCOME_OK, OUTCOME_INVALID naming
 * the rule, or OUTCOME_INTERNAL. q is cleaned by the caller. */
enum outcome quiz_parse_draws(struct db *db, json_t *def, struct db_quiz *q, struct problem *p);
/* For each draw rule i of q: matching[i] current questions match it, of
 * which available[i] are left whatever the rules filled before it take
 * (rules fill smallest pool first, as quiz_draw does); a rule is possible
 * when available[i] >= its count. OUTCOME_OK or OUTCOME_INTERNAL. */
enum outcome quiz_draw_availability(struct db *db, const struct db_quiz *q, size_t *matching,
				    size_t *available, struct problem *p);
/* An RFC 3339 string of a time in ms: new reference. */
json_t *quiz_time_json(int64_t ms);

#endif
