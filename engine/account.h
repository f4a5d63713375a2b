/* account.h - accounts and sessions: the rules of logging in (with
 * throttling of failures), registering, changing a password, finding and
 * ending sessions, and purging what has expired. Testable without HTTP.
 *
 * Login, registration and password change need Argon2id, which takes tens
 * of milliseconds, so each runs in three steps: account_*_begin() checks
 * what is cheap on the caller's connection and returns an operation;
 * account_op_run() hashes on the pool and calls back from a pool thread
 * (the HTTP layer suspends the connection meanwhile); account_op_finish()
 * writes, on the caller's connection, and says how it ended. */
#ifndef QUIZ_ACCOUNT_H
#define QUIZ_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "db_account.h"
#include "outcome.h"

struct app;
struct db;
struct strbuf;

/* ---- sessions ------------------------------------------------------------ */

/* The user of the live session of token (Bearer header or cookie): 1 with
 * *user (pw_hash empty) and *expires_ms filled, 0 when the token is not a
 * live session (malformed, unknown, expired, or its person erased), -1 on
 * a storage error (message in db_errmsg). One read by primary key. */
int account_session_find(struct db *db, const char *token, int64_t now_ms, struct db_user *user,
			 int64_t *expires_ms);
/* Ends the session of token. OUTCOME_OK or OUTCOME_INTERNAL. */
enum outcome account_session_end(struct db *db, const char *token, struct problem *p);
/* A counter that moves each time this process ends sessions other than by
 * expiry (logout, password change, erasure, a disabled account) or changes
 * what a session carries (a person's role, unit or audience), so caches of
 * sessions (session_cache.c) drop what they hold. */
uint64_t account_revocations(void);
/* Moves that counter; for modules that delete sessions or edit people
 * themselves. */
void account_sessions_revoked(void);

/* ---- throttling of wrong secrets ---------------------------------------- */

/* Wrong secrets typed for a name (a username; any other secret a person
 * types, e.g. a login-card code, under its own name) are counted in three
 * rows shared by every instance through the database: the name at the
 * client address (5 failures in 15 minutes, then a lock of a minute), the
 * client address (50 in 15 minutes, same lock) and the name from anywhere
 * (100 in 15 minutes, then 15 minutes); each failure past a limit doubles
 * its lock, up to 64 times. So a correct secret from an address that has
 * not failed still passes while the name is guessed elsewhere.
 * The names are compared ASCII-case-insensitively; client_addr may be NULL
 * or "" (one shared "-" address). */

/* OUTCOME_OK when nothing is locked at now_ms; OUTCOME_RATE_LIMITED with
 * the seconds to wait in *retry_after_s (>= 1) and a Vietnamese message;
 * OUTCOME_INTERNAL on a storage error. */
enum outcome account_throttle_check(struct db *db, const char *who, const char *client_addr,
				    int64_t now_ms, int *retry_after_s, struct problem *p);
/* Counts one wrong secret for who at client_addr. OUTCOME_OK or
 * OUTCOME_INTERNAL. */
enum outcome account_throttle_fail(struct db *db, const char *who, const char *client_addr,
				   int64_t now_ms, struct problem *p);
/* A right secret: forgets the failures of who at client_addr (the address's
 * and the name's own rows stay until their window passes). */
enum outcome account_throttle_passed(struct db *db, const char *who, const char *client_addr,
				     struct problem *p);

/* ---- slow operations -------------------------------------------------- */

/* What a finished operation produced. */
struct account_result {
	struct db_user user; /* login: the account; register: the new one */
	char token[AUTH_TOKEN_LEN + 1]; /* login: the new session's token */
	char csrf[AUTH_TOKEN_LEN + 1]; /* login: its CSRF token */
	int64_t expires_ms; /* login: when the session ends */
	int retry_after_s; /* OUTCOME_RATE_LIMITED: seconds to wait (>= 1) */
	char password[AUTH_PASSWORD_MAX + 1]; /* reset: the new password, shown once */
};

struct account_op;

/* Login: refuses at once (OUTCOME_RATE_LIMITED, res->retry_after_s) while
 * account_throttle_check refuses the username at the client address. Otherwise returns OUTCOME_OK and a new
 * operation in *op. Finishing it gives OUTCOME_UNAUTHORIZED for an unknown
 * user or a wrong password alike (both cost one Argon2id and count as a
 * failure), or OUTCOME_OK with a new session in res. */
enum outcome account_login_begin(struct app *app, struct db *db, const char *username,
				 const char *password, const char *client_addr,
				 struct account_op **op, struct account_result *res,
				 struct problem *p);

/* A self-registration as the registration form gives it. */
struct account_registration {
	const char *username, *password, *full_name, *unit_code, *audience;
	const char *phone; /* NULL or "" when not given (refused) */
	int birth_year; /* 0 when absent or not an integer */
	int64_t contest_id; /* the contest registered for; 0 when absent */
	const char *client_addr; /* for the per-address limit */
};
/* Self-registration of a participant for a contest. Refused at once with
 * OUTCOME_RATE_LIMITED (res->retry_after_s) while the client address has
 * made 20 registrations in 15 minutes; then the person passes
 * org_person_check (the roster's rules) and needs a birth year; a window
 * must be open for the contest, the audience and the unit
 * (registration_allowed: OUTCOME_FORBIDDEN); the phone is required
 * (OUTCOME_INVALID) and used once per contest (OUTCOME_CONFLICT); the
 * password passes the policy (OUTCOME_WEAK_PASSWORD); the username must be
 * free (OUTCOME_USERNAME_TAKEN). Every refusal has a Vietnamese message.
 * On OUTCOME_OK, *op is a new operation; finishing it creates the account,
 * marked self-registered for the contest and unconfirmed (res->user), with
 * the phone and username checked again in that transaction. */
enum outcome account_register_begin(struct app *app, struct db *db,
				    const struct account_registration *reg, struct account_op **op,
				    struct account_result *res, struct problem *p);

/* A password change as the request gives it. */
struct account_password_change {
	int64_t user_id;
	const char *token; /* the session that stays */
	const char *old_password, *new_password;
	const char *client_addr; /* for throttling wrong old passwords */
};
/* Password change of user_id, whose session (token) stays while every
 * other session of the person ends. Refused at once (OUTCOME_RATE_LIMITED,
 * res->retry_after_s) while wrong secrets for the person or from the
 * client address are throttled (account_throttle_check); a wrong old
 * password counts as a failure (account_throttle_fail). On OUTCOME_OK, *op
 * is a new operation;
 * finishing it gives OUTCOME_WRONG_PASSWORD when old_password is wrong,
 * OUTCOME_WEAK_PASSWORD when the new one fails the policy, OUTCOME_CONFLICT
 * when the password changed meanwhile, or OUTCOME_OK: the new hash and the
 * end of the other sessions are written in one transaction. */
enum outcome account_password_begin(struct app *app, struct db *db,
				    const struct account_password_change *chg,
				    struct account_op **op, struct account_result *res,
				    struct problem *p);

/* Password reset of user_id by an administrator (actor; the caller checked
 * they may act on the person): a generated password. Finishing it writes
 * the new hash, ends every session of the person and writes the audit entry
 * in one transaction, with the password in res->password; OUTCOME_NOT_FOUND
 * when the person is gone meanwhile. */
struct audit_actor;
struct account_op *account_reset_begin(struct app *app, int64_t user_id,
				       const struct audit_actor *actor);

/* Login by the code of a login card (cards.h), typed or read from the QR
 * image: refused at once (OUTCOME_RATE_LIMITED) while throttled as logins
 * are (account_throttle_check; a wrong code counts as a failure);
 * OUTCOME_UNAUTHORIZED for a malformed, unknown or void code or a disabled
 * person; else OUTCOME_OK with *op (owned by the caller until finished):
 * account_op_run() queues its session on the group committer of
 * quiz_service.h (the code's throttle cleared and the session written in
 * the committer's next transaction, shared with concurrent writes) and
 * calls done once that COMMIT returned; account_op_finish() then gives the
 * new session in res, as a login. Without a running quiz service the
 * session is written by account_op_finish in a transaction of its own.
 * Needs no hashing pool: the keyed BLAKE2b of a code takes microseconds. */
enum outcome account_card_begin(struct app *app, struct db *db, const char *code,
				const char *client_addr, struct account_op **op,
				struct account_result *res, struct problem *p);
/* account_card_begin, then account_op_complete (for callers that may
 * block: benchmarks, tests). */
enum outcome account_card_login(struct app *app, struct db *db, const char *code,
				const char *client_addr, struct account_result *res,
				struct problem *p);

/* Hashes on the pool (a card login: queues its session on the group
 * committer); done(ctx) is called exactly once, from a pool (committer)
 * thread, or at once on this thread when the pool's queue is full or the
 * committer is quiescing (finishing then gives OUTCOME_RATE_LIMITED). */
void account_op_run(struct account_op *op, void (*done)(void *ctx), void *ctx);
/* After done: writes what the operation decided on db (the caller's
 * connection) and frees op. Returns the outcome, with res filled on
 * OUTCOME_OK (and retry_after_s on OUTCOME_RATE_LIMITED). */
enum outcome account_op_finish(struct account_op *op, struct db *db, struct account_result *res,
			       struct problem *p);
/* account_op_run, waiting on this thread, then account_op_finish (for
 * callers that may block: quizadm, tests). */
enum outcome account_op_complete(struct account_op *op, struct db *db, struct account_result *res,
				 struct problem *p);

/* ---- housekeeping ------------------------------------------------------ */

/* Deletes the sessions expired at now_ms and the login-throttling rows
 * whose window has passed and whose lock has ended. The counts deleted go
 * into *sessions and *throttles (may be NULL). Run by quizd's sweeper. */
enum outcome account_purge(struct db *db, int64_t now_ms, int64_t *sessions, int64_t *throttles,
			   struct problem *p);

/* Appends the login counters and the rows held (sessions, throttling) to a
 * Prometheus exposition; db is read for the rows. */
void account_metrics_write(struct db *db, struct strbuf *sb);

#endif
