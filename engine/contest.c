/* contest.c - leaderboard ranking (see contest.h for the order). */
#include "contest.h"

#include <stdlib.h>

#include "util.h"

int64_t contest_effective_duration_ms(const struct contest_attempt *a)
{
	if (a->expired)
		return a->deadline - a->started_at;
	if (a->duration_ms >= 0)
		return a->duration_ms;
	return a->finished_at - a->started_at;
}

int64_t contest_effective_submitted_at(const struct contest_attempt *a)
{
	return a->expired ? a->deadline : a->finished_at;
}

/* True when the attempt scored the maximum (and the maximum is positive). */
bool contest_is_full_score(const struct contest_attempt *a)
{
	return a->max_score > 0 && a->score >= a->max_score - CONTEST_SCORE_EPSILON;
}

static int cmp_i64(int64_t x, int64_t y)
{
	return x < y ? -1 : x > y;
}

int contest_order_compare(const struct contest_order_key *x, const struct contest_order_key *y)
{
	double d = x->score - y->score;
	if (d > CONTEST_SCORE_EPSILON)
		return -1;
	if (d < -CONTEST_SCORE_EPSILON)
		return 1;
	/* -1 means "no prediction" and must rank after every distance. */
	if (x->prediction_distance != y->prediction_distance) {
		if (x->prediction_distance < 0)
			return 1;
		if (y->prediction_distance < 0)
			return -1;
		return cmp_i64(x->prediction_distance, y->prediction_distance);
	}
	int c = cmp_i64(x->duration_ms, y->duration_ms);
	if (c)
		return c;
	return cmp_i64(x->submitted_at, y->submitted_at);
}

/* < 0 when x ranks before y, 0 when they share a rank. */
static int contest_entry_compare(const struct contest_attempt *attempts,
				 const struct contest_entry *x, const struct contest_entry *y)
{
	struct contest_order_key kx = { attempts[x->attempt_index].score, x->prediction_distance,
					x->duration_ms, x->submitted_at };
	struct contest_order_key ky = { attempts[y->attempt_index].score, y->prediction_distance,
					y->duration_ms, y->submitted_at };
	return contest_order_compare(&kx, &ky);
}

/* qsort_r's context: the attempts the entries index. */
struct sort_ctx {
	const struct contest_attempt *attempts;
};

static int by_participant(const void *pa, const void *pb, void *ctx)
{
	const struct contest_attempt *attempts = ((struct sort_ctx *)ctx)->attempts;
	const struct contest_entry *x = pa, *y = pb;
	int c = cmp_i64(attempts[x->attempt_index].participant_id,
			attempts[y->attempt_index].participant_id);
	if (c)
		return c;
	return x->attempt_index < y->attempt_index ? -1 : x->attempt_index > y->attempt_index;
}

static int by_order_then_participant(const void *pa, const void *pb, void *ctx)
{
	const struct contest_attempt *attempts = ((struct sort_ctx *)ctx)->attempts;
	const struct contest_entry *x = pa, *y = pb;
	int c = contest_entry_compare(attempts, x, y);
	if (c)
		return c;
	return cmp_i64(attempts[x->attempt_index].participant_id,
		       attempts[y->attempt_index].participant_id);
}

int64_t contest_prediction_distance(int64_t prediction, int64_t full_score_count)
{
	return prediction > full_score_count ? prediction - full_score_count
					     : full_score_count - prediction;
}

size_t contest_leaderboard(const struct contest_attempt *attempts, size_t n,
			   const struct contest_rules *rules, struct contest_entry **out,
			   int64_t *full_score_count)
{
	struct contest_entry *all = NULL;
	size_t kept = 0, count = 0;
	int64_t full = 0;
	struct sort_ctx sort = { attempts };
	*out = NULL;
	if (n)
		all = xcalloc(n, sizeof *all);
	for (size_t i = 0; i < n; i++) {
		const struct contest_attempt *a = &attempts[i];
		int64_t submitted = contest_effective_submitted_at(a);
		if (rules->has_cutoff && submitted >= rules->cutoff_ms)
			continue;
		all[kept].attempt_index = i;
		all[kept].duration_ms = contest_effective_duration_ms(a);
		all[kept].submitted_at = submitted;
		all[kept].prediction_distance = -1;
		kept++;
	}
	if (!kept)
		goto out;
	/* Group each participant's attempts. F depends only on whether a
	 * participant has any full-score attempt (score is the first key, so a
	 * full score is always the best), so it is counted before distances are
	 * known; then each group's best is picked with the full order. */
	qsort_r(all, kept, sizeof *all, by_participant, &sort);
	for (size_t start = 0, end; start < kept; start = end) {
		int64_t who = attempts[all[start].attempt_index].participant_id;
		bool any_full = false;
		for (end = start;
		     end < kept && attempts[all[end].attempt_index].participant_id == who; end++)
			any_full = any_full ||
				   contest_is_full_score(&attempts[all[end].attempt_index]);
		full += any_full;
	}
	if (rules->use_prediction) {
		for (size_t i = 0; i < kept; i++) {
			const struct contest_attempt *a = &attempts[all[i].attempt_index];
			if (a->has_prediction)
				all[i].prediction_distance =
					contest_prediction_distance(a->prediction, full);
		}
	}
	for (size_t start = 0, end; start < kept; start = end) {
		int64_t who = attempts[all[start].attempt_index].participant_id;
		struct contest_entry best = all[start];
		/* Ties go to the earlier attempt (the group is in attempt order). */
		for (end = start + 1;
		     end < kept && attempts[all[end].attempt_index].participant_id == who; end++)
			if (contest_entry_compare(attempts, &all[end], &best) < 0)
				best = all[end];
		all[count++] = best;
	}
	qsort_r(all, count, sizeof *all, by_order_then_participant, &sort);
	for (size_t i = 0; i < count; i++) {
		bool tied = i && contest_entry_compare(attempts, &all[i - 1], &all[i]) == 0;
		all[i].rank = tied ? all[i - 1].rank : (int64_t)i + 1;
	}
	*out = all;
	all = NULL;
out:
	free(all);
	if (full_score_count)
		*full_score_count = full;
	return count;
}

size_t contest_rank_within(const int64_t *ranks, const bool *member, size_t n, int64_t *unit_ranks)
{
	size_t members = 0;
	int64_t prev_rank = 0, prev_unit_rank = 0;
	for (size_t i = 0; i < n; i++) {
		if (!member[i]) {
			unit_ranks[i] = 0;
			continue;
		}
		members++;
		/* Entries share an overall rank exactly when they are equal. */
		bool tied = members > 1 && ranks[i] == prev_rank;
		unit_ranks[i] = tied ? prev_unit_rank : (int64_t)members;
		prev_rank = ranks[i];
		prev_unit_rank = unit_ranks[i];
	}
	return members;
}
