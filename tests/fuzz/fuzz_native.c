/* fuzz_native.c - libFuzzer target: a native JSON bank as an upload brings
 * it: parsed by jansson, then every rule of the loader, with the line
 * scanner that finds questions and values in the text. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "bank.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t e;
	json_t *bank = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (!bank)
		return 0;
	struct bank_result res;
	bank_result_init(&res);
	bank_validate(bank, "fuzz", NULL, (const char *)data, size, &res);
	bank_result_cleanup(&res);
	json_decref(bank);
	return 0;
}
