/* test_contest.c - contest leaderboards and item statistics against the real
 * quizd: a bank imported as GIFT, a contest with two rounds and a prediction
 * question, attempts taken through the API (round r2) and written through
 * storage (an expired attempt in round r1, attempts around a freeze). */
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
#include "db_attempt.h"
#include "db_bank.h"
#include "db_person.h"
#include "db_quiz.h"
#include "harness.h"

#define HOUR_MS (3600LL * 1000)

static struct server srv;
static char *admin_token, *unit_admin_token;
static char *tokens[6]; /* p1..p5 (index 1..5) */
static int64_t user_ids[6];
static int64_t contest_id, frozen_id, plain_quiz_id;
static int64_t p5_started; /* p5's expired attempt in round r1 */

static const char UNITS_CSV[] = "code,name,kind,parent_code\n"
				"P,Tỉnh Thử,province,\n"
				"D1,Huyện Một,district,P\n"
				"D2,Huyện Hai,district,P\n"
				"S1,Trường Số Một,school,D1\n";

/* Three single-choice questions; the right option's text starts "Đúng". A
 * numerical one is skipped. */
static const char BANK_GIFT[] = "::cb-q1:: Câu 1? {=Đúng 1 ~Sai 1a ~Sai 1b}\n"
				"\n"
				"::cb-q2:: Câu 2? {=Đúng 2 ~Sai 2a ~Sai 2b}\n"
				"\n"
				"Năm? {#2018}\n"
				"\n"
				"::cb-q3:: Câu 3? {=Đúng 3 ~Sai 3a ~Sai 3b}\n";

static void iso(int64_t ms, char *buf)
{
	clock_format(ms, buf);
}

/* Every quiz and round of the fixture is placed around this one instant:
 * a second reading of the clock could fall a millisecond later and put a
 * round's opening before its quiz's. */
static int64_t setup_now;

static int64_t create_quiz(const char *code, const char *kind, const char *extra)
{
	char opens[40], closes[40], body[2048];
	int64_t now = setup_now;
	iso(now - 3 * HOUR_MS, opens);
	iso(now + 2 * HOUR_MS, closes);
	snprintf(body, sizeof body,
		 "{\"code\":\"%s\",\"title\":\"Cuộc thi %s\",\"kind\":\"%s\","
		 "\"audiences\":[\"pupil\"],\"unit_scope\":\"P\","
		 "\"draw\":[{\"bank\":\"cb\",\"count\":3}],\"time_limit_s\":600,"
		 "\"max_attempts\":3,\"pass_percent\":60,\"opens_at\":\"%s\",\"closes_at\":\"%s\","
		 "\"shuffle_questions\":false,\"shuffle_options\":false,\"review\":\"after_close\"%"
		 "s}",
		 code, code, kind, opens, closes, extra);
	return test_create_quiz(&srv, admin_token, body);
}

/* Takes an attempt of the contest through the API, answering question k
 * right when right[k], and submits with a prediction (< 0: none). */
static void take_attempt(int who, const bool right[3], long prediction)
{
	char body[64] = "{}";
	if (prediction >= 0)
		snprintf(body, sizeof body, "{\"prediction\":%ld}", prediction);
	json_decref(test_take_attempt(&srv, tokens[who], contest_id, right, body));
}

/* Writes a finished attempt straight into storage, with every drawn
 * question answered and scored score_each. */
static void store_attempt(struct db *db, int64_t quiz_id, int who, const char *unit_code,
			  const char *round, const char *state, int64_t started_at,
			  int64_t finished_at, double score_each, long prediction)
{
	struct db_bank bank;
	struct db_unit unit;
	int64_t *ids = NULL;
	size_t n = 0;
	assert_int_equal(db_bank_by_code(db, "cb", &bank), 1);
	assert_int_equal(db_bank_current_ids(db, bank.id, &ids, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(db_unit_by_code(db, unit_code, &unit), 1);
	static char no_order[] = "[]";
	struct db_attempt_question qs[3];
	for (size_t i = 0; i < 3; i++) {
		qs[i].question_id = ids[i];
		qs[i].option_order = no_order;
	}
	struct db_attempt a;
	memset(&a, 0, sizeof a);
	a.quiz_id = quiz_id;
	a.user_id = user_ids[who];
	a.unit_id = unit.id;
	strcpy(a.audience, "pupil");
	strcpy(a.round_code, round);
	a.seed = 7;
	strcpy(a.state, "in_progress");
	a.started_at = started_at;
	a.deadline = started_at + 600 * 1000;
	a.question_count = 3;
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(db_attempt_insert(db, &a, qs, 3), 0);
	for (size_t i = 0; i < 3; i++) {
		struct db_answer_write row = { a.id, ids[i], "[1]", NULL, started_at + 1000 };
		size_t saved = 0;
		assert_int_equal(db_answers_save(db, &row, 1, 0, &saved), 0);
		assert_int_equal(saved, 1);
		assert_int_equal(db_answer_set_score(db, a.id, ids[i], score_each), 0);
	}
	strcpy(a.state, state);
	a.finished_at = finished_at;
	a.score = 3 * score_each;
	a.max_score = 3;
	a.correct_count = score_each >= 1 ? 3 : 0;
	a.passed = score_each >= 1;
	a.duration_ms = finished_at - started_at;
	a.has_prediction = prediction >= 0;
	a.prediction = prediction;
	assert_int_equal(db_attempt_finish(db, &a), 1);
	assert_int_equal(db_commit(db), 0);
	free(ids);
	db_bank_cleanup(&bank);
}

static int setup(void **state)
{
	(void)state;
	static const char *const units[6] = { NULL, "S1", "D2", "D1", "D2", "S1" };
	static const char *const names[6] = { NULL,        "Nguyễn Văn Một", "Trần Thị Hai",
					      "Lê Văn Ba", "Phạm Thị Bốn",   "Hoàng Văn Năm" };
	char err[256], username[16];
	if (server_up(&srv, NULL))
		return -1;
	test_add_units_csv(&srv, UNITS_CSV);
	test_add_user(&srv, "root", "Root-Password-1", "admin", NULL, NULL);
	test_add_user(&srv, "d1admin", "District-One-1", "unit_admin", "D1", NULL);
	admin_token = test_login(&srv, "root", "Root-Password-1", NULL);
	unit_admin_token = test_login(&srv, "d1admin", "District-One-1", NULL);
	for (int i = 1; i <= 5; i++) {
		snprintf(username, sizeof username, "p%d", i);
		assert_int_equal(run_quizadm(&srv, NULL, "user", "add", "--username", username,
					     "--password", "Pupil-Password-1", "--role",
					     "participant", "--full-name", names[i], "--unit",
					     units[i], "--audience", "pupil", NULL),
				 0);
		tokens[i] = test_login(&srv, username, "Pupil-Password-1", NULL);
		user_ids[i] = test_user_id(&srv, tokens[i]);
	}

	test_upload_bank(&srv, admin_token,
			 "format=gift&code=cb&audiences=pupil&topic=phishing_fraud", BANK_GIFT,
			 "text/plain");

	char r1o[40], r1c[40], r2o[40], r2c[40], extra[512], freeze[40];
	int64_t now = setup_now = clock_now_ms();
	iso(now - 3 * HOUR_MS, r1o);
	iso(now - 1 * HOUR_MS, r1c);
	iso(now - 1 * HOUR_MS, r2o);
	iso(now + 2 * HOUR_MS, r2c);
	snprintf(extra, sizeof extra,
		 ",\"prediction_question\":\"Bao nhiêu người đúng hết?\","
		 "\"rounds\":[{\"code\":\"r1\",\"opens_at\":\"%s\",\"closes_at\":\"%s\"},"
		 "{\"code\":\"r2\",\"opens_at\":\"%s\",\"closes_at\":\"%s\"}]",
		 r1o, r1c, r2o, r2c);
	contest_id = create_quiz("contest-a", "contest", extra);
	iso(now - 1 * HOUR_MS, freeze);
	snprintf(extra, sizeof extra, ",\"freeze_at\":\"%s\"", freeze);
	frozen_id = create_quiz("contest-frozen", "contest", extra);
	plain_quiz_id = create_quiz("quiz-plain", "quiz", "");

	/* Round r2 through the API. F (full scores) will be 3 with p5 below. */
	take_attempt(1, (const bool[3]){ true, true, true }, 2); /* distance 1 */
	take_attempt(2, (const bool[3]){ true, true, true }, 5); /* distance 2 */
	take_attempt(3, (const bool[3]){ true, true, false }, 3);
	take_attempt(4, (const bool[3]){ true, false, false }, -1);

	/* Round r1 in storage: p5 ran out of time with everything right. */
	struct db *db = db_open(srv.db, err, sizeof err);
	assert_non_null(db);
	/* Finalised by the sweeper 45 s after its deadline: neither that time nor
	 * the recorded duration may count. */
	p5_started = now - 2 * HOUR_MS - 30 * 60 * 1000;
	store_attempt(db, contest_id, 5, "S1", "r1", "expired", p5_started, p5_started + 645 * 1000,
		      1.0, -1);
	/* The frozen contest: p1 full score before the freeze, p2 after it. */
	store_attempt(db, frozen_id, 1, "S1", "main", "submitted", now - 2 * HOUR_MS,
		      now - 2 * HOUR_MS + 60000, 1.0, -1);
	store_attempt(db, frozen_id, 2, "D2", "main", "submitted", now - 30 * 60 * 1000,
		      now - 30 * 60 * 1000 + 60000, 1.0, -1);
	/* p4 asks to be forgotten. */
	assert_int_equal(db_person_erase(db, user_ids[4], now), 0);
	db_close(db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(admin_token);
	free(unit_admin_token);
	for (int i = 1; i <= 5; i++)
		free(tokens[i]);
	server_stop(&srv, true);
	return 0;
}

static json_t *leaderboard(int64_t id, const char *query, const char *token, long status)
{
	char path[256];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/contests/%lld/leaderboard%s", (long long)id, query);
	assert_int_equal(http_get(&srv, path, token, &res), 0);
	if (res.status != status)
		print_error("%s: %s\n", path, res.body);
	assert_int_equal(res.status, status);
	json_t *j = json_incref(res.json);
	http_res_free(&res);
	return j;
}

static json_t *entry(json_t *board, size_t i)
{
	return json_array_get(json_object_get(board, "entries"), i);
}

static const char *entry_name(json_t *board, size_t i)
{
	return json_string_value(json_object_get(entry(board, i), "full_name"));
}

static json_int_t entry_int(json_t *board, size_t i, const char *key)
{
	return json_integer_value(json_object_get(entry(board, i), key));
}

static void leaderboard_orders_by_score_then_prediction_distance(void **state)
{
	(void)state;
	json_t *b = leaderboard(contest_id, "", tokens[3], 200);
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 4 + 1);
	assert_false(json_is_true(json_object_get(b, "frozen")));
	assert_string_equal(entry_name(b, 0), "Nguyễn Văn Một"); /* 3, |2-3| = 1 */
	assert_string_equal(entry_name(b, 1), "Trần Thị Hai"); /* 3, |5-3| = 2 */
	assert_string_equal(entry_name(b, 2), "Hoàng Văn Năm"); /* 3, no prediction */
	assert_string_equal(entry_name(b, 3), "Lê Văn Ba"); /* 2 */
	assert_string_equal(entry_name(b, 4), "(đã xoá)"); /* 1, erased */
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(entry_int(b, i, "rank"), (json_int_t)i + 1);
	assert_float_equal(json_number_value(json_object_get(entry(b, 3), "score")), 2, 1e-9);
	assert_int_equal(entry_int(b, 3, "correct_count"), 2);
	assert_int_equal(entry_int(b, 0, "prediction"), 2);
	assert_true(json_is_null(json_object_get(entry(b, 2), "prediction")));
	assert_string_equal(json_string_value(json_object_get(entry(b, 0), "unit_code")), "S1");
	assert_string_equal(json_string_value(json_object_get(entry(b, 1), "unit_name")),
			    "Huyện Hai");
	json_decref(b);
}

static void leaderboard_expired_attempt_counts_until_its_deadline(void **state)
{
	(void)state;
	json_t *b = leaderboard(contest_id, "?round=r1", tokens[1], 200);
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 1);
	assert_string_equal(entry_name(b, 0), "Hoàng Văn Năm");
	assert_int_equal(entry_int(b, 0, "duration_ms"), 600 * 1000);
	int64_t submitted = 0;
	assert_int_equal(
		clock_parse(json_string_value(json_object_get(entry(b, 0), "submitted_at")),
			    &submitted),
		0);
	/* The submission time is the deadline (start + 600 s), at second precision. */
	assert_true(submitted / 1000 == (p5_started + 600 * 1000) / 1000);
	json_decref(b);
}

static void leaderboard_round_filter_recounts_full_scores(void **state)
{
	(void)state;
	/* In r2 alone F = 2: p1 (predicted 2) is exact, p2 (5) is 3 away. */
	json_t *b = leaderboard(contest_id, "?round=r2", tokens[2], 200);
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 4);
	assert_string_equal(entry_name(b, 0), "Nguyễn Văn Một");
	assert_string_equal(entry_name(b, 1), "Trần Thị Hai");
	assert_string_equal(entry_name(b, 2), "Lê Văn Ba");
	json_decref(b);
	b = leaderboard(contest_id, "?round=r9", tokens[2], 400);
	assert_non_null(
		strstr(json_string_value(json_object_get(json_object_get(b, "error"), "message")),
		       "round"));
	json_decref(b);
}

static void leaderboard_unit_filter_keeps_overall_rank_and_adds_unit_rank(void **state)
{
	(void)state;
	json_t *b = leaderboard(contest_id, "?unit=D1", tokens[1], 200);
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 3);
	assert_string_equal(entry_name(b, 0), "Nguyễn Văn Một");
	assert_int_equal(entry_int(b, 0, "rank"), 1);
	assert_int_equal(entry_int(b, 0, "unit_rank"), 1);
	assert_string_equal(entry_name(b, 1), "Hoàng Văn Năm");
	assert_int_equal(entry_int(b, 1, "rank"), 3);
	assert_int_equal(entry_int(b, 1, "unit_rank"), 2);
	assert_string_equal(entry_name(b, 2), "Lê Văn Ba");
	assert_int_equal(entry_int(b, 2, "rank"), 4);
	assert_int_equal(entry_int(b, 2, "unit_rank"), 3);
	json_decref(b);
	b = leaderboard(contest_id, "?unit=NOPE", tokens[1], 400);
	json_decref(b);
}

static void leaderboard_pages_with_limit_and_offset(void **state)
{
	(void)state;
	json_t *b = leaderboard(contest_id, "?limit=2&offset=1", tokens[1], 200);
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 5);
	assert_int_equal(json_array_size(json_object_get(b, "entries")), 2);
	assert_string_equal(entry_name(b, 0), "Trần Thị Hai");
	assert_int_equal(entry_int(b, 0, "rank"), 2);
	json_decref(b);
	json_decref(leaderboard(contest_id, "?limit=0", tokens[1], 400));
	json_decref(leaderboard(contest_id, "?offset=-1", tokens[1], 400));
}

static void leaderboard_entries_carry_no_answers(void **state)
{
	(void)state;
	static const char *const allowed[] = { "rank",       "full_name",   "unit_code",
					       "unit_name",  "score",       "correct_count",
					       "prediction", "duration_ms", "submitted_at",
					       "unit_rank" };
	json_t *b = leaderboard(contest_id, "?unit=P", tokens[3], 200);
	size_t i;
	json_t *e;
	const char *key;
	json_t *v;
	assert_int_equal(json_object_size(b), 3);
	json_array_foreach(json_object_get(b, "entries"), i, e)
	{
		assert_int_equal(json_object_size(e), 10);
		json_object_foreach(e, key, v)
		{
			bool known = false;
			for (size_t k = 0; k < sizeof allowed / sizeof allowed[0]; k++)
				known = known || strcmp(key, allowed[k]) == 0;
			if (!known)
				print_error("unexpected key %s\n", key);
			assert_true(known);
		}
	}
	char *text = json_dumps(b, 0);
	assert_null(strstr(text, "choices"));
	assert_null(strstr(text, "Đúng 1"));
	free(text);
	json_decref(b);
}

static void leaderboard_frozen_for_participants_live_for_admins(void **state)
{
	(void)state;
	json_t *b = leaderboard(frozen_id, "", tokens[2], 200);
	assert_true(json_is_true(json_object_get(b, "frozen")));
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 1);
	assert_string_equal(entry_name(b, 0), "Nguyễn Văn Một");
	json_decref(b);
	b = leaderboard(frozen_id, "", admin_token, 200);
	assert_false(json_is_true(json_object_get(b, "frozen")));
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 2);
	json_decref(b);
}

static void leaderboard_unknown_or_plain_quiz_is_not_found(void **state)
{
	(void)state;
	json_t *b = leaderboard(999999, "", tokens[1], 404);
	json_decref(b);
	b = leaderboard(plain_quiz_id, "", tokens[1], 404);
	json_decref(b);
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/contests/1/leaderboard", NULL, &res), 0);
	assert_int_equal(res.status, 401);
	http_res_free(&res);
}

static json_t *question_stat(json_t *report, const char *code)
{
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(report, "questions"), i,
			   q) if (strcmp(json_string_value(json_object_get(q, "code")), code) ==
				  0) return q;
	return NULL;
}

static void question_report_gives_facility_and_discrimination(void **state)
{
	(void)state;
	char path[128];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/reports/questions?quiz=%lld", (long long)contest_id);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	/* Right answers per question over p1..p5: q1 5/5, q2 4/5, q3 3/5. */
	json_t *q1 = question_stat(res.json, "cb-q1"), *q3 = question_stat(res.json, "cb-q3");
	assert_non_null(q1);
	assert_non_null(q3);
	assert_int_equal(json_integer_value(json_object_get(q1, "attempts")), 5);
	/* The bank's code, for a link to the question in the administration. */
	assert_string_equal(json_string_value(json_object_get(q1, "bank")), "cb");
	assert_float_equal(json_number_value(json_object_get(q1, "facility_index")), 1.0, 1e-9);
	assert_true(json_is_null(json_object_get(q1, "discrimination_index")));
	assert_float_equal(json_number_value(json_object_get(question_stat(res.json, "cb-q2"),
							     "facility_index")),
			   0.8, 1e-9);
	assert_float_equal(json_number_value(json_object_get(q3, "facility_index")), 0.6, 1e-9);
	/* q3: x = 1 1 0 0 1, rest = 2 2 2 1 2: r = .6 / sqrt(1.2 * .8). */
	assert_float_equal(json_number_value(json_object_get(q3, "discrimination_index")), 0.6124,
			   1e-4);
	http_res_free(&res);

	/* The D1 administrator sees the attempts made under D1: p1, p3, p5. */
	assert_int_equal(http_get(&srv, path, unit_admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(
		json_integer_value(json_object_get(question_stat(res.json, "cb-q1"), "attempts")),
		3);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, path, tokens[1], &res), 0);
	assert_int_equal(res.status, 403);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/reports/questions?quiz=999999", admin_token, &res),
			 0);
	assert_int_equal(res.status, 404);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/reports/questions?quiz=abc", admin_token, &res),
			 0);
	assert_int_equal(res.status, 400);
	http_res_free(&res);
}

static void quizadm_reports_question_statistics_as_csv(void **state)
{
	(void)state;
	char id[32], *out = NULL;
	snprintf(id, sizeof id, "%lld", (long long)contest_id);
	assert_int_equal(run_quizadm(&srv, &out, "report", "questions", "--quiz", id, "--format",
				     "csv", NULL),
			 0);
	assert_non_null(
		strstr(out, "question_id,code,attempts,facility_index,discrimination_index\n"));
	assert_non_null(strstr(out, ",cb-q3,5,0.6000,0.6124\n"));
	assert_non_null(strstr(out, ",cb-q1,5,1.0000,\n"));
	free(out);
	out = NULL;
	assert_int_equal(run_quizadm(&srv, &out, "report", "questions", "--quiz", id, "--format",
				     "json", NULL),
			 0);
	json_t *j = json_loads(out, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "questions")), 3);
	/* The same view as the API's (itemstats_view). */
	struct http_res res;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/reports/questions?quiz=%s", id);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_true(json_equal(res.json, j));
	http_res_free(&res);
	json_decref(j);
	free(out);
	assert_int_not_equal(
		run_quizadm(&srv, NULL, "report", "questions", "--quiz", "999999", NULL), 0);
}

static void bank_upload_in_gift_reports_skipped_and_errors_with_lines(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_call(&srv, "POST",
				   "/api/v1/admin/banks?format=gift&code=cb2&audiences=pupil"
				   "&topic=malware",
				   admin_token, BANK_GIFT, "text/plain", NULL, &res),
			 0);
	assert_int_equal(res.status, 200);
	json_t *skipped = json_object_get(res.json, "skipped");
	assert_int_equal(json_array_size(skipped), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(skipped, 0), "line")),
			 5);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(res.json, "bank"),
							    "question_count")),
			 3);
	http_res_free(&res);

	/* A two-option single question breaks the native rules: the loader's
	 * error names the GIFT line. */
	assert_int_equal(http_call(&srv, "POST",
				   "/api/v1/admin/banks?format=gift&code=cb3&audiences=pupil"
				   "&topic=malware",
				   admin_token, "::a-1:: A? {=x ~y ~z}\n\n\n::a-2:: B? {=x ~y}\n",
				   "text/plain", NULL, &res),
			 0);
	assert_int_equal(res.status, 400);
	json_t *errors = json_object_get(res.json, "errors");
	assert_true(json_array_size(errors) >= 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 0), "line")), 4);
	http_res_free(&res);

	/* No topic: refused, naming it. */
	assert_int_equal(http_call(&srv, "POST",
				   "/api/v1/admin/banks?format=aiken&code=cb4&audiences=pupil",
				   admin_token, "Q?\nA. x\nB. y\nC. z\nANSWER: A\n", "text/plain",
				   NULL, &res),
			 0);
	assert_int_equal(res.status, 400);
	assert_non_null(strstr(
		json_string_value(json_object_get(json_object_get(res.json, "error"), "message")),
		"topic"));
	http_res_free(&res);
}

static void quizadm_exports_a_bank_as_gift_that_imports_back(void **state)
{
	(void)state;
	char *out = NULL;
	assert_int_equal(run_quizadm(&srv, &out, "bank", "export", "cb", "--format", "gift", NULL),
			 0);
	assert_non_null(strstr(out, "// @bank: cb\n"));
	assert_non_null(strstr(out, "::cb-q2:: Câu 2? {\n=Đúng 2\n~Sai 2a\n~Sai 2b\n####"));
	free(out);
}

static void leaderboard_follows_a_new_attempt_at_once(void **state)
{
	(void)state;
	/* Read first, so that the board is kept in quizd's memory. */
	json_decref(leaderboard(contest_id, "", tokens[1], 200));
	/* p3 gets everything right and predicts 4: F becomes 4, so p3 (exact)
	 * overtakes p2 (|5-4| = 1) and p1 (|2-4| = 2). */
	take_attempt(3, (const bool[3]){ true, true, true }, 4);
	json_t *b = leaderboard(contest_id, "", tokens[1], 200);
	assert_int_equal(json_integer_value(json_object_get(b, "total")), 5);
	assert_string_equal(entry_name(b, 0), "Lê Văn Ba");
	assert_string_equal(entry_name(b, 1), "Trần Thị Hai");
	assert_string_equal(entry_name(b, 2), "Nguyễn Văn Một");
	assert_string_equal(entry_name(b, 3), "Hoàng Văn Năm");
	json_decref(b);
}

/* Whether some entry of board is named name. */
static bool board_names(json_t *board, const char *name)
{
	json_t *entries = json_object_get(board, "entries");
	for (size_t i = 0; i < json_array_size(entries); i++)
		if (strcmp(entry_name(board, i), name) == 0)
			return true;
	return false;
}

/* Renames person who as an administrator does. */
static void rename_as_admin(int who, const char *full_name)
{
	char path[64], body[128];
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", (long long)user_ids[who]);
	snprintf(body, sizeof body, "{\"full_name\":\"%s\"}", full_name);
	assert_int_equal(test_status(&srv, "PATCH", path, admin_token, body), 200);
}

static void leaderboard_shows_a_renamed_person_on_the_next_read(void **state)
{
	(void)state;
	/* Read first: the board and its names are kept in quizd's memory. */
	json_t *b = leaderboard(contest_id, "", tokens[1], 200);
	assert_true(board_names(b, "Trần Thị Hai"));
	json_decref(b);
	rename_as_admin(2, "Trần Thị Hai Mới");
	b = leaderboard(contest_id, "", tokens[1], 200);
	assert_true(board_names(b, "Trần Thị Hai Mới"));
	assert_false(board_names(b, "Trần Thị Hai"));
	json_decref(b);
	b = leaderboard(contest_id, "?unit=D2", admin_token, 200);
	assert_true(board_names(b, "Trần Thị Hai Mới"));
	json_decref(b);
	rename_as_admin(2, "Trần Thị Hai");
	b = leaderboard(contest_id, "", tokens[1], 200);
	assert_true(board_names(b, "Trần Thị Hai"));
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leaderboard_orders_by_score_then_prediction_distance),
		cmocka_unit_test(leaderboard_expired_attempt_counts_until_its_deadline),
		cmocka_unit_test(leaderboard_round_filter_recounts_full_scores),
		cmocka_unit_test(leaderboard_unit_filter_keeps_overall_rank_and_adds_unit_rank),
		cmocka_unit_test(leaderboard_pages_with_limit_and_offset),
		cmocka_unit_test(leaderboard_entries_carry_no_answers),
		cmocka_unit_test(leaderboard_frozen_for_participants_live_for_admins),
		cmocka_unit_test(leaderboard_unknown_or_plain_quiz_is_not_found),
		cmocka_unit_test(question_report_gives_facility_and_discrimination),
		cmocka_unit_test(quizadm_reports_question_statistics_as_csv),
		cmocka_unit_test(bank_upload_in_gift_reports_skipped_and_errors_with_lines),
		cmocka_unit_test(quizadm_exports_a_bank_as_gift_that_imports_back),
		cmocka_unit_test(leaderboard_shows_a_renamed_person_on_the_next_read),
		/* Last: it adds an attempt. */
		cmocka_unit_test(leaderboard_follows_a_new_attempt_at_once),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
