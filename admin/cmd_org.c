/* cmd_org.c - quizadm init, user add, units import, users import, backup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "cards.h"
#include "cert.h"
#include "cli.h"
#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "org.h"
#include "util.h"

int cmd_init(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* main() already created and migrated the database. */
	printf("database %s ready (schema version %d)\n", cli->db_path, db_schema_version(cli->db));
	/* The certificate signing key, outside the database (cert.h). */
	char err[512], key[1024];
	bool created = false;
	if (cert_key_ensure(cli->data_dir, cli->db_path, &created, err, sizeof err))
		return cli_fail("%s", err);
	cert_key_path(cli->data_dir, cli->db_path, key, sizeof key);
	printf("certificate signing key %s %s\n", key, created ? "created" : "present");
	/* The login-card key too, so that instances given a copy of the data
	 * directory hash card codes alike (docs/operations.md). */
	struct cards_keyring keys = { cli->data_dir, cli->db_path };
	struct problem p;
	if (cards_key_ensure(&keys, &p) != OUTCOME_OK)
		return cli_fail("%s", p.message);
	return 0;
}

int cmd_user_add(struct cli *cli, int argc, char **argv)
{
	const char *username = cli_opt(argc, argv, "--username", NULL);
	const char *password = cli_opt(argc, argv, "--password", NULL);
	const char *role = cli_opt(argc, argv, "--role", NULL);
	if (!username || !password || !role)
		return cli_fail("user add needs --username, --password and --role");
	json_t *row =
		json_pack("{s:s,s:s,s:s,s:s}", "username", username, "password", password, "role",
			  role, "full_name", cli_opt(argc, argv, "--full-name", username));
	const char *unit = cli_opt(argc, argv, "--unit", NULL);
	const char *audience = cli_opt(argc, argv, "--audience", NULL);
	if (unit)
		json_object_set_new(row, "unit_code", json_string(unit));
	if (audience)
		json_object_set_new(row, "audience", json_string(audience));
	json_t *rows = json_pack("[o]", row);
	struct org_actor actor = { 0 };
	struct org_errors errors = { 0 };
	json_t *passwords = NULL;
	int created = 0, rc = 1;
	struct auth *auth = cli_auth(cli);
	if (!auth)
		goto out;
	if (org_import_users(cli->db, auth, rows, &actor, &created, &passwords, &errors)) {
		rc = cli_fail("%s", db_errmsg(cli->db));
		goto out;
	}
	if (errors.n) {
		rc = cli_fail("%s", errors.items[0].message);
		goto out;
	}
	printf("user %s created\n", username);
	rc = 0;
out:
	json_decref(passwords);
	json_decref(rows);
	org_errors_cleanup(&errors);
	return rc;
}

/* Reads FILE as rows: CSV by default, JSON when it ends in .json. */
static json_t *read_rows(const char *path, struct org_errors *errors)
{
	size_t len;
	char *text = cli_read_file(path, &len);
	if (!text)
		return NULL;
	json_t *rows;
	size_t n = strlen(path);
	if (n > 5 && strcasecmp(path + n - 5, ".json") == 0) {
		json_error_t e;
		rows = json_loadb(text, len, 0, &e);
		if (!rows)
			org_errors_add(errors, e.line, "malformed JSON: %s", e.text);
	} else {
		rows = org_csv_to_rows(text, len, errors);
	}
	free(text);
	return rows;
}

static void print_errors(const char *path, const struct org_errors *errors)
{
	for (size_t i = 0; i < errors->n; i++)
		fprintf(stderr, "%s:%d: %s\n", path, errors->items[i].line,
			errors->items[i].message);
}

int cmd_units_import(struct cli *cli, int argc, char **argv)
{
	const char *path = cli_arg(argc, argv, 1);
	if (!path)
		return cli_fail("units import needs a FILE");
	struct org_errors errors = { 0 };
	struct org_actor actor = { 0 };
	int created, updated, rc = 1;
	json_t *rows = read_rows(path, &errors);
	if (rows) {
		int r = org_import_units(cli->db, rows, &actor, &created, &updated, &errors);
		if (r < 0)
			errors.n ? (void)0 : org_errors_add(&errors, 0, "%s", db_errmsg(cli->db));
		else if (r == 0) {
			printf("units: %d created, %d updated\n", created, updated);
			rc = 0;
		}
	}
	if (rc) {
		print_errors(path, &errors);
		cli_fail("%s: %zu problem(s); nothing imported", path, errors.n);
	}
	json_decref(rows);
	org_errors_cleanup(&errors);
	return rc;
}

int cmd_users_import(struct cli *cli, int argc, char **argv)
{
	const char *path = cli_arg(argc, argv, 1);
	if (!path)
		return cli_fail("users import needs a FILE");
	struct org_errors errors = { 0 };
	struct org_actor actor = { 0 };
	json_t *passwords = NULL;
	int created = 0, rc = 1;
	json_t *rows = read_rows(path, &errors);
	struct auth *auth = rows ? cli_auth(cli) : NULL;
	if (auth) {
		if (org_import_users(cli->db, auth, rows, &actor, &created, &passwords, &errors) ==
		    0) {
			printf("users: %d created\n", created);
			size_t i;
			json_t *p;
			/* Generated passwords are shown once, here. */
			json_array_foreach(passwords, i, p)
				printf("password\t%s\t%s\n",
				       json_string_value(json_object_get(p, "username")),
				       json_string_value(json_object_get(p, "password")));
			rc = errors.n ? 1 : 0;
		} else {
			org_errors_add(&errors, 0, "%s", db_errmsg(cli->db));
		}
	}
	if (errors.n) {
		print_errors(path, &errors);
		cli_fail("%s: %zu row(s) not imported", path, errors.n);
	}
	json_decref(passwords);
	json_decref(rows);
	org_errors_cleanup(&errors);
	return rc;
}

int cmd_backup(struct cli *cli, int argc, char **argv)
{
	const char *dest = cli_arg(argc, argv, 1);
	if (!dest)
		return cli_fail("backup needs DEST");
	if (db_backup(cli->db, dest))
		return cli_fail("%s", db_errmsg(cli->db));
	printf("backup written to %s\n", dest);
	return 0;
}
