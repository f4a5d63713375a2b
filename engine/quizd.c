/* quizd.c - the service: reads settings, migrates the database, starts the
 * hashing pool and the HTTP server, and stops cleanly on SIGINT/SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "auth.h"
#include "cert.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "service.h"

int main(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	struct app app = { 0 };
	struct db *db = NULL;
	int status = 1;

	int rc = config_load(&cfg, argc, argv, err, sizeof err);
	if (rc)
		goto usage;
	app.cfg = cfg.app;
	if (app.cfg.test_clock_file) {
		clock_use_offset_file(app.cfg.test_clock_file);
		fprintf(stderr, "quizd: TEST CLOCK: time shifted by the ms in %s\n",
			app.cfg.test_clock_file);
	}

	/* Block the stop signals in every thread; main waits for them below. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	db = db_open(app.cfg.db_path, err, sizeof err);
	if (!db || db_migrate(db)) {
		fprintf(stderr, "quizd: %s\n", db ? db_errmsg(db) : err);
		goto out;
	}
	bool key_created = false;
	if (cert_key_ensure(app.cfg.data_dir, app.cfg.db_path, &key_created, err, sizeof err)) {
		fprintf(stderr, "quizd: %s\n", err);
		goto out;
	}
	if (key_created)
		fprintf(stderr, "quizd: created the certificate signing key\n");
	app.auth = auth_new(&cfg.auth);
	if (!app.auth) {
		fprintf(stderr, "quizd: cannot start the password hashing pool\n");
		goto out;
	}
	if (service_start(&app, db, err, sizeof err)) {
		fprintf(stderr, "quizd: %s\n", err);
		goto out;
	}
	app.http =
		http_start(&cfg.http, api_routes, api_nroutes, &app, app_open_db, err, sizeof err);
	if (!app.http) {
		fprintf(stderr, "quizd: %s\n", err);
		goto out;
	}
	fprintf(stderr, "quizd: listening on %s (port %u), database %s\n", cfg.http.listen,
		http_port(app.http), app.cfg.db_path);

	int sig = 0;
	sigwait(&stop, &sig);
	fprintf(stderr, "quizd: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	status = 0;
out:
	service_quiesce(&app);
	http_stop(app.http);
	service_stop(&app);
	auth_free(app.auth);
	db_close(db);
	return status;
usage:
	if (rc > 0)
		return 0;
	fprintf(stderr, "quizd: %s\n", err);
	return 2;
}
