/* db_settings.h - storage of the settings (settings.h); migration 20. See
 * db.h for the return conventions. */
#ifndef QUIZ_DB_SETTINGS_H
#define QUIZ_DB_SETTINGS_H

#include <stdint.h>

#include "db.h"

/* The stored value of key into *value (new string, caller frees): 1, 0
 * when none is stored, -1. */
int db_setting_get(struct db *db, const char *key, char **value);
/* Stores value for key at now_ms; NULL deletes it. 0 or -1. */
int db_setting_put(struct db *db, const char *key, const char *value, int64_t now_ms);

#endif
