#!/usr/bin/env python3
"""The trigger-kept summaries of PostgreSQL's migrations hold what SQLite's
hold for the same rows, and PostgreSQL's Vietnamese year and week of an
instant are SQLite's.

usage: compare_triggers.py --quizadm build/quizadm [--pg-dir engine/sql/pg]
PostgreSQL: the base URL in QUIZ_TEST_PG (as the unit and HTTP suites take
it); without it the script prints a skip and exits 0. The migrations are
applied, in file order, to a schema of their own (search_path), dropped at
the end. SQLite: a database quizadm migrated. Both then run the same
statements (tests below), and every table both hold is compared row by row.
Exit status 1 and the differences on any mismatch.
"""
import argparse
import datetime
import os
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata

SEP = "\x1f"
NULL = "\x1eNULL"

# The Asia/Ho_Chi_Minh year and week of migration 15 (db_report.c VN_YEAR,
# VN_WEEK) and the PostgreSQL forms the migrations use.
SQLITE_YEAR = "CAST(strftime('%Y', (({ms}) + 25200000) / 1000, 'unixepoch') AS INTEGER)"
SQLITE_WEEK = ("(CAST(strftime('%W', (({ms}) + 25200000) / 1000, 'unixepoch') AS INTEGER)"
               " + (strftime('%w', strftime('%Y-01-01', (({ms}) + 25200000) / 1000, 'unixepoch'))"
               " <> '1'))")
PG_YEAR = "EXTRACT(YEAR FROM to_timestamp(({ms} + 25200000) / 1000) AT TIME ZONE 'UTC')::bigint"
PG_WEEK = "vn_week({ms})"


def ms(y, mo, d, h=0, mi=0, s=0, milli=0):
    """A UTC instant in ms."""
    t = datetime.datetime(y, mo, d, h, mi, s, tzinfo=datetime.timezone.utc)
    return int(t.timestamp()) * 1000 + milli


def vn(y, mo, d, h=12):
    """Noon (or h o'clock) of a day in Viet Nam (UTC+7), in ms."""
    return ms(y, mo, d, h) - 7 * 3600 * 1000


class Pg:
    def __init__(self, url, schema):
        self.url, self.schema = url, schema

    def run(self, sql, query=False):
        args = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url]
        if query:
            args += ["-A", "-t", "-F", SEP, "-P", "null=" + NULL]
        text = "SET client_min_messages = warning;\n"
        if self.schema:
            text += "SET search_path TO %s;\n" % self.schema
        p = subprocess.run(args, input=text + sql, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("psql: %s" % p.stderr.strip())
        return p.stdout

    def rows(self, sql):
        out = self.run(sql + ";\n", query=True)
        return [tuple(None if v == NULL else v for v in line.split(SEP))
                for line in out.split("\n") if line != ""]


def norm(v):
    """One form for a value of either engine: numbers as numbers."""
    if v is None:
        return None
    if isinstance(v, bytes):
        return v.decode("latin-1")
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(v)
    except ValueError:
        return v


def sqlite_fold_key(text):
    """Stands in for quizd's fold_key (the people search index, which this
    script does not compare)."""
    if text is None:
        return None
    t = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in t if not unicodedata.combining(c)).replace("đ", "d")


def check_dates(lite, pg, failures):
    """Year and week of instants around every new year from 2015 to 2032,
    each day of 2023 and 2024, and each VN midnight's last and first ms."""
    xs = set()
    for y in range(2015, 2033):
        for d in range(-10, 11):
            day = datetime.date(y, 1, 1) + datetime.timedelta(days=d)
            base = vn(day.year, day.month, day.day, 0)
            xs.update((base - 1, base, base + 12 * 3600 * 1000, base + 86400000 - 1))
    day = datetime.date(2023, 1, 1)
    while day.year < 2025:
        xs.add(vn(day.year, day.month, day.day))
        day += datetime.timedelta(days=1)
    xs = sorted(xs)
    lite_rows = {}
    for x in xs:
        y, w = lite.execute("SELECT %s, %s" % (SQLITE_YEAR.format(ms="?1"),
                                              SQLITE_WEEK.format(ms="?1")), (x,)).fetchone()
        lite_rows[x] = (y, w)
    values = ",".join("(%d::bigint)" % x for x in xs)
    pg_rows = pg.rows("SELECT x, %s, %s FROM (VALUES %s) v(x) ORDER BY x" % (PG_YEAR.format(ms="x"), PG_WEEK.format(ms="x"), values))
    if len(pg_rows) != len(xs):
        failures.append("dates: %d rows from PostgreSQL, %d instants" % (len(pg_rows), len(xs)))
        return 0
    for x, y, w in pg_rows:
        want = lite_rows[int(x)]
        if (int(y), int(w)) != want:
            failures.append("dates: %s ms: SQLite year %d week %d, PostgreSQL year %s week %s"
                            % (x, want[0], want[1], y, w))
    return len(xs)


def scenario():
    """Statements both engines run, in order: each fires triggers of
    migrations 12-22 (and those of 3, 4, 9 they build on)."""
    s = []
    add = s.append
    t0 = vn(2024, 1, 1)
    add("INSERT INTO units (code, name, kind, level, parent_id, path, created_at)"
        " VALUES ('P', 'Province', 'province', 'province', NULL, '1/', %d)" % t0)
    add("INSERT INTO units (code, name, kind, level, parent_id, path, created_at)"
        " VALUES ('D1', 'District 1', 'district', 'district', 1, '1/2/', %d)" % t0)
    add("INSERT INTO units (code, name, kind, level, parent_id, path, created_at)"
        " VALUES ('D2', 'District 2', 'district', 'district', 1, '1/3/', %d)" % t0)
    add("INSERT INTO headcounts (unit_id, year, audience, count, updated_at)"
        " VALUES (2, 2024, 'student', 40, %d)" % t0)
    add("UPDATE headcounts SET count = 41 WHERE unit_id = 2")
    users = [
        ("u1", "Nguyễn Văn An", "participant", 2, "student", 0, "NULL"),
        ("u2", "Trần Thị Bình", "participant", 3, "student", 0, "NULL"),
        ("u3", "Lê Văn Cường", "participant", 2, "student", 1, "NULL"),
        ("host", "Phạm Host", "unit_admin", 2, "NULL", 0, "NULL"),
        ("u5", "Đỗ Thị Em", "participant", 2, "teacher", 1, "NULL"),
    ]
    for name, full, role, unit, aud, selfreg, conf in users:
        aud = "'%s'" % aud if aud != "NULL" else aud
        add("INSERT INTO users (username, pw_hash, full_name, role, unit_id, audience,"
            " created_at, self_registered, confirmed_at) VALUES ('%s', 'x', '%s', '%s', %d, %s,"
            " %d, %d, %s)" % (name, full, role, unit, aud, t0, selfreg, conf))
    add("INSERT INTO banks (code, title, language, audiences, updated_at)"
        " VALUES ('b', 'Bank', 'vi', '[\"student\"]', %d)" % t0)
    for i in range(1, 5):
        add("INSERT INTO questions (bank_id, code, version, type, difficulty, stem, explanation,"
            " content_hash) VALUES (1, 'q%d', 1, 'single', 1, 'Stem', '', 'h%d')" % (i, i))
    for q, topic in ((1, "t-a"), (2, "t-a"), (2, "t-b"), (3, "t-c"), (4, "t-z")):
        add("INSERT INTO question_topics (question_id, topic) VALUES (%d, '%s')" % (q, topic))
    for code in ("Q1", "Q2"):
        add("INSERT INTO quizzes (code, title, kind, time_limit_s, max_attempts, pass_percent,"
            " opens_at, closes_at, shuffle_questions, shuffle_options, review, definition,"
            " created_at) VALUES ('%s', 'Quiz', 'contest', 600, 9, 50.0, %d, %d, 0, 0,"
            " 'after_submit', '{}', %d)" % (code, t0, vn(2026, 1, 1), t0))

    def attempt(quiz, user, unit, aud, state, finished, passed=1, practice=0, questions=(1, 2)):
        fin = "NULL" if finished is None else str(finished)
        start = (finished or vn(2024, 6, 1)) - 60000
        add("INSERT INTO attempts (quiz_id, user_id, unit_id, audience, seed, state, started_at,"
            " deadline, finished_at, score, max_score, correct_count, question_count, passed,"
            " duration_ms, practice) VALUES (%d, %d, %d, '%s', 7, '%s', %d, %d, %s, 1.5, 2.0, 1,"
            " %d, %d, 60000, %d)" % (quiz, user, unit, aud, state, start, start + 600000, fin,
                                     len(questions), passed, practice))
        n = len([x for x in s if x.startswith("INSERT INTO attempts ")])
        for pos, q in enumerate(questions):
            add("INSERT INTO attempt_questions (attempt_id, position, question_id, option_order)"
                " VALUES (%d, %d, %d, '')" % (n, pos, q))

    # 1, 2: u1 on either side of the 2025 Vietnamese new year.
    attempt(1, 1, 2, "student", "submitted", ms(2024, 12, 31, 16, 59, 59, 999))
    attempt(1, 1, 2, "student", "submitted", ms(2024, 12, 31, 17, 0, 0), passed=0)
    # 3: u2 in progress, then submitted (a completion by update).
    attempt(2, 2, 3, "student", "in_progress", None, questions=(3,))
    add("UPDATE attempts SET state = 'submitted', finished_at = %d WHERE id = 3" % vn(2024, 3, 4))
    # 4-6: u3 (self-registered, unconfirmed) in three weeks of 2024; u1 has
    # attempts in two of those weeks and in a later one first.
    attempt(1, 1, 2, "student", "submitted", vn(2024, 3, 20))
    attempt(1, 3, 2, "student", "submitted", vn(2024, 3, 20))
    attempt(2, 3, 2, "student", "expired", vn(2024, 2, 1))
    attempt(1, 3, 2, "student", "submitted", vn(2024, 2, 14), questions=(2, 4))
    attempt(2, 1, 2, "student", "submitted", vn(2024, 2, 14))
    # 9: practice (never counted).
    attempt(1, 1, 2, "student", "submitted", vn(2024, 2, 20), practice=1)
    # 10: u5 unconfirmed, as teacher, then confirmed with u3 in one update.
    attempt(1, 5, 2, "teacher", "submitted", vn(2024, 1, 1, 0))
    add("UPDATE users SET confirmed_at = %d WHERE self_registered = 1" % vn(2024, 4, 1))
    # A rescore, a move to another unit, an un-completion and a deletion
    # of a person's first week.
    add("UPDATE attempts SET score = 2.0 WHERE id = 2")
    add("UPDATE attempts SET unit_id = 3 WHERE id = 4")
    add("UPDATE attempts SET state = 'in_progress', finished_at = NULL WHERE id = 3")
    add("UPDATE attempts SET quiz_id = 2 WHERE id = 5")
    add("DELETE FROM attempt_questions WHERE attempt_id = 6")
    add("DELETE FROM attempts WHERE id = 6")
    add("UPDATE attempts SET state = 'expired' WHERE id = 8")
    # Activities (migration 13, 19, 21): a topic named twice, a number.
    acts = [("act1", "training", 2, '["t-a","t-b"]', vn(2024, 5, 2)),
            ("act2", "seminar", 3, '["t-c","t-c",5]', vn(2024, 12, 31, 23)),
            ("act3", "event", 1, "[]", vn(2025, 1, 2))]
    for code, kind, unit, topics, start in acts:
        add("INSERT INTO activities (code, title, kind, unit_id, audiences, topics, starts_at,"
            " ends_at, created_at, updated_at) VALUES ('%s', 'Activity', '%s', %d, '[]', '%s',"
            " %d, %d, %d, %d)" % (code, kind, unit, topics, start, start + 3600000, t0, t0))

    def attend(act, user, unit, aud, year):
        add("INSERT INTO attendances (activity_id, user_id, year, unit_id, audience, how, at)"
            " VALUES (%d, %d, %d, %d, '%s', 'list', %d)" % (act, user, year, unit, aud, t0))
    attend(1, 1, 2, "student", 2024)
    attend(1, 2, 3, "student", 2024)
    attend(2, 1, 2, "student", 2025)
    attend(2, 3, 2, "student", 2025)
    attend(3, 2, 3, "student", 2025)
    attend(3, 5, 2, "teacher", 2025)
    add("INSERT INTO attendances (activity_id, user_id, year, unit_id, audience, how, at)"
        " VALUES (1, 1, 2024, 2, 'student', 'list', %d) ON CONFLICT (activity_id, user_id)"
        " DO NOTHING" % t0)
    add("UPDATE activities SET topics = '[\"t-b\",\"t-d\"]' WHERE id = 1")
    add("UPDATE activities SET title = 'Renamed' WHERE id = 2")
    add("DELETE FROM attendances WHERE activity_id = 1 AND user_id = 2")
    add("DELETE FROM attendances WHERE activity_id = 2 AND user_id = 3")
    # A live game (migration 12, 19): u1 twice, u2, one guest.
    add("INSERT INTO live_games (pin, host_user_id, seconds, question_ids, state, created_at)"
        " VALUES ('123456', 4, 20, '2,1,4', 'lobby', %d)" % vn(2024, 9, 9))
    for i, (nick, user) in enumerate((("an", 1), ("an2", 1), ("binh", 2), ("guest", None))):
        add("INSERT INTO live_players (game_id, nickname, token_hash, user_id, joined_at)"
            " VALUES (1, '%s', 'tok%d', %s, %d)" % (nick, i, user or "NULL", vn(2024, 9, 9)))
    add("INSERT INTO live_answers (player_id, question_index, game_id, option_id, correct,"
        " points, answered_at) VALUES (1, 0, 1, 1, 1, 900, %d)" % vn(2024, 9, 9))
    add("UPDATE live_games SET state = 'question', question_index = 0 WHERE id = 1")
    add("UPDATE live_games SET state = 'ended', ended_at = %d WHERE id = 1" % (vn(2024, 9, 9) + 600000))
    add("UPDATE live_games SET state = 'ended' WHERE id = 1")
    # A game without logged-in players makes no activity.
    add("INSERT INTO live_games (pin, host_user_id, seconds, question_ids, state, created_at)"
        " VALUES ('654321', 4, 20, '3', 'lobby', %d)" % vn(2024, 9, 10))
    add("INSERT INTO live_players (game_id, nickname, token_hash, user_id, joined_at)"
        " VALUES (2, 'guest', 'tok9', NULL, %d)" % vn(2024, 9, 10))
    add("UPDATE live_games SET state = 'ended', ended_at = %d WHERE id = 2" % vn(2024, 9, 10))
    # Certificates (migration 16), settings (20), labels (22), headcounts (17).
    add("INSERT INTO certificates (code, attempt_id, user_id, canonical, issued_at)"
        " VALUES ('C1', 1, 1, '{}', %d)" % t0)
    add("INSERT INTO certificates (code, activity_id, user_id, canonical, issued_at)"
        " VALUES ('C2', 1, 1, '{}', %d)" % t0)
    add("INSERT INTO settings (key, value, updated_at) VALUES ('body.department', 'Sở', %d)" % t0)
    add("UPDATE users SET full_name = 'Nguyễn Văn Ân' WHERE id = 1")
    add("UPDATE users SET full_name = full_name WHERE id = 2")
    add("UPDATE users SET erased_at = %d WHERE id = 2" % t0)
    add("UPDATE units SET name = 'District One' WHERE id = 2")
    add("UPDATE units SET code = code WHERE id = 3")
    add("UPDATE users SET unit_id = 3 WHERE id = 3")
    return s


# Statements whose failure both engines must report.
REFUSED = [
    "INSERT INTO certificates (code, attempt_id, activity_id, user_id, canonical, issued_at)"
    " VALUES ('C3', 2, 1, 1, '{}', 0)",
    "INSERT INTO certificates (code, activity_id, canonical, issued_at) VALUES ('C4', 2, '{}', 0)",
    "INSERT INTO live_games (pin, host_user_id, seconds, question_ids, state, created_at)"
    " VALUES ('1', 4, 20, '', 'paused', 0)",
    "INSERT INTO headcount_versions (id, change_count) VALUES (2, 0)",
]


def compare_tables(lite, pg, failures):
    lite_tables = {r[0] for r in lite.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'user_search%'"
        " AND name NOT LIKE 'sqlite_%'")}
    pg_tables = {r[0] for r in pg.rows(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
    compared = 0
    for t in sorted(lite_tables & pg_tables):
        cols = [r[1] for r in lite.execute("PRAGMA table_info(%s)" % t)]
        pg_typed = pg.rows(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema ="
            " current_schema() AND table_name = '%s' ORDER BY ordinal_position" % t)
        pg_cols = [r[0] for r in pg_typed]
        if cols != pg_cols:
            failures.append("%s: columns %s on SQLite, %s on PostgreSQL" % (t, cols, pg_cols))
            continue
        # Bytes as text: the scenario writes ASCII into BLOB columns.
        lite_list = ", ".join("CAST(%s AS TEXT)" % c if ty == "bytea" else c for c, ty in pg_typed)
        pg_list = ", ".join("convert_from(%s, 'UTF8')" % c if ty == "bytea" else c
                            for c, ty in pg_typed)
        a = sorted((tuple(norm(v) for v in r) for r in lite.execute(
            "SELECT %s FROM %s" % (lite_list, t))), key=repr)
        b = sorted((tuple(norm(v) for v in r) for r in pg.rows(
            "SELECT %s FROM %s" % (pg_list, t))), key=repr)
        compared += 1
        if a != b:
            only_a = [r for r in a if r not in b]
            only_b = [r for r in b if r not in a]
            failures.append("%s differs:\n  SQLite only: %s\n  PostgreSQL only: %s"
                            % (t, only_a[:8], only_b[:8]))
    return compared


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quizadm", required=True)
    ap.add_argument("--pg-dir", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                     "engine", "sql", "pg"))
    args = ap.parse_args()
    url = os.environ.get("QUIZ_TEST_PG")
    if not url:
        print("compare_triggers: skipped (QUIZ_TEST_PG not set)")
        return 0
    files = sorted(f for f in os.listdir(args.pg_dir) if f.endswith(".sql"))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cmp.db")
        p = subprocess.run([args.quizadm, "--db", path, "settings", "show"], capture_output=True,
                           text=True)
        if p.returncode != 0:
            print("compare_triggers: quizadm could not make %s: %s" % (path, p.stderr))
            return 1
        lite = sqlite3.connect(path, isolation_level=None)
        lite.create_function("fold_key", 1, sqlite_fold_key, deterministic=True)
        lite.execute("PRAGMA foreign_keys = ON")
        schema = "cmp_triggers_%d" % os.getpid()
        admin = Pg(url, None)
        admin.run("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s;\n" % (schema, schema))
        pg = Pg(url, schema)
        failures = []
        try:
            pg.run("".join(open(os.path.join(args.pg_dir, f)).read() + "\n" for f in files))
            dates = check_dates(lite, pg, failures)
            stmts = scenario()
            for st in stmts:
                lite.execute(st)
            pg.run("BEGIN;\n" + "".join(st + ";\n" for st in stmts) + "COMMIT;\n")
            refused = 0
            for st in REFUSED:
                try:
                    lite.execute(st)
                    failures.append("SQLite took: " + st)
                except sqlite3.DatabaseError:
                    refused += 1
                try:
                    pg.run(st + ";\n")
                    failures.append("PostgreSQL took: " + st)
                except RuntimeError:
                    refused += 1
            tables = compare_tables(lite, pg, failures)
        finally:
            admin.run("DROP SCHEMA IF EXISTS %s CASCADE;\n" % schema)
    for f in failures:
        print("compare_triggers: " + f)
    print("compare_triggers: %d migrations, %d instants' year and week, %d statements,"
          " %d refusals, %d tables compared: %s" % (len(files), dates, len(stmts), refused,
                                                   tables, "FAILED" if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
