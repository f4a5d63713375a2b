/* audit.h - the audit log: every write of an admin or a unit_admin (units,
 * headcounts, users, plans, banks, quizzes, erasure, people's edits, login
 * cards) leaves one entry saying who, when, what, on what, and for edits
 * the values before and after. */
#ifndef QUIZ_AUDIT_H
#define QUIZ_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "outcome.h"

struct db;

/* Who acts: their user id (0 for quizadm, the command line) and username
 * ("quizadm" there). */
struct audit_actor {
	int64_t user_id;
	const char *username;
};

/* Writes one entry at clock_now_ms(): action (e.g. "user.update"), target
 * (e.g. "user:42"), detail (borrowed; NULL for {}), e.g.
 * {"before":{...},"after":{...}}. Call it inside the write's own
 * transaction, so the entry and the write commit or fail together.
 * OUTCOME_OK, or OUTCOME_INTERNAL with the storage message in p. */
enum outcome audit_record(struct db *db, const struct audit_actor *actor, const char *action,
			  const char *target, json_t *detail, struct problem *p);

/* {"entries":[{"at","username","action","target","detail"}],"total"},
 * newest first, limit (1..500) from offset (>= 0): new reference in *out.
 * OUTCOME_INVALID for a limit or offset out of range, OUTCOME_INTERNAL on a
 * storage error. */
enum outcome audit_page_json(struct db *db, long long limit, long long offset, json_t **out,
			     struct problem *p);

#endif
