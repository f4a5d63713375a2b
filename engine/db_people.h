/* db_people.h - storage of the administration's view of people and units:
 * the units of a subtree, pages of people (filtered, searched by their
 * folded key), a person's edits, last login, and login cards. See db.h for
 * the return conventions. */
#ifndef QUIZ_DB_PEOPLE_H
#define QUIZ_DB_PEOPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "db_account.h"

/* A person as the administration lists them. */
struct db_person {
	int64_t id;
	char username[DB_CODE_MAX];
	char full_name[DB_NAME_MAX];
	char role[16];
	int64_t unit_id; /* 0 when none */
	char unit_code[DB_CODE_MAX];
	char unit_name[DB_NAME_MAX];
	char unit_path[512];
	char audience[32];
	bool disabled;
	int64_t created_at, last_login_at; /* ms; last_login_at 0 when never */
};

/* A unit of a subtree; texts borrowed for the duration of the callback. */
struct db_unit_row {
	const char *code, *name, *kind, *parent_code, *path;
};
/* Calls fn for each unit whose path starts with root_path (every unit when
 * NULL), ordered by path (so parents come before their children). 0 or -1. */
int db_units_under(struct db *db, const char *root_path,
		   void (*fn)(const struct db_unit_row *u, void *ctx), void *ctx);

/* What a page of people is filtered by; NULL (or -1 for disabled) for no
 * filter. match: an FTS5 query over the folded key (username and full
 * name), built by the domain. */
struct db_people_filter {
	const char *scope_path; /* people of units in this subtree */
	const char *audience, *role;
	int disabled; /* -1 any, 0 enabled only, 1 disabled only */
	const char *match;
};
/* Calls fn for each person of the page (by id), and sets *total to the
 * number that match. 0 or -1. */
int db_people_page(struct db *db, const struct db_people_filter *f, int64_t limit, int64_t offset,
		   void (*fn)(const struct db_person *p, void *ctx), void *ctx, int64_t *total);
/* The same page with f->match a LIKE pattern over every folded key (e.g.
 * "%nguyen van an%"): a full scan, the reference bench/bench_people.c
 * times the index against. */
int db_people_scan_page(struct db *db, const struct db_people_filter *f, int64_t limit,
			int64_t offset, void (*fn)(const struct db_person *p, void *ctx), void *ctx,
			int64_t *total);
/* The person with this id (not erased): 1, 0 or -1. */
int db_people_get(struct db *db, int64_t id, struct db_person *out);
/* Writes full_name, unit_id (0: none), audience ("" : none), role and the
 * disabled state (disabling keeps an earlier disabled_at) of p->id at
 * now_ms. 0 or -1. */
int db_people_update(struct db *db, const struct db_person *p, int64_t now_ms);
/* Records a login of user_id at now_ms. 0 or -1. */
int db_user_logged_in(struct db *db, int64_t user_id, int64_t now_ms);

/* Login cards: the keyed hash of each person's current code. db_card_set
 * replaces the person's code (0 or -1); db_card_user finds the enabled,
 * not erased person holding a code (1, 0 or -1); db_card_delete voids it
 * (0 or -1). */
int db_card_set(struct db *db, int64_t user_id, const unsigned char hash[32], int64_t now_ms);
int db_card_user(struct db *db, const unsigned char hash[32], struct db_user *out);
int db_card_delete(struct db *db, int64_t user_id);

#endif
