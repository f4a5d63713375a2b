/* db_report.c - SQL for plans, certificates, the participation summary the
 * reports read, and erasure of personal data. */
#include "db_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "util.h"

/* The Asia/Ho_Chi_Minh (UTC+7, no daylight saving) year of a ms timestamp;
 * clock_vn_year() computes the same in C and the tests hold both to it. */
/* The schema is built from SQL macros that clang-format cannot lay out. */
/* clang-format off */
#define VN_YEAR(ms) "CAST(strftime('%Y', ((" ms ") + 25200000) / 1000, 'unixepoch') AS INTEGER)"
#define DONE(a) "(" a ".state IN ('submitted','expired') AND " a ".finished_at IS NOT NULL)"
#define PASSED(a) "(COALESCE(" a ".passed, 0) <> 0)"
#define PERSON_KEY(a)                                                                       \
	VN_YEAR(a ".finished_at") ", COALESCE(" a ".audience, ''), COALESCE(" a ".user_id, -" a \
				  ".id), COALESCE(" a ".unit_id, 0)"
#define PERSON_MATCH(a)                                                                    \
	"year = " VN_YEAR(a ".finished_at") " AND audience = COALESCE(" a ".audience, '')" \
					    " AND user_key = COALESCE(" a ".user_id, -" a  \
					    ".id) AND unit_id = COALESCE(" a ".unit_id, 0)"
#define TOPICS_OF(a)                                                                 \
	"SELECT DISTINCT qt.topic FROM attempt_questions aq JOIN question_topics qt" \
	" ON qt.question_id = aq.question_id WHERE aq.attempt_id = " a ".id"
/* An attempt's contribution: one attempt (passed or not) to its person's
 * rows for the year, per quiz, and per topic its questions covered. */
#define ADD(a)                                                                                \
	"INSERT INTO report_person (year, audience, user_key, unit_id, attempts, passed_attempts)" \
	" SELECT " PERSON_KEY(a) ", 1, " PASSED(a) " WHERE " DONE(a)                            \
	" ON CONFLICT (year, audience, user_key, unit_id) DO UPDATE SET"                         \
	" attempts = attempts + 1, passed_attempts = passed_attempts + excluded.passed_attempts;" \
	"INSERT INTO report_reach (year, audience, user_key, unit_id, quiz_id, attempts,"        \
	" passed_attempts) SELECT " PERSON_KEY(a) ", " a ".quiz_id, 1, " PASSED(a)              \
	" WHERE " DONE(a) " ON CONFLICT (year, audience, user_key, unit_id, quiz_id) DO UPDATE"  \
	" SET attempts = attempts + 1, passed_attempts = passed_attempts + excluded.passed_attempts;" \
	"INSERT INTO report_reach_topic (year, topic, audience, user_key, unit_id, quiz_id,"     \
	" attempts) SELECT " VN_YEAR(a ".finished_at") ", t.topic, COALESCE(" a ".audience, ''),"  \
	" COALESCE(" a ".user_id, -" a ".id), COALESCE(" a ".unit_id, 0), " a ".quiz_id, 1"      \
	" FROM (" TOPICS_OF(a) ") t WHERE " DONE(a)                                              \
	" ON CONFLICT (year, topic, audience, user_key, unit_id, quiz_id) DO UPDATE SET"         \
	" attempts = attempts + 1;"
#define REMOVE(a)                                                                              \
	"UPDATE report_person SET attempts = attempts - 1, passed_attempts = passed_attempts - " \
	PASSED(a) " WHERE " DONE(a) " AND " PERSON_MATCH(a) ";"                                  \
	"DELETE FROM report_person WHERE " DONE(a) " AND " PERSON_MATCH(a) " AND attempts <= 0;" \
	"UPDATE report_reach SET attempts = attempts - 1, passed_attempts = passed_attempts - "  \
	PASSED(a) " WHERE " DONE(a) " AND " PERSON_MATCH(a) " AND quiz_id = " a ".quiz_id;"      \
	"DELETE FROM report_reach WHERE " DONE(a) " AND " PERSON_MATCH(a) " AND quiz_id = " a     \
	".quiz_id AND attempts <= 0;"                                                            \
	"UPDATE report_reach_topic SET attempts = attempts - 1 WHERE " DONE(a) " AND "          \
	PERSON_MATCH(a) " AND quiz_id = " a ".quiz_id AND topic IN (" TOPICS_OF(a) ");"          \
	"DELETE FROM report_reach_topic WHERE " DONE(a) " AND " PERSON_MATCH(a)                  \
	" AND quiz_id = " a ".quiz_id AND topic IN (" TOPICS_OF(a) ") AND attempts <= 0;"
#define ROSTERED(a)                                                                   \
	"(" a ".role = 'participant' AND " a ".erased_at IS NULL AND " a ".unit_id IS NOT" \
	" NULL AND " a ".audience IS NOT NULL)"

/* Three levels, each kept by triggers inside the writer's transaction:
 * attempts -> per-person rows (report_person: year, audience, person, unit;
 * report_reach: and quiz; report_reach_topic: and topic) -> per-unit
 * counters (report_unit, report_unit_quiz, report_unit_topic), which a
 * report reads in a few thousand rows. A person with rows in two units of
 * the same year and audience (they moved) is listed in report_multi, so a
 * report can count them once where those units' subtrees meet. */
const char db_sql_reports[] =
	"CREATE TABLE plans ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  definition TEXT NOT NULL," /* the plan JSON of api.md */
	"  builtin INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL);"
	/* The signing key is outside the database; a row holds the facts as
	 * signed, so a check needs nothing else. */
	"CREATE TABLE certificates ("
	"  code TEXT PRIMARY KEY,"
	"  attempt_id INTEGER NOT NULL UNIQUE REFERENCES attempts(id),"
	"  user_id INTEGER REFERENCES users(id),"
	"  canonical TEXT NOT NULL,"
	"  issued_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX certificates_user ON certificates(user_id);"
	/* user_key: users.id, or -attempts.id for an attempt without a person;
	 * unit_id 0: the attempt had no unit. */
	"CREATE TABLE report_person ("
	"  year INTEGER NOT NULL, audience TEXT NOT NULL, user_key INTEGER NOT NULL,"
	"  unit_id INTEGER NOT NULL, attempts INTEGER NOT NULL, passed_attempts INTEGER NOT NULL,"
	"  PRIMARY KEY (year, audience, user_key, unit_id)) WITHOUT ROWID;"
	"CREATE TABLE report_reach ("
	"  year INTEGER NOT NULL, audience TEXT NOT NULL, user_key INTEGER NOT NULL,"
	"  unit_id INTEGER NOT NULL, quiz_id INTEGER NOT NULL, attempts INTEGER NOT NULL,"
	"  passed_attempts INTEGER NOT NULL,"
	"  PRIMARY KEY (year, audience, user_key, unit_id, quiz_id)) WITHOUT ROWID;"
	"CREATE TABLE report_reach_topic ("
	"  year INTEGER NOT NULL, topic TEXT NOT NULL, audience TEXT NOT NULL,"
	"  user_key INTEGER NOT NULL, unit_id INTEGER NOT NULL, quiz_id INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL,"
	"  PRIMARY KEY (year, topic, audience, user_key, unit_id, quiz_id)) WITHOUT ROWID;"
	"CREATE TABLE report_multi ("
	"  year INTEGER NOT NULL, audience TEXT NOT NULL, user_key INTEGER NOT NULL,"
	"  PRIMARY KEY (year, audience, user_key)) WITHOUT ROWID;"
	"CREATE TABLE report_unit ("
	"  year INTEGER NOT NULL, unit_id INTEGER NOT NULL, audience TEXT NOT NULL,"
	"  participants INTEGER NOT NULL, passed INTEGER NOT NULL, attempts INTEGER NOT NULL,"
	"  PRIMARY KEY (year, unit_id, audience)) WITHOUT ROWID;"
	"CREATE TABLE report_unit_quiz ("
	"  year INTEGER NOT NULL, audience TEXT NOT NULL, unit_id INTEGER NOT NULL,"
	"  quiz_id INTEGER NOT NULL, participants INTEGER NOT NULL,"
	"  PRIMARY KEY (year, audience, unit_id, quiz_id)) WITHOUT ROWID;"
	"CREATE TABLE report_unit_topic ("
	"  year INTEGER NOT NULL, topic TEXT NOT NULL, audience TEXT NOT NULL,"
	"  unit_id INTEGER NOT NULL, quiz_id INTEGER NOT NULL, participants INTEGER NOT NULL,"
	"  PRIMARY KEY (year, topic, audience, unit_id, quiz_id)) WITHOUT ROWID;"
	"CREATE TABLE report_roster ("
	"  unit_id INTEGER NOT NULL, audience TEXT NOT NULL, count INTEGER NOT NULL,"
	"  PRIMARY KEY (unit_id, audience)) WITHOUT ROWID;"
	/* per-person rows -> per-unit counters */
	"CREATE TRIGGER report_person_insert AFTER INSERT ON report_person BEGIN"
	" INSERT INTO report_unit (year, unit_id, audience, participants, passed, attempts)"
	" VALUES (NEW.year, NEW.unit_id, NEW.audience, 1, NEW.passed_attempts > 0, NEW.attempts)"
	" ON CONFLICT (year, unit_id, audience) DO UPDATE SET participants = participants + 1,"
	" passed = passed + excluded.passed, attempts = attempts + excluded.attempts;"
	" INSERT OR IGNORE INTO report_multi (year, audience, user_key)"
	" SELECT NEW.year, NEW.audience, NEW.user_key WHERE EXISTS (SELECT 1 FROM report_person"
	" WHERE year = NEW.year AND audience = NEW.audience AND user_key = NEW.user_key"
	" AND unit_id <> NEW.unit_id);"
	" END;"
	"CREATE TRIGGER report_person_update AFTER UPDATE ON report_person BEGIN"
	" UPDATE report_unit SET passed = passed + (NEW.passed_attempts > 0)"
	" - (OLD.passed_attempts > 0), attempts = attempts + NEW.attempts - OLD.attempts"
	" WHERE year = NEW.year AND unit_id = NEW.unit_id AND audience = NEW.audience;"
	" END;"
	"CREATE TRIGGER report_person_delete AFTER DELETE ON report_person BEGIN"
	" UPDATE report_unit SET participants = participants - 1,"
	" passed = passed - (OLD.passed_attempts > 0), attempts = attempts - OLD.attempts"
	" WHERE year = OLD.year AND unit_id = OLD.unit_id AND audience = OLD.audience;"
	" DELETE FROM report_multi WHERE year = OLD.year AND audience = OLD.audience"
	" AND user_key = OLD.user_key AND (SELECT count(*) FROM report_person"
	" WHERE year = OLD.year AND audience = OLD.audience AND user_key = OLD.user_key) < 2;"
	" END;"
	"CREATE TRIGGER report_reach_insert AFTER INSERT ON report_reach BEGIN"
	" INSERT INTO report_unit_quiz (year, audience, unit_id, quiz_id, participants)"
	" VALUES (NEW.year, NEW.audience, NEW.unit_id, NEW.quiz_id, 1)"
	" ON CONFLICT (year, audience, unit_id, quiz_id) DO UPDATE SET"
	" participants = participants + 1;"
	" END;"
	"CREATE TRIGGER report_reach_delete AFTER DELETE ON report_reach BEGIN"
	" UPDATE report_unit_quiz SET participants = participants - 1 WHERE year = OLD.year"
	" AND audience = OLD.audience AND unit_id = OLD.unit_id AND quiz_id = OLD.quiz_id;"
	" END;"
	"CREATE TRIGGER report_reach_topic_insert AFTER INSERT ON report_reach_topic BEGIN"
	" INSERT INTO report_unit_topic (year, topic, audience, unit_id, quiz_id, participants)"
	" VALUES (NEW.year, NEW.topic, NEW.audience, NEW.unit_id, NEW.quiz_id, 1)"
	" ON CONFLICT (year, topic, audience, unit_id, quiz_id) DO UPDATE SET"
	" participants = participants + 1;"
	" END;"
	"CREATE TRIGGER report_reach_topic_delete AFTER DELETE ON report_reach_topic BEGIN"
	" UPDATE report_unit_topic SET participants = participants - 1 WHERE year = OLD.year"
	" AND topic = OLD.topic AND audience = OLD.audience AND unit_id = OLD.unit_id"
	" AND quiz_id = OLD.quiz_id;"
	" END;"
	/* attempts -> per-person rows */
	"CREATE TRIGGER report_attempt_insert AFTER INSERT ON attempts WHEN " DONE("NEW")
	" BEGIN " ADD("NEW") " END;"
	"CREATE TRIGGER report_attempt_update AFTER UPDATE OF state, finished_at, passed, user_id,"
	" unit_id, audience, quiz_id ON attempts WHEN " DONE("OLD") " OR " DONE("NEW")
	" BEGIN " REMOVE("OLD") ADD("NEW") " END;"
	"CREATE TRIGGER report_attempt_delete BEFORE DELETE ON attempts WHEN " DONE("OLD")
	" BEGIN " REMOVE("OLD") " END;"
	/* the roster: live participant accounts per unit and audience */
	"CREATE TRIGGER report_roster_insert AFTER INSERT ON users WHEN " ROSTERED("NEW") " BEGIN"
	" INSERT INTO report_roster (unit_id, audience, count) VALUES (NEW.unit_id, NEW.audience, 1)"
	" ON CONFLICT (unit_id, audience) DO UPDATE SET count = count + 1;"
	" END;"
	"CREATE TRIGGER report_roster_update AFTER UPDATE OF role, unit_id, audience, erased_at"
	" ON users WHEN " ROSTERED("OLD") " OR " ROSTERED("NEW") " BEGIN"
	" UPDATE report_roster SET count = count - 1 WHERE " ROSTERED("OLD")
	" AND unit_id = OLD.unit_id AND audience = OLD.audience;"
	" INSERT INTO report_roster (unit_id, audience, count) SELECT NEW.unit_id, NEW.audience, 1"
	" WHERE " ROSTERED("NEW") " ON CONFLICT (unit_id, audience) DO UPDATE SET count = count + 1;"
	" END;"
	"CREATE TRIGGER report_roster_delete AFTER DELETE ON users WHEN " ROSTERED("OLD") " BEGIN"
	" UPDATE report_roster SET count = count - 1 WHERE unit_id = OLD.unit_id"
	" AND audience = OLD.audience;"
	" END;"
	/* Databases that already hold people or attempts when this migration
	 * runs start from them. */
	"INSERT INTO report_roster (unit_id, audience, count) SELECT unit_id, audience, count(*)"
	" FROM users s WHERE " ROSTERED("s") " GROUP BY unit_id, audience;"
	"INSERT INTO report_person (year, audience, user_key, unit_id, attempts, passed_attempts)"
	" SELECT " PERSON_KEY("a") ", count(*), sum(" PASSED("a") ") FROM attempts a WHERE "
	DONE("a") " GROUP BY 1, 2, 3, 4;"
	"INSERT INTO report_reach (year, audience, user_key, unit_id, quiz_id, attempts,"
	" passed_attempts) SELECT " PERSON_KEY("a") ", a.quiz_id, count(*), sum(" PASSED("a") ")"
	" FROM attempts a WHERE " DONE("a") " GROUP BY 1, 2, 3, 4, 5;"
	"INSERT INTO report_reach_topic (year, topic, audience, user_key, unit_id, quiz_id,"
	" attempts) SELECT " VN_YEAR("a.finished_at") ", qt.topic, COALESCE(a.audience, ''),"
	" COALESCE(a.user_id, -a.id), COALESCE(a.unit_id, 0), a.quiz_id, count(DISTINCT a.id)"
	" FROM attempts a JOIN attempt_questions aq ON aq.attempt_id = a.id"
	" JOIN question_topics qt ON qt.question_id = aq.question_id WHERE " DONE("a")
	" GROUP BY 1, 2, 3, 4, 5, 6;";

/* clang-format on */

static const char SQL_PLAN_INSTALL[] =
	"INSERT INTO plans (code, title, definition, builtin, updated_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code) DO NOTHING";
static const char SQL_PLAN_PUT[] =
	"INSERT INTO plans (code, title, definition, builtin, updated_at)"
	" VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT (code) DO UPDATE SET title = excluded.title,"
	" definition = excluded.definition, builtin = 0, updated_at = excluded.updated_at";
static const char SQL_PLAN_GET[] = "SELECT definition, builtin FROM plans WHERE code = ?1";
static const char SQL_PLAN_EACH[] = "SELECT code, definition, builtin FROM plans ORDER BY code";

static const char SQL_UNITS[] = "SELECT id, code, name, kind, level, parent_id, '', path FROM units"
				" ORDER BY length(path) - length(replace(path, '/', '')), code";
static const char SQL_HEADCOUNTS[] =
	"SELECT unit_id, audience, count FROM headcounts WHERE year = ?1";
static const char SQL_ROSTER[] =
	"SELECT unit_id, audience, count FROM report_roster WHERE count > 0";
static const char SQL_UNIT_FIGURES[] =
	"SELECT unit_id, audience, participants, passed, attempts FROM report_unit"
	" WHERE year = ?1 AND participants > 0";
static const char SQL_UNIT_QUIZ[] = "SELECT unit_id, quiz_id, participants FROM report_unit_quiz"
				    " WHERE year = ?1 AND audience = ?2 AND participants > 0";
static const char SQL_UNIT_TOPIC[] =
	"SELECT unit_id, quiz_id, participants FROM report_unit_topic"
	" WHERE year = ?1 AND topic = ?3 AND audience = ?2 AND participants > 0";
/* CROSS JOIN keeps report_multi (a handful of rows) as the outer loop;
 * left to itself the planner would walk the year's person rows. */
static const char SQL_MULTI_PERSON[] =
	"SELECT p.audience, p.user_key, p.unit_id, 0, p.attempts, p.passed_attempts"
	" FROM report_multi m CROSS JOIN report_person p ON p.year = m.year"
	" AND p.audience = m.audience AND p.user_key = m.user_key WHERE m.year = ?1"
	" ORDER BY m.audience, m.user_key";
static const char SQL_MULTI_REACH[] =
	"SELECT r.audience, r.user_key, r.unit_id, r.quiz_id, r.attempts, r.passed_attempts"
	" FROM report_multi m CROSS JOIN report_reach r ON r.year = m.year"
	" AND r.audience = m.audience AND r.user_key = m.user_key"
	" WHERE m.year = ?1 AND m.audience = ?2 ORDER BY m.user_key, r.quiz_id";
static const char SQL_MULTI_TOPIC[] =
	"SELECT r.audience, r.user_key, r.unit_id, r.quiz_id, r.attempts, 0"
	" FROM report_multi m CROSS JOIN report_reach_topic r ON r.year = m.year AND r.topic = ?3"
	" AND r.audience = m.audience AND r.user_key = m.user_key"
	" WHERE m.year = ?1 AND m.audience = ?2 ORDER BY m.user_key, r.quiz_id";
static const char SQL_TOPIC_PEOPLE[] =
	"SELECT audience, user_key, unit_id, quiz_id, attempts, 0 FROM report_reach_topic"
	" WHERE year = ?1 AND topic = ?3 AND audience = ?2 ORDER BY user_key";

static const char SQL_REF_COUNT[] =
	"SELECT count(*) FROM attempts WHERE finished_at >= ?1 AND finished_at < ?2";
static const char SQL_REF_GROUP[] =
	"SELECT unit_id, audience, count(*) FROM attempts"
	" WHERE finished_at >= ?1 AND finished_at < ?2 GROUP BY unit_id, audience";
static const char SQL_REF_SUMMARY[] = "SELECT sum(participants) FROM report_unit WHERE year = ?3";

static const char SQL_MANDATORY[] =
	"SELECT q.id, q.code, q.title, a.audience, COALESCE(s.path, ''), q.opens_at, q.closes_at"
	" FROM quizzes q JOIN quiz_audiences a ON a.quiz_id = q.id"
	" LEFT JOIN units s ON s.id = q.unit_scope_id"
	" WHERE q.mandatory = 1 AND q.opens_at < ?2 AND q.closes_at >= ?1"
	" ORDER BY q.closes_at, q.id, a.audience";
static const char SQL_ROSTER_PEOPLE[] =
	"SELECT s.id, s.unit_id, s.username, s.full_name, s.audience, u.code, u.name, u.path"
	" FROM users s JOIN units u ON u.id = s.unit_id"
	" WHERE s.role = 'participant' AND s.erased_at IS NULL AND s.audience IS NOT NULL"
	" AND substr(u.path, 1, length(?1)) = ?1"
	" ORDER BY u.path, s.full_name, s.id";
static const char SQL_COMPLETED_MANDATORY[] =
	"SELECT DISTINCT a.user_id, a.quiz_id FROM attempts a"
	" JOIN quizzes q ON q.id = a.quiz_id AND q.mandatory = 1"
	" JOIN users s ON s.id = a.user_id JOIN units u ON u.id = s.unit_id"
	" WHERE a.state IN ('submitted','expired') AND substr(u.path, 1, length(?1)) = ?1";

static const char SQL_CERT_ATTEMPT[] =
	"SELECT a.id, COALESCE(a.user_id, 0), a.state, COALESCE(a.passed, 0), q.mandatory,"
	" COALESCE(a.finished_at, 0), COALESCE(a.score, 0), COALESCE(a.max_score, 0),"
	" COALESCE(s.full_name, ''), q.code, q.title"
	" FROM attempts a JOIN quizzes q ON q.id = a.quiz_id"
	" LEFT JOIN users s ON s.id = a.user_id AND s.erased_at IS NULL WHERE a.id = ?1";
static const char SQL_CERT_STORE[] =
	"INSERT INTO certificates (code, attempt_id, user_id, canonical, issued_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING";
static const char SQL_CERT_BY_CODE[] =
	"SELECT attempt_id, canonical, issued_at FROM certificates WHERE code = ?1";

static const char SQL_PERSON_GET[] =
	"SELECT s.id, s.username, s.full_name, s.role, s.unit_id, u.code, u.path, s.audience,"
	" s.birth_year, s.phone, '', s.created_at, COALESCE(s.erased_at, 0)"
	" FROM users s LEFT JOIN units u ON u.id = s.unit_id WHERE s.id = ?1";
static const char SQL_PERSON_ATTEMPTS[] =
	"SELECT a.id, a.quiz_id, a.started_at, COALESCE(a.finished_at, 0), q.code, q.title,"
	" a.state, COALESCE(u.code, ''), COALESCE(a.audience, ''), a.score, a.max_score,"
	" COALESCE(a.passed, 0)"
	" FROM attempts a JOIN quizzes q ON q.id = a.quiz_id LEFT JOIN units u ON u.id = a.unit_id"
	" WHERE a.user_id = ?1 ORDER BY a.started_at, a.id";
static const char SQL_PERSON_ANSWERS[] =
	"SELECT n.attempt_id, n.question_id, n.choices, n.text, n.saved_at"
	" FROM answers n JOIN attempts a ON a.id = n.attempt_id"
	" WHERE a.user_id = ?1 ORDER BY n.attempt_id, n.question_id";
static const char SQL_PERSON_SESSIONS[] = "SELECT count(*) FROM sessions WHERE user_id = ?1";
static const char SQL_PERSON_CERTS[] =
	"SELECT code, attempt_id, issued_at FROM certificates WHERE user_id = ?1"
	" ORDER BY issued_at, attempt_id";
/* Login throttling keys name the account as "u:" + its ASCII-lowercased
 * username (api_account.c); that row goes too. */
static const char SQL_ERASE_THROTTLE[] =
	"DELETE FROM login_throttle WHERE key = 'u:' || lower((SELECT username FROM users"
	" WHERE id = ?1 AND erased_at IS NULL))";
static const char SQL_ERASE_USER[] =
	"UPDATE users SET username = 'erased-' || id, full_name = '', phone = NULL,"
	" birth_year = NULL, pw_hash = '!', erased_at = ?2 WHERE id = ?1 AND erased_at IS NULL";
static const char SQL_ERASE_SESSIONS[] = "DELETE FROM sessions WHERE user_id = ?1";
static const char SQL_ERASE_CERTS[] = "DELETE FROM certificates WHERE user_id = ?1";
static const char SQL_ERASE_ANSWER_TEXT[] =
	"UPDATE answers SET text = NULL WHERE text IS NOT NULL"
	" AND attempt_id IN (SELECT id FROM attempts WHERE user_id = ?1)";

/* Runs a statement that yields rows, calling row(st, ctx) for each. */
static int each_row(struct db *db, sqlite3_stmt *st, void (*row)(sqlite3_stmt *st, void *ctx),
		    void *ctx, const char *what)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row(st, ctx);
	int ret = rc == SQLITE_DONE ? 0 : db_fail(db, what);
	sqlite3_reset(st);
	return ret;
}

int db_plan_install(struct db *db, const char *code, const char *title, const char *definition,
		    bool builtin, int64_t now_ms)
{
	sqlite3_stmt *st = db_stmt(db, SQL_PLAN_INSTALL);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, definition, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, builtin ? 1 : 0);
	sqlite3_bind_int64(st, 5, now_ms);
	return db_exec_stmt(db, st, "install plan") ? -1 : 0;
}

int db_plan_put(struct db *db, const char *code, const char *title, const char *definition,
		int64_t now_ms)
{
	sqlite3_stmt *st = db_stmt(db, SQL_PLAN_PUT);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, definition, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now_ms);
	return db_exec_stmt(db, st, "put plan") ? -1 : 0;
}

int db_plan_get(struct db *db, const char *code, char **definition, bool *builtin)
{
	sqlite3_stmt *st = db_stmt(db, SQL_PLAN_GET);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st), ret;
	if (rc == SQLITE_ROW) {
		*definition = xstrdup(db_col_text(st, 0));
		*builtin = sqlite3_column_int(st, 1) != 0;
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : db_fail(db, "get plan");
	}
	sqlite3_reset(st);
	return ret;
}

struct plan_each_ctx {
	void (*fn)(void *ctx, const char *code, const char *definition, bool builtin);
	void *ctx;
};

static void plan_row(sqlite3_stmt *st, void *ctx)
{
	struct plan_each_ctx *c = ctx;
	c->fn(c->ctx, db_col_text(st, 0), db_col_text(st, 1), sqlite3_column_int(st, 2) != 0);
}

int db_plan_each(struct db *db,
		 void (*fn)(void *ctx, const char *code, const char *definition, bool builtin),
		 void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, SQL_PLAN_EACH);
	if (!st)
		return -1;
	struct plan_each_ctx c = { fn, ctx };
	return each_row(db, st, plan_row, &c, "list plans");
}

struct unit_each_ctx {
	void (*fn)(void *ctx, const struct db_unit *u);
	void *ctx;
};

static void unit_row(sqlite3_stmt *st, void *ctx)
{
	struct unit_each_ctx *c = ctx;
	struct db_unit u;
	memset(&u, 0, sizeof u);
	u.id = sqlite3_column_int64(st, 0);
	util_strlcpy(u.code, db_col_text(st, 1), sizeof u.code);
	util_strlcpy(u.name, db_col_text(st, 2), sizeof u.name);
	util_strlcpy(u.kind, db_col_text(st, 3), sizeof u.kind);
	util_strlcpy(u.level, db_col_text(st, 4), sizeof u.level);
	u.parent_id = sqlite3_column_int64(st, 5);
	util_strlcpy(u.parent_code, db_col_text(st, 6), sizeof u.parent_code);
	util_strlcpy(u.path, db_col_text(st, 7), sizeof u.path);
	c->fn(c->ctx, &u);
}

int db_report_units(struct db *db, void (*fn)(void *ctx, const struct db_unit *u), void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, SQL_UNITS);
	if (!st)
		return -1;
	struct unit_each_ctx c = { fn, ctx };
	return each_row(db, st, unit_row, &c, "list units");
}

struct count_each_ctx {
	void (*fn)(void *ctx, int64_t unit_id, const char *audience, int64_t count);
	void *ctx;
};

static void count_row(sqlite3_stmt *st, void *ctx)
{
	struct count_each_ctx *c = ctx;
	c->fn(c->ctx, sqlite3_column_int64(st, 0), db_col_text(st, 1), sqlite3_column_int64(st, 2));
}

int db_report_headcounts(struct db *db, int year,
			 void (*fn)(void *ctx, int64_t unit_id, const char *audience,
				    int64_t count),
			 void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, SQL_HEADCOUNTS);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, year);
	struct count_each_ctx c = { fn, ctx };
	return each_row(db, st, count_row, &c, "list headcounts");
}

int db_report_roster(struct db *db,
		     void (*fn)(void *ctx, int64_t unit_id, const char *audience, int64_t count),
		     void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ROSTER);
	if (!st)
		return -1;
	struct count_each_ctx c = { fn, ctx };
	return each_row(db, st, count_row, &c, "count roster");
}

struct reach_each_ctx {
	void (*fn)(void *ctx, const struct db_reach *row);
	void *ctx;
};

static void reach_row(sqlite3_stmt *st, void *ctx)
{
	struct reach_each_ctx *c = ctx;
	struct db_reach r = {
		.audience = db_col_text(st, 0),
		.user_key = sqlite3_column_int64(st, 1),
		.unit_id = sqlite3_column_int64(st, 2),
		.quiz_id = sqlite3_column_int64(st, 3),
		.attempts = sqlite3_column_int64(st, 4),
		.passed_attempts = sqlite3_column_int64(st, 5),
	};
	c->fn(c->ctx, &r);
}

struct figures_ctx {
	void (*fn)(void *ctx, int64_t unit_id, const char *audience, int64_t participants,
		   int64_t passed, int64_t attempts);
	void *ctx;
};

static void figures_row(sqlite3_stmt *st, void *ctx)
{
	struct figures_ctx *c = ctx;
	c->fn(c->ctx, sqlite3_column_int64(st, 0), db_col_text(st, 1), sqlite3_column_int64(st, 2),
	      sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4));
}

int db_report_unit_figures(struct db *db, int year,
			   void (*fn)(void *ctx, int64_t unit_id, const char *audience,
				      int64_t participants, int64_t passed, int64_t attempts),
			   void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, SQL_UNIT_FIGURES);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, year);
	struct figures_ctx c = { fn, ctx };
	return each_row(db, st, figures_row, &c, "read unit figures");
}

struct unit_quiz_ctx {
	void (*fn)(void *ctx, int64_t unit_id, int64_t quiz_id, int64_t participants);
	void *ctx;
};

static void unit_quiz_row(sqlite3_stmt *st, void *ctx)
{
	struct unit_quiz_ctx *c = ctx;
	c->fn(c->ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
	      sqlite3_column_int64(st, 2));
}

int db_report_unit_quiz(struct db *db, int year, const char *audience, const char *topic,
			void (*fn)(void *ctx, int64_t unit_id, int64_t quiz_id,
				   int64_t participants),
			void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, topic ? SQL_UNIT_TOPIC : SQL_UNIT_QUIZ);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, year);
	sqlite3_bind_text(st, 2, audience, -1, SQLITE_STATIC);
	if (topic)
		sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
	struct unit_quiz_ctx c = { fn, ctx };
	return each_row(db, st, unit_quiz_row, &c, "read unit quiz figures");
}

static int reach_query(struct db *db, const char *sql, int year, const char *audience,
		       const char *topic, void (*fn)(void *ctx, const struct db_reach *row),
		       void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, year);
	if (audience)
		sqlite3_bind_text(st, 2, audience, -1, SQLITE_STATIC);
	if (topic)
		sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
	struct reach_each_ctx c = { fn, ctx };
	return each_row(db, st, reach_row, &c, "read participation rows");
}

int db_report_multi(struct db *db, int year, const char *audience, const char *topic,
		    void (*fn)(void *ctx, const struct db_reach *row), void *ctx)
{
	const char *sql = !audience ? SQL_MULTI_PERSON : topic ? SQL_MULTI_TOPIC : SQL_MULTI_REACH;
	return reach_query(db, sql, year, audience, topic, fn, ctx);
}

int db_report_topic_people(struct db *db, int year, const char *audience, const char *topic,
			   void (*fn)(void *ctx, const struct db_reach *row), void *ctx)
{
	return reach_query(db, SQL_TOPIC_PEOPLE, year, audience, topic, fn, ctx);
}

int db_report_reference_aggregate(struct db *db, int which, int64_t from_ms, int64_t to_ms,
				  int year, int64_t *result)
{
	const char *sql = which == 0 ? SQL_REF_COUNT : which == 1 ? SQL_REF_GROUP : SQL_REF_SUMMARY;
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	if (which < 2) {
		sqlite3_bind_int64(st, 1, from_ms);
		sqlite3_bind_int64(st, 2, to_ms);
	} else {
		sqlite3_bind_int(st, 3, year);
	}
	int col = which == 1 ? 2 : 0, rc;
	*result = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*result += sqlite3_column_int64(st, col);
	int ret = rc == SQLITE_DONE ? 0 : db_fail(db, "reference aggregate");
	sqlite3_reset(st);
	return ret;
}

struct mandatory_each_ctx {
	void (*fn)(void *ctx, const struct db_mandatory_quiz *q);
	void *ctx;
};

static void mandatory_row(sqlite3_stmt *st, void *ctx)
{
	struct mandatory_each_ctx *c = ctx;
	struct db_mandatory_quiz q = {
		.id = sqlite3_column_int64(st, 0),
		.code = db_col_text(st, 1),
		.title = db_col_text(st, 2),
		.audience = db_col_text(st, 3),
		.scope_path = db_col_text(st, 4),
		.opens_at = sqlite3_column_int64(st, 5),
		.closes_at = sqlite3_column_int64(st, 6),
	};
	c->fn(c->ctx, &q);
}

int db_report_mandatory_quizzes(struct db *db, int64_t from_ms, int64_t to_ms,
				void (*fn)(void *ctx, const struct db_mandatory_quiz *q), void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, SQL_MANDATORY);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	struct mandatory_each_ctx c = { fn, ctx };
	return each_row(db, st, mandatory_row, &c, "list mandatory quizzes");
}

struct roster_each_ctx {
	void (*fn)(void *ctx, const struct db_roster_person *p);
	void *ctx;
};

static void roster_person_row(sqlite3_stmt *st, void *ctx)
{
	struct roster_each_ctx *c = ctx;
	struct db_roster_person p = {
		.id = sqlite3_column_int64(st, 0),
		.unit_id = sqlite3_column_int64(st, 1),
		.username = db_col_text(st, 2),
		.full_name = db_col_text(st, 3),
		.audience = db_col_text(st, 4),
		.unit_code = db_col_text(st, 5),
		.unit_name = db_col_text(st, 6),
		.unit_path = db_col_text(st, 7),
	};
	c->fn(c->ctx, &p);
}

int db_report_roster_people(struct db *db, const char *path,
			    void (*fn)(void *ctx, const struct db_roster_person *p), void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, SQL_ROSTER_PEOPLE);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	struct roster_each_ctx c = { fn, ctx };
	return each_row(db, st, roster_person_row, &c, "list roster");
}

struct pair_each_ctx {
	void (*fn)(void *ctx, int64_t a, int64_t b);
	void *ctx;
};

static void pair_row(sqlite3_stmt *st, void *ctx)
{
	struct pair_each_ctx *c = ctx;
	c->fn(c->ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
}

int db_report_completed_mandatory(struct db *db, const char *path,
				  void (*fn)(void *ctx, int64_t user_id, int64_t quiz_id),
				  void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, SQL_COMPLETED_MANDATORY);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	struct pair_each_ctx c = { fn, ctx };
	return each_row(db, st, pair_row, &c, "list completed mandatory quizzes");
}

int db_cert_attempt(struct db *db, int64_t attempt_id, struct db_cert_attempt *out)
{
	sqlite3_stmt *st = db_stmt(db, SQL_CERT_ATTEMPT);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, attempt_id);
	int rc = sqlite3_step(st), ret;
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->attempt_id = sqlite3_column_int64(st, 0);
		out->user_id = sqlite3_column_int64(st, 1);
		util_strlcpy(out->state, db_col_text(st, 2), sizeof out->state);
		out->passed = sqlite3_column_int(st, 3) != 0;
		out->mandatory = sqlite3_column_int(st, 4) != 0;
		out->finished_at = sqlite3_column_int64(st, 5);
		out->score = sqlite3_column_double(st, 6);
		out->max_score = sqlite3_column_double(st, 7);
		util_strlcpy(out->full_name, db_col_text(st, 8), sizeof out->full_name);
		util_strlcpy(out->quiz_code, db_col_text(st, 9), sizeof out->quiz_code);
		util_strlcpy(out->quiz_title, db_col_text(st, 10), sizeof out->quiz_title);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : db_fail(db, "certificate attempt");
	}
	sqlite3_reset(st);
	return ret;
}

int db_cert_store(struct db *db, const char *code, int64_t attempt_id, int64_t user_id,
		  const char *canonical, int64_t now_ms)
{
	sqlite3_stmt *st = db_stmt(db, SQL_CERT_STORE);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, attempt_id);
	if (user_id)
		sqlite3_bind_int64(st, 3, user_id);
	sqlite3_bind_text(st, 4, canonical, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now_ms);
	return db_exec_stmt(db, st, "store certificate") ? -1 : 0;
}

int db_cert_by_code(struct db *db, const char *code, int64_t *attempt_id, char **canonical,
		    int64_t *issued_at)
{
	sqlite3_stmt *st = db_stmt(db, SQL_CERT_BY_CODE);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st), ret;
	if (rc == SQLITE_ROW) {
		*attempt_id = sqlite3_column_int64(st, 0);
		*canonical = xstrdup(db_col_text(st, 1));
		*issued_at = sqlite3_column_int64(st, 2);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : db_fail(db, "find certificate");
	}
	sqlite3_reset(st);
	return ret;
}

int db_person_get(struct db *db, int64_t user_id, struct db_user *out, int64_t *created_at,
		  int64_t *erased_at)
{
	sqlite3_stmt *st = db_stmt(db, SQL_PERSON_GET);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	int rc = sqlite3_step(st), ret;
	if (rc == SQLITE_ROW) {
		db_user_from_row(st, out);
		*created_at = sqlite3_column_int64(st, 11);
		*erased_at = sqlite3_column_int64(st, 12);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : db_fail(db, "find person");
	}
	sqlite3_reset(st);
	return ret;
}

struct person_attempt_ctx {
	void (*fn)(void *ctx, const struct db_person_attempt *a);
	void *ctx;
};

static void person_attempt_row(sqlite3_stmt *st, void *ctx)
{
	struct person_attempt_ctx *c = ctx;
	struct db_person_attempt a = {
		.id = sqlite3_column_int64(st, 0),
		.quiz_id = sqlite3_column_int64(st, 1),
		.started_at = sqlite3_column_int64(st, 2),
		.finished_at = sqlite3_column_int64(st, 3),
		.quiz_code = db_col_text(st, 4),
		.quiz_title = db_col_text(st, 5),
		.state = db_col_text(st, 6),
		.unit_code = db_col_text(st, 7),
		.audience = db_col_text(st, 8),
		.has_score = sqlite3_column_type(st, 9) != SQLITE_NULL,
		.score = sqlite3_column_double(st, 9),
		.max_score = sqlite3_column_double(st, 10),
		.passed = sqlite3_column_int(st, 11) != 0,
	};
	c->fn(c->ctx, &a);
}

int db_person_attempts(struct db *db, int64_t user_id,
		       void (*fn)(void *ctx, const struct db_person_attempt *a), void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, SQL_PERSON_ATTEMPTS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	struct person_attempt_ctx c = { fn, ctx };
	return each_row(db, st, person_attempt_row, &c, "list person attempts");
}

struct answer_ctx {
	void (*fn)(void *ctx, int64_t attempt_id, int64_t question_id, const char *choices,
		   const char *text, int64_t saved_at);
	void *ctx;
};

static void answer_row(sqlite3_stmt *st, void *ctx)
{
	struct answer_ctx *c = ctx;
	c->fn(c->ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
	      (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
	      sqlite3_column_int64(st, 4));
}

int db_person_answers(struct db *db, int64_t user_id,
		      void (*fn)(void *ctx, int64_t attempt_id, int64_t question_id,
				 const char *choices, const char *text, int64_t saved_at),
		      void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, SQL_PERSON_ANSWERS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	struct answer_ctx c = { fn, ctx };
	return each_row(db, st, answer_row, &c, "list person answers");
}

int db_person_session_count(struct db *db, int64_t user_id, int64_t *count)
{
	sqlite3_stmt *st = db_stmt(db, SQL_PERSON_SESSIONS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	int ret = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	else
		ret = db_fail(db, "count sessions");
	sqlite3_reset(st);
	return ret;
}

struct cert_list_ctx {
	void (*fn)(void *ctx, const char *code, int64_t attempt_id, int64_t issued_at);
	void *ctx;
};

static void cert_list_row(sqlite3_stmt *st, void *ctx)
{
	struct cert_list_ctx *c = ctx;
	c->fn(c->ctx, db_col_text(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2));
}

int db_person_certificates(struct db *db, int64_t user_id,
			   void (*fn)(void *ctx, const char *code, int64_t attempt_id,
				      int64_t issued_at),
			   void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, SQL_PERSON_CERTS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	struct cert_list_ctx c = { fn, ctx };
	return each_row(db, st, cert_list_row, &c, "list person certificates");
}

static int exec_user_stmt(struct db *db, const char *sql, int64_t user_id, int64_t now_ms,
			  const char *what)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, now_ms);
	return db_exec_stmt(db, st, what) ? -1 : 0;
}

int db_person_erase(struct db *db, int64_t user_id, int64_t now_ms)
{
	if (db_begin_write(db))
		return -1;
	if (exec_user_stmt(db, SQL_ERASE_THROTTLE, user_id, now_ms, "erase login throttling") ||
	    exec_user_stmt(db, SQL_ERASE_USER, user_id, now_ms, "erase person") ||
	    exec_user_stmt(db, SQL_ERASE_SESSIONS, user_id, now_ms, "erase sessions") ||
	    exec_user_stmt(db, SQL_ERASE_CERTS, user_id, now_ms, "erase certificates") ||
	    exec_user_stmt(db, SQL_ERASE_ANSWER_TEXT, user_id, now_ms, "erase answer text"))
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return -1;
}
