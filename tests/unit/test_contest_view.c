/* test_contest_view.c - the rules a leaderboard request applies, reached
 * without HTTP on a real database built by the real migrations: the freeze
 * (participants see the board as it stood at freeze_at, admins the live
 * one), the unit subtree filter with ranks inside it, paging, and refusals
 * of what the query names wrongly; and that a page served from a board
 * the merger published (names carried by the board) equals the page
 * ranked from storage, renames and erasures included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "contest_board.h"
#include "contest_view.h"
#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "db_people.h"
#include "db_person.h"
#include "itemstats_view.h"
#include "quiz_cache.h"
#include "testdb.h"

#define T0 1700000000000LL
#define MINUTE 60000LL
#define FREEZE (T0 + 30 * MINUTE)
#define NPEOPLE 5

/* The tree: province P with districts A (and its school A1) and B. */
static const struct {
	const char *code, *kind;
	int parent;
} units[] = {
	{ "P", "province", -1 },
	{ "A", "district", 0 },
	{ "A1", "school", 1 },
	{ "B", "district", 0 },
};
#define NUNITS (sizeof units / sizeof units[0])

/* Person i's unit and score; person 4 submits after the freeze. */
static const struct {
	int unit;
	double score;
	int64_t finished_at;
} people[NPEOPLE] = {
	{ 2, 9, T0 + 10 * MINUTE }, /* A1 */
	{ 3, 8, T0 + 11 * MINUTE }, /* B */
	{ 1, 8, T0 + 11 * MINUTE }, /* A: ties with person 1 */
	{ 2, 5, T0 + 12 * MINUTE }, /* A1 */
	{ 3, 10, T0 + 40 * MINUTE }, /* B, after the freeze */
};

struct fixture {
	struct testdb tdb;
	struct db *db;
	struct quiz_qcache *qc;
	int64_t contest, quiz, question, unit_id[NUNITS];
};

static int64_t fixed_now;

static int64_t fixed_clock(void *ctx)
{
	(void)ctx;
	return fixed_now;
}

static void seed_units(struct fixture *f)
{
	for (size_t i = 0; i < NUNITS; i++) {
		bool created;
		struct db_unit u;
		int64_t parent = units[i].parent >= 0 ? f->unit_id[units[i].parent] : 0;
		assert_int_equal(db_unit_upsert(f->db, units[i].code, units[i].code, units[i].kind,
						"", parent, &created),
				 0);
		assert_int_equal(db_unit_by_code(f->db, units[i].code, &u), 1);
		f->unit_id[i] = u.id;
	}
}

static void seed_attempts(struct fixture *f)
{
	for (int i = 0; i < NPEOPLE; i++) {
		char name[16];
		snprintf(name, sizeof name, "p%d", i);
		int64_t unit = f->unit_id[people[i].unit];
		int64_t who = db_fixture_person(f->db, name, name, "participant", unit, "public");
		assert_true(who > 0);
		/* Every attempt lasts 5 minutes: equal scores tie on every key. */
		struct db_fixture_attempt a = {
			.quiz_id = f->contest,
			.user_id = who,
			.unit_id = unit,
			.audience = "public",
			.state = "submitted",
			.started_at = people[i].finished_at - 5 * MINUTE,
			.finished_at = people[i].finished_at,
			.score = people[i].score,
			.max_score = 10,
			.question_ids = &f->question,
			.nquestions = 1,
		};
		assert_true(db_fixture_attempt(f->db, &a) > 0);
	}
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->db = testdb_open(&f->tdb, "test_contest_view");
	assert_non_null(f->db);
	seed_units(f);
	int64_t bank = db_fixture_bank(f->db, "b", "public");
	f->question = db_fixture_question(f->db, bank, "b-1", "");
	f->contest = db_fixture_quiz(f->db, "c", "Contest", false, "public", 0, T0, T0 + 3600000);
	f->quiz = db_fixture_quiz(f->db, "q", "Quiz", false, "public", 0, T0, T0 + 3600000);
	assert_int_equal(db_fixture_contest(f->db, f->contest, FREEZE), 0);
	seed_attempts(f);
	contest_board_flush();
	f->qc = quiz_qcache_new();
	fixed_now = T0 + 50 * MINUTE;
	clock_set_source(fixed_clock, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	clock_set_source(NULL, NULL);
	contest_board_flush();
	quiz_qcache_free(f->qc);
	testdb_remove(&f->tdb, f->db);
	free(f);
	return 0;
}

/* The board of q, asserted to be answered. */
static json_t *board(struct fixture *f, struct contest_view_query q)
{
	struct problem p = { "" };
	json_t *out = NULL;
	q.quiz_id = q.quiz_id ? q.quiz_id : f->contest;
	q.limit = q.limit ? q.limit : CONTEST_PAGE_LIMIT_DEFAULT;
	/* A participant of the contest's audience unless the test says. */
	if (!q.admin && !q.unit_admin && !q.viewer_audience)
		q.viewer_audience = "public";
	enum outcome o = contest_leaderboard_view(f->db, f->qc, &q, &out, &p);
	if (o != OUTCOME_OK)
		fail_msg("leaderboard refused: %s", p.message);
	assert_non_null(out);
	return out;
}

static json_t *entry(json_t *b, size_t i)
{
	json_t *e = json_array_get(json_object_get(b, "entries"), i);
	assert_non_null(e);
	return e;
}

static long long field(json_t *b, size_t i, const char *name)
{
	json_t *v = json_object_get(entry(b, i), name);
	assert_true(json_is_integer(v));
	return (long long)json_integer_value(v);
}

static const char *name_of(json_t *b, size_t i)
{
	return json_string_value(json_object_get(entry(b, i), "full_name"));
}

static size_t count(json_t *b)
{
	return json_array_size(json_object_get(b, "entries"));
}

static void leaderboard_is_frozen_for_participants_but_not_admins(void **state)
{
	struct fixture *f = *state;
	json_t *b = board(f, (struct contest_view_query){ .admin = false });
	assert_true(json_is_true(json_object_get(b, "frozen")));
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 4);
	assert_string_equal(name_of(b, 0), "p0"); /* p4's 10 came after the freeze */
	json_decref(b);

	b = board(f, (struct contest_view_query){ .admin = true });
	assert_true(json_is_false(json_object_get(b, "frozen")));
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 5);
	assert_string_equal(name_of(b, 0), "p4");
	json_decref(b);
}

static void leaderboard_is_live_for_everyone_before_the_freeze(void **state)
{
	struct fixture *f = *state;
	fixed_now = FREEZE - 1;
	json_t *b = board(f, (struct contest_view_query){ .admin = false });
	assert_true(json_is_false(json_object_get(b, "frozen")));
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 5);
	json_decref(b);
}

static void unit_filter_keeps_the_subtree_with_ranks_inside_it(void **state)
{
	struct fixture *f = *state;
	/* District A and its school: p0 (9, A1), p2 (8, A), p3 (5, A1). */
	json_t *b = board(f, (struct contest_view_query){ .unit_code = "A", .admin = true });
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 3);
	assert_int_equal(count(b), 3);
	assert_string_equal(name_of(b, 0), "p0");
	assert_int_equal(field(b, 0, "rank"), 2);
	assert_int_equal(field(b, 0, "unit_rank"), 1);
	assert_string_equal(name_of(b, 1), "p2");
	assert_int_equal(field(b, 1, "rank"), 3); /* shares 3rd with p1 overall */
	assert_int_equal(field(b, 1, "unit_rank"), 2);
	assert_string_equal(name_of(b, 2), "p3");
	assert_int_equal(field(b, 2, "rank"), 5);
	assert_int_equal(field(b, 2, "unit_rank"), 3);
	json_decref(b);

	/* The whole board has no unit_rank. */
	b = board(f, (struct contest_view_query){ .admin = true });
	assert_null(json_object_get(entry(b, 0), "unit_rank"));
	/* Equal entries share a rank: p1 and p2 both third. */
	assert_int_equal(field(b, 2, "rank"), 3);
	assert_int_equal(field(b, 3, "rank"), 3);
	json_decref(b);

	/* A leaf unit holds only its own. */
	b = board(f, (struct contest_view_query){ .unit_code = "B", .admin = false });
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 1);
	assert_string_equal(name_of(b, 0), "p1");
	assert_int_equal(field(b, 0, "unit_rank"), 1);
	json_decref(b);
}

static void paging_takes_limit_lines_from_offset(void **state)
{
	struct fixture *f = *state;
	json_t *b = board(f, (struct contest_view_query){ .admin = true, .limit = 2, .offset = 1 });
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 5);
	assert_int_equal(count(b), 2);
	assert_string_equal(name_of(b, 0), "p0");
	assert_int_equal(field(b, 0, "rank"), 2);
	json_decref(b);

	/* Paging counts the unit's lines, not the whole board's. */
	b = board(f, (struct contest_view_query){
			     .unit_code = "A", .admin = true, .limit = 5, .offset = 2 });
	assert_int_equal(count(b), 1);
	assert_string_equal(name_of(b, 0), "p3");
	json_decref(b);

	/* Past the end: an empty page, the total still told. */
	b = board(f, (struct contest_view_query){ .admin = true, .offset = 9 });
	assert_int_equal(count(b), 0);
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 5);
	json_decref(b);
}

static enum outcome refused(struct fixture *f, struct contest_view_query q, const char *word)
{
	struct problem p = { "" };
	json_t *out = NULL;
	q.quiz_id = q.quiz_id ? q.quiz_id : f->contest;
	if (!q.viewer_audience)
		q.viewer_audience = "public";
	enum outcome o = contest_leaderboard_view(f->db, f->qc, &q, &out, &p);
	assert_null(out);
	assert_non_null(strstr(p.message, word));
	return o;
}

static void wrong_queries_are_refused_naming_what_is_wrong(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(refused(f, (struct contest_view_query){ .limit = 0 }, "limit"),
			 OUTCOME_INVALID);
	assert_int_equal(refused(f,
				 (struct contest_view_query){ .limit = CONTEST_PAGE_LIMIT_MAX + 1 },
				 "limit"),
			 OUTCOME_INVALID);
	assert_int_equal(
		refused(f, (struct contest_view_query){ .limit = 1, .offset = -1 }, "offset"),
		OUTCOME_INVALID);
	assert_int_equal(
		refused(f, (struct contest_view_query){ .limit = 1, .round = "r9" }, "round"),
		OUTCOME_INVALID);
	assert_int_equal(
		refused(f, (struct contest_view_query){ .limit = 1, .unit_code = "ZZ" }, "unit"),
		OUTCOME_INVALID);
	/* A quiz that is not a contest, and no quiz at all: not found. */
	assert_int_equal(refused(f, (struct contest_view_query){ .quiz_id = f->quiz, .limit = 1 },
				 "contest"),
			 OUTCOME_NOT_FOUND);
	assert_int_equal(
		refused(f, (struct contest_view_query){ .quiz_id = 999, .limit = 1 }, "contest"),
		OUTCOME_NOT_FOUND);
}

/* The questions of the item statistics, with their attempts counted. */
static json_t *questions(struct fixture *f, bool admin, const char *unit_path)
{
	struct problem p = { "" };
	json_t *out = NULL;
	enum outcome o = itemstats_quiz_view(f->db, f->contest, admin, unit_path, &out, &p);
	if (o != OUTCOME_OK)
		fail_msg("item statistics refused: %s", p.message);
	return out;
}

static void item_statistics_cover_the_viewers_subtree(void **state)
{
	struct fixture *f = *state;
	json_t *all = questions(f, true, NULL);
	json_t *q = json_array_get(json_object_get(all, "questions"), 0);
	assert_string_equal(json_string_value(json_object_get(q, "code")), "b-1");
	assert_int_equal(json_integer_value(json_object_get(q, "attempts")), NPEOPLE);
	json_decref(all);

	/* A unit administrator of B sees the two attempts made there. */
	struct db_unit b;
	assert_int_equal(db_unit_by_code(f->db, "B", &b), 1);
	json_t *mine = questions(f, false, b.path);
	q = json_array_get(json_object_get(mine, "questions"), 0);
	assert_int_equal(json_integer_value(json_object_get(q, "attempts")), 2);
	json_decref(mine);

	struct problem p = { "" };
	json_t *out = NULL;
	assert_int_equal(itemstats_quiz_view(f->db, f->contest, false, "", &out, &p),
			 OUTCOME_FORBIDDEN);
	assert_null(out);
	assert_int_equal(itemstats_quiz_view(f->db, 999, true, NULL, &out, &p), OUTCOME_NOT_FOUND);
	assert_null(out);
}

/* Who may see a contest: its audiences inside its unit scope, unit
 * administrators whose subtree meets the scope, admins. */
static void only_those_who_may_see_a_contest_see_its_leaderboard(void **state)
{
	struct fixture *f = *state;
	/* A contest for pupils of district A. */
	int64_t scoped = db_fixture_quiz(f->db, "cA", "District A", false, "pupil", f->unit_id[1],
					 T0, T0 + 3600000);
	assert_int_equal(db_fixture_contest(f->db, scoped, 0), 0);
	struct db_unit a1, b, p;
	assert_int_equal(db_unit_by_code(f->db, "A1", &a1), 1);
	assert_int_equal(db_unit_by_code(f->db, "B", &b), 1);
	assert_int_equal(db_unit_by_code(f->db, "P", &p), 1);
	struct {
		struct contest_view_query q;
		enum outcome want;
	} cases[] = {
		{ { .viewer_audience = "pupil", .viewer_unit_path = a1.path }, OUTCOME_OK },
		{ { .viewer_audience = "public", .viewer_unit_path = a1.path }, OUTCOME_FORBIDDEN },
		{ { .viewer_audience = "pupil", .viewer_unit_path = b.path }, OUTCOME_FORBIDDEN },
		{ { .viewer_audience = "pupil" }, OUTCOME_FORBIDDEN },
		{ { .unit_admin = true, .viewer_unit_path = a1.path }, OUTCOME_OK },
		{ { .unit_admin = true, .viewer_unit_path = p.path }, OUTCOME_OK },
		{ { .unit_admin = true, .viewer_unit_path = b.path }, OUTCOME_FORBIDDEN },
		{ { .unit_admin = true }, OUTCOME_FORBIDDEN },
		{ { .admin = true }, OUTCOME_OK },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct problem pr = { "" };
		json_t *out = NULL;
		cases[i].q.quiz_id = scoped;
		cases[i].q.limit = 10;
		enum outcome o = contest_leaderboard_view(f->db, f->qc, &cases[i].q, &out, &pr);
		if (o != cases[i].want)
			fail_msg("case %zu: outcome %d, want %d (%s)", i, (int)o,
				 (int)cases[i].want, pr.message);
		assert_true((out != NULL) == (o == OUTCOME_OK));
		json_decref(out);
	}
}

static void rename_person(struct db *db, const char *username, const char *full_name)
{
	struct db_user u;
	struct db_person p;
	assert_int_equal(db_user_by_username(db, username, &u), 1);
	assert_int_equal(db_people_get(db, u.id, &p), 1);
	snprintf(p.full_name, sizeof p.full_name, "%s", full_name);
	assert_int_equal(db_people_update(db, &p, T0), 0);
}

static void published_page_equals_the_page_ranked_from_storage(void **state)
{
	struct fixture *f = *state;
	struct testdb second = f->tdb;
	char err[256];
	struct db *merger_db = db_open(second.path, err, sizeof err);
	assert_non_null(merger_db);
	assert_int_equal(contest_board_service_start(merger_db, err, sizeof err), 0);
	json_t *b = board(f, (struct contest_view_query){ .admin = true });
	assert_string_equal(name_of(b, 0), "p4");
	json_decref(b);
	/* A rename, an erasure, a unit renamed and a new entrant, then the
	 * merger's pass. */
	rename_person(f->db, "p0", "Nguyễn Văn Mới");
	struct db_user gone;
	assert_int_equal(db_user_by_username(f->db, "p3", &gone), 1);
	assert_int_equal(db_person_erase(f->db, gone.id, T0), 0);
	bool created;
	assert_int_equal(db_unit_upsert(f->db, "B", "District B renamed", "district", "",
					f->unit_id[0], &created),
			 0);
	int64_t late = db_fixture_person(f->db, "p5", "p5", "participant", f->unit_id[2], "public");
	struct db_fixture_attempt a = {
		.quiz_id = f->contest,
		.user_id = late,
		.unit_id = f->unit_id[2],
		.audience = "public",
		.state = "submitted",
		.started_at = T0 + 20 * MINUTE,
		.finished_at = T0 + 21 * MINUTE,
		.score = 7,
		.max_score = 10,
		.question_ids = &f->question,
		.nquestions = 1,
	};
	assert_true(db_fixture_attempt(f->db, &a) > 0);
	contest_board_sync();
	json_t *published = board(f, (struct contest_view_query){ .admin = true });
	contest_board_service_stop();
	/* The published page names what storage names now. */
	assert_int_equal(count(published), 6);
	assert_string_equal(name_of(published, 0), "p4");
	assert_string_equal(json_string_value(json_object_get(entry(published, 0), "unit_name")),
			    "District B renamed");
	assert_string_equal(name_of(published, 1), "Nguyễn Văn Mới");
	assert_string_equal(name_of(published, 4), "p5");
	assert_string_equal(name_of(published, 5), CONTEST_ERASED_NAME);
	/* The same page ranked afresh from storage, names read in bulk. */
	contest_board_flush();
	json_t *ranked = board(f, (struct contest_view_query){ .admin = true });
	assert_true(json_equal(published, ranked));
	json_decref(published);
	json_decref(ranked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			only_those_who_may_see_a_contest_see_its_leaderboard, setup, teardown),
		cmocka_unit_test_setup_teardown(
			leaderboard_is_frozen_for_participants_but_not_admins, setup, teardown),
		cmocka_unit_test_setup_teardown(leaderboard_is_live_for_everyone_before_the_freeze,
						setup, teardown),
		cmocka_unit_test_setup_teardown(unit_filter_keeps_the_subtree_with_ranks_inside_it,
						setup, teardown),
		cmocka_unit_test_setup_teardown(paging_takes_limit_lines_from_offset, setup,
						teardown),
		cmocka_unit_test_setup_teardown(wrong_queries_are_refused_naming_what_is_wrong,
						setup, teardown),
		cmocka_unit_test_setup_teardown(item_statistics_cover_the_viewers_subtree, setup,
						teardown),
		cmocka_unit_test_setup_teardown(published_page_equals_the_page_ranked_from_storage,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
