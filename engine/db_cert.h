/* db_cert.h - storage of certificates (cert.h). See db.h for the return
 * conventions. */
#ifndef QUIZ_DB_CERT_H
#define QUIZ_DB_CERT_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "db_account.h"

struct db_cert_attempt {
	int64_t attempt_id, user_id;
	char state[16];
	bool passed, mandatory;
	int64_t finished_at;
	double score, max_score;
	char full_name[DB_NAME_MAX];
	char quiz_code[DB_CODE_MAX];
	char quiz_title[512];
};
/* The facts a certificate states about an attempt (any owner). */
int db_cert_attempt(struct db *db, int64_t attempt_id, struct db_cert_attempt *out);
/* Records an issued certificate; issuing again the same code is a no-op.
 * Returns 0 or -1. */
int db_cert_store(struct db *db, const char *code, int64_t attempt_id, int64_t user_id,
		  const char *canonical, int64_t now_ms);
/* Finds a certificate by code; *canonical is a new string (caller frees). */
int db_cert_by_code(struct db *db, const char *code, int64_t *attempt_id, char **canonical,
		    int64_t *issued_at);

#endif
