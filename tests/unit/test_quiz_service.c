/* test_quiz_service.c - the group committer on a real database: writes
 * queued from many threads are all applied and acknowledged only after
 * their transaction committed, concurrent writes share transactions, a
 * refused write leaves the others applied, and quiescing refuses new
 * writes; login-card sessions go through it too, still throttled. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "account.h"
#include "app.h"
#include "auth.h"
#include "bank.h"
#include "cards.h"
#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_attempt.h"
#include "db_bank.h"
#include "db_fixture.h"
#include "db_people.h"
#include "quiz_cache.h"
#include "quiz_def.h"
#include "quiz_service.h"
#include "quiz_write.h"
#include "testdb.h"
#include "testsql.h"
#include "util.h"

#define THREADS 8
#define PER_THREAD 25

struct fixture {
	struct testdb tdb;
	struct db *db;
	struct app app;
	int64_t quiz_id;
	int64_t users[THREADS];
	int64_t attempts[THREADS];
	struct db_attempt_question *qs[THREADS];
	size_t nq[THREADS];
};

static const char BANK_HEAD[] = "{\"code\":\"sb\",\"title\":\"S\",\"language\":\"vi\","
				"\"audiences\":[\"pupil\"],\"questions\":[";

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char err[256];
	f->db = testdb_open(&f->tdb, "test_qsvc");
	assert_non_null(f->db);
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, BANK_HEAD);
	for (int i = 0; i < 30; i++)
		sb_printf(&sb,
			  "%s{\"code\":\"s%d\",\"type\":\"single\",\"topics\":[\"malware\"],"
			  "\"difficulty\":1,"
			  "\"stem\":\"Câu %d\",\"explanation\":\"Vì "
			  "%d\",\"options\":[{\"text\":\"a\","
			  "\"correct\":true},{\"text\":\"b\",\"correct\":false},{\"text\":\"c\","
			  "\"correct\":false}]}",
			  i ? "," : "", i, i, i);
	sb_puts(&sb, "]}");
	struct bank_result res;
	bank_result_init(&res);
	assert_int_equal(bank_import_text(f->db, sb.data, sb.len, "sb.json", &res), 0);
	bank_result_cleanup(&res);
	sb_cleanup(&sb);
	json_error_t e;
	json_t *def = json_loads(
		"{\"code\":\"q\",\"title\":\"Q\",\"kind\":\"quiz\",\"audiences\":[\"pupil\"],"
		"\"draw\":[{\"bank\":\"sb\",\"count\":25}],\"time_limit_s\":3600,\"max_attempts\":"
		"1,"
		"\"pass_percent\":50,\"opens_at\":\"2020-01-01T00:00:00Z\","
		"\"closes_at\":\"2090-01-01T00:00:00Z\",\"review\":\"after_submit\"}",
		0, &e);
	int64_t quiz_id;
	struct problem pr;
	assert_int_equal(quiz_create(f->db, def, &quiz_id, &pr), OUTCOME_OK);
	f->quiz_id = quiz_id;
	json_decref(def);
	struct quiz_qcache *qc = quiz_qcache_new();
	const struct db_quiz *q = NULL;
	int found;
	q = quiz_qcache_quiz(qc, f->db, quiz_id, &found);
	assert_non_null(q);
	for (int t = 0; t < THREADS; t++) {
		char name[16];
		snprintf(name, sizeof name, "u%d", t);
		f->users[t] = db_fixture_person(f->db, name, name, "participant", 0, "pupil");
		struct quiz_participant p = { .user_id = f->users[t],
					      .unit_path = "",
					      .audience = "pupil" };
		struct quiz_write w;
		assert_int_equal(quiz_start_prepare(f->db, qc, q, &p, clock_now_ms(), 2000, &w),
				 OUTCOME_OK);
		assert_int_equal(quiz_write_run(f->db, qc, &w), 0);
		f->attempts[t] = w.attempt.id;
		quiz_write_cleanup(&w);
		assert_int_equal(db_attempt_questions(f->db, f->attempts[t], &f->qs[t], &f->nq[t]),
				 0);
	}
	quiz_qcache_free(qc);
	f->app.cfg.db_path = f->tdb.path;
	f->app.cfg.data_dir = f->tdb.dir;
	f->app.cfg.attempt_grace_ms = 2000;
	f->app.cfg.sweep_interval_ms = 60000;
	assert_int_equal(quiz_service_start(&f->app, err, sizeof err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	quiz_service_stop(&f->app);
	for (int t = 0; t < THREADS; t++)
		db_attempt_questions_free(f->qs[t], f->nq[t]);
	testdb_remove(&f->tdb, f->db);
	free(f);
	return 0;
}

struct worker {
	struct fixture *f;
	int t;
	int ok, refused;
	int64_t user;
};

/* Saves option 0 of every question of the thread's attempt, one write at
 * a time; each acknowledged save must be visible to a fresh connection at
 * once (committed). */
static void *saver(void *arg)
{
	struct worker *wk = arg;
	struct fixture *f = wk->f;
	struct quiz_service *s = quiz_service_of(&f->app);
	char err[256];
	struct db *db = db_open(f->tdb.path, err, sizeof err);
	for (size_t i = 0; i < f->nq[wk->t] && i < PER_THREAD; i++) {
		const struct db_question *q =
			quiz_qcache_get(quiz_service_qcache(s), db, f->qs[wk->t][i].question_id);
		char body[64];
		snprintf(body, sizeof body, "{\"choices\":[%lld]}", (long long)q->options[0].id);
		json_error_t e;
		json_t *j = json_loads(body, 0, &e);
		struct quiz_write w;
		enum outcome st =
			quiz_answer_prepare(db, quiz_service_qcache(s), wk->user,
					    f->attempts[wk->t], q->id, j, clock_now_ms(), 2000, &w);
		json_decref(j);
		if (st == OUTCOME_OK)
			quiz_service_run(s, &w);
		if (st == OUTCOME_OK && w.status == OUTCOME_OK) {
			struct db_answer *as = NULL;
			size_t na = 0;
			if (db_answers(db, f->attempts[wk->t], &as, &na) == 0 && na >= i + 1)
				wk->ok++;
			db_answers_free(as, na);
		} else {
			wk->refused++;
		}
		quiz_write_cleanup(&w);
	}
	db_close(db);
	return NULL;
}

static void group_commit_applies_every_write_and_shares_transactions(void **state)
{
	struct fixture *f = *state;
	struct worker wk[THREADS];
	pthread_t th[THREADS];
	for (int t = 0; t < THREADS; t++) {
		wk[t] = (struct worker){ f, t, 0, 0, f->users[t] };
		pthread_create(&th[t], NULL, saver, &wk[t]);
	}
	int ok = 0;
	for (int t = 0; t < THREADS; t++) {
		pthread_join(th[t], NULL);
		ok += wk[t].ok;
		assert_int_equal(wk[t].refused, 0);
	}
	assert_int_equal(ok, THREADS * PER_THREAD);
	struct quiz_service_stats st;
	quiz_service_stats(quiz_service_of(&f->app), &st);
	assert_true(st.writes >= (uint64_t)(THREADS * PER_THREAD));
	fprintf(stderr, "%llu writes in %llu transactions\n", (unsigned long long)st.writes,
		(unsigned long long)st.transactions);
	/* Saves waited on their commit concurrently: some shared one. */
	assert_true(st.transactions < st.writes);
}

static void count_done(void *ctx)
{
	__atomic_add_fetch((int *)ctx, 1, __ATOMIC_SEQ_CST);
}

static void refused_write_leaves_the_others_applied(void **state)
{
	struct fixture *f = *state;
	struct quiz_service *s = quiz_service_of(&f->app);
	/* Submit attempt 0, then queue together a save to it (refused: closed)
	 * and a save to attempt 1 (accepted). */
	struct quiz_write fin, late, good;
	quiz_finish_prepare(f->attempts[0], true, false, 0, clock_now_ms(), 2000, &fin);
	quiz_service_run(s, &fin);
	assert_int_equal(fin.status, OUTCOME_OK);
	memset(&late, 0, sizeof late);
	late.kind = QUIZ_WRITE_ANSWER;
	late.attempt_id = f->attempts[0];
	late.question_id = f->qs[0][0].question_id;
	late.choices = xstrdup("[]");
	late.now_ms = clock_now_ms();
	late.grace_ms = 2000;
	good = late;
	good.choices = xstrdup("[]");
	good.attempt_id = f->attempts[1];
	good.question_id = f->qs[1][0].question_id;
	/* Queued together, so that they usually share a transaction. */
	int done = 0;
	quiz_service_submit(s, &late, count_done, &done);
	quiz_service_submit(s, &good, count_done, &done);
	/* Up to 15 s: the writer thread may start late on a loaded machine. */
	for (int i = 0; i < 15000 && __atomic_load_n(&done, __ATOMIC_SEQ_CST) < 2; i++)
		usleep(1000);
	assert_int_equal(__atomic_load_n(&done, __ATOMIC_SEQ_CST), 2);
	assert_int_equal(late.status, OUTCOME_ATTEMPT_CLOSED);
	assert_int_equal(good.status, OUTCOME_OK);
	struct db_answer *as = NULL;
	size_t na = 0;
	assert_int_equal(db_answers(f->db, f->attempts[1], &as, &na), 0);
	assert_int_equal(na, 1);
	db_answers_free(as, na);
	quiz_write_cleanup(&late);
	quiz_write_cleanup(&good);
	quiz_service_quiesce(&f->app);
	assert_false(quiz_service_enter(s));
}

struct card_worker {
	struct fixture *f;
	const char *code;
	int ok, stored;
};

/* PER_THREAD logins by one card; each session answered must be live for
 * a fresh connection at once (its transaction committed). */
static void *card_user(void *arg)
{
	struct card_worker *cw = arg;
	char err[256];
	struct db *db = db_open(cw->f->tdb.path, err, sizeof err);
	struct db *fresh = db_open(cw->f->tdb.path, err, sizeof err);
	for (int i = 0; i < PER_THREAD; i++) {
		struct account_result res;
		struct problem p;
		if (account_card_login(&cw->f->app, db, cw->code, "10.0.0.1", &res, &p) !=
		    OUTCOME_OK)
			continue;
		cw->ok++;
		struct db_user u;
		int64_t expires;
		if (account_session_find(fresh, res.token, clock_now_ms(), &u, &expires) == 1 &&
		    u.id == res.user.id)
			cw->stored++;
	}
	db_close(fresh);
	db_close(db);
	return NULL;
}

static void card_logins_share_the_group_commit_and_stay_throttled(void **state)
{
	struct fixture *f = *state;
	struct auth_config cfg;
	auth_config_defaults(&cfg);
	f->app.auth = auth_new(&cfg);
	assert_non_null(f->app.auth);
	struct cards_keyring keys = { f->tdb.dir, f->tdb.path };
	char codes[THREADS][CARDS_CODE_PRINTED + 1];
	for (int t = 0; t < THREADS; t++) {
		char canonical[CARDS_CODE_CHARS + 1];
		unsigned char hash[32];
		struct problem p;
		cards_code_new(codes[t]);
		assert_int_equal(cards_code_canonical(codes[t], canonical), 0);
		assert_int_equal(cards_code_hash(&keys, canonical, hash, &p), OUTCOME_OK);
		assert_int_equal(db_card_set(f->db, f->users[t], hash, clock_now_ms()), 0);
	}
	struct quiz_service_stats before, after;
	quiz_service_stats(quiz_service_of(&f->app), &before);
	struct card_worker cw[THREADS];
	pthread_t th[THREADS];
	for (int t = 0; t < THREADS; t++) {
		cw[t] = (struct card_worker){ f, codes[t], 0, 0 };
		pthread_create(&th[t], NULL, card_user, &cw[t]);
	}
	for (int t = 0; t < THREADS; t++) {
		pthread_join(th[t], NULL);
		assert_int_equal(cw[t].ok, PER_THREAD);
		assert_int_equal(cw[t].stored, PER_THREAD);
	}
	quiz_service_stats(quiz_service_of(&f->app), &after);
	/* Every session was a write of the committer; concurrent ones shared
	 * transactions. */
	uint64_t writes = after.writes - before.writes;
	uint64_t transactions = after.transactions - before.transactions;
	fprintf(stderr, "%llu card sessions in %llu transactions\n", (unsigned long long)writes,
		(unsigned long long)transactions);
	assert_int_equal(writes, THREADS * PER_THREAD);
	assert_true(transactions < writes);
	/* A wrong code is still a failure that throttles: five, then refused
	 * at once, with no session written. */
	struct account_result res;
	struct problem p;
	for (int i = 0; i < 5; i++)
		assert_int_equal(account_card_login(&f->app, f->db, "AAAA-BBBB-CCCC-DDDD",
						    "10.0.0.2", &res, &p),
				 OUTCOME_UNAUTHORIZED);
	assert_int_equal(
		account_card_login(&f->app, f->db, "AAAA-BBBB-CCCC-DDDD", "10.0.0.2", &res, &p),
		OUTCOME_RATE_LIMITED);
	assert_true(res.retry_after_s > 0);
	quiz_service_stats(quiz_service_of(&f->app), &before);
	assert_int_equal(before.writes, after.writes);
	auth_free(f->app.auth);
	f->app.auth = NULL;
}

/* A new start through the committer: one statement finds the attempt in
 * progress and counts them; on SQLite the attempt and its draw go in with
 * one statement each, on PostgreSQL with one together; there BEGIN with
 * the writers' lock and the job's savepoint travel with the lookup and the
 * release with COMMIT, so a start alone in its transaction is 3 round
 * trips (4 with the inserts apart, 5 with the lookup and the count apart);
 * SQLite, in-process, makes none. */
static struct quiz_write start_at(struct fixture *f, int64_t user, int64_t now)
{
	struct quiz_service *s = quiz_service_of(&f->app);
	int found;
	const struct db_quiz *q =
		quiz_qcache_quiz(quiz_service_qcache(s), f->db, f->quiz_id, &found);
	assert_non_null(q);
	struct quiz_participant p = { .user_id = user, .unit_path = "", .audience = "pupil" };
	struct quiz_write w;
	assert_int_equal(quiz_start_prepare(f->db, quiz_service_qcache(s), q, &p, now, 2000, &w),
			 OUTCOME_OK);
	return w;
}

static struct quiz_write start_of(struct fixture *f, const char *name)
{
	int64_t user = db_fixture_person(f->db, name, name, "participant", 0, "pupil");
	return start_at(f, user, clock_now_ms());
}

/* Whether attempt id holds w's draw, position by position. */
static void assert_draw(struct fixture *f, int64_t id, const struct quiz_write *w)
{
	struct db_attempt_question *qs = NULL;
	size_t n = 0;
	assert_int_equal(db_attempt_questions(f->db, id, &qs, &n), 0);
	assert_int_equal(n, w->nquestions);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(qs[i].question_id, w->questions[i].question_id);
		assert_string_equal(qs[i].option_order, w->questions[i].option_order);
	}
	db_attempt_questions_free(qs, n);
}

/* A run of starts applied together (quiz_starts_apply, one lookup and one
 * insert for the run): two new people get new attempts with their draws,
 * a person with an attempt in progress resumes it, a person who used the
 * one attempt allowed is refused; a second start of a person in the run
 * and a start whose attempt in progress is past its deadline are left, in
 * queue order, to quiz_write_apply, which resumes the first and, for the
 * second, finalises the old attempt and then refuses (no attempt left). */
static void a_run_of_starts_is_applied_together(void **state)
{
	struct fixture *f = *state;
	int64_t now = clock_now_ms();
	struct quiz_qcache *qc = quiz_service_qcache(quiz_service_of(&f->app));
	int64_t late = db_fixture_person(f->db, "late", "late", "participant", 0, "pupil");
	struct quiz_write old = start_at(f, late, now - 2 * 3600 * 1000);
	assert_int_equal(quiz_write_run(f->db, qc, &old), 0);
	assert_true(old.created);
	int64_t done = db_fixture_person(f->db, "done", "done", "participant", 0, "pupil");
	struct quiz_write first = start_at(f, done, now);
	assert_int_equal(quiz_write_run(f->db, qc, &first), 0);
	struct quiz_write submit;
	quiz_finish_prepare(first.attempt.id, true, false, 0, now, 2000, &submit);
	assert_int_equal(quiz_write_run(f->db, qc, &submit), 0);
	assert_int_equal(submit.status, OUTCOME_OK);

	struct quiz_write w[7];
	w[0] = start_of(f, "run1");
	w[1] = start_at(f, f->users[0], now);
	w[2] = start_at(f, late, now);
	w[3] = start_at(f, w[0].attempt.user_id, now);
	w[4] = start_of(f, "run2");
	w[5] = start_at(f, done, now);
	w[6] = start_at(f, f->users[1], now);
	struct quiz_write *run[7], *later[7];
	for (int i = 0; i < 7; i++)
		run[i] = &w[i];
	assert_int_equal(db_begin_write(f->db), 0);
	size_t nlater = quiz_starts_apply(f->db, run, 7, later);
	assert_int_equal(nlater, 2);
	assert_ptr_equal(later[0], &w[2]);
	assert_ptr_equal(later[1], &w[3]);
	for (size_t i = 0; i < nlater; i++)
		assert_int_equal(quiz_write_apply(f->db, qc, later[i]), 0);
	assert_int_equal(db_commit(f->db), 0);

	for (int i = 0; i < 7; i++)
		assert_int_equal(w[i].status,
				 i == 2 || i == 5 ? OUTCOME_NO_ATTEMPTS_LEFT : OUTCOME_OK);
	assert_true(w[0].created && w[4].created);
	assert_true(w[0].attempt.id > 0 && w[4].attempt.id > 0 &&
		    w[0].attempt.id != w[4].attempt.id);
	assert_draw(f, w[0].attempt.id, &w[0]);
	assert_draw(f, w[4].attempt.id, &w[4]);
	assert_false(w[1].created);
	assert_int_equal(w[1].attempt.id, f->attempts[0]);
	assert_false(w[6].created);
	assert_int_equal(w[6].attempt.id, f->attempts[1]);
	assert_false(w[3].created);
	assert_int_equal(w[3].attempt.id, w[0].attempt.id);
	assert_int_equal(w[2].completed_quiz_id, f->quiz_id);
	struct db_attempt a;
	assert_int_equal(db_attempt_get(f->db, old.attempt.id, &a), 1);
	assert_string_equal(a.state, "expired");
	assert_int_equal(db_attempt_get(f->db, w[0].attempt.id, &a), 1);
	assert_string_equal(a.state, "in_progress");
	assert_int_equal(a.question_count, 25);
	for (int i = 0; i < 7; i++)
		quiz_write_cleanup(&w[i]);
	quiz_write_cleanup(&old);
	quiz_write_cleanup(&first);
}

static void a_start_takes_three_round_trips(void **state)
{
	struct fixture *f = *state;
	struct quiz_service *s = quiz_service_of(&f->app);
	/* The first start prepares the statements on the committer's
	 * connection (one more round trip each); the second is measured. */
	for (int i = 0; i < 2; i++) {
		struct quiz_write w = start_of(f, i ? "rt2" : "rt1");
		struct quiz_service_stats before, after;
		quiz_service_stats(s, &before);
		quiz_service_run(s, &w);
		quiz_service_stats(s, &after);
		assert_int_equal(w.status, OUTCOME_OK);
		assert_true(w.created);
		struct db_attempt_question *qs = NULL;
		size_t nq = 0;
		assert_int_equal(db_attempt_questions(f->db, w.attempt.id, &qs, &nq), 0);
		assert_int_equal(nq, 25);
		db_attempt_questions_free(qs, nq);
		uint64_t trips = after.round_trips - before.round_trips;
		fprintf(stderr, "start %d: %llu round trips\n", i + 1, (unsigned long long)trips);
		if (i == 1)
			assert_int_equal(trips, testsql_pg() ? 3 : 0);
		/* The same person again: the attempt in progress, resumed. */
		struct quiz_write again = w;
		again.questions = NULL;
		again.nquestions = 0;
		again.choices = again.text = NULL;
		quiz_service_run(s, &again);
		assert_int_equal(again.status, OUTCOME_OK);
		assert_false(again.created);
		assert_int_equal(again.attempt.id, w.attempt.id);
		quiz_write_cleanup(&w);
	}
}

/* A draw longer than one statement takes (32 rows): on PostgreSQL the
 * first 32 go in with the attempt, the rest after; every position keeps
 * its question and option order, on both engines. */
static void a_draw_of_40_keeps_every_position(void **state)
{
	struct fixture *f = *state;
	struct db_attempt a = { 0 };
	a.quiz_id = f->quiz_id;
	a.user_id = f->users[1];
	a.seed = 7;
	a.started_at = clock_now_ms();
	a.deadline = a.started_at + 60000;
	struct db_attempt_question qs[40];
	char orders[40][16];
	for (int i = 0; i < 40; i++) {
		snprintf(orders[i], sizeof orders[i], "[%d]", i);
		qs[i] = (struct db_attempt_question){ f->qs[0][i % 25].question_id, orders[i] };
	}
	assert_int_equal(db_begin_write(f->db), 0);
	assert_int_equal(db_attempt_insert(f->db, &a, qs, 40), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_true(a.id > f->attempts[THREADS - 1]);
	struct db_attempt_question *got = NULL;
	size_t n = 0;
	assert_int_equal(db_attempt_questions(f->db, a.id, &got, &n), 0);
	assert_int_equal(n, 40);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(got[i].question_id, qs[i].question_id);
		assert_string_equal(got[i].option_order, orders[i]);
	}
	db_attempt_questions_free(got, n);
}

/* The drawn questions' references hold on both engines (SQLite's foreign
 * keys; on PostgreSQL the statement checks of migration 24): a draw naming
 * a question that does not exist is refused as a conflict, alone or in a
 * run, and leaves nothing; a question or an attempt a draw names cannot be
 * deleted. */
static void a_draw_must_name_questions_that_exist(void **state)
{
	struct fixture *f = *state;
	struct quiz_write w[2] = { start_of(f, "ref1"), start_of(f, "ref2") };
	w[1].questions[3].question_id = 987654321;
	assert_int_equal(db_begin_write(f->db), 0);
	assert_int_equal(db_attempt_insert(f->db, &w[1].attempt, w[1].questions, w[1].nquestions),
			 DB_CONFLICT);
	db_rollback(f->db);
	struct db_start_insert ins[2] = { { &w[0].attempt, w[0].questions, w[0].nquestions },
					  { &w[1].attempt, w[1].questions, w[1].nquestions } };
	assert_int_equal(db_begin_write(f->db), 0);
	assert_int_equal(db_attempts_insert_many(f->db, ins, 2), DB_CONFLICT);
	db_rollback(f->db);
	struct db_attempt a;
	for (int i = 0; i < 2; i++)
		assert_int_equal(
			db_attempt_in_progress(f->db, f->quiz_id, w[i].attempt.user_id, &a), 0);
	/* The draws of the fixture's attempts name their questions (the
	 * question's own topics and options go first: only the draw holds). */
	char sql[320];
	const char *fk = testsql_pg() ? "" : "PRAGMA foreign_keys=ON; ";
	long long qid = (long long)f->qs[0][0].question_id;
	snprintf(sql, sizeof sql,
		 "%sDELETE FROM question_topics WHERE question_id = %lld;"
		 " DELETE FROM options WHERE question_id = %lld; DELETE FROM questions WHERE id = "
		 "%lld",
		 fk, qid, qid, qid);
	assert_int_equal(testsql_exec(f->tdb.path, sql), -1);
	snprintf(sql, sizeof sql, "%sDELETE FROM attempts WHERE id = %lld", fk,
		 (long long)f->attempts[0]);
	assert_int_equal(testsql_exec(f->tdb.path, sql), -1);
	assert_int_equal(db_attempt_get(f->db, f->attempts[0], &a), 1);
	for (int i = 0; i < 2; i++)
		quiz_write_cleanup(&w[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			group_commit_applies_every_write_and_shares_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_write_leaves_the_others_applied, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			card_logins_share_the_group_commit_and_stay_throttled, setup, teardown),
		cmocka_unit_test_setup_teardown(a_start_takes_three_round_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(a_draw_of_40_keeps_every_position, setup, teardown),
		cmocka_unit_test_setup_teardown(a_run_of_starts_is_applied_together, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_draw_must_name_questions_that_exist, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
