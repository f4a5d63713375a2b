/* service.c - starts and stops the background services of quizd. */
#include "service.h"

#include "app.h"
#include "quiz_service.h"

int service_start(struct app *app, struct db *db, char *err, size_t errlen)
{
	(void)db;
	if (quiz_service_start(app, err, errlen))
		return -1;
	return 0;
}

void service_quiesce(struct app *app)
{
	quiz_service_quiesce(app);
}

void service_stop(struct app *app)
{
	quiz_service_stop(app);
}
