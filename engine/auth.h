/* auth.h - passwords, tokens and the bounded password-hashing pool.
 *
 * Argon2id hashing costs tens of MiB and tens of milliseconds, so it runs on
 * a fixed pool of threads: memory is bounded by threads x memlimit. Jobs wait
 * in one FIFO queue (fair: first come, first hashed); past queue_max waiting
 * jobs a submit is refused and the caller answers 429. */
#ifndef QUIZ_AUTH_H
#define QUIZ_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_HASH_MAX 160 /* >= crypto_pwhash_STRBYTES (128) */
#define AUTH_TOKEN_LEN 43 /* 32 random bytes, base64url without padding */
#define AUTH_PASSWORD_MAX 256

struct auth_config {
	unsigned long long opslimit; /* Argon2id passes (>= 2) */
	size_t memlimit; /* bytes (>= 19 MiB) */
	int threads; /* hashing threads; 0 = number of cores */
	int queue_max; /* waiting jobs before refusing; 0 = 64 x threads */
	int64_t session_ttl_ms;
	size_t min_password_len;
};

/* The defaults: OWASP's minimum for Argon2id (19 MiB, 2 passes), sessions
 * of 12 hours, passwords of at least 8 characters. */
void auth_config_defaults(struct auth_config *cfg);

struct auth;

/* Starts the pool. Returns a new handle (auth_free) or NULL. */
struct auth *auth_new(const struct auth_config *cfg);
/* Stops the pool (waits for running jobs); accepts NULL. */
void auth_free(struct auth *a);
const struct auth_config *auth_config(const struct auth *a);

/* The outcome of a verify job. */
struct auth_verify {
	bool ok; /* the password matched */
	bool rehashed; /* new_hash holds a hash with current parameters */
	char new_hash[AUTH_HASH_MAX];
	bool failed; /* internal failure (out of memory) */
};

/* Queues a verify of password against stored_hash (NULL, or anything but
 * an Argon2id hash: verify against a dummy hash, so an unknown user or an
 * account without a usable password costs the same as a wrong password,
 * and never matches). On
 * success, and when the stored parameters are weaker than configured, the
 * job also computes new_hash. done(ctx) is called on a pool thread when
 * *out is filled. The strings are copied. Returns 0, or -1 when the queue is
 * full (done is then never called). */
int auth_verify_async(struct auth *a, const char *stored_hash, const char *password,
		      struct auth_verify *out, void (*done)(void *ctx), void *ctx);
/* The same, waiting for the result on the calling thread. Returns 0 or -1
 * (queue full). */
int auth_verify_wait(struct auth *a, const char *stored_hash, const char *password,
		     struct auth_verify *out);
/* Queues a password change: verifies password against stored_hash and,
 * when it matches, hashes new_password with the current parameters into
 * out->new_hash (out->rehashed set; out->failed when hashing failed).
 * done(ctx) is called on a pool thread when *out is filled. The strings are
 * copied. Returns 0, or -1 when the queue is full (done is never called). */
int auth_change_async(struct auth *a, const char *stored_hash, const char *password,
		      const char *new_password, struct auth_verify *out, void (*done)(void *ctx),
		      void *ctx);
/* Queues the hashing of a password into out (AUTH_HASH_MAX bytes; "" when
 * hashing failed); done(ctx) is called on a pool thread when it is filled.
 * Returns 0, or -1 when the queue is full (done is never called). */
int auth_hash_async(struct auth *a, const char *password, char *out, void (*done)(void *ctx),
		    void *ctx);
/* Hashes a password on the pool, waiting. Returns 0, or -1 (queue full or
 * out of memory). out holds at least AUTH_HASH_MAX bytes. */
int auth_hash_password(struct auth *a, const char *password, char *out);
/* Hashes n passwords on the pool at once (all threads busy), waiting.
 * out[i] receives the hash of passwords[i]. Returns 0, or -1 when any could
 * not be hashed (queue full or out of memory; those out[i] are ""). */
int auth_hash_passwords(struct auth *a, const char *const *passwords, size_t n,
			char (*out)[AUTH_HASH_MAX]);
/* How many Argon2id verifications the pool has run (dummy ones included),
 * for /metrics and for tests that a refusal cost a verification. */
uint64_t auth_verifications(const struct auth *a);
/* An estimate of the seconds until a queued job would start, for Retry-After. */
int auth_retry_after_s(const struct auth *a);

/* Password policy: length, not the username, not a common password.
 * Returns true when acceptable; otherwise false with a message in msg. */
bool auth_password_acceptable(const struct auth *a, const char *password, const char *username,
			      char *msg, size_t msglen);
/* A random password for accounts created without one (at least 12 chars,
 * no look-alike characters). out holds at least 17 bytes. */
void auth_generate_password(char *out);

/* A new random token (NUL-terminated, AUTH_TOKEN_LEN chars) and its hash. */
void auth_token_new(char token[AUTH_TOKEN_LEN + 1], unsigned char hash[32]);
/* The hash stored for a token. */
void auth_token_hash(const char *token, unsigned char hash[32]);
/* The CSRF token of a session, derived from its token (so it need not be
 * stored): base64url of a keyed hash. */
void auth_csrf_token(const char *token, char out[AUTH_TOKEN_LEN + 1]);
/* Constant-time comparison of two NUL-terminated strings. */
bool auth_equal(const char *a, const char *b);

#endif
