/* health.h - what /healthz and /metrics report about storage: whether the
 * schema is current, and the gauges of live attempts and sessions. */
#ifndef QUIZ_HEALTH_H
#define QUIZ_HEALTH_H

#include "outcome.h"

struct db;
struct strbuf;

/* OUTCOME_OK when the database's schema is the one this build migrates
 * to, else OUTCOME_UNAVAILABLE saying which version it is at. */
enum outcome health_check(struct db *db, struct problem *p);
/* Appends the gauges quiz_active_attempts and quiz_live_sessions (each
 * left out when storage cannot count it) in Prometheus text format. */
void health_gauges_write(struct db *db, struct strbuf *sb);

#endif
