/* bank_source.c - locating members and elements in a JSON text (see
 * bank_source.h). */
#include "bank_source.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void bank_source_init(struct bank_source *s, const char *text, size_t len)
{
	memset(s, 0, sizeof *s);
	s->text = text;
	s->len = text ? len : 0;
	if (!text)
		return;
	size_t cap = 256;
	s->line_starts = xmalloc(cap * sizeof *s->line_starts);
	s->line_starts[s->nlines++] = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '\n')
			continue;
		if (s->nlines == cap) {
			cap *= 2;
			s->line_starts = xrealloc(s->line_starts, cap * sizeof *s->line_starts);
		}
		s->line_starts[s->nlines++] = i + 1;
	}
}

void bank_source_cleanup(struct bank_source *s)
{
	free(s->line_starts);
	memset(s, 0, sizeof *s);
}

/* The 1-based line of a byte offset. */
int bank_source_line(const struct bank_source *s, size_t off)
{
	size_t lo = 0, hi = s->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (s->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return (int)lo + 1;
}

size_t bank_source_skip_ws(const struct bank_source *s, size_t p)
{
	while (p < s->len && (s->text[p] == ' ' || s->text[p] == '\t' || s->text[p] == '\n' ||
			      s->text[p] == '\r'))
		p++;
	return p;
}

/* p at '"': returns the offset just past the closing quote. */
static size_t skip_string(const struct bank_source *s, size_t p)
{
	for (p++; p < s->len; p++) {
		if (s->text[p] == '\\')
			p++;
		else if (s->text[p] == '"')
			return p + 1;
	}
	return s->len;
}

/* p at the start of a value: returns the offset just past it. */
static size_t skip_value(const struct bank_source *s, size_t p)
{
	if (p >= s->len)
		return s->len;
	char c = s->text[p];
	if (c == '"')
		return skip_string(s, p);
	if (c == '{' || c == '[') {
		int depth = 0;
		while (p < s->len) {
			c = s->text[p];
			if (c == '"') {
				p = skip_string(s, p);
				continue;
			}
			if (c == '{' || c == '[')
				depth++;
			else if (c == '}' || c == ']') {
				if (--depth == 0)
					return p + 1;
			}
			p++;
		}
		return s->len;
	}
	/* memchr, not strchr: strchr finds a NUL byte (its own terminator), and
	 * a NUL in the text would then end the value without moving, so callers
	 * walking an array looped for ever (found by fuzz_native). */
	while (p < s->len && !memchr(",]} \t\r\n", s->text[p], 7))
		p++;
	return p;
}

/* In the object starting at obj (its '{'), the offset of member key's name
 * (its opening quote), or (size_t)-1. *value receives the value's offset. */
size_t bank_source_member(const struct bank_source *s, size_t obj, const char *key, size_t *value)
{
	if (!s->text || obj >= s->len || s->text[obj] != '{')
		return (size_t)-1;
	size_t klen = strlen(key);
	size_t p = bank_source_skip_ws(s, obj + 1);
	while (p < s->len && s->text[p] == '"') {
		size_t kstart = p;
		size_t kend = skip_string(s, p);
		p = bank_source_skip_ws(s, kend);
		if (p < s->len && s->text[p] == ':')
			p = bank_source_skip_ws(s, p + 1);
		bool match =
			kend - kstart == klen + 2 && memcmp(s->text + kstart + 1, key, klen) == 0;
		if (match) {
			if (value)
				*value = p;
			return kstart;
		}
		p = bank_source_skip_ws(s, skip_value(s, p));
		if (p < s->len && s->text[p] == ',')
			p = bank_source_skip_ws(s, p + 1);
	}
	return (size_t)-1;
}

/* The offset of element index of the array starting at arr, or (size_t)-1. */
size_t bank_source_element(const struct bank_source *s, size_t arr, size_t index)
{
	if (!s->text || arr >= s->len || s->text[arr] != '[')
		return (size_t)-1;
	size_t p = bank_source_skip_ws(s, arr + 1);
	for (size_t i = 0; p < s->len && s->text[p] != ']'; i++) {
		if (i == index)
			return p;
		p = bank_source_skip_ws(s, skip_value(s, p));
		if (p < s->len && s->text[p] == ',')
			p = bank_source_skip_ws(s, p + 1);
	}
	return (size_t)-1;
}

/* Offsets of every element of an array (new array of *n offsets). */
size_t *bank_source_elements(const struct bank_source *s, size_t arr, size_t *n)
{
	*n = 0;
	if (!s->text || arr >= s->len || s->text[arr] != '[')
		return NULL;
	size_t cap = 64;
	size_t *v = xmalloc(cap * sizeof *v);
	size_t p = bank_source_skip_ws(s, arr + 1);
	while (p < s->len && s->text[p] != ']') {
		if (*n == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[(*n)++] = p;
		p = bank_source_skip_ws(s, skip_value(s, p));
		if (p < s->len && s->text[p] == ',')
			p = bank_source_skip_ws(s, p + 1);
	}
	return v;
}
