/* db_copy.c - copies a SQLite database into an empty PostgreSQL schema of
 * the same version (see db_copy.h). The source is read through the storage
 * shim, a statement per table built from the table's column list; the
 * target is written through libpq's COPY, the fastest way into PostgreSQL,
 * in one transaction. */
#include "db_copy.h"

#include <libpq-fe.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_priv.h"
#include "util.h"

/* What a target column takes, from its PostgreSQL type. */
enum col_kind { COL_INTEGER, COL_FLOAT, COL_TEXT, COL_BYTES };

struct copy_col {
	char *name;
	enum col_kind kind;
};

struct copy_table {
	char *name;
	struct copy_col *cols; /* the target's columns, in its order */
	size_t ncols;
	char *identity; /* the target's identity column, or NULL */
	char **refs; /* tables its foreign keys reference (not itself) */
	size_t nrefs;
	int64_t rows; /* in the source when prepared */
	int64_t seeded; /* rows the target's migrations wrote; replaced */
	/* The target's is a view of another table (attempt_questions, of
	 * attempt_draws, migration 25): the rows go to a temporary table of
	 * its name, which its function NAME_load() then moves in. */
	bool view;
};

struct db_copy {
	struct db *src, *dst;
	PGconn *pg; /* dst's connection (borrowed) */
	struct copy_table *t; /* in copying order once prepared */
	size_t n;
	bool reading; /* the source's read transaction is open */
};

/* COPY data goes out in batches of about this many bytes. */
#define COPY_BATCH (256 * 1024)
/* Progress is told at most this often (and at each table's end). */
#define PROGRESS_EVERY_S 2.0

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	/* One line: the server's messages end in, and may hold, newlines. */
	size_t n = strlen(err);
	while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
		err[--n] = '\0';
	for (char *c = err; *c; c++)
		if (*c == '\n')
			*c = ' ';
	return -1;
}

/* The server's message of a failed result, or the connection's. */
static const char *pg_message(PGconn *pg, const PGresult *r)
{
	const char *m = r ? PQresultErrorMessage(r) : NULL;
	if (!m || !*m)
		m = PQerrorMessage(pg);
	return m && *m ? m : "unknown PostgreSQL error";
}

/* name as an SQL identifier, inner quotes doubled. */
static void quote_ident(struct strbuf *sb, const char *name)
{
	sb_puts(sb, "\"");
	for (const char *c = name; *c; c++) {
		if (*c == '"')
			sb_puts(sb, "\"");
		sb_append(sb, c, 1);
	}
	sb_puts(sb, "\"");
}

/* Runs one statement on the target expecting want; the result for the
 * caller (PQclear it), or NULL with a message in err. */
static PGresult *pg_run(PGconn *pg, const char *sql, int nparams, const char *const *params,
			ExecStatusType want, char *err, size_t errlen)
{
	PGresult *r = nparams ? PQexecParams(pg, sql, nparams, NULL, params, NULL, NULL, 0)
			      : PQexec(pg, sql);
	ExecStatusType got = PQresultStatus(r);
	if (got == want)
		return r;
	if (got == PGRES_FATAL_ERROR || got == PGRES_NONFATAL_ERROR || !r)
		fail(err, errlen, "%s", pg_message(pg, r));
	else
		fail(err, errlen, "%s: unexpected %s", sql, PQresStatus(got));
	PQclear(r);
	return NULL;
}

static int pg_command(PGconn *pg, const char *sql, char *err, size_t errlen)
{
	PGresult *r = pg_run(pg, sql, 0, NULL, PGRES_COMMAND_OK, err, errlen);
	PQclear(r);
	return r ? 0 : -1;
}

/* A row count of table on the target: 0 or -1. */
static int pg_count(PGconn *pg, const char *table, int64_t *n, char *err, size_t errlen)
{
	struct strbuf sql;
	sb_init(&sql);
	sb_puts(&sql, "SELECT count(*) FROM ");
	quote_ident(&sql, table);
	PGresult *r = pg_run(pg, sql.data, 0, NULL, PGRES_TUPLES_OK, err, errlen);
	sb_cleanup(&sql);
	if (!r)
		return -1;
	*n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

/* A row count of table on a SQLite database: 0 or -1. */
static int lite_count(struct db *db, const char *table, int64_t *n, char *err, size_t errlen)
{
	struct strbuf sql;
	sb_init(&sql);
	sb_puts(&sql, "SELECT count(*) FROM ");
	quote_ident(&sql, table);
	db_st *st = db_prepare_dynamic(db, sql.data);
	sb_cleanup(&sql);
	int rc = st ? dbs_step(st) : DBS_ERROR;
	if (rc == DBS_ROW)
		*n = dbs_column_int64(st, 0);
	else
		fail(err, errlen, "counting the rows of %s: %s", table, db_errmsg(db));
	db_st_free(st);
	return rc == DBS_ROW ? 0 : -1;
}

static void table_cleanup(struct copy_table *t)
{
	free(t->name);
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i].name);
	free(t->cols);
	free(t->identity);
	for (size_t i = 0; i < t->nrefs; i++)
		free(t->refs[i]);
	free(t->refs);
}

void db_copy_free(struct db_copy *c)
{
	if (!c)
		return;
	if (c->reading)
		db_rollback(c->src);
	for (size_t i = 0; i < c->n; i++)
		table_cleanup(&c->t[i]);
	free(c->t);
	free(c);
}

size_t db_copy_tables(const struct db_copy *c)
{
	return c->n;
}

const char *db_copy_table(const struct db_copy *c, size_t i)
{
	return c->t[i].name;
}

int64_t db_copy_table_rows(const struct db_copy *c, size_t i)
{
	return c->t[i].rows;
}

/* The source's own tables: not SQLite's, not a virtual table (the FTS5
 * people search) and not a virtual table's shadow tables. */
static const char SQL_SOURCE_TABLES[] =
	"SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"
	" AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
static const char SQL_SOURCE_COLUMNS[] = "SELECT name FROM pragma_table_info(?1) ORDER BY cid";

static int source_tables(struct db_copy *c, char *err, size_t errlen)
{
	db_st *st = db_stmt(c->src, SQL_SOURCE_TABLES);
	if (!st)
		return fail(err, errlen, "reading the source's tables: %s", db_errmsg(c->src));
	size_t cap = 0;
	int rc;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		if (c->n == cap) {
			cap = cap ? cap * 2 : 64;
			c->t = xrealloc(c->t, cap * sizeof *c->t);
		}
		memset(&c->t[c->n], 0, sizeof c->t[c->n]);
		c->t[c->n++].name = xstrdup((const char *)dbs_column_text(st, 0));
	}
	dbs_reset(st);
	if (rc != DBS_DONE)
		return fail(err, errlen, "reading the source's tables: %s",
			    db_fail(c->src, "tables") ? db_errmsg(c->src) : "");
	return 0;
}

static const char SQL_TARGET_COLUMNS[] =
	"SELECT column_name, data_type, is_identity FROM information_schema.columns"
	" WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position";

static enum col_kind kind_of(const char *pg_type)
{
	if (!strcmp(pg_type, "bigint") || !strcmp(pg_type, "integer") ||
	    !strcmp(pg_type, "smallint"))
		return COL_INTEGER;
	if (!strcmp(pg_type, "double precision") || !strcmp(pg_type, "real") ||
	    !strcmp(pg_type, "numeric"))
		return COL_FLOAT;
	if (!strcmp(pg_type, "bytea"))
		return COL_BYTES;
	return COL_TEXT;
}

/* Whether the source's table t has a column named name. */
static int source_has_column(struct db *src, const char *table, const char *name, char *err,
			     size_t errlen, size_t *ncols)
{
	db_st *st = db_stmt(src, SQL_SOURCE_COLUMNS);
	if (!st || dbs_bind_text(st, 1, table, -1, DBS_STATIC))
		return fail(err, errlen, "reading the columns of %s: %s", table, db_errmsg(src));
	int found = 0, rc;
	*ncols = 0;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		(*ncols)++;
		if (!strcmp((const char *)dbs_column_text(st, 0), name))
			found = 1;
	}
	dbs_reset(st);
	if (rc != DBS_DONE)
		return fail(err, errlen, "reading the columns of %s: %s", table,
			    db_fail(src, "columns") ? db_errmsg(src) : "");
	return found;
}

/* Reads t's columns on the target and checks the source has the same
 * ones. 0 or -1. */
static int table_columns(struct db_copy *c, struct copy_table *t, char *err, size_t errlen)
{
	const char *params[1] = { t->name };
	PGresult *r = pg_run(c->pg, SQL_TARGET_COLUMNS, 1, params, PGRES_TUPLES_OK, err, errlen);
	if (!r)
		return -1;
	int ret = -1;
	size_t n = (size_t)PQntuples(r), in_source = 0;
	if (n == 0) {
		fail(err, errlen,
		     "the target has no table %s: is it at the source's schema version?", t->name);
		goto out;
	}
	t->cols = xcalloc(n, sizeof *t->cols);
	for (size_t i = 0; i < n; i++, t->ncols++) {
		const char *name = PQgetvalue(r, (int)i, 0);
		t->cols[i].name = xstrdup(name);
		t->cols[i].kind = kind_of(PQgetvalue(r, (int)i, 1));
		if (!strcmp(PQgetvalue(r, (int)i, 2), "YES"))
			t->identity = xstrdup(name);
		int has = source_has_column(c->src, t->name, name, err, errlen, &in_source);
		if (has < 0)
			goto out;
		if (!has) {
			fail(err, errlen, "table %s: the source has no column %s", t->name, name);
			goto out;
		}
	}
	if (in_source != n) {
		fail(err, errlen, "table %s has %zu columns in the source and %zu in the target",
		     t->name, in_source, n);
		goto out;
	}
	ret = 0;
out:
	PQclear(r);
	return ret;
}

static const char SQL_TARGET_REFS[] =
	"SELECT DISTINCT confrelid::regclass::text FROM pg_constraint"
	" WHERE contype = 'f' AND conrelid = $1::regclass AND confrelid <> conrelid";

static int table_refs(struct db_copy *c, struct copy_table *t, char *err, size_t errlen)
{
	struct strbuf name;
	sb_init(&name);
	quote_ident(&name, t->name);
	const char *params[1] = { name.data };
	PGresult *r = pg_run(c->pg, SQL_TARGET_REFS, 1, params, PGRES_TUPLES_OK, err, errlen);
	sb_cleanup(&name);
	if (!r)
		return -1;
	t->nrefs = (size_t)PQntuples(r);
	t->refs = xcalloc(t->nrefs ? t->nrefs : 1, sizeof *t->refs);
	for (size_t i = 0; i < t->nrefs; i++) {
		const char *ref = PQgetvalue(r, (int)i, 0);
		/* regclass names an identifier that needs quoting with quotes. */
		size_t len = strlen(ref);
		t->refs[i] = len > 1 && ref[0] == '"' ? xstrdup(ref + 1) : xstrdup(ref);
		if (len > 1 && ref[0] == '"')
			t->refs[i][len - 2] = '\0';
	}
	PQclear(r);
	return 0;
}

static const char SQL_TARGET_VIEW[] = "SELECT relkind = 'v' FROM pg_class WHERE oid = $1::regclass";

static int table_kind(struct db_copy *c, struct copy_table *t, char *err, size_t errlen)
{
	struct strbuf name;
	sb_init(&name);
	quote_ident(&name, t->name);
	const char *params[1] = { name.data };
	PGresult *r = pg_run(c->pg, SQL_TARGET_VIEW, 1, params, PGRES_TUPLES_OK, err, errlen);
	sb_cleanup(&name);
	if (!r)
		return -1;
	t->view = PQntuples(r) == 1 && !strcmp(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	return 0;
}

/* Moves the rows of each view's temporary table in (NAME_load()), once
 * every table is copied, and drops the temporary table. */
static int load_views(struct db_copy *c, char *err, size_t errlen)
{
	struct strbuf sql;
	sb_init(&sql);
	int ret = 0;
	for (size_t i = 0; i < c->n && ret == 0; i++) {
		if (!c->t[i].view)
			continue;
		char fn[160];
		snprintf(fn, sizeof fn, "%s_load", c->t[i].name);
		sql.len = 0;
		sb_puts(&sql, "SELECT ");
		quote_ident(&sql, fn);
		sb_puts(&sql, "()");
		PGresult *r = pg_run(c->pg, sql.data, 0, NULL, PGRES_TUPLES_OK, err, errlen);
		ret = r ? 0 : -1;
		PQclear(r);
		if (ret == 0) {
			sql.len = 0;
			sb_puts(&sql, "DROP TABLE pg_temp.");
			quote_ident(&sql, c->t[i].name);
			ret = pg_command(c->pg, sql.data, err, errlen);
		}
	}
	sb_cleanup(&sql);
	return ret;
}

static size_t table_index(const struct db_copy *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->t[i].name, name))
			return i;
	return c->n;
}

/* Orders the tables so that each comes after every table it references
 * (ties by name); a cycle of foreign keys is refused. */
static int order_tables(struct db_copy *c, char *err, size_t errlen)
{
	struct copy_table *sorted = xcalloc(c->n ? c->n : 1, sizeof *sorted);
	bool *placed = xcalloc(c->n ? c->n : 1, sizeof *placed);
	size_t done = 0;
	while (done < c->n) {
		size_t pick = c->n;
		for (size_t i = 0; i < c->n && pick == c->n; i++) {
			if (placed[i])
				continue;
			bool ready = true;
			for (size_t k = 0; k < c->t[i].nrefs && ready; k++) {
				size_t ref = table_index(c, c->t[i].refs[k]);
				ready = ref == c->n || placed[ref];
			}
			if (ready)
				pick = i;
		}
		if (pick == c->n) {
			for (size_t i = 0; i < c->n; i++)
				if (!placed[i])
					pick = i;
			free(sorted);
			free(placed);
			return fail(err, errlen,
				    "the target's foreign keys form a cycle through table %s",
				    c->t[pick].name);
		}
		placed[pick] = true;
		sorted[done++] = c->t[pick];
	}
	free(c->t);
	free(placed);
	c->t = sorted;
	return 0;
}

/* The rows a freshly migrated database holds in each table (version
 * counters the migrations start), from a SQLite database migrated in memory
 * by the same migrations: a target holding exactly these is empty. */
static int seeded_rows(struct db_copy *c, char *err, size_t errlen)
{
	char open_err[256];
	struct db *fresh = db_open(":memory:", open_err, sizeof open_err);
	if (!fresh)
		return fail(err, errlen, "%s", open_err);
	int ret = -1;
	if (db_migrate(fresh)) {
		fail(err, errlen, "%s", db_errmsg(fresh));
		goto out;
	}
	for (size_t i = 0; i < c->n; i++)
		if (lite_count(fresh, c->t[i].name, &c->t[i].seeded, err, errlen))
			goto out;
	ret = 0;
out:
	db_close(fresh);
	return ret;
}

/* Refuses a target with rows its migrations did not write. */
static int check_target_empty(struct db_copy *c, char *err, size_t errlen)
{
	if (seeded_rows(c, err, errlen))
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		int64_t n = 0;
		if (pg_count(c->pg, c->t[i].name, &n, err, errlen))
			return -1;
		if (n > c->t[i].seeded)
			return fail(err, errlen,
				    "the target is not empty: table %s holds %lld %s; migrate into "
				    "a new database or schema",
				    c->t[i].name, (long long)(n - c->t[i].seeded),
				    n - c->t[i].seeded == 1 ? "row" : "rows");
		if (n < c->t[i].seeded)
			return fail(err, errlen,
				    "the target is not a freshly migrated database: table %s holds "
				    "%lld rows where its migrations write %lld",
				    c->t[i].name, (long long)n, (long long)c->t[i].seeded);
	}
	return 0;
}

static int check_versions(struct db_copy *c, char *err, size_t errlen)
{
	if (c->src->pg)
		return fail(err, errlen, "the source must be a SQLite database file");
	if (!c->dst->pg)
		return fail(err, errlen, "the target must be a postgresql:// URL");
	int from = db_schema_version(c->src), to = db_schema_version(c->dst);
	if (from < 0)
		return fail(err, errlen, "source: %s", db_errmsg(c->src));
	if (to < 0)
		return fail(err, errlen, "target: %s", db_errmsg(c->dst));
	if (from != to || from != db_schema_version_latest())
		return fail(err, errlen,
			    "schema versions differ: source %d, target %d, this program %d", from,
			    to, db_schema_version_latest());
	return 0;
}

struct db_copy *db_copy_prepare(struct db *src, struct db *dst, char *err, size_t errlen)
{
	struct db_copy *c = xcalloc(1, sizeof *c);
	c->src = src;
	c->dst = dst;
	if (check_versions(c, err, errlen))
		goto fail;
	c->pg = db_pg_conn(dst->pg);
	if (db_begin_read(src)) {
		fail(err, errlen, "source: %s", db_errmsg(src));
		goto fail;
	}
	c->reading = true;
	if (source_tables(c, err, errlen))
		goto fail;
	for (size_t i = 0; i < c->n; i++) {
		struct copy_table *t = &c->t[i];
		if (table_columns(c, t, err, errlen) || table_refs(c, t, err, errlen) ||
		    table_kind(c, t, err, errlen) ||
		    lite_count(src, t->name, &t->rows, err, errlen))
			goto fail;
	}
	if (order_tables(c, err, errlen) || check_target_empty(c, err, errlen))
		goto fail;
	return c;
fail:
	db_copy_free(c);
	return NULL;
}

/* COPY's text format: backslash, newline, carriage return and tab escaped. */
static void copy_text(struct strbuf *sb, const char *s, size_t len)
{
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		const char *esc = s[i] == '\\'   ? "\\\\"
				  : s[i] == '\n' ? "\\n"
				  : s[i] == '\r' ? "\\r"
				  : s[i] == '\t' ? "\\t"
						 : NULL;
		if (!esc)
			continue;
		sb_append(sb, s + run, i - run);
		sb_puts(sb, esc);
		run = i + 1;
	}
	sb_append(sb, s + run, len - run);
}

/* bytea in COPY's text format: \\x and two hex digits a byte. */
static void copy_bytes(struct strbuf *sb, const unsigned char *b, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	sb_puts(sb, "\\\\x");
	for (size_t i = 0; i < len; i++) {
		char pair[2] = { hex[b[i] >> 4], hex[b[i] & 15] };
		sb_append(sb, pair, 2);
	}
}

static void append_int(struct strbuf *sb, long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%lld", v);
	sb_append(sb, buf, (size_t)n);
}

/* 17 significant digits always read back as the same double. */
static void append_double(struct strbuf *sb, double v)
{
	char buf[40];
	int n = snprintf(buf, sizeof buf, "%.17g", v);
	sb_append(sb, buf, (size_t)n);
}

/* Appends column i of the source's row as the target's column takes it. */
static int copy_value(struct strbuf *sb, db_st *st, int i, const struct copy_col *col,
		      const char *table, char *err, size_t errlen)
{
	int type = dbs_column_type(st, i);
	if (type == DBS_NULL) {
		sb_puts(sb, "\\N");
		return 0;
	}
	if (col->kind == COL_INTEGER && type == DBS_FLOAT) {
		double v = dbs_column_double(st, i);
		if (v != floor(v) || fabs(v) > 9.2e18)
			return fail(err, errlen, "table %s, column %s: %.17g is not a whole number",
				    table, col->name, v);
		append_int(sb, (long long)v);
	} else if ((col->kind == COL_INTEGER || col->kind == COL_FLOAT) && type == DBS_INTEGER) {
		append_int(sb, (long long)dbs_column_int64(st, i));
	} else if (col->kind == COL_FLOAT && type == DBS_FLOAT) {
		double v = dbs_column_double(st, i);
		if (isinf(v))
			sb_puts(sb, v > 0 ? "Infinity" : "-Infinity");
		else
			append_double(sb, v);
	} else if (col->kind == COL_BYTES) {
		const void *b = dbs_column_blob(st, i);
		copy_bytes(sb, b, (size_t)dbs_column_bytes(st, i));
	} else if (type == DBS_BLOB && col->kind != COL_TEXT) {
		return fail(err, errlen,
			    "table %s, column %s: a blob where PostgreSQL takes a number", table,
			    col->name);
	} else {
		/* Text, or a number in a text column as SQLite reads it. */
		const char *t = (const char *)dbs_column_text(st, i);
		copy_text(sb, t, (size_t)dbs_column_bytes(st, i));
	}
	return 0;
}

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The column list of t, quoted and separated by commas. */
static void column_list(struct strbuf *sb, const struct copy_table *t)
{
	for (size_t i = 0; i < t->ncols; i++) {
		if (i)
			sb_puts(sb, ", ");
		quote_ident(sb, t->cols[i].name);
	}
}

/* Sends what sb holds as COPY data and empties it. */
static int send_batch(PGconn *pg, struct strbuf *sb, char *err, size_t errlen)
{
	if (!sb->len)
		return 0;
	if (PQputCopyData(pg, sb->data, (int)sb->len) != 1)
		return fail(err, errlen, "%s", pg_message(pg, NULL));
	sb->len = 0;
	sb->data[0] = '\0';
	return 0;
}

struct copy_run {
	struct db_copy *c;
	db_copy_progress_fn *progress;
	void *ctx;
	double last_told;
};

/* Streams the source's rows of t into the open COPY. */
static int stream_rows(struct copy_run *run, struct copy_table *t, db_st *st, char *err,
		       size_t errlen)
{
	struct strbuf batch;
	sb_init(&batch);
	int64_t copied = 0;
	int rc, ret = -1;
	while ((rc = dbs_step(st)) == DBS_ROW) {
		for (size_t i = 0; i < t->ncols; i++) {
			if (i)
				sb_puts(&batch, "\t");
			if (copy_value(&batch, st, (int)i, &t->cols[i], t->name, err, errlen))
				goto out;
		}
		sb_puts(&batch, "\n");
		copied++;
		if (batch.len >= COPY_BATCH && send_batch(run->c->pg, &batch, err, errlen))
			goto out;
		if ((copied & 1023) == 0 && seconds_now() - run->last_told >= PROGRESS_EVERY_S) {
			run->progress(run->ctx, t->name, copied, t->rows, false);
			run->last_told = seconds_now();
		}
	}
	if (rc != DBS_DONE) {
		db_fail(run->c->src, "reading");
		fail(err, errlen, "reading table %s: %s", t->name, db_errmsg(run->c->src));
		goto out;
	}
	if (send_batch(run->c->pg, &batch, err, errlen))
		goto out;
	t->rows = copied;
	ret = 0;
out:
	sb_cleanup(&batch);
	return ret;
}

/* Copies one table: COPY on the target fed from a SELECT of the same
 * columns on the source. */
static int copy_table(struct copy_run *run, struct copy_table *t, char *err, size_t errlen)
{
	struct db_copy *c = run->c;
	struct strbuf sql;
	sb_init(&sql);
	int ret = -1;
	if (t->seeded) {
		sb_puts(&sql, "DELETE FROM ");
		quote_ident(&sql, t->name);
		if (pg_command(c->pg, sql.data, err, errlen))
			goto out;
		sql.len = 0;
	}
	if (t->view) {
		sb_puts(&sql, "CREATE TEMP TABLE ");
		quote_ident(&sql, t->name);
		sb_puts(&sql, " (LIKE ");
		quote_ident(&sql, t->name);
		sb_puts(&sql, ") ON COMMIT DROP");
		if (pg_command(c->pg, sql.data, err, errlen))
			goto out;
		sql.len = 0;
	}
	sb_puts(&sql, "COPY ");
	quote_ident(&sql, t->name);
	sb_puts(&sql, " (");
	column_list(&sql, t);
	sb_puts(&sql, ") FROM STDIN");
	PGresult *r = pg_run(c->pg, sql.data, 0, NULL, PGRES_COPY_IN, err, errlen);
	if (!r)
		goto out;
	PQclear(r);
	sql.len = 0;
	sb_puts(&sql, "SELECT ");
	column_list(&sql, t);
	sb_puts(&sql, " FROM ");
	quote_ident(&sql, t->name);
	db_st *st = db_prepare_dynamic(c->src, sql.data);
	int streamed = st ? stream_rows(run, t, st, err, errlen)
			  : fail(err, errlen, "reading table %s: %s", t->name, db_errmsg(c->src));
	db_st_free(st);
	/* Ends the COPY either way; a failed stream aborts it. */
	if (PQputCopyEnd(c->pg, streamed ? "the source could not be read" : NULL) != 1) {
		fail(err, errlen, "table %s: %s", t->name, pg_message(c->pg, NULL));
		goto out;
	}
	r = PQgetResult(c->pg);
	if (!streamed && PQresultStatus(r) != PGRES_COMMAND_OK)
		fail(err, errlen, "table %s: %s", t->name, pg_message(c->pg, r));
	else if (!streamed)
		ret = 0;
	PQclear(r);
	while ((r = PQgetResult(c->pg)))
		PQclear(r);
	if (ret == 0) {
		run->progress(run->ctx, t->name, t->rows, t->rows, true);
		run->last_told = seconds_now();
	}
out:
	sb_cleanup(&sql);
	return ret;
}

/* Disables (or enables again) the target's own triggers on every table,
 * so the summary tables they keep arrive as the source holds them. The
 * database user owns the tables, which ALTER TABLE needs; foreign keys stay
 * checked. */
static int set_triggers(struct db_copy *c, bool enable, char *err, size_t errlen)
{
	struct strbuf sql;
	sb_init(&sql);
	int ret = 0;
	for (size_t i = 0; i < c->n && ret == 0; i++) {
		if (c->t[i].view)
			continue;
		sql.len = 0;
		sb_puts(&sql, "ALTER TABLE ");
		quote_ident(&sql, c->t[i].name);
		sb_puts(&sql, enable ? " ENABLE TRIGGER USER" : " DISABLE TRIGGER USER");
		ret = pg_command(c->pg, sql.data, err, errlen);
	}
	sb_cleanup(&sql);
	return ret;
}

/* Moves every identity sequence past its table's highest id. */
static int set_sequences(struct db_copy *c, char *err, size_t errlen)
{
	struct strbuf sql;
	sb_init(&sql);
	int ret = 0;
	for (size_t i = 0; i < c->n && ret == 0; i++) {
		const struct copy_table *t = &c->t[i];
		if (!t->identity)
			continue;
		sql.len = 0;
		sb_puts(&sql, "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(max(");
		quote_ident(&sql, t->identity);
		sb_puts(&sql, "), 0) + 1, false) FROM ");
		quote_ident(&sql, t->name);
		const char *params[2] = { t->name, t->identity };
		PGresult *r = pg_run(c->pg, sql.data, 2, params, PGRES_TUPLES_OK, err, errlen);
		ret = r ? 0 : -1;
		PQclear(r);
	}
	sb_cleanup(&sql);
	return ret;
}

/* The tables only the target has are not copied: the people search index
 * (PostgreSQL's counterpart of the FTS5 table) is built again from the
 * copied people, by the function its migration defines. */
static int rebuild_search(struct copy_run *run, char *err, size_t errlen)
{
	static const char index[] = "user_search (rebuilt)";
	run->progress(run->ctx, index, 0, 0, false);
	PGresult *r = pg_run(run->c->pg, "SELECT user_search_rebuild()", 0, NULL, PGRES_TUPLES_OK,
			     err, errlen);
	PQclear(r);
	int64_t n = 0;
	if (!r || pg_count(run->c->pg, "user_search", &n, err, errlen))
		return -1;
	run->progress(run->ctx, index, n, n, true);
	return 0;
}

int db_copy_run(struct db_copy *c, db_copy_progress_fn *progress, void *ctx, char *err,
		size_t errlen)
{
	struct copy_run run = { c, progress, ctx, seconds_now() };
	if (pg_command(c->pg, "BEGIN", err, errlen))
		return -1;
	if (set_triggers(c, false, err, errlen))
		goto fail;
	for (size_t i = 0; i < c->n; i++)
		if (copy_table(&run, &c->t[i], err, errlen))
			goto fail;
	if (load_views(c, err, errlen) || set_triggers(c, true, err, errlen) ||
	    set_sequences(c, err, errlen) || rebuild_search(&run, err, errlen) ||
	    pg_command(c->pg, "COMMIT", err, errlen))
		goto fail;
	db_rollback(c->src);
	c->reading = false;
	return 0;
fail:
	PQclear(PQexec(c->pg, "ROLLBACK"));
	return -1;
}

int db_copy_count_both(struct db_copy *c, size_t i, int64_t *in_src, int64_t *in_dst, char *err,
		       size_t errlen)
{
	if (lite_count(c->src, c->t[i].name, in_src, err, errlen))
		return -1;
	return pg_count(c->pg, c->t[i].name, in_dst, err, errlen);
}

static const char SQL_REPORT_YEARS[] =
	"SELECT min(year), max(year) FROM report_reached_unit WHERE reached > 0";

int db_copy_report_years(struct db *db, int *first, int *last)
{
	db_st *st = db_stmt(db, SQL_REPORT_YEARS);
	if (!st)
		return -1;
	int rc = db_step_row(db, st, "report years");
	*first = rc > 0 ? dbs_column_int(st, 0) : 0;
	*last = rc > 0 ? dbs_column_int(st, 1) : 0;
	dbs_reset(st);
	return rc < 0 ? -1 : 0;
}
