-- Migration 10 (PostgreSQL): erased people out of the search index (an
-- empty key), as db_sql_people_search_erased in engine/db_audit.c.
DROP TRIGGER users_search_update ON users;
CREATE OR REPLACE FUNCTION users_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM user_search WHERE rowid = OLD.id;
  INSERT INTO user_search (rowid, key) VALUES (NEW.id, CASE WHEN NEW.erased_at IS NULL
    THEN fold_key(NEW.username || ' ' || NEW.full_name) ELSE '' END);
  RETURN NULL;
END $$;
CREATE TRIGGER users_search_update AFTER UPDATE OF username, full_name, erased_at ON users
  FOR EACH ROW EXECUTE FUNCTION users_search_update();
DELETE FROM user_search WHERE rowid IN (SELECT id FROM users WHERE erased_at IS NOT NULL);
INSERT INTO user_search (rowid, key) SELECT id, '' FROM users WHERE erased_at IS NOT NULL;
CREATE OR REPLACE FUNCTION user_search_rebuild() RETURNS void LANGUAGE sql AS $$
  DELETE FROM user_search;
  INSERT INTO user_search (rowid, key) SELECT id, CASE WHEN erased_at IS NULL
    THEN fold_key(username || ' ' || full_name) ELSE '' END FROM users;
$$;
