/* service.h - background services of one quizd process (sweeping expired
 * attempts, grouping answer commits, signing keys). Each module adds its
 * start and stop to service.c; the services keep no state that another
 * instance would need. */
#ifndef QUIZ_SERVICE_H
#define QUIZ_SERVICE_H

#include <stddef.h>

struct app;
struct db;

/* Starts every background service; db is the main thread's connection.
 * Returns 0, or -1 with a message in err. */
int service_start(struct app *app, struct db *db, char *err, size_t errlen);
/* Before the HTTP server stops: lets requests waiting on a background
 * service (suspended connections) finish and refuses new ones, since
 * libmicrohttpd cannot stop while connections are suspended. */
void service_quiesce(struct app *app);
/* Stops them (after the HTTP server stopped); safe when not started. */
void service_stop(struct app *app);

#endif
