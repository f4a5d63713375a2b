/* plan.c - the built-in plan templates and the plan JSON of api.md. */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "db_plan.h"
#include "org.h"
#include "util.h"

/* Every target of the built-in plans counts activities: each is worded as
 * people or units "reached" (được tuyên truyền, phổ biến) or programmes
 * run, which a training, seminar or event does as a quiz does. The reason
 * quotes the plan's words. */
#define T(id, metric, aud, kind, topic, cmp, thr, src, why)                                        \
	{                                                                                          \
		id, metric, aud, kind, topic, cmp, thr, src, "activities", why                     \
	}

#define WHY_AGENCIES                                                                                                                \
	"Kế hoạch giao “triển khai kế hoạch tuyên truyền, phổ biến các kỹ năng cơ bản về bảo đảm " \
	"ATTT … cho cán bộ, công chức, viên chức, người lao động”: lớp tập huấn, hội nghị của cơ "  \
	"quan là chương trình như vậy, nên được tính cùng bài kiểm tra."
#define WHY_FINANCE                                                                                                             \
	"Kế hoạch giao “xây dựng và triển khai các kế hoạch tuyên truyền, nâng cao nhận thức và "     \
	"kỹ năng cơ bản bảo đảm ATTT cho cán bộ, nhân viên”: buổi tập huấn cho cán bộ, nhân viên " \
	"được tính cùng bài kiểm tra."
#define WHY_SCHOOLS                                                                                                             \
	"Kế hoạch giao “các chương trình hàng năm tuyên truyền, phổ biến về các nguy cơ và kỹ "       \
	"năng "                                                                                                                \
	"cần thiết”: buổi ngoại khoá, chào cờ, trò chơi trực tiếp ở trường được tính cùng bài " \
	"kiểm tra."
#define WHY_CRITICAL                                                                                                             \
	"Kế hoạch giao “các chương trình hàng năm tuyên truyền, phổ biến, hướng dẫn khả năng đọc " \
	"tin, tư duy phê phán”: hoạt động về chủ đề tin giả được tính cùng bài kiểm tra."
#define WHY_REACHED                                                                                                                    \
	"Chỉ tiêu là người “được tuyên truyền, phổ biến”, không chỉ người làm bài: người dự tập " \
	"huấn, hội thảo, sự kiện được tính, mỗi người một lần."
#define WHY_CIVIL_SERVANTS                                                                                                            \
	"Chỉ tiêu là “100% công chức, viên chức, cán bộ … được tuyên truyền, phổ biến”: người dự " \
	"lớp tập huấn cho cán bộ, công chức được tính, mỗi người một lần."
#define WHY_TELECOM                                                                                                     \
	"Kế hoạch giao doanh nghiệp “thực hiện tuyên truyền, phổ biến nguy cơ, quy trình điều " \
	"phối "                                                                                                       \
	"ứng cứu, xử lý sự cố”: buổi tập huấn của doanh nghiệp được tính cùng bài kiểm tra."
#define WHY_JOURNALISTS                                                                                                           \
	"Chỉ tiêu là phóng viên “được phổ biến về các nguy cơ, hậu quả” và kế hoạch giao “tổ " \
	"chức "                                                                                                                 \
	"tập huấn, phổ biến cho đội ngũ phóng viên”: người dự tập huấn được tính."
#define WHY_HEADS                                                                                                              \
	"Chỉ tiêu là người đứng đầu “được tuyên truyền, nâng cao nhận thức và trách nhiệm”: " \
	"người "                                                                                                            \
	"dự hội nghị, hội thảo dành cho lãnh đạo được tính, mỗi người một lần."
#define WHY_DOMESTIC                                                                                                        \
	"Chỉ tiêu là cơ quan, tổ chức “được tuyên truyền về các sản phẩm, dịch vụ ATTT trong " \
	"nước”: hội thảo giới thiệu sản phẩm trong nước được tính cùng bài kiểm tra."

/* The targets of Decision 1907 that provinces adopted unchanged; each plan
 * names its own source. */
#define AGENCIES_RUN(src)                                                                          \
	T("agencies_run_programme", "units", "civil_servant", "agency", "", ">=", 100, src,        \
	  WHY_AGENCIES)
#define SCHOOLS_RISK(src)                                                                          \
	T("schools_risk_programme", "units", "pupil", "school", "", ">", 80, src, WHY_SCHOOLS)
#define INTERNET_USERS(src)                                                                        \
	T("internet_users_reached", "persons", "public", "", "", ">", 80, src, WHY_REACHED)
#define STUDENTS(src)                                                                              \
	T("students_reached", "persons", "university_student", "", "", ">=", 100, src, WHY_REACHED)
#define TELECOM_IT(src)                                                                            \
	T("telecom_it_enterprises", "units", "telecom_it_staff", "enterprise_telecom_it", "",      \
	  ">=", 100, src, WHY_TELECOM)
#define JOURNALISTS(src)                                                                           \
	T("journalists_reached", "persons", "journalist", "", "", ">", 90, src, WHY_JOURNALISTS)
#define AGENCY_HEADS(src)                                                                          \
	T("agency_heads_reached", "persons", "agency_head", "", "", ">=", 100, src, WHY_HEADS)
#define DOMESTIC_PRODUCTS(src)                                                                     \
	T("domestic_products_known", "units", "civil_servant", "agency", "domestic_products",      \
	  ">=", 80, src, WHY_DOMESTIC)

/* plan-targets.md, "Targets of Decision 1907 as adopted by the provinces". */
static const struct plan builtin_plans[] = {
	{
		.code = "hau-giang-1907",
		.title = "Kế hoạch triển khai Đề án “Tuyên truyền, nâng cao nhận thức và phổ biến "
			 "kiến thức về an toàn thông tin giai đoạn 2021 – 2025” (Quyết định "
			 "1907/QĐ-TTg) – tỉnh Hậu Giang",
		.ndeadlines = 2,
		.deadline_month = {11, 12},
		.deadline_day = {30, 15},
		.unit_min_participation = 50,
		.ntargets = 10,
		.targets = {
			AGENCIES_RUN("000 (Hậu Giang), mục tiêu cụ thể"),
			T("finance_bodies_run_programme", "units", "finance_staff", "finance_body", "",
			  ">=", 100, "000 (Hậu Giang), mục tiêu cụ thể", WHY_FINANCE),
			SCHOOLS_RISK("000 (Hậu Giang), mục tiêu cụ thể"),
			T("schools_critical_thinking", "units", "pupil", "school", "misinformation",
			  ">", 70, "000 (Hậu Giang), mục tiêu cụ thể", WHY_CRITICAL),
			INTERNET_USERS("000 (Hậu Giang), mục tiêu cụ thể"),
			STUDENTS("000 (Hậu Giang), mục tiêu cụ thể"),
			TELECOM_IT("000 (Hậu Giang), mục tiêu cụ thể"),
			JOURNALISTS("000 (Hậu Giang), mục tiêu cụ thể"),
			AGENCY_HEADS("000 (Hậu Giang), mục tiêu cụ thể"),
			DOMESTIC_PRODUCTS("000 (Hậu Giang), mục tiêu cụ thể"),
		},
	},
	{
		.code = "ha-noi-1907",
		.title = "Kế hoạch 233/KH-UBND thực hiện Đề án “Tuyên truyền, nâng cao nhận thức và "
			 "phổ biến kiến thức về an toàn thông tin giai đoạn 2021 – 2025” – Thành phố "
			 "Hà Nội",
		/* Checked and reported each quarter; the last is also the yearly summary. */
		.ndeadlines = 4,
		.deadline_month = {3, 6, 9, 12},
		.deadline_day = {31, 30, 30, 31},
		.unit_min_participation = 50,
		.ntargets = 9,
		.targets = {
			AGENCIES_RUN("003 (Hà Nội), mục tiêu cụ thể"),
			SCHOOLS_RISK("003 (Hà Nội), mục tiêu cụ thể"),
			T("schools_critical_thinking", "units", "pupil", "school", "misinformation",
			  ">=", 50, "003 (Hà Nội), mục tiêu cụ thể", WHY_CRITICAL),
			INTERNET_USERS("003 (Hà Nội), mục tiêu cụ thể"),
			STUDENTS("003 (Hà Nội), mục tiêu cụ thể"),
			TELECOM_IT("003 (Hà Nội), mục tiêu cụ thể"),
			JOURNALISTS("003 (Hà Nội), mục tiêu cụ thể"),
			AGENCY_HEADS("003 (Hà Nội), mục tiêu cụ thể"),
			DOMESTIC_PRODUCTS("003 (Hà Nội), mục tiêu cụ thể"),
		},
	},
	{
		.code = "binh-thuan-1907",
		.title = "Kế hoạch triển khai Đề án “Tuyên truyền, nâng cao nhận thức và phổ biến "
			 "kiến thức về an toàn thông tin giai đoạn 2021 – 2025” – tỉnh Bình Thuận",
		.ndeadlines = 1,
		.deadline_month = {12},
		.deadline_day = {15},
		.unit_min_participation = 50,
		.ntargets = 10,
		.targets = {
			T("civil_servants_reached", "persons", "civil_servant", "", "", ">=", 100,
			  "004 (Bình Thuận), mục d", WHY_CIVIL_SERVANTS),
			SCHOOLS_RISK("004 (Bình Thuận), mục e"),
			T("schools_critical_thinking", "units", "pupil", "school", "misinformation",
			  ">=", 50, "004 (Bình Thuận), mục e", WHY_CRITICAL),
			INTERNET_USERS("004 (Bình Thuận), mục g"),
			STUDENTS("004 (Bình Thuận), mục g"),
			T("pupils_reached", "persons", "pupil", "", "", ">=", 100,
			  "004 (Bình Thuận), mục g", WHY_REACHED),
			T("telecom_it_staff_reached", "persons", "telecom_it_staff", "", "",
			  ">=", 100, "004 (Bình Thuận), mục đ", WHY_TELECOM),
			JOURNALISTS("004 (Bình Thuận), mục h"),
			AGENCY_HEADS("004 (Bình Thuận), mục c"),
			DOMESTIC_PRODUCTS("004 (Bình Thuận), trong mục g"),
		},
	},
};
#define N_BUILTIN (sizeof builtin_plans / sizeof builtin_plans[0])

size_t plan_builtin_count(void)
{
	return N_BUILTIN;
}

const struct plan *plan_builtin(size_t i)
{
	return i < N_BUILTIN ? &builtin_plans[i] : NULL;
}

/* Copies a string member into dst; absent is "" unless required. */
static enum outcome get_str(json_t *obj, const char *name, char *dst, size_t dstlen, bool required,
			    const char *where, struct problem *p)
{
	json_t *v = json_object_get(obj, name);
	dst[0] = '\0';
	if (!v || json_is_null(v)) {
		if (required) {
			return problem_set(p, OUTCOME_INVALID, "%s'%s' is required.", where, name);
		}
		return OUTCOME_OK;
	}
	if (!json_is_string(v)) {
		return problem_set(p, OUTCOME_INVALID, "%s'%s' must be a string.", where, name);
	}
	const char *s = json_string_value(v);
	if (strlen(s) >= dstlen || !util_valid_utf8(s, dstlen - 1)) {
		return problem_set(p, OUTCOME_INVALID,
				   "%s'%s' is longer than %zu bytes or not UTF-8.", where, name,
				   dstlen - 1);
	}
	util_strlcpy(dst, s, dstlen);
	return OUTCOME_OK;
}

static enum outcome get_percent(json_t *obj, const char *name, double *out, bool required,
				double dflt, const char *where, struct problem *p)
{
	json_t *v = json_object_get(obj, name);
	if (!v || json_is_null(v)) {
		if (required) {
			return problem_set(p, OUTCOME_INVALID, "%s'%s' is required.", where, name);
		}
		*out = dflt;
		return OUTCOME_OK;
	}
	if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 100) {
		return problem_set(p, OUTCOME_INVALID,
				   "%s'%s' must be a number from 0 to 100 (percent).", where, name);
	}
	*out = json_number_value(v);
	return OUTCOME_OK;
}

static bool valid_mmdd(const char *s, int *month, int *day)
{
	static const int days_in[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (strlen(s) != 5 || s[2] != '-')
		return false;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return false;
	*month = (s[0] - '0') * 10 + (s[1] - '0');
	*day = (s[3] - '0') * 10 + (s[4] - '0');
	return *month >= 1 && *month <= 12 && *day >= 1 && *day <= days_in[*month - 1];
}

static enum outcome target_from_json(json_t *t, int index, struct plan_target *out,
				     struct problem *p)
{
	char where[48];
	snprintf(where, sizeof where, "targets[%d]: ", index);
	memset(out, 0, sizeof *out);
	if (!json_is_object(t)) {
		return problem_set(p, OUTCOME_INVALID, "%smust be an object.", where);
	}
	if (get_str(t, "id", out->id, sizeof out->id, true, where, p) ||
	    get_str(t, "metric", out->metric, sizeof out->metric, true, where, p) ||
	    get_str(t, "audience", out->audience, sizeof out->audience, true, where, p) ||
	    get_str(t, "unit_kind", out->unit_kind, sizeof out->unit_kind, false, where, p) ||
	    get_str(t, "topic", out->topic, sizeof out->topic, false, where, p) ||
	    get_str(t, "comparator", out->comparator, sizeof out->comparator, false, where, p) ||
	    get_str(t, "source", out->source, sizeof out->source, false, where, p) ||
	    get_str(t, "counts", out->counts, sizeof out->counts, false, where, p) ||
	    get_str(t, "counts_reason", out->counts_reason, sizeof out->counts_reason, false, where,
		    p) ||
	    get_percent(t, "threshold", &out->threshold, true, 0, where, p))
		return OUTCOME_INVALID;
	if (!util_valid_code(out->id)) {
		return problem_set(p, OUTCOME_INVALID, "%s'id' must match [A-Za-z0-9_.-]{1,64}.",
				   where);
	}
	if (strcmp(out->metric, "persons") != 0 && strcmp(out->metric, "units") != 0) {
		return problem_set(p, OUTCOME_INVALID,
				   "%s'metric' must be \"persons\" or \"units\".", where);
	}
	if (!org_valid_audience(out->audience)) {
		return problem_set(p, OUTCOME_INVALID, "%s'audience' %s is not a known audience.",
				   where, out->audience);
	}
	if (strcmp(out->metric, "units") == 0) {
		if (!out->unit_kind[0] || !org_valid_unit_kind(out->unit_kind)) {
			return problem_set(p, OUTCOME_INVALID,
					   "%s'unit_kind' must be a unit kind for a units target.",
					   where);
		}
	} else if (out->unit_kind[0]) {
		return problem_set(p, OUTCOME_INVALID,
				   "%s'unit_kind' applies to units targets only.", where);
	}
	if (out->topic[0] && !util_valid_code(out->topic)) {
		return problem_set(p, OUTCOME_INVALID, "%s'topic' must match [A-Za-z0-9_.-]{1,64}.",
				   where);
	}
	if (!out->counts[0])
		util_strlcpy(out->counts, "quizzes", sizeof out->counts);
	if (strcmp(out->counts, "quizzes") != 0 && strcmp(out->counts, "activities") != 0) {
		return problem_set(p, OUTCOME_INVALID,
				   "%s'counts' must be \"quizzes\" or \"activities\".", where);
	}
	if (!out->comparator[0])
		util_strlcpy(out->comparator, ">=", sizeof out->comparator);
	if (strcmp(out->comparator, ">=") != 0 && strcmp(out->comparator, ">") != 0) {
		return problem_set(p, OUTCOME_INVALID, "%s'comparator' must be \">=\" or \">\".",
				   where);
	}
	return OUTCOME_OK;
}

enum outcome plan_from_json(json_t *obj, struct plan *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	if (!json_is_object(obj)) {
		return problem_set(p, OUTCOME_INVALID, "the plan must be a JSON object.");
	}
	if (get_str(obj, "code", out->code, sizeof out->code, true, "", p) ||
	    get_str(obj, "title", out->title, sizeof out->title, true, "", p) ||
	    get_percent(obj, "unit_min_participation", &out->unit_min_participation, false, 50, "",
			p))
		return OUTCOME_INVALID;
	if (!util_valid_code(out->code)) {
		return problem_set(p, OUTCOME_INVALID, "'code' must match [A-Za-z0-9_.-]{1,64}.");
	}
	if (!out->title[0]) {
		return problem_set(p, OUTCOME_INVALID, "'title' must not be empty.");
	}
	json_t *deadlines = json_object_get(obj, "deadlines");
	if (deadlines && !json_is_null(deadlines)) {
		if (!json_is_array(deadlines) || json_array_size(deadlines) > PLAN_MAX_DEADLINES) {
			return problem_set(p, OUTCOME_INVALID,
					   "'deadlines' must be an array of at most %d \"MM-DD\".",
					   PLAN_MAX_DEADLINES);
		}
		size_t i;
		json_t *d;
		json_array_foreach(deadlines, i, d)
		{
			int m, day;
			if (!json_is_string(d) || !valid_mmdd(json_string_value(d), &m, &day)) {
				return problem_set(p, OUTCOME_INVALID,
						   "deadlines[%zu] must be a date \"MM-DD\".", i);
			}
			/* Kept in calendar order so the next deadline is the first ahead. */
			int at = out->ndeadlines;
			while (at > 0 &&
			       (out->deadline_month[at - 1] * 100 + out->deadline_day[at - 1] >
				m * 100 + day)) {
				out->deadline_month[at] = out->deadline_month[at - 1];
				out->deadline_day[at] = out->deadline_day[at - 1];
				at--;
			}
			out->deadline_month[at] = m;
			out->deadline_day[at] = day;
			out->ndeadlines++;
		}
	}
	json_t *targets = json_object_get(obj, "targets");
	if (!json_is_array(targets)) {
		return problem_set(p, OUTCOME_INVALID,
				   "'targets' is required and must be an array.");
	}
	if (json_array_size(targets) > PLAN_MAX_TARGETS) {
		return problem_set(p, OUTCOME_INVALID, "'targets' holds at most %d targets.",
				   PLAN_MAX_TARGETS);
	}
	size_t i;
	json_t *t;
	json_array_foreach(targets, i, t)
	{
		struct plan_target *pt = &out->targets[out->ntargets];
		if (target_from_json(t, (int)i, pt, p))
			return OUTCOME_INVALID;
		for (int k = 0; k < out->ntargets; k++) {
			if (strcmp(out->targets[k].id, pt->id) == 0) {
				return problem_set(p, OUTCOME_INVALID,
						   "targets[%zu]: 'id' %s is used twice.", i,
						   pt->id);
			}
		}
		out->ntargets++;
	}
	return OUTCOME_OK;
}

json_t *plan_to_json(const struct plan *p)
{
	json_t *deadlines = json_array();
	for (int i = 0; i < p->ndeadlines; i++) {
		char d[8];
		snprintf(d, sizeof d, "%02d-%02d", p->deadline_month[i], p->deadline_day[i]);
		json_array_append_new(deadlines, json_string(d));
	}
	json_t *targets = json_array();
	for (int i = 0; i < p->ntargets; i++) {
		const struct plan_target *t = &p->targets[i];
		json_array_append_new(
			targets,
			json_pack(
				"{s:s,s:s,s:s,s:o,s:o,s:s,s:f,s:s,s:s,s:o}", "id", t->id, "metric",
				t->metric, "audience", t->audience, "unit_kind",
				t->unit_kind[0] ? json_string(t->unit_kind) : json_null(), "topic",
				t->topic[0] ? json_string(t->topic) : json_null(), "comparator",
				t->comparator, "threshold", t->threshold, "source", t->source,
				"counts", t->counts[0] ? t->counts : "quizzes", "counts_reason",
				t->counts_reason[0] ? json_string(t->counts_reason) : json_null()));
	}
	return json_pack("{s:s,s:s,s:o,s:f,s:o}", "code", p->code, "title", p->title, "deadlines",
			 deadlines, "unit_min_participation", p->unit_min_participation, "targets",
			 targets);
}

static int store(struct db *db, const struct plan *p, bool builtin_install)
{
	json_t *j = plan_to_json(p);
	char *text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	int rc = builtin_install
			 ? db_plan_install(db, p->code, p->title, text, true, clock_now_ms())
			 : db_plan_put(db, p->code, p->title, text, clock_now_ms());
	free(text);
	return rc;
}

int plan_install_builtins(struct db *db)
{
	for (size_t i = 0; i < N_BUILTIN; i++) {
		/* Look first, so the usual case takes no write lock; a template
		 * nobody edited follows the one in the code. */
		char *definition = NULL, *text = NULL;
		bool builtin = false;
		int found = db_plan_get(db, builtin_plans[i].code, &definition, &builtin);
		int rc = found < 0 ? -1 : 0;
		if (found > 0 && builtin) {
			json_t *j = plan_to_json(&builtin_plans[i]);
			text = json_dumps(j, JSON_COMPACT);
			json_decref(j);
		}
		if (!rc && (!found || (text && strcmp(text, definition) != 0)))
			rc = store(db, &builtin_plans[i], true);
		free(definition);
		free(text);
		if (rc)
			return -1;
	}
	return 0;
}

int plan_save(struct db *db, const struct plan *p)
{
	return store(db, p, false);
}

int plan_load(struct db *db, const char *code, struct plan *out, bool *builtin)
{
	char *text = NULL;
	int rc = db_plan_get(db, code, &text, builtin);
	if (rc <= 0)
		return rc;
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	struct problem p;
	int ret = 1;
	if (!j || plan_from_json(j, out, &p) != OUTCOME_OK) {
		/* Only plan_save writes this column, so this is our own bug. */
		fprintf(stderr, "plan %s: stored definition unreadable\n", code);
		ret = -1;
	}
	json_decref(j);
	free(text);
	return ret;
}

void plan_deadline(const struct plan *p, int year, int64_t now_ms, char *buf)
{
	int month = 12, day = 31;
	if (p->ndeadlines > 0) {
		month = p->deadline_month[p->ndeadlines - 1];
		day = p->deadline_day[p->ndeadlines - 1];
		for (int i = 0; i < p->ndeadlines; i++) {
			/* A deadline day lasts until its end, in Vietnam. */
			int64_t end =
				clock_vn_date_ms(year, p->deadline_month[i], p->deadline_day[i]) +
				86400000LL;
			if (end > now_ms) {
				month = p->deadline_month[i];
				day = p->deadline_day[i];
				break;
			}
		}
	}
	snprintf(buf, 11, "%04d-%02d-%02d", year, month, day);
}

/* Logs a storage failure once and fills p with a message fit to show. */
static enum outcome internal(struct db *db, const char *what, struct problem *p)
{
	fprintf(stderr, "plans: %s\n", db_errmsg(db));
	return problem_set(p, OUTCOME_INTERNAL, "The plans could not be %s.", what);
}

struct plans_ctx {
	json_t *list;
};

static void on_plan(void *ctx, const char *code, const char *definition, bool builtin)
{
	struct plans_ctx *c = ctx;
	json_error_t jerr;
	json_t *j = json_loads(definition, 0, &jerr);
	if (!j) {
		fprintf(stderr, "plans: stored plan %s unreadable\n", code);
		return;
	}
	json_object_set_new(j, "builtin", json_boolean(builtin));
	json_array_append_new(c->list, j);
}

enum outcome plan_list_json(struct db *db, json_t **out, struct problem *p)
{
	struct plans_ctx c = { json_array() };
	*out = NULL;
	if (plan_install_builtins(db) || db_plan_each(db, on_plan, &c)) {
		json_decref(c.list);
		return internal(db, "read", p);
	}
	*out = json_pack("{s:o}", "plans", c.list);
	return OUTCOME_OK;
}

enum outcome plan_put_json(struct db *db, const char *code, json_t *body, json_t **out,
			   struct problem *p)
{
	*out = NULL;
	if (!util_valid_code(code))
		return problem_set(p, OUTCOME_INVALID,
				   "The plan code must match [A-Za-z0-9_.-]{1,64}.");
	json_t *given = json_object_get(body, "code");
	if (json_is_object(body) && !given)
		json_object_set_new(body, "code", json_string(code));
	else if (json_is_object(body) &&
		 (!json_is_string(given) || strcmp(json_string_value(given), code) != 0))
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'code' must equal the code in the path (%s).", code);
	struct plan *plan = xmalloc(sizeof *plan);
	enum outcome o = OUTCOME_OK;
	if (plan_from_json(body, plan, p) != OUTCOME_OK)
		o = OUTCOME_INVALID;
	else if (plan_install_builtins(db) || plan_save(db, plan))
		o = internal(db, "saved", p);
	else
		*out = json_pack("{s:o}", "plan", plan_to_json(plan));
	free(plan);
	return o;
}
