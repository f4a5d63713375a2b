/* contest_award.c - standings, publication, results, winners and
 * integrity over the kept boards of contest_board.c (rules in
 * contest_award.h). */
#include "contest_award.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "contest_board.h"
#include "contest_names.h"
#include "contest_view.h"
#include "db.h"
#include "db_award.h"
#include "db_contest.h"
#include "db_quiz.h"
#include "db_report.h"
#include "export.h"
#include "quiz_def.h"
#include "report.h"
#include "util.h"

#define NTIERS 4
static const char *const TIERS[NTIERS] = { "1", "2", "3", "consolation" };

/* The definition's prizes and standings rules. */
struct awards {
	double weight;
	double points[NTIERS];
	int64_t places[NTIERS];
};

static enum outcome internal(struct db *db, struct problem *p)
{
	fprintf(stderr, "contest: %s\n", db_errmsg(db));
	return problem_set(p, OUTCOME_INTERNAL, "The contest could not be read.");
}

static void awards_of(const struct db_quiz *q, struct awards *a)
{
	memset(a, 0, sizeof *a);
	a->weight = 1;
	json_t *def = json_loads(q->definition ? q->definition : "{}", 0, NULL);
	json_t *st = json_object_get(def, "standings");
	json_t *w = json_object_get(st, "participation_weight");
	if (json_is_number(w))
		a->weight = json_number_value(w);
	json_t *pp = json_object_get(st, "prize_points");
	json_t *pr = json_object_get(def, "prizes");
	for (int i = 0; i < NTIERS; i++) {
		json_t *v = json_object_get(pp, TIERS[i]);
		if (json_is_number(v))
			a->points[i] = json_number_value(v);
		v = json_object_get(pr, TIERS[i]);
		if (json_is_integer(v))
			a->places[i] = json_integer_value(v);
	}
	json_decref(def);
}

/* The prize tier of a rank (index into TIERS), or -1. */
static int tier_of(const struct awards *a, int64_t rank)
{
	int64_t upto = 0;
	for (int i = 0; i < NTIERS; i++) {
		upto += a->places[i];
		if (rank <= upto)
			return i;
	}
	return -1;
}

/* Loads contest id into q: OUTCOME_NOT_FOUND when it is no contest. */
static enum outcome load_contest(struct db *db, int64_t id, struct db_quiz *q, struct problem *p)
{
	memset(q, 0, sizeof *q);
	int rc = db_quiz_get(db, id, q);
	if (rc < 0)
		return internal(db, p);
	if (rc == 0 || strcmp(q->kind, "contest") != 0 || q->practice) {
		db_quiz_cleanup(q);
		return problem_set(p, OUTCOME_NOT_FOUND, "No contest with id %lld.", (long long)id);
	}
	return OUTCOME_OK;
}

/* The board of q (round NULL: all rounds) as the caller may see it. */
static enum outcome board_of(struct db *db, const struct db_quiz *q, const char *round, bool admin,
			     struct contest_board **board, bool *frozen, struct problem *p)
{
	if (round && *round) {
		bool known = !q->nrounds && !strcmp(round, "main");
		for (size_t i = 0; i < q->nrounds; i++)
			known = known || !strcmp(q->rounds[i].code, round);
		if (!known)
			return problem_set(p, OUTCOME_INVALID,
					   "Query 'round': the contest has no round '%.64s'.",
					   round);
	}
	*frozen = q->freeze_at && clock_now_ms() >= q->freeze_at && !admin;
	struct contest_board_key key = {
		.quiz_id = q->id,
		.round = round && *round ? round : NULL,
		.use_prediction = q->prediction_question && q->prediction_question[0],
		.has_cutoff = *frozen,
		.cutoff_ms = q->freeze_at,
	};
	*board = contest_board_get(db, &key);
	return *board ? OUTCOME_OK : internal(db, p);
}

static double round1(double v)
{
	return round(v * 10) / 10;
}

/* ---- standings ----------------------------------------------------------- */

struct standing {
	char code[DB_CODE_MAX];
	char name[DB_NAME_MAX];
	int64_t headcount, entrants;
	double score_sum, points, percent;
	int64_t prizes[NTIERS];
	int64_t rank;
};

/* A unit id of some row's subtree, and that row. */
struct unit_row {
	int64_t unit_id;
	size_t row;
};

static int cmp_unit_row(const void *a, const void *b)
{
	int64_t x = ((const struct unit_row *)a)->unit_id,
		y = ((const struct unit_row *)b)->unit_id;
	return x < y ? -1 : x > y;
}

static int cmp_standing(const void *a, const void *b)
{
	const struct standing *x = a, *y = b;
	if (x->points != y->points)
		return x->points > y->points ? -1 : 1;
	return strcmp(x->code, y->code);
}

static int cmp_standing_code(const void *a, const void *b)
{
	return strcmp(((const struct standing *)a)->code, ((const struct standing *)b)->code);
}

/* The rows at depth below the root (summing the contest's audiences'
 * headcounts): a new array in *rows. */
static enum outcome standing_rows(struct db *db, const struct db_quiz *q, const char *unit_code,
				  int depth, struct standing **rows, size_t *n, struct problem *p)
{
	size_t cap = 0;
	*rows = NULL;
	*n = 0;
	for (size_t a = 0; a < q->naudiences; a++) {
		struct report_query rq = { clock_vn_year(q->closes_at), unit_code, NULL,
					   q->audiences[a], depth };
		struct report_table t;
		enum outcome o = report_participation(db, &rq, &t, p);
		if (o == OUTCOME_NOT_FOUND)
			o = problem_set(p, OUTCOME_INVALID,
					"Query 'unit': no unit with code '%.64s'.",
					unit_code ? unit_code : "");
		if (o != OUTCOME_OK)
			return o;
		for (size_t i = 0; i < t.n; i++) {
			if (t.rows[i].level != depth)
				continue;
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				*rows = xrealloc(*rows, cap * sizeof **rows);
			}
			struct standing *s = &(*rows)[(*n)++];
			memset(s, 0, sizeof *s);
			util_strlcpy(s->code, t.rows[i].unit_code, DB_CODE_MAX);
			util_strlcpy(s->name, t.rows[i].unit_name, DB_NAME_MAX);
			s->headcount = t.rows[i].headcount;
		}
		report_table_cleanup(&t);
	}
	/* One row per unit: its audiences' headcounts summed. */
	if (*n)
		qsort(*rows, *n, sizeof **rows, cmp_standing_code);
	size_t w = 0;
	for (size_t r = 0; r < *n; r++) {
		if (w && strcmp((*rows)[w - 1].code, (*rows)[r].code) == 0)
			(*rows)[w - 1].headcount += (*rows)[r].headcount;
		else
			(*rows)[w++] = (*rows)[r];
	}
	*n = w;
	return OUTCOME_OK;
}

/* Units in tree order, each given the row of the nearest of itself and its
 * ancestors that is a row (-1 for none), indexed by unit id. */
struct row_code {
	const char *code;
	size_t row;
};
struct unit_walk {
	const struct row_code *by_code; /* sorted by code */
	size_t nrows;
	int64_t *row_of; /* by unit id; -1 for none */
	size_t cap;
};

static int cmp_row_code(const void *a, const void *b)
{
	return strcmp(((const struct row_code *)a)->code, ((const struct row_code *)b)->code);
}

static void walk_unit(void *ctx, const struct db_unit *u)
{
	struct unit_walk *w = ctx;
	if (u->id < 0)
		return;
	if ((size_t)u->id >= w->cap) {
		size_t cap = w->cap ? w->cap : 256;
		while (cap <= (size_t)u->id)
			cap *= 2;
		w->row_of = xrealloc(w->row_of, cap * sizeof *w->row_of);
		for (size_t i = w->cap; i < cap; i++)
			w->row_of[i] = -1;
		w->cap = cap;
	}
	struct row_code key = { u->code, 0 };
	const struct row_code *r =
		w->nrows ? bsearch(&key, w->by_code, w->nrows, sizeof key, cmp_row_code) : NULL;
	/* Parents come first, so a parent's row is known. */
	bool parent_known = u->parent_id > 0 && (size_t)u->parent_id < w->cap;
	w->row_of[u->id] = r ? (int64_t)r->row : parent_known ? w->row_of[u->parent_id] : -1;
}

/* Which row each unit belongs to, sorted by unit id: one walk down the
 * unit tree (db_report_units), whatever the number of rows. */
static int unit_rows(struct db *db, const struct standing *rows, size_t n, struct unit_row **out,
		     size_t *nout)
{
	*out = NULL;
	*nout = 0;
	struct row_code *by_code = xcalloc(n ? n : 1, sizeof *by_code);
	for (size_t i = 0; i < n; i++)
		by_code[i] = (struct row_code){ rows[i].code, i };
	if (n)
		qsort(by_code, n, sizeof *by_code, cmp_row_code);
	struct unit_walk w = { by_code, n, NULL, 0 };
	int rc = db_report_units(db, walk_unit, &w);
	if (rc == 0) {
		*out = xcalloc(w.cap ? w.cap : 1, sizeof **out);
		for (size_t id = 0; id < w.cap; id++)
			if (w.row_of[id] >= 0)
				(*out)[(*nout)++] =
					(struct unit_row){ (int64_t)id, (size_t)w.row_of[id] };
	}
	free(w.row_of);
	free(by_code);
	return rc;
}

/* The row a unit's entrants count in, or NULL. */
static struct standing *row_of(struct standing *rows, const struct unit_row *map, size_t nmap,
			       int64_t unit_id)
{
	struct unit_row key = { unit_id, 0 };
	const struct unit_row *m =
		nmap ? bsearch(&key, map, nmap, sizeof *map, cmp_unit_row) : NULL;
	return m ? &rows[m->row] : NULL;
}

/* Adds the board's entrants to their rows, then points and ranks: the
 * board's sums per unit (contest_board_units) and its prized lines, the
 * first of the board, so a read costs the units and the prizes, not the
 * entrants. */
static void standing_tally(struct standing *rows, size_t n, const struct unit_row *map, size_t nmap,
			   const struct contest_board *board, const struct awards *aw)
{
	size_t nunits = 0, nlines = 0;
	const struct contest_board_unit *units = contest_board_units(board, &nunits);
	const struct contest_board_line *lines = contest_board_lines(board, &nlines);
	for (size_t i = 0; i < nunits; i++) {
		struct standing *s = row_of(rows, map, nmap, units[i].unit_id);
		if (s) {
			s->entrants += units[i].entrants;
			s->score_sum += units[i].score_sum;
		}
	}
	/* Lines are in rank order: the prized ones come first. */
	for (size_t i = 0; i < nlines; i++) {
		int t = tier_of(aw, lines[i].rank);
		if (t < 0)
			break;
		struct standing *s =
			lines[i].unit_id ? row_of(rows, map, nmap, lines[i].unit_id) : NULL;
		if (s) {
			s->prizes[t]++;
			s->points += aw->points[t];
		}
	}
	for (size_t r = 0; r < n; r++) {
		rows[r].percent = rows[r].headcount ? round1(100.0 * (double)rows[r].entrants /
							     (double)rows[r].headcount)
						    : 0;
		rows[r].points = round(1e6 * (rows[r].points + aw->weight * rows[r].percent)) / 1e6;
	}
	if (n)
		qsort(rows, n, sizeof *rows, cmp_standing);
	for (size_t r = 0; r < n; r++)
		rows[r].rank = r && rows[r].points == rows[r - 1].points ? rows[r - 1].rank
									 : (int64_t)r + 1;
}

static json_t *tiers_json(const double *points, const int64_t *counts)
{
	json_t *o = json_object();
	for (int i = 0; i < NTIERS; i++)
		json_object_set_new(o, TIERS[i],
				    points ? json_real(points[i]) : json_integer(counts[i]));
	return o;
}

static json_t *standings_json(const struct standing *rows, size_t n, bool frozen,
			      const struct awards *aw)
{
	json_t *list = json_array();
	for (size_t r = 0; r < n; r++) {
		const struct standing *s = &rows[r];
		json_array_append_new(
			list,
			json_pack("{s:I,s:s,s:s,s:I,s:I,s:f,s:f,s:o,s:f}", "rank",
				  (json_int_t)s->rank, "unit_code", s->code, "unit_name", s->name,
				  "entrants", (json_int_t)s->entrants, "headcount",
				  (json_int_t)s->headcount, "participation_percent", s->percent,
				  "mean_score",
				  s->entrants
					  ? round(100 * s->score_sum / (double)s->entrants) / 100
					  : 0.0,
				  "prizes", tiers_json(NULL, s->prizes), "points", s->points));
	}
	return json_pack("{s:o,s:b,s:{s:f,s:o}}", "units", list, "frozen", frozen, "formula",
			 "participation_weight", aw->weight, "prize_points",
			 tiers_json(aw->points, NULL));
}

/* The rows of one standings query (units at the depth, with their
 * headcounts) and the row each unit counts in: derived from the year's
 * participation report, tens of milliseconds for thousands of units, so
 * kept per process while db_report_headcount_version is what it was when
 * they were read (SKELETON_SLOTS, least recently used goes first).
 * Immutable and reference-counted; a request tallies a copy of the rows. */
#define SKELETON_SLOTS 8
struct skeleton {
	atomic_int refs;
	int year, depth;
	char unit_code[DB_CODE_MAX];
	char *audiences; /* the contest's, comma-separated */
	int64_t version;
	uint64_t last_used;
	struct standing *rows;
	size_t n;
	struct unit_row *map;
	size_t nmap;
};
static pthread_mutex_t skeleton_lock = PTHREAD_MUTEX_INITIALIZER;
static struct skeleton *skeletons[SKELETON_SLOTS];
static uint64_t skeleton_clock;

static void skeleton_release(struct skeleton *s)
{
	if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
		free(s->rows);
		free(s->map);
		free(s->audiences);
		free(s);
	}
}

static struct skeleton *skeleton_new(const struct db_quiz *q, const char *unit_code, int depth,
				     int64_t version)
{
	struct skeleton *s = xcalloc(1, sizeof *s);
	atomic_init(&s->refs, 1);
	s->year = clock_vn_year(q->closes_at);
	s->depth = depth;
	util_strlcpy(s->unit_code, unit_code ? unit_code : "", sizeof s->unit_code);
	size_t len = 1;
	for (size_t a = 0; a < q->naudiences; a++)
		len += strlen(q->audiences[a]) + 1;
	s->audiences = xcalloc(len, 1);
	for (size_t a = 0; a < q->naudiences; a++) {
		if (a)
			strcat(s->audiences, ",");
		strcat(s->audiences, q->audiences[a]);
	}
	s->version = version;
	return s;
}

static bool skeleton_same(const struct skeleton *x, const struct skeleton *y)
{
	return x->year == y->year && x->depth == y->depth &&
	       strcmp(x->unit_code, y->unit_code) == 0 && strcmp(x->audiences, y->audiences) == 0;
}

/* Keeps s (lock held) in place of an older one of its query or of the least
 * recently used; returns the one it pushed out, for release outside the
 * lock. */
static struct skeleton *skeleton_keep(struct skeleton *s)
{
	size_t slot = 0;
	for (size_t i = 0; i < SKELETON_SLOTS; i++) {
		if (skeletons[i] && skeleton_same(skeletons[i], s)) {
			if (skeletons[i]->version > s->version)
				return NULL; /* a fresher one is kept already */
			slot = i;
			break;
		}
		if (!skeletons[i] ||
		    (skeletons[slot] && skeletons[i]->last_used < skeletons[slot]->last_used))
			slot = i;
	}
	struct skeleton *out = skeletons[slot];
	s->last_used = ++skeleton_clock;
	atomic_fetch_add(&s->refs, 1);
	skeletons[slot] = s;
	return out;
}

/* The rows of the standings of q at depth below unit_code (NULL: every
 * root): kept, or read now. A new reference in *out. */
static enum outcome skeleton_get(struct db *db, const struct db_quiz *q, const char *unit_code,
				 int depth, struct skeleton **out, struct problem *p)
{
	int64_t version = 0;
	*out = NULL;
	if (db_report_headcount_version(db, &version))
		return internal(db, p);
	struct skeleton *s = skeleton_new(q, unit_code, depth, version);
	pthread_mutex_lock(&skeleton_lock);
	for (size_t i = 0; i < SKELETON_SLOTS && !*out; i++) {
		struct skeleton *k = skeletons[i];
		if (k && skeleton_same(k, s) && k->version == version) {
			k->last_used = ++skeleton_clock;
			atomic_fetch_add(&k->refs, 1);
			*out = k;
		}
	}
	pthread_mutex_unlock(&skeleton_lock);
	if (*out) {
		skeleton_release(s);
		return OUTCOME_OK;
	}
	enum outcome o = standing_rows(db, q, unit_code, depth, &s->rows, &s->n, p);
	if (o == OUTCOME_OK && unit_rows(db, s->rows, s->n, &s->map, &s->nmap))
		o = internal(db, p);
	if (o != OUTCOME_OK) {
		skeleton_release(s);
		return o;
	}
	pthread_mutex_lock(&skeleton_lock);
	struct skeleton *evicted = skeleton_keep(s);
	pthread_mutex_unlock(&skeleton_lock);
	skeleton_release(evicted);
	*out = s;
	return OUTCOME_OK;
}

enum outcome contest_standings_view(struct db *db, int64_t quiz_id, const char *round,
				    const char *unit_code, int depth, bool admin, json_t **out,
				    struct problem *p)
{
	struct db_quiz q;
	struct contest_board *board = NULL;
	struct skeleton *sk = NULL;
	struct standing *rows = NULL;
	bool frozen = false;
	*out = NULL;
	if (depth < 1 || depth > 10)
		return problem_set(p, OUTCOME_INVALID, "Query 'depth' must be from 1 to 10.");
	enum outcome o = load_contest(db, quiz_id, &q, p);
	if (o != OUTCOME_OK)
		return o;
	if (!unit_code || !*unit_code)
		unit_code = q.unit_scope_id ? q.unit_scope_code : NULL;
	struct awards aw;
	awards_of(&q, &aw);
	if ((o = board_of(db, &q, round, admin, &board, &frozen, p)) ||
	    (o = skeleton_get(db, &q, unit_code, depth, &sk, p)))
		goto out;
	rows = xcalloc(sk->n ? sk->n : 1, sizeof *rows);
	memcpy(rows, sk->rows, sk->n * sizeof *rows);
	standing_tally(rows, sk->n, sk->map, sk->nmap, board, &aw);
	*out = standings_json(rows, sk->n, frozen, &aw);
out:
	free(rows);
	skeleton_release(sk);
	contest_board_release(board);
	db_quiz_cleanup(&q);
	return o;
}

/* ---- publication and results ---------------------------------------------- */

enum outcome contest_publish(struct db *db, int64_t quiz_id, const struct audit_actor *actor,
			     json_t **out, struct problem *p)
{
	struct db_quiz q;
	enum outcome o = load_contest(db, quiz_id, &q, p);
	if (o != OUTCOME_OK)
		return o;
	int64_t now = clock_now_ms(), at = 0;
	if (now < q.closes_at) {
		db_quiz_cleanup(&q);
		return problem_set(p, OUTCOME_QUIZ_NOT_CLOSED,
				   "Cuộc thi chưa kết thúc; chỉ công bố kết quả sau khi đóng. "
				   "(The contest has not closed yet.)");
	}
	char target[64];
	snprintf(target, sizeof target, "quiz:%lld", (long long)quiz_id);
	if (db_begin_write(db)) {
		db_quiz_cleanup(&q);
		return internal(db, p);
	}
	if (db_quiz_publish(db, quiz_id, now, &at) != 1) {
		o = internal(db, p);
	} else {
		json_t *detail = json_pack("{s:s}", "code", q.code);
		o = audit_record(db, actor, "contest.publish", target, detail, p);
		json_decref(detail);
	}
	if (o == OUTCOME_OK && db_commit(db))
		o = internal(db, p);
	if (o != OUTCOME_OK)
		db_rollback(db);
	else
		*out = json_pack("{s:o}", "published_at", quiz_time_json(at));
	db_quiz_cleanup(&q);
	return o;
}

/* The name and unit name of a line, as public views show them (borrowed
 * from the board's names). */
static void public_person(const struct contest_names *names, const struct contest_board_line *l,
			  const char **name, const char **unit_name)
{
	const char *code = "";
	*name = contest_names_person(names, l->participant_id);
	if (!*name)
		*name = CONTEST_ERASED_NAME;
	*unit_name = "";
	if (l->unit_id)
		contest_names_unit(names, l->unit_id, &code, unit_name);
}

enum outcome contest_results_view(struct db *db, int64_t quiz_id, bool admin, json_t **out,
				  struct problem *p)
{
	struct db_quiz q;
	struct contest_board *board = NULL;
	bool frozen;
	int64_t published = 0;
	*out = NULL;
	enum outcome o = load_contest(db, quiz_id, &q, p);
	if (o != OUTCOME_OK)
		return o;
	if (db_quiz_published_at(db, quiz_id, &published) < 0) {
		o = internal(db, p);
		goto out;
	}
	if (!published) {
		o = problem_set(p, OUTCOME_NOT_FOUND, "The results are not published yet.");
		goto out;
	}
	struct awards aw;
	awards_of(&q, &aw);
	if ((o = board_of(db, &q, NULL, admin, &board, &frozen, p)))
		goto out;
	size_t n = 0;
	const struct contest_board_line *lines = contest_board_lines(board, &n);
	json_t *entries = json_array(), *prizes = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *name, *unit_name;
		public_person(contest_board_names(board), &lines[i], &name, &unit_name);
		json_array_append_new(entries,
				      json_pack("{s:I,s:s,s:s,s:f}", "rank",
						(json_int_t)lines[i].rank, "full_name", name,
						"unit_name", unit_name, "score", lines[i].score));
		int t = tier_of(&aw, lines[i].rank);
		if (t >= 0)
			json_array_append_new(prizes, json_pack("{s:I,s:s,s:s,s:s}", "rank",
								(json_int_t)lines[i].rank,
								"full_name", name, "unit_name",
								unit_name, "prize", TIERS[t]));
	}
	*out = json_pack("{s:o,s:o}", "entries", entries, "prizes", prizes);
out:
	contest_board_release(board);
	db_quiz_cleanup(&q);
	return o;
}

/* ---- winners ------------------------------------------------------------- */

static json_t *winner_json(const struct contest_board_line *l, const struct db_award_person *w,
			   const struct awards *aw)
{
	int t = tier_of(aw, l->rank);
	return json_pack("{s:I,s:o,s:o,s:s,s:s,s:s,s:o,s:o,s:f,s:I,s:o,s:o}", "rank",
			 (json_int_t)l->rank, "user_id",
			 w->user_id ? json_integer(w->user_id) : json_null(), "username",
			 w->user_id ? json_string(w->username) : json_null(), "full_name",
			 w->user_id ? w->full_name : CONTEST_ERASED_NAME, "unit_code", w->unit_code,
			 "unit_name", w->unit_name, "birth_year",
			 w->birth_year ? json_integer(w->birth_year) : json_null(), "phone",
			 w->phone[0] ? json_string(w->phone) : json_null(), "score", l->score,
			 "duration_ms", (json_int_t)l->duration_ms, "prediction",
			 l->has_prediction ? json_integer(l->prediction) : json_null(), "prize",
			 t >= 0 ? json_string(TIERS[t]) : json_null());
}

enum outcome contest_winners_view(struct db *db, int64_t quiz_id, const char *round, long long top,
				  json_t **out, struct problem *p)
{
	struct db_quiz q;
	struct contest_board *board = NULL;
	bool frozen;
	*out = NULL;
	if (top < 0 || top > CONTEST_WINNERS_TOP_MAX)
		return problem_set(p, OUTCOME_INVALID, "Query 'top' must be from 1 to %d.",
				   CONTEST_WINNERS_TOP_MAX);
	enum outcome o = load_contest(db, quiz_id, &q, p);
	if (o != OUTCOME_OK)
		return o;
	struct awards aw;
	awards_of(&q, &aw);
	if (!top) {
		for (int i = 0; i < NTIERS; i++)
			top += aw.places[i];
		if (top < 10)
			top = 10;
	}
	if ((o = board_of(db, &q, round, true, &board, &frozen, p)))
		goto out;
	size_t n = 0;
	const struct contest_board_line *lines = contest_board_lines(board, &n);
	json_t *list = json_array();
	for (size_t i = 0; i < n && (long long)i < top; i++) {
		struct db_award_person w;
		if (db_award_person(db, lines[i].attempt_id, &w) < 0) {
			json_decref(list);
			o = internal(db, p);
			goto out;
		}
		json_array_append_new(list, winner_json(&lines[i], &w, &aw));
	}
	*out = json_pack("{s:o}", "winners", list);
out:
	contest_board_release(board);
	db_quiz_cleanup(&q);
	return o;
}

static const char *const WINNER_KEYS[] = { "rank",      "user_id",     "username",   "full_name",
					   "unit_code", "unit_name",   "birth_year", "phone",
					   "score",     "duration_ms", "prediction", "prize" };
static const char *const WINNER_HEADERS[] = {
	"Hạng",     "Mã người dự thi", "Tên đăng nhập", "Họ và tên",      "Mã đơn vị", "Đơn vị",
	"Năm sinh", "Điện thoại",      "Điểm",          "Thời gian (ms)", "Dự đoán",   "Giải",
};

enum outcome contest_winners_file(json_t *winners, const char *format, char **data, size_t *len,
				  struct problem *p)
{
	return export_json_rows_file(json_object_get(winners, "winners"), WINNER_KEYS,
				     WINNER_HEADERS, sizeof WINNER_KEYS / sizeof *WINNER_KEYS,
				     "Danh sách đoạt giải", format, data, len, p);
}

/* ---- integrity ----------------------------------------------------------- */

static void add_flag(json_t *flags, const char *kind, json_t *user_ids, const char *detail)
{
	json_array_append_new(flags, json_pack("{s:s,s:o,s:s}", "kind", kind, "user_ids", user_ids,
					       "detail", detail));
}

static json_t *ids_json(const char *csv)
{
	json_t *a = json_array();
	for (const char *s = csv; s && *s;) {
		json_array_append_new(a, json_integer(strtoll(s, NULL, 10)));
		s = strchr(s, ',');
		s = s ? s + 1 : NULL;
	}
	return a;
}

static void shared_flags(json_t *flags, const char *kind, const char *what,
			 const struct db_award_share *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char detail[256];
		snprintf(detail, sizeof detail, "%s %s", what, s[i].value);
		add_flag(flags, kind, ids_json(s[i].user_ids), detail);
	}
}

/* The shortest time reading an attempt's questions takes. */
static int64_t reading_ms(const struct db_award_attempt *a)
{
	int64_t by_chars = a->chars * 1000 / CONTEST_READ_CHARS_PER_S;
	int64_t by_count = (int64_t)a->question_count * CONTEST_READ_MIN_MS;
	return by_chars > by_count ? by_chars : by_count;
}

static int cmp_answers(const void *a, const void *b)
{
	const struct db_award_attempt *x = a, *y = b;
	int c = strcmp(x->answers, y->answers);
	return c ? c : (x->user_id < y->user_id ? -1 : x->user_id > y->user_id);
}

static void attempt_flags(json_t *flags, struct db_award_attempt *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int64_t need = reading_ms(&a[i]);
		if (a[i].duration_ms >= need)
			continue;
		char detail[256];
		snprintf(detail, sizeof detail,
			 "attempt %lld took %lld ms; reading its %d questions takes at least %lld "
			 "ms",
			 (long long)a[i].attempt_id, (long long)a[i].duration_ms,
			 a[i].question_count, (long long)need);
		add_flag(flags, "too_fast", json_pack("[I]", (json_int_t)a[i].user_id), detail);
	}
	if (n)
		qsort(a, n, sizeof *a, cmp_answers);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && !strcmp(a[j].answers, a[i].answers))
			j++;
		json_t *ids = json_array();
		for (size_t k = i; k < j; k++)
			if (k == i || a[k].user_id != a[k - 1].user_id)
				json_array_append_new(ids, json_integer(a[k].user_id));
		if (json_array_size(ids) > 1 && a[i].wrong_count >= CONTEST_SAME_MIN_WRONG) {
			char detail[256];
			snprintf(detail, sizeof detail,
				 "identical answers to the same %d questions, %d of them wrong",
				 a[i].question_count, a[i].wrong_count);
			add_flag(flags, "same_answers", ids, detail);
		} else {
			json_decref(ids);
		}
		i = j;
	}
}

enum outcome contest_integrity_view(struct db *db, int64_t quiz_id, json_t **out, struct problem *p)
{
	struct db_quiz q;
	struct db_award_share *phones = NULL, *addrs = NULL;
	struct db_award_attempt *atts = NULL;
	size_t nphones = 0, naddrs = 0, natts = 0;
	*out = NULL;
	enum outcome o = load_contest(db, quiz_id, &q, p);
	if (o != OUTCOME_OK)
		return o;
	if (db_award_shared_phones(db, quiz_id, &phones, &nphones) ||
	    db_award_shared_addresses(db, quiz_id, &addrs, &naddrs) ||
	    db_award_attempts(db, quiz_id, &atts, &natts)) {
		o = internal(db, p);
	} else {
		json_t *flags = json_array();
		shared_flags(flags, "shared_phone", "phone", phones, nphones);
		shared_flags(flags, "shared_address", "client address", addrs, naddrs);
		attempt_flags(flags, atts, natts);
		*out = json_pack("{s:o}", "flags", flags);
	}
	db_award_shares_free(phones, nphones);
	db_award_shares_free(addrs, naddrs);
	db_award_attempts_free(atts, natts);
	db_quiz_cleanup(&q);
	return o;
}
