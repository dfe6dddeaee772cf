/*
 * sla_calendar.c: calendars and business-time arithmetic over them.
 *
 * A calendar turns each local date into opening hours (weekday hours,
 * holidays, halvdagar, exceptions), and each year of those into a sorted
 * list of UTC spans with prefix sums of open seconds and a per-day index
 * into them. Arithmetic is then an index lookup and at most one binary
 * search over the prefix sums per year crossed, never a walk over minutes
 * or days.
 *
 * Open means: the Stockholm wall clock shows a time inside that date's
 * hours. On the March night 02:00-03:00 never shows, so a 00:00-24:00 day
 * has 23 h; in October 02:00-03:00 shows twice, giving 25 h, and hours
 * that start or end inside the repeated hour are open on both passes.
 *
 * Years are built on first use and published with a compare-and-swap, so
 * a calendar can be shared by threads without a lock: two threads that
 * race build the same year twice and one copy is freed.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sla.h"

#define DAY_SECONDS 86400
#define NYEARS (SLA_YEAR_MAX - SLA_YEAR_MIN + 1)

/* Open from sp_start to sp_end (UTC); sp_cum open seconds of the year before it. */
struct sla_span {
	int64_t sp_start, sp_end, sp_cum;
};

/* A local year is at most 366 days and an hour long in UTC. */
#define YEAR_BUCKETS 368

/* One local year: UTC [sy_begin, sy_end) and its open spans. sy_first[k]
 * is the first span that ends after sy_begin + k days, so a search only
 * has to look at the few spans of one day. */
struct sla_year {
	int64_t sy_begin, sy_end, sy_total;
	size_t sy_count;
	uint16_t sy_first[YEAR_BUCKETS];
	struct sla_span sy_spans[];
};

struct sla_calendar {
	struct sla_hours sc_week[7];
	struct sla_hours sc_shortened;
	int sc_holidays;
	int sc_defacto_closed;
	struct sla_exception *sc_exceptions; /* sorted by date */
	int64_t *sc_exception_days;          /* their day numbers, same order */
	size_t sc_nexceptions;
	_Atomic(struct sla_year *) *sc_years; /* NYEARS slots, NULL until built */
	int64_t sc_year_begin[NYEARS + 1];    /* UTC start of each local year */
};

static int
calendar_cmp_exception(const void *a, const void *b)
{
	const struct sla_exception *x = a, *y = b;
	int64_t dx = sla_date_to_days(x->sx_year, x->sx_month, x->sx_mday);
	int64_t dy = sla_date_to_days(y->sx_year, y->sx_month, y->sx_mday);

	return (dx > dy) - (dx < dy);
}

struct sla_calendar *
sla_calendar_new(const struct sla_calendar_spec *spec, char *err, size_t errlen)
{
	struct sla_calendar *cal;
	size_t i, n = spec->cs_nexceptions;

	if (sla_spec_check(spec, err, errlen) == -1)
		return NULL;
	if ((cal = calloc(1, sizeof(*cal))) == NULL)
		goto fail;
	memcpy(cal->sc_week, spec->cs_week, sizeof(cal->sc_week));
	cal->sc_shortened = spec->cs_shortened;
	cal->sc_holidays = spec->cs_holidays != 0;
	cal->sc_defacto_closed = spec->cs_defacto_closed != 0;
	if ((cal->sc_years = calloc(NYEARS, sizeof(*cal->sc_years))) == NULL)
		goto fail;
	for (i = 0; i < NYEARS; i++)
		atomic_init(&cal->sc_years[i], NULL);
	/* 1 January is always CET: local midnight is 23:00 UTC the day before. */
	for (i = 0; i <= NYEARS; i++)
		cal->sc_year_begin[i] =
			sla_date_to_days(SLA_YEAR_MIN + (int)i, 1, 1) * DAY_SECONDS - 3600;
	if (n > 0) {
		cal->sc_exceptions = calloc(n, sizeof(*cal->sc_exceptions));
		cal->sc_exception_days = calloc(n, sizeof(*cal->sc_exception_days));
		if (cal->sc_exceptions == NULL || cal->sc_exception_days == NULL)
			goto fail;
		memcpy(cal->sc_exceptions, spec->cs_exceptions,
			n * sizeof(*cal->sc_exceptions));
		qsort(cal->sc_exceptions, n, sizeof(*cal->sc_exceptions),
			calendar_cmp_exception);
		for (i = 0; i < n; i++)
			cal->sc_exception_days[i] = sla_date_to_days(
				cal->sc_exceptions[i].sx_year, cal->sc_exceptions[i].sx_month,
				cal->sc_exceptions[i].sx_mday);
	}
	cal->sc_nexceptions = n;
	return cal;
fail:
	snprintf(err, errlen, "out of memory");
	sla_calendar_free(cal);
	return NULL;
}

void
sla_calendar_free(struct sla_calendar *cal)
{
	size_t i;

	if (cal == NULL)
		return;
	if (cal->sc_years != NULL)
		for (i = 0; i < NYEARS; i++)
			free(atomic_load_explicit(&cal->sc_years[i], memory_order_acquire));
	free(cal->sc_years);
	free(cal->sc_exceptions);
	free(cal->sc_exception_days);
	free(cal);
}

static const struct sla_exception *
calendar_find_exception(const struct sla_calendar *cal, int64_t days)
{
	size_t lo = 0, hi = cal->sc_nexceptions, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cal->sc_exception_days[mid] < days)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < cal->sc_nexceptions && cal->sc_exception_days[lo] == days)
		return &cal->sc_exceptions[lo];
	return NULL;
}

/* The hours of one day, given its day number, weekday and kind. */
static void
calendar_hours_of(const struct sla_calendar *cal, int64_t days, int wday,
	enum sla_day_kind kind, struct sla_hours *out)
{
	static const struct sla_hours closed;
	const struct sla_exception *x;

	if ((x = calendar_find_exception(cal, days)) != NULL) {
		*out = x->sx_hours;
		return;
	}
	*out = cal->sc_week[wday];
	if (!cal->sc_holidays)
		return;
	if (kind == SLA_DAY_HOLIDAY || (kind == SLA_DAY_CLOSED && cal->sc_defacto_closed))
		*out = closed;
	else if (kind == SLA_DAY_SHORTENED && out->sh_count > 0)
		*out = cal->sc_shortened;
}

int
sla_calendar_day_hours(
	const struct sla_calendar *cal, int year, int month, int mday, struct sla_hours *out)
{
	struct sla_day day;

	if (sla_day_info(year, month, mday, &day) == -1)
		return -1;
	calendar_hours_of(
		cal, sla_date_to_days(year, month, mday), day.sd_wday, day.sd_kind, out);
	return 0;
}

/* Appends [start, end) to a year, joining it to a span that ends there. */
static void
calendar_push_span(struct sla_year *yr, int64_t start, int64_t end)
{
	struct sla_span *last;

	if (end <= start)
		return;
	if (yr->sy_count > 0) {
		last = &yr->sy_spans[yr->sy_count - 1];
		if (last->sp_end == start) {
			last->sp_end = end;
			return;
		}
	}
	yr->sy_spans[yr->sy_count].sp_start = start;
	yr->sy_spans[yr->sy_count].sp_end = end;
	yr->sy_count++;
}

/*
 * Local hours of one date as UTC spans. Local midnight is never near a DST
 * switch, so the day is [m0, m1) in UTC. On a switch day the part of each
 * interval read with the old offset is kept before the switch instant and
 * the part read with the new offset after it: first all old parts, then
 * all new ones, which keeps the spans sorted.
 */
static void
calendar_push_day(struct sla_year *yr, int64_t days, const struct sla_hours *h)
{
	int64_t base = days * DAY_SECONDS, m0, m1, sw, a, b;
	int off0, off1, i;

	m0 = base - sla_tz_offset(base - 3600);
	m1 = base + DAY_SECONDS - sla_tz_offset(base + DAY_SECONDS - 3600);
	off0 = sla_tz_offset(m0);
	off1 = sla_tz_offset(m1 - 1);
	/* The EU rule switches at 01:00 UTC, on the same date in UTC and local. */
	sw = off0 == off1 ? m1 : base + 3600;
	for (i = 0; i < h->sh_count; i++) {
		a = base + h->sh_iv[i].si_start * 60 - off0;
		b = base + h->sh_iv[i].si_end * 60 - off0;
		calendar_push_span(yr, a, b < sw ? b : sw);
	}
	if (off0 == off1)
		return;
	for (i = 0; i < h->sh_count; i++) {
		a = base + h->sh_iv[i].si_start * 60 - off1;
		b = base + h->sh_iv[i].si_end * 60 - off1;
		calendar_push_span(yr, a > sw ? a : sw, b);
	}
}

static struct sla_year *
calendar_build_year(const struct sla_calendar *cal, int year)
{
	enum sla_day_kind kinds[367] = {SLA_DAY_NORMAL};
	struct sla_day list[SLA_DAYS_MAX];
	struct sla_year *yr, *small;
	struct sla_hours h;
	int64_t d0, d1, d, cum = 0;
	int n, i;
	size_t k;

	d0 = sla_date_to_days(year, 1, 1);
	d1 = sla_date_to_days(year + 1, 1, 1);
	if ((n = sla_list_holidays(year, list, SLA_DAYS_MAX)) == -1)
		return NULL;
	for (i = 0; i < n; i++)
		kinds[sla_date_to_days(year, list[i].sd_month, list[i].sd_mday) - d0] =
			list[i].sd_kind;
	yr = malloc(sizeof(*yr) +
		(size_t)(d1 - d0) * 2 * SLA_INTERVALS_MAX * sizeof(struct sla_span));
	if (yr == NULL)
		return NULL;
	yr->sy_begin = cal->sc_year_begin[year - SLA_YEAR_MIN];
	yr->sy_end = cal->sc_year_begin[year - SLA_YEAR_MIN + 1];
	yr->sy_count = 0;
	for (d = d0; d < d1; d++) {
		calendar_hours_of(cal, d, sla_days_to_weekday(d), kinds[d - d0], &h);
		calendar_push_day(yr, d, &h);
	}
	for (k = 0; k < yr->sy_count; k++) {
		yr->sy_spans[k].sp_cum = cum;
		cum += yr->sy_spans[k].sp_end - yr->sy_spans[k].sp_start;
	}
	yr->sy_total = cum;
	for (k = 0, i = 0; i < YEAR_BUCKETS; i++) {
		while (k < yr->sy_count &&
			yr->sy_spans[k].sp_end <= yr->sy_begin + (int64_t)i * DAY_SECONDS)
			k++;
		yr->sy_first[i] = (uint16_t)k;
	}
	small = realloc(yr, sizeof(*yr) + yr->sy_count * sizeof(struct sla_span));
	return small != NULL ? small : yr;
}

/* The built year, building it if needed; NULL only when out of memory. */
static const struct sla_year *
calendar_year(const struct sla_calendar *cal, int year)
{
	_Atomic(struct sla_year *) *slot = &cal->sc_years[year - SLA_YEAR_MIN];
	struct sla_year *yr, *seen = NULL;

	if ((yr = atomic_load_explicit(slot, memory_order_acquire)) != NULL)
		return yr;
	if ((yr = calendar_build_year(cal, year)) == NULL)
		return NULL;
	if (!atomic_compare_exchange_strong_explicit(
		    slot, &seen, yr, memory_order_acq_rel, memory_order_acquire)) {
		free(yr);
		yr = seen;
	}
	return yr;
}

int
sla_calendar_prepare(const struct sla_calendar *cal, int year_from, int year_to)
{
	int y;

	if (year_from < SLA_YEAR_MIN)
		year_from = SLA_YEAR_MIN;
	if (year_to > SLA_YEAR_MAX)
		year_to = SLA_YEAR_MAX;
	for (y = year_from; y <= year_to; y++)
		if (calendar_year(cal, y) == NULL)
			return -1;
	return 0;
}

/* ---- arithmetic ---- */

/*
 * The local year whose block holds t: a guess from the mean Gregorian
 * year, off by at most one, set right against the table of year starts.
 * SLA_YEAR_MIN - 1 or SLA_YEAR_MAX + 1 outside the supported years.
 */
static int
calendar_year_of(const struct sla_calendar *cal, int64_t t)
{
	const int64_t *begin = cal->sc_year_begin;
	int64_t w;
	int y;

	if (t < begin[0])
		return SLA_YEAR_MIN - 1;
	if (t >= begin[NYEARS])
		return SLA_YEAR_MAX + 1;
	w = t + 3600;
	y = (int)(w / 31556952) + 1970 - SLA_YEAR_MIN - (w < 0);
	if (y < 0)
		y = 0;
	if (y > NYEARS - 1)
		y = NYEARS - 1;
	if (t < begin[y])
		y--;
	else if (t >= begin[y + 1])
		y++;
	return y + SLA_YEAR_MIN;
}

/* Index of the first span that ends after t, or sy_count; t inside the
 * year's block or at its end. */
static size_t
calendar_span_after(const struct sla_year *yr, int64_t t)
{
	size_t i = yr->sy_first[(t - yr->sy_begin) / DAY_SECONDS];

	while (i < yr->sy_count && yr->sy_spans[i].sp_end <= t)
		i++;
	return i;
}

/* Within one year, from span lo on: the last span with less than cum open
 * time before it. */
static size_t
calendar_span_at_cum(const struct sla_year *yr, size_t lo, int64_t cum)
{
	const struct sla_span *base = yr->sy_spans + lo;
	size_t len = yr->sy_count - lo, half;

	while (len > 1) {
		half = len / 2;
		base = base[half - 1].sp_cum < cum ? base + half : base;
		len -= half;
	}
	return (size_t)(base - yr->sy_spans) + (base->sp_cum < cum) - 1;
}

/* Open seconds of the year before t, for t inside the year's block. */
static int64_t
calendar_open_before(const struct sla_year *yr, int64_t t)
{
	size_t i = calendar_span_after(yr, t);
	const struct sla_span *sp;

	if (i == yr->sy_count)
		return yr->sy_total;
	sp = &yr->sy_spans[i];
	return sp->sp_cum + (t > sp->sp_start ? t - sp->sp_start : 0);
}

int64_t
sla_business_seconds(const struct sla_calendar *cal, int64_t from, int64_t to)
{
	const struct sla_year *yr;
	int64_t sum;
	int y, ylast;

	if (from < cal->sc_year_begin[0])
		from = cal->sc_year_begin[0];
	if (to > cal->sc_year_begin[NYEARS])
		to = cal->sc_year_begin[NYEARS];
	if (to <= from)
		return 0;
	y = calendar_year_of(cal, from);
	ylast = calendar_year_of(cal, to - 1);
	if ((yr = calendar_year(cal, y)) == NULL)
		return -1;
	sum = -calendar_open_before(yr, from);
	for (; y < ylast; y++) {
		sum += yr->sy_total;
		if ((yr = calendar_year(cal, y + 1)) == NULL)
			return -1;
	}
	return sum + calendar_open_before(yr, to);
}

int64_t
sla_add_business_seconds(const struct sla_calendar *cal, int64_t from, int64_t seconds)
{
	const struct sla_year *yr;
	const struct sla_span *sp;
	int64_t start, cum;
	size_t i;
	int y;

	if (seconds < 0)
		seconds = 0;
	/* More than the whole range holds cannot be had, and would overflow. */
	if (seconds > cal->sc_year_begin[NYEARS] - cal->sc_year_begin[0])
		return SLA_TIME_NEVER;
	if (from < cal->sc_year_begin[0])
		from = cal->sc_year_begin[0];
	for (y = calendar_year_of(cal, from); y <= SLA_YEAR_MAX; y++) {
		if ((yr = calendar_year(cal, y)) == NULL)
			return SLA_TIME_NEVER;
		if ((i = calendar_span_after(yr, from)) < yr->sy_count) {
			sp = &yr->sy_spans[i];
			start = from > sp->sp_start ? from : sp->sp_start;
			if (seconds <= sp->sp_end - start)
				return start + seconds;
			cum = sp->sp_cum + (start - sp->sp_start) + seconds;
			if (cum <= yr->sy_total) {
				sp = &yr->sy_spans[calendar_span_at_cum(yr, i, cum)];
				return sp->sp_start + (cum - sp->sp_cum);
			}
			seconds = cum - yr->sy_total;
		}
		from = yr->sy_end;
	}
	return SLA_TIME_NEVER;
}

int
sla_is_open(const struct sla_calendar *cal, int64_t t)
{
	const struct sla_year *yr;
	size_t i;
	int y = calendar_year_of(cal, t);

	if (y < SLA_YEAR_MIN || y > SLA_YEAR_MAX || (yr = calendar_year(cal, y)) == NULL)
		return 0;
	i = calendar_span_after(yr, t);
	return i < yr->sy_count && yr->sy_spans[i].sp_start <= t;
}

int64_t
sla_next_open(const struct sla_calendar *cal, int64_t t)
{
	return sla_add_business_seconds(cal, t, 0);
}
