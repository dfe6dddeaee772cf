/*
 * cat_dalsland.c: the default catalogue, catalogue/dalsland.yaml, read
 * from the source tree ($SDESK_TOP, else the current directory): it parses
 * against the daemon's tenants, queues and roles, covers the four service
 * areas and support with 30-50 services, and has what the brief asks for.
 */
#include <stdlib.h>
#include <string.h>

#include "cat_test.h"
#include "tap.h"

static const struct cat_catalogue *cat;

static struct cat_date
day(int y, int m, int d)
{
	struct cat_date x = {y, m, d};

	return x;
}

static int
has_field(const struct cat_service *s, const char *name, enum cat_field_type type)
{
	size_t i;

	for (i = 0; i < s->s_nfields; i++)
		if (strcmp(s->s_fields[i].f_name, name) == 0 && s->s_fields[i].f_type == type)
			return 1;
	return 0;
}

static int
has_subtask(const struct cat_service *s, const char *queue)
{
	size_t i;

	for (i = 0; i < s->s_nsubtasks; i++)
		if (strcmp(s->s_subtasks[i].st_queue, queue) == 0)
			return 1;
	return 0;
}

/* The service, or NULL after a failed test line. */
static const struct cat_service *
need(const char *code, const char *area, enum cat_unit unit)
{
	const struct cat_service *s = cat_find(cat, code);

	if (!tap_ok(s != NULL && strcmp(s->s_area, area) == 0 && s->s_unit == unit,
		    "%s in %s, per %s", code, area, cat_unit_name(unit)))
		return NULL;
	return s;
}

static int64_t
monthly(const struct cat_service *s, const char *tenant, struct cat_date d)
{
	return cat_price_on(s, CAT_PRICE_MONTHLY, tenant, d);
}

static void
test_workplace(void)
{
	const struct cat_service *s;

	if ((s = need("laptop-standard", "workplace", CAT_UNIT_DEVICE)) != NULL) {
		tap_ok(monthly(s, "AMA", day(2026, 7, 1)) > 0, "  leased: a monthly price");
		tap_ok(s->s_order == CAT_ORDER_MANAGER, "  ordered by a manager");
		TAP_IS_INT(s->s_approvals, CAT_APPROVE_MANAGER | CAT_APPROVE_ARCHITECT,
			"  manager and architect approve a hardware purchase");
		/* The order names the cost centre; the user may be new (no account yet). */
		tap_ok(has_field(s, "user_name", CAT_FIELD_TEXT) &&
				has_field(s, "user", CAT_FIELD_PERSON) &&
				!has_field(s, "cost_centre", CAT_FIELD_COST_CENTRE) &&
				has_field(s, "model", CAT_FIELD_CHOICE) &&
				has_field(s, "reason", CAT_FIELD_TEXT),
			"  user (by name, or login when known), model and reason asked");
		tap_ok(strcmp(s->s_sla.sl_calendar, "dalsland") == 0 &&
				s->s_sla.sl_resolution == 4800,
			"  delivered within ten business days (its own SLA)");
		tap_ok(has_subtask(s, "identity"), "  a subtask for identity");
		tap_ok(monthly(s, "BEN", day(2026, 7, 1)) != monthly(s, "AMA", day(2026, 7, 1)),
			"  Bengtsfors has its own price");
	}
	need("desktop-standard", "workplace", CAT_UNIT_DEVICE);
	if ((s = need("screen-extra", "workplace", CAT_UNIT_ORDER)) != NULL) {
		tap_ok(cat_price_on(s, CAT_PRICE_ONE_TIME, "FAR", day(2026, 7, 1)) > 0 &&
				monthly(s, "FAR", day(2026, 7, 1)) == -1,
			"  bought: a one-time price, nothing monthly");
		tap_ok(s->s_approvals & CAT_APPROVE_MANAGER, "  manager approval");
	}
	need("docking-station", "workplace", CAT_UNIT_ORDER);
	need("headset", "workplace", CAT_UNIT_ORDER);
	if ((s = need("smartphone", "workplace", CAT_UNIT_DEVICE)) != NULL) {
		tap_ok(monthly(s, "MEL", day(2026, 7, 1)) > 0, "  leased");
		tap_ok(has_subtask(s, "telephony"), "  a subtask for telephony");
	}
	need("tablet", "workplace", CAT_UNIT_DEVICE);
	need("printer-service", "workplace", CAT_UNIT_DEVICE);
	if ((s = need("m365-office", "workplace", CAT_UNIT_ACCOUNT)) != NULL)
		tap_ok(monthly(s, "AMA", day(2026, 6, 30)) < monthly(s, "AMA", day(2026, 7, 1)),
			"  the price changes on 2026-07-01");
	if ((s = need("m365-frontline", "workplace", CAT_UNIT_ACCOUNT)) != NULL)
		tap_ok(monthly(s, "AMA", day(2026, 7, 1)) <
				monthly(cat_find(cat, "m365-office"), "AMA", day(2026, 7, 1)),
			"  frontline costs less than office");
	need("mobile-subscription", "workplace", CAT_UNIT_ACCOUNT);
}

static void
test_other_areas(void)
{
	const struct cat_service *s;

	need("account-employee", "identity", CAT_UNIT_ACCOUNT);
	if ((s = need("account-external", "identity", CAT_UNIT_ACCOUNT)) != NULL)
		tap_ok(has_field(s, "expires", CAT_FIELD_DATE), "  an expiry date");
	if ((s = need("account-admin", "identity", CAT_UNIT_ACCOUNT)) != NULL)
		tap_ok(s->s_approvals & CAT_APPROVE_ARCHITECT, "  an architect approves");
	need("access-business-system", "identity", CAT_UNIT_ORDER);
	need("system-operation", "systems", CAT_UNIT_SYSTEM);
	need("file-share-backup", "systems", CAT_UNIT_SYSTEM);
	need("network-port", "infrastructure", CAT_UNIT_ORDER);
	need("wifi-premises", "infrastructure", CAT_UNIT_DEVICE);
	need("remote-access", "infrastructure", CAT_UNIT_ACCOUNT);
	need("switchboard-user", "infrastructure", CAT_UNIT_ACCOUNT);
	if ((s = need("onsite-visit", "support", CAT_UNIT_ORDER)) != NULL) {
		tap_ok(has_field(s, "visit_date", CAT_FIELD_DATE) &&
				has_field(s, "block", CAT_FIELD_CHOICE),
			"  a date and a block");
		tap_ok(s->s_nfields > 1 && s->s_fields[1].f_nchoices == 2 &&
				strcmp(s->s_fields[1].f_choices[0], "förmiddag") == 0 &&
				strcmp(s->s_fields[1].f_choices[1], "eftermiddag") == 0,
			"  förmiddag or eftermiddag");
	}
	if ((s = need("installation", "support", CAT_UNIT_HOUR)) != NULL)
		tap_ok(cat_price_on(s, CAT_PRICE_HOURLY, "BEN", day(2026, 7, 1)) > 0,
			"  an hourly price");
}

static void
test_basit(void)
{
	static const char *const codes[] = {
		"basit-datacenter", "basit-network", "basit-security"};
	const struct cat_service *s;
	size_t i;

	for (i = 0; i < 3; i++) {
		if ((s = need(codes[i], "infrastructure", CAT_UNIT_YEAR)) == NULL)
			continue;
		tap_ok(s->s_charging == CAT_CHARGE_BASIT && s->s_ntenants == 4,
			"  Bas-IT, shared by all four");
		tap_ok(cat_price_on(s, CAT_PRICE_YEARLY, NULL, day(2026, 7, 1)) > 0,
			"  a yearly price");
	}
}

/* Counts over the whole catalogue. */
static void
test_whole(void)
{
	static const char *const areas[] = {
		"infrastructure", "systems", "identity", "workplace", "support"};
	const struct cat_service *s;
	size_t i, j, n, partial = 0, addons = 0, overrides = 0, unpriced = 0;

	tap_ok(cat->c_nservices >= 30 && cat->c_nservices <= 50, "30-50 services (%zu)",
		cat->c_nservices);
	for (j = 0; j < 5; j++) {
		for (i = 0, n = 0; i < cat->c_nservices; i++)
			n += strcmp(cat->c_services[i].s_area, areas[j]) == 0;
		tap_ok(n >= 3, "area %s has services (%zu)", areas[j], n);
	}
	for (i = 0; i < cat->c_nservices; i++) {
		s = &cat->c_services[i];
		partial += s->s_ntenants < 4;
		addons += s->s_addon != 0;
		for (j = 0; j < s->s_nprices; j++)
			overrides += s->s_prices[j].p_tenant[0] != '\0';
		/* Charged per device, account or system: a price in every tenant. */
		for (j = 0; s->s_unit <= CAT_UNIT_SYSTEM && j < s->s_ntenants; j++)
			unpriced += monthly(s, s->s_tenants[j], day(2026, 7, 1)) <= 0;
		if (s->s_name_en[0] == '\0' || s->s_description[0] == '\0')
			tap_ok(0, "%s has an English name and a description", s->s_code);
	}
	tap_ok(partial >= 2, "services offered in only some municipalities (%zu)", partial);
	tap_ok(cat_find(cat, "system-booking-ben") != NULL &&
			cat_find(cat, "system-booking-ben")->s_ntenants == 1,
		"a Bengtsfors-only system");
	tap_ok(addons >= 1, "add-ons for advanced users (%zu)", addons);
	tap_ok(overrides >= 1, "tenant price overrides (%zu)", overrides);
	TAP_IS_INT(
		unpriced, 0, "every monthly service priced in every tenant it is offered in");
}

int
main(void)
{
	struct cat_catalogue *c = NULL;
	struct cat_errors errs;
	char *text;
	size_t len, i;

	if (!tap_ok((text = cat_test_read("catalogue/dalsland.yaml", &len)) != NULL,
		    "catalogue/dalsland.yaml read"))
		return tap_done();
	if (!tap_ok(cat_test_parse(text, len, &c, &errs) == 0, "it parses")) {
		for (i = 0; i < errs.es_n && i < 20; i++)
			tap_diag("%d:%d: %s", errs.es_list[i].e_line, errs.es_list[i].e_column,
				errs.es_list[i].e_msg);
		cat_errors_free(&errs);
		free(text);
		return tap_done();
	}
	cat = c;
	test_whole();
	test_workplace();
	test_other_areas();
	test_basit();
	cat_catalogue_free(c);
	free(text);
	return tap_done();
}
