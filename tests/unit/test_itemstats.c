/* test_itemstats.c - facility and discrimination indices against values
 * computed by hand (the arithmetic is in the comments). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "itemstats.h"

/* Five attempts of three questions worth 1 each:
 *   attempt  q1  q2  q3   total
 *   1        1   1   1    3
 *   2        1   1   0.5  2.5
 *   3        1   0   0    1
 *   4        0   1   0.5  1.5
 *   5        0   0   0    0                                              */
static const double grid[5][3] = {
	{ 1, 1, 1 }, { 1, 1, 0.5 }, { 1, 0, 0 }, { 0, 1, 0.5 }, { 0, 0, 0 }
};

static size_t grid_obs(struct itemstats_obs *obs)
{
	size_t n = 0;
	/* Listed question-major and attempts in reverse, so the code must group. */
	for (int q = 2; q >= 0; q--)
		for (int a = 4; a >= 0; a--)
			obs[n++] = (struct itemstats_obs){ 100 + a, 10 + q, grid[a][q], 1 };
	return n;
}

static void itemstats_facility_is_mean_fraction_of_max(void **state)
{
	(void)state;
	struct itemstats_obs obs[15];
	struct itemstats_result *r = NULL;
	size_t n = itemstats_compute(obs, grid_obs(obs), &r);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].question_id, 10);
	assert_int_equal(r[0].attempts, 5);
	assert_true(r[0].facility_defined);
	assert_float_equal(r[0].facility, 0.6, 1e-12); /* 3 / 5 */
	assert_float_equal(r[1].facility, 0.6, 1e-12); /* 3 / 5 */
	assert_float_equal(r[2].facility, 0.4, 1e-12); /* 2 / 5 */
	free(r);
}

static void itemstats_discrimination_is_correlation_with_rest_of_test(void **state)
{
	(void)state;
	struct itemstats_obs obs[15];
	struct itemstats_result *r = NULL;
	itemstats_compute(obs, grid_obs(obs), &r);
	/* q1: x = 1 1 1 0 0 (mean .6), rest = 2 1.5 0 1.5 0 (mean 1);
	 * sxy = .4 + .2 - .4 - .3 + .6 = .5, sxx = 1.2, syy = 3.5;
	 * r = .5 / sqrt(4.2). */
	assert_true(r[0].discrimination_defined);
	assert_float_equal(r[0].discrimination, 0.5 / sqrt(4.2), 1e-12);
	/* q2: rest = 2 1.5 1 .5 0; sxy = 1, sxx = 1.2, syy = 2.5; r = 1/sqrt(3). */
	assert_float_equal(r[1].discrimination, 1 / sqrt(3), 1e-12);
	/* q3: x = 1 .5 0 .5 0 (mean .4), rest = 2 2 1 1 0 (mean 1.2);
	 * sxy = 1.1, sxx = .7, syy = 2.8; r = 1.1 / 1.4 = 11/14. */
	assert_float_equal(r[2].discrimination, 11.0 / 14.0, 1e-12);
	free(r);
}

static void itemstats_item_answered_by_weak_attempts_discriminates_negatively(void **state)
{
	(void)state;
	/* q1 right only where q2 and q3 are wrong: x = 1 1 0 0, rest = 0 0 2 2. */
	struct itemstats_obs obs[] = {
		{ 1, 1, 1, 1 }, { 1, 2, 0, 1 }, { 1, 3, 0, 1 }, { 2, 1, 1, 1 },
		{ 2, 2, 0, 1 }, { 2, 3, 0, 1 }, { 3, 1, 0, 1 }, { 3, 2, 1, 1 },
		{ 3, 3, 1, 1 }, { 4, 1, 0, 1 }, { 4, 2, 1, 1 }, { 4, 3, 1, 1 },
	};
	struct itemstats_result *r = NULL;
	size_t n = itemstats_compute(obs, 12, &r);
	assert_int_equal(n, 3);
	assert_true(r[0].discrimination_defined);
	assert_float_equal(r[0].discrimination, -1.0, 1e-12);
	free(r);
}

static void itemstats_facility_scales_by_item_max(void **state)
{
	(void)state;
	/* An item worth 2: scores 2, 1, 0.5 -> fractions 1, .5, .25 -> mean 1.75/3. */
	struct itemstats_obs obs[] = { { 1, 7, 2, 2 }, { 2, 7, 1, 2 }, { 3, 7, 0.5, 2 } };
	struct itemstats_result *r = NULL;
	assert_int_equal(itemstats_compute(obs, 3, &r), 1);
	assert_float_equal(r[0].facility, 1.75 / 3, 1e-12);
	free(r);
}

static void itemstats_discrimination_undefined_without_variance(void **state)
{
	(void)state;
	/* q1 right in every attempt: the item has no variance. q2: the rest of
	 * the test (q1 = 1 everywhere) has none. */
	struct itemstats_obs obs[] = { { 1, 1, 1, 1 }, { 1, 2, 1, 1 }, { 2, 1, 1, 1 },
				       { 2, 2, 0, 1 }, { 3, 1, 1, 1 }, { 3, 2, 0, 1 } };
	struct itemstats_result *r = NULL;
	assert_int_equal(itemstats_compute(obs, 6, &r), 2);
	assert_false(r[0].discrimination_defined);
	assert_float_equal(r[0].facility, 1.0, 1e-12);
	assert_false(r[1].discrimination_defined);
	assert_float_equal(r[1].facility, 1.0 / 3, 1e-12);
	free(r);
}

static void itemstats_single_attempt_has_no_discrimination(void **state)
{
	(void)state;
	struct itemstats_obs obs[] = { { 1, 1, 1, 1 }, { 1, 2, 0, 1 } };
	struct itemstats_result *r = NULL;
	assert_int_equal(itemstats_compute(obs, 2, &r), 2);
	assert_int_equal(r[0].attempts, 1);
	assert_false(r[0].discrimination_defined);
	assert_true(r[0].facility_defined);
	free(r);
}

static void itemstats_no_observations_give_no_rows(void **state)
{
	(void)state;
	struct itemstats_result *r = (struct itemstats_result *)1;
	assert_int_equal(itemstats_compute(NULL, 0, &r), 0);
	assert_null(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(itemstats_facility_is_mean_fraction_of_max),
		cmocka_unit_test(itemstats_discrimination_is_correlation_with_rest_of_test),
		cmocka_unit_test(itemstats_item_answered_by_weak_attempts_discriminates_negatively),
		cmocka_unit_test(itemstats_facility_scales_by_item_max),
		cmocka_unit_test(itemstats_discrimination_undefined_without_variance),
		cmocka_unit_test(itemstats_single_attempt_has_no_discrimination),
		cmocka_unit_test(itemstats_no_observations_give_no_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
