/* test_contest.c - the leaderboard order of api.md "Contests", rule by rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "contest.h"

#define MIN_MS 60000LL

/* A submitted attempt: person, score of 10, duration, submission minute. */
static struct contest_attempt submitted(int64_t person, double score, int64_t duration_ms,
					int64_t submitted_min)
{
	struct contest_attempt a = { 0 };
	a.participant_id = person;
	a.score = score;
	a.max_score = 10;
	a.correct_count = (int)score;
	a.finished_at = submitted_min * MIN_MS;
	a.started_at = a.finished_at - duration_ms;
	a.deadline = a.started_at + 15 * MIN_MS;
	a.duration_ms = duration_ms;
	return a;
}

static struct contest_attempt predicted(struct contest_attempt a, int64_t prediction)
{
	a.has_prediction = true;
	a.prediction = prediction;
	return a;
}

static const struct contest_rules plain_rules = { false, false, 0 };
static const struct contest_rules prediction_rules = { true, false, 0 };

/* The participant of entry i. */
static int64_t who(const struct contest_attempt *attempts, const struct contest_entry *e, size_t i)
{
	return attempts[e[i].attempt_index].participant_id;
}

static void contest_higher_score_ranks_first(void **state)
{
	(void)state;
	struct contest_attempt a[] = { submitted(1, 6, MIN_MS, 10), submitted(2, 9, 5 * MIN_MS, 20),
				       submitted(3, 7.5, MIN_MS, 5) };
	struct contest_entry *e = NULL;
	size_t n = contest_leaderboard(a, 3, &plain_rules, &e, NULL);
	assert_int_equal(n, 3);
	assert_int_equal(who(a, e, 0), 2);
	assert_int_equal(who(a, e, 1), 3);
	assert_int_equal(who(a, e, 2), 1);
	assert_int_equal(e[0].rank, 1);
	assert_int_equal(e[1].rank, 2);
	assert_int_equal(e[2].rank, 3);
	free(e);
}

static void contest_equal_score_shorter_duration_ranks_first(void **state)
{
	(void)state;
	struct contest_attempt a[] = { submitted(1, 8, 9 * MIN_MS, 10),
				       submitted(2, 8, 4 * MIN_MS, 30) };
	struct contest_entry *e = NULL;
	size_t n = contest_leaderboard(a, 2, &plain_rules, &e, NULL);
	assert_int_equal(n, 2);
	assert_int_equal(who(a, e, 0), 2);
	assert_int_equal(e[1].rank, 2);
	free(e);
}

static void contest_equal_score_and_duration_earlier_submission_ranks_first(void **state)
{
	(void)state;
	struct contest_attempt a[] = { submitted(1, 8, 4 * MIN_MS, 50),
				       submitted(2, 8, 4 * MIN_MS, 20) };
	struct contest_entry *e = NULL;
	contest_leaderboard(a, 2, &plain_rules, &e, NULL);
	assert_int_equal(who(a, e, 0), 2);
	assert_int_equal(who(a, e, 1), 1);
	assert_int_equal(e[1].rank, 2);
	free(e);
}

static void contest_equal_entries_share_rank_and_next_rank_skips(void **state)
{
	(void)state;
	struct contest_attempt a[] = { submitted(1, 8, 4 * MIN_MS, 20),
				       submitted(2, 8, 4 * MIN_MS, 20),
				       submitted(3, 5, 4 * MIN_MS, 20),
				       submitted(4, 9, MIN_MS, 1) };
	struct contest_entry *e = NULL;
	size_t n = contest_leaderboard(a, 4, &plain_rules, &e, NULL);
	assert_int_equal(n, 4);
	assert_int_equal(who(a, e, 0), 4);
	assert_int_equal(e[0].rank, 1);
	assert_int_equal(e[1].rank, 2);
	assert_int_equal(e[2].rank, 2);
	assert_int_equal(e[3].rank, 4);
	assert_int_equal(who(a, e, 3), 3);
	free(e);
}

static void contest_best_attempt_of_each_participant_counts_once(void **state)
{
	(void)state;
	struct contest_attempt a[] = { submitted(1, 5, MIN_MS, 10), submitted(1, 9, 8 * MIN_MS, 20),
				       submitted(1, 9, 3 * MIN_MS, 30),
				       submitted(2, 7, MIN_MS, 5) };
	struct contest_entry *e = NULL;
	size_t n = contest_leaderboard(a, 4, &plain_rules, &e, NULL);
	assert_int_equal(n, 2);
	assert_int_equal(who(a, e, 0), 1);
	/* Of the two 9s, the shorter one is the best. */
	assert_int_equal(e[0].attempt_index, 2);
	assert_int_equal(e[0].duration_ms, 3 * MIN_MS);
	assert_int_equal(who(a, e, 1), 2);
	free(e);
}

static void contest_expired_attempt_counts_deadline_minus_start(void **state)
{
	(void)state;
	struct contest_attempt exp = submitted(1, 8, 2 * MIN_MS, 10);
	exp.expired = true;
	exp.deadline = exp.started_at + 15 * MIN_MS;
	/* Recorded values must not matter for an expired attempt. */
	exp.duration_ms = 1;
	exp.finished_at = exp.started_at + 1;
	assert_int_equal(contest_effective_duration_ms(&exp), 15 * MIN_MS);
	assert_int_equal(contest_effective_submitted_at(&exp), exp.deadline);

	/* Same score, 14 minutes submitted beats the expired 15 minutes. */
	struct contest_attempt a[] = { exp, submitted(2, 8, 14 * MIN_MS, 100) };
	struct contest_entry *e = NULL;
	contest_leaderboard(a, 2, &plain_rules, &e, NULL);
	assert_int_equal(who(a, e, 0), 2);
	assert_int_equal(who(a, e, 1), 1);
	assert_int_equal(e[1].duration_ms, 15 * MIN_MS);
	assert_int_equal(e[1].submitted_at, a[0].deadline);
	free(e);
}

static void contest_prediction_closer_to_full_score_count_ranks_first(void **state)
{
	(void)state;
	/* Participants 1, 2 and 5 have full scores: F = 3. */
	struct contest_attempt a[] = {
		predicted(submitted(1, 10, 9 * MIN_MS, 10), 7), /* distance 4 */
		predicted(submitted(2, 10, 8 * MIN_MS, 10), 2), /* distance 1 */
		predicted(submitted(5, 10, 7 * MIN_MS, 10), 3), /* distance 0 */
		predicted(submitted(3, 6, MIN_MS, 10), 3),      submitted(4, 6, 5 * MIN_MS, 10),
	};
	struct contest_entry *e = NULL;
	int64_t full = -1;
	size_t n = contest_leaderboard(a, 5, &prediction_rules, &e, &full);
	assert_int_equal(full, 3);
	assert_int_equal(n, 5);
	assert_int_equal(who(a, e, 0), 5);
	assert_int_equal(who(a, e, 1), 2);
	assert_int_equal(who(a, e, 2), 1);
	assert_int_equal(e[2].prediction_distance, 4);
	assert_int_equal(who(a, e, 3), 3);
	/* Without a prediction, 4 ranks after 3 although it was faster. */
	assert_int_equal(who(a, e, 4), 4);
	assert_int_equal(e[4].prediction_distance, -1);
	free(e);
}

static void contest_no_prediction_ranks_after_any_prediction(void **state)
{
	(void)state;
	/* F = 0; a wild guess of 1000 still beats no guess at all. */
	struct contest_attempt a[] = { submitted(1, 7, MIN_MS, 1),
				       predicted(submitted(2, 7, 14 * MIN_MS, 90), 1000) };
	struct contest_entry *e = NULL;
	contest_leaderboard(a, 2, &prediction_rules, &e, NULL);
	assert_int_equal(who(a, e, 0), 2);
	assert_int_equal(e[0].prediction_distance, 1000);
	assert_int_equal(e[1].rank, 2);
	free(e);
}

static void contest_prediction_ignored_when_contest_asks_none(void **state)
{
	(void)state;
	struct contest_attempt a[] = { predicted(submitted(1, 7, 9 * MIN_MS, 1), 0),
				       submitted(2, 7, 2 * MIN_MS, 90) };
	struct contest_entry *e = NULL;
	contest_leaderboard(a, 2, &plain_rules, &e, NULL);
	assert_int_equal(who(a, e, 0), 2);
	assert_int_equal(e[1].prediction_distance, -1);
	free(e);
}

static void contest_prediction_picks_best_among_equal_scores_of_one_person(void **state)
{
	(void)state;
	/* F = 1 (person 9). Person 1's two 5s: the one predicting 1 is best,
	 * although the other is faster. */
	struct contest_attempt a[] = { predicted(submitted(1, 5, MIN_MS, 1), 8),
				       predicted(submitted(1, 5, 9 * MIN_MS, 20), 1),
				       predicted(submitted(9, 10, 9 * MIN_MS, 20), 4) };
	struct contest_entry *e = NULL;
	size_t n = contest_leaderboard(a, 3, &prediction_rules, &e, NULL);
	assert_int_equal(n, 2);
	assert_int_equal(who(a, e, 1), 1);
	assert_int_equal(e[1].attempt_index, 1);
	assert_int_equal(e[1].prediction_distance, 0);
	free(e);
}

static void contest_full_score_count_counts_people_not_attempts(void **state)
{
	(void)state;
	struct contest_attempt a[] = { submitted(1, 10, MIN_MS, 1), submitted(1, 10, 2 * MIN_MS, 2),
				       submitted(2, 4, MIN_MS, 3), submitted(2, 10, MIN_MS, 4) };
	struct contest_entry *e = NULL;
	int64_t full = 0;
	contest_leaderboard(a, 4, &prediction_rules, &e, &full);
	assert_int_equal(full, 2);
	free(e);
}

static void contest_cutoff_hides_attempts_submitted_after_freeze(void **state)
{
	(void)state;
	struct contest_attempt a[] = { submitted(1, 5, MIN_MS, 10), submitted(1, 10, MIN_MS, 40),
				       submitted(2, 7, MIN_MS, 50) };
	struct contest_rules frozen = { false, true, 30 * MIN_MS };
	struct contest_entry *e = NULL;
	size_t n = contest_leaderboard(a, 3, &frozen, &e, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].attempt_index, 0);
	free(e);
	/* Exactly at the cut-off is already frozen. */
	frozen.cutoff_ms = 40 * MIN_MS;
	n = contest_leaderboard(a, 3, &frozen, &e, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].attempt_index, 0);
	free(e);
}

static void contest_empty_input_gives_no_entries(void **state)
{
	(void)state;
	struct contest_entry *e = (struct contest_entry *)1;
	int64_t full = 7;
	assert_int_equal(contest_leaderboard(NULL, 0, &plain_rules, &e, &full), 0);
	assert_null(e);
	assert_int_equal(full, 0);
}

static void contest_unit_rank_ranks_members_among_themselves(void **state)
{
	(void)state;
	struct contest_attempt a[] = { submitted(2, 10, MIN_MS, 1), submitted(1, 9, MIN_MS, 1),
				       submitted(3, 9, MIN_MS, 1), submitted(4, 8, MIN_MS, 1),
				       submitted(5, 7, MIN_MS, 1) };
	struct contest_entry *e = NULL;
	size_t n = contest_leaderboard(a, 5, &plain_rules, &e, NULL);
	assert_int_equal(n, 5);
	/* Order: 2 (10), 1 and 3 (9, tied), 4 (8), 5 (7); odd people are members. */
	int64_t ranks[5], unit_ranks[5];
	bool member[5];
	for (size_t i = 0; i < n; i++) {
		ranks[i] = e[i].rank;
		member[i] = who(a, e, i) % 2 == 1;
	}
	assert_int_equal(contest_rank_within(ranks, member, n, unit_ranks), 3);
	assert_int_equal(unit_ranks[0], 0);
	assert_int_equal(e[1].rank, 2);
	assert_int_equal(unit_ranks[1], 1);
	assert_int_equal(e[2].rank, 2);
	assert_int_equal(unit_ranks[2], 1);
	assert_int_equal(unit_ranks[3], 0);
	assert_int_equal(who(a, e, 4), 5);
	assert_int_equal(e[4].rank, 5);
	assert_int_equal(unit_ranks[4], 3);
	free(e);
}

static void contest_unit_rank_of_tie_split_by_non_member_stays_shared(void **state)
{
	(void)state;
	/* Overall 1, 2, 2, 2, 5: members at positions 0, 1 and 3. */
	const int64_t ranks[] = { 1, 2, 2, 2, 5 };
	const bool member[] = { true, true, false, true, true };
	int64_t unit_ranks[5];
	assert_int_equal(contest_rank_within(ranks, member, 5, unit_ranks), 4);
	assert_int_equal(unit_ranks[0], 1);
	assert_int_equal(unit_ranks[1], 2);
	assert_int_equal(unit_ranks[2], 0);
	assert_int_equal(unit_ranks[3], 2);
	assert_int_equal(unit_ranks[4], 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(contest_higher_score_ranks_first),
		cmocka_unit_test(contest_equal_score_shorter_duration_ranks_first),
		cmocka_unit_test(contest_equal_score_and_duration_earlier_submission_ranks_first),
		cmocka_unit_test(contest_equal_entries_share_rank_and_next_rank_skips),
		cmocka_unit_test(contest_best_attempt_of_each_participant_counts_once),
		cmocka_unit_test(contest_expired_attempt_counts_deadline_minus_start),
		cmocka_unit_test(contest_prediction_closer_to_full_score_count_ranks_first),
		cmocka_unit_test(contest_no_prediction_ranks_after_any_prediction),
		cmocka_unit_test(contest_prediction_ignored_when_contest_asks_none),
		cmocka_unit_test(contest_prediction_picks_best_among_equal_scores_of_one_person),
		cmocka_unit_test(contest_full_score_count_counts_people_not_attempts),
		cmocka_unit_test(contest_cutoff_hides_attempts_submitted_after_freeze),
		cmocka_unit_test(contest_empty_input_gives_no_entries),
		cmocka_unit_test(contest_unit_rank_ranks_members_among_themselves),
		cmocka_unit_test(contest_unit_rank_of_tie_split_by_non_member_stays_shared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
