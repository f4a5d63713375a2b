/* clock.h - the one source of "now" for the engine, injectable by tests,
 * and the time formats of the API (RFC 3339 UTC, the Asia/Ho_Chi_Minh year). */
#ifndef QUIZ_CLOCK_H
#define QUIZ_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Milliseconds since the Unix epoch, from the installed source. */
int64_t clock_now_ms(void);
/* Installs a source of time (NULL restores the real clock). Tests only. */
void clock_set_source(int64_t (*now_ms)(void *ctx), void *ctx);

/* TESTS ONLY (quizd --test-clock-file): the real clock shifted by the
 * number of milliseconds written in the file at path, re-read at most every
 * 50 ms, so an HTTP test can move quizd's time forward while it runs (an
 * absent or unreadable file keeps the last offset). Never in service. */
void clock_use_offset_file(const char *path);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" (or with ".mmmZ" when ms is not whole) into
 * buf (at least 32 bytes). */
void clock_format(int64_t ms, char *buf);
/* Parses an RFC 3339 timestamp (Z or +hh:mm offset, optional fraction).
 * Returns 0 and sets *ms, or -1 when the text is not a timestamp. */
int clock_parse(const char *text, int64_t *ms);

/* Vietnam (Asia/Ho_Chi_Minh) is UTC+7 without daylight saving. */
#define CLOCK_VN_OFFSET_MS (7LL * 3600 * 1000)
/* The instant 1 January 00:00 of year in Asia/Ho_Chi_Minh, in ms UTC. */
int64_t clock_vn_year_start_ms(int year);
/* The year an instant falls in, in Asia/Ho_Chi_Minh time. */
int clock_vn_year(int64_t ms);
/* The instant of a month/day 00:00 in Asia/Ho_Chi_Minh for a year. */
int64_t clock_vn_date_ms(int year, int month, int day);

#endif
