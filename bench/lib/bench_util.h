/* Small helpers every benchmark program shares: a monotonic clock, a
 * comparison for qsort of doubles, and starting a server on a free port. */
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

#endif
