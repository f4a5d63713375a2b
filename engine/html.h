/* html.h - text into HTML pages (the yearly report, certificates). */
#ifndef QUIZ_HTML_H
#define QUIZ_HTML_H

struct strbuf;

/* Appends s to sb with &, <, >, " and ' escaped, fit for element text and
 * quoted attribute values. */
void html_append(struct strbuf *sb, const char *s);

#endif
