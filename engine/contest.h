/* contest.h - contest leaderboards as pure functions over arrays of
 * attempts: picking each participant's best attempt, ordering, shared ranks,
 * ranks inside a unit's subtree, and the freeze cut-off. No I/O, no clock.
 *
 * The order (api.md "Contests"), best first:
 *   1. higher score;
 *   2. when the contest asks a prediction: smaller |prediction - F|, where F
 *      is the number of participants whose best attempt has a full score;
 *      an attempt without a prediction ranks after any with one;
 *   3. shorter duration;
 *   4. earlier submission.
 * An expired attempt counts with duration = deadline - start and submission
 * time = its deadline. Entries equal on every key share a rank ("1, 1, 3"). */
#ifndef QUIZ_CONTEST_H
#define QUIZ_CONTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Scores closer than this are equal (scores are sums of fractions). */
#define CONTEST_SCORE_EPSILON 1e-9

/* One completed (submitted or expired) attempt. */
struct contest_attempt {
	int64_t participant_id; /* same value for every attempt of one person */
	bool expired;
	double score;
	double max_score;
	int correct_count;
	bool has_prediction;
	int64_t prediction;
	int64_t started_at; /* ms since the epoch */
	int64_t deadline;
	int64_t finished_at; /* submission time; ignored when expired */
	int64_t duration_ms; /* as recorded; ignored when expired */
};

/* One leaderboard line: a participant's best attempt. */
struct contest_entry {
	size_t attempt_index; /* into the array given to contest_leaderboard */
	int64_t rank; /* 1-based overall rank, shared by equal entries */
	int64_t duration_ms; /* effective (see above) */
	int64_t submitted_at; /* effective (see above) */
	int64_t prediction_distance; /* |prediction - F|, or -1 when none/unused */
};

struct contest_rules {
	bool use_prediction; /* the contest asks a prediction question */
	bool has_cutoff; /* frozen: ignore attempts submitted at/after cutoff */
	int64_t cutoff_ms;
};

/* The duration an attempt counts with: deadline - start when expired,
 * otherwise the recorded duration (finished_at - started_at when that is
 * negative or absent, i.e. < 0). */
int64_t contest_effective_duration_ms(const struct contest_attempt *a);
/* The submission time an attempt counts with: its deadline when expired,
 * otherwise finished_at. */
int64_t contest_effective_submitted_at(const struct contest_attempt *a);

/* What the order compares, for structures that keep a board ranked. */
struct contest_order_key {
	double score;
	int64_t prediction_distance; /* -1 when none or unused */
	int64_t duration_ms; /* effective */
	int64_t submitted_at; /* effective */
};
/* < 0 when x ranks before y, 0 when they are equal (share a rank). */
int contest_order_compare(const struct contest_order_key *x, const struct contest_order_key *y);
/* True when the attempt scored the maximum (and the maximum is positive):
 * the participants with one make F. */
bool contest_is_full_score(const struct contest_attempt *a);
/* |prediction - full_score_count|. */
int64_t contest_prediction_distance(int64_t prediction, int64_t full_score_count);

/* Builds the ranked leaderboard of attempts[0..n): one entry per
 * participant (their best attempt by the order above), sorted best first,
 * with shared ranks. Attempts at or after the rules' cutoff are ignored.
 * *full_score_count (may be NULL) receives F. Returns the number of entries
 * and a new array in *out (caller frees; NULL when there are none). */
size_t contest_leaderboard(const struct contest_attempt *attempts, size_t n,
			   const struct contest_rules *rules, struct contest_entry **out,
			   int64_t *full_score_count);

/* Ranks a subset of a ranked leaderboard among itself: ranks[0..n) are
 * the overall ranks in leaderboard order (equal ranks: equal entries);
 * unit_ranks[i] receives the rank of entry i among the entries with
 * member[i] set (shared by equal entries, "1, 1, 3"), 0 for the others.
 * Returns the number of members. */
size_t contest_rank_within(const int64_t *ranks, const bool *member, size_t n, int64_t *unit_ranks);

#endif
