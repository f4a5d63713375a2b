/* privacy.c - the personal-data export and erasure (see privacy.h). */
#include "privacy.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "clock.h"
#include "contest_board.h"
#include "db.h"
#include "db_account.h"
#include "db_person.h"

static json_t *time_or_null(int64_t ms)
{
	char buf[32];
	if (!ms)
		return json_null();
	clock_format(ms, buf);
	return json_string(buf);
}

static json_t *text_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

enum outcome privacy_find(struct db *db, const char *who, int64_t *user_id, struct problem *p)
{
	struct db_user u;
	int found = db_user_by_username(db, who, &u);
	if (found == 1) {
		*user_id = u.id;
		return OUTCOME_OK;
	}
	char *end = NULL;
	long long v = found == 0 && *who ? strtoll(who, &end, 10) : 0;
	if (found == 0 && end && !*end && v > 0) {
		int64_t created, erased;
		found = db_person_get(db, v, &u, &created, &erased);
		if (found == 1) {
			*user_id = v;
			return OUTCOME_OK;
		}
	}
	if (found < 0)
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	return problem_set(p, OUTCOME_NOT_FOUND, "No user %s.", who);
}

static void on_attempt(void *ctx, const struct db_person_attempt *a)
{
	/* A passed, finished mandatory test earns a certificate (cert.c). */
	bool certifiable = a->mandatory && a->passed && strcmp(a->state, "in_progress") != 0;
	json_t *o = json_pack(
		"{s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:o,s:b,s:b,s:o}", "id",
		(json_int_t)a->id, "quiz_id", (json_int_t)a->quiz_id, "quiz_code", a->quiz_code,
		"quiz_title", a->quiz_title, "quiz_kind", a->quiz_kind, "state", a->state,
		"started_at", time_or_null(a->started_at), "finished_at",
		time_or_null(a->finished_at), "unit_code", a->unit_code, "audience", a->audience,
		"score", a->has_score ? json_real(a->score) : json_null(), "max_score",
		a->has_score ? json_real(a->max_score) : json_null(), "passed", a->passed,
		"certificate_available", certifiable, "certificate", text_or_null(a->certificate));
	json_array_append_new((json_t *)ctx, o);
}

static void on_attendance(void *ctx, const struct db_person_attendance *a)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:o,s:b,s:o}", "activity_id",
			      (json_int_t)a->activity_id, "code", a->code, "title", a->title,
			      "kind", a->kind, "starts_at", time_or_null(a->starts_at), "ends_at",
			      time_or_null(a->ends_at), "unit_code", a->unit_code, "audience",
			      a->audience, "how", a->how, "at", time_or_null(a->at),
			      "certificate_available", a->offered, "certificate",
			      text_or_null(a->certificate));
	json_array_append_new((json_t *)ctx, o);
}

static void on_answer(void *ctx, int64_t attempt_id, int64_t question_id, const char *choices,
		      const char *text, int64_t saved_at)
{
	json_error_t jerr;
	json_t *ch = choices ? json_loads(choices, 0, &jerr) : NULL;
	json_array_append_new(
		(json_t *)ctx,
		json_pack("{s:I,s:I,s:o,s:o,s:o}", "attempt_id", (json_int_t)attempt_id,
			  "question_id", (json_int_t)question_id, "choices", ch ? ch : json_null(),
			  "text", text_or_null(text), "saved_at", time_or_null(saved_at)));
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static void on_certificate(void *ctx, const char *code, int64_t attempt_id, int64_t activity_id,
			   int64_t issued_at)
{
	json_array_append_new((json_t *)ctx, json_pack("{s:s,s:s,s:o,s:o,s:o}", "code", code,
						       "kind", activity_id ? "attendance" : "quiz",
						       "attempt_id", id_or_null(attempt_id),
						       "activity_id", id_or_null(activity_id),
						       "issued_at", time_or_null(issued_at)));
}

/* What a person did, read inside one read transaction: attempts and
 * attendances (with the certificates issued for them). */
struct history {
	json_t *attempts, *activities;
};

static int history_read(struct db *db, int64_t user_id, struct history *h)
{
	h->attempts = json_array();
	h->activities = json_array();
	return db_person_attempts(db, user_id, on_attempt, h->attempts) ||
			       db_person_attendances(db, user_id, on_attendance, h->activities)
		       ? -1
		       : 0;
}

static void history_clear(struct history *h)
{
	json_decref(h->attempts);
	json_decref(h->activities);
}

int privacy_history_read(struct db *db, int64_t user_id, json_t **attempts, json_t **activities)
{
	struct history h = { NULL, NULL };
	*attempts = *activities = NULL;
	if (history_read(db, user_id, &h)) {
		history_clear(&h);
		return -1;
	}
	*attempts = h.attempts;
	*activities = h.activities;
	return 0;
}

enum outcome privacy_history(struct db *db, int64_t user_id, json_t **view, struct problem *p)
{
	struct history h = { NULL, NULL };
	enum outcome o = OUTCOME_OK;
	*view = NULL;
	if (db_begin_read(db) || history_read(db, user_id, &h))
		o = problem_set(p, OUTCOME_INTERNAL, "Your history could not be read: %s",
				db_errmsg(db));
	else
		*view = json_pack("{s:O,s:O}", "attempts", h.attempts, "activities", h.activities);
	db_rollback(db);
	history_clear(&h);
	return o;
}

enum outcome privacy_export(struct db *db, int64_t user_id, json_t **view, struct problem *p)
{
	struct db_user u;
	int64_t created_at = 0, erased_at = 0, sessions = 0;
	struct history h = { NULL, NULL };
	json_t *answers = json_array(), *certs = json_array();
	enum outcome o = OUTCOME_OK;
	*view = NULL;
	if (db_begin_read(db)) {
		o = problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
		goto out;
	}
	/* One read transaction: the person, their attempts, answers and
	 * attendances as they stood at one instant. */
	int found = db_person_get(db, user_id, &u, &created_at, &erased_at);
	if (found == 0) {
		o = problem_set(p, OUTCOME_NOT_FOUND, "User not found.");
		goto out;
	}
	if (found < 0 || history_read(db, user_id, &h) ||
	    db_person_answers(db, user_id, on_answer, answers) ||
	    db_person_certificates(db, user_id, on_certificate, certs) ||
	    db_person_session_count(db, user_id, &sessions)) {
		o = problem_set(p, OUTCOME_INTERNAL, "The person's data could not be read: %s",
				db_errmsg(db));
		goto out;
	}
	json_t *user = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
				 (json_int_t)u.id, "username", u.username, "full_name", u.full_name,
				 "role", u.role, "unit_code", text_or_null(u.unit_code), "audience",
				 text_or_null(u.audience), "birth_year",
				 u.birth_year ? json_integer(u.birth_year) : json_null(), "phone",
				 text_or_null(u.phone), "created_at", time_or_null(created_at),
				 "erased_at", time_or_null(erased_at));
	char now[32];
	clock_format(clock_now_ms(), now);
	*view = json_pack("{s:s,s:s,s:o,s:{s:I},s:O,s:O,s:O,s:O}", "legal_basis",
			  "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân", "exported_at", now,
			  "user", user, "sessions", "active", (json_int_t)sessions, "attempts",
			  h.attempts, "answers", answers, "attendances", h.activities,
			  "certificates", certs);
out:
	db_rollback(db);
	history_clear(&h);
	json_decref(answers);
	json_decref(certs);
	return o;
}

enum outcome privacy_erase(struct db *db, int64_t user_id, int64_t actor_id, struct problem *p)
{
	if (actor_id && user_id == actor_id)
		return problem_set(p, OUTCOME_INVALID, "You cannot erase your own account.");
	struct db_user u;
	int64_t created_at, erased_at;
	int found = db_person_get(db, user_id, &u, &created_at, &erased_at);
	if (found == 0)
		return problem_set(p, OUTCOME_NOT_FOUND, "User not found.");
	if (found < 0 || db_person_erase(db, user_id, clock_now_ms()))
		return problem_set(p, OUTCOME_INTERNAL, "The person could not be erased: %s",
				   db_errmsg(db));
	account_sessions_revoked();
	/* Answer once no leaderboard shows the name any more. */
	contest_board_sync();
	return OUTCOME_OK;
}
