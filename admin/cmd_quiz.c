/* cmd_quiz.c - quizadm's bank and quiz commands: `bank import`,
 * `bank export`, `question rescore` and `quiz create`. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "bank.h"
#include "bank_formats.h"
#include "cli.h"
#include "db.h"
#include "quiz_def.h"
#include "rescore.h"
#include "util.h"

static void print_notes(const struct bank_notes *notes)
{
	for (size_t i = 0; i < notes->n; i++)
		fprintf(stderr, "%s\n", notes->items[i].message);
}

int cmd_bank_import(struct cli *cli, int argc, char **argv)
{
	const char *path = cli_arg(argc, argv, 1);
	if (!path)
		return cli_fail("bank import needs a FILE");
	const char *format = cli_opt(argc, argv, "--format", "json");
	enum bank_format f;
	if (bank_format_from_name(format, &f))
		return cli_fail("--format must be json, gift, moodle-xml or aiken");
	size_t len = 0;
	char *text = cli_read_file(path, &len);
	if (!text)
		return 1;
	struct bank_result res;
	bank_result_init(&res);
	enum outcome rc;
	if (f == BANK_FORMAT_JSON) {
		rc = bank_import_text(cli->db, text, len, path, &res);
	} else {
		const char *d = cli_opt(argc, argv, "--difficulty", NULL);
		struct bank_convert_options opts = {
			.code = cli_opt(argc, argv, "--code", NULL),
			.title = cli_opt(argc, argv, "--title", NULL),
			.language = cli_opt(argc, argv, "--language", NULL),
			.audiences = cli_opt(argc, argv, "--audiences", NULL),
			.topic = cli_opt(argc, argv, "--topic", NULL),
			.difficulty = d ? atoi(d) : 0,
		};
		rc = bank_import_foreign(cli->db, f, text, len, &opts, path, &res);
	}
	int status = 1;
	if (rc == OUTCOME_OK) {
		print_notes(&res.skipped);
		printf("bank %s: %d questions (%d new, %d changed, %d unchanged, %d retired)%s\n",
		       res.code, res.question_count, res.inserted, res.updated, res.unchanged,
		       res.retired, res.skipped.n ? "; some skipped, see above" : "");
		status = 0;
	} else if (res.errors.n) {
		print_notes(&res.errors);
		cli_fail("%s: %zu error(s); nothing imported", path, res.errors.n);
	} else {
		cli_fail("%s", res.problem.message);
	}
	bank_result_cleanup(&res);
	free(text);
	return status;
}

int cmd_bank_export(struct cli *cli, int argc, char **argv)
{
	const char *code = cli_arg(argc, argv, 1);
	if (!code)
		return cli_fail("bank export needs a CODE");
	const char *format = cli_opt(argc, argv, "--format", "json");
	enum bank_format f;
	if (bank_format_from_name(format, &f) || f == BANK_FORMAT_AIKEN)
		return cli_fail("--format must be json, gift or moodle-xml");
	char err[512];
	struct problem problem;
	json_t *bank = NULL;
	if (bank_export_json(cli->db, code, &bank, &problem) != OUTCOME_OK)
		return cli_fail("%s", problem.message);
	char *text = bank_export_text(bank, f, err, sizeof err);
	json_decref(bank);
	if (!text)
		return cli_fail("%s", err);
	fputs(text, stdout);
	if (f == BANK_FORMAT_JSON)
		fputc('\n', stdout);
	free(text);
	return fflush(stdout) ? cli_fail("cannot write the export") : 0;
}

int cmd_quiz_create(struct cli *cli, int argc, char **argv)
{
	const char *path = cli_arg(argc, argv, 1);
	if (!path)
		return cli_fail("quiz create needs a FILE.json");
	size_t len = 0;
	char *text = cli_read_file(path, &len);
	if (!text)
		return 1;
	json_error_t e;
	json_t *def = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
	free(text);
	if (!def)
		return cli_fail("%s:%d: malformed JSON: %s", path, e.line, e.text);
	struct problem p;
	int64_t id = 0;
	json_t *j = NULL;
	enum outcome o = quiz_create(cli->db, def, &id, &p);
	json_decref(def);
	if (o != OUTCOME_OK)
		return cli_fail("%s: %s", path, p.message);
	if (quiz_definition_get(cli->db, id, &j, &p) != OUTCOME_OK)
		return cli_fail("%s", p.message);
	char *out = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("%s\n", out ? out : "");
	free(out);
	json_decref(j);
	return 0;
}

/* question rescore BANK QUESTION_CODE: rescore.c as the API's POST
 * .../rescore, audited as "quizadm"; prints the counts as the API does. */
int cmd_question_rescore(struct cli *cli, int argc, char **argv)
{
	const char *bank = cli_arg(argc, argv, 1), *qcode = bank ? cli_arg(argc, argv, 2) : NULL;
	if (!bank || !qcode)
		return cli_fail("usage: question rescore BANK QUESTION_CODE");
	struct audit_actor who = { 0, "quizadm" };
	struct rescore_result res;
	struct problem p = { { 0 } };
	if (rescore_question(cli->db, &who, bank, qcode, &res, &p) != OUTCOME_OK)
		return cli_fail("%s", p.message);
	return cli_print_json(json_pack("{s:i,s:i,s:i}", "attempts", res.attempts, "changed",
					res.changed, "passed_changed", res.passed_changed));
}
