/* bank_convert.h - what the foreign-format readers and writers share
 * (bank_gift.c, bank_aiken.c, bank_moodle.c): the questions read so far,
 * completed into a native bank by bank_conv_finish once the bank's code,
 * language and topics are known; the issues with their lines; and the text
 * helpers every format needs (trimming, HTML to plain text, format markers).
 * Not for use outside the bank format files: the public interface is
 * bank_formats.h. */
#ifndef QUIZ_BANK_CONVERT_H
#define QUIZ_BANK_CONVERT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "bank_formats.h"

/* Two weights closer than this are the same (GIFT and Moodle write five
 * decimals of a percentage). */
#define BANK_WEIGHT_EPSILON 1e-4

/* Native fields a question may carry in comments ("// @topics:" in GIFT,
 * "<!-- @topics: -->" in Moodle XML). */
struct bank_meta {
	json_t *topics; /* array, or NULL */
	int difficulty; /* 0 when not given */
	char *reference; /* or NULL */
	bool ignore_diacritics;
};
void bank_meta_clear(struct bank_meta *m);

/* A question as read. */
struct bank_pending {
	int line;
	char *code; /* from a title or name, or NULL */
	char type[16];
	char *stem;
	json_t *options; /* NULL for true_false until finished */
	bool tf_true; /* true_false: the statement is true */
	char *tf_feedback_true; /* true_false: feedback of the option "true", or NULL */
	char *tf_feedback_false; /* ... and of the option "false" */
	char *explanation; /* or NULL */
	char *category_topic; /* the topic its category names, or NULL */
	struct bank_meta meta;
};

struct bank_conv {
	const struct bank_convert_options *opts;
	struct bank_conversion *out;
	struct bank_pending *qs;
	size_t nqs, capqs;
	/* Bank fields the file itself gave (comments). */
	char *file_code, *file_title, *file_language, *file_audiences;
	/* The topic the last category named ($CATEGORY: .../passwords), or
	 * NULL when it named none. */
	char *category_topic;
};

/* A syntax error or a left-out question at a line (bounded: a file of
 * garbage must not produce megabytes of messages). */
void bank_conv_error(struct bank_conv *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void bank_conv_skip(struct bank_conv *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A new question of type at line (owned by c; its strings are c's to free).
 * It takes the topic of the current category. */
struct bank_pending *bank_conv_add(struct bank_conv *c, int line, const char *type);

/* Records a category path (GIFT $CATEGORY:, Moodle XML category question):
 * when its last segment is a topic code, the questions after it get that
 * topic unless they name their own. */
void bank_conv_category(struct bank_conv *c, const char *path, size_t len);

/* Reads one "@key: value" comment (key and value as written, value not yet
 * trimmed) into the bank's fields or into meta, the next question's. */
void bank_conv_meta(struct bank_conv *c, const char *key, const char *value, int line,
		    struct bank_meta *meta);

/* The native option {"text", "correct"[, "feedback"]} (new reference);
 * feedback NULL or empty: none. */
json_t *bank_option_new(const char *text, bool correct, const char *feedback);

/* One answer as a foreign format gives it: a text, a fraction of the
 * score (-1..1) and a feedback (or NULL). */
struct bank_answer {
	char *text;
	double fraction;
	char *feedback;
	int line;
	char marker; /* GIFT: '=' (right) or '~' (wrong); 0 in other formats */
	bool weighted; /* GIFT: the fraction was written (%50%) */
};
void bank_answers_free(struct bank_answer *as, size_t n);

/* Options of a `multiple` question from fractions: correct flags when the
 * fractions are exactly what flags mean (+1/k for the k positive, -1/k for
 * the others), explicit weights otherwise. New reference. */
json_t *bank_options_from_fractions(const struct bank_answer *as, size_t n);

/* Options of a `short` question: each answer with a fraction of 1 is
 * "correct": true, one with a lower positive fraction has that weight.
 * Answers with no credit are left out, each noted in skipped at its line.
 * New reference; NULL (after an error at line) when no answer gives full
 * credit. */
json_t *bank_short_options(struct bank_conv *c, const struct bank_answer *as, size_t n, int line);

/* Builds c->out->bank from the questions read. Returns 0 or -1 (message in
 * c->out->message). */
int bank_conv_finish(struct bank_conv *c);
void bank_conv_cleanup(struct bank_conv *c);

/* s[0..n) without leading and trailing white space. New string. */
char *bank_trim_dup(const char *s, size_t n);

/* The text formats of GIFT's markers and Moodle XML's format attribute. */
enum bank_text_format { BANK_TEXT_PLAIN, BANK_TEXT_HTML, BANK_TEXT_MOODLE, BANK_TEXT_MARKDOWN };
/* When s[0..n) starts with a marker [plain] [html] [moodle] [markdown]
 * (any case, after white space), its length including that white space and
 * the format in *format; otherwise 0 and BANK_TEXT_PLAIN. */
size_t bank_text_marker(const char *s, size_t n, enum bank_text_format *format);
/* text (owned, consumed) in the engine's plain text: HTML and Moodle
 * auto-format reduced (tags removed, a line break for <br> and block ends,
 * entities decoded, trimmed), plain and Markdown kept as written. New
 * string. */
char *bank_text_plain(char *text, enum bank_text_format format);

/* "Đúng" ("True" in English): the text of the option of a true_false
 * question that says the statement is true. */
const char *bank_true_text(const char *language);

/* A comma-separated list of the strings of a JSON array. New string. */
char *bank_join_list(const json_t *arr);
/* A fraction as a percentage with at most five decimals, as Moodle writes
 * them ("50", "33.33333", "-100"). */
struct strbuf;
void bank_put_percent(struct strbuf *sb, double fraction);

/* The string member key of obj, or NULL. */
const char *bank_json_str(const json_t *obj, const char *key);

/* Readers: each records its questions in c and its problems with lines. */
void bank_gift_parse(struct bank_conv *c, const char *text, size_t len);
void bank_aiken_parse(struct bank_conv *c, const char *text, size_t len);
void bank_moodle_parse(struct bank_conv *c, const char *text, size_t len);

#endif
