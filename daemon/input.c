/*
 * input.c: checks a JSON request body against a small field table, so that
 * every handler refuses bad input the same way: 400 naming the field, for
 * an unknown field, a wrong type, a missing required field or a value out
 * of bounds.  Handlers then read the fields they declared without more
 * checks.
 */
#include <stdio.h>
#include <string.h>

#include "sdesk.h"

static const struct sd_field *
input_find(const struct sd_field *fields, const char *name)
{
	for (; fields->f_name != NULL; fields++)
		if (strcmp(fields->f_name, name) == 0)
			return fields;
	return NULL;
}

static const char *
input_type_name(enum sd_field_type t, int en)
{
	switch (t) {
	case SD_FT_STRING:
		return en ? "a string" : "en sträng";
	case SD_FT_INT:
		return en ? "an integer" : "ett heltal";
	case SD_FT_BOOL:
		return en ? "true or false" : "true eller false";
	case SD_FT_ARRAY:
		return en ? "an array" : "en lista";
	case SD_FT_OBJECT:
		return en ? "an object" : "ett objekt";
	case SD_FT_ANY:
		break;
	}
	return en ? "a value" : "ett värde";
}

/* 0 when v fits f; otherwise replies and returns -1. */
static int
input_check_value(struct sd_req *r, const struct sd_field *f, json_t *v, enum MHD_Result *ret)
{
	int en = r->rq_lang_en, ok = 1;
	long long n;
	size_t len;

	if (json_is_null(v) && (f->f_flags & SD_FF_NULLABLE))
		return 0;
	switch (f->f_type) {
	case SD_FT_STRING:
		ok = json_is_string(v);
		break;
	case SD_FT_INT:
		ok = json_is_integer(v);
		break;
	case SD_FT_BOOL:
		ok = json_is_boolean(v);
		break;
	case SD_FT_ARRAY:
		ok = json_is_array(v);
		break;
	case SD_FT_OBJECT:
		ok = json_is_object(v);
		break;
	case SD_FT_ANY:
		break;
	}
	if (!ok) {
		*ret = sd_reply_error(r, SD_E_INVALID_FIELD, f->f_name,
			en ? "'%s' must be %s." : "'%s' ska vara %s.", f->f_name,
			input_type_name(f->f_type, en));
		return -1;
	}
	if (f->f_type == SD_FT_STRING) {
		/* Length in characters, as a person counts them (UTF-8). */
		const unsigned char *s = (const unsigned char *)json_string_value(v);

		for (len = 0; *s != '\0'; s++)
			len += (*s & 0xc0) != 0x80;
		if ((f->f_min && len < (size_t)f->f_min) ||
			(f->f_max && len > (size_t)f->f_max)) {
			*ret = sd_reply_error(r, SD_E_INVALID_FIELD, f->f_name,
				en ? "'%s' must be %lld to %lld characters long."
				   : "'%s' ska vara %lld till %lld tecken lång.",
				f->f_name, f->f_min, f->f_max);
			return -1;
		}
	} else if (f->f_type == SD_FT_INT) {
		n = json_integer_value(v);
		if ((f->f_min || f->f_max) && (n < f->f_min || n > f->f_max)) {
			*ret = sd_reply_error(r, SD_E_INVALID_FIELD, f->f_name,
				en ? "'%s' must be from %lld to %lld."
				   : "'%s' ska vara %lld till %lld.",
				f->f_name, f->f_min, f->f_max);
			return -1;
		}
	} else if (f->f_type == SD_FT_ARRAY && f->f_max &&
		json_array_size(v) > (size_t)f->f_max) {
		*ret = sd_reply_error(r, SD_E_INVALID_FIELD, f->f_name,
			en ? "'%s' may have at most %lld items."
			   : "'%s' får ha högst %lld poster.",
			f->f_name, f->f_max);
		return -1;
	}
	return 0;
}

int
sd_input_check(struct sd_req *r, const struct sd_field *fields, enum MHD_Result *ret)
{
	const struct sd_field *f;
	const char *key;
	json_t *v;

	json_object_foreach(r->rq_json, key, v)
	{
		if ((f = input_find(fields, key)) == NULL) {
			*ret = sd_reply_error(r, SD_E_UNKNOWN_FIELD, key,
				r->rq_lang_en ? "Unknown field '%s'." : "Okänt fält '%s'.",
				key);
			return -1;
		}
		if (input_check_value(r, f, v, ret) < 0)
			return -1;
	}
	for (f = fields; f->f_name != NULL; f++) {
		if ((f->f_flags & SD_FF_REQUIRED) &&
			json_object_get(r->rq_json, f->f_name) == NULL) {
			*ret = sd_reply_error(r, SD_E_MISSING_FIELD, f->f_name,
				r->rq_lang_en ? "'%s' is required." : "'%s' måste anges.",
				f->f_name);
			return -1;
		}
	}
	return 0;
}

const char *
sd_input_str(struct sd_req *r, const char *name)
{
	return json_string_value(json_object_get(r->rq_json, name));
}

int
sd_input_has(struct sd_req *r, const char *name)
{
	return json_object_get(r->rq_json, name) != NULL;
}

int
sd_input_query_int(struct sd_req *r, const char *name, long long min, long long max,
	long long *val, enum MHD_Result *ret)
{
	const char *s = sd_req_query(r, name);
	long long v = 0;
	const char *p;

	if (s == NULL)
		return 0;
	for (p = s; *p >= '0' && *p <= '9' && v <= max; p++)
		v = v * 10 + (*p - '0');
	if (p == s || *p != '\0' || v < min || v > max) {
		*ret = sd_reply_error(r, SD_E_INVALID_FIELD, name,
			r->rq_lang_en ? "'%s' must be a whole number from %lld to %lld."
				      : "'%s' ska vara ett heltal från %lld till %lld.",
			name, min, max);
		return -1;
	}
	*val = v;
	return 0;
}

int
sd_input_tenant(struct sd_req *r, const char *code, const char *field, struct sd_tenant *t,
	enum MHD_Result *ret)
{
	if (code != NULL && sd_tenant_get(r->rq_app, 0, code, t) == 0)
		return 0;
	*ret = sd_reply_error(r, SD_E_INVALID_FIELD, field,
		r->rq_lang_en ? "No such municipality." : "Kommunen finns inte.");
	return -1;
}

int
sd_input_time(
	struct sd_req *r, const char *name, int future, char out[32], enum MHD_Result *ret)
{
	const char *s = sd_input_str(r, name);
	time_t t;

	if (s == NULL || sd_time_parse(s, &t) < 0) {
		*ret = sd_reply_error(r, SD_E_INVALID_FIELD, name,
			r->rq_lang_en
				? "'%s' must be an ISO 8601 date or date and time with a zone."
				: "'%s' ska vara ett datum eller en tidpunkt med tidszon "
				  "enligt "
				  "ISO 8601.",
			name);
		return -1;
	}
	if (future && t <= time(NULL)) {
		*ret = sd_reply_error(r, SD_E_INVALID_FIELD, name,
			r->rq_lang_en ? "'%s' must be in the future."
				      : "'%s' ska ligga i framtiden.",
			name);
		return -1;
	}
	sd_time_format(t, out, 32);
	return 0;
}
