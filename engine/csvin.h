/* csvin.h - reading CSV uploads through libcsv, keeping the 1-based
 * physical line each record starts on (the header is line 1). */
#ifndef QUIZ_CSVIN_H
#define QUIZ_CSVIN_H

#include <stddef.h>

struct csv_record {
	int line; /* physical line of the record's start */
	char **fields; /* NUL-terminated UTF-8 strings */
	size_t nfields;
};

struct csv_table {
	struct csv_record *records; /* records[0] is the header */
	size_t nrecords;
};

/* Parses data (a UTF-8 BOM is skipped; CRLF and LF both end lines). Empty
 * lines are skipped. Returns a new table (csv_table_free) or NULL with a
 * message naming the line in err (bad quoting, invalid UTF-8, a line longer
 * than 64 KiB). */
struct csv_table *csv_table_parse(const char *data, size_t len, char *err, size_t errlen);
void csv_table_free(struct csv_table *t);
/* The index of a header column (case-insensitive, trimmed), or -1. */
int csv_column(const struct csv_table *t, const char *name);
/* The field at col of a record, or "" when the record is shorter. */
const char *csv_field(const struct csv_record *rec, int col);

#endif
