/* activity.h - activities beyond quizzes (api.md "Activities beyond
 * quizzes"): trainings, seminars, events and live games, created and
 * edited by an admin anywhere or a unit_admin inside its subtree; their
 * attendance, by check-in on a phone while check-in is open and the
 * activity is within its window, or by a list uploaded afterwards; the
 * page projected in the room with the QR code of the check-in. Each
 * person is counted once per activity. Every write leaves an audit entry
 * in its own transaction. Testable without HTTP. */
#ifndef QUIZ_ACTIVITY_H
#define QUIZ_ACTIVITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outcome.h"

struct db;
struct people_actor;
struct cards_site;
struct cert_signer;

/* Creates the activity of body ({"code","title","kind","unit_code",
 * "audiences","topics","starts_at","ends_at"} with optional "check_in"
 * (default "closed") and "certificate" (default false)): *out
 * {"activity":A} (new reference), A as in activity_list_json without
 * "attendees". OUTCOME_INVALID names a bad field, OUTCOME_NOT_FOUND an
 * unknown unit, OUTCOME_FORBIDDEN a unit outside a unit_admin's subtree,
 * OUTCOME_CONFLICT a code taken. */
enum outcome activity_create(struct db *db, const struct people_actor *actor, json_t *body,
			     json_t **out, struct problem *p);

/* PATCH of activity id by body (any of title, kind, audiences, topics,
 * starts_at, ends_at, check_in, certificate; "check_in":"closed" closes
 * it): *out {"activity":A}. OUTCOME_NOT_FOUND, OUTCOME_FORBIDDEN outside a
 * unit_admin's subtree, OUTCOME_INVALID for a bad field (code and
 * unit_code cannot change), OUTCOME_CONFLICT for a move into another
 * year once people attended. Turning "certificate" on certifies, with
 * signer, those who attended before. */
enum outcome activity_update(struct db *db, struct cert_signer *signer,
			     const struct people_actor *actor, int64_t id, json_t *body,
			     json_t **out, struct problem *p);

/* {"activities":[A],"total"} with A {"id","code","title","kind",
 * "unit_code","audiences","topics","starts_at","ends_at","check_in",
 * "certificate","attendees"}: the activities of unit's subtree (NULL: the
 * caller's, for an admin every unit) starting in year (NULL: the current
 * Asia/Ho_Chi_Minh year). OUTCOME_INVALID for a bad year, OUTCOME_NOT_FOUND
 * for an unknown unit, OUTCOME_FORBIDDEN outside a unit_admin's subtree. */
enum outcome activity_list_json(struct db *db, const struct people_actor *actor, const char *unit,
				const char *year, json_t **out, struct problem *p);

/* Adds the people of an uploaded list to activity id: body is a JSON array
 * of {"username"} or (csv) a CSV with a username column. Each known person
 * (for a unit_admin: inside its subtree) attends once, with a certificate
 * of attendance signed by signer when the activity gives one; *out
 * {"added","errors":[{"line","message"}]} (line: the CSV line, or the
 * 1-based position in the JSON array). OUTCOME_INVALID for a body that is
 * neither, OUTCOME_NOT_FOUND, OUTCOME_FORBIDDEN as activity_update. */
enum outcome activity_attendees_add(struct db *db, struct cert_signer *signer,
				    const struct people_actor *actor, int64_t id, const char *body,
				    size_t len, bool csv, json_t **out, struct problem *p);

/* {"attendees":[{"username","full_name","unit_code","how","at"}],"total"}
 * of activity id, in order of arrival (how: check_in, list, live_game).
 * OUTCOME_NOT_FOUND, OUTCOME_FORBIDDEN as activity_update. */
enum outcome activity_attendees_json(struct db *db, const struct people_actor *actor, int64_t id,
				     json_t **out, struct problem *p);

/* The page projected in the room: the activity's title, window and state,
 * the QR code (inline SVG) of site's "/checkin.html#activity=ID" and that
 * address in words, into *html (new string, caller frees).
 * OUTCOME_NOT_FOUND, OUTCOME_FORBIDDEN as activity_update, OUTCOME_INVALID
 * when the site's address is unknown. */
enum outcome activity_check_in_page(struct db *db, const struct people_actor *actor,
				    const struct cards_site *site, int64_t id, char **html,
				    struct problem *p);

/* Person user_id checks in to activity id at clock_now_ms(), with a
 * certificate of attendance signed by signer when the activity gives one:
 * OUTCOME_OK (also when already checked in: counted once),
 * OUTCOME_NOT_FOUND, OUTCOME_CHECK_IN_CLOSED when check-in is closed or
 * the activity is outside its window. */
enum outcome activity_check_in(struct db *db, struct cert_signer *signer, int64_t user_id,
			       int64_t id, struct problem *p);

#endif
