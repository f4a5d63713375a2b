-- Migration 9 (PostgreSQL): people who registered themselves count in a
-- unit's figures only once confirmed, as db_sql_reports_confirmed in
-- engine/db_report.c. The attempt triggers count an attempt under COUNTED
-- (official, and its person not an unconfirmed self-registration); a
-- trigger's WHEN cannot hold a subquery on PostgreSQL, so theirs keep
-- OFFICIAL and report_attempt_counted adds the rest. The roster triggers
-- are made again under ROSTERED_CONFIRMED, and confirming a person adds
-- their completed official attempts at once (report_user_confirmed).
DROP TRIGGER report_attempt_insert ON attempts;
DROP TRIGGER report_attempt_update ON attempts;
DROP TRIGGER report_attempt_delete ON attempts;
DROP TRIGGER report_roster_insert ON users;
DROP TRIGGER report_roster_update ON users;
DROP TRIGGER report_roster_delete ON users;
CREATE OR REPLACE FUNCTION report_attempt_counted(a attempts) RETURNS boolean
  LANGUAGE sql STABLE AS $$
  SELECT ((a.practice = 0 AND (a.state IN ('submitted','expired') AND a.finished_at IS NOT NULL))
  AND NOT EXISTS (SELECT 1 FROM users cu WHERE cu.id = a.user_id AND cu.self_registered = 1
  AND cu.confirmed_at IS NULL))
$$;
CREATE TRIGGER report_attempt_insert AFTER INSERT ON attempts FOR EACH ROW
  WHEN (NEW.practice = 0 AND (NEW.state IN ('submitted','expired')
  AND NEW.finished_at IS NOT NULL))
  EXECUTE FUNCTION report_attempt_insert();
CREATE TRIGGER report_attempt_update AFTER UPDATE OF state, finished_at, passed, user_id,
  unit_id, audience, quiz_id, practice ON attempts FOR EACH ROW
  WHEN ((OLD.practice = 0 AND (OLD.state IN ('submitted','expired')
  AND OLD.finished_at IS NOT NULL)) OR (NEW.practice = 0
  AND (NEW.state IN ('submitted','expired') AND NEW.finished_at IS NOT NULL)))
  EXECUTE FUNCTION report_attempt_update();
CREATE TRIGGER report_attempt_delete BEFORE DELETE ON attempts FOR EACH ROW
  WHEN (OLD.practice = 0 AND (OLD.state IN ('submitted','expired')
  AND OLD.finished_at IS NOT NULL))
  EXECUTE FUNCTION report_attempt_delete();
CREATE TRIGGER report_roster_insert AFTER INSERT ON users FOR EACH ROW
  WHEN (NEW.role = 'participant' AND NEW.erased_at IS NULL AND NEW.unit_id IS NOT NULL
  AND NEW.audience IS NOT NULL AND NOT (NEW.self_registered = 1 AND NEW.confirmed_at IS NULL))
  EXECUTE FUNCTION report_roster_insert();
CREATE OR REPLACE FUNCTION report_roster_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE report_roster SET count = count - 1 WHERE (OLD.role = 'participant'
  AND OLD.erased_at IS NULL AND OLD.unit_id IS NOT NULL AND OLD.audience IS NOT NULL
  AND NOT (OLD.self_registered = 1 AND OLD.confirmed_at IS NULL))
  AND unit_id = OLD.unit_id AND audience = OLD.audience;
  INSERT INTO report_roster AS r (unit_id, audience, count) SELECT NEW.unit_id, NEW.audience, 1
  WHERE (NEW.role = 'participant' AND NEW.erased_at IS NULL AND NEW.unit_id IS NOT NULL
  AND NEW.audience IS NOT NULL AND NOT (NEW.self_registered = 1 AND NEW.confirmed_at IS NULL))
  ON CONFLICT (unit_id, audience) DO UPDATE SET count = r.count + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER report_roster_update AFTER UPDATE OF role, unit_id, audience, erased_at,
  self_registered, confirmed_at ON users FOR EACH ROW
  WHEN ((OLD.role = 'participant' AND OLD.erased_at IS NULL AND OLD.unit_id IS NOT NULL
  AND OLD.audience IS NOT NULL AND NOT (OLD.self_registered = 1 AND OLD.confirmed_at IS NULL))
  OR (NEW.role = 'participant' AND NEW.erased_at IS NULL AND NEW.unit_id IS NOT NULL
  AND NEW.audience IS NOT NULL AND NOT (NEW.self_registered = 1 AND NEW.confirmed_at IS NULL)))
  EXECUTE FUNCTION report_roster_update();
CREATE TRIGGER report_roster_delete AFTER DELETE ON users FOR EACH ROW
  WHEN (OLD.role = 'participant' AND OLD.erased_at IS NULL AND OLD.unit_id IS NOT NULL
  AND OLD.audience IS NOT NULL AND NOT (OLD.self_registered = 1 AND OLD.confirmed_at IS NULL))
  EXECUTE FUNCTION report_roster_delete();
-- The person's completed attempts, all at once, as migration 3 filled the
-- tables from existing attempts.
CREATE FUNCTION report_user_confirmed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_person AS r (year, audience, user_key, unit_id, attempts, passed_attempts)
  SELECT vn_year(a.finished_at), COALESCE(a.audience, ''), COALESCE(a.user_id, -a.id),
  COALESCE(a.unit_id, 0), count(*), sum((COALESCE(a.passed, 0) <> 0)::int) FROM attempts a
  WHERE a.user_id = NEW.id AND (a.practice = 0 AND (a.state IN ('submitted','expired')
  AND a.finished_at IS NOT NULL)) GROUP BY 1, 2, 3, 4
  ON CONFLICT (year, audience, user_key, unit_id) DO UPDATE SET
  attempts = r.attempts + excluded.attempts,
  passed_attempts = r.passed_attempts + excluded.passed_attempts;
  INSERT INTO report_reach AS r (year, audience, user_key, unit_id, quiz_id, attempts,
  passed_attempts) SELECT vn_year(a.finished_at), COALESCE(a.audience, ''),
  COALESCE(a.user_id, -a.id), COALESCE(a.unit_id, 0), a.quiz_id, count(*),
  sum((COALESCE(a.passed, 0) <> 0)::int) FROM attempts a
  WHERE a.user_id = NEW.id AND (a.practice = 0 AND (a.state IN ('submitted','expired')
  AND a.finished_at IS NOT NULL)) GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (year, audience, user_key, unit_id, quiz_id) DO UPDATE SET
  attempts = r.attempts + excluded.attempts,
  passed_attempts = r.passed_attempts + excluded.passed_attempts;
  INSERT INTO report_reach_topic AS r (year, topic, audience, user_key, unit_id, quiz_id,
  attempts) SELECT vn_year(a.finished_at), qt.topic, COALESCE(a.audience, ''),
  COALESCE(a.user_id, -a.id), COALESCE(a.unit_id, 0), a.quiz_id, count(DISTINCT a.id)
  FROM attempts a JOIN attempt_questions aq ON aq.attempt_id = a.id
  JOIN question_topics qt ON qt.question_id = aq.question_id
  WHERE a.user_id = NEW.id AND (a.practice = 0 AND (a.state IN ('submitted','expired')
  AND a.finished_at IS NOT NULL)) GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (year, topic, audience, user_key, unit_id, quiz_id) DO UPDATE SET
  attempts = r.attempts + excluded.attempts;
  RETURN NULL;
END $$;
CREATE TRIGGER report_user_confirmed AFTER UPDATE OF confirmed_at ON users FOR EACH ROW
  WHEN (NEW.self_registered = 1 AND OLD.confirmed_at IS NULL AND NEW.confirmed_at IS NOT NULL)
  EXECUTE FUNCTION report_user_confirmed();
