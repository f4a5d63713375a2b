-- Migration 15 (PostgreSQL): participation per week (engine/db_report.c,
-- db_sql_report_weeks). The week of an instant counts Monday-first weeks
-- of its Asia/Ho_Chi_Minh (UTC+7) year, week 1 holding 1 January (1..54),
-- exactly as SQLite's
--   strftime('%W', s, 'unixepoch') + (strftime('%w', strftime('%Y-01-01', s, 'unixepoch')) <> '1')
-- with s = (ms + 25200000) / 1000 (integer division): %W is
-- (day of year + 7 - ISO day of week) / 7.
CREATE FUNCTION vn_week(ms BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
  SELECT ((EXTRACT(DOY FROM t)::bigint + 7 - EXTRACT(ISODOW FROM t)::bigint) / 7
    + (EXTRACT(ISODOW FROM date_trunc('year', t)) <> 1)::int)
  FROM (SELECT to_timestamp((ms + 25200000) / 1000) AT TIME ZONE 'UTC' AS t) s
$$;

CREATE TABLE report_person_week (
  year BIGINT NOT NULL, audience TEXT NOT NULL, user_key BIGINT NOT NULL,
  unit_id BIGINT NOT NULL, week BIGINT NOT NULL, attempts BIGINT NOT NULL,
  PRIMARY KEY (year, audience, user_key, unit_id, week));
CREATE TABLE report_unit_week (
  year BIGINT NOT NULL, unit_id BIGINT NOT NULL, audience TEXT NOT NULL,
  week BIGINT NOT NULL, participants BIGINT NOT NULL, newcomers BIGINT NOT NULL,
  attempts BIGINT NOT NULL,
  PRIMARY KEY (year, unit_id, audience, week));

-- A new person-week row is a newcomer when it comes before the person's
-- other weeks in the unit, and the week that was first is first no more.
-- SQLite runs a row trigger right after its row; PostgreSQL runs AFTER row
-- triggers at the end of the statement. Every statement below that writes
-- report_person_week writes one row, so each trigger sees the rows as
-- SQLite's would (report_person_week_add).
CREATE FUNCTION report_person_week_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  first_other BIGINT;
BEGIN
  SELECT min(week) INTO first_other FROM report_person_week WHERE year = NEW.year
    AND audience = NEW.audience AND user_key = NEW.user_key AND unit_id = NEW.unit_id
    AND week <> NEW.week;
  INSERT INTO report_unit_week AS r (year, unit_id, audience, week, participants,
    newcomers, attempts)
  VALUES (NEW.year, NEW.unit_id, NEW.audience, NEW.week, 1,
    COALESCE((first_other > NEW.week)::int, 1), NEW.attempts)
  ON CONFLICT (year, unit_id, audience, week) DO UPDATE SET
    participants = r.participants + 1, newcomers = r.newcomers + excluded.newcomers,
    attempts = r.attempts + excluded.attempts;
  UPDATE report_unit_week SET newcomers = newcomers - 1 WHERE year = NEW.year
    AND unit_id = NEW.unit_id AND audience = NEW.audience
    AND week > NEW.week AND week = first_other;
  RETURN NULL;
END $$;
CREATE TRIGGER report_person_week_insert AFTER INSERT ON report_person_week
  FOR EACH ROW EXECUTE FUNCTION report_person_week_insert();

CREATE FUNCTION report_person_week_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE report_unit_week SET attempts = attempts + NEW.attempts - OLD.attempts
    WHERE year = NEW.year AND unit_id = NEW.unit_id AND audience = NEW.audience
    AND week = NEW.week;
  RETURN NULL;
END $$;
CREATE TRIGGER report_person_week_update AFTER UPDATE ON report_person_week
  FOR EACH ROW EXECUTE FUNCTION report_person_week_update();

-- A deleted first week hands the newcomer to the next one.
CREATE FUNCTION report_person_week_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  first_other BIGINT;
BEGIN
  SELECT min(week) INTO first_other FROM report_person_week WHERE year = OLD.year
    AND audience = OLD.audience AND user_key = OLD.user_key AND unit_id = OLD.unit_id
    AND week <> OLD.week;
  UPDATE report_unit_week SET participants = participants - 1,
    attempts = attempts - OLD.attempts,
    newcomers = newcomers - COALESCE((first_other > OLD.week)::int, 1)
    WHERE year = OLD.year AND unit_id = OLD.unit_id AND audience = OLD.audience
    AND week = OLD.week;
  UPDATE report_unit_week SET newcomers = newcomers + 1 WHERE year = OLD.year
    AND unit_id = OLD.unit_id AND audience = OLD.audience
    AND week > OLD.week AND week = first_other;
  RETURN NULL;
END $$;
CREATE TRIGGER report_person_week_delete AFTER DELETE ON report_person_week
  FOR EACH ROW EXECUTE FUNCTION report_person_week_delete();

-- Migration 9's condition: an official completed attempt of a person who
-- is not an unconfirmed self-registered one (report_week_counted).
CREATE FUNCTION report_week_counted(a attempts) RETURNS BOOLEAN LANGUAGE sql STABLE AS $$
  SELECT a.practice = 0 AND a.state IN ('submitted','expired') AND a.finished_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM users cu WHERE cu.id = a.user_id
      AND cu.self_registered = 1 AND cu.confirmed_at IS NULL)
$$;

-- One person-week row's attempts added (n > 0) or taken away (n < 0), the
-- row made or removed as needed; one row per statement.
CREATE FUNCTION report_person_week_add(y BIGINT, aud TEXT, ukey BIGINT, unit BIGINT,
  wk BIGINT, n BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF n > 0 THEN
    INSERT INTO report_person_week AS r (year, audience, user_key, unit_id, week, attempts)
    VALUES (y, aud, ukey, unit, wk, n)
    ON CONFLICT (year, audience, user_key, unit_id, week) DO UPDATE SET
      attempts = r.attempts + excluded.attempts;
  ELSE
    UPDATE report_person_week SET attempts = attempts + n WHERE year = y
      AND audience = aud AND user_key = ukey AND unit_id = unit AND week = wk;
    DELETE FROM report_person_week WHERE year = y AND audience = aud
      AND user_key = ukey AND unit_id = unit AND week = wk AND attempts <= 0;
  END IF;
END $$;

CREATE FUNCTION report_week_attempt_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND report_week_counted(OLD) THEN
    PERFORM report_person_week_add(
      EXTRACT(YEAR FROM to_timestamp((OLD.finished_at + 25200000) / 1000) AT TIME ZONE 'UTC')::bigint,
      COALESCE(OLD.audience, ''), COALESCE(OLD.user_id, -OLD.id), COALESCE(OLD.unit_id, 0),
      vn_week(OLD.finished_at), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND report_week_counted(NEW) THEN
    PERFORM report_person_week_add(
      EXTRACT(YEAR FROM to_timestamp((NEW.finished_at + 25200000) / 1000) AT TIME ZONE 'UTC')::bigint,
      COALESCE(NEW.audience, ''), COALESCE(NEW.user_id, -NEW.id), COALESCE(NEW.unit_id, 0),
      vn_week(NEW.finished_at), 1);
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_week_attempt_insert AFTER INSERT ON attempts
  FOR EACH ROW EXECUTE FUNCTION report_week_attempt_change();
CREATE TRIGGER report_week_attempt_update AFTER UPDATE OF state, finished_at, user_id,
  unit_id, audience, practice ON attempts
  FOR EACH ROW EXECUTE FUNCTION report_week_attempt_change();
CREATE TRIGGER report_week_attempt_delete BEFORE DELETE ON attempts
  FOR EACH ROW EXECUTE FUNCTION report_week_attempt_change();

-- A confirmed person's official completed attempts, all at once, one
-- person-week row per statement.
CREATE FUNCTION report_week_user_confirmed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  w RECORD;
BEGIN
  FOR w IN SELECT EXTRACT(YEAR FROM to_timestamp((a.finished_at + 25200000) / 1000)
      AT TIME ZONE 'UTC')::bigint AS y, COALESCE(a.audience, '') AS aud,
      COALESCE(a.user_id, -a.id) AS ukey, COALESCE(a.unit_id, 0) AS unit,
      vn_week(a.finished_at) AS wk, count(*) AS n
    FROM attempts a WHERE a.user_id = NEW.id AND a.practice = 0
      AND a.state IN ('submitted','expired') AND a.finished_at IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  LOOP
    PERFORM report_person_week_add(w.y, w.aud, w.ukey, w.unit, w.wk, w.n);
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER report_week_user_confirmed AFTER UPDATE OF confirmed_at ON users
  FOR EACH ROW WHEN (NEW.self_registered = 1 AND OLD.confirmed_at IS NULL
    AND NEW.confirmed_at IS NOT NULL)
  EXECUTE FUNCTION report_week_user_confirmed();

-- Attempts already stored, through the triggers above.
DO $$
DECLARE
  w RECORD;
BEGIN
  FOR w IN SELECT EXTRACT(YEAR FROM to_timestamp((a.finished_at + 25200000) / 1000)
      AT TIME ZONE 'UTC')::bigint AS y, COALESCE(a.audience, '') AS aud,
      COALESCE(a.user_id, -a.id) AS ukey, COALESCE(a.unit_id, 0) AS unit,
      vn_week(a.finished_at) AS wk, count(*) AS n
    FROM attempts a WHERE report_week_counted(a)
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  LOOP
    PERFORM report_person_week_add(w.y, w.aud, w.ukey, w.unit, w.wk, w.n);
  END LOOP;
END $$;
