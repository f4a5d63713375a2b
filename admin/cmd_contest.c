/* cmd_contest.c - quizadm's `report questions`: item statistics of a quiz
 * (facility and discrimination indices) as CSV or JSON on standard output. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "itemstats_view.h"

/* A CSV cell of an index: the number, or empty when undefined. */
static void csv_index(FILE *f, const json_t *v)
{
	if (json_is_number(v))
		fprintf(f, "%.4f", json_number_value(v));
}

int cmd_report_questions(struct cli *cli, int argc, char **argv)
{
	const char *quiz_arg = cli_opt(argc, argv, "--quiz", NULL);
	const char *format = cli_opt(argc, argv, "--format", "csv");
	struct problem p;
	char *end = NULL;
	json_t *report = NULL;
	if (!quiz_arg)
		return cli_fail("report questions needs --quiz ID");
	errno = 0;
	long long id = strtoll(quiz_arg, &end, 10);
	if (errno || *end || id <= 0)
		return cli_fail("--quiz must be a quiz id (a positive integer)");
	if (strcmp(format, "csv") && strcmp(format, "json"))
		return cli_fail("--format must be csv or json");
	if (itemstats_quiz_view(cli->db, id, true, NULL, &report, &p) != OUTCOME_OK)
		return cli_fail("%s", p.message);
	if (!strcmp(format, "json"))
		return cli_print_json(report);
	size_t i;
	json_t *q;
	fputs("\xEF\xBB\xBFquestion_id,code,attempts,facility_index,discrimination_index\n",
	      stdout);
	json_array_foreach(json_object_get(report, "questions"), i, q)
	{
		/* Codes are [A-Za-z0-9_.-]: no quoting needed. */
		printf("%lld,%s,%lld,",
		       (long long)json_integer_value(json_object_get(q, "question_id")),
		       json_string_value(json_object_get(q, "code")),
		       (long long)json_integer_value(json_object_get(q, "attempts")));
		csv_index(stdout, json_object_get(q, "facility_index"));
		fputc(',', stdout);
		csv_index(stdout, json_object_get(q, "discrimination_index"));
		fputc('\n', stdout);
	}
	json_decref(report);
	return fflush(stdout) ? cli_fail("cannot write the report") : 0;
}
