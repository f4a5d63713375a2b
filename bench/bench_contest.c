/* bench_contest.c - how long a contest leaderboard takes for a large
 * contest: ranking 200,000 attempts of 100,000 participants (with
 * predictions), timed beside a plain qsort of as many doubles in the same
 * run; reading those attempts from storage (db_contest_attempts); a board
 * served from the per-process cache (contest_board) against one ranked
 * afresh; the unit standings of those 100,000 entrants in 5,000 units
 * (contest_standings_view) beside the leaderboard's first page
 * (contest_leaderboard_view); and leaderboard reads (p50, p99) while
 * attempts are submitted at 200 per second, beside the same reads with
 * none, in one run, with the boards' merger thread running as in quizd:
 * the CPU time spent ranking (contest_board_stats), and per submission the
 * commit's time and the time until the boards held it
 * (contest_board_when_published), which is when quizd acknowledges a
 * submit.
 *
 * The contest is generated once through the storage layer (db_fixture)
 * into BUILD/bench-out/contest-units.db and reused by later runs: a
 * province, 50 districts and 4,949 schools (5,000 units), each person in a
 * school with a headcount of 30.
 *
 * usage: bench_contest [BUILD_DIR] */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "contest.h"
#include "contest_award.h"
#include "contest_board.h"
#include "contest_view.h"
#include "db.h"
#include "db_account.h"
#include "db_contest.h"
#include "db_fixture.h"
#include "db_quiz.h"
#include "lib/bench_util.h"
#include "quiz_cache.h"
#include "rng.h"

#define NPEOPLE 100000
#define NATTEMPTS 200000
#define RUNS 7
#define NDISTRICTS 50
#define NSCHOOLS 4949
#define HEADCOUNT 30
#define CLOSES_AT 1800000000000LL

static int cmp_seconds(const void *a, const void *b)
{
	return cmp_double(a, b);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_seconds);
	return v[n / 2];
}

static void die(struct db *db, const char *what)
{
	fprintf(stderr, "bench_contest: %s: %s\n", what, db ? db_errmsg(db) : "");
	exit(1);
}

/* Attempts with scores 0..20 of 20, predictions on most, durations spread
 * over 15 minutes; generated with a fixed seed. */
static void make_attempts(struct contest_attempt *a, size_t n)
{
	struct rng_seeded r;
	rng_seeded_init(&r, 2026);
	for (size_t i = 0; i < n; i++) {
		memset(&a[i], 0, sizeof a[i]);
		a[i].participant_id = (int64_t)(i % NPEOPLE) + 1;
		a[i].score = (double)rng_seeded_below(&r, 21);
		a[i].max_score = 20;
		a[i].correct_count = (int)a[i].score;
		a[i].has_prediction = rng_seeded_below(&r, 10) != 0;
		a[i].prediction = (int64_t)rng_seeded_below(&r, 10000);
		a[i].started_at = 1700000000000LL + (int64_t)rng_seeded_below(&r, 86400000);
		a[i].duration_ms = (int64_t)rng_seeded_below(&r, 900000);
		a[i].finished_at = a[i].started_at + a[i].duration_ms;
		a[i].deadline = a[i].started_at + 900000;
		a[i].expired = rng_seeded_below(&r, 50) == 0;
	}
}

static void bench_ranking(void)
{
	struct contest_attempt *a = calloc(NATTEMPTS, sizeof *a);
	double *keys = calloc(NATTEMPTS, sizeof *keys);
	double rank_s[RUNS], sort_s[RUNS];
	struct contest_rules rules = { true, false, 0 };
	size_t entries = 0;
	make_attempts(a, NATTEMPTS);
	for (int run = 0; run < RUNS; run++) {
		for (size_t i = 0; i < NATTEMPTS; i++)
			keys[i] = a[i].score * 1e9 + (double)a[i].duration_ms;
		double t0 = now_s();
		qsort(keys, NATTEMPTS, sizeof *keys, cmp_double);
		double t1 = now_s();
		struct contest_entry *e = NULL;
		entries = contest_leaderboard(a, NATTEMPTS, &rules, &e, NULL);
		double t2 = now_s();
		free(e);
		sort_s[run] = t1 - t0;
		rank_s[run] = t2 - t1;
	}
	double rank = median(rank_s, RUNS), sort = median(sort_s, RUNS);
	printf("ranking %d attempts of %d participants (prediction contest): %.1f ms "
	       "(median of %d; %zu entries)\n",
	       NATTEMPTS, NPEOPLE, rank * 1e3, RUNS, entries);
	printf("reference qsort of %d doubles:                               %.1f ms   ratio "
	       "%.2f\n",
	       NATTEMPTS, sort * 1e3, rank / sort);
	free(a);
	free(keys);
}

/* The unit tree: 1 province, NDISTRICTS districts, NSCHOOLS schools
 * spread over them, each school with a headcount; school ids in schools. */
static void make_units(struct db *db, int64_t *schools)
{
	char code[32], name[64];
	struct db_unit root, district;
	bool created = false;
	int year = clock_vn_year(CLOSES_AT);
	if (db_unit_upsert(db, "BP", "Tỉnh Thử", "province", "", 0, &created) ||
	    db_unit_by_code(db, "BP", &root) != 1)
		die(db, "province");
	for (int i = 0; i < NSCHOOLS; i++) {
		snprintf(code, sizeof code, "BD%02d", i % NDISTRICTS);
		if (i < NDISTRICTS) {
			snprintf(name, sizeof name, "Huyện %d", i);
			if (db_unit_upsert(db, code, name, "district", "", root.id, &created))
				die(db, "district");
		}
		if (db_unit_by_code(db, code, &district) != 1)
			die(db, "district");
		snprintf(code, sizeof code, "BS%04d", i);
		snprintf(name, sizeof name, "Trường %d", i);
		struct db_unit school;
		if (db_unit_upsert(db, code, name, "school", "thcs", district.id, &created) ||
		    db_unit_by_code(db, code, &school) != 1 ||
		    db_headcount_set(db, school.id, year, "public", HEADCOUNT, 0, 0))
			die(db, "school");
		schools[i] = school.id;
	}
}

/* The stored contest: NPEOPLE people in NSCHOOLS schools, NATTEMPTS
 * attempts. */
static int64_t make_contest(struct db *db)
{
	char username[32];
	int64_t bank = db_fixture_bank(db, "bench-contest", "public");
	int64_t question = db_fixture_question(db, bank, "bench-contest-q1", "");
	int64_t quiz = db_fixture_quiz(db, "bench-contest", "Bench contest", false, "public", 0,
				       1700000000000LL, CLOSES_AT);
	if (bank < 0 || question < 0 || quiz < 0 || db_fixture_contest(db, quiz, 0))
		die(db, "fixture");
	int64_t *schools = calloc(NSCHOOLS, sizeof *schools);
	make_units(db, schools);
	int64_t *people = calloc(NPEOPLE, sizeof *people);
	struct rng_seeded r;
	rng_seeded_init(&r, 7);
	for (int i = 0; i < NPEOPLE; i++) {
		snprintf(username, sizeof username, "cp%d", i);
		people[i] = db_fixture_person(db, username, "Người Thi", "participant",
					      schools[i % NSCHOOLS], "public");
		if (people[i] < 0)
			die(db, "person");
	}
	for (int i = 0; i < NATTEMPTS; i++) {
		int64_t start = 1700000000000LL + (int64_t)rng_seeded_below(&r, 86400000);
		struct db_fixture_attempt fa = {
			.quiz_id = quiz,
			.user_id = people[i % NPEOPLE],
			.unit_id = schools[(i % NPEOPLE) % NSCHOOLS],
			.audience = "public",
			.state = "submitted",
			.started_at = start,
			.finished_at = start + (int64_t)rng_seeded_below(&r, 900000),
			.score = (double)rng_seeded_below(&r, 21),
			.max_score = 20,
			.question_ids = &question,
			.nquestions = 1,
		};
		if (db_fixture_attempt(db, &fa) < 0)
			die(db, "attempt");
	}
	free(people);
	free(schools);
	return quiz;
}

static void bench_reads_under_load(struct db *db, const char *path, int64_t quiz);
static void bench_views(struct db *db, int64_t quiz);

/* The quiz cache a request is given (quizd's is the quiz service's). */
static struct quiz_qcache *qcache;

static void bench_storage(const char *build)
{
	char path[512], err[256];
	struct stat st;
	snprintf(path, sizeof path, "%s/bench-out/contest-units.db", build);
	bool fresh = stat(path, &st) != 0;
	struct db *db = db_open(path, err, sizeof err);
	if (!db || db_migrate(db))
		die(db, db ? "migrate" : err);
	if (fresh) {
		double t0 = now_s();
		if (db_begin_write(db) || make_contest(db) < 0 || db_commit(db))
			die(db, "generate");
		printf("generated %s in %.1f s\n", path, now_s() - t0);
	}
	int64_t quiz = 0;
	struct db_quiz *quizzes = NULL;
	size_t nquizzes = 0;
	if (db_quiz_list(db, &quizzes, &nquizzes))
		die(db, "quizzes");
	for (size_t i = 0; i < nquizzes; i++) {
		if (strcmp(quizzes[i].code, "bench-contest") == 0)
			quiz = quizzes[i].id;
		db_quiz_cleanup(&quizzes[i]);
	}
	free(quizzes);
	if (!quiz)
		die(NULL, "no bench-contest quiz in the database");
	double read_s[RUNS], cold_s[RUNS], warm_s[RUNS];
	size_t n = 0, lines = 0;
	struct contest_board_key key = { .quiz_id = quiz };
	for (int run = 0; run < RUNS; run++) {
		struct db_contest_attempt *rows = NULL;
		double t0 = now_s();
		if (db_contest_attempts(db, quiz, NULL, &rows, &n) < 0)
			die(db, "read");
		double t1 = now_s();
		free(rows);
		contest_board_flush();
		double t2 = now_s();
		struct contest_board *b = contest_board_get(db, &key);
		double t3 = now_s();
		struct contest_board *again = contest_board_get(db, &key);
		double t4 = now_s();
		if (!b || !again)
			die(db, "board");
		contest_board_lines(b, &lines);
		contest_board_release(b);
		contest_board_release(again);
		read_s[run] = t1 - t0;
		cold_s[run] = t3 - t2;
		warm_s[run] = t4 - t3;
	}
	double read = median(read_s, RUNS), cold = median(cold_s, RUNS),
	       warm = median(warm_s, RUNS);
	printf("reading %zu stored attempts (db_contest_attempts):       %.1f ms (median of %d)\n",
	       n, read * 1e3, RUNS);
	printf("board of %zu lines, not kept (read + rank):                %.1f ms\n", lines,
	       cold * 1e3);
	printf("board kept, storage unchanged (version check only):        %.2f ms   ratio to "
	       "cold %.3f\n",
	       warm * 1e3, warm / cold);
	bench_views(db, quiz);
	bench_reads_under_load(db, path, quiz);
	db_close(db);
}

#define LOAD_SECONDS 5
#define SUBMIT_PER_S 200
#define READ_EVERY_US 5000

#define MAX_SUBMITS (SUBMIT_PER_S * LOAD_SECONDS * 2)

struct load {
	const char *path;
	int64_t quiz;
	const int64_t *people; /* who submits: the stored attempts' people */
	const int64_t *units; /* and the units they made them in */
	size_t npeople;
	atomic_bool stop;
	int submitted;
	/* Per submission, ms: the insert's commit, and until the boards held
	 * it (the merger's callback fills published[] in any order). */
	double commit[MAX_SUBMITS], published[MAX_SUBMITS];
	atomic_int npublished;
};

struct publish_clock {
	struct load *l;
	double t0;
};

static void published(void *ctx)
{
	struct publish_clock *c = ctx;
	int i = atomic_fetch_add(&c->l->npublished, 1);
	if (i < MAX_SUBMITS)
		c->l->published[i] = (now_s() - c->t0) * 1e3;
	free(c);
}

/* Submits completed attempts of existing people at SUBMIT_PER_S. */
static void *submit_loop(void *arg)
{
	struct load *l = arg;
	char err[256];
	struct db *db = db_open(l->path, err, sizeof err);
	struct rng_seeded r;
	rng_seeded_init(&r, 99);
	double next = now_s();
	while (db && !atomic_load(&l->stop)) {
		int64_t start = 1700000000000LL + (int64_t)rng_seeded_below(&r, 86400000);
		size_t who = rng_seeded_below(&r, (uint64_t)l->npeople);
		struct db_fixture_attempt fa = {
			.quiz_id = l->quiz,
			.user_id = l->people[who],
			.unit_id = l->units[who],
			.audience = "public",
			.state = "submitted",
			.started_at = start,
			.finished_at = start + (int64_t)rng_seeded_below(&r, 900000),
			.score = (double)rng_seeded_below(&r, 21),
			.max_score = 20,
		};
		double t0 = now_s();
		if (db_fixture_attempt(db, &fa) < 0)
			die(db, "submit");
		if (l->submitted < MAX_SUBMITS) {
			l->commit[l->submitted] = (now_s() - t0) * 1e3;
			struct publish_clock *c = malloc(sizeof *c);
			*c = (struct publish_clock){ l, t0 };
			contest_board_when_published(l->quiz, published, c);
		}
		l->submitted++;
		next += 1.0 / SUBMIT_PER_S;
		double wait = next - now_s();
		if (wait > 0)
			usleep((useconds_t)(wait * 1e6));
	}
	db_close(db);
	return NULL;
}

/* Reads the board every READ_EVERY_US for seconds; latencies in ms. */
/* Reads the board every READ_EVERY_US for seconds, and after each the
 * whole first page as a request answers it (contest_leaderboard_view: the
 * contest from the quiz cache, the board with its names, JSON); latencies in ms into
 * lat[] and page[]. */
static int read_for(struct db *db, const struct contest_board_key *key, double seconds, double *lat,
		    double *page_lat, int max)
{
	int n = 0;
	double end = now_s() + seconds;
	struct contest_view_query q = { .quiz_id = key->quiz_id, .admin = true, .limit = 50 };
	while (now_s() < end && n < max) {
		double t0 = now_s();
		struct contest_board *b = contest_board_get(db, key);
		if (!b)
			die(db, "board");
		size_t lines = 0;
		const struct contest_board_line *page = contest_board_lines(b, &lines);
		volatile double top = lines ? page[0].score : 0; /* a page is read */
		(void)top;
		contest_board_release(b);
		double t1 = now_s();
		json_t *j = NULL;
		struct problem p;
		if (contest_leaderboard_view(db, qcache, &q, &j, &p) != OUTCOME_OK)
			die(NULL, p.message);
		json_decref(j);
		page_lat[n] = (now_s() - t1) * 1e3;
		lat[n++] = (t1 - t0) * 1e3;
		usleep(READ_EVERY_US);
	}
	qsort(lat, (size_t)n, sizeof *lat, cmp_double);
	qsort(page_lat, (size_t)n, sizeof *page_lat, cmp_double);
	return n;
}

static void print_reads(const char *what, const double *lat, int n,
			const struct contest_board_stats *a, const struct contest_board_stats *b,
			double seconds)
{
	double cpu_ms = (double)(b->full_ns - a->full_ns + b->merge_ns - a->merge_ns) / 1e6;
	printf("leaderboard reads, %-28s p50 %.3f ms  p99 %.3f ms (%d reads); ranking: %llu "
	       "full, %llu merges, %.0f ms CPU (%.1f%% of a core)\n",
	       what, lat[n / 2], lat[n * 99 / 100], n,
	       (unsigned long long)(b->full_rankings - a->full_rankings),
	       (unsigned long long)(b->merges - a->merges), cpu_ms, cpu_ms / (seconds * 10.0));
}

static void bench_reads_under_load(struct db *db, const char *path, int64_t quiz)
{
	enum { MAX_READS = 4096 };
	static double quiet[MAX_READS], busy[MAX_READS], quiet_page[MAX_READS],
		busy_page[MAX_READS];
	struct contest_board_key key = { .quiz_id = quiz };
	struct contest_board_stats s0, s1, s2;
	struct db_contest_attempt *rows = NULL;
	size_t n = 0;
	static struct load l;
	l.path = path;
	l.quiz = quiz;
	if (db_contest_attempts(db, quiz, NULL, &rows, &n) < 0 || !n)
		die(db, "read");
	int64_t *people = calloc(n, sizeof *people), *units = calloc(n, sizeof *units);
	for (size_t i = 0; i < n; i++) {
		people[i] = rows[i].user_id;
		units[i] = rows[i].unit_id;
	}
	free(rows);
	l.people = people;
	l.units = units;
	l.npeople = n;
	char err[256];
	struct db *merger_db = db_open(path, err, sizeof err);
	if (!merger_db || contest_board_service_start(merger_db, err, sizeof err))
		die(NULL, err);
	contest_board_flush();
	contest_board_release(contest_board_get(db, &key)); /* ranked once */
	contest_board_stats(&s0);
	int nq = read_for(db, &key, LOAD_SECONDS, quiet, quiet_page, MAX_READS);
	contest_board_stats(&s1);
	pthread_t writer;
	atomic_init(&l.stop, false);
	if (pthread_create(&writer, NULL, submit_loop, &l))
		die(NULL, "thread");
	int nb = read_for(db, &key, LOAD_SECONDS, busy, busy_page, MAX_READS);
	atomic_store(&l.stop, true);
	pthread_join(writer, NULL);
	contest_board_stats(&s2);
	contest_board_service_stop(); /* runs the callbacks still waiting */
	size_t lines = 0;
	struct contest_board *b = contest_board_get(db, &key);
	contest_board_lines(b, &lines);
	contest_board_release(b);
	print_reads("no submissions:", quiet, nq, &s0, &s1, LOAD_SECONDS);
	char what[64];
	snprintf(what, sizeof what, "%d submissions/s (%d):", SUBMIT_PER_S, l.submitted);
	print_reads(what, busy, nb, &s1, &s2, LOAD_SECONDS);
	printf("board of %zu lines; busy p99 / quiet p99 = %.2f (target under 2, and p99 under "
	       "10 ms)\n",
	       lines, busy[nb * 99 / 100] / quiet[nq * 99 / 100]);
	printf("first page as answered (contest_leaderboard_view): no submissions p50 %.3f ms "
	       "p99 %.3f ms; %d submissions/s p50 %.3f ms p99 %.3f ms; busy p99 / quiet p99 = "
	       "%.2f\n",
	       quiet_page[nq / 2], quiet_page[nq * 99 / 100], SUBMIT_PER_S, busy_page[nb / 2],
	       busy_page[nb * 99 / 100], busy_page[nb * 99 / 100] / quiet_page[nq * 99 / 100]);
	int nc = l.submitted < MAX_SUBMITS ? l.submitted : MAX_SUBMITS;
	int np = atomic_load(&l.npublished);
	np = np < MAX_SUBMITS ? np : MAX_SUBMITS;
	if (nc && np) {
		qsort(l.commit, (size_t)nc, sizeof *l.commit, cmp_double);
		qsort(l.published, (size_t)np, sizeof *l.published, cmp_double);
		printf("submissions: commit p50 %.2f ms p99 %.2f ms; held by the boards (quizd's "
		       "acknowledgement) p50 %.2f ms p99 %.2f ms; ratio of p99s %.2f\n",
		       l.commit[nc / 2], l.commit[nc * 99 / 100], l.published[np / 2],
		       l.published[np * 99 / 100],
		       l.published[np * 99 / 100] / l.commit[nc * 99 / 100]);
	}
	free(people);
	free(units);
}

/* The leaderboard's first page and the unit standings (districts, then
 * schools), each through the domain function a request calls, the board
 * kept: median ms of RUNS. */
static void bench_views(struct db *db, int64_t quiz)
{
	double board_s[RUNS], district_s[RUNS], school_s[RUNS];
	struct problem p;
	size_t rows[2] = { 0, 0 };
	struct contest_view_query q = { .quiz_id = quiz, .admin = true, .limit = 50 };
	json_t *j = NULL;
	for (int run = 0; run < RUNS; run++) {
		double t0 = now_s();
		if (contest_leaderboard_view(db, qcache, &q, &j, &p) != OUTCOME_OK)
			die(NULL, p.message);
		json_decref(j);
		double t1 = now_s();
		for (int depth = 1; depth <= 2; depth++) {
			if (contest_standings_view(db, quiz, NULL, NULL, depth, true, &j, &p) !=
			    OUTCOME_OK)
				die(NULL, p.message);
			rows[depth - 1] = json_array_size(json_object_get(j, "units"));
			json_decref(j);
			if (depth == 1)
				district_s[run] = now_s() - t1;
		}
		board_s[run] = t1 - t0;
		school_s[run] = now_s() - t1 - district_s[run];
	}
	double board = median(board_s, RUNS);
	printf("leaderboard, first page of 50 (contest_leaderboard_view):   %.2f ms\n",
	       board * 1e3);
	printf("standings of %d units, %zu district rows:                  %.2f ms   ratio to "
	       "the leaderboard %.2f\n",
	       NDISTRICTS + NSCHOOLS + 1, rows[0], median(district_s, RUNS) * 1e3,
	       median(district_s, RUNS) / board);
	printf("standings of %d units, %zu school rows:                  %.2f ms   ratio to "
	       "the leaderboard %.2f\n",
	       NDISTRICTS + NSCHOOLS + 1, rows[1], median(school_s, RUNS) * 1e3,
	       median(school_s, RUNS) / board);
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build";
	qcache = quiz_qcache_new();
	bench_ranking();
	bench_storage(build);
	quiz_qcache_free(qcache);
	return 0;
}
