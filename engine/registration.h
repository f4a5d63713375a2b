/* registration.h - self-registration for contests: the windows an
 * administrator opens for a contest, its audiences and a unit subtree (closed
 * until then), the public list of open windows, the check a registration
 * passes, and the confirmation that lets a self-registered person count in
 * their unit's figures. Domain code: handlers and quizadm call it, unit
 * tests reach it without HTTP.
 *
 * A window as JSON: {"contest_id","contest_title","audiences":[...],
 * "unit_code","unit_name","opens_at","closes_at","open"} (opens_at and
 * closes_at RFC 3339 or null for no bound; open: whether it is open now). */
#ifndef QUIZ_REGISTRATION_H
#define QUIZ_REGISTRATION_H

#include <jansson.h>
#include <stdint.h>

#include "org.h"
#include "outcome.h"

struct db;

/* Opens (or replaces) contest_id's window from body {"audiences":[...],
 * "unit_code","opens_at"?,"closes_at"?}: the audiences must be the
 * contest's, the unit inside its scope and, for a unit administrator
 * (actor->scope_path not NULL), inside their subtree (OUTCOME_FORBIDDEN).
 * OUTCOME_OK with the window in *out (new reference); OUTCOME_NOT_FOUND (no
 * such contest), OUTCOME_INVALID naming the field, OUTCOME_INTERNAL. */
enum outcome registration_window_open(struct db *db, const struct org_actor *actor,
				      int64_t contest_id, json_t *body, json_t **out,
				      struct problem *p);
/* contest_id's window in *out: OUTCOME_OK, OUTCOME_NOT_FOUND (no contest or
 * no window), OUTCOME_FORBIDDEN (a unit administrator outside its unit),
 * OUTCOME_INTERNAL. */
enum outcome registration_window_get(struct db *db, const struct org_actor *actor,
				     int64_t contest_id, json_t **out, struct problem *p);
/* Closes contest_id's window; the same outcomes as registration_window_get. */
enum outcome registration_window_close(struct db *db, const struct org_actor *actor,
				       int64_t contest_id, struct problem *p);
/* {"windows":[window...]}: every window open now (public). */
enum outcome registration_open_list(struct db *db, json_t **out, struct problem *p);

/* {"units":[{"code","name","kind"}]}: the units people may pick when
 * registering for contest_id, its window's subtree (public). OUTCOME_NOT_FOUND
 * while no window of the contest is open now. */
enum outcome registration_units(struct db *db, int64_t contest_id, json_t **out, struct problem *p);

/* Whether a person of audience in the unit at unit_path may register for
 * contest_id now: OUTCOME_OK, or OUTCOME_FORBIDDEN with a Vietnamese
 * message (no window, not yet or no longer open, audience or unit outside
 * it), OUTCOME_INTERNAL. contest_id 0 is no contest: forbidden. */
enum outcome registration_allowed(struct db *db, int64_t contest_id, const char *audience,
				  const char *unit_path, struct problem *p);

/* {"users":[{"id","username","full_name","unit_code","unit_name",
 * "audience","contest_id","contest_title","created_at"}]}: the
 * self-registered people awaiting confirmation in actor's subtree (every
 * unit for an admin), at most 1000. OUTCOME_FORBIDDEN for a unit
 * administrator without a unit, OUTCOME_INTERNAL. */
enum outcome registration_unconfirmed(struct db *db, const struct org_actor *actor, json_t **out,
				      struct problem *p);
/* Confirms the self-registered person user_id, so they count in their
 * unit's roster and participation from now on: {"user_id","confirmed":true,
 * "changed"} in *out. OUTCOME_NOT_FOUND (no such person), OUTCOME_FORBIDDEN
 * (outside a unit administrator's subtree), OUTCOME_INVALID (not a
 * self-registered person), OUTCOME_INTERNAL. */
enum outcome registration_confirm(struct db *db, const struct org_actor *actor, int64_t user_id,
				  json_t **out, struct problem *p);
/* Confirms in bulk from body {"ids":[...]} or {"unit_code"} (every
 * unconfirmed person of that subtree): {"confirmed":N} in *out. Every id is
 * checked before any is confirmed (one transaction). Outcomes as above. */
enum outcome registration_confirm_many(struct db *db, const struct org_actor *actor, json_t *body,
				       json_t **out, struct problem *p);

#endif
