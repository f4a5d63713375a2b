/* cmd_privacy.c - quizadm user export and user erase: the same export and
 * erasure as the API (privacy.c). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "privacy.h"

int cli_person(struct cli *cli, int argc, char **argv, const char *usage, int64_t *id)
{
	const char *who = cli_arg(argc, argv, 1);
	if (!who)
		return cli_fail("usage: %s", usage);
	struct problem p = { { 0 } };
	if (privacy_find(cli->db, who, id, &p) != OUTCOME_OK)
		return cli_fail("%s", p.message);
	return 0;
}

int cmd_user_export(struct cli *cli, int argc, char **argv)
{
	int64_t id;
	if (cli_person(cli, argc, argv, "user export USERNAME|ID", &id))
		return 1;
	struct problem p = { { 0 } };
	json_t *view = NULL;
	if (privacy_export(cli->db, id, &view, &p) != OUTCOME_OK)
		return cli_fail("%s", p.message);
	return cli_print_json(view);
}

int cmd_user_erase(struct cli *cli, int argc, char **argv)
{
	int64_t id;
	if (cli_person(cli, argc, argv, "user erase USERNAME|ID", &id))
		return 1;
	struct problem p = { { 0 } };
	if (privacy_erase(cli->db, id, 0, &p) != OUTCOME_OK)
		return cli_fail("%s", p.message);
	printf("user %lld erased; their attempts stay in the statistics, anonymised\n",
	       (long long)id);
	return 0;
}
