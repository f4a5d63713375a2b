/* outcome.h - the one outcome type of the domain layer.
 *
 * Every domain function that can fail for a reason a caller must see
 * returns an enum outcome, with a human message in a struct problem it is
 * handed. One table (outcome.c) maps each outcome to an HTTP status and the
 * api.md error code; handlers answer through api_fail() and never choose a
 * status themselves. Storage keeps its own 0/-1 (and DB_CONFLICT) returns;
 * the domain translates them. */
#ifndef QUIZ_OUTCOME_H
#define QUIZ_OUTCOME_H

#include <stddef.h>

enum outcome {
	OUTCOME_OK = 0,
	OUTCOME_INVALID, /* 400 bad_request: bad input, the message names the field */
	OUTCOME_UNAUTHORIZED, /* 401 unauthorized */
	OUTCOME_FORBIDDEN, /* 403 forbidden */
	OUTCOME_NOT_FOUND, /* 404 not_found (also what a caller may not know exists) */
	OUTCOME_CONFLICT, /* 409 conflict: a code is taken, a state forbids it */
	OUTCOME_TOO_LARGE, /* 413 too_large */
	OUTCOME_RATE_LIMITED, /* 429 rate_limited (the handler adds Retry-After) */
	OUTCOME_UNAVAILABLE, /* 503 unavailable: stopping, or a queue is full */
	OUTCOME_INTERNAL, /* 500 internal: storage or system failure (logged once) */
	/* The specific codes of api.md. */
	OUTCOME_USERNAME_TAKEN, /* 409 */
	OUTCOME_WEAK_PASSWORD, /* 400 */
	OUTCOME_WRONG_PASSWORD, /* 400 */
	OUTCOME_QUIZ_NOT_OPEN, /* 409 */
	OUTCOME_NO_ATTEMPTS_LEFT, /* 409 */
	OUTCOME_TIME_OVER, /* 409 */
	OUTCOME_ATTEMPT_CLOSED, /* 409 */
	OUTCOME_QUIZ_STARTED, /* 409 */
	OUTCOME_QUIZ_NOT_CLOSED, /* 409 */
	OUTCOME_ALREADY_ANSWERED, /* 409 */
	OUTCOME_NICKNAME_TAKEN, /* 409 */
	OUTCOME_CHECK_IN_CLOSED, /* 409 */
	OUTCOME_NO_CERTIFICATE, /* 409 */
	OUTCOME_COUNT_ /* not an outcome: the size of the table */
};

/* What a failed domain call tells its caller: a message in plain words
 * (English or Vietnamese, already fit to show), and for uploads nothing
 * more (their per-line errors travel in their own lists). */
struct problem {
	char message[512];
};

/* Fills p (may be NULL) with a printf-style message and returns o, so a
 * domain function can write `return problem_set(p, OUTCOME_INVALID, ...)`. */
enum outcome problem_set(struct problem *p, enum outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The HTTP status and api.md error code of an outcome (the one table). */
int outcome_http_status(enum outcome o);
const char *outcome_code(enum outcome o);

#endif
