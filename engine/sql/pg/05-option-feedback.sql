-- Migration 5 (PostgreSQL): per-option feedback, as db_sql_option_feedback
-- in engine/db_bank.c.
ALTER TABLE options ADD COLUMN feedback TEXT;
