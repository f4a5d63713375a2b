/* api_quizzes.c - handlers of quiz definitions and the participant's quiz
 * list (api.md "Taking quizzes and contests"): POST /api/v1/admin/quizzes,
 * GET /api/v1/quizzes; and the helpers the quiz handlers share. */
#include <stdio.h>

#include "api.h"
#include "app.h"
#include "clock.h"
#include "quiz_def.h"
#include "quiz_service.h"
#include "quiz_view.h"

struct quiz_service *api_quiz_service(struct req *r, struct resp *out)
{
	struct quiz_service *s = quiz_service_of(r->app);
	if (!s) {
		struct problem p;
		api_fail(out,
			 problem_set(&p, OUTCOME_UNAVAILABLE, "The quiz service is not running."),
			 &p);
	}
	return s;
}

bool api_queue_write(struct req *r, struct resp *out, struct quiz_service *s, struct quiz_write *w,
		     int (*resume)(struct req *r, struct resp *out), void *ctx,
		     void (*wake)(void *ctx))
{
	if (!quiz_service_enter(s)) {
		resp_header(out, "Retry-After", "1");
		struct problem busy;
		api_fail(out,
			 problem_set(&busy, OUTCOME_UNAVAILABLE,
				     "The service is stopping; try again."),
			 &busy);
		return false;
	}
	/* Suspend before queueing: the committer may wake r at once. */
	http_suspend(r, resume, ctx);
	quiz_service_submit(s, w, wake, ctx);
	return true;
}

void api_quiz_participant(const struct req *r, struct quiz_participant *p)
{
	p->user_id = r->user.id;
	p->unit_id = r->user.unit_id;
	p->unit_path = r->user.unit_path;
	p->audience = r->user.audience;
	p->client_addr = r->client_addr;
}

int api_quiz_fail(struct resp *out, enum outcome o, const struct problem *p)
{
	if (o != OUTCOME_INTERNAL)
		return api_fail(out, o, p);
	/* Logged once, here; the participant sees no storage detail. */
	fprintf(stderr, "quizd: quiz: %s\n", p ? p->message : "");
	struct problem shown;
	return api_fail(out, problem_set(&shown, o, "Internal error."), &shown);
}

int api_admin_quizzes(struct req *r, struct resp *out)
{
	json_t *def = http_body_json(r, out);
	if (!def)
		return 0;
	struct problem p;
	int64_t id = 0;
	json_t *quiz = NULL;
	enum outcome o = quiz_create(r->db, def, &id, &p);
	json_decref(def);
	if (o == OUTCOME_OK)
		o = quiz_definition_get(r->db, id, &quiz, &p);
	if (o != OUTCOME_OK)
		return api_quiz_fail(out, o, &p);
	char target[32];
	snprintf(target, sizeof target, "quiz:%lld", (long long)id);
	api_audit(r, "quiz.create", target, json_pack("{s:O}", "after", quiz));
	return resp_json(out, 201, json_pack("{s:o}", "quiz", quiz));
}

int api_quizzes(struct req *r, struct resp *out)
{
	struct quiz_service *s = api_quiz_service(r, out);
	if (!s)
		return 0;
	struct quiz_participant part;
	api_quiz_participant(r, &part);
	struct problem p;
	json_t *j = NULL;
	enum outcome o =
		quiz_list_view(r->db, quiz_service_qcache(s), &part, clock_now_ms(), &j, &p);
	if (o != OUTCOME_OK)
		return api_quiz_fail(out, o, &p);
	return resp_json(out, 200, j);
}
