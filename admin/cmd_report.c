/* cmd_report.c - quizadm report participation|plan|missing, and the
 * personal-data commands user export|erase (Decree 13/2023/NĐ-CP). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cli.h"
#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_report.h"
#include "export.h"
#include "report.h"
#include "util.h"

/* Whole number in [min, max] from an option; false when malformed. */
static bool opt_int(const char *s, long long min, long long max, long long *out)
{
	char *end = NULL;
	if (!s || !*s)
		return false;
	long long v = strtoll(s, &end, 10);
	if (*end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int query_from_options(int argc, char **argv, struct report_query *q)
{
	memset(q, 0, sizeof *q);
	long long v;
	const char *year = cli_opt(argc, argv, "--year", NULL);
	q->year = clock_vn_year(clock_now_ms());
	if (year) {
		if (!opt_int(year, 2000, 2100, &v))
			return cli_fail("--year must be a year from 2000 to 2100");
		q->year = (int)v;
	}
	q->depth = 1;
	const char *depth = cli_opt(argc, argv, "--depth", NULL);
	if (depth) {
		if (!opt_int(depth, 0, REPORT_MAX_DEPTH, &v))
			return cli_fail("--depth must be from 0 to %d", REPORT_MAX_DEPTH);
		q->depth = (int)v;
	}
	q->unit_code = cli_opt(argc, argv, "--unit", NULL);
	q->audience = cli_opt(argc, argv, "--audience", NULL);
	return 0;
}

static int report_fail(int rc, const char *err)
{
	(void)rc;
	return cli_fail("%s", err);
}

static int print_json(json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	if (!text)
		return cli_fail("cannot write JSON");
	puts(text);
	free(text);
	return 0;
}

/* Writes a table as CSV (stdout or --out) or XLSX (--out, or stdout when it
 * is not a terminal). */
static int write_table(const struct export_table *t, const char *format, const char *out_path)
{
	size_t len = 0;
	char err[256];
	char *data = strcmp(format, "csv") == 0 ? export_csv(t, &len)
						: export_xlsx(t, &len, err, sizeof err);
	if (!data)
		return cli_fail("%s", err);
	FILE *f = stdout;
	if (out_path) {
		f = fopen(out_path, "wb");
		if (!f) {
			free(data);
			return cli_fail("cannot write %s", out_path);
		}
	}
	bool ok = fwrite(data, 1, len, f) == len;
	if (out_path)
		ok = fclose(f) == 0 && ok;
	else
		ok = fflush(f) == 0 && ok;
	free(data);
	return ok ? 0 : cli_fail("cannot write the report");
}

static int check_format(const char *format, const char *lang)
{
	if (strcmp(format, "json") && strcmp(format, "csv") && strcmp(format, "xlsx"))
		return cli_fail("--format must be json, csv or xlsx");
	if (!export_valid_lang(lang))
		return cli_fail("--lang must be vi or en");
	return 0;
}

int cmd_report_participation(struct cli *cli, int argc, char **argv)
{
	struct report_query q;
	if (query_from_options(argc, argv, &q))
		return 1;
	const char *format = cli_opt(argc, argv, "--format", "json");
	const char *lang = cli_opt(argc, argv, "--lang", "vi");
	const char *out_path = cli_opt(argc, argv, "--out", NULL);
	if (check_format(format, lang))
		return 1;
	struct report_table t;
	char err[512];
	int rc = report_participation(cli->db, &q, &t, err, sizeof err);
	if (rc)
		return report_fail(rc, err);
	if (strcmp(format, "json") == 0) {
		rc = print_json(api_participation_json(&t));
	} else {
		struct export_table et;
		export_participation(&t, lang, &et);
		rc = write_table(&et, format, out_path);
		export_table_cleanup(&et);
	}
	report_table_cleanup(&t);
	return rc;
}

int cmd_report_plan(struct cli *cli, int argc, char **argv)
{
	const char *code = cli_arg(argc, argv, 1);
	if (!code)
		return cli_fail("usage: report plan CODE --year Y [--unit CODE]");
	struct report_query q;
	if (query_from_options(argc, argv, &q))
		return 1;
	struct report_plan *p = xmalloc(sizeof *p);
	char err[512];
	int rc = report_plan(cli->db, code, &q, p, err, sizeof err);
	if (rc)
		rc = report_fail(rc, err);
	else if (cli_flag(argc, argv, "--html")) {
		struct report_table t;
		q.depth = 1;
		rc = report_participation(cli->db, &q, &t, err, sizeof err);
		if (rc) {
			rc = report_fail(rc, err);
		} else {
			char *html = export_yearly_html(p, &t);
			fputs(html, stdout);
			free(html);
			report_table_cleanup(&t);
		}
	} else {
		rc = print_json(api_plan_report_json(p));
	}
	free(p);
	return rc;
}

int cmd_report_missing(struct cli *cli, int argc, char **argv)
{
	struct report_query q;
	if (query_from_options(argc, argv, &q))
		return 1;
	const char *format = cli_opt(argc, argv, "--format", "json");
	const char *lang = cli_opt(argc, argv, "--lang", "vi");
	if (check_format(format, lang))
		return 1;
	long long quiz = 0;
	const char *quiz_arg = cli_opt(argc, argv, "--quiz", NULL);
	if (quiz_arg && !opt_int(quiz_arg, 1, INT64_MAX / 2, &quiz))
		return cli_fail("--quiz must be a quiz id");
	struct report_missing m;
	char err[512];
	int rc = report_missing_people(cli->db, &q, quiz, &m, err, sizeof err);
	if (rc)
		return report_fail(rc, err);
	if (strcmp(format, "json") == 0) {
		rc = print_json(api_missing_json(&m));
	} else {
		struct export_table et;
		export_missing(&m, lang, &et);
		rc = write_table(&et, format, cli_opt(argc, argv, "--out", NULL));
		export_table_cleanup(&et);
	}
	report_missing_cleanup(&m);
	return rc;
}
