/*
 * cat_form.c: answers to an order form, field type by field type: what
 * fits, what is refused, and that the refusal names the field in Swedish
 * and in English.
 */
#include <string.h>

#include "cat_test.h"
#include "tap.h"

static const char yaml[] =
	"version: 1\n"
	"areas:\n- {code: support, name: Support}\n"
	"services:\n"
	"- code: visit\n  area: support\n  name: Platsbesök\n  queue: first_line\n"
	"  maturity: 3\n  charging: consumption\n  unit: order\n  order: anyone\n"
	"  offer: {tenants: [AMA]}\n"
	"  form:\n"
	"  - {name: user, type: person, label: Användare, label_en: User, required: true}\n"
	"  - {name: cc, type: cost_centre, label: Kostnadsställe, label_en: Cost centre, "
	"required: true}\n"
	"  - {name: day, type: date, label: Datum, label_en: Date, required: true}\n"
	"  - {name: block, type: choice, label: Tid, label_en: Time, required: true, "
	"choices: [förmiddag, eftermiddag]}\n"
	"  - {name: count, type: number, label: Antal, label_en: Count, min: 1, max: 24}\n"
	"  - {name: below, type: number, label: Under, label_en: Below, max: 0}\n"
	"  - {name: above, type: number, label: Över, label_en: Above, min: 0}\n"
	"  - {name: any, type: number, label: Valfritt, label_en: Any}\n"
	"  - {name: reason, type: text, label: Anledning, label_en: Reason, max: 10}\n"
	"  - {name: title, type: text, label: Rubrik, label_en: Title, min: 2}\n"
	"  - {name: note, type: text, label: Anteckning}\n"
	"  - {name: ok, type: boolean, label: Godkänt, label_en: Approved}\n";

static const struct cat_service *svc;

/* The four required answers, then one more (name = NULL: none). */
static int
check(const char *name, const char *value, struct cat_form_error *err)
{
	struct cat_answer a[5] = {{"user", "42"}, {"cc", "1100"}, {"day", "2026-07-01"},
		{"block", "förmiddag"}, {name, value}};
	size_t i;

	/* A later answer for a required field replaces the default one. */
	for (i = 0; name != NULL && i < 4; i++)
		if (strcmp(a[i].an_name, name) == 0) {
			a[i].an_value = value;
			return cat_form_check(svc, a, 4, err);
		}
	return cat_form_check(svc, a, name != NULL ? 5 : 4, err);
}

static void
good(const char *name, const char *value)
{
	struct cat_form_error err;

	if (!tap_ok(check(name, value, &err) == 0, "%s = '%s' fits", name, value))
		tap_diag("  %s: %s", err.fe_field, err.fe_msg_en);
}

/* Refused, on field, with the Swedish and English messages as given. */
static void
bad(const char *name, const char *value, const char *field, const char *sv, const char *en)
{
	struct cat_form_error err;

	if (!tap_ok(check(name, value, &err) == -1, "%s = '%s' is refused", name, value))
		return;
	TAP_IS_STR(err.fe_field, field, "  on field %s", field);
	TAP_IS_STR(err.fe_msg_sv, sv, "  sv: %s", sv);
	TAP_IS_STR(err.fe_msg_en, en, "  en: %s", en);
}

static void
test_people_and_dates(void)
{
	good(NULL, NULL);
	good("user", "anna.svensson");
	good("user", "adm-anna");
	good("user", "k.nilsson@amal.se");
	bad("user", "-1", "user", "Användare: ange en person (id eller användarnamn).",
		"User: enter a person (id or user name).");
	bad("user", "Anna", "user", "Användare: ange en person (id eller användarnamn).",
		"User: enter a person (id or user name).");
	bad("user", "", "user", "Användare: fältet måste fyllas i.",
		"User: this field is required.");
	bad("user", NULL, "user", "Användare: fältet måste fyllas i.",
		"User: this field is required.");
	good("cc", "KC-12");
	bad("cc", "kc12", "cc", "Kostnadsställe: ange ett kostnadsställe (id eller kod).",
		"Cost centre: enter a cost centre (id or code).");
	bad("cc", "ABCDEFGHIJKLMNOPQ", "cc",
		"Kostnadsställe: ange ett kostnadsställe (id eller kod).",
		"Cost centre: enter a cost centre (id or code).");
	good("day", "2028-02-29");
	bad("day", "2026-02-29", "day", "Datum: ange ett datum som finns, ÅÅÅÅ-MM-DD.",
		"Date: enter a date that exists, YYYY-MM-DD.");
	bad("day", "1/7 2026", "day", "Datum: ange ett datum som finns, ÅÅÅÅ-MM-DD.",
		"Date: enter a date that exists, YYYY-MM-DD.");
	good("block", "eftermiddag");
	bad("block", "kväll", "block", "Tid: välj ett av förmiddag, eftermiddag.",
		"Time: choose one of förmiddag, eftermiddag.");
	bad("block", "Förmiddag", "block", "Tid: välj ett av förmiddag, eftermiddag.",
		"Time: choose one of förmiddag, eftermiddag.");
}

static void
test_numbers(void)
{
	good("count", "1");
	good("count", "24");
	good("count", "007");
	bad("count", "0", "count", "Antal: ett tal från 1 till 24.",
		"Count: a number from 1 to 24.");
	bad("count", "25", "count", "Antal: ett tal från 1 till 24.",
		"Count: a number from 1 to 24.");
	bad("count", "1.5", "count", "Antal: skriv ett heltal.",
		"Count: enter a whole number.");
	bad("count", "tre", "count", "Antal: skriv ett heltal.",
		"Count: enter a whole number.");
	bad("count", " 3", "count", "Antal: skriv ett heltal.", "Count: enter a whole number.");
	good("below", "-99999");
	good("below", "0");
	bad("below", "1", "below", "Under: högst 0.", "Below: at most 0.");
	good("above", "999999999999");
	bad("above", "-1", "above", "Över: minst 0.", "Above: at least 0.");
	good("any", "-123456789012345678");
	bad("any", "1234567890123456789", "any", "Valfritt: skriv ett heltal.",
		"Any: enter a whole number.");
}

static void
test_text(void)
{
	static char long_text[CAT_TEXT_MAX + 1];

	good("reason", "åäöåäöåäöå");
	bad("reason", "åäöåäöåäöåä", "reason", "Anledning: högst 10 tecken (nu 11).",
		"Reason: at most 10 characters (now 11).");
	bad("reason", "\xff", "reason", "Anledning: texten innehåller ogiltiga tecken.",
		"Reason: the text contains invalid characters.");
	bad("reason", "\xc3\xa4\xe2\x82", "reason",
		"Anledning: texten innehåller ogiltiga tecken.",
		"Reason: the text contains invalid characters.");
	good("title", "Ok");
	good("title", "");
	bad("title", "a", "title", "Rubrik: skriv minst 2 tecken.",
		"Title: write at least 2 characters.");
	memset(long_text, 'x', CAT_TEXT_MAX - 1);
	good("note", long_text);
	long_text[CAT_TEXT_MAX - 1] = 'x';
	/* No label_en: the English message names the field by its label. */
	bad("note", long_text, "note", "Anteckning: högst 3999 tecken (nu 4000).",
		"Anteckning: at most 3999 characters (now 4000).");
	good("ok", "true");
	good("ok", "false");
	bad("ok", "yes", "ok", "Godkänt: svara ja eller nej (true eller false).",
		"Approved: answer yes or no (true or false).");
}

static void
test_names(void)
{
	struct cat_answer twice[] = {{"user", "42"}, {"cc", "1100"}, {"day", "2026-07-01"},
		{"block", "förmiddag"}, {"user", "43"}};
	struct cat_answer nameless[] = {{NULL, "x"}};
	struct cat_form_error err;

	bad("colour", "red", "colour", "Formuläret har inget fält som heter colour.",
		"The form has no field called colour.");
	TAP_IS_INT(cat_form_check(svc, twice, 5, &err), -1, "an answer twice is refused");
	TAP_IS_STR(err.fe_field, "user", "  on user");
	TAP_IS_STR(err.fe_msg_en, "The field user is answered more than once.", "  en");
	TAP_IS_STR(err.fe_msg_sv, "Fältet user är besvarat mer än en gång.", "  sv");
	TAP_IS_INT(cat_form_check(svc, nameless, 1, &err), -1, "an answer without a name");
	TAP_IS_INT(cat_form_check(svc, NULL, 0, &err), -1, "no answers: required missing");
	TAP_IS_STR(err.fe_field, "user", "  the first required field");
}

int
main(void)
{
	struct cat_catalogue *c = NULL;
	struct cat_errors errs;

	if (!tap_ok(cat_test_parse(yaml, strlen(yaml), &c, &errs) == 0, "the form parses")) {
		if (errs.es_n > 0)
			tap_diag("%d:%d: %s", errs.es_list[0].e_line, errs.es_list[0].e_column,
				errs.es_list[0].e_msg);
		cat_errors_free(&errs);
		return tap_done();
	}
	svc = cat_find(c, "visit");
	if (tap_ok(svc != NULL, "the service")) {
		test_people_and_dates();
		test_numbers();
		test_text();
		test_names();
	}
	cat_catalogue_free(c);
	return tap_done();
}
