/* fuzz_csv.c - libFuzzer target: CSV uploads (rosters, units, headcounts,
 * attendance lists) through the reader every upload uses, then every field
 * looked up by the header names the uploads use. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "csvin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const columns[] = { "code",     "name",     "kind",      "parent_code",
					       "username", "password", "full_name", "unit_code",
					       "audience", "role",     "year",      "count" };
	char err[256];
	struct csv_table *t = csv_table_parse((const char *)data, size, err, sizeof err);
	if (!t)
		return 0;
	size_t total = 0;
	for (size_t c = 0; c < sizeof columns / sizeof columns[0]; c++) {
		int col = csv_column(t, columns[c]);
		for (size_t i = 1; i < t->nrecords; i++)
			total += strlen(csv_field(&t->records[i], col < 0 ? 0 : col));
	}
	csv_table_free(t);
	return total == (size_t)-1; /* keeps the reads from being optimised away */
}
