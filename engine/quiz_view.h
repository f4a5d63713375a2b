/* quiz_view.h - what participants see: the attempt object of api.md (which
 * never carries answer data before the review policy allows it) and the
 * participant's quiz list. */
#ifndef QUIZ_QUIZ_VIEW_H
#define QUIZ_QUIZ_VIEW_H

#include <jansson.h>
#include <stdint.h>

#include "db_attempt.h"
#include "db_quiz.h"
#include "outcome.h"
#include "quiz_rules.h"

struct db;
struct quiz_qcache;
struct quiz_write;

/* The attempt object A of api.md for its owner at now: questions in the
 * order shown (no correct flags, weights or accepted answers), answers,
 * result once finished, review only when quiz_review_open. New reference,
 * or NULL on a storage error. (The handlers take the same object as text,
 * built from fragments the question cache rendered once, through
 * quiz_attempt_view.) */
json_t *quiz_attempt_json(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
			  const struct db_attempt *a, int64_t now_ms);
/* Attempt attempt_id as its owner user_id sees it at now, in *text (new
 * string). OUTCOME_OK, OUTCOME_NOT_FOUND (none, or someone else's) or
 * OUTCOME_INTERNAL (p). */
enum outcome quiz_attempt_view(struct db *db, struct quiz_qcache *qc, int64_t user_id,
			       int64_t attempt_id, int64_t now_ms, char **text, struct problem *p);
/* The attempt object after an applied START w (w->status OUTCOME_OK):
 * built from the write itself when it created the attempt (nothing to read
 * back), else read. OUTCOME_OK with *text, or OUTCOME_INTERNAL (p). */
enum outcome quiz_started_view(struct db *db, struct quiz_qcache *qc, const struct quiz_write *w,
			       int64_t now_ms, char **text, struct problem *p);
/* The answer to an applied ANSWER w (w->status OUTCOME_OK) at now, in
 * *text (new string): {"saved":true,"remaining_ms"}, and for a practice
 * attempt also "feedback":{"correct","correct_choices","explanation",
 * "option_feedback":{"option_id":"text"}} (every option that has its own
 * feedback). OUTCOME_OK, or OUTCOME_INTERNAL (p). */
enum outcome quiz_answer_reply(struct db *db, struct quiz_qcache *qc, const struct quiz_write *w,
			       int64_t now_ms, char **text, struct problem *p);
/* {"quizzes":[...]} of api.md for participant p at now, in *out (new
 * reference). OUTCOME_OK or OUTCOME_INTERNAL (p). */
enum outcome quiz_list_view(struct db *db, struct quiz_qcache *qc, const struct quiz_participant *p,
			    int64_t now_ms, json_t **out, struct problem *pr);

#endif
