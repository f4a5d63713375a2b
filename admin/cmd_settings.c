/* cmd_settings.c - quizadm's `settings show|set`: the names kept as data
 * (settings.h), such as the department that receives the units' reports
 * and issues certificates. Writes are audited as "quizadm". */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "settings.h"

int cmd_settings(struct cli *cli, int argc, char **argv)
{
	const char *what = argc > 0 ? argv[0] : "";
	if (!strcmp(what, "show"))
		return cli_print_json(settings_list_json(cli->db));
	if (strcmp(what, "set") != 0 || argc != 3)
		return cli_fail("settings needs show, or set KEY VALUE (\"\" for the default)");
	static const struct audit_actor quizadm = { 0, "quizadm" };
	struct problem p;
	if (settings_set(cli->db, &quizadm, argv[1], argv[2], &p) != OUTCOME_OK)
		return cli_fail("%s", p.message);
	return 0;
}
