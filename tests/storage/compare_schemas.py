#!/usr/bin/env python3
"""Compare the schema of a SQLite database with a PostgreSQL schema.

    compare_schemas.py SQLITE_FILE POSTGRES_URL [--schema NAME]
    compare_schemas.py --quizadm build/quizadm     (base URL in QUIZ_TEST_PG)

Both databases are expected to hold the same numbered migrations (SQLite's
from engine/db*.c, PostgreSQL's from engine/sql/pg/NN-*.sql). Prints every
difference in tables, columns (name, order, type, NOT NULL, default,
primary key), foreign keys (columns, table, ON DELETE), UNIQUE
constraints, explicitly created indexes (columns, uniqueness) and
triggers, and exits 1 when there is one (CHECK constraints are not read:
SQLite keeps them only in its CREATE text); the differences the PostgreSQL dialect makes on purpose
(EXPECTED below) are printed as notes and do not fail.

With --quizadm, both databases are made for the comparison by quizadm
itself (so PostgreSQL's come from the migrations embedded in the binary):
a SQLite file in a temporary folder and a schema of its own in the
database of QUIZ_TEST_PG (selected by search_path, dropped at the end).

SQLite is read with the sqlite3 module, PostgreSQL with the psql client
(no other package). The PostgreSQL schema is NAME, or the first schema of
the connection's search_path.
"""
import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

# SQLite declared type -> PostgreSQL type (docs: common4.md conventions).
TYPES = {
    "INTEGER": "bigint",
    "TEXT": "text",
    "REAL": "double precision",
    "BLOB": "bytea",
}

# What the PostgreSQL dialect does differently on purpose, by name.
# People search: SQLite's FTS5 table user_search (column key, rowid the
# user id) and its shadow tables are, on PostgreSQL, the table user_search
# (rowid, key) and the token table user_search_tokens kept by triggers.
FTS5_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config")
EXPECTED_PG_ONLY_TABLES = {"user_search_tokens", "schema_version"}
EXPECTED_COLUMNS = {
    # table: (SQLite columns, PostgreSQL columns)
    "user_search": (["key"], ["rowid", "key"]),
}
EXPECTED_PG_ONLY_TRIGGERS = {"user_search_index"}
# Migrations 24 and 25: on PostgreSQL a draw is one row of attempt_draws
# and attempt_questions a view of it with SQLite's columns (names and
# types compared; a view has no keys of its own), written through its
# INSTEAD OF triggers; the references are checked by triggers.
EXPECTED_PG_VIEWS = {"attempt_questions"}
EXPECTED_PG_ONLY_TABLES |= {"attempt_draws"}
EXPECTED_PG_ONLY_TRIGGERS |= {
    "attempt_draws_refs_insert", "attempt_draws_refs_update",
    "attempt_questions_question_delete", "attempt_questions_question_id",
    "attempt_questions_insert", "attempt_questions_delete",
}
EXPECTED_PG_ONLY_INDEXES = {"user_search_tokens_token", "user_search_tokens_prefix"}


def sqlite_schema(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = {}
    virtual = set()
    for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        " AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ):
        if sql and re.match(r"CREATE\s+VIRTUAL\s+TABLE", sql, re.I):
            virtual.add(name)
        tables[name] = None
    for v in virtual:
        for suffix in FTS5_SHADOWS:
            tables.pop(v + suffix, None)
    for name in tables:
        cols = []
        for _cid, col, ctype, notnull, dflt, pk in db.execute(
            f'PRAGMA table_info("{name}")'
        ):
            if name in virtual:
                cols.append({"name": col, "type": None, "notnull": None,
                             "default": None, "pk": 0})
                continue
            base = ctype.split()[0].upper() if ctype else ""
            cols.append({
                "name": col,
                "type": TYPES.get(base, base.lower()),
                # SQLite: a PRIMARY KEY column that is not the rowid may
                # hold NULL unless declared NOT NULL; PostgreSQL's never
                # does, so a key column counts as NOT NULL on both.
                "notnull": bool(notnull) or pk > 0,
                "default": norm_default(dflt),
                "pk": pk,
            })
        tables[name] = cols
    indexes = {}
    for name, tbl, sql in db.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"
        " AND sql IS NOT NULL"
    ):
        cols = tuple(r[2] for r in db.execute(f'PRAGMA index_info("{name}")'))
        unique = bool(re.match(r"CREATE\s+UNIQUE", sql, re.I))
        indexes[name] = (tbl, cols, unique)
    triggers = {
        name: tbl
        for name, tbl in db.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"
        )
    }
    # Constraints: foreign keys (columns, table, its columns, ON DELETE)
    # and UNIQUE column lists, per table.
    keys = {}
    for name in tables:
        if name in virtual:
            continue
        fks = {}
        for _id, _seq, ref, col, to, _upd, on_delete, _m in db.execute(
            f'PRAGMA foreign_key_list("{name}")'
        ):
            fk = fks.setdefault(_id, [ref, [], [], on_delete])
            fk[1].append(col)
            fk[2].append(to)
        found = {("foreign key", tuple(f[1]), f[0], tuple(f[2]), f[3]) for f in fks.values()}
        for _seq, iname, unique, origin, _partial in db.execute(
            f'PRAGMA index_list("{name}")'
        ):
            if origin == "u":
                cols = tuple(r[2] for r in db.execute(f'PRAGMA index_info("{iname}")'))
                found.add(("unique", cols))
        keys[name] = found
    return tables, indexes, triggers, virtual, keys


def psql(url, sql):
    out = subprocess.run(
        ["psql", url, "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True, text=True,
    )
    if out.returncode != 0:
        sys.exit(f"compare_schemas: psql failed: {out.stderr.strip()}")
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def pg_schema(url, schema):
    if not schema:
        schema = psql(url, "SELECT current_schema()")[0][0]
    lit = "'" + schema.replace("'", "''") + "'"
    tables = {}
    for (name,) in psql(
        url,
        "SELECT table_name FROM information_schema.tables"
        f" WHERE table_schema = {lit} AND (table_type = 'BASE TABLE' OR table_type = 'VIEW'"
        f" AND table_name IN ({', '.join(repr(v) for v in sorted(EXPECTED_PG_VIEWS))}))",
    ):
        tables[name] = []
    pk = {}
    for tbl, col, pos in psql(
        url,
        "SELECT tc.table_name, k.column_name, k.ordinal_position"
        " FROM information_schema.table_constraints tc"
        " JOIN information_schema.key_column_usage k"
        " ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema"
        " AND k.table_name = tc.table_name"
        f" WHERE tc.table_schema = {lit} AND tc.constraint_type = 'PRIMARY KEY'",
    ):
        pk[(tbl, col)] = int(pos)
    for tbl, col, dtype, nullable, dflt, identity in psql(
        url,
        "SELECT table_name, column_name, data_type, is_nullable,"
        " coalesce(column_default, ''), is_identity FROM information_schema.columns"
        f" WHERE table_schema = {lit} ORDER BY table_name, ordinal_position",
    ):
        if tbl not in tables:
            continue
        tables[tbl].append({
            "name": col,
            "type": dtype,
            "notnull": nullable == "NO",
            "default": None if identity == "YES" else norm_default(dflt or None),
            "pk": pk.get((tbl, col), 0),
        })
    # Indexes made by CREATE INDEX (not those behind a key or UNIQUE).
    indexes = {
        name: (tbl, tuple(cols.split(",")) if cols else (), unique == "t")
        for name, tbl, cols, unique in psql(
            url,
            "SELECT i.relname, t.relname, (SELECT string_agg(a.attname, ',' ORDER BY k.n)"
            " FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum),"
            " x.indisunique FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace"
            f" WHERE n.nspname = {lit} AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        )
    }
    keys = {t: set() for t in tables}
    actions = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL",
               "d": "SET DEFAULT"}
    for tbl, kind, cols, ref, refcols, on_delete in psql(
        url,
        "SELECT t.relname, c.contype,"
        " (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.conkey)"
        " WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = c.conrelid"
        " AND a.attnum = k.attnum),"
        " coalesce(r.relname, ''),"
        " coalesce((SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.confkey)"
        " WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = c.confrelid"
        " AND a.attnum = k.attnum), ''), c.confdeltype"
        " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
        " LEFT JOIN pg_class r ON r.oid = c.confrelid"
        " JOIN pg_namespace n ON n.oid = t.relnamespace"
        f" WHERE n.nspname = {lit} AND c.contype IN ('f', 'u')",
    ):
        if tbl not in keys:
            continue
        if kind == "u":
            keys[tbl].add(("unique", tuple(cols.split(","))))
        else:
            keys[tbl].add(("foreign key", tuple(cols.split(",")), ref,
                           tuple(refcols.split(",")), actions.get(on_delete, on_delete)))
    triggers = {
        name: tbl
        for name, tbl in psql(
            url,
            "SELECT g.tgname, t.relname FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace"
            f" WHERE n.nspname = {lit} AND NOT g.tgisinternal",
        )
    }
    return tables, indexes, triggers, keys


def norm_default(d):
    """A column default as both engines would print the same value."""
    if d is None:
        return None
    d = re.sub(r"::[a-z ]+$", "", d.strip())
    if len(d) > 1 and d[0] == "(" and d[-1] == ")":
        d = d[1:-1]
    # PostgreSQL quotes a negative number: '-1'::bigint.
    if re.fullmatch(r"'-?[0-9]+(\.[0-9]+)?'", d):
        d = d[1:-1]
    return d


def table_of(named):
    """An index's (table, columns, unique) or a trigger's table: the table."""
    return named[0] if isinstance(named, tuple) else named


def compare(lite, pg):
    l_tables, l_indexes, l_triggers, virtual, l_keys = lite
    p_tables, p_indexes, p_triggers, p_keys = pg
    diffs, notes = [], []
    for t in sorted(set(l_tables) - set(p_tables)):
        diffs.append(f"table {t}: in SQLite only")
    for t in sorted(set(p_tables) - set(l_tables)):
        (notes if t in EXPECTED_PG_ONLY_TABLES else diffs).append(
            f"table {t}: in PostgreSQL only")
    for t in sorted(set(l_tables) & set(p_tables)):
        lc, pc = l_tables[t], p_tables[t]
        if t in EXPECTED_COLUMNS:
            want_l, want_p = EXPECTED_COLUMNS[t]
            got = ([c["name"] for c in lc], [c["name"] for c in pc])
            if got == (want_l, want_p):
                notes.append(f"table {t}: columns {want_l} on SQLite (FTS5), {want_p}"
                             " on PostgreSQL")
            else:
                diffs.append(f"table {t}: columns {got[0]} / {got[1]},"
                             f" expected {want_l} / {want_p}")
            continue
        ln, pn = [c["name"] for c in lc], [c["name"] for c in pc]
        if t in EXPECTED_PG_VIEWS:
            lt, pt = [(c["name"], c["type"]) for c in lc], [(c["name"], c["type"]) for c in pc]
            (notes if lt == pt else diffs).append(
                f"table {t}: a view on PostgreSQL, columns {lt} / {pt}")
            continue
        if ln != pn:
            diffs.append(f"table {t}: columns differ\n  SQLite:     {ln}\n"
                         f"  PostgreSQL: {pn}")
            continue
        for a, b in zip(lc, pc):
            for key in ("type", "notnull", "default", "pk"):
                if a[key] != b[key]:
                    diffs.append(f"column {t}.{a['name']}: {key} {a[key]!r} on SQLite,"
                                 f" {b[key]!r} on PostgreSQL")
        for k in sorted(l_keys.get(t, set()) - p_keys.get(t, set())):
            diffs.append(f"table {t}: {k[0]} {k[1:]} on SQLite only")
        for k in sorted(p_keys.get(t, set()) - l_keys.get(t, set())):
            diffs.append(f"table {t}: {k[0]} {k[1:]} on PostgreSQL only")
    for kind, l_named, p_named, pg_only in (
        ("index", l_indexes, p_indexes, EXPECTED_PG_ONLY_INDEXES),
        ("trigger", l_triggers, p_triggers, EXPECTED_PG_ONLY_TRIGGERS),
    ):
        for n in sorted(set(l_named) - set(p_named)):
            diffs.append(f"{kind} {n} (on {table_of(l_named[n])}): in SQLite only")
        for n in sorted(set(p_named) - set(l_named)):
            (notes if n in pg_only else diffs).append(
                f"{kind} {n} (on {table_of(p_named[n])}): in PostgreSQL only")
        for n in sorted(set(l_named) & set(p_named)):
            if l_named[n] != p_named[n]:
                diffs.append(f"{kind} {n}: {l_named[n]} in SQLite,"
                             f" {p_named[n]} in PostgreSQL")
    return diffs, notes


def quizadm_make(quizadm, db, data_dir):
    """Lets quizadm create and migrate db (a path or a URL)."""
    out = subprocess.run([quizadm, "--db", db, "--data-dir", data_dir, "settings", "show"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"compare_schemas: quizadm could not make {db}: {out.stderr.strip()}")


def compare_made_by_quizadm(quizadm):
    base = os.environ.get("QUIZ_TEST_PG")
    if not base:
        sys.exit("compare_schemas: --quizadm needs QUIZ_TEST_PG (a base postgresql:// URL)")
    schema = f"cmp_schemas_{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        lite = os.path.join(tmp, "lite.db")
        quizadm_make(quizadm, lite, tmp)
        psql(base, f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        try:
            url = base + ("&" if "?" in base else "?") + f"options=-csearch_path%3D{schema}"
            quizadm_make(quizadm, url, tmp)
            return compare(sqlite_schema(lite), pg_schema(base, schema))
        finally:
            psql(base, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sqlite_file", nargs="?")
    ap.add_argument("postgres_url", nargs="?")
    ap.add_argument("--schema", help="PostgreSQL schema (default: current_schema())")
    ap.add_argument("--quizadm", help="make both databases with this quizadm")
    args = ap.parse_args()
    if args.quizadm:
        diffs, notes = compare_made_by_quizadm(args.quizadm)
    elif args.sqlite_file and args.postgres_url:
        diffs, notes = compare(sqlite_schema(args.sqlite_file),
                               pg_schema(args.postgres_url, args.schema))
    else:
        ap.error("give SQLITE_FILE and POSTGRES_URL, or --quizadm")
    for n in notes:
        print(f"note: {n}")
    for d in diffs:
        print(f"DIFF: {d}")
    print(f"compare_schemas: {len(diffs)} difference(s), {len(notes)} expected")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
