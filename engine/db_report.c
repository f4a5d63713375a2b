/* db_report.c - migration 3 (plans, certificates and the participation
 * summary kept by triggers) and the reads the reports make of it. Plans,
 * certificates and personal data have their own files (db_plan.c,
 * db_cert.c, db_person.c). */
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
#define ADD_WHEN(a, DONE_)                                                                                \
	"INSERT INTO report_person (year, audience, user_key, unit_id, attempts, passed_attempts)" \
	" SELECT " PERSON_KEY(a) ", 1, " PASSED(a) " WHERE " DONE_(a)                            \
	" ON CONFLICT (year, audience, user_key, unit_id) DO UPDATE SET"                         \
	" attempts = attempts + 1, passed_attempts = passed_attempts + excluded.passed_attempts;" \
	"INSERT INTO report_reach (year, audience, user_key, unit_id, quiz_id, attempts,"        \
	" passed_attempts) SELECT " PERSON_KEY(a) ", " a ".quiz_id, 1, " PASSED(a)              \
	" WHERE " DONE_(a) " ON CONFLICT (year, audience, user_key, unit_id, quiz_id) DO UPDATE"  \
	" SET attempts = attempts + 1, passed_attempts = passed_attempts + excluded.passed_attempts;" \
	"INSERT INTO report_reach_topic (year, topic, audience, user_key, unit_id, quiz_id,"     \
	" attempts) SELECT " VN_YEAR(a ".finished_at") ", t.topic, COALESCE(" a ".audience, ''),"  \
	" COALESCE(" a ".user_id, -" a ".id), COALESCE(" a ".unit_id, 0), " a ".quiz_id, 1"      \
	" FROM (" TOPICS_OF(a) ") t WHERE " DONE_(a)                                              \
	" ON CONFLICT (year, topic, audience, user_key, unit_id, quiz_id) DO UPDATE SET"         \
	" attempts = attempts + 1;"
#define REMOVE_WHEN(a, DONE_)                                                                              \
	"UPDATE report_person SET attempts = attempts - 1, passed_attempts = passed_attempts - " \
	PASSED(a) " WHERE " DONE_(a) " AND " PERSON_MATCH(a) ";"                                  \
	"DELETE FROM report_person WHERE " DONE_(a) " AND " PERSON_MATCH(a) " AND attempts <= 0;" \
	"UPDATE report_reach SET attempts = attempts - 1, passed_attempts = passed_attempts - "  \
	PASSED(a) " WHERE " DONE_(a) " AND " PERSON_MATCH(a) " AND quiz_id = " a ".quiz_id;"      \
	"DELETE FROM report_reach WHERE " DONE_(a) " AND " PERSON_MATCH(a) " AND quiz_id = " a     \
	".quiz_id AND attempts <= 0;"                                                            \
	"UPDATE report_reach_topic SET attempts = attempts - 1 WHERE " DONE_(a) " AND "          \
	PERSON_MATCH(a) " AND quiz_id = " a ".quiz_id AND topic IN (" TOPICS_OF(a) ");"          \
	"DELETE FROM report_reach_topic WHERE " DONE_(a) " AND " PERSON_MATCH(a)                  \
	" AND quiz_id = " a ".quiz_id AND topic IN (" TOPICS_OF(a) ") AND attempts <= 0;"
#define ADD(a) ADD_WHEN(a, DONE)
#define REMOVE(a) REMOVE_WHEN(a, DONE)
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

/* Migration 7: practice, publication, the client address of an attempt.
 * Practice attempts (attempts.practice, copied from the quiz's mode at
 * start) never reach the summaries: the three attempt triggers are
 * replaced by ones that count official attempts only. */
#define OFFICIAL(a) "(" a ".practice = 0 AND " DONE(a) ")"
const char db_sql_practice[] =
	"ALTER TABLE quizzes ADD COLUMN mode TEXT NOT NULL DEFAULT 'exam'"
	" CHECK (mode IN ('exam','practice'));"
	"ALTER TABLE quizzes ADD COLUMN published_at INTEGER;"
	"ALTER TABLE attempts ADD COLUMN practice INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE attempts ADD COLUMN client_addr TEXT;"
	"DROP TRIGGER report_attempt_insert;"
	"DROP TRIGGER report_attempt_update;"
	"DROP TRIGGER report_attempt_delete;"
	"CREATE TRIGGER report_attempt_insert AFTER INSERT ON attempts WHEN " OFFICIAL("NEW")
	" BEGIN " ADD_WHEN("NEW", OFFICIAL) " END;"
	"CREATE TRIGGER report_attempt_update AFTER UPDATE OF state, finished_at, passed, user_id,"
	" unit_id, audience, quiz_id, practice ON attempts WHEN " OFFICIAL("OLD") " OR "
	OFFICIAL("NEW") " BEGIN " REMOVE_WHEN("OLD", OFFICIAL) ADD_WHEN("NEW", OFFICIAL) " END;"
	"CREATE TRIGGER report_attempt_delete BEFORE DELETE ON attempts WHEN " OFFICIAL("OLD")
	" BEGIN " REMOVE_WHEN("OLD", OFFICIAL) " END;";

/* Migration 9: people who registered themselves count in a unit's figures
 * (its roster and the participation of its reports) only once confirmed
 * (users.self_registered, users.confirmed_at of migration 8). The attempt
 * triggers (migration 7's, official attempts only) and the roster triggers
 * (migration 3's) are made again with that condition. Confirming a person
 * adds their completed official attempts at once. */
#define UNCONFIRMED(uid) \
	"EXISTS (SELECT 1 FROM users cu WHERE cu.id = " uid " AND cu.self_registered = 1" \
	" AND cu.confirmed_at IS NULL)"
#define COUNTED(a) "(" OFFICIAL(a) " AND NOT " UNCONFIRMED(a ".user_id") ")"
#define ROSTERED_CONFIRMED(a)                                                         \
	"(" a ".role = 'participant' AND " a ".erased_at IS NULL AND " a ".unit_id IS NOT" \
	" NULL AND " a ".audience IS NOT NULL AND NOT (" a ".self_registered = 1 AND "     \
	a ".confirmed_at IS NULL))"
const char db_sql_reports_confirmed[] =
	"DROP TRIGGER report_attempt_insert;"
	"DROP TRIGGER report_attempt_update;"
	"DROP TRIGGER report_attempt_delete;"
	"DROP TRIGGER report_roster_insert;"
	"DROP TRIGGER report_roster_update;"
	"DROP TRIGGER report_roster_delete;"
	"CREATE TRIGGER report_attempt_insert AFTER INSERT ON attempts WHEN " COUNTED("NEW")
	" BEGIN " ADD_WHEN("NEW", COUNTED) " END;"
	"CREATE TRIGGER report_attempt_update AFTER UPDATE OF state, finished_at, passed, user_id,"
	" unit_id, audience, quiz_id, practice ON attempts WHEN " COUNTED("OLD") " OR "
	COUNTED("NEW") " BEGIN " REMOVE_WHEN("OLD", COUNTED) ADD_WHEN("NEW", COUNTED) " END;"
	"CREATE TRIGGER report_attempt_delete BEFORE DELETE ON attempts WHEN " COUNTED("OLD")
	" BEGIN " REMOVE_WHEN("OLD", COUNTED) " END;"
	"CREATE TRIGGER report_roster_insert AFTER INSERT ON users WHEN " ROSTERED_CONFIRMED("NEW") " BEGIN"
	" INSERT INTO report_roster (unit_id, audience, count) VALUES (NEW.unit_id, NEW.audience, 1)"
	" ON CONFLICT (unit_id, audience) DO UPDATE SET count = count + 1;"
	" END;"
	"CREATE TRIGGER report_roster_update AFTER UPDATE OF role, unit_id, audience, erased_at,"
	" self_registered, confirmed_at ON users WHEN " ROSTERED_CONFIRMED("OLD") " OR " ROSTERED_CONFIRMED("NEW")
	" BEGIN"
	" UPDATE report_roster SET count = count - 1 WHERE " ROSTERED_CONFIRMED("OLD")
	" AND unit_id = OLD.unit_id AND audience = OLD.audience;"
	" INSERT INTO report_roster (unit_id, audience, count) SELECT NEW.unit_id, NEW.audience, 1"
	" WHERE " ROSTERED_CONFIRMED("NEW") " ON CONFLICT (unit_id, audience) DO UPDATE SET count = count + 1;"
	" END;"
	"CREATE TRIGGER report_roster_delete AFTER DELETE ON users WHEN " ROSTERED_CONFIRMED("OLD") " BEGIN"
	" UPDATE report_roster SET count = count - 1 WHERE unit_id = OLD.unit_id"
	" AND audience = OLD.audience;"
	" END;"
	/* The person's completed attempts, all at once, as migration 3 filled
	 * the tables from existing attempts. */
	"CREATE TRIGGER report_user_confirmed AFTER UPDATE OF confirmed_at ON users"
	" WHEN NEW.self_registered = 1 AND OLD.confirmed_at IS NULL"
	" AND NEW.confirmed_at IS NOT NULL BEGIN"
	" INSERT INTO report_person (year, audience, user_key, unit_id, attempts, passed_attempts)"
	" SELECT " PERSON_KEY("a") ", count(*), sum(" PASSED("a") ") FROM attempts a"
	" WHERE a.user_id = NEW.id AND " OFFICIAL("a") " GROUP BY 1, 2, 3, 4"
	" ON CONFLICT (year, audience, user_key, unit_id) DO UPDATE SET"
	" attempts = attempts + excluded.attempts,"
	" passed_attempts = passed_attempts + excluded.passed_attempts;"
	" INSERT INTO report_reach (year, audience, user_key, unit_id, quiz_id, attempts,"
	" passed_attempts) SELECT " PERSON_KEY("a") ", a.quiz_id, count(*), sum(" PASSED("a") ")"
	" FROM attempts a WHERE a.user_id = NEW.id AND " OFFICIAL("a") " GROUP BY 1, 2, 3, 4, 5"
	" ON CONFLICT (year, audience, user_key, unit_id, quiz_id) DO UPDATE SET"
	" attempts = attempts + excluded.attempts,"
	" passed_attempts = passed_attempts + excluded.passed_attempts;"
	" INSERT INTO report_reach_topic (year, topic, audience, user_key, unit_id, quiz_id,"
	" attempts) SELECT " VN_YEAR("a.finished_at") ", qt.topic, COALESCE(a.audience, ''),"
	" COALESCE(a.user_id, -a.id), COALESCE(a.unit_id, 0), a.quiz_id, count(DISTINCT a.id)"
	" FROM attempts a JOIN attempt_questions aq ON aq.attempt_id = a.id"
	" JOIN question_topics qt ON qt.question_id = aq.question_id"
	" WHERE a.user_id = NEW.id AND " OFFICIAL("a") " GROUP BY 1, 2, 3, 4, 5, 6"
	" ON CONFLICT (year, topic, audience, user_key, unit_id, quiz_id) DO UPDATE SET"
	" attempts = attempts + excluded.attempts;"
	" END;";

/* Migration 15: participation per week of the year. The week of an
 * instant counts Monday-first weeks of its Asia/Ho_Chi_Minh year, week 1
 * holding 1 January (so 1..54); report_week.c computes the same dates.
 * report_person_week: a person's completed attempts per unit and week;
 * report_unit_week: per unit, audience and week, the people with a
 * completed attempt that week (participants), those whose first completed
 * attempt of the year in that unit fell in it (newcomers), and the
 * attempts. Kept by triggers under migration 9's condition (COUNTED). */
#define VN_SECS(ms) "((" ms ") + 25200000) / 1000, 'unixepoch'"
#define VN_WEEK(ms)                                                               \
	"(CAST(strftime('%W', " VN_SECS(ms) ") AS INTEGER) + (strftime('%w',"      \
	" strftime('%Y-01-01', " VN_SECS(ms) ")) <> '1'))"
#define WEEK_KEY(a) PERSON_KEY(a) ", " VN_WEEK(a ".finished_at")
#define WEEK_MATCH(a) PERSON_MATCH(a) " AND week = " VN_WEEK(a ".finished_at")
#define ADD_WEEK(a)                                                                            \
	"INSERT INTO report_person_week (year, audience, user_key, unit_id, week, attempts)"  \
	" SELECT " WEEK_KEY(a) ", 1 WHERE " COUNTED(a) " ON CONFLICT (year, audience,"        \
	" user_key, unit_id, week) DO UPDATE SET attempts = attempts + 1;"
#define REMOVE_WEEK(a)                                                                          \
	"UPDATE report_person_week SET attempts = attempts - 1 WHERE " COUNTED(a) " AND "      \
	WEEK_MATCH(a) ";"                                                                      \
	"DELETE FROM report_person_week WHERE " COUNTED(a) " AND " WEEK_MATCH(a)               \
	" AND attempts <= 0;"
/* The other weeks of a person's row in one unit (r: NEW or OLD). */
#define OTHER_WEEKS(r)                                                                  \
	"SELECT min(week) FROM report_person_week WHERE year = " r ".year AND audience = " \
	r ".audience AND user_key = " r ".user_key AND unit_id = " r ".unit_id AND week <> " r ".week"
#define UNIT_WEEK(r) \
	"year = " r ".year AND unit_id = " r ".unit_id AND audience = " r ".audience"
const char db_sql_report_weeks[] =
	"CREATE TABLE report_person_week ("
	"  year INTEGER NOT NULL, audience TEXT NOT NULL, user_key INTEGER NOT NULL,"
	"  unit_id INTEGER NOT NULL, week INTEGER NOT NULL, attempts INTEGER NOT NULL,"
	"  PRIMARY KEY (year, audience, user_key, unit_id, week)) WITHOUT ROWID;"
	"CREATE TABLE report_unit_week ("
	"  year INTEGER NOT NULL, unit_id INTEGER NOT NULL, audience TEXT NOT NULL,"
	"  week INTEGER NOT NULL, participants INTEGER NOT NULL, newcomers INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL,"
	"  PRIMARY KEY (year, unit_id, audience, week)) WITHOUT ROWID;"
	/* A new person-week row is a newcomer when it comes before the
	 * person's other weeks in the unit, and the week that was first is
	 * first no more. */
	"CREATE TRIGGER report_person_week_insert AFTER INSERT ON report_person_week BEGIN"
	" INSERT INTO report_unit_week (year, unit_id, audience, week, participants, newcomers,"
	" attempts) VALUES (NEW.year, NEW.unit_id, NEW.audience, NEW.week, 1,"
	" COALESCE((" OTHER_WEEKS("NEW") ") > NEW.week, 1), NEW.attempts)"
	" ON CONFLICT (year, unit_id, audience, week) DO UPDATE SET"
	" participants = participants + 1, newcomers = newcomers + excluded.newcomers,"
	" attempts = attempts + excluded.attempts;"
	" UPDATE report_unit_week SET newcomers = newcomers - 1 WHERE " UNIT_WEEK("NEW")
	" AND week > NEW.week AND week = (" OTHER_WEEKS("NEW") ");"
	" END;"
	"CREATE TRIGGER report_person_week_update AFTER UPDATE ON report_person_week BEGIN"
	" UPDATE report_unit_week SET attempts = attempts + NEW.attempts - OLD.attempts"
	" WHERE " UNIT_WEEK("NEW") " AND week = NEW.week;"
	" END;"
	/* A deleted first week hands the newcomer to the next one. */
	"CREATE TRIGGER report_person_week_delete AFTER DELETE ON report_person_week BEGIN"
	" UPDATE report_unit_week SET participants = participants - 1,"
	" attempts = attempts - OLD.attempts,"
	" newcomers = newcomers - COALESCE((" OTHER_WEEKS("OLD") ") > OLD.week, 1)"
	" WHERE " UNIT_WEEK("OLD") " AND week = OLD.week;"
	" UPDATE report_unit_week SET newcomers = newcomers + 1 WHERE " UNIT_WEEK("OLD")
	" AND week > OLD.week AND week = (" OTHER_WEEKS("OLD") ");"
	" END;"
	"CREATE TRIGGER report_week_attempt_insert AFTER INSERT ON attempts WHEN " COUNTED("NEW")
	" BEGIN " ADD_WEEK("NEW") " END;"
	"CREATE TRIGGER report_week_attempt_update AFTER UPDATE OF state, finished_at, user_id,"
	" unit_id, audience, practice ON attempts WHEN " COUNTED("OLD") " OR " COUNTED("NEW")
	" BEGIN " REMOVE_WEEK("OLD") ADD_WEEK("NEW") " END;"
	"CREATE TRIGGER report_week_attempt_delete BEFORE DELETE ON attempts WHEN " COUNTED("OLD")
	" BEGIN " REMOVE_WEEK("OLD") " END;"
	"CREATE TRIGGER report_week_user_confirmed AFTER UPDATE OF confirmed_at ON users"
	" WHEN NEW.self_registered = 1 AND OLD.confirmed_at IS NULL"
	" AND NEW.confirmed_at IS NOT NULL BEGIN"
	" INSERT INTO report_person_week (year, audience, user_key, unit_id, week, attempts)"
	" SELECT " WEEK_KEY("a") ", count(*) FROM attempts a WHERE a.user_id = NEW.id AND "
	OFFICIAL("a") " GROUP BY 1, 2, 3, 4, 5 ON CONFLICT (year, audience, user_key, unit_id,"
	" week) DO UPDATE SET attempts = attempts + excluded.attempts;"
	" END;"
	/* Attempts already stored, through the triggers above. */
	"INSERT INTO report_person_week (year, audience, user_key, unit_id, week, attempts)"
	" SELECT " WEEK_KEY("a") ", count(*) FROM attempts a WHERE " COUNTED("a")
	" GROUP BY 1, 2, 3, 4, 5;";

/* clang-format on */

/* In no order: db_report_units sorts them. */
static const char SQL_UNITS[] = "SELECT id, code, name, kind, level, parent_id, path FROM units";
static const char SQL_HEADCOUNTS[] =
	"SELECT unit_id, audience, count FROM headcounts WHERE year = ?1";
static const char SQL_ROSTER[] =
	"SELECT unit_id, audience, count FROM report_roster WHERE count > 0";
static const char SQL_UNIT_FIGURES[] =
	"SELECT unit_id, audience, participants, passed, attempts FROM report_unit"
	" WHERE year = ?1 AND participants > 0";
/* CROSS JOIN keeps report_multi (a handful of rows) as the outer loop;
 * left to itself the planner would walk the year's person rows. */
static const char SQL_MULTI_PERSON[] =
	"SELECT p.audience, p.user_key, p.unit_id, 0, p.attempts, p.passed_attempts"
	" FROM report_multi m CROSS JOIN report_person p WHERE p.year = m.year"
	" AND p.audience = m.audience AND p.user_key = m.user_key AND m.year = ?1"
	" ORDER BY m.audience, m.user_key";
static const char SQL_TOPIC_PEOPLE[] =
	"SELECT audience, user_key, unit_id, quiz_id, attempts, 0 FROM report_reach_topic"
	" WHERE year = ?1 AND topic = ?3 AND audience = ?2 ORDER BY user_key";
/* A subtree's units (path prefix), as the participation report's unit
 * lists do; ?3 NULL for every audience. */
static const char SQL_UNIT_WEEKS[] =
	"SELECT w.week, sum(w.participants), sum(w.newcomers), sum(w.attempts)"
	" FROM units u JOIN report_unit_week w ON w.year = ?1 AND w.unit_id = u.id"
	" WHERE substr(u.path, 1, length(?2)) = ?2 AND (CAST(?3 AS TEXT) IS NULL OR w.audience = "
	"?3)"
	" GROUP BY w.week ORDER BY w.week";
static const char SQL_MULTI_WEEKS[] =
	"SELECT p.audience, p.user_key, p.unit_id, p.week"
	" FROM report_multi m CROSS JOIN report_person_week p JOIN units u ON u.id = p.unit_id"
	" WHERE p.year = m.year AND p.audience = m.audience AND p.user_key = m.user_key"
	" AND m.year = ?1 AND (CAST(?3 AS TEXT) IS NULL OR m.audience = ?3)"
	" AND substr(u.path, 1, length(?2)) = ?2"
	" ORDER BY m.audience, m.user_key, p.unit_id, p.week";
/* Migration 19 (db_reach.c): people reached by a quiz or an activity. */
static const char SQL_REACH_UNITS[] =
	"SELECT r.unit_id, r.audience, r.reached, COALESCE(t.attended, 0)"
	" FROM report_reached_unit r LEFT JOIN report_attend_unit t ON t.year = r.year"
	" AND t.unit_id = r.unit_id AND t.audience = r.audience"
	" WHERE r.year = ?1 AND r.reached > 0";
/* CROSS JOIN keeps report_reached_multi (a handful of rows) outside, as
 * above. */
static const char SQL_REACH_MULTI[] =
	"SELECT r.audience, r.user_key, r.unit_id, 0, r.sources, EXISTS (SELECT 1"
	" FROM report_attend_person p WHERE p.year = r.year AND p.audience = r.audience"
	" AND p.user_id = r.user_key AND p.unit_id = r.unit_id)"
	" FROM report_reached_multi m CROSS JOIN report_reached_person r WHERE r.year = m.year"
	" AND r.audience = m.audience AND r.user_key = m.user_key AND m.year = ?1"
	" ORDER BY m.audience, m.user_key";
static const char SQL_REACH_TOPIC_PEOPLE[] =
	"SELECT audience, user_key, unit_id, quiz_id, attempts, 0 FROM report_reach_topic"
	" WHERE year = ?1 AND topic = ?3 AND audience = ?2 UNION ALL"
	" SELECT audience, user_id, unit_id, 0, activities, 1 FROM report_attend_topic"
	" WHERE year = ?1 AND topic = ?3 AND audience = ?2 ORDER BY 2";

static const char SQL_REF_COUNT[] =
	"SELECT count(*) FROM attempts WHERE finished_at >= ?1 AND finished_at < ?2"
	" AND practice = 0";
static const char SQL_REF_GROUP[] = "SELECT unit_id, audience, count(*) FROM attempts"
				    " WHERE finished_at >= ?1 AND finished_at < ?2 AND practice = 0"
				    " GROUP BY unit_id, audience";
static const char SQL_REF_SUMMARY[] = "SELECT sum(participants) FROM report_unit WHERE year = ?1";

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
	" AND NOT (s.self_registered = 1 AND s.confirmed_at IS NULL)"
	" AND substr(u.path, 1, length(?1)) = ?1"
	" ORDER BY u.path, s.full_name, s.id";
static const char SQL_COMPLETED_MANDATORY[] =
	"SELECT DISTINCT a.user_id, a.quiz_id FROM attempts a"
	" JOIN quizzes q ON q.id = a.quiz_id AND q.mandatory = 1"
	" JOIN users s ON s.id = a.user_id JOIN units u ON u.id = s.unit_id"
	" WHERE a.state IN ('submitted','expired') AND a.practice = 0"
	" AND substr(u.path, 1, length(?1)) = ?1";

static void read_unit(db_st *st, void *row)
{
	struct db_unit *u = row;
	memset(u, 0, sizeof *u);
	u->id = dbs_column_int64(st, 0);
	util_strlcpy(u->code, db_col_text(st, 1), sizeof u->code);
	util_strlcpy(u->name, db_col_text(st, 2), sizeof u->name);
	util_strlcpy(u->kind, db_col_text(st, 3), sizeof u->kind);
	util_strlcpy(u->level, db_col_text(st, 4), sizeof u->level);
	u->parent_id = dbs_column_int64(st, 5);
	util_strlcpy(u->path, db_col_text(st, 6), sizeof u->path);
}

struct unit_order {
	int depth; /* the slashes of its path */
	const struct db_unit *u;
};

static int cmp_unit_order(const void *a, const void *b)
{
	const struct unit_order *x = a, *y = b;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return strcmp(x->u->code, y->u->code);
}

/* Sorted here rather than by the statement: by bytes on both engines, as
 * SQLite compares, whatever collation a PostgreSQL database has; and
 * PostgreSQL took longer to sort by the depth (computed from the path) and
 * the code than to read the units (0.55 of 0.95 ms for 1,000 units). */
static int each_unit(struct db *db, db_st *st, db_unit_fn *fn, void *ctx)
{
	void *rows;
	size_t n;
	if (db_collect_rows(db, st, sizeof(struct db_unit), read_unit, &rows, &n, "list units"))
		return -1;
	const struct db_unit *units = rows;
	struct unit_order *order = xcalloc(n ? n : 1, sizeof *order);
	for (size_t i = 0; i < n; i++) {
		order[i].u = &units[i];
		for (const char *c = units[i].path; *c; c++)
			order[i].depth += *c == '/';
	}
	qsort(order, n, sizeof *order, cmp_unit_order);
	for (size_t i = 0; i < n; i++)
		fn(ctx, order[i].u);
	free(order);
	free(rows);
	return 0;
}

int db_report_units(struct db *db, db_unit_fn *fn, void *ctx)
{
	db_st *st = db_stmt(db, SQL_UNITS);
	return st ? each_unit(db, st, fn, ctx) : -1;
}

/* Migration 17. What a headcount of the participation report is made of
 * (the unit tree, declared headcounts, the roster kept by triggers on
 * users) moves one counter, in the writer's transaction, so that a
 * process may keep what it derived from them (contest standings' rows)
 * and check it with one read. */
const char db_sql_headcount_version[] =
	"CREATE TABLE headcount_versions ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  change_count INTEGER NOT NULL);"
	"INSERT INTO headcount_versions (id, change_count) VALUES (1, 0);"
	"CREATE TRIGGER headcount_version_units_insert AFTER INSERT ON units BEGIN"
	"  UPDATE headcount_versions SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER headcount_version_units_update AFTER UPDATE ON units BEGIN"
	"  UPDATE headcount_versions SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER headcount_version_units_delete AFTER DELETE ON units BEGIN"
	"  UPDATE headcount_versions SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER headcount_version_headcounts_insert AFTER INSERT ON headcounts BEGIN"
	"  UPDATE headcount_versions SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER headcount_version_headcounts_update AFTER UPDATE ON headcounts BEGIN"
	"  UPDATE headcount_versions SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER headcount_version_headcounts_delete AFTER DELETE ON headcounts BEGIN"
	"  UPDATE headcount_versions SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER headcount_version_report_roster_insert AFTER INSERT ON report_roster BEGIN"
	"  UPDATE headcount_versions SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER headcount_version_report_roster_update AFTER UPDATE ON report_roster BEGIN"
	"  UPDATE headcount_versions SET change_count = change_count + 1;"
	" END;"
	"CREATE TRIGGER headcount_version_report_roster_delete AFTER DELETE ON report_roster BEGIN"
	"  UPDATE headcount_versions SET change_count = change_count + 1;"
	" END;";
static const char SQL_HEADCOUNT_VERSION[] =
	"SELECT change_count FROM headcount_versions WHERE id = 1";

int db_report_headcount_version(struct db *db, int64_t *version)
{
	db_st *st = db_stmt(db, SQL_HEADCOUNT_VERSION);
	if (!st)
		return -1;
	int ret = db_step_row(db, st, "headcount version");
	*version = ret == 1 ? dbs_column_int64(st, 0) : 0;
	dbs_reset(st);
	return ret < 0 ? -1 : 0;
}

static void count_row(db_st *st, db_row_fn fn, void *ctx)
{
	((db_count_fn *)fn)(ctx, dbs_column_int64(st, 0), db_col_text(st, 1),
			    dbs_column_int64(st, 2));
}

static void reach_row(db_st *st, db_row_fn fn, void *ctx)
{
	struct db_reach r = {
		.audience = db_col_text(st, 0),
		.user_key = dbs_column_int64(st, 1),
		.unit_id = dbs_column_int64(st, 2),
		.quiz_id = dbs_column_int64(st, 3),
		.attempts = dbs_column_int64(st, 4),
		.passed_attempts = dbs_column_int64(st, 5),
	};
	((db_reach_fn *)fn)(ctx, &r);
}

static void figures_row(db_st *st, db_row_fn fn, void *ctx)
{
	((db_figures_fn *)fn)(ctx, dbs_column_int64(st, 0), db_col_text(st, 1),
			      dbs_column_int64(st, 2), dbs_column_int64(st, 3),
			      dbs_column_int64(st, 4));
}

static void reach_unit_row(db_st *st, db_row_fn fn, void *ctx)
{
	((db_reach_unit_fn *)fn)(ctx, dbs_column_int64(st, 0), db_col_text(st, 1),
				 dbs_column_int64(st, 2), dbs_column_int64(st, 3));
}

/* The year's reads, in the order r hands them over. */
enum {
	YEAR_UNITS,
	YEAR_HEADCOUNTS,
	YEAR_ROSTER,
	YEAR_FIGURES,
	YEAR_REACH,
	YEAR_MULTI,
	YEAR_REACH_MULTI,
	YEAR_READS
};

static int year_rows(struct db *db, db_st *const *st, const struct db_year_reads *r)
{
	if (each_unit(db, st[YEAR_UNITS], r->unit, r->ctx))
		return -1;
	r->units_done(r->ctx);
	if (db_each_row(db, st[YEAR_HEADCOUNTS], count_row, (db_row_fn)r->headcount, r->ctx,
			"list headcounts") ||
	    db_each_row(db, st[YEAR_ROSTER], count_row, (db_row_fn)r->roster, r->ctx,
			"count roster") ||
	    db_each_row(db, st[YEAR_FIGURES], figures_row, (db_row_fn)r->figures, r->ctx,
			"read unit figures") ||
	    db_each_row(db, st[YEAR_REACH], reach_unit_row, (db_row_fn)r->reach, r->ctx,
			"read reach figures"))
		return -1;
	r->counts_done(r->ctx);
	return db_each_row(db, st[YEAR_MULTI], reach_row, (db_row_fn)r->multi, r->multi_ctx,
			   "read participation rows") ||
			       db_each_row(db, st[YEAR_REACH_MULTI], reach_row,
					   (db_row_fn)r->reach_multi, r->reach_multi_ctx,
					   "read reach rows")
		       ? -1
		       : 0;
}

int db_report_year(struct db *db, int year, const struct db_year_reads *r)
{
	db_st *st[YEAR_READS + 1] = { db_stmt(db, SQL_UNITS),       db_stmt(db, SQL_HEADCOUNTS),
				      db_stmt(db, SQL_ROSTER),      db_stmt(db, SQL_UNIT_FIGURES),
				      db_stmt(db, SQL_REACH_UNITS), db_stmt(db, SQL_MULTI_PERSON),
				      db_stmt(db, SQL_REACH_MULTI) };
	for (int i = 0; i < YEAR_READS; i++) {
		if (!st[i])
			return -1;
		if (i != YEAR_UNITS && i != YEAR_ROSTER)
			dbs_bind_int(st[i], 1, year);
	}
	/* A plan's counts go last: the server runs them while the year's rows
	 * are read. */
	int n = YEAR_READS;
	if (r->plan_nslots > 0) {
		if (r->plan_nslots > DB_PLAN_AHEAD ||
		    !(st[n] = db_report_plan_counts_bound(db, year, r->plan_slots, r->plan_nslots)))
			return -1;
		n++;
	}
	int ret = db_prefetch(db, st, n, "read a year's figures") || year_rows(db, st, r) ||
				  (n > YEAR_READS &&
				   db_report_plan_counts_rows(db, st[YEAR_READS], r->plan_count,
							      r->plan_ctx))
			  ? -1
			  : 0;
	for (int i = 0; i < n; i++)
		dbs_reset(st[i]); /* rows a failure left unread */
	return ret;
}

static int reach_query(struct db *db, const char *sql, int year, const char *audience,
		       const char *topic, db_reach_fn *fn, void *ctx)
{
	db_st *st = db_stmt(db, sql);
	if (!st)
		return -1;
	dbs_bind_int(st, 1, year);
	if (audience)
		dbs_bind_text(st, 2, audience, -1, DBS_STATIC);
	if (topic)
		dbs_bind_text(st, 3, topic, -1, DBS_STATIC);
	return db_each_row(db, st, reach_row, (db_row_fn)fn, ctx, "read participation rows");
}

int db_report_topic_people(struct db *db, int year, const char *audience, const char *topic,
			   db_reach_fn *fn, void *ctx)
{
	return reach_query(db, SQL_TOPIC_PEOPLE, year, audience, topic, fn, ctx);
}

int db_report_reach_topic_people(struct db *db, int year, const char *audience, const char *topic,
				 db_reach_fn *fn, void *ctx)
{
	return reach_query(db, SQL_REACH_TOPIC_PEOPLE, year, audience, topic, fn, ctx);
}

int db_report_reference_aggregate(struct db *db, int which, int64_t from_ms, int64_t to_ms,
				  int year, int64_t *result)
{
	const char *sql = which == 0 ? SQL_REF_COUNT : which == 1 ? SQL_REF_GROUP : SQL_REF_SUMMARY;
	db_st *st = db_stmt(db, sql);
	if (!st)
		return -1;
	if (which < 2) {
		dbs_bind_int64(st, 1, from_ms);
		dbs_bind_int64(st, 2, to_ms);
	} else {
		dbs_bind_int(st, 1, year);
	}
	int col = which == 1 ? 2 : 0, rc;
	*result = 0;
	while ((rc = dbs_step(st)) == DBS_ROW)
		*result += dbs_column_int64(st, col);
	int ret = rc == DBS_DONE ? 0 : db_fail(db, "reference aggregate");
	dbs_reset(st);
	return ret;
}

static void week_row(db_st *st, db_row_fn fn, void *ctx)
{
	((db_week_fn *)fn)(ctx, dbs_column_int(st, 0), dbs_column_int64(st, 1),
			   dbs_column_int64(st, 2), dbs_column_int64(st, 3));
}

static void person_week_row(db_st *st, db_row_fn fn, void *ctx)
{
	((db_person_week_fn *)fn)(ctx, db_col_text(st, 0), dbs_column_int64(st, 1),
				  dbs_column_int64(st, 2), dbs_column_int(st, 3));
}

static db_st *weeks_stmt(struct db *db, const char *sql, int year, const char *path,
			 const char *audience)
{
	db_st *st = db_stmt(db, sql);
	if (!st)
		return NULL;
	dbs_bind_int(st, 1, year);
	dbs_bind_text(st, 2, path, -1, DBS_STATIC);
	if (audience)
		dbs_bind_text(st, 3, audience, -1, DBS_STATIC);
	else
		dbs_bind_null(st, 3);
	return st;
}

int db_report_unit_weeks(struct db *db, int year, const char *path, const char *audience,
			 db_week_fn *fn, void *ctx)
{
	db_st *st = weeks_stmt(db, SQL_UNIT_WEEKS, year, path, audience);
	if (!st)
		return -1;
	return db_each_row(db, st, week_row, (db_row_fn)fn, ctx, "read weekly figures");
}

int db_report_multi_weeks(struct db *db, int year, const char *path, const char *audience,
			  db_person_week_fn *fn, void *ctx)
{
	db_st *st = weeks_stmt(db, SQL_MULTI_WEEKS, year, path, audience);
	if (!st)
		return -1;
	return db_each_row(db, st, person_week_row, (db_row_fn)fn, ctx,
			   "read weekly rows of people in several units");
}

static void mandatory_row(db_st *st, db_row_fn fn, void *ctx)
{
	struct db_mandatory_quiz q = {
		.id = dbs_column_int64(st, 0),
		.code = db_col_text(st, 1),
		.title = db_col_text(st, 2),
		.audience = db_col_text(st, 3),
		.scope_path = db_col_text(st, 4),
		.opens_at = dbs_column_int64(st, 5),
		.closes_at = dbs_column_int64(st, 6),
	};
	((db_mandatory_fn *)fn)(ctx, &q);
}

int db_report_mandatory_quizzes(struct db *db, int64_t from_ms, int64_t to_ms, db_mandatory_fn *fn,
				void *ctx)
{
	db_st *st = db_stmt(db, SQL_MANDATORY);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, from_ms);
	dbs_bind_int64(st, 2, to_ms);
	return db_each_row(db, st, mandatory_row, (db_row_fn)fn, ctx, "list mandatory quizzes");
}

static void roster_person_row(db_st *st, db_row_fn fn, void *ctx)
{
	struct db_roster_person p = {
		.id = dbs_column_int64(st, 0),
		.unit_id = dbs_column_int64(st, 1),
		.username = db_col_text(st, 2),
		.full_name = db_col_text(st, 3),
		.audience = db_col_text(st, 4),
		.unit_code = db_col_text(st, 5),
		.unit_name = db_col_text(st, 6),
		.unit_path = db_col_text(st, 7),
	};
	((db_roster_person_fn *)fn)(ctx, &p);
}

int db_report_roster_people(struct db *db, const char *path, db_roster_person_fn *fn, void *ctx)
{
	db_st *st = db_stmt(db, SQL_ROSTER_PEOPLE);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, path, -1, DBS_STATIC);
	return db_each_row(db, st, roster_person_row, (db_row_fn)fn, ctx, "list roster");
}

static void pair_row(db_st *st, db_row_fn fn, void *ctx)
{
	((db_pair_fn *)fn)(ctx, dbs_column_int64(st, 0), dbs_column_int64(st, 1));
}

int db_report_completed_mandatory(struct db *db, const char *path, db_pair_fn *fn, void *ctx)
{
	db_st *st = db_stmt(db, SQL_COMPLETED_MANDATORY);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, path, -1, DBS_STATIC);
	return db_each_row(db, st, pair_row, (db_row_fn)fn, ctx,
			   "list completed mandatory quizzes");
}
