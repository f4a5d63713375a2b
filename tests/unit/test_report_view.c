/* test_report_view.c - what the API and quizadm both answer for reports,
 * reached without HTTP: a table report as JSON or as a CSV/XLSX file, the
 * refusal of an unknown format or language, the yearly page, plans listed
 * and saved through the domain, and the outcomes of a refused request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(participation_answers_json_with_the_contract_fields,
						setup, teardown),
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
