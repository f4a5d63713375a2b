/* bench_live.c - a live game with many players following it by
 * server-sent events, against quizd.
 *
 * usage: bench_live [BUILD_DIR]   (env BENCH_LIVE_PLAYERS, default "1000 5000";
 *                                  BENCH_LIVE_QUESTIONS, default 5)
 *
 * For each player count N, on a fresh database with one admin host and a
 * bank of single-choice questions, quizd is started with room for N event
 * streams from 127.0.0.1 (--max-connections, --per-ip-connections), and:
 * 1. the host creates a game and N players join it (POST /live/join over a
 *    few keep-alive connections): joins/s;
 * 2. every player opens its event stream (GET /live/{id}/events, HTTP/1.1,
 *    chunked), all on one thread with non-blocking sockets and epoll, no
 *    thread per player: quizd's RSS before and after, in KB per connected
 *    player (target < 20 KB);
 * 3. per question: the time from sending the host's POST /next to each
 *    player reading the question event; the last player's time per question
 *    (p50 and max over the questions; target p99 < 250 ms at 1,000) and the
 *    per-player times (p50, p99);
 * 4. every player answers once at a moment drawn uniformly in the 3 s after
 *    it read the question (over 64 keep-alive connections): answers
 *    accepted per second over the answering window, their p50/p99, and the
 *    rate the players offered (N / 3 s), the reference the rate is compared
 *    with. The question closes when all answered; closed and scores events
 *    are read before the next question.
 * The client and quizd share the machine's cores. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "bank.h"
#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "lib/bench_util.h"
#include "util.h"

#define NQUESTIONS 40
#define ANSWER_CONNS 64
#define JOIN_CONNS 16
#define ANSWER_WINDOW_S 3.0
#define WAIT_LIMIT_S 30.0

static int port_of_server;

static int connect_to(int port, bool nonblocking_connect)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (nonblocking_connect)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* ---- requests over keep-alive connections ------------------------------- */

/* One request: its text, when it may be sent (monotonic s), and what came
 * back. */
struct job {
	char *text;
	double not_before;
	double sent, answered;
	int status;
	char *body;
};

struct rconn {
	int fd;
	struct job *job;
	size_t off;
	char *buf;
	size_t blen, bcap;
};

/* A complete response in c->buf: its length, 0 when more is needed, -1
 * when malformed; status and body (NUL ended copy) into the job. */
static long take_response(struct rconn *c)
{
	c->buf[c->blen] = '\0';
	char *end = strstr(c->buf, "\r\n\r\n");
	if (!end)
		return 0;
	if (strncmp(c->buf, "HTTP/1.1 ", 9) && strncmp(c->buf, "HTTP/1.0 ", 9))
		return -1;
	size_t clen = 0;
	for (const char *h = strstr(c->buf, "\r\n"); h && h < end; h = strstr(h, "\r\n")) {
		h += 2;
		if (!strncasecmp(h, "Content-Length:", 15))
			clen = strtoul(h + 15, NULL, 10);
	}
	size_t head = (size_t)(end - c->buf) + 4;
	if (c->blen < head + clen)
		return 0;
	c->job->status = atoi(c->buf + 9);
	c->job->body = xcalloc(clen + 1, 1);
	memcpy(c->job->body, c->buf + head, clen);
	return (long)(head + clen);
}

static void rconn_send(struct rconn *c, struct job *j)
{
	c->job = j;
	c->off = 0;
	j->sent = now_s();
	size_t len = strlen(j->text);
	while (c->off < len) {
		ssize_t n = write(c->fd, j->text + c->off, len - c->off);
		if (n <= 0)
			break; /* small requests: the socket buffer takes them */
		c->off += (size_t)n;
	}
}

/* Runs jobs (in order, none before its not_before) over nconns keep-alive
 * connections until all are answered or the time limit passes. Returns
 * the number answered. */
static size_t run_jobs(struct job *jobs, size_t njobs, int nconns)
{
	int ep = epoll_create1(0);
	struct rconn *conns = xcalloc((size_t)nconns, sizeof *conns);
	for (int i = 0; i < nconns; i++) {
		conns[i].fd = connect_to(port_of_server, false);
		conns[i].bcap = 65536;
		conns[i].buf = xmalloc(conns[i].bcap + 1);
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &conns[i] };
		epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
	}
	size_t next = 0, done = 0;
	double limit = now_s() + WAIT_LIMIT_S;
	if (njobs && jobs[njobs - 1].not_before > now_s())
		limit += jobs[njobs - 1].not_before - now_s();
	while (done < njobs && now_s() < limit) {
		double t = now_s();
		for (int i = 0; i < nconns && next < njobs; i++)
			if (!conns[i].job && jobs[next].not_before <= t)
				rconn_send(&conns[i], &jobs[next++]);
		int wait_ms = 50;
		if (next < njobs) {
			double d = jobs[next].not_before - now_s();
			wait_ms = d <= 0 ? 0 : d < 0.05 ? (int)(d * 1000) + 1 : 50;
		}
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, wait_ms);
		for (int k = 0; k < n; k++) {
			struct rconn *c = evs[k].data.ptr;
			for (;;) {
				if (c->blen == c->bcap) {
					c->bcap *= 2;
					c->buf = xrealloc(c->buf, c->bcap + 1);
				}
				ssize_t r = read(c->fd, c->buf + c->blen, c->bcap - c->blen);
				if (r <= 0)
					break;
				c->blen += (size_t)r;
			}
			long used = c->job ? take_response(c) : 0;
			if (used > 0) {
				c->job->answered = now_s();
				c->job = NULL;
				memmove(c->buf, c->buf + used, c->blen - (size_t)used);
				c->blen -= (size_t)used;
				done++;
			}
		}
	}
	for (int i = 0; i < nconns; i++) {
		close(conns[i].fd);
		free(conns[i].buf);
	}
	free(conns);
	close(ep);
	return done;
}

static void jobs_free(struct job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(jobs[i].text);
		free(jobs[i].body);
	}
	free(jobs);
}

static char *request_text(const char *method, const char *path, const char *bearer,
			  const char *body)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, path);
	if (bearer)
		sb_printf(&sb, "Authorization: Bearer %s\r\n", bearer);
	if (body)
		sb_printf(&sb, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
			  strlen(body), body);
	else
		sb_puts(&sb, "Content-Length: 0\r\n\r\n");
	return sb_steal(&sb);
}

/* One request on its own connection: the status, the body in *body (new). */
static int call(const char *method, const char *path, const char *bearer, const char *body,
		char **out)
{
	struct job j = { .text = request_text(method, path, bearer, body) };
	run_jobs(&j, 1, 1);
	free(j.text);
	if (out)
		*out = j.body;
	else
		free(j.body);
	return j.status;
}

/* The string value of "key":"..." in a JSON text, into out. */
static bool json_string_of(const char *text, const char *key, char *out, size_t size)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":\"", key);
	const char *s = text ? strstr(text, pat) : NULL;
	if (!s)
		return false;
	s += strlen(pat);
	const char *e = strchr(s, '"');
	if (!e || (size_t)(e - s) >= size)
		return false;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return true;
}

/* ---- the event streams ------------------------------------------------- */

enum chunk_state { CH_HEAD, CH_SIZE, CH_DATA, CH_CRLF };

struct player {
	char token[48];
	int fd;
	/* the response: headers, then chunks of SSE text */
	enum chunk_state st;
	char head_tail[4];
	size_t chunk_left;
	char line[24]; /* the start of the current SSE line */
	size_t line_len;
	int questions, closes; /* events read */
	double question_at; /* when the last question event was read */
	int64_t options[4];
	size_t noptions;
	char optline[256]; /* the data line of the last question, for its options */
	size_t opt_len;
	bool in_question_data;
	bool failed;
};

static struct player *players;
static int nplayers;

/* The option ids of the question event's data line. */
static void read_options(struct player *p)
{
	p->optline[p->opt_len] = '\0';
	p->noptions = 0;
	const char *s = strstr(p->optline, "\"options\":[");
	while (s && p->noptions < 4 && (s = strstr(s, "{\"id\":"))) {
		s += 6;
		p->options[p->noptions++] = strtoll(s, NULL, 10);
	}
}

/* One byte of SSE text. */
static void sse_byte(struct player *p, char c, double t)
{
	if (c != '\n') {
		if (p->line_len < sizeof p->line)
			p->line[p->line_len] = c;
		p->line_len++;
		if (p->in_question_data && p->opt_len < sizeof p->optline - 1)
			p->optline[p->opt_len++] = c;
		return;
	}
	size_t n = p->line_len < sizeof p->line ? p->line_len : sizeof p->line;
	if (p->in_question_data && p->line_len > 0) {
		read_options(p);
		p->in_question_data = false;
	} else if (n == 15 && memcmp(p->line, "event: question", 15) == 0) {
		p->questions++;
		p->question_at = t;
		p->in_question_data = true;
		p->opt_len = 0;
	} else if (n == 13 && memcmp(p->line, "event: closed", 13) == 0) {
		p->closes++;
	}
	p->line_len = 0;
}

/* Feeds what was read from a stream: response headers, then chunked SSE. */
static void stream_bytes(struct player *p, const char *buf, size_t len, double t)
{
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		switch (p->st) {
		case CH_HEAD:
			memmove(p->head_tail, p->head_tail + 1, 3);
			p->head_tail[3] = c;
			if (memcmp(p->head_tail, "\r\n\r\n", 4) == 0) {
				p->st = CH_SIZE;
				p->chunk_left = 0;
			}
			break;
		case CH_SIZE:
			if (c == '\n')
				p->st = p->chunk_left ? CH_DATA : CH_CRLF;
			else if (c != '\r' && c != ';')
				p->chunk_left =
					p->chunk_left * 16 +
					(size_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
			break;
		case CH_DATA:
			sse_byte(p, c, t);
			if (--p->chunk_left == 0)
				p->st = CH_CRLF;
			break;
		case CH_CRLF:
			if (c == '\n') {
				p->st = CH_SIZE;
				p->chunk_left = 0;
			}
			break;
		}
	}
}

static int stream_ep = -1;

/* Reads whatever the streams hold for up to wait_ms. */
static void pump(int wait_ms)
{
	static char buf[65536];
	struct epoll_event evs[256];
	int n = epoll_wait(stream_ep, evs, 256, wait_ms);
	double t = now_s();
	for (int k = 0; k < n; k++) {
		struct player *p = evs[k].data.ptr;
		for (;;) {
			ssize_t r = read(p->fd, buf, sizeof buf);
			if (r > 0) {
				stream_bytes(p, buf, (size_t)r, t);
				continue;
			}
			if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
				p->failed = true;
				epoll_ctl(stream_ep, EPOLL_CTL_DEL, p->fd, NULL);
			}
			break;
		}
	}
}

static int count_questions(int k)
{
	int n = 0;
	for (int i = 0; i < nplayers; i++)
		n += players[i].questions >= k;
	return n;
}

static int count_closes(int k)
{
	int n = 0;
	for (int i = 0; i < nplayers; i++)
		n += players[i].closes >= k;
	return n;
}

/* ---- quizd and its database --------------------------------------------- */

static bool wait_port(int port)
{
	for (int i = 0; i < 200; i++) {
		int fd = connect_to(port, false);
		if (fd >= 0) {
			close(fd);
			return true;
		}
		usleep(25000);
	}
	return false;
}

/* quizd's resident memory now (VmRSS), in KB. */
static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = atol(line + 6);
	if (f)
		fclose(f);
	return kb;
}

static char *make_bank(void)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "{\"code\":\"live\",\"title\":\"Live\",\"language\":\"vi\","
		     "\"audiences\":[\"pupil\"],\"questions\":[");
	for (int i = 0; i < NQUESTIONS; i++)
		sb_printf(
			&sb,
			"%s{\"code\":\"l%03d\",\"type\":\"single\",\"topics\":[\"passwords\"],"
			"\"difficulty\":1,\"stem\":\"Câu hỏi số %d: em nên làm gì khi nhận "
			"được một tin nhắn lạ có đường link?\",\"explanation\":\"Câu %d.\","
			"\"options\":[{\"text\":\"Bỏ qua và báo cho người lớn\",\"correct\":true},"
			"{\"text\":\"Bấm vào đường link ngay\",\"correct\":false},"
			"{\"text\":\"Gửi lại mã OTP\",\"correct\":false},"
			"{\"text\":\"Chia sẻ cho bạn bè\",\"correct\":false}]}",
			i ? "," : "", i, i, i);
	sb_puts(&sb, "]}");
	return sb_steal(&sb);
}

static int make_db(const char *path)
{
	char err[256];
	struct db *db = db_open(path, err, sizeof err);
	if (!db || db_migrate(db)) {
		fprintf(stderr, "bench_live: %s\n", db ? db_errmsg(db) : err);
		db_close(db);
		return -1;
	}
	bool created;
	struct db_unit unit;
	struct auth_config ac;
	auth_config_defaults(&ac);
	char hash[crypto_pwhash_STRBYTES];
	struct db_user u;
	memset(&u, 0, sizeof u);
	util_strlcpy(u.username, "host", sizeof u.username);
	util_strlcpy(u.full_name, "Người dẫn", sizeof u.full_name);
	util_strlcpy(u.role, "admin", sizeof u.role);
	char *bank = make_bank();
	struct bank_result res;
	bank_result_init(&res);
	int rc = db_unit_upsert(db, "B", "Bench", "province", "", 0, &created) ||
		 db_unit_by_code(db, "B", &unit) != 1 ||
		 crypto_pwhash_str(hash, "bench-password-1", 16, ac.opslimit, ac.memlimit);
	u.unit_id = unit.id;
	rc = rc || db_user_create(db, &u, hash, clock_now_ms()) ||
	     bank_import_text(db, bank, strlen(bank), "live.json", &res);
	free(bank);
	bank_result_cleanup(&res);
	if (rc)
		fprintf(stderr, "bench_live: preparing the database: %s\n", db_errmsg(db));
	db_close(db);
	return rc ? -1 : 0;
}

/* ---- figures ------------------------------------------------------------ */

/* The q-th quantile (0..1) of n sorted values. */
static double quantile(const double *v, size_t n, double q)
{
	if (!n)
		return 0;
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

/* ---- one game ----------------------------------------------------------- */

struct figures {
	double join_rate;
	long rss_before, rss_after;
	int connected;
	double last_p50, last_max, each_p50, each_p99;
	double answers_rate, offered_rate, answer_p50, answer_p99;
	long accepted, refused;
	int questions_done;
};

/* Joins every player to game id (pin): 0 or -1. */
static int join_all(const char *pin, double *rate)
{
	struct job *jobs = xcalloc((size_t)nplayers, sizeof *jobs);
	for (int i = 0; i < nplayers; i++) {
		char body[96];
		snprintf(body, sizeof body, "{\"pin\":\"%s\",\"nickname\":\"Người chơi %d\"}", pin,
			 i);
		jobs[i].text = request_text("POST", "/api/v1/live/join", NULL, body);
	}
	double t0 = now_s();
	run_jobs(jobs, (size_t)nplayers, JOIN_CONNS);
	*rate = (double)nplayers / (now_s() - t0);
	int bad = 0;
	for (int i = 0; i < nplayers; i++)
		if (jobs[i].status != 200 ||
		    !json_string_of(jobs[i].body, "player_token", players[i].token,
				    sizeof players[i].token))
			bad++;
	if (bad)
		fprintf(stderr, "bench_live: %d joins failed (first: %d %s)\n", bad, jobs[0].status,
			jobs[0].body ? jobs[0].body : "");
	jobs_free(jobs, (size_t)nplayers);
	return bad ? -1 : 0;
}

/* Opens every player's event stream and reads the greeting: the number of
 * streams that answered. */
static int connect_all(int64_t id)
{
	stream_ep = epoll_create1(0);
	for (int i = 0; i < nplayers; i++) {
		struct player *p = &players[i];
		p->fd = connect_to(port_of_server, true);
		if (p->fd < 0) {
			p->failed = true;
			continue;
		}
		/* the request waits in the socket buffer until the connection is up */
		char req[256];
		int len = snprintf(req, sizeof req,
				   "GET /api/v1/live/%lld/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				   "Accept: text/event-stream\r\nAuthorization: Bearer %s\r\n\r\n",
				   (long long)id, p->token);
		struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = p };
		epoll_ctl(stream_ep, EPOLL_CTL_ADD, p->fd, &ev);
		for (int tries = 0; tries < 2000; tries++) {
			ssize_t n = write(p->fd, req, (size_t)len);
			if (n == len)
				break;
			if (n < 0 && errno != EAGAIN && errno != ENOTCONN) {
				p->failed = true;
				break;
			}
			pump(1);
		}
		ev.events = EPOLLIN;
		epoll_ctl(stream_ep, EPOLL_CTL_MOD, p->fd, &ev);
		if (i % 64 == 63)
			pump(0);
	}
	/* every stream past its headers: the greeting (the lobby) came */
	double limit = now_s() + WAIT_LIMIT_S;
	int up = 0;
	while (now_s() < limit) {
		pump(20);
		up = 0;
		for (int i = 0; i < nplayers; i++)
			up += players[i].st != CH_HEAD && !players[i].failed;
		if (up == nplayers)
			break;
	}
	/* let the greetings drain */
	for (int k = 0; k < 20; k++)
		pump(10);
	return up;
}

/* One question: next, delivery times, answers. */
static int play_question(int64_t id, const char *host, int k, double *last, double *each,
			 size_t *neach, struct figures *f, double **answer_ms, size_t *nanswer)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/live/%lld/next", (long long)id);
	char *text = request_text("POST", path, host, NULL);
	int fd = connect_to(port_of_server, false);
	double t0 = now_s();
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		free(text);
		return -1;
	}
	free(text);
	double limit = t0 + WAIT_LIMIT_S;
	while (count_questions(k) < nplayers && now_s() < limit)
		pump(5);
	close(fd);
	int got = count_questions(k);
	if (got < nplayers)
		fprintf(stderr, "bench_live: question %d reached %d of %d players\n", k, got,
			nplayers);
	double worst = 0;
	for (int i = 0; i < nplayers; i++)
		if (players[i].questions >= k) {
			double ms = (players[i].question_at - t0) * 1000;
			each[(*neach)++] = ms;
			worst = ms > worst ? ms : worst;
		}
	*last = worst;

	/* every player answers once within ANSWER_WINDOW_S of reading it */
	struct job *jobs = xcalloc((size_t)nplayers, sizeof *jobs);
	snprintf(path, sizeof path, "/api/v1/live/%lld/answers", (long long)id);
	size_t n = 0;
	for (int i = 0; i < nplayers; i++) {
		struct player *p = &players[i];
		if (p->questions < k || !p->noptions)
			continue;
		char body[96];
		snprintf(body, sizeof body, "{\"index\":%d,\"choice\":%lld}", k - 1,
			 (long long)p->options[randombytes_uniform((uint32_t)p->noptions)]);
		jobs[n].text = request_text("POST", path, p->token, body);
		jobs[n].not_before =
			p->question_at + ANSWER_WINDOW_S * randombytes_uniform(1000000) / 1e6;
		n++;
	}
	/* in the order they are due */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && jobs[j].not_before < jobs[j - 1].not_before; j--) {
			struct job t = jobs[j];
			jobs[j] = jobs[j - 1];
			jobs[j - 1] = t;
		}
	run_jobs(jobs, n, ANSWER_CONNS);
	double first = n ? jobs[0].sent : 0, end = first;
	long accepted = 0;
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].status == 200) {
			accepted++;
			(*answer_ms)[(*nanswer)++] = (jobs[i].answered - jobs[i].sent) * 1000;
			end = jobs[i].answered > end ? jobs[i].answered : end;
		} else {
			if (!f->refused)
				fprintf(stderr, "bench_live: an answer refused: %d %s\n",
					jobs[i].status,
					jobs[i].body ? jobs[i].body : "(no answer)");
			f->refused++;
		}
	}
	f->accepted += accepted;
	if (end > first) {
		f->answers_rate += (double)accepted / (end - first);
		f->offered_rate += (double)n / ANSWER_WINDOW_S;
	}
	jobs_free(jobs, n);
	/* the question closed when all answered: read its closed and scores */
	limit = now_s() + WAIT_LIMIT_S;
	while (count_closes(k) < got && now_s() < limit)
		pump(5);
	for (int j = 0; j < 10; j++)
		pump(5);
	return 0;
}

static int run_game(const char *build, int n, int nq, struct figures *f)
{
	memset(f, 0, sizeof *f);
	char quizd[512], dir[512], dbpath[600], log[600];
	snprintf(quizd, sizeof quizd, "%s/quizd", build);
	snprintf(dir, sizeof dir, "%s/bench-out", build);
	mkdir(dir, 0755);
	snprintf(dbpath, sizeof dbpath, "%s/bench_live.db", dir);
	snprintf(log, sizeof log, "%s/bench_live.log", dir);
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		char p[700];
		snprintf(p, sizeof p, "%s%s", dbpath, suffixes[i]);
		unlink(p);
	}
	if (make_db(dbpath))
		return -1;
	int port = free_port();
	char listen[64], conns[32];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	snprintf(conns, sizeof conns, "%d", 2 * n + 1024); /* the pool splits it per thread */
	const char *qargv[] = { quizd,
				"--db",
				dbpath,
				"--listen",
				listen,
				"--data-dir",
				dir,
				"--no-access-log",
				"--max-connections",
				conns,
				"--per-ip-connections",
				conns,
				"--connection-timeout",
				"300",
				NULL };
	pid_t qpid = spawn(qargv, log);
	if (!wait_port(port)) {
		fprintf(stderr, "bench_live: quizd did not start (see %s)\n", log);
		return -1;
	}
	port_of_server = port;
	int ret = -1;
	char *body = NULL, host[160], pin[16], idtext[32];
	players = xcalloc((size_t)n, sizeof *players);
	nplayers = n;
	double *each = xcalloc((size_t)(n * nq) + 1, sizeof *each);
	double *answer_ms = xcalloc((size_t)(n * nq) + 1, sizeof *answer_ms);
	double last[64];
	size_t neach = 0, nanswer = 0;
	if (call("POST", "/api/v1/auth/login", NULL,
		 "{\"username\":\"host\",\"password\":\"bench-password-1\"}", &body) != 200 ||
	    !json_string_of(body, "token", host, sizeof host)) {
		fprintf(stderr, "bench_live: host login: %s\n", body ? body : "");
		goto out;
	}
	free(body);
	char game[128];
	snprintf(game, sizeof game, "{\"bank\":\"live\",\"count\":%d,\"seconds_per_question\":30}",
		 nq);
	if (call("POST", "/api/v1/live", host, game, &body) != 201 ||
	    !json_string_of(body, "pin", pin, sizeof pin)) {
		fprintf(stderr, "bench_live: create: %s\n", body ? body : "");
		goto out;
	}
	const char *idp = strstr(body, "\"id\":");
	snprintf(idtext, sizeof idtext, "%lld", idp ? strtoll(idp + 5, NULL, 10) : 0LL);
	int64_t id = strtoll(idtext, NULL, 10);
	if (join_all(pin, &f->join_rate))
		goto out;
	usleep(300000);
	f->rss_before = rss_kb(qpid);
	f->connected = connect_all(id);
	usleep(300000);
	for (int k = 0; k < 20; k++)
		pump(10);
	f->rss_after = rss_kb(qpid);
	if (f->connected < n) {
		fprintf(stderr, "bench_live: %d of %d streams connected (see %s)\n", f->connected,
			n, log);
		goto out;
	}
	for (int k = 1; k <= nq; k++) {
		if (play_question(id, host, k, &last[k - 1], each, &neach, f, &answer_ms, &nanswer))
			goto out;
		f->questions_done++;
	}
	qsort(last, (size_t)nq, sizeof *last, cmp_double);
	qsort(each, neach, sizeof *each, cmp_double);
	qsort(answer_ms, nanswer, sizeof *answer_ms, cmp_double);
	f->last_p50 = quantile(last, (size_t)nq, 0.5);
	f->last_max = last[nq - 1];
	f->each_p50 = quantile(each, neach, 0.5);
	f->each_p99 = quantile(each, neach, 0.99);
	f->answer_p50 = quantile(answer_ms, nanswer, 0.5);
	f->answer_p99 = quantile(answer_ms, nanswer, 0.99);
	f->answers_rate /= nq;
	f->offered_rate /= nq;
	ret = 0;
out:
	free(body);
	for (int i = 0; i < n; i++)
		if (players[i].fd > 0)
			close(players[i].fd);
	if (stream_ep >= 0)
		close(stream_ep);
	stream_ep = -1;
	free(players);
	free(each);
	free(answer_ms);
	kill(qpid, SIGTERM);
	waitpid(qpid, NULL, 0);
	return ret;
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build";
	const char *counts =
		getenv("BENCH_LIVE_PLAYERS") ? getenv("BENCH_LIVE_PLAYERS") : "1000 5000";
	int nq = getenv("BENCH_LIVE_QUESTIONS") ? atoi(getenv("BENCH_LIVE_QUESTIONS")) : 5;
	if (nq < 1 || nq > 40) {
		fprintf(stderr, "bench_live: BENCH_LIVE_QUESTIONS must be 1 to 40\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0)
		return 1;
	/* a descriptor per stream, here and in quizd (which inherits it) */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	int failed = 0;
	for (const char *s = counts; *s;) {
		char *end;
		long n = strtol(s, &end, 10);
		if (end == s)
			break;
		s = end;
		if (n < 1 || (rlim_t)n * 2 + 200 > rl.rlim_cur) {
			printf("live game of %ld players: skipped (open files limit %llu; raise "
			       "ulimit -n)\n",
			       n, (unsigned long long)rl.rlim_cur);
			failed = 1;
			continue;
		}
		struct figures f;
		if (run_game(build, (int)n, nq, &f)) {
			printf("live game of %ld players: failed after %d questions\n", n,
			       f.questions_done);
			failed = 1;
			continue;
		}
		printf("== live game: %ld players on event streams, %d questions, %d client "
		       "thread\n",
		       n, nq, 1);
		printf("joins:                          %.0f /s\n", f.join_rate);
		printf("next -> last player holds it:   p50 %.1f ms, max %.1f ms over %d questions "
		       "(target p99 < 250 ms at 1,000)\n",
		       f.last_p50, f.last_max, nq);
		printf("next -> each player holds it:   p50 %.1f ms, p99 %.1f ms\n", f.each_p50,
		       f.each_p99);
		printf("answers within %.0f s:            %.0f accepted/s against %.0f/s offered "
		       "(ratio %.2f), p50 %.1f ms, p99 %.1f ms; %ld accepted, %ld refused\n",
		       ANSWER_WINDOW_S, f.answers_rate, f.offered_rate,
		       f.offered_rate > 0 ? f.answers_rate / f.offered_rate : 0, f.answer_p50,
		       f.answer_p99, f.accepted, f.refused);
		printf("quizd RSS:                      %.1f MB before the streams, %.1f MB with "
		       "%d "
		       "connected: %.1f KB per connected player (target < 20 KB)\n",
		       (double)f.rss_before / 1024, (double)f.rss_after / 1024, f.connected,
		       (double)(f.rss_after - f.rss_before) / f.connected);
		double load[1] = { 0 };
		if (getloadavg(load, 1) == 1)
			printf("load average at the end:        %.2f on %ld cores\n", load[0],
			       sysconf(_SC_NPROCESSORS_ONLN));
	}
	return failed;
}
