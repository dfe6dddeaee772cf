/*
 * cat_form.c: checking the answers to a service's order form.  Messages
 * are written for the person filling in the form, in Swedish and English,
 * and name the field by its label.  Whether a person or cost centre
 * exists is for the daemon to say; here only their form is checked.
 */
#include <stdio.h>
#include <string.h>

#include "cat_impl.h"

/* A person: an id, or a login as the daemon's people table allows it. */
#define FORM_LOGIN_FIRST "abcdefghijklmnopqrstuvwxyz0123456789"
#define FORM_LOGIN_REST FORM_LOGIN_FIRST "._@-"
#define FORM_LOGIN_MAX 128
/* A cost centre: an id, or a code as the daemon's cost_centres allow it. */
#define FORM_CC_SET "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"
#define FORM_CC_MAX 16

/* The labels a message names the field by. */
struct form_names {
	const char *fn_sv, *fn_en;
};

static struct form_names
form_names_of(const struct cat_field *f)
{
	struct form_names n;

	n.fn_sv = f->f_label[0] != '\0' ? f->f_label : f->f_name;
	n.fn_en = f->f_label_en[0] != '\0' ? f->f_label_en : n.fn_sv;
	return n;
}

/* Starts an error about the field called name; the caller writes the text. */
static int
form_fail(struct cat_form_error *err, const char *name)
{
	snprintf(err->fe_field, sizeof(err->fe_field), "%s", name != NULL ? name : "");
	return -1;
}

/* An id: a whole number above 0, as the daemon's ids are. */
static int
form_is_id(const char *v)
{
	int64_t id;

	return cat_int_parse(v, &id, 0) == 0 && id > 0;
}

static int
form_check_number(const struct cat_field *f, const char *v, struct cat_form_error *err)
{
	struct form_names n = form_names_of(f);
	long long lo = (long long)f->f_min, hi = (long long)f->f_max;
	int64_t x;

	if (cat_int_parse(v, &x, 1) == -1) {
		snprintf(err->fe_msg_sv, sizeof(err->fe_msg_sv), "%.120s: skriv ett heltal.",
			n.fn_sv);
		snprintf(err->fe_msg_en, sizeof(err->fe_msg_en),
			"%.120s: enter a whole number.", n.fn_en);
		return form_fail(err, f->f_name);
	}
	if (cat_field_unbounded(f) || (x >= f->f_min && x <= f->f_max))
		return 0;
	if (f->f_min == INT64_MIN) {
		snprintf(err->fe_msg_sv, sizeof(err->fe_msg_sv), "%.120s: högst %lld.", n.fn_sv,
			hi);
		snprintf(err->fe_msg_en, sizeof(err->fe_msg_en), "%.120s: at most %lld.",
			n.fn_en, hi);
	} else if (f->f_max == CAT_FIELD_MAX_ABSENT) {
		snprintf(err->fe_msg_sv, sizeof(err->fe_msg_sv), "%.120s: minst %lld.", n.fn_sv,
			lo);
		snprintf(err->fe_msg_en, sizeof(err->fe_msg_en), "%.120s: at least %lld.",
			n.fn_en, lo);
	} else {
		snprintf(err->fe_msg_sv, sizeof(err->fe_msg_sv),
			"%.120s: ett tal från %lld till %lld.", n.fn_sv, lo, hi);
		snprintf(err->fe_msg_en, sizeof(err->fe_msg_en),
			"%.120s: a number from %lld to %lld.", n.fn_en, lo, hi);
	}
	return form_fail(err, f->f_name);
}

static int
form_check_text(const struct cat_field *f, const char *v, struct cat_form_error *err)
{
	struct form_names n = form_names_of(f);
	long long lo = 0, hi = CAT_TEXT_MAX - 1;
	long chars;

	/* Without a maximum, a text answer still fits a description. */
	if (!cat_field_unbounded(f)) {
		lo = (long long)f->f_min;
		if (f->f_max != CAT_FIELD_MAX_ABSENT)
			hi = (long long)f->f_max;
	}
	if ((chars = cat_utf8_chars(v)) == -1) {
		snprintf(err->fe_msg_sv, sizeof(err->fe_msg_sv),
			"%.120s: texten innehåller ogiltiga tecken.", n.fn_sv);
		snprintf(err->fe_msg_en, sizeof(err->fe_msg_en),
			"%.120s: the text contains invalid characters.", n.fn_en);
		return form_fail(err, f->f_name);
	}
	if (chars < lo) {
		snprintf(err->fe_msg_sv, sizeof(err->fe_msg_sv),
			"%.120s: skriv minst %lld tecken.", n.fn_sv, lo);
		snprintf(err->fe_msg_en, sizeof(err->fe_msg_en),
			"%.120s: write at least %lld characters.", n.fn_en, lo);
		return form_fail(err, f->f_name);
	}
	if (chars > hi) {
		snprintf(err->fe_msg_sv, sizeof(err->fe_msg_sv),
			"%.120s: högst %lld tecken (nu %ld).", n.fn_sv, hi, chars);
		snprintf(err->fe_msg_en, sizeof(err->fe_msg_en),
			"%.120s: at most %lld characters (now %ld).", n.fn_en, hi, chars);
		return form_fail(err, f->f_name);
	}
	return 0;
}

static int
form_check_choice(const struct cat_field *f, const char *v, struct cat_form_error *err)
{
	struct form_names n = form_names_of(f);
	char list[160];
	size_t i, used = 0;

	for (i = 0; i < f->f_nchoices; i++)
		if (strcmp(f->f_choices[i], v) == 0)
			return 0;
	list[0] = '\0';
	for (i = 0; i < f->f_nchoices && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
			i > 0 ? ", " : "", f->f_choices[i]);
	snprintf(err->fe_msg_sv, sizeof(err->fe_msg_sv), "%.80s: välj ett av %s.", n.fn_sv,
		list);
	snprintf(err->fe_msg_en, sizeof(err->fe_msg_en), "%.80s: choose one of %s.", n.fn_en,
		list);
	return form_fail(err, f->f_name);
}

/* The types whose check is a yes or no: date, boolean, person, cost centre. */
static int
form_check_simple(const struct cat_field *f, const char *v, struct cat_form_error *err)
{
	struct form_names n = form_names_of(f);
	struct cat_date d;
	const char *sv, *en;

	switch (f->f_type) {
	case CAT_FIELD_DATE:
		if (cat_date_parse(v, &d) == 0)
			return 0;
		sv = "ange ett datum som finns, ÅÅÅÅ-MM-DD";
		en = "enter a date that exists, YYYY-MM-DD";
		break;
	case CAT_FIELD_BOOLEAN:
		if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
			return 0;
		sv = "svara ja eller nej (true eller false)";
		en = "answer yes or no (true or false)";
		break;
	case CAT_FIELD_PERSON:
		if (form_is_id(v) ||
			(strspn(v, FORM_LOGIN_FIRST) > 0 &&
				cat_chars_valid(v, FORM_LOGIN_REST, 1, FORM_LOGIN_MAX)))
			return 0;
		sv = "ange en person (id eller användarnamn)";
		en = "enter a person (id or user name)";
		break;
	case CAT_FIELD_COST_CENTRE:
		if (form_is_id(v) || cat_chars_valid(v, FORM_CC_SET, 1, FORM_CC_MAX))
			return 0;
		sv = "ange ett kostnadsställe (id eller kod)";
		en = "enter a cost centre (id or code)";
		break;
	default:
		sv = "fältet har en okänd typ";
		en = "the field has an unknown type";
		break;
	}
	snprintf(err->fe_msg_sv, sizeof(err->fe_msg_sv), "%.120s: %s.", n.fn_sv, sv);
	snprintf(err->fe_msg_en, sizeof(err->fe_msg_en), "%.120s: %s.", n.fn_en, en);
	return form_fail(err, f->f_name);
}

static int
form_check_value(const struct cat_field *f, const char *v, struct cat_form_error *err)
{
	switch (f->f_type) {
	case CAT_FIELD_NUMBER:
		return form_check_number(f, v, err);
	case CAT_FIELD_TEXT:
		return form_check_text(f, v, err);
	case CAT_FIELD_CHOICE:
		return form_check_choice(f, v, err);
	default:
		return form_check_simple(f, v, err);
	}
}

static const struct cat_field *
form_field(const struct cat_service *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->s_nfields; i++)
		if (strcmp(s->s_fields[i].f_name, name) == 0)
			return &s->s_fields[i];
	return NULL;
}

/* Every answer names a field of the form, and only once. */
static int
form_check_names(const struct cat_service *s, const struct cat_answer *answers, size_t n,
	struct cat_form_error *err)
{
	const char *name;
	size_t i, j;

	for (i = 0; i < n; i++) {
		name = answers[i].an_name != NULL ? answers[i].an_name : "";
		if (form_field(s, name) == NULL) {
			snprintf(err->fe_msg_sv, sizeof(err->fe_msg_sv),
				"Formuläret har inget fält som heter %.60s.", name);
			snprintf(err->fe_msg_en, sizeof(err->fe_msg_en),
				"The form has no field called %.60s.", name);
			return form_fail(err, name);
		}
		for (j = 0; j < i; j++)
			if (answers[j].an_name != NULL &&
				strcmp(answers[j].an_name, name) == 0) {
				snprintf(err->fe_msg_sv, sizeof(err->fe_msg_sv),
					"Fältet %.60s är besvarat mer än en gång.", name);
				snprintf(err->fe_msg_en, sizeof(err->fe_msg_en),
					"The field %.60s is answered more than once.", name);
				return form_fail(err, name);
			}
	}
	return 0;
}

int
cat_form_check(const struct cat_service *s, const struct cat_answer *answers, size_t n,
	struct cat_form_error *err)
{
	const struct cat_field *f;
	struct form_names names;
	const char *v;
	size_t i, j;

	memset(err, 0, sizeof(*err));
	if (form_check_names(s, answers, n, err) == -1)
		return -1;
	for (i = 0; i < s->s_nfields; i++) {
		f = &s->s_fields[i];
		for (j = 0, v = NULL; j < n && v == NULL; j++)
			if (answers[j].an_name != NULL &&
				strcmp(answers[j].an_name, f->f_name) == 0)
				v = answers[j].an_value != NULL ? answers[j].an_value : "";
		/* An empty answer is no answer. */
		if (v != NULL && v[0] != '\0') {
			if (form_check_value(f, v, err) == -1)
				return -1;
			continue;
		}
		if (!f->f_required)
			continue;
		names = form_names_of(f);
		snprintf(err->fe_msg_sv, sizeof(err->fe_msg_sv),
			"%.120s: fältet måste fyllas i.", names.fn_sv);
		snprintf(err->fe_msg_en, sizeof(err->fe_msg_en),
			"%.120s: this field is required.", names.fn_en);
		return form_fail(err, f->f_name);
	}
	return 0;
}
