/* org.h - the org tree and its people: importing units, users and
 * headcounts from JSON or CSV, with the rules of api.md, shared by the HTTP
 * handlers and quizadm. Audience and unit-kind codes live here. */
#ifndef QUIZ_ORG_H
#define QUIZ_ORG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db_account.h"

struct auth;
struct db;

/* The audience codes of plan-targets.md. */
extern const char *const org_audiences[];
/* The unit kinds. */
extern const char *const org_unit_kinds[];
bool org_valid_audience(const char *code);
bool org_valid_unit_kind(const char *kind);
bool org_valid_school_level(const char *level);

/* Who is acting: an admin (scope_path NULL: everywhere) or a unit_admin
 * (scope_path: the path of their unit; they act only inside it). */
struct org_actor {
	int64_t user_id;
	const char *scope_path;
};

/* One problem in an upload: the 1-based line (CSV) or element index (JSON). */
struct org_error {
	int line;
	char message[256];
};

struct org_errors {
	struct org_error *items;
	size_t n, cap;
};
void org_errors_add(struct org_errors *e, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void org_errors_cleanup(struct org_errors *e);
/* [{"line","message"}]: new reference. */
json_t *org_errors_json(const struct org_errors *e);

/* Turns a CSV upload into a JSON array of objects keyed by the header's
 * columns, each with a "_line" member. Returns a new reference, or NULL with
 * errors filled. */
json_t *org_csv_to_rows(const char *data, size_t len, struct org_errors *errors);

/* Units: rows of {"code","name","kind","parent_code","level"?}. All or
 * nothing: when any row is wrong, nothing is written and errors list every
 * problem. Parents may come after their children in the file. Returns 0
 * (counts set), 1 when errors were found, -1 on a storage error. */
int org_import_units(struct db *db, json_t *rows, const struct org_actor *actor, int *created,
		     int *updated, struct org_errors *errors);

/* Users: rows of {"username","password"?,"full_name","unit_code","audience",
 * "role"}. Each good row is created even when others fail; rows without a
 * password get a generated one, listed in *passwords as
 * [{"username","password"}] (new reference). Returns 0 or -1 (storage). */
int org_import_users(struct db *db, struct auth *auth, json_t *rows, const struct org_actor *actor,
		     int *created, json_t **passwords, struct org_errors *errors);

/* Headcounts of one unit: [{"year","audience","count"}], all or nothing.
 * Returns 0, 1 with errors, -1 on storage error. */
int org_set_headcounts(struct db *db, int64_t unit_id, json_t *rows, int64_t by_user,
		       struct org_errors *errors);

#endif
