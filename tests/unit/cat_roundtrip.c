/*
 * cat_roundtrip.c: parse → write → parse gives what the first parse gave,
 * and write → parse → write gives the same bytes: on a synthetic catalogue
 * with every feature and awkward text, on catalogue/dalsland.yaml (whose
 * body is kept in the canonical form), and on one built by hand.  Line
 * numbers are where things stand in a file, so they are not compared.
 */
#include <stdlib.h>
#include <string.h>

#include "cat_test.h"
#include "tap.h"

static const char synthetic[] =
	"# Everything the format has, out of order and in odd spellings.\n"
	"services:\n"
	"- code: zz-last\n"
	"  name: \"true\"\n"
	"  name_en: '123'\n"
	"  area: b-area\n"
	"  description: |\n"
	"    Två rader,\n"
	"    med \"citat\" och: kolon # inte en kommentar\n"
	"  description_en: \"  leading spaces, trailing newlines\\n\\n\"\n"
	"  queue: network\n"
	"  maturity: 0\n"
	"  charging: consumption\n"
	"  unit: hour\n"
	"  order: anyone\n"
	"  approvals: [architect, manager]\n"
	"  offer:\n"
	"    addon: true\n"
	"    departments: [SOC, BUF, A-1]\n"
	"    roles: [tech2, manager, employee]\n"
	"    tenants: [MEL, AMA, BEN]\n"
	"  prices:\n"
	"  - {tenant: MEL, kind: hourly, amount: 700, from: 2027-01-01}\n"
	"  - {kind: hourly, amount: '650.5', from: 2026-01-01}\n"
	"  - {kind: one_time, amount: \"0\", from: 2026-01-01}\n"
	"  - {kind: hourly, amount: 675.00, from: 2026-07-01}\n"
	"  - {kind: one_time, amount: 99.99, from: 2026-01-01, tenant: AMA}\n"
	"  form:\n"
	"  - {type: choice, name: z_first, label: 'Val: ett', choices: ['yes', 'no', '1', "
	"'null', förmiddag, 'a, b', '#x', '- y']}\n"
	"  - name: n\n    type: number\n    label: Tal\n    min: -5\n"
	"  - {name: m, type: number, label: M, max: -1, required: true}\n"
	"  - {name: r, type: number, label: R, min: -10, max: 10}\n"
	"  - {name: z, type: number, label: Z, min: 0}\n"
	"  - {name: t, type: text, label: T, label_en: T en, min: 0, max: 5}\n"
	"  - {name: u, type: text, label: U, min: 3}\n"
	"  - {name: d, type: date, label: D, required: false}\n"
	"  - {name: p, type: person, label: '@person'}\n"
	"  - {name: c, type: cost_centre, label: 'Kostnadsställe'}\n"
	"  - {name: b, type: boolean, label: 'off'}\n"
	"  subtasks:\n"
	"  - {title: 'Första: ring', queue: telephony}\n"
	"  - {title: '2026-07-01', queue: identity}\n"
	"- code: basit-x\n"
	"  area: a-area\n"
	"  name: Bas-IT X\n"
	"  queue: third_line\n"
	"  maturity: 4\n"
	"  charging: basit\n"
	"  unit: year\n"
	"  order: manager\n"
	"  sla: {resolution_minutes: 4800, calendar: '24x7'}\n"
	"  offer: {tenants: [FAR, MEL, BEN, AMA]}\n"
	"  prices:\n"
	"  - {kind: yearly, amount: 999999999.99, from: 2200-12-31}\n"
	"  - {kind: yearly, amount: \"1200000\", from: 1900-01-01}\n"
	"- code: '00'\n"
	"  area: a-area\n"
	"  name: 'Noll: ~'\n"
	"  queue: first_line\n"
	"  maturity: 2\n"
	"  charging: consumption\n"
	"  unit: account\n"
	"  order: manager\n"
	"  offer: {tenants: [AMA]}\n"
	"  prices: [{kind: monthly, amount: 1, from: 2026-01-01}]\n"
	"version: 1\n"
	"areas:\n"
	"- {code: b-area, name: Område B, name_en: ''}\n"
	"- {code: a-area, name: 'Null', name_en: ~}\n";

/* Compares two catalogues in everything but line numbers. */
#define SAME(cond, what)                                                                       \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			tap_diag("  differs: %s %s", where, what);                             \
			return 0;                                                              \
		}                                                                              \
	} while (0)

static int
same_strings(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t i;

	if (na != nb || (na > 0 && (a == NULL || b == NULL)))
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return (a == NULL || a[na] == NULL) && (b == NULL || b[nb] == NULL);
}

static int
same_lists(const struct cat_service *x, const struct cat_service *y, const char *where)
{
	const struct cat_field *f, *g;
	size_t i;

	SAME(x->s_nprices == y->s_nprices, "price count");
	for (i = 0; i < x->s_nprices; i++) {
		SAME(x->s_prices[i].p_kind == y->s_prices[i].p_kind, "price kind");
		SAME(x->s_prices[i].p_ore == y->s_prices[i].p_ore, "amount");
		SAME(cat_date_cmp(x->s_prices[i].p_from, y->s_prices[i].p_from) == 0, "from");
		SAME(strcmp(x->s_prices[i].p_tenant, y->s_prices[i].p_tenant) == 0, "tenant");
	}
	SAME(x->s_nfields == y->s_nfields, "field count");
	for (i = 0; i < x->s_nfields; i++) {
		f = &x->s_fields[i];
		g = &y->s_fields[i];
		SAME(strcmp(f->f_name, g->f_name) == 0 && f->f_type == g->f_type, "field");
		SAME(f->f_required == g->f_required, "required");
		SAME(strcmp(f->f_label, g->f_label) == 0, "label");
		SAME(strcmp(f->f_label_en, g->f_label_en) == 0, "label_en");
		SAME(f->f_min == g->f_min && f->f_max == g->f_max, "range");
		SAME(same_strings(f->f_choices, f->f_nchoices, g->f_choices, g->f_nchoices),
			"choices");
	}
	SAME(x->s_nsubtasks == y->s_nsubtasks, "subtask count");
	for (i = 0; i < x->s_nsubtasks; i++) {
		SAME(strcmp(x->s_subtasks[i].st_queue, y->s_subtasks[i].st_queue) == 0,
			"queue");
		SAME(strcmp(x->s_subtasks[i].st_title, y->s_subtasks[i].st_title) == 0,
			"title");
	}
	return 1;
}

static int
same_service(const struct cat_service *x, const struct cat_service *y)
{
	const char *where = x->s_code;
	size_t i;

	SAME(strcmp(x->s_code, y->s_code) == 0 && strcmp(x->s_area, y->s_area) == 0, "code");
	SAME(strcmp(x->s_name, y->s_name) == 0 && strcmp(x->s_name_en, y->s_name_en) == 0,
		"name");
	SAME(strcmp(x->s_description, y->s_description) == 0, "description");
	SAME(strcmp(x->s_description_en, y->s_description_en) == 0, "description_en");
	SAME(strcmp(x->s_queue, y->s_queue) == 0 && x->s_maturity == y->s_maturity, "queue");
	SAME(x->s_charging == y->s_charging && x->s_unit == y->s_unit, "charging");
	SAME(x->s_order == y->s_order && x->s_approvals == y->s_approvals, "order");
	SAME(strcmp(x->s_sla.sl_calendar, y->s_sla.sl_calendar) == 0 &&
			x->s_sla.sl_response == y->s_sla.sl_response &&
			x->s_sla.sl_resolution == y->s_sla.sl_resolution,
		"sla");
	SAME(x->s_ntenants == y->s_ntenants && x->s_addon == y->s_addon, "offer");
	for (i = 0; i < x->s_ntenants; i++)
		SAME(strcmp(x->s_tenants[i], y->s_tenants[i]) == 0, "tenant");
	SAME(same_strings(x->s_roles, x->s_nroles, y->s_roles, y->s_nroles), "roles");
	SAME(same_strings(
		     x->s_departments, x->s_ndepartments, y->s_departments, y->s_ndepartments),
		"departments");
	return same_lists(x, y, where);
}

static int
same_catalogue(const struct cat_catalogue *x, const struct cat_catalogue *y)
{
	const char *where = "catalogue";
	size_t i;

	SAME(x->c_version == y->c_version, "version");
	SAME(x->c_nareas == y->c_nareas && x->c_nservices == y->c_nservices, "counts");
	for (i = 0; i < x->c_nareas; i++) {
		SAME(strcmp(x->c_areas[i].a_code, y->c_areas[i].a_code) == 0, "area code");
		SAME(strcmp(x->c_areas[i].a_name, y->c_areas[i].a_name) == 0, "area name");
		SAME(strcmp(x->c_areas[i].a_name_en, y->c_areas[i].a_name_en) == 0, "area en");
	}
	for (i = 0; i < x->c_nservices; i++)
		if (!same_service(&x->c_services[i], &y->c_services[i]))
			return 0;
	return 1;
}

static struct cat_catalogue *
parse_or_diag(const char *what, const char *text, size_t len)
{
	struct cat_catalogue *c = NULL;
	struct cat_errors errs;
	size_t i;

	if (!tap_ok(cat_test_parse(text, len, &c, &errs) == 0, "%s parses", what))
		for (i = 0; i < errs.es_n && i < 10; i++)
			tap_diag("  %d:%d: %s", errs.es_list[i].e_line,
				errs.es_list[i].e_column, errs.es_list[i].e_msg);
	cat_errors_free(&errs);
	return c;
}

/* parse → write → parse → write; *text1 is the first writing (freed by caller). */
static struct cat_catalogue *
round_trip(const char *what, const char *text, size_t len, char **text1, size_t *len1)
{
	struct cat_catalogue *c1, *c2 = NULL;
	char *text2 = NULL;
	size_t len2 = 0;

	*text1 = NULL;
	if ((c1 = parse_or_diag(what, text, len)) == NULL)
		return NULL;
	tap_ok(cat_write(c1, text1, len1) == 0 && *text1 != NULL, "%s: written", what);
	if (*text1 != NULL && (c2 = parse_or_diag("the writing", *text1, *len1)) != NULL) {
		tap_ok(same_catalogue(c1, c2), "%s: parse(write(parse)) == parse", what);
		tap_ok(cat_write(c2, &text2, &len2) == 0, "%s: written again", what);
		tap_ok(text2 != NULL && len2 == *len1 && memcmp(*text1, text2, len2) == 0,
			"%s: write(parse(write)) == write, byte for byte", what);
	}
	free(text2);
	cat_catalogue_free(c2);
	return c1;
}

/* The canonical spellings: the top, names and the offer. */
static void
spellings_top(const char *text)
{
	static const char head[] = "version: 1\nareas:\n- code: a-area\n  name: \"Null\"\n"
				   "  name_en: \"\"\n- code: b-area\n";

	tap_ok(strncmp(text, head, strlen(head)) == 0,
		"version first, areas by code, typed-looking text quoted, ~ is empty");
	tap_ok(strstr(text, "\n- code: \"00\"\n") != NULL, "a numeric code quoted");
	tap_ok(strstr(text, "  name: \"true\"\n  name_en: \"123\"\n") != NULL,
		"boolean- and number-looking names quoted");
	tap_ok(strstr(text,
		       "  description: |\n    Två rader,\n    med \"citat\" och: kolon # "
		       "inte en kommentar\n") != NULL,
		"a multi-line description as a literal block, UTF-8 unescaped");
	tap_ok(strstr(text, "  approvals: [manager, architect]\n") != NULL,
		"approvals in order");
	tap_ok(strstr(text,
		       "    tenants: [AMA, BEN, MEL]\n    roles: [employee, manager, tech2]\n"
		       "    departments: [A-1, BUF, SOC]\n    addon: true\n") != NULL,
		"offer lists sorted");
}

/* The canonical spellings: prices, form fields and subtasks. */
static void
spellings_lists(const char *text)
{
	tap_ok(strstr(text,
		       "  prices:\n"
		       "  - {kind: one_time, amount: \"0.00\", from: 2026-01-01}\n"
		       "  - {kind: hourly, amount: \"650.50\", from: 2026-01-01}\n"
		       "  - {kind: hourly, amount: \"675.00\", from: 2026-07-01}\n"
		       "  - {kind: one_time, amount: \"99.99\", from: 2026-01-01, tenant: "
		       "AMA}\n"
		       "  - {kind: hourly, amount: \"700.00\", from: 2027-01-01, tenant: "
		       "MEL}\n") != NULL,
		"prices: default first, by tenant, kind and date; amounts quoted");
	tap_ok(strstr(text,
		       "  - {name: z_first, type: choice, label: 'Val: ett', required: false, "
		       "choices: [\"yes\", \"no\", \"1\", \"null\", förmiddag, 'a, b', "
		       "'#x', '- y']}\n") != NULL,
		"a choice field in its own order, choices quoted when needed");
	tap_ok(strstr(text,
		       "  - {name: \"n\", type: number, label: Tal, required: false, min: -5}\n"
		       "  - {name: m, type: number, label: M, required: true, max: -1}\n"
		       "  - {name: r, type: number, label: R, required: false, min: -10, max: "
		       "10}\n"
		       "  - {name: z, type: number, label: Z, required: false, min: 0}\n"
		       "  - {name: t, type: text, label: T, label_en: T en, required: false, "
		       "max: 5}\n"
		       "  - {name: u, type: text, label: U, required: false, min: 3}\n") !=
			NULL,
		"ranges written the way they read back");
	tap_ok(strstr(text,
		       "  subtasks:\n  - {queue: telephony, title: 'Första: ring'}\n"
		       "  - {queue: identity, title: \"2026-07-01\"}\n") != NULL,
		"subtasks in their own order");
	tap_ok(strstr(text,
		       "  prices:\n  - {kind: yearly, amount: \"1200000.00\", from: "
		       "1900-01-01}\n"
		       "  - {kind: yearly, amount: \"999999999.99\", from: 2200-12-31}\n") !=
			NULL,
		"the extremes of money and dates");
	tap_ok(strstr(text,
		       "  approvals: []\n  offer:\n    tenants: [AMA]\n    roles: []\n"
		       "    departments: []\n    addon: false\n") != NULL,
		"empty lists written as []");
	tap_ok(strstr(text,
		       "  approvals: []\n  sla: {calendar: \"24x7\", resolution_minutes: "
		       "4800}\n  offer:\n") != NULL,
		"an SLA between approvals and offer, only when there is one");
	tap_ok(strstr(text, "  description: \"\"\n  description_en: \"\"\n") != NULL,
		"no description written as \"\"");
	tap_ok(strstr(text,
		       "  description_en: |2+\n      leading spaces, trailing newlines\n\n") !=
			NULL,
		"leading spaces and trailing newlines kept by the block's indicators");
	tap_ok(strstr(text, "#") == strstr(text, "# inte en kommentar"),
		"comments are not kept");
}

static void
test_synthetic(void)
{
	struct cat_catalogue *c;
	char *text;
	size_t len;

	if ((c = round_trip("synthetic", synthetic, strlen(synthetic), &text, &len)) == NULL)
		return;
	if (text != NULL) {
		spellings_top(text);
		spellings_lists(text);
	}
	free(text);
	cat_catalogue_free(c);
}

/* Skips the comment lines (and blank lines) the file starts with. */
static const char *
body_of(const char *text)
{
	while (*text == '#' || *text == '\n') {
		while (*text != '\0' && *text != '\n')
			text++;
		if (*text == '\n')
			text++;
	}
	return text;
}

static void
test_dalsland(void)
{
	struct cat_catalogue *c;
	const char *body;
	char *file, *text;
	size_t len, flen;

	if (!tap_ok((file = cat_test_read("catalogue/dalsland.yaml", &flen)) != NULL,
		    "catalogue/dalsland.yaml read (SDESK_TOP or the current directory)"))
		return;
	if ((c = round_trip("dalsland.yaml", file, flen, &text, &len)) != NULL) {
		body = body_of(file);
		if (!tap_ok(strlen(body) == len && memcmp(body, text, len) == 0,
			    "dalsland.yaml below its comment is in the canonical form"))
			tap_diag("  write it back with cat_write and keep the comment on top");
		free(text);
		cat_catalogue_free(c);
	}
	free(file);
}

/* A catalogue built by hand with malloc'd parts, in no order at all. */
static struct cat_catalogue *
build_by_hand(void)
{
	struct cat_catalogue *c;
	struct cat_service *s;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
		(c->c_areas = calloc(2, sizeof(*c->c_areas))) == NULL ||
		(c->c_services = calloc(2, sizeof(*c->c_services))) == NULL)
		return c;
	c->c_version = 1;
	c->c_nareas = 2;
	strcpy(c->c_areas[0].a_code, "zeta");
	strcpy(c->c_areas[0].a_name, "Zeta");
	strcpy(c->c_areas[1].a_code, "alpha");
	strcpy(c->c_areas[1].a_name, "Alfa");
	c->c_nservices = 2;
	strcpy(c->c_services[0].s_code, "yy");
	strcpy(c->c_services[1].s_code, "xx");
	for (s = c->c_services; s < c->c_services + 2; s++) {
		strcpy(s->s_area, "alpha");
		strcpy(s->s_name, "Tjänst");
		strcpy(s->s_queue, "first_line");
		s->s_unit = CAT_UNIT_DEVICE;
		s->s_approvals = CAT_APPROVE_ARCHITECT | CAT_APPROVE_MANAGER;
		if ((s->s_tenants = calloc(2, sizeof(*s->s_tenants))) == NULL ||
			(s->s_prices = calloc(2, sizeof(*s->s_prices))) == NULL)
			return c;
		s->s_ntenants = 2;
		strcpy(s->s_tenants[0], "MEL");
		strcpy(s->s_tenants[1], "BEN");
		s->s_nprices = 2;
		s->s_prices[0].p_ore = 43000;
		s->s_prices[0].p_from = (struct cat_date){2026, 1, 1};
		strcpy(s->s_prices[0].p_tenant, "BEN");
		s->s_prices[1].p_ore = 45000;
		s->s_prices[1].p_from = (struct cat_date){2026, 1, 1};
	}
	return c;
}

static void
test_by_hand(void)
{
	struct cat_catalogue *c = build_by_hand(), *back = NULL;
	const struct cat_service *s;
	char *text = NULL;
	size_t len;

	if (!tap_ok(c != NULL && c->c_nservices == 2 && c->c_services[1].s_nprices == 2,
		    "built by hand")) {
		cat_catalogue_free(c);
		return;
	}
	tap_ok(cat_write(c, &text, &len) == 0, "a hand-built catalogue is written");
	if (text != NULL &&
		(back = parse_or_diag("the hand-built writing", text, len)) != NULL) {
		TAP_IS_STR(back->c_areas[0].a_code, "alpha", "areas sorted");
		TAP_IS_STR(back->c_services[0].s_code, "xx", "services sorted");
		s = &back->c_services[0];
		TAP_IS_STR(s->s_tenants[0], "BEN", "tenants sorted");
		TAP_IS_STR(s->s_prices[0].p_tenant, "", "the default price first");
		TAP_IS_INT(s->s_approvals, CAT_APPROVE_MANAGER | CAT_APPROVE_ARCHITECT,
			"approvals");
		TAP_IS_STR(s->s_description, "", "a NULL description is written as \"\"");
		tap_ok(s->s_roles != NULL && s->s_roles[0] == NULL,
			"NULL roles read back as empty");
	}
	free(text);
	cat_catalogue_free(back);
	/* What the parser would refuse is not written. */
	c->c_services[0].s_unit = (enum cat_unit)42;
	text = (char *)1;
	TAP_IS_INT(cat_write(c, &text, &len), -1, "an unknown unit is not written");
	tap_ok(text == NULL && len == 0, "nothing returned");
	c->c_services[0].s_unit = CAT_UNIT_DEVICE;
	c->c_services[0].s_prices[0].p_ore = -1;
	TAP_IS_INT(cat_write(c, &text, &len), -1, "a negative amount is not written");
	cat_catalogue_free(c);
}

int
main(void)
{
	test_synthetic();
	test_dalsland();
	test_by_hand();
	return tap_done();
}
