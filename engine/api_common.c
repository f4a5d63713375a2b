/* api_common.c - helpers shared by the handlers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "util.h"

json_t *api_user_json(const struct db_user *u)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o}", "id", (json_int_t)u->id, "username",
			 u->username, "full_name", u->full_name, "role", u->role, "unit_code",
			 u->unit_code[0] ? json_string(u->unit_code) : json_null(), "audience",
			 u->audience[0] ? json_string(u->audience) : json_null());
}

const char *api_string_field(json_t *obj, const char *name, size_t max_bytes, bool required,
			     struct resp *out)
{
	json_t *v = json_object_get(obj, name);
	if (!v || json_is_null(v)) {
		if (required)
			resp_error(out, 400, "bad_request", "Field '%s' is required.", name);
		return NULL;
	}
	if (!json_is_string(v)) {
		resp_error(out, 400, "bad_request", "Field '%s' must be a string.", name);
		return NULL;
	}
	const char *s = json_string_value(v);
	if (strlen(s) > max_bytes || !util_valid_utf8(s, max_bytes)) {
		resp_error(out, 400, "bad_request",
			   "Field '%s' is longer than %zu bytes or not UTF-8.", name, max_bytes);
		return NULL;
	}
	return s;
}

bool api_body_is_csv(const struct req *r)
{
	return strncasecmp(r->content_type, "text/csv", 8) == 0;
}

int api_fail(struct resp *out, enum outcome o, const struct problem *p)
{
	const char *msg = p && p->message[0] ? p->message : "The request could not be completed.";
	return resp_error(out, outcome_http_status(o), outcome_code(o), "%s", msg);
}

enum outcome api_query_int(struct req *r, const char *name, long long *value, struct problem *p)
{
	const char *s = http_query(r, name);
	char *end = NULL;
	if (!s || !*s)
		return OUTCOME_OK;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || end == s)
		return problem_set(p, OUTCOME_INVALID, "Query '%s' must be an integer.", name);
	*value = v;
	return OUTCOME_OK;
}
