/*
 * sla_tz_glibc.c: dates and the Europe/Stockholm zone, by hand and against
 * glibc's tzdata for every hour around each DST switch 1996-2037.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "sla.h"
#include "tap.h"

#define ZONEINFO "/usr/share/zoneinfo/Europe/Stockholm"

static int64_t
local_utc(int y, int mo, int d, int h, int mi)
{
	struct sla_local l = {y, mo, d, h, mi, 0, 0, 0};
	int64_t t;

	if (sla_local_to_utc(&l, &t) == -1)
		return -1;
	return t;
}

static void
test_dates(void)
{
	int y, m, d;

	TAP_IS_INT(sla_date_to_days(1970, 1, 1), 0, "epoch is day 0");
	TAP_IS_INT(sla_date_to_days(2026, 4, 2), 20545, "2026-04-02 is day 20545");
	TAP_IS_INT(sla_date_to_days(1900, 1, 1), -25567, "1900-01-01 is day -25567");
	TAP_IS_INT(sla_date_to_days(2200, 12, 31), 84370, "2200-12-31 is day 84370");
	TAP_IS_INT(sla_days_to_weekday(20545), 3, "2026-04-02 is a Thursday");
	TAP_IS_INT(sla_days_to_weekday(-25567), 0, "1900-01-01 was a Monday");
	sla_days_to_date(sla_date_to_days(2000, 2, 29), &y, &m, &d);
	tap_ok(y == 2000 && m == 2 && d == 29, "2000-02-29 round-trips");
	TAP_IS_INT(sla_month_length(1900, 2), 28, "1900 is no leap year");
	TAP_IS_INT(sla_month_length(2000, 2), 29, "2000 is a leap year");
	TAP_IS_INT(sla_month_length(2026, 13), 0, "month 13 has no days");
}

static void
test_switches(void)
{
	int64_t spring, autumn;
	struct sla_local l;

	sla_tz_transitions(2026, &spring, &autumn);
	TAP_IS_INT(spring, 1774746000, "2026 spring switch 2026-03-29 01:00 UTC");
	TAP_IS_INT(autumn, 1792890000, "2026 autumn switch 2026-10-25 01:00 UTC");
	TAP_IS_INT(sla_tz_offset(spring - 1), 3600, "CET just before the spring switch");
	TAP_IS_INT(sla_tz_offset(spring), 7200, "CEST from the spring switch");
	TAP_IS_INT(sla_tz_offset(autumn - 1), 7200, "CEST just before the autumn switch");
	TAP_IS_INT(sla_tz_offset(autumn), 3600, "CET from the autumn switch");
	sla_utc_to_local(spring, &l);
	tap_ok(l.sl_hour == 3 && l.sl_min == 0 && l.sl_wday == 6, "01:00 UTC is 03:00 Sunday");
	/* 02:30 does not exist on 2026-03-29: read as CET, 01:30 UTC = 03:30 CEST. */
	TAP_IS_INT(local_utc(2026, 3, 29, 2, 30), spring + 1800, "skipped 02:30 is 01:30 UTC");
	/* 02:30 happens twice on 2026-10-25: the first, 00:30 UTC, is taken. */
	TAP_IS_INT(
		local_utc(2026, 10, 25, 2, 30), autumn - 1800, "repeated 02:30 is 00:30 UTC");
	TAP_IS_INT(
		local_utc(2026, 10, 25, 3, 0), autumn + 3600, "03:00 after the repeat is CET");
	TAP_IS_INT(local_utc(2026, 2, 30, 12, 0), -1, "2026-02-30 is refused");
	/* 31 Jan 10:00 + 1 month is 28 Feb 10:00; in 2024 it is 29 Feb. */
	TAP_IS_INT(sla_add_local_months(local_utc(2026, 1, 31, 10, 0), 1),
		local_utc(2026, 2, 28, 10, 0), "31 Jan 2026 + 1 month = 28 Feb");
	TAP_IS_INT(sla_add_local_months(local_utc(2024, 1, 31, 10, 0), 1),
		local_utc(2024, 2, 29, 10, 0), "31 Jan 2024 + 1 month = 29 Feb");
	/* Across the spring switch a month of wall time is an hour short. */
	TAP_IS_INT(sla_add_local_months(local_utc(2026, 3, 5, 12, 0), 1) -
			local_utc(2026, 3, 5, 12, 0),
		31 * 86400 - 3600, "5 Mar 12:00 + 1 month = 5 Apr 12:00 CEST");
	TAP_IS_INT(sla_add_local_months(local_utc(2026, 12, 15, 8, 0), 1),
		local_utc(2027, 1, 15, 8, 0), "December + 1 month is next January");
}

/* 1 if our reading of t agrees with glibc's, else prints both. */
static int
same_as_glibc(int64_t t)
{
	struct sla_local l;
	struct tm tm;
	time_t tt = (time_t)t;

	sla_utc_to_local(t, &l);
	localtime_r(&tt, &tm);
	if (l.sl_year == tm.tm_year + 1900 && l.sl_month == tm.tm_mon + 1 &&
		l.sl_mday == tm.tm_mday && l.sl_hour == tm.tm_hour && l.sl_min == tm.tm_min &&
		l.sl_sec == tm.tm_sec && l.sl_offset == tm.tm_gmtoff &&
		l.sl_wday == (tm.tm_wday + 6) % 7)
		return 1;
	tap_diag("t=%lld: ours %04d-%02d-%02d %02d:%02d off %d, glibc %04d-%02d-%02d %02d:%02d "
		 "off %ld",
		(long long)t, l.sl_year, l.sl_month, l.sl_mday, l.sl_hour, l.sl_min,
		l.sl_offset, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_gmtoff);
	return 0;
}

/* Wall time back to UTC: t itself, or the earlier pass of a repeated time. */
static int
round_trip_ok(int64_t t)
{
	struct sla_local l;
	struct tm tm;
	time_t first;
	int64_t back;

	sla_utc_to_local(t, &l);
	if (sla_local_to_utc(&l, &back) == -1)
		return 0;
	if (back == t)
		return 1;
	/* Only the second pass of October's 02:xx may come back an hour early. */
	first = (time_t)(t - 3600);
	localtime_r(&first, &tm);
	return back == t - 3600 && tm.tm_hour == l.sl_hour && tm.tm_min == l.sl_min &&
		tm.tm_mday == l.sl_mday;
}

/* The skipped hour read as CET must match mktime with tm_isdst = 0. */
static int
gap_ok(int year, int64_t spring)
{
	struct tm tm;
	int64_t ours;
	int min;

	for (min = 0; min < 60; min += 15) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = year - 1900;
		tm.tm_mon = 2;
		sla_days_to_date(spring / 86400, NULL, NULL, &tm.tm_mday);
		tm.tm_hour = 2;
		tm.tm_min = min;
		tm.tm_isdst = 0;
		ours = local_utc(year, 3, tm.tm_mday, 2, min);
		if (ours != (int64_t)mktime(&tm)) {
			tap_diag("%d-03-%02d 02:%02d: ours %lld", year, tm.tm_mday, min,
				(long long)ours);
			return 0;
		}
	}
	return 1;
}

static void
test_glibc(void)
{
	int64_t sw[2], t;
	int year, k, bad = 0, checked = 0;

	if (access(ZONEINFO, R_OK) != 0) {
		tap_ok(1, "# SKIP %s is absent", ZONEINFO);
		return;
	}
	setenv("TZ", "Europe/Stockholm", 1);
	tzset();
	for (year = 1996; year <= 2037; year++) {
		sla_tz_transitions(year, &sw[0], &sw[1]);
		for (k = 0; k < 2; k++) {
			/* Every quarter hour from two days before to two days after. */
			for (t = sw[k] - 48 * 3600; t <= sw[k] + 48 * 3600; t += 900) {
				checked++;
				if (!same_as_glibc(t) || !round_trip_ok(t))
					bad++;
			}
		}
		if (!gap_ok(year, sw[0]))
			bad++;
	}
	tap_ok(bad == 0, "%d instants around 84 DST switches 1996-2037 agree with glibc",
		checked);
	/* Also every six hours of the whole span, away from the switches. */
	bad = 0;
	for (t = local_utc(1996, 1, 1, 0, 0); t < local_utc(2038, 1, 1, 0, 0);
		t += 6 * 3600 + 60)
		if (!same_as_glibc(t))
			bad++;
	tap_ok(bad == 0, "1996-2037 every ~6 h agrees with glibc");
}

int
main(void)
{
	test_dates();
	test_switches();
	test_glibc();
	return tap_done();
}
