/* bank_formats.h - converters between foreign question-bank formats and the
 * native bank JSON of docs/question-bank-format.md:
 *
 *   GIFT (Moodle)   import and export   bank_gift.c
 *   Aiken           import              bank_aiken.c
 *   Moodle XML      import and export   bank_moodle.c (libxml2)
 *
 * An import produces the native bank as a json_t plus, for each question,
 * the 1-based line of the file it came from, so that the bank loader's
 * errors can name lines. The native rules (option counts, topic codes ...)
 * are the loader's to check; a converter reports only what the foreign
 * syntax itself gets wrong (errors, with lines) and the question kinds the
 * engine has no type for (skipped, with lines and the reason: matching,
 * numerical, essay ...). Per-answer feedback becomes the option's
 * feedback; format markers ([html] ... or format="html") are read on
 * stems, answers and feedback and HTML is reduced to plain text.
 *
 * What a foreign file cannot carry comes from the options: the bank code,
 * audiences, a topic for the questions whose category path does not end in
 * a topic code, and a difficulty (default 2). Questions are coded by their
 * GIFT title or Moodle XML name when that is a valid code, otherwise
 * "<bankcode>-001", "-002" ... A question without an explanation gets one
 * that names its correct answer.
 *
 * Both writers carry the native fields their format has no syntax for in
 * comments Moodle ignores ("// @topics: passwords" in GIFT,
 * "<!-- @topics: passwords -->" in Moodle XML; likewise @difficulty,
 * @reference, @ignore_diacritics per question and @bank, @title,
 * @language, @audiences for the bank), which the importers read back, so
 * native -> GIFT -> native and native -> Moodle XML -> native are lossless.
 * A `multiple` question with correct flags is written as the weights those
 * flags mean (+-1/k); weights of exactly +-1/k are read back as flags. */
#ifndef QUIZ_BANK_FORMATS_H
#define QUIZ_BANK_FORMATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "bank.h"
#include "outcome.h"

enum bank_format { BANK_FORMAT_JSON, BANK_FORMAT_GIFT, BANK_FORMAT_MOODLE_XML, BANK_FORMAT_AIKEN };

/* "json", "gift", "moodle-xml", "aiken". Returns 0, or -1 for another name. */
int bank_format_from_name(const char *name, enum bank_format *out);

struct bank_convert_options {
	const char *code; /* bank code; NULL: from the file (GIFT "// @bank:") */
	const char *title; /* NULL: from the file, else the code */
	const char *language; /* NULL: from the file, else "vi" */
	const char *audiences; /* comma-separated codes; NULL: from the file */
	const char *topic; /* topic of questions that name none; NULL: none given */
	int difficulty; /* 1..3 for questions that name none; 0: 2 */
};

struct bank_conversion {
	json_t *bank; /* the native bank (owned), NULL on failure */
	int *lines; /* lines[i]: source line of questions[i] (owned) */
	size_t nquestions;
	struct bank_notes errors; /* syntax errors: nothing may be imported */
	struct bank_notes skipped; /* unsupported kinds, left out of bank */
	char message[256]; /* why, when the failure is not in a line */
};

/* Converts text[0..len) of a foreign format (not BANK_FORMAT_JSON) into out
 * (which the caller cleans up with bank_conversion_cleanup, also after a
 * failure). Returns 0 when out->bank holds the bank; -1 when the file has
 * syntax errors (out->errors, each with its line) or an option is missing
 * or invalid (out->message names it, e.g. "topic is required ..."). */
int bank_convert(enum bank_format format, const char *text, size_t len,
		 const struct bank_convert_options *opts, struct bank_conversion *out);
void bank_conversion_cleanup(struct bank_conversion *c);

struct db;

/* Converts text[0..len) and imports the bank through bank.h's loader, whose
 * messages then name the lines of the foreign file. Conversion errors go to
 * res->errors and skipped questions to res->skipped (res initialised by the
 * caller with bank_result_init). Returns as bank_import_json does:
 * OUTCOME_OK, OUTCOME_INVALID (nothing imported: the errors with their
 * lines in res->errors, or, when res->errors is empty, a missing or invalid
 * option - code, audiences, topic, difficulty - named in res->problem) or
 * OUTCOME_INTERNAL (storage, res->problem). filename names the source in
 * messages. */
enum outcome bank_import_foreign(struct db *db, enum bank_format format, const char *text,
				 size_t len, const struct bank_convert_options *opts,
				 const char *filename, struct bank_result *res);

/* The GIFT text of a native bank (new string, caller frees), or NULL with
 * a message in err when the bank is not shaped as the native format says
 * (a question without options, an unknown type ...). */
char *bank_export_gift(const json_t *bank, char *err, size_t errlen);
/* The Moodle XML text of a native bank, the same way. */
char *bank_export_moodle_xml(const json_t *bank, char *err, size_t errlen);
/* The text of a native bank in format (any of the four; JSON indented).
 * New string, or NULL with a message in err. */
char *bank_export_text(const json_t *bank, enum bank_format format, char *err, size_t errlen);

#endif
