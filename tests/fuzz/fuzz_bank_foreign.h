/* fuzz_bank_foreign.h - the body shared by the GIFT, Aiken and Moodle XML
 * fuzz targets: convert the input, then validate what came out exactly as
 * an import would (without storage). Each target defines FUZZ_FORMAT and
 * includes this file once. */
#include <stddef.h>
#include <stdint.h>

#include "bank.h"
#include "bank_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bank_convert_options opts = { .code = "fuzz-bank",
					     .audiences = "pupil",
					     .topic = "passwords" };
	struct bank_conversion conv = { 0 };
	if (bank_convert(FUZZ_FORMAT, (const char *)data, size, &opts, &conv) == 0) {
		struct bank_result res;
		bank_result_init(&res);
		bank_validate(conv.bank, "fuzz", conv.lines, NULL, 0, &res);
		bank_result_cleanup(&res);
	}
	bank_conversion_cleanup(&conv);
	return 0;
}
