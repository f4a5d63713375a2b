-- Migration 25 (PostgreSQL): an attempt's drawn questions kept as one row,
-- arrays by position, in attempt_draws; attempt_questions becomes a view
-- of it with the same columns and rows (position from 0), so every query
-- reads it as before. A start wrote 25 or so rows with as many index
-- entries; it now writes one (two thirds of a start's time on PostgreSQL
-- went to those rows). SQLite keeps its table.
--
-- The rules stay those of migration 24 and of SQLite's foreign keys: a
-- draw names an existing attempt (a foreign key here) and existing
-- questions (checked once per statement); a question a draw names cannot
-- be deleted nor its id changed.
CREATE TABLE attempt_draws (
  attempt_id BIGINT PRIMARY KEY REFERENCES attempts(id),
  question_ids BIGINT[] NOT NULL,
  option_orders TEXT[] NOT NULL,
  CHECK (cardinality(question_ids) = cardinality(option_orders)));
INSERT INTO attempt_draws (attempt_id, question_ids, option_orders)
  SELECT attempt_id, array_agg(question_id ORDER BY position),
         array_agg(option_order ORDER BY position)
  FROM attempt_questions GROUP BY attempt_id;

DROP TABLE attempt_questions;
DROP TRIGGER attempt_questions_attempt_delete ON attempts;
DROP TRIGGER attempt_questions_attempt_id ON attempts;
DROP FUNCTION attempt_questions_attempt_gone();
DROP FUNCTION attempt_questions_refs();

-- A deleted position is kept as NULL until the whole draw is gone, so the
-- positions after it keep their numbers; the view leaves it out.
CREATE VIEW attempt_questions AS
  SELECT d.attempt_id, u.ord - 1 AS position, u.question_id, u.option_order
  FROM attempt_draws d
  CROSS JOIN LATERAL unnest(d.question_ids, d.option_orders) WITH ORDINALITY
    AS u(question_id, option_order, ord)
  WHERE u.question_id IS NOT NULL;

CREATE FUNCTION attempt_draws_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT unnest(question_ids) AS id FROM new_rows) n
             WHERE n.id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM questions q WHERE q.id = n.id)) THEN
    RAISE EXCEPTION 'FOREIGN KEY constraint failed'
      USING ERRCODE = 'foreign_key_violation',
            DETAIL = 'a draw names a question that does not exist';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER attempt_draws_refs_insert AFTER INSERT ON attempt_draws
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attempt_draws_refs();
CREATE TRIGGER attempt_draws_refs_update AFTER UPDATE ON attempt_draws
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attempt_draws_refs();

CREATE OR REPLACE FUNCTION attempt_questions_question_gone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM attempt_draws d
             WHERE d.question_ids && ARRAY(SELECT o.id FROM old_rows o)) THEN
    RAISE EXCEPTION 'FOREIGN KEY constraint failed'
      USING ERRCODE = 'foreign_key_violation',
            DETAIL = 'a question drawn in an attempt cannot be deleted';
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION attempt_questions_id_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id <> OLD.id
     AND EXISTS (SELECT 1 FROM attempt_draws d WHERE OLD.id = ANY (d.question_ids)) THEN
    RAISE EXCEPTION 'FOREIGN KEY constraint failed'
      USING ERRCODE = 'foreign_key_violation',
            DETAIL = 'the id is named by drawn questions';
  END IF;
  RETURN NEW;
END $$;

-- Rows written to the view, as to SQLite's table: a draw goes in position
-- by position from 0 (the engine writes whole draws to attempt_draws).
CREATE FUNCTION attempt_questions_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  have BIGINT;
BEGIN
  IF NEW.attempt_id IS NULL OR NEW.position IS NULL OR NEW.question_id IS NULL
     OR NEW.option_order IS NULL THEN
    RAISE EXCEPTION 'NOT NULL constraint failed: attempt_questions'
      USING ERRCODE = 'not_null_violation';
  END IF;
  SELECT cardinality(question_ids) INTO have FROM attempt_draws
    WHERE attempt_id = NEW.attempt_id FOR UPDATE;
  IF NEW.position < COALESCE(have, 0) THEN
    RAISE EXCEPTION 'UNIQUE constraint failed: attempt_questions.attempt_id, attempt_questions.position'
      USING ERRCODE = 'unique_violation';
  ELSIF NEW.position > COALESCE(have, 0) THEN
    RAISE EXCEPTION 'attempt_questions: position % of attempt % comes before position %',
      NEW.position, NEW.attempt_id, COALESCE(have, 0)
      USING ERRCODE = 'check_violation';
  ELSIF have IS NULL THEN
    INSERT INTO attempt_draws (attempt_id, question_ids, option_orders)
      VALUES (NEW.attempt_id, ARRAY[NEW.question_id], ARRAY[NEW.option_order]);
  ELSE
    UPDATE attempt_draws SET question_ids = question_ids || NEW.question_id,
                             option_orders = option_orders || NEW.option_order
      WHERE attempt_id = NEW.attempt_id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER attempt_questions_insert INSTEAD OF INSERT ON attempt_questions
  FOR EACH ROW EXECUTE FUNCTION attempt_questions_insert();

CREATE FUNCTION attempt_questions_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE attempt_draws SET question_ids[OLD.position + 1] = NULL,
                           option_orders[OLD.position + 1] = NULL
    WHERE attempt_id = OLD.attempt_id;
  DELETE FROM attempt_draws d WHERE d.attempt_id = OLD.attempt_id
    AND NOT EXISTS (SELECT 1 FROM unnest(d.question_ids) x WHERE x IS NOT NULL);
  RETURN OLD;
END $$;
CREATE TRIGGER attempt_questions_delete INSTEAD OF DELETE ON attempt_questions
  FOR EACH ROW EXECUTE FUNCTION attempt_questions_delete();

-- quizadm migrate (engine/db_copy.c) copies SQLite's attempt_questions
-- into a temporary table of that name, then calls this once.
CREATE FUNCTION attempt_questions_load() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO attempt_draws (attempt_id, question_ids, option_orders)
    SELECT attempt_id, array_agg(question_id ORDER BY position),
           array_agg(option_order ORDER BY position)
    FROM pg_temp.attempt_questions GROUP BY attempt_id;
END $$;
