/* contest_board.c - ranked leaderboards kept per process (see
 * contest_board.h). */
#include "contest_board.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "contest.h"
#include "db_account.h"
#include "db_contest.h"
#include "util.h"

struct contest_board {
	atomic_int refs;
	/* The key and the storage version it was ranked from. */
	int64_t quiz_id;
	char round[DB_CODE_MAX]; /* "" for all rounds */
	bool use_prediction;
	bool has_cutoff;
	int64_t cutoff_ms;
	int64_t version;
	uint64_t last_used;
	struct contest_board_line *lines;
	size_t n;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct contest_board *cache[CONTEST_BOARD_SLOTS];
static uint64_t cache_clock;

/* A board being ranked. At most one ranking per key runs at a time: a
 * request that finds one running waits for it, takes its board when that
 * was ranked from what the request itself saw or later (versions only
 * grow), and otherwise lets the first of the waiters rank again for all of
 * them. So a board in demand during a live contest is ranked back to back,
 * not once per request, and every answer still holds every attempt
 * completed before its request arrived. Guarded by cache_lock. */
struct inflight {
	struct contest_board shell; /* the key, and the version once read */
	bool done;
	struct contest_board *board; /* one reference held here; NULL on failure */
	int waiters;
	struct inflight *next;
};
static struct inflight *inflight_list;
static pthread_cond_t inflight_done = PTHREAD_COND_INITIALIZER;

void contest_board_release(struct contest_board *b)
{
	if (b && atomic_fetch_sub(&b->refs, 1) == 1) {
		free(b->lines);
		free(b);
	}
}

const struct contest_board_line *contest_board_lines(const struct contest_board *b, size_t *n)
{
	*n = b->n;
	return b->lines;
}

static bool same_key(const struct contest_board *b, const struct contest_board_key *k)
{
	return b->quiz_id == k->quiz_id && strcmp(b->round, k->round ? k->round : "") == 0 &&
	       b->use_prediction == k->use_prediction && b->has_cutoff == k->has_cutoff &&
	       (!k->has_cutoff || b->cutoff_ms == k->cutoff_ms);
}

/* Ranks the stored attempts into a new board (one reference), or NULL. */
static struct contest_board *board_build(struct db *db, const struct contest_board_key *k,
					 int64_t version)
{
	struct db_contest_attempt *rows = NULL;
	struct contest_attempt *attempts = NULL;
	struct contest_entry *entries = NULL;
	size_t nrows = 0;
	if (db_contest_attempts(db, k->quiz_id, k->round, &rows, &nrows) < 0)
		return NULL;
	attempts = xcalloc(nrows ? nrows : 1, sizeof *attempts);
	for (size_t i = 0; i < nrows; i++) {
		struct contest_attempt *a = &attempts[i];
		/* An attempt without a person stands alone, as in the reports. */
		a->participant_id = rows[i].user_id ? rows[i].user_id : -rows[i].attempt_id;
		a->expired = rows[i].expired;
		a->score = rows[i].score;
		a->max_score = rows[i].max_score;
		a->correct_count = rows[i].correct_count;
		a->has_prediction = rows[i].has_prediction;
		a->prediction = rows[i].prediction;
		a->started_at = rows[i].started_at;
		a->deadline = rows[i].deadline;
		a->finished_at = rows[i].finished_at;
		a->duration_ms = rows[i].duration_ms;
	}
	struct contest_rules rules = { k->use_prediction, k->has_cutoff, k->cutoff_ms };
	size_t n = contest_leaderboard(attempts, nrows, &rules, &entries, NULL);
	struct contest_board *b = xcalloc(1, sizeof *b);
	atomic_init(&b->refs, 1);
	b->quiz_id = k->quiz_id;
	util_strlcpy(b->round, k->round ? k->round : "", sizeof b->round);
	b->use_prediction = k->use_prediction;
	b->has_cutoff = k->has_cutoff;
	b->cutoff_ms = k->cutoff_ms;
	b->version = version;
	b->lines = xcalloc(n ? n : 1, sizeof *b->lines);
	b->n = n;
	for (size_t i = 0; i < n; i++) {
		const struct db_contest_attempt *r = &rows[entries[i].attempt_index];
		struct contest_board_line *l = &b->lines[i];
		l->attempt_id = r->attempt_id;
		l->unit_id = r->unit_id;
		l->rank = entries[i].rank;
		l->score = r->score;
		l->correct_count = r->correct_count;
		l->has_prediction = r->has_prediction;
		l->prediction = r->prediction;
		l->duration_ms = entries[i].duration_ms;
		l->submitted_at = entries[i].submitted_at;
	}
	free(entries);
	free(attempts);
	free(rows);
	return b;
}

static void inflight_unlink(struct inflight *f)
{
	for (struct inflight **p = &inflight_list; *p; p = &(*p)->next) {
		if (*p == f) {
			*p = f->next;
			return;
		}
	}
}

/* Frees a finished in-flight build once nobody waits on it (lock held). */
static void inflight_drop(struct inflight *f)
{
	if (f->done && f->waiters == 0) {
		contest_board_release(f->board);
		free(f);
	}
}

/* A kept board for key ranked from version at least `version` (lock held):
 * a new reference, or NULL. */
static struct contest_board *cache_find(const struct contest_board_key *key, int64_t version)
{
	for (size_t i = 0; i < CONTEST_BOARD_SLOTS; i++) {
		struct contest_board *c = cache[i];
		if (c && same_key(c, key) && c->version >= version) {
			c->last_used = ++cache_clock;
			atomic_fetch_add(&c->refs, 1);
			return c;
		}
	}
	return NULL;
}

static struct inflight *inflight_find(const struct contest_board_key *key)
{
	for (struct inflight *f = inflight_list; f; f = f->next)
		if (same_key(&f->shell, key))
			return f;
	return NULL;
}

/* Keeps b (lock held): replaces an older board of its key, then evicts the
 * least recently used until it fits in the memory budget. A board larger
 * than the whole budget is served but not kept. Evicted boards go to
 * evicted[] for release outside the lock. */
static size_t cache_keep(struct contest_board *b, const struct contest_board_key *key,
			 struct contest_board **evicted)
{
	size_t nevicted = 0, total = 0;
	for (size_t i = 0; i < CONTEST_BOARD_SLOTS; i++) {
		if (cache[i] && same_key(cache[i], key)) {
			if (cache[i]->version > b->version)
				return nevicted; /* a fresher one is kept already */
			evicted[nevicted++] = cache[i];
			cache[i] = NULL;
		}
		total += cache[i] ? cache[i]->n : 0;
	}
	if (b->n > CONTEST_BOARD_MAX_LINES)
		return nevicted;
	for (;;) {
		size_t slot = CONTEST_BOARD_SLOTS, used = 0;
		for (size_t i = 0; i < CONTEST_BOARD_SLOTS; i++) {
			if (!cache[i])
				continue;
			used++;
			if (slot == CONTEST_BOARD_SLOTS ||
			    cache[i]->last_used < cache[slot]->last_used)
				slot = i;
		}
		if (used < CONTEST_BOARD_SLOTS && total + b->n <= CONTEST_BOARD_MAX_LINES)
			break;
		total -= cache[slot]->n;
		evicted[nevicted++] = cache[slot];
		cache[slot] = NULL;
	}
	for (size_t i = 0; i < CONTEST_BOARD_SLOTS; i++) {
		if (!cache[i]) {
			b->last_used = ++cache_clock;
			atomic_fetch_add(&b->refs, 1); /* the cache's reference */
			cache[i] = b;
			break;
		}
	}
	return nevicted;
}

struct contest_board *contest_board_get(struct db *db, const struct contest_board_key *key)
{
	int64_t seen = 0, version = 0;
	struct contest_board *b = NULL;
	struct contest_board *evicted[2 * CONTEST_BOARD_SLOTS];
	size_t nevicted = 0;
	/* What this request saw: the answer must be ranked from this or later. */
	if (db_contest_version(db, key->quiz_id, &seen) < 0)
		return NULL;
	pthread_mutex_lock(&cache_lock);
	for (;;) {
		b = cache_find(key, seen);
		if (b) {
			pthread_mutex_unlock(&cache_lock);
			return b;
		}
		struct inflight *f = inflight_find(key);
		if (!f)
			break;
		f->waiters++;
		while (!f->done)
			pthread_cond_wait(&inflight_done, &cache_lock);
		f->waiters--;
		if (f->board && f->shell.version >= seen) {
			b = f->board;
			atomic_fetch_add(&b->refs, 1);
		}
		inflight_drop(f);
		if (b) {
			pthread_mutex_unlock(&cache_lock);
			return b;
		}
		/* Ranked from an older state (or failed): look again; another
		 * waiter may already be ranking anew. */
	}
	/* This request ranks; those arriving meanwhile wait for it. */
	struct inflight *f = xcalloc(1, sizeof *f);
	f->shell.quiz_id = key->quiz_id;
	util_strlcpy(f->shell.round, key->round ? key->round : "", sizeof f->shell.round);
	f->shell.use_prediction = key->use_prediction;
	f->shell.has_cutoff = key->has_cutoff;
	f->shell.cutoff_ms = key->cutoff_ms;
	f->next = inflight_list;
	inflight_list = f;
	pthread_mutex_unlock(&cache_lock);

	/* Read again now: waiters that came before saw no later version, so
	 * this board serves them all. The attempts are read after it. */
	version = seen;
	if (db_contest_version(db, key->quiz_id, &version) == 0)
		b = board_build(db, key, version);
	pthread_mutex_lock(&cache_lock);
	inflight_unlink(f);
	f->shell.version = version;
	f->done = true;
	f->board = b;
	if (b) {
		atomic_fetch_add(&b->refs, 1); /* the waiters' */
		nevicted = cache_keep(b, key, evicted);
	}
	pthread_cond_broadcast(&inflight_done);
	inflight_drop(f);
	pthread_mutex_unlock(&cache_lock);
	for (size_t i = 0; i < nevicted; i++)
		contest_board_release(evicted[i]);
	return b;
}

void contest_board_flush(void)
{
	struct contest_board *old[CONTEST_BOARD_SLOTS];
	pthread_mutex_lock(&cache_lock);
	memcpy(old, cache, sizeof old);
	memset(cache, 0, sizeof cache);
	pthread_mutex_unlock(&cache_lock);
	for (size_t i = 0; i < CONTEST_BOARD_SLOTS; i++)
		contest_board_release(old[i]);
}
