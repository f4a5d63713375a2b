/* config.c - flags and environment for quizd. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_STR, K_INT, K_UINT, K_BOOL, K_SIZE_MIB, K_SECONDS_MS };

struct option_def {
	const char *flag;
	const char *env;
	enum kind kind;
	size_t offset_base; /* 0 app, 1 http, 2 auth */
	size_t offset;
	const char *help;
};

#define APP(f) 0, offsetof(struct app_config, f)
#define HTTP(f) 1, offsetof(struct http_config, f)
#define AUTH(f) 2, offsetof(struct auth_config, f)

static const struct option_def options[] = {
	{ "--db", "QUIZD_DB", K_STR, APP(db_path),
	  "SQLite database file, or postgresql:// URL (created or migrated when needed)" },
	{ "--listen", "QUIZD_LISTEN", K_STR, HTTP(listen),
	  "IPv4:PORT to listen on (127.0.0.1:8080)" },
	{ "--web", "QUIZD_WEB", K_STR, HTTP(web_dir), "directory of the web pages to serve" },
	{ "--chartjs", "QUIZD_CHARTJS", K_STR, HTTP(chartjs),
	  "Chart.js file served as /vendor/chart.js (Debian's libjs-chart.js)" },
	{ "--threads", "QUIZD_THREADS", K_INT, HTTP(threads), "HTTP worker threads (cores)" },
	{ "--max-connections", "QUIZD_MAX_CONNECTIONS", K_UINT, HTTP(connection_limit),
	  "connection limit (4096)" },
	{ "--connection-timeout", "QUIZD_CONNECTION_TIMEOUT", K_UINT, HTTP(connection_timeout_s),
	  "idle connection timeout, s (30)" },
	{ "--per-ip-connections", "QUIZD_PER_IP_CONNECTIONS", K_UINT, HTTP(per_ip_connection_limit),
	  "connections per client address (256)" },
	{ "--connection-memory-kib", "QUIZD_CONNECTION_MEMORY_KIB", K_UINT,
	  HTTP(connection_memory_kib),
	  "memory per connection for headers and the send buffer, KiB (8, 4..64)" },
	{ "--header-timeout", "QUIZD_HEADER_TIMEOUT", K_UINT, HTTP(header_timeout_s),
	  "time to receive a request's headers, s (10)" },
	{ "--body-min-rate", "QUIZD_BODY_MIN_RATE_KIB", K_UINT, HTTP(body_min_rate_kib),
	  "bodies slower than this past the idle timeout are cut, KiB/s (8)" },
	{ "--body-budget-mib", "QUIZD_BODY_BUDGET_MIB", K_SIZE_MIB, HTTP(body_budget),
	  "request bodies held in memory at once, MiB (RAM/8, 64..1024)" },
	{ "--trusted-proxy", "QUIZD_TRUSTED_PROXY", K_STR, HTTP(trusted_proxies),
	  "proxies whose X-Forwarded-For is believed (ADDR[/BITS],...)" },
	{ "--metrics-allow", "QUIZD_METRICS_ALLOW", K_STR, HTTP(metrics_allow),
	  "addresses besides loopback that may read /metrics (ADDR[/BITS],...)" },
	{ "--metrics-token", "QUIZD_METRICS_TOKEN", K_STR, HTTP(metrics_token),
	  "Bearer token that may read /metrics (at least 16 characters)" },
	{ "--no-access-log", "QUIZD_NO_ACCESS_LOG", K_BOOL, HTTP(access_log),
	  "do not log each request" },
	{ "--secure-cookies", "QUIZD_SECURE_COOKIES", K_BOOL, APP(secure_cookies),
	  "mark cookies Secure (behind TLS)" },
	{ "--data-dir", "QUIZD_DATA_DIR", K_STR, APP(data_dir),
	  "directory for keys kept outside the database" },
	{ "--public-url", "QUIZD_PUBLIC_URL", K_STR, APP(public_url),
	  "the site's address for login-card QR codes (default: from the Host header)" },
	{ "--grace-ms", "QUIZD_GRACE_MS", K_INT, APP(attempt_grace_ms),
	  "answer saves accepted past the deadline, ms (2000 max)" },
	{ "--sweep-interval", "QUIZD_SWEEP_INTERVAL", K_SECONDS_MS, APP(sweep_interval_ms),
	  "seconds between sweeps of expired attempts (10)" },
	{ "--session-ttl", "QUIZD_SESSION_TTL", K_SECONDS_MS, AUTH(session_ttl_ms),
	  "session lifetime, s (43200)" },
	{ "--test-clock-file", "QUIZD_TEST_CLOCK_FILE", K_STR, APP(test_clock_file),
	  "TESTS ONLY: shift the clock by the ms written in this file" },
	{ "--argon-mem", "QUIZD_ARGON_MEM_MIB", K_SIZE_MIB, AUTH(memlimit),
	  "Argon2id memory, MiB (19)" },
	{ "--argon-ops", "QUIZD_ARGON_OPS", K_INT, AUTH(opslimit), "Argon2id passes (2)" },
	{ "--hash-threads", "QUIZD_HASH_THREADS", K_INT, AUTH(threads),
	  "password hashing threads (cores)" },
	{ "--hash-queue", "QUIZD_HASH_QUEUE", K_INT, AUTH(queue_max),
	  "logins waiting for a hash before 429 (1024)" },
};

static void *field(struct config *cfg, const struct option_def *o)
{
	char *base = o->offset_base == 0   ? (char *)&cfg->app
		     : o->offset_base == 1 ? (char *)&cfg->http
					   : (char *)&cfg->auth;
	return base + o->offset;
}

static int set_value(struct config *cfg, const struct option_def *o, const char *v, char *err,
		     size_t errlen)
{
	void *f = field(cfg, o);
	char *end = NULL;
	long long n = 0;
	if (o->kind != K_STR && o->kind != K_BOOL) {
		n = strtoll(v, &end, 10);
		if (!*v || *end || n < 0 || n > 1000000000) {
			snprintf(err, errlen, "%s: '%s' is not a number from 0 to 10^9", o->flag,
				 v);
			return -1;
		}
	}
	switch (o->kind) {
	case K_STR:
		*(const char **)f = v;
		break;
	case K_BOOL:
		*(bool *)f =
			!(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "no") == 0);
		if (strcmp(o->flag, "--no-access-log") == 0)
			*(bool *)f = !*(bool *)f;
		break;
	case K_INT:
		if (o->offset_base == 2 && o->offset == offsetof(struct auth_config, opslimit))
			*(unsigned long long *)f = (unsigned long long)n;
		else if (o->offset_base == 0)
			*(int64_t *)f = n;
		else
			*(int *)f = (int)n;
		break;
	case K_UINT:
		*(unsigned *)f = (unsigned)n;
		break;
	case K_SIZE_MIB:
		*(size_t *)f = (size_t)n * 1024 * 1024;
		break;
	case K_SECONDS_MS:
		*(int64_t *)f = n * 1000;
		break;
	}
	return 0;
}

/* Prints the flags and variables to f. */
static void config_usage(FILE *f)
{
	fputs("usage: quizd --db PATH|URL --listen ADDR:PORT [--web DIR] [--threads N] [options]\n",
	      f);
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		fprintf(f, "  %-22s %-26s %s\n", options[i].flag, options[i].env, options[i].help);
}

int config_load(struct config *cfg, int argc, char **argv, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->http.listen = "127.0.0.1:8080";
	cfg->http.access_log = true;
	cfg->app.data_dir = NULL;
	cfg->app.attempt_grace_ms = 2000;
	cfg->app.sweep_interval_ms = 10000;
	auth_config_defaults(&cfg->auth);
	cfg->auth.queue_max = 1024;
	const size_t n = sizeof options / sizeof options[0];
	for (size_t i = 0; i < n; i++) {
		const char *v = getenv(options[i].env);
		if (v && *v && set_value(cfg, &options[i], v, err, errlen))
			return -1;
	}
	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
			config_usage(stdout);
			return 1;
		}
		size_t i = 0;
		for (; i < n; i++)
			if (!strcmp(argv[a], options[i].flag))
				break;
		if (i == n) {
			snprintf(err, errlen, "unknown option %s (see --help)", argv[a]);
			return -1;
		}
		const char *v = "1";
		if (options[i].kind != K_BOOL) {
			if (a + 1 >= argc) {
				snprintf(err, errlen, "%s needs a value", argv[a]);
				return -1;
			}
			v = argv[++a];
		}
		if (set_value(cfg, &options[i], v, err, errlen))
			return -1;
	}
	if (!cfg->app.db_path) {
		snprintf(err, errlen, "--db PATH|URL (or QUIZD_DB) is required");
		return -1;
	}
	/* Instances on one PostgreSQL database must sign and check with the
	 * same keys; next to a file path there is no folder to keep them in. */
	if ((!strncmp(cfg->app.db_path, "postgresql://", 13) ||
	     !strncmp(cfg->app.db_path, "postgres://", 11)) &&
	    (!cfg->app.data_dir || !*cfg->app.data_dir)) {
		snprintf(err, errlen,
			 "--data-dir DIR is required with a PostgreSQL --db: the certificate and "
			 "login-card keys live there, the same files for every instance");
		return -1;
	}
	if (cfg->app.attempt_grace_ms > 2000)
		cfg->app.attempt_grace_ms = 2000;
	if (cfg->auth.opslimit < 1 || cfg->auth.memlimit < 8192) {
		snprintf(err, errlen, "Argon2id needs at least 1 pass and 8 KiB");
		return -1;
	}
	if (cfg->http.connection_memory_kib &&
	    (cfg->http.connection_memory_kib < 4 || cfg->http.connection_memory_kib > 64)) {
		snprintf(err, errlen, "--connection-memory-kib must be between 4 and 64");
		return -1;
	}
	if (cfg->http.metrics_token && strlen(cfg->http.metrics_token) < 16) {
		snprintf(err, errlen, "--metrics-token needs at least 16 characters");
		return -1;
	}
	cfg->app.web_dir = cfg->http.web_dir;
	return 0;
}
