/* bank_convert.c - the native bank built from what a foreign-format reader
 * found, and the helpers the readers share (see bank_convert.h). */
#include "bank_convert.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

#include "bank.h"
#include "util.h"

#define MAX_ISSUES 200

/* ---- issues ------------------------------------------------------------- */

static void conv_vnote(struct bank_notes *list, int line, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void conv_vnote(struct bank_notes *list, int line, const char *fmt, va_list ap)
{
	/* Bounded: a file of garbage must not produce a response of megabytes. */
	if (list->n >= MAX_ISSUES)
		return;
	bank_notes_vadd(list, line, NULL, fmt, ap);
}

void bank_conv_error(struct bank_conv *c, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	conv_vnote(&c->out->errors, line, fmt, ap);
	va_end(ap);
}

void bank_conv_skip(struct bank_conv *c, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	conv_vnote(&c->out->skipped, line, fmt, ap);
	va_end(ap);
}

/* ---- questions read ----------------------------------------------------- */

void bank_meta_clear(struct bank_meta *m)
{
	json_decref(m->topics);
	free(m->reference);
	memset(m, 0, sizeof *m);
}

struct bank_pending *bank_conv_add(struct bank_conv *c, int line, const char *type)
{
	if (c->nqs == c->capqs) {
		c->capqs = c->capqs ? c->capqs * 2 : 16;
		c->qs = xrealloc(c->qs, c->capqs * sizeof *c->qs);
	}
	struct bank_pending *p = &c->qs[c->nqs++];
	memset(p, 0, sizeof *p);
	p->line = line;
	util_strlcpy(p->type, type, sizeof p->type);
	p->category_topic = c->category_topic ? xstrdup(c->category_topic) : NULL;
	return p;
}

void bank_conv_category(struct bank_conv *c, const char *path, size_t len)
{
	char *trimmed = bank_trim_dup(path, len);
	const char *last = strrchr(trimmed, '/');
	last = last ? last + 1 : trimmed;
	free(c->category_topic);
	c->category_topic = bank_valid_topic(last) ? xstrdup(last) : NULL;
	free(trimmed);
}

void bank_conv_cleanup(struct bank_conv *c)
{
	for (size_t i = 0; i < c->nqs; i++) {
		struct bank_pending *p = &c->qs[i];
		free(p->code);
		free(p->stem);
		json_decref(p->options);
		free(p->explanation);
		free(p->tf_feedback_true);
		free(p->tf_feedback_false);
		free(p->category_topic);
		bank_meta_clear(&p->meta);
	}
	free(c->qs);
	free(c->file_code);
	free(c->file_title);
	free(c->file_language);
	free(c->file_audiences);
	free(c->category_topic);
	memset(c, 0, sizeof *c);
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
		char *item = bank_trim_dup(p, (size_t)(end - p));
		if (*item)
			json_array_append_new(arr, json_string(item));
		free(item);
		p = *end ? end + 1 : end;
	}
	return arr;
}

void bank_conv_meta(struct bank_conv *c, const char *key_text, const char *value_text, int line,
		    struct bank_meta *meta)
{
	char *key = bank_trim_dup(key_text, strlen(key_text));
	char *value = bank_trim_dup(value_text, strlen(value_text));
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
			bank_conv_error(c, line, "@topics names no topic");
		}
	} else if (strcmp(key, "difficulty") == 0) {
		if (strcmp(value, "1") && strcmp(value, "2") && strcmp(value, "3"))
			bank_conv_error(c, line, "@difficulty must be 1, 2 or 3");
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

/* ---- options ------------------------------------------------------------ */

/* Sets the feedback of an option when there is one. Returns opt. */
static json_t *bank_option_feedback(json_t *opt, const char *feedback)
{
	if (feedback && *feedback)
		json_object_set_new(opt, "feedback", json_string(feedback));
	return opt;
}

json_t *bank_option_new(const char *text, bool correct, const char *feedback)
{
	return bank_option_feedback(json_pack("{s:s, s:b}", "text", text, "correct", correct),
				    feedback);
}

void bank_answers_free(struct bank_answer *as, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(as[i].text);
		free(as[i].feedback);
	}
	free(as);
}

json_t *bank_options_from_fractions(const struct bank_answer *as, size_t n)
{
	size_t k = 0;
	bool flags = true;
	json_t *options = json_array();
	for (size_t i = 0; i < n; i++)
		k += as[i].fraction > 0;
	for (size_t i = 0; i < n && k; i++) {
		double expect = as[i].fraction > 0 ? 1.0 / (double)k : -1.0 / (double)k;
		flags = flags && fabs(as[i].fraction - expect) < BANK_WEIGHT_EPSILON;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *opt = flags ? bank_option_new(as[i].text, as[i].fraction > 0, NULL)
				    : json_pack("{s:s, s:f}", "text", as[i].text, "weight",
						as[i].fraction);
		json_array_append_new(options, bank_option_feedback(opt, as[i].feedback));
	}
	return options;
}

json_t *bank_short_options(struct bank_conv *c, const struct bank_answer *as, size_t n, int line)
{
	json_t *options = json_array();
	bool full = false;
	for (size_t i = 0; i < n; i++) {
		json_t *opt;
		if (fabs(as[i].fraction - 1) < BANK_WEIGHT_EPSILON) {
			opt = bank_option_new(as[i].text, true, NULL);
			full = true;
		} else if (as[i].fraction > BANK_WEIGHT_EPSILON && as[i].fraction < 1) {
			opt = json_pack("{s:s, s:f}", "text", as[i].text, "weight", as[i].fraction);
		} else {
			bank_conv_skip(c, as[i].line,
				       "the answer \"%.60s\" gives no credit: a short question "
				       "lists accepted answers only, so it is left out",
				       as[i].text);
			continue;
		}
		json_array_append_new(options, bank_option_feedback(opt, as[i].feedback));
	}
	if (!full) {
		bank_conv_error(c, line,
				"a short-answer question needs an answer with full credit (= or "
				"100%%)");
		json_decref(options);
		return NULL;
	}
	return options;
}

/* ---- finishing the bank ------------------------------------------------- */

const char *bank_true_text(const char *language)
{
	return strcmp(language, "en") == 0 ? "True" : "Đúng";
}

static const char *bank_false_text(const char *language)
{
	return strcmp(language, "en") == 0 ? "False" : "Sai";
}

const char *bank_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

char *bank_join_list(const json_t *arr)
{
	struct strbuf list;
	size_t i;
	json_t *item;
	sb_init(&list);
	json_array_foreach(arr, i, item)
		sb_printf(&list, "%s%s", i ? ", " : "",
			  json_string_value(item) ? json_string_value(item) : "");
	if (!list.data)
		sb_puts(&list, "");
	return sb_steal(&list);
}

void bank_put_percent(struct strbuf *sb, double fraction)
{
	char num[40];
	snprintf(num, sizeof num, "%.5f", fraction * 100);
	size_t n = strlen(num);
	while (n && num[n - 1] == '0')
		num[--n] = '\0';
	if (n && num[n - 1] == '.')
		num[--n] = '\0';
	if (strcmp(num, "-0") == 0)
		strcpy(num, "0");
	sb_puts(sb, num);
}

/* "Đáp án đúng: A; B." from the correct options (of a short question, the
 * answers with full credit). New string. */
static char *explanation_default(const json_t *options, const char *type, const char *language)
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
		double least = strcmp(type, "short") == 0 ? 1 - BANK_WEIGHT_EPSILON : 0;
		bool right = w ? json_number_value(w) > least
			       : json_is_true(json_object_get(opt, "correct"));
		if (!right)
			continue;
		if (!first)
			sb_puts(&sb, "; ");
		sb_puts(&sb, bank_json_str(opt, "text"));
		first = false;
	}
	sb_puts(&sb, ".");
	return sb_steal(&sb);
}

/* Replaces every string value inside j (objects and arrays) by its NFC, as
 * the native format requires (files written on some systems arrive
 * decomposed). */
static void nfc_json(json_t *j)
{
	if (json_is_string(j)) {
		const char *s = json_string_value(j);
		size_t outlen = 0;
		uint8_t *n =
			u8_normalize(UNINORM_NFC, (const uint8_t *)s, strlen(s), NULL, &outlen);
		if (n)
			json_string_setn_nocheck(j, (const char *)n, outlen);
		free(n);
		return;
	}
	const char *key;
	json_t *v;
	size_t i;
	if (json_is_object(j)) {
		json_object_foreach(j, key, v) nfc_json(v);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v) nfc_json(v);
	}
}

/* The bank-level values: from the options, else from the file. */
struct bank_values {
	const char *code, *language, *audiences, *title, *topic;
	int difficulty;
};

/* Fills v and checks that everything the bank needs is known. Returns 0 or
 * -1 (message set). */
static int bank_values(struct bank_conv *c, struct bank_values *v)
{
	const struct bank_convert_options *o = c->opts;
	struct bank_conversion *out = c->out;
	v->code = o->code && *o->code ? o->code : c->file_code;
	v->language = o->language && *o->language ? o->language : c->file_language;
	v->audiences = o->audiences && *o->audiences ? o->audiences : c->file_audiences;
	v->title = o->title && *o->title ? o->title : c->file_title;
	v->topic = o->topic && *o->topic ? o->topic : NULL;
	v->difficulty = o->difficulty ? o->difficulty : 2;
	const char *problem = NULL;
	if (!v->code || !*v->code)
		problem = "code is required: this format does not carry the bank code";
	else if (!util_valid_code(v->code))
		problem = "code must match [A-Za-z0-9_.-]{1,64}";
	else if (!v->audiences || !*v->audiences)
		problem = "audiences is required: this format does not carry the bank's audiences";
	else if (o->difficulty < 0 || o->difficulty > 3)
		problem = "difficulty must be 1, 2 or 3";
	else if (v->topic && !util_valid_code(v->topic))
		problem = "topic must be a topic code";
	else if (!c->nqs)
		problem = "the file holds no importable question";
	for (size_t i = 0; i < c->nqs && !problem; i++) {
		const struct bank_pending *p = &c->qs[i];
		if (!p->meta.topics && !p->category_topic && !v->topic)
			problem = "topic is required: the file does not give the topic of its "
				  "questions (by a $CATEGORY whose last part is a topic code, or "
				  "// @topics)";
	}
	if (problem) {
		snprintf(out->message, sizeof out->message, "%s", problem);
		return -1;
	}
	if (!v->language)
		v->language = "vi";
	if (!v->title || !*v->title)
		v->title = v->code;
	return 0;
}

/* The native question of p, coded qcode. New reference. */
static json_t *pending_json(struct bank_pending *p, const char *qcode, const struct bank_values *v)
{
	if (strcmp(p->type, "true_false") == 0 && !p->options) {
		p->options = json_array();
		json_array_append_new(p->options, bank_option_new(bank_true_text(v->language),
								  p->tf_true, p->tf_feedback_true));
		json_array_append_new(p->options,
				      bank_option_new(bank_false_text(v->language), !p->tf_true,
						      p->tf_feedback_false));
	}
	if (!p->explanation || !*p->explanation) {
		free(p->explanation);
		p->explanation = explanation_default(p->options, p->type, v->language);
	}
	json_t *topics = p->meta.topics      ? json_incref(p->meta.topics)
			 : p->category_topic ? json_pack("[s]", p->category_topic)
					     : json_pack("[s]", v->topic);
	json_t *q = json_pack("{s:s, s:s, s:o, s:i, s:s, s:O, s:s}", "code", qcode, "type", p->type,
			      "topics", topics, "difficulty",
			      p->meta.difficulty ? p->meta.difficulty : v->difficulty, "stem",
			      p->stem, "options", p->options, "explanation", p->explanation);
	if (p->meta.reference)
		json_object_set_new(q, "reference", json_string(p->meta.reference));
	if (p->meta.ignore_diacritics)
		json_object_set_new(q, "ignore_diacritics", json_true());
	return q;
}

int bank_conv_finish(struct bank_conv *c)
{
	struct bank_values v;
	if (bank_values(c, &v))
		return -1;
	json_t *questions = json_array();
	c->out->lines = xcalloc(c->nqs, sizeof *c->out->lines);
	/* Generated codes: <bank>-001, -002 ... in order, stepping past codes
	 * that titles already gave. */
	char prefix[64];
	util_strlcpy(prefix, v.code, sizeof prefix - 5);
	int next_number = 1;
	for (size_t i = 0; i < c->nqs; i++) {
		struct bank_pending *p = &c->qs[i];
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
		json_array_append_new(questions, pending_json(p, qcode, &v));
		c->out->lines[i] = p->line;
	}
	json_t *bank =
		json_pack("{s:s, s:s, s:s, s:o, s:o}", "code", v.code, "title", v.title, "language",
			  v.language, "audiences", split_list(v.audiences), "questions", questions);
	nfc_json(bank);
	c->out->bank = bank;
	c->out->nquestions = c->nqs;
	return 0;
}

/* ---- text --------------------------------------------------------------- */

char *bank_trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* Appends code point cp as UTF-8. */
static void put_utf8(struct strbuf *sb, unsigned long cp)
{
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
	sb_append(sb, u, n);
}

/* At p, an entity (&amp; &#8217; &#x2019; ...): appends what it stands for
 * and returns its length, or 0 when p is not one. */
static size_t html_entity(struct strbuf *sb, const char *p)
{
	static const struct {
		const char *entity;
		const char *text;
	} entities[] = { { "&amp;", "&" },   { "&lt;", "<" },  { "&gt;", ">" },
			 { "&quot;", "\"" }, { "&#39;", "'" }, { "&nbsp;", " " } };
	if (p[0] == '&' && p[1] == '#') {
		char *end = NULL;
		bool hex = p[2] == 'x' || p[2] == 'X';
		const char *digits = p + (hex ? 3 : 2);
		unsigned long cp = strtoul(digits, &end, hex ? 16 : 10);
		if (end && *end == ';' && end > digits && cp > 0 && cp <= 0x10FFFF &&
		    !(cp >= 0xD800 && cp <= 0xDFFF)) {
			put_utf8(sb, cp);
			return (size_t)(end + 1 - p);
		}
	}
	for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++) {
		size_t el = strlen(entities[i].entity);
		if (strncmp(p, entities[i].entity, el) == 0) {
			sb_puts(sb, entities[i].text);
			return el;
		}
	}
	return 0;
}

/* HTML reduced to plain text. New string. */
static char *bank_html_to_text(const char *html)
{
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
		size_t used = *p == '&' ? html_entity(&sb, p) : 0;
		if (used) {
			p += used;
			continue;
		}
		sb_append(&sb, p, 1);
		p++;
	}
	char *raw = sb_steal(&sb);
	char *t = bank_trim_dup(raw, strlen(raw));
	free(raw);
	return t;
}

size_t bank_text_marker(const char *s, size_t n, enum bank_text_format *format)
{
	static const struct {
		const char *marker;
		enum bank_text_format format;
	} markers[] = { { "[html]", BANK_TEXT_HTML },
			{ "[moodle]", BANK_TEXT_MOODLE },
			{ "[plain]", BANK_TEXT_PLAIN },
			{ "[markdown]", BANK_TEXT_MARKDOWN } };
	size_t lead = 0;
	*format = BANK_TEXT_PLAIN;
	while (lead < n && isspace((unsigned char)s[lead]))
		lead++;
	for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
		size_t ml = strlen(markers[i].marker);
		if (n - lead >= ml && strncasecmp(s + lead, markers[i].marker, ml) == 0) {
			*format = markers[i].format;
			return lead + ml;
		}
	}
	return 0;
}

char *bank_text_plain(char *text, enum bank_text_format format)
{
	if (format != BANK_TEXT_HTML && format != BANK_TEXT_MOODLE)
		return text;
	char *plain = bank_html_to_text(text);
	free(text);
	return plain;
}
