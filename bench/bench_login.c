/* bench_login.c - logins per second through quizd against the raw rate of
 * crypto_pwhash_str_verify on all cores with the same parameters, both
 * measured in this run.
 * usage: bench_login BASE_URL USER_PREFIX USERS PASSWORD LOGINS [MEM_MIB OPS]
 * Sends LOGINS logins at once (all concurrent), spread over USERS accounts
 * named USER_PREFIX0..USER_PREFIX(USERS-1).
 *
 * Environment:
 *   BENCH_LOGIN_CPUS="0 1"  the raw reference runs one verifying thread
 *                           pinned to each of these cores (quizd instances
 *                           pinned there with taskset) instead of one per
 *                           core, unpinned
 *   BENCH_LOGIN_CONNECTIONS  at most this many logins in flight (default
 *                           all LOGINS), e.g. under a proxy's per-address cap
 *   BENCH_FIGURES           a file the figures are appended to */
#include "lib/bench_util.h"
#include <curl/curl.h>
#include <pthread.h>
#include <sched.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static size_t discard(char *p, size_t s, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return s * n;
}

struct verify_arg {
	const char *hash;
	double until;
	long count;
	int cpu; /* pinned to this core, or -1 */
};

static void *verify_loop(void *p)
{
	struct verify_arg *a = p;
	if (a->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(a->cpu, &set);
		if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
			fprintf(stderr, "bench_login: cannot pin a thread to core %d\n", a->cpu);
			exit(1);
		}
	}
	while (now_s() < a->until) {
		if (crypto_pwhash_str_verify(a->hash, "bench-password-1", 16) != 0)
			abort();
		a->count++;
	}
	return NULL;
}

/* Raw verifies per second for `secs` seconds: one thread per core of
 * cpus[0..ncpus), pinned, or one per core of the machine when ncpus is 0. */
static double raw_verify_rate(size_t mem, unsigned long long ops, double secs, const int *cpus,
			      int ncpus)
{
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, "bench-password-1", 16, ops, mem) != 0)
		abort();
	int n = ncpus ? ncpus : (int)sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t th[64];
	struct verify_arg args[64];
	double t0 = now_s();
	for (int i = 0; i < n && i < 64; i++) {
		args[i] = (struct verify_arg){ hash, t0 + secs, 0, ncpus ? cpus[i] : -1 };
		pthread_create(&th[i], NULL, verify_loop, &args[i]);
	}
	long total = 0;
	for (int i = 0; i < n && i < 64; i++) {
		pthread_join(th[i], NULL);
		total += args[i].count;
	}
	return (double)total / (now_s() - t0);
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: bench_login BASE_URL USER_PREFIX USERS PASSWORD LOGINS "
				"[MEM_MIB OPS]\n");
		return 2;
	}
	const char *base = argv[1], *prefix = argv[2], *password = argv[4];
	int users = atoi(argv[3]), logins = atoi(argv[5]);
	size_t mem = (argc > 6 ? (size_t)atoi(argv[6]) : 19) * 1024 * 1024;
	unsigned long long ops = argc > 7 ? (unsigned long long)atoi(argv[7]) : 2;
	if (sodium_init() < 0 || users < 1 || logins < 1)
		return 2;
	int cpus[64], ncpus = 0;
	const char *cpu_list = getenv("BENCH_LOGIN_CPUS");
	for (const char *c = cpu_list ? cpu_list : ""; *c;) {
		char *end;
		long v = strtol(c, &end, 10);
		if (end == c || v < 0 || v >= CPU_SETSIZE || ncpus == 64) {
			fprintf(stderr, "bench_login: BENCH_LOGIN_CPUS must list core numbers\n");
			return 2;
		}
		cpus[ncpus++] = (int)v;
		c = end + strspn(end, " ,");
	}
	long in_flight = getenv("BENCH_LOGIN_CONNECTIONS") ? atol(getenv("BENCH_LOGIN_CONNECTIONS"))
							   : (long)logins;
	if (in_flight < 1) {
		fprintf(stderr, "bench_login: BENCH_LOGIN_CONNECTIONS must be at least 1\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_ALL);
	CURLM *m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, in_flight);
	char url[512];
	snprintf(url, sizeof url, "%s/api/v1/auth/login", base);
	CURL **h = calloc((size_t)logins, sizeof *h);
	char **bodies = calloc((size_t)logins, sizeof *bodies);
	struct curl_slist *hl = curl_slist_append(NULL, "Content-Type: application/json");
	for (int i = 0; i < logins; i++) {
		h[i] = curl_easy_init();
		if (asprintf(&bodies[i], "{\"username\":\"%s%d\",\"password\":\"%s\"}", prefix,
			     i % users, password) < 0)
			return 1;
		curl_easy_setopt(h[i], CURLOPT_URL, url);
		curl_easy_setopt(h[i], CURLOPT_POSTFIELDS, bodies[i]);
		curl_easy_setopt(h[i], CURLOPT_HTTPHEADER, hl);
		curl_easy_setopt(h[i], CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(h[i], CURLOPT_TIMEOUT, 300L);
		curl_multi_add_handle(m, h[i]);
	}
	double t0 = now_s();
	int running = 1;
	while (running) {
		curl_multi_perform(m, &running);
		if (running)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	double elapsed = now_s() - t0;
	int ok = 0, limited = 0, other = 0;
	for (int i = 0; i < logins; i++) {
		long code = 0;
		curl_easy_getinfo(h[i], CURLINFO_RESPONSE_CODE, &code);
		if (code == 200)
			ok++;
		else if (code == 429)
			limited++;
		else
			other++;
		curl_multi_remove_handle(m, h[i]);
		curl_easy_cleanup(h[i]);
		free(bodies[i]);
	}
	double rate = ok / elapsed;
	double raw = raw_verify_rate(mem, ops, 5.0, cpus, ncpus);
	char where[64] = "all cores";
	if (ncpus) {
		int k = snprintf(where, sizeof where, "core%s", ncpus > 1 ? "s" : "");
		for (int i = 0; i < ncpus && k < (int)sizeof where - 8; i++)
			k += snprintf(where + k, sizeof where - (size_t)k, "%s%d", i ? "," : " ",
				      cpus[i]);
	}
	printf("logins: %d (%ld in flight at most), %d ok, %d rate-limited, %d other in %.2f s\n",
	       logins, in_flight < logins ? in_flight : (long)logins, ok, limited, other, elapsed);
	printf("logins/s: %.1f   raw crypto_pwhash_str_verify/s on %s: %.1f   ratio: %.2f "
	       "(target >= 0.90)\n",
	       rate, where, raw, rate / raw);
	bench_figure("logins_per_s", rate);
	bench_figure("raw_verify_per_s", raw);
	bench_figure("logins_failed", (double)other);
	curl_slist_free_all(hl);
	curl_multi_cleanup(m);
	free(h);
	free(bodies);
	return other ? 1 : 0;
}
