/* people.c - the administration's people and units (see people.h). */
#include "people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "audit.h"
#include "clock.h"
#include "contest_board.h"
#include "db_account.h"
#include "db_people.h"
#include "org.h"
#include "privacy.h"
#include "quiz_rules.h"
#include "util.h"

static bool in_scope(const struct people_actor *actor, const char *path)
{
	return !actor->scope_path ||
	       (actor->scope_path[0] && path[0] && db_unit_path_within(path, actor->scope_path));
}

static int slashes(const char *path)
{
	int n = 0;
	for (; *path; path++)
		n += *path == '/';
	return n;
}

/* ---- units ------------------------------------------------------------------ */

struct units_walk {
	json_t *units;
	int root_slashes;
	long long max_depth;
};

static void unit_row_json(const struct db_unit_row *u, void *ctx)
{
	struct units_walk *w = ctx;
	long long depth = slashes(u->path) - w->root_slashes;
	if (w->max_depth >= 0 && depth > w->max_depth)
		return;
	json_array_append_new(
		w->units, json_pack("{s:s,s:s,s:s,s:o,s:I}", "code", u->code, "name", u->name,
				    "kind", u->kind, "parent_code",
				    u->parent_code[0] ? json_string(u->parent_code) : json_null(),
				    "depth", (json_int_t)depth));
}

enum outcome people_units_json(struct db *db, const struct people_actor *actor, const char *root,
			       long long max_depth, json_t **out, struct problem *p)
{
	if (max_depth < -1)
		return problem_set(p, OUTCOME_INVALID, "Query 'depth' must be 0 or more.");
	if (actor->scope_path && !actor->scope_path[0])
		return problem_set(p, OUTCOME_FORBIDDEN, "Your account has no unit.");
	const char *root_path = actor->scope_path;
	struct db_unit unit;
	if (root && root[0]) {
		int rc = db_unit_by_code(db, root, &unit);
		if (rc < 0)
			return problem_set(p, OUTCOME_INTERNAL, "units: %s", db_errmsg(db));
		if (!rc)
			return problem_set(p, OUTCOME_NOT_FOUND, "No unit with code %s.", root);
		if (!in_scope(actor, unit.path))
			return problem_set(p, OUTCOME_FORBIDDEN,
					   "Unit %s is outside your part of the tree.", root);
		root_path = unit.path;
	}
	/* Every root ("/N/") is at depth 0 when an admin asks for the whole tree. */
	struct units_walk w = { json_array(), root_path ? slashes(root_path) : 2, max_depth };
	if (db_units_under(db, root_path, unit_row_json, &w)) {
		json_decref(w.units);
		return problem_set(p, OUTCOME_INTERNAL, "units: %s", db_errmsg(db));
	}
	*out = json_pack("{s:o}", "units", w.units);
	return OUTCOME_OK;
}

/* ---- people ----------------------------------------------------------------- */

/* U: {"id","username","full_name","role","unit_code","unit_name","audience",
 * "disabled","created_at","last_login_at"} (new reference). */
static json_t *people_user_json(const struct db_person *u)
{
	char created[32], last[32];
	clock_format(u->created_at, created);
	if (u->last_login_at)
		clock_format(u->last_login_at, last);
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:b,s:s,s:o}", "id", (json_int_t)u->id,
			 "username", u->username, "full_name", u->full_name, "role", u->role,
			 "unit_code", u->unit_code[0] ? json_string(u->unit_code) : json_null(),
			 "unit_name", u->unit_code[0] ? json_string(u->unit_name) : json_null(),
			 "audience", u->audience[0] ? json_string(u->audience) : json_null(),
			 "disabled", u->disabled, "created_at", created, "last_login_at",
			 u->last_login_at ? json_string(last) : json_null());
}

static bool is_word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c >= 0x80;
}

/* At most this many words of a search are used; more narrow nothing a
 * person would type. */
#define SEARCH_WORDS_MAX 8

int people_search_query(const char *q, char *buf, size_t size)
{
	char *folded = quiz_normalise_answer(q, true);
	if (!folded)
		return -1;
	size_t len = 0;
	int words = 0;
	int ret = 0;
	buf[0] = '\0';
	/* Words as FTS5's unicode61 tokenizer cuts the key: runs of letters and
	 * digits (bytes of multi-byte characters count as letters). */
	for (const char *s = folded; *s && words < SEARCH_WORDS_MAX;) {
		while (*s && !is_word_byte((unsigned char)*s))
			s++;
		const char *start = s;
		while (*s && is_word_byte((unsigned char)*s))
			s++;
		if (s == start)
			break;
		int n = snprintf(buf + len, size - len, "%s\"%.*s\"", words ? " " : "",
				 (int)(s - start), start);
		if (n < 0 || (size_t)n >= size - len - 1) {
			ret = -1;
			goto out;
		}
		len += (size_t)n;
		words++;
	}
	if (words) {
		/* The last word may be a prefix, unless the search ends with a
		 * space: the person finished typing it. */
		size_t qlen = strlen(q);
		if (qlen && is_word_byte((unsigned char)q[qlen - 1])) {
			buf[len++] = '*';
			buf[len] = '\0';
		}
		ret = 1;
	}
out:
	free(folded);
	return ret;
}

static bool valid_role(const char *role)
{
	return role && (!strcmp(role, "participant") || !strcmp(role, "unit_admin") ||
			!strcmp(role, "admin"));
}

static void person_append(const struct db_person *person, void *ctx)
{
	json_array_append_new(ctx, people_user_json(person));
}

/* The filter of a query, checked: OUTCOME_OK or why not. match is the
 * caller's buffer for the search. */
static enum outcome query_filter(struct db *db, const struct people_actor *actor,
				 const struct people_query *q, struct db_unit *unit,
				 struct db_people_filter *f, char *match, size_t match_size,
				 struct problem *p)
{
	if (actor->scope_path && !actor->scope_path[0])
		return problem_set(p, OUTCOME_FORBIDDEN, "Your account has no unit.");
	if (q->limit < 1 || q->limit > 500)
		return problem_set(p, OUTCOME_INVALID, "Query 'limit' must be from 1 to 500.");
	if (q->offset < 0)
		return problem_set(p, OUTCOME_INVALID, "Query 'offset' must be 0 or more.");
	*f = (struct db_people_filter){ .scope_path = actor->scope_path, .disabled = -1 };
	if (q->audience && q->audience[0]) {
		if (!org_valid_audience(q->audience))
			return problem_set(p, OUTCOME_INVALID, "Query 'audience': unknown code %s.",
					   q->audience);
		f->audience = q->audience;
	}
	if (q->role && q->role[0]) {
		if (!valid_role(q->role))
			return problem_set(
				p, OUTCOME_INVALID,
				"Query 'role' must be participant, unit_admin or admin.");
		f->role = q->role;
	}
	if (q->disabled && q->disabled[0]) {
		if (strcmp(q->disabled, "true") && strcmp(q->disabled, "false"))
			return problem_set(p, OUTCOME_INVALID,
					   "Query 'disabled' must be true or false.");
		f->disabled = !strcmp(q->disabled, "true");
	}
	if (q->unit && q->unit[0]) {
		int rc = db_unit_by_code(db, q->unit, unit);
		if (rc < 0)
			return problem_set(p, OUTCOME_INTERNAL, "units: %s", db_errmsg(db));
		if (!rc)
			return problem_set(p, OUTCOME_NOT_FOUND, "No unit with code %s.", q->unit);
		if (!in_scope(actor, unit->path))
			return problem_set(p, OUTCOME_FORBIDDEN,
					   "Unit %s is outside your part of the tree.", q->unit);
		f->scope_path = unit->path;
	}
	if (q->q && q->q[0]) {
		int rc = people_search_query(q->q, match, match_size);
		if (rc < 0)
			return problem_set(p, OUTCOME_INVALID,
					   "Query 'q' must be UTF-8 text of at most 200 bytes.");
		if (rc > 0)
			f->match = match;
	}
	return OUTCOME_OK;
}

enum outcome people_list_json(struct db *db, const struct people_actor *actor,
			      const struct people_query *q, json_t **out, struct problem *p)
{
	struct db_unit unit;
	struct db_people_filter f;
	char match[512];
	if (q->q && strlen(q->q) > 200)
		return problem_set(p, OUTCOME_INVALID,
				   "Query 'q' must be UTF-8 text of at most 200 bytes.");
	enum outcome o = query_filter(db, actor, q, &unit, &f, match, sizeof match, p);
	if (o != OUTCOME_OK)
		return o;
	json_t *users = json_array();
	int64_t total = 0;
	/* One snapshot: the total and the page agree. */
	if (db_begin_read(db) ||
	    db_people_page(db, &f, q->limit, q->offset, person_append, users, &total) ||
	    db_commit(db)) {
		db_rollback(db);
		json_decref(users);
		return problem_set(p, OUTCOME_INTERNAL, "people: %s", db_errmsg(db));
	}
	*out = json_pack("{s:o,s:I}", "users", users, "total", (json_int_t)total);
	return OUTCOME_OK;
}

/* The person id as actor may act on them: OUTCOME_OK with *person filled,
 * OUTCOME_NOT_FOUND (unknown, or outside a unit_admin's subtree), or
 * OUTCOME_INTERNAL. */
static enum outcome people_find(struct db *db, const struct people_actor *actor, int64_t id,
				struct db_person *person, struct problem *p)
{
	int rc = db_people_get(db, id, person);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "people: %s", db_errmsg(db));
	if (!rc || !in_scope(actor, person->unit_path))
		return problem_set(p, OUTCOME_NOT_FOUND, "User not found.");
	return OUTCOME_OK;
}

enum outcome people_record_json(struct db *db, const struct people_actor *actor, int64_t id,
				json_t **out, struct problem *p)
{
	struct db_person person;
	json_t *attempts = NULL, *activities = NULL;
	*out = NULL;
	if (db_begin_read(db))
		return problem_set(p, OUTCOME_INTERNAL, "people: %s", db_errmsg(db));
	/* One read transaction: the person and what they did at one instant. */
	enum outcome o = people_find(db, actor, id, &person, p);
	if (o == OUTCOME_OK && privacy_history_read(db, id, &attempts, &activities))
		o = problem_set(p, OUTCOME_INTERNAL, "people: %s", db_errmsg(db));
	db_rollback(db);
	if (o == OUTCOME_OK)
		*out = json_pack("{s:o,s:o,s:o}", "user", people_user_json(&person), "attempts",
				 attempts, "activities", activities);
	return o;
}

/* ---- edits ------------------------------------------------------------------ */

static const char *const patch_fields[] = { "full_name", "unit_code", "audience",
					    "role",      "disabled",  NULL };

static bool known_field(const char *name)
{
	for (size_t i = 0; patch_fields[i]; i++)
		if (!strcmp(patch_fields[i], name))
			return true;
	return false;
}

static enum outcome patch_unit(struct db *db, const struct people_actor *actor, json_t *v,
			       struct db_person *after, struct problem *p)
{
	if (json_is_null(v) && !actor->scope_path) {
		after->unit_id = 0;
		after->unit_code[0] = after->unit_name[0] = after->unit_path[0] = '\0';
		return OUTCOME_OK;
	}
	if (!json_is_string(v))
		return problem_set(p, OUTCOME_INVALID, "Field 'unit_code' must be a unit code.");
	struct db_unit unit;
	int rc = db_unit_by_code(db, json_string_value(v), &unit);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "units: %s", db_errmsg(db));
	if (!rc)
		return problem_set(p, OUTCOME_INVALID, "Field 'unit_code': no unit with code %s.",
				   json_string_value(v));
	if (!in_scope(actor, unit.path))
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Unit %s is outside your part of the tree.", unit.code);
	after->unit_id = unit.id;
	util_strlcpy(after->unit_code, unit.code, sizeof after->unit_code);
	util_strlcpy(after->unit_name, unit.name, sizeof after->unit_name);
	util_strlcpy(after->unit_path, unit.path, sizeof after->unit_path);
	return OUTCOME_OK;
}

/* Applies body to *after (a copy of the person): OUTCOME_OK or why not. */
static enum outcome patch_apply(struct db *db, const struct people_actor *actor, json_t *body,
				struct db_person *after, struct problem *p)
{
	if (!json_is_object(body))
		return problem_set(p, OUTCOME_INVALID, "Expected a JSON object.");
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		if (!known_field(key))
			return problem_set(p, OUTCOME_INVALID, "Unknown field '%s'.", key);
	}
	if ((v = json_object_get(body, "full_name"))) {
		const char *s = json_string_value(v);
		if (!s || !s[0] || strlen(s) >= sizeof after->full_name)
			return problem_set(p, OUTCOME_INVALID,
					   "Field 'full_name' must be a name of 1 to 255 bytes.");
		util_strlcpy(after->full_name, s, sizeof after->full_name);
	}
	if ((v = json_object_get(body, "role"))) {
		if (!valid_role(json_string_value(v)))
			return problem_set(
				p, OUTCOME_INVALID,
				"Field 'role' must be participant, unit_admin or admin.");
		if (actor->scope_path && strcmp(json_string_value(v), "participant"))
			return problem_set(
				p, OUTCOME_FORBIDDEN,
				"A unit administrator may give no role above participant.");
		util_strlcpy(after->role, json_string_value(v), sizeof after->role);
	}
	if ((v = json_object_get(body, "audience"))) {
		if (json_is_null(v))
			after->audience[0] = '\0';
		else if (!org_valid_audience(json_string_value(v)))
			return problem_set(p, OUTCOME_INVALID,
					   "Field 'audience' must be one of the audience codes.");
		else
			util_strlcpy(after->audience, json_string_value(v), sizeof after->audience);
	}
	if ((v = json_object_get(body, "disabled"))) {
		if (!json_is_boolean(v))
			return problem_set(p, OUTCOME_INVALID,
					   "Field 'disabled' must be true or false.");
		if (json_is_true(v) && after->id == actor->user_id)
			return problem_set(p, OUTCOME_INVALID,
					   "You cannot disable your own account.");
		after->disabled = json_is_true(v);
	}
	if ((v = json_object_get(body, "unit_code"))) {
		enum outcome o = patch_unit(db, actor, v, after, p);
		if (o != OUTCOME_OK)
			return o;
	}
	if (!strcmp(after->role, "participant") && !after->audience[0])
		return problem_set(p, OUTCOME_INVALID, "A participant needs an audience.");
	if (strcmp(after->role, "admin") && !after->unit_id)
		return problem_set(p, OUTCOME_INVALID, "Only an admin may have no unit.");
	return OUTCOME_OK;
}

/* Writes the edit with its audit entry, in the open transaction. */
static enum outcome patch_write(struct db *db, const struct people_actor *actor,
				const struct db_person *before, const struct db_person *after,
				struct problem *p)
{
	bool ends_sessions = after->disabled && !before->disabled;
	if (db_people_update(db, after, clock_now_ms()) ||
	    (ends_sessions &&
	     (db_session_delete_user(db, after->id, NULL) || db_card_delete(db, after->id))))
		return problem_set(p, OUTCOME_INTERNAL, "The person could not be written: %s",
				   db_errmsg(db));
	char target[32];
	snprintf(target, sizeof target, "user:%lld", (long long)after->id);
	json_t *detail = json_pack("{s:o,s:o}", "before", people_user_json(before), "after",
				   people_user_json(after));
	struct audit_actor who = { actor->user_id, actor->username };
	enum outcome o = audit_record(db, &who, "user.update", target, detail, p);
	json_decref(detail);
	return o;
}

enum outcome people_update(struct db *db, const struct people_actor *actor, int64_t id,
			   json_t *body, json_t **out, struct problem *p)
{
	struct db_person before, after;
	if (db_begin_write(db))
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	enum outcome o = people_find(db, actor, id, &before, p);
	if (o != OUTCOME_OK)
		goto rollback;
	if (actor->scope_path && !strcmp(before.role, "admin")) {
		o = problem_set(p, OUTCOME_FORBIDDEN,
				"An administrator's account is not yours to edit.");
		goto rollback;
	}
	after = before;
	o = patch_apply(db, actor, body, &after, p);
	if (o == OUTCOME_OK)
		o = patch_write(db, actor, &before, &after, p);
	if (o != OUTCOME_OK)
		goto rollback;
	if (db_commit(db)) {
		o = problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
		goto rollback;
	}
	/* Sessions cached by this process's workers carry the person's role,
	 * unit and audience: drop them now (other instances within
	 * SESSION_CACHE_MS). */
	if ((after.disabled && !before.disabled) || strcmp(after.role, before.role) != 0 ||
	    after.unit_id != before.unit_id || strcmp(after.audience, before.audience) != 0)
		account_sessions_revoked();
	/* Answer once the leaderboards show the new name. */
	if (strcmp(after.full_name, before.full_name) != 0)
		contest_board_sync();
	o = people_find(db, actor, id, &after, p);
	if (o == OUTCOME_NOT_FOUND)
		o = problem_set(p, OUTCOME_INTERNAL, "The person is gone.");
	if (o == OUTCOME_OK)
		*out = json_pack("{s:o}", "user", people_user_json(&after));
	return o;
rollback:
	db_rollback(db);
	return o;
}

enum outcome people_password_begin(struct app *app, struct db *db, const struct people_actor *actor,
				   int64_t id, struct account_op **op, struct problem *p)
{
	struct db_person person;
	enum outcome o = people_find(db, actor, id, &person, p);
	if (o != OUTCOME_OK)
		return o;
	if (actor->scope_path && !strcmp(person.role, "admin"))
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "An administrator's account is not yours to edit.");
	struct audit_actor who = { actor->user_id, actor->username };
	*op = account_reset_begin(app, id, &who);
	return OUTCOME_OK;
}
