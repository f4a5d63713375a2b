/* db_registration.h - storage of self-registration: the windows an
 * administrator opens (per contest: its audiences, a unit subtree, an
 * optional time window), the marks of a self-registered person (the
 * contest they came for, whether their unit confirmed them) and the phone
 * numbers already used for a contest. Migration 8. */
#ifndef QUIZ_DB_REGISTRATION_H
#define QUIZ_DB_REGISTRATION_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "db_account.h"

/* The most audiences a window names. */
#define DB_REGISTRATION_AUDIENCES_MAX 8

/* A registration window of one contest. */
struct db_registration {
	int64_t quiz_id;
	char quiz_title[256];
	char quiz_code[DB_CODE_MAX];
	int64_t unit_id;
	char unit_code[DB_CODE_MAX];
	char unit_name[DB_NAME_MAX];
	char unit_path[512];
	char audiences[DB_REGISTRATION_AUDIENCES_MAX][32];
	size_t naudiences;
	int64_t opens_at, closes_at; /* 0: no bound */
	int64_t opened_by; /* user id, 0 when unknown */
	int64_t opened_at;
};

/* Opens (or replaces) quiz_id's window. Returns 0 or -1. */
int db_registration_put(struct db *db, const struct db_registration *w);
/* Reads quiz_id's window: 1 found, 0 none, -1 error. */
int db_registration_get(struct db *db, int64_t quiz_id, struct db_registration *out);
/* Closes quiz_id's window: 1 deleted, 0 there was none, -1 error. */
int db_registration_delete(struct db *db, int64_t quiz_id);
/* The windows open at now_ms (bounds included), by contest title, into a
 * new array *out (caller frees) of *n. Returns 0 or -1. */
int db_registration_open_list(struct db *db, int64_t now_ms, struct db_registration **out,
			      size_t *n);

/* One unit a person may pick when registering. */
struct db_registration_unit {
	char code[DB_CODE_MAX];
	char name[DB_NAME_MAX];
	char kind[32];
};
/* The units of the subtree at path, by path, at most DB_REGISTRATION_UNITS_MAX,
 * into a new array *out (caller frees) of *n. Returns 0 or -1. */
#define DB_REGISTRATION_UNITS_MAX 20000
int db_registration_units(struct db *db, const char *path, struct db_registration_unit **out,
			  size_t *n);

/* Marks user_id as self-registered for quiz_id (unconfirmed). DB_CONFLICT
 * when phone is already used by someone registered for quiz_id. Returns 0,
 * DB_CONFLICT or -1. Run in the transaction that created the user. */
int db_registration_mark(struct db *db, int64_t user_id, int64_t quiz_id);
/* 1 when a live person registered for quiz_id holds phone, 0 not, -1. */
int db_registration_phone_used(struct db *db, int64_t quiz_id, const char *phone);

/* A person's self-registration: 1 found (a live person) with its fields,
 * 0 no such person, -1 error. */
struct db_self_registered {
	bool self_registered;
	bool confirmed;
	int64_t quiz_id; /* the contest they came for, 0 none */
	char unit_path[512];
};
int db_registration_person(struct db *db, int64_t user_id, struct db_self_registered *out);
/* A self-registered person awaiting confirmation. */
struct db_unconfirmed {
	int64_t id;
	char username[DB_CODE_MAX];
	char full_name[DB_NAME_MAX];
	char unit_code[DB_CODE_MAX];
	char unit_name[DB_NAME_MAX];
	char audience[32];
	int64_t contest_id;
	char contest_title[256];
	int64_t created_at;
};
/* The unconfirmed self-registered people of the subtree at path ("" for
 * every unit), by unit and name, at most 1000, into a new array *out
 * (caller frees) of *n. Returns 0 or -1. */
int db_registration_unconfirmed(struct db *db, const char *path, struct db_unconfirmed **out,
				size_t *n);
/* Confirms user_id (no-op when confirmed or not self-registered). Returns
 * 1 confirmed now, 0 nothing to do, -1 error. */
int db_registration_confirm(struct db *db, int64_t user_id, int64_t now_ms);
/* Confirms every unconfirmed self-registered person of the subtree at
 * unit_path. Returns the count or -1. */
int64_t db_registration_confirm_subtree(struct db *db, const char *unit_path, int64_t now_ms);

#endif
