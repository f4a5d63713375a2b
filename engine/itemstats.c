/* itemstats.c - facility and discrimination indices (see itemstats.h). */
#include "itemstats.h"

#include <math.h>
#include <stdlib.h>

#include "util.h"

/* Variances below this are treated as zero: scores are sums of fractions. */
#define ITEMSTATS_EPSILON 1e-12

/* An observation with the rest of the test of its attempt. */
struct row {
	int64_t attempt_id;
	int64_t question_id;
	double score;
	double fraction;
	double rest;
};

static int by_attempt(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	return a->attempt_id < b->attempt_id ? -1 : a->attempt_id > b->attempt_id;
}

static int by_question(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	if (a->question_id != b->question_id)
		return a->question_id < b->question_id ? -1 : 1;
	return a->attempt_id < b->attempt_id ? -1 : a->attempt_id > b->attempt_id;
}

/* Fills res from rows[0..n) of one question (two passes for accuracy). */
static void question_stats(const struct row *rows, size_t n, struct itemstats_result *res)
{
	double sum_fraction = 0, mean_x = 0, mean_y = 0, sxy = 0, sxx = 0, syy = 0;
	res->question_id = rows[0].question_id;
	res->attempts = (int64_t)n;
	for (size_t i = 0; i < n; i++) {
		sum_fraction += rows[i].fraction;
		mean_x += rows[i].score;
		mean_y += rows[i].rest;
	}
	res->facility_defined = true;
	res->facility = sum_fraction / (double)n;
	mean_x /= (double)n;
	mean_y /= (double)n;
	for (size_t i = 0; i < n; i++) {
		double dx = rows[i].score - mean_x, dy = rows[i].rest - mean_y;
		sxy += dx * dy;
		sxx += dx * dx;
		syy += dy * dy;
	}
	res->discrimination_defined = n >= 2 && sxx > ITEMSTATS_EPSILON && syy > ITEMSTATS_EPSILON;
	res->discrimination = 0;
	if (res->discrimination_defined) {
		double r = sxy / sqrt(sxx * syy);
		/* Rounding may step just outside the range. */
		res->discrimination = r > 1 ? 1 : r < -1 ? -1 : r;
	}
}

size_t itemstats_compute(const struct itemstats_obs *obs, size_t n, struct itemstats_result **out)
{
	struct row *rows = NULL;
	struct itemstats_result *results = NULL;
	size_t count = 0;
	*out = NULL;
	if (!n)
		return 0;
	rows = xcalloc(n, sizeof *rows);
	for (size_t i = 0; i < n; i++) {
		rows[i].attempt_id = obs[i].attempt_id;
		rows[i].question_id = obs[i].question_id;
		rows[i].score = obs[i].score;
		rows[i].fraction = obs[i].max > 0 ? obs[i].score / obs[i].max : 0;
	}
	/* Totals per attempt, then each row's rest of the test. */
	qsort(rows, n, sizeof *rows, by_attempt);
	for (size_t start = 0; start < n;) {
		size_t end = start;
		double total = 0;
		while (end < n && rows[end].attempt_id == rows[start].attempt_id)
			total += rows[end++].score;
		for (size_t i = start; i < end; i++)
			rows[i].rest = total - rows[i].score;
		start = end;
	}
	qsort(rows, n, sizeof *rows, by_question);
	results = xcalloc(n, sizeof *results);
	for (size_t start = 0; start < n;) {
		size_t end = start;
		while (end < n && rows[end].question_id == rows[start].question_id)
			end++;
		question_stats(&rows[start], end - start, &results[count++]);
		start = end;
	}
	*out = results;
	free(rows);
	return count;
}
