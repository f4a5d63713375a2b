/* db_account.h - storage of org units, headcounts, users, sessions and
 * login throttling. See db.h for the return conventions. */
#ifndef QUIZ_DB_ACCOUNT_H
#define QUIZ_DB_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

#define DB_NAME_MAX 256
#define DB_CODE_MAX 65

struct db_unit {
	int64_t id;
	char code[DB_CODE_MAX];
	char name[DB_NAME_MAX];
	char kind[32];
	char level[16]; /* school level (thcs, thpt, thcs_thpt) or "" */
	int64_t parent_id; /* 0 for a root */
	char parent_code[DB_CODE_MAX];
	char path[512]; /* "/1/4/9/": ids from the root down to this unit */
};

struct db_user {
	int64_t id;
	char username[DB_CODE_MAX];
	char full_name[DB_NAME_MAX];
	char role[16]; /* participant, unit_admin, admin */
	int64_t unit_id; /* 0 when none */
	char unit_code[DB_CODE_MAX];
	char unit_path[512];
	char audience[32];
	int birth_year; /* 0 when unknown */
	char phone[32];
	char pw_hash[160]; /* crypto_pwhash_str string; filled by lookups */
	bool disabled; /* by db_user_by_username/_by_id: an administrator disabled it */
};

/* Units */
int db_unit_by_code(struct db *db, const char *code, struct db_unit *out);
/* Creates or updates a unit by code. parent_id 0 makes it a root. Moving a
 * unit moves its subtree; making a unit its own descendant is refused
 * (returns DB_CONFLICT with a message). *created is set to true on insert. */
int db_unit_upsert(struct db *db, const char *code, const char *name, const char *kind,
		   const char *level, int64_t parent_id, bool *created);
/* True when unit `path` lies inside (or is) the subtree at `ancestor_path`. */
bool db_unit_path_within(const char *path, const char *ancestor_path);
int db_headcount_set(struct db *db, int64_t unit_id, int year, const char *audience, int64_t count,
		     int64_t by_user, int64_t now_ms);
/* Number of units (for demo seeding checks). */
int64_t db_unit_count(struct db *db);

/* Users */
int db_user_by_username(struct db *db, const char *username, struct db_user *out);
int db_user_by_id(struct db *db, int64_t id, struct db_user *out);
/* Inserts u (id ignored) with the given hash; sets u->id. Returns 0,
 * DB_CONFLICT when the username is taken, -1 on error. */
int db_user_create(struct db *db, struct db_user *u, const char *pw_hash, int64_t now_ms);
int db_user_set_password(struct db *db, int64_t user_id, const char *pw_hash);

/* Sessions: only the hash of a token is stored. */
int db_session_create(struct db *db, const unsigned char token_hash[32], int64_t user_id,
		      int64_t now_ms, int64_t expires_ms);
/* Finds the live session's user (expired sessions are not found) and,
 * when expires_ms is not NULL, the session's expiry. */
int db_session_user(struct db *db, const unsigned char token_hash[32], int64_t now_ms,
		    struct db_user *out, int64_t *expires_ms);
int db_session_delete(struct db *db, const unsigned char token_hash[32]);
/* Deletes every session of a user but the one given (may be NULL). */
int db_session_delete_user(struct db *db, int64_t user_id, const unsigned char keep_hash[32]);
/* Deletes expired sessions; returns the count or -1. Takes the write lock
 * only when there is something to delete. */
int64_t db_session_purge(struct db *db, int64_t now_ms);

/* Login throttling, shared by every instance through the database.
 * db_throttle_locked_until: 0 when not locked. db_throttle_fail records a
 * failure in a window and returns the new lock end (0 when not locked),
 * -1 on error. */
int64_t db_throttle_locked_until(struct db *db, const char *key, int64_t now_ms);
int64_t db_throttle_fail(struct db *db, const char *key, int64_t now_ms, int64_t window_ms,
			 int limit, int64_t lock_ms);
int db_throttle_clear(struct db *db, const char *key);
/* Deletes the rows whose window (window_ms from its first failure) has
 * passed and whose lock has ended; returns the count or -1. Takes the write
 * lock only when there is something to delete. */
int64_t db_throttle_purge(struct db *db, int64_t now_ms, int64_t window_ms);
/* The rows held: sessions (live or not) and login-throttling rows. Returns
 * 0 or -1. */
int db_account_stored(struct db *db, int64_t *sessions, int64_t *throttles);

#endif
