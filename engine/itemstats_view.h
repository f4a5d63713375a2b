/* itemstats_view.h - the item statistics of a quiz as api.md shows them
 * (GET /reports/questions, quizadm report questions): which attempts count
 * for whom, and the JSON. Domain code, shared by the handler and quizadm. */
#ifndef QUIZ_ITEMSTATS_VIEW_H
#define QUIZ_ITEMSTATS_VIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "outcome.h"

struct db;

/* {"questions":[{"question_id","code","attempts","facility_index",
 * "discrimination_index"}]} of quiz_id's completed attempts, indices
 * rounded to 4 decimals (null when undefined). An admin sees every attempt;
 * anyone else only those made in the subtree at unit_path (their own unit),
 * and nothing without one. Returns OUTCOME_OK with a new reference in
 * *out; OUTCOME_NOT_FOUND (no such quiz), OUTCOME_FORBIDDEN (no unit) or
 * OUTCOME_INTERNAL, with p filled. */
enum outcome itemstats_quiz_view(struct db *db, int64_t quiz_id, bool admin, const char *unit_path,
				 json_t **out, struct problem *p);

#endif
