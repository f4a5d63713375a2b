/* test_report_weekly.c - GET /api/v1/reports/participation/weekly against
 * the real quizd: every role, bad input, and each week's figures checked
 * against a fixture of 2025 worked out by hand (a pupil who moved between
 * schools counted once, an attempt at 00:30 on a Monday in Vietnam counted
 * in that week, attempts of other years and unfinished ones left out). */
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
#include "harness.h"

static struct server srv;
static char *admin_token, *d1_token, *pupil_token;

static const char UNITS_CSV[] = "code,name,kind,parent_code\n"
				"P,Tỉnh Hậu Giang,province,\n"
				"D1,Huyện Châu Thành,district,P\n"
				"D2,Huyện Phụng Hiệp,district,P\n"
				"S1,Trường THCS Nguyễn Trãi,school,D1\n"
				"S2,Trường THPT Lê Quý Đôn,school,D2\n";

static int64_t user_id(struct db *db, const char *username)
{
	struct db_user u;
	assert_int_equal(db_user_by_username(db, username, &u), 1);
	return u.id;
}

static void attempt(struct db *db, int64_t quiz, int64_t question, int64_t user, int64_t unit,
		    const char *state, const char *finished)
{
	int64_t at;
	assert_int_equal(clock_parse(finished, &at), 0);
	struct db_fixture_attempt a = { .quiz_id = quiz,
					.user_id = user,
					.unit_id = unit,
					.audience = "pupil",
					.state = state,
					.started_at = at - 600000,
					.finished_at = at,
					.score = 8,
					.max_score = 10,
					.passed = true,
					.question_ids = &question,
					.nquestions = 1 };
	assert_true(db_fixture_attempt(db, &a) > 0);
}

/* The fixture, in Vietnam time (UTC+7). 2025 begins on a Wednesday: week 1
 * is 1-5 January, week 2 begins on Monday 6 January, week 53 is 29-31
 * December.
 *   pupil1 (S1): 3 Jan, 4 Jan (week 1); 10 Mar (week 11); one unfinished
 *                attempt on 15 Jan (left out)
 *   pupil2 (S1): 00:30 on Monday 6 Jan (week 2); 12 Mar (week 11)
 *   pupil3 (S2): 00:30 on 1 Jan (week 1); 30 Dec (week 53); 23:30 on
 *                31 Dec 2024 (another year)
 *   pupil4 (S2, sat in S1 for one attempt): S1 on 5 Feb and S2 on 6 Feb
 *                (both week 6); S2 on 2 Jun (week 23) */
static void seed(void)
{
	char err[256];
	struct db *db = db_open(srv.db, err, sizeof err);
	assert_non_null(db);
	struct db_unit s1, s2;
	assert_int_equal(db_unit_by_code(db, "S1", &s1), 1);
	assert_int_equal(db_unit_by_code(db, "S2", &s2), 1);
	int64_t p1 = user_id(db, "pupil1"), p2 = user_id(db, "pupil2"), p3 = user_id(db, "pupil3"),
		p4 = user_id(db, "pupil4");
	assert_int_equal(db_begin_write(db), 0);
	int64_t bank = db_fixture_bank(db, "hs", "pupil");
	int64_t q = db_fixture_question(db, bank, "hs-1", "passwords");
	int64_t quiz = db_fixture_quiz(db, "kt-hs", "Kiểm tra học sinh", true, "pupil", 0,
				       clock_vn_year_start_ms(2024), clock_vn_year_start_ms(2026));
	attempt(db, quiz, q, p1, s1.id, "submitted", "2025-01-03T05:00:00Z");
	attempt(db, quiz, q, p1, s1.id, "expired", "2025-01-04T05:00:00Z");
	attempt(db, quiz, q, p1, s1.id, "submitted", "2025-03-10T05:00:00Z");
	attempt(db, quiz, q, p1, s1.id, "in_progress", "2025-01-15T05:00:00Z");
	attempt(db, quiz, q, p2, s1.id, "submitted", "2025-01-05T17:30:00Z");
	attempt(db, quiz, q, p2, s1.id, "submitted", "2025-03-12T05:00:00Z");
	attempt(db, quiz, q, p3, s2.id, "submitted", "2024-12-31T17:30:00Z");
	attempt(db, quiz, q, p3, s2.id, "submitted", "2025-12-30T05:00:00Z");
	attempt(db, quiz, q, p3, s2.id, "submitted", "2024-12-31T16:30:00Z");
	attempt(db, quiz, q, p4, s1.id, "submitted", "2025-02-05T05:00:00Z");
	attempt(db, quiz, q, p4, s2.id, "submitted", "2025-02-06T05:00:00Z");
	attempt(db, quiz, q, p4, s2.id, "submitted", "2025-06-02T05:00:00Z");
	assert_int_equal(db_commit(db), 0);
	db_close(db);
}

static int setup(void **state)
{
	(void)state;
	if (server_up(&srv, NULL))
		return -1;
	test_add_units_csv(&srv, UNITS_CSV);
	if (test_add_roles(&srv, &admin_token, &d1_token, &pupil_token))
		return -1;
	test_add_user(&srv, "pupil2", "Pupil-Password-2", "participant", "S1", "pupil");
	test_add_user(&srv, "pupil3", "Pupil-Password-3", "participant", "S2", "pupil");
	test_add_user(&srv, "pupil4", "Pupil-Password-4", "participant", "S2", "pupil");
	struct http_res res;
	if (http_send(&srv, "PUT", "/api/v1/admin/units/S1/headcounts", admin_token,
		      "[{\"year\":2025,\"audience\":\"pupil\",\"count\":10}]", &res) ||
	    res.status != 204)
		return -1;
	http_res_free(&res);
	seed();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(admin_token);
	free(d1_token);
	free(pupil_token);
	return server_stop(&srv, true);
}

/* One expected week: number, participants, attempts, new participants,
 * cumulative participants. Weeks not listed are all zero but the
 * cumulative figure, which carries on. */
struct week_expect {
	int week;
	int64_t participants, attempts, added, cumulative;
};

static json_t *get_weekly(const char *query, const char *token, long status)
{
	char path[200];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/reports/participation/weekly%s", query);
	assert_int_equal(http_get(&srv, path, token, &res), 0);
	if (res.status != status)
		fprintf(stderr, "%s: %ld %s\n", path, res.status, res.body ? res.body : "");
	assert_int_equal(res.status, status);
	json_t *body = json_incref(res.json);
	http_res_free(&res);
	return body;
}

static void check_weeks(json_t *body, const struct week_expect *expect, size_t n)
{
	json_t *weeks = json_object_get(body, "weeks");
	assert_int_equal(json_array_size(weeks), 53);
	int64_t cumulative = 0;
	size_t next = 0;
	for (size_t i = 0; i < json_array_size(weeks); i++) {
		json_t *w = json_array_get(weeks, i);
		int number = (int)json_integer_value(json_object_get(w, "week"));
		assert_int_equal(number, (int)i + 1);
		struct week_expect e = { number, 0, 0, 0, cumulative };
		if (next < n && expect[next].week == number)
			e = expect[next++];
		cumulative = e.cumulative;
		assert_int_equal(json_integer_value(json_object_get(w, "participants")),
				 e.participants);
		assert_int_equal(json_integer_value(json_object_get(w, "attempts")), e.attempts);
		assert_int_equal(json_integer_value(json_object_get(w, "new_participants")),
				 e.added);
		assert_int_equal(json_integer_value(json_object_get(w, "cumulative_participants")),
				 e.cumulative);
	}
	assert_int_equal(next, n);
}

static void admin_sees_every_week_of_the_province(void **state)
{
	(void)state;
	static const struct week_expect all[] = {
		{ 1, 2, 3, 2, 2 },  { 2, 1, 1, 1, 3 },  { 6, 1, 2, 1, 4 },
		{ 11, 2, 2, 0, 4 }, { 23, 1, 1, 0, 4 }, { 53, 1, 1, 0, 4 },
	};
	json_t *body = get_weekly("?year=2025", admin_token, 200);
	assert_int_equal(json_integer_value(json_object_get(body, "year")), 2025);
	assert_true(json_is_null(json_object_get(body, "unit")));
	assert_true(json_is_null(json_object_get(body, "audience")));
	/* S1 declared 10; S2 has two pupils on its roster. */
	assert_int_equal(json_integer_value(json_object_get(body, "headcount")), 12);
	assert_int_equal(json_integer_value(json_object_get(body, "participants")), 4);
	check_weeks(body, all, sizeof all / sizeof all[0]);
	json_t *weeks = json_object_get(body, "weeks");
	json_t *first = json_array_get(weeks, 0), *second = json_array_get(weeks, 1),
	       *last = json_array_get(weeks, 52);
	assert_string_equal(json_string_value(json_object_get(first, "starts_on")), "2025-01-01");
	assert_string_equal(json_string_value(json_object_get(first, "ends_on")), "2025-01-05");
	assert_string_equal(json_string_value(json_object_get(second, "starts_on")), "2025-01-06");
	assert_string_equal(json_string_value(json_object_get(last, "ends_on")), "2025-12-31");
	/* 4 of 12, one decimal. */
	assert_true(json_real_value(json_object_get(last, "cumulative_percent")) == 33.3);
	json_decref(body);

	/* The same through the province's code, and one district. */
	body = get_weekly("?year=2025&unit=P&audience=pupil", admin_token, 200);
	assert_string_equal(json_string_value(json_object_get(body, "audience")), "pupil");
	check_weeks(body, all, sizeof all / sizeof all[0]);
	json_decref(body);
	static const struct week_expect d2[] = {
		{ 1, 1, 1, 1, 1 },
		{ 6, 1, 1, 1, 2 },
		{ 23, 1, 1, 0, 2 },
		{ 53, 1, 1, 0, 2 },
	};
	body = get_weekly("?year=2025&unit=D2", admin_token, 200);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(body, "unit"), "code")), "D2");
	check_weeks(body, d2, sizeof d2 / sizeof d2[0]);
	json_decref(body);
	/* No figures for an audience without attempts. */
	body = get_weekly("?year=2025&audience=civil_servant", admin_token, 200);
	check_weeks(body, NULL, 0);
	json_decref(body);
}

static void unit_admin_sees_its_subtree_only(void **state)
{
	(void)state;
	static const struct week_expect d1[] = {
		{ 1, 1, 2, 1, 1 },
		{ 2, 1, 1, 1, 2 },
		{ 6, 1, 1, 1, 3 },
		{ 11, 2, 2, 0, 3 },
	};
	json_t *body = get_weekly("?year=2025", d1_token, 200);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(body, "unit"), "code")), "D1");
	assert_int_equal(json_integer_value(json_object_get(body, "headcount")), 10);
	check_weeks(body, d1, sizeof d1 / sizeof d1[0]);
	json_t *w11 = json_array_get(json_object_get(body, "weeks"), 10);
	assert_true(json_real_value(json_object_get(w11, "cumulative_percent")) == 30.0);
	json_decref(body);
	body = get_weekly("?year=2025&unit=S1", d1_token, 200);
	check_weeks(body, d1, sizeof d1 / sizeof d1[0]);
	json_decref(body);
	/* Outside its subtree: the sibling district and the province. */
	json_decref(get_weekly("?year=2025&unit=D2", d1_token, 403));
	json_decref(get_weekly("?year=2025&unit=S2", d1_token, 403));
	json_decref(get_weekly("?year=2025&unit=P", d1_token, 403));
}

static void participants_and_strangers_are_refused(void **state)
{
	(void)state;
	json_decref(get_weekly("?year=2025", NULL, 401));
	json_decref(get_weekly("?year=2025", pupil_token, 403));
}

static void bad_input_is_a_clear_error(void **state)
{
	(void)state;
	static const char *const bad[] = { "?year=20x5", "?year=1999",         "?year=0",
					   "?year=2101", "?audience=martians", "?unit=no%20such" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *body = get_weekly(bad[i], admin_token, 400);
		const char *message = json_string_value(
			json_object_get(json_object_get(body, "error"), "message"));
		assert_non_null(message);
		assert_true(strlen(message) > 0);
		json_decref(body);
	}
	json_t *body = get_weekly("?year=2025&unit=NOPE", admin_token, 404);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(body, "error"), "code")),
		"not_found");
	json_decref(body);
	/* This year when none is given. */
	body = get_weekly("", admin_token, 200);
	assert_int_equal(json_integer_value(json_object_get(body, "year")),
			 clock_vn_year(clock_now_ms()));
	json_decref(body);
}

/* quizadm report weekly answers the API's JSON, and refuses what it refuses. */
static void quizadm_report_weekly_answers_what_the_api_answers(void **state)
{
	(void)state;
	char *out = NULL;
	assert_int_equal(
		run_quizadm(&srv, &out, "report", "weekly", "--year", "2025", "--unit", "D1", NULL),
		0);
	json_error_t jerr;
	json_t *cli = json_loads(out, 0, &jerr);
	free(out);
	assert_non_null(cli);
	json_t *api = get_weekly("?year=2025&unit=D1", admin_token, 200);
	assert_true(json_equal(cli, api));
	json_decref(cli);
	json_decref(api);
	assert_int_not_equal(run_quizadm(&srv, NULL, "report", "weekly", "--year", "2025", "--unit",
					 "NOPE", NULL),
			     0);
	assert_int_not_equal(run_quizadm(&srv, NULL, "report", "weekly", "--year", "1999", NULL),
			     0);
	assert_int_not_equal(
		run_quizadm(&srv, NULL, "report", "weekly", "--audience", "martians", NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(admin_sees_every_week_of_the_province),
		cmocka_unit_test(unit_admin_sees_its_subtree_only),
		cmocka_unit_test(participants_and_strangers_are_refused),
		cmocka_unit_test(bad_input_is_a_clear_error),
		cmocka_unit_test(quizadm_report_weekly_answers_what_the_api_answers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
