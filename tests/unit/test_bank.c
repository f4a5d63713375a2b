/* test_bank.c - the native bank loader on a real migrated database: every
 * error reported with the line of the offending question or value, nothing
 * imported from a file with errors, versioned re-import (unchanged questions
 * keep their ids, changed ones become new versions, the old rows stay as
 * they were), export that imports back unchanged, and lines supplied by a
 * converter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bank.h"
#include "db.h"
#include "db_bank.h"
#include "testdb.h"
#include "util.h"

struct fixture {
	struct testdb tdb;
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	f->db = testdb_open(&f->tdb, "test_bank");
	assert_non_null(f->db);
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

static const char GOOD[] =
	"{\n" /* 1 */
	"  \"code\": \"t-bank\", \"title\": \"Test\", \"language\": \"vi\",\n" /* 2 */
	"  \"audiences\": [\"pupil\"],\n" /* 3 */
	"  \"questions\": [\n" /* 4 */
	"    {\"code\": \"q1\", \"type\": \"single\", \"topics\": [\"passwords\"], \"difficulty\": "
	"1,\n"
	"     \"stem\": \"Mật khẩu nào mạnh nhất?\",\n" /* 6 */
	"     \"options\": [{\"text\": \"123456\", \"correct\": false},\n" /* 7 */
	"                 {\"text\": \"Tr@ng-Vang-2024\", \"correct\": true},\n" /* 8 */
	"                 {\"text\": \"matkhau\", \"correct\": false}],\n" /* 9 */
	"     \"explanation\": \"Dài và đa dạng.\", \"reference\": \"Cẩm nang\"},\n" /* 10 */
	"    {\"code\": \"q2\", \"type\": \"multiple\", \"topics\": [\"phishing_fraud\"], "
	"\"difficulty\": 2,\n"
	"     \"stem\": \"Dấu hiệu lừa đảo?\",\n"
	"     \"options\": [{\"text\": \"Giục chuyển tiền\", \"weight\": 0.5},\n"
	"                 {\"text\": \"Đường link lạ\", \"weight\": 0.5},\n"
	"                 {\"text\": \"Gọi từ số quen\", \"weight\": -1}],\n"
	"     \"explanation\": \"Hai dấu hiệu đầu.\"},\n"
	"    {\"code\": \"q3\", \"type\": \"short\", \"topics\": [\"malware\"], \"difficulty\": "
	"3,\n"
	"     \"stem\": \"Phần mềm đòi tiền chuộc gọi là gì?\", \"ignore_diacritics\": true,\n"
	"     \"options\": [{\"text\": \"mã độc tống tiền\", \"correct\": true},\n"
	"                 {\"text\": \"ransomware\", \"correct\": true}],\n"
	"     \"explanation\": \"Ransomware.\"}\n"
	"  ]\n"
	"}\n";

/* Each error is on a known line: the test asserts every one is reported
 * with that line and a message naming the question. */
static const char BAD[] =
	"{\n" /* 1 */
	"  \"code\": \"bad\", \"title\": \"Bad\", \"language\": \"vi\",\n" /* 2 */
	"  \"audiences\": [\"pupil\"],\n" /* 3 */
	"  \"questions\": [\n" /* 4 */
	"    {\"code\": \"b1\", \"type\": \"single\", \"topics\": [\"passwords\"],\n" /* 5 */
	"     \"difficulty\": 7,\n" /* 6 */
	"     \"stem\": \"S\",\n" /* 7 */
	"     \"options\": [{\"text\": \"a\", \"correct\": true},\n" /* 8 */
	"                 {\"text\": \"b\", \"correct\": true},\n" /* 9 */
	"                 {\"text\": \"c\", \"correct\": false}],\n" /* 10 */
	"     \"explanation\": \"E\"},\n" /* 11 */
	"    {\"code\": \"b2\", \"type\": \"true_false\", \"topics\": [\"malware\"], "
	"\"difficulty\": 1,\n" /* 12 */
	"     \"stem\": \"S\", \"explanation\": \"E\",\n" /* 13 */
	"     \"options\": [{\"text\": \"Đúng\", \"correct\": true}]},\n" /* 14 */
	"    {\"code\": \"b3\", \"type\": \"multiple\", \"topics\": [\"no_such_topic\"], "
	"\"difficulty\": 2,\n" /* 15 */
	"     \"stem\": \"S\", \"explanation\": \"E\",\n" /* 16 */
	"     \"options\": [{\"text\": \"a\", \"weight\": 0.5}, {\"text\": \"b\", \"weight\": "
	"0.2},\n" /* 17 */
	"                 {\"text\": \"c\", \"weight\": -1}]},\n" /* 18 */
	"    {\"code\": \"b1\", \"type\": \"single\", \"topics\": [\"passwords\"], \"difficulty\": "
	"1,\n" /* 19 */
	"     \"stem\": \"S\", \"explanation\": \"E\",\n" /* 20 */
	"     \"options\": [{\"text\": \"a\", \"correct\": true}, {\"text\": \"b\", \"correct\": "
	"false},\n" /* 21 */
	"                 {\"text\": \"c\", \"correct\": false, \"weight\": 1}]}\n" /* 22 */
	"  ]\n"
	"}\n";

/* A copy of text with the first `from` replaced by `to` (caller frees). */
static char *replace(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	assert_non_null(p);
	return xasprintf("%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
}

static bool has_error(const struct bank_result *res, int line, const char *needle)
{
	for (size_t i = 0; i < res->errors.n; i++)
		if (res->errors.items[i].line == line &&
		    strstr(res->errors.items[i].message, needle))
			return true;
	return false;
}

static void dump_errors(const struct bank_result *res)
{
	for (size_t i = 0; i < res->errors.n; i++)
		fprintf(stderr, "  %d: %s\n", res->errors.items[i].line,
			res->errors.items[i].message);
}

static void bank_loader_reports_every_error_with_its_line(void **state)
{
	struct fixture *f = *state;
	struct bank_result res;
	bank_result_init(&res);
	int rc = bank_import_text(f->db, BAD, strlen(BAD), "bad.json", &res);
	dump_errors(&res);
	assert_int_equal(rc, OUTCOME_INVALID);
	assert_true(has_error(&res, 6, "bad.json:6: question b1: difficulty"));
	assert_true(has_error(&res, 8, "question b1: options: exactly one option must be correct"));
	assert_true(
		has_error(&res, 14, "question b2: options: a true_false question needs exactly 2"));
	assert_true(has_error(&res, 15, "question b3: topics[1]: unknown topic"));
	assert_true(
		has_error(&res, 17, "question b3: options: the positive weights must sum to 1"));
	assert_true(
		has_error(&res, 19, "question b1: code: the code is already used by question #1"));
	assert_true(has_error(&res, 22, "question b1: options[3]: give either correct or weight"));
	assert_int_equal(res.errors.n, 7);
	struct db_bank b;
	assert_int_equal(db_bank_by_code(f->db, "bad", &b), 0);
	bank_result_cleanup(&res);
}

static void bank_loader_reports_syntax_error_with_line(void **state)
{
	struct fixture *f = *state;
	const char text[] = "{\n  \"code\": \"x\",\n  \"title\": oops\n}\n";
	struct bank_result res;
	bank_result_init(&res);
	assert_int_equal(bank_import_text(f->db, text, strlen(text), "s.json", &res),
			 OUTCOME_INVALID);
	assert_int_equal(res.errors.n, 1);
	assert_int_equal(res.errors.items[0].line, 3);
	assert_non_null(strstr(res.errors.items[0].message, "s.json:3"));
	bank_result_cleanup(&res);
}

static void bank_loader_refuses_text_not_in_nfc(void **state)
{
	struct fixture *f = *state;
	/* "Đúng" with a combining dot below (NFD) in the stem. */
	char *text = NULL;
	char *fixed = replace(GOOD, "Mật khẩu", "Ma\xcc\xa3t khẩu"); /* a + U+0323 */
	struct bank_result res;
	bank_result_init(&res);
	assert_int_equal(bank_import_text(f->db, fixed, strlen(fixed), "n.json", &res),
			 OUTCOME_INVALID);
	assert_true(has_error(&res, 6, "question q1: stem: stem is not in Unicode NFC form"));
	bank_result_cleanup(&res);
	free(text);
	free(fixed);
}

static int64_t current_id(struct db *db, const char *code)
{
	struct db_bank b;
	assert_int_equal(db_bank_by_code(db, "t-bank", &b), 1);
	int64_t id = 0;
	int version = 0;
	unsigned char hash[DB_QUESTION_HASH_LEN];
	int rc = db_question_current(db, b.id, code, &id, &version, hash);
	db_bank_cleanup(&b);
	return rc == 1 ? id : 0;
}

static void bank_reimport_versions_changed_questions_and_keeps_the_rest(void **state)
{
	struct fixture *f = *state;
	struct bank_result res;
	bank_result_init(&res);
	int rc = bank_import_text(f->db, GOOD, strlen(GOOD), "good.json", &res);
	dump_errors(&res);
	assert_int_equal(rc, 0);
	assert_int_equal(res.inserted, 3);
	assert_int_equal(res.question_count, 3);
	bank_result_cleanup(&res);
	int64_t q1 = current_id(f->db, "q1"), q2 = current_id(f->db, "q2"),
		q3 = current_id(f->db, "q3");
	assert_true(q1 && q2 && q3);

	/* q2's stem changes, q3 disappears, q1 stays. */
	char *text = replace(GOOD, "Dấu hiệu lừa đảo?", "Dấu hiệu gian lận?");
	char *q3start = strstr(text, ",\n    {\"code\": \"q3\"");
	char *end = strstr(text, "\n  ]\n");
	memmove(q3start, end, strlen(end) + 1);
	bank_result_init(&res);
	rc = bank_import_text(f->db, text, strlen(text), "good.json", &res);
	dump_errors(&res);
	assert_int_equal(rc, 0);
	assert_int_equal(res.unchanged, 1);
	assert_int_equal(res.updated, 1);
	assert_int_equal(res.retired, 1);
	assert_int_equal(res.inserted, 0);
	bank_result_cleanup(&res);
	assert_int_equal(current_id(f->db, "q1"), q1);
	int64_t q2b = current_id(f->db, "q2");
	assert_true(q2b != 0 && q2b != q2);
	assert_int_equal(current_id(f->db, "q3"), 0);

	/* The old version is intact for the attempts that use it. */
	struct db_question old, nw;
	assert_int_equal(db_question_get(f->db, q2, &old), 1);
	assert_false(old.current);
	assert_int_equal(old.version, 1);
	assert_string_equal(old.stem, "Dấu hiệu lừa đảo?");
	assert_int_equal(db_question_get(f->db, q2b, &nw), 1);
	assert_true(nw.current);
	assert_int_equal(nw.version, 2);
	assert_int_equal(nw.noptions, 3);
	assert_true(nw.options[2].weight < -0.99);
	db_question_cleanup(&old);
	db_question_cleanup(&nw);
	free(text);
}

static void bank_export_imports_back_unchanged(void **state)
{
	struct fixture *f = *state;
	struct bank_result res;
	bank_result_init(&res);
	assert_int_equal(bank_import_text(f->db, GOOD, strlen(GOOD), "good.json", &res), 0);
	bank_result_cleanup(&res);
	json_t *bank = NULL;
	assert_int_equal(bank_export_json(f->db, "t-bank", &bank, NULL), OUTCOME_OK);
	assert_non_null(bank);
	assert_int_equal(json_array_size(json_object_get(bank, "questions")), 3);
	json_t *q3 = json_array_get(json_object_get(bank, "questions"), 2);
	assert_true(json_is_true(json_object_get(q3, "ignore_diacritics")));
	char *text = json_dumps(bank, JSON_INDENT(2));
	bank_result_init(&res);
	assert_int_equal(bank_import_text(f->db, text, strlen(text), "export.json", &res), 0);
	assert_int_equal(res.unchanged, 3);
	assert_int_equal(res.updated + res.inserted + res.retired, 0);
	bank_result_cleanup(&res);
	free(text);
	json_decref(bank);
	struct problem problem;
	assert_int_equal(bank_export_json(f->db, "nope", &bank, &problem), OUTCOME_NOT_FOUND);
	assert_null(bank);
	assert_non_null(strstr(problem.message, "nope"));
}

static void bank_import_json_names_lines_given_by_a_converter(void **state)
{
	struct fixture *f = *state;
	json_error_t e;
	json_t *bank = json_loads(GOOD, 0, &e);
	assert_non_null(bank);
	/* Break the second question: a converter says it came from line 40. */
	json_t *q2 = json_array_get(json_object_get(bank, "questions"), 1);
	json_object_set_new(q2, "difficulty", json_integer(9));
	int lines[3] = { 10, 40, 70 };
	struct bank_result res;
	bank_result_init(&res);
	bank_result_skip(&res, 5, "x.gift:5: essay questions are not supported");
	assert_int_equal(bank_import_json(f->db, bank, "x.gift", lines, &res), OUTCOME_INVALID);
	assert_int_equal(res.errors.n, 1);
	assert_int_equal(res.errors.items[0].line, 40);
	assert_non_null(strstr(res.errors.items[0].message, "x.gift:40: question q2: difficulty"));
	assert_int_equal(res.skipped.n, 1);
	bank_result_cleanup(&res);
	json_decref(bank);
}

/* Per-option feedback: validated with its line, stored, readable by
 * question id, exported, and part of the content (a change is a version). */
static void bank_option_feedback_is_stored_exported_and_versioned(void **state)
{
	struct fixture *f = *state;
	struct bank_result res;
	char *text = replace(GOOD, "{\"text\": \"Tr@ng-Vang-2024\", \"correct\": true}",
			     "{\"text\": \"Tr@ng-Vang-2024\", \"correct\": true,"
			     " \"feedback\": \"Dài, nhiều loại ký tự.\"}");
	bank_result_init(&res);
	int rc = bank_import_text(f->db, text, strlen(text), "fb.json", &res);
	dump_errors(&res);
	assert_int_equal(rc, 0);
	bank_result_cleanup(&res);
	int64_t q1 = current_id(f->db, "q1");
	struct db_question q;
	assert_int_equal(db_question_get(f->db, q1, &q), 1);
	assert_null(q.options[0].feedback);
	assert_non_null(q.options[1].feedback);
	assert_string_equal(q.options[1].feedback, "Dài, nhiều loại ký tự.");
	db_question_cleanup(&q);

	json_t *bank = NULL;
	assert_int_equal(bank_export_json(f->db, "t-bank", &bank, NULL), OUTCOME_OK);
	assert_non_null(bank);
	json_t *opts =
		json_object_get(json_array_get(json_object_get(bank, "questions"), 0), "options");
	assert_string_equal(json_string_value(json_object_get(json_array_get(opts, 1), "feedback")),
			    "Dài, nhiều loại ký tự.");
	assert_null(json_object_get(json_array_get(opts, 0), "feedback"));
	json_decref(bank);

	/* Only the feedback changes: q1 becomes version 2, the rest stay. */
	char *changed = replace(text, "Dài, nhiều loại ký tự.", "Đủ dài và đa dạng.");
	bank_result_init(&res);
	assert_int_equal(bank_import_text(f->db, changed, strlen(changed), "fb.json", &res), 0);
	assert_int_equal(res.updated, 1);
	assert_int_equal(res.unchanged, 2);
	bank_result_cleanup(&res);
	assert_true(current_id(f->db, "q1") != q1);
	/* Dropping it is a change too. */
	bank_result_init(&res);
	assert_int_equal(bank_import_text(f->db, GOOD, strlen(GOOD), "fb.json", &res), 0);
	assert_int_equal(res.updated, 1);
	bank_result_cleanup(&res);
	free(changed);
	free(text);
}

static void bank_bad_option_feedback_is_an_error_at_its_line(void **state)
{
	struct fixture *f = *state;
	struct bank_result res;
	/* Line 7: not a string; line 9: blank; line 8: too long. */
	char *long_fb = xcalloc(BANK_FEEDBACK_MAX + 2, 1);
	memset(long_fb, 'x', BANK_FEEDBACK_MAX + 1);
	char *a = replace(GOOD, "{\"text\": \"123456\", \"correct\": false}",
			  "{\"text\": \"123456\", \"correct\": false, \"feedback\": 3}");
	char *with = xasprintf("{\"text\": \"Tr@ng-Vang-2024\", \"correct\": true, "
			       "\"feedback\": \"%s\"}",
			       long_fb);
	char *b = replace(a, "{\"text\": \"Tr@ng-Vang-2024\", \"correct\": true}", with);
	char *c = replace(b, "{\"text\": \"matkhau\", \"correct\": false}",
			  "{\"text\": \"matkhau\", \"correct\": false, \"feedback\": \" \"}");
	bank_result_init(&res);
	assert_int_equal(bank_import_text(f->db, c, strlen(c), "fb.json", &res), OUTCOME_INVALID);
	dump_errors(&res);
	assert_int_equal(res.errors.n, 3);
	assert_true(has_error(&res, 7, "question q1: options[1]: feedback must be a string"));
	assert_true(has_error(&res, 8, "options[2]: feedback is longer than 1000 bytes"));
	assert_true(has_error(&res, 9, "options[3]: feedback must not be empty"));
	bank_result_cleanup(&res);
	free(long_fb);
	free(a);
	free(with);
	free(b);
	free(c);
}

/* A short question may give partial credit by a weight per accepted
 * answer; the loader stores it as the answer's score weight. */
static void bank_short_answer_weights_are_credits_checked_with_lines(void **state)
{
	struct fixture *f = *state;
	struct bank_result res;
	char *text = replace(GOOD, "{\"text\": \"ransomware\", \"correct\": true}",
			     "{\"text\": \"ransomware\", \"weight\": 0.5}");
	bank_result_init(&res);
	int rc = bank_import_text(f->db, text, strlen(text), "w.json", &res);
	dump_errors(&res);
	assert_int_equal(rc, OUTCOME_OK);
	bank_result_cleanup(&res);
	struct db_question q;
	assert_int_equal(db_question_get(f->db, current_id(f->db, "q3"), &q), 1);
	assert_int_equal(q.options[1].correct, -1);
	assert_true(q.options[1].weight > 0.49 && q.options[1].weight < 0.51);
	assert_true(q.options[0].weight > 0.99);
	db_question_cleanup(&q);

	/* Line 20: a credit of 0; line 19 then has no full-credit answer. */
	char *zero = replace(text, "{\"text\": \"ransomware\", \"weight\": 0.5}",
			     "{\"text\": \"ransomware\", \"weight\": 0}");
	bank_result_init(&res);
	assert_int_equal(bank_import_text(f->db, zero, strlen(zero), "w.json", &res),
			 OUTCOME_INVALID);
	assert_true(
		has_error(&res, 20, "options[2]: the weight of an accepted answer is its credit"));
	bank_result_cleanup(&res);
	char *none = replace(text, "{\"text\": \"mã độc tống tiền\", \"correct\": true}",
			     "{\"text\": \"mã độc tống tiền\", \"weight\": 0.75}");
	bank_result_init(&res);
	assert_int_equal(bank_import_text(f->db, none, strlen(none), "w.json", &res),
			 OUTCOME_INVALID);
	dump_errors(&res);
	assert_int_equal(res.errors.n, 1);
	assert_true(has_error(&res, 19, "at least one accepted answer must give full credit"));
	bank_result_cleanup(&res);
	free(none);
	free(zero);
	free(text);
}

static void bank_shipped_banks_import_cleanly(void **state)
{
	struct fixture *f = *state;
	const char *path = "question-banks/vi/pupil.json";
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	struct strbuf sb;
	sb_init(&sb);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_append(&sb, buf, n);
	fclose(fp);
	struct bank_result res;
	bank_result_init(&res);
	int rc = bank_import_text(f->db, sb.data, sb.len, path, &res);
	dump_errors(&res);
	assert_int_equal(rc, 0);
	assert_true(res.question_count >= 80);
	bank_result_cleanup(&res);
	sb_cleanup(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bank_loader_reports_every_error_with_its_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(bank_loader_reports_syntax_error_with_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(bank_loader_refuses_text_not_in_nfc, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			bank_reimport_versions_changed_questions_and_keeps_the_rest, setup,
			teardown),
		cmocka_unit_test_setup_teardown(bank_export_imports_back_unchanged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(bank_import_json_names_lines_given_by_a_converter,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			bank_option_feedback_is_stored_exported_and_versioned, setup, teardown),
		cmocka_unit_test_setup_teardown(bank_bad_option_feedback_is_an_error_at_its_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			bank_short_answer_weights_are_credits_checked_with_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(bank_shipped_banks_import_cleanly, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
