/*
 * sla_spec.c: the plain description a calendar is built from: the
 * defaults the desk ships with and the checks that keep a bad spec from
 * ever becoming a calendar.
 */
#include <stdio.h>
#include <string.h>

#include "sla.h"

#define MINUTES_PER_DAY 1440

static const char *const spec_weekdays[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

static void
spec_set_hours(struct sla_hours *h, int start, int end)
{
	memset(h, 0, sizeof(*h));
	h->sh_count = 1;
	h->sh_iv[0].si_start = start;
	h->sh_iv[0].si_end = end;
}

void
sla_spec_init_dalsland(struct sla_calendar_spec *spec)
{
	int wday;

	memset(spec, 0, sizeof(*spec));
	/* Lunch is staffed, so one interval a day. */
	for (wday = 0; wday < 4; wday++)
		spec_set_hours(&spec->cs_week[wday], 7 * 60 + 30, 16 * 60 + 30);
	spec_set_hours(&spec->cs_week[4], 7 * 60 + 30, 16 * 60);
	spec_set_hours(&spec->cs_shortened, 7 * 60 + 30, 12 * 60);
	spec->cs_holidays = 1;
	spec->cs_defacto_closed = 1;
}

void
sla_spec_init_24x7(struct sla_calendar_spec *spec)
{
	int wday;

	memset(spec, 0, sizeof(*spec));
	for (wday = 0; wday < 7; wday++)
		spec_set_hours(&spec->cs_week[wday], 0, MINUTES_PER_DAY);
	spec->cs_holidays = 0;
	spec->cs_defacto_closed = 0;
}

/* Writes "HH:MM", or the raw number when it is no time of day. */
static const char *
spec_fmt_minute(char *buf, size_t len, int minute)
{
	if (minute < 0 || minute > MINUTES_PER_DAY)
		snprintf(buf, len, "minute %d", minute);
	else
		snprintf(buf, len, "%02d:%02d", minute / 60, minute % 60);
	return buf;
}

static int
spec_check_hours(const struct sla_hours *h, const char *what, char *err, size_t errlen)
{
	const struct sla_interval *iv;
	char a[24], b[24];
	int i;

	if (h->sh_count < 0 || h->sh_count > SLA_INTERVALS_MAX) {
		snprintf(err, errlen, "%s: %d intervals, must be 0..%d", what, h->sh_count,
			SLA_INTERVALS_MAX);
		return -1;
	}
	for (i = 0; i < h->sh_count; i++) {
		iv = &h->sh_iv[i];
		if (iv->si_start < 0 || iv->si_start > MINUTES_PER_DAY || iv->si_end < 0 ||
			iv->si_end > MINUTES_PER_DAY) {
			snprintf(err, errlen,
				"%s interval %d: %d-%d out of range 0..%d minutes", what, i + 1,
				iv->si_start, iv->si_end, MINUTES_PER_DAY);
			return -1;
		}
		if (iv->si_end <= iv->si_start) {
			snprintf(err, errlen, "%s interval %d: end %s is not after start %s",
				what, i + 1, spec_fmt_minute(a, sizeof(a), iv->si_end),
				spec_fmt_minute(b, sizeof(b), iv->si_start));
			return -1;
		}
		if (i > 0 && iv->si_start < h->sh_iv[i - 1].si_end) {
			snprintf(err, errlen,
				"%s interval %d: starts %s before interval %d ends %s "
				"(overlapping or unsorted)",
				what, i + 1, spec_fmt_minute(a, sizeof(a), iv->si_start), i,
				spec_fmt_minute(b, sizeof(b), h->sh_iv[i - 1].si_end));
			return -1;
		}
	}
	return 0;
}

static int
spec_check_exception(const struct sla_exception *x, size_t idx, char *err, size_t errlen)
{
	char what[64];

	if (x->sx_year < SLA_YEAR_MIN || x->sx_year > SLA_YEAR_MAX || x->sx_mday < 1 ||
		x->sx_mday > sla_month_length(x->sx_year, x->sx_month)) {
		snprintf(err, errlen,
			"exception %zu: no such date %04d-%02d-%02d (years %d..%d)", idx + 1,
			x->sx_year, x->sx_month, x->sx_mday, SLA_YEAR_MIN, SLA_YEAR_MAX);
		return -1;
	}
	snprintf(what, sizeof(what), "exception %04d-%02d-%02d", x->sx_year, x->sx_month,
		x->sx_mday);
	return spec_check_hours(&x->sx_hours, what, err, errlen);
}

int
sla_spec_check(const struct sla_calendar_spec *spec, char *err, size_t errlen)
{
	const struct sla_exception *x, *y;
	size_t i, j;
	int wday;

	for (wday = 0; wday < 7; wday++)
		if (spec_check_hours(&spec->cs_week[wday], spec_weekdays[wday], err, errlen) ==
			-1)
			return -1;
	if (spec_check_hours(&spec->cs_shortened, "shortened day", err, errlen) == -1)
		return -1;
	if (spec->cs_nexceptions > 0 && spec->cs_exceptions == NULL) {
		snprintf(err, errlen, "%zu exceptions but no exception list",
			spec->cs_nexceptions);
		return -1;
	}
	for (i = 0; i < spec->cs_nexceptions; i++) {
		x = &spec->cs_exceptions[i];
		if (spec_check_exception(x, i, err, errlen) == -1)
			return -1;
		/* Exception lists are short (a handful a year): quadratic is fine. */
		for (j = 0; j < i; j++) {
			y = &spec->cs_exceptions[j];
			if (x->sx_year == y->sx_year && x->sx_month == y->sx_month &&
				x->sx_mday == y->sx_mday) {
				snprintf(err, errlen,
					"exceptions %zu and %zu are both for %04d-%02d-%02d",
					j + 1, i + 1, x->sx_year, x->sx_month, x->sx_mday);
				return -1;
			}
		}
	}
	return 0;
}
