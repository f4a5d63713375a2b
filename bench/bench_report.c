/* bench_report.c - the participation and plan reports on a province of
 * 1,000 units, 300,000 people and 3,000,000 attempts, timed beside the
 * fastest single SQL aggregate over the same attempts in the same run.
 *
 * The province is generated once through the storage layer (db_fixture,
 * the same path through the schema and its triggers as in service) into
 * BUILD/bench-out/report-province.db (about 1.1 GB) and reused by later
 * runs; generating takes 10 to 25 minutes on two cores, since every one of
 * the 3,000,000 attempts goes through the report triggers one by one.
 *
 * usage: bench_report [BUILD_DIR]
 *
 * BENCH_REPORT_SCALE (0 < s <= 1, default 1) keeps the 1,000 units and takes
 * s x 300,000 people with ten attempts each, into a file of its own
 * (report-province-N.db, N people): a quick check of the program, not a figure.
 * BENCH_DB, a postgresql:// URL: the reports run there instead. A database
 * at the latest schema version is taken as the province already copied in
 * (bench/run.sh copies the SQLite file with quizadm migrate); an empty one
 * is migrated and the province generated into it as above. BENCH_FIGURES:
 * a file the medians are appended to, for bench/run.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_fixture.h"
#include "db_report.h"
#include "lib/bench_util.h"
#include "report.h"
#include "rng.h"

#define NUNITS 1000
#define NPEOPLE 300000
#define NATTEMPTS 3000000
#define ATTEMPTS_PER_PERSON (NATTEMPTS / NPEOPLE)
#define YEAR 2026
#define RUNS 7
/* Runs of each report before the timed ones, on the same connection: a
 * server answers reports from connections that have run them before, and
 * PostgreSQL plans a prepared statement afresh at each of its first five
 * runs (then keeps a generic plan), so the first runs time the planner. */
#define WARMUP 6

/* People in this run: NPEOPLE scaled by BENCH_REPORT_SCALE. */
static int npeople = NPEOPLE;

static void die(struct db *db, const char *what)
{
	fprintf(stderr, "bench_report: %s: %s\n", what, db ? db_errmsg(db) : "");
	exit(1);
}

struct kind_plan {
	const char *kind, *level, *audience;
	int per_district; /* units of this kind under each district */
	int weight; /* people per unit, relative */
};

/* 1 province, 10 departments with 9 agencies each, 10 districts each with
 * 10 communes, 40 schools, 25 agencies, 2 finance bodies, 2 telecom/IT
 * enterprises, 1 press body and 1 university: 1 + 100 + 10 + 810 = ... the
 * remainder is made up with schools under the province to reach 1,000. */
static const struct kind_plan district_kinds[] = {
	{ "commune", "", "public", 10, 6 },
	{ "school", "thcs", "pupil", 40, 10 },
	{ "agency", "", "civil_servant", 25, 3 },
	{ "finance_body", "", "finance_staff", 2, 3 },
	{ "enterprise_telecom_it", "", "telecom_it_staff", 2, 3 },
	{ "press", "", "journalist", 1, 1 },
	{ "university", "", "university_student", 1, 20 },
};
#define NKINDS (sizeof district_kinds / sizeof district_kinds[0])

struct gen_unit {
	int64_t id;
	const char *audience;
	int weight;
};

static const char *const audiences[] = {
	"public",           "pupil",      "civil_servant",      "finance_staff",
	"telecom_it_staff", "journalist", "university_student", "agency_head"
};
#define NAUD 8

static void generate(struct db *db)
{
	struct rng_seeded rng;
	rng_seeded_init(&rng, 1907);
	static struct gen_unit units[NUNITS];
	int n = 0;
	bool created;
	char code[32], name[96];
	if (db_begin_write(db))
		die(db, "begin");
	struct db_unit u;
	if (db_unit_upsert(db, "HG", "Tỉnh Hậu Giang", "province", "", 0, &created) ||
	    db_unit_by_code(db, "HG", &u) != 1)
		die(db, "province");
	int64_t root = u.id;
	units[n++] = (struct gen_unit){ root, "public", 0 };
	for (int d = 0; d < 10 && n < NUNITS; d++) {
		snprintf(code, sizeof code, "SO-%02d", d);
		snprintf(name, sizeof name, "Sở ban ngành số %d", d);
		if (db_unit_upsert(db, code, name, "department", "", root, &created) ||
		    db_unit_by_code(db, code, &u) != 1)
			die(db, "department");
		int64_t dep = u.id;
		units[n++] = (struct gen_unit){ dep, "agency_head", 1 };
		for (int a = 0; a < 9; a++) {
			snprintf(code, sizeof code, "SO-%02d-CQ%d", d, a);
			snprintf(name, sizeof name, "Phòng %d, Sở số %d", a, d);
			if (db_unit_upsert(db, code, name, "agency", "", dep, &created) ||
			    db_unit_by_code(db, code, &u) != 1)
				die(db, "agency");
			units[n++] = (struct gen_unit){ u.id, "civil_servant", 3 };
		}
	}
	for (int d = 0; d < 10; d++) {
		snprintf(code, sizeof code, "H-%02d", d);
		snprintf(name, sizeof name, "Huyện số %d", d);
		if (db_unit_upsert(db, code, name, "district", "", root, &created) ||
		    db_unit_by_code(db, code, &u) != 1)
			die(db, "district");
		int64_t dist = u.id;
		units[n++] = (struct gen_unit){ dist, "agency_head", 1 };
		for (size_t k = 0; k < NKINDS; k++) {
			for (int i = 0; i < district_kinds[k].per_district; i++) {
				snprintf(code, sizeof code, "H-%02d-%s-%d", d,
					 district_kinds[k].kind, i);
				snprintf(name, sizeof name, "Đơn vị %s số %d, huyện %d",
					 district_kinds[k].kind, i, d);
				if (db_unit_upsert(db, code, name, district_kinds[k].kind,
						   district_kinds[k].level, dist, &created) ||
				    db_unit_by_code(db, code, &u) != 1)
					die(db, "unit");
				units[n++] = (struct gen_unit){ u.id, district_kinds[k].audience,
								district_kinds[k].weight };
			}
		}
	}
	for (int i = 0; n < NUNITS; i++) {
		snprintf(code, sizeof code, "THPT-%d", i);
		snprintf(name, sizeof name, "Trường THPT số %d", i);
		if (db_unit_upsert(db, code, name, "school", "thpt", root, &created) ||
		    db_unit_by_code(db, code, &u) != 1)
			die(db, "school");
		units[n++] = (struct gen_unit){ u.id, "pupil", 10 };
	}
	/* Banks and quizzes: three quizzes per audience, three questions drawn
	 * per attempt from twelve, some about misinformation or domestic
	 * products. */
	static const char *const topics[] = { "passwords",      "phishing_fraud",
					      "misinformation", "domestic_products",
					      "malware",        "social_networks" };
	int64_t questions[NAUD][12], quizzes[NAUD][3];
	int64_t opens = clock_vn_year_start_ms(YEAR - 1), closes = clock_vn_year_start_ms(YEAR + 1);
	for (int a = 0; a < NAUD; a++) {
		snprintf(code, sizeof code, "bank-%s", audiences[a]);
		int64_t bank = db_fixture_bank(db, code, audiences[a]);
		if (bank < 0)
			die(db, "bank");
		for (int q = 0; q < 12; q++) {
			snprintf(code, sizeof code, "%s-q%d", audiences[a], q);
			questions[a][q] = db_fixture_question(db, bank, code, topics[q % 6]);
			if (questions[a][q] < 0)
				die(db, "question");
		}
		for (int q = 0; q < 3; q++) {
			snprintf(code, sizeof code, "quiz-%s-%d", audiences[a], q);
			snprintf(name, sizeof name, "Kiểm tra %s số %d", audiences[a], q);
			quizzes[a][q] = db_fixture_quiz(db, code, name, q == 0, audiences[a], 0,
							opens, closes);
			if (quizzes[a][q] < 0)
				die(db, "quiz");
		}
	}
	/* People, spread over units by weight. */
	int total_weight = 0;
	for (int i = 0; i < n; i++)
		total_weight += units[i].weight;
	static int64_t person_id[NPEOPLE];
	static int32_t person_unit[NPEOPLE];
	static uint8_t person_aud[NPEOPLE];
	int p = 0;
	for (int i = 0; i < n && p < npeople; i++) {
		int count = (int)((int64_t)npeople * units[i].weight / total_weight);
		if (i == n - 1)
			count = npeople - p;
		int aud = 0;
		while (strcmp(audiences[aud], units[i].audience) != 0)
			aud++;
		for (int k = 0; k < count && p < npeople; k++) {
			snprintf(code, sizeof code, "u%d", p);
			snprintf(name, sizeof name, "Nguyễn Thị Hồng %d", p);
			person_id[p] = db_fixture_person(db, code, name, "participant", units[i].id,
							 units[i].audience);
			if (person_id[p] < 0)
				die(db, "person");
			person_unit[p] = i;
			person_aud[p] = (uint8_t)aud;
			p++;
		}
		/* Half the units declare a headcount a little above their roster. */
		if (i % 2 == 0 && count > 0 &&
		    db_headcount_set(db, units[i].id, YEAR, units[i].audience, count + count / 10,
				     0, 0))
			die(db, "headcount");
	}
	if (db_commit(db))
		die(db, "commit");
	/* Attempts: ten per person (in person order, as people come back to
	 * their quizzes), over YEAR-1 and YEAR. */
	int64_t y0 = clock_vn_year_start_ms(YEAR - 1);
	double t0 = now_s();
	int64_t i = 0;
	for (int who = 0; who < npeople; who++) {
		for (int k = 0; k < ATTEMPTS_PER_PERSON; k++, i++) {
			if (i % 100000 == 0) {
				if (i && db_commit(db))
					die(db, "commit");
				if (db_begin_write(db))
					die(db, "begin");
				if (i % 500000 == 0)
					fprintf(stderr, "  generating: %lld attempts (%.0f s)\n",
						(long long)i, now_s() - t0);
			}
			int a = person_aud[who];
			int quiz = (int)rng_seeded_below(&rng, 3);
			int64_t drawn[3];
			int first = (int)rng_seeded_below(&rng, 12);
			for (int d = 0; d < 3; d++)
				drawn[d] = questions[a][(first + d * (1 + quiz)) % 12];
			int64_t day = (int64_t)rng_seeded_below(&rng, 730); /* YEAR-1 and YEAR */
			int64_t finished =
				y0 + day * 86400000LL + (int64_t)rng_seeded_below(&rng, 86400000);
			uint64_t r = rng_seeded_below(&rng, 20);
			struct db_fixture_attempt at = {
				.quiz_id = quizzes[a][quiz],
				.user_id = person_id[who],
				.unit_id = units[person_unit[who]].id,
				.audience = audiences[a],
				.state = r == 0  ? "in_progress"
					 : r < 4 ? "expired"
						 : "submitted",
				.started_at = finished - 600000,
				.finished_at = finished,
				.score = 7,
				.max_score = 10,
				.passed = rng_seeded_below(&rng, 3) != 0,
				.question_ids = drawn,
				.nquestions = 3,
			};
			if (db_fixture_attempt(db, &at) < 0)
				die(db, "attempt");
		}
	}
	if (db_commit(db))
		die(db, "commit");
	fprintf(stderr, "  generated %d units, %d people, %d attempts in %.0f s\n", n, npeople,
		npeople * ATTEMPTS_PER_PERSON, now_s() - t0);
}

/* The median of RUNS timings of fn, in ms. */
static double median(double *v)
{
	qsort(v, RUNS, sizeof *v, cmp_double);
	return v[RUNS / 2];
}

/* The SQLite province of this scale in dir, generated once and reused
 * while its marker (naming the generator and schema generation it matches)
 * stands beside it. */
static struct db *open_file_province(const char *dir, char *path, size_t pathlen)
{
	char marker[700], err[256];
	if (npeople == NPEOPLE)
		snprintf(path, pathlen, "%s/report-province.db", dir);
	else
		snprintf(path, pathlen, "%s/report-province-%d.db", dir, npeople);
	snprintf(marker, sizeof marker, "%s.v2.complete", path);
	struct stat st;
	bool have = stat(marker, &st) == 0 && stat(path, &st) == 0;
	struct db *db = db_open(path, err, sizeof err);
	if (!db)
		die(NULL, err);
	if (have && db_schema_version(db) == db_schema_version_latest())
		return db;
	db_close(db);
	remove(path);
	remove(marker);
	char side[720];
	snprintf(side, sizeof side, "%s-wal", path);
	remove(side);
	snprintf(side, sizeof side, "%s-shm", path);
	remove(side);
	db = db_open(path, err, sizeof err);
	if (!db || db_migrate(db))
		die(db, "migrate");
	fprintf(stderr, "bench_report: generating the province into %s (once)\n", path);
	generate(db);
	FILE *f = fopen(marker, "w");
	if (f)
		fclose(f);
	return db;
}

/* The province on BENCH_DB: as it is when at the latest schema version
 * (copied there by bench/run.sh), else generated into the empty database. */
static struct db *open_url_province(const char *url)
{
	char err[256];
	struct db *db = db_open(url, err, sizeof err);
	if (!db)
		die(NULL, err);
	int version = db_schema_version(db);
	if (version == db_schema_version_latest())
		return db;
	if (version != 0)
		die(db, "BENCH_DB is neither empty nor at the latest schema version");
	if (db_migrate(db))
		die(db, "migrate");
	fprintf(stderr, "bench_report: generating the province into BENCH_DB\n");
	generate(db);
	return db;
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build";
	char dir[512], path[600];
	struct problem pb;
	const char *scale = getenv("BENCH_REPORT_SCALE");
	if (scale && *scale) {
		double s = atof(scale);
		if (!(s > 0 && s <= 1)) {
			fprintf(stderr, "bench_report: BENCH_REPORT_SCALE must be in (0, 1]\n");
			return 2;
		}
		npeople = (int)(NPEOPLE * s) > 0 ? (int)(NPEOPLE * s) : 1;
	}
	snprintf(dir, sizeof dir, "%s/bench-out", build);
	mkdir(dir, 0755);
	struct db *db;
	if (bench_db()) {
		snprintf(path, sizeof path, "BENCH_DB");
		db = open_url_province(bench_db());
	} else {
		db = open_file_province(dir, path, sizeof path);
	}
	double t_part[RUNS], t_plan[RUNS], t_ref[3][RUNS];
	int64_t ref_result[3] = { 0 };
	size_t rows = 0;
	int64_t province_participants = 0;
	char plan_line[128] = "";
	/* Each measured in its own loop: the GROUP BY reference builds a large
	 * temporary b-tree whose release slows whatever runs next, so it goes
	 * last. */
	for (int run = -WARMUP; run < RUNS; run++) {
		double t = now_s();
		struct report_query q = { .year = YEAR, .unit_code = "HG", .depth = 1 };
		struct report_table table;
		if (report_participation(db, &q, &table, &pb) != OUTCOME_OK) {
			fprintf(stderr, "bench_report: participation: %s\n", pb.message);
			return 1;
		}
		if (run >= 0)
			t_part[run] = (now_s() - t) * 1000;
		rows = table.n;
		province_participants = 0;
		for (size_t i = 0; i < table.n; i++)
			if (table.rows[i].level == 0)
				province_participants += table.rows[i].participants;
		report_table_cleanup(&table);
	}
	for (int run = -WARMUP; run < RUNS; run++) {
		double t = now_s();
		struct report_query q = { .year = YEAR, .unit_code = "HG" };
		struct report_plan *plan = malloc(sizeof *plan);
		if (!plan || report_plan(db, "hau-giang-1907", &q, plan, &pb) != OUTCOME_OK) {
			fprintf(stderr, "bench_report: plan: %s\n", pb.message);
			return 1;
		}
		if (run >= 0)
			t_plan[run] = (now_s() - t) * 1000;
		snprintf(plan_line, sizeof plan_line,
			 "%d targets; schools_risk_programme %lld/%lld", plan->ntargets,
			 (long long)plan->targets[2].numerator,
			 (long long)plan->targets[2].denominator);
		free(plan);
	}
	const int order[3] = { 0, 2, 1 };
	for (int k = 0; k < 3; k++) {
		int w = order[k];
		for (int run = 0; run < RUNS; run++) {
			double t = now_s();
			if (db_report_reference_aggregate(db, w, clock_vn_year_start_ms(YEAR),
							  clock_vn_year_start_ms(YEAR + 1), YEAR,
							  &ref_result[w]))
				die(db, "reference aggregate");
			t_ref[w][run] = (now_s() - t) * 1000;
		}
	}
	double part = median(t_part), plan = median(t_plan);
	double ref[3];
	for (int w = 0; w < 3; w++)
		ref[w] = median(t_ref[w]);
	double fastest = ref[0] < ref[1] ? ref[0] : ref[1];
	printf("province on %s: %d units, %d people, %d attempts (%s)\n", bench_engine(), NUNITS,
	       npeople, npeople * ATTEMPTS_PER_PERSON, path);
	printf("median of %d runs after %d untimed ones (the reports; the SQL aggregates: of %d),"
	       " year %d:\n",
	       RUNS, WARMUP, RUNS, YEAR);
	printf("  SQL count(*) of the year's attempts (index range):    %8.1f ms  (%lld "
	       "attempts)\n",
	       ref[0], (long long)ref_result[0]);
	printf("  SQL count(*) GROUP BY unit_id, audience:               %8.1f ms\n", ref[1]);
	printf("  SQL sum of the year's per-unit participants (report_unit): %5.1f ms  (%lld)\n",
	       ref[2], (long long)ref_result[2]);
	printf("  participation report, whole province, depth 1:        %8.1f ms  (%zu rows, "
	       "%lld people reached)  ratio %.2f to the fastest aggregate over attempts "
	       "(targets: <= 300 ms, <= 2.00)\n",
	       part, rows, (long long)province_participants, part / fastest);
	printf("  plan report hau-giang-1907, whole province:           %8.1f ms  (%s)  ratio %.2f "
	       "(targets: <= 300 ms, <= 2.00)\n",
	       plan, plan_line, plan / fastest);
	bench_figure("participation_ms", part);
	bench_figure("plan_ms", plan);
	bench_figure("aggregate_ms", fastest);
	if (!bench_db())
		bench_figure_text("province_file", path);
	db_close(db);
	return 0;
}
