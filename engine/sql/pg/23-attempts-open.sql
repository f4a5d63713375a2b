-- Migration 23 (PostgreSQL): the attempts in progress by person and quiz
-- (engine/db_attempt.c, db_sql_attempts_open), so a start's lookup reads
-- the entries of one person and quiz whatever the table's statistics say
-- (before, a table filled faster than autovacuum analyses it could be read
-- through attempts_open: every attempt in progress, for each start).
CREATE INDEX attempts_in_progress ON attempts(user_id, quiz_id)
  WHERE state = 'in_progress';

-- The weekly participation trigger on a new attempt fires only for one
-- that can count, as SQLite's (WHEN COUNTED(NEW), engine/db_report.c):
-- a start (in progress) no longer calls report_week_attempt_change. The
-- function still checks the rest (a subquery cannot stand in WHEN).
DROP TRIGGER report_week_attempt_insert ON attempts;
CREATE TRIGGER report_week_attempt_insert AFTER INSERT ON attempts
  FOR EACH ROW WHEN (NEW.practice = 0 AND NEW.state IN ('submitted', 'expired')
    AND NEW.finished_at IS NOT NULL)
  EXECUTE FUNCTION report_week_attempt_change();
