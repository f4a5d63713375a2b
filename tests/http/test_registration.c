/* test_registration.c - self-registration for contests against the real
 * quizd: windows opened and closed by administrators (every role, bad
 * input), the public list of open windows, registration refused outside a
 * window, one account per phone and contest, confirmation (one and in
 * bulk) moving the unit's figures, and leaderboards refused to those
 * outside a contest's audiences and units. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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
static char *admin_token, *d1_token, *d2_token, *pupil_token, *d2_pupil_token;
static int64_t contest_id, d2_contest_id;

static const char BANK_GIFT[] = "::rb-q1:: Câu 1? {=Đúng 1 ~Sai 1a ~Sai 1b}\n"
				"\n"
				"::rb-q2:: Câu 2? {=Đúng 2 ~Sai 2a ~Sai 2b}\n";

/* A contest for pupils inside unit scope, open now; returns its id. */
static int64_t create_contest(const char *code, const char *scope)
{
	char opens[40], closes[40], body[2048];
	int64_t now = clock_now_ms();
	clock_format(now - HOUR_MS, opens);
	clock_format(now + 48 * HOUR_MS, closes);
	snprintf(
		body, sizeof body,
		"{\"code\":\"%s\",\"title\":\"Hội thi %s\",\"kind\":\"contest\","
		"\"audiences\":[\"pupil\",\"public\"],\"unit_scope\":\"%s\","
		"\"draw\":[{\"bank\":\"rb\",\"count\":2}],\"time_limit_s\":600,"
		"\"max_attempts\":3,\"pass_percent\":60,\"opens_at\":\"%s\",\"closes_at\":\"%s\","
		"\"shuffle_questions\":false,\"shuffle_options\":false,\"review\":\"after_close\"}",
		code, code, scope, opens, closes);
	return test_create_quiz(&srv, admin_token, body);
}

static int setup(void **state)
{
	(void)state;
	if (server_up(&srv, NULL))
		return -1;
	test_add_units_csv(&srv, TEST_UNITS_CSV);
	test_add_user(&srv, "root", "Root-Password-1", "admin", NULL, NULL);
	test_add_user(&srv, "d1admin", "District-One-1", "unit_admin", "D1", NULL);
	test_add_user(&srv, "d2admin", "District-Two-2", "unit_admin", "D2", NULL);
	test_add_user(&srv, "pupil1", "Pupil-Password-1", "participant", "S1", "pupil");
	test_add_user(&srv, "pupil2", "Pupil-Password-2", "participant", "S2", "pupil");
	admin_token = test_login(&srv, "root", "Root-Password-1", NULL);
	d1_token = test_login(&srv, "d1admin", "District-One-1", NULL);
	d2_token = test_login(&srv, "d2admin", "District-Two-2", NULL);
	pupil_token = test_login(&srv, "pupil1", "Pupil-Password-1", NULL);
	d2_pupil_token = test_login(&srv, "pupil2", "Pupil-Password-2", NULL);
	test_upload_bank(&srv, admin_token,
			 "format=gift&code=rb&audiences=pupil,public&topic=phishing_fraud",
			 BANK_GIFT, "text/plain");
	contest_id = create_contest("hoithi1", "P");
	d2_contest_id = create_contest("hoithi2", "D2");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(admin_token);
	free(d1_token);
	free(d2_token);
	free(pupil_token);
	free(d2_pupil_token);
	return server_stop(&srv, true);
}

/* The status of method on contest id's window with body, as token. */
static long window_call(const char *method, int64_t id, const char *token, const char *body)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/admin/contests/%lld/registration", (long long)id);
	struct http_res res;
	assert_int_equal(http_send(&srv, method, path, token, body, &res), 0);
	long status = res.status;
	http_res_free(&res);
	return status;
}

static long registration(const char *username, const char *unit, const char *audience,
			 const char *phone, int64_t contest, const char **code)
{
	char body[1024];
	snprintf(body, sizeof body,
		 "{\"username\":\"%s\",\"password\":\"Hoa-Sen-Trang-9\",\"full_name\":\"Học "
		 "Sinh Mới\",\"birth_year\":2011,\"unit_code\":\"%s\",\"audience\":\"%s\","
		 "\"phone\":\"%s\",\"contest_id\":%lld}",
		 username, unit, audience, phone, (long long)contest);
	struct http_res res;
	assert_int_equal(http_send(&srv, "POST", "/api/v1/auth/register", NULL, body, &res), 0);
	long status = res.status;
	static char last_code[64];
	const char *c = http_error_code(&res);
	snprintf(last_code, sizeof last_code, "%s", c ? c : "");
	if (code)
		*code = last_code;
	http_res_free(&res);
	return status;
}

static void windows_are_opened_read_and_closed_by_administrators_in_scope(void **state)
{
	(void)state;
	const char *s1 = "{\"audiences\":[\"pupil\"],\"unit_code\":\"S1\"}";
	/* Anonymous and participants may not open one. */
	assert_int_equal(window_call("POST", contest_id, NULL, s1), 401);
	assert_int_equal(window_call("POST", contest_id, pupil_token, s1), 403);
	/* A unit administrator inside its subtree may, outside it not. */
	assert_int_equal(window_call("POST", contest_id, d1_token, s1), 200);
	assert_int_equal(window_call("POST", contest_id, d2_token, s1), 403);
	assert_int_equal(window_call("GET", contest_id, d2_token, NULL), 403);
	assert_int_equal(window_call("GET", contest_id, d1_token, NULL), 200);
	/* Bad input. */
	assert_int_equal(window_call("POST", contest_id, admin_token,
				     "{\"audiences\":[\"civil_servant\"],\"unit_code\":\"P\"}"),
			 400);
	assert_int_equal(window_call("POST", contest_id, admin_token,
				     "{\"audiences\":[],\"unit_code\":\"P\"}"),
			 400);
	assert_int_equal(window_call("POST", contest_id, admin_token,
				     "{\"audiences\":[\"pupil\"],\"unit_code\":\"ZZ\"}"),
			 400);
	assert_int_equal(window_call("POST", contest_id, admin_token,
				     "{\"audiences\":[\"pupil\"],\"unit_code\":\"P\","
				     "\"opens_at\":\"2030-01-02T00:00:00Z\","
				     "\"closes_at\":\"2030-01-01T00:00:00Z\"}"),
			 400);
	assert_int_equal(window_call("POST", contest_id, admin_token, "[1]"), 400);
	assert_int_equal(window_call("POST", 99999, admin_token, s1), 404);
	/* Outside the contest's own scope. */
	assert_int_equal(window_call("POST", d2_contest_id, admin_token, s1), 400);
	/* The public list shows it with the contest's title. */
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/registration", NULL, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *windows = json_object_get(res.json, "windows");
	assert_int_equal(json_array_size(windows), 1);
	json_t *w = json_array_get(windows, 0);
	assert_int_equal(json_integer_value(json_object_get(w, "contest_id")), contest_id);
	assert_string_equal(json_string_value(json_object_get(w, "contest_title")),
			    "Hội thi hoithi1");
	assert_string_equal(json_string_value(json_object_get(w, "unit_code")), "S1");
	assert_true(json_is_true(json_object_get(w, "open")));
	http_res_free(&res);
	/* The units to pick from: the window's subtree, for anyone. */
	char units_path[64];
	snprintf(units_path, sizeof units_path, "/api/v1/registration/%lld/units",
		 (long long)contest_id);
	assert_int_equal(http_get(&srv, units_path, NULL, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *units = json_object_get(res.json, "units");
	assert_int_equal(json_array_size(units), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(units, 0), "code")),
			    "S1");
	http_res_free(&res);
	/* Closing: not from outside, then by the admin; closed twice is 404. */
	assert_int_equal(window_call("DELETE", contest_id, d2_token, NULL), 403);
	assert_int_equal(window_call("DELETE", contest_id, pupil_token, NULL), 403);
	assert_int_equal(window_call("DELETE", contest_id, admin_token, NULL), 204);
	assert_int_equal(window_call("DELETE", contest_id, admin_token, NULL), 404);
	assert_int_equal(window_call("GET", contest_id, admin_token, NULL), 404);
	assert_int_equal(http_get(&srv, units_path, NULL, &res), 0);
	assert_int_equal(res.status, 404);
	http_res_free(&res);
	const char *code;
	assert_int_equal(registration("hs.dong", "S1", "pupil", "0911000001", contest_id, &code),
			 403);
	assert_string_equal(code, "forbidden");
	/* A window that opens tomorrow is not open yet. */
	char opens[40], body[256];
	clock_format(clock_now_ms() + 24 * HOUR_MS, opens);
	snprintf(body, sizeof body,
		 "{\"audiences\":[\"pupil\"],\"unit_code\":\"P\",\"opens_at\":\"%s\"}", opens);
	assert_int_equal(window_call("POST", contest_id, admin_token, body), 200);
	assert_int_equal(registration("hs.dong", "S1", "pupil", "0911000001", contest_id, NULL),
			 403);
	assert_int_equal(http_get(&srv, "/api/v1/registration", NULL, &res), 0);
	assert_int_equal(json_array_size(json_object_get(res.json, "windows")), 0);
	http_res_free(&res);
	assert_int_equal(window_call("DELETE", contest_id, admin_token, NULL), 204);
}

/* S1's pupils row this year: the registered count. */
static json_int_t s1_registered(void)
{
	char path[160];
	snprintf(path, sizeof path,
		 "/api/v1/reports/participation?year=%d&unit=S1&audience=pupil&depth=0",
		 clock_vn_year(clock_now_ms()));
	struct http_res res;
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *row = json_array_get(json_object_get(res.json, "rows"), 0);
	json_int_t n = json_integer_value(json_object_get(row, "registered"));
	http_res_free(&res);
	return n;
}

static int64_t user_id_of(const char *username, const char *password)
{
	char *token = test_login(&srv, username, password, NULL);
	assert_non_null(token);
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/me", token, &res), 0);
	int64_t id = json_integer_value(json_object_get(json_object_get(res.json, "user"), "id"));
	http_res_free(&res);
	free(token);
	return id;
}

static void registrations_follow_the_window_and_count_once_confirmed(void **state)
{
	(void)state;
	assert_int_equal(window_call("POST", contest_id, d1_token,
				     "{\"audiences\":[\"pupil\"],\"unit_code\":\"D1\"}"),
			 200);
	json_int_t before = s1_registered();
	const char *code;
	assert_int_equal(registration("hs.moi1", "S1", "pupil", "0912000001", contest_id, &code),
			 201);
	/* Each refusal with its own code. */
	assert_int_equal(registration("hs.moi2", "S1", "pupil", "0912000001", contest_id, &code),
			 409);
	assert_string_equal(code, "conflict");
	assert_int_equal(registration("hs.moi3", "S2", "pupil", "0912000003", contest_id, &code),
			 403);
	assert_int_equal(registration("hs.moi4", "S1", "public", "0912000004", contest_id, &code),
			 403);
	assert_int_equal(registration("hs.moi5", "S1", "pupil", "", contest_id, &code), 400);
	assert_int_equal(registration("hs.moi6", "S1", "pupil", "0912000006", d2_contest_id, &code),
			 403);
	assert_int_equal(registration("hs.moi1", "S1", "pupil", "0912000007", contest_id, &code),
			 409);
	assert_string_equal(code, "username_taken");
	/* Not yet in the unit's figures; listed as awaiting confirmation to
	 * the unit's administrators, not to others. */
	assert_int_equal(s1_registered(), before);
	struct http_res list;
	assert_int_equal(http_get(&srv, "/api/v1/admin/users/unconfirmed", d1_token, &list), 0);
	assert_int_equal(list.status, 200);
	assert_int_equal(json_array_size(json_object_get(list.json, "users")), 1);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(list.json, "users"), 0), "username")),
		"hs.moi1");
	http_res_free(&list);
	assert_int_equal(http_get(&srv, "/api/v1/admin/users/unconfirmed", d2_token, &list), 0);
	assert_int_equal(list.status, 200);
	assert_int_equal(json_array_size(json_object_get(list.json, "users")), 0);
	http_res_free(&list);
	assert_int_equal(http_get(&srv, "/api/v1/admin/users/unconfirmed", pupil_token, &list), 0);
	assert_int_equal(list.status, 403);
	http_res_free(&list);
	assert_int_equal(http_get(&srv, "/api/v1/admin/users/unconfirmed", NULL, &list), 0);
	assert_int_equal(list.status, 401);
	http_res_free(&list);
	int64_t id = user_id_of("hs.moi1", "Hoa-Sen-Trang-9");
	char path[96];
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld/confirm", (long long)id);
	struct http_res res;
	assert_int_equal(http_send(&srv, "POST", path, NULL, "{}", &res), 0);
	assert_int_equal(res.status, 401);
	http_res_free(&res);
	const char *refused[] = { pupil_token, d2_token };
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(http_send(&srv, "POST", path, refused[i], "{}", &res), 0);
		assert_int_equal(res.status, 403);
		http_res_free(&res);
	}
	assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/users/99999/confirm", admin_token,
				   "{}", &res),
			 0);
	assert_int_equal(res.status, 404);
	http_res_free(&res);
	assert_int_equal(http_send(&srv, "POST", path, d1_token, "{}", &res), 0);
	assert_int_equal(res.status, 200);
	assert_true(json_is_true(json_object_get(res.json, "changed")));
	http_res_free(&res);
	assert_int_equal(s1_registered(), before + 1);
	/* In bulk: a second person, by unit; refused outside the subtree and
	 * for a body naming neither or both. */
	assert_int_equal(registration("hs.moi8", "S1", "pupil", "0912000008", contest_id, NULL),
			 201);
	assert_int_equal(s1_registered(), before + 1);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/users/confirm", d2_token,
				   "{\"unit_code\":\"D1\"}", &res),
			 0);
	assert_int_equal(res.status, 403);
	http_res_free(&res);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/users/confirm", d1_token,
				   "{\"ids\":[1],\"unit_code\":\"D1\"}", &res),
			 0);
	assert_int_equal(res.status, 400);
	http_res_free(&res);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/users/confirm", pupil_token,
				   "{\"unit_code\":\"D1\"}", &res),
			 0);
	assert_int_equal(res.status, 403);
	http_res_free(&res);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/users/confirm", d1_token,
				   "{\"unit_code\":\"D1\"}", &res),
			 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_integer_value(json_object_get(res.json, "confirmed")), 1);
	http_res_free(&res);
	assert_int_equal(s1_registered(), before + 2);
	assert_int_equal(window_call("DELETE", contest_id, admin_token, NULL), 204);
	/* Each of those writes left its audit entry, with who made it. */
	assert_int_equal(http_get(&srv, "/api/v1/admin/audit?limit=500", admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	const char *want[][2] = { { "registration.open", "d1admin" },
				  { "user.confirm", "d1admin" },
				  { "users.confirm", "d1admin" },
				  { "registration.close", "root" } };
	for (size_t k = 0; k < 4; k++) {
		bool found = false;
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(res.json, "entries"), i, e)
		{
			found = found || (!strcmp(json_string_value(json_object_get(e, "action")),
						  want[k][0]) &&
					  !strcmp(json_string_value(json_object_get(e, "username")),
						  want[k][1]));
		}
		if (!found)
			fail_msg("no audit entry %s by %s", want[k][0], want[k][1]);
	}
	http_res_free(&res);
}

static long board_status(int64_t id, const char *token)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/contests/%lld/leaderboard", (long long)id);
	struct http_res res;
	assert_int_equal(http_get(&srv, path, token, &res), 0);
	long status = res.status;
	http_res_free(&res);
	return status;
}

static void leaderboards_are_refused_outside_a_contests_audiences_and_units(void **state)
{
	(void)state;
	/* The contest of district D2. */
	assert_int_equal(board_status(d2_contest_id, NULL), 401);
	assert_int_equal(board_status(d2_contest_id, pupil_token), 403);
	assert_int_equal(board_status(d2_contest_id, d1_token), 403);
	assert_int_equal(board_status(d2_contest_id, d2_pupil_token), 200);
	assert_int_equal(board_status(d2_contest_id, d2_token), 200);
	assert_int_equal(board_status(d2_contest_id, admin_token), 200);
	/* The province's contest: both pupils. */
	assert_int_equal(board_status(contest_id, pupil_token), 200);
	assert_int_equal(board_status(contest_id, d2_pupil_token), 200);
}

/* quizadm does what the API does, as an administrator. */
static void quizadm_opens_shows_closes_and_confirms(void **state)
{
	(void)state;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)contest_id);
	char *out = NULL;
	assert_int_equal(run_quizadm(&srv, &out, "registration", "open", "--contest", id,
				     "--audiences", "pupil,public", "--unit", "P", NULL),
			 0);
	assert_non_null(strstr(out, "\"unit_code\": \"P\""));
	free(out);
	out = NULL;
	assert_int_equal(run_quizadm(&srv, &out, "registration", "show", NULL), 0);
	assert_non_null(strstr(out, "Hội thi hoithi1"));
	free(out);
	out = NULL;
	assert_int_equal(registration("hs.cli1", "S2", "public", "0913000001", contest_id, NULL),
			 201);
	int64_t uid = user_id_of("hs.cli1", "Hoa-Sen-Trang-9");
	char user[24];
	snprintf(user, sizeof user, "%lld", (long long)uid);
	assert_int_equal(run_quizadm(&srv, &out, "registration", "confirm", "--user", user, NULL),
			 0);
	assert_non_null(strstr(out, "\"changed\": true"));
	free(out);
	out = NULL;
	/* Bad input is refused with a message and a failing exit code. */
	assert_int_not_equal(run_quizadm(&srv, NULL, "registration", "open", "--contest", id,
					 "--audiences", "civil_servant", "--unit", "P", NULL),
			     0);
	assert_int_not_equal(
		run_quizadm(&srv, NULL, "registration", "close", "--contest", "x", NULL), 0);
	assert_int_equal(run_quizadm(&srv, NULL, "registration", "close", "--contest", id, NULL),
			 0);
	assert_int_equal(window_call("GET", contest_id, admin_token, NULL), 404);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(windows_are_opened_read_and_closed_by_administrators_in_scope),
		cmocka_unit_test(registrations_follow_the_window_and_count_once_confirmed),
		cmocka_unit_test(leaderboards_are_refused_outside_a_contests_audiences_and_units),
		cmocka_unit_test(quizadm_opens_shows_closes_and_confirms),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
