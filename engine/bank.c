/* bank.c - the native question-bank format: validation with source lines,
 * versioned import, export. */
#include "bank.h"

#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

#include "bank_source.h"
#include "clock.h"
#include "db.h"
#include "db_bank.h"
#include "org.h"
#include "util.h"

const char *const bank_topics[] = {
	"passwords",
	"phishing_fraud",
	"malware",
	"social_networks",
	"personal_data",
	"wifi_public_networks",
	"mobile_smart_devices",
	"misinformation",
	"law_policy",
	"incident_response",
	"leader_responsibility",
	"domestic_products",
	"egov_online_services",
	"professional_ethics",
	"infosec_careers",
	NULL,
};

bool bank_valid_topic(const char *code)
{
	for (size_t i = 0; bank_topics[i]; i++)
		if (strcmp(code, bank_topics[i]) == 0)
			return true;
	return false;
}

/* ---- results ------------------------------------------------------------ */

void bank_result_init(struct bank_result *res)
{
	memset(res, 0, sizeof *res);
}

void bank_notes_cleanup(struct bank_notes *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].message);
	free(l->items);
	memset(l, 0, sizeof *l);
}

void bank_result_cleanup(struct bank_result *res)
{
	if (!res)
		return;
	bank_notes_cleanup(&res->errors);
	bank_notes_cleanup(&res->skipped);
}

void bank_notes_vadd(struct bank_notes *l, int line, const char *prefix, const char *fmt,
		     va_list ap)
{
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->n].line = line;
	l->items[l->n].message = xasprintf("%s%s", prefix ? prefix : "", m ? m : "?");
	l->n++;
	free(m);
}

void bank_notes_add(struct bank_notes *l, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bank_notes_vadd(l, line, NULL, fmt, ap);
	va_end(ap);
}

void bank_result_skip(struct bank_result *res, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bank_notes_vadd(&res->skipped, line, NULL, fmt, ap);
	va_end(ap);
}

json_t *bank_notes_json(const struct bank_notes *issues)
{
	json_t *a = json_array();
	for (size_t i = 0; i < issues->n; i++)
		json_array_append_new(a, json_pack("{s:i,s:s}", "line", issues->items[i].line,
						   "message", issues->items[i].message));
	return a;
}

/* ---- validation --------------------------------------------------------- */

struct checker {
	const char *filename;
	const int *line_of_question;
	struct bank_source src;
	size_t root; /* offset of the root object */
	size_t *qoff; /* offsets of the questions, when text is known */
	size_t nqoff;
	struct bank_result *res;
};

/* Where a problem is: the question (-1: the bank), a member of it (NULL:
 * the question itself) and an element of that member (-1: none). */
static int locate(const struct checker *c, long q, const char *member, long element)
{
	size_t obj = q < 0 ? c->root : ((size_t)q < c->nqoff ? c->qoff[q] : (size_t)-1);
	if (obj == (size_t)-1 || !c->src.text) {
		if (q >= 0 && c->line_of_question)
			return c->line_of_question[q];
		if (q >= 0)
			return (int)q + 1;
		return 0;
	}
	size_t at = obj;
	if (member) {
		size_t value = 0;
		size_t key = bank_source_member(&c->src, obj, member, &value);
		if (key != (size_t)-1) {
			at = key;
			if (element >= 0) {
				size_t e = bank_source_element(&c->src, value, (size_t)element);
				if (e != (size_t)-1)
					at = e;
			}
		}
	}
	return bank_source_line(&c->src, at);
}

static void report(struct checker *c, long q, const char *qcode, const char *member, long element,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void report(struct checker *c, long q, const char *qcode, const char *member, long element,
		   const char *fmt, ...)
{
	int line = locate(c, q, member, element);
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, "%s:%d: ", c->filename, line);
	if (q >= 0) {
		if (qcode)
			sb_printf(&sb, "question %s: ", qcode);
		else
			sb_printf(&sb, "question #%ld: ", q + 1);
	}
	if (member) {
		if (element >= 0)
			sb_printf(&sb, "%s[%ld]: ", member, element + 1);
		else
			sb_printf(&sb, "%s: ", member);
	}
	va_list ap;
	va_start(ap, fmt);
	bank_notes_vadd(&c->res->errors, line, sb.data, fmt, ap);
	va_end(ap);
	sb_cleanup(&sb);
}

static bool has_nonblank(const char *s)
{
	for (; *s; s++)
		if (!strchr(" \t\r\n", *s))
			return true;
	return false;
}

static bool is_nfc(const char *s)
{
	size_t len = strlen(s), outlen = 0;
	uint8_t *n = u8_normalize(UNINORM_NFC, (const uint8_t *)s, len, NULL, &outlen);
	bool same = n && outlen == len && memcmp(n, s, len) == 0;
	free(n);
	return same;
}

/* Checks a text member: a non-blank NFC string of at most max bytes.
 * required: absence is an error. Returns the string or NULL. */
static const char *check_text(struct checker *c, json_t *obj, const char *name, size_t max,
			      bool required, long q, const char *qcode, const char *member,
			      long element)
{
	json_t *v = json_object_get(obj, name);
	const char *where = member ? member : name;
	if (!v) {
		if (required)
			report(c, q, qcode, member, element, "%s is required", name);
		return NULL;
	}
	if (!json_is_string(v)) {
		report(c, q, qcode, where, member ? element : -1, "%s must be a string", name);
		return NULL;
	}
	const char *s = json_string_value(v);
	if (!has_nonblank(s)) {
		report(c, q, qcode, where, member ? element : -1, "%s must not be empty", name);
		return NULL;
	}
	if (strlen(s) > max || strlen(s) != json_string_length(v)) {
		report(c, q, qcode, where, member ? element : -1,
		       "%s is longer than %zu bytes or holds a NUL", name, max);
		return NULL;
	}
	if (!is_nfc(s)) {
		report(c, q, qcode, where, member ? element : -1,
		       "%s is not in Unicode NFC form (normalise the file to NFC)", name);
		return NULL;
	}
	return s;
}

static void check_unknown(struct checker *c, json_t *obj, const char *const *known, long q,
			  const char *qcode, const char *member, long element)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		bool ok = false;
		for (size_t i = 0; known[i]; i++)
			ok = ok || strcmp(key, known[i]) == 0;
		if (!ok)
			report(c, q, qcode, member ? member : key, member ? element : -1,
			       "unknown field \"%.64s\"", key);
	}
}

static const char *const ROOT_FIELDS[] = { "code",      "title",     "language",
					   "audiences", "questions", NULL };
static const char *const QUESTION_FIELDS[] = { "code",        "type",      "topics",
					       "difficulty",  "stem",      "options",
					       "explanation", "reference", "ignore_diacritics",
					       NULL };
static const char *const OPTION_FIELDS[] = { "text", "correct", "weight", "feedback", NULL };

/* What the options of a question add up to, for the rules on the whole. */
struct option_tally {
	size_t flags, weights, n_true, n_false, n_full;
	double positive; /* the sum of the positive weights of a multiple */
	bool shape_ok; /* every option has a well-formed flag or weight */
};

/* An option's correct flag or weight (option i of question qi). */
static void check_option_score(struct checker *c, json_t *o, long qi, const char *qcode, long i,
			       const char *type, struct option_tally *t)
{
	bool multiple = !strcmp(type, "multiple"), shrt = !strcmp(type, "short");
	json_t *corr = json_object_get(o, "correct");
	json_t *w = json_object_get(o, "weight");
	const char *problem = NULL;
	if (corr && w) {
		problem = "give either correct or weight, not both";
	} else if (corr) {
		if (!json_is_boolean(corr))
			problem = "correct must be true or false";
		else {
			t->flags++;
			t->n_true += json_is_true(corr);
			t->n_false += !json_is_true(corr);
		}
	} else if (w && shrt) {
		/* A short answer's weight is the credit it gives. */
		if (!json_is_number(w) || json_number_value(w) <= 0 || json_number_value(w) > 1)
			problem =
				"the weight of an accepted answer is its credit: a number above 0 "
				"and at most 1";
		else
			t->n_full += json_number_value(w) > 1 - 1e-9;
	} else if (w) {
		if (!multiple)
			problem = "weight is allowed only in multiple and short questions; use "
				  "correct";
		else if (!json_is_number(w) || json_number_value(w) < -1 ||
			 json_number_value(w) > 1)
			problem = "weight must be a number from -1 to 1";
		else {
			t->weights++;
			if (json_number_value(w) > 0)
				t->positive += json_number_value(w);
		}
	} else {
		problem =
			multiple ? "an option needs correct or weight" : "an option needs correct";
	}
	if (problem) {
		report(c, qi, qcode, "options", i, "%s", problem);
		t->shape_ok = false;
	}
}

/* The rules on a question's options taken together. */
static void check_option_totals(struct checker *c, long qi, const char *qcode, const char *type,
				const struct option_tally *t)
{
	if (!strcmp(type, "single") || !strcmp(type, "true_false")) {
		if (t->n_true != 1)
			report(c, qi, qcode, "options", -1,
			       "exactly one option must be correct, found %zu", t->n_true);
	} else if (!strcmp(type, "short")) {
		if (t->n_false)
			report(c, qi, qcode, "options", -1,
			       "every option of a short question is an accepted answer and must be "
			       "\"correct\": true or give partial credit by a weight (%zu are "
			       "false)",
			       t->n_false);
		else if (t->n_true + t->n_full == 0)
			report(c, qi, qcode, "options", -1,
			       "at least one accepted answer must give full credit (\"correct\": "
			       "true)");
	} else if (!strcmp(type, "multiple")) {
		if (t->flags && t->weights)
			report(c, qi, qcode, "options", -1,
			       "use correct flags on every option or weights on every option, not "
			       "both");
		else if (t->flags && t->n_true == 0)
			report(c, qi, qcode, "options", -1, "at least one option must be correct");
		else if (t->weights && fabs(t->positive - 1.0) > 1e-6)
			report(c, qi, qcode, "options", -1,
			       "the positive weights must sum to 1 (they sum to %g)", t->positive);
	}
}

/* An option's fields and texts (option i of the array opts). */
static void check_option_texts(struct checker *c, json_t *opts, size_t i, long qi,
			       const char *qcode)
{
	json_t *o = json_array_get(opts, i);
	check_unknown(c, o, OPTION_FIELDS, qi, qcode, "options", (long)i);
	const char *text =
		check_text(c, o, "text", BANK_OPTION_MAX, false, qi, qcode, "options", (long)i);
	if (!json_object_get(o, "text"))
		report(c, qi, qcode, "options", (long)i, "text is required");
	check_text(c, o, "feedback", BANK_FEEDBACK_MAX, false, qi, qcode, "options", (long)i);
	for (size_t j = 0; text && j < i; j++) {
		json_t *t = json_object_get(json_array_get(opts, j), "text");
		if (json_is_string(t) && !strcmp(json_string_value(t), text))
			report(c, qi, qcode, "options", (long)i, "the same text as option %zu",
			       j + 1);
	}
}

static void check_options(struct checker *c, json_t *q, long qi, const char *qcode,
			  const char *type)
{
	json_t *opts = json_object_get(q, "options");
	if (!opts) {
		report(c, qi, qcode, NULL, -1, "options is required");
		return;
	}
	if (!json_is_array(opts)) {
		report(c, qi, qcode, "options", -1, "options must be an array");
		return;
	}
	size_t n = json_array_size(opts);
	size_t min = 3, max = 5;
	if (!strcmp(type, "true_false"))
		min = max = 2;
	else if (!strcmp(type, "short"))
		min = 1, max = 10;
	if (n < min || n > max) {
		if (min == max)
			report(c, qi, qcode, "options", -1,
			       "a %s question needs exactly %zu options, found %zu", type, min, n);
		else
			report(c, qi, qcode, "options", -1,
			       "a %s question needs %zu to %zu options, found %zu", type, min, max,
			       n);
	}
	struct option_tally tally = { .shape_ok = true };
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(opts, i);
		if (!json_is_object(o)) {
			report(c, qi, qcode, "options", (long)i, "an option must be an object");
			tally.shape_ok = false;
			continue;
		}
		check_option_texts(c, opts, i, qi, qcode);
		check_option_score(c, o, qi, qcode, (long)i, type, &tally);
	}
	if (tally.shape_ok)
		check_option_totals(c, qi, qcode, type, &tally);
}

static void check_question(struct checker *c, json_t *q, long qi)
{
	if (!json_is_object(q)) {
		report(c, qi, NULL, NULL, -1, "a question must be an object");
		return;
	}
	const char *code = NULL;
	json_t *jcode = json_object_get(q, "code");
	if (!jcode)
		report(c, qi, NULL, NULL, -1, "code is required");
	else if (!json_is_string(jcode) || !util_valid_code(json_string_value(jcode)))
		report(c, qi, NULL, "code", -1, "code must match [A-Za-z0-9_.-]{1,64}");
	else
		code = json_string_value(jcode);
	check_unknown(c, q, QUESTION_FIELDS, qi, code, NULL, -1);

	const char *type = NULL;
	json_t *jtype = json_object_get(q, "type");
	if (!jtype)
		report(c, qi, code, NULL, -1, "type is required");
	else if (!json_is_string(jtype) || (strcmp(json_string_value(jtype), "single") &&
					    strcmp(json_string_value(jtype), "multiple") &&
					    strcmp(json_string_value(jtype), "true_false") &&
					    strcmp(json_string_value(jtype), "short")))
		report(c, qi, code, "type", -1,
		       "type must be single, multiple, true_false or short");
	else
		type = json_string_value(jtype);

	json_t *topics = json_object_get(q, "topics");
	if (!topics)
		report(c, qi, code, NULL, -1, "topics is required");
	else if (!json_is_array(topics) || json_array_size(topics) == 0)
		report(c, qi, code, "topics", -1,
		       "topics must be a non-empty array of topic codes");
	else {
		for (size_t i = 0; i < json_array_size(topics); i++) {
			json_t *t = json_array_get(topics, i);
			if (!json_is_string(t) || !bank_valid_topic(json_string_value(t))) {
				report(c, qi, code, "topics", (long)i,
				       "unknown topic (use the codes of plan-targets.md)");
				continue;
			}
			for (size_t j = 0; j < i; j++)
				if (json_equal(t, json_array_get(topics, j)))
					report(c, qi, code, "topics", (long)i,
					       "topic %s is repeated", json_string_value(t));
		}
	}

	json_t *d = json_object_get(q, "difficulty");
	if (!d)
		report(c, qi, code, NULL, -1, "difficulty is required");
	else if (!json_is_integer(d) || json_integer_value(d) < 1 || json_integer_value(d) > 3)
		report(c, qi, code, "difficulty", -1, "difficulty must be the integer 1, 2 or 3");

	check_text(c, q, "stem", BANK_STEM_MAX, true, qi, code, NULL, -1);
	check_text(c, q, "explanation", BANK_EXPLANATION_MAX, true, qi, code, NULL, -1);
	check_text(c, q, "reference", BANK_REFERENCE_MAX, false, qi, code, NULL, -1);

	json_t *ign = json_object_get(q, "ignore_diacritics");
	if (ign) {
		if (!json_is_boolean(ign))
			report(c, qi, code, "ignore_diacritics", -1,
			       "ignore_diacritics must be true or false");
		else if (type && strcmp(type, "short") != 0)
			report(c, qi, code, "ignore_diacritics", -1,
			       "ignore_diacritics is allowed only in short questions");
	}
	if (type)
		check_options(c, q, qi, code, type);
}

struct code_index {
	const char *code;
	size_t index;
};

static int by_code(const void *a, const void *b)
{
	const struct code_index *x = a, *y = b;
	int c = strcmp(x->code, y->code);
	return c ? c : (x->index > y->index) - (x->index < y->index);
}

bool bank_validate(json_t *bank, const char *filename, const int *line_of_question,
		   const char *text, size_t text_len, struct bank_result *res)
{
	struct checker c = { .filename = filename ? filename : "bank",
			     .line_of_question = line_of_question,
			     .res = res };
	size_t before = res->errors.n;
	bank_source_init(&c.src, text, text_len);
	c.root = bank_source_skip_ws(&c.src, 0);
	if (!json_is_object(bank)) {
		report(&c, -1, NULL, NULL, -1, "a bank must be a JSON object");
		goto out;
	}
	check_unknown(&c, bank, ROOT_FIELDS, -1, NULL, NULL, -1);
	json_t *jcode = json_object_get(bank, "code");
	if (!jcode)
		report(&c, -1, NULL, NULL, -1, "code is required");
	else if (!json_is_string(jcode) || !util_valid_code(json_string_value(jcode)))
		report(&c, -1, NULL, "code", -1, "code must match [A-Za-z0-9_.-]{1,64}");
	else
		util_strlcpy(res->code, json_string_value(jcode), sizeof res->code);
	check_text(&c, bank, "title", BANK_TITLE_MAX, true, -1, NULL, NULL, -1);
	json_t *lang = json_object_get(bank, "language");
	if (!lang)
		report(&c, -1, NULL, NULL, -1, "language is required");
	else if (!json_is_string(lang) ||
		 (strcmp(json_string_value(lang), "vi") && strcmp(json_string_value(lang), "en")))
		report(&c, -1, NULL, "language", -1, "language must be vi or en");
	json_t *aud = json_object_get(bank, "audiences");
	if (!aud)
		report(&c, -1, NULL, NULL, -1, "audiences is required");
	else if (!json_is_array(aud) || json_array_size(aud) == 0)
		report(&c, -1, NULL, "audiences", -1, "audiences must be a non-empty array");
	else
		for (size_t i = 0; i < json_array_size(aud); i++) {
			json_t *a = json_array_get(aud, i);
			if (!json_is_string(a) || !org_valid_audience(json_string_value(a)))
				report(&c, -1, NULL, "audiences", (long)i,
				       "unknown audience (use the codes of plan-targets.md)");
			else
				for (size_t j = 0; j < i; j++)
					if (json_equal(a, json_array_get(aud, j)))
						report(&c, -1, NULL, "audiences", (long)i,
						       "audience %s is repeated",
						       json_string_value(a));
		}
	json_t *qs = json_object_get(bank, "questions");
	if (!qs) {
		report(&c, -1, NULL, NULL, -1, "questions is required");
		goto out;
	}
	if (!json_is_array(qs) || json_array_size(qs) == 0) {
		report(&c, -1, NULL, "questions", -1, "questions must be a non-empty array");
		goto out;
	}
	if (json_array_size(qs) > BANK_QUESTIONS_MAX) {
		report(&c, -1, NULL, "questions", -1, "a bank holds at most %d questions",
		       BANK_QUESTIONS_MAX);
		goto out;
	}
	size_t qval = 0;
	if (c.src.text && bank_source_member(&c.src, c.root, "questions", &qval) != (size_t)-1)
		c.qoff = bank_source_elements(&c.src, qval, &c.nqoff);
	size_t n = json_array_size(qs);
	for (size_t i = 0; i < n; i++)
		check_question(&c, json_array_get(qs, i), (long)i);

	struct code_index *codes = xmalloc(n * sizeof *codes);
	size_t ncodes = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *jc = json_object_get(json_array_get(qs, i), "code");
		if (json_is_string(jc))
			codes[ncodes++] = (struct code_index){ json_string_value(jc), i };
	}
	qsort(codes, ncodes, sizeof *codes, by_code);
	for (size_t i = 1; i < ncodes; i++)
		if (!strcmp(codes[i].code, codes[i - 1].code))
			report(&c, (long)codes[i].index, codes[i].code, "code", -1,
			       "the code is already used by question #%zu (line %d)",
			       codes[i - 1].index + 1,
			       locate(&c, (long)codes[i - 1].index, NULL, -1));
	free(codes);
out:
	free(c.qoff);
	bank_source_cleanup(&c.src);
	return res->errors.n == before;
}

/* ---- import ------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fills q from a valid question object: the stored weights, topics, text,
 * and the hash of its content (what decides whether it changed). */
void bank_question_from_json(json_t *jq, int64_t bank_id, struct db_question *q)
{
	memset(q, 0, sizeof *q);
	q->bank_id = bank_id;
	util_strlcpy(q->code, json_string_value(json_object_get(jq, "code")), sizeof q->code);
	util_strlcpy(q->type, json_string_value(json_object_get(jq, "type")), sizeof q->type);
	q->difficulty = (int)json_integer_value(json_object_get(jq, "difficulty"));
	q->stem = xstrdup(json_string_value(json_object_get(jq, "stem")));
	q->explanation = xstrdup(json_string_value(json_object_get(jq, "explanation")));
	json_t *ref = json_object_get(jq, "reference");
	q->reference = ref ? xstrdup(json_string_value(ref)) : NULL;
	q->ignore_diacritics = json_is_true(json_object_get(jq, "ignore_diacritics"));
	json_t *topics = json_object_get(jq, "topics");
	q->ntopics = json_array_size(topics);
	q->topics = xcalloc(q->ntopics, sizeof *q->topics);
	for (size_t i = 0; i < q->ntopics; i++)
		q->topics[i] = xstrdup(json_string_value(json_array_get(topics, i)));
	json_t *opts = json_object_get(jq, "options");
	q->noptions = json_array_size(opts);
	q->options = xcalloc(q->noptions, sizeof *q->options);
	size_t n_correct = 0;
	for (size_t i = 0; i < q->noptions; i++)
		if (json_is_true(json_object_get(json_array_get(opts, i), "correct")))
			n_correct++;
	bool multiple = !strcmp(q->type, "multiple");
	for (size_t i = 0; i < q->noptions; i++) {
		json_t *o = json_array_get(opts, i);
		struct db_option *opt = &q->options[i];
		opt->text = xstrdup(json_string_value(json_object_get(o, "text")));
		json_t *fb = json_object_get(o, "feedback");
		opt->feedback = fb ? xstrdup(json_string_value(fb)) : NULL;
		json_t *corr = json_object_get(o, "correct");
		if (corr) {
			opt->correct = json_is_true(corr) ? 1 : 0;
			if (multiple)
				opt->weight = (opt->correct ? 1.0 : -1.0) / (double)n_correct;
			else
				opt->weight = opt->correct ? 1.0 : 0.0;
		} else {
			opt->correct = -1;
			opt->weight = json_number_value(json_object_get(o, "weight"));
		}
	}
	/* The hash covers everything a participant or the scoring sees; topics
	 * are a set (stored and exported sorted). */
	qsort(q->topics, q->ntopics, sizeof *q->topics, cmp_str);
	json_t *sorted = json_array();
	for (size_t i = 0; i < q->ntopics; i++)
		json_array_append_new(sorted, json_string(q->topics[i]));
	json_t *canon = json_pack("{s:s,s:i,s:s,s:s,s:s?,s:b,s:o,s:[]}", "type", q->type,
				  "difficulty", q->difficulty, "stem", q->stem, "explanation",
				  q->explanation, "reference", q->reference, "ignore_diacritics",
				  q->ignore_diacritics, "topics", sorted, "options");
	json_t *copts = json_object_get(canon, "options");
	for (size_t i = 0; i < q->noptions; i++) {
		/* Feedback joins the hash only when given, so the hashes of
		 * questions stored before it existed stay the same. */
		json_t *co = json_pack("{s:s,s:f,s:i}", "text", q->options[i].text, "weight",
				       q->options[i].weight, "correct", q->options[i].correct);
		if (q->options[i].feedback)
			json_object_set_new(co, "feedback", json_string(q->options[i].feedback));
		json_array_append_new(copts, co);
	}
	char *text = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
	crypto_generichash(q->hash, DB_QUESTION_HASH_LEN, (const unsigned char *)text, strlen(text),
			   NULL, 0);
	free(text);
	json_decref(canon);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static enum outcome store_bank(struct db *db, json_t *bank, struct bank_result *res)
{
	enum outcome ret = OUTCOME_INTERNAL;
	int64_t bank_id = 0;
	int64_t *kept = NULL, *current = NULL;
	size_t ncurrent = 0;
	char *audiences = json_dumps(json_object_get(bank, "audiences"), JSON_COMPACT);
	json_t *qs = json_object_get(bank, "questions");
	size_t n = json_array_size(qs);
	kept = xcalloc(n ? n : 1, sizeof *kept);
	if (db_begin_write(db))
		goto fail;
	if (db_bank_upsert(db, json_string_value(json_object_get(bank, "code")),
			   json_string_value(json_object_get(bank, "title")),
			   json_string_value(json_object_get(bank, "language")), audiences,
			   clock_now_ms(), &bank_id))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct db_question q;
		bank_question_from_json(json_array_get(qs, i), bank_id, &q);
		int64_t old_id = 0;
		int old_version = 0;
		unsigned char old_hash[DB_QUESTION_HASH_LEN];
		int found =
			db_question_current(db, bank_id, q.code, &old_id, &old_version, old_hash);
		int rc = found < 0 ? -1 : 0;
		if (found == 1 && memcmp(old_hash, q.hash, DB_QUESTION_HASH_LEN) == 0) {
			kept[i] = old_id;
			res->unchanged++;
		} else if (found >= 0) {
			int max_version = 0;
			if (found == 1)
				rc = db_question_set_current(db, old_id, false);
			if (!rc)
				rc = db_question_max_version(db, bank_id, q.code, &max_version);
			q.version = max_version + 1;
			if (!rc)
				rc = db_question_insert(db, &q);
			kept[i] = q.id;
			if (found == 1)
				res->updated++;
			else
				res->inserted++;
		}
		db_question_cleanup(&q);
		if (rc)
			goto fail;
	}
	if (db_bank_current_ids(db, bank_id, &current, &ncurrent))
		goto fail;
	qsort(kept, n, sizeof *kept, cmp_i64);
	for (size_t i = 0; i < ncurrent; i++) {
		if (bsearch(&current[i], kept, n, sizeof *kept, cmp_i64))
			continue;
		if (db_question_set_current(db, current[i], false))
			goto fail;
		res->retired++;
	}
	if (db_commit(db))
		goto fail;
	res->question_count = (int)n;
	ret = OUTCOME_OK;
	goto out;
fail:
	problem_set(&res->problem, OUTCOME_INTERNAL, "storing bank: %s", db_errmsg(db));
	db_rollback(db);
	res->inserted = res->updated = res->unchanged = res->retired = 0;
out:
	free(audiences);
	free(kept);
	free(current);
	return ret;
}

enum outcome bank_result_invalid(struct bank_result *res)
{
	return problem_set(&res->problem, OUTCOME_INVALID, "%s%s",
			   res->errors.n ? res->errors.items[0].message : "invalid bank",
			   res->errors.n > 1 ? " (and more; see errors)" : "");
}

static enum outcome import(struct db *db, json_t *bank, const char *filename, const int *lines,
			   const char *text, size_t len, struct bank_result *res)
{
	if (!bank_validate(bank, filename, lines, text, len, res))
		return bank_result_invalid(res);
	return store_bank(db, bank, res);
}

enum outcome bank_import_json(struct db *db, json_t *bank, const char *filename,
			      const int *line_of_question, struct bank_result *res)
{
	return import(db, bank, filename, line_of_question, NULL, 0, res);
}

enum outcome bank_import_text(struct db *db, const char *text, size_t len, const char *filename,
			      struct bank_result *res)
{
	json_error_t e;
	const char *name = filename ? filename : "bank";
	/* A UTF-8 byte order mark (some editors write one) is not JSON. */
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
		text += 3;
		len -= 3;
	}
	json_t *bank = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
	if (!bank) {
		bank_notes_add(&res->errors, e.line > 0 ? e.line : 0,
			       "%s:%d: column %d: malformed JSON: %s", name, e.line, e.column,
			       e.text);
		return bank_result_invalid(res);
	}
	enum outcome rc = import(db, bank, name, NULL, text, len, res);
	json_decref(bank);
	return rc;
}

/* ---- export ------------------------------------------------------------- */

json_t *bank_question_json(const struct db_question *q)
{
	json_t *topics = json_array();
	for (size_t i = 0; i < q->ntopics; i++)
		json_array_append_new(topics, json_string(q->topics[i]));
	json_t *opts = json_array();
	for (size_t i = 0; i < q->noptions; i++) {
		const struct db_option *o = &q->options[i];
		json_t *jo = json_pack("{s:s}", "text", o->text);
		if (o->correct >= 0)
			json_object_set_new(jo, "correct", json_boolean(o->correct));
		else
			json_object_set_new(jo, "weight", json_real(o->weight));
		if (o->feedback)
			json_object_set_new(jo, "feedback", json_string(o->feedback));
		json_array_append_new(opts, jo);
	}
	json_t *jq = json_pack("{s:s,s:s,s:o,s:i,s:s,s:o,s:s}", "code", q->code, "type", q->type,
			       "topics", topics, "difficulty", q->difficulty, "stem", q->stem,
			       "options", opts, "explanation", q->explanation);
	if (q->reference)
		json_object_set_new(jq, "reference", json_string(q->reference));
	if (!strcmp(q->type, "short") && q->ignore_diacritics)
		json_object_set_new(jq, "ignore_diacritics", json_true());
	return jq;
}

enum outcome bank_export_json(struct db *db, const char *code, json_t **out, struct problem *p)
{
	struct db_bank b = { 0 };
	int64_t *ids = NULL;
	size_t n = 0;
	json_t *qs = NULL;
	enum outcome ret = OUTCOME_OK;
	*out = NULL;
	int rc = db_bank_by_code(db, code, &b);
	if (rc == 0) {
		ret = problem_set(p, OUTCOME_NOT_FOUND, "no bank with code %s", code);
		goto out;
	}
	if (rc < 0 || db_begin_read(db))
		goto fail;
	if (db_bank_current_ids(db, b.id, &ids, &n)) {
		db_rollback(db);
		goto fail;
	}
	qs = json_array();
	for (size_t i = 0; i < n; i++) {
		struct db_question q;
		if (db_question_get(db, ids[i], &q) != 1) {
			db_rollback(db);
			goto fail;
		}
		json_array_append_new(qs, bank_question_json(&q));
		db_question_cleanup(&q);
	}
	db_rollback(db);
	json_error_t e;
	json_t *aud = json_loads(b.audiences_json, 0, &e);
	*out = json_pack("{s:s,s:s,s:s,s:o,s:o}", "code", b.code, "title", b.title, "language",
			 b.language, "audiences", aud ? aud : json_array(), "questions", qs);
	qs = NULL;
	goto out;
fail:
	ret = problem_set(p, OUTCOME_INTERNAL, "reading bank %s: %s", code, db_errmsg(db));
out:
	json_decref(qs);
	free(ids);
	db_bank_cleanup(&b);
	return ret;
}
