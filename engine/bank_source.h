/* bank_source.h - where members and elements of a JSON text are, so that
 * the bank loader's messages can name the line of the offending value.
 *
 * The text must be valid JSON (jansson has parsed it first): a small
 * scanner that skips strings and balanced brackets is enough to find where
 * each member and element starts, and jansson still does all the parsing.
 * Offsets are byte offsets into the text; (size_t)-1 means not found. */
#ifndef QUIZ_BANK_SOURCE_H
#define QUIZ_BANK_SOURCE_H

#include <stddef.h>

struct bank_source {
	const char *text;
	size_t len;
	size_t *line_starts; /* offsets of the first byte of each line */
	size_t nlines;
};

/* text may be NULL (nothing to locate). */
void bank_source_init(struct bank_source *s, const char *text, size_t len);
void bank_source_cleanup(struct bank_source *s);
/* The 1-based line of a byte offset. */
int bank_source_line(const struct bank_source *s, size_t off);
/* The first offset from p that is not JSON white space. */
size_t bank_source_skip_ws(const struct bank_source *s, size_t p);
/* In the object starting at obj (its '{'), the offset of member key's name
 * (its opening quote), or (size_t)-1; *value (may be NULL) receives the
 * value's offset. */
size_t bank_source_member(const struct bank_source *s, size_t obj, const char *key, size_t *value);
/* The offset of element index of the array starting at arr, or (size_t)-1. */
size_t bank_source_element(const struct bank_source *s, size_t arr, size_t index);
/* Offsets of every element of the array starting at arr: a new array of *n
 * offsets (caller frees), NULL when arr is not an array. */
size_t *bank_source_elements(const struct bank_source *s, size_t arr, size_t *n);

#endif
