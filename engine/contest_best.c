/* contest_best.c - the best-line map and unit sums of kept leaderboards
 * (see contest_best.h). */
#include "contest_best.h"

#include <assert.h>
#include <stdlib.h>

#include "util.h"

void contest_best_free(struct contest_best_map *m)
{
	if (m) {
		free(m->slots);
		free(m);
	}
}

static size_t best_hash(int64_t participant, size_t cap)
{
	uint64_t h = (uint64_t)participant * 0x9E3779B97F4A7C15u;
	return (size_t)(h >> 17) & (cap - 1);
}

/* The slot of participant: its own, or the empty one where it goes. */
struct contest_best_slot *contest_best_find(const struct contest_best_map *m, int64_t participant)
{
	size_t i = best_hash(participant, m->cap);
	while (m->slots[i].line.attempt_id && m->slots[i].line.participant_id != participant)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

struct contest_best_map *contest_best_new(size_t expected)
{
	struct contest_best_map *m = xcalloc(1, sizeof *m);
	m->cap = 64;
	while (m->cap < 2 * expected)
		m->cap *= 2;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	return m;
}

/* Grows the table first when it would be over half full. */
struct contest_best_slot *contest_best_add(struct contest_best_map *m, int64_t participant)
{
	if (2 * (m->used + 1) > m->cap) {
		struct contest_best_slot *old = m->slots;
		size_t old_cap = m->cap;
		m->cap *= 2;
		m->slots = xcalloc(m->cap, sizeof *m->slots);
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].line.attempt_id)
				*contest_best_find(m, old[i].line.participant_id) = old[i];
		free(old);
	}
	m->used++;
	struct contest_best_slot *s = contest_best_find(m, participant);
	s->line.participant_id = participant;
	return s;
}

static int cmp_unit(const void *pa, const void *pb)
{
	int64_t x = ((const struct contest_board_unit *)pa)->unit_id,
		y = ((const struct contest_board_unit *)pb)->unit_id;
	return x < y ? -1 : x > y;
}

/* The place of unit_id in the open-addressed index slot[0..cap) of units
 * (slot values are index + 1; 0 is empty). */
static size_t unit_slot(const uint32_t *slot, size_t cap, const struct contest_board_unit *units,
			int64_t unit_id)
{
	size_t i = best_hash(unit_id, cap);
	while (slot[i] && units[slot[i] - 1].unit_id != unit_id)
		i = (i + 1) & (cap - 1);
	return i;
}

/* In board order: the order the standings summed them in when they read
 * every line, so the sums are the same to the last bit. */
void contest_best_units(const struct contest_board_line *lines, size_t n,
			struct contest_board_unit **out, size_t *nout)
{
	size_t cap = 64, ucap = 16, nunits = 0;
	uint32_t *slot = xcalloc(cap, sizeof *slot);
	struct contest_board_unit *units = xcalloc(ucap, sizeof *units);
	for (size_t i = 0; i < n; i++) {
		const struct contest_board_line *l = &lines[i];
		if (!l->unit_id)
			continue;
		size_t at = unit_slot(slot, cap, units, l->unit_id);
		if (!slot[at]) {
			if (2 * (nunits + 1) > cap) {
				free(slot);
				cap *= 2;
				slot = xcalloc(cap, sizeof *slot);
				for (size_t u = 0; u < nunits; u++)
					slot[unit_slot(slot, cap, units, units[u].unit_id)] =
						(uint32_t)u + 1;
				at = unit_slot(slot, cap, units, l->unit_id);
			}
			if (nunits == ucap) {
				ucap *= 2;
				units = xrealloc(units, ucap * sizeof *units);
			}
			/* At most one unit per line, and lines fit in memory. */
			assert(nunits < UINT32_MAX);
			units[nunits] = (struct contest_board_unit){ l->unit_id, 0, 0 };
			slot[at] = (uint32_t)++nunits;
		}
		struct contest_board_unit *u = &units[slot[at] - 1];
		u->entrants++;
		u->score_sum += l->score;
	}
	free(slot);
	if (nunits)
		qsort(units, nunits, sizeof *units, cmp_unit);
	*out = units;
	*nout = nunits;
}
