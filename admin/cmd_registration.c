/* cmd_registration.c - quizadm's `registration open|close|show|confirm`:
 * self-registration windows of a contest and confirmation of the people who
 * registered themselves, through registration.c as the API does (the
 * command line acts as an administrator; its writes are audited as
 * "quizadm"). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "registration.h"

static const struct org_actor quizadm = { 0, NULL, "quizadm" };

/* The positive integer of option name into *id; 0, or 1 after a message. */
static int id_opt(int argc, char **argv, const char *name, long long *id)
{
	const char *text = cli_opt(argc, argv, name, NULL);
	char *end = NULL;
	if (!text)
		return cli_fail("registration needs %s ID", name);
	errno = 0;
	*id = strtoll(text, &end, 10);
	if (errno || *end || *id <= 0)
		return cli_fail("%s must be a positive integer", name);
	return 0;
}

static int open_window(struct cli *cli, int argc, char **argv)
{
	long long id;
	if (id_opt(argc, argv, "--contest", &id))
		return 1;
	const char *audiences = cli_opt(argc, argv, "--audiences", NULL);
	const char *unit = cli_opt(argc, argv, "--unit", NULL);
	if (!audiences || !unit)
		return cli_fail("registration open needs --audiences A[,B...] and --unit CODE");
	json_t *list = json_array();
	for (const char *p = audiences; *p;) {
		size_t len = strcspn(p, ",");
		json_array_append_new(list, json_stringn(p, len));
		p += len + (p[len] == ',');
	}
	json_t *body = json_pack("{s:o, s:s}", "audiences", list, "unit_code", unit);
	const char *opens = cli_opt(argc, argv, "--opens-at", NULL);
	const char *closes = cli_opt(argc, argv, "--closes-at", NULL);
	if (opens)
		json_object_set_new(body, "opens_at", json_string(opens));
	if (closes)
		json_object_set_new(body, "closes_at", json_string(closes));
	json_t *window = NULL;
	struct problem p;
	enum outcome o = registration_window_open(cli->db, &quizadm, id, body, &window, &p);
	json_decref(body);
	if (o != OUTCOME_OK)
		return cli_fail("%s", p.message);
	return cli_print_json(window);
}

int cmd_registration(struct cli *cli, int argc, char **argv)
{
	const char *what = argc > 0 ? argv[0] : "";
	struct problem p;
	json_t *out = NULL;
	long long id;
	enum outcome o;
	if (!strcmp(what, "open"))
		return open_window(cli, argc, argv);
	if (!strcmp(what, "close") || !strcmp(what, "show")) {
		if (!cli_opt(argc, argv, "--contest", NULL) && !strcmp(what, "show"))
			o = registration_open_list(cli->db, &out, &p);
		else if (id_opt(argc, argv, "--contest", &id))
			return 1;
		else if (!strcmp(what, "close"))
			o = registration_window_close(cli->db, &quizadm, id, &p);
		else
			o = registration_window_get(cli->db, &quizadm, id, &out, &p);
	} else if (!strcmp(what, "confirm")) {
		const char *unit = cli_opt(argc, argv, "--unit", NULL);
		if (unit) {
			json_t *body = json_pack("{s:s}", "unit_code", unit);
			o = registration_confirm_many(cli->db, &quizadm, body, &out, &p);
			json_decref(body);
		} else if (id_opt(argc, argv, "--user", &id)) {
			return 1;
		} else {
			o = registration_confirm(cli->db, &quizadm, id, &out, &p);
		}
	} else {
		return cli_fail("registration needs open, close, show or confirm");
	}
	if (o != OUTCOME_OK)
		return cli_fail("%s", p.message);
	return out ? cli_print_json(out) : 0;
}
