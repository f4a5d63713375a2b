-- Migration 20 (PostgreSQL): settings, the names of the reporting bodies
-- (engine/db_settings.c, db_sql_settings).
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL);
