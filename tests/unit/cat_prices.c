/*
 * cat_prices.c: the price in force on a day.  A monthly price changes on
 * 2026-07-01: June pays the old one, July the new; Bengtsfors has its own
 * price, which only Bengtsfors pays; a tenant price that starts later
 * leaves the tenant on the default until then.
 */
#include <string.h>

#include "cat_test.h"
#include "tap.h"

static const char yaml[] =
	"version: 1\n"
	"areas:\n- {code: workplace, name: IT-arbetsplats}\n"
	"services:\n"
	"- code: laptop\n  area: workplace\n  name: Dator\n  queue: first_line\n"
	"  maturity: 3\n  charging: consumption\n  unit: device\n  order: manager\n"
	"  offer: {tenants: [AMA, BEN, MEL, FAR]}\n"
	"  prices:\n"
	"  - {kind: monthly, amount: \"470.00\", from: 2026-07-01}\n"
	"  - {kind: monthly, amount: \"450.00\", from: 2026-01-01}\n"
	"  - {kind: monthly, amount: \"430.00\", from: 2026-01-01, tenant: BEN}\n"
	"  - {kind: one_time, amount: \"1000.00\", from: 2026-03-01}\n"
	"- code: phone\n  area: workplace\n  name: Telefon\n  queue: telephony\n"
	"  maturity: 3\n  charging: consumption\n  unit: device\n  order: manager\n"
	"  offer: {tenants: [AMA, BEN, MEL, FAR]}\n"
	"  prices:\n"
	"  - {kind: monthly, amount: \"149.00\", from: 2026-01-01}\n"
	"  - {kind: monthly, amount: \"159.00\", from: 2026-07-01}\n"
	"  - {kind: monthly, amount: \"140.00\", from: 2026-09-01, tenant: MEL}\n";

static struct cat_date
day(int y, int m, int d)
{
	struct cat_date x = {y, m, d};

	return x;
}

static void
test_laptop(const struct cat_service *s)
{
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "AMA", day(2026, 6, 30)), 45000,
		"AMA 30 June: the old price");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "AMA", day(2026, 7, 1)), 47000,
		"AMA 1 July: the new price");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "FAR", day(2027, 1, 1)), 47000,
		"FAR next year: still the new price");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "AMA", day(2026, 1, 1)), 45000,
		"the first day of a price");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "AMA", day(2025, 12, 31)), -1,
		"before any price: none");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "BEN", day(2026, 6, 30)), 43000,
		"BEN in June: its own price");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "BEN", day(2026, 7, 1)), 43000,
		"BEN in July: its own price still wins");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "MEL", day(2026, 6, 1)), 45000,
		"MEL pays the default");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, NULL, day(2026, 7, 1)), 47000,
		"no tenant: the default");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "", day(2026, 6, 1)), 45000,
		"empty tenant: the default");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "XYZ", day(2026, 6, 1)), 45000,
		"unknown tenant: the default");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_ONE_TIME, "AMA", day(2026, 2, 28)), -1,
		"one-time before it starts: none");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_ONE_TIME, "BEN", day(2026, 3, 1)), 100000,
		"one-time from 1 March, BEN has no own");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_HOURLY, "AMA", day(2026, 7, 1)), -1,
		"no hourly price at all");
}

static void
test_later_override(const struct cat_service *s)
{
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "MEL", day(2026, 8, 31)), 15900,
		"MEL before its own price starts: the default");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "MEL", day(2026, 9, 1)), 14000,
		"MEL from 1 September: its own");
	TAP_IS_INT(cat_price_on(s, CAT_PRICE_MONTHLY, "AMA", day(2026, 9, 1)), 15900,
		"AMA unaffected");
}

/* The lookup must not depend on the order the prices are in. */
static void
test_unsorted(void)
{
	struct cat_price p[4];
	struct cat_service s;

	memset(p, 0, sizeof(p));
	memset(&s, 0, sizeof(s));
	p[0].p_kind = CAT_PRICE_MONTHLY, p[0].p_ore = 300, p[0].p_from = day(2026, 12, 1);
	p[1].p_kind = CAT_PRICE_MONTHLY, p[1].p_ore = 100, p[1].p_from = day(2026, 1, 1);
	p[2].p_kind = CAT_PRICE_MONTHLY, p[2].p_ore = 200, p[2].p_from = day(2026, 7, 1);
	p[3].p_kind = CAT_PRICE_MONTHLY, p[3].p_ore = 250, p[3].p_from = day(2026, 8, 1);
	memcpy(p[3].p_tenant, "BEN", 4);
	s.s_prices = p;
	s.s_nprices = 4;
	TAP_IS_INT(cat_price_on(&s, CAT_PRICE_MONTHLY, "AMA", day(2026, 6, 30)), 100,
		"unsorted: June");
	TAP_IS_INT(cat_price_on(&s, CAT_PRICE_MONTHLY, "AMA", day(2026, 7, 1)), 200,
		"unsorted: July");
	TAP_IS_INT(cat_price_on(&s, CAT_PRICE_MONTHLY, "AMA", day(2026, 12, 1)), 300,
		"unsorted: December");
	TAP_IS_INT(cat_price_on(&s, CAT_PRICE_MONTHLY, "BEN", day(2026, 7, 31)), 200,
		"unsorted: BEN before its own");
	TAP_IS_INT(cat_price_on(&s, CAT_PRICE_MONTHLY, "BEN", day(2026, 12, 1)), 250,
		"unsorted: BEN's own beats a later default");
	TAP_IS_INT(cat_price_on(NULL, CAT_PRICE_MONTHLY, "AMA", day(2026, 7, 1)), -1,
		"no service: none");
}

int
main(void)
{
	struct cat_catalogue *c = NULL;
	struct cat_errors errs;
	const struct cat_service *s;

	if (!tap_ok(cat_test_parse(yaml, strlen(yaml), &c, &errs) == 0, "the prices parse")) {
		if (errs.es_n > 0)
			tap_diag("%d:%d: %s", errs.es_list[0].e_line, errs.es_list[0].e_column,
				errs.es_list[0].e_msg);
		cat_errors_free(&errs);
		return tap_done();
	}
	if (tap_ok((s = cat_find(c, "laptop")) != NULL, "laptop"))
		test_laptop(s);
	if (tap_ok((s = cat_find(c, "phone")) != NULL, "phone"))
		test_later_override(s);
	tap_ok(cat_find(c, "tablet") == NULL, "no tablet");
	tap_ok(cat_find(NULL, "laptop") == NULL, "no catalogue");
	test_unsorted();
	cat_catalogue_free(c);
	return tap_done();
}
