/* db_award.h - the reads and the one write behind a contest's outcome:
 * publication, the winners' personal details, and the integrity checks'
 * raw material. See db.h for the return conventions. */
#ifndef QUIZ_DB_AWARD_H
#define QUIZ_DB_AWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "db_account.h"

/* Sets quiz_id's published_at to now unless it is set; *published_at
 * receives the stored value. 1, 0 (no such quiz), -1. */
int db_quiz_publish(struct db *db, int64_t quiz_id, int64_t now_ms, int64_t *published_at);
/* quiz_id's published_at (0 when not published). 1, 0 (no such quiz), -1. */
int db_quiz_published_at(struct db *db, int64_t quiz_id, int64_t *published_at);

/* The person behind an attempt, as the winners list shows them. */
struct db_award_person {
	int64_t user_id; /* 0 when erased or unknown */
	char username[DB_CODE_MAX];
	char full_name[DB_NAME_MAX];
	char unit_code[DB_CODE_MAX];
	char unit_name[DB_NAME_MAX];
	int birth_year; /* 0 when unknown */
	char phone[32];
};
int db_award_person(struct db *db, int64_t attempt_id, struct db_award_person *out);

/* A group of distinct people sharing one value (a phone, an address). */
struct db_award_share {
	char value[128];
	char *user_ids; /* comma-separated, ascending */
};
void db_award_shares_free(struct db_award_share *s, size_t n);
/* People with completed official attempts of quiz_id who share a phone
 * (spaces, dots and dashes ignored). */
int db_award_shared_phones(struct db *db, int64_t quiz_id, struct db_award_share **out, size_t *n);
/* People whose official attempts of quiz_id started from one client
 * address. */
int db_award_shared_addresses(struct db *db, int64_t quiz_id, struct db_award_share **out,
			      size_t *n);

/* One completed official attempt of quiz_id with what the integrity rules
 * need: its effective duration, the characters it showed (stems and
 * options of its drawn questions), and its answers as one text (question
 * id and answer per drawn question, by question id). */
struct db_award_attempt {
	int64_t attempt_id;
	int64_t user_id;
	int64_t duration_ms;
	int64_t chars;
	int question_count;
	int wrong_count; /* drawn questions not answered fully right */
	char *answers;
};
void db_award_attempts_free(struct db_award_attempt *a, size_t n);
int db_award_attempts(struct db *db, int64_t quiz_id, struct db_award_attempt **out, size_t *n);

#endif
