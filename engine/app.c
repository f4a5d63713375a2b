/* app.c - per-process settings helpers. */
#include "app.h"

#include <stdio.h>
#include <string.h>

#include "db.h"

struct db *app_open_db(struct app *app)
{
	char err[512];
	struct db *db = db_open(app->cfg.db_path, err, sizeof err);
	if (!db)
		fprintf(stderr, "quizd: %s\n", err);
	return db;
}

bool app_registration_open(const struct app *app, const char *audience)
{
	const char *list = app->cfg.register_audiences;
	size_t n = strlen(audience);
	if (!list || !n)
		return false;
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && strncmp(p, audience, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}
