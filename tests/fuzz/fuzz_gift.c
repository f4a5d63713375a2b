/* fuzz_gift.c - libFuzzer target: the gift bank reader and the loader's checks. */
#define FUZZ_FORMAT BANK_FORMAT_GIFT
#include "fuzz_bank_foreign.h"
