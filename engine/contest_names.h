/* contest_names.h - what a leaderboard line shows of its person and unit
 * (full name or erasure; unit code and name), carried by a kept board so
 * that a request reads no storage for the page it answers. A table is
 * read in bulk when a board is ranked in full or the names changed
 * (db_contest_labels_version), and extended by the few people and units a
 * merge brings in. Immutable once made and reference-counted, so readers
 * use it without locks. */
#ifndef QUIZ_CONTEST_NAMES_H
#define QUIZ_CONTEST_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contest_board.h"

struct db;
struct contest_names;

/* The names for lines[0..n) of quiz_id's board: with old NULL, every
 * person with a completed attempt of the quiz and every unit, read in bulk;
 * otherwise old's names plus those of the lines' people and units old
 * lacks, each read by id (old itself, one more reference, when it lacks
 * none). A new reference (contest_names_release), or NULL on a storage
 * error (message in db_errmsg). */
struct contest_names *contest_names_read(struct db *db, int64_t quiz_id, struct contest_names *old,
					 const struct contest_board_line *lines, size_t n);
/* Drops a reference; accepts NULL. */
void contest_names_release(struct contest_names *t);
/* The full name of person participant_id (borrowed while the table is
 * held), or NULL when the person was erased, is unknown or none. */
const char *contest_names_person(const struct contest_names *t, int64_t participant_id);
/* The code and name of unit unit_id (borrowed while the table is held):
 * true, or false when there is none. */
bool contest_names_unit(const struct contest_names *t, int64_t unit_id, const char **code,
			const char **name);

#endif
