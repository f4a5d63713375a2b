/* test_practice.c - practice quizzes against the real quizd: a bank
 * imported as GIFT with per-option feedback, a practice quiz without a time
 * limit or an attempt limit, feedback at every answer save, a second save
 * of a question refused, and practice attempts absent from the
 * participation report and from leaderboards while an exam attempt of the
 * same person counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "harness.h"

#define HOUR_MS (3600LL * 1000)

static struct server srv;
static char *admin_token, *p1_token, *p2_token;
static int64_t practice_id, practice_contest_id, exam_id;

static const char UNITS_CSV[] = "code,name,kind,parent_code\n"
				"P,Tỉnh Thử,province,\n"
				"S1,Trường Số Một,school,P\n";

/* Two single-choice questions, each option with its own feedback. */
static const char BANK_GIFT[] =
	"::pq-1:: Câu 1: nên làm gì với đường link lạ? {"
	"=Không bấm, kiểm tra người gửi#Đúng: đường link lạ có thể dẫn tới trang giả mạo."
	" ~Bấm ngay#Sai: bấm ngay là cách kẻ gian mong muốn."
	" ~Chuyển cho bạn bè#Sai: chuyển đi làm rủi ro lan rộng."
	" ####Kẻ gian dùng đường link lạ để lấy mật khẩu.}\n"
	"\n"
	"::pq-2:: Câu 2: có nên cho người lạ mã OTP? {"
	"=Không bao giờ#Đúng: mã OTP chỉ dành cho chính bạn."
	" ~Có, nếu họ là nhân viên ngân hàng#Sai: ngân hàng không bao giờ hỏi mã OTP."
	" ~Có, nếu họ hứa tặng quà#Sai: quà tặng là mồi nhử quen thuộc."
	" ####Ngân hàng không bao giờ hỏi mã OTP.}\n";

static int64_t create_quiz(const char *code, const char *kind, const char *limits)
{
	char opens[40], closes[40], body[2048];
	int64_t now = clock_now_ms();
	clock_format(now - HOUR_MS, opens);
	clock_format(now + 2 * HOUR_MS, closes);
	snprintf(body, sizeof body,
		 "{\"code\":\"%s\",\"title\":\"Luyện tập %s\",\"kind\":\"%s\","
		 "\"audiences\":[\"pupil\"],\"unit_scope\":\"P\","
		 "\"draw\":[{\"bank\":\"pq\",\"count\":2}],%s,\"pass_percent\":50,"
		 "\"opens_at\":\"%s\",\"closes_at\":\"%s\",\"shuffle_questions\":false,"
		 "\"shuffle_options\":false,\"review\":\"after_submit\"}",
		 code, code, kind, limits, opens, closes);
	return test_create_quiz(&srv, admin_token, body);
}

static int setup(void **state)
{
	(void)state;
	if (server_up(&srv, NULL))
		return -1;
	test_add_units_csv(&srv, UNITS_CSV);
	test_add_user(&srv, "root", "Root-Password-1", "admin", NULL, NULL);
	admin_token = test_login(&srv, "root", "Root-Password-1", NULL);
	const char *const names[2] = { "p1", "p2" };
	for (int i = 0; i < 2; i++)
		assert_int_equal(run_quizadm(&srv, NULL, "user", "add", "--username", names[i],
					     "--password", "Pupil-Password-1", "--role",
					     "participant", "--full-name", names[i], "--unit", "S1",
					     "--audience", "pupil", NULL),
				 0);
	p1_token = test_login(&srv, "p1", "Pupil-Password-1", NULL);
	p2_token = test_login(&srv, "p2", "Pupil-Password-1", NULL);
	test_upload_bank(&srv, admin_token,
			 "format=gift&code=pq&audiences=pupil&topic=phishing_fraud", BANK_GIFT,
			 "text/plain");
	practice_id =
		create_quiz("practice-a", "quiz", "\"mode\":\"practice\",\"time_limit_s\":null");
	practice_contest_id = create_quiz("practice-c", "contest", "\"mode\":\"practice\"");
	exam_id = create_quiz("exam-a", "quiz", "\"time_limit_s\":600,\"max_attempts\":1");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(admin_token);
	free(p1_token);
	free(p2_token);
	server_stop(&srv, true);
	return 0;
}

/* Starts an attempt of quiz_id for token; the attempt object. */
static json_t *start(int64_t quiz_id, const char *token)
{
	char path[128];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/quizzes/%lld/attempts", (long long)quiz_id);
	assert_int_equal(http_send(&srv, "POST", path, token, NULL, &res), 0);
	if (res.status != 201)
		print_error("start: %s\n", res.body);
	assert_int_equal(res.status, 201);
	json_t *a = json_incref(json_object_get(res.json, "attempt"));
	http_res_free(&res);
	return a;
}

/* The option of question q whose text starts with prefix. */
static json_int_t option_id(json_t *q, const char *prefix)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(q, "options"), i, o)
	{
		if (!strncmp(json_string_value(json_object_get(o, "text")), prefix, strlen(prefix)))
			return json_integer_value(json_object_get(o, "id"));
	}
	fail_msg("no option starting with %s", prefix);
	return 0;
}

/* The index of the question of attempt whose stem starts with prefix. */
static size_t question_index(json_t *attempt, const char *prefix)
{
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(attempt, "questions"), i, q)
	{
		if (!strncmp(json_string_value(json_object_get(q, "stem")), prefix, strlen(prefix)))
			return i;
	}
	fail_msg("no question starting with %s", prefix);
	return 0;
}

static void save(json_t *attempt, size_t qi, json_int_t choice, const char *token,
		 struct http_res *res)
{
	char path[128], body[64];
	json_t *q = json_array_get(json_object_get(attempt, "questions"), qi);
	snprintf(path, sizeof path, "/api/v1/attempts/%lld/answers/%lld",
		 (long long)json_integer_value(json_object_get(attempt, "id")),
		 (long long)json_integer_value(json_object_get(q, "id")));
	snprintf(body, sizeof body, "{\"choices\":[%lld]}", (long long)choice);
	assert_int_equal(http_send(&srv, "PUT", path, token, body, res), 0);
}

static void submit(json_t *attempt, const char *token)
{
	char path[128];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/attempts/%lld/submit",
		 (long long)json_integer_value(json_object_get(attempt, "id")));
	assert_int_equal(http_send(&srv, "POST", path, token, "{}", &res), 0);
	assert_int_equal(res.status, 200);
	http_res_free(&res);
}

static void practice_answer_answers_with_feedback_once(void **state)
{
	(void)state;
	json_t *a = start(practice_id, p1_token);
	size_t i1 = question_index(a, "Câu 1"), i2 = question_index(a, "Câu 2");
	json_t *q1 = json_array_get(json_object_get(a, "questions"), i1);
	json_int_t wrong = option_id(q1, "Bấm ngay");
	json_int_t right = option_id(q1, "Không bấm");
	struct http_res res;
	save(a, i1, wrong, p1_token, &res);
	if (res.status != 200)
		print_error("save: %s\n", res.body);
	assert_int_equal(res.status, 200);
	assert_true(json_is_true(json_object_get(res.json, "saved")));
	assert_true(json_is_integer(json_object_get(res.json, "remaining_ms")));
	json_t *fb = json_object_get(res.json, "feedback");
	assert_true(json_is_false(json_object_get(fb, "correct")));
	json_t *cc = json_object_get(fb, "correct_choices");
	assert_int_equal(json_array_size(cc), 1);
	assert_int_equal(json_integer_value(json_array_get(cc, 0)), right);
	assert_string_equal(json_string_value(json_object_get(fb, "explanation")),
			    "Kẻ gian dùng đường link lạ để lấy mật khẩu.");
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)wrong);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(fb, "option_feedback"), key)),
		"Sai: bấm ngay là cách kẻ gian mong muốn.");
	http_res_free(&res);

	/* The same question again, even with the right answer: refused. */
	save(a, i1, right, p1_token, &res);
	assert_int_equal(res.status, 409);
	assert_string_equal(http_error_code(&res), "already_answered");
	http_res_free(&res);

	/* The next question, answered right. */
	json_t *q2 = json_array_get(json_object_get(a, "questions"), i2);
	save(a, i2, option_id(q2, "Không bao giờ"), p1_token, &res);
	assert_int_equal(res.status, 200);
	fb = json_object_get(res.json, "feedback");
	assert_true(json_is_true(json_object_get(fb, "correct")));
	http_res_free(&res);
	submit(a, p1_token);
	json_decref(a);
}

static void exam_answer_save_carries_no_feedback_and_may_change(void **state)
{
	(void)state;
	json_t *a = start(exam_id, p2_token);
	size_t i1 = question_index(a, "Câu 1");
	json_t *q1 = json_array_get(json_object_get(a, "questions"), i1);
	struct http_res res;
	save(a, i1, option_id(q1, "Bấm ngay"), p2_token, &res);
	assert_int_equal(res.status, 200);
	assert_null(json_object_get(res.json, "feedback"));
	http_res_free(&res);
	save(a, i1, option_id(q1, "Không bấm"), p2_token, &res);
	assert_int_equal(res.status, 200);
	http_res_free(&res);
	submit(a, p2_token);
	json_decref(a);
}

static void practice_is_unlimited_and_listed_as_practice(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++) {
		json_t *a = start(practice_contest_id, p1_token);
		struct http_res res;
		json_t *q1 = json_array_get(json_object_get(a, "questions"), 0);
		json_t *o1 = json_array_get(json_object_get(q1, "options"), 0);
		save(a, 0, json_integer_value(json_object_get(o1, "id")), p1_token, &res);
		assert_int_equal(res.status, 200);
		http_res_free(&res);
		submit(a, p1_token);
		json_decref(a);
	}
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/quizzes", p1_token, &res), 0);
	assert_int_equal(res.status, 200);
	size_t i;
	json_t *q;
	int seen = 0;
	json_array_foreach(json_object_get(res.json, "quizzes"), i, q)
	{
		const char *code = json_string_value(json_object_get(q, "code"));
		const char *mode = json_string_value(json_object_get(q, "mode"));
		if (!strcmp(code, "practice-a")) {
			assert_string_equal(mode, "practice");
			assert_true(json_is_null(json_object_get(q, "time_limit_s")));
			seen++;
		} else if (!strcmp(code, "exam-a")) {
			assert_string_equal(mode, "exam");
			seen++;
		}
	}
	assert_int_equal(seen, 2);
	http_res_free(&res);
}

static void practice_attempts_count_in_no_report_or_leaderboard(void **state)
{
	(void)state;
	/* p1 has practice attempts only, p2 one exam attempt (tests above). */
	char path[128];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/reports/participation?year=%d&unit=P&depth=0",
		 clock_vn_year(clock_now_ms()));
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_int_t attempts = 0, participants = 0;
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(res.json, "rows"), i, row)
	{
		attempts += json_integer_value(json_object_get(row, "attempts"));
		participants += json_integer_value(json_object_get(row, "participants"));
	}
	assert_int_equal(attempts, 1);
	assert_int_equal(participants, 1);
	http_res_free(&res);

	snprintf(path, sizeof path, "/api/v1/contests/%lld/leaderboard",
		 (long long)practice_contest_id);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_integer_value(json_object_get(res.json, "total")), 0);
	http_res_free(&res);
}

static void practice_definitions_are_checked(void **state)
{
	(void)state;
	char opens[40], closes[40], body[1024];
	int64_t now = clock_now_ms();
	clock_format(now - HOUR_MS, opens);
	clock_format(now + HOUR_MS, closes);
	const char *const limits[] = {
		"\"mode\":\"drill\",\"time_limit_s\":600,\"max_attempts\":1",
		"\"mode\":\"practice\",\"max_attempts\":3",
		"\"mode\":\"exam\",\"time_limit_s\":null,\"max_attempts\":1",
		"\"mode\":7,\"time_limit_s\":600,\"max_attempts\":1",
	};
	const char *const field[] = { "mode", "max_attempts", "time_limit_s", "mode" };
	for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
		snprintf(body, sizeof body,
			 "{\"code\":\"bad-%zu\",\"title\":\"x\",\"kind\":\"quiz\","
			 "\"audiences\":[\"pupil\"],\"draw\":[{\"bank\":\"pq\",\"count\":1}],%s,"
			 "\"pass_percent\":50,\"opens_at\":\"%s\",\"closes_at\":\"%s\","
			 "\"review\":\"after_submit\"}",
			 i, limits[i], opens, closes);
		struct http_res res;
		assert_int_equal(
			http_send(&srv, "POST", "/api/v1/admin/quizzes", admin_token, body, &res),
			0);
		assert_int_equal(res.status, 400);
		assert_non_null(strstr(res.body, field[i]));
		http_res_free(&res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(practice_answer_answers_with_feedback_once),
		cmocka_unit_test(exam_answer_save_carries_no_feedback_and_may_change),
		cmocka_unit_test(practice_is_unlimited_and_listed_as_practice),
		cmocka_unit_test(practice_definitions_are_checked),
		/* Last: it counts what the tests above left. */
		cmocka_unit_test(practice_attempts_count_in_no_report_or_leaderboard),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
