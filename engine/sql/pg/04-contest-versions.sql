-- Migration 4 (PostgreSQL): contest leaderboard versions, as
-- db_sql_contests in engine/db_contest.c. quiz_id is a quiz's id, never
-- drawn from a sequence: a plain BIGINT key.
CREATE TABLE contest_versions (
  quiz_id BIGINT PRIMARY KEY,
  change_count BIGINT NOT NULL);
CREATE FUNCTION contest_version_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO contest_versions AS v (quiz_id, change_count) VALUES (NEW.quiz_id, 1)
  ON CONFLICT (quiz_id) DO UPDATE SET change_count = v.change_count + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER contest_version_insert AFTER INSERT ON attempts FOR EACH ROW
  WHEN (NEW.state <> 'in_progress')
  EXECUTE FUNCTION contest_version_insert();
CREATE FUNCTION contest_version_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO contest_versions AS v (quiz_id, change_count) VALUES (OLD.quiz_id, 1)
  ON CONFLICT (quiz_id) DO UPDATE SET change_count = v.change_count + 1;
  INSERT INTO contest_versions AS v (quiz_id, change_count)
  SELECT NEW.quiz_id, 1 WHERE NEW.quiz_id <> OLD.quiz_id
  ON CONFLICT (quiz_id) DO UPDATE SET change_count = v.change_count + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER contest_version_update AFTER UPDATE ON attempts FOR EACH ROW
  WHEN (NEW.state <> 'in_progress' OR OLD.state <> 'in_progress')
  EXECUTE FUNCTION contest_version_update();
CREATE FUNCTION contest_version_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO contest_versions AS v (quiz_id, change_count) VALUES (OLD.quiz_id, 1)
  ON CONFLICT (quiz_id) DO UPDATE SET change_count = v.change_count + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER contest_version_delete AFTER DELETE ON attempts FOR EACH ROW
  WHEN (OLD.state <> 'in_progress')
  EXECUTE FUNCTION contest_version_delete();
