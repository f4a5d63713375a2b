/* service.c - starts and stops the background services of quizd. */
#include "service.h"

#include "app.h"

int service_start(struct app *app, struct db *db, char *err, size_t errlen)
{
	(void)app;
	(void)db;
	(void)err;
	(void)errlen;
	return 0;
}

void service_stop(struct app *app)
{
	(void)app;
}
