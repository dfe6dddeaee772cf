/*
 * api/sla_config.c: what the SLA clocks run on, kept by administrators
 * (sla.admin).
 *
 *   GET     /api/v1/sla/calendars          opening hours, holidays, exceptions
 *   PUT     /api/v1/sla/calendars/{code}   create or change one
 *   GET/PUT /api/v1/sla/policies           targets per type and priority (the whole set)
 *   GET/PUT /api/v1/sla/ola-targets        how long each support line may hold a ticket
 *
 * Rows of one municipality (tenant) win over shared ones (tenant null).
 * Changes apply to a ticket's clocks at its next change; `sdeskctl sla
 * recompute` applies them to every open ticket at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

#define CONFIG_ROWS_MAX 1000
#define MINUTES_MAX 5256000.0 /* ten years */

static enum MHD_Result
config_list(struct sd_req *r, const char *what, const char *key)
{
	json_t *out = NULL;
	int rc;

	if ((rc = sd_db_sla_config_get(r, what, &out)) != SD_DB_OK) {
		json_decref(out);
		return sd_reply_db_error(r, rc);
	}
	return sd_reply_json(r, 200, json_pack("{s:o}", key, out));
}

enum MHD_Result
sd_api_sla_calendars_list(struct sd_req *r)
{
	return config_list(r, "calendars", "calendars");
}

enum MHD_Result
sd_api_sla_policies_get(struct sd_req *r)
{
	return config_list(r, "policies", "policies");
}

enum MHD_Result
sd_api_ola_targets_get(struct sd_req *r)
{
	return config_list(r, "ola", "targets");
}

/*
 * The tenant a row is for: a code the caller administers SLAs in, or
 * null/absent for every tenant (administrators over every tenant only).
 * 0 for all, the id, or -1 after replying.
 */
static int
config_tenant(struct sd_req *r, json_t *v, const char *field, enum MHD_Result *ret)
{
	struct sd_tenant t;

	if (v == NULL || json_is_null(v)) {
		if (sd_auth_can_all(r->rq_auth, "sla.admin"))
			return 0;
		*ret = sd_reply_error(r, SD_E_FORBIDDEN, field, NULL);
		return -1;
	}
	if (sd_input_tenant(r, json_string_value(v), field, &t, ret) < 0)
		return -1;
	if (!sd_auth_can(r->rq_auth, "sla.admin", t.t_id)) {
		*ret = sd_reply_error(r, SD_E_FORBIDDEN, field, NULL);
		return -1;
	}
	return t.t_id;
}

static const struct sd_field calendar_fields[] = {
	{"name", SD_FT_STRING, SD_FF_REQUIRED, 1, 200},
	{"tenant", SD_FT_STRING, SD_FF_NULLABLE, 3, 3},
	{"spec", SD_FT_OBJECT, SD_FF_REQUIRED, 0, 0},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

enum MHD_Result
sd_api_sla_calendar_put(struct sd_req *r)
{
	struct sd_sla_calendar_in in;
	struct sla_calendar_spec cs;
	struct sla_exception *exc;
	struct sd_fault f;
	enum MHD_Result ret;
	char field[64], err[256], *spec;
	const char *code = r->rq_params[0], *p;
	json_t *out = NULL;
	int rc, created = 0;

	for (p = code; *p != '\0' && strchr("abcdefghijklmnopqrstuvwxyz0123456789_", *p); p++)
		;
	if (*p != '\0' || strlen(code) < 2 || strlen(code) > 40)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "code",
			r->rq_lang_en ? "2-40 of a-z, 0-9 and _." : "2-40 av a-z, 0-9 och _.");
	if (sd_input_check(r, calendar_fields, &ret) < 0)
		return ret;
	if (sd_sla_spec_parse(json_object_get(r->rq_json, "spec"), &cs, &exc, field,
		    sizeof(field), err, sizeof(err)) < 0)
		return sd_reply_error(r, SD_E_INVALID_FIELD, field, "%s", err);
	free(exc);
	memset(&in, 0, sizeof(in));
	if ((in.ci_tenant = config_tenant(
		     r, json_object_get(r->rq_json, "tenant"), "tenant", &ret)) < 0)
		return ret;
	if ((spec = json_dumps(json_object_get(r->rq_json, "spec"), JSON_COMPACT)) == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	in.ci_code = code;
	in.ci_name = sd_input_str(r, "name");
	in.ci_spec = spec;
	memset(&f, 0, sizeof(f));
	rc = sd_db_sla_calendar_put(r, &in, &f, &out, &created);
	free(spec);
	if (rc != SD_DB_OK || out == NULL) {
		json_decref(out);
		return sd_reply_outcome(r, rc == SD_DB_OK ? SD_DB_FAIL : rc, &f);
	}
	return sd_reply_json(r, created ? 201 : 200, out);
}

/* 400 naming list[i].name. */
static enum MHD_Result
config_bad(struct sd_req *r, enum sd_error_code code, const char *list, size_t i,
	const char *name, const char *why)
{
	char field[96];

	snprintf(field, sizeof(field), "%s[%zu]%s%s", list, i, name ? "." : "",
		name ? name : "");
	return sd_reply_error(r, code, field, why ? "%s" : NULL, why);
}

/* Target minutes: a number above 0 and up to ten years (null when allowed). */
static int
config_minutes(json_t *v, int nullable)
{
	if (v == NULL || json_is_null(v))
		return nullable;
	return json_is_number(v) && json_number_value(v) > 0 &&
		json_number_value(v) <= MINUTES_MAX;
}

/* Refuses keys outside allowed (a NULL-terminated list). */
static int
config_keys(struct sd_req *r, json_t *item, const char *const *allowed, const char *list,
	size_t i, enum MHD_Result *ret)
{
	const char *key;
	json_t *v;

	if (!json_is_object(item)) {
		*ret = config_bad(r, SD_E_INVALID_FIELD, list, i, NULL, "not an object");
		return -1;
	}
	json_object_foreach(item, key, v)
	{
		(void)v;
		if (!sd_ticket_enum_ok(allowed, key)) {
			*ret = config_bad(r, SD_E_UNKNOWN_FIELD, list, i, key, NULL);
			return -1;
		}
	}
	return 0;
}

/* The "policies" or "targets" array of the body; NULL after replying. */
static json_t *
config_rows(struct sd_req *r, const char *list, enum MHD_Result *ret)
{
	json_t *arr = json_object_get(r->rq_json, list);
	const char *key;
	json_t *v;

	json_object_foreach(r->rq_json, key, v)
	{
		(void)v;
		if (strcmp(key, list) != 0) {
			*ret = sd_reply_error(r, SD_E_UNKNOWN_FIELD, key, NULL);
			return NULL;
		}
	}
	if (arr == NULL) {
		*ret = sd_reply_error(r, SD_E_MISSING_FIELD, list, NULL);
		return NULL;
	}
	if (!json_is_array(arr) || json_array_size(arr) > CONFIG_ROWS_MAX) {
		*ret = sd_reply_error(r, SD_E_INVALID_FIELD, list, NULL);
		return NULL;
	}
	return arr;
}

/* Keeps what a refusal replied; NULL for the caller to return. */
static json_t *
config_fail(enum MHD_Result *ret, enum MHD_Result replied)
{
	*ret = replied;
	return NULL;
}

/* One policy into a row for the database; NULL after replying 400. */
static json_t *
config_policy(struct sd_req *r, json_t *x, size_t i, enum MHD_Result *ret)
{
	static const char *const keys[] = {"calendar", "first_response_minutes",
		"next_update_minutes", "pause_on_supplier", "priority", "resolution_minutes",
		"service", "source", "tenant", "type", NULL};
	static const char *const mins[] = {
		"first_response_minutes", "next_update_minutes", "resolution_minutes"};
	json_t *prio = json_object_get(x, "priority"), *svc;
	char field[48];
	size_t k;
	int tenant;

	const char *source, *code;

	if (config_keys(r, x, keys, "policies", i, ret) < 0)
		return NULL;
	/* What GET shows may go back as it is: the catalogue's rows stay. */
	source = json_string_value(json_object_get(x, "source"));
	if (json_object_get(x, "source") != NULL &&
		(source == NULL ||
			(strcmp(source, "api") != 0 && strcmp(source, "catalogue") != 0)))
		return config_fail(ret,
			config_bad(r, SD_E_INVALID_FIELD, "policies", i, "source",
				"api, catalogue"));
	if (source != NULL && strcmp(source, "catalogue") == 0)
		return json_pack("{s:b}", "keep", 1);
	if (!sd_ticket_enum_ok(
		    sd_ticket_enum("type"), json_string_value(json_object_get(x, "type"))))
		return config_fail(
			ret, config_bad(r, SD_E_INVALID_FIELD, "policies", i, "type", NULL));
	if (!json_is_integer(prio) || json_integer_value(prio) < 1 ||
		json_integer_value(prio) > 4)
		return config_fail(ret,
			config_bad(r, SD_E_INVALID_FIELD, "policies", i, "priority", "1-4"));
	if (!json_is_string(json_object_get(x, "calendar")))
		return config_fail(ret,
			config_bad(r, SD_E_MISSING_FIELD, "policies", i, "calendar", NULL));
	for (k = 0; k < 3; k++)
		if (!config_minutes(json_object_get(x, mins[k]), 1))
			return config_fail(ret,
				config_bad(
					r, SD_E_INVALID_FIELD, "policies", i, mins[k], "> 0"));
	svc = json_object_get(x, "service");
	code = json_string_value(svc);
	if (svc != NULL && !json_is_null(svc) &&
		(code == NULL || strlen(code) < 2 || strlen(code) > 47 ||
			strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(code)))
		return config_fail(
			ret, config_bad(r, SD_E_INVALID_FIELD, "policies", i, "service", NULL));
	if (json_object_get(x, "pause_on_supplier") != NULL &&
		!json_is_boolean(json_object_get(x, "pause_on_supplier")))
		return config_fail(ret,
			config_bad(r, SD_E_INVALID_FIELD, "policies", i, "pause_on_supplier",
				NULL));
	snprintf(field, sizeof(field), "policies[%zu].tenant", i);
	if ((tenant = config_tenant(r, json_object_get(x, "tenant"), field, ret)) < 0)
		return NULL;
	return json_pack("{s:o, s:O?, s:O, s:O, s:O, s:O?, s:O?, s:O?, s:b}", "tenant_id",
		tenant ? json_integer(tenant) : json_null(), "service", svc, "type",
		json_object_get(x, "type"), "priority", prio, "calendar",
		json_object_get(x, "calendar"), mins[0], json_object_get(x, mins[0]), mins[1],
		json_object_get(x, mins[1]), mins[2], json_object_get(x, mins[2]),
		"pause_on_supplier", json_is_true(json_object_get(x, "pause_on_supplier")));
}

/* One OLA target into a row for the database; NULL after replying 400. */
static json_t *
config_ola(struct sd_req *r, json_t *x, size_t i, enum MHD_Result *ret)
{
	static const char *const keys[] = {
		"calendar", "line", "priority", "target_minutes", "tenant", NULL};
	json_t *line = json_object_get(x, "line"), *prio = json_object_get(x, "priority");
	char field[48];
	int tenant;

	if (config_keys(r, x, keys, "targets", i, ret) < 0)
		return NULL;
	if (!json_is_integer(line) || json_integer_value(line) < 1 ||
		json_integer_value(line) > 2)
		return config_fail(
			ret, config_bad(r, SD_E_INVALID_FIELD, "targets", i, "line", "1 or 2"));
	if (prio != NULL && !json_is_null(prio) &&
		(!json_is_integer(prio) || json_integer_value(prio) < 1 ||
			json_integer_value(prio) > 4))
		return config_fail(ret,
			config_bad(r, SD_E_INVALID_FIELD, "targets", i, "priority", "1-4"));
	if (!json_is_string(json_object_get(x, "calendar")))
		return config_fail(
			ret, config_bad(r, SD_E_MISSING_FIELD, "targets", i, "calendar", NULL));
	if (!config_minutes(json_object_get(x, "target_minutes"), 0))
		return config_fail(ret,
			config_bad(
				r, SD_E_INVALID_FIELD, "targets", i, "target_minutes", "> 0"));
	snprintf(field, sizeof(field), "targets[%zu].tenant", i);
	if ((tenant = config_tenant(r, json_object_get(x, "tenant"), field, ret)) < 0)
		return NULL;
	return json_pack("{s:o, s:O, s:O?, s:O, s:O}", "tenant_id",
		tenant ? json_integer(tenant) : json_null(), "line", line, "priority", prio,
		"calendar", json_object_get(x, "calendar"), "target_minutes",
		json_object_get(x, "target_minutes"));
}

/* True when rows i and j are for the same thing (the table's unique key). */
static int
config_same(json_t *a, json_t *b, int ola)
{
	static const char *const pkeys[] = {"tenant_id", "service", "type", "priority"};
	static const char *const okeys[] = {"tenant_id", "line", "priority"};
	const char *const *keys = ola ? okeys : pkeys;
	size_t k, n = ola ? 3 : 4;

	for (k = 0; k < n; k++) {
		json_t *x = json_object_get(a, keys[k]), *y = json_object_get(b, keys[k]);

		if (!json_equal(x ? x : json_null(), y ? y : json_null()))
			return 0;
	}
	return 1;
}

static enum MHD_Result
config_put(struct sd_req *r, int ola)
{
	const char *list = ola ? "targets" : "policies";
	json_t *arr, *rows, *row, *out = NULL;
	struct sd_fault f;
	enum MHD_Result ret;
	char field[64];
	size_t i, j;
	int rc;

	if ((arr = config_rows(r, list, &ret)) == NULL)
		return ret;
	rows = json_array();
	for (i = 0; i < json_array_size(arr); i++) {
		row = ola ? config_ola(r, json_array_get(arr, i), i, &ret)
			  : config_policy(r, json_array_get(arr, i), i, &ret);
		if (row == NULL) {
			json_decref(rows);
			return ret;
		}
		for (j = 0; j < i && json_object_get(row, "keep") == NULL; j++)
			if (config_same(json_array_get(rows, j), row, ola)) {
				json_decref(row);
				json_decref(rows);
				return config_bad(r, SD_E_CONFLICT, list, i, NULL,
					r->rq_lang_en ? "the same as an earlier row"
						      : "samma som en tidigare rad");
			}
		json_array_append_new(rows, row);
	}
	memset(&f, 0, sizeof(f));
	rc = sd_db_sla_rules_put(r, ola, rows, &f, field, &out);
	json_decref(rows);
	if (rc != SD_DB_OK || out == NULL) {
		json_decref(out);
		return sd_reply_outcome(r, rc == SD_DB_OK ? SD_DB_FAIL : rc, &f);
	}
	return sd_reply_json(r, 200, json_pack("{s:o}", list, out));
}

enum MHD_Result
sd_api_sla_policies_put(struct sd_req *r)
{
	return config_put(r, 0);
}

enum MHD_Result
sd_api_ola_targets_put(struct sd_req *r)
{
	return config_put(r, 1);
}
