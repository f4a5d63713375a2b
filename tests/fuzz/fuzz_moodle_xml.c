/* fuzz_moodle_xml.c - libFuzzer target: the moodle_xml bank reader and the loader's checks. */
#define FUZZ_FORMAT BANK_FORMAT_MOODLE_XML
#include "fuzz_bank_foreign.h"
