/* db_report_plan.c - the reads of a plan report's units targets: every
 * target's per-unit counts, and the rows of the people who moved, for all
 * of a plan's units targets at once (db_report.h: db_report_plan_*). The
 * summary tables they read are migration 3's and 19's (db_report.c,
 * db_reach.c). */
#include "db_report.h"

#include "db_priv.h"

/* A plan's units targets, PLAN_SLOTS at a time (one statement where there
 * was one per target and figure): slot k binds its audience to ?(2+3k), its
 * topic (NULL: any) to ?(3+3k) and 1 when activities count to ?(4+3k); an
 * unused slot binds NULL and matches nothing. */
#define PLAN_SLOTS 8
#define PLAN_SLOTS_CTE                                                                             \
	"WITH s (k, audience, topic, activities) AS (VALUES (0, ?2, ?3, ?4), (1, ?5, ?6, ?7),"     \
	" (2, ?8, ?9, ?10), (3, ?11, ?12, ?13), (4, ?14, ?15, ?16), (5, ?17, ?18, ?19),"           \
	" (6, ?20, ?21, ?22), (7, ?23, ?24, ?25)) "
/* Per slot: the participants per unit and quiz (covering the topic, when
 * the slot names one), then the attendees per unit and activity (about the
 * topic) when activities count, those rows marked 1. CROSS JOIN keeps the
 * slots as the outer loop on SQLite. */
static const char SQL_PLAN_COUNTS[] = PLAN_SLOTS_CTE
	"SELECT s.k, r.unit_id, r.quiz_id, 0, r.participants FROM s CROSS JOIN report_unit_quiz r"
	" WHERE s.topic IS NULL AND r.year = ?1 AND r.audience = s.audience AND r.participants > 0"
	" UNION ALL SELECT s.k, r.unit_id, r.quiz_id, 0, r.participants"
	" FROM s CROSS JOIN report_unit_topic r WHERE r.year = ?1 AND r.topic = s.topic"
	" AND r.audience = s.audience AND r.participants > 0"
	" UNION ALL SELECT s.k, r.unit_id, r.activity_id, 1, r.attended"
	" FROM s CROSS JOIN report_unit_activity r WHERE s.activities = 1 AND r.year = ?1"
	" AND r.audience = s.audience AND r.attended > 0 AND (s.topic IS NULL OR r.activity_id IN"
	" (SELECT activity_id FROM activity_topics WHERE topic = s.topic))";
/* Per slot, the multi-unit people's rows per quiz (covering the topic),
 * ordered by slot, person and quiz; report_multi (a handful of rows) as the
 * loop around the person rows, as in SQL_MULTI_PERSON. */
static const char SQL_PLAN_MULTI[] = PLAN_SLOTS_CTE
	"SELECT s.k, r.audience, r.user_key, r.unit_id, r.quiz_id, r.attempts, r.passed_attempts"
	" FROM s CROSS JOIN report_multi m CROSS JOIN report_reach r WHERE s.topic IS NULL"
	" AND m.year = ?1 AND m.audience = s.audience AND r.year = m.year"
	" AND r.audience = m.audience AND r.user_key = m.user_key"
	" UNION ALL SELECT s.k, r.audience, r.user_key, r.unit_id, r.quiz_id, r.attempts, 0"
	" FROM s CROSS JOIN report_multi m CROSS JOIN report_reach_topic r WHERE m.year = ?1"
	" AND m.audience = s.audience AND r.year = m.year AND r.topic = s.topic"
	" AND r.audience = m.audience AND r.user_key = m.user_key ORDER BY 1, 3, 5";

/* A chunk of slots being read: the caller's callback and context, and the
 * index of the chunk's first slot. */
struct plan_chunk {
	db_row_fn fn;
	void *ctx;
	int first;
};

static void plan_count_row(db_st *st, db_row_fn fn, void *ctx)
{
	(void)fn;
	const struct plan_chunk *c = ctx;
	((db_plan_count_fn *)c->fn)(c->ctx, c->first + dbs_column_int(st, 0),
				    dbs_column_int64(st, 1), dbs_column_int64(st, 2),
				    dbs_column_int(st, 3) != 0, dbs_column_int64(st, 4));
}

static void plan_multi_row(db_st *st, db_row_fn fn, void *ctx)
{
	(void)fn;
	const struct plan_chunk *c = ctx;
	struct db_reach r = {
		.audience = db_col_text(st, 1),
		.user_key = dbs_column_int64(st, 2),
		.unit_id = dbs_column_int64(st, 3),
		.quiz_id = dbs_column_int64(st, 4),
		.attempts = dbs_column_int64(st, 5),
		.passed_attempts = dbs_column_int64(st, 6),
	};
	((db_plan_reach_fn *)c->fn)(c->ctx, c->first + dbs_column_int(st, 0), &r);
}

/* Binds year and the chunk of slots from first. */
static void bind_slots(db_st *st, int year, const struct db_plan_slot *slots, int nslots, int first)
{
	dbs_bind_int(st, 1, year);
	for (int k = 0; k < PLAN_SLOTS; k++) {
		const struct db_plan_slot *s = first + k < nslots ? &slots[first + k] : NULL;
		if (s)
			dbs_bind_text(st, 2 + 3 * k, s->audience, -1, DBS_STATIC);
		else
			dbs_bind_null(st, 2 + 3 * k);
		if (s && s->topic)
			dbs_bind_text(st, 3 + 3 * k, s->topic, -1, DBS_STATIC);
		else
			dbs_bind_null(st, 3 + 3 * k);
		dbs_bind_int(st, 4 + 3 * k, s && s->activities);
	}
}

/* Both statements per chunk of PLAN_SLOTS slots, fetched together (one
 * round trip on PostgreSQL). */
int db_report_plan(struct db *db, int year, const struct db_plan_slot *slots, int nslots,
		   db_plan_count_fn *count, db_plan_reach_fn *multi, void *ctx)
{
	for (int first = 0; first < nslots && (count || multi); first += PLAN_SLOTS) {
		/* st[0] the counts, st[1] the movers' rows; those asked for go
		 * in sent. */
		const bool want[2] = { count != NULL, multi != NULL };
		const char *const sql[2] = { SQL_PLAN_COUNTS, SQL_PLAN_MULTI };
		db_st *st[2] = { NULL, NULL }, *sent[2];
		int nst = 0;
		for (int i = 0; i < 2; i++) {
			if (!want[i])
				continue;
			if (!(st[i] = db_stmt(db, sql[i])))
				return -1;
			bind_slots(st[i], year, slots, nslots, first);
			sent[nst++] = st[i];
		}
		struct plan_chunk counts = { (db_row_fn)count, ctx, first };
		struct plan_chunk movers = { (db_row_fn)multi, ctx, first };
		const char *what = "read a plan's figures";
		bool failed =
			db_prefetch(db, sent, nst, what) ||
			(count && db_each_row(db, st[0], plan_count_row, NULL, &counts, what)) ||
			(multi && db_each_row(db, st[1], plan_multi_row, NULL, &movers, what));
		for (int i = 0; i < nst; i++)
			dbs_reset(sent[i]); /* rows a failure left unread */
		if (failed)
			return -1;
	}
	return 0;
}

db_st *db_report_plan_counts_bound(struct db *db, int year, const struct db_plan_slot *slots,
				   int nslots)
{
	db_st *st = nslots <= PLAN_SLOTS ? db_stmt(db, SQL_PLAN_COUNTS) : NULL;
	if (st)
		bind_slots(st, year, slots, nslots, 0);
	return st;
}

int db_report_plan_counts_rows(struct db *db, db_st *st, db_plan_count_fn *count, void *ctx)
{
	struct plan_chunk counts = { (db_row_fn)count, ctx, 0 };
	return db_each_row(db, st, plan_count_row, NULL, &counts, "read a plan's figures");
}
