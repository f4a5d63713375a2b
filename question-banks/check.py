#!/usr/bin/env python3
"""Check the native question banks before they ship.

Reads the banks listed in audience-topics.json (or the FILES given), checks
each against schema.json and against the content rules of
docs/question-bank-format.md and docs/question-banks.md (unique codes, no
duplicate or near-duplicate stems, option rules per type, NFC text, an
explanation for every question, no options that point at other options by
position, topic and difficulty coverage per audience), prints every problem
as `FILE:LINE: question CODE: message`, a table of counts per bank and a
summary line. Exit status: 0 when no problem was found, 1 otherwise, 2 when
the check could not run at all.

With --docs PATH it rewrites the coverage section of that Markdown file
(between `<!-- coverage:begin -->` and `<!-- coverage:end -->`), but only
when no problem was found and only when the section changes.

Needs Python 3.8+ and jsonschema 4 (Debian: python3-jsonschema).
"""

import argparse
import bisect
import collections
import dataclasses
import difflib
import json
import os
import re
import sys
import unicodedata

SYSTEM_PYTHON = "/usr/bin/python3"
REEXEC_GUARD = "CHECK_BANKS_REEXEC"


def import_jsonschema():
    """Return the jsonschema module, re-running under the system Python if
    the current interpreter lacks it; exit with a clear message otherwise."""
    try:
        import jsonschema
        return jsonschema
    except ImportError:
        pass
    if (os.path.exists(SYSTEM_PYTHON) and not os.environ.get(REEXEC_GUARD)
            and os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON)):
        os.environ[REEXEC_GUARD] = "1"
        os.execv(SYSTEM_PYTHON,
                 [SYSTEM_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
    print("check.py: the Python module 'jsonschema' is missing; install it with "
          "'apt-get install python3-jsonschema' and run this script with "
          f"{SYSTEM_PYTHON}", file=sys.stderr)
    sys.exit(2)


jsonschema = import_jsonschema()

# ---------------------------------------------------------------------------
# Rules as data

DEFAULT_MIN_QUESTIONS = 80
DEFAULT_MIN_PER_TOPIC = 5
DEFAULT_QUIZ_SIZE = 25
DIFFICULTIES = (1, 2, 3)
TYPES = ("single", "multiple", "true_false", "short")
OPTION_COUNTS = {"single": (3, 5), "multiple": (3, 5),
                 "true_false": (2, 2), "short": (1, 10)}
TRUE_FALSE_TEXTS = {"vi": ("Đúng", "Sai"), "en": ("True", "False")}
WEIGHT_TOLERANCE = 0.001
NEAR_DUPLICATE_RATIO = 0.9

# The 2027 rules (issue 12), switched on by --strict-2027. The bank sizes can
# be set in audience-topics.json's "strict_2027" object; the fairness bounds
# are fixed here.
STRICT_MIN_QUESTIONS = 120
STRICT_MIN_PER_TOPIC = 8
STRICT_NEAR_DUPLICATE_RATIO = 0.85
MAX_LONGEST_RIGHT_SHARE = 0.30     # single: right option strictly the longest
MAX_ABSOLUTE_WORD_GAP = 0.05       # W - R, shares of wrong and right options
MAX_MULTIPLE_COUNT_SHARE = 0.60    # multiple: one count of right options
MAX_FEEDBACK_LENGTH = 300
MIN_FEEDBACK_WORDS = 4
# Feedback that only repeats its option ("Đúng: <the option>.") does not say
# why: similar at this ratio and adding fewer letters than this.
RESTATE_RATIO = 0.9
RESTATE_MIN_EXTRA = 15
FEEDBACK_VERDICT = re.compile(r"(?i)^\s*(?:đúng|sai|chưa đúng|chưa chính xác)\s*[:,.;!–-]\s*")
CHOOSE_ALL = re.compile(r"(?i:chọn\s+tất\s+cả)")
ABSOLUTE_WORDS = re.compile(
    r"(?i:(?<!\w)(?:luôn(?:\s+luôn)?|không\s+bao\s+giờ|chỉ\s+cần|tuyệt\s+đối|"
    r"hoàn\s+toàn|chắc\s+chắn)(?!\w)|(?<![\w.,])100\s?%)")
# Form of address. "em" as a word, but not as third person: "trẻ em", "các
# em (học sinh)", "anh em", "chị em", "con em", "em bé", "em gái" ...
ADULT_ADDRESS_EM = re.compile(
    r"(?i:(?<!\w)(?<!trẻ )(?<!các )(?<!những )(?<!anh )(?<!chị )(?<!con )"
    r"(?<!cháu )(?<!mấy )(?<!hai )(?<!ba )(?<!người )"
    r"em(?!\w)(?!\s+(?:bé|gái|trai|út|nhỏ|ruột|họ)(?!\w)))")
# A pupil is "em": adult forms of address do not belong in the pupil bank.
PUPIL_ADULT_ADDRESS = re.compile(
    r"(?i:(?<!\w)(?:anh\s*/\s*chị|anh\s+chị|quý\s+vị)(?!\w)"
    r"|(?<!\w)(?<!các )(?<!những )(?<!người )(?<!một )(?<!mấy )"
    r"bạn\s+(?:nên|hãy|cần|phải)(?!\w))")
ADDRESS_FORMS = ("em", "adult")
DOCS_BEGIN = "<!-- coverage:begin -->"
DOCS_END = "<!-- coverage:end -->"

# An option must stand on its own: options are shuffled, so none may point at
# another one by position or letter. Answer letters match case-sensitively;
# words like "ý", "câu", "phương án" also have everyday meanings, so they only
# count when followed by "trên/dưới", "đều đúng/sai" or the end of the text.
_ANSWER_WORD = r"(?:đáp án|phương án|lựa chọn|câu trả lời|ý|câu)"
_ANSWER_TAIL = (r"(?:\s+(?:ở\s+|đã\s+|được\s+)?(?:nêu\s+|kể\s+)?(?:trên|dưới)\b"
                r"|\s+đều\s+(?:đúng|sai)\b|\s*[.!]?\s*$)")
_POSITION_PATTERNS = [
    r"(?i:\btất\s+cả\s+(?:các\s+|những\s+)?" + _ANSWER_WORD + _ANSWER_TAIL + ")",
    r"(?i:\btất\s+cả\s+(?:đều|những\s+điều)\s+(?:trên|đúng|sai)\b)",
    r"(?i:\b(?:cả|các|những)\s+(?:(?:hai|ba|bốn|2|3|4)\s+)?" + _ANSWER_WORD + _ANSWER_TAIL + ")",
    r"(?i:^\s*cả\s+(?:hai|ba|bốn)(?:\s+đều\b|\s+trên\b|\s*[.!]?\s*$))",
    r"(?i:\bkhông\s+(?:có\s+)?" + _ANSWER_WORD + r"\s+nào\s+(?:(?:ở\s+|kể\s+)?trên\s+)?(?:đúng|sai)\b)",
    r"(?i:\b(?:đáp án|phương án|lựa chọn|câu|ý))\s+[A-E]\b",
    r"\b[A-E](?:\s*,\s*[A-E])*\s+(?i:và|hoặc|lẫn|and|or)\s+[A-E]\b",
    r"\b[A-E]\s*&\s*[A-E]\b",
    r"(?i:\b(?:all|none|both|neither|either)\s+of\s+(?:the\s+)?"
    r"(?:above|below|these|options|answers)\b)",
    r"(?i:\b(?:answer|option|choice))\s+[A-E]\b",
]
POSITION_REFERENCE = re.compile("|".join(_POSITION_PATTERNS))
LETTER_REFERENCE = re.compile(
    r"(?i:\b(?:đáp án|phương án|lựa chọn|answer|option|choice))\s+[A-E]\b")


# ---------------------------------------------------------------------------
# Data types

@dataclasses.dataclass
class Config:
    """What audience-topics.json says: codes, fitting pairs, banks, minimums."""
    topics: list
    audience_topics: dict
    banks: dict
    min_questions: int
    min_per_topic: int
    quiz_size: int
    strict: bool = False
    near_duplicate_ratio: float = NEAR_DUPLICATE_RATIO

    def address(self, rel):
        """The form of address of the bank at rel: "em" or "adult"."""
        return self.banks.get(rel, {}).get("address", "adult")


@dataclasses.dataclass
class Problem:
    """One reported error."""
    file: str
    line: int
    subject: str
    message: str

    def __str__(self):
        subject = f" {self.subject}:" if self.subject else ""
        return f"{self.file}:{self.line}:{subject} {self.message}"


@dataclasses.dataclass
class Finding:
    """A problem inside one bank or question, before it gets a line number.

    path: JSON path of the offending value, relative to the question (or to
    the bank for bank-level findings). replaces: a top-level field whose
    schema errors this finding explains better, so those are not repeated.
    """
    message: str
    path: tuple = ()
    replaces: str = None


@dataclasses.dataclass
class Bank:
    """One loaded bank file."""
    file: str          # path as printed
    rel: str           # path relative to the root, as audience-topics.json names it
    data: object
    lines: dict        # JSON path tuple -> 1-based line of the value's start

    def line(self, path):
        """Line of the value at path, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    @property
    def code(self):
        code = self.data.get("code") if isinstance(self.data, dict) else None
        return code if isinstance(code, str) else None

    @property
    def language(self):
        return self.data.get("language") if isinstance(self.data, dict) else None

    @property
    def audiences(self):
        audiences = self.data.get("audiences") if isinstance(self.data, dict) else None
        if not isinstance(audiences, list):
            return []
        return [a for a in audiences if isinstance(a, str)]

    @property
    def questions(self):
        """(index, question) for every question that is an object."""
        questions = self.data.get("questions") if isinstance(self.data, dict) else None
        if not isinstance(questions, list):
            return []
        return [(i, q) for i, q in enumerate(questions) if isinstance(q, dict)]

    def subject(self):
        return f"bank {self.code}" if self.code else "bank"

    def question_subject(self, index):
        return "question " + question_label(self.data["questions"][index], index)

    def problem(self, finding, index=None):
        """Turn a finding about the bank (index None) or a question into a Problem."""
        if index is None:
            return Problem(self.file, self.line(finding.path), self.subject(),
                           finding.message)
        path = ("questions", index) + tuple(finding.path)
        return Problem(self.file, self.line(path), self.question_subject(index),
                       finding.message)


def question_label(question, index):
    code = question.get("code") if isinstance(question, dict) else None
    return code if isinstance(code, str) and code else f"#{index + 1}"


# ---------------------------------------------------------------------------
# Loading

class ConfigError(Exception):
    pass


def load_json_file(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: {e}") from None


def load_config(root, strict=False):
    """Read audience-topics.json. With strict (--strict-2027) the bank sizes
    come from its "strict_2027" object (default 120 questions, 8 per topic)
    and the near-duplicate ratio is 0.85."""
    path = os.path.join(root, "audience-topics.json")
    raw = load_json_file(path)
    try:
        sizes = raw.get("strict_2027", {}) if strict else raw
        config = Config(
            topics=list(raw["topics"]),
            audience_topics={a: list(t) for a, t in raw["audiences"].items()},
            banks=dict(raw["banks"]),
            min_questions=int(sizes.get("min_questions_per_bank",
                                        STRICT_MIN_QUESTIONS if strict else DEFAULT_MIN_QUESTIONS)),
            min_per_topic=int(sizes.get("min_per_topic",
                                        STRICT_MIN_PER_TOPIC if strict else DEFAULT_MIN_PER_TOPIC)),
            quiz_size=int(raw.get("quiz_size", DEFAULT_QUIZ_SIZE)),
            strict=strict,
            near_duplicate_ratio=STRICT_NEAR_DUPLICATE_RATIO if strict else NEAR_DUPLICATE_RATIO,
        )
        for rel, bank in config.banks.items():
            if bank.get("address", "adult") not in ADDRESS_FORMS:
                raise ValueError(f"bank {rel}: address must be one of {ADDRESS_FORMS}")
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise ConfigError(f"{path}: malformed ({e!r})") from None
    return config


def make_validator(schema):
    validator_class = jsonschema.validators.validator_for(schema)
    if "2020-12" in schema.get("$schema", "") and not hasattr(jsonschema, "Draft202012Validator"):
        raise ConfigError("jsonschema is too old for draft 2020-12; "
                          "install python3-jsonschema 4 or newer")
    validator_class.check_schema(schema)
    return validator_class(schema)


def value_lines(text):
    """Map every JSON path in text (already known to parse) to the 1-based
    line where its value starts."""
    decoder = json.JSONDecoder()
    whitespace = re.compile(r"[ \t\n\r]*")
    newlines = [m.start() for m in re.finditer("\n", text)]
    lines = {}

    def skip(pos):
        return whitespace.match(text, pos).end()

    def walk(pos, path):
        pos = skip(pos)
        lines[path] = bisect.bisect_left(newlines, pos) + 1
        opener = text[pos]
        if opener not in "[{":
            return decoder.raw_decode(text, pos)[1]
        closer = "]" if opener == "[" else "}"
        pos = skip(pos + 1)
        index = 0
        while text[pos] != closer:
            if opener == "{":
                key, pos = decoder.raw_decode(text, pos)
                pos = skip(pos) + 1  # the ':'
                pos = walk(pos, path + (key,))
            else:
                pos = walk(pos, path + (index,))
                index += 1
            pos = skip(pos)
            if text[pos] == ",":
                pos = skip(pos + 1)
        return pos + 1

    walk(0, ())
    return lines


def load_bank(file, rel):
    """Return (Bank, []) or (None, [Problem]) when the file can't be read or parsed."""
    try:
        with open(file, "rb") as f:
            raw = f.read()
    except OSError as e:
        return None, [Problem(file, 1, "", f"cannot read the file: {e.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        return None, [Problem(file, line, "", f"not valid UTF-8 (byte offset {e.start})")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        return None, [Problem(file, e.lineno, "",
                              f"invalid JSON: {e.msg} (line {e.lineno}, column {e.colno})")]
    return Bank(file, rel, data, value_lines(text)), []


# ---------------------------------------------------------------------------
# Schema errors

def schema_findings(validator, data):
    """Yield (question index or None, Finding) for every schema error."""
    for error in validator.iter_errors(data):
        path = tuple(error.absolute_path)
        index = None
        if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
            index, path = path[1], path[2:]
        field = path[0] if path else missing_property(error)
        yield index, Finding("schema: " + describe_schema_error(error, path),
                             path, field)


def missing_property(error):
    if error.validator != "required":
        return None
    match = re.match(r"'([^']*)' is a required property", error.message)
    return match.group(1) if match else None


def describe_schema_error(error, path):
    """A one-line message that names the problem without dumping whole objects."""
    where = json_path_text(path)
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if kind == "enum":
        message = f"{short_repr(instance)} is not an allowed value"
    elif kind == "const":
        message = f"must be {expected!r}"
    elif kind == "type":
        message = f"must be of type {expected}, not {json_type(instance)}"
    elif kind == "not" and isinstance(expected, dict) and expected.get("required"):
        what = "for this type of question" if isinstance(instance, dict) and "type" in instance \
            else "here"
        message = f"'{expected['required'][0]}' is not allowed {what}"
    elif kind in ("minItems", "maxItems"):
        bound = "at least" if kind == "minItems" else "at most"
        message = f"needs {bound} {expected} items, has {len(instance)}"
    elif kind in ("contains", "minContains", "maxContains"):
        message = "has the wrong number of items of the required kind"
    elif kind == "uniqueItems":
        message = "has repeated items"
    elif kind == "pattern" and expected == r"\S":
        message = "must not be blank"
    elif kind == "pattern":
        message = f"{short_repr(instance)} does not match {expected!r}"
    elif kind == "oneOf" and path and path[0] == "options":
        message = "an option needs either 'correct' or 'weight', not both"
    elif kind in ("oneOf", "anyOf"):
        message = "matches none of the allowed forms"
    else:
        message = error.message
        if len(message) > 200:
            message = message[:200] + "..."
    return f"{where}: {message}" if where else message


def short_repr(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def json_type(value):
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return {int: "integer", float: "number", str: "string",
            list: "array", dict: "object"}.get(type(value), type(value).__name__)


def json_path_text(path):
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


# ---------------------------------------------------------------------------
# Rules for one question

def check_question(question, language, prefix, config, address="adult"):
    """Return the findings of every per-question rule."""
    findings = (check_topics(question, config)
                + check_options(question, language)
                + check_explanation(question)
                + check_nfc(question_texts(question))
                + check_position_references(question)
                + check_code_prefix(question, prefix))
    if config.strict:
        findings += (check_feedback(question)
                     + check_multiple_fairness(question)
                     + check_address(question, address))
    return findings


def check_topics(question, config):
    topics = question.get("topics")
    if not isinstance(topics, list):
        return []
    if not topics:
        return [Finding("has no topic", ("topics",), "topics")]
    return [Finding(f"unknown topic {topic!r}", ("topics", n), "topics")
            for n, topic in enumerate(topics)
            if not isinstance(topic, str) or topic not in config.topics]


def check_options(question, language):
    qtype, options = question.get("type"), question.get("options")
    if qtype not in OPTION_COUNTS or not isinstance(options, list):
        return []
    findings = []
    low, high = OPTION_COUNTS[qtype]
    if not low <= len(options) <= high:
        wanted = f"exactly {low}" if low == high else f"{low}–{high}"
        findings.append(Finding(f"a {qtype} question needs {wanted} options, it has {len(options)}",
                                ("options",), "options"))
    numbered = [(n, o) for n, o in enumerate(options) if isinstance(o, dict)]
    if qtype == "multiple":
        findings += check_multiple_marks(numbered)
    else:
        findings += check_flag_marks(qtype, numbered)
    if qtype == "true_false":
        findings += check_true_false_texts(numbered, language)
    findings += check_duplicate_option_texts(numbered)
    return findings


def check_flag_marks(qtype, numbered):
    """single, true_false and short: every option has a correct flag."""
    findings = []
    for n, option in numbered:
        if "weight" in option:
            findings.append(Finding(f"option {n + 1} has a weight; only multiple questions "
                                    "may use weights", ("options", n), "options"))
        elif not isinstance(option.get("correct"), bool):
            findings.append(Finding(f"option {n + 1} lacks a true/false 'correct' flag",
                                    ("options", n), "options"))
    if qtype == "short":
        wrong = [str(n + 1) for n, o in numbered if o.get("correct") is False]
        if wrong:
            findings.append(Finding("every option of a short question is an accepted answer "
                                    f"and must be marked correct (not so: option {', '.join(wrong)})",
                                    ("options",), "options"))
        return findings
    correct = sum(1 for _, o in numbered if o.get("correct") is True)
    if correct != 1:
        findings.append(Finding(f"a {qtype} question needs exactly one correct option, "
                                f"it has {correct}", ("options",), "options"))
    return findings


def check_multiple_marks(numbered):
    """multiple: correct flags (at least one true) or weights (positives sum to 1)."""
    findings = []
    flagged = [n for n, o in numbered if "correct" in o]
    weighted = [n for n, o in numbered if "weight" in o]
    for n, option in numbered:
        if "correct" in option and "weight" in option:
            findings.append(Finding(f"option {n + 1} has both 'correct' and 'weight'",
                                    ("options", n), "options"))
        elif "correct" not in option and "weight" not in option:
            findings.append(Finding(f"option {n + 1} has neither 'correct' nor 'weight'",
                                    ("options", n), "options"))
    if flagged and weighted:
        findings.append(Finding("options mix 'correct' flags and weights; use one or the "
                                "other for all options", ("options",), "options"))
    elif weighted:
        positive = sum(o["weight"] for _, o in numbered
                       if is_number(o.get("weight")) and o["weight"] > 0)
        if abs(positive - 1) > WEIGHT_TOLERANCE:
            findings.append(Finding(f"positive weights sum to {positive:g}, they must sum to 1",
                                    ("options",), "options"))
    elif not any(o.get("correct") is True for _, o in numbered):
        findings.append(Finding("a multiple question needs at least one correct option",
                                ("options",), "options"))
    return findings


def check_true_false_texts(numbered, language):
    expected = TRUE_FALSE_TEXTS.get(language)
    texts = sorted(o.get("text") for _, o in numbered if isinstance(o.get("text"), str))
    if expected is None or len(numbered) != 2 or texts == sorted(expected):
        return []
    return [Finding(f"the options of a true_false question must be "
                    f"\"{expected[0]}\" and \"{expected[1]}\"", ("options",))]


def check_duplicate_option_texts(numbered):
    findings = []
    seen = {}
    for n, option in numbered:
        text = option.get("text")
        if not isinstance(text, str):
            continue
        key = " ".join(unicodedata.normalize("NFC", text).casefold().split())
        if key in seen:
            findings.append(Finding(f"options {seen[key] + 1} and {n + 1} have the same text",
                                    ("options", n, "text")))
        else:
            seen[key] = n
    return findings


def check_explanation(question):
    if "explanation" not in question:
        return [Finding("explanation is missing", (), "explanation")]
    explanation = question["explanation"]
    if not isinstance(explanation, str) or not explanation.strip():
        return [Finding("explanation is empty", ("explanation",), "explanation")]
    return []


def question_texts(question):
    """(path, label, text) of every text a reader sees in a question."""
    texts = []
    for field in ("stem", "explanation", "reference"):
        if isinstance(question.get(field), str):
            texts.append(((field,), field, question[field]))
    for n, option in question_options(question):
        if isinstance(option.get("text"), str):
            texts.append((("options", n, "text"), f"option {n + 1}", option["text"]))
        if isinstance(option.get("feedback"), str):
            texts.append((("options", n, "feedback"), f"feedback of option {n + 1}",
                          option["feedback"]))
    return texts


def question_options(question):
    """(index, option) of every option that is an object."""
    options = question.get("options")
    return [(n, o) for n, o in enumerate(options if isinstance(options, list) else [])
            if isinstance(o, dict)]


def check_nfc(texts):
    return [Finding(f"{label} is not in Unicode NFC (normalise it with NFC)", path)
            for path, label, text in texts
            if not unicodedata.is_normalized("NFC", text)]


def check_position_references(question):
    findings = []
    for path, label, text in question_texts(question):
        if path[0] == "options" and path[-1] == "text":
            match = POSITION_REFERENCE.search(text)
            what = "refers to other options by position"
        elif path[0] == "explanation" or path[-1] == "feedback":
            match = LETTER_REFERENCE.search(text)
            what = "refers to an option by its letter"
        else:
            continue
        if match:
            findings.append(Finding(f"{label} {what} ({match.group(0)!r}); options are "
                                    "shuffled, so write it out in full", path))
    return findings


# ---------------------------------------------------------------------------
# The 2027 rules for one question (--strict-2027)

FEEDBACK_POSITION = re.compile(
    r"(?i:\b(?:đáp án|phương án|lựa chọn|câu trả lời|ý)\s+(?:ở\s+)?"
    r"(?:(?:trên|dưới)(?=\s*(?:[.,;:!)]|$|(?:đây|kia|đều|là|cũng|thì|đúng|sai)(?!\w)))"
    r"|đầu tiên|cuối cùng|thứ\s+(?:nhất|hai|ba|tư|năm)|còn lại|kia)(?!\w))")


def check_feedback(question):
    """Every option carries one short sentence of feedback that teaches."""
    findings = []
    for n, option in question_options(question):
        feedback = option.get("feedback")
        path = ("options", n)
        if feedback is None:
            path += ("text",) if "text" in option else ()
            findings.append(Finding(f"option {n + 1} has no feedback: say in one sentence "
                                    "why this choice is right or wrong", path))
            continue
        if not isinstance(feedback, str) or not feedback.strip():
            findings.append(Finding(f"feedback of option {n + 1} is empty",
                                    path + ("feedback",)))
            continue
        path += ("feedback",)
        if len(feedback) > MAX_FEEDBACK_LENGTH:
            findings.append(Finding(f"feedback of option {n + 1} has {len(feedback)} "
                                    f"characters, at most {MAX_FEEDBACK_LENGTH}", path))
        if len(feedback.split()) < MIN_FEEDBACK_WORDS:
            findings.append(Finding(f"feedback of option {n + 1} ({feedback!r}) does not "
                                    "teach: say why the choice is right or wrong", path))
        if question.get("type") != "short" and restates(option.get("text"), feedback):
            findings.append(Finding(f"feedback of option {n + 1} only restates the option; "
                                    "say why the choice is right or wrong", path))
        match = FEEDBACK_POSITION.search(feedback)
        if match:
            findings.append(Finding(f"feedback of option {n + 1} refers to an option by "
                                    f"position ({match.group(0)!r}); options are shuffled",
                                    path))
    return findings


def restates(text, feedback):
    """True when feedback is the option's text again, give or take a verdict
    word and a few letters."""
    if not isinstance(text, str):
        return False
    option, said = normalise_stem(text), normalise_stem(FEEDBACK_VERDICT.sub("", feedback))
    if not option:
        return False
    ratio = difflib.SequenceMatcher(None, option, said, autojunk=False).ratio()
    return ratio >= RESTATE_RATIO and len(said) - len(option) < RESTATE_MIN_EXTRA


def right_options(question):
    """Indexes of the right options: correct, or a positive weight."""
    return [n for n, o in question_options(question)
            if o.get("correct") is True
            or (is_number(o.get("weight")) and o["weight"] > 0)]


def check_multiple_fairness(question):
    """multiple: one to all-but-one right options, and the instruction to
    choose all that apply."""
    if question.get("type") != "multiple":
        return []
    findings = []
    total, right = len(question_options(question)), len(right_options(question))
    if right == total and total:
        findings.append(Finding(f"all {total} options are right; a multiple question needs "
                                "at least one wrong option", ("options",)))
    stem = question.get("stem")
    if isinstance(stem, str) and not CHOOSE_ALL.search(stem):
        findings.append(Finding("a multiple stem must tell the reader to choose all that "
                                "apply (\"Chọn tất cả các đáp án đúng.\")", ("stem",)))
    return findings


def check_address(question, address):
    """The pupil bank speaks to "em"; adult banks never do."""
    pattern, what = ((PUPIL_ADULT_ADDRESS, "the pupil bank addresses the reader as \"em\"")
                     if address == "em" else
                     (ADULT_ADDRESS_EM, "an adult bank addresses the reader as \"bạn\" "
                                        "or \"anh/chị\", never \"em\""))
    findings = []
    for path, label, text in question_texts(question):
        if path[0] == "reference":
            continue
        match = pattern.search(text)
        if match:
            findings.append(Finding(f"{label}: {what} (found {match.group(0)!r})", path))
    return findings


# ---------------------------------------------------------------------------
# The 2027 rules for one bank: fair items

@dataclasses.dataclass
class Fairness:
    """The figures of the fair-item rules for one bank."""
    singles: int = 0
    longest: list = dataclasses.field(default_factory=list)   # question indexes
    wrong: int = 0
    wrong_absolute: list = dataclasses.field(default_factory=list)  # (index, option)
    right: int = 0
    right_absolute: int = 0
    right_counts: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    first_multiple: int = None

    @property
    def longest_share(self):
        return len(self.longest) / self.singles if self.singles else 0.0

    @property
    def w(self):
        return len(self.wrong_absolute) / self.wrong if self.wrong else 0.0

    @property
    def r(self):
        return self.right_absolute / self.right if self.right else 0.0

    def top_count(self):
        """(count of right options, its share) of the commonest count."""
        total = sum(self.right_counts.values())
        if not total:
            return None, 0.0
        count, times = max(sorted(self.right_counts.items()), key=lambda kv: kv[1])
        return count, times / total


def option_length(option):
    text = option.get("text")
    return len(unicodedata.normalize("NFC", text.strip())) if isinstance(text, str) else 0


def bank_fairness(bank):
    fairness = Fairness()
    for index, question in bank.questions:
        qtype = question.get("type")
        options = question_options(question)
        right = set(right_options(question))
        if qtype == "single" and len(right) == 1:
            fairness.singles += 1
            (r,) = right
            lengths = {n: option_length(o) for n, o in options}
            if all(lengths[r] > length for n, length in lengths.items() if n != r):
                fairness.longest.append(index)
        if qtype in ("single", "multiple", "true_false"):
            for n, option in options:
                text = option.get("text") if isinstance(option.get("text"), str) else ""
                absolute = bool(ABSOLUTE_WORDS.search(text))
                if n in right:
                    fairness.right += 1
                    fairness.right_absolute += absolute
                else:
                    fairness.wrong += 1
                    if absolute:
                        fairness.wrong_absolute.append((index, n))
        if qtype == "multiple":
            fairness.right_counts[len(right)] += 1
            if fairness.first_multiple is None:
                fairness.first_multiple = index
    return fairness


def codes_text(bank, indexes, limit=12):
    labels = [question_label(bank.data["questions"][i], i) for i in indexes]
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return ", ".join(labels[:limit]) + more


def check_fairness(bank):
    """Bank-level fair-item findings, each at the line of its first offender."""
    return [dataclasses.replace(finding, path=("questions", index) + finding.path)
            for index, finding in fairness_findings(bank)]


def fairness_findings(bank):
    """(index of the first offending question, Finding relative to it)."""
    fairness = bank_fairness(bank)
    findings = []
    if fairness.longest_share > MAX_LONGEST_RIGHT_SHARE:
        findings.append((fairness.longest[0], Finding(
            f"the right option is strictly the longest in {len(fairness.longest)} of "
            f"{fairness.singles} single questions ({fairness.longest_share:.0%}), at most "
            f"{MAX_LONGEST_RIGHT_SHARE:.0%} allowed: {codes_text(bank, fairness.longest)}",
            ("options",))))
    gap = fairness.w - fairness.r
    if gap > MAX_ABSOLUTE_WORD_GAP:
        index, n = fairness.wrong_absolute[0]
        findings.append((index, Finding(
            f"absolute words sit in wrong options: W {fairness.w:.3f} (in "
            f"{len(fairness.wrong_absolute)} of {fairness.wrong} wrong options) - R "
            f"{fairness.r:.3f} (in {fairness.right_absolute} of {fairness.right} right "
            f"options) = {gap:.3f} > {MAX_ABSOLUTE_WORD_GAP}; wrong options with them: "
            f"{codes_text(bank, sorted({i for i, _ in fairness.wrong_absolute}))}",
            ("options", n, "text"))))
    count, share = fairness.top_count()
    if share > MAX_MULTIPLE_COUNT_SHARE:
        findings.append((fairness.first_multiple, Finding(
            f"{share:.0%} of the multiple questions have exactly {count} right option(s), "
            f"at most {MAX_MULTIPLE_COUNT_SHARE:.0%} may share one count "
            f"(counts: {right_counts_text(fairness)})", ("options",))))
    return findings


def right_counts_text(fairness):
    return ", ".join(f"{count} right: {times}"
                     for count, times in sorted(fairness.right_counts.items())) or "none"


def check_code_prefix(question, prefix):
    code = question.get("code")
    if not prefix or not isinstance(code, str) or code.startswith(prefix + "-"):
        return []
    return [Finding(f"code should start with '{prefix}-', this bank's prefix in "
                    "audience-topics.json", ("code",))]


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ---------------------------------------------------------------------------
# Rules for one bank

def check_bank(bank, validator, config):
    """All problems found inside one bank: schema, header, questions, coverage."""
    rule_findings = collections.defaultdict(list)  # question index or None -> findings
    if isinstance(bank.data, dict):
        rule_findings[None] += check_bank_header(bank, config)
        prefix = config.banks.get(bank.rel, {}).get("prefix")
        for index, question in bank.questions:
            rule_findings[index] += check_question(question, bank.language, prefix, config,
                                                   config.address(bank.rel))
        rule_findings[None] += check_coverage(bank, config)
        if config.strict:
            rule_findings[None] += check_fairness(bank)

    problems = []
    for index, finding in schema_findings(validator, bank.data):
        replaced = {f.replaces for f in rule_findings.get(index, [])}
        if finding.replaces is None or finding.replaces not in replaced:
            problems.append(bank.problem(finding, index))
    for index, findings in rule_findings.items():
        problems += [bank.problem(f, index) for f in findings]
    return problems


def check_bank_header(bank, config):
    findings = [Finding(f"unknown audience {audience!r}", ("audiences", n), "audiences")
                for n, audience in enumerate(bank.audiences)
                if audience not in config.audience_topics]
    title = bank.data.get("title")
    if isinstance(title, str):
        findings += check_nfc([(("title",), "title", title)])
    expected = config.banks.get(bank.rel)
    if expected:
        if bank.code is not None and bank.code != expected.get("code"):
            findings.append(Finding(f"bank code should be {expected.get('code')!r} as "
                                    "audience-topics.json says", ("code",)))
        if sorted(bank.audiences) != sorted(expected.get("audiences", [])):
            findings.append(Finding(f"audiences should be {expected.get('audiences')} as "
                                    "audience-topics.json says", ("audiences",)))
    return findings


def bank_counts(bank):
    """Counters of the bank's questions by topic, difficulty and type."""
    topics, difficulties, types = (collections.Counter() for _ in range(3))
    for _, question in bank.questions:
        question_topics = question.get("topics")
        if isinstance(question_topics, list):
            topics.update({t for t in question_topics if isinstance(t, str)})
        difficulty = question.get("difficulty")
        if difficulty in DIFFICULTIES and not isinstance(difficulty, bool):
            difficulties[difficulty] += 1
        if isinstance(question.get("type"), str):
            types[question["type"]] += 1
    return topics, difficulties, types


def listed_topics(bank, config):
    """Topics the bank's audiences list, in the order of audience-topics.json."""
    wanted = {t for a in bank.audiences for t in config.audience_topics.get(a, [])}
    return [t for t in config.topics if t in wanted]


def check_coverage(bank, config):
    findings = []
    total = len(bank.questions)
    topics, difficulties, _ = bank_counts(bank)
    if total < config.min_questions:
        findings.append(Finding(f"has {total} questions, needs at least {config.min_questions}",
                                ("questions",)))
    for audience in bank.audiences:
        for topic in config.audience_topics.get(audience, []):
            if topics[topic] < config.min_per_topic:
                findings.append(Finding(
                    f"topic {topic!r} has {topics[topic]} question(s), audience {audience!r} "
                    f"needs at least {config.min_per_topic}", ("questions",)))
    if total < config.quiz_size or any(difficulties[d] == 0 for d in DIFFICULTIES):
        by_level = "/".join(str(difficulties[d]) for d in DIFFICULTIES)
        findings.append(Finding(
            f"cannot fill a {config.quiz_size}-question quiz with all three difficulty "
            f"levels: {total} questions, difficulty 1/2/3: {by_level}", ("questions",)))
    return findings


# ---------------------------------------------------------------------------
# Rules across banks

def check_unique_codes(banks):
    problems = []
    first_question = {}
    first_bank = {}
    for bank in banks:
        if bank.code is not None:
            if bank.code in first_bank:
                other = first_bank[bank.code]
                problems.append(bank.problem(Finding(
                    f"bank code {bank.code!r} is also used by {other.file}", ("code",))))
            else:
                first_bank[bank.code] = bank
        for index, question in bank.questions:
            code = question.get("code")
            if not isinstance(code, str):
                continue
            if code in first_question:
                other, other_index = first_question[code]
                where = f"{other.file}:{other.line(('questions', other_index))}"
                problems.append(bank.problem(Finding(
                    f"duplicate question code (also used at {where})", ("code",)), index))
            else:
                first_question[code] = (bank, index)
    return problems


def normalise_stem(stem):
    """NFC, lower case, letters and digits only."""
    text = unicodedata.normalize("NFC", stem).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def near_duplicate_pairs(stems, threshold=NEAR_DUPLICATE_RATIO):
    """Yield (i, j, ratio), i < j, for different stems whose SequenceMatcher
    ratio is at least threshold. Stems are visited by length, so the length
    bound 2*min/(la+lb) lets the inner loop stop early."""
    order = sorted(range(len(stems)), key=lambda k: len(stems[k]))
    matcher = difflib.SequenceMatcher(autojunk=False)
    for position, a in enumerate(order):
        short = stems[a]
        if not short:
            continue
        matcher.set_seq2(short)
        for b in order[position + 1:]:
            longer = stems[b]
            if 2 * len(short) < threshold * (len(short) + len(longer)):
                break
            if longer == short:
                continue
            matcher.set_seq1(longer)
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            ratio = matcher.ratio()
            if ratio >= threshold:
                yield min(a, b), max(a, b), ratio


def check_stems(banks, threshold=NEAR_DUPLICATE_RATIO):
    """Exact and near duplicates among the stems of all banks; each is reported
    at the later question."""
    entries = [(bank, index, normalise_stem(question["stem"]))
               for bank in banks for index, question in bank.questions
               if isinstance(question.get("stem"), str)]

    def where(entry):
        bank, index, _ = entry
        label = question_label(bank.data["questions"][index], index)
        return f"question {label} at {bank.file}:{bank.line(('questions', index))}"

    problems = []
    first = {}
    for entry in entries:
        bank, index, key = entry
        if key in first:
            problems.append(bank.problem(Finding(f"stem duplicates {where(first[key])}",
                                                 ("stem",)), index))
        else:
            first[key] = entry
    for i, j, ratio in near_duplicate_pairs([e[2] for e in entries], threshold):
        bank, index, _ = entries[j]
        problems.append(bank.problem(Finding(
            f"stem is a near-duplicate (similarity {ratio:.2f}) of {where(entries[i])}",
            ("stem",)), index))
    return problems


def check_config_against_schema(config, schema, root):
    """The codes audience-topics.json names must all be allowed by the schema."""
    problems = []
    defs = schema.get("$defs", {})
    file = os.path.join(root, "audience-topics.json")
    for kind, codes in (("topic", config.topics), ("audience", config.audience_topics)):
        allowed = defs.get(kind, {}).get("enum")
        unknown = sorted(set(codes) - set(allowed)) if allowed else []
        if unknown:
            problems.append(Problem(file, 1, "", f"{kind} codes unknown to schema.json: "
                                    + ", ".join(unknown)))
    for audience, topics in config.audience_topics.items():
        unknown = sorted(set(topics) - set(config.topics))
        if unknown:
            problems.append(Problem(file, 1, "", f"audience {audience!r} lists topics "
                                    "missing from 'topics': " + ", ".join(unknown)))
    return problems


# ---------------------------------------------------------------------------
# Reports

def print_bank_table(bank, config, out):
    topics, difficulties, types = bank_counts(bank)
    listed = listed_topics(bank, config)
    audiences = ", ".join(bank.audiences) or "no audience"
    print(f"\n{bank.file} ({bank.code or '?'}; {audiences}): "
          f"{len(bank.questions)} questions", file=out)
    print(f"  {'topic':<24} {'questions':>9}", file=out)
    for topic in listed + sorted(set(topics) - set(listed)):
        note = ""
        if topic not in listed:
            note = "  (not listed for this audience)"
        elif topics[topic] < config.min_per_topic:
            note = f"  < {config.min_per_topic}"
        print(f"  {topic:<24} {topics[topic]:>9}{note}", file=out)
    print("  difficulty   " + "   ".join(f"{d}: {difficulties[d]}" for d in DIFFICULTIES),
          file=out)
    print("  type         " + "   ".join(f"{t}: {types[t]}" for t in TYPES), file=out)
    fairness = bank_fairness(bank)
    print(f"  longest right option (single)   {len(fairness.longest)}/{fairness.singles} "
          f"= {fairness.longest_share:.1%}  (at most {MAX_LONGEST_RIGHT_SHARE:.0%})", file=out)
    print(f"  absolute words                  W {fairness.w:.3f} "
          f"({len(fairness.wrong_absolute)}/{fairness.wrong} wrong)   R {fairness.r:.3f} "
          f"({fairness.right_absolute}/{fairness.right} right)   W-R "
          f"{fairness.w - fairness.r:+.3f}  (at most {MAX_ABSOLUTE_WORD_GAP})", file=out)
    count, share = fairness.top_count()
    top = f"; commonest {share:.0%}" if count is not None else ""
    print(f"  right options in multiple       {right_counts_text(fairness)}{top}  "
          f"(at most {MAX_MULTIPLE_COUNT_SHARE:.0%} for one count)", file=out)


def coverage_markdown(banks, config):
    """The generated body of the docs' coverage section."""
    audiences = list(config.audience_topics)
    per_audience = {a: collections.Counter() for a in audiences}
    for bank in banks:
        topics = bank_counts(bank)[0]
        for audience in bank.audiences:
            if audience in per_audience:
                per_audience[audience].update(topics)

    lines = [
        "<!-- Generated by question-banks/check.py (make check-banks); do not edit by hand. -->",
        "",
        "Questions per topic and audience, counted in the banks that serve the "
        f"audience. `–`: the topic is not listed for that audience; `(n)`: "
        f"questions tagged with a topic not listed for it; **bold**: fewer than "
        f"{config.min_per_topic}.",
        "",
        "| topic | " + " | ".join(f"`{a}`" for a in audiences) + " |",
        "|---|" + "---:|" * len(audiences),
    ]
    for topic in config.topics:
        cells = [coverage_cell(per_audience[a][topic], topic in config.audience_topics[a],
                               config.min_per_topic) for a in audiences]
        lines.append(f"| `{topic}` | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Questions per bank, by difficulty and by type:",
        "",
        "| bank | file | questions | difficulty 1 | difficulty 2 | difficulty 3 | "
        + " | ".join(TYPES) + " |",
        "|---|---|---:|---:|---:|---:|" + "---:|" * len(TYPES),
    ]
    for bank in banks:
        _, difficulties, types = bank_counts(bank)
        cells = [str(len(bank.questions))] + [str(difficulties[d]) for d in DIFFICULTIES] \
            + [str(types[t]) for t in TYPES]
        lines.append(f"| `{bank.code or '?'}` | `{bank.rel}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def coverage_cell(count, listed, minimum):
    if not listed:
        return f"({count})" if count else "–"
    return f"**{count}**" if count < minimum else str(count)


def update_docs(path, body):
    """Replace the coverage section of the Markdown file at path.
    Returns (changed, problem or None)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        return False, Problem(path, 1, "", f"cannot read the docs: {e.strerror}")
    begin = text.find(DOCS_BEGIN)
    end = text.find(DOCS_END, begin + len(DOCS_BEGIN)) if begin >= 0 else -1
    if begin < 0 or end < 0:
        return False, Problem(path, 1, "", f"docs lack the markers {DOCS_BEGIN} ... {DOCS_END}")
    new_text = text[:begin + len(DOCS_BEGIN)] + "\n" + body + "\n" + text[end:]
    if new_text == text:
        return False, None
    with open(path, "w", encoding="utf-8") as f:
        f.write(new_text)
    return True, None


# ---------------------------------------------------------------------------
# Main

def parse_args(argv):
    script_dir = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=os.path.relpath(script_dir),
                        help="folder with audience-topics.json, schema.json and the banks "
                             "(default: the folder of this script)")
    parser.add_argument("--docs", metavar="PATH",
                        help="Markdown file whose coverage section to rewrite when all is well")
    parser.add_argument("--strict-2027", action="store_true",
                        help="also enforce the 2027 rules: feedback on every option, the "
                             "audience's form of address, fair items, 120 questions per bank, "
                             "8 per fitting topic, near-duplicate stems at 0.85")
    parser.add_argument("files", nargs="*", metavar="FILES",
                        help="bank files to check (default: every bank audience-topics.json lists)")
    return parser.parse_args(argv)


def bank_files(args, config):
    """(file as printed, path relative to the root) of every bank to check."""
    if not args.files:
        return [(os.path.join(args.root, rel), rel) for rel in config.banks]
    root = os.path.abspath(args.root)
    files = []
    for file in args.files:
        rel = os.path.relpath(os.path.abspath(file), root)
        files.append((file, rel.replace(os.sep, "/")))
    return files


def run(args, out=sys.stdout):
    try:
        config = load_config(args.root, args.strict_2027)
        schema = load_json_file(os.path.join(args.root, "schema.json"))
        validator = make_validator(schema)
    except (ConfigError, jsonschema.exceptions.SchemaError) as e:
        print(f"check.py: {e}", file=sys.stderr)
        return 2

    files = bank_files(args, config)
    problems = check_config_against_schema(config, schema, args.root)
    banks = []
    for file, rel in files:
        bank, load_problems = load_bank(file, rel)
        problems += load_problems
        if bank:
            banks.append(bank)
            problems += check_bank(bank, validator, config)
    problems += check_unique_codes(banks)
    problems += check_stems(banks, config.near_duplicate_ratio)

    file_order = {file: n for n, (file, _) in enumerate(files)}
    problems.sort(key=lambda p: (file_order.get(p.file, -1), p.line))
    for problem in problems:
        print(problem, file=out)
    for bank in banks:
        print_bank_table(bank, config, out)

    if args.docs:
        if problems:
            print(f"\n{args.docs}: not updated because of the errors above", file=out)
        else:
            changed, problem = update_docs(args.docs, coverage_markdown(banks, config))
            if problem:
                problems.append(problem)
                print(problem, file=out)
            else:
                print(f"\n{args.docs}: coverage {'updated' if changed else 'unchanged'}",
                      file=out)

    questions = sum(len(bank.questions) for bank in banks)
    rules = " (2027 rules)" if config.strict else ""
    print(f"\ncheck-banks{rules}: {len(banks)} banks, {questions} questions, "
          f"{len(problems)} errors", file=out)
    return 1 if problems else 0


def main(argv=None):
    return run(parse_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
