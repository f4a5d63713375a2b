/* test_awards.c - unit standings, publication, public results, winners and
 * the integrity report against the real quizd, on a server whose clock the
 * test moves (--test-clock-file): a contest with a prediction question,
 * prizes, standings rules and a freeze; three pupils of S1 (district D1)
 * take it through the API as the pages do, three of S2 (D2) are written
 * through storage with chosen phones, client addresses, durations and
 * answers (one of them after the freeze).
 *
 * Hand-computed figures (weight 0.5; prize points 10, 6, 3, 1; one prize
 * of each; headcounts from the roster, 3 pupils per district):
 *   live:   p1 3/3 pred 2 (F = 2: distance 0), p2 3/3 pred 5 (distance 3),
 *           p3 2/3, p4 0 in 1 s, p5 0 in 60 s, p6 0 in 60 s submitted
 *           later. D1: 3 entrants, 100 %, prizes 1+2+3 -> 50 + 19 = 69;
 *           D2: 3 entrants, 100 %, consolation -> 50 + 1 = 51.
 *   frozen (p6 came after freeze_at): D2 2 entrants, 66.7 % -> 33.35 + 1
 *           = 34.35. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_attempt.h"
#include "db_bank.h"
#include "harness.h"

#define MIN_MS (60LL * 1000)

static struct server srv;
static char clock_file[400];
static char *admin_token, *unit_admin_token, *tokens[4];
static int64_t user_ids[7];
static int64_t contest_id, base_ms;

static const char UNITS_CSV[] = "code,name,kind,parent_code\n"
				"P,Tỉnh Thử,province,\n"
				"D1,Huyện Một,district,P\n"
				"D2,Huyện Hai,district,P\n"
				"S1,Trường Một,school,D1\n"
				"S2,Trường Hai,school,D2\n";

static const char BANK_GIFT[] = "::aw-q1:: Câu 1? {=Đúng 1 ~Sai 1a ~Sai 1b}\n"
				"\n"
				"::aw-q2:: Câu 2? {=Đúng 2 ~Sai 2a ~Sai 2b}\n"
				"\n"
				"::aw-q3:: Câu 3? {=Đúng 3 ~Sai 3a ~Sai 3b}\n";

static void set_clock(long long offset_ms)
{
	FILE *f = fopen(clock_file, "w");
	assert_non_null(f);
	fprintf(f, "%lld\n", offset_ms);
	fclose(f);
	/* quizd reads the file on each clock call, or soon after. */
	usleep(1200 * 1000);
}

/* Takes the contest through the API as a pupil: question k right when
 * right[k]; submits with the prediction as quiz.js sends it. */
static void take_attempt(int who, const bool right[3], long prediction)
{
	char body[64];
	snprintf(body, sizeof body, "{\"prediction\":%ld}", prediction);
	json_t *done = test_take_attempt(&srv, tokens[who], contest_id, right, body);
	json_t *result = json_object_get(json_object_get(done, "attempt"), "result");
	assert_int_equal(json_integer_value(json_object_get(result, "prediction")), prediction);
	json_decref(done);
}

/* A pupil of S2 written through storage, with a phone. */
static int64_t store_user(struct db *db, const char *username, const char *phone)
{
	struct db_user u;
	struct db_unit s2;
	memset(&u, 0, sizeof u);
	assert_int_equal(db_unit_by_code(db, "S2", &s2), 1);
	strcpy(u.username, username);
	snprintf(u.full_name, sizeof u.full_name, "Học sinh %s", username);
	strcpy(u.role, "participant");
	u.unit_id = s2.id;
	strcpy(u.audience, "pupil");
	u.birth_year = 2010;
	strcpy(u.phone, phone);
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(db_user_create(db, &u, "$argon2id$unusable", clock_now_ms()), 0);
	assert_int_equal(db_commit(db), 0);
	return u.id;
}

/* A finished attempt of user written through storage: every question
 * answered choices (scored 0), from addr, started at start, lasting
 * duration. */
static void store_attempt(struct db *db, int64_t user, const char *choices, const char *addr,
			  int64_t start, int64_t duration)
{
	struct db_bank bank;
	struct db_unit unit;
	int64_t *ids = NULL;
	size_t n = 0;
	assert_int_equal(db_bank_by_code(db, "aw", &bank), 1);
	assert_int_equal(db_bank_current_ids(db, bank.id, &ids, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(db_unit_by_code(db, "S2", &unit), 1);
	static char no_order[] = "[]";
	struct db_attempt_question qs[3];
	for (size_t i = 0; i < 3; i++)
		qs[i] = (struct db_attempt_question){ ids[i], no_order };
	struct db_attempt a;
	memset(&a, 0, sizeof a);
	a.quiz_id = contest_id;
	a.user_id = user;
	a.unit_id = unit.id;
	strcpy(a.audience, "pupil");
	strcpy(a.round_code, "main");
	a.seed = 7;
	strcpy(a.state, "in_progress");
	strcpy(a.client_addr, addr);
	a.started_at = start;
	a.deadline = start + 600 * 1000;
	a.question_count = 3;
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(db_attempt_insert(db, &a, qs, 3), 0);
	for (size_t i = 0; i < 3; i++) {
		struct db_answer_write row = { a.id, ids[i], choices, NULL, start + 500 };
		size_t saved = 0;
		assert_int_equal(db_answers_save(db, &row, 1, 0, &saved), 0);
		assert_int_equal(db_answer_set_score(db, a.id, ids[i], 0), 0);
	}
	strcpy(a.state, "submitted");
	a.finished_at = start + duration;
	a.max_score = 3;
	a.duration_ms = duration;
	assert_int_equal(db_attempt_finish(db, &a), 1);
	assert_int_equal(db_commit(db), 0);
	free(ids);
	db_bank_cleanup(&bank);
}

static void create_contest(void)
{
	char opens[40], closes[40], freeze[40], body[2048];
	clock_format(base_ms - 60 * MIN_MS, opens);
	clock_format(base_ms + 20 * MIN_MS, freeze);
	clock_format(base_ms + 60 * MIN_MS, closes);
	snprintf(body, sizeof body,
		 "{\"code\":\"aw\",\"title\":\"Cuộc thi có giải\",\"kind\":\"contest\","
		 "\"audiences\":[\"pupil\"],\"unit_scope\":\"P\","
		 "\"draw\":[{\"bank\":\"aw\",\"count\":3}],\"time_limit_s\":600,"
		 "\"max_attempts\":1,\"pass_percent\":60,\"opens_at\":\"%s\",\"closes_at\":\"%s\","
		 "\"freeze_at\":\"%s\",\"review\":\"after_close\","
		 "\"prediction_question\":\"Bao nhiêu người đúng hết?\","
		 "\"prizes\":{\"1\":1,\"2\":1,\"3\":1,\"consolation\":1},"
		 "\"standings\":{\"participation_weight\":0.5,"
		 "\"prize_points\":{\"1\":10,\"2\":6,\"3\":3,\"consolation\":1}}}",
		 opens, closes, freeze);
	contest_id = test_create_quiz(&srv, admin_token, body);
}

static int setup(void **state)
{
	(void)state;
	char err[256], name[8];
	if (server_prepare(&srv))
		return -1;
	snprintf(clock_file, sizeof clock_file, "%s/clock-offset", srv.dir);
	FILE *f = fopen(clock_file, "w");
	fputs("0\n", f);
	fclose(f);
	const char *const extra[] = { "--test-clock-file", clock_file, "--session-ttl", "86400",
				      NULL };
	if (server_start(&srv, extra))
		return -1;
	base_ms = clock_now_ms();
	test_add_units_csv(&srv, UNITS_CSV);
	test_add_user(&srv, "root", "Root-Password-1", "admin", NULL, NULL);
	test_add_user(&srv, "d1admin", "District-One-1", "unit_admin", "D1", NULL);
	admin_token = test_login(&srv, "root", "Root-Password-1", NULL);
	unit_admin_token = test_login(&srv, "d1admin", "District-One-1", NULL);
	for (int i = 1; i <= 3; i++) {
		snprintf(name, sizeof name, "p%d", i);
		test_add_user(&srv, name, "Pupil-Password-1", "participant", "S1", "pupil");
		tokens[i] = test_login(&srv, name, "Pupil-Password-1", NULL);
		user_ids[i] = test_user_id(&srv, tokens[i]);
	}
	test_upload_bank(&srv, admin_token,
			 "format=gift&code=aw&audiences=pupil&topic=phishing_fraud", BANK_GIFT,
			 "text/plain");
	create_contest();
	take_attempt(1, (const bool[3]){ true, true, true }, 2);
	take_attempt(2, (const bool[3]){ true, true, true }, 5);
	take_attempt(3, (const bool[3]){ true, true, false }, 2);
	struct db *db = db_open(srv.db, err, sizeof err);
	assert_non_null(db);
	user_ids[4] = store_user(db, "p4", "0912 345 678");
	user_ids[5] = store_user(db, "p5", "0912.345.678");
	user_ids[6] = store_user(db, "p6", "0912-345-679");
	/* p4 and p5: the same wrong answers; p4 far too fast. p6 answers
	 * otherwise, after the freeze. */
	store_attempt(db, user_ids[4], "[1]", "10.0.0.4", base_ms - 50 * MIN_MS, 1000);
	store_attempt(db, user_ids[5], "[1]", "10.0.0.5", base_ms - 40 * MIN_MS, 60 * 1000);
	store_attempt(db, user_ids[6], "[2]", "10.0.0.6", base_ms + 24 * MIN_MS, 60 * 1000);
	db_close(db);
	/* Past the freeze, before the close. */
	set_clock(26 * MIN_MS);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(admin_token);
	free(unit_admin_token);
	for (int i = 1; i <= 3; i++)
		free(tokens[i]);
	server_stop(&srv, true);
	return 0;
}

/* GET path, where "{id}" in path is the contest's id (or id when not 0)
 * and query is appended. */
static json_t *get_id(const char *path, int64_t id, const char *query, const char *token,
		      long status)
{
	char full[256];
	struct http_res res;
	const char *at = strstr(path, "{id}");
	assert_non_null(at);
	snprintf(full, sizeof full, "%.*s%lld%s%s", (int)(at - path), path,
		 (long long)(id ? id : contest_id), at + 4, query);
	assert_int_equal(http_get(&srv, full, token, &res), 0);
	if (res.status != status)
		print_error("%s: %ld %s\n", full, res.status, res.body);
	assert_int_equal(res.status, status);
	json_t *j = json_incref(res.json);
	http_res_free(&res);
	return j;
}

static json_t *get(const char *path, const char *query, const char *token, long status)
{
	return get_id(path, 0, query, token, status);
}

static json_t *unit_row(json_t *standings, const char *code)
{
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(standings, "units"), i, u)
	{
		if (!strcmp(json_string_value(json_object_get(u, "unit_code")), code))
			return u;
	}
	fail_msg("no unit %s", code);
	return NULL;
}

static double num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static void standings_add_up_by_hand_live_for_admins_frozen_for_others(void **state)
{
	(void)state;
	const char *path = "/api/v1/contests/{id}/standings";
	json_t *live = get(path, "", admin_token, 200);
	assert_false(json_is_true(json_object_get(live, "frozen")));
	assert_int_equal(json_array_size(json_object_get(live, "units")), 2);
	json_t *d1 = unit_row(live, "D1"), *d2 = unit_row(live, "D2");
	assert_int_equal(num(d1, "rank"), 1);
	assert_int_equal(num(d1, "entrants"), 3);
	assert_int_equal(num(d1, "headcount"), 3);
	assert_true(num(d1, "participation_percent") == 100.0);
	assert_true(num(d1, "mean_score") == 2.67);
	assert_true(num(d1, "points") == 69.0);
	assert_int_equal(num(json_object_get(d1, "prizes"), "1"), 1);
	assert_int_equal(num(json_object_get(d1, "prizes"), "3"), 1);
	assert_int_equal(num(d2, "rank"), 2);
	assert_int_equal(num(d2, "entrants"), 3);
	assert_true(num(d2, "points") == 51.0);
	assert_int_equal(num(json_object_get(d2, "prizes"), "consolation"), 1);
	json_t *formula = json_object_get(live, "formula");
	assert_true(num(formula, "participation_weight") == 0.5);
	assert_true(num(json_object_get(formula, "prize_points"), "1") == 10.0);
	json_decref(live);

	json_t *frozen = get(path, "", tokens[1], 200);
	assert_true(json_is_true(json_object_get(frozen, "frozen")));
	d2 = unit_row(frozen, "D2");
	assert_int_equal(num(d2, "entrants"), 2);
	assert_true(num(d2, "participation_percent") == 66.7);
	assert_true(num(d2, "points") == 34.35);
	json_decref(frozen);

	/* One level deeper from D1: the school alone. */
	json_t *deep = get(path, "?unit=D1&depth=1", unit_admin_token, 200);
	assert_int_equal(json_array_size(json_object_get(deep, "units")), 1);
	assert_string_equal(json_string_value(json_object_get(unit_row(deep, "S1"), "unit_code")),
			    "S1");
	json_decref(deep);
}

/* Declares D2's headcount of pupils for the contest's year. */
static void declare_d2(int count)
{
	char body[128];
	struct http_res res;
	snprintf(body, sizeof body, "[{\"year\":%d,\"audience\":\"pupil\",\"count\":%d}]",
		 clock_vn_year(base_ms + 60 * MIN_MS), count);
	assert_int_equal(http_send(&srv, "PUT", "/api/v1/admin/units/D2/headcounts", admin_token,
				   body, &res),
			 0);
	assert_int_equal(res.status, 204);
	http_res_free(&res);
}

/* The rows of a standings query are kept by quizd; a headcount declared,
 * and a pupil added to the roster by another process (quizadm), show at
 * the next read. */
static void standings_follow_headcounts_and_the_roster_after_being_kept(void **state)
{
	(void)state;
	const char *path = "/api/v1/contests/{id}/standings";
	json_t *j = get(path, "", admin_token, 200);
	assert_int_equal(num(unit_row(j, "D2"), "headcount"), 3);
	json_decref(j);
	declare_d2(6);
	j = get(path, "", admin_token, 200);
	json_t *d2 = unit_row(j, "D2");
	assert_int_equal(num(d2, "headcount"), 6);
	assert_true(num(d2, "participation_percent") == 50.0);
	assert_true(num(d2, "points") == 26.0);
	json_decref(j);
	declare_d2(3); /* as the roster counts them: the figures of the other tests */
	j = get(path, "", admin_token, 200);
	assert_true(num(unit_row(j, "D2"), "points") == 51.0);
	json_decref(j);
	/* D1 declares nothing: its roster counts. A fourth pupil without an
	 * attempt: 3 of 4 took part, 0.5 x 75 + 19. */
	test_add_user(&srv, "p7", "Pupil-Password-1", "participant", "S1", "pupil");
	j = get(path, "", admin_token, 200);
	json_t *d1 = unit_row(j, "D1");
	assert_int_equal(num(d1, "headcount"), 4);
	assert_true(num(d1, "participation_percent") == 75.0);
	assert_true(num(d1, "points") == 56.5);
	json_decref(j);
}

static void standings_refuse_bad_queries_and_anonymous_callers(void **state)
{
	(void)state;
	const char *path = "/api/v1/contests/{id}/standings";
	json_decref(get(path, "?depth=0", admin_token, 400));
	json_decref(get(path, "?depth=x", admin_token, 400));
	json_decref(get(path, "?round=zz", admin_token, 400));
	json_decref(get(path, "?unit=NOPE", admin_token, 400));
	json_decref(get(path, "", NULL, 401));
	json_decref(get_id("/api/v1/contests/{id}/standings", 9999, "", admin_token, 404));
}

static void winners_list_every_field_in_json_csv_and_xlsx(void **state)
{
	(void)state;
	const char *path = "/api/v1/admin/contests/{id}/winners";
	/* Live for the admin: p6 (after the freeze) is there, after p5 by
	 * submission time (equal score, no prediction, equal duration), and
	 * p4 before p5 by duration. */
	json_t *w = get(path, "", admin_token, 200);
	json_t *list = json_object_get(w, "winners");
	assert_int_equal(json_array_size(list), 6);
	json_t *first = json_array_get(list, 0);
	assert_int_equal(num(first, "user_id"), user_ids[1]);
	assert_string_equal(json_string_value(json_object_get(first, "username")), "p1");
	assert_string_equal(json_string_value(json_object_get(first, "prize")), "1");
	assert_int_equal(num(first, "prediction"), 2);
	/* Prediction decides p1 (distance 0) before p2 (distance 3). */
	assert_int_equal(num(json_array_get(list, 1), "user_id"), user_ids[2]);
	json_t *fourth = json_array_get(list, 3);
	assert_int_equal(num(fourth, "user_id"), user_ids[4]);
	assert_string_equal(json_string_value(json_object_get(fourth, "prize")), "consolation");
	assert_string_equal(json_string_value(json_object_get(fourth, "phone")), "0912 345 678");
	assert_int_equal(num(fourth, "birth_year"), 2010);
	assert_int_equal(num(json_array_get(list, 4), "user_id"), user_ids[5]);
	assert_int_equal(num(json_array_get(list, 5), "user_id"), user_ids[6]);
	assert_true(json_is_null(json_object_get(json_array_get(list, 4), "prize")));
	json_decref(w);
	w = get(path, "?top=2", admin_token, 200);
	assert_int_equal(json_array_size(json_object_get(w, "winners")), 2);
	json_decref(w);

	char p[160];
	struct http_res res;
	snprintf(p, sizeof p, "/api/v1/admin/contests/%lld/winners?format=csv",
		 (long long)contest_id);
	assert_int_equal(http_get(&srv, p, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_memory_equal(res.body, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(res.body, "Hạng"));
	assert_non_null(strstr(res.body, "0912 345 678"));
	assert_non_null(strstr(res.body, "consolation"));
	http_res_free(&res);
	snprintf(p, sizeof p, "/api/v1/admin/contests/%lld/winners?format=xlsx",
		 (long long)contest_id);
	assert_int_equal(http_get(&srv, p, admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	assert_true(res.len > 100);
	assert_memory_equal(res.body, "PK", 2);
	http_res_free(&res);
}

static void admin_routes_refuse_other_roles_and_bad_input(void **state)
{
	(void)state;
	const char *const paths[] = { "/api/v1/admin/contests/{id}/winners",
				      "/api/v1/admin/contests/{id}/integrity" };
	for (size_t i = 0; i < 2; i++) {
		json_decref(get(paths[i], "", NULL, 401));
		json_decref(get(paths[i], "", tokens[1], 403));
		json_decref(get(paths[i], "", unit_admin_token, 403));
	}
	json_decref(get(paths[0], "?format=pdf", admin_token, 400));
	json_decref(get(paths[0], "?top=0", admin_token, 400));
	json_decref(get(paths[0], "?round=zz", admin_token, 400));
	json_decref(get_id("/api/v1/admin/contests/{id}/winners", 9999, "", admin_token, 404));
	char p[128];
	struct http_res res;
	snprintf(p, sizeof p, "/api/v1/admin/contests/%lld/publish", (long long)contest_id);
	assert_int_equal(http_send(&srv, "POST", p, tokens[1], NULL, &res), 0);
	assert_int_equal(res.status, 403);
	http_res_free(&res);
	assert_int_equal(http_send(&srv, "POST", p, unit_admin_token, NULL, &res), 0);
	assert_int_equal(res.status, 403);
	http_res_free(&res);
}

/* The flags of kind, each as its sorted user ids. */
static bool has_flag(json_t *report, const char *kind, const int64_t *ids, size_t n)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(report, "flags"), i, f)
	{
		json_t *u = json_object_get(f, "user_ids");
		if (strcmp(json_string_value(json_object_get(f, "kind")), kind) ||
		    json_array_size(u) != n)
			continue;
		bool same = true;
		for (size_t k = 0; k < n; k++)
			same = same && json_integer_value(json_array_get(u, k)) == ids[k];
		if (same)
			return true;
	}
	return false;
}

static bool flags_user(json_t *report, const char *kind, int64_t id)
{
	size_t i, k;
	json_t *f, *u;
	json_array_foreach(json_object_get(report, "flags"), i, f)
	{
		if (strcmp(json_string_value(json_object_get(f, "kind")), kind))
			continue;
		json_array_foreach(json_object_get(f, "user_ids"), k, u)
		{
			if (json_integer_value(u) == id)
				return true;
		}
	}
	return false;
}

static void integrity_flags_constructed_cases_and_not_near_misses(void **state)
{
	(void)state;
	json_t *r = get("/api/v1/admin/contests/{id}/integrity", "", admin_token, 200);
	/* p4, p5: one phone written two ways; p6 differs by a digit. */
	assert_true(has_flag(r, "shared_phone", (int64_t[]){ user_ids[4], user_ids[5] }, 2));
	assert_false(flags_user(r, "shared_phone", user_ids[6]));
	/* p1..p3 started from the test's own address; p4..p6 each from one. */
	assert_true(has_flag(r, "shared_address",
			     (int64_t[]){ user_ids[1], user_ids[2], user_ids[3] }, 3));
	assert_false(flags_user(r, "shared_address", user_ids[4]));
	/* p4: 1 s for three questions; p5: a minute. */
	assert_true(has_flag(r, "too_fast", (int64_t[]){ user_ids[4] }, 1));
	assert_false(flags_user(r, "too_fast", user_ids[5]));
	/* p4, p5: the same wrong answers; p6 other answers; p1 and p2 alike
	 * but all right. */
	assert_true(has_flag(r, "same_answers", (int64_t[]){ user_ids[4], user_ids[5] }, 2));
	assert_false(flags_user(r, "same_answers", user_ids[6]));
	assert_false(flags_user(r, "same_answers", user_ids[1]));
	json_decref(r);
}

static void results_hidden_until_published_then_public_without_personal_fields(void **state)
{
	(void)state;
	const char *path = "/api/v1/contests/{id}/results";
	json_decref(get(path, "", NULL, 404));
	json_decref(get(path, "", admin_token, 404));
	char p[128];
	struct http_res res;
	snprintf(p, sizeof p, "/api/v1/admin/contests/%lld/publish", (long long)contest_id);
	assert_int_equal(http_send(&srv, "POST", p, admin_token, NULL, &res), 0);
	assert_int_equal(res.status, 409);
	assert_string_equal(http_error_code(&res), "quiz_not_closed");
	http_res_free(&res);

	set_clock(2 * 60 * MIN_MS);
	assert_int_equal(http_send(&srv, "POST", p, admin_token, NULL, &res), 0);
	assert_int_equal(res.status, 200);
	assert_true(json_is_string(json_object_get(res.json, "published_at")));
	http_res_free(&res);

	json_t *pub = get(path, "", NULL, 200);
	json_t *entries = json_object_get(pub, "entries");
	/* Frozen for the public: p6 came after the freeze. */
	assert_int_equal(json_array_size(entries), 5);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(entries, 0), "full_name")), "p1");
	json_t *prizes = json_object_get(pub, "prizes");
	assert_int_equal(json_array_size(prizes), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(prizes, 3), "prize")),
			    "consolation");
	char *text = json_dumps(pub, 0);
	assert_null(strstr(text, "username"));
	assert_null(strstr(text, "phone"));
	assert_null(strstr(text, "birth_year"));
	assert_null(strstr(text, "0912"));
	free(text);
	json_decref(pub);
	/* Admins see the live board. */
	pub = get(path, "", admin_token, 200);
	assert_int_equal(json_array_size(json_object_get(pub, "entries")), 6);
	json_decref(pub);

	/* The audit log has the publication. */
	assert_int_equal(http_get(&srv, "/api/v1/admin/audit?limit=5", admin_token, &res), 0);
	assert_int_equal(res.status, 200);
	char *a = json_dumps(res.json, 0);
	assert_non_null(strstr(a, "contest.publish"));
	free(a);
	http_res_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(standings_add_up_by_hand_live_for_admins_frozen_for_others),
		cmocka_unit_test(standings_follow_headcounts_and_the_roster_after_being_kept),
		cmocka_unit_test(standings_refuse_bad_queries_and_anonymous_callers),
		cmocka_unit_test(winners_list_every_field_in_json_csv_and_xlsx),
		cmocka_unit_test(admin_routes_refuse_other_roles_and_bad_input),
		cmocka_unit_test(integrity_flags_constructed_cases_and_not_near_misses),
		/* Last: it moves the clock past the close. */
		cmocka_unit_test(
			results_hidden_until_published_then_public_without_personal_fields),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
