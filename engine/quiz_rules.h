/* quiz_rules.h - the pure rules of quizzes and attempts: who may take a
 * quiz and when (audiences, unit scope, window, rounds), the attempt clock,
 * drawing questions and ordering options from a stored seed, and scoring.
 * Nothing here touches storage; every function is a function of its
 * arguments (and the seed). */
#ifndef QUIZ_QUIZ_RULES_H
#define QUIZ_QUIZ_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_attempt.h"
#include "db_bank.h"
#include "db_quiz.h"
#include "outcome.h"

/* Largest grace the engine accepts for saves past the deadline. */
#define QUIZ_GRACE_MAX_MS 2000
/* The most questions one attempt draws. */
#define QUIZ_QUESTIONS_MAX 200
/* The longest typed answer, in bytes. */
#define QUIZ_ANSWER_TEXT_MAX 1000
/* The most options of a question an attempt can show and an answer can
 * choose (the bank formats stop at 10; storage has no limit, so starting an
 * attempt and saving an answer check it, as a clear error). */
#define QUIZ_OPTIONS_MAX 16
/* Scores and weights are compared with this tolerance. */
#define QUIZ_SCORE_EPS 1e-9

/* ---- who, when ---------------------------------------------------------- */

struct quiz_participant {
	int64_t user_id;
	int64_t unit_id; /* 0: none */
	const char *unit_path; /* "/1/4/" or "" */
	const char *audience; /* "" when none */
	const char *client_addr; /* where the request came from; NULL or "" when unknown */
};

/* True when p is in one of q's audiences and inside its unit scope. */
bool quiz_visible_to(const struct db_quiz *q, const struct quiz_participant *p);
/* True when a unit administrator whose subtree is at unit_path may use a
 * quiz of unit scope scope_path (NULL or "": every unit): the scope and the
 * subtree meet, one holding the other. An account without a unit meets
 * none. Leaderboards and live games share this rule. */
bool quiz_scope_meets(const char *scope_path, const char *unit_path);
/* "upcoming", "open" or "closed" at now (time only). */
const char *quiz_time_state(const struct db_quiz *q, int64_t now_ms);
/* The round open at now, or NULL. */
const struct db_quiz_round *quiz_round_at(const struct db_quiz *q, int64_t now_ms);
/* The deadline of an attempt started at started_ms. */
int64_t quiz_deadline(const struct db_quiz *q, int64_t started_ms);
/* True when the review (correct answers, explanations) of attempt a may be
 * shown at now. */
bool quiz_review_open(const struct db_quiz *q, const struct db_attempt *a, int64_t now_ms);
/* The number of questions an attempt of q draws. */
int quiz_question_count(const struct db_quiz *q);

/* ---- draws -------------------------------------------------------------- */

/* One draw rule's candidates: current question ids (ascending) and how many
 * to draw. */
struct quiz_pool {
	const int64_t *ids;
	size_t n;
	int count;
};
/* Draws sum(count) distinct questions from the pools with the seeded
 * generator (filling the smallest pool first, so a narrow rule is not
 * starved by a broad one), lists them in rule order, then shuffles the whole
 * list when shuffle is set. out holds at least sum(count) ids. The same seed
 * and pools give the same draw. Returns the number drawn, or -1 when a pool
 * runs short. */
int quiz_draw(uint64_t seed, const struct quiz_pool *pools, size_t npools, bool shuffle,
	      int64_t *out);
/* The order rules are filled in: the smallest pool first (ties by rule
 * order). order receives npools indexes. Used by quiz_draw and by the
 * definition check, which must agree with it. */
void quiz_fill_order(const size_t *sizes, size_t npools, size_t *order);
/* The order options of question are shown in: bank order, or shuffled with
 * a generator derived from the attempt's seed and the question's id.
 * true_false keeps its order and short shows no options. out holds
 * q->noptions ids; returns how many were written. */
size_t quiz_option_order(uint64_t seed, const struct db_question *q, bool shuffle, int64_t *out);

/* ---- scoring ------------------------------------------------------------ */

/* The text an answer is compared by: trimmed, case-folded, inner white
 * space collapsed to one space, NFC; and without diacritics (đ -> d) when
 * ignore_diacritics. New string (caller frees); NULL when text is not UTF-8. */
char *quiz_normalise_answer(const char *text, bool ignore_diacritics);
/* The option of q with this id (borrowed), or NULL. */
const struct db_option *quiz_find_option(const struct db_question *q, int64_t id);
/* The score (0..1) of an answer to q: choices (option ids) for single,
 * multiple and true_false; text for short. No answer scores 0. multiple is
 * the sum of the chosen weights clipped to [0, 1]. */
double quiz_score_answer(const struct db_question *q, const int64_t *choices, size_t nchoices,
			 const char *text);

/* ---- stored id lists and refusals --------------------------------------- */

/* "[12,7,9]": an id list as stored (a JSON array of integers). New string. */
char *quiz_ids_text(const int64_t *ids, size_t n);
/* Reads an id list as stored (written by quiz_ids_text or any JSON array of
 * integers): new array, or NULL when empty or text is NULL. */
int64_t *quiz_ids_parse(const char *text, size_t *n);
/* qsort/bsearch order of int64_t. */
int quiz_cmp_i64(const void *a, const void *b);

/* Fills p with the participant-facing message of a refusal (not_found,
 * forbidden, quiz_not_open with detail, no_attempts_left, time_over,
 * attempt_closed; detail alone for the others) and returns o. */
enum outcome quiz_refusal(struct problem *p, enum outcome o, const char *detail);

#endif
