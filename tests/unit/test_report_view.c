/* test_report_view.c - what the API and quizadm both answer for reports,
 * reached without HTTP: a table report as JSON or as a CSV/XLSX file, the
 * refusal of an unknown format or language, the yearly page, plans listed
 * and saved through the domain, and the outcomes of a refused request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "export.h"
#include "plan.h"
#include "report.h"
#include "report_view.h"
#include "testdb.h"

#define YEAR 2026
/* 2026-06-01T00:00:00Z */
#define JUNE 1780272000000LL

struct fixture {
	struct testdb tdb;
	struct db *db;
};

/* A province P with a school S: two pupils of S, one of whom passed a
 * mandatory quiz in June. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->db = testdb_open(&f->tdb, "test_report_view");
	assert_non_null(f->db);
	bool created;
	struct db_unit p, s;
	assert_int_equal(db_unit_upsert(f->db, "P", "Tỉnh Thử", "province", "", 0, &created), 0);
	assert_int_equal(db_unit_by_code(f->db, "P", &p), 1);
	assert_int_equal(db_unit_upsert(f->db, "S", "Trường \"Thử\", số 1", "school", "thcs", p.id,
					&created),
			 0);
	assert_int_equal(db_unit_by_code(f->db, "S", &s), 1);
	int64_t bank = db_fixture_bank(f->db, "b", "pupil");
	int64_t question = db_fixture_question(f->db, bank, "b-1", "");
	int64_t quiz = db_fixture_quiz(f->db, "q-hs", "Kiểm tra học sinh", true, "pupil", 0,
				       JUNE - 86400000LL * 30, JUNE + 86400000LL * 30);
	int64_t an = db_fixture_person(f->db, "hs.an", "Lê An", "participant", s.id, "pupil");
	assert_true(db_fixture_person(f->db, "hs.binh", "Phạm Bình", "participant", s.id, "pupil") >
		    0);
	struct db_fixture_attempt a = {
		.quiz_id = quiz,
		.user_id = an,
		.unit_id = s.id,
		.audience = "pupil",
		.state = "submitted",
		.started_at = JUNE - 600000,
		.finished_at = JUNE,
		.score = 9,
		.max_score = 10,
		.passed = true,
		.question_ids = &question,
		.nquestions = 1,
	};
	assert_true(db_fixture_attempt(f->db, &a) > 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	testdb_remove(&f->tdb, f->db);
	free(f);
	return 0;
}

static void participation_answers_json_with_the_contract_fields(void **state)
{
	struct fixture *f = *state;
	struct report_query q = { .year = YEAR, .unit_code = "P", .depth = 1 };
	struct report_output o;
	struct problem p = { "" };
	assert_int_equal(report_participation_output(f->db, &q, "json", "vi", &o, &p), OUTCOME_OK);
	assert_non_null(o.json);
	assert_null(o.file);
	assert_int_equal(json_integer_value(json_object_get(o.json, "year")), YEAR);
	json_t *rows = json_object_get(o.json, "rows");
	assert_int_equal(json_array_size(rows), 2); /* P and S, pupils */
	json_t *school = json_array_get(rows, 1);
	assert_string_equal(json_string_value(json_object_get(school, "unit_code")), "S");
	assert_int_equal(json_integer_value(json_object_get(school, "registered")), 2);
	assert_int_equal(json_integer_value(json_object_get(school, "participants")), 1);
	assert_int_equal(json_integer_value(json_object_get(school, "passed")), 1);
	assert_string_equal(json_string_value(json_object_get(school, "headcount_source")),
			    "roster");
	assert_float_equal(json_real_value(json_object_get(school, "participation_percent")), 50,
			   1e-9);
	json_decref(o.json);
}

static void participation_answers_files_in_either_language(void **state)
{
	struct fixture *f = *state;
	struct report_query q = { .year = YEAR, .unit_code = "P", .depth = 1 };
	struct report_output o;
	struct problem p = { "" };
	assert_int_equal(report_participation_output(f->db, &q, "csv", "en", &o, &p), OUTCOME_OK);
	assert_null(o.json);
	assert_int_equal(o.year, YEAR);
	/* BOM, English headers, the quoted name with its comma and quotes. */
	assert_memory_equal(o.file, "\xEF\xBB\xBFUnit code,", 13);
	char *text = strndup(o.file, o.len);
	assert_non_null(strstr(text, "\"Trường \"\"Thử\"\", số 1\""));
	assert_non_null(strstr(text, "\r\n"));
	free(text);
	free(o.file);

	assert_int_equal(report_participation_output(f->db, &q, "xlsx", "vi", &o, &p), OUTCOME_OK);
	assert_true(o.len > 4);
	assert_memory_equal(o.file, "PK\x03\x04", 4); /* a zip container */
	free(o.file);
}

static void unknown_format_language_or_unit_is_refused(void **state)
{
	struct fixture *f = *state;
	struct report_query q = { .year = YEAR };
	struct report_output o;
	struct problem p = { "" };
	assert_int_equal(report_participation_output(f->db, &q, "pdf", "vi", &o, &p),
			 OUTCOME_INVALID);
	assert_non_null(strstr(p.message, "format"));
	assert_int_equal(report_missing_output(f->db, &q, 0, "csv", "fr", &o, &p), OUTCOME_INVALID);
	assert_non_null(strstr(p.message, "lang"));
	q.unit_code = "NOPE";
	assert_int_equal(report_participation_output(f->db, &q, "json", "vi", &o, &p),
			 OUTCOME_NOT_FOUND);
	q.unit_code = "P";
	q.year = 1999;
	assert_int_equal(report_participation_output(f->db, &q, "json", "vi", &o, &p),
			 OUTCOME_INVALID);
	assert_non_null(strstr(p.message, "year"));
	/* A unit administrator of S asking about P: outside the subtree. */
	q.year = YEAR;
	q.scope_path = "/nowhere/";
	assert_int_equal(report_missing_output(f->db, &q, 0, "json", "vi", &o, &p),
			 OUTCOME_FORBIDDEN);
}

static void missing_answers_the_person_still_to_chase(void **state)
{
	struct fixture *f = *state;
	struct report_query q = { .year = YEAR, .unit_code = "S" };
	struct report_output o;
	struct problem p = { "" };
	assert_int_equal(report_missing_output(f->db, &q, 0, "json", "vi", &o, &p), OUTCOME_OK);
	json_t *people = json_object_get(o.json, "people");
	assert_int_equal(json_array_size(people), 1);
	json_t *binh = json_array_get(people, 0);
	assert_string_equal(json_string_value(json_object_get(binh, "username")), "hs.binh");
	json_t *missing = json_array_get(json_object_get(binh, "missing"), 0);
	assert_string_equal(json_string_value(json_object_get(missing, "code")), "q-hs");
	assert_string_equal(json_string_value(json_object_get(o.json, "unit_deadline")),
			    "2026-11-30");
	json_decref(o.json);
	/* A quiz id that is no mandatory quiz of the year. */
	assert_int_equal(report_missing_output(f->db, &q, 999, "json", "vi", &o, &p),
			 OUTCOME_NOT_FOUND);
}

static void yearly_page_holds_the_plan_and_the_units(void **state)
{
	struct fixture *f = *state;
	struct report_query q = { .year = YEAR, .unit_code = "P" };
	struct problem p = { "" };
	char *html = NULL;
	assert_int_equal(report_yearly_page(f->db, "hau-giang-1907", &q, &html, &p), OUTCOME_OK);
	assert_non_null(strstr(html, "BÁO CÁO"));
	assert_non_null(strstr(html, "Tỉnh Thử"));
	/* Text is escaped into the page. */
	assert_non_null(strstr(html, "Trường &quot;Thử&quot;, số 1"));
	free(html);
	assert_int_equal(report_yearly_page(f->db, "no-such-plan", &q, &html, &p),
			 OUTCOME_NOT_FOUND);
	assert_null(html);
}

static void plans_are_listed_and_saved_through_the_domain(void **state)
{
	struct fixture *f = *state;
	struct problem p = { "" };
	json_t *list = NULL, *saved = NULL;
	assert_int_equal(plan_list_json(f->db, &list, &p), OUTCOME_OK);
	size_t builtins = json_array_size(json_object_get(list, "plans"));
	assert_int_equal(builtins, plan_builtin_count());
	json_decref(list);

	json_t *body = plan_to_json(plan_builtin(0));
	assert_int_equal(plan_put_json(f->db, "other-code", body, &saved, &p), OUTCOME_INVALID);
	assert_non_null(strstr(p.message, "code"));
	assert_null(saved);
	json_object_del(body, "code");
	json_object_set_new(body, "title", json_string("Bản sửa"));
	assert_int_equal(plan_put_json(f->db, "ban-sua", body, &saved, &p), OUTCOME_OK);
	json_t *plan = json_object_get(saved, "plan");
	assert_string_equal(json_string_value(json_object_get(plan, "code")), "ban-sua");
	json_decref(saved);
	json_decref(body);

	assert_int_equal(plan_list_json(f->db, &list, &p), OUTCOME_OK);
	assert_int_equal(json_array_size(json_object_get(list, "plans")), builtins + 1);
	json_decref(list);
}

/* Texts a spreadsheet would run as formulas, whatever its separator. */
static const char *const hostile[] = {
	"=HYPERLINK(\"http://x\")",
	"+1+1",
	"-2-2",
	"@SUM(A1)",
	"\tcmd",
	"\rcmd",
	"1;=cmd",
	"ok,@x",
	"Trường;+1",
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])
/* ...and each as the CSV must write it (inside its quotes). */
static const char *const written[NHOSTILE] = {
	"'=HYPERLINK(\"\"http://x\"\")",
	"'+1+1",
	"'-2-2",
	"'@SUM(A1)",
	"'\tcmd",
	"'\rcmd",
	"1;'=cmd",
	"ok,@x",
	"Trường;'+1",
};

/* Reads csv (RFC 4180 quoting) with separator sep, as a spreadsheet of a
 * locale with that list separator does, and fails on any cell whose value
 * starts like a formula (a number's minus sign aside). */
static void assert_no_formula_cell(const char *csv, size_t len, char sep)
{
	size_t i = 3; /* the BOM */
	while (i < len) {
		char first = '\0';
		bool quoted = csv[i] == '"', have = false;
		if (quoted)
			i++;
		for (; i < len; i++) {
			if (quoted && csv[i] == '"') {
				if (i + 1 < len && csv[i + 1] == '"') {
					i++;
				} else {
					quoted = false;
					continue;
				}
			} else if (!quoted && (csv[i] == sep || csv[i] == '\n')) {
				break;
			} else if (!quoted && csv[i] == '\r' && i + 1 < len && csv[i + 1] == '\n') {
				continue;
			}
			if (!have) {
				first = csv[i];
				have = true;
			}
		}
		i++;
		if (first && strchr("=+-@\t\r", first))
			fail_msg("a cell starts with %#x at byte %zu: %.60s", first, i,
				 csv + (i > 40 ? i - 40 : 0));
	}
}

/* Each hostile text appears after an apostrophe or inside quotes, and no
 * cell starts like a formula whether read with ',' or ';'. */
static void assert_neutralised(const char *csv, size_t len)
{
	char *text = strndup(csv, len);
	for (size_t i = 0; i < NHOSTILE; i++) {
		char want[128];
		snprintf(want, sizeof want, "\"%s\"", written[i]);
		assert_non_null(strstr(text, want));
	}
	free(text);
	assert_no_formula_cell(csv, len, ',');
	assert_no_formula_cell(csv, len, ';');
}

static void csv_cells_that_would_run_as_formulas_are_neutralised_in_every_report(void **state)
{
	(void)state;
	struct report_row rows[NHOSTILE];
	memset(rows, 0, sizeof rows);
	struct report_missing_quiz quizzes[NHOSTILE];
	struct report_missing_person people[NHOSTILE];
	memset(quizzes, 0, sizeof quizzes);
	memset(people, 0, sizeof people);
	for (size_t i = 0; i < NHOSTILE; i++) {
		snprintf(rows[i].unit_code, sizeof rows[i].unit_code, "U%zu", i);
		snprintf(rows[i].unit_name, sizeof rows[i].unit_name, "%s", hostile[i]);
		snprintf(rows[i].audience, sizeof rows[i].audience, "pupil");
		rows[i].headcount_source = "roster";
		rows[i].headcount = 10;
		snprintf(people[i].username, sizeof people[i].username, "p%zu", i);
		snprintf(people[i].full_name, sizeof people[i].full_name, "%s", hostile[i]);
		snprintf(people[i].unit_code, sizeof people[i].unit_code, "U%zu", i);
		snprintf(people[i].unit_name, sizeof people[i].unit_name, "Trường %zu", i);
		snprintf(people[i].audience, sizeof people[i].audience, "pupil");
		snprintf(quizzes[i].code, sizeof quizzes[i].code, "q%zu", i);
		snprintf(quizzes[i].title, sizeof quizzes[i].title, "%s", hostile[i]);
		people[i].nmissing = 1;
		people[i].missing = &quizzes[i];
	}
	struct report_table rt = { .year = YEAR, .rows = rows, .n = NHOSTILE };
	struct report_missing m = { .year = YEAR, .n = NHOSTILE, .people = people };
	snprintf(m.unit_deadline, sizeof m.unit_deadline, "2026-11-30");
	snprintf(m.department_deadline, sizeof m.department_deadline, "2026-12-15");
	const char *langs[] = { "vi", "en" };
	for (size_t l = 0; l < 2; l++) {
		char *data = NULL;
		size_t len = 0;
		struct problem p = { "" };
		assert_int_equal(export_participation_file(&rt, "csv", langs[l], &data, &len, &p),
				 OUTCOME_OK);
		assert_neutralised(data, len);
		free(data);
		assert_int_equal(export_missing_file(&m, "csv", langs[l], &data, &len, &p),
				 OUTCOME_OK);
		assert_neutralised(data, len);
		free(data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(participation_answers_json_with_the_contract_fields,
						setup, teardown),
		cmocka_unit_test(
			csv_cells_that_would_run_as_formulas_are_neutralised_in_every_report),
		cmocka_unit_test_setup_teardown(participation_answers_files_in_either_language,
						setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_format_language_or_unit_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(missing_answers_the_person_still_to_chase, setup,
						teardown),
		cmocka_unit_test_setup_teardown(yearly_page_holds_the_plan_and_the_units, setup,
						teardown),
		cmocka_unit_test_setup_teardown(plans_are_listed_and_saved_through_the_domain,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
