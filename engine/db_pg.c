/* db_pg.c - the PostgreSQL connection and its statements (see db_pg.h).
 *
 * A statement is translated once, when db_pg_prepare makes it, and sent to
 * the server with PQprepare at its first step under a name of this
 * connection; every later execution is one PQexecPrepared round trip with
 * the parameters in buffers the statement keeps, so a warm statement
 * allocates nothing on this side. */
#include "db_pg.h"
#include "db_pg_priv.h"
#include "db_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "util.h"

bool db_pg_is_url(const char *path)
{
	return path && (!strncmp(path, "postgresql://", 13) || !strncmp(path, "postgres://", 11));
}

/* The server's message without libpq's trailing newline. */
static void set_msg(struct db_pg *pg, const char *what, const char *text)
{
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		n--;
	snprintf(pg->msg, sizeof pg->msg, "%s%s%.*s", what ? what : "", what ? ": " : "", (int)n,
		 text);
}

/* The message of a failed result: the primary text and its detail. */
static void set_result_msg(struct db_pg *pg, const PGresult *res)
{
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	if (!primary) {
		set_msg(pg, NULL, PQerrorMessage(pg->conn));
		return;
	}
	snprintf(pg->msg, sizeof pg->msg, "%s%s%s", primary, detail ? " - " : "",
		 detail ? detail : "");
}

static const char SESSION_SETUP[] =
	"SET synchronous_commit = on; SET bytea_output = hex; "
	"SET client_encoding = 'UTF8'; SET client_min_messages = warning";

struct db_pg *db_pg_open(const char *url, char *err, size_t errlen)
{
	struct db_pg *pg = xcalloc(1, sizeof *pg);
	pg->conn = PQconnectdb(url);
	if (!pg->conn || PQstatus(pg->conn) != CONNECTION_OK) {
		set_msg(pg, NULL, pg->conn ? PQerrorMessage(pg->conn) : "out of memory");
		snprintf(err, errlen, "cannot open database %s: %s", url, pg->msg);
		db_pg_close(pg);
		return NULL;
	}
	if (db_pg_exec(pg, SESSION_SETUP)) {
		snprintf(err, errlen, "cannot configure database %s: %s", url, pg->msg);
		db_pg_close(pg);
		return NULL;
	}
	return pg;
}

static void stmt_free(struct db_pg_st *st)
{
	PQclear(st->res);
	for (int i = 0; i < st->nparams; i++)
		free(st->params[i].buf);
	for (int i = 0; i < st->cols_cap; i++)
		free(st->cols[i].buf);
	free(st->cols);
	free(st->params);
	free(st->types);
	free(st->kinds);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->text);
	free(st);
}

static PGresult *next_result(PGconn *conn);
static void note_tx(struct db_pg *pg);

/* Reads the results of db_pg_prefetch's statements still pending, up to
 * and with upto (all of them when NULL), into their statements (a NULL
 * entry: a COMMIT's, dropped); after the last, the pipeline's sync,
 * leaving pipeline mode. */
static void take_pending(struct db_pg *pg, const struct db_pg_st *upto)
{
	if (!pg->npending)
		return;
	while (pg->next_pending < pg->npending) {
		struct db_pg_st *st = pg->pending[pg->next_pending++];
		PGresult *res = next_result(pg->conn);
		if (!st) { /* a read transaction's COMMIT (commit_read) */
			PQclear(res);
			continue;
		}
		st->res = res;
		st->state = ST_FETCHED;
		if (st == upto)
			break;
	}
	if (pg->next_pending < pg->npending)
		return;
	PQclear(PQgetResult(pg->conn)); /* the sync */
	PQexitPipelineMode(pg->conn);
	pg->npending = pg->next_pending = 0;
	note_tx(pg);
}

void db_pg_close(struct db_pg *pg)
{
	if (!pg)
		return;
	for (size_t i = 0; i < pg->nstmts; i++)
		stmt_free(pg->stmts[i]);
	free(pg->stmts);
	/* The server ends a closed session after PQfinish returns: its
	 * session locks (db_job.c) are given back first, so whoever asks next
	 * gets them. */
	if (PQstatus(pg->conn) == CONNECTION_OK)
		PQclear(PQexec(pg->conn, "SELECT pg_advisory_unlock_all()"));
	PQfinish(pg->conn);
	free(pg);
}

PGconn *db_pg_conn(struct db_pg *pg)
{
	take_pending(pg, NULL);
	return pg->conn;
}

const char *db_pg_errmsg(const struct db_pg *pg)
{
	return pg->msg;
}

/* A connection the server dropped (a restart, a failover) is opened again
 * when no transaction was open on it: nothing the caller believes written
 * can be lost that way. Its prepared statements are gone with it. */
static int ensure_connected(struct db_pg *pg)
{
	take_pending(pg, NULL);
	if (PQstatus(pg->conn) == CONNECTION_OK)
		return 0;
	if (pg->in_tx && !pg->begin_pending) {
		set_msg(pg, NULL, "connection to the database lost inside a transaction");
		return -1;
	}
	PQreset(pg->conn);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		set_msg(pg, "cannot reconnect to the database", PQerrorMessage(pg->conn));
		return -1;
	}
	for (size_t i = 0; i < pg->nstmts; i++)
		pg->stmts[i]->name[0] = '\0';
	/* A transaction not sent yet is sent on the new connection. */
	pg->round_trips++;
	PGresult *res = PQexec(pg->conn, SESSION_SETUP);
	int ret = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;
	if (ret)
		set_result_msg(pg, res);
	PQclear(res);
	return ret;
}

static void note_tx(struct db_pg *pg)
{
	PGTransactionStatusType t = PQtransactionStatus(pg->conn);
	pg->in_tx = t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* PQexec of sql after the deferred commands, in one simple query (which
 * stops at the first that fails and answers with it). */
static PGresult *exec_after_deferred(struct db_pg *pg, const char *sql)
{
	take_pending(pg, NULL);
	pg->round_trips++;
	if (!pg->ndeferred)
		return PQexec(pg->conn, sql);
	struct strbuf text;
	sb_init(&text);
	for (int i = 0; i < pg->ndeferred; i++)
		sb_printf(&text, "%s; ", pg->deferred[i]);
	sb_puts(&text, sql);
	pg->ndeferred = 0;
	pg->begin_pending = false;
	PGresult *res = PQexec(pg->conn, text.data);
	sb_cleanup(&text);
	return res;
}

/* One writer at a time per schema, as SQLite's one writer per file; the
 * lock ends with the transaction. */
static const char BEGIN_WRITE[] = "BEGIN";
static const char WRITE_LOCK[] = "SELECT pg_advisory_xact_lock(hashtext(current_schema()))";
static const char BEGIN_READ[] = "BEGIN ISOLATION LEVEL REPEATABLE READ";

int db_pg_begin(struct db_pg *pg, bool write)
{
	if (pg->in_tx) {
		set_msg(pg, NULL, "cannot start a transaction within a transaction");
		return -1;
	}
	if (ensure_connected(pg))
		return -1;
	pg->ndeferred = 0;
	pg->deferred[pg->ndeferred++] = write ? BEGIN_WRITE : BEGIN_READ;
	if (write)
		pg->deferred[pg->ndeferred++] = WRITE_LOCK;
	pg->in_tx = true;
	pg->begin_pending = true;
	pg->reading = !write;
	return 0;
}

int db_pg_defer(struct db_pg *pg, const char *sql)
{
	pg->reading = false;
	if (!pg->in_tx) /* nothing to ride on: as SQLite, run it now */
		return db_pg_exec(pg, sql);
	if (pg->ndeferred == DB_PG_DEFERRED && db_pg_exec(pg, "SELECT 1"))
		return -1;
	pg->deferred[pg->ndeferred++] = sql;
	return 0;
}

int db_pg_exec(struct db_pg *pg, const char *sql)
{
	pg->reading = false;
	if (ensure_connected(pg))
		return -1;
	PGresult *res = exec_after_deferred(pg, sql);
	ExecStatusType s = PQresultStatus(res);
	int ret = 0;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY) {
		set_result_msg(pg, res);
		ret = -1;
	}
	PQclear(res);
	note_tx(pg);
	return ret;
}

/* A transaction that sent nothing ends without a word to the server. */
static bool end_unsent(struct db_pg *pg)
{
	if (!pg->begin_pending)
		return false;
	pg->ndeferred = 0;
	pg->begin_pending = false;
	pg->in_tx = false;
	return true;
}

/* The COMMIT of a read transaction that wrote nothing, which cannot fail:
 * sent now, so the snapshot ends at once, and its answer read with
 * whatever the connection sends next, saving the caller a round trip.
 * false when it cannot be sent that way (then it is sent as any). */
static bool commit_read(struct db_pg *pg)
{
	if (!pg->reading || pg->ndeferred || PQstatus(pg->conn) != CONNECTION_OK)
		return false;
	take_pending(pg, NULL);
	if (!PQenterPipelineMode(pg->conn))
		return false;
	PQsendQueryParams(pg->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0);
	PQpipelineSync(pg->conn);
	pg->pending[0] = NULL;
	pg->npending = 1;
	pg->next_pending = 0;
	pg->in_tx = pg->reading = false;
	return true;
}

int db_pg_commit(struct db_pg *pg)
{
	if (end_unsent(pg) || commit_read(pg))
		return 0;
	if (ensure_connected(pg))
		return -1;
	PGresult *res = exec_after_deferred(pg, "COMMIT");
	int ret = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		set_result_msg(pg, res);
		ret = -1;
	} else if (!strcmp(PQcmdStatus(res), "ROLLBACK")) {
		/* COMMIT of a transaction a failed statement aborted: the server
		 * rolls back and says so only in the command tag. */
		set_msg(pg, NULL, "the transaction was rolled back: one of its statements failed");
		ret = -1;
	}
	PQclear(res);
	note_tx(pg);
	return ret;
}

void db_pg_rollback(struct db_pg *pg)
{
	if (end_unsent(pg))
		return;
	pg->ndeferred = 0; /* undone with the rest */
	pg->reading = false;
	take_pending(pg, NULL);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		pg->in_tx = false; /* the server rolled it back when the connection ended */
		return;
	}
	if (pg->in_tx) {
		pg->round_trips++;
		PQclear(PQexec(pg->conn, "ROLLBACK"));
	}
	note_tx(pg);
}

int64_t db_pg_changes(const struct db_pg *pg)
{
	return pg->changes;
}

int64_t db_pg_last_insert_id(const struct db_pg *pg)
{
	return pg->last_id;
}

uint64_t db_pg_round_trips(const struct db_pg *pg)
{
	return pg->round_trips;
}

struct db_pg_st *db_pg_prepare(struct db_pg *pg, const char *sql)
{
	const struct db_pg_sql *v = db_pg_variant(sql);
	const char *text = v && v->pg ? v->pg : sql;
	struct db_pg_st *st = xcalloc(1, sizeof *st);
	st->pg = pg;
	if (v && v->suffix) {
		char *joined = xmalloc(strlen(text) + strlen(v->suffix) + 1);
		strcpy(stpcpy(joined, text), v->suffix);
		st->text = db_pg_translate(joined, &st->nparams);
		free(joined);
	} else {
		st->text = db_pg_translate(text, &st->nparams);
	}
	st->writes = db_pg_is_write(st->text);
	st->returns_id = db_pg_has_keyword(st->text, "INSERT") &&
			 db_pg_has_keyword(st->text, "RETURNING") &&
			 !db_pg_has_keyword(sql, "RETURNING");
	int n = st->nparams ? st->nparams : 1;
	st->types = xcalloc((size_t)n, sizeof *st->types);
	st->kinds = xcalloc((size_t)n, sizeof *st->kinds);
	st->values = xcalloc((size_t)n, sizeof *st->values);
	st->lengths = xcalloc((size_t)n, sizeof *st->lengths);
	st->formats = xcalloc((size_t)n, sizeof *st->formats);
	st->params = xcalloc((size_t)n, sizeof *st->params);
	if (pg->nstmts == pg->stmts_cap) {
		pg->stmts_cap = pg->stmts_cap ? 2 * pg->stmts_cap : 64;
		pg->stmts = xrealloc(pg->stmts, pg->stmts_cap * sizeof *pg->stmts);
	}
	pg->stmts[pg->nstmts++] = st;
	return st;
}

static struct param *bind_slot(struct db_pg_st *st, int idx, enum bind_kind kind)
{
	if (idx < 1 || idx > st->nparams) {
		snprintf(st->pg->msg, sizeof st->pg->msg,
			 "parameter %d out of range: the statement has %d", idx, st->nparams);
		return NULL;
	}
	st->kinds[idx - 1] = (unsigned char)kind;
	st->formats[idx - 1] = kind == BIND_BLOB;
	return &st->params[idx - 1];
}

int db_pg_bind_int64(struct db_pg_st *st, int idx, int64_t v)
{
	struct param *p = bind_slot(st, idx, BIND_INT);
	if (!p)
		return DBS_ERROR;
	/* Digits backwards from the end of num; the magnitude as unsigned so
	 * INT64_MIN has one. */
	char *end = p->num + sizeof p->num - 1, *d = end;
	*d = '\0';
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		*--d = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--d = '-';
	st->values[idx - 1] = d;
	st->lengths[idx - 1] = (int)(end - d);
	return DBS_OK;
}

int db_pg_bind_double(struct db_pg_st *st, int idx, double v)
{
	struct param *p = bind_slot(st, idx, BIND_DOUBLE);
	if (!p)
		return DBS_ERROR;
	st->lengths[idx - 1] = snprintf(p->num, sizeof p->num, "%.17g", v);
	st->values[idx - 1] = p->num;
	return DBS_OK;
}

/* Text is sent with its length, so a value the caller keeps needs no
 * copy and no terminating NUL. */
char *db_pg_hold(char **buf, size_t *cap, const void *v, size_t n)
{
	if (*cap < n + 1) {
		*cap = n + 1 > 64 ? n + 1 : 64;
		free(*buf);
		*buf = xmalloc(*cap);
	}
	if (n)
		memcpy(*buf, v, n);
	(*buf)[n] = '\0';
	return *buf;
}

static void set_value(struct db_pg_st *st, struct param *p, int idx, const void *v, size_t n,
		      bool copy)
{
	if (!copy) {
		st->values[idx - 1] = v;
		st->lengths[idx - 1] = (int)n;
		return;
	}
	st->values[idx - 1] = db_pg_hold(&p->buf, &p->cap, v, n);
	st->lengths[idx - 1] = (int)n;
}

int db_pg_bind_text(struct db_pg_st *st, int idx, const char *s, int len, bool copy)
{
	if (!s)
		return db_pg_bind_null(st, idx);
	struct param *p = bind_slot(st, idx, BIND_TEXT);
	if (!p)
		return DBS_ERROR;
	set_value(st, p, idx, s, len < 0 ? strlen(s) : (size_t)len, copy);
	return DBS_OK;
}

int db_pg_bind_blob(struct db_pg_st *st, int idx, const void *v, int len, bool copy)
{
	if (!v)
		return db_pg_bind_null(st, idx);
	struct param *p = bind_slot(st, idx, BIND_BLOB);
	if (!p)
		return DBS_ERROR;
	set_value(st, p, idx, v, len < 0 ? 0 : (size_t)len, copy);
	return DBS_OK;
}

int db_pg_bind_parameter_count(const struct db_pg_st *st)
{
	return st->nparams;
}

int db_pg_bind_null(struct db_pg_st *st, int idx)
{
	if (!bind_slot(st, idx, BIND_NULL))
		return DBS_ERROR;
	st->values[idx - 1] = NULL;
	st->lengths[idx - 1] = 0;
	return DBS_OK;
}

void db_pg_clear_bindings(struct db_pg_st *st)
{
	for (int i = 0; i < st->nparams; i++) {
		st->kinds[i] = BIND_NULL;
		st->values[i] = NULL;
		st->lengths[i] = 0;
		st->formats[i] = 0;
	}
}

static Oid oid_of(enum bind_kind kind)
{
	switch (kind) {
	case BIND_INT:
		return OID_INT8;
	case BIND_DOUBLE:
		return OID_FLOAT8;
	case BIND_BLOB:
		return OID_BYTEA;
	default:
		return 0; /* text and NULL: the server infers the type */
	}
}

/* Prepared with types that this execution's values do not fit (an integer
 * parameter now given text): prepared again under a new name. */
static bool types_changed(const struct db_pg_st *st)
{
	for (int i = 0; i < st->nparams; i++) {
		Oid was = st->types[i], now = oid_of((enum bind_kind)st->kinds[i]);
		/* Text and parameters the server typed take any value as text. */
		if (st->kinds[i] != BIND_NULL && was && was != OID_TEXT && now != was)
			return true;
	}
	return false;
}

static const char SAVEPOINT[] = "SAVEPOINT db_pg_statement";
static const char RELEASE[] = "RELEASE db_pg_statement";
static const char UNDO[] = "ROLLBACK TO db_pg_statement; RELEASE db_pg_statement";

/* The result of a queued command, with the NULL that ends it consumed. */
static PGresult *next_result(PGconn *conn)
{
	PGresult *res = PQgetResult(conn);
	if (res && PQresultStatus(res) != PGRES_PIPELINE_SYNC)
		PQclear(PQgetResult(conn));
	return res;
}

/* Queues the deferred commands ahead of what follows in the pipeline. */
static void send_deferred(struct db_pg *pg)
{
	for (int i = 0; i < pg->ndeferred; i++)
		PQsendQueryParams(pg->conn, pg->deferred[i], 0, NULL, NULL, NULL, NULL, 0);
}

/* Reads the deferred commands' results: the first that failed (the
 * caller's to clear), or NULL. */
static PGresult *take_deferred(struct db_pg *pg)
{
	PGresult *refused = NULL;
	for (int i = 0; i < pg->ndeferred; i++) {
		PGresult *r = next_result(pg->conn);
		ExecStatusType rs = PQresultStatus(r);
		if (!refused && rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK)
			refused = r;
		else
			PQclear(r);
	}
	pg->ndeferred = 0;
	pg->begin_pending = false;
	return refused;
}

/* Sends the deferred savepoint commands, then the statement (executed, or
 * prepared as prepare_as), in one pipeline: one round trip. With guard,
 * the statement runs between SAVEPOINT and RELEASE: when it breaks a rule,
 * only the statement is undone and the transaction goes on, as a failed
 * statement does on SQLite; without it PostgreSQL would refuse every later
 * statement of the transaction. Writes inside a transaction are guarded,
 * and prepares inside one, so a refused prepare can be tried again with
 * other types. Returns the statement's result, or the failed deferred
 * command's. */
static PGresult *pipelined(struct db_pg_st *st, const char *prepare_as, bool guard)
{
	struct db_pg *pg = st->pg;
	PGconn *conn = pg->conn;
	if (!PQenterPipelineMode(conn))
		return NULL;
	send_deferred(pg);
	if (guard)
		PQsendQueryParams(conn, SAVEPOINT, 0, NULL, NULL, NULL, NULL, 0);
	if (prepare_as)
		PQsendPrepare(conn, prepare_as, st->text, st->nparams, st->types);
	else
		PQsendQueryPrepared(conn, st->name, st->nparams, st->values, st->lengths,
				    st->formats, 0);
	if (guard)
		PQsendQueryParams(conn, RELEASE, 0, NULL, NULL, NULL, NULL, 0);
	PQpipelineSync(conn);
	pg->round_trips++;
	PGresult *refused = take_deferred(pg);
	PGresult *savepoint = guard ? next_result(conn) : NULL;
	PGresult *res = next_result(conn);
	PGresult *release = guard ? next_result(conn) : NULL;
	PQclear(PQgetResult(conn)); /* the sync */
	bool undo = guard && PQresultStatus(savepoint) == PGRES_COMMAND_OK &&
		    PQresultStatus(release) != PGRES_COMMAND_OK;
	PQclear(savepoint);
	PQclear(release);
	PQexitPipelineMode(conn);
	if (undo) {
		pg->round_trips++;
		PQclear(PQexec(conn, UNDO));
	}
	if (refused) {
		PQclear(res);
		return refused;
	}
	return res;
}

/* Whether a refused prepare may pass with other parameter types: a
 * function or operator that wants int4 where int8 came (substr, generate
 * series), or a parameter whose type nothing in the text tells. */
static bool type_refusal(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	return state && (!strcmp(state, "42883") || !strcmp(state, "42804") ||
			 !strcmp(state, "42725") || !strcmp(state, "42P18"));
}

/* Loosens the types of a refused prepare: first integers and doubles are
 * left to the server; then parameters still unknown become text. False
 * when nothing is left to loosen. */
static bool loosen_types(struct db_pg_st *st)
{
	bool changed = false;
	for (int i = 0; i < st->nparams; i++)
		if (st->types[i] == OID_INT8 || st->types[i] == OID_FLOAT8) {
			st->types[i] = 0;
			changed = true;
		}
	if (changed)
		return true;
	for (int i = 0; i < st->nparams; i++)
		if (!st->types[i]) {
			st->types[i] = OID_TEXT;
			changed = true;
		}
	return changed;
}

/* PQprepare outside a transaction: a round trip of its own. */
static PGresult *prepare_alone(struct db_pg_st *st, const char *name)
{
	st->pg->round_trips++;
	return PQprepare(st->pg->conn, name, st->text, st->nparams, st->types);
}

static int server_prepare(struct db_pg_st *st)
{
	struct db_pg *pg = st->pg;
	for (int i = 0; i < st->nparams; i++)
		st->types[i] = oid_of((enum bind_kind)st->kinds[i]);
	char name[sizeof st->name];
	snprintf(name, sizeof name, "q%u", ++pg->serial);
	for (;;) {
		PGresult *res = pg->in_tx ? pipelined(st, name, true) : prepare_alone(st, name);
		note_tx(pg);
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			PQclear(res);
			memcpy(st->name, name, sizeof name);
			return DBS_OK;
		}
		bool again = type_refusal(res) && loosen_types(st);
		if (!again)
			set_result_msg(pg, res);
		PQclear(res);
		if (!again)
			return DBS_ERROR;
	}
}

static int failed(struct db_pg_st *st)
{
	struct db_pg *pg = st->pg;
	set_result_msg(pg, st->res);
	/* The SQLSTATE lives in the result: read it before the result goes. */
	const char *state = PQresultErrorField(st->res, PG_DIAG_SQLSTATE);
	int rc = state && !strncmp(state, "23", 2) ? DBS_CONSTRAINT : DBS_ERROR;
	PQclear(st->res);
	st->res = NULL;
	st->state = ST_DONE;
	return rc;
}

static void note_changes(struct db_pg_st *st)
{
	const char *status = PQcmdStatus(st->res);
	if (strncmp(status, "INSERT", 6) && strncmp(status, "UPDATE", 6) &&
	    strncmp(status, "DELETE", 6) && strncmp(status, "MERGE", 5))
		return;
	st->pg->changes = strtoll(PQcmdTuples(st->res), NULL, 10);
}

/* Runs the statement once: DBS_ROW with the first row current, DBS_DONE,
 * or an error. */
static int run_once(struct db_pg_st *st)
{
	struct db_pg *pg = st->pg;
	if (st->state == ST_PENDING)
		take_pending(pg, st);
	if (st->writes)
		pg->reading = false;
	if (st->state != ST_FETCHED) { /* else db_pg_prefetch ran it */
		if (ensure_connected(pg) ||
		    ((!st->name[0] || types_changed(st)) && server_prepare(st) != DBS_OK))
			return DBS_ERROR;
		if ((st->writes && pg->in_tx) || pg->ndeferred)
			st->res = pipelined(st, NULL, st->writes && pg->in_tx);
		else {
			pg->round_trips++;
			st->res = PQexecPrepared(pg->conn, st->name, st->nparams, st->values,
						 st->lengths, st->formats, 0);
		}
		note_tx(pg);
	}
	ExecStatusType s = PQresultStatus(st->res);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)
		return failed(st);
	note_changes(st);
	st->nrows = PQntuples(st->res);
	st->ncols = PQnfields(st->res);
	st->row = 0;
	if (st->returns_id) {
		if (st->nrows > 0 && !PQgetisnull(st->res, 0, 0))
			pg->last_id = strtoll(PQgetvalue(st->res, 0, 0), NULL, 10);
		st->state = ST_DONE;
		return DBS_DONE;
	}
	if (st->ncols > st->cols_cap) {
		st->cols = xrealloc(st->cols, (size_t)st->ncols * sizeof *st->cols);
		memset(st->cols + st->cols_cap, 0,
		       (size_t)(st->ncols - st->cols_cap) * sizeof *st->cols);
		st->cols_cap = st->ncols;
	}
	for (int i = 0; i < st->ncols; i++) {
		st->cols[i].type = PQftype(st->res, i);
		st->cols[i].row = -1;
	}
	st->state = st->nrows ? ST_ROWS : ST_DONE;
	return st->nrows ? DBS_ROW : DBS_DONE;
}

int db_pg_prefetch(struct db_pg_st *const *sts, int n)
{
	struct db_pg *pg = sts[0]->pg;
	if (ensure_connected(pg))
		return -1;
	if (n > DB_PG_PREFETCH_MAX) {
		set_msg(pg, NULL, "too many statements to fetch ahead");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct db_pg_st *st = sts[i];
		db_pg_reset(st);
		if (st->writes) {
			set_msg(pg, NULL, "a statement that writes cannot be fetched ahead");
			return -1;
		}
		if ((!st->name[0] || types_changed(st)) && server_prepare(st) != DBS_OK)
			return -1;
	}
	PGconn *conn = pg->conn;
	if (!PQenterPipelineMode(conn)) {
		set_msg(pg, "cannot fetch ahead", PQerrorMessage(conn));
		return -1;
	}
	send_deferred(pg);
	for (int i = 0; i < n; i++)
		PQsendQueryPrepared(conn, sts[i]->name, sts[i]->nparams, sts[i]->values,
				    sts[i]->lengths, sts[i]->formats, 0);
	PQpipelineSync(conn);
	pg->round_trips++;
	PGresult *refused = take_deferred(pg);
	/* The results are read as the statements are stepped. */
	for (int i = 0; i < n; i++) {
		sts[i]->state = ST_PENDING;
		pg->pending[i] = sts[i];
	}
	pg->npending = n;
	pg->next_pending = 0;
	if (!refused)
		return 0;
	take_pending(pg, NULL);
	set_result_msg(pg, refused);
	PQclear(refused);
	for (int i = 0; i < n; i++)
		db_pg_reset(sts[i]);
	return -1;
}

/* Runs the statement; one that finds the connection dead (PostgreSQL was
 * restarted since the last statement) is sent again once, on a new
 * connection, when its first sending cannot have written anything: a read
 * outside a transaction, or the first statement of a transaction whose
 * BEGIN travels with it. */
static int run(struct db_pg_st *st)
{
	struct db_pg *pg = st->pg;
	struct db_pg_unsent u = { .ndeferred = pg->ndeferred,
				  .in_tx = pg->in_tx,
				  .begin_pending = pg->begin_pending };
	memcpy(u.deferred, pg->deferred, sizeof u.deferred);
	int rc = run_once(st);
	if (rc != DBS_ERROR || PQstatus(pg->conn) != CONNECTION_BAD ||
	    !(u.begin_pending || (!u.in_tx && !st->writes)))
		return rc;
	memcpy(pg->deferred, u.deferred, sizeof u.deferred);
	pg->ndeferred = u.ndeferred;
	pg->in_tx = u.in_tx;
	pg->begin_pending = u.begin_pending;
	return run_once(st);
}

int db_pg_step(struct db_pg_st *st)
{
	if (st->state == ST_ROWS) {
		if (++st->row < st->nrows)
			return DBS_ROW;
		st->state = ST_DONE;
		return DBS_DONE;
	}
	if (st->state == ST_DONE)
		db_pg_reset(st);
	return run(st);
}

void db_pg_reset(struct db_pg_st *st)
{
	if (st->state == ST_PENDING)
		take_pending(st->pg, st);
	PQclear(st->res);
	st->res = NULL;
	st->state = ST_FRESH;
	st->nrows = st->ncols = st->row = 0;
}
