/* settings.c - names kept as data (settings.h): the known keys with their
 * defaults, read with a fallback, written with an audit entry. */
#include "settings.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "db.h"
#include "db_settings.h"
#include "util.h"

struct setting_def {
	const char *key, *dflt, *about;
};

/* Since 1 March 2025 the provinces' Departments of Information and
 * Communications are part of their Departments of Science and Technology
 * (Sở Khoa học và Công nghệ), which now receive the units' reports. */
static const struct setting_def defs[] = {
	{ SETTINGS_DEPARTMENT, "Sở Khoa học và Công nghệ",
	  "the department that collects the units' yearly reports, writes the provincial report "
	  "and issues certificates" },
	{ SETTINGS_AUTHORITY, "Ủy ban nhân dân tỉnh",
	  "the authority the department's provincial report goes to" },
};
#define NDEFS (sizeof defs / sizeof defs[0])

static const struct setting_def *find(const char *key)
{
	for (size_t i = 0; key && i < NDEFS; i++)
		if (strcmp(defs[i].key, key) == 0)
			return &defs[i];
	return NULL;
}

static enum outcome internal(struct db *db, struct problem *p)
{
	fprintf(stderr, "settings: %s\n", db_errmsg(db));
	return problem_set(p, OUTCOME_INTERNAL, "The settings could not be read or saved.");
}

void settings_get(struct db *db, const char *key, char *buf, size_t size)
{
	const struct setting_def *d = find(key);
	assert(d);
	char *value = NULL;
	int rc = db_setting_get(db, key, &value);
	if (rc < 0)
		fprintf(stderr, "settings: %s\n", db_errmsg(db));
	util_strlcpy(buf, rc == 1 ? value : d->dflt, size);
	free(value);
}

enum outcome settings_set(struct db *db, const struct audit_actor *actor, const char *key,
			  const char *value, struct problem *p)
{
	const struct setting_def *d = find(key);
	if (!d) {
		return problem_set(p, OUTCOME_INVALID, "Unknown setting %.64s; known: %s, %s.",
				   key ? key : "", SETTINGS_DEPARTMENT, SETTINGS_AUTHORITY);
	}
	if (!value || strlen(value) > SETTINGS_VALUE_MAX ||
	    !util_valid_utf8(value, SETTINGS_VALUE_MAX) || strpbrk(value, "\r\n")) {
		return problem_set(p, OUTCOME_INVALID,
				   "The value of %s must be UTF-8 text of at most %d bytes on one "
				   "line.",
				   key, SETTINGS_VALUE_MAX);
	}
	char before[SETTINGS_VALUE_MAX + 1];
	if (db_begin_write(db))
		return internal(db, p);
	settings_get(db, key, before, sizeof before);
	enum outcome o = OUTCOME_OK;
	if (db_setting_put(db, key, value[0] ? value : NULL, clock_now_ms()))
		o = internal(db, p);
	if (o == OUTCOME_OK) {
		json_t *detail = json_pack("{s:s,s:s}", "before", before, "after",
					   value[0] ? value : d->dflt);
		o = audit_record(db, actor, "settings.set", key, detail, p);
		json_decref(detail);
	}
	if (o == OUTCOME_OK && db_commit(db))
		o = internal(db, p);
	if (o != OUTCOME_OK)
		db_rollback(db);
	return o;
}

json_t *settings_list_json(struct db *db)
{
	json_t *list = json_array();
	for (size_t i = 0; i < NDEFS; i++) {
		char value[SETTINGS_VALUE_MAX + 1];
		settings_get(db, defs[i].key, value, sizeof value);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "key", defs[i].key,
						      "value", value, "default", defs[i].dflt,
						      "about", defs[i].about));
	}
	return json_pack("{s:o}", "settings", list);
}
