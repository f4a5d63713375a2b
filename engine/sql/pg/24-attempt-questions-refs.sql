-- Migration 24 (PostgreSQL): the references of attempt_questions checked
-- once per statement instead of once per row. A start inserts its 25 or
-- so drawn questions; as foreign keys, each row ran two checks that also
-- lock the referenced question and attempt (FOR KEY SHARE), more than half
-- of a start's time on PostgreSQL. The same rules hold, as on SQLite
-- (where the foreign keys stay, checked in-process):
--   * a row must name an attempt and a question that exist (checked after
--     each INSERT or UPDATE statement, over its rows, SQLSTATE 23503);
--   * an attempt or a question named by a row cannot be deleted, nor its
--     id changed (23503).
-- Without the row locks a foreign key takes, these checks rely on the
-- writers' lock (db_begin_write): no two write transactions interleave, so
-- none deletes a question another has just drawn.
ALTER TABLE attempt_questions DROP CONSTRAINT attempt_questions_attempt_id_fkey;
ALTER TABLE attempt_questions DROP CONSTRAINT attempt_questions_question_id_fkey;

CREATE FUNCTION attempt_questions_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT attempt_id FROM new_rows) n
             WHERE NOT EXISTS (SELECT 1 FROM attempts a WHERE a.id = n.attempt_id))
     OR EXISTS (SELECT 1 FROM (SELECT DISTINCT question_id FROM new_rows) n
                WHERE NOT EXISTS (SELECT 1 FROM questions q WHERE q.id = n.question_id)) THEN
    RAISE EXCEPTION 'FOREIGN KEY constraint failed'
      USING ERRCODE = 'foreign_key_violation',
            DETAIL = 'attempt_questions names an attempt or a question that does not exist';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER attempt_questions_refs_insert AFTER INSERT ON attempt_questions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION attempt_questions_refs();
CREATE TRIGGER attempt_questions_refs_update AFTER UPDATE ON attempt_questions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION attempt_questions_refs();

-- The parents' side: a deleted attempt or question still named by a row,
-- checked once per DELETE statement over its rows.
CREATE FUNCTION attempt_questions_attempt_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM old_rows o JOIN attempt_questions aq ON aq.attempt_id = o.id) THEN
    RAISE EXCEPTION 'FOREIGN KEY constraint failed'
      USING ERRCODE = 'foreign_key_violation',
            DETAIL = 'an attempt with drawn questions cannot be deleted before them';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER attempt_questions_attempt_delete AFTER DELETE ON attempts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION attempt_questions_attempt_gone();

CREATE FUNCTION attempt_questions_question_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM old_rows o
             WHERE EXISTS (SELECT 1 FROM attempt_questions aq WHERE aq.question_id = o.id)) THEN
    RAISE EXCEPTION 'FOREIGN KEY constraint failed'
      USING ERRCODE = 'foreign_key_violation',
            DETAIL = 'a question drawn in an attempt cannot be deleted';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER attempt_questions_question_delete AFTER DELETE ON questions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION attempt_questions_question_gone();

-- An id is never changed by the engine; were one changed, the rows naming
-- it would be left behind, so a change of a named id is refused.
CREATE FUNCTION attempt_questions_id_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id <> OLD.id AND EXISTS (SELECT 1 FROM attempt_questions aq
      WHERE (TG_TABLE_NAME = 'attempts' AND aq.attempt_id = OLD.id)
         OR (TG_TABLE_NAME = 'questions' AND aq.question_id = OLD.id)) THEN
    RAISE EXCEPTION 'FOREIGN KEY constraint failed'
      USING ERRCODE = 'foreign_key_violation',
            DETAIL = 'the id is named by drawn questions';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER attempt_questions_attempt_id BEFORE UPDATE OF id ON attempts
  FOR EACH ROW EXECUTE FUNCTION attempt_questions_id_change();
CREATE TRIGGER attempt_questions_question_id BEFORE UPDATE OF id ON questions
  FOR EACH ROW EXECUTE FUNCTION attempt_questions_id_change();
