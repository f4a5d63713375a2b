/* cmd_report.c - quizadm report participation|weekly|plan|missing: the same views
 * the API answers (report_view.h), on standard output or into a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "report_view.h"
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

/* Fills q from --year, --depth, --unit and --audience (the domain checks
 * them); 1 after a message when a number is malformed. */
static int query_from_options(int argc, char **argv, struct report_query *q)
{
	long long year = 0, depth = 1;
	const char *year_arg = cli_opt(argc, argv, "--year", NULL);
	const char *depth_arg = cli_opt(argc, argv, "--depth", NULL);
	memset(q, 0, sizeof *q);
	if (year_arg && !opt_int(year_arg, 2000, 2100, &year))
		return cli_fail("--year must be a year from 2000 to 2100");
	if (depth_arg && !opt_int(depth_arg, 0, REPORT_MAX_DEPTH, &depth))
		return cli_fail("--depth must be from 0 to %d", REPORT_MAX_DEPTH);
	q->year = (int)year;
	q->depth = (int)depth;
	q->unit_code = cli_opt(argc, argv, "--unit", NULL);
	q->audience = cli_opt(argc, argv, "--audience", NULL);
	return 0;
}

/* Writes data to --out, or standard output; frees it. */
static int write_file(char *data, size_t len, const char *out_path)
{
	FILE *f = out_path ? fopen(out_path, "wb") : stdout;
	if (!f) {
		free(data);
		return cli_fail("cannot write %s", out_path);
	}
	bool ok = fwrite(data, 1, len, f) == len;
	ok = (out_path ? fclose(f) : fflush(f)) == 0 && ok;
	free(data);
	return ok ? 0 : cli_fail("cannot write the report");
}

/* Prints a table report: its JSON, or its file to --out (or standard
 * output). */
static int print_output(struct report_output *o, const char *out_path)
{
	return o->json ? cli_print_json(o->json) : write_file(o->file, o->len, out_path);
}

int cmd_report_participation(struct cli *cli, int argc, char **argv)
{
	struct report_query q;
	struct report_output o;
	struct problem p;
	if (query_from_options(argc, argv, &q))
		return 1;
	if (report_participation_output(cli->db, &q, cli_opt(argc, argv, "--format", "json"),
					cli_opt(argc, argv, "--lang", "vi"), &o, &p) != OUTCOME_OK)
		return cli_fail("%s", p.message);
	return print_output(&o, cli_opt(argc, argv, "--out", NULL));
}

int cmd_report_weekly(struct cli *cli, int argc, char **argv)
{
	struct report_query q;
	struct problem p;
	if (query_from_options(argc, argv, &q))
		return 1;
	struct report_weekly *weekly = xmalloc(sizeof *weekly);
	int rc = report_participation_weekly(cli->db, &q, weekly, &p) == OUTCOME_OK
			 ? cli_print_json(report_weekly_json(weekly))
			 : cli_fail("%s", p.message);
	free(weekly);
	return rc;
}

int cmd_report_plan(struct cli *cli, int argc, char **argv)
{
	const char *code = cli_arg(argc, argv, 1);
	struct report_query q;
	struct problem p;
	if (!code)
		return cli_fail("usage: report plan CODE --year Y [--unit CODE]");
	if (query_from_options(argc, argv, &q))
		return 1;
	if (cli_flag(argc, argv, "--html")) {
		char *html = NULL;
		if (report_yearly_page(cli->db, code, &q, &html, &p) != OUTCOME_OK)
			return cli_fail("%s", p.message);
		return write_file(html, strlen(html), NULL);
	}
	struct report_plan *plan = xmalloc(sizeof *plan);
	int rc = report_plan(cli->db, code, &q, plan, &p) == OUTCOME_OK
			 ? cli_print_json(report_plan_json(plan))
			 : cli_fail("%s", p.message);
	free(plan);
	return rc;
}

int cmd_report_missing(struct cli *cli, int argc, char **argv)
{
	struct report_query q;
	struct report_output o;
	struct problem p;
	long long quiz = 0;
	const char *quiz_arg = cli_opt(argc, argv, "--quiz", NULL);
	if (query_from_options(argc, argv, &q))
		return 1;
	if (quiz_arg && !opt_int(quiz_arg, 1, INT64_MAX / 2, &quiz))
		return cli_fail("--quiz must be a quiz id");
	if (report_missing_output(cli->db, &q, quiz, cli_opt(argc, argv, "--format", "json"),
				  cli_opt(argc, argv, "--lang", "vi"), &o, &p) != OUTCOME_OK)
		return cli_fail("%s", p.message);
	return print_output(&o, cli_opt(argc, argv, "--out", NULL));
}
