/* api_activities.c - activities beyond quizzes (api.md "Activities beyond
 * quizzes"): POST and GET /api/v1/admin/activities, PATCH
 * /api/v1/admin/activities/{id}, POST and GET
 * /api/v1/admin/activities/{id}/attendees, GET
 * /api/v1/admin/activities/{id}/check-in, POST
 * /api/v1/activities/{id}/check-in. Each reads the request, calls
 * activity.c, and answers. */
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "api.h"
#include "app.h"
#include "cards.h"
#include "cert.h"
#include "people.h"

/* What the handlers below share: the caller as an actor, the {id} of the
 * path, the JSON body, and a certificate signer for the writes that may
 * issue certificates, each read only when the handler asks for it. */
struct call {
	struct people_actor actor;
	int64_t id;
	json_t *body; /* owned */
	struct cert_signer *signer; /* owned */
	json_t *answer; /* owned: what the domain answers */
	struct problem p;
};

enum { CALL_ID = 1, CALL_BODY = 2, CALL_SIGNER = 4 };

/* Reads what needs (CALL_*) asks for into c. False when out holds the
 * refusal: 404 for a bad id, 400 for a bad body (c then holds nothing). */
static bool call_begin(struct req *r, struct resp *out, unsigned needs, struct call *c)
{
	memset(c, 0, sizeof *c);
	c->actor.user_id = r->user.id;
	c->actor.username = r->user.username;
	c->actor.scope_path = http_role_of(r->user.role) == ROLE_ADMIN ? NULL : r->user.unit_path;
	if ((needs & CALL_ID) && !http_param_id(r, 0, &c->id)) {
		api_fail(out, problem_set(&c->p, OUTCOME_NOT_FOUND, "Activity not found."), &c->p);
		return false;
	}
	if ((needs & CALL_BODY) && !(c->body = http_body_json(r, out)))
		return false;
	if (needs & CALL_SIGNER)
		c->signer = cert_signer_new(r->app->cfg.data_dir, r->app->cfg.db_path);
	return true;
}

/* Frees what c holds and answers: the refusal of outcome o, or c->answer
 * with status. */
static int call_end(struct call *c, struct resp *out, enum outcome o, int status)
{
	cert_signer_free(c->signer);
	json_decref(c->body);
	if (o != OUTCOME_OK) {
		json_decref(c->answer);
		return api_fail(out, o, &c->p);
	}
	return resp_json(out, status, c->answer);
}

int api_admin_activity_create(struct req *r, struct resp *out)
{
	struct call c;
	if (!call_begin(r, out, CALL_BODY, &c))
		return 0;
	return call_end(&c, out, activity_create(r->db, &c.actor, c.body, &c.answer, &c.p), 201);
}

int api_admin_activity_list(struct req *r, struct resp *out)
{
	struct call c;
	if (!call_begin(r, out, 0, &c))
		return 0;
	return call_end(&c, out,
			activity_list_json(r->db, &c.actor, http_query(r, "unit"),
					   http_query(r, "year"), &c.answer, &c.p),
			200);
}

int api_admin_activity_patch(struct req *r, struct resp *out)
{
	struct call c;
	if (!call_begin(r, out, CALL_ID | CALL_BODY | CALL_SIGNER, &c))
		return 0;
	return call_end(&c, out,
			activity_update(r->db, c.signer, &c.actor, c.id, c.body, &c.answer, &c.p),
			200);
}

int api_admin_activity_attendees_add(struct req *r, struct resp *out)
{
	struct call c;
	if (!call_begin(r, out, CALL_ID | CALL_SIGNER, &c))
		return 0;
	return call_end(&c, out,
			activity_attendees_add(r->db, c.signer, &c.actor, c.id, r->body,
					       r->body_len, api_body_is_csv(r), &c.answer, &c.p),
			200);
}

int api_admin_activity_attendees(struct req *r, struct resp *out)
{
	struct call c;
	if (!call_begin(r, out, CALL_ID, &c))
		return 0;
	return call_end(&c, out, activity_attendees_json(r->db, &c.actor, c.id, &c.answer, &c.p),
			200);
}

int api_admin_activity_check_in_page(struct req *r, struct resp *out)
{
	struct call c;
	struct cards_site site = { r->app->cfg.public_url, http_host(r),
				   r->app->cfg.secure_cookies };
	char *html = NULL;
	if (!call_begin(r, out, CALL_ID, &c))
		return 0;
	enum outcome o = activity_check_in_page(r->db, &c.actor, &site, c.id, &html, &c.p);
	if (o != OUTCOME_OK)
		return call_end(&c, out, o, 0);
	resp_raw(out, 200, "text/html; charset=utf-8", html, strlen(html));
	free(html);
	return 0;
}

int api_activity_check_in(struct req *r, struct resp *out)
{
	struct call c;
	if (!call_begin(r, out, CALL_ID | CALL_SIGNER, &c))
		return 0;
	enum outcome o = activity_check_in(r->db, c.signer, r->user.id, c.id, &c.p);
	if (o == OUTCOME_OK)
		c.answer = json_pack("{s:b}", "checked_in", 1);
	return call_end(&c, out, o, 200);
}
