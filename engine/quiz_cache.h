/* quiz_cache.h - the quiz module's process-wide cache. Stored questions
 * never change (a change is a new id), neither do an attempt's owner,
 * deadline and draw, so they are cached for the life of the process
 * without invalidation; quiz definitions are cached per revision
 * (quizzes.revision, which every edit moves), read again on a use more
 * than QUIZ_CACHE_TRUST_MS after it was last found current, so an edit
 * made through another process is seen within that bound and one made
 * through this process at once (quiz_qcache_forget); draw pools are cached per
 * bank generation (banks.updated_at, which every import moves forward). Questions are kept
 * with their participant-facing JSON rendered once. Thread-safe. */
#ifndef QUIZ_QUIZ_CACHE_H
#define QUIZ_QUIZ_CACHE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_bank.h"
#include "db_quiz.h"

struct db;
struct quiz_qcache;

/* How long (ms, by clock_now_ms) a definition found at its stored revision
 * is used without reading the revision again: well under the 1 s another
 * instance may take to see a change, and what keeps a leaderboard read
 * from waiting behind writes for that one storage read. */
#define QUIZ_CACHE_TRUST_MS 250

struct quiz_qcache *quiz_qcache_new(void);
/* Frees the cache and everything it handed out; accepts NULL. */
void quiz_qcache_free(struct quiz_qcache *c);
/* The question with this id (borrowed; valid until the cache is freed), or
 * NULL when not found or on a storage error. */
const struct db_question *quiz_qcache_get(struct quiz_qcache *c, struct db *db, int64_t id);
/* The quiz definition with this id at its stored revision, as read at
 * most QUIZ_CACHE_TRUST_MS ago (borrowed; valid until the cache is freed,
 * also after an edit replaces it). NULL with *found 0 when there is none, -1 on a storage error. */
const struct db_quiz *quiz_qcache_quiz(struct quiz_qcache *c, struct db *db, int64_t id,
				       int *found);
/* Makes the next use of quiz id read its revision again (call once an
 * edit of it has committed, so this process never serves the old
 * definition after its own edit). Accepts a NULL cache. */
void quiz_qcache_forget(struct quiz_qcache *c, int64_t id);
/* The participant-facing JSON of a question handed out by quiz_qcache_get
 * (borrowed): its head, {"id","type","stem","options":[ without the
 * options, and option i as {"id","text"} (NULL for a short question).
 * Nothing in them reveals the answer. */
const char *quiz_qcache_head(const struct db_question *q);
const char *quiz_qcache_option(const struct db_question *q, size_t i);
/* What never changes about attempt_id, checking question_id against its
 * draw: 1 with *user, *deadline, *drawn and *practice set, 0 when there is
 * no such attempt, -1 on a storage error. */
int quiz_qcache_attempt(struct quiz_qcache *c, struct db *db, int64_t attempt_id,
			int64_t question_id, int64_t *user, int64_t *deadline, bool *drawn,
			bool *practice);
/* The current question ids matching draw rule d (new array, caller frees),
 * from the cache while the bank has not been re-imported. 0 or -1. */
int quiz_qcache_pool(struct quiz_qcache *c, struct db *db, const struct db_quiz_draw *d,
		     int64_t **ids, size_t *n);

/* The compact JSON text of any value, taking j: new string. */
char *quiz_json_text(json_t *j);

#endif
