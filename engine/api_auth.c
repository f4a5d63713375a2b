/* api_auth.c - POST /api/v1/auth/login, /card, /logout and /register: each
 * reads the request, calls the account module and answers. Login and
 * registration suspend the connection while the hashing pool works, a card
 * login while its session waits for the group commit. */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "api.h"
#include "app.h"
#include "clock.h"

int api_account_fail(struct resp *out, enum outcome o, const struct problem *p,
		     const struct account_result *res)
{
	api_fail(out, o, p);
	if (o == OUTCOME_RATE_LIMITED) {
		char secs[16];
		snprintf(secs, sizeof secs, "%d", res->retry_after_s > 0 ? res->retry_after_s : 1);
		resp_header(out, "Retry-After", secs);
	}
	return 0;
}

static void wake(void *ctx)
{
	http_wake(ctx);
}

bool api_account_resumed(struct req *r, struct resp *out, struct account_result *res)
{
	struct problem p = { { 0 } };
	enum outcome o = account_op_finish(r->resume_ctx, r->db, res, &p);
	r->resume_ctx = NULL;
	if (o == OUTCOME_OK)
		return true;
	api_account_fail(out, o, &p, res);
	return false;
}

void api_account_suspend(struct req *r, struct account_op *op,
			 int (*resume)(struct req *r, struct resp *out))
{
	/* Suspend first, then queue: the pool may finish before we return. */
	http_suspend(r, resume, op);
	account_op_run(op, wake, r);
}

static void session_cookie(struct req *r, struct resp *out, const char *token, int64_t max_age_s)
{
	char cookie[256];
	snprintf(cookie, sizeof cookie, "sid=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
		 token, (long long)max_age_s, r->app->cfg.secure_cookies ? "; Secure" : "");
	resp_header(out, "Set-Cookie", cookie);
}

/* The answer of a login that passed. */
static int login_answer(struct req *r, struct resp *out, const struct account_result *res)
{
	char expires[32];
	clock_format(res->expires_ms, expires);
	resp_json(out, 200,
		  json_pack("{s:s,s:s,s:s,s:o}", "token", res->token, "csrf_token", res->csrf,
			    "expires_at", expires, "user", api_user_json(&res->user)));
	session_cookie(r, out, res->token, auth_config(r->app->auth)->session_ttl_ms / 1000);
	return 0;
}

static int login_resume(struct req *r, struct resp *out)
{
	struct account_result res;
	if (!api_account_resumed(r, out, &res))
		return 0;
	return login_answer(r, out, &res);
}

int api_card_login(struct req *r, struct resp *out)
{
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	const char *code = api_string_field(body, "code", 64, true, out);
	if (code) {
		struct account_op *op = NULL;
		struct account_result res;
		struct problem p = { { 0 } };
		enum outcome o =
			account_card_begin(r->app, r->db, code, r->client_addr, &op, &res, &p);
		if (o == OUTCOME_OK)
			api_account_suspend(r, op, login_resume);
		else
			api_account_fail(out, o, &p, &res);
	}
	json_decref(body);
	return 0;
}

int api_login(struct req *r, struct resp *out)
{
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	const char *username = api_string_field(body, "username", 64, true, out);
	const char *password =
		username ? api_string_field(body, "password", AUTH_PASSWORD_MAX, true, out) : NULL;
	if (password) {
		struct account_op *op = NULL;
		struct account_result res;
		struct problem p = { { 0 } };
		enum outcome o = account_login_begin(r->app, r->db, username, password,
						     r->client_addr, &op, &res, &p);
		if (o == OUTCOME_OK)
			api_account_suspend(r, op, login_resume);
		else
			api_account_fail(out, o, &p, &res);
	}
	json_decref(body);
	return 0;
}

int api_logout(struct req *r, struct resp *out)
{
	struct problem p = { { 0 } };
	enum outcome o = account_session_end(r->db, r->token, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	resp_json(out, 204, NULL);
	char cookie[128];
	snprintf(cookie, sizeof cookie, "sid=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
		 r->app->cfg.secure_cookies ? "; Secure" : "");
	resp_header(out, "Set-Cookie", cookie);
	return 0;
}

static int register_resume(struct req *r, struct resp *out)
{
	struct account_result res;
	if (!api_account_resumed(r, out, &res))
		return 0;
	return resp_json(out, 201, json_pack("{s:o}", "user", api_user_json(&res.user)));
}

int api_register(struct req *r, struct resp *out)
{
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	if (!json_is_object(body)) {
		struct problem p;
		api_fail(out, problem_set(&p, OUTCOME_INVALID, "Expected a JSON object."), &p);
		goto out;
	}
	struct account_registration reg = { 0 };
	reg.username = api_string_field(body, "username", 64, true, out);
	reg.password = reg.username
			       ? api_string_field(body, "password", AUTH_PASSWORD_MAX, true, out)
			       : NULL;
	reg.full_name = reg.password ? api_string_field(body, "full_name", 200, true, out) : NULL;
	reg.unit_code = reg.full_name ? api_string_field(body, "unit_code", 64, true, out) : NULL;
	reg.audience = reg.unit_code ? api_string_field(body, "audience", 32, true, out) : NULL;
	if (!reg.audience)
		goto out;
	reg.phone = api_string_field(body, "phone", 20, false, out);
	if (out->status)
		goto out;
	json_t *by = json_object_get(body, "birth_year");
	if (json_is_integer(by) && json_integer_value(by) > 0 && json_integer_value(by) < 100000)
		reg.birth_year = (int)json_integer_value(by);
	json_t *contest = json_object_get(body, "contest_id");
	if (json_is_integer(contest) && json_integer_value(contest) > 0)
		reg.contest_id = json_integer_value(contest);
	reg.client_addr = r->client_addr;
	struct account_op *op = NULL;
	struct account_result res = { 0 };
	struct problem p = { { 0 } };
	enum outcome o = account_register_begin(r->app, r->db, &reg, &op, &res, &p);
	if (o == OUTCOME_OK)
		api_account_suspend(r, op, register_resume);
	else
		api_account_fail(out, o, &p, &res);
out:
	json_decref(body);
	return 0;
}
