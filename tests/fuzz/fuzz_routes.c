/* fuzz_routes.c - libFuzzer target: the JSON (and CSV) bodies of every
 * route, sent to the real server running in this process, as quizd.c
 * starts it (database in a temporary directory, weak Argon2id settings for
 * speed, port 0), over a loopback socket.
 *
 * An input is: byte 0 picks the route of the route table, byte 1 the
 * identity (anonymous, participant, unit administrator, administrator) and
 * the content type, byte 2 the path parameters; the rest is the body. Any
 * 5xx answer other than 503 aborts, as does a server that does not answer.
 *
 * The three routes that would end the identities' sessions for the next
 * inputs (logout, password change, erasing a person) are sent anonymous. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "app.h"
#include "auth.h"
#include "cert.h"
#include "clock.h"
#include "db.h"
#include "db_fixture.h"
#include "http.h"
#include "org.h"
#include "service.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { ANONYMOUS, PARTICIPANT, UNIT_ADMIN, ADMIN, IDENTITIES };

static struct app app;
static struct db *main_db; /* the services' connection, as quizd keeps it */
static unsigned port;
static char tokens[IDENTITIES][128];

/* Sends all n bytes unless the peer stops reading; true when all went. */
static bool send_all(int fd, const uint8_t *data, size_t n)
{
	while (n) {
		ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		data += w;
		n -= (size_t)w;
	}
	return true;
}

/* Sends one request over a new connection and returns the status of the
 * answer (0 when none came). */
static int roundtrip(const char *head, const uint8_t *body, size_t body_len, char *answer,
		     size_t cap)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		abort();
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		abort();
	/* The server may answer early and close (a refused body): a short
	 * write is not a finding. */
	if (send_all(fd, (const uint8_t *)head, strlen(head)))
		send_all(fd, body, body_len);
	size_t len = 0;
	struct timespec now, until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += 60;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left_ms = (long)(until.tv_sec - now.tv_sec) * 1000 +
			       (until.tv_nsec - now.tv_nsec) / 1000000;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ready = left_ms > 0 ? poll(&p, 1, (int)left_ms) : 0;
		/* libFuzzer's SIGALRM (every -timeout/2 + 1 s) interrupts the
		 * wait: that is not the server's silence. */
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			fprintf(stderr, "fuzz_routes: no answer within 60 s to:\n%s\n", head);
			abort();
		}
		ssize_t r = recv(fd, answer + len, cap - 1 - len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len + 1 >= cap)
			break;
	}
	answer[len] = '\0';
	close(fd);
	int status = 0;
	if (sscanf(answer, "HTTP/1.%*d %d", &status) != 1)
		status = 0;
	return status;
}

static void login(int who, const char *username, const char *password)
{
	char body[256], head[512], answer[8192];
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", username,
		 password);
	snprintf(head, sizeof head,
		 "POST /api/v1/auth/login HTTP/1.1\r\nHost: f\r\nContent-Type: "
		 "application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		 strlen(body));
	if (roundtrip(head, (const uint8_t *)body, strlen(body), answer, sizeof answer) != 200)
		abort();
	const char *t = strstr(answer, "\"token\":\"");
	if (!t)
		abort();
	t += 9;
	size_t n = strcspn(t, "\"");
	if (n >= sizeof tokens[who])
		abort();
	memcpy(tokens[who], t, n);
	tokens[who][n] = '\0';
}

/* Units, the three accounts, and a contest for the path parameters to
 * reach. */
static void seed(struct db *db)
{
	json_t *units = json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s,s:s}]", "code", "T", "name", "Tỉnh",
				  "kind", "province", "code", "S1", "name", "Trường", "kind",
				  "school", "parent_code", "T");
	json_t *users = json_pack(
		"[{s:s,s:s,s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s}]", "username",
		"hs.fuzz", "password", "Mat-Khau-Dai-2026", "role", "participant", "full_name",
		"Học Sinh", "unit_code", "S1", "audience", "pupil", "username", "qt.truong",
		"password", "Mat-Khau-Dai-2026", "role", "unit_admin", "full_name",
		"Quản Trị Trường", "unit_code", "S1", "username", "qt.tinh", "password",
		"Mat-Khau-Dai-2026", "role", "admin", "full_name", "Quản Trị");
	struct org_actor actor = { 0 };
	struct org_errors errors = { 0 };
	json_t *passwords = NULL;
	int created = 0, updated = 0;
	if (org_import_units(db, units, &actor, &created, &updated, &errors) || errors.n ||
	    org_import_users(db, app.auth, users, &actor, &created, &passwords, &errors) ||
	    errors.n) {
		fprintf(stderr, "fuzz_routes: seeding failed: %s\n",
			errors.n ? errors.items[0].message : db_errmsg(db));
		abort();
	}
	json_decref(passwords);
	json_decref(units);
	json_decref(users);
	org_errors_cleanup(&errors);
	int64_t bank = db_fixture_bank(db, "B1", "pupil");
	for (int i = 0; i < 3 && bank > 0; i++) {
		char code[16];
		snprintf(code, sizeof code, "B1-%03d", i + 1);
		db_fixture_question(db, bank, code, "phishing");
	}
	int64_t now = clock_now_ms();
	int64_t quiz = db_fixture_quiz(db, "Q1", "Cuộc thi", false, "pupil", 0, now - 3600000,
				       now + 365LL * 86400000);
	if (quiz > 0)
		db_fixture_contest(db, quiz, 0);
}

static char temp_dir[256];

/* Stops the server as quizd does and removes the temporary directory. */
static void stop_all(void)
{
	service_quiesce(&app);
	http_stop(app.http);
	service_stop(&app);
	auth_free(app.auth);
	db_close(main_db);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", temp_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_routes: cannot remove %s\n", temp_dir);
}

static struct db *open_db(struct app *a)
{
	return app_open_db(a);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static char db_path[320];
	char *dir = temp_dir;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof temp_dir, "%s/fuzz-routes-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(db_path, sizeof db_path, "%s/quiz.db", dir);
	char err[512];
	struct db *db = main_db = db_open(db_path, err, sizeof err);
	if (!db || db_migrate(db))
		abort();
	bool created = false;
	if (cert_key_ensure(dir, db_path, &created, err, sizeof err))
		abort();
	app.cfg.db_path = db_path;
	app.cfg.data_dir = dir;
	app.cfg.attempt_grace_ms = 2000;
	app.cfg.sweep_interval_ms = 10000;
	/* The weakest Argon2id libsodium accepts: the fuzzer wants requests,
	 * not hashes. */
	struct auth_config ac;
	auth_config_defaults(&ac);
	ac.opslimit = 1;
	ac.memlimit = 8192;
	ac.threads = 1;
	ac.queue_max = 64;
	app.auth = auth_new(&ac);
	if (!app.auth)
		abort();
	seed(db);
	if (service_start(&app, db, err, sizeof err))
		abort();
	struct http_config hc = { .listen = "127.0.0.1:0", .threads = 2, .access_log = false };
	app.http = http_start(&hc, api_routes, api_nroutes, &app, open_db, err, sizeof err);
	if (!app.http) {
		fprintf(stderr, "fuzz_routes: %s\n", err);
		abort();
	}
	port = http_port(app.http);
	login(PARTICIPANT, "hs.fuzz", "Mat-Khau-Dai-2026");
	login(UNIT_ADMIN, "qt.truong", "Mat-Khau-Dai-2026");
	login(ADMIN, "qt.tinh", "Mat-Khau-Dai-2026");
	atexit(stop_all);
	return 0;
}

/* Values a path parameter takes: ids that exist and do not, and words. */
static const char *const param_values[] = {
	"1",
	"2",
	"3",
	"4",
	"0",
	"99999",
	"-1",
	"S1",
	"T",
	"hoc-ky-1",
	"%20",
	"a.b_c-d",
	"9223372036854775807",
	"18446744073709551616",
	"..",
	"%00",
};

/* The request line's path: the route's pattern with its {name} segments
 * filled from the 4-bit choices in pick. */
static void build_path(const char *pattern, uint8_t pick, bool stateful, char *out, size_t cap)
{
	size_t len = 0;
	int k = 0;
	for (const char *p = pattern; *p && len + 1 < cap;) {
		if (*p != '{') {
			out[len++] = *p++;
			continue;
		}
		const char *end = strchr(p, '}');
		unsigned choice = (unsigned)(pick >> (4 * (k++ % 2))) & 15u;
		/* Erasing one of the fuzzer's own accounts would change every
		 * later input: those ids are left out. */
		if (stateful && choice <= 3)
			choice += 4;
		const char *v = param_values[choice % (sizeof param_values / sizeof *param_values)];
		size_t n = strlen(v);
		if (len + n + 1 >= cap)
			break;
		memcpy(out + len, v, n);
		len += n;
		p = end ? end + 1 : p + strlen(p);
	}
	out[len] = '\0';
}

static bool ends_sessions(const struct route *rt)
{
	return rt->handler == api_logout || rt->handler == api_change_password ||
	       rt->handler == api_admin_user_erase;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	const struct route *rt = &api_routes[data[0] % api_nroutes];
	bool stateful = ends_sessions(rt);
	int who = stateful ? ANONYMOUS : data[1] % IDENTITIES;
	static const char *const types[] = { "application/json", "text/csv", "text/plain",
					     "application/xml" };
	const char *type = types[(data[1] >> 4) % 4];
	char path[512];
	build_path(rt->pattern, data[2], stateful, path, sizeof path);
	char authz[192] = "";
	if (who != ANONYMOUS)
		snprintf(authz, sizeof authz, "Authorization: Bearer %s\r\n", tokens[who]);
	const uint8_t *body = data + 3;
	size_t body_len = size - 3;
	char head[1024];
	snprintf(head, sizeof head,
		 "%s %s HTTP/1.1\r\nHost: f\r\n%sContent-Type: %s\r\nContent-Length: %zu\r\n"
		 "Connection: close\r\n\r\n",
		 rt->method, path, authz, type, body_len);
	static char answer[1 << 20];
	int status = roundtrip(head, body, body_len, answer, sizeof answer);
	if (status == 0 || (status >= 500 && status != 503)) {
		fprintf(stderr, "fuzz_routes: %d to %s %s as identity %d:\n%.2000s\n", status,
			rt->method, path, who, answer);
		abort();
	}
	return 0;
}
