/* org.h - the org tree and its people: importing units, users and
 * headcounts from JSON or CSV, with the rules of api.md, shared by the HTTP
 * handlers and quizadm. Audience and unit-kind codes live here. */
#ifndef QUIZ_ORG_H
#define QUIZ_ORG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db_account.h"
#include "outcome.h"

struct auth;
struct db;

/* The audience codes of plan-targets.md. */
extern const char *const org_audiences[];
/* The unit kinds. */
extern const char *const org_unit_kinds[];
bool org_valid_audience(const char *code);
bool org_valid_unit_kind(const char *kind);

/* Who is acting: an admin (scope_path NULL: everywhere) or a unit_admin
 * (scope_path: the path of their unit; they act only inside it). Every
 * import writes one audit-log entry (audit.h) in its own transaction. */
struct org_actor {
	int64_t user_id;
	const char *scope_path;
	const char *username; /* for the audit log; NULL: "quizadm" */
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

/* A person as a roster row or a self-registration gives them; NULL or ""
 * for what is absent. */
struct org_person {
	const char *username, *full_name, *role, *audience, *unit_code, *phone;
	int birth_year; /* 0 when not given */
};
/* The one validation of a person, shared by registration and roster
 * imports: username, full name, role (absent: participant), audience (a
 * participant needs one), birth year and phone when given, and the unit
 * (required but for admins), which is looked up. Returns 1 (valid; *unit
 * filled, id 0 when none), 0 (invalid; msg says why, naming the field), or
 * -1 on a storage error. */
int org_person_check(struct db *db, const struct org_person *p, struct db_unit *unit, char *msg,
		     size_t msglen);

/* Users: rows of {"username","password"?,"full_name","unit_code","audience",
 * "role"}. Each good row is created even when others fail; rows without a
 * password get a generated one, listed in *passwords as
 * [{"username","password"}] (new reference). Returns 0 or -1 (storage). */
int org_import_users(struct db *db, struct auth *auth, json_t *rows, const struct org_actor *actor,
		     int *created, json_t **passwords, struct org_errors *errors);

/* The same three imports as the API asks for them, with an outcome:
 * OUTCOME_FORBIDDEN for a unit_admin without a unit (or, for headcounts, a
 * unit outside their subtree), OUTCOME_NOT_FOUND for an unknown unit,
 * OUTCOME_INVALID when the rows have errors (listed in errors; nothing
 * written), OUTCOME_INTERNAL on a storage error. Users: good rows are
 * created even when others fail (their errors listed, OUTCOME_OK), and
 * *passwords is a new reference on OUTCOME_OK. Headcounts: rows of
 * [{"year","audience","count"}] for the unit unit_code, all or nothing. */
enum outcome org_units_upload(struct db *db, json_t *rows, const struct org_actor *actor,
			      int *created, int *updated, struct org_errors *errors,
			      struct problem *p);
enum outcome org_users_upload(struct db *db, struct auth *auth, json_t *rows,
			      const struct org_actor *actor, int *created, json_t **passwords,
			      struct org_errors *errors, struct problem *p);
enum outcome org_headcounts_upload(struct db *db, const struct org_actor *actor,
				   const char *unit_code, json_t *rows, struct org_errors *errors,
				   struct problem *p);

#endif
