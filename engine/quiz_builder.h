/* quiz_builder.h - what the quiz form's rule builder asks before saving:
 * how many questions each draw rule can draw from and which rules are
 * impossible, and a preview of one draw of a stored quiz as a participant
 * would see it (nothing stored). */
#ifndef QUIZ_QUIZ_BUILDER_H
#define QUIZ_QUIZ_BUILDER_H

#include <jansson.h>
#include <stdint.h>

#include "outcome.h"

struct db;

/* Checks def's "draw" (borrowed; the rest of the definition is not read):
 * {"rules":[{"bank","topic","difficulty","count","matching","available",
 * "possible"}],"question_count","possible"} in *out (new reference).
 * OUTCOME_OK, OUTCOME_INVALID (a rule that is not well formed or names an
 * unknown bank, named) or OUTCOME_INTERNAL. */
enum outcome quiz_check_draws(struct db *db, json_t *def, json_t **out, struct problem *p);

/* One draw of quiz id with seed: {"questions":[{"id","code","type","stem",
 * "options":[{"id","text"}]}],"question_count"} in the order and with the
 * option order a participant would see, without answers. OUTCOME_OK,
 * OUTCOME_NOT_FOUND, OUTCOME_CONFLICT (a rule cannot be filled from the
 * banks as they are now) or OUTCOME_INTERNAL. */
enum outcome quiz_preview(struct db *db, int64_t id, uint64_t seed, json_t **out,
			  struct problem *p);

#endif
