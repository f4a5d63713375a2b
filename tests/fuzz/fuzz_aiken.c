/* fuzz_aiken.c - libFuzzer target: the aiken bank reader and the loader's checks. */
#define FUZZ_FORMAT BANK_FORMAT_AIKEN
#include "fuzz_bank_foreign.h"
