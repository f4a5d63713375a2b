"""Tests of question-banks/check.py, the question-bank checker.

Each test writes a small valid bank (made here, not taken from the shipped
banks) into a temporary root with its own audience-topics.json and the real
schema.json, breaks it in one way, runs the checker as `make check-banks`
would and asserts that it fails and names the problem (and, where it
matters, the line). One more test runs the checker on the shipped banks
once all eight exist.

Run: /usr/bin/python3 -m unittest discover -s tests/banks -v
"""

import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BANKS_DIR = os.path.join(REPO, "question-banks")
CHECKER = os.path.join(BANKS_DIR, "check.py")

AUDIENCE_TOPICS = {
    "topics": ["passwords", "phishing_fraud", "malware"],
    "audiences": {"pupil": ["passwords", "phishing_fraud"]},
    "banks": {"vi/pupil.json": {"code": "t-pupil", "prefix": "hs", "audiences": ["pupil"]}},
    "min_questions_per_bank": 6,
    "min_per_topic": 3,
    "quiz_size": 6,
}


def option(text, correct=None, weight=None):
    return {"text": text, "correct": correct} if weight is None else {"text": text, "weight": weight}


def question(code, qtype, topic, difficulty, stem, options, **extra):
    q = {"code": code, "type": qtype, "topics": [topic], "difficulty": difficulty,
         "stem": stem, "options": options,
         "explanation": "Giải thích vì sao đáp án đúng là đúng, để người học hiểu."}
    q.update(extra)
    return q


def valid_bank():
    """Seven questions: every type, two topics with 3+ questions, all three levels."""
    return {
        "code": "t-pupil",
        "title": "Ngân hàng thử nghiệm cho học sinh",
        "language": "vi",
        "audiences": ["pupil"],
        "questions": [
            question("hs-pw-001", "single", "passwords", 1, "Mật khẩu nào sau đây mạnh nhất?", [
                option("12345678", False), option("matkhau", False),
                option("Tr@ng-Vang-Bay-Cao-2024", True), option("ngày sinh của em", False)],
                reference="Cẩm nang phòng chống lừa đảo trực tuyến"),
            question("hs-pw-002", "true_false", "passwords", 2,
                     "Dùng chung một mật khẩu cho mọi tài khoản là an toàn nếu mật khẩu đó đủ dài.",
                     [option("Đúng", False), option("Sai", True)]),
            question("hs-pw-003", "multiple", "passwords", 3,
                     "Khi nghi ngờ mật khẩu tài khoản mạng xã hội bị lộ, em nên làm những việc gì?", [
                         option("Đổi mật khẩu ngay", weight=0.5),
                         option("Bật xác thực hai yếu tố", weight=0.5),
                         option("Nhờ bạn thân giữ hộ mật khẩu mới", weight=-1)]),
            question("hs-ld-001", "single", "phishing_fraud", 1,
                     "Em nhận tin nhắn báo trúng thưởng, yêu cầu chuyển phí để nhận quà. Em nên làm gì?", [
                         option("Chuyển phí ngay kẻo hết hạn", False),
                         option("Không chuyển tiền và báo cho bố mẹ hoặc thầy cô", True),
                         option("Gửi số tài khoản ngân hàng của bố mẹ để nhận quà", False)]),
            question("hs-ld-002", "multiple", "phishing_fraud", 2,
                     "Dấu hiệu nào cho thấy một email có thể là email lừa đảo?", [
                         option("Địa chỉ người gửi gần giống tên một ngân hàng", True),
                         option("Thúc giục bấm vào liên kết trong 24 giờ", True),
                         option("Gửi từ địa chỉ của giáo viên chủ nhiệm mà em đã biết", False)]),
            question("hs-ld-003", "short", "phishing_fraud", 3,
                     "Hình thức lừa đảo dùng email giả mạo để lấy thông tin có tên tiếng Anh là gì?",
                     [option("phishing", True)], ignore_diacritics=True),
            question("hs-ld-004", "true_false", "phishing_fraud", 1,
                     "Nhân viên ngân hàng có thể gọi điện yêu cầu khách hàng đọc mã OTP để xác minh.",
                     [option("Đúng", False), option("Sai", True)]),
        ],
    }


def bank_text(bank):
    return json.dumps(bank, ensure_ascii=False, indent=2) + "\n"


def line_of(text, needle, start_line=1):
    """1-based number of the first line at or after start_line that contains needle."""
    for number, line in enumerate(text.split("\n"), 1):
        if number >= start_line and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the generated bank")


class CheckBanksTest(unittest.TestCase):

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="check-banks-")
        self.addCleanup(shutil.rmtree, self.root)
        os.mkdir(os.path.join(self.root, "vi"))
        shutil.copy(os.path.join(BANKS_DIR, "schema.json"), self.root)
        with open(os.path.join(self.root, "audience-topics.json"), "w", encoding="utf-8") as f:
            json.dump(AUDIENCE_TOPICS, f)
        self.bank_path = os.path.join(self.root, "vi", "pupil.json")

    def write_bank(self, bank_or_text):
        text = bank_or_text if isinstance(bank_or_text, str) else bank_text(bank_or_text)
        with open(self.bank_path, "w", encoding="utf-8") as f:
            f.write(text)
        return text

    def run_checker(self, *extra):
        env = dict(os.environ, PYTHONIOENCODING="utf-8")
        result = subprocess.run([sys.executable, CHECKER, "--root", self.root, *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=env, encoding="utf-8", timeout=120)
        return result.returncode, result.stdout

    def assert_fails_naming(self, bank, *expected):
        """Write bank, run the checker, assert exit 1 and every expected text in the output."""
        text = self.write_bank(bank)
        status, output = self.run_checker()
        self.assertEqual(status, 1, output)
        for piece in expected:
            self.assertIn(piece, output)
        return text, output

    def error_prefix(self, line, code):
        return f"{self.bank_path}:{line}: question {code}:"

    # -- the valid bank ----------------------------------------------------

    def test_valid_bank_passes(self):
        self.write_bank(valid_bank())
        status, output = self.run_checker()
        self.assertEqual(status, 0, output)
        self.assertIn("check-banks: 1 banks, 7 questions, 0 errors", output)
        self.assertIn("passwords", output)  # the per-bank table
        self.assertIn("difficulty   1: 3   2: 2   3: 2", output)

    # -- syntax and schema -------------------------------------------------

    def test_syntax_error_names_its_line(self):
        text = bank_text(valid_bank())
        line = line_of(text, '"stem": "Khi nghi ngờ')
        lines = text.split("\n")
        lines[line - 1] = lines[line - 1].replace('"stem":', '"stem"', 1)
        _, output = self.assert_fails_naming("\n".join(lines), "invalid JSON")
        self.assertIn(f"{self.bank_path}:{line}: invalid JSON", output)

    def test_schema_error_is_reported(self):
        bank = valid_bank()
        bank["questions"][0]["difficulty"] = 4
        self.assert_fails_naming(bank, "question hs-pw-001: schema: difficulty: 4 is greater")

    # -- codes and stems ---------------------------------------------------

    def test_duplicate_code(self):
        bank = valid_bank()
        bank["questions"][1]["code"] = "hs-pw-001"
        self.assert_fails_naming(bank, "question hs-pw-001: duplicate question code")

    def test_near_duplicate_stem(self):
        bank = valid_bank()
        bank["questions"][3]["stem"] = "Mật khẩu nào sau đây là mạnh nhất?"
        self.assert_fails_naming(bank, "question hs-ld-001: stem is a near-duplicate",
                                 "of question hs-pw-001")

    def test_duplicate_stem_despite_case_and_punctuation(self):
        bank = valid_bank()
        bank["questions"][3]["stem"] = "MẬT KHẨU nào sau đây mạnh nhất ?!"
        self.assert_fails_naming(bank, "question hs-ld-001: stem duplicates question hs-pw-001")

    # -- options -----------------------------------------------------------

    def test_two_correct_options_in_single(self):
        bank = valid_bank()
        bank["questions"][0]["options"][1]["correct"] = True
        text, output = self.assert_fails_naming(
            bank, "a single question needs exactly one correct option, it has 2")
        line = line_of(text, '"options": [')
        self.assertIn(self.error_prefix(line, "hs-pw-001") + " a single question", output)
        self.assertNotIn("schema:", output)  # the schema's version is not repeated

    def test_option_referring_to_other_options(self):
        bank = valid_bank()
        bank["questions"][3]["options"][2]["text"] = "Tất cả các đáp án trên"
        text, output = self.assert_fails_naming(bank, "refers to other options by position")
        line = line_of(text, "Tất cả các đáp án trên")
        self.assertIn(self.error_prefix(line, "hs-ld-001") + " option 3 refers", output)

    def test_weights_must_sum_to_one(self):
        bank = valid_bank()
        bank["questions"][2]["options"][1]["weight"] = 0.4
        self.assert_fails_naming(bank, "question hs-pw-003: positive weights sum to 0.9")

    def test_true_false_needs_two_options(self):
        bank = valid_bank()
        bank["questions"][1]["options"].append(option("Không rõ", False))
        self.assert_fails_naming(bank, "a true_false question needs exactly 2 options, it has 3")

    # -- text --------------------------------------------------------------

    def test_stem_not_in_nfc(self):
        bank = valid_bank()
        stem = unicodedata.normalize("NFD", bank["questions"][4]["stem"])
        bank["questions"][4]["stem"] = stem
        text, output = self.assert_fails_naming(bank, "stem is not in Unicode NFC")
        line = line_of(text, stem)
        self.assertIn(self.error_prefix(line, "hs-ld-002") + " stem is not in Unicode NFC",
                      output)

    def test_missing_explanation(self):
        bank = valid_bank()
        del bank["questions"][5]["explanation"]
        _, output = self.assert_fails_naming(bank, "question hs-ld-003: explanation is missing")
        self.assertNotIn("required property", output)

    # -- topics and coverage -----------------------------------------------

    def test_unknown_topic(self):
        bank = valid_bank()
        bank["questions"][2]["topics"] = ["hacking"]
        _, output = self.assert_fails_naming(bank, "question hs-pw-003: unknown topic 'hacking'")
        self.assertNotIn("not an allowed value", output)

    def test_topic_under_minimum(self):
        bank = valid_bank()
        del bank["questions"][1]
        self.assert_fails_naming(bank, "bank t-pupil: topic 'passwords' has 2 question(s), "
                                       "audience 'pupil' needs at least 3")

    def test_quiz_needs_every_difficulty(self):
        bank = valid_bank()
        for q in bank["questions"]:
            if q["difficulty"] == 3:
                q["difficulty"] = 2
        self.assert_fails_naming(bank, "cannot fill a 6-question quiz with all three "
                                       "difficulty levels: 7 questions, difficulty 1/2/3: 3/4/0")

    # -- docs --------------------------------------------------------------

    def write_docs(self):
        docs = os.path.join(self.root, "question-banks.md")
        with open(docs, "w", encoding="utf-8") as f:
            f.write("# Banks\n\n<!-- coverage:begin -->\nold\n<!-- coverage:end -->\n\nEnd.\n")
        return docs

    def read(self, path):
        with open(path, encoding="utf-8") as f:
            return f.read()

    def test_docs_coverage_is_written_once(self):
        self.write_bank(valid_bank())
        docs = self.write_docs()
        status, output = self.run_checker("--docs", docs)
        self.assertEqual(status, 0, output)
        self.assertIn("coverage updated", output)
        text = self.read(docs)
        self.assertNotIn("\nold\n", text)
        self.assertIn("| `passwords` | 3 |", text)
        self.assertIn("| `t-pupil` | `vi/pupil.json` | 7 | 3 | 2 | 2 |", text)
        self.assertTrue(text.endswith("<!-- coverage:end -->\n\nEnd.\n"))
        status, output = self.run_checker("--docs", docs)
        self.assertEqual(status, 0, output)
        self.assertIn("coverage unchanged", output)

    def test_docs_untouched_when_banks_have_errors(self):
        bank = copy.deepcopy(valid_bank())
        del bank["questions"][0]["explanation"]
        self.write_bank(bank)
        docs = self.write_docs()
        before = self.read(docs)
        status, output = self.run_checker("--docs", docs)
        self.assertEqual(status, 1, output)
        self.assertEqual(self.read(docs), before)


class ShippedBanksTest(unittest.TestCase):

    def test_shipped_banks_pass(self):
        with open(os.path.join(BANKS_DIR, "audience-topics.json"), encoding="utf-8") as f:
            files = list(json.load(f)["banks"])
        missing = [rel for rel in files if not os.path.exists(os.path.join(BANKS_DIR, rel))]
        if missing:
            reason = "shipped banks not all present yet: missing " + ", ".join(missing)
            print(f"\nskipping: {reason}", file=sys.stderr)
            self.skipTest(reason)
        result = subprocess.run([sys.executable, CHECKER, "--root", BANKS_DIR],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=dict(os.environ, PYTHONIOENCODING="utf-8"),
                                encoding="utf-8", timeout=600)
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn(f"check-banks: {len(files)} banks,", result.stdout)


if __name__ == "__main__":
    unittest.main()
