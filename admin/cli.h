/* cli.h - what quizadm's commands share: the open database, the hashing
 * pool (started on first use), and small helpers for options and files.
 * Each command lives in its own admin/cmd_*.c and is listed in quizadm.c. */
#ifndef QUIZ_CLI_H
#define QUIZ_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct auth;
struct db;

struct cli {
	const char *db_path;
	const char *data_dir; /* --data-dir, or the database's directory */
	struct db *db;
	struct auth *auth;
};

/* The hashing pool with the default parameters (started on first call);
 * NULL when it cannot start (message printed). */
struct auth *cli_auth(struct cli *cli);
/* The value of --name in argv (argv[0] is the command word), or def. */
const char *cli_opt(int argc, char **argv, const char *name, const char *def);
/* True when the bare flag --name is present. */
bool cli_flag(int argc, char **argv, const char *name);
/* The first argument that is neither an option nor an option's value
 * (skipping the first `skip` words), or NULL. */
const char *cli_arg(int argc, char **argv, int skip);
/* Reads a whole file ("-" for standard input); NULL with a message printed.
 * Caller frees. */
char *cli_read_file(const char *path, size_t *len);
/* Prints j as indented JSON on standard output and drops the reference;
 * returns the exit code (1 after a message when it cannot be written). */
int cli_print_json(json_t *j);
/* The person named by the first argument after the command words, a
 * username or an id (privacy_find): 0 with *id, or 1 after a message
 * (usage when the argument is missing). */
int cli_person(struct cli *cli, int argc, char **argv, const char *usage, int64_t *id);
/* Prints "quizadm: <message>" to standard error; returns 1 (the exit code). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

typedef int (*cli_command)(struct cli *cli, int argc, char **argv);

/* The commands (each in its own file). */
int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_user_add(struct cli *cli, int argc, char **argv);
int cmd_units_import(struct cli *cli, int argc, char **argv);
int cmd_users_import(struct cli *cli, int argc, char **argv);
int cmd_backup(struct cli *cli, int argc, char **argv);
int cmd_demo(struct cli *cli, int argc, char **argv);
int cmd_bank_import(struct cli *cli, int argc, char **argv);
int cmd_bank_export(struct cli *cli, int argc, char **argv);
int cmd_quiz_create(struct cli *cli, int argc, char **argv);
int cmd_report_questions(struct cli *cli, int argc, char **argv);
int cmd_report_participation(struct cli *cli, int argc, char **argv);
int cmd_report_plan(struct cli *cli, int argc, char **argv);
int cmd_report_missing(struct cli *cli, int argc, char **argv);
int cmd_user_export(struct cli *cli, int argc, char **argv);
int cmd_user_erase(struct cli *cli, int argc, char **argv);
int cmd_registration(struct cli *cli, int argc, char **argv);
int cmd_report_weekly(struct cli *cli, int argc, char **argv);
int cmd_users_state(struct cli *cli, int argc, char **argv);
int cmd_users_reset_password(struct cli *cli, int argc, char **argv);
int cmd_cards_print(struct cli *cli, int argc, char **argv);
int cmd_settings(struct cli *cli, int argc, char **argv);
int cmd_question_rescore(struct cli *cli, int argc, char **argv);
int cmd_migrate(struct cli *cli, int argc, char **argv);

#endif
