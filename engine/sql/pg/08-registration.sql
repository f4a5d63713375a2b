-- Migration 8 (PostgreSQL): self-registration windows and marks, as
-- db_sql_registration in engine/db_registration.c. quiz_id is a quiz's
-- id, never drawn from a sequence: a plain BIGINT key.
CREATE TABLE registration_windows (
  quiz_id BIGINT PRIMARY KEY REFERENCES quizzes(id) ON DELETE CASCADE,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  audiences TEXT NOT NULL,
  opens_at BIGINT, closes_at BIGINT,
  opened_by BIGINT, opened_at BIGINT NOT NULL);
ALTER TABLE users ADD COLUMN self_registered BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN registered_for BIGINT REFERENCES quizzes(id);
ALTER TABLE users ADD COLUMN confirmed_at BIGINT;
CREATE UNIQUE INDEX users_phone_per_contest ON users(registered_for, phone)
  WHERE registered_for IS NOT NULL AND phone IS NOT NULL;
CREATE INDEX users_unconfirmed ON users(unit_id)
  WHERE self_registered = 1 AND confirmed_at IS NULL;
