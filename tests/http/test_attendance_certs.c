/* test_attendance_certs.c - certificates of attendance (issued when the
 * attendance is recorded, by check-in or an uploaded list, only where the
 * activity gives one; signed and checked like the certificates of tests),
 * the participant's history (GET /api/v1/me/history) and the personal-data
 * export and erasure with attendance, for every role, against the real
 * quizd. */
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

#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "harness.h"
#include "testsql.h"

static struct server srv;
static char *root_token, *d1_token, *pupil_token, *pupil2_token, *pupil3_token;
static int64_t pupil_id, pupil3_id, passed_mandatory;

/* A passed attempt of a mandatory test for pupil1, straight into quizd's
 * database (WAL lets both write), as the quiz module would leave it. */
static void seed_attempt(void)
{
	char err[256];
	struct db *db = db_open(srv.db, err, sizeof err);
	assert_non_null(db);
	struct db_unit s1;
	assert_int_equal(db_unit_by_code(db, "S1", &s1), 1);
	assert_int_equal(db_begin_write(db), 0);
	int64_t bank = db_fixture_bank(db, "hs", "pupil");
	int64_t q1 = db_fixture_question(db, bank, "hs-1", "phishing");
	int year = clock_vn_year(clock_now_ms());
	int64_t quiz =
		db_fixture_quiz(db, "kt-hs", "Kiểm tra an toàn thông tin", true, "pupil", 0,
				clock_vn_year_start_ms(year), clock_vn_year_start_ms(year + 1));
	int64_t now = clock_now_ms();
	struct db_fixture_attempt a = { .quiz_id = quiz,
					.user_id = pupil_id,
					.unit_id = s1.id,
					.audience = "pupil",
					.state = "submitted",
					.started_at = now - 60000,
					.finished_at = now - 1000,
					.score = 10,
					.max_score = 10,
					.passed = true,
					.question_ids = &q1,
					.nquestions = 1 };
	passed_mandatory = db_fixture_attempt(db, &a);
	assert_true(passed_mandatory > 0);
	assert_int_equal(db_commit(db), 0);
	db_close(db);
}

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
	pupil3_token = test_login(&srv, "pupil3", "Pupil-Password-3", NULL);
	if (!root_token || !d1_token || !pupil_token || !pupil2_token || !pupil3_token)
		return -1;
	pupil_id = test_user_id(&srv, pupil_token);
	pupil3_id = test_user_id(&srv, pupil3_token);
	seed_attempt();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(root_token);
	free(d1_token);
	free(pupil_token);
	free(pupil2_token);
	free(pupil3_token);
	return server_stop(&srv, true);
}

static void check_in(long long id, const char *token)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/activities/%lld/check-in", id);
	assert_int_equal(test_status(&srv, "POST", path, token, NULL), 200);
}

/* The row of activity id in token's history, as a new reference, or NULL. */
static json_t *history_row(const char *token, long long id)
{
	struct http_res res;
	json_t *row = NULL, *a;
	size_t i;
	assert_int_equal(http_get(&srv, "/api/v1/me/history", token, &res), 0);
	assert_int_equal(res.status, 200);
	json_array_foreach(json_object_get(res.json, "activities"), i, a)
	{
		if (json_integer_value(json_object_get(a, "activity_id")) == id)
			row = json_incref(a);
	}
	http_res_free(&res);
	return row;
}

/* The certificate code token's history shows for activity id: a new
 * string, or NULL when none. */
static char *history_code(const char *token, long long id)
{
	json_t *row = history_row(token, id);
	assert_non_null(row);
	const char *code = json_string_value(json_object_get(row, "certificate"));
	char *copy = code ? strdup(code) : NULL;
	json_decref(row);
	return copy;
}

/* GET /certificates/{code} without login: the status; the body's
 * certificate into *cert (new reference) when 200 and cert is not NULL. */
static long verify(const char *code, json_t **cert)
{
	char path[160];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/certificates/%s", code);
	assert_int_equal(http_get(&srv, path, NULL, &res), 0);
	long status = res.status;
	if (cert)
		*cert = status == 200 ? json_incref(json_object_get(res.json, "certificate"))
				      : NULL;
	http_res_free(&res);
	return status;
}

/* Rewrites the signed text of the certificate code in quizd's database, as
 * someone with the database but not the key would: from -> to. */
static void tamper(const char *code, const char *from, const char *to)
{
	/* The three are the test's own words, without quotes to escape. */
	assert_null(strchr(code, '\''));
	assert_null(strchr(from, '\''));
	assert_null(strchr(to, '\''));
	char sql[512];
	snprintf(sql, sizeof sql,
		 "UPDATE certificates SET canonical = replace(canonical, '%s', '%s')"
		 " WHERE code = '%s'",
		 from, to, code);
	assert_int_equal(testsql_exec(srv.db, sql), 1);
}

static void check_in_issues_a_certificate_only_where_the_activity_gives_one(void **state)
{
	(void)state;
	long long with = test_create_training(&srv, d1_token, "cert-yes", "S1", true);
	long long without = test_create_training(&srv, d1_token, "cert-no", "S1", false);
	check_in(with, pupil_token);
	check_in(without, pupil_token);
	/* Issued at check-in: the history shows the code before any page. */
	char *code = history_code(pupil_token, with);
	assert_non_null(code);
	assert_int_equal(strlen(code), 86);
	assert_null(history_code(pupil_token, without));
	json_t *cert = NULL;
	assert_int_equal(verify(code, &cert), 200);
	assert_true(json_is_true(json_object_get(cert, "valid")));
	assert_string_equal(json_string_value(json_object_get(cert, "kind")), "attendance");
	assert_int_equal(json_integer_value(json_object_get(cert, "activity_id")), with);
	assert_string_equal(json_string_value(json_object_get(cert, "activity_title")),
			    "Tập huấn cert-yes");
	assert_string_equal(json_string_value(json_object_get(cert, "activity_kind")), "training");
	assert_non_null(json_string_value(json_object_get(cert, "issuer")));
	assert_true(json_string_length(json_object_get(cert, "issuer")) > 0);
	assert_int_equal(json_string_length(json_object_get(cert, "date")), 10);
	json_decref(cert);
	/* The printable page names the same code; a second check-in keeps it. */
	char path[96];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/activities/%lld/certificate", with);
	assert_int_equal(http_get(&srv, path, pupil_token, &res), 0);
	assert_int_equal(res.status, 200);
	char *header = http_res_header(&res, "X-Certificate-Code");
	assert_non_null(header);
	assert_string_equal(header, code);
	assert_non_null(strstr(res.body, "GIẤY CHỨNG NHẬN"));
	assert_non_null(strstr(res.body, "Tập huấn cert-yes"));
	assert_non_null(strstr(res.body, "/css/certificate.css"));
	assert_non_null(strstr(res.body, code));
	free(header);
	http_res_free(&res);
	check_in(with, pupil_token);
	char *again = history_code(pupil_token, with);
	assert_string_equal(again, code);
	free(again);
	/* No certificate where none is given; none for who did not attend. */
	snprintf(path, sizeof path, "/api/v1/activities/%lld/certificate", without);
	assert_int_equal(http_get(&srv, path, pupil_token, &res), 0);
	assert_int_equal(res.status, 409);
	assert_string_equal(http_error_code(&res), "no_certificate");
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/activities/%lld/certificate", with);
	assert_int_equal(test_status(&srv, "GET", path, NULL, NULL), 401);
	assert_int_equal(test_status(&srv, "GET", path, pupil2_token, NULL), 404);
	assert_int_equal(test_status(&srv, "GET", path, root_token, NULL), 404);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/activities/999999/certificate",
				     pupil_token, NULL),
			 404);
	assert_int_equal(
		test_status(&srv, "GET", "/api/v1/activities/x/certificate", pupil_token, NULL),
		404);
	/* A name changed in the database: the signature no longer matches. */
	tamper(code, "name:pupil1", "name:pupil9");
	assert_int_equal(verify(code, NULL), 404);
	tamper(code, "name:pupil9", "name:pupil1");
	assert_int_equal(verify(code, NULL), 200);
	/* One changed character: not a certificate. */
	code[20] = code[20] == 'A' ? 'B' : 'A';
	assert_int_equal(verify(code, NULL), 404);
	free(code);
}

static void uploaded_list_certifies_inside_the_unit_admins_subtree(void **state)
{
	(void)state;
	char path[96];
	struct http_res res;
	long long near = test_create_training(&srv, d1_token, "cert-list", "S1", true);
	long long far = test_create_training(&srv, root_token, "cert-far", "S2", true);
	snprintf(path, sizeof path, "/api/v1/admin/activities/%lld/attendees", near);
	assert_int_equal(http_send(&srv, "POST", path, d1_token,
				   "[{\"username\":\"pupil3\"},{\"username\":\"far1\"}]", &res),
			 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_integer_value(json_object_get(res.json, "added")), 1);
	json_t *err = json_array_get(json_object_get(res.json, "errors"), 0);
	assert_int_equal(json_integer_value(json_object_get(err, "line")), 2);
	http_res_free(&res);
	char *code = history_code(pupil3_token, near);
	assert_non_null(code);
	json_t *cert = NULL;
	assert_int_equal(verify(code, &cert), 200);
	assert_string_equal(json_string_value(json_object_get(cert, "full_name")), "pupil3");
	json_decref(cert);
	free(code);
	/* Outside its subtree the unit_admin certifies nobody; the admin may. */
	snprintf(path, sizeof path, "/api/v1/admin/activities/%lld/attendees", far);
	assert_int_equal(test_status(&srv, "POST", path, d1_token, "[{\"username\":\"pupil3\"}]"),
			 403);
	assert_null(history_row(pupil3_token, far));
	assert_int_equal(
		test_status(&srv, "POST", path, pupil_token, "[{\"username\":\"pupil3\"}]"), 403);
	assert_int_equal(test_status(&srv, "POST", path, NULL, "[{\"username\":\"pupil3\"}]"), 401);
	assert_int_equal(test_status(&srv, "POST", path, root_token, "[{\"username\":\"pupil3\"}]"),
			 200);
	code = history_code(pupil3_token, far);
	assert_non_null(code);
	assert_int_equal(verify(code, NULL), 200);
	free(code);
}

static void giving_certificates_later_certifies_who_came_before(void **state)
{
	(void)state;
	char path[96];
	long long id = test_create_training(&srv, d1_token, "cert-later", "S1", false);
	check_in(id, pupil2_token);
	assert_null(history_code(pupil2_token, id));
	snprintf(path, sizeof path, "/api/v1/admin/activities/%lld", id);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"certificate\":true}"), 200);
	char *code = history_code(pupil2_token, id);
	assert_non_null(code);
	assert_int_equal(verify(code, NULL), 200);
	/* Turning it off and on again issues nothing new. */
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"certificate\":false}"),
			 200);
	assert_int_equal(test_status(&srv, "PATCH", path, d1_token, "{\"certificate\":true}"), 200);
	char *again = history_code(pupil2_token, id);
	assert_string_equal(again, code);
	free(again);
	free(code);
}

static void history_shows_attempts_and_attended_activities_of_the_caller(void **state)
{
	(void)state;
	struct http_res res;
	long long id = test_create_training(&srv, root_token, "hist-1", "S1", false);
	check_in(id, pupil_token);
	assert_int_equal(test_status(&srv, "GET", "/api/v1/me/history", NULL, NULL), 401);
	assert_int_equal(http_get(&srv, "/api/v1/me/history", pupil_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *attempts = json_object_get(res.json, "attempts");
	assert_int_equal(json_array_size(attempts), 1);
	json_t *a = json_array_get(attempts, 0);
	assert_int_equal(json_integer_value(json_object_get(a, "id")), passed_mandatory);
	assert_string_equal(json_string_value(json_object_get(a, "quiz_title")),
			    "Kiểm tra an toàn thông tin");
	assert_true(json_is_true(json_object_get(a, "passed")));
	assert_true(json_is_true(json_object_get(a, "certificate_available")));
	size_t i;
	json_t *t;
	int seen = 0;
	json_array_foreach(json_object_get(res.json, "activities"), i, t)
	{
		if (json_integer_value(json_object_get(t, "activity_id")) != id)
			continue;
		seen++;
		assert_string_equal(json_string_value(json_object_get(t, "title")),
				    "Tập huấn hist-1");
		assert_string_equal(json_string_value(json_object_get(t, "kind")), "training");
		assert_string_equal(json_string_value(json_object_get(t, "how")), "check_in");
		assert_false(json_is_true(json_object_get(t, "certificate_available")));
		assert_true(json_is_null(json_object_get(t, "certificate")));
		assert_non_null(json_string_value(json_object_get(t, "at")));
	}
	assert_int_equal(seen, 1);
	http_res_free(&res);
	/* Each sees only their own: pupil2 did not attend; the admins have none. */
	json_t *row = history_row(pupil2_token, id);
	assert_null(row);
	const char *const others[] = { d1_token, root_token };
	for (size_t k = 0; k < 2; k++) {
		assert_int_equal(http_get(&srv, "/api/v1/me/history", others[k], &res), 0);
		assert_int_equal(res.status, 200);
		assert_int_equal(json_array_size(json_object_get(res.json, "attempts")), 0);
		assert_int_equal(json_array_size(json_object_get(res.json, "activities")), 0);
		http_res_free(&res);
	}
}

/* The export's certificate of kind for ref (attempt or activity id). */
static json_t *export_cert(json_t *export, const char *kind, long long ref)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(export, "certificates"), i, c)
	{
		const char *key = !strcmp(kind, "quiz") ? "attempt_id" : "activity_id";
		if (!strcmp(json_string_value(json_object_get(c, "kind")), kind) &&
		    json_integer_value(json_object_get(c, key)) == ref)
			return c;
	}
	return NULL;
}

static void export_holds_attendance_and_erasure_removes_its_certificates(void **state)
{
	(void)state;
	char path[128];
	struct http_res res;
	long long id = test_create_training(&srv, root_token, "cert-export", "S1", true);
	check_in(id, pupil3_token);
	char *code = history_code(pupil3_token, id);
	assert_non_null(code);
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld/export", (long long)pupil3_id);
	assert_int_equal(test_status(&srv, "GET", path, NULL, NULL), 401);
	assert_int_equal(test_status(&srv, "GET", path, pupil3_token, NULL), 403);
	assert_int_equal(test_status(&srv, "GET", path, d1_token, NULL), 403);
	assert_int_equal(http_get(&srv, path, root_token, &res), 0);
	assert_int_equal(res.status, 200);
	size_t i;
	json_t *t, *found = NULL;
	json_array_foreach(json_object_get(res.json, "attendances"), i, t)
	{
		if (json_integer_value(json_object_get(t, "activity_id")) == id)
			found = t;
	}
	assert_non_null(found);
	assert_string_equal(json_string_value(json_object_get(found, "code")), "cert-export");
	assert_string_equal(json_string_value(json_object_get(found, "unit_code")), "S1");
	assert_string_equal(json_string_value(json_object_get(found, "audience")), "pupil");
	assert_string_equal(json_string_value(json_object_get(found, "certificate")), code);
	json_t *c = export_cert(res.json, "attendance", id);
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "code")), code);
	assert_true(json_is_null(json_object_get(c, "attempt_id")));
	http_res_free(&res);
	/* quizadm exports the same. */
	char *out = NULL;
	assert_int_equal(run_quizadm(&srv, &out, "user", "export", "pupil3", NULL), 0);
	assert_non_null(strstr(out, "\"attendances\""));
	assert_non_null(strstr(out, code));
	free(out);
	long long before = 0;
	assert_int_equal(http_get(&srv, "/api/v1/admin/activities", root_token, &res), 0);
	json_array_foreach(json_object_get(res.json, "activities"), i, t)
	{
		if (json_integer_value(json_object_get(t, "id")) == id)
			before = json_integer_value(json_object_get(t, "attendees"));
	}
	http_res_free(&res);
	assert_int_equal(before, 1);
	/* Erased: the certificate no longer verifies, the attendance still
	 * counts, anonymised. */
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", (long long)pupil3_id);
	assert_int_equal(test_status(&srv, "DELETE", path, d1_token, NULL), 403);
	assert_int_equal(test_status(&srv, "DELETE", path, root_token, NULL), 204);
	assert_int_equal(verify(code, NULL), 404);
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld/export", (long long)pupil3_id);
	assert_int_equal(http_get(&srv, path, root_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_array_size(json_object_get(res.json, "certificates")), 0);
	assert_true(json_array_size(json_object_get(res.json, "attendances")) >= 1);
	json_array_foreach(json_object_get(res.json, "attendances"), i, t)
	{
		assert_true(json_is_null(json_object_get(t, "certificate")));
	}
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/admin/activities", root_token, &res), 0);
	long long after = -1;
	json_array_foreach(json_object_get(res.json, "activities"), i, t)
	{
		if (json_integer_value(json_object_get(t, "id")) == id)
			after = json_integer_value(json_object_get(t, "attendees"));
	}
	http_res_free(&res);
	assert_int_equal(after, 1);
	free(code);
}

static void quiz_and_attendance_certificates_share_the_export_list(void **state)
{
	(void)state;
	char path[128];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/attempts/%lld/certificate",
		 (long long)passed_mandatory);
	assert_int_equal(http_get(&srv, path, pupil_token, &res), 0);
	assert_int_equal(res.status, 200);
	char *quiz_code = http_res_header(&res, "X-Certificate-Code");
	assert_non_null(quiz_code);
	http_res_free(&res);
	json_t *cert = NULL;
	assert_int_equal(verify(quiz_code, &cert), 200);
	assert_string_equal(json_string_value(json_object_get(cert, "kind")), "quiz");
	assert_string_equal(json_string_value(json_object_get(cert, "score")), "10/10");
	json_decref(cert);
	/* Asked again, the same code; the history shows it on the attempt. */
	assert_int_equal(http_get(&srv, path, pupil_token, &res), 0);
	char *again = http_res_header(&res, "X-Certificate-Code");
	assert_string_equal(again, quiz_code);
	free(again);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/me/history", pupil_token, &res), 0);
	json_t *a = json_array_get(json_object_get(res.json, "attempts"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "certificate")), quiz_code);
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld/export", (long long)pupil_id);
	assert_int_equal(http_get(&srv, path, root_token, &res), 0);
	json_t *c = export_cert(res.json, "quiz", passed_mandatory);
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "code")), quiz_code);
	assert_true(json_is_null(json_object_get(c, "activity_id")));
	/* pupil1's attendance certificate of the first test is listed too. */
	size_t i, attendance = 0;
	json_array_foreach(json_object_get(res.json, "certificates"), i, c)
	{
		attendance += !strcmp(json_string_value(json_object_get(c, "kind")), "attendance");
	}
	assert_int_equal(attendance, 1);
	http_res_free(&res);
	free(quiz_code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_in_issues_a_certificate_only_where_the_activity_gives_one),
		cmocka_unit_test(uploaded_list_certifies_inside_the_unit_admins_subtree),
		cmocka_unit_test(giving_certificates_later_certifies_who_came_before),
		cmocka_unit_test(history_shows_attempts_and_attended_activities_of_the_caller),
		cmocka_unit_test(export_holds_attendance_and_erasure_removes_its_certificates),
		cmocka_unit_test(quiz_and_attendance_certificates_share_the_export_list),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
