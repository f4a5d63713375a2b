-- Migration 7 (PostgreSQL): practice, publication and attempt addresses,
-- as db_sql_practice in engine/db_report.c. Practice attempts never reach
-- the summaries: the three attempt triggers are made again for official
-- attempts only (OFFICIAL), with practice among the update's columns.
ALTER TABLE quizzes ADD COLUMN mode TEXT NOT NULL DEFAULT 'exam'
  CHECK (mode IN ('exam','practice'));
ALTER TABLE quizzes ADD COLUMN published_at BIGINT;
ALTER TABLE attempts ADD COLUMN practice BIGINT NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN client_addr TEXT;
DROP TRIGGER report_attempt_insert ON attempts;
DROP TRIGGER report_attempt_update ON attempts;
DROP TRIGGER report_attempt_delete ON attempts;
CREATE OR REPLACE FUNCTION report_attempt_counted(a attempts) RETURNS boolean
  LANGUAGE sql STABLE AS $$
  SELECT (a.practice = 0 AND (a.state IN ('submitted','expired') AND a.finished_at IS NOT NULL))
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
