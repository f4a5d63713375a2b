/* itemstats.h - item statistics of a quiz, as Moodle defines them, computed
 * from the scores of completed attempts. Pure computation, no I/O.
 *
 * For a question Q and the completed attempts that drew it:
 *   facility index = mean of (item score / item max), in 0..1;
 *   discrimination index = Pearson correlation between the item score and
 *   the rest of the test (the attempt's total minus the item score), over
 *   those attempts, in -1..1; undefined with fewer than two attempts or when
 *   either series has no variance.
 * An attempt's total is the sum of its item scores, so the rest of the test
 * is the same quantity Moodle correlates against. */
#ifndef QUIZ_ITEMSTATS_H
#define QUIZ_ITEMSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One question drawn in one completed attempt (score 0 when unanswered). */
struct itemstats_obs {
	int64_t attempt_id;
	int64_t question_id;
	double score;
	double max; /* the item's maximum score (> 0) */
};

struct itemstats_result {
	int64_t question_id;
	int64_t attempts;
	bool facility_defined;
	double facility;
	bool discrimination_defined;
	double discrimination;
};

/* Computes the statistics of every question in obs[0..n). Returns the
 * number of questions and a new array in *out sorted by question_id
 * (caller frees; NULL when n is 0). An attempt must not list a question
 * twice. */
size_t itemstats_compute(const struct itemstats_obs *obs, size_t n, struct itemstats_result **out);

#endif
