"""A test of the layering check itself: on a temporary copy of the tree whose
known-violations list is made to match the copy, the check passes; then one
violation of each rule is planted, and the check must fail naming it (and
pass again for the allowed cases next to each rule: a pure storage helper in
a handler, a function of exactly the limit, a table of data, an export used
by a test). Run: python3 -m unittest discover -s tests/layering"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import check  # noqa: E402


class LayeringCheckTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="layering-")
        for d in check.CALLER_DIRS:
            src = os.path.join(ROOT, d)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(cls.tmp, d), ignore=shutil.ignore_patterns("corpus", "regressions"))
        os.makedirs(os.path.join(cls.tmp, "tests/layering"), exist_ok=True)
        found, _, problems = check.violations(cls.tmp)
        assert problems == [], problems
        cls.known = "# known\n" + "".join(v + "\n" for v in found)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def setUp(self):
        self.planted = []
        self.write("tests/layering/known-violations.txt", self.known)

    def tearDown(self):
        for rel in self.planted:
            os.remove(os.path.join(self.tmp, rel))

    def write(self, rel, text):
        path = os.path.join(self.tmp, rel)
        self.assertFalse(os.path.exists(path) and rel.endswith((".c", ".h")), f"{rel} exists in the tree")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        if rel.endswith((".c", ".h")):
            self.planted.append(rel)

    def run_check(self):
        r = subprocess.run(
            [sys.executable, os.path.join(HERE, "check.py"), self.tmp], capture_output=True, text=True
        )
        return r.returncode, r.stdout + r.stderr

    def assert_fails_with(self, line):
        rc, out = self.run_check()
        self.assertEqual(rc, 1, out)
        self.assertIn("new violation: " + line, out)
        self.assertIn(" failed", out)

    def assert_passes(self):
        rc, out = self.run_check()
        self.assertEqual(rc, 0, out)

    def test_the_copy_with_its_own_list_passes(self):
        self.assert_passes()

    def test_sqlite_outside_storage_fails(self):
        self.write("engine/planted.c", "#include <sqlite3.h>\n")
        self.assert_fails_with("sqlite3.h outside storage: engine/planted.c")

    def test_sqlite_through_a_header_fails(self):
        self.write("engine/planted.h", '#include "db_priv.h"\n')
        self.write("engine/planted.c", '#include "planted.h"\n')
        self.assert_fails_with("sqlite3.h outside storage: engine/planted.c")

    def test_sqlite_in_storage_passes(self):
        self.write("engine/db_planted.c", "#include <sqlite3.h>\n")
        self.assert_passes()

    def test_libpq_outside_storage_fails(self):
        self.write("engine/planted.c", "#include <libpq-fe.h>\n")
        self.assert_fails_with("libpq-fe.h outside storage: engine/planted.c")

    def test_libpq_through_a_header_fails(self):
        self.write("engine/planted.h", "#include <libpq-fe.h>\n")
        self.write("admin/planted.c", '#include "planted.h"\n')
        self.assert_fails_with("libpq-fe.h outside storage: admin/planted.c")

    def test_libpq_in_storage_passes(self):
        self.write("engine/db_planted.c", "#include <libpq-fe.h>\n")
        self.assert_passes()

    def test_microhttpd_outside_http_fails(self):
        self.write("engine/planted.c", "#include <microhttpd.h>\n")
        self.assert_fails_with("microhttpd.h outside http: engine/planted.c")

    def test_handler_calling_storage_fails(self):
        self.write("engine/api_planted.c", "static void f(struct db *db) { db_quiz_get(db, 1, 0); }\n")
        self.assert_fails_with("handler calls storage: engine/api_planted.c calls db_quiz_get")

    def test_handler_calling_a_pure_helper_passes(self):
        self.write(
            "engine/api_planted.c",
            "static void f(struct db_quiz *q) { db_quiz_cleanup(q); /* db_quiz_get(db) */ }\n"
            'static const char *s = "db_quiz_get(db)";\n',
        )
        self.assert_passes()

    def test_domain_including_api_h_fails(self):
        self.write("engine/planted.c", '#include "api.h"\n')
        self.assert_fails_with("handler header included: engine/planted.c reaches api.h")

    def test_storage_including_api_h_fails(self):
        self.write("engine/db_planted.c", '#include "api.h"\n')
        self.assert_fails_with("handler header included: engine/db_planted.c reaches api.h")

    def test_admin_including_api_h_fails(self):
        self.write("admin/planted.c", '#include "api.h"\n')
        self.assert_fails_with("handler header included: admin/planted.c reaches api.h")

    def test_admin_calling_a_handler_fails(self):
        self.write("admin/planted.c", "static void f(void) { api_planted_thing(0); }\n")
        self.assert_fails_with("admin calls a handler: admin/planted.c calls api_planted_thing")

    def test_export_without_outside_caller_fails(self):
        self.write("engine/planted.h", "/* planted */\nint planted_unused(int x);\n")
        self.write("engine/planted.c", '#include "planted.h"\nint planted_unused(int x)\n{\n\treturn x;\n}\n')
        self.assert_fails_with("exported without an outside caller: engine/planted.h planted_unused")

    def test_export_used_by_a_test_passes(self):
        self.write("engine/planted.h", "int planted_used(int x);\n")
        self.write("engine/planted.c", '#include "planted.h"\nint planted_used(int x)\n{\n\treturn x;\n}\n')
        self.write("tests/unit/test_planted.c", "static int g(void) { return planted_used(1); }\n")
        self.assert_passes()

    def function(self, name, body_lines):
        # A function of 2 + body_lines + 1 lines: signature, "{", body, "}".
        return f"static int {name}(void)\n{{\n" + "\tcall();\n" * body_lines + "}\n"

    def test_function_over_the_limit_fails(self):
        self.write("engine/planted.c", self.function("too_long", check.MAX_FUNCTION_LINES - 2))
        self.assert_fails_with(f"function over {check.MAX_FUNCTION_LINES} lines: engine/planted.c too_long")

    def test_function_at_the_limit_and_tables_pass(self):
        table = "static const int table[] = {\n" + "\t1,\n" * 300 + "};\n"
        self.write("engine/planted.c", table + self.function("just_fits", check.MAX_FUNCTION_LINES - 3))
        self.assert_passes()

    def test_file_over_the_limit_fails(self):
        self.write("engine/planted.c", "/* line */\n" * (check.MAX_FILE_LINES + 1))
        self.assert_fails_with(f"file over {check.MAX_FILE_LINES} lines: engine/planted.c")

    def test_listed_line_that_no_longer_occurs_fails(self):
        with open(os.path.join(self.tmp, "tests/layering/known-violations.txt"), "a", encoding="utf-8") as f:
            f.write("file over 900 lines: engine/gone.c\n")
        rc, out = self.run_check()
        self.assertEqual(rc, 1, out)
        self.assertIn("no longer occurs, delete this line", out)
        self.assertIn("engine/gone.c", out)

    def test_the_real_tree_matches_its_list(self):
        r = subprocess.run([sys.executable, os.path.join(HERE, "check.py"), ROOT], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout)


if __name__ == "__main__":
    unittest.main()
