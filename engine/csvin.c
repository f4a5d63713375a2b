/* csvin.c - CSV through libcsv with physical line numbers. */
#include "csvin.h"

#include <csv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define CSV_LINE_MAX (64 * 1024)

struct builder {
	struct csv_table *t;
	size_t cap;
	char **fields;
	size_t nfields, fcap;
	int next_line; /* where the next record starts */
	bool bad_utf8;
	int bad_line;
};

static void on_field(void *s, size_t len, void *ctx)
{
	struct builder *b = ctx;
	char *f = xstrndup(s ? s : "", s ? len : 0);
	if (!util_valid_utf8(f, CSV_LINE_MAX) && !b->bad_utf8) {
		b->bad_utf8 = true;
		b->bad_line = b->next_line;
	}
	if (b->nfields == b->fcap) {
		b->fcap = b->fcap ? b->fcap * 2 : 8;
		b->fields = xrealloc(b->fields, b->fcap * sizeof *b->fields);
	}
	b->fields[b->nfields++] = f;
}

static void on_record(int c, void *ctx)
{
	(void)c;
	struct builder *b = ctx;
	bool empty = b->nfields == 0 || (b->nfields == 1 && b->fields[0][0] == '\0');
	if (empty) {
		for (size_t i = 0; i < b->nfields; i++)
			free(b->fields[i]);
	} else {
		struct csv_table *t = b->t;
		if (t->nrecords == b->cap) {
			b->cap = b->cap ? b->cap * 2 : 64;
			t->records = xrealloc(t->records, b->cap * sizeof *t->records);
		}
		struct csv_record *r = &t->records[t->nrecords++];
		r->line = b->next_line;
		r->nfields = b->nfields;
		r->fields = xmalloc((b->nfields ? b->nfields : 1) * sizeof *r->fields);
		memcpy(r->fields, b->fields, b->nfields * sizeof *r->fields);
	}
	b->nfields = 0;
}

struct csv_table *csv_table_parse(const char *data, size_t len, char *err, size_t errlen)
{
	struct csv_parser p;
	struct builder b = { 0 };
	b.t = xcalloc(1, sizeof *b.t);
	b.next_line = 1;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		snprintf(err, errlen, "cannot start the CSV parser");
		free(b.t);
		return NULL;
	}
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	size_t pos = 0;
	int line = 0;
	bool ok = true;
	while (pos < len && ok) {
		line++;
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		size_t content = end - pos;
		if (content && data[pos + content - 1] == '\r')
			content--;
		/* Between records (state 0 is libcsv's ROW_NOT_BEGUN), a record
		 * starts on this line; inside a quoted field it started earlier. */
		if (p.pstate == 0 && b.nfields == 0)
			b.next_line = line;
		if (content > CSV_LINE_MAX) {
			snprintf(err, errlen, "line %d: longer than %d bytes", line, CSV_LINE_MAX);
			ok = false;
			break;
		}
		if (csv_parse(&p, data + pos, content, on_field, on_record, &b) != content ||
		    (nl && csv_parse(&p, "\n", 1, on_field, on_record, &b) != 1)) {
			snprintf(err, errlen, "line %d: %s", line, csv_strerror(csv_error(&p)));
			ok = false;
			break;
		}
		pos = nl ? end + 1 : len;
	}
	if (ok && csv_fini(&p, on_field, on_record, &b) != 0) {
		snprintf(err, errlen, "line %d: %s (unterminated quoted field?)", b.next_line,
			 csv_strerror(csv_error(&p)));
		ok = false;
	}
	if (ok && b.bad_utf8) {
		snprintf(err, errlen, "line %d: text is not valid UTF-8", b.bad_line);
		ok = false;
	}
	csv_free(&p);
	for (size_t i = 0; i < b.nfields; i++)
		free(b.fields[i]);
	free(b.fields);
	if (!ok) {
		csv_table_free(b.t);
		return NULL;
	}
	if (!b.t->nrecords) {
		snprintf(err, errlen, "line 1: the file is empty (a header row is needed)");
		csv_table_free(b.t);
		return NULL;
	}
	return b.t;
}

void csv_table_free(struct csv_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrecords; i++) {
		for (size_t k = 0; k < t->records[i].nfields; k++)
			free(t->records[i].fields[k]);
		free(t->records[i].fields);
	}
	free(t->records);
	free(t);
}

int csv_column(const struct csv_table *t, const char *name)
{
	const struct csv_record *h = &t->records[0];
	for (size_t i = 0; i < h->nfields; i++) {
		const char *f = h->fields[i];
		while (*f == ' ')
			f++;
		size_t n = strlen(f);
		while (n && f[n - 1] == ' ')
			n--;
		if (n == strlen(name) && strncasecmp(f, name, n) == 0)
			return (int)i;
	}
	return -1;
}

const char *csv_field(const struct csv_record *rec, int col)
{
	if (col < 0 || (size_t)col >= rec->nfields)
		return "";
	return rec->fields[col];
}
