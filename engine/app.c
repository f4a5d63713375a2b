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
