/* contest_board.c - ranked leaderboards kept per process (see
 * contest_board.h). */
#include "contest_board.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contest.h"
#include "db_account.h"
#include "db_contest.h"
#include "util.h"

/* Each participant's best line on the newest board of a key, with whether
 * any of their attempts has a full score (for F): open addressing on
 * participant_id, empty slots have attempt_id 0. Owned by one board at a
 * time; the ranking that brings the board up to date takes it over (only
 * one ranking of a key runs at a time) and gives it to the new board. */
struct best_slot {
	struct contest_board_line line;
	bool any_full;
	bool touched; /* changed by the batch being merged */
	int64_t was_attempt; /* the best before that batch; 0 when none */
};
struct best_map {
	struct best_slot *slots;
	size_t cap; /* a power of two */
	size_t used;
};

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
	struct best_map *best; /* NULL once taken over or when not kept */
	uint64_t last_used;
	struct contest_board_line *lines;
	size_t n;
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

static void best_free(struct best_map *m)
{
	if (m) {
		free(m->slots);
		free(m);
	}
}

static size_t best_hash(int64_t participant, size_t cap)
{
	uint64_t h = (uint64_t)participant * 0x9E3779B97F4A7C15u;
	return (size_t)(h >> 17) & (cap - 1);
}

/* The slot of participant: its own, or the empty one where it goes. */
static struct best_slot *best_find(const struct best_map *m, int64_t participant)
{
	size_t i = best_hash(participant, m->cap);
	while (m->slots[i].line.attempt_id && m->slots[i].line.participant_id != participant)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static struct best_map *best_new(size_t expected)
{
	struct best_map *m = xcalloc(1, sizeof *m);
	m->cap = 64;
	while (m->cap < 2 * expected)
		m->cap *= 2;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	return m;
}

/* A new slot for participant (its place found by best_find). */
static struct best_slot *best_add(struct best_map *m, int64_t participant)
{
	if (2 * (m->used + 1) > m->cap) {
		struct best_slot *old = m->slots;
		size_t old_cap = m->cap;
		m->cap *= 2;
		m->slots = xcalloc(m->cap, sizeof *m->slots);
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].line.attempt_id)
				*best_find(m, old[i].line.participant_id) = old[i];
		free(old);
	}
	m->used++;
	struct best_slot *s = best_find(m, participant);
	s->line.participant_id = participant;
	return s;
}

static uint64_t thread_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void contest_board_release(struct contest_board *b)
{
	if (b && atomic_fetch_sub(&b->refs, 1) == 1) {
		best_free(b->best);
		free(b->lines);
		free(b);
	}
}

const struct contest_board_line *contest_board_lines(const struct contest_board *b, size_t *n)
{
	*n = b->n;
	return b->lines;
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

static struct contest_board *board_new(const struct contest_board_key *k, int64_t version)
{
	struct contest_board *b = xcalloc(1, sizeof *b);
	atomic_init(&b->refs, 1);
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
}

/* Ranks the stored attempts into a new board (one reference), or NULL. */
static struct contest_board *board_build(struct db *db, const struct contest_board_key *k,
					 int64_t version)
{
	struct db_contest_attempt *rows = NULL;
	struct contest_attempt *attempts = NULL;
	struct contest_entry *entries = NULL;
	size_t nrows = 0;
	int64_t resets = 0, last_seq = 0, full = 0;
	/* The marks first: what the rows hold is at least what they say. */
	if (db_contest_marks(db, k->quiz_id, &resets, &last_seq) < 0 ||
	    db_contest_attempts(db, k->quiz_id, k->round, &rows, &nrows) < 0)
		return NULL;
	attempts = xcalloc(nrows ? nrows : 1, sizeof *attempts);
	for (size_t i = 0; i < nrows; i++)
		attempt_from_row(&rows[i], &attempts[i]);
	struct contest_rules rules = { k->use_prediction, k->has_cutoff, k->cutoff_ms };
	size_t n = contest_leaderboard(attempts, nrows, &rules, &entries, &full);
	struct contest_board *b = board_new(k, version);
	b->resets = resets;
	b->last_seq = last_seq;
	b->full = full;
	b->lines = xcalloc(n ? n : 1, sizeof *b->lines);
	b->n = n;
	b->best = best_new(n);
	for (size_t i = 0; i < n; i++) {
		const struct contest_attempt *a = &attempts[entries[i].attempt_index];
		struct contest_board_line *l = &b->lines[i];
		line_from_row(&rows[entries[i].attempt_index], a, l);
		l->rank = entries[i].rank;
		best_add(b->best, a->participant_id)->line = *l;
	}
	for (size_t i = 0; i < nrows; i++) {
		const struct contest_attempt *a = &attempts[i];
		if (contest_is_full_score(a) &&
		    !(k->has_cutoff && contest_effective_submitted_at(a) >= k->cutoff_ms))
			best_find(b->best, a->participant_id)->any_full = true;
	}
	free(entries);
	free(attempts);
	free(rows);
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
	struct best_slot *s = best_find(b->best, a.participant_id);
	bool full_changed = false;
	if (!s->line.attempt_id) {
		s = best_add(b->best, a.participant_id);
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
		struct best_slot *s = best_find(b->best, touched[i]);
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
					   struct contest_board *old, int64_t version)
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
	struct contest_board *b = board_new(k, version);
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
	free(touched);
	return b;
}

/* The board for key ranked from at least `version`: brought up to date
 * from the kept board of its key when there is one, else in full. */
static struct contest_board *board_rank_anew(struct db *db, const struct contest_board_key *k,
					     int64_t version)
{
	struct contest_board *old = NULL, *b = NULL;
	pthread_mutex_lock(&cache_lock);
	for (size_t i = 0; i < CONTEST_BOARD_SLOTS && !old; i++) {
		if (cache[i] && same_key(cache[i], k) && cache[i]->best) {
			old = cache[i];
			atomic_fetch_add(&old->refs, 1);
		}
	}
	pthread_mutex_unlock(&cache_lock);
	uint64_t t0 = thread_ns();
	if (old)
		b = board_advance(db, k, old, version);
	contest_board_release(old);
	if (b) {
		atomic_fetch_add(&stat_merges, 1);
		atomic_fetch_add(&stat_merge_ns, thread_ns() - t0);
		return b;
	}
	t0 = thread_ns();
	b = board_build(db, k, version);
	atomic_fetch_add(&stat_full, 1);
	atomic_fetch_add(&stat_full_ns, thread_ns() - t0);
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
		b = board_rank_anew(db, key, version);
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
