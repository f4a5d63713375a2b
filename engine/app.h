/* app.h - what every handler can reach: the settings and shared services of
 * one quizd process. Nothing here holds state another instance would need:
 * sessions, throttling and attempts live in the database. */
#ifndef QUIZ_APP_H
#define QUIZ_APP_H

#include <stdbool.h>
#include <stdint.h>

struct auth;
struct db;
struct http_server;

struct app_config {
	const char *db_path;
	const char *web_dir;
	const char *data_dir; /* keys outside the database (certificate signing) */
	const char *public_url; /* "https://host" for login-card QR codes, or NULL */
	bool secure_cookies;
	int64_t attempt_grace_ms; /* saves accepted this long past the deadline (<= 2000) */
	int64_t sweep_interval_ms; /* how often expired attempts are finalised */
	const char *test_clock_file; /* tests only: see clock_use_offset_file */
};

struct app {
	struct app_config cfg;
	struct auth *auth;
	struct http_server *http;
	void *quiz; /* quiz service state (group commit, sweeper); see quiz_service.h */
	void *report; /* report service state; see report.h */
};

/* Opens a connection to the app's database (per worker thread); NULL on error
 * (logged). */
struct db *app_open_db(struct app *app);

#endif
