/*
 * api/tenants.c: GET /api/v1/tenants and GET /api/v1/tenants/{code}.
 *
 * The four municipalities and their departments and cost centres are the
 * public frame of reference (the login page lists them), so these are
 * readable without a session; everything a tenant owns beyond this is not.
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
	json_t *t = NULL;
	int rc;

	rc = sd_db_tenant_get(r->rq_app->ap_db, r->rq_params[0], &t);
	if (rc == SD_DB_NOTFOUND)
		return sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200, t);
}
