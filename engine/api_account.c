/* api_account.c - login, logout, registration, me, password change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "auth.h"
#include "clock.h"
#include "db.h"
#include "org.h"
#include "util.h"

/* Throttling of failed logins: per account and per client address. */
#define THROTTLE_WINDOW_MS (15LL * 60 * 1000)
#define THROTTLE_USER_LIMIT 5
#define THROTTLE_ADDR_LIMIT 50
#define THROTTLE_LOCK_MS (60LL * 1000)

static uint64_t logins_ok, logins_failed, logins_throttled;

void api_account_metrics(struct strbuf *sb)
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
}

struct login {
	struct req *r;
	struct db_user user;
	bool found;
	bool queue_full;
	char user_key[96];
	char addr_key[96];
	struct auth_verify verify;
};

static void throttle_keys(struct login *l, const char *username, const char *addr)
{
	char lower[DB_CODE_MAX];
	size_t i = 0;
	for (; username[i] && i < sizeof lower - 1; i++)
		lower[i] = (char)((username[i] >= 'A' && username[i] <= 'Z') ? username[i] + 32
									     : username[i]);
	lower[i] = '\0';
	snprintf(l->user_key, sizeof l->user_key, "u:%s", lower);
	snprintf(l->addr_key, sizeof l->addr_key, "a:%s", addr);
}

static int retry_after(struct resp *out, int64_t until, int64_t now, const char *why)
{
	char secs[32];
	int64_t s = (until - now + 999) / 1000;
	snprintf(secs, sizeof secs, "%lld", (long long)(s < 1 ? 1 : s));
	resp_error(out, 429, "rate_limited", "%s Thử lại sau %s giây. (Retry in %s s.)", why, secs,
		   secs);
	resp_header(out, "Retry-After", secs);
	return 0;
}

static void login_done(void *ctx)
{
	struct login *l = ctx;
	http_wake(l->r);
}

static void set_session_cookie(struct req *r, struct resp *out, const char *token,
			       int64_t max_age_s)
{
	char cookie[256];
	snprintf(cookie, sizeof cookie, "sid=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
		 token, (long long)max_age_s, r->app->cfg.secure_cookies ? "; Secure" : "");
	resp_header(out, "Set-Cookie", cookie);
}

static int login_finish(struct req *r, struct resp *out)
{
	struct login *l = r->resume_ctx;
	int ret = 0;
	int64_t now = clock_now_ms();
	if (l->queue_full) {
		__atomic_fetch_add(&logins_throttled, 1, __ATOMIC_RELAXED);
		char secs[16];
		snprintf(secs, sizeof secs, "%d", auth_retry_after_s(r->app->auth));
		resp_error(out, 429, "rate_limited",
			   "Máy chủ đang bận, thử lại sau %s giây. (Server busy; retry in %s s.)",
			   secs, secs);
		resp_header(out, "Retry-After", secs);
		goto out;
	}
	if (l->verify.failed) {
		resp_error(out, 500, "internal", "Password check failed.");
		goto out;
	}
	if (!l->found || !l->verify.ok) {
		__atomic_fetch_add(&logins_failed, 1, __ATOMIC_RELAXED);
		if (db_throttle_fail(r->db, l->user_key, now, THROTTLE_WINDOW_MS,
				     THROTTLE_USER_LIMIT, THROTTLE_LOCK_MS) < 0 ||
		    db_throttle_fail(r->db, l->addr_key, now, THROTTLE_WINDOW_MS,
				     THROTTLE_ADDR_LIMIT, THROTTLE_LOCK_MS) < 0) {
			ret = -1;
			goto out;
		}
		resp_error(out, 401, "unauthorized",
			   "Sai tên đăng nhập hoặc mật khẩu. (Wrong username or password.)");
		goto out;
	}
	if (l->verify.rehashed && db_user_set_password(r->db, l->user.id, l->verify.new_hash)) {
		ret = -1;
		goto out;
	}
	db_throttle_clear(r->db, l->user_key);
	char token[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1];
	unsigned char hash[32];
	auth_token_new(token, hash);
	int64_t ttl = auth_config(r->app->auth)->session_ttl_ms;
	if (db_session_create(r->db, hash, l->user.id, now, now + ttl)) {
		ret = -1;
		goto out;
	}
	auth_csrf_token(token, csrf);
	__atomic_fetch_add(&logins_ok, 1, __ATOMIC_RELAXED);
	char expires[32];
	clock_format(now + ttl, expires);
	resp_json(out, 200,
		  json_pack("{s:s,s:s,s:s,s:o}", "token", token, "csrf_token", csrf, "expires_at",
			    expires, "user", api_user_json(&l->user)));
	set_session_cookie(r, out, token, ttl / 1000);
out:
	free(l);
	r->resume_ctx = NULL;
	return ret;
}

int api_login(struct req *r, struct resp *out)
{
	json_t *body = http_body_json(r, out);
	struct login *l = NULL;
	int ret = 0;
	if (!body)
		return 0;
	const char *username = api_string_field(body, "username", 64, true, out);
	if (!username)
		goto out;
	const char *password = api_string_field(body, "password", AUTH_PASSWORD_MAX, true, out);
	if (!password)
		goto out;
	l = xcalloc(1, sizeof *l);
	l->r = r;
	throttle_keys(l, username, r->client_addr);
	int64_t now = clock_now_ms();
	int64_t until_user = db_throttle_locked_until(r->db, l->user_key, now);
	int64_t until_addr = db_throttle_locked_until(r->db, l->addr_key, now);
	if (until_user < 0 || until_addr < 0) {
		ret = -1;
		goto out;
	}
	if (until_user || until_addr) {
		__atomic_fetch_add(&logins_throttled, 1, __ATOMIC_RELAXED);
		retry_after(out, until_user > until_addr ? until_user : until_addr, now,
			    "Đăng nhập sai quá nhiều lần. (Too many failed logins.)");
		goto out;
	}
	int rc = db_user_by_username(r->db, username, &l->user);
	if (rc < 0) {
		ret = -1;
		goto out;
	}
	l->found = rc == 1;
	/* Suspend first, then queue: the pool may finish before we return. */
	http_suspend(r, login_finish, l);
	if (auth_verify_async(r->app->auth, l->found ? l->user.pw_hash : NULL, password, &l->verify,
			      login_done, l) != 0) {
		l->queue_full = true;
		http_wake(r);
	}
	l = NULL;
out:
	free(l);
	json_decref(body);
	return ret;
}

int api_logout(struct req *r, struct resp *out)
{
	unsigned char hash[32];
	auth_token_hash(r->token, hash);
	if (db_session_delete(r->db, hash))
		return -1;
	http_sessions_changed();
	resp_json(out, 204, NULL);
	char cookie[128];
	snprintf(cookie, sizeof cookie, "sid=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
		 r->app->cfg.secure_cookies ? "; Secure" : "");
	resp_header(out, "Set-Cookie", cookie);
	return 0;
}

int api_me(struct req *r, struct resp *out)
{
	/* Clients poll this: the body is rendered once per session cache entry. */
	if (r->render && r->render->len)
		return resp_raw(out, 200, "application/json; charset=utf-8", r->render->body,
				r->render->len);
	json_t *body = json_pack("{s:o}", "user", api_user_json(&r->user));
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return -1;
	size_t len = strlen(text);
	if (r->render && len < sizeof r->render->body) {
		memcpy(r->render->body, text, len);
		r->render->len = len;
	}
	resp_raw(out, 200, "application/json; charset=utf-8", text, len);
	free(text);
	return 0;
}

int api_change_password(struct req *r, struct resp *out)
{
	json_t *body = http_body_json(r, out);
	int ret = 0;
	if (!body)
		return 0;
	const char *old_pw = api_string_field(body, "old_password", AUTH_PASSWORD_MAX, true, out);
	const char *new_pw =
		old_pw ? api_string_field(body, "new_password", AUTH_PASSWORD_MAX, true, out)
		       : NULL;
	if (!new_pw)
		goto out;
	struct db_user full;
	if (db_user_by_id(r->db, r->user.id, &full) != 1) {
		ret = -1;
		goto out;
	}
	struct auth_verify v;
	if (auth_verify_wait(r->app->auth, full.pw_hash, old_pw, &v)) {
		resp_error(out, 429, "rate_limited", "Server busy; retry.");
		resp_header(out, "Retry-After", "1");
		goto out;
	}
	if (!v.ok) {
		resp_error(out, 400, "wrong_password",
			   "Mật khẩu hiện tại không đúng. (The current password is wrong.)");
		goto out;
	}
	char msg[256], hash[AUTH_HASH_MAX];
	if (!auth_password_acceptable(r->app->auth, new_pw, r->user.username, msg, sizeof msg)) {
		resp_error(out, 400, "weak_password", "%s", msg);
		goto out;
	}
	if (auth_hash_password(r->app->auth, new_pw, hash)) {
		resp_error(out, 429, "rate_limited", "Server busy; retry.");
		resp_header(out, "Retry-After", "1");
		goto out;
	}
	unsigned char keep[32];
	auth_token_hash(r->token, keep);
	/* Other sessions end: whoever knew the old password is logged out. */
	if (db_user_set_password(r->db, r->user.id, hash) ||
	    db_session_delete_user(r->db, r->user.id, keep)) {
		ret = -1;
		goto out;
	}
	http_sessions_changed();
	resp_json(out, 204, NULL);
out:
	json_decref(body);
	return ret;
}

int api_register(struct req *r, struct resp *out)
{
	json_t *body = http_body_json(r, out);
	int ret = 0;
	if (!body)
		return 0;
	if (!json_is_object(body)) {
		resp_error(out, 400, "bad_request", "Expected a JSON object.");
		goto out;
	}
	const char *username = api_string_field(body, "username", 64, true, out);
	const char *password =
		username ? api_string_field(body, "password", AUTH_PASSWORD_MAX, true, out) : NULL;
	const char *full_name =
		password ? api_string_field(body, "full_name", 200, true, out) : NULL;
	const char *unit_code =
		full_name ? api_string_field(body, "unit_code", 64, true, out) : NULL;
	const char *audience = unit_code ? api_string_field(body, "audience", 32, true, out) : NULL;
	if (!audience)
		goto out;
	const char *phone = api_string_field(body, "phone", 20, false, out);
	if (out->status)
		goto out;
	json_t *by = json_object_get(body, "birth_year");
	int year_now = clock_vn_year(clock_now_ms());
	if (!util_valid_code(username)) {
		resp_error(out, 400, "bad_request",
			   "username must be 1-64 characters of A-Z a-z 0-9 _ . -");
		goto out;
	}
	if (!*full_name) {
		resp_error(out, 400, "bad_request", "full_name must not be empty.");
		goto out;
	}
	if (!json_is_integer(by) || json_integer_value(by) < 1900 ||
	    json_integer_value(by) > year_now) {
		resp_error(out, 400, "bad_request",
			   "birth_year must be an integer from 1900 to %d.", year_now);
		goto out;
	}
	if (phone) {
		for (const char *p = phone; *p; p++)
			if (!((*p >= '0' && *p <= '9') || *p == '+' || *p == ' ')) {
				resp_error(out, 400, "bad_request",
					   "phone may hold only digits, + and spaces.");
				goto out;
			}
	}
	if (!org_valid_audience(audience)) {
		resp_error(out, 400, "bad_request", "Unknown audience '%s'.", audience);
		goto out;
	}
	if (!app_registration_open(r->app, audience)) {
		resp_error(out, 403, "forbidden",
			   "Tự đăng ký không mở cho đối tượng này. (Self-registration is closed "
			   "for %s.)",
			   audience);
		goto out;
	}
	struct db_unit unit;
	int rc = db_unit_by_code(r->db, unit_code, &unit);
	if (rc < 0) {
		ret = -1;
		goto out;
	}
	if (!rc) {
		resp_error(out, 400, "bad_request", "Unknown unit_code '%s'.", unit_code);
		goto out;
	}
	char msg[256], hash[AUTH_HASH_MAX];
	if (!auth_password_acceptable(r->app->auth, password, username, msg, sizeof msg)) {
		resp_error(out, 400, "weak_password", "%s", msg);
		goto out;
	}
	struct db_user existing;
	rc = db_user_by_username(r->db, username, &existing);
	if (rc < 0) {
		ret = -1;
		goto out;
	}
	if (rc == 1) {
		resp_error(out, 409, "username_taken",
			   "Tên đăng nhập đã có người dùng. (Username taken.)");
		goto out;
	}
	if (auth_hash_password(r->app->auth, password, hash)) {
		resp_error(out, 429, "rate_limited", "Server busy; retry.");
		resp_header(out, "Retry-After", "1");
		goto out;
	}
	struct db_user u = { 0 };
	util_strlcpy(u.username, username, sizeof u.username);
	util_strlcpy(u.full_name, full_name, sizeof u.full_name);
	util_strlcpy(u.role, "participant", sizeof u.role);
	util_strlcpy(u.audience, audience, sizeof u.audience);
	util_strlcpy(u.phone, phone ? phone : "", sizeof u.phone);
	util_strlcpy(u.unit_code, unit.code, sizeof u.unit_code);
	u.unit_id = unit.id;
	u.birth_year = (int)json_integer_value(by);
	rc = db_user_create(r->db, &u, hash, clock_now_ms());
	if (rc < 0) {
		ret = -1;
		goto out;
	}
	if (rc == DB_CONFLICT) {
		resp_error(out, 409, "username_taken",
			   "Tên đăng nhập đã có người dùng. (Username taken.)");
		goto out;
	}
	resp_json(out, 201, json_pack("{s:o}", "user", api_user_json(&u)));
out:
	json_decref(body);
	return ret;
}
