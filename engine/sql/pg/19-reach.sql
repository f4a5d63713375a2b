-- Migration 19 (PostgreSQL): people reached by quizzes or activities; live
-- games attended (engine/db_reach.c, db_sql_reach).
-- report_reached_person: one row per person, year, audience and unit
-- reached by a completed quiz, an attendance or both (sources: how many of
-- the two summaries hold the row); report_reached_unit: those people per
-- unit; report_reached_multi: the people with rows in several units of a
-- year and audience (they moved), whose rows a report reads to count them
-- once. SQLite's json_each(x) WHERE type = 'text' is the array's string
-- elements (json_typeof 'string'); its json_each(x) unfiltered is
-- json_array_elements_text.
CREATE TABLE report_reached_person (
  year BIGINT NOT NULL, audience TEXT NOT NULL, user_key BIGINT NOT NULL,
  unit_id BIGINT NOT NULL, sources BIGINT NOT NULL,
  PRIMARY KEY (year, audience, user_key, unit_id));
CREATE TABLE report_reached_unit (
  year BIGINT NOT NULL, unit_id BIGINT NOT NULL, audience TEXT NOT NULL,
  reached BIGINT NOT NULL,
  PRIMARY KEY (year, unit_id, audience));
CREATE TABLE report_reached_multi (
  year BIGINT NOT NULL, audience TEXT NOT NULL, user_key BIGINT NOT NULL,
  PRIMARY KEY (year, audience, user_key));
-- Attendees per topic of the activities they attended, and per unit and
-- activity (a person attends an activity once, so these counts are
-- distinct people).
CREATE TABLE report_attend_topic (
  year BIGINT NOT NULL, topic TEXT NOT NULL, audience TEXT NOT NULL,
  user_id BIGINT NOT NULL, unit_id BIGINT NOT NULL, activities BIGINT NOT NULL,
  PRIMARY KEY (year, topic, audience, user_id, unit_id));
CREATE TABLE report_unit_activity (
  year BIGINT NOT NULL, audience TEXT NOT NULL, unit_id BIGINT NOT NULL,
  activity_id BIGINT NOT NULL, attended BIGINT NOT NULL,
  PRIMARY KEY (year, audience, unit_id, activity_id));

-- One source row (a quiz participant's report_person row, or an
-- attendee's report_attend_person row) added to (n = 1) or taken from
-- (n = -1) the union.
CREATE FUNCTION report_reached_add(y BIGINT, aud TEXT, ukey BIGINT, unit BIGINT, n BIGINT)
  RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF n > 0 THEN
    INSERT INTO report_reached_person AS r (year, audience, user_key, unit_id, sources)
    VALUES (y, aud, ukey, unit, 1) ON CONFLICT (year, audience, user_key, unit_id)
    DO UPDATE SET sources = r.sources + 1;
  ELSE
    UPDATE report_reached_person SET sources = sources - 1 WHERE year = y
      AND audience = aud AND user_key = ukey AND unit_id = unit;
    DELETE FROM report_reached_person WHERE year = y AND audience = aud
      AND user_key = ukey AND unit_id = unit AND sources <= 0;
  END IF;
END $$;

CREATE FUNCTION reached_quiz_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM report_reached_add(NEW.year, NEW.audience, NEW.user_key, NEW.unit_id, 1);
  ELSE
    PERFORM report_reached_add(OLD.year, OLD.audience, OLD.user_key, OLD.unit_id, -1);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER reached_quiz_insert AFTER INSERT ON report_person
  FOR EACH ROW EXECUTE FUNCTION reached_quiz_change();
CREATE TRIGGER reached_quiz_delete AFTER DELETE ON report_person
  FOR EACH ROW EXECUTE FUNCTION reached_quiz_change();

CREATE FUNCTION reached_attend_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM report_reached_add(NEW.year, NEW.audience, NEW.user_id, NEW.unit_id, 1);
  ELSE
    PERFORM report_reached_add(OLD.year, OLD.audience, OLD.user_id, OLD.unit_id, -1);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER reached_attend_insert AFTER INSERT ON report_attend_person
  FOR EACH ROW EXECUTE FUNCTION reached_attend_change();
CREATE TRIGGER reached_attend_delete AFTER DELETE ON report_attend_person
  FOR EACH ROW EXECUTE FUNCTION reached_attend_change();

CREATE FUNCTION reached_person_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_reached_unit AS r (year, unit_id, audience, reached)
  VALUES (NEW.year, NEW.unit_id, NEW.audience, 1)
  ON CONFLICT (year, unit_id, audience) DO UPDATE SET reached = r.reached + 1;
  INSERT INTO report_reached_multi (year, audience, user_key)
  SELECT NEW.year, NEW.audience, NEW.user_key WHERE EXISTS (SELECT 1
    FROM report_reached_person WHERE year = NEW.year AND audience = NEW.audience
    AND user_key = NEW.user_key AND unit_id <> NEW.unit_id)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER reached_person_insert AFTER INSERT ON report_reached_person
  FOR EACH ROW EXECUTE FUNCTION reached_person_insert();

CREATE FUNCTION reached_person_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE report_reached_unit SET reached = reached - 1 WHERE year = OLD.year
    AND unit_id = OLD.unit_id AND audience = OLD.audience;
  DELETE FROM report_reached_multi WHERE year = OLD.year AND audience = OLD.audience
    AND user_key = OLD.user_key AND (SELECT count(*) FROM report_reached_person
    WHERE year = OLD.year AND audience = OLD.audience AND user_key = OLD.user_key) < 2;
  RETURN NULL;
END $$;
CREATE TRIGGER reached_person_delete AFTER DELETE ON report_reached_person
  FOR EACH ROW EXECUTE FUNCTION reached_person_delete();

-- An attendance's rows per topic of its activity, and per unit and
-- activity. A topic named twice in the array counts twice, as SQLite's
-- row-by-row upsert does.
CREATE FUNCTION attend_detail_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_attend_topic AS r (year, topic, audience, user_id, unit_id, activities)
  SELECT NEW.year, j #>> '{}', NEW.audience, NEW.user_id, NEW.unit_id, count(*)
    FROM activities a, json_array_elements(a.topics::json) j
    WHERE a.id = NEW.activity_id AND json_typeof(j) = 'string' GROUP BY j #>> '{}'
  ON CONFLICT (year, topic, audience, user_id, unit_id) DO UPDATE SET
    activities = r.activities + excluded.activities;
  INSERT INTO report_unit_activity AS r (year, audience, unit_id, activity_id, attended)
  VALUES (NEW.year, NEW.audience, NEW.unit_id, NEW.activity_id, 1)
  ON CONFLICT (year, audience, unit_id, activity_id) DO UPDATE SET
    attended = r.attended + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER attend_detail_insert AFTER INSERT ON attendances
  FOR EACH ROW EXECUTE FUNCTION attend_detail_insert();

CREATE FUNCTION attend_detail_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE report_attend_topic SET activities = activities - 1 WHERE year = OLD.year
    AND audience = OLD.audience AND user_id = OLD.user_id AND unit_id = OLD.unit_id
    AND topic IN (SELECT json_array_elements_text(a.topics::json) FROM activities a
      WHERE a.id = OLD.activity_id);
  DELETE FROM report_attend_topic WHERE year = OLD.year AND audience = OLD.audience
    AND user_id = OLD.user_id AND unit_id = OLD.unit_id AND activities <= 0;
  UPDATE report_unit_activity SET attended = attended - 1 WHERE year = OLD.year
    AND audience = OLD.audience AND unit_id = OLD.unit_id AND activity_id = OLD.activity_id;
  RETURN NULL;
END $$;
CREATE TRIGGER attend_detail_delete AFTER DELETE ON attendances
  FOR EACH ROW EXECUTE FUNCTION attend_detail_delete();

-- An activity's topics edited after people attended: their topic rows
-- follow.
CREATE FUNCTION attend_topics_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE report_attend_topic SET activities = activities - 1
  WHERE (year, topic, audience, user_id, unit_id) IN (SELECT t.year, j.value,
    t.audience, t.user_id, t.unit_id FROM attendances t,
    json_array_elements_text(OLD.topics::json) AS j(value) WHERE t.activity_id = OLD.id);
  DELETE FROM report_attend_topic WHERE activities <= 0
  AND (year, topic, audience, user_id, unit_id) IN (SELECT t.year, j.value,
    t.audience, t.user_id, t.unit_id FROM attendances t,
    json_array_elements_text(OLD.topics::json) AS j(value) WHERE t.activity_id = OLD.id);
  INSERT INTO report_attend_topic AS r (year, topic, audience, user_id, unit_id, activities)
  SELECT t.year, j #>> '{}', t.audience, t.user_id, t.unit_id, count(*)
    FROM attendances t, json_array_elements(NEW.topics::json) j
    WHERE t.activity_id = NEW.id AND json_typeof(j) = 'string' GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (year, topic, audience, user_id, unit_id)
  DO UPDATE SET activities = r.activities + excluded.activities;
  RETURN NULL;
END $$;
CREATE TRIGGER attend_topics_update AFTER UPDATE OF topics ON activities
  FOR EACH ROW WHEN (OLD.topics IS DISTINCT FROM NEW.topics)
  EXECUTE FUNCTION attend_topics_update();

-- A live game: the activity it was, and its logged-in players as the
-- attendees, written when it ends (live_games.state becomes 'ended'). The
-- activity belongs to the host's unit (a host without one: the first root
-- unit), covers the game's time and the topics of its questions (a JSON
-- array in byte order, written as SQLite's json_group_array writes it).
ALTER TABLE activities ADD COLUMN live_game_id BIGINT REFERENCES live_games(id);
CREATE UNIQUE INDEX activities_live_game ON activities(live_game_id)
  WHERE live_game_id IS NOT NULL;

CREATE FUNCTION live_game_activity(g live_games) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  unit BIGINT;
BEGIN
  unit := COALESCE((SELECT unit_id FROM users WHERE id = g.host_user_id),
    (SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1));
  IF unit IS NULL OR NOT EXISTS (SELECT 1 FROM live_players WHERE game_id = g.id
      AND user_id IS NOT NULL) THEN
    RETURN;
  END IF;
  INSERT INTO activities (code, title, kind, unit_id, audiences, topics, starts_at,
    ends_at, check_in_open, certificate, created_at, updated_at, live_game_id)
  SELECT 'live-game-' || g.id, 'Trò chơi trực tiếp (PIN ' || g.pin || ')',
    'live_game', unit, '[]',
    COALESCE((SELECT '[' || string_agg(to_json(d.topic)::text, ',' ORDER BY d.topic COLLATE "C")
      || ']' FROM (SELECT DISTINCT qt.topic FROM question_topics qt
      WHERE qt.question_id IN (SELECT x::bigint FROM unnest(string_to_array(g.question_ids, ',')) x))
      d), '[]'),
    g.created_at, GREATEST(g.ended_at, g.created_at + 1), 0, 0, g.ended_at, g.ended_at, g.id
  ON CONFLICT DO NOTHING;
  INSERT INTO attendances (activity_id, user_id, year, unit_id, audience, how, at)
  SELECT a.id, s.id,
    EXTRACT(YEAR FROM to_timestamp((a.starts_at + 25200000) / 1000) AT TIME ZONE 'UTC')::bigint,
    COALESCE(s.unit_id, 0), COALESCE(s.audience, ''), 'live_game', a.created_at
  FROM activities a JOIN live_players p ON p.game_id = a.live_game_id
  JOIN users s ON s.id = p.user_id WHERE a.live_game_id = g.id
  ON CONFLICT DO NOTHING;
END $$;

CREATE FUNCTION live_game_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM live_game_activity(NEW);
  RETURN NULL;
END $$;
CREATE TRIGGER live_game_attendance AFTER UPDATE OF state ON live_games
  FOR EACH ROW WHEN (NEW.state = 'ended' AND OLD.state <> 'ended')
  EXECUTE FUNCTION live_game_attendance();

-- What the database already holds when this migration runs.
INSERT INTO report_reached_person (year, audience, user_key, unit_id, sources)
  SELECT year, audience, user_key, unit_id, count(*) FROM (SELECT year, audience,
  user_key, unit_id FROM report_person UNION ALL SELECT year, audience, user_id,
  unit_id FROM report_attend_person) s GROUP BY 1, 2, 3, 4;
INSERT INTO report_attend_topic (year, topic, audience, user_id, unit_id, activities)
  SELECT t.year, j #>> '{}', t.audience, t.user_id, t.unit_id, count(*)
  FROM attendances t JOIN activities a ON a.id = t.activity_id,
  json_array_elements(a.topics::json) j
  WHERE json_typeof(j) = 'string' GROUP BY 1, 2, 3, 4, 5;
INSERT INTO report_unit_activity (year, audience, unit_id, activity_id, attended)
  SELECT year, audience, unit_id, activity_id, count(*) FROM attendances
  GROUP BY 1, 2, 3, 4;
SELECT live_game_activity(g) FROM live_games g WHERE g.state = 'ended' ORDER BY g.id;
