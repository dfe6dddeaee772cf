/*
 * sla_holiday.c: Swedish public holidays (lag 1989:253 om allmänna
 * helgdagar), the de facto closed days and the shortened days before some
 * holidays, computed for any year SLA_YEAR_MIN..SLA_YEAR_MAX from rules.
 *
 * The rules are today's, plus the one change that still matters for stored
 * tickets: on 2005 nationaldagen (6 June) became a holiday and annandag
 * pingst stopped being one. Older changes (before 1953 midsommardagen was
 * 24 June, alla helgons dag 1 November, and there were more holidays) are
 * not modelled: SLA time is present and future.
 */
#include "sla.h"

#define NO_DAY INT64_MIN

/* One day a rule names; days is a day number or NO_DAY if absent this year. */
struct holiday_rule {
	int64_t hr_days;
	enum sla_day_kind hr_kind;
	const char *hr_name;
};

/*
 * Anonymous Gregorian computus (Meeus/Jones/Butcher): the full moon is
 * found through the Metonic cycle (a) with the century corrections for
 * the solar (b, d) and lunar (f, g) drift; Easter is the Sunday after.
 */
int
sla_easter_date(int year, int *month, int *mday)
{
	int a, b, c, d, e, f, g, h, i, k, l, m, n;

	if (year < SLA_YEAR_MIN || year > SLA_YEAR_MAX)
		return -1;
	a = year % 19;
	b = year / 100;
	c = year % 100;
	d = b / 4;
	e = b % 4;
	f = (b + 8) / 25;
	g = (b - f + 1) / 3;
	h = (19 * a + b - d - g + 15) % 30;
	i = c / 4;
	k = c % 4;
	l = (32 + 2 * e + 2 * i - h - k) % 7;
	m = (a + 11 * h + 22 * l) / 451;
	n = h + l - 7 * m + 114;
	*month = n / 31;
	*mday = n % 31 + 1;
	return 0;
}

/* The first day on or after `days` that falls on weekday wday. */
static int64_t
holiday_weekday_from(int64_t days, int wday)
{
	return days + (wday - sla_days_to_weekday(days) + 7) % 7;
}

/* Fills rules for a year in rule order; the count. Year already checked. */
static int
holiday_rules(int year, struct holiday_rule *r)
{
	int em, ed, n = 0;
	int64_t easter;

	(void)sla_easter_date(year, &em, &ed);
	easter = sla_date_to_days(year, em, ed);
#define RULE(d, k, s)                                                                          \
	do {                                                                                   \
		r[n].hr_days = (d);                                                            \
		r[n].hr_kind = (k);                                                            \
		r[n].hr_name = (s);                                                            \
		n++;                                                                           \
	} while (0)
	RULE(sla_date_to_days(year, 1, 1), SLA_DAY_HOLIDAY, "nyårsdagen");
	RULE(sla_date_to_days(year, 1, 5), SLA_DAY_SHORTENED, "trettondagsafton");
	RULE(sla_date_to_days(year, 1, 6), SLA_DAY_HOLIDAY, "trettondedag jul");
	RULE(easter - 3, SLA_DAY_SHORTENED, "skärtorsdagen");
	RULE(easter - 2, SLA_DAY_HOLIDAY, "långfredagen");
	RULE(easter, SLA_DAY_HOLIDAY, "påskdagen");
	RULE(easter + 1, SLA_DAY_HOLIDAY, "annandag påsk");
	RULE(sla_date_to_days(year, 4, 30), SLA_DAY_SHORTENED, "valborgsmässoafton");
	RULE(sla_date_to_days(year, 5, 1), SLA_DAY_HOLIDAY, "första maj");
	RULE(easter + 38, SLA_DAY_SHORTENED, "dagen före Kristi himmelsfärdsdag");
	RULE(easter + 39, SLA_DAY_HOLIDAY, "Kristi himmelsfärdsdag");
	RULE(easter + 49, SLA_DAY_HOLIDAY, "pingstdagen");
	RULE(year <= 2004 ? easter + 50 : NO_DAY, SLA_DAY_HOLIDAY, "annandag pingst");
	RULE(year >= 2005 ? sla_date_to_days(year, 6, 6) : NO_DAY, SLA_DAY_HOLIDAY,
		"nationaldagen");
	RULE(holiday_weekday_from(sla_date_to_days(year, 6, 19), 4), SLA_DAY_CLOSED,
		"midsommarafton");
	RULE(holiday_weekday_from(sla_date_to_days(year, 6, 20), 5), SLA_DAY_HOLIDAY,
		"midsommardagen");
	RULE(holiday_weekday_from(sla_date_to_days(year, 10, 30), 4), SLA_DAY_SHORTENED,
		"allhelgonaafton");
	RULE(holiday_weekday_from(sla_date_to_days(year, 10, 31), 5), SLA_DAY_HOLIDAY,
		"alla helgons dag");
	RULE(sla_date_to_days(year, 12, 24), SLA_DAY_CLOSED, "julafton");
	RULE(sla_date_to_days(year, 12, 25), SLA_DAY_HOLIDAY, "juldagen");
	RULE(sla_date_to_days(year, 12, 26), SLA_DAY_HOLIDAY, "annandag jul");
	RULE(sla_date_to_days(year, 12, 31), SLA_DAY_CLOSED, "nyårsafton");
#undef RULE
	return n;
}

/* Which kind wins when two rules name the same day. */
static int
holiday_rank(enum sla_day_kind kind)
{
	switch (kind) {
	case SLA_DAY_HOLIDAY:
		return 3;
	case SLA_DAY_CLOSED:
		return 2;
	case SLA_DAY_SHORTENED:
		return 1;
	default:
		return 0;
	}
}

/*
 * Applies one rule to a date-sorted list: a halvdag counts only on a
 * weekday (an eve on a weekend shortens nothing); on a shared date the
 * stronger kind wins and, between equals, the earlier rule's name.
 */
static size_t
holiday_merge(struct sla_day *days, size_t n, const struct holiday_rule *r)
{
	struct sla_day d;
	size_t i;

	if (r->hr_days == NO_DAY)
		return n;
	d.sd_wday = sla_days_to_weekday(r->hr_days);
	if (r->hr_kind == SLA_DAY_SHORTENED && d.sd_wday >= 5)
		return n;
	sla_days_to_date(r->hr_days, &d.sd_year, &d.sd_month, &d.sd_mday);
	d.sd_kind = r->hr_kind;
	d.sd_name = r->hr_name;
	for (i = 0; i < n; i++) {
		if (days[i].sd_month == d.sd_month && days[i].sd_mday == d.sd_mday) {
			if (holiday_rank(d.sd_kind) > holiday_rank(days[i].sd_kind))
				days[i] = d;
			return n;
		}
		if (days[i].sd_month > d.sd_month ||
			(days[i].sd_month == d.sd_month && days[i].sd_mday > d.sd_mday))
			break;
	}
	for (size_t j = n; j > i; j--)
		days[j] = days[j - 1];
	days[i] = d;
	return n + 1;
}

int
sla_list_holidays(int year, struct sla_day *out, size_t max)
{
	struct holiday_rule rules[SLA_DAYS_MAX];
	struct sla_day days[SLA_DAYS_MAX];
	size_t n = 0;
	int nrules, i;

	if (year < SLA_YEAR_MIN || year > SLA_YEAR_MAX)
		return -1;
	nrules = holiday_rules(year, rules);
	for (i = 0; i < nrules; i++)
		n = holiday_merge(days, n, &rules[i]);
	if (n > max)
		return -1;
	for (size_t k = 0; k < n; k++)
		out[k] = days[k];
	return (int)n;
}

int
sla_day_info(int year, int month, int mday, struct sla_day *out)
{
	struct sla_day days[SLA_DAYS_MAX];
	int n, i;

	if (year < SLA_YEAR_MIN || year > SLA_YEAR_MAX || mday < 1 ||
		mday > sla_month_length(year, month))
		return -1;
	if ((n = sla_list_holidays(year, days, SLA_DAYS_MAX)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (days[i].sd_month == month && days[i].sd_mday == mday) {
			*out = days[i];
			return 0;
		}
	}
	out->sd_year = year;
	out->sd_month = month;
	out->sd_mday = mday;
	out->sd_wday = sla_days_to_weekday(sla_date_to_days(year, month, mday));
	out->sd_kind = SLA_DAY_NORMAL;
	out->sd_name = "";
	return 0;
}

const char *
sla_day_kind_name(enum sla_day_kind kind)
{
	switch (kind) {
	case SLA_DAY_NORMAL:
		return "normal";
	case SLA_DAY_HOLIDAY:
		return "holiday";
	case SLA_DAY_CLOSED:
		return "closed";
	case SLA_DAY_SHORTENED:
		return "shortened";
	}
	return "unknown";
}
