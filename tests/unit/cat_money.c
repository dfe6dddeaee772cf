/*
 * cat_money.c: money in öre and calendar dates, the edges of both: what a
 * catalogue file or an order form may say, and what is refused.
 */
#include <stdint.h>

#include "catalogue.h"
#include "tap.h"

static void
test_money_good(void)
{
	static const struct {
		const char *text;
		int64_t ore;
	} cases[] = {
		{"450.00", 45000},
		{"450", 45000},
		{"450.5", 45050},
		{"0", 0},
		{"0.00", 0},
		{"0.01", 1},
		{"0.5", 50},
		{"12", 1200},
		{"1250.50", 125050},
		{"999999999.99", 99999999999},
		{"100000000", 10000000000},
	};
	int64_t ore;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ore = -7;
		TAP_IS_INT(cat_money_parse(cases[i].text, &ore), 0, "money '%s' is read",
			cases[i].text);
		TAP_IS_INT(ore, cases[i].ore, "money '%s' is %lld öre", cases[i].text,
			(long long)cases[i].ore);
	}
}

static void
test_money_bad(void)
{
	static const char *const bad[] = {"450,00", "1 250,50", "1 250.50", "1e3", "-5",
		"-0.50", "+5", "450.", ".50", "450.001", "4.5.0", "", " 450", "450 ", "0450",
		"00.50", "1000000000", "9999999999.99", "12a", "NaN", "inf", "0x10", "½",
		"450.0\t", "1_000"};
	int64_t ore;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ore = 4242;
		TAP_IS_INT(cat_money_parse(bad[i], &ore), -1, "money '%s' is refused", bad[i]);
		TAP_IS_INT(ore, 4242, "refused money '%s' leaves the result alone", bad[i]);
	}
	TAP_IS_INT(cat_money_parse(NULL, &ore), -1, "no text is no money");
}

static void
test_money_format(void)
{
	char buf[32], small[4];
	int64_t ore, back = -1;

	TAP_IS_STR(cat_money_format(45000, buf, sizeof(buf)), "450.00", "45000 öre");
	TAP_IS_STR(cat_money_format(0, buf, sizeof(buf)), "0.00", "0 öre");
	TAP_IS_STR(cat_money_format(1, buf, sizeof(buf)), "0.01", "1 öre");
	TAP_IS_STR(cat_money_format(50, buf, sizeof(buf)), "0.50", "50 öre");
	TAP_IS_STR(cat_money_format(99999999999, buf, sizeof(buf)), "999999999.99", "largest");
	TAP_IS_STR(cat_money_format(-125050, buf, sizeof(buf)), "-1250.50", "negative");
	TAP_IS_STR(cat_money_format(INT64_MIN, buf, sizeof(buf)), "-92233720368547758.08",
		"INT64_MIN without overflow");
	TAP_IS_STR(
		cat_money_format(45000, small, sizeof(small)), "450", "truncated, terminated");
	/* Every amount from 0 to 10 kronor survives format → parse. */
	for (ore = 0; ore <= 1000; ore++)
		if (cat_money_parse(cat_money_format(ore, buf, sizeof(buf)), &back) == -1 ||
			back != ore)
			break;
	TAP_IS_INT(ore, 1001, "0.00 .. 10.00 round-trip");
}

static void
test_dates(void)
{
	static const char *const good[] = {"2026-07-01", "2024-02-29", "2000-02-29",
		"1900-01-01", "2200-12-31", "2026-12-31", "2026-04-30"};
	static const char *const bad[] = {"2026-02-29", "1900-02-29", "2100-02-29",
		"2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-1-1", "26-07-01",
		"2026/07/01", "2026-07-01T00:00", "2026-07-01 ", "1899-12-31", "2201-01-01", "",
		"20260701", "2026-07-0a", "-026-07-01"};
	struct cat_date d = {0, 0, 0};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		TAP_IS_INT(cat_date_parse(good[i], &d), 0, "date %s exists", good[i]);
	TAP_IS_INT(cat_date_parse("2024-02-29", &d), 0, "leap day");
	TAP_IS_INT(d.d_year * 10000 + d.d_month * 100 + d.d_day, 20240229, "leap day fields");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		TAP_IS_INT(cat_date_parse(bad[i], &d), -1, "date '%s' is refused", bad[i]);
	TAP_IS_INT(cat_date_parse(NULL, &d), -1, "no text is no date");
}

static void
test_date_cmp(void)
{
	struct cat_date a = {2026, 6, 30}, b = {2026, 7, 1}, c = {2025, 12, 31},
			e = {2026, 7, 2};

	TAP_IS_INT(cat_date_cmp(a, b), -1, "June before July");
	TAP_IS_INT(cat_date_cmp(b, a), 1, "July after June");
	TAP_IS_INT(cat_date_cmp(b, b), 0, "same day");
	TAP_IS_INT(cat_date_cmp(c, a), -1, "year decides first");
	TAP_IS_INT(cat_date_cmp(e, b), 1, "day decides last");
}

static void
test_names(void)
{
	TAP_IS_STR(cat_price_kind_name(CAT_PRICE_MONTHLY), "monthly", "monthly");
	TAP_IS_STR(cat_price_kind_name(CAT_PRICE_ONE_TIME), "one_time", "one_time");
	TAP_IS_STR(cat_price_kind_name(CAT_PRICE_HOURLY), "hourly", "hourly");
	TAP_IS_STR(cat_price_kind_name(CAT_PRICE_YEARLY), "yearly", "yearly");
	TAP_IS_INT(cat_price_kind_name((enum cat_price_kind)4) == NULL, 1, "no kind 4");
	TAP_IS_STR(cat_field_type_name(CAT_FIELD_COST_CENTRE), "cost_centre", "cost_centre");
	TAP_IS_STR(cat_field_type_name(CAT_FIELD_BOOLEAN), "boolean", "boolean");
	TAP_IS_INT(cat_field_type_name((enum cat_field_type)7) == NULL, 1, "no type 7");
	TAP_IS_STR(cat_unit_name(CAT_UNIT_DEVICE), "device", "device");
	TAP_IS_STR(cat_unit_name(CAT_UNIT_YEAR), "year", "year");
	TAP_IS_INT(cat_unit_name((enum cat_unit) - 1) == NULL, 1, "no unit -1");
}

int
main(void)
{
	test_money_good();
	test_money_bad();
	test_money_format();
	test_dates();
	test_date_cmp();
	test_names();
	return tap_done();
}
