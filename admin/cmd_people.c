/* cmd_people.c - quizadm users disable|enable|reset-password and cards
 * print: a person's state and password and a unit's login cards, through
 * the same domain functions as the administration's API (people.c,
 * account.c, cards.c). The command line acts as an administrator; its
 * writes are audited as "quizadm". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "app.h"
#include "cards.h"
#include "cli.h"
#include "people.h"

static const struct people_actor quizadm = { 0, "quizadm", NULL };

/* users disable|enable USERNAME|ID: the PATCH of the API with "disabled". */
int cmd_users_state(struct cli *cli, int argc, char **argv)
{
	bool disable = strcmp(argv[0], "disable") == 0;
	int64_t id;
	if (cli_person(cli, argc, argv,
		       disable ? "users disable USERNAME|ID" : "users enable USERNAME|ID", &id))
		return 1;
	struct problem p = { { 0 } };
	json_t *body = json_pack("{s:b}", "disabled", disable), *out = NULL;
	enum outcome o = people_update(cli->db, &quizadm, id, body, &out, &p);
	json_decref(body);
	if (o != OUTCOME_OK)
		return cli_fail("%s", p.message);
	return cli_print_json(out);
}

int cmd_users_reset_password(struct cli *cli, int argc, char **argv)
{
	int64_t id;
	if (cli_person(cli, argc, argv, "users reset-password USERNAME|ID", &id))
		return 1;
	struct auth *auth = cli_auth(cli);
	if (!auth)
		return 1;
	struct app app = { .auth = auth };
	struct account_op *op = NULL;
	struct account_result *res = calloc(1, sizeof *res);
	struct problem p = { { 0 } };
	int rc = 1;
	if (!res)
		return cli_fail("out of memory");
	enum outcome o = people_password_begin(&app, cli->db, &quizadm, id, &op, &p);
	if (o == OUTCOME_OK)
		o = account_op_complete(op, cli->db, res, &p);
	if (o == OUTCOME_OK) {
		/* Shown once: every session of the person has ended. */
		printf("%s\n", res->password);
		rc = fflush(stdout) == 0 ? 0 : cli_fail("cannot write the password");
	} else {
		rc = cli_fail("%s", p.message);
	}
	free(res);
	return rc;
}

/* cards print --unit CODE [--audience A] --site URL [--out FILE]: the sheet
 * of POST /api/v1/admin/units/{code}/cards, whose QR images open URL. */
int cmd_cards_print(struct cli *cli, int argc, char **argv)
{
	const char *unit = cli_opt(argc, argv, "--unit", NULL);
	const char *site_url = cli_opt(argc, argv, "--site", NULL);
	const char *out_path = cli_opt(argc, argv, "--out", NULL);
	if (!unit || !site_url)
		return cli_fail("cards print needs --unit CODE and --site URL (the address the QR "
				"images open, e.g. https://thi.example.vn)");
	if (strncmp(site_url, "https://", 8) != 0 && strncmp(site_url, "http://", 7) != 0)
		return cli_fail("--site must be an http:// or https:// address, not %s", site_url);
	struct cards_keyring keys = { cli->data_dir, cli->db_path };
	struct cards_site site = { site_url, NULL, false };
	struct problem p = { { 0 } };
	char *html = NULL;
	if (cards_issue(cli->db, &keys, &site, &quizadm, unit,
			cli_opt(argc, argv, "--audience", NULL), &html, &p) != OUTCOME_OK)
		return cli_fail("%s", p.message);
	FILE *f = out_path ? fopen(out_path, "wb") : stdout;
	if (!f) {
		free(html);
		return cli_fail("cannot write %s", out_path);
	}
	size_t len = strlen(html);
	bool ok = fwrite(html, 1, len, f) == len;
	ok = (out_path ? fclose(f) : fflush(f)) == 0 && ok;
	free(html);
	return ok ? 0 : cli_fail("cannot write the sheet");
}
