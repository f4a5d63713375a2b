/* quizadm.c - the administrator's command-line tool: opens the database
 * (migrating it), then runs one command from the table below. Exits 0 on
 * success, non-zero with a one-line message on standard error otherwise. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cli.h"
#include "db.h"
#include "util.h"

struct command {
	const char *word;
	const char *sub; /* NULL: a one-word command */
	cli_command run;
	const char *usage;
};

static const struct command commands[] = {
	{ "init", NULL, cmd_init, "init" },
	{ "user", "add", cmd_user_add,
	  "user add --username U --password P --role admin|unit_admin|participant [--full-name N] "
	  "[--unit CODE] [--audience A]" },
	{ "units", "import", cmd_units_import, "units import FILE.csv|FILE.json" },
	{ "users", "import", cmd_users_import, "users import FILE.csv|FILE.json" },
	{ "bank", "import", cmd_bank_import,
	  "bank import FILE [--format json|gift|moodle-xml|aiken] [--code C] [--audiences A,B] "
	  "[--topic T] [--difficulty 1-3]" },
	{ "bank", "export", cmd_bank_export, "bank export CODE --format json|gift|moodle-xml" },
	{ "question", "rescore", cmd_question_rescore,
	  "question rescore BANK QUESTION_CODE   (finished attempts scored again with the current "
	  "key)" },
	{ "quiz", "create", cmd_quiz_create, "quiz create FILE.json" },
	{ "report", "questions", cmd_report_questions,
	  "report questions --quiz ID [--format csv|json]   (item statistics)" },
	{ "report", "participation", cmd_report_participation,
	  "report participation --year Y [--unit CODE] [--audience A] [--depth N] "
	  "--format csv|json|xlsx [--lang vi|en] [--out FILE]" },
	{ "report", "plan", cmd_report_plan, "report plan CODE --year Y [--unit CODE] [--html]" },
	{ "report", "missing", cmd_report_missing,
	  "report missing [--unit CODE] [--quiz ID] [--year Y] [--format csv|json|xlsx] [--out "
	  "FILE]" },
	{ "report", "weekly", cmd_report_weekly,
	  "report weekly [--year Y] [--unit CODE] [--audience A]   (participation per week, "
	  "JSON)" },
	{ "users", "disable", cmd_users_state,
	  "users disable USERNAME|ID   (sessions end, logins refused)" },
	{ "users", "enable", cmd_users_state, "users enable USERNAME|ID" },
	{ "users", "reset-password", cmd_users_reset_password,
	  "users reset-password USERNAME|ID   (prints a new password once; sessions end)" },
	{ "cards", "print", cmd_cards_print,
	  "cards print --unit CODE [--audience A] --site URL [--out FILE]   (login cards, HTML; "
	  "earlier codes void)" },
	{ "user", "export", cmd_user_export, "user export USERNAME|ID   (all data held, as JSON)" },
	{ "user", "erase", cmd_user_erase, "user erase USERNAME|ID   (attempts stay, anonymised)" },
	{ "registration", "open", cmd_registration,
	  "registration open --contest ID --audiences A[,B] --unit CODE [--opens-at T] "
	  "[--closes-at T]" },
	{ "registration", "close", cmd_registration, "registration close --contest ID" },
	{ "registration", "show", cmd_registration,
	  "registration show [--contest ID]   (without: every window open now)" },
	{ "registration", "confirm", cmd_registration,
	  "registration confirm --user ID | --unit CODE   (self-registered people count in "
	  "their unit)" },
	{ "settings", "show", cmd_settings,
	  "settings show   (the names of the reporting bodies, with their defaults)" },
	{ "settings", "set", cmd_settings,
	  "settings set KEY VALUE   (body.department, body.authority; \"\" for the default)" },
	{ "backup", NULL, cmd_backup, "backup DEST" },
	{ "demo", NULL, cmd_demo, "demo [--banks DIR]   (demo province, people and banks; once)" },
	{ "migrate", NULL, cmd_migrate,
	  "migrate --from PATH.db --to postgresql://...   (no --db: copies a SQLite database into "
	  "an empty PostgreSQL one and verifies it)" },
};

static void usage(FILE *f)
{
	fputs("usage: quizadm --db PATH|postgresql://... [--data-dir DIR] COMMAND ...\n"
	      "  (or QUIZD_DB and QUIZD_DATA_DIR, as for quizd)\ncommands:\n",
	      f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %s\n", commands[i].usage);
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("quizadm: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

int cli_print_json(json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	if (!text)
		return cli_fail("cannot write JSON");
	int failed = puts(text) < 0 || fflush(stdout) != 0;
	free(text);
	return failed ? cli_fail("cannot write the output") : 0;
}

struct auth *cli_auth(struct cli *cli)
{
	if (!cli->auth) {
		struct auth_config cfg;
		auth_config_defaults(&cfg);
		cli->auth = auth_new(&cfg);
		if (!cli->auth)
			cli_fail("cannot start password hashing");
	}
	return cli->auth;
}

const char *cli_opt(int argc, char **argv, const char *name, const char *def)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return def;
}

bool cli_flag(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

const char *cli_arg(int argc, char **argv, int skip)
{
	for (int i = skip; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0) {
			i++; /* its value */
			continue;
		}
		return argv[i];
	}
	return NULL;
}

char *cli_read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		cli_fail("cannot open %s", path);
		return NULL;
	}
	struct strbuf sb;
	sb_init(&sb);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_append(&sb, buf, n);
	bool err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (err) {
		sb_cleanup(&sb);
		cli_fail("cannot read %s", path);
		return NULL;
	}
	*len = sb.len;
	return sb_steal(&sb);
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	int i = 1;
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--db") == 0)
			cli.db_path = argv[i + 1];
		else if (strcmp(argv[i], "--data-dir") == 0)
			cli.data_dir = argv[i + 1];
		else
			break;
	}
	/* As quizd: the flags win over QUIZD_DB and QUIZD_DATA_DIR. */
	if (!cli.db_path && getenv("QUIZD_DB") && *getenv("QUIZD_DB"))
		cli.db_path = getenv("QUIZD_DB");
	if (!cli.data_dir && getenv("QUIZD_DATA_DIR") && *getenv("QUIZD_DATA_DIR"))
		cli.data_dir = getenv("QUIZD_DATA_DIR");
	if (i < argc && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "help"))) {
		usage(stdout);
		return 0;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	const struct command *cmd = NULL;
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
		const struct command *c = &commands[k];
		if (strcmp(argv[i], c->word) != 0)
			continue;
		if (!c->sub || (i + 1 < argc && strcmp(argv[i + 1], c->sub) == 0)) {
			cmd = c;
			break;
		}
	}
	if (!cmd) {
		cli_fail("unknown command '%s%s%s' (see quizadm --help)", argv[i],
			 i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "");
		return 2;
	}
	int skip = cmd->sub ? 2 : 1;
	/* migrate opens its two databases itself: it needs no --db. */
	if (cmd->run == cmd_migrate)
		return cmd->run(&cli, argc - i - (skip - 1), argv + i + (skip - 1));
	if (!cli.db_path) {
		usage(stderr);
		return 2;
	}
	char err[512];
	cli.db = db_open(cli.db_path, err, sizeof err);
	if (!cli.db)
		return cli_fail("%s", err);
	if (db_migrate(cli.db)) {
		int rc = cli_fail("%s", db_errmsg(cli.db));
		db_close(cli.db);
		return rc;
	}
	int rc = cmd->run(&cli, argc - i - (skip - 1), argv + i + (skip - 1));
	auth_free(cli.auth);
	db_close(cli.db);
	return rc;
}
