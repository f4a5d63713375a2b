/* export.h - the report tables as files for spreadsheets: CSV (UTF-8 with a
 * byte order mark, RFC 4180 quoting, CRLF; text a spreadsheet would run as
 * a formula prefixed with an apostrophe) or XLSX (libxlsxwriter), with
 * headers in Vietnamese or English; and the printable yearly page. */
#ifndef QUIZ_EXPORT_H
#define QUIZ_EXPORT_H

#include <jansson.h>
#include <stddef.h>

#include "outcome.h"
#include "quiz_admin.h"
#include "report.h"

/* Checks a report request's format ("json", "csv" or "xlsx") and lang
 * ("vi" or "en"). Returns OUTCOME_OK or OUTCOME_INVALID naming the field. */
enum outcome export_check_format(const char *format, const char *lang, struct problem *p);

/* The participation rows (columns of api.md, in order) as a file of
 * format "csv" or "xlsx" with lang's headers: a new buffer in *data (caller
 * frees), its length in *len. Returns OUTCOME_OK, or OUTCOME_INTERNAL
 * (logged) when the XLSX cannot be written. */
enum outcome export_participation_file(const struct report_table *rt, const char *format,
				       const char *lang, char **data, size_t *len,
				       struct problem *p);
/* The people still to chase, one row per person and quiz; as above. */
enum outcome export_missing_file(const struct report_missing *m, const char *format,
				 const char *lang, char **data, size_t *len, struct problem *p);

/* The results of a quiz (the columns of api.md, in order), as above. */
enum outcome export_results_file(const struct quiz_results *r, const char *format, const char *lang,
				 char **data, size_t *len, struct problem *p);

/* Rows (a JSON array of objects, borrowed) as a file of format "csv" or
 * "xlsx": one column per key, headed by headers[i]; strings as text,
 * integers and reals as numbers, null and missing members empty. */
enum outcome export_json_rows_file(json_t *rows, const char *const *keys,
				   const char *const *headers, size_t ncols, const char *sheet,
				   const char *format, char **data, size_t *len, struct problem *p);

/* Appends one CSV text cell to sb with the quoting and formula guard of
 * every CSV this engine writes. */
struct strbuf;
void export_csv_cell(struct strbuf *sb, const char *s);

/* The yearly report page (Vietnamese, printable) laid out like the plans'
 * own reports: heading with the issuing body and the body it goes to
 * ("Kính gửi"), per-target sections with figures, per-unit table. units
 * holds the participation rows of the report's unit and children. A new
 * string (caller frees). */
char *export_yearly_html(const struct report_plan *p, const struct report_table *units,
			 const char *issuer, const char *recipient);

#endif
