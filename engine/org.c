/* org.c - importing the org tree, people and headcounts. */
#include "org.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "clock.h"
#include "csvin.h"
#include "db.h"
#include "outcome.h"
#include "util.h"

const char *const org_audiences[] = {
	"pupil",      "university_student", "civil_servant", "agency_head",
	"journalist", "telecom_it_staff",   "finance_staff", "public",
	NULL,
};

const char *const org_unit_kinds[] = {
	"province",     "department", "district",
	"commune",      "school",     "university",
	"agency",       "press",      "enterprise_telecom_it",
	"finance_body", NULL,
};

static const char *const school_levels[] = { "thcs", "thpt", "thcs_thpt", NULL };

static bool in_list(const char *const *list, const char *s)
{
	if (!s)
		return false;
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

bool org_valid_audience(const char *code)
{
	return in_list(org_audiences, code);
}

bool org_valid_unit_kind(const char *kind)
{
	return in_list(org_unit_kinds, kind);
}

/* One audit-log entry for an import by actor, inside its transaction;
 * detail is stolen. 0 or -1. */
static int audit_import(struct db *db, const struct org_actor *actor, const char *action,
			const char *target, json_t *detail)
{
	struct audit_actor who = { actor->user_id, actor->username ? actor->username : "quizadm" };
	enum outcome o = audit_record(db, &who, action, target, detail, NULL);
	json_decref(detail);
	return o == OUTCOME_OK ? 0 : -1;
}

static bool valid_school_level(const char *level)
{
	return in_list(school_levels, level);
}

void org_errors_add(struct org_errors *e, int line, const char *fmt, ...)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->items = xrealloc(e->items, e->cap * sizeof *e->items);
	}
	struct org_error *it = &e->items[e->n++];
	it->line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(it->message, sizeof it->message, fmt, ap);
	va_end(ap);
}

void org_errors_cleanup(struct org_errors *e)
{
	free(e->items);
	e->items = NULL;
	e->n = e->cap = 0;
}

json_t *org_errors_json(const struct org_errors *e)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < e->n; i++)
		json_array_append_new(arr, json_pack("{s:i,s:s}", "line", e->items[i].line,
						     "message", e->items[i].message));
	return arr;
}

json_t *org_csv_to_rows(const char *data, size_t len, struct org_errors *errors)
{
	char err[256];
	struct csv_table *t = csv_table_parse(data, len, err, sizeof err);
	if (!t) {
		int line = 1;
		sscanf(err, "line %d", &line);
		const char *msg = strchr(err, ':');
		org_errors_add(errors, line, "%s", msg ? msg + 2 : err);
		return NULL;
	}
	json_t *rows = json_array();
	const struct csv_record *h = &t->records[0];
	for (size_t i = 1; i < t->nrecords; i++) {
		const struct csv_record *rec = &t->records[i];
		json_t *row = json_object();
		for (size_t c = 0; c < h->nfields; c++) {
			const char *name = h->fields[c];
			while (*name == ' ')
				name++;
			if (*name)
				json_object_set_new(row, name, json_string(csv_field(rec, (int)c)));
		}
		json_object_set_new(row, "_line", json_integer(rec->line));
		json_array_append_new(rows, row);
	}
	csv_table_free(t);
	return rows;
}

/* The line to report for row i: its CSV line, or its 1-based JSON index. */
static int row_line(json_t *row, size_t i)
{
	json_t *l = json_object_get(row, "_line");
	return json_is_integer(l) ? (int)json_integer_value(l) : (int)i + 1;
}

/* A string member of a row: NULL when absent or not a string; "" when empty. */
static const char *row_str(json_t *row, const char *name)
{
	json_t *v = json_object_get(row, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool is_blank(const char *s)
{
	return !s || !*s;
}

/* Checks the text fields of one unit row; false after adding errors. */
static bool unit_row_ok(json_t *row, int line, struct org_errors *errors)
{
	size_t before = errors->n;
	if (!json_is_object(row)) {
		org_errors_add(errors, line,
			       "expected an object with code, name, kind, parent_code");
		return false;
	}
	const char *code = row_str(row, "code"), *name = row_str(row, "name");
	const char *kind = row_str(row, "kind"), *level = row_str(row, "level");
	const char *parent = row_str(row, "parent_code");
	json_t *pv = json_object_get(row, "parent_code");
	if (!util_valid_code(code))
		org_errors_add(errors, line, "code must be 1-64 characters of A-Z a-z 0-9 _ . -");
	if (is_blank(name) || !util_valid_utf8(name, 200))
		org_errors_add(errors, line, "name is required (UTF-8, at most 200 bytes)");
	if (!org_valid_unit_kind(kind))
		org_errors_add(errors, line,
			       "kind %s%s%s is not one of province, department, district, "
			       "commune, school, university, agency, press, enterprise_telecom_it, "
			       "finance_body",
			       kind ? "'" : "", kind ? kind : "missing", kind ? "'" : "");
	if (!is_blank(level) && !valid_school_level(level))
		org_errors_add(errors, line, "level must be thcs, thpt or thcs_thpt");
	if (pv && !json_is_null(pv) && !json_is_string(pv))
		org_errors_add(errors, line, "parent_code must be a string or null");
	if (!is_blank(parent) && !util_valid_code(parent))
		org_errors_add(errors, line, "parent_code is not a valid code");
	if (!is_blank(parent) && code && strcmp(parent, code) == 0)
		org_errors_add(errors, line, "a unit cannot be its own parent");
	return errors->n == before;
}

int org_import_units(struct db *db, json_t *rows, const struct org_actor *actor, int *created,
		     int *updated, struct org_errors *errors)
{
	*created = *updated = 0;
	if (!json_is_array(rows)) {
		org_errors_add(errors, 1, "expected a JSON array of units");
		return 1;
	}
	size_t n = json_array_size(rows);
	bool *done = xcalloc(n ? n : 1, sizeof *done);
	int ret = -1;
	for (size_t i = 0; i < n; i++)
		if (!unit_row_ok(json_array_get(rows, i), row_line(json_array_get(rows, i), i),
				 errors))
			done[i] = true;
	if (errors->n) {
		ret = 1;
		goto out;
	}
	if (db_begin_write(db))
		goto out;
	/* Rows whose parent is not there yet wait for a later pass. */
	size_t remaining = n;
	bool progress = true;
	while (remaining && progress) {
		progress = false;
		for (size_t i = 0; i < n; i++) {
			if (done[i])
				continue;
			json_t *row = json_array_get(rows, i);
			int line = row_line(row, i);
			const char *code = row_str(row, "code"),
				   *parent = row_str(row, "parent_code");
			struct db_unit pu, existing;
			int64_t parent_id = 0;
			if (!is_blank(parent)) {
				int rc = db_unit_by_code(db, parent, &pu);
				if (rc < 0)
					goto rollback;
				if (rc == 0)
					continue;
				parent_id = pu.id;
			}
			done[i] = true;
			remaining--;
			progress = true;
			int found = db_unit_by_code(db, code, &existing);
			if (found < 0)
				goto rollback;
			if (actor->scope_path) {
				bool parent_in = parent_id &&
						 db_unit_path_within(pu.path, actor->scope_path);
				bool unit_in = !found || db_unit_path_within(existing.path,
									     actor->scope_path);
				bool is_own_root =
					found && strcmp(existing.path, actor->scope_path) == 0;
				if (is_own_root && existing.parent_id != parent_id) {
					org_errors_add(
						errors, line,
						"unit %s is your own unit: it cannot be moved",
						code);
					continue;
				}
				if (!unit_in || (!is_own_root && !parent_in)) {
					org_errors_add(errors, line,
						       "unit %s is outside your part of the tree",
						       code);
					continue;
				}
			}
			bool was_created;
			int rc =
				db_unit_upsert(db, code, row_str(row, "name"), row_str(row, "kind"),
					       row_str(row, "level"), parent_id, &was_created);
			if (rc < 0)
				goto rollback;
			if (rc == DB_CONFLICT) {
				org_errors_add(errors, line, "%s", db_errmsg(db));
				continue;
			}
			if (was_created)
				(*created)++;
			else
				(*updated)++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!done[i]) {
			json_t *row = json_array_get(rows, i);
			org_errors_add(errors, row_line(row, i),
				       "parent_code %s is not a known unit",
				       row_str(row, "parent_code"));
		}
	}
	if (errors->n) {
		db_rollback(db);
		*created = *updated = 0;
		ret = 1;
		goto out;
	}
	if (audit_import(db, actor, "units.import", "units",
			 json_pack("{s:i,s:i}", "created", *created, "updated", *updated)))
		goto rollback;
	ret = db_commit(db) ? -1 : 0;
	goto out;
rollback:
	db_rollback(db);
	ret = -1;
out:
	free(done);
	return ret;
}

static bool valid_role(const char *role)
{
	return role && (!strcmp(role, "participant") || !strcmp(role, "unit_admin") ||
			!strcmp(role, "admin"));
}

int org_person_check(struct db *db, const struct org_person *p, struct db_unit *unit, char *msg,
		     size_t msglen)
{
	const char *role = is_blank(p->role) ? "participant" : p->role;
	memset(unit, 0, sizeof *unit);
	if (!util_valid_code(p->username)) {
		snprintf(msg, msglen, "username must be 1-64 characters of A-Z a-z 0-9 _ . -");
		return 0;
	}
	if (is_blank(p->full_name) || !util_valid_utf8(p->full_name, 200)) {
		snprintf(msg, msglen, "full_name is required (UTF-8, at most 200 bytes)");
		return 0;
	}
	if (!valid_role(role)) {
		snprintf(msg, msglen, "role must be participant, unit_admin or admin");
		return 0;
	}
	if (!is_blank(p->audience) && !org_valid_audience(p->audience)) {
		snprintf(msg, msglen, "unknown audience '%s'", p->audience);
		return 0;
	}
	if (!strcmp(role, "participant") && is_blank(p->audience)) {
		snprintf(msg, msglen, "a participant needs an audience");
		return 0;
	}
	int year_now = clock_vn_year(clock_now_ms());
	if (p->birth_year && (p->birth_year < 1900 || p->birth_year > year_now)) {
		snprintf(msg, msglen, "birth_year must be an integer from 1900 to %d", year_now);
		return 0;
	}
	if (!is_blank(p->phone)) {
		bool ok = strlen(p->phone) <= 20;
		for (const char *c = p->phone; ok && *c; c++)
			ok = (*c >= '0' && *c <= '9') || *c == '+' || *c == ' ';
		if (!ok) {
			snprintf(msg, msglen,
				 "phone may hold only digits, + and spaces (at most 20)");
			return 0;
		}
	}
	if (is_blank(p->unit_code)) {
		if (strcmp(role, "admin") == 0)
			return 1;
		snprintf(msg, msglen, "unit_code is required");
		return 0;
	}
	int rc = db_unit_by_code(db, p->unit_code, unit);
	if (rc < 0)
		return -1;
	if (!rc) {
		snprintf(msg, msglen, "unit_code %s is not a known unit", p->unit_code);
		return 0;
	}
	return 1;
}

struct pending_user {
	int line;
	struct db_user u;
	char password[AUTH_PASSWORD_MAX + 1];
	bool generated;
};

static int compare_error_lines(const void *a, const void *b)
{
	const struct org_error *x = a, *y = b;
	return (x->line > y->line) - (x->line < y->line);
}

/* Hashes the pending users' passwords together, then creates the accounts
 * in one transaction; a taken username is that row's error. Returns 0 or
 * -1 (storage; nothing created). */
static int insert_pending(struct db *db, struct auth *auth, const struct org_actor *actor,
			  struct pending_user *pending, size_t n, int *created, json_t *passwords,
			  struct org_errors *errors)
{
	if (!n)
		return 0;
	const char **pw = xcalloc(n, sizeof *pw);
	char(*hashes)[AUTH_HASH_MAX] = xcalloc(n, sizeof *hashes);
	int ret = -1;
	for (size_t k = 0; k < n; k++)
		pw[k] = pending[k].password;
	auth_hash_passwords(auth, pw, n, hashes);
	if (db_begin_write(db))
		goto out;
	int64_t now = clock_now_ms();
	json_t *usernames = json_array();
	for (size_t k = 0; k < n; k++) {
		struct pending_user *p = &pending[k];
		if (!hashes[k][0]) {
			org_errors_add(errors, p->line,
				       "the server is busy hashing passwords; retry this row");
			continue;
		}
		int rc = db_user_create(db, &p->u, hashes[k], now);
		if (rc < 0) {
			json_decref(usernames);
			db_rollback(db);
			goto out;
		}
		if (rc == DB_CONFLICT) {
			org_errors_add(errors, p->line, "username %s is taken", p->u.username);
			continue;
		}
		(*created)++;
		json_array_append_new(usernames, json_string(p->u.username));
		if (p->generated)
			json_array_append_new(passwords,
					      json_pack("{s:s,s:s}", "username", p->u.username,
							"password", p->password));
	}
	if (audit_import(db, actor, "users.import", "users",
			 json_pack("{s:i,s:o}", "created", *created, "usernames", usernames)) ||
	    db_commit(db)) {
		db_rollback(db);
		goto out;
	}
	ret = 0;
out:
	if (ret) {
		*created = 0;
		json_array_clear(passwords);
	}
	sodium_memzero(hashes, n * sizeof *hashes);
	free(hashes);
	free(pw);
	return ret;
}

int org_import_users(struct db *db, struct auth *auth, json_t *rows, const struct org_actor *actor,
		     int *created, json_t **passwords, struct org_errors *errors)
{
	*created = 0;
	*passwords = json_array();
	if (!json_is_array(rows)) {
		org_errors_add(errors, 1, "expected a JSON array of users");
		return 0;
	}
	/* Rows are checked first, then every password is hashed at once on the
	 * pool (all cores), then the accounts are written in one transaction. */
	size_t npending = 0;
	struct pending_user *pending = xcalloc(json_array_size(rows) + 1, sizeof *pending);
	int ret = -1;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		int line = row_line(row, i);
		if (!json_is_object(row)) {
			org_errors_add(errors, line, "expected an object");
			continue;
		}
		const char *password = row_str(row, "password");
		struct org_person person = {
			.username = row_str(row, "username"),
			.full_name = row_str(row, "full_name"),
			.role = row_str(row, "role"),
			.audience = row_str(row, "audience"),
			.unit_code = row_str(row, "unit_code"),
		};
		struct db_unit unit;
		char msg[256];
		int rc = org_person_check(db, &person, &unit, msg, sizeof msg);
		if (rc < 0)
			goto out;
		if (rc == 0) {
			org_errors_add(errors, line, "%s", msg);
			continue;
		}
		const char *username = person.username, *full_name = person.full_name;
		const char *audience = person.audience, *unit_code = person.unit_code;
		const char *role = is_blank(person.role) ? "participant" : person.role;
		if (actor->scope_path) {
			if (!strcmp(role, "admin")) {
				org_errors_add(errors, line,
					       "a unit administrator cannot create admins");
				continue;
			}
			if (!unit.id || !db_unit_path_within(unit.path, actor->scope_path)) {
				org_errors_add(errors, line,
					       "unit %s is outside your part of the tree",
					       unit_code ? unit_code : "");
				continue;
			}
		}
		struct pending_user *pu = &pending[npending];
		memset(pu, 0, sizeof *pu);
		pu->line = line;
		pu->generated = is_blank(password);
		if (pu->generated) {
			auth_generate_password(pu->password);
		} else if (!auth_password_acceptable(auth, password, username, msg, sizeof msg)) {
			org_errors_add(errors, line, "weak password: %s", msg);
			continue;
		} else {
			util_strlcpy(pu->password, password, sizeof pu->password);
		}
		util_strlcpy(pu->u.username, username, sizeof pu->u.username);
		util_strlcpy(pu->u.full_name, full_name, sizeof pu->u.full_name);
		util_strlcpy(pu->u.role, role, sizeof pu->u.role);
		util_strlcpy(pu->u.audience, audience ? audience : "", sizeof pu->u.audience);
		pu->u.unit_id = unit.id;
		npending++;
	}
	ret = insert_pending(db, auth, actor, pending, npending, created, *passwords, errors);
out:
	for (size_t k = 0; k < npending; k++)
		sodium_memzero(pending[k].password, sizeof pending[k].password);
	free(pending);
	if (errors->n > 1)
		qsort(errors->items, errors->n, sizeof *errors->items, compare_error_lines);
	return ret;
}

/* Headcounts of one unit, all or nothing: 0, 1 with errors, -1 on a
 * storage error. */
static int set_headcounts(struct db *db, const struct db_unit *unit, json_t *rows,
			  const struct org_actor *actor, struct org_errors *errors)
{
	if (!json_is_array(rows)) {
		org_errors_add(errors, 1, "expected a JSON array of {year, audience, count}");
		return 1;
	}
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		int line = (int)i + 1;
		json_t *year = json_object_get(row, "year"), *count = json_object_get(row, "count");
		const char *aud = json_is_object(row) ? row_str(row, "audience") : NULL;
		if (!json_is_integer(year) || json_integer_value(year) < 2000 ||
		    json_integer_value(year) > 2100)
			org_errors_add(errors, line, "year must be an integer from 2000 to 2100");
		if (!org_valid_audience(aud))
			org_errors_add(errors, line, "audience must be one of the audience codes");
		if (!json_is_integer(count) || json_integer_value(count) < 0 ||
		    json_integer_value(count) > 100000000)
			org_errors_add(errors, line, "count must be a non-negative integer");
	}
	if (errors->n)
		return 1;
	if (db_begin_write(db))
		return -1;
	int64_t now = clock_now_ms();
	json_array_foreach(rows, i, row)
	{
		if (db_headcount_set(db, unit->id,
				     (int)json_integer_value(json_object_get(row, "year")),
				     row_str(row, "audience"),
				     json_integer_value(json_object_get(row, "count")),
				     actor->user_id, now)) {
			db_rollback(db);
			return -1;
		}
	}
	char target[DB_CODE_MAX + 8];
	snprintf(target, sizeof target, "unit:%s", unit->code);
	if (audit_import(db, actor, "unit.headcounts", target, json_pack("{s:O}", "after", rows)) ||
	    db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* ---- uploads by the API: the same imports, with an outcome ---------------- */

/* A unit_admin without a unit may act nowhere. */
static enum outcome actor_check(const struct org_actor *actor, struct problem *p)
{
	if (actor->scope_path && !actor->scope_path[0])
		return problem_set(p, OUTCOME_FORBIDDEN, "Your account has no unit.");
	return OUTCOME_OK;
}

/* The outcome of an import's 0/1/-1. */
static enum outcome import_outcome(struct db *db, int rc, const struct org_errors *errors,
				   const char *what, struct problem *p)
{
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "The %s could not be written: %s", what,
				   db_errmsg(db));
	if (rc > 0)
		return problem_set(p, OUTCOME_INVALID,
				   "%zu problem(s) in the %s; first at line %d: %s", errors->n,
				   what, errors->items[0].line, errors->items[0].message);
	return OUTCOME_OK;
}

enum outcome org_units_upload(struct db *db, json_t *rows, const struct org_actor *actor,
			      int *created, int *updated, struct org_errors *errors,
			      struct problem *p)
{
	*created = *updated = 0;
	enum outcome o = actor_check(actor, p);
	if (o != OUTCOME_OK)
		return o;
	int rc = org_import_units(db, rows, actor, created, updated, errors);
	return import_outcome(db, rc, errors, "units", p);
}

enum outcome org_users_upload(struct db *db, struct auth *auth, json_t *rows,
			      const struct org_actor *actor, int *created, json_t **passwords,
			      struct org_errors *errors, struct problem *p)
{
	*created = 0;
	*passwords = NULL;
	enum outcome o = actor_check(actor, p);
	if (o != OUTCOME_OK)
		return o;
	if (org_import_users(db, auth, rows, actor, created, passwords, errors)) {
		json_decref(*passwords);
		*passwords = NULL;
		return problem_set(p, OUTCOME_INTERNAL, "The users could not be written: %s",
				   db_errmsg(db));
	}
	return OUTCOME_OK;
}

enum outcome org_headcounts_upload(struct db *db, const struct org_actor *actor,
				   const char *unit_code, json_t *rows, struct org_errors *errors,
				   struct problem *p)
{
	struct db_unit unit;
	int rc = db_unit_by_code(db, unit_code, &unit);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "The unit could not be read: %s",
				   db_errmsg(db));
	if (!rc)
		return problem_set(p, OUTCOME_NOT_FOUND, "No unit with code %s.", unit_code);
	if (actor->scope_path &&
	    (!actor->scope_path[0] || !db_unit_path_within(unit.path, actor->scope_path)))
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Unit %s is outside your part of the tree.", unit.code);
	rc = set_headcounts(db, &unit, rows, actor, errors);
	return import_outcome(db, rc, errors, "headcounts", p);
}
