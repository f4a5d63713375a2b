/* export.h - tables written as CSV (UTF-8 with a byte order mark, RFC 4180
 * quoting, CRLF) for spreadsheets, or as XLSX through libxlsxwriter; and
 * the report tables in those forms, with headers in Vietnamese or English. */
#ifndef QUIZ_EXPORT_H
#define QUIZ_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

enum export_cell_kind { EXPORT_EMPTY = 0, EXPORT_TEXT, EXPORT_INT, EXPORT_DECIMAL };

struct export_cell {
	enum export_cell_kind kind;
	const char *text; /* EXPORT_TEXT; borrowed */
	double number; /* EXPORT_INT (whole) or EXPORT_DECIMAL (one decimal) */
};

/* A table: ncols headers and nrows x ncols cells, row by row. Embedded:
 * export_table_init/export_table_cleanup; it owns the cells array and the
 * strings added with export_text_copy. */
struct export_table {
	const char *sheet; /* worksheet name (XLSX) */
	size_t ncols, nrows, cap;
	const char *const *headers;
	struct export_cell *cells;
	char **owned;
	size_t nowned;
};
void export_table_init(struct export_table *t, const char *sheet, const char *const *headers,
		       size_t ncols);
void export_table_cleanup(struct export_table *t);
/* Appends an empty row; returns its first cell. */
struct export_cell *export_row(struct export_table *t);
/* A text cell holding a copy of s (owned by the table). */
struct export_cell export_text_copy(struct export_table *t, const char *s);

/* The CSV text: a new buffer (caller frees), its length in *len. Text that
 * a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with
 * an apostrophe. */
char *export_csv(const struct export_table *t, size_t *len);
/* The XLSX file: a new buffer (caller frees) and its length. Returns NULL
 * with a message in err on failure. */
char *export_xlsx(const struct export_table *t, size_t *len, char *err, size_t errlen);

/* Languages of headers: "vi" (default) or "en". */
bool export_valid_lang(const char *lang);
/* The participation rows as a table (columns of api.md, in order). */
void export_participation(const struct report_table *rt, const char *lang,
			  struct export_table *out);
/* The people still to chase, one row per person and quiz. */
void export_missing(const struct report_missing *m, const char *lang, struct export_table *out);

/* The yearly report page (Vietnamese, printable) laid out like the plans'
 * own reports: heading, per-target sections with figures, per-unit table.
 * units holds the participation rows of the report's unit and children.
 * A new string (caller frees). */
char *export_yearly_html(const struct report_plan *p, const struct report_table *units);

#endif
