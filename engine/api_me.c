/* api_me.c - GET /api/v1/me, GET /api/v1/me/history and POST
 * /api/v1/me/password. The password change suspends the connection while
 * the hashing pool works. */
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "api.h"
#include "app.h"
#include "privacy.h"

int api_me(struct req *r, struct resp *out)
{
	/* Clients poll this: the body is rendered once per session cache entry. */
	if (r->render && r->render->len)
		return resp_raw(out, 200, "application/json; charset=utf-8", r->render->body,
				r->render->len);
	json_t *body = json_pack("{s:o}", "user", api_user_json(&r->user));
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return -1;
	size_t len = strlen(text);
	if (r->render && len < sizeof r->render->body) {
		memcpy(r->render->body, text, len);
		r->render->len = len;
	}
	resp_raw(out, 200, "application/json; charset=utf-8", text, len);
	free(text);
	return 0;
}

int api_me_history(struct req *r, struct resp *out)
{
	struct problem p = { { 0 } };
	json_t *view = NULL;
	enum outcome o = privacy_history(r->db, r->user.id, &view, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, view);
}

static int password_resume(struct req *r, struct resp *out)
{
	struct account_result res;
	if (!api_account_resumed(r, out, &res))
		return 0;
	return resp_json(out, 204, NULL);
}

int api_change_password(struct req *r, struct resp *out)
{
	json_t *body = http_body_json(r, out);
	if (!body)
		return 0;
	const char *old_pw = api_string_field(body, "old_password", AUTH_PASSWORD_MAX, true, out);
	const char *new_pw =
		old_pw ? api_string_field(body, "new_password", AUTH_PASSWORD_MAX, true, out)
		       : NULL;
	if (new_pw) {
		struct account_op *op = NULL;
		struct account_result res;
		struct problem p = { { 0 } };
		struct account_password_change chg = {
			.user_id = r->user.id,
			.token = r->token,
			.old_password = old_pw,
			.new_password = new_pw,
			.client_addr = r->client_addr,
		};
		enum outcome o = account_password_begin(r->app, r->db, &chg, &op, &res, &p);
		if (o == OUTCOME_OK)
			api_account_suspend(r, op, password_resume);
		else
			api_account_fail(out, o, &p, &res);
	}
	json_decref(body);
	return 0;
}
