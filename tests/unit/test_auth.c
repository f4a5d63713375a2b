/* test_auth.c - password policy, hashing pool, tokens and CSRF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "auth.h"

static struct auth *pool;

static int setup(void **state)
{
	(void)state;
	struct auth_config cfg;
	auth_config_defaults(&cfg);
	cfg.threads = 2;
	pool = auth_new(&cfg);
	return pool ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	auth_free(pool);
	return 0;
}

static void default_parameters_meet_owasp_minimum(void **state)
{
	(void)state;
	struct auth_config cfg;
	auth_config_defaults(&cfg);
	assert_true(cfg.memlimit >= 19u * 1024 * 1024);
	assert_true(cfg.opslimit >= 2);
}

static void policy_refuses_short_common_and_username_passwords(void **state)
{
	(void)state;
	char msg[256];
	assert_false(auth_password_acceptable(pool, "abc12", "u", msg, sizeof msg));
	assert_non_null(strstr(msg, "8"));
	assert_false(auth_password_acceptable(pool, "password", "u", msg, sizeof msg));
	assert_false(auth_password_acceptable(pool, "MATKHAU123", "u", msg, sizeof msg));
	assert_false(auth_password_acceptable(pool, "nguyenvana", "NguyenVanA", msg, sizeof msg));
	assert_false(auth_password_acceptable(pool, "aaaaaaaaaa", "u", msg, sizeof msg));
	assert_false(auth_password_acceptable(pool, "0912345678", "u", msg, sizeof msg));
	assert_true(auth_password_acceptable(pool, "Hoa-Sen-Trang-9", "u", msg, sizeof msg));
	/* Length counts characters, not bytes: 8 Vietnamese letters pass. */
	assert_false(auth_password_acceptable(pool, "ĐườngHồ", "u", msg, sizeof msg));
	assert_true(auth_password_acceptable(pool, "ĐườngHồChí", "u", msg, sizeof msg));
}

static void hash_then_verify_and_wrong_password_fails(void **state)
{
	(void)state;
	char hash[AUTH_HASH_MAX];
	assert_int_equal(auth_hash_password(pool, "Hoa-Sen-Trang-9", hash), 0);
	assert_memory_equal(hash, "$argon2id$", 10);
	struct auth_verify v;
	assert_int_equal(auth_verify_wait(pool, hash, "Hoa-Sen-Trang-9", &v), 0);
	assert_true(v.ok);
	assert_false(v.rehashed);
	assert_int_equal(auth_verify_wait(pool, hash, "hoa-sen-trang-9", &v), 0);
	assert_false(v.ok);
	/* Unknown user: verified against the dummy hash, never ok. */
	assert_int_equal(auth_verify_wait(pool, NULL, "Hoa-Sen-Trang-9", &v), 0);
	assert_false(v.ok);
}

static void weaker_stored_hash_is_rehashed_on_login(void **state)
{
	(void)state;
	struct auth_config weak;
	auth_config_defaults(&weak);
	weak.memlimit = 8u * 1024 * 1024;
	weak.opslimit = 1;
	weak.threads = 1;
	struct auth *old = auth_new(&weak);
	char hash[AUTH_HASH_MAX];
	assert_int_equal(auth_hash_password(old, "Hoa-Sen-Trang-9", hash), 0);
	auth_free(old);
	struct auth_verify v;
	assert_int_equal(auth_verify_wait(pool, hash, "Hoa-Sen-Trang-9", &v), 0);
	assert_true(v.ok);
	assert_true(v.rehashed);
	assert_non_null(strstr(v.new_hash, "m=19456"));
}

static void ignore_done(void *ctx)
{
	(void)ctx;
}

static void full_queue_is_refused(void **state)
{
	(void)state;
	struct auth_config cfg;
	auth_config_defaults(&cfg);
	cfg.threads = 1;
	cfg.queue_max = 1;
	struct auth *small = auth_new(&cfg);
	static struct auth_verify out[8];
	int refused = 0;
	/* The worker takes one, the queue holds one, the rest are refused. */
	for (int i = 0; i < 8; i++) {
		if (auth_verify_async(small, NULL, "x-password-1", &out[i], ignore_done, NULL) != 0)
			refused++;
	}
	assert_true(refused >= 5);
	auth_free(small);
}

static void tokens_are_random_and_csrf_is_derived(void **state)
{
	(void)state;
	char t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1], c1[AUTH_TOKEN_LEN + 1],
		c1b[AUTH_TOKEN_LEN + 1], c2[AUTH_TOKEN_LEN + 1];
	unsigned char h1[32], h1b[32], h2[32];
	auth_token_new(t1, h1);
	auth_token_new(t2, h2);
	assert_int_equal(strlen(t1), AUTH_TOKEN_LEN);
	assert_string_not_equal(t1, t2);
	auth_token_hash(t1, h1b);
	assert_memory_equal(h1, h1b, 32);
	auth_csrf_token(t1, c1);
	auth_csrf_token(t1, c1b);
	auth_csrf_token(t2, c2);
	assert_string_equal(c1, c1b);
	assert_string_not_equal(c1, c2);
	assert_string_not_equal(c1, t1);
	assert_true(auth_equal(c1, c1b));
	assert_false(auth_equal(c1, c2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_parameters_meet_owasp_minimum),
		cmocka_unit_test(policy_refuses_short_common_and_username_passwords),
		cmocka_unit_test(hash_then_verify_and_wrong_password_fails),
		cmocka_unit_test(weaker_stored_hash_is_rehashed_on_login),
		cmocka_unit_test(full_queue_is_refused),
		cmocka_unit_test(tokens_are_random_and_csrf_is_derived),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
