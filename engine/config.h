/* config.h - reading quizd's settings from flags and QUIZD_* environment
 * variables (flags win), so the same binary runs by hand, under make run,
 * and in a container. */
#ifndef QUIZ_CONFIG_H
#define QUIZ_CONFIG_H

#include "app.h"
#include "auth.h"
#include "http.h"

struct config {
	struct app_config app;
	struct http_config http;
	struct auth_config auth;
};

/* Fills cfg from the environment, then argv. Returns 0, 1 when --help was
 * asked (usage printed), or -1 with a one-line message in err. The strings
 * in cfg point into argv or the environment. */
int config_load(struct config *cfg, int argc, char **argv, char *err, size_t errlen);

#endif
