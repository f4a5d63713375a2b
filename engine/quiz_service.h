/* quiz_service.h - the quiz module's background machinery in quizd:
 *
 * - group commit: every quiz write (attempt start, answer save, submit,
 *   expiry) is queued to one committer thread, which applies up to
 *   QUIZ_SERVICE_BATCH queued writes in one BEGIN IMMEDIATE transaction on
 *   its own connection (synchronous=FULL) and only then reports each one
 *   done. Concurrent saves thus share one fsync without weakening
 *   durability: nothing is reported done before its COMMIT returned.
 * - the sweeper: a thread that, every sweep interval, queues a write that
 *   finalises attempts past their deadline (plus grace) as expired, so
 *   reports are right even when the participant never comes back.
 *
 * The service lives in app->quiz. */
#ifndef QUIZ_QUIZ_SERVICE_H
#define QUIZ_QUIZ_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct quiz_write;
struct quiz_qcache;

#define QUIZ_SERVICE_BATCH 512

struct quiz_service;

/* Starts the committer and the sweeper for app (opening their own
 * connections to app->cfg.db_path) and stores the service in app->quiz.
 * The grace is app->cfg.attempt_grace_ms clamped to 0..QUIZ_GRACE_MAX_MS.
 * Returns 0, or -1 with a message in err. */
int quiz_service_start(struct app *app, char *err, size_t errlen);
/* Finishes the queued writes, stops the threads and frees the service;
 * safe when not started. */
void quiz_service_stop(struct app *app);

/* Before the HTTP server stops: refuse new writes (quiz_service_enter
 * returns false) and wait, up to 10 s, until every request waiting on a
 * write has been answered, since libmicrohttpd cannot stop while
 * connections are suspended. Safe when not started. */
void quiz_service_quiesce(struct app *app);
/* A handler about to suspend for a write: true to go ahead (then call
 * quiz_service_leave once it has answered), false when quiescing. */
bool quiz_service_enter(struct quiz_service *s);
void quiz_service_leave(struct quiz_service *s);

/* The service of app (NULL when not started). */
struct quiz_service *quiz_service_of(const struct app *app);
/* The shared question cache. */
struct quiz_qcache *quiz_service_qcache(struct quiz_service *s);
/* The grace in force, in ms. */
int64_t quiz_service_grace_ms(const struct quiz_service *s);

/* Queues w (borrowed until done). done(ctx) runs on the committer thread
 * once w's transaction committed (w->status holds the outcome) or failed
 * (w->status is OUTCOME_INTERNAL); for a committed finish or sweep, once
 * the contest boards hold it too (contest_board_when_published: on the
 * boards' merger thread when one runs). It must not block. */
void quiz_service_submit(struct quiz_service *s, struct quiz_write *w, void (*done)(void *ctx),
			 void *ctx);
/* Queues w and waits until it is done. */
void quiz_service_run(struct quiz_service *s, struct quiz_write *w);

/* Counters since start (for metrics and benchmarks). */
struct quiz_service_stats {
	uint64_t transactions;
	uint64_t writes;
	uint64_t swept;
	uint64_t round_trips; /* of the committer's connection (db_round_trips) */
};
void quiz_service_stats(struct quiz_service *s, struct quiz_service_stats *out);

#endif
