/* contest_board.h - the leaderboards quizd serves: ranked by contest.h from
 * the completed attempts in storage, and kept in memory per process. A kept
 * board is used only while storage's counter of changes to the quiz's
 * completed attempts (db_contest_version, kept by triggers) is what it was
 * when the board was ranked, so a board is never stale and instances need
 * not share anything. A board carries what its lines show of people and
 * units (contest_names.h), and the counter includes their changes, so a
 * rename is taken in like a submission. At most
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
 * what they saw or later.
 *
 * Published boards (quizd): once contest_board_service_start has started
 * the merger thread, a reader neither reads storage nor waits for a merge
 * while its key has a kept board that the merger saw current at most
 * CONTEST_BOARD_STALE_MS ago: it is served that board, the last published.
 * The merger looks at the storage version of every board read in the last
 * CONTEST_BOARD_IDLE_MS at least every CONTEST_BOARD_POLL_MS (another
 * instance's completions are in within about that plus a merge), merges
 * what was logged (ranks in full when it must), and publishes the new board
 * with one pointer swap under the cache lock; it also frees the boards
 * readers let go. A board older than the bound (merger behind or not
 * running) and a key with no kept board are ranked for the reader as
 * before (without a merger every answer holds every attempt completed
 * before its request). contest_board_when_published lets this process's
 * writes be acknowledged only once the boards hold them, so a reader told
 * of a submission finds it on the board. Thread-safe. */
#ifndef QUIZ_CONTEST_BOARD_H
#define QUIZ_CONTEST_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define CONTEST_BOARD_SLOTS 8
/* How long after the merger last saw it current a board is still served
 * without a look at storage (a full ranking of 100,000 entrants on a
 * loaded machine fits well inside). */
#define CONTEST_BOARD_STALE_MS 2000
/* How often the merger looks at storage when nobody wakes it. */
#define CONTEST_BOARD_POLL_MS 50
/* Boards nobody read for this long are left to their next reader. */
#define CONTEST_BOARD_IDLE_MS 10000
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

/* What the lines show of people and units (borrowed while the reference
 * is held). */
struct contest_names;
const struct contest_names *contest_board_names(const struct contest_board *b);

/* The lines of one unit (the unit the best attempt was made in): how many
 * and the sum of their scores, added up in board order. */
struct contest_board_unit {
	int64_t unit_id;
	int64_t entrants;
	double score_sum;
};
/* Every unit with a line, by ascending unit_id (borrowed while the
 * reference is held), kept with the board so that standings add up units,
 * not entrants. Lines without a unit are in none. */
const struct contest_board_unit *contest_board_units(const struct contest_board *b, size_t *n);
/* Empties the process's cache (tests, shutdown). */
void contest_board_flush(void);

/* Starts the merger thread on db (its own connection, owned from then on:
 * closed by contest_board_service_stop). 0, or -1 with a message in err. */
int contest_board_service_start(struct db *db, char *err, size_t errlen);
/* Stops the merger (after every writer that calls
 * contest_board_when_published has stopped), runs the callbacks still
 * waiting, closes its connection; safe when not started. */
void contest_board_service_stop(void);
/* Calls done(ctx) once every board of quiz_id (0: of any quiz) kept or
 * being ranked holds what storage holds now (after the merger's next pass),
 * from the merger thread; at once, on the caller's thread, when no merger
 * runs or no board of the quiz is kept or being ranked. For a writer that
 * has just committed: its acknowledgement then reaches nobody before the
 * boards hold its write. done must not block. */
void contest_board_when_published(int64_t quiz_id, void (*done)(void *ctx), void *ctx);
/* The same for every quiz, waiting on the caller's thread. */
void contest_board_sync(void);

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
