/* bank.h - question banks: validating and importing the native JSON format
 * (docs/question-bank-format.md) and exporting a stored bank.
 *
 * Every rule of the format is checked and EVERY problem reported, each with
 * the file name, the question code and the 1-based physical line of the file
 * where the offending question (or value) is. A bank with any error imports
 * nothing. Importing a bank that exists updates it: unchanged questions keep
 * their ids, a changed question becomes a new version (the old one stays for
 * the attempts that use it, no longer current), and questions missing from
 * the file stop being current.
 *
 * For converters of other formats (GIFT, Moodle XML, Aiken): build a native
 * bank as a json_t, record the source line of each question, and call
 * bank_import_json() with those lines; put what you skipped into the result
 * with bank_result_skip() before the call (it keeps them). */
#ifndef QUIZ_BANK_H
#define QUIZ_BANK_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_account.h"
#include "outcome.h"

struct db;

/* Limits on text fields, in bytes. */
#define BANK_TITLE_MAX 256
#define BANK_STEM_MAX 4000
#define BANK_OPTION_MAX 1000
#define BANK_FEEDBACK_MAX 1000
#define BANK_EXPLANATION_MAX 4000
#define BANK_REFERENCE_MAX 1000
#define BANK_QUESTIONS_MAX 20000

/* One problem: the 1-based line (0 when unknown) and the message, which
 * starts with "FILE:LINE: question CODE: " where those are known. */
struct bank_note {
	int line;
	char *message;
};

struct bank_notes {
	struct bank_note *items;
	size_t n, cap;
};
/* Appends a note: prefix (may be NULL) then the printf-style message. */
void bank_notes_add(struct bank_notes *l, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void bank_notes_vadd(struct bank_notes *l, int line, const char *prefix, const char *fmt,
		     va_list ap) __attribute__((format(printf, 4, 0)));
void bank_notes_cleanup(struct bank_notes *l);

struct bank_result {
	char code[DB_CODE_MAX]; /* the bank's code, once known */
	int question_count; /* questions in the bank after import */
	int inserted; /* new questions */
	int updated; /* changed questions (new versions) */
	int unchanged; /* questions that kept their ids */
	int retired; /* questions no longer in the file */
	struct bank_notes errors; /* why nothing was imported */
	struct bank_notes skipped; /* what a converter left out (still imported) */
	/* Why, when an import is not OUTCOME_OK: the first error (the rest in
	 * errors), the missing option, or the storage failure. */
	struct problem problem;
};
void bank_result_init(struct bank_result *res);
void bank_result_cleanup(struct bank_result *res);
/* Sets res->problem to the first error of res->errors (noting that there
 * are more) and returns OUTCOME_INVALID. */
enum outcome bank_result_invalid(struct bank_result *res);
/* Adds to res->skipped (for converters). */
void bank_result_skip(struct bank_result *res, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* [{"line","message"}] of a list: new reference. */
json_t *bank_notes_json(const struct bank_notes *issues);

/* The topic codes of plan-targets.md. */
extern const char *const bank_topics[];
bool bank_valid_topic(const char *code);

/* Checks a native bank (borrowed) against every rule, adding each problem to
 * res->errors. filename names the source in messages. line_of_question
 * (may be NULL) gives the source line of questions[i]; text/text_len (may be
 * NULL) is the JSON text the bank was parsed from, used to find the lines of
 * questions and of values inside them. Returns true when there is no error. */
bool bank_validate(json_t *bank, const char *filename, const int *line_of_question,
		   const char *text, size_t text_len, struct bank_result *res);

/* Validates and, when valid, stores the bank in one transaction (the caller
 * must not hold one). Returns OUTCOME_OK (imported; counts in res),
 * OUTCOME_INVALID (every error in res->errors, nothing imported) or
 * OUTCOME_INTERNAL (storage failure); res->problem says why when not OK.
 * The bank is borrowed. */
enum outcome bank_import_json(struct db *db, json_t *bank, const char *filename,
			      const int *line_of_question, struct bank_result *res);
/* Parses text (len bytes, need not be NUL-terminated) as a native JSON bank
 * and imports it as bank_import_json does, with lines found in the text. A
 * syntax error is reported with its line. Same returns. */
enum outcome bank_import_text(struct db *db, const char *text, size_t len, const char *filename,
			      struct bank_result *res);

/* The stored bank with its current questions in the native format, read in
 * one transaction: OUTCOME_OK with a new reference in *out, or
 * OUTCOME_NOT_FOUND (no bank with that code) or OUTCOME_INTERNAL (storage),
 * the reason in p (may be NULL), *out NULL. */
enum outcome bank_export_json(struct db *db, const char *code, json_t **out, struct problem *p);

struct db_question;
/* Fills q (cleaned with db_question_cleanup) from a question object that
 * bank_validate accepted: stored weights, sorted topics, content hash. */
void bank_question_from_json(json_t *jq, int64_t bank_id, struct db_question *q);
/* A stored question in the native format (with option feedback): new
 * reference. */
json_t *bank_question_json(const struct db_question *q);

#endif
