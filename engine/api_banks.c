/* api_banks.c - the handler of question bank uploads (api.md "Question
 * banks"): POST /api/v1/admin/banks, in the native JSON format or, with
 * ?format=, GIFT, Moodle XML or Aiken converted by bank_formats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "bank.h"
#include "bank_formats.h"

int api_admin_banks(struct req *r, struct resp *out)
{
	const char *format = http_query(r, "format");
	struct bank_result res;
	bank_result_init(&res);
	enum outcome rc;
	if (!format || !strcmp(format, "json")) {
		rc = bank_import_text(r->db, r->body, r->body_len, "upload", &res);
	} else {
		enum bank_format f;
		if (bank_format_from_name(format, &f)) {
			struct problem p;
			api_fail(out,
				 problem_set(
					 &p, OUTCOME_INVALID,
					 "Query 'format' must be json, gift, moodle-xml or aiken."),
				 &p);
			goto out;
		}
		const char *d = http_query(r, "difficulty");
		struct bank_convert_options opts = {
			.code = http_query(r, "code"),
			.title = http_query(r, "title"),
			.language = http_query(r, "language"),
			.audiences = http_query(r, "audiences"),
			.topic = http_query(r, "topic"),
			.difficulty = d ? atoi(d) : 0,
		};
		rc = bank_import_foreign(r->db, f, r->body, r->body_len, &opts, "upload", &res);
	}
	if (rc == OUTCOME_OK) {
		char target[128];
		snprintf(target, sizeof target, "bank:%s", res.code);
		api_audit(r, "bank.import", target,
			  json_pack("{s:s,s:i,s:i,s:i,s:i}", "format", format ? format : "json",
				    "inserted", res.inserted, "updated", res.updated, "unchanged",
				    res.unchanged, "retired", res.retired));
		resp_json(out, 200,
			  json_pack("{s:{s:s,s:i,s:i,s:i,s:i,s:i},s:o}", "bank", "code", res.code,
				    "question_count", res.question_count, "inserted", res.inserted,
				    "updated", res.updated, "unchanged", res.unchanged, "retired",
				    res.retired, "skipped", bank_notes_json(&res.skipped)));
	} else if (res.errors.n) {
		/* The error of api.md with every error of the bank, by line. */
		resp_json(out, outcome_http_status(rc),
			  json_pack("{s:{s:s,s:s},s:o}", "error", "code", outcome_code(rc),
				    "message", res.problem.message, "errors",
				    bank_notes_json(&res.errors)));
	} else {
		api_fail(out, rc, &res.problem);
	}
out:
	bank_result_cleanup(&res);
	return 0;
}
