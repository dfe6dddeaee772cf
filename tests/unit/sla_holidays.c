/*
 * sla_holidays.c: Easter, the Swedish holidays and their eves, checked by
 * hand against the almanac.
 */
#include "sla.h"
#include "tap.h"

static void
is_day(int y, int m, int d, enum sla_day_kind kind, const char *name)
{
	struct sla_day day;

	if (!tap_ok(sla_day_info(y, m, d, &day) == 0 && day.sd_kind == kind &&
			    strcmp(day.sd_name, name) == 0,
		    "%04d-%02d-%02d is %s '%s'", y, m, d, sla_day_kind_name(kind), name))
		tap_diag("  got %s '%s'", sla_day_kind_name(day.sd_kind), day.sd_name);
}

static void
is_easter(int y, int m, int d)
{
	int em = 0, ed = 0;

	tap_ok(sla_easter_date(y, &em, &ed) == 0 && em == m && ed == d,
		"Easter %d is %02d-%02d (got %02d-%02d)", y, m, d, em, ed);
}

static void
test_easter(void)
{
	int m, d;

	is_easter(2024, 3, 31);
	is_easter(2025, 4, 20);
	is_easter(2026, 4, 5);
	is_easter(2038, 4, 25); /* latest possible date */
	is_easter(1943, 4, 25); /* the previous time it was that late */
	is_easter(2008, 3, 23);
	is_easter(2000, 4, 23);
	is_easter(1900, 4, 15);
	is_easter(2200, 4, 6);
	/* 2285 has the earliest possible Easter, 22 March, but is out of range. */
	TAP_IS_INT(sla_easter_date(2285, &m, &d), -1, "2285 is outside 1900-2200");
	TAP_IS_INT(sla_easter_date(1899, &m, &d), -1, "1899 is outside 1900-2200");
}

static void
test_year_2026(void)
{
	static const struct {
		int m, d;
		enum sla_day_kind k;
		const char *name;
	} want[] = {
		{1, 1, SLA_DAY_HOLIDAY, "nyårsdagen"},
		{1, 5, SLA_DAY_SHORTENED, "trettondagsafton"},
		{1, 6, SLA_DAY_HOLIDAY, "trettondedag jul"},
		{4, 2, SLA_DAY_SHORTENED, "skärtorsdagen"},
		{4, 3, SLA_DAY_HOLIDAY, "långfredagen"},
		{4, 5, SLA_DAY_HOLIDAY, "påskdagen"},
		{4, 6, SLA_DAY_HOLIDAY, "annandag påsk"},
		{4, 30, SLA_DAY_SHORTENED, "valborgsmässoafton"},
		{5, 1, SLA_DAY_HOLIDAY, "första maj"},
		{5, 13, SLA_DAY_SHORTENED, "dagen före Kristi himmelsfärdsdag"},
		{5, 14, SLA_DAY_HOLIDAY, "Kristi himmelsfärdsdag"},
		{5, 24, SLA_DAY_HOLIDAY, "pingstdagen"},
		{6, 6, SLA_DAY_HOLIDAY, "nationaldagen"},
		{6, 19, SLA_DAY_CLOSED, "midsommarafton"},
		{6, 20, SLA_DAY_HOLIDAY, "midsommardagen"},
		{10, 30, SLA_DAY_SHORTENED, "allhelgonaafton"},
		{10, 31, SLA_DAY_HOLIDAY, "alla helgons dag"},
		{12, 24, SLA_DAY_CLOSED, "julafton"},
		{12, 25, SLA_DAY_HOLIDAY, "juldagen"},
		{12, 26, SLA_DAY_HOLIDAY, "annandag jul"},
		{12, 31, SLA_DAY_CLOSED, "nyårsafton"},
	};
	struct sla_day days[SLA_DAYS_MAX];
	size_t i, n = sizeof(want) / sizeof(want[0]);
	int got, same = 1;

	got = sla_list_holidays(2026, days, SLA_DAYS_MAX);
	TAP_IS_INT(got, (long long)n, "2026 has %zu special days", n);
	for (i = 0; i < n && (int)i < got; i++) {
		if (days[i].sd_month != want[i].m || days[i].sd_mday != want[i].d ||
			days[i].sd_kind != want[i].k ||
			strcmp(days[i].sd_name, want[i].name) != 0) {
			tap_diag("  entry %zu: got %02d-%02d %s", i, days[i].sd_month,
				days[i].sd_mday, days[i].sd_name);
			same = 0;
		}
	}
	tap_ok(same, "2026 list matches the almanac, in date order");
	TAP_IS_INT(sla_list_holidays(2026, days, 5), -1, "a short array is refused");
}

static void
test_rules(void)
{
	/* Annandag pingst was a holiday until 2004, nationaldagen from 2005. */
	is_day(2004, 5, 31, SLA_DAY_HOLIDAY, "annandag pingst");
	is_day(2004, 6, 6, SLA_DAY_NORMAL, "");
	is_day(2005, 5, 16, SLA_DAY_NORMAL, "");
	is_day(2005, 6, 6, SLA_DAY_HOLIDAY, "nationaldagen");
	/* Midsummer: Friday 19-25 and Saturday 20-26 June. */
	is_day(2024, 6, 21, SLA_DAY_CLOSED, "midsommarafton");
	is_day(2024, 6, 22, SLA_DAY_HOLIDAY, "midsommardagen");
	is_day(2027, 6, 25, SLA_DAY_CLOSED, "midsommarafton");
	is_day(2027, 6, 26, SLA_DAY_HOLIDAY, "midsommardagen");
	is_day(2027, 6, 19, SLA_DAY_NORMAL, "");
	/* All Saints: Saturday 31 Oct - 6 Nov, its eve the Friday before. */
	is_day(2025, 11, 1, SLA_DAY_HOLIDAY, "alla helgons dag");
	is_day(2025, 10, 31, SLA_DAY_SHORTENED, "allhelgonaafton");
	is_day(2027, 11, 6, SLA_DAY_HOLIDAY, "alla helgons dag");
	is_day(2027, 11, 5, SLA_DAY_SHORTENED, "allhelgonaafton");
	/* Christmas and New Year stay what they are on a weekend. */
	is_day(2022, 12, 24, SLA_DAY_CLOSED, "julafton");
	is_day(2022, 12, 25, SLA_DAY_HOLIDAY, "juldagen");
	is_day(2023, 12, 31, SLA_DAY_CLOSED, "nyårsafton");
	is_day(2028, 1, 1, SLA_DAY_HOLIDAY, "nyårsdagen");
	/* A halvdag on a weekend shortens nothing. */
	is_day(2025, 1, 5, SLA_DAY_NORMAL, "");
	is_day(2022, 4, 30, SLA_DAY_NORMAL, "");
	is_day(2025, 4, 30, SLA_DAY_SHORTENED, "valborgsmässoafton");
	/* 2008: Easter 23 March puts Kristi himmelsfärd on 1 May; the
	 * holiday name that comes first in the law wins, and 30 April is
	 * both valborgsmässoafton and the eve of Ascension. */
	is_day(2008, 5, 1, SLA_DAY_HOLIDAY, "första maj");
	is_day(2008, 4, 30, SLA_DAY_SHORTENED, "valborgsmässoafton");
	/* Easter 2025 and 1943, 2038 */
	is_day(2025, 4, 17, SLA_DAY_SHORTENED, "skärtorsdagen");
	is_day(2025, 4, 18, SLA_DAY_HOLIDAY, "långfredagen");
	is_day(2025, 4, 21, SLA_DAY_HOLIDAY, "annandag påsk");
	is_day(2038, 4, 23, SLA_DAY_HOLIDAY, "långfredagen");
	is_day(2038, 6, 3, SLA_DAY_HOLIDAY, "Kristi himmelsfärdsdag");
	is_day(1943, 4, 26, SLA_DAY_HOLIDAY, "annandag påsk");
	is_day(2026, 3, 3, SLA_DAY_NORMAL, "");
}

static void
test_limits(void)
{
	struct sla_day day;

	TAP_IS_INT(sla_day_info(1899, 12, 31, &day), -1, "1899 is refused");
	TAP_IS_INT(sla_day_info(2201, 1, 1, &day), -1, "2201 is refused");
	TAP_IS_INT(sla_day_info(2026, 2, 29, &day), -1, "2026-02-29 is refused");
	TAP_IS_INT(sla_day_info(2026, 0, 1, &day), -1, "month 0 is refused");
	is_day(1900, 1, 1, SLA_DAY_HOLIDAY, "nyårsdagen");
	is_day(2200, 12, 31, SLA_DAY_CLOSED, "nyårsafton");
	TAP_IS_INT(sla_day_info(2026, 4, 2, &day) == 0 ? day.sd_wday : -1, 3,
		"skärtorsdagen is a Thursday");
}

int
main(void)
{
	test_easter();
	test_year_2026();
	test_rules();
	test_limits();
	return tap_done();
}
