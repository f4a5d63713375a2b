/* contest_names.c - the names a kept board carries (see contest_names.h). */
#include "contest_names.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_contest.h"
#include "util.h"

#define NO_TEXT UINT32_MAX

/* One person (a: the full name, NO_TEXT once erased; b unused) or one unit
 * (a: code, b: name); texts are offsets into the table's pool. */
struct label {
	int64_t id;
	uint32_t a, b;
};

/* Labels sorted by id once the table is made. */
struct labels {
	struct label *v;
	size_t n, cap;
};

struct contest_names {
	atomic_int refs;
	struct labels people, units;
	char *pool;
	size_t len, cap;
};

static uint32_t pool_add(struct contest_names *t, const char *s)
{
	if (!s)
		return NO_TEXT;
	size_t n = strlen(s) + 1;
	if (t->len + n > t->cap) {
		t->cap = (t->len + n) * 2;
		t->pool = xrealloc(t->pool, t->cap);
	}
	memcpy(t->pool + t->len, s, n);
	/* A pool of 4 GiB would need tens of millions of entrants. */
	uint32_t off = (uint32_t)t->len;
	t->len += n;
	return off;
}

static void labels_push(struct labels *l, struct label x)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = x;
}

static int cmp_label(const void *pa, const void *pb)
{
	const struct label *x = pa, *y = pb;
	return x->id < y->id ? -1 : x->id > y->id;
}

static const struct label *labels_find(const struct labels *l, int64_t id)
{
	struct label key = { .id = id };
	return l->n ? bsearch(&key, l->v, l->n, sizeof *l->v, cmp_label) : NULL;
}

/* Where db_contest_*_each hands its rows. */
struct sink {
	struct contest_names *t;
	struct labels *into;
};

static void take_person(void *ctx, int64_t id, const char *full_name, const char *unused)
{
	struct sink *s = ctx;
	(void)unused;
	labels_push(s->into, (struct label){ id, pool_add(s->t, full_name), NO_TEXT });
}

static void take_unit(void *ctx, int64_t id, const char *code, const char *name)
{
	struct sink *s = ctx;
	labels_push(s->into, (struct label){ id, pool_add(s->t, code), pool_add(s->t, name) });
}

/* Sorts l and drops repeated ids (a person or unit read twice). */
static void labels_settle(struct labels *l)
{
	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof *l->v, cmp_label);
	size_t w = 1;
	for (size_t i = 1; i < l->n; i++)
		if (l->v[i].id != l->v[w - 1].id)
			l->v[w++] = l->v[i];
	l->n = w;
}

/* Reads the people and units of lines that t lacks, by id. 0 or -1. */
static int read_missing(struct db *db, struct contest_names *t,
			const struct contest_board_line *lines, size_t n)
{
	struct labels people = { 0 }, units = { 0 };
	struct sink sp = { t, &people }, su = { t, &units };
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		int64_t who = lines[i].participant_id, unit = lines[i].unit_id;
		/* One gone from storage is kept as erased (or a unit without
		 * code), so that it is not looked for again. */
		if (who > 0 && !labels_find(&t->people, who) &&
		    (rc = db_contest_people_each(db, 0, who, take_person, &sp)) == 0)
			take_person(&sp, who, NULL, NULL);
		if (rc >= 0 && unit > 0 && !labels_find(&t->units, unit) &&
		    (rc = db_contest_units_each(db, unit, take_unit, &su)) == 0)
			take_unit(&su, unit, "", "");
	}
	for (size_t i = 0; i < people.n; i++)
		labels_push(&t->people, people.v[i]);
	for (size_t i = 0; i < units.n; i++)
		labels_push(&t->units, units.v[i]);
	free(people.v);
	free(units.v);
	labels_settle(&t->people);
	labels_settle(&t->units);
	return rc < 0 ? -1 : 0;
}

static bool lacks_any(const struct contest_names *t, const struct contest_board_line *lines,
		      size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((lines[i].participant_id > 0 &&
		     !labels_find(&t->people, lines[i].participant_id)) ||
		    (lines[i].unit_id > 0 && !labels_find(&t->units, lines[i].unit_id)))
			return true;
	return false;
}

static struct labels labels_copy(const struct labels *l)
{
	struct labels c = { xmalloc((l->n ? l->n : 1) * sizeof *l->v), l->n, l->n ? l->n : 1 };
	if (l->n)
		memcpy(c.v, l->v, l->n * sizeof *l->v);
	return c;
}

struct contest_names *contest_names_read(struct db *db, int64_t quiz_id, struct contest_names *old,
					 const struct contest_board_line *lines, size_t n)
{
	if (old && !lacks_any(old, lines, n)) {
		atomic_fetch_add(&old->refs, 1);
		return old;
	}
	struct contest_names *t = xcalloc(1, sizeof *t);
	atomic_init(&t->refs, 1);
	if (old) {
		t->people = labels_copy(&old->people);
		t->units = labels_copy(&old->units);
		t->pool = xmalloc(old->len ? old->len : 1);
		if (old->len)
			memcpy(t->pool, old->pool, old->len);
		t->len = t->cap = old->len;
	} else {
		struct sink sp = { t, &t->people }, su = { t, &t->units };
		if (db_contest_people_each(db, quiz_id, 0, take_person, &sp) < 0 ||
		    db_contest_units_each(db, 0, take_unit, &su) < 0) {
			contest_names_release(t);
			return NULL;
		}
		labels_settle(&t->people);
		labels_settle(&t->units);
	}
	/* Attempts completed after the bulk read, or new to old. */
	if (read_missing(db, t, lines, n) < 0) {
		contest_names_release(t);
		return NULL;
	}
	return t;
}

void contest_names_release(struct contest_names *t)
{
	if (!t || atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	free(t->people.v);
	free(t->units.v);
	free(t->pool);
	free(t);
}

const char *contest_names_person(const struct contest_names *t, int64_t participant_id)
{
	const struct label *l = labels_find(&t->people, participant_id);
	return l && l->a != NO_TEXT ? t->pool + l->a : NULL;
}

bool contest_names_unit(const struct contest_names *t, int64_t unit_id, const char **code,
			const char **name)
{
	const struct label *l = labels_find(&t->units, unit_id);
	if (!l)
		return false;
	*code = t->pool + l->a;
	*name = t->pool + l->b;
	return true;
}
