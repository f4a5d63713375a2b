/* test_clock.c - RFC 3339 and the Asia/Ho_Chi_Minh year. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "clock.h"

static void format_and_parse_round_trip(void **state)
{
	(void)state;
	char buf[32];
	int64_t ms;
	clock_format(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	assert_int_equal(clock_parse("2025-11-30T08:00:00Z", &ms), 0);
	clock_format(ms, buf);
	assert_string_equal(buf, "2025-11-30T08:00:00Z");
	assert_int_equal(clock_parse("2025-11-30T15:00:00+07:00", &ms), 0);
	clock_format(ms, buf);
	assert_string_equal(buf, "2025-11-30T08:00:00Z");
	assert_int_equal(clock_parse("2024-02-29T23:59:59.250Z", &ms), 0);
	clock_format(ms, buf);
	assert_string_equal(buf, "2024-02-29T23:59:59.250Z");
}

static void malformed_timestamps_are_refused(void **state)
{
	(void)state;
	int64_t ms;
	const char *bad[] = { "",
			      "2025-11-30",
			      "2025-13-01T00:00:00Z",
			      "2025-11-30T08:00:00",
			      "2025-11-30T08:00:00Zjunk",
			      "30/11/2025",
			      "2025-11-30T25:00:00Z",
			      NULL };
	for (int i = 0; bad[i]; i++)
		assert_int_equal(clock_parse(bad[i], &ms), -1);
}

static void vietnam_year_starts_at_17h_utc_on_31_december(void **state)
{
	(void)state;
	int64_t start = clock_vn_year_start_ms(2026), ms;
	assert_int_equal(clock_parse("2025-12-31T17:00:00Z", &ms), 0);
	assert_int_equal(start, ms);
	assert_int_equal(clock_vn_year(ms), 2026);
	assert_int_equal(clock_vn_year(ms - 1), 2025);
	assert_int_equal(clock_parse("2025-12-31T17:30:00Z", &ms), 0);
	assert_int_equal(clock_vn_year(ms), 2026);
}

static int64_t fixed_now(void *ctx)
{
	return *(int64_t *)ctx;
}

static void injected_clock_is_used(void **state)
{
	(void)state;
	int64_t t = 1234567;
	clock_set_source(fixed_now, &t);
	assert_int_equal(clock_now_ms(), 1234567);
	t = 99;
	assert_int_equal(clock_now_ms(), 99);
	clock_set_source(NULL, NULL);
	assert_true(clock_now_ms() > 1700000000000LL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_and_parse_round_trip),
		cmocka_unit_test(malformed_timestamps_are_refused),
		cmocka_unit_test(vietnam_year_starts_at_17h_utc_on_31_december),
		cmocka_unit_test(injected_clock_is_used),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
