/*
 * api/subscriptions.c: what cost centres consume from the catalogue.
 *
 *   GET /api/v1/subscriptions   ?tenant=BEN &cost_centre=3100
 *
 * Running subscriptions (the monthly price they started at and the one in
 * force today) and one-time fees charged, the consumption chargeback
 * bills.  Those who read reports (finance, chiefs, team leads, the IT
 * contacts) see their municipalities'; a manager sees the cost centres
 * they manage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdesk.h"

/* $1 the caller, $2 tenants where the caller reads reports, $3 tenant, $4 cost centre. */
static const struct sd_stmt subscriptions_list = {"subscriptions_list",
	"SELECT json_build_object('subscriptions', coalesce((SELECT json_agg(json_build_object("
	"'id', b.id, 'tenant', t.code, 'cost_centre', json_build_object('code', c.code, "
	"'name', "
	"c.name), 'service', json_build_object('code', s.code, 'name', s.name_sv, 'name_en', "
	"s.name_en, 'unit', s.unit), 'order', o.number, 'quantity', b.quantity, "
	"'monthly_ore_at_start', b.monthly_ore_at_start, 'monthly_ore_today', "
	"sdesk_price_on(b.service_id, 'monthly', b.tenant_id, sdesk_today()), 'start_date', "
	"b.start_date, 'end_date', b.end_date) ORDER BY t.code, c.code, b.start_date, b.id) "
	"FROM "
	"subscriptions b JOIN tenants t ON t.id = b.tenant_id JOIN cost_centres c ON c.id = "
	"b.cost_centre_id JOIN services s ON s.id = b.service_id LEFT JOIN orders o ON o.id = "
	"b.order_id WHERE (b.tenant_id = ANY ($2::integer[]) OR sdesk_manages($1, "
	"b.cost_centre_id)) AND ($3 = '' OR b.tenant_id = nullif($3, '')::integer) AND ($4 = "
	"'' "
	"OR c.code = upper($4))), '[]'), 'charges', coalesce((SELECT "
	"json_agg(json_build_object('id', h.id, 'tenant', t.code, 'cost_centre', "
	"json_build_object('code', c.code, 'name', c.name), 'service', "
	"json_build_object('code', "
	"s.code, 'name', s.name_sv, 'name_en', s.name_en, 'unit', s.unit), 'order', o.number, "
	"'quantity', h.quantity, 'amount_ore', h.amount_ore, 'charged_on', h.charged_on) ORDER "
	"BY t.code, c.code, h.charged_on, h.id) FROM one_time_charges h JOIN tenants t ON t.id "
	"= "
	"h.tenant_id JOIN cost_centres c ON c.id = h.cost_centre_id JOIN services s ON s.id = "
	"h.service_id JOIN orders o ON o.id = h.order_id WHERE (h.tenant_id = ANY "
	"($2::integer[]) OR sdesk_manages($1, h.cost_centre_id)) AND ($3 = '' OR h.tenant_id = "
	"nullif($3, '')::integer) AND ($4 = '' OR c.code = upper($4))), '[]'))",
	4};

enum MHD_Result
sd_api_subscriptions_list(struct sd_req *r)
{
	const char *code = sd_req_query(r, "tenant"), *cc = sd_req_query(r, "cost_centre");
	char pid[24], tid[16], *rep = sd_auth_tenants_with(r->rq_auth, "report.read", 0);
	const char *p[4] = {pid, rep, tid, cc ? cc : ""};
	struct sd_tenant t;
	struct sd_scope sc;
	enum MHD_Result ret;
	PGresult *res = NULL;
	json_t *body;
	int rc;

	if (rep == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	tid[0] = '\0';
	if (code != NULL && sd_input_tenant(r, code, "tenant", &t, &ret) < 0) {
		free(rep);
		return ret;
	}
	if (code != NULL)
		snprintf(tid, sizeof(tid), "%d", t.t_id);
	if (cc != NULL && (cc[0] == '\0' || strlen(cc) > 16)) {
		free(rep);
		return sd_reply_error(r, SD_E_INVALID_FIELD, "cost_centre", NULL);
	}
	snprintf(pid, sizeof(pid), "%lld", r->rq_auth->au_person);
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_read(r->rq_app->ap_db, &sc, &subscriptions_list, p, &res);
	free(rep);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	body = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	if (body == NULL)
		return sd_reply_error(r, SD_E_INTERNAL, NULL, NULL);
	return sd_reply_json(r, 200, body);
}
