/* bench_report_attend.c - the province report with 1,000,000 attendances
 * added, beside the same report without them, in one run (issue 13:
 * target within 1.5x).
 *
 * It uses the province bench_report generates (BUILD/bench-out/
 * report-province.db: 1,000 units, 300,000 people, 3,000,000 attempts),
 * so bench/run.sh runs it after bench_report. The first run copies that
 * database (sqlite's backup) to report-province-attend.db and adds, in one
 * transaction through db_fixture, four trainings per unit and 1,000,000
 * attendances of the units' people, each through the attendance triggers
 * as in service; later runs reuse the copy while it matches. Then the
 * participation report (whole province, depth 1) and the plan report are
 * timed on both databases, medians of 7 runs.
 *
 * usage: bench_report_attend [BUILD_DIR] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "db_fixture.h"
#include "lib/bench_util.h"
#include "report.h"

#define YEAR 2026
#define RUNS 7
#define ATTENDANCES 1000000
#define PER_UNIT 4

static void die(struct db *db, const char *what)
{
	fprintf(stderr, "bench_report_attend: %s: %s\n", what, db ? db_errmsg(db) : "");
	exit(1);
}

static void remove_db(const char *path)
{
	char side[700];
	remove(path);
	snprintf(side, sizeof side, "%s-wal", path);
	remove(side);
	snprintf(side, sizeof side, "%s-shm", path);
	remove(side);
}

/* The copy with its attendances, made once. */
static struct db *attended_copy(struct db *province, const char *path, const char *marker)
{
	char err[256];
	struct stat st;
	if (stat(marker, &st) == 0) {
		struct db *db = db_open(path, err, sizeof err);
		if (db && db_schema_version(db) == db_schema_version_latest())
			return db;
		db_close(db);
	}
	remove(marker);
	remove_db(path);
	fprintf(stderr, "bench_report_attend: copying the province to %s (once)\n", path);
	double t0 = now_s();
	if (db_backup(province, path))
		die(province, "copy");
	struct db *db = db_open(path, err, sizeof err);
	if (!db)
		die(NULL, err);
	double t1 = now_s();
	int64_t starts = clock_vn_year_start_ms(YEAR) + 100LL * 86400000LL;
	int64_t added = 0;
	if (db_begin_write(db) ||
	    db_fixture_unit_trainings(db, PER_UNIT, starts, ATTENDANCES, YEAR, &added) ||
	    db_commit(db))
		die(db, "attendances");
	fprintf(stderr,
		"  copied in %.0f s; %lld attendances of %d trainings per unit added in one "
		"transaction in %.0f s\n",
		t1 - t0, (long long)added, PER_UNIT, now_s() - t1);
	FILE *f = fopen(marker, "w");
	if (f)
		fclose(f);
	return db;
}

struct timing {
	double participation, plan; /* medians, ms */
	int64_t participants, attended, reached;
	char plan_line[160];
};

static void time_reports(struct db *db, struct timing *out)
{
	double part[RUNS], plan[RUNS];
	struct problem pb;
	for (int run = 0; run < RUNS; run++) {
		double t = now_s();
		struct report_query q = { .year = YEAR, .unit_code = "HG", .depth = 1 };
		struct report_table table;
		if (report_participation(db, &q, &table, &pb) != OUTCOME_OK)
			die(NULL, pb.message);
		part[run] = (now_s() - t) * 1000;
		out->participants = out->attended = out->reached = 0;
		for (size_t i = 0; i < table.n; i++) {
			if (table.rows[i].level)
				continue;
			out->participants += table.rows[i].participants;
			out->attended += table.rows[i].attended;
			out->reached += table.rows[i].reached;
		}
		report_table_cleanup(&table);
	}
	for (int run = 0; run < RUNS; run++) {
		double t = now_s();
		struct report_query q = { .year = YEAR, .unit_code = "HG" };
		struct report_plan *p = malloc(sizeof *p);
		if (!p || report_plan(db, "hau-giang-1907", &q, p, &pb) != OUTCOME_OK)
			die(NULL, "plan report");
		plan[run] = (now_s() - t) * 1000;
		/* agencies_run_programme and internet_users_reached */
		snprintf(out->plan_line, sizeof out->plan_line, "%s %lld/%lld, %s %lld/%lld",
			 p->targets[0].target.id, (long long)p->targets[0].numerator,
			 (long long)p->targets[0].denominator, p->targets[4].target.id,
			 (long long)p->targets[4].numerator, (long long)p->targets[4].denominator);
		free(p);
	}
	qsort(part, RUNS, sizeof *part, cmp_double);
	qsort(plan, RUNS, sizeof *plan, cmp_double);
	out->participation = part[RUNS / 2];
	out->plan = plan[RUNS / 2];
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build";
	char path[600], marker[620], copy[620], copy_marker[640], err[256];
	snprintf(path, sizeof path, "%s/bench-out/report-province.db", build);
	snprintf(marker, sizeof marker, "%s.v2.complete", path);
	snprintf(copy, sizeof copy, "%s/bench-out/report-province-attend.db", build);
	snprintf(copy_marker, sizeof copy_marker, "%s.v1.complete", copy);
	struct stat st;
	struct db *province = stat(marker, &st) == 0 ? db_open(path, err, sizeof err) : NULL;
	if (!province || db_schema_version(province) != db_schema_version_latest()) {
		fprintf(stderr,
			"bench_report_attend: no current province in %s: run "
			"bench_report first (bench/run.sh does)\n",
			path);
		return 1;
	}
	/* A copy older than the province it came from is made again. */
	struct stat copy_st;
	if (stat(copy_marker, &copy_st) == 0 && copy_st.st_mtime < st.st_mtime)
		remove(copy_marker);
	struct db *attended = attended_copy(province, copy, copy_marker);
	struct timing without, with;
	time_reports(province, &without);
	time_reports(attended, &with);
	printf("province of bench_report (%s) and its copy with %d attendances added\n", path,
	       ATTENDANCES);
	printf("median of %d runs, year %d:\n", RUNS, YEAR);
	printf("  participation report, whole province, depth 1: %8.1f ms without, %8.1f ms with "
	       "attendances  ratio %.2f (target <= 1.50)\n",
	       without.participation, with.participation,
	       with.participation / without.participation);
	printf("    province row: %lld participants, %lld attended, %lld reached without; %lld "
	       "participants, %lld attended, %lld reached with\n",
	       (long long)without.participants, (long long)without.attended,
	       (long long)without.reached, (long long)with.participants, (long long)with.attended,
	       (long long)with.reached);
	printf("  plan report hau-giang-1907, whole province:    %8.1f ms without, %8.1f ms with "
	       "attendances  ratio %.2f (target <= 1.50)\n",
	       without.plan, with.plan, with.plan / without.plan);
	printf("    without: %s\n    with:    %s\n", without.plan_line, with.plan_line);
	db_close(attended);
	db_close(province);
	return 0;
}
