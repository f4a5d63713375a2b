/* contest_board.c - ranked leaderboards kept per process (see
 * contest_board.h). */
#include "contest_board.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contest.h"
#include "contest_best.h"
#include "contest_names.h"
#include "db.h"
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
	int64_t resets; /* db_contest_marks when ranked */
	int64_t last_seq; /* completions up to this one are in */
	int64_t full; /* F */
	struct contest_best_map *best; /* NULL once taken over or when not kept */
	uint64_t last_used;
	/* Monotonic ms: storage held nothing newer than `version` then (moved
	 * forward under cache_lock each time a look at storage confirms it). */
	_Atomic int64_t fresh_at;
	_Atomic int64_t read_at; /* monotonic ms of its last reader */
	struct contest_board_line *lines;
	size_t n;
	struct contest_board_unit *units; /* by unit_id */
	size_t nunits;
	struct contest_names *names; /* what the lines show of people and units */
	int64_t labels_version; /* db_contest_labels_version the names were read at */
	struct contest_board *next_dead; /* on the graveyard, once released */
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct contest_board *cache[CONTEST_BOARD_SLOTS];
static uint64_t cache_clock;
static _Atomic uint64_t stat_full, stat_merges, stat_full_ns, stat_merge_ns;

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

/* A callback waiting for the merger's next pass. */
struct publish_wait {
	void (*done)(void *ctx);
	void *ctx;
	struct publish_wait *next;
};

/* The merger thread: brings the boards in demand up to date off the
 * readers' path. Guarded by cache_lock. */
static struct {
	bool running; /* started and not stopping: readers may be served stale */
	bool stopping;
	bool nudged; /* a reader or a writer saw storage move on */
	struct db *db;
	pthread_t thread;
	pthread_cond_t wake;
	struct publish_wait *waiting; /* for the next pass */
} merger = { .wake = PTHREAD_COND_INITIALIZER };

/* Monotonic, not clock_now_ms: the freshness bound is about elapsed time
 * in this process, which a test clock moved by hours must not stretch. */
static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t thread_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void board_free(struct contest_board *b)
{
	contest_best_free(b->best);
	free(b->lines);
	free(b->units);
	contest_names_release(b->names);
	free(b);
}

/* Boards whose last reference a reader dropped, freed by the merger: giving
 * back megabytes of lines is not a reader's work. Lock-free (a release may
 * come with cache_lock held). */
static _Atomic(struct contest_board *) graveyard;
static atomic_bool defer_frees;

static void graveyard_empty(void)
{
	struct contest_board *b = atomic_exchange(&graveyard, NULL);
	for (struct contest_board *next; b; b = next) {
		next = b->next_dead;
		board_free(b);
	}
}

void contest_board_release(struct contest_board *b)
{
	if (!b || atomic_fetch_sub(&b->refs, 1) != 1)
		return;
	if (!atomic_load(&defer_frees)) {
		board_free(b);
		return;
	}
	b->next_dead = atomic_load(&graveyard);
	while (!atomic_compare_exchange_weak(&graveyard, &b->next_dead, b))
		;
}

const struct contest_board_line *contest_board_lines(const struct contest_board *b, size_t *n)
{
	*n = b->n;
	return b->lines;
}

const struct contest_names *contest_board_names(const struct contest_board *b)
{
	return b->names;
}

const struct contest_board_unit *contest_board_units(const struct contest_board *b, size_t *n)
{
	*n = b->nunits;
	return b->units;
}

void contest_board_stats(struct contest_board_stats *out)
{
	out->full_rankings = atomic_load(&stat_full);
	out->merges = atomic_load(&stat_merges);
	out->full_ns = atomic_load(&stat_full_ns);
	out->merge_ns = atomic_load(&stat_merge_ns);
}

static bool same_key(const struct contest_board *b, const struct contest_board_key *k)
{
	return b->quiz_id == k->quiz_id && strcmp(b->round, k->round ? k->round : "") == 0 &&
	       b->use_prediction == k->use_prediction && b->has_cutoff == k->has_cutoff &&
	       (!k->has_cutoff || b->cutoff_ms == k->cutoff_ms);
}

static void attempt_from_row(const struct db_contest_attempt *r, struct contest_attempt *a)
{
	memset(a, 0, sizeof *a);
	/* An attempt without a person stands alone, as in the reports. */
	a->participant_id = r->user_id ? r->user_id : -r->attempt_id;
	a->expired = r->expired;
	a->score = r->score;
	a->max_score = r->max_score;
	a->correct_count = r->correct_count;
	a->has_prediction = r->has_prediction;
	a->prediction = r->prediction;
	a->started_at = r->started_at;
	a->deadline = r->deadline;
	a->finished_at = r->finished_at;
	a->duration_ms = r->duration_ms;
}

static void line_from_row(const struct db_contest_attempt *r, const struct contest_attempt *a,
			  struct contest_board_line *l)
{
	l->attempt_id = r->attempt_id;
	l->participant_id = a->participant_id;
	l->unit_id = r->unit_id;
	l->score = r->score;
	l->correct_count = r->correct_count;
	l->has_prediction = r->has_prediction;
	l->prediction = r->prediction;
	l->duration_ms = contest_effective_duration_ms(a);
	l->submitted_at = contest_effective_submitted_at(a);
}

static struct contest_board *board_new(const struct contest_board_key *k, int64_t version,
				       int64_t fresh_at)
{
	struct contest_board *b = xcalloc(1, sizeof *b);
	atomic_init(&b->refs, 1);
	atomic_init(&b->fresh_at, fresh_at);
	atomic_init(&b->read_at, mono_ms());
	b->quiz_id = k->quiz_id;
	util_strlcpy(b->round, k->round ? k->round : "", sizeof b->round);
	b->use_prediction = k->use_prediction;
	b->has_cutoff = k->has_cutoff;
	b->cutoff_ms = k->cutoff_ms;
	b->version = version;
	return b;
}

/* The order of lines on a board with F = full; ties by participant, as
 * contest_leaderboard sorts them. */
static int line_compare(const struct contest_board *b, const struct contest_board_line *x,
			const struct contest_board_line *y, bool by_participant)
{
	struct contest_order_key kx = { x->score, -1, x->duration_ms, x->submitted_at };
	struct contest_order_key ky = { y->score, -1, y->duration_ms, y->submitted_at };
	if (b->use_prediction && x->has_prediction)
		kx.prediction_distance = contest_prediction_distance(x->prediction, b->full);
	if (b->use_prediction && y->has_prediction)
		ky.prediction_distance = contest_prediction_distance(y->prediction, b->full);
	int c = contest_order_compare(&kx, &ky);
	if (c || !by_participant)
		return c;
	return x->participant_id < y->participant_id ? -1 : x->participant_id > y->participant_id;
}

static void board_rank(struct contest_board *b)
{
	for (size_t i = 0; i < b->n; i++) {
		bool tied = i && line_compare(b, &b->lines[i - 1], &b->lines[i], false) == 0;
		b->lines[i].rank = tied ? b->lines[i - 1].rank : (int64_t)i + 1;
	}
	contest_best_units(b->lines, b->n, &b->units, &b->nunits);
}

/* Ranks the stored attempts into a new board (one reference), or NULL. */
static struct contest_board *board_build(struct db *db, const struct contest_board_key *k,
					 int64_t version, int64_t fresh_at)
{
	struct db_contest_attempt *rows = NULL;
	struct contest_attempt *attempts = NULL;
	struct contest_entry *entries = NULL;
	size_t nrows = 0;
	int64_t resets = 0, last_seq = 0, full = 0;
	int64_t labels = 0;
	/* The marks first: what the rows hold is at least what they say. */
	if (db_contest_marks(db, k->quiz_id, &resets, &last_seq) < 0 ||
	    db_contest_labels_version(db, &labels) < 0 ||
	    db_contest_attempts(db, k->quiz_id, k->round, &rows, &nrows) < 0)
		return NULL;
	attempts = xcalloc(nrows ? nrows : 1, sizeof *attempts);
	for (size_t i = 0; i < nrows; i++)
		attempt_from_row(&rows[i], &attempts[i]);
	struct contest_rules rules = { k->use_prediction, k->has_cutoff, k->cutoff_ms };
	size_t n = contest_leaderboard(attempts, nrows, &rules, &entries, &full);
	struct contest_board *b = board_new(k, version, fresh_at);
	b->resets = resets;
	b->last_seq = last_seq;
	b->full = full;
	b->lines = xcalloc(n ? n : 1, sizeof *b->lines);
	b->n = n;
	b->best = contest_best_new(n);
	for (size_t i = 0; i < n; i++) {
		const struct contest_attempt *a = &attempts[entries[i].attempt_index];
		struct contest_board_line *l = &b->lines[i];
		line_from_row(&rows[entries[i].attempt_index], a, l);
		l->rank = entries[i].rank;
		contest_best_add(b->best, a->participant_id)->line = *l;
	}
	for (size_t i = 0; i < nrows; i++) {
		const struct contest_attempt *a = &attempts[i];
		if (contest_is_full_score(a) &&
		    !(k->has_cutoff && contest_effective_submitted_at(a) >= k->cutoff_ms))
			contest_best_find(b->best, a->participant_id)->any_full = true;
	}
	contest_best_units(b->lines, b->n, &b->units, &b->nunits);
	free(entries);
	free(attempts);
	free(rows);
	b->labels_version = labels;
	b->names = contest_names_read(db, k->quiz_id, NULL, b->lines, b->n);
	if (!b->names) {
		contest_board_release(b);
		return NULL;
	}
	return b;
}

/* Takes one completed attempt into the map of bests: true when F changed. */
static bool best_take(struct contest_board *b, const struct db_contest_attempt *r,
		      int64_t **touched, size_t *ntouched, size_t *cap)
{
	struct contest_attempt a;
	struct contest_board_line l = { 0 };
	attempt_from_row(r, &a);
	if (b->has_cutoff && contest_effective_submitted_at(&a) >= b->cutoff_ms)
		return false;
	line_from_row(r, &a, &l);
	struct contest_best_slot *s = contest_best_find(b->best, a.participant_id);
	bool full_changed = false;
	if (!s->line.attempt_id) {
		s = contest_best_add(b->best, a.participant_id);
		s->was_attempt = 0;
	} else {
		int c = line_compare(b, &l, &s->line, false);
		if (c > 0 || (c == 0 && l.attempt_id >= s->line.attempt_id))
			l = s->line; /* the best stays; only F may move */
		else if (!s->touched)
			s->was_attempt = s->line.attempt_id;
	}
	if (contest_is_full_score(&a) && !s->any_full) {
		s->any_full = true;
		b->full++;
		full_changed = true;
	}
	if (l.attempt_id != s->line.attempt_id) {
		s->line = l;
		if (!s->touched) {
			s->touched = true;
			if (*ntouched == *cap) {
				*cap = *cap ? 2 * *cap : 64;
				*touched = xrealloc(*touched, *cap * sizeof **touched);
			}
			(*touched)[(*ntouched)++] = a.participant_id;
		}
	}
	return full_changed;
}

static int cmp_id(const void *pa, const void *pb)
{
	int64_t x = *(const int64_t *)pa, y = *(const int64_t *)pb;
	return x < y ? -1 : x > y;
}

static int cmp_line(const void *pa, const void *pb, void *ctx)
{
	return line_compare(ctx, pa, pb, true);
}

/* Merges the changed participants' lines into b (which holds old's
 * lines' copy-to-be): one pass over old's lines, skipping the replaced. */
static void board_merge(struct contest_board *b, const struct contest_board *old,
			const int64_t *touched, size_t ntouched)
{
	struct contest_board_line *in = xcalloc(ntouched ? ntouched : 1, sizeof *in);
	int64_t *gone = xcalloc(ntouched ? ntouched : 1, sizeof *gone);
	size_t ngone = 0;
	for (size_t i = 0; i < ntouched; i++) {
		struct contest_best_slot *s = contest_best_find(b->best, touched[i]);
		in[i] = s->line;
		if (s->was_attempt)
			gone[ngone++] = s->was_attempt;
		s->touched = false;
		s->was_attempt = 0;
	}
	qsort_r(in, ntouched, sizeof *in, cmp_line, b);
	qsort(gone, ngone, sizeof *gone, cmp_id);
	b->n = old->n - ngone + ntouched;
	b->lines = xcalloc(b->n ? b->n : 1, sizeof *b->lines);
	size_t o = 0, k = 0, w = 0;
	while (o < old->n || k < ntouched) {
		if (o < old->n &&
		    bsearch(&old->lines[o].attempt_id, gone, ngone, sizeof *gone, cmp_id)) {
			o++;
			continue;
		}
		bool take_new = k < ntouched &&
				(o == old->n || line_compare(b, &in[k], &old->lines[o], true) < 0);
		b->lines[w++] = take_new ? in[k++] : old->lines[o++];
	}
	board_rank(b);
	free(gone);
	free(in);
}

/* Brings old up to date from the completions logged since it was ranked:
 * a new board (one reference), or NULL when it must be ranked in full (a
 * reset, F moved under the prediction order, or a storage error). Takes
 * over old's map of bests; old must hold one. */
static struct contest_board *board_advance(struct db *db, const struct contest_board_key *k,
					   struct contest_board *old, int64_t version,
					   int64_t fresh_at)
{
	struct db_contest_attempt *rows = NULL;
	size_t nrows = 0, ntouched = 0, cap = 0;
	int64_t *touched = NULL;
	int64_t resets = 0, last_seq = 0, resets_after = 0, seq_after = 0;
	if (db_contest_marks(db, k->quiz_id, &resets, &last_seq) < 0 || resets != old->resets ||
	    db_contest_completed_since(db, k->quiz_id, k->round, old->last_seq, &rows, &nrows) <
		    0 ||
	    db_contest_marks(db, k->quiz_id, &resets_after, &seq_after) < 0 ||
	    resets_after != old->resets) {
		free(rows);
		return NULL;
	}
	struct contest_board *b = board_new(k, version, fresh_at);
	b->resets = resets;
	b->last_seq = last_seq > old->last_seq ? last_seq : old->last_seq;
	b->full = old->full;
	b->best = old->best;
	old->best = NULL;
	bool refused = false;
	for (size_t i = 0; i < nrows && !refused; i++)
		refused = best_take(b, &rows[i], &touched, &ntouched, &cap) && b->use_prediction;
	free(rows);
	if (refused) {
		free(touched);
		contest_board_release(b); /* the map went with it: rank in full */
		return NULL;
	}
	board_merge(b, old, touched, ntouched);
	/* Names changed: read them all again; otherwise only the new lines'
	 * people and units may be missing. */
	struct contest_board_line *in = xcalloc(ntouched ? ntouched : 1, sizeof *in);
	for (size_t i = 0; i < ntouched; i++)
		in[i] = contest_best_find(b->best, touched[i])->line;
	if (db_contest_labels_version(db, &b->labels_version) == 0)
		b->names = b->labels_version != old->labels_version
				   ? contest_names_read(db, k->quiz_id, NULL, b->lines, b->n)
				   : contest_names_read(db, k->quiz_id, old->names, in, ntouched);
	free(in);
	free(touched);
	if (!b->names) {
		contest_board_release(b);
		return NULL;
	}
	return b;
}

/* The kept board of key (lock held), or NULL. */
static struct contest_board *cache_slot(const struct contest_board_key *key)
{
	for (size_t i = 0; i < CONTEST_BOARD_SLOTS; i++)
		if (cache[i] && same_key(cache[i], key))
			return cache[i];
	return NULL;
}

/* The board for key ranked from at least `version`: brought up to date
 * from the kept board of its key when there is one, else in full. */
static struct contest_board *board_rank_anew(struct db *db, const struct contest_board_key *k,
					     int64_t version, int64_t fresh_at)
{
	struct contest_board *old = NULL, *b = NULL;
	pthread_mutex_lock(&cache_lock);
	old = cache_slot(k);
	if (old)
		atomic_fetch_add(&old->refs, 1);
	pthread_mutex_unlock(&cache_lock);
	uint64_t t0 = thread_ns();
	if (old && old->best)
		b = board_advance(db, k, old, version, fresh_at);
	if (b) {
		atomic_fetch_add(&stat_merges, 1);
		atomic_fetch_add(&stat_merge_ns, thread_ns() - t0);
	} else {
		t0 = thread_ns();
		b = board_build(db, k, version, fresh_at);
		atomic_fetch_add(&stat_full, 1);
		atomic_fetch_add(&stat_full_ns, thread_ns() - t0);
	}
	/* Demand is the readers', not the merger's. */
	if (b && old)
		atomic_store(&b->read_at, atomic_load(&old->read_at));
	contest_board_release(old);
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

/* A kept board for key ranked from version at least `version`, which
 * storage had at seen_at or later (lock held): a new reference, or NULL.
 * reader: a request's use (counts for eviction and for the merger). */
static struct contest_board *cache_find(const struct contest_board_key *key, int64_t version,
					int64_t seen_at, bool reader)
{
	struct contest_board *c = cache_slot(key);
	if (!c || c->version < version)
		return NULL;
	if (atomic_load(&c->fresh_at) < seen_at)
		atomic_store(&c->fresh_at, seen_at);
	if (reader) {
		c->last_used = ++cache_clock;
		atomic_store(&c->read_at, seen_at);
	}
	atomic_fetch_add(&c->refs, 1);
	return c;
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

/* The board for key ranked from `seen` (read at seen_at) or later: kept,
 * being ranked (then waited for), or ranked here. A new reference, or NULL.
 * reader: a request's use. */
static struct contest_board *board_current(struct db *db, const struct contest_board_key *key,
					   int64_t seen, int64_t seen_at, bool reader)
{
	int64_t version = 0;
	struct contest_board *b = NULL;
	struct contest_board *evicted[2 * CONTEST_BOARD_SLOTS];
	size_t nevicted = 0;
	pthread_mutex_lock(&cache_lock);
	for (;;) {
		b = cache_find(key, seen, seen_at, reader);
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
	int64_t version_at = mono_ms();
	if (db_contest_version(db, key->quiz_id, &version) == 0)
		b = board_rank_anew(db, key, version, version_at);
	if (b && reader)
		atomic_store(&b->read_at, version_at);
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

struct contest_board *contest_board_get(struct db *db, const struct contest_board_key *key)
{
	int64_t seen = 0, seen_at = mono_ms();
	struct contest_board *b = NULL;
	/* With the merger running, the published board while the merger saw
	 * storage hold nothing newer at most CONTEST_BOARD_STALE_MS ago: no
	 * storage read, no wait. */
	pthread_mutex_lock(&cache_lock);
	struct contest_board *c = merger.running ? cache_slot(key) : NULL;
	if (c && seen_at - atomic_load(&c->fresh_at) <= CONTEST_BOARD_STALE_MS) {
		c->last_used = ++cache_clock;
		atomic_store(&c->read_at, seen_at);
		atomic_fetch_add(&c->refs, 1);
		b = c;
	}
	pthread_mutex_unlock(&cache_lock);
	if (b)
		return b;
	/* Otherwise what this request sees: the answer is ranked from this or
	 * later. */
	if (db_contest_version(db, key->quiz_id, &seen) < 0)
		return NULL;
	return board_current(db, key, seen, seen_at, true);
}

/* ---- the merger ----------------------------------------------------------- */

/* The keys of the boards kept and read lately or being ranked (lock held),
 * their rounds copied into rounds[]. */
static size_t merger_keys(struct contest_board_key *keys, char (*rounds)[DB_CODE_MAX], int64_t now)
{
	size_t n = 0;
	const struct contest_board *from[2 * CONTEST_BOARD_SLOTS];
	for (size_t i = 0; i < CONTEST_BOARD_SLOTS; i++) {
		if (!cache[i])
			continue;
		if (now - atomic_load(&cache[i]->read_at) <= CONTEST_BOARD_IDLE_MS)
			from[n++] = cache[i];
		else /* left to its next reader, who must look at storage first */
			atomic_store(&cache[i]->fresh_at, INT64_MIN / 2);
	}
	/* A board being ranked for a reader may be kept once it is done: a
	 * write acknowledged after this pass must find it current. */
	for (struct inflight *f = inflight_list; f && n < 2 * CONTEST_BOARD_SLOTS; f = f->next)
		from[n++] = &f->shell;
	size_t nkeys = 0;
	for (size_t i = 0; i < n; i++) {
		struct contest_board_key k = {
			.quiz_id = from[i]->quiz_id,
			.round = from[i]->round[0] ? from[i]->round : NULL,
			.use_prediction = from[i]->use_prediction,
			.has_cutoff = from[i]->has_cutoff,
			.cutoff_ms = from[i]->cutoff_ms,
		};
		bool dup = false;
		for (size_t j = 0; j < nkeys && !dup; j++)
			dup = keys[j].quiz_id == k.quiz_id &&
			      strcmp(rounds[j], from[i]->round) == 0 &&
			      keys[j].use_prediction == k.use_prediction &&
			      keys[j].has_cutoff == k.has_cutoff &&
			      keys[j].cutoff_ms == k.cutoff_ms;
		if (dup)
			continue;
		util_strlcpy(rounds[nkeys], from[i]->round, DB_CODE_MAX);
		keys[nkeys] = k;
		keys[nkeys].round = k.round ? rounds[nkeys] : NULL;
		nkeys++;
	}
	return nkeys;
}

/* One pass: every board in demand brought up to what storage holds. */
static void merger_pass(struct contest_board_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int64_t seen = 0, seen_at = mono_ms();
		if (db_contest_version(merger.db, keys[i].quiz_id, &seen) < 0) {
			fprintf(stderr, "contest boards: %s\n", db_errmsg(merger.db));
			continue;
		}
		struct contest_board *b = board_current(merger.db, &keys[i], seen, seen_at, false);
		if (!b)
			fprintf(stderr, "contest boards: %s\n", db_errmsg(merger.db));
		contest_board_release(b);
	}
}

static void *merger_main(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "contest-merge");
	struct contest_board_key keys[2 * CONTEST_BOARD_SLOTS];
	char rounds[2 * CONTEST_BOARD_SLOTS][DB_CODE_MAX];
	pthread_mutex_lock(&cache_lock);
	while (!merger.stopping) {
		if (!merger.nudged && !merger.waiting) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += CONTEST_BOARD_POLL_MS * 1000000L;
			ts.tv_sec += ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&merger.wake, &cache_lock, &ts);
			if (merger.stopping)
				break;
		}
		merger.nudged = false;
		/* Whoever waits now committed before the versions are read. */
		struct publish_wait *w = merger.waiting;
		merger.waiting = NULL;
		size_t n = merger_keys(keys, rounds, mono_ms());
		pthread_mutex_unlock(&cache_lock);
		graveyard_empty();
		merger_pass(keys, n);
		for (struct publish_wait *next; w; w = next) {
			next = w->next;
			w->done(w->ctx);
			free(w);
		}
		pthread_mutex_lock(&cache_lock);
	}
	pthread_mutex_unlock(&cache_lock);
	return NULL;
}

int contest_board_service_start(struct db *db, char *err, size_t errlen)
{
	pthread_mutex_lock(&cache_lock);
	assert(!merger.running && !merger.db);
	merger.db = db;
	merger.stopping = false;
	int rc = pthread_create(&merger.thread, NULL, merger_main, NULL);
	merger.running = rc == 0;
	atomic_store(&defer_frees, rc == 0);
	if (rc)
		merger.db = NULL;
	pthread_mutex_unlock(&cache_lock);
	if (rc) {
		snprintf(err, errlen, "contest boards: cannot start the merger thread");
		db_close(db);
		return -1;
	}
	return 0;
}

void contest_board_service_stop(void)
{
	pthread_mutex_lock(&cache_lock);
	bool started = merger.db != NULL;
	merger.running = false;
	atomic_store(&defer_frees, false);
	merger.stopping = true;
	pthread_cond_signal(&merger.wake);
	pthread_mutex_unlock(&cache_lock);
	if (!started)
		return;
	pthread_join(merger.thread, NULL);
	pthread_mutex_lock(&cache_lock);
	struct publish_wait *w = merger.waiting;
	merger.waiting = NULL;
	db_close(merger.db);
	merger.db = NULL;
	pthread_mutex_unlock(&cache_lock);
	graveyard_empty();
	/* Readers rank for themselves from now on: nothing stale is served. */
	for (struct publish_wait *next; w; w = next) {
		next = w->next;
		w->done(w->ctx);
		free(w);
	}
}

/* Whether a board of quiz_id (0: any) is kept or being ranked (lock held). */
static bool quiz_has_board(int64_t quiz_id)
{
	for (size_t i = 0; i < CONTEST_BOARD_SLOTS; i++)
		if (cache[i] && (!quiz_id || cache[i]->quiz_id == quiz_id))
			return true;
	for (struct inflight *f = inflight_list; f; f = f->next)
		if (!quiz_id || f->shell.quiz_id == quiz_id)
			return true;
	return false;
}

void contest_board_when_published(int64_t quiz_id, void (*done)(void *ctx), void *ctx)
{
	struct publish_wait *w = xcalloc(1, sizeof *w);
	w->done = done;
	w->ctx = ctx;
	pthread_mutex_lock(&cache_lock);
	/* A board ranked from now on reads the write. */
	if (!merger.running || !quiz_has_board(quiz_id)) {
		pthread_mutex_unlock(&cache_lock);
		free(w);
		done(ctx);
		return;
	}
	w->next = merger.waiting;
	merger.waiting = w;
	pthread_cond_signal(&merger.wake);
	pthread_mutex_unlock(&cache_lock);
}

struct sync_wait {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
};

static void sync_done(void *ctx)
{
	struct sync_wait *s = ctx;
	pthread_mutex_lock(&s->mu);
	s->done = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

void contest_board_sync(void)
{
	struct sync_wait s = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false };
	contest_board_when_published(0, sync_done, &s);
	pthread_mutex_lock(&s.mu);
	while (!s.done)
		pthread_cond_wait(&s.cv, &s.mu);
	pthread_mutex_unlock(&s.mu);
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
