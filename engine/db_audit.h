/* db_audit.h - storage of the audit log of administrative writes. See db.h
 * for the return conventions. */
#ifndef QUIZ_DB_AUDIT_H
#define QUIZ_DB_AUDIT_H

#include <stdint.h>

#include "db.h"

/* Appends one entry: at (ms), who (user id, 0 for the command line, and the
 * username as it was then), action, target, detail (JSON text). Runs in the
 * caller's transaction when one is open. 0 or -1. */
int db_audit_insert(struct db *db, int64_t at_ms, int64_t user_id, const char *username,
		    const char *action, const char *target, const char *detail);

/* One entry as read back; texts borrowed for the duration of the callback. */
struct db_audit_entry {
	int64_t id, at_ms;
	const char *username, *action, *target, *detail;
};
/* Calls fn for each entry of a page, newest first, and sets *total to the
 * number of entries. 0 or -1. */
int db_audit_page(struct db *db, int64_t limit, int64_t offset,
		  void (*fn)(const struct db_audit_entry *e, void *ctx), void *ctx, int64_t *total);

#endif
