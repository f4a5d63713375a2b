/* registration.c - registration windows, the check a self-registration
 * passes, and confirmation by a unit's administrator (see registration.h). */
#include "registration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_quiz.h"
#include "db_registration.h"
#include "util.h"

/* Logs a storage failure once and answers a message fit to show. */
static enum outcome internal(struct db *db, struct problem *p)
{
	fprintf(stderr, "registration: %s\n", db_errmsg(db));
	return problem_set(p, OUTCOME_INTERNAL, "Self-registration could not be read or written.");
}

/* Commits a write with its audit-log entry (detail stolen), or rolls it
 * back: the outcome. Called inside db_begin_write(). */
static enum outcome commit_audited(struct db *db, const struct org_actor *actor, const char *action,
				   const char *target, json_t *detail, struct problem *p)
{
	struct audit_actor who = { actor->user_id, actor->username ? actor->username : "quizadm" };
	enum outcome o = audit_record(db, &who, action, target, detail, p);
	json_decref(detail);
	if (o == OUTCOME_OK && db_commit(db))
		o = internal(db, p);
	if (o != OUTCOME_OK)
		db_rollback(db);
	return o;
}

static json_t *time_or_null(int64_t ms)
{
	char text[40];
	if (!ms)
		return json_null();
	clock_format(ms, text);
	return json_string(text);
}

static bool window_open_at(const struct db_registration *w, int64_t now)
{
	return (!w->opens_at || w->opens_at <= now) && (!w->closes_at || now < w->closes_at);
}

static json_t *window_json(const struct db_registration *w)
{
	json_t *audiences = json_array();
	for (size_t i = 0; i < w->naudiences; i++)
		json_array_append_new(audiences, json_string(w->audiences[i]));
	return json_pack("{s:I, s:s, s:o, s:s, s:s, s:o, s:o, s:b}", "contest_id",
			 (json_int_t)w->quiz_id, "contest_title", w->quiz_title, "audiences",
			 audiences, "unit_code", w->unit_code, "unit_name", w->unit_name,
			 "opens_at", time_or_null(w->opens_at), "closes_at",
			 time_or_null(w->closes_at), "open", window_open_at(w, clock_now_ms()));
}

/* The contest contest_id into *quiz (caller cleans up): OUTCOME_OK,
 * OUTCOME_NOT_FOUND (none, or a quiz that is not a contest), internal. */
static enum outcome contest_get(struct db *db, int64_t contest_id, struct db_quiz *quiz,
				struct problem *p)
{
	memset(quiz, 0, sizeof *quiz);
	int rc = db_quiz_get(db, contest_id, quiz);
	if (rc < 0)
		return internal(db, p);
	if (rc == 0 || strcmp(quiz->kind, "contest") != 0)
		return problem_set(p, OUTCOME_NOT_FOUND,
				   "Không có cuộc thi số %lld. (No contest "
				   "with id %lld.)",
				   (long long)contest_id, (long long)contest_id);
	return OUTCOME_OK;
}

static bool quiz_has_audience(const struct db_quiz *q, const char *audience)
{
	for (size_t i = 0; i < q->naudiences; i++)
		if (strcmp(q->audiences[i], audience) == 0)
			return true;
	return false;
}

/* body's "audiences" into w: the contest's audiences, each once. */
static enum outcome parse_audiences(json_t *body, const struct db_quiz *quiz,
				    struct db_registration *w, struct problem *p)
{
	json_t *list = json_object_get(body, "audiences");
	if (!json_is_array(list) || !json_array_size(list) ||
	    json_array_size(list) > DB_REGISTRATION_AUDIENCES_MAX)
		return problem_set(
			p, OUTCOME_INVALID,
			"audiences must be a list of 1 to %d of the contest's audiences.",
			DB_REGISTRATION_AUDIENCES_MAX);
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item)
	{
		const char *a = json_string_value(item);
		if (!a || !quiz_has_audience(quiz, a))
			return problem_set(p, OUTCOME_INVALID,
					   "audiences[%zu] is not an audience of the contest.", i);
		for (size_t k = 0; k < w->naudiences; k++)
			if (strcmp(w->audiences[k], a) == 0)
				return problem_set(p, OUTCOME_INVALID,
						   "audiences[%zu] is named twice.", i);
		util_strlcpy(w->audiences[w->naudiences++], a, sizeof w->audiences[0]);
	}
	return OUTCOME_OK;
}

/* body's optional "opens_at" and "closes_at" (RFC 3339 or null) into w. */
static enum outcome parse_bounds(json_t *body, struct db_registration *w, struct problem *p)
{
	static const char *const names[] = { "opens_at", "closes_at" };
	int64_t *bounds[] = { &w->opens_at, &w->closes_at };
	for (int i = 0; i < 2; i++) {
		json_t *v = json_object_get(body, names[i]);
		if (!v || json_is_null(v))
			continue;
		if (!json_is_string(v) || clock_parse(json_string_value(v), bounds[i]) ||
		    *bounds[i] <= 0)
			return problem_set(p, OUTCOME_INVALID,
					   "%s must be an RFC 3339 time or null.", names[i]);
	}
	if (w->opens_at && w->closes_at && w->closes_at <= w->opens_at)
		return problem_set(p, OUTCOME_INVALID, "closes_at must be after opens_at.");
	return OUTCOME_OK;
}

/* The unit with code (a valid code of an existing unit): OUTCOME_OK with
 * *unit, else invalid or internal (p). */
static enum outcome existing_unit(struct db *db, const char *code, struct db_unit *unit,
				  struct problem *p)
{
	int rc = code && util_valid_code(code) ? db_unit_by_code(db, code, unit) : 0;
	if (rc < 0)
		return internal(db, p);
	if (rc == 0)
		return problem_set(p, OUTCOME_INVALID, "unit_code must name an existing unit.");
	return OUTCOME_OK;
}

/* OUTCOME_OK when unit is in the actor's subtree (a unit administrator's;
 * an administrator's is the whole tree), else forbidden (p). */
static enum outcome unit_in_subtree(const struct org_actor *actor, const struct db_unit *unit,
				    struct problem *p)
{
	if (actor->scope_path &&
	    (!actor->scope_path[0] || !db_unit_path_within(unit->path, actor->scope_path)))
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Đơn vị %s nằm ngoài phạm vi quản lý của bạn. (Unit %s is "
				   "outside your subtree.)",
				   unit->code, unit->code);
	return OUTCOME_OK;
}

/* body's "unit_code" into w: an existing unit inside the contest's scope
 * and, for a unit administrator, inside their subtree. */
static enum outcome parse_unit(struct db *db, const struct org_actor *actor, json_t *body,
			       const struct db_quiz *quiz, struct db_registration *w,
			       struct problem *p)
{
	const char *code = json_string_value(json_object_get(body, "unit_code"));
	struct db_unit unit;
	enum outcome o = existing_unit(db, code, &unit, p);
	if (o != OUTCOME_OK)
		return o;
	if (quiz->unit_scope_id && !db_unit_path_within(unit.path, quiz->unit_scope_path))
		return problem_set(p, OUTCOME_INVALID,
				   "unit_code must be inside the contest's unit scope %s.",
				   quiz->unit_scope_code);
	if ((o = unit_in_subtree(actor, &unit, p)) != OUTCOME_OK)
		return o;
	w->unit_id = unit.id;
	return OUTCOME_OK;
}

enum outcome registration_window_open(struct db *db, const struct org_actor *actor,
				      int64_t contest_id, json_t *body, json_t **out,
				      struct problem *p)
{
	struct db_quiz quiz;
	struct db_registration w;
	memset(&w, 0, sizeof w);
	*out = NULL;
	enum outcome o = contest_get(db, contest_id, &quiz, p);
	if (o != OUTCOME_OK)
		goto out;
	if (!json_is_object(body)) {
		o = problem_set(p, OUTCOME_INVALID, "Expected a JSON object.");
		goto out;
	}
	w.quiz_id = quiz.id;
	w.opened_by = actor->user_id;
	w.opened_at = clock_now_ms();
	o = parse_audiences(body, &quiz, &w, p);
	if (o == OUTCOME_OK)
		o = parse_bounds(body, &w, p);
	if (o == OUTCOME_OK)
		o = parse_unit(db, actor, body, &quiz, &w, p);
	if (o != OUTCOME_OK)
		goto out;
	if (db_begin_write(db)) {
		o = internal(db, p);
		goto out;
	}
	if (db_registration_put(db, &w) || db_registration_get(db, quiz.id, &w) != 1) {
		o = internal(db, p);
		db_rollback(db);
		goto out;
	}
	char target[48];
	snprintf(target, sizeof target, "contest:%lld", (long long)quiz.id);
	o = commit_audited(db, actor, "registration.open", target, window_json(&w), p);
	if (o == OUTCOME_OK)
		*out = window_json(&w);
out:
	db_quiz_cleanup(&quiz);
	return o;
}

/* contest_id's window into *w, for actor: see registration_window_get. */
static enum outcome window_for(struct db *db, const struct org_actor *actor, int64_t contest_id,
			       struct db_registration *w, struct problem *p)
{
	struct db_quiz quiz;
	enum outcome o = contest_get(db, contest_id, &quiz, p);
	db_quiz_cleanup(&quiz);
	if (o != OUTCOME_OK)
		return o;
	int rc = db_registration_get(db, contest_id, w);
	if (rc < 0)
		return internal(db, p);
	if (rc == 0)
		return problem_set(p, OUTCOME_NOT_FOUND,
				   "Cuộc thi này chưa mở đăng ký. (Registration is not open for "
				   "this contest.)");
	if (actor->scope_path &&
	    (!actor->scope_path[0] || !db_unit_path_within(w->unit_path, actor->scope_path)))
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Đợt đăng ký này mở cho đơn vị ngoài phạm vi của bạn. (The "
				   "window is for a unit outside your subtree.)");
	return OUTCOME_OK;
}

enum outcome registration_window_get(struct db *db, const struct org_actor *actor,
				     int64_t contest_id, json_t **out, struct problem *p)
{
	struct db_registration w;
	*out = NULL;
	enum outcome o = window_for(db, actor, contest_id, &w, p);
	if (o == OUTCOME_OK)
		*out = window_json(&w);
	return o;
}

enum outcome registration_window_close(struct db *db, const struct org_actor *actor,
				       int64_t contest_id, struct problem *p)
{
	struct db_registration w;
	enum outcome o = window_for(db, actor, contest_id, &w, p);
	if (o != OUTCOME_OK)
		return o;
	if (db_begin_write(db))
		return internal(db, p);
	if (db_registration_delete(db, contest_id) < 0) {
		o = internal(db, p);
		db_rollback(db);
		return o;
	}
	char target[48];
	snprintf(target, sizeof target, "contest:%lld", (long long)contest_id);
	return commit_audited(db, actor, "registration.close", target, window_json(&w), p);
}

enum outcome registration_open_list(struct db *db, json_t **out, struct problem *p)
{
	struct db_registration *windows = NULL;
	size_t n = 0;
	*out = NULL;
	if (db_registration_open_list(db, clock_now_ms(), &windows, &n))
		return internal(db, p);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, window_json(&windows[i]));
	free(windows);
	*out = json_pack("{s:o}", "windows", list);
	return OUTCOME_OK;
}

enum outcome registration_units(struct db *db, int64_t contest_id, json_t **out, struct problem *p)
{
	struct db_registration w;
	*out = NULL;
	int rc = db_registration_get(db, contest_id, &w);
	if (rc < 0)
		return internal(db, p);
	if (rc == 0 || !window_open_at(&w, clock_now_ms()))
		return problem_set(p, OUTCOME_NOT_FOUND,
				   "Cuộc thi này không đang mở đăng ký. (Registration is not open "
				   "for this contest.)");
	struct db_registration_unit *units = NULL;
	size_t n = 0;
	if (db_registration_units(db, w.unit_path, &units, &n))
		return internal(db, p);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list,
				      json_pack("{s:s, s:s, s:s}", "code", units[i].code, "name",
						units[i].name, "kind", units[i].kind));
	free(units);
	*out = json_pack("{s:o}", "units", list);
	return OUTCOME_OK;
}

enum outcome registration_allowed(struct db *db, int64_t contest_id, const char *audience,
				  const char *unit_path, struct problem *p)
{
	struct db_registration w;
	int rc = contest_id > 0 ? db_registration_get(db, contest_id, &w) : 0;
	if (rc < 0)
		return internal(db, p);
	if (rc == 0)
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Cuộc thi này chưa mở đăng ký. Vui lòng liên hệ đơn vị tổ chức. "
				   "(Self-registration is not open for this contest.)");
	int64_t now = clock_now_ms();
	if (w.opens_at && now < w.opens_at)
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Đăng ký chưa bắt đầu. (Registration has not opened yet.)");
	if (w.closes_at && now >= w.closes_at)
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Đăng ký đã kết thúc. (Registration has closed.)");
	bool audience_ok = false;
	for (size_t i = 0; i < w.naudiences; i++)
		audience_ok = audience_ok || strcmp(w.audiences[i], audience) == 0;
	if (!audience_ok)
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Cuộc thi này không mở đăng ký cho đối tượng đã chọn. "
				   "(Registration is not open for this audience.)");
	if (!unit_path || !db_unit_path_within(unit_path, w.unit_path))
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Đơn vị đã chọn không thuộc phạm vi đăng ký của cuộc thi (%s). "
				   "(The unit is outside the registration's units.)",
				   w.unit_name);
	return OUTCOME_OK;
}

enum outcome registration_unconfirmed(struct db *db, const struct org_actor *actor, json_t **out,
				      struct problem *p)
{
	*out = NULL;
	if (actor->scope_path && !actor->scope_path[0])
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Tài khoản quản trị đơn vị chưa gắn với đơn vị nào. (A unit "
				   "administrator without a unit.)");
	struct db_unconfirmed *people = NULL;
	size_t n = 0;
	if (db_registration_unconfirmed(db, actor->scope_path ? actor->scope_path : "", &people,
					&n))
		return internal(db, p);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct db_unconfirmed *u = &people[i];
		char created[40];
		clock_format(u->created_at, created);
		json_array_append_new(
			list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "id",
					(json_int_t)u->id, "username", u->username, "full_name",
					u->full_name, "unit_code", u->unit_code, "unit_name",
					u->unit_name, "audience", u->audience, "contest_id",
					(json_int_t)u->contest_id, "contest_title",
					u->contest_title, "created_at", created));
	}
	free(people);
	*out = json_pack("{s:o}", "users", list);
	return OUTCOME_OK;
}

/* Whether actor may confirm user_id: OUTCOME_OK with *person filled. */
static enum outcome confirmable(struct db *db, const struct org_actor *actor, int64_t user_id,
				struct db_self_registered *person, struct problem *p)
{
	int rc = db_registration_person(db, user_id, person);
	if (rc < 0)
		return internal(db, p);
	if (rc == 0)
		return problem_set(p, OUTCOME_NOT_FOUND,
				   "Không có người dùng số %lld. (No user "
				   "%lld.)",
				   (long long)user_id, (long long)user_id);
	if (actor->scope_path &&
	    (!actor->scope_path[0] || !db_unit_path_within(person->unit_path, actor->scope_path)))
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Người dùng %lld thuộc đơn vị ngoài phạm vi của bạn. (User %lld "
				   "is outside your subtree.)",
				   (long long)user_id, (long long)user_id);
	if (!person->self_registered)
		return problem_set(
			p, OUTCOME_INVALID,
			"Người dùng %lld không tự đăng ký, không cần xác nhận. (User %lld "
			"did not register themselves.)",
			(long long)user_id, (long long)user_id);
	return OUTCOME_OK;
}

enum outcome registration_confirm(struct db *db, const struct org_actor *actor, int64_t user_id,
				  json_t **out, struct problem *p)
{
	struct db_self_registered person;
	*out = NULL;
	enum outcome o = confirmable(db, actor, user_id, &person, p);
	if (o != OUTCOME_OK)
		return o;
	if (db_begin_write(db))
		return internal(db, p);
	int rc = db_registration_confirm(db, user_id, clock_now_ms());
	if (rc < 0) {
		o = internal(db, p);
		db_rollback(db);
		return o;
	}
	char target[48];
	snprintf(target, sizeof target, "user:%lld", (long long)user_id);
	o = commit_audited(db, actor, "user.confirm", target,
			   json_pack("{s:b}", "changed", rc == 1), p);
	if (o != OUTCOME_OK)
		return o;
	*out = json_pack("{s:I, s:b, s:b}", "user_id", (json_int_t)user_id, "confirmed", 1,
			 "changed", rc == 1);
	return OUTCOME_OK;
}

/* {"ids":[...]}: each checked, then all confirmed, inside the caller's
 * transaction; the count in *n. */
static enum outcome confirm_ids(struct db *db, const struct org_actor *actor, json_t *ids,
				int64_t *n, struct problem *p)
{
	if (!json_is_array(ids) || !json_array_size(ids) || json_array_size(ids) > 1000)
		return problem_set(p, OUTCOME_INVALID, "ids must be a list of 1 to 1000 user ids.");
	size_t i;
	json_t *item;
	struct db_self_registered person;
	json_array_foreach(ids, i, item)
	{
		if (!json_is_integer(item) || json_integer_value(item) <= 0)
			return problem_set(p, OUTCOME_INVALID, "ids[%zu] must be a user id.", i);
		enum outcome o = confirmable(db, actor, json_integer_value(item), &person, p);
		if (o != OUTCOME_OK)
			return o;
	}
	int64_t now = clock_now_ms();
	json_array_foreach(ids, i, item)
	{
		int rc = db_registration_confirm(db, json_integer_value(item), now);
		if (rc < 0)
			return internal(db, p);
		*n += rc;
	}
	return OUTCOME_OK;
}

/* {"unit_code"}: every unconfirmed person of the subtree; count in *n. */
static enum outcome confirm_unit(struct db *db, const struct org_actor *actor, const char *code,
				 int64_t *n, struct problem *p)
{
	struct db_unit unit;
	enum outcome o = existing_unit(db, code, &unit, p);
	if (o == OUTCOME_OK)
		o = unit_in_subtree(actor, &unit, p);
	if (o != OUTCOME_OK)
		return o;
	*n = db_registration_confirm_subtree(db, unit.path, clock_now_ms());
	return *n < 0 ? internal(db, p) : OUTCOME_OK;
}

enum outcome registration_confirm_many(struct db *db, const struct org_actor *actor, json_t *body,
				       json_t **out, struct problem *p)
{
	*out = NULL;
	json_t *ids = json_object_get(body, "ids");
	const char *code = json_string_value(json_object_get(body, "unit_code"));
	if (!json_is_object(body) || (!ids) == (!code))
		return problem_set(p, OUTCOME_INVALID,
				   "Expected {\"ids\":[...]} or {\"unit_code\"}, one of the two.");
	if (db_begin_write(db))
		return internal(db, p);
	int64_t n = 0;
	enum outcome o =
		ids ? confirm_ids(db, actor, ids, &n, p) : confirm_unit(db, actor, code, &n, p);
	if (o != OUTCOME_OK) {
		db_rollback(db);
		return o;
	}
	json_t *detail =
		ids ? json_pack("{s:I, s:O}", "confirmed", (json_int_t)n, "ids", ids)
		    : json_pack("{s:I, s:s}", "confirmed", (json_int_t)n, "unit_code", code);
	char target[96];
	snprintf(target, sizeof target, ids ? "users" : "unit:%s", code);
	o = commit_audited(db, actor, "users.confirm", target, detail, p);
	if (o != OUTCOME_OK)
		return o;
	*out = json_pack("{s:I}", "confirmed", (json_int_t)n);
	return OUTCOME_OK;
}
