/* html.c - escaping text for the HTML pages the engine writes. */
#include "html.h"

#include "util.h"

void html_append(struct strbuf *sb, const char *s)
{
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '&':
			sb_puts(sb, "&amp;");
			break;
		case '<':
			sb_puts(sb, "&lt;");
			break;
		case '>':
			sb_puts(sb, "&gt;");
			break;
		case '"':
			sb_puts(sb, "&quot;");
			break;
		case '\'':
			sb_puts(sb, "&#39;");
			break;
		default:
			sb_append(sb, p, 1);
		}
	}
}
