/* test_contest_board.c - kept leaderboards on a real database built by the
 * real migrations: reuse while storage is unchanged, a fresh board after
 * any change to a completed attempt, keys kept apart, bounded slots; a
 * board kept up to date by merging equals a full ranking after every step
 * of a random sequence of submissions. With the merger thread running (as
 * in quizd): readers served the published board never see one half
 * merged, after the merger's pass every board equals a full ranking, and
 * a write's acknowledgement (contest_board_when_published) comes only
 * once the boards hold it. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "contest.h"
#include "contest_board.h"
#include "db.h"
#include "db_account.h"
#include "db_attempt.h"
#include "db_contest.h"
#include "db_fixture.h"
#include "testdb.h"

#define T0 1700000000000LL

struct fixture {
	struct testdb tdb;
	struct db *db;
	int64_t quiz, question, people[4];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->db = testdb_open(&f->tdb, "test_contest_board");
	assert_non_null(f->db);
	int64_t bank = db_fixture_bank(f->db, "b", "public");
	f->question = db_fixture_question(f->db, bank, "b-1", "");
	f->quiz = db_fixture_quiz(f->db, "c", "Contest", false, "public", 0, T0, T0 + 86400000);
	for (int i = 0; i < 4; i++) {
		char name[16];
		snprintf(name, sizeof name, "u%d", i);
		f->people[i] = db_fixture_person(f->db, name, "Người", "participant", 0, "public");
		assert_true(f->people[i] > 0);
	}
	contest_board_flush();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	contest_board_flush();
	testdb_remove(&f->tdb, f->db);
	free(f);
	return 0;
}

static int64_t attempt(struct fixture *f, int who, const char *state, double score, int64_t started)
{
	struct db_fixture_attempt a = {
		.quiz_id = f->quiz,
		.user_id = f->people[who],
		.audience = "public",
		.state = state,
		.started_at = started,
		.finished_at = started + 60000,
		.score = score,
		.max_score = 10,
		.question_ids = &f->question,
		.nquestions = 1,
	};
	int64_t id = db_fixture_attempt(f->db, &a);
	assert_true(id > 0);
	return id;
}

static void board_is_reused_while_storage_is_unchanged(void **state)
{
	struct fixture *f = *state;
	attempt(f, 0, "submitted", 5, T0);
	attempt(f, 1, "submitted", 7, T0);
	struct contest_board_key key = { .quiz_id = f->quiz };
	struct contest_board *a = contest_board_get(f->db, &key);
	struct contest_board *b = contest_board_get(f->db, &key);
	assert_non_null(a);
	assert_ptr_equal(a, b);
	size_t n = 0;
	const struct contest_board_line *lines = contest_board_lines(a, &n);
	assert_int_equal(n, 2);
	assert_float_equal(lines[0].score, 7, 1e-9);
	assert_int_equal(lines[0].rank, 1);
	/* An attempt still in progress changes nothing. */
	attempt(f, 2, "in_progress", 0, T0);
	struct contest_board *c = contest_board_get(f->db, &key);
	assert_ptr_equal(a, c);
	contest_board_release(a);
	contest_board_release(b);
	contest_board_release(c);
}

static void board_is_ranked_again_after_an_attempt_completes(void **state)
{
	struct fixture *f = *state;
	attempt(f, 0, "submitted", 5, T0);
	struct contest_board_key key = { .quiz_id = f->quiz };
	struct contest_board *a = contest_board_get(f->db, &key);
	int64_t before = 0, after = 0;
	assert_int_equal(db_contest_version(f->db, f->quiz, &before), 0);
	attempt(f, 1, "expired", 9, T0);
	assert_int_equal(db_contest_version(f->db, f->quiz, &after), 0);
	assert_true(after > before);
	struct contest_board *b = contest_board_get(f->db, &key);
	assert_ptr_not_equal(a, b);
	size_t na = 0, nb = 0;
	contest_board_lines(a, &na);
	const struct contest_board_line *lines = contest_board_lines(b, &nb);
	/* The old board is still whole for whoever holds it. */
	assert_int_equal(na, 1);
	assert_int_equal(nb, 2);
	assert_float_equal(lines[0].score, 9, 1e-9);
	contest_board_release(a);
	contest_board_release(b);
}

static void board_keys_are_kept_apart(void **state)
{
	struct fixture *f = *state;
	attempt(f, 0, "submitted", 5, T0);
	attempt(f, 1, "submitted", 6, T0 + 3600000);
	struct contest_board_key live = { .quiz_id = f->quiz };
	struct contest_board_key frozen = { .quiz_id = f->quiz,
					    .has_cutoff = true,
					    .cutoff_ms = T0 + 1800000 };
	struct contest_board_key round = { .quiz_id = f->quiz, .round = "r9" };
	struct contest_board *a = contest_board_get(f->db, &live);
	struct contest_board *b = contest_board_get(f->db, &frozen);
	struct contest_board *c = contest_board_get(f->db, &round);
	size_t na, nb, nc;
	contest_board_lines(a, &na);
	contest_board_lines(b, &nb);
	contest_board_lines(c, &nc);
	assert_int_equal(na, 2);
	assert_int_equal(nb, 1);
	assert_int_equal(nc, 0);
	contest_board_release(a);
	contest_board_release(b);
	contest_board_release(c);
}

static void board_slots_are_bounded_least_recent_first(void **state)
{
	struct fixture *f = *state;
	attempt(f, 0, "submitted", 5, T0);
	struct contest_board *first = NULL, *kept = NULL;
	/* CONTEST_BOARD_SLOTS + 1 cut-offs: the first board is pushed out. */
	for (int i = 0; i <= CONTEST_BOARD_SLOTS; i++) {
		struct contest_board_key k = { .quiz_id = f->quiz,
					       .has_cutoff = true,
					       .cutoff_ms = T0 + 1000000 + i };
		struct contest_board *b = contest_board_get(f->db, &k);
		if (i == 0)
			first = b;
		else
			contest_board_release(b);
	}
	struct contest_board_key k0 = { .quiz_id = f->quiz,
					.has_cutoff = true,
					.cutoff_ms = T0 + 1000000 };
	kept = contest_board_get(f->db, &k0);
	assert_ptr_not_equal(first, kept);
	contest_board_release(first);
	contest_board_release(kept);
}

struct racer {
	const char *path;
	int64_t quiz;
	pthread_barrier_t *start;
	struct contest_board *got;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	char err[256];
	struct db *db = db_open(r->path, err, sizeof err);
	struct contest_board_key key = { .quiz_id = r->quiz };
	pthread_barrier_wait(r->start);
	r->got = db ? contest_board_get(db, &key) : NULL;
	db_close(db);
	return NULL;
}

static void board_is_ranked_once_for_concurrent_requests(void **state)
{
	struct fixture *f = *state;
	enum { THREADS = 8 };
	assert_int_equal(db_begin_write(f->db), 0);
	for (int i = 0; i < 4000; i++)
		attempt(f, i % 4, "submitted", (double)(i % 11), T0 + i);
	assert_int_equal(db_commit(f->db), 0);
	contest_board_flush();
	pthread_barrier_t start;
	pthread_t threads[THREADS];
	struct racer racers[THREADS];
	pthread_barrier_init(&start, NULL, THREADS);
	for (int i = 0; i < THREADS; i++) {
		racers[i] = (struct racer){ f->tdb.path, f->quiz, &start, NULL };
		assert_int_equal(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	pthread_barrier_destroy(&start);
	/* Whoever came while the board was being ranked waited for it. */
	for (int i = 0; i < THREADS; i++) {
		assert_non_null(racers[i].got);
		assert_ptr_equal(racers[i].got, racers[0].got);
	}
	size_t n = 0;
	contest_board_lines(racers[0].got, &n);
	assert_int_equal(n, 4);
	for (int i = 0; i < THREADS; i++)
		contest_board_release(racers[i].got);
}

/* Waits until a reader thread has read once (up to 15 s: a loaded machine
 * may start it late), so that it reads while the writes run. */
static void wait_for_first_read(int *reads)
{
	for (int waited = 0; waited < 15000 && !__atomic_load_n(reads, __ATOMIC_ACQUIRE); waited++)
		usleep(1000);
	assert_true(__atomic_load_n(reads, __ATOMIC_ACQUIRE) > 0);
}

struct reader {
	const char *path;
	int64_t quiz;
	atomic_bool *stop;
	int reads;
	int stale; /* boards missing an attempt completed before the request */
};

static void *read_loop(void *arg)
{
	struct reader *r = arg;
	char err[256];
	struct db *db = db_open(r->path, err, sizeof err);
	struct contest_board_key key = { .quiz_id = r->quiz };
	while (db && !atomic_load(r->stop)) {
		int64_t completed = 0;
		/* Every attempt here is a new person's, completed once: the
		 * version counts them, and a board has one line per attempt. */
		if (db_contest_version(db, r->quiz, &completed))
			break;
		struct contest_board *b = contest_board_get(db, &key);
		size_t n = 0;
		if (!b)
			break;
		contest_board_lines(b, &n);
		r->stale += (int64_t)n < completed;
		__atomic_add_fetch(&r->reads, 1, __ATOMIC_RELEASE);
		contest_board_release(b);
	}
	db_close(db);
	return NULL;
}

static void board_holds_every_attempt_completed_before_the_request(void **state)
{
	struct fixture *f = *state;
	enum { READERS = 4, WRITES = 300 };
	atomic_bool stop;
	atomic_init(&stop, false);
	pthread_t threads[READERS];
	struct reader readers[READERS];
	for (int i = 0; i < READERS; i++) {
		readers[i] = (struct reader){ f->tdb.path, f->quiz, &stop, 0, 0 };
		assert_int_equal(pthread_create(&threads[i], NULL, read_loop, &readers[i]), 0);
	}
	for (int i = 0; i < READERS; i++)
		wait_for_first_read(&readers[i].reads);
	for (int i = 0; i < WRITES; i++) {
		char name[32];
		snprintf(name, sizeof name, "w%d", i);
		int64_t person =
			db_fixture_person(f->db, name, "Người", "participant", 0, "public");
		assert_true(person > 0);
		struct db_fixture_attempt a = {
			.quiz_id = f->quiz,
			.user_id = person,
			.audience = "public",
			.state = "submitted",
			.started_at = T0,
			.finished_at = T0 + 1000 + i,
			.score = (double)(i % 11),
			.max_score = 10,
			.question_ids = &f->question,
			.nquestions = 1,
		};
		assert_true(db_fixture_attempt(f->db, &a) > 0);
	}
	atomic_store(&stop, true);
	int reads = 0;
	for (int i = 0; i < READERS; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(readers[i].stale, 0);
		reads += readers[i].reads;
	}
	assert_true(reads > 0);
}

/* The board a full ranking of storage gives for key, as lines. */
static size_t full_ranking(struct db *db, const struct contest_board_key *key,
			   struct contest_board_line **out)
{
	struct db_contest_attempt *rows = NULL;
	struct contest_entry *e = NULL;
	size_t nrows = 0;
	assert_true(db_contest_attempts(db, key->quiz_id, key->round, &rows, &nrows) >= 0);
	struct contest_attempt *a = calloc(nrows ? nrows : 1, sizeof *a);
	for (size_t i = 0; i < nrows; i++) {
		a[i].participant_id = rows[i].user_id ? rows[i].user_id : -rows[i].attempt_id;
		a[i].expired = rows[i].expired;
		a[i].score = rows[i].score;
		a[i].max_score = rows[i].max_score;
		a[i].has_prediction = rows[i].has_prediction;
		a[i].prediction = rows[i].prediction;
		a[i].started_at = rows[i].started_at;
		a[i].deadline = rows[i].deadline;
		a[i].finished_at = rows[i].finished_at;
		a[i].duration_ms = rows[i].duration_ms;
	}
	struct contest_rules rules = { key->use_prediction, key->has_cutoff, key->cutoff_ms };
	size_t n = contest_leaderboard(a, nrows, &rules, &e, NULL);
	*out = calloc(n ? n : 1, sizeof **out);
	for (size_t i = 0; i < n; i++) {
		(*out)[i].attempt_id = rows[e[i].attempt_index].attempt_id;
		(*out)[i].rank = e[i].rank;
		(*out)[i].duration_ms = e[i].duration_ms;
		(*out)[i].submitted_at = e[i].submitted_at;
	}
	free(e);
	free(a);
	free(rows);
	return n;
}

/* True when b's unit sums are its lines' (counted, and summed in line
 * order). */
static bool units_add_up(const struct contest_board *b)
{
	size_t nlines = 0, nunits = 0;
	const struct contest_board_line *lines = contest_board_lines(b, &nlines);
	const struct contest_board_unit *units = contest_board_units(b, &nunits);
	size_t seen = 0;
	for (size_t u = 0; u < nunits; u++) {
		if (u && units[u - 1].unit_id >= units[u].unit_id)
			return false;
		int64_t entrants = 0;
		double sum = 0;
		for (size_t i = 0; i < nlines; i++) {
			if (lines[i].unit_id == units[u].unit_id) {
				entrants++;
				sum += lines[i].score;
			}
		}
		if (entrants == 0 || entrants != units[u].entrants || sum != units[u].score_sum)
			return false;
		seen += (size_t)entrants;
	}
	for (size_t i = 0; i < nlines; i++)
		seen += lines[i].unit_id == 0;
	return seen == nlines;
}

static void assert_board_is_full_ranking(struct db *db, const struct contest_board_key *key)
{
	struct contest_board_line *want = NULL;
	size_t nwant = full_ranking(db, key, &want), ngot = 0;
	struct contest_board *b = contest_board_get(db, key);
	assert_non_null(b);
	const struct contest_board_line *got = contest_board_lines(b, &ngot);
	assert_int_equal(ngot, nwant);
	for (size_t i = 0; i < ngot; i++) {
		assert_int_equal(got[i].attempt_id, want[i].attempt_id);
		assert_int_equal(got[i].rank, want[i].rank);
		assert_int_equal(got[i].duration_ms, want[i].duration_ms);
		assert_int_equal(got[i].submitted_at, want[i].submitted_at);
	}
	assert_true(units_add_up(b));
	contest_board_release(b);
	free(want);
}

/* One random completed attempt of people[0..npeople) (now and then none),
 * made in units[0] or units[1] or none when units is not NULL; few
 * durations and scores out of 4: many ties, and F moves. */
static int64_t random_attempt(struct fixture *f, const int64_t *people, size_t npeople,
			      const int64_t *units, uint64_t *seed)
{
	*seed = *seed * 6364136223846793005u + 1442695040888963407u;
	unsigned r = (unsigned)(*seed >> 33);
	int64_t start = T0 + (int64_t)(r % 4) * 1000;
	struct db_fixture_attempt a = {
		.quiz_id = f->quiz,
		.user_id = r % 17 == 0 ? 0 : people[(r >> 3) % npeople],
		.unit_id = units && (r >> 20) % 3 ? units[(r >> 21) % 2] : 0,
		.audience = "public",
		.state = (r >> 8) % 9 == 0 ? "expired" : "submitted",
		.started_at = start,
		.finished_at = start + 1000 * (int64_t)((r >> 10) % 3),
		.score = (double)((r >> 12) % 5),
		.max_score = 4,
		.question_ids = &f->question,
		.nquestions = 1,
		.round_code = (r >> 15) % 2 ? "r1" : "r2",
		.has_prediction = (r >> 16) % 5 != 0,
		.prediction = (int64_t)((r >> 18) % 8),
	};
	int64_t id = db_fixture_attempt(f->db, &a);
	assert_true(id > 0);
	return id;
}

static void merged_board_equals_full_ranking_at_every_step(void **state)
{
	struct fixture *f = *state;
	enum { PEOPLE = 24, STEPS = 260 };
	int64_t people[PEOPLE];
	for (int i = 0; i < PEOPLE; i++) {
		char name[16];
		snprintf(name, sizeof name, "m%d", i);
		people[i] = db_fixture_person(f->db, name, "Người", "participant", 0, "public");
		assert_true(people[i] > 0);
	}
	const struct contest_board_key keys[] = {
		{ .quiz_id = f->quiz },
		{ .quiz_id = f->quiz, .use_prediction = true },
		{ .quiz_id = f->quiz, .round = "r1" },
		{ .quiz_id = f->quiz, .round = "r2", .use_prediction = true },
		{ .quiz_id = f->quiz,
		  .use_prediction = true,
		  .has_cutoff = true,
		  .cutoff_ms = T0 + 6000 },
	};
	const size_t nkeys = sizeof keys / sizeof keys[0];
	struct contest_board_stats before, after;
	contest_board_stats(&before);
	uint64_t seed = 12345;
	int64_t last = 0;
	for (int step = 0; step < STEPS; step++) {
		int64_t id = random_attempt(f, people, PEOPLE, NULL, &seed);
		/* Sometimes a rescore: every board is ranked in full again. */
		if (step % 53 == 52)
			assert_int_equal(db_attempt_rescore(f->db, last, 0, 0, false), 0);
		last = id;
		for (size_t k = 0; k < nkeys; k++)
			assert_board_is_full_ranking(f->db, &keys[k]);
	}
	contest_board_stats(&after);
	/* Most steps were merged, not ranked in full (F moves only a few
	 * times, and only the prediction boards rank again for it). */
	assert_true(after.merges - before.merges > (uint64_t)STEPS * 2);
	assert_true(after.full_rankings - before.full_rankings < (uint64_t)STEPS * nkeys / 2);
}

/* Two units for the attempts below (attempts name the unit they were
 * made in). */
static void make_units(struct fixture *f, int64_t *units)
{
	const char *codes[2] = { "U1", "U2" };
	bool created = false;
	for (int i = 0; i < 2; i++) {
		struct db_unit u;
		assert_int_equal(
			db_unit_upsert(f->db, codes[i], "Đơn vị", "school", "thcs", 0, &created),
			0);
		assert_int_equal(db_unit_by_code(f->db, codes[i], &u), 1);
		units[i] = u.id;
	}
}

static void start_merger(struct fixture *f)
{
	char err[256];
	struct db *db = db_open(f->tdb.path, err, sizeof err);
	assert_non_null(db);
	assert_int_equal(contest_board_service_start(db, err, sizeof err), 0);
}

struct whole_reader {
	const char *path;
	int64_t quiz, first_id;
	atomic_bool *stop;
	int reads, broken, largest;
};

/* True when b is a whole board of the first attempts first_id, first_id+1,
 * ...: each once, in order, ranked, with its unit sums. */
static bool board_is_whole(const struct contest_board *b, int64_t first_id)
{
	size_t n = 0;
	const struct contest_board_line *l = contest_board_lines(b, &n);
	bool *have = calloc(n + 1, sizeof *have);
	bool ok = units_add_up(b);
	for (size_t i = 0; ok && i < n; i++) {
		int64_t k = l[i].attempt_id - first_id;
		ok = k >= 0 && (size_t)k < n && !have[k];
		if (ok)
			have[k] = true;
		if (ok && i) {
			struct contest_order_key x = { l[i - 1].score, -1, l[i - 1].duration_ms,
						       l[i - 1].submitted_at };
			struct contest_order_key y = { l[i].score, -1, l[i].duration_ms,
						       l[i].submitted_at };
			int c = contest_order_compare(&x, &y);
			ok = c < 0 ? l[i].rank == (int64_t)i + 1
				   : c == 0 && l[i].rank == l[i - 1].rank;
		} else if (ok) {
			ok = l[i].rank == 1;
		}
	}
	free(have);
	return ok;
}

static void *whole_read_loop(void *arg)
{
	struct whole_reader *r = arg;
	char err[256];
	struct db *db = db_open(r->path, err, sizeof err);
	struct contest_board_key key = { .quiz_id = r->quiz };
	while (db && !atomic_load(r->stop)) {
		struct contest_board *b = contest_board_get(db, &key);
		if (!b)
			break;
		size_t n = 0;
		contest_board_lines(b, &n);
		r->broken += !board_is_whole(b, r->first_id);
		r->largest = (int)n > r->largest ? (int)n : r->largest;
		__atomic_add_fetch(&r->reads, 1, __ATOMIC_RELEASE);
		contest_board_release(b);
	}
	db_close(db);
	return NULL;
}

static int64_t new_person_attempt(struct fixture *f, int i, int64_t unit)
{
	char name[32];
	snprintf(name, sizeof name, "p%d", i);
	int64_t person = db_fixture_person(f->db, name, "Người", "participant", 0, "public");
	assert_true(person > 0);
	struct db_fixture_attempt a = {
		.quiz_id = f->quiz,
		.user_id = person,
		.unit_id = unit,
		.audience = "public",
		.state = "submitted",
		.started_at = T0,
		.finished_at = T0 + 1000 + (i * 7919) % 5000,
		.score = (double)(i % 11) + 0.25,
		.max_score = 11,
		.question_ids = &f->question,
		.nquestions = 1,
	};
	int64_t id = db_fixture_attempt(f->db, &a);
	assert_true(id > 0);
	return id;
}

static void published_board_is_never_half_merged(void **state)
{
	struct fixture *f = *state;
	enum { READERS = 3, WRITES = 300 };
	int64_t units[2];
	make_units(f, units);
	int64_t first_id = new_person_attempt(f, 0, units[0]);
	start_merger(f);
	atomic_bool stop;
	atomic_init(&stop, false);
	pthread_t threads[READERS];
	struct whole_reader readers[READERS];
	for (int i = 0; i < READERS; i++) {
		readers[i] =
			(struct whole_reader){ f->tdb.path, f->quiz, first_id, &stop, 0, 0, 0 };
		assert_int_equal(pthread_create(&threads[i], NULL, whole_read_loop, &readers[i]),
				 0);
	}
	for (int i = 0; i < READERS; i++)
		wait_for_first_read(&readers[i].reads);
	/* Attempt ids follow one another: a board holds a prefix of them. */
	for (int i = 1; i < WRITES; i++)
		assert_int_equal(new_person_attempt(f, i, i % 5 ? units[i % 2] : 0), first_id + i);
	contest_board_sync();
	atomic_store(&stop, true);
	int reads = 0;
	for (int i = 0; i < READERS; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(readers[i].broken, 0);
		reads += readers[i].reads;
	}
	assert_true(reads > 0);
	/* After the merger's pass the board holds every write, ranked as a
	 * full ranking ranks it. */
	struct contest_board_key key = { .quiz_id = f->quiz };
	assert_board_is_full_ranking(f->db, &key);
	struct contest_board *b = contest_board_get(f->db, &key);
	size_t n = 0;
	contest_board_lines(b, &n);
	assert_int_equal(n, WRITES);
	assert_true(board_is_whole(b, first_id));
	contest_board_release(b);
	contest_board_service_stop();
}

static void merger_keeps_every_board_equal_to_a_full_ranking(void **state)
{
	struct fixture *f = *state;
	enum { PEOPLE = 12, STEPS = 90 };
	int64_t people[PEOPLE], units[2];
	make_units(f, units);
	for (int i = 0; i < PEOPLE; i++) {
		char name[16];
		snprintf(name, sizeof name, "m%d", i);
		people[i] = db_fixture_person(f->db, name, "Người", "participant", 0, "public");
		assert_true(people[i] > 0);
	}
	const struct contest_board_key keys[] = {
		{ .quiz_id = f->quiz },
		{ .quiz_id = f->quiz, .use_prediction = true },
		{ .quiz_id = f->quiz, .round = "r1" },
		{ .quiz_id = f->quiz,
		  .use_prediction = true,
		  .has_cutoff = true,
		  .cutoff_ms = T0 + 6000 },
	};
	const size_t nkeys = sizeof keys / sizeof keys[0];
	start_merger(f);
	struct contest_board_stats before, after;
	contest_board_stats(&before);
	uint64_t seed = 777;
	int64_t last = 0;
	for (int step = 0; step < STEPS; step++) {
		int64_t id = random_attempt(f, people, PEOPLE, units, &seed);
		if (step % 31 == 30)
			assert_int_equal(db_attempt_rescore(f->db, last, 0, 0, false), 0);
		last = id;
		/* What quizd does before it acknowledges a submission. */
		contest_board_sync();
		for (size_t k = 0; k < nkeys; k++)
			assert_board_is_full_ranking(f->db, &keys[k]);
	}
	contest_board_stats(&after);
	/* The merger brought the boards up to date, mostly by merging. */
	assert_true(after.merges - before.merges > (uint64_t)STEPS);
	contest_board_service_stop();
}

struct acked {
	atomic_bool done;
};

static void ack(void *ctx)
{
	atomic_store(&((struct acked *)ctx)->done, true);
}

static void acknowledgement_comes_once_the_boards_hold_the_write(void **state)
{
	struct fixture *f = *state;
	struct contest_board_key key = { .quiz_id = f->quiz };
	struct acked a;
	/* Without a merger: at once, on the caller's thread. */
	atomic_init(&a.done, false);
	contest_board_when_published(f->quiz, ack, &a);
	assert_true(atomic_load(&a.done));
	start_merger(f);
	attempt(f, 0, "submitted", 5, T0);
	/* No board of the quiz is kept: nothing to wait for. */
	atomic_init(&a.done, false);
	contest_board_when_published(f->quiz, ack, &a);
	assert_true(atomic_load(&a.done));
	struct contest_board *b = contest_board_get(f->db, &key);
	contest_board_release(b);
	/* Nor for another quiz's write. */
	atomic_init(&a.done, false);
	contest_board_when_published(f->quiz + 1, ack, &a);
	assert_true(atomic_load(&a.done));
	for (int i = 1; i < 4; i++) {
		attempt(f, i, "submitted", 5 + i, T0);
		atomic_init(&a.done, false);
		contest_board_when_published(f->quiz, ack, &a);
		for (int wait = 0; wait < 10000 && !atomic_load(&a.done); wait++)
			usleep(1000);
		assert_true(atomic_load(&a.done));
		/* Told of it: the published board has it, on top. */
		b = contest_board_get(f->db, &key);
		size_t n = 0;
		const struct contest_board_line *l = contest_board_lines(b, &n);
		assert_int_equal(n, i + 1);
		assert_float_equal(l[0].score, 5 + i, 1e-9);
		contest_board_release(b);
	}
	/* Stopping runs whatever still waits. */
	atomic_init(&a.done, false);
	attempt(f, 0, "submitted", 1, T0);
	contest_board_when_published(f->quiz, ack, &a);
	contest_board_service_stop();
	assert_true(atomic_load(&a.done));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(board_is_reused_while_storage_is_unchanged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(board_is_ranked_again_after_an_attempt_completes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(board_keys_are_kept_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(board_slots_are_bounded_least_recent_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(board_is_ranked_once_for_concurrent_requests, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			board_holds_every_attempt_completed_before_the_request, setup, teardown),
		cmocka_unit_test_setup_teardown(merged_board_equals_full_ranking_at_every_step,
						setup, teardown),
		cmocka_unit_test_setup_teardown(published_board_is_never_half_merged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(merger_keeps_every_board_equal_to_a_full_ranking,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			acknowledgement_comes_once_the_boards_hold_the_write, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
