/* quiz.h - the rules of quizzes and attempts: definitions, who may take a
 * quiz and when, drawing questions from a stored seed, the server's clock
 * (deadline and grace), answers, scoring, finalising, and the participant's
 * view of an attempt (which never carries answer data before review).
 *
 * Writes are split in two: a *prepare* step that reads and validates on the
 * caller's connection (outside any transaction), and an *apply* step
 * (quiz_write_apply) that runs inside a write transaction and re-checks what
 * may have changed meanwhile. quiz_service.h runs the apply steps of many
 * requests in one transaction (group commit); quiz_write_run() runs one in
 * its own transaction (quizadm, tests). */
#ifndef QUIZ_QUIZ_H
#define QUIZ_QUIZ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_attempt.h"
#include "db_bank.h"
#include "db_quiz.h"

struct db;

/* Outcomes of the quiz operations (mapped to HTTP statuses by handlers). */
enum quiz_status {
	QUIZ_OK = 0,
	QUIZ_INVALID, /* bad input (message given) */
	QUIZ_CONFLICT, /* a code is taken */
	QUIZ_NOT_FOUND, /* no such quiz/attempt, or not the caller's */
	QUIZ_FORBIDDEN, /* outside the quiz's audiences or unit scope */
	QUIZ_NOT_OPEN, /* outside the window or any round */
	QUIZ_NO_ATTEMPTS_LEFT,
	QUIZ_TIME_OVER, /* past deadline + grace, or finalised as expired */
	QUIZ_ATTEMPT_CLOSED, /* already submitted */
	QUIZ_INTERNAL, /* storage failure */
};

/* Largest grace the engine accepts for saves past the deadline. */
#define QUIZ_GRACE_MAX_MS 2000
#define QUIZ_QUESTIONS_MAX 200
#define QUIZ_ANSWER_TEXT_MAX 1000
/* The most options of a question an attempt can show and an answer can
 * choose (the bank formats stop at 10; storage has no limit, so starting an
 * attempt and saving an answer check it, as a clear error). */
#define QUIZ_OPTIONS_MAX 16

/* ---- definitions -------------------------------------------------------- */

/* Validates a quiz definition (api.md; borrowed) and stores it. Returns
 * QUIZ_OK with *quiz_id, QUIZ_INVALID (message in err, naming the field, or
 * each draw rule that lacks questions and by how many), QUIZ_CONFLICT (code
 * taken) or QUIZ_INTERNAL. Runs its own transaction. */
enum quiz_status quiz_create(struct db *db, json_t *def, int64_t *quiz_id, char *err,
			     size_t errlen);
/* {"id","code","title","kind","mandatory","audiences","unit_scope","draw",
 * "question_count","time_limit_s","max_attempts","pass_percent","opens_at",
 * "closes_at","shuffle_questions","shuffle_options","review",
 * "prediction_question","freeze_at","rounds"}: new reference. */
json_t *quiz_definition_json(const struct db_quiz *q);
/* The number of questions an attempt of q draws. */
int quiz_question_count(const struct db_quiz *q);

/* ---- who, when ---------------------------------------------------------- */

struct quiz_participant {
	int64_t user_id;
	int64_t unit_id; /* 0: none */
	const char *unit_path; /* "/1/4/" or "" */
	const char *audience; /* "" when none */
};

/* True when p is in one of q's audiences and inside its unit scope. */
bool quiz_visible_to(const struct db_quiz *q, const struct quiz_participant *p);
/* "upcoming", "open" or "closed" at now (time only). */
const char *quiz_time_state(const struct db_quiz *q, int64_t now_ms);
/* The round open at now, or NULL. */
const struct db_quiz_round *quiz_round_at(const struct db_quiz *q, int64_t now_ms);
/* The deadline of an attempt started at started_ms. */
int64_t quiz_deadline(const struct db_quiz *q, int64_t started_ms);
/* True when the review (correct answers, explanations) of attempt a may be
 * shown at now. */
bool quiz_review_open(const struct db_quiz *q, const struct db_attempt *a, int64_t now_ms);

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
/* The score (0..1) of an answer to q: choices (option ids) for single,
 * multiple and true_false; text for short. No answer scores 0. multiple is
 * the sum of the chosen weights clipped to [0, 1]. */
double quiz_score_answer(const struct db_question *q, const int64_t *choices, size_t nchoices,
			 const char *text);

/* ---- question cache ----------------------------------------------------- */

/* Stored questions never change (a change is a new id), neither do quiz
 * definitions nor an attempt's owner, deadline and draw, so they are cached for the life of the process without
 * invalidation; draw pools are cached per bank generation (banks.updated_at,
 * which every import moves forward). Thread-safe. */
struct quiz_qcache;
struct quiz_qcache *quiz_qcache_new(void);
void quiz_qcache_free(struct quiz_qcache *c);
/* The question with this id (borrowed; valid until the cache is freed), or
 * NULL when not found or on a storage error. */
const struct db_question *quiz_qcache_get(struct quiz_qcache *c, struct db *db, int64_t id);
/* The quiz definition with this id (borrowed; valid until the cache is
 * freed). Definitions never change once created. NULL with *found 0 when
 * there is none, -1 on a storage error. The cache also keeps each draw
 * rule's pool while its bank is not re-imported. */
const struct db_quiz *quiz_qcache_quiz(struct quiz_qcache *c, struct db *db, int64_t id,
				       int *found);

/* ---- writes ------------------------------------------------------------- */

enum quiz_write_kind { QUIZ_WRITE_START, QUIZ_WRITE_ANSWER, QUIZ_WRITE_FINISH, QUIZ_WRITE_SWEEP };

/* One write, prepared outside a transaction and applied inside one.
 * Owns its heap members; clean with quiz_write_cleanup. */
struct quiz_write {
	enum quiz_write_kind kind;
	int64_t now_ms; /* when the request arrived */
	int64_t grace_ms;
	/* START: the attempt to insert (with its draw) unless one is in progress */
	struct db_attempt attempt;
	struct db_attempt_question *questions;
	size_t nquestions;
	int max_attempts; /* 0: unlimited */
	double pass_percent;
	/* ANSWER */
	int64_t attempt_id; /* also FINISH */
	int64_t question_id;
	char *choices; /* JSON array text, or NULL */
	char *text; /* or NULL */
	/* FINISH: submit (else only expire when due) and the prediction */
	bool submit;
	bool has_prediction;
	int64_t prediction;
	/* SWEEP: how many due attempts at most; how many were finalised */
	size_t limit;
	size_t swept;
	/* results */
	enum quiz_status status;
	bool created; /* START: a new attempt (else resumed) */
	char message[256];
	/* used by quiz_service */
	struct quiz_write *next;
	void (*done)(void *ctx);
	void *done_ctx;
};
void quiz_write_cleanup(struct quiz_write *w);

/* Prepares a START for participant p of quiz q at now: checks audience,
 * scope and window, picks the round, draws with a new seed. Returns QUIZ_OK
 * (w filled), QUIZ_FORBIDDEN, QUIZ_NOT_OPEN or QUIZ_INTERNAL (w->message). */
enum quiz_status quiz_start_prepare(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
				    const struct quiz_participant *p, int64_t now_ms,
				    int64_t grace_ms, struct quiz_write *w);
/* Prepares an ANSWER of user_id to question_id of attempt_id from the body
 * {"choices":[...]} or {"text":"..."} (borrowed). Returns QUIZ_OK,
 * QUIZ_NOT_FOUND (not the user's attempt), QUIZ_TIME_OVER (past deadline +
 * grace), QUIZ_INVALID (w->message) or QUIZ_INTERNAL. It checks only what
 * never changes (owner, deadline, draw; cached): a submitted or expired
 * attempt is refused when the write is applied (QUIZ_ATTEMPT_CLOSED,
 * QUIZ_TIME_OVER). */
enum quiz_status quiz_answer_prepare(struct db *db, struct quiz_qcache *qc, int64_t user_id,
				     int64_t attempt_id, int64_t question_id, json_t *body,
				     int64_t now_ms, int64_t grace_ms, struct quiz_write *w);
/* Prepares a FINISH (submit when submit is set, else expire when due). */
void quiz_finish_prepare(int64_t attempt_id, bool submit, bool has_prediction, int64_t prediction,
			 int64_t now_ms, int64_t grace_ms, struct quiz_write *w);
/* Prepares a SWEEP of at most limit attempts due at now. */
void quiz_sweep_prepare(int64_t now_ms, int64_t grace_ms, size_t limit, struct quiz_write *w);

/* Applies w inside the caller's write transaction. Returns 0 with the
 * outcome in w->status (START: w->attempt.id is the new or resumed
 * attempt), or -1 on a storage failure (the caller rolls back what w did). */
int quiz_write_apply(struct db *db, struct quiz_qcache *qc, struct quiz_write *w);
/* Applies n ANSWER writes (in queue order, same grace) inside the caller's
 * write transaction with multi-row statements; each gets its status as
 * quiz_write_apply would give it. Returns 0 or -1 (storage failure). */
int quiz_answers_apply(struct db *db, struct quiz_write **ws, size_t n);
/* Applies w in its own transaction. Returns 0 or -1 (w->status INTERNAL). */
int quiz_write_run(struct db *db, struct quiz_qcache *qc, struct quiz_write *w);

/* ---- participant views -------------------------------------------------- */

/* The attempt object A of api.md for its owner at now: questions in the
 * order shown (no correct flags, weights or accepted answers), answers,
 * result once finished, review only when quiz_review_open. New reference,
 * or NULL on a storage error. */
json_t *quiz_attempt_json(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
			  const struct db_attempt *a, int64_t now_ms);
/* The same object as JSON text (new string), built from fragments the
 * question cache rendered once: the fast path of the handlers. */
char *quiz_attempt_text(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
			const struct db_attempt *a, int64_t now_ms);
/* The attempt object right after an applied START: built from the write
 * itself when it created the attempt (nothing to read back), else read. */
char *quiz_started_text(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
			const struct quiz_write *w, int64_t now_ms);
/* {"quizzes":[...]} of api.md for participant p at now. NULL on error. */
json_t *quiz_list_json(struct db *db, struct quiz_qcache *qc, const struct quiz_participant *p,
		       int64_t now_ms);

#endif
