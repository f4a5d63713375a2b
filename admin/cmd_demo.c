/* cmd_demo.c - quizadm demo: a demo province with departments, districts,
 * schools, agencies, a press body, a telecom enterprise and a finance body,
 * this year's headcounts, an admin, a unit admin and participants. Runs
 * once: a database that already has units is left as it is. */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "clock.h"
#include "cli.h"
#include "db.h"
#include "db_account.h"
#include "org.h"
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

int cmd_demo(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int64_t n = db_unit_count(cli->db);
	if (n < 0)
		return cli_fail("%s", db_errmsg(cli->db));
	if (n > 0) {
		printf("demo: the database already has units; nothing added\n");
		return 0;
	}
	if (seed_org(cli) || seed_users(cli))
		return 1;
	printf("demo province created: %zu units, %zu accounts\n", sizeof units / sizeof units[0],
	       sizeof users / sizeof users[0]);
	printf("demo accounts:\n");
	printf("  admin            %s   (administrator)\n", ADMIN_PASSWORD);
	printf("  truong.thcsdp    %s     (unit admin of Trường THCS Đông Phước)\n", UNIT_ADMIN_PASSWORD);
	printf("  hs.an            %s   (pupil; also hs.binh, cc.hanh, bc.mai, vt.nam ...)\n",
	       PARTICIPANT_PASSWORD);
	return 0;
}
