/* api_attempts.c - handlers of attempts (api.md "Taking quizzes and
 * contests"): start, read, answer, submit.
 *
 * Writes go through the quiz service's group commit: the domain decides on
 * the handler's connection what to write (or answers from a read), the
 * handler suspends the connection and queues the write, and the committer
 * wakes it once the transaction is on disk; the second half (resume_*)
 * answers on the server's thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "clock.h"
#include "quiz_service.h"
#include "quiz_view.h"
#include "quiz_write.h"
#include "util.h"

/* Answers {"attempt":text} with status; takes text. */
static int attempt_text_response(struct resp *out, int status, char *text)
{
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

/* Answers {"attempt":A} for the caller's attempt id. */
static int attempt_response(struct req *r, struct resp *out, struct quiz_service *s, int64_t id)
{
	struct problem p;
	char *text = NULL;
	enum outcome o = quiz_attempt_view(r->db, quiz_service_qcache(s), r->user.id, id,
					   clock_now_ms(), &text, &p);
	if (o != OUTCOME_OK)
		return api_quiz_fail(out, o, &p);
	return attempt_text_response(out, 200, text);
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

/* Answers what the domain decided before queueing: a refusal, a text read
 * without a write, or (neither) queues p->w, suspending r until resume
 * answers it once committed. Takes p. While the service is stopping,
 * answers 503 at once instead. */
static int answer_or_queue(struct req *r, struct resp *out, struct quiz_service *s,
			   struct pending *p, enum outcome o, char *text,
			   int (*resume)(struct req *r, struct resp *out))
{
	if (o != OUTCOME_OK || text) {
		if (o != OUTCOME_OK)
			api_quiz_fail(out, o, &p->w.problem);
		else
			attempt_text_response(out, 200, text);
		pending_free(p);
		return 0;
	}
	p->r = r;
	if (!api_queue_write(r, out, s, &p->w, resume, p, pending_wake))
		pending_free(p);
	return 0;
}

/* The end of a resume: frees p and tells the service r was answered. */
static void pending_done(struct req *r, struct pending *p)
{
	pending_free(p);
	quiz_service_leave(quiz_service_of(r->app));
}

/* The attempt id of the path, or a 404 answered. */
static bool attempt_param(struct req *r, struct resp *out, int64_t *id)
{
	if (http_param_id(r, 0, id))
		return true;
	struct problem p;
	api_fail(out, quiz_refusal(&p, OUTCOME_NOT_FOUND, NULL), &p);
	return false;
}

static int resume_start(struct req *r, struct resp *out)
{
	struct pending *p = r->resume_ctx;
	struct quiz_service *s = quiz_service_of(r->app);
	char *text = NULL;
	enum outcome o = p->w.status;
	if (o == OUTCOME_OK)
		o = quiz_started_view(r->db, quiz_service_qcache(s), &p->w, clock_now_ms(), &text,
				      &p->w.problem);
	if (o == OUTCOME_OK)
		attempt_text_response(out, p->w.created ? 201 : 200, text);
	else
		api_quiz_fail(out, o, &p->w.problem);
	pending_done(r, p);
	return 0;
}

int api_attempt_start(struct req *r, struct resp *out)
{
	int64_t quiz_id;
	struct quiz_service *s = api_quiz_service(r, out);
	if (!s)
		return 0;
	if (!http_param_id(r, 0, &quiz_id)) {
		struct problem p;
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "No such quiz."), &p);
	}
	struct quiz_participant part;
	api_quiz_participant(r, &part);
	struct pending *p = xcalloc(1, sizeof *p);
	char *text = NULL;
	enum outcome o = quiz_start_begin(r->db, quiz_service_qcache(s), quiz_id, &part,
					  clock_now_ms(), quiz_service_grace_ms(s), &p->w, &text);
	return answer_or_queue(r, out, s, p, o, text, resume_start);
}

static int resume_attempt(struct req *r, struct resp *out)
{
	struct pending *p = r->resume_ctx;
	if (p->w.status == OUTCOME_OK)
		attempt_response(r, out, quiz_service_of(r->app), p->w.attempt_id);
	else
		api_quiz_fail(out, p->w.status, &p->w.problem);
	pending_done(r, p);
	return 0;
}

int api_attempt_get(struct req *r, struct resp *out)
{
	int64_t id;
	struct quiz_service *s = api_quiz_service(r, out);
	if (!s || !attempt_param(r, out, &id))
		return 0;
	struct pending *p = xcalloc(1, sizeof *p);
	char *text = NULL;
	enum outcome o = quiz_attempt_open(r->db, quiz_service_qcache(s), r->user.id, id,
					   clock_now_ms(), quiz_service_grace_ms(s), &p->w, &text);
	return answer_or_queue(r, out, s, p, o, text, resume_attempt);
}

int api_attempt_submit(struct req *r, struct resp *out)
{
	int64_t id;
	struct quiz_service *s = api_quiz_service(r, out);
	if (!s || !attempt_param(r, out, &id))
		return 0;
	json_t *body = NULL;
	if (r->body_len && !(body = http_body_json(r, out)))
		return 0;
	struct pending *p = xcalloc(1, sizeof *p);
	char *text = NULL;
	enum outcome o = quiz_submit_begin(r->db, quiz_service_qcache(s), r->user.id, id, body,
					   clock_now_ms(), quiz_service_grace_ms(s), &p->w, &text);
	json_decref(body);
	return answer_or_queue(r, out, s, p, o, text, resume_attempt);
}

static int resume_answer(struct req *r, struct resp *out)
{
	struct pending *p = r->resume_ctx;
	struct problem pr;
	char *text = NULL;
	if (p->w.status == OUTCOME_OK &&
	    quiz_answer_reply(r->db, quiz_service_qcache(quiz_service_of(r->app)), &p->w,
			      clock_now_ms(), &text, &pr) != OUTCOME_OK) {
		api_fail(out, OUTCOME_INTERNAL, &pr);
	} else if (p->w.status == OUTCOME_OK) {
		resp_raw(out, 200, "application/json; charset=utf-8", text, strlen(text));
	} else {
		api_quiz_fail(out, p->w.status, &p->w.problem);
	}
	free(text);
	pending_done(r, p);
	return 0;
}

int api_answer_save(struct req *r, struct resp *out)
{
	int64_t attempt_id, question_id;
	struct quiz_service *s = api_quiz_service(r, out);
	if (!s || !attempt_param(r, out, &attempt_id))
		return 0;
	if (!http_param_id(r, 1, &question_id)) {
		struct problem p;
		return api_fail(out,
				problem_set(&p, OUTCOME_INVALID,
					    "The question id must be a positive integer."),
				&p);
	}
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	struct pending *p = xcalloc(1, sizeof *p);
	enum outcome o = quiz_answer_prepare(r->db, quiz_service_qcache(s), r->user.id, attempt_id,
					     question_id, body, clock_now_ms(),
					     quiz_service_grace_ms(s), &p->w);
	json_decref(body);
	return answer_or_queue(r, out, s, p, o, NULL, resume_answer);
}
