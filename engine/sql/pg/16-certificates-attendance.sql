-- Migration 16 (PostgreSQL): certificates of attendance (engine/db_cert.c,
-- db_sql_certificates_attendance). A certificate names either an attempt
-- or a person's attendance of an activity, never both; each is certified
-- once. The table of migration 3 is made again, as on SQLite.
CREATE TABLE certificates_new (
  code TEXT PRIMARY KEY,
  attempt_id BIGINT UNIQUE REFERENCES attempts(id),
  activity_id BIGINT REFERENCES activities(id),
  user_id BIGINT REFERENCES users(id),
  canonical TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  CHECK ((attempt_id IS NULL) <> (activity_id IS NULL)),
  CHECK (activity_id IS NULL OR user_id IS NOT NULL),
  UNIQUE (activity_id, user_id));
INSERT INTO certificates_new (code, attempt_id, user_id, canonical, issued_at)
  SELECT code, attempt_id, user_id, canonical, issued_at FROM certificates;
DROP TABLE certificates;
ALTER TABLE certificates_new RENAME TO certificates;
ALTER INDEX certificates_new_pkey RENAME TO certificates_pkey;
ALTER INDEX certificates_new_attempt_id_key RENAME TO certificates_attempt_id_key;
ALTER INDEX certificates_new_activity_id_user_id_key RENAME TO certificates_activity_id_user_id_key;
CREATE INDEX certificates_user ON certificates(user_id);
