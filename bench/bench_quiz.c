/* bench_quiz.c - the quiz engine under load, beside this machine's loopback
 * ceiling measured in the same run with the same client.
 *
 * usage: bench_quiz [BUILD_DIR]   (env BENCH_SECONDS, default 5;
 *                                  BENCH_QUIZ_CONNECTIONS, default 256;
 *                                  BENCH_DB, an empty postgresql:// database
 *                                  to run on instead of a new SQLite file;
 *                                  BENCH_FIGURES, a file for bench/run.sh)
 *
 * 1. The ceiling: BUILD/bench/ceiling (a minimal libmicrohttpd server
 *    answering a constant) under CONNS keep-alive connections.
 * 2. A database made in-process: one bank of 500 questions, 40 quizzes that
 *    each draw 25 of them, CONNS participants. quizd is started on it.
 * 3. Every participant logs in through the API.
 * 4. Attempt starts: each participant starts an attempt in every quiz
 *    (CONNS x 40 starts, about 10,000 attempts in progress): starts/s.
 * 5. Answer saves: CONNS connections save answers to their attempts for
 *    BENCH_SECONDS: saves/s with p50/p99 latency, as a ratio of the ceiling.
 * 6. quizd's peak RSS (VmHWM) with all those attempts in progress.
 *
 * The client is a small epoll HTTP/1.1 keep-alive client on two threads
 * (like wrk -t2), used for the ceiling and for quizd alike. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
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
#include "quiz_def.h"
#include "util.h"

#define NQUIZZES 40
#define NQUESTIONS 500
#define THREADS 2
#define MAXQ 25

/* ---- the load client ---------------------------------------------------- */

struct conn;

/* A phase: how each connection builds its next request (false: done) and
 * what it does with a response. */
struct phase {
	bool (*next)(struct conn *c, struct strbuf *req);
	void (*done)(struct conn *c, int status, const char *body, size_t len);
	double until; /* stop sending new requests at this time (0: none) */
};

struct conn {
	int fd;
	int index; /* the participant */
	struct strbuf req;
	size_t sent;
	char *buf;
	size_t blen, bcap;
	double t0;
	bool active;
	int step; /* per-phase counter */
	long ok, failed;
};

struct worker {
	pthread_t th;
	struct conn *conns;
	int nconns;
	const struct phase *ph;
	uint32_t *lat_us;
	size_t nlat, caplat;
	long ok, failed;
};

static int port_of_server;

static int connect_to(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		close(fd);
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* Parses a complete response in c->buf: returns its length, 0 when more is
 * needed, -1 when malformed. */
static long parse_response(struct conn *c, int *status, const char **body, size_t *blen)
{
	c->buf[c->blen] = '\0';
	char *end = strstr(c->buf, "\r\n\r\n");
	if (!end)
		return 0;
	if (strncmp(c->buf, "HTTP/1.1 ", 9) && strncmp(c->buf, "HTTP/1.0 ", 9))
		return -1;
	*status = atoi(c->buf + 9);
	size_t clen = 0;
	for (char *h = c->buf; h < end; h = strstr(h, "\r\n") + 2) {
		if (!strncasecmp(h, "Content-Length:", 15))
			clen = strtoul(h + 15, NULL, 10);
		if (!strstr(h, "\r\n"))
			break;
	}
	size_t head = (size_t)(end - c->buf) + 4;
	if (c->blen < head + clen)
		return 0;
	*body = c->buf + head;
	*blen = clen;
	return (long)(head + clen);
}

static void record(struct worker *w, double secs)
{
	if (w->nlat == w->caplat) {
		w->caplat = w->caplat ? w->caplat * 2 : 65536;
		w->lat_us = xrealloc(w->lat_us, w->caplat * sizeof *w->lat_us);
	}
	w->lat_us[w->nlat++] = (uint32_t)(secs * 1e6);
}

/* Queues the connection's next request, or retires it. */
static void start_next(struct worker *w, struct conn *c, int ep)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
	c->req.len = 0;
	if (c->req.data)
		c->req.data[0] = '\0';
	if ((w->ph->until && now_s() >= w->ph->until) || !w->ph->next(c, &c->req)) {
		c->active = false;
		epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
		return;
	}
	c->sent = 0;
	c->t0 = now_s();
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int ep = epoll_create1(0);
	int active = 0;
	for (int i = 0; i < w->nconns; i++) {
		struct conn *c = &w->conns[i];
		if (c->fd < 0)
			c->fd = connect_to(port_of_server);
		if (c->fd < 0) {
			fprintf(stderr, "bench_quiz: connect: %s\n", strerror(errno));
			continue;
		}
		struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
		c->active = true;
		active++;
		start_next(w, c, ep);
		if (!c->active)
			active--;
	}
	struct epoll_event evs[256];
	while (active > 0) {
		int n = epoll_wait(ep, evs, 256, 1000);
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (!c->active)
				continue;
			if (evs[i].events & EPOLLOUT) {
				ssize_t k =
					write(c->fd, c->req.data + c->sent, c->req.len - c->sent);
				if (k > 0)
					c->sent += (size_t)k;
				if (c->sent == c->req.len) {
					struct epoll_event ev = { .events = EPOLLIN,
								  .data.ptr = c };
					epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				}
				continue;
			}
			if (c->blen + 65536 > c->bcap) {
				c->bcap = c->bcap ? c->bcap * 2 : 262144;
				c->buf = xrealloc(c->buf, c->bcap + 1);
			}
			ssize_t k = read(c->fd, c->buf + c->blen, c->bcap - c->blen);
			if (k <= 0) {
				if (k < 0 && (errno == EAGAIN || errno == EINTR))
					continue;
				fprintf(stderr,
					"bench_quiz: connection %d closed (step %d, pending %zu "
					"bytes, %.1f s into the request)\n",
					c->index, c->step, c->blen, now_s() - c->t0);
				c->active = false;
				active--;
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				continue;
			}
			c->blen += (size_t)k;
			int status = 0;
			const char *body = NULL;
			size_t blen = 0;
			long used = parse_response(c, &status, &body, &blen);
			if (used == 0)
				continue;
			if (used < 0) {
				fprintf(stderr, "bench_quiz: bad response\n");
				c->active = false;
				active--;
				continue;
			}
			record(w, now_s() - c->t0);
			if (status >= 200 && status < 300)
				w->ok++;
			else
				w->failed++;
			w->ph->done(c, status, body, blen);
			memmove(c->buf, c->buf + used, c->blen - (size_t)used);
			c->blen -= (size_t)used;
			start_next(w, c, ep);
			if (!c->active)
				active--;
		}
	}
	close(ep);
	return NULL;
}

struct result {
	double secs, rate, p50_ms, p99_ms;
	long ok, failed;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Runs a phase on every connection until each is done (or `until`). */
static struct result run_phase(struct conn *conns, int nconns, const struct phase *ph)
{
	struct worker w[THREADS];
	memset(w, 0, sizeof w);
	int per = (nconns + THREADS - 1) / THREADS;
	double t0 = now_s();
	for (int t = 0; t < THREADS; t++) {
		w[t].conns = conns + t * per;
		w[t].nconns = nconns - t * per < per ? nconns - t * per : per;
		w[t].ph = ph;
		pthread_create(&w[t].th, NULL, worker_main, &w[t]);
	}
	struct result r = { 0 };
	size_t n = 0;
	for (int t = 0; t < THREADS; t++) {
		pthread_join(w[t].th, NULL);
		n += w[t].nlat;
		r.ok += w[t].ok;
		r.failed += w[t].failed;
	}
	r.secs = now_s() - t0;
	uint32_t *all = xmalloc((n + 1) * sizeof *all);
	size_t k = 0;
	for (int t = 0; t < THREADS; t++) {
		memcpy(all + k, w[t].lat_us, w[t].nlat * sizeof *all);
		k += w[t].nlat;
		free(w[t].lat_us);
	}
	qsort(all, n, sizeof *all, cmp_u32);
	r.rate = (double)(r.ok + r.failed) / r.secs;
	r.p50_ms = n ? all[n / 2] / 1000.0 : 0;
	r.p99_ms = n ? all[(size_t)((double)n * 0.99)] / 1000.0 : 0;
	free(all);
	return r;
}

static void close_conns(struct conn *conns, int n)
{
	for (int i = 0; i < n; i++) {
		if (conns[i].fd >= 0)
			close(conns[i].fd);
		conns[i].fd = -1;
		conns[i].blen = 0;
		conns[i].step = 0;
	}
}

/* ---- the phases --------------------------------------------------------- */

struct participant {
	char token[AUTH_TOKEN_LEN + 1];
	int64_t attempt; /* in quiz 0, for the saves */
	int nq;
	int64_t qid[MAXQ];
	int64_t option[MAXQ][6]; /* option ids; nopt 0 for short */
	int nopt[MAXQ];
};

static struct participant *people;
static int64_t quiz_ids[NQUIZZES];
static long started_201;

static bool ceiling_next(struct conn *c, struct strbuf *req)
{
	(void)c;
	sb_puts(req, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
	return true;
}

static void ignore_done(struct conn *c, int status, const char *body, size_t len)
{
	(void)c, (void)status, (void)body, (void)len;
}

static bool login_next(struct conn *c, struct strbuf *req)
{
	if (people[c->index].token[0])
		return false;
	char body[128];
	int n = snprintf(body, sizeof body,
			 "{\"username\":\"bench%d\",\"password\":\"bench-password-1\"}", c->index);
	sb_printf(req,
		  "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		  "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		  n, body);
	return true;
}

static void login_done(struct conn *c, int status, const char *body, size_t len)
{
	(void)len;
	if (status == 429)
		usleep(20000);
	if (status != 200)
		return;
	const char *t = strstr(body, "\"token\":\"");
	if (t)
		util_strlcpy(people[c->index].token, t + 9, sizeof people[c->index].token);
}

static bool start_next_req(struct conn *c, struct strbuf *req)
{
	if (c->step >= NQUIZZES)
		return false;
	sb_printf(req,
		  "POST /api/v1/quizzes/%lld/attempts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		  "Authorization: Bearer %s\r\nContent-Length: 0\r\n\r\n",
		  (long long)quiz_ids[c->step], people[c->index].token);
	return true;
}

static void start_done(struct conn *c, int status, const char *body, size_t len)
{
	if (status == 201)
		__atomic_add_fetch(&started_201, 1, __ATOMIC_RELAXED);
	/* Keep what the saves need from the first quiz only (parsing every
	 * answer would spend the CPU the server is measured on). */
	if (c->step == 0 && (status == 201 || status == 200)) {
		json_error_t e;
		json_t *j = json_loadb(body, len, 0, &e);
		json_t *a = json_object_get(j, "attempt");
		struct participant *p = &people[c->index];
		p->attempt = json_integer_value(json_object_get(a, "id"));
		json_t *qs = json_object_get(a, "questions");
		p->nq = 0;
		for (size_t i = 0; i < json_array_size(qs) && i < MAXQ; i++) {
			json_t *q = json_array_get(qs, i);
			p->qid[p->nq] = json_integer_value(json_object_get(q, "id"));
			json_t *opts = json_object_get(q, "options");
			p->nopt[p->nq] = 0;
			for (size_t k = 0; k < json_array_size(opts) && k < 6; k++)
				p->option[p->nq][p->nopt[p->nq]++] = json_integer_value(
					json_object_get(json_array_get(opts, k), "id"));
			p->nq++;
		}
		json_decref(j);
	}
	c->step++;
}

static bool save_next(struct conn *c, struct strbuf *req)
{
	struct participant *p = &people[c->index];
	if (!p->nq)
		return false;
	int q = c->step % p->nq;
	char body[96];
	int n;
	if (p->nopt[q])
		n = snprintf(body, sizeof body, "{\"choices\":[%lld]}",
			     (long long)p->option[q][(c->step / p->nq) % p->nopt[q]]);
	else
		n = snprintf(body, sizeof body, "{\"text\":\"tra loi %d\"}", c->step);
	sb_printf(req,
		  "PUT /api/v1/attempts/%lld/answers/%lld HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		  "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
		  "Content-Length: %d\r\n\r\n%s",
		  (long long)p->attempt, (long long)p->qid[q], p->token, n, body);
	c->step++;
	return true;
}

static void save_done(struct conn *c, int status, const char *body, size_t len)
{
	static int reported;
	if (status != 200 && !__atomic_exchange_n(&reported, 1, __ATOMIC_RELAXED))
		fprintf(stderr, "bench_quiz: save answered %d: %.*s (connection %d)\n", status,
			(int)len, body, c->index);
}

/* ---- servers ------------------------------------------------------------ */

static bool wait_port(int port)
{
	for (int i = 0; i < 200; i++) {
		int fd = connect_to(port);
		if (fd >= 0) {
			close(fd);
			return true;
		}
		usleep(25000);
	}
	return false;
}

static void stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* CPU seconds (user + system) the process has used so far. */
static double cpu_seconds(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	unsigned long long ut = 0, st = 0;
	if (p &&
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2)
		return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
	return 0;
}

static double peak_rss_mb(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	double mb = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			mb = atof(line + 6) / 1024.0;
	if (f)
		fclose(f);
	return mb;
}

/* ---- the database ------------------------------------------------------- */

static const char *const TOPICS[] = { "passwords", "phishing_fraud", "malware", "social_networks",
				      "personal_data" };

static char *make_bank(void)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "{\"code\":\"bench\",\"title\":\"Bench\",\"language\":\"vi\","
		     "\"audiences\":[\"pupil\"],\"questions\":[");
	for (int i = 0; i < NQUESTIONS; i++) {
		sb_printf(&sb,
			  "%s{\"code\":\"b%03d\",\"type\":\"%s\",\"topics\":[\"%s\"],"
			  "\"difficulty\":%d,"
			  "\"stem\":\"Câu hỏi số %d về an toàn thông tin: em nên làm gì khi nhận "
			  "được "
			  "một tin nhắn lạ?\",\"explanation\":\"Giải thích cho câu "
			  "%d.\",\"options\":",
			  i ? "," : "", i, i % 10 == 9 ? "multiple" : "single", TOPICS[i % 5],
			  i % 3 + 1, i, i);
		if (i % 10 == 9)
			sb_puts(&sb, "[{\"text\":\"Kiểm tra người gửi\",\"correct\":true},"
				     "{\"text\":\"Hỏi người lớn\",\"correct\":true},"
				     "{\"text\":\"Bấm vào đường link\",\"correct\":false},"
				     "{\"text\":\"Gửi mật khẩu\",\"correct\":false}]}");
		else
			sb_puts(&sb, "[{\"text\":\"Bỏ qua và báo cho người lớn\",\"correct\":true},"
				     "{\"text\":\"Bấm vào đường link ngay\",\"correct\":false},"
				     "{\"text\":\"Gửi lại mã OTP\",\"correct\":false},"
				     "{\"text\":\"Chia sẻ cho bạn bè\",\"correct\":false}]}");
	}
	sb_puts(&sb, "]}");
	return sb_steal(&sb);
}

static int make_db(const char *path, int nusers)
{
	char err[256];
	struct db *db = db_open(path, err, sizeof err);
	if (!db || db_migrate(db)) {
		fprintf(stderr, "bench_quiz: %s\n", db ? db_errmsg(db) : err);
		return -1;
	}
	bool created;
	struct db_unit unit;
	if (db_unit_upsert(db, "B", "Bench", "province", "", 0, &created) ||
	    db_unit_by_code(db, "B", &unit) != 1)
		goto fail;
	/* One real Argon2id hash with the service's parameters, shared by every
	 * account (each login still verifies it in full). */
	struct auth_config ac;
	auth_config_defaults(&ac);
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, "bench-password-1", 16, ac.opslimit, ac.memlimit))
		goto fail;
	if (db_begin_write(db))
		goto fail;
	for (int i = 0; i < nusers; i++) {
		struct db_user u;
		memset(&u, 0, sizeof u);
		snprintf(u.username, sizeof u.username, "bench%d", i);
		snprintf(u.full_name, sizeof u.full_name, "Người Thử %d", i);
		util_strlcpy(u.role, "participant", sizeof u.role);
		util_strlcpy(u.audience, "pupil", sizeof u.audience);
		u.unit_id = unit.id;
		if (db_user_create(db, &u, hash, clock_now_ms()))
			goto fail;
	}
	if (db_commit(db))
		goto fail;
	char *bank = make_bank();
	struct bank_result res;
	bank_result_init(&res);
	int rc = bank_import_text(db, bank, strlen(bank), "bench.json", &res);
	free(bank);
	bank_result_cleanup(&res);
	if (rc)
		goto fail;
	for (int k = 0; k < NQUIZZES; k++) {
		char code[32];
		snprintf(code, sizeof code, "bench-%d", k);
		json_t *def = json_pack(
			"{s:s,s:s,s:s,s:[s],s:n,s:[{s:s,s:i}],s:i,s:i,s:i,s:s,s:s,s:b,s:b,s:s}",
			"code", code, "title", "Bench", "kind", "quiz", "audiences", "pupil",
			"unit_scope", "draw", "bank", "bench", "count", 25, "time_limit_s", 7200,
			"max_attempts", 3, "pass_percent", 50, "opens_at", "2025-01-01T00:00:00Z",
			"closes_at", "2035-01-01T00:00:00Z", "shuffle_questions", 1,
			"shuffle_options", 1, "review", "after_submit");
		struct problem msg;
		enum outcome st = quiz_create(db, def, &quiz_ids[k], &msg);
		json_decref(def);
		if (st != OUTCOME_OK) {
			fprintf(stderr, "bench_quiz: quiz: %s\n", msg.message);
			goto fail;
		}
	}
	db_close(db);
	return 0;
fail:
	fprintf(stderr, "bench_quiz: preparing the database: %s\n", db ? db_errmsg(db) : "");
	db_close(db);
	return -1;
}

/* ---- main --------------------------------------------------------------- */

static void print_result(const char *what, const struct result *r)
{
	printf("%-34s %9.0f req/s   p50 %6.2f ms   p99 %6.2f ms   (%ld ok, %ld failed, %.1f s)\n",
	       what, r->rate, r->p50_ms, r->p99_ms, r->ok, r->failed, r->secs);
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build";
	double dur = getenv("BENCH_SECONDS") ? atof(getenv("BENCH_SECONDS")) : 5;
	int nconns =
		getenv("BENCH_QUIZ_CONNECTIONS") ? atoi(getenv("BENCH_QUIZ_CONNECTIONS")) : 256;
	if (nconns < 2 || nconns > 4096 || dur <= 0) {
		fprintf(stderr, "bench_quiz: bad BENCH_SECONDS or BENCH_QUIZ_CONNECTIONS\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0)
		return 1;
	char ceiling[512], quizd[512], dir[512], dbpath[600], log[600];
	snprintf(ceiling, sizeof ceiling, "%s/bench/ceiling", build);
	snprintf(quizd, sizeof quizd, "%s/quizd", build);
	snprintf(dir, sizeof dir, "%s/bench-out", build);
	mkdir(dir, 0755);
	snprintf(dbpath, sizeof dbpath, "%s/bench_quiz.db", dir);
	snprintf(log, sizeof log, "%s/bench_quiz%s.log", dir, bench_db() ? "-pg" : "");
	for (const char *suffix = ""; suffix; suffix = !*suffix                  ? "-wal"
						       : !strcmp(suffix, "-wal") ? "-shm"
										 : NULL) {
		char p[700];
		snprintf(p, sizeof p, "%s%s", dbpath, suffix);
		unlink(p);
	}
	/* On PostgreSQL, bench/run.sh hands over a database made empty. */
	const char *db = bench_db() ? bench_db() : dbpath;
	people = xcalloc((size_t)nconns, sizeof *people);
	struct conn *conns = xcalloc((size_t)nconns, sizeof *conns);
	for (int i = 0; i < nconns; i++) {
		conns[i].fd = -1;
		conns[i].index = i;
		sb_init(&conns[i].req);
	}

	/* 1. the ceiling */
	int port = free_port();
	char portstr[16];
	snprintf(portstr, sizeof portstr, "%d", port);
	const char *cargv[] = { ceiling, portstr, NULL };
	pid_t cpid = spawn(cargv, NULL);
	if (!wait_port(port)) {
		fprintf(stderr, "bench_quiz: %s did not start\n", ceiling);
		return 1;
	}
	port_of_server = port;
	struct phase ph_ceiling = { ceiling_next, ignore_done, now_s() + dur };
	struct result ceil = run_phase(conns, nconns, &ph_ceiling);
	close_conns(conns, nconns);
	stop(cpid);

	/* 2. the database and quizd */
	double t = now_s();
	if (make_db(db, nconns))
		return 1;
	printf("prepared %d participants, %d questions, %d quizzes on %s in %.1f s\n", nconns,
	       NQUESTIONS, NQUIZZES, bench_engine(), now_s() - t);
	port = free_port();
	char listen[64];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	/* Every client comes from 127.0.0.1, and each phase opens its
	 * connections anew while quizd may still be closing the last phase's:
	 * the per-address limit (256) would refuse some of them. */
	const char *qargv[] = { quizd,
				"--db",
				db,
				"--listen",
				listen,
				"--data-dir",
				dir,
				"--no-access-log",
				"--per-ip-connections",
				"8192",
				NULL };
	pid_t qpid = spawn(qargv, log);
	if (!wait_port(port)) {
		fprintf(stderr, "bench_quiz: quizd did not start (see %s)\n", log);
		return 1;
	}
	port_of_server = port;

	/* 3. logins */
	struct phase ph_login = { login_next, login_done, 0 };
	struct result logins = run_phase(conns, nconns, &ph_login);
	int logged = 0;
	for (int i = 0; i < nconns; i++)
		logged += people[i].token[0] != 0;

	/* 4. starts (on fresh connections: quizd closes idle ones after 30 s,
	 * and some waited that long for the slowest login) */
	close_conns(conns, nconns);
	struct phase ph_start = { start_next_req, start_done, 0 };
	double cpu0 = cpu_seconds(qpid);
	struct result starts = run_phase(conns, nconns, &ph_start);
	double cpu_starts = cpu_seconds(qpid) - cpu0;

	/* 5. saves */
	close_conns(conns, nconns);
	struct phase ph_save = { save_next, save_done, now_s() + dur };
	cpu0 = cpu_seconds(qpid);
	struct result saves = run_phase(conns, nconns, &ph_save);
	double cpu_saves = cpu_seconds(qpid) - cpu0;
	double rss = peak_rss_mb(qpid);
	close_conns(conns, nconns);
	stop(qpid);

	printf("== bench_quiz on %s: %d connections, %d client threads, %.0f s phases\n",
	       bench_engine(), nconns, THREADS, dur);
	print_result("ceiling (constant answer)", &ceil);
	print_result("logins (Argon2id)", &logins);
	print_result("attempt starts (25 of 500)", &starts);
	print_result("answer saves (group commit, durable)", &saves);
	printf("logged in: %d of %d; attempts started: %ld (new) of %d\n", logged, nconns,
	       started_201, nconns * NQUIZZES);
	printf("answer saves / ceiling:     %.2f   (target >= 0.30)\n", saves.rate / ceil.rate);
	printf("answer saves p99:           %.2f ms (target <= 25 ms at 256 connections)\n",
	       saves.p99_ms);
	printf("attempt starts:             %.0f /s (target >= 5000/s); / ceiling %.2f\n",
	       starts.rate, starts.rate / ceil.rate);
	printf("quizd CPU per request:      %.0f us per start, %.0f us per save (load-independent "
	       "cost;\n"
	       "                            %.1f and %.1f cores busy: below 2 means the machine "
	       "was shared)\n",
	       cpu_starts * 1e6 / (double)(starts.ok + starts.failed),
	       cpu_saves * 1e6 / (double)(saves.ok + saves.failed), cpu_starts / starts.secs,
	       cpu_saves / saves.secs);
	if (bench_db())
		printf("                            (quizd's own CPU: PostgreSQL's server "
		       "processes "
		       "share the same cores and are not counted)\n");
	double load[1] = { 0 };
	if (getloadavg(load, 1) == 1)
		printf("load average at the end:    %.2f on %ld cores\n", load[0],
		       sysconf(_SC_NPROCESSORS_ONLN));
	printf("quizd peak RSS:             %.1f MB with %ld attempts in progress (target <= 150 "
	       "MB)\n",
	       rss, started_201);
	bench_figure("ceiling_per_s", ceil.rate);
	bench_figure("starts_per_s", starts.rate);
	bench_figure("starts_failed", (double)starts.failed);
	bench_figure("saves_per_s", saves.rate);
	bench_figure("saves_p99_ms", saves.p99_ms);
	bench_figure("saves_failed", (double)saves.failed);
	for (int i = 0; i < nconns; i++) {
		sb_cleanup(&conns[i].req);
		free(conns[i].buf);
	}
	free(conns);
	free(people);
	return saves.failed || starts.failed ? 1 : 0;
}
