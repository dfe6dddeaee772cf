/*
 * sla_tz.c: Gregorian dates and the Europe/Stockholm zone.
 *
 * The zone is the EU rule: CET (UTC+1), CEST (UTC+2) from 01:00 UTC on the
 * last Sunday of March to 01:00 UTC on the last Sunday of October. The rule
 * is applied to every year. Sweden followed it from 1996; before that (and
 * before 1980, when Sweden had no DST) history differs, but SLA time is
 * present and future, and a fixed rule keeps the library free of tzdata.
 */
#include "sla.h"

#define DAY_SECONDS 86400
#define CET 3600
#define CEST 7200
#define LOCAL_YEAR_MIN 1
#define LOCAL_YEAR_MAX 9999

static int64_t
tz_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/*
 * Counts days in 400-year eras of a year that starts on 1 March, so that
 * the leap day is the last day of its year and month lengths follow a
 * fixed 153-day five-month pattern.
 */
int64_t
sla_date_to_days(int year, int month, int mday)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = tz_floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + mday - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
sla_days_to_date(int64_t days, int *year, int *month, int *mday)
{
	int64_t z = days + 719468;
	int64_t era = tz_floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);

	if (year != NULL)
		*year = (int)(yoe + era * 400 + (m <= 2));
	if (month != NULL)
		*month = m;
	if (mday != NULL)
		*mday = (int)(doy - (153 * mp + 2) / 5 + 1);
}

int
sla_days_to_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday. */
	return (int)(days - 7 * tz_floor_div(days + 3, 7) + 3);
}

int
sla_month_length(int year, int month)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	if (month < 1 || month > 12)
		return 0;
	return len[month - 1] + (month == 2 && leap);
}

static int64_t
tz_last_sunday(int year, int month)
{
	int64_t last = sla_date_to_days(year, month, sla_month_length(year, month));

	return last - (sla_days_to_weekday(last) + 1) % 7;
}

void
sla_tz_transitions(int year, int64_t *spring, int64_t *autumn)
{
	if (spring != NULL)
		*spring = tz_last_sunday(year, 3) * DAY_SECONDS + 3600;
	if (autumn != NULL)
		*autumn = tz_last_sunday(year, 10) * DAY_SECONDS + 3600;
}

int
sla_tz_offset(int64_t t)
{
	int64_t spring, autumn;
	int year;

	sla_days_to_date(tz_floor_div(t, DAY_SECONDS), &year, NULL, NULL);
	sla_tz_transitions(year, &spring, &autumn);
	return (t >= spring && t < autumn) ? CEST : CET;
}

void
sla_utc_to_local(int64_t t, struct sla_local *out)
{
	int off = sla_tz_offset(t);
	int64_t wall = t + off;
	int64_t days = tz_floor_div(wall, DAY_SECONDS);
	int64_t sec = wall - days * DAY_SECONDS;

	sla_days_to_date(days, &out->sl_year, &out->sl_month, &out->sl_mday);
	out->sl_hour = (int)(sec / 3600);
	out->sl_min = (int)(sec / 60 % 60);
	out->sl_sec = (int)(sec % 60);
	out->sl_wday = sla_days_to_weekday(days);
	out->sl_offset = off;
}

/*
 * A wall time can be read with either offset; a reading is real if the
 * zone has that offset at the resulting instant. Two real readings: the
 * repeated hour in October, take the first (CEST). None: the skipped hour
 * in March, read it with the offset before the gap (CET), as RFC 5545 and
 * mktime(tm_isdst = 0) do, so 02:30 becomes 03:30 CEST.
 */
int
sla_local_to_utc(const struct sla_local *in, int64_t *out)
{
	int64_t wall, summer, winter;

	if (in->sl_year < LOCAL_YEAR_MIN || in->sl_year > LOCAL_YEAR_MAX || in->sl_mday < 1 ||
		in->sl_mday > sla_month_length(in->sl_year, in->sl_month) || in->sl_hour < 0 ||
		in->sl_hour > 23 || in->sl_min < 0 || in->sl_min > 59 || in->sl_sec < 0 ||
		in->sl_sec > 59)
		return -1;
	wall = sla_date_to_days(in->sl_year, in->sl_month, in->sl_mday) * DAY_SECONDS +
		in->sl_hour * 3600 + in->sl_min * 60 + in->sl_sec;
	summer = wall - CEST;
	winter = wall - CET;
	if (sla_tz_offset(summer) == CEST)
		*out = summer;
	else
		*out = winter;
	return 0;
}

int64_t
sla_add_local_months(int64_t t, int months)
{
	struct sla_local l;
	int64_t index, out;
	int len;

	sla_utc_to_local(t, &l);
	index = (int64_t)l.sl_year * 12 + (l.sl_month - 1) + months;
	if (index < (int64_t)LOCAL_YEAR_MIN * 12 || index > (int64_t)LOCAL_YEAR_MAX * 12 + 11)
		return SLA_TIME_NEVER;
	l.sl_year = (int)(index / 12);
	l.sl_month = (int)(index % 12) + 1;
	len = sla_month_length(l.sl_year, l.sl_month);
	if (l.sl_mday > len)
		l.sl_mday = len;
	if (sla_local_to_utc(&l, &out) == -1)
		return SLA_TIME_NEVER;
	return out;
}
