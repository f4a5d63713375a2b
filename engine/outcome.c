/* outcome.c - the table from domain outcomes to HTTP statuses and the
 * error codes of api.md. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>

#include "outcome.h"

static const struct {
	int status;
	const char *code;
} outcome_table[OUTCOME_COUNT_] = {
	[OUTCOME_OK] = { 200, "ok" },
	[OUTCOME_INVALID] = { 400, "bad_request" },
	[OUTCOME_UNAUTHORIZED] = { 401, "unauthorized" },
	[OUTCOME_FORBIDDEN] = { 403, "forbidden" },
	[OUTCOME_NOT_FOUND] = { 404, "not_found" },
	[OUTCOME_CONFLICT] = { 409, "conflict" },
	[OUTCOME_TOO_LARGE] = { 413, "too_large" },
	[OUTCOME_RATE_LIMITED] = { 429, "rate_limited" },
	[OUTCOME_UNAVAILABLE] = { 503, "unavailable" },
	[OUTCOME_INTERNAL] = { 500, "internal" },
	[OUTCOME_USERNAME_TAKEN] = { 409, "username_taken" },
	[OUTCOME_WEAK_PASSWORD] = { 400, "weak_password" },
	[OUTCOME_WRONG_PASSWORD] = { 400, "wrong_password" },
	[OUTCOME_QUIZ_NOT_OPEN] = { 409, "quiz_not_open" },
	[OUTCOME_NO_ATTEMPTS_LEFT] = { 409, "no_attempts_left" },
	[OUTCOME_TIME_OVER] = { 409, "time_over" },
	[OUTCOME_ATTEMPT_CLOSED] = { 409, "attempt_closed" },
	[OUTCOME_QUIZ_STARTED] = { 409, "quiz_started" },
	[OUTCOME_QUIZ_NOT_CLOSED] = { 409, "quiz_not_closed" },
	[OUTCOME_ALREADY_ANSWERED] = { 409, "already_answered" },
	[OUTCOME_NICKNAME_TAKEN] = { 409, "nickname_taken" },
	[OUTCOME_CHECK_IN_CLOSED] = { 409, "check_in_closed" },
	[OUTCOME_NO_CERTIFICATE] = { 409, "no_certificate" },
};

enum outcome problem_set(struct problem *p, enum outcome o, const char *fmt, ...)
{
	if (p) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->message, sizeof p->message, fmt, ap);
		va_end(ap);
	}
	return o;
}

int outcome_http_status(enum outcome o)
{
	assert(o >= 0 && o < OUTCOME_COUNT_ && outcome_table[o].code);
	return outcome_table[o].status;
}

const char *outcome_code(enum outcome o)
{
	assert(o >= 0 && o < OUTCOME_COUNT_ && outcome_table[o].code);
	return outcome_table[o].code;
}
