-- Migration 21 (PostgreSQL): each activity's topics as rows, kept by
-- triggers on activities (engine/db_reach.c, db_sql_activity_topics).
-- SQLite's json_each(topics) WHERE type = 'text' is the array's string
-- elements: json_array_elements over the array, json_typeof 'string'.
CREATE TABLE activity_topics (
  topic TEXT NOT NULL, activity_id BIGINT NOT NULL,
  PRIMARY KEY (topic, activity_id));

CREATE FUNCTION activity_topics_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM activity_topics WHERE activity_id = OLD.id;
  END IF;
  INSERT INTO activity_topics (topic, activity_id)
    SELECT j #>> '{}', NEW.id FROM json_array_elements(NEW.topics::json) j
    WHERE json_typeof(j) = 'string'
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER activity_topics_insert AFTER INSERT ON activities
  FOR EACH ROW EXECUTE FUNCTION activity_topics_insert();
CREATE TRIGGER activity_topics_update AFTER UPDATE OF topics ON activities
  FOR EACH ROW WHEN (OLD.topics IS DISTINCT FROM NEW.topics)
  EXECUTE FUNCTION activity_topics_insert();

CREATE FUNCTION activity_topics_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM activity_topics WHERE activity_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER activity_topics_delete AFTER DELETE ON activities
  FOR EACH ROW EXECUTE FUNCTION activity_topics_delete();

INSERT INTO activity_topics (topic, activity_id)
  SELECT j #>> '{}', a.id FROM activities a, json_array_elements(a.topics::json) j
  WHERE json_typeof(j) = 'string'
  ON CONFLICT DO NOTHING;
