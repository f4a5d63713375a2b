/* util.c - allocation wrappers, string buffer and validators. */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
	fputs("fatal: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void sb_init(struct strbuf *sb)
{
	sb->data = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void sb_cleanup(struct strbuf *sb)
{
	free(sb->data);
	sb_init(sb);
}

static void sb_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	sb->data = xrealloc(sb->data, cap);
	sb->cap = cap;
}

void sb_append(struct strbuf *sb, const char *data, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->data + sb->len, data, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_append(sb, s, strlen(s));
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

char *sb_steal(struct strbuf *sb)
{
	char *p = sb->data ? sb->data : xstrdup("");
	sb_init(sb);
	return p;
}

bool util_valid_code(const char *s)
{
	size_t n = 0;
	if (!s)
		return false;
	for (; s[n]; n++) {
		char c = s[n];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
		if (!ok || n >= 64)
			return false;
	}
	return n > 0;
}

bool util_valid_utf8_len(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (n < len) {
		unsigned char c = p[n];
		size_t seq;
		if (c == 0)
			return false;
		if (c < 0x80)
			seq = 1;
		else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
			seq = 2;
		else if ((c & 0xF0) == 0xE0)
			seq = 3;
		else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
			seq = 4;
		else
			return false;
		if (seq > len - n)
			return false; /* a sequence cut by the end of the text */
		for (size_t i = 1; i < seq; i++)
			if ((p[n + i] & 0xC0) != 0x80)
				return false;
		n += seq;
	}
	return true;
}

bool util_valid_utf8(const char *s, size_t max_bytes)
{
	size_t n = strnlen(s, max_bytes + 1);
	return n <= max_bytes && util_valid_utf8_len(s, n);
}

void util_lines_init(struct util_lines *it, const char *text, size_t len)
{
	it->text = text;
	it->len = len;
	it->pos = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	it->line = 0;
}

bool util_lines_next(struct util_lines *it, const char **s, size_t *n)
{
	if (it->pos >= it->len)
		return false;
	const char *start = it->text + it->pos;
	const char *nl = memchr(start, '\n', it->len - it->pos);
	size_t end = nl ? (size_t)(nl - it->text) : it->len;
	*s = start;
	*n = end - it->pos;
	if (*n && start[*n - 1] == '\r')
		(*n)--;
	it->pos = nl ? end + 1 : it->len;
	it->line++;
	return true;
}

void util_strlcpy(char *dst, const char *src, size_t dst_size)
{
	if (!dst_size)
		return;
	size_t n = strlen(src);
	if (n >= dst_size)
		n = dst_size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}
