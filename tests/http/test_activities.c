/* test_activities.c - activities beyond quizzes (api.md "Activities beyond
 * quizzes"): creating, listing and editing activities, check-in while open
 * and within the window, uploaded attendance lists with per-line errors,
 * the projected check-in page, for every role, against the real quizd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

static struct server srv;
static char *root_token, *d1_token, *pupil_token, *pupil2_token;

static int setup(void **state)
{
	(void)state;
	if (server_up(&srv, NULL))
		return -1;
	test_add_units_csv(&srv, TEST_UNITS_CSV);
	if (test_add_roles(&srv, &root_token, &d1_token, &pupil_token))
		return -1;
	test_add_user(&srv, "pupil2", "Pupil-Password-2", "participant", "S1", "pupil");
	test_add_user(&srv, "pupil3", "Pupil-Password-3", "participant", "S1", "pupil");
	test_add_user(&srv, "far1", "Far-Password-11", "participant", "S2", "pupil");
	pupil2_token = test_login(&srv, "pupil2", "Pupil-Password-2", NULL);
	return root_token && d1_token && pupil_token && pupil2_token ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(root_token);
	free(d1_token);
	free(pupil_token);
	free(pupil2_token);
	return server_stop(&srv, true);
}

/* An activity body: window from now+from_s to now+to_s. */
static void activity_body(char *buf, size_t size, const char *code, const char *unit, long from_s,
			  long to_s, const char *check_in)
{
	char from[32], to[32];
	test_stamp(from_s, from, sizeof from);
	test_stamp(to_s, to, sizeof to);
	snprintf(buf, size,
		 "{\"code\":\"%s\",\"title\":\"Tập huấn %s\",\"kind\":\"training\","
		 "\"unit_code\":\"%s\",\"audiences\":[\"pupil\"],\"topics\":[\"phishing\"],"
		 "\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"check_in\":\"%s\"}",
		 code, code, unit, from, to, check_in);
}

/* Creates an activity as token; returns its id (asserts 201). */
static long long create(const char *token, const char *code, const char *unit, long from_s,
			long to_s, const char *check_in)
{
	char body[1024];
	struct http_res res;
	activity_body(body, sizeof body, code, unit, from_s, to_s, check_in);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/activities", token, body, &res), 0);
	assert_int_equal(res.status, 201);
	json_t *a = json_object_get(res.json, "activity");
	long long id = json_integer_value(json_object_get(a, "id"));
	assert_true(id > 0);
	http_res_free(&res);
	return id;
}

/* The attendees count of activity id in the admin's list of this year. */
static long long attendees_of(long long id)
{
	struct http_res res;
	long long n = -1;
	size_t i;
	json_t *a;
	assert_int_equal(http_get(&srv, "/api/v1/admin/activities", root_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_array_foreach(json_object_get(res.json, "activities"), i, a)
	{
		if (json_integer_value(json_object_get(a, "id")) == id)
			n = json_integer_value(json_object_get(a, "attendees"));
	}
	http_res_free(&res);
	return n;
}

static void create_answers_the_activity_for_each_role(void **state)
{
	(void)state;
	char body[1024];
	struct http_res res;
	activity_body(body, sizeof body, "act-roles", "S1", -60, 3600, "open");
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/activities", NULL, body), 401);
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/activities", pupil_token, body),
			 403);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/activities", d1_token, body, &res),
			 0);
	assert_int_equal(res.status, 201);
	json_t *a = json_object_get(res.json, "activity");
	assert_string_equal(json_string_value(json_object_get(a, "code")), "act-roles");
	assert_string_equal(json_string_value(json_object_get(a, "kind")), "training");
	assert_string_equal(json_string_value(json_object_get(a, "unit_code")), "S1");
	assert_string_equal(json_string_value(json_object_get(a, "check_in")), "open");
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "audiences"), 0)),
			    "pupil");
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "topics"), 0)),
			    "phishing");
	assert_non_null(json_string_value(json_object_get(a, "starts_at")));
	assert_non_null(json_string_value(json_object_get(a, "ends_at")));
	http_res_free(&res);
	/* the same code again */
	assert_int_equal(
		http_send(&srv, "POST", "/api/v1/admin/activities", root_token, body, &res), 0);
	assert_int_equal(res.status, 409);
	http_res_free(&res);
	/* a unit_admin outside its subtree; an admin anywhere */
	activity_body(body, sizeof body, "act-far", "S2", -60, 3600, "open");
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/activities", d1_token, body),
			 403);
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/activities", root_token, body),
			 201);
	activity_body(body, sizeof body, "act-nounit", "NOPE", -60, 3600, "open");
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/activities", root_token, body),
			 404);
	/* the audit log names the unit_admin's creation */
	assert_int_equal(http_get(&srv, "/api/v1/admin/audit?limit=5", root_token, &res), 0);
	size_t i;
	json_t *e;
	int found = 0;
	json_array_foreach(json_object_get(res.json, "entries"), i, e)
	{
		if (!strcmp(json_string_value(json_object_get(e, "action")), "activity.create") &&
		    !strcmp(json_string_value(json_object_get(e, "username")), "d1admin"))
			found = 1;
	}
	assert_true(found);
	http_res_free(&res);
}

static void create_refuses_bad_input_naming_the_field(void **state)
{
	(void)state;
	static const struct {
		const char *body, *field;
	} bad[] = {
		{ "[]", "object" },
		{ "{\"code\":\"x1\",\"title\":\"T\",\"kind\":\"party\",\"unit_code\":\"S1\","
		  "\"starts_at\":\"2026-05-04T08:00:00+07:00\",\"ends_at\":\"2026-05-04T11:00:00+"
		  "07:00\"}",
		  "kind" },
		{ "{\"code\":\"x2\",\"title\":\"T\",\"kind\":\"event\",\"unit_code\":\"S1\","
		  "\"starts_at\":\"2026-05-04T08:00:00+07:00\",\"ends_at\":\"2026-05-04T07:00:00+"
		  "07:00\"}",
		  "ends_at" },
		{ "{\"code\":\"x3\",\"title\":\"T\",\"kind\":\"event\",\"unit_code\":\"S1\","
		  "\"audiences\":[\"martian\"],\"starts_at\":\"2026-05-04T08:00:00+07:00\","
		  "\"ends_at\":\"2026-05-04T11:00:00+07:00\"}",
		  "audiences" },
		{ "{\"code\":\"x4\",\"title\":\"T\",\"kind\":\"event\",\"unit_code\":\"S1\","
		  "\"starts_at\":\"yesterday\",\"ends_at\":\"2026-05-04T11:00:00+07:00\"}",
		  "starts_at" },
		{ "{\"title\":\"T\",\"kind\":\"event\",\"unit_code\":\"S1\","
		  "\"starts_at\":\"2026-05-04T08:00:00+07:00\",\"ends_at\":\"2026-05-04T11:00:00+"
		  "07:00\"}",
		  "code" },
		{ "{\"code\":\"x 5\",\"title\":\"T\",\"kind\":\"event\",\"unit_code\":\"S1\","
		  "\"starts_at\":\"2026-05-04T08:00:00+07:00\",\"ends_at\":\"2026-05-04T11:00:00+"
		  "07:00\"}",
		  "code" },
		{ "{\"code\":\"x6\",\"title\":\"T\",\"kind\":\"event\",\"unit_code\":\"S1\","
		  "\"check_in\":\"maybe\",\"starts_at\":\"2026-05-04T08:00:00+07:00\","
		  "\"ends_at\":\"2026-05-04T11:00:00+07:00\"}",
		  "check_in" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct http_res res;
		assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/activities", root_token,
					   bad[i].body, &res),
				 0);
		assert_int_equal(res.status, 400);
		assert_string_equal(http_error_code(&res), "bad_request");
		const char *msg = json_string_value(
			json_object_get(json_object_get(res.json, "error"), "message"));
		assert_non_null(msg);
		assert_non_null(strstr(msg, bad[i].field));
		http_res_free(&res);
	}
}

static void list_shows_each_role_its_subtree_and_year(void **state)
{
	(void)state;
	struct http_res res;
	create(root_token, "act-list-s1", "S1", -60, 3600, "closed");
	create(root_token, "act-list-s2", "S2", -60, 3600, "closed");
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/activities", NULL, NULL), 401);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/activities", pupil_token, NULL),
			 403);
	assert_int_equal(http_get(&srv, "/api/v1/admin/activities", d1_token, &res), 0);
	assert_int_equal(res.status, 200);
	size_t i, n = json_array_size(json_object_get(res.json, "activities"));
	json_t *a;
	assert_int_equal(json_integer_value(json_object_get(res.json, "total")), (long long)n);
	json_array_foreach(json_object_get(res.json, "activities"), i, a)
	{
		assert_string_equal(json_string_value(json_object_get(a, "unit_code")), "S1");
		assert_true(json_is_integer(json_object_get(a, "attendees")));
	}
	assert_true(n >= 1);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/admin/activities?unit=D2", root_token, &res), 0);
	int s2 = 0;
	json_array_foreach(json_object_get(res.json, "activities"), i, a)
	{
		assert_string_equal(json_string_value(json_object_get(a, "unit_code")), "S2");
		s2 += !strcmp(json_string_value(json_object_get(a, "code")), "act-list-s2");
	}
	assert_int_equal(s2, 1);
	http_res_free(&res);
	assert_int_equal(
		test_status(&srv, "GET", "/api/v1/admin/activities?unit=D2", d1_token, NULL), 403);
	assert_int_equal(
		test_status(&srv, "GET", "/api/v1/admin/activities?unit=NOPE", root_token, NULL),
		404);
	assert_int_equal(
		test_status(&srv, "GET", "/api/v1/admin/activities?year=20x6", root_token, NULL),
		400);
	assert_int_equal(http_get(&srv, "/api/v1/admin/activities?year=2001", root_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_integer_value(json_object_get(res.json, "total")), 0);
	http_res_free(&res);
}

static void check_in_counts_once_while_open_and_refuses_when_closed(void **state)
{
	(void)state;
	char path[128];
	struct http_res res;
	long long open_id = create(d1_token, "act-open", "S1", -60, 3600, "open");
	long long shut_id = create(d1_token, "act-shut", "S1", -60, 3600, "closed");
	long long past_id = create(d1_token, "act-past", "S1", -7200, -3600, "open");
	long long later_id = create(d1_token, "act-later", "S1", 3600, 7200, "open");
	snprintf(path, sizeof path, "/api/v1/activities/%lld/check-in", open_id);
	assert_int_equal(test_status(&srv, "POST", path, NULL, NULL), 401);
	assert_int_equal(http_send(&srv, "POST", path, pupil_token, NULL, &res), 0);
	assert_int_equal(res.status, 200);
	assert_true(json_is_true(json_object_get(res.json, "checked_in")));
	http_res_free(&res);
	/* twice: counted once */
	assert_int_equal(test_status(&srv, "POST", path, pupil_token, NULL), 200);
	assert_int_equal(attendees_of(open_id), 1);
	assert_int_equal(test_status(&srv, "POST", path, pupil2_token, NULL), 200);
	assert_int_equal(attendees_of(open_id), 2);
	long long ids[] = { shut_id, past_id, later_id };
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "/api/v1/activities/%lld/check-in", ids[i]);
		assert_int_equal(http_send(&srv, "POST", path, pupil_token, NULL, &res), 0);
		assert_int_equal(res.status, 409);
		assert_string_equal(http_error_code(&res), "check_in_closed");
		http_res_free(&res);
		assert_int_equal(attendees_of(ids[i]), 0);
	}
	/* closing an open activity */
	snprintf(path, sizeof path, "/api/v1/admin/activities/%lld", open_id);
	assert_int_equal(
		http_send(&srv, "PATCH", path, d1_token, "{\"check_in\":\"closed\"}", &res), 0);
	assert_int_equal(res.status, 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(res.json, "activity"),
							      "check_in")),
			    "closed");
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/activities/%lld/check-in", open_id);
	assert_int_equal(test_status(&srv, "POST", path, pupil_token, NULL), 409);
	assert_int_equal(attendees_of(open_id), 2);
	assert_int_equal(
		test_status(&srv, "POST", "/api/v1/activities/999999/check-in", pupil_token, NULL),
		404);
	assert_int_equal(
		test_status(&srv, "POST", "/api/v1/activities/x/check-in", pupil_token, NULL), 404);
}

static void patch_edits_inside_the_subtree_and_refuses_bad_fields(void **state)
{
	(void)state;
	char path[128];
	struct http_res res;
	long long near_id = create(root_token, "act-edit", "S1", -60, 3600, "closed");
	long long far_id = create(root_token, "act-edit-far", "S2", -60, 3600, "closed");
	snprintf(path, sizeof path, "/api/v1/admin/activities/%lld", near_id);
	assert_int_equal(test_status(&srv, "PATCH", path, NULL, "{\"title\":\"X\"}"), 401);
	assert_int_equal(test_status(&srv, "PATCH", path, pupil_token, "{\"title\":\"X\"}"), 403);
	assert_int_equal(http_send(&srv, "PATCH", path, d1_token,
				   "{\"title\":\"Hội thảo mới\",\"kind\":\"seminar\","
				   "\"check_in\":\"open\",\"certificate\":true}",
				   &res),
			 0);
	assert_int_equal(res.status, 200);
	json_t *a = json_object_get(res.json, "activity");
	assert_string_equal(json_string_value(json_object_get(a, "title")), "Hội thảo mới");
	assert_string_equal(json_string_value(json_object_get(a, "kind")), "seminar");
	assert_string_equal(json_string_value(json_object_get(a, "check_in")), "open");
	assert_true(json_is_true(json_object_get(a, "certificate")));
	http_res_free(&res);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"code\":\"other\"}"), 400);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"unit_code\":\"S2\"}"), 400);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"kind\":1}"), 400);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token,
				     "{\"ends_at\":\"2001-01-01T00:00:00Z\"}"),
			 400);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "[1]"), 400);
	snprintf(path, sizeof path, "/api/v1/admin/activities/%lld", far_id);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"title\":\"X\"}"), 403);
	assert_int_equal(test_status(&srv, "PATCH", path, root_token, "{\"title\":\"Xa\"}"), 200);
	assert_int_equal(test_status(&srv, "PATCH", "/api/v1/admin/activities/999999", root_token,
				     "{\"title\":\"X\"}"),
			 404);
}

static void uploaded_list_reports_bad_lines_by_number(void **state)
{
	(void)state;
	char path[128];
	struct http_res res;
	long long id = create(d1_token, "act-list", "S1", -86400, -3600, "closed");
	snprintf(path, sizeof path, "/api/v1/admin/activities/%lld/attendees", id);
	static const char csv[] = "username,full_name\n"
				  "pupil1,An\n"
				  "nobody,Ghost\n"
				  "pupil3,Ba\n"
				  "far1,Far away\n"
				  "pupil1,An again\n";
	assert_int_equal(http_call(&srv, "POST", path, NULL, csv, "text/csv", NULL, &res), 0);
	assert_int_equal(res.status, 401);
	http_res_free(&res);
	assert_int_equal(http_call(&srv, "POST", path, pupil_token, csv, "text/csv", NULL, &res),
			 0);
	assert_int_equal(res.status, 403);
	http_res_free(&res);
	/* far1 is outside d1admin's subtree: an error of its line, not an attendance */
	assert_int_equal(http_call(&srv, "POST", path, d1_token, csv, "text/csv", NULL, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_integer_value(json_object_get(res.json, "added")), 2);
	json_t *errors = json_object_get(res.json, "errors");
	assert_int_equal(json_array_size(errors), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 0), "line")), 3);
	assert_non_null(
		strstr(json_string_value(json_object_get(json_array_get(errors, 0), "message")),
		       "nobody"));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 1), "line")), 5);
	http_res_free(&res);
	assert_int_equal(attendees_of(id), 2);
	/* JSON: the admin may add far1; a bad item is named by its position */
	assert_int_equal(
		http_send(&srv, "POST", path, root_token,
			  "[{\"username\":\"far1\"},{\"name\":\"x\"},{\"username\":\"pupil1\"}]",
			  &res),
		0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_integer_value(json_object_get(res.json, "added")), 1);
	errors = json_object_get(res.json, "errors");
	assert_int_equal(json_array_size(errors), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 0), "line")), 2);
	http_res_free(&res);
	assert_int_equal(attendees_of(id), 3);
	/* who attended, as the unit_admin sees it */
	snprintf(path, sizeof path, "/api/v1/admin/activities/%lld/attendees", id);
	assert_int_equal(http_get(&srv, path, d1_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_integer_value(json_object_get(res.json, "total")), 3);
	json_t *first = json_array_get(json_object_get(res.json, "attendees"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "how")), "list");
	assert_non_null(json_string_value(json_object_get(first, "username")));
	http_res_free(&res);
	assert_int_equal(test_status(&srv, "GET", path, pupil_token, NULL), 403);
	/* bad bodies */
	assert_int_equal(
		http_call(&srv, "POST", path, d1_token, "name\nx\n", "text/csv", NULL, &res), 0);
	assert_int_equal(res.status, 400);
	http_res_free(&res);
	assert_int_equal(test_status(&srv, "POST", path, d1_token, "{\"username\":\"pupil1\"}"),
			 400);
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/activities/999999/attendees",
				     root_token, "[]"),
			 404);
	/* an activity outside the unit_admin's subtree */
	long long far = create(root_token, "act-list-far", "S2", -86400, -3600, "closed");
	snprintf(path, sizeof path, "/api/v1/admin/activities/%lld/attendees", far);
	assert_int_equal(test_status(&srv, "POST", path, d1_token, "[{\"username\":\"far1\"}]"),
			 403);
	assert_int_equal(test_status(&srv, "GET", path, d1_token, NULL), 403);
	assert_int_equal(attendees_of(far), 0);
}

static void check_in_page_projects_a_qr_of_the_phone_address(void **state)
{
	(void)state;
	char path[128], want[128];
	struct http_res res;
	long long id = create(d1_token, "act-screen", "S1", -60, 3600, "open");
	long long far = create(root_token, "act-screen-far", "S2", -60, 3600, "open");
	snprintf(path, sizeof path, "/api/v1/admin/activities/%lld/check-in", id);
	assert_int_equal(test_status(&srv, "GET", path, NULL, NULL), 401);
	assert_int_equal(test_status(&srv, "GET", path, pupil_token, NULL), 403);
	assert_int_equal(http_get(&srv, path, d1_token, &res), 0);
	assert_int_equal(res.status, 200);
	char *ct = http_res_header(&res, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "text/html"));
	free(ct);
	assert_non_null(strstr(res.body, "<svg"));
	snprintf(want, sizeof want, "/checkin.html#activity=%lld", id);
	assert_non_null(strstr(res.body, want));
	assert_non_null(strstr(res.body, "Tập huấn act-screen"));
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/admin/activities/%lld/check-in", far);
	assert_int_equal(test_status(&srv, "GET", path, d1_token, NULL), 403);
	assert_int_equal(test_status(&srv, "GET", path, root_token, NULL), 200);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/activities/999999/check-in",
				     root_token, NULL),
			 404);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_answers_the_activity_for_each_role),
		cmocka_unit_test(create_refuses_bad_input_naming_the_field),
		cmocka_unit_test(list_shows_each_role_its_subtree_and_year),
		cmocka_unit_test(check_in_counts_once_while_open_and_refuses_when_closed),
		cmocka_unit_test(patch_edits_inside_the_subtree_and_refuses_bad_fields),
		cmocka_unit_test(uploaded_list_reports_bad_lines_by_number),
		cmocka_unit_test(check_in_page_projects_a_qr_of_the_phone_address),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
