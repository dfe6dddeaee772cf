/*
 * api/tenants.c: GET /api/v1/tenants and GET /api/v1/tenants/{code}.
 *
 * The names of the four municipalities are public (the login page lists
 * them); a tenant's departments and cost centres are for its own people and
 * for the host's staff.
 */
#include "sdesk.h"

/* Every tenant: the scope used for public reference data. */
static const struct sd_scope tenants_public = {0, NULL, ""};

enum MHD_Result
sd_api_tenants_list(struct sd_req *r)
{
	json_t *list = NULL;
	int rc;

	rc = sd_db_tenants_list(r->rq_app->ap_db, &tenants_public, &list);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200, json_pack("{s:o}", "tenants", list));
}

enum MHD_Result
sd_api_tenant_get(struct sd_req *r)
{
	struct sd_tenant t;
	struct sd_scope sc;
	json_t *out = NULL;
	int rc;

	/* Another tenant's data is not there at all: 404, never 403. */
	if (sd_tenant_get(r->rq_app, 0, r->rq_params[0], &t) < 0 ||
		!sd_auth_can(r->rq_auth, "tenant.read", t.t_id) ||
		!sd_auth_sees_tenant(r->rq_auth, t.t_id))
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	sd_auth_scope(r->rq_auth, &sc);
	rc = sd_db_tenant_get(r->rq_app->ap_db, &sc, t.t_id, &out);
	if (rc == SD_DB_NOTFOUND)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200, out);
}
