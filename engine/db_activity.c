/* db_activity.c - migration 13 (activities, their attendance and the
 * attendance summary kept by triggers for the reports) and the SQL of
 * activities. */
#include "db_activity.h"

#include <string.h>

#include "db_priv.h"
#include "util.h"

/* attendances keep the person's unit and audience and the activity's
 * (Asia/Ho_Chi_Minh) year as they were when the person attended, as
 * attempts do. report_attend_person: one row per person, year, audience
 * and unit with the number of activities attended; report_attend_unit:
 * the people of a unit who attended anything that year, which a report
 * reads in a few thousand rows. */
const char db_sql_activities[] =
	"CREATE TABLE activities ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('training','seminar','event','live_game')),"
	"  unit_id INTEGER NOT NULL REFERENCES units(id),"
	"  audiences TEXT NOT NULL DEFAULT '[]',"
	"  topics TEXT NOT NULL DEFAULT '[]',"
	"  starts_at INTEGER NOT NULL,"
	"  ends_at INTEGER NOT NULL,"
	"  check_in_open INTEGER NOT NULL DEFAULT 0,"
	"  certificate INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX activities_start ON activities(starts_at);"
	"CREATE TABLE attendances ("
	"  activity_id INTEGER NOT NULL REFERENCES activities(id),"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  year INTEGER NOT NULL,"
	"  unit_id INTEGER NOT NULL,"
	"  audience TEXT NOT NULL,"
	"  how TEXT NOT NULL CHECK (how IN ('check_in','list','live_game')),"
	"  at INTEGER NOT NULL,"
	"  PRIMARY KEY (activity_id, user_id)) WITHOUT ROWID;"
	"CREATE INDEX attendances_user ON attendances(user_id);"
	"CREATE TABLE report_attend_person ("
	"  year INTEGER NOT NULL, audience TEXT NOT NULL, user_id INTEGER NOT NULL,"
	"  unit_id INTEGER NOT NULL, activities INTEGER NOT NULL,"
	"  PRIMARY KEY (year, audience, user_id, unit_id)) WITHOUT ROWID;"
	"CREATE TABLE report_attend_unit ("
	"  year INTEGER NOT NULL, unit_id INTEGER NOT NULL, audience TEXT NOT NULL,"
	"  attended INTEGER NOT NULL,"
	"  PRIMARY KEY (year, unit_id, audience)) WITHOUT ROWID;"
	"CREATE TRIGGER attendance_insert AFTER INSERT ON attendances BEGIN"
	" INSERT INTO report_attend_person (year, audience, user_id, unit_id, activities)"
	" VALUES (NEW.year, NEW.audience, NEW.user_id, NEW.unit_id, 1)"
	" ON CONFLICT (year, audience, user_id, unit_id) DO UPDATE SET activities = activities + 1;"
	" END;"
	"CREATE TRIGGER attendance_delete AFTER DELETE ON attendances BEGIN"
	" UPDATE report_attend_person SET activities = activities - 1 WHERE year = OLD.year"
	" AND audience = OLD.audience AND user_id = OLD.user_id AND unit_id = OLD.unit_id;"
	" DELETE FROM report_attend_person WHERE year = OLD.year AND audience = OLD.audience"
	" AND user_id = OLD.user_id AND unit_id = OLD.unit_id AND activities <= 0;"
	" END;"
	"CREATE TRIGGER report_attend_person_insert AFTER INSERT ON report_attend_person BEGIN"
	" INSERT INTO report_attend_unit (year, unit_id, audience, attended)"
	" VALUES (NEW.year, NEW.unit_id, NEW.audience, 1)"
	" ON CONFLICT (year, unit_id, audience) DO UPDATE SET attended = attended + 1;"
	" END;"
	"CREATE TRIGGER report_attend_person_delete AFTER DELETE ON report_attend_person BEGIN"
	" UPDATE report_attend_unit SET attended = attended - 1 WHERE year = OLD.year"
	" AND unit_id = OLD.unit_id AND audience = OLD.audience;"
	" END;";

#define ACTIVITY_COLUMNS                                                                           \
	"a.id, a.code, a.title, a.kind, a.unit_id, u.code, u.path, a.audiences, a.topics,"         \
	" a.starts_at, a.ends_at, a.check_in_open, a.certificate,"                                 \
	" (SELECT count(*) FROM attendances t WHERE t.activity_id = a.id)"

static const char SQL_INSERT[] =
	"INSERT INTO activities (code, title, kind, unit_id, audiences, topics, starts_at,"
	" ends_at, check_in_open, certificate, created_at, updated_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11) ON CONFLICT DO NOTHING";
DB_PG_RETURNING_ID(SQL_INSERT);
static const char SQL_UPDATE[] =
	"UPDATE activities SET title = ?2, kind = ?3, audiences = ?4, topics = ?5,"
	" starts_at = ?6, ends_at = ?7, check_in_open = ?8, certificate = ?9, updated_at = ?10"
	" WHERE id = ?1";
static const char SQL_BY_ID[] =
	"SELECT " ACTIVITY_COLUMNS " FROM activities a JOIN units u ON u.id = a.unit_id"
	" WHERE a.id = ?1";
static const char SQL_EACH[] =
	"SELECT " ACTIVITY_COLUMNS " FROM activities a JOIN units u ON u.id = a.unit_id"
	" WHERE a.starts_at >= ?2 AND a.starts_at < ?3"
	" AND (CAST(?1 AS TEXT) IS NULL OR (u.path >= ?1 AND u.path < ?1 || '~'))"
	" ORDER BY a.starts_at, a.id";
static const char SQL_ATTEND[] =
	"INSERT INTO attendances (activity_id, user_id, year, unit_id, audience, how, at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (activity_id, user_id) DO NOTHING";
static const char SQL_ATTENDEES[] =
	"SELECT t.activity_id, s.username, s.full_name, COALESCE(u.code, ''), t.how, t.at"
	" FROM attendances t JOIN users s ON s.id = t.user_id"
	" LEFT JOIN units u ON u.id = s.unit_id WHERE t.activity_id = ?1 ORDER BY t.at, s.id";

static void bind_fields(db_st *st, const struct db_activity *a, int first)
{
	dbs_bind_text(st, first, a->title, -1, DBS_TRANSIENT);
	dbs_bind_text(st, first + 1, a->kind, -1, DBS_TRANSIENT);
	dbs_bind_text(st, first + 2, a->audiences, -1, DBS_TRANSIENT);
	dbs_bind_text(st, first + 3, a->topics, -1, DBS_TRANSIENT);
	dbs_bind_int64(st, first + 4, a->starts_at_ms);
	dbs_bind_int64(st, first + 5, a->ends_at_ms);
	dbs_bind_int(st, first + 6, a->check_in_open);
	dbs_bind_int(st, first + 7, a->certificate);
}

int db_activity_insert(struct db *db, const struct db_activity *a, int64_t now_ms, int64_t *id)
{
	db_st *st = db_stmt(db, SQL_INSERT);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, a->code, -1, DBS_TRANSIENT);
	dbs_bind_text(st, 2, a->title, -1, DBS_TRANSIENT);
	dbs_bind_text(st, 3, a->kind, -1, DBS_TRANSIENT);
	dbs_bind_int64(st, 4, a->unit_id);
	dbs_bind_text(st, 5, a->audiences, -1, DBS_TRANSIENT);
	dbs_bind_text(st, 6, a->topics, -1, DBS_TRANSIENT);
	dbs_bind_int64(st, 7, a->starts_at_ms);
	dbs_bind_int64(st, 8, a->ends_at_ms);
	dbs_bind_int(st, 9, a->check_in_open);
	dbs_bind_int(st, 10, a->certificate);
	dbs_bind_int64(st, 11, now_ms);
	int rc = db_exec_stmt(db, st, "activity insert");
	if (rc == 0 && db_changes(db) == 0)
		rc = DB_CONFLICT; /* the code is taken */
	if (rc == 0)
		*id = db_last_insert_id(db);
	return rc;
}

int db_activity_update(struct db *db, const struct db_activity *a, int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_UPDATE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, a->id);
	bind_fields(st, a, 2);
	dbs_bind_int64(st, 10, now_ms);
	return db_exec_stmt(db, st, "activity update") ? -1 : 0;
}

static void read_activity(db_st *st, struct db_activity *a)
{
	memset(a, 0, sizeof *a);
	a->id = dbs_column_int64(st, 0);
	util_strlcpy(a->code, db_col_text(st, 1), sizeof a->code);
	util_strlcpy(a->title, db_col_text(st, 2), sizeof a->title);
	util_strlcpy(a->kind, db_col_text(st, 3), sizeof a->kind);
	a->unit_id = dbs_column_int64(st, 4);
	util_strlcpy(a->unit_code, db_col_text(st, 5), sizeof a->unit_code);
	util_strlcpy(a->unit_path, db_col_text(st, 6), sizeof a->unit_path);
	util_strlcpy(a->audiences, db_col_text(st, 7), sizeof a->audiences);
	util_strlcpy(a->topics, db_col_text(st, 8), sizeof a->topics);
	a->starts_at_ms = dbs_column_int64(st, 9);
	a->ends_at_ms = dbs_column_int64(st, 10);
	a->check_in_open = dbs_column_int(st, 11) != 0;
	a->certificate = dbs_column_int(st, 12) != 0;
	a->attendees = dbs_column_int64(st, 13);
}

int db_activity_by_id(struct db *db, int64_t id, struct db_activity *out)
{
	db_st *st = db_stmt(db, SQL_BY_ID);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	int rc = db_step_row(db, st, "activity");
	if (rc == 1)
		read_activity(st, out);
	dbs_reset(st);
	return rc;
}

int db_activity_each(struct db *db, const char *scope_path, int64_t from_ms, int64_t to_ms,
		     void (*fn)(const struct db_activity *a, void *ctx), void *ctx)
{
	db_st *st = db_stmt(db, SQL_EACH);
	if (!st)
		return -1;
	db_bind_text_or_null(st, 1, scope_path);
	dbs_bind_int64(st, 2, from_ms);
	dbs_bind_int64(st, 3, to_ms);
	struct db_activity a;
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		read_activity(st, &a);
		fn(&a, ctx);
	}
	int ret = rc == DBS_DONE ? 0 : db_fail(db, "activities");
	dbs_reset(st);
	return ret;
}

int db_attendance_add(struct db *db, int64_t activity_id, int64_t user_id, int year,
		      int64_t unit_id, const char *audience, const char *how, int64_t at_ms)
{
	db_st *st = db_stmt(db, SQL_ATTEND);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, activity_id);
	dbs_bind_int64(st, 2, user_id);
	dbs_bind_int(st, 3, year);
	dbs_bind_int64(st, 4, unit_id);
	dbs_bind_text(st, 5, audience, -1, DBS_TRANSIENT);
	dbs_bind_text(st, 6, how, -1, DBS_TRANSIENT);
	dbs_bind_int64(st, 7, at_ms);
	if (db_exec_stmt(db, st, "attendance") != 0)
		return -1;
	return (int)db_changes(db) > 0 ? 1 : 0;
}

int db_attendance_each(struct db *db, int64_t activity_id,
		       void (*fn)(const struct db_attendance *a, void *ctx), void *ctx)
{
	db_st *st = db_stmt(db, SQL_ATTENDEES);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, activity_id);
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		struct db_attendance a = {
			.activity_id = dbs_column_int64(st, 0),
			.username = db_col_text(st, 1),
			.full_name = db_col_text(st, 2),
			.unit_code = db_col_text(st, 3),
			.how = db_col_text(st, 4),
			.at_ms = dbs_column_int64(st, 5),
		};
		fn(&a, ctx);
	}
	int ret = rc == DBS_DONE ? 0 : db_fail(db, "attendees");
	dbs_reset(st);
	return ret;
}
