"""The layering check: the rules of CONVENTIONS.md section 2 (layers) and
section 1 (small modules) that a machine can see, run by `make test`.

Rules (each violation is one line of text, the same from run to run):

  sqlite3.h   only storage files (engine/db*.c, engine/db*.h) include
              <sqlite3.h>, directly or through a project header
  libpq-fe.h  the same for PostgreSQL's <libpq-fe.h>
  microhttpd  only the HTTP files (engine/http*.c, engine/http*.h) include
              <microhttpd.h>, directly or through a project header
  handler->storage
              no handler (engine/api*.c) calls a storage function (db_*),
              except the pure helpers of PURE_DB_HELPERS, which touch no
              database (each must be declared without a struct db parameter)
  api.h       no domain or storage file (engine/*.c and *.h other than
              api*, http*, routes.c and quizd.c) and nothing in admin/
              includes a handler header (engine/api*.h), directly or not
  admin->api  admin/ calls no api_* function
  export      every function declared in an engine/*.h is used outside the
              .c file that defines it (engine/, admin/, tests/, bench/ and
              fuzz targets count)
  function    no function in engine/ or admin/ is longer than
              MAX_FUNCTION_LINES lines (tables of data are not functions)
  file        no engine/*.c file is longer than MAX_FILE_LINES lines

Known violations: tests/layering/known-violations.txt lists the violations
of today's tree, one per line, exactly as this script prints them. The check
fails on a violation that is not listed, and on a listed line that no longer
occurs: the list can only shrink. When you remove a violation, delete its
line in the same commit (the failure message names it). Never add a line for
new code; fix the code. (A file split or renamed may turn one listed line
into another for the same violation: replace it, and say so in the commit.)

Usage: python3 tests/layering/check.py [ROOT]   (ROOT defaults to .)
Prints "layering: N passed, N failed"; exits 1 on any failure.
"""
import os
import re
import sys

MAX_FUNCTION_LINES = 120
MAX_FILE_LINES = 900

# Storage functions a handler may call: they touch no database, only memory
# the storage layer handed out or constants.
PURE_DB_HELPERS = {
    "db_schema_version_latest",  # the schema version this build knows
    "db_unit_path_within",  # compares two unit path strings
    "db_bank_cleanup",  # frees a struct db_bank's fields
    "db_question_cleanup",  # frees a struct db_question's fields
    "db_quiz_cleanup",  # frees a struct db_quiz's fields
    "db_attempt_questions_free",  # frees an array of attempt questions
    "db_answers_free",  # frees an array of answers
}

CALLER_DIRS = ["engine", "admin", "tests/unit", "tests/http", "tests/fuzz", "bench"]


TOKEN = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)


def strip_code(text):
    """Blanks comments and the contents of string and character literals,
    keeping every newline so line numbers stay right."""

    def blank(m):
        t = m.group(0)
        if t[0] in "\"'":
            return t[0] + re.sub(r"[^\n]", " ", t[1:-1]) + t[0]
        return re.sub(r"[^\n]", " ", t)

    return TOKEN.sub(blank, text)


def blank_preprocessor(code):
    return re.sub(r"^[ \t]*#.*$", lambda m: " " * len(m.group(0)), code, flags=re.M)


class Tree:
    def __init__(self, root):
        self.root = root
        self.files = {}  # relative path -> raw text
        for d in CALLER_DIRS:
            full = os.path.join(root, d)
            if not os.path.isdir(full):
                continue
            for name in sorted(os.listdir(full)):
                if name.endswith((".c", ".h")):
                    rel = f"{d}/{name}"
                    with open(os.path.join(full, name), encoding="utf-8", errors="replace") as f:
                        self.files[rel] = f.read()
        self.code = {rel: strip_code(text) for rel, text in self.files.items()}

    def sources(self, d, ext=(".c", ".h")):
        return [f for f in self.files if f.startswith(d + "/") and f.endswith(ext)]

    def includes(self, rel):
        """(quoted project headers resolved to paths, system header names)."""
        local, system = [], []
        for m in re.finditer(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', self.files[rel], re.M):
            name = m.group(2)
            if m.group(1) == "<":
                system.append(name)
                continue
            for cand in (os.path.dirname(rel) + "/" + name, "engine/" + name):
                if cand in self.files:
                    local.append(cand)
                    break
            else:
                system.append(name)
        return local, system

    def reach(self, rel):
        """Every header reached from rel: {header: first project header on
        the way, or rel itself}."""
        seen = {}
        todo = [(rel, None)]
        while todo:
            cur, via = todo.pop()
            local, system = self.includes(cur)
            for s in system:
                seen.setdefault(s, via or cur)
            for h in local:
                if h not in seen:
                    seen[h] = via or h
                    todo.append((h, via or h))
        return seen


def base(rel):
    return os.path.basename(rel)


def is_storage(rel):
    return rel.startswith("engine/") and base(rel).startswith("db")


def is_http(rel):
    return rel.startswith("engine/") and base(rel).startswith("http")


def is_handler(rel):
    return rel.startswith("engine/") and base(rel).startswith("api")


def may_include_handlers(rel):
    return is_handler(rel) or is_http(rel) or rel in ("engine/routes.c", "engine/quizd.c")


def include_rules(t, out):
    for rel in t.files:
        if not rel.startswith(("engine/", "admin/")):
            continue
        reached = t.reach(rel)
        if "sqlite3.h" in reached and not is_storage(rel):
            out.append(f"sqlite3.h outside storage: {rel}")
        if "libpq-fe.h" in reached and not is_storage(rel):
            out.append(f"libpq-fe.h outside storage: {rel}")
        if "microhttpd.h" in reached and not is_http(rel):
            out.append(f"microhttpd.h outside http: {rel}")
        if not may_include_handlers(rel):
            for h in sorted(reached):
                if h.startswith("engine/api") and h.endswith(".h"):
                    out.append(f"handler header included: {rel} reaches {base(h)}")


def call_names(code, prefix):
    return sorted(set(re.findall(r"\b(" + prefix + r"[A-Za-z0-9_]*)\s*\(", code)))


def declared_functions(t, rel):
    """Names of the functions a header declares (not static inline ones, not
    function-pointer members or typedefs)."""
    flat = blank_preprocessor(t.code[rel])
    while True:  # drop brace bodies (structs, enums, inline functions)
        shorter = re.sub(r"\{[^{}]*\}", ";", flat)
        if shorter == flat:
            break
        flat = shorter
    names = []
    for stmt in flat.split(";"):
        s = " ".join(stmt.split())
        if not s or s.startswith(("typedef", "static", "extern ")) or "(" not in s:
            continue
        m = re.match(r"^[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\(", s)
        if m:
            names.append(m.group(1))
    return names


def pure_helper_problems(t):
    problems = []
    decls = {}
    for rel in t.sources("engine", ".h"):
        if not is_storage(rel):
            continue
        flat = " ".join(t.code[rel].split())
        for m in re.finditer(r"\b(db_\w+)\s*\(([^;{]*)\)\s*;", flat):
            decls[m.group(1)] = m.group(2)
    for name in sorted(PURE_DB_HELPERS):
        if name not in decls:
            problems.append(f"PURE_DB_HELPERS names {name}, which no engine/db*.h declares")
        elif re.search(r"\bstruct\s+db\s*\*", decls[name]):
            problems.append(f"PURE_DB_HELPERS names {name}, which takes a struct db (not pure)")
    return problems


def call_rules(t, out):
    for rel in t.sources("engine", ".c"):
        if is_handler(rel):
            for name in call_names(t.code[rel], "db_"):
                if name not in PURE_DB_HELPERS:
                    out.append(f"handler calls storage: {rel} calls {name}")
    for rel in t.sources("admin", ".c"):
        for name in call_names(t.code[rel], "api_"):
            out.append(f"admin calls a handler: {rel} calls {name}")


def functions(code):
    """(name, first line, last line) of each function defined in code: a
    top-level brace whose text before it ends like a parameter list (not an
    initialiser, not a struct, enum or union body)."""
    code = blank_preprocessor(code)
    found = []
    depth, seg_start, name, first = 0, 0, None, 0
    for m in re.finditer(r"[{};]", code):
        ch, pos = m.group(0), m.start()
        if depth == 0:
            if ch == "{":
                sig = code[seg_start:pos]
                fm = re.search(r"([A-Za-z_]\w*)\s*\([^;]*\)\s*$", sig)
                name = None
                if fm and "=" not in sig and not re.search(r"\b(struct|enum|union)\b[^()]*$", sig):
                    name = fm.group(1)
                    first = code.count("\n", 0, seg_start + fm.start(1)) + 1
                depth = 1
            else:
                seg_start = pos + 1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                if name:
                    found.append((name, first, code.count("\n", 0, pos) + 1))
                name, seg_start = None, pos + 1
    return found


def size_rules(t, out, lengths):
    for rel in sorted(t.sources("engine", ".c") + t.sources("admin", ".c")):
        for name, first, last in functions(t.code[rel]):
            n = last - first + 1
            if n > MAX_FUNCTION_LINES:
                out.append(f"function over {MAX_FUNCTION_LINES} lines: {rel} {name}")
                lengths[out[-1]] = n
        if rel.startswith("engine/"):
            n = t.files[rel].count("\n")
            if n > MAX_FILE_LINES:
                out.append(f"file over {MAX_FILE_LINES} lines: {rel}")
                lengths[out[-1]] = n


def export_rules(t, out):
    defined_in = {}
    for rel in t.sources("engine", ".c"):
        for name, _, _ in functions(t.code[rel]):
            defined_in.setdefault(name, rel)
    words = {f: set(re.findall(r"[A-Za-z_]\w*", t.code[f])) for f in t.files if f.endswith(".c")}
    for rel in sorted(t.sources("engine", ".h")):
        for name in declared_functions(t, rel):
            own = defined_in.get(name)
            if not any(name in w for f, w in words.items() if f != own):
                out.append(f"exported without an outside caller: {rel} {name}")


def files_checked(root):
    return [f for f in Tree(root).files if f.startswith(("engine/", "admin/"))]


def violations(root):
    t = Tree(root)
    out, lengths = [], {}
    include_rules(t, out)
    call_rules(t, out)
    export_rules(t, out)
    size_rules(t, out, lengths)
    return sorted(set(out)), lengths, pure_helper_problems(t)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    listed_path = os.path.join(root, "tests/layering/known-violations.txt")
    listed = []
    if os.path.exists(listed_path):
        with open(listed_path, encoding="utf-8") as f:
            listed = [ln.rstrip("\n") for ln in f if ln.strip() and not ln.startswith("#")]
    found, lengths, problems = violations(root)
    found_set, listed_set = set(found), set(listed)
    new = [v for v in found if v not in listed_set]
    gone = [v for v in listed if v not in found_set]
    dup = sorted({v for v in listed if listed.count(v) > 1})
    for p in problems:
        print(f"layering: {p}")
    for v in new:
        extra = f" ({lengths[v]} lines)" if v in lengths else ""
        print(f"layering: new violation: {v}{extra}")
    for v in gone:
        print(f"layering: no longer occurs, delete this line from tests/layering/known-violations.txt: {v}")
    for v in dup:
        print(f"layering: listed twice in tests/layering/known-violations.txt: {v}")
    failed = len(new) + len(gone) + len(dup) + len(problems)
    checked = [f for f in files_checked(root) if not any(v.split(": ", 1)[1].startswith(f + " ") for v in new)]
    print(
        f"layering: {len(files_checked(root))} files checked; {len(found)} violations, "
        f"{len(found) - len(new)} of them listed as known; {len(gone)} listed lines stale"
    )
    # passed: files without a new violation; failed: new, stale or bad lines.
    print(f"layering: {len(checked)} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
