/* quiz_write.h - the writes of attempts: start, answer save, submit or
 * expire, and the sweep of attempts past their deadline.
 *
 * A write is split in two: a *prepare* step that reads and validates on the
 * caller's connection (outside any transaction), and an *apply* step
 * (quiz_write_apply) that runs inside a write transaction and re-checks what
 * may have changed meanwhile. quiz_service.h runs the apply steps of many
 * requests in one transaction (group commit); quiz_write_run() runs one in
 * its own transaction (quizadm, tests). Every outcome is an enum outcome
 * with its message in the write's problem. */
#ifndef QUIZ_QUIZ_WRITE_H
#define QUIZ_QUIZ_WRITE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_attempt.h"
#include "db_quiz.h"
#include "outcome.h"
#include "quiz_rules.h"

struct db;
struct quiz_qcache;

enum quiz_write_kind {
	QUIZ_WRITE_START,
	QUIZ_WRITE_ANSWER,
	QUIZ_WRITE_FINISH,
	QUIZ_WRITE_SWEEP,
	QUIZ_WRITE_LIVE_ANSWER, /* a live game's answer, decided by live.h */
	QUIZ_WRITE_CALL, /* a write of another module, see apply below */
};

/* A live game's answer as live_answer_begin decided it (points from the
 * server's clock when the request came). */
struct quiz_live_answer {
	int64_t game_id, player_id, index, option_id, points;
	bool correct;
};

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
	bool practice; /* a practice attempt: one save per question, answered with feedback */
	/* FINISH: submit (else only expire when due) and the prediction */
	bool submit;
	bool has_prediction;
	int64_t prediction;
	/* LIVE_ANSWER: stored unless the player has an answer to the question
	 * (then OUTCOME_ALREADY_ANSWERED) */
	struct quiz_live_answer live;
	int64_t live_previous; /* the question the player answered before (live.c) */
	/* SWEEP: how many due attempts at most; how many were finalised */
	size_t limit;
	size_t swept;
	/* CALL: a write of another module that shares the group commit (a card
	 * login's session, account.c): apply(apply_ctx, db) runs inside the
	 * batch's transaction and returns its outcome, with its message in
	 * problem; OUTCOME_INTERNAL undoes its statements. */
	enum outcome (*apply)(void *apply_ctx, struct db *db);
	void *apply_ctx;
	/* results */
	enum outcome status;
	bool created; /* START: a new attempt (else resumed) */
	/* START, FINISH: the quiz of an attempt this write completed, else 0 */
	int64_t completed_quiz_id;
	struct problem problem; /* the message of a status other than OUTCOME_OK */
	/* used by quiz_service */
	struct quiz_write *next;
	void (*done)(void *ctx);
	void *done_ctx;
};
/* Frees w's heap members; w may be reused after quiz_*_prepare. */
void quiz_write_cleanup(struct quiz_write *w);

/* Prepares a START for participant p of quiz q at now: checks audience,
 * scope and window, picks the round, draws with a new seed. Returns
 * OUTCOME_OK (w filled), OUTCOME_FORBIDDEN, OUTCOME_QUIZ_NOT_OPEN or
 * OUTCOME_INTERNAL (w->problem). */
enum outcome quiz_start_prepare(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
				const struct quiz_participant *p, int64_t now_ms, int64_t grace_ms,
				struct quiz_write *w);
/* Prepares an ANSWER of user_id to question_id of attempt_id from the body
 * {"choices":[...]} or {"text":"..."} (borrowed). Returns OUTCOME_OK,
 * OUTCOME_NOT_FOUND (not the user's attempt), OUTCOME_TIME_OVER (past
 * deadline + grace), OUTCOME_INVALID (w->problem) or OUTCOME_INTERNAL. It
 * checks only what never changes (owner, deadline, draw; cached): a
 * submitted or expired attempt is refused when the write is applied
 * (OUTCOME_ATTEMPT_CLOSED, OUTCOME_TIME_OVER). */
enum outcome quiz_answer_prepare(struct db *db, struct quiz_qcache *qc, int64_t user_id,
				 int64_t attempt_id, int64_t question_id, json_t *body,
				 int64_t now_ms, int64_t grace_ms, struct quiz_write *w);
/* Prepares a FINISH (submit when submit is set, else expire when due). */
void quiz_finish_prepare(int64_t attempt_id, bool submit, bool has_prediction, int64_t prediction,
			 int64_t now_ms, int64_t grace_ms, struct quiz_write *w);
/* Prepares a SWEEP of at most limit attempts due at now. */
void quiz_sweep_prepare(int64_t now_ms, int64_t grace_ms, size_t limit, struct quiz_write *w);

/* Applies w inside the caller's write transaction. Returns 0 with the
 * outcome in w->status (START: w->attempt.id is the new or resumed
 * attempt), or -1 on a storage failure (the caller rolls back what w did).
 * An ANSWER is applied as a group of one (quiz_answers_apply). */
int quiz_write_apply(struct db *db, struct quiz_qcache *qc, struct quiz_write *w);
/* Applies n ANSWER writes (in queue order, same grace) inside the caller's
 * write transaction with multi-row statements: the one way a save is
 * applied. Each gets its status (OUTCOME_OK, or refused by the storage rule
 * of db_answers_save: OUTCOME_ATTEMPT_CLOSED, OUTCOME_TIME_OVER; a practice
 * save of a question already answered: OUTCOME_ALREADY_ANSWERED). Returns
 * 0 or -1 (storage failure). */
int quiz_answers_apply(struct db *db, struct quiz_write **ws, size_t n);
/* Applies a run of n START writes (queue order, n <= DB_START_RUN_MAX)
 * inside the caller's write transaction, with one lookup and one insert
 * for the run (db_attempts_open_many, db_attempts_insert_many) under a
 * savepoint of its own. A start it leaves goes to later[], in queue order,
 * for quiz_write_apply: one whose person and quiz came earlier in the run,
 * one whose attempt in progress is past its deadline (finalised first),
 * and, when the run's insert fails, every start that was to insert.
 * Returns how many it left; the others have their status. */
size_t quiz_starts_apply(struct db *db, struct quiz_write **run, size_t n,
			 struct quiz_write **later);
/* Applies w in its own transaction. Returns 0 or -1 (w->status
 * OUTCOME_INTERNAL). */
int quiz_write_run(struct db *db, struct quiz_qcache *qc, struct quiz_write *w);

/* ---- what a request needs before it queues a write ---------------------- */

/* POST /quizzes/{id}/attempts for p at now: OUTCOME_OK with either *text
 * (new string: the attempt in progress, resumed without a write) or, with
 * *text NULL, w prepared as a START to queue. OUTCOME_NOT_FOUND (no such
 * quiz) and the refusals of quiz_start_prepare otherwise (w->problem). */
enum outcome quiz_start_begin(struct db *db, struct quiz_qcache *qc, int64_t quiz_id,
			      const struct quiz_participant *p, int64_t now_ms, int64_t grace_ms,
			      struct quiz_write *w, char **text);
/* GET /attempts/{id} by user_id: OUTCOME_OK with *text (the attempt) or,
 * when it is past deadline + grace and still open, *text NULL and w
 * prepared as a FINISH that expires it. OUTCOME_NOT_FOUND or
 * OUTCOME_INTERNAL otherwise (w->problem). */
enum outcome quiz_attempt_open(struct db *db, struct quiz_qcache *qc, int64_t user_id,
			       int64_t attempt_id, int64_t now_ms, int64_t grace_ms,
			       struct quiz_write *w, char **text);
/* POST /attempts/{id}/submit by user_id with body (borrowed; NULL when the
 * request had none): OUTCOME_OK with *text when the attempt is already
 * finished, else *text NULL and w prepared as a submitting FINISH.
 * OUTCOME_INVALID (a bad prediction), OUTCOME_NOT_FOUND or
 * OUTCOME_INTERNAL otherwise (w->problem). */
enum outcome quiz_submit_begin(struct db *db, struct quiz_qcache *qc, int64_t user_id,
			       int64_t attempt_id, json_t *body, int64_t now_ms, int64_t grace_ms,
			       struct quiz_write *w, char **text);

#endif
