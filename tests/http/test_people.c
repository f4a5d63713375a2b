/* test_people.c - the administration's people and units (api.md second
 * part: units tree, people list and search, edits, disabling) and the audit
 * log, for every role, against the real quizd over HTTP. */
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
#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "harness.h"

static struct server srv;
static char *root_token, *d1_token, *pupil_token;

static const char PEOPLE[] =
	"[{\"username\":\"hs.an\",\"password\":\"An-Password-123\",\"full_name\":\"Nguyễn Văn "
	"An\",\"unit_code\":\"S1\",\"audience\":\"pupil\",\"role\":\"participant\"},"
	"{\"username\":\"hs.anh\",\"password\":\"Anh-Password-123\",\"full_name\":\"Nguyễn Văn "
	"Anh\",\"unit_code\":\"S1\",\"audience\":\"pupil\",\"role\":\"participant\"},"
	"{\"username\":\"hs.cuong\",\"password\":\"Cuong-Password-123\",\"full_name\":\"Lê "
	"Cường\",\"unit_code\":\"S1\",\"audience\":\"pupil\",\"role\":\"participant\"},"
	"{\"username\":\"hs.dung\",\"password\":\"Dung-Password-123\",\"full_name\":\"Đặng Thị "
	"Dũng\",\"unit_code\":\"S2\",\"audience\":\"pupil\",\"role\":\"participant\"}]";

static int setup(void **state)
{
	(void)state;
	if (server_up(&srv, NULL))
		return -1;
	test_add_units_csv(&srv, TEST_UNITS_CSV);
	if (test_add_roles(&srv, &root_token, &d1_token, &pupil_token))
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
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/units", NULL, NULL), 401);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/units", pupil_token, NULL), 403);
	assert_int_equal(http_get(&srv, "/api/v1/admin/units", d1_token, &res), 0);
	assert_int_equal(res.status, 200);
	units_text(&res, text, sizeof text);
	assert_string_equal(text, "D1:0 S1:1");
	json_t *s1 = json_array_get(json_object_get(res.json, "units"), 1);
	assert_string_equal(json_string_value(json_object_get(s1, "parent_code")), "D1");
	assert_string_equal(json_string_value(json_object_get(s1, "kind")), "school");
	assert_string_equal(json_string_value(json_object_get(s1, "name")), "Trường THCS Số Một");
	http_res_free(&res);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/units?root=D2", d1_token, NULL),
			 403);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/units?root=P", d1_token, NULL),
			 403);
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
	assert_int_equal(
		test_status(&srv, "GET", "/api/v1/admin/units?root=NOPE", root_token, NULL), 404);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/units?depth=-2", root_token, NULL),
			 400);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/units?depth=x", root_token, NULL),
			 400);
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
	search(root_token, "q=le%20cuong", 200, "hs.cuong");
	/* A unit_admin sees its subtree only, and names no unit outside it. */
	search(d1_token, "q=dang", 200, "");
	search(d1_token, "", 200, "d1admin pupil1 hs.an hs.anh hs.cuong");
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
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"full_name\":\"X\"}"), 404);
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", id_of("hs.anh"));
	assert_int_equal(test_status(&srv, "PATCH", path, NULL, "{\"full_name\":\"X\"}"), 401);
	assert_int_equal(test_status(&srv, "PATCH", path, pupil_token, "{\"full_name\":\"X\"}"),
			 403);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"role\":\"unit_admin\"}"),
			 403);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"unit_code\":\"S2\"}"), 403);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"colour\":\"red\"}"), 400);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"full_name\":\"\"}"), 400);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"audience\":\"martians\"}"),
			 400);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"disabled\":\"yes\"}"), 400);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "[1]"), 400);
	assert_int_equal(test_status(&srv, "PATCH", "/api/v1/admin/users/999999", d1_token, "{}"),
			 404);
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
	assert_int_equal(test_status(&srv, "PATCH", path, root_token,
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
	assert_int_equal(test_status(&srv, "GET", "/api/v1/me", token, NULL), 200);
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", id_of("hs.an"));
	assert_int_equal(http_send(&srv, "PATCH", path, d1_token, "{\"disabled\":true}", &res), 0);
	assert_int_equal(res.status, 200);
	assert_true(json_is_true(json_object_get(json_object_get(res.json, "user"), "disabled")));
	http_res_free(&res);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/me", token, NULL), 401);
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
	assert_int_equal(test_status(&srv, "PATCH", path, root_token, "{\"disabled\":false}"), 200);
	char *again = test_login(&srv, "hs.an", "An-Password-123", NULL);
	assert_non_null(again);
	free(again);
	free(token);
	/* Nobody disables their own account. */
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", id_of("root"));
	assert_int_equal(test_status(&srv, "PATCH", path, root_token, "{\"disabled\":true}"), 400);
}

static void audit_log_lists_admin_writes_newest_first(void **state)
{
	(void)state;
	struct http_res res;
	char path[64], target[64];
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", id_of("hs.dung"));
	snprintf(target, sizeof target, "user:%lld", id_of("hs.dung"));
	assert_int_equal(
		test_status(&srv, "PATCH", path, root_token, "{\"full_name\":\"Đặng Thị Dung\"}"),
		200);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/audit", NULL, NULL), 401);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/audit", pupil_token, NULL), 403);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/audit", d1_token, NULL), 403);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/audit?limit=0", root_token, NULL),
			 400);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/admin/audit?offset=x", root_token, NULL),
			 400);
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

/* The code printed on username's card in a sheet, into code. */
static bool card_code(const char *html, const char *username, char *code, size_t size)
{
	char needle[96];
	snprintf(needle, sizeof needle, "class=\"user\">%s<", username);
	const char *at = strstr(html, needle);
	if (!at || !(at = strstr(at, "class=\"code\">")))
		return false;
	at += strlen("class=\"code\">");
	const char *end = strchr(at, '<');
	if (!end || (size_t)(end - at) >= size)
		return false;
	memcpy(code, at, (size_t)(end - at));
	code[end - at] = '\0';
	return true;
}

/* Issues the cards of unit as token and returns the sheet (caller frees). */
static char *issue_cards(const char *token, const char *unit)
{
	struct http_res res;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/admin/units/%s/cards", unit);
	assert_int_equal(http_call(&srv, "POST", path, token, NULL, NULL, NULL, &res), 0);
	assert_int_equal(res.status, 200);
	char *type = http_res_header(&res, "Content-Type");
	assert_non_null(type);
	assert_non_null(strstr(type, "text/html"));
	free(type);
	char *html = res.body;
	res.body = NULL;
	http_res_free(&res);
	return html;
}

static long card_login(const char *code, char **token)
{
	struct http_res res;
	char body[128];
	snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/auth/card", NULL, body, &res), 0);
	long status = res.status;
	if (token && status == 200)
		*token = strdup(json_string_value(json_object_get(res.json, "token")));
	http_res_free(&res);
	return status;
}

static void login_cards_print_codes_that_log_in_until_voided(void **state)
{
	(void)state;
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/units/S1/cards", NULL, NULL),
			 401);
	assert_int_equal(
		test_status(&srv, "POST", "/api/v1/admin/units/S1/cards", pupil_token, NULL), 403);
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/units/S2/cards", d1_token, NULL),
			 403);
	assert_int_equal(
		test_status(&srv, "POST", "/api/v1/admin/units/NOPE/cards", d1_token, NULL), 404);
	assert_int_equal(test_status(&srv, "POST", "/api/v1/admin/units/S1/cards?audience=martians",
				     d1_token, NULL),
			 400);
	char *html = issue_cards(d1_token, "S1");
	char code[32], again[32];
	assert_true(card_code(html, "hs.cuong", code, sizeof code));
	assert_non_null(strstr(html, "<svg"));
	assert_non_null(strstr(html, "Lê Cường"));
	assert_non_null(strstr(html, "/css/cards.css"));
	/* 16 symbols in groups of four, none of 0, O, 1 or I. */
	assert_int_equal(strlen(code), 19);
	for (int i = 0; i < 19; i++)
		assert_true(i % 5 == 4 ? code[i] == '-' : !strchr("0O1I", code[i]));
	/* Only participants get a card. */
	assert_null(strstr(html, "class=\"user\">d1admin<"));
	free(html);

	char *token = NULL;
	assert_int_equal(card_login(code, &token), 200);
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/me", token, &res), 0);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(res.json, "user"), "username")),
		"hs.cuong");
	http_res_free(&res);
	free(token);
	/* Typed in lower case, without dashes. */
	char typed[32];
	size_t n = 0;
	for (const char *c = code; *c; c++)
		if (*c != '-')
			typed[n++] = (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
	typed[n] = '\0';
	assert_int_equal(card_login(typed, NULL), 200);
	assert_int_equal(card_login("AAAA-BBBB-CCCC-DDDD", NULL), 401);
	assert_int_equal(card_login("not a code", NULL), 401);
	assert_int_equal(test_status(&srv, "POST", "/api/v1/auth/card", NULL, "{}"), 400);

	/* New cards void the old code. */
	html = issue_cards(root_token, "S1");
	assert_true(card_code(html, "hs.cuong", again, sizeof again));
	free(html);
	assert_string_not_equal(code, again);
	assert_int_equal(card_login(code, NULL), 401);
	assert_int_equal(card_login(again, NULL), 200);

	/* So does a password the person sets. */
	char *own = test_login(&srv, "hs.cuong", "Cuong-Password-123", NULL);
	assert_non_null(own);
	assert_int_equal(test_status(&srv, "POST", "/api/v1/me/password", own,
				     "{\"old_password\":\"Cuong-Password-123\","
				     "\"new_password\":\"Cuong-Password-456\"}"),
			 204);
	free(own);
	assert_int_equal(card_login(again, NULL), 401);

	/* And disabling the account. */
	html = issue_cards(root_token, "S1");
	assert_true(card_code(html, "hs.cuong", code, sizeof code));
	free(html);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", id_of("hs.cuong"));
	assert_int_equal(test_status(&srv, "PATCH", path, root_token, "{\"disabled\":true}"), 200);
	assert_int_equal(card_login(code, NULL), 401);
	assert_int_equal(test_status(&srv, "PATCH", path, root_token, "{\"disabled\":false}"), 200);
	assert_int_equal(card_login(code, NULL), 401);

	assert_int_equal(http_get(&srv, "/api/v1/admin/audit?limit=500", root_token, &res), 0);
	size_t i;
	json_t *e;
	int issued = 0;
	json_array_foreach(json_object_get(res.json, "entries"), i, e)
	{
		if (!strcmp(json_string_value(json_object_get(e, "action")), "cards.issue"))
			issued++;
	}
	assert_int_equal(issued, 3);
	http_res_free(&res);
}

static void wrong_card_codes_are_throttled_like_passwords(void **state)
{
	(void)state;
	struct http_res res;
	long status = 0;
	int tries = 0;
	while (tries < 10 && (status = card_login("ZZZZ-ZZZZ-ZZZZ-ZZZZ", NULL)) == 401)
		tries++;
	assert_int_equal(status, 429);
	assert_int_equal(tries, 5);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/auth/card", NULL,
				   "{\"code\":\"ZZZZ-ZZZZ-ZZZZ-ZZZZ\"}", &res),
			 0);
	char *retry = http_res_header(&res, "Retry-After");
	assert_non_null(retry);
	assert_true(atoi(retry) >= 1);
	free(retry);
	http_res_free(&res);
}

static void password_reset_answers_a_new_password_and_ends_sessions(void **state)
{
	(void)state;
	char path[64];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld/password", id_of("hs.dung"));
	assert_int_equal(test_status(&srv, "POST", path, NULL, NULL), 401);
	assert_int_equal(test_status(&srv, "POST", path, pupil_token, NULL), 403);
	assert_int_equal(test_status(&srv, "POST", path, d1_token, NULL), 404);
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld/password", id_of("root"));
	assert_int_equal(test_status(&srv, "POST", path, d1_token, NULL), 404);
	assert_int_equal(
		test_status(&srv, "POST", "/api/v1/admin/users/999999/password", root_token, NULL),
		404);

	char *old = test_login(&srv, "hs.cuong", "Cuong-Password-456", NULL);
	assert_non_null(old);
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld/password", id_of("hs.cuong"));
	assert_int_equal(http_call(&srv, "POST", path, d1_token, NULL, NULL, NULL, &res), 0);
	assert_int_equal(res.status, 200);
	const char *password = json_string_value(json_object_get(res.json, "password"));
	assert_non_null(password);
	assert_true(strlen(password) >= 12);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/me", old, NULL), 401);
	char *fresh = test_login(&srv, "hs.cuong", password, NULL);
	assert_non_null(fresh);
	free(fresh);
	free(old);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/admin/audit?limit=1", root_token, &res), 0);
	json_t *e = json_array_get(json_object_get(res.json, "entries"), 0);
	assert_string_equal(json_string_value(json_object_get(e, "action")), "user.password_reset");
	assert_string_equal(json_string_value(json_object_get(e, "username")), "d1admin");
	http_res_free(&res);
}

/* Two attempts of person_id straight into quizd's database (WAL lets both
 * write): a passed one of a mandatory quiz and one still in progress.
 * Returns the passed attempt's id. */
static int64_t seed_attempts(int64_t person_id)
{
	char err[256];
	struct db *db = db_open(srv.db, err, sizeof err);
	assert_non_null(db);
	struct db_unit s1;
	assert_int_equal(db_unit_by_code(db, "S1", &s1), 1);
	assert_int_equal(db_begin_write(db), 0);
	int64_t bank = db_fixture_bank(db, "hs", "pupil");
	int64_t q = db_fixture_question(db, bank, "hs-1", "passwords");
	int64_t now = clock_now_ms();
	int64_t quiz = db_fixture_quiz(db, "kt-hs", "Kiểm tra an toàn thông tin", true, "pupil", 0,
				       now - 86400000LL, now + 86400000LL);
	struct db_fixture_attempt a = { .quiz_id = quiz,
					.user_id = person_id,
					.unit_id = s1.id,
					.audience = "pupil",
					.state = "submitted",
					.started_at = now - 120000,
					.finished_at = now - 60000,
					.score = 9,
					.max_score = 10,
					.passed = true,
					.question_ids = &q,
					.nquestions = 1 };
	int64_t passed = db_fixture_attempt(db, &a);
	a.state = "in_progress";
	a.started_at = now - 1000;
	a.passed = false;
	assert_true(passed > 0 && db_fixture_attempt(db, &a) > 0);
	assert_int_equal(db_commit(db), 0);
	db_close(db);
	return passed;
}

static void person_page_shows_attempts_and_certificates_inside_the_subtree(void **state)
{
	(void)state;
	struct http_res res;
	char path[160];
	assert_int_equal(
		http_send(&srv, "POST", "/api/v1/admin/users", root_token,
			  "[{\"username\":\"hs.em\",\"password\":\"Em-Password-123\",\"full_name\":"
			  "\"Trần Thị Em\",\"unit_code\":\"S1\",\"audience\":\"pupil\","
			  "\"role\":\"participant\"}]",
			  &res),
		0);
	assert_int_equal(res.status, 200);
	http_res_free(&res);
	long long em = id_of("hs.em"), dung = id_of("hs.dung");
	int64_t passed = seed_attempts(em);
	/* The pupil opens the certificate of the passed attempt. */
	char *em_token = test_login(&srv, "hs.em", "Em-Password-123", NULL);
	assert_non_null(em_token);
	snprintf(path, sizeof path, "/api/v1/attempts/%lld/certificate", (long long)passed);
	assert_int_equal(http_get(&srv, path, em_token, &res), 0);
	assert_int_equal(res.status, 200);
	char *code = http_res_header(&res, "X-Certificate-Code");
	assert_non_null(code);
	http_res_free(&res);

	snprintf(path, sizeof path, "/api/v1/admin/users/%lld/attempts", em);
	assert_int_equal(test_status(&srv, "GET", path, NULL, NULL), 401);
	assert_int_equal(test_status(&srv, "GET", path, pupil_token, NULL), 403);
	assert_int_equal(test_status(&srv, "GET", path, em_token, NULL), 403);
	const char *tokens[] = { root_token, d1_token };
	for (int i = 0; i < 2; i++) {
		assert_int_equal(http_get(&srv, path, tokens[i], &res), 0);
		assert_int_equal(res.status, 200);
		json_t *u = json_object_get(res.json, "user");
		assert_string_equal(json_string_value(json_object_get(u, "username")), "hs.em");
		assert_string_equal(json_string_value(json_object_get(u, "unit_code")), "S1");
		assert_int_equal(json_object_size(u), 10); /* U of api.md */
		json_t *attempts = json_object_get(res.json, "attempts");
		assert_int_equal(json_array_size(attempts), 2);
		json_t *a = json_array_get(attempts, 0);
		assert_int_equal(json_integer_value(json_object_get(a, "id")), passed);
		assert_string_equal(json_string_value(json_object_get(a, "quiz_code")), "kt-hs");
		assert_string_equal(json_string_value(json_object_get(a, "quiz_title")),
				    "Kiểm tra an toàn thông tin");
		assert_string_equal(json_string_value(json_object_get(a, "state")), "submitted");
		assert_true(json_is_true(json_object_get(a, "passed")));
		assert_true(json_real_value(json_object_get(a, "score")) == 9.0);
		assert_true(json_real_value(json_object_get(a, "max_score")) == 10.0);
		assert_true(json_is_string(json_object_get(a, "finished_at")));
		json_t *open = json_array_get(attempts, 1);
		assert_string_equal(json_string_value(json_object_get(open, "state")),
				    "in_progress");
		assert_true(json_is_null(json_object_get(open, "finished_at")));
		/* Each attempt with its certificate's code, when one was issued. */
		assert_string_equal(json_string_value(json_object_get(a, "certificate")), code);
		assert_true(json_is_true(json_object_get(a, "certificate_available")));
		assert_true(json_is_null(json_object_get(open, "certificate")));
		assert_int_equal(json_array_size(json_object_get(res.json, "activities")), 0);
		http_res_free(&res);
	}
	/* A person with nothing yet: empty lists. */
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld/attempts", dung);
	assert_int_equal(http_get(&srv, path, root_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_array_size(json_object_get(res.json, "attempts")), 0);
	assert_int_equal(json_array_size(json_object_get(res.json, "activities")), 0);
	http_res_free(&res);
	/* Outside the unit admin's subtree, unknown or not an id: 404. */
	assert_int_equal(test_status(&srv, "GET", path, d1_token, NULL), 404);
	assert_int_equal(
		test_status(&srv, "GET", "/api/v1/admin/users/999999/attempts", root_token, NULL),
		404);
	assert_int_equal(
		test_status(&srv, "GET", "/api/v1/admin/users/abc/attempts", root_token, NULL),
		404);
	assert_int_equal(
		test_status(&srv, "GET", "/api/v1/admin/users/-3/attempts", root_token, NULL), 404);
	free(code);
	free(em_token);
}

static long login_status(const char *username, const char *password)
{
	struct http_res res;
	char body[160];
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", username,
		 password);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/auth/login", NULL, body, &res), 0);
	long status = res.status;
	http_res_free(&res);
	return status;
}

/* quizadm users disable|enable|reset-password and cards print: the API's
 * operations from the command line, audited as "quizadm". */
static void quizadm_disables_enables_resets_and_prints_cards(void **state)
{
	(void)state;
	char *out = NULL;
	test_add_user(&srv, "hs.giang", "Giang-Password-123", "participant", "S2", "pupil");
	char *token = test_login(&srv, "hs.giang", "Giang-Password-123", NULL);
	assert_non_null(token);
	assert_int_equal(run_quizadm(&srv, &out, "users", "disable", "hs.giang", NULL), 0);
	assert_non_null(strstr(out, "\"disabled\": true"));
	free(out);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/me", token, NULL), 401);
	assert_int_equal(login_status("hs.giang", "Giang-Password-123"), 401);
	assert_int_equal(run_quizadm(&srv, &out, "users", "enable", "hs.giang", NULL), 0);
	assert_non_null(strstr(out, "\"disabled\": false"));
	free(out);
	assert_int_equal(login_status("hs.giang", "Giang-Password-123"), 200);

	/* A new password, printed once; the old one no longer opens. */
	assert_int_equal(run_quizadm(&srv, &out, "users", "reset-password", "hs.giang", NULL), 0);
	char password[128];
	assert_int_equal(sscanf(out, "%127s", password), 1);
	free(out);
	assert_true(strlen(password) >= 10);
	assert_int_equal(login_status("hs.giang", "Giang-Password-123"), 401);
	assert_int_equal(login_status("hs.giang", password), 200);

	/* The sheet of cards, each with its QR image (of the given site's address). */
	assert_int_equal(run_quizadm(&srv, &out, "cards", "print", "--unit", "S2", "--site",
				     "https://thi.example.vn", NULL),
			 0);
	char code[32];
	assert_true(card_code(out, "hs.giang", code, sizeof code));
	assert_non_null(strstr(out, "<svg"));
	assert_null(strstr(out, "class=\"user\">hs.an<")); /* S1 is not S2 */
	free(out);
	char *card_token = NULL;
	assert_int_equal(card_login(code, &card_token), 200);
	free(card_token);

	/* Every write is in the audit log under quizadm. */
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/admin/audit?limit=10", root_token, &res), 0);
	int seen = 0;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(res.json, "entries"), i, e)
	{
		if (strcmp(json_string_value(json_object_get(e, "username")), "quizadm") != 0)
			continue;
		const char *action = json_string_value(json_object_get(e, "action"));
		seen |= !strcmp(action, "user.update")           ? 1
			: !strcmp(action, "user.password_reset") ? 2
			: !strncmp(action, "cards.", 6)          ? 4
								 : 0;
	}
	http_res_free(&res);
	assert_int_equal(seen, 7);

	/* Bad input: a clear refusal and a non-zero exit. */
	assert_int_not_equal(run_quizadm(&srv, NULL, "users", "disable", "nobody", NULL), 0);
	assert_int_not_equal(run_quizadm(&srv, NULL, "users", "reset-password", NULL), 0);
	assert_int_not_equal(run_quizadm(&srv, NULL, "cards", "print", "--unit", "S2", NULL), 0);
	assert_int_not_equal(run_quizadm(&srv, NULL, "cards", "print", "--unit", "S2", "--site",
					 "ftp://thi.example.vn", NULL),
			     0);
	assert_int_not_equal(run_quizadm(&srv, NULL, "cards", "print", "--unit", "NOPE", "--site",
					 "https://thi.example.vn", NULL),
			     0);
	free(token);
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
		cmocka_unit_test(login_cards_print_codes_that_log_in_until_voided),
		cmocka_unit_test(password_reset_answers_a_new_password_and_ends_sessions),
		cmocka_unit_test(wrong_card_codes_are_throttled_like_passwords),
		cmocka_unit_test(person_page_shows_attempts_and_certificates_inside_the_subtree),
		cmocka_unit_test(quizadm_disables_enables_resets_and_prints_cards),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
