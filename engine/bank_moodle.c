/* bank_moodle.c - Moodle XML: the reader (libxml2, into the questions of a
 * bank_conv) and the writer of a native bank (see bank_formats.h). */
#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank_convert.h"
#include "html.h"
#include "util.h"

/* ---- reading ------------------------------------------------------------ */

static bool xml_is(const xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && xmlStrcmp(node->name, (const xmlChar *)name) == 0;
}

static xmlNode *xml_child(const xmlNode *node, const char *name)
{
	for (xmlNode *k = node ? node->children : NULL; k; k = k->next)
		if (xml_is(k, name))
			return k;
	return NULL;
}

/* The format attribute of el: html and moodle_auto_format are HTML. */
static enum bank_text_format xml_format(const xmlNode *el)
{
	xmlChar *format = xmlGetProp(el, (const xmlChar *)"format");
	enum bank_text_format f = BANK_TEXT_PLAIN;
	if (format && xmlStrcmp(format, (const xmlChar *)"html") == 0)
		f = BANK_TEXT_HTML;
	else if (format && xmlStrcmp(format, (const xmlChar *)"moodle_auto_format") == 0)
		f = BANK_TEXT_MOODLE;
	else if (format && xmlStrcmp(format, (const xmlChar *)"markdown") == 0)
		f = BANK_TEXT_MARKDOWN;
	xmlFree(format);
	return f;
}

/* The text of <name><text>...</text></name> under node (name NULL: node
 * itself), in plain text as its format attribute says. New string, or NULL
 * when absent. */
static char *xml_text_of(const xmlNode *node, const char *name)
{
	const xmlNode *el = name ? xml_child(node, name) : node;
	xmlNode *t = xml_child(el, "text");
	if (!t)
		return NULL;
	xmlChar *content = xmlNodeGetContent(t);
	char *text = bank_trim_dup((const char *)content, strlen((const char *)content));
	xmlFree(content);
	return bank_text_plain(text, xml_format(el));
}

static char *xml_value(const xmlNode *node, const char *name)
{
	xmlNode *el = xml_child(node, name);
	if (!el)
		return NULL;
	xmlChar *content = xmlNodeGetContent(el);
	char *out = bank_trim_dup((const char *)content, strlen((const char *)content));
	xmlFree(content);
	return out;
}

/* The <answer> elements of a question, each with its fraction, text and
 * feedback. Returns the count (new array in *out) or -1 after recording an
 * error. */
static long xml_answers(struct bank_conv *c, const xmlNode *q, struct bank_answer **out)
{
	struct bank_answer *as = NULL;
	long n = 0;
	*out = NULL;
	for (xmlNode *k = q->children; k; k = k->next) {
		if (!xml_is(k, "answer"))
			continue;
		int line = (int)xmlGetLineNo(k);
		xmlChar *f = xmlGetProp(k, (const xmlChar *)"fraction");
		char *stop = NULL;
		double fraction = f ? strtod((const char *)f, &stop) : NAN;
		bool bad = !f || *stop || !isfinite(fraction) || fraction < -100 || fraction > 100;
		xmlFree(f);
		if (bad) {
			bank_conv_error(c, line,
					"<answer> needs a fraction attribute from -100 to 100");
			goto fail;
		}
		char *text = xml_text_of(k, NULL);
		if (!text || !*text) {
			free(text);
			bank_conv_error(c, line, "<answer> has no <text>");
			goto fail;
		}
		as = xrealloc(as, (size_t)(n + 1) * sizeof *as);
		as[n] = (struct bank_answer){ .text = text,
					      .fraction = fraction / 100.0,
					      .feedback = xml_text_of(k, "feedback"),
					      .line = line };
		n++;
	}
	*out = as;
	return n;
fail:
	bank_answers_free(as, (size_t)n);
	return -1;
}

/* truefalse: the answer "true" or "false" with fraction 100 is right; each
 * answer's feedback goes to the option it names. */
static bool xml_true_false(struct bank_conv *c, struct bank_pending *p,
			   const struct bank_answer *as, long nas)
{
	long right = -1;
	for (long i = 0; i < nas; i++)
		if (as[i].fraction > 1 - BANK_WEIGHT_EPSILON)
			right = i;
	if (right < 0 ||
	    (strcasecmp(as[right].text, "true") && strcasecmp(as[right].text, "false"))) {
		bank_conv_error(c, p->line,
				"a truefalse question needs an answer \"true\" or \"false\" with "
				"fraction 100");
		return false;
	}
	p->tf_true = strcasecmp(as[right].text, "true") == 0;
	for (long i = 0; i < nas; i++) {
		char **slot = !strcasecmp(as[i].text, "true")    ? &p->tf_feedback_true
			      : !strcasecmp(as[i].text, "false") ? &p->tf_feedback_false
								 : NULL;
		if (slot && as[i].feedback && *as[i].feedback) {
			free(*slot);
			*slot = xstrdup(as[i].feedback);
		}
	}
	return true;
}

/* multichoice with <single>true</single>: one answer of fraction 100, the
 * others 0. Returns the options or NULL (recorded). */
static json_t *xml_single(struct bank_conv *c, int line, const struct bank_answer *as, long nas)
{
	size_t right = 0;
	json_t *options = json_array();
	for (long i = 0; i < nas; i++) {
		bool full = fabs(as[i].fraction - 1) < BANK_WEIGHT_EPSILON;
		if (!full && fabs(as[i].fraction) > BANK_WEIGHT_EPSILON) {
			bank_conv_skip(c, line,
				       "partial credit in a single-answer question is not "
				       "supported");
			json_decref(options);
			return NULL;
		}
		right += full;
		json_array_append_new(options, bank_option_new(as[i].text, full, as[i].feedback));
	}
	if (right != 1) {
		bank_conv_error(c, line,
				"a single-answer question needs exactly one answer with fraction "
				"100, not %zu",
				right);
		json_decref(options);
		return NULL;
	}
	return options;
}

/* Reads "@key: value" comments inside a question (what Moodle XML has no
 * element for, as bank_export_moodle_xml writes it) into meta, or into the
 * bank's fields when the comment is directly under <quiz>. */
static void xml_comment(struct bank_conv *c, const xmlNode *k, struct bank_meta *meta)
{
	xmlChar *content = xmlNodeGetContent(k);
	const char *s = (const char *)content;
	while (*s && isspace((unsigned char)*s))
		s++;
	const char *colon = *s == '@' ? strchr(s, ':') : NULL;
	if (colon) {
		/* Comments cannot hold "--": the writer escapes '-' and '\'. */
		struct strbuf value;
		sb_init(&value);
		for (const char *p = colon + 1; *p; p++) {
			if (*p == '\\' && p[1]) {
				p++;
				if (*p == 'n') {
					sb_puts(&value, "\n");
					continue;
				}
			}
			sb_append(&value, p, 1);
		}
		char *key = xstrndup(s + 1, (size_t)(colon - s - 1));
		bank_conv_meta(c, key, value.data ? value.data : "", (int)xmlGetLineNo(k), meta);
		free(key);
		sb_cleanup(&value);
	}
	xmlFree(content);
}

static const char *const KNOWN_TYPES[] = { "multichoice", "truefalse", "shortanswer", NULL };

/* Why a Moodle type is left out, or NULL when the engine reads it. */
static const char *xml_unsupported(const char *type)
{
	for (size_t i = 0; KNOWN_TYPES[i]; i++)
		if (strcmp(type, KNOWN_TYPES[i]) == 0)
			return NULL;
	if (strcmp(type, "matching") == 0)
		return "matching questions are not imported: the engine has no matching type";
	if (strcmp(type, "numerical") == 0)
		return "numerical questions are not imported: the engine has no numerical type";
	return "this question type is not imported: the engine reads multichoice, truefalse "
	       "and shortanswer";
}

static void xml_question(struct bank_conv *c, xmlNode *q)
{
	int line = (int)xmlGetLineNo(q);
	xmlChar *type_attr = xmlGetProp(q, (const xmlChar *)"type");
	const char *type = type_attr ? (const char *)type_attr : "";
	char *stem = NULL, *single = NULL;
	struct bank_answer *as = NULL;
	long nas = 0;
	json_t *options = NULL;
	struct bank_meta meta = { 0 };
	const char *why = xml_unsupported(type);
	if (why) {
		bank_conv_skip(c, line, "question type \"%.40s\": %s", type, why);
		goto out;
	}
	for (xmlNode *k = q->children; k; k = k->next)
		if (k->type == XML_COMMENT_NODE)
			xml_comment(c, k, &meta);
	stem = xml_text_of(q, "questiontext");
	if (!stem || !*stem) {
		bank_conv_error(c, line, "<question> has no <questiontext>");
		goto out;
	}
	nas = xml_answers(c, q, &as);
	if (nas <= 0) {
		if (nas == 0)
			bank_conv_error(c, line, "<question> has no <answer>");
		nas = 0;
		goto out;
	}
	single = xml_value(q, "single");
	bool is_single = !single || strcmp(single, "true") == 0 || strcmp(single, "1") == 0;
	const char *native = strcmp(type, "truefalse") == 0     ? "true_false"
			     : strcmp(type, "shortanswer") == 0 ? "short"
			     : is_single                        ? "single"
								: "multiple";
	struct bank_pending tf = { .line = line };
	if (!strcmp(native, "true_false") && !xml_true_false(c, &tf, as, nas))
		goto out;
	if (!strcmp(native, "short"))
		options = bank_short_options(c, as, (size_t)nas, line);
	else if (!strcmp(native, "single"))
		options = xml_single(c, line, as, nas);
	else if (!strcmp(native, "multiple"))
		options = bank_options_from_fractions(as, (size_t)nas);
	if (!options && strcmp(native, "true_false"))
		goto out;
	struct bank_pending *p = bank_conv_add(c, line, native);
	p->stem = stem;
	stem = NULL;
	p->options = options;
	options = NULL;
	p->tf_true = tf.tf_true;
	p->tf_feedback_true = tf.tf_feedback_true;
	p->tf_feedback_false = tf.tf_feedback_false;
	char *name = xml_text_of(q, "name");
	p->code = name && util_valid_code(name) ? name : NULL;
	if (!p->code)
		free(name);
	p->explanation = xml_text_of(q, "generalfeedback");
	p->meta = meta;
	memset(&meta, 0, sizeof meta);
out:
	bank_answers_free(as, (size_t)nas);
	json_decref(options);
	bank_meta_clear(&meta);
	free(stem);
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

/* The children of <quiz>: questions, categories and comments. */
static void xml_quiz(struct bank_conv *c, const xmlNode *root)
{
	struct bank_meta ignored = { 0 };
	for (xmlNode *k = root->children; k; k = k->next) {
		if (k->type == XML_COMMENT_NODE) {
			xml_comment(c, k, &ignored);
			continue;
		}
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (!xml_is(k, "question")) {
			bank_conv_error(c, (int)xmlGetLineNo(k),
					"<quiz> may hold only <question> elements, not <%s>",
					(const char *)k->name);
			continue;
		}
		xmlChar *type = xmlGetProp(k, (const xmlChar *)"type");
		if (type && xmlStrcmp(type, (const xmlChar *)"category") == 0) {
			char *path = xml_text_of(k, "category");
			if (path)
				bank_conv_category(c, path, strlen(path));
			free(path);
		} else {
			xml_question(c, k);
		}
		xmlFree(type);
	}
	bank_meta_clear(&ignored);
}

void bank_moodle_parse(struct bank_conv *c, const char *text, size_t len)
{
	struct xml_first_error first = { 0 };
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	xmlDocPtr doc = NULL;
	if (!ctxt) {
		snprintf(c->out->message, sizeof c->out->message, "out of memory");
		return;
	}
	if (len > INT32_MAX) {
		bank_conv_error(c, 1, "the file is too large");
		goto out;
	}
	/* No network, no external entities, no DTD loading. Errors go to the
	 * handler (per thread in libxml2), not to stderr. */
	xmlSetStructuredErrorFunc(&first, xml_on_error);
	doc = xmlCtxtReadMemory(ctxt, text, (int)len, "bank.xml", NULL,
				XML_PARSE_NONET | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!doc || first.line) {
		bank_conv_error(c, first.line ? first.line : 1, "%s",
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
		bank_conv_error(c, line, "a <!DOCTYPE> is not accepted in a Moodle XML bank");
		goto out;
	}
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || xmlStrcmp(root->name, (const xmlChar *)"quiz")) {
		bank_conv_error(c, root ? (int)xmlGetLineNo(root) : 1,
				"the root element must be <quiz>");
		goto out;
	}
	xml_quiz(c, root);
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
}

/* ---- writing ------------------------------------------------------------ */

/* <!-- @key: value -->, with '\' and a '-' that could close the comment
 * escaped by '\'. */
static void xml_meta(struct strbuf *sb, const char *indent, const char *key, const char *value)
{
	sb_printf(sb, "%s<!-- @%s: ", indent, key);
	for (const char *p = value; *p; p++) {
		bool dash_pair =
			*p == '-' && (p[1] == '-' || p[1] == '\0' || (p > value && p[-1] == '-'));
		if (*p == '\\' || dash_pair)
			sb_puts(sb, "\\");
		if (*p == '\n')
			sb_puts(sb, "\\n");
		else if (*p != '\r')
			sb_append(sb, p, 1);
	}
	sb_puts(sb, " -->\n");
}

/* <tag format="plain_text"><text>value</text></tag> */
static void xml_text_element(struct strbuf *sb, const char *indent, const char *tag,
			     const char *value)
{
	sb_printf(sb, "%s<%s format=\"plain_text\"><text>", indent, tag);
	html_append(sb, value);
	sb_printf(sb, "</text></%s>\n", tag);
}

static void xml_answer(struct strbuf *sb, double fraction, const char *text, const char *feedback)
{
	sb_puts(sb, "    <answer fraction=\"");
	bank_put_percent(sb, fraction);
	sb_puts(sb, "\" format=\"plain_text\">\n      <text>");
	html_append(sb, text ? text : "");
	sb_puts(sb, "</text>\n");
	if (feedback && *feedback)
		xml_text_element(sb, "      ", "feedback", feedback);
	sb_puts(sb, "    </answer>\n");
}

/* The answers of a question, with the fraction each option gives. */
static void xml_export_answers(struct strbuf *sb, const json_t *options, const char *type,
			       const char *language)
{
	size_t i, k = 0;
	json_t *opt;
	bool multiple = strcmp(type, "multiple") == 0, tf = strcmp(type, "true_false") == 0;
	json_array_foreach(options, i, opt) k += json_is_true(json_object_get(opt, "correct"));
	json_array_foreach(options, i, opt)
	{
		json_t *w = json_object_get(opt, "weight");
		bool right = json_is_true(json_object_get(opt, "correct"));
		double fraction = w ? json_number_value(w) : right ? 1 : 0;
		if (multiple && !w && k)
			fraction = (right ? 1.0 : -1.0) / (double)k;
		const char *text = bank_json_str(opt, "text");
		if (tf) /* Moodle's truefalse answers read "true" and "false". */
			text = text && (!strcmp(text, bank_true_text(language)) ||
					!strcasecmp(text, "true"))
				       ? "true"
				       : "false";
		xml_answer(sb, fraction, text, bank_json_str(opt, "feedback"));
	}
}

static const struct {
	const char *native;
	const char *moodle;
} XML_TYPES[] = { { "single", "multichoice" },
		  { "multiple", "multichoice" },
		  { "true_false", "truefalse" },
		  { "short", "shortanswer" } };

static int xml_export_question(struct strbuf *sb, const json_t *q, size_t index,
			       const char *language, char *err, size_t errlen)
{
	const char *code = bank_json_str(q, "code"), *type = bank_json_str(q, "type");
	const char *stem = bank_json_str(q, "stem"), *explanation = bank_json_str(q, "explanation");
	const json_t *options = json_object_get(q, "options");
	const char *moodle = NULL;
	for (size_t i = 0; type && i < sizeof XML_TYPES / sizeof XML_TYPES[0]; i++)
		if (strcmp(type, XML_TYPES[i].native) == 0)
			moodle = XML_TYPES[i].moodle;
	if (!code || !util_valid_code(code) || !type || !stem || !json_array_size(options)) {
		snprintf(err, errlen, "question %zu lacks a valid code, type, stem or options",
			 index + 1);
		return -1;
	}
	if (!moodle) {
		snprintf(err, errlen, "question %zu has the unknown type \"%s\"", index + 1, type);
		return -1;
	}
	sb_printf(sb, "  <question type=\"%s\">\n", moodle);
	char *topics = bank_join_list(json_object_get(q, "topics"));
	if (*topics)
		xml_meta(sb, "    ", "topics", topics);
	free(topics);
	json_t *difficulty = json_object_get(q, "difficulty");
	if (json_is_integer(difficulty))
		sb_printf(sb, "    <!-- @difficulty: %d -->\n",
			  (int)json_integer_value(difficulty));
	if (bank_json_str(q, "reference"))
		xml_meta(sb, "    ", "reference", bank_json_str(q, "reference"));
	if (json_is_true(json_object_get(q, "ignore_diacritics")))
		sb_puts(sb, "    <!-- @ignore_diacritics: true -->\n");
	sb_puts(sb, "    <name><text>");
	html_append(sb, code);
	sb_puts(sb, "</text></name>\n");
	xml_text_element(sb, "    ", "questiontext", stem);
	if (explanation && *explanation)
		xml_text_element(sb, "    ", "generalfeedback", explanation);
	sb_puts(sb, "    <defaultgrade>1</defaultgrade>\n");
	if (!strcmp(type, "single") || !strcmp(type, "multiple")) {
		sb_printf(sb, "    <single>%s</single>\n",
			  !strcmp(type, "single") ? "true" : "false");
		sb_puts(sb, "    <shuffleanswers>true</shuffleanswers>\n"
			    "    <answernumbering>abc</answernumbering>\n");
	} else if (!strcmp(type, "short")) {
		sb_puts(sb, "    <usecase>0</usecase>\n");
	}
	xml_export_answers(sb, options, type, language);
	sb_puts(sb, "  </question>\n");
	return 0;
}

char *bank_export_moodle_xml(const json_t *bank, char *err, size_t errlen)
{
	const json_t *questions = json_object_get(bank, "questions");
	const char *language =
		bank_json_str(bank, "language") ? bank_json_str(bank, "language") : "vi";
	if (!bank_json_str(bank, "code") || !json_is_array(questions)) {
		snprintf(err, errlen, "the bank lacks a code or questions");
		return NULL;
	}
	struct strbuf sb;
	size_t i;
	json_t *q;
	sb_init(&sb);
	sb_puts(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n"
		     "  <!-- Question bank exported as Moodle XML. Comments \"@...\" carry what\n"
		     "       Moodle XML has no element for; Moodle ignores them. -->\n");
	xml_meta(&sb, "  ", "bank", bank_json_str(bank, "code"));
	if (bank_json_str(bank, "title"))
		xml_meta(&sb, "  ", "title", bank_json_str(bank, "title"));
	xml_meta(&sb, "  ", "language", language);
	char *audiences = bank_join_list(json_object_get(bank, "audiences"));
	if (*audiences)
		xml_meta(&sb, "  ", "audiences", audiences);
	free(audiences);
	json_array_foreach(questions, i, q)
	{
		if (xml_export_question(&sb, q, i, language, err, errlen) < 0) {
			sb_cleanup(&sb);
			return NULL;
		}
	}
	sb_puts(&sb, "</quiz>\n");
	return sb_steal(&sb);
}
