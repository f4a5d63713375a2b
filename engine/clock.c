/* clock.c - injectable clock and time formats. */
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t (*clock_source)(void *ctx);
static void *clock_ctx;

int64_t clock_now_ms(void)
{
	if (clock_source)
		return clock_source(clock_ctx);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_set_source(int64_t (*now_ms)(void *ctx), void *ctx)
{
	clock_source = now_ms;
	clock_ctx = ctx;
}

static char offset_path[512];
static int64_t offset_ms, offset_read_at; /* atomics; offset_read_at: monotonic ms */

static int64_t offset_file_clock(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t mono = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (mono - __atomic_load_n(&offset_read_at, __ATOMIC_RELAXED) >= 50) {
		__atomic_store_n(&offset_read_at, mono, __ATOMIC_RELAXED);
		FILE *f = fopen(offset_path, "r");
		long long v;
		if (f && fscanf(f, "%lld", &v) == 1)
			__atomic_store_n(&offset_ms, (int64_t)v, __ATOMIC_RELAXED);
		if (f)
			fclose(f);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
	       __atomic_load_n(&offset_ms, __ATOMIC_RELAXED);
}

void clock_use_offset_file(const char *path)
{
	snprintf(offset_path, sizeof offset_path, "%s", path);
	__atomic_store_n(&offset_read_at, INT64_MIN / 2, __ATOMIC_RELAXED);
	clock_set_source(offset_file_clock, NULL);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil), so no timezone state is touched. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

void clock_format(int64_t ms, char *buf)
{
	int64_t secs = floor_div(ms, 1000);
	int frac = (int)(ms - secs * 1000);
	int64_t days = floor_div(secs, 86400);
	int64_t rem = secs - days * 86400;
	int y, mo, d;
	civil_from_days(days, &y, &mo, &d);
	int hh = (int)(rem / 3600), mi = (int)(rem % 3600 / 60), ss = (int)(rem % 60);
	if (frac)
		snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, hh, mi, ss,
			 frac);
	else
		snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, hh, mi, ss);
}

static int parse_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int clock_parse(const char *text, int64_t *ms)
{
	const char *p = text;
	int y, mo, d, hh, mi, ss, frac_ms = 0;
	if (!text || parse_digits(&p, 4, &y) || *p++ != '-' || parse_digits(&p, 2, &mo) ||
	    *p++ != '-' || parse_digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
		return -1;
	p++;
	if (parse_digits(&p, 2, &hh) || *p++ != ':' || parse_digits(&p, 2, &mi) || *p++ != ':' ||
	    parse_digits(&p, 2, &ss))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mi > 59 || ss > 60)
		return -1;
	if (*p == '.') {
		p++;
		int scale = 100, digits = 0;
		while (*p >= '0' && *p <= '9') {
			if (digits < 3)
				frac_ms += (*p - '0') * scale;
			scale /= 10;
			digits++;
			p++;
		}
		if (!digits)
			return -1;
	}
	int64_t offset_s = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;
		p++;
		if (parse_digits(&p, 2, &oh) || *p++ != ':' || parse_digits(&p, 2, &om))
			return -1;
		offset_s = sign * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (*p)
		return -1;
	int64_t secs = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss - offset_s;
	*ms = secs * 1000 + frac_ms;
	return 0;
}

int64_t clock_vn_date_ms(int year, int month, int day)
{
	return days_from_civil(year, month, day) * 86400000LL - CLOCK_VN_OFFSET_MS;
}

int64_t clock_vn_year_start_ms(int year)
{
	return clock_vn_date_ms(year, 1, 1);
}

int clock_vn_year(int64_t ms)
{
	int y, m, d;
	civil_from_days(floor_div(ms + CLOCK_VN_OFFSET_MS, 86400000LL), &y, &m, &d);
	return y;
}
