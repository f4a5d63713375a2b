/* db_reach.c - migrations 19 and 21: the people reached by quizzes or activities,
 * kept by triggers beside the summaries of migrations 3 and 13, and a live
 * game's logged-in players made the attendance of an activity of kind
 * "live_game" when the game ends. The reports read them through
 * db_report.h (db_report_reach_*): a few thousand counter rows, never
 * `attendances`. */
#include "db_priv.h"

/* The schema is built from SQL macros that clang-format cannot lay out. */
/* clang-format off */
#define VN_YEAR(ms) "CAST(strftime('%Y', ((" ms ") + 25200000) / 1000, 'unixepoch') AS INTEGER)"
/* One source row (a quiz participant's report_person row, or an
 * attendee's report_attend_person row) added to or taken from the
 * union. */
#define REACHED_ADD(year, aud, key, unit)                                                  \
	" INSERT INTO report_reached_person (year, audience, user_key, unit_id, sources)"  \
	" VALUES (" year ", " aud ", " key ", " unit ", 1) ON CONFLICT (year, audience,"   \
	" user_key, unit_id) DO UPDATE SET sources = sources + 1;"
#define REACHED_REMOVE(year, aud, key, unit)                                               \
	" UPDATE report_reached_person SET sources = sources - 1 WHERE year = " year       \
	" AND audience = " aud " AND user_key = " key " AND unit_id = " unit ";"           \
	" DELETE FROM report_reached_person WHERE year = " year " AND audience = " aud     \
	" AND user_key = " key " AND unit_id = " unit " AND sources <= 0;"
/* An attendance's rows per topic of its activity, and per unit and
 * activity. */
#define ATTEND_TOPICS_ADD(t, topics)                                                       \
	" INSERT INTO report_attend_topic (year, topic, audience, user_id, unit_id,"       \
	" activities) SELECT " t ".year, j.value, " t ".audience, " t ".user_id, " t        \
	".unit_id, 1 FROM json_each(" topics ") j WHERE j.type = 'text'"                    \
	" ON CONFLICT (year, topic, audience, user_id, unit_id) DO UPDATE SET"             \
	" activities = activities + 1;"
#define ATTEND_TOPICS_REMOVE(t, topics)                                                    \
	" UPDATE report_attend_topic SET activities = activities - 1 WHERE year = " t      \
	".year AND audience = " t ".audience AND user_id = " t ".user_id AND unit_id = " t \
	".unit_id AND topic IN (SELECT value FROM json_each(" topics "));"                 \
	" DELETE FROM report_attend_topic WHERE year = " t ".year AND audience = " t       \
	".audience AND user_id = " t ".user_id AND unit_id = " t ".unit_id AND activities <= 0;"

/* A live game g's activity (inserted from source, which names g, where
 * where holds) and its
 * logged-in players' attendance. */
#define LIVE_UNIT(g)                                                                       \
	"COALESCE((SELECT unit_id FROM users WHERE id = " g ".host_user_id), (SELECT id"   \
	" FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1))"
#define LIVE_ACTIVITY(g, source, where)                                                           \
	" INSERT INTO activities (code, title, kind, unit_id, audiences, topics, starts_at," \
	" ends_at, check_in_open, certificate, created_at, updated_at, live_game_id)"      \
	" SELECT 'live-game-' || " g ".id, 'Trò chơi trực tiếp (PIN ' || " g ".pin || ')',"  \
	" 'live_game', " LIVE_UNIT(g) ", '[]', COALESCE((SELECT json_group_array(topic)"   \
	" FROM (SELECT DISTINCT qt.topic FROM json_each('[' || " g ".question_ids || ']') q" \
	" JOIN question_topics qt ON qt.question_id = q.value ORDER BY qt.topic)), '[]'), " \
	g ".created_at, max(" g ".ended_at, " g ".created_at + 1), 0, 0, " g ".ended_at, "    \
	g ".ended_at, " g ".id FROM " source " WHERE " where " AND " LIVE_UNIT(g) " IS NOT NULL" \
	" AND EXISTS (SELECT 1 FROM live_players WHERE game_id = " g ".id"                  \
	" AND user_id IS NOT NULL) ON CONFLICT DO NOTHING;"
#define LIVE_ATTENDANCE(which)                                                             \
	" INSERT INTO attendances (activity_id, user_id, year, unit_id, audience, how, at)" \
	" SELECT a.id, s.id, " VN_YEAR("a.starts_at") ", COALESCE(s.unit_id, 0),"           \
	" COALESCE(s.audience, ''), 'live_game', a.created_at FROM activities a"           \
	" JOIN live_players p ON p.game_id = a.live_game_id JOIN users s ON s.id = p.user_id" \
	" WHERE " which " ON CONFLICT DO NOTHING;"

const char db_sql_reach[] =
	/* report_reached_person: one row per person, year, audience and unit
	 * reached by a completed quiz, an attendance or both (sources: how
	 * many of the two summaries hold the row); report_reached_unit: those
	 * people per unit; report_reached_multi: the people with rows in
	 * several units of a year and audience (they moved), whose rows a
	 * report reads to count them once. */
	"CREATE TABLE report_reached_person ("
	"  year INTEGER NOT NULL, audience TEXT NOT NULL, user_key INTEGER NOT NULL,"
	"  unit_id INTEGER NOT NULL, sources INTEGER NOT NULL,"
	"  PRIMARY KEY (year, audience, user_key, unit_id)) WITHOUT ROWID;"
	"CREATE TABLE report_reached_unit ("
	"  year INTEGER NOT NULL, unit_id INTEGER NOT NULL, audience TEXT NOT NULL,"
	"  reached INTEGER NOT NULL,"
	"  PRIMARY KEY (year, unit_id, audience)) WITHOUT ROWID;"
	"CREATE TABLE report_reached_multi ("
	"  year INTEGER NOT NULL, audience TEXT NOT NULL, user_key INTEGER NOT NULL,"
	"  PRIMARY KEY (year, audience, user_key)) WITHOUT ROWID;"
	/* Attendees per topic of the activities they attended, and per unit
	 * and activity (a person attends an activity once, so these counts
	 * are distinct people). */
	"CREATE TABLE report_attend_topic ("
	"  year INTEGER NOT NULL, topic TEXT NOT NULL, audience TEXT NOT NULL,"
	"  user_id INTEGER NOT NULL, unit_id INTEGER NOT NULL, activities INTEGER NOT NULL,"
	"  PRIMARY KEY (year, topic, audience, user_id, unit_id)) WITHOUT ROWID;"
	"CREATE TABLE report_unit_activity ("
	"  year INTEGER NOT NULL, audience TEXT NOT NULL, unit_id INTEGER NOT NULL,"
	"  activity_id INTEGER NOT NULL, attended INTEGER NOT NULL,"
	"  PRIMARY KEY (year, audience, unit_id, activity_id)) WITHOUT ROWID;"
	"CREATE TRIGGER reached_quiz_insert AFTER INSERT ON report_person BEGIN"
	REACHED_ADD("NEW.year", "NEW.audience", "NEW.user_key", "NEW.unit_id")
	" END;"
	"CREATE TRIGGER reached_quiz_delete AFTER DELETE ON report_person BEGIN"
	REACHED_REMOVE("OLD.year", "OLD.audience", "OLD.user_key", "OLD.unit_id")
	" END;"
	"CREATE TRIGGER reached_attend_insert AFTER INSERT ON report_attend_person BEGIN"
	REACHED_ADD("NEW.year", "NEW.audience", "NEW.user_id", "NEW.unit_id")
	" END;"
	"CREATE TRIGGER reached_attend_delete AFTER DELETE ON report_attend_person BEGIN"
	REACHED_REMOVE("OLD.year", "OLD.audience", "OLD.user_id", "OLD.unit_id")
	" END;"
	"CREATE TRIGGER reached_person_insert AFTER INSERT ON report_reached_person BEGIN"
	" INSERT INTO report_reached_unit (year, unit_id, audience, reached)"
	" VALUES (NEW.year, NEW.unit_id, NEW.audience, 1)"
	" ON CONFLICT (year, unit_id, audience) DO UPDATE SET reached = reached + 1;"
	" INSERT OR IGNORE INTO report_reached_multi (year, audience, user_key)"
	" SELECT NEW.year, NEW.audience, NEW.user_key WHERE EXISTS (SELECT 1"
	" FROM report_reached_person WHERE year = NEW.year AND audience = NEW.audience"
	" AND user_key = NEW.user_key AND unit_id <> NEW.unit_id);"
	" END;"
	"CREATE TRIGGER reached_person_delete AFTER DELETE ON report_reached_person BEGIN"
	" UPDATE report_reached_unit SET reached = reached - 1 WHERE year = OLD.year"
	" AND unit_id = OLD.unit_id AND audience = OLD.audience;"
	" DELETE FROM report_reached_multi WHERE year = OLD.year AND audience = OLD.audience"
	" AND user_key = OLD.user_key AND (SELECT count(*) FROM report_reached_person"
	" WHERE year = OLD.year AND audience = OLD.audience AND user_key = OLD.user_key) < 2;"
	" END;"
	"CREATE TRIGGER attend_detail_insert AFTER INSERT ON attendances BEGIN"
	ATTEND_TOPICS_ADD("NEW", "(SELECT topics FROM activities WHERE id = NEW.activity_id)")
	" INSERT INTO report_unit_activity (year, audience, unit_id, activity_id, attended)"
	" VALUES (NEW.year, NEW.audience, NEW.unit_id, NEW.activity_id, 1)"
	" ON CONFLICT (year, audience, unit_id, activity_id) DO UPDATE SET"
	" attended = attended + 1;"
	" END;"
	"CREATE TRIGGER attend_detail_delete AFTER DELETE ON attendances BEGIN"
	ATTEND_TOPICS_REMOVE("OLD", "(SELECT topics FROM activities WHERE id = OLD.activity_id)")
	" UPDATE report_unit_activity SET attended = attended - 1 WHERE year = OLD.year"
	" AND audience = OLD.audience AND unit_id = OLD.unit_id AND activity_id = OLD.activity_id;"
	" END;"
	/* An activity's topics edited after people attended: their topic rows
	 * follow. */
	"CREATE TRIGGER attend_topics_update AFTER UPDATE OF topics ON activities"
	" WHEN OLD.topics IS NOT NEW.topics BEGIN"
	" UPDATE report_attend_topic SET activities = activities - 1"
	" WHERE (year, topic, audience, user_id, unit_id) IN (SELECT t.year, j.value,"
	" t.audience, t.user_id, t.unit_id FROM attendances t, json_each(OLD.topics) j"
	" WHERE t.activity_id = OLD.id);"
	" DELETE FROM report_attend_topic WHERE activities <= 0"
	" AND (year, topic, audience, user_id, unit_id) IN (SELECT t.year, j.value,"
	" t.audience, t.user_id, t.unit_id FROM attendances t, json_each(OLD.topics) j"
	" WHERE t.activity_id = OLD.id);"
	" INSERT INTO report_attend_topic (year, topic, audience, user_id, unit_id, activities)"
	" SELECT t.year, j.value, t.audience, t.user_id, t.unit_id, 1"
	" FROM attendances t, json_each(NEW.topics) j WHERE t.activity_id = NEW.id"
	" AND j.type = 'text' ON CONFLICT (year, topic, audience, user_id, unit_id)"
	" DO UPDATE SET activities = activities + 1;"
	" END;"
	/* A live game: the activity it was, and its logged-in players as the
	 * attendees, written when it ends (live_games.state becomes 'ended').
	 * The activity belongs to the host's unit (a host without one: the
	 * first root unit), covers the game's time and the topics of its
	 * questions. */
	"ALTER TABLE activities ADD COLUMN live_game_id INTEGER REFERENCES live_games(id);"
	"CREATE UNIQUE INDEX activities_live_game ON activities(live_game_id)"
	" WHERE live_game_id IS NOT NULL;"
	"CREATE TRIGGER live_game_attendance AFTER UPDATE OF state ON live_games"
	" WHEN NEW.state = 'ended' AND OLD.state <> 'ended' BEGIN"
	LIVE_ACTIVITY("NEW", "(SELECT 1)", "1")
	LIVE_ATTENDANCE("a.live_game_id = NEW.id")
	" END;"
	/* What the database already holds when this migration runs. */
	"INSERT INTO report_reached_person (year, audience, user_key, unit_id, sources)"
	" SELECT year, audience, user_key, unit_id, count(*) FROM (SELECT year, audience,"
	" user_key, unit_id FROM report_person UNION ALL SELECT year, audience, user_id,"
	" unit_id FROM report_attend_person) GROUP BY 1, 2, 3, 4;"
	"INSERT INTO report_attend_topic (year, topic, audience, user_id, unit_id, activities)"
	" SELECT t.year, j.value, t.audience, t.user_id, t.unit_id, count(*)"
	" FROM attendances t JOIN activities a ON a.id = t.activity_id, json_each(a.topics) j"
	" WHERE j.type = 'text' GROUP BY 1, 2, 3, 4, 5;"
	"INSERT INTO report_unit_activity (year, audience, unit_id, activity_id, attended)"
	" SELECT year, audience, unit_id, activity_id, count(*) FROM attendances"
	" GROUP BY 1, 2, 3, 4;"
	LIVE_ACTIVITY("g", "live_games g", "g.state = 'ended'")
	LIVE_ATTENDANCE("a.live_game_id IS NOT NULL");
/* clang-format on */

/* Migration 21: each activity's topics as rows, kept by triggers on
 * activities, so a topic target finds its activities by index instead of
 * reading every activity's topics array on each report. */
const char db_sql_activity_topics[] =
	"CREATE TABLE activity_topics ("
	"  topic TEXT NOT NULL, activity_id INTEGER NOT NULL,"
	"  PRIMARY KEY (topic, activity_id)) WITHOUT ROWID;"
	"CREATE TRIGGER activity_topics_insert AFTER INSERT ON activities BEGIN"
	" INSERT OR IGNORE INTO activity_topics (topic, activity_id)"
	" SELECT value, NEW.id FROM json_each(NEW.topics) WHERE type = 'text';"
	" END;"
	"CREATE TRIGGER activity_topics_update AFTER UPDATE OF topics ON activities"
	" WHEN OLD.topics IS NOT NEW.topics BEGIN"
	" DELETE FROM activity_topics WHERE activity_id = OLD.id;"
	" INSERT OR IGNORE INTO activity_topics (topic, activity_id)"
	" SELECT value, NEW.id FROM json_each(NEW.topics) WHERE type = 'text';"
	" END;"
	"CREATE TRIGGER activity_topics_delete AFTER DELETE ON activities BEGIN"
	" DELETE FROM activity_topics WHERE activity_id = OLD.id;"
	" END;"
	"INSERT OR IGNORE INTO activity_topics (topic, activity_id)"
	" SELECT j.value, a.id FROM activities a, json_each(a.topics) j WHERE j.type = 'text';";
