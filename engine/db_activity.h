/* db_activity.h - storage of activities beyond quizzes (trainings,
 * seminars, events, live games) and their attendance; migration 13. See
 * db.h for the return conventions. */
#ifndef QUIZ_DB_ACTIVITY_H
#define QUIZ_DB_ACTIVITY_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "db_account.h"

/* Room for the JSON arrays of audiences and topics as stored. */
#define DB_ACTIVITY_AUDIENCES_MAX 512
#define DB_ACTIVITY_TOPICS_MAX 2048

struct db_activity {
	int64_t id;
	char code[DB_CODE_MAX];
	char title[DB_NAME_MAX];
	char kind[16]; /* training, seminar, event, live_game */
	int64_t unit_id;
	char unit_code[DB_CODE_MAX]; /* filled by reads */
	char unit_path[512]; /* filled by reads */
	char audiences[DB_ACTIVITY_AUDIENCES_MAX]; /* JSON array text */
	char topics[DB_ACTIVITY_TOPICS_MAX]; /* JSON array text */
	int64_t starts_at_ms, ends_at_ms;
	bool check_in_open;
	bool certificate; /* attendees may print a certificate of attendance */
	int64_t attendees; /* filled by reads */
};

/* Inserts a (id ignored) at now_ms into *id: 0, DB_CONFLICT (code taken)
 * or -1. */
int db_activity_insert(struct db *db, const struct db_activity *a, int64_t now_ms, int64_t *id);
/* Writes every field of a but its id, unit and code: 0 or -1. */
int db_activity_update(struct db *db, const struct db_activity *a, int64_t now_ms);
/* 1 found (filled), 0 none, -1. */
int db_activity_by_id(struct db *db, int64_t id, struct db_activity *out);
/* Calls fn for each activity of a unit under scope_path (NULL: any) that
 * starts in [from_ms, to_ms), oldest first, with its attendees counted.
 * 0 or -1. */
int db_activity_each(struct db *db, const char *scope_path, int64_t from_ms, int64_t to_ms,
		     void (*fn)(const struct db_activity *a, void *ctx), void *ctx);

/* Records that user_id attended activity_id (how: check_in, list,
 * live_game) at at_ms, with the person's unit (0: none) and audience (""
 * when none) as they are and the activity's year: 1 added, 0 already
 * there (counted once), -1. */
int db_attendance_add(struct db *db, int64_t activity_id, int64_t user_id, int year,
		      int64_t unit_id, const char *audience, const char *how, int64_t at_ms);

/* One attendance as read back; texts borrowed for the callback. */
struct db_attendance {
	int64_t activity_id;
	const char *username, *full_name, *unit_code, *how;
	int64_t at_ms;
};
/* Calls fn for each attendee of an activity, in order of arrival. 0 or -1. */
int db_attendance_each(struct db *db, int64_t activity_id,
		       void (*fn)(const struct db_attendance *a, void *ctx), void *ctx);

#endif
