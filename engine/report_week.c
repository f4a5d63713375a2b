/* report_week.c - participation per week of the year over a unit's
 * subtree: the weekly sums of storage's per-unit week counters
 * (db_report_unit_weeks, kept by triggers), with the people attached to
 * several units in the year counted once, as report.c does for the year's
 * figures. Weeks are Monday-first and numbered inside the
 * Asia/Ho_Chi_Minh year, week 1 holding 1 January, as migration 15 numbers
 * them. */
#include "report.h"
#include "report_priv.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "db_report.h"
#include "org.h"
#include "util.h"

#define DAY_MS (24LL * 3600 * 1000)

/* Week sums and the corrections of people in several units. Indexed by
 * week (1..REPORT_MAX_WEEKS); storage numbers weeks inside that range by
 * construction (migration 15), which the callbacks assert. */
struct week_sums {
	int64_t participants[REPORT_MAX_WEEKS + 1];
	int64_t newcomers[REPORT_MAX_WEEKS + 1];
	int64_t attempts[REPORT_MAX_WEEKS + 1];
	/* the person being read from db_report_multi_weeks */
	bool open;
	char audience[32];
	int64_t user_key, unit_id;
	int first_week; /* the person's first week over their units */
	int rows[REPORT_MAX_WEEKS + 1]; /* the person's units per week */
};

static void on_week(void *ctx, int week, int64_t participants, int64_t newcomers, int64_t attempts)
{
	struct week_sums *s = ctx;
	assert(week >= 1 && week <= REPORT_MAX_WEEKS);
	s->participants[week] += participants;
	s->newcomers[week] += newcomers;
	s->attempts[week] += attempts;
}

/* The sums counted the person once per unit in each week and once as a
 * newcomer per unit; they count once per week and once in all. */
static void flush_person(struct week_sums *s)
{
	for (int w = 1; w <= REPORT_MAX_WEEKS; w++) {
		if (s->rows[w] > 1)
			s->participants[w] -= s->rows[w] - 1;
		s->rows[w] = 0;
	}
	s->newcomers[s->first_week]++;
	s->open = false;
}

static void on_person_week(void *ctx, const char *audience, int64_t user_key, int64_t unit_id,
			   int week)
{
	struct week_sums *s = ctx;
	assert(week >= 1 && week <= REPORT_MAX_WEEKS);
	if (s->open && (user_key != s->user_key || strcmp(audience, s->audience) != 0))
		flush_person(s);
	if (!s->open) {
		util_strlcpy(s->audience, audience, sizeof s->audience);
		s->user_key = user_key;
		s->unit_id = 0;
		s->first_week = week;
		s->open = true;
	}
	/* Rows come in week order within a unit: the first is its newcomer. */
	if (unit_id != s->unit_id) {
		s->unit_id = unit_id;
		s->newcomers[week]--;
		if (week < s->first_week)
			s->first_week = week;
	}
	s->rows[week]++;
}

static void format_day(int64_t epoch_day, char out[11])
{
	time_t t = (time_t)(epoch_day * 86400);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Week numbers and dates of the year into out (figures left at 0). */
static void lay_out_weeks(int year, struct report_weekly *out)
{
	int64_t start = clock_vn_year_start_ms(year), end = clock_vn_year_start_ms(year + 1);
	/* VN midnight shifted by the offset is a UTC midnight: whole days. */
	int64_t day0 = (start + CLOCK_VN_OFFSET_MS) / DAY_MS;
	int ndays = (int)((end - start) / DAY_MS);
	int jan1 = (int)((day0 + 3) % 7); /* 1970-01-01 was a Thursday; Monday 0 */
	out->nweeks = (ndays - 1 + jan1) / 7 + 1;
	assert(out->nweeks <= REPORT_MAX_WEEKS);
	for (int k = 1; k <= out->nweeks; k++) {
		struct report_week *w = &out->weeks[k - 1];
		int first = 7 * (k - 1) - jan1, last = 7 * k - jan1 - 1;
		w->week = k;
		format_day(day0 + (first < 0 ? 0 : first), w->starts_on);
		format_day(day0 + (last > ndays - 1 ? ndays - 1 : last), w->ends_on);
	}
}

/* The subtree's headcount and participants of the year (summed over the
 * audiences, or aud's), as the participation report counts them. */
static void year_totals(struct year_data *d, int u, int aud, struct report_weekly *out)
{
	for (int a = 0; a < d->naud; a++) {
		if (aud >= 0 && a != aud)
			continue;
		out->headcount += d->headcount[report_cell(u, a)];
		out->participants += d->participants[report_cell(u, a)];
	}
}

static enum outcome read_weeks(struct db *db, int year, const char *path, const char *audience,
			       struct week_sums *s, struct problem *p)
{
	if (db_begin_read(db))
		return report_internal(db, p);
	if (db_report_unit_weeks(db, year, path, audience, on_week, s) ||
	    db_report_multi_weeks(db, year, path, audience, on_person_week, s)) {
		report_internal(db, p);
		db_rollback(db);
		return OUTCOME_INTERNAL;
	}
	if (s->open)
		flush_person(s);
	db_commit(db);
	return OUTCOME_OK;
}

enum outcome report_participation_weekly(struct db *db, const struct report_query *q,
					 struct report_weekly *out, struct problem *p)
{
	struct report_query unit_q;
	int year, u;
	char path[512];
	memset(out, 0, sizeof *out);
	enum outcome o = report_check_unit_query(q, &unit_q, &year, p);
	if (o != OUTCOME_OK)
		return o;
	const char *audience = q->audience && *q->audience ? q->audience : NULL;
	if (audience && !org_valid_audience(audience))
		return problem_set(p, OUTCOME_INVALID, "'audience' %s is not a known audience.",
				   audience);
	struct year_data *d = report_year_load(db, year, p);
	if (!d)
		return OUTCOME_INTERNAL;
	o = report_resolve_unit(d, &unit_q, &u, p);
	if (o == OUTCOME_OK) {
		out->year = year;
		if (u != ROOT) {
			util_strlcpy(out->unit_code, d->units[u].code, sizeof out->unit_code);
			util_strlcpy(out->unit_name, d->units[u].name, sizeof out->unit_name);
		}
		if (audience)
			util_strlcpy(out->audience, audience, sizeof out->audience);
		year_totals(d, u, audience ? report_aud_index(d, audience) : -1, out);
		util_strlcpy(path, d->units[u].path, sizeof path);
	}
	report_year_free(d);
	if (o != OUTCOME_OK)
		return o;
	struct week_sums *s = xcalloc(1, sizeof *s);
	o = read_weeks(db, year, path, audience, s, p);
	if (o == OUTCOME_OK) {
		lay_out_weeks(year, out);
		int64_t total = 0;
		for (int k = 1; k <= out->nweeks; k++) {
			struct report_week *w = &out->weeks[k - 1];
			w->participants = s->participants[k];
			w->new_participants = s->newcomers[k];
			w->attempts = s->attempts[k];
			total += w->new_participants;
			w->cumulative_participants = total;
			w->has_percent = out->headcount > 0;
			w->cumulative_percent = report_percent(total, out->headcount);
		}
	}
	free(s);
	return o;
}
