/* settings.h - the few names an administrator keeps in the database rather
 * than in code: the bodies that issue and receive the yearly report and
 * that issue certificates. Each known key has a default (today's names,
 * after the 2025 merger of the Departments of Information and
 * Communications into the Departments of Science and Technology); a value
 * stored with quizadm replaces it. Domain code, testable without HTTP. */
#ifndef QUIZ_SETTINGS_H
#define QUIZ_SETTINGS_H

#include <jansson.h>
#include <stddef.h>

#include "outcome.h"

struct db;
struct audit_actor;

/* The department that collects the units' yearly reports, writes the
 * provincial report and issues certificates. */
#define SETTINGS_DEPARTMENT "body.department"
/* The authority the department's provincial report goes to. */
#define SETTINGS_AUTHORITY "body.authority"
/* The longest value, in bytes. */
#define SETTINGS_VALUE_MAX 255

/* The value of key (a known key) into buf (size >= SETTINGS_VALUE_MAX + 1):
 * the stored one, else the default; on a storage error the default, the
 * error logged once. */
void settings_get(struct db *db, const char *key, char *buf, size_t size);

/* Stores value for key, audited as actor's "settings.set" with the old and
 * new values; an empty value goes back to the default. OUTCOME_INVALID for
 * an unknown key or a value that is not UTF-8 text of at most
 * SETTINGS_VALUE_MAX bytes on one line, OUTCOME_INTERNAL (logged). */
enum outcome settings_set(struct db *db, const struct audit_actor *actor, const char *key,
			  const char *value, struct problem *p);

/* {"settings":[{"key","value","default","about"}]}: every known key with
 * its value as settings_get reads it. A new reference. */
json_t *settings_list_json(struct db *db);

#endif
