/* rescore.h - a key fixed after the test: every finished attempt that drew
 * any version of a question is scored again with the key of its current
 * version, in one transaction. Reports (kept by triggers on attempts),
 * leaderboards (validated by the contest version counter, which every
 * update of an attempt moves) and certificates (read from the attempt)
 * follow the new results. */
#ifndef QUIZ_RESCORE_H
#define QUIZ_RESCORE_H

#include "outcome.h"

struct db;
struct audit_actor;

struct rescore_result {
	int attempts; /* finished attempts that drew the question */
	int changed; /* of them, attempts whose score changed */
	int passed_changed; /* of them, attempts whose pass or fail changed */
};

/* Rescores the attempts that drew question qcode of bank code. A drawn
 * version is scored with the current version's key option by option, in
 * bank order, so both must have the same type and number of options (a
 * short question's answers are checked against the current accepted
 * answers). OUTCOME_OK with res filled, OUTCOME_NOT_FOUND (no such bank or
 * no current question with that code), OUTCOME_CONFLICT (a drawn version
 * whose options do not line up with the current one; nothing changed) or
 * OUTCOME_INTERNAL. The rescore is who's "question.rescore" in the audit
 * log (the key's version, the counts and the attempts changed), written
 * in the same transaction. */
enum outcome rescore_question(struct db *db, const struct audit_actor *who, const char *code,
			      const char *qcode, struct rescore_result *res, struct problem *p);

#endif
