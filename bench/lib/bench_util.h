/* Small helpers every benchmark program shares: a monotonic clock, a
 * comparison for qsort of doubles, starting a server on a free port, the
 * database a benchmark runs on and the figures it hands to bench/run.sh. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <sys/types.h>

/* Seconds on the monotonic clock. */
double now_s(void);
/* qsort comparison of two doubles, ascending. */
int cmp_double(const void *a, const void *b);
/* A TCP port on 127.0.0.1 that was free a moment ago, or -1. */
int free_port(void);
/* Starts argv[0] with argv, stdout and stderr to log (or /dev/null when NULL);
 * the child's pid, or -1. */
pid_t spawn(const char *const argv[], const char *log);

/* The database the benchmark runs on instead of its own SQLite file: the
 * environment's BENCH_DB (a postgresql:// URL of an empty database, made by
 * bench/run.sh), or NULL when unset or empty. */
const char *bench_db(void);
/* "PostgreSQL" or "SQLite", for the figures' titles. */
const char *bench_engine(void);
/* Appends the line "KEY VALUE" to the file named by BENCH_FIGURES, if set,
 * so that bench/run.sh can set figures of two runs side by side. */
void bench_figure(const char *key, double value);
/* The same for a word or a path (no spaces are added or removed). */
void bench_figure_text(const char *key, const char *text);

#endif
