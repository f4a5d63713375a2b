/* service.c - starts and stops the background services of quizd. */
#include "service.h"

#include <stdio.h>

#include "app.h"
#include "contest_board.h"
#include "db.h"
#include "live.h"
#include "quiz_service.h"

int service_start(struct app *app, struct db *db, char *err, size_t errlen)
{
	(void)db;
	struct db *board_db = app_open_db(app);
	if (!board_db) {
		snprintf(err, errlen, "contest boards: cannot open the database");
		return -1;
	}
	if (contest_board_service_start(board_db, err, errlen))
		return -1;
	if (quiz_service_start(app, err, errlen)) {
		contest_board_service_stop();
		return -1;
	}
	struct db *live_db = app_open_db(app);
	if (!live_db) {
		snprintf(err, errlen, "live games: cannot open the database");
		quiz_service_stop(app);
		contest_board_service_stop();
		return -1;
	}
	if (live_service_start(live_db, err, errlen)) {
		db_close(live_db);
		quiz_service_stop(app);
		contest_board_service_stop();
		return -1;
	}
	return 0;
}

void service_quiesce(struct app *app)
{
	live_service_quiesce();
	quiz_service_quiesce(app);
}

void service_stop(struct app *app)
{
	live_service_stop();
	/* The committer hands completions to the merger: it stops first. */
	quiz_service_stop(app);
	contest_board_service_stop();
}
