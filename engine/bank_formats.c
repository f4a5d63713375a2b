/* bank_formats.c - GIFT, Aiken and Moodle XML into the native bank JSON,
 * and the native bank out as GIFT (see bank_formats.h). */
#include "bank_formats.h"

#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

#include "bank.h"
#include "util.h"

#define WEIGHT_EPSILON 1e-4
#define MAX_ISSUES 200

int bank_format_from_name(const char *name, enum bank_format *out)
{
	static const struct {
		const char *name;
		enum bank_format format;
	} names[] = { { "json", BANK_FORMAT_JSON },
		      { "gift", BANK_FORMAT_GIFT },
		      { "moodle-xml", BANK_FORMAT_MOODLE_XML },
		      { "aiken", BANK_FORMAT_AIKEN } };
	for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].format;
			return 0;
		}
	}
	return -1;
}

/* ---- issues ------------------------------------------------------------- */

static void issue_add(struct bank_issues *list, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void issue_add(struct bank_issues *list, int line, const char *fmt, ...)
{
	/* Bounded: a file of garbage must not produce a response of megabytes. */
	if (list->n >= MAX_ISSUES)
		return;
	if (list->n == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 8;
		list->items = xrealloc(list->items, list->cap * sizeof *list->items);
	}
	struct bank_issue *it = &list->items[list->n++];
	va_list ap;
	it->line = line;
	va_start(ap, fmt);
	vsnprintf(it->message, sizeof it->message, fmt, ap);
	va_end(ap);
}

static void issues_free(struct bank_issues *list)
{
	free(list->items);
	memset(list, 0, sizeof *list);
}

void bank_conversion_cleanup(struct bank_conversion *c)
{
	if (!c)
		return;
	json_decref(c->bank);
	free(c->lines);
	issues_free(&c->errors);
	issues_free(&c->skipped);
	memset(c, 0, sizeof *c);
}

/* ---- the bank being built ----------------------------------------------- */

/* Native fields a question may carry in GIFT comments. */
struct meta {
	json_t *topics; /* array, or NULL */
	int difficulty; /* 0 when not given */
	char *reference; /* or NULL */
	bool ignore_diacritics;
};

static void meta_clear(struct meta *m)
{
	json_decref(m->topics);
	free(m->reference);
	memset(m, 0, sizeof *m);
}

/* A question as read, completed by conv_finish once the bank's code and
 * language are known. */
struct pending {
	int line;
	char *code; /* from a title or name, or NULL */
	char type[16];
	char *stem;
	json_t *options; /* NULL for true_false until finished */
	bool tf_true; /* true_false: the statement is true */
	char *tf_feedback_true; /* true_false: feedback of the option "true", or NULL */
	char *tf_feedback_false; /* ... and of the option "false" */
	char *explanation; /* or NULL */
	struct meta meta;
};

struct conv {
	const struct bank_convert_options *opts;
	struct bank_conversion *out;
	struct pending *qs;
	size_t nqs, capqs;
	/* Bank fields the file itself gave (GIFT comments). */
	char *file_code, *file_title, *file_language, *file_audiences;
};

static struct pending *conv_add(struct conv *c, int line, const char *type)
{
	if (c->nqs == c->capqs) {
		c->capqs = c->capqs ? c->capqs * 2 : 16;
		c->qs = xrealloc(c->qs, c->capqs * sizeof *c->qs);
	}
	struct pending *p = &c->qs[c->nqs++];
	memset(p, 0, sizeof *p);
	p->line = line;
	util_strlcpy(p->type, type, sizeof p->type);
	return p;
}

static void conv_cleanup(struct conv *c)
{
	for (size_t i = 0; i < c->nqs; i++) {
		free(c->qs[i].code);
		free(c->qs[i].stem);
		json_decref(c->qs[i].options);
		free(c->qs[i].explanation);
		free(c->qs[i].tf_feedback_true);
		free(c->qs[i].tf_feedback_false);
		meta_clear(&c->qs[i].meta);
	}
	free(c->qs);
	free(c->file_code);
	free(c->file_title);
	free(c->file_language);
	free(c->file_audiences);
}

static json_t *option_flag(const char *text, bool correct)
{
	return json_pack("{s:s, s:b}", "text", text, "correct", correct);
}

/* Adds the feedback of an option when there is one (NULL or empty: none).
 * Returns opt. */
static json_t *option_feedback(json_t *opt, const char *feedback)
{
	if (feedback && *feedback)
		json_object_set_new(opt, "feedback", json_string(feedback));
	return opt;
}

/* Options of a `multiple` question from weights: correct flags when the
 * weights are exactly what flags mean (+1/k for the k positive, -1/k for
 * the others), explicit weights otherwise. texts/weights/feedbacks have n
 * items (feedbacks may be NULL, and any of its items). */
static json_t *options_from_weights(char **texts, const double *weights, char **feedbacks, size_t n)
{
	size_t k = 0;
	bool flags = true;
	json_t *options = json_array();
	for (size_t i = 0; i < n; i++)
		k += weights[i] > 0;
	for (size_t i = 0; i < n && k; i++) {
		double expect = weights[i] > 0 ? 1.0 / (double)k : -1.0 / (double)k;
		flags = flags && fabs(weights[i] - expect) < WEIGHT_EPSILON;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *opt =
			flags ? option_flag(texts[i], weights[i] > 0)
			      : json_pack("{s:s, s:f}", "text", texts[i], "weight", weights[i]);
		json_array_append_new(options,
				      option_feedback(opt, feedbacks ? feedbacks[i] : NULL));
	}
	return options;
}

/* A comma-separated list as a JSON array of trimmed, non-empty items. */
static json_t *split_list(const char *list)
{
	json_t *arr = json_array();
	const char *p = list;
	while (*p) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		const char *s = p, *e = end;
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (e > s) {
			char *item = xstrndup(s, (size_t)(e - s));
			json_array_append_new(arr, json_string(item));
			free(item);
		}
		p = *end ? end + 1 : end;
	}
	return arr;
}

static const char *true_text(const char *language)
{
	return strcmp(language, "en") == 0 ? "True" : "Đúng";
}

static const char *false_text(const char *language)
{
	return strcmp(language, "en") == 0 ? "False" : "Sai";
}

/* "Đáp án đúng: A; B." from the correct options. New string. */
static char *explanation_default(const json_t *options, const char *language)
{
	struct strbuf sb;
	size_t i;
	json_t *opt;
	bool first = true;
	sb_init(&sb);
	sb_puts(&sb, strcmp(language, "en") == 0 ? "Correct answer: " : "Đáp án đúng: ");
	json_array_foreach(options, i, opt)
	{
		json_t *w = json_object_get(opt, "weight");
		bool right = w ? json_number_value(w) > 0
			       : json_is_true(json_object_get(opt, "correct"));
		if (!right)
			continue;
		if (!first)
			sb_puts(&sb, "; ");
		sb_puts(&sb, json_string_value(json_object_get(opt, "text")));
		first = false;
	}
	sb_puts(&sb, ".");
	return sb_steal(&sb);
}

/* s in Unicode NFC, as the native format requires (files written on some
 * systems arrive decomposed). New string. */
static char *nfc(const char *s)
{
	size_t outlen = 0;
	uint8_t *n = u8_normalize(UNINORM_NFC, (const uint8_t *)s, strlen(s), NULL, &outlen);
	if (!n)
		return xstrdup(s);
	char *out = xstrndup((const char *)n, outlen);
	free(n);
	return out;
}

/* Replaces every string value inside j (objects and arrays) by its NFC. */
static void nfc_json(json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;
	if (json_is_object(j)) {
		json_object_foreach(j, key, v)
		{
			if (json_is_string(v)) {
				char *t = nfc(json_string_value(v));
				json_string_set(v, t);
				free(t);
			} else {
				nfc_json(v);
			}
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
		{
			if (json_is_string(v)) {
				char *t = nfc(json_string_value(v));
				json_string_set(v, t);
				free(t);
			} else {
				nfc_json(v);
			}
		}
	}
}

/* Builds out->bank from the questions read. Returns 0 or -1 (message set). */
static int conv_finish(struct conv *c)
{
	const struct bank_convert_options *o = c->opts;
	struct bank_conversion *out = c->out;
	const char *code = o->code && *o->code ? o->code : c->file_code;
	const char *language = o->language && *o->language ? o->language : c->file_language;
	const char *audiences = o->audiences && *o->audiences ? o->audiences : c->file_audiences;
	const char *title = o->title && *o->title ? o->title : c->file_title;
	int difficulty = o->difficulty ? o->difficulty : 2;
	json_t *bank = NULL, *questions = NULL;
	int ret = -1;

	if (!code || !*code) {
		snprintf(out->message, sizeof out->message,
			 "code is required: this format does not carry the bank code");
		goto out;
	}
	if (!util_valid_code(code)) {
		snprintf(out->message, sizeof out->message, "code must match [A-Za-z0-9_.-]{1,64}");
		goto out;
	}
	if (!audiences || !*audiences) {
		snprintf(out->message, sizeof out->message,
			 "audiences is required: this format does not carry the bank's audiences");
		goto out;
	}
	if (!language)
		language = "vi";
	if (!title || !*title)
		title = code;
	if (o->difficulty < 0 || o->difficulty > 3) {
		snprintf(out->message, sizeof out->message, "difficulty must be 1, 2 or 3");
		goto out;
	}
	if (o->topic && *o->topic && !util_valid_code(o->topic)) {
		snprintf(out->message, sizeof out->message, "topic must be a topic code");
		goto out;
	}
	for (size_t i = 0; i < c->nqs; i++) {
		if (!c->qs[i].meta.topics && !(o->topic && *o->topic)) {
			snprintf(out->message, sizeof out->message,
				 "topic is required: the file does not give the topic of its "
				 "questions");
			goto out;
		}
	}
	if (!c->nqs) {
		snprintf(out->message, sizeof out->message,
			 "the file holds no importable question");
		goto out;
	}

	questions = json_array();
	out->lines = xcalloc(c->nqs, sizeof *out->lines);
	/* Generated codes: <bank>-001, -002 ... in order, stepping past codes
	 * that titles already gave. */
	char prefix[64];
	util_strlcpy(prefix, code, sizeof prefix - 5);
	int next_number = 1;
	for (size_t i = 0; i < c->nqs; i++) {
		struct pending *p = &c->qs[i];
		char generated[80];
		const char *qcode = p->code;
		while (!qcode) {
			bool taken = false;
			snprintf(generated, sizeof generated, "%s-%03d", prefix, next_number++);
			for (size_t j = 0; j < c->nqs && !taken; j++)
				taken = c->qs[j].code && strcmp(c->qs[j].code, generated) == 0;
			if (!taken)
				qcode = generated;
		}
		if (strcmp(p->type, "true_false") == 0 && !p->options) {
			p->options = json_array();
			json_array_append_new(
				p->options,
				option_feedback(option_flag(true_text(language), p->tf_true),
						p->tf_feedback_true));
			json_array_append_new(
				p->options,
				option_feedback(option_flag(false_text(language), !p->tf_true),
						p->tf_feedback_false));
		}
		if (!p->explanation || !*p->explanation) {
			free(p->explanation);
			p->explanation = explanation_default(p->options, language);
		}
		json_t *topics =
			p->meta.topics ? json_incref(p->meta.topics) : json_pack("[s]", o->topic);
		json_t *q =
			json_pack("{s:s, s:s, s:o, s:i, s:s, s:O, s:s}", "code", qcode, "type",
				  p->type, "topics", topics, "difficulty",
				  p->meta.difficulty ? p->meta.difficulty : difficulty, "stem",
				  p->stem, "options", p->options, "explanation", p->explanation);
		if (p->meta.reference)
			json_object_set_new(q, "reference", json_string(p->meta.reference));
		if (p->meta.ignore_diacritics)
			json_object_set_new(q, "ignore_diacritics", json_true());
		json_array_append_new(questions, q);
		out->lines[i] = p->line;
	}
	bank = json_pack("{s:s, s:s, s:s, s:o, s:O}", "code", code, "title", title, "language",
			 language, "audiences", split_list(audiences), "questions", questions);
	nfc_json(bank);
	out->bank = bank;
	out->nquestions = c->nqs;
	bank = NULL;
	ret = 0;
out:
	json_decref(questions);
	json_decref(bank);
	return ret;
}

/* ---- text helpers ------------------------------------------------------- */

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* ---- GIFT --------------------------------------------------------------- */

static char *html_to_text(const char *html);

/* GIFT escapes: \~ \= \# \{ \} \: \\ and \n for a line break. */
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
	char *t = trim_dup(raw, strlen(raw));
	free(raw);
	return t;
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

/* One answer of a choice or short-answer block. */
struct gift_answer {
	char marker; /* '=' or '~' */
	bool has_weight;
	double weight; /* fraction, -1..1 */
	char *text;
	char *feedback; /* or NULL */
};

static void gift_answers_free(struct gift_answer *as, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(as[i].text);
		free(as[i].feedback);
	}
	free(as);
}

/* Parses the answers of a[0..n) (the block without {}, without ####).
 * Returns the count and a new array, or -1 after recording an error. */
static long gift_parse_answers(struct conv *c, const struct gift_block *b, size_t base,
			       const char *a, size_t n, struct gift_answer **out)
{
	struct gift_answer *as = NULL;
	size_t count = 0, i = 0;
	*out = NULL;
	while (i < n && isspace((unsigned char)a[i]))
		i++;
	while (i < n) {
		int line = block_line_at(b, base + i);
		if (a[i] != '=' && a[i] != '~') {
			issue_add(&c->out->errors, line,
				  "an answer must start with = (right) or ~ (wrong)");
			goto fail;
		}
		struct gift_answer ans = { 0 };
		ans.marker = a[i++];
		size_t end = gift_next_marker(a, i, n);
		size_t p = i;
		while (p < end && isspace((unsigned char)a[p]))
			p++;
		if (p < end && a[p] == '%') {
			char *stop = NULL;
			char num[32];
			const char *close = memchr(a + p + 1, '%', end - p - 1);
			size_t numlen = close ? (size_t)(close - (a + p + 1)) : 0;
			if (!close || numlen == 0 || numlen >= sizeof num) {
				issue_add(&c->out->errors, line, "a weight must read %%50%%");
				goto fail;
			}
			memcpy(num, a + p + 1, numlen);
			num[numlen] = '\0';
			double w = strtod(num, &stop);
			if (*stop || !isfinite(w) || w < -100 || w > 100) {
				issue_add(&c->out->errors, line,
					  "the weight %%%s%% is not a percentage from -100 to 100",
					  num);
				goto fail;
			}
			ans.has_weight = true;
			ans.weight = w / 100.0;
			p = (size_t)(close - a) + 1;
		}
		long hash = gift_find(a, p, end, "#");
		size_t text_end = hash >= 0 ? (size_t)hash : end;
		ans.text = gift_unescape(a + p, text_end - p);
		if (hash >= 0)
			ans.feedback = gift_unescape(a + hash + 1, end - (size_t)hash - 1);
		as = xrealloc(as, (count + 1) * sizeof *as);
		as[count++] = ans;
		if (!*ans.text) {
			issue_add(&c->out->errors, line, "an answer has no text");
			goto fail;
		}
		i = end;
	}
	if (!count) {
		issue_add(&c->out->errors, block_line_at(b, base), "the answer block is empty");
		goto fail;
	}
	*out = as;
	return (long)count;
fail:
	gift_answers_free(as, count);
	return -1;
}

/* True when a (trimmed) is a true/false answer: T, F, TRUE or FALSE,
 * optionally followed by #feedback. */
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

/* Classifies and records one question of a block. */
static void gift_question(struct conv *c, const struct gift_block *b, struct meta *meta)
{
	const char *s = b->text.data;
	size_t n = b->text.len, pos = 0;
	int line = b->lines[0];
	char *title = NULL, *before = NULL, *after = NULL, *general = NULL;
	struct gift_answer *as = NULL;
	long nas = 0;

	while (pos < n && isspace((unsigned char)s[pos]))
		pos++;
	if (n - pos >= 2 && memcmp(s + pos, "::", 2) == 0) {
		long end = gift_find(s, pos + 2, n, "::");
		if (end < 0) {
			issue_add(&c->out->errors, line, "the title ::... is not closed with ::");
			goto out;
		}
		title = gift_unescape(s + pos + 2, (size_t)end - pos - 2);
		pos = (size_t)end + 2;
		while (pos < n && isspace((unsigned char)s[pos]))
			pos++;
	}
	bool html = false;
	if (pos < n && s[pos] == '[') {
		static const char *const tags[] = { "[html]", "[moodle]", "[plain]", "[markdown]" };
		for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
			size_t tl = strlen(tags[i]);
			if (n - pos >= tl && strncasecmp(s + pos, tags[i], tl) == 0) {
				pos += tl;
				html = i == 0;
				break;
			}
		}
	}
	long open = gift_find(s, pos, n, "{");
	if (open < 0) {
		issue_add(&c->out->skipped, line,
			  "a text without an answer block {...} (description) is not a question");
		goto out;
	}
	long close = gift_find(s, (size_t)open + 1, n, "}");
	if (close < 0) {
		issue_add(&c->out->errors, block_line_at(b, (size_t)open),
			  "the answer block { is not closed with }");
		goto out;
	}
	if (gift_find(s, (size_t)close + 1, n, "{") >= 0) {
		issue_add(&c->out->skipped, line,
			  "questions with several answer blocks are not supported");
		goto out;
	}
	before = gift_unescape(s + pos, (size_t)open - pos);
	after = gift_unescape(s + close + 1, n - (size_t)close - 1);

	/* The answers, without the general feedback after ####. */
	size_t a = (size_t)open + 1, a_end = (size_t)close;
	long g = gift_find(s, a, a_end, "####");
	if (g >= 0) {
		general = gift_unescape(s + g + 4, a_end - (size_t)g - 4);
		a_end = (size_t)g;
	}
	while (a < a_end && isspace((unsigned char)s[a]))
		a++;
	while (a_end > a && isspace((unsigned char)s[a_end - 1]))
		a_end--;

	bool tf_value = false;
	size_t tf_rest = 0;
	const char *type;
	if (a == a_end) {
		issue_add(&c->out->skipped, line, "essay questions are not supported");
		goto out;
	}
	if (s[a] == '#') {
		issue_add(&c->out->skipped, line, "numerical questions are not supported");
		goto out;
	}
	if (gift_find(s, a, a_end, "->") >= 0) {
		issue_add(&c->out->skipped, line, "matching questions are not supported");
		goto out;
	}
	if (!*before && !*after) {
		issue_add(&c->out->errors, line, "the question has no text");
		goto out;
	}

	char *stem = *after ? xasprintf("%s%s_____ %s", before, *before ? " " : "", after)
			    : xstrdup(before);
	if (html) {
		/* The engine shows plain text only. */
		char *plain = html_to_text(stem);
		free(stem);
		stem = plain;
	}
	if (gift_true_false(s + a, a_end - a, &tf_value, &tf_rest)) {
		struct pending *p = conv_add(c, line, "true_false");
		p->stem = stem;
		p->tf_true = tf_value;
		p->code = title && util_valid_code(title) ? xstrdup(title) : NULL;
		if (general && *general)
			p->explanation = xstrdup(general);
		if (tf_rest < a_end - a) {
			/* {T#shown to who answers wrong#shown to who answers right}:
			 * the first belongs to the wrong option, the second to the
			 * right one. */
			const char *fb = s + a + tf_rest + 1;
			size_t fl = a_end - a - tf_rest - 1;
			long second = gift_find(fb, 0, fl, "#");
			char *wrong_fb = gift_unescape(fb, second >= 0 ? (size_t)second : fl);
			char *right_fb = second >= 0 ? gift_unescape(fb + second + 1,
								     fl - (size_t)second - 1)
						     : NULL;
			p->tf_feedback_true = tf_value ? right_fb : wrong_fb;
			p->tf_feedback_false = tf_value ? wrong_fb : right_fb;
		}
		p->meta = *meta;
		memset(meta, 0, sizeof *meta);
		goto out;
	}

	nas = gift_parse_answers(c, b, a, s + a, a_end - a, &as);
	if (nas < 0) {
		free(stem);
		nas = 0;
		goto out;
	}
	size_t right = 0, wrong = 0, weighted_wrong = 0, partial_right = 0;
	for (long i = 0; i < nas; i++) {
		if (as[i].marker == '=') {
			right++;
			partial_right +=
				as[i].has_weight && fabs(as[i].weight - 1) > WEIGHT_EPSILON;
		} else {
			wrong++;
			weighted_wrong += as[i].has_weight && fabs(as[i].weight) > WEIGHT_EPSILON;
		}
	}
	json_t *options = NULL;
	if (!wrong) {
		if (partial_right) {
			issue_add(&c->out->skipped, line,
				  "short answers with partial credit are not supported");
			free(stem);
			goto out;
		}
		type = "short";
		options = json_array();
		for (long i = 0; i < nas; i++)
			json_array_append_new(
				options,
				option_feedback(option_flag(as[i].text, true), as[i].feedback));
	} else if (right) {
		if (partial_right || weighted_wrong) {
			issue_add(&c->out->skipped, line,
				  "partial credit in a question with a right answer (=) is not "
				  "supported; give every answer a ~%%weight%% instead");
			free(stem);
			goto out;
		}
		type = right == 1 ? "single" : "multiple";
		options = json_array();
		for (long i = 0; i < nas; i++)
			json_array_append_new(
				options,
				option_feedback(option_flag(as[i].text, as[i].marker == '='),
						as[i].feedback));
	} else {
		/* Only ~ answers: several may be right, by weight. */
		char **texts = xcalloc((size_t)nas, sizeof *texts);
		char **feedbacks = xcalloc((size_t)nas, sizeof *feedbacks);
		double *weights = xcalloc((size_t)nas, sizeof *weights);
		double positive = 0;
		for (long i = 0; i < nas; i++) {
			texts[i] = as[i].text;
			feedbacks[i] = as[i].feedback;
			weights[i] = as[i].has_weight ? as[i].weight : 0;
			positive += weights[i] > 0 ? weights[i] : 0;
		}
		if (fabs(positive - 1) > 0.01) {
			issue_add(
				&c->out->errors, line,
				"the positive weights add up to %g%%, not 100%% (or mark the right "
				"answer with =)",
				positive * 100);
			free(texts);
			free(feedbacks);
			free(weights);
			free(stem);
			goto out;
		}
		type = "multiple";
		options = options_from_weights(texts, weights, feedbacks, (size_t)nas);
		free(texts);
		free(feedbacks);
		free(weights);
	}
	struct pending *p = conv_add(c, line, type);
	p->stem = stem;
	p->options = options;
	p->code = title && util_valid_code(title) ? xstrdup(title) : NULL;
	if (general && *general)
		p->explanation = xstrdup(general);
	p->meta = *meta;
	memset(meta, 0, sizeof *meta);
out:
	gift_answers_free(as, (size_t)nas);
	free(title);
	free(before);
	free(after);
	free(general);
}

/* Reads a "// @key: value" comment into the bank or the next question. */
static void gift_meta(struct conv *c, const char *s, size_t n, int line, struct meta *meta)
{
	const char *colon = memchr(s, ':', n);
	if (!colon)
		return;
	char *key = trim_dup(s, (size_t)(colon - s));
	char *value = gift_unescape(colon + 1, n - (size_t)(colon - s) - 1);
	char **bank_field = NULL;
	if (strcmp(key, "bank") == 0)
		bank_field = &c->file_code;
	else if (strcmp(key, "title") == 0)
		bank_field = &c->file_title;
	else if (strcmp(key, "language") == 0)
		bank_field = &c->file_language;
	else if (strcmp(key, "audiences") == 0)
		bank_field = &c->file_audiences;
	if (bank_field) {
		free(*bank_field);
		*bank_field = value;
		value = NULL;
	} else if (strcmp(key, "topics") == 0) {
		json_decref(meta->topics);
		meta->topics = split_list(value);
		if (!json_array_size(meta->topics)) {
			json_decref(meta->topics);
			meta->topics = NULL;
			issue_add(&c->out->errors, line, "@topics names no topic");
		}
	} else if (strcmp(key, "difficulty") == 0) {
		if (strcmp(value, "1") && strcmp(value, "2") && strcmp(value, "3"))
			issue_add(&c->out->errors, line, "@difficulty must be 1, 2 or 3");
		else
			meta->difficulty = value[0] - '0';
	} else if (strcmp(key, "reference") == 0) {
		free(meta->reference);
		meta->reference = value;
		value = NULL;
	} else if (strcmp(key, "ignore_diacritics") == 0) {
		meta->ignore_diacritics = strcmp(value, "true") == 0;
	}
	free(key);
	free(value);
}

static void gift_flush(struct conv *c, struct gift_block *b, struct meta *meta)
{
	if (b->n)
		gift_question(c, b, meta);
	/* Metadata belongs to the question it precedes; a block without one
	 * (only comments) passes it on. */
	if (b->n)
		meta_clear(meta);
	sb_cleanup(&b->text);
	sb_init(&b->text);
	b->n = 0;
}

static void gift_parse(struct conv *c, const char *text, size_t len)
{
	struct gift_block block = { 0 };
	struct meta meta = { 0 };
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
		if (!block.n && n - lead >= 10 && strncmp(s + lead, "$CATEGORY:", 10) == 0)
			continue;
		block_add_line(&block, s, n, line);
	}
	gift_flush(c, &block, &meta);
	meta_clear(&meta);
	sb_cleanup(&block.text);
	free(block.offsets);
	free(block.lines);
}

/* ---- Aiken -------------------------------------------------------------- */

/* "B. text" or "B) text": the letter and where the text starts, or 0. */
static char aiken_option_letter(const char *s, size_t n, size_t *text_at)
{
	if (n >= 2 && s[0] >= 'A' && s[0] <= 'Z' && (s[1] == '.' || s[1] == ')') &&
	    (n == 2 || s[2] == ' ' || s[2] == '\t')) {
		*text_at = 2;
		return s[0];
	}
	return 0;
}

/* The question being read by aiken_parse. */
struct aiken_state {
	struct strbuf stem;
	json_t *options;
	int q_line; /* 0 between questions */
	bool skipping; /* after an error, until the next ANSWER: line */
};

static void aiken_reset(struct aiken_state *st, bool skipping)
{
	json_decref(st->options);
	st->options = NULL;
	sb_cleanup(&st->stem);
	sb_init(&st->stem);
	st->q_line = 0;
	st->skipping = skipping;
}

/* One non-blank, trimmed line s[0..n) at line. */
static void aiken_line(struct conv *c, struct aiken_state *st, const char *s, size_t n, int line)
{
	bool is_answer = n >= 7 && strncmp(s, "ANSWER:", 7) == 0;
	size_t nopt = st->options ? json_array_size(st->options) : 0;
	size_t text_at = 0;
	char letter = aiken_option_letter(s, n, &text_at);
	if (st->skipping) {
		if (is_answer)
			aiken_reset(st, false);
		return;
	}
	if (is_answer) {
		size_t k = 7;
		while (k < n && isspace((unsigned char)s[k]))
			k++;
		if (!st->q_line || nopt < 2) {
			issue_add(&c->out->errors, line,
				  "ANSWER: comes before a question with at least two options");
		} else if (n - k != 1 || s[k] < 'A' || (size_t)(s[k] - 'A') >= nopt) {
			issue_add(&c->out->errors, line,
				  "ANSWER: must name one of the options A to %c",
				  'A' + (int)nopt - 1);
		} else {
			json_t *right = json_array_get(st->options, (size_t)(s[k] - 'A'));
			json_object_set_new(right, "correct", json_true());
			struct pending *p = conv_add(c, st->q_line, "single");
			p->stem = trim_dup(st->stem.data, st->stem.len);
			p->options = st->options;
			st->options = NULL;
		}
		aiken_reset(st, false);
		return;
	}
	if (letter && st->q_line) {
		if ((size_t)(letter - 'A') != nopt) {
			issue_add(&c->out->errors, line, "option %c. should be %c.", letter,
				  'A' + (int)nopt);
			aiken_reset(st, true);
			return;
		}
		char *t = trim_dup(s + text_at, n - text_at);
		if (!*t) {
			issue_add(&c->out->errors, line, "option %c. has no text", letter);
			free(t);
			aiken_reset(st, true);
			return;
		}
		if (!st->options)
			st->options = json_array();
		json_array_append_new(st->options, option_flag(t, false));
		free(t);
		return;
	}
	if (st->options) {
		issue_add(&c->out->errors, line,
			  "expected option %c. or the ANSWER: line of the question at line %d",
			  'A' + (int)nopt, st->q_line);
		aiken_reset(st, true);
		return;
	}
	/* Question text, possibly over several lines. */
	if (!st->q_line)
		st->q_line = line;
	else
		sb_puts(&st->stem, "\n");
	sb_append(&st->stem, s, n);
}

static void aiken_parse(struct conv *c, const char *text, size_t len)
{
	struct aiken_state st = { 0 };
	struct util_lines lines;
	const char *s;
	size_t n;
	sb_init(&st.stem);
	util_lines_init(&lines, text, len);
	while (util_lines_next(&lines, &s, &n)) {
		int line = lines.line;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		while (n && isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		if (n)
			aiken_line(c, &st, s, n, line);
	}
	if (st.q_line && !st.skipping)
		issue_add(&c->out->errors, st.q_line, "the question has no ANSWER: line");
	aiken_reset(&st, false);
	sb_cleanup(&st.stem);
}

/* ---- Moodle XML --------------------------------------------------------- */

static xmlNode *xml_child(const xmlNode *node, const char *name)
{
	for (xmlNode *k = node ? node->children : NULL; k; k = k->next)
		if (k->type == XML_ELEMENT_NODE && xmlStrcmp(k->name, (const xmlChar *)name) == 0)
			return k;
	return NULL;
}

/* Removes HTML tags (a line break for <br> and block ends) and decodes the
 * few entities Moodle's editor writes. New string. */
static char *html_to_text(const char *html)
{
	static const struct {
		const char *entity;
		const char *text;
	} entities[] = { { "&amp;", "&" },   { "&lt;", "<" },  { "&gt;", ">" },
			 { "&quot;", "\"" }, { "&#39;", "'" }, { "&nbsp;", " " } };
	struct strbuf sb;
	sb_init(&sb);
	for (const char *p = html; *p;) {
		if (*p == '<') {
			const char *end = strchr(p, '>');
			if (!end)
				break;
			if (strncasecmp(p, "<br", 3) == 0 || strncasecmp(p, "</p", 3) == 0 ||
			    strncasecmp(p, "</div", 5) == 0 || strncasecmp(p, "</li", 4) == 0)
				sb_puts(&sb, "\n");
			p = end + 1;
			continue;
		}
		if (p[0] == '&' && p[1] == '#') {
			/* &#8217; or &#x2019;: the code point as UTF-8. */
			char *end = NULL;
			bool hex = p[2] == 'x' || p[2] == 'X';
			unsigned long cp = strtoul(p + (hex ? 3 : 2), &end, hex ? 16 : 10);
			if (end && *end == ';' && end > p + (hex ? 3 : 2) && cp > 0 &&
			    cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
				char u[4];
				size_t n;
				if (cp < 0x80) {
					u[0] = (char)cp;
					n = 1;
				} else if (cp < 0x800) {
					u[0] = (char)(0xC0 | (cp >> 6));
					u[1] = (char)(0x80 | (cp & 0x3F));
					n = 2;
				} else if (cp < 0x10000) {
					u[0] = (char)(0xE0 | (cp >> 12));
					u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
					u[2] = (char)(0x80 | (cp & 0x3F));
					n = 3;
				} else {
					u[0] = (char)(0xF0 | (cp >> 18));
					u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
					u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
					u[3] = (char)(0x80 | (cp & 0x3F));
					n = 4;
				}
				sb_append(&sb, u, n);
				p = end + 1;
				continue;
			}
		}
		if (*p == '&') {
			bool done = false;
			for (size_t i = 0; i < sizeof entities / sizeof entities[0] && !done; i++) {
				size_t el = strlen(entities[i].entity);
				if (strncmp(p, entities[i].entity, el) == 0) {
					sb_puts(&sb, entities[i].text);
					p += el;
					done = true;
				}
			}
			if (done)
				continue;
		}
		sb_append(&sb, p, 1);
		p++;
	}
	char *raw = sb_steal(&sb);
	char *t = trim_dup(raw, strlen(raw));
	free(raw);
	return t;
}

/* The text of <name><text>...</text></name> under node (HTML stripped when
 * the element says format="html"). New string, or NULL when absent. */
static char *xml_text_of(xmlNode *node, const char *name)
{
	xmlNode *el = name ? xml_child(node, name) : node;
	xmlNode *t = xml_child(el, "text");
	if (!t)
		return NULL;
	xmlChar *content = xmlNodeGetContent(t);
	xmlChar *format = xmlGetProp(el, (const xmlChar *)"format");
	char *out;
	if (format && xmlStrcmp(format, (const xmlChar *)"html") == 0)
		out = html_to_text((const char *)content);
	else
		out = trim_dup((const char *)content, strlen((const char *)content));
	xmlFree(content);
	xmlFree(format);
	return out;
}

static char *xml_value(const xmlNode *node, const char *name)
{
	xmlNode *el = xml_child(node, name);
	if (!el)
		return NULL;
	xmlChar *content = xmlNodeGetContent(el);
	char *out = trim_dup((const char *)content, strlen((const char *)content));
	xmlFree(content);
	return out;
}

struct xml_answer {
	double fraction; /* 0..1 (or negative) */
	char *text;
	int line;
};

/* The <answer> elements of a question. Returns the count (new array in
 * *out) or -1 after recording an error. */
static long xml_answers(struct conv *c, const xmlNode *q, struct xml_answer **out)
{
	struct xml_answer *as = NULL;
	long n = 0;
	*out = NULL;
	for (xmlNode *k = q->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE || xmlStrcmp(k->name, (const xmlChar *)"answer"))
			continue;
		int line = (int)xmlGetLineNo(k);
		xmlChar *f = xmlGetProp(k, (const xmlChar *)"fraction");
		char *stop = NULL;
		double fraction = f ? strtod((const char *)f, &stop) : NAN;
		bool bad = !f || *stop || !isfinite(fraction) || fraction < -100 || fraction > 100;
		xmlFree(f);
		if (bad) {
			issue_add(&c->out->errors, line,
				  "<answer> needs a fraction attribute from -100 to 100");
			goto fail;
		}
		char *text = xml_text_of(k, NULL);
		if (!text || !*text) {
			free(text);
			issue_add(&c->out->errors, line, "<answer> has no <text>");
			goto fail;
		}
		as = xrealloc(as, (size_t)(n + 1) * sizeof *as);
		as[n].fraction = fraction / 100.0;
		as[n].text = text;
		as[n].line = line;
		n++;
	}
	*out = as;
	return n;
fail:
	for (long i = 0; i < n; i++)
		free(as[i].text);
	free(as);
	return -1;
}

static void xml_question(struct conv *c, xmlNode *q)
{
	int line = (int)xmlGetLineNo(q);
	xmlChar *type_attr = xmlGetProp(q, (const xmlChar *)"type");
	const char *type = type_attr ? (const char *)type_attr : "";
	char *name = NULL, *stem = NULL, *general = NULL, *single = NULL;
	struct xml_answer *as = NULL;
	long nas = 0;
	json_t *options = NULL;
	const char *native = NULL;
	bool tf_true = false;

	if (strcmp(type, "category") == 0)
		goto out;
	if (strcmp(type, "multichoice") && strcmp(type, "truefalse") &&
	    strcmp(type, "shortanswer")) {
		issue_add(&c->out->skipped, line, "question type \"%s\" is not supported", type);
		goto out;
	}
	stem = xml_text_of(q, "questiontext");
	if (!stem || !*stem) {
		issue_add(&c->out->errors, line, "<question> has no <questiontext>");
		goto out;
	}
	name = xml_text_of(q, "name");
	general = xml_text_of(q, "generalfeedback");
	nas = xml_answers(c, q, &as);
	if (nas < 0) {
		nas = 0;
		goto out;
	}
	if (nas == 0) {
		issue_add(&c->out->errors, line, "<question> has no <answer>");
		goto out;
	}
	if (strcmp(type, "truefalse") == 0) {
		long right = -1;
		for (long i = 0; i < nas; i++)
			if (as[i].fraction > 1 - WEIGHT_EPSILON)
				right = i;
		if (right < 0 ||
		    (strcasecmp(as[right].text, "true") && strcasecmp(as[right].text, "false"))) {
			issue_add(&c->out->errors, line,
				  "a truefalse question needs an answer \"true\" or \"false\" with "
				  "fraction 100");
			goto out;
		}
		native = "true_false";
		tf_true = strcasecmp(as[right].text, "true") == 0;
	} else if (strcmp(type, "shortanswer") == 0) {
		options = json_array();
		for (long i = 0; i < nas; i++) {
			if (fabs(as[i].fraction - 1) > WEIGHT_EPSILON) {
				issue_add(&c->out->skipped, line,
					  "short answers with partial credit are not supported");
				goto out;
			}
			json_array_append_new(options, option_flag(as[i].text, true));
		}
		native = "short";
	} else {
		single = xml_value(q, "single");
		bool is_single = !single || strcmp(single, "true") == 0 || strcmp(single, "1") == 0;
		if (is_single) {
			size_t right = 0;
			options = json_array();
			for (long i = 0; i < nas; i++) {
				bool full = fabs(as[i].fraction - 1) < WEIGHT_EPSILON;
				if (!full && fabs(as[i].fraction) > WEIGHT_EPSILON) {
					issue_add(
						&c->out->skipped, line,
						"partial credit in a single-answer question is not "
						"supported");
					goto out;
				}
				right += full;
				json_array_append_new(options, option_flag(as[i].text, full));
			}
			if (right != 1) {
				issue_add(&c->out->errors, line,
					  "a single-answer question needs exactly one answer with "
					  "fraction 100, not %zu",
					  right);
				goto out;
			}
			native = "single";
		} else {
			char **texts = xcalloc((size_t)nas, sizeof *texts);
			double *weights = xcalloc((size_t)nas, sizeof *weights);
			for (long i = 0; i < nas; i++) {
				texts[i] = as[i].text;
				weights[i] = as[i].fraction;
			}
			options = options_from_weights(texts, weights, NULL, (size_t)nas);
			free(texts);
			free(weights);
			native = "multiple";
		}
	}
	struct pending *p = conv_add(c, line, native);
	p->stem = stem;
	stem = NULL;
	p->options = options;
	options = NULL;
	p->tf_true = tf_true;
	p->code = name && util_valid_code(name) ? xstrdup(name) : NULL;
	p->explanation = general;
	general = NULL;
out:
	for (long i = 0; i < nas; i++)
		free(as[i].text);
	free(as);
	json_decref(options);
	free(name);
	free(stem);
	free(general);
	free(single);
	xmlFree(type_attr);
}

/* Keeps the first error of a parse: later ones are mostly its echoes. */
struct xml_first_error {
	int line;
	char message[200];
};

static void xml_on_error(void *ctx, xmlErrorPtr e)
{
	struct xml_first_error *first = ctx;
	if (first->line || !e)
		return;
	first->line = e->line > 0 ? e->line : 1;
	snprintf(first->message, sizeof first->message, "XML: %s",
		 e->message ? e->message : "not well-formed");
	size_t n = strlen(first->message);
	while (n && isspace((unsigned char)first->message[n - 1]))
		first->message[--n] = '\0';
}

static void xml_parse(struct conv *c, const char *text, size_t len)
{
	struct xml_first_error first = { 0 };
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	xmlDocPtr doc = NULL;
	if (!ctxt) {
		snprintf(c->out->message, sizeof c->out->message, "out of memory");
		return;
	}
	if (len > INT32_MAX) {
		issue_add(&c->out->errors, 1, "the file is too large");
		goto out;
	}
	/* No network, no external entities, no DTD loading. Errors go to the
	 * handler (per thread in libxml2), not to stderr. */
	xmlSetStructuredErrorFunc(&first, xml_on_error);
	doc = xmlCtxtReadMemory(ctxt, text, (int)len, "bank.xml", NULL,
				XML_PARSE_NONET | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!doc || first.line) {
		issue_add(&c->out->errors, first.line ? first.line : 1, "%s",
			  first.line ? first.message : "the file is not well-formed XML");
		goto out;
	}
	/* Moodle never writes a DOCTYPE; refusing one rules out entity tricks. */
	if (doc->intSubset || doc->extSubset) {
		/* libxml2 keeps no line for a DTD: find it in the text. */
		const char *at = memmem(text, len, "<!DOCTYPE", 9);
		int line = 1;
		for (const char *p = text; at && p < at; p++)
			line += *p == '\n';
		issue_add(&c->out->errors, line,
			  "a <!DOCTYPE> is not accepted in a Moodle XML bank");
		goto out;
	}
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || xmlStrcmp(root->name, (const xmlChar *)"quiz")) {
		issue_add(&c->out->errors, root ? (int)xmlGetLineNo(root) : 1,
			  "the root element must be <quiz>");
		goto out;
	}
	for (xmlNode *k = root->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcmp(k->name, (const xmlChar *)"question")) {
			issue_add(&c->out->errors, (int)xmlGetLineNo(k),
				  "<quiz> may hold only <question> elements, not <%s>",
				  (const char *)k->name);
			continue;
		}
		xml_question(c, k);
	}
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
}

/* ---- entry point -------------------------------------------------------- */

int bank_convert(enum bank_format format, const char *text, size_t len,
		 const struct bank_convert_options *opts, struct bank_conversion *out)
{
	struct conv c = { 0 };
	int ret = -1;
	memset(out, 0, sizeof *out);
	c.opts = opts;
	c.out = out;
	/* libxml2 reads the encoding an XML file declares; the others must be
	 * UTF-8. */
	if (format != BANK_FORMAT_MOODLE_XML && !util_valid_utf8_len(text, len)) {
		issue_add(&out->errors, 1, "the file is not UTF-8 text");
		goto out;
	}
	switch (format) {
	case BANK_FORMAT_GIFT:
		gift_parse(&c, text, len);
		break;
	case BANK_FORMAT_AIKEN:
		aiken_parse(&c, text, len);
		break;
	case BANK_FORMAT_MOODLE_XML:
		xml_parse(&c, text, len);
		break;
	case BANK_FORMAT_JSON:
		snprintf(out->message, sizeof out->message,
			 "the native JSON format needs no conversion");
		goto out;
	}
	if (out->errors.n || out->message[0])
		goto out;
	ret = conv_finish(&c);
out:
	conv_cleanup(&c);
	return ret;
}

/* ---- GIFT export -------------------------------------------------------- */

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

/* A percentage with at most five decimals, as Moodle writes them. */
static void gift_weight(struct strbuf *sb, double w)
{
	char num[40];
	snprintf(num, sizeof num, "%.5f", w * 100);
	size_t n = strlen(num);
	while (n && num[n - 1] == '0')
		num[--n] = '\0';
	if (n && num[n - 1] == '.')
		num[--n] = '\0';
	if (strcmp(num, "-0") == 0)
		strcpy(num, "0");
	sb_printf(sb, "%%%s%%", num);
}

static const char *json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* "#feedback" after an answer, when the option has feedback. */
static void gift_answer_feedback(struct strbuf *sb, const json_t *opt)
{
	const char *fb = json_str(opt, "feedback");
	if (fb && *fb) {
		sb_puts(sb, "#");
		gift_escape(sb, fb);
	}
}

static int gift_export_question(struct strbuf *sb, const json_t *q, size_t index,
				const char *language, char *err, size_t errlen)
{
	const char *code = json_str(q, "code"), *type = json_str(q, "type");
	const char *stem = json_str(q, "stem"), *explanation = json_str(q, "explanation");
	const json_t *options = json_object_get(q, "options"),
		     *topics = json_object_get(q, "topics");
	size_t i, n = json_array_size(options);
	json_t *opt, *topic;
	if (!code || !util_valid_code(code) || !type || !stem || !json_is_array(options) || !n) {
		snprintf(err, errlen, "question %zu lacks a valid code, type, stem or options",
			 index + 1);
		return -1;
	}
	if (json_array_size(topics)) {
		struct strbuf list;
		sb_init(&list);
		json_array_foreach(topics, i, topic)
		{
			sb_printf(&list, "%s%s", i ? ", " : "",
				  json_string_value(topic) ? json_string_value(topic) : "");
		}
		gift_comment(sb, "topics", list.data);
		sb_cleanup(&list);
	}
	json_t *difficulty = json_object_get(q, "difficulty");
	if (json_is_integer(difficulty))
		sb_printf(sb, "// @difficulty: %d\n", (int)json_integer_value(difficulty));
	if (json_str(q, "reference"))
		gift_comment(sb, "reference", json_str(q, "reference"));
	if (json_is_true(json_object_get(q, "ignore_diacritics")))
		sb_puts(sb, "// @ignore_diacritics: true\n");
	sb_printf(sb, "::%s:: ", code);
	gift_escape(sb, stem);
	sb_puts(sb, " {");
	if (strcmp(type, "true_false") == 0) {
		/* The statement is true when the option reading "true" is correct;
		 * without such a text, the first option stands for "true". */
		const json_t *yes = json_array_get(options, 0);
		json_array_foreach(options, i, opt)
		{
			const char *t = json_str(opt, "text");
			if (t &&
			    (strcmp(t, true_text(language)) == 0 || strcasecmp(t, "true") == 0))
				yes = opt;
		}
		bool statement = json_is_true(json_object_get(yes, "correct"));
		const json_t *right = NULL, *wrong = NULL;
		json_array_foreach(options, i, opt)
		{
			if (json_is_true(json_object_get(opt, "correct")))
				right = opt;
			else
				wrong = opt;
		}
		sb_puts(sb, statement ? "TRUE" : "FALSE");
		/* {TRUE#to who answers wrong#to who answers right} */
		const char *wrong_fb = json_str(wrong, "feedback"),
			   *right_fb = json_str(right, "feedback");
		if ((wrong_fb && *wrong_fb) || (right_fb && *right_fb)) {
			sb_puts(sb, "#");
			gift_escape(sb, wrong_fb ? wrong_fb : "");
			if (right_fb && *right_fb) {
				sb_puts(sb, "#");
				gift_escape(sb, right_fb);
			}
		}
	} else if (strcmp(type, "short") == 0) {
		json_array_foreach(options, i, opt)
		{
			sb_puts(sb, i ? " =" : "=");
			gift_escape(sb, json_str(opt, "text") ? json_str(opt, "text") : "");
			gift_answer_feedback(sb, opt);
		}
	} else if (strcmp(type, "single") == 0 || strcmp(type, "multiple") == 0) {
		bool multiple = strcmp(type, "multiple") == 0;
		size_t k = 0;
		json_array_foreach(options, i, opt) k +=
			json_is_true(json_object_get(opt, "correct"));
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
			gift_escape(sb, json_str(opt, "text") ? json_str(opt, "text") : "");
			gift_answer_feedback(sb, opt);
		}
		sb_puts(sb, "\n");
	} else {
		snprintf(err, errlen, "question %zu has the unknown type \"%s\"", index + 1, type);
		return -1;
	}
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
	const char *language = json_str(bank, "language") ? json_str(bank, "language") : "vi";
	size_t i;
	json_t *q, *a;
	if (!json_str(bank, "code") || !json_is_array(questions)) {
		snprintf(err, errlen, "the bank lacks a code or questions");
		return NULL;
	}
	sb_init(&sb);
	sb_puts(&sb, "// Question bank exported as GIFT. Lines \"// @...\" carry what GIFT has\n"
		     "// no syntax for; Moodle ignores them as comments.\n");
	gift_comment(&sb, "bank", json_str(bank, "code"));
	if (json_str(bank, "title"))
		gift_comment(&sb, "title", json_str(bank, "title"));
	gift_comment(&sb, "language", language);
	if (json_array_size(audiences)) {
		struct strbuf list;
		sb_init(&list);
		json_array_foreach(audiences, i, a)
			sb_printf(&list, "%s%s", i ? ", " : "",
				  json_string_value(a) ? json_string_value(a) : "");
		gift_comment(&sb, "audiences", list.data);
		sb_cleanup(&list);
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

/* ---- import through the loader ------------------------------------------ */

/* Appends to a list of bank.h (its messages are heap strings it frees). */
static void notes_add(struct bank_notes *l, int line, char *message)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->n].line = line;
	l->items[l->n].message = message;
	l->n++;
}

int bank_import_foreign(struct db *db, enum bank_format format, const char *text, size_t len,
			const struct bank_convert_options *opts, const char *filename,
			struct bank_result *res, char *msg, size_t msglen)
{
	struct bank_conversion conv;
	const char *name = filename ? filename : "bank";
	int rc;
	if (bank_convert(format, text, len, opts, &conv) < 0) {
		if (conv.errors.n) {
			for (size_t i = 0; i < conv.errors.n; i++)
				notes_add(&res->errors, conv.errors.items[i].line,
					  xasprintf("%s:%d: %s", name, conv.errors.items[i].line,
						    conv.errors.items[i].message));
			rc = BANK_INVALID;
		} else {
			snprintf(msg, msglen, "%s", conv.message);
			rc = BANK_FORMATS_BAD_OPTION;
		}
		goto out;
	}
	for (size_t i = 0; i < conv.skipped.n; i++)
		bank_result_skip(res, conv.skipped.items[i].line, "%s:%d: %s", name,
				 conv.skipped.items[i].line, conv.skipped.items[i].message);
	rc = bank_import_json(db, conv.bank, name, conv.lines, res);
out:
	bank_conversion_cleanup(&conv);
	return rc;
}
