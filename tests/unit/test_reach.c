/* test_reach.c - people reached by quizzes or activities, on a real
 * migrated database: participation rows with attended and reached, plan
 * targets that count activities (persons, topic, units) against figures
 * the test computes from its own ledger, the same targets counting quizzes
 * only unchanged, a person who moved counted once, unit_admin scoping, the
 * CSV and XLSX columns, and the reporting bodies of the yearly page taken
 * from the settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit.h"
#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "plan.h"
#include "report.h"
#include "report_view.h"
#include "settings.h"
#include "testdb.h"

#define YEAR 2026
#define NUNITS 6
#define NPEOPLE 30
#define MAXEV 128

struct tunit {
	const char *code, *kind;
	int parent;
};

/* A province, two districts, three agencies. */
static const struct tunit tree[NUNITS] = {
	{ "P", "province", -1 }, { "D1", "district", 0 }, { "D2", "district", 0 },
	{ "A1", "agency", 1 },   { "A2", "agency", 1 },   { "A3", "agency", 2 },
};

/* What the test seeded: every completed attempt and attendance, with the
 * unit it was recorded in. */
struct event {
	int person, unit;
	bool attended; /* else a completed attempt */
	bool misinformation; /* about the topic */
	int activity; /* attendance: which activity */
};

struct world {
	struct testdb tdb;
	struct db *db;
	int64_t unit_id[NUNITS];
	int64_t person_id[NPEOPLE];
	int person_unit[NPEOPLE];
	int64_t quiz_id, q_plain, q_mis;
	int64_t activity_id[3];
	struct event ev[MAXEV];
	int nev;
};

static bool is_ancestor(int anc, int u)
{
	for (int x = u; x >= 0; x = tree[x].parent)
		if (x == anc)
			return true;
	return false;
}

static void attempt(struct world *w, int person, int unit, bool misinformation, int day)
{
	int64_t finished = clock_vn_year_start_ms(YEAR) + (int64_t)day * 86400000LL + 3600000;
	int64_t qs[2] = { w->q_plain, w->q_mis };
	struct db_fixture_attempt a = {
		.quiz_id = w->quiz_id,
		.user_id = w->person_id[person],
		.unit_id = w->unit_id[unit],
		.audience = "civil_servant",
		.state = "submitted",
		.started_at = finished - 600000,
		.finished_at = finished,
		.score = 8,
		.max_score = 10,
		.passed = true,
		.question_ids = qs,
		.nquestions = misinformation ? 2 : 1,
	};
	assert_true(db_fixture_attempt(w->db, &a) > 0);
	w->ev[w->nev++] = (struct event){ person, unit, false, misinformation, -1 };
}

static void attend(struct world *w, int person, int unit, int activity)
{
	int64_t at = clock_vn_year_start_ms(YEAR) + 40LL * 86400000LL;
	assert_int_equal(db_fixture_attendance(w->db, w->activity_id[activity],
					       w->person_id[person], YEAR, w->unit_id[unit],
					       "civil_servant", at),
			 1);
	/* Activity 1 is about misinformation. */
	w->ev[w->nev++] = (struct event){ person, unit, true, activity == 1, activity };
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	w->db = testdb_open(&w->tdb, "test_reach");
	assert_non_null(w->db);
	assert_int_equal(db_begin_write(w->db), 0);
	for (int i = 0; i < NUNITS; i++) {
		bool created;
		int64_t parent = tree[i].parent >= 0 ? w->unit_id[tree[i].parent] : 0;
		assert_int_equal(db_unit_upsert(w->db, tree[i].code, tree[i].code, tree[i].kind, "",
						parent, &created),
				 0);
		struct db_unit u;
		assert_int_equal(db_unit_by_code(w->db, tree[i].code, &u), 1);
		w->unit_id[i] = u.id;
	}
	/* Civil servants: 12 in A1, 8 in A2, 10 in A3 (the roster is the
	 * headcount: nothing is declared). */
	for (int p = 0; p < NPEOPLE; p++) {
		char name[32];
		snprintf(name, sizeof name, "cs%d", p);
		w->person_unit[p] = p < 12 ? 3 : p < 20 ? 4 : 5;
		w->person_id[p] = db_fixture_person(w->db, name, name, "participant",
						    w->unit_id[w->person_unit[p]], "civil_servant");
		assert_true(w->person_id[p] > 0);
	}
	int64_t bank = db_fixture_bank(w->db, "b", "civil_servant");
	w->q_plain = db_fixture_question(w->db, bank, "plain", "passwords");
	w->q_mis = db_fixture_question(w->db, bank, "mis", "misinformation");
	w->quiz_id =
		db_fixture_quiz(w->db, "q", "Kiểm tra", false, "civil_servant", 0,
				clock_vn_year_start_ms(YEAR), clock_vn_year_start_ms(YEAR + 1));
	int64_t start = clock_vn_year_start_ms(YEAR) + 40LL * 86400000LL;
	static const char *const topics[3] = { "[\"passwords\"]", "[\"misinformation\"]", "[]" };
	static const int holder[3] = { 3, 4, 5 };
	for (int k = 0; k < 3; k++) {
		char code[16];
		snprintf(code, sizeof code, "act%d", k);
		w->activity_id[k] = db_fixture_activity(
			w->db, code, k == 2 ? "seminar" : "training", w->unit_id[holder[k]],
			topics[k], start, start + 7200000);
		assert_true(w->activity_id[k] > 0);
	}
	/* People 0..17 took the quiz (some twice, some about misinformation);
	 * the misinformation training (1) has attendees in A3 only;
	 * people 12..29 attended (some two activities): 12..17 did both. */
	for (int p = 0; p < 18; p++) {
		attempt(w, p, w->person_unit[p], p % 3 == 0, 10 + p);
		if (p % 4 == 0)
			attempt(w, p, w->person_unit[p], false, 100 + p);
	}
	for (int p = 12; p < NPEOPLE; p++) {
		attend(w, p, w->person_unit[p], p % 2 && p >= 20 ? 1 : 0);
		if (p % 5 == 0)
			attend(w, p, w->person_unit[p], 2);
	}
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

/* The ledger's count of distinct people under unit u with an event that
 * fits: attendances when attended, completed attempts when quizzes, about
 * misinformation only when topic. */
static int64_t expect_people(const struct world *w, int u, bool quizzes, bool attended, bool topic)
{
	int64_t n = 0;
	for (int p = 0; p < NPEOPLE; p++) {
		bool hit = false;
		for (int e = 0; e < w->nev && !hit; e++) {
			const struct event *x = &w->ev[e];
			hit = x->person == p && is_ancestor(u, x->unit) &&
			      (x->attended ? attended : quizzes) && (!topic || x->misinformation);
		}
		n += hit;
	}
	return n;
}

static int64_t expect_headcount(const struct world *w, int u)
{
	int64_t n = 0;
	for (int p = 0; p < NPEOPLE; p++)
		n += is_ancestor(u, w->person_unit[p]);
	return n;
}

static const struct report_row *row_of(const struct report_table *t, const char *code)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->rows[i].unit_code, code) == 0 &&
		    strcmp(t->rows[i].audience, "civil_servant") == 0)
			return &t->rows[i];
	return NULL;
}

static void check_rows(const struct world *w, const struct report_table *t)
{
	for (int u = 0; u < NUNITS; u++) {
		const struct report_row *r = row_of(t, tree[u].code);
		assert_non_null(r);
		assert_int_equal(r->headcount, expect_headcount(w, u));
		assert_int_equal(r->participants, expect_people(w, u, true, false, false));
		assert_int_equal(r->attended, expect_people(w, u, false, true, false));
		assert_int_equal(r->reached, expect_people(w, u, true, true, false));
	}
}

static void rows_show_attended_beside_participants_each_person_once(void **state)
{
	struct world *w = *state;
	struct report_query q = { .year = YEAR, .unit_code = "P", .depth = 2 };
	struct report_table t;
	struct problem pb;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), OUTCOME_OK);
	check_rows(w, &t);
	const struct report_row *p = row_of(&t, "P");
	/* 18 took the quiz, 18 attended, 6 did both: all 30 reached once. */
	assert_int_equal(p->participants, 18);
	assert_int_equal(p->attended, 18);
	assert_int_equal(p->reached, 30);
	assert_float_equal(p->reached_percent, 100.0, 1e-9);
	report_table_cleanup(&t);
}

/* A plan with the same targets counting activities and quizzes only. */
static void save_plan(struct world *w)
{
	const char *text =
		"{\"code\":\"reach\",\"title\":\"Reach\",\"unit_min_participation\":50,"
		"\"targets\":["
		"{\"id\":\"cs_any\",\"metric\":\"persons\",\"audience\":\"civil_servant\","
		"\"threshold\":100,\"counts\":\"activities\"},"
		"{\"id\":\"cs_quiz\",\"metric\":\"persons\",\"audience\":\"civil_servant\","
		"\"threshold\":100,\"counts\":\"quizzes\"},"
		"{\"id\":\"cs_default\",\"metric\":\"persons\",\"audience\":\"civil_servant\","
		"\"threshold\":100},"
		"{\"id\":\"mis_any\",\"metric\":\"persons\",\"audience\":\"civil_servant\","
		"\"topic\":\"misinformation\",\"threshold\":50,\"counts\":\"activities\"},"
		"{\"id\":\"mis_quiz\",\"metric\":\"persons\",\"audience\":\"civil_servant\","
		"\"topic\":\"misinformation\",\"threshold\":50},"
		"{\"id\":\"ag_any\",\"metric\":\"units\",\"audience\":\"civil_servant\","
		"\"unit_kind\":\"agency\",\"threshold\":100,\"counts\":\"activities\"},"
		"{\"id\":\"ag_quiz\",\"metric\":\"units\",\"audience\":\"civil_servant\","
		"\"unit_kind\":\"agency\",\"threshold\":100},"
		"{\"id\":\"ag_mis_any\",\"metric\":\"units\",\"audience\":\"civil_servant\","
		"\"unit_kind\":\"agency\",\"topic\":\"misinformation\",\"threshold\":100,"
		"\"counts\":\"activities\"},"
		"{\"id\":\"ag_mis_quiz\",\"metric\":\"units\",\"audience\":\"civil_servant\","
		"\"unit_kind\":\"agency\",\"topic\":\"misinformation\",\"threshold\":100}]}";
	json_error_t jerr;
	json_t *body = json_loads(text, 0, &jerr);
	assert_non_null(body);
	json_t *out = NULL;
	struct problem pb;
	assert_int_equal(plan_put_json(w->db, "reach", body, &out, &pb), OUTCOME_OK);
	json_t *t0 = json_array_get(json_object_get(json_object_get(out, "plan"), "targets"), 0);
	assert_string_equal(json_string_value(json_object_get(t0, "counts")), "activities");
	json_t *t2 = json_array_get(json_object_get(json_object_get(out, "plan"), "targets"), 2);
	assert_string_equal(json_string_value(json_object_get(t2, "counts")), "quizzes");
	json_decref(out);
	json_decref(body);
}

static const struct report_target *target(const struct report_plan *p, const char *id)
{
	for (int i = 0; i < p->ntargets; i++)
		if (strcmp(p->targets[i].target.id, id) == 0)
			return &p->targets[i];
	fail_msg("no target %s", id);
	return NULL;
}

/* Units of kind agency under root where some quiz or (with activities)
 * some activity (about misinformation, with topic) reached half the unit's
 * headcount. */
static int64_t expect_agencies_ran(const struct world *w, int root, bool activities, bool topic)
{
	int64_t n = 0;
	for (int u = 0; u < NUNITS; u++) {
		if (strcmp(tree[u].kind, "agency") != 0 || !is_ancestor(root, u))
			continue;
		bool ran = false;
		/* programme -1: the quiz; 0..2: the activities */
		for (int prog = -1; prog < 3 && !ran; prog++) {
			if (prog >= 0 && !activities)
				break;
			if (topic && prog >= 0 && prog != 1)
				continue; /* only activity 1 is about misinformation */
			int64_t people = 0;
			for (int p = 0; p < NPEOPLE; p++) {
				bool hit = false;
				for (int e = 0; e < w->nev && !hit; e++) {
					const struct event *x = &w->ev[e];
					hit = x->person == p && is_ancestor(u, x->unit) &&
					      (prog < 0 ? !x->attended &&
								  (!topic || x->misinformation)
							: x->attended && x->activity == prog);
				}
				people += hit;
			}
			ran = people * 100 >= 50 * expect_headcount(w, u);
		}
		n += ran;
	}
	return n;
}

static void check_plan(struct world *w, int root, const char *scope)
{
	struct report_query q = { .year = YEAR, .unit_code = tree[root].code, .scope_path = scope };
	struct report_plan *p = malloc(sizeof *p);
	struct problem pb;
	assert_int_equal(report_plan(w->db, "reach", &q, p, &pb), OUTCOME_OK);
	int64_t hc = expect_headcount(w, root);
	const struct report_target *t = target(p, "cs_any");
	assert_int_equal(t->denominator, hc);
	assert_int_equal(t->numerator, expect_people(w, root, true, true, false));
	t = target(p, "cs_quiz");
	assert_int_equal(t->numerator, expect_people(w, root, true, false, false));
	assert_int_equal(target(p, "cs_default")->numerator, t->numerator);
	assert_int_equal(target(p, "mis_any")->numerator, expect_people(w, root, true, true, true));
	assert_int_equal(target(p, "mis_quiz")->numerator,
			 expect_people(w, root, true, false, true));
	assert_int_equal(target(p, "ag_any")->numerator, expect_agencies_ran(w, root, true, false));
	assert_int_equal(target(p, "ag_quiz")->numerator,
			 expect_agencies_ran(w, root, false, false));
	assert_int_equal(target(p, "ag_mis_any")->numerator,
			 expect_agencies_ran(w, root, true, true));
	assert_int_equal(target(p, "ag_mis_quiz")->numerator,
			 expect_agencies_ran(w, root, false, true));
	free(p);
}

static void persons_target_counting_activities_reaches_everyone_once(void **state)
{
	struct world *w = *state;
	save_plan(w);
	struct report_query q = { .year = YEAR, .unit_code = "P" };
	struct report_plan *p = malloc(sizeof *p);
	struct problem pb;
	assert_int_equal(report_plan(w->db, "reach", &q, p, &pb), OUTCOME_OK);
	const struct report_target *any = target(p, "cs_any"), *quiz = target(p, "cs_quiz");
	assert_int_equal(any->numerator, 30);
	assert_int_equal(any->denominator, 30);
	assert_true(any->met);
	assert_float_equal(any->actual_percent, 100.0, 1e-9);
	/* The same target counting quizzes only: 18 of 30, as before
	 * activities existed. */
	assert_int_equal(quiz->numerator, 18);
	assert_false(quiz->met);
	assert_float_equal(quiz->actual_percent, 60.0, 1e-9);
	assert_float_equal(quiz->gap_percent, 40.0, 1e-9);
	free(p);
	for (int u = 0; u < NUNITS; u++)
		check_plan(w, u, NULL);
}

static void a_person_who_moved_is_reached_once(void **state)
{
	struct world *w = *state;
	save_plan(w);
	/* Person 25 (A3, under D2) took the quiz while attached to A1 (under
	 * D1) and attended in A3: once at P, in both districts' subtrees. */
	assert_int_equal(db_begin_write(w->db), 0);
	attempt(w, 25, 3, true, 200);
	assert_int_equal(db_commit(w->db), 0);
	struct report_query q = { .year = YEAR, .unit_code = "P", .depth = 2 };
	struct report_table t;
	struct problem pb;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), OUTCOME_OK);
	check_rows(w, &t);
	assert_int_equal(row_of(&t, "P")->reached, 30);
	assert_int_equal(row_of(&t, "D1")->reached, expect_people(w, 1, true, true, false));
	assert_int_equal(row_of(&t, "D2")->reached, 10);
	report_table_cleanup(&t);
	for (int u = 0; u < NUNITS; u++)
		check_plan(w, u, NULL);
}

static void unit_admin_sees_its_subtree_only(void **state)
{
	struct world *w = *state;
	save_plan(w);
	struct db_unit d2;
	assert_int_equal(db_unit_by_code(w->db, "D2", &d2), 1);
	struct report_query q = { .year = YEAR, .scope_path = d2.path, .depth = 1 };
	struct report_table t;
	struct problem pb;
	assert_int_equal(report_participation(w->db, &q, &t, &pb), OUTCOME_OK);
	assert_non_null(row_of(&t, "D2"));
	assert_non_null(row_of(&t, "A3"));
	assert_null(row_of(&t, "P"));
	assert_null(row_of(&t, "A1"));
	assert_int_equal(row_of(&t, "D2")->attended, expect_people(w, 2, false, true, false));
	report_table_cleanup(&t);
	check_plan(w, 2, d2.path);
	check_plan(w, 5, d2.path);
	q.unit_code = "D1";
	assert_int_equal(report_participation(w->db, &q, &t, &pb), OUTCOME_FORBIDDEN);
	struct report_plan *p = malloc(sizeof *p);
	assert_int_equal(report_plan(w->db, "reach", &q, p, &pb), OUTCOME_FORBIDDEN);
	free(p);
}

/* The value of cell ref (e.g. "L2") in the first sheet of an XLSX file. */
static long xlsx_cell(const char *dir, const char *file, const char *data, size_t len,
		      const char *ref)
{
	char path[600], cmd[1400];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	snprintf(cmd, sizeof cmd, "unzip -p %s xl/worksheets/sheet1.xml", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	static char xml[1 << 16];
	size_t n = fread(xml, 1, sizeof xml - 1, p);
	pclose(p);
	xml[n] = '\0';
	char needle[32];
	snprintf(needle, sizeof needle, "r=\"%s\"", ref);
	const char *c = strstr(xml, needle);
	assert_non_null(c);
	const char *v = strstr(c, "<v>");
	assert_non_null(v);
	return strtol(v + 3, NULL, 10);
}

static void csv_and_xlsx_carry_attended_and_reached(void **state)
{
	struct world *w = *state;
	struct report_query q = {
		.year = YEAR, .unit_code = "P", .depth = 0, .audience = "civil_servant"
	};
	struct report_output out;
	struct problem pb;
	assert_int_equal(report_participation_output(w->db, &q, "csv", "en", &out, &pb),
			 OUTCOME_OK);
	char *text = strndup(out.file, out.len);
	assert_non_null(strstr(text, ",Attempts,Attended,Reached (once),Reached (%)\r\n"));
	/* The province's row ends with attempts, attended, reached, percent. */
	char tail[64];
	snprintf(tail, sizeof tail, ",%d,18,30,100.0\r\n", 18 + 5);
	assert_non_null(strstr(text, tail));
	free(text);
	free(out.file);
	assert_int_equal(report_participation_output(w->db, &q, "xlsx", "vi", &out, &pb),
			 OUTCOME_OK);
	/* Columns L, M: attended and reached of the province's row. */
	assert_int_equal(xlsx_cell(w->tdb.dir, "p.xlsx", out.file, out.len, "L2"), 18);
	assert_int_equal(xlsx_cell(w->tdb.dir, "p.xlsx", out.file, out.len, "M2"), 30);
	free(out.file);
	assert_int_equal(report_participation_output(w->db, &q, "json", "vi", &out, &pb),
			 OUTCOME_OK);
	json_t *row = json_array_get(json_object_get(out.json, "rows"), 0);
	assert_int_equal(json_integer_value(json_object_get(row, "attended")), 18);
	assert_int_equal(json_integer_value(json_object_get(row, "reached")), 30);
	assert_float_equal(json_real_value(json_object_get(row, "reached_percent")), 100.0, 1e-9);
	json_decref(out.json);
}

static void builtin_targets_count_activities_with_the_plans_words(void **state)
{
	(void)state;
	for (size_t i = 0; i < plan_builtin_count(); i++) {
		const struct plan *p = plan_builtin(i);
		for (int k = 0; k < p->ntargets; k++) {
			const struct plan_target *t = &p->targets[k];
			assert_string_equal(t->counts, "activities");
			/* A quotation from the plan, in its own quotation marks. */
			assert_non_null(strstr(t->counts_reason, "“"));
			assert_non_null(strstr(t->counts_reason, "”"));
		}
	}
	struct problem pb;
	struct plan plan;
	json_error_t jerr;
	json_t *bad = json_loads("{\"code\":\"x\",\"title\":\"x\",\"targets\":[{\"id\":\"a\","
				 "\"metric\":\"persons\",\"audience\":\"public\",\"threshold\":5,"
				 "\"counts\":\"leaflets\"}]}",
				 0, &jerr);
	assert_int_equal(plan_from_json(bad, &plan, &pb), OUTCOME_INVALID);
	assert_non_null(strstr(pb.message, "counts"));
	json_decref(bad);
}

static void yearly_page_names_the_bodies_of_the_settings(void **state)
{
	struct world *w = *state;
	save_plan(w);
	struct problem pb;
	char *html = NULL;
	/* The province reports to the authority; a district to the
	 * department; by default today's names (after the 2025 merger). */
	struct report_query q = { .year = YEAR, .unit_code = "P" };
	assert_int_equal(report_yearly_page(w->db, "reach", &q, &html, &pb), OUTCOME_OK);
	assert_non_null(strstr(html, "<strong>Sở Khoa học và Công nghệ</strong>"));
	assert_non_null(strstr(html, "Kính gửi: Ủy ban nhân dân tỉnh."));
	assert_null(strstr(html, "Thông tin và Truyền thông"));
	/* Attendance beside the quizzes in the units' table. */
	assert_non_null(strstr(html, "Số người dự hoạt động"));
	free(html);
	q.unit_code = "D1";
	assert_int_equal(report_yearly_page(w->db, "reach", &q, &html, &pb), OUTCOME_OK);
	assert_non_null(strstr(html, "<strong>D1</strong>"));
	assert_non_null(strstr(html, "Kính gửi: Sở Khoa học và Công nghệ."));
	free(html);

	struct audit_actor who = { 0, "quizadm" };
	assert_int_equal(settings_set(w->db, &who, SETTINGS_DEPARTMENT,
				      "Sở Khoa học và Công nghệ tỉnh Hậu Giang", &pb),
			 OUTCOME_OK);
	assert_int_equal(settings_set(w->db, &who, "body.nobody", "x", &pb), OUTCOME_INVALID);
	assert_non_null(strstr(pb.message, "body.department"));
	assert_int_equal(settings_set(w->db, &who, SETTINGS_AUTHORITY, "two\nlines", &pb),
			 OUTCOME_INVALID);
	assert_int_equal(report_yearly_page(w->db, "reach", &q, &html, &pb), OUTCOME_OK);
	assert_non_null(strstr(html, "Kính gửi: Sở Khoa học và Công nghệ tỉnh Hậu Giang."));
	free(html);
	char value[SETTINGS_VALUE_MAX + 1];
	settings_get(w->db, SETTINGS_AUTHORITY, value, sizeof value);
	assert_string_equal(value, "Ủy ban nhân dân tỉnh");
	json_t *list = settings_list_json(w->db);
	json_t *first = json_array_get(json_object_get(list, "settings"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "value")),
			    "Sở Khoa học và Công nghệ tỉnh Hậu Giang");
	assert_string_equal(json_string_value(json_object_get(first, "default")),
			    "Sở Khoa học và Công nghệ");
	json_decref(list);
	/* Back to the default; the change is in the audit log. */
	assert_int_equal(settings_set(w->db, &who, SETTINGS_DEPARTMENT, "", &pb), OUTCOME_OK);
	settings_get(w->db, SETTINGS_DEPARTMENT, value, sizeof value);
	assert_string_equal(value, "Sở Khoa học và Công nghệ");
	json_t *audit = NULL;
	assert_int_equal(audit_page_json(w->db, 10, 0, &audit, &pb), OUTCOME_OK);
	assert_int_equal(json_integer_value(json_object_get(audit, "total")), 2);
	json_t *entry = json_array_get(json_object_get(audit, "entries"), 0);
	assert_string_equal(json_string_value(json_object_get(entry, "action")), "settings.set");
	json_decref(audit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			rows_show_attended_beside_participants_each_person_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
			persons_target_counting_activities_reaches_everyone_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_person_who_moved_is_reached_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(unit_admin_sees_its_subtree_only, setup, teardown),
		cmocka_unit_test_setup_teardown(csv_and_xlsx_carry_attended_and_reached, setup,
						teardown),
		cmocka_unit_test(builtin_targets_count_activities_with_the_plans_words),
		cmocka_unit_test_setup_teardown(yearly_page_names_the_bodies_of_the_settings, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
