/* test_live.c - live games against the real quizd: who may create, host,
 * join and answer; bad input; and a host with three players through a
 * whole game over server-sent events (a late answer refused, a player
 * reconnecting mid-question, final scores equal to the formula). */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "harness.h"

static struct server srv;
static char clock_file[400];
static long long clock_offset_ms;
static char *admin_token, *d1_token, *d2_token, *pupil_token;
static int64_t d1_quiz, d2_quiz, province_quiz;

static const char UNITS_CSV[] = "code,name,kind,parent_code\n"
				"P,Tỉnh Thử,province,\n"
				"D1,Huyện Một,district,P\n"
				"D2,Huyện Hai,district,P\n"
				"S1,Trường THCS Số Một,school,D1\n";

#define RIGHT_TEXT "Hỏi người lớn trước"

static json_t *question(const char *code, const char *type)
{
	json_t *opts = json_array();
	if (strcmp(type, "true_false") == 0) {
		json_array_append_new(opts,
				      json_pack("{s:s,s:b}", "text", RIGHT_TEXT, "correct", 1));
		json_array_append_new(opts, json_pack("{s:s,s:b}", "text", "Sai", "correct", 0));
	} else {
		static const char *const texts[] = { "Mở liên kết ngay", RIGHT_TEXT,
						     "Gửi mật khẩu cho bạn" };
		for (int i = 0; i < 3; i++)
			json_array_append_new(
				opts, json_pack("{s:s,s:b}", "text", texts[i], "correct", i == 1));
	}
	return json_pack("{s:s,s:s,s:[s],s:i,s:s,s:o,s:s}", "code", code, "type", type, "topics",
			 "phishing_fraud", "difficulty", 1, "stem",
			 "Em nhận được tin nhắn lạ có liên kết. Em nên làm gì?", "options", opts,
			 "explanation", "Hỏi người lớn giúp em tránh bị lừa đảo.");
}

/* Uploads bank code with four questions CODE-1 .. CODE-4. */
static int upload_bank(const char *code)
{
	char q[4][32];
	for (int i = 0; i < 4; i++)
		snprintf(q[i], sizeof q[i], "%s-%d", code, i + 1);
	json_t *bank = json_pack("{s:s,s:s,s:s,s:[s],s:[o,o,o,o]}", "code", code, "title",
				 "Ngân hàng trò chơi", "language", "vi", "audiences", "pupil",
				 "questions", question(q[0], "single"), question(q[1], "single"),
				 question(q[2], "true_false"), question(q[3], "single"));
	char *body = json_dumps(bank, 0);
	json_decref(bank);
	struct http_res res;
	int rc = http_call(&srv, "POST", "/api/v1/admin/banks", admin_token, body,
			   "application/json", NULL, &res);
	free(body);
	if (rc || res.status != 200)
		fprintf(stderr, "bank upload: %ld %s\n", res.status, res.body ? res.body : "");
	rc = rc || res.status != 200 ? -1 : 0;
	http_res_free(&res);
	return rc;
}

/* Creates a quiz of unit scope unit drawing two questions of bank: its id,
 * or -1. */
static int64_t create_quiz(const char *code, const char *unit, const char *bank)
{
	char opens[40], closes[40], body[1024];
	int64_t now = clock_now_ms();
	clock_format(now - 3600 * 1000, opens);
	clock_format(now + 3600 * 1000, closes);
	snprintf(body, sizeof body,
		 "{\"code\":\"%s\",\"title\":\"Đố vui %s\",\"kind\":\"quiz\","
		 "\"audiences\":[\"pupil\"],\"unit_scope\":\"%s\","
		 "\"draw\":[{\"bank\":\"%s\",\"count\":2}],\"time_limit_s\":600,"
		 "\"max_attempts\":3,\"pass_percent\":60,\"opens_at\":\"%s\","
		 "\"closes_at\":\"%s\",\"shuffle_questions\":false,\"shuffle_options\":false,"
		 "\"review\":\"after_close\"}",
		 code, code, unit, bank, opens, closes);
	struct http_res res;
	int64_t id = -1;
	if (http_send(&srv, "POST", "/api/v1/admin/quizzes", admin_token, body, &res) == 0 &&
	    res.status == 201)
		id = json_integer_value(json_object_get(json_object_get(res.json, "quiz"), "id"));
	else
		fprintf(stderr, "create quiz: %s\n", res.body ? res.body : "");
	http_res_free(&res);
	return id;
}

static void set_clock_offset(long long offset_ms)
{
	FILE *f = fopen(clock_file, "w");
	assert_non_null(f);
	fprintf(f, "%lld\n", offset_ms);
	fclose(f);
	clock_offset_ms = offset_ms;
}

/* The server's clock as the test sees it. */
static int64_t server_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + clock_offset_ms;
}

static int setup(void **state)
{
	(void)state;
	if (server_prepare(&srv))
		return -1;
	snprintf(clock_file, sizeof clock_file, "%s/clock-offset", srv.dir);
	FILE *f = fopen(clock_file, "w");
	if (!f)
		return -1;
	fputs("0\n", f);
	fclose(f);
	const char *const extra[] = { "--test-clock-file", clock_file, NULL };
	if (server_start(&srv, extra))
		return -1;
	test_add_units_csv(&srv, UNITS_CSV);
	test_add_user(&srv, "root", "Root-Password-1", "admin", NULL, NULL);
	test_add_user(&srv, "d1admin", "District-One-1", "unit_admin", "D1", NULL);
	test_add_user(&srv, "d2admin", "District-Two-1", "unit_admin", "D2", NULL);
	test_add_user(&srv, "pupil1", "Pupil-Password-1", "participant", "S1", "pupil");
	admin_token = test_login(&srv, "root", "Root-Password-1", NULL);
	d1_token = test_login(&srv, "d1admin", "District-One-1", NULL);
	d2_token = test_login(&srv, "d2admin", "District-Two-1", NULL);
	pupil_token = test_login(&srv, "pupil1", "Pupil-Password-1", NULL);
	if (!admin_token || !d1_token || !d2_token || !pupil_token)
		return -1;
	/* Bank lb is drawn by a quiz of D1, bank lb2 only by quizzes of D2 and
	 * of the province P (which holds D1). */
	if (upload_bank("lb") || upload_bank("lb2"))
		return -1;
	d1_quiz = create_quiz("live-d1", "D1", "lb");
	d2_quiz = create_quiz("live-d2", "D2", "lb2");
	province_quiz = create_quiz("live-p", "P", "lb2");
	return d1_quiz > 0 && d2_quiz > 0 && province_quiz > 0 ? 0 : -1;
}

/* A host's stream left open until quizd stops: stopping must end it. */
static int left_open_fd = -1;

static int teardown(void **state)
{
	(void)state;
	free(admin_token);
	free(d1_token);
	free(d2_token);
	free(pupil_token);
	int rc = server_stop(&srv, true);
	if (left_open_fd >= 0)
		close(left_open_fd);
	return rc;
}

/* ---- a server-sent events client over a plain socket ---------------------- */

struct sse {
	int fd;
	char buf[65536];
	size_t len;
};

/* Opens the events of game id as token (Bearer; NULL none) or with
 * ?player=query. Returns the HTTP status. */
static long sse_open(struct sse *s, int64_t id, const char *token, const char *query)
{
	memset(s, 0, sizeof *s);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->fd >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(s->fd, (struct sockaddr *)&sa, sizeof sa), 0);
	char req[512];
	int n = snprintf(req, sizeof req,
			 "GET /api/v1/live/%lld/events%s%s HTTP/1.0\r\nHost: 127.0.0.1\r\n"
			 "Accept: text/event-stream\r\n%s%s%s\r\n",
			 (long long)id, query ? "?player=" : "", query ? query : "",
			 token ? "Authorization: Bearer " : "", token ? token : "",
			 token ? "\r\n" : "");
	assert_int_equal(write(s->fd, req, (size_t)n), n);
	/* the status line and headers */
	char *end = NULL;
	while (!(end = strstr(s->buf, "\r\n\r\n"))) {
		struct pollfd pfd = { s->fd, POLLIN, 0 };
		assert_int_equal(poll(&pfd, 1, 15000), 1);
		ssize_t got = read(s->fd, s->buf + s->len, sizeof s->buf - 1 - s->len);
		assert_true(got > 0);
		s->len += (size_t)got;
		s->buf[s->len] = '\0';
	}
	long status = strtol(s->buf + 9, NULL, 10);
	size_t head = (size_t)(end + 4 - s->buf);
	memmove(s->buf, s->buf + head, s->len - head + 1);
	s->len -= head;
	return status;
}

static void sse_close(struct sse *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* The next event within timeout_ms: its name into event, its data parsed
 * (new reference). NULL at the end of the stream (event "") or on timeout
 * (event "timeout"). */
static json_t *sse_next(struct sse *s, char event[32], int timeout_ms)
{
	event[0] = '\0';
	for (;;) {
		char *end = strstr(s->buf, "\n\n");
		if (end) {
			*end = '\0';
			json_t *data = NULL;
			const char *ev = strstr(s->buf, "event: ");
			const char *d = strstr(s->buf, "data: ");
			if (ev && d) {
				snprintf(event, 32, "%.*s", (int)strcspn(ev + 7, "\n"), ev + 7);
				data = json_loads(d + 6, 0, NULL);
			}
			size_t used = (size_t)(end + 2 - s->buf);
			memmove(s->buf, s->buf + used, s->len - used + 1);
			s->len -= used;
			if (data)
				return data;
			continue;
		}
		struct pollfd pfd = { s->fd, POLLIN, 0 };
		if (poll(&pfd, 1, timeout_ms) != 1) {
			snprintf(event, 32, "timeout");
			return NULL;
		}
		ssize_t got = read(s->fd, s->buf + s->len, sizeof s->buf - 1 - s->len);
		if (got <= 0)
			return NULL;
		s->len += (size_t)got;
		s->buf[s->len] = '\0';
	}
}

/* The next event named want (others skipped); asserts it comes, within
 * 15 s (a loaded machine's margin: events come at once). */
static json_t *sse_expect(struct sse *s, const char *want)
{
	char event[32];
	for (;;) {
		json_t *j = sse_next(s, event, 15000);
		if (!j)
			fail_msg("no %s event came", want);
		if (strcmp(event, want) == 0)
			return j;
		json_decref(j);
	}
}

/* ---- helpers -------------------------------------------------------------- */

static int64_t create_game(const char *token, const char *body, char pin[16])
{
	struct http_res res;
	assert_int_equal(http_send(&srv, "POST", "/api/v1/live", token, body, &res), 0);
	if (res.status != 201)
		fail_msg("create: %ld %s", res.status, res.body);
	json_t *live = json_object_get(res.json, "live");
	assert_string_equal(json_string_value(json_object_get(live, "state")), "lobby");
	const char *p = json_string_value(json_object_get(live, "pin"));
	assert_non_null(p);
	assert_int_equal(strlen(p), 6);
	snprintf(pin, 16, "%s", p);
	int64_t id = json_integer_value(json_object_get(live, "id"));
	http_res_free(&res);
	return id;
}

/* Joins as nickname (token: a logged-in participant's session or NULL);
 * returns the status, the player token in token_out when 200. */
static long join(const char *pin, const char *nickname, const char *session, char token_out[64])
{
	char body[256];
	snprintf(body, sizeof body, "{\"pin\":\"%s\",\"nickname\":\"%s\"}", pin, nickname);
	struct http_res res;
	assert_int_equal(http_send(&srv, "POST", "/api/v1/live/join", session, body, &res), 0);
	long status = res.status;
	if (status == 200 && token_out)
		snprintf(token_out, 64, "%s",
			 json_string_value(json_object_get(res.json, "player_token")));
	http_res_free(&res);
	return status;
}

static long post(const char *path, const char *token, const char *body, char code[64])
{
	struct http_res res;
	assert_int_equal(http_send(&srv, "POST", path, token, body ? body : "{}", &res), 0);
	long status = res.status;
	if (code)
		snprintf(code, 64, "%s", http_error_code(&res));
	http_res_free(&res);
	return status;
}

static long next_q(int64_t id, const char *token)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/live/%lld/next", (long long)id);
	return post(path, token, NULL, NULL);
}

/* Answers question index with choice; the server clock before and after
 * the request in *t0 and *t1. */
static long answer(int64_t id, const char *player, int64_t index, int64_t choice, char code[64],
		   int64_t *t0, int64_t *t1)
{
	char path[64], body[96];
	snprintf(path, sizeof path, "/api/v1/live/%lld/answers", (long long)id);
	snprintf(body, sizeof body, "{\"index\":%lld,\"choice\":%lld}", (long long)index,
		 (long long)choice);
	if (t0)
		*t0 = server_now_ms();
	long status = post(path, player, body, code);
	if (t1)
		*t1 = server_now_ms();
	return status;
}

/* The option ids of a question event: the right one (by its text) and a
 * wrong one. */
static void options_of(json_t *q, int64_t *right, int64_t *wrong)
{
	json_t *opts = json_object_get(q, "options"), *o;
	size_t i;
	json_array_foreach(opts, i, o)
	{
		int64_t oid = json_integer_value(json_object_get(o, "id"));
		if (strcmp(json_string_value(json_object_get(o, "text")), RIGHT_TEXT) == 0)
			*right = oid;
		else
			*wrong = oid;
	}
}

static int64_t points(int64_t left_ms, int64_t total_ms)
{
	if (left_ms < 0)
		left_ms = 0;
	if (left_ms > total_ms)
		left_ms = total_ms;
	return (int64_t)llround(1000.0 * (0.5 + 0.5 * (double)left_ms / (double)total_ms));
}

/* ---- tests ---------------------------------------------------------------- */

/* Questions of 30 s: the whole game's answers must come in time on a
 * loaded machine, and the test's clock moves past them at once. */
#define QUESTION_MS 30000
static const char GAME3[] = "{\"bank\":\"lb\",\"count\":3,\"seconds_per_question\":30}";

static void only_unit_admins_and_admins_create_games(void **state)
{
	(void)state;
	char code[64], pin[16];
	assert_int_equal(post("/api/v1/live", NULL, GAME3, code), 401);
	assert_int_equal(post("/api/v1/live", pupil_token, GAME3, code), 403);
	assert_string_equal(code, "forbidden");
	assert_true(create_game(d1_token, GAME3, pin) > 0);
	assert_true(create_game(admin_token,
				"{\"bank\":\"lb\",\"count\":1,\"topic\":\"phishing_fraud\","
				"\"difficulty\":1,\"seconds_per_question\":5}",
				pin) > 0);
}

static void bad_game_requests_are_refused_naming_the_field(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"{\"count\":3,\"seconds_per_question\":10}",
		"{\"bank\":\"lb\",\"count\":0,\"seconds_per_question\":10}",
		"{\"bank\":\"lb\",\"count\":3,\"seconds_per_question\":1}",
		"{\"bank\":\"lb\",\"count\":\"3\",\"seconds_per_question\":10}",
		"{\"bank\":\"lb\",\"count\":5,\"seconds_per_question\":10}",
		"{\"bank\":\"lb\",\"count\":1,\"topic\":\"passwords\",\"seconds_per_question\":10}",
		"{\"bank\":\"lb\",\"count\":1,\"difficulty\":7,\"seconds_per_question\":10}",
		"[1]",
		"not json",
	};
	char code[64];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		long status = post("/api/v1/live", d1_token, bad[i], code);
		if (status != 400)
			fail_msg("%s: %ld", bad[i], status);
		assert_string_equal(code, "bad_request");
	}
	assert_int_equal(post("/api/v1/live", d1_token, "{\"quiz_id\":999}", code), 404);
	assert_int_equal(post("/api/v1/live", admin_token,
			      "{\"bank\":\"nope\",\"count\":1,\"seconds_per_question\":10}", code),
			 400);
	assert_string_equal(code, "bad_request");
}

/* A unit administrator hosts from the quizzes whose unit scope meets its
 * subtree and the banks they draw from; an admin from anything. */
static void a_unit_admin_hosts_only_from_its_units_quizzes_and_their_banks(void **state)
{
	(void)state;
	char code[64], pin[16], body[128];
	static const char LB2[] = "{\"bank\":\"lb2\",\"count\":2,\"seconds_per_question\":10}";
	/* inside: D1's quiz and its bank lb; the province's quiz holds D1 too,
	 * and with it its bank lb2 */
	assert_true(create_game(d1_token, GAME3, pin) > 0);
	snprintf(body, sizeof body, "{\"quiz_id\":%lld}", (long long)d1_quiz);
	assert_true(create_game(d1_token, body, pin) > 0);
	snprintf(body, sizeof body, "{\"quiz_id\":%lld}", (long long)province_quiz);
	assert_true(create_game(d1_token, body, pin) > 0);
	assert_true(create_game(d1_token, LB2, pin) > 0);
	assert_true(create_game(d2_token, LB2, pin) > 0);
	/* outside: D2's quiz for D1, and bank lb (drawn by D1's quiz alone) for D2 */
	snprintf(body, sizeof body, "{\"quiz_id\":%lld}", (long long)d2_quiz);
	assert_int_equal(post("/api/v1/live", d1_token, body, code), 403);
	assert_string_equal(code, "forbidden");
	assert_int_equal(post("/api/v1/live", d2_token, GAME3, code), 403);
	assert_string_equal(code, "forbidden");
	/* a bank no quiz draws from is the admin's alone */
	assert_int_equal(post("/api/v1/live", d1_token,
			      "{\"bank\":\"nope\",\"count\":1,\"seconds_per_question\":10}", code),
			 403);
	assert_string_equal(code, "forbidden");
	/* admin: anything */
	assert_true(create_game(admin_token, body, pin) > 0);
	assert_true(create_game(admin_token, GAME3, pin) > 0);
}

static void joining_checks_pin_and_nickname(void **state)
{
	(void)state;
	char pin[16], code[64], tok[64], other[16];
	create_game(d1_token, GAME3, pin);
	snprintf(other, sizeof other, "%06d", (atoi(pin) + 500000) % 1000000);
	assert_int_equal(join("12", "An", NULL, NULL), 400);
	assert_int_equal(join(other, "An", NULL, NULL), 404);
	assert_int_equal(join(pin, "", NULL, NULL), 400);
	assert_int_equal(join(pin, "   ", NULL, NULL), 400);
	assert_int_equal(join(pin, "An", NULL, tok), 200);
	assert_int_equal(strlen(tok), 40);
	char body[128];
	snprintf(body, sizeof body, "{\"pin\":\"%s\",\"nickname\":\" An \"}", pin);
	assert_int_equal(post("/api/v1/live/join", NULL, body, code), 409);
	assert_string_equal(code, "nickname_taken");
}

static void the_join_qr_opens_the_player_page_with_the_pin(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/api/v1/live/qr?pin=042917", NULL, &res), 0);
	assert_int_equal(res.status, 200);
	char *ct = http_res_header(&res, "Content-Type");
	assert_non_null(ct);
	assert_string_equal(ct, "image/svg+xml");
	free(ct);
	assert_non_null(strstr(res.body, "<svg"));
	assert_non_null(strstr(res.body, "<path"));
	http_res_free(&res);
	static const char *const bad[] = { "/api/v1/live/qr", "/api/v1/live/qr?pin=12",
					   "/api/v1/live/qr?pin=abcdef",
					   "/api/v1/live/qr?pin=1234567" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(http_get(&srv, bad[i], NULL, &res), 0);
		assert_int_equal(res.status, 400);
		http_res_free(&res);
	}
}

static void only_the_host_paces_and_players_need_their_token(void **state)
{
	(void)state;
	char pin[16], code[64], tok[64], path[96];
	int64_t id = create_game(d1_token, GAME3, pin);
	assert_int_equal(join(pin, "Dũng", NULL, tok), 200);
	struct sse s;
	assert_int_equal(sse_open(&s, id, NULL, NULL), 401);
	sse_close(&s);
	assert_int_equal(sse_open(&s, id, NULL, "0000000000000000000000000000000000000000"), 404);
	sse_close(&s);
	assert_int_equal(sse_open(&s, id, d2_token, NULL), 404);
	sse_close(&s);
	assert_int_equal(sse_open(&s, id, pupil_token, NULL), 404);
	sse_close(&s);
	assert_int_equal(sse_open(&s, id + 1000, tok, NULL), 404);
	sse_close(&s);
	assert_int_equal(sse_open(&s, id, admin_token, NULL), 200);
	json_t *lobby = sse_expect(&s, "lobby");
	assert_int_equal(json_array_size(json_object_get(lobby, "players")), 1);
	json_decref(lobby);
	left_open_fd = s.fd;

	snprintf(path, sizeof path, "/api/v1/live/%lld/next", (long long)id);
	assert_int_equal(post(path, NULL, NULL, code), 401);
	assert_int_equal(post(path, pupil_token, NULL, code), 403);
	assert_int_equal(post(path, d2_token, NULL, code), 404);
	assert_int_equal(post(path, tok, NULL, code), 401);
	assert_int_equal(answer(id, NULL, 0, 1, code, NULL, NULL), 401);
	assert_int_equal(answer(id, tok, 0, 1, code, NULL, NULL), 400);
	snprintf(path, sizeof path, "/api/v1/live/%lld/answers", (long long)id);
	assert_int_equal(post(path, tok, "{\"index\":0}", code), 400);
	snprintf(path, sizeof path, "/api/v1/live/%lld/export", (long long)id);
	struct http_res res;
	assert_int_equal(http_get(&srv, path, d1_token, &res), 0);
	assert_int_equal(res.status, 409);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, path, d2_token, &res), 0);
	assert_int_equal(res.status, 404);
	http_res_free(&res);
	assert_int_equal(http_get(&srv, path, pupil_token, &res), 0);
	assert_int_equal(res.status, 403);
	http_res_free(&res);
}

struct player {
	char token[64];
	struct sse sse;
	int64_t lo, hi; /* the score the formula allows, from the request's two ends */
};

static int64_t ends_at_of(json_t *q)
{
	int64_t ms = 0;
	assert_int_equal(clock_parse(json_string_value(json_object_get(q, "ends_at")), &ms), 0);
	return ms;
}

/* Every player (and the host) gets question index; returns the right and
 * a wrong option id and its end. */
static int64_t expect_question(struct sse *host, struct player *pl, size_t n, int64_t index,
			       int64_t *right, int64_t *wrong)
{
	json_t *q = sse_expect(host, "question");
	assert_int_equal(json_integer_value(json_object_get(q, "index")), index);
	assert_int_equal(json_integer_value(json_object_get(q, "count")), 3);
	options_of(q, right, wrong);
	int64_t ends = ends_at_of(q);
	json_decref(q);
	for (size_t i = 0; i < n; i++) {
		q = sse_expect(&pl[i].sse, "question");
		assert_int_equal(json_integer_value(json_object_get(q, "index")), index);
		assert_int_equal(ends_at_of(q), ends);
		json_decref(q);
	}
	return ends;
}

static void answer_right(int64_t id, struct player *pl, int64_t index, int64_t right, int64_t ends)
{
	int64_t t0, t1;
	char code[64];
	assert_int_equal(answer(id, pl->token, index, right, code, &t0, &t1), 200);
	pl->lo += points(ends - t1, QUESTION_MS);
	pl->hi += points(ends - t0, QUESTION_MS);
}

static void expect_closed(struct sse *host, int64_t index, int64_t right, long right_n,
			  int64_t wrong, long wrong_n)
{
	json_t *c = sse_expect(host, "closed");
	assert_int_equal(json_integer_value(json_object_get(c, "index")), index);
	json_t *cc = json_object_get(c, "correct_choices");
	assert_int_equal(json_array_size(cc), 1);
	assert_int_equal(json_integer_value(json_array_get(cc, 0)), right);
	char key[24];
	json_t *dist = json_object_get(c, "distribution");
	snprintf(key, sizeof key, "%lld", (long long)right);
	assert_int_equal(json_integer_value(json_object_get(dist, key)), right_n);
	snprintf(key, sizeof key, "%lld", (long long)wrong);
	assert_int_equal(json_integer_value(json_object_get(dist, key)), wrong_n);
	json_decref(c);
}

static void a_host_and_three_players_play_a_whole_game(void **state)
{
	(void)state;
	char pin[16], code[64];
	int64_t id = create_game(d1_token, GAME3, pin);
	struct sse host;
	assert_int_equal(sse_open(&host, id, d1_token, NULL), 200);
	json_t *j = sse_expect(&host, "lobby");
	assert_int_equal(json_array_size(json_object_get(j, "players")), 0);
	json_decref(j);

	struct player pl[3];
	memset(pl, 0, sizeof pl);
	assert_int_equal(join(pin, "An", NULL, pl[0].token), 200);
	assert_int_equal(join(pin, "Bình", NULL, pl[1].token), 200);
	assert_int_equal(join(pin, "Chi", pupil_token, pl[2].token), 200);
	for (size_t seen = 0; seen < 3;) {
		j = sse_expect(&host, "lobby");
		seen = json_array_size(json_object_get(j, "players"));
		json_decref(j);
	}
	assert_int_equal(sse_open(&pl[0].sse, id, pl[0].token, NULL), 200);
	assert_int_equal(sse_open(&pl[1].sse, id, pl[1].token, NULL), 200);
	assert_int_equal(sse_open(&pl[2].sse, id, NULL, pl[2].token), 200);
	for (int i = 0; i < 3; i++) {
		j = sse_expect(&pl[i].sse, "lobby");
		assert_int_equal(json_array_size(json_object_get(j, "players")), 3);
		json_decref(j);
	}

	/* Question 0: two right, one wrong; everyone answered, so it closes. */
	int64_t right, wrong;
	assert_int_equal(next_q(id, d1_token), 200);
	int64_t ends = expect_question(&host, pl, 3, 0, &right, &wrong);
	answer_right(id, &pl[0], 0, right, ends);
	assert_int_equal(answer(id, pl[0].token, 0, right, code, NULL, NULL), 409);
	assert_string_equal(code, "already_answered");
	answer_right(id, &pl[1], 0, right, ends);
	assert_int_equal(answer(id, pl[2].token, 0, wrong, code, NULL, NULL), 200);
	expect_closed(&host, 0, right, 2, wrong, 1);
	j = sse_expect(&host, "scores");
	assert_int_equal(json_array_size(json_object_get(j, "top")), 3);
	assert_null(json_object_get(j, "you"));
	json_decref(j);
	j = sse_expect(&pl[2].sse, "scores");
	json_t *you = json_object_get(j, "you");
	assert_int_equal(json_integer_value(json_object_get(you, "rank")), 3);
	assert_int_equal(json_integer_value(json_object_get(you, "score")), 0);
	json_decref(j);

	/* Question 1: Bình reconnects and holds the question at once; Chi
	 * answers after the time is over. */
	assert_int_equal(next_q(id, d1_token), 200);
	ends = expect_question(&host, pl, 3, 1, &right, &wrong);
	sse_close(&pl[1].sse);
	assert_int_equal(sse_open(&pl[1].sse, id, pl[1].token, NULL), 200);
	char event[32];
	/* At once: no other event comes before the question closes in 30 s. */
	j = sse_next(&pl[1].sse, event, 5000);
	assert_non_null(j);
	assert_string_equal(event, "question");
	assert_int_equal(json_integer_value(json_object_get(j, "index")), 1);
	assert_false(json_is_true(json_object_get(j, "answered")));
	json_decref(j);
	answer_right(id, &pl[0], 1, right, ends);
	answer_right(id, &pl[1], 1, right, ends);
	set_clock_offset(clock_offset_ms + QUESTION_MS + 1000);
	expect_closed(&host, 1, right, 2, wrong, 0);
	assert_int_equal(answer(id, pl[2].token, 1, right, code, NULL, NULL), 409);
	assert_string_equal(code, "time_over");

	/* Question 2: all right. Then the end. */
	assert_int_equal(next_q(id, d1_token), 200);
	ends = expect_question(&host, pl, 3, 2, &right, &wrong);
	for (int i = 0; i < 3; i++)
		answer_right(id, &pl[i], 2, right, ends);
	expect_closed(&host, 2, right, 3, wrong, 0);
	assert_int_equal(next_q(id, d1_token), 200);
	j = sse_expect(&host, "end");
	assert_int_equal(json_array_size(json_object_get(j, "top")), 3);
	json_decref(j);
	for (int i = 0; i < 3; i++) {
		j = sse_expect(&pl[i].sse, "end");
		int64_t score =
			json_integer_value(json_object_get(json_object_get(j, "you"), "score"));
		if (score < pl[i].lo || score > pl[i].hi)
			fail_msg("player %d: score %lld outside [%lld, %lld]", i, (long long)score,
				 (long long)pl[i].lo, (long long)pl[i].hi);
		assert_true(pl[i].hi - pl[i].lo < 200);
		json_decref(j);
		/* the stream ends with the game */
		assert_null(sse_next(&pl[i].sse, event, 10000));
		assert_string_equal(event, "");
		sse_close(&pl[i].sse);
	}
	sse_close(&host);
	assert_int_equal(next_q(id, d1_token), 409);
	assert_int_equal(join(pin, "Dũng", NULL, NULL), 404);

	/* The export: three players by score, Chi with her account. */
	char path[64];
	snprintf(path, sizeof path, "/api/v1/live/%lld/export", (long long)id);
	struct http_res res;
	assert_int_equal(http_get(&srv, path, d1_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body, "rank,nickname,username,score,correct,answered\r\n"));
	assert_non_null(strstr(res.body, ",Chi,pupil1,"));
	assert_non_null(strstr(res.body, ",An,,"));
	http_res_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_unit_admins_and_admins_create_games),
		cmocka_unit_test(a_unit_admin_hosts_only_from_its_units_quizzes_and_their_banks),
		cmocka_unit_test(bad_game_requests_are_refused_naming_the_field),
		cmocka_unit_test(joining_checks_pin_and_nickname),
		cmocka_unit_test(the_join_qr_opens_the_player_page_with_the_pin),
		cmocka_unit_test(only_the_host_paces_and_players_need_their_token),
		cmocka_unit_test(a_host_and_three_players_play_a_whole_game),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
