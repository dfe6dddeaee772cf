/*
 * ctl_catalogue_export.c: sdeskctl catalogue export.
 *
 * Writes the catalogue as the database holds it (active areas and
 * services, their offers, prices and forms) to standard output, in the
 * catalogue library's canonical form, so that import -> export -> import
 * -> export gives the same bytes.  One read-only transaction: one snapshot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "sdesk.h"

static const struct sd_stmt cat_export_areas = {"cat_export_areas",
	"SELECT code, name_sv, name_en FROM service_areas WHERE active ORDER BY position, code",
	0};

static const struct sd_stmt cat_export_services = {"cat_export_services",
	"SELECT s.code, s.area, s.name_sv, s.name_en, s.description_sv, s.description_en, "
	"s.queue, s.maturity, s.charging, s.unit, s.order_rule, array_to_json(s.approvals), "
	"s.addon, coalesce(s.sla::text, 'null'), s.form::text, s.subtasks::text, "
	"coalesce((SELECT "
	"json_agg(t.code ORDER BY t.code) FROM service_offerings o JOIN tenants t ON t.id = "
	"o.tenant_id WHERE o.service_id = s.id), '[]'), coalesce((SELECT to_json(o.roles) FROM "
	"service_offerings o WHERE o.service_id = s.id LIMIT 1), '[]'), coalesce((SELECT "
	"to_json(o.departments) FROM service_offerings o WHERE o.service_id = s.id LIMIT 1), "
	"'[]'), coalesce((SELECT json_agg(json_build_array(coalesce(t.code, ''), p.kind, "
	"p.amount_ore, p.valid_from::text) ORDER BY t.code NULLS FIRST, p.kind, p.valid_from) "
	"FROM service_prices p LEFT JOIN tenants t ON t.id = p.tenant_id WHERE p.service_id = "
	"s.id), '[]') FROM services s WHERE s.active ORDER BY s.code",
	0};

/* Reads "2026-01-01" into a date; the database wrote it. */
static void
ctl_cat_date(const char *s, struct cat_date *d)
{
	if (cat_date_parse(s, d) < 0)
		memset(d, 0, sizeof(*d));
}

static int
ctl_cat_price_kind(const char *name)
{
	int k;

	for (k = 0; k <= (int)CAT_PRICE_YEARLY; k++)
		if (strcmp(cat_price_kind_name((enum cat_price_kind)k), name) == 0)
			return k;
	return 0;
}

static int
ctl_cat_unit(const char *name)
{
	int u;

	for (u = 0; u <= (int)CAT_UNIT_YEAR; u++)
		if (strcmp(cat_unit_name((enum cat_unit)u), name) == 0)
			return u;
	return 0;
}

/* One service row of cat_export_services into s. */
static int
ctl_cat_service_from_row(PGresult *res, int i, struct cat_service *s)
{
	json_t *appr = json_loads(PQgetvalue(res, i, 11), 0, NULL),
	       *form = json_loads(PQgetvalue(res, i, 14), 0, NULL),
	       *subs = json_loads(PQgetvalue(res, i, 15), 0, NULL),
	       *tenants = json_loads(PQgetvalue(res, i, 16), 0, NULL),
	       *roles = json_loads(PQgetvalue(res, i, 17), 0, NULL),
	       *deps = json_loads(PQgetvalue(res, i, 18), 0, NULL),
	       *prices = json_loads(PQgetvalue(res, i, 19), 0, NULL), *sla = NULL, *v;
	size_t k;
	int rc = -1;

	snprintf(s->s_code, sizeof(s->s_code), "%s", PQgetvalue(res, i, 0));
	snprintf(s->s_area, sizeof(s->s_area), "%s", PQgetvalue(res, i, 1));
	snprintf(s->s_name, sizeof(s->s_name), "%s", PQgetvalue(res, i, 2));
	snprintf(s->s_name_en, sizeof(s->s_name_en), "%s", PQgetvalue(res, i, 3));
	s->s_description = strdup(PQgetvalue(res, i, 4));
	s->s_description_en = strdup(PQgetvalue(res, i, 5));
	snprintf(s->s_queue, sizeof(s->s_queue), "%s", PQgetvalue(res, i, 6));
	s->s_maturity = atoi(PQgetvalue(res, i, 7));
	s->s_charging = strcmp(PQgetvalue(res, i, 8), "basit") == 0 ? CAT_CHARGE_BASIT
								    : CAT_CHARGE_CONSUMPTION;
	s->s_unit = (enum cat_unit)ctl_cat_unit(PQgetvalue(res, i, 9));
	s->s_order = strcmp(PQgetvalue(res, i, 10), "manager") == 0 ? CAT_ORDER_MANAGER
								    : CAT_ORDER_ANYONE;
	json_array_foreach(appr, k, v)
	{
		if (strcmp(json_string_value(v), "manager") == 0)
			s->s_approvals |= CAT_APPROVE_MANAGER;
		else if (strcmp(json_string_value(v), "architect") == 0)
			s->s_approvals |= CAT_APPROVE_ARCHITECT;
	}
	s->s_addon = PQgetvalue(res, i, 12)[0] == 't';
	sla = json_loads(PQgetvalue(res, i, 13), JSON_DECODE_ANY, NULL);
	if (s->s_description == NULL || sd_cat_sla_from_json(sla, s) < 0 ||
		s->s_description_en == NULL || sd_cat_form_from_json(form, s) < 0 ||
		sd_cat_subtasks_from_json(subs, s) < 0 ||
		sd_cat_strings_from_json(roles, &s->s_roles, &s->s_nroles) < 0 ||
		sd_cat_strings_from_json(deps, &s->s_departments, &s->s_ndepartments) < 0)
		goto out;
	s->s_ntenants = json_array_size(tenants);
	if ((s->s_tenants = calloc(s->s_ntenants + 1, sizeof(*s->s_tenants))) == NULL)
		goto out;
	json_array_foreach(tenants, k, v)
	{
		snprintf(s->s_tenants[k], sizeof(s->s_tenants[k]), "%s", json_string_value(v));
	}
	s->s_nprices = json_array_size(prices);
	if ((s->s_prices = calloc(s->s_nprices + 1, sizeof(*s->s_prices))) == NULL)
		goto out;
	json_array_foreach(prices, k, v)
	{
		struct cat_price *p = &s->s_prices[k];

		snprintf(p->p_tenant, sizeof(p->p_tenant), "%s",
			json_string_value(json_array_get(v, 0)));
		p->p_kind = (enum cat_price_kind)ctl_cat_price_kind(
			json_string_value(json_array_get(v, 1)));
		p->p_ore = (int64_t)json_integer_value(json_array_get(v, 2));
		ctl_cat_date(json_string_value(json_array_get(v, 3)), &p->p_from);
	}
	rc = 0;
out:
	json_decref(appr);
	json_decref(form);
	json_decref(subs);
	json_decref(tenants);
	json_decref(roles);
	json_decref(deps);
	json_decref(prices);
	json_decref(sla);
	return rc;
}

struct ctl_export {
	struct cat_catalogue *ce_cat;
};

static int
ctl_cat_export_run(struct sd_dbc *c, void *arg)
{
	struct ctl_export *ce = arg;
	struct cat_catalogue *cat;
	PGresult *areas = NULL, *svcs = NULL;
	int rc, i;

	cat_catalogue_free(ce->ce_cat);
	if ((ce->ce_cat = cat = calloc(1, sizeof(*cat))) == NULL)
		return SD_DB_FAIL;
	cat->c_version = 1;
	if ((rc = sd_ctl_cat_exec(c, &cat_export_areas, NULL, &areas)) != SD_DB_OK ||
		(rc = sd_ctl_cat_exec(c, &cat_export_services, NULL, &svcs)) != SD_DB_OK)
		goto out;
	rc = SD_DB_FAIL;
	cat->c_areas = calloc((size_t)PQntuples(areas) + 1, sizeof(*cat->c_areas));
	cat->c_services = calloc((size_t)PQntuples(svcs) + 1, sizeof(*cat->c_services));
	if (cat->c_areas == NULL || cat->c_services == NULL)
		goto out;
	for (i = 0; i < PQntuples(areas); i++) {
		struct cat_area *a = &cat->c_areas[i];

		snprintf(a->a_code, sizeof(a->a_code), "%s", PQgetvalue(areas, i, 0));
		snprintf(a->a_name, sizeof(a->a_name), "%s", PQgetvalue(areas, i, 1));
		snprintf(a->a_name_en, sizeof(a->a_name_en), "%s", PQgetvalue(areas, i, 2));
		cat->c_nareas++;
	}
	for (i = 0; i < PQntuples(svcs); i++) {
		cat->c_nservices++;
		if (ctl_cat_service_from_row(svcs, i, &cat->c_services[i]) < 0)
			goto out;
	}
	rc = SD_DB_OK;
out:
	PQclear(areas);
	PQclear(svcs);
	return rc;
}

int
sd_ctl_catalogue_export(struct sd_conf *conf)
{
	struct ctl_export ce = {NULL};
	struct sd_db *db;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if ((db = sd_db_new(conf->sc_db_owner_dsn, 1, 5, 60000, 5000)) == NULL)
		return 1;
	rc = sd_db_txn(db, NULL, SD_ISO_REPEATABLE_READ, ctl_cat_export_run, &ce);
	sd_db_free(db);
	if (rc == SD_DB_OK && cat_write(ce.ce_cat, &text, &len) == 0) {
		rc = fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
	} else {
		fprintf(stderr, "sdeskctl: the export failed\n");
		rc = 1;
	}
	free(text);
	cat_catalogue_free(ce.ce_cat);
	return rc;
}
