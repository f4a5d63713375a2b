/* db_account.c - SQL for units, headcounts, users, sessions, throttling. */
#include "db_account.h"

#include <stdio.h>
#include <string.h>

#include "db_priv.h"
#include "util.h"

const char db_sql_accounts[] =
	"CREATE TABLE units ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  level TEXT,"
	"  parent_id INTEGER REFERENCES units(id),"
	"  path TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX units_parent ON units(parent_id);"
	"CREATE INDEX units_path ON units(path);"
	"CREATE TABLE headcounts ("
	"  unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,"
	"  year INTEGER NOT NULL,"
	"  audience TEXT NOT NULL,"
	"  count INTEGER NOT NULL CHECK (count >= 0),"
	"  updated_at INTEGER NOT NULL,"
	"  updated_by INTEGER,"
	"  PRIMARY KEY (unit_id, year, audience)) WITHOUT ROWID;"
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  pw_hash TEXT NOT NULL,"
	"  full_name TEXT NOT NULL DEFAULT '',"
	"  role TEXT NOT NULL CHECK (role IN ('participant','unit_admin','admin')),"
	"  unit_id INTEGER REFERENCES units(id),"
	"  audience TEXT,"
	"  birth_year INTEGER,"
	"  phone TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  erased_at INTEGER);"
	"CREATE INDEX users_unit ON users(unit_id, audience);"
	"CREATE TABLE sessions ("
	"  token_hash BLOB PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE login_throttle ("
	"  key TEXT PRIMARY KEY,"
	"  failures INTEGER NOT NULL,"
	"  window_start INTEGER NOT NULL,"
	"  locked_until INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;";

static const char SQL_UNIT_BY_CODE[] =
	"SELECT u.id, u.code, u.name, u.kind, u.level, u.parent_id, p.code, u.path"
	" FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = ?1";
static const char SQL_UNIT_BY_ID[] =
	"SELECT u.id, u.code, u.name, u.kind, u.level, u.parent_id, p.code, u.path"
	" FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = ?1";
static const char SQL_UNIT_INSERT[] =
	"INSERT INTO units (code, name, kind, level, parent_id, path, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, '', strftime('%s','now') * 1000)";
DB_PG_SQL(SQL_UNIT_INSERT,
	  "INSERT INTO units (code, name, kind, level, parent_id, path, created_at)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, '',"
	  " CAST(extract(epoch FROM now()) AS BIGINT) * 1000) RETURNING id");
static const char SQL_UNIT_SET_PATH[] = "UPDATE units SET path = ?2 WHERE id = ?1";
static const char SQL_UNIT_UPDATE[] =
	"UPDATE units SET name = ?2, kind = ?3, level = ?4, parent_id = ?5 WHERE id = ?1";
static const char SQL_UNIT_MOVE_SUBTREE[] =
	"UPDATE units SET path = ?2 || substr(path, length(?1) + 1)"
	" WHERE substr(path, 1, length(?1)) = ?1";
static const char SQL_UNIT_COUNT[] = "SELECT count(*) FROM units";
static const char SQL_HEADCOUNT_SET[] =
	"INSERT INTO headcounts (unit_id, year, audience, count, updated_at, updated_by)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	" ON CONFLICT (unit_id, year, audience) DO UPDATE SET count = excluded.count,"
	" updated_at = excluded.updated_at, updated_by = excluded.updated_by";

static const char SQL_USER_BY_USERNAME[] =
	"SELECT s.id, s.username, s.full_name, s.role, s.unit_id, u.code, u.path, s.audience,"
	" s.birth_year, s.phone, s.pw_hash, s.disabled_at IS NOT NULL"
	" FROM users s LEFT JOIN units u ON u.id = s.unit_id"
	" WHERE s.username = ?1 AND s.erased_at IS NULL";
/* Usernames compare without case (COLLATE NOCASE on SQLite; on PostgreSQL
 * a unique index on lower(username)). */
DB_PG_SQL(SQL_USER_BY_USERNAME,
	  "SELECT s.id, s.username, s.full_name, s.role, s.unit_id, u.code, u.path, s.audience,"
	  " s.birth_year, s.phone, s.pw_hash, s.disabled_at IS NOT NULL"
	  " FROM users s LEFT JOIN units u ON u.id = s.unit_id"
	  " WHERE lower(s.username) = lower(?1) AND s.erased_at IS NULL");
static const char SQL_USER_BY_ID[] =
	"SELECT s.id, s.username, s.full_name, s.role, s.unit_id, u.code, u.path, s.audience,"
	" s.birth_year, s.phone, s.pw_hash, s.disabled_at IS NOT NULL"
	" FROM users s LEFT JOIN units u ON u.id = s.unit_id"
	" WHERE s.id = ?1 AND s.erased_at IS NULL";
/* A taken username inserts nothing (no error: a PostgreSQL transaction
 * would be over after one, and an import goes on past a taken name). */
static const char SQL_USER_INSERT[] =
	"INSERT INTO users (username, pw_hash, full_name, role, unit_id, audience, birth_year,"
	" phone, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING";
DB_PG_RETURNING_ID(SQL_USER_INSERT);
static const char SQL_USER_SET_PASSWORD[] = "UPDATE users SET pw_hash = ?2 WHERE id = ?1";

static const char SQL_SESSION_INSERT[] = "INSERT INTO sessions (token_hash, user_id, created_at, "
					 "expires_at) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_SESSION_USER[] =
	"SELECT s.id, s.username, s.full_name, s.role, s.unit_id, u.code, u.path, s.audience,"
	" s.birth_year, s.phone, '', x.expires_at"
	" FROM sessions x JOIN users s ON s.id = x.user_id LEFT JOIN units u ON u.id = s.unit_id"
	" WHERE x.token_hash = ?1 AND x.expires_at > ?2 AND s.erased_at IS NULL"
	" AND s.disabled_at IS NULL";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE token_hash = ?1";
static const char SQL_SESSION_DELETE_USER[] =
	"DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS DISTINCT FROM ?2";
static const char SQL_SESSION_PURGE[] = "DELETE FROM sessions WHERE expires_at <= ?1";
static const char SQL_SESSION_ANY_EXPIRED[] =
	"SELECT EXISTS (SELECT 1 FROM sessions WHERE expires_at <= ?1)";
static const char SQL_SESSION_COUNT[] = "SELECT count(*) FROM sessions";

static const char SQL_THROTTLE_GET[] = "SELECT locked_until FROM login_throttle WHERE key = ?1";
static const char SQL_THROTTLE_FAIL[] =
	"INSERT INTO login_throttle (key, failures, window_start, locked_until)"
	" VALUES (?1, 1, ?2, 0)"
	" ON CONFLICT (key) DO UPDATE SET"
	"  failures = CASE WHEN login_throttle.window_start + ?3 <= ?2 THEN 1"
	"  ELSE login_throttle.failures + 1 END,"
	"  window_start = CASE WHEN login_throttle.window_start + ?3 <= ?2 THEN ?2"
	"  ELSE login_throttle.window_start END"
	" RETURNING failures";
static const char SQL_THROTTLE_LOCK[] =
	"UPDATE login_throttle SET locked_until = ?2 WHERE key = ?1";
static const char SQL_THROTTLE_CLEAR[] = "DELETE FROM login_throttle WHERE key = ?1";
/* A row is over when its window has passed and it holds no lock. */
static const char SQL_THROTTLE_PURGE[] = "DELETE FROM login_throttle"
					 " WHERE window_start + ?2 <= ?1 AND locked_until <= ?1";
static const char SQL_THROTTLE_ANY_OVER[] =
	"SELECT EXISTS (SELECT 1 FROM login_throttle"
	" WHERE window_start + ?2 <= ?1 AND locked_until <= ?1)";
static const char SQL_THROTTLE_COUNT[] = "SELECT count(*) FROM login_throttle";

static void unit_from_row(db_st *st, struct db_unit *out)
{
	memset(out, 0, sizeof *out);
	out->id = dbs_column_int64(st, 0);
	util_strlcpy(out->code, db_col_text(st, 1), sizeof out->code);
	util_strlcpy(out->name, db_col_text(st, 2), sizeof out->name);
	util_strlcpy(out->kind, db_col_text(st, 3), sizeof out->kind);
	util_strlcpy(out->level, db_col_text(st, 4), sizeof out->level);
	out->parent_id = dbs_column_int64(st, 5);
	util_strlcpy(out->parent_code, db_col_text(st, 6), sizeof out->parent_code);
	util_strlcpy(out->path, db_col_text(st, 7), sizeof out->path);
}

static int unit_lookup(struct db *db, const char *sql, db_st *st, struct db_unit *out)
{
	(void)sql;
	int rc = dbs_step(st);
	int ret;
	if (rc == DBS_ROW) {
		unit_from_row(st, out);
		ret = 1;
	} else if (rc == DBS_DONE) {
		ret = 0;
	} else {
		ret = db_fail(db, "unit lookup");
	}
	dbs_reset(st);
	return ret;
}

int db_unit_by_code(struct db *db, const char *code, struct db_unit *out)
{
	db_st *st = db_stmt(db, SQL_UNIT_BY_CODE);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, code, -1, DBS_STATIC);
	return unit_lookup(db, SQL_UNIT_BY_CODE, st, out);
}

static int db_unit_by_id(struct db *db, int64_t id, struct db_unit *out)
{
	db_st *st = db_stmt(db, SQL_UNIT_BY_ID);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	return unit_lookup(db, SQL_UNIT_BY_ID, st, out);
}

bool db_unit_path_within(const char *path, const char *ancestor_path)
{
	size_t n = strlen(ancestor_path);
	return n > 0 && strncmp(path, ancestor_path, n) == 0;
}

int db_unit_upsert(struct db *db, const char *code, const char *name, const char *kind,
		   const char *level, int64_t parent_id, bool *created)
{
	struct db_unit parent, existing;
	char parent_path[512] = "/";
	*created = false;
	if (parent_id) {
		int rc = db_unit_by_id(db, parent_id, &parent);
		if (rc <= 0)
			return rc < 0 ? -1
				      : (snprintf(db->err, sizeof db->err, "parent unit not found"),
					 DB_CONFLICT);
		util_strlcpy(parent_path, parent.path, sizeof parent_path);
	}
	int found = db_unit_by_code(db, code, &existing);
	if (found < 0)
		return -1;
	db_st *st;
	if (!found) {
		st = db_stmt(db, SQL_UNIT_INSERT);
		if (!st)
			return -1;
		dbs_bind_text(st, 1, code, -1, DBS_STATIC);
		dbs_bind_text(st, 2, name, -1, DBS_STATIC);
		dbs_bind_text(st, 3, kind, -1, DBS_STATIC);
		db_bind_text_or_null(st, 4, level);
		if (parent_id)
			dbs_bind_int64(st, 5, parent_id);
		int rc = db_exec_stmt(db, st, "insert unit");
		if (rc)
			return rc;
		int64_t id = db_last_insert_id(db);
		char path[600];
		snprintf(path, sizeof path, "%s%lld/", parent_path, (long long)id);
		if (strlen(path) >= sizeof existing.path) {
			snprintf(db->err, sizeof db->err, "unit tree too deep");
			return DB_CONFLICT;
		}
		st = db_stmt(db, SQL_UNIT_SET_PATH);
		if (!st)
			return -1;
		dbs_bind_int64(st, 1, id);
		dbs_bind_text(st, 2, path, -1, DBS_TRANSIENT);
		*created = true;
		return db_exec_stmt(db, st, "set unit path");
	}
	if (parent_id && db_unit_path_within(parent_path, existing.path)) {
		snprintf(db->err, sizeof db->err, "unit %s cannot be placed under its own subtree",
			 code);
		return DB_CONFLICT;
	}
	st = db_stmt(db, SQL_UNIT_UPDATE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, existing.id);
	dbs_bind_text(st, 2, name, -1, DBS_STATIC);
	dbs_bind_text(st, 3, kind, -1, DBS_STATIC);
	db_bind_text_or_null(st, 4, level);
	if (parent_id)
		dbs_bind_int64(st, 5, parent_id);
	int rc = db_exec_stmt(db, st, "update unit");
	if (rc || existing.parent_id == parent_id)
		return rc;
	char new_path[600];
	snprintf(new_path, sizeof new_path, "%s%lld/", parent_path, (long long)existing.id);
	st = db_stmt(db, SQL_UNIT_MOVE_SUBTREE);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, existing.path, -1, DBS_TRANSIENT);
	dbs_bind_text(st, 2, new_path, -1, DBS_TRANSIENT);
	return db_exec_stmt(db, st, "move unit subtree");
}

int db_headcount_set(struct db *db, int64_t unit_id, int year, const char *audience, int64_t count,
		     int64_t by_user, int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_HEADCOUNT_SET);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, unit_id);
	dbs_bind_int(st, 2, year);
	dbs_bind_text(st, 3, audience, -1, DBS_STATIC);
	dbs_bind_int64(st, 4, count);
	dbs_bind_int64(st, 5, now_ms);
	if (by_user)
		dbs_bind_int64(st, 6, by_user);
	return db_exec_stmt(db, st, "set headcount");
}

int64_t db_unit_count(struct db *db)
{
	db_st *st = db_stmt(db, SQL_UNIT_COUNT);
	if (!st)
		return -1;
	int64_t n = -1;
	if (dbs_step(st) == DBS_ROW)
		n = dbs_column_int64(st, 0);
	else
		db_fail(db, "count units");
	dbs_reset(st);
	return n;
}

void db_user_from_row(db_st *st, struct db_user *out)
{
	memset(out, 0, sizeof *out);
	out->id = dbs_column_int64(st, 0);
	util_strlcpy(out->username, db_col_text(st, 1), sizeof out->username);
	util_strlcpy(out->full_name, db_col_text(st, 2), sizeof out->full_name);
	util_strlcpy(out->role, db_col_text(st, 3), sizeof out->role);
	out->unit_id = dbs_column_int64(st, 4);
	util_strlcpy(out->unit_code, db_col_text(st, 5), sizeof out->unit_code);
	util_strlcpy(out->unit_path, db_col_text(st, 6), sizeof out->unit_path);
	util_strlcpy(out->audience, db_col_text(st, 7), sizeof out->audience);
	out->birth_year = dbs_column_int(st, 8);
	util_strlcpy(out->phone, db_col_text(st, 9), sizeof out->phone);
	util_strlcpy(out->pw_hash, db_col_text(st, 10), sizeof out->pw_hash);
}

static int user_lookup(struct db *db, db_st *st, struct db_user *out)
{
	int rc = dbs_step(st);
	int ret;
	if (rc == DBS_ROW) {
		db_user_from_row(st, out);
		out->disabled = dbs_column_int(st, 11) != 0;
		ret = 1;
	} else if (rc == DBS_DONE) {
		ret = 0;
	} else {
		ret = db_fail(db, "user lookup");
	}
	dbs_reset(st);
	return ret;
}

int db_user_by_username(struct db *db, const char *username, struct db_user *out)
{
	db_st *st = db_stmt(db, SQL_USER_BY_USERNAME);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, username, -1, DBS_STATIC);
	return user_lookup(db, st, out);
}

int db_user_by_id(struct db *db, int64_t id, struct db_user *out)
{
	db_st *st = db_stmt(db, SQL_USER_BY_ID);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	return user_lookup(db, st, out);
}

int db_user_create(struct db *db, struct db_user *u, const char *pw_hash, int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_USER_INSERT);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, u->username, -1, DBS_STATIC);
	dbs_bind_text(st, 2, pw_hash, -1, DBS_STATIC);
	dbs_bind_text(st, 3, u->full_name, -1, DBS_STATIC);
	dbs_bind_text(st, 4, u->role, -1, DBS_STATIC);
	if (u->unit_id)
		dbs_bind_int64(st, 5, u->unit_id);
	db_bind_text_or_null(st, 6, u->audience);
	if (u->birth_year)
		dbs_bind_int(st, 7, u->birth_year);
	db_bind_text_or_null(st, 8, u->phone);
	dbs_bind_int64(st, 9, now_ms);
	int rc = db_exec_stmt(db, st, "create user");
	if (rc == 0 && db_changes(db) == 0)
		rc = DB_CONFLICT;
	if (rc == DB_CONFLICT)
		snprintf(db->err, sizeof db->err, "username %s is taken", u->username);
	if (rc == 0)
		u->id = db_last_insert_id(db);
	return rc;
}

int db_user_set_password(struct db *db, int64_t user_id, const char *pw_hash)
{
	db_st *st = db_stmt(db, SQL_USER_SET_PASSWORD);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	dbs_bind_text(st, 2, pw_hash, -1, DBS_STATIC);
	return db_exec_stmt(db, st, "set password");
}

int db_session_create(struct db *db, const unsigned char token_hash[32], int64_t user_id,
		      int64_t now_ms, int64_t expires_ms)
{
	db_st *st = db_stmt(db, SQL_SESSION_INSERT);
	if (!st)
		return -1;
	dbs_bind_blob(st, 1, token_hash, 32, DBS_STATIC);
	dbs_bind_int64(st, 2, user_id);
	dbs_bind_int64(st, 3, now_ms);
	dbs_bind_int64(st, 4, expires_ms);
	return db_exec_stmt(db, st, "create session");
}

int db_session_user(struct db *db, const unsigned char token_hash[32], int64_t now_ms,
		    struct db_user *out, int64_t *expires_ms)
{
	db_st *st = db_stmt(db, SQL_SESSION_USER);
	if (!st)
		return -1;
	dbs_bind_blob(st, 1, token_hash, 32, DBS_STATIC);
	dbs_bind_int64(st, 2, now_ms);
	int rc = dbs_step(st);
	int ret;
	if (rc == DBS_ROW) {
		db_user_from_row(st, out);
		if (expires_ms)
			*expires_ms = dbs_column_int64(st, 11);
		ret = 1;
	} else if (rc == DBS_DONE) {
		ret = 0;
	} else {
		ret = db_fail(db, "session lookup");
	}
	dbs_reset(st);
	return ret;
}

int db_session_delete(struct db *db, const unsigned char token_hash[32])
{
	db_st *st = db_stmt(db, SQL_SESSION_DELETE);
	if (!st)
		return -1;
	dbs_bind_blob(st, 1, token_hash, 32, DBS_STATIC);
	return db_exec_stmt(db, st, "delete session");
}

int db_session_delete_user(struct db *db, int64_t user_id, const unsigned char keep_hash[32])
{
	db_st *st = db_stmt(db, SQL_SESSION_DELETE_USER);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	if (keep_hash)
		dbs_bind_blob(st, 2, keep_hash, 32, DBS_STATIC);
	return db_exec_stmt(db, st, "delete user sessions");
}

/* The single integer a query of two bound integers returns, or -1. */
static int64_t scalar2(struct db *db, const char *sql, int64_t a, int64_t b, const char *what)
{
	db_st *st = db_stmt(db, sql);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, a);
	dbs_bind_int64(st, 2, b);
	int64_t v = dbs_step(st) == DBS_ROW ? dbs_column_int64(st, 0) : db_fail(db, what);
	dbs_reset(st);
	return v;
}

/* Runs a purge only when a read finds something to delete: a DELETE takes
 * the write lock even when it matches nothing. Returns the count or -1. */
static int64_t purge(struct db *db, const char *probe, const char *del, int64_t now_ms,
		     int64_t window_ms, const char *what)
{
	int64_t any = scalar2(db, probe, now_ms, window_ms, what);
	if (any <= 0)
		return any;
	db_st *st = db_stmt(db, del);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, now_ms);
	if (del == SQL_THROTTLE_PURGE)
		dbs_bind_int64(st, 2, window_ms);
	if (db_exec_stmt(db, st, what))
		return -1;
	return db_changes(db);
}

int64_t db_session_purge(struct db *db, int64_t now_ms)
{
	return purge(db, SQL_SESSION_ANY_EXPIRED, SQL_SESSION_PURGE, now_ms, 0, "purge sessions");
}

int64_t db_throttle_purge(struct db *db, int64_t now_ms, int64_t window_ms)
{
	return purge(db, SQL_THROTTLE_ANY_OVER, SQL_THROTTLE_PURGE, now_ms, window_ms,
		     "purge login throttling");
}

int db_account_stored(struct db *db, int64_t *sessions, int64_t *throttles)
{
	*sessions = scalar2(db, SQL_SESSION_COUNT, 0, 0, "count sessions");
	*throttles = scalar2(db, SQL_THROTTLE_COUNT, 0, 0, "count login throttling");
	return *sessions < 0 || *throttles < 0 ? -1 : 0;
}

int64_t db_throttle_locked_until(struct db *db, const char *key, int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_THROTTLE_GET);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, key, -1, DBS_STATIC);
	int64_t until = 0;
	int rc = dbs_step(st);
	if (rc == DBS_ROW)
		until = dbs_column_int64(st, 0);
	else if (rc != DBS_DONE)
		until = db_fail(db, "throttle lookup");
	dbs_reset(st);
	if (until > 0 && until <= now_ms)
		until = 0;
	return until;
}

int64_t db_throttle_fail(struct db *db, const char *key, int64_t now_ms, int64_t window_ms,
			 int limit, int64_t lock_ms)
{
	db_st *st = db_stmt(db, SQL_THROTTLE_FAIL);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, key, -1, DBS_STATIC);
	dbs_bind_int64(st, 2, now_ms);
	dbs_bind_int64(st, 3, window_ms);
	int64_t failures = 0;
	int rc = dbs_step(st);
	if (rc == DBS_ROW)
		failures = dbs_column_int64(st, 0);
	else
		failures = db_fail(db, "throttle update");
	dbs_reset(st);
	if (failures < 0)
		return -1;
	if (failures < limit)
		return 0;
	/* Each failure past the limit doubles the lock, up to 64 times the base. */
	int64_t extra = failures - limit;
	int64_t until = now_ms + lock_ms * (extra < 6 ? (1LL << extra) : 64);
	st = db_stmt(db, SQL_THROTTLE_LOCK);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, key, -1, DBS_STATIC);
	dbs_bind_int64(st, 2, until);
	if (db_exec_stmt(db, st, "throttle lock"))
		return -1;
	return until;
}

int db_throttle_clear(struct db *db, const char *key)
{
	/* Look before deleting: a DELETE is a write transaction with its own
	 * fsync, and nearly every successful login has nothing to clear. */
	db_st *st = db_stmt(db, SQL_THROTTLE_GET);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, key, -1, DBS_STATIC);
	int rc = dbs_step(st);
	dbs_reset(st);
	if (rc == DBS_DONE)
		return 0;
	if (rc != DBS_ROW)
		return db_fail(db, "throttle lookup");
	st = db_stmt(db, SQL_THROTTLE_CLEAR);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, key, -1, DBS_STATIC);
	return db_exec_stmt(db, st, "throttle clear");
}
