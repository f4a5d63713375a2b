/* export.c - CSV and XLSX writers and the report tables. */
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "clock.h"
#include "html.h"
#include "util.h"

enum export_cell_kind { EXPORT_EMPTY = 0, EXPORT_TEXT, EXPORT_INT, EXPORT_DECIMAL };

struct export_cell {
	enum export_cell_kind kind;
	const char *text; /* EXPORT_TEXT; borrowed */
	double number; /* EXPORT_INT (whole) or EXPORT_DECIMAL (one decimal) */
};

/* A table: ncols headers and nrows x ncols cells, row by row. It owns the
 * cells array and the strings added with export_text_copy. */
struct export_table {
	const char *sheet; /* worksheet name (XLSX) */
	size_t ncols, nrows, cap;
	const char *const *headers;
	struct export_cell *cells;
	char **owned;
	size_t nowned;
};

static void export_table_init(struct export_table *t, const char *sheet, const char *const *headers,
			      size_t ncols)
{
	memset(t, 0, sizeof *t);
	t->sheet = sheet;
	t->headers = headers;
	t->ncols = ncols;
}

static void export_table_cleanup(struct export_table *t)
{
	for (size_t i = 0; i < t->nowned; i++)
		free(t->owned[i]);
	free(t->owned);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

static struct export_cell *export_row(struct export_table *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
	}
	struct export_cell *row = &t->cells[t->nrows * t->ncols];
	memset(row, 0, t->ncols * sizeof *row);
	t->nrows++;
	return row;
}

static struct export_cell export_text_copy(struct export_table *t, const char *s)
{
	char *copy = xstrdup(s);
	t->owned = xrealloc(t->owned, (t->nowned + 1) * sizeof *t->owned);
	t->owned[t->nowned++] = copy;
	return (struct export_cell){ EXPORT_TEXT, copy, 0 };
}

static bool formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* One text cell: quoted when it holds a separator of either kind, a
 * quote, a tab or a line break; prefixed with an apostrophe when it starts
 * like a formula. A spreadsheet whose list separator is ';' (Vietnamese
 * locales) ignores the comma quoting and starts a cell after every ';', so
 * an apostrophe also goes after a ';' followed by a formula character or a
 * quote: "1;=cmd" is written "1;'=cmd". */
static void csv_text(struct strbuf *sb, const char *s)
{
	bool formula = formula_start(s[0]);
	bool quote = formula || strpbrk(s, ",;\"\t\r\n") != NULL;
	if (!quote) {
		sb_puts(sb, s);
		return;
	}
	sb_puts(sb, formula ? "\"'" : "\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			sb_append(sb, "\"\"", 2);
		else if (*p == ';' && (formula_start(p[1]) || p[1] == '"'))
			sb_append(sb, ";'", 2);
		else
			sb_append(sb, p, 1);
	}
	sb_puts(sb, "\"");
}

void export_csv_cell(struct strbuf *sb, const char *s)
{
	csv_text(sb, s);
}

static char *export_csv(const struct export_table *t, size_t *len)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "\xEF\xBB\xBF");
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			sb_puts(&sb, ",");
		csv_text(&sb, t->headers[c]);
	}
	sb_puts(&sb, "\r\n");
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const struct export_cell *cell = &t->cells[r * t->ncols + c];
			if (c)
				sb_puts(&sb, ",");
			switch (cell->kind) {
			case EXPORT_TEXT:
				csv_text(&sb, cell->text ? cell->text : "");
				break;
			case EXPORT_INT:
				sb_printf(&sb, "%.0f", cell->number);
				break;
			case EXPORT_DECIMAL:
				sb_printf(&sb, "%.1f", cell->number);
				break;
			case EXPORT_EMPTY:
				break;
			}
		}
		sb_puts(&sb, "\r\n");
	}
	*len = sb.len;
	return sb_steal(&sb);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb;
	sb_init(&sb);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_append(&sb, buf, n);
	bool failed = ferror(f) != 0;
	fclose(f);
	if (failed) {
		sb_cleanup(&sb);
		return NULL;
	}
	*len = sb.len;
	return sb_steal(&sb);
}

static char *export_xlsx(const struct export_table *t, size_t *len, char *err, size_t errlen)
{
	/* libxlsxwriter 1.1.4 writes files only: build it in a private temp
	 * file and read it back. */
	char path[] = "/tmp/quiz-export-XXXXXX";
	int fd = mkstemp(path);
	char *data = NULL;
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a temporary file for the XLSX");
		return NULL;
	}
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	if (!wb) {
		snprintf(err, errlen, "cannot start the XLSX workbook");
		goto out;
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, t->sheet);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_format *one_decimal = workbook_add_format(wb);
	format_set_num_format(one_decimal, "0.0");
	for (size_t c = 0; c < t->ncols; c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)c, t->headers[c], bold);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, c < 2 ? 32 : 14, NULL);
	}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const struct export_cell *cell = &t->cells[r * t->ncols + c];
			lxw_row_t row = (lxw_row_t)(r + 1);
			lxw_col_t col = (lxw_col_t)c;
			if (cell->kind == EXPORT_TEXT)
				worksheet_write_string(ws, row, col, cell->text ? cell->text : "",
						       NULL);
			else if (cell->kind == EXPORT_INT)
				worksheet_write_number(ws, row, col, cell->number, NULL);
			else if (cell->kind == EXPORT_DECIMAL)
				worksheet_write_number(ws, row, col, cell->number, one_decimal);
		}
	}
	lxw_error rc = workbook_close(wb);
	if (rc != LXW_NO_ERROR) {
		snprintf(err, errlen, "cannot write the XLSX: %s", lxw_strerror(rc));
		goto out;
	}
	data = read_file(path, len);
	if (!data)
		snprintf(err, errlen, "cannot read back the XLSX");
out:
	unlink(path);
	return data;
}

enum outcome export_check_format(const char *format, const char *lang, struct problem *p)
{
	if (strcmp(format, "json") && strcmp(format, "csv") && strcmp(format, "xlsx"))
		return problem_set(p, OUTCOME_INVALID, "'format' must be json, csv or xlsx.");
	if (strcmp(lang, "vi") && strcmp(lang, "en"))
		return problem_set(p, OUTCOME_INVALID, "'lang' must be vi or en.");
	return OUTCOME_OK;
}

/* The table as a file of format "csv" or "xlsx", then cleaned up. */
static enum outcome table_file(struct export_table *t, const char *format, char **data, size_t *len,
			       struct problem *p)
{
	char err[256];
	*data = strcmp(format, "csv") == 0 ? export_csv(t, len)
					   : export_xlsx(t, len, err, sizeof err);
	export_table_cleanup(t);
	if (*data)
		return OUTCOME_OK;
	fprintf(stderr, "export: %s\n", err);
	return problem_set(p, OUTCOME_INTERNAL, "The spreadsheet could not be written.");
}

/* The Vietnamese name of a code in a table of {code, name} pairs, or the
 * code itself. */
static const char *name_vi(const char *const (*names)[2], size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i][0], code) == 0)
			return names[i][1];
	return code;
}
#define NAME_VI(names, code) name_vi(names, sizeof names / sizeof names[0], code)

static const char *const participation_vi[] = {
	"Mã đơn vị",
	"Tên đơn vị",
	"Đối tượng",
	"Số lượng",
	"Nguồn số lượng",
	"Đã đăng ký",
	"Số người tham gia",
	"Tỷ lệ tham gia (%)",
	"Số người đạt",
	"Tỷ lệ đạt (%)",
	"Số lượt làm bài",
	"Số người dự hoạt động",
	"Số người được tuyên truyền (không trùng)",
	"Tỷ lệ được tuyên truyền (%)",
};
static const char *const participation_en[] = {
	"Unit code",  "Unit name",    "Audience",          "Headcount",   "Headcount source",
	"Registered", "Participants", "Participation (%)", "Passed",      "Passed (%)",
	"Attempts",   "Attended",     "Reached (once)",    "Reached (%)",
};
#define PARTICIPATION_COLS (sizeof participation_vi / sizeof participation_vi[0])

/* The Vietnamese name of an audience (plan-targets.md), or the code. */
static const char *audience_vi(const char *code)
{
	static const char *const names[][2] = {
		{ "pupil", "Học sinh THCS, THPT" },
		{ "university_student", "Sinh viên" },
		{ "civil_servant", "Cán bộ, công chức, viên chức, người lao động" },
		{ "agency_head", "Người đứng đầu cơ quan, tổ chức nhà nước" },
		{ "journalist", "Phóng viên CNTT, lãnh đạo cơ quan báo chí" },
		{ "telecom_it_staff", "Cán bộ, nhân viên doanh nghiệp viễn thông, CNTT" },
		{ "finance_staff", "Cán bộ, nhân viên ngân hàng, bảo hiểm, tổ chức tín dụng" },
		{ "public", "Người sử dụng Internet" },
	};
	return NAME_VI(names, code);
}

static const char *source_vi(const char *source)
{
	if (strcmp(source, "declared") == 0)
		return "Đơn vị khai báo";
	if (strcmp(source, "roster") == 0)
		return "Theo danh sách tài khoản";
	return "Kết hợp (một phần khai báo)";
}

enum outcome export_participation_file(const struct report_table *rt, const char *format,
				       const char *lang, char **data, size_t *len,
				       struct problem *p)
{
	struct export_table table, *out = &table;
	bool vi = !lang || strcmp(lang, "en") != 0;
	export_table_init(out, vi ? "Tham gia" : "Participation",
			  vi ? participation_vi : participation_en, PARTICIPATION_COLS);
	for (size_t i = 0; i < rt->n; i++) {
		const struct report_row *r = &rt->rows[i];
		struct export_cell *c = export_row(out);
		c[0] = export_text_copy(out, r->unit_code);
		c[1] = export_text_copy(out, r->unit_name);
		c[2] = (struct export_cell){ EXPORT_TEXT,
					     vi ? audience_vi(r->audience) : r->audience, 0 };
		if (c[2].text == r->audience)
			c[2] = export_text_copy(out, r->audience);
		c[3] = (struct export_cell){ EXPORT_INT, NULL, (double)r->headcount };
		c[4] = (struct export_cell){
			EXPORT_TEXT, vi ? source_vi(r->headcount_source) : r->headcount_source, 0
		};
		c[5] = (struct export_cell){ EXPORT_INT, NULL, (double)r->registered };
		c[6] = (struct export_cell){ EXPORT_INT, NULL, (double)r->participants };
		if (r->has_percent)
			c[7] = (struct export_cell){ EXPORT_DECIMAL, NULL,
						     r->participation_percent };
		c[8] = (struct export_cell){ EXPORT_INT, NULL, (double)r->passed };
		if (r->has_percent)
			c[9] = (struct export_cell){ EXPORT_DECIMAL, NULL, r->passed_percent };
		c[10] = (struct export_cell){ EXPORT_INT, NULL, (double)r->attempts };
		c[11] = (struct export_cell){ EXPORT_INT, NULL, (double)r->attended };
		c[12] = (struct export_cell){ EXPORT_INT, NULL, (double)r->reached };
		if (r->has_percent)
			c[13] = (struct export_cell){ EXPORT_DECIMAL, NULL, r->reached_percent };
	}
	return table_file(out, format, data, len, p);
}

static const char *const missing_vi[] = {
	"Tên đăng nhập",
	"Họ và tên",
	"Mã đơn vị",
	"Tên đơn vị",
	"Đối tượng",
	"Mã bài kiểm tra",
	"Bài kiểm tra",
	"Hạn đóng",
	"Hạn báo cáo của đơn vị",
	"Số ngày còn lại (đơn vị)",
	"Hạn báo cáo của Sở",
	"Số ngày còn lại (Sở)",
};
static const char *const missing_en[] = {
	"Username",
	"Full name",
	"Unit code",
	"Unit name",
	"Audience",
	"Quiz code",
	"Quiz",
	"Closes at",
	"Unit deadline",
	"Days left (unit)",
	"Department deadline",
	"Days left (department)",
};
#define MISSING_COLS (sizeof missing_vi / sizeof missing_vi[0])

enum outcome export_missing_file(const struct report_missing *m, const char *format,
				 const char *lang, char **data, size_t *len,
				 struct problem *problem)
{
	struct export_table table, *out = &table;
	bool vi = !lang || strcmp(lang, "en") != 0;
	export_table_init(out, vi ? "Chưa hoàn thành" : "Missing", vi ? missing_vi : missing_en,
			  MISSING_COLS);
	for (size_t i = 0; i < m->n; i++) {
		const struct report_missing_person *p = &m->people[i];
		for (size_t k = 0; k < p->nmissing; k++) {
			struct export_cell *c = export_row(out);
			char closes[32];
			clock_format(p->missing[k].closes_at, closes);
			c[0] = export_text_copy(out, p->username);
			c[1] = export_text_copy(out, p->full_name);
			c[2] = export_text_copy(out, p->unit_code);
			c[3] = export_text_copy(out, p->unit_name);
			c[4] = export_text_copy(out, vi ? audience_vi(p->audience) : p->audience);
			c[5] = export_text_copy(out, p->missing[k].code);
			c[6] = export_text_copy(out, p->missing[k].title);
			c[7] = export_text_copy(out, closes);
			c[8] = export_text_copy(out, m->unit_deadline);
			c[9] = (struct export_cell){ EXPORT_INT, NULL, m->unit_days_left };
			c[10] = export_text_copy(out, m->department_deadline);
			c[11] = (struct export_cell){ EXPORT_INT, NULL, m->department_days_left };
		}
	}
	return table_file(out, format, data, len, problem);
}

enum outcome export_json_rows_file(json_t *rows, const char *const *keys,
				   const char *const *headers, size_t ncols, const char *sheet,
				   const char *format, char **data, size_t *len, struct problem *p)
{
	struct export_table table;
	export_table_init(&table, sheet, headers, ncols);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		struct export_cell *c = export_row(&table);
		for (size_t k = 0; k < ncols; k++) {
			json_t *v = json_object_get(row, keys[k]);
			if (json_is_string(v))
				c[k] = export_text_copy(&table, json_string_value(v));
			else if (json_is_integer(v))
				c[k] = (struct export_cell){ EXPORT_INT, NULL,
							     (double)json_integer_value(v) };
			else if (json_is_real(v))
				c[k] = (struct export_cell){ EXPORT_DECIMAL, NULL,
							     json_real_value(v) };
		}
	}
	return table_file(&table, format, data, len, p);
}

static const char *kind_vi(const char *kind)
{
	static const char *const names[][2] = {
		{ "province", "tỉnh, thành phố" },
		{ "department", "sở, ban, ngành" },
		{ "district", "huyện, thị xã, thành phố" },
		{ "commune", "xã, phường, thị trấn" },
		{ "school", "trường trung học cơ sở và trung học phổ thông" },
		{ "university", "trường đại học, cao đẳng" },
		{ "agency", "cơ quan nhà nước" },
		{ "press", "cơ quan báo chí" },
		{ "enterprise_telecom_it", "doanh nghiệp viễn thông, công nghệ thông tin" },
		{ "finance_body", "ngân hàng, tổ chức bảo hiểm, tổ chức tín dụng nhà nước" },
	};
	return NAME_VI(names, kind);
}

static const char *topic_vi(const char *topic)
{
	static const char *const names[][2] = {
		{ "misinformation", "đọc tin, tư duy phản biện, phân biệt thông tin sai lệch" },
		{ "domestic_products", "sản phẩm, dịch vụ an toàn thông tin trong nước" },
		{ "passwords", "mật khẩu" },
		{ "phishing_fraud", "lừa đảo trực tuyến" },
		{ "malware", "mã độc" },
		{ "social_networks", "mạng xã hội" },
		{ "personal_data", "dữ liệu cá nhân" },
		{ "law_policy", "pháp luật, chính sách về an toàn thông tin" },
	};
	return NAME_VI(names, topic);
}

/* "75,0" - Vietnamese decimal comma. */
static void vi_decimal(struct strbuf *sb, double v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%.1f", v);
	char *dot = strchr(buf, '.');
	if (dot)
		*dot = ',';
	sb_puts(sb, buf);
}

/* The page's head, the letterhead and the report's title. */
static void yearly_heading(struct strbuf *sb, const struct report_plan *p, const char *issuer,
			   const char *recipient)
{
	int64_t now = clock_now_ms();
	char today[32];
	clock_format(now + CLOCK_VN_OFFSET_MS, today);
	int y = 0, m = 0, d = 0;
	sscanf(today, "%d-%d-%d", &y, &m, &d);
	sb_puts(sb,
		"<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Báo cáo "
		"kết quả năm ");
	sb_printf(sb, "%d", p->year);
	sb_puts(sb, "</title><style>"
		    "body{font-family:'Times New "
		    "Roman',serif;font-size:13pt;max-width:21cm;margin:1cm auto;"
		    "line-height:1.4}"
		    ".head{display:flex;justify-content:space-between;text-align:center}"
		    ".head div{width:48%}h1{text-align:center;font-size:14pt;margin:1em 0 0}"
		    ".sub{text-align:center;font-weight:bold;margin:0 0 1em}"
		    "h2{font-size:13pt}table{border-collapse:collapse;width:100%;font-size:11pt}"
		    "th,td{border:1px solid #000;padding:2px 4px}td.n{text-align:right}"
		    ".met{font-weight:bold}.date{font-style:italic;text-align:right}"
		    ".to{text-align:center}"
		    "@media print{body{margin:0}}</style></head><body>\n");
	sb_puts(sb, "<div class=\"head\"><div><strong>");
	html_append(sb, issuer);
	sb_puts(sb, "</strong></div><div><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong><br>"
		    "<strong>Độc lập – Tự do – Hạnh phúc</strong></div></div>\n");
	sb_printf(sb, "<p class=\"date\">ngày %d tháng %d năm %d</p>\n", d, m, y);
	sb_puts(sb, "<h1>BÁO CÁO</h1><p class=\"sub\">Kết quả triển khai ");
	html_append(sb, p->plan.title);
	sb_printf(sb, " năm %d</p>\n<p class=\"to\">Kính gửi: ", p->year);
	html_append(sb, recipient);
	sb_puts(sb, ".</p>\n");
	sb_printf(sb,
		  "<p>Hạn báo cáo: %.2s/%.2s/%.4s. Số liệu được tổng hợp tự động từ kết quả "
		  "làm bài và điểm danh hoạt động trên hệ thống, tính theo năm %d (giờ Việt "
		  "Nam).</p>\n",
		  p->deadline + 8, p->deadline + 5, p->deadline, p->year);
}

/* Part I: each target with its figures; returns how many were met. */
static int yearly_targets(struct strbuf *sb, const struct report_plan *p)
{
	sb_puts(sb, "<h2>I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU</h2>\n");
	int met = 0;
	for (int i = 0; i < p->ntargets; i++) {
		const struct report_target *t = &p->targets[i];
		met += t->met;
		sb_printf(sb, "<h3>%d. ", i + 1);
		if (strcmp(t->target.metric, "units") == 0) {
			sb_puts(sb, "Tỷ lệ ");
			html_append(sb, kind_vi(t->target.unit_kind));
			sb_puts(sb, " có chương trình tuyên truyền, kiểm tra cho ");
			html_append(sb, audience_vi(t->target.audience));
		} else {
			sb_puts(sb, "Tỷ lệ ");
			html_append(sb, audience_vi(t->target.audience));
			sb_puts(sb, " được tuyên truyền, kiểm tra");
		}
		if (t->target.topic[0]) {
			sb_puts(sb, " về ");
			html_append(sb, topic_vi(t->target.topic));
		}
		sb_puts(sb, "</h3>\n<ul><li>Chỉ tiêu: ");
		sb_puts(sb, strcmp(t->target.comparator, ">") == 0 ? "trên " : "đạt ");
		vi_decimal(sb, t->target.threshold);
		sb_puts(sb, "%.</li><li>Kết quả: ");
		if (t->has_actual) {
			vi_decimal(sb, t->actual_percent);
			sb_printf(sb, "%% (%lld/%lld %s).", (long long)t->numerator,
				  (long long)t->denominator,
				  strcmp(t->target.metric, "units") == 0 ? "đơn vị" : "người");
		} else {
			sb_puts(sb, "chưa có số liệu (không có đối tượng).");
		}
		sb_puts(sb, "</li><li>Đánh giá: ");
		if (t->met) {
			sb_puts(sb, "<span class=\"met\">Đạt</span>.");
		} else {
			sb_puts(sb, "<span class=\"met\">Chưa đạt</span>, còn thiếu ");
			vi_decimal(sb, t->gap_percent);
			sb_puts(sb, "%.");
		}
		sb_puts(sb, "</li><li>Cách tính: ");
		sb_puts(sb,
			strcmp(t->target.counts, "activities") == 0
				? "người làm bài kiểm tra hoặc dự hoạt động (tập huấn, hội thảo, "
				  "sự kiện, trò chơi trực tiếp), mỗi người một lần"
				: "người làm bài kiểm tra");
		if (t->target.counts_reason[0]) {
			sb_puts(sb, " – ");
			html_append(sb, t->target.counts_reason);
		}
		sb_puts(sb, "</li>");
		if (t->target.source[0]) {
			sb_puts(sb, "<li>Căn cứ: ");
			html_append(sb, t->target.source);
			sb_puts(sb, ".</li>");
		}
		sb_puts(sb, "</ul>\n");
	}
	return met;
}

/* Part II: the participation of the unit and its children. */
static void yearly_units(struct strbuf *sb, const struct report_table *units)
{
	sb_puts(sb, "<h2>II. KẾT QUẢ THAM GIA THEO ĐƠN VỊ</h2>\n<table><tr><th>STT</th>"
		    "<th>Đơn vị</th><th>Đối tượng</th><th>Số lượng</th><th>Số người tham gia</th>"
		    "<th>Tỷ lệ (%)</th><th>Số người đạt</th><th>Tỷ lệ đạt (%)</th>"
		    "<th>Lượt làm bài</th><th>Số người dự hoạt động</th>"
		    "<th>Số người được tuyên truyền (không trùng)</th><th>Tỷ lệ (%)</th></tr>\n");
	for (size_t i = 0; i < units->n; i++) {
		const struct report_row *r = &units->rows[i];
		sb_printf(sb, "<tr><td class=\"n\">%zu</td><td>", i + 1);
		if (r->level)
			sb_puts(sb, "&nbsp;&nbsp;– ");
		html_append(sb, r->unit_name);
		sb_puts(sb, "</td><td>");
		html_append(sb, audience_vi(r->audience));
		sb_printf(
			sb,
			"</td><td class=\"n\">%lld%s</td><td class=\"n\">%lld</td><td class=\"n\">",
			(long long)r->headcount,
			strcmp(r->headcount_source, "declared") == 0 ? ""
			: strcmp(r->headcount_source, "roster") == 0 ? "*"
								     : "**",
			(long long)r->participants);
		if (r->has_percent)
			vi_decimal(sb, r->participation_percent);
		sb_printf(sb, "</td><td class=\"n\">%lld</td><td class=\"n\">",
			  (long long)r->passed);
		if (r->has_percent)
			vi_decimal(sb, r->passed_percent);
		sb_printf(sb,
			  "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
			  "<td class=\"n\">%lld</td><td class=\"n\">",
			  (long long)r->attempts, (long long)r->attended, (long long)r->reached);
		if (r->has_percent)
			vi_decimal(sb, r->reached_percent);
		sb_puts(sb, "</td></tr>\n");
	}
	sb_puts(sb, "</table>\n<p><em>(*) Đơn vị chưa khai báo số lượng: lấy theo số tài khoản "
		    "trên hệ thống. (**) Một phần đơn vị trực thuộc đã khai báo, phần còn lại lấy "
		    "theo số tài khoản.</em></p>\n");
}

char *export_yearly_html(const struct report_plan *p, const struct report_table *units,
			 const char *issuer, const char *recipient)
{
	struct strbuf sb;
	sb_init(&sb);
	yearly_heading(&sb, p, issuer, recipient);
	int met = yearly_targets(&sb, p);
	yearly_units(&sb, units);
	sb_printf(&sb, "<h2>III. ĐÁNH GIÁ CHUNG</h2>\n<p>Năm %d đạt %d/%d chỉ tiêu của kế hoạch.",
		  p->year, met, p->ntargets);
	if (met < p->ntargets)
		sb_puts(&sb, " Các chỉ tiêu chưa đạt cần được tập trung triển khai trong thời gian "
			     "tới.");
	sb_puts(&sb, "</p>\n</body></html>\n");
	return sb_steal(&sb);
}

#define RESULTS_COLS 10
static const char *const results_vi[] = {
	"Mã người dùng", "Tên đăng nhập", "Họ và tên",          "Mã đơn vị", "Đối tượng",
	"Số lượt làm",   "Điểm cao nhất", "Tỷ lệ cao nhất (%)", "Đạt",       "Nộp bài lần cuối",
};
static const char *const results_en[] = {
	"user_id",  "username",   "full_name",    "unit_code", "audience",
	"attempts", "best_score", "best_percent", "passed",    "last_submitted_at",
};

enum outcome export_results_file(const struct quiz_results *r, const char *format, const char *lang,
				 char **data, size_t *len, struct problem *p)
{
	struct export_table table, *out = &table;
	bool vi = !lang || strcmp(lang, "en") != 0;
	export_table_init(out, vi ? "Kết quả" : "Results", vi ? results_vi : results_en,
			  RESULTS_COLS);
	for (size_t i = 0; i < r->n; i++) {
		const struct db_quiz_result *x = &r->rows[i];
		struct export_cell *c = export_row(out);
		char when[32];
		clock_format(x->last_submitted_at, when);
		c[0] = (struct export_cell){ EXPORT_INT, NULL, (double)x->user_id };
		c[1] = export_text_copy(out, x->username);
		c[2] = export_text_copy(out, x->full_name);
		c[3] = export_text_copy(out, x->unit_code);
		c[4] = export_text_copy(out, vi ? audience_vi(x->audience) : x->audience);
		c[5] = (struct export_cell){ EXPORT_INT, NULL, (double)x->attempts };
		c[6] = (struct export_cell){ EXPORT_DECIMAL, NULL, x->best_score };
		c[7] = (struct export_cell){ EXPORT_DECIMAL, NULL, x->best_percent };
		c[8] = (struct export_cell){
			EXPORT_TEXT, x->passed ? (vi ? "có" : "yes") : (vi ? "không" : "no"), 0
		};
		c[9] = export_text_copy(out, when);
	}
	return table_file(out, format, data, len, p);
}
