/* db_registration.c - migration 8 (registration windows, the marks of a
 * self-registered person) and its statements (see db_registration.h). */
#include "db_registration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "util.h"

/* audiences: a comma list of audience codes. One window per contest. A
 * phone number is used once per contest among live self-registered people
 * (erasure sets phone to NULL). */
const char db_sql_registration[] =
	"CREATE TABLE registration_windows ("
	"  quiz_id INTEGER PRIMARY KEY REFERENCES quizzes(id) ON DELETE CASCADE,"
	"  unit_id INTEGER NOT NULL REFERENCES units(id),"
	"  audiences TEXT NOT NULL,"
	"  opens_at INTEGER, closes_at INTEGER,"
	"  opened_by INTEGER, opened_at INTEGER NOT NULL);"
	"ALTER TABLE users ADD COLUMN self_registered INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN registered_for INTEGER REFERENCES quizzes(id);"
	"ALTER TABLE users ADD COLUMN confirmed_at INTEGER;"
	"CREATE UNIQUE INDEX users_phone_per_contest ON users(registered_for, phone)"
	" WHERE registered_for IS NOT NULL AND phone IS NOT NULL;"
	"CREATE INDEX users_unconfirmed ON users(unit_id)"
	" WHERE self_registered = 1 AND confirmed_at IS NULL;";

static const char SQL_PUT[] =
	"INSERT INTO registration_windows (quiz_id, unit_id, audiences, opens_at, closes_at,"
	" opened_by, opened_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	" ON CONFLICT (quiz_id) DO UPDATE SET unit_id = excluded.unit_id,"
	" audiences = excluded.audiences, opens_at = excluded.opens_at,"
	" closes_at = excluded.closes_at, opened_by = excluded.opened_by,"
	" opened_at = excluded.opened_at";
#define WINDOW_COLUMNS                                                                             \
	"SELECT w.quiz_id, q.title, q.code, w.unit_id, u.code, u.name, u.path, w.audiences,"       \
	" COALESCE(w.opens_at, 0), COALESCE(w.closes_at, 0), COALESCE(w.opened_by, 0),"            \
	" w.opened_at FROM registration_windows w JOIN quizzes q ON q.id = w.quiz_id"              \
	" JOIN units u ON u.id = w.unit_id"
static const char SQL_GET[] = WINDOW_COLUMNS " WHERE w.quiz_id = ?1";
static const char SQL_OPEN_LIST[] =
	WINDOW_COLUMNS " WHERE (w.opens_at IS NULL OR w.opens_at <= ?1)"
		       " AND (w.closes_at IS NULL OR w.closes_at > ?1) ORDER BY q.title, w.quiz_id";
static const char SQL_UNITS[] = "SELECT code, name, kind FROM units"
				" WHERE substr(path, 1, length(?1)) = ?1 ORDER BY path LIMIT 20000";
static const char SQL_DELETE[] = "DELETE FROM registration_windows WHERE quiz_id = ?1";
static const char SQL_MARK[] =
	"UPDATE users SET self_registered = 1, registered_for = ?2 WHERE id = ?1";
static const char SQL_PHONE_USED[] =
	"SELECT EXISTS (SELECT 1 FROM users WHERE registered_for = ?1 AND phone = ?2"
	" AND erased_at IS NULL)";
static const char SQL_PERSON[] =
	"SELECT s.self_registered, s.confirmed_at IS NOT NULL, COALESCE(s.registered_for, 0),"
	" COALESCE(u.path, '') FROM users s LEFT JOIN units u ON u.id = s.unit_id"
	" WHERE s.id = ?1 AND s.erased_at IS NULL";
static const char SQL_UNCONFIRMED[] =
	"SELECT s.id, s.username, s.full_name, u.code, u.name, COALESCE(s.audience, ''),"
	" COALESCE(s.registered_for, 0), COALESCE(q.title, ''), s.created_at"
	" FROM users s JOIN units u ON u.id = s.unit_id LEFT JOIN quizzes q ON q.id = "
	"s.registered_for"
	" WHERE s.self_registered = 1 AND s.confirmed_at IS NULL AND s.erased_at IS NULL"
	" AND substr(u.path, 1, length(?1)) = ?1 ORDER BY u.path, s.full_name, s.id LIMIT 1000";
static const char SQL_CONFIRM[] =
	"UPDATE users SET confirmed_at = ?2 WHERE id = ?1 AND self_registered = 1"
	" AND confirmed_at IS NULL AND erased_at IS NULL";
static const char SQL_CONFIRM_SUBTREE[] =
	"UPDATE users SET confirmed_at = ?2 WHERE self_registered = 1 AND confirmed_at IS NULL"
	" AND erased_at IS NULL AND unit_id IN (SELECT id FROM units"
	" WHERE substr(path, 1, length(?1)) = ?1)";

/* "a,b,c" into w's audiences (at most DB_REGISTRATION_AUDIENCES_MAX). */
static void audiences_parse(struct db_registration *w, const char *list)
{
	w->naudiences = 0;
	const char *p = list;
	while (*p && w->naudiences < DB_REGISTRATION_AUDIENCES_MAX) {
		size_t len = strcspn(p, ",");
		if (len && len < sizeof w->audiences[0]) {
			memcpy(w->audiences[w->naudiences], p, len);
			w->audiences[w->naudiences++][len] = '\0';
		}
		p += len;
		if (*p == ',')
			p++;
	}
}

int db_registration_put(struct db *db, const struct db_registration *w)
{
	char list[DB_REGISTRATION_AUDIENCES_MAX * 33] = "";
	size_t used = 0;
	for (size_t i = 0; i < w->naudiences && used < sizeof list; i++)
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? "," : "",
					 w->audiences[i]);
	db_st *st = db_stmt(db, SQL_PUT);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, w->quiz_id);
	dbs_bind_int64(st, 2, w->unit_id);
	dbs_bind_text(st, 3, list, -1, DBS_TRANSIENT);
	if (w->opens_at)
		dbs_bind_int64(st, 4, w->opens_at);
	if (w->closes_at)
		dbs_bind_int64(st, 5, w->closes_at);
	if (w->opened_by)
		dbs_bind_int64(st, 6, w->opened_by);
	dbs_bind_int64(st, 7, w->opened_at);
	return db_exec_stmt(db, st, "open registration") ? -1 : 0;
}

static void window_read(db_st *st, void *row)
{
	struct db_registration *w = row;
	memset(w, 0, sizeof *w);
	w->quiz_id = dbs_column_int64(st, 0);
	util_strlcpy(w->quiz_title, db_col_text(st, 1), sizeof w->quiz_title);
	util_strlcpy(w->quiz_code, db_col_text(st, 2), sizeof w->quiz_code);
	w->unit_id = dbs_column_int64(st, 3);
	util_strlcpy(w->unit_code, db_col_text(st, 4), sizeof w->unit_code);
	util_strlcpy(w->unit_name, db_col_text(st, 5), sizeof w->unit_name);
	util_strlcpy(w->unit_path, db_col_text(st, 6), sizeof w->unit_path);
	audiences_parse(w, db_col_text(st, 7));
	w->opens_at = dbs_column_int64(st, 8);
	w->closes_at = dbs_column_int64(st, 9);
	w->opened_by = dbs_column_int64(st, 10);
	w->opened_at = dbs_column_int64(st, 11);
}

int db_registration_get(struct db *db, int64_t quiz_id, struct db_registration *out)
{
	db_st *st = db_stmt(db, SQL_GET);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	int rc = dbs_step(st);
	int ret = 0;
	if (rc == DBS_ROW) {
		window_read(st, out);
		ret = 1;
	} else if (rc != DBS_DONE) {
		ret = db_fail(db, "read registration window");
	}
	dbs_reset(st);
	return ret;
}

int db_registration_delete(struct db *db, int64_t quiz_id)
{
	db_st *st = db_stmt(db, SQL_DELETE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	if (db_exec_stmt(db, st, "close registration"))
		return -1;
	return (int)db_changes(db) > 0;
}

int db_registration_open_list(struct db *db, int64_t now_ms, struct db_registration **out,
			      size_t *n)
{
	db_st *st = db_stmt(db, SQL_OPEN_LIST);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, now_ms);
	return db_collect_rows(db, st, sizeof **out, window_read, (void **)out, n,
			       "list registration windows");
}

static void unit_read(db_st *st, void *row)
{
	struct db_registration_unit *u = row;
	util_strlcpy(u->code, db_col_text(st, 0), sizeof u->code);
	util_strlcpy(u->name, db_col_text(st, 1), sizeof u->name);
	util_strlcpy(u->kind, db_col_text(st, 2), sizeof u->kind);
}

int db_registration_units(struct db *db, const char *path, struct db_registration_unit **out,
			  size_t *n)
{
	db_st *st = db_stmt(db, SQL_UNITS);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, path, -1, DBS_STATIC);
	return db_collect_rows(db, st, sizeof **out, unit_read, (void **)out, n,
			       "list registration units");
}

int db_registration_mark(struct db *db, int64_t user_id, int64_t quiz_id)
{
	db_st *st = db_stmt(db, SQL_MARK);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	dbs_bind_int64(st, 2, quiz_id);
	return db_exec_stmt(db, st, "mark self-registration");
}

int db_registration_phone_used(struct db *db, int64_t quiz_id, const char *phone)
{
	db_st *st = db_stmt(db, SQL_PHONE_USED);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	dbs_bind_text(st, 2, phone, -1, DBS_STATIC);
	int rc = dbs_step(st);
	int ret = rc == DBS_ROW ? dbs_column_int(st, 0) != 0 : db_fail(db, "phone lookup");
	dbs_reset(st);
	return ret;
}

int db_registration_person(struct db *db, int64_t user_id, struct db_self_registered *out)
{
	db_st *st = db_stmt(db, SQL_PERSON);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	int rc = dbs_step(st);
	int ret = 0;
	if (rc == DBS_ROW) {
		memset(out, 0, sizeof *out);
		out->self_registered = dbs_column_int(st, 0) != 0;
		out->confirmed = dbs_column_int(st, 1) != 0;
		out->quiz_id = dbs_column_int64(st, 2);
		util_strlcpy(out->unit_path, db_col_text(st, 3), sizeof out->unit_path);
		ret = 1;
	} else if (rc != DBS_DONE) {
		ret = db_fail(db, "read self-registration");
	}
	dbs_reset(st);
	return ret;
}

static void unconfirmed_read(db_st *st, void *row)
{
	struct db_unconfirmed *u = row;
	u->id = dbs_column_int64(st, 0);
	util_strlcpy(u->username, db_col_text(st, 1), sizeof u->username);
	util_strlcpy(u->full_name, db_col_text(st, 2), sizeof u->full_name);
	util_strlcpy(u->unit_code, db_col_text(st, 3), sizeof u->unit_code);
	util_strlcpy(u->unit_name, db_col_text(st, 4), sizeof u->unit_name);
	util_strlcpy(u->audience, db_col_text(st, 5), sizeof u->audience);
	u->contest_id = dbs_column_int64(st, 6);
	util_strlcpy(u->contest_title, db_col_text(st, 7), sizeof u->contest_title);
	u->created_at = dbs_column_int64(st, 8);
}

int db_registration_unconfirmed(struct db *db, const char *path, struct db_unconfirmed **out,
				size_t *n)
{
	db_st *st = db_stmt(db, SQL_UNCONFIRMED);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, path, -1, DBS_STATIC);
	return db_collect_rows(db, st, sizeof **out, unconfirmed_read, (void **)out, n,
			       "list unconfirmed people");
}

int db_registration_confirm(struct db *db, int64_t user_id, int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_CONFIRM);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	dbs_bind_int64(st, 2, now_ms);
	if (db_exec_stmt(db, st, "confirm person"))
		return -1;
	return (int)db_changes(db) > 0;
}

int64_t db_registration_confirm_subtree(struct db *db, const char *unit_path, int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_CONFIRM_SUBTREE);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, unit_path, -1, DBS_STATIC);
	dbs_bind_int64(st, 2, now_ms);
	if (db_exec_stmt(db, st, "confirm people"))
		return -1;
	return (int)db_changes(db);
}
