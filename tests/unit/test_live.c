/* test_live.c - live games without HTTP: the points formula, a game
 * played through the domain on a real database, the accounts an ended
 * game hands to attendance (which count in the reports), what listeners read (the lobby sent at most
 * every LIVE_LOBBY_EVERY_MS, a superseded lobby skipped, each player's own
 * rank in the shared scores), answers stored through the quiz
 * service's group commit, and what reaches a game's copy from another
 * instance (its joins, a later question). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "app.h"
#include "bank.h"
#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "db_live.h"
#include "live.h"
#include "quiz_service.h"
#include "quiz_write.h"
#include "report.h"
#include "testdb.h"
#include "util.h"

static int64_t fake_now = 1800000000000LL;

static int64_t fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static void points_follow_the_time_left(void **state)
{
	(void)state;
	assert_int_equal(live_points(true, 10000, 10000), 1000);
	assert_int_equal(live_points(true, 5000, 10000), 750);
	assert_int_equal(live_points(true, 0, 10000), 500);
	assert_int_equal(live_points(true, -300, 10000), 500);
	assert_int_equal(live_points(true, 12000, 10000), 1000);
	assert_int_equal(live_points(true, 3333, 10000), 667);
	assert_int_equal(live_points(false, 10000, 10000), 0);
}

static void an_ended_game_lists_its_logged_in_players_once(void **state)
{
	(void)state;
	struct testdb t;
	struct db *db = testdb_open(&t, "test_live");
	assert_non_null(db);
	clock_set_source(fake_clock, NULL);
	int64_t bank = db_fixture_bank(db, "lv", "pupil");
	assert_true(bank > 0);
	assert_true(db_fixture_question(db, bank, "lv-1", "passwords") > 0);
	assert_true(db_fixture_question(db, bank, "lv-2", "passwords") > 0);
	bool created;
	struct db_unit school;
	assert_int_equal(db_unit_upsert(db, "S", "Trường", "school", "thcs", 0, &created), 0);
	assert_int_equal(db_unit_by_code(db, "S", &school), 1);
	struct db_user host = { .id = db_fixture_person(db, "host", "Host", "unit_admin", school.id,
							"") };
	strcpy(host.role, "unit_admin");
	int64_t pupil = db_fixture_person(db, "pupil", "Pupil", "participant", school.id, "pupil");
	assert_true(host.id > 0 && pupil > 0);

	struct problem p;
	struct live_new req = { .bank = "lv", .count = 2, .seconds = 10 };
	int64_t id = 0, joined = 0;
	char pin[LIVE_PIN_LEN + 1], token[LIVE_TOKEN_LEN + 1];
	/* no quiz draws from lv, so it is the admin's (a unit_admin's banks are
	 * those of its units' quizzes) */
	assert_int_equal(live_create(db, &host, &req, &id, pin, &p), OUTCOME_FORBIDDEN);
	strcpy(host.role, "admin");
	assert_int_equal(live_create(db, &host, &req, &id, pin, &p), OUTCOME_OK);
	req.count = 3;
	char other_pin[LIVE_PIN_LEN + 1];
	assert_int_equal(live_create(db, &host, &req, &joined, other_pin, &p), OUTCOME_INVALID);
	assert_int_equal(live_join(db, "1234567", "An", 0, &joined, token, &p), OUTCOME_INVALID);
	assert_int_equal(live_join(db, pin, "An", 0, &joined, token, &p), OUTCOME_OK);
	assert_int_equal(joined, id);
	assert_int_equal(live_join(db, pin, "Pupil", pupil, &joined, token, &p), OUTCOME_OK);
	assert_int_equal(live_join(db, pin, "Pupil", 0, &joined, token, &p),
			 OUTCOME_NICKNAME_TAKEN);

	int64_t *users = NULL;
	size_t n = 0;
	assert_int_equal(live_game_participants(db, id, &users, &n, &p), OUTCOME_CONFLICT);
	struct db_user other = { .id = pupil };
	strcpy(other.role, "participant");
	assert_int_equal(live_next(db, id, &other, &p), OUTCOME_NOT_FOUND);
	for (int i = 0; i < 3; i++) {
		fake_now += 11000;
		assert_int_equal(live_next(db, id, &host, &p), OUTCOME_OK);
	}
	assert_int_equal(live_next(db, id, &host, &p), OUTCOME_CONFLICT);
	assert_int_equal(live_game_participants(db, id, &users, &n, &p), OUTCOME_OK);
	assert_int_equal(n, 1);
	assert_int_equal(users[0], pupil);
	free(users);
	assert_int_equal(live_game_participants(db, id + 100, &users, &n, &p), OUTCOME_NOT_FOUND);
	/* The ended game is an activity of kind live_game of the host's unit,
	 * which the logged-in pupil attended: the school's report counts them
	 * as reached, the anonymous player not at all. */
	struct report_query q = { .year = clock_vn_year(fake_now),
				  .unit_code = "S",
				  .audience = "pupil" };
	struct report_table rows;
	assert_int_equal(report_participation(db, &q, &rows, &p), OUTCOME_OK);
	assert_int_equal(rows.n, 1);
	assert_int_equal(rows.rows[0].participants, 0);
	assert_int_equal(rows.rows[0].attended, 1);
	assert_int_equal(rows.rows[0].reached, 1);
	report_table_cleanup(&rows);
	live_service_stop();
	clock_set_source(NULL, NULL);
	testdb_remove(&t, db);
}

/* A game of two questions hosted by an admin, on a fresh database. */
struct game {
	struct testdb t;
	struct db *db;
	struct db_user host;
	int64_t id;
	char pin[LIVE_PIN_LEN + 1];
};

static void game_open(struct game *g, const char *name)
{
	g->db = testdb_open(&g->t, name);
	assert_non_null(g->db);
	clock_set_source(fake_clock, NULL);
	/* two questions whose first option is the right one */
	static const char BANK[] =
		"{\"code\":\"lv\",\"title\":\"L\",\"language\":\"vi\",\"audiences\":[\"pupil\"],"
		"\"questions\":[{\"code\":\"lv-1\",\"type\":\"single\",\"topics\":[\"passwords\"],"
		"\"difficulty\":1,\"stem\":\"Một?\",\"explanation\":\"Vì.\",\"options\":["
		"{\"text\":\"a\",\"correct\":true},{\"text\":\"b\",\"correct\":false},{\"text\":"
		"\"c\",\"correct\":false}]},"
		"{\"code\":\"lv-2\",\"type\":\"single\",\"topics\":[\"passwords\"],"
		"\"difficulty\":1,\"stem\":\"Hai?\",\"explanation\":\"Vì.\",\"options\":["
		"{\"text\":\"a\",\"correct\":true},{\"text\":\"b\",\"correct\":false},{\"text\":"
		"\"c\",\"correct\":false}]}]}";
	struct bank_result res;
	bank_result_init(&res);
	if (bank_import_text(g->db, BANK, strlen(BANK), "lv.json", &res))
		fail_msg("bank: %s", res.problem.message);
	bank_result_cleanup(&res);
	memset(&g->host, 0, sizeof g->host);
	g->host.id = db_fixture_person(g->db, "host", "Host", "admin", 0, "");
	strcpy(g->host.role, "admin");
	struct live_new req = { .bank = "lv", .count = 2, .seconds = 10 };
	struct problem p;
	assert_int_equal(live_create(g->db, &g->host, &req, &g->id, g->pin, &p), OUTCOME_OK);
}

static void game_close(struct game *g)
{
	live_service_stop();
	clock_set_source(NULL, NULL);
	testdb_remove(&g->t, g->db);
}

static void join(struct game *g, const char *nickname, char token[LIVE_TOKEN_LEN + 1])
{
	struct problem p;
	int64_t joined;
	assert_int_equal(live_join(g->db, g->pin, nickname, 0, &joined, token, &p), OUTCOME_OK);
}

static void count_wake(void *ctx)
{
	__atomic_add_fetch((int *)ctx, 1, __ATOMIC_SEQ_CST);
}

/* Everything the listener has to read now (new string). */
static char *read_all(struct live_listener *l)
{
	struct strbuf sb;
	sb_init(&sb);
	char buf[37]; /* small: events are read across several calls */
	long n;
	while ((n = live_listener_read(l, buf, sizeof buf)) > 0)
		sb_append(&sb, buf, (size_t)n);
	sb_puts(&sb, "");
	return sb_steal(&sb);
}

static int occurrences(const char *text, const char *what)
{
	int n = 0;
	for (const char *s = text; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

static void listeners_read_shared_events_and_their_own_rank(void **state)
{
	(void)state;
	struct game g;
	game_open(&g, "test_live_events");
	char tok[6][LIVE_TOKEN_LEN + 1];
	struct problem p;
	int wakes = 0;
	/* A join of a game no listener follows here only stores the player
	 * (with several instances the game's own instance takes it in); the
	 * host's stream loads the game with it. */
	join(&g, "An", tok[0]);
	struct live_caller host = { NULL, &g.host };
	struct live_listener *lh = NULL, *lp = NULL;
	assert_int_equal(live_listen(g.db, g.id, &host, count_wake, &wakes, &lh, &p), OUTCOME_OK);
	char *text = read_all(lh);
	assert_non_null(
		strstr(text, "retry: 2000\n\nevent: lobby\ndata: {\"players\":[\"An\"]}\n\n"));
	free(text);
	/* the first lobby sent to everyone goes out at once (the greeting was
	 * rendered for its listener) */
	fake_now += 10;
	join(&g, "Binh", tok[1]);
	text = read_all(lh);
	assert_int_equal(occurrences(text, "event: lobby"), 1);
	assert_non_null(strstr(text, "[\"An\",\"Binh\"]"));
	free(text);
	/* a join within LIVE_LOBBY_EVERY_MS of the last lobby event waits */
	fake_now += 10;
	join(&g, "Chi", tok[2]);
	text = read_all(lh);
	assert_string_equal(text, "");
	free(text);
	/* ... and goes out with the next one after it */
	fake_now += LIVE_LOBBY_EVERY_MS;
	join(&g, "Dung", tok[3]);
	text = read_all(lh);
	assert_int_equal(occurrences(text, "event: lobby"), 1);
	assert_non_null(strstr(text, "[\"An\",\"Binh\",\"Chi\",\"Dung\"]"));
	free(text);
	/* two lobby events not read yet: the older says nothing new */
	fake_now += LIVE_LOBBY_EVERY_MS;
	join(&g, "Em", tok[4]);
	fake_now += LIVE_LOBBY_EVERY_MS;
	join(&g, "Giang", tok[5]);
	text = read_all(lh);
	assert_int_equal(occurrences(text, "event: lobby"), 1);
	assert_non_null(strstr(text, "\"Em\",\"Giang\"]"));
	free(text);

	/* a player's greeting is the lobby as it is */
	struct live_caller an = { tok[0], NULL };
	assert_int_equal(live_listen(g.db, g.id, &an, count_wake, &wakes, &lp, &p), OUTCOME_OK);
	text = read_all(lp);
	assert_non_null(strstr(text, "\"Giang\"]"));
	free(text);

	/* one question event, the same bytes for both */
	assert_int_equal(live_next(g.db, g.id, &g.host, &p), OUTCOME_OK);
	char *qh = read_all(lh), *qp = read_all(lp);
	assert_int_equal(occurrences(qh, "event: question"), 1);
	assert_string_equal(qh, qp);
	free(qp);
	/* the right option: answered by An alone, so An ranks first */
	json_error_t e;
	json_t *q = json_loads(strstr(qh, "data: ") + 6, JSON_DISABLE_EOF_CHECK, &e);
	assert_non_null(q);
	free(qh);
	int64_t opts[2] = {
		json_integer_value(
			json_object_get(json_array_get(json_object_get(q, "options"), 0), "id")),
		json_integer_value(
			json_object_get(json_array_get(json_object_get(q, "options"), 1), "id")),
	};
	json_decref(q);
	int64_t right_points = 0;
	for (int i = 0; i < 6; i++) {
		fake_now += 100;
		assert_int_equal(live_answer(g.db, g.id, tok[i], 0, opts[i == 0 ? 0 : 1], &p),
				 OUTCOME_OK);
	}
	right_points = live_points(true, 10000 - 100, 10000);
	text = read_all(lh);
	assert_int_equal(occurrences(text, "event: closed"), 1);
	assert_int_equal(occurrences(text, "event: scores"), 1);
	assert_null(strstr(text, "\"you\""));
	free(text);
	text = read_all(lp);
	char you[80];
	snprintf(you, sizeof you, ",\"you\":{\"rank\":1,\"score\":%lld}}\n\n",
		 (long long)right_points);
	assert_non_null(strstr(text, you));
	free(text);
	assert_true(__atomic_load_n(&wakes, __ATOMIC_SEQ_CST) > 0);
	live_listener_free(lh);
	live_listener_free(lp);
	game_close(&g);
}

struct done_count {
	int n;
};

static void one_done(void *ctx)
{
	__atomic_add_fetch(&((struct done_count *)ctx)->n, 1, __ATOMIC_SEQ_CST);
}

#define GC_PLAYERS 24

static void answers_are_stored_through_the_group_commit(void **state)
{
	(void)state;
	struct game g;
	game_open(&g, "test_live_commit");
	char tok[GC_PLAYERS][LIVE_TOKEN_LEN + 1];
	for (int i = 0; i < GC_PLAYERS; i++) {
		char name[16];
		snprintf(name, sizeof name, "P%d", i);
		fake_now += LIVE_LOBBY_EVERY_MS;
		join(&g, name, tok[i]);
	}
	struct problem p;
	assert_int_equal(live_next(g.db, g.id, &g.host, &p), OUTCOME_OK);
	struct app app;
	memset(&app, 0, sizeof app);
	app.cfg.db_path = g.t.path;
	app.cfg.data_dir = g.t.dir;
	app.cfg.sweep_interval_ms = 60000;
	char err[256];
	assert_int_equal(quiz_service_start(&app, err, sizeof err), 0);
	struct quiz_service *s = quiz_service_of(&app);

	/* the options of question 0, from its event */
	int wakes = 0;
	struct live_listener *l = NULL;
	struct live_caller host = { NULL, &g.host };
	assert_int_equal(live_listen(g.db, g.id, &host, count_wake, &wakes, &l, &p), OUTCOME_OK);
	char *text = read_all(l);
	const char *at = strstr(text, "\"options\":[{\"id\":");
	assert_non_null(at);
	int64_t right = strtoll(at + strlen("\"options\":[{\"id\":"), NULL, 10);
	free(text);

	struct quiz_write w[GC_PLAYERS + 1];
	struct done_count done = { 0 };
	for (int i = 0; i < GC_PLAYERS; i++)
		assert_int_equal(live_answer_begin(g.db, g.id, tok[i], 0, right, &w[i], &p),
				 OUTCOME_OK);
	/* held in memory: a second answer is refused before any storage */
	struct quiz_write again;
	assert_int_equal(live_answer_begin(g.db, g.id, tok[0], 0, right, &again, &p),
			 OUTCOME_ALREADY_ANSWERED);
	for (int i = 0; i < GC_PLAYERS; i++)
		quiz_service_submit(s, &w[i], one_done, &done);
	/* Up to 15 s: the writer thread may start late on a loaded machine. */
	for (int i = 0; i < 15000 && __atomic_load_n(&done.n, __ATOMIC_SEQ_CST) < GC_PLAYERS; i++)
		usleep(1000);
	assert_int_equal(__atomic_load_n(&done.n, __ATOMIC_SEQ_CST), GC_PLAYERS);
	struct quiz_service_stats st;
	quiz_service_stats(s, &st);
	/* queued together, they shared transactions */
	assert_true(st.transactions < st.writes);
	/* a write of an answer storage already holds is refused by storage */
	w[GC_PLAYERS] = w[0];
	w[GC_PLAYERS].status = OUTCOME_INTERNAL;
	quiz_service_run(s, &w[GC_PLAYERS]);
	assert_int_equal(w[GC_PLAYERS].status, OUTCOME_ALREADY_ANSWERED);
	for (int i = 0; i < GC_PLAYERS; i++) {
		assert_int_equal(w[i].status, OUTCOME_OK);
		assert_int_equal(live_answer_end(&w[i], &p), OUTCOME_OK);
	}
	/* every player answered: the question closed with every score */
	text = read_all(l);
	assert_int_equal(occurrences(text, "event: closed"), 1);
	free(text);
	struct db_live_player *rows = NULL;
	size_t n = 0;
	assert_int_equal(db_live_players(g.db, g.id, 0, &rows, &n), 0);
	assert_int_equal(n, GC_PLAYERS);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rows[i].score, live_points(true, 10000, 10000));
	free(rows);
	live_listener_free(l);
	quiz_service_stop(&app);
	game_close(&g);
}

/* Reads what the listener has until its text holds want or its stream is
 * over (want NULL), for up to 5 s while the timer runs: 1 when it came. */
static int wait_for(struct live_listener *l, const char *want)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "");
	int found = 0;
	for (int i = 0; i < 500 && !found; i++) {
		char buf[512];
		long n;
		while ((n = live_listener_read(l, buf, sizeof buf)) > 0)
			sb_append(&sb, buf, (size_t)n);
		found = want ? strstr(sb.data, want) != NULL : n < 0;
		if (!found)
			usleep(10000);
	}
	sb_cleanup(&sb);
	return found;
}

/* A player stored by another instance, as its join would: the token. */
static void join_elsewhere(struct db *other, int64_t game_id, const char *nickname,
			   char token[LIVE_TOKEN_LEN + 1])
{
	unsigned char raw[LIVE_TOKEN_LEN / 2], hash[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, LIVE_TOKEN_LEN + 1, raw, sizeof raw);
	crypto_generichash(hash, 32, (const unsigned char *)token, strlen(token), NULL, 0);
	int64_t id;
	assert_int_equal(db_live_player_insert(other, game_id, nickname, hash, 0, fake_now, &id),
			 0);
}

/* With several instances the proxy sends a game's requests to one, but
 * joins go to any: the token a join elsewhere handed out opens this
 * copy's stream at once (read from storage on the miss), the timer takes
 * such players in within LIVE_CHECK_MS (the host's lobby shows them), and
 * a copy behind what storage shows (another instance asked a question:
 * the proxy had moved the game) is retired, its streams ended so they
 * reconnect to a fresh load. */
static void another_instances_joins_and_moves_reach_this_copy(void **state)
{
	(void)state;
	struct game g;
	game_open(&g, "test_live_multi");
	char err[256];
	struct db *other = db_open(g.t.path, err, sizeof err);
	struct db *timer_db = db_open(g.t.path, err, sizeof err);
	assert_non_null(other);
	assert_non_null(timer_db);
	assert_int_equal(live_service_start(timer_db, err, sizeof err), 0);
	struct problem p;
	int wakes = 0;
	struct live_caller host = { NULL, &g.host };
	struct live_listener *lh = NULL, *lp = NULL;
	assert_int_equal(live_listen(g.db, g.id, &host, count_wake, &wakes, &lh, &p), OUTCOME_OK);
	free(read_all(lh));

	char tok[2][LIVE_TOKEN_LEN + 1];
	join_elsewhere(other, g.id, "Khách", tok[0]);
	struct live_caller guest = { tok[0], NULL };
	assert_int_equal(live_listen(g.db, g.id, &guest, count_wake, &wakes, &lp, &p), OUTCOME_OK);
	char *text = read_all(lp);
	assert_non_null(strstr(text, "\"players\":[\"Khách\"]"));
	free(text);
	assert_true(wait_for(lh, "\"players\":[\"Khách\"]"));
	/* a token nobody handed out is still refused */
	struct live_caller stranger = { "00000000000000000000000000000000000000ff", NULL };
	struct live_listener *ls = NULL;
	assert_int_equal(live_listen(g.db, g.id, &stranger, count_wake, &wakes, &ls, &p),
			 OUTCOME_NOT_FOUND);

	/* no listener of this player: the timer takes it in */
	join_elsewhere(other, g.id, "Lan", tok[1]);
	fake_now += LIVE_CHECK_MS;
	assert_true(wait_for(lh, "\"players\":[\"Khách\",\"Lan\"]"));

	/* another instance asks the first question */
	struct db_live_game row = { .id = g.id,
				    .question_index = 0,
				    .question_started_at = fake_now,
				    .question_ends_at = fake_now + 10000 };
	strcpy(row.state, "question");
	assert_int_equal(db_live_game_update(other, &row), 0);
	fake_now += LIVE_CHECK_MS;
	assert_true(wait_for(lh, NULL));
	assert_true(wait_for(lp, NULL));
	live_listener_free(lh);
	live_listener_free(lp);
	/* the reconnecting host loads the game as stored */
	assert_int_equal(live_listen(g.db, g.id, &host, count_wake, &wakes, &lh, &p), OUTCOME_OK);
	text = read_all(lh);
	assert_non_null(strstr(text, "event: question"));
	free(text);
	live_listener_free(lh);
	db_close(other);
	game_close(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(points_follow_the_time_left),
		cmocka_unit_test(an_ended_game_lists_its_logged_in_players_once),
		cmocka_unit_test(listeners_read_shared_events_and_their_own_rank),
		cmocka_unit_test(answers_are_stored_through_the_group_commit),
		cmocka_unit_test(another_instances_joins_and_moves_reach_this_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
