/* db_cert.h - storage of certificates (cert.h): of passed mandatory tests
 * (one per attempt) and of attendance (one per person and activity), in
 * one table. See db.h for the return conventions. */
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

/* The facts a certificate of attendance states: the activity and the
 * person who attended it. */
struct db_cert_attendance {
	int64_t activity_id, user_id;
	bool offered; /* the activity asks for certificates */
	int64_t starts_at;
	char kind[16];
	char code[DB_CODE_MAX]; /* the activity's */
	char title[DB_NAME_MAX];
	char full_name[DB_NAME_MAX];
};
/* 1 when user_id attended activity_id (out filled), 0 when not, -1. */
int db_cert_attendance(struct db *db, int64_t activity_id, int64_t user_id,
		       struct db_cert_attendance *out);
/* The attendees of activity_id who hold no certificate of it yet, into a
 * new array (caller frees *user_ids). 0 or -1. */
int db_cert_attendance_missing(struct db *db, int64_t activity_id, int64_t **user_ids, size_t *n);

/* Records an issued certificate of an attempt (activity_id 0) or of an
 * attendance (attempt_id 0); issuing again for the same attempt, or the
 * same person and activity, is a no-op. Returns 0 or -1. */
int db_cert_store(struct db *db, const char *code, int64_t attempt_id, int64_t activity_id,
		  int64_t user_id, const char *canonical, int64_t now_ms);
/* The certificate already issued for an attempt (activity_id 0) or for
 * user_id's attendance of activity_id: 1 found (code into code, of size
 * code_size; *canonical a new string, caller frees), 0 none, -1. */
int db_cert_issued(struct db *db, int64_t attempt_id, int64_t activity_id, int64_t user_id,
		   char *code, size_t code_size, char **canonical, int64_t *issued_at);
/* Finds a certificate by code: *attempt_id or *activity_id is set (the
 * other 0); *canonical is a new string (caller frees). */
int db_cert_by_code(struct db *db, const char *code, int64_t *attempt_id, int64_t *activity_id,
		    char **canonical, int64_t *issued_at);

#endif
