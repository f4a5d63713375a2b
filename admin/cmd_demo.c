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
#include "clock.h"
#include "cli.h"
#include "db.h"
#include "db_account.h"
#include "org.h"
#include "quiz.h"
#include "util.h"

struct demo_unit {
	const char *code, *name, *kind, *parent, *level;
};

static const struct demo_unit units[] = {
	{"DEMO", "Tỉnh Demo", "province", NULL, NULL},
	{"DEMO-STTTT", "Sở Thông tin và Truyền thông", "department", "DEMO", NULL},
	{"DEMO-SGDDT", "Sở Giáo dục và Đào tạo", "department", "DEMO", NULL},
	{"DEMO-SNV", "Sở Nội vụ", "agency", "DEMO", NULL},
	{"DEMO-HA", "Huyện Châu Thành", "district", "DEMO", NULL},
	{"DEMO-HB", "Huyện Long Mỹ", "district", "DEMO", NULL},
	{"DEMO-HA-UBND", "Ủy ban nhân dân huyện Châu Thành", "agency", "DEMO-HA", NULL},
	{"DEMO-HB-UBND", "Ủy ban nhân dân huyện Long Mỹ", "agency", "DEMO-HB", NULL},
	{"DEMO-HA-XA1", "Xã Đông Phước", "commune", "DEMO-HA", NULL},
	{"DEMO-THCS-DP", "Trường THCS Đông Phước", "school", "DEMO-HA", "thcs"},
	{"DEMO-THPT-CT", "Trường THPT Châu Thành", "school", "DEMO-HA", "thpt"},
	{"DEMO-THCS-LM", "Trường THCS Long Mỹ", "school", "DEMO-HB", "thcs"},
	{"DEMO-THPT-LM", "Trường THPT Long Mỹ", "school", "DEMO-HB", "thpt"},
	{"DEMO-DH", "Trường Đại học Demo", "university", "DEMO", NULL},
	{"DEMO-BAO", "Báo Demo", "press", "DEMO", NULL},
	{"DEMO-VT", "Viễn thông Demo", "enterprise_telecom_it", "DEMO", NULL},
	{"DEMO-NH", "Ngân hàng Chính sách xã hội chi nhánh Demo", "finance_body", "DEMO", NULL},
};

struct demo_headcount {
	const char *unit, *audience;
	int count;
};

static const struct demo_headcount headcounts[] = {
	{"DEMO-THCS-DP", "pupil", 420}, {"DEMO-THPT-CT", "pupil", 910},
	{"DEMO-THCS-LM", "pupil", 380}, {"DEMO-THPT-LM", "pupil", 760},
	{"DEMO-DH", "university_student", 2400}, {"DEMO-STTTT", "civil_servant", 45},
	{"DEMO-SGDDT", "civil_servant", 60}, {"DEMO-SNV", "civil_servant", 38},
	{"DEMO-HA-UBND", "civil_servant", 85}, {"DEMO-HB-UBND", "civil_servant", 70},
	{"DEMO-STTTT", "agency_head", 4}, {"DEMO-BAO", "journalist", 32},
	{"DEMO-VT", "telecom_it_staff", 150}, {"DEMO-NH", "finance_staff", 40},
};

struct demo_user {
	const char *username, *full_name, *role, *unit, *audience;
};

/* Demo passwords: one per role, printed at the end. */
#define ADMIN_PASSWORD "QuanTri-Demo-2026"
#define UNIT_ADMIN_PASSWORD "DonVi-Demo-2026"
#define PARTICIPANT_PASSWORD "ThiSinh-Demo-2026"

static const struct demo_user users[] = {
	{"admin", "Quản trị Sở TT&TT", "admin", "DEMO", NULL},
	{"truong.thcsdp", "Nguyễn Thị Lan (quản trị trường)", "unit_admin", "DEMO-THCS-DP", NULL},
	{"huyen.chauthanh", "Trần Văn Hùng (quản trị huyện)", "unit_admin", "DEMO-HA", NULL},
	{"hs.an", "Lê Minh An", "participant", "DEMO-THCS-DP", "pupil"},
	{"hs.binh", "Phạm Thị Bình", "participant", "DEMO-THCS-DP", "pupil"},
	{"hs.cuong", "Võ Quốc Cường", "participant", "DEMO-THPT-CT", "pupil"},
	{"hs.dung", "Đặng Thùy Dung", "participant", "DEMO-THPT-LM", "pupil"},
	{"sv.giang", "Hoàng Trường Giang", "participant", "DEMO-DH", "university_student"},
	{"cc.hanh", "Bùi Thị Hạnh", "participant", "DEMO-STTTT", "civil_servant"},
	{"cc.khoa", "Ngô Đăng Khoa", "participant", "DEMO-HA-UBND", "civil_servant"},
	{"ld.long", "Dương Văn Long", "participant", "DEMO-STTTT", "agency_head"},
	{"bc.mai", "Huỳnh Ngọc Mai", "participant", "DEMO-BAO", "journalist"},
	{"vt.nam", "Trịnh Hoài Nam", "participant", "DEMO-VT", "telecom_it_staff"},
	{"tc.oanh", "Lý Kim Oanh", "participant", "DEMO-NH", "finance_staff"},
	{"nd.phuc", "Tạ Hồng Phúc", "participant", "DEMO-HA-XA1", "public"},
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
	struct org_actor actor = {0};
	struct org_errors errors = {0};
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
		    db_headcount_set(cli->db, u.id, year, headcounts[i].audience, headcounts[i].count, 0,
				     clock_now_ms()))
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
	struct org_actor actor = {0};
	struct org_errors errors = {0};
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
		int rc = text ? bank_import_text(cli->db, text, len, names[i], &res) : -1;
		if (rc == 0) {
			printf("bank %s: %d questions\n", res.code, res.question_count);
			imported++;
		} else if (rc == BANK_INVALID) {
			for (size_t k = 0; k < res.errors.n; k++)
				fprintf(stderr, "%s\n", res.errors.items[k].message);
			cli_fail("demo: %s has errors; fix them (make check-banks)", names[i]);
			imported = -1;
		} else if (text) {
			cli_fail("demo: %s: %s", names[i], res.internal);
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
	{"pupil", "vi-pupil", "học sinh"},
	{"university_student", "vi-university-student", "sinh viên"},
	{"civil_servant", "vi-civil-servant", "cán bộ, công chức, viên chức"},
	{"agency_head", "vi-agency-head", "người đứng đầu cơ quan, đơn vị"},
	{"journalist", "vi-journalist", "phóng viên, biên tập viên"},
	{"telecom_it_staff", "vi-telecom-it-staff", "nhân viên doanh nghiệp viễn thông, CNTT"},
	{"finance_staff", "vi-finance-staff", "nhân viên ngân hàng, bảo hiểm, tín dụng"},
	{"public", "vi-public", "người sử dụng Internet"},
};

static int create_quiz(struct cli *cli, json_t *def)
{
	char err[512];
	int64_t id;
	enum quiz_status st = quiz_create(cli->db, def, &id, err, sizeof err);
	int ret = 0;
	const char *code = json_string_value(json_object_get(def, "code"));
	if (st != QUIZ_OK)
		ret = cli_fail("demo quiz %s: %s", code, err) ? -1 : -1;
	else
		printf("quiz %s (id %lld)\n", code, (long long)id);
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
		snprintf(title, sizeof title, "Kiểm tra nhận thức an toàn thông tin năm %d dành cho %s",
			 year, q->label);
		json_t *def = json_pack(
			"{s:s,s:s,s:s,s:b,s:[s],s:n,s:[{s:s,s:i,s:i},{s:s,s:i,s:i},{s:s,s:i,s:i}],"
			"s:i,s:i,s:i,s:s,s:s,s:b,s:b,s:s}",
			"code", code, "title", title, "kind", "quiz", "mandatory", 1, "audiences",
			q->audience, "unit_scope", "draw", "bank", q->bank, "difficulty", 1, "count", 8,
			"bank", q->bank, "difficulty", 2, "count", 10, "bank", q->bank, "difficulty", 3,
			"count", 7, "time_limit_s", 1800, "max_attempts", 3, "pass_percent", 80,
			"opens_at", opens, "closes_at", closes, "shuffle_questions", 1, "shuffle_options",
			1, "review", "after_submit");
		if (create_quiz(cli, def))
			return -1;
	}
	char code[64], title[256];
	snprintf(code, sizeof code, "hs-attt-%d", year);
	snprintf(title, sizeof title, "Cuộc thi \"Học sinh với an toàn thông tin\" năm %d", year);
	json_t *def = json_pack(
		"{s:s,s:s,s:s,s:b,s:[s],s:s,s:[{s:s,s:i}],s:i,s:i,s:i,s:s,s:s,s:b,s:b,s:s,s:s,"
		"s:[{s:s,s:s,s:s},{s:s,s:s,s:s}]}",
		"code", code, "title", title, "kind", "contest", "mandatory", 0, "audiences", "pupil",
		"unit_scope", "DEMO", "draw", "bank", "vi-pupil", "count", 20, "time_limit_s", 900,
		"max_attempts", 2, "pass_percent", 50, "opens_at", opens, "closes_at", closes,
		"shuffle_questions", 1, "shuffle_options", 1, "review", "after_close",
		"prediction_question", "Có bao nhiêu thí sinh trả lời đúng tất cả các câu hỏi?",
		"rounds", "code", "vong-1", "opens_at", opens, "closes_at", mid, "code", "vong-2",
		"opens_at", mid, "closes_at", closes);
	return create_quiz(cli, def);
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
		if (nb < 0 || (nb > 0 && seed_quizzes(cli)))
			return 1;
	}
	printf("demo province created: %zu units, %zu accounts\n", sizeof units / sizeof units[0],
	       sizeof users / sizeof users[0]);
	printf("demo accounts:\n");
	printf("  admin            %s   (administrator)\n", ADMIN_PASSWORD);
	printf("  truong.thcsdp    %s     (unit admin of Trường THCS Đông Phước)\n", UNIT_ADMIN_PASSWORD);
	printf("  hs.an            %s   (pupil; also hs.binh, cc.hanh, bc.mai, vt.nam ...)\n",
	       PARTICIPANT_PASSWORD);
	return 0;
}
