/* test_report.c - reports, plans, chasing, certificates and personal data
 * over HTTP against the real quizd; the CSV and XLSX opened by LibreOffice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "harness.h"

static struct server srv;
static char *admin_token, *d1_token, *pupil_token, *pupil2_token;
static int64_t pupil_id, pupil2_id, passed_mandatory, passed_optional, failed_mandatory;
static int64_t mandatory_quiz, optional_quiz;
static int this_year;

static const char UNITS_CSV[] = "code,name,kind,parent_code\n"
				"P,Tỉnh Hậu Giang,province,\n"
				"D1,Huyện Châu Thành,district,P\n"
				"D2,Huyện Phụng Hiệp,district,P\n"
				"S1,Trường THCS Nguyễn Trãi,school,D1\n"
				"S2,Trường THPT Lê Quý Đôn,school,D2\n";

/* Seeds quizzes and attempts straight into quizd's database (WAL lets both
 * write), as the quiz module would leave them. */
static void seed_attempts(void)
{
	char err[256];
	struct db *db = db_open(srv.db, err, sizeof err);
	assert_non_null(db);
	struct db_unit s1, s2;
	assert_int_equal(db_unit_by_code(db, "S1", &s1), 1);
	assert_int_equal(db_unit_by_code(db, "S2", &s2), 1);
	assert_int_equal(db_begin_write(db), 0);
	int64_t bank = db_fixture_bank(db, "hs", "pupil");
	int64_t q1 = db_fixture_question(db, bank, "hs-1", "misinformation");
	int64_t opens = clock_vn_year_start_ms(this_year),
		closes = clock_vn_year_start_ms(this_year + 1);
	int64_t mandatory = db_fixture_quiz(db, "kt-hs", "Kiểm tra an toàn thông tin học sinh",
					    true, "pupil", 0, opens, closes);
	int64_t optional = db_fixture_quiz(db, "thi-hs", "Cuộc thi Rung chuông vàng", false,
					   "pupil", 0, opens, closes);
	mandatory_quiz = mandatory;
	optional_quiz = optional;
	int64_t now = clock_now_ms();
	struct db_fixture_attempt a = { .quiz_id = mandatory,
					.user_id = pupil_id,
					.unit_id = s1.id,
					.audience = "pupil",
					.state = "submitted",
					.started_at = now - 60000,
					.finished_at = now - 1000,
					.score = 9,
					.max_score = 10,
					.passed = false,
					.question_ids = &q1,
					.nquestions = 1 };
	failed_mandatory = db_fixture_attempt(db, &a);
	a.passed = true;
	a.score = 10;
	passed_mandatory = db_fixture_attempt(db, &a);
	a.quiz_id = optional;
	passed_optional = db_fixture_attempt(db, &a);
	assert_true(failed_mandatory > 0 && passed_mandatory > 0 && passed_optional > 0);
	assert_int_equal(db_commit(db), 0);
	db_close(db);
}

static int setup(void **state)
{
	(void)state;
	this_year = clock_vn_year(clock_now_ms());
	if (server_up(&srv, NULL))
		return -1;
	test_add_units_csv(&srv, UNITS_CSV);
	if (test_add_roles(&srv, &admin_token, &d1_token, &pupil_token))
		return -1;
	test_add_user(&srv, "pupil2", "Pupil-Password-2", "participant", "S1", "pupil");
	test_add_user(&srv, "pupil3", "Pupil-Password-3", "participant", "S2", "pupil");
	pupil2_token = test_login(&srv, "pupil2", "Pupil-Password-2", NULL);
	if (!admin_token || !d1_token || !pupil_token || !pupil2_token)
		return -1;
	pupil_id = test_user_id(&srv, pupil_token);
	pupil2_id = test_user_id(&srv, pupil2_token);
	/* Full names with Vietnamese letters, through the admin import. */
	struct http_res res;
	char path[128], body[128];
	snprintf(path, sizeof path, "/api/v1/admin/units/S1/headcounts");
	snprintf(body, sizeof body, "[{\"year\":%d,\"audience\":\"pupil\",\"count\":4}]",
		 this_year);
	if (http_send(&srv, "PUT", path, admin_token, body, &res) || res.status != 204)
		return -1;
	http_res_free(&res);
	seed_attempts();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(admin_token);
	free(d1_token);
	free(pupil_token);
	free(pupil2_token);
	return server_stop(&srv, true);
}

static json_t *find_row(json_t *rows, const char *unit, const char *audience)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		if (!strcmp(json_string_value(json_object_get(row, "unit_code")), unit) &&
		    !strcmp(json_string_value(json_object_get(row, "audience")), audience))
			return row;
	}
	return NULL;
}

static void participation_json_has_the_contract_shape_and_figures(void **state)
{
	(void)state;
	struct http_res res;
	char path[160];
	snprintf(path, sizeof path, "/api/v1/reports/participation?year=%d&unit=P&depth=2",
		 this_year);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_integer_value(json_object_get(res.json, "year")), this_year);
	json_t *rows = json_object_get(res.json, "rows");
	json_t *s1 = find_row(rows, "S1", "pupil");
	assert_non_null(s1);
	assert_string_equal(json_string_value(json_object_get(s1, "unit_name")),
			    "Trường THCS Nguyễn Trãi");
	assert_int_equal(json_integer_value(json_object_get(s1, "headcount")), 4);
	assert_string_equal(json_string_value(json_object_get(s1, "headcount_source")), "declared");
	assert_int_equal(json_integer_value(json_object_get(s1, "registered")), 2);
	/* pupil1: three attempts, one person. */
	assert_int_equal(json_integer_value(json_object_get(s1, "participants")), 1);
	assert_int_equal(json_integer_value(json_object_get(s1, "passed")), 1);
	assert_int_equal(json_integer_value(json_object_get(s1, "attempts")), 3);
	assert_true(json_real_value(json_object_get(s1, "participation_percent")) == 25.0);
	assert_true(json_real_value(json_object_get(s1, "passed_percent")) == 25.0);
	json_t *s2 = find_row(rows, "S2", "pupil");
	assert_string_equal(json_string_value(json_object_get(s2, "headcount_source")), "roster");
	assert_int_equal(json_integer_value(json_object_get(s2, "headcount")), 1);
	json_t *p = find_row(rows, "P", "pupil");
	assert_string_equal(json_string_value(json_object_get(p, "headcount_source")), "mixed");
	assert_int_equal(json_integer_value(json_object_get(p, "headcount")), 5);
	http_res_free(&res);
	assert_int_equal(
		http_get(&srv, "/api/v1/reports/participation?year=20x6", admin_token, &res), 0);
	assert_int_equal(res.status, 400);
	assert_string_equal(http_error_code(&res), "bad_request");
	http_res_free(&res);
	assert_int_equal(
		http_get(&srv, "/api/v1/reports/participation?unit=NOPE", admin_token, &res), 0);
	assert_int_equal(res.status, 404);
	http_res_free(&res);
}

static void unit_admin_is_kept_inside_its_subtree(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/reports/participation?unit=D2", d1_token, &res),
			 0);
	assert_int_equal(res.status, 403);
	assert_string_equal(http_error_code(&res), "forbidden");
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/reports/participation", d1_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *rows = json_object_get(res.json, "rows");
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(rows, 0), "unit_code")), "D1");
	assert_null(find_row(rows, "S2", "pupil"));
	http_res_free(&res);
	assert_int_equal(
		http_get(&srv, "/api/v1/reports/plans/hau-giang-1907?unit=P", d1_token, &res), 0);
	assert_int_equal(res.status, 403);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/reports/participation", pupil_token, &res), 0);
	assert_int_equal(res.status, 403);
	http_res_free(&res);
}

static void csv_has_bom_and_vietnamese_or_english_headers(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/reports/participation?unit=P&depth=2&format=csv",
				  admin_token, &res),
			 0);
	assert_int_equal(res.status, 200);
	char *ct = http_res_header(&res, "Content-Type");
	assert_non_null(strstr(ct, "text/csv"));
	free(ct);
	assert_memory_equal(res.body, "\xEF\xBB\xBF", 3);
	assert_true(strncmp(res.body + 3, "Mã đơn vị,Tên đơn vị,Đối tượng", 20) == 0);
	assert_non_null(strstr(res.body, "Trường THCS Nguyễn Trãi"));
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/reports/participation?format=csv&lang=en",
				  admin_token, &res),
			 0);
	assert_true(strncmp(res.body + 3, "Unit code,Unit name,Audience,Headcount", 38) == 0);
	http_res_free(&res);
	assert_int_equal(
		http_get(&srv, "/api/v1/reports/participation?format=pdf", admin_token, &res), 0);
	assert_int_equal(res.status, 400);
	http_res_free(&res);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* LibreOffice (headless) converts in to the format of filter, into dir.
 * infilter: import filter options, or NULL to let LibreOffice choose. */
static int soffice_convert(const char *in, const char *infilter, const char *filter,
			   const char *dir)
{
	char cmd[4096], opt[128] = "";
	if (infilter)
		snprintf(opt, sizeof opt, "'--infilter=%s'", infilter);
	snprintf(cmd, sizeof cmd,
		 "HOME=%s soffice -env:UserInstallation=file://%s/lo-profile --headless %s "
		 "--convert-to '%s' --outdir %s %s >%s/soffice.log 2>&1",
		 dir, dir, opt, filter, dir, in, dir);
	return system(cmd);
}

static void csv_and_xlsx_open_in_libreoffice_with_names_intact(void **state)
{
	(void)state;
	if (system("command -v soffice >/dev/null 2>&1") != 0) {
		/* scripts/install-deps.sh --test installs libreoffice-calc-nogui. */
		fail_msg("soffice (LibreOffice) is not installed: run make test-deps");
	}
	char dir[300];
	snprintf(dir, sizeof dir, "%s/lo", srv.dir);
	mkdir(dir, 0700);
	struct http_res res;
	/* The CSV, opened by LibreOffice and saved as a spreadsheet, then back
	 * to CSV: the Vietnamese names come through. */
	assert_int_equal(http_get(&srv, "/api/v1/reports/participation?unit=P&depth=2&format=csv",
				  admin_token, &res),
			 0);
	char in[400], out[400];
	snprintf(in, sizeof in, "%s/participation.csv", dir);
	write_file(in, res.body, res.len);
	http_res_free(&res);
	/* Headless LibreOffice does not sniff the BOM (Excel does); the Text
	 * Import choice "UTF-8, comma, double quote" is filter options 44,34,76. */
	assert_int_equal(soffice_convert(in, "CSV:44,34,76", "xlsx", dir), 0);
	snprintf(in, sizeof in, "%s/participation.xlsx", dir);
	snprintf(out, sizeof out, "%s/back", dir);
	mkdir(out, 0700);
	assert_int_equal(soffice_convert(in, NULL, "csv:Text - txt - csv (StarCalc):44,34,76", out),
			 0);
	snprintf(in, sizeof in, "%s/back/participation.csv", dir);
	char *text = slurp(in);
	assert_non_null(text);
	assert_non_null(strstr(text, "Trường THCS Nguyễn Trãi"));
	assert_non_null(strstr(text, "Huyện Phụng Hiệp"));
	/* The BOM is taken as the encoding mark, not as part of the first cell. */
	assert_true(strncmp(text, "Mã đơn vị,Tên đơn vị", 23) == 0);
	free(text);

	/* The XLSX: a valid zip, and LibreOffice reads the same names. */
	assert_int_equal(http_get(&srv, "/api/v1/reports/participation?unit=P&depth=2&format=xlsx",
				  admin_token, &res),
			 0);
	assert_int_equal(res.status, 200);
	char *ct = http_res_header(&res, "Content-Type");
	assert_non_null(strstr(ct, "spreadsheetml"));
	free(ct);
	snprintf(in, sizeof in, "%s/report.xlsx", dir);
	write_file(in, res.body, res.len);
	http_res_free(&res);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "unzip -tq %s >/dev/null", in);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(soffice_convert(in, NULL, "csv:Text - txt - csv (StarCalc):44,34,76", dir),
			 0);
	snprintf(in, sizeof in, "%s/report.csv", dir);
	text = slurp(in);
	assert_non_null(text);
	assert_non_null(strstr(text, "Trường THPT Lê Quý Đôn"));
	assert_non_null(strstr(text, "Mã đơn vị"));
	free(text);
}

static void plan_report_has_the_contract_shape(void **state)
{
	(void)state;
	struct http_res res;
	char path[160];
	snprintf(path, sizeof path, "/api/v1/reports/plans/hau-giang-1907?year=%d&unit=P",
		 this_year);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *plan = json_object_get(res.json, "plan");
	assert_string_equal(json_string_value(json_object_get(plan, "code")), "hau-giang-1907");
	char deadline_nov[16], deadline_dec[16];
	snprintf(deadline_nov, sizeof deadline_nov, "%d-11-30", this_year);
	snprintf(deadline_dec, sizeof deadline_dec, "%d-12-15", this_year);
	const char *deadline = json_string_value(json_object_get(res.json, "deadline"));
	assert_true(!strcmp(deadline, deadline_nov) || !strcmp(deadline, deadline_dec));
	json_t *targets = json_object_get(res.json, "targets");
	assert_int_equal(json_array_size(targets), 10);
	size_t i;
	json_t *t;
	bool saw_schools = false;
	json_array_foreach(targets, i, t)
	{
		const char *keys[] = { "id",          "metric",    "audience",       "topic",
				       "comparator",  "threshold", "actual_percent", "numerator",
				       "denominator", "met",       "gap_percent" };
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			assert_non_null(json_object_get(t, keys[k]));
		if (!strcmp(json_string_value(json_object_get(t, "id")),
			    "schools_risk_programme")) {
			saw_schools = true;
			/* S1 ran one (1 of 4 declared pupils < 50%); S2 did not: 0 of 2. */
			assert_int_equal(json_integer_value(json_object_get(t, "denominator")), 2);
			assert_int_equal(json_integer_value(json_object_get(t, "numerator")), 0);
			assert_false(json_is_true(json_object_get(t, "met")));
			assert_true(json_real_value(json_object_get(t, "gap_percent")) == 80.0);
		}
	}
	assert_true(saw_schools);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/reports/plans/no-such-plan", admin_token, &res),
			 0);
	assert_int_equal(res.status, 404);
	http_res_free(&res);
}

static void admin_lists_and_edits_plans(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/admin/plans", admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *plans = json_object_get(res.json, "plans");
	assert_true(json_array_size(plans) >= 3);
	http_res_free(&res);
	const char *plan = "{\"title\":\"Kế hoạch của huyện\",\"deadlines\":[\"11-30\"],"
			   "\"unit_min_participation\":60,\"targets\":[{\"id\":\"pupils\","
			   "\"metric\":\"persons\",\"audience\":\"pupil\",\"comparator\":\">=\","
			   "\"threshold\":20,\"source\":\"tự đặt\"}]}";
	assert_int_equal(
		http_send(&srv, "PUT", "/api/v1/admin/plans/huyen-ct", admin_token, plan, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *p = json_object_get(res.json, "plan");
	assert_string_equal(json_string_value(json_object_get(p, "code")), "huyen-ct");
	assert_true(json_real_value(json_object_get(p, "unit_min_participation")) == 60.0);
	http_res_free(&res);
	/* Measured: 1 of S1's 4 declared pupils took part = 25% >= 20%. */
	assert_int_equal(
		http_get(&srv, "/api/v1/reports/plans/huyen-ct?unit=S1", admin_token, &res), 0);
	json_t *t = json_array_get(json_object_get(res.json, "targets"), 0);
	assert_true(json_real_value(json_object_get(t, "actual_percent")) == 25.0);
	assert_true(json_is_true(json_object_get(t, "met")));
	assert_true(json_real_value(json_object_get(t, "gap_percent")) == 0.0);
	http_res_free(&res);
	assert_int_equal(
		http_send(&srv, "PUT", "/api/v1/admin/plans/huyen-ct", admin_token,
			  "{\"title\":\"x\",\"targets\":[{\"id\":\"a\",\"metric\":\"units\","
			  "\"audience\":\"pupil\",\"threshold\":50}]}",
			  &res),
		0);
	assert_int_equal(res.status, 400);
	assert_non_null(strstr(res.body, "unit_kind"));
	http_res_free(&res);
	assert_int_equal(
		http_send(&srv, "PUT", "/api/v1/admin/plans/huyen-ct", d1_token, plan, &res), 0);
	assert_int_equal(res.status, 403);
	http_res_free(&res);
}

static void chasing_lists_who_has_not_completed_the_mandatory_test(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/reports/missing?unit=P", admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *people = json_object_get(res.json, "people");
	/* pupil1 completed kt-hs; pupil2 and pupil3 did not. */
	assert_int_equal(json_array_size(people), 2);
	json_t *first = json_array_get(people, 0);
	assert_string_equal(json_string_value(json_object_get(first, "username")), "pupil2");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(first, "missing"), 0), "code")),
			    "kt-hs");
	assert_true(json_is_integer(json_object_get(res.json, "unit_days_left")));
	assert_int_equal(json_integer_value(json_object_get(res.json, "department_days_left")) -
				 json_integer_value(json_object_get(res.json, "unit_days_left")),
			 15);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/reports/missing?format=csv", d1_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body, "pupil2"));
	assert_null(strstr(res.body, "pupil3")); /* S2 is outside D1 */
	assert_non_null(strstr(res.body, "Hạn báo cáo của Sở"));
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/reports/missing?unit=D2", d1_token, &res), 0);
	assert_int_equal(res.status, 403);
	http_res_free(&res);
	/* quiz= narrows to one mandatory quiz; a quiz that is not mandatory is 404. */
	char path[128];
	assert_int_equal(http_get(&srv, "/api/v1/reports/missing?quiz=abc", admin_token, &res), 0);
	assert_int_equal(res.status, 400);
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/reports/missing?quiz=%lld", (long long)optional_quiz);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 404);
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/reports/missing?quiz=%lld&unit=S1",
		 (long long)mandatory_quiz);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(json_array_size(json_object_get(res.json, "people")), 1);
	http_res_free(&res);
}

static void certificate_is_signed_and_checkable_without_login(void **state)
{
	(void)state;
	struct http_res res;
	char path[160];
	snprintf(path, sizeof path, "/api/v1/attempts/%lld/certificate",
		 (long long)passed_mandatory);
	assert_int_equal(http_get(&srv, path, pupil_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body, "GIẤY CHỨNG NHẬN"));
	assert_non_null(strstr(res.body, "Kiểm tra an toàn thông tin học sinh"));
	char *code = http_res_header(&res, "X-Certificate-Code");
	assert_non_null(code);
	assert_int_equal(strlen(code), 86);
	assert_non_null(strstr(res.body, code));
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/certificates/%s", code);
	assert_int_equal(http_get(&srv, path, NULL, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *c = json_object_get(res.json, "certificate");
	assert_int_equal(json_integer_value(json_object_get(c, "attempt_id")), passed_mandatory);
	assert_string_equal(json_string_value(json_object_get(c, "score")), "10/10");
	http_res_free(&res);
	/* One changed character: not a certificate. */
	code[10] = code[10] == 'A' ? 'B' : 'A';
	snprintf(path, sizeof path, "/api/v1/certificates/%s", code);
	assert_int_equal(http_get(&srv, path, NULL, &res), 0);
	assert_int_equal(res.status, 404);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/certificates/not-a-code", NULL, &res), 0);
	assert_int_equal(res.status, 404);
	http_res_free(&res);
	free(code);
	/* Someone else's attempt, a failed one, a non-mandatory quiz. */
	snprintf(path, sizeof path, "/api/v1/attempts/%lld/certificate",
		 (long long)passed_mandatory);
	assert_int_equal(http_get(&srv, path, pupil2_token, &res), 0);
	assert_int_equal(res.status, 404);
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/attempts/%lld/certificate",
		 (long long)failed_mandatory);
	assert_int_equal(http_get(&srv, path, pupil_token, &res), 0);
	assert_int_equal(res.status, 409);
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/attempts/%lld/certificate",
		 (long long)passed_optional);
	assert_int_equal(http_get(&srv, path, pupil_token, &res), 0);
	assert_int_equal(res.status, 409);
	http_res_free(&res);
	/* The key is a 0600 file outside the database. */
	char key[400];
	snprintf(key, sizeof key, "%s/certificate-signing.key", srv.dir);
	struct stat st;
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void yearly_report_page_is_vietnamese_html(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/reports/yearly?plan=binh-thuan-1907&unit=P",
				  admin_token, &res),
			 0);
	assert_int_equal(res.status, 200);
	char *ct = http_res_header(&res, "Content-Type");
	assert_non_null(strstr(ct, "text/html"));
	free(ct);
	char heading[64];
	snprintf(heading, sizeof heading, "năm %d</p>", this_year);
	assert_non_null(strstr(res.body, "BÁO CÁO"));
	assert_non_null(strstr(res.body, "Kết quả triển khai"));
	assert_non_null(strstr(res.body, heading));
	assert_non_null(strstr(res.body, "Huyện Châu Thành"));
	http_res_free(&res);
	assert_int_equal(http_get(&srv, "/api/v1/reports/yearly", admin_token, &res), 0);
	assert_int_equal(res.status, 400);
	http_res_free(&res);
}

static void personal_data_is_exported_then_erased_but_counted(void **state)
{
	(void)state;
	struct http_res res;
	char path[160];
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld/export", (long long)pupil_id);
	assert_int_equal(http_get(&srv, path, d1_token, &res), 0);
	assert_int_equal(res.status, 403);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *user = json_object_get(res.json, "user");
	assert_string_equal(json_string_value(json_object_get(user, "username")), "pupil1");
	assert_int_equal(json_array_size(json_object_get(res.json, "attempts")), 3);
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld", (long long)pupil_id);
	assert_int_equal(http_send(&srv, "DELETE", path, admin_token, NULL, &res), 0);
	assert_int_equal(res.status, 204);
	http_res_free(&res);
	/* The session is gone and the name too. */
	assert_int_equal(http_get(&srv, "/api/v1/me", pupil_token, &res), 0);
	assert_int_equal(res.status, 401);
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/admin/users/%lld/export", (long long)pupil_id);
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	user = json_object_get(res.json, "user");
	assert_string_equal(json_string_value(json_object_get(user, "full_name")), "");
	assert_true(json_is_string(json_object_get(user, "erased_at")));
	http_res_free(&res);
	/* Still one participant in S1. */
	assert_int_equal(http_get(&srv, "/api/v1/reports/participation?unit=S1&audience=pupil",
				  admin_token, &res),
			 0);
	json_t *row = json_array_get(json_object_get(res.json, "rows"), 0);
	assert_int_equal(json_integer_value(json_object_get(row, "participants")), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "attempts")), 3);
	http_res_free(&res);
	assert_int_equal(
		http_send(&srv, "DELETE", "/api/v1/admin/users/999999", admin_token, NULL, &res),
		0);
	assert_int_equal(res.status, 404);
	http_res_free(&res);
}

static void quizadm_report_writes_csv_json_and_xlsx(void **state)
{
	(void)state;
	char year[8];
	snprintf(year, sizeof year, "%d", this_year);
	char *out = NULL;
	assert_int_equal(run_quizadm(&srv, &out, "report", "participation", "--year", year,
				     "--unit", "P", "--format", "csv", NULL),
			 0);
	assert_memory_equal(out, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(out, "Tỉnh Hậu Giang"));
	free(out);
	assert_int_equal(run_quizadm(&srv, &out, "report", "participation", "--year", year,
				     "--format", "json", NULL),
			 0);
	json_error_t jerr;
	json_t *j = json_loads(out, 0, &jerr);
	assert_non_null(j);
	assert_true(json_is_array(json_object_get(j, "rows")));
	json_decref(j);
	free(out);
	char xlsx[400];
	snprintf(xlsx, sizeof xlsx, "%s/cli.xlsx", srv.dir);
	assert_int_equal(run_quizadm(&srv, NULL, "report", "participation", "--year", year,
				     "--format", "xlsx", "--out", xlsx, NULL),
			 0);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "unzip -tq %s >/dev/null", xlsx);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(
		run_quizadm(&srv, &out, "report", "plan", "ha-noi-1907", "--year", year, NULL), 0);
	j = json_loads(out, 0, &jerr);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "targets")), 9);
	json_decref(j);
	free(out);
	assert_int_not_equal(
		run_quizadm(&srv, NULL, "report", "participation", "--year", "1999", NULL), 0);
	assert_int_equal(run_quizadm(&srv, &out, "user", "export", "pupil2", NULL), 0);
	j = json_loads(out, 0, &jerr);
	assert_non_null(j);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(j, "user"), "username")),
		"pupil2");
	json_decref(j);
	free(out);
	assert_int_not_equal(run_quizadm(&srv, NULL, "user", "export", "nobody-here", NULL), 0);
	assert_int_equal(run_quizadm(&srv, &out, "report", "missing", "--unit", "S1", "--format",
				     "csv", "--lang", "en", NULL),
			 0);
	assert_non_null(strstr(out, "Username,Full name"));
	assert_non_null(strstr(out, "pupil2"));
	free(out);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = calloc(1, 4 << 20);
	size_t n = fread(buf, 1, (4 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* End to end through the quiz module: a real bank, a quiz drawing
 * misinformation questions, an attempt started and submitted over HTTP;
 * the reports see it at once (the triggers run in the submit's transaction). */
static void a_submitted_attempt_shows_in_the_reports_at_once(void **state)
{
	(void)state;
	char *bank = read_text("question-banks/vi/pupil.json");
	assert_non_null(bank);
	struct http_res res;
	assert_int_equal(http_call(&srv, "POST", "/api/v1/admin/banks?format=json", admin_token,
				   bank, "application/json", NULL, &res),
			 0);
	free(bank);
	assert_int_equal(res.status, 200);
	http_res_free(&res);
	char body[1024];
	snprintf(body, sizeof body,
		 "{\"code\":\"tu-duy\",\"title\":\"Tư duy phản biện\",\"kind\":\"quiz\","
		 "\"audiences\":[\"pupil\"],\"unit_scope\":null,\"draw\":[{\"bank\":\"vi-pupil\","
		 "\"topic\":\"misinformation\",\"count\":3}],\"time_limit_s\":600,"
		 "\"max_attempts\":2,\"pass_percent\":50,\"opens_at\":\"%d-01-01T00:00:00Z\","
		 "\"closes_at\":\"%d-01-01T00:00:00Z\",\"shuffle_questions\":true,"
		 "\"shuffle_options\":true,\"review\":\"after_submit\"}",
		 this_year - 1, this_year + 1);
	assert_int_equal(http_send(&srv, "POST", "/api/v1/admin/quizzes", admin_token, body, &res),
			 0);
	assert_int_equal(res.status, 201);
	int64_t quiz = json_integer_value(json_object_get(json_object_get(res.json, "quiz"), "id"));
	http_res_free(&res);
	char *token = test_login(&srv, "pupil3", "Pupil-Password-3", NULL);
	assert_non_null(token);
	char path[160];
	snprintf(path, sizeof path, "/api/v1/quizzes/%lld/attempts", (long long)quiz);
	assert_int_equal(http_send(&srv, "POST", path, token, NULL, &res), 0);
	assert_int_equal(res.status, 201);
	int64_t attempt =
		json_integer_value(json_object_get(json_object_get(res.json, "attempt"), "id"));
	http_res_free(&res);
	snprintf(path, sizeof path, "/api/v1/attempts/%lld/submit", (long long)attempt);
	assert_int_equal(http_send(&srv, "POST", path, token, "{}", &res), 0);
	assert_int_equal(res.status, 200);
	http_res_free(&res);
	free(token);
	assert_int_equal(http_get(&srv, "/api/v1/reports/participation?unit=S2&audience=pupil",
				  admin_token, &res),
			 0);
	json_t *row = json_array_get(json_object_get(res.json, "rows"), 0);
	assert_int_equal(json_integer_value(json_object_get(row, "participants")), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "attempts")), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "passed")), 0);
	http_res_free(&res);
	/* S2's one pupil took a quiz covering misinformation: 1 of 1 school
	 * under S2 counts for the critical-thinking target. */
	assert_int_equal(
		http_get(&srv, "/api/v1/reports/plans/ha-noi-1907?unit=S2", admin_token, &res), 0);
	json_t *targets = json_object_get(res.json, "targets");
	size_t i;
	json_t *t;
	bool seen = false;
	json_array_foreach(targets, i, t)
	{
		if (strcmp(json_string_value(json_object_get(t, "id")),
			   "schools_critical_thinking"))
			continue;
		seen = true;
		assert_int_equal(json_integer_value(json_object_get(t, "numerator")), 1);
		assert_int_equal(json_integer_value(json_object_get(t, "denominator")), 1);
		assert_true(json_is_true(json_object_get(t, "met")));
	}
	assert_true(seen);
	http_res_free(&res);
}

/* The API's JSON at path and quizadm's for the same question are equal. */
static void same_answer(const char *path, const char *const *args)
{
	struct http_res res;
	char *out = NULL;
	json_error_t jerr;
	assert_int_equal(http_get(&srv, path, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_int_equal(run_quizadm(&srv, &out, args[0], args[1], args[2], args[3], args[4],
				     args[5], args[6], args[7], NULL),
			 0);
	json_t *cli = json_loads(out, 0, &jerr);
	assert_non_null(cli);
	if (!json_equal(res.json, cli))
		fail_msg("%s and quizadm %s %s differ", path, args[0], args[1]);
	json_decref(cli);
	free(out);
	http_res_free(&res);
}

static void api_and_quizadm_answer_the_same_reports(void **state)
{
	(void)state;
	char year[8], path[160];
	snprintf(year, sizeof year, "%d", this_year);
	snprintf(path, sizeof path, "/api/v1/reports/participation?year=%s&unit=P&depth=2", year);
	same_answer(path, (const char *const[]){ "report", "participation", "--year", year,
						 "--unit", "P", "--depth", "2" });
	snprintf(path, sizeof path, "/api/v1/reports/plans/hau-giang-1907?year=%s&unit=P", year);
	same_answer(path, (const char *const[]){ "report", "plan", "hau-giang-1907", "--year", year,
						 "--unit", "P", NULL });
	snprintf(path, sizeof path, "/api/v1/reports/missing?year=%s&unit=P", year);
	same_answer(path, (const char *const[]){ "report", "missing", "--year", year, "--unit", "P",
						 NULL, NULL });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(participation_json_has_the_contract_shape_and_figures),
		cmocka_unit_test(unit_admin_is_kept_inside_its_subtree),
		cmocka_unit_test(csv_has_bom_and_vietnamese_or_english_headers),
		cmocka_unit_test(csv_and_xlsx_open_in_libreoffice_with_names_intact),
		cmocka_unit_test(plan_report_has_the_contract_shape),
		cmocka_unit_test(admin_lists_and_edits_plans),
		cmocka_unit_test(chasing_lists_who_has_not_completed_the_mandatory_test),
		cmocka_unit_test(certificate_is_signed_and_checkable_without_login),
		cmocka_unit_test(yearly_report_page_is_vietnamese_html),
		cmocka_unit_test(quizadm_report_writes_csv_json_and_xlsx),
		cmocka_unit_test(api_and_quizadm_answer_the_same_reports),
		cmocka_unit_test(personal_data_is_exported_then_erased_but_counted),
		cmocka_unit_test(a_submitted_attempt_shows_in_the_reports_at_once),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
