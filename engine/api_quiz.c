/* api_quiz.c - handlers for banks, quiz definitions, the participant's quiz
 * list and attempts (api.md "Taking quizzes and contests").
 *
 * Writes go through the quiz service's group commit: the handler validates
 * on its own connection, suspends the connection, queues the write, and the
 * committer wakes it once the transaction is on disk; the second half
 * (resume_*) answers on the server's thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "bank.h"
#include "bank_formats.h"
#include "clock.h"
#include "db_attempt.h"
#include "db_quiz.h"
#include "quiz.h"
#include "quiz_service.h"
#include "util.h"

/* ---- shared ------------------------------------------------------------- */

static struct quiz_service *service(struct req *r, struct resp *out)
{
	struct quiz_service *s = quiz_service_of(r->app);
	if (!s)
		resp_error(out, 503, "unavailable", "The quiz service is not running.");
	return s;
}

static void participant_of(const struct req *r, struct quiz_participant *p)
{
	p->user_id = r->user.id;
	p->unit_id = r->user.unit_id;
	p->unit_path = r->user.unit_path;
	p->audience = r->user.audience;
}

/* Answers the error of a quiz status; returns 0. */
static int status_error(struct resp *out, enum quiz_status st, const char *message)
{
	switch (st) {
	case QUIZ_OK:
		break;
	case QUIZ_INVALID:
		return resp_error(out, 400, "bad_request", "%s", message);
	case QUIZ_CONFLICT:
		return resp_error(out, 409, "conflict", "%s", message);
	case QUIZ_NOT_FOUND:
		return resp_error(out, 404, "not_found", "Không tìm thấy. (No such attempt.)");
	case QUIZ_FORBIDDEN:
		return resp_error(out, 403, "forbidden",
				  "Bài thi không dành cho bạn. (This quiz is not open to your "
				  "audience or unit.)");
	case QUIZ_NOT_OPEN:
		return resp_error(out, 409, "quiz_not_open", "Bài thi chưa mở hoặc đã đóng. (%s)",
				  message && *message ? message : "The quiz is not open.");
	case QUIZ_NO_ATTEMPTS_LEFT:
		return resp_error(out, 409, "no_attempts_left",
				  "Bạn đã dùng hết số lượt làm bài. (No attempts left.)");
	case QUIZ_TIME_OVER:
		return resp_error(out, 409, "time_over", "Đã hết giờ làm bài. (Time is over.)");
	case QUIZ_ATTEMPT_CLOSED:
		return resp_error(out, 409, "attempt_closed",
				  "Bài làm đã nộp. (The attempt was submitted.)");
	case QUIZ_INTERNAL:
		fprintf(stderr, "quizd: quiz: %s\n", message ? message : "");
		return resp_error(out, 500, "internal", "Internal error.");
	}
	return resp_error(out, 500, "internal", "Internal error.");
}

/* Answers {"attempt":text} with status; takes text (NULL: storage error). */
static int attempt_text_response(struct req *r, struct resp *out, int status, char *text)
{
	if (!text)
		return status_error(out, QUIZ_INTERNAL, db_errmsg(r->db));
	/* Built as text: the attempt is the hottest large answer. */
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "{\"attempt\":");
	sb_puts(&sb, text);
	sb_puts(&sb, "}");
	free(text);
	resp_raw(out, status, "application/json; charset=utf-8", sb.data, sb.len);
	sb_cleanup(&sb);
	return 0;
}

/* Answers {"attempt":A} for attempt id with status. */
static int attempt_response(struct req *r, struct resp *out, int status, int64_t id)
{
	struct quiz_service *s = service(r, out);
	if (!s)
		return 0;
	struct db_attempt a;
	int found;
	int rc = db_attempt_get(r->db, id, &a);
	if (rc <= 0 || a.user_id != r->user.id)
		return rc < 0 ? status_error(out, QUIZ_INTERNAL, db_errmsg(r->db))
			      : status_error(out, QUIZ_NOT_FOUND, NULL);
	const struct db_quiz *q =
		quiz_qcache_quiz(quiz_service_qcache(s), r->db, a.quiz_id, &found);
	if (!q)
		return status_error(out, QUIZ_INTERNAL, db_errmsg(r->db));
	return attempt_text_response(
		r, out, status,
		quiz_attempt_text(r->db, quiz_service_qcache(s), q, &a, clock_now_ms()));
}

/* A write waiting in the group commit for a suspended request. */
struct pending {
	struct quiz_write w;
	struct req *r;
};

static void pending_wake(void *ctx)
{
	struct pending *p = ctx;
	http_wake(p->r);
}

static void pending_free(struct pending *p)
{
	quiz_write_cleanup(&p->w);
	free(p);
}

/* Suspends r and queues p->w (taking p); resume answers once it is
 * committed and then calls pending_done. While the service is stopping,
 * answers 503 at once instead. */
static int queue_write(struct req *r, struct resp *out, struct quiz_service *s, struct pending *p,
		       int (*resume)(struct req *r, struct resp *out))
{
	if (!quiz_service_enter(s)) {
		pending_free(p);
		resp_header(out, "Retry-After", "1");
		return resp_error(out, 503, "unavailable", "The service is stopping; try again.");
	}
	p->r = r;
	/* Suspend before queueing: the committer may wake r at once. */
	http_suspend(r, resume, p);
	quiz_service_submit(s, &p->w, pending_wake, p);
	return 0;
}

/* The end of a resume: frees p and tells the service r was answered. */
static void pending_done(struct req *r, struct pending *p)
{
	pending_free(p);
	quiz_service_leave(quiz_service_of(r->app));
}

/* ---- administration ----------------------------------------------------- */

int api_admin_banks(struct req *r, struct resp *out)
{
	const char *format = http_query(r, "format");
	struct bank_result res;
	bank_result_init(&res);
	enum outcome rc;
	if (!format || !strcmp(format, "json")) {
		rc = bank_import_text(r->db, r->body, r->body_len, "upload", &res);
	} else {
		enum bank_format f;
		if (bank_format_from_name(format, &f)) {
			resp_error(out, 400, "bad_request",
				   "Query 'format' must be json, gift, moodle-xml or aiken.");
			goto out;
		}
		const char *d = http_query(r, "difficulty");
		struct bank_convert_options opts = {
			.code = http_query(r, "code"),
			.title = http_query(r, "title"),
			.language = http_query(r, "language"),
			.audiences = http_query(r, "audiences"),
			.topic = http_query(r, "topic"),
			.difficulty = d ? atoi(d) : 0,
		};
		rc = bank_import_foreign(r->db, f, r->body, r->body_len, &opts, "upload", &res);
	}
	if (rc == OUTCOME_OK) {
		resp_json(out, 200,
			  json_pack("{s:{s:s,s:i,s:i,s:i,s:i,s:i},s:o}", "bank", "code", res.code,
				    "question_count", res.question_count, "inserted", res.inserted,
				    "updated", res.updated, "unchanged", res.unchanged, "retired",
				    res.retired, "skipped", bank_notes_json(&res.skipped)));
	} else if (res.errors.n) {
		resp_json(out, outcome_http_status(rc),
			  json_pack("{s:{s:s,s:s},s:o}", "error", "code", outcome_code(rc),
				    "message", res.problem.message, "errors",
				    bank_notes_json(&res.errors)));
	} else {
		api_fail(out, rc, &res.problem);
	}
out:
	bank_result_cleanup(&res);
	return 0;
}

int api_admin_quizzes(struct req *r, struct resp *out)
{
	json_t *def = http_body_json(r, out);
	if (!def)
		return 0;
	char err[1024] = "";
	int64_t id = 0;
	enum quiz_status st = quiz_create(r->db, def, &id, err, sizeof err);
	json_decref(def);
	if (st != QUIZ_OK)
		return status_error(out, st, err);
	struct db_quiz q;
	if (db_quiz_get(r->db, id, &q) != 1)
		return status_error(out, QUIZ_INTERNAL, db_errmsg(r->db));
	resp_json(out, 201, json_pack("{s:o}", "quiz", quiz_definition_json(&q)));
	db_quiz_cleanup(&q);
	return 0;
}

/* ---- participants ------------------------------------------------------- */

int api_quizzes(struct req *r, struct resp *out)
{
	struct quiz_service *s = service(r, out);
	if (!s)
		return 0;
	struct quiz_participant p;
	participant_of(r, &p);
	json_t *j = quiz_list_json(r->db, quiz_service_qcache(s), &p, clock_now_ms());
	if (!j)
		return status_error(out, QUIZ_INTERNAL, db_errmsg(r->db));
	return resp_json(out, 200, j);
}

static int resume_start(struct req *r, struct resp *out)
{
	struct pending *p = r->resume_ctx;
	struct quiz_service *s = quiz_service_of(r->app);
	int found;
	const struct db_quiz *q = p->w.status == QUIZ_OK
					  ? quiz_qcache_quiz(quiz_service_qcache(s), r->db,
							     p->w.attempt.quiz_id, &found)
					  : NULL;
	if (q)
		attempt_text_response(
			r, out, p->w.created ? 201 : 200,
			quiz_started_text(r->db, quiz_service_qcache(s), q, &p->w, clock_now_ms()));
	else if (p->w.status == QUIZ_OK)
		status_error(out, QUIZ_INTERNAL, db_errmsg(r->db));
	else
		status_error(out, p->w.status, p->w.message);
	pending_done(r, p);
	return 0;
}

int api_attempt_start(struct req *r, struct resp *out)
{
	int64_t quiz_id;
	struct quiz_service *s = service(r, out);
	if (!s)
		return 0;
	if (!http_param_id(r, 0, &quiz_id))
		return resp_error(out, 404, "not_found", "No such quiz.");
	int found;
	const struct db_quiz *q = quiz_qcache_quiz(quiz_service_qcache(s), r->db, quiz_id, &found);
	if (!q)
		return found < 0 ? status_error(out, QUIZ_INTERNAL, db_errmsg(r->db))
				 : resp_error(out, 404, "not_found", "No such quiz.");
	struct quiz_participant part;
	participant_of(r, &part);
	int64_t now = clock_now_ms();
	int64_t grace = quiz_service_grace_ms(s);
	struct db_attempt cur;
	/* A resume needs no write: answer it from a read. */
	if (quiz_visible_to(q, &part)) {
		int rc = db_attempt_in_progress(r->db, q->id, r->user.id, &cur);
		if (rc < 0)
			return status_error(out, QUIZ_INTERNAL, db_errmsg(r->db));
		if (rc == 1 && now <= cur.deadline + grace)
			return attempt_response(r, out, 200, cur.id);
	}
	struct pending *p = xcalloc(1, sizeof *p);
	enum quiz_status st =
		quiz_start_prepare(r->db, quiz_service_qcache(s), q, &part, now, grace, &p->w);
	if (st != QUIZ_OK) {
		status_error(out, st, p->w.message);
		pending_free(p);
		return 0;
	}
	return queue_write(r, out, s, p, resume_start);
}

static int resume_attempt(struct req *r, struct resp *out)
{
	struct pending *p = r->resume_ctx;
	if (p->w.status == QUIZ_OK)
		attempt_response(r, out, 200, p->w.attempt_id);
	else
		status_error(out, p->w.status, p->w.message);
	pending_done(r, p);
	return 0;
}

int api_attempt_get(struct req *r, struct resp *out)
{
	int64_t id;
	struct quiz_service *s = service(r, out);
	if (!s)
		return 0;
	if (!http_param_id(r, 0, &id))
		return status_error(out, QUIZ_NOT_FOUND, NULL);
	struct db_attempt a;
	int rc = db_attempt_get(r->db, id, &a);
	if (rc <= 0 || a.user_id != r->user.id)
		return rc < 0 ? status_error(out, QUIZ_INTERNAL, db_errmsg(r->db))
			      : status_error(out, QUIZ_NOT_FOUND, NULL);
	int64_t now = clock_now_ms();
	if (!strcmp(a.state, "in_progress") && now > a.deadline + quiz_service_grace_ms(s)) {
		/* Past its deadline: finalise it now rather than show it open. */
		struct pending *p = xcalloc(1, sizeof *p);
		quiz_finish_prepare(id, false, false, 0, now, quiz_service_grace_ms(s), &p->w);
		return queue_write(r, out, s, p, resume_attempt);
	}
	return attempt_response(r, out, 200, id);
}

int api_attempt_submit(struct req *r, struct resp *out)
{
	int64_t id;
	struct quiz_service *s = service(r, out);
	if (!s)
		return 0;
	if (!http_param_id(r, 0, &id))
		return status_error(out, QUIZ_NOT_FOUND, NULL);
	bool has_prediction = false;
	int64_t prediction = 0;
	if (r->body_len) {
		json_t *body = http_body_json(r, out);
		if (!body)
			return 0;
		json_t *pr = json_object_get(body, "prediction");
		if (!json_is_object(body) ||
		    (pr && !json_is_null(pr) &&
		     (!json_is_integer(pr) || json_integer_value(pr) < 0))) {
			json_decref(body);
			return resp_error(out, 400, "bad_request",
					  "Field 'prediction' must be a non-negative integer.");
		}
		if (pr && !json_is_null(pr)) {
			has_prediction = true;
			prediction = json_integer_value(pr);
		}
		json_decref(body);
	}
	struct db_attempt a;
	int rc = db_attempt_get(r->db, id, &a);
	if (rc <= 0 || a.user_id != r->user.id)
		return rc < 0 ? status_error(out, QUIZ_INTERNAL, db_errmsg(r->db))
			      : status_error(out, QUIZ_NOT_FOUND, NULL);
	if (strcmp(a.state, "in_progress") != 0)
		return attempt_response(r, out, 200, id);
	struct pending *p = xcalloc(1, sizeof *p);
	quiz_finish_prepare(id, true, has_prediction, prediction, clock_now_ms(),
			    quiz_service_grace_ms(s), &p->w);
	return queue_write(r, out, s, p, resume_attempt);
}

static int resume_answer(struct req *r, struct resp *out)
{
	struct pending *p = r->resume_ctx;
	if (p->w.status == QUIZ_OK) {
		int64_t now = clock_now_ms();
		int64_t remaining = p->w.attempt.deadline > now ? p->w.attempt.deadline - now : 0;
		char body[64];
		int n = snprintf(body, sizeof body, "{\"saved\":true,\"remaining_ms\":%lld}",
				 (long long)remaining);
		resp_raw(out, 200, "application/json; charset=utf-8", body, (size_t)n);
	} else {
		status_error(out, p->w.status, p->w.message);
	}
	pending_done(r, p);
	return 0;
}

int api_answer_save(struct req *r, struct resp *out)
{
	int64_t attempt_id, question_id;
	struct quiz_service *s = service(r, out);
	if (!s)
		return 0;
	if (!http_param_id(r, 0, &attempt_id))
		return status_error(out, QUIZ_NOT_FOUND, NULL);
	if (!http_param_id(r, 1, &question_id))
		return resp_error(out, 400, "bad_request",
				  "The question id must be a positive integer.");
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	struct pending *p = xcalloc(1, sizeof *p);
	enum quiz_status st = quiz_answer_prepare(r->db, quiz_service_qcache(s), r->user.id,
						  attempt_id, question_id, body, clock_now_ms(),
						  quiz_service_grace_ms(s), &p->w);
	json_decref(body);
	if (st != QUIZ_OK) {
		status_error(out, st, p->w.message);
		pending_free(p);
		return 0;
	}
	return queue_write(r, out, s, p, resume_answer);
}
