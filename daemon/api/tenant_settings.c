/*
 * api/tenant_settings.c: GET and PUT /api/v1/tenants/{code}/settings, a
 * municipality's own settings, kept by its IT contact (and the host's
 * administrators).  Today one: mfa_all_users, two-step verification for
 * every employee of the municipality, not just staff (db/login.c reads it).
 */
#include <stdio.h>

#include "sdesk.h"

static const struct sd_field settings_fields[] = {
	{"mfa_all_users", SD_FT_BOOL, SD_FF_REQUIRED, 0, 0},
	{NULL, SD_FT_ANY, 0, 0, 0},
};

int
sd_api_tenant_param(
	struct sd_req *r, const char *perm, struct sd_tenant *t, enum MHD_Result *ret)
{
	/* Another tenant's configuration is not there at all: 404, never 403. */
	if (sd_tenant_get(r->rq_app, 0, r->rq_params[0], t) < 0 ||
		!sd_auth_sees_tenant(r->rq_auth, t->t_id) ||
		!sd_auth_can(r->rq_auth, perm, t->t_id)) {
		*ret = sd_reply_error(r, SD_E_NOT_FOUND, NULL, NULL);
		return -1;
	}
	return 0;
}

enum MHD_Result
sd_api_tenant_settings_get(struct sd_req *r)
{
	struct sd_tenant t;
	enum MHD_Result ret;
	int rc, mfa = 0;

	if (sd_api_tenant_param(r, "tenant.settings", &t, &ret) < 0)
		return ret;
	if ((rc = sd_db_tenant_settings(r, t.t_id, -1, &mfa)) != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200, json_pack("{s:b}", "mfa_all_users", mfa));
}

enum MHD_Result
sd_api_tenant_settings_put(struct sd_req *r)
{
	struct sd_tenant t;
	enum MHD_Result ret;
	int rc, mfa = 0;

	if (sd_api_tenant_param(r, "tenant.settings", &t, &ret) < 0 ||
		sd_input_check(r, settings_fields, &ret) < 0)
		return ret;
	rc = sd_db_tenant_settings(
		r, t.t_id, json_is_true(json_object_get(r->rq_json, "mfa_all_users")), &mfa);
	if (rc != SD_DB_OK)
		return sd_reply_db_error(r, rc);
	return sd_reply_json(r, 200, json_pack("{s:b}", "mfa_all_users", mfa));
}
