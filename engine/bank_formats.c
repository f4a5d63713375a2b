/* bank_formats.c - the entry points of the foreign formats (see
 * bank_formats.h): format names, conversion into the native bank, import
 * through the loader, and export; the formats themselves are in
 * bank_gift.c, bank_aiken.c and bank_moodle.c. */
#include "bank_formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank_convert.h"
#include "util.h"

int bank_format_from_name(const char *name, enum bank_format *out)
{
	static const struct {
		const char *name;
		enum bank_format format;
	} names[] = { { "json", BANK_FORMAT_JSON },
		      { "gift", BANK_FORMAT_GIFT },
		      { "moodle-xml", BANK_FORMAT_MOODLE_XML },
		      { "aiken", BANK_FORMAT_AIKEN } };
	for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].format;
			return 0;
		}
	}
	return -1;
}

void bank_conversion_cleanup(struct bank_conversion *c)
{
	if (!c)
		return;
	json_decref(c->bank);
	free(c->lines);
	bank_notes_cleanup(&c->errors);
	bank_notes_cleanup(&c->skipped);
	memset(c, 0, sizeof *c);
}

int bank_convert(enum bank_format format, const char *text, size_t len,
		 const struct bank_convert_options *opts, struct bank_conversion *out)
{
	struct bank_conv c = { 0 };
	int ret = -1;
	memset(out, 0, sizeof *out);
	c.opts = opts;
	c.out = out;
	/* libxml2 reads the encoding an XML file declares; the others must be
	 * UTF-8. */
	if (format != BANK_FORMAT_MOODLE_XML && !util_valid_utf8_len(text, len)) {
		bank_conv_error(&c, 1, "the file is not UTF-8 text");
		goto out;
	}
	switch (format) {
	case BANK_FORMAT_GIFT:
		bank_gift_parse(&c, text, len);
		break;
	case BANK_FORMAT_AIKEN:
		bank_aiken_parse(&c, text, len);
		break;
	case BANK_FORMAT_MOODLE_XML:
		bank_moodle_parse(&c, text, len);
		break;
	case BANK_FORMAT_JSON:
		snprintf(out->message, sizeof out->message,
			 "the native JSON format needs no conversion");
		goto out;
	}
	if (out->errors.n || out->message[0])
		goto out;
	ret = bank_conv_finish(&c);
out:
	bank_conv_cleanup(&c);
	return ret;
}

enum outcome bank_import_foreign(struct db *db, enum bank_format format, const char *text,
				 size_t len, const struct bank_convert_options *opts,
				 const char *filename, struct bank_result *res)
{
	struct bank_conversion conv;
	const char *name = filename ? filename : "bank";
	enum outcome rc;
	if (bank_convert(format, text, len, opts, &conv) < 0) {
		for (size_t i = 0; i < conv.errors.n; i++)
			bank_notes_add(&res->errors, conv.errors.items[i].line, "%s:%d: %s", name,
				       conv.errors.items[i].line, conv.errors.items[i].message);
		if (conv.errors.n)
			rc = bank_result_invalid(res);
		else
			rc = problem_set(&res->problem, OUTCOME_INVALID, "%s", conv.message);
		goto out;
	}
	for (size_t i = 0; i < conv.skipped.n; i++)
		bank_result_skip(res, conv.skipped.items[i].line, "%s:%d: %s", name,
				 conv.skipped.items[i].line, conv.skipped.items[i].message);
	rc = bank_import_json(db, conv.bank, name, conv.lines, res);
out:
	bank_conversion_cleanup(&conv);
	return rc;
}

char *bank_export_text(const json_t *bank, enum bank_format format, char *err, size_t errlen)
{
	switch (format) {
	case BANK_FORMAT_JSON: {
		char *text = json_dumps(bank, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!text)
			snprintf(err, errlen, "the bank cannot be written as JSON");
		return text;
	}
	case BANK_FORMAT_GIFT:
		return bank_export_gift(bank, err, errlen);
	case BANK_FORMAT_MOODLE_XML:
		return bank_export_moodle_xml(bank, err, errlen);
	case BANK_FORMAT_AIKEN:
		break;
	}
	snprintf(err, errlen, "a bank is exported as json, gift or moodle-xml, not aiken");
	return NULL;
}
