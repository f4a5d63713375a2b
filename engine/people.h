/* people.h - the administration's people and units (api.md second part,
 * "People and units"): the units tree of a subtree, pages of people with
 * filters and a search that ignores case and Vietnamese diacritics, and a
 * person's edits, each with the subtree rules of a unit_admin and an
 * audit-log entry for every write. Testable without HTTP. */
#ifndef QUIZ_PEOPLE_H
#define QUIZ_PEOPLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "outcome.h"

struct db;
struct db_person;

/* Who asks: an admin (scope_path NULL) or a unit_admin (scope_path: the
 * path of their unit, "" when they have none). */
struct people_actor {
	int64_t user_id;
	const char *username;
	const char *scope_path;
};

/* {"units":[{"code","name","kind","parent_code","depth"}]}: root (NULL:
 * the caller's own root, for an admin every root) and its subtree down to
 * max_depth levels below it (-1: all), parents before children; depth 0 is
 * root. OUTCOME_FORBIDDEN for a unit_admin asking outside its subtree (or
 * without a unit), OUTCOME_NOT_FOUND for an unknown root, OUTCOME_INVALID
 * for a negative depth other than -1. New reference in *out. */
enum outcome people_units_json(struct db *db, const struct people_actor *actor, const char *root,
			       long long max_depth, json_t **out, struct problem *p);

/* The query of a people page; NULL for an absent filter. */
struct people_query {
	const char *unit, *audience, *role, *q, *disabled; /* disabled: "true"/"false" */
	long long limit, offset;
};
/* {"users":[U],"total"} (U: see people_user_json). unit covers its subtree
 * (default the caller's); a unit_admin naming a unit outside its subtree
 * gets OUTCOME_FORBIDDEN; an unknown unit OUTCOME_NOT_FOUND; a bad
 * audience, role, disabled, limit (1..500) or offset OUTCOME_INVALID. q
 * matches the words of username or full name, folded as short answers are
 * (case, diacritics, đ), each word whole but the last, which may be a
 * prefix (unless q ends with a space). New reference in *out. */
enum outcome people_list_json(struct db *db, const struct people_actor *actor,
			      const struct people_query *query, json_t **out, struct problem *p);

/* Turns the words of q into an FTS5 query of the folded search key, into
 * buf: 1 when there is a word, 0 when q holds none, -1 when q is not UTF-8
 * or does not fit. */
int people_search_query(const char *q, char *buf, size_t size);

/* A person's page: {"user":U,"attempts":[A],"activities":[T]}, A and T
 * as privacy_history shows them (each with its certificate code or null),
 * read with the person in one transaction. OUTCOME_NOT_FOUND for an
 * unknown person or, for a unit_admin, one outside its subtree. New
 * reference in *out. */
enum outcome people_record_json(struct db *db, const struct people_actor *actor, int64_t id,
				json_t **out, struct problem *p);

/* PATCH of person id by body (any of full_name, unit_code, audience, role,
 * disabled): OUTCOME_NOT_FOUND for an unknown person or, for a unit_admin,
 * one outside its subtree; OUTCOME_FORBIDDEN for a unit_admin moving the
 * person outside it or giving a role above participant; OUTCOME_INVALID
 * for a bad field. Disabling ends every session of the person and voids
 * their login card. Written with its audit entry (before -> after) in one
 * transaction. *out: {"user":U}, new reference. */
enum outcome people_update(struct db *db, const struct people_actor *actor, int64_t id,
			   json_t *body, json_t **out, struct problem *p);

/* Password reset of person id by actor: OUTCOME_NOT_FOUND for an unknown
 * person or, for a unit_admin, one outside its subtree; OUTCOME_FORBIDDEN
 * for a unit_admin resetting an admin's password; else OUTCOME_OK with the
 * operation in *op (account.h: finishing it sets and answers the new
 * password and ends every session of the person). */
struct app;
struct account_op;
enum outcome people_password_begin(struct app *app, struct db *db, const struct people_actor *actor,
				   int64_t id, struct account_op **op, struct problem *p);

#endif
