/* db_person.h - a person's data as Decree 13/2023/NĐ-CP asks (privacy.h
 * builds the export and runs the erasure). See db.h for the return
 * conventions. */
#ifndef QUIZ_DB_PERSON_H
#define QUIZ_DB_PERSON_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "db_account.h"

/* The stored person, erased or not (1 found, 0 not). created_at and
 * erased_at (0 when not erased) are set. */
int db_person_get(struct db *db, int64_t user_id, struct db_user *out, int64_t *created_at,
		  int64_t *erased_at);
/* The person's attempts, oldest first. */
struct db_person_attempt {
	int64_t id, quiz_id, started_at, finished_at; /* finished_at 0 when not */
	const char *quiz_code, *quiz_title, *state, *unit_code, *audience;
	double score, max_score;
	bool has_score, passed;
	const char *quiz_kind; /* quiz, contest */
	bool mandatory;
	const char *certificate; /* the code issued for it, or NULL */
};
typedef void db_person_attempt_fn(void *ctx, const struct db_person_attempt *a);
int db_person_attempts(struct db *db, int64_t user_id, db_person_attempt_fn *fn, void *ctx);
/* The person's attendances, by the activities' start: the activity, the
 * person's unit and audience as they attended, how and when, and the
 * code of the certificate of attendance (NULL when none was issued). */
struct db_person_attendance {
	int64_t activity_id, starts_at, ends_at, at;
	const char *code, *title, *kind, *unit_code, *audience, *how;
	bool offered; /* the activity gives certificates */
	const char *certificate;
};
typedef void db_person_attendance_fn(void *ctx, const struct db_person_attendance *a);
int db_person_attendances(struct db *db, int64_t user_id, db_person_attendance_fn *fn, void *ctx);
/* Every answer the person saved. */
typedef void db_person_answer_fn(void *ctx, int64_t attempt_id, int64_t question_id,
				 const char *choices, const char *text, int64_t saved_at);
int db_person_answers(struct db *db, int64_t user_id, db_person_answer_fn *fn, void *ctx);
/* Sessions (count only) and certificates held for the person: of an
 * attempt (activity_id 0) or of an attendance (attempt_id 0). */
int db_person_session_count(struct db *db, int64_t user_id, int64_t *count);
typedef void db_person_cert_fn(void *ctx, const char *code, int64_t attempt_id, int64_t activity_id,
			       int64_t issued_at);
int db_person_certificates(struct db *db, int64_t user_id, db_person_cert_fn *fn, void *ctx);
/* Erases a person in one transaction: name, username, phone, birth year
 * and password hash wiped, erased_at set, sessions, certificates (of
 * tests and of attendance) and the
 * account's login-throttling row deleted, free-text answers wiped. The attempts and
 * attendances keep pointing at the erased row, so they stay in the statistics. Returns 0, or -1; 0 also
 * when already erased. */
int db_person_erase(struct db *db, int64_t user_id, int64_t now_ms);

#endif
