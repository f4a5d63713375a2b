-- Migration 11 (PostgreSQL): quiz revisions, as db_sql_quiz_revision in
-- engine/db_quiz.c.
ALTER TABLE quizzes ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
