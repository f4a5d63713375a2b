/* auth.c - password hashing pool, password policy, tokens. */
#include "auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "rng.h"
#include "util.h"

enum job_kind { JOB_VERIFY, JOB_HASH };

struct job {
	enum job_kind kind;
	char *stored_hash; /* NULL: dummy */
	char *password;
	char *new_password; /* JOB_VERIFY: hashed into verify_out->new_hash when ok */
	struct auth_verify *verify_out;
	char *hash_out;
	int hash_rc;
	void (*done)(void *ctx);
	void *ctx;
	struct job *next;
};

struct auth {
	struct auth_config cfg;
	char dummy_hash[AUTH_HASH_MAX];
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct job *head, *tail;
	int queued;
	int running;
	bool stopping;
	pthread_t *threads;
	int nthreads;
	/* Moving average of one hash's duration, for Retry-After. */
	double avg_hash_ms;
	uint64_t verifications; /* Argon2id verifications run (atomic) */
};

/* The most common passwords (from public breach lists) and the ones people
 * here pick first; compared case-insensitively. */
static const char *const common_passwords[] = {
	"123456",     "123456789",  "12345678", "password",    "qwerty123",   "qwerty",
	"1234567890", "111111",     "1234567",  "123123",      "abc123",      "password1",
	"iloveyou",   "000000",     "admin123", "admin",       "matkhau",     "matkhau123",
	"vietnam",    "vietnam123", "anhyeuem", "iloveyou123", "12345678910", "88888888",
	"66666666",   "123456aA@",  "Abc@123",  "abc@1234",    "P@ssw0rd",    "passw0rd",
	"welcome",    "welcome1",   "letmein",  "hanoi123",    "saigon123",   "qwertyuiop",
	"1q2w3e4r",   "1qaz2wsx",   "zaq12wsx", "asdfghjkl",   "changeme",    "trustno1",
	"football",   "monkey",     "dragon",   "superman",    "baseball",    "sunshine",
	"princess",   "hello123",   "abcd1234", "a123456",     "123qwe",      "admin@123",
	NULL,
};

void auth_config_defaults(struct auth_config *cfg)
{
	cfg->opslimit = 2;
	cfg->memlimit = 19u * 1024 * 1024;
	cfg->threads = 0;
	cfg->queue_max = 0;
	cfg->session_ttl_ms = 12LL * 3600 * 1000;
	cfg->min_password_len = 8;
}

static const char argon2id_prefix[] = crypto_pwhash_argon2id_STRPREFIX;

static void run_job(struct auth *a, struct job *j)
{
	if (j->kind == JOB_HASH) {
		j->hash_rc = crypto_pwhash_str(j->hash_out, j->password, strlen(j->password),
					       a->cfg.opslimit, a->cfg.memlimit);
		if (j->hash_rc != 0)
			j->hash_out[0] = '\0';
		return;
	}
	struct auth_verify *v = j->verify_out;
	memset(v, 0, sizeof *v);
	const char *hash = j->stored_hash ? j->stored_hash : a->dummy_hash;
	bool ok = crypto_pwhash_str_verify(hash, j->password, strlen(j->password)) == 0;
	if (strncmp(hash, argon2id_prefix, sizeof argon2id_prefix - 1) == 0)
		__atomic_fetch_add(&a->verifications, 1, __ATOMIC_RELAXED);
	v->ok = ok && j->stored_hash != NULL;
	if (v->ok && j->new_password) {
		if (crypto_pwhash_str(v->new_hash, j->new_password, strlen(j->new_password),
				      a->cfg.opslimit, a->cfg.memlimit) == 0)
			v->rehashed = true;
		else
			v->failed = true;
		return;
	}
	if (v->ok && crypto_pwhash_str_needs_rehash(hash, a->cfg.opslimit, a->cfg.memlimit) != 0) {
		if (crypto_pwhash_str(v->new_hash, j->password, strlen(j->password),
				      a->cfg.opslimit, a->cfg.memlimit) == 0)
			v->rehashed = true;
	}
}

static void job_free(struct job *j)
{
	if (!j)
		return;
	if (j->password) {
		sodium_memzero(j->password, strlen(j->password));
		free(j->password);
	}
	if (j->new_password) {
		sodium_memzero(j->new_password, strlen(j->new_password));
		free(j->new_password);
	}
	free(j->stored_hash);
	free(j);
}

static void *worker(void *arg)
{
	struct auth *a = arg;
	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (!a->head && !a->stopping)
			pthread_cond_wait(&a->wake, &a->lock);
		if (!a->head && a->stopping)
			break;
		struct job *j = a->head;
		a->head = j->next;
		if (!a->head)
			a->tail = NULL;
		a->queued--;
		a->running++;
		pthread_mutex_unlock(&a->lock);

		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		run_job(a, j);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		void (*done)(void *) = j->done;
		void *ctx = j->ctx;
		/* The waiter may free the result as soon as done() runs. */
		job_free(j);
		done(ctx);

		pthread_mutex_lock(&a->lock);
		a->running--;
		a->avg_hash_ms = a->avg_hash_ms * 0.9 + ms * 0.1;
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

struct auth *auth_new(const struct auth_config *cfg)
{
	if (sodium_init() < 0)
		return NULL;
	struct auth *a = xcalloc(1, sizeof *a);
	a->cfg = *cfg;
	if (a->cfg.threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		a->cfg.threads = n > 0 ? (int)n : 1;
	}
	if (a->cfg.queue_max <= 0)
		a->cfg.queue_max = 64 * a->cfg.threads;
	a->avg_hash_ms = 50;
	/* A dummy hash with the configured parameters, so that a login for an
	 * unknown user costs exactly what a wrong password costs. */
	unsigned char junk[16];
	char junk_pw[33];
	rng_bytes(junk, sizeof junk);
	sodium_bin2hex(junk_pw, sizeof junk_pw, junk, sizeof junk);
	if (crypto_pwhash_str(a->dummy_hash, junk_pw, strlen(junk_pw), a->cfg.opslimit,
			      a->cfg.memlimit) != 0) {
		free(a);
		return NULL;
	}
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->wake, NULL);
	a->threads = xcalloc((size_t)a->cfg.threads, sizeof *a->threads);
	for (int i = 0; i < a->cfg.threads; i++) {
		if (pthread_create(&a->threads[i], NULL, worker, a) != 0)
			break;
		a->nthreads++;
	}
	if (!a->nthreads) {
		auth_free(a);
		return NULL;
	}
	return a;
}

void auth_free(struct auth *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stopping = true;
	pthread_cond_broadcast(&a->wake);
	pthread_mutex_unlock(&a->lock);
	for (int i = 0; i < a->nthreads; i++)
		pthread_join(a->threads[i], NULL);
	free(a->threads);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->wake);
	free(a);
}

const struct auth_config *auth_config(const struct auth *a)
{
	return &a->cfg;
}

static int submit(struct auth *a, struct job *j)
{
	pthread_mutex_lock(&a->lock);
	if (a->queued >= a->cfg.queue_max || a->stopping) {
		pthread_mutex_unlock(&a->lock);
		job_free(j);
		return -1;
	}
	if (a->tail)
		a->tail->next = j;
	else
		a->head = j;
	a->tail = j;
	a->queued++;
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
	return 0;
}

/* A copy of stored_hash when it is an Argon2id hash, else NULL: accounts
 * without a usable password (erased, "!", empty) are verified against the
 * dummy hash, so their refusal takes as long as anyone's. */
static char *usable_hash(const char *stored_hash)
{
	if (!stored_hash || strncmp(stored_hash, argon2id_prefix, sizeof argon2id_prefix - 1) != 0)
		return NULL;
	return xstrdup(stored_hash);
}

uint64_t auth_verifications(const struct auth *a)
{
	return __atomic_load_n(&a->verifications, __ATOMIC_RELAXED);
}

int auth_verify_async(struct auth *a, const char *stored_hash, const char *password,
		      struct auth_verify *out, void (*done)(void *ctx), void *ctx)
{
	struct job *j = xcalloc(1, sizeof *j);
	j->kind = JOB_VERIFY;
	j->stored_hash = usable_hash(stored_hash);
	j->password = xstrdup(password);
	j->verify_out = out;
	j->done = done;
	j->ctx = ctx;
	return submit(a, j);
}

int auth_change_async(struct auth *a, const char *stored_hash, const char *password,
		      const char *new_password, struct auth_verify *out, void (*done)(void *ctx),
		      void *ctx)
{
	struct job *j = xcalloc(1, sizeof *j);
	j->kind = JOB_VERIFY;
	j->stored_hash = usable_hash(stored_hash);
	j->password = xstrdup(password);
	j->new_password = xstrdup(new_password);
	j->verify_out = out;
	j->done = done;
	j->ctx = ctx;
	return submit(a, j);
}

int auth_hash_async(struct auth *a, const char *password, char *out, void (*done)(void *ctx),
		    void *ctx)
{
	struct job *j = xcalloc(1, sizeof *j);
	j->kind = JOB_HASH;
	j->password = xstrdup(password);
	j->hash_out = out;
	j->done = done;
	j->ctx = ctx;
	out[0] = '\0';
	return submit(a, j);
}

/* Waits for a number of jobs: each done() counts one down. */
struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t pending;
};

static void waiter_done(void *ctx)
{
	struct waiter *w = ctx;
	pthread_mutex_lock(&w->lock);
	if (--w->pending == 0)
		pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Forgets jobs that were never queued (their done() will not come). */
static void waiter_cancel(struct waiter *w, size_t n)
{
	pthread_mutex_lock(&w->lock);
	w->pending -= n;
	pthread_mutex_unlock(&w->lock);
}

static void waiter_wait(struct waiter *w)
{
	pthread_mutex_lock(&w->lock);
	while (w->pending)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
}

static void waiter_init(struct waiter *w, size_t pending)
{
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->pending = pending;
}

int auth_verify_wait(struct auth *a, const char *stored_hash, const char *password,
		     struct auth_verify *out)
{
	struct waiter w;
	waiter_init(&w, 1);
	if (auth_verify_async(a, stored_hash, password, out, waiter_done, &w)) {
		pthread_mutex_destroy(&w.lock);
		pthread_cond_destroy(&w.cond);
		return -1;
	}
	waiter_wait(&w);
	return 0;
}

int auth_hash_password(struct auth *a, const char *password, char *out)
{
	return auth_hash_passwords(a, &password, 1, (char(*)[AUTH_HASH_MAX])out);
}

int auth_hash_passwords(struct auth *a, const char *const *passwords, size_t n,
			char (*out)[AUTH_HASH_MAX])
{
	/* In windows of a few jobs per thread, so a roster of thousands never
	 * fills the queue that logins wait in. */
	size_t window = (size_t)a->nthreads * 4;
	for (size_t start = 0; start < n; start += window) {
		size_t k = n - start < window ? n - start : window, queued = 0;
		struct waiter w;
		waiter_init(&w, k);
		for (size_t i = start; i < start + k; i++) {
			struct job *j = xcalloc(1, sizeof *j);
			j->kind = JOB_HASH;
			j->password = xstrdup(passwords[i]);
			j->hash_out = out[i];
			j->done = waiter_done;
			j->ctx = &w;
			/* The worker frees the job: the result travels in out[i]. */
			out[i][0] = '\0';
			if (submit(a, j) == 0)
				queued++;
		}
		waiter_cancel(&w, k - queued);
		waiter_wait(&w);
	}
	for (size_t i = 0; i < n; i++)
		if (!out[i][0])
			return -1;
	return 0;
}

int auth_retry_after_s(const struct auth *a)
{
	struct auth *m = (struct auth *)(uintptr_t)a;
	pthread_mutex_lock(&m->lock);
	double ms = (m->queued + m->running) * m->avg_hash_ms / (m->nthreads ? m->nthreads : 1);
	pthread_mutex_unlock(&m->lock);
	int s = (int)(ms / 1000) + 1;
	return s < 1 ? 1 : s;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

bool auth_password_acceptable(const struct auth *a, const char *password, const char *username,
			      char *msg, size_t msglen)
{
	size_t min = a ? a->cfg.min_password_len : 8;
	if (strlen(password) > AUTH_PASSWORD_MAX) {
		snprintf(msg, msglen, "Mật khẩu dài quá %d byte. (Password longer than %d bytes.)",
			 AUTH_PASSWORD_MAX, AUTH_PASSWORD_MAX);
		return false;
	}
	if (utf8_chars(password) < min) {
		snprintf(
			msg, msglen,
			"Mật khẩu cần ít nhất %zu ký tự. (Password needs at least %zu characters.)",
			min, min);
		return false;
	}
	if (username && strcasecmp(password, username) == 0) {
		snprintf(msg, msglen,
			 "Mật khẩu không được trùng tên đăng nhập. (Password must differ from the "
			 "username.)");
		return false;
	}
	for (const char *const *c = common_passwords; *c; c++) {
		if (strcasecmp(password, *c) == 0) {
			snprintf(msg, msglen,
				 "Mật khẩu này quá phổ biến, dễ bị đoán. (This password is too "
				 "common.)");
			return false;
		}
	}
	/* One character repeated ("aaaaaaaa") or a plain run of digits. */
	bool same = true, digits = true;
	for (const char *p = password; *p; p++) {
		if (*p != password[0])
			same = false;
		if (*p < '0' || *p > '9')
			digits = false;
	}
	if (same || digits) {
		snprintf(msg, msglen,
			 "Mật khẩu quá đơn giản: hãy dùng cả chữ và số, hoặc một cụm từ dài. "
			 "(Password too simple.)");
		return false;
	}
	return true;
}

void auth_generate_password(char *out)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
	const size_t n = sizeof alphabet - 1;
	for (int i = 0; i < 16; i++) {
		uint32_t v;
		do
			rng_bytes(&v, sizeof v);
		while (v >= UINT32_MAX - UINT32_MAX % n);
		out[i] = alphabet[v % n];
	}
	out[16] = '\0';
}

void auth_token_new(char token[AUTH_TOKEN_LEN + 1], unsigned char hash[32])
{
	unsigned char raw[32];
	rng_bytes(raw, sizeof raw);
	sodium_bin2base64(token, AUTH_TOKEN_LEN + 1, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	auth_token_hash(token, hash);
}

void auth_token_hash(const char *token, unsigned char hash[32])
{
	crypto_generichash(hash, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

void auth_csrf_token(const char *token, char out[AUTH_TOKEN_LEN + 1])
{
	unsigned char key[32], mac[32];
	/* Keyed by the token itself: only the holder of the session can know it,
	 * and nothing needs storing. The label separates it from the token hash. */
	crypto_generichash(key, sizeof key, (const unsigned char *)token, strlen(token),
			   (const unsigned char *)"quiz-csrf-token-derivation-key!!", 32);
	crypto_generichash(mac, sizeof mac, (const unsigned char *)"csrf", 4, key, sizeof key);
	sodium_bin2base64(out, AUTH_TOKEN_LEN + 1, mac, sizeof mac,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool auth_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}
