/*
 * cat_parse.c: broken catalogue files, each problem expected at its exact
 * line and column, and all of them reported, not only the first.  Columns
 * count characters, so "När" is three.
 */
#include <stdlib.h>
#include <string.h>

#include "cat_test.h"
#include "tap.h"

/* Lines 1-5: the top and one area. */
#define HEAD "version: 1\nareas:\n- code: workplace\n  name: IT-arbetsplats\nservices:\n"
/* Lines 6-8 and 9-15 of a service; PRICE is line 16-17. */
#define SVC "- code: laptop\n  area: workplace\n  name: Dator\n"
#define REST                                                                                   \
	"  queue: first_line\n  maturity: 3\n  charging: consumption\n  unit: device\n"        \
	"  order: manager\n  offer:\n    tenants: [AMA, BEN]\n"
#define PRICE "  prices:\n  - {kind: monthly, amount: \"450.00\", from: 2026-01-01}\n"

struct want {
	int line, column;
	const char *text; /* a part of the message */
};

struct parse_case {
	const char *name;
	const char *yaml;
	struct want errs[10];
};

static const struct parse_case cases[] = {
	{"unknown, repeated and missing keys",
		HEAD
		"- code: laptop\n  area: workplace\n  colour: red\n  queue: first_line\n"
		"  queue: network\n  maturity: 3\n  charging: consumption\n  unit: device\n"
		"  order: manager\n  offer:\n    tenants: [AMA]\n    size: big\n  prices:\n"
		"  - {kind: monthly, amount: \"450.00\", from: 2026-01-01, note: x}\n",
		{{6, 3, "missing key 'name' in a service"},
			{8, 3, "unknown key 'colour' in a service"},
			{10, 3, "key 'queue' appears twice"},
			{17, 5, "unknown key 'size' in 'offer'"},
			{19, 57, "unknown key 'note' in a price"}}},
	{"wrong types",
		HEAD
		"- code: laptop\n  area: workplace\n  name: [Dator]\n  queue: first_line\n"
		"  maturity: \"3\"\n  charging: consumption\n  unit: device\n  order: manager\n"
		"  offer:\n    tenants: AMA\n    addon: yes\n  prices: {kind: monthly}\n",
		{{8, 9, "'name' must be a single value, not a list"},
			{10, 13, "'maturity' must be a whole number, written without quotes"},
			{15, 14, "'tenants' must be a list"},
			{16, 12, "'addon' must be true or false (got 'yes')"},
			{17, 11, "'prices' must be a list"}}},
	{"codes, references, enums",
		HEAD "- code: Laptop_1\n  area: nowhere\n  name: Dator\n  queue: sales\n"
		     "  maturity: 5\n  charging: free\n  unit: device\n  order: manager\n"
		     "  approvals: [manager, boss, manager]\n  offer:\n"
		     "    tenants: [AMA, XYZ, AMA, ama]\n" PRICE,
		{{6, 9, "service code 'Laptop_1' is not 2..47 of a-z, 0-9, -"},
			{7, 9, "no area 'nowhere' in 'areas'"},
			{9, 10, "unknown queue 'sales'"},
			{10, 13, "'maturity' must be 0..4 (got 5)"},
			{11, 13, "'charging' must be one of consumption, basit (got 'free')"},
			{14, 24, "'approvals' must be one of manager, architect (got 'boss')"},
			{14, 30, "approval 'manager' is listed twice"},
			{16, 20, "unknown tenant 'XYZ'"},
			{16, 25, "tenant 'AMA' is listed twice"},
			{16, 30, "'ama' is not a valid tenant"}}},
	{"more references",
		HEAD SVC REST
		"    roles: [manager, cashier]\n    departments: [SOC, soc]\n" PRICE
		"- code: workplace\n  area: workplace\n  name: Dator\n" REST PRICE,
		{{16, 22, "unknown role 'cashier'"},
			{17, 24, "'soc' is not a valid department"},
			{20, 9, "code 'workplace' is already used by the area on line 3"}}},
	{"money and dates: every one reported",
		HEAD SVC REST "  prices:\n"
			      "  - {kind: monthly, amount: \"450,00\", from: 2026-01-01}\n"
			      "  - {kind: monthly, amount: 1e3, from: 2026-02-01}\n"
			      "  - {kind: monthly, amount: -5, from: 2026-03-01}\n"
			      "  - {kind: monthly, amount: \"1.234\", from: 2026-04-01}\n"
			      "  - {kind: monthly, amount: 12345678901, from: 2026-05-01}\n"
			      "  - {kind: monthly, amount: \"450.00\", from: 2026-02-29}\n"
			      "  - {kind: monthly, amount: 450, from: 2026-1-1}\n"
			      "  - {kind: weekly, amount: \"450.00\", from: 2026-01-01}\n"
			      "  - {kind: monthly, amount: \"450.00\", from: 2026-01-01}\n",
		{{17, 29, "'amount' must be kronor with a dot and at most two decimals"},
			{18, 29, "(got '1e3')"}, {19, 29, "'amount' -5 is negative"},
			{20, 29, "(got '1.234')"},
			{21, 29, "'amount' 12345678901 is more than 999999999.99 kronor"},
			{22, 45, "'from' must be a date YYYY-MM-DD that exists"},
			{23, 40, "(got '2026-1-1')"}, {24, 12, "(got 'weekly')"}}},
	{"price rules",
		HEAD SVC
		"  queue: first_line\n  maturity: 3\n  charging: consumption\n"
		"  unit: order\n  order: manager\n  offer:\n    tenants: [AMA, BEN]\n"
		"  prices:\n  - {kind: one_time, amount: \"100.00\", from: 2026-01-01}\n"
		"  - {kind: one_time, amount: \"120.00\", from: 2026-01-01}\n"
		"  - {kind: one_time, amount: \"90.00\", from: 2026-01-01, tenant: MEL}\n"
		"  - {kind: hourly, amount: \"500.00\", from: 2026-01-01, tenant: BEN}\n"
		"  - {kind: monthly, amount: \"10.00\", from: 2026-01-01}\n"
		"  - {kind: yearly, amount: \"10.00\", from: 2026-01-01}\n",
		{{18, 5, "a second one_time price from 2026-01-01 (the first is on line 17)"},
			{19, 5, "a price for MEL, but the service is not offered in MEL"},
			{20, 5, "the hourly price for BEN overrides nothing"},
			{21, 5, "a monthly price needs something to count each month"},
			{22, 5, "yearly prices are for Bas-IT (charging: basit)"}}},
	{"Bas-IT rules",
		HEAD "- code: dc\n  area: workplace\n  name: Datacenter\n  queue: third_line\n"
		     "  maturity: 0\n  charging: basit\n  unit: device\n  order: manager\n"
		     "  offer:\n    tenants: [AMA, BEN]\n  prices:\n"
		     "  - {kind: monthly, amount: \"10.00\", from: 2026-01-01}\n"
		     "  - {kind: yearly, amount: \"10.00\", from: 2026-01-01, tenant: AMA}\n",
		{{12, 9, "a Bas-IT service is counted per year (unit: year), not per device"},
			{15, 14, "but MEL is not in 'tenants'"},
			{15, 14, "but FAR is not in 'tenants'"},
			{17, 3, "a Bas-IT service needs a yearly price"},
			{17, 5, "a Bas-IT service has yearly prices only, not monthly"},
			{18, 5, "the yearly price for AMA overrides nothing"},
			{18, 5, "Bas-IT is split equally: no price for AMA alone"}}},
	{"prices a unit needs",
		HEAD SVC
		"  queue: first_line\n  maturity: 3\n  charging: consumption\n"
		"  unit: device\n  order: manager\n  offer:\n    tenants: [AMA]\n"
		"- code: install\n  area: workplace\n  name: Installation\n"
		"  queue: first_line\n  maturity: 3\n  charging: consumption\n"
		"  unit: hour\n  order: manager\n  offer:\n    tenants: [AMA]\n"
		"  prices:\n  - {kind: one_time, amount: \"10.00\", from: 2026-01-01}\n"
		"- code: yearly\n  area: workplace\n  name: Årlig\n  queue: first_line\n"
		"  maturity: 3\n  charging: consumption\n  unit: year\n  order: manager\n"
		"  offer:\n    tenants: [AMA]\n",
		{{6, 3, "a service charged per device needs a monthly price"},
			{27, 3, "a service charged per hour needs an hourly price"},
			{34, 9, "unit year is for Bas-IT services (charging: basit)"}}},
	{"form fields and subtasks",
		HEAD SVC REST PRICE
		"  form:\n"
		"  - {name: user, type: person, label: Användare}\n"
		"  - {name: user, type: text, label: Igen}\n"
		"  - {name: model, type: choice, label: Modell}\n"
		"  - {name: note, type: text, label: Not, choices: [a]}\n"
		"  - {name: count, type: number, label: Antal, min: 5, max: 2}\n"
		"  - {name: when, type: date, label: När, min: 1}\n"
		"  - {name: Bad-Name, type: text, label: X}\n"
		"  - {name: nolabel, type: text}\n"
		"  - {name: empty, type: choice, label: Tom, choices: []}\n"
		"  - {name: zero, type: number, label: Noll, min: 0, max: 0}\n"
		"  - {name: len, type: text, label: Längd, min: -1}\n",
		{{20, 12, "form field 'user' is already on line 19"},
			{21, 5, "a choice field needs 'choices'"},
			{22, 51, "'choices' is for choice fields, not text"},
			{23, 60, "'max' 2 is less than 'min' 5"},
			{24, 47, "'min' is for number and text fields, not date"},
			{25, 12, "field name 'Bad-Name' is not 1..47 of a-z, 0-9, _"},
			{26, 5, "missing key 'label' in a form field"},
			{27, 54, "'choices' is empty"},
			{28, 50, "a range of 0 to 0 reads as no limit"},
			{29, 48, "'min' of a text is a length: not negative"}}},
	{"more form fields and subtasks",
		HEAD SVC REST PRICE
		"  form:\n"
		"  - {name: dup, type: choice, label: Dubbel, choices: [a, b, a, '']}\n"
		"  subtasks:\n  - {queue: sales, title: Gör}\n"
		"  - {queue: identity}\n",
		{{19, 62, "choice 'a' is listed twice"}, {19, 65, "'choice' is empty"},
			{21, 13, "unknown queue 'sales'"},
			{22, 5, "missing key 'title' in a subtask"}}},
	{"the top level", "version: 2\nareas: []\nservices: []\nextra: 1\n",
		{{1, 10, "version 2 is not known"}, {2, 8, "'areas' is empty"},
			{4, 1, "unknown key 'extra' in the catalogue"}}},
	{"missing top keys", "version: 1\n",
		{{1, 1, "missing key 'areas' in the catalogue"},
			{1, 1, "missing key 'services' in the catalogue"}}},
	{"not a mapping", "- a\n- b\n", {{1, 1, "the catalogue must be a mapping"}}},
	{"empty file", "", {{0, 0, "the file is empty"}}},
	{"only a comment", "# nothing here\n", {{0, 0, "the file is empty"}}},
	{"bad indentation", "version: 1\n  bad: indent\n",
		{{2, 6, "YAML syntax: mapping values are not allowed in this context"}}},
	{"a tab", "version: 1\nareas:\n\t- code: x\n",
		{{3, 1, "YAML syntax: found character that cannot start any token"}}},
	{"unclosed flow", "version: 1\nareas: [a, b\n",
		{{3, 1, "YAML syntax: did not find expected ',' or ']'"}}},
	{"an alias",
		"version: 1\nareas:\n- &a {code: workplace, name: IT}\n- *a\nservices: []\n",
		{{4, 3, "alias *a: write the value out"}}},
	{"two documents", "version: 1\n---\nversion: 1\n",
		{{2, 1, "a second YAML document: one is read"}}},
	{"an SLA of its own",
		HEAD SVC REST
		"  sla: {calendar: Dals, response_minutes: 0}\n" PRICE
		"- code: phone\n  area: workplace\n  name: Telefon\n" REST
		"  sla: {calendar: dalsland, resolution_minutes: 600000, colour: red}\n" PRICE,
		{{16, 8, "missing key 'resolution_minutes' in 'sla'"},
			{16, 19, "'Dals' is not a valid calendar"},
			{16, 43, "'response_minutes' must be 1..527040 minutes (got 0)"},
			{29, 49, "'resolution_minutes' must be 1..527040 minutes (got 600000)"},
			{29, 57, "unknown key 'colour' in 'sla'"}}},
	{"a NUL", HEAD "- code: laptop\n  area: workplace\n  name: \"Dat\\0or\"\n" REST PRICE,
		{{8, 9, "'name' contains a NUL character"}}},
};

static void
check_case(const struct parse_case *c)
{
	struct cat_catalogue *cat = NULL;
	struct cat_errors errs;
	size_t i, n = 0;
	int r;

	while (n < sizeof(c->errs) / sizeof(c->errs[0]) && c->errs[n].text != NULL)
		n++;
	r = cat_test_parse(c->yaml, strlen(c->yaml), &cat, &errs);
	tap_ok(r == -1 && cat == NULL, "%s: refused", c->name);
	if (!tap_ok(errs.es_n == n, "%s: %zu problems", c->name, n))
		for (i = 0; i < errs.es_n; i++)
			tap_diag("  %d:%d: %s", errs.es_list[i].e_line,
				errs.es_list[i].e_column, errs.es_list[i].e_msg);
	for (i = 0; i < n && i < errs.es_n; i++) {
		if (!tap_ok(errs.es_list[i].e_line == c->errs[i].line &&
				    errs.es_list[i].e_column == c->errs[i].column &&
				    strstr(errs.es_list[i].e_msg, c->errs[i].text) != NULL,
			    "%s: %d:%d %s", c->name, c->errs[i].line, c->errs[i].column,
			    c->errs[i].text))
			tap_diag("  got %d:%d: %s", errs.es_list[i].e_line,
				errs.es_list[i].e_column, errs.es_list[i].e_msg);
	}
	cat_errors_free(&errs);
	cat_catalogue_free(cat);
}

/* The base file, and the forms of values YAML may hand over unquoted. */
static void
test_valid(void)
{
	static const char yaml[] = HEAD SVC REST
		"    roles: [manager]\n    departments: [SOC, BUF]\n    addon: true\n"
		"  prices:\n  - {kind: monthly, amount: 450, from: 2026-01-01}\n"
		"  - {kind: monthly, amount: 0.5, from: '2026-07-01'}\n"
		"  - {kind: monthly, amount: \"430\", from: \"2026-01-01\", tenant: BEN}\n"
		"  - {kind: one_time, amount: 0, from: 2026-01-01}\n";
	struct cat_catalogue *c = NULL;
	struct cat_errors errs = {NULL, 7};
	const struct cat_service *s;

	TAP_IS_INT(cat_test_parse(yaml, strlen(yaml), &c, &errs), 0, "a valid file is read");
	TAP_IS_INT(errs.es_n, 0, "no problems");
	if (c == NULL)
		return;
	s = cat_find(c, "laptop");
	tap_ok(s != NULL, "laptop found");
	tap_ok(cat_find(c, "workplace") == NULL, "an area is no service");
	if (s != NULL && s->s_nprices == 4) {
		/* Sorted: default before BEN, monthly before one_time, by date. */
		TAP_IS_INT(s->s_prices[0].p_ore, 45000, "plain 450 is 450.00");
		TAP_IS_INT(s->s_prices[1].p_ore, 50, "plain 0.5 is 0.50");
		TAP_IS_INT(s->s_prices[1].p_from.d_month, 7, "quoted date");
		TAP_IS_INT(s->s_prices[2].p_ore, 0, "a free one-time price");
		TAP_IS_STR(s->s_prices[3].p_tenant, "BEN", "the override last");
		TAP_IS_INT(s->s_prices[3].p_ore, 43000, "quoted \"430\"");
		TAP_IS_INT(s->s_prices[3].p_line, 22, "its line");
	} else
		tap_ok(0, "four prices");
	if (s != NULL) {
		TAP_IS_STR(s->s_departments[0], "BUF", "departments sorted");
		TAP_IS_INT(s->s_departments[2] == NULL, 1, "NULL-terminated");
		TAP_IS_INT(s->s_addon, 1, "addon");
		TAP_IS_STR(s->s_description, "", "no description is \"\"");
		TAP_IS_INT(s->s_line, 6, "service line");
	}
	cat_catalogue_free(c);
	cat_errors_free(&errs);
}

/* Without lists only the form of tenants, queues and roles is checked. */
static void
test_no_lists(void)
{
	static const char yaml[] = HEAD SVC "  queue: any_queue\n  maturity: 3\n"
					    "  charging: consumption\n  unit: device\n"
					    "  order: manager\n  offer:\n    tenants: [XYZ]\n"
					    "    roles: [whoever]\n" PRICE;
	struct cat_catalogue *c = NULL;

	TAP_IS_INT(cat_parse(yaml, strlen(yaml), NULL, NULL, NULL, &c, NULL), 0,
		"no valid_* lists: any well-formed names");
	cat_catalogue_free(c);
	TAP_IS_INT(cat_test_parse(yaml, strlen(yaml), &c, NULL), -1,
		"with the lists they are refused; errs may be NULL");
	tap_ok(c == NULL, "nothing returned");
}

/* A thousand problems are listed; past that one line says so. */
static void
test_many(void)
{
	struct cat_catalogue *c = NULL;
	struct cat_errors errs;
	size_t i, len = 0;
	char *yaml;

	if ((yaml = malloc(1500 * 16 + 64)) == NULL)
		return;
	len += (size_t)sprintf(yaml, "version: 1\n");
	for (i = 0; i < 1500; i++)
		len += (size_t)sprintf(yaml + len, "k%04zu: x\n", i);
	TAP_IS_INT(cat_test_parse(yaml, len, &c, &errs), -1, "1500 unknown keys refused");
	TAP_IS_INT(errs.es_n, 1001, "1000 listed and a last line");
	if (errs.es_n == 1001) {
		TAP_IS_STR(errs.es_list[999].e_msg, "unknown key 'k0999' in the catalogue",
			"the thousandth");
		TAP_IS_INT(errs.es_list[999].e_line, 1001, "on its line");
		TAP_IS_STR(errs.es_list[1000].e_msg, "502 more problems are not listed",
			"the last line");
		TAP_IS_INT(errs.es_list[1000].e_line, 0, "about no one place");
	}
	cat_errors_free(&errs);
	free(yaml);
}

/* 0 when a parse either succeeded or failed with a reason and a place. */
static int
parse_sane(const char *text, size_t len)
{
	struct cat_catalogue *c = NULL;
	struct cat_errors errs;
	int r, sane;

	r = cat_test_parse(text, len, &c, &errs);
	sane = r == 0 ? c != NULL && errs.es_n == 0 : c == NULL && errs.es_n > 0;
	cat_catalogue_free(c);
	cat_errors_free(&errs);
	return sane ? 0 : -1;
}

/*
 * Every prefix of a file, and the file with each byte replaced by each of
 * a few YAML-significant characters: each read either succeeds or says
 * why; under the sanitizers, nothing crashes or leaks.
 */
static void
test_mangled(void)
{
	static const char base[] = HEAD SVC REST
		"    roles: [manager]\n" PRICE "  form:\n"
		"  - {name: day, type: date, label: Dag, required: true}\n"
		"  - {name: n, type: number, label: N, min: 1, max: 9}\n"
		"  - {name: c, type: choice, label: Val, choices: [förmiddag, eftermiddag]}\n"
		"  subtasks:\n  - {queue: identity, title: Konto}\n";
	static const char repl[] = ":-\n\"'[]{} #&*!|>x0\t";
	char buf[sizeof(base)];
	size_t len = sizeof(base) - 1, i, j, bad = 0, n = 0;

	for (i = 0; i <= len; i++, n++)
		bad += parse_sane(base, i) == -1;
	for (i = 0; i < len; i++)
		for (j = 0; j < sizeof(repl) - 1; j++, n++) {
			memcpy(buf, base, sizeof(base));
			buf[i] = repl[j];
			bad += parse_sane(buf, len) == -1;
		}
	TAP_IS_INT(parse_sane(base, len), 0, "the base file reads");
	TAP_IS_INT(bad, 0, "%zu mangled files: each read or refused with a reason", n);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
	test_valid();
	test_no_lists();
	test_many();
	test_mangled();
	return tap_done();
}
