/* test_admin_banks.c - the administrator's banks (list, browse, edit a
 * question as a new version, retire, export) against the real quizd, for
 * every role and with bad input. */
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

static struct server srv;
static char *admin_token, *d1_token, *pupil_token;

static const char UNITS_CSV[] = "code,name,kind,parent_code\n"
				"P,Tỉnh Thử,province,\n"
				"D1,Huyện Một,district,P\n"
				"S1,Trường THCS Số Một,school,D1\n"
				"D2,Huyện Hai,district,P\n"
				"S2,Trường THCS Số Hai,school,D2\n";

/* A single-choice question; correct is the index of the right option. */
static json_t *question(const char *code, const char *topic, int correct)
{
	json_t *opts = json_array();
	static const char *const texts[] = { "Mở liên kết ngay", "Hỏi người lớn trước",
					     "Gửi mật khẩu cho bạn" };
	for (int i = 0; i < 3; i++)
		json_array_append_new(opts, json_pack("{s:s,s:b,s:s}", "text", texts[i], "correct",
						      i == correct, "feedback",
						      i == correct ? "Đúng vì an toàn hơn."
								   : "Sai vì dễ bị lừa."));
	return json_pack("{s:s,s:s,s:[s],s:i,s:s,s:o,s:s}", "code", code, "type", "single",
			 "topics", topic, "difficulty", 1, "stem",
			 "Em nhận được tin nhắn lạ có liên kết. Em nên làm gì?", "options", opts,
			 "explanation", "Hỏi người lớn giúp em tránh bị lừa đảo.");
}

static int upload_bank(const char *code)
{
	char c[4][16];
	for (int i = 0; i < 4; i++)
		snprintf(c[i], sizeof c[i], "%s-%d", code, i + 1);
	json_t *bank =
		json_pack("{s:s,s:s,s:s,s:[s],s:[o,o,o,o]}", "code", code, "title", "Ngân hàng thử",
			  "language", "vi", "audiences", "pupil", "questions",
			  question(c[0], "phishing_fraud", 1), question(c[1], "phishing_fraud", 1),
			  question(c[2], "passwords", 1), question(c[3], "passwords", 1));
	char *body = json_dumps(bank, 0);
	json_decref(bank);
	struct http_res res;
	int rc = http_call(&srv, "POST", "/api/v1/admin/banks", admin_token, body,
			   "application/json", NULL, &res);
	free(body);
	if (rc || res.status != 200)
		fprintf(stderr, "bank upload: %ld %s\n", res.status, res.body ? res.body : "");
	rc = rc || res.status != 200 ? -1 : 0;
	http_res_free(&res);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	if (server_up(&srv, NULL))
		return -1;
	test_add_units_csv(&srv, UNITS_CSV);
	if (test_add_roles(&srv, &admin_token, &d1_token, &pupil_token))
		return -1;
	return upload_bank("tb");
}

static int teardown(void **state)
{
	(void)state;
	free(admin_token);
	free(d1_token);
	free(pupil_token);
	return server_stop(&srv, true);
}

static void only_admins_reach_the_bank_routes(void **state)
{
	(void)state;
	json_t *qj = question("tb-1", "phishing_fraud", 1);
	char *q = json_dumps(qj, 0);
	json_decref(qj);
	const struct {
		const char *method, *path, *body;
	} routes[] = {
		{ "GET", "/api/v1/admin/banks", NULL },
		{ "GET", "/api/v1/admin/banks/tb", NULL },
		{ "PUT", "/api/v1/admin/banks/tb/questions/tb-1", q },
		{ "DELETE", "/api/v1/admin/banks/tb/questions/tb-4", NULL },
		{ "GET", "/api/v1/admin/banks/tb/export?format=gift", NULL },
		{ "POST", "/api/v1/admin/banks/tb/questions/tb-1/rescore", NULL },
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		assert_int_equal(
			test_status(&srv, routes[i].method, routes[i].path, NULL, routes[i].body),
			401);
		assert_int_equal(test_status(&srv, routes[i].method, routes[i].path, pupil_token,
					     routes[i].body),
				 403);
		assert_int_equal(test_status(&srv, routes[i].method, routes[i].path, d1_token,
					     routes[i].body),
				 403);
	}
	free(q);
}

static json_t *bank_question(json_t *bank, const char *code)
{
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(bank, "questions"), i, q)
	{
		if (!strcmp(json_string_value(json_object_get(q, "code")), code))
			return q;
	}
	return NULL;
}

static void the_list_counts_questions_by_topic(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/admin/banks", admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *banks = json_object_get(res.json, "banks");
	json_t *b = json_array_get(banks, 0);
	assert_string_equal(json_string_value(json_object_get(b, "code")), "tb");
	assert_string_equal(json_string_value(json_object_get(b, "title")), "Ngân hàng thử");
	assert_string_equal(json_string_value(json_object_get(b, "language")), "vi");
	assert_string_equal(json_string_value(json_array_get(json_object_get(b, "audiences"), 0)),
			    "pupil");
	assert_int_equal(json_integer_value(json_object_get(b, "question_count")), 4);
	json_t *topics = json_object_get(b, "topics");
	assert_int_equal(json_object_size(topics), 2);
	assert_int_equal(json_integer_value(json_object_get(topics, "phishing_fraud")), 2);
	assert_int_equal(json_integer_value(json_object_get(topics, "passwords")), 2);
	/* Every question of the test bank is of difficulty 1. */
	json_t *difficulties = json_object_get(b, "difficulties");
	assert_int_equal(json_object_size(difficulties), 1);
	assert_int_equal(json_integer_value(json_object_get(difficulties, "1")), 4);
	assert_true(json_is_string(json_object_get(b, "updated_at")));
	http_res_free(&res);
}

static void a_bank_shows_each_question_with_its_version(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/admin/banks/tb", admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *bank = json_object_get(res.json, "bank");
	assert_string_equal(json_string_value(json_object_get(bank, "code")), "tb");
	json_t *q = bank_question(bank, "tb-2");
	assert_non_null(q);
	assert_true(json_integer_value(json_object_get(q, "id")) > 0);
	assert_int_equal(json_integer_value(json_object_get(q, "version")), 1);
	assert_true(json_is_false(json_object_get(q, "retired")));
	json_t *o1 = json_array_get(json_object_get(q, "options"), 1);
	assert_true(json_is_true(json_object_get(o1, "correct")));
	assert_string_equal(json_string_value(json_object_get(o1, "feedback")),
			    "Đúng vì an toàn hơn.");
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/admin/banks/nope", admin_token, &res), 0);
	assert_int_equal(res.status, 404);
	assert_string_equal(http_error_code(&res), "not_found");
	http_res_free(&res);
}

static int64_t put_question(const char *path, json_t *q, long want, struct http_res *res)
{
	char *body = json_dumps(q, 0);
	json_decref(q);
	assert_int_equal(http_send(&srv, "PUT", path, admin_token, body, res), 0);
	free(body);
	if (res->status != want)
		fprintf(stderr, "PUT %s: %ld %s\n", path, res->status, res->body);
	assert_int_equal(res->status, want);
	return json_integer_value(json_object_get(json_object_get(res->json, "question"), "id"));
}

static void an_edit_is_a_new_version_and_an_unchanged_one_is_not(void **state)
{
	(void)state;
	struct http_res res;
	const char *path = "/api/v1/admin/banks/tb/questions/tb-2";
	int64_t first = put_question(path, question("tb-2", "phishing_fraud", 1), 200, &res);
	assert_int_equal(json_integer_value(
				 json_object_get(json_object_get(res.json, "question"), "version")),
			 1);
	http_res_free(&res);
	int64_t second = put_question(path, question("tb-2", "phishing_fraud", 2), 200, &res);
	json_t *q = json_object_get(res.json, "question");
	assert_int_equal(json_integer_value(json_object_get(q, "version")), 2);
	assert_true(second != first);
	assert_true(json_is_true(
		json_object_get(json_array_get(json_object_get(q, "options"), 2), "correct")));
	http_res_free(&res);
	/* Without a code in the body, the path's code is taken. */
	json_t *nocode = question("tb-5", "passwords", 0);
	json_object_del(nocode, "code");
	put_question("/api/v1/admin/banks/tb/questions/tb-5", nocode, 200, &res);
	q = json_object_get(res.json, "question");
	assert_string_equal(json_string_value(json_object_get(q, "code")), "tb-5");
	assert_int_equal(json_integer_value(json_object_get(q, "version")), 1);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/admin/banks/tb", admin_token, &res), 0);
	q = bank_question(json_object_get(res.json, "bank"), "tb-2");
	assert_int_equal(json_integer_value(json_object_get(q, "id")), second);
	assert_int_equal(json_integer_value(json_object_get(q, "version")), 2);
	http_res_free(&res);
}

static void a_bad_question_is_refused_naming_the_field(void **state)
{
	(void)state;
	struct http_res res;
	const char *path = "/api/v1/admin/banks/tb/questions/tb-1";
	json_t *q = question("tb-1", "phishing_fraud", 1);
	json_object_set_new(q, "difficulty", json_integer(7));
	put_question(path, q, 400, &res);
	assert_string_equal(http_error_code(&res), "bad_request");
	assert_non_null(strstr(
		json_string_value(json_object_get(json_object_get(res.json, "error"), "message")),
		"difficulty"));
	http_res_free(&res);
	q = question("tb-1", "no-such-topic", 1);
	put_question(path, q, 400, &res);
	assert_non_null(strstr(res.body, "topics"));
	http_res_free(&res);
	put_question(path, question("tb-9", "phishing_fraud", 1), 400, &res);
	assert_non_null(strstr(res.body, "code"));
	http_res_free(&res);
	put_question("/api/v1/admin/banks/nope/questions/tb-1",
		     question("tb-1", "phishing_fraud", 1), 404, &res);
	http_res_free(&res);
	assert_int_equal(test_status(&srv, "PUT", path, admin_token, "[1,2"), 400);
	assert_int_equal(test_status(&srv, "PUT", path, admin_token, "[1,2]"), 400);
}

static void a_retired_question_is_kept_but_counted_no_more(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(test_status(&srv, "DELETE", "/api/v1/admin/banks/tb/questions/tb-3",
				     admin_token, NULL),
			 204);
	assert_int_equal(test_status(&srv, "DELETE", "/api/v1/admin/banks/tb/questions/tb-3",
				     admin_token, NULL),
			 404);
	assert_int_equal(test_status(&srv, "DELETE", "/api/v1/admin/banks/tb/questions/nope",
				     admin_token, NULL),
			 404);
	assert_int_equal(test_status(&srv, "DELETE", "/api/v1/admin/banks/nope/questions/tb-3",
				     admin_token, NULL),
			 404);
	assert_int_equal(http_get(&srv, "/api/v1/admin/banks/tb", admin_token, &res), 0);
	json_t *q = bank_question(json_object_get(res.json, "bank"), "tb-3");
	assert_non_null(q);
	assert_true(json_is_true(json_object_get(q, "retired")));
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/admin/banks", admin_token, &res), 0);
	json_t *b = json_array_get(json_object_get(res.json, "banks"), 0);
	int64_t count = json_integer_value(json_object_get(b, "question_count"));
	int64_t passwords =
		json_integer_value(json_object_get(json_object_get(b, "topics"), "passwords"));
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(b, "difficulties"), "1")),
		count);
	http_res_free(&res);
	/* The export carries current questions only. */
	assert_int_equal(
		http_get(&srv, "/api/v1/admin/banks/tb/export?format=json", admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *qs = json_object_get(res.json, "questions");
	assert_int_equal((int64_t)json_array_size(qs), count);
	assert_null(bank_question(res.json, "tb-3"));
	http_res_free(&res);
	/* Put back, it is current again, as a new version. */
	put_question("/api/v1/admin/banks/tb/questions/tb-3", question("tb-3", "passwords", 1), 200,
		     &res);
	assert_int_equal(json_integer_value(
				 json_object_get(json_object_get(res.json, "question"), "version")),
			 2);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/admin/banks", admin_token, &res), 0);
	b = json_array_get(json_object_get(res.json, "banks"), 0);
	assert_int_equal(json_integer_value(json_object_get(b, "question_count")), count + 1);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(b, "topics"), "passwords")),
		passwords + 1);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(b, "difficulties"), "1")),
		count + 1);
	http_res_free(&res);
}

static void a_bank_exports_in_each_format(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(
		http_get(&srv, "/api/v1/admin/banks/tb/export?format=gift", admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	char *type = http_res_header(&res, "Content-Type");
	assert_non_null(type);
	assert_non_null(strstr(type, "text/plain"));
	free(type);
	assert_non_null(strstr(res.body, "::tb-1::"));
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/admin/banks/tb/export?format=moodle-xml",
				  admin_token, &res),
			 0);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body, "<quiz>"));
	assert_non_null(strstr(res.body, "tb-1"));
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/admin/banks/tb/export", admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_string_equal(json_string_value(json_object_get(res.json, "code")), "tb");
	http_res_free(&res);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/banks/tb/export?format=aiken",
				     admin_token, NULL),
			 400);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/banks/tb/export?format=docx",
				     admin_token, NULL),
			 400);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/banks/nope/export?format=gift",
				     admin_token, NULL),
			 404);
}

/* ---- rescore ------------------------------------------------------------ */

static int64_t rk_quiz;

static int64_t create_rk_quiz(void)
{
	const char *def =
		"{\"code\":\"kt-rk\",\"title\":\"Kiểm tra sửa đáp án\",\"kind\":\"quiz\","
		"\"mandatory\":true,\"audiences\":[\"pupil\"],\"unit_scope\":\"P\","
		"\"draw\":[{\"bank\":\"rk\",\"count\":2,\"topic\":\"phishing_fraud\"}],"
		"\"time_limit_s\":600,\"max_attempts\":3,\"pass_percent\":100,"
		"\"opens_at\":\"2025-01-01T00:00:00Z\",\"closes_at\":\"2035-01-01T00:00:00Z\","
		"\"shuffle_questions\":false,\"shuffle_options\":false,\"review\":\"after_"
		"submit\"}";
	struct http_res res;
	assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/quizzes", admin_token, def, &res),
			 0);
	if (res.status != 201)
		fprintf(stderr, "create quiz: %s\n", res.body);
	assert_int_equal(res.status, 201);
	int64_t id = json_integer_value(json_object_get(json_object_get(res.json, "quiz"), "id"));
	http_res_free(&res);
	return id;
}

/* The code of the stored question with this id, from the admin's bank. */
static const char *code_of(json_t *bank, int64_t id)
{
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(bank, "questions"), i, q)
	{
		if (json_integer_value(json_object_get(q, "id")) == id)
			return json_string_value(json_object_get(q, "code"));
	}
	return "";
}

/* pupil1 takes kt-rk choosing option 2 (wrong under the first key) for
 * rk-1 and option 1 (right) for rk-2; returns the attempt id. */
static int64_t take_quiz(int64_t quiz, const char *token);

static int64_t take_rk_quiz(const char *token)
{
	return take_quiz(rk_quiz, token);
}

static int64_t take_quiz(int64_t quiz, const char *token)
{
	struct http_res res, bank;
	char path[160];
	assert_int_equal(http_get(&srv, "/api/v1/admin/banks/rk", admin_token, &bank), 0);
	snprintf(path, sizeof path, "/api/v1/quizzes/%lld/attempts", (long long)quiz);
	assert_int_equal(http_send(&srv, "POST", path, token, NULL, &res), 0);
	assert_int_equal(res.status, 201);
	json_t *a = json_object_get(res.json, "attempt");
	int64_t attempt = json_integer_value(json_object_get(a, "id"));
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(a, "questions"), i, q)
	{
		int64_t qid = json_integer_value(json_object_get(q, "id"));
		const char *code = code_of(json_object_get(bank.json, "bank"), qid);
		int pick = !strcmp(code, "rk-1") ? 2 : 1;
		json_t *opt = json_array_get(json_object_get(q, "options"), (size_t)pick);
		char body[64], apath[160];
		snprintf(body, sizeof body, "{\"choices\":[%lld]}",
			 (long long)json_integer_value(json_object_get(opt, "id")));
		snprintf(apath, sizeof apath, "/api/v1/attempts/%lld/answers/%lld",
			 (long long)attempt, (long long)qid);
		assert_int_equal(test_status(&srv, "PUT", apath, token, body), 200);
	}
	http_res_free(&res);
	http_res_free(&bank);
	snprintf(path, sizeof path, "/api/v1/attempts/%lld/submit", (long long)attempt);
	assert_int_equal(http_send(&srv, "POST", path, token, "{}", &res), 0);
	assert_int_equal(res.status, 200);
	json_t *result = json_object_get(json_object_get(res.json, "attempt"), "result");
	assert_true(json_number_value(json_object_get(result, "score")) == 1.0);
	assert_true(json_is_false(json_object_get(result, "passed")));
	http_res_free(&res);
	return attempt;
}

/* The passed count of the participation report for S1 and pupils. */
static int64_t report_passed(void)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/reports/participation?year=%d&unit=S1&depth=0",
		 clock_vn_year(clock_now_ms()));
	struct http_res res;
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	int64_t passed = -1;
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(res.json, "rows"), i, row)
	{
		if (!strcmp(json_string_value(json_object_get(row, "unit_code")), "S1") &&
		    !strcmp(json_string_value(json_object_get(row, "audience")), "pupil"))
			passed = json_integer_value(json_object_get(row, "passed"));
	}
	http_res_free(&res);
	return passed;
}

static void rescore(const char *qcode, long want, struct http_res *res)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/admin/banks/rk/questions/%s/rescore", qcode);
	assert_int_equal(http_send(&srv, "POST", path, admin_token, NULL, res), 0);
	if (res->status != want)
		fprintf(stderr, "rescore %s: %ld %s\n", qcode, res->status, res->body);
	assert_int_equal(res->status, want);
}

static void a_fixed_key_rescores_results_and_reports(void **state)
{
	(void)state;
	assert_int_equal(upload_bank("rk"), 0);
	rk_quiz = create_rk_quiz();
	int64_t attempt = take_rk_quiz(pupil_token);
	/* One person of S1 finished with 1 of 2 right at a 100% pass mark. */
	assert_int_equal(report_passed(), 0);
	struct http_res res;
	rescore("rk-1", 200, &res);
	assert_int_equal(json_integer_value(json_object_get(res.json, "attempts")), 1);
	assert_int_equal(json_integer_value(json_object_get(res.json, "changed")), 0);
	http_res_free(&res);
	/* The key was wrong: option 2 is the right one. */
	put_question("/api/v1/admin/banks/rk/questions/rk-1", question("rk-1", "phishing_fraud", 2),
		     200, &res);
	http_res_free(&res);
	rescore("rk-1", 200, &res);
	assert_int_equal(json_integer_value(json_object_get(res.json, "attempts")), 1);
	assert_int_equal(json_integer_value(json_object_get(res.json, "changed")), 1);
	assert_int_equal(json_integer_value(json_object_get(res.json, "passed_changed")), 1);
	http_res_free(&res);
	char path[160];
	snprintf(path, sizeof path, "/api/v1/attempts/%lld", (long long)attempt);
	assert_int_equal(http_get(&srv, path, pupil_token, &res), 0);
	json_t *result = json_object_get(json_object_get(res.json, "attempt"), "result");
	assert_true(json_number_value(json_object_get(result, "score")) == 2.0);
	assert_int_equal(json_integer_value(json_object_get(result, "correct_count")), 2);
	assert_true(json_is_true(json_object_get(result, "passed")));
	http_res_free(&res);
	/* The report follows: now one person of S1 passed. */
	assert_int_equal(report_passed(), 1);
	/* So does the certificate of the mandatory quiz. */
	char cpath[160];
	snprintf(cpath, sizeof cpath, "/api/v1/attempts/%lld/certificate", (long long)attempt);
	assert_int_equal(test_status(&srv, "GET", cpath, pupil_token, NULL), 200);
	/* Again: the same key changes nothing. */
	rescore("rk-1", 200, &res);
	assert_int_equal(json_integer_value(json_object_get(res.json, "attempts")), 1);
	assert_int_equal(json_integer_value(json_object_get(res.json, "changed")), 0);
	assert_int_equal(json_integer_value(json_object_get(res.json, "passed_changed")), 0);
	http_res_free(&res);
	/* Back to the first key: back to failed. */
	put_question("/api/v1/admin/banks/rk/questions/rk-1", question("rk-1", "phishing_fraud", 1),
		     200, &res);
	http_res_free(&res);
	rescore("rk-1", 200, &res);
	assert_int_equal(json_integer_value(json_object_get(res.json, "passed_changed")), 1);
	http_res_free(&res);
	assert_int_equal(report_passed(), 0);
	assert_int_equal(test_status(&srv, "GET", cpath, pupil_token, NULL), 409);
}

static void a_rescore_refuses_what_does_not_line_up(void **state)
{
	(void)state;
	struct http_res res;
	rescore("nope", 404, &res);
	http_res_free(&res);
	assert_int_equal(test_status(&srv, "POST",
				     "/api/v1/admin/banks/nope/questions/rk-1/rescore", admin_token,
				     NULL),
			 404);
	/* A fourth option: the drawn version's options no longer line up. */
	json_t *q = question("rk-2", "phishing_fraud", 1);
	json_array_append_new(json_object_get(q, "options"),
			      json_pack("{s:s,s:b}", "text", "Xoá tin nhắn", "correct", 0));
	put_question("/api/v1/admin/banks/rk/questions/rk-2", q, 200, &res);
	http_res_free(&res);
	rescore("rk-2", 409, &res);
	assert_non_null(strstr(res.body, "options"));
	http_res_free(&res);
	assert_int_equal(report_passed(), 0);
}

/* ---- quizzes and results ---------------------------------------------- */

/* Two more people take kt-rk: one in S1 whose name a spreadsheet would run,
 * one in S2, outside d1admin's district. */
static void more_people_take_the_quiz(void)
{
	assert_int_equal(run_quizadm(&srv, NULL, "user", "add", "--username", "evil", "--password",
				     "Pupil-Password-1", "--role", "participant", "--unit", "S1",
				     "--audience", "pupil", "--full-name", "=HYPERLINK(\"x\")",
				     NULL),
			 0);
	assert_int_equal(run_quizadm(&srv, NULL, "user", "add", "--username", "pupil2",
				     "--password", "Pupil-Password-1", "--role", "participant",
				     "--unit", "S2", "--audience", "pupil", "--full-name", "-2+3",
				     NULL),
			 0);
	char *evil = test_login(&srv, "evil", "Pupil-Password-1", NULL);
	char *pupil2 = test_login(&srv, "pupil2", "Pupil-Password-1", NULL);
	assert_non_null(evil);
	assert_non_null(pupil2);
	take_rk_quiz(evil);
	take_rk_quiz(pupil2);
	free(evil);
	free(pupil2);
}

static json_t *quiz_row(json_t *list, const char *code)
{
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(list, "quizzes"), i, q)
	{
		if (!strcmp(json_string_value(json_object_get(q, "code")), code))
			return q;
	}
	return NULL;
}

static void admins_list_quizzes_with_their_figures(void **state)
{
	(void)state;
	more_people_take_the_quiz();
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/admin/quizzes", admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_integer_value(json_object_get(res.json, "total")), 1);
	json_t *q = quiz_row(res.json, "kt-rk");
	assert_non_null(q);
	assert_int_equal(json_integer_value(json_object_get(q, "id")), rk_quiz);
	assert_string_equal(json_string_value(json_object_get(q, "title")), "Kiểm tra sửa đáp án");
	assert_string_equal(json_string_value(json_object_get(q, "kind")), "quiz");
	assert_string_equal(json_string_value(json_object_get(q, "mode")), "exam");
	assert_string_equal(json_string_value(json_object_get(q, "state")), "open");
	assert_string_equal(json_string_value(json_object_get(q, "opens_at")),
			    "2025-01-01T00:00:00Z");
	assert_int_equal(json_integer_value(json_object_get(q, "question_count")), 2);
	assert_int_equal(json_integer_value(json_object_get(q, "participants")), 3);
	assert_int_equal(json_integer_value(json_object_get(q, "attempts")), 3);
	http_res_free(&res);
	const char *none[] = { "/api/v1/admin/quizzes?kind=contest",
			       "/api/v1/admin/quizzes?state=closed",
			       "/api/v1/admin/quizzes?offset=1" };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(http_get(&srv, none[i], admin_token, &res), 0);
		assert_int_equal(res.status, 200);
		assert_null(quiz_row(res.json, "kt-rk"));
		http_res_free(&res);
	}
	assert_int_equal(http_get(&srv, "/api/v1/admin/quizzes?kind=quiz&state=open&limit=1",
				  admin_token, &res),
			 0);
	assert_non_null(quiz_row(res.json, "kt-rk"));
	http_res_free(&res);
	const char *bad[] = { "/api/v1/admin/quizzes?kind=exam", "/api/v1/admin/quizzes?state=x",
			      "/api/v1/admin/quizzes?limit=0", "/api/v1/admin/quizzes?limit=501",
			      "/api/v1/admin/quizzes?offset=-1" };
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(test_status(&srv, "GET", bad[i], admin_token, NULL), 400);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/quizzes", NULL, NULL), 401);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/quizzes", pupil_token, NULL), 403);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/quizzes", d1_token, NULL), 403);
}

static void admins_read_a_quiz_definition(void **state)
{
	(void)state;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/admin/quizzes/%lld", (long long)rk_quiz);
	struct http_res res;
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *q = json_object_get(res.json, "quiz");
	assert_int_equal(json_integer_value(json_object_get(q, "id")), rk_quiz);
	assert_string_equal(json_string_value(json_object_get(q, "code")), "kt-rk");
	assert_int_equal(json_integer_value(json_object_get(q, "question_count")), 2);
	assert_true(json_is_true(json_object_get(q, "mandatory")));
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(q, "draw"), 0), "bank")),
			    "rk");
	http_res_free(&res);
	assert_int_equal(test_status(&srv, "GET", path, NULL, NULL), 401);
	assert_int_equal(test_status(&srv, "GET", path, pupil_token, NULL), 403);
	assert_int_equal(test_status(&srv, "GET", path, d1_token, NULL), 403);
	assert_int_equal(
		test_status(&srv, "GET", "/api/v1/admin/quizzes/999999", admin_token, NULL), 404);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/quizzes/abc", admin_token, NULL),
			 404);
}

static json_t *result_of(json_t *body, const char *username)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(body, "results"), i, r)
	{
		if (!strcmp(json_string_value(json_object_get(r, "username")), username))
			return r;
	}
	return NULL;
}

static void results_are_one_row_per_person_in_the_callers_subtree(void **state)
{
	(void)state;
	char path[128];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/admin/quizzes/%lld/results", (long long)rk_quiz);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_integer_value(json_object_get(res.json, "total")), 3);
	json_t *r = result_of(res.json, "pupil2");
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "full_name")), "-2+3");
	assert_string_equal(json_string_value(json_object_get(r, "unit_code")), "S2");
	assert_string_equal(json_string_value(json_object_get(r, "audience")), "pupil");
	assert_int_equal(json_integer_value(json_object_get(r, "attempts")), 1);
	assert_true(json_number_value(json_object_get(r, "best_score")) == 1.0);
	assert_true(json_number_value(json_object_get(r, "best_percent")) == 50.0);
	assert_true(json_is_false(json_object_get(r, "passed")));
	assert_true(json_integer_value(json_object_get(r, "user_id")) > 0);
	assert_true(json_is_string(json_object_get(r, "last_submitted_at")));
	http_res_free(&res);
	/* d1admin sees its district only; S2 is outside it. */
	assert_int_equal(http_get(&srv, path, d1_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_integer_value(json_object_get(res.json, "total")), 2);
	assert_non_null(result_of(res.json, "pupil1"));
	assert_non_null(result_of(res.json, "evil"));
	assert_null(result_of(res.json, "pupil2"));
	http_res_free(&res);
	char upath[160];
	snprintf(upath, sizeof upath, "%s?unit=S2", path);
	assert_int_equal(test_status(&srv, "GET", upath, d1_token, NULL), 403);
	assert_int_equal(http_get(&srv, upath, admin_token, &res), 0);
	assert_int_equal(json_integer_value(json_object_get(res.json, "total")), 1);
	http_res_free(&res);
	snprintf(upath, sizeof upath, "%s?unit=S1", path);
	assert_int_equal(http_get(&srv, upath, d1_token, &res), 0);
	assert_int_equal(json_integer_value(json_object_get(res.json, "total")), 2);
	http_res_free(&res);
	snprintf(upath, sizeof upath, "%s?unit=NOPE", path);
	assert_int_equal(test_status(&srv, "GET", upath, admin_token, NULL), 404);
	snprintf(upath, sizeof upath, "%s?format=pdf", path);
	assert_int_equal(test_status(&srv, "GET", upath, admin_token, NULL), 400);
	assert_int_equal(test_status(&srv, "GET", path, NULL, NULL), 401);
	assert_int_equal(test_status(&srv, "GET", path, pupil_token, NULL), 403);
	assert_int_equal(
		test_status(&srv, "GET", "/api/v1/admin/quizzes/999999/results", admin_token, NULL),
		404);
}

static void results_files_have_inert_cells(void **state)
{
	(void)state;
	char path[160];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/admin/quizzes/%lld/results?format=csv&lang=en",
		 (long long)rk_quiz);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_memory_equal(res.body, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(res.body, "user_id,username,full_name,unit_code,audience,attempts,"
					 "best_score,best_percent,passed,last_submitted_at"));
	assert_non_null(strstr(res.body, ",\"'=HYPERLINK("));
	assert_non_null(strstr(res.body, ",\"'-2+3\","));
	assert_null(strstr(res.body, ",=HYPERLINK"));
	assert_null(strstr(res.body, "\"=HYPERLINK"));
	assert_null(strstr(res.body, ",-2+3"));
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/admin/quizzes/%lld/results?format=xlsx&unit=S2",
		 (long long)rk_quiz);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_true(res.len > 4);
	assert_memory_equal(res.body, "PK", 2);
	http_res_free(&res);
}

static void the_rule_check_counts_what_each_rule_can_draw(void **state)
{
	(void)state;
	/* tb holds 2 current phishing_fraud and 3 passwords questions by now. */
	const char *def = "{\"title\":\"nháp\",\"draw\":[{\"bank\":\"tb\",\"topic\":"
			  "\"phishing_fraud\",\"count\":2},{\"bank\":\"tb\",\"count\":50}]}";
	struct http_res res;
	assert_int_equal(
		http_send(&srv, "POST", "/api/v1/admin/quizzes/check", admin_token, def, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *rules = json_object_get(res.json, "rules");
	assert_int_equal(json_array_size(rules), 2);
	json_t *a = json_array_get(rules, 0), *b = json_array_get(rules, 1);
	assert_string_equal(json_string_value(json_object_get(a, "topic")), "phishing_fraud");
	assert_int_equal(json_integer_value(json_object_get(a, "matching")), 2);
	assert_int_equal(json_integer_value(json_object_get(a, "available")), 2);
	assert_true(json_is_true(json_object_get(a, "possible")));
	assert_true(json_is_null(json_object_get(b, "topic")));
	assert_int_equal(json_integer_value(json_object_get(b, "matching")), 5);
	/* the narrow rule fills first and takes its 2 */
	assert_int_equal(json_integer_value(json_object_get(b, "available")), 3);
	assert_true(json_is_false(json_object_get(b, "possible")));
	assert_int_equal(json_integer_value(json_object_get(res.json, "question_count")), 52);
	assert_true(json_is_false(json_object_get(res.json, "possible")));
	http_res_free(&res);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/quizzes/check", admin_token,
				   "{\"draw\":[{\"bank\":\"nope\",\"count\":1}]}", &res),
			 0);
	assert_int_equal(res.status, 400);
	assert_non_null(strstr(res.body, "nope"));
	http_res_free(&res);
	assert_int_equal(
		test_status(&srv, "POST", "/api/v1/admin/quizzes/check", admin_token, "{}"), 400);
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/quizzes/check", admin_token,
				     "{\"draw\":[{\"bank\":\"tb\",\"count\":0}]}"),
			 400);
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/quizzes/check", NULL, def), 401);
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/quizzes/check", pupil_token, def),
			 403);
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/quizzes/check", d1_token, def),
			 403);
}

static void a_preview_shows_one_draw_and_stores_nothing(void **state)
{
	(void)state;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/admin/quizzes/%lld/preview", (long long)rk_quiz);
	struct http_res res;
	assert_int_equal(http_send(&srv, "POST", path, admin_token, NULL, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *qs = json_object_get(res.json, "questions");
	assert_int_equal(json_array_size(qs), 2);
	assert_int_equal(json_integer_value(json_object_get(res.json, "question_count")), 2);
	size_t i;
	json_t *q;
	json_array_foreach(qs, i, q)
	{
		const char *code = json_string_value(json_object_get(q, "code"));
		assert_true(!strcmp(code, "rk-1") || !strcmp(code, "rk-2"));
		assert_true(json_array_size(json_object_get(q, "options")) >= 3);
		json_t *o = json_array_get(json_object_get(q, "options"), 0);
		assert_true(json_integer_value(json_object_get(o, "id")) > 0);
		assert_true(json_is_string(json_object_get(o, "text")));
		assert_null(json_object_get(o, "correct"));
		assert_null(json_object_get(q, "explanation"));
	}
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/admin/quizzes", admin_token, &res), 0);
	assert_int_equal(
		json_integer_value(json_object_get(quiz_row(res.json, "kt-rk"), "attempts")), 3);
	http_res_free(&res);
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/quizzes/999999/preview",
				     admin_token, NULL),
			 404);
	assert_int_equal(test_status(&srv, "POST", path, NULL, NULL), 401);
	assert_int_equal(test_status(&srv, "POST", path, pupil_token, NULL), 403);
	assert_int_equal(test_status(&srv, "POST", path, d1_token, NULL), 403);
}

static json_t *audit_entry(json_t *page, const char *action, const char *target);

/* kt-rk's stored definition with the members of over (a JSON object text)
 * put over it, sent back with PUT: the answer in res. */
static void put_quiz(int64_t id, const char *over, long want, struct http_res *res)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/admin/quizzes/%lld", (long long)id);
	struct http_res cur;
	assert_int_equal(http_get(&srv, path, admin_token, &cur), 0);
	assert_int_equal(cur.status, 200);
	json_t *def = json_deep_copy(json_object_get(cur.json, "quiz"));
	http_res_free(&cur);
	json_error_t e;
	json_t *x = json_loads(over, 0, &e);
	assert_non_null(x);
	json_object_update(def, x);
	json_decref(x);
	char *body = json_dumps(def, 0);
	json_decref(def);
	assert_int_equal(http_send(&srv, "PUT", path, admin_token, body, res), 0);
	free(body);
	if (res->status != want)
		fprintf(stderr, "PUT %s: %ld %s\n", path, res->status, res->body);
	assert_int_equal(res->status, want);
}

static const char *pupil_quiz_title(int64_t id)
{
	static char title[128];
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/quizzes", pupil_token, &res), 0);
	size_t i;
	json_t *q;
	title[0] = '\0';
	json_array_foreach(json_object_get(res.json, "quizzes"), i, q)
	{
		if (json_integer_value(json_object_get(q, "id")) == id)
			snprintf(title, sizeof title, "%s",
				 json_string_value(json_object_get(q, "title")));
	}
	http_res_free(&res);
	return title;
}

static void a_quiz_without_attempts_may_change_anything(void **state)
{
	(void)state;
	const char *def =
		"{\"code\":\"kt-ed\",\"title\":\"Bài cũ\",\"kind\":\"quiz\","
		"\"audiences\":[\"pupil\"],\"unit_scope\":\"P\","
		"\"draw\":[{\"bank\":\"tb\",\"count\":2}],"
		"\"time_limit_s\":600,\"max_attempts\":1,\"pass_percent\":50,"
		"\"opens_at\":\"2025-01-01T00:00:00Z\",\"closes_at\":\"2035-01-01T00:00:00Z\","
		"\"shuffle_questions\":true,\"shuffle_options\":true,\"review\":\"after_submit\"}";
	struct http_res res;
	assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/quizzes", admin_token, def, &res),
			 0);
	assert_int_equal(res.status, 201);
	int64_t id = json_integer_value(json_object_get(json_object_get(res.json, "quiz"), "id"));
	http_res_free(&res);
	/* The participant's list reads the cached definition: it must follow. */
	assert_string_equal(pupil_quiz_title(id), "Bài cũ");
	put_quiz(id,
		 "{\"title\":\"Bài mới\",\"pass_percent\":80,\"time_limit_s\":900,"
		 "\"draw\":[{\"bank\":\"tb\",\"topic\":\"passwords\",\"count\":3}]}",
		 200, &res);
	json_t *q = json_object_get(res.json, "quiz");
	assert_int_equal(json_integer_value(json_object_get(q, "id")), id);
	assert_string_equal(json_string_value(json_object_get(q, "title")), "Bài mới");
	assert_int_equal(json_integer_value(json_object_get(q, "question_count")), 3);
	assert_int_equal(json_integer_value(json_object_get(q, "time_limit_s")), 900);
	http_res_free(&res);
	assert_string_equal(pupil_quiz_title(id), "Bài mới");
	/* A new attempt draws under the new rules. */
	char path[96];
	snprintf(path, sizeof path, "/api/v1/quizzes/%lld/attempts", (long long)id);
	assert_int_equal(http_send(&srv, "POST", path, pupil_token, NULL, &res), 0);
	assert_int_equal(res.status, 201);
	assert_int_equal(
		json_array_size(json_object_get(json_object_get(res.json, "attempt"), "questions")),
		3);
	http_res_free(&res);
	/* bad input */
	put_quiz(id, "{\"title\":\"x\",\"pass_percent\":150}", 400, &res);
	http_res_free(&res);
	put_quiz(id, "{\"id\":1234567}", 400, &res);
	http_res_free(&res);
	put_quiz(id, "{\"code\":\"kt-rk\"}", 409, &res);
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/admin/quizzes/%lld", (long long)id);
	assert_int_equal(test_status(&srv, "PUT", path, admin_token, "[]"), 400);
	assert_int_equal(test_status(&srv, "PUT", "/api/v1/admin/quizzes/999999", admin_token, def),
			 404);
	assert_int_equal(test_status(&srv, "PUT", path, NULL, def), 401);
	assert_int_equal(test_status(&srv, "PUT", path, pupil_token, def), 403);
	assert_int_equal(test_status(&srv, "PUT", path, d1_token, def), 403);
}

static void a_started_quiz_changes_only_what_api_md_allows(void **state)
{
	(void)state;
	struct http_res res;
	put_quiz(rk_quiz,
		 "{\"title\":\"Kiểm tra (đã sửa)\",\"closes_at\":\"2036-01-01T00:00:00Z\","
		 "\"review\":\"after_close\"}",
		 200, &res);
	json_t *q = json_object_get(res.json, "quiz");
	assert_string_equal(json_string_value(json_object_get(q, "title")), "Kiểm tra (đã sửa)");
	assert_string_equal(json_string_value(json_object_get(q, "closes_at")),
			    "2036-01-01T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(q, "review")), "after_close");
	/* the implicit round, sent back as GET showed it, follows the window */
	json_t *main_round = json_array_get(json_object_get(q, "rounds"), 0);
	assert_string_equal(json_string_value(json_object_get(main_round, "closes_at")),
			    "2036-01-01T00:00:00Z");
	http_res_free(&res);
	assert_string_equal(pupil_quiz_title(rk_quiz), "Kiểm tra (đã sửa)");
	const char *refused[] = {
		"{\"pass_percent\":50}",
		"{\"closes_at\":\"2030-01-01T00:00:00Z\"}",
		"{\"draw\":[{\"bank\":\"rk\",\"count\":1}]}",
		"{\"time_limit_s\":60}",
		"{\"audiences\":[\"pupil\",\"civil_servant\"]}",
		"{\"opens_at\":\"2025-06-01T00:00:00Z\"}",
	};
	const char *field[] = { "pass_percent", "closes_at", "draw",
				"time_limit_s", "audiences", "opens_at" };
	for (size_t i = 0; i < 6; i++) {
		put_quiz(rk_quiz, refused[i], 409, &res);
		assert_string_equal(http_error_code(&res), "quiz_started");
		assert_non_null(strstr(res.body, field[i]));
		http_res_free(&res);
	}
	/* nothing of the refused edits was kept */
	char path[96];
	snprintf(path, sizeof path, "/api/v1/admin/quizzes/%lld", (long long)rk_quiz);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	q = json_object_get(res.json, "quiz");
	assert_true(json_number_value(json_object_get(q, "pass_percent")) == 100.0);
	assert_int_equal(json_integer_value(json_object_get(q, "time_limit_s")), 600);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/admin/audit?limit=500", admin_token, &res), 0);
	char target[48];
	snprintf(target, sizeof target, "quiz:%lld", (long long)rk_quiz);
	json_t *e = audit_entry(res.json, "quiz.update", target);
	assert_non_null(e);
	json_t *detail = json_object_get(e, "detail");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(detail, "after"), "review")),
		"after_close");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(detail, "before"), "review")),
		"after_submit");
	http_res_free(&res);
}

/* The newest audit entry with this action and target, or NULL. */
static json_t *audit_entry(json_t *page, const char *action, const char *target)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(page, "entries"), i, e)
	{
		if (!strcmp(json_string_value(json_object_get(e, "action")), action) &&
		    !strcmp(json_string_value(json_object_get(e, "target")), target))
			return e;
	}
	return NULL;
}

static void every_bank_write_is_in_the_audit_log(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/admin/audit?limit=500", admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *e = audit_entry(res.json, "question.update", "question:tb/tb-2");
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "username")), "root");
	json_t *detail = json_object_get(e, "detail");
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(detail, "before"), "version")),
		1);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(detail, "after"), "version")),
		2);
	/* a new code has no before */
	e = audit_entry(res.json, "question.update", "question:tb/tb-5");
	assert_non_null(e);
	assert_true(json_is_null(json_object_get(json_object_get(e, "detail"), "before")));
	e = audit_entry(res.json, "question.retire", "question:tb/tb-3");
	assert_non_null(e);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(json_object_get(e, "detail"), "before"), "version")),
		1);
	/* the newest rescore of rk-1 (back to the first key) changed one attempt */
	e = audit_entry(res.json, "question.rescore", "question:rk/rk-1");
	assert_non_null(e);
	detail = json_object_get(e, "detail");
	assert_int_equal(json_integer_value(json_object_get(detail, "attempts")), 1);
	assert_int_equal(json_integer_value(json_object_get(detail, "changed")), 1);
	assert_int_equal(json_integer_value(json_object_get(detail, "passed_changed")), 1);
	assert_int_equal(json_array_size(json_object_get(detail, "changed_attempts")), 1);
	assert_int_equal(json_integer_value(json_object_get(detail, "key_version")), 3);
	/* a refused rescore left nothing */
	assert_null(audit_entry(res.json, "question.rescore", "question:rk/rk-2"));
	http_res_free(&res);
}

static double leaderboard_score(int64_t contest)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/contests/%lld/leaderboard", (long long)contest);
	struct http_res res;
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *entries = json_object_get(res.json, "entries");
	assert_int_equal(json_array_size(entries), 1);
	double score = json_number_value(json_object_get(json_array_get(entries, 0), "score"));
	http_res_free(&res);
	return score;
}

static void a_rescore_moves_the_leaderboard(void **state)
{
	(void)state;
	const char *def =
		"{\"code\":\"ct-rk\",\"title\":\"Cuộc thi sửa đáp án\",\"kind\":\"contest\","
		"\"audiences\":[\"pupil\"],\"unit_scope\":\"P\","
		"\"draw\":[{\"bank\":\"rk\",\"count\":2,\"topic\":\"phishing_fraud\"}],"
		"\"time_limit_s\":600,\"max_attempts\":1,\"pass_percent\":100,"
		"\"opens_at\":\"2025-01-01T00:00:00Z\",\"closes_at\":\"2035-01-01T00:00:00Z\","
		"\"shuffle_questions\":false,\"shuffle_options\":false,\"review\":\"after_close\"}";
	struct http_res res;
	assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/quizzes", admin_token, def, &res),
			 0);
	assert_int_equal(res.status, 201);
	int64_t contest =
		json_integer_value(json_object_get(json_object_get(res.json, "quiz"), "id"));
	http_res_free(&res);
	take_quiz(contest, pupil_token);
	/* read once, so the process keeps the board */
	assert_true(leaderboard_score(contest) == 1.0);
	put_question("/api/v1/admin/banks/rk/questions/rk-1", question("rk-1", "phishing_fraud", 2),
		     200, &res);
	http_res_free(&res);
	rescore("rk-1", 200, &res);
	assert_true(json_integer_value(json_object_get(res.json, "changed")) >= 1);
	http_res_free(&res);
	assert_true(leaderboard_score(contest) == 2.0);
}

/* quizadm question rescore: the same rescore from the command line (here
 * back to rk-1's first key, after a_rescore_moves_the_leaderboard fixed
 * it), its counts as the API answers them, audited as quizadm. */
static void quizadm_rescores_a_question_as_the_api_does(void **state)
{
	(void)state;
	struct http_res res;
	char *out = NULL;
	json_error_t jerr;
	put_question("/api/v1/admin/banks/rk/questions/rk-1", question("rk-1", "phishing_fraud", 1),
		     200, &res);
	http_res_free(&res);
	assert_int_equal(run_quizadm(&srv, &out, "question", "rescore", "rk", "rk-1", NULL), 0);
	json_t *counts = json_loads(out, 0, &jerr);
	free(out);
	assert_non_null(counts);
	json_int_t attempts = json_integer_value(json_object_get(counts, "attempts"));
	json_int_t changed = json_integer_value(json_object_get(counts, "changed"));
	/* Every attempt that drew rk-1 and chose its second option loses a point. */
	assert_true(attempts >= 2 && changed >= 2 && changed <= attempts);
	json_decref(counts);
	assert_int_equal(http_get(&srv, "/api/v1/admin/audit?limit=5", admin_token, &res), 0);
	json_t *e = audit_entry(res.json, "question.rescore", "question:rk/rk-1");
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "username")), "quizadm");
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(e, "detail"), "changed")),
		changed);
	http_res_free(&res);
	/* The API, asked again, finds the same attempts and nothing to change. */
	rescore("rk-1", 200, &res);
	assert_int_equal(json_integer_value(json_object_get(res.json, "attempts")), attempts);
	assert_int_equal(json_integer_value(json_object_get(res.json, "changed")), 0);
	http_res_free(&res);
	assert_int_not_equal(run_quizadm(&srv, NULL, "question", "rescore", "nope", "rk-1", NULL),
			     0);
	assert_int_not_equal(run_quizadm(&srv, NULL, "question", "rescore", "rk", NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_admins_reach_the_bank_routes),
		cmocka_unit_test(the_list_counts_questions_by_topic),
		cmocka_unit_test(a_bank_shows_each_question_with_its_version),
		cmocka_unit_test(an_edit_is_a_new_version_and_an_unchanged_one_is_not),
		cmocka_unit_test(a_bad_question_is_refused_naming_the_field),
		cmocka_unit_test(a_retired_question_is_kept_but_counted_no_more),
		cmocka_unit_test(a_bank_exports_in_each_format),
		cmocka_unit_test(a_fixed_key_rescores_results_and_reports),
		cmocka_unit_test(a_rescore_refuses_what_does_not_line_up),
		cmocka_unit_test(admins_list_quizzes_with_their_figures),
		cmocka_unit_test(admins_read_a_quiz_definition),
		cmocka_unit_test(results_are_one_row_per_person_in_the_callers_subtree),
		cmocka_unit_test(results_files_have_inert_cells),
		cmocka_unit_test(the_rule_check_counts_what_each_rule_can_draw),
		cmocka_unit_test(a_preview_shows_one_draw_and_stores_nothing),
		cmocka_unit_test(every_bank_write_is_in_the_audit_log),
		cmocka_unit_test(a_quiz_without_attempts_may_change_anything),
		cmocka_unit_test(a_started_quiz_changes_only_what_api_md_allows),
		cmocka_unit_test(a_rescore_moves_the_leaderboard),
		cmocka_unit_test(quizadm_rescores_a_question_as_the_api_does),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
