/* quiz_admin.h - the administrator's quizzes (api.md "Banks and quizzes"):
 * the list with its figures, one definition, and the results per person
 * in the caller's subtree (JSON here, CSV and XLSX through export.h). */
#ifndef QUIZ_QUIZ_ADMIN_H
#define QUIZ_QUIZ_ADMIN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db_quiz.h"
#include "outcome.h"

struct db;

/* {"quizzes":[{"id","code","title","kind","mode","state","opens_at",
 * "closes_at","question_count","participants","attempts"}],"total"}: kind
 * ("quiz", "contest") and state ("upcoming", "open", "closed" at now_ms)
 * filter when not NULL; limit (1..500) quizzes from offset, by id. New
 * reference in *out. OUTCOME_OK, OUTCOME_INVALID (a filter or paging value,
 * named) or OUTCOME_INTERNAL. */
enum outcome quiz_admin_list(struct db *db, const char *kind, const char *state, int64_t now_ms,
			     long long limit, long long offset, json_t **out, struct problem *p);

/* The results of a quiz for a caller: scope_path is the caller's subtree
 * (NULL for an admin: everywhere); unit_code (NULL: the caller's whole
 * scope) narrows it to that unit's subtree. */
struct quiz_results {
	struct db_quiz_result *rows;
	size_t n;
};
void quiz_results_cleanup(struct quiz_results *r);
/* OUTCOME_OK with r filled, OUTCOME_NOT_FOUND (no quiz, or a unit code
 * that is unknown), OUTCOME_FORBIDDEN (a unit outside the caller's
 * subtree) or OUTCOME_INTERNAL. */
enum outcome quiz_admin_results(struct db *db, int64_t quiz_id, const char *unit_code,
				const char *scope_path, struct quiz_results *r, struct problem *p);
/* {"results":[{"user_id","username","full_name","unit_code","audience",
 * "attempts","best_score","best_percent","passed","last_submitted_at"}],
 * "total"}: new reference. */
json_t *quiz_results_json(const struct quiz_results *r);

#endif
