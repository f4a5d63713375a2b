/* db_audit.c - migration 6 (the audit log, people's state and search key,
 * login cards) and the SQL of the audit log. */
#include "db_audit.h"

#include "db_priv.h"

/* users.disabled_at: set while an administrator has disabled the account
 * (no login, no session). user_search: one row per person (rowid = user
 * id), the username and full name folded by fold_key() (case, diacritics
 * and đ, see db.c), indexed by FTS5 and kept by triggers on every write of
 * users. login_cards: the keyed hash of each person's current login code. */
const char db_sql_people[] =
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id INTEGER,"
	"  username TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT '{}');"
	"ALTER TABLE users ADD COLUMN disabled_at INTEGER;"
	"ALTER TABLE users ADD COLUMN last_login_at INTEGER;"
	"CREATE VIRTUAL TABLE user_search USING fts5(key, tokenize = 'unicode61');"
	"INSERT INTO user_search (rowid, key)"
	"  SELECT id, fold_key(username || ' ' || full_name) FROM users;"
	"CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN"
	"  INSERT INTO user_search (rowid, key)"
	"    VALUES (new.id, fold_key(new.username || ' ' || new.full_name));"
	" END;"
	"CREATE TRIGGER users_search_update AFTER UPDATE OF username, full_name ON users BEGIN"
	"  DELETE FROM user_search WHERE rowid = old.id;"
	"  INSERT INTO user_search (rowid, key)"
	"    VALUES (new.id, fold_key(new.username || ' ' || new.full_name));"
	" END;"
	"CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN"
	"  DELETE FROM user_search WHERE rowid = old.id;"
	" END;"
	"CREATE TABLE login_cards ("
	"  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
	"  code_hash BLOB NOT NULL UNIQUE,"
	"  issued_at INTEGER NOT NULL);";

/* Migration 10: erased people leave the search index (an empty key), so a
 * search with no other filter counts its matches in the index alone. */
const char db_sql_people_search_erased[] =
	"DROP TRIGGER users_search_update;"
	"CREATE TRIGGER users_search_update AFTER UPDATE OF username, full_name, erased_at"
	" ON users BEGIN"
	"  DELETE FROM user_search WHERE rowid = old.id;"
	"  INSERT INTO user_search (rowid, key) VALUES (new.id, CASE WHEN new.erased_at IS NULL"
	"    THEN fold_key(new.username || ' ' || new.full_name) ELSE '' END);"
	" END;"
	"DELETE FROM user_search WHERE rowid IN (SELECT id FROM users WHERE erased_at IS NOT NULL);"
	"INSERT INTO user_search (rowid, key) SELECT id, '' FROM users WHERE erased_at IS NOT "
	"NULL;";

/* Migration 18: the search index again, with prefix indexes of 1 to 4
 * characters. The last word of a search is a prefix ("nguyen van an" asks
 * for "an*"); without them FTS5 merged the lists of every term beginning
 * with it (an, anh) into one before the AND could skip through it, which
 * was half the cost of a search in 300,000 people. Same keys and triggers. */
const char db_sql_people_search_prefix[] =
	"DROP TABLE user_search;"
	"CREATE VIRTUAL TABLE user_search USING fts5(key, tokenize = 'unicode61',"
	" prefix = '1 2 3 4');"
	"INSERT INTO user_search (rowid, key) SELECT id, CASE WHEN erased_at IS NULL"
	"  THEN fold_key(username || ' ' || full_name) ELSE '' END FROM users;";

static const char SQL_AUDIT_INSERT[] =
	"INSERT INTO audit_log (at, user_id, username, action, target, detail)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_AUDIT_PAGE[] =
	"SELECT id, at, username, action, target, detail FROM audit_log"
	" ORDER BY id DESC LIMIT ?1 OFFSET ?2";
static const char SQL_AUDIT_COUNT[] = "SELECT count(*) FROM audit_log";

int db_audit_insert(struct db *db, int64_t at_ms, int64_t user_id, const char *username,
		    const char *action, const char *target, const char *detail)
{
	db_st *st = db_stmt(db, SQL_AUDIT_INSERT);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, at_ms);
	if (user_id)
		dbs_bind_int64(st, 2, user_id);
	dbs_bind_text(st, 3, username, -1, DBS_TRANSIENT);
	dbs_bind_text(st, 4, action, -1, DBS_TRANSIENT);
	dbs_bind_text(st, 5, target, -1, DBS_TRANSIENT);
	dbs_bind_text(st, 6, detail, -1, DBS_TRANSIENT);
	return db_exec_stmt(db, st, "audit insert") ? -1 : 0;
}

int db_audit_page(struct db *db, int64_t limit, int64_t offset,
		  void (*fn)(const struct db_audit_entry *e, void *ctx), void *ctx, int64_t *total)
{
	db_st *st = db_stmt(db, SQL_AUDIT_COUNT);
	if (!st || db_step_row(db, st, "audit count") != 1) {
		if (st)
			dbs_reset(st);
		return -1;
	}
	*total = dbs_column_int64(st, 0);
	dbs_reset(st);
	st = db_stmt(db, SQL_AUDIT_PAGE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, limit);
	dbs_bind_int64(st, 2, offset);
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		struct db_audit_entry e = {
			.id = dbs_column_int64(st, 0),
			.at_ms = dbs_column_int64(st, 1),
			.username = db_col_text(st, 2),
			.action = db_col_text(st, 3),
			.target = db_col_text(st, 4),
			.detail = db_col_text(st, 5),
		};
		fn(&e, ctx);
	}
	int ret = rc == DBS_DONE ? 0 : db_fail(db, "audit page");
	dbs_reset(st);
	return ret;
}
