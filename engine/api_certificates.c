/* api_certificates.c - GET /attempts/{id}/certificate (the printable page
 * of one's own passed mandatory test), GET /activities/{id}/certificate
 * (of one's own attendance of an activity that gives certificates) and
 * GET /certificates/{code} (anyone checks a code). */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "cert.h"

/* The printable page of c, or the failure o. */
static int certificate_page(struct resp *out, enum outcome o, const struct cert *c,
			    struct problem *p)
{
	if (o != OUTCOME_OK)
		return api_fail(out, o, p);
	char *html = cert_html(c, "/api/v1/certificates/");
	resp_raw(out, 200, "text/html; charset=utf-8", html, strlen(html));
	free(html);
	resp_header(out, "X-Certificate-Code", c->code);
	return 0;
}

int api_certificate(struct req *r, struct resp *out)
{
	struct problem p;
	struct cert c;
	int64_t id;
	if (!http_param_id(r, 0, &id))
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "Attempt not found."), &p);
	enum outcome o = cert_issue(r->db, r->app->cfg.data_dir, r->app->cfg.db_path, id,
				    r->user.id, &c, &p);
	return certificate_page(out, o, &c, &p);
}

int api_activity_certificate(struct req *r, struct resp *out)
{
	struct problem p;
	struct cert c;
	int64_t id;
	if (!http_param_id(r, 0, &id))
		return api_fail(out, problem_set(&p, OUTCOME_NOT_FOUND, "Activity not found."), &p);
	struct cert_signer *signer = cert_signer_new(r->app->cfg.data_dir, r->app->cfg.db_path);
	enum outcome o = cert_attendance(r->db, signer, id, r->user.id, &c, &p);
	cert_signer_free(signer);
	return certificate_page(out, o, &c, &p);
}

int api_certificate_check(struct req *r, struct resp *out)
{
	struct problem p;
	struct cert c;
	enum outcome o =
		cert_verify(r->db, r->app->cfg.data_dir, r->app->cfg.db_path, r->params[0], &c, &p);
	if (o != OUTCOME_OK)
		return api_fail(out, o, &p);
	return resp_json(out, 200, cert_json(&c));
}
