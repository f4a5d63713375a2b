/* db_pg_column.c - a PostgreSQL result's columns read as SQLite's column
 * calls read theirs (db_pg.h): text results of the current row, booleans
 * as 1 and 0, bytea unescaped from its hex output once per row. */
#include "db_pg.h"
#include "db_pg_priv.h"
#include "db_priv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int db_pg_column_count(const struct db_pg_st *st)
{
	return st->res ? PQnfields(st->res) : 0;
}

/* The column's text in the current row, or NULL for NULL or no row. */
static const char *raw(const struct db_pg_st *st, int col)
{
	if (st->state != ST_ROWS || col < 0 || col >= st->ncols ||
	    PQgetisnull(st->res, st->row, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}

/* The bytea column of the current row, unescaped by libpq into the
 * column's buffer once per row. */
static const struct decoded *bytea(struct db_pg_st *st, int col, const char *text)
{
	struct decoded *d = &st->cols[col];
	if (d->row == st->row)
		return d;
	size_t len = 0;
	unsigned char *v = PQunescapeBytea((const unsigned char *)text, &len);
	db_pg_hold(&d->buf, &d->cap, v, v ? len : 0);
	PQfreemem(v);
	d->len = v ? (int)len : 0;
	d->row = st->row;
	return d;
}

int db_pg_column_type(struct db_pg_st *st, int col)
{
	const char *v = raw(st, col);
	if (!v)
		return DBS_NULL;
	switch (st->cols[col].type) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		return DBS_INTEGER;
	case OID_FLOAT4:
	case OID_FLOAT8:
		return DBS_FLOAT;
	case OID_NUMERIC:
		/* sum() and avg() of BIGINT answer numeric: whole ones read as
		 * SQLite's integer sums. */
		return strpbrk(v, ".eEN") ? DBS_FLOAT : DBS_INTEGER;
	case OID_BYTEA:
		return DBS_BLOB;
	default:
		return DBS_TEXT;
	}
}

/* The server's text of an integer: an optional minus, then digits. Read
 * here rather than by strtoll, which took a tenth of a report's time on
 * this side. */
static int64_t integer(const char *v)
{
	bool minus = *v == '-';
	uint64_t x = 0;
	for (v += minus; *v >= '0' && *v <= '9'; v++)
		x = x * 10 + (uint64_t)(*v - '0');
	return minus ? (int64_t)(0 - x) : (int64_t)x;
}

int64_t db_pg_column_int64(struct db_pg_st *st, int col)
{
	if (st->state != ST_ROWS || col < 0 || col >= st->ncols)
		return 0;
	/* NULL's text is "", which reads as 0 below, as SQLite reads NULL. */
	const char *v = PQgetvalue(st->res, st->row, col);
	Oid t = st->cols[col].type;
	if (t == OID_INT8 || t == OID_INT4 || t == OID_INT2)
		return integer(v);
	if (t == OID_BOOL)
		return v[0] == 't';
	if ((t == OID_FLOAT4 || t == OID_FLOAT8 || t == OID_NUMERIC) && strpbrk(v, ".eEIN"))
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

double db_pg_column_double(struct db_pg_st *st, int col)
{
	const char *v = raw(st, col);
	if (!v)
		return 0.0;
	if (st->cols[col].type == OID_BOOL)
		return v[0] == 't' ? 1.0 : 0.0;
	return strtod(v, NULL);
}

const unsigned char *db_pg_column_text(struct db_pg_st *st, int col)
{
	const char *v = raw(st, col);
	if (!v)
		return NULL;
	Oid t = st->cols[col].type;
	if (t == OID_BOOL)
		return (const unsigned char *)(v[0] == 't' ? "1" : "0");
	if (t == OID_BYTEA)
		return (const unsigned char *)bytea(st, col, v)->buf;
	return (const unsigned char *)v;
}

const void *db_pg_column_blob(struct db_pg_st *st, int col)
{
	return db_pg_column_text(st, col);
}

int db_pg_column_bytes(struct db_pg_st *st, int col)
{
	const char *v = raw(st, col);
	if (!v)
		return 0;
	Oid t = st->cols[col].type;
	if (t == OID_BOOL)
		return 1;
	if (t == OID_BYTEA)
		return bytea(st, col, v)->len;
	return PQgetlength(st->res, st->row, col);
}
