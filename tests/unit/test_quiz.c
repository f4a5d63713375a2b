/* test_quiz.c - the quiz rules without HTTP: draws reproducible from the
 * stored seed, option orders, scoring (multiple clipped to [0, 1], short
 * answers normalised), definitions refused with the shortfall of each draw
 * rule, the server's clock (deadline capped by closes_at, saves refused past
 * deadline + grace) with an injected clock, the sweeper finalising an
 * abandoned attempt, the attempts limit, audience and unit scope, rounds,
 * and a walk of every participant view that finds no answer data before
 * the review policy allows it. Storage is a real migrated database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit.h"
#include "bank.h"
#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_attempt.h"
#include "db_bank.h"
#include "db_fixture.h"
#include "db_quiz.h"
#include "quiz_cache.h"
#include "quiz_def.h"
#include "quiz_edit.h"
#include "quiz_rules.h"
#include "quiz_view.h"
#include "quiz_write.h"
#include "testdb.h"
#include "util.h"

#define GRACE 2000
#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

static int64_t fake_now;
static int64_t fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

struct fixture {
	struct testdb tdb;
	struct db *db;
	struct quiz_qcache *qc;
	int64_t unit_root, unit_in, unit_out;
	char path_in[64], path_out[64];
	int64_t pupil, pupil_outside, civil;
};

/* A bank of 40 questions: types in turn single, multiple, true_false,
 * short; topics passwords (even) and malware (odd); difficulty 1..3. */
static char *make_bank(void)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb,
		"{\"code\":\"tb\",\"title\":\"T\",\"language\":\"vi\",\"audiences\":[\"pupil\"],"
		"\"questions\":[");
	for (int i = 0; i < 40; i++) {
		const char *topic = i % 2 ? "malware" : "passwords";
		int diff = i % 3 + 1;
		sb_printf(&sb,
			  "%s{\"code\":\"q%02d\",\"topics\":[\"%s\"],\"difficulty\":%d,"
			  "\"stem\":\"Câu hỏi %d\",\"explanation\":\"Giải thích %d\",",
			  i ? "," : "", i, topic, diff, i, i);
		switch (i % 4) {
		case 0:
			sb_puts(&sb, "\"type\":\"single\",\"options\":[{\"text\":\"đúng\","
				     "\"correct\":true},"
				     "{\"text\":\"sai 1\",\"correct\":false},{\"text\":\"sai "
				     "2\",\"correct\":false}]}");
			break;
		case 1:
			sb_puts(&sb, "\"type\":\"multiple\",\"options\":[{\"text\":\"a\","
				     "\"correct\":true},"
				     "{\"text\":\"b\",\"correct\":true},{\"text\":\"c\","
				     "\"correct\":false},"
				     "{\"text\":\"d\",\"correct\":false}]}");
			break;
		case 2:
			sb_puts(&sb, "\"type\":\"true_false\",\"options\":[{\"text\":\"Đúng\","
				     "\"correct\":false},"
				     "{\"text\":\"Sai\",\"correct\":true}]}");
			break;
		default:
			sb_puts(&sb, "\"type\":\"short\",\"ignore_diacritics\":true,\"options\":"
				     "[{\"text\":\"Mã độc\",\"correct\":true}]}");
		}
	}
	sb_puts(&sb, "]}");
	return sb_steal(&sb);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	f->db = testdb_open(&f->tdb, "test_quiz");
	assert_non_null(f->db);
	f->qc = quiz_qcache_new();
	bool created;
	struct db_unit u;
	assert_int_equal(db_unit_upsert(f->db, "ROOT", "Tỉnh", "province", "", 0, &created), 0);
	assert_int_equal(db_unit_by_code(f->db, "ROOT", &u), 1);
	f->unit_root = u.id;
	assert_int_equal(db_unit_upsert(f->db, "IN", "Huyện A", "district", "", u.id, &created), 0);
	assert_int_equal(db_unit_upsert(f->db, "OUT", "Tỉnh khác", "province", "", 0, &created), 0);
	assert_int_equal(db_unit_by_code(f->db, "IN", &u), 1);
	f->unit_in = u.id;
	util_strlcpy(f->path_in, u.path, sizeof f->path_in);
	assert_int_equal(db_unit_by_code(f->db, "OUT", &u), 1);
	f->unit_out = u.id;
	util_strlcpy(f->path_out, u.path, sizeof f->path_out);
	f->pupil = db_fixture_person(f->db, "p1", "Em A", "participant", f->unit_in, "pupil");
	f->pupil_outside =
		db_fixture_person(f->db, "p2", "Em B", "participant", f->unit_out, "pupil");
	f->civil =
		db_fixture_person(f->db, "c1", "Chị C", "participant", f->unit_in, "civil_servant");
	assert_true(f->pupil > 0 && f->pupil_outside > 0 && f->civil > 0);
	char *bank = make_bank();
	struct bank_result res;
	bank_result_init(&res);
	assert_int_equal(bank_import_text(f->db, bank, strlen(bank), "tb.json", &res), 0);
	bank_result_cleanup(&res);
	free(bank);
	fake_now = T0;
	clock_set_source(fake_clock, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	clock_set_source(NULL, NULL);
	quiz_qcache_free(f->qc);
	testdb_remove(&f->tdb, f->db);
	free(f);
	return 0;
}

/* The default definition with the given extra members (a JSON object text
 * merged over the defaults): new reference. */
static json_t *quiz_def(const char *extra)
{
	json_error_t e;
	json_t *def = json_loads(
		"{\"code\":\"qz\",\"title\":\"Thi\",\"kind\":\"quiz\",\"audiences\":[\"pupil\"],"
		"\"unit_scope\":\"ROOT\",\"draw\":[{\"bank\":\"tb\",\"count\":20},"
		"{\"bank\":\"tb\",\"topic\":\"malware\",\"difficulty\":2,\"count\":5}],"
		"\"time_limit_s\":900,\"max_attempts\":2,\"pass_percent\":50,"
		"\"opens_at\":\"2025-12-01T00:00:00Z\",\"closes_at\":\"2026-02-01T00:00:00Z\","
		"\"shuffle_questions\":true,\"shuffle_options\":true,\"review\":\"after_submit\"}",
		0, &e);
	assert_non_null(def);
	if (extra) {
		json_t *x = json_loads(extra, 0, &e);
		assert_non_null(x);
		json_object_update(def, x);
		json_decref(x);
	}
	return def;
}

/* Creates a quiz from quiz_def(extra). Returns its id. */
static int64_t create_quiz(struct fixture *f, const char *extra, enum outcome want, char *err,
			   size_t errlen)
{
	json_t *def = quiz_def(extra);
	struct problem pr;
	int64_t id = 0;
	enum outcome st = quiz_create(f->db, def, &id, &pr);
	if (err)
		util_strlcpy(err, pr.message, errlen);
	json_decref(def);
	assert_int_equal(st, want);
	return id;
}

static void load_quiz(struct fixture *f, int64_t id, struct db_quiz *q)
{
	assert_int_equal(db_quiz_get(f->db, id, q), 1);
}

static struct quiz_participant who(struct fixture *f, int64_t user)
{
	struct quiz_participant p = { .user_id = user };
	if (user == f->pupil_outside) {
		p.unit_id = f->unit_out;
		p.unit_path = f->path_out;
		p.audience = "pupil";
	} else {
		p.unit_id = f->unit_in;
		p.unit_path = f->path_in;
		p.audience = user == f->civil ? "civil_servant" : "pupil";
	}
	return p;
}

/* Starts an attempt at fake_now through prepare + apply; returns the write. */
static enum outcome start(struct fixture *f, int64_t quiz_id, int64_t user, struct quiz_write *w)
{
	struct db_quiz q;
	load_quiz(f, quiz_id, &q);
	struct quiz_participant p = who(f, user);
	enum outcome st = quiz_start_prepare(f->db, f->qc, &q, &p, fake_now, GRACE, w);
	db_quiz_cleanup(&q);
	if (st != OUTCOME_OK)
		return st;
	assert_int_equal(quiz_write_run(f->db, f->qc, w), 0);
	return w->status;
}

static enum outcome save(struct fixture *f, int64_t user, int64_t attempt, int64_t question,
			 const char *body_text)
{
	json_error_t e;
	json_t *body = json_loads(body_text, 0, &e);
	assert_non_null(body);
	struct quiz_write w;
	enum outcome st = quiz_answer_prepare(f->db, f->qc, user, attempt, question, body, fake_now,
					      GRACE, &w);
	json_decref(body);
	if (st == OUTCOME_OK) {
		assert_int_equal(quiz_write_run(f->db, f->qc, &w), 0);
		st = w.status;
	}
	quiz_write_cleanup(&w);
	return st;
}

/* ---- pure rules --------------------------------------------------------- */

static void quiz_scope_meets_a_subtree_that_holds_it_or_lies_in_it(void **state)
{
	(void)state;
	assert_true(quiz_scope_meets(NULL, "/1/4/"));
	assert_true(quiz_scope_meets("", "/1/4/"));
	assert_true(quiz_scope_meets("/1/4/", "/1/4/"));
	assert_true(quiz_scope_meets("/1/4/9/", "/1/4/")); /* scope inside the subtree */
	assert_true(quiz_scope_meets("/1/", "/1/4/")); /* subtree inside the scope */
	assert_false(quiz_scope_meets("/1/5/", "/1/4/")); /* a sibling */
	assert_false(quiz_scope_meets("/1/44/", "/1/4/")); /* a longer id, not a child */
	assert_false(quiz_scope_meets(NULL, "")); /* no unit meets nothing */
	assert_false(quiz_scope_meets("/1/", NULL));
}

static void quiz_draw_is_reproducible_from_the_seed(void **state)
{
	(void)state;
	int64_t broad[100], narrow[6];
	for (int i = 0; i < 100; i++)
		broad[i] = 1000 + i;
	for (int i = 0; i < 6; i++)
		narrow[i] = 1000 + i * 10; /* inside the broad pool */
	struct quiz_pool pools[2] = { { broad, 100, 20 }, { narrow, 6, 6 } };
	int64_t a[26], b[26], c[26];
	assert_int_equal(quiz_draw(42, pools, 2, true, a), 26);
	assert_int_equal(quiz_draw(42, pools, 2, true, b), 26);
	assert_int_equal(quiz_draw(43, pools, 2, true, c), 26);
	assert_memory_equal(a, b, sizeof a);
	assert_memory_not_equal(a, c, sizeof a);
	/* Distinct, and the narrow rule got all of its pool although the broad
	 * rule comes first. */
	for (int i = 0; i < 26; i++)
		for (int j = 0; j < i; j++)
			assert_true(a[i] != a[j]);
	int narrow_seen = 0;
	for (int i = 0; i < 26; i++)
		narrow_seen += a[i] >= 1000 && a[i] <= 1050 && a[i] % 10 == 0;
	assert_true(narrow_seen >= 6);
	/* Without shuffling, rule order is kept: the last six are the narrow pool. */
	assert_int_equal(quiz_draw(7, pools, 2, false, a), 26);
	for (int i = 20; i < 26; i++)
		assert_true(a[i] % 10 == 0 && a[i] <= 1050);
	struct quiz_pool shortp[1] = { { narrow, 6, 7 } };
	assert_int_equal(quiz_draw(1, shortp, 1, true, a), -1);
}

static struct db_question make_question(const char *type, const double *weights, size_t n)
{
	struct db_question q;
	memset(&q, 0, sizeof q);
	q.id = 77;
	util_strlcpy(q.type, type, sizeof q.type);
	q.noptions = n;
	q.options = xcalloc(n, sizeof *q.options);
	for (size_t i = 0; i < n; i++) {
		q.options[i].id = 500 + (int64_t)i;
		q.options[i].weight = weights ? weights[i] : 1;
		q.options[i].text = xstrdup("x");
	}
	return q;
}

static void quiz_option_order_is_a_reproducible_permutation(void **state)
{
	(void)state;
	double w[5] = { 1, 0, 0, 0, 0 };
	struct db_question q = make_question("single", w, 5);
	int64_t a[5], b[5];
	assert_int_equal(quiz_option_order(99, &q, true, a), 5);
	assert_int_equal(quiz_option_order(99, &q, true, b), 5);
	assert_memory_equal(a, b, sizeof a);
	int64_t sum = 0;
	for (int i = 0; i < 5; i++)
		sum += a[i];
	assert_int_equal(sum, 500 + 501 + 502 + 503 + 504);
	bool moved = false;
	for (uint64_t seed = 1; seed < 20 && !moved; seed++) {
		quiz_option_order(seed, &q, true, a);
		moved = a[0] != 500 || a[1] != 501;
	}
	assert_true(moved);
	assert_int_equal(quiz_option_order(99, &q, false, a), 5);
	assert_int_equal(a[0], 500);
	assert_int_equal(a[4], 504);
	util_strlcpy(q.type, "short", sizeof q.type);
	assert_int_equal(quiz_option_order(99, &q, true, a), 0);
	db_question_cleanup(&q);
}

static void quiz_multiple_score_is_the_sum_of_chosen_weights_clipped(void **state)
{
	(void)state;
	/* correct flags on 2 of 4: +1/2 each, wrong -1/2 each */
	double flags[4] = { 0.5, 0.5, -0.5, -0.5 };
	struct db_question q = make_question("multiple", flags, 4);
	int64_t both[2] = { 500, 501 }, one[1] = { 500 }, mixed[2] = { 500, 502 },
		wrong[2] = { 502, 503 }, all[4] = { 500, 501, 502, 503 };
	assert_true(quiz_score_answer(&q, both, 2, NULL) == 1.0);
	assert_true(quiz_score_answer(&q, one, 1, NULL) == 0.5);
	assert_true(quiz_score_answer(&q, mixed, 2, NULL) == 0.0);
	assert_true(quiz_score_answer(&q, wrong, 2, NULL) == 0.0); /* -1 clipped to 0 */
	assert_true(quiz_score_answer(&q, all, 4, NULL) == 0.0);
	assert_true(quiz_score_answer(&q, NULL, 0, NULL) == 0.0);
	db_question_cleanup(&q);
	/* explicit weights whose positives sum to 1; a sum above 1 is clipped */
	double weights[3] = { 0.7, 0.3, 1 };
	q = make_question("multiple", weights, 3);
	int64_t two[2] = { 500, 501 }, over[2] = { 500, 502 };
	assert_true(quiz_score_answer(&q, two, 2, NULL) == 1.0);
	assert_true(quiz_score_answer(&q, over, 2, NULL) == 1.0);
	int64_t first[1] = { 500 };
	assert_true(quiz_score_answer(&q, first, 1, NULL) > 0.69 &&
		    quiz_score_answer(&q, first, 1, NULL) < 0.71);
	db_question_cleanup(&q);
}

static void quiz_single_scores_one_only_for_the_correct_option(void **state)
{
	(void)state;
	double w[3] = { 0, 1, 0 };
	struct db_question q = make_question("single", w, 3);
	int64_t right[1] = { 501 }, wrong[1] = { 500 }, two[2] = { 500, 501 };
	assert_true(quiz_score_answer(&q, right, 1, NULL) == 1.0);
	assert_true(quiz_score_answer(&q, wrong, 1, NULL) == 0.0);
	assert_true(quiz_score_answer(&q, two, 2, NULL) == 0.0);
	db_question_cleanup(&q);
}

static void quiz_short_answers_match_after_normalising(void **state)
{
	(void)state;
	char *s = quiz_normalise_answer("  Mã   ĐỘC\tTống  tiền \n", false);
	assert_string_equal(s, "mã độc tống tiền");
	free(s);
	s = quiz_normalise_answer("  Mã   ĐỘC\tTống  tiền \n", true);
	assert_string_equal(s, "ma doc tong tien");
	free(s);
	/* NFD input folds to the same text as NFC input. */
	char *nfd = quiz_normalise_answer("Ma\xcc\x83 \xc4\x91o\xcc\xa3\xcc\x82"
					  "c",
					  false);
	char *nfc = quiz_normalise_answer("Mã độc", false);
	assert_non_null(nfd);
	assert_string_equal(nfd, nfc);
	free(nfd);
	free(nfc);
	assert_null(quiz_normalise_answer("\xff\xfe", false));

	struct db_question q = make_question("short", NULL, 2);
	free(q.options[0].text);
	free(q.options[1].text);
	q.options[0].text = xstrdup("Mã độc");
	q.options[1].text = xstrdup("malware");
	assert_true(quiz_score_answer(&q, NULL, 0, " mã  ĐỘC ") == 1.0);
	assert_true(quiz_score_answer(&q, NULL, 0, "MALWARE") == 1.0);
	assert_true(quiz_score_answer(&q, NULL, 0, "ma doc") == 0.0); /* diacritics matter */
	assert_true(quiz_score_answer(&q, NULL, 0, "") == 0.0);
	assert_true(quiz_score_answer(&q, NULL, 0, NULL) == 0.0);
	q.ignore_diacritics = true;
	assert_true(quiz_score_answer(&q, NULL, 0, "ma doc") == 1.0);
	assert_true(quiz_score_answer(&q, NULL, 0, "ma dock") == 0.0);
	db_question_cleanup(&q);
}

static void quiz_short_answer_scores_the_credit_of_the_answer_it_matches(void **state)
{
	(void)state;
	/* GIFT {=VPN =%50%mạng riêng} and a duplicate with less credit. */
	double w[3] = { 1, 0.5, 0.25 };
	struct db_question q = make_question("short", w, 3);
	free(q.options[0].text);
	free(q.options[1].text);
	free(q.options[2].text);
	q.options[0].text = xstrdup("VPN");
	q.options[1].text = xstrdup("mạng riêng");
	q.options[2].text = xstrdup("Mạng  riêng");
	assert_true(quiz_score_answer(&q, NULL, 0, "vpn") == 1.0);
	assert_true(quiz_score_answer(&q, NULL, 0, "mạng riêng") == 0.5);
	assert_true(quiz_score_answer(&q, NULL, 0, "mạng") == 0.0);
	db_question_cleanup(&q);
}

/* ---- definitions -------------------------------------------------------- */

static void quiz_definition_with_unfillable_draw_is_refused_with_the_shortfall(void **state)
{
	struct fixture *f = *state;
	char err[1024];
	/* passwords & difficulty 3: questions 2, 8, 14, 20, 26, 32, 38 -> 7 */
	create_quiz(
		f,
		"{\"draw\":[{\"bank\":\"tb\",\"topic\":\"passwords\",\"difficulty\":3,\"count\":9},"
		"{\"bank\":\"tb\",\"count\":35}]}",
		OUTCOME_INVALID, err, sizeof err);
	assert_non_null(strstr(err, "Draw rule 1 (bank tb, topic passwords, difficulty 3) needs 9 "
				    "questions but only 7 are available: 2 more needed"));
	assert_non_null(strstr(err, "Draw rule 2 (bank tb) needs 35 questions but only 33 are "
				    "available: 2 more needed"));
	create_quiz(f, "{\"draw\":[{\"bank\":\"nope\",\"count\":1}]}", OUTCOME_INVALID, err,
		    sizeof err);
	assert_non_null(strstr(err, "bank nope"));
	create_quiz(f, "{\"review\":\"sometimes\"}", OUTCOME_INVALID, err, sizeof err);
	assert_non_null(strstr(err, "'review'"));
	create_quiz(f, "{\"closes_at\":\"2025-01-01T00:00:00Z\"}", OUTCOME_INVALID, err,
		    sizeof err);
	assert_non_null(strstr(err, "'closes_at'"));
	create_quiz(f, "{\"colour\":\"red\"}", OUTCOME_INVALID, err, sizeof err);
	assert_non_null(strstr(err, "colour"));
	create_quiz(f, "{\"unit_scope\":\"NOWHERE\"}", OUTCOME_INVALID, err, sizeof err);
	assert_non_null(strstr(err, "unit_scope"));

	int64_t id = create_quiz(f, NULL, OUTCOME_OK, NULL, 0);
	create_quiz(f, NULL, OUTCOME_CONFLICT, err, sizeof err);
	struct db_quiz q;
	load_quiz(f, id, &q);
	json_t *j = quiz_definition_json(&q);
	assert_int_equal(json_integer_value(json_object_get(j, "question_count")), 25);
	assert_true(
		json_is_true(json_object_get(j, "mandatory"))); /* a quiz defaults to mandatory */
	assert_string_equal(json_string_value(json_object_get(j, "unit_scope")), "ROOT");
	assert_int_equal(json_array_size(json_object_get(j, "rounds")), 1);
	json_decref(j);
	db_quiz_cleanup(&q);
	id = create_quiz(f, "{\"code\":\"ct\",\"kind\":\"contest\"}", OUTCOME_OK, NULL, 0);
	load_quiz(f, id, &q);
	assert_false(q.mandatory); /* a contest defaults to not mandatory */
	db_quiz_cleanup(&q);
}

/* ---- the clock ---------------------------------------------------------- */

static void quiz_deadline_is_capped_by_closes_at(void **state)
{
	struct fixture *f = *state;
	int64_t id = create_quiz(f, NULL, OUTCOME_OK, NULL, 0);
	struct quiz_write w;
	assert_int_equal(start(f, id, f->pupil, &w), OUTCOME_OK);
	assert_int_equal(w.attempt.deadline, T0 + 900 * 1000);
	quiz_write_cleanup(&w);
	/* 5 minutes before closing, a 15-minute attempt ends at the close. */
	int64_t closes = 1769904000000LL; /* 2026-02-01T00:00:00Z */
	fake_now = closes - 5 * 60 * 1000;
	assert_int_equal(start(f, id, f->civil, &w), OUTCOME_FORBIDDEN);
	int64_t id2 = create_quiz(f, "{\"code\":\"qz2\"}", OUTCOME_OK, NULL, 0);
	assert_int_equal(start(f, id2, f->pupil, &w), OUTCOME_OK);
	assert_int_equal(w.attempt.deadline, closes);
	quiz_write_cleanup(&w);
	fake_now = closes;
	assert_int_equal(start(f, id2, f->pupil_outside, &w), OUTCOME_FORBIDDEN);
	int64_t id3 = create_quiz(f, "{\"code\":\"qz3\",\"unit_scope\":null}", OUTCOME_OK, NULL, 0);
	assert_int_equal(start(f, id3, f->pupil_outside, &w), OUTCOME_QUIZ_NOT_OPEN);
	quiz_write_cleanup(&w);
}

/* A valid answer body for question qid: a text, or its first option. */
static void answer_body(struct fixture *f, int64_t qid, char *body, size_t len)
{
	const struct db_question *q = quiz_qcache_get(f->qc, f->db, qid);
	assert_non_null(q);
	if (!strcmp(q->type, "short"))
		snprintf(body, len, "{\"text\":\"x\"}");
	else
		snprintf(body, len, "{\"choices\":[%lld]}", (long long)q->options[0].id);
}

static void quiz_answer_after_deadline_plus_grace_is_rejected(void **state)
{
	struct fixture *f = *state;
	int64_t id = create_quiz(f, "{\"time_limit_s\":60}", OUTCOME_OK, NULL, 0);
	struct quiz_write w;
	assert_int_equal(start(f, id, f->pupil, &w), OUTCOME_OK);
	int64_t attempt = w.attempt.id, deadline = w.attempt.deadline;
	int64_t qid = w.questions[0].question_id;
	quiz_write_cleanup(&w);
	char body[128];
	answer_body(f, qid, body, sizeof body);
	fake_now = deadline + GRACE; /* the last accepted instant */
	assert_int_equal(save(f, f->pupil, attempt, qid, body), OUTCOME_OK);
	fake_now = deadline + GRACE + 1;
	assert_int_equal(save(f, f->pupil, attempt, qid, body), OUTCOME_TIME_OVER);
	/* The storage rule holds on its own: a write prepared in time but
	 * applied with a later arrival time is refused too. */
	struct quiz_write late;
	json_error_t e;
	json_t *jb = json_loads(body, 0, &e);
	fake_now = deadline;
	assert_int_equal(quiz_answer_prepare(f->db, f->qc, f->pupil, attempt, qid, jb, fake_now,
					     GRACE, &late),
			 OUTCOME_OK);
	late.now_ms = deadline + GRACE + 5;
	assert_int_equal(quiz_write_run(f->db, f->qc, &late), 0);
	assert_int_equal(late.status, OUTCOME_TIME_OVER);
	quiz_write_cleanup(&late);
	json_decref(jb);
	/* Someone else's attempt does not exist for them. */
	fake_now = deadline;
	assert_int_equal(save(f, f->civil, attempt, qid, body), OUTCOME_NOT_FOUND);
}

static void quiz_answer_to_a_question_outside_the_attempt_is_refused(void **state)
{
	struct fixture *f = *state;
	int64_t id = create_quiz(f, NULL, OUTCOME_OK, NULL, 0);
	struct quiz_write w;
	assert_int_equal(start(f, id, f->pupil, &w), OUTCOME_OK);
	int64_t attempt = w.attempt.id, other = 0;
	/* A question of the bank that this attempt did not draw. */
	for (int64_t qid = 1; qid < 1000 && !other; qid++) {
		bool drawn = false;
		for (size_t i = 0; i < w.nquestions; i++)
			drawn |= w.questions[i].question_id == qid;
		if (!drawn && quiz_qcache_get(f->qc, f->db, qid))
			other = qid;
	}
	quiz_write_cleanup(&w);
	assert_true(other > 0);
	char body[128];
	answer_body(f, other, body, sizeof body);
	json_error_t e;
	json_t *jb = json_loads(body, 0, &e);
	struct quiz_write refused;
	assert_int_equal(quiz_answer_prepare(f->db, f->qc, f->pupil, attempt, other, jb, fake_now,
					     GRACE, &refused),
			 OUTCOME_INVALID);
	assert_non_null(strstr(refused.problem.message, "is not in this attempt"));
	quiz_write_cleanup(&refused);
	json_decref(jb);
	struct db_answer *as = NULL;
	size_t na = 0;
	assert_int_equal(db_answers(f->db, attempt, &as, &na), 0);
	assert_int_equal(na, 0);
	db_answers_free(as, na);
}

static void quiz_sweeper_finalises_an_abandoned_attempt(void **state)
{
	struct fixture *f = *state;
	int64_t id = create_quiz(f, "{\"time_limit_s\":60}", OUTCOME_OK, NULL, 0);
	struct quiz_write w;
	assert_int_equal(start(f, id, f->pupil, &w), OUTCOME_OK);
	int64_t attempt = w.attempt.id, deadline = w.attempt.deadline;
	/* Answer the first two questions right, then walk away. */
	for (int i = 0; i < 2; i++) {
		const struct db_question *q =
			quiz_qcache_get(f->qc, f->db, w.questions[i].question_id);
		char body[128] = "{\"text\":\"ma doc\"}";
		if (strcmp(q->type, "short")) {
			struct strbuf sb;
			sb_init(&sb);
			sb_puts(&sb, "{\"choices\":[");
			int k = 0;
			for (size_t o = 0; o < q->noptions; o++)
				if (q->options[o].weight > 0)
					sb_printf(&sb, "%s%lld", k++ ? "," : "",
						  (long long)q->options[o].id);
			sb_puts(&sb, "]}");
			util_strlcpy(body, sb.data, sizeof body);
			sb_cleanup(&sb);
		}
		assert_int_equal(save(f, f->pupil, attempt, q->id, body), OUTCOME_OK);
	}
	quiz_write_cleanup(&w);

	struct quiz_write sweep;
	fake_now = deadline + GRACE; /* not yet due */
	quiz_sweep_prepare(fake_now, GRACE, 100, &sweep);
	assert_int_equal(quiz_write_run(f->db, f->qc, &sweep), 0);
	assert_int_equal(sweep.swept, 0);
	fake_now = deadline + GRACE + 1;
	quiz_sweep_prepare(fake_now, GRACE, 100, &sweep);
	assert_int_equal(quiz_write_run(f->db, f->qc, &sweep), 0);
	assert_int_equal(sweep.swept, 1);
	struct db_attempt a;
	assert_int_equal(db_attempt_get(f->db, attempt, &a), 1);
	assert_string_equal(a.state, "expired");
	assert_int_equal(a.finished_at, deadline);
	assert_int_equal(a.duration_ms, deadline - a.started_at);
	assert_true(a.score > 1.99 && a.score < 2.01);
	assert_int_equal(a.correct_count, 2);
	assert_true(a.max_score == 25);
	assert_false(a.passed);
	/* Submitting now returns it as it stands. */
	struct quiz_write fin;
	quiz_finish_prepare(attempt, true, false, 0, fake_now, GRACE, &fin);
	assert_int_equal(quiz_write_run(f->db, f->qc, &fin), 0);
	assert_int_equal(db_attempt_get(f->db, attempt, &a), 1);
	assert_string_equal(a.state, "expired");
	/* And it counts as completed: with max_attempts 2, one more start. */
	assert_int_equal(start(f, id, f->pupil, &w), OUTCOME_OK);
	assert_true(w.created);
	quiz_write_cleanup(&w);
}

static void quiz_attempts_limit_and_resume(void **state)
{
	struct fixture *f = *state;
	int64_t id = create_quiz(f, "{\"max_attempts\":1}", OUTCOME_OK, NULL, 0);
	struct quiz_write w, again;
	assert_int_equal(start(f, id, f->pupil, &w), OUTCOME_OK);
	assert_true(w.created);
	/* A second start resumes the same attempt with the same draw. */
	assert_int_equal(start(f, id, f->pupil, &again), OUTCOME_OK);
	assert_false(again.created);
	assert_int_equal(again.attempt.id, w.attempt.id);
	struct db_attempt_question *qs;
	size_t n;
	assert_int_equal(db_attempt_questions(f->db, w.attempt.id, &qs, &n), 0);
	assert_int_equal(n, 25);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(qs[i].question_id, w.questions[i].question_id);
	db_attempt_questions_free(qs, n);
	struct quiz_write fin;
	quiz_finish_prepare(w.attempt.id, true, false, 0, fake_now + 1000, GRACE, &fin);
	assert_int_equal(quiz_write_run(f->db, f->qc, &fin), 0);
	quiz_write_cleanup(&w);
	quiz_write_cleanup(&again);
	assert_int_equal(start(f, id, f->pupil, &w), OUTCOME_NO_ATTEMPTS_LEFT);
	quiz_write_cleanup(&w);
}

static void quiz_attempt_belongs_to_the_round_open_at_start(void **state)
{
	struct fixture *f = *state;
	int64_t id = create_quiz(f,
				 "{\"kind\":\"contest\",\"max_attempts\":0,\"rounds\":["
				 "{\"code\":\"r1\",\"opens_at\":\"2025-12-01T00:00:00Z\",\"closes_"
				 "at\":\"2025-12-31T00:00:00Z\"},"
				 "{\"code\":\"r2\",\"opens_at\":\"2026-01-01T00:00:00Z\",\"closes_"
				 "at\":\"2026-01-15T00:00:00Z\"}]}",
				 OUTCOME_OK, NULL, 0);
	struct quiz_write w;
	fake_now = T0 + 3600 * 1000; /* in r2 */
	assert_int_equal(start(f, id, f->pupil, &w), OUTCOME_OK);
	assert_string_equal(w.attempt.round_code, "r2");
	struct db_attempt a;
	assert_int_equal(db_attempt_get(f->db, w.attempt.id, &a), 1);
	assert_string_equal(a.round_code, "r2");
	quiz_write_cleanup(&w);
	fake_now = T0 - 12 * 3600 * 1000; /* between r1 and r2 */
	assert_int_equal(start(f, id, f->civil, &w), OUTCOME_FORBIDDEN);
	assert_int_equal(start(f, id, f->pupil_outside, &w), OUTCOME_FORBIDDEN);
	char err[256];
	create_quiz(f,
		    "{\"code\":\"bad-rounds\",\"rounds\":[{\"code\":\"a\",\"opens_at\":\"2025-12-"
		    "01T00:00:00Z\","
		    "\"closes_at\":\"2025-12-20T00:00:00Z\"},{\"code\":\"b\",\"opens_at\":\"2025-"
		    "12-10T00:00:00Z\","
		    "\"closes_at\":\"2025-12-25T00:00:00Z\"}]}",
		    OUTCOME_INVALID, err, sizeof err);
	assert_non_null(strstr(err, "overlap"));
	int64_t id2 = create_quiz(f,
				  "{\"code\":\"gap\",\"rounds\":[{\"code\":\"r1\",\"opens_at\":"
				  "\"2025-12-01T00:00:00Z\","
				  "\"closes_at\":\"2025-12-31T00:00:00Z\"}]}",
				  OUTCOME_OK, NULL, 0);
	fake_now = T0; /* after r1, inside the quiz's window */
	struct db_quiz q;
	load_quiz(f, id2, &q);
	struct quiz_participant p = who(f, f->pupil);
	assert_int_equal(quiz_start_prepare(f->db, f->qc, &q, &p, fake_now, GRACE, &w),
			 OUTCOME_QUIZ_NOT_OPEN);
	db_quiz_cleanup(&q);
	quiz_write_cleanup(&w);
}

static void prepare_choice(struct fixture *f, int64_t user, int64_t attempt, int64_t qid,
			   size_t option, struct quiz_write *w)
{
	const struct db_question *q = quiz_qcache_get(f->qc, f->db, qid);
	char body[128];
	if (!strcmp(q->type, "short"))
		snprintf(body, sizeof body, "{\"text\":\"t%zu\"}", option);
	else
		snprintf(body, sizeof body, "{\"choices\":[%lld]}",
			 (long long)q->options[option % q->noptions].id);
	json_error_t e;
	json_t *j = json_loads(body, 0, &e);
	assert_int_equal(
		quiz_answer_prepare(f->db, f->qc, user, attempt, qid, j, fake_now, GRACE, w),
		OUTCOME_OK);
	json_decref(j);
}

static void quiz_grouped_answer_saves_keep_order_and_refuse_per_attempt(void **state)
{
	struct fixture *f = *state;
	int64_t id = create_quiz(f, NULL, OUTCOME_OK, NULL, 0);
	struct quiz_write a, b;
	assert_int_equal(start(f, id, f->pupil, &a), OUTCOME_OK);
	assert_int_equal(start(f, id, f->pupil_outside, &b), OUTCOME_FORBIDDEN); /* outside scope */
	assert_int_equal(start(f, id, f->civil, &b), OUTCOME_FORBIDDEN); /* other audience */
	int64_t id2 = create_quiz(f, "{\"code\":\"other\"}", OUTCOME_OK, NULL, 0);
	assert_int_equal(start(f, id2, f->pupil, &b), OUTCOME_OK);
	int64_t qa = a.questions[0].question_id, qa2 = a.questions[1].question_id;
	int64_t qb = b.questions[0].question_id;
	/* Attempt b is submitted before the group is applied. */
	struct quiz_write fin;
	quiz_finish_prepare(b.attempt.id, true, false, 0, fake_now, GRACE, &fin);
	assert_int_equal(quiz_write_run(f->db, f->qc, &fin), 0);

	struct quiz_write w[5];
	prepare_choice(f, f->pupil, a.attempt.id, qa, 0, &w[0]);
	prepare_choice(f, f->pupil, b.attempt.id, qb, 0, &w[1]);
	prepare_choice(f, f->pupil, a.attempt.id, qa2, 1, &w[2]);
	prepare_choice(f, f->pupil, a.attempt.id, qa, 2, &w[3]); /* supersedes w[0] */
	prepare_choice(f, f->pupil, a.attempt.id, qa2, 0, &w[4]);
	w[4].now_ms = a.attempt.deadline + GRACE + 1; /* arrived too late */
	struct quiz_write *ws[5] = { &w[0], &w[1], &w[2], &w[3], &w[4] };
	assert_int_equal(db_begin_write(f->db), 0);
	assert_int_equal(quiz_answers_apply(f->db, ws, 5), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(w[0].status, OUTCOME_OK);
	assert_int_equal(w[1].status, OUTCOME_ATTEMPT_CLOSED);
	assert_int_equal(w[2].status, OUTCOME_OK);
	assert_int_equal(w[3].status, OUTCOME_OK);
	assert_int_equal(w[4].status, OUTCOME_TIME_OVER);
	struct db_answer *as = NULL;
	size_t na = 0;
	assert_int_equal(db_answers(f->db, a.attempt.id, &as, &na), 0);
	assert_int_equal(na, 2);
	for (size_t i = 0; i < na; i++) {
		const char *want = as[i].question_id == qa ? w[3].choices : w[2].choices;
		if (as[i].text)
			assert_string_equal(as[i].text,
					    as[i].question_id == qa ? w[3].text : w[2].text);
		else
			assert_string_equal(as[i].choices, want);
	}
	db_answers_free(as, na);
	assert_int_equal(db_answers(f->db, b.attempt.id, &as, &na), 0);
	assert_int_equal(na, 0);
	db_answers_free(as, na);
	for (int i = 0; i < 5; i++)
		quiz_write_cleanup(&w[i]);
	quiz_write_cleanup(&a);
	quiz_write_cleanup(&b);
}

/* A stored question may have more options than an attempt can show or an
 * answer can choose (the bank formats stop at 10, storage does not): both
 * bounds are clear errors, never an overflow. */
static void quiz_options_past_the_bound_are_refused_clearly(void **state)
{
	struct fixture *f = *state;
	int64_t bank_id = 0;
	assert_int_equal(db_bank_upsert(f->db, "wide", "Rộng", "vi", "[\"pupil\"]", T0, &bank_id),
			 0);
	enum { NOPT = QUIZ_OPTIONS_MAX + 4 };
	struct db_option opts[NOPT];
	char texts[NOPT][8];
	for (int i = 0; i < NOPT; i++) {
		snprintf(texts[i], sizeof texts[i], "o%d", i);
		opts[i] = (struct db_option){ .text = texts[i], .weight = 0.05, .correct = -1 };
	}
	char stem[] = "Chọn", explanation[] = "Vì";
	struct db_question q = { .bank_id = bank_id,
				 .version = 1,
				 .difficulty = 1,
				 .stem = stem,
				 .explanation = explanation,
				 .options = opts,
				 .noptions = NOPT };
	strcpy(q.code, "w1");
	strcpy(q.type, "multiple");
	assert_int_equal(db_question_insert(f->db, &q), 0);
	int64_t id =
		create_quiz(f, "{\"code\":\"wide\",\"draw\":[{\"bank\":\"wide\",\"count\":1}]}",
			    OUTCOME_OK, NULL, 0);
	/* Starting refuses to show it. */
	struct db_quiz quiz;
	load_quiz(f, id, &quiz);
	struct quiz_participant p = who(f, f->pupil);
	struct quiz_write w;
	assert_int_equal(quiz_start_prepare(f->db, f->qc, &quiz, &p, fake_now, GRACE, &w),
			 OUTCOME_INTERNAL);
	assert_non_null(strstr(w.problem.message, "an attempt shows at most 16"));
	quiz_write_cleanup(&w);
	db_quiz_cleanup(&quiz);
	/* An attempt that holds it anyway (written by hand) takes at most the
	 * bound's choices in one answer. */
	char order[] = "[]";
	struct db_attempt_question aq = { q.id, order };
	struct db_attempt a = { .quiz_id = id,
				.user_id = f->pupil,
				.seed = 1,
				.started_at = fake_now,
				.deadline = fake_now + 60000 };
	assert_int_equal(db_attempt_insert(f->db, &a, &aq, 1), 0);
	for (int n = QUIZ_OPTIONS_MAX; n <= QUIZ_OPTIONS_MAX + 1; n++) {
		json_t *choices = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(choices, json_integer(opts[i].id));
		json_t *body = json_pack("{s:o}", "choices", choices);
		enum outcome st = quiz_answer_prepare(f->db, f->qc, f->pupil, a.id, q.id, body,
						      fake_now, GRACE, &w);
		json_decref(body);
		if (n == QUIZ_OPTIONS_MAX) {
			assert_int_equal(st, OUTCOME_OK);
		} else {
			assert_int_equal(st, OUTCOME_INVALID);
			assert_non_null(strstr(w.problem.message, "at most 16 choices"));
		}
		quiz_write_cleanup(&w);
	}
}

/* What a request decides before it queues a write, without HTTP: resume
 * from a read, prepare a start, refuse someone else's attempt or a bad
 * prediction, expire an attempt read past its deadline. */
static void quiz_requests_decide_between_a_read_and_a_write(void **state)
{
	struct fixture *f = *state;
	int64_t id = create_quiz(f, "{\"time_limit_s\":60}", OUTCOME_OK, NULL, 0);
	struct quiz_participant p = who(f, f->pupil);
	struct quiz_write w;
	char *text = NULL;
	assert_int_equal(quiz_start_begin(f->db, f->qc, 999999, &p, fake_now, GRACE, &w, &text),
			 OUTCOME_NOT_FOUND);
	assert_string_equal(w.problem.message, "No such quiz.");
	assert_int_equal(quiz_start_begin(f->db, f->qc, id, &p, fake_now, GRACE, &w, &text),
			 OUTCOME_OK);
	assert_null(text);
	assert_int_equal(w.kind, QUIZ_WRITE_START);
	assert_int_equal(quiz_write_run(f->db, f->qc, &w), 0);
	assert_true(w.created);
	int64_t attempt = w.attempt.id, deadline = w.attempt.deadline;
	quiz_write_cleanup(&w);
	/* A second start resumes from a read: no write to queue. */
	assert_int_equal(quiz_start_begin(f->db, f->qc, id, &p, fake_now, GRACE, &w, &text),
			 OUTCOME_OK);
	assert_non_null(text);
	assert_non_null(strstr(text, "\"state\":\"in_progress\""));
	free(text);
	/* Someone else's attempt does not exist for them. */
	assert_int_equal(
		quiz_attempt_open(f->db, f->qc, f->civil, attempt, fake_now, GRACE, &w, &text),
		OUTCOME_NOT_FOUND);
	assert_non_null(strstr(w.problem.message, "No such attempt"));
	json_error_t e;
	json_t *bad = json_loads("{\"prediction\":-1}", 0, &e);
	assert_int_equal(
		quiz_submit_begin(f->db, f->qc, f->pupil, attempt, bad, fake_now, GRACE, &w, &text),
		OUTCOME_INVALID);
	assert_non_null(strstr(w.problem.message, "prediction"));
	json_decref(bad);
	/* Read past deadline + grace: the domain prepares the expiry. */
	fake_now = deadline + GRACE + 1;
	assert_int_equal(
		quiz_attempt_open(f->db, f->qc, f->pupil, attempt, fake_now, GRACE, &w, &text),
		OUTCOME_OK);
	assert_null(text);
	assert_int_equal(w.kind, QUIZ_WRITE_FINISH);
	assert_false(w.submit);
	assert_int_equal(quiz_write_run(f->db, f->qc, &w), 0);
	assert_int_equal(
		quiz_attempt_open(f->db, f->qc, f->pupil, attempt, fake_now, GRACE, &w, &text),
		OUTCOME_OK);
	assert_non_null(text);
	assert_non_null(strstr(text, "\"state\":\"expired\""));
	free(text);
	/* Submitting a finished attempt answers it as it is. */
	assert_int_equal(quiz_submit_begin(f->db, f->qc, f->pupil, attempt, NULL, fake_now, GRACE,
					   &w, &text),
			 OUTCOME_OK);
	assert_non_null(text);
	free(text);
}

/* ---- no answer data before review --------------------------------------- */

static const char *const FORBIDDEN_KEYS[] = { "correct",          "weight",
					      "explanation",      "correct_choices",
					      "accepted_answers", "reference",
					      "score_weight",     NULL };

/* Walks j and fails on any key that reveals answers. */
static int count_revealing_keys(json_t *j)
{
	int found = 0;
	if (json_is_object(j)) {
		const char *key;
		json_t *v;
		json_object_foreach(j, key, v)
		{
			for (size_t i = 0; FORBIDDEN_KEYS[i]; i++)
				if (!strcmp(key, FORBIDDEN_KEYS[i]))
					found++;
			found += count_revealing_keys(v);
		}
	} else if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++)
			found += count_revealing_keys(json_array_get(j, i));
	}
	return found;
}

static json_t *view(struct fixture *f, int64_t quiz_id, int64_t attempt)
{
	struct db_quiz q;
	struct db_attempt a;
	load_quiz(f, quiz_id, &q);
	assert_int_equal(db_attempt_get(f->db, attempt, &a), 1);
	json_t *j = quiz_attempt_json(f->db, f->qc, &q, &a, fake_now);
	assert_non_null(j);
	db_quiz_cleanup(&q);
	return j;
}

static void quiz_participant_views_carry_no_answer_data_before_review(void **state)
{
	struct fixture *f = *state;
	int64_t id = create_quiz(f, "{\"review\":\"after_close\"}", OUTCOME_OK, NULL, 0);
	struct quiz_write w;
	assert_int_equal(start(f, id, f->pupil, &w), OUTCOME_OK);
	int64_t attempt = w.attempt.id;
	for (size_t i = 0; i < w.nquestions; i++) {
		const struct db_question *q =
			quiz_qcache_get(f->qc, f->db, w.questions[i].question_id);
		char body[64];
		if (!strcmp(q->type, "short"))
			snprintf(body, sizeof body, "{\"text\":\"Mã độc\"}");
		else
			snprintf(body, sizeof body, "{\"choices\":[%lld]}",
				 (long long)q->options[1].id);
		assert_int_equal(save(f, f->pupil, attempt, q->id, body), OUTCOME_OK);
	}
	quiz_write_cleanup(&w);

	/* In progress: nothing revealing, and short questions show no options. */
	json_t *j = view(f, id, attempt);
	assert_int_equal(count_revealing_keys(j), 0);
	assert_true(json_is_null(json_object_get(j, "review")));
	assert_true(json_is_null(json_object_get(j, "result")));
	json_t *qs = json_object_get(j, "questions");
	assert_int_equal(json_array_size(qs), 25);
	for (size_t i = 0; i < json_array_size(qs); i++) {
		json_t *q = json_array_get(qs, i);
		if (!strcmp(json_string_value(json_object_get(q, "type")), "short"))
			assert_int_equal(json_array_size(json_object_get(q, "options")), 0);
		else
			assert_true(json_array_size(json_object_get(q, "options")) >= 2);
	}
	assert_int_equal(json_object_size(json_object_get(j, "answers")), 25);
	json_decref(j);

	/* The quiz list too. */
	struct quiz_participant p = who(f, f->pupil);
	struct problem pr;
	j = NULL;
	assert_int_equal(quiz_list_view(f->db, f->qc, &p, fake_now, &j, &pr), OUTCOME_OK);
	assert_non_null(j);
	assert_int_equal(count_revealing_keys(j), 0);
	assert_int_equal(json_array_size(json_object_get(j, "quizzes")), 1);
	json_decref(j);

	/* Submitted, before the close (after_close): a result, still no review. */
	struct quiz_write fin;
	fake_now += 60 * 1000;
	quiz_finish_prepare(attempt, true, false, 0, fake_now, GRACE, &fin);
	assert_int_equal(quiz_write_run(f->db, f->qc, &fin), 0);
	j = view(f, id, attempt);
	assert_int_equal(count_revealing_keys(j), 0);
	assert_false(json_is_null(json_object_get(j, "result")));
	assert_true(json_is_null(json_object_get(j, "review")));
	assert_int_equal(json_integer_value(json_object_get(j, "remaining_ms")), 0);
	json_decref(j);

	/* After the close the review appears, so the walk above can fail. */
	fake_now = 1769904000000LL;
	j = view(f, id, attempt);
	assert_true(count_revealing_keys(j) > 0);
	json_t *review = json_object_get(j, "review");
	assert_int_equal(json_array_size(review), 25);
	assert_non_null(json_object_get(json_array_get(review, 0), "correct_choices"));
	json_decref(j);
}

static void quiz_review_never_stays_hidden(void **state)
{
	struct fixture *f = *state;
	int64_t id = create_quiz(f, "{\"review\":\"never\"}", OUTCOME_OK, NULL, 0);
	struct quiz_write w;
	assert_int_equal(start(f, id, f->pupil, &w), OUTCOME_OK);
	struct quiz_write fin;
	quiz_finish_prepare(w.attempt.id, true, false, 0, fake_now, GRACE, &fin);
	assert_int_equal(quiz_write_run(f->db, f->qc, &fin), 0);
	fake_now = 1769904000000LL + 1;
	json_t *j = view(f, id, w.attempt.id);
	assert_int_equal(count_revealing_keys(j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "state")), "submitted");
	json_decref(j);
	quiz_write_cleanup(&w);
}

/* Edits quiz id to the default definition titled title, through qc (NULL:
 * as another instance would, without this process's cache). */
static void retitle(struct fixture *f, struct quiz_qcache *qc, int64_t id, const char *title)
{
	json_t *def = quiz_def(NULL);
	json_object_set_new(def, "title", json_string(title));
	struct audit_actor admin = { 0, "admin" };
	json_t *out = NULL;
	struct problem p;
	assert_int_equal(quiz_update(f->db, qc, &admin, id, def, fake_now, &out, &p), OUTCOME_OK);
	json_decref(out);
	json_decref(def);
}

static const char *cached_title(struct fixture *f, int64_t id)
{
	int found = 0;
	const struct db_quiz *q = quiz_qcache_quiz(f->qc, f->db, id, &found);
	assert_int_equal(found, 1);
	assert_non_null(q);
	return q->title;
}

static void quiz_cache_trusts_a_definition_for_the_bound_and_its_own_edits_at_once(void **state)
{
	struct fixture *f = *state;
	int64_t id = create_quiz(f, NULL, OUTCOME_OK, NULL, 0);
	assert_string_equal(cached_title(f, id), "Thi");
	/* Another instance's edit: not read within the bound, read at it. */
	retitle(f, NULL, id, "Thi hai");
	fake_now += QUIZ_CACHE_TRUST_MS - 1;
	assert_string_equal(cached_title(f, id), "Thi");
	fake_now += 1;
	assert_string_equal(cached_title(f, id), "Thi hai");
	/* Found current again at this instant: trusted from it, not before. */
	retitle(f, NULL, id, "Thi ba");
	fake_now += QUIZ_CACHE_TRUST_MS - 1;
	assert_string_equal(cached_title(f, id), "Thi hai");
	fake_now += QUIZ_CACHE_TRUST_MS;
	assert_string_equal(cached_title(f, id), "Thi ba");
	/* This instance's own edit is seen at once, the clock standing still. */
	retitle(f, f->qc, id, "Thi bốn");
	assert_string_equal(cached_title(f, id), "Thi bốn");
	/* A clock moved back never stretches the trust. */
	retitle(f, NULL, id, "Thi năm");
	fake_now -= 1;
	assert_string_equal(cached_title(f, id), "Thi năm");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quiz_scope_meets_a_subtree_that_holds_it_or_lies_in_it),
		cmocka_unit_test(quiz_draw_is_reproducible_from_the_seed),
		cmocka_unit_test(quiz_option_order_is_a_reproducible_permutation),
		cmocka_unit_test(quiz_multiple_score_is_the_sum_of_chosen_weights_clipped),
		cmocka_unit_test(quiz_single_scores_one_only_for_the_correct_option),
		cmocka_unit_test(quiz_short_answers_match_after_normalising),
		cmocka_unit_test(quiz_short_answer_scores_the_credit_of_the_answer_it_matches),
		T(quiz_definition_with_unfillable_draw_is_refused_with_the_shortfall),
		T(quiz_deadline_is_capped_by_closes_at),
		T(quiz_answer_after_deadline_plus_grace_is_rejected),
		T(quiz_answer_to_a_question_outside_the_attempt_is_refused),
		T(quiz_sweeper_finalises_an_abandoned_attempt),
		T(quiz_attempts_limit_and_resume),
		T(quiz_attempt_belongs_to_the_round_open_at_start),
		T(quiz_grouped_answer_saves_keep_order_and_refuse_per_attempt),
		T(quiz_options_past_the_bound_are_refused_clearly),
		T(quiz_requests_decide_between_a_read_and_a_write),
		T(quiz_participant_views_carry_no_answer_data_before_review),
		T(quiz_review_never_stays_hidden),
		T(quiz_cache_trusts_a_definition_for_the_bound_and_its_own_edits_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
