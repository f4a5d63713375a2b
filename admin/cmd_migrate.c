/* cmd_migrate.c - quizadm migrate --from PATH --to URL: a province moved from
 * its SQLite file into an empty PostgreSQL database (db_copy.h), with
 * progress on standard error, then verified: the rows of every table counted
 * on both, and the participation and plan reports, rendered by the same
 * functions the API answers with, byte-equal from both databases. Audited as
 * "quizadm" in the new database. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "audit.h"
#include "cert.h"
#include "cli.h"
#include "clock.h"
#include "db.h"
#include "db_copy.h"
#include "plan.h"
#include "report.h"
#include "report_view.h"
#include "util.h"

#define USAGE "usage: migrate --from PATH.db --to postgresql://..."

/* Both databases, opened and migrated. */
struct move {
	const char *from, *to;
	const char *data_dir; /* where the source's signing keys are (NULL: beside it) */
	struct db *src, *dst;
	struct db_copy *copy;
	json_t *plans; /* the plan codes (strings) */
	int first_year, last_year; /* the years the reports compare */
};

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line of progress: the table, its rows so far and in all, and the
 * seconds since the copy began (ctx: its start). */
static void on_progress(void *ctx, const char *table, int64_t copied, int64_t total, bool done)
{
	fprintf(stderr, "  %-28s %12lld / %lld rows%s  [%.1f s]\n", table, (long long)copied,
		(long long)total, done ? "" : " ...", seconds_now() - *(const double *)ctx);
}

/* Opens and migrates one side; 0, or 1 after a message. */
static int open_side(const char *what, const char *where, struct db **out)
{
	char err[512];
	*out = db_open(where, err, sizeof err);
	if (!*out)
		return cli_fail("%s: %s", what, err);
	if (db_migrate(*out))
		return cli_fail("%s: %s", what, db_errmsg(*out));
	return 0;
}

static bool is_pg_url(const char *s)
{
	return !strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11);
}

/* Checks the arguments before anything is opened (a SQLite path that does
 * not exist would otherwise be created empty). */
static int check_arguments(const struct move *m)
{
	struct stat sb;
	if (!m->from || !m->to)
		return cli_fail(USAGE);
	if (is_pg_url(m->from))
		return cli_fail("--from must be a SQLite database file, not a URL");
	if (stat(m->from, &sb) != 0)
		return cli_fail("cannot open the source %s: %s", m->from, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return cli_fail("the source %s is not a file", m->from);
	if (!is_pg_url(m->to))
		return cli_fail("--to must be a postgresql:// URL (got '%s')", m->to);
	return 0;
}

/* The plan codes of the source (installing the built-in plans when
 * missing, as every plan read does, so both databases hold them). */
static int read_plans(struct move *m)
{
	struct problem p;
	json_t *list = NULL;
	if (plan_list_json(m->src, &list, &p) != OUTCOME_OK)
		return cli_fail("source: %s", p.message);
	m->plans = json_array();
	size_t i;
	json_t *plan;
	json_array_foreach(json_object_get(list, "plans"), i, plan)
		json_array_append(m->plans, json_object_get(plan, "code"));
	json_decref(list);
	return 0;
}

/* The years whose reports are compared: from the first with figures to the
 * last, and this year. */
static int report_years(struct move *m)
{
	int first = 0, last = 0;
	if (db_copy_report_years(m->src, &first, &last))
		return cli_fail("source: %s", db_errmsg(m->src));
	int now = clock_vn_year(clock_now_ms());
	m->first_year = first && first < now ? first : now;
	m->last_year = last > now ? last : now;
	return 0;
}

/* The participation report of every unit at every level for year, or the
 * plan report of plan_code over the province: the JSON the API answers,
 * compact. NULL with p filled. */
static char *report_text(struct db *db, const char *plan_code, int year, struct problem *p)
{
	struct report_query q = { .year = year, .depth = REPORT_MAX_DEPTH };
	json_t *j = NULL;
	if (!plan_code) {
		struct report_output o;
		if (report_participation_output(db, &q, "json", "vi", &o, p) == OUTCOME_OK)
			j = o.json;
	} else {
		struct report_plan *plan = xmalloc(sizeof *plan);
		if (report_plan(db, plan_code, &q, plan, p) == OUTCOME_OK)
			j = report_plan_json(plan);
		free(plan);
	}
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return text;
}

/* One report from both databases: 0 when byte-equal, 1 after a message. */
static int compare_report(struct move *m, const char *plan_code, int year)
{
	struct problem p;
	char name[160];
	snprintf(name, sizeof name, "%s%s report %d", plan_code ? "plan " : "participation",
		 plan_code ? plan_code : "", year);
	char *a = report_text(m->src, plan_code, year, &p);
	if (!a)
		return cli_fail("%s from the source: %s", name, p.message);
	char *b = report_text(m->dst, plan_code, year, &p);
	int rc = 0;
	if (!b)
		rc = cli_fail("%s from the target: %s", name, p.message);
	else if (strcmp(a, b) != 0)
		rc = cli_fail("verification failed: the %s differs between the source (%zu bytes) "
			      "and the target (%zu bytes)",
			      name, strlen(a), strlen(b));
	else
		printf("%-40s equal (%zu bytes of JSON)\n", name, strlen(a));
	free(a);
	free(b);
	return rc;
}

/* Rows of every table counted again on both, printed as a table. */
static int compare_counts(struct move *m, int64_t *rows)
{
	char err[512];
	int rc = 0;
	*rows = 0;
	printf("%-28s %12s %12s\n", "table", "source", "target");
	for (size_t i = 0; i < db_copy_tables(m->copy); i++) {
		const char *table = db_copy_table(m->copy, i);
		int64_t a = 0, b = 0;
		if (db_copy_count_both(m->copy, i, &a, &b, err, sizeof err))
			return cli_fail("%s", err);
		printf("%-28s %12lld %12lld%s\n", table, (long long)a, (long long)b,
		       a == b ? "" : "  DIFFERS");
		if (a != b && !rc)
			rc = cli_fail("verification failed: table %s has %lld rows in the source "
				      "and %lld in the target",
				      table, (long long)a, (long long)b);
		*rows += a;
	}
	return rc;
}

static int verify(struct move *m, int64_t *rows)
{
	if (compare_counts(m, rows))
		return 1;
	for (int year = m->first_year; year <= m->last_year; year++) {
		if (compare_report(m, NULL, year))
			return 1;
		size_t i;
		json_t *code;
		json_array_foreach(m->plans, i, code) if (compare_report(m, json_string_value(code),
									 year)) return 1;
	}
	return 0;
}

/* The audit entry in the new database, in a transaction of its own. */
static int audit_move(struct move *m, int64_t rows, double seconds)
{
	static const struct audit_actor quizadm = { 0, "quizadm" };
	struct problem p;
	json_t *detail = json_pack("{s:s,s:I,s:I,s:f}", "from", m->from, "tables",
				   (json_int_t)db_copy_tables(m->copy), "rows", (json_int_t)rows,
				   "seconds", seconds);
	enum outcome o = OUTCOME_INTERNAL;
	if (db_begin_write(m->dst) == 0) {
		o = audit_record(m->dst, &quizadm, "province.migrate", "database", detail, &p);
		if (o == OUTCOME_OK && db_commit(m->dst))
			o = problem_set(&p, OUTCOME_INTERNAL, "%s", db_errmsg(m->dst));
		db_rollback(m->dst);
	} else {
		problem_set(&p, OUTCOME_INTERNAL, "%s", db_errmsg(m->dst));
	}
	json_decref(detail);
	return o == OUTCOME_OK ? 0 : cli_fail("audit: %s", p.message);
}

/* Opens both sides, copies and verifies; 0 or 1 after a message. */
static int move_province(struct move *m)
{
	char err[512];
	if (open_side("source", m->from, &m->src) || open_side("target", m->to, &m->dst) ||
	    read_plans(m) || report_years(m))
		return 1;
	m->copy = db_copy_prepare(m->src, m->dst, err, sizeof err);
	if (!m->copy)
		return cli_fail("%s", err);
	int64_t total = 0;
	for (size_t i = 0; i < db_copy_tables(m->copy); i++)
		total += db_copy_table_rows(m->copy, i);
	fprintf(stderr, "quizadm: copying %zu tables, %lld rows, from %s\n",
		db_copy_tables(m->copy), (long long)total, m->from);
	double start = seconds_now();
	if (db_copy_run(m->copy, on_progress, &start, err, sizeof err))
		return cli_fail("copy failed, the target is left as it was: %s", err);
	double seconds = seconds_now() - start;
	fprintf(stderr, "quizadm: copied %lld rows in %.2f s (%.0f rows/s)\n", (long long)total,
		seconds, seconds > 0 ? (double)total / seconds : 0.0);
	int64_t rows = 0;
	if (verify(m, &rows) || audit_move(m, rows, seconds))
		return 1;
	char key[1024];
	cert_key_path(m->data_dir, m->from, key, sizeof key);
	printf("migrated %s: %lld rows verified.\nThe signing keys are files, not rows: copy %s "
	       "and login-card.key beside it into the --data-dir of every quizd on PostgreSQL.\n",
	       m->from, (long long)rows, key);
	return 0;
}

int cmd_migrate(struct cli *cli, int argc, char **argv)
{
	struct move m = { 0 };
	m.data_dir = cli->data_dir;
	m.from = cli_opt(argc, argv, "--from", NULL);
	m.to = cli_opt(argc, argv, "--to", NULL);
	int rc = check_arguments(&m);
	if (!rc)
		rc = move_province(&m);
	db_copy_free(m.copy);
	json_decref(m.plans);
	db_close(m.dst);
	db_close(m.src);
	return rc;
}
