/* contest_best.h - what a kept leaderboard is updated from
 * (contest_board.c): each participant's best line in an open-addressed map,
 * and the per-unit sums of a board's lines. Not thread-safe: a map belongs
 * to one board, and only the one ranking of its key at a time uses it. */
#ifndef QUIZ_CONTEST_BEST_H
#define QUIZ_CONTEST_BEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contest_board.h"

/* A participant's best line, with whether any of their attempts has a full
 * score (for F). Empty slots have line.attempt_id 0. */
struct contest_best_slot {
	struct contest_board_line line;
	bool any_full;
	bool touched; /* changed by the batch being merged */
	int64_t was_attempt; /* the best before that batch; 0 when none */
};
struct contest_best_map {
	struct contest_best_slot *slots;
	size_t cap; /* a power of two */
	size_t used;
};

/* A new empty map sized for about `expected` participants (free it with
 * contest_best_free, which accepts NULL). */
struct contest_best_map *contest_best_new(size_t expected);
void contest_best_free(struct contest_best_map *m);
/* The slot of participant: its own, or the empty one where it would go
 * (borrowed until the next contest_best_add). */
struct contest_best_slot *contest_best_find(const struct contest_best_map *m, int64_t participant);
/* A new slot for participant, which must not have one (borrowed until the
 * next contest_best_add). */
struct contest_best_slot *contest_best_add(struct contest_best_map *m, int64_t participant);

/* Each unit's lines of lines[0..n) counted and their scores summed in
 * line order: a new array in *units (caller frees), by ascending unit_id,
 * its length in *nunits. Lines without a unit (0) are in none. */
void contest_best_units(const struct contest_board_line *lines, size_t n,
			struct contest_board_unit **units, size_t *nunits);

#endif
