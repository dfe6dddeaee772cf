/*
 * api/catalogue.c: the service catalogue as each person may see it.
 *
 *   GET /api/v1/catalogue                   what the caller may see and order
 *   GET /api/v1/catalogue/services/{code}   one service, with its form and prices
 *   GET /api/v1/catalogue/versions          every import (catalogue.browse_all)
 *
 * An employee sees the services their municipality offers to their roles
 * and department, with that municipality's prices of today; technicians
 * (catalogue.browse_all) see every service and may look at it as any
 * municipality sees it (?tenant=).  Amounts are integer öre.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/*
 * $1 tenant id ('' = every service, as staff browse), $2 filter by the
 * caller's roles and department, $3 the caller's roles there (JSON), $4
 * the caller, $5 search text, $6 area, $7 what the caller may order there
 * ("manager": everything, "anyone": what anyone may, "none": nothing), $8
 * one service's code ('' = all), $9 English first.
 */
static const struct sd_stmt catalogue_view = {"catalogue_view",
	"WITH v AS (SELECT s.* FROM services s LEFT JOIN service_offerings o ON o.service_id = "
	"s.id AND o.tenant_id = nullif($1, '')::integer WHERE s.active AND ($1 = '' OR "
	"o.service_id IS NOT NULL) AND (NOT $2::boolean OR ((cardinality(o.roles) = 0 OR "
	"o.roles "
	"&& ARRAY(SELECT json_array_elements_text($3::json))) AND (cardinality(o.departments) "
	"= 0 "
	"OR (SELECT d.code FROM people p JOIN departments d ON d.id = p.department_id WHERE "
	"p.id "
	"= $4::bigint) = ANY (o.departments)))) AND ($5 = '' OR strpos(lower(s.code || ' ' || "
	"s.name_sv || ' ' || s.name_en || ' ' || s.description_sv || ' ' || s.description_en), "
	"lower($5)) > 0) AND ($6 = '' OR s.area = $6) AND ($8 = '' OR s.code = $8)) SELECT "
	"json_build_object('version', (SELECT max(version) FROM catalogue_versions), 'date', "
	"sdesk_today(), 'tenant', (SELECT code FROM tenants WHERE id = nullif($1, "
	"'')::integer), "
	"'areas', coalesce((SELECT json_agg(json_build_object('code', a.code, 'name', "
	"a.name_sv, "
	"'name_en', a.name_en) ORDER BY a.position) FROM service_areas a WHERE a.code IN "
	"(SELECT "
	"area FROM v)), '[]'), 'services', coalesce((SELECT json_agg(json_build_object('code', "
	"v.code, 'area', v.area, 'name', v.name_sv, 'name_en', v.name_en, 'description', "
	"v.description_sv, 'description_en', v.description_en, 'maturity', v.maturity, "
	"'charging', v.charging, 'unit', v.unit, 'order', v.order_rule, 'approvals', "
	"v.approvals, 'addon', v.addon, 'sla', v.sla, 'queue', v.queue, 'version', "
	"v.version, 'orderable', CASE $7 WHEN 'manager' THEN true WHEN 'anyone' THEN "
	"v.order_rule = 'anyone' ELSE false END, "
	"'tenants', coalesce((SELECT json_agg(t.code ORDER BY t.code) FROM service_offerings "
	"o2 "
	"JOIN tenants t ON t.id = o2.tenant_id WHERE o2.service_id = v.id), '[]'), 'price', "
	"json_build_object('monthly_ore', sdesk_price_on(v.id, 'monthly', nullif($1, "
	"'')::integer, sdesk_today()), 'one_time_ore', sdesk_price_on(v.id, 'one_time', "
	"nullif($1, '')::integer, sdesk_today()), 'hourly_ore', sdesk_price_on(v.id, 'hourly', "
	"nullif($1, '')::integer, sdesk_today()), 'yearly_ore', sdesk_price_on(v.id, 'yearly', "
	"nullif($1, '')::integer, sdesk_today())), 'form', CASE WHEN $8 <> '' THEN v.form END, "
	"'subtasks', CASE WHEN $8 <> '' THEN v.subtasks END, 'prices', CASE WHEN $8 <> '' THEN "
	"coalesce((SELECT json_agg(json_build_object('kind', p.kind, 'amount_ore', "
	"p.amount_ore, "
	"'valid_from', p.valid_from, 'tenant', t.code) ORDER BY p.kind, t.code NULLS FIRST, "
	"p.valid_from) FROM service_prices p LEFT JOIN tenants t ON t.id = p.tenant_id WHERE "
	"p.service_id = v.id AND ($1 = '' OR p.tenant_id IS NULL OR p.tenant_id = nullif($1, "
	"'')::integer)), '[]') END) ORDER BY a2.position, CASE WHEN $9::boolean THEN "
	"v.name_en ELSE v.name_sv END) FROM v JOIN service_areas a2 ON a2.code = v.area), "
	"'[]'))",
	9};

static const struct sd_stmt catalogue_manages = {"catalogue_manages",
	"SELECT EXISTS (SELECT 1 FROM cost_centres c WHERE c.tenant_id = $2 AND "
	"sdesk_manages($1, c.id))",
	2};

static const struct sd_stmt catalogue_versions = {"catalogue_versions",
	"SELECT coalesce(json_agg(json_build_object('version', v.version, 'imported_at', "
	"v.imported_at, 'imported_by', v.imported_by, 'digest', v.digest, 'services', "
	"v.services, 'changed', coalesce((SELECT json_agg(s.code ORDER BY s.code) FROM "
	"service_history h JOIN services s ON s.id = h.service_id WHERE h.version = "
	"v.version), "
	"'[]')) ORDER BY v.version DESC), '[]') FROM catalogue_versions v",
	0};

/* The caller's roles in a tenant as a JSON array text; malloc'd. */
static char *
catalogue_roles(const struct sd_auth *a, int tenant)
{
	json_t *arr = json_array();
	char *s;
	size_t i;

	for (i = 0; i < a->au_ngrants; i++)
		if (a->au_grants[i].g_tenant == 0 || a->au_grants[i].g_tenant == tenant)
			json_array_append_new(arr, json_string(a->au_grants[i].g_role));
	s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

struct catalogue_op {
	const char *cv_p[9];
	char *cv_text;
	int cv_manager;
	int cv_tenant;
	int cv_home;
};

static int
catalogue_run(struct sd_dbc *c, void *arg)
{
	struct catalogue_op *op = arg;
	char tid[16];
	const char *q[2] = {op->cv_p[3], tid};
	PGresult *res;
	int rc;

	if (op->cv_tenant != 0) {
		snprintf(tid, sizeof(tid), "%d", op->cv_tenant);
		res = sd_db_exec(c, &catalogue_manages, q);
		if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK)
			op->cv_manager = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
		if (rc != SD_DB_OK)
			return rc;
	}
	/* Orders are placed in one's own municipality only. */
	op->cv_p[6] = op->cv_tenant != op->cv_home ? "none"
		: op->cv_manager                   ? "manager"
						   : "anyone";
	res = sd_db_exec(c, &catalogue_view, op->cv_p);
	if ((rc = sd_db_result_rc(c, res)) == SD_DB_OK && PQntuples(res) == 1)
		op->cv_text = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc == SD_DB_OK && op->cv_text == NULL ? SD_DB_FAIL : rc;
}

/*
 * Works out whose view to show: the caller's own, or (browse_all) every
 * service or one tenant's offer.  0, or -1 after replying.
 */
static int
catalogue_viewpoint(struct sd_req *r, int *tenant, int *filter, enum MHD_Result *ret)
{
	const char *code = sd_req_query(r, "tenant");
	int all = sd_auth_can(r->rq_auth, "catalogue.browse_all", 0);
	struct sd_tenant t;

	*filter = !all;
	*tenant = all ? 0 : r->rq_auth->au_tenant;
	if (code == NULL || code[0] == '\0')
		return 0;
	if (sd_input_tenant(r, code, "tenant", &t, ret) < 0)
		return -1;
	if (!all && t.t_id != r->rq_auth->au_tenant) {
		*ret = sd_reply_error(r, SD_E_FORBIDDEN, "tenant",
			r->rq_lang_en ? "You see your own municipality's catalogue."
				      : "Du ser din egen kommuns katalog.");
		return -1;
	}
	*tenant = t.t_id;
	return 0;
}

static enum MHD_Result
catalogue_answer(struct sd_req *r, const char *one)
{
	struct catalogue_op op;
	struct sd_scope sc;
	enum MHD_Result ret;
	const char *q = sd_req_query(r, "q"), *area = sd_req_query(r, "area");
	char tid[16], pid[24], *roles;
	int tenant, filter, rc;
	json_t *v, *svc;

	if (catalogue_viewpoint(r, &tenant, &filter, &ret) < 0)
		return ret;
	if (q != NULL && strlen(q) > 200)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "q", NULL);
	if (area != NULL && strlen(area) > 47)
		return sd_reply_error(r, SD_E_INVALID_FIELD, "area", NULL);
	if ((roles = catalogue_roles(r->rq_auth, tenant)) == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	memset(&op, 0, sizeof(op));
	if (tenant != 0)
		snprintf(tid, sizeof(tid), "%d", tenant);
	else
		tid[0] = '\0';
	snprintf(pid, sizeof(pid), "%lld", r->rq_auth->au_person);
	op.cv_tenant = tenant;
	op.cv_home = r->rq_auth->au_tenant;
	op.cv_p[0] = tid;
	op.cv_p[1] = filter ? "true" : "false";
	op.cv_p[2] = roles;
	op.cv_p[3] = pid;
	op.cv_p[4] = q ? q : "";
	op.cv_p[5] = area ? area : "";
	op.cv_p[7] = one ? one : "";
	op.cv_p[8] = r->rq_lang_en ? "true" : "false";
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_txn(r->rq_app->ap_db, &sc, SD_ISO_READ_COMMITTED, catalogue_run, &op);
	free(roles);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	v = json_loads(op.cv_text, 0, NULL);
	free(op.cv_text);
	if (v == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	if (one == NULL)
		return sd_reply_json(r, 200, v);
	svc = json_array_get(json_object_get(v, "services"), 0);
	if (svc == NULL) {
		json_decref(v);
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	}
	json_object_set(svc, "catalogue_version", json_object_get(v, "version"));
	json_object_set(svc, "date", json_object_get(v, "date"));
	json_object_set(svc, "tenant", json_object_get(v, "tenant"));
	json_incref(svc);
	json_decref(v);
	return sd_reply_json(r, 200, svc);
}

enum MHD_Result
sd_api_catalogue(struct sd_req *r)
{
	return catalogue_answer(r, NULL);
}

enum MHD_Result
sd_api_catalogue_service(struct sd_req *r)
{
	const char *code = r->rq_params[0];
	size_t i, n = strlen(code);

	for (i = 0; i < n; i++)
		if (!((code[i] >= 'a' && code[i] <= 'z') ||
			    (code[i] >= '0' && code[i] <= '9') || code[i] == '-'))
			return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if (n < 2 || n > 47)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	return catalogue_answer(r, code);
}

enum MHD_Result
sd_api_catalogue_versions(struct sd_req *r)
{
	struct sd_scope sc;
	PGresult *res = NULL;
	json_t *v;
	int rc;

	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_read(r->rq_app->ap_db, &sc, &catalogue_versions, NULL, &res);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	v = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	if (v == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	return sd_reply_json(r, 200, json_pack("{s:o}", "versions", v));
}
