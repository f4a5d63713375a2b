/* test_report.c - participation and plan figures on a real migrated
 * database, compared with figures the test computes itself from its own
 * ledger of what it seeded: people counted once, undeclared headcounts,
 * unit_admin scoping, unit and topic targets, the UTC+7 year. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "db_person.h"
#include "db_report.h"
#include "plan.h"
#include "report.h"
#include "rng.h"
#include "testdb.h"
#include "testsql.h"
#include "util.h"

#define NUNITS 10
#define MAXP 400
#define MAXA 2000
#define YEAR 2026

/* What a refused report call said. */
static struct problem pb;

struct tunit {
	const char *code, *name, *kind, *level;
	int parent;
};

/* The tree the tests seed: a province with districts, schools, agencies. */
static const struct tunit tree[NUNITS] = {
	{ "HG", "Tỉnh Hậu Giang", "province", "", -1 },
	{ "VT", "Thành phố Vị Thanh", "district", "", 0 },
	{ "CT", "Huyện Châu Thành", "district", "", 0 },
	{ "S-NT", "Trường THCS Nguyễn Trãi", "school", "thcs", 1 },
	{ "S-VT", "Trường THPT chuyên Vị Thanh", "school", "thpt", 1 },
	{ "SO-TTTT", "Sở Thông tin và Truyền thông", "department", "", 0 },
	{ "AG-VP", "Văn phòng Ủy ban nhân dân tỉnh", "agency", "", 5 },
	{ "S-CT", "Trường THCS và THPT Châu Thành", "school", "thcs_thpt", 2 },
	{ "XA-DP", "Xã Đông Phước", "commune", "", 2 },
	{ "AG-CT", "Ủy ban nhân dân huyện Châu Thành", "agency", "", 2 },
};

struct tperson {
	int64_t id;
	int unit;
	const char *audience;
};

struct tattempt {
	int64_t id;
	int person;
	int unit; /* the unit at the time of the attempt */
	int quiz;
	bool completed, passed, misinformation;
	int64_t finished_at;
};

struct world {
	struct testdb tdb;
	struct db *db;
	int64_t unit_id[NUNITS];
	int64_t quiz_id[4];
	int64_t q_mis, q_phish, q_dom, q_pw;
	struct tperson people[MAXP];
	int npeople;
	struct tattempt attempts[MAXA];
	int nattempts;
	int64_t declared[2][NUNITS][8]; /* -1: none; for YEAR and YEAR + 1 */
};

static const char *const quiz_audience[4] = { "pupil", "pupil", "civil_servant", "public" };
static const char *const auds[] = { "pupil", "civil_servant", "public" };

static bool is_ancestor(int anc, int u)
{
	for (int x = u; x >= 0; x = tree[x].parent)
		if (x == anc)
			return true;
	return false;
}

static int aud_slot(const char *a)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(auds[i], a) == 0)
			return i;
	return -1;
}

static int64_t add_attempt(struct world *w, int person, int unit, int quiz, const char *state,
			   bool passed, bool misinformation, int64_t finished_at)
{
	int64_t qs[3];
	size_t nq = 0;
	qs[nq++] = quiz < 2 ? w->q_phish : w->q_pw;
	if (misinformation)
		qs[nq++] = w->q_mis;
	if (quiz == 2 && misinformation)
		qs[nq++] = w->q_dom;
	struct db_fixture_attempt a = {
		.quiz_id = w->quiz_id[quiz],
		.user_id = w->people[person].id,
		.unit_id = w->unit_id[unit],
		.audience = w->people[person].audience,
		.state = state,
		.started_at = finished_at - 600000,
		.finished_at = finished_at,
		.score = passed ? 9 : 3,
		.max_score = 10,
		.passed = passed,
		.question_ids = qs,
		.nquestions = nq,
	};
	int64_t id = db_fixture_attempt(w->db, &a);
	assert_true(id > 0);
	struct tattempt *t = &w->attempts[w->nattempts++];
	t->id = id;
	t->person = person;
	t->unit = unit;
	t->quiz = quiz;
	t->completed = strcmp(state, "in_progress") != 0;
	t->passed = passed;
	t->misinformation = misinformation;
	t->finished_at = finished_at;
	return id;
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	w->db = testdb_open(&w->tdb, "test_report");
	assert_non_null(w->db);
	assert_int_equal(db_begin_write(w->db), 0);
	for (int i = 0; i < NUNITS; i++) {
		bool created;
		int64_t parent = tree[i].parent >= 0 ? w->unit_id[tree[i].parent] : 0;
		assert_int_equal(db_unit_upsert(w->db, tree[i].code, tree[i].name, tree[i].kind,
						tree[i].level, parent, &created),
				 0);
		struct db_unit u;
		assert_int_equal(db_unit_by_code(w->db, tree[i].code, &u), 1);
		w->unit_id[i] = u.id;
		for (int a = 0; a < 8; a++)
			w->declared[0][i][a] = w->declared[1][i][a] = -1;
	}
	int64_t bank = db_fixture_bank(w->db, "b", "pupil");
	w->q_mis = db_fixture_question(w->db, bank, "mis", "misinformation,social_networks");
	w->q_phish = db_fixture_question(w->db, bank, "phish", "phishing_fraud");
	w->q_dom = db_fixture_question(w->db, bank, "dom", "domestic_products");
	w->q_pw = db_fixture_question(w->db, bank, "pw", "passwords");
	int64_t open = clock_vn_year_start_ms(2025), close = clock_vn_year_start_ms(2028);
	w->quiz_id[0] =
		db_fixture_quiz(w->db, "q-hs", "Kiểm tra học sinh", true, "pupil", 0, open, close);
	w->quiz_id[1] = db_fixture_quiz(w->db, "q-hs2", "Cuộc thi học sinh", false, "pupil", 0,
					open, close);
	w->quiz_id[2] = db_fixture_quiz(w->db, "q-cb", "Kiểm tra cán bộ", true, "civil_servant", 0,
					open, close);
	w->quiz_id[3] =
		db_fixture_quiz(w->db, "q-dan", "Người dân", false, "public", 0, open, close);
	/* People: pupils in schools, staff in agencies/department/commune,
	 * the public in communes and districts. */
	struct rng_seeded rng;
	rng_seeded_init(&rng, 20261130);
	for (int u = 1; u < NUNITS; u++) {
		const char *aud = strcmp(tree[u].kind, "school") == 0     ? "pupil"
				  : strcmp(tree[u].kind, "district") == 0 ? "public"
									  : "civil_servant";
		int n = 8 + (int)rng_seeded_below(&rng, 20);
		if (strcmp(tree[u].kind, "school") == 0)
			n += 14; /* at least 22 pupils: comparator_strict_and_not needs 20 */
		for (int k = 0; k < n; k++) {
			char username[32], name[64];
			snprintf(username, sizeof username, "p%d", w->npeople);
			snprintf(name, sizeof name, "Nguyễn Văn Đức %d", w->npeople);
			const char *a = aud;
			if (strcmp(tree[u].kind, "commune") == 0 && k % 2)
				a = "public";
			int64_t id = db_fixture_person(w->db, username, name, "participant",
						       w->unit_id[u], a);
			assert_true(id > 0);
			w->people[w->npeople++] = (struct tperson){ id, u, a };
		}
	}
	int64_t y0 = clock_vn_year_start_ms(YEAR);
	for (int p = 0; p < w->npeople; p++) {
		int n = (int)rng_seeded_below(&rng, 5);
		for (int k = 0; k < n; k++) {
			const char *a = w->people[p].audience;
			int quiz = strcmp(a, "pupil") == 0 ? (int)rng_seeded_below(&rng, 2)
				   : strcmp(a, "civil_servant") == 0 ? 2
								     : 3;
			uint64_t r = rng_seeded_below(&rng, 10);
			const char *st = r < 6 ? "submitted" : r < 8 ? "expired" : "in_progress";
			/* Mostly this year, some the year before or after. */
			int64_t when = y0 + (int64_t)rng_seeded_below(&rng, 365) * 86400000LL;
			uint64_t yr = rng_seeded_below(&rng, 8);
			if (yr == 0)
				when -= 200LL * 86400000LL;
			else if (yr == 1)
				when += 366LL * 86400000LL;
			/* One in eight attempts made while the person sat in another unit. */
			int unit = rng_seeded_below(&rng, 8) == 0 ? tree[w->people[p].unit].parent
								  : w->people[p].unit;
			add_attempt(w, p, unit, quiz, st, rng_seeded_below(&rng, 2) == 0,
				    rng_seeded_below(&rng, 2) == 0, when);
		}
	}
	/* Declarations: a school for its pupils, a district for its staff. */
	assert_int_equal(db_headcount_set(w->db, w->unit_id[3], YEAR, "pupil", 40, 0, 0), 0);
	w->declared[0][3][0] = 40;
	assert_int_equal(db_headcount_set(w->db, w->unit_id[2], YEAR, "civil_servant", 30, 0, 0),
			 0);
	w->declared[0][2][1] = 30;
	assert_int_equal(
		db_headcount_set(w->db, w->unit_id[2], YEAR + 1, "civil_servant", 99, 0, 0), 0);
	w->declared[1][2][1] = 99;
	assert_int_equal(db_commit(w->db), 0);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	testdb_remove(&w->tdb, w->db);
	free(w);
	return 0;
}

/* The expected figures, from the ledger and the api.md definitions. */
static int64_t expect_registered(const struct world *w, int u, const char *a)
{
	int64_t n = 0;
	for (int p = 0; p < w->npeople; p++)
		n += is_ancestor(u, w->people[p].unit) && strcmp(w->people[p].audience, a) == 0;
	return n;
}

static int64_t expect_headcount(const struct world *w, int year, int u, const char *a,
				bool *any_declared)
{
	int s = aud_slot(a);
	int64_t declared = year == YEAR || year == YEAR + 1 ? w->declared[year - YEAR][u][s] : -1;
	if (declared >= 0) {
		*any_declared = true;
		return declared;
	}
	int64_t n = 0;
	for (int p = 0; p < w->npeople; p++)
		n += w->people[p].unit == u && strcmp(w->people[p].audience, a) == 0;
	for (int c = 0; c < NUNITS; c++)
		if (tree[c].parent == u)
			n += expect_headcount(w, year, c, a, any_declared);
	return n;
}

static bool in_year(int64_t ms, int year)
{
	return ms >= clock_vn_year_start_ms(year) && ms < clock_vn_year_start_ms(year + 1);
}

struct expect {
	int64_t participants, passed, attempts;
};

static struct expect expect_reach(const struct world *w, int u, const char *a, int year, int quiz,
				  bool need_mis)
{
	struct expect e = { 0 };
	static bool part[MAXP], pass[MAXP];
	memset(part, 0, sizeof part);
	memset(pass, 0, sizeof pass);
	for (int i = 0; i < w->nattempts; i++) {
		const struct tattempt *t = &w->attempts[i];
		if (!t->completed || !in_year(t->finished_at, year) || !is_ancestor(u, t->unit) ||
		    strcmp(w->people[t->person].audience, a) != 0)
			continue;
		if ((quiz >= 0 && t->quiz != quiz) || (need_mis && !t->misinformation))
			continue;
		e.attempts++;
		part[t->person] = true;
		pass[t->person] |= t->passed;
	}
	for (int p = 0; p < w->npeople; p++) {
		e.participants += part[p];
		e.passed += pass[p];
	}
	return e;
}

static void check_rows_against_ledger(const struct world *w, const struct report_table *t, int year)
{
	size_t seen = 0;
	for (int u = 0; u < NUNITS; u++) {
		for (int s = 0; s < 3; s++) {
			const char *a = auds[s];
			bool any = false;
			int64_t hc = expect_headcount(w, year, u, a, &any);
			int64_t reg = expect_registered(w, u, a);
			struct expect e = expect_reach(w, u, a, year, -1, false);
			const struct report_row *row = NULL;
			for (size_t i = 0; i < t->n; i++)
				if (strcmp(t->rows[i].unit_code, tree[u].code) == 0 &&
				    strcmp(t->rows[i].audience, a) == 0)
					row = &t->rows[i];
			if (!hc && !reg && !e.attempts) {
				assert_null(row);
				continue;
			}
			assert_non_null(row);
			seen++;
			assert_int_equal(row->headcount, hc);
			assert_int_equal(row->registered, reg);
			assert_int_equal(row->participants, e.participants);
			assert_int_equal(row->passed, e.passed);
			assert_int_equal(row->attempts, e.attempts);
			bool declared_here = w->declared[year - YEAR][u][s] >= 0;
			const char *source = declared_here ? "declared" : any ? "mixed" : "roster";
			assert_string_equal(row->headcount_source, source);
			if (hc)
				assert_true(row->participation_percent ==
					    report_percent(e.participants, hc));
		}
	}
	assert_int_equal(seen, t->n);
}

static void participation_matches_ledger_for_every_unit_and_audience(void **state)
{
	struct world *w = *state;
	struct report_query q = { .year = YEAR, .unit_code = "HG", .depth = REPORT_MAX_DEPTH };
	struct report_table t;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), 0);
	assert_int_equal(t.year, YEAR);
	check_rows_against_ledger(w, &t, YEAR);
	/* Parents come before their children. */
	assert_string_equal(t.rows[0].unit_code, "HG");
	report_table_cleanup(&t);
	q.year = YEAR + 1;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), 0);
	check_rows_against_ledger(w, &t, YEAR + 1);
	report_table_cleanup(&t);
}

/* The n-th person (0-based) attached to unit u. */
static int person_in(const struct world *w, int u, int n)
{
	for (int p = 0; p < w->npeople; p++)
		if (w->people[p].unit == u && n-- == 0)
			return p;
	fail_msg("no person %d in unit %d", n, u);
	return -1;
}

static void person_with_many_attempts_counts_once(void **state)
{
	struct world *w = *state;
	int p = person_in(w, 3, 0); /* a pupil of S-NT */
	struct report_query q = { .year = 2030, .unit_code = "S-NT", .audience = "pupil" };
	int64_t t0 = clock_vn_year_start_ms(2030) + 86400000LL;
	assert_int_equal(db_begin_write(w->db), 0);
	add_attempt(w, p, 3, 0, "submitted", false, false, t0);
	add_attempt(w, p, 3, 0, "submitted", true, false, t0 + 1000);
	add_attempt(w, p, 3, 1, "expired", false, false, t0 + 2000);
	add_attempt(w, p, 3, 1, "in_progress", false, false, t0 + 3000);
	assert_int_equal(db_commit(w->db), 0);
	struct report_table t;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.rows[0].participants, 1);
	assert_int_equal(t.rows[0].passed, 1);
	assert_int_equal(t.rows[0].attempts, 3);
	/* No declaration for 2030: the roster stands in and says so. */
	assert_string_equal(t.rows[0].headcount_source, "roster");
	assert_int_equal(t.rows[0].headcount, expect_registered(w, 3, "pupil"));
	report_table_cleanup(&t);
}

static void year_boundary_follows_vietnam_time(void **state)
{
	struct world *w = *state;
	int64_t late, early;
	assert_int_equal(clock_parse("2031-12-31T17:30:00Z", &late), 0);
	assert_int_equal(clock_parse("2031-12-31T16:59:59.999Z", &early), 0);
	assert_int_equal(db_begin_write(w->db), 0);
	/* 00:30 on 1 Jan 2032 in Vietnam, and 23:59:59.999 on 31 Dec 2031. */
	add_attempt(w, person_in(w, 3, 0), 3, 0, "submitted", true, false, late);
	add_attempt(w, person_in(w, 3, 1), 3, 0, "submitted", true, false, early);
	assert_int_equal(db_commit(w->db), 0);
	struct report_query q = { .year = 2032, .unit_code = "S-NT", .audience = "pupil" };
	struct report_table t;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), 0);
	assert_int_equal(t.rows[0].participants, 1);
	report_table_cleanup(&t);
	q.year = 2031;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), 0);
	assert_int_equal(t.rows[0].participants, 1);
	assert_int_equal(t.rows[0].attempts, 1);
	report_table_cleanup(&t);
	assert_int_equal(clock_vn_year(late), 2032);
	assert_int_equal(clock_vn_year(early), 2031);

	/* The instant of the issue: 2025-12-31T17:30Z is 00:30 on 1 January 2026
	 * in Vietnam. An agency head of S-NT has no other attempt. */
	int64_t new_year;
	assert_int_equal(clock_parse("2025-12-31T17:30:00Z", &new_year), 0);
	assert_int_equal(db_begin_write(w->db), 0);
	int64_t head = db_fixture_person(w->db, "hieu-truong", "Hiệu trưởng Trần Thị Bích",
					 "participant", w->unit_id[3], "agency_head");
	assert_true(head > 0);
	w->people[w->npeople++] = (struct tperson){ head, 3, "agency_head" };
	add_attempt(w, w->npeople - 1, 3, 2, "submitted", true, false, new_year);
	assert_int_equal(db_commit(w->db), 0);
	q.audience = "agency_head";
	q.year = 2026;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), 0);
	assert_int_equal(t.rows[0].participants, 1);
	report_table_cleanup(&t);
	q.year = 2025;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), 0);
	assert_int_equal(t.rows[0].participants, 0);
	assert_int_equal(t.rows[0].attempts, 0);
	report_table_cleanup(&t);
}

static void unit_admin_sees_only_its_subtree(void **state)
{
	struct world *w = *state;
	struct db_unit vt;
	assert_int_equal(db_unit_by_code(w->db, "VT", &vt), 1);
	struct report_query q = { .year = YEAR, .scope_path = vt.path, .depth = 1 };
	struct report_table t;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), 0);
	for (size_t i = 0; i < t.n; i++)
		assert_true(strcmp(t.rows[i].unit_code, "VT") == 0 ||
			    strcmp(t.rows[i].unit_code, "S-NT") == 0 ||
			    strcmp(t.rows[i].unit_code, "S-VT") == 0);
	assert_string_equal(t.rows[0].unit_code, "VT");
	report_table_cleanup(&t);
	q.unit_code = "S-NT";
	assert_int_equal(report_participation(w->db, &q, &t, &pb), 0);
	report_table_cleanup(&t);
	q.unit_code = "CT";
	assert_int_equal(report_participation(w->db, &q, &t, &pb), OUTCOME_FORBIDDEN);
	q.unit_code = "HG";
	assert_int_equal(report_participation(w->db, &q, &t, &pb), OUTCOME_FORBIDDEN);
	q.unit_code = "NOPE";
	assert_int_equal(report_participation(w->db, &q, &t, &pb), OUTCOME_NOT_FOUND);
	struct report_plan pr;
	q.unit_code = "CT";
	assert_int_equal(report_plan(w->db, "hau-giang-1907", &q, &pr, &pb), OUTCOME_FORBIDDEN);
}

static void depth_limits_the_rows(void **state)
{
	struct world *w = *state;
	struct report_query q = {
		.year = YEAR, .unit_code = "HG", .audience = "pupil", .depth = 0
	};
	struct report_table t;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), 0);
	assert_int_equal(t.n, 1);
	report_table_cleanup(&t);
	q.depth = 1;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), 0);
	assert_int_equal(t.n, 4); /* HG, its 3 children, in code order */
	assert_string_equal(t.rows[1].unit_code, "CT");
	assert_string_equal(t.rows[2].unit_code, "SO-TTTT");
	assert_string_equal(t.rows[3].unit_code, "VT");
	report_table_cleanup(&t);
	q.depth = -1;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), OUTCOME_INVALID);
	q.depth = 1;
	q.audience = "aliens";
	assert_int_equal(report_participation(w->db, &q, &t, &pb), OUTCOME_INVALID);
}

/* Units of a kind inside root that ran a programme: some quiz whose distinct
 * participants (covering misinformation when asked) reach min% of the
 * unit's headcount. */
static void expect_units(const struct world *w, int root, const char *kind, const char *a,
			 bool need_mis, double min_part, int64_t *num, int64_t *den)
{
	*num = *den = 0;
	for (int u = 0; u < NUNITS; u++) {
		if (strcmp(tree[u].kind, kind) != 0 || !is_ancestor(root, u))
			continue;
		(*den)++;
		bool any;
		int64_t hc = expect_headcount(w, YEAR, u, a, &any);
		for (int quiz = 0; quiz < 4; quiz++) {
			if (strcmp(quiz_audience[quiz], a) != 0)
				continue;
			struct expect e = expect_reach(w, u, a, YEAR, quiz, need_mis);
			if (e.participants > 0 &&
			    (double)e.participants * 100 >= min_part * (double)hc) {
				(*num)++;
				break;
			}
		}
	}
}

static const struct report_target *find_target(const struct report_plan *p, const char *id)
{
	for (int i = 0; i < p->ntargets; i++)
		if (strcmp(p->targets[i].target.id, id) == 0)
			return &p->targets[i];
	fail_msg("target %s missing", id);
	return NULL;
}

/* Four units targets of the ledger: schools and agencies, with and without
 * the misinformation topic. */
static const char *const ledger_kinds[] = { "school", "school", "agency", "agency" };
static const char *const ledger_auds[] = { "pupil", "pupil", "civil_servant", "civil_servant" };
static const bool ledger_mis[] = { false, true, false, true };

/* A units target of the whole province against the ledger's units of kind
 * where some quiz reached half the headcount of audience a. */
static void units_target_matches_ledger(const struct world *w, const struct report_target *t,
					int ledger)
{
	int64_t num, den;
	expect_units(w, 0, ledger_kinds[ledger], ledger_auds[ledger], ledger_mis[ledger], 50, &num,
		     &den);
	assert_int_equal(t->denominator, den);
	assert_int_equal(t->numerator, num);
	assert_true(t->actual_percent == report_percent(num, den));
	double lhs = (double)num * 100, rhs = t->target.threshold * (double)den;
	bool met = strcmp(t->target.comparator, ">") == 0 ? lhs > rhs : lhs >= rhs;
	assert_int_equal(t->met, met);
}

static void plan_targets_match_ledger(void **state)
{
	struct world *w = *state;
	struct report_query q = { .year = YEAR, .unit_code = "HG" };
	struct report_plan p;
	assert_int_equal(report_plan(w->db, "hau-giang-1907", &q, &p, &pb), 0);
	assert_int_equal(p.year, YEAR);
	assert_int_equal(p.ntargets, 10);
	/* domestic_products: the test draws q_dom together with q_mis. */
	const char *ids[] = { "schools_risk_programme", "schools_critical_thinking",
			      "agencies_run_programme", "domestic_products_known" };
	for (int i = 0; i < 4; i++)
		units_target_matches_ledger(w, find_target(&p, ids[i]), i);
	/* A persons target: the public reached in the whole province. */
	const struct report_target *t = find_target(&p, "internet_users_reached");
	bool any;
	struct expect e = expect_reach(w, 0, "public", YEAR, -1, false);
	assert_int_equal(t->numerator, e.participants);
	assert_int_equal(t->denominator, expect_headcount(w, YEAR, 0, "public", &any));
	/* Finance bodies: none in the tree, so nothing to measure. */
	t = find_target(&p, "finance_bodies_run_programme");
	assert_int_equal(t->denominator, 0);
	assert_false(t->met);
	assert_false(t->has_actual);
}

/* Saves a plan given as JSON (test_report's own plans). */
static void save_plan(struct world *w, const char *json)
{
	json_error_t jerr;
	json_t *j = json_loads(json, 0, &jerr);
	assert_non_null(j);
	struct plan plan;
	assert_int_equal(plan_from_json(j, &plan, &pb), OUTCOME_OK);
	json_decref(j);
	assert_int_equal(db_begin_write(w->db), 0);
	assert_int_equal(plan_save(w->db, &plan), 0);
	assert_int_equal(db_commit(w->db), 0);
}

/* Twenty units targets, more than the storage reads in one statement
 * (eight), with a persons target among them: each target gets its own
 * figures, as when it stands alone. */
static void many_units_targets_each_match_ledger(void **state)
{
	struct world *w = *state;
	char body[8192];
	int len = snprintf(body, sizeof body,
			   "{\"code\":\"t-many\",\"title\":\"Thử\",\"targets\":["
			   "{\"id\":\"public\",\"metric\":\"persons\","
			   "\"audience\":\"public\",\"threshold\":50}");
	for (int i = 0; i < 20; i++)
		len += snprintf(body + len, sizeof body - (size_t)len,
				",{\"id\":\"u%d\",\"metric\":\"units\",\"audience\":\"%s\","
				"\"unit_kind\":\"%s\",\"topic\":%s,\"threshold\":50}",
				i, ledger_auds[i % 4], ledger_kinds[i % 4],
				ledger_mis[i % 4] ? "\"misinformation\"" : "null");
	snprintf(body + len, sizeof body - (size_t)len, "]}");
	save_plan(w, body);
	struct report_query q = { .year = YEAR, .unit_code = "HG" };
	struct report_plan *r = malloc(sizeof *r);
	assert_non_null(r);
	assert_int_equal(report_plan(w->db, "t-many", &q, r, &pb), 0);
	assert_int_equal(r->ntargets, 21);
	bool any;
	assert_int_equal(r->targets[0].numerator,
			 expect_reach(w, 0, "public", YEAR, -1, false).participants);
	assert_int_equal(r->targets[0].denominator, expect_headcount(w, YEAR, 0, "public", &any));
	int64_t schools = 0;
	for (int i = 0; i < 20; i++) {
		char id[8];
		snprintf(id, sizeof id, "u%d", i);
		assert_string_equal(r->targets[1 + i].target.id, id);
		units_target_matches_ledger(w, &r->targets[1 + i], i % 4);
		if (i % 4 == 0)
			schools = r->targets[1 + i].numerator;
	}
	assert_true(schools > 0); /* the ledger has schools that ran a quiz */
	free(r);
}

/* A pupil who took quiz 0 in two schools of one district counts once for
 * it: one of the district's three pupils is under the plan's half (twice
 * would be two of three); a second pupil makes two of three. */
static void a_pupil_who_moved_counts_once_for_their_district(void **state)
{
	struct world *w = *state;
	int pupils[2], n = 0;
	for (int i = 0; i < w->npeople && n < 2; i++)
		if (strcmp(w->people[i].audience, "pupil") == 0)
			pupils[n++] = i;
	assert_int_equal(n, 2);
	save_plan(w, "{\"code\":\"t-moved\",\"title\":\"Thử\",\"targets\":[{\"id\":\"vt\","
		     "\"metric\":\"units\",\"audience\":\"pupil\",\"unit_kind\":\"district\","
		     "\"threshold\":50}]}");
	int64_t t0 = clock_vn_year_start_ms(2034) + 5 * 86400000LL;
	assert_int_equal(db_begin_write(w->db), 0);
	assert_int_equal(db_headcount_set(w->db, w->unit_id[1], 2034, "pupil", 3, 0, 0), 0);
	add_attempt(w, pupils[0], 3, 0, "submitted", true, false, t0);
	add_attempt(w, pupils[0], 4, 0, "submitted", true, false, t0 + 86400000LL);
	assert_int_equal(db_commit(w->db), 0);
	struct report_query q = { .year = 2034, .unit_code = "HG" };
	struct report_plan *r = malloc(sizeof *r);
	assert_non_null(r);
	assert_int_equal(report_plan(w->db, "t-moved", &q, r, &pb), 0);
	assert_int_equal(r->targets[0].denominator, 2); /* VT and CT */
	assert_int_equal(r->targets[0].numerator, 0);
	assert_int_equal(db_begin_write(w->db), 0);
	add_attempt(w, pupils[1], 4, 0, "submitted", true, false, t0 + 2 * 86400000LL);
	assert_int_equal(db_commit(w->db), 0);
	assert_int_equal(report_plan(w->db, "t-moved", &q, r, &pb), 0);
	assert_int_equal(r->targets[0].numerator, 1);
	free(r);
}

static void comparator_strict_and_not(void **state)
{
	struct world *w = *state;
	/* S-NT declared 40 pupils; make exactly 20 of its pupils take part in
	 * 2033 so the share is exactly 50%. */
	assert_int_equal(db_begin_write(w->db), 0);
	assert_int_equal(db_headcount_set(w->db, w->unit_id[3], 2033, "pupil", 40, 0, 0), 0);
	int taken = 0;
	int64_t t0 = clock_vn_year_start_ms(2033) + 5 * 86400000LL;
	for (int p = 0; p < w->npeople && taken < 20; p++) {
		if (w->people[p].unit != 3)
			continue;
		add_attempt(w, p, 3, 0, "submitted", true, true, t0 + p);
		taken++;
	}
	assert_int_equal(taken, 20);
	struct plan plan;
	json_error_t jerr;
	json_t *j = json_loads(
		"{\"code\":\"t-cmp\",\"title\":\"Thử\",\"deadlines\":[\"12-15\",\"11-30\"],"
		"\"targets\":["
		"{\"id\":\"gt\",\"metric\":\"persons\",\"audience\":\"pupil\",\"comparator\":\">\","
		"\"threshold\":50},"
		"{\"id\":\"ge\",\"metric\":\"persons\",\"audience\":\"pupil\",\"comparator\":\">="
		"\","
		"\"threshold\":50},"
		"{\"id\":\"topic\",\"metric\":\"persons\",\"audience\":\"pupil\","
		"\"topic\":\"misinformation\",\"threshold\":60}]}",
		0, &jerr);
	assert_non_null(j);
	assert_int_equal(plan_from_json(j, &plan, &pb), OUTCOME_OK);
	json_decref(j);
	assert_int_equal(plan.deadline_month[0], 11); /* sorted */
	assert_int_equal(plan_save(w->db, &plan), 0);
	assert_int_equal(db_commit(w->db), 0);
	struct report_query q = { .year = 2033, .unit_code = "S-NT" };
	struct report_plan r;
	assert_int_equal(report_plan(w->db, "t-cmp", &q, &r, &pb), 0);
	assert_int_equal(r.targets[0].numerator, 20);
	assert_int_equal(r.targets[0].denominator, 40);
	assert_true(r.targets[0].actual_percent == 50.0);
	assert_false(r.targets[0].met);
	assert_true(r.targets[0].gap_percent == 0.0);
	assert_true(r.targets[1].met);
	assert_int_equal(r.targets[2].numerator, 20);
	assert_false(r.targets[2].met);
	assert_true(r.targets[2].gap_percent == 10.0);
	assert_string_equal(r.deadline, "2033-11-30");
}

static void plan_json_is_validated(void **state)
{
	(void)state;
	const char *bad[] = {
		"{\"title\":\"x\",\"targets\":[]}",
		"{\"code\":\"a b\",\"title\":\"x\",\"targets\":[]}",
		"{\"code\":\"a\",\"title\":\"x\",\"deadlines\":[\"13-01\"],\"targets\":[]}",
		"{\"code\":\"a\",\"title\":\"x\",\"targets\":[{\"id\":\"t\",\"metric\":\"units\","
		"\"audience\":\"pupil\",\"threshold\":50}]}",
		"{\"code\":\"a\",\"title\":\"x\",\"targets\":[{\"id\":\"t\",\"metric\":\"persons\","
		"\"audience\":\"pupil\",\"threshold\":150}]}",
		"{\"code\":\"a\",\"title\":\"x\",\"targets\":[{\"id\":\"t\",\"metric\":\"persons\","
		"\"audience\":\"pupil\",\"comparator\":\"<\",\"threshold\":50}]}",
		"{\"code\":\"a\",\"title\":\"x\",\"targets\":[{\"id\":\"t\",\"metric\":\"persons\","
		"\"audience\":\"martians\",\"threshold\":50}]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_error_t jerr;
		json_t *j = json_loads(bad[i], 0, &jerr);
		assert_non_null(j);
		struct plan p;
		pb.message[0] = '\0';
		assert_int_equal(plan_from_json(j, &p, &pb), OUTCOME_INVALID);
		assert_true(pb.message[0] != '\0');
		json_decref(j);
	}
	/* The built-in templates survive their own JSON round trip. */
	for (size_t i = 0; i < plan_builtin_count(); i++) {
		json_t *j = plan_to_json(plan_builtin(i));
		struct plan p;
		assert_int_equal(plan_from_json(j, &p, &pb), OUTCOME_OK);
		assert_int_equal(p.ntargets, plan_builtin(i)->ntargets);
		json_decref(j);
	}
}

static void builtin_plans_install_once_and_keep_edits(void **state)
{
	struct world *w = *state;
	assert_int_equal(plan_install_builtins(w->db), 0);
	struct plan p;
	bool builtin;
	assert_int_equal(plan_load(w->db, "binh-thuan-1907", &p, &builtin), 1);
	assert_true(builtin);
	assert_int_equal(p.ndeadlines, 1);
	p.targets[0].threshold = 90;
	assert_int_equal(plan_save(w->db, &p), 0);
	assert_int_equal(plan_install_builtins(w->db), 0);
	assert_int_equal(plan_load(w->db, "binh-thuan-1907", &p, &builtin), 1);
	assert_true(p.targets[0].threshold == 90);
	assert_false(builtin);
}

static void erased_person_stays_in_statistics(void **state)
{
	struct world *w = *state;
	struct report_query q = { .year = YEAR, .unit_code = "HG", .depth = REPORT_MAX_DEPTH };
	struct report_table before, after;
	assert_int_equal(report_participation(w->db, &q, &before, &pb), 0);
	/* Erase someone with completed attempts this year. */
	int victim = -1;
	for (int i = 0; i < w->nattempts && victim < 0; i++)
		if (w->attempts[i].completed && in_year(w->attempts[i].finished_at, YEAR))
			victim = w->attempts[i].person;
	assert_true(victim >= 0);
	/* One failed login recorded under the account's throttling key. */
	char key[80];
	snprintf(key, sizeof key, "u:p%d", victim);
	assert_int_equal(db_throttle_fail(w->db, key, 1000, 60000, 2, 1000), 0);
	/* And at one address (account.c's "ua:" key). */
	char pair[96];
	snprintf(pair, sizeof pair, "ua:p%d|10.0.0.1", victim);
	assert_int_equal(db_throttle_fail(w->db, pair, 1000, 60000, 2, 1000), 0);
	assert_int_equal(db_person_erase(w->db, w->people[victim].id, 12345), 0);
	/* The rows went with the person: a new failure is the first again. */
	assert_int_equal(db_throttle_fail(w->db, key, 2000, 60000, 2, 1000), 0);
	assert_int_equal(db_throttle_fail(w->db, pair, 2000, 60000, 2, 1000), 0);
	struct db_user u;
	int64_t created, erased;
	assert_int_equal(db_person_get(w->db, w->people[victim].id, &u, &created, &erased), 1);
	assert_int_equal(erased, 12345);
	assert_string_equal(u.full_name, "");
	assert_int_equal(db_user_by_id(w->db, w->people[victim].id, &u), 0);
	assert_int_equal(report_participation(w->db, &q, &after, &pb), 0);
	assert_int_equal(before.n, after.n);
	for (size_t i = 0; i < before.n; i++) {
		assert_int_equal(before.rows[i].participants, after.rows[i].participants);
		assert_int_equal(before.rows[i].attempts, after.rows[i].attempts);
		assert_int_equal(before.rows[i].passed, after.rows[i].passed);
	}
	report_table_cleanup(&before);
	report_table_cleanup(&after);
}

static void chasing_lists_people_without_a_mandatory_attempt(void **state)
{
	struct world *w = *state;
	struct report_query q = { .year = YEAR, .unit_code = "VT" };
	struct report_missing m;
	assert_int_equal(report_missing_people(w->db, &q, 0, &m, &pb), 0);
	/* Expected: pupils of VT's subtree with no completed attempt of q-hs
	 * (mandatory, quiz 0) at all. */
	size_t expected = 0;
	for (int p = 0; p < w->npeople; p++) {
		if (!is_ancestor(1, w->people[p].unit) || strcmp(w->people[p].audience, "pupil"))
			continue;
		bool done = false;
		for (int i = 0; i < w->nattempts; i++)
			done |= w->attempts[i].person == p && w->attempts[i].quiz == 0 &&
				w->attempts[i].completed;
		if (!done) {
			expected++;
			bool listed = false;
			for (size_t k = 0; k < m.n; k++)
				if (m.people[k].user_id == w->people[p].id) {
					listed = true;
					assert_int_equal(m.people[k].nmissing, 1);
					assert_string_equal(m.people[k].missing[0].code, "q-hs");
				}
			assert_true(listed);
		}
	}
	assert_int_equal(m.n, expected);
	assert_string_equal(m.unit_deadline, "2026-11-30");
	assert_int_equal(m.department_days_left - m.unit_days_left, 15);
	report_missing_cleanup(&m);
	struct db_unit vt;
	assert_int_equal(db_unit_by_code(w->db, "VT", &vt), 1);
	q.scope_path = vt.path;
	q.unit_code = "CT";
	assert_int_equal(report_missing_people(w->db, &q, 0, &m, &pb), OUTCOME_FORBIDDEN);
}

/* The week of an instant, counted the slow way: 1 + the Mondays after
 * 1 January up to its day, in Vietnam time. */
static int week_of(int64_t ms, int year)
{
	int64_t day0 = (clock_vn_year_start_ms(year) + CLOCK_VN_OFFSET_MS) / 86400000LL;
	int64_t day = (ms + CLOCK_VN_OFFSET_MS) / 86400000LL;
	int week = 1;
	for (int64_t d = day0 + 1; d <= day; d++) {
		time_t t = (time_t)(d * 86400);
		struct tm tm;
		gmtime_r(&t, &tm);
		week += tm.tm_wday == 1;
	}
	return week;
}

/* Every unit and audience (and all audiences): each week's participants,
 * newcomers and attempts from the ledger, people counted once however many
 * units they sat in. */
static void check_weeks_against_ledger(const struct world *w, int year)
{
	static int first[MAXP][3];
	static bool seen[MAXP][3][REPORT_MAX_WEEKS + 1];
	for (int u = 0; u < NUNITS; u++) {
		for (int ai = -1; ai < 3; ai++) {
			int64_t part[REPORT_MAX_WEEKS + 1] = { 0 },
							newc[REPORT_MAX_WEEKS + 1] = { 0 },
							att[REPORT_MAX_WEEKS + 1] = { 0 };
			memset(first, 0, sizeof first);
			memset(seen, 0, sizeof seen);
			for (int i = 0; i < w->nattempts; i++) {
				const struct tattempt *t = &w->attempts[i];
				int s = aud_slot(w->people[t->person].audience);
				if (!t->completed || !in_year(t->finished_at, year) ||
				    !is_ancestor(u, t->unit) || s < 0 || (ai >= 0 && s != ai))
					continue;
				int wk = week_of(t->finished_at, year);
				att[wk]++;
				if (!seen[t->person][s][wk])
					part[wk]++;
				seen[t->person][s][wk] = true;
				if (!first[t->person][s] || wk < first[t->person][s])
					first[t->person][s] = wk;
			}
			for (int p = 0; p < w->npeople; p++)
				for (int s = 0; s < 3; s++)
					newc[first[p][s]] += first[p][s] > 0;
			struct report_query q = { .year = year,
						  .unit_code = tree[u].code,
						  .audience = ai >= 0 ? auds[ai] : NULL };
			struct report_weekly wk;
			assert_int_equal(report_participation_weekly(w->db, &q, &wk, &pb), 0);
			int64_t total = 0;
			for (int k = 1; k <= wk.nweeks; k++) {
				assert_int_equal(wk.weeks[k - 1].week, k);
				assert_int_equal(wk.weeks[k - 1].participants, part[k]);
				assert_int_equal(wk.weeks[k - 1].new_participants, newc[k]);
				assert_int_equal(wk.weeks[k - 1].attempts, att[k]);
				total += newc[k];
				assert_int_equal(wk.weeks[k - 1].cumulative_participants, total);
			}
			/* The year's participants, as the participation report. */
			assert_int_equal(total, wk.participants);
		}
	}
}

static void weekly_participation_matches_ledger_for_every_unit(void **state)
{
	struct world *w = *state;
	check_weeks_against_ledger(w, YEAR);
	check_weeks_against_ledger(w, YEAR + 1);
	struct report_query q = { .year = YEAR, .unit_code = "HG" };
	struct report_weekly wk;
	assert_int_equal(report_participation_weekly(w->db, &q, &wk, &pb), 0);
	/* 2026 begins on a Thursday: week 1 is 1-4 January, week 53 ends on
	 * Thursday 31 December. */
	assert_int_equal(wk.nweeks, 53);
	assert_string_equal(wk.weeks[0].starts_on, "2026-01-01");
	assert_string_equal(wk.weeks[0].ends_on, "2026-01-04");
	assert_string_equal(wk.weeks[1].starts_on, "2026-01-05");
	assert_string_equal(wk.weeks[52].starts_on, "2026-12-28");
	assert_string_equal(wk.weeks[52].ends_on, "2026-12-31");
	/* 2028 begins on a Saturday and is a leap year: 53 weeks. */
	q.year = 2028;
	assert_int_equal(report_participation_weekly(w->db, &q, &wk, &pb), 0);
	assert_int_equal(wk.nweeks, 53);
	q.year = 2033; /* a Saturday too, not leap */
	assert_int_equal(report_participation_weekly(w->db, &q, &wk, &pb), 0);
	assert_int_equal(wk.nweeks, 53);
	q.year = 2040; /* a Sunday, leap: 31 December is a Monday */
	assert_int_equal(report_participation_weekly(w->db, &q, &wk, &pb), 0);
	assert_int_equal(wk.nweeks, 54);
	assert_string_equal(wk.weeks[53].starts_on, "2040-12-31");
	assert_string_equal(wk.weeks[53].ends_on, "2040-12-31");
	/* Refusals, as the participation report's. */
	q.year = 1999;
	assert_int_equal(report_participation_weekly(w->db, &q, &wk, &pb), OUTCOME_INVALID);
	q.year = YEAR;
	q.unit_code = "NOPE";
	assert_int_equal(report_participation_weekly(w->db, &q, &wk, &pb), OUTCOME_NOT_FOUND);
	q.unit_code = "HG";
	q.audience = "martians";
	assert_int_equal(report_participation_weekly(w->db, &q, &wk, &pb), OUTCOME_INVALID);
	struct db_unit vt;
	assert_int_equal(db_unit_by_code(w->db, "VT", &vt), 1);
	q.audience = NULL;
	q.scope_path = vt.path;
	assert_int_equal(report_participation_weekly(w->db, &q, &wk, &pb), OUTCOME_FORBIDDEN);
	q.unit_code = NULL;
	assert_int_equal(report_participation_weekly(w->db, &q, &wk, &pb), 0);
	assert_string_equal(wk.unit_code, "VT");
}

/* Attempts moved to other weeks, reopened and finished again: the kept
 * week counters follow every change (migration 15's triggers). */
static void weekly_figures_follow_changed_attempts(void **state)
{
	struct world *w = *state;
	struct rng_seeded rng;
	rng_seeded_init(&rng, 15);
	size_t cap = (size_t)w->nattempts * 160 + 32;
	char *script = xcalloc(1, cap);
	for (int round = 0; round < 3; round++) {
		/* One transaction a round, through a connection of its own. */
		size_t len = (size_t)snprintf(script, cap, "BEGIN;");
		for (int i = 0; i < w->nattempts; i++) {
			struct tattempt *t = &w->attempts[i];
			if (rng_seeded_below(&rng, 6) != 0)
				continue;
			if (t->completed && rng_seeded_below(&rng, 3) == 0) {
				len += (size_t)snprintf(script + len, cap - len,
							"UPDATE attempts SET state = 'in_progress' "
							"WHERE id = %lld;",
							(long long)t->id);
				t->completed = false;
			} else {
				/* Some weeks earlier or later, sometimes into the next year. */
				t->finished_at +=
					((int64_t)rng_seeded_below(&rng, 60) - 20) * 86400000LL;
				len += (size_t)snprintf(script + len, cap - len,
							"UPDATE attempts SET state = 'submitted', "
							"finished_at = %lld WHERE id = %lld;",
							(long long)t->finished_at,
							(long long)t->id);
				t->completed = true;
			}
		}
		assert_true(len + 8 < cap);
		snprintf(script + len, cap - len, "COMMIT;");
		assert_true(testsql_exec(w->tdb.path, script) >= 0);
		check_weeks_against_ledger(w, YEAR);
		check_weeks_against_ledger(w, YEAR + 1);
	}
	free(script);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			participation_matches_ledger_for_every_unit_and_audience, setup, teardown),
		cmocka_unit_test_setup_teardown(person_with_many_attempts_counts_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(year_boundary_follows_vietnam_time, setup,
						teardown),
		cmocka_unit_test_setup_teardown(unit_admin_sees_only_its_subtree, setup, teardown),
		cmocka_unit_test_setup_teardown(depth_limits_the_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(plan_targets_match_ledger, setup, teardown),
		cmocka_unit_test_setup_teardown(many_units_targets_each_match_ledger, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_pupil_who_moved_counts_once_for_their_district,
						setup, teardown),
		cmocka_unit_test_setup_teardown(comparator_strict_and_not, setup, teardown),
		cmocka_unit_test(plan_json_is_validated),
		cmocka_unit_test_setup_teardown(builtin_plans_install_once_and_keep_edits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(erased_person_stays_in_statistics, setup, teardown),
		cmocka_unit_test_setup_teardown(chasing_lists_people_without_a_mandatory_attempt,
						setup, teardown),
		cmocka_unit_test_setup_teardown(weekly_participation_matches_ledger_for_every_unit,
						setup, teardown),
		cmocka_unit_test_setup_teardown(weekly_figures_follow_changed_attempts, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
