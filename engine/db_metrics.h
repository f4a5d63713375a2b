/* db_metrics.h - the few figures /metrics reads from storage. */
#ifndef QUIZ_DB_METRICS_H
#define QUIZ_DB_METRICS_H

#include <stdint.h>

struct db;

/* Attempts in progress whose deadline has not passed; -1 on error. */
int64_t db_metrics_active_attempts(struct db *db, int64_t now_ms);
/* Live sessions; -1 on error. */
int64_t db_metrics_live_sessions(struct db *db, int64_t now_ms);

#endif
