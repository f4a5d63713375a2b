/* audit.c - the audit log of administrative writes (see audit.h). */
#include "audit.h"

#include <stdlib.h>

#include "clock.h"
#include "db_audit.h"

enum outcome audit_record(struct db *db, const struct audit_actor *actor, const char *action,
			  const char *target, json_t *detail, struct problem *p)
{
	char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = db_audit_insert(db, clock_now_ms(), actor->user_id,
				 actor->username ? actor->username : "", action, target,
				 text ? text : "{}");
	free(text);
	if (rc)
		return problem_set(p, OUTCOME_INTERNAL, "audit log: %s", db_errmsg(db));
	return OUTCOME_OK;
}

static void entry_json(const struct db_audit_entry *e, void *ctx)
{
	char at[32];
	clock_format(e->at_ms, at);
	json_t *detail = json_loads(e->detail, 0, NULL);
	json_array_append_new(ctx, json_pack("{s:s,s:s,s:s,s:s,s:o}", "at", at, "username",
					     e->username, "action", e->action, "target", e->target,
					     "detail", detail ? detail : json_object()));
}

enum outcome audit_page_json(struct db *db, long long limit, long long offset, json_t **out,
			     struct problem *p)
{
	if (limit < 1 || limit > 500)
		return problem_set(p, OUTCOME_INVALID, "limit: between 1 and 500");
	if (offset < 0)
		return problem_set(p, OUTCOME_INVALID, "offset: 0 or more");
	json_t *entries = json_array();
	int64_t total = 0;
	if (db_audit_page(db, limit, offset, entry_json, entries, &total)) {
		json_decref(entries);
		return problem_set(p, OUTCOME_INTERNAL, "audit log: %s", db_errmsg(db));
	}
	*out = json_pack("{s:o,s:I}", "entries", entries, "total", (json_int_t)total);
	return OUTCOME_OK;
}
