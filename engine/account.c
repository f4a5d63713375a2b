/* account.c - logins, registrations, password changes, sessions and their
 * purge (see account.h). */
#include "account.h"

#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "cards.h"
#include "clock.h"
#include "db.h"
#include "db_people.h"
#include "db_registration.h"
#include "org.h"
#include "quiz_service.h"
#include "quiz_write.h"
#include "registration.h"
#include "util.h"

/* Throttling of wrong secrets (see account.h and docs/operations.md): per
 * account at one client address, per client address, and a much higher
 * ceiling per account against slow guessing from many addresses. */
#define THROTTLE_WINDOW_MS (15LL * 60 * 1000)
#define THROTTLE_PAIR_LIMIT 5
#define THROTTLE_ADDR_LIMIT 50
#define THROTTLE_USER_LIMIT 100
#define THROTTLE_LOCK_MS (60LL * 1000)
#define THROTTLE_USER_LOCK_MS (15LL * 60 * 1000)
/* Self-registrations per client address: 20 in 15 minutes (a school's
 * computer room shares one address), then 15 minutes' wait. */
#define REGISTER_ADDR_LIMIT 20
#define REGISTER_LOCK_MS (15LL * 60 * 1000)

#define PHONE_USED_MESSAGE                                                                                                        \
	"Số điện thoại này đã được dùng để đăng ký cuộc thi này; mỗi số chỉ đăng ký một tài " \
	"khoản. (This phone number is already registered for this contest.)"

static uint64_t revocations;
static uint64_t logins_ok, logins_failed, logins_throttled;

uint64_t account_revocations(void)
{
	return __atomic_load_n(&revocations, __ATOMIC_ACQUIRE);
}

void account_sessions_revoked(void)
{
	__atomic_add_fetch(&revocations, 1, __ATOMIC_ACQ_REL);
}

static void count(uint64_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* ---- sessions ------------------------------------------------------------ */

int account_session_find(struct db *db, const char *token, int64_t now_ms, struct db_user *user,
			 int64_t *expires_ms)
{
	if (!token || strlen(token) != AUTH_TOKEN_LEN)
		return 0;
	unsigned char hash[32];
	auth_token_hash(token, hash);
	return db_session_user(db, hash, now_ms, user, expires_ms);
}

enum outcome account_session_end(struct db *db, const char *token, struct problem *p)
{
	unsigned char hash[32];
	auth_token_hash(token, hash);
	if (db_session_delete(db, hash))
		return problem_set(p, OUTCOME_INTERNAL, "The session could not be ended: %s",
				   db_errmsg(db));
	account_sessions_revoked();
	return OUTCOME_OK;
}

static int retry_after_s(int64_t until, int64_t now)
{
	int64_t s = (until - now + 999) / 1000;
	return s < 1 ? 1 : (int)s;
}

/* ---- throttling ------------------------------------------------------------ */

struct throttle_keys {
	char pair[DB_CODE_MAX + 80], user[DB_CODE_MAX + 8], addr[80];
};

/* The rows of who (ASCII-lowercased) and client_addr: "ua:" who "|" addr,
 * "u:" who, "a:" addr. db_person.c deletes the first two on erasure. */
static void throttle_keys(struct throttle_keys *k, const char *who, const char *client_addr)
{
	char lower[DB_CODE_MAX];
	size_t i = 0;
	for (; who[i] && i < sizeof lower - 1; i++)
		lower[i] = (char)((who[i] >= 'A' && who[i] <= 'Z') ? who[i] + 32 : who[i]);
	lower[i] = '\0';
	const char *addr = client_addr && *client_addr ? client_addr : "-";
	snprintf(k->pair, sizeof k->pair, "ua:%s|%s", lower, addr);
	snprintf(k->user, sizeof k->user, "u:%s", lower);
	snprintf(k->addr, sizeof k->addr, "a:%s", addr);
}

enum outcome account_throttle_check(struct db *db, const char *who, const char *client_addr,
				    int64_t now_ms, int *retry_after, struct problem *p)
{
	struct throttle_keys k;
	throttle_keys(&k, who, client_addr);
	const char *keys[] = { k.pair, k.addr, k.user };
	int64_t until = 0;
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		int64_t t = db_throttle_locked_until(db, keys[i], now_ms);
		if (t < 0)
			return problem_set(p, OUTCOME_INTERNAL, "Throttling could not be read: %s",
					   db_errmsg(db));
		if (t > until)
			until = t;
	}
	if (!until)
		return OUTCOME_OK;
	*retry_after = retry_after_s(until, now_ms);
	return problem_set(p, OUTCOME_RATE_LIMITED,
			   "Nhập sai quá nhiều lần. Vui lòng thử lại sau %d giây. (Too many "
			   "wrong attempts; retry in %d s.)",
			   *retry_after, *retry_after);
}

enum outcome account_throttle_fail(struct db *db, const char *who, const char *client_addr,
				   int64_t now_ms, struct problem *p)
{
	struct throttle_keys k;
	throttle_keys(&k, who, client_addr);
	if (db_throttle_fail(db, k.pair, now_ms, THROTTLE_WINDOW_MS, THROTTLE_PAIR_LIMIT,
			     THROTTLE_LOCK_MS) < 0 ||
	    db_throttle_fail(db, k.addr, now_ms, THROTTLE_WINDOW_MS, THROTTLE_ADDR_LIMIT,
			     THROTTLE_LOCK_MS) < 0 ||
	    db_throttle_fail(db, k.user, now_ms, THROTTLE_WINDOW_MS, THROTTLE_USER_LIMIT,
			     THROTTLE_USER_LOCK_MS) < 0)
		return problem_set(p, OUTCOME_INTERNAL, "Throttling could not be written: %s",
				   db_errmsg(db));
	return OUTCOME_OK;
}

enum outcome account_throttle_passed(struct db *db, const char *who, const char *client_addr,
				     struct problem *p)
{
	struct throttle_keys k;
	throttle_keys(&k, who, client_addr);
	if (db_throttle_clear(db, k.pair))
		return problem_set(p, OUTCOME_INTERNAL, "Throttling could not be cleared: %s",
				   db_errmsg(db));
	return OUTCOME_OK;
}

/* ---- operations ---------------------------------------------------------- */

enum op_kind { OP_LOGIN, OP_REGISTER, OP_PASSWORD, OP_RESET, OP_CARD };

struct account_op {
	enum op_kind kind;
	struct auth *auth;
	int64_t session_ttl_ms;
	struct db_user user; /* login: the account found; register: the new one;
			      * password: the person, with the hash checked */
	bool found; /* login: the username exists */
	char who[DB_CODE_MAX]; /* login, password change: the name typed */
	char client_addr[80]; /* login, password change: where from */
	char password[AUTH_PASSWORD_MAX + 1];
	char new_password[AUTH_PASSWORD_MAX + 1]; /* password change */
	char keep_token[AUTH_TOKEN_LEN + 1]; /* password change: the session that stays */
	bool weak; /* password change: the new password fails the policy */
	char weak_msg[256];
	struct auth_verify verify; /* login, password change */
	char hash[AUTH_HASH_MAX]; /* register, reset */
	int64_t actor_id; /* reset: the administrator */
	char actor_name[DB_CODE_MAX];
	int64_t contest_id; /* register: the contest the person came for */
	bool busy; /* the pool's queue was full: nothing was hashed */
	/* card: the session's write, queued to the group committer (NULL:
	 * written by account_op_finish on the caller's connection) */
	struct quiz_service *committer;
	bool entered; /* counted in the committer's requests in flight */
	int64_t now_ms;
	struct quiz_write write;
	struct account_result session; /* written by card_session_write */
};

static struct account_op *op_new(struct app *app, enum op_kind kind)
{
	struct account_op *op = xcalloc(1, sizeof *op);
	op->kind = kind;
	op->auth = app->auth;
	op->session_ttl_ms = auth_config(app->auth)->session_ttl_ms;
	return op;
}

static void op_free(struct account_op *op)
{
	if (!op)
		return;
	sodium_memzero(op, sizeof *op);
	free(op);
}

/* ---- login ----------------------------------------------------------------- */

/* A new session of user (a login that passed), into res. */
static enum outcome open_session(struct db *db, const struct db_user *user, int64_t ttl_ms,
				 int64_t now, struct account_result *res, struct problem *p)
{
	unsigned char hash[32];
	auth_token_new(res->token, hash);
	res->expires_ms = now + ttl_ms;
	if (db_session_create(db, hash, user->id, now, res->expires_ms) ||
	    db_user_logged_in(db, user->id, now))
		return problem_set(p, OUTCOME_INTERNAL, "The session could not be created: %s",
				   db_errmsg(db));
	auth_csrf_token(res->token, res->csrf);
	res->user = *user;
	res->user.pw_hash[0] = '\0';
	count(&logins_ok);
	return OUTCOME_OK;
}

enum outcome account_login_begin(struct app *app, struct db *db, const char *username,
				 const char *password, const char *client_addr,
				 struct account_op **op_out, struct account_result *res,
				 struct problem *p)
{
	struct account_op *op = op_new(app, OP_LOGIN);
	enum outcome o = OUTCOME_OK;
	memset(res, 0, sizeof *res);
	util_strlcpy(op->who, username, sizeof op->who);
	util_strlcpy(op->client_addr, client_addr ? client_addr : "", sizeof op->client_addr);
	o = account_throttle_check(db, username, client_addr, clock_now_ms(), &res->retry_after_s,
				   p);
	if (o == OUTCOME_RATE_LIMITED)
		count(&logins_throttled);
	if (o != OUTCOME_OK)
		goto out;
	int rc = db_user_by_username(db, username, &op->user);
	if (rc < 0) {
		o = problem_set(p, OUTCOME_INTERNAL, "The account could not be read: %s",
				db_errmsg(db));
		goto out;
	}
	op->found = rc == 1;
	util_strlcpy(op->password, password, sizeof op->password);
	*op_out = op;
	op = NULL;
out:
	op_free(op);
	return o;
}

static enum outcome login_finish(struct account_op *op, struct db *db, struct account_result *res,
				 struct problem *p)
{
	int64_t now = clock_now_ms();
	/* A disabled account is refused as a wrong password is, after the
	 * same Argon2id, so the answer tells nothing more. */
	if (!op->found || op->user.disabled || !op->verify.ok) {
		count(&logins_failed);
		enum outcome o = account_throttle_fail(db, op->who, op->client_addr, now, p);
		if (o != OUTCOME_OK)
			return o;
		return problem_set(
			p, OUTCOME_UNAUTHORIZED,
			"Sai tên đăng nhập hoặc mật khẩu. (Wrong username or password.)");
	}
	if (op->verify.rehashed && db_user_set_password(db, op->user.id, op->verify.new_hash))
		return problem_set(p, OUTCOME_INTERNAL, "The password could not be rehashed: %s",
				   db_errmsg(db));
	enum outcome o = account_throttle_passed(db, op->who, op->client_addr, p);
	if (o != OUTCOME_OK)
		return o;
	return open_session(db, &op->user, op->session_ttl_ms, now, res, p);
}

/* ---- registration ---------------------------------------------------------- */

/* The per-address limit of self-registrations: OUTCOME_RATE_LIMITED with
 * *retry_after while the address waits. */
static enum outcome register_rate_check(struct db *db, const char *key, int *retry_after,
					struct problem *p)
{
	int64_t now = clock_now_ms();
	int64_t until = db_throttle_locked_until(db, key, now);
	if (until < 0)
		return problem_set(p, OUTCOME_INTERNAL, "Throttling could not be read: %s",
				   db_errmsg(db));
	if (!until)
		return OUTCOME_OK;
	*retry_after = retry_after_s(until, now);
	return problem_set(p, OUTCOME_RATE_LIMITED,
			   "Có quá nhiều lượt đăng ký từ địa chỉ này. Vui lòng thử lại sau %d "
			   "giây. (Too many registrations from this address; retry in %d s.)",
			   *retry_after, *retry_after);
}

/* The rules a registration passes before its password is hashed. */
static enum outcome register_check(struct app *app, struct db *db,
				   const struct account_registration *reg, struct db_unit *unit,
				   struct problem *p)
{
	struct org_person person = {
		.username = reg->username,
		.full_name = reg->full_name,
		.role = "participant",
		.audience = reg->audience,
		.unit_code = reg->unit_code,
		.phone = reg->phone,
		.birth_year = reg->birth_year,
	};
	char msg[256];
	int rc = org_person_check(db, &person, unit, msg, sizeof msg);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "The unit could not be read: %s",
				   db_errmsg(db));
	if (rc == 0)
		return problem_set(p, OUTCOME_INVALID, "%s.", msg);
	if (!reg->birth_year)
		return problem_set(p, OUTCOME_INVALID,
				   "Năm sinh phải là số từ 1900 đến %d. (birth_year must be an "
				   "integer from 1900 to %d.)",
				   clock_vn_year(clock_now_ms()), clock_vn_year(clock_now_ms()));
	enum outcome o = registration_allowed(db, reg->contest_id, reg->audience, unit->path, p);
	if (o != OUTCOME_OK)
		return o;
	if (!reg->phone || !reg->phone[0])
		return problem_set(p, OUTCOME_INVALID,
				   "Vui lòng nhập số điện thoại. (phone is required to register "
				   "for a contest.)");
	rc = db_registration_phone_used(db, reg->contest_id, reg->phone);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "The phone could not be checked: %s",
				   db_errmsg(db));
	if (rc == 1)
		return problem_set(p, OUTCOME_CONFLICT, PHONE_USED_MESSAGE);
	if (!auth_password_acceptable(app->auth, reg->password, reg->username, msg, sizeof msg))
		return problem_set(p, OUTCOME_WEAK_PASSWORD, "%s", msg);
	struct db_user existing;
	rc = db_user_by_username(db, reg->username, &existing);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "The account could not be read: %s",
				   db_errmsg(db));
	if (rc == 1)
		return problem_set(p, OUTCOME_USERNAME_TAKEN,
				   "Tên đăng nhập đã có người dùng. (Username taken.)");
	return OUTCOME_OK;
}

enum outcome account_register_begin(struct app *app, struct db *db,
				    const struct account_registration *reg,
				    struct account_op **op_out, struct account_result *res,
				    struct problem *p)
{
	char key[96];
	snprintf(key, sizeof key, "r:%s",
		 reg->client_addr && reg->client_addr[0] ? reg->client_addr : "-");
	memset(res, 0, sizeof *res);
	enum outcome o = register_rate_check(db, key, &res->retry_after_s, p);
	struct db_unit unit;
	if (o == OUTCOME_OK)
		o = register_check(app, db, reg, &unit, p);
	if (o != OUTCOME_OK)
		return o;
	/* Each registration that reaches the hashing counts for its address. */
	if (db_throttle_fail(db, key, clock_now_ms(), THROTTLE_WINDOW_MS, REGISTER_ADDR_LIMIT,
			     REGISTER_LOCK_MS) < 0)
		return problem_set(p, OUTCOME_INTERNAL, "Throttling could not be written: %s",
				   db_errmsg(db));
	struct account_op *op = op_new(app, OP_REGISTER);
	struct db_user *u = &op->user;
	util_strlcpy(u->username, reg->username, sizeof u->username);
	util_strlcpy(u->full_name, reg->full_name, sizeof u->full_name);
	util_strlcpy(u->role, "participant", sizeof u->role);
	util_strlcpy(u->audience, reg->audience, sizeof u->audience);
	util_strlcpy(u->phone, reg->phone, sizeof u->phone);
	util_strlcpy(u->unit_code, unit.code, sizeof u->unit_code);
	util_strlcpy(u->unit_path, unit.path, sizeof u->unit_path);
	u->unit_id = unit.id;
	u->birth_year = reg->birth_year;
	op->contest_id = reg->contest_id;
	util_strlcpy(op->password, reg->password, sizeof op->password);
	*op_out = op;
	return OUTCOME_OK;
}

static enum outcome register_finish(struct account_op *op, struct db *db,
				    struct account_result *res, struct problem *p)
{
	if (!op->hash[0])
		return problem_set(p, OUTCOME_INTERNAL, "The password could not be hashed.");
	/* The account and its mark (the contest, the phone used once for it)
	 * are written together: a concurrent registration of the same phone
	 * or username loses here. */
	if (db_begin_write(db))
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	enum outcome o = OUTCOME_OK;
	int rc = db_user_create(db, &op->user, op->hash, clock_now_ms());
	if (rc == DB_CONFLICT)
		o = problem_set(p, OUTCOME_USERNAME_TAKEN,
				"Tên đăng nhập đã có người dùng. (Username taken.)");
	if (rc == 0)
		rc = db_registration_mark(db, op->user.id, op->contest_id);
	if (o == OUTCOME_OK && rc == DB_CONFLICT)
		o = problem_set(p, OUTCOME_CONFLICT, PHONE_USED_MESSAGE);
	if (o == OUTCOME_OK && (rc < 0 || db_commit(db)))
		o = problem_set(p, OUTCOME_INTERNAL, "The account could not be created: %s",
				db_errmsg(db));
	if (o != OUTCOME_OK) {
		db_rollback(db);
		return o;
	}
	res->user = op->user;
	return OUTCOME_OK;
}

/* ---- password change ------------------------------------------------------- */

enum outcome account_password_begin(struct app *app, struct db *db,
				    const struct account_password_change *chg,
				    struct account_op **op_out, struct account_result *res,
				    struct problem *p)
{
	const char *old_password = chg->old_password, *new_password = chg->new_password;
	memset(res, 0, sizeof *res);
	struct account_op *op = op_new(app, OP_PASSWORD);
	int rc = db_user_by_id(db, chg->user_id, &op->user);
	if (rc != 1) {
		op_free(op);
		return rc < 0 ? problem_set(p, OUTCOME_INTERNAL,
					    "The account could not be read: %s", db_errmsg(db))
			      : problem_set(p, OUTCOME_NOT_FOUND, "The account is gone.");
	}
	/* Wrong old passwords are guesses like wrong logins. */
	util_strlcpy(op->who, op->user.username, sizeof op->who);
	util_strlcpy(op->client_addr, chg->client_addr ? chg->client_addr : "",
		     sizeof op->client_addr);
	enum outcome o = account_throttle_check(db, op->who, op->client_addr, clock_now_ms(),
						&res->retry_after_s, p);
	if (o != OUTCOME_OK) {
		op_free(op);
		return o;
	}
	/* The policy is checked now, but told only after the old password:
	 * a wrong old password is the first thing to fix. */
	op->weak = !auth_password_acceptable(app->auth, new_password, op->user.username,
					     op->weak_msg, sizeof op->weak_msg);
	util_strlcpy(op->password, old_password, sizeof op->password);
	util_strlcpy(op->new_password, new_password, sizeof op->new_password);
	util_strlcpy(op->keep_token, chg->token ? chg->token : "", sizeof op->keep_token);
	*op_out = op;
	return OUTCOME_OK;
}

static enum outcome password_finish(struct account_op *op, struct db *db, struct problem *p)
{
	if (!op->verify.ok) {
		enum outcome o =
			account_throttle_fail(db, op->who, op->client_addr, clock_now_ms(), p);
		if (o != OUTCOME_OK)
			return o;
		return problem_set(
			p, OUTCOME_WRONG_PASSWORD,
			"Mật khẩu hiện tại không đúng. (The current password is wrong.)");
	}
	if (op->weak)
		return problem_set(p, OUTCOME_WEAK_PASSWORD, "%s", op->weak_msg);
	if (!op->verify.rehashed)
		return problem_set(p, OUTCOME_INTERNAL, "The new password could not be hashed.");
	unsigned char keep[32];
	auth_token_hash(op->keep_token, keep);
	struct db_user now;
	enum outcome o = OUTCOME_OK;
	if (db_begin_write(db))
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	/* The old password was checked against the hash read before hashing;
	 * a change that landed meanwhile must not be overwritten unseen. */
	int rc = db_user_by_id(db, op->user.id, &now);
	if (rc != 1) {
		o = rc < 0 ? problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db))
			   : problem_set(p, OUTCOME_NOT_FOUND, "The account is gone.");
		goto rollback;
	}
	if (strcmp(now.pw_hash, op->user.pw_hash) != 0) {
		o = problem_set(p, OUTCOME_CONFLICT,
				"Mật khẩu vừa được đổi ở nơi khác. (The password was changed "
				"meanwhile; try again.)");
		goto rollback;
	}
	/* Other sessions end: whoever knew the old password is logged out. */
	/* A login card stops working once its person sets a password. */
	if (db_user_set_password(db, op->user.id, op->verify.new_hash) ||
	    db_session_delete_user(db, op->user.id, keep) || db_card_delete(db, op->user.id) ||
	    db_commit(db)) {
		o = problem_set(p, OUTCOME_INTERNAL, "The password could not be changed: %s",
				db_errmsg(db));
		goto rollback;
	}
	account_sessions_revoked();
	return OUTCOME_OK;
rollback:
	db_rollback(db);
	return o;
}

/* ---- login cards ----------------------------------------------------------- */

enum outcome account_card_begin(struct app *app, struct db *db, const char *code,
				const char *client_addr, struct account_op **op_out,
				struct account_result *res, struct problem *p)
{
	memset(res, 0, sizeof *res);
	char canonical[CARDS_CODE_CHARS + 1], who[DB_CODE_MAX];
	bool wellformed = cards_code_canonical(code, canonical) == 0;
	/* Each code its own name, so wrong codes lock an address, never
	 * everyone's cards. */
	snprintf(who, sizeof who, "card:%s", wellformed ? canonical : "?");
	int64_t now = clock_now_ms();
	enum outcome o = account_throttle_check(db, who, client_addr, now, &res->retry_after_s, p);
	if (o == OUTCOME_RATE_LIMITED)
		count(&logins_throttled);
	if (o != OUTCOME_OK)
		return o;
	struct db_user user;
	int rc = 0;
	if (wellformed) {
		struct cards_keyring keys = { app->cfg.data_dir, app->cfg.db_path };
		unsigned char hash[32];
		o = cards_code_hash(&keys, canonical, hash, p);
		if (o != OUTCOME_OK)
			return o;
		rc = db_card_user(db, hash, &user);
		if (rc < 0)
			return problem_set(p, OUTCOME_INTERNAL, "The card could not be read: %s",
					   db_errmsg(db));
	}
	if (rc == 0) {
		count(&logins_failed);
		o = account_throttle_fail(db, who, client_addr, now, p);
		if (o != OUTCOME_OK)
			return o;
		return problem_set(p, OUTCOME_UNAUTHORIZED,
				   "Mã đăng nhập không đúng hoặc đã hết hiệu lực. (Unknown or void "
				   "login code.)");
	}
	struct account_op *op = op_new(app, OP_CARD);
	op->user = user;
	op->now_ms = now;
	util_strlcpy(op->who, who, sizeof op->who);
	util_strlcpy(op->client_addr, client_addr ? client_addr : "", sizeof op->client_addr);
	op->committer = quiz_service_of(app);
	*op_out = op;
	return OUTCOME_OK;
}

/* The writes of a card login that passed, inside the transaction of the
 * group committer (or of card_finish): the throttle of its code and address
 * cleared, and the new session into op->session. */
static enum outcome card_session_write(void *ctx, struct db *db)
{
	struct account_op *op = ctx;
	enum outcome o = account_throttle_passed(db, op->who, op->client_addr, &op->write.problem);
	if (o == OUTCOME_OK)
		o = open_session(db, &op->user, op->session_ttl_ms, op->now_ms, &op->session,
				 &op->write.problem);
	return o;
}

/* Queues the session on the group committer: concurrent card logins share
 * one transaction and one fsync, and each is told only once its COMMIT
 * returned. 0, or -1 when the committer refuses work (quiescing). */
static int card_submit(struct account_op *op, void (*done)(void *ctx), void *ctx)
{
	if (!op->committer) {
		done(ctx);
		return 0;
	}
	if (!quiz_service_enter(op->committer))
		return -1;
	op->entered = true;
	op->write = (struct quiz_write){ .kind = QUIZ_WRITE_CALL,
					 .apply = card_session_write,
					 .apply_ctx = op };
	quiz_service_submit(op->committer, &op->write, done, ctx);
	return 0;
}

static enum outcome card_finish(struct account_op *op, struct db *db, struct account_result *res,
				struct problem *p)
{
	if (op->entered)
		quiz_service_leave(op->committer);
	if (!op->committer) {
		/* No committer (quizadm, tests): a transaction of its own, so a
		 * card login still costs one commit. */
		op->write.status =
			db_begin_write(db) ? OUTCOME_INTERNAL : card_session_write(op, db);
		if (op->write.status == OUTCOME_OK && db_commit(db))
			op->write.status = OUTCOME_INTERNAL;
		if (op->write.status == OUTCOME_INTERNAL && !op->write.problem.message[0])
			problem_set(&op->write.problem, OUTCOME_INTERNAL, "%s", db_errmsg(db));
		if (op->write.status != OUTCOME_OK)
			db_rollback(db);
	}
	if (op->write.status != OUTCOME_OK) {
		*p = op->write.problem;
		return op->write.status;
	}
	*res = op->session;
	return OUTCOME_OK;
}

enum outcome account_card_login(struct app *app, struct db *db, const char *code,
				const char *client_addr, struct account_result *res,
				struct problem *p)
{
	struct account_op *op = NULL;
	enum outcome o = account_card_begin(app, db, code, client_addr, &op, res, p);
	if (o != OUTCOME_OK)
		return o;
	return account_op_complete(op, db, res, p);
}

/* ---- password reset by an administrator ------------------------------------ */

struct account_op *account_reset_begin(struct app *app, int64_t user_id,
				       const struct audit_actor *actor)
{
	struct account_op *op = op_new(app, OP_RESET);
	op->user.id = user_id;
	op->actor_id = actor->user_id;
	util_strlcpy(op->actor_name, actor->username ? actor->username : "", sizeof op->actor_name);
	auth_generate_password(op->new_password);
	return op;
}

static enum outcome reset_finish(struct account_op *op, struct db *db, struct account_result *res,
				 struct problem *p)
{
	if (!op->hash[0])
		return problem_set(p, OUTCOME_INTERNAL, "The new password could not be hashed.");
	if (db_begin_write(db))
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	struct db_user now;
	enum outcome o = OUTCOME_OK;
	int rc = db_user_by_id(db, op->user.id, &now);
	if (rc != 1) {
		o = rc < 0 ? problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db))
			   : problem_set(p, OUTCOME_NOT_FOUND, "User not found.");
		goto rollback;
	}
	char target[32];
	snprintf(target, sizeof target, "user:%lld", (long long)op->user.id);
	struct audit_actor who = { op->actor_id, op->actor_name };
	if (db_user_set_password(db, op->user.id, op->hash) ||
	    db_session_delete_user(db, op->user.id, NULL)) {
		o = problem_set(p, OUTCOME_INTERNAL, "The password could not be set: %s",
				db_errmsg(db));
		goto rollback;
	}
	o = audit_record(db, &who, "user.password_reset", target, NULL, p);
	if (o != OUTCOME_OK)
		goto rollback;
	if (db_commit(db)) {
		o = problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
		goto rollback;
	}
	account_sessions_revoked();
	util_strlcpy(res->password, op->new_password, sizeof res->password);
	return OUTCOME_OK;
rollback:
	db_rollback(db);
	return o;
}

/* ---- running ---------------------------------------------------------------- */

void account_op_run(struct account_op *op, void (*done)(void *ctx), void *ctx)
{
	int rc = -1;
	switch (op->kind) {
	case OP_LOGIN:
		rc = auth_verify_async(op->auth, op->found ? op->user.pw_hash : NULL, op->password,
				       &op->verify, done, ctx);
		break;
	case OP_REGISTER:
		rc = auth_hash_async(op->auth, op->password, op->hash, done, ctx);
		break;
	case OP_RESET:
		rc = auth_hash_async(op->auth, op->new_password, op->hash, done, ctx);
		break;
	case OP_CARD:
		rc = card_submit(op, done, ctx);
		break;
	case OP_PASSWORD:
		/* A weak new password is not worth hashing. */
		rc = op->weak ? auth_verify_async(op->auth, op->user.pw_hash, op->password,
						  &op->verify, done, ctx)
			      : auth_change_async(op->auth, op->user.pw_hash, op->password,
						  op->new_password, &op->verify, done, ctx);
		break;
	}
	if (rc != 0) {
		op->busy = true;
		done(ctx);
	}
}

enum outcome account_op_finish(struct account_op *op, struct db *db, struct account_result *res,
			       struct problem *p)
{
	enum outcome o;
	memset(res, 0, sizeof *res);
	if (op->busy) {
		if (op->kind == OP_LOGIN)
			count(&logins_throttled);
		res->retry_after_s = auth_retry_after_s(op->auth);
		o = problem_set(p, OUTCOME_RATE_LIMITED,
				"Máy chủ đang bận, thử lại sau %d giây. (Server busy; retry in %d "
				"s.)",
				res->retry_after_s, res->retry_after_s);
	} else if (op->kind == OP_RESET) {
		o = reset_finish(op, db, res, p);
	} else if (op->kind == OP_CARD) {
		o = card_finish(op, db, res, p);
	} else if (op->kind != OP_REGISTER && op->verify.failed) {
		o = problem_set(p, OUTCOME_INTERNAL, "Password check failed.");
	} else if (op->kind == OP_LOGIN) {
		o = login_finish(op, db, res, p);
	} else if (op->kind == OP_REGISTER) {
		o = register_finish(op, db, res, p);
	} else {
		o = password_finish(op, db, p);
	}
	op_free(op);
	return o;
}

static void post(void *ctx)
{
	sem_post(ctx);
}

enum outcome account_op_complete(struct account_op *op, struct db *db, struct account_result *res,
				 struct problem *p)
{
	sem_t done;
	sem_init(&done, 0, 0);
	account_op_run(op, post, &done);
	while (sem_wait(&done) != 0)
		continue; /* interrupted by a signal: wait on */
	sem_destroy(&done);
	return account_op_finish(op, db, res, p);
}

/* ---- housekeeping ------------------------------------------------------ */

enum outcome account_purge(struct db *db, int64_t now_ms, int64_t *sessions, int64_t *throttles,
			   struct problem *p)
{
	int64_t s = db_session_purge(db, now_ms);
	int64_t t = s < 0 ? -1 : db_throttle_purge(db, now_ms, THROTTLE_WINDOW_MS);
	if (s < 0 || t < 0)
		return problem_set(p, OUTCOME_INTERNAL, "purge of sessions and throttling: %s",
				   db_errmsg(db));
	if (sessions)
		*sessions = s;
	if (throttles)
		*throttles = t;
	return OUTCOME_OK;
}

void account_metrics_write(struct db *db, struct strbuf *sb)
{
	sb_printf(sb,
		  "# HELP quiz_logins_total Login attempts by outcome.\n"
		  "# TYPE quiz_logins_total counter\n"
		  "quiz_logins_total{outcome=\"ok\"} %llu\n"
		  "quiz_logins_total{outcome=\"failed\"} %llu\n"
		  "quiz_logins_total{outcome=\"throttled\"} %llu\n",
		  (unsigned long long)__atomic_load_n(&logins_ok, __ATOMIC_RELAXED),
		  (unsigned long long)__atomic_load_n(&logins_failed, __ATOMIC_RELAXED),
		  (unsigned long long)__atomic_load_n(&logins_throttled, __ATOMIC_RELAXED));
	int64_t sessions, throttles;
	if (db && db_account_stored(db, &sessions, &throttles) == 0)
		sb_printf(sb,
			  "# HELP quiz_stored_sessions Session rows held, live or expired but "
			  "not yet purged.\n"
			  "# TYPE quiz_stored_sessions gauge\nquiz_stored_sessions %lld\n"
			  "# HELP quiz_stored_login_throttles Login-throttling rows held.\n"
			  "# TYPE quiz_stored_login_throttles gauge\n"
			  "quiz_stored_login_throttles %lld\n",
			  (long long)sessions, (long long)throttles);
}
