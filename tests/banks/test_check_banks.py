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
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BANKS_DIR = os.path.join(REPO, "question-banks")
CHECKER = os.path.join(BANKS_DIR, "check.py")

# The rules the shipped banks are held to (as `make check-banks` runs them).
SHIPPED_RULES = ["--strict-2027"]

AUDIENCE_TOPICS = {
    "topics": ["passwords", "phishing_fraud", "malware"],
    "audiences": {"pupil": ["passwords", "phishing_fraud"]},
    "banks": {"vi/pupil.json": {"code": "t-pupil", "prefix": "hs", "audiences": ["pupil"],
                                "address": "em"}},
    "min_questions_per_bank": 6,
    "min_per_topic": 3,
    "quiz_size": 6,
    "strict_2027": {"min_questions_per_bank": 10, "min_per_topic": 4},
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


class BankRootCase(unittest.TestCase):
    """A temporary root with audience-topics.json, schema.json and vi/pupil.json."""

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


class CheckBanksTest(BankRootCase):

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


def fb(option_, feedback):
    option_ = dict(option_)
    option_["feedback"] = feedback
    return option_


def strict_bank():
    """Ten questions that pass the 2027 rules: feedback on every option, "em",
    right options never the longest, no absolute words, multiple questions
    with one and two right options and the instruction to choose all."""
    def q(code, qtype, topic, difficulty, stem, options):
        return question(code, qtype, topic, difficulty, stem, options)
    F, T = "Chưa đúng: cách này để lộ thông tin cho kẻ gian.", \
        "Đúng: cách này giữ an toàn cho tài khoản của em."
    return {
        "code": "t-pupil",
        "title": "Ngân hàng thử nghiệm cho học sinh",
        "language": "vi",
        "audiences": ["pupil"],
        "questions": [
            q("hs-pw-001", "single", "passwords", 1, "Mật khẩu nào sau đây khó đoán nhất?", [
                fb(option("12345678abc", False), F), fb(option("Tr@ng-Vang-2024", True), T),
                fb(option("ngaysinhcuaem2010", False), F)]),
            q("hs-pw-002", "single", "passwords", 2, "Em nên cất mật khẩu tài khoản học tập ở đâu?", [
                fb(option("Trong trình quản lý mật khẩu", True), T),
                fb(option("Trên tờ giấy dán cạnh màn hình máy tính", False), F),
                fb(option("Trong tin nhắn gửi cho bạn thân", False), F)]),
            q("hs-pw-003", "true_false", "passwords", 3,
              "Dùng chung một mật khẩu cho mọi tài khoản là an toàn nếu mật khẩu đủ dài.", [
                  fb(option("Đúng", False), F), fb(option("Sai", True), T)]),
            q("hs-pw-004", "multiple", "passwords", 2,
              "Khi nghi mật khẩu bị lộ, em nên làm gì? (Chọn tất cả các đáp án đúng.)", [
                  fb(option("Đổi mật khẩu ngay", True), T),
                  fb(option("Bật xác thực hai lớp", True), T),
                  fb(option("Nhờ bạn thân giữ hộ mật khẩu mới", False), F)]),
            q("hs-ld-001", "single", "phishing_fraud", 1,
              "Em nhận tin nhắn báo trúng thưởng, yêu cầu chuyển phí để nhận quà. Em làm gì?", [
                  fb(option("Chuyển phí ngay kẻo lỡ mất phần quà", False), F),
                  fb(option("Không chuyển, báo cho bố mẹ", True), T),
                  fb(option("Gửi số tài khoản của bố mẹ để nhận quà", False), F)]),
            q("hs-ld-002", "multiple", "phishing_fraud", 2,
              "Dấu hiệu nào cho thấy email có thể lừa đảo? (Chọn tất cả các đáp án đúng.)", [
                  fb(option("Thúc giục bấm liên kết trong 24 giờ", True), T),
                  fb(option("Gửi từ địa chỉ quen của cô giáo chủ nhiệm", False), F),
                  fb(option("Lời chào lịch sự ở đầu thư", False), F)]),
            q("hs-ld-003", "short", "phishing_fraud", 3,
              "Lừa đảo bằng email giả mạo để lấy thông tin có tên tiếng Anh là gì?", [
                  fb(option("phishing", True), "Đúng: phishing là câu nhử bằng email giả.")]),
            q("hs-ld-004", "true_false", "phishing_fraud", 1,
              "Nhân viên ngân hàng có thể gọi điện yêu cầu khách đọc mã OTP để xác minh.", [
                  fb(option("Đúng", False), F), fb(option("Sai", True), T)]),
            q("hs-pw-005", "single", "passwords", 3,
              "Cách nào giúp em nhớ nhiều mật khẩu khác nhau an toàn?", [
                  fb(option("Dùng trình quản lý mật khẩu", True), T),
                  fb(option("Ghi tất cả vào sổ tay để ở lớp", False), F),
                  fb(option("Đặt mọi mật khẩu giống hệt nhau", False), F)]),
            q("hs-ld-005", "single", "phishing_fraud", 2,
              "Người lạ nhắn tin xin mã OTP vừa gửi về máy em. Em làm gì?", [
                  fb(option("Đọc mã cho họ vì họ xin lịch sự", False), F),
                  fb(option("Không đưa mã, kể với bố mẹ", True), T),
                  fb(option("Gửi ảnh chụp tin nhắn có mã", False), F)]),
        ],
    }


class StrictRulesTest(BankRootCase):
    """The 2027 rules of issue 12, checked with --strict-2027: each test breaks
    a copy of a bank that passes them in one way and expects the rule, by
    name, at its line."""

    def run_strict(self, bank, config=None):
        if config is not None:
            with open(os.path.join(self.root, "audience-topics.json"), "w",
                      encoding="utf-8") as f:
                json.dump(config, f)
        text = self.write_bank(bank)
        status, output = self.run_checker("--strict-2027")
        return text, status, output

    def assert_strict_fails(self, bank, line_needle, subject, *expected, config=None,
                            start_line=1):
        """The strict run fails with `FILE:LINE: SUBJECT: ...` at the first line
        (from start_line) holding line_needle, and names every expected text;
        the legacy run of the same bank passes, so the new rule is what failed."""
        text, status, output = self.run_strict(bank, config)
        self.assertEqual(status, 1, output)
        line = line_of(text, line_needle, start_line)
        self.assertIn(f"{self.bank_path}:{line}: {subject}:", output)
        for piece in expected:
            self.assertIn(piece, output)
        return text, output

    def test_strict_bank_passes(self):
        _, status, output = self.run_strict(strict_bank())
        self.assertEqual(status, 0, output)
        self.assertIn("check-banks (2027 rules): 1 banks, 10 questions, 0 errors", output)
        self.assertIn("longest right option (single)   0/5 = 0.0%", output)
        self.assertIn("W 0.000 (0/15 wrong)   R 0.000 (0/10 right)   W-R +0.000", output)
        self.assertIn("1 right: 1, 2 right: 1; commonest 50%", output)

    def test_legacy_run_ignores_the_2027_rules(self):
        bank = strict_bank()
        del bank["questions"][0]["options"][0]["feedback"]
        self.write_bank(bank)
        status, output = self.run_checker()
        self.assertEqual(status, 0, output)

    # -- feedback ----------------------------------------------------------

    def test_option_without_feedback(self):
        bank = strict_bank()
        del bank["questions"][4]["options"][2]["feedback"]
        self.assert_strict_fails(bank, '"text": "Gửi số tài khoản của bố mẹ', "question hs-ld-001",
                                 "option 3 has no feedback")

    def test_feedback_that_does_not_teach(self):
        bank = strict_bank()
        bank["questions"][1]["options"][1]["feedback"] = "Sai."
        self.assert_strict_fails(bank, '"feedback": "Sai."', "question hs-pw-002",
                                 "feedback of option 2 ('Sai.') does not teach")

    def test_feedback_too_long(self):
        bank = strict_bank()
        long_text = "Chưa đúng vì " + "kẻ gian đọc được mật khẩu này " * 11
        bank["questions"][8]["options"][1]["feedback"] = long_text
        self.assert_strict_fails(bank, long_text[:40], "question hs-pw-005",
                                 f"feedback of option 2 has {len(long_text)} characters, "
                                 "at most 300")

    def test_feedback_that_restates_the_option(self):
        bank = strict_bank()
        bank["questions"][4]["options"][1]["feedback"] = "Đúng: không chuyển, báo cho bố mẹ."
        self.assert_strict_fails(bank, "Đúng: không chuyển, báo cho bố mẹ.", "question hs-ld-001",
                                 "feedback of option 2 only restates the option")
        # saying why, in words of its own, passes
        bank["questions"][4]["options"][1]["feedback"] = \
            "Đúng: không chuyển, báo cho bố mẹ vì quà thật không bao giờ bắt nộp phí trước."
        _, status, output = self.run_strict(bank)
        self.assertEqual(status, 0, output)

    def test_feedback_refers_to_a_position(self):
        bank = strict_bank()
        bank["questions"][9]["options"][0]["feedback"] = "Sai, đáp án B mới bảo vệ em."
        self.assert_strict_fails(bank, "đáp án B mới", "question hs-ld-005",
                                 "feedback of option 1 refers to an option by its letter")
        bank["questions"][9]["options"][0]["feedback"] = "Sai, xem lại phương án đầu tiên nhé."
        self.assert_strict_fails(bank, "phương án đầu tiên", "question hs-ld-005",
                                 "feedback of option 1 refers to an option by position")

    # -- form of address ---------------------------------------------------

    def test_adult_bank_never_says_em(self):
        config = copy.deepcopy(AUDIENCE_TOPICS)
        config["banks"]["vi/pupil.json"]["address"] = "adult"
        bank = strict_bank()
        em = re.compile(r"(?<!\w)em(?!\w)", re.IGNORECASE)
        for q in bank["questions"]:  # make the bank adult but for one stem
            q["stem"] = em.sub("bạn", q["stem"])
            for o in q["options"]:
                o["feedback"] = em.sub("bạn", o["feedback"])
                o["text"] = em.sub("bạn", o["text"])
        bank["questions"][5]["stem"] = "Trẻ em và các em học sinh cũng nhận email lừa đảo. " \
            "Dấu hiệu nào em cần để ý? (Chọn tất cả các đáp án đúng.)"
        _, output = self.assert_strict_fails(
            bank, "Dấu hiệu nào em cần", "question hs-ld-002",
            "stem: an adult bank addresses the reader as \"bạn\" or \"anh/chị\", never \"em\" "
            "(found 'em')", config=config)
        self.assertEqual(output.count("never \"em\""), 1, output)  # "trẻ em", "các em" pass

    def test_pupil_bank_says_em(self):
        bank = strict_bank()
        bank["questions"][1]["stem"] = "Anh/chị nên cất mật khẩu tài khoản học tập ở đâu?"
        self.assert_strict_fails(bank, "Anh/chị nên cất", "question hs-pw-002",
                                 "stem: the pupil bank addresses the reader as \"em\" "
                                 "(found 'Anh/chị')")

    # -- fair items --------------------------------------------------------

    def test_right_option_longest_too_often(self):
        bank = strict_bank()
        bank["questions"][1]["options"][0]["text"] = \
            "Trong trình quản lý mật khẩu có mật khẩu chính thật mạnh"
        bank["questions"][8]["options"][0]["text"] = \
            "Dùng trình quản lý mật khẩu có mật khẩu chính thật mạnh"
        start = line_of(bank_text(bank), '"code": "hs-pw-002"')
        self.assert_strict_fails(
            bank, '"options": [', "bank t-pupil",
            "the right option is strictly the longest in 2 of 5 single questions (40%), "
            "at most 30% allowed: hs-pw-002, hs-pw-005", start_line=start)

    def test_one_longest_in_five_is_allowed(self):
        bank = strict_bank()
        bank["questions"][1]["options"][0]["text"] = \
            "Trong trình quản lý mật khẩu có mật khẩu chính thật mạnh"
        _, status, output = self.run_strict(bank)
        self.assertEqual(status, 0, output)  # 1 of 5 is 20%
        self.assertIn("longest right option (single)   1/5 = 20.0%", output)

    def test_absolute_words_in_wrong_options(self):
        bank = strict_bank()
        bank["questions"][4]["options"][0]["text"] = "Chỉ cần chuyển phí là nhận quà"
        _, output = self.assert_strict_fails(
            bank, "Chỉ cần chuyển phí", "bank t-pupil",
            "absolute words sit in wrong options: W 0.067 (in 1 of 15 wrong options) - "
            "R 0.000 (in 0 of 10 right options) = 0.067 > 0.05")
        self.assertIn("W 0.067 (1/15 wrong)   R 0.000 (0/10 right)   W-R +0.067", output)

    def test_absolute_words_balanced_pass(self):
        bank = strict_bank()
        bank["questions"][4]["options"][0]["text"] = "Chỉ cần chuyển phí là nhận quà"
        bank["questions"][1]["options"][0]["text"] = "Luôn trong trình quản lý mật khẩu"
        _, status, output = self.run_strict(bank)
        self.assertEqual(status, 0, output)  # W 1/15 - R 1/10 < 0

    def test_absolute_words_are_whole_words(self):
        bank = strict_bank()
        # "100%" inside "1100%" is not the word
        bank["questions"][4]["options"][0]["text"] = "Chuyển phí, được thưởng 1100%"
        _, status, output = self.run_strict(bank)
        self.assertEqual(status, 0, output)
        bank["questions"][4]["options"][0]["text"] = "Chuyển phí, được thưởng 100%"
        self.assert_strict_fails(bank, "thưởng 100%", "bank t-pupil", "absolute words")

    def test_multiple_with_every_option_right(self):
        bank = strict_bank()
        bank["questions"][3]["options"][2]["correct"] = True
        bank["questions"][3]["options"][2]["text"] = "Đăng xuất khỏi các máy lạ"
        start = line_of(bank_text(bank), '"code": "hs-pw-004"')
        self.assert_strict_fails(bank, '"options": [', "question hs-pw-004",
                                 "all 3 options are right; a multiple question needs at least "
                                 "one wrong option", start_line=start)

    def test_multiple_without_choose_all(self):
        bank = strict_bank()
        bank["questions"][5]["stem"] = "Dấu hiệu nào cho thấy email có thể lừa đảo?"
        self.assert_strict_fails(bank, "Dấu hiệu nào cho thấy email", "question hs-ld-002",
                                 "a multiple stem must tell the reader to choose all")

    def test_one_count_of_right_options_dominates(self):
        bank = strict_bank()
        bank["questions"][5]["options"][2]["correct"] = True  # now 2 and 2
        start = line_of(bank_text(bank), '"code": "hs-pw-004"')
        self.assert_strict_fails(bank, '"options": [', "bank t-pupil",
                                 "100% of the multiple questions have exactly 2 right option(s), "
                                 "at most 60% may share one count (counts: 2 right: 2)",
                                 start_line=start)

    def test_weighted_multiple_counts_positive_weights(self):
        bank = strict_bank()
        options = bank["questions"][3]["options"]
        for o, weight in zip(options, (0.5, 0.5, -1)):
            del o["correct"]
            o["weight"] = weight
        _, status, output = self.run_strict(bank)
        self.assertEqual(status, 0, output)
        self.assertIn("1 right: 1, 2 right: 1", output)

    # -- sizes and near duplicates -----------------------------------------

    def test_strict_sizes_default_to_120_and_8(self):
        config = copy.deepcopy(AUDIENCE_TOPICS)
        del config["strict_2027"]
        self.assert_strict_fails(strict_bank(), '"questions": [', "bank t-pupil",
                                 "has 10 questions, needs at least 120",
                                 "topic 'passwords' has 5 question(s), audience 'pupil' needs "
                                 "at least 8", config=config)

    def test_strict_topic_minimum(self):
        bank = strict_bank()
        bank["questions"][6]["topics"] = ["passwords"]  # phishing_fraud: 5 -> 3
        bank["questions"][7]["topics"] = ["passwords"]
        self.assert_strict_fails(bank, '"questions": [', "bank t-pupil",
                                 "topic 'phishing_fraud' has 3 question(s), audience 'pupil' "
                                 "needs at least 4")

    def test_near_duplicate_at_085(self):
        bank = strict_bank()
        stem = "Mật khẩu nào sau đây là khó đoán nhất với em?"
        bank["questions"][8]["stem"] = stem
        self.write_bank(bank)
        status, output = self.run_checker()  # 0.9: not a near duplicate
        self.assertEqual(status, 0, output)
        self.assert_strict_fails(bank, stem, "question hs-pw-005",
                                 "stem is a near-duplicate (similarity 0.8",
                                 "of question hs-pw-001")


class ShippedBanksTest(unittest.TestCase):

    def test_shipped_banks_pass(self):
        with open(os.path.join(BANKS_DIR, "audience-topics.json"), encoding="utf-8") as f:
            files = list(json.load(f)["banks"])
        missing = [rel for rel in files if not os.path.exists(os.path.join(BANKS_DIR, rel))]
        if missing:
            reason = "shipped banks not all present yet: missing " + ", ".join(missing)
            print(f"\nskipping: {reason}", file=sys.stderr)
            self.skipTest(reason)
        result = subprocess.run([sys.executable, CHECKER, "--root", BANKS_DIR] + SHIPPED_RULES,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=dict(os.environ, PYTHONIOENCODING="utf-8"),
                                encoding="utf-8", timeout=600)
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn(f"check-banks (2027 rules): {len(files)} banks,", result.stdout)


if __name__ == "__main__":
    unittest.main()
