/* db_people.c - SQL of the administration's people and units lists, a
 * person's edits and login cards (tables of migration 6, db_audit.c). */
#include "db_people.h"

#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "util.h"

static const char SQL_UNITS_UNDER[] =
	"SELECT u.code, u.name, u.kind, p.code, u.path FROM units u"
	" LEFT JOIN units p ON p.id = u.parent_id"
	" WHERE CAST(?1 AS TEXT) IS NULL OR (u.path >= ?1 AND u.path < ?1 || '~') ORDER BY u.path";

#define PERSON_COLUMNS                                                                             \
	"s.id, s.username, s.full_name, s.role, s.unit_id, n.code, n.name, n.path, s.audience,"    \
	" s.disabled_at IS NOT NULL, s.created_at, s.last_login_at"
/* The filters, ?1 scope path, ?2 audience, ?3 role, ?4 disabled 0/1 (NULL:
 * any). A filter's NULL test casts it: PostgreSQL must know the type of a
 * parameter it meets first in IS NULL. */
#define PEOPLE_WHERE                                                                               \
	" s.erased_at IS NULL"                                                                     \
	" AND (CAST(?1 AS TEXT) IS NULL OR s.unit_id IN (SELECT id FROM units"                     \
	"      WHERE path >= ?1 AND path < ?1 || '~'))"                                            \
	" AND (CAST(?2 AS TEXT) IS NULL OR s.audience = ?2)"                                       \
	" AND (CAST(?3 AS TEXT) IS NULL OR s.role = ?3)"                                           \
	" AND (CAST(?4 AS BIGINT) IS NULL"                                                         \
	"      OR (CASE WHEN s.disabled_at IS NULL THEN 0 ELSE 1 END) = ?4)"

/* A page without a search: ?5, the search, is NULL; the text names it
 * anyway, since PostgreSQL must know the type of every parameter up to the
 * last one (?7). */
static const char SQL_PEOPLE_PAGE[] =
	"SELECT " PERSON_COLUMNS " FROM users s LEFT JOIN units n ON n.id = s.unit_id"
	" WHERE" PEOPLE_WHERE " AND CAST(?5 AS TEXT) IS NULL ORDER BY s.id LIMIT ?6 OFFSET ?7";
static const char SQL_PEOPLE_COUNT[] = "SELECT count(*) FROM users s WHERE" PEOPLE_WHERE;
/* ?5: the FTS5 query. Every match's id, in id order, in one pass of the
 * index: the total is their count and the page is read by id. With no
 * filter but the search the index answers alone: erased people have an
 * empty key there (migration 10). */
static const char SQL_PEOPLE_MATCH_IDS_ALL[] =
	"SELECT rowid FROM user_search WHERE user_search MATCH ?5 ORDER BY rowid";
static const char SQL_PEOPLE_MATCH_IDS[] =
	"SELECT s.id FROM user_search f JOIN users s ON s.id = f.rowid"
	" WHERE user_search MATCH ?5 AND" PEOPLE_WHERE " ORDER BY f.rowid";
/* PostgreSQL has no FTS5: user_search_match(q) (migration 6) answers the
 * same query from the token index, with the same ids. Both statements take
 * the filters there, since every parameter a statement is given must appear
 * in its text for PostgreSQL to know its type; with no filter they let
 * every match through, as the index alone does (erased people have no
 * tokens). */
#define PEOPLE_MATCH_IDS_PG                                                                        \
	"SELECT s.id FROM user_search_match(?5) AS f(rowid) JOIN users s ON s.id = f.rowid"        \
	" WHERE" PEOPLE_WHERE " ORDER BY f.rowid"
DB_PG_SQL(SQL_PEOPLE_MATCH_IDS_ALL, PEOPLE_MATCH_IDS_PG);
DB_PG_SQL(SQL_PEOPLE_MATCH_IDS, PEOPLE_MATCH_IDS_PG);
/* The reference the benchmark times the index against: the same page with
 * ?5 a LIKE pattern over every folded key (a full scan). */
static const char SQL_PEOPLE_SCAN_PAGE[] =
	"SELECT " PERSON_COLUMNS " FROM user_search f JOIN users s ON s.id = f.rowid"
	" LEFT JOIN units n ON n.id = s.unit_id"
	" WHERE f.key LIKE ?5 AND" PEOPLE_WHERE " ORDER BY f.rowid LIMIT ?6 OFFSET ?7";
static const char SQL_PEOPLE_SCAN_COUNT[] =
	"SELECT count(*) FROM user_search f JOIN users s ON s.id = f.rowid"
	" WHERE f.key LIKE ?5 AND" PEOPLE_WHERE;
static const char SQL_PERSON_GET[] =
	"SELECT " PERSON_COLUMNS " FROM users s LEFT JOIN units n ON n.id = s.unit_id"
	" WHERE s.id = ?1 AND s.erased_at IS NULL";
static const char SQL_PERSON_UPDATE[] =
	"UPDATE users SET full_name = ?2, unit_id = ?3, audience = ?4, role = ?5,"
	" disabled_at = CASE WHEN ?6 <> 0 THEN coalesce(disabled_at, ?7) END WHERE id = ?1";
static const char SQL_USER_LOGGED_IN[] = "UPDATE users SET last_login_at = ?2 WHERE id = ?1";

static const char SQL_CARD_SET[] =
	"INSERT INTO login_cards (user_id, code_hash, issued_at) VALUES (?1, ?2, ?3)"
	" ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash,"
	" issued_at = excluded.issued_at";
static const char SQL_CARD_USER[] =
	"SELECT s.id, s.username, s.full_name, s.role, s.unit_id, u.code, u.path, s.audience,"
	" s.birth_year, s.phone, ''"
	" FROM login_cards c JOIN users s ON s.id = c.user_id LEFT JOIN units u ON u.id = s.unit_id"
	" WHERE c.code_hash = ?1 AND s.erased_at IS NULL AND s.disabled_at IS NULL";
static const char SQL_CARD_DELETE[] = "DELETE FROM login_cards WHERE user_id = ?1";

int db_units_under(struct db *db, const char *root_path,
		   void (*fn)(const struct db_unit_row *u, void *ctx), void *ctx)
{
	db_st *st = db_stmt(db, SQL_UNITS_UNDER);
	if (!st)
		return -1;
	db_bind_text_or_null(st, 1, root_path);
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		struct db_unit_row u = {
			.code = db_col_text(st, 0),
			.name = db_col_text(st, 1),
			.kind = db_col_text(st, 2),
			.parent_code = db_col_text(st, 3),
			.path = db_col_text(st, 4),
		};
		fn(&u, ctx);
	}
	int ret = rc == DBS_DONE ? 0 : db_fail(db, "units");
	dbs_reset(st);
	return ret;
}

static void person_from_row(db_st *st, struct db_person *out)
{
	memset(out, 0, sizeof *out);
	out->id = dbs_column_int64(st, 0);
	util_strlcpy(out->username, db_col_text(st, 1), sizeof out->username);
	util_strlcpy(out->full_name, db_col_text(st, 2), sizeof out->full_name);
	util_strlcpy(out->role, db_col_text(st, 3), sizeof out->role);
	out->unit_id = dbs_column_int64(st, 4);
	util_strlcpy(out->unit_code, db_col_text(st, 5), sizeof out->unit_code);
	util_strlcpy(out->unit_name, db_col_text(st, 6), sizeof out->unit_name);
	util_strlcpy(out->unit_path, db_col_text(st, 7), sizeof out->unit_path);
	util_strlcpy(out->audience, db_col_text(st, 8), sizeof out->audience);
	out->disabled = dbs_column_int(st, 9) != 0;
	out->created_at = dbs_column_int64(st, 10);
	out->last_login_at = dbs_column_int64(st, 11);
}

static void bind_filter(db_st *st, const struct db_people_filter *f)
{
	db_bind_text_or_null(st, 1, f->scope_path);
	db_bind_text_or_null(st, 2, f->audience);
	db_bind_text_or_null(st, 3, f->role);
	if (f->disabled >= 0)
		dbs_bind_int(st, 4, f->disabled);
	if (f->match)
		dbs_bind_text(st, 5, f->match, -1, DBS_STATIC);
}

static int people_page(struct db *db, const char *count_sql, const char *page_sql,
		       const struct db_people_filter *f, int64_t limit, int64_t offset,
		       void (*fn)(const struct db_person *p, void *ctx), void *ctx, int64_t *total)
{
	db_st *st = db_stmt(db, count_sql);
	if (!st)
		return -1;
	bind_filter(st, f);
	if (db_step_row(db, st, "people count") != 1) {
		dbs_reset(st);
		return -1;
	}
	*total = dbs_column_int64(st, 0);
	dbs_reset(st);
	st = db_stmt(db, page_sql);
	if (!st)
		return -1;
	bind_filter(st, f);
	dbs_bind_int64(st, 6, limit);
	dbs_bind_int64(st, 7, offset);
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		struct db_person p;
		person_from_row(st, &p);
		fn(&p, ctx);
	}
	int ret = rc == DBS_DONE ? 0 : db_fail(db, "people page");
	dbs_reset(st);
	return ret;
}

/* A search: one pass over the matches counts them and keeps the ids of the
 * page, whose people are then read by id (the pass is the costly part;
 * running it twice, for the count and for the page, doubled a search). */
static int people_match_page(struct db *db, const struct db_people_filter *f, int64_t limit,
			     int64_t offset, void (*fn)(const struct db_person *p, void *ctx),
			     void *ctx, int64_t *total)
{
	bool filtered = f->scope_path || f->audience || f->role || f->disabled >= 0;
	db_st *st = db_stmt(db, filtered ? SQL_PEOPLE_MATCH_IDS : SQL_PEOPLE_MATCH_IDS_ALL);
	if (!st)
		return -1;
	bind_filter(st, f);
	int64_t *page = xcalloc(limit > 0 ? (size_t)limit : 1, sizeof *page);
	int64_t seen = 0, n = 0;
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		if (seen >= offset && n < limit)
			page[n++] = dbs_column_int64(st, 0);
		seen++;
	}
	int ret = rc == DBS_DONE ? 0 : db_fail(db, "people search");
	dbs_reset(st);
	*total = seen;
	for (int64_t i = 0; ret == 0 && i < n; i++) {
		struct db_person person;
		/* 0: erased since the pass (a caller wanting one snapshot reads
		 * in one transaction). */
		rc = db_people_get(db, page[i], &person);
		if (rc < 0)
			ret = -1;
		else if (rc == 1)
			fn(&person, ctx);
	}
	free(page);
	return ret;
}

int db_people_page(struct db *db, const struct db_people_filter *f, int64_t limit, int64_t offset,
		   void (*fn)(const struct db_person *p, void *ctx), void *ctx, int64_t *total)
{
	if (f->match)
		return people_match_page(db, f, limit, offset, fn, ctx, total);
	return people_page(db, SQL_PEOPLE_COUNT, SQL_PEOPLE_PAGE, f, limit, offset, fn, ctx, total);
}

int db_people_scan_page(struct db *db, const struct db_people_filter *f, int64_t limit,
			int64_t offset, void (*fn)(const struct db_person *p, void *ctx), void *ctx,
			int64_t *total)
{
	return people_page(db, SQL_PEOPLE_SCAN_COUNT, SQL_PEOPLE_SCAN_PAGE, f, limit, offset, fn,
			   ctx, total);
}

int db_people_get(struct db *db, int64_t id, struct db_person *out)
{
	db_st *st = db_stmt(db, SQL_PERSON_GET);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	int rc = db_step_row(db, st, "person");
	if (rc == 1)
		person_from_row(st, out);
	dbs_reset(st);
	return rc;
}

int db_people_update(struct db *db, const struct db_person *p, int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_PERSON_UPDATE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, p->id);
	dbs_bind_text(st, 2, p->full_name, -1, DBS_STATIC);
	if (p->unit_id)
		dbs_bind_int64(st, 3, p->unit_id);
	db_bind_text_or_null(st, 4, p->audience);
	dbs_bind_text(st, 5, p->role, -1, DBS_STATIC);
	dbs_bind_int(st, 6, p->disabled);
	dbs_bind_int64(st, 7, now_ms);
	return db_exec_stmt(db, st, "people update") ? -1 : 0;
}

int db_user_logged_in(struct db *db, int64_t user_id, int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_USER_LOGGED_IN);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	dbs_bind_int64(st, 2, now_ms);
	return db_exec_stmt(db, st, "last login") ? -1 : 0;
}

int db_card_set(struct db *db, int64_t user_id, const unsigned char hash[32], int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_CARD_SET);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	dbs_bind_blob(st, 2, hash, 32, DBS_STATIC);
	dbs_bind_int64(st, 3, now_ms);
	return db_exec_stmt(db, st, "card set") ? -1 : 0;
}

int db_card_user(struct db *db, const unsigned char hash[32], struct db_user *out)
{
	db_st *st = db_stmt(db, SQL_CARD_USER);
	if (!st)
		return -1;
	dbs_bind_blob(st, 1, hash, 32, DBS_STATIC);
	int rc = db_step_row(db, st, "card user");
	if (rc == 1)
		db_user_from_row(st, out);
	dbs_reset(st);
	return rc;
}

int db_card_delete(struct db *db, int64_t user_id)
{
	db_st *st = db_stmt(db, SQL_CARD_DELETE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, user_id);
	return db_exec_stmt(db, st, "card delete") ? -1 : 0;
}
