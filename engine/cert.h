/* cert.h - certificates for passed mandatory tests and for attendance of
 * activities that ask for one: a printable page in Vietnamese and a
 * verification code anyone can check without logging in.
 *
 * The code is the base64url (no padding) Ed25519 signature (libsodium
 * crypto_sign_detached) of a canonical text: for a test, the attempt, the
 * person's name, the quiz title, the date (Asia/Ho_Chi_Minh) and the
 * score; for attendance, the activity, the person (id and name), the
 * activity's title, kind and first day, and the issuing body.
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

enum cert_kind {
	CERT_QUIZ, /* a passed mandatory test */
	CERT_ATTENDANCE, /* a person's attendance of an activity that asks for one */
};

struct cert {
	enum cert_kind kind;
	int64_t attempt_id; /* CERT_QUIZ */
	int64_t activity_id, user_id; /* CERT_ATTENDANCE */
	char full_name[256];
	char title[512]; /* the quiz's or the activity's */
	char activity_kind[16]; /* CERT_ATTENDANCE: training, seminar, event, live_game */
	char date[11]; /* YYYY-MM-DD, in Vietnam: finished, or the activity's first day */
	char score[64]; /* CERT_QUIZ: "17.5/20" */
	char issuer[256]; /* CERT_ATTENDANCE: the issuing body as signed */
	char code[CERT_CODE_LEN + 1];
	int64_t issued_at;
};

/* The signing key of data_dir/db_path (as cert_key_path), read once on
 * first use and wiped by cert_signer_free. The strings are borrowed. */
struct cert_signer;
struct cert_signer *cert_signer_new(const char *data_dir, const char *db_path);
void cert_signer_free(struct cert_signer *s);

/* Issues the certificate of an attempt owned by owner_id, signed with the
 * key file of data_dir/db_path (made when missing, as cert_key_ensure); a
 * certificate issued before is answered as it was signed. Returns
 * OUTCOME_OK (out filled), OUTCOME_NOT_FOUND (no such attempt, or not the
 * owner's), OUTCOME_NO_CERTIFICATE (not finished, not passed or not
 * mandatory; p says why) or OUTCOME_INTERNAL (logged). */
enum outcome cert_issue(struct db *db, const char *data_dir, const char *db_path,
			int64_t attempt_id, int64_t owner_id, struct cert *out, struct problem *p);

/* Inside the write transaction that records user_id's attendance of
 * activity_id: signs and stores the certificate of attendance when the
 * activity asks for one (else does nothing), naming the issuing body
 * (cert_issuer). OUTCOME_OK or OUTCOME_INTERNAL (logged). */
enum outcome cert_attendance_record(struct db *db, struct cert_signer *s, int64_t activity_id,
				    int64_t user_id, struct problem *p);
/* Inside a write transaction, after activity_id began to ask for
 * certificates: certifies every attendee who holds none. OUTCOME_OK or
 * OUTCOME_INTERNAL (logged). */
enum outcome cert_attendance_backfill(struct db *db, struct cert_signer *s, int64_t activity_id,
				      struct problem *p);
/* The certificate of user_id's own attendance of activity_id (issued now
 * when missing). OUTCOME_OK (out filled),
 * OUTCOME_NOT_FOUND (no such activity or not attended),
 * OUTCOME_NO_CERTIFICATE (the activity gives none) or OUTCOME_INTERNAL. */
enum outcome cert_attendance(struct db *db, struct cert_signer *s, int64_t activity_id,
			     int64_t user_id, struct cert *out, struct problem *p);

/* Checks a code of either kind. Returns OUTCOME_OK when it verifies (out
 * filled), OUTCOME_NOT_FOUND when unknown or forged, OUTCOME_INTERNAL
 * (logged). */
enum outcome cert_verify(struct db *db, const char *data_dir, const char *db_path, const char *code,
			 struct cert *out, struct problem *p);
/* A new reference. CERT_QUIZ: {"certificate":{"valid","kind":"quiz",
 * "code","attempt_id","full_name","quiz_title","date","score",
 * "issued_at"}}; CERT_ATTENDANCE: {"certificate":{"valid",
 * "kind":"attendance","code","activity_id","full_name","activity_title",
 * "activity_kind","date","issuer","issued_at"}}. */
json_t *cert_json(const struct cert *c);
/* The printable page (Vietnamese, styled by /css/certificate.css): a new
 * string (caller frees). verify_path is shown as where to check the code
 * (e.g. "/api/v1/certificates/"). */
char *cert_html(const struct cert *c, const char *verify_path);

#endif
