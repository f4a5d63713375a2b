/* cmd_demo.c - quizadm demo: a demo province with departments, districts,
 * schools, agencies, a press body, a telecom enterprise and a finance body,
 * this year's headcounts, an admin, a unit admin and participants, the
 * shipped question banks, a mandatory test for each audience and the yearly
 * pupils' contest. Runs once: a database that already has units is left as
 * it is. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "bank.h"
#include "cli.h"
#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "org.h"
#include "quiz_cache.h"
#include "quiz_def.h"
#include "quiz_write.h"
#include "rng.h"
#include "util.h"

struct demo_unit {
	const char *code, *name, *kind, *parent, *level;
};

static const struct demo_unit units[] = {
	{ "DEMO", "Tỉnh Demo", "province", NULL, NULL },
	{ "DEMO-STTTT", "Sở Thông tin và Truyền thông", "department", "DEMO", NULL },
	{ "DEMO-SGDDT", "Sở Giáo dục và Đào tạo", "department", "DEMO", NULL },
	{ "DEMO-SNV", "Sở Nội vụ", "agency", "DEMO", NULL },
	{ "DEMO-HA", "Huyện Châu Thành", "district", "DEMO", NULL },
	{ "DEMO-HB", "Huyện Long Mỹ", "district", "DEMO", NULL },
	{ "DEMO-HA-UBND", "Ủy ban nhân dân huyện Châu Thành", "agency", "DEMO-HA", NULL },
	{ "DEMO-HB-UBND", "Ủy ban nhân dân huyện Long Mỹ", "agency", "DEMO-HB", NULL },
	{ "DEMO-HA-XA1", "Xã Đông Phước", "commune", "DEMO-HA", NULL },
	{ "DEMO-THCS-DP", "Trường THCS Đông Phước", "school", "DEMO-HA", "thcs" },
	{ "DEMO-THPT-CT", "Trường THPT Châu Thành", "school", "DEMO-HA", "thpt" },
	{ "DEMO-THCS-LM", "Trường THCS Long Mỹ", "school", "DEMO-HB", "thcs" },
	{ "DEMO-THPT-LM", "Trường THPT Long Mỹ", "school", "DEMO-HB", "thpt" },
	{ "DEMO-DH", "Trường Đại học Demo", "university", "DEMO", NULL },
	{ "DEMO-BAO", "Báo Demo", "press", "DEMO", NULL },
	{ "DEMO-VT", "Viễn thông Demo", "enterprise_telecom_it", "DEMO", NULL },
	{ "DEMO-NH", "Ngân hàng Chính sách xã hội chi nhánh Demo", "finance_body", "DEMO", NULL },
};

struct demo_headcount {
	const char *unit, *audience;
	int count;
};

/* Declared a little above the roster, as units count people who have no
 * account yet; the commune declares nothing (its roster stands in). */
static const struct demo_headcount headcounts[] = {
	{ "DEMO-THCS-DP", "pupil", 42 },         { "DEMO-THPT-CT", "pupil", 46 },
	{ "DEMO-THCS-LM", "pupil", 35 },         { "DEMO-THPT-LM", "pupil", 40 },
	{ "DEMO-DH", "university_student", 48 }, { "DEMO-STTTT", "civil_servant", 23 },
	{ "DEMO-SGDDT", "civil_servant", 22 },   { "DEMO-SNV", "civil_servant", 17 },
	{ "DEMO-HA-UBND", "civil_servant", 23 }, { "DEMO-HB-UBND", "civil_servant", 20 },
	{ "DEMO-STTTT", "agency_head", 4 },      { "DEMO-BAO", "journalist", 14 },
	{ "DEMO-VT", "telecom_it_staff", 28 },   { "DEMO-NH", "finance_staff", 17 },
};

struct demo_user {
	const char *username, *full_name, *role, *unit, *audience;
};

/* Demo passwords: one per role, printed at the end. */
#define ADMIN_PASSWORD "QuanTri-Demo-2026"
#define UNIT_ADMIN_PASSWORD "DonVi-Demo-2026"
#define PARTICIPANT_PASSWORD "ThiSinh-Demo-2026"

static const struct demo_user users[] = {
	{ "admin", "Quản trị Sở TT&TT", "admin", "DEMO", NULL },
	{ "truong.thcsdp", "Nguyễn Thị Lan (quản trị trường)", "unit_admin", "DEMO-THCS-DP", NULL },
	{ "huyen.chauthanh", "Trần Văn Hùng (quản trị huyện)", "unit_admin", "DEMO-HA", NULL },
	{ "hs.an", "Lê Minh An", "participant", "DEMO-THCS-DP", "pupil" },
	{ "hs.binh", "Phạm Thị Bình", "participant", "DEMO-THCS-DP", "pupil" },
	{ "hs.cuong", "Võ Quốc Cường", "participant", "DEMO-THPT-CT", "pupil" },
	{ "hs.dung", "Đặng Thùy Dung", "participant", "DEMO-THPT-LM", "pupil" },
	{ "sv.giang", "Hoàng Trường Giang", "participant", "DEMO-DH", "university_student" },
	{ "cc.hanh", "Bùi Thị Hạnh", "participant", "DEMO-STTTT", "civil_servant" },
	{ "cc.khoa", "Ngô Đăng Khoa", "participant", "DEMO-HA-UBND", "civil_servant" },
	{ "ld.long", "Dương Văn Long", "participant", "DEMO-STTTT", "agency_head" },
	{ "bc.mai", "Huỳnh Ngọc Mai", "participant", "DEMO-BAO", "journalist" },
	{ "vt.nam", "Trịnh Hoài Nam", "participant", "DEMO-VT", "telecom_it_staff" },
	{ "tc.oanh", "Lý Kim Oanh", "participant", "DEMO-NH", "finance_staff" },
	{ "nd.phuc", "Tạ Hồng Phúc", "participant", "DEMO-HA-XA1", "public" },
};

static const char *password_for(const char *role)
{
	if (!strcmp(role, "admin"))
		return ADMIN_PASSWORD;
	if (!strcmp(role, "unit_admin"))
		return UNIT_ADMIN_PASSWORD;
	return PARTICIPANT_PASSWORD;
}

static int seed_org(struct cli *cli)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		json_t *u = json_pack("{s:s,s:s,s:s}", "code", units[i].code, "name", units[i].name,
				      "kind", units[i].kind);
		if (units[i].parent)
			json_object_set_new(u, "parent_code", json_string(units[i].parent));
		if (units[i].level)
			json_object_set_new(u, "level", json_string(units[i].level));
		json_array_append_new(rows, u);
	}
	struct org_actor actor = { 0 };
	struct org_errors errors = { 0 };
	int created, updated;
	int rc = org_import_units(cli->db, rows, &actor, &created, &updated, &errors);
	json_decref(rows);
	if (rc) {
		cli_fail("demo units: %s", errors.n ? errors.items[0].message : db_errmsg(cli->db));
		org_errors_cleanup(&errors);
		return -1;
	}
	int year = clock_vn_year(clock_now_ms());
	for (size_t i = 0; i < sizeof headcounts / sizeof headcounts[0]; i++) {
		struct db_unit u;
		if (db_unit_by_code(cli->db, headcounts[i].unit, &u) != 1 ||
		    db_headcount_set(cli->db, u.id, year, headcounts[i].audience,
				     headcounts[i].count, 0, clock_now_ms()))
			return cli_fail("demo headcounts: %s", db_errmsg(cli->db)) ? -1 : -1;
	}
	return 0;
}

static int seed_users(struct cli *cli)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
		json_t *u = json_pack("{s:s,s:s,s:s,s:s,s:s}", "username", users[i].username,
				      "full_name", users[i].full_name, "role", users[i].role,
				      "unit_code", users[i].unit, "password",
				      password_for(users[i].role));
		if (users[i].audience)
			json_object_set_new(u, "audience", json_string(users[i].audience));
		json_array_append_new(rows, u);
	}
	struct org_actor actor = { 0 };
	struct org_errors errors = { 0 };
	json_t *passwords = NULL;
	int created = 0;
	struct auth *auth = cli_auth(cli);
	int rc = auth ? org_import_users(cli->db, auth, rows, &actor, &created, &passwords, &errors)
		      : -1;
	if (rc == 0 && errors.n)
		rc = cli_fail("demo users: %s", errors.items[0].message) ? -1 : -1;
	else if (rc)
		cli_fail("demo users: %s", db_errmsg(cli->db));
	json_decref(passwords);
	json_decref(rows);
	org_errors_cleanup(&errors);
	return rc;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Imports every *.json bank in dir (in name order). Returns the number
 * imported, or -1 after printing why one failed. */
static int seed_banks(struct cli *cli, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return cli_fail("demo: cannot open bank directory %s", dir) ? -1 : -1;
	char *names[64];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		size_t len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
			names[n++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], compare_names);
	int imported = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *text = cli_read_file(names[i], &len);
		struct bank_result res;
		bank_result_init(&res);
		enum outcome rc = text ? bank_import_text(cli->db, text, len, names[i], &res)
				       : OUTCOME_INTERNAL;
		if (rc == OUTCOME_OK) {
			printf("bank %s: %d questions\n", res.code, res.question_count);
			imported++;
		} else if (res.errors.n) {
			for (size_t k = 0; k < res.errors.n; k++)
				fprintf(stderr, "%s\n", res.errors.items[k].message);
			cli_fail("demo: %s has errors; fix them (make check-banks)", names[i]);
			imported = -1;
		} else if (text) {
			cli_fail("demo: %s: %s", names[i], res.problem.message);
			imported = -1;
		}
		bank_result_cleanup(&res);
		free(text);
		if (imported < 0) {
			for (size_t k = i; k < n; k++)
				free(names[k]);
			return -1;
		}
		free(names[i]);
	}
	return imported;
}

struct demo_quiz {
	const char *audience, *bank, *label;
};

static const struct demo_quiz demo_quizzes[] = {
	{ "pupil", "vi-pupil", "học sinh" },
	{ "university_student", "vi-university-student", "sinh viên" },
	{ "civil_servant", "vi-civil-servant", "cán bộ, công chức, viên chức" },
	{ "agency_head", "vi-agency-head", "người đứng đầu cơ quan, đơn vị" },
	{ "journalist", "vi-journalist", "phóng viên, biên tập viên" },
	{ "telecom_it_staff", "vi-telecom-it-staff", "nhân viên doanh nghiệp viễn thông, CNTT" },
	{ "finance_staff", "vi-finance-staff", "nhân viên ngân hàng, bảo hiểm, tín dụng" },
	{ "public", "vi-public", "người sử dụng Internet" },
};

/* The demo quizzes' ids: one per audience (in demo_quizzes order), then the
 * contest. */
#define N_DEMO_QUIZZES (sizeof demo_quizzes / sizeof demo_quizzes[0])
static int64_t demo_quiz_ids[N_DEMO_QUIZZES + 1];

static int create_quiz(struct cli *cli, json_t *def, int64_t *out_id)
{
	struct problem err;
	int64_t id = 0;
	enum outcome st = quiz_create(cli->db, def, &id, &err);
	int ret = 0;
	const char *code = json_string_value(json_object_get(def, "code"));
	if (st != OUTCOME_OK)
		ret = cli_fail("demo quiz %s: %s", code, err.message) ? -1 : -1;
	else
		printf("quiz %s (id %lld)\n", code, (long long)id);
	*out_id = id;
	json_decref(def);
	return ret;
}

/* This year's mandatory test for each audience (25 questions: 8 easy,
 * 10 medium, 7 hard; 30 minutes) and the pupils' contest in two rounds. */
static int seed_quizzes(struct cli *cli)
{
	int year = clock_vn_year(clock_now_ms());
	char opens[32], closes[32], mid[32];
	clock_format(clock_vn_year_start_ms(year), opens);
	clock_format(clock_vn_year_start_ms(year + 1) - 1000, closes);
	clock_format(clock_vn_date_ms(year, 7, 1), mid);
	for (size_t i = 0; i < sizeof demo_quizzes / sizeof demo_quizzes[0]; i++) {
		const struct demo_quiz *q = &demo_quizzes[i];
		char code[64], title[256];
		snprintf(code, sizeof code, "kiem-tra-%d-%s", year, q->audience);
		snprintf(title, sizeof title,
			 "Kiểm tra nhận thức an toàn thông tin năm %d dành cho %s", year, q->label);
		json_t *def = json_pack(
			"{s:s,s:s,s:s,s:b,s:[s],s:n,s:[{s:s,s:i,s:i},{s:s,s:i,s:i},{s:s,s:i,s:i}],"
			"s:i,s:i,s:i,s:s,s:s,s:b,s:b,s:s}",
			"code", code, "title", title, "kind", "quiz", "mandatory", 1, "audiences",
			q->audience, "unit_scope", "draw", "bank", q->bank, "difficulty", 1,
			"count", 8, "bank", q->bank, "difficulty", 2, "count", 10, "bank", q->bank,
			"difficulty", 3, "count", 7, "time_limit_s", 1800, "max_attempts", 3,
			"pass_percent", 80, "opens_at", opens, "closes_at", closes,
			"shuffle_questions", 1, "shuffle_options", 1, "review", "after_submit");
		if (create_quiz(cli, def, &demo_quiz_ids[i]))
			return -1;
	}
	char code[64], title[256];
	snprintf(code, sizeof code, "hs-attt-%d", year);
	snprintf(title, sizeof title, "Cuộc thi \"Học sinh với an toàn thông tin\" năm %d", year);
	json_t *def = json_pack(
		"{s:s,s:s,s:s,s:b,s:[s],s:s,s:[{s:s,s:i}],s:i,s:i,s:i,s:s,s:s,s:b,s:b,s:s,s:s,"
		"s:[{s:s,s:s,s:s},{s:s,s:s,s:s}]}",
		"code", code, "title", title, "kind", "contest", "mandatory", 0, "audiences",
		"pupil", "unit_scope", "DEMO", "draw", "bank", "vi-pupil", "count", 20,
		"time_limit_s", 900, "max_attempts", 2, "pass_percent", 50, "opens_at", opens,
		"closes_at", closes, "shuffle_questions", 1, "shuffle_options", 1, "review",
		"after_close", "prediction_question",
		"Có bao nhiêu thí sinh trả lời đúng tất cả các câu hỏi?", "rounds", "code",
		"vong-1", "opens_at", opens, "closes_at", mid, "code", "vong-2", "opens_at", mid,
		"closes_at", closes);
	return create_quiz(cli, def, &demo_quiz_ids[N_DEMO_QUIZZES]);
}

/* ---- a season of participation ------------------------------------------
 * Rostered people in each unit, and attempts taken by most of them over the
 * last weeks through the quiz rules themselves (draw, answers, scoring), so
 * the reports, leaderboard and item statistics have something to show. */

struct demo_roster {
	const char *unit, *audience;
	int people;
	double take_rate;
};

static const struct demo_roster roster[] = {
	{ "DEMO-THCS-DP", "pupil", 36, 0.85 },        { "DEMO-THPT-CT", "pupil", 40, 0.6 },
	{ "DEMO-THCS-LM", "pupil", 30, 0.4 },         { "DEMO-THPT-LM", "pupil", 34, 0.75 },
	{ "DEMO-DH", "university_student", 40, 0.5 }, { "DEMO-STTTT", "civil_servant", 20, 0.95 },
	{ "DEMO-SGDDT", "civil_servant", 20, 0.7 },   { "DEMO-SNV", "civil_servant", 15, 0.6 },
	{ "DEMO-HA-UBND", "civil_servant", 20, 0.8 }, { "DEMO-HB-UBND", "civil_servant", 18, 0.45 },
	{ "DEMO-STTTT", "agency_head", 3, 1.0 },      { "DEMO-BAO", "journalist", 12, 0.9 },
	{ "DEMO-VT", "telecom_it_staff", 25, 0.8 },   { "DEMO-NH", "finance_staff", 15, 0.7 },
	{ "DEMO-HA-XA1", "public", 20, 0.5 },
};

static const char *const family_names[] = { "Nguyễn", "Trần", "Lê",    "Phạm", "Hoàng", "Huỳnh",
					    "Phan",   "Vũ",   "Võ",    "Đặng", "Bùi",   "Đỗ",
					    "Hồ",     "Ngô",  "Dương", "Lý" };
static const char *const middle_names[] = { "Văn",   "Thị", "Minh", "Ngọc", "Quốc",
					    "Thanh", "Hữu", "Gia",  "Bảo",  "Đức" };
static const char *const given_names[] = { "An",   "Bình",  "Châu", "Dũng",  "Giang", "Hà",
					   "Hải",  "Hạnh",  "Hiếu", "Hoa",   "Huy",   "Khánh",
					   "Lan",  "Linh",  "Long", "Mai",   "Nam",   "Nga",
					   "Ngân", "Phúc",  "Quân", "Quỳnh", "Sơn",   "Tâm",
					   "Thảo", "Trang", "Tuấn", "Uyên",  "Vy",    "Yến" };
#define PICK(r, list) list[rng_seeded_below(r, sizeof list / sizeof list[0])]

static double unit_random(struct rng_seeded *r)
{
	return (double)(rng_seeded_next(r) >> 11) / 9007199254740992.0;
}

/* The answer a person of this skill gives: a right one with probability
 * skill, else a wrong one. New reference. */
static json_t *demo_answer(const struct db_question *q, double skill, struct rng_seeded *r)
{
	bool right = unit_random(r) < skill;
	if (!strcmp(q->type, "short"))
		return json_pack("{s:s}", "text",
				 right && q->noptions ? q->options[0].text : "không rõ");
	json_t *choices = json_array();
	for (size_t i = 0; i < q->noptions; i++) {
		bool good = q->options[i].weight > 0;
		if (good == right) {
			json_array_append_new(choices, json_integer(q->options[i].id));
			if (strcmp(q->type, "multiple") != 0)
				break;
		}
	}
	return json_pack("{s:o}", "choices", choices);
}

/* One attempt from start to submission (or abandoned, left for the
 * sweeper), inside the caller's transaction. */
static int demo_attempt(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
			const struct quiz_participant *p, int64_t start, double skill, bool abandon,
			struct rng_seeded *r)
{
	struct quiz_write w = { 0 };
	int ret = 0;
	if (quiz_start_prepare(db, qc, q, p, start, QUIZ_GRACE_MAX_MS, &w) != OUTCOME_OK)
		goto out; /* not open to this person then: nothing to take */
	if (quiz_write_apply(db, qc, &w) || w.status != OUTCOME_OK) {
		ret = w.status == OUTCOME_OK || w.status == OUTCOME_INTERNAL ? -1 : 0;
		goto out;
	}
	int64_t attempt_id = w.attempt.id, t = start;
	size_t n = w.nquestions;
	int64_t *ids = xcalloc(n, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = w.questions[i].question_id;
	quiz_write_cleanup(&w);
	memset(&w, 0, sizeof w);
	for (size_t i = 0; i < n && ret == 0; i++) {
		t += 15000 + (int64_t)rng_seeded_below(r, 25000);
		const struct db_question *qq = quiz_qcache_get(qc, db, ids[i]);
		if (!qq) {
			ret = -1;
			break;
		}
		json_t *body = demo_answer(qq, skill, r);
		struct quiz_write aw = { 0 };
		if (quiz_answer_prepare(db, qc, p->user_id, attempt_id, ids[i], body, t,
					QUIZ_GRACE_MAX_MS, &aw) == OUTCOME_OK &&
		    quiz_write_apply(db, qc, &aw))
			ret = -1;
		quiz_write_cleanup(&aw);
		json_decref(body);
	}
	free(ids);
	if (ret == 0 && !abandon) {
		bool predict = q->prediction_question != NULL;
		quiz_finish_prepare(attempt_id, true, predict,
				    predict ? (int64_t)rng_seeded_below(r, 40) : 0, t + 5000,
				    QUIZ_GRACE_MAX_MS, &w);
		if (quiz_write_apply(db, qc, &w))
			ret = -1;
	}
out:
	quiz_write_cleanup(&w);
	return ret;
}

static int seed_history(struct cli *cli)
{
	struct rng_seeded r;
	rng_seeded_init(&r, 20261130);
	int64_t now = clock_now_ms();
	int64_t from = now - 75LL * 86400000;
	int64_t year_start = clock_vn_year_start_ms(clock_vn_year(now)) + 3600000;
	if (from < year_start)
		from = year_start;
	if (now - 3600000 <= from)
		return 0; /* too early in the year for a history */
	struct quiz_qcache *qc = quiz_qcache_new();
	int people = 0, attempts = 0, ret = -1;
	if (db_begin_write(cli->db))
		goto rollback;
	for (size_t i = 0; i < sizeof roster / sizeof roster[0]; i++) {
		const struct demo_roster *ro = &roster[i];
		struct db_unit unit;
		if (db_unit_by_code(cli->db, ro->unit, &unit) != 1)
			goto rollback;
		size_t k = 0;
		while (k < N_DEMO_QUIZZES && strcmp(demo_quizzes[k].audience, ro->audience) != 0)
			k++;
		int found = 0;
		const struct db_quiz *test =
			k < N_DEMO_QUIZZES ? quiz_qcache_quiz(qc, cli->db, demo_quiz_ids[k], &found)
					   : NULL;
		const struct db_quiz *contest =
			quiz_qcache_quiz(qc, cli->db, demo_quiz_ids[N_DEMO_QUIZZES], &found);
		/* Numbers continue across rows of the same unit. */
		int first = 1;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(roster[j].unit, ro->unit))
				first += roster[j].people;
		for (int n = 0; n < ro->people; n++) {
			char username[64], name[128];
			snprintf(username, sizeof username, "%s.%02d", ro->unit, first + n);
			for (char *c = username; *c; c++)
				*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
			snprintf(name, sizeof name, "%s %s %s", PICK(&r, family_names),
				 PICK(&r, middle_names), PICK(&r, given_names));
			int64_t uid = db_fixture_person(cli->db, username, name, "participant",
							unit.id, ro->audience);
			if (uid < 0)
				goto rollback;
			people++;
			if (unit_random(&r) >= ro->take_rate)
				continue;
			struct quiz_participant p = { uid, unit.id, unit.path, ro->audience, NULL };
			double skill = 0.6 + 0.39 * unit_random(&r);
			int64_t start = from + (int64_t)rng_seeded_below(
						       &r, (uint64_t)(now - 3600000 - from));
			bool abandon = unit_random(&r) < 0.05;
			if (test && demo_attempt(cli->db, qc, test, &p, start, skill, abandon, &r))
				goto rollback;
			attempts++;
			if (contest && !strcmp(ro->audience, "pupil") && unit_random(&r) < 0.6) {
				if (demo_attempt(cli->db, qc, contest, &p, start + 86400000LL,
						 skill, false, &r))
					goto rollback;
				attempts++;
			}
		}
	}
	if (db_commit(cli->db))
		goto rollback;
	printf("demo history: %d rostered people, %d attempts\n", people, attempts);
	ret = 0;
	goto out;
rollback:
	db_rollback(cli->db);
	cli_fail("demo history: %s", db_errmsg(cli->db));
out:
	quiz_qcache_free(qc);
	return ret;
}

int cmd_demo(struct cli *cli, int argc, char **argv)
{
	const char *banks = cli_opt(argc, argv, "--banks", NULL);
	int64_t n = db_unit_count(cli->db);
	if (n < 0)
		return cli_fail("%s", db_errmsg(cli->db));
	if (n > 0) {
		printf("demo: the database already has units; nothing added\n");
		return 0;
	}
	if (seed_org(cli) || seed_users(cli))
		return 1;
	if (banks) {
		int nb = seed_banks(cli, banks);
		if (nb < 0 || (nb > 0 && (seed_quizzes(cli) || seed_history(cli))))
			return 1;
	}
	printf("demo province created: %zu units, %zu accounts\n", sizeof units / sizeof units[0],
	       sizeof users / sizeof users[0]);
	printf("demo accounts:\n");
	printf("  admin            %s   (administrator)\n", ADMIN_PASSWORD);
	printf("  truong.thcsdp    %s     (unit admin of Trường THCS Đông Phước)\n",
	       UNIT_ADMIN_PASSWORD);
	printf("  hs.an            %s   (pupil; also hs.binh, cc.hanh, bc.mai, vt.nam ...)\n",
	       PARTICIPANT_PASSWORD);
	return 0;
}
