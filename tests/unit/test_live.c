/* test_live.c - live games without HTTP: the points formula, a game
 * played through the domain on a real database, and the accounts an ended
 * game hands to attendance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "live.h"
#include "testdb.h"

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
	struct db_user host = { .id = db_fixture_person(db, "host", "Host", "unit_admin", 0, "") };
	strcpy(host.role, "unit_admin");
	int64_t pupil = db_fixture_person(db, "pupil", "Pupil", "participant", 0, "pupil");
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
	live_service_stop();
	clock_set_source(NULL, NULL);
	testdb_remove(&t, db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(points_follow_the_time_left),
		cmocka_unit_test(an_ended_game_lists_its_logged_in_players_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
