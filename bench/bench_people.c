/* bench_people.c - two figures of the administration's people, each beside
 * its reference measured in the same run:
 *
 * 1. People search (people_list_json: a page of 50 and the total) in a
 *    province of 300,000 people with Vietnamese names, p50 and p99 over a
 *    set of searches typed without diacritics, beside the same page read by
 *    a full-scan LIKE over the same folded keys (target: p99 at least 20x
 *    faster than the scan's).
 * 2. Logins by login-card code (account_card_login, the session written
 *    by the group committer of quiz_service.h as in quizd) per second
 *    beside password logins (account_login_begin + Argon2id on the hashing
 *    pool + finish) per second, both with LOGIN_CLIENTS logins in flight,
 *    each client a thread with its own connection (target: at least 50x).
 *
 * The province is generated once through the storage layer (the same
 * triggers as in service fill the search index) into
 * BUILD/bench-out/people-province-300000.db and reused by later runs.
 *
 * usage: bench_people [BUILD_DIR] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "app.h"
#include "auth.h"
#include "cards.h"
#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "db_people.h"
#include "lib/bench_util.h"
#include "people.h"
#include "quiz_service.h"

/* A smaller run (a smoke test of this program) may define these. */
#ifndef NPEOPLE
#define NPEOPLE 300000
#endif
#ifndef LOGIN_SECONDS
#define LOGIN_SECONDS 5.0
#endif
#define NUNITS 300
#define NCARDS 200
/* Logins in flight at once, each a thread with its own connection, as
 * quizd serves many connections at once (a class scanning its cards). The
 * same for both kinds: password logins then queue on the hashing pool (one
 * thread per core), card logins share the group committer's transactions. */
#define LOGIN_CLIENTS 32

static void die(struct db *db, const char *what)
{
	fprintf(stderr, "bench_people: %s: %s\n", what, db ? db_errmsg(db) : "");
	exit(1);
}

/* Family names weighted roughly as in Vietnam (Nguyễn about 38%). */
static const char *const families[] = {
	"Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn",
	"Trần",   "Trần",   "Lê",     "Lê",     "Phạm",   "Hoàng",  "Huỳnh",  "Phan",
	"Vũ",     "Võ",     "Đặng",   "Bùi",    "Đỗ",     "Hồ",     "Ngô",    "Dương",
};
static const char *const middles[] = { "Văn",  "Thị",  "Hữu", "Đức",  "Minh", "Ngọc", "Thanh",
				       "Quốc", "Xuân", "Thu", "Hoài", "Gia",  "Bảo",  "Khánh" };
static const char *const givens[] = {
	"An",    "Anh",  "Bình",   "Cường", "Dũng",  "Duy",   "Đạt", "Giang", "Hà",
	"Hải",   "Hạnh", "Hiếu",   "Hoa",   "Hùng",  "Hương", "Huy", "Khánh", "Lan",
	"Linh",  "Long", "Mai",    "Minh",  "My",    "Nam",   "Nga", "Ngọc",  "Nhung",
	"Phong", "Phúc", "Phương", "Quân",  "Quang", "Sơn",   "Tâm", "Thảo",  "Thắng",
	"Trang", "Tú",   "Tuấn",   "Việt",  "Vy",    "Yến",
};
#define COUNT(a) (sizeof a / sizeof a[0])

static void make_province(const char *path)
{
	char err[256];
	struct db *db = db_open(path, err, sizeof err);
	if (!db || db_migrate(db))
		die(db, "open");
	if (db_begin_write(db))
		die(db, "begin");
	bool created;
	if (db_unit_upsert(db, "P", "Tỉnh Thử", "province", "", 0, &created))
		die(db, "province");
	struct db_unit province;
	if (db_unit_by_code(db, "P", &province) != 1)
		die(db, "province");
	int64_t units[NUNITS];
	for (int u = 0; u < NUNITS; u++) {
		char code[32], name[64];
		struct db_unit unit;
		snprintf(code, sizeof code, "S%03d", u);
		snprintf(name, sizeof name, "Trường số %d", u);
		if (db_unit_upsert(db, code, name, "school", "thcs", province.id, &created) ||
		    db_unit_by_code(db, code, &unit) != 1)
			die(db, "unit");
		units[u] = unit.id;
	}
	uint64_t x = 42;
	for (int i = 0; i < NPEOPLE; i++) {
		char username[32], name[128];
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t r = x >> 16;
		snprintf(username, sizeof username, "hs%06d", i);
		snprintf(name, sizeof name, "%s %s %s", families[r % COUNT(families)],
			 middles[(r / 31) % COUNT(middles)], givens[(r / 997) % COUNT(givens)]);
		if (db_fixture_person(db, username, name, "participant", units[i % NUNITS],
				      "pupil") < 0)
			die(db, "person");
	}
	if (db_commit(db))
		die(db, "commit");
	db_close(db);
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void ignore_person(const struct db_person *p, void *ctx)
{
	(void)p;
	(*(int *)ctx)++;
}

/* Searches an administrator types, without diacritics. */
static const char *const searches[] = {
	"nguyen van an", "tran thi mai",    "le minh",        "pham quoc tuan",
	"hoang",         "dang thi",        "vo thanh phong", "bui ngoc",
	"do xuan hai",   "ho gia bao",      "ngo thu trang",  "duong hoai nam",
	"huynh duc",     "phan khanh linh", "vu bao ngoc",    "hs012345",
};
#define ROUNDS 20

static void search_figures(struct db *db)
{
	size_t n = COUNT(searches) * ROUNDS;
	double *indexed = calloc(n, sizeof *indexed), *scanned = calloc(n, sizeof *scanned);
	struct people_actor admin = { 0 };
	int64_t total_indexed = 0, total_scanned = 0;
	for (size_t k = 0; k < n; k++) {
		const char *q = searches[k % COUNT(searches)];
		struct people_query query = { .q = q, .limit = 50 };
		struct problem p;
		json_t *out = NULL;
		double t0 = now_s();
		if (people_list_json(db, &admin, &query, &out, &p) != OUTCOME_OK)
			die(db, p.message);
		indexed[k] = (now_s() - t0) * 1000;
		if (k < COUNT(searches))
			total_indexed += json_integer_value(json_object_get(out, "total"));
		json_decref(out);

		char like[128];
		snprintf(like, sizeof like, "%%%s%%", q);
		struct db_people_filter f = { .disabled = -1, .match = like };
		int rows = 0;
		int64_t total = 0;
		t0 = now_s();
		if (db_people_scan_page(db, &f, 50, 0, ignore_person, &rows, &total))
			die(db, "scan");
		scanned[k] = (now_s() - t0) * 1000;
		if (k < COUNT(searches))
			total_scanned += total;
	}
	qsort(indexed, n, sizeof *indexed, compare_double);
	qsort(scanned, n, sizeof *scanned, compare_double);
	double i50 = indexed[n / 2], i99 = indexed[(n * 99) / 100];
	double s50 = scanned[n / 2], s99 = scanned[(n * 99) / 100];
	printf("people search, %d people, %zu searches (page of 50 and the total):\n", NPEOPLE, n);
	printf("  index (FTS5 on the folded key): p50 %.2f ms, p99 %.2f ms (%lld matches per "
	       "round)\n",
	       i50, i99, (long long)total_indexed);
	printf("  full-scan LIKE, same keys:      p50 %.2f ms, p99 %.2f ms (%lld matches per "
	       "round)\n",
	       s50, s99, (long long)total_scanned);
	printf("  p99 ratio scan/index: %.1fx (target >= 20)\n", i99 > 0 ? s99 / i99 : 0);
	free(indexed);
	free(scanned);
}

/* ---- logins ----------------------------------------------------------------- */

struct login_arg {
	struct app *app;
	const char *db_path;
	bool cards;
	char (*codes)[CARDS_CODE_PRINTED + 1];
	int index;
	double until;
	long count, failed;
};

static void *login_loop(void *p)
{
	struct login_arg *a = p;
	char err[256];
	struct db *db = db_open(a->db_path, err, sizeof err);
	if (!db)
		die(NULL, err);
	for (long i = a->index; now_s() < a->until; i += 7) {
		struct account_result res;
		struct problem pr;
		enum outcome o;
		if (a->cards) {
			o = account_card_login(a->app, db, a->codes[i % NCARDS], "bench", &res,
					       &pr);
		} else {
			char username[32];
			struct account_op *op = NULL;
			snprintf(username, sizeof username, "hs%06ld", i % NCARDS);
			o = account_login_begin(a->app, db, username, "bench-password-1", "bench",
						&op, &res, &pr);
			if (o == OUTCOME_OK)
				o = account_op_complete(op, db, &res, &pr);
		}
		if (o == OUTCOME_OK)
			a->count++;
		else
			a->failed++;
	}
	db_close(db);
	return NULL;
}

static double login_rate(struct app *app, const char *path, bool cards,
			 char (*codes)[CARDS_CODE_PRINTED + 1], long *failed)
{
	int n = LOGIN_CLIENTS;
	pthread_t th[LOGIN_CLIENTS];
	struct login_arg args[LOGIN_CLIENTS];
	double t0 = now_s();
	for (int i = 0; i < n; i++) {
		args[i] =
			(struct login_arg){ app, path, cards, codes, i, t0 + LOGIN_SECONDS, 0, 0 };
		pthread_create(&th[i], NULL, login_loop, &args[i]);
	}
	long total = 0;
	*failed = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		total += args[i].count;
		*failed += args[i].failed;
	}
	return (double)total / (now_s() - t0);
}

static void login_figures(struct db *db, const char *path, const char *dir)
{
	struct auth_config cfg;
	auth_config_defaults(&cfg);
	struct app app = { 0 };
	app.auth = auth_new(&cfg);
	app.cfg.db_path = path;
	app.cfg.data_dir = dir;
	char hash[AUTH_HASH_MAX];
	if (!app.auth || auth_hash_password(app.auth, "bench-password-1", hash))
		die(NULL, "hashing");
	char(*codes)[CARDS_CODE_PRINTED + 1] = calloc(NCARDS, sizeof *codes);
	struct cards_keyring keys = { dir, path };
	if (db_begin_write(db))
		die(db, "begin");
	for (int i = 0; i < NCARDS; i++) {
		char username[32], canonical[CARDS_CODE_CHARS + 1];
		unsigned char code_hash[32];
		struct db_user u;
		struct problem p;
		snprintf(username, sizeof username, "hs%06d", i);
		if (db_user_by_username(db, username, &u) != 1 ||
		    db_user_set_password(db, u.id, hash))
			die(db, "user");
		cards_code_new(codes[i]);
		cards_code_canonical(codes[i], canonical);
		if (cards_code_hash(&keys, canonical, code_hash, &p) != OUTCOME_OK)
			die(NULL, p.message);
		if (db_card_set(db, u.id, code_hash, 0))
			die(db, "card");
	}
	if (db_commit(db))
		die(db, "commit");
	long card_failed, password_failed;
	/* Card sessions go through the group committer, as in quizd; it stops
	 * before the password logins, which write on their own connections. */
	char err[256];
	if (quiz_service_start(&app, err, sizeof err))
		die(NULL, err);
	double card = login_rate(&app, path, true, codes, &card_failed);
	quiz_service_stop(&app);
	double password = login_rate(&app, path, false, codes, &password_failed);
	printf("logins, %.0f s each, %d clients in flight, one connection each:\n", LOGIN_SECONDS,
	       LOGIN_CLIENTS);
	printf("  login card (keyed BLAKE2b, group commit): %.0f/s (%ld refused)\n", card,
	       card_failed);
	printf("  password (Argon2id 19 MiB, 2 passes):     %.1f/s (%ld refused)\n", password,
	       password_failed);
	printf("  ratio card/password: %.1fx (target >= 50)\n", password > 0 ? card / password : 0);
	free(codes);
	auth_free(app.auth);
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build";
	char dir[512], path[600];
	snprintf(dir, sizeof dir, "%s/bench-out", build);
	mkdir(dir, 0755);
	snprintf(path, sizeof path, "%s/people-province-%d.db", dir, NPEOPLE);
	struct stat st;
	if (stat(path, &st) != 0) {
		double t0 = now_s();
		make_province(path);
		printf("generated %s in %.0f s\n", path, now_s() - t0);
	}
	char err[256];
	struct db *db = db_open(path, err, sizeof err);
	if (!db || db_migrate(db))
		die(db, "open");
	search_figures(db);
	login_figures(db, path, dir);
	db_close(db);
	return 0;
}
