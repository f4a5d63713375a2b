-- Migration 23 (PostgreSQL): the attempts in progress by person and quiz
-- (engine/db_attempt.c, db_sql_attempts_open), so a start's lookup reads
-- the entries of one person and quiz whatever the table's statistics say
-- (before, a table filled faster than autovacuum analyses it could be read
-- through attempts_open: every attempt in progress, for each start).
CREATE INDEX attempts_in_progress ON attempts(user_id, quiz_id)
  WHERE state = 'in_progress';
