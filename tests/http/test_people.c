/* test_people.c - the administration's people and units (api.md second
 * part: units tree, people list and search, edits, disabling) and the audit
 * log, for every role, against the real quizd over HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct server srv;
static char *root_token, *d1_token, *pupil_token;

static const char UNITS_CSV[] = "code,name,kind,parent_code\n"
				"P,Tỉnh Thử,province,\n"
				"D1,Huyện Một,district,P\n"
				"D2,Huyện Hai,district,P\n"
				"S1,Trường THCS Số Một,school,D1\n"
				"S2,Trường THPT Số Hai,school,D2\n";

static const char PEOPLE[] =
	"[{\"username\":\"hs.an\",\"password\":\"An-Password-123\",\"full_name\":\"Nguyễn Văn "
	"An\",\"unit_code\":\"S1\",\"audience\":\"pupil\",\"role\":\"participant\"},"
	"{\"username\":\"hs.anh\",\"password\":\"Anh-Password-123\",\"full_name\":\"Nguyễn Văn "
	"Anh\",\"unit_code\":\"S1\",\"audience\":\"pupil\",\"role\":\"participant\"},"
	"{\"username\":\"hs.dung\",\"password\":\"Dung-Password-123\",\"full_name\":\"Đặng Thị "
	"Dũng\",\"unit_code\":\"S2\",\"audience\":\"pupil\",\"role\":\"participant\"}]";

static int setup(void **state)
{
	(void)state;
	if (server_up(&srv, NULL))
		return -1;
	test_add_units_csv(&srv, UNITS_CSV);
	test_add_user(&srv, "root", "Root-Password-1", "admin", NULL, NULL);
	test_add_user(&srv, "d1admin", "District-One-1", "unit_admin", "D1", NULL);
	test_add_user(&srv, "pupil1", "Pupil-Password-1", "participant", "S1", "pupil");
	root_token = test_login(&srv, "root", "Root-Password-1", NULL);
	d1_token = test_login(&srv, "d1admin", "District-One-1", NULL);
	pupil_token = test_login(&srv, "pupil1", "Pupil-Password-1", NULL);
	if (!root_token || !d1_token || !pupil_token)
		return -1;
	struct http_res res;
	if (http_send(&srv, "POST", "/api/v1/admin/users", root_token, PEOPLE, &res) ||
	    res.status != 200)
		return -1;
	http_res_free(&res);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(root_token);
	free(d1_token);
	free(pupil_token);
	return server_stop(&srv, true);
}

static long status_of(const char *method, const char *path, const char *token, const char *body)
{
	struct http_res res;
	assert_int_equal(http_send(&srv, method, path, token, body, &res), 0);
	long status = res.status;
	http_res_free(&res);
	return status;
}

/* The codes of a units answer, joined by spaces, with their depth. */
static void units_text(const struct http_res *res, char *buf, size_t size)
{
	size_t i, len = 0;
	json_t *u;
	buf[0] = '\0';
	json_array_foreach(json_object_get(res->json, "units"), i, u)
	{
		len += (size_t)snprintf(buf + len, size - len, "%s%s:%lld", i ? " " : "",
					json_string_value(json_object_get(u, "code")),
					(long long)json_integer_value(json_object_get(u, "depth")));
	}
}

static void units_tree_answers_each_role_its_part(void **state)
{
	(void)state;
	struct http_res res;
	char text[256];
	assert_int_equal(status_of("GET", "/api/v1/admin/units", NULL, NULL), 401);
	assert_int_equal(status_of("GET", "/api/v1/admin/units", pupil_token, NULL), 403);
	assert_int_equal(http_get(&srv, "/api/v1/admin/units", d1_token, &res), 0);
	assert_int_equal(res.status, 200);
	units_text(&res, text, sizeof text);
	assert_string_equal(text, "D1:0 S1:1");
	json_t *s1 = json_array_get(json_object_get(res.json, "units"), 1);
	assert_string_equal(json_string_value(json_object_get(s1, "parent_code")), "D1");
	assert_string_equal(json_string_value(json_object_get(s1, "kind")), "school");
	assert_string_equal(json_string_value(json_object_get(s1, "name")), "Trường THCS Số Một");
	http_res_free(&res);
	assert_int_equal(status_of("GET", "/api/v1/admin/units?root=D2", d1_token, NULL), 403);
	assert_int_equal(status_of("GET", "/api/v1/admin/units?root=P", d1_token, NULL), 403);
	assert_int_equal(http_get(&srv, "/api/v1/admin/units?root=P&depth=1", root_token, &res), 0);
	units_text(&res, text, sizeof text);
	assert_string_equal(text, "P:0 D1:1 D2:1");
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/admin/units", root_token, &res), 0);
	units_text(&res, text, sizeof text);
	assert_string_equal(text, "P:0 D1:1 S1:2 D2:1 S2:2");
	assert_true(json_is_null(json_object_get(
		json_array_get(json_object_get(res.json, "units"), 0), "parent_code")));
	http_res_free(&res);
	assert_int_equal(status_of("GET", "/api/v1/admin/units?root=NOPE", root_token, NULL), 404);
	assert_int_equal(status_of("GET", "/api/v1/admin/units?depth=-2", root_token, NULL), 400);
	assert_int_equal(status_of("GET", "/api/v1/admin/units?depth=x", root_token, NULL), 400);
}

/* The usernames of a users answer, joined by spaces. */
static void usernames(const struct http_res *res, char *buf, size_t size)
{
	size_t i, len = 0;
	json_t *u;
	buf[0] = '\0';
	json_array_foreach(json_object_get(res->json, "users"), i, u)
	{
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "",
					json_string_value(json_object_get(u, "username")));
	}
}

static void search(const char *token, const char *query, long status, const char *expect)
{
	struct http_res res;
	char path[256], text[256];
	snprintf(path, sizeof path, "/api/v1/admin/users?%s", query);
	assert_int_equal(http_get(&srv, path, token, &res), 0);
	assert_int_equal(res.status, status);
	if (expect) {
		usernames(&res, text, sizeof text);
		assert_string_equal(text, expect);
	}
	http_res_free(&res);
}

static void users_search_ignores_case_and_vietnamese_diacritics(void **state)
{
	(void)state;
	search(root_token, "q=nguyen%20van%20an", 200, "hs.an hs.anh");
	search(root_token, "q=NGUYEN%20VAN%20AN%20", 200, "hs.an");
	search(root_token, "q=Nguy%E1%BB%85n", 200, "hs.an hs.anh");
	search(root_token, "q=dang%20thi%20dung", 200, "hs.dung");
	search(root_token, "q=%C4%91%E1%BA%B7ng", 200, "hs.dung");
	search(root_token, "q=hs.dung", 200, "hs.dung");
	search(root_token, "q=xyz", 200, "");
	search(root_token, "q=dung&unit=D1", 200, "");
	search(root_token, "unit=S2", 200, "hs.dung");
	search(root_token, "role=unit_admin", 200, "d1admin");
	search(root_token, "audience=pupil&limit=2&offset=1", 200, "hs.an hs.anh");
	/* A unit_admin sees its subtree only, and names no unit outside it. */
	search(d1_token, "q=dang", 200, "");
	search(d1_token, "", 200, "d1admin pupil1 hs.an hs.anh");
	search(d1_token, "unit=D2", 403, NULL);
	search(pupil_token, "", 403, NULL);
	search(NULL, "", 401, NULL);
	search(root_token, "role=king", 400, NULL);
	search(root_token, "audience=martians", 400, NULL);
	search(root_token, "disabled=maybe", 400, NULL);
	search(root_token, "limit=0", 400, NULL);
	search(root_token, "limit=501", 400, NULL);
	search(root_token, "offset=-1", 400, NULL);
	search(root_token, "unit=NOPE", 404, NULL);
}

static void user_object_has_the_fields_of_api_md(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/admin/users?q=hs.dung", root_token, &res), 0);
	assert_int_equal(json_integer_value(json_object_get(res.json, "total")), 1);
	json_t *u = json_array_get(json_object_get(res.json, "users"), 0);
	assert_true(json_is_integer(json_object_get(u, "id")));
	assert_string_equal(json_string_value(json_object_get(u, "full_name")), "Đặng Thị Dũng");
	assert_string_equal(json_string_value(json_object_get(u, "role")), "participant");
	assert_string_equal(json_string_value(json_object_get(u, "unit_code")), "S2");
	assert_string_equal(json_string_value(json_object_get(u, "unit_name")),
			    "Trường THPT Số Hai");
	assert_string_equal(json_string_value(json_object_get(u, "audience")), "pupil");
	assert_true(json_is_false(json_object_get(u, "disabled")));
	assert_true(json_is_string(json_object_get(u, "created_at")));
	assert_true(json_is_null(json_object_get(u, "last_login_at")));
	assert_int_equal(json_object_size(u), 10);
	http_res_free(&res);
	/* Logging in sets last_login_at. */
	assert_int_equal(http_get(&srv, "/api/v1/admin/users?q=pupil1", root_token, &res), 0);
	u = json_array_get(json_object_get(res.json, "users"), 0);
	assert_true(json_is_string(json_object_get(u, "last_login_at")));
	http_res_free(&res);
}

/* The id of a person found by username. */
static long long id_of(const char *username)
{
	struct http_res res;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/admin/users?q=%s", username);
	assert_int_equal(http_get(&srv, path, root_token, &res), 0);
	json_t *u = json_array_get(json_object_get(res.json, "users"), 0);
	assert_non_null(u);
	long long id = json_integer_value(json_object_get(u, "id"));
	http_res_free(&res);
	return id;
}

static void unit_admin_edits_only_inside_its_subtree(void **state)
{
	(void)state;
	char path[64];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", id_of("hs.dung"));
	assert_int_equal(status_of("PATCH", path, d1_token, "{\"full_name\":\"X\"}"), 404);
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", id_of("hs.anh"));
	assert_int_equal(status_of("PATCH", path, NULL, "{\"full_name\":\"X\"}"), 401);
	assert_int_equal(status_of("PATCH", path, pupil_token, "{\"full_name\":\"X\"}"), 403);
	assert_int_equal(status_of("PATCH", path, d1_token, "{\"role\":\"unit_admin\"}"), 403);
	assert_int_equal(status_of("PATCH", path, d1_token, "{\"unit_code\":\"S2\"}"), 403);
	assert_int_equal(status_of("PATCH", path, d1_token, "{\"colour\":\"red\"}"), 400);
	assert_int_equal(status_of("PATCH", path, d1_token, "{\"full_name\":\"\"}"), 400);
	assert_int_equal(status_of("PATCH", path, d1_token, "{\"audience\":\"martians\"}"), 400);
	assert_int_equal(status_of("PATCH", path, d1_token, "{\"disabled\":\"yes\"}"), 400);
	assert_int_equal(status_of("PATCH", path, d1_token, "[1]"), 400);
	assert_int_equal(status_of("PATCH", "/api/v1/admin/users/999999", d1_token, "{}"), 404);
	assert_int_equal(http_send(&srv, "PATCH", path, d1_token,
				   "{\"full_name\":\"Nguyễn Văn Anh Hai\",\"unit_code\":\"D1\"}",
				   &res),
			 0);
	assert_int_equal(res.status, 200);
	json_t *u = json_object_get(res.json, "user");
	assert_string_equal(json_string_value(json_object_get(u, "full_name")),
			    "Nguyễn Văn Anh Hai");
	assert_string_equal(json_string_value(json_object_get(u, "unit_code")), "D1");
	http_res_free(&res);
	/* The search follows the new name. */
	search(root_token, "q=anh%20hai", 200, "hs.anh");
	/* An admin may move anyone anywhere and give any role. */
	assert_int_equal(status_of("PATCH", path, root_token,
				   "{\"unit_code\":\"S2\",\"role\":\"participant\"}"),
			 200);
}

static void disabling_ends_sessions_and_refuses_logins(void **state)
{
	(void)state;
	char path[64];
	struct http_res res, wrong;
	char *token = test_login(&srv, "hs.an", "An-Password-123", NULL);
	assert_non_null(token);
	assert_int_equal(status_of("GET", "/api/v1/me", token, NULL), 200);
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", id_of("hs.an"));
	assert_int_equal(http_send(&srv, "PATCH", path, d1_token, "{\"disabled\":true}", &res), 0);
	assert_int_equal(res.status, 200);
	assert_true(json_is_true(json_object_get(json_object_get(res.json, "user"), "disabled")));
	http_res_free(&res);
	assert_int_equal(status_of("GET", "/api/v1/me", token, NULL), 401);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/auth/login", NULL,
				   "{\"username\":\"hs.an\",\"password\":\"An-Password-123\"}",
				   &res),
			 0);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/auth/login", NULL,
				   "{\"username\":\"hs.an\",\"password\":\"Not-The-One-123\"}",
				   &wrong),
			 0);
	assert_int_equal(res.status, 401);
	assert_string_equal(res.body, wrong.body);
	http_res_free(&res);
	http_res_free(&wrong);
	search(root_token, "disabled=true", 200, "hs.an");
	assert_int_equal(status_of("PATCH", path, root_token, "{\"disabled\":false}"), 200);
	char *again = test_login(&srv, "hs.an", "An-Password-123", NULL);
	assert_non_null(again);
	free(again);
	free(token);
	/* Nobody disables their own account. */
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", id_of("root"));
	assert_int_equal(status_of("PATCH", path, root_token, "{\"disabled\":true}"), 400);
}

static void audit_log_lists_admin_writes_newest_first(void **state)
{
	(void)state;
	struct http_res res;
	char path[64], target[64];
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", id_of("hs.dung"));
	snprintf(target, sizeof target, "user:%lld", id_of("hs.dung"));
	assert_int_equal(status_of("PATCH", path, root_token, "{\"full_name\":\"Đặng Thị Dung\"}"),
			 200);
	assert_int_equal(status_of("GET", "/api/v1/admin/audit", NULL, NULL), 401);
	assert_int_equal(status_of("GET", "/api/v1/admin/audit", pupil_token, NULL), 403);
	assert_int_equal(status_of("GET", "/api/v1/admin/audit", d1_token, NULL), 403);
	assert_int_equal(status_of("GET", "/api/v1/admin/audit?limit=0", root_token, NULL), 400);
	assert_int_equal(status_of("GET", "/api/v1/admin/audit?offset=x", root_token, NULL), 400);
	assert_int_equal(http_get(&srv, "/api/v1/admin/audit?limit=1", root_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_true(json_integer_value(json_object_get(res.json, "total")) >= 3);
	json_t *e = json_array_get(json_object_get(res.json, "entries"), 0);
	assert_string_equal(json_string_value(json_object_get(e, "username")), "root");
	assert_string_equal(json_string_value(json_object_get(e, "action")), "user.update");
	assert_true(json_is_string(json_object_get(e, "at")));
	assert_string_equal(json_string_value(json_object_get(e, "target")), target);
	json_t *detail = json_object_get(e, "detail");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(detail, "before"), "full_name")),
		"Đặng Thị Dũng");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(detail, "after"), "full_name")),
		"Đặng Thị Dung");
	http_res_free(&res);
	/* The roster import of setup is there too, by the admin who made it. */
	assert_int_equal(http_get(&srv, "/api/v1/admin/audit?limit=500", root_token, &res), 0);
	size_t i;
	bool import_seen = false;
	json_array_foreach(json_object_get(res.json, "entries"), i, e)
	{
		if (!strcmp(json_string_value(json_object_get(e, "action")), "users.import") &&
		    !strcmp(json_string_value(json_object_get(e, "username")), "root"))
			import_seen = true;
	}
	assert_true(import_seen);
	http_res_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(units_tree_answers_each_role_its_part),
		cmocka_unit_test(users_search_ignores_case_and_vietnamese_diacritics),
		cmocka_unit_test(user_object_has_the_fields_of_api_md),
		cmocka_unit_test(unit_admin_edits_only_inside_its_subtree),
		cmocka_unit_test(disabling_ends_sessions_and_refuses_logins),
		cmocka_unit_test(audit_log_lists_admin_writes_newest_first),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
