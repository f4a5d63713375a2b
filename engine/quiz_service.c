/* quiz_service.c - the group committer and the expiry sweeper. */
#include "quiz_service.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "app.h"
#include "clock.h"
#include "contest_board.h"
#include "db.h"
#include "db_job.h"
#include "quiz_cache.h"
#include "quiz_write.h"
#include "util.h"

#define SWEEP_LIMIT 200

struct quiz_service {
	struct app *app;
	struct db *db; /* the committer's connection */
	struct db *sweep_db; /* the sweeper's, for WAL checkpoints */
	struct quiz_qcache *qcache;
	int64_t grace_ms;
	int64_t sweep_interval_ms;

	pthread_mutex_t mu;
	pthread_cond_t work; /* the queue is not empty, or stopping */
	pthread_cond_t idle; /* for quiz_service_run waiters */
	pthread_cond_t sweep_wake;
	struct quiz_write *head, *tail;
	bool stopping; /* the committer: drain the queue and end */
	bool sweep_stopping; /* the sweeper: end (set first, see quiz_service_stop) */
	bool committer_started, sweeper_started;
	int closing; /* atomic: quiescing, refuse new writes */
	long inflight; /* atomic: suspended requests not yet answered */
	pthread_t committer, sweeper;
	struct quiz_service_stats stats;
};

struct quiz_service *quiz_service_of(const struct app *app)
{
	return app ? app->quiz : NULL;
}

struct quiz_qcache *quiz_service_qcache(struct quiz_service *s)
{
	return s->qcache;
}

bool quiz_service_enter(struct quiz_service *s)
{
	/* Count first, then look: quiesce sets closing first, then waits for
	 * the count, so no request can slip past it. */
	__atomic_add_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->closing, __ATOMIC_SEQ_CST)) {
		__atomic_sub_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
		return false;
	}
	return true;
}

void quiz_service_leave(struct quiz_service *s)
{
	__atomic_sub_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
}

void quiz_service_quiesce(struct app *app)
{
	struct quiz_service *s = app ? app->quiz : NULL;
	if (!s)
		return;
	__atomic_store_n(&s->closing, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 2000 && __atomic_load_n(&s->inflight, __ATOMIC_SEQ_CST) > 0; i++) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

int64_t quiz_service_grace_ms(const struct quiz_service *s)
{
	return s->grace_ms;
}

void quiz_service_submit(struct quiz_service *s, struct quiz_write *w, void (*done)(void *ctx),
			 void *ctx)
{
	w->done = done;
	w->done_ctx = ctx;
	w->next = NULL;
	pthread_mutex_lock(&s->mu);
	if (s->tail)
		s->tail->next = w;
	else
		s->head = w;
	s->tail = w;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
}

struct waiter {
	struct quiz_service *s;
	bool done;
};

static void waiter_done(void *ctx)
{
	struct waiter *wt = ctx;
	pthread_mutex_lock(&wt->s->mu);
	wt->done = true;
	pthread_cond_broadcast(&wt->s->idle);
	pthread_mutex_unlock(&wt->s->mu);
}

void quiz_service_run(struct quiz_service *s, struct quiz_write *w)
{
	struct waiter wt = { s, false };
	quiz_service_submit(s, w, waiter_done, &wt);
	pthread_mutex_lock(&s->mu);
	while (!wt.done)
		pthread_cond_wait(&s->idle, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

void quiz_service_stats(struct quiz_service *s, struct quiz_service_stats *out)
{
	pthread_mutex_lock(&s->mu);
	*out = s->stats;
	pthread_mutex_unlock(&s->mu);
}

/* A start, a finish or a sweep runs several statements, so it gets a
 * savepoint: one failing write does not undo the others of its batch. */
static void apply_one(struct quiz_service *s, struct quiz_write *w)
{
	if (db_savepoint(s->db)) {
		w->status = OUTCOME_INTERNAL;
		return;
	}
	if (quiz_write_apply(s->db, s->qcache, w)) {
		w->status = OUTCOME_INTERNAL;
		problem_set(&w->problem, OUTCOME_INTERNAL, "%s", db_errmsg(s->db));
		fprintf(stderr, "quizd: quiz write failed: %s\n", db_errmsg(s->db));
		db_savepoint_rollback(s->db);
		return;
	}
	if (db_savepoint_release(s->db))
		w->status = OUTCOME_INTERNAL;
}

/* Applies the run of consecutive answer saves starting at w together (one
 * multi-row statement per group instead of one each); returns the write
 * after the run. This is the only way a save is applied: a lone save is a
 * run of one. A run of several gets a savepoint, so a failure leaves the
 * rest of the batch alone; a run of one is one statement, atomic by
 * itself, and needs none. */
static struct quiz_write *apply_answers(struct quiz_service *s, struct quiz_write *w)
{
	struct quiz_write *run[QUIZ_SERVICE_BATCH];
	size_t n = 0;
	struct quiz_write *end = w;
	while (end && end->kind == QUIZ_WRITE_ANSWER && n < QUIZ_SERVICE_BATCH) {
		run[n++] = end;
		end = end->next;
	}
	bool multi = n > 1;
	if ((multi && db_savepoint(s->db)) || quiz_answers_apply(s->db, run, n)) {
		fprintf(stderr, "quizd: answer saves failed: %s\n", db_errmsg(s->db));
		if (multi)
			db_savepoint_rollback(s->db);
		for (size_t i = 0; i < n; i++) {
			run[i]->status = OUTCOME_INTERNAL;
			problem_set(&run[i]->problem, OUTCOME_INTERNAL, "%s", db_errmsg(s->db));
		}
		return end;
	}
	if (multi && db_savepoint_release(s->db))
		for (size_t i = 0; i < n; i++)
			run[i]->status = OUTCOME_INTERNAL;
	return end;
}

/* Applies the run of consecutive starts from w together (quiz_starts_apply:
 * one lookup and one insert for the run, on PostgreSQL a round trip each
 * instead of two per start), then the starts it left, one by one; returns
 * the write after the run. A lone start is applied by itself. */
static struct quiz_write *apply_starts(struct quiz_service *s, struct quiz_write *w)
{
	struct quiz_write *run[DB_START_RUN_MAX], *later[DB_START_RUN_MAX];
	size_t n = 0, nlater = 0;
	struct quiz_write *end = w;
	while (end && end->kind == QUIZ_WRITE_START && n < DB_START_RUN_MAX) {
		run[n++] = end;
		end = end->next;
	}
	if (n == 1)
		later[nlater++] = w;
	else
		nlater = quiz_starts_apply(s->db, run, n, later);
	for (size_t i = 0; i < nlater; i++)
		apply_one(s, later[i]);
	return end;
}

static void *committer_main(void *arg)
{
	struct quiz_service *s = arg;
	pthread_setname_np(pthread_self(), "quiz-commit");
	for (;;) {
		pthread_mutex_lock(&s->mu);
		while (!s->head && !s->stopping)
			pthread_cond_wait(&s->work, &s->mu);
		if (!s->head && s->stopping) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		/* Take up to a batch off the queue. */
		struct quiz_write *batch = s->head, *last = s->head;
		size_t n = 1;
		while (last->next && n < QUIZ_SERVICE_BATCH) {
			last = last->next;
			n++;
		}
		s->head = last->next;
		if (!s->head)
			s->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&s->mu);

		bool ok = db_begin_write(s->db) == 0;
		if (!ok)
			fprintf(stderr, "quizd: group commit: %s\n", db_errmsg(s->db));
		size_t swept = 0;
		for (struct quiz_write *w = batch; ok && w;) {
			if (w->kind == QUIZ_WRITE_ANSWER) {
				w = apply_answers(s, w);
				continue;
			}
			if (w->kind == QUIZ_WRITE_START) {
				w = apply_starts(s, w);
				continue;
			}
			apply_one(s, w);
			swept += w->kind == QUIZ_WRITE_SWEEP ? w->swept : 0;
			w = w->next;
		}
		if (ok && db_commit(s->db)) {
			fprintf(stderr, "quizd: group commit: %s\n", db_errmsg(s->db));
			db_rollback(s->db);
			ok = false;
		}
		pthread_mutex_lock(&s->mu);
		s->stats.transactions++;
		s->stats.writes += n;
		s->stats.swept += ok ? swept : 0;
		s->stats.round_trips = db_round_trips(s->db);
		pthread_mutex_unlock(&s->mu);
		/* Only now, with the COMMIT on disk, is anyone told; of a
		 * completion, only once the leaderboards of its quiz hold it (the
		 * merger's next pass), so that nobody told of it reads a board
		 * without it, while this thread goes on to the next batch. */
		for (struct quiz_write *w = batch, *next; w; w = next) {
			next = w->next;
			if (!ok) {
				w->status = OUTCOME_INTERNAL;
				problem_set(&w->problem, OUTCOME_INTERNAL,
					    "The write could not be committed.");
			}
			if (ok && w->completed_quiz_id)
				contest_board_when_published(w->completed_quiz_id, w->done,
							     w->done_ctx);
			else if (ok && w->kind == QUIZ_WRITE_SWEEP && w->swept)
				contest_board_when_published(0, w->done, w->done_ctx);
			else
				w->done(w->done_ctx);
		}
	}
	return NULL;
}

#define CHECKPOINT_EVERY_MS 200

/* One sweep: the purge of spent sessions and throttling rows, then the
 * attempts past deadline + grace, finalised in bounded steps so answers
 * queued meanwhile are not held up behind thousands of finalisations.
 * Several instances on one database take turns: the sweep runs under the
 * job lock "sweeper", and an instance that finds it held skips this
 * interval (the finalising UPDATE is a no-op on a finished attempt, so
 * even two sweeps at once would finalise each attempt once). */
static void sweep_once(struct quiz_service *s, int64_t now)
{
	int locked = db_job_try_lock(s->sweep_db, "sweeper");
	if (locked < 0)
		fprintf(stderr, "quizd: sweeper: %s\n", db_errmsg(s->sweep_db));
	if (locked != 1)
		return;
	struct problem p;
	if (account_purge(s->sweep_db, now, NULL, NULL, &p) != OUTCOME_OK)
		fprintf(stderr, "quizd: %s\n", p.message);
	for (;;) {
		struct quiz_write w;
		quiz_sweep_prepare(clock_now_ms(), s->grace_ms, SWEEP_LIMIT, &w);
		quiz_service_run(s, &w);
		if (w.status != OUTCOME_OK || w.swept < SWEEP_LIMIT)
			break;
	}
	if (db_job_unlock(s->sweep_db, "sweeper"))
		fprintf(stderr, "quizd: sweeper: %s\n", db_errmsg(s->sweep_db));
}

/* Every CHECKPOINT_EVERY_MS: a passive WAL checkpoint; every sweep
 * interval: finalise the attempts past deadline + grace. */
static void *sweeper_main(void *arg)
{
	struct quiz_service *s = arg;
	pthread_setname_np(pthread_self(), "quiz-sweep");
	int64_t next_sweep = clock_now_ms() + s->sweep_interval_ms;
	for (;;) {
		pthread_mutex_lock(&s->mu);
		if (!s->sweep_stopping) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			long ns = ts.tv_nsec + CHECKPOINT_EVERY_MS * 1000000L;
			ts.tv_sec += ns / 1000000000L;
			ts.tv_nsec = ns % 1000000000L;
			pthread_cond_timedwait(&s->sweep_wake, &s->mu, &ts);
		}
		bool stop = s->sweep_stopping;
		pthread_mutex_unlock(&s->mu);
		if (stop)
			break;
		if (db_wal_checkpoint(s->sweep_db, NULL, NULL))
			fprintf(stderr, "quizd: %s\n", db_errmsg(s->sweep_db));
		int64_t now = clock_now_ms();
		if (now < next_sweep)
			continue;
		next_sweep = now + s->sweep_interval_ms;
		sweep_once(s, now);
	}
	/* Leave the WAL checkpointed at a clean stop. */
	db_wal_checkpoint(s->sweep_db, NULL, NULL);
	return NULL;
}

int quiz_service_start(struct app *app, char *err, size_t errlen)
{
	struct quiz_service *s = xcalloc(1, sizeof *s);
	s->app = app;
	s->grace_ms = app->cfg.attempt_grace_ms;
	if (s->grace_ms < 0)
		s->grace_ms = 0;
	if (s->grace_ms > QUIZ_GRACE_MAX_MS)
		s->grace_ms = QUIZ_GRACE_MAX_MS;
	s->sweep_interval_ms = app->cfg.sweep_interval_ms > 0 ? app->cfg.sweep_interval_ms : 5000;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->idle, NULL);
	pthread_cond_init(&s->sweep_wake, NULL);
	s->qcache = quiz_qcache_new();
	s->db = db_open(app->cfg.db_path, err, errlen);
	if (!s->db)
		goto fail;
	/* Checkpoints (copying the WAL into the database) run on the sweeper's
	 * connection, off the committer's path. */
	s->sweep_db = db_open(app->cfg.db_path, err, errlen);
	if (!s->sweep_db || db_wal_autocheckpoint(s->db, 0))
		goto fail;
	if (pthread_create(&s->committer, NULL, committer_main, s)) {
		snprintf(err, errlen, "cannot start the quiz committer: %s", strerror(errno));
		goto fail;
	}
	s->committer_started = true;
	if (pthread_create(&s->sweeper, NULL, sweeper_main, s)) {
		snprintf(err, errlen, "cannot start the quiz sweeper: %s", strerror(errno));
		goto fail;
	}
	s->sweeper_started = true;
	app->quiz = s;
	return 0;
fail:
	app->quiz = s;
	quiz_service_stop(app);
	return -1;
}

void quiz_service_stop(struct app *app)
{
	struct quiz_service *s = app ? app->quiz : NULL;
	if (!s)
		return;
	/* The sweeper may be waiting on a write of its own: stop it first and
	 * wait for it while the committer still runs, and only then tell the
	 * committer to drain the queue and end (stopping both at once let the
	 * committer leave before the sweeper's last write, which then waited
	 * for ever). */
	pthread_mutex_lock(&s->mu);
	s->sweep_stopping = true;
	pthread_cond_broadcast(&s->sweep_wake);
	pthread_mutex_unlock(&s->mu);
	if (s->sweeper_started)
		pthread_join(s->sweeper, NULL);
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->mu);
	if (s->committer_started)
		pthread_join(s->committer, NULL);
	db_close(s->db);
	db_close(s->sweep_db);
	quiz_qcache_free(s->qcache);
	pthread_cond_destroy(&s->work);
	pthread_cond_destroy(&s->idle);
	pthread_cond_destroy(&s->sweep_wake);
	pthread_mutex_destroy(&s->mu);
	free(s);
	app->quiz = NULL;
}
