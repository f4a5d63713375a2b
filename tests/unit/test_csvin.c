/* test_csvin.c - CSV through libcsv keeps physical line numbers and text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "csvin.h"

static void records_keep_their_physical_lines(void **state)
{
	(void)state;
	const char csv[] = "\xEF\xBB\xBF"
			   "code,name\r\n"
			   "A,\"Trường THCS Lê Lợi, Huế\"\r\n"
			   "\r\n"
			   "B,\"hai\ndòng\"\n"
			   "C,ba\n";
	char err[256];
	struct csv_table *t = csv_table_parse(csv, strlen(csv), err, sizeof err);
	assert_non_null(t);
	assert_int_equal(t->nrecords, 4);
	assert_int_equal(t->records[0].line, 1);
	assert_int_equal(t->records[1].line, 2);
	assert_string_equal(t->records[1].fields[1], "Trường THCS Lê Lợi, Huế");
	assert_int_equal(t->records[2].line, 4);
	assert_string_equal(t->records[2].fields[1], "hai\ndòng");
	assert_int_equal(t->records[3].line, 6);
	assert_int_equal(csv_column(t, "name"), 1);
	assert_int_equal(csv_column(t, "CODE"), 0);
	assert_int_equal(csv_column(t, "missing"), -1);
	assert_string_equal(csv_field(&t->records[3], 5), "");
	csv_table_free(t);
}

static void bad_quoting_names_its_line(void **state)
{
	(void)state;
	const char csv[] = "a,b\n1,2\n3,\"unterminated\n4,5\n";
	char err[256];
	assert_null(csv_table_parse(csv, strlen(csv), err, sizeof err));
	assert_non_null(strstr(err, "line 3"));
	const char csv2[] = "a,b\n1,2\n3,x\"y\"\n";
	assert_null(csv_table_parse(csv2, strlen(csv2), err, sizeof err));
	assert_non_null(strstr(err, "line 3"));
}

static void invalid_utf8_is_refused_with_its_line(void **state)
{
	(void)state;
	const char csv[] = "a,b\n1,2\n3,\xC3\x28\n";
	char err[256];
	assert_null(csv_table_parse(csv, strlen(csv), err, sizeof err));
	assert_non_null(strstr(err, "line 3"));
	assert_non_null(strstr(err, "UTF-8"));
}

static void empty_input_is_refused(void **state)
{
	(void)state;
	char err[256];
	assert_null(csv_table_parse("", 0, err, sizeof err));
	assert_null(csv_table_parse("\n\n", 2, err, sizeof err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_keep_their_physical_lines),
		cmocka_unit_test(bad_quoting_names_its_line),
		cmocka_unit_test(invalid_utf8_is_refused_with_its_line),
		cmocka_unit_test(empty_input_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
