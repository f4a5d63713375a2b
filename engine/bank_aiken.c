/* bank_aiken.c - the Aiken format's reader: a question, options "A." or
 * "A)" in order, and "ANSWER: B" give a single-choice question. */
#include <ctype.h>
#include <string.h>

#include "bank_convert.h"
#include "util.h"

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
static void aiken_line(struct bank_conv *c, struct aiken_state *st, const char *s, size_t n,
		       int line)
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
			bank_conv_error(
				c, line,
				"ANSWER: comes before a question with at least two options");
		} else if (n - k != 1 || s[k] < 'A' || (size_t)(s[k] - 'A') >= nopt) {
			bank_conv_error(c, line, "ANSWER: must name one of the options A to %c",
					'A' + (int)nopt - 1);
		} else {
			json_t *right = json_array_get(st->options, (size_t)(s[k] - 'A'));
			json_object_set_new(right, "correct", json_true());
			struct bank_pending *p = bank_conv_add(c, st->q_line, "single");
			p->stem = bank_trim_dup(st->stem.data, st->stem.len);
			p->options = st->options;
			st->options = NULL;
		}
		aiken_reset(st, false);
		return;
	}
	if (letter && st->q_line) {
		if ((size_t)(letter - 'A') != nopt) {
			bank_conv_error(c, line, "option %c. should be %c.", letter,
					'A' + (int)nopt);
			aiken_reset(st, true);
			return;
		}
		char *t = bank_trim_dup(s + text_at, n - text_at);
		if (!*t) {
			bank_conv_error(c, line, "option %c. has no text", letter);
			free(t);
			aiken_reset(st, true);
			return;
		}
		if (!st->options)
			st->options = json_array();
		json_array_append_new(st->options, bank_option_new(t, false, NULL));
		free(t);
		return;
	}
	if (st->options) {
		bank_conv_error(
			c, line,
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

void bank_aiken_parse(struct bank_conv *c, const char *text, size_t len)
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
		bank_conv_error(c, st.q_line, "the question has no ANSWER: line");
	aiken_reset(&st, false);
	sb_cleanup(&st.stem);
}
