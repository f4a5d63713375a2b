/* contest_board.h - the leaderboards quizd serves: ranked by contest.h from
 * the completed attempts in storage, and kept in memory per process. A kept
 * board is used only while storage's counter of changes to the quiz's
 * completed attempts (db_contest_version, kept by triggers) is what it was
 * when the board was ranked, so a board is never stale and instances need
 * not share anything. Names and units are not part of a board. At most
 * CONTEST_BOARD_SLOTS boards and CONTEST_BOARD_MAX_LINES lines are kept
 * (least recently used goes first).
 *
 * A board is kept up to date incrementally: the completions logged since it
 * was ranked (db_contest_completed_since) are merged into a copy of it,
 * each participant's new best attempt moving one line, in one pass over the
 * lines (no sort and no reading of every attempt). It is ranked in full
 * from storage only when a completed attempt was changed otherwise
 * (db_contest_marks' resets) or, on a board with the prediction question,
 * when F (and with it the prediction order) changes.
 *
 * A board is immutable and reference-counted: readers use it without locks.
 * At most one ranking of a key runs at a time: requests that come while
 * it runs wait and share it, or the next one, whichever was ranked from
 * what they saw or later; so under a stream of submissions a board in
 * demand is ranked back to back rather than once per request, and every
 * answer holds every attempt completed before its request. Thread-safe. */
#ifndef QUIZ_CONTEST_BOARD_H
#define QUIZ_CONTEST_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define CONTEST_BOARD_SLOTS 8
/* Lines kept over all boards (about 72 bytes each). */
#define CONTEST_BOARD_MAX_LINES (1u << 20)

/* One participant's line, best first. */
struct contest_board_line {
	int64_t attempt_id; /* the best attempt */
	int64_t participant_id; /* the person, or -attempt_id for none */
	int64_t unit_id; /* the unit it was made in; 0 when none */
	int64_t rank; /* shared by equal lines */
	double score;
	int correct_count;
	bool has_prediction;
	int64_t prediction;
	int64_t duration_ms; /* effective (expired: deadline - start) */
	int64_t submitted_at; /* effective (expired: the deadline) */
};

struct contest_board;

/* Which board. round: a round code or NULL for all rounds. */
struct contest_board_key {
	int64_t quiz_id;
	const char *round;
	bool use_prediction;
	bool has_cutoff; /* frozen: only attempts submitted before cutoff_ms */
	int64_t cutoff_ms;
};

/* The board for key: a new reference (release it), or NULL on a storage
 * error (message in db_errmsg). */
struct contest_board *contest_board_get(struct db *db, const struct contest_board_key *key);
/* Drops a reference; accepts NULL. */
void contest_board_release(struct contest_board *b);
/* The lines (borrowed while the reference is held) and their number. */
const struct contest_board_line *contest_board_lines(const struct contest_board *b, size_t *n);
/* Empties the process's cache (tests, shutdown). */
void contest_board_flush(void);

/* Counters of this process's rankings since it started: boards ranked in
 * full and brought up to date by merging, and the CPU time (thread time)
 * spent in both, in nanoseconds. */
struct contest_board_stats {
	uint64_t full_rankings;
	uint64_t merges;
	uint64_t full_ns;
	uint64_t merge_ns;
};
void contest_board_stats(struct contest_board_stats *out);

#endif
