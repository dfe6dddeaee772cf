/*
 * catjson.c: the catalogue library's structures as JSON and back, for what
 * the database keeps of a service (its form, its sub-tasks, its whole
 * definition for the history) and what the API shows.  Strings in the
 * structures are malloc'd the way cat_catalogue_free expects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "sdesk.h"

/* The text of a JSON string, "" for anything else. */
static const char *
catjson_str(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

/* What the library stores for a lower bound the file did not give. */
static int64_t
catjson_min_absent(enum cat_field_type t)
{
	return t == CAT_FIELD_NUMBER ? INT64_MIN : 0;
}

json_t *
sd_cat_field_json(const struct cat_field *f)
{
	json_t *o = json_pack("{s:s, s:s, s:b, s:s}", "name", f->f_name, "type",
		cat_field_type_name(f->f_type), "required", f->f_required, "label", f->f_label);
	size_t i;

	if (o == NULL)
		return NULL;
	if (f->f_label_en[0] != '\0')
		json_object_set_new(o, "label_en", json_string(f->f_label_en));
	/* A bound the file left out is stored as the extreme; shown as absent. */
	if (f->f_min != 0 || f->f_max != 0) {
		if (f->f_min != catjson_min_absent(f->f_type))
			json_object_set_new(o, "min", json_integer(f->f_min));
		if (f->f_max != INT64_MAX)
			json_object_set_new(o, "max", json_integer(f->f_max));
	}
	if (f->f_type == CAT_FIELD_CHOICE) {
		json_t *c = json_array();

		for (i = 0; i < f->f_nchoices; i++)
			json_array_append_new(c, json_string(f->f_choices[i]));
		json_object_set_new(o, "choices", c);
	}
	return o;
}

json_t *
sd_cat_form_json(const struct cat_service *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->s_nfields; i++)
		json_array_append_new(a, sd_cat_field_json(&s->s_fields[i]));
	return a;
}

json_t *
sd_cat_subtasks_json(const struct cat_service *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->s_nsubtasks; i++)
		json_array_append_new(a,
			json_pack("{s:s, s:s}", "queue", s->s_subtasks[i].st_queue, "title",
				s->s_subtasks[i].st_title));
	return a;
}

static json_t *
catjson_strings(char **list, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(list[i]));
	return a;
}

json_t *
sd_cat_sla_json(const struct cat_service *s)
{
	const struct cat_sla *sl = &s->s_sla;
	json_t *o;

	if (sl->sl_calendar[0] == '\0')
		return json_null();
	o = json_pack("{s:s, s:I}", "calendar", sl->sl_calendar, "resolution_minutes",
		(json_int_t)sl->sl_resolution);
	if (o != NULL && sl->sl_response > 0)
		json_object_set_new(o, "response_minutes", json_integer(sl->sl_response));
	return o;
}

int
sd_cat_sla_from_json(json_t *sla, struct cat_service *s)
{
	struct cat_sla *sl = &s->s_sla;

	memset(sl, 0, sizeof(*sl));
	if (!json_is_object(sla))
		return 0;
	snprintf(sl->sl_calendar, sizeof(sl->sl_calendar), "%s",
		catjson_str(json_object_get(sla, "calendar")));
	sl->sl_response = (int64_t)json_integer_value(json_object_get(sla, "response_minutes"));
	sl->sl_resolution =
		(int64_t)json_integer_value(json_object_get(sla, "resolution_minutes"));
	return sl->sl_calendar[0] != '\0' && sl->sl_resolution > 0 ? 0 : -1;
}

json_t *
sd_cat_service_json(const struct cat_service *s)
{
	json_t *o, *tenants = json_array(), *prices = json_array(), *appr = json_array();
	char money[32], from[16];
	size_t i;

	for (i = 0; i < s->s_ntenants; i++)
		json_array_append_new(tenants, json_string(s->s_tenants[i]));
	for (i = 0; i < s->s_nprices; i++) {
		const struct cat_price *p = &s->s_prices[i];

		snprintf(from, sizeof(from), "%04d-%02d-%02d", p->p_from.d_year,
			p->p_from.d_month, p->p_from.d_day);
		json_array_append_new(prices,
			json_pack("{s:s, s:s, s:I, s:s, s:s}", "kind",
				cat_price_kind_name(p->p_kind), "amount",
				cat_money_format(p->p_ore, money, sizeof(money)), "amount_ore",
				(json_int_t)p->p_ore, "from", from, "tenant", p->p_tenant));
	}
	if (s->s_approvals & CAT_APPROVE_MANAGER)
		json_array_append_new(appr, json_string("manager"));
	if (s->s_approvals & CAT_APPROVE_ARCHITECT)
		json_array_append_new(appr, json_string("architect"));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:o, s:o, "
		      "s:{s:o, s:o, s:o, s:b}, s:o, s:o, s:o}",
		"code", s->s_code, "area", s->s_area, "name", s->s_name, "name_en",
		s->s_name_en, "description", s->s_description ? s->s_description : "",
		"description_en", s->s_description_en ? s->s_description_en : "", "queue",
		s->s_queue, "maturity", s->s_maturity, "charging",
		s->s_charging == CAT_CHARGE_BASIT ? "basit" : "consumption", "unit",
		cat_unit_name(s->s_unit), "order",
		s->s_order == CAT_ORDER_MANAGER ? "manager" : "anyone", "approvals", appr,
		"sla", sd_cat_sla_json(s), "offer", "tenants", tenants, "roles",
		catjson_strings(s->s_roles, s->s_nroles), "departments",
		catjson_strings(s->s_departments, s->s_ndepartments), "addon", s->s_addon,
		"prices", prices, "form", sd_cat_form_json(s), "subtasks",
		sd_cat_subtasks_json(s));
	return o;
}

/* The enum value of a field type name, or -1. */
static int
catjson_field_type(const char *name)
{
	int i;

	for (i = 0; name != NULL && i <= (int)CAT_FIELD_BOOLEAN; i++)
		if (strcmp(cat_field_type_name((enum cat_field_type)i), name) == 0)
			return i;
	return -1;
}

static void
catjson_copy(char *dst, size_t len, json_t *v)
{
	snprintf(dst, len, "%s", catjson_str(v));
}

int
sd_cat_form_from_json(json_t *form, struct cat_service *s)
{
	size_t i, j, n = json_array_size(form);
	json_t *f;

	s->s_fields = n ? calloc(n, sizeof(*s->s_fields)) : NULL;
	s->s_nfields = 0;
	if (n && s->s_fields == NULL)
		return -1;
	json_array_foreach(form, i, f)
	{
		struct cat_field *cf = &s->s_fields[i];
		json_t *choices = json_object_get(f, "choices");
		int type = catjson_field_type(json_string_value(json_object_get(f, "type")));

		if (type < 0)
			return -1;
		s->s_nfields = i + 1;
		catjson_copy(cf->f_name, sizeof(cf->f_name), json_object_get(f, "name"));
		cf->f_type = (enum cat_field_type)type;
		cf->f_required = json_is_true(json_object_get(f, "required"));
		catjson_copy(cf->f_label, sizeof(cf->f_label), json_object_get(f, "label"));
		catjson_copy(
			cf->f_label_en, sizeof(cf->f_label_en), json_object_get(f, "label_en"));
		if (json_object_get(f, "min") != NULL || json_object_get(f, "max") != NULL) {
			json_t *mn = json_object_get(f, "min"), *mx = json_object_get(f, "max");

			cf->f_min = mn ? (int64_t)json_integer_value(mn)
				       : catjson_min_absent(cf->f_type);
			cf->f_max = mx ? (int64_t)json_integer_value(mx) : INT64_MAX;
		}
		if (json_array_size(choices) > 0) {
			cf->f_nchoices = json_array_size(choices);
			cf->f_choices = calloc(cf->f_nchoices + 1, sizeof(char *));
			if (cf->f_choices == NULL)
				return -1;
			for (j = 0; j < cf->f_nchoices; j++)
				if ((cf->f_choices[j] = strdup(
					     catjson_str(json_array_get(choices, j)))) == NULL)
					return -1;
		}
	}
	return 0;
}

int
sd_cat_subtasks_from_json(json_t *subtasks, struct cat_service *s)
{
	size_t i, n = json_array_size(subtasks);
	json_t *t;

	s->s_subtasks = n ? calloc(n, sizeof(*s->s_subtasks)) : NULL;
	s->s_nsubtasks = n;
	if (n && s->s_subtasks == NULL)
		return -1;
	json_array_foreach(subtasks, i, t)
	{
		catjson_copy(s->s_subtasks[i].st_queue, sizeof(s->s_subtasks[i].st_queue),
			json_object_get(t, "queue"));
		catjson_copy(s->s_subtasks[i].st_title, sizeof(s->s_subtasks[i].st_title),
			json_object_get(t, "title"));
	}
	return 0;
}

int
sd_cat_strings_from_json(json_t *arr, char ***out, size_t *n)
{
	size_t i, k = json_array_size(arr);

	*n = 0;
	if ((*out = calloc(k + 1, sizeof(char *))) == NULL)
		return -1;
	for (i = 0; i < k; i++) {
		if (((*out)[i] = strdup(catjson_str(json_array_get(arr, i)))) == NULL)
			return -1;
		*n = i + 1;
	}
	return 0;
}
