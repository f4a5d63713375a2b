/* api_live.c - live games: POST /api/v1/live, POST /api/v1/live/join,
 * GET /api/v1/live/{id}/events (server-sent events), POST
 * /api/v1/live/{id}/next, POST /api/v1/live/{id}/answers, GET
 * /api/v1/live/{id}/export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "app.h"
#include "cards.h"
#include "live.h"
#include "quiz_service.h"
#include "quiz_write.h"
#include "util.h"

/* The integer field name of obj into *v (left alone when absent and not
 * required); false after answering 400. */
static bool int_field(json_t *obj, const char *name, bool required, int64_t *v, struct resp *out)
{
	json_t *f = json_object_get(obj, name);
	if (!f && !required)
		return true;
	if (!json_is_integer(f)) {
		resp_error(out, 400, "bad_request", "%s must be an integer.", name);
		return false;
	}
	*v = json_integer_value(f);
	return true;
}

/* The player token of the request: the Bearer token when it has a player
 * token's length, else ?player=; NULL when neither. */
static const char *player_token(struct req *r)
{
	const char *authz = http_request_header(r, "Authorization");
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		const char *t = authz + 7;
		while (*t == ' ')
			t++;
		if (strlen(t) == LIVE_TOKEN_LEN)
			return t;
	}
	const char *q = http_query(r, "player");
	return q && *q ? q : NULL;
}

static bool live_id(struct req *r, int64_t *id, struct resp *out)
{
	struct problem p;
	if (http_param_id(r, 0, id))
		return true;
	api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "No such live game."), &p);
	return false;
}

int api_live_create(struct req *r, struct resp *out)
{
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	struct live_new req = { .seconds = 20 };
	struct problem p;
	int ret = 0;
	if (!json_is_object(body)) {
		resp_error(out, 400, "bad_request", "The body must be a JSON object.");
		goto out;
	}
	if (!int_field(body, "quiz_id", false, &req.quiz_id, out) ||
	    !int_field(body, "count", req.quiz_id <= 0, &req.count, out) ||
	    !int_field(body, "difficulty", false, &req.difficulty, out) ||
	    !int_field(body, "seconds_per_question", req.quiz_id <= 0, &req.seconds, out))
		goto out;
	if (req.quiz_id <= 0 && !(req.bank = api_string_field(body, "bank", 64, true, out)))
		goto out;
	if (json_object_get(body, "topic") &&
	    !(req.topic = api_string_field(body, "topic", 64, false, out)))
		goto out;
	int64_t id = 0;
	char pin[LIVE_PIN_LEN + 1];
	enum outcome o = live_create(r->db, &r->user, &req, &id, pin, &p);
	if (o != OUTCOME_OK) {
		ret = api_fail(out, o, &p);
		goto out;
	}
	char target[32];
	snprintf(target, sizeof target, "live:%lld", (long long)id);
	api_audit(r, "live.create", target, json_incref(body));
	resp_json(out, 201,
		  json_pack("{s:{s:I,s:s,s:s}}", "live", "id", (json_int_t)id, "pin", pin, "state",
			    "lobby"));
out:
	json_decref(body);
	return ret;
}

int api_live_join(struct req *r, struct resp *out)
{
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	struct problem p;
	int ret = 0;
	const char *pin, *nickname;
	if (!json_is_object(body)) {
		resp_error(out, 400, "bad_request", "The body must be a JSON object.");
		goto out;
	}
	if (!(pin = api_string_field(body, "pin", 16, true, out)) ||
	    !(nickname = api_string_field(body, "nickname", 256, true, out)))
		goto out;
	int64_t id = 0;
	char token[LIVE_TOKEN_LEN + 1];
	enum outcome o =
		live_join(r->db, pin, nickname, r->authed ? r->user.id : 0, &id, token, &p);
	if (o != OUTCOME_OK) {
		ret = api_fail(out, o, &p);
		goto out;
	}
	resp_json(out, 200,
		  json_pack("{s:I,s:s}", "live_id", (json_int_t)id, "player_token", token));
out:
	json_decref(body);
	return ret;
}

int api_live_events(struct req *r, struct resp *out)
{
	int64_t id;
	if (!live_id(r, &id, out))
		return 0;
	struct live_caller who = { player_token(r), r->authed ? &r->user : NULL };
	struct http_stream *s = http_stream_new(r);
	struct live_listener *l = NULL;
	struct problem p;
	enum outcome o = live_listen(r->db, id, &who, http_stream_wake, s, &l, &p);
	if (o != OUTCOME_OK) {
		http_stream_discard(s);
		return api_fail(out, o, &p);
	}
	return resp_stream(out, s, "text/event-stream; charset=utf-8", live_listener_read,
			   live_listener_free, l);
}

int api_live_next(struct req *r, struct resp *out)
{
	int64_t id;
	if (!live_id(r, &id, out))
		return 0;
	struct problem p;
	enum outcome o = live_next(r->db, id, &r->user, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, json_object());
}

/* An answer waiting in the group commit for its suspended request. */
struct answer_pending {
	struct quiz_write w;
	struct req *r;
};

static void answer_wake(void *ctx)
{
	struct answer_pending *a = ctx;
	http_wake(a->r);
}

static int resume_answer(struct req *r, struct resp *out)
{
	struct answer_pending *a = r->resume_ctx;
	struct problem p;
	enum outcome o = live_answer_end(&a->w, &p);
	quiz_write_cleanup(&a->w);
	free(a);
	quiz_service_leave(quiz_service_of(r->app));
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, json_pack("{s:b}", "accepted", 1));
}

/* Answers are taken in memory at once and stored through the quiz
 * service's group commit: the request waits, suspended, for the commit. */
int api_live_answer(struct req *r, struct resp *out)
{
	int64_t id, index = 0, choice = 0;
	if (!live_id(r, &id, out))
		return 0;
	struct quiz_service *s = api_quiz_service(r, out);
	if (!s)
		return 0;
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	int ret = 0;
	if (!json_is_object(body)) {
		resp_error(out, 400, "bad_request", "The body must be a JSON object.");
		goto out;
	}
	if (!int_field(body, "index", true, &index, out) ||
	    !int_field(body, "choice", true, &choice, out))
		goto out;
	struct problem p;
	struct answer_pending *a = xcalloc(1, sizeof *a);
	enum outcome o = live_answer_begin(r->db, id, player_token(r), index, choice, &a->w, &p);
	if (o != OUTCOME_OK) {
		free(a);
		ret = api_fail(out, o, &p);
		goto out;
	}
	a->r = r;
	if (!api_queue_write(r, out, s, &a->w, resume_answer, a, answer_wake)) {
		/* not queued: the answer is let go */
		a->w.status = OUTCOME_UNAVAILABLE;
		live_answer_end(&a->w, &p);
		quiz_write_cleanup(&a->w);
		free(a);
	}
out:
	json_decref(body);
	return ret;
}

int api_live_export(struct req *r, struct resp *out)
{
	int64_t id;
	if (!live_id(r, &id, out))
		return 0;
	struct problem p;
	char *csv = NULL;
	size_t len = 0;
	enum outcome o = live_export_csv(r->db, id, &r->user, &csv, &len, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	resp_raw(out, 200, "text/csv; charset=utf-8", csv, len);
	free(csv);
	char disposition[80];
	snprintf(disposition, sizeof disposition, "attachment; filename=\"live-%lld.csv\"",
		 (long long)id);
	resp_header(out, "Content-Disposition", disposition);
	return 0;
}

int api_live_qr(struct req *r, struct resp *out)
{
	struct cards_site site = { r->app->cfg.public_url, http_host(r),
				   r->app->cfg.secure_cookies };
	struct problem p;
	char *svg = NULL;
	enum outcome o = live_join_qr(&site, http_query(r, "pin"), &svg, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	resp_raw(out, 200, "image/svg+xml", svg, strlen(svg));
	free(svg);
	resp_header(out, "Cache-Control", "public, max-age=3600");
	return 0;
}
