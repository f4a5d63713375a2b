/* db_pg_priv.h - the PostgreSQL engine's connection and statement, shared
 * by its files only (db_pg.c: connecting, preparing, running; db_pg_column.c:
 * reading a result's columns). */
#ifndef QUIZ_DB_PG_PRIV_H
#define QUIZ_DB_PG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

/* Type OIDs of PostgreSQL's catalogue (pg_type.dat), fixed since 7.x. */
enum {
	OID_BOOL = 16,
	OID_BYTEA = 17,
	OID_INT8 = 20,
	OID_INT2 = 21,
	OID_INT4 = 23,
	OID_TEXT = 25,
	OID_OID = 26,
	OID_FLOAT4 = 700,
	OID_FLOAT8 = 701,
	OID_NUMERIC = 1700,
};

/* Deferred commands held at most; one more sends them first. */
#define DB_PG_DEFERRED 8

enum bind_kind { BIND_NULL, BIND_INT, BIND_DOUBLE, BIND_TEXT, BIND_BLOB };

/* One parameter's value as sent: numbers formatted into num, text and
 * blobs copied into buf, which only grows. */
struct param {
	char *buf;
	size_t cap;
	char num[32];
};

/* A column of the current result: its type; when bytea, the current row
 * unescaped once into buf. */
struct decoded {
	Oid type;
	int row; /* the row buf holds, -1 none */
	int len;
	size_t cap;
	char *buf;
};

/* ST_PENDING: sent by db_pg_prefetch, its result not read yet;
 * ST_FETCHED: its result read, kept for the first step. */
enum st_state { ST_FRESH, ST_PENDING, ST_FETCHED, ST_ROWS, ST_DONE };
/* Statements db_pg_prefetch sends at once, at most. */
#define DB_PG_PREFETCH_MAX 16

struct db_pg_st {
	struct db_pg *pg;
	char *text; /* the PostgreSQL text, placeholders $N */
	char name[24]; /* of the server's prepared statement, "" until prepared */
	int nparams;
	/* The SQLite text has no RETURNING and the variant adds one: the
	 * returned id is the last insert id and the caller sees no row. */
	bool returns_id;
	/* INSERT, UPDATE, DELETE or MERGE: run inside a transaction under a
	 * savepoint of its own (see execute). */
	bool writes;
	Oid *types; /* as prepared */
	unsigned char *kinds; /* as bound now (enum bind_kind) */
	const char **values;
	int *lengths;
	int *formats;
	struct param *params;
	PGresult *res;
	enum st_state state;
	int row, nrows, ncols;
	struct decoded *cols;
	int cols_cap;
};

/* Copies n bytes of v into *buf, grown as needed and kept for the next
 * copy (its size in *cap), and ends them with a NUL; returns *buf. */
char *db_pg_hold(char **buf, size_t *cap, const void *v, size_t n);

/* What sending a statement consumes of its connection's state, kept by
 * db_pg.c's run() to send the statement again on a new connection. */
struct db_pg_unsent {
	const char *deferred[DB_PG_DEFERRED];
	int ndeferred;
	bool in_tx, begin_pending;
};

struct db_pg {
	PGconn *conn;
	struct db_pg_st **stmts;
	size_t nstmts, stmts_cap;
	unsigned serial; /* names prepared statements */
	bool in_tx; /* the server said a transaction was open after the last command */
	/* Savepoint commands (static texts) not sent yet: they go ahead of
	 * the next statement, in its round trip. */
	const char *deferred[DB_PG_DEFERRED];
	int ndeferred;
	/* The deferred commands open the transaction: nothing of it reached
	 * the server yet. */
	bool begin_pending;
	/* The transaction was begun for reading and has sent no write: its
	 * COMMIT is not waited for (commit_read). */
	bool reading;
	/* db_pg_prefetch's statements whose results are still to be read, in
	 * the order sent (pending[next_pending..npending-1], each ST_PENDING):
	 * a statement's first step reads the results up to its own, so the
	 * caller works on the first rows while the server runs the next
	 * statements; anything else sent on the connection reads them all
	 * first (take_pending). */
	struct db_pg_st *pending[DB_PG_PREFETCH_MAX];
	int npending, next_pending;
	int64_t changes;
	int64_t last_id;
	uint64_t round_trips; /* commands or pipelines sent, each waited for */
	char msg[512];
};

#endif
