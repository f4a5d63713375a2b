/* cert.h - certificates for passed mandatory tests: a printable page in
 * Vietnamese and a verification code anyone can check without logging in.
 *
 * The code is the base64url (no padding) Ed25519 signature (libsodium
 * crypto_sign_detached) of a canonical text naming the attempt, the
 * person's name, the quiz title, the date (Asia/Ho_Chi_Minh) and the score.
 * The database keeps that text beside the code; a check looks the code up
 * and verifies the signature with the public key, so a row edited in the
 * database, or a made-up code, does not verify.
 *
 * The key pair lives in one file, CERT_KEY_FILE (mode 0600), in the data
 * directory (default: the database's directory), never in the database, so
 * a dump of the database cannot sign. */
#ifndef QUIZ_CERT_H
#define QUIZ_CERT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outcome.h"

struct db;

#define CERT_KEY_FILE "certificate-signing.key"
#define CERT_CODE_LEN 86 /* base64url of 64 bytes, without padding */

/* Where the key file is: data_dir/CERT_KEY_FILE, or beside db_path when
 * data_dir is NULL or "". Writes into buf. */
void cert_key_path(const char *data_dir, const char *db_path, char *buf, size_t buflen);
/* Creates the key file when it does not exist (mode 0600, created
 * exclusively so two processes cannot both write it) and checks it can be
 * read. *created tells whether it was made now (may be NULL). Returns 0, or
 * -1 with a message in err. */
int cert_key_ensure(const char *data_dir, const char *db_path, bool *created, char *err,
		    size_t errlen);

struct cert {
	int64_t attempt_id;
	char full_name[256];
	char quiz_title[512];
	char date[11]; /* YYYY-MM-DD, in Vietnam */
	char score[64]; /* "17.5/20" */
	char code[CERT_CODE_LEN + 1];
	int64_t issued_at;
};

/* Issues (or re-issues: the code is deterministic) the certificate of an
 * attempt owned by owner_id, signed with the key file of data_dir/db_path
 * (made when missing, as cert_key_ensure). Returns OUTCOME_OK (out filled),
 * OUTCOME_NOT_FOUND (no such attempt, or not the owner's),
 * OUTCOME_NO_CERTIFICATE (not finished, not passed or not mandatory; p says
 * why) or OUTCOME_INTERNAL (logged). */
enum outcome cert_issue(struct db *db, const char *data_dir, const char *db_path,
			int64_t attempt_id, int64_t owner_id, struct cert *out, struct problem *p);
/* Checks a code. Returns OUTCOME_OK when it verifies (out filled),
 * OUTCOME_NOT_FOUND when unknown or forged, OUTCOME_INTERNAL (logged). */
enum outcome cert_verify(struct db *db, const char *data_dir, const char *db_path, const char *code,
			 struct cert *out, struct problem *p);
/* {"certificate":{"valid","code","attempt_id","full_name","quiz_title",
 * "date","score","issued_at"}} of api.md: a new reference. */
json_t *cert_json(const struct cert *c);
/* The printable page (Vietnamese): a new string (caller frees). verify_path
 * is shown as where to check the code (e.g. "/api/v1/certificates/"). */
char *cert_html(const struct cert *c, const char *verify_path);

#endif
