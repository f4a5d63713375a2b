/* harness.c - start/stop quizd and call it over HTTP for the HTTP tests. */
#include "harness.h"
#include "testsql.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static const char *prog(const char *env, const char *def)
{
	const char *p = getenv(env);
	return p && *p ? p : def;
}

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { 0 };
	socklen_t len = sizeof sa;
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return ntohs(sa.sin_port);
}

int run_quizadm(struct server *s, char **out, const char *arg, ...)
{
	const char *argv[64];
	int n = 0;
	argv[n++] = prog("QUIZADM", "build/quizadm");
	argv[n++] = "--db";
	argv[n++] = s->db;
	/* quizd's keys and files live in the test's folder on either engine. */
	argv[n++] = "--data-dir";
	argv[n++] = s->dir;
	va_list ap;
	va_start(ap, arg);
	for (const char *a = arg; a && n < 63; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	int pipefd[2];
	if (pipe(pipefd))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		close(pipefd[1]);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(pipefd[1]);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	char chunk[4096];
	ssize_t r;
	while ((r = read(pipefd[0], chunk, sizeof chunk)) > 0) {
		if (len + (size_t)r + 1 > cap) {
			cap = (len + (size_t)r + 1) * 2;
			buf = realloc(buf, cap);
		}
		memcpy(buf + len, chunk, (size_t)r);
		len += (size_t)r;
	}
	close(pipefd[0]);
	if (buf)
		buf[len] = '\0';
	int status = 0;
	waitpid(pid, &status, 0);
	if (out)
		*out = buf ? buf : strdup("");
	else
		free(buf);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int server_prepare(struct server *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/quiztest.XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->log, sizeof s->log, "%s/quizd.log", s->dir);
	if (!testsql_pg())
		snprintf(s->db, sizeof s->db, "%s/quiz.db", s->dir);
	else if (testsql_schema_new(s->schema, sizeof s->schema, s->db, sizeof s->db))
		return -1;
	return run_quizadm(s, NULL, "init", NULL) == 0 ? 0 : -1;
}

int server_start(struct server *s, const char *const extra[])
{
	s->port = free_port();
	if (s->port <= 0)
		return -1;
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
	char listen[64];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
	const char *argv[64] = { prog("QUIZD", "build/quizd"),
				 "--db",
				 s->db,
				 "--listen",
				 listen,
				 "--data-dir",
				 s->dir };
	int n = 7;
	for (int i = 0; extra && extra[i] && n < 63; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	s->pid = pid;
	/* Up to 30 s for /healthz: a sanitizer build migrating a new database
	 * on a loaded machine can take several seconds to listen. */
	for (int i = 0; i < 1200; i++) {
		struct http_res res;
		if (http_get(s, "/healthz", NULL, &res) == 0) {
			long st = res.status;
			http_res_free(&res);
			if (st == 200)
				return 0;
		}
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			s->pid = 0;
			return -1;
		}
		usleep(25000);
	}
	return -1;
}

int server_up(struct server *s, const char *const extra[])
{
	if (server_prepare(s))
		return -1;
	return server_start(s, extra);
}

/* Prints quizd's log when it holds a sanitizer report; returns -1 then. */
static int check_log(const struct server *s)
{
	FILE *f = fopen(s->log, "r");
	if (!f)
		return 0;
	char line[1024];
	int bad = 0;
	while (fgets(line, sizeof line, f))
		if (strstr(line, "Sanitizer") || strstr(line, "runtime error"))
			bad = 1;
	if (bad) {
		rewind(f);
		fprintf(stderr, "---- quizd log %s ----\n", s->log);
		while (fgets(line, sizeof line, f))
			if (!strstr(line, " user="))
				fputs(line, stderr);
	}
	fclose(f);
	return bad ? -1 : 0;
}

int server_stop(struct server *s, bool remove)
{
	int ret = 0;
	if (s->pid > 0) {
		int status = 0;
		kill(s->pid, SIGTERM);
		waitpid(s->pid, &status, 0);
		s->pid = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "quizd did not stop cleanly (status %d)\n", status);
			ret = -1;
		}
	}
	if (check_log(s))
		ret = -1;
	if (remove && s->dir[0] && ret == 0) {
		if (testsql_schema_drop(s->schema))
			ret = -1;
		char cmd[400];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", s->dir);
	}
	return ret;
}

void server_kill(struct server *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}

struct buf {
	char *data;
	size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;
	size_t add = size * n;
	b->data = realloc(b->data, b->len + add + 1);
	memcpy(b->data + b->len, ptr, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

int http_call(struct server *s, const char *method, const char *path, const char *token,
	      const char *body, const char *content_type, const char *const headers[],
	      struct http_res *res)
{
	memset(res, 0, sizeof *res);
	CURL *c = curl_easy_init();
	if (!c)
		return -1;
	char url[1024], auth[256], ct[128];
	snprintf(url, sizeof url, "%s%s", s->base, path);
	struct curl_slist *hl = NULL;
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		hl = curl_slist_append(hl, auth);
	}
	if (body) {
		snprintf(ct, sizeof ct, "Content-Type: %s",
			 content_type ? content_type : "application/json");
		hl = curl_slist_append(hl, ct);
	}
	hl = curl_slist_append(hl, "Expect:");
	for (int i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	struct buf b = { 0 }, h = { 0 };
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
		res->body = b.data ? b.data : strdup("");
		res->len = b.len;
		res->headers = h.data ? h.data : strdup("");
		res->json = json_loadb(res->body, res->len, 0, NULL);
	} else {
		free(b.data);
		free(h.data);
	}
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

int http_get(struct server *s, const char *path, const char *token, struct http_res *res)
{
	return http_call(s, "GET", path, token, NULL, NULL, NULL, res);
}

int http_send(struct server *s, const char *method, const char *path, const char *token,
	      const char *json_body, struct http_res *res)
{
	return http_call(s, method, path, token, json_body, "application/json", NULL, res);
}

void http_res_free(struct http_res *res)
{
	free(res->body);
	free(res->headers);
	json_decref(res->json);
	memset(res, 0, sizeof *res);
}

char *http_res_header(const struct http_res *res, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = res->headers; p && *p;) {
		const char *eol = strstr(p, "\r\n");
		if (!eol)
			break;
		if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			return strndup(v, (size_t)(eol - v));
		}
		p = eol + 2;
	}
	return NULL;
}

const char *http_error_code(const struct http_res *res)
{
	json_t *code = json_object_get(json_object_get(res->json, "error"), "code");
	return json_is_string(code) ? json_string_value(code) : "";
}

const char TEST_UNITS_CSV[] = "code,name,kind,parent_code\n"
			      "P,Tỉnh Thử,province,\n"
			      "D1,Huyện Một,district,P\n"
			      "D2,Huyện Hai,district,P\n"
			      "S1,Trường THCS Số Một,school,D1\n"
			      "S2,Trường THPT Số Hai,school,D2\n";

char *test_login(struct server *s, const char *username, const char *password, char **csrf)
{
	json_t *b = json_pack("{s:s,s:s}", "username", username, "password", password);
	char *body = json_dumps(b, 0);
	json_decref(b);
	struct http_res res;
	char *token = NULL;
	if (http_send(s, "POST", "/api/v1/auth/login", NULL, body, &res) == 0 &&
	    res.status == 200) {
		token = strdup(json_string_value(json_object_get(res.json, "token")));
		if (csrf)
			*csrf = strdup(json_string_value(json_object_get(res.json, "csrf_token")));
	}
	if (res.body)
		http_res_free(&res);
	free(body);
	return token;
}

void test_add_user(struct server *s, const char *username, const char *password, const char *role,
		   const char *unit, const char *audience)
{
	int rc;
	if (unit && audience)
		rc = run_quizadm(s, NULL, "user", "add", "--username", username, "--password",
				 password, "--role", role, "--unit", unit, "--audience", audience,
				 NULL);
	else if (unit)
		rc = run_quizadm(s, NULL, "user", "add", "--username", username, "--password",
				 password, "--role", role, "--unit", unit, NULL);
	else
		rc = run_quizadm(s, NULL, "user", "add", "--username", username, "--password",
				 password, "--role", role, NULL);
	assert_int_equal(rc, 0);
}

int test_add_roles(struct server *s, char **admin, char **d1admin, char **pupil)
{
	test_add_user(s, "root", "Root-Password-1", "admin", NULL, NULL);
	test_add_user(s, "d1admin", "District-One-1", "unit_admin", "D1", NULL);
	test_add_user(s, "pupil1", "Pupil-Password-1", "participant", "S1", "pupil");
	*admin = test_login(s, "root", "Root-Password-1", NULL);
	*d1admin = test_login(s, "d1admin", "District-One-1", NULL);
	*pupil = test_login(s, "pupil1", "Pupil-Password-1", NULL);
	return *admin && *d1admin && *pupil ? 0 : -1;
}

void test_add_units_csv(struct server *s, const char *csv)
{
	char path[400];
	snprintf(path, sizeof path, "%s/units.csv", s->dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(csv, f);
	fclose(f);
	assert_int_equal(run_quizadm(s, NULL, "units", "import", path, NULL), 0);
}

long test_status(struct server *s, const char *method, const char *path, const char *token,
		 const char *json_body)
{
	struct http_res res;
	assert_int_equal(http_send(s, method, path, token, json_body, &res), 0);
	long status = res.status;
	http_res_free(&res);
	return status;
}

int64_t test_user_id(struct server *s, const char *token)
{
	struct http_res res;
	assert_int_equal(http_get(s, "/api/v1/me", token, &res), 0);
	assert_int_equal(res.status, 200);
	int64_t id = json_integer_value(json_object_get(json_object_get(res.json, "user"), "id"));
	http_res_free(&res);
	return id;
}

void test_stamp(long offset_s, char *buf, size_t size)
{
	time_t t = time(NULL) + offset_s;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The option of question q that take_attempt chooses: the first whose text
 * starts with "Đúng" when right, else the first other one. */
static json_int_t chosen_option(json_t *q, bool right)
{
	size_t k;
	json_t *opt;
	json_array_foreach(json_object_get(q, "options"), k, opt)
	{
		const char *t = json_string_value(json_object_get(opt, "text"));
		if ((strncmp(t, "Đúng", strlen("Đúng")) == 0) == right)
			return json_integer_value(json_object_get(opt, "id"));
	}
	return 0;
}

json_t *test_take_attempt(struct server *s, const char *token, int64_t quiz_id, const bool right[3],
			  const char *submit_body)
{
	char path[128], body[64];
	struct http_res res;
	snprintf(path, sizeof path, "/api/v1/quizzes/%lld/attempts", (long long)quiz_id);
	assert_int_equal(http_send(s, "POST", path, token, NULL, &res), 0);
	if (res.status != 201)
		print_error("start: %s\n", res.body);
	assert_int_equal(res.status, 201);
	json_t *attempt = json_incref(json_object_get(res.json, "attempt"));
	http_res_free(&res);
	int64_t attempt_id = json_integer_value(json_object_get(attempt, "id"));
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(attempt, "questions"), i, q)
	{
		const char *digit = strpbrk(json_string_value(json_object_get(q, "stem")), "123");
		assert_non_null(digit);
		json_int_t chosen = chosen_option(q, right[*digit - '1']);
		assert_true(chosen > 0);
		snprintf(path, sizeof path, "/api/v1/attempts/%lld/answers/%lld",
			 (long long)attempt_id,
			 (long long)json_integer_value(json_object_get(q, "id")));
		snprintf(body, sizeof body, "{\"choices\":[%lld]}", (long long)chosen);
		assert_int_equal(test_status(s, "PUT", path, token, body), 200);
	}
	json_decref(attempt);
	snprintf(path, sizeof path, "/api/v1/attempts/%lld/submit", (long long)attempt_id);
	assert_int_equal(http_send(s, "POST", path, token, submit_body, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *answer = json_incref(res.json);
	http_res_free(&res);
	return answer;
}

int64_t test_create_quiz(struct server *s, const char *token, const char *definition)
{
	struct http_res res;
	assert_int_equal(http_send(s, "POST", "/api/v1/admin/quizzes", token, definition, &res), 0);
	if (res.status != 201)
		print_error("create quiz: %s\n", res.body);
	assert_int_equal(res.status, 201);
	int64_t id = json_integer_value(json_object_get(json_object_get(res.json, "quiz"), "id"));
	http_res_free(&res);
	return id;
}

void test_upload_bank(struct server *s, const char *token, const char *query, const char *text,
		      const char *content_type)
{
	char path[256];
	snprintf(path, sizeof path, "/api/v1/admin/banks?%s", query);
	struct http_res res;
	assert_int_equal(http_call(s, "POST", path, token, text, content_type, NULL, &res), 0);
	if (res.status != 200)
		print_error("bank upload: %s\n", res.body);
	assert_int_equal(res.status, 200);
	http_res_free(&res);
}

long long test_create_training(struct server *s, const char *token, const char *code,
			       const char *unit, bool certificate)
{
	char body[1024], from[32], to[32];
	struct http_res res;
	test_stamp(-60, from, sizeof from);
	test_stamp(3600, to, sizeof to);
	snprintf(body, sizeof body,
		 "{\"code\":\"%s\",\"title\":\"Tập huấn %s\",\"kind\":\"training\","
		 "\"unit_code\":\"%s\",\"audiences\":[\"pupil\"],\"topics\":[\"phishing\"],"
		 "\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"check_in\":\"open\","
		 "\"certificate\":%s}",
		 code, code, unit, from, to, certificate ? "true" : "false");
	assert_int_equal(http_send(s, "POST", "/api/v1/admin/activities", token, body, &res), 0);
	if (res.status != 201)
		print_error("create activity: %s\n", res.body);
	assert_int_equal(res.status, 201);
	long long id =
		json_integer_value(json_object_get(json_object_get(res.json, "activity"), "id"));
	http_res_free(&res);
	assert_true(id > 0);
	return id;
}
