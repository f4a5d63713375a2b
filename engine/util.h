/* util.h - allocation wrappers that abort on out-of-memory, a growable
 * string buffer, and small validators shared by every module. */
#ifndef QUIZ_UTIL_H
#define QUIZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation wrappers: never return NULL; abort the process on OOM. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string (caller frees). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated. Embedded: sb_init/sb_cleanup. */
struct strbuf {
	char *data;
	size_t len;
	size_t cap;
};
void sb_init(struct strbuf *sb);
void sb_cleanup(struct strbuf *sb);
void sb_append(struct strbuf *sb, const char *data, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes the buffer out of sb (caller frees); sb is left empty. */
char *sb_steal(struct strbuf *sb);

/* True when s is a human-chosen key: [A-Za-z0-9_.-]{1,64}. */
bool util_valid_code(const char *s);
/* True when s is valid UTF-8 without NUL bytes of at most max_bytes bytes. */
/* True when s[0..len) is well-formed UTF-8 with no NUL byte; reads no byte
 * past len (s need not be NUL-terminated). */
bool util_valid_utf8_len(const char *s, size_t len);
bool util_valid_utf8(const char *s, size_t max_bytes);
/* Walks a text line by line: a UTF-8 BOM at the start is skipped, and each
 * line comes without its "\n" or "\r\n"; line counts from 1. */
struct util_lines {
	const char *text;
	size_t len;
	size_t pos;
	int line;
};
void util_lines_init(struct util_lines *it, const char *text, size_t len);
/* The next line in *s (not NUL-terminated) and *n; false at the end. */
bool util_lines_next(struct util_lines *it, const char **s, size_t *n);

/* Copies at most dst_size-1 bytes of src into dst, always terminating. */
void util_strlcpy(char *dst, const char *src, size_t dst_size);

#endif
