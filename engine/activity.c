/* activity.c - activities beyond quizzes and their attendance: the rules
 * of activity.h over db_activity.c, with the subtree of a unit_admin and
 * an audit entry for every write. */
#include "activity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cards.h"
#include "cert.h"
#include "clock.h"
#include "csvin.h"
#include "db.h"
#include "db_account.h"
#include "db_activity.h"
#include "html.h"
#include "org.h"
#include "people.h"
#include "util.h"

/* Bounds of what an activity holds (each checked with a message). */
#define TOPIC_MAX_BYTES 64
#define TITLE_MAX_BYTES 255
/* An uploaded list names at most this many people. */
#define LIST_MAX 50000

static const char *const KINDS[] = { "training", "seminar", "event", "live_game" };

static bool within_scope(const struct people_actor *actor, const char *path)
{
	if (!actor->scope_path)
		return true;
	return actor->scope_path[0] && db_unit_path_within(path, actor->scope_path);
}

static json_t *activity_json(const struct db_activity *a, bool with_attendees)
{
	char from[32], to[32];
	clock_format(a->starts_at_ms, from);
	clock_format(a->ends_at_ms, to);
	json_t *audiences = json_loads(a->audiences, 0, NULL);
	json_t *topics = json_loads(a->topics, 0, NULL);
	json_t *o = json_pack(
		"{s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:b}", "id", (json_int_t)a->id, "code",
		a->code, "title", a->title, "kind", a->kind, "unit_code", a->unit_code, "audiences",
		audiences ? audiences : json_array(), "topics", topics ? topics : json_array(),
		"starts_at", from, "ends_at", to, "check_in", a->check_in_open ? "open" : "closed",
		"certificate", a->certificate);
	if (with_attendees)
		json_object_set_new(o, "attendees", json_integer(a->attendees));
	return o;
}

/* An array of distinct strings each accepted by ok, stored as JSON text. */
static enum outcome read_list(json_t *v, const char *name, bool (*ok)(const char *s), char *buf,
			      size_t size, struct problem *p)
{
	if (!json_is_array(v))
		return problem_set(p, OUTCOME_INVALID, "Field '%s' must be an array of strings.",
				   name);
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e) || !ok(json_string_value(e)))
			return problem_set(p, OUTCOME_INVALID, "Field '%s': item %zu is not valid.",
					   name, i + 1);
		for (size_t j = 0; j < i; j++)
			if (json_equal(e, json_array_get(v, j)))
				return problem_set(p, OUTCOME_INVALID,
						   "Field '%s': '%s' is named twice.", name,
						   json_string_value(e));
	}
	char *text = json_dumps(v, JSON_COMPACT);
	bool fits = text && strlen(text) < size;
	if (fits)
		util_strlcpy(buf, text, size);
	free(text);
	if (!fits)
		return problem_set(p, OUTCOME_INVALID, "Field '%s' is too long.", name);
	return OUTCOME_OK;
}

static bool topic_ok(const char *s)
{
	return s[0] && util_valid_utf8(s, TOPIC_MAX_BYTES);
}

static enum outcome read_time(json_t *v, const char *name, int64_t *ms, struct problem *p)
{
	if (!json_is_string(v) || clock_parse(json_string_value(v), ms))
		return problem_set(
			p, OUTCOME_INVALID,
			"Field '%s' must be an RFC 3339 time, e.g. 2026-05-04T08:00:00+07:00.",
			name);
	return OUTCOME_OK;
}

static enum outcome read_kind(json_t *v, char *kind, size_t size, struct problem *p)
{
	for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
		if (json_is_string(v) && !strcmp(json_string_value(v), KINDS[i])) {
			util_strlcpy(kind, KINDS[i], size);
			return OUTCOME_OK;
		}
	return problem_set(p, OUTCOME_INVALID,
			   "Field 'kind' must be training, seminar, event or live_game.");
}

/* The fields an edit may set (all of them when creating), onto a. */
static enum outcome read_fields(json_t *body, struct db_activity *a, struct problem *p)
{
	enum outcome o = OUTCOME_OK;
	json_t *v;
	if ((v = json_object_get(body, "title"))) {
		if (!json_is_string(v) || !json_string_value(v)[0] ||
		    !util_valid_utf8(json_string_value(v), TITLE_MAX_BYTES))
			return problem_set(p, OUTCOME_INVALID,
					   "Field 'title' must be text of 1 to %d bytes.",
					   TITLE_MAX_BYTES);
		util_strlcpy(a->title, json_string_value(v), sizeof a->title);
	}
	if ((v = json_object_get(body, "kind")))
		o = read_kind(v, a->kind, sizeof a->kind, p);
	if (o == OUTCOME_OK && (v = json_object_get(body, "audiences")))
		o = read_list(v, "audiences", org_valid_audience, a->audiences, sizeof a->audiences,
			      p);
	if (o == OUTCOME_OK && (v = json_object_get(body, "topics")))
		o = read_list(v, "topics", topic_ok, a->topics, sizeof a->topics, p);
	if (o == OUTCOME_OK && (v = json_object_get(body, "starts_at")))
		o = read_time(v, "starts_at", &a->starts_at_ms, p);
	if (o == OUTCOME_OK && (v = json_object_get(body, "ends_at")))
		o = read_time(v, "ends_at", &a->ends_at_ms, p);
	if (o == OUTCOME_OK && (v = json_object_get(body, "check_in"))) {
		const char *s = json_string_value(v);
		if (!s || (strcmp(s, "open") && strcmp(s, "closed")))
			return problem_set(p, OUTCOME_INVALID,
					   "Field 'check_in' must be \"open\" or \"closed\".");
		a->check_in_open = !strcmp(s, "open");
	}
	if (o == OUTCOME_OK && (v = json_object_get(body, "certificate"))) {
		if (!json_is_boolean(v))
			return problem_set(p, OUTCOME_INVALID,
					   "Field 'certificate' must be true or false.");
		a->certificate = json_is_true(v);
	}
	if (o == OUTCOME_OK && a->ends_at_ms <= a->starts_at_ms)
		o = problem_set(p, OUTCOME_INVALID, "Field 'ends_at' must be after 'starts_at'.");
	return o;
}

static enum outcome audit(struct db *db, const struct people_actor *actor, const char *action,
			  const struct db_activity *a, json_t *detail, struct problem *p)
{
	struct audit_actor who = { actor->user_id, actor->username };
	char target[64];
	snprintf(target, sizeof target, "activity:%lld", (long long)a->id);
	enum outcome o = audit_record(db, &who, action, target, detail, p);
	json_decref(detail);
	return o;
}

static enum outcome internal(struct db *db, struct problem *p)
{
	return problem_set(p, OUTCOME_INTERNAL, "activities: %s", db_errmsg(db));
}

/* Inside a write transaction: u attends a (how: check_in, list), counted
 * once, with the certificate of attendance when a gives one; *added tells
 * whether the attendance is new. */
static enum outcome attend(struct db *db, struct cert_signer *signer, const struct db_activity *a,
			   const struct db_user *u, const char *how, bool *added, struct problem *p)
{
	int rc = db_attendance_add(db, a->id, u->id, clock_vn_year(a->starts_at_ms), u->unit_id,
				   u->audience, how, clock_now_ms());
	if (rc < 0)
		return internal(db, p);
	*added = rc == 1;
	if (rc == 1 && a->certificate)
		return cert_attendance_record(db, signer, a->id, u->id, p);
	return OUTCOME_OK;
}

/* The unit with code, when it lies in the actor's part of the tree:
 * OUTCOME_OK with *unit, else not_found, forbidden or internal (p). */
static enum outcome unit_in_scope(struct db *db, const struct people_actor *actor, const char *code,
				  struct db_unit *unit, struct problem *p)
{
	int rc = db_unit_by_code(db, code, unit);
	if (rc < 0)
		return internal(db, p);
	if (!rc)
		return problem_set(p, OUTCOME_NOT_FOUND, "No unit with code %s.", code);
	if (!within_scope(actor, unit->path))
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Unit %s is outside your part of the tree.", code);
	return OUTCOME_OK;
}

/* Inside a write transaction: the new activity a (unit from unit_code). */
static enum outcome create_in(struct db *db, const struct people_actor *actor,
			      const char *unit_code, struct db_activity *a, struct problem *p)
{
	struct db_unit unit;
	enum outcome o = unit_in_scope(db, actor, unit_code, &unit, p);
	if (o != OUTCOME_OK)
		return o;
	a->unit_id = unit.id;
	util_strlcpy(a->unit_code, unit.code, sizeof a->unit_code);
	int rc = db_activity_insert(db, a, clock_now_ms(), &a->id);
	if (rc == DB_CONFLICT)
		return problem_set(p, OUTCOME_CONFLICT, "Activity code %s is taken.", a->code);
	if (rc)
		return internal(db, p);
	return audit(db, actor, "activity.create", a,
		     json_pack("{s:o}", "after", activity_json(a, false)), p);
}

static const char *required_text(json_t *body, const char *name, size_t max, struct problem *p)
{
	const char *s = json_string_value(json_object_get(body, name));
	if (!s || !s[0] || strlen(s) > max) {
		problem_set(p, OUTCOME_INVALID, "Field '%s' is required (text of 1 to %zu bytes).",
			    name, max);
		return NULL;
	}
	return s;
}

/* Ends the write transaction of a create or an edit whose writes came out
 * as o: commits it when they all went well, then answers {"activity"} with
 * a in *out (new reference); else rolls it back. */
static enum outcome end_write(struct db *db, enum outcome o, const struct db_activity *a,
			      json_t **out, struct problem *p)
{
	if (o == OUTCOME_OK && db_commit(db))
		o = internal(db, p);
	if (o != OUTCOME_OK)
		db_rollback(db);
	else
		*out = json_pack("{s:o}", "activity", activity_json(a, false));
	return o;
}

enum outcome activity_create(struct db *db, const struct people_actor *actor, json_t *body,
			     json_t **out, struct problem *p)
{
	struct db_activity *a = xcalloc(1, sizeof *a);
	enum outcome o = OUTCOME_INVALID;
	const char *code = NULL, *unit_code = NULL;
	if (!json_is_object(body)) {
		problem_set(p, o, "The body must be a JSON object.");
		goto out;
	}
	static const char *const need[] = { "title", "kind", "starts_at", "ends_at" };
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (!json_object_get(body, need[i])) {
			problem_set(p, o, "Field '%s' is required.", need[i]);
			goto out;
		}
	if (!(code = required_text(body, "code", DB_CODE_MAX - 1, p)) ||
	    !(unit_code = required_text(body, "unit_code", DB_CODE_MAX - 1, p)))
		goto out;
	if (!util_valid_code(code)) {
		problem_set(p, o, "Field 'code' may hold letters, digits, '.', '_' and '-' only.");
		goto out;
	}
	util_strlcpy(a->code, code, sizeof a->code);
	util_strlcpy(a->audiences, "[]", sizeof a->audiences);
	util_strlcpy(a->topics, "[]", sizeof a->topics);
	if ((o = read_fields(body, a, p)) != OUTCOME_OK)
		goto out;
	if (db_begin_write(db))
		o = internal(db, p);
	else
		o = end_write(db, create_in(db, actor, unit_code, a, p), a, out, p);
out:
	free(a);
	return o;
}

/* Inside a transaction: activity id, visible to actor, into a. */
static enum outcome find(struct db *db, const struct people_actor *actor, int64_t id,
			 struct db_activity *a, struct problem *p)
{
	int rc = db_activity_by_id(db, id, a);
	if (rc < 0)
		return internal(db, p);
	if (!rc)
		return problem_set(p, OUTCOME_NOT_FOUND, "No activity with id %lld.",
				   (long long)id);
	if (!within_scope(actor, a->unit_path))
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Activity %s belongs to a unit outside your part of the tree.",
				   a->code);
	return OUTCOME_OK;
}

static enum outcome update_in(struct db *db, struct cert_signer *signer,
			      const struct people_actor *actor, int64_t id, json_t *body,
			      struct db_activity *a, struct problem *p)
{
	enum outcome o = find(db, actor, id, a, p);
	if (o != OUTCOME_OK)
		return o;
	json_t *before = activity_json(a, false);
	int year = clock_vn_year(a->starts_at_ms);
	bool certified = a->certificate;
	o = read_fields(body, a, p);
	if (o == OUTCOME_OK && a->attendees > 0 && clock_vn_year(a->starts_at_ms) != year)
		o = problem_set(
			p, OUTCOME_CONFLICT,
			"People attended activity %s in %d: it cannot move to another year.",
			a->code, year);
	if (o == OUTCOME_OK && db_activity_update(db, a, clock_now_ms()))
		o = internal(db, p);
	/* Those who came before the activity gave certificates get theirs. */
	if (o == OUTCOME_OK && a->certificate && !certified)
		o = cert_attendance_backfill(db, signer, a->id, p);
	if (o == OUTCOME_OK)
		return audit(
			db, actor, "activity.update", a,
			json_pack("{s:o,s:o}", "before", before, "after", activity_json(a, false)),
			p);
	json_decref(before);
	return o;
}

enum outcome activity_update(struct db *db, struct cert_signer *signer,
			     const struct people_actor *actor, int64_t id, json_t *body,
			     json_t **out, struct problem *p)
{
	if (!json_is_object(body))
		return problem_set(p, OUTCOME_INVALID, "The body must be a JSON object.");
	static const char *const fixed[] = { "id", "code", "unit_code" };
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (json_object_get(body, fixed[i]))
			return problem_set(p, OUTCOME_INVALID, "Field '%s' cannot be changed.",
					   fixed[i]);
	struct db_activity *a = xcalloc(1, sizeof *a);
	enum outcome o =
		db_begin_write(db)
			? internal(db, p)
			: end_write(db, update_in(db, signer, actor, id, body, a, p), a, out, p);
	free(a);
	return o;
}

static void list_row(const struct db_activity *a, void *ctx)
{
	json_array_append_new(ctx, activity_json(a, true));
}

/* The subtree a list covers: unit's path (or NULL for every unit). */
static enum outcome list_scope(struct db *db, const struct people_actor *actor, const char *unit,
			       char *path, size_t size, struct problem *p)
{
	if (!unit || !unit[0]) {
		if (!actor->scope_path)
			return OUTCOME_OK;
		if (!actor->scope_path[0])
			return problem_set(p, OUTCOME_FORBIDDEN, "You have no unit.");
		util_strlcpy(path, actor->scope_path, size);
		return OUTCOME_OK;
	}
	struct db_unit u;
	enum outcome o = unit_in_scope(db, actor, unit, &u, p);
	if (o == OUTCOME_OK)
		util_strlcpy(path, u.path, size);
	return o;
}

enum outcome activity_list_json(struct db *db, const struct people_actor *actor, const char *unit,
				const char *year, json_t **out, struct problem *p)
{
	int y = clock_vn_year(clock_now_ms());
	if (year && year[0]) {
		char *end;
		long v = strtol(year, &end, 10);
		if (*end || v < 2000 || v > 2100)
			return problem_set(p, OUTCOME_INVALID,
					   "Query 'year' must be a year from 2000 to 2100.");
		y = (int)v;
	}
	char path[512] = "";
	if (db_begin_read(db))
		return internal(db, p);
	enum outcome o = list_scope(db, actor, unit, path, sizeof path, p);
	json_t *list = json_array();
	if (o == OUTCOME_OK &&
	    db_activity_each(db, path[0] ? path : NULL, clock_vn_year_start_ms(y),
			     clock_vn_year_start_ms(y + 1), list_row, list))
		o = internal(db, p);
	db_rollback(db);
	if (o != OUTCOME_OK) {
		json_decref(list);
		return o;
	}
	*out = json_pack("{s:I,s:o}", "total", (json_int_t)json_array_size(list), "activities",
			 list);
	return OUTCOME_OK;
}

/* An upload in progress: where each name of the list goes. */
struct upload {
	struct db *db;
	struct cert_signer *signer;
	const struct people_actor *actor;
	const struct db_activity *a;
	json_t *answer; /* {"added","errors"} */
};

/* One name of an uploaded list: its attendance, or an error entry. */
static enum outcome add_one(const struct upload *up, const char *username, int line,
			    struct problem *p)
{
	struct db *db = up->db;
	const struct people_actor *actor = up->actor;
	json_t *answer = up->answer;
	struct db_user u;
	const char *msg = NULL;
	char buf[160];
	int rc = username[0] ? db_user_by_username(db, username, &u) : 0;
	if (rc < 0)
		return internal(db, p);
	if (!username[0])
		msg = "The username is empty.";
	else if (!rc || (u.unit_id && !within_scope(actor, u.unit_path)) ||
		 (!u.unit_id && actor->scope_path)) {
		snprintf(buf, sizeof buf, "No person with username %.64s in your part of the tree.",
			 username);
		msg = buf;
	}
	if (msg) {
		json_array_append_new(json_object_get(answer, "errors"),
				      json_pack("{s:i,s:s}", "line", line, "message", msg));
		return OUTCOME_OK;
	}
	bool added = false;
	enum outcome o = attend(db, up->signer, up->a, &u, "list", &added, p);
	if (o == OUTCOME_OK && added)
		json_object_set_new(
			answer, "added",
			json_integer(json_integer_value(json_object_get(answer, "added")) + 1));
	return o;
}

static enum outcome add_json(const struct upload *up, json_t *list, struct problem *p)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		const char *name = json_string_value(json_object_get(e, "username"));
		enum outcome o;
		if (!name) {
			json_array_append_new(
				json_object_get(up->answer, "errors"),
				json_pack("{s:i,s:s}", "line", (int)i + 1, "message",
					  "Each item must be an object with a username."));
			continue;
		}
		if ((o = add_one(up, name, (int)i + 1, p)) != OUTCOME_OK)
			return o;
	}
	return OUTCOME_OK;
}

static enum outcome add_csv(const struct upload *up, const struct csv_table *t, struct problem *p)
{
	int col = csv_column(t, "username");
	if (col < 0)
		return problem_set(p, OUTCOME_INVALID, "The CSV has no 'username' column.");
	for (size_t i = 1; i < t->nrecords; i++) {
		enum outcome o = add_one(up, csv_field(&t->records[i], col), t->records[i].line, p);
		if (o != OUTCOME_OK)
			return o;
	}
	return OUTCOME_OK;
}

/* The uploaded list, parsed: a JSON array into *list or a CSV into *t. */
static enum outcome parse_list(const char *body, size_t len, bool csv, json_t **list,
			       struct csv_table **t, struct problem *p)
{
	char err[256];
	size_t n;
	if (csv) {
		if (!(*t = csv_table_parse(body, len, err, sizeof err)))
			return problem_set(p, OUTCOME_INVALID, "CSV: %s", err);
		n = (*t)->nrecords ? (*t)->nrecords - 1 : 0;
	} else {
		json_error_t jerr;
		*list = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_array(*list))
			return problem_set(p, OUTCOME_INVALID,
					   "The body must be a JSON array of {\"username\"} or a"
					   " CSV with a username column.");
		n = json_array_size(*list);
	}
	if (n > LIST_MAX)
		return problem_set(p, OUTCOME_INVALID,
				   "The list names %zu people; upload at most %d at a time.", n,
				   LIST_MAX);
	return OUTCOME_OK;
}

enum outcome activity_attendees_add(struct db *db, struct cert_signer *signer,
				    const struct people_actor *actor, int64_t id, const char *body,
				    size_t len, bool csv, json_t **out, struct problem *p)
{
	json_t *list = NULL, *answer = json_pack("{s:i,s:[]}", "added", 0, "errors");
	struct csv_table *t = NULL;
	struct db_activity *a = xcalloc(1, sizeof *a);
	enum outcome o = parse_list(body, len, csv, &list, &t, p);
	if (o == OUTCOME_OK && db_begin_write(db))
		o = internal(db, p);
	else if (o == OUTCOME_OK) {
		o = find(db, actor, id, a, p);
		struct upload up = { db, signer, actor, a, answer };
		if (o == OUTCOME_OK)
			o = csv ? add_csv(&up, t, p) : add_json(&up, list, p);
		if (o == OUTCOME_OK)
			o = audit(db, actor, "activity.attendees", a,
				  json_pack("{s:O}", "added", json_object_get(answer, "added")), p);
		if (o == OUTCOME_OK && db_commit(db))
			o = internal(db, p);
		if (o != OUTCOME_OK)
			db_rollback(db);
	}
	if (o == OUTCOME_OK)
		*out = json_incref(answer);
	json_decref(answer);
	json_decref(list);
	csv_table_free(t);
	free(a);
	return o;
}

static void attendee_row(const struct db_attendance *a, void *ctx)
{
	char at[32];
	clock_format(a->at_ms, at);
	json_array_append_new(ctx, json_pack("{s:s,s:s,s:s,s:s,s:s}", "username", a->username,
					     "full_name", a->full_name, "unit_code", a->unit_code,
					     "how", a->how, "at", at));
}

enum outcome activity_attendees_json(struct db *db, const struct people_actor *actor, int64_t id,
				     json_t **out, struct problem *p)
{
	struct db_activity *a = xcalloc(1, sizeof *a);
	json_t *list = json_array();
	enum outcome o = db_begin_read(db) ? internal(db, p) : find(db, actor, id, a, p);
	if (o == OUTCOME_OK && db_attendance_each(db, id, attendee_row, list))
		o = internal(db, p);
	db_rollback(db);
	free(a);
	if (o != OUTCOME_OK) {
		json_decref(list);
		return o;
	}
	*out = json_pack("{s:I,s:o}", "total", (json_int_t)json_array_size(list), "attendees",
			 list);
	return OUTCOME_OK;
}

static char *render_check_in(const struct db_activity *a, const char *url)
{
	struct strbuf sb;
	char from[32], to[32];
	clock_format(a->starts_at_ms, from);
	clock_format(a->ends_at_ms, to);
	sb_init(&sb);
	sb_puts(&sb, "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		     "<title>Điểm danh – ");
	html_append(&sb, a->title);
	sb_puts(&sb, "</title><link rel=\"stylesheet\" href=\"/css/checkin-screen.css\"></head>"
		     "<body><main class=\"screen\"><h1>");
	html_append(&sb, a->title);
	sb_puts(&sb, "</h1><p class=\"window\"><time>");
	html_append(&sb, from);
	sb_puts(&sb, "</time> – <time>");
	html_append(&sb, to);
	sb_puts(&sb, "</time></p><p class=\"state\" data-check-in=\"");
	sb_puts(&sb, a->check_in_open ? "open\">Đang mở điểm danh" : "closed\">Đã đóng điểm danh");
	sb_puts(&sb, "</p><figure class=\"qr\">");
	char *svg = cards_qr_svg(url);
	if (svg)
		sb_puts(&sb, svg);
	free(svg);
	sb_puts(&sb, "<figcaption>Quét mã bằng điện thoại, đăng nhập và điểm danh:<br>"
		     "<a class=\"url\" href=\"");
	html_append(&sb, url);
	sb_puts(&sb, "\">");
	html_append(&sb, url);
	sb_puts(&sb, "</a></figcaption></figure></main></body></html>\n");
	return sb_steal(&sb);
}

enum outcome activity_check_in_page(struct db *db, const struct people_actor *actor,
				    const struct cards_site *site, int64_t id, char **html,
				    struct problem *p)
{
	char base[512], url[640];
	if (cards_site_url(site, base, sizeof base))
		return problem_set(p, OUTCOME_INVALID,
				   "The site's address is unknown: no Host header (set "
				   "--public-url).");
	struct db_activity *a = xcalloc(1, sizeof *a);
	enum outcome o = db_begin_read(db) ? internal(db, p) : find(db, actor, id, a, p);
	db_rollback(db);
	if (o == OUTCOME_OK) {
		snprintf(url, sizeof url, "%s/checkin.html#activity=%lld", base, (long long)id);
		*html = render_check_in(a, url);
	}
	free(a);
	return o;
}

enum outcome activity_check_in(struct db *db, struct cert_signer *signer, int64_t user_id,
			       int64_t id, struct problem *p)
{
	struct db_activity *a = xcalloc(1, sizeof *a);
	struct db_user u;
	int64_t now = clock_now_ms();
	enum outcome o = OUTCOME_OK;
	if (db_begin_write(db)) {
		free(a);
		return internal(db, p);
	}
	int rc = db_activity_by_id(db, id, a);
	if (rc < 0)
		o = internal(db, p);
	else if (!rc)
		o = problem_set(p, OUTCOME_NOT_FOUND, "No activity with id %lld.", (long long)id);
	else if (!a->check_in_open || now < a->starts_at_ms || now >= a->ends_at_ms)
		o = problem_set(p, OUTCOME_CHECK_IN_CLOSED, "Check-in of %s is closed.", a->title);
	if (o == OUTCOME_OK && (rc = db_user_by_id(db, user_id, &u)) != 1)
		o = rc < 0 ? internal(db, p) : problem_set(p, OUTCOME_NOT_FOUND, "No such person.");
	bool added = false;
	if (o == OUTCOME_OK)
		o = attend(db, signer, a, &u, "check_in", &added, p);
	if (o == OUTCOME_OK && db_commit(db))
		o = internal(db, p);
	if (o != OUTCOME_OK)
		db_rollback(db);
	free(a);
	return o;
}
