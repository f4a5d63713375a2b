/* bank_gift.c - Moodle's GIFT format: the reader (into the questions of a
 * bank_conv) and the writer of a native bank (see bank_formats.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank_convert.h"
#include "util.h"

/* ---- reading ------------------------------------------------------------ */

/* GIFT escapes: \~ \= \# \{ \} \: \\ and \n for a line break. Trimmed new
 * string. */
static char *gift_unescape(const char *s, size_t n)
{
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			char e = s[i + 1];
			if (strchr("~=#{}:\\", e)) {
				sb_append(&sb, &e, 1);
				i++;
				continue;
			}
			if (e == 'n') {
				sb_puts(&sb, "\n");
				i++;
				continue;
			}
		}
		sb_append(&sb, &s[i], 1);
	}
	char *raw = sb_steal(&sb);
	char *t = bank_trim_dup(raw, strlen(raw));
	free(raw);
	return t;
}

/* A text of an answer or feedback: an optional format marker ([html] ...),
 * then GIFT text, in the engine's plain text. New string. */
static char *gift_text(const char *s, size_t n)
{
	enum bank_text_format format;
	size_t marker = bank_text_marker(s, n, &format);
	return bank_text_plain(gift_unescape(s + marker, n - marker), format);
}

/* The first unescaped occurrence of needle in s[from..to), or -1. */
static long gift_find(const char *s, size_t from, size_t to, const char *needle)
{
	size_t nl = strlen(needle);
	for (size_t i = from; i < to; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (i + nl <= to && memcmp(s + i, needle, nl) == 0)
			return (long)i;
	}
	return -1;
}

/* The first unescaped '=' or '~' in s[from..to), or to. */
static size_t gift_next_marker(const char *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '=' || s[i] == '~')
			return i;
	}
	return to;
}

/* A question's text with the physical line of each of its lines. */
struct gift_block {
	struct strbuf text;
	size_t *offsets; /* offsets[i]: where line i of the block starts in text */
	int *lines; /* its 1-based line in the file */
	size_t n, cap;
};

static int block_line_at(const struct gift_block *b, size_t offset)
{
	int line = b->n ? b->lines[0] : 0;
	for (size_t i = 0; i < b->n && b->offsets[i] <= offset; i++)
		line = b->lines[i];
	return line;
}

static void block_add_line(struct gift_block *b, const char *s, size_t n, int line)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 8;
		b->offsets = xrealloc(b->offsets, b->cap * sizeof *b->offsets);
		b->lines = xrealloc(b->lines, b->cap * sizeof *b->lines);
	}
	if (b->n)
		sb_puts(&b->text, "\n");
	b->offsets[b->n] = b->text.len;
	b->lines[b->n++] = line;
	sb_append(&b->text, s, n);
}

/* A weight "%50%" at a[p..end): sets *fraction and returns the offset after
 * it, or 0 after recording an error. */
static size_t gift_weight_at(struct bank_conv *c, const char *a, size_t p, size_t end, int line,
			     double *fraction)
{
	char num[32];
	const char *close = memchr(a + p + 1, '%', end - p - 1);
	size_t numlen = close ? (size_t)(close - (a + p + 1)) : 0;
	if (!close || numlen == 0 || numlen >= sizeof num) {
		bank_conv_error(c, line, "a weight must read %%50%%");
		return 0;
	}
	memcpy(num, a + p + 1, numlen);
	num[numlen] = '\0';
	char *stop = NULL;
	double w = strtod(num, &stop);
	if (*stop || !isfinite(w) || w < -100 || w > 100) {
		bank_conv_error(c, line, "the weight %%%s%% is not a percentage from -100 to 100",
				num);
		return 0;
	}
	*fraction = w / 100.0;
	return (size_t)(close - a) + 1;
}

/* Parses the answers of a[0..n) (the block without {}, without ####): each
 * "=text" or "~text", with an optional %weight% before the text and an
 * optional #feedback after it. Returns the count and a new array, or -1
 * after recording an error. */
static long gift_parse_answers(struct bank_conv *c, const struct gift_block *b, size_t base,
			       const char *a, size_t n, struct bank_answer **out)
{
	struct bank_answer *as = NULL;
	size_t count = 0, i = 0;
	*out = NULL;
	while (i < n && isspace((unsigned char)a[i]))
		i++;
	while (i < n) {
		int line = block_line_at(b, base + i);
		if (a[i] != '=' && a[i] != '~') {
			bank_conv_error(c, line,
					"an answer must start with = (right) or ~ (wrong)");
			goto fail;
		}
		struct bank_answer ans = { .marker = a[i++], .line = line };
		ans.fraction = ans.marker == '=' ? 1 : 0;
		size_t end = gift_next_marker(a, i, n);
		size_t p = i;
		while (p < end && isspace((unsigned char)a[p]))
			p++;
		if (p < end && a[p] == '%') {
			p = gift_weight_at(c, a, p, end, line, &ans.fraction);
			if (!p)
				goto fail;
			ans.weighted = true;
		}
		long hash = gift_find(a, p, end, "#");
		size_t text_end = hash >= 0 ? (size_t)hash : end;
		ans.text = gift_text(a + p, text_end - p);
		if (hash >= 0)
			ans.feedback = gift_text(a + hash + 1, end - (size_t)hash - 1);
		as = xrealloc(as, (count + 1) * sizeof *as);
		as[count++] = ans;
		if (!*ans.text) {
			bank_conv_error(c, line, "an answer has no text");
			goto fail;
		}
		i = end;
	}
	if (!count) {
		bank_conv_error(c, block_line_at(b, base), "the answer block is empty");
		goto fail;
	}
	*out = as;
	return (long)count;
fail:
	bank_answers_free(as, count);
	return -1;
}

/* True when a[0..n) (trimmed) is a true/false answer: T, F, TRUE or FALSE,
 * optionally followed by #feedback; *rest is where that '#' is. */
static bool gift_true_false(const char *a, size_t n, bool *value, size_t *rest)
{
	static const struct {
		const char *word;
		bool value;
	} words[] = { { "TRUE", true }, { "FALSE", false }, { "T", true }, { "F", false } };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t wl = strlen(words[i].word);
		if (n < wl || strncasecmp(a, words[i].word, wl) != 0)
			continue;
		size_t j = wl;
		while (j < n && isspace((unsigned char)a[j]))
			j++;
		if (j == n || a[j] == '#') {
			*value = words[i].value;
			*rest = j;
			return true;
		}
	}
	return false;
}

/* A question being read: its parts, located in the block. */
struct gift_question {
	const struct gift_block *b;
	int line;
	char *title; /* or NULL */
	char *stem;
	char *general; /* general feedback (####), or NULL */
	size_t a, a_end; /* the answers, trimmed, without the general feedback */
};

static void gift_question_cleanup(struct gift_question *q)
{
	free(q->title);
	free(q->stem);
	free(q->general);
}

/* Fills the new question p from q: code, stem, explanation, meta (taken). */
static void gift_fill(struct bank_pending *p, struct gift_question *q, struct bank_meta *meta)
{
	p->code = q->title && util_valid_code(q->title) ? xstrdup(q->title) : NULL;
	p->stem = q->stem;
	q->stem = NULL;
	if (q->general && *q->general) {
		p->explanation = q->general;
		q->general = NULL;
	}
	p->meta = *meta;
	memset(meta, 0, sizeof *meta);
}

/* {T#to who answers wrong#to who answers right}: the first feedback belongs
 * to the wrong option, the second to the right one. */
static void gift_true_false_question(struct bank_conv *c, struct gift_question *q, bool value,
				     size_t rest, struct bank_meta *meta)
{
	const char *s = q->b->text.data;
	struct bank_pending *p = bank_conv_add(c, q->line, "true_false");
	p->tf_true = value;
	if (rest < q->a_end - q->a) {
		const char *fb = s + q->a + rest + 1;
		size_t fl = q->a_end - q->a - rest - 1;
		long second = gift_find(fb, 0, fl, "#");
		char *wrong_fb = gift_text(fb, second >= 0 ? (size_t)second : fl);
		char *right_fb =
			second >= 0 ? gift_text(fb + second + 1, fl - (size_t)second - 1) : NULL;
		p->tf_feedback_true = value ? right_fb : wrong_fb;
		p->tf_feedback_false = value ? wrong_fb : right_fb;
	}
	gift_fill(p, q, meta);
}

/* Answers with = and ~: single or multiple choice with flags; only =:
 * short answer; only ~: multiple choice by weight. */
static void gift_choice_question(struct bank_conv *c, struct gift_question *q,
				 struct bank_meta *meta)
{
	const char *s = q->b->text.data;
	struct bank_answer *as = NULL;
	long nas = gift_parse_answers(c, q->b, q->a, s + q->a, q->a_end - q->a, &as);
	if (nas < 0)
		return;
	size_t right = 0, wrong = 0, partial = 0;
	double positive = 0;
	for (long i = 0; i < nas; i++) {
		bool is_right = as[i].marker == '=';
		right += is_right;
		wrong += !is_right;
		partial += as[i].weighted &&
			   fabs(as[i].fraction - (is_right ? 1 : 0)) > BANK_WEIGHT_EPSILON;
		positive += as[i].fraction > 0 ? as[i].fraction : 0;
	}
	json_t *options = NULL;
	const char *type = "multiple";
	if (!wrong) {
		type = "short";
		options = bank_short_options(c, as, (size_t)nas, q->line);
	} else if (right && partial) {
		bank_conv_skip(c, q->line,
			       "partial credit in a question with a right answer (=) is not "
			       "supported; give every answer a ~%%weight%% instead");
	} else if (right) {
		type = right == 1 ? "single" : "multiple";
		options = json_array();
		for (long i = 0; i < nas; i++)
			json_array_append_new(
				options,
				bank_option_new(as[i].text, as[i].marker == '=', as[i].feedback));
	} else if (fabs(positive - 1) > 0.01) {
		bank_conv_error(c, q->line,
				"the positive weights add up to %g%%, not 100%% (or mark the right "
				"answer with =)",
				positive * 100);
	} else {
		options = bank_options_from_fractions(as, (size_t)nas);
	}
	if (options) {
		struct bank_pending *p = bank_conv_add(c, q->line, type);
		p->options = options;
		gift_fill(p, q, meta);
	}
	bank_answers_free(as, (size_t)nas);
}

/* Reads the title, the stem and where the answers are. Returns 0, or -1
 * when the block is not a question (recorded as an error or a skip). */
static int gift_split(struct bank_conv *c, const struct gift_block *b, struct gift_question *q)
{
	const char *s = b->text.data;
	size_t n = b->text.len, pos = 0;
	q->b = b;
	q->line = b->lines[0];
	while (pos < n && isspace((unsigned char)s[pos]))
		pos++;
	if (n - pos >= 2 && memcmp(s + pos, "::", 2) == 0) {
		long end = gift_find(s, pos + 2, n, "::");
		if (end < 0) {
			bank_conv_error(c, q->line, "the title ::... is not closed with ::");
			return -1;
		}
		q->title = gift_unescape(s + pos + 2, (size_t)end - pos - 2);
		pos = (size_t)end + 2;
	}
	enum bank_text_format format;
	pos += bank_text_marker(s + pos, n - pos, &format);
	long open = gift_find(s, pos, n, "{");
	if (open < 0) {
		bank_conv_skip(c, q->line,
			       "a text without an answer block {...} (description) is not a "
			       "question");
		return -1;
	}
	long close = gift_find(s, (size_t)open + 1, n, "}");
	if (close < 0) {
		bank_conv_error(c, block_line_at(b, (size_t)open),
				"the answer block { is not closed with }");
		return -1;
	}
	if (gift_find(s, (size_t)close + 1, n, "{") >= 0) {
		bank_conv_skip(c, q->line,
			       "questions with several answer blocks are not supported");
		return -1;
	}
	char *before = gift_unescape(s + pos, (size_t)open - pos);
	char *after = gift_unescape(s + close + 1, n - (size_t)close - 1);
	if (*before || *after)
		q->stem = bank_text_plain(
			*after ? xasprintf("%s%s_____ %s", before, *before ? " " : "", after)
			       : xstrdup(before),
			format);
	free(before);
	free(after);
	q->a = (size_t)open + 1;
	q->a_end = (size_t)close;
	long g = gift_find(s, q->a, q->a_end, "####");
	if (g >= 0) {
		q->general = gift_text(s + g + 4, q->a_end - (size_t)g - 4);
		q->a_end = (size_t)g;
	}
	while (q->a < q->a_end && isspace((unsigned char)s[q->a]))
		q->a++;
	while (q->a_end > q->a && isspace((unsigned char)s[q->a_end - 1]))
		q->a_end--;
	return 0;
}

/* Classifies and records the question of a block. */
static void gift_question(struct bank_conv *c, const struct gift_block *b, struct bank_meta *meta)
{
	struct gift_question q = { 0 };
	const char *s = b->text.data;
	bool tf_value = false;
	size_t tf_rest = 0;
	if (gift_split(c, b, &q))
		goto out;
	if (q.a == q.a_end)
		bank_conv_skip(c, q.line,
			       "essay questions are not imported: the engine has no essay type");
	else if (s[q.a] == '#')
		bank_conv_skip(c, q.line,
			       "numerical questions {#...} are not imported: the engine has no "
			       "numerical type");
	else if (gift_find(s, q.a, q.a_end, "->") >= 0)
		bank_conv_skip(c, q.line,
			       "matching questions (->) are not imported: the engine has no "
			       "matching type");
	else if (!q.stem)
		bank_conv_error(c, q.line, "the question has no text");
	else if (gift_true_false(s + q.a, q.a_end - q.a, &tf_value, &tf_rest))
		gift_true_false_question(c, &q, tf_value, tf_rest, meta);
	else
		gift_choice_question(c, &q, meta);
out:
	gift_question_cleanup(&q);
}

/* Reads a "// @key: value" comment into the bank or the next question. */
static void gift_meta(struct bank_conv *c, const char *s, size_t n, int line,
		      struct bank_meta *meta)
{
	const char *colon = memchr(s, ':', n);
	if (!colon)
		return;
	char *key = xstrndup(s, (size_t)(colon - s));
	char *value = gift_unescape(colon + 1, n - (size_t)(colon - s) - 1);
	bank_conv_meta(c, key, value, line, meta);
	free(key);
	free(value);
}

static void gift_flush(struct bank_conv *c, struct gift_block *b, struct bank_meta *meta)
{
	if (b->n)
		gift_question(c, b, meta);
	/* Metadata belongs to the question it precedes; a block without one
	 * (only comments) passes it on. */
	if (b->n)
		bank_meta_clear(meta);
	sb_cleanup(&b->text);
	sb_init(&b->text);
	b->n = 0;
}

void bank_gift_parse(struct bank_conv *c, const char *text, size_t len)
{
	struct gift_block block = { 0 };
	struct bank_meta meta = { 0 };
	struct util_lines lines;
	const char *s;
	size_t n;
	sb_init(&block.text);
	util_lines_init(&lines, text, len);
	while (util_lines_next(&lines, &s, &n)) {
		int line = lines.line;
		size_t lead = 0;
		while (lead < n && isspace((unsigned char)s[lead]))
			lead++;
		if (lead == n) {
			gift_flush(c, &block, &meta);
			continue;
		}
		if (n - lead >= 2 && s[lead] == '/' && s[lead + 1] == '/') {
			size_t k = lead + 2;
			while (k < n && s[k] == ' ')
				k++;
			if (k < n && s[k] == '@')
				gift_meta(c, s + k + 1, n - k - 1, line, &meta);
			continue;
		}
		if (!block.n && n - lead >= 10 && strncmp(s + lead, "$CATEGORY:", 10) == 0) {
			bank_conv_category(c, s + lead + 10, n - lead - 10);
			continue;
		}
		block_add_line(&block, s, n, line);
	}
	gift_flush(c, &block, &meta);
	bank_meta_clear(&meta);
	sb_cleanup(&block.text);
	free(block.offsets);
	free(block.lines);
}

/* ---- writing ------------------------------------------------------------ */

static void gift_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (strchr("~=#{}:\\", *s)) {
			char esc[2] = { '\\', *s };
			sb_append(sb, esc, 2);
		} else if (*s == '\n') {
			sb_puts(sb, "\\n");
		} else if (*s != '\r') {
			sb_append(sb, s, 1);
		}
	}
}

static void gift_comment(struct strbuf *sb, const char *key, const char *value)
{
	sb_printf(sb, "// @%s: ", key);
	gift_escape(sb, value);
	sb_puts(sb, "\n");
}

/* "%50%" */
static void gift_weight(struct strbuf *sb, double w)
{
	sb_puts(sb, "%");
	bank_put_percent(sb, w);
	sb_puts(sb, "%");
}

/* The text of an option, then "#feedback" when it has one. */
static void gift_answer_text(struct strbuf *sb, const json_t *opt)
{
	const char *text = bank_json_str(opt, "text"), *fb = bank_json_str(opt, "feedback");
	gift_escape(sb, text ? text : "");
	if (fb && *fb) {
		sb_puts(sb, "#");
		gift_escape(sb, fb);
	}
}

/* {TRUE#to who answers wrong#to who answers right}. The statement is true
 * when the option reading "true" is correct; without such a text, the first
 * option stands for "true". */
static void gift_export_true_false(struct strbuf *sb, const json_t *options, const char *language)
{
	const json_t *yes = json_array_get(options, 0), *right = NULL, *wrong = NULL;
	size_t i;
	json_t *opt;
	json_array_foreach(options, i, opt)
	{
		const char *t = bank_json_str(opt, "text");
		if (t && (strcmp(t, bank_true_text(language)) == 0 || strcasecmp(t, "true") == 0))
			yes = opt;
		if (json_is_true(json_object_get(opt, "correct")))
			right = opt;
		else
			wrong = opt;
	}
	sb_puts(sb, json_is_true(json_object_get(yes, "correct")) ? "TRUE" : "FALSE");
	const char *wrong_fb = bank_json_str(wrong, "feedback"),
		   *right_fb = bank_json_str(right, "feedback");
	if ((wrong_fb && *wrong_fb) || (right_fb && *right_fb)) {
		sb_puts(sb, "#");
		gift_escape(sb, wrong_fb ? wrong_fb : "");
		if (right_fb && *right_fb) {
			sb_puts(sb, "#");
			gift_escape(sb, right_fb);
		}
	}
}

/* Accepted answers: "=text", or "=%50%text" for partial credit. */
static void gift_export_short(struct strbuf *sb, const json_t *options)
{
	size_t i;
	json_t *opt;
	json_array_foreach(options, i, opt)
	{
		json_t *w = json_object_get(opt, "weight");
		sb_puts(sb, i ? " =" : "=");
		if (w)
			gift_weight(sb, json_number_value(w));
		gift_answer_text(sb, opt);
	}
}

static void gift_export_choice(struct strbuf *sb, const json_t *options, bool multiple)
{
	size_t i, k = 0;
	json_t *opt;
	json_array_foreach(options, i, opt) k += json_is_true(json_object_get(opt, "correct"));
	json_array_foreach(options, i, opt)
	{
		json_t *w = json_object_get(opt, "weight");
		bool right = json_is_true(json_object_get(opt, "correct"));
		sb_puts(sb, "\n");
		if (!multiple) {
			sb_puts(sb, right ? "=" : "~");
		} else {
			/* Moodle reads only ~%w% answers as "several may be right". */
			double weight = w   ? json_number_value(w)
					: k ? (right ? 1.0 : -1.0) / (double)k
					    : 0;
			sb_puts(sb, "~");
			gift_weight(sb, weight);
		}
		gift_answer_text(sb, opt);
	}
	sb_puts(sb, "\n");
}

/* The "// @..." lines of a question's native fields. */
static void gift_export_meta(struct strbuf *sb, const json_t *q)
{
	const json_t *topics = json_object_get(q, "topics");
	if (json_array_size(topics)) {
		char *list = bank_join_list(topics);
		gift_comment(sb, "topics", list);
		free(list);
	}
	json_t *difficulty = json_object_get(q, "difficulty");
	if (json_is_integer(difficulty))
		sb_printf(sb, "// @difficulty: %d\n", (int)json_integer_value(difficulty));
	if (bank_json_str(q, "reference"))
		gift_comment(sb, "reference", bank_json_str(q, "reference"));
	if (json_is_true(json_object_get(q, "ignore_diacritics")))
		sb_puts(sb, "// @ignore_diacritics: true\n");
}

static int gift_export_question(struct strbuf *sb, const json_t *q, size_t index,
				const char *language, char *err, size_t errlen)
{
	const char *code = bank_json_str(q, "code"), *type = bank_json_str(q, "type");
	const char *stem = bank_json_str(q, "stem"), *explanation = bank_json_str(q, "explanation");
	const json_t *options = json_object_get(q, "options");
	if (!code || !util_valid_code(code) || !type || !stem || !json_is_array(options) ||
	    !json_array_size(options)) {
		snprintf(err, errlen, "question %zu lacks a valid code, type, stem or options",
			 index + 1);
		return -1;
	}
	bool single = strcmp(type, "single") == 0, multiple = strcmp(type, "multiple") == 0;
	bool tf = strcmp(type, "true_false") == 0, shrt = strcmp(type, "short") == 0;
	if (!single && !multiple && !tf && !shrt) {
		snprintf(err, errlen, "question %zu has the unknown type \"%s\"", index + 1, type);
		return -1;
	}
	gift_export_meta(sb, q);
	sb_printf(sb, "::%s:: ", code);
	gift_escape(sb, stem);
	sb_puts(sb, " {");
	if (tf)
		gift_export_true_false(sb, options, language);
	else if (shrt)
		gift_export_short(sb, options);
	else
		gift_export_choice(sb, options, multiple);
	if (explanation && *explanation) {
		sb_puts(sb, "####");
		gift_escape(sb, explanation);
	}
	sb_puts(sb, "}\n\n");
	return 0;
}

char *bank_export_gift(const json_t *bank, char *err, size_t errlen)
{
	struct strbuf sb;
	const json_t *questions = json_object_get(bank, "questions");
	const json_t *audiences = json_object_get(bank, "audiences");
	const char *language =
		bank_json_str(bank, "language") ? bank_json_str(bank, "language") : "vi";
	size_t i;
	json_t *q;
	if (!bank_json_str(bank, "code") || !json_is_array(questions)) {
		snprintf(err, errlen, "the bank lacks a code or questions");
		return NULL;
	}
	sb_init(&sb);
	sb_puts(&sb, "// Question bank exported as GIFT. Lines \"// @...\" carry what GIFT has\n"
		     "// no syntax for; Moodle ignores them as comments.\n");
	gift_comment(&sb, "bank", bank_json_str(bank, "code"));
	if (bank_json_str(bank, "title"))
		gift_comment(&sb, "title", bank_json_str(bank, "title"));
	gift_comment(&sb, "language", language);
	if (json_array_size(audiences)) {
		char *list = bank_join_list(audiences);
		gift_comment(&sb, "audiences", list);
		free(list);
	}
	sb_puts(&sb, "\n");
	json_array_foreach(questions, i, q)
	{
		if (gift_export_question(&sb, q, i, language, err, errlen) < 0) {
			sb_cleanup(&sb);
			return NULL;
		}
	}
	return sb_steal(&sb);
}
